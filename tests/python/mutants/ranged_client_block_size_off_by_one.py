#!/usr/bin/env python3
"""Known-bad ranged client: places block i at i * (S div N), forgetting the "+ 1" of B.

The bug: `B = size // threads`. The server cuts the file with B = S div N + 1, so every block
after the first lands one byte per block too early, overwriting the end of the one before: the
file is corrupt and its MD5 does not match. Graded with `check ranged --client-cmd`;
KnownBadClientsAreCaughtTest expects R6 to fail. Everything else is good_ranged_client.py.
Run: python3 ranged_client_block_size_off_by_one.py ADDRESS THREADS FILE OFILE
"""
import sys

import good_ranged_client as client


def block_offsets(size, threads, blocks):
    return [i * (size // threads) for i in range(threads)]  # BUG: B is S div N + 1


client.block_offsets = block_offsets

if __name__ == "__main__":
    sys.exit(client.main(sys.argv))
