#!/usr/bin/env python3
"""Upload server without one extension (U7):
it refuses by closing the connection, without an "error <code>: <detail>" line.

Everything else is good_upload_server.py. EachMissingExtensionCostsOnlyItsOwnPointsTest grades it
with --extensions: it must lose the points of U7 and nothing else.
Run: python3 upload_without_error_lines.py PORT DIR MAX_SIZE IDLE_TIMEOUT DEADLINE [HEADER_SETTLE]
"""
import sys

import good_upload_server as server

def send_refusal(conn, refusal):
    print(f"refused (silently): {refusal}", flush=True)


server.send_refusal = send_refusal

if __name__ == "__main__":
    sys.exit(server.main(sys.argv))
