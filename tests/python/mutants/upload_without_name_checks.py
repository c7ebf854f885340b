#!/usr/bin/env python3
"""Upload server without one extension (U8):
it takes any name the client sends (it still decodes it as UTF-8).

Everything else is good_upload_server.py. EachMissingExtensionCostsOnlyItsOwnPointsTest grades it
with --extensions: it must lose the points of U8 and nothing else.
Run: python3 upload_without_name_checks.py PORT DIR MAX_SIZE IDLE_TIMEOUT DEADLINE [HEADER_SETTLE]
"""
import sys

import good_upload_server as server

def check_name(raw):
    return raw.decode("utf-8", "surrogateescape")


server.check_name = check_name

if __name__ == "__main__":
    sys.exit(server.main(sys.argv))
