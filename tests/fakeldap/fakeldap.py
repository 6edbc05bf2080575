#!/usr/bin/env python3
"""A scripted LDAP server for tests: plays a Windows DC's behaviour that
Samba never shows.  Python 3 standard library only (hand-written BER).

  fakeldap.py --scenario FILE [--port N] [--port-file F] [--log F]
              [--address 127.X.Y.Z] [--max-seconds S]
              [--tls CERT KEY | --starttls CERT KEY]

Listens on 127.0.0.1 or --address (port 0: any free one; the one chosen
goes to --port-file).  Serves any number of connections, one thread each; exits
after --max-seconds (default 60) or on SIGTERM.  --tls: ldaps; --starttls:
plain LDAP offering StartTLS.  See README for the scenario format.
"""
import argparse, base64, json, os, re, signal, socket, ssl, struct, sys
import threading, time, ast

# ------------------------------------------------------------------ BER
def blen(n):
    if n < 0x80: return bytes((n,))
    b = n.to_bytes((n.bit_length() + 7) // 8, 'big')
    return bytes((0x80 | len(b),)) + b

def tlv(tag, content):
    n = len(content)
    if n < 0x80: return bytes((tag, n)) + content
    if n < 0x100: return bytes((tag, 0x81, n)) + content
    return bytes((tag,)) + blen(n) + content

def bint(tag, n):
    return tlv(tag, n.to_bytes(max(1, (n.bit_length() + 8) // 8), 'big', signed=True))

def bstr(s, tag=0x04):
    return tlv(tag, s if isinstance(s, bytes) else s.encode())

def parse(buf, pos=0, end=None):
    """One TLV at pos: (tag, value bytes, next pos)."""
    end = len(buf) if end is None else end
    if pos + 2 > end: raise ValueError('short BER')
    tag, n = buf[pos], buf[pos + 1]; pos += 2
    if n & 0x80:
        k = n & 0x7f
        if k == 0 or k > 4 or pos + k > end: raise ValueError('bad length')
        n = int.from_bytes(buf[pos:pos + k], 'big'); pos += k
    if pos + n > end: raise ValueError('short BER')
    return tag, buf[pos:pos + n], pos + n

def children(v):
    out, pos = [], 0
    while pos < len(v):
        t, c, pos = parse(v, pos); out.append((t, c))
    return out

def dint(v): return int.from_bytes(v, 'big', signed=True) if v else 0

# --------------------------------------------------------------- filters
def dfilter(tag, v):
    if tag in (0xa0, 0xa1): return ('&|'[tag - 0xa0], [dfilter(*c) for c in children(v)])
    if tag == 0xa2: return ('!', dfilter(*children(v)[0]))
    if tag in (0xa3, 0xa5, 0xa6, 0xa8):
        a, b = children(v); return ({0xa3: '=', 0xa5: '>=', 0xa6: '<=', 0xa8: '~='}[tag], a[1].decode('utf-8', 'replace'), b[1])
    if tag == 0xa4:
        a, subs = children(v)
        return ('sub', a[1].decode('utf-8', 'replace'), [(t & 3, s) for t, s in children(subs[1])])
    if tag == 0x87: return ('*', v.decode('utf-8', 'replace'))
    if tag == 0xa9:
        d = {t & 0x1f: c for t, c in children(v)}
        return ('ext', d.get(1, b'').decode(), d.get(2, b'').decode(), d.get(3, b''))
    raise ValueError('unknown filter tag 0x%x' % tag)

def esc(b): return ''.join(chr(c) if 0x20 < c < 0x7f and chr(c) not in '*()\\' else '\\%02x' % c for c in b)

def fstr(f):
    k = f[0]
    if k in '&|': return '(' + k + ''.join(fstr(x) for x in f[1]) + ')'
    if k == '!': return '(!' + fstr(f[1]) + ')'
    if k == '*': return '(%s=*)' % f[1]
    if k == 'sub':
        ini = [esc(s) for t, s in f[2] if t == 0]; fin = [esc(s) for t, s in f[2] if t == 2]
        mid = [esc(s) for t, s in f[2] if t == 1]
        return '(%s=%s)' % (f[1], '*'.join((ini or [''])[:1] + mid + (fin or [''])[:1]))
    if k == 'ext': return '(%s:%s:=%s)' % (f[2], f[1], esc(f[3]))
    return '(%s%s%s)' % (f[1], k, esc(f[2]))

def vmatch(op, vals, want, rule=None):
    w = want.lower()
    for v in vals:
        v = v.lower()
        if op in ('=', '~=') and v == w: return True
        if op in ('>=', '<='):
            try: a, b = int(v), int(w)
            except ValueError: a, b = v, w
            if (a >= b) if op == '>=' else (a <= b): return True
        if op == 'ext':
            try: a, b = int(v), int(w)
            except ValueError: continue
            if rule.endswith('803') and a & b == b or rule.endswith('804') and a & b: return True
            if not rule and v == w: return True
    return False

def smatch(vals, subs):
    ini = [s.lower() for t, s in subs if t == 0]; fin = [s.lower() for t, s in subs if t == 2]
    mid = [re.escape(s.lower()) for t, s in subs if t == 1]
    rx = re.compile(re.escape(ini[0] if ini else b'') + b'.*' + b'.*'.join(mid) + (b'.*' if mid else b'') + re.escape(fin[0] if fin else b'') + b'\\Z', re.S)
    return any(rx.match(v.lower()) for v in vals)

class Unknown(list):
    """Values of a template that differ from entry to entry (never empty)."""

def evaluate(f, get):
    """get(attr) -> list of values, or Unknown() for a template's.
    Returns True, False or None (unknown)."""
    k = f[0]
    if k in '&|':
        rs = [evaluate(x, get) for x in f[1]]
        stop = (k == '|')
        if stop in rs: return stop
        return None if None in rs else not stop
    if k == '!':
        r = evaluate(f[1], get); return None if r is None else not r
    if k == 'ext':
        vals = get(f[1]) if f[1] else None
        return None if vals is None or isinstance(vals, Unknown) else vmatch('ext', vals, f[3], f[2])
    vals = get(f[1])
    if k == '*':
        if f[1].lower() == 'objectclass': return True
        return bool(vals)
    if isinstance(vals, Unknown): return None
    return smatch(vals, f[2]) if k == 'sub' else vmatch(k, vals, f[2])

# ------------------------------------------------------------- directory
def val(v):
    if isinstance(v, dict):
        if 'b64' in v: return base64.b64decode(v['b64'])
        if 'hex' in v: return bytes.fromhex(v['hex'])
    return str(v).encode()

def ndn(dn): return ','.join(p.strip() for p in dn.split(',')).lower() if dn else ''

class Entry:
    def __init__(self, dn, attrs):
        self.dn, self.attrs = dn, {}
        for k, vs in attrs.items():
            self.attrs[k] = [val(v) for v in (vs if isinstance(vs, list) else [vs])]
        self.spn_version = 1
    def get(self, a):
        for k, v in self.attrs.items():
            if k.lower() == a.lower(): return v
        return []

class Generator:
    """count entries from templates where {i} is the entry number."""
    def __init__(self, g):
        self.count, self.dn, self.attrs = g['count'], g['dn'], g.get('attrs', {})
        self.start = g.get('start', 0)
        self.parent = ndn(self.dn.split(',', 1)[1]) if '{i}' not in self.dn.split(',', 1)[1] else None
        self.tpl = {k: [str(v).encode().split(b'{i}') for v in (vs if isinstance(vs, list) else [vs])]
                    for k, vs in self.attrs.items()}
        self.rx = re.compile(re.escape(ndn(self.dn)).replace(re.escape('{i}'), '([0-9]+)') + r'\Z')
        self.changed = {}   # i -> Entry once modified, None once deleted
    def vals(self, a, s):
        for k, ps in self.tpl.items():
            if k.lower() == a.lower(): return [s.join(p) for p in ps]
        return []
    def known(self, a):  # values when the same for every i, else None
        for k, ps in self.tpl.items():
            if k.lower() == a.lower(): return Unknown([b'?']) if any(len(p) > 1 for p in ps) else [p[0] for p in ps]
        return []
    def pin(self, f):
        """The entry numbers f can match (equality on a templated value),
        or None: any."""
        if f[0] == '&':
            sets = [x for x in map(self.pin, f[1]) if x is not None]
            return set.intersection(*sets) if sets else None
        if f[0] == '|':
            sets = [self.pin(x) for x in f[1]]
            return None if None in sets else set().union(*sets)
        if f[0] != '=': return None
        out = set()
        for k, ps in self.tpl.items():
            if k.lower() != f[1].lower(): continue
            for p in ps:
                if len(p) == 1: return None
                w, pre, post = f[2].lower(), p[0].lower(), b'{i}'.join(p[1:]).lower()
                if len(p) == 2 and w.startswith(pre) and w.endswith(post):
                    mid = w[len(pre):len(w) - len(post)]
                    if mid.isdigit() and str(int(mid)).encode() == mid: out.add(int(mid) - self.start)
                elif len(p) > 2: return None
        return out

    def entry(self, i):
        if i in self.changed: return self.changed[i]
        s = str(self.start + i)
        return Entry(self.dn.replace('{i}', s), {k: [v.replace('{i}', s) for v in (vs if isinstance(vs, list) else [vs])] for k, vs in self.attrs.items()})
    def find(self, dn):
        m = self.rx.match(ndn(dn))
        if m and str(int(m.group(1))) == m.group(1) and 0 <= int(m.group(1)) - self.start < self.count:
            return int(m.group(1)) - self.start
        return None

def in_scope(dn, base, scope):
    if scope == 0: return dn == base
    if scope == 1: return dn.split(',', 1)[1:] == [base] if ',' in dn else base == ''
    return not base or dn == base or dn.endswith(',' + base)

def parse_attr(a):
    """'servicePrincipalName;range=1-*' -> ('serviceprincipalname', (1, None))"""
    parts = a.split(';'); rng = None
    for p in parts[1:]:
        m = re.match(r'range=(\d+)-(\d+|\*)\Z', p, re.I)
        if m: rng = (int(m.group(1)), None if m.group(2) == '*' else int(m.group(2)))
    return parts[0].lower(), rng

def select(name, vals, wanted, maxr):
    """The (type, values) pairs to return for one attribute."""
    low = name.lower()
    if wanted is None: req = [None]
    else: req = [r for a, r in wanted if a == low] or ([None] if ('*', None) in wanted else [])
    out = []
    for r in req:
        if r is None and (not maxr or len(vals) <= maxr): out.append((name, vals)); continue
        lo, hi = r if r else (0, maxr - 1)
        if lo >= len(vals): continue
        last = len(vals) - 1 if hi is None else min(hi, len(vals) - 1)
        if maxr: last = min(last, lo + maxr - 1)
        out.append(('%s;range=%d-%s' % (name, lo, '*' if last == len(vals) - 1 else last), vals[lo:last + 1]))
    return out

def enc_attrs(pairs):
    return tlv(0x30, b''.join(tlv(0x30, bstr(n) + tlv(0x31, b''.join(tlv(4, v) for v in vs))) for n, vs in pairs))

def result(msgid, tag, code, diag=b'', matched=b'', refs=(), extra=b'', ctrls=b''):
    body = bint(0x0a, code) + bstr(matched) + bstr(diag)
    if refs: body += tlv(0xa3, b''.join(bstr(u) for u in refs))
    return tlv(0x30, bint(2, msgid) + tlv(tag, body + extra) + ctrls)

PAGED = '1.2.840.113556.1.4.319'
OP_NAMES = {0x60: 'bind', 0x42: 'unbind', 0x63: 'search', 0x66: 'modify', 0x68: 'add',
            0x4a: 'delete', 0x6c: 'modrdn', 0x6e: 'compare', 0x50: 'abandon', 0x77: 'extended'}
RESP = {'bind': 0x61, 'search': 0x65, 'modify': 0x67, 'add': 0x69, 'delete': 0x6b,
        'modrdn': 0x6d, 'compare': 0x6f, 'extended': 0x78}

class Reset(Exception): pass

# ---------------------------------------------------------------- server
class Server:
    def __init__(self, sc, log, tls):
        self.sc, self.tls, self.lock = sc, tls, threading.Lock()
        self.logf = open(log, 'a', buffering=1) if log else None
        self.base = sc.get('base', 'DC=spn,DC=test')
        self.entries, self.gens = {}, []
        for e in sc.get('entries', []):
            if 'generate' in e: self.gens.append(Generator(e['generate']))
            else: self.entries[ndn(e['dn'])] = Entry(e['dn'], e.get('attrs', {}))
        self.maxr = sc.get('max_val_range')
        self.conns = 0
        self.used = {}  # override index -> times used
        dom = '.'.join(p.split('=', 1)[1] for p in self.base.split(',')).lower()
        dse = {'defaultNamingContext': self.base, 'rootDomainNamingContext': self.base,
               'configurationNamingContext': 'CN=Configuration,' + self.base,
               'schemaNamingContext': 'CN=Schema,CN=Configuration,' + self.base,
               'namingContexts': [self.base, 'CN=Configuration,' + self.base],
               'dnsHostName': 'dc1.' + dom, 'serverName': 'CN=DC1,CN=Servers,CN=Default-First-Site-Name,CN=Sites,CN=Configuration,' + self.base,
               'supportedLDAPVersion': ['3'], 'supportedSASLMechanisms': ['GSSAPI', 'GSS-SPNEGO'],
               'supportedControl': [PAGED, '1.2.840.113556.1.4.801', '1.2.840.113556.1.4.1339', '2.16.840.1.113730.3.4.2'],
               'supportedExtension': ['1.3.6.1.4.1.1466.20037', '1.3.6.1.4.1.4203.1.11.3'],
               'isGlobalCatalogReady': 'TRUE', 'domainFunctionality': '7'}
        dse.update(sc.get('rootdse', {}))
        self.rootdse = Entry('', dse)

    def log(self, rec):
        if self.logf:
            with self.lock: self.logf.write(json.dumps(rec) + '\n')

    def lookup(self, dn):
        """(entry, generator, i) for dn, or (None, None, None)."""
        n = ndn(dn)
        if n in self.entries: return self.entries[n], None, None
        for g in self.gens:
            i = g.find(dn)
            if i is not None and g.changed.get(i, 0) is not None: return g.entry(i), g, i
        return None, None, None

    def override(self, rec, conn):
        for k, o in enumerate(self.sc.get('overrides', [])):
            if o.get('op', rec['op']) != rec['op']: continue
            if 'dn' in o and ndn(o['dn']) != ndn(rec.get('dn', rec.get('base', ''))): continue
            if 'filter_contains' in o and o['filter_contains'].lower() not in rec.get('filter', '').lower(): continue
            if 'mech' in o and o['mech'].upper() != rec.get('mech', '').upper(): continue
            if 'connection' in o and conn not in (o['connection'] if isinstance(o['connection'], list) else [o['connection']]): continue
            if 'value' in o or 'mod' in o or 'attr' in o:
                if not any(o.get('mod', m['op']) == m['op'] and o.get('attr', m['type']).lower() == m['type'].lower()
                           and ('value' not in o or val(o['value']).lower() in [v.encode().lower() for v in m['values']])
                           for m in rec.get('mods', [])): continue
            if self.used.get(k, 0) >= o.get('times', 1 << 60): continue
            self.used[k] = self.used.get(k, 0) + 1
            return o
        return None

    def modify(self, dn, mods):
        with self.lock:
            e, g, i = self.lookup(dn)
            if e is None: return 32, 'no such object: ' + dn
            if g is not None: g.changed[i] = e
            new = {k: list(v) for k, v in e.attrs.items()}
            for m in mods:
                key = next((k for k in new if k.lower() == m['type'].lower()), m['type'])
                cur, vs = new.get(key, []), [v.encode('utf-8', 'surrogateescape') for v in m['values']]
                if m['op'] == 'add':
                    for v in vs:
                        if v.lower() in [c.lower() for c in cur]: return 20, '00002083: AtrErr: value exists'
                        cur.append(v)
                elif m['op'] == 'delete':
                    if not vs:
                        if not cur: return 16, '00002080: AtrErr: no such attribute'
                        cur = []
                    for v in vs:
                        low = [c.lower() for c in cur]
                        if v.lower() not in low: return 16, '00002080: AtrErr: no such value'
                        del cur[low.index(v.lower())]
                else: cur = vs
                new[key] = cur
                if key.lower() == 'serviceprincipalname': e.spn_version += 1
            e.attrs = {k: v for k, v in new.items() if v}
            return 0, ''

# ------------------------------------------------------------- a client
class Conn:
    def __init__(self, srv, sock, n):
        self.srv, self.sock, self.n, self.buf = srv, sock, n, b''
        self.searches, self.out, self.outlen = 0, [], 0
        self.cookies = {}

    def recv_msg(self):
        while True:
            if len(self.buf) >= 2:
                n = self.buf[1]; hl = 2 + (n & 0x7f if n & 0x80 else 0)
                if len(self.buf) >= hl:
                    ln = int.from_bytes(self.buf[2:hl], 'big') if n & 0x80 else n
                    if len(self.buf) >= hl + ln:
                        m, self.buf = self.buf[:hl + ln], self.buf[hl + ln:]
                        return m
            d = self.sock.recv(65536)
            if not d: return None
            self.buf += d

    def send(self, data, flush=False):
        self.out.append(data); self.outlen += len(data)
        if flush or self.outlen > 65536:
            self.sock.sendall(b''.join(self.out)); self.out, self.outlen = [], 0

    def reset(self, partial=b''):
        if self.out or partial: self.sock.sendall(b''.join(self.out) + partial)
        self.out, self.outlen = [], 0
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
        raise Reset()

    def serve(self):
        try:
            while True:
                m = self.recv_msg()
                if m is None: break
                if not self.handle(m): break
        except Reset: pass
        except (OSError, ValueError, ssl.SSLError) as e:
            self.srv.log({'conn': self.n, 'op': 'error', 'error': str(e)})
        finally:
            try: self.sock.close()
            except OSError: pass

    def handle(self, m):
        srv, sc = self.srv, self.srv.sc
        t, body, _ = parse(m)
        parts = children(body)
        msgid, (tag, v) = dint(parts[0][1]), parts[1]
        ctrls = []
        for ct, cv in parts[2:]:
            if ct == 0xa0:
                for _, c in children(cv):
                    cc = children(c); crit = any(x[0] == 1 and x[1] != b'\0' for x in cc[1:])
                    value = next((x[1] for x in cc[1:] if x[0] == 4), None)
                    ctrls.append((cc[0][1].decode(), crit, value))
        op = OP_NAMES.get(tag, 'unknown')
        rec = {'conn': self.n, 'msgid': msgid, 'op': op}
        if ctrls: rec['controls'] = [{'oid': o, 'critical': c, 'value': None if x is None else x.hex()} for o, c, x in ctrls]
        if op == 'unbind': srv.log(rec); return False
        if op == 'abandon': rec['abandoned'] = dint(v); srv.log(rec); return True
        if op == 'unknown':
            rec['tag'] = tag; srv.log(rec)
            self.send(result(0, 0x78, 2, b'unknown operation', extra=bstr(b'1.3.6.1.4.1.1466.20036', 0x8a)), True)
            return False
        c = children(v) if tag & 0x20 else []
        if op == 'bind':
            rec['dn'] = c[1][1].decode('utf-8', 'replace')
            if c[2][0] == 0x80: rec['method'] = 'simple'; rec['password_len'] = len(c[2][1])
            else:
                sa = children(c[2][1]); rec['method'] = 'sasl'; rec['mech'] = sa[0][1].decode()
                rec['credentials_len'] = len(sa[1][1]) if len(sa) > 1 else None
        elif op == 'search':
            rec.update(base=c[0][1].decode('utf-8', 'replace'), scope=['base', 'one', 'sub'][dint(c[1][1]) % 3],
                       sizelimit=dint(c[3][1]), filter=fstr(dfilter(*c[6])),
                       attrs=[a.decode('utf-8', 'replace') for _, a in children(c[7][1])])
        elif op in ('modify', 'add', 'delete', 'modrdn', 'compare'):
            rec['dn'] = (v if op == 'delete' else c[0][1]).decode('utf-8', 'replace')
            if op in ('modify', 'add'):
                rec['mods'] = []
                for _, ch in children(c[1][1]):
                    x = children(ch)
                    if op == 'modify': mop, x = ['add', 'delete', 'replace'][dint(x[0][1]) % 3], children(x[1][1])
                    else: mop = 'add'
                    rec['mods'].append({'op': mop, 'type': x[0][1].decode(), 'values': [y.decode('utf-8', 'surrogateescape') for _, y in children(x[1][1])]})
        elif op == 'extended':
            rec['name'] = c[0][1].decode()
        o = srv.override(rec, self.n)
        if o:
            rec['override'] = srv.sc['overrides'].index(o)
            if 'delay' in o: time.sleep(o['delay'])
            if o.get('reset'): srv.log(rec); self.reset()
            if o.get('silent'): srv.log(rec); return True
        wr = sc.get('write_referral')
        ra = sc.get('reset_after') or {}
        if ra.get('op') == op and self.n in ra.get('connections', [self.n]) and not ra.get('apply'):
            srv.log(rec); self.reset()
        if o and 'result' in o:
            code, diag = o['result'], val(o.get('diagnostic', ''))
            refs = o.get('referrals', [])
            if op == 'search' and code == 0: o = None
            else:
                rec['result'] = code; srv.log(rec)
                self.send(result(msgid, RESP[op], code, diag, val(o.get('matched', '')), refs), True)
                return True
        if op == 'bind':
            if rec['method'] == 'sasl':
                if sc.get('bare_sasl_success'): code, diag = 0, b''
                else:
                    s = sc.get('sasl', {})
                    code, diag = s.get('result', 7), val(s.get('diagnostic', 'the fake server does no SASL'))
            else:
                want = sc.get('simple_bind')
                ok = not want or (ndn(want.get('dn', rec['dn'])) == ndn(rec['dn']) and val(want.get('password', '')) == c[2][1])
                code, diag = (0, b'') if ok else (49, b'80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 52e, v4563')
            rec['result'] = code; srv.log(rec)
            self.send(result(msgid, 0x61, code, diag), True)
        elif op == 'search':
            self.search(msgid, rec, c, ctrls)
        elif op in ('modify', 'add', 'delete', 'modrdn') and wr:
            wr = {'uri': wr} if isinstance(wr, str) else wr
            uris = wr.get('uris', [wr.get('uri', 'ldap://rwdc.spn.test/')])
            rec['result'] = 10; srv.log(rec)
            self.send(result(msgid, RESP[op], 10, val(wr.get('diagnostic', '0000202B: RefErr: DSID-0310082F, data 0, 1 access points\n\tref 1: \'rwdc.spn.test\'\n\x00')), refs=uris), True)
        elif op == 'modify':
            code, diag = srv.modify(rec['dn'], rec['mods'])
            rec['result'] = code; srv.log(rec)
            if ra.get('op') == op and self.n in ra.get('connections', [self.n]):
                self.reset()  # applied, but the answer is lost
            self.send(result(msgid, 0x67, code, diag.encode()), True)
        elif op == 'extended' and rec['name'] == '1.3.6.1.4.1.1466.20037' and srv.tls and srv.tls[0] == 'starttls':
            rec['result'] = 0; srv.log(rec)
            self.send(result(msgid, 0x78, 0, extra=bstr(rec['name'], 0x8a)), True)
            self.sock = srv.tls[1].wrap_socket(self.sock, server_side=True)
        elif op == 'extended' and rec['name'] == '1.3.6.1.4.1.4203.1.11.3':
            rec['result'] = 0; srv.log(rec)
            self.send(result(msgid, 0x78, 0, extra=bstr(srv.sc.get('whoami', '').encode(), 0x8b)), True)
        else:
            rec['result'] = 53; srv.log(rec)
            self.send(result(msgid, RESP[op], 53, b'00002035: the fake server does not do this'), True)
        return True

    def search(self, msgid, rec, c, ctrls):
        srv, sc = self.srv, self.srv.sc
        self.searches += 1
        base, scope, flt = ndn(rec['base']), dint(c[1][1]) % 3, dfilter(*c[6])
        typesonly = c[5][1] not in (b'', b'\0')
        names = rec['attrs']
        wanted = None if not names or '*' in names and len(names) == 1 else [parse_attr(a) for a in names]
        page = next(((x, cr) for o, cr, x in ctrls if o == PAGED), None)
        for o, cr, x in ctrls:
            if cr and o not in (PAGED, '2.16.840.1.113730.3.4.2', '1.2.840.113556.1.4.801', '1.2.840.113556.1.4.1339', '1.2.840.113556.1.4.417'):
                rec['result'] = 12; srv.log(rec)
                return self.send(result(msgid, 0x65, 12, b'00000057: LdapErr: unavailable critical extension'), True)
        size, cookie = 0, b''
        if page is not None:
            pc = children(children(page[0])[0][1]) if page[0] else [(2, b''), (4, b'')]
            size, cookie = dint(pc[0][1]), pc[1][1]
            rec['page_size'], rec['cookie'] = size, cookie.hex()
        mps = sc.get('max_page_size')
        if mps and (page is None or size > mps): size = mps if page else 0
        limit = dint(c[3][1])
        ec = sc.get('endless_cookie')
        if ec and page is not None and (ec is True or ec.get('filter_contains', '').lower() in rec['filter'].lower()):
            start = 0
        elif cookie:
            if cookie not in self.cookies:
                rec['result'] = 2; srv.log(rec)
                return self.send(result(msgid, 0x65, 2, b'00002040: SvcErr: DSID-03100765, problem 5012 (DIR_ERROR), bad cookie'), True)
            start = self.cookies.pop(cookie)
        else: start = 0
        if page is not None and size == 0:  # the client gives up the search
            rec['result'] = 0; srv.log(rec)
            return self.send(result(msgid, 0x65, 0, ctrls=self.pctrl(b'')), True)
        if rec['base'] == '' and scope == 0:
            cands = [(0, srv.rootdse, None)]
        else:
            if srv.lookup(rec['base'])[0] is None and base not in (ndn(srv.base), '') and not any(
                    d.endswith(',' + base) for d in srv.entries) and not any(g.parent and (g.parent == base or g.parent.endswith(',' + base)) for g in srv.gens):
                rec['result'] = 32; srv.log(rec)
                return self.send(result(msgid, 0x65, 32, b'0000208D: NameErr: DSID-03100241, problem 2001 (NO_OBJECT), data 0, best match of:\n\t\'%s\'\n' % srv.base.encode(), srv.base.encode()), True)
            cands = self.candidates(base, scope, flt)
        ra = sc.get('reset_after') or {}
        reset_at = ra.get('entries') if ra.get('entries') is not None and self.n in ra.get('connections', [self.n]) \
            and self.searches in ra.get('searches', [self.searches]) else None
        sent, pos, more = 0, start, False
        self._wanted, self._msgid = wanted, msgid
        cap = min([x for x in (size, limit, mps if page is None else 0) if x] or [1 << 62])
        for pos, e, fast in cands(start) if callable(cands) else cands:
            if sent >= cap:
                more = True; break
            data = fast(e) if fast else self.encode(msgid, e, wanted, typesonly)
            if reset_at is not None and sent >= reset_at:
                self.reset(data[:len(data) // 2] if ra.get('mid_message') else b'')
            self.out.append(data); self.outlen += len(data)
            if self.outlen > 65536: self.send(b'', True)
            sent += 1
        else: pos = None
        if reset_at is not None and sent >= reset_at: self.reset()
        o = sc['overrides'][rec['override']] if 'override' in rec else {}
        for dn in o.get('also', []) if not more else []:
            e = srv.lookup(dn)[0]  # sent whether or not the filter matches it
            if e is not None:
                self.out.append(self.encode(msgid, e, wanted, typesonly)); sent += 1
        code = 0
        if (mps and page is None or limit) and more: code = 4
        refs = sc.get('references', [])
        if refs and not more and scope == 2:
            for r in refs:
                r = {'uris': [r]} if isinstance(r, str) else r
                if ndn(r.get('base', srv.base)) == base and r.get('filter_contains', '').lower() in rec['filter'].lower():
                    self.send(tlv(0x30, bint(2, msgid) + tlv(0x73, b''.join(bstr(u) for u in r['uris']))))
        ctl = b''
        if page is not None:
            if ec and (ec is True or ec.get('filter_contains', '').lower() in rec['filter'].lower()):
                ck = b'endless'
            elif more and code == 0:
                ck = b'c%d.%d' % (self.searches, pos); self.cookies[ck] = pos
            else: ck = b''
            ctl = self.pctrl(ck)
            rec['returned_cookie'] = ck.hex()
        rec.update(result=code, entries=sent); srv.log(rec)
        self.send(result(msgid, 0x65, code, ctrls=ctl), True)

    def pctrl(self, ck):
        return tlv(0xa0, tlv(0x30, bstr(PAGED) + bstr(tlv(0x30, bint(2, 0) + bstr(ck)))))

    def encode(self, msgid, e, wanted, typesonly=False):
        pairs = []
        attrs = dict(e.attrs)
        if wanted and any(a == 'replpropertymetadata' for a, _ in wanted) and not e.get('replPropertyMetaData') and e.dn:
            attrs['replPropertyMetaData'] = [struct.pack('<IIII', 1, 0, 1, 0) + struct.pack('<II', 0x00090303, e.spn_version) + bytes(40)]
        for k, vs in attrs.items():
            for n, sel in select(k, vs, wanted, self.srv.maxr):
                pairs.append((n, [] if typesonly else sel))
        return tlv(0x30, bint(2, msgid) + tlv(0x64, bstr(e.dn) + enc_attrs(pairs)))

    def candidates(self, base, scope, flt):
        """A function of a start position (a cookie) yielding (position,
        entry, maker of a pre-encoded entry) for the entries in scope that
        match flt.  Positions: static entries, then each generator's range."""
        srv = self.srv
        static = sorted(srv.entries.values(), key=lambda e: ndn(e.dn)[::-1])
        def gen(start):
            for p in range(start, len(static)):
                e = static[p]
                if in_scope(ndn(e.dn), base, scope) and evaluate(flt, e.get):
                    yield p, e, None
            off = len(static)
            for g in srv.gens:
                lo, hi, const = max(start - off, 0), g.count, None
                if g.parent is not None:
                    if scope == 1 and g.parent != base or scope == 2 and not in_scope(g.parent, base, 2) or scope == 0:
                        i = g.find(base) if scope != 1 else None  # the base itself
                        lo, hi = (max(lo, i), i + 1) if i is not None else (0, 0)
                        const = None
                    else:
                        const = evaluate(flt, g.known)
                fast = self.fast(g) if const else None
                pins = set() if const is False else g.pin(flt) if const is None else None
                if pins is not None:  # modified entries may match now
                    pins = sorted(x for x in pins.union(g.changed) if lo <= x < hi)
                for i in range(lo, hi) if pins is None else pins:
                    if fast and i not in g.changed:
                        yield off + i, i, fast
                        continue
                    e = g.entry(i) if g.changed.get(i, 0) is not None else None
                    if e is not None and evaluate(flt, e.get) and in_scope(ndn(e.dn), base, scope):
                        yield off + i, e, None
                off += g.count
        return gen

    def fast(self, g):
        """A pre-encoded entry maker for a generator, for the current search."""
        wanted, msgid = self._wanted, self._msgid
        plan = []
        for k, ps in g.tpl.items():
            for n, sel in select(k, ps, wanted, self.srv.maxr):
                plan.append((bstr(n), sel))
        dn = g.dn.encode().split(b'{i}')
        mid = bint(2, msgid)
        start = g.start
        def make(i):
            s = str(start + i).encode()
            a = b''.join(tlv(0x30, n + tlv(0x31, b''.join([tlv(4, s.join(p)) for p in vs]))) for n, vs in plan)
            return tlv(0x30, mid + tlv(0x64, tlv(4, s.join(dn)) + tlv(0x30, a)))
        return make

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--scenario'); ap.add_argument('--port', type=int, default=0)
    ap.add_argument('--address', default='127.0.0.1', help='a loopback address (127.x.y.z)')
    ap.add_argument('--port-file'); ap.add_argument('--log')
    ap.add_argument('--max-seconds', type=float, default=60)
    ap.add_argument('--tls', nargs=2, metavar=('CERT', 'KEY'))
    ap.add_argument('--starttls', nargs=2, metavar=('CERT', 'KEY'))
    a = ap.parse_args()
    if not a.address.startswith('127.'): ap.error('--address must be a loopback address')
    sc = {}
    if a.scenario:
        text = open(a.scenario).read()
        try: sc = json.loads(text)
        except ValueError: sc = ast.literal_eval(text)
    tls = None
    for mode in ('tls', 'starttls'):
        if getattr(a, mode):
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(*getattr(a, mode))
            tls = (mode, ctx)
    srv = Server(sc, a.log, tls)
    ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((a.address, a.port)); ls.listen(64); ls.settimeout(0.2)
    if a.port_file:
        with open(a.port_file + '.tmp', 'w') as f: f.write('%d\n' % ls.getsockname()[1])
        os.rename(a.port_file + '.tmp', a.port_file)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    deadline = time.monotonic() + a.max_seconds
    while not stop and time.monotonic() < deadline:
        try: s, _ = ls.accept()
        except socket.timeout: continue
        except InterruptedError: continue
        s.settimeout(None)
        srv.conns += 1
        def run(s=s, n=srv.conns):
            if tls and tls[0] == 'tls':
                try: s = tls[1].wrap_socket(s, server_side=True)
                except (OSError, ssl.SSLError) as e:
                    srv.log({'conn': n, 'op': 'error', 'error': str(e)}); s.close(); return
            srv.log({'conn': n, 'op': 'connect'})
            Conn(srv, s, n).serve()
        threading.Thread(target=run, daemon=True).start()
    os._exit(0)

if __name__ == '__main__':
    main()
