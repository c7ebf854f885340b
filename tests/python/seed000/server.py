#!/usr/bin/env python3
"""Seed 000's server.py, rendered from its README as the real program behaves (issue 8), quirks kept.

NOT our protocol R server: this is what a student of that course hands in, so that the kit can be
tried against it. What it does, as the README and the real program do:
  * http.server (HTTP/1.0) on PORT; a POST's path is opened as a filesystem path, relative to the
    working directory or absolute (the seed "will send any file it can read": no root, no checks);
  * the body is JSON {"threads": N}; the reply is 200, Content-Type text/plain, body
    {"hash": "<md5 hex>", "port": Q} -- no size, no block size, no Content-Length;
  * a sender listens on Q, accepts N connections, reads one id byte i on each, sends block
    i = bytes [i*B, min(S, (i+1)*B)) with B = S // N + 1, closes it, and exits after N connections.
Where the README is silent we chose: the sender is a thread here (the seed's is a C subprocess; on
the wire the same), it listens before the reply goes out (no race), and gives up after 60 s without
a connection; a missing or unreadable file gets http.server's 404 / 403 error page.

Run:    cd DIR && python3 /path/to/server.py PORT
Grade:  ./transfer check ranged --server-cmd "cd {dir} && python3 /path/to/tests/python/seed000/server.py {port}"

    $ cd /srv/files && python3 ~/kit/tests/python/seed000/server.py 8000
    127.0.0.1 - - [29/Nov/2026 08:00:01] "POST big.bin HTTP/1.1" 200 -
"""
import argparse
import hashlib
import http.server
import json
import os
import socket
import threading

SENDER_ACCEPT_TIMEOUT = 60
BUFFER_SIZE = 64 * 1024


def send_block(conn, path, size, threads):
    try:
        thread_id = conn.recv(1)
        if not thread_id:
            return
        block_size = size // threads + 1
        start = min(size, thread_id[0] * block_size)
        end = min(size, (thread_id[0] + 1) * block_size)
        with open(path, "rb") as f:
            f.seek(start)
            left = end - start
            while left > 0:
                buffer = f.read(min(BUFFER_SIZE, left))
                if not buffer:
                    break
                conn.sendall(buffer)
                left -= len(buffer)
    finally:
        conn.close()


def sender(listener, path, size, threads):
    """Accepts N receivers, one thread each, then exits quietly."""
    listener.settimeout(SENDER_ACCEPT_TIMEOUT)
    workers = []
    try:
        for _ in range(threads):
            try:
                conn, _ = listener.accept()
            except socket.timeout:
                break
            conn.settimeout(None)
            worker = threading.Thread(target=send_block, args=(conn, path, size, threads), daemon=True)
            worker.start()
            workers.append(worker)
    finally:
        listener.close()
    for worker in workers:
        worker.join()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        threads = json.loads(self.rfile.read(length))["threads"]
        path = self.path
        if not os.path.isfile(path):
            self.send_error(404, "File not found")
            return
        if not os.access(path, os.R_OK):
            self.send_error(403, "File is not readable")
            return
        with open(path, "rb") as f:
            file_hash = hashlib.md5(f.read()).hexdigest()
        size = os.path.getsize(path)
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("", 0))
        listener.listen(threads)
        threading.Thread(target=sender, args=(listener, path, size, threads), daemon=True).start()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(json.dumps({"hash": file_hash, "port": listener.getsockname()[1]}).encode())


def main():
    parser = argparse.ArgumentParser(description="File download server")
    parser.add_argument("port", type=int, help="server port")
    args = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("", args.port), Handler)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()


if __name__ == "__main__":
    main()
