#!/usr/bin/env python3
"""A tiny authoritative DNS responder for tests: answers SRV and A queries
from a zone file on ADDRESS:53/udp, NXDOMAIN for anything else, and exits
after --lifetime seconds.  Zone lines: "SRV name priority weight port
target" or "A name address".  Loopback only; nothing is forwarded."""
import argparse
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


def answer(msg, zone):
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
    return struct.pack("!HHHHHH", qid, flags, 1, count, 0, 0) + question + body


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
    s.settimeout(0.5)
    if a.ready:
        open(a.ready, "w").close()
    end = time.time() + a.lifetime
    while time.time() < end:
        try:
            msg, peer = s.recvfrom(4096)
        except socket.timeout:
            continue
        try:
            s.sendto(answer(msg, zone), peer)
        except (IndexError, struct.error, UnicodeError):
            pass


if __name__ == "__main__":
    main()
