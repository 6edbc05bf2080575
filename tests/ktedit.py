#!/usr/bin/env python3
"""Rewrites a keytab (MIT/Heimdal file format 0x0502) for --verify's
scenario tests: the keys stay, what a service keytab gets wrong changes.

  python3 tests/ktedit.py IN OUT [--kvno N] [--enctype N] [--rename FROM=TO]
                                 [--principal NAME]

--kvno N         every entry gets key version N
--enctype N      keep only the entries of encryption type N (23 = RC4)
--principal NAME keep only the entries of NAME (components/realm, as klist)
--rename FROM=TO entries named FROM (as klist prints it) are named TO
--split          OUT is a directory: one keytab per principal, named
                 after it in lower case (/ as _)
--jobs           OUT is a file of jobs, one a line: OUT [options] (one
                 Python start for many keytabs)
"""
import argparse
import shlex
import struct
import sys


def read_entries(data):
    if data[:2] != b"\x05\x02":
        sys.exit("ktedit: not a version 0x0502 keytab")
    pos, out = 2, []
    while pos + 4 <= len(data):
        (size,) = struct.unpack(">i", data[pos:pos + 4])
        pos += 4
        if size <= 0:  # a hole left by a deleted entry
            pos += -size
            continue
        out.append(parse(data[pos:pos + size]))
        pos += size
    return out


def parse(e):
    def counted(p):
        (n,) = struct.unpack(">H", e[p:p + 2])
        return e[p + 2:p + 2 + n], p + 2 + n

    (ncomp,) = struct.unpack(">H", e[0:2])
    realm, p = counted(2)
    comps = []
    for _ in range(ncomp):
        c, p = counted(p)
        comps.append(c)
    ntype, ts, vno8, etype = struct.unpack(">IIBH", e[p:p + 11])
    key, p = counted(p + 11)
    vno = struct.unpack(">I", e[p:p + 4])[0] if p + 4 <= len(e) else vno8
    return {"realm": realm, "comps": comps, "ntype": ntype, "ts": ts,
            "vno": vno, "etype": etype, "key": key}


def name(ent):
    return b"/".join(ent["comps"]).decode() + "@" + ent["realm"].decode()


def unparse(ent):
    def counted(b):
        return struct.pack(">H", len(b)) + b

    b = struct.pack(">H", len(ent["comps"])) + counted(ent["realm"])
    for c in ent["comps"]:
        b += counted(c)
    b += struct.pack(">IIBH", ent["ntype"], ent["ts"], ent["vno"] & 0xFF, ent["etype"])
    b += counted(ent["key"]) + struct.pack(">I", ent["vno"])
    return struct.pack(">i", len(b)) + b


def options(argv, with_in):
    ap = argparse.ArgumentParser(prog="ktedit")
    if with_in:
        ap.add_argument("inp")
    ap.add_argument("out")
    ap.add_argument("--kvno", type=int)
    ap.add_argument("--enctype", type=int)
    ap.add_argument("--principal")
    ap.add_argument("--rename")
    ap.add_argument("--split", action="store_true")
    ap.add_argument("--jobs", action="store_true")
    return ap.parse_args(argv)


def write(path, ents):
    with open(path, "wb") as f:
        f.write(b"\x05\x02" + b"".join(unparse(e) for e in ents))


def job(ents, a):
    if a.principal:
        ents = [e for e in ents if name(e).lower() == a.principal.lower()]
    if a.enctype is not None:
        ents = [e for e in ents if e["etype"] == a.enctype]
    ents = [dict(e) for e in ents]
    for e in ents:
        if a.kvno is not None:
            e["vno"] = a.kvno
        if a.rename:
            frm, to = a.rename.split("=", 1)
            if name(e).lower() == frm.lower():
                n, _, r = to.rpartition("@")
                e["comps"] = [c.encode() for c in n.split("/")]
                e["realm"] = r.encode()
                e["ntype"] = 1
    if not ents:
        sys.exit("ktedit: no entry left for " + a.out)
    if a.split:
        files = {}
        for e in ents:
            files.setdefault(name(e).lower().replace("/", "_"), []).append(e)
        for n, es in files.items():
            write(a.out + "/" + n + ".kt", es)
        return
    write(a.out, ents)


def main():
    a = options(sys.argv[1:], True)
    with open(a.inp, "rb") as f:
        ents = read_entries(f.read())
    if not a.jobs:
        job(ents, a)
        return
    # --jobs: OUT is a file of jobs, one a line: OUT [options].
    with open(a.out) as f:
        for line in f:
            if line.strip():
                job(ents, options(shlex.split(line), False))


if __name__ == "__main__":
    main()
