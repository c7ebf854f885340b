#!/usr/bin/env python3
"""Known-bad update client: stores every offer again, even a file it already holds.

The bug: no record of the hashes held. Delivery is at least once, so the same file may come
twice; this client rewrites it each time instead of reading past it and acknowledging (D15).
Graded with `check update --client-cmd`; KnownBadClientsAreCaughtTest expects D15 to fail.
Everything else is ../update_client_seed002.py.  Run: python3 update_client_stores_held_files_again.py HOST PORT ID DIR
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import update_client_seed002 as client  # noqa: E402

client.held_hashes = lambda directory: set()  # BUG: forgets what it holds

if __name__ == "__main__":
    sys.exit(client.main())
