#!/usr/bin/env python3
"""resources/student/python/stage1/ftserver.py with its TODOs done (instructors' and tests' only).

Run: python3 tests/python/starters/stage1_ftserver_done.py PORT --dir DIR  (the starter's command line)
"""
import sys

import completing

ftserver = completing.starter("stage1", "ftserver.py")


def parse_request(line):
    """TODO(stage1.5) done: the port is the last field; a GET name is everything between."""
    if any(not c.isprintable() for c in line):
        raise Refusal("bad-command", f"control characters in {shown(line)}")
    command, _, rest = line.partition(" ")
    if command == "LIST" and rest and " " not in rest:
        return "LIST", None, parse_data_port(rest)
    if command == "GET" and " " in rest:
        name, _, port = rest.rpartition(" ")
        return "GET", name, parse_data_port(port)
    raise Refusal("bad-command", f"{shown(line)}; expected 'LIST <data-port>' or 'GET <name> <data-port>'")


def parse_data_port(text):
    """TODO(stage1.5) done."""
    if not (1 <= len(text) <= 5 and text.isascii() and text.isdigit() and 1 <= int(text) <= 65535):
        raise Refusal("bad-port", f"{shown(text)} is not a data port (1 to 65535)")
    return int(text)


def send_bytes(sock, data):
    """TODO(stage1.6) done: sendall waits for room at most the socket's timeout, the idle timeout."""
    sock.sendall(data)


def send_file(sock, path, count):
    """TODO(stage1.6) done: socket.sendfile is sendfile(2) on Linux, as Java's transferTo."""
    with open(path, "rb") as f:
        sent = sock.sendfile(f, 0, count)
    if sent != count:
        raise OSError(f"sent {sent} of {count} bytes: the file got shorter")


completing.fill(ftserver, sys.modules[__name__], "parse_request", "parse_data_port", "send_bytes", "send_file")

if __name__ == "__main__":
    sys.exit(ftserver.main(sys.argv))
