#!/usr/bin/env python3
"""A flaky server: the very first connection of a grading run (counted in COUNTER, a file shared by
every server the run starts) is answered "go away!", every later one "go ahead". Graded with
--repeat 2, the requirement fails in one run and passes in the other: flaky.
Run: python3 fails_first_connection_ever.py COUNTER PORT DIR
"""
import pathlib
import sys

import minimal_go_ahead

counter = pathlib.Path(sys.argv[1])


def fail_the_first(connection):
    seen = int(counter.read_text()) if counter.exists() else 0
    counter.write_text(str(seen + 1))
    return b"go away!" if seen == 0 else b"go ahead"


if __name__ == "__main__":
    minimal_go_ahead.serve(int(sys.argv[2]), fail_the_first)
