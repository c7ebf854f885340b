#!/usr/bin/env python3
"""Known-bad ranged server: serves any path it can open, ../ included (as seed 000's server did).

The bug: `os.path.join(ROOT, name)` with no check that the result stays under ROOT, so
`POST /../../etc/passwd` downloads a file outside the served root.
Everything else is good_ranged_server.py.  Run: python3 ranged_serves_dotdot.py PORT ROOT
"""
import os
import sys
import urllib.parse

import good_ranged_server as server


def resolve(url_path):
    path = os.path.join(server.ROOT, urllib.parse.unquote(url_path.lstrip("/")))  # BUG: ../ escapes ROOT
    if not os.path.exists(path):
        return None, 404
    if not os.path.isfile(path):
        return None, 404
    return path, 200


server.resolve = resolve

if __name__ == "__main__":
    sys.exit(server.main(sys.argv))
