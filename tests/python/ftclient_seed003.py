#!/usr/bin/env python3
"""ftclient_seed003.py -- the file transfer client of seed 003, in plain Python 3 (standard library only).

Written from seed 003 ("file-transfer-system": a 2-connection client-server application) and the
wire format of protocol F in resources/protocols/ft.md:

    control  client -> server   "LIST <data-port>\n"   or   "GET <name> <data-port>\n"
             server -> client   "OK <n>\n"             or   "ERROR <reason>\n"
    data     the server connects to <this client's address>:<data-port>, sends n bytes, closes

Run it against the Java server (the Java suite runs it in Seed003PythonClientTest and grades it
with FtClientCheck):

    ./transfer ftserver 3555 --dir served &
    python3 tests/python/ftclient_seed003.py 127.0.0.1 3555 -l 8555
    Connected to 127.0.0.1 on port 3555...
    Data transfer initiated on ('127.0.0.1', 41184)...
    textfile-large
    textfile-small
    python3 tests/python/ftclient_seed003.py 127.0.0.1 3555 -g textfile-large 8555
    Connected to 127.0.0.1 on port 3555...
    Data transfer initiated on ('127.0.0.1', 41900)...
    Transfer complete.

A data port of 0 listens on any free port and sends the real one. GET saves into the current
directory and never overwrites a file there. Data is taken only from the server's address.
Exit status: 0 done, 1 failed, 2 usage error.
"""
import os
import socket
import sys

TIMEOUT_SECONDS = 30
BUFFER_BYTES = 1 << 20


def usage(message):
    print("ftclient_seed003.py: " + message, file=sys.stderr)
    print("usage: python3 ftclient_seed003.py <server_host> <server_port> -l <data_port>", file=sys.stderr)
    print("       python3 ftclient_seed003.py <server_host> <server_port> -g <filename> <data_port>", file=sys.stderr)
    sys.exit(2)


def fail(message):
    print("ftclient_seed003.py: " + message, file=sys.stderr)
    sys.exit(1)


def port_number(text, lowest):
    if not text.isdigit() or not lowest <= int(text) <= 65535:
        usage("'%s' is not a port number (%d to 65535)" % (text, lowest))
    return int(text)


def read_line(sock):
    """Reads the server's one-line answer, up to the newline (at most 1024 bytes)."""
    line = b""
    while not line.endswith(b"\n") and len(line) < 1024:
        byte = sock.recv(1)
        if not byte:
            break
        line += byte
    return line.decode("utf-8", "replace").rstrip("\n")


def main(argv):
    # 1. The command line, as in seed 003.
    if len(argv) == 5 and argv[3] == "-l":
        command, filename, data_port_text = "-l", None, argv[4]
    elif len(argv) == 6 and argv[3] == "-g":
        command, filename, data_port_text = "-g", argv[4], argv[5]
    else:
        usage("give -l <data_port> or -g <filename> <data_port>")
    host = argv[1]
    server_port = port_number(argv[2], 1)
    data_port = port_number(data_port_text, 0)
    if filename is not None and ("/" in filename or filename.startswith(".")):
        usage("'%s' is not a plain file name" % filename)
    if filename is not None:
        refuse_existing(filename)

    # 2. The control connection.
    try:
        control = socket.create_connection((host, server_port), timeout=TIMEOUT_SECONDS)
    except OSError as e:
        fail("cannot connect to %s on port %d: %s" % (host, server_port, e))
    print("Connected to %s on port %d..." % (host, server_port))

    # 3. and 4. Listen on the data port, send the command, read the answer.
    data_listener, answer = exchange(control, command, filename, data_port)
    if answer.startswith("ERROR"):
        fail("%s:%d says %s" % (host, server_port, answer))
    if not answer.startswith("OK ") or not answer[3:].isdigit():
        fail("unexpected answer from the server: %r" % answer)
    size = int(answer[3:])

    # 5. Accept the data connection and read exactly `size` bytes.
    try:
        data, address = accept_data(data_listener, control)
    except socket.timeout:
        fail("the server did not connect to data port %d" % data_listener.getsockname()[1])
    data.settimeout(TIMEOUT_SECONDS)
    print("Data transfer initiated on %s..." % (address,))
    if command == "-l":
        body = receive(data, size, bytearray())
        for name in body.decode("utf-8").splitlines():
            print(name)
    else:
        # Into a hidden temporary file first; a hard link then creates the name only if it is still free.
        temporary = ".%s.%d.part" % (filename, os.getpid())
        try:
            with open(temporary, "xb") as out:
                receive(data, size, out)
            keep(temporary, filename)
        except FileExistsError:
            fail("%s appeared during the transfer; kept it, discarded the download" % filename)
        finally:
            if os.path.exists(temporary):
                os.remove(temporary)
        print("Transfer complete.")
    data.close()
    data_listener.close()
    control.close()
    return 0


def refuse_existing(filename):
    """GET never overwrites a file of the working directory: it stops before it asks the server."""
    if os.path.exists(filename):
        fail("%s already exists here; not overwriting it" % filename)


def exchange(control, command, filename, data_port):
    """Listens on the data port BEFORE it sends the command (the server connects right after "OK"),
    then sends the command and reads the answer. Returns the listener and the answer line."""
    data_listener = socket.socket(control.family, socket.SOCK_STREAM)
    try:
        data_listener.bind((control.getsockname()[0], data_port))
    except OSError as e:
        fail("cannot listen on data port %d: %s" % (data_port, e))
    data_listener.listen(1)
    data_listener.settimeout(TIMEOUT_SECONDS)
    data_port = data_listener.getsockname()[1]
    if command == "-l":
        control.sendall(("LIST %d\n" % data_port).encode("utf-8"))
    else:
        control.sendall(("GET %s %d\n" % (filename, data_port)).encode("utf-8"))
    return data_listener, read_line(control)


def accept_data(data_listener, control):
    """The data connection from the server's address; a connection from anywhere else is closed unread."""
    while True:
        data, address = data_listener.accept()
        if address[0] == control.getpeername()[0]:
            return data, address
        data.close()


def keep(temporary, filename):
    """A hard link creates the name only if it is still free (FileExistsError otherwise)."""
    os.link(temporary, filename)


def receive(data, size, sink):
    """Reads exactly `size` bytes into `sink` (a bytearray or a file), then expects the server to close."""
    received = 0
    while received < size:
        chunk = data.recv(min(BUFFER_BYTES, size - received))
        if not chunk:
            fail("the data connection closed after %d of %d bytes" % (received, size))
        if isinstance(sink, bytearray):
            sink.extend(chunk)
        else:
            sink.write(chunk)
        received += len(chunk)
    if data.recv(1):
        fail("the server sent more than the %d bytes it announced" % size)
    return sink


if __name__ == "__main__":
    sys.exit(main(sys.argv))
