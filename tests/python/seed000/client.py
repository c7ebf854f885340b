#!/usr/bin/env python3
"""Seed 000's client.py, rendered from its README as the real program behaves (issue 8), quirks kept.

NOT our protocol R client: this is what a student of that course hands in. What it does:
  * POSTs to ADDRESS (host:port) with FILE unchanged as the path (http.client sends it as given:
    'three.bin', '/three.bin' or '/abs/path/three.bin') and the body {"threads": N};
  * reads server_response['port'] and server_response['hash'] (a reply with "md5" instead dies
    with KeyError: 'hash', as the real one does);
  * N threads each connect to that port, send one byte, their id 0..N-1, and write what comes
    until the close into DIR/<id>.prt, DIR a new directory under /tmp;
  * joins the parts with the shell's `cat DIR/* > OFILE`. The glob sorts by name, so 10.prt comes
    before 2.prt: with N >= 11 the seed itself writes the blocks out of order (and then reports the
    MD5 mismatch). Kept on purpose: it is the real program's flaw (resources/interop.md).
Where the README is silent we chose: the MD5 of OFILE is compared with the hash; a mismatch prints
"hash mismatch" and exits 1 (OFILE stays, as cat left it); the /tmp directory is removed at the end.

Run:  python3 client.py ADDRESS THREADS FILE OFILE

    $ python3 tests/python/seed000/client.py 127.0.0.1:8000 4 big.bin copy.bin
    downloaded big.bin, md5 857425ec6651fa7e1ce8cde654eb30d6
    $ python3 tests/python/seed000/client.py 127.0.0.1:8000 11 big.bin copy.bin
    hash mismatch: server 857425ec6651fa7e1ce8cde654eb30d6, received 43384f1d4b4ff029d28430b63a621df4
"""
import argparse
import hashlib
import http.client
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import threading


def receive(host, port, thread_id, directory):
    with socket.create_connection((host, port)) as sock:
        sock.sendall(bytes([thread_id]))
        with open("%s/%d.prt" % (directory, thread_id), "wb") as part:
            while True:
                data = sock.recv(64 * 1024)
                if not data:
                    break
                part.write(data)


def main():
    parser = argparse.ArgumentParser(description="File download client")
    parser.add_argument("address", help="server address, in host:port format")
    parser.add_argument("threads", type=int, help="number of threads to use to receive file")
    parser.add_argument("file", help="file to download")
    parser.add_argument("ofile", help="output file")
    args = parser.parse_args()
    host, port = args.address.split(":")

    connection = http.client.HTTPConnection(host, int(port))
    connection.request("POST", args.file, json.dumps({"threads": args.threads}))
    response = connection.getresponse()
    if response.status != 200:
        print("server answered %d %s" % (response.status, response.reason), file=sys.stderr)
        return 1
    server_response = json.loads(response.read())
    connection.close()
    data_port = server_response["port"]
    file_hash = server_response["hash"]

    directory = tempfile.mkdtemp(dir="/tmp")
    try:
        receivers = [threading.Thread(target=receive, args=(host, data_port, i, directory))
                     for i in range(args.threads)]
        for receiver in receivers:
            receiver.start()
        for receiver in receivers:
            receiver.join()
        subprocess.run("cat %s/* > %s" % (directory, args.ofile), shell=True, check=True)
    finally:
        shutil.rmtree(directory, ignore_errors=True)

    with open(args.ofile, "rb") as f:
        received_hash = hashlib.md5(f.read()).hexdigest()
    if received_hash != file_hash:
        print("hash mismatch: server %s, received %s" % (file_hash, received_hash), file=sys.stderr)
        return 1
    print("downloaded %s, md5 %s" % (args.file, received_hash))
    return 0


if __name__ == "__main__":
    sys.exit(main())
