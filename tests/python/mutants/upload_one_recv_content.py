#!/usr/bin/env python3
"""Known-bad upload server: assumes one recv() returns the whole content.

The bug: `data = conn.recv(size)`. recv returns what has arrived so far, often far less than
`size`; the file is stored short (and the rest of the bytes are lost).
Everything else is good_upload_server.py.  Run: python3 upload_one_recv_content.py PORT DIR
"""
import hashlib
import sys

import good_upload_server as server


def receive_content(conn, out, size):
    data = conn.recv(size) if size > 0 else b""  # BUG: one recv is not the whole content
    out.write(data)
    return hashlib.sha256(data).hexdigest()


server.receive_content = receive_content

if __name__ == "__main__":
    sys.exit(server.main(sys.argv))
