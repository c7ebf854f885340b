#!/usr/bin/env python3
"""A polling update client written from seed 002's description (File Transfer Service).

Seed 002: "The client polls the server at regular intervals ... The client and server use custom
header and message formats": a 2-byte fixed-length header giving the size of a JSON header, the JSON
header (client-id, request-type; the server answers with file-name, file-size, file-hash), then the
file bytes. If nothing is queued, the server closes the connection.

Transfer Lab's extension (resources/protocols/update.md): the 2 bytes are big-endian, file-hash is
"sha256:<hex>", and after storing a file the client sends an ack on the same connection,
{"client-id": ..., "request-type": "ack", "file-hash": ...}; the server then offers the next file or
closes. This client polls once, takes everything queued, and exits. A file whose hash it already
holds (in DIR) is read past and acknowledged, not stored again (D15).

Run (plain Python 3, standard library only), against ./transfer update-server:
    python3 tests/python/update_client_seed002.py 127.0.0.1 5002 laptop-7 updates
    stored patch-1.bin (20480 bytes)
Exit status: 0 everything stored (or nothing queued), 1 a wrong hash or a broken connection.
"""
import hashlib
import json
import os
import socket
import struct
import sys


def recv_exactly(sock, n):
    """Exactly n bytes, or fewer if the server closed the connection."""
    chunks = []
    while n > 0:
        chunk = sock.recv(min(n, 1 << 16))
        if not chunk:
            break
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def send_frame(sock, header):
    body = json.dumps(header).encode("utf-8")
    sock.sendall(struct.pack(">H", len(body)) + body)


def read_offer_header(sock):
    """The next offer's JSON header, or None when the server closed (nothing more queued)."""
    fixed = recv_exactly(sock, 2)
    if not fixed:
        return None
    (length,) = struct.unpack(">H", fixed)
    return json.loads(recv_exactly(sock, length).decode("utf-8"))


def acknowledge(sock, client_id, file_hash):
    send_frame(sock, {"client-id": client_id, "request-type": "ack", "file-hash": file_hash})
    return True  # go on: the server offers the next file or closes


def verified(digest, file_hash):
    """The bytes received have the offered hash (D7): only then is the file stored and acknowledged."""
    return "sha256:" + digest.hexdigest() == file_hash


def held_hashes(directory):
    """The "sha256:<hex>" of every file already in DIR: an offer of one of them is not stored again."""
    held = set()
    for name in os.listdir(directory):
        path = os.path.join(directory, name)
        if os.path.isfile(path) and not name.startswith("."):
            with open(path, "rb") as f:
                held.add("sha256:" + hashlib.sha256(f.read()).hexdigest())
    return held


def main():
    if len(sys.argv) != 5:
        print("usage: update_client_seed002.py HOST PORT CLIENT_ID DIR", file=sys.stderr)
        return 2
    host, port, client_id, directory = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    os.makedirs(directory, exist_ok=True)

    held = held_hashes(directory)
    with socket.create_connection((host, port), timeout=30) as sock:
        send_frame(sock, {"client-id": client_id, "request-type": "poll"})
        while True:
            header = read_offer_header(sock)
            if header is None:
                return 0  # the server closed: nothing (more) queued
            name, size, file_hash = header["file-name"], header["file-size"], header["file-hash"]
            if "/" in name or "\\" in name or name.startswith("."):
                print("refusing the file name %r" % name, file=sys.stderr)
                return 1
            if file_hash in held:
                recv_exactly(sock, size)
                print("skipped %s: already held" % name)
                if not acknowledge(sock, client_id, file_hash):
                    return 0
                continue

            temporary = os.path.join(directory, "." + name + ".part")
            digest = hashlib.sha256()
            received = 0
            with open(temporary, "wb") as out:
                while received < size:
                    chunk = sock.recv(min(size - received, 1 << 16))
                    if not chunk:
                        break
                    digest.update(chunk)
                    out.write(chunk)
                    received += len(chunk)
            if received < size or not verified(digest, file_hash):
                os.remove(temporary)
                print("%s: got %d of %d bytes, sha256:%s, offered %s; nothing stored"
                      % (name, received, size, digest.hexdigest(), file_hash), file=sys.stderr)
                return 1
            os.replace(temporary, os.path.join(directory, name))
            held.add(file_hash)
            print("stored %s (%d bytes)" % (name, size))
            if not acknowledge(sock, client_id, file_hash):
                return 0


if __name__ == "__main__":
    sys.exit(main())
