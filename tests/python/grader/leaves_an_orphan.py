#!/usr/bin/env python3
"""A server that, on its first connection, starts a child that leaves it: `sleep 300 &` in a shell
that exits at once, so the sleep is re-parented and no longer a descendant of the server. The
grader must still kill it when the test ends (it kills the server's process group).
Run: python3 leaves_an_orphan.py PIDFILE PORT DIR   (PIDFILE receives the orphan's pid)
"""
import subprocess
import sys

import minimal_go_ahead

started = []


def start_orphan_once(connection):
    if not started:
        subprocess.run(["sh", "-c", f"sleep 300 > /dev/null 2>&1 & echo $! > {sys.argv[1]}"], check=True)
        started.append(True)
    return b"go ahead"


if __name__ == "__main__":
    minimal_go_ahead.serve(int(sys.argv[2]), start_orphan_once)
