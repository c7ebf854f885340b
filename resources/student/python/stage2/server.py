#!/usr/bin/env python3
"""Stage 2 in Python: your stage 1 upload server, serving many clients at once (seed 004). Starter code.

It reuses python/stage1/server.py (your stage 1: serve_client serves one client, start to end) and
replaces only its accept loop: TODO(stage2.1) below, same text as the Java kit's. Until it is done,
the loop is stage 1's, one client at a time, and check stage2 fails U16 (a paused client holds up
the next one). Python 3 standard library only.

Run (stage 1's command line):
    python3 python/stage2/server.py [IP] [PORT] [--dir DIR] [--max-size BYTES]
                                    [--idle-timeout S] [--deadline S] [--header-settle S]

    $ python3 python/stage2/server.py 127.0.0.1 5000 --dir received
    listening on 127.0.0.1:5000
    127.0.0.1:52544 stored notes.txt (1834 bytes)
    127.0.0.1:52546 stored song.mp3 (4518210 bytes)

Check it (U1-U5, U8, U10, U14 as in stage 1, and U15, U16 judged as concurrent):
    ./transfer check stage2 --server-cmd \
      "python3 python/stage2/server.py 127.0.0.1 {port} --dir {dir} --max-size {max-size} \
       --idle-timeout {idle-timeout} --deadline {deadline} --header-settle {header-settle}"
"""
import importlib.util
import os
import sys
import threading  # for your TODO: a thread per client

MAX_CONNECTIONS = 1024   # clients served at once; one more gets b"error busy: ...\n"


def load_stage1():
    """Your stage 1 server, python/stage1/server.py, as a module (loaded once)."""
    if "stage1_server" not in sys.modules:
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "stage1", "server.py")
        spec = importlib.util.spec_from_file_location("stage1_server", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules["stage1_server"] = module
        spec.loader.exec_module(module)
    return sys.modules["stage1_server"]


stage1 = load_stage1()
one_at_a_time = stage1.serve_forever


def serve_forever(listener, directory):
    """Serves every client at once; stage1.serve_client(conn, directory) serves one, start to end."""
    print("TODO(stage2.1): accept, serve each client on its own new thread; over maxConnections: busy — U15, U16",
          flush=True)
    one_at_a_time(listener, directory)


def main(argv):
    stage1.serve_forever = lambda listener, directory: serve_forever(listener, directory)
    return stage1.main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
