#!/usr/bin/env python3
"""resources/student/python/stage3/server.py with its TODO done (instructors' and tests' only).

Run: python3 tests/python/starters/stage3_server_done.py PORT --root DIR  (the starter's command line)
"""
import sys

import completing

server = completing.starter("stage3", "server.py")
completing.fill(server, completing.solution("good_ranged_server.py"), "block_size", "block_range")

if __name__ == "__main__":
    sys.exit(server.main(sys.argv))
