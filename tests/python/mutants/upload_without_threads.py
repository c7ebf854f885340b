#!/usr/bin/env python3
"""Upload server without one extension (U16):
it serves one client at a time (stage 1), so graded as a concurrent server it fails U16.

Everything else is good_upload_server.py. EachMissingExtensionCostsOnlyItsOwnPointsTest grades it
with --extensions: it must lose the points of U16 and nothing else.
Run: python3 upload_without_threads.py PORT DIR MAX_SIZE IDLE_TIMEOUT DEADLINE [HEADER_SETTLE]
"""
import sys

import good_upload_server as server

def serve(conn, directory):
    server.serve_and_log(conn, directory)  # on the accepting thread: the next client waits


server.serve = serve

if __name__ == "__main__":
    sys.exit(server.main(sys.argv))
