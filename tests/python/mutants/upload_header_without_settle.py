#!/usr/bin/env python3
"""Known-bad upload server: reads the size and one byte of name, then stops (no settle window).

The bug: the header has no length field, so "the size and one byte of name" is not the end of the
name. The server answers "go ahead" to the first byte of the name and takes the rest of the name for
content, storing a wrong file under a one-letter name.
Everything else is good_upload_server.py.  Run: python3 upload_header_without_settle.py PORT DIR
"""
import sys

import good_upload_server as server


def read_header(conn):
    header = b""
    while len(header) <= server.SIZE_BYTES:  # BUG: 9 bytes are not the whole header
        piece = conn.recv(server.SIZE_BYTES + 1 - len(header))
        if not piece:
            raise server.Refusal("bad-header", f"the connection closed after {len(header)} header bytes")
        header += piece
    return header


server.read_header = read_header

if __name__ == "__main__":
    sys.exit(server.main(sys.argv))
