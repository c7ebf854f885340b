#!/usr/bin/env python3
"""Known-bad ft client: starts listening on the data port only after the server said "OK".

The bug: send the command, read the answer, then bind and listen. The server connects to the data
port right after it writes "OK"; when the answer is a little late on the way (any real network),
that connection is refused and the client waits in accept() for nothing. Graded with
`check ft --client-cmd`; MutantsAreCaughtTest expects F20 to fail.
Everything else is ../ftclient_seed003.py.  Run: python3 ft_client_listens_after_ok.py HOST PORT -l DATA_PORT
"""
import os
import socket
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import ftclient_seed003 as client  # noqa: E402


def exchange(control, command, filename, data_port):
    if command == "-l":
        control.sendall(("LIST %d\n" % data_port).encode("utf-8"))
    else:
        control.sendall(("GET %s %d\n" % (filename, data_port)).encode("utf-8"))
    answer = client.read_line(control)
    data_listener = socket.socket(control.family, socket.SOCK_STREAM)  # BUG: too late
    data_listener.bind((control.getsockname()[0], data_port))
    data_listener.listen(1)
    data_listener.settimeout(client.TIMEOUT_SECONDS)
    return data_listener, answer


client.exchange = exchange

if __name__ == "__main__":
    sys.exit(client.main(sys.argv))
