#!/usr/bin/env python3
"""Upload server without one extension (U17):
when a directory of that name is in the way, it deletes the directory and stores the file.

Everything else is good_upload_server.py. EachMissingExtensionCostsOnlyItsOwnPointsTest grades it
with --extensions: it must lose the points of U17 and nothing else.
Run: python3 upload_without_storage_check.py PORT DIR MAX_SIZE IDLE_TIMEOUT DEADLINE [HEADER_SETTLE]
"""
import sys

import good_upload_server as server

import shutil


def move_into_place(temporary, target):
    if server.os.path.isdir(target):
        shutil.rmtree(target)  # "fixes" the storage failure by destroying what was there
    server.os.replace(temporary, target)


server.move_into_place = move_into_place

if __name__ == "__main__":
    sys.exit(server.main(sys.argv))
