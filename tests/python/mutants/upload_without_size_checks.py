#!/usr/bin/env python3
"""Upload server without one extension (U9):
it answers "go ahead" to any size, a negative one or one above the limit.

Everything else is good_upload_server.py. EachMissingExtensionCostsOnlyItsOwnPointsTest grades it
with --extensions: it must lose the points of U9 and nothing else.
Run: python3 upload_without_size_checks.py PORT DIR MAX_SIZE IDLE_TIMEOUT DEADLINE [HEADER_SETTLE]
"""
import sys

import good_upload_server as server

def check_size(size):
    pass


server.check_size = check_size

if __name__ == "__main__":
    sys.exit(server.main(sys.argv))
