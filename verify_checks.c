/*
 * The six checks of --verify, each one record: what the KDC and the
 * service did, explained by what the directory says (verify_int.h).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fixcmd.h"
#include "quote.h"
#include "verify_int.h"
#include "xalloc.h"

static void namesake_finding(struct vctx *v, struct check *c)
{
    char *a, *d1, *d2;

    if (v->other_dn == NULL)
        return;
    a = quote_value(v->req->account);
    d1 = v_safe(v->account_dn);
    d2 = v_safe(v->other_dn);
    v_also(c, CHECK_WARN, "%s names both the computer %s and the user %s; "
         "checked %s, the one %s; name one exactly: NAME$ (or -C NAME) for "
         "the computer, -U NAME for the user, or its DN", a, d1, d2,
         v_is_intended(v, v->other_dn) ? "the user" : "the computer",
         v_is_intended(v, v->other_dn) ? "that holds the SPN"
                                     : "a bare NAME means");
    free(a);
    free(d1);
    free(d2);
}

static void portless_finding(struct vctx *v, struct check *c)
{
    char *d, *b;

    if (v->portless == NULL)
        return;
    d = v_safe(v->portless);
    b = v_safe(v->portless_spn);
    v_also(c, c->result, "%s holds %s, which does not serve it: a KDC matches "
         "the port or instance name too", d, b);
    free(d);
    free(b);
}

void v_check_holders(struct vctx *v)
{
    const char *spn = v->req->spn;
    char *q = v_safe(spn);
    struct check *c;

    if (v->exact.n == 0 && v->by_alias.n >= 1) {
        c = v_add_check(v, "holders", "no account holds %s itself; it is "
                      "served through an alias (see alias)", q);
    } else if (v->exact.n == 0 && v->issued) {
        c = v_add_check(v, "holders", "no account holds %s, yet this DC's KDC "
                      "issued a ticket for it", q);
        if (v->fallback != NULL) {
            char *f = v_safe(v->fallback);

            v_also(c, CHECK_WARN, "it maps <class>/<name>.<anything>, for a class "
                 "HOST stands for, to the computer <name>$ (Samba), here %s; a Windows DC answers "
                 "'server not found': register the SPN so that every DC "
                 "serves it", f);
            free(f);
        } else {
            v_also(c, CHECK_WARN, "it found an account by a rule of its own "
                 "(Samba maps <class>/<name>.<anything>, for a class HOST "
                 "stands for, to the computer <name>$); a Windows DC answers 'server not found': register "
                 "the SPN so that every DC serves it");
        }
        portless_finding(v, c);
        if (v->account_dn != NULL && v->fallback != NULL
            && !v_is_intended(v, v->fallback) && !v_keytab_accepts(v)) {
            char *a = quote_value(v->req->account);

            v_also(c, CHECK_FAIL, "the ticket is encrypted for that computer, "
                 "which a service running as %s cannot decrypt", a);
            free(a);
        }
        if (v->intended != NULL)
            v_fix_add(v, c, spn);
        else if (v->fallback != NULL)
            v_fix_add_to(v, c, spn, &v->serving_info);
    } else if (v->exact.n == 0) {
        c = v_add_check(v, "holders", "no account holds %s: the KDC answers "
                      "'server not found'", q);
        c->result = CHECK_FAIL;
        portless_finding(v, c);
        if (v->intended != NULL)
            v_fix_add(v, c, spn);
        else if (v->portless != NULL)
            v_fix_add_to(v, c, spn, &v->portless_info);
        else
            v_also(c, CHECK_FAIL, "name the account that should serve it: "
                 "setspn --verify SPN ACCOUNT");
    } else if (v->exact.n > 1) {
        char *list = v_dn_list(&v->exact);

        c = v_add_check(v, "holders", "%zu accounts hold %s: %s", v->exact.n,
                      q, list);
        free(list);
        v_also(c, v->issued ? CHECK_WARN : CHECK_FAIL, "%s",
             v->issued ? "this DC's KDC issued a ticket all the same; most "
                         "KDCs answer 'server not found'"
                       : "the KDC cannot choose");
        if (v->intended == NULL) {
            v_also(c, c->result, "name the account that should keep it: "
                 "setspn --verify SPN ACCOUNT");
        } else {
            for (size_t i = 0; i < v->exact.n; i++)
                if (!v_is_intended(v, v->exact.v[i].dn))
                    v_fix_delete(v, c, spn, v->exact.v[i].dn);
            if (!v_holds(&v->exact, v->intended))
                v_fix_add(v, c, spn);
        }
    } else {
        char *d = v_safe(v->exact.v[0].dn);

        c = v_add_check(v, "holders", "%s holds %s", d, q);
        free(d);
        if (v->intended != NULL && v->account_dn != NULL
            && !v_is_intended(v, v->exact.v[0].dn)) {
            char *a = quote_value(v->req->account);

            if (v_keytab_accepts(v)) {
                v_also(c, CHECK_WARN, "not %s, the account named; the service's "
                     "keytab holds its key all the same", a);
            } else {
                v_also(c, CHECK_FAIL, "not %s, the account named: the ticket is "
                     "encrypted for the holder, which a service running as %s "
                     "cannot decrypt", a, a);
                v_fix_delete(v, c, spn, v->exact.v[0].dn);
                v_fix_add(v, c, spn);
            }
            free(a);
        }
    }
    namesake_finding(v, c);
    free(q);
}

void v_check_alias(struct vctx *v)
{
    const char *spn = v->req->spn;
    char *q = v_safe(spn);
    struct check *c;
    enum check_result bad = v->issued ? CHECK_OK : CHECK_FAIL;

    if (v->exact.n > 0) {
        v_add_check(v, "alias", "not needed: %s is held as it is", q);
    } else if (v->alias_spn == NULL) {
        size_t cl = strcspn(spn, "/");

        c = v_add_check(v, "alias", "%.*s is not a service class that HOST "
                      "stands for (sPNMappings): no alias serves %s",
                      (int)cl, spn, q);
        c->result = bad;
    } else if (v->by_alias.n == 0) {
        char *a = v_safe(v->alias_spn);

        c = v_add_check(v, "alias", "no account holds %s either", a);
        c->result = bad;
        free(a);
    } else if (v->by_alias.n > 1) {
        char *list = v_dn_list(&v->by_alias), *a = v_safe(v->alias_spn);

        c = v_add_check(v, "alias", "%zu accounts hold %s, which stands for %s: "
                      "%s", v->by_alias.n, a, q, list);
        v_also(c, v->issued ? CHECK_WARN : CHECK_FAIL, "%s",
             v->issued ? "this DC's KDC issued a ticket all the same"
                       : "the KDC cannot choose");
        free(list);
        free(a);
        if (v->intended != NULL && v_holds(&v->by_alias, v->intended)) {
            for (size_t i = 0; i < v->by_alias.n; i++)
                if (!v_is_intended(v, v->by_alias.v[i].dn))
                    v_fix_delete(v, c, v->alias_spn, v->by_alias.v[i].dn);
        } else {
            v_also(c, c->result, "HOST/ belongs to the computer that is that "
                 "host: name it (setspn --verify SPN ACCOUNT) to be told which "
                 "to remove");
        }
    } else {
        char *d = v_safe(v->by_alias.v[0].dn), *a = v_safe(v->alias_spn);

        c = v_add_check(v, "alias", "%s holds %s, which serves %s "
                      "(sPNMappings)", d, a, q);
        free(d);
        free(a);
        if (v->intended != NULL && v->account_dn != NULL
            && !v_is_intended(v, v->by_alias.v[0].dn)) {
            char *n = quote_value(v->req->account);

            if (v_keytab_accepts(v)) {
                v_also(c, CHECK_WARN, "not %s, the account named; the service's "
                     "keytab holds its key all the same", n);
            } else {
                v_also(c, CHECK_FAIL, "not %s, the account named: the ticket is "
                     "encrypted for the alias's holder", n);
                v_fix_add(v, c, spn);
            }
            free(n);
        }
    }
    free(q);
}

void v_check_ticket(struct vctx *v)
{
    struct check *c;
    char b[32], *server;

    if (!v->issued) {
        c = v_add_check(v, "ticket", "%s", ticket_error(v->tkt));
        c->result = CHECK_FAIL;
        return;
    }
    server = v_safe(ticket_server(v->tkt));
    v_add_check(v, "ticket", "the KDC issued a ticket for %s: %s, kvno %d",
              server, enctype_name(ticket_enctype(v->tkt), b, sizeof(b)),
              ticket_kvno(v->tkt));
    free(server);
}

/* msDS-SupportedEncryptionTypes 24 (AES), unless a service keytab given
 * has no AES key yet: then what it needs first, and no command that
 * would break it. */
static void fix_aes(struct vctx *v, struct check *c,
                    const struct dir_account_info *a)
{
    if (v->kt_done && !v->kt.aes) {
        char *k = shell_word(v->req->service_keytab);

        v_also(c, c->result, "first give the service AES keys: %s holds none "
             "for the account's current kvno, and allowing only AES would "
             "stop it; then set msDS-SupportedEncryptionTypes to 24", k);
        free(k);
        return;
    }
    v_add_fix(v, c, fix_ldapmodify(conn_uri(v->conn), a->dn,
                                 "msDS-SupportedEncryptionTypes", "24"));
    if (!v->kt_done)
        v_also(c, c->result, "before running the fix, make sure the service's "
             "keytab holds AES keys (setspn --verify ... --service-keytab "
             "FILE shows it)");
}

static void enctype_findings(struct vctx *v, struct check *c,
                             const struct dir_account_info *a)
{
    char b[32];
    int et = ticket_enctype(v->tkt);
    char *e;

    if (!v_ticket_is_checked(v) || !enctype_weak(et))
        return; /* an AES ticket: nothing to say of RC4 */
    if (a->has_enctypes && (a->enctypes & ENC_AES) != 0) {
        e = enctypes_describe(a->enctypes);
        v_also(c, CHECK_WARN, "the KDC issued an %s ticket although "
             "msDS-SupportedEncryptionTypes %lu allows %s: the account has "
             "only RC4/DES keys (its password was set before the domain made "
             "AES keys): set its password again, then give the service a "
             "new keytab", enctype_name(et, b, sizeof(b)), a->enctypes, e);
        free(e);
    } else {
        e = a->has_enctypes ? enctypes_describe(a->enctypes) : NULL;
        if (e != NULL)
            v_also(c, CHECK_WARN, "the KDC issued an %s ticket: "
                 "msDS-SupportedEncryptionTypes %lu allows only %s",
                 enctype_name(et, b, sizeof(b)), a->enctypes, e);
        else
            v_also(c, CHECK_WARN, "the KDC issued an %s ticket "
                 "(msDS-SupportedEncryptionTypes is unset, and this DC's "
                 "default includes RC4)", enctype_name(et, b, sizeof(b)));
        free(e);
        fix_aes(v, c, a);
    }
    if (!a->computer)
        v_also(c, CHECK_WARN, "a user account holding SPNs: an RC4 ticket for "
             "it can be cracked offline (Kerberoasting)");
    v_also(c, CHECK_WARN, "Windows DCs with the 2026 updates (KB5073381, April "
         "and July 2026) issue AES tickets to accounts without "
         "msDS-SupportedEncryptionTypes and refuse RC4 by default: a "
         "service that can take only RC4 stops there");
}

void v_check_account(struct vctx *v)
{
    const struct dir_account_info *a = v->checked;
    enum ticket_failure tf = ticket_failure(v->tkt);
    const char *uri = conn_uri(v->conn);
    struct check *c;
    char *d;
    bool no_keys;

    if (a == NULL || a->dn == NULL) {
        c = v_add_check(v, "account", "no account serves the SPN: nothing to "
                      "check");
        c->result = CHECK_WARN;
        return;
    }
    d = v_safe(a->dn);
    c = v_add_check(v, "account", "%s", d);
    free(d);
    if (!a->has_uac && !a->has_kvno) {
        v_also(c, CHECK_WARN, "its attributes could not be read");
        return;
    }
    no_keys = tf == TICKET_ENCTYPE && a->has_pwd_last_set
              && a->pwd_last_set == 0;
    if (a->has_uac && (a->uac & UAC_ACCOUNTDISABLE)) {
        char *val = xasprintf("%lu", a->uac & ~(unsigned long)UAC_ACCOUNTDISABLE);

        if (v->issued)
            v_also(c, CHECK_WARN, "disabled (userAccountControl %lu): this DC's "
                 "KDC still issues tickets for it, a Windows DC refuses them",
                 a->uac);
        else
            v_also(c, CHECK_FAIL, "disabled (userAccountControl %lu)", a->uac);
        /* enabling an account with no keys mends nothing: said below */
        if (!no_keys)
            v_add_fix(v, c, fix_ldapmodify(uri, a->dn, "userAccountControl",
                                         val));
        free(val);
    }
    if (a->locked) {
        v_also(c, v->issued ? CHECK_WARN : CHECK_FAIL, "locked out (too many "
             "wrong passwords): the KDC refuses tickets for it until the "
             "lockout ends or it is unlocked");
        v_add_fix(v, c, fix_ldapmodify(uri, a->dn, "lockoutTime", "0"));
    } else if (tf == TICKET_REVOKED && !(a->uac & UAC_ACCOUNTDISABLE)) {
        v_also(c, CHECK_FAIL, "the KDC calls it revoked although it is neither "
             "disabled nor locked out here: its password or account may have "
             "expired, or another DC has it locked out");
    }
    if (tf == TICKET_ENCTYPE) {
        if (no_keys) {
            v_also(c, CHECK_FAIL, "no keys: its password was never set "
                 "(pwdLastSet 0), so the KDC has nothing to encrypt a ticket "
                 "with; set a password (a computer: join it again)%s, then "
                 "give the service a new keytab",
                 a->has_uac && (a->uac & UAC_ACCOUNTDISABLE)
                     ? " and enable it" : "");
        } else if (a->has_enctypes && (a->enctypes & ENC_AES) == 0) {
            char *e = enctypes_describe(a->enctypes);

            v_also(c, CHECK_FAIL, "msDS-SupportedEncryptionTypes %lu allows only "
                 "%s, which this KDC does not issue; its password was set, so "
                 "it has AES keys: allow AES", a->enctypes, e);
            free(e);
            fix_aes(v, c, a);
        } else {
            v_also(c, CHECK_FAIL, "the KDC has no key it can use for it (set its "
                 "password again to make AES keys)");
        }
    }
    enctype_findings(v, c, a);
    if (c->result == CHECK_OK) {
        char *e = a->has_enctypes ? enctypes_describe(a->enctypes) : NULL;

        v_also(c, CHECK_OK, "enabled, keys set (kvno %ld)%s%s", a->kvno,
             e ? ", encryption types " : "", e ? e : "");
        free(e);
    }
}

/* The canonical name a CNAME leads canonicalizing clients to: its own
 * ticket, asked for as they ask. */
static void check_canonical(struct vctx *v, struct check *c)
{
    char *canon_spn = spn_with_host(v->req->spn, v->dns.canon);
    struct ticket *t = ticket_get(canon_spn, conn_timeout(v->conn));
    struct entries h = { 0 };
    struct conn *failed = NULL;
    const struct dir_account_info *to = v->checked;

    if (v_search_all(v, canon_spn, &h, &failed) != ST_OK) {
        v_also(c, ticket_failure(t) == TICKET_OK ? CHECK_WARN : CHECK_FAIL,
             "who holds it could not be read (%s)", conn_error(failed));
    } else if (ticket_failure(t) != TICKET_OK) {
        v_also(c, CHECK_FAIL, "%s: MIT Kerberos clients (dns_canonicalize_hostname "
             "true, their default), Firefox and Chrome fail; Windows clients "
             "ask for the name as typed", ticket_error(t));
        if (h.n == 0)
            v_fix_add_to(v, c, canon_spn, to);
    } else if (h.n == 0) {
        v_also(c, CHECK_WARN, "no account holds it, yet this DC's KDC issued a "
             "ticket for it (Samba maps <class>/<name>.<anything>, for a "
             "class HOST stands for, to the computer <name>$); a Windows DC answers 'server not found' to "
             "canonicalizing clients");
        v_fix_add_to(v, c, canon_spn, to);
    } else {
        char *list = v_dn_list(&h);
        bool same = to != NULL && h.n == 1 && v_same_dn(h.v[0].dn, to->dn);

        v_also(c, same ? CHECK_OK : CHECK_FAIL, "held by %s%s", list,
             same ? ", the account that serves the name"
                  : ": canonicalizing clients get a ticket for another "
                    "account than the one that serves the name");
        free(list);
    }
    entries_free(&h);
    ticket_free(t);
    free(canon_spn);
}

void v_check_dns(struct vctx *v)
{
    struct check *c;
    char *q, *canon_q, *canon_spn, *canon_spn_q;

    if (v->host == NULL) {
        v_add_check(v, "dns", "the SPN names no host");
        return;
    }
    q = v_safe(v->host);
    if (v->dns.unanswered > 0 || v->dns.failed) {
        c = v->dns.failed
            ? v_add_check(v, "dns", "the lookup of %s ended without an answer: "
                        "whether clients can find the service by this name "
                        "is unknown", q)
            : v_add_check(v, "dns", "no answer from DNS for %s within %d "
                        "second%s (--timeout): whether clients can find the "
                        "service by this name is unknown", q,
                        v->dns.unanswered,
                        v->dns.unanswered == 1 ? "" : "s");
        c->result = CHECK_WARN;
    } else if (!v->dns.resolves) {
        c = v_add_check(v, "dns", "%s does not resolve: clients cannot find "
                      "the service by this name", q);
        c->result = CHECK_WARN;
    } else if (v->dns.canon == NULL || strcasecmp(v->dns.canon, v->host) == 0) {
        v_add_check(v, "dns", "%s resolves", q);
    } else {
        canon_spn = spn_with_host(v->req->spn, v->dns.canon);
        canon_q = v_safe(v->dns.canon);
        canon_spn_q = v_safe(canon_spn);
        c = v_add_check(v, "dns", "%s is an alias (CNAME) of %s: clients that "
                      "canonicalize ask for %s", q, canon_q, canon_spn_q);
        free(canon_q);
        free(canon_spn_q);
        free(canon_spn);
        c->nalso = 1; /* what follows is a new finding */
        check_canonical(v, c);
    }
    free(q);
}

void v_check_keytab(struct vctx *v)
{
    struct check *c = v_add_check(v, "keytab", "%s", v->kt.detail);

    c->result = v->kt.result == KEYTAB_ACCEPTS        ? CHECK_OK
                : v->kt.result == KEYTAB_ACCEPTS_SOME ? CHECK_WARN
                                                      : CHECK_FAIL;
}

/* With --service-keytab: what the service makes of the ticket, before
 * the checks that depend on it. */
void v_try_keytab(struct vctx *v)
{
    const struct dir_account_info *a = v->checked;

    if (v->req->service_keytab == NULL)
        return;
    ticket_keytab_check(v->tkt, v->req->spn, v->req->service_keytab,
                        a != NULL ? a->sam : NULL,
                        a != NULL && a->has_kvno ? a->kvno : -1, &v->kt);
    v->kt_done = true;
}
