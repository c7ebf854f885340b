#!/usr/bin/env python3
"""The client of lookalike_ranged_server.py: `client.py HOST:PORT THREADS FILE OFILE` (seed 000's
command line, a wire format of its own). Written here from issue 20's description; no course
code. It fetches the N blocks at once, places block i at i * B, checks the MD5, and writes OFILE
only when it matches; a missing file prints the server's error and leaves nothing.

Run (Python 3 standard library only):
    python3 tests/python/submissions/lookalike_ranged_client.py 127.0.0.1:8000 4 big.bin copy.bin

    big.bin: 1048583 bytes over 4 connections, md5 ok

Grade: see lookalike_ranged_server.py. lookalike_ranged_client_bad_offsets.py is the known-bad
twin (blocks placed at i * (S div N)).
"""
import hashlib
import socket
import sys
import threading


def block_offset(index, size, threads):
    return index * (-(-size // threads))


def fetch(host, port, index, blocks):
    with socket.create_connection((host, port)) as conn:
        conn.sendall(f"{index}\n".encode())
        parts = []
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                break
            parts.append(chunk)
        blocks[index] = b"".join(parts)


def main(argv):
    if len(argv) != 5:
        print(f"usage: {argv[0]} HOST:PORT THREADS FILE OFILE", file=sys.stderr)
        return 2
    host, port = argv[1].rsplit(":", 1)
    threads, name, ofile = int(argv[2]), argv[3], argv[4]
    with socket.create_connection((host, int(port))) as control:
        control.sendall(f"FETCH {name} {threads}\n".encode())
        answer = control.makefile("r").readline().split()
    if not answer or answer[0] != "OK":
        print(f"{name}: {' '.join(answer) or 'no answer'}", file=sys.stderr)
        return 1
    size, md5, data_port = int(answer[1]), answer[2], int(answer[3])
    blocks = [b""] * threads
    workers = [threading.Thread(target=fetch, args=(host, data_port, i, blocks)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    content = bytearray(size)
    for index, block in enumerate(blocks):
        offset = block_offset(index, size, threads)
        content[offset:offset + len(block)] = block
    content = bytes(content[:size])
    if hashlib.md5(content).hexdigest() != md5:
        print(f"{name}: md5 mismatch, nothing written", file=sys.stderr)
        return 1
    with open(ofile, "wb") as out:
        out.write(content)
    print(f"{name}: {size} bytes over {threads} connections, md5 ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
