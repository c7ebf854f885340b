#!/usr/bin/env python3
"""Upload server without one extension (U6):
it closes after storing the file, without the "ok <sha256>" line, as seed 004 servers do.

Everything else is good_upload_server.py. EachMissingExtensionCostsOnlyItsOwnPointsTest grades it
with --extensions: it must lose the points of U6 and nothing else.
Run: python3 upload_without_ok.py PORT DIR MAX_SIZE IDLE_TIMEOUT DEADLINE [HEADER_SETTLE]
"""
import sys

import good_upload_server as server

def send_ok(conn, digest):
    pass  # no "ok" line: the close says it all


server.send_ok = send_ok

if __name__ == "__main__":
    sys.exit(server.main(sys.argv))
