#!/usr/bin/env python3
"""A scripted answer to the LDAP ping over UDP (CLDAP, MS-ADTS 6.3.3), for
what the Samba test DC cannot show: a DC whose answer says what the
script says (e.g. a read-only DC: --flags 0x8bc, no WRITABLE, as a
Samba RODC joined to the test domain answers).  Every
datagram on ADDRESS:389 gets a NETLOGON_SAM_LOGON_RESPONSE_EX (opcode 23,
names uncompressed) naming --host, --domain and the sites given, under the
request's message id.  Loopback only; exits after --lifetime seconds or
on SIGTERM; --ready FILE is created once bound."""
import argparse
import socket
import struct
import time


def ber_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, body):
    return bytes([tag]) + ber_len(len(body)) + body


def name(text):
    out = b""
    for label in text.split(".") if text else []:
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def netlogon(a):
    return (struct.pack("<HHI", 23, 0, a.flags) + b"\0" * 16
            + name(a.domain) + name(a.domain) + name(a.host)
            + name(a.domain.split(".")[0].upper())
            + name(a.host.split(".")[0].upper()) + name("")
            + name(a.dc_site) + name(a.client_site)
            + struct.pack("<IHH", 5, 0xffff, 0xffff))


def message_id(data):
    """The request's message id (an LDAPMessage: 30 len 02 len id ...)."""
    pos = 1
    if data[pos] & 0x80:
        pos += data[pos] & 0x7f
    pos += 1
    if data[pos] != 0x02:
        raise ValueError("no message id")
    n = data[pos + 1]
    return data[pos + 2:pos + 2 + n]


def reply(msgid, blob):
    ident = tlv(0x02, msgid)
    attr = tlv(0x30, tlv(0x04, b"netlogon") + tlv(0x31, tlv(0x04, blob)))
    entry = tlv(0x30, ident + tlv(0x64, tlv(0x04, b"") + tlv(0x30, attr)))
    done = tlv(0x30, ident + tlv(0x65, tlv(0x0a, b"\0") + tlv(0x04, b"") + tlv(0x04, b"")))
    return entry + done


def main():
    p = argparse.ArgumentParser()
    p.add_argument("address")
    p.add_argument("--host", required=True)
    p.add_argument("--domain", default="spn.test")
    p.add_argument("--flags", type=lambda v: int(v, 0), default=0x8bc)
    p.add_argument("--dc-site", default="Default-First-Site-Name")
    p.add_argument("--client-site", default="Default-First-Site-Name")
    p.add_argument("--port", type=int, default=389)
    p.add_argument("--lifetime", type=float, default=60)
    p.add_argument("--ready")
    a = p.parse_args()
    if not a.address.startswith("127."):
        raise SystemExit("cldap: loopback addresses only")
    blob = netlogon(a)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((a.address, a.port))
    s.settimeout(0.5)
    if a.ready:
        open(a.ready, "w").close()
    end = time.monotonic() + a.lifetime
    while time.monotonic() < end:
        try:
            data, peer = s.recvfrom(65536)
        except socket.timeout:
            continue
        try:
            s.sendto(reply(message_id(data), blob), peer)
        except (IndexError, ValueError):
            pass


if __name__ == "__main__":
    main()
