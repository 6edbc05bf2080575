#!/usr/bin/env python3
"""A malicious LDAP server for tests of setspn's size limits: it answers
the first request of a kind with a flood.  Loopback only; one thread per
connection; exits after --lifetime seconds or on SIGTERM.

  --mode huge-bind     the bind's answer: a message announcing LENGTH
                       bytes (--length), then that many bytes, slowly
  --mode huge-search   a simple bind succeeds; every search's answer is
                       such a message
  --mode entries       a simple bind succeeds; every search gets entries
                       (a rootDSE's) without end, never its result

--tls CERT KEY serves ldaps; --address 127.0.0.N listens there (a GSSAPI
bind reaches it with a ticket for ldap/127.0.0.N).  --port-file FILE gets the port (written
whole); --log FILE gets one line per connection: the bytes sent."""
import argparse
import os
import socket
import ssl
import struct
import sys
import threading
import time

# BER lengths and TLVs: the scripted CLDAP server's, one copy.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "fakeldap"))
from cldap import ber_len, tlv  # noqa: E402  pylint: disable=wrong-import-position


def read_msg(f):
    """One request: (msgid, op tag), or None at the end."""
    h = f.read(2)
    if len(h) < 2:
        return None
    n = h[1]
    if n & 0x80:
        k = n & 0x7F
        n = int.from_bytes(f.read(k), "big")
    body = f.read(n)
    if len(body) < n:
        return None
    # body: INTEGER msgid, then the op
    idlen = body[1]
    msgid = int.from_bytes(body[2:2 + idlen], "big")
    return msgid, body[2 + idlen]


def serve(conn, a, log):
    sent = 0
    f = conn.makefile("rb")
    try:
        while True:
            m = read_msg(f)
            if m is None:
                break
            msgid, op = m
            mid = tlv(0x02, bytes([msgid]) if msgid < 128 else msgid.to_bytes(2, "big"))
            if op == 0x42:  # unbind
                break
            flood = (op == 0x60 and a.mode == "huge-bind") or \
                    (op == 0x63 and a.mode == "huge-search")
            if flood:
                # a LDAPMessage header announcing a.length bytes
                head = b"\x30\x84" + struct.pack(">I", a.length) + mid
                conn.sendall(head)
                sent += len(head)
                chunk = b"\x00" * 65536
                left = a.length - len(mid)
                while left > 0:
                    k = min(left, len(chunk))
                    conn.sendall(chunk[:k])
                    sent += k
                    left -= k
                continue
            if op == 0x60:  # bind: success
                resp = tlv(0x30, mid + tlv(0x61, b"\x0a\x01\x00\x04\x00\x04\x00"))
                conn.sendall(resp)
                sent += len(resp)
                continue
            if op == 0x63 and a.mode == "entries":
                attrs = tlv(0x30, tlv(0x30, tlv(0x04, b"defaultNamingContext")
                                  + tlv(0x31, tlv(0x04, b"DC=spn,DC=test"))))
                entry = tlv(0x30, mid + tlv(0x64, tlv(0x04, b"") + attrs))
                batch = entry * 256
                while True:
                    conn.sendall(batch)
                    sent += len(batch)
            # anything else: done, success
            resp = tlv(0x30, mid + tlv(0x65, b"\x0a\x01\x00\x04\x00\x04\x00"))
            conn.sendall(resp)
            sent += len(resp)
    except (OSError, ssl.SSLError):
        pass
    finally:
        if log:
            with open(log, "a") as lf:
                lf.write("%d\n" % sent)
        try:
            conn.close()
        except OSError:
            pass


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mode", required=True, choices=["huge-bind", "huge-search", "entries"])
    p.add_argument("--length", type=int, default=64 << 20)
    p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--port-file", required=True)
    p.add_argument("--log")
    p.add_argument("--lifetime", type=float, default=60)
    p.add_argument("--address", default="127.0.0.1")
    a = p.parse_args()
    if not a.address.startswith("127."):
        raise SystemExit("floodldap: loopback addresses only")
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((a.address, 0))
    s.listen(8)
    ctx = None
    if a.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.tls[0], a.tls[1])
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as pf:
        pf.write("%d\n" % s.getsockname()[1])
    os.rename(tmp, a.port_file)
    end = time.time() + a.lifetime
    s.settimeout(0.5)
    while time.time() < end:
        try:
            c, _ = s.accept()
        except socket.timeout:
            continue
        if ctx is not None:
            try:
                c.settimeout(10)
                c = ctx.wrap_socket(c, server_side=True)
                c.settimeout(None)
            except (OSError, ssl.SSLError):
                c.close()
                continue
        threading.Thread(target=serve, args=(c, a, a.log), daemon=True).start()


if __name__ == "__main__":
    main()
