#!/usr/bin/env python3
"""Known-bad upload server: assumes one recv() returns the whole header (as seed 004's server does).

The bug: `header = conn.recv(1024)`. TCP is a byte stream; a header that arrives in pieces (a slow
network, a proxy) is cut, and the name is stored truncated or refused.
Everything else is good_upload_server.py.  Run: python3 upload_one_recv_header.py PORT DIR
"""
import sys

import good_upload_server as server


def read_header(conn):
    header = conn.recv(1024)  # BUG: one recv is not one message
    if not header:
        raise server.Refusal("bad-header", "the connection closed before the header")
    return header


server.read_header = read_header

if __name__ == "__main__":
    sys.exit(server.main(sys.argv))
