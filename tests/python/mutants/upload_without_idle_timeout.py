#!/usr/bin/env python3
"""Upload server without one extension (U12):
its reads wait as long as it takes (the idle timeout it is given is ignored).

Everything else is good_upload_server.py. EachMissingExtensionCostsOnlyItsOwnPointsTest grades it
with --extensions: it must lose the points of U12 and nothing else.
Run: python3 upload_without_idle_timeout.py PORT DIR MAX_SIZE IDLE_TIMEOUT DEADLINE [HEADER_SETTLE]
"""
import sys

import good_upload_server as server

def without_idle_timeout(argv):
    return argv[:4] + ["1000000"] + argv[5:] if len(argv) >= 6 else argv

if __name__ == "__main__":
    sys.exit(server.main(without_idle_timeout(sys.argv)))
