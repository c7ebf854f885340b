#!/usr/bin/env python3
"""Known-bad update server: reads the ack but never removes the file from the queue.

The bug: the ack is ignored, so the same file is offered on every poll, forever.
Everything else is good_update_server.py.  Run: python3 update_never_removes.py PORT OUTBOX
"""
import sys

import good_update_server as server


def on_ack(path):
    pass  # BUG: the acknowledged file stays queued


server.on_ack = on_ack

if __name__ == "__main__":
    sys.exit(server.main(sys.argv))
