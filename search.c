#include "search.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ahead.h"
#include "filter.h"
#include "page.h"
#include "quote.h"
#include "wire.h"
#include "xalloc.h"

/* libldap takes attribute names and OIDs as non-const char *. */
static char A_SPN[] = "servicePrincipalName";

/* A page's DNs, hashed (FNV-1a), to see a server send one page again. */
static uint64_t page_hash(struct conn *c, LDAPMessage *res, size_t *n)
{
    uint64_t h = 14695981039346656037u;

    *n = 0;
    for (LDAPMessage *e = ldap_first_entry(conn_ld(c), res); e != NULL;
         e = ldap_next_entry(conn_ld(c), e), ++*n) {
        char *dn = ldap_get_dn(conn_ld(c), e);

        for (const char *p = dn ? dn : ""; ; p++) {
            h = (h ^ (unsigned char)*p) * 1099511628211u;
            if (*p == '\0')
                break;
        }
        ldap_memfree(dn);
    }
    return h;
}

/* Continuation references (the DC's other partitions, other domains) are
 * never followed: libldap would follow them with an anonymous bind, and
 * the caller's credentials are not for whatever server they name.  The
 * connection keeps them for the verbs to tell the user. */
static void keep_references(struct conn *c, LDAPMessage *res)
{
    for (LDAPMessage *r = ldap_first_reference(conn_ld(c), res); r != NULL;
         r = ldap_next_reference(conn_ld(c), r)) {
        char **refs = NULL;

        if (ldap_parse_reference(conn_ld(c), r, &refs, NULL, 0)
            == LDAP_SUCCESS)
            for (size_t i = 0; refs != NULL && refs[i] != NULL; i++)
                conn_add_reference(c, refs[i]);
        ldap_memvfree((void **)refs);
    }
}

/* The answer to the first page of this search, in *res (NULL, and the
 * LDAP code in *rc, on failure), if it was sent ahead on its own for the
 * current line and is the whole answer; false if not.  A server keeps
 * only a few paged searches open per connection (Samba ten), and the
 * searches sent after this one may have pushed it out: a search that
 * needs more pages starts again, now. */
static bool take_prefetched(struct conn *c, const char *key,
                            LDAPMessage **res, int *rc)
{
    int msgid = ahead_take(c, key);

    if (msgid < 0)
        return false;
    *rc = page_wait(c, msgid, res);
    if (*res != NULL && page_more(c, *res)) {
        ldap_msgfree(*res);
        *res = NULL;
        return false;
    }
    if (*res != NULL)
        ahead_used(c);
    return true;
}

/* A line's search answered by a group sent ahead (ahead.h): its entries,
 * and the group's references, which the line's own search would have
 * met too (they name the partitions under the base, whatever the
 * filter). */
static enum status from_group(struct conn *c, const struct ahead_answer *a,
                              search_raw_fn fn, void *ctx)
{
    enum status st = ST_OK;

    conn_count_page(c, true);
    for (size_t i = 0; i < a->n && st == ST_OK; i++)
        st = fn(c, a->entries[i], ctx);
    keep_references(c, a->res);
    return st;
}

/* Runs one paged search (every search is paged: Windows DCs cap unpaged
 * results at 1,000), calling fn for every entry.  A server that sends the
 * same page again (a repeated cookie), or a run past --max-time, ends it:
 * an endless server would otherwise keep it going forever. */
enum status search_paged(struct conn *c, const char *base,
                                   int scope, const char *filter,
                                   char **attrs, search_raw_fn fn, void *ctx)
{
    struct berval cookie = { 0, NULL };
    enum status st = ST_OK;
    bool first = true;
    char *what = xasprintf("searching %s for %s", base, filter);
    char *key = ahead_key(base, scope, filter, attrs);
    uint64_t last_hash = 0;
    size_t last_n = 0;
    struct ahead_answer grouped;

    if (ahead_grouped(c, key, &grouped)) {
        st = from_group(c, &grouped, fn, ctx);
        free(what);
        free(key);
        return st;
    }

    do {
        LDAPControl **rctrls = NULL, *rc_page;
        LDAPMessage *res = NULL;
        char *diag = NULL, **refs = NULL;
        int rc = LDAP_SUCCESS, err = LDAP_SUCCESS, msgid;
        ber_int_t estimate;
        struct berval sent = cookie;
        uint64_t hash;
        size_t n;

        cookie.bv_val = NULL;
        cookie.bv_len = 0;
        if (!first || !take_prefetched(c, key, &res, &rc)) {
            rc = page_send(c, base, scope, filter, attrs, &sent, &msgid);
            if (rc == LDAP_SUCCESS)
                rc = page_wait(c, msgid, &res);
        }
        if (res == NULL) {
            st = conn_fail_ld(c, OP_READ, rc, what);
            ber_memfree(sent.bv_val);
            break;
        }
        conn_count_page(c, first);
        hash = page_hash(c, res, &n);
        if (!first && n > 0 && n == last_n && hash == last_hash)
            st = conn_fail(c, ST_DIRECTORY, "%s: the server sent the same "
                                            "page again (its paging cookie "
                                            "repeats): it would never end",
                           what);
        last_hash = hash;
        last_n = n;
        first = false;
        for (LDAPMessage *e = ldap_first_entry(conn_ld(c), res);
             e != NULL && st == ST_OK; e = ldap_next_entry(conn_ld(c), e))
            st = fn(c, e, ctx);
        keep_references(c, res);
        rc = ldap_parse_result(conn_ld(c), res, &err, NULL, &diag, &refs,
                               &rctrls, 1);
        if (st == ST_OK && rc == LDAP_SUCCESS && err == LDAP_REFERRAL
            && refs != NULL && refs[0] != NULL) {
            char *q = quote_value(refs[0]);

            st = conn_fail(c, ST_CONNECT, "%s: %s refers the search to %s, "
                           "which setspn does not follow (it would not "
                           "send your credentials there): use -H with a "
                           "DC that holds %s", what, conn_uri(c), q, base);
            free(q);
        } else if (st == ST_OK && (rc != LDAP_SUCCESS || err != LDAP_SUCCESS))
            st = conn_fail_ldap(c, OP_READ, rc != LDAP_SUCCESS ? rc : err, diag,
                           what);
        ldap_memfree(diag);
        ldap_memvfree((void **)refs);
        refs = NULL;
        rc_page = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, rctrls, NULL);
        if (st == ST_OK && rc_page != NULL
            && ldap_parse_pageresponse_control(conn_ld(c), rc_page, &estimate,
                                               &cookie) != LDAP_SUCCESS)
            st = conn_fail(c, ST_DIRECTORY, "%s: bad paged-results response", what);
        ldap_controls_free(rctrls);
        if (st == ST_OK && n == 0 && cookie.bv_len > 0
            && cookie.bv_len == sent.bv_len
            && memcmp(cookie.bv_val, sent.bv_val, sent.bv_len) == 0)
            st = conn_fail(c, ST_DIRECTORY, "%s: the server sent an empty "
                                            "page and the same paging cookie "
                                            "again: it would never end",
                           what);
        ber_memfree(sent.bv_val);
        if (st == ST_OK && cookie.bv_len > 0 && conn_over_time(c))
            st = conn_fail(c, ST_DIRECTORY, "%s: stopped after --max-time "
                                            "(the whole run's limit)", what);
    } while (st == ST_OK && cookie.bv_len > 0);
    ber_memfree(cookie.bv_val);
    free(what);
    free(key);
    return st;
}

/* The servicePrincipalName values of one entry, copied with their
 * lengths (a value may hold a NUL). */
struct spn_list {
    char **v; /* NULL-terminated */
    size_t *lens;
    size_t n, cap;
};

static void list_add(struct spn_list *l, struct berval **v)
{
    for (size_t i = 0; v != NULL && v[i] != NULL; i++) {
        size_t len = (size_t)v[i]->bv_len;
        char *copy = xrealloc(NULL, len + 1);

        if (l->n + 2 > l->cap) {
            l->cap = l->cap ? l->cap * 2 : 16;
            l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
            l->lens = xrealloc(l->lens, l->cap * sizeof(*l->lens));
        }
        memcpy(copy, v[i]->bv_val, len);
        copy[len] = '\0';
        l->lens[l->n] = len;
        l->v[l->n++] = copy;
        l->v[l->n] = NULL;
    }
}

static void list_free(struct spn_list *l)
{
    xstrv_free(l->v, l->n);
    free(l->lens);
    memset(l, 0, sizeof(*l));
}

/* The attribute to ask for: servicePrincipalName, or its first range of
 * --value-range values. */
char *search_spn_attr(struct conn *c, unsigned long from)
{
    int r = conn_value_range(c);

    if (r <= 0 && from == 0)
        return xstrdup(A_SPN);
    if (r <= 0)
        return xasprintf("%s;range=%lu-*", A_SPN, from);
    return xasprintf("%s;range=%lu-%lu", A_SPN, from,
                     from + (unsigned long)r - 1);
}

/* Reads e's servicePrincipalName values into l.  Where the server sent
 * only a range of them (a Windows DC sends at most MaxValRange, 1,500 by
 * default, as servicePrincipalName;range=0-1499), returns the position of
 * the next value in *next; else *next is 0. */
static enum status read_values(struct conn *c, LDAPMessage *e,
                               unsigned long from, struct spn_list *l,
                               unsigned long *next)
{
    BerElement *ber = NULL;
    bool seen = false;
    enum status st = ST_OK;

    *next = 0;
    for (char *a = ldap_first_attribute(conn_ld(c), e, &ber); a != NULL;
         a = ldap_next_attribute(conn_ld(c), e, ber)) {
        unsigned long lo, hi;
        bool to_end, ranged = wire_range(a, A_SPN, &lo, &hi, &to_end);

        if (st == ST_OK && !seen
            && (ranged || strcasecmp(a, A_SPN) == 0)) {
            struct berval **v = ldap_get_values_len(conn_ld(c), e, a);
            size_t before = l->n;

            seen = true;
            list_add(l, v);
            ldap_value_free_len(v);
            if (ranged && lo != from)
                st = conn_fail(c, ST_DIRECTORY, "asked for values of %s "
                               "from %lu, the server sent them from %lu",
                               A_SPN, from, lo);
            else if (ranged && !to_end && l->n == before)
                st = conn_fail(c, ST_DIRECTORY, "the server sent an empty "
                               "range %lu-%lu of %s", lo, hi, A_SPN);
            else if (ranged && !to_end)
                *next = lo + (unsigned long)(l->n - before);
        }
        ldap_memfree(a);
    }
    ber_free(ber, 0);
    return st;
}

/* The rest of a ranged attribute, one base search of dn a range. */
struct range_read {
    struct spn_list *list;
    unsigned long from, next;
    bool found;
};

static enum status range_entry(struct conn *c, LDAPMessage *e, void *ctx)
{
    struct range_read *r = ctx;

    r->found = true;
    return read_values(c, e, r->from, r->list, &r->next);
}

/* One object's attributes, without the paged-results control: a range
 * is read in the middle of a paged search, and a new paged search on the
 * same connection ends the one under way on Samba ("Unwilling to perform"
 * from dsdb_paged_results). */
static enum status read_base(struct conn *c, const char *dn, char **attrs,
                             search_raw_fn fn, void *ctx)
{
    struct timeval tv = { conn_timeout(c), 0 };
    LDAPMessage *res = NULL;
    char *diag = NULL, *what;
    int rc, err = LDAP_SUCCESS;
    enum status st = ST_OK;

    what = xasprintf("reading %s of %s", attrs[0], dn);
    rc = ldap_search_ext_s(conn_ld(c), dn, LDAP_SCOPE_BASE, "(objectClass=*)",
                           attrs, 0, NULL, NULL, conn_timeout(c) ? &tv : NULL,
                           LDAP_NO_LIMIT, &res);
    if (res == NULL) {
        st = conn_fail_ld(c, OP_READ, rc, what);
    } else {
        for (LDAPMessage *e = ldap_first_entry(conn_ld(c), res);
             e != NULL && st == ST_OK; e = ldap_next_entry(conn_ld(c), e))
            st = fn(c, e, ctx);
        rc = ldap_parse_result(conn_ld(c), res, &err, NULL, &diag, NULL,
                               NULL, 1);
        if (st == ST_OK && (rc != LDAP_SUCCESS || err != LDAP_SUCCESS))
            st = conn_fail_ldap(c, OP_READ, rc != LDAP_SUCCESS ? rc : err,
                                diag, what);
        ldap_memfree(diag);
    }
    free(what);
    return st;
}

/* Reads e's servicePrincipalName values into l, following the ranges to
 * the end.  THE one place SPN values are read from a search entry. */
static enum status spn_values(struct conn *c, LDAPMessage *e,
                              struct spn_list *l)
{
    struct range_read r = { l, 0, 0, false };
    enum status st = read_values(c, e, 0, l, &r.next);
    char *dn = r.next > 0 ? ldap_get_dn(conn_ld(c), e) : NULL;

    while (st == ST_OK && r.next > 0 && dn != NULL) {
        char *attr = search_spn_attr(c, r.next);
        char *attrs[] = { attr, NULL };

        r.from = r.next;
        r.found = false;
        st = read_base(c, dn, attrs, range_entry, &r);
        if (st == ST_OK && !r.found)
            r.next = 0; /* gone meanwhile: what was read is all */
        free(attr);
    }
    ldap_memfree(dn);
    return st;
}

/* Hands an entry's DN and SPNs to an entry_fn. */
struct spn_adapter {
    entry_fn fn;
    void *ctx;
};

static enum status adapt_entry(struct conn *c, LDAPMessage *e, void *ctx)
{
    struct spn_adapter *a = ctx;
    char *dn = ldap_get_dn(conn_ld(c), e);
    struct spn_list l = { 0 };
    enum status st = spn_values(c, e, &l);

    if (st == ST_OK)
        st = a->fn(dn ? dn : "", l.v, l.lens, l.n, a->ctx);
    list_free(&l);
    ldap_memfree(dn);
    return st;
}

/* Copies an entry's DN and SPNs out of a search result. */
enum status search_entry_load(struct conn *c, LDAPMessage *e,
                              struct entry *dst)
{
    char *dn = ldap_get_dn(conn_ld(c), e);
    struct spn_list l = { 0 };
    enum status st = spn_values(c, e, &l);

    if (st == ST_OK)
        entry_set(dst, dn ? dn : "", l.v, l.lens, l.n);
    list_free(&l);
    ldap_memfree(dn);
    return st;
}

/* The filter of search_values: one value, or an OR of them. */
static char *values_filter(char *const *values, size_t n, bool wildcard)
{
    return n == 1 ? filter_equals(A_SPN, values[0], wildcard)
                  : filter_any(A_SPN, values, n);
}

/* A subtree search of base by filter for servicePrincipalName, handing
 * each entry's DN and SPNs (all their ranges) to fn. */
static enum status search_spns(struct conn *c, const char *base,
                               const char *filter, entry_fn fn, void *ctx)
{
    char *attr = search_spn_attr(c, 0);
    char *attrs[] = { attr, NULL };
    struct spn_adapter a = { fn, ctx };
    enum status st = search_paged(c, base, LDAP_SCOPE_SUBTREE, filter, attrs,
                                  adapt_entry, &a);

    free(attr);
    return st;
}

enum status search_values(struct conn *c, const char *base, char *const *values,
                          size_t n, bool wildcard, entry_fn fn, void *ctx)
{
    char *filter;
    enum status st;

    if (n == 0)
        return ST_OK; /* nothing to look for */
    filter = values_filter(values, n, wildcard);
    st = search_spns(c, base, filter, fn, ctx);
    free(filter);
    return st;
}

enum status search_values_len(struct conn *c, const char *base,
                              char *const *values, const size_t *lens,
                              size_t n, entry_fn fn, void *ctx)
{
    char *filter;
    enum status st;

    if (n == 0)
        return ST_OK;
    filter = filter_any_len(A_SPN, values, lens, n);
    st = search_spns(c, base, filter, fn, ctx);
    free(filter);
    return st;
}

void search_prefetch_values(struct conn *c, long job, const char *base,
                            char *const *values, size_t n)
{
    char *attr, *attrs[2], *filter;

    if (n == 0)
        return;
    attrs[0] = attr = search_spn_attr(c, 0);
    attrs[1] = NULL;
    /* the very search search_values will make, so it finds the answer */
    filter = values_filter(values, n, false);
    if (conn_value_range(c) > 0) /* the values come as ;range=: alone */
        ahead_search(c, job, base, LDAP_SCOPE_SUBTREE, filter, attrs);
    else
        ahead_group(c, job, base, filter, attrs, A_SPN, values, n);
    free(attr);
    free(filter);
}
