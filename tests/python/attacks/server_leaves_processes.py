#!/usr/bin/env python3
"""redteam-attack: a correct upload server (good_upload_server.py) that first leaves 150 processes behind,
each in a session of its own (out of the grader's process group), sleeping for a minute."""
import os
import sys

import attack

for _ in range(150):
    if attack.daemonize():
        os.execv("/bin/sleep", ["sleep", "60", attack.MARKER])
good = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "mutants", "good_upload_server.py")
os.execv(sys.executable, [sys.executable, good] + sys.argv[1:])  # its path holds python/attacks/
