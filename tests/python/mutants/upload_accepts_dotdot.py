#!/usr/bin/env python3
"""Known-bad upload server: accepts names like ../x and a/b (it only refuses absolute paths).

The bug: a half-done name check (`if name.startswith("/")`) before `os.path.join(directory, name)`:
"../x" writes outside the directory. (Absolute paths stay refused so that this test program can
never overwrite a system file.)  Everything else is good_upload_server.py.
Run: python3 upload_accepts_dotdot.py PORT DIR
"""
import sys

import good_upload_server as server


def check_name(raw):
    name = raw.decode("utf-8", errors="replace")
    if not name or name.startswith("/"):  # BUG: "..", "a/b" and "..\\x" pass
        raise server.Refusal("bad-name", f"{name!r} is not allowed")
    return name


def store(conn, directory, name, size):
    # Follow the name wherever it points, creating directories as a naive server would.
    target = server.target_path(directory, name)
    import os
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as out:
        return server.receive_content(conn, out, size)


server.check_name = check_name
server.store = store

if __name__ == "__main__":
    sys.exit(server.main(sys.argv))
