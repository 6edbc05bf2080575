#include "verify.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "acctinfo.h"
#include "fixcmd.h"
#include "ldap_ops.h"
#include "msg.h"
#include "quote.h"
#include "report.h"
#include "resolve.h"
#include "ticket.h"
#include "xalloc.h"

/*
 * The verdict follows what happens: the KDC's answer (ticket.c) and, with
 * --service-keytab, whether a service can accept the ticket.  What the
 * directory says explains that outcome; it never overrules it.  A check
 * fails only when Kerberos fails (or the ticket is for another account
 * than the one named); where the outcome rests on this DC's leniency it
 * warns.
 */

/* One check's record. */
struct check {
    const char *name;
    enum check_result result;
    char *detail;
    char **fixes;
    size_t nfixes;
    unsigned nalso; /* findings added to the detail */
};

#define NCHECKS 6

/* What the checks share: the request and what was found. */
struct vctx {
    struct session *s;
    struct conn *conn;              /* the DC */
    const struct request *req;
    const struct job *job;
    const char *account_dn;         /* ACCOUNT's DN, or NULL */
    struct check checks[NCHECKS];
    size_t nchecks;
    struct entries exact;           /* holders of the SPN */
    char *alias_spn;                /* HOST/<rest> when the class is an alias */
    struct entries by_alias;        /* its holders */
    char *host;                     /* the SPN's host */
    struct host_lookup dns;
    char *intended;                 /* DN of the account that should serve */
    const char *intended_how;       /* "named", or the attribute it answers by */
    struct dir_account_info intended_info;
    char *other_dn;                 /* ACCOUNT's namesake (user vs NAME$) */
    const char *serving;            /* DN of the account the KDC uses */
    char *fallback;                 /* ... found by this DC's CN mapping */
    char *portless_spn, *portless;  /* class/host, held by portless */
    struct dir_account_info portless_info;
    struct dir_account_info serving_info;
    const struct dir_account_info *checked; /* the account the findings are
                                               about */
    struct ticket *tkt;
    bool issued;                    /* the KDC issued a ticket */
    struct keytab_check kt;
    bool kt_done;
};

/* A DN or name from the directory (or DNS) in its printed form
 * (quote.h), as -L prints it: the finding's text holds it so. */
static char *safe(const char *s)
{
    if (s == NULL)
        s = "";
    return quote_display(s, strlen(s));
}

__attribute__((format(printf, 3, 4)))
static struct check *add_check(struct vctx *v, const char *name,
                               const char *fmt, ...)
{
    struct check *c = &v->checks[v->nchecks++];
    va_list ap;

    c->name = name;
    c->result = CHECK_OK;
    va_start(ap, fmt);
    c->detail = xvasprintf(fmt, ap);
    va_end(ap);
    return c;
}

/* Adds "; <more>" to the detail, and raises the result to at least r. */
__attribute__((format(printf, 3, 4)))
static void also(struct check *c, enum check_result r, const char *fmt,
                 ...)
{
    va_list ap;
    char *more, *d;

    va_start(ap, fmt);
    more = xvasprintf(fmt, ap);
    va_end(ap);
    d = *c->detail ? xasprintf("%s%s %s", c->detail, c->nalso ? ";" : ":",
                               more)
                   : xstrdup(more);
    c->nalso++;
    free(more);
    free(c->detail);
    c->detail = d;
    if (r > c->result)
        c->result = r;
}

/* A fix command, once in the whole run: an admin pastes them in order. */
static void add_fix(struct vctx *v, struct check *c, char *cmd)
{
    for (size_t k = 0; k < v->nchecks; k++)
        for (size_t i = 0; i < v->checks[k].nfixes; i++)
            if (strcmp(v->checks[k].fixes[i], cmd) == 0) {
                free(cmd);
                return;
            }
    c->fixes = xrealloc(c->fixes, (c->nfixes + 1) * sizeof(*c->fixes));
    c->fixes[c->nfixes++] = cmd;
}

/* The ACCOUNT word for a fix naming a: ACCOUNT as typed when a is the
 * account named (and the name is not ambiguous), else a word that names
 * exactly a whatever its name (fixcmd.h). */
static char *account_word(const struct vctx *v,
                          const struct dir_account_info *a,
                          const char **kind_flag)
{
    *kind_flag = NULL;
    if (v->req->account != NULL && v->account_dn != NULL
        && v->other_dn == NULL && strcasecmp(a->dn, v->account_dn) == 0) {
        *kind_flag = v->req->kind == KIND_COMPUTER ? "-C"
                     : v->req->kind == KIND_USER   ? "-U"
                                                   : NULL;
        return xstrdup(v->req->account);
    }
    return fix_account(a->sam, a->computer, a->dn, kind_flag);
}

static void fix_add_to(struct vctx *v, struct check *c, const char *spn,
                       const struct dir_account_info *a)
{
    const char *kind;
    char *acct;

    if (a == NULL || a->dn == NULL)
        return;
    acct = account_word(v, a, &kind);
    add_fix(v, c, fix_setspn('S', spn, acct, kind));
    free(acct);
}

static void fix_delete(struct vctx *v, struct check *c, const char *spn,
                       const char *dn)
{
    add_fix(v, c, fix_setspn('D', spn, dn, NULL));
}

static bool same_dn(const char *a, const char *b)
{
    return a != NULL && b != NULL && strcasecmp(a, b) == 0;
}

static bool is_intended(const struct vctx *v, const char *dn)
{
    return same_dn(v->intended, dn);
}

/* The account that should serve the SPN: -S goes there, with a word on
 * how it was found when nobody named it. */
static void fix_add(struct vctx *v, struct check *c, const char *spn)
{
    if (v->intended == NULL)
        return;
    fix_add_to(v, c, spn, &v->intended_info);
    if (strcmp(v->intended_how, "named") != 0) {
        char *h = safe(v->host), *d = safe(v->intended);

        also(c, c->result, "%s is inferred, not named: its %s is %s (set by "
             "whoever manages that account); name ACCOUNT to be sure", d,
             v->intended_how, h);
        free(h);
        free(d);
    }
}

static char *dn_list(const struct entries *es)
{
    char *r = xstrdup("");

    for (size_t i = 0; i < es->n; i++) {
        char *d = safe(es->v[i].dn);
        char *n = xasprintf("%s%s%s", r, i ? "; " : "", d);

        free(d);
        free(r);
        r = n;
    }
    return r;
}

static bool holds(const struct entries *es, const char *dn)
{
    for (size_t i = 0; i < es->n; i++)
        if (same_dn(es->v[i].dn, dn))
            return true;
    return false;
}

/* The holders of spn in every scope (the DC's own equality); *failed is
 * the connection whose search failed. */
static enum status search_all(struct vctx *v, const char *spn,
                              struct entries *out, struct conn **failed)
{
    char *one[] = { (char *)spn };

    for (size_t i = 0; i < v->s->nscopes; i++) {
        const struct scope *sc = &v->s->scopes[i];
        enum status st = search_values(sc->conn, sc->base, one, 1, false,
                                       entries_collect, out);

        if (st != ST_OK) {
            *failed = sc->conn;
            return st;
        }
    }
    return ST_OK;
}

/* The one account under the domain that answers to host, or NULL;
 * *how: by which attribute. */
static char *one_by_host(struct vctx *v, const char *host, const char **how)
{
    struct host_holder *h = NULL;
    size_t n = 0;
    char *r = NULL;

    if (host != NULL
        && dir_find_by_host(v->conn, conn_base(v->conn), host, &h, &n)
               == ST_OK
        && n == 1) {
        r = xstrdup(h[0].dn);
        *how = h[0].how;
    }
    host_holders_free(h, n);
    return r;
}

/* ------------------------------------------------------- who is intended */

/* ACCOUNT as a plain NAME means NAME$ first (Setspn.exe's rule); when a
 * user NAME exists too, the name is ambiguous: its DN is kept. */
static void find_namesake(struct vctx *v)
{
    struct dir_account u;

    if (v->account_dn == NULL || v->job == NULL
        || v->job->ref.form != ACCOUNT_NAME || v->job->ref.dollar
        || v->req->kind != KIND_ANY)
        return;
    if (dir_find_account(v->conn, &v->job->ref, KIND_USER, &u) == ST_OK
        && !same_dn(u.entry.dn, v->account_dn))
        v->other_dn = xstrdup(u.entry.dn);
    dir_account_free(&u);
}

static void infer_intended(struct vctx *v)
{
    const char *hosts[2] = { v->host, v->dns.canon };

    if (v->account_dn != NULL) {
        /* of two namesakes, the one whose ticket works is meant */
        v->intended = xstrdup(v->other_dn != NULL
                                      && (holds(&v->exact, v->other_dn)
                                          || (v->exact.n == 0
                                              && holds(&v->by_alias,
                                                       v->other_dn)))
                                  ? v->other_dn
                                  : v->account_dn);
        v->intended_how = "named";
    }
    for (int h = 0; h < 2 && v->intended == NULL; h++)
        if (hosts[h] != NULL)
            v->intended = one_by_host(v, hosts[h], &v->intended_how);
    if (v->intended != NULL
        && dir_read_account_info(v->conn, v->intended, &v->intended_info)
               != ST_OK) {
        memset(&v->intended_info, 0, sizeof(v->intended_info));
        v->intended_info.dn = xstrdup(v->intended);
    }
}

/* The account the KDC uses: the holder, the alias's holder, or (when the
 * KDC issued a ticket although nobody holds the name) the computer this
 * DC maps <class>/<name>.<anything> to. */
static void find_serving(struct vctx *v)
{
    if (v->exact.n == 1)
        v->serving = v->exact.v[0].dn;
    else if (v->exact.n == 0 && v->by_alias.n == 1)
        v->serving = v->by_alias.v[0].dn;
    else if (v->exact.n == 0 && v->by_alias.n == 0 && v->issued
             && v->host != NULL) {
        char *label = xstrndup(v->host, strcspn(v->host, "."));
        const char *how = NULL;

        v->fallback = one_by_host(v, label, &how);
        v->serving = v->fallback;
        free(label);
    }
    if (v->serving != NULL && !is_intended(v, v->serving)) {
        if (dir_read_account_info(v->conn, v->serving, &v->serving_info)
            != ST_OK) {
            memset(&v->serving_info, 0, sizeof(v->serving_info));
            v->serving_info.dn = xstrdup(v->serving);
        }
    }
    /* The findings are about the account named (the fixes move the SPN
     * there), else the one that serves, else the one that should. */
    if (v->account_dn != NULL || (v->intended != NULL
                                  && (v->serving == NULL
                                      || is_intended(v, v->serving))))
        v->checked = &v->intended_info;
    else if (v->serving != NULL)
        v->checked = &v->serving_info;
}

/* Whether the ticket was encrypted for the account checked. */
static bool ticket_is_checked(const struct vctx *v)
{
    return v->issued && v->checked != NULL
           && same_dn(v->serving, v->checked->dn);
}

/* A service keytab that accepts the ticket: the service works whoever
 * holds the SPN. */
static bool keytab_accepts(const struct vctx *v)
{
    return v->kt_done && v->kt.result != KEYTAB_REFUSES;
}

/* ---------------------------------------------------------------- checks */

static void namesake_finding(struct vctx *v, struct check *c)
{
    char *a, *d1, *d2;

    if (v->other_dn == NULL)
        return;
    a = quote_value(v->req->account);
    d1 = safe(v->account_dn);
    d2 = safe(v->other_dn);
    also(c, CHECK_WARN, "%s names both the computer %s and the user %s; "
         "checked %s, the one %s; name one exactly: NAME$ (or -C NAME) for "
         "the computer, -U NAME for the user, or its DN", a, d1, d2,
         is_intended(v, v->other_dn) ? "the user" : "the computer",
         is_intended(v, v->other_dn) ? "that holds the SPN"
                                     : "a bare NAME means");
    free(a);
    free(d1);
    free(d2);
}

/* SPN with a port (or instance) that nobody holds, while the portless
 * name is held: the KDC matches the whole name, so that holder does not
 * serve it. */
static void find_portless(struct vctx *v)
{
    size_t cl = 0;
    char *host = spn_host_part(v->req->spn, &cl), *bare;
    struct entries h = { 0 };
    struct conn *failed = NULL;

    if (host == NULL || v->exact.n > 0 || v->by_alias.n > 0
        || v->req->spn[cl + 1 + strlen(host)] == '\0') {
        free(host);
        return;
    }
    bare = xasprintf("%.*s/%s", (int)cl, v->req->spn, host);
    if (search_all(v, bare, &h, &failed) == ST_OK && h.n == 1) {
        v->portless_spn = bare;
        bare = NULL;
        v->portless = xstrdup(h.v[0].dn);
        if (dir_read_account_info(v->conn, v->portless, &v->portless_info)
            != ST_OK) {
            memset(&v->portless_info, 0, sizeof(v->portless_info));
            v->portless_info.dn = xstrdup(v->portless);
        }
    }
    entries_free(&h);
    free(bare);
    free(host);
}

static void portless_finding(struct vctx *v, struct check *c)
{
    char *d, *b;

    if (v->portless == NULL)
        return;
    d = safe(v->portless);
    b = safe(v->portless_spn);
    also(c, c->result, "%s holds %s, which does not serve it: a KDC matches "
         "the port or instance name too", d, b);
    free(d);
    free(b);
}

static void check_holders(struct vctx *v)
{
    const char *spn = v->req->spn;
    char *q = safe(spn);
    struct check *c;

    if (v->exact.n == 0 && v->by_alias.n >= 1) {
        c = add_check(v, "holders", "no account holds %s itself; it is "
                      "served through an alias (see alias)", q);
    } else if (v->exact.n == 0 && v->issued) {
        c = add_check(v, "holders", "no account holds %s, yet this DC's KDC "
                      "issued a ticket for it", q);
        if (v->fallback != NULL) {
            char *f = safe(v->fallback);

            also(c, CHECK_WARN, "it maps <class>/<name>.<anything>, for a class "
                 "HOST stands for, to the computer <name>$ (Samba), here %s; a Windows DC answers "
                 "'server not found': register the SPN so that every DC "
                 "serves it", f);
            free(f);
        } else {
            also(c, CHECK_WARN, "it found an account by a rule of its own "
                 "(Samba maps <class>/<name>.<anything>, for a class HOST "
                 "stands for, to the computer <name>$); a Windows DC answers 'server not found': register "
                 "the SPN so that every DC serves it");
        }
        portless_finding(v, c);
        if (v->account_dn != NULL && v->fallback != NULL
            && !is_intended(v, v->fallback) && !keytab_accepts(v)) {
            char *a = quote_value(v->req->account);

            also(c, CHECK_FAIL, "the ticket is encrypted for that computer, "
                 "which a service running as %s cannot decrypt", a);
            free(a);
        }
        if (v->intended != NULL)
            fix_add(v, c, spn);
        else if (v->fallback != NULL)
            fix_add_to(v, c, spn, &v->serving_info);
    } else if (v->exact.n == 0) {
        c = add_check(v, "holders", "no account holds %s: the KDC answers "
                      "'server not found'", q);
        c->result = CHECK_FAIL;
        portless_finding(v, c);
        if (v->intended != NULL)
            fix_add(v, c, spn);
        else if (v->portless != NULL)
            fix_add_to(v, c, spn, &v->portless_info);
        else
            also(c, CHECK_FAIL, "name the account that should serve it: "
                 "setspn --verify SPN ACCOUNT");
    } else if (v->exact.n > 1) {
        char *list = dn_list(&v->exact);

        c = add_check(v, "holders", "%zu accounts hold %s: %s", v->exact.n,
                      q, list);
        free(list);
        also(c, v->issued ? CHECK_WARN : CHECK_FAIL, "%s",
             v->issued ? "this DC's KDC issued a ticket all the same; most "
                         "KDCs answer 'server not found'"
                       : "the KDC cannot choose");
        if (v->intended == NULL) {
            also(c, c->result, "name the account that should keep it: "
                 "setspn --verify SPN ACCOUNT");
        } else {
            for (size_t i = 0; i < v->exact.n; i++)
                if (!is_intended(v, v->exact.v[i].dn))
                    fix_delete(v, c, spn, v->exact.v[i].dn);
            if (!holds(&v->exact, v->intended))
                fix_add(v, c, spn);
        }
    } else {
        char *d = safe(v->exact.v[0].dn);

        c = add_check(v, "holders", "%s holds %s", d, q);
        free(d);
        if (v->intended != NULL && v->account_dn != NULL
            && !is_intended(v, v->exact.v[0].dn)) {
            char *a = quote_value(v->req->account);

            if (keytab_accepts(v)) {
                also(c, CHECK_WARN, "not %s, the account named; the service's "
                     "keytab holds its key all the same", a);
            } else {
                also(c, CHECK_FAIL, "not %s, the account named: the ticket is "
                     "encrypted for the holder, which a service running as %s "
                     "cannot decrypt", a, a);
                fix_delete(v, c, spn, v->exact.v[0].dn);
                fix_add(v, c, spn);
            }
            free(a);
        }
    }
    namesake_finding(v, c);
    free(q);
}

static void check_alias(struct vctx *v)
{
    const char *spn = v->req->spn;
    char *q = safe(spn);
    struct check *c;
    enum check_result bad = v->issued ? CHECK_OK : CHECK_FAIL;

    if (v->exact.n > 0) {
        add_check(v, "alias", "not needed: %s is held as it is", q);
    } else if (v->alias_spn == NULL) {
        size_t cl = strcspn(spn, "/");

        c = add_check(v, "alias", "%.*s is not a service class that HOST "
                      "stands for (sPNMappings): no alias serves %s",
                      (int)cl, spn, q);
        c->result = bad;
    } else if (v->by_alias.n == 0) {
        char *a = safe(v->alias_spn);

        c = add_check(v, "alias", "no account holds %s either", a);
        c->result = bad;
        free(a);
    } else if (v->by_alias.n > 1) {
        char *list = dn_list(&v->by_alias), *a = safe(v->alias_spn);

        c = add_check(v, "alias", "%zu accounts hold %s, which stands for %s: "
                      "%s", v->by_alias.n, a, q, list);
        also(c, v->issued ? CHECK_WARN : CHECK_FAIL, "%s",
             v->issued ? "this DC's KDC issued a ticket all the same"
                       : "the KDC cannot choose");
        free(list);
        free(a);
        if (v->intended != NULL && holds(&v->by_alias, v->intended)) {
            for (size_t i = 0; i < v->by_alias.n; i++)
                if (!is_intended(v, v->by_alias.v[i].dn))
                    fix_delete(v, c, v->alias_spn, v->by_alias.v[i].dn);
        } else {
            also(c, c->result, "HOST/ belongs to the computer that is that "
                 "host: name it (setspn --verify SPN ACCOUNT) to be told which "
                 "to remove");
        }
    } else {
        char *d = safe(v->by_alias.v[0].dn), *a = safe(v->alias_spn);

        c = add_check(v, "alias", "%s holds %s, which serves %s "
                      "(sPNMappings)", d, a, q);
        free(d);
        free(a);
        if (v->intended != NULL && v->account_dn != NULL
            && !is_intended(v, v->by_alias.v[0].dn)) {
            char *n = quote_value(v->req->account);

            if (keytab_accepts(v)) {
                also(c, CHECK_WARN, "not %s, the account named; the service's "
                     "keytab holds its key all the same", n);
            } else {
                also(c, CHECK_FAIL, "not %s, the account named: the ticket is "
                     "encrypted for the alias's holder", n);
                fix_add(v, c, spn);
            }
            free(n);
        }
    }
    free(q);
}

static void check_ticket(struct vctx *v)
{
    struct check *c;
    char b[32], *server;

    if (!v->issued) {
        c = add_check(v, "ticket", "%s", ticket_error(v->tkt));
        c->result = CHECK_FAIL;
        return;
    }
    server = safe(ticket_server(v->tkt));
    add_check(v, "ticket", "the KDC issued a ticket for %s: %s, kvno %d",
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

        also(c, c->result, "first give the service AES keys: %s holds none "
             "for the account's current kvno, and allowing only AES would "
             "stop it; then set msDS-SupportedEncryptionTypes to 24", k);
        free(k);
        return;
    }
    add_fix(v, c, fix_ldapmodify(conn_uri(v->conn), a->dn,
                                 "msDS-SupportedEncryptionTypes", "24"));
    if (!v->kt_done)
        also(c, c->result, "before running the fix, make sure the service's "
             "keytab holds AES keys (setspn --verify ... --service-keytab "
             "FILE shows it)");
}

static void enctype_findings(struct vctx *v, struct check *c,
                             const struct dir_account_info *a)
{
    char b[32];
    int et = ticket_enctype(v->tkt);
    char *e;

    if (!ticket_is_checked(v) || !enctype_weak(et))
        return; /* an AES ticket: nothing to say of RC4 */
    if (a->has_enctypes && (a->enctypes & ENC_AES) != 0) {
        e = enctypes_describe(a->enctypes);
        also(c, CHECK_WARN, "the KDC issued an %s ticket although "
             "msDS-SupportedEncryptionTypes %lu allows %s: the account has "
             "only RC4/DES keys (its password was set before the domain made "
             "AES keys): set its password again, then give the service a "
             "new keytab", enctype_name(et, b, sizeof(b)), a->enctypes, e);
        free(e);
    } else {
        e = a->has_enctypes ? enctypes_describe(a->enctypes) : NULL;
        if (e != NULL)
            also(c, CHECK_WARN, "the KDC issued an %s ticket: "
                 "msDS-SupportedEncryptionTypes %lu allows only %s",
                 enctype_name(et, b, sizeof(b)), a->enctypes, e);
        else
            also(c, CHECK_WARN, "the KDC issued an %s ticket "
                 "(msDS-SupportedEncryptionTypes is unset, and this DC's "
                 "default includes RC4)", enctype_name(et, b, sizeof(b)));
        free(e);
        fix_aes(v, c, a);
    }
    if (!a->computer)
        also(c, CHECK_WARN, "a user account holding SPNs: an RC4 ticket for "
             "it can be cracked offline (Kerberoasting)");
    also(c, CHECK_WARN, "Windows DCs with the 2026 updates (KB5073381, April "
         "and July 2026) issue AES tickets to accounts without "
         "msDS-SupportedEncryptionTypes and refuse RC4 by default: a "
         "service that can take only RC4 stops there");
}

static void check_account(struct vctx *v)
{
    const struct dir_account_info *a = v->checked;
    enum ticket_failure tf = ticket_failure(v->tkt);
    const char *uri = conn_uri(v->conn);
    struct check *c;
    char *d;
    bool no_keys;

    if (a == NULL || a->dn == NULL) {
        c = add_check(v, "account", "no account serves the SPN: nothing to "
                      "check");
        c->result = CHECK_WARN;
        return;
    }
    d = safe(a->dn);
    c = add_check(v, "account", "%s", d);
    free(d);
    if (!a->has_uac && !a->has_kvno) {
        also(c, CHECK_WARN, "its attributes could not be read");
        return;
    }
    no_keys = tf == TICKET_ENCTYPE && a->has_pwd_last_set
              && a->pwd_last_set == 0;
    if (a->has_uac && (a->uac & UAC_ACCOUNTDISABLE)) {
        char *val = xasprintf("%lu", a->uac & ~(unsigned long)UAC_ACCOUNTDISABLE);

        if (v->issued)
            also(c, CHECK_WARN, "disabled (userAccountControl %lu): this DC's "
                 "KDC still issues tickets for it, a Windows DC refuses them",
                 a->uac);
        else
            also(c, CHECK_FAIL, "disabled (userAccountControl %lu)", a->uac);
        /* enabling an account with no keys mends nothing: said below */
        if (!no_keys)
            add_fix(v, c, fix_ldapmodify(uri, a->dn, "userAccountControl",
                                         val));
        free(val);
    }
    if (a->locked) {
        also(c, v->issued ? CHECK_WARN : CHECK_FAIL, "locked out (too many "
             "wrong passwords): the KDC refuses tickets for it until the "
             "lockout ends or it is unlocked");
        add_fix(v, c, fix_ldapmodify(uri, a->dn, "lockoutTime", "0"));
    } else if (tf == TICKET_REVOKED && !(a->uac & UAC_ACCOUNTDISABLE)) {
        also(c, CHECK_FAIL, "the KDC calls it revoked although it is neither "
             "disabled nor locked out here: its password or account may have "
             "expired, or another DC has it locked out");
    }
    if (tf == TICKET_ENCTYPE) {
        if (no_keys) {
            also(c, CHECK_FAIL, "no keys: its password was never set "
                 "(pwdLastSet 0), so the KDC has nothing to encrypt a ticket "
                 "with; set a password (a computer: join it again)%s, then "
                 "give the service a new keytab",
                 a->has_uac && (a->uac & UAC_ACCOUNTDISABLE)
                     ? " and enable it" : "");
        } else if (a->has_enctypes && (a->enctypes & ENC_AES) == 0) {
            char *e = enctypes_describe(a->enctypes);

            also(c, CHECK_FAIL, "msDS-SupportedEncryptionTypes %lu allows only "
                 "%s, which this KDC does not issue; its password was set, so "
                 "it has AES keys: allow AES", a->enctypes, e);
            free(e);
            fix_aes(v, c, a);
        } else {
            also(c, CHECK_FAIL, "the KDC has no key it can use for it (set its "
                 "password again to make AES keys)");
        }
    }
    enctype_findings(v, c, a);
    if (c->result == CHECK_OK) {
        char *e = a->has_enctypes ? enctypes_describe(a->enctypes) : NULL;

        also(c, CHECK_OK, "enabled, keys set (kvno %ld)%s%s", a->kvno,
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

    if (search_all(v, canon_spn, &h, &failed) != ST_OK) {
        also(c, ticket_failure(t) == TICKET_OK ? CHECK_WARN : CHECK_FAIL,
             "who holds it could not be read (%s)", conn_error(failed));
    } else if (ticket_failure(t) != TICKET_OK) {
        also(c, CHECK_FAIL, "%s: MIT Kerberos clients (dns_canonicalize_hostname "
             "true, their default), Firefox and Chrome fail; Windows clients "
             "ask for the name as typed", ticket_error(t));
        if (h.n == 0)
            fix_add_to(v, c, canon_spn, to);
    } else if (h.n == 0) {
        also(c, CHECK_WARN, "no account holds it, yet this DC's KDC issued a "
             "ticket for it (Samba maps <class>/<name>.<anything>, for a "
             "class HOST stands for, to the computer <name>$); a Windows DC answers 'server not found' to "
             "canonicalizing clients");
        fix_add_to(v, c, canon_spn, to);
    } else {
        char *list = dn_list(&h);
        bool same = to != NULL && h.n == 1 && same_dn(h.v[0].dn, to->dn);

        also(c, same ? CHECK_OK : CHECK_FAIL, "held by %s%s", list,
             same ? ", the account that serves the name"
                  : ": canonicalizing clients get a ticket for another "
                    "account than the one that serves the name");
        free(list);
    }
    entries_free(&h);
    ticket_free(t);
    free(canon_spn);
}

static void check_dns(struct vctx *v)
{
    struct check *c;
    char *q, *canon_q, *canon_spn, *canon_spn_q;

    if (v->host == NULL) {
        add_check(v, "dns", "the SPN names no host");
        return;
    }
    q = safe(v->host);
    if (v->dns.unanswered > 0 || v->dns.failed) {
        c = v->dns.failed
            ? add_check(v, "dns", "the lookup of %s ended without an answer: "
                        "whether clients can find the service by this name "
                        "is unknown", q)
            : add_check(v, "dns", "no answer from DNS for %s within %d "
                        "second%s (--timeout): whether clients can find the "
                        "service by this name is unknown", q,
                        v->dns.unanswered,
                        v->dns.unanswered == 1 ? "" : "s");
        c->result = CHECK_WARN;
    } else if (!v->dns.resolves) {
        c = add_check(v, "dns", "%s does not resolve: clients cannot find "
                      "the service by this name", q);
        c->result = CHECK_WARN;
    } else if (v->dns.canon == NULL || strcasecmp(v->dns.canon, v->host) == 0) {
        add_check(v, "dns", "%s resolves", q);
    } else {
        canon_spn = spn_with_host(v->req->spn, v->dns.canon);
        canon_q = safe(v->dns.canon);
        canon_spn_q = safe(canon_spn);
        c = add_check(v, "dns", "%s is an alias (CNAME) of %s: clients that "
                      "canonicalize ask for %s", q, canon_q, canon_spn_q);
        free(canon_q);
        free(canon_spn_q);
        free(canon_spn);
        c->nalso = 1; /* what follows is a new finding */
        check_canonical(v, c);
    }
    free(q);
}

static void check_keytab(struct vctx *v)
{
    struct check *c = add_check(v, "keytab", "%s", v->kt.detail);

    c->result = v->kt.result == KEYTAB_ACCEPTS        ? CHECK_OK
                : v->kt.result == KEYTAB_ACCEPTS_SOME ? CHECK_WARN
                                                      : CHECK_FAIL;
}

/* With --service-keytab: what the service makes of the ticket, before
 * the checks that depend on it. */
static void try_keytab(struct vctx *v)
{
    const struct dir_account_info *a = v->checked;
    char *alt = a != NULL && a->sam != NULL ? xstrdup(a->sam) : NULL;

    if (v->req->service_keytab == NULL)
        return;
    ticket_keytab_check(v->tkt, v->req->spn, v->req->service_keytab, alt,
                        a != NULL && a->has_kvno ? a->kvno : -1, &v->kt);
    v->kt_done = true;
    free(alt);
}

/* ------------------------------------------------------------- reporting */

/* One record per check; the outcome: ST_FAILED if any failed. */
static enum status report_checks(const struct vctx *v)
{
    bool failed = false;

    for (size_t i = 0; i < v->nchecks; i++) {
        const struct check *c = &v->checks[i];

        if (c->result == CHECK_FAIL)
            failed = true;
        report(&(struct event){ .kind = EV_CHECK, .label = c->name,
                                .result = c->result, .text = c->detail,
                                .values = c->fixes, .nvalues = c->nfixes });
    }
    return failed ? ST_FAILED : ST_OK;
}

static void vctx_free(struct vctx *v)
{
    for (size_t i = 0; i < v->nchecks; i++) {
        free(v->checks[i].detail);
        xstrv_free(v->checks[i].fixes, v->checks[i].nfixes);
    }
    entries_free(&v->exact);
    entries_free(&v->by_alias);
    free(v->alias_spn);
    free(v->host);
    host_lookup_free(&v->dns);
    free(v->intended);
    free(v->other_dn);
    free(v->fallback);
    free(v->portless_spn);
    free(v->portless);
    dir_account_info_free(&v->portless_info);
    dir_account_info_free(&v->intended_info);
    dir_account_info_free(&v->serving_info);
    free(v->kt.detail);
    ticket_free(v->tkt);
}

/* The HOST/ form that serves spn when its class is one HOST stands for
 * (sPNMappings, read once per session). */
static char *alias_of(struct session *s, const char *spn)
{
    char *const *aliases = NULL;
    size_t n = 0, cl = strcspn(spn, "/");
    char *r = NULL;

    if (spn[cl] != '/' || (cl == 4 && strncasecmp(spn, "host", 4) == 0))
        return NULL;
    session_host_aliases(s, &aliases, &n);
    for (size_t i = 0; i < n && r == NULL; i++)
        if (strlen(aliases[i]) == cl && strncasecmp(aliases[i], spn, cl) == 0)
            r = xasprintf("HOST%s", spn + cl);
    return r;
}

enum status verify_run(struct session *s, const struct job *j,
                       const char *account_dn)
{
    struct vctx v;
    struct conn *failed = NULL;
    const struct request *q = &j->q;
    enum status st;
    size_t cl = 0;

    memset(&v, 0, sizeof(v));
    v.s = s;
    v.conn = s->conn;
    v.req = q;
    v.job = j;
    v.account_dn = account_dn;
    st = search_all(&v, q->spn, &v.exact, &failed);
    if (st == ST_OK && v.exact.n == 0
        && (v.alias_spn = alias_of(s, q->spn)) != NULL)
        st = search_all(&v, v.alias_spn, &v.by_alias, &failed);
    if (st != ST_OK) {
        /* the checks cannot run: the operation's error */
        session_fail(failed, st);
        vctx_free(&v);
        return st;
    }
    v.host = spn_host_part(q->spn, &cl);
    if (v.host != NULL)
        host_lookup(v.host, conn_timeout(v.conn), &v.dns);
    v.tkt = ticket_get(q->spn, conn_timeout(v.conn));
    v.issued = ticket_failure(v.tkt) == TICKET_OK;
    find_namesake(&v);
    infer_intended(&v);
    find_serving(&v);
    find_portless(&v);
    if (s->o->verbose)
        warn("verify: %zu holder(s), %zu through %s; intended account %s%s",
             v.exact.n, v.by_alias.n, v.alias_spn ? v.alias_spn : "no alias",
             v.intended ? "by " : "unknown",
             v.intended ? v.intended_how : "");
    if (v.checked != NULL)
        report(&(struct event){ .kind = EV_ACCOUNT, .dn = v.checked->dn });

    try_keytab(&v);
    check_holders(&v);
    check_alias(&v);
    check_ticket(&v);
    check_account(&v);
    check_dns(&v);
    if (v.kt_done)
        check_keytab(&v);
    st = report_checks(&v);
    vctx_free(&v);
    return st;
}
