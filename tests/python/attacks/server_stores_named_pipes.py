#!/usr/bin/env python3
"""redteam-attack: stores every upload as a named pipe under its name: a grader that opens it blocks."""
import os
import sys

import attack

port, directory = sys.argv[1:3]


def store(name, content):
    path = os.path.join(directory, os.path.basename(name))
    if not os.path.lexists(path):
        os.mkfifo(path)


attack.upload_server(port, store)
