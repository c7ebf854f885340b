#!/usr/bin/env python3
"""Stage 1 in Python: the upload server of protocol U (seed 004), one client at a time. Starter code.

The TODO(stage1.N) functions are yours, in order; their texts are the Java kit's, and the
requirements they name are in resources/protocols/upload.md. Everything else here works.
Python 3 standard library only.

Run (the seed's command line, plus where to store and the limits, which the grader passes):
    python3 python/stage1/server.py [IP] [PORT] [--dir DIR] [--max-size BYTES]
                                    [--idle-timeout S] [--deadline S] [--header-settle S]

    $ python3 python/stage1/server.py 127.0.0.1 5000 --dir received
    listening on 127.0.0.1:5000
    127.0.0.1:52544 stored notes.txt (1834 bytes)

Check it (the stage's lesson, every requirement the handout names; "Ready to hand in" at the end):
    ./transfer check stage1 --server-cmd \
      "python3 python/stage1/server.py 127.0.0.1 {port} --dir {dir} --max-size {max-size} \
       --idle-timeout {idle-timeout} --deadline {deadline} --header-settle {header-settle}"
"""
import argparse
import hashlib   # for your TODOs: sha256 of the content
import os        # for your TODOs: os.replace, os.unlink
import socket
import sys
import tempfile  # for your TODOs: a hidden temporary file beside the target
import time      # for your TODOs: the deadline

SIZE_BYTES = 8                 # the header: 8 bytes of big-endian size, then the UTF-8 name
MAX_NAME_BYTES = 255
MAX_CONTENT_BYTES = 4 << 30    # --max-size
HEADER_SETTLE_SECONDS = 0.05   # --header-settle: wait this long after the last header byte for more
IDLE_TIMEOUT_SECONDS = 30      # --idle-timeout: the longest any read may wait
DEADLINE_SECONDS = 900         # --deadline: the longest one upload may take


class Refusal(Exception):
    """Sent to the client as b'error <code>: <detail>\\n' (U7), e.g. Refusal("bad-name", "'../x' ...")."""
    def __init__(self, code, detail):
        super().__init__(f"{code}: {detail}")


def read_header(conn):
    """Returns the header's bytes: the 8 size bytes and the whole name, however the network split them."""
    raise NotImplementedError(
        "TODO(stage1.1): read the header whole: 9 bytes, then until the bytes pause for the settle window — U4")


def check_name(raw):
    """Returns the name as text if it is a plain file name; raises Refusal("bad-name", ...) if not."""
    raise NotImplementedError(
        "TODO(stage1.2): refuse an empty name, over 255 bytes, a leading dot, '/', '\\', control characters — U8")


def store(conn, directory, name, size):
    """Receives the content into DIRECTORY/NAME; returns its sha256 in hex. Nothing half-written stays."""
    raise NotImplementedError(
        "TODO(stage1.3): receive exactly size bytes into the temporary file, hash them, return the hex — U3, U10")


def check_size(size):
    """Refuses a size with the top bit set (a negative size) or above the limit, before any content — U9."""
    if size >= 1 << 63:
        raise Refusal("bad-size", f"{size} has the top bit set (a negative size)")
    if size > MAX_CONTENT_BYTES:
        raise Refusal("too-large", f"{size} bytes is above the limit of {MAX_CONTENT_BYTES}")


def send_ok(conn, digest):
    """The last line of an upload that is in place: b'ok <sha256>\\n' — U6."""
    conn.sendall(f"ok {digest}\n".encode("ascii"))


def send_refusal(conn, refusal):
    """The one error line of a refused upload — U7. A client that has gone already misses it, nothing more."""
    try:
        conn.sendall(f"error {refusal}\n".encode("utf-8"))
    except OSError:
        pass


def serve_client(conn, directory):
    """One upload, start to end: the header, "go ahead", the content, "ok <sha256>" or one error line."""
    with conn:
        conn.settimeout(IDLE_TIMEOUT_SECONDS)
        try:
            header = read_header(conn)
            size = int.from_bytes(header[:SIZE_BYTES], "big")
            name = check_name(header[SIZE_BYTES:])
            check_size(size)
            conn.sendall(b"go ahead")
            digest = store(conn, directory, name, size)
            send_ok(conn, digest)
            return f"stored {name} ({size} bytes)"
        except Refusal as refusal:
            send_refusal(conn, refusal)
            return f"refused: {refusal}"


def serve_forever(listener, directory):
    """Serves clients one after another, for ever."""
    while True:
        conn, _ = listener.accept()
        conn.close()
        print("TODO(stage1.4): accept, serve with the handler, close, repeat; one failing client stops nothing — U5",
              flush=True)


def main(argv):
    global MAX_CONTENT_BYTES, IDLE_TIMEOUT_SECONDS, DEADLINE_SECONDS, HEADER_SETTLE_SECONDS
    parser = argparse.ArgumentParser(prog="server.py", description="Upload server (protocol U, seed 004)")
    parser.add_argument("ip", nargs="?", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("port", nargs="?", type=int, default=5000, help="port; 0 picks a free one (default: 5000)")
    parser.add_argument("--dir", default=".", help="where uploads are stored (default: .)")
    parser.add_argument("--max-size", type=int, default=MAX_CONTENT_BYTES)
    parser.add_argument("--idle-timeout", type=float, default=IDLE_TIMEOUT_SECONDS)
    parser.add_argument("--deadline", type=float, default=DEADLINE_SECONDS)
    parser.add_argument("--header-settle", type=float, default=HEADER_SETTLE_SECONDS)
    args = parser.parse_args(argv[1:])   # a usage error exits 2
    MAX_CONTENT_BYTES, IDLE_TIMEOUT_SECONDS = args.max_size, args.idle_timeout
    DEADLINE_SECONDS, HEADER_SETTLE_SECONDS = args.deadline, args.header_settle
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((args.ip, args.port))
        listener.listen(128)
        host, port = listener.getsockname()
        print(f"listening on {host}:{port}", flush=True)
        try:
            serve_forever(listener, args.dir)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
