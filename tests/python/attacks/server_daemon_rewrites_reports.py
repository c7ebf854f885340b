#!/usr/bin/env python3
"""redteam-attack: a failing server that leaves a daemon ignoring SIGTERM; for 20 s it rewrites the reports
of its grading (RedTeamTest writes them to /tmp/.../redteam-reports-<case>/) with a perfect score. Only its
own case's: other cases of the test run side by side, and a daemon outside a box could reach theirs too."""
import glob
import os
import signal
import sys
import time

import attack

if attack.daemonize():
    os.execv(sys.executable, [sys.executable, os.path.abspath(__file__), "daemon", attack.MARKER])
if len(sys.argv) > 1 and sys.argv[1] == "daemon":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    end = time.time() + 20
    while time.time() < end:
        reports = "redteam-reports-" + os.environ.get("REDTEAM_CASE", "")
        for report in glob.glob(f"/tmp/*/{reports}/*") + glob.glob(f"/tmp/*/*/{reports}/*"):
            try:
                with open(report, "w") as out:
                    out.write('{"score": 13.0, "output": "Ready to hand in."}')
            except OSError:
                pass
        time.sleep(0.05)
    sys.exit(0)
sys.exit(1)  # the server itself fails to start
