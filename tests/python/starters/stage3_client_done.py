#!/usr/bin/env python3
"""resources/student/python/stage3/client.py with its TODOs done (instructors' and tests' only).

Run: python3 tests/python/starters/stage3_client_done.py ADDRESS THREADS FILE OFILE  (the starter's command line)
"""
import hashlib
import os
import sys
import threading

import completing

client = completing.starter("stage3", "client.py")


def block_range(index, size, threads):
    """TODO(stage3.1) done: B = S div N + 1."""
    b = size // threads + 1
    return min(size, index * b), min(size, (index + 1) * b)


def receive_block(sock, out_fd, start, end):
    """TODO(stage3.2) done: each piece written at its offset, never past the block's end."""
    offset = start
    while offset < end:
        data = sock.recv(min(1 << 20, end - offset))
        if not data:
            break
        os.pwrite(out_fd, data, offset)
        offset += len(data)
    return offset - start


class PrefixHasher:
    """TODO(stage3.3) done: hashes the file's contiguous prefix as the blocks after it arrive."""

    def __init__(self, path, size):
        self.path, self.size = path, size
        self.md5, self.hashed, self.pending, self.lock = hashlib.md5(), 0, {}, threading.Lock()

    def arrived(self, start, end):
        with self.lock:
            self.pending[start] = end
            with open(self.path, "rb") as f:
                while self.hashed in self.pending:
                    end_of_run = self.pending.pop(self.hashed)
                    f.seek(self.hashed)
                    left = end_of_run - self.hashed
                    while left > 0:
                        chunk = f.read(min(1 << 20, left))
                        if not chunk:
                            raise OSError("the temporary file is shorter than the blocks written")
                        self.md5.update(chunk)
                        left -= len(chunk)
                    self.hashed = end_of_run

    def hexdigest(self):
        with self.lock:
            if self.hashed != self.size:
                raise OSError(f"only {self.hashed} of {self.size} bytes arrived")
            return self.md5.hexdigest()


def fetch_block(host, port, index, size, threads, out_fd, hasher):
    """TODO(stage3.4) done: 1 + RETRIES attempts at most; the block counts once it came whole."""
    start, end = block_range(index, size, threads)
    last = "no attempt"
    for _ in range(1 + RETRIES):
        try:
            if attempt(host, port, index, size, threads, out_fd):
                hasher.arrived(start, end)
                return
            last = "the connection closed before the block's end"
        except OSError as e:
            last = str(e)
    raise OSError(f"{1 + RETRIES} attempts failed, the last: {last}")


completing.fill(client, sys.modules[__name__], "block_range", "receive_block", "fetch_block")
client.PrefixHasher = PrefixHasher

if __name__ == "__main__":
    sys.exit(client.main(sys.argv))
