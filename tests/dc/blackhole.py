#!/usr/bin/env python3
"""A server that never answers, for tests of --timeout: on ADDRESS it
listens on each PORT over TCP (accepting every connection and reading
nothing) and over UDP (taking every datagram), as a KDC or DNS server
behind a broken firewall or hung would.  Loopback only; exits after
--lifetime seconds or on SIGTERM.  --ready FILE is created once every
socket is bound."""
import argparse
import select
import socket
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("address")
    p.add_argument("ports", type=int, nargs="+")
    p.add_argument("--lifetime", type=float, default=120)
    p.add_argument("--ready")
    a = p.parse_args()
    if not a.address.startswith("127."):
        raise SystemExit("blackhole: loopback addresses only")
    listen, held = [], []
    for port in a.ports:
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        t.bind((a.address, port))
        t.listen(64)
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind((a.address, port))
        listen += [t, u]
    if a.ready:
        open(a.ready, "w").close()
    end = time.monotonic() + a.lifetime
    while time.monotonic() < end:
        r, _, _ = select.select(listen, [], [], max(0, min(1, end - time.monotonic())))
        for s in r:
            if s.type == socket.SOCK_STREAM:
                held.append(s.accept()[0])  # kept open, never read
            else:
                s.recvfrom(65536)


if __name__ == "__main__":
    main()
