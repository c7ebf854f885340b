#!/usr/bin/env python3
"""redteam-attack: an ft client (seed 003's command line: HOST PORT -g NAME DATAPORT) that sends its
request over the control connection, as a real client does, but never takes the data connection: it
copies NAME from the reference server's directory instead, where it can see one."""
import glob
import shutil
import socket
import sys

host, port, flag, name, dataport = sys.argv[1:6]
with socket.create_connection((host, int(port)), timeout=5) as control:
    control.sendall(f"GET {name} {dataport}\n".encode())
    print(control.recv(100).decode(errors="replace").strip(), flush=True)
for candidate in glob.glob("/tmp/*/served/" + name) + glob.glob("/tmp/*/*/served/" + name):
    try:
        shutil.copy(candidate, name)
        print(f"File transfer complete. ({name})")
        sys.exit(0)
    except OSError:
        pass
sys.exit(1)
