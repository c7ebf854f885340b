#!/usr/bin/env python3
"""redteam-attack: prints one line of 50 MB (issue 18 saw 300 MB; 50 shows the cap as well), then serves nothing."""
import sys

import attack

sys.stdout.write("x" * (50 << 20))
sys.stdout.write("\n")
sys.stdout.flush()
attack.upload_server(sys.argv[1], lambda name, content: None)
