#!/usr/bin/env python3
"""redteam-attack: the server half of a --pair cheat: it accepts every connection and closes it."""
import socket
import sys

listener = socket.create_server(("127.0.0.1", int(sys.argv[1])))
print("listening", flush=True)
while True:
    connection, _ = listener.accept()
    connection.close()
