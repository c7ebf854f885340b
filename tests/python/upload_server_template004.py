#!/usr/bin/env python3
"""Seed 004's server template ("CSCI-330 Programming Assignment 3"), completed as a student would.

Our own rendering of the assignment's template, kept as the course hands it out (issue 8 describes
it): it stores into its working directory under NAME.temp<4 digits> (the template's line
`file_name += '.temp'+str(random.randint(1001,9999))`, "please do not change"), takes [IP] [PORT]
(defaults 127.0.0.1 and 12000), reads the header with one recv(1024), loops recv(1024) until
`size` bytes have come, serves each client on a thread of its own, deletes the file when an
exception occurs, and sends no "ok" line. Its real flaw is kept too: a client that closes early
makes recv return b'' for ever, so `while retrieved_size < file_size` spins and the partial
file stays (the grader reports it under U10).

Run (Python 3 standard library only), in the directory that receives the files:
    cd received && python3 ../tests/python/upload_server_template004.py 127.0.0.1 12000

    Server ready and listening on 127.0.0.1:12000
    Connection from ('127.0.0.1', 52544)
    notes.txt.temp4711 received: 1834 bytes

Grade it (from the project's directory; the shell puts in $PWD before the grader's `cd {dir}`):
    ./transfer check upload --server-cmd \
        "cd {dir} && python3 $PWD/tests/python/upload_server_template004.py 127.0.0.1 {port}"
"""
import os
import random
import socket
import sys
import threading


def get_file_info(data):
    """8 bytes of big-endian size, then the file name in UTF-8."""
    return data[8:].decode(), int.from_bytes(data[:8], byteorder="big")


def upload_file(conn_socket, file_name, file_size):
    file_name += '.temp'+str(random.randint(1001,9999))  # please do not change the above line!
    try:
        with open(file_name, "wb") as file:
            retrieved_size = 0
            while retrieved_size < file_size:
                chunk = conn_socket.recv(1024)
                retrieved_size += len(chunk)
                file.write(chunk)
        print(f"{file_name} received: {retrieved_size} bytes", flush=True)
    except Exception as e:
        print(f"upload of {file_name} failed: {e}", flush=True)
        if os.path.exists(file_name):
            os.remove(file_name)


def service_client_connection(conn_socket, addr):
    print(f"Connection from {addr}", flush=True)
    try:
        message = conn_socket.recv(1024)
        file_name, file_size = get_file_info(message)
        conn_socket.sendall(b"go ahead")
        upload_file(conn_socket, file_name, file_size)
    except Exception as e:
        print(f"client {addr}: {e}", flush=True)
    finally:
        conn_socket.close()


def start_server(ip, port):
    server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server_socket.bind((ip, port))
    server_socket.listen(5)
    print(f"Server ready and listening on {ip}:{port}", flush=True)
    try:
        while True:
            conn_socket, addr = server_socket.accept()
            threading.Thread(target=service_client_connection, args=(conn_socket, addr), daemon=True).start()
    except KeyboardInterrupt:
        pass
    finally:
        server_socket.close()


if __name__ == "__main__":
    ip = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 12000
    start_server(ip, port)
