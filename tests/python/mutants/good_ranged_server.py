#!/usr/bin/env python3
"""A correct protocol R ranged-download server in plain Python 3, the baseline of the known-bad
ranged servers here (seed 000, made robust as resources/protocols/ranged.md specifies).

Control: HTTP/1.1 on PORT. POST <path> with {"threads": N}, 1 <= N <= 255, where <path> is /name,
name or an absolute path under ROOT; answers {"hash", "port"} and the extras "size", "block-size",
"threads"; 400 bad body, 403 outside the root or unreadable,
404 missing or not a regular file, 405 any other method. Data: a listener on a free port; each
connection sends one byte i and gets bytes [i*B, min(S, (i+1)*B)) with B = S // N + 1, then the
server closes it. The listener closes once every block went out whole, or after an idle timeout.
Every ranged_*.py beside it replaces ONE function with a typical student bug.

Run:   python3 tests/python/mutants/good_ranged_server.py PORT ROOT
Grade: ./transfer check ranged --server-cmd "python3 tests/python/mutants/good_ranged_server.py {port} {dir}"
"""
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
    return size // threads + 1


def block_range(index, size, threads):
    """Bytes [start, end) of block `index`."""
    b = block_size(size, threads)
    return min(size, index * b), min(size, (index + 1) * b)


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


def main(argv):
    global ROOT
    if len(argv) != 3:
        print(f"usage: {argv[0]} PORT ROOT", file=sys.stderr)
        return 2
    ROOT = argv[2]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", int(argv[1])), Control)
    print(f"listening on 127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
