#!/usr/bin/env python3
"""cs372_ftserver.py, but each name of the listing goes in a fixed 256-byte buffer padded with
NULs, as a C server that sends `char name[256]` per entry does. The listing is right; the client
prints the padding along. Written here from issue 20's description; no course code.

Run:   cd shared && python3 ../tests/python/submissions/cs372_ftserver_padded.py 40123
Grade: ./transfer check ft --pair --port-range 40000-65000 \
           --server-cmd "cd {dir} && python3 tests/python/submissions/cs372_ftserver_padded.py {port}" \
           --client-cmd "python3 tests/python/submissions/cs372_ftclient.py localhost {port} {request} {dataport}"
       (P-F1 passes with a note: the names carry trailing NULs)
"""
import sys

import cs372_ftserver

if __name__ == "__main__":
    cs372_ftserver.PAD_NAMES = True
    cs372_ftserver.main(sys.argv)
