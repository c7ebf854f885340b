#!/usr/bin/env python3
"""Known-bad ranged server: never closes a data connection after its block.

The bug: the block is sent, and the socket is left open (no close, no shutdown). A client that
reads until the server closes, as the spec lets it, waits forever.
Everything else is good_ranged_server.py.  Run: python3 ranged_never_closes_data.py PORT ROOT
"""
import sys

import good_ranged_server as server

forgotten = []


def finish_connection(conn):
    forgotten.append(conn)  # BUG: kept open, never closed


server.finish_connection = finish_connection

if __name__ == "__main__":
    sys.exit(server.main(sys.argv))
