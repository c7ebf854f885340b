#!/usr/bin/env python3
"""A server that listens on the port it is given and never calls accept(): every connection waits
in the kernel's accept queue. The grader must stop the run within seconds and say so.
Run: python3 never_accepts.py PORT DIR   (DIR ignored)
"""
import socket
import sys
import time

if __name__ == "__main__":
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", int(sys.argv[1])))
    listener.listen(16)
    print("listening on 127.0.0.1:%d (and never accepting)" % int(sys.argv[1]))
    time.sleep(600)  # the grader kills it long before
