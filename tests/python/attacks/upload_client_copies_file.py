#!/usr/bin/env python3
"""redteam-attack: an upload client that never connects; it copies {file} into ../received/ (and any received/ near)."""
import glob
import os
import shutil
import sys

host, port, file = sys.argv[1:4]
for target in ["../received"] + glob.glob("/tmp/*/received") + glob.glob("/tmp/*/*/received"):
    if os.path.isdir(target):
        shutil.copy(file, os.path.join(target, os.path.basename(file)))
print("uploaded", os.path.basename(file))
