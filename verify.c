#include "verify.h"

#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "bounded.h"
#include "fixcmd.h"
#include "ldap_ops.h"
#include "msg.h"
#include "quote.h"
#include "report.h"
#include "ticket.h"
#include "xalloc.h"

/* One check's record. */
struct check {
    const char *name;
    enum check_result result;
    char *detail;
    char **fixes;
    size_t nfixes;
    unsigned nalso; /* findings added to the detail */
};

/* What the checks share: the request and what was found. */
struct vctx {
    struct session *s;
    struct conn *conn;              /* the DC */
    const struct request *req;
    const char *account_dn;         /* ACCOUNT's DN, or NULL */
    struct check checks[6];
    size_t nchecks;
    struct entries exact;        /* holders of the SPN */
    char *alias_spn;                /* HOST/<rest> when the class is an alias */
    struct entries by_alias;     /* its holders */
    char *host, *canon;             /* the SPN's host; its CNAME target */
    bool resolves;
    int dns_unanswered;             /* seconds waited for DNS in vain, or 0 */
    bool dns_failed;                /* its lookup ended without an answer */
    char *intended;                 /* DN of the account that should serve */
    const char *intended_how;       /* "named", "dNSHostName" */
    struct dir_account_info intended_info;
    const char *serving;            /* DN of the account the KDC uses */
    struct ticket *tkt;
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

static void add_fix(struct check *c, char *cmd)
{
    for (size_t i = 0; i < c->nfixes; i++)
        if (strcmp(c->fixes[i], cmd) == 0) {
            free(cmd);
            return;
        }
    c->fixes = xrealloc(c->fixes, (c->nfixes + 1) * sizeof(*c->fixes));
    c->fixes[c->nfixes++] = cmd;
}

/* The ACCOUNT word for a fix command naming a: ACCOUNT as typed when a is
 * the account named, else a's name (NAME for a computer, which setspn
 * resolves to NAME$ first). */
static char *account_word(const struct vctx *v,
                          const struct dir_account_info *a,
                          const char **kind_flag)
{
    *kind_flag = NULL;
    if (v->req->account != NULL && v->account_dn != NULL
        && strcasecmp(a->dn, v->account_dn) == 0) {
        *kind_flag = v->req->kind == KIND_COMPUTER ? "-C"
                     : v->req->kind == KIND_USER   ? "-U"
                                                   : NULL;
        return xstrdup(v->req->account);
    }
    if (a->sam == NULL)
        return xstrdup(a->dn);
    if (a->computer) {
        *kind_flag = "-C";
        return xstrndup(a->sam, strcspn(a->sam, "$"));
    }
    *kind_flag = "-U";
    return xstrdup(a->sam);
}

static void fix_add_to(const struct vctx *v, struct check *c,
                       const char *spn, const struct dir_account_info *a)
{
    const char *kind;
    char *acct;

    if (a == NULL || a->dn == NULL)
        return;
    acct = account_word(v, a, &kind);
    add_fix(c, fix_setspn('S', spn, acct, kind));
    free(acct);
}

static void fix_add(const struct vctx *v, struct check *c, const char *spn)
{
    if (v->intended != NULL)
        fix_add_to(v, c, spn, &v->intended_info);
}

static bool is_intended(const struct vctx *v, const char *dn)
{
    return v->intended != NULL && dn != NULL
           && strcasecmp(v->intended, dn) == 0;
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

/* ------------------------------------------------------------------ dns */

/* Resolves host as a client would: DNS first (following CNAMEs), then,
 * unless DNS answered that the name does not exist, the system's other
 * sources (hosts file).  *canon: the CNAME target, if any. */
static bool resolve(const char *host, char **canon)
{
    unsigned char ans[4096];
    struct __res_state rs;
    int len = -1, herr = NETDB_INTERNAL;
    bool found = false;

    *canon = NULL;
    /* A resolver state of our own, closed after: nothing kept. */
    memset(&rs, 0, sizeof(rs));
    if (res_ninit(&rs) == 0) {
        len = res_nsearch(&rs, host, ns_c_in, ns_t_a, ans, sizeof(ans));
        if (len < 0)
            len = res_nsearch(&rs, host, ns_c_in, ns_t_aaaa, ans,
                              sizeof(ans));
        herr = rs.res_h_errno;
    }
    res_nclose(&rs);
    if (len > 0) {
        ns_msg msg;

        if (ns_initparse(ans, len, &msg) == 0) {
            for (int i = 0; i < ns_msg_count(msg, ns_s_an); i++) {
                ns_rr rr;
                char name[NS_MAXDNAME];

                if (ns_parserr(&msg, ns_s_an, i, &rr) != 0)
                    break;
                if (ns_rr_type(rr) == ns_t_a || ns_rr_type(rr) == ns_t_aaaa)
                    found = true;
                if (ns_rr_type(rr) == ns_t_cname
                    && ns_name_uncompress(ns_msg_base(msg), ns_msg_end(msg),
                                          ns_rr_rdata(rr), name,
                                          sizeof(name)) >= 0) {
                    free(*canon);
                    *canon = xstrdup(name);
                    found = true;
                }
            }
        }
    }
    /* DNS said the name does not exist: asking again through the system's
     * resolver would only repeat the query. */
    if (!found && (len >= 0 || herr != HOST_NOT_FOUND)) {
        struct addrinfo hints, *ai = NULL;

        memset(&hints, 0, sizeof(hints));
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = AI_CANONNAME;
        if (getaddrinfo(host, NULL, &hints, &ai) == 0) {
            found = true;
            if (ai->ai_canonname != NULL
                && strcasecmp(ai->ai_canonname, host) != 0)
                *canon = xstrdup(ai->ai_canonname);
            freeaddrinfo(ai);
        }
    }
    return found;
}

static void resolve_child(void *arg, struct bounded_out *out)
{
    char *canon = NULL;

    bounded_put_int(out, resolve(arg, &canon));
    bounded_put_str(out, canon);
    free(canon);
}

/* resolve() in a child process, given up after --timeout: the resolver's
 * own retries can take half a minute and more. */
static void resolve_within(struct vctx *v, int seconds)
{
    enum bounded_result r = BOUNDED_NO_CHILD;
    char *answer = NULL;
    size_t len = 0;

    if (seconds > 0)
        r = bounded_run(seconds, resolve_child, v->host, &answer, &len);
    if (r == BOUNDED_NO_CHILD) {
        v->resolves = resolve(v->host, &v->canon);
        return;
    }
    if (r == BOUNDED_OK) {
        const char *cur = answer, *end = answer + len;
        int found = 0;

        if (bounded_get_int(&cur, end, &found)
            && bounded_get_str(&cur, end, &v->canon) && cur == end)
            v->resolves = found != 0;
        else
            r = BOUNDED_FAILED;
    }
    free(answer);
    if (r != BOUNDED_OK) {
        free(v->canon);
        v->canon = NULL;
        v->resolves = false;
        if (r == BOUNDED_TIMEOUT)
            v->dns_unanswered = seconds;
        else
            v->dns_failed = true;
    }
}

/* ------------------------------------------------------- who is intended */

static void infer_intended(struct vctx *v)
{
    const char *hosts[2] = { v->host, v->canon };

    if (v->account_dn != NULL) {
        v->intended = xstrdup(v->account_dn);
        v->intended_how = "named";
    }
    for (int h = 0; h < 2 && v->intended == NULL; h++) {
        char **dns = NULL;
        size_t n = 0;

        if (hosts[h] == NULL || strchr(hosts[h], '.') == NULL)
            continue;
        if (dir_find_by_dns_host(v->conn, conn_base(v->conn), hosts[h],
                                &dns, &n) == ST_OK && n == 1) {
            v->intended = xstrdup(dns[0]);
            v->intended_how = "dNSHostName";
        }
        xstrv_free(dns, n);
    }
    if (v->intended != NULL
        && dir_read_account_info(v->conn, v->intended, &v->intended_info)
               != ST_OK) {
        memset(&v->intended_info, 0, sizeof(v->intended_info));
        v->intended_info.dn = xstrdup(v->intended);
    }
}

/* ---------------------------------------------------------------- checks */

static void check_holders(struct vctx *v)
{
    const char *spn = v->req->spn;
    char *q = safe(spn);
    struct check *c;

    if (v->exact.n == 0) {
        if (v->by_alias.n == 1 && (v->account_dn == NULL
                                   || is_intended(v, v->by_alias.v[0].dn))) {
            add_check(v, "holders", "no account holds %s itself; it is "
                      "served through an alias (see alias)", q);
        } else {
            c = add_check(v, "holders", "no account holds %s: the KDC "
                          "answers 'server not found'", q);
            c->result = CHECK_FAIL;
            fix_add(v, c, spn);
            if (v->intended == NULL)
                also(c, CHECK_FAIL, "name the account that should serve it: "
                     "setspn --verify SPN ACCOUNT");
        }
    } else if (v->exact.n > 1) {
        char *list = dn_list(&v->exact);
        bool keeper = false;

        c = add_check(v, "holders", "%zu accounts hold %s: the KDC cannot "
                      "choose: %s", v->exact.n, q, list);
        c->result = CHECK_FAIL;
        free(list);
        for (size_t i = 0; i < v->exact.n; i++)
            if (is_intended(v, v->exact.v[i].dn))
                keeper = true;
        if (v->intended == NULL) {
            also(c, CHECK_FAIL, "name the account that should keep it: setspn "
                 "--verify SPN ACCOUNT");
        } else {
            for (size_t i = 0; i < v->exact.n; i++)
                if (!is_intended(v, v->exact.v[i].dn))
                    add_fix(c, fix_setspn('D', spn, v->exact.v[i].dn, NULL));
            if (!keeper)
                fix_add(v, c, spn);
        }
    } else {
        char *d = safe(v->exact.v[0].dn);

        c = add_check(v, "holders", "%s holds %s", d, q);
        free(d);
        if (v->account_dn != NULL && !is_intended(v, v->exact.v[0].dn)) {
            char *a = quote_value(v->req->account);

            also(c, CHECK_FAIL, "not %s, the account named", a);
            free(a);
            add_fix(c, fix_setspn('D', spn, v->exact.v[0].dn, NULL));
            fix_add(v, c, spn);
        }
    }
    free(q);
}

static void check_alias(struct vctx *v)
{
    const char *spn = v->req->spn;
    char *q = safe(spn);
    struct check *c;

    if (v->exact.n > 0) {
        add_check(v, "alias", "not needed: %s is held as it is", q);
    } else if (v->alias_spn == NULL) {
        size_t cl = strcspn(spn, "/");

        c = add_check(v, "alias", "%.*s is not a service class that HOST "
                      "stands for (sPNMappings): no alias serves %s",
                      (int)cl, spn, q);
        c->result = CHECK_FAIL;
    } else if (v->by_alias.n == 0) {
        c = add_check(v, "alias", "no account holds %s either", v->alias_spn);
        c->result = CHECK_FAIL;
    } else if (v->by_alias.n > 1) {
        char *list = dn_list(&v->by_alias);

        c = add_check(v, "alias", "%zu accounts hold %s, which stands for %s: "
                      "the KDC cannot choose: %s", v->by_alias.n,
                      v->alias_spn, q, list);
        c->result = CHECK_FAIL;
        free(list);
        for (size_t i = 0; i < v->by_alias.n && v->intended; i++)
            if (!is_intended(v, v->by_alias.v[i].dn))
                add_fix(c, fix_setspn('D', v->alias_spn,
                                      v->by_alias.v[i].dn, NULL));
    } else {
        char *d = safe(v->by_alias.v[0].dn);

        c = add_check(v, "alias", "%s holds %s, which serves %s "
                      "(sPNMappings)", d, v->alias_spn, q);
        free(d);
        if (v->account_dn != NULL
            && !is_intended(v, v->by_alias.v[0].dn)) {
            char *a = quote_value(v->req->account);

            also(c, CHECK_FAIL, "not %s, the account named", a);
            free(a);
            fix_add(v, c, spn);
        }
    }
    free(q);
}

static void check_ticket(struct vctx *v)
{
    struct check *c;
    char b[32], *server;

    if (ticket_failure(v->tkt) != TICKET_OK) {
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

static void check_account(struct vctx *v, const struct dir_account_info *a)
{
    struct check *c;
    char *d;
    bool weak_ticket = ticket_failure(v->tkt) == TICKET_OK
                       && enctype_weak(ticket_enctype(v->tkt));
    const char *uri = conn_uri(v->conn);

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
    if (a->has_uac && (a->uac & UAC_ACCOUNTDISABLE)) {
        char *val = xasprintf("%lu", a->uac & ~(unsigned long)UAC_ACCOUNTDISABLE);

        also(c, CHECK_FAIL, "disabled (userAccountControl %lu)", a->uac);
        add_fix(c, fix_ldapmodify(uri, a->dn, "userAccountControl", val));
        free(val);
    }
    if (a->has_pwd_last_set && a->pwd_last_set == 0
        && ticket_failure(v->tkt) == TICKET_ENCTYPE) {
        also(c, CHECK_FAIL, "no keys: its password was never set (pwdLastSet 0), "
             "so the KDC has nothing to encrypt a ticket with; set a password "
             "(a computer: join it again), then give the service a new keytab");
    } else if (ticket_failure(v->tkt) == TICKET_ENCTYPE) {
        also(c, CHECK_FAIL, "the KDC has no key it can use for it (set its "
             "password again to make AES keys)");
    }
    if (a->has_enctypes && enctypes_weak_only(a->enctypes)) {
        char *e = enctypes_describe(a->enctypes);

        also(c, CHECK_WARN, "msDS-SupportedEncryptionTypes %lu allows only %s",
             a->enctypes, e);
        free(e);
    } else if (!a->has_enctypes && !a->computer) {
        also(c, CHECK_WARN, "msDS-SupportedEncryptionTypes is unset on a user "
             "account: the default includes RC4");
    } else if (weak_ticket) {
        char b[32];

        also(c, CHECK_WARN, "the KDC issued an %s ticket%s",
             enctype_name(ticket_enctype(v->tkt), b, sizeof(b)),
             a->has_enctypes ? " (the account may have no AES keys: set its "
                               "password again)"
                             : " (msDS-SupportedEncryptionTypes is unset)");
    }
    if ((a->has_enctypes && enctypes_weak_only(a->enctypes))
        || (!a->has_enctypes && !a->computer) || weak_ticket) {
        if (!a->computer)
            also(c, CHECK_WARN, "a user account holding SPNs: an RC4 ticket for "
                 "it can be cracked offline (Kerberoasting)");
        add_fix(c, fix_ldapmodify(uri, a->dn, "msDS-SupportedEncryptionTypes",
                                  "24"));
    }
    if (c->result == CHECK_OK) {
        char *e = a->has_enctypes ? enctypes_describe(a->enctypes) : NULL;

        also(c, CHECK_OK, "enabled, keys set (kvno %ld)%s%s", a->kvno,
             e ? ", encryption types " : "", e ? e : "");
        free(e);
    }
}

static void check_dns(struct vctx *v, const struct dir_account_info *serving)
{
    struct check *c;
    char *canon_spn, *canon_q, *canon_spn_q, *q;
    struct entries h = { 0 };
    struct conn *failed = NULL;

    if (v->host == NULL) {
        add_check(v, "dns", "the SPN names no host");
        return;
    }
    q = safe(v->host);
    if (v->dns_unanswered > 0 || v->dns_failed) {
        c = v->dns_failed
            ? add_check(v, "dns", "the lookup of %s ended without an answer: "
                        "whether clients can find the service by this name "
                        "is unknown", q)
            : add_check(v, "dns", "no answer from DNS for %s within %d "
                        "second%s (--timeout): whether clients can find the "
                        "service by this name is unknown", q,
                        v->dns_unanswered,
                        v->dns_unanswered == 1 ? "" : "s");
        c->result = CHECK_WARN;
        free(q);
        return;
    }
    if (!v->resolves) {
        c = add_check(v, "dns", "%s does not resolve: clients cannot find "
                      "the service by this name", q);
        c->result = CHECK_WARN;
        free(q);
        return;
    }
    if (v->canon == NULL) {
        add_check(v, "dns", "%s resolves", q);
        free(q);
        return;
    }
    canon_spn = spn_with_host(v->req->spn, v->canon);
    canon_q = safe(v->canon);
    canon_spn_q = safe(canon_spn);
    c = add_check(v, "dns", "%s is an alias (CNAME) of %s: clients that "
                  "canonicalize ask for %s", q, canon_q, canon_spn_q);
    free(canon_q);
    free(canon_spn_q);
    c->nalso = 1; /* what follows is a new finding */
    if (search_all(v, canon_spn, &h, &failed) != ST_OK) {
        also(c, CHECK_WARN, "who holds it could not be read (%s)",
             conn_error(failed));
    } else if (h.n == 0) {
        also(c, CHECK_WARN, "no account holds it");
        fix_add_to(v, c, canon_spn, serving);
    } else {
        char *list = dn_list(&h);
        bool same = serving != NULL && serving->dn != NULL && h.n == 1
                    && strcasecmp(h.v[0].dn, serving->dn) == 0;

        also(c, same ? CHECK_OK : CHECK_WARN, "held by %s%s", list,
             same ? ", the account that serves the name" : "");
        free(list);
    }
    entries_free(&h);
    free(canon_spn);
    free(q);
}

static void check_keytab(struct vctx *v, const struct dir_account_info *a)
{
    struct check *c;
    char *detail = NULL, *alt = NULL;
    bool ok;

    if (a != NULL && a->sam != NULL)
        alt = xstrdup(a->sam);
    ok = ticket_check_keytab(v->tkt, v->req->spn, v->req->service_keytab, alt,
                             a != NULL && a->has_kvno ? a->kvno : -1, &detail);
    c = add_check(v, "keytab", "%s", detail);
    if (!ok)
        c->result = CHECK_FAIL;
    free(detail);
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
    free(v->canon);
    free(v->intended);
    dir_account_info_free(&v->intended_info);
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

enum status verify_run(struct session *s, const struct request *q,
                       const char *account_dn)
{
    struct vctx v;
    struct conn *failed = NULL;
    struct dir_account_info serving_info;
    const struct dir_account_info *serving = NULL;
    enum status st;
    size_t cl = 0;

    memset(&v, 0, sizeof(v));
    memset(&serving_info, 0, sizeof(serving_info));
    v.s = s;
    v.conn = s->conn;
    v.req = q;
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
        resolve_within(&v, conn_timeout(v.conn));
    infer_intended(&v);
    if (v.exact.n == 1)
        v.serving = v.exact.v[0].dn;
    else if (v.exact.n == 0 && v.by_alias.n == 1)
        v.serving = v.by_alias.v[0].dn;
    v.tkt = ticket_get(q->spn, conn_timeout(v.conn));
    if (s->o->verbose)
        warn("verify: %zu holder(s), %zu through %s; intended account %s",
             v.exact.n, v.by_alias.n, v.alias_spn ? v.alias_spn : "no alias",
             v.intended ? v.intended_how : "unknown");

    /* The account checked: the one the KDC uses, else the one intended. */
    if (v.serving != NULL && !is_intended(&v, v.serving)) {
        if (dir_read_account_info(v.conn, v.serving, &serving_info)
            != ST_OK) {
            memset(&serving_info, 0, sizeof(serving_info));
            serving_info.dn = xstrdup(v.serving);
        }
        serving = &serving_info;
    } else if (v.intended != NULL) {
        serving = &v.intended_info; /* serves it, or should */
    }
    if (serving != NULL)
        report(&(struct event){ .kind = EV_ACCOUNT, .dn = serving->dn });

    check_holders(&v);
    check_alias(&v);
    check_ticket(&v);
    check_account(&v, serving);
    check_dns(&v, serving);
    if (q->service_keytab != NULL)
        check_keytab(&v, serving);
    st = report_checks(&v);
    dir_account_info_free(&serving_info);
    vctx_free(&v);
    return st;
}
