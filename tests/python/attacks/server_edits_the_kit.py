#!/usr/bin/env python3
"""redteam-attack: appends a line to the kit's `transfer` launcher, found by walking up from its directory.
Graded only inside the sandbox (RedTeamTest skips it without): outside one it would succeed."""
import os
import sys

directory = os.getcwd()
while directory != "/":
    launcher = os.path.join(directory, "transfer")
    if os.path.isfile(launcher) and os.path.isdir(os.path.join(directory, "grader")):
        try:
            with open(launcher, "a") as out:
                out.write("\n# redteam-attack was here\n")
        except OSError as e:
            print("could not edit the kit:", e, flush=True)
        break
    directory = os.path.dirname(directory)
import attack  # noqa: E402
attack.upload_server(sys.argv[1], lambda name, content: None)
