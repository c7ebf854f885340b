#!/usr/bin/env python3
"""Known-bad ranged client: writes straight into OFILE and leaves it there when the MD5 is wrong.

The bug: no temporary file; on a mismatch the client reports the failure (exit 1) but the corrupt
OFILE stays, and the next program takes it for the download. Graded with
`check ranged --client-cmd`; KnownBadClientsAreCaughtTest expects R15 to fail.
Everything else is good_ranged_client.py.  Run: python3 ranged_client_keeps_bad_output.py ADDRESS THREADS FILE OFILE
"""
import os
import sys

import good_ranged_client as client


def finish(temporary, ofile, md5, expected_md5, path, threads):
    os.replace(temporary, ofile)  # BUG: OFILE exists before the MD5 was compared
    if md5 != expected_md5:
        print("MD5 mismatch: the server announced %s, the blocks make %s" % (expected_md5, md5), file=sys.stderr)
        return 1
    print("downloaded %s over %d connections, md5 %s" % (path, threads, md5))
    return 0


client.finish = finish

if __name__ == "__main__":
    sys.exit(client.main(sys.argv))
