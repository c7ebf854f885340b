#!/usr/bin/env python3
"""Known-bad upload client: sends the header and the content at once, without waiting for "go ahead".

The bug: `sock.sendall(header + content)`. The header has no length field for the name, so the
server cannot tell where the name ends and the content begins: the file arrives under a wrong
name, or is refused. Graded with --client-cmd; MutantsAreCaughtTest expects U1 to fail.
Run: python3 upload_client_skips_go_ahead.py HOST PORT FILE
"""
import os
import socket
import sys


def main(argv):
    if len(argv) != 4:
        print(f"usage: {argv[0]} HOST PORT FILE", file=sys.stderr)
        return 2
    host, port, path = argv[1], int(argv[2]), argv[3]
    name = os.path.basename(path)
    with open(path, "rb") as f:
        content = f.read()
    with socket.create_connection((host, port)) as sock:
        sock.sendall(len(content).to_bytes(8, "big") + name.encode("utf-8") + content)  # BUG: no wait
        sock.recv(1024)
    print(f"sent {name} ({len(content)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
