"""The smallest server the grader's own tests need: on each connection it reads what comes within
a moment, answers "go ahead" and closes. The grader tests (tests/src/test/.../grading) start the
programs of this directory, each a minimal_go_ahead server with one twist.
"""
import socket


def serve(port, on_connection=lambda connection: b"go ahead"):
    """Listens on 127.0.0.1:port (0: any free port), answers every connection with on_connection's bytes."""
    listener = socket.create_server(("127.0.0.1", port))
    print(f"listening on 127.0.0.1:{listener.getsockname()[1]}", flush=True)
    while True:
        connection, _ = listener.accept()
        with connection:
            connection.settimeout(1)
            try:
                connection.recv(1024)
                connection.sendall(on_connection(connection))
            except OSError as e:
                print(f"connection broken: {e}", flush=True)
