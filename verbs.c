#include "verbs.h"
#include "verbs_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ahead.h"
#include "msg.h"
#include "quote.h"
#include "refusal.h"
#include "report.h"
#include "rights.h"
#include "scan.h"
#include "spn.h"
#include "acctinfo.h"
#include "verify.h"
#include "writekt.h"
#include "xalloc.h"


void verbs_checking(const struct scope *sc)
{
    report(&(struct event){ .kind = EV_CHECKING, .label = sc->label,
                            .forest = sc->forest });
}

static void holder(const struct entry *e, char *const *only, size_t nonly)
{
    report(&(struct event){ .kind = EV_HOLDER, .dn = e->dn,
                            .values = e->spns, .lens = e->lens,
                            .nvalues = e->nspns, .only = only, .nonly = nonly });
}

static void change(bool add, const char *dn, char *const *spns, size_t n)
{
    report(&(struct event){ .kind = EV_CHANGE, .add = add, .dn = dn,
                            .values = spns, .nvalues = n });
}

/* ---------------------------------------------------------- duplicates */

static bool any_host(char *const *spns, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strncasecmp(spns[i], "host/", 5) == 0)
            return true;
    return false;
}

/*
 * Looks in every scope for holders of spns[0..n) and of their HOST alias
 * forms, reporting the "Checking" lines if announce, and settles the plan
 * against the dry run's pending changes.
 */
static enum status find_holders(struct ctx *c, char *const *spns, size_t n,
                                const char *target, bool announce,
                                struct plan_holders *h)
{
    char *const *aliases = NULL;
    size_t naliases = 0;

    if (any_host(spns, n))
        session_host_aliases(c->s, &aliases, &naliases);
    plan_holders_init(h, spns, n, aliases, naliases);
    for (size_t i = 0; i < c->s->nscopes; i++) {
        const struct scope *sc = &c->s->scopes[i];
        enum status st;

        if (announce)
            verbs_checking(sc);
        st = search_values(sc->conn, sc->base, h->exact, h->nexact, false,
                        entries_collect, &h->by_exact);
        if (st == ST_OK)
            st = search_values(sc->conn, sc->base, h->alias, h->nalias, false,
                            entries_collect, &h->by_alias);
        if (st != ST_OK)
            return session_fail(sc->conn, st);
        if (c->o->verbose)
            warn("duplicate check in %s read %u page(s)", sc->label,
                 conn_pages(sc->conn));
    }
    plan_holders_settle(h, &c->v->pending, target);
    return ST_OK;
}

/* Setspn.exe's conflict report: each holder and the values it holds, then
 * the duplicate line; then, on stderr and in JSON, the value that was
 * being added and why it cannot be. */
static void show_conflict(const struct plan_holders *h, const char *target)
{
    const char *adding = NULL, *held = NULL, *dn = NULL;

    for (size_t i = 0; i < h->by_exact.n; i++)
        holder(&h->by_exact.v[i], h->exact, h->nexact);
    for (size_t i = 0; i < h->by_alias.n; i++)
        if (strcasecmp(h->by_alias.v[i].dn, target) != 0)
            holder(&h->by_alias.v[i], h->alias, h->nalias);
    report_line(EV_CHECKED);
    report_line(EV_DUPLICATE);
    if (plan_first_conflict(h, target, &adding, &held, &dn)) {
        char *qa = quote_display(adding, strlen(adding));
        char *qh = quote_display(held, strlen(held));
        char *qd = quote_display(dn, strlen(dn));
        char *qt = quote_display(target, strlen(target));
        const char *slash = strchr(held, '/');
        char *msg;

        if (strcasecmp(adding, held) == 0)
            msg = xasprintf("cannot add %s to %s: %s holds it already",
                            qa, qt, qd);
        else
            msg = xasprintf("cannot add %s to %s: %s holds %s, an alias of "
                            "%s (sPNMappings: HOST stands for %.*s), and "
                            "one name may have one holder",
                            qa, qt, qd, qh, qa,
                            (int)(slash ? slash - held : 0), held);
        report(&(struct event){ .kind = EV_FAILURE, .text = msg,
                                .value = adding });
        free(msg);
        free(qa);
        free(qh);
        free(qd);
        free(qt);
    }
}

/* ---------------------------------------------------------------- -L */

static enum status do_list(struct ctx *c)
{
    struct dir_account acct;
    enum status st = session_find_account(c->s, c->job, &acct);

    if (st == ST_OK)
        report(&(struct event){ .kind = EV_LIST, .dn = acct.entry.dn,
                                .values = acct.entry.spns,
                                .lens = acct.entry.lens,
                                .nvalues = acct.entry.nspns });
    dir_account_free(&acct);
    return st;
}

/* ----------------------------------------------------------- -S -A -R */

/*
 * A duplicate the DC saw beyond the scopes searched (Windows' 000021C7: a
 * holder in another domain of the forest): look for one[0] in the Global
 * Catalog, as -F would have.  True if holders were found (they are in h,
 * which keeps pointing at one).
 */
static bool forest_holders(struct ctx *c, char *const *one, const char *dn,
                           struct plan_holders *h)
{
    struct conn *gc;

    for (size_t i = 0; i < c->s->nscopes; i++)
        if (c->s->scopes[i].forest)
            return false; /* already searched */
    if (session_gc(c->s, &gc) != ST_OK)
        return false; /* reported */
    plan_holders_free(h);
    plan_holders_init(h, one, 1, NULL, 0);
    if (search_values(gc, "", h->exact, h->nexact, false, entries_collect,
                      &h->by_exact) != ST_OK)
        return false;
    plan_holders_settle(h, &c->v->pending, dn);
    return h->others > 0;
}

/*
 * A write refused for want of a right (or by the validated write's rule):
 * what the caller may do on the account, read now, says which case it is
 * and what an admin can do.  False if it is none of these.
 */
static bool explain_refusal(struct ctx *c, const char *spn, const char *dn)
{
    struct rights rt;
    const char *diag;
    struct refusal r = { .spn = spn, .dn = dn };
    char *msg;

    r.ldap_rc = conn_last_result(c->s->conn, &diag);
    r.diag = diag;
    if (r.ldap_rc != 50 && r.ldap_rc != 19)
        return false;
    rights_read(c->s->conn, dn, &rt);
    r.caller = rt.caller;
    r.caller_sid = rt.caller_sid;
    r.caller_is_target = rt.self;
    r.read = rt.read;
    r.may_write = rt.may_write;
    r.sam = rt.sam;
    r.dns_host = rt.dns_host;
    r.add_dns = rt.add_dns;
    r.nadd_dns = rt.nadd_dns;
    r.add_sam = rt.add_sam;
    r.nadd_sam = rt.nadd_sam;
    r.samba = rt.samba;
    msg = refusal_explain(&r);
    if (msg != NULL) {
        /* the case is the failure; the remedy's lines are notes */
        char *nl = strchr(msg, '\n'), *line;

        if (nl != NULL)
            *nl = '\0';
        report(&(struct event){ .kind = EV_FAILURE, .text = msg,
                                .value = spn });
        for (line = nl; line != NULL; line = nl) {
            line++;
            nl = strchr(line, '\n');
            if (nl != NULL)
                *nl = '\0';
            report_note("%s", line);
        }
    }
    free(msg);
    rights_free(&rt);
    return msg != NULL;
}

/*
 * The DC refused an add.  When it says the value is not unique (or gives a
 * bare constraint violation while a holder exists: a race with another
 * writer), that is a duplicate, reported as the pre-check would; when it
 * is about rights, the reads of explain_refusal say which right is
 * missing.  The DC's own text is said then with -v.
 */
static enum status add_refused(struct ctx *c, enum status st, const char *spn,
                               const char *dn)
{
    char *why = xstrdup(conn_error(c->s->conn));
    char *one[] = { (char *)spn };
    struct plan_holders h = { 0 };
    enum status found;
    char *q;

    switch (st) {
    case ST_DUPLICATE:
    case ST_REFUSED:
        found = find_holders(c, one, 1, dn, false, &h);
        if (found != ST_OK) {
            st = found; /* reported */
            break;
        }
        if (h.others == 0 && st == ST_DUPLICATE
            && forest_holders(c, one, dn, &h)) {
            show_conflict(&h, dn);
            report_note("found in the Global Catalog: the DC checks the "
                        "whole forest, as setspn -F -S does before it "
                        "writes");
            if (c->o->verbose)
                report_note("the DC said: %s", why);
            break;
        }
        if (h.others > 0 || st == ST_DUPLICATE) {
            show_conflict(&h, dn);
            if (h.others == 0)
                report_failure("%s", why);
            else if (c->o->verbose)
                report_note("the DC said: %s", why);
            st = ST_DUPLICATE;
            break;
        }
        /* the validated write's rule (Samba: 19) */
        __attribute__((fallthrough));
    case ST_ACCESS:
        if (explain_refusal(c, spn, dn)) {
            if (c->o->verbose)
                report_note("the DC said: %s", why);
        } else {
            report_failure("%s", why);
        }
        break;
    case ST_UNCHANGED:
        q = quote_value(spn);
        report_failure("%s is already registered on %s", q, dn);
        free(q);
        break;
    default:
        report_failure("%s", why);
        break;
    }
    plan_holders_free(&h);
    free(why);
    return st;
}

/* Writes one value (or, in a dry run, says how it would be written). */
static enum status add_value(struct ctx *c, const char *spn, const char *dn)
{
    if (c->o->dry_run) {
        report(&(struct event){ .kind = EV_LDIF, .add = true, .dn = dn,
                                .value = spn });
    } else {
        enum status st = dir_add_spn(c->s->conn, dn, spn);

        if (st != ST_OK)
            return add_refused(c, st, spn, dn);
    }
    plan_remember(&c->v->pending, dn, spn, true); /* later lines see it */
    return ST_OK;
}

static enum status do_add(struct ctx *c)
{
    char *spn[] = { (char *)c->q->spn };
    struct dir_account acct;
    struct plan_holders h = { 0 };
    enum status st = session_find_account(c->s, c->job, &acct);

    if (st != ST_OK)
        goto done;
    st = find_holders(c, spn, 1, acct.entry.dn, true, &h);
    if (st != ST_OK)
        goto done;
    if (h.others == 0 && h.target && c->q->idempotent) {
        report_note("%s already holds %s: nothing to do", acct.entry.dn,
                    spn[0]);
        st = ST_UNCHANGED;
        goto done;
    }
    if (h.others > 0 || h.target) {
        show_conflict(&h, acct.entry.dn);
        st = h.others > 0 ? ST_DUPLICATE : ST_UNCHANGED;
        goto done;
    }
    report_line(EV_CHECKED);
    change(true, acct.entry.dn, spn, 1);
    st = add_value(c, spn[0], acct.entry.dn);
    if (st == ST_OK) {
        report_line(EV_UPDATED);
        st = ST_ADDED;
    }
done:
    plan_holders_free(&h);
    dir_account_free(&acct);
    return st;
}

/* Adds HOST/<host> to want unless it is there (in any case); a
 * sAMAccountName goes without its '$'. */
static void want_host(char ***want, size_t *n, const char *host, bool sam)
{
    char *v = xasprintf("HOST/%.*s",
                        (int)(sam ? strcspn(host, "$") : strlen(host)), host);

    for (size_t k = 0; k < *n; k++)
        if (strcasecmp((*want)[k], v) == 0) {
            free(v);
            return;
        }
    *want = xrealloc(*want, (*n + 1) * sizeof(**want));
    (*want)[(*n)++] = v;
}

/* The HOST/ names -R registers for a computer: its name and dNSHostName,
 * and the names it answers to besides (msDS-AdditionalSamAccountName,
 * msDS-AdditionalDnsHostName: cluster and alias names). */
static void reset_names(const struct dir_account *acct,
                        const struct dir_account_info *more, char ***want,
                        size_t *n)
{
    *want = NULL;
    *n = 0;
    want_host(want, n, acct->sam, true);
    want_host(want, n, acct->dns_host, false);
    for (size_t i = 0; i < more->nmore_sams; i++)
        want_host(want, n, more->more_sams[i], true);
    for (size_t i = 0; i < more->nmore_hosts; i++)
        want_host(want, n, more->more_hosts[i], false);
}

static enum status do_reset(struct ctx *c)
{
    struct dir_account acct;
    struct dir_account_info more;
    char **want = NULL, **missing = NULL;
    size_t nwant = 0, nmissing = 0;
    struct plan_holders h = { 0 };
    enum status st = session_find_account(c->s, c->job, &acct);

    memset(&more, 0, sizeof(more));
    if (st != ST_OK)
        goto done;
    if (!acct.computer || acct.sam == NULL || acct.dns_host == NULL) {
        report_failure("cannot reset %s: %s", acct.entry.dn,
                       acct.dns_host == NULL && acct.computer && acct.sam
                           ? "the account has no dNSHostName"
                           : "not a computer account");
        st = ST_UNSUITABLE;
        goto done;
    }
    st = dir_read_account_info(c->s->conn, acct.entry.dn, &more);
    if (st != ST_OK) {
        st = session_fail(c->s->conn, st);
        goto done;
    }
    reset_names(&acct, &more, &want, &nwant);
    missing = xcalloc(nwant, sizeof(*missing));
    for (size_t i = 0; i < nwant; i++) {
        int was = plan_pending_change(&c->v->pending, acct.entry.dn,
                                      want[i]);

        if (was < 0 || (was == 0 && plan_stored_value(&acct.entry, want[i])
                                        == NULL))
            missing[nmissing++] = want[i];
    }
    if (nmissing == 0) {
        char *list = xstrdup("");

        for (size_t i = 0; i < nwant; i++) {
            char *l = xasprintf("%s%s%s", list,
                                i == 0 ? "" : i + 1 == nwant ? " and " : ", ",
                                want[i]);

            free(list);
            list = l;
        }
        report_note("%s already holds %s: nothing to do", acct.entry.dn,
                    list);
        free(list);
        st = ST_UNCHANGED;
        goto done;
    }
    st = find_holders(c, missing, nmissing, acct.entry.dn, true, &h);
    if (st != ST_OK)
        goto done;
    if (h.others > 0) {
        show_conflict(&h, acct.entry.dn);
        st = ST_DUPLICATE;
        goto done;
    }
    report_line(EV_CHECKED);
    change(true, acct.entry.dn, missing, nmissing);
    for (size_t i = 0; i < nmissing && st == ST_OK; i++) {
        st = add_value(c, missing[i], acct.entry.dn);
        if (st != ST_OK && i > 0)
            warn("%s was registered before the failure", missing[0]);
    }
    if (st == ST_OK) {
        report_line(EV_UPDATED);
        st = ST_ADDED;
    }
done:
    plan_holders_free(&h);
    free(missing);
    xstrv_free(want, nwant);
    dir_account_info_free(&more);
    dir_account_free(&acct);
    return st;
}

/* ---------------------------------------------------------------- -D */

/* Whether an account other than dn holds spn (in the DC's domain). */
static bool held_elsewhere(struct ctx *c, const char *spn, const char *dn)
{
    struct entries holders = { 0 };
    char *one[] = { (char *)spn };
    bool other = false;

    if (search_values(c->s->conn, conn_base(c->s->conn), one, 1, false,
                   entries_collect, &holders) == ST_OK)
        for (size_t i = 0; i < holders.n; i++)
            if (strcasecmp(holders.v[i].dn, dn) != 0)
                other = true;
    entries_free(&holders);
    return other;
}

static enum status absent(struct ctx *c, const char *dn)
{
    char *q = quote_value(c->q->spn);

    if (c->q->idempotent)
        report_note("%s is not registered on %s: nothing to do", q, dn);
    else
        report_failure("cannot remove %s from %s: not registered on that "
                       "account", q, dn);
    free(q);
    return ST_ABSENT;
}

static enum status do_delete(struct ctx *c)
{
    struct dir_account acct;
    const char *value = NULL;
    size_t len = 0;
    long k;
    char *one[1];
    enum status st = session_find_account(c->s, c->job, &acct);

    if (st != ST_OK)
        goto done;
    /* as typed, or as -L printed it */
    k = plan_stored_index(&acct.entry, c->q->spn);
    if (k >= 0) {
        value = acct.entry.spns[k];
        len = acct.entry.lens[k];
    }
    {
        /* as it is (or, in a dry run, would be) after the earlier lines
         * of this run, which an answer read ahead does not show */
        int was = plan_pending_change(&c->v->pending, acct.entry.dn,
                                      c->q->spn);

        if (was < 0) {
            value = NULL;
        } else if (was > 0 && value == NULL) {
            value = c->q->spn;
            len = strlen(value);
        }
    }
    if (value == NULL) {
        st = absent(c, acct.entry.dn);
        goto done;
    }
    one[0] = (char *)value;
    report(&(struct event){ .kind = EV_CHANGE, .add = false,
                            .dn = acct.entry.dn, .values = one,
                            .lens = &len, .nvalues = 1 });
    if (c->o->dry_run) {
        report(&(struct event){ .kind = EV_LDIF, .dn = acct.entry.dn,
                                .value = value, .value_len = len });
        st = ST_OK;
    } else {
        st = dir_delete_value(c->s->conn, acct.entry.dn, value, len);
        if (st == ST_REFUSED && held_elsewhere(c, value, acct.entry.dn)) {
            char *what = NULL;

            st = dir_delete_duplicated(c->s->conn, acct.entry.dn, value,
                                       &what);
            if (what != NULL)
                report_note("%s", what);
            free(what);
        }
    }
    if (st == ST_OK) { /* later lines see it gone */
        plan_remember(&c->v->pending, acct.entry.dn, value, false);
        report_line(EV_UPDATED);
        st = ST_REMOVED;
    } else if (st == ST_ABSENT) {
        st = absent(c, acct.entry.dn); /* removed meanwhile */
    } else {
        session_fail(c->s->conn, st);
    }
done:
    dir_account_free(&acct);
    return st;
}

/* ---------------------------------------------------------------- -Q */

/* A search of -Q or -X that failed, or that a signal stopped. */
enum status verbs_read_failed(const struct scope *sc, enum status st)
{
    if (st != ST_INTERRUPTED)
        return session_fail(sc->conn, st);
    report_failure("interrupted while reading %s: the answer is incomplete",
                   sc->label);
    return st;
}

struct query {
    bool progress;
    size_t found;
};

static enum status print_match(const char *dn, char *const *spns,
                               const size_t *lens, size_t n, void *ctx)
{
    struct query *q = ctx;

    if (session_stop_signal() != 0)
        return ST_INTERRUPTED;
    q->found++;
    report(&(struct event){ .kind = EV_HOLDER, .dn = dn, .values = spns,
                            .lens = lens, .nvalues = n });
    if (q->progress && q->found % 1000 == 0)
        fprintf(stderr, "Processing entry %zu\n", q->found);
    return ST_OK;
}

static enum status do_query(struct ctx *c)
{
    struct query q = { c->v->progress, 0 };
    char *spn[] = { (char *)c->q->spn };

    for (size_t i = 0; i < c->s->nscopes; i++) {
        const struct scope *sc = &c->s->scopes[i];
        enum status st;

        verbs_checking(sc);
        st = search_values(sc->conn, sc->base, spn, 1, true, print_match, &q);
        if (st != ST_OK)
            return verbs_read_failed(sc, st);
        if (c->o->verbose)
            warn("query in %s read %u page(s)", sc->label,
                 conn_pages(sc->conn));
    }
    report_line(EV_CHECKED);
    report(&(struct event){ .kind = EV_QUERY_DONE, .count = q.found });
    return q.found ? ST_OK : ST_NOT_FOUND;
}

/* ------------------------------------------------------------ --verify */

/* The account named (if any) is found as for every verb; the checks are
 * verify.c's. */
static enum status do_verify(struct ctx *c)
{
    struct dir_account acct = { 0 };
    enum status st = ST_OK;

    if (c->q->account != NULL)
        st = session_find_account(c->s, c->job, &acct);
    if (st == ST_OK)
        st = verify_run(c->s, c->job, acct.entry.dn);
    dir_account_free(&acct);
    return st;
}

/* ------------------------------------------------------------ dispatch */

enum status verbs_run(struct verbs *v, const struct job *j)
{
    struct ctx c = { v, v->s, j, &j->q, v->s->o };
    enum status st;

    report_begin(args_verb_name(j->q.verb), j->q.spn, j->q.account, j->line);
    st = session_scopes(v->s, &j->q);
    if (st == ST_OK) {
        switch (j->q.verb) {
        case VERB_ADD_CHECK:
        case VERB_ADD:
            st = do_add(&c);
            break;
        case VERB_DELETE:
            st = do_delete(&c);
            break;
        case VERB_QUERY:
            st = do_query(&c);
            break;
        case VERB_RESET:
            st = do_reset(&c);
            break;
        case VERB_SCAN:
            st = verbs_scan(&c);
            break;
        case VERB_VERIFY:
            st = do_verify(&c);
            break;
        case VERB_KEYTAB:
            st = writekt_run(v->s, j);
            break;
        case VERB_LIST:
        case VERB_NONE:
            st = do_list(&c);
            break;
        }
    }
    session_references(v->s);
    report_outcome(st);
    report_end();
    return st;
}

static void prefetch_one(struct verbs *v, const struct job *j, long id)
{
    struct session *s = v->s;
    const char *base = conn_base(s->conn);
    char *spn[] = { (char *)j->q.spn };
    struct plan_holders h = { 0 };
    char *const *aliases = NULL;
    size_t naliases = 0;

    switch (j->q.verb) {
    case VERB_ADD_CHECK:
    case VERB_ADD:
    case VERB_DELETE:
    case VERB_RESET:
        break;
    default:
        return; /* -L and -Q show the directory as it is when they run */
    }
    dir_prefetch_account(s->conn, id, &j->ref, j->q.kind);
    if ((j->q.verb != VERB_ADD_CHECK && j->q.verb != VERB_ADD)
        || j->q.forest || j->q.ndomains > 0)
        return;
    /* find_holders' searches in the domain's scope (the alias forms only
     * once sPNMappings is read: reading it may report) */
    if (any_host(spn, 1)) {
        if (!s->aliases_loaded)
            return;
        session_host_aliases(s, &aliases, &naliases);
    }
    plan_holders_init(&h, spn, 1, aliases, naliases);
    search_prefetch_values(s->conn, id, base, h.exact, h.nexact);
    search_prefetch_values(s->conn, id, base, h.alias, h.nalias);
    plan_holders_free(&h);
}

void verbs_prefetch(struct verbs *v, const struct job *jobs, size_t from,
                    size_t to)
{
    for (size_t i = from; i < to; i++)
        prefetch_one(v, &jobs[i], (long)i + 1);
    ahead_flush(v->s->conn);
}

void verbs_line(struct verbs *v, long id)
{
    ahead_job(v->s->conn, id);
}

void verbs_free(struct verbs *v)
{
    plan_pending_free(&v->pending);
}
