#!/usr/bin/env python3
"""redteam-attack: the client half of a --pair cheat: it finds the server's {dir} in /proc/*/cmdline and copies."""
import glob
import os
import shutil
import sys

host, port, client_id, directory = sys.argv[1:5]
for cmdline in glob.glob("/proc/[0-9]*/cmdline"):
    try:
        words = open(cmdline, "rb").read().split(b"\0")
    except OSError:
        continue
    if not any(b"pair_server_accepts_and_closes" in word for word in words):
        continue
    for word in words:
        queue = os.path.join(word.decode(errors="replace"), client_id)
        if os.path.isdir(queue):
            for file in glob.glob(os.path.join(queue, "*")):
                shutil.copy(file, directory)
print("updated")
