#!/usr/bin/env python3
"""Writes an MIT credential cache (file format version 4) holding the
credentials named on the command line, with made-up keys and tickets:
enough for a client that reads which tickets a cache holds, not to use
them.

  python3 tests/mkccache.py FILE CLIENT SERVER [SERVER...]

CLIENT is the cache's principal and every credential's client; each
SERVER gets one credential valid for an hour from now.
"""
import struct
import sys
import time


def octets(b):
    return struct.pack(">I", len(b)) + b


def principal(name):
    name, _, realm = name.rpartition("@")
    comps = name.split("/")
    out = struct.pack(">II", 1, len(comps)) + octets(realm.encode())
    for c in comps:
        out += octets(c.encode())
    return out


def main():
    path, client, servers = sys.argv[1], sys.argv[2], sys.argv[3:]
    now = int(time.time())
    data = struct.pack(">H", 0x0504)
    data += struct.pack(">HHHII", 12, 1, 8, 0, 0)  # header: DeltaTime 0
    data += principal(client)
    for server in servers:
        data += principal(client) + principal(server)
        data += struct.pack(">H", 18) + octets(bytes(32))  # aes256 key
        data += struct.pack(">IIII", now, now, now + 3600, now + 3600)
        data += struct.pack(">BI", 0, 0x40e10000)  # is_skey, flags
        data += struct.pack(">II", 0, 0)  # no addresses, no authdata
        data += octets(b"\x61\x03\x02\x01\x05")  # the ticket: junk
        data += octets(b"")  # second ticket
    with open(path, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
