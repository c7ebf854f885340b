#!/usr/bin/env python3
"""Known-bad update server: removes a file from the queue as soon as it is offered.

The bug: delivery "at most once". The file is deleted once its bytes are sent; a client killed
before it stored them never gets the file again. Everything else is good_update_server.py.
Run: python3 update_removes_on_offer.py PORT OUTBOX
"""
import os
import sys

import good_update_server as server


def after_offer(path):
    os.remove(path)  # BUG: the ack has not come yet


def on_ack(path):
    pass  # already gone


server.after_offer = after_offer
server.on_ack = on_ack

if __name__ == "__main__":
    sys.exit(server.main(sys.argv))
