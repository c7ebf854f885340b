#!/usr/bin/env python3
"""Known-bad ft client: takes one recv() as the server's whole answer line.

The bug: `answer = control.recv(1024)`. TCP is a byte stream; an "OK 1048576\\n" that arrives in
pieces (a slow network, a proxy) is read as "OK 10" or "O", and the client gives up or reads the
wrong number of bytes. Graded with `check ft --client-cmd`; MutantsAreCaughtTest expects F21 to fail.
Everything else is ../ftclient_seed003.py.  Run: python3 ft_client_one_recv_answer.py HOST PORT -l DATA_PORT
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import ftclient_seed003 as client  # noqa: E402


def read_line(sock):
    return sock.recv(1024).decode("utf-8", "replace").rstrip("\n")  # BUG: one recv is not one line


client.read_line = read_line

if __name__ == "__main__":
    sys.exit(client.main(sys.argv))
