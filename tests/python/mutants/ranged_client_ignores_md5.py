#!/usr/bin/env python3
"""Known-bad ranged client: keeps the file whatever its MD5.

The bug: the announced MD5 is never compared; a corrupt download is kept as OFILE and the exit
status says success. Graded with `check ranged --client-cmd`; KnownBadClientsAreCaughtTest expects
R6 to fail. Everything else is good_ranged_client.py.
Run: python3 ranged_client_ignores_md5.py ADDRESS THREADS FILE OFILE
"""
import os
import sys

import good_ranged_client as client


def finish(temporary, ofile, md5, expected_md5, path, threads):
    os.replace(temporary, ofile)  # BUG: no comparison with expected_md5
    print("downloaded %s over %d connections" % (path, threads))
    return 0


client.finish = finish

if __name__ == "__main__":
    sys.exit(client.main(sys.argv))
