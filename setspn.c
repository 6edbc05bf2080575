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
#include <strings.h>
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

/* Where -S, -A, -R, -Q and -X look: the domain, the forest's Global
 * Catalog (-F), or the domains named with -T. */
struct scope {
    struct sp_conn *conn; /* the DC, or the Global Catalog */
    char *base;           /* search base */
    char *label;          /* the DN in "Checking domain/forest ..." */
};

struct run {
    const struct options *o;
    struct sp_conn *conn;
    struct sp_conn *gc;     /* Global Catalog, connected when needed */
    struct account_ref ref; /* parsed before connecting */
    bool progress;          /* stderr is a terminal and no -P */
    struct scope scopes[MAX_DOMAINS];
    size_t nscopes;
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

/* DOMAIN\NAME must name the domain of the DC we talk to. */
static int check_account_domain(struct run *r)
{
    struct sp_domain named, ours;
    enum sp_status st;
    int rc = EXIT_DONE;

    if (r->ref.domain == NULL)
        return EXIT_DONE;
    st = sp_find_domain(r->conn, r->ref.domain, &named);
    if (st == SP_OK && strcasecmp(named.nc, sp_conn_base(r->conn)) == 0)
        goto done;
    if (st != SP_OK && st != SP_NOT_FOUND) {
        rc = report(r, st);
        goto done;
    }
    st = sp_find_domain(r->conn, sp_conn_base(r->conn), &ours);
    warn("account %s names domain %s, but %s serves domain %s (%s): use -H "
         "with a DC of %s", r->o->req.account, r->ref.domain,
         sp_conn_uri(r->conn), st == SP_OK ? ours.netbios : "?",
         st == SP_OK ? ours.dns : sp_conn_base(r->conn), r->ref.domain);
    sp_domain_free(&ours);
    rc = EXIT_NEGATIVE;
done:
    sp_domain_free(&named);
    return rc;
}

static int find_account(struct run *r, struct sp_account *acct)
{
    enum sp_status st;
    int rc = check_account_domain(r);

    memset(acct, 0, sizeof(*acct));
    if (rc != EXIT_DONE)
        return rc;
    st = sp_find_account(r->conn, &r->ref, r->o->req.kind, acct);

    if (st == SP_NOT_FOUND) {
        out_no_account(stdout, r->o->req.account);
        return EXIT_NEGATIVE;
    }
    return st == SP_OK ? EXIT_DONE : report(r, st);
}

static void add_scope(struct run *r, struct sp_conn *conn, const char *base,
                      const char *label)
{
    struct scope *sc;

    for (size_t i = 0; i < r->nscopes; i++)
        if (r->scopes[i].conn == conn && strcasecmp(r->scopes[i].base, base) == 0)
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

static int connect_gc(struct run *r, const struct sp_connect_opts *co)
{
    struct sp_connect_opts gco = *co;
    char *uri;
    enum sp_status st;

    if (r->gc != NULL)
        return EXIT_DONE;
    uri = sp_gc_uri(r->conn);
    if (uri == NULL)
        die(EXIT_USAGE, "cannot derive a Global Catalog URI from %s",
            sp_conn_uri(r->conn));
    gco.uri = uri;
    r->gc = sp_conn_new();
    st = sp_connect(r->gc, &gco);
    free(uri);
    if (st != SP_OK) {
        warn("%s", sp_conn_error(r->gc));
        return sp_exit_code(st);
    }
    if (r->o->verbose)
        warn("Global Catalog %s (SSF %u)", sp_conn_uri(r->gc),
             sp_conn_ssf(r->gc));
    return EXIT_DONE;
}

/* Decides where searches go: -F, -T, or the DC's own domain. */
static int set_scopes(struct run *r, const struct sp_connect_opts *co)
{
    const struct request *q = &r->o->req;
    const char *base = sp_conn_base(r->conn);
    int rc;

    if (q->forest) {
        const char *forest = sp_conn_forest(r->conn);

        if ((rc = connect_gc(r, co)) != EXIT_DONE)
            return rc;
        add_scope(r, r->gc, "", forest ? forest : base);
        return EXIT_DONE;
    }
    for (size_t i = 0; i < q->ndomains; i++) {
        const char *name = q->domains[i];
        struct sp_domain d;
        enum sp_status st;

        if (*name == '\0' || strcmp(name, "*") == 0) {
            add_scope(r, r->conn, base, base);
            continue;
        }
        st = sp_find_domain(r->conn, name, &d);
        if (st != SP_OK) {
            warn("-T: %s", sp_conn_error(r->conn));
            return sp_exit_code(st);
        }
        if (strcasecmp(d.nc, base) == 0) {
            add_scope(r, r->conn, base, base);
        } else {
            /* Another domain's partition: this DC holds it only as part
             * of the Global Catalog. */
            rc = connect_gc(r, co);
            if (rc == EXIT_DONE)
                add_scope(r, r->gc, d.nc, d.nc);
        }
        sp_domain_free(&d);
        if (rc != EXIT_DONE)
            return rc;
    }
    if (r->nscopes == 0)
        add_scope(r, r->conn, base, base);
    return EXIT_DONE;
}

static void print_checking(struct run *r, const struct scope *sc)
{
    out_checking(stdout, sc->label, r->o->req.forest);
}

/* Reports a failure of the connection a scope uses. */
static int report_scope(const struct scope *sc, enum sp_status st)
{
    warn("%s", sp_conn_error(sc->conn));
    return sp_exit_code(st);
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
 * The values that would collide with adding spns[0..n) to target: the
 * values themselves, and for HOST/x every alias class/x that sPNMappings
 * maps to host (held by another account, it makes Kerberos ambiguous).
 */
struct collisions {
    char **exact;   /* points at the caller's values */
    size_t nexact;
    char **alias;   /* malloc'd */
    size_t nalias;
};

static void find_collisions(struct run *r, char *const *spns, size_t n,
                            struct collisions *col)
{
    char **aliases = NULL;
    size_t naliases = 0;
    bool from_dir = false, loaded = false;

    memset(col, 0, sizeof(*col));
    col->exact = (char **)spns;
    col->nexact = n;
    for (size_t i = 0; i < n; i++) {
        char **forms;
        size_t nforms;

        if (strncasecmp(spns[i], "host/", 5) != 0)
            continue;
        if (!loaded) {
            sp_host_aliases(r->conn, &aliases, &naliases, &from_dir);
            loaded = true;
            if (r->o->verbose)
                warn(from_dir ? "HOST stands for %zu service classes "
                                "(sPNMappings)"
                              : "sPNMappings could not be read: HOST stands "
                                "for Windows' default %zu service classes",
                     naliases);
        }
        forms = spn_alias_forms(spns[i], aliases, naliases, &nforms);
        col->alias = realloc(col->alias,
                             (col->nalias + nforms + 1) * sizeof(char *));
        if (col->alias == NULL)
            abort();
        memcpy(col->alias + col->nalias, forms, nforms * sizeof(char *));
        col->nalias += nforms;
        free(forms);
    }
    spn_strv_free(aliases, naliases);
}

/*
 * Looks for holders of spns (any account) and of their HOST aliases (other
 * accounts) in every scope, before a write.  Prints the "Checking" lines
 * (if announce), then any holders and the duplicate line (EXIT_NEGATIVE); EXIT_DONE if
 * the values are free.
 */
static int check_free(struct run *r, char *const *spns, size_t n,
                      const char *target, bool announce)
{
    struct collisions col;
    size_t found = 0;
    int rc = EXIT_DONE;

    find_collisions(r, spns, n, &col);
    for (size_t s = 0; s < r->nscopes && rc == EXIT_DONE; s++) {
        const struct scope *sc = &r->scopes[s];
        struct sp_entries exact = { 0 }, alias = { 0 };
        enum sp_status st;

        if (announce)
            print_checking(r, sc);
        st = sp_search_any(sc->conn, sc->base, col.exact, col.nexact,
                           sp_collect, &exact);
        if (st == SP_OK && col.nalias > 0)
            st = sp_search_any(sc->conn, sc->base, col.alias, col.nalias,
                               sp_collect, &alias);
        if (st != SP_OK) {
            rc = report_scope(sc, st);
        } else {
            if (r->o->verbose)
                warn("duplicate check in %s read %u page(s)", sc->label,
                     sp_conn_pages(sc->conn));
            for (size_t i = 0; i < exact.n; i++, found++)
                out_holder_any(stdout, exact.v[i].dn, exact.v[i].spns,
                               exact.v[i].nspns, col.exact, col.nexact);
            for (size_t i = 0; i < alias.n; i++)
                if (strcasecmp(alias.v[i].dn, target) != 0) {
                    out_holder_any(stdout, alias.v[i].dn, alias.v[i].spns,
                                   alias.v[i].nspns, col.alias, col.nalias);
                    found++;
                }
        }
        sp_entries_free(&exact);
        sp_entries_free(&alias);
    }
    if (rc == EXIT_DONE && found > 0) {
        out_line(stdout, "");
        out_line(stdout, TEXT_DUPLICATE);
        rc = EXIT_NEGATIVE;
    }
    spn_strv_free(col.alias, col.nalias);
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
        char *one[] = { (char *)spn };

        rc = check_free(r, one, 1, dn, false);
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
    rc = check_free(r, (char *const *)&spn, 1, acct.entry.dn, true);
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
    if (st == SP_CONSTRAINT && held_elsewhere(r, value, acct.entry.dn)) {
        char *note = NULL;

        st = sp_delete_duplicated(r->conn, acct.entry.dn, value, &note);
        if (note != NULL)
            warn("%s", note);
        free(note);
    }
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

    for (size_t i = 0; i < r->nscopes; i++) {
        const struct scope *sc = &r->scopes[i];
        enum sp_status st;

        print_checking(r, sc);
        st = sp_search_spn(sc->conn, sc->base, r->o->req.spn, true,
                           print_match, &q);
        if (st != SP_OK)
            return report_scope(sc, st);
        if (r->o->verbose)
            warn("query in %s read %u page(s)", sc->label,
                 sp_conn_pages(sc->conn));
    }
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
    {
        char *check[2];
        size_t n = 0;

        for (int i = 0; i < 2; i++)
            if (missing[i])
                check[n++] = want[i];
        rc = check_free(r, check, n, acct.entry.dn, true);
    }
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

    if (s.progress)
        fprintf(stderr, "Processing entry 0\n");
    for (size_t i = 0; i < r->nscopes; i++) {
        const struct scope *sc = &r->scopes[i];

        print_checking(r, sc);
        st = sp_search_spn(sc->conn, sc->base, "*", true, scan_entry, &s);
        if (st != SP_OK) {
            scan_free(s.scan);
            return report_scope(sc, st);
        }
        if (r->o->verbose)
            warn("scan of %s read %u page(s); %zu entries so far", sc->label,
                 sp_conn_pages(sc->conn), scan_entries(s.scan));
    }
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
    /* Line by line, so a deadline's _exit() loses nothing already said. */
    setvbuf(stdout, NULL, _IOLBF, 0);
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

    rc = set_scopes(&r, &co);
    if (rc != EXIT_DONE)
        goto done;
    /* From here each request is bounded by libldap's own timeouts; a long
     * but healthy scan must not be cut off. */
    alarm(0);

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
    free_scopes(&r);
    sp_conn_free(r.gc);
    sp_conn_free(r.conn);
    account_ref_free(&r.ref);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        warn("cannot write to standard output");
        if (rc == EXIT_DONE)
            rc = EXIT_DIRECTORY;
    }
    return rc;
}
