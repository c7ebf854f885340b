#!/usr/bin/env python3
"""cs372_ftserver.py, but it lists and serves only *.txt files, as a pair written for the
course's sample files does. Written here from issue 20's description; no course code.

Run:   cd shared && python3 ../tests/python/submissions/cs372_ftserver_txt_only.py 40123
Grade (the served files named *.txt):
       ./transfer check ft --pair --port-range 40000-65000 \
           --file-names small.txt,large.txt \
           --server-cmd "cd {dir} && python3 tests/python/submissions/cs372_ftserver_txt_only.py {port}" \
           --client-cmd "python3 tests/python/submissions/cs372_ftclient.py localhost {port} {request} {dataport}"
"""
import sys

import cs372_ftserver

if __name__ == "__main__":
    cs372_ftserver.ONLY_TXT = True
    cs372_ftserver.main(sys.argv)
