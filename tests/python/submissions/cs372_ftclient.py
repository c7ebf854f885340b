#!/usr/bin/env python3
"""An Oregon State CS372 "project 2"-style ftclient (seed 003's command line):
`ftclient.py HOST PORT -l DATAPORT` or `ftclient.py HOST PORT -g NAME DATAPORT`, speaking
cs372_ftserver.py's control protocol. Like the course's clients it accepts only ports 40000-65000
("Invalid control port number" otherwise). Written here from issue 20's description; no course
code.

It listens on DATAPORT before it sends the command, prints the listing, or stores NAME in its
working directory (never over a file of that name), or prints the server's error.

Run (Python 3 standard library only):
    python3 tests/python/submissions/cs372_ftclient.py localhost 40123 -g textfile-small 40124

    Connected to localhost on port 40123...
    Receiving "textfile-small" from localhost:40124
    File transfer complete.

Grade: see cs372_ftserver.py (--port-range 40000-65000).
"""
import os
import socket
import sys

LOWEST, HIGHEST = 40000, 65000


def port(text, what):
    if not text.isdigit() or not LOWEST <= int(text) <= HIGHEST:
        print(f"Invalid {what} port number: {text} (use {LOWEST}-{HIGHEST})")
        sys.exit(1)
    return int(text)


def main(argv):
    if len(argv) not in (5, 6) or argv[3] not in ("-l", "-g") or (argv[3] == "-g") != (len(argv) == 6):
        print(f"usage: {argv[0]} HOST PORT -l DATAPORT | HOST PORT -g NAME DATAPORT")
        return 2
    host, control_port = argv[1], port(argv[2], "control")
    data_port = port(argv[-1], "data")
    name = argv[4] if argv[3] == "-g" else None
    if name is not None and os.path.exists(name):
        print(f"{name} exists here already: not overwritten")
        return 1
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("", data_port))
    listener.listen(1)
    with socket.create_connection((host, control_port)) as control:
        print(f"Connected to {host} on port {control_port}...")
        control.sendall((" ".join(argv[3:]) + "\n").encode())
        answer = control.makefile("r").readline().strip()
        if answer != "OK":
            print(f"{host}:{control_port} says {answer}")
            return 1
        data, _ = listener.accept()
        with data:
            received = b""
            while True:
                chunk = data.recv(65536)
                if not chunk:
                    break
                received += chunk
    if name is None:
        print(received.decode("utf-8", "replace"), end="")
        return 0
    print(f'Receiving "{name}" from {host}:{data_port}')
    with open(name, "xb") as out:
        out.write(received)
    print("File transfer complete.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
