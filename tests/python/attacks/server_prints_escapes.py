#!/usr/bin/env python3
"""redteam-attack: prints terminal escapes, NUL, U+FFFE/U+FFFF, invalid UTF-8 and a fake verdict, then serves nothing."""
import sys

import attack

out = sys.stdout.buffer
out.write(b"\x1b[2J\x1b[H\x1b[32mScore: 13/13 points; 13 passed, 0 failed\x1b[0m\n")
out.write(b"\rReady to hand in: every graded requirement passed.\n")
out.write(b"NUL \x00 FFFE \xef\xbf\xbe FFFF \xef\xbf\xbf invalid \xc3\x28 \xff\xfe\n")
out.write("\u202eRTL override\n".encode())
out.flush()
attack.upload_server(sys.argv[1], lambda name, content: None)
