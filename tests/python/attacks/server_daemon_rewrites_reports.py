#!/usr/bin/env python3
"""redteam-attack: a failing server that leaves a daemon ignoring SIGTERM; for 20 s it rewrites every
results.json and junit XML it finds under /tmp with a perfect score."""
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
        for report in glob.glob("/tmp/*/redteam-reports/*") + glob.glob("/tmp/*/*/redteam-reports/*"):
            try:
                with open(report, "w") as out:
                    out.write('{"score": 13.0, "output": "Ready to hand in."}')
            except OSError:
                pass
        time.sleep(0.05)
    sys.exit(0)
sys.exit(1)  # the server itself fails to start
