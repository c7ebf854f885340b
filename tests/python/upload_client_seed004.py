#!/usr/bin/env python3
"""Upload client of protocol U, written from seed 004's description (the course's Python client).

It does exactly what the seed's client does, no more: ONE send of the 8-byte big-endian size
followed by the UTF-8 name, expect b'go ahead', send the content, and close without reading
anything further (it never reads our "ok <sha256>" line). The Java tests use it to check that our
servers interoperate with the course's own programs byte for byte.

Run (Python 3 standard library only):
    python3 tests/python/upload_client_seed004.py HOST PORT FILE [NAME]

    $ python3 tests/python/upload_client_seed004.py 127.0.0.1 5000 notes.txt
    sent notes.txt (1834 bytes)

Exit status: 0 sent, 1 the server did not say b'go ahead', 2 usage.
"""
import os
import socket
import sys

CHUNK_BYTES = 64 * 1024


def main(argv):
    if len(argv) not in (4, 5):
        print(f"usage: {argv[0]} HOST PORT FILE [NAME]", file=sys.stderr)
        return 2
    host, port, path = argv[1], int(argv[2]), argv[3]
    name = argv[4] if len(argv) == 5 else os.path.basename(path)
    size = os.path.getsize(path)

    with socket.create_connection((host, port)) as sock:
        # Seed 004: size and name in ONE send; the server finds the end of the name by the pause.
        sock.sendall(size.to_bytes(8, "big") + name.encode("utf-8"))
        answer = sock.recv(1024)
        if answer != b"go ahead":
            print(f"server answered {answer!r} instead of b'go ahead'", file=sys.stderr)
            return 1
        with open(path, "rb") as f:
            while True:
                chunk = f.read(CHUNK_BYTES)
                if not chunk:
                    break
                sock.sendall(chunk)
    # Closed without reading further, as the seed's client does.
    print(f"sent {name} ({size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
