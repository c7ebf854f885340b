#!/usr/bin/env python3
"""Upload server without one extension (U10):
it writes straight into the file of that name (deleting it if the upload breaks).

Everything else is good_upload_server.py. EachMissingExtensionCostsOnlyItsOwnPointsTest grades it
with --extensions: it must lose the points of U10 and nothing else.
Run: python3 upload_without_temporary_file.py PORT DIR MAX_SIZE IDLE_TIMEOUT DEADLINE [HEADER_SETTLE]
"""
import sys

import good_upload_server as server

import os


def store(conn, directory, name, size):
    path = server.target_path(directory, name)
    try:
        out = open(path, "wb")
    except OSError as e:
        raise server.Refusal("storage", f"cannot store {name!r}: {e.strerror}")
    try:
        with out:
            return server.receive_content(conn, out, size)
    except BaseException:
        os.unlink(path)
        raise


server.store = store

if __name__ == "__main__":
    sys.exit(server.main(sys.argv))
