#!/usr/bin/env python3
"""A CSCI-320 "socketProject2"-style upload client (protocol U): `client.py FILE [IP]`, the port
fixed at 12000 in the code, and FILE sent as it was given as the upload's name. Written here from
issue 20's description; no course code.

Given a path with a "/", it would send a name the server refuses; so the grader gives it the bare
name ({name}) and runs it in the file's directory. (SOCKET_PROJECT_PORT overrides the port, so
that the kit's tests need no fixed port.)

Run (Python 3 standard library only), in the directory of the file:
    python3 tests/python/submissions/socket_project2_client.py notes.txt 127.0.0.1

    Sent notes.txt: 1834 bytes

Grade it (our server listens on the port the client insists on):
    ./transfer check upload --client-port 12000 --client-cmd \
        "python3 tests/python/submissions/socket_project2_client.py {name} {host}"
"""
import os
import socket
import sys

PORT = int(os.environ.get("SOCKET_PROJECT_PORT", "12000"))


def main(argv):
    if len(argv) not in (2, 3):
        print(f"usage: {argv[0]} FILE [IP]", file=sys.stderr)
        return 2
    name = argv[1]
    ip = argv[2] if len(argv) == 3 else "127.0.0.1"
    size = os.path.getsize(name)
    with socket.create_connection((ip, PORT)) as sock:
        sock.sendall(size.to_bytes(8, "big") + name.encode("utf-8"))
        answer = b""
        while len(answer) < 8:
            chunk = sock.recv(8 - len(answer))
            if not chunk:
                break
            answer += chunk
        if answer != b"go ahead":
            print(f"the server said {answer!r}, not go ahead", file=sys.stderr)
            return 1
        with open(name, "rb") as f:
            while True:
                chunk = f.read(65536)
                if not chunk:
                    break
                sock.sendall(chunk)
    print(f"Sent {name}: {size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
