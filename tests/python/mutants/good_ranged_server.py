#!/usr/bin/env python3
"""A correct protocol R ranged-download server in plain Python 3, the baseline of the known-bad
ranged servers here (seed 000, made robust as resources/protocols/ranged.md specifies).

Control: HTTP/1.1 on PORT. POST <path> with {"threads": N}, 1 <= N <= 255, where <path> is /name,
name or an absolute path under ROOT; answers {"hash", "port"} and the extras "size", "block-size",
"threads"; 400 bad body, 403 outside the root or unreadable,
404 missing or not a regular file, 405 any other method. Data: a listener on a free port; each
connection sends one byte i and gets bytes [i*B, min(S, (i+1)*B)) with B = S // N + 1, then the
server closes it. The listener closes once every block went out whole, or after an idle timeout.
It is the student's starter, resources/student/python/stage3/server.py, with its TODO done.
Every ranged_*.py beside it replaces ONE function with a typical student bug.

Run:   python3 tests/python/mutants/good_ranged_server.py PORT ROOT
Grade: ./transfer check ranged --server-cmd "python3 tests/python/mutants/good_ranged_server.py {port} {dir}"
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "starters"))
import completing  # noqa: E402

# The student's starter, resources/student/python/stage3/server.py, is this server: its code runs
# here, and the functions below are its TODO done. A mutant that replaces one of them (or of the
# starter's: resolve, finish_connection) thereby changes what the server itself calls.
completing.run_starter("stage3", "server.py", globals())
starter_main = main  # noqa: F821 -- defined by the starter's code; this program's own command line is below


def block_size(size, threads):
    """TODO(stage3.1) done: B = S div N + 1."""
    return size // threads + 1


def block_range(index, size, threads):
    """TODO(stage3.1) done: bytes [start, end) of block `index`."""
    b = block_size(size, threads)
    return min(size, index * b), min(size, (index + 1) * b)


def main(argv):
    """PORT ROOT: the starter's command line with the root as an argument of its own."""
    if len(argv) != 3:
        print(f"usage: {argv[0]} PORT ROOT", file=sys.stderr)
        return 2
    return starter_main([argv[0], argv[1], "--root", argv[2]])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
