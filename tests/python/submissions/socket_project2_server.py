#!/usr/bin/env python3
"""A CSCI-320 "socketProject2"-style upload server (protocol U) whose port is fixed in the code,
as the course's template fixes PORT = 12000; only [IP] comes from the command line. Written here
from issue 20's description; no course code.

It stores into its working directory under NAME.temp, answers "go ahead", reads exactly `size`
bytes, and, like the template, does not set SO_REUSEADDR: a connection it closed first keeps
port 12000 in TIME_WAIT and a restart within a minute fails with "Address already in use".
(SOCKET_PROJECT_PORT overrides the port, so that the kit's tests need no fixed port.)

Run (Python 3 standard library only), in the directory that receives the files:
    cd received && python3 ../tests/python/submissions/socket_project2_server.py 127.0.0.1

    Server listening on 127.0.0.1:12000
    notes.txt.temp stored: 1834 bytes

Grade it (the command has no {port}; the grader waits for the port to be free between tests):
    ./transfer check upload --server-port 12000 --server-cmd \
        "cd {dir} && python3 tests/python/submissions/socket_project2_server.py"
"""
import os
import socket
import sys
import threading

PORT = int(os.environ.get("SOCKET_PROJECT_PORT", "12000"))


def read_header(conn):
    """8 bytes of big-endian size, then the name: until the client pauses (the seed's rule)."""
    data = b""
    while len(data) < 8:
        chunk = conn.recv(8 - len(data))
        if not chunk:
            raise ConnectionError("closed before the size")
        data += chunk
    size = int.from_bytes(data, "big")
    conn.settimeout(0.05)
    name = b""
    try:
        while True:
            chunk = conn.recv(1024)
            if not chunk:
                break
            name += chunk
    except socket.timeout:
        pass
    conn.settimeout(None)
    return name.decode("utf-8"), size


def serve(conn):
    with conn:
        name, size = read_header(conn)
        conn.sendall(b"go ahead")
        stored = os.path.basename(name) + ".temp"
        received = 0
        with open(stored, "wb") as out:
            while received < size:
                chunk = conn.recv(min(65536, size - received))
                if not chunk:
                    break
                out.write(chunk)
                received += len(chunk)
        if received < size:
            os.remove(stored)
            print(f"{stored}: the client left after {received} of {size} bytes", flush=True)
        else:
            print(f"{stored} stored: {received} bytes", flush=True)


def serve_safely(conn):
    try:
        serve(conn)
    except (OSError, UnicodeDecodeError) as e:
        print(f"client failed: {e}", flush=True)


def main(argv):
    ip = argv[1] if len(argv) > 1 else "127.0.0.1"
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # no SO_REUSEADDR, as the template
    listener.bind((ip, PORT))
    listener.listen(16)
    print(f"Server listening on {ip}:{PORT}", flush=True)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve_safely, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main(sys.argv)
