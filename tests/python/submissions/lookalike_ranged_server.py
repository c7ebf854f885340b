#!/usr/bin/env python3
"""A ranged-download look-alike server (seed 000's idea, a wire format of its own), as courses
set it: `server.py PORT DIR`. Written here from issue 20's description; no course code.

Control: the client sends `FETCH NAME N`; the server answers `OK SIZE MD5 DATAPORT` (a fresh
listener) or `ERR no such file NAME`. Data: N connections to DATAPORT, each sends its block
number `i` and a newline and gets bytes [i*B, min(S, (i+1)*B)) with B = ceil(S / N), then the
server closes it.

Run (Python 3 standard library only):
    python3 tests/python/submissions/lookalike_ranged_server.py 8000 shared

    Serving shared on 8000
    FETCH big.bin 4: 1048583 bytes, data on 41234

Grade the pair:
    ./transfer check ranged --pair \
        --server-cmd "python3 tests/python/submissions/lookalike_ranged_server.py {port} {dir}" \
        --client-cmd "python3 tests/python/submissions/lookalike_ranged_client.py {address} {threads} {file} {ofile}"
"""
import hashlib
import os
import socket
import sys
import threading


def block_size(size, threads):
    return -(-size // threads) if size else 0


def serve_blocks(listener, content, threads):
    with listener:
        for _ in range(threads):
            conn, _ = listener.accept()
            threading.Thread(target=send_block, args=(conn, content, threads), daemon=True).start()


def send_block(conn, content, threads):
    with conn:
        index = int(conn.makefile("r").readline())
        size = block_size(len(content), threads)
        conn.sendall(content[index * size:(index + 1) * size])


def serve(conn, root):
    with conn:
        words = conn.makefile("r").readline().split()
        path = os.path.join(root, os.path.basename(words[1])) if len(words) == 3 else ""
        if len(words) != 3 or words[0] != "FETCH" or not os.path.isfile(path):
            conn.sendall(f"ERR no such file {words[1] if len(words) > 1 else ''}\n".encode())
            return
        threads = int(words[2])
        with open(path, "rb") as f:
            content = f.read()
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(threads)
        data_port = listener.getsockname()[1]
        threading.Thread(target=serve_blocks, args=(listener, content, threads), daemon=True).start()
        print(f"FETCH {words[1]} {threads}: {len(content)} bytes, data on {data_port}", flush=True)
        conn.sendall(f"OK {len(content)} {hashlib.md5(content).hexdigest()} {data_port}\n".encode())


def main(argv):
    port, root = int(argv[1]), argv[2]
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(16)
    print(f"Serving {root} on {port}", flush=True)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve, args=(conn, root), daemon=True).start()


if __name__ == "__main__":
    main(sys.argv)
