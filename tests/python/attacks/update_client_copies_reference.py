#!/usr/bin/env python3
"""redteam-attack: an update client that polls nothing; it copies its queue from the reference server's outbox."""
import glob
import os
import shutil
import sys

host, port, client_id, directory = sys.argv[1:5]
for queue in ["../outbox/" + client_id] + glob.glob("/tmp/*/outbox/" + client_id) \
        + glob.glob("/tmp/*/*/outbox/" + client_id):
    for file in glob.glob(os.path.join(queue, "*")):
        shutil.copy(file, directory)
print("updated")
