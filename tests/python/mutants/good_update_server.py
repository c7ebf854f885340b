#!/usr/bin/env python3
"""A correct protocol D update server in plain Python 3 (one thread per connection, for brevity),
the baseline of the known-bad update servers here (seed 002, as resources/protocols/update.md).

Frames: 2-byte big-endian length N (1..16384 here) and N bytes of UTF-8 JSON. The client polls
{"client-id", "request-type": "poll"}; the server offers the first file of <outbox>/<client-id>/
in name order, {"file-name", "file-size", "file-hash": "sha256:<hex>"} and the bytes, or closes
when nothing is queued. The file leaves the queue only on the matching ack
{"client-id", "request-type": "ack", "file-hash"}; then the next file is offered. A bad frame
closes that connection. Every update_*.py beside it replaces ONE function with a typical bug.

Run:   python3 tests/python/mutants/good_update_server.py PORT OUTBOX
Grade: ./transfer check update --extensions --server-cmd "python3 tests/python/mutants/good_update_server.py {port} {dir}"
"""
import hashlib
import json
import os
import socket
import sys
import threading

MAX_REQUEST_BYTES = 16 * 1024
IDLE_TIMEOUT_SECONDS = 30
OUTBOX = "."


class BadFrame(Exception):
    pass


def recv_exactly(conn, n):
    data = b""
    while len(data) < n:
        piece = conn.recv(n - len(data))
        if not piece:
            return None
        data += piece
    return data


def read_request(conn):
    """One frame's JSON object, or None at a clean end of stream."""
    prefix = recv_exactly(conn, 2)
    if prefix is None:
        return None
    length = int.from_bytes(prefix, "big")
    if length == 0 or length > MAX_REQUEST_BYTES:
        raise BadFrame(f"length {length}")
    body = recv_exactly(conn, length)
    if body is None:
        raise BadFrame("cut frame")
    try:
        request = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadFrame("not UTF-8 JSON")
    if not isinstance(request, dict) or not isinstance(request.get("client-id"), str) \
            or not isinstance(request.get("request-type"), str):
        raise BadFrame("not a request")
    return request


def plain(name):
    return bool(name) and len(name.encode("utf-8")) <= 255 and not name.startswith(".") \
        and not any(c in name for c in "/\\") and not any(ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f for c in name)


def queued_files(client_id):
    queue = os.path.join(OUTBOX, client_id)
    if not os.path.isdir(queue):
        return []
    return [os.path.join(queue, name) for name in sorted(os.listdir(queue))
            if plain(name) and os.path.isfile(os.path.join(queue, name)) and not os.path.islink(os.path.join(queue, name))]


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return "sha256:" + digest.hexdigest()


def send_offer(conn, path):
    """The offer frame and the file's bytes; returns the hash offered."""
    file_hash = sha256_of(path)
    header = json.dumps({"file-name": os.path.basename(path), "file-size": os.path.getsize(path),
                         "file-hash": file_hash}).encode("utf-8")
    conn.sendall(len(header).to_bytes(2, "big") + header)
    with open(path, "rb") as f:
        while chunk := f.read(256 * 1024):
            conn.sendall(chunk)
    after_offer(path)
    return file_hash


def after_offer(path):
    pass  # the file stays queued until its ack


def on_ack(path):
    os.remove(path)


def serve_client(conn):
    with conn:
        conn.settimeout(IDLE_TIMEOUT_SECONDS)
        try:
            request = read_request(conn)
            if request is None:
                return
            client_id = request["client-id"]
            if request["request-type"] != "poll" or not plain(client_id):
                raise BadFrame("expected a poll with a plain client-id")
            while True:
                files = queued_files(client_id)
                if not files:
                    return  # nothing queued: close without a byte
                offered_hash = send_offer(conn, files[0])
                ack = read_request(conn)
                if ack is None:
                    return  # left before the ack: the file stays queued
                if ack["request-type"] != "ack" or ack["client-id"] != client_id or ack.get("file-hash") != offered_hash:
                    raise BadFrame("expected the ack of the offered file")
                on_ack(files[0])
        except (BadFrame, OSError) as e:
            print(f"closed: {e}", flush=True)


def main(argv):
    global OUTBOX, IDLE_TIMEOUT_SECONDS
    if len(argv) not in (3, 4):
        print(f"usage: {argv[0]} PORT OUTBOX [IDLE_TIMEOUT]", file=sys.stderr)
        return 2
    OUTBOX = argv[2]
    if len(argv) == 4:
        IDLE_TIMEOUT_SECONDS = float(argv[3])
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", int(argv[1])))
    listener.listen(128)
    print(f"listening on 127.0.0.1:{listener.getsockname()[1]}", flush=True)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve_client, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
