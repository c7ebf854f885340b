#!/usr/bin/env python3
"""resources/student/python/stage2/server.py with its TODO done, on stage 1's done (instructors' and tests' only).

Run: python3 tests/python/starters/stage2_server_done.py [IP] [PORT] --dir DIR ...  (the starter's command line)
"""
import sys
import threading

import completing
import stage1_server_done  # noqa: F401 -- stage 1's TODOs done, registered as the module stage 2 loads

server = completing.starter("stage2", "server.py")


def serve_forever(listener, directory):
    """TODO(stage2.1) done: a thread per client, at most MAX_CONNECTIONS at once; one more is told busy."""
    slots = threading.BoundedSemaphore(server.MAX_CONNECTIONS)

    def serve(conn, host, port):
        try:
            print(f"{host}:{port} {server.stage1.serve_client(conn, directory)}", flush=True)
        except Exception as e:  # noqa: BLE001 -- one bad client never hurts another (U14)
            print(f"{host}:{port} failed: {e}", flush=True)
        finally:
            slots.release()

    while True:
        conn, (host, port) = listener.accept()
        if not slots.acquire(blocking=False):
            with conn:
                conn.sendall(f"error busy: {server.MAX_CONNECTIONS} clients already\n".encode("ascii"))
            continue
        threading.Thread(target=serve, args=(conn, host, port), daemon=True).start()


server.serve_forever = serve_forever

if __name__ == "__main__":
    sys.exit(server.main(sys.argv))
