#!/usr/bin/env python3
"""Upload server without one extension (U13):
an upload may take as long as its bytes keep coming (the deadline it is given is ignored).

Everything else is good_upload_server.py. EachMissingExtensionCostsOnlyItsOwnPointsTest grades it
with --extensions: it must lose the points of U13 and nothing else.
Run: python3 upload_without_deadline.py PORT DIR MAX_SIZE IDLE_TIMEOUT DEADLINE [HEADER_SETTLE]
"""
import sys

import good_upload_server as server

def without_deadline(argv):
    return argv[:5] + ["1000000"] + argv[6:] if len(argv) >= 6 else argv

if __name__ == "__main__":
    sys.exit(server.main(without_deadline(sys.argv)))
