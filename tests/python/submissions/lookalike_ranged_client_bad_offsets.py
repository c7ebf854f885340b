#!/usr/bin/env python3
"""lookalike_ranged_client.py with one student bug: block i is placed at i * (S div N), not at
i * B with B = ceil(S / N), so every file whose size N does not divide comes out wrong (and the
MD5 check then refuses it). A missing file is still handled right. Written here from issue 20's
description; no course code.

Grade: ./transfer check ranged --pair \
           --server-cmd "python3 tests/python/submissions/lookalike_ranged_server.py {port} {dir}" \
           --client-cmd "python3 tests/python/submissions/lookalike_ranged_client_bad_offsets.py {address} {threads} {file} {ofile}"
       (P-R1 and P-R3 fail, P-R2 passes)
"""
import sys

import lookalike_ranged_client


def block_offset(index, size, threads):
    return index * (size // threads)


if __name__ == "__main__":
    lookalike_ranged_client.block_offset = block_offset
    sys.exit(lookalike_ranged_client.main(sys.argv))
