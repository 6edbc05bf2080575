/*
 * setspn: read and change the servicePrincipalName attribute of Active
 * Directory accounts, as Setspn.exe does, from Unix.
 *
 * The front end: parse and validate every command, connect once, run each
 * command, report.  Directory work is in ldap_ops.c; Setspn.exe's text in
 * output.c; where the text or JSON goes in report.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <termios.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "args.h"
#include "batch.h"
#include "creds.h"
#include "discover.h"
#include "ldap_ops.h"
#include "msg.h"
#include "output.h"
#include "report.h"
#include "scan.h"
#include "spn.h"
#include "xalloc.h"

#ifndef SETSPN_VERSION
#define SETSPN_VERSION "unknown"
#endif

/* Where -S, -A, -R, -Q and -X look: the domain, the forest's Global
 * Catalog (-F), or the domains named with -T. */
struct scope {
    struct sp_conn *conn; /* the DC, or the Global Catalog */
    char *base;           /* search base */
    char *label;          /* the DN in "Checking domain/forest ..." */
};

/* One command: the command line, or one line of a batch. */
struct job {
    struct request q;
    struct account_ref ref; /* parsed before connecting */
    int line;               /* batch line number; 0 on the command line */
    char **words;           /* the batch line's words (q points into them) */
    int nwords;
};

/* What a dry run would have written, so later batch lines see it. */
struct pending {
    char *dn, *spn;
    bool add; /* else removed */
};

struct run {
    const struct options *o;
    struct sp_connect_opts co;
    struct sp_conn *conn;
    struct sp_conn *gc;   /* Global Catalog, connected when needed */
    bool progress;        /* stderr is a terminal and no -P */
    struct job *job;      /* the command being run */
    enum sp_status last;  /* status of the last directory failure */
    struct scope scopes[MAX_DOMAINS];
    size_t nscopes;
    struct pending *pending;
    size_t npending;
    char **aliases;       /* what HOST stands for, read once */
    size_t naliases;
    bool aliases_loaded;
};

static void usage(FILE *f)
{
    fputs(
"Usage: setspn [modifiers] switch [arguments]\n"
"Reads and changes the service principal names (SPNs) of Active Directory\n"
"accounts over LDAP, bound with Kerberos (SASL GSSAPI).\n"
"\n"
"Switches (one; letters are case-insensitive):\n"
"  -R ACCOUNT       reset: register HOST/NAME and HOST/dNSHostName\n"
"  -S SPN ACCOUNT   add SPN after checking no account holds it\n"
"  -A SPN ACCOUNT   add SPN (with the same check)\n"
"  -D SPN ACCOUNT   delete SPN from ACCOUNT\n"
"  -L ACCOUNT       list the SPNs of ACCOUNT (also: setspn ACCOUNT)\n"
"  -Q SPN           find the accounts holding SPN ('*' is a wildcard)\n"
"  -X               find SPNs held by more than one account\n"
"Modifiers:\n"
"  -F               forest-wide, through the Global Catalog (-S -A -Q -X)\n"
"  -T DOMAIN        only that domain (repeatable; \"\" or * = current)\n"
"  -C / -U          ACCOUNT is a computer / a user\n"
"  -P               no progress output\n"
"Options:\n"
"  -H, --uri URI    the DC to use (default: URI from ldap.conf)\n"
"  --timeout SECS   give up on a DC or KDC that does not answer (default 10;\n"
"                   0: wait forever)\n"
"  --page-size N    entries per page of every search (default 1000)\n"
"  -v, --verbose    report the DC, mechanism, security and pages on stderr\n"
"  --json           one JSON document on stdout instead of Setspn.exe's text\n"
"  -n, --dry-run    check everything, write nothing, print the change as LDIF\n"
"  --idempotent     an SPN already there (-S/-A) or already gone (-D) exits 0\n"
"  --batch FILE     run one command a line from FILE (- for stdin) over one\n"
"                   connection;  --stop-on-error  stop at the first failure\n"
"Connection and credentials:\n"
"  --domain DOMAIN  find a DC of DOMAIN through DNS SRV (when neither -H nor\n"
"                   ldap.conf gives a URI; default: the Kerberos realm)\n"
"  -Z, --starttls   StartTLS (ldaps:// URIs use TLS anyway); the certificate\n"
"                   is always verified;  --cacert FILE  the CA to trust\n"
"  --min-ssf N      minimum security strength (default 56)\n"
"  --keytab FILE [--principal P]   a ticket from a keytab, in a private cache\n"
"  --principal P    a ticket for P with a password (prompt, or --password-file)\n"
"  --simple --bind-dn DN   simple bind over TLS only (password as above)\n"
"  -h, -?, --help   this help;  --version  the version\n"
"\n"
"ACCOUNT is NAME, NAME$, DOMAIN\\NAME, a user principal name or a DN.\n"
"Exit status: 0 done or found, 1 negative answer (not found, duplicate),\n"
"2 usage or invalid input, 3 authentication or access, 4 connection or\n"
"directory failure.  See setspn(1).\n",
          f);
}

/* The deadline: krb5 has no request timeout of its own, so a stuck KDC or
 * DC would hang a script forever while we connect and bind. */
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

static const char *json_status(enum sp_status st)
{
    switch (st) {
    case SP_NOT_FOUND:
        return "not-found";
    case SP_DUPLICATE:
        return "conflict";
    case SP_INVALID:
        return "invalid";
    default:
        return "error";
    }
}

/* A failure the front end words itself: stderr, and the operation's
 * status and error under --json.  Returns exit_code. */
__attribute__((format(printf, 3, 4)))
static int op_fail(const char *status, int exit_code, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = xvasprintf(fmt, ap);
    va_end(ap);
    warn("%s", msg);
    report_op_error(msg);
    report_op_status(status);
    free(msg);
    return exit_code;
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

/* Reports the failure kept by a connection and returns its exit code. */
static int fail_conn(struct run *r, struct sp_conn *conn, enum sp_status st)
{
    r->last = st;
    return op_fail(json_status(st), sp_exit_code(st), "%s",
                   sp_conn_error(conn));
}

static int report(struct run *r, enum sp_status st)
{
    return fail_conn(r, r->conn, st);
}

/* A note on stderr that changes nothing (hidden under --json). */
__attribute__((format(printf, 1, 2)))
static void note(const char *fmt, ...)
{
    va_list ap;
    char *msg;

    if (report_json())
        return;
    va_start(ap, fmt);
    msg = xvasprintf(fmt, ap);
    va_end(ap);
    warn("%s", msg);
    free(msg);
}

/* ------------------------------------------------------------ password */

/* The first line of FILE, or a no-echo prompt on the terminal.  Never
 * from the command line.  Returns NULL (after a message) on failure. */
static char *read_password(const struct options *o)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    FILE *f;
    struct termios old, quiet;
    bool tty;

    if (o->password_file != NULL) {
        f = fopen(o->password_file, "r");
        if (f == NULL) {
            warn("cannot read password file %s: %s", o->password_file,
                 strerror(errno));
            return NULL;
        }
        tty = false;
    } else {
        int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

        if (fd < 0 || (f = fdopen(fd, "r+")) == NULL) {
            if (fd >= 0)
                close(fd);
            warn("a password is needed and there is no terminal to ask on: "
                 "use --password-file or --keytab");
            return NULL;
        }
        tty = tcgetattr(fd, &old) == 0;
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        fprintf(f, "Password for %s: ", o->simple ? o->bind_dn : o->principal);
        fflush(f);
        if (tty)
            tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    /* No copy of the password in a stdio buffer. */
    setvbuf(f, NULL, _IONBF, 0);
    n = getline(&line, &cap, f);
    if (tty) {
        tcsetattr(fileno(f), TCSAFLUSH, &old);
        fputc('\n', f);
    }
    fclose(f);
    if (n < 0) {
        explicit_bzero(line, cap);
        free(line);
        warn("empty password%s%s", o->password_file ? " file " : "",
             o->password_file ? o->password_file : "");
        return NULL;
    }
    line[strcspn(line, "\r\n")] = '\0';
    if (*line == '\0') {
        /* A DN with an empty password is an anonymous bind (RFC 4513). */
        free(line);
        warn("empty password%s%s", o->password_file ? " in " : "",
             o->password_file ? o->password_file : "");
        return NULL;
    }
    return line;
}

static void wipe_password(char **pw)
{
    if (*pw == NULL)
        return;
    explicit_bzero(*pw, strlen(*pw));
    free(*pw);
    *pw = NULL;
}

/* ------------------------------------------------------------ accounts */

/* DOMAIN\NAME must name the domain of the DC we talk to. */
static int check_account_domain(struct run *r)
{
    const struct account_ref *ref = &r->job->ref;
    struct sp_domain named, ours;
    enum sp_status st;
    int rc;

    if (ref->domain == NULL)
        return EXIT_DONE;
    st = sp_find_domain(r->conn, ref->domain, &named);
    if (st == SP_OK && strcasecmp(named.nc, sp_conn_base(r->conn)) == 0) {
        sp_domain_free(&named);
        return EXIT_DONE;
    }
    sp_domain_free(&named);
    if (st != SP_OK && st != SP_NOT_FOUND)
        return report(r, st);
    st = sp_find_domain(r->conn, sp_conn_base(r->conn), &ours);
    rc = op_fail("not-found", EXIT_NEGATIVE,
                 "account %s names domain %s, but %s serves domain %s (%s): "
                 "use -H with a DC of %s", r->job->q.account, ref->domain,
                 sp_conn_uri(r->conn),
                 st == SP_OK && ours.netbios ? ours.netbios : "?",
                 st == SP_OK && ours.dns ? ours.dns : sp_conn_base(r->conn),
                 ref->domain);
    sp_domain_free(&ours);
    return rc;
}

static int find_account(struct run *r, struct sp_account *acct)
{
    enum sp_status st;
    int rc = check_account_domain(r);

    memset(acct, 0, sizeof(*acct));
    if (rc != EXIT_DONE)
        return rc;
    st = sp_find_account(r->conn, &r->job->ref, r->job->q.kind, acct);
    if (st == SP_NOT_FOUND) {
        out_no_account(report_text(), r->job->q.account);
        report_op_error(sp_conn_error(r->conn));
        report_op_status("not-found");
        return EXIT_NEGATIVE;
    }
    if (st != SP_OK)
        return report(r, st);
    if (r->o->verbose)
        warn("account lookup read %u page(s)", sp_conn_pages(r->conn));
    report_op_dn(acct->entry.dn);
    return EXIT_DONE;
}

/* The stored spelling of spn on the account: exact first, else any case. */
static const char *stored_value(const struct sp_entry *e, const char *spn)
{
    const char *any = NULL;

    for (size_t i = 0; i < e->nspns; i++) {
        if (strcmp(e->spns[i], spn) == 0)
            return e->spns[i];
        if (any == NULL && spn_equal(e->spns[i], spn))
            any = e->spns[i];
    }
    return any;
}

/* -------------------------------------------------------------- scopes */

static void add_scope(struct run *r, struct sp_conn *conn, const char *base,
                      const char *label)
{
    struct scope *sc;

    for (size_t i = 0; i < r->nscopes; i++)
        if (r->scopes[i].conn == conn
            && strcasecmp(r->scopes[i].base, base) == 0)
            return; /* -T named one domain twice */
    sc = &r->scopes[r->nscopes++];
    sc->conn = conn;
    sc->base = strdup(base);
    sc->label = strdup(label);
    if (sc->base == NULL || sc->label == NULL)
        abort();
}

static void free_scopes(struct run *r)
{
    for (size_t i = 0; i < r->nscopes; i++) {
        free(r->scopes[i].base);
        free(r->scopes[i].label);
    }
    r->nscopes = 0;
}

static int connect_gc(struct run *r)
{
    struct sp_connect_opts gco = r->co;
    char *uri;
    enum sp_status st;

    if (r->gc != NULL)
        return EXIT_DONE;
    gco.gc = true;
    if (strncmp(sp_conn_how(r->conn), "DNS SRV", 7) == 0) {
        /* Found through DNS: so is the forest's Global Catalog. */
        const char *forest = sp_conn_forest(r->conn);

        uri = NULL;
        gco.uri = NULL;
        gco.domain = forest ? dn_to_dns(forest) : NULL;
    } else {
        uri = sp_gc_uri(r->conn);
        if (uri == NULL)
            return op_fail("error", EXIT_DIRECTORY, "cannot derive a Global "
                           "Catalog URI from %s", sp_conn_uri(r->conn));
        gco.uri = uri;
    }
    r->gc = sp_conn_new();
    arm_deadline(r->o->timeout, uri ? uri : "the Global Catalog");
    st = sp_connect(r->gc, &gco);
    alarm(0);
    free(uri);
    if (gco.uri == NULL)
        free((char *)gco.domain);
    if (st != SP_OK) {
        /* Never leave a half-made connection for the next batch line. */
        int rc = fail_conn(r, r->gc, st);

        sp_conn_free(r->gc);
        r->gc = NULL;
        return rc;
    }
    if (r->o->verbose)
        warn("Global Catalog %s, from %s (SSF %u)", sp_conn_uri(r->gc),
             sp_conn_how(r->gc), sp_conn_ssf(r->gc));
    return EXIT_DONE;
}

/* Decides where this command's searches go: -F, -T, or the DC's domain. */
static int set_scopes(struct run *r)
{
    const struct request *q = &r->job->q;
    const char *base = sp_conn_base(r->conn);
    int rc = EXIT_DONE;

    free_scopes(r);
    if (q->forest) {
        const char *forest = sp_conn_forest(r->conn);

        if ((rc = connect_gc(r)) != EXIT_DONE)
            return rc;
        add_scope(r, r->gc, "", forest ? forest : base);
        return EXIT_DONE;
    }
    for (size_t i = 0; i < q->ndomains && rc == EXIT_DONE; i++) {
        const char *name = q->domains[i];
        struct sp_domain d;
        enum sp_status st;

        if (*name == '\0' || strcmp(name, "*") == 0) {
            add_scope(r, r->conn, base, base);
            continue;
        }
        st = sp_find_domain(r->conn, name, &d);
        if (st != SP_OK)
            return report(r, st);
        if (strcasecmp(d.nc, base) == 0) {
            add_scope(r, r->conn, base, base);
        } else {
            /* Another domain's partition: this DC holds it only as part
             * of the Global Catalog. */
            rc = connect_gc(r);
            if (rc == EXIT_DONE)
                add_scope(r, r->gc, d.nc, d.nc);
        }
        sp_domain_free(&d);
    }
    if (rc == EXIT_DONE && r->nscopes == 0)
        add_scope(r, r->conn, base, base);
    return rc;
}

static void print_checking(struct run *r, const struct scope *sc)
{
    out_checking(report_text(), sc->label, r->job->q.forest);
}

/* ---------------------------------------------------------- duplicates */

/*
 * Who already holds what an add would write: the values themselves (any
 * account, the target included), and for HOST/x every alias class/x that
 * sPNMappings maps to host held by another account (that makes Kerberos
 * ambiguous, and DCs refuse it).
 */
struct holders {
    char **exact;  /* the values; points at the caller's */
    size_t nexact;
    char **alias;  /* their alias forms, malloc'd */
    size_t nalias;
    struct sp_entries by_exact, by_alias;
    size_t others;  /* holders other than the target */
    bool target;    /* the target holds one of the values */
};

static void find_alias_forms(struct run *r, struct holders *h)
{
    for (size_t i = 0; i < h->nexact; i++) {
        char **forms;
        size_t nforms;

        if (strncasecmp(h->exact[i], "host/", 5) != 0)
            continue;
        if (!r->aliases_loaded) {
            bool from_dir = false;

            sp_host_aliases(r->conn, &r->aliases, &r->naliases, &from_dir);
            r->aliases_loaded = true;
            if (r->o->verbose)
                warn(from_dir ? "HOST stands for %zu service classes "
                                "(sPNMappings)"
                              : "sPNMappings could not be read: HOST stands "
                                "for Windows' default %zu service classes",
                     r->naliases);
        }
        forms = spn_alias_forms(h->exact[i], r->aliases, r->naliases,
                                &nforms);
        h->alias = realloc(h->alias,
                           (h->nalias + nforms + 1) * sizeof(*h->alias));
        if (h->alias == NULL)
            abort();
        if (nforms > 0)
            memcpy(h->alias + h->nalias, forms, nforms * sizeof(*forms));
        h->nalias += nforms;
        free(forms);
    }
}

static void holders_free(struct holders *h)
{
    sp_entries_free(&h->by_exact);
    sp_entries_free(&h->by_alias);
    spn_strv_free(h->alias, h->nalias);
    memset(h, 0, sizeof(*h));
}

static bool spn_matches_any(const char *spn, char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (spn_equal(spn, v[i]))
            return true;
    return false;
}

static void remember(struct run *r, const char *dn, const char *spn,
                     bool add)
{
    r->pending = xrealloc(r->pending, (r->npending + 1) * sizeof(*r->pending));
    r->pending[r->npending++] = (struct pending){ xstrdup(dn), xstrdup(spn),
                                                  add };
}

/* What earlier lines of a dry run did to dn's spn: 1 added, -1 removed,
 * 0 nothing (the last such line counts). */
static int pending_change(const struct run *r, const char *dn,
                          const char *spn)
{
    for (size_t i = r->npending; i-- > 0;)
        if (strcasecmp(r->pending[i].dn, dn) == 0
            && spn_equal(r->pending[i].spn, spn))
            return r->pending[i].add ? 1 : -1;
    return 0;
}

/* Adds the holders that earlier lines of a dry run would have made, and
 * drops those they would have removed. */
static void add_pending(struct run *r, struct holders *h)
{
    for (size_t i = 0; i < r->npending; i++)
        for (size_t k = 0; k < h->nexact; k++)
            if (r->pending[i].add && spn_equal(r->pending[i].spn, h->exact[k])
                && pending_change(r, r->pending[i].dn, h->exact[k]) > 0) {
                char *one[] = { r->pending[i].spn };

                sp_collect(r->pending[i].dn, one, 1, &h->by_exact);
            }
    for (size_t i = 0; i < h->by_exact.n;) {
        struct sp_entry *e = &h->by_exact.v[i];
        bool gone = true;

        for (size_t k = 0; k < e->nspns && gone; k++)
            gone = pending_change(r, e->dn, e->spns[k]) < 0
                   || !spn_matches_any(e->spns[k], h->exact, h->nexact);
        if (r->npending > 0 && gone) {
            sp_entry_free(e);
            h->by_exact.v[i] = h->by_exact.v[--h->by_exact.n];
        } else {
            i++;
        }
    }
}

/*
 * Looks in every scope for holders of spns[0..n), printing the "Checking"
 * lines if announce.  Returns EXIT_DONE (h filled) or a failure's code.
 */
static int find_holders(struct run *r, char *const *spns, size_t n,
                        const char *target, bool announce,
                        struct holders *h)
{
    memset(h, 0, sizeof(*h));
    h->exact = (char **)spns;
    h->nexact = n;
    find_alias_forms(r, h);
    for (size_t s = 0; s < r->nscopes; s++) {
        const struct scope *sc = &r->scopes[s];
        enum sp_status st;

        if (announce)
            print_checking(r, sc);
        st = sp_search_any(sc->conn, sc->base, h->exact, h->nexact,
                           sp_collect, &h->by_exact);
        if (st == SP_OK && h->nalias > 0)
            st = sp_search_any(sc->conn, sc->base, h->alias, h->nalias,
                               sp_collect, &h->by_alias);
        if (st != SP_OK)
            return fail_conn(r, sc->conn, st);
        if (r->o->verbose)
            warn("duplicate check in %s read %u page(s)", sc->label,
                 sp_conn_pages(sc->conn));
    }
    add_pending(r, h);
    for (size_t i = 0; i < h->by_exact.n; i++) {
        if (strcasecmp(h->by_exact.v[i].dn, target) == 0)
            h->target = true;
        else
            h->others++;
    }
    for (size_t i = 0; i < h->by_alias.n; i++)
        if (strcasecmp(h->by_alias.v[i].dn, target) != 0)
            h->others++;
    return EXIT_DONE;
}

/* Setspn.exe's conflict report: each holder and the values it holds, then
 * the duplicate line. */
static void show_conflict(const struct holders *h, const char *target)
{
    FILE *t = report_text();

    for (size_t i = 0; i < h->by_exact.n; i++) {
        const struct sp_entry *e = &h->by_exact.v[i];

        out_holder_any(t, e->dn, e->spns, e->nspns, h->exact, h->nexact);
        report_op_holder(e->dn, e->spns, e->nspns);
    }
    for (size_t i = 0; i < h->by_alias.n; i++) {
        const struct sp_entry *e = &h->by_alias.v[i];

        if (strcasecmp(e->dn, target) == 0)
            continue;
        out_holder_any(t, e->dn, e->spns, e->nspns, h->alias, h->nalias);
        report_op_holder(e->dn, e->spns, e->nspns);
    }
    out_line(t, "");
    out_line(t, TEXT_DUPLICATE);
}

/* ---------------------------------------------------------------- verbs */

static int do_list(struct run *r)
{
    struct sp_account acct;
    int rc = find_account(r, &acct);

    if (rc == EXIT_DONE) {
        out_list(report_text(), acct.entry.dn, acct.entry.spns,
                 acct.entry.nspns);
        report_op_spns(acct.entry.spns, acct.entry.nspns);
        report_op_status("ok");
    }
    sp_account_free(&acct);
    return rc;
}

/*
 * The DC refused an add.  When it says the value is not unique (or gives a
 * bare constraint violation while a holder exists: a race with another
 * writer), that is a duplicate, reported as the pre-check would.
 */
static int add_refused(struct run *r, enum sp_status st, const char *spn,
                       const char *dn)
{
    char *why = strdup(sp_conn_error(r->conn));
    struct holders h;
    int rc;

    if (why == NULL)
        abort();
    if (st == SP_DUPLICATE || st == SP_CONSTRAINT) {
        char *one[] = { (char *)spn };

        rc = find_holders(r, one, 1, dn, false, &h);
        if (rc == EXIT_DONE && (h.others > 0 || st == SP_DUPLICATE)) {
            show_conflict(&h, dn);
            rc = op_fail("conflict", EXIT_NEGATIVE, "%s", why);
        } else if (rc == EXIT_DONE) {
            rc = op_fail("error", EXIT_NEGATIVE, "%s", why);
        }
        holders_free(&h);
    } else if (st == SP_VALUE_EXISTS) {
        char *q = quote_value(spn);

        rc = op_fail("unchanged", r->job->q.idempotent ? EXIT_DONE
                                                       : EXIT_NEGATIVE,
                     "%s is already registered on %s", q, dn);
        free(q);
    } else {
        rc = report(r, st);
    }
    free(why);
    return rc;
}

/* Writes one value (or, in a dry run, says how it would be written). */
static int add_value(struct run *r, const char *spn, const char *dn)
{
    enum sp_status st;

    if (r->o->dry_run) {
        report_op_ldif(true, dn, spn);
        remember(r, dn, spn, true);
        return EXIT_DONE;
    }
    st = sp_add_spn(r->conn, dn, spn);
    return st == SP_OK ? EXIT_DONE : add_refused(r, st, spn, dn);
}

static void updated(struct run *r, const char *status)
{
    if (!r->o->dry_run)
        out_line(report_text(), TEXT_UPDATED);
    report_op_status(status);
}

static int do_add(struct run *r)
{
    const char *spn = r->job->q.spn;
    struct sp_account acct;
    struct holders h = { 0 };
    int rc = find_account(r, &acct);

    if (rc != EXIT_DONE)
        goto done;
    rc = find_holders(r, (char *const *)&spn, 1, acct.entry.dn, true, &h);
    if (rc != EXIT_DONE)
        goto done;
    if (h.others == 0 && h.target && r->job->q.idempotent) {
        report_op_status("unchanged");
        note("%s already holds %s: nothing to do", acct.entry.dn, spn);
        goto done;
    }
    if (h.others > 0 || h.target) {
        show_conflict(&h, acct.entry.dn);
        report_op_status(h.others > 0 ? "conflict" : "unchanged");
        rc = EXIT_NEGATIVE;
        goto done;
    }
    out_line(report_text(), "");
    out_change(report_text(), true, acct.entry.dn, spn);
    rc = add_value(r, spn, acct.entry.dn);
    if (rc == EXIT_DONE)
        updated(r, "added");
done:
    holders_free(&h);
    sp_account_free(&acct);
    return rc;
}

/* Whether an account other than dn holds spn (in the DC's domain). */
static bool held_elsewhere(struct run *r, const char *spn, const char *dn)
{
    struct sp_entries holders = { 0 };
    bool other = false;

    if (sp_find_holders(r->conn, sp_conn_base(r->conn), spn, false,
                        &holders) == SP_OK)
        for (size_t i = 0; i < holders.n; i++)
            if (strcasecmp(holders.v[i].dn, dn) != 0)
                other = true;
    sp_entries_free(&holders);
    return other;
}

static int absent(struct run *r, const char *dn)
{
    char *q = quote_value(r->job->q.spn);
    int rc;

    if (r->job->q.idempotent) {
        report_op_status("absent");
        note("%s is not registered on %s: nothing to do", q, dn);
        rc = EXIT_DONE;
    } else {
        rc = op_fail("absent", EXIT_NEGATIVE, "cannot remove %s from %s: "
                     "not registered on that account", q, dn);
    }
    free(q);
    return rc;
}

static int do_delete(struct run *r)
{
    struct sp_account acct;
    const char *value;
    enum sp_status st;
    int rc = find_account(r, &acct);

    if (rc != EXIT_DONE)
        goto done;
    value = stored_value(&acct.entry, r->job->q.spn);
    if (r->o->dry_run) {
        /* as it would be after the earlier lines of this dry run */
        int was = pending_change(r, acct.entry.dn, r->job->q.spn);

        if (was < 0)
            value = NULL;
        else if (was > 0 && value == NULL)
            value = r->job->q.spn;
    }
    if (value == NULL) {
        rc = absent(r, acct.entry.dn);
        goto done;
    }
    out_change(report_text(), false, acct.entry.dn, value);
    if (r->o->dry_run) {
        report_op_ldif(false, acct.entry.dn, value);
        remember(r, acct.entry.dn, value, false);
        updated(r, "removed");
        goto done;
    }
    st = sp_delete_spn(r->conn, acct.entry.dn, value);
    if (st == SP_CONSTRAINT && held_elsewhere(r, value, acct.entry.dn)) {
        char *what = NULL;

        st = sp_delete_duplicated(r->conn, acct.entry.dn, value, &what);
        if (what != NULL)
            note("%s", what);
        free(what);
    }
    if (st == SP_OK)
        updated(r, "removed");
    else if (st == SP_NO_SUCH_VALUE)
        rc = absent(r, acct.entry.dn); /* removed meanwhile */
    else
        rc = report(r, st);
done:
    sp_account_free(&acct);
    return rc;
}

struct query_ctx {
    struct run *r;
    size_t found;
};

static enum sp_status print_match(const char *dn, char *const *spns,
                                  size_t n, void *ctx)
{
    struct query_ctx *q = ctx;

    q->found++;
    out_holder(report_text(), dn, spns, n, NULL);
    report_op_holder(dn, spns, n);
    if (q->r->progress && q->found % 1000 == 0)
        fprintf(stderr, "Processing entry %zu\n", q->found);
    return SP_OK;
}

static int do_query(struct run *r)
{
    struct query_ctx q = { r, 0 };

    for (size_t i = 0; i < r->nscopes; i++) {
        const struct scope *sc = &r->scopes[i];
        enum sp_status st;

        print_checking(r, sc);
        st = sp_search_spn(sc->conn, sc->base, r->job->q.spn, true,
                           print_match, &q);
        if (st != SP_OK)
            return fail_conn(r, sc->conn, st);
        if (r->o->verbose)
            warn("query in %s read %u page(s)", sc->label,
                 sp_conn_pages(sc->conn));
    }
    out_line(report_text(), "");
    out_line(report_text(), q.found ? TEXT_EXISTING : TEXT_NO_SUCH);
    report_op_status(q.found ? "ok" : "not-found");
    return q.found ? EXIT_DONE : EXIT_NEGATIVE;
}

static int do_reset(struct run *r)
{
    struct sp_account acct;
    char *want[2] = { NULL, NULL }, *missing[2];
    size_t nmissing = 0;
    struct holders h = { 0 };
    FILE *t = report_text();
    int rc = find_account(r, &acct);

    if (rc != EXIT_DONE)
        goto done;
    if (!acct.computer || acct.sam == NULL) {
        rc = op_fail("invalid", EXIT_NEGATIVE, "cannot reset %s: not a "
                     "computer account", acct.entry.dn);
        goto done;
    }
    if (acct.dns_host == NULL) {
        rc = op_fail("invalid", EXIT_NEGATIVE, "cannot reset %s: the account "
                     "has no dNSHostName", acct.entry.dn);
        goto done;
    }
    if (asprintf(&want[0], "HOST/%.*s", (int)strcspn(acct.sam, "$"),
                 acct.sam) < 0
        || asprintf(&want[1], "HOST/%s", acct.dns_host) < 0)
        abort();
    for (int i = 0; i < 2; i++)
        if (stored_value(&acct.entry, want[i]) == NULL)
            missing[nmissing++] = want[i];
    if (nmissing == 0) {
        report_op_status("unchanged");
        note("%s already holds %s and %s: nothing to do", acct.entry.dn,
             want[0], want[1]);
        goto done;
    }
    rc = find_holders(r, missing, nmissing, acct.entry.dn, true, &h);
    if (rc != EXIT_DONE)
        goto done;
    if (h.others > 0) {
        show_conflict(&h, acct.entry.dn);
        report_op_status("conflict");
        rc = EXIT_NEGATIVE;
        goto done;
    }
    out_line(t, "");
    if (t != NULL)
        fprintf(t, "Registering ServicePrincipalNames for %s\n",
                acct.entry.dn);
    for (size_t i = 0; i < nmissing; i++)
        if (t != NULL)
            fprintf(t, "\t%s\n", missing[i]);
    report_op_spns(missing, nmissing);
    for (size_t i = 0; i < nmissing && rc == EXIT_DONE; i++) {
        rc = add_value(r, missing[i], acct.entry.dn);
        if (rc != EXIT_DONE && i > 0)
            warn("%s was registered before the failure", missing[0]);
    }
    if (rc == EXIT_DONE)
        updated(r, "added");
done:
    holders_free(&h);
    free(want[0]);
    free(want[1]);
    sp_account_free(&acct);
    return rc;
}

struct scan_ctx {
    struct scan *scan;
    bool progress;
};

static enum sp_status scan_entry(const char *dn, char *const *spns, size_t n,
                                 void *ctx)
{
    struct scan_ctx *s = ctx;

    scan_add(s->scan, dn, spns, n);
    if (s->progress && scan_entries(s->scan) % 1000 == 0)
        fprintf(stderr, "Processing entry %zu\n", scan_entries(s->scan));
    return SP_OK;
}

static void print_group(const struct scan_group *g, void *ctx)
{
    (void)ctx;
    out_group(report_text(), g->spn, g->dns, g->ndns);
    report_op_group(g->spn, g->dns, g->ndns);
}

static int do_scan(struct run *r)
{
    struct scan_ctx s = { scan_new(), r->progress };
    size_t groups;

    if (s.progress)
        fprintf(stderr, "Processing entry 0\n");
    for (size_t i = 0; i < r->nscopes; i++) {
        const struct scope *sc = &r->scopes[i];
        enum sp_status st;

        print_checking(r, sc);
        st = sp_search_spn(sc->conn, sc->base, "*", true, scan_entry, &s);
        if (st != SP_OK) {
            scan_free(s.scan);
            return fail_conn(r, sc->conn, st);
        }
        if (r->o->verbose)
            warn("scan of %s read %u page(s); %zu entries so far", sc->label,
                 sp_conn_pages(sc->conn), scan_entries(s.scan));
    }
    out_line(report_text(), "");
    groups = scan_groups(s.scan, print_group, NULL);
    out_scan_total(report_text(), groups);
    report_op_count("entries", scan_entries(s.scan));
    report_op_status(groups ? "conflict" : "ok");
    scan_free(s.scan);
    return groups ? EXIT_NEGATIVE : EXIT_DONE;
}

/* ------------------------------------------------------------ commands */

static const char *verb_name(enum verb v)
{
    static const char *const names[] = {
        [VERB_NONE] = "list",     [VERB_LIST] = "list",
        [VERB_ADD_CHECK] = "add", [VERB_ADD] = "add",
        [VERB_DELETE] = "delete", [VERB_QUERY] = "query",
        [VERB_RESET] = "reset",   [VERB_SCAN] = "scan",
    };
    return names[v];
}

/* Checks every value of a command before anything is sent to a DC.
 * Returns NULL or a malloc'd message naming the bad value. */
static char *validate(struct job *j)
{
    const struct request *q = &j->q;
    const char *why;
    char *msg = NULL, *v;

    if (q->spn != NULL) {
        bool writes = q->verb == VERB_ADD_CHECK || q->verb == VERB_ADD;

        why = writes ? spn_check_write(q->spn) : spn_check_lookup(q->spn);
        if (why != NULL) {
            v = quote_value(q->spn);
            if (asprintf(&msg, "invalid SPN %s: %s", v, why) < 0)
                abort();
            free(v);
            return msg;
        }
    }
    for (size_t i = 0; i < q->ndomains; i++) {
        why = domain_check(q->domains[i]);
        if (why != NULL) {
            v = quote_value(q->domains[i]);
            msg = xasprintf("invalid domain %s for -T: %s", v, why);
            free(v);
            return msg;
        }
    }
    if (q->account != NULL) {
        why = account_parse(q->account, &j->ref);
        if (why != NULL) {
            v = quote_value(q->account);
            if (asprintf(&msg, "invalid account %s: %s", v, why) < 0)
                abort();
            free(v);
        }
    }
    return msg;
}

static int run_job(struct run *r, struct job *j)
{
    int rc;

    r->job = j;
    r->last = SP_OK;
    report_op_begin(verb_name(j->q.verb), j->q.spn, j->q.account, j->line);
    rc = set_scopes(r);
    if (rc != EXIT_DONE)
        goto done;
    switch (j->q.verb) {
    case VERB_ADD_CHECK:
    case VERB_ADD:
        rc = do_add(r);
        break;
    case VERB_DELETE:
        rc = do_delete(r);
        break;
    case VERB_QUERY:
        rc = do_query(r);
        break;
    case VERB_RESET:
        rc = do_reset(r);
        break;
    case VERB_SCAN:
        rc = do_scan(r);
        break;
    default:
        rc = do_list(r);
        break;
    }
done:
    report_op_end();
    return rc;
}

static void free_jobs(struct job *jobs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        account_ref_free(&jobs[i].ref);
        batch_free_words(jobs[i].words, jobs[i].nwords);
    }
    free(jobs);
}

/*
 * Reads and checks every line of a batch before anything is sent.  Returns
 * EXIT_DONE with the commands in *jobs, or EXIT_USAGE after naming every
 * bad line.
 */
static int read_batch(const struct options *o, struct job **jobs,
                      size_t *njobs)
{
    const char *path = o->batch;
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0, rc = EXIT_DONE;

    *jobs = NULL;
    *njobs = 0;
    if (f == NULL) {
        warn("cannot read batch file %s: %s", path, strerror(errno));
        return EXIT_USAGE;
    }
    for (ssize_t len; (len = getline(&line, &cap, f)) >= 0;) {
        struct job j = { .line = ++lineno };
        const char *why = (size_t)len != strlen(line)
                              ? "contains a NUL byte"
                              : batch_split(line, &j.words, &j.nwords);
        char *err = NULL;

        if (why != NULL) {
            warn("batch line %d: %s", lineno, why);
            rc = EXIT_USAGE;
            continue;
        }
        if (j.nwords == 0) {
            batch_free_words(j.words, j.nwords);
            continue;
        }
        err = args_parse_line(j.nwords, j.words, &j.q);
        /* --idempotent on the command line holds for every line. */
        j.q.idempotent = j.q.idempotent || o->req.idempotent;
        if (err == NULL)
            err = validate(&j);
        if (err != NULL) {
            warn("batch line %d: %s", lineno, err);
            report_op_begin("none", NULL, NULL, lineno);
            report_op_error(err);
            report_op_status("invalid");
            report_op_end();
            free(err);
            account_ref_free(&j.ref);
            batch_free_words(j.words, j.nwords);
            rc = EXIT_USAGE;
            continue;
        }
        *jobs = realloc(*jobs, (*njobs + 1) * sizeof(**jobs));
        if (*jobs == NULL)
            abort();
        (*jobs)[(*njobs)++] = j;
    }
    if (ferror(f)) {
        warn("cannot read batch file %s: %s", path, strerror(errno));
        rc = EXIT_USAGE;
    }
    free(line);
    if (f != stdin)
        fclose(f);
    if (rc != EXIT_DONE) {
        free_jobs(*jobs, *njobs);
        *jobs = NULL;
        *njobs = 0;
    }
    return rc;
}

/* Runs every command; the exit status is the most severe of them. */
static int run_jobs(struct run *r, struct job *jobs, size_t n)
{
    size_t done = 0, failed = 0, i;
    int worst = EXIT_DONE;
    bool batch = r->o->batch != NULL;

    for (i = 0; i < n; i++) {
        int rc;

        if (batch && r->progress)
            fprintf(stderr, "Processing line %d (%zu of %zu)\n", jobs[i].line,
                    i + 1, n);
        rc = run_job(r, &jobs[i]);
        if (rc > worst)
            worst = rc;
        if (rc == EXIT_DONE)
            done++;
        else
            failed++;
        /* A lost DC ends the batch; --stop-on-error ends it at any
         * failure. */
        if ((r->last == SP_CONNECT && !sp_conn_alive(r->conn))
            || (rc != EXIT_DONE && r->o->stop_on_error)) {
            i++;
            break;
        }
    }
    if (batch) {
        int *not_run = calloc(n - i + 1, sizeof(*not_run));
        FILE *t = report_text();

        if (not_run == NULL)
            abort();
        for (size_t k = i; k < n; k++)
            not_run[k - i] = jobs[k].line;
        report_batch(n, done, failed, n - i, not_run);
        if (t != NULL) {
            fprintf(t, "Batch: %zu command%s, %zu done, %zu failed, %zu not "
                       "run\n", n, n == 1 ? "" : "s", done, failed, n - i);
            if (i < n) {
                fputs("Not run: lines", t);
                for (size_t k = i; k < n; k++)
                    fprintf(t, "%s %d", k == i ? "" : ",", jobs[k].line);
                fputc('\n', t);
            }
        }
        free(not_run);
    }
    return worst;
}

static int finish(int rc)
{
    if (!report_finish(rc) || fflush(stdout) != 0 || ferror(stdout)) {
        warn("cannot write to standard output");
        if (rc == EXIT_DONE)
            rc = EXIT_DIRECTORY;
    }
    return rc;
}

int main(int argc, char *argv[])
{
    struct options o;
    struct run r = { .o = &o };
    struct job *jobs = NULL;
    size_t njobs = 0;
    enum sp_status st;
    char *password = NULL;
    char *err = args_parse(argc, argv, &o);
    int rc;

    if (err != NULL) {
        warn("%s (try 'setspn -h')", err);
        /* A script that asked for JSON still gets a document. */
        for (int i = 1; i < argc; i++)
            if (strcmp(argv[i], "--json") == 0) {
                report_init(true, false);
                report_error(err);
                free(err);
                return finish(EXIT_USAGE);
            }
        free(err);
        return EXIT_USAGE;
    }
    if (o.help || o.empty) {
        usage(o.empty ? stderr : stdout);
        return o.empty ? EXIT_USAGE : EXIT_DONE;
    }
    if (o.version) {
        printf("setspn %s\n", SETSPN_VERSION);
        return EXIT_DONE;
    }
    report_init(o.json, o.dry_run);
    /* Line by line, so a deadline's _exit() loses nothing already said. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    r.progress = !o.req.no_progress && isatty(STDERR_FILENO);

    if (o.batch != NULL) {
        rc = read_batch(&o, &jobs, &njobs);
    } else {
        jobs = calloc(1, sizeof(*jobs));
        if (jobs == NULL)
            abort();
        jobs[0].q = o.req;
        njobs = 1;
        err = validate(&jobs[0]);
        rc = EXIT_DONE;
        if (err != NULL) {
            warn("%s", err);
            report_op_begin(verb_name(o.req.verb), o.req.spn, o.req.account,
                            0);
            report_op_error(err);
            report_op_status("invalid");
            free(err);
            rc = EXIT_USAGE;
        }
    }
    if (rc != EXIT_DONE)
        goto done;

    if (o.simple || (o.principal != NULL && o.keytab == NULL)) {
        password = read_password(&o);
        if (password == NULL) {
            rc = EXIT_USAGE;
            goto done;
        }
    }
    r.co = (struct sp_connect_opts){
        .uri = o.uri,         .domain = o.domain,
        .timeout = o.timeout, .page_size = o.page_size,
        .min_ssf = (unsigned)o.min_ssf, .starttls = o.starttls,
        .cacert = o.cacert,   .bind_dn = o.simple ? o.bind_dn : NULL,
        .password = password, .keytab = o.keytab,
        .principal = o.principal,
        .on_attempt = rearm_deadline, .attempt_ctx = &o.timeout,
    };
    arm_deadline(o.timeout, o.uri);
    r.conn = sp_conn_new();
    st = sp_connect(r.conn, &r.co);
    /* From here each request is bounded by libldap's own timeouts; a long
     * but healthy scan must not be cut off. */
    alarm(0);
    /* Kerberos holds its ticket now; a simple bind may need it again for
     * the Global Catalog. */
    if (!o.simple) {
        wipe_password(&password);
        r.co.password = NULL;
    }
    if (st != SP_OK) {
        warn("%s", sp_conn_error(r.conn));
        report_error(sp_conn_error(r.conn));
        rc = sp_exit_code(st);
        goto done;
    }
    report_dc(sp_conn_uri(r.conn), sp_conn_base(r.conn));
    if (o.verbose) {
        const char *tls = sp_conn_tls(r.conn);

        warn("connected to %s (from %s) as %s: %s, %s%s, strength %u; "
             "domain %s", sp_conn_uri(r.conn), sp_conn_how(r.conn),
             sp_conn_principal(r.conn),
             o.simple ? "simple bind" : "SASL GSSAPI",
             tls ? "" : "no TLS (SASL sealed)", tls ? tls : "",
             sp_conn_ssf(r.conn), sp_conn_base(r.conn));
    }
    rc = run_jobs(&r, jobs, njobs);
    if (o.dry_run)
        note("dry run: nothing was written");
done:
    free_scopes(&r);
    for (size_t i = 0; i < r.npending; i++) {
        free(r.pending[i].dn);
        free(r.pending[i].spn);
    }
    free(r.pending);
    spn_strv_free(r.aliases, r.naliases);
    free_jobs(jobs, njobs);
    sp_conn_free(r.gc);
    sp_conn_free(r.conn);
    creds_release();
    wipe_password(&password);
    return finish(rc);
}
