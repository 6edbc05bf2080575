/*
 * setspn: read and change the servicePrincipalName attribute of Active
 * Directory accounts, as Setspn.exe does, from Unix.
 *
 * The front end: parse and validate, connect, run one verb, print.  All
 * directory work is in ldap_ops.c; all Setspn.exe text in output.c.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "ldap_ops.h"
#include "msg.h"
#include "output.h"
#include "scan.h"
#include "spn.h"

#ifndef SETSPN_VERSION
#define SETSPN_VERSION "unknown"
#endif

struct run {
    const struct options *o;
    struct sp_conn *conn;
    struct account_ref ref; /* parsed before connecting */
    bool progress;          /* stderr is a terminal and no -P */
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
"  -h, -?, --help   this help;  --version  the version\n"
"\n"
"ACCOUNT is NAME, NAME$, DOMAIN\\NAME, a user principal name or a DN.\n"
"Exit status: 0 done or found, 1 negative answer (not found, duplicate),\n"
"2 usage or invalid input, 3 authentication or access, 4 connection or\n"
"directory failure.  See setspn(1).\n",
          f);
}

/* The deadline: krb5 has no request timeout of its own, so a stuck KDC or
 * DC would hang a script forever. */
static char alarm_text[256];
static size_t alarm_len;

static void on_alarm(int sig)
{
    (void)sig;
    if (write(STDERR_FILENO, alarm_text, alarm_len) < 0) {
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
    alarm_len = n > 0 && (size_t)n < sizeof(alarm_text) ? (size_t)n
                                                          : sizeof(alarm_text) - 1;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    alarm((unsigned)seconds);
}

/* Reports a failure of ldap_ops and returns its exit code. */
static int report(struct run *r, enum sp_status st)
{
    warn("%s", sp_conn_error(r->conn));
    return sp_exit_code(st);
}

static int find_account(struct run *r, struct sp_account *acct)
{
    enum sp_status st = sp_find_account(r->conn, &r->ref, r->o->req.kind,
                                        acct);

    if (st == SP_NOT_FOUND) {
        out_no_account(stdout, r->o->req.account);
        return EXIT_NEGATIVE;
    }
    return st == SP_OK ? EXIT_DONE : report(r, st);
}

static const char *search_base(struct run *r)
{
    return sp_conn_base(r->conn);
}

static int do_list(struct run *r)
{
    struct sp_account acct;
    int rc = find_account(r, &acct);

    if (rc == EXIT_DONE)
        out_list(stdout, acct.entry.dn, acct.entry.spns, acct.entry.nspns);
    sp_account_free(&acct);
    return rc;
}

/*
 * Looks for holders of spn before a write.  Prints them and the duplicate
 * line if any (EXIT_NEGATIVE); EXIT_DONE if the SPN is free.
 */
static int check_free(struct run *r, const char *spn)
{
    struct sp_entries holders = { 0 };
    enum sp_status st = sp_find_holders(r->conn, search_base(r), spn, false,
                                        &holders);
    int rc = EXIT_DONE;

    if (st != SP_OK)
        return report(r, st);
    if (r->o->verbose)
        warn("duplicate check for %s read %u page(s)", spn,
             sp_conn_pages(r->conn));
    for (size_t i = 0; i < holders.n; i++)
        out_holder(stdout, holders.v[i].dn, holders.v[i].spns,
                   holders.v[i].nspns, spn);
    if (holders.n > 0) {
        out_line(stdout, "");
        out_line(stdout, TEXT_DUPLICATE);
        rc = EXIT_NEGATIVE;
    }
    sp_entries_free(&holders);
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
    int rc;

    if (why == NULL)
        abort();
    if (st == SP_DUPLICATE || st == SP_CONSTRAINT) {
        rc = check_free(r, spn);
        if (rc == EXIT_DONE && st == SP_DUPLICATE) {
            /* no exact holder: the DC's alias rule (HOST/x vs http/x) */
            out_line(stdout, "");
            out_line(stdout, TEXT_DUPLICATE);
        }
        warn("%s", why);
        rc = EXIT_NEGATIVE;
    } else if (st == SP_VALUE_EXISTS) {
        char *q = quote_value(spn);

        warn("%s is already registered on %s", q, dn);
        free(q);
        rc = EXIT_NEGATIVE;
    } else {
        warn("%s", why);
        rc = sp_exit_code(st);
    }
    free(why);
    return rc;
}

static int add_one(struct run *r, const char *spn, const char *dn)
{
    enum sp_status st = sp_add_spn(r->conn, dn, spn);

    if (st != SP_OK)
        return add_refused(r, st, spn, dn);
    return EXIT_DONE;
}

static int do_add(struct run *r)
{
    const char *spn = r->o->req.spn;
    struct sp_account acct;
    int rc = find_account(r, &acct);

    if (rc != EXIT_DONE)
        goto done;
    out_checking(stdout, search_base(r), false);
    rc = check_free(r, spn);
    if (rc != EXIT_DONE)
        goto done;
    out_line(stdout, "");
    out_change(stdout, true, acct.entry.dn, spn);
    rc = add_one(r, spn, acct.entry.dn);
    if (rc == EXIT_DONE)
        out_line(stdout, TEXT_UPDATED);
done:
    sp_account_free(&acct);
    return rc;
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

static int do_delete(struct run *r)
{
    struct sp_account acct;
    const char *value;
    enum sp_status st;
    int rc = find_account(r, &acct);

    if (rc != EXIT_DONE)
        goto done;
    value = stored_value(&acct.entry, r->o->req.spn);
    if (value == NULL) {
        char *q = quote_value(r->o->req.spn);

        warn("cannot remove %s from %s: not registered on that account", q,
             acct.entry.dn);
        free(q);
        rc = EXIT_NEGATIVE;
        goto done;
    }
    out_change(stdout, false, acct.entry.dn, value);
    st = sp_delete_spn(r->conn, acct.entry.dn, value);
    if (st == SP_OK)
        out_line(stdout, TEXT_UPDATED);
    else
        rc = report(r, st);
done:
    sp_account_free(&acct);
    return rc;
}

struct query_ctx {
    size_t found;
};

static enum sp_status print_match(const char *dn, char *const *spns,
                                  size_t n, void *ctx)
{
    struct query_ctx *q = ctx;

    q->found++;
    out_holder(stdout, dn, spns, n, NULL);
    return SP_OK;
}

static int do_query(struct run *r)
{
    struct query_ctx q = { 0 };
    enum sp_status st;

    out_checking(stdout, search_base(r), false);
    st = sp_search_spn(r->conn, search_base(r), r->o->req.spn, true,
                       print_match, &q);
    if (st != SP_OK)
        return report(r, st);
    if (r->o->verbose)
        warn("query read %u page(s)", sp_conn_pages(r->conn));
    out_line(stdout, "");
    out_line(stdout, q.found ? TEXT_EXISTING : TEXT_NO_SUCH);
    return q.found ? EXIT_DONE : EXIT_NEGATIVE;
}

static int do_reset(struct run *r)
{
    struct sp_account acct;
    char *want[2] = { NULL, NULL };
    bool missing[2];
    int rc = find_account(r, &acct);

    if (rc != EXIT_DONE)
        goto done;
    if (!acct.computer || acct.sam == NULL) {
        warn("cannot reset %s: not a computer account", acct.entry.dn);
        rc = EXIT_NEGATIVE;
        goto done;
    }
    if (acct.dns_host == NULL) {
        warn("cannot reset %s: the account has no dNSHostName",
             acct.entry.dn);
        rc = EXIT_NEGATIVE;
        goto done;
    }
    if (asprintf(&want[0], "HOST/%.*s", (int)strcspn(acct.sam, "$"),
                 acct.sam) < 0
        || asprintf(&want[1], "HOST/%s", acct.dns_host) < 0)
        abort();
    for (int i = 0; i < 2; i++)
        missing[i] = stored_value(&acct.entry, want[i]) == NULL;
    if (!missing[0] && !missing[1]) {
        warn("%s already holds %s and %s: nothing to do", acct.entry.dn,
             want[0], want[1]);
        goto done;
    }
    out_checking(stdout, search_base(r), false);
    for (int i = 0; i < 2 && rc == EXIT_DONE; i++)
        if (missing[i])
            rc = check_free(r, want[i]);
    if (rc != EXIT_DONE)
        goto done;
    out_line(stdout, "");
    fprintf(stdout, "Registering ServicePrincipalNames for %s\n",
            acct.entry.dn);
    for (int i = 0; i < 2; i++)
        if (missing[i])
            fprintf(stdout, "\t%s\n", want[i]);
    for (int i = 0; i < 2 && rc == EXIT_DONE; i++)
        if (missing[i])
            rc = add_one(r, want[i], acct.entry.dn);
    if (rc == EXIT_DONE)
        out_line(stdout, TEXT_UPDATED);
done:
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
    fprintf(stdout, "%s is registered on these accounts:\n", g->spn);
    for (size_t i = 0; i < g->ndns; i++)
        fprintf(stdout, "\t%s\n", g->dns[i]);
    out_line(stdout, "");
}

static int do_scan(struct run *r)
{
    struct scan_ctx s = { scan_new(), r->progress };
    enum sp_status st;
    size_t groups;

    out_checking(stdout, search_base(r), false);
    if (s.progress)
        fprintf(stderr, "Processing entry 0\n");
    st = sp_search_spn(r->conn, search_base(r), "*", true, scan_entry, &s);
    if (st != SP_OK) {
        scan_free(s.scan);
        return report(r, st);
    }
    if (r->o->verbose)
        warn("scan read %zu entries in %u page(s)", scan_entries(s.scan),
             sp_conn_pages(r->conn));
    out_line(stdout, "");
    groups = scan_groups(s.scan, print_group, NULL);
    fprintf(stdout, "found %zu group of duplicate SPNs.\n", groups);
    scan_free(s.scan);
    return groups ? EXIT_NEGATIVE : EXIT_DONE;
}

/* Checks every value before anything is sent to a DC. */
static void validate(struct run *r)
{
    const struct request *q = &r->o->req;
    const char *why;

    if (q->spn != NULL) {
        bool writes = q->verb == VERB_ADD_CHECK || q->verb == VERB_ADD;

        why = writes ? spn_check_write(q->spn) : spn_check_lookup(q->spn);
        if (why != NULL)
            die(EXIT_USAGE, "invalid SPN %s: %s", quote_value(q->spn), why);
    }
    if (q->account != NULL) {
        why = account_parse(q->account, &r->ref);
        if (why != NULL)
            die(EXIT_USAGE, "invalid account %s: %s",
                quote_value(q->account), why);
    }
}

int main(int argc, char *argv[])
{
    struct options o;
    struct run r = { .o = &o };
    struct sp_connect_opts co;
    enum sp_status st;
    char *err = args_parse(argc, argv, &o);
    int rc;

    if (err != NULL) {
        warn("%s (try 'setspn -h')", err);
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
    validate(&r);
    r.progress = !o.req.no_progress && isatty(STDERR_FILENO);

    co = (struct sp_connect_opts){ .uri = o.uri, .timeout = o.timeout,
                                   .page_size = o.page_size, .min_ssf = 56 };
    arm_deadline(o.timeout, o.uri);
    r.conn = sp_conn_new();
    st = sp_connect(r.conn, &co);
    if (st != SP_OK) {
        rc = report(&r, st);
        goto done;
    }
    if (o.verbose)
        warn("connected to %s as %s (SASL GSSAPI, SSF %u); domain %s",
             sp_conn_uri(r.conn), sp_conn_principal(r.conn),
             sp_conn_ssf(r.conn), sp_conn_base(r.conn));

    switch (o.req.verb) {
    case VERB_LIST:
        rc = do_list(&r);
        break;
    case VERB_ADD_CHECK:
    case VERB_ADD:
        rc = do_add(&r);
        break;
    case VERB_DELETE:
        rc = do_delete(&r);
        break;
    case VERB_QUERY:
        rc = do_query(&r);
        break;
    case VERB_RESET:
        rc = do_reset(&r);
        break;
    case VERB_SCAN:
    default:
        rc = do_scan(&r);
        break;
    }
done:
    alarm(0);
    sp_conn_free(r.conn);
    account_ref_free(&r.ref);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        warn("cannot write to standard output");
        if (rc == EXIT_DONE)
            rc = EXIT_DIRECTORY;
    }
    return rc;
}
