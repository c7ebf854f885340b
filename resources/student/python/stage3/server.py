#!/usr/bin/env python3
"""Stage 3 in Python: the ranged download server of protocol R (seed 000). Starter code.

Your TODO is the block formula, TODO(stage3.1) below, the Java kit's text; everything else works:
the HTTP control port, the data listener, one byte per data connection, the root it serves.
The client is the stage's larger exercise (python/stage3/client.py). Python 3 standard library only.

Run (seed 000's command line, plus the root it serves, which the grader passes):
    python3 python/stage3/server.py PORT [--root DIR] [--idle-timeout S]

    $ python3 python/stage3/server.py 8000 --root shared
    listening on 127.0.0.1:8000

Check it: ./transfer check stage3 --server-cmd "python3 python/stage3/server.py {port} --root {dir}"
"""
import argparse
import hashlib
import http.server
import json
import os
import socket
import sys
import threading
import urllib.parse

IDLE_TIMEOUT_SECONDS = 30
ROOT = "."


def block_size(size, threads):
    """The size B of every block but the last, for a file of `size` bytes over `threads` connections."""
    raise NotImplementedError("TODO(stage3.1): the block size: one more than the size's even share per "
                              "connection — R5")


def block_range(index, size, threads):
    """Bytes [start, end) of block `index`."""
    raise NotImplementedError("TODO(stage3.1): the block's bytes [start, end): whole blocks before it, never "
                              "past the file's end — R5")


def send_block(conn, path, index, size, threads):
    start, end = block_range(index, size, threads)
    with open(path, "rb") as f:
        f.seek(start)
        left = end - start
        while left > 0:
            chunk = f.read(min(256 * 1024, left))
            if not chunk:
                raise OSError("the file got shorter while it was served")
            conn.sendall(chunk)
            left -= len(chunk)


def finish_connection(conn):
    conn.close()


def serve_data(listener, path, size, threads):
    """Serve each block until every block went out whole once, or nobody came for the idle timeout."""
    sent = set()
    lock = threading.Lock()
    listener.settimeout(IDLE_TIMEOUT_SECONDS)

    def serve_one(conn):
        try:
            conn.settimeout(IDLE_TIMEOUT_SECONDS)
            first = conn.recv(1)
            if not first or first[0] >= threads:
                conn.close()
                return
            send_block(conn, path, first[0], size, threads)
            with lock:
                sent.add(first[0])
            finish_connection(conn)
        except OSError:
            conn.close()

    workers = []
    try:
        while True:
            with lock:
                if len(sent) == threads:
                    break
            try:
                conn, _ = listener.accept()
            except socket.timeout:
                break
            worker = threading.Thread(target=serve_one, args=(conn,), daemon=True)
            worker.start()
            workers.append(worker)
    finally:
        listener.close()


def resolve(url_path):
    """The file under ROOT that a request path names, or an HTTP status."""
    root = os.path.realpath(ROOT)
    name = urllib.parse.unquote(url_path)
    if name.startswith(root + "/"):
        name = name[len(root):]  # an absolute path under the root
    name = name.lstrip("/")
    path = os.path.realpath(os.path.join(root, name))
    if path != root and not path.startswith(root + os.sep):
        return None, 403
    if not os.path.lexists(path):
        return None, 404
    if not os.path.isfile(path):
        return None, 404  # a directory or anything else that is not a regular file
    if not os.access(path, os.R_OK):
        return None, 403
    return path, 200


class Control(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self, status, body):
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        if status == 405:
            self.send_header("Allow", "POST")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0") or 0)
        body = self.rfile.read(length)
        try:
            threads = json.loads(body)["threads"]
            if type(threads) is not int or not 1 <= threads <= 255:
                raise ValueError(threads)
        except (ValueError, KeyError, TypeError):
            return self.answer(400, {"error": "the body must be {\"threads\": N} with 1 <= N <= 255"})
        path, status = resolve(urllib.parse.urlsplit(self.path).path)
        if path is None:
            return self.answer(status, {"error": "not served"})
        with open(path, "rb") as f:
            md5 = hashlib.md5(f.read()).hexdigest()
        size = os.path.getsize(path)
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(threads)
        threading.Thread(target=serve_data, args=(listener, path, size, threads), daemon=True).start()
        self.answer(200, {"hash": md5, "port": listener.getsockname()[1], "size": size,
                          "block-size": block_size(size, threads), "threads": threads})

    def refuse_method(self):
        self.answer(405, {"error": "only POST"})

    do_GET = do_PUT = do_DELETE = do_PATCH = refuse_method

    def log_message(self, format, *args):
        pass


class ControlServer(http.server.ThreadingHTTPServer):
    # http.server listens with a backlog of 5: under sixteen clients at once (R17) the kernel's accept
    # queue overflows, and a connection can be reset instead of waiting.
    request_queue_size = 128


def main(argv):
    global ROOT, IDLE_TIMEOUT_SECONDS
    parser = argparse.ArgumentParser(prog="server.py", description="File download server (protocol R, seed 000)")
    parser.add_argument("port", type=int, help="server port; 0 picks a free one")
    parser.add_argument("--root", default=".", help="serve only the files under this directory (default: .)")
    parser.add_argument("--idle-timeout", type=float, default=IDLE_TIMEOUT_SECONDS)
    args = parser.parse_args(argv[1:])   # a usage error exits 2
    ROOT, IDLE_TIMEOUT_SECONDS = args.root, args.idle_timeout
    server = ControlServer(("127.0.0.1", args.port), Control)
    print(f"listening on 127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
