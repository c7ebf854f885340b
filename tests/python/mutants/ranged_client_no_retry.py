#!/usr/bin/env python3
"""Known-bad ranged client: a block whose connection breaks is not asked for again.

The bug: one attempt per block. A connection cut before the block's first byte (a reset, a busy
middlebox) leaves the block empty, and the download fails though the server would send it again.
Graded with `check ranged --client-cmd`; KnownBadClientsAreCaughtTest expects R14 to fail.
Everything else is good_ranged_client.py.  Run: python3 ranged_client_no_retry.py ADDRESS THREADS FILE OFILE
"""
import sys

import good_ranged_client as client

client.RETRIES = 0  # BUG: no second attempt

if __name__ == "__main__":
    sys.exit(client.main(sys.argv))
