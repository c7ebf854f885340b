#!/usr/bin/env python3
"""A ranged parallel download client written from seed 000's description (protocol R).

Seed 000: the client POSTs to the server's HTTP port, with the file's path as the URL path and the
JSON {"threads": N} as the body; the reply holds the file's MD5 and the port of the sender. The
client opens N sockets to that port, sends one byte (the thread id, 0..N-1) on each, receives block
i = bytes [i*B, min(S, (i+1)*B)) with B = S // N + 1, reassembles the file and compares its MD5.

Plain Python 3, standard library only. Run it against a parallel-server:

    python3 tests/python/parallel_client_seed000.py 127.0.0.1:8000 4 big.bin copy.bin

Exit status: 0 the MD5 matches, 1 it does not (or the server refused), 2 usage error.
"""
import hashlib
import http.client
import json
import socket
import sys
import threading
import urllib.parse


def receive_block(host, port, block, results):
    with socket.create_connection((host, port), timeout=30) as sock:
        sock.sendall(bytes([block]))
        chunks = []
        while True:
            data = sock.recv(1 << 20)
            if not data:
                break
            chunks.append(data)
    results[block] = b"".join(chunks)


def main(argv):
    if len(argv) != 5:
        print("usage: parallel_client_seed000.py address threads file ofile", file=sys.stderr)
        return 2
    address, threads, path, ofile = argv[1], int(argv[2]), argv[3], argv[4]
    host, port = address.rsplit(":", 1)
    if not 1 <= threads <= 255:
        print("threads must be 1..255", file=sys.stderr)
        return 2

    control = http.client.HTTPConnection(host, int(port), timeout=30)
    url = urllib.parse.quote("/" + path.lstrip("/"))
    control.request("POST", url, body=json.dumps({"threads": threads}),
                    headers={"Content-Type": "application/json"})
    response = control.getresponse()
    body = response.read()
    control.close()
    if response.status != 200:
        print("server answered %d: %s" % (response.status, body.decode("utf-8", "replace")), file=sys.stderr)
        return 1
    offer = json.loads(body)

    results = [None] * threads
    workers = [threading.Thread(target=receive_block, args=(host, offer["port"], i, results),
                                name="seed000-block-%d" % i) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    content = b"".join(block or b"" for block in results)
    md5 = hashlib.md5(content).hexdigest()
    if md5 != offer["md5"] or len(content) != offer["size"]:
        print("MD5 mismatch: expected %s, got %s" % (offer["md5"], md5), file=sys.stderr)
        return 1
    with open(ofile, "wb") as out:
        out.write(content)
    print("downloaded %s (%d bytes) over %d connections, md5 %s" % (path, len(content), threads, md5))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
