#!/usr/bin/env python3
"""A tiny authoritative DNS responder for tests: answers SRV and A queries
from a zone file on ADDRESS:53, NXDOMAIN for anything else, and exits
after --lifetime seconds.  Zone lines: "SRV name priority weight port
target" or "A name address", or "SRVS name priority weight port COUNT
target-with-{i}" for COUNT records at once.  Over UDP an answer longer
than 512 bytes (no EDNS) comes truncated (TC set, no records), so the
client asks again over TCP, where it comes whole.  Loopback only;
nothing is forwarded."""
import argparse
import select
import socket
import struct
import time


def read_zone(path):
    zone = {}
    with open(path) as f:
        for line in f:
            w = line.split()
            if not w or w[0].startswith("#"):
                continue
            if w[0].upper() == "SRVS":
                for i in range(int(w[5])):
                    zone.setdefault(("SRV", w[1].lower().rstrip(".")), []).append(
                        w[2:5] + [w[6].replace("{i}", str(i))])
                continue
            zone.setdefault((w[0].upper(), w[1].lower().rstrip(".")), []).append(w[2:])
    return zone


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def parse_question(msg):
    pos, labels = 12, []
    while msg[pos]:
        n = msg[pos]
        labels.append(msg[pos + 1:pos + 1 + n].decode(errors="replace"))
        pos += n + 1
    qtype, qclass = struct.unpack("!HH", msg[pos + 1:pos + 5])
    return ".".join(labels).lower(), qtype, pos + 5


def answer(msg, zone, udp=False):
    qid, = struct.unpack("!H", msg[:2])
    name, qtype, end = parse_question(msg)
    question = msg[12:end]
    kind = {1: "A", 5: "CNAME", 33: "SRV"}.get(qtype)
    body, count = b"", 0
    owner = b"\xc0\x0c"
    if kind and kind != "CNAME" and (kind, name) not in zone:
        for (target,) in zone.get(("CNAME", name), [])[:1]:
            rdata = encode_name(target)
            body += owner + struct.pack("!HHIH", 5, 1, 60, len(rdata)) + rdata
            count += 1
            owner = encode_name(target)
            name = target.lower().rstrip(".")
    records = zone.get((kind, name), []) if kind else []
    for r in records:
        if kind == "A":
            rdata = socket.inet_aton(r[0])
        elif kind == "CNAME":
            rdata = encode_name(r[0])
        else:
            prio, weight, port, target = int(r[0]), int(r[1]), int(r[2]), r[3]
            rdata = struct.pack("!HHH", prio, weight, port) + encode_name(target)
        body += owner + struct.pack("!HHIH", qtype, 1, 60, len(rdata)) + rdata
        count += 1
    rcode = 0 if count else 3
    flags = 0x8400 | rcode  # response, authoritative
    if udp and 12 + len(question) + len(body) > 512:
        flags |= 0x0200  # TC: ask again over TCP
        return struct.pack("!HHHHHH", qid, flags, 1, 0, 0, 0) + question
    return struct.pack("!HHHHHH", qid, flags, 1, count, 0, 0) + question + body


def recv_all(c, n):
    data = b""
    while len(data) < n:
        more = c.recv(n - len(data))
        if not more:
            raise EOFError
        data += more
    return data


def serve_tcp(c, zone):
    """Length-prefixed queries on one connection, until it closes."""
    c.settimeout(2)
    try:
        while True:
            n, = struct.unpack("!H", recv_all(c, 2))
            reply = answer(recv_all(c, n), zone)
            c.sendall(struct.pack("!H", len(reply)) + reply)
    except (EOFError, OSError, IndexError, struct.error, UnicodeError):
        pass
    finally:
        c.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("address")
    p.add_argument("zone")
    p.add_argument("--lifetime", type=float, default=600)
    p.add_argument("--ready", help="file to create once listening")
    a = p.parse_args()
    if not a.address.startswith("127."):
        raise SystemExit("fakedns: loopback addresses only")
    zone = read_zone(a.zone)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((a.address, 53))
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.bind((a.address, 53))
    t.listen(8)
    if a.ready:
        open(a.ready, "w").close()
    end = time.time() + a.lifetime
    while time.time() < end:
        ready, _, _ = select.select([s, t], [], [], 0.5)
        if t in ready:
            serve_tcp(t.accept()[0], zone)
        if s in ready:
            msg, peer = s.recvfrom(4096)
            try:
                s.sendto(answer(msg, zone, udp=True), peer)
            except (IndexError, struct.error, UnicodeError):
                pass


if __name__ == "__main__":
    main()
