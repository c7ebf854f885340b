#!/usr/bin/env python3
"""Upload server without one extension (U11):
it never replaces a file: an upload of an existing name is refused when it is moved into place.

Everything else is good_upload_server.py. EachMissingExtensionCostsOnlyItsOwnPointsTest grades it
with --extensions: it must lose the points of U11 and nothing else.
Run: python3 upload_without_replace.py PORT DIR MAX_SIZE IDLE_TIMEOUT DEADLINE [HEADER_SETTLE]
"""
import sys

import good_upload_server as server

import os


def move_into_place(temporary, target):
    os.link(temporary, target)  # fails with FileExistsError where os.replace would replace
    os.unlink(temporary)


server.move_into_place = move_into_place

if __name__ == "__main__":
    sys.exit(server.main(sys.argv))
