#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026 setspn contributors
# MIT License (see LICENSE at the top of the setspn source tree)
"""Ansible module: the service principal names of an Active Directory account,
through the setspn command-line tool (its --json, --dry-run, --idempotent and
--batch)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: setspn
short_description: Manage the service principal names (SPNs) of an Active Directory account
description:
  - Makes an Active Directory account hold, or not hold, service principal
    names, with the C(setspn) tool (Setspn.exe-compatible, LDAP with SASL
    GSSAPI). The account's SPNs are read with C(setspn -L --json); the
    changes are single-value adds (C(-S), with the duplicate check) and
    deletes (C(-D)), made in one C(--batch) run over one connection.
  - Every change is first checked with C(--dry-run). When another account
    already holds an SPN to add, the task fails naming that account, and
    nothing is written.
  - Check mode runs only that C(--dry-run). C(--diff) shows the SPN list
    before and after. C(changed) is true only when the directory changed.
  - SPNs are compared without regard to letter case, as Active Directory
    compares them.
  - The module never contacts a DC except through C(setspn); it needs
    C(setspn) 0.1.0 or later on the managed host, and Kerberos credentials
    (a ticket in C(krb5ccname) or the default cache, a C(keytab), or a
    C(principal) with a password).
version_added: "0.1.0"
author: setspn contributors (!UNKNOWN)
options:
  name:
    description:
      - The account, in any form C(setspn) accepts - C(NAME) (the computer
        C(NAME$) if there is one, else the user), C(NAME$), C(DOMAIN\NAME),
        a user principal name, or a distinguished name.
    type: str
    required: true
    aliases: [account]
  spns:
    description:
      - The SPNs, for example C(HTTP/web01.example.com).
      - With I(state=exact), an empty list removes every SPN of the account.
    type: list
    elements: str
    default: []
  state:
    description:
      - C(present) adds the SPNs the account lacks; C(absent) removes those
        it holds; C(exact) does both so that the account holds exactly
        I(spns), removing any other.
    type: str
    choices: [present, absent, exact]
    default: present
  account_type:
    description:
      - C(computer) (C(-C)) or C(user) (C(-U)) restricts a plain C(NAME) to
        that kind of account; C(any) takes the computer first, as
        Setspn.exe does.
    type: str
    choices: [any, computer, user]
    default: any
  uri:
    description:
      - The LDAP URI of the DC (C(-H)), for example C(ldap://dc1.example.com).
        Default - the C(URI) of ldap.conf, else a DC found through DNS SRV.
    type: str
  domain:
    description: The domain whose DC is found through DNS SRV (C(--domain)).
    type: str
  starttls:
    description: StartTLS on an C(ldap://) URI (C(-Z)).
    type: bool
    default: false
  cacert:
    description: The CA certificates to trust for TLS (C(--cacert)).
    type: path
  min_ssf:
    description: The minimum security strength factor (C(--min-ssf)).
    type: int
  timeout:
    description: Seconds to wait for a DC or KDC that does not answer (C(--timeout)).
    type: int
  keytab:
    description: Get a ticket from this keytab (C(--keytab)), for its first principal or I(principal).
    type: path
  principal:
    description: The Kerberos principal to get a ticket for (C(--principal)), with I(password) or I(password_file).
    type: str
  password_file:
    description: A file whose first line is the password (C(--password-file)).
    type: path
  password:
    description:
      - The password of I(principal) (or of I(bind_dn)). It is written to a
        temporary file readable only by its owner, passed as
        C(--password-file) and removed; it never appears on a command line.
    type: str
  bind_dn:
    description: A simple bind as this DN over TLS (C(--simple --bind-dn)), with I(password) or I(password_file).
    type: str
  forest:
    description: The duplicate check covers the forest, through the Global Catalog (C(-F)).
    type: bool
    default: false
  target_domains:
    description: The duplicate check covers these domains (C(-T), repeated).
    type: list
    elements: str
    default: []
  setspn_path:
    description: The setspn program; default C(setspn) on the PATH.
    type: path
  krb5ccname:
    description: The Kerberos credential cache (C(KRB5CCNAME)), for example C(FILE:/tmp/krb5cc_0).
    type: str
  krb5_config:
    description: The Kerberos configuration (C(KRB5_CONFIG)).
    type: path
  ldapconf:
    description: The OpenLDAP client configuration (C(LDAPCONF)).
    type: path
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: Check mode runs only C(setspn --dry-run), which writes nothing.
  diff_mode:
    support: full
    details: The account's SPN list before and after.
  platform:
    platforms: posix
notes:
  - In the collection C(setspn.ad) this module is C(setspn.ad.setspn); the
    Debian package of C(setspn) installs it as C(setspn) in
    C(/usr/share/ansible/plugins/modules/).
requirements:
  - setspn (with libsasl2-modules-gssapi-mit) on the managed host
"""

EXAMPLES = r"""
- name: The web farm's account holds its HTTP SPNs
  setspn:
    name: svc-web
    spns:
      - HTTP/www.example.com
      - HTTP/www
    account_type: user

- name: WEB01 holds exactly these SPNs, nothing else
  setspn:
    name: WEB01
    state: exact
    spns: [HOST/WEB01, HOST/web01.example.com, HTTP/web01.example.com]
    uri: ldap://dc1.example.com
    keytab: /etc/setspn/admin.keytab
    principal: spn-admin@EXAMPLE.COM

- name: Remove an SPN, signing in with a password from a vault
  setspn:
    name: WEB02
    spns: [HTTP/www.example.com]
    state: absent
    principal: spn-admin@EXAMPLE.COM
    password: "{{ vault_spn_admin_password }}"
"""

RETURN = r"""
dn:
  description: The account's distinguished name.
  returned: success
  type: str
spns:
  description: The account's SPNs after the task (predicted in check mode).
  returned: success
  type: list
  elements: str
added:
  description: The SPNs added (or that would be, in check mode).
  returned: always
  type: list
  elements: str
removed:
  description: The SPNs removed (or that would be), as the account spelled them.
  returned: always
  type: list
  elements: str
holders:
  description: When an SPN to add is held by another account - per SPN, the DNs of its holders.
  returned: on a duplicate
  type: dict
batch:
  description: The setspn batch lines of the change.
  returned: when there was something to change
  type: list
  elements: str
"""

import base64
import json
import os
import shlex
import tempfile

from ansible.module_utils.basic import AnsibleModule


class SetspnError(Exception):
    def __init__(self, msg, **extra):
        Exception.__init__(self, msg)
        self.msg = msg
        self.extra = extra


def run_setspn(module, base, args, env):
    """Runs setspn --json with args; returns (exit status, the document)."""
    cmd = base + ["--json"] + args
    rc, out, err = module.run_command(cmd, environ_update=env)
    try:
        doc = json.loads(out)
    except ValueError:
        raise SetspnError(
            "setspn gave no JSON document (exit %d): %s" % (rc, (err or out).strip()),
            rc=rc, stdout=out, stderr=err)
    if not isinstance(doc, dict):
        raise SetspnError("setspn gave an unexpected JSON document", rc=rc, stdout=out)
    return rc, doc


def op_errors(doc):
    """The error texts of a document: the run's, and each failed operation's."""
    msgs = []
    if doc.get("error"):
        msgs.append(doc["error"])
    for op in doc.get("operations", []):
        if op.get("status") in ("invalid", "not-found", "error") or (
                op.get("error") and op.get("status") != "conflict"):
            where = value_text(op.get("spn") or op.get("account") or "")
            msgs.append("%s%s" % ("%s: " % where if where else "", op.get("error") or op.get("status")))
    return msgs


def conflicts(doc):
    """{spn: [holder DN, ...]} for every add refused as a duplicate."""
    found = {}
    for op in doc.get("operations", []):
        if op.get("status") == "conflict":
            found[value_text(op.get("spn", ""))] = [value_text(h.get("dn", ""))
                                                    for h in op.get("holders", [])]
    return found


def conflict_msg(found):
    parts = ["%s is already registered on %s" % (spn, ", ".join(dns) or "another account")
             for spn, dns in sorted(found.items())]
    return "duplicate SPN: %s; nothing was written" % "; ".join(parts)


def list_spns(module, base, kind, name, env):
    rc, doc = run_setspn(module, base, kind + ["-L", "--", name], env)
    ops = doc.get("operations") or []
    if rc != 0 or not ops or ops[0].get("status") != "ok":
        msgs = op_errors(doc) or ["setspn -L exited %d" % rc]
        raise SetspnError("cannot list the SPNs of %s: %s" % (name, "; ".join(msgs)), rc=rc)
    return value_text(ops[0].get("dn", "")), list(ops[0].get("spns") or [])


def value_text(v):
    """A value of setspn's JSON as text: a UTF-8 value as it is; any other
    comes as {"escaped", "base64"} (setspn(1), JSON OUTPUT) and is shown,
    and given back to setspn, in its escaped form."""
    if isinstance(v, dict):
        return str(v.get("escaped", ""))
    return v


def value_key(v):
    """What values are compared by: a UTF-8 value by its letters in any
    case (the DC's equality), any other by its exact bytes."""
    if isinstance(v, dict):
        try:
            return ("bytes", base64.b64decode(v.get("base64", ""), validate=True))
        except (TypeError, ValueError):
            return ("escaped", str(v.get("escaped", "")))
    return ("text", v.lower())


def plan(current, wanted, state):
    """(to_add, to_remove): to_remove as the account spells them (the
    escaped form for a value that is not UTF-8)."""
    seen = set()
    desired = []
    for s in wanted:
        if value_key(s) not in seen:
            seen.add(value_key(s))
            desired.append(s)
    have = {}
    for v in current:
        have.setdefault(value_key(v), []).append(value_text(v))
    to_add = [s for s in desired if value_key(s) not in have] if state in ("present", "exact") else []
    to_remove = []
    if state == "absent":
        for s in desired:
            to_remove.extend(have.get(value_key(s), []))
    elif state == "exact":
        for v in current:
            if value_key(v) not in seen:
                to_remove.append(value_text(v))
        # A value held twice in different letter case: keep one spelling,
        # the one asked for if the account has it.
        for s in desired:
            spellings = have.get(value_key(s), [])
            if len(spellings) > 1:
                keep = s if s in spellings else spellings[0]
                dropped = list(spellings)
                dropped.remove(keep)
                to_remove.extend(dropped)
    return to_add, to_remove


def after_list(current, to_add, to_remove):
    left = list(current)
    for s in to_remove:
        left.remove(s)
    return left + to_add


def sorted_lines(spns):
    return "".join("%s\n" % s for s in sorted(spns, key=lambda v: (v.lower(), v)))


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type="str", required=True, aliases=["account"]),
            spns=dict(type="list", elements="str", default=[]),
            state=dict(type="str", default="present", choices=["present", "absent", "exact"]),
            account_type=dict(type="str", default="any", choices=["any", "computer", "user"]),
            uri=dict(type="str"),
            domain=dict(type="str"),
            starttls=dict(type="bool", default=False),
            cacert=dict(type="path"),
            min_ssf=dict(type="int"),
            timeout=dict(type="int"),
            keytab=dict(type="path"),
            principal=dict(type="str"),
            password_file=dict(type="path", no_log=False),
            password=dict(type="str", no_log=True),
            bind_dn=dict(type="str"),
            forest=dict(type="bool", default=False),
            target_domains=dict(type="list", elements="str", default=[]),
            setspn_path=dict(type="path"),
            krb5ccname=dict(type="str"),
            krb5_config=dict(type="path"),
            ldapconf=dict(type="path"),
        ),
        mutually_exclusive=[
            ["password", "password_file"],
            ["password", "keytab"],
            ["keytab", "bind_dn"],
            ["forest", "target_domains"],
        ],
        supports_check_mode=True,
    )
    p = module.params
    name = p["name"]
    result = dict(changed=False, added=[], removed=[])

    if p["password"] is not None and not (p["principal"] or p["bind_dn"]):
        module.fail_json(msg="password needs principal (or bind_dn)", **result)
    for s in p["spns"]:
        if not s or "\n" in s or "\r" in s:
            module.fail_json(msg="invalid SPN %r" % s, **result)

    if p["setspn_path"]:
        setspn = p["setspn_path"]
        if not os.access(setspn, os.X_OK):
            module.fail_json(msg="setspn_path %s is not an executable" % setspn, **result)
    else:
        setspn = module.get_bin_path("setspn", required=True)

    env = {}
    for param, var in (("krb5ccname", "KRB5CCNAME"), ("krb5_config", "KRB5_CONFIG"),
                       ("ldapconf", "LDAPCONF")):
        if p[param]:
            env[var] = p[param]

    base = [setspn]
    if p["uri"]:
        base += ["-H", p["uri"]]
    for param, opt in (("domain", "--domain"), ("cacert", "--cacert"), ("keytab", "--keytab"),
                       ("principal", "--principal"), ("password_file", "--password-file")):
        if p[param]:
            base += [opt, p[param]]
    for param, opt in (("min_ssf", "--min-ssf"), ("timeout", "--timeout")):
        if p[param] is not None:
            base += [opt, str(p[param])]
    if p["starttls"]:
        base.append("-Z")
    if p["bind_dn"]:
        base += ["--simple", "--bind-dn", p["bind_dn"]]

    kind = {"any": [], "computer": ["-C"], "user": ["-U"]}[p["account_type"]]
    scope = ["-F"] if p["forest"] else []
    for d in p["target_domains"]:
        scope += ["-T", d]

    workdir = tempfile.mkdtemp(prefix="setspn-ansible.", dir=module.tmpdir)
    try:
        if p["password"] is not None:
            pwfile = os.path.join(workdir, "password")
            fd = os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(p["password"] + "\n")
            base += ["--password-file", pwfile]

        dn, current = list_spns(module, base, kind, name, env)
        to_add, to_remove = plan(current, p["spns"], p["state"])
        before = [value_text(v) for v in current]
        result["dn"] = dn
        predicted = after_list(before, to_add, to_remove)
        if module._diff:
            result["diff"] = dict(before_header="%s (servicePrincipalName)" % dn,
                                  after_header="%s (servicePrincipalName)" % dn,
                                  before=sorted_lines(before), after=sorted_lines(predicted))
        if not to_add and not to_remove:
            result["spns"] = before
            module.exit_json(**result)

        # Deletes first: an exact list that trades one value for another
        # never holds both.  A batch line is split like a shell's, so every
        # word is quoted; "--" keeps a value that starts with "-" a value.
        lines = []
        for s in to_remove:
            lines.append(" ".join(shlex.quote(w) for w in kind + ["-D", "--", s, name]))
        for s in to_add:
            lines.append(" ".join(shlex.quote(w) for w in kind + scope + ["-S", "--", s, name]))
        result["batch"] = lines
        batch = os.path.join(workdir, "batch")
        with open(batch, "w") as f:
            f.write("".join(l + "\n" for l in lines))

        # Every change checked first, nothing written: duplicates, syntax,
        # rights to read.  In check mode this is all.
        rc, doc = run_setspn(module, base, ["--dry-run", "--batch", batch], env)
        found = conflicts(doc)
        if found:
            result["holders"] = found
            module.fail_json(msg=conflict_msg(found), **result)
        if rc != 0:
            module.fail_json(msg="setspn --dry-run failed (exit %d): %s"
                             % (rc, "; ".join(op_errors(doc)) or "see setspn"), **result)
        ops = doc.get("operations", [])
        result["added"] = [value_text(op["spn"]) for op in ops if op.get("status") == "added"]
        result["removed"] = [value_text(op["spn"]) for op in ops if op.get("status") == "removed"]
        if module.check_mode:
            result["changed"] = bool(result["added"] or result["removed"])
            result["spns"] = predicted
            module.exit_json(**result)

        rc, doc = run_setspn(module, base, ["--idempotent", "--stop-on-error", "--batch", batch], env)
        ops = doc.get("operations", [])
        result["added"] = [value_text(op["spn"]) for op in ops if op.get("status") == "added"]
        result["removed"] = [value_text(op["spn"]) for op in ops if op.get("status") == "removed"]
        result["changed"] = bool(result["added"] or result["removed"])
        found = conflicts(doc)
        if found:
            # Another writer was faster than the dry run.
            result["holders"] = found
            module.fail_json(msg=conflict_msg(found).replace("nothing was written", "the other changes of this task stand")
                             if result["changed"] else conflict_msg(found), **result)
        if rc != 0:
            module.fail_json(msg="setspn failed (exit %d): %s"
                             % (rc, "; ".join(op_errors(doc)) or "see setspn"), **result)
        dn, after = list_spns(module, base, kind, name, env)
        after = [value_text(v) for v in after]
        result["spns"] = after
        if module._diff:
            result["diff"]["after"] = sorted_lines(after)
        module.exit_json(**result)
    except SetspnError as e:
        result.update(e.extra)
        module.fail_json(msg=e.msg, **result)
    finally:
        # The password file goes with it.
        for f in os.listdir(workdir):
            os.unlink(os.path.join(workdir, f))
        os.rmdir(workdir)


if __name__ == "__main__":
    main()
