#!/usr/bin/env python3
"""resources/student/python/stage2/server.py as handed out, on stage 1's done (instructors' and tests' only):
its TODO(stage2.1) alone is left, so check stage2 shows what that TODO guards (U16).

Run: python3 tests/python/starters/stage2_server_todo.py [IP] [PORT] --dir DIR ...  (the starter's command line)
"""
import sys

import completing
import stage1_server_done  # noqa: F401 -- stage 1's TODOs done, registered as the module stage 2 loads

server = completing.starter("stage2", "server.py")

if __name__ == "__main__":
    sys.exit(server.main(sys.argv))
