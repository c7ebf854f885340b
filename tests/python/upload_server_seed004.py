#!/usr/bin/env python3
"""Upload server of protocol U, written from seed 004's server algorithm (the course's Python server).

Steps as in the seed: one recv of the header, decode 8 bytes of big-endian size and the UTF-8 name
(get_file_info), send b'go ahead', write exactly size bytes to NAME.temp in DIRECTORY, rename it to
NAME, delete the .temp file if anything fails, close the client, repeat. Like the seed's server it
sends no "ok" line. Unlike it, it refuses (closes on) names that are not plain file names, so that
it never writes outside DIRECTORY, and it listens on loopback only.

Run (Python 3 standard library only):
    python3 tests/python/upload_server_seed004.py PORT DIRECTORY     (PORT 0 picks a free port)

    $ python3 tests/python/upload_server_seed004.py 0 received
    listening on 127.0.0.1:40117
    127.0.0.1:52544 stored notes.txt (1834 bytes)

Stop it with Ctrl-C.
"""
import os
import socket
import sys

CHUNK_BYTES = 64 * 1024


def get_file_info(data):
    """The first 8 bytes are the size (big-endian), the rest is the file name."""
    return int.from_bytes(data[:8], "big"), data[8:].decode("utf-8")


def upload_file(conn, path, size):
    """Receive exactly size bytes into path, through path.temp; nothing is left behind on failure."""
    temp = path + ".temp"
    try:
        with open(temp, "wb") as f:
            received = 0
            while received < size:
                chunk = conn.recv(min(CHUNK_BYTES, size - received))
                if not chunk:
                    raise ConnectionError(f"client closed after {received} of {size} bytes")
                f.write(chunk)
                received += len(chunk)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.remove(temp)
        raise


def is_plain_name(name):
    return name != "" and os.path.basename(name) == name and "\\" not in name and not name.startswith(".")


def start_server(port, directory):
    os.makedirs(directory, exist_ok=True)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", port))
        server.listen(5)
        host, bound_port = server.getsockname()
        print(f"listening on {host}:{bound_port}", flush=True)
        while True:
            conn, (peer_host, peer_port) = server.accept()
            with conn:
                try:
                    size, name = get_file_info(conn.recv(1024))
                    if not is_plain_name(name):
                        raise ValueError(f"refusing the name {name!r}")
                    conn.sendall(b"go ahead")
                    upload_file(conn, os.path.join(directory, name), size)
                    print(f"{peer_host}:{peer_port} stored {name} ({size} bytes)", flush=True)
                except (OSError, ValueError, UnicodeDecodeError) as e:
                    print(f"{peer_host}:{peer_port} failed: {e}", flush=True)


def main(argv):
    if len(argv) != 3:
        print(f"usage: {argv[0]} PORT DIRECTORY", file=sys.stderr)
        return 2
    try:
        start_server(int(argv[1]), argv[2])
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
