#!/usr/bin/env python3
"""Known-bad ranged server: block size S // N instead of S // N + 1.

The bug: an off-by-one in the block formula. N blocks of S // N bytes cover only N * (S // N)
bytes: when N does not divide S, the last S mod N bytes are never sent, and the announced
block-size is not the spec's. Everything else is good_ranged_server.py.
Run: python3 ranged_off_by_one_block.py PORT ROOT
"""
import sys

import good_ranged_server as server


def block_size(size, threads):
    return size // threads  # BUG: the spec says size // threads + 1


server.block_size = block_size

if __name__ == "__main__":
    sys.exit(server.main(sys.argv))
