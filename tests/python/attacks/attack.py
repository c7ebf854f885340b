"""What the attacks share: the marker in every attack process's command line, and a tiny upload server.

Every attack process renames itself (its argv) to carry MARKER, so RedTeamTest can tell whether one
survived; a daemon re-executes itself with MARKER in its arguments.
"""
import os
import socket
import struct
import sys
import threading

MARKER = "redteam-attack"


def daemonize():
    """Double fork and a new session: the child is no longer in the grader's process group."""
    if os.fork() > 0:
        return False
    os.setsid()
    if os.fork() > 0:
        os._exit(0)
    return True


def read_exactly(connection, size):
    data = b""
    while len(data) < size:
        piece = connection.recv(min(65536, size - len(data)))
        if not piece:
            raise ConnectionError("closed")
        data += piece
    return data


def upload_server(port, store):
    """A seed-004 upload server whose store(name, content) is the attack."""
    listener = socket.create_server(("127.0.0.1", int(port)))
    print(f"listening on 127.0.0.1:{port}", flush=True)

    def handle(connection):
        with connection:
            try:
                connection.settimeout(5)
                header = connection.recv(4096)
                size = struct.unpack(">q", header[:8])[0]
                name = header[8:].decode("utf-8", "replace")
                connection.sendall(b"go ahead")
                store(name, read_exactly(connection, size))
            except (OSError, ConnectionError, struct.error, ValueError) as e:
                print(f"connection: {e}", flush=True)

    while True:
        connection, _ = listener.accept()
        threading.Thread(target=handle, args=(connection,), daemon=True).start()


if __name__ == "__main__":
    sys.exit("a module of the attacks, not a program")
