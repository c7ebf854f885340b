#!/usr/bin/env python3
"""Known-bad upload server: writes straight into the target file and keeps it when the upload breaks.

The bug: `open(os.path.join(directory, name), "wb")` with no temporary file and no cleanup: a
client that disconnects halfway leaves half a file that looks like a finished upload.
Everything else is good_upload_server.py.  Run: python3 upload_leaves_partial_file.py PORT DIR
"""
import sys

import good_upload_server as server


def store(conn, directory, name, size):
    with open(server.target_path(directory, name), "wb") as out:  # BUG: no temporary file, no cleanup
        return server.receive_content(conn, out, size)


server.store = store

if __name__ == "__main__":
    sys.exit(server.main(sys.argv))
