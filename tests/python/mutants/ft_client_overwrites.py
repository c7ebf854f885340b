#!/usr/bin/env python3
"""Known-bad ft client: a GET replaces a local file of the same name.

The bug: no check before asking, and `os.replace(temporary, filename)` at the end. Seed 003's
client must never silently overwrite a file in its working directory. Graded with
`check ft --client-cmd`; MutantsAreCaughtTest expects F22 to fail.
Everything else is ../ftclient_seed003.py.  Run: python3 ft_client_overwrites.py HOST PORT -g FILE DATA_PORT
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import ftclient_seed003 as client  # noqa: E402

client.refuse_existing = lambda filename: None  # BUG: no check
client.keep = os.replace  # BUG: replaces whatever is there

if __name__ == "__main__":
    sys.exit(client.main(sys.argv))
