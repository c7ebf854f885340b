#!/usr/bin/env python3
"""A server that ignores the port it is given and binds one of its own (a free one, so it cannot
collide with anything): the grader must say so within seconds and name the port it did bind.
Run: python3 ignores_port.py PORT DIR   (both ignored)
"""
import minimal_go_ahead

if __name__ == "__main__":
    minimal_go_ahead.serve(0)
