#include "session.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "creds.h"
#include "discover.h"
#include "locator.h"
#include "msg.h"
#include "quote.h"
#include "report.h"
#include "stop.h"
#include "wire.h"
#include "xalloc.h"

/* ------------------------------------------------------------- signals */

void session_hold_signals(bool hold)
{
    stop_hold(hold);
}

void session_signals_init(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_IGN;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGPIPE, &sa, NULL);
    stop_init();
}

int session_stop_signal(void)
{
    return stop_signal();
}

/* What a signal that ends the run at once writes, one for each signal
 * (the strings owned here, the records pointing at them). */
static char *stop_text[2], *stop_json[2];
static struct stop_exit stop_exits[2];

void session_stop_at_once(bool on)
{
    static const int sigs[2] = { SIGINT, SIGTERM };

    stop_at_once(NULL, NULL);
    for (size_t i = 0; i < 2; i++) {
        free(stop_text[i]);
        free(stop_json[i]);
        stop_text[i] = stop_json[i] = NULL;
    }
    if (!on)
        return;
    for (size_t i = 0; i < 2; i++) {
        char *what = xasprintf("stopped by SIG%s", sigabbrev_np(sigs[i]));

        stop_json[i] = report_snapshot(what, EXIT_SIGNAL_BASE + sigs[i]);
        stop_text[i] = xasprintf("setspn: %s\n", what);
        stop_exits[i] = (struct stop_exit){
            stop_text[i], stop_json[i], strlen(stop_text[i]),
            stop_json[i] != NULL ? strlen(stop_json[i]) : 0 };
        free(what);
    }
    stop_at_once(&stop_exits[0], &stop_exits[1]);
}

/* ------------------------------------------------------------ deadline */

/* krb5 has no request timeout of its own, so a stuck KDC or DC would hang
 * a script forever while we connect and bind.  What the handler writes is
 * made ready beforehand (it may only call write()): the message, and under
 * --json the whole document so far, the commands already run included. */
static char *alarm_text, *alarm_json;
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

static void disarm_deadline(void)
{
    alarm(0);
    free(alarm_text);
    free(alarm_json);
    alarm_text = alarm_json = NULL;
    alarm_len = alarm_json_len = 0;
}

static void arm_deadline(int seconds, const char *uri)
{
    struct sigaction sa;
    char *what, *q;

    disarm_deadline();
    if (seconds <= 0)
        return;
    q = quote_message(uri ? uri : "the DC");
    what = xasprintf("no answer from %s or its KDC within %d seconds "
                     "(--timeout)", q, seconds);
    alarm_text = xasprintf("setspn: %s\n", what);
    alarm_len = strlen(alarm_text);
    alarm_json = report_snapshot(what, EXIT_DIRECTORY);
    alarm_json_len = alarm_json != NULL ? strlen(alarm_json) : 0;
    free(what);
    free(q);
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
    sigset_t mask, old;

    /* A stop asked for already, or while connecting (nothing is half
     * done then, whatever the command): the run ends, at once. */
    if (stop_signal() != 0)
        return ST_INTERRUPTED;
    session_stop_at_once(true);
    stop_wait_mask(&mask);
    sigprocmask(SIG_SETMASK, &mask, &old);
    arm_deadline(s->o->timeout, what);
    st = conn_open(c, co);
    disarm_deadline();
    sigprocmask(SIG_SETMASK, &old, NULL);
    session_stop_at_once(false);
    return st;
}

/* ----------------------------------------------------------- the DC */

enum status session_fail(struct conn *conn, enum status st)
{
    if (st == ST_INTERRUPTED) /* said by whoever stops the run */
        return st;
    report_failure("%s", conn_error(conn));
    return st;
}

/* -v: what the DC locator did, line by line. */
static void say_located(const struct session *s, const struct conn *c)
{
    const struct locator_result *r = conn_located(c);

    if (!s->o->verbose || r == NULL)
        return;
    for (size_t i = 0; i < r->nlog; i++)
        warn("locator: %s", r->log[i]);
}

enum status session_open(struct session *s, const struct options *o,
                         char *password, bool writes)
{
    enum status st;

    memset(s, 0, sizeof(*s));
    s->o = o;
    s->password = password;
    if (o->max_time > 0) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        s->co.run_end = (long)ts.tv_sec + o->max_time;
    }
    s->co = (struct conn_opts){
        .run_end = s->co.run_end,
        .uri = o->uri,         .domain = o->domain,
        .site = o->site,       .writable = writes,
        .timeout = o->timeout, .page_size = o->page_size,
        .value_range = o->value_range,
        .min_ssf = (unsigned)o->min_ssf, .starttls = o->starttls,
        .cacert = o->cacert,   .bind_dn = o->simple ? o->bind_dn : NULL,
        .password = password,  .keytab = o->keytab,
        .principal = o->principal,
        .on_attempt = rearm_deadline, .attempt_ctx = (void *)&o->timeout,
    };
    s->conn = conn_new();
    st = open_within_deadline(s, s->conn, &s->co, o->uri);
    say_located(s, s->conn);
    /* Kerberos holds its ticket now; a simple bind may need the password
     * again for the Global Catalog. */
    if (!o->simple) {
        creds_wipe_password(&s->password);
        s->co.password = NULL;
    }
    if (st != ST_OK)
        return session_fail(s->conn, st);
    {
        const struct locator_result *r = conn_located(s->conn);

        report(&(struct event){ .kind = EV_DC, .label = conn_uri(s->conn),
                                .dn = conn_base(s->conn),
                                .text = r ? r->site : NULL,
                                .value = r ? r->dc_site : NULL });
    }
    if (o->verbose) {
        const char *tls = conn_tls(s->conn);

        warn("connected to %s (from %s) as %s: %s, %s%s, strength %u; "
             "domain %s", conn_uri(s->conn), conn_how(s->conn),
             conn_principal(s->conn),
             o->simple ? "simple bind" : "SASL GSSAPI",
             tls ? ""
             : conn_ssf(s->conn) > 1 ? "no TLS (SASL sealed)"
                                     : "no TLS (SASL signed, not sealed)",
             tls ? tls : "",
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

bool session_over_time(const struct session *s)
{
    return s->conn != NULL && conn_over_time(s->conn);
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
    say_located(s, s->gc);
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

enum status session_gc(struct session *s, struct conn **gc)
{
    enum status st = connect_gc(s);

    *gc = s->gc;
    return st;
}

enum status session_scopes(struct session *s, const struct request *q)
{
    const char *base = conn_base(s->conn);
    enum status st = ST_OK;

    free_scopes(s);
    if (q->forest) {
        const char *forest = conn_forest(s->conn);

        /* With -F, each -T names a forest, by any of its domains; the
         * Global Catalog of the DC in use holds only its own forest. */
        for (size_t i = 0; i < q->ndomains; i++) {
            const char *name = q->domains[i];
            struct dir_domain d;

            if (*name == '\0' || strcmp(name, "*") == 0)
                continue;
            st = dir_find_domain(s->conn, name, &d);
            dir_domain_free(&d);
            if (st == ST_NOT_FOUND) {
                char *qn = quote_value(name);

                report_failure("no forest %s: it is not the forest of %s "
                               "(%s), and one Global Catalog holds only "
                               "its own forest: use -H with a DC of that "
                               "forest", qn, conn_uri(s->conn),
                               forest ? forest : base);
                free(qn);
                return st;
            }
            if (st != ST_OK)
                return session_fail(s->conn, st);
        }
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
        char *short_name = account_fqdn_short(&j->ref);

        report(&(struct event){ .kind = EV_NO_ACCOUNT, .label = j->q.account,
                                .text = conn_error(s->conn) });
        if (short_name != NULL) {
            char *q = quote_display(short_name, strlen(short_name));

            /* a host's DNS name is not its account's name */
            report_note("an account is named by its sAMAccountName, not "
                        "its DNS name: try %s (the computer %s$), or the "
                        "account's DN", q, q);
            free(q);
        }
        free(short_name);
        return st;
    }
    if (st != ST_OK)
        return session_fail(s->conn, st);
    if (s->o->verbose)
        warn("account lookup read %u page(s)", conn_pages(s->conn));
    report(&(struct event){ .kind = EV_ACCOUNT, .dn = acct->entry.dn });
    return ST_OK;
}

void session_references(struct session *s)
{
    struct conn *conns[] = { s->conn, s->gc };
    char *said = NULL;

    for (size_t k = 0; k < 2; k++) {
        char **refs;
        size_t n;

        if (conns[k] == NULL)
            continue;
        refs = conn_take_references(conns[k], &n);
        for (size_t i = 0; i < n; i++) {
            char *q, *more;

            if (!s->o->verbose
                && wire_reference_accountless(refs[i],
                                              conn_config(conns[k])))
                continue;
            q = quote_value(refs[i]);
            more = xasprintf("%s%s%s", said ? said : "", said ? ", " : "",
                             q);
            free(said);
            free(q);
            said = more;
        }
        xstrv_free(refs, n);
    }
    if (said != NULL)
        report_note("not searched: %s, where the DC referred the search "
                    "(setspn does not follow referrals: it would send your "
                    "credentials to the server named); -F searches the "
                    "whole forest through the Global Catalog", said);
    free(said);
}

void session_host_aliases(struct session *s, char *const **aliases,
                          size_t *n)
{
    if (!s->aliases_loaded) {
        bool from_dir = false;
        enum status st = dir_host_aliases(s->conn, &s->aliases,
                                          &s->naliases, &from_dir);

        s->aliases_loaded = true;
        if (st != ST_OK)
            report_note("sPNMappings could not be read (%s): HOST stands "
                        "for Windows' default %zu service classes",
                        conn_error(s->conn), s->naliases);
        else if (s->o->verbose)
            warn(from_dir ? "HOST stands for %zu service classes "
                            "(sPNMappings)"
                          : "sPNMappings could not be read: HOST stands "
                            "for Windows' default %zu service classes",
                 s->naliases);
    }
    *aliases = s->aliases;
    *n = s->naliases;
}
