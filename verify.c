#include "verify.h"
#include "verify_int.h"

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

/* A DN or name from the directory (or DNS) in its printed form
 * (quote.h), as -L prints it: the finding's text holds it so. */
char *v_safe(const char *s)
{
    if (s == NULL)
        s = "";
    return quote_display(s, strlen(s));
}

struct check *v_add_check(struct vctx *v, const char *name,
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
void v_also(struct check *c, enum check_result r, const char *fmt,
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
void v_add_fix(struct vctx *v, struct check *c, char *cmd)
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

void v_fix_add_to(struct vctx *v, struct check *c, const char *spn,
                       const struct dir_account_info *a)
{
    const char *kind;
    char *acct;

    if (a == NULL || a->dn == NULL)
        return;
    acct = account_word(v, a, &kind);
    v_add_fix(v, c, fix_setspn('S', spn, acct, kind));
    free(acct);
}

void v_fix_delete(struct vctx *v, struct check *c, const char *spn,
                       const char *dn)
{
    v_add_fix(v, c, fix_setspn('D', spn, dn, NULL));
}

bool v_same_dn(const char *a, const char *b)
{
    return a != NULL && b != NULL && strcasecmp(a, b) == 0;
}

bool v_is_intended(const struct vctx *v, const char *dn)
{
    return v_same_dn(v->intended, dn);
}

/* The account that should serve the SPN: -S goes there, with a word on
 * how it was found when nobody named it. */
void v_fix_add(struct vctx *v, struct check *c, const char *spn)
{
    if (v->intended == NULL)
        return;
    v_fix_add_to(v, c, spn, &v->intended_info);
    if (strcmp(v->intended_how, "named") != 0) {
        char *h = v_safe(v->host), *d = v_safe(v->intended);

        v_also(c, c->result, "%s is inferred, not named: its %s is %s (set by "
             "whoever manages that account); name ACCOUNT to be sure", d,
             v->intended_how, h);
        free(h);
        free(d);
    }
}

char *v_dn_list(const struct entries *es)
{
    char *r = xstrdup("");

    for (size_t i = 0; i < es->n; i++) {
        char *d = v_safe(es->v[i].dn);
        char *n = xasprintf("%s%s%s", r, i ? "; " : "", d);

        free(d);
        free(r);
        r = n;
    }
    return r;
}

bool v_holds(const struct entries *es, const char *dn)
{
    for (size_t i = 0; i < es->n; i++)
        if (v_same_dn(es->v[i].dn, dn))
            return true;
    return false;
}

/* The holders of spn in every scope (the DC's own equality); *failed is
 * the connection whose search failed. */
enum status v_search_all(struct vctx *v, const char *spn,
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
        && !v_same_dn(u.entry.dn, v->account_dn))
        v->other_dn = xstrdup(u.entry.dn);
    dir_account_free(&u);
}

static void infer_intended(struct vctx *v)
{
    const char *hosts[2] = { v->host, v->dns.canon };

    if (v->account_dn != NULL) {
        /* of two namesakes, the one whose ticket works is meant */
        v->intended = xstrdup(v->other_dn != NULL
                                      && (v_holds(&v->exact, v->other_dn)
                                          || (v->exact.n == 0
                                              && v_holds(&v->by_alias,
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
    if (v->serving != NULL && !v_is_intended(v, v->serving)) {
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
                                      || v_is_intended(v, v->serving))))
        v->checked = &v->intended_info;
    else if (v->serving != NULL)
        v->checked = &v->serving_info;
}

/* Whether the ticket was encrypted for the account checked. */
bool v_ticket_is_checked(const struct vctx *v)
{
    return v->issued && v->checked != NULL
           && v_same_dn(v->serving, v->checked->dn);
}

/* A service keytab that accepts the ticket: the service works whoever
 * holds the SPN. */
bool v_keytab_accepts(const struct vctx *v)
{
    return v->kt_done && v->kt.result != KEYTAB_REFUSES;
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
    if (v_search_all(v, bare, &h, &failed) == ST_OK && h.n == 1) {
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
    st = v_search_all(&v, q->spn, &v.exact, &failed);
    if (st == ST_OK && v.exact.n == 0
        && (v.alias_spn = alias_of(s, q->spn)) != NULL)
        st = v_search_all(&v, v.alias_spn, &v.by_alias, &failed);
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

    v_try_keytab(&v);
    v_check_holders(&v);
    v_check_alias(&v);
    v_check_ticket(&v);
    v_check_account(&v);
    v_check_dns(&v);
    if (v.kt_done)
        v_check_keytab(&v);
    st = report_checks(&v);
    vctx_free(&v);
    return st;
}
