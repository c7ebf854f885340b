#!/usr/bin/env python3
"""A correct protocol U upload server in plain Python 3, the baseline of the known-bad servers here.

Follows seed 004 (8-byte big-endian size + name, b'go ahead', exactly `size` bytes of content) and
Transfer Lab's rules from resources/protocols/upload.md: a header split into pieces is read whole
(settle window), names are checked, content goes to a hidden temporary file that is moved into
place only when complete, "ok <sha256>\n" at the end, "error <code>: <detail>\n" on refusal, one
thread per client. It is the student's starter, resources/student/python/stage1/server.py, with its
TODOs done and a thread per client (stage 2) as its own extension. Every upload_*.py beside it
replaces ONE function of this file with a typical student bug; tests/src/test/.../MutantsAreCaughtTest
checks that the suite catches each. Every upload_without_*.py leaves out one extension of the spec;
EachMissingExtensionCostsOnlyItsOwnPointsTest checks that each loses that requirement's points and nothing else.

Run:   python3 tests/python/mutants/good_upload_server.py PORT DIR [MAX_SIZE IDLE_TIMEOUT DEADLINE [HEADER_SETTLE]]
       listening on 127.0.0.1:5000
Grade: ./transfer check upload --extensions --server-cmd "python3 tests/python/mutants/good_upload_server.py \
         {port} {dir} {max-size} {idle-timeout} {deadline} {header-settle}"
"""
import os
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "starters"))
import completing  # noqa: E402

# The starter's code runs here, and the functions below are its TODOs done: a mutant that replaces
# one of them (or of the starter's: check_size, send_ok, send_refusal) changes what the server calls.
completing.run_starter("stage1", "server.py", globals())
starter_main = main  # noqa: F821 -- defined by the starter's code; this program's own command line is below


def read_header(conn):
    """TODO(stage1.1) done: size and one name byte at least, then more while they come within the settle window.

    Reads up to one byte more than the longest header, to tell a name that is too long from one
    that fits."""
    longest = SIZE_BYTES + MAX_NAME_BYTES + 1
    header = b""
    try:
        while len(header) <= SIZE_BYTES:
            piece = conn.recv(longest - len(header))
            if not piece:
                raise Refusal("bad-header", f"the connection closed after {len(header)} header bytes")
            header += piece
    except socket.timeout:
        raise Refusal("timeout", f"no complete header within {IDLE_TIMEOUT_SECONDS} s")
    conn.settimeout(HEADER_SETTLE_SECONDS)
    try:
        while len(header) < longest:
            piece = conn.recv(longest - len(header))
            if not piece:
                break
            header += piece
    except socket.timeout:
        pass  # nothing more within the window: the header is complete
    finally:
        conn.settimeout(IDLE_TIMEOUT_SECONDS)
    return header


def check_name(raw):
    """TODO(stage1.2) done: the plain-file-name rule: UTF-8, no separators or control characters, not hidden."""
    try:
        name = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Refusal("bad-name", "the name is not valid UTF-8")
    if not name or len(raw) > MAX_NAME_BYTES:
        raise Refusal("bad-name", f"the name must have 1..{MAX_NAME_BYTES} bytes, it has {len(raw)}")
    if any(c in name for c in "/\\") or any(ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f for c in name):
        raise Refusal("bad-name", f"{name!r} is not a plain file name")
    if name.startswith(".") or name in (".", ".."):
        raise Refusal("bad-name", f"{name!r} starts with a dot")
    return name


def target_path(directory, name):
    return os.path.join(directory, name)


def move_into_place(temporary, target):
    """One atomic rename: a reader sees the old file or the new one, never a part."""
    os.replace(temporary, target)


def receive_content(conn, out, size):
    """Exactly `size` bytes from conn into out; returns their sha256 in hex."""
    sha256 = hashlib.sha256()
    received = 0
    deadline = time.monotonic() + DEADLINE_SECONDS
    while received < size:
        left = deadline - time.monotonic()
        if left <= 0:
            raise Refusal("timeout", f"the upload took longer than {DEADLINE_SECONDS} s")
        conn.settimeout(min(IDLE_TIMEOUT_SECONDS, left))
        try:
            chunk = conn.recv(min(256 * 1024, size - received))
        except socket.timeout:
            if left < IDLE_TIMEOUT_SECONDS:
                continue  # the deadline check above refuses
            raise Refusal("timeout", f"no content for {IDLE_TIMEOUT_SECONDS} s ({received} of {size} bytes)")
        if not chunk:
            raise ConnectionError(f"the client closed after {received} of {size} bytes")
        sha256.update(chunk)
        out.write(chunk)
        received += len(chunk)
    return sha256.hexdigest()


def store(conn, directory, name, size):
    """TODO(stage1.3) done: into a hidden temporary file beside the target, moved into place when complete."""
    fd, temporary = tempfile.mkstemp(dir=directory, prefix="." + name[:40] + ".", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            digest = receive_content(conn, out, size)
        try:
            move_into_place(temporary, target_path(directory, name))
        except OSError as e:
            raise Refusal("storage", f"cannot store {name!r}: {e.strerror}")
        return digest
    except BaseException:
        os.unlink(temporary)
        raise


def serve_forever(listener, directory):
    """TODO(stage1.4) done the stage 2 way: each client on a thread of its own, so a slow one holds up nobody."""
    while True:
        conn, _ = listener.accept()
        serve(conn, directory)


def serve(conn, directory):
    """The client on a new thread (upload_without_threads.py serves it on the accepting one instead)."""
    threading.Thread(target=serve_and_log, args=(conn, directory), daemon=True).start()


def serve_and_log(conn, directory):
    """One client; a broken upload is logged and stops nothing (U14)."""
    try:
        print(serve_client(conn, directory), flush=True)
    except OSError as e:
        print(f"upload broken: {e}", flush=True)


def main(argv):
    """PORT DIR [MAX_SIZE IDLE_TIMEOUT DEADLINE [HEADER_SETTLE]]: the starter's command line on 127.0.0.1,
    the limits by position (seconds for the last three)."""
    if len(argv) not in (3, 6, 7):
        print(f"usage: {argv[0]} PORT DIR [MAX_SIZE IDLE_TIMEOUT DEADLINE [HEADER_SETTLE]]", file=sys.stderr)
        return 2
    port, directory = argv[1], argv[2]
    limits = ["--max-size", argv[3], "--idle-timeout", argv[4], "--deadline", argv[5]] if len(argv) >= 6 else []
    if len(argv) == 7:
        limits += ["--header-settle", argv[6]]
    os.makedirs(directory, exist_ok=True)
    return starter_main([argv[0], "127.0.0.1", port, "--dir", directory, *limits])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
