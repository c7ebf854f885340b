#!/usr/bin/env python3
"""redteam-attack: stores every upload as {dir}/NAME -> /dev/zero: a grader that follows it reads for ever."""
import os
import sys

import attack

port, directory = sys.argv[1:3]


def store(name, content):
    path = os.path.join(directory, os.path.basename(name))
    if os.path.lexists(path):
        os.remove(path)
    os.symlink("/dev/zero", path)


attack.upload_server(port, store)
