#!/usr/bin/env python3
"""Known-bad ft client: takes the first connection to its data port for the data, whoever made it.

The bug: `data, address = data_listener.accept()` without looking at `address`. Anyone who reaches
the data port first (another program, another user) decides what the client saves. Graded with
`check ft --client-cmd`; KnownBadClientsAreCaughtTest expects F24 to fail.
Everything else is ../ftclient_seed003.py.
Run: python3 ft_client_takes_any_data_connection.py HOST PORT -g FILE DATA_PORT
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import ftclient_seed003 as client  # noqa: E402

client.accept_data = lambda data_listener, control: data_listener.accept()  # BUG: any address will do

if __name__ == "__main__":
    sys.exit(client.main(sys.argv))
