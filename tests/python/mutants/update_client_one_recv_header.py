#!/usr/bin/env python3
"""Known-bad update client: takes one recv() as the whole length field, and one as the whole header.

The bug: `sock.recv(2)` and `sock.recv(length)`. TCP is a byte stream; a frame that arrives in
pieces (a slow network, a proxy) is cut, and the JSON cannot be parsed. Graded with
`check update --client-cmd`; KnownBadClientsAreCaughtTest expects D1 to fail.
Everything else is ../update_client_seed002.py.  Run: python3 update_client_one_recv_header.py HOST PORT ID DIR
"""
import json
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import update_client_seed002 as client  # noqa: E402


def read_offer_header(sock):
    fixed = sock.recv(2)  # BUG: one recv is not two bytes
    if not fixed:
        return None
    (length,) = struct.unpack(">H", fixed)
    return json.loads(sock.recv(length).decode("utf-8"))  # BUG: nor one header


client.read_offer_header = read_offer_header

if __name__ == "__main__":
    sys.exit(client.main())
