#!/usr/bin/env python3
"""Known-bad update client: stores whatever bytes come, without comparing their hash.

The bug: `file-hash` is never checked; a corrupt or stale file is stored and acknowledged, so the
server drops it from the queue. Graded with `check update --client-cmd`;
KnownBadClientsAreCaughtTest expects D7 to fail. Everything else is ../update_client_seed002.py.
Run: python3 update_client_skips_hash_check.py HOST PORT ID DIR
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import update_client_seed002 as client  # noqa: E402

client.verified = lambda digest, file_hash: True  # BUG: the received bytes are never compared

if __name__ == "__main__":
    sys.exit(client.main())
