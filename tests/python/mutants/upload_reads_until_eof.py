#!/usr/bin/env python3
"""Known-bad upload server: reads content until the client closes, not exactly `size` bytes.

The bug: `while chunk := conn.recv(...)` ends only at end of stream. A client that keeps the
connection open to read "ok" waits forever, and bytes sent after `size` end up in the file.
Everything else is good_upload_server.py.  Run: python3 upload_reads_until_eof.py PORT DIR
"""
import hashlib
import sys

import good_upload_server as server


def receive_content(conn, out, size):
    sha256 = hashlib.sha256()
    while chunk := conn.recv(64 * 1024):  # BUG: ignores size, stops only at EOF
        sha256.update(chunk)
        out.write(chunk)
    return sha256.hexdigest()


server.receive_content = receive_content

if __name__ == "__main__":
    sys.exit(server.main(sys.argv))
