#!/usr/bin/env python3
"""An Oregon State CS372 "project 2"-style ftserver, standing in for the students' C servers:
`ftserver PORT`, serving its working directory, with a control protocol of its own (seed 003 fixes
the command lines and the transcript, not the bytes). Written here from issue 20's description;
no course code.

Control connection: the client sends one line, `-l DATAPORT` or `-g NAME DATAPORT`; the server
answers `OK` and connects back to DATAPORT on the client's address with the listing (one name a
line) or the file, or answers `FILE NOT FOUND`. Like a C server that handles its files as
strings, it sends a file only up to its first NUL byte: right for every text file, wrong for
binary ones (P-F6). The variants beside it change one thing each: cs372_ftserver_padded.py sends
each name in a fixed 256-byte NUL-padded buffer, cs372_ftserver_txt_only.py lists and serves
only *.txt.

Run (Python 3 standard library only), in the directory to serve:
    cd shared && python3 ../tests/python/submissions/cs372_ftserver.py 40123

    Server open on 40123
    Connection from 127.0.0.1: -l 40124
    Connection from 127.0.0.1: -g textfile-small 40125

Grade the pair (its client takes control ports 40000-65000 only):
    ./transfer check ft --pair --port-range 40000-65000 \
        --server-cmd "cd {dir} && python3 tests/python/submissions/cs372_ftserver.py {port}" \
        --client-cmd "python3 tests/python/submissions/cs372_ftclient.py localhost {port} {request} {dataport}"
"""
import os
import socket
import sys
import threading

PAD_NAMES = False  # the padded variant: every name in a 256-byte buffer, NULs after it
ONLY_TXT = False   # the *.txt variant: nothing else is listed or served
NAME_BUFFER = 256


def served_names():
    names = sorted(name for name in os.listdir(".") if os.path.isfile(name))
    return [name for name in names if name.endswith(".txt")] if ONLY_TXT else names


def listing():
    if PAD_NAMES:
        return b"".join(name.encode().ljust(NAME_BUFFER, b"\0") for name in served_names())
    return "".join(name + "\n" for name in served_names()).encode()


def file_as_string(name):
    with open(name, "rb") as f:
        return f.read().split(b"\0")[0]  # strlen: a C string ends at the first NUL


def serve(conn, address):
    with conn:
        words = conn.makefile("r").readline().split()
        print(f"Connection from {address[0]}: {' '.join(words)}", flush=True)
        if len(words) == 2 and words[0] == "-l":
            payload = listing()
        elif len(words) == 3 and words[0] == "-g" and words[1] in served_names():
            payload = file_as_string(words[1])
        elif len(words) == 3 and words[0] == "-g":
            conn.sendall(b"FILE NOT FOUND\n")
            return
        else:
            conn.sendall(b"INVALID COMMAND\n")
            return
        conn.sendall(b"OK\n")
        with socket.create_connection((address[0], int(words[-1]))) as data:
            data.sendall(payload)


def serve_safely(conn, address):
    try:
        serve(conn, address)
    except OSError as e:
        print(f"client failed: {e}", flush=True)


def main(argv):
    port = int(argv[1])
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("", port))
    listener.listen(8)
    print(f"Server open on {port}", flush=True)
    while True:
        conn, address = listener.accept()
        threading.Thread(target=serve_safely, args=(conn, address), daemon=True).start()


if __name__ == "__main__":
    main(sys.argv)
