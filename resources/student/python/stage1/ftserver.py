#!/usr/bin/env python3
"""Stage 1 in Python, list/get: the ftserver of protocol F (seed 003), one client at a time. Starter code.

For a course that does list/get in stage 1. The TODO(stage1.5) and TODO(stage1.6) functions are
yours; their texts are the Java kit's, the requirements are in resources/protocols/ft.md.
Everything else works: reading the command line whole, the name rule, the directory, the answer
line, the data connection back to the client. Python 3 standard library only.

Run (seed 003's command line, plus the directory served and the idle timeout the grader passes):
    python3 python/stage1/ftserver.py PORT [--dir DIR] [--idle-timeout S] [--deadline S]

    $ python3 python/stage1/ftserver.py 3555 --dir served
    listening on 127.0.0.1:3555
    127.0.0.1:50122 LIST 8555: OK 42

Check it: ./transfer check stage1 --ft \\
    --cmd ft-server="python3 python/stage1/ftserver.py {port} --dir {dir} --idle-timeout {idle-timeout}"
"""
import argparse
import os
import socket
import sys
import time

MAX_LINE_BYTES = 512           # a command line, "\n" included (F12)
MAX_NAME_BYTES = 255
IDLE_TIMEOUT_SECONDS = 30      # --idle-timeout: each read, each wait to write (F13)
DEADLINE_SECONDS = 900         # --deadline: one whole request (F14)
CONNECT_TIMEOUT_SECONDS = 10   # to the client's data port


class Refusal(Exception):
    """Answered as b'ERROR <code>: <detail>\\n' (F11), e.g. Refusal("bad-port", "'70000' is not a data port")."""
    def __init__(self, code, detail):
        super().__init__(f"{code}: {detail}")


def parse_request(line):
    """The command line (text, without its newline) as ("LIST", None, port) or ("GET", name, port)."""
    raise NotImplementedError("TODO(stage1.5): parse 'LIST <port>' or 'GET <name> <port>' (the port is the last "
                              "field); else bad-command")


def parse_data_port(text):
    """The data port as an int; raises Refusal("bad-port", ...) if it is not one."""
    raise NotImplementedError("TODO(stage1.5): a data port is 1 to 5 decimal digits, 1 to 65535, no sign, "
                              "no spaces; else bad-port")


def send_bytes(sock, data):
    """Sends all of data on the data connection, waiting at most the idle timeout each time it is full."""
    raise NotImplementedError("TODO(stage1.6): send every byte; when the socket is full, wait until it is writable")


def send_file(sock, path, count):
    """Sends the first count bytes of the file at path on the data connection."""
    raise NotImplementedError("TODO(stage1.6): send exactly count bytes of the file with transferTo; "
                              "a full socket waits")


def shown(value):
    """A client's value for an error line: control characters as \\uXXXX, cut after 80 characters."""
    text = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in value)
    return "'" + (text[:80] + "…" if len(text) > 80 else text) + "'"


def read_line(conn, deadline):
    """The command line, without its "\\r\\n" or "\\n": read until the newline, however it is split (F1)."""
    line = b""
    while b"\n" not in line:
        if len(line) >= MAX_LINE_BYTES:
            raise Refusal("line-too-long", f"no newline in the first {MAX_LINE_BYTES} bytes")
        left = deadline - time.monotonic()
        if left <= 0:
            raise Refusal("timeout", f"no command line within the deadline of {DEADLINE_SECONDS} s")
        conn.settimeout(min(IDLE_TIMEOUT_SECONDS, left))
        try:
            piece = conn.recv(MAX_LINE_BYTES - len(line))
        except socket.timeout:
            if left <= IDLE_TIMEOUT_SECONDS:
                continue  # the deadline check above answers
            raise Refusal("timeout", f"no command line within the idle timeout of {IDLE_TIMEOUT_SECONDS} s "
                                     f"(got {len(line)} bytes)")
        if not piece:
            raise Refusal("bad-command", "the client closed before the newline")
        line += piece
    line = line[:line.index(b"\n")]
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        raise Refusal("bad-command", "the command line is not UTF-8")
    return text[:-1] if text.endswith("\r") else text


def served_file(directory, name):
    """The path of a plain file name in the directory, or a Refusal (F7, F8)."""
    if not name or len(name.encode("utf-8")) > MAX_NAME_BYTES or name.startswith(".") \
            or any(c in name for c in "/\\") or any(not c.isprintable() for c in name):
        raise Refusal("bad-name", f"the name {shown(name)} is not a plain file name")
    root = os.path.realpath(directory)
    path = os.path.realpath(os.path.join(root, name))
    if os.path.dirname(path) != root:
        raise Refusal("bad-name", f"the name {shown(name)} leads out of the directory")
    if not os.path.lexists(path):
        raise Refusal("no-such-file", name)
    if not os.path.isfile(path):
        raise Refusal("not-a-file", f"{name} is a directory or another non-regular file")
    if not os.access(path, os.R_OK):
        raise Refusal("unreadable", f"{name}: permission denied")
    return path


def listing(directory):
    """The LIST body: the regular, not hidden files, sorted by their bytes, each followed by a newline (F5)."""
    root = os.path.realpath(directory)
    names = [n for n in os.listdir(root) if not n.startswith(".") and os.path.isfile(os.path.join(root, n))
             and os.path.dirname(os.path.realpath(os.path.join(root, n))) == root]  # no link out (F8)
    return "".join(n + "\n" for n in sorted(names, key=lambda n: n.encode("utf-8"))).encode("utf-8")


def serve_client(conn, peer_host, directory):
    """One request: the command line, one answer line, then the data connection back to the peer (F3, F4)."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    with conn:
        try:
            command, name, port = parse_request(read_line(conn, deadline))
            if command == "LIST":
                body, path = listing(directory), None
                count = len(body)
            else:
                path = served_file(directory, name)
                count = os.path.getsize(path)
            conn.sendall(f"OK {count}\n".encode("ascii"))
        except Refusal as refusal:
            conn.sendall(f"ERROR {refusal}\n".encode("utf-8"))
            return f"refused: {refusal}"
        with socket.create_connection((peer_host, port), timeout=CONNECT_TIMEOUT_SECONDS) as data:
            data.settimeout(IDLE_TIMEOUT_SECONDS)
            if path is None:
                send_bytes(data, body)
            else:
                send_file(data, path, count)
        return f"{command} {port}: OK {count}"


def main(argv):
    global IDLE_TIMEOUT_SECONDS, DEADLINE_SECONDS
    parser = argparse.ArgumentParser(prog="ftserver.py", description="List/get server (protocol F, seed 003)")
    parser.add_argument("port", type=int, help="control port; 0 picks a free one")
    parser.add_argument("--dir", default=".", help="the directory whose files are served (default: .)")
    parser.add_argument("--idle-timeout", type=float, default=IDLE_TIMEOUT_SECONDS)
    parser.add_argument("--deadline", type=float, default=DEADLINE_SECONDS)
    args = parser.parse_args(argv[1:])   # a usage error exits 2
    IDLE_TIMEOUT_SECONDS, DEADLINE_SECONDS = args.idle_timeout, args.deadline
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", args.port))
        listener.listen(128)
        print(f"listening on 127.0.0.1:{listener.getsockname()[1]}", flush=True)
        while True:  # one client after another (F16); one that fails stops nothing
            conn, (host, port) = listener.accept()
            try:
                print(f"{host}:{port} {serve_client(conn, host, args.dir)}", flush=True)
            except Exception as e:  # noqa: BLE001 -- the next client is served all the same
                print(f"{host}:{port} failed: {e}", flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
