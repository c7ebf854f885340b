#!/usr/bin/env python3
"""Known-bad upload server: one content buffer shared by every client thread.

The bug: a module-level `content = bytearray()` that each thread clears and fills. One client at a
time works; two uploads that overlap (one paused after "go ahead" while another runs) mix their
bytes, and a file is stored with somebody else's content in it.
Everything else is good_upload_server.py.  Run: python3 upload_shared_buffer.py PORT DIR
"""
import hashlib
import os
import sys

import good_upload_server as server

content = bytearray()  # BUG: shared by all threads


def store(conn, directory, name, size):
    content.clear()
    received = 0
    while received < size:
        chunk = conn.recv(min(64 * 1024, size - received))
        if not chunk:
            raise ConnectionError(f"the client closed after {received} of {size} bytes")
        content.extend(chunk)
        received += len(chunk)
    temporary = server.target_path(directory, "." + name + ".part")
    with open(temporary, "wb") as out:
        out.write(content)
    os.replace(temporary, server.target_path(directory, name))
    return hashlib.sha256(content).hexdigest()


server.store = store

if __name__ == "__main__":
    sys.exit(server.main(sys.argv))
