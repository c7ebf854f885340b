#!/usr/bin/env python3
"""Stage 3 in Python: the ranged parallel download client of protocol R (seed 000). Starter code.

The TODO(stage3.N) functions are yours, in order; their texts are the Java kit's, and the
requirements they name are in resources/protocols/ranged.md. Everything else here works: the
control request, the threads, the temporary file beside OFILE, the MD5 check, the exit status.
Python 3 standard library only.

Run (seed 000's command line):
    python3 python/stage3/client.py [--retries N] [--timeout S] ADDRESS THREADS FILE OFILE

    $ python3 python/stage3/client.py 127.0.0.1:8000 4 big.iso big-copy.iso
    downloaded big.iso (268435456 bytes) over 4 connections, md5 9e107d9d372bb6826bd81d3542a419d6

Exit status: 0 the file is in place and its MD5 matches, 1 the download failed (nothing is left
behind), 2 a usage error.
Check it: ./transfer check stage3 --client-cmd "python3 python/stage3/client.py {address} {threads} {file} {ofile}"
"""
import argparse
import hashlib    # for your TODOs: the MD5
import http.client
import json
import os
import socket
import sys
import tempfile
import threading
import urllib.parse

RETRIES = 3             # --retries: ask again for a broken block at most this many times
TIMEOUT_SECONDS = 30    # --timeout: give up on a connection silent this long


def block_range(index, size, threads):
    """Bytes [start, end) of block `index` of a file of `size` bytes sent over `threads` connections."""
    raise NotImplementedError("TODO(stage3.1): the block's bytes [start, end) by the spec's block size: whole "
                              "blocks before it, never past the file's end — R5")


def receive_block(sock, out_fd, start, end):
    """Reads the block's bytes from sock until the server closes, into out_fd at their offsets.

    Returns the number of bytes written; fewer than end - start means the block broke."""
    raise NotImplementedError("TODO(stage3.2): write the n bytes at their offset in the file (positional writes)"
                              " — R15")


class PrefixHasher:
    """The MD5 of the file, computed while the blocks arrive: `arrived(start, end)` per block."""

    def __init__(self, path, size):
        self.path, self.size = path, size

    def arrived(self, start, end):
        pass

    def hexdigest(self):
        raise NotImplementedError("TODO(stage3.3): the running MD5: hash the contiguous prefix while the blocks "
                                  "still arrive — R6, R16")


def fetch_block(host, port, index, size, threads, out_fd, hasher):
    """Block `index`, whole, into out_fd, and tells the hasher; raises OSError when it could not be had."""
    # TODO(stage3.4): the retry rule: a failed attempt asks for the block again, 1 + retries times at most — R14
    start, end = block_range(index, size, threads)
    if not attempt(host, port, index, size, threads, out_fd):
        raise OSError("the connection closed before the block's end (asked once: TODO(stage3.4))")
    hasher.arrived(start, end)


def attempt(host, port, index, size, threads, out_fd):
    """One try: connect, send the block's number, receive it. True when the whole block came."""
    start, end = block_range(index, size, threads)
    with socket.create_connection((host, port), timeout=TIMEOUT_SECONDS) as sock:
        sock.sendall(bytes([index]))
        return receive_block(sock, out_fd, start, end) == end - start


def request(host, port, path, threads):
    """The control exchange: POST /path {"threads": N}; the server's offer, or exit 1 with its error."""
    control = http.client.HTTPConnection(host, port, timeout=TIMEOUT_SECONDS)
    control.request("POST", urllib.parse.quote("/" + path.lstrip("/")), body=json.dumps({"threads": threads}),
                    headers={"Content-Type": "application/json"})
    response = control.getresponse()
    body = response.read()
    control.close()
    if response.status != 200:
        raise SystemExit(f"server answered {response.status}: {body.decode('utf-8', 'replace')}")
    return json.loads(body)


def download(host, port, path, threads, ofile):
    offer = request(host, port, path, threads)
    data_port = offer["port"]
    size = offer.get("size")  # an extra of the kit's servers (R20); seed 000's sends only hash and port
    if type(size) is not int or size < 0:
        raise SystemExit("the offer has no size: this client places blocks by the size the kit's servers send")
    directory = os.path.dirname(os.path.abspath(ofile))
    fd, temporary = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(ofile) + ".", suffix=".part")
    try:
        os.ftruncate(fd, size)
        hasher = PrefixHasher(temporary, size)
        failures = []

        def worker(index):
            try:
                fetch_block(host, data_port, index, size, threads, fd, hasher)
            except Exception as e:  # noqa: BLE001 -- reported below, the download fails
                failures.append(str(e))

        workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        if failures:
            raise SystemExit(f"download failed ({len(failures)} of {threads} blocks): "
                             + "; ".join(sorted(set(failures))))
        md5 = hasher.hexdigest()
        if md5 != offer["hash"]:
            raise SystemExit(f"MD5 mismatch: the server said {offer['hash']}, the file has {md5}")
        os.close(fd)
        fd = None
        os.replace(temporary, ofile)
        return size, md5
    finally:
        if fd is not None:
            os.close(fd)
            os.unlink(temporary)


def main(argv):
    global RETRIES, TIMEOUT_SECONDS
    parser = argparse.ArgumentParser(prog="client.py", description="File download client (protocol R, seed 000)")
    parser.add_argument("address", help="server address, in host:port format")
    parser.add_argument("threads", type=int, help="number of connections, 1 to 255")
    parser.add_argument("file", help="file to download (its path on the server)")
    parser.add_argument("ofile", help="output file")
    parser.add_argument("--retries", type=int, default=RETRIES)
    parser.add_argument("--timeout", type=float, default=TIMEOUT_SECONDS)
    args = parser.parse_args(argv[1:])   # a usage error exits 2
    host, _, port = args.address.rpartition(":")
    if not host or not port.isdigit() or not 1 <= args.threads <= 255:
        parser.error("ADDRESS is HOST:PORT and THREADS is 1 to 255")
    RETRIES, TIMEOUT_SECONDS = args.retries, args.timeout
    try:
        size, md5 = download(host, int(port), args.file, args.threads, args.ofile)
    except SystemExit as failed:
        print(failed, file=sys.stderr)
        return 1
    except (OSError, NotImplementedError) as e:
        print(f"download failed: {e}", file=sys.stderr)
        return 1
    print(f"downloaded {args.file} ({size} bytes) over {args.threads} connections, md5 {md5}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
