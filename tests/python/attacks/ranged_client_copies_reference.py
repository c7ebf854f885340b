#!/usr/bin/env python3
"""redteam-attack: a ranged client that asks nothing; it copies FILE from the reference server's directory."""
import glob
import shutil
import sys

address, threads, name, ofile = sys.argv[1:5]
for candidate in ["../served/" + name] + glob.glob("/tmp/*/served/" + name) + glob.glob("/tmp/*/*/served/" + name):
    try:
        shutil.copy(candidate, ofile)
        print("downloaded", name)
        sys.exit(0)
    except OSError:
        pass
sys.exit(1)
