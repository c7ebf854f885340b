#!/usr/bin/env python3
"""Known-bad update client: stores the offered file and leaves without an ack (as seed 002's own
programs do).

The bug: no ack frame after storing. The server keeps the file queued (delivery is at least once),
so it is offered again at every poll, and the files queued behind it never come. Graded with
`check update --client-cmd`; KnownBadClientsAreCaughtTest expects D8 to fail.
Everything else is ../update_client_seed002.py.  Run: python3 update_client_never_acks.py HOST PORT ID DIR
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import update_client_seed002 as client  # noqa: E402

client.acknowledge = lambda sock, client_id, file_hash: False  # BUG: no ack; close and leave

if __name__ == "__main__":
    sys.exit(client.main())
