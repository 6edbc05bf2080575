#include "session.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "creds.h"
#include "discover.h"
#include "msg.h"
#include "report.h"
#include "wire.h"
#include "xalloc.h"

/* ------------------------------------------------------------ deadline */

/* krb5 has no request timeout of its own, so a stuck KDC or DC would hang
 * a script forever while we connect and bind.  What the handler writes is
 * made ready beforehand: it may only call write(). */
static char alarm_text[256], alarm_json[384];
static size_t alarm_len, alarm_json_len;

static void on_alarm(int sig)
{
    (void)sig;
    if (write(STDERR_FILENO, alarm_text, alarm_len) < 0
        || (alarm_json_len > 0
            && write(STDOUT_FILENO, alarm_json, alarm_json_len) < 0)) {
        /* nothing more we can do */
    }
    _exit(EXIT_DIRECTORY);
}

static void arm_deadline(int seconds, const char *uri)
{
    struct sigaction sa;
    int n;

    if (seconds <= 0)
        return;
    n = snprintf(alarm_text, sizeof(alarm_text),
                 "setspn: no answer from %s or its KDC within %d seconds "
                 "(--timeout)\n", uri ? uri : "the DC", seconds);
    alarm_len = n > 0 && (size_t)n < sizeof(alarm_text)
                    ? (size_t)n
                    : sizeof(alarm_text) - 1;
    /* --json promises a document; the deadline comes before any command
     * has run, so this one is complete.  The URI is left out: it would
     * need escaping, and a handler cannot call jansson. */
    alarm_json_len = 0;
    if (report_json()) {
        n = snprintf(alarm_json, sizeof(alarm_json),
                     "{\n  \"operations\": [],\n  \"error\": \"no answer from "
                     "the DC or its KDC within %d seconds (--timeout)\",\n"
                     "  \"exit\": %d\n}\n", seconds, EXIT_DIRECTORY);
        if (n > 0 && (size_t)n < sizeof(alarm_json))
            alarm_json_len = (size_t)n;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    alarm((unsigned)seconds);
}

/* Each DC tried gets the whole --timeout, so one that hangs leaves time
 * for the next. */
static void rearm_deadline(const char *uri, void *ctx)
{
    int t = *(const int *)ctx;

    /* One second past libldap's own timeout, which ends a silent DC first;
     * the alarm is for what has none (the KDC). */
    arm_deadline(t > 0 ? t + 1 : 0, uri);
}

/* Connects c within the deadline; from then on each request is bounded by
 * libldap's own timeouts, so a long but healthy scan is not cut off. */
static enum status open_within_deadline(struct session *s, struct conn *c,
                                        const struct conn_opts *co,
                                        const char *what)
{
    enum status st;

    arm_deadline(s->o->timeout, what);
    st = conn_open(c, co);
    alarm(0);
    return st;
}

/* ----------------------------------------------------------- the DC */

enum status session_fail(struct conn *conn, enum status st)
{
    report_failure("%s", conn_error(conn));
    return st;
}

enum status session_open(struct session *s, const struct options *o,
                         char *password)
{
    enum status st;

    memset(s, 0, sizeof(*s));
    s->o = o;
    s->password = password;
    s->co = (struct conn_opts){
        .uri = o->uri,         .domain = o->domain,
        .timeout = o->timeout, .page_size = o->page_size,
        .min_ssf = (unsigned)o->min_ssf, .starttls = o->starttls,
        .cacert = o->cacert,   .bind_dn = o->simple ? o->bind_dn : NULL,
        .password = password,  .keytab = o->keytab,
        .principal = o->principal,
        .on_attempt = rearm_deadline, .attempt_ctx = (void *)&o->timeout,
    };
    s->conn = conn_new();
    st = open_within_deadline(s, s->conn, &s->co, o->uri);
    /* Kerberos holds its ticket now; a simple bind may need the password
     * again for the Global Catalog. */
    if (!o->simple) {
        creds_wipe_password(&s->password);
        s->co.password = NULL;
    }
    if (st != ST_OK)
        return session_fail(s->conn, st);
    report(&(struct event){ .kind = EV_DC, .label = conn_uri(s->conn),
                            .dn = conn_base(s->conn) });
    if (o->verbose) {
        const char *tls = conn_tls(s->conn);

        warn("connected to %s (from %s) as %s: %s, %s%s, strength %u; "
             "domain %s", conn_uri(s->conn), conn_how(s->conn),
             conn_principal(s->conn),
             o->simple ? "simple bind" : "SASL GSSAPI",
             tls ? "" : "no TLS (SASL sealed)", tls ? tls : "",
             conn_ssf(s->conn), conn_base(s->conn));
    }
    return ST_OK;
}

static void free_scopes(struct session *s)
{
    for (size_t i = 0; i < s->nscopes; i++) {
        free(s->scopes[i].base);
        free(s->scopes[i].label);
    }
    s->nscopes = 0;
}

void session_close(struct session *s)
{
    free_scopes(s);
    xstrv_free(s->aliases, s->naliases);
    conn_free(s->gc);
    conn_free(s->conn);
    creds_release();
    creds_wipe_password(&s->password);
    memset(s, 0, sizeof(*s));
}

bool session_alive(const struct session *s)
{
    return s->conn != NULL && conn_alive(s->conn);
}

/* -------------------------------------------------------------- scopes */

static void add_scope(struct session *s, struct conn *conn, const char *base,
                      const char *label, bool forest)
{
    struct scope *sc;

    for (size_t i = 0; i < s->nscopes; i++)
        if (s->scopes[i].conn == conn
            && strcasecmp(s->scopes[i].base, base) == 0)
            return; /* -T named one domain twice */
    sc = &s->scopes[s->nscopes++];
    sc->conn = conn;
    sc->base = xstrdup(base);
    sc->label = xstrdup(label);
    sc->forest = forest;
}

static enum status connect_gc(struct session *s)
{
    struct conn_opts gco = s->co;
    char *uri = NULL, *domain = NULL;
    enum status st;

    if (s->gc != NULL)
        return ST_OK;
    gco.gc = true;
    if (strncmp(conn_how(s->conn), "DNS SRV", 7) == 0) {
        /* Found through DNS: so is the forest's Global Catalog. */
        const char *forest = conn_forest(s->conn);

        gco.uri = NULL;
        gco.domain = domain = forest ? discover_dn_to_dns(forest) : NULL;
    } else {
        uri = wire_gc_uri(conn_uri(s->conn));
        if (uri == NULL) {
            report_failure("cannot derive a Global Catalog URI from %s",
                           conn_uri(s->conn));
            return ST_DIRECTORY;
        }
        gco.uri = uri;
    }
    s->gc = conn_new();
    st = open_within_deadline(s, s->gc, &gco,
                              uri ? uri : "the Global Catalog");
    free(uri);
    free(domain);
    if (st != ST_OK) {
        /* Never leave a half-made connection for the next batch line. */
        session_fail(s->gc, st);
        conn_free(s->gc);
        s->gc = NULL;
        return st;
    }
    if (s->o->verbose)
        warn("Global Catalog %s, from %s (SSF %u)", conn_uri(s->gc),
             conn_how(s->gc), conn_ssf(s->gc));
    return ST_OK;
}

enum status session_scopes(struct session *s, const struct request *q)
{
    const char *base = conn_base(s->conn);
    enum status st = ST_OK;

    free_scopes(s);
    if (q->forest) {
        const char *forest = conn_forest(s->conn);

        if ((st = connect_gc(s)) != ST_OK)
            return st;
        add_scope(s, s->gc, "", forest ? forest : base, true);
        return ST_OK;
    }
    for (size_t i = 0; i < q->ndomains && st == ST_OK; i++) {
        const char *name = q->domains[i];
        struct dir_domain d;

        if (*name == '\0' || strcmp(name, "*") == 0) {
            add_scope(s, s->conn, base, base, false);
            continue;
        }
        st = dir_find_domain(s->conn, name, &d);
        if (st != ST_OK)
            return session_fail(s->conn, st);
        if (strcasecmp(d.nc, base) == 0) {
            add_scope(s, s->conn, base, base, false);
        } else {
            /* Another domain's partition: this DC holds it only as part
             * of the Global Catalog. */
            st = connect_gc(s);
            if (st == ST_OK)
                add_scope(s, s->gc, d.nc, d.nc, false);
        }
        dir_domain_free(&d);
    }
    if (st == ST_OK && s->nscopes == 0)
        add_scope(s, s->conn, base, base, false);
    return st;
}

/* ------------------------------------------------------------ accounts */

/* DOMAIN\NAME must name the domain of the DC we talk to. */
static enum status check_account_domain(struct session *s,
                                        const struct job *j)
{
    const struct account_ref *ref = &j->ref;
    struct dir_domain named, ours;
    enum status st;

    if (ref->domain == NULL)
        return ST_OK;
    st = dir_find_domain(s->conn, ref->domain, &named);
    if (st == ST_OK && strcasecmp(named.nc, conn_base(s->conn)) == 0) {
        dir_domain_free(&named);
        return ST_OK;
    }
    dir_domain_free(&named);
    if (st != ST_OK && st != ST_NOT_FOUND)
        return session_fail(s->conn, st);
    st = dir_find_domain(s->conn, conn_base(s->conn), &ours);
    report_failure("account %s names domain %s, but %s serves domain %s "
                   "(%s): use -H with a DC of %s", j->q.account, ref->domain,
                   conn_uri(s->conn),
                   st == ST_OK && ours.netbios ? ours.netbios : "?",
                   st == ST_OK && ours.dns ? ours.dns : conn_base(s->conn),
                   ref->domain);
    dir_domain_free(&ours);
    return ST_NOT_FOUND;
}

enum status session_find_account(struct session *s, const struct job *j,
                                 struct dir_account *acct)
{
    enum status st = check_account_domain(s, j);

    memset(acct, 0, sizeof(*acct));
    if (st != ST_OK)
        return st;
    st = dir_find_account(s->conn, &j->ref, j->q.kind, acct);
    if (st == ST_NOT_FOUND) {
        report(&(struct event){ .kind = EV_NO_ACCOUNT, .label = j->q.account,
                                .text = conn_error(s->conn) });
        return st;
    }
    if (st != ST_OK)
        return session_fail(s->conn, st);
    if (s->o->verbose)
        warn("account lookup read %u page(s)", conn_pages(s->conn));
    report(&(struct event){ .kind = EV_ACCOUNT, .dn = acct->entry.dn });
    return ST_OK;
}

void session_host_aliases(struct session *s, char *const **aliases,
                          size_t *n)
{
    if (!s->aliases_loaded) {
        bool from_dir = false;

        dir_host_aliases(s->conn, &s->aliases, &s->naliases, &from_dir);
        s->aliases_loaded = true;
        if (s->o->verbose)
            warn(from_dir ? "HOST stands for %zu service classes "
                            "(sPNMappings)"
                          : "sPNMappings could not be read: HOST stands "
                            "for Windows' default %zu service classes",
                 s->naliases);
    }
    *aliases = s->aliases;
    *n = s->naliases;
}
