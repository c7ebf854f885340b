#!/usr/bin/env python3
"""A CSCI-330 PA3-style upload server (protocol U) that reads its header with ONE recv, as the
assignment template's step 2 does. Written here from issue 20's description; no course code.

It takes [IP] [PORT], stores into its working directory under the sent name, answers "go ahead",
then loops recv until `size` bytes have come. Its one recv for the header is fine over loopback
and over a real network (a small first write arrives whole), and breaks only when the header comes
in pieces, which the spec allows (U4, an extension): then it prints "Received:  with size = 0".

Run (Python 3 standard library only), in the directory that receives the files:
    cd received && python3 ../tests/python/submissions/pa3_one_recv_header_server.py 127.0.0.1 12000

    Listening on 127.0.0.1:12000
    Received: notes.txt with size = 1834
    Stored notes.txt (1834 bytes)

Grade it over a poor network (core 13/13):
    ./transfer check upload --network lossy --server-cmd \
        "cd {dir} && python3 tests/python/submissions/pa3_one_recv_header_server.py 127.0.0.1 {port}"
"""
import socket
import sys
import threading


def serve(conn):
    with conn:
        header = conn.recv(1024)  # step 2: the header in one recv
        size = int.from_bytes(header[:8], "big")
        name = header[8:].decode("utf-8", "replace")
        print(f"Received: {name} with size = {size}", flush=True)
        conn.sendall(b"go ahead")
        received = 0
        with open(name, "wb") as out:
            while received < size:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                out.write(chunk)
                received += len(chunk)
        print(f"Stored {name} ({received} bytes)", flush=True)


def main(argv):
    ip = argv[1] if len(argv) > 1 else "127.0.0.1"
    port = int(argv[2]) if len(argv) > 2 else 12000
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((ip, port))
    listener.listen(16)
    print(f"Listening on {ip}:{port}", flush=True)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve_safely, args=(conn,), daemon=True).start()


def serve_safely(conn):
    try:
        serve(conn)
    except OSError as e:
        print(f"client failed: {e}", flush=True)


if __name__ == "__main__":
    main(sys.argv)
