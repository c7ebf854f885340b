#!/usr/bin/env python3
"""A correct protocol R client in plain Python 3, the baseline of the known-bad ranged clients here
(seed 000's command line, resources/protocols/ranged.md).

POST /FILE with {"threads": N}; the reply names the MD5 ("hash", or "md5") and the data port. One
thread per block opens a connection, sends its block number i as one byte and reads the block
until the server closes; a block that fails (refused, cut, short) is asked for again, at most 3
times (R14). Every block is written at its offset into one temporary file beside OFILE (R15), and
OFILE appears only if the MD5 of the whole matches (R6); otherwise nothing is left and the exit
status is 1. Every ranged_client_*.py beside it replaces ONE function with a typical bug.

Run:   python3 tests/python/mutants/good_ranged_client.py 127.0.0.1:8000 4 big.bin copy.bin
Grade: ./transfer check ranged --extensions \
           --client-cmd "python3 tests/python/mutants/good_ranged_client.py {address} {threads} {file} {ofile}"
"""
import hashlib
import os
import socket
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "starters"))
import completing  # noqa: E402

RETRIES = 3
TIMEOUT_SECONDS = 30

# The control exchange, POST /FILE {"threads": N}, is given code of the student's starter
# (resources/student/python/stage3/client.py): the offer as a dict, or the server's error as SystemExit (status 1).
ask = completing.starter("stage3", "client.py").request


def receive_block(host, port, block):
    """The bytes of one block: send its number, read until the server closes."""
    with socket.create_connection((host, port), timeout=TIMEOUT_SECONDS) as sock:
        sock.sendall(bytes([block]))
        chunks = []
        while True:
            data = sock.recv(1 << 20)
            if not data:
                return b"".join(chunks)
            chunks.append(data)


def fetch_block(host, port, block, expected_size):
    """One block, asked for again when its connection fails or brings the wrong number of bytes."""
    last = None
    for _ in range(1 + RETRIES):
        try:
            data = receive_block(host, port, block)
            if expected_size is None or len(data) == expected_size:
                return data
            last = "%d of %d bytes" % (len(data), expected_size)
        except OSError as e:
            last = str(e)
    raise IOError("block %d failed %d times; last: %s" % (block, 1 + RETRIES, last))


def block_sizes(size, threads):
    """B = S div N + 1; block i is [i*B, min(S, (i+1)*B)). None for every block when S is not announced."""
    if size is None:
        return [None] * threads
    block = size // threads + 1
    return [max(0, min(size, (i + 1) * block) - min(size, i * block)) for i in range(threads)]


def block_offsets(size, threads, blocks):
    """Where each block starts: i*B with B = S div N + 1, or after the blocks before it when S is not announced."""
    if size is None:
        return [sum(len(b) for b in blocks[:i]) for i in range(threads)]
    return [i * (size // threads + 1) for i in range(threads)]


def place(out, lock, offsets, block, data):
    """Writes a block at its offset in the one temporary file."""
    with lock:
        out.seek(offsets[block])
        out.write(data)


def discard(temporary):
    if os.path.exists(temporary):
        os.remove(temporary)


def main(argv):
    if len(argv) != 5:
        print("usage: good_ranged_client.py ADDRESS THREADS FILE OFILE", file=sys.stderr)
        return 2
    address, path, ofile = argv[1], argv[3], argv[4]
    host, port = address.rsplit(":", 1)
    threads = int(argv[2]) if argv[2].isdigit() else 0
    if not 1 <= threads <= 255:
        print("THREADS must be 1..255", file=sys.stderr)
        return 2
    try:
        offer = ask(host, int(port), path, threads)
    except (OSError, ValueError) as e:
        print("good_ranged_client.py: %s" % e, file=sys.stderr)
        return 1
    expected_md5 = offer.get("hash", offer.get("md5"))
    sizes = block_sizes(offer.get("size"), threads)
    blocks = [None] * threads
    failures = []

    def worker(block):
        try:
            blocks[block] = fetch_block(host, offer["port"], block, sizes[block])
        except IOError as e:
            failures.append(str(e))

    workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for each in workers:
        each.start()
    for each in workers:
        each.join()
    directory = os.path.dirname(os.path.abspath(ofile))
    temporary = os.path.join(directory, ".%s.%d.part" % (os.path.basename(ofile), os.getpid()))
    if failures:
        print("good_ranged_client.py: %s" % failures[0], file=sys.stderr)
        return 1
    offsets = block_offsets(offer.get("size"), threads, blocks)
    lock = threading.Lock()
    with open(temporary, "wb") as out:
        for i in range(threads):
            place(out, lock, offsets, i, blocks[i])
    with open(temporary, "rb") as written:
        md5 = hashlib.md5(written.read()).hexdigest()
    return finish(temporary, ofile, md5, expected_md5, path, threads)


def finish(temporary, ofile, md5, expected_md5, path, threads):
    """OFILE appears only when the MD5 matches; otherwise nothing is left behind."""
    if md5 != expected_md5:
        discard(temporary)
        print("MD5 mismatch: the server announced %s, the blocks make %s; nothing kept" % (expected_md5, md5),
              file=sys.stderr)
        return 1
    os.replace(temporary, ofile)
    print("downloaded %s over %d connections, md5 %s" % (path, threads, md5))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
