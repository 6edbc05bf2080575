#include "ldap_ops.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldap.h>

#include "discover.h"
#include "filter.h"
#include "quote.h"
#include "spn.h"
#include "wire.h"
#include "xalloc.h"

/* libldap takes attribute names and OIDs as non-const char *. */
static char A_NC_NAME[] = "nCName";
static char A_DNS_ROOT[] = "dnsRoot";
static char A_NETBIOS[] = "nETBIOSName";
static char A_SPN_MAPPINGS[] = "sPNMappings";
static char A_META[] = "replPropertyMetaData";
static char A_SPN[] = "servicePrincipalName";
static char A_SAM[] = "sAMAccountName";
static char A_DNSHOST[] = "dNSHostName";
static char A_OBJECTCLASS[] = "objectClass";
static char OID_PAGED[] = LDAP_CONTROL_PAGEDRESULTS;

typedef enum status (*raw_entry_fn)(struct conn *c, LDAPMessage *e,
                                       void *ctx);

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

/* Runs one paged search (every search is paged: Windows DCs cap unpaged
 * results at 1,000), calling fn for every entry.  A server that sends the
 * same page again (a repeated cookie), or a run past --max-time, ends it:
 * an endless server would otherwise keep it going forever. */
/* A search, named exactly: base, scope, filter and attributes. */
static char *search_key(const char *base, int scope, const char *filter,
                        char **attrs)
{
    char *key = xasprintf("%d\x01%s\x01%s", scope, base, filter), *k;

    for (size_t i = 0; attrs != NULL && attrs[i] != NULL; i++) {
        k = xasprintf("%s\x01%s", key, attrs[i]);
        free(key);
        key = k;
    }
    return key;
}

/* The whole answer to msgid in *res; an LDAP result code when there is
 * none. */
static int wait_result(struct conn *c, int msgid, struct timeval *tv,
                       LDAPMessage **res)
{
    int rc = ldap_result(conn_ld(c), msgid, LDAP_MSG_ALL, tv, res);

    if (rc > 0)
        return LDAP_SUCCESS; /* the result code is parsed from *res */
    if (rc == 0) {
        ldap_abandon_ext(conn_ld(c), msgid, NULL, NULL);
        *res = NULL;
        return LDAP_TIMEOUT;
    }
    *res = NULL;
    rc = LDAP_OTHER;
    ldap_get_option(conn_ld(c), LDAP_OPT_RESULT_CODE, &rc);
    return rc;
}

/* ldap_search_ext_s, in two steps. */
static int search_wait(struct conn *c, const char *base, int scope,
                       const char *filter, char **attrs,
                       LDAPControl **sctrls, struct timeval *tv,
                       LDAPMessage **res)
{
    int msgid;
    int rc = ldap_search_ext(conn_ld(c), base, scope, filter, attrs, 0,
                             sctrls, NULL, tv, LDAP_NO_LIMIT, &msgid);

    *res = NULL;
    return rc != LDAP_SUCCESS ? rc : wait_result(c, msgid, tv, res);
}

/* The answer to the first page of this search if it was sent ahead for
 * the current command (conn_prefetch_take); -1 if it was not. */
static int take_prefetched(struct conn *c, const char *key,
                           LDAPMessage **res)
{
    struct timeval tv = { conn_timeout(c), 0 };
    int msgid = conn_prefetch_take(c, key);

    if (msgid < 0)
        return -1;
    return wait_result(c, msgid, conn_timeout(c) ? &tv : NULL, res);
}

/* Sends the first page of a search ahead, for command job. */
static void prefetch(struct conn *c, long job, const char *base, int scope,
                     const char *filter, char **attrs)
{
    LDAPControl pctrl = { OID_PAGED, { 0, NULL }, 1 };
    LDAPControl *sctrls[] = { &pctrl, NULL };
    struct berval cookie = { 0, NULL };
    struct timeval tv = { conn_timeout(c), 0 };
    int msgid;

    if (conn_ld(c) == NULL
        || ldap_create_page_control_value(conn_ld(c), conn_page_size(c),
                                          &cookie, &pctrl.ldctl_value)
               != LDAP_SUCCESS)
        return;
    if (ldap_search_ext(conn_ld(c), base, scope, filter, attrs, 0, sctrls,
                        NULL, conn_timeout(c) ? &tv : NULL, LDAP_NO_LIMIT,
                        &msgid)
        == LDAP_SUCCESS) {
        char *key = search_key(base, scope, filter, attrs);

        conn_prefetch_add(c, job, key, msgid);
        free(key);
    }
    ber_memfree(pctrl.ldctl_value.bv_val);
}

static enum status search_paged(struct conn *c, const char *base,
                                   int scope, const char *filter,
                                   char **attrs, raw_entry_fn fn, void *ctx)
{
    struct berval cookie = { 0, NULL };
    struct timeval tv = { conn_timeout(c), 0 };
    enum status st = ST_OK;
    bool first = true;
    char *what = xasprintf("searching %s for %s", base, filter);
    char *key = search_key(base, scope, filter, attrs);
    uint64_t last_hash = 0;
    size_t last_n = 0;

    do {
        LDAPControl pctrl = { OID_PAGED, { 0, NULL }, 1 };
        LDAPControl *sctrls[] = { &pctrl, NULL }, **rctrls = NULL, *rc_page;
        LDAPMessage *res = NULL;
        char *diag = NULL, **refs = NULL;
        int rc, err = LDAP_SUCCESS;
        ber_int_t estimate;
        struct berval sent = cookie;
        uint64_t hash;
        size_t n;

        rc = ldap_create_page_control_value(conn_ld(c), conn_page_size(c), &cookie,
                                            &pctrl.ldctl_value);
        cookie.bv_val = NULL;
        cookie.bv_len = 0;
        if (rc != LDAP_SUCCESS) {
            st = conn_fail_ld(c, OP_READ, rc, what);
            ber_memfree(sent.bv_val);
            break;
        }
        rc = first ? take_prefetched(c, key, &res) : -1;
        if (rc < 0)
            rc = search_wait(c, base, scope, filter, attrs, sctrls,
                             conn_timeout(c) ? &tv : NULL, &res);
        ber_memfree(pctrl.ldctl_value.bv_val);
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
static char *spn_attr(struct conn *c, unsigned long from)
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
                             raw_entry_fn fn, void *ctx)
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
        char *attr = spn_attr(c, r.next);
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
static enum status entry_load(struct conn *c, LDAPMessage *e,
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

enum status dir_search(struct conn *c, const char *base, char *const *values,
                       size_t n, bool wildcard, entry_fn fn, void *ctx)
{
    char *attr, *attrs[2];
    char *filter;
    struct spn_adapter a = { fn, ctx };
    enum status st;

    if (n == 0)
        return ST_OK; /* nothing to look for */
    attrs[0] = attr = spn_attr(c, 0);
    attrs[1] = NULL;
    filter = n == 1 ? filter_equals(A_SPN, values[0], wildcard)
                    : filter_any(A_SPN, values, n);
    st = search_paged(c, base, LDAP_SCOPE_SUBTREE, filter, attrs, adapt_entry,
                      &a);
    free(attr);
    free(filter);
    return st;
}

enum status dir_search_len(struct conn *c, const char *base,
                           char *const *values, const size_t *lens, size_t n,
                           entry_fn fn, void *ctx)
{
    char *attr, *attrs[2];
    char *filter;
    struct spn_adapter a = { fn, ctx };
    enum status st;

    if (n == 0)
        return ST_OK;
    attrs[0] = attr = spn_attr(c, 0);
    attrs[1] = NULL;
    filter = filter_any_len(A_SPN, values, lens, n);
    st = search_paged(c, base, LDAP_SCOPE_SUBTREE, filter, attrs, adapt_entry,
                      &a);
    free(attr);
    free(filter);
    return st;
}

/* How many of the entries an ambiguous account lookup names. */
#define ACCOUNT_NAMES_SHOWN 5

/* Account lookup: one search returns the candidates with everything we
 * need, so NAME$ and NAME cost one round trip together. */
struct account_search {
    struct dir_account found[2]; /* [0]: NAME$, [1]: NAME */
    const char *want_dollar;    /* sAMAccountName of the computer form */
    unsigned matches;           /* entries that came back */
    bool ambiguous;             /* two of one form */
    char *names;                /* their DNs, quoted, for the message */
};

void dir_account_free(struct dir_account *a)
{
    if (a == NULL)
        return;
    entry_free(&a->entry);
    free(a->sam);
    free(a->dns_host);
    memset(a, 0, sizeof(*a));
}

static bool has_value(LDAP *ld, LDAPMessage *e, const char *attr,
                      const char *value)
{
    struct berval **v = ldap_get_values_len(ld, e, attr);
    bool r = false;

    for (size_t i = 0; v != NULL && v[i] != NULL; i++)
        if (strcasecmp(v[i]->bv_val, value) == 0)
            r = true;
    ldap_value_free_len(v);
    return r;
}

static enum status account_entry(struct conn *c, LDAPMessage *e,
                                    void *ctx)
{
    struct account_search *s = ctx;
    char *sam = conn_first_value(conn_ld(c), e, "sAMAccountName");
    bool is_dollar = s->want_dollar != NULL && sam != NULL
                     && strcasecmp(sam, s->want_dollar) == 0;
    struct dir_account *a = &s->found[is_dollar ? 0 : 1];

    enum status st;

    s->matches++;
    if (s->matches <= ACCOUNT_NAMES_SHOWN) {
        char *dn = ldap_get_dn(conn_ld(c), e);
        char *q = quote_value(dn ? dn : "");
        char *all = s->names ? xasprintf("%s, %s", s->names, q) : xstrdup(q);

        free(s->names);
        s->names = all;
        free(q);
        ldap_memfree(dn);
    }
    if (a->entry.dn != NULL) {
        s->ambiguous = true; /* two of one form */
        free(sam);
        return ST_OK;
    }
    st = entry_load(c, e, &a->entry);
    if (st != ST_OK) {
        free(sam);
        return st;
    }
    a->sam = sam;
    a->dns_host = conn_first_value(conn_ld(c), e, "dNSHostName");
    a->computer = has_value(conn_ld(c), e, "objectClass", "computer");
    return ST_OK;
}

/* The first search of an account lookup: its base, scope, filter
 * (malloc'd) and, for NAME, the computer form NAME$ (malloc'd, or NULL). */
static void account_query(struct conn *c, const struct account_ref *ref,
                          enum account_kind kind, const char **base,
                          int *scope, char **filter, char **dollar)
{
    *base = conn_base(c);
    *scope = LDAP_SCOPE_SUBTREE;
    *filter = NULL;
    *dollar = NULL;
    switch (ref->form) {
    case ACCOUNT_DN:
        *base = ref->name;
        *scope = LDAP_SCOPE_BASE;
        /* an account, not any object: containers hold no SPNs */
        *filter = xstrdup("(sAMAccountName=*)");
        break;
    case ACCOUNT_UPN:
        *filter = filter_equals("userPrincipalName", ref->name, false);
        break;
    case ACCOUNT_NAME:
        if (ref->dollar || kind == KIND_USER) {
            *filter = filter_equals("sAMAccountName", ref->name, false);
        } else {
            char *fc, *fu;

            *dollar = xasprintf("%s$", ref->name);
            fc = filter_equals("sAMAccountName", *dollar, false);
            if (kind == KIND_COMPUTER) {
                *filter = fc;
                break;
            }
            fu = filter_equals("sAMAccountName", ref->name, false);
            *filter = xasprintf("(|%s%s)", fc, fu);
            free(fc);
            free(fu);
        }
        break;
    }
}

void dir_prefetch_account(struct conn *c, long job,
                          const struct account_ref *ref,
                          enum account_kind kind)
{
    char *attr = spn_attr(c, 0);
    char *attrs[] = { A_SAM, A_DNSHOST, A_OBJECTCLASS, attr, NULL };
    const char *base;
    char *filter, *dollar;
    int scope;

    account_query(c, ref, kind, &base, &scope, &filter, &dollar);
    prefetch(c, job, base, scope, filter, attrs);
    free(filter);
    free(dollar);
    free(attr);
}

void dir_prefetch_search(struct conn *c, long job, const char *base,
                         char *const *values, size_t n)
{
    char *attr, *attrs[2], *filter;

    if (n == 0)
        return;
    attrs[0] = attr = spn_attr(c, 0);
    attrs[1] = NULL;
    filter = n == 1 ? filter_equals(A_SPN, values[0], false)
                    : filter_any(A_SPN, values, n);
    prefetch(c, job, base, LDAP_SCOPE_SUBTREE, filter, attrs);
    free(attr);
    free(filter);
}

enum status dir_find_account(struct conn *c,
                               const struct account_ref *ref,
                               enum account_kind kind,
                               struct dir_account *out)
{
    char *attr = spn_attr(c, 0);
    char *attrs[] = { A_SAM, A_DNSHOST, A_OBJECTCLASS, attr, NULL };
    struct account_search s = { 0 };
    char *filter = NULL, *dollar = NULL, **saved, **refs;
    const char *base = conn_base(c), *referred = NULL;
    size_t nsaved, nrefs;
    bool by_referral = false;
    int scope = LDAP_SCOPE_SUBTREE;
    enum status st;
    char *quoted = quote_value(ref->name);

    memset(out, 0, sizeof(*out));
    account_query(c, ref, kind, &base, &scope, &filter, &dollar);
    s.want_dollar = dollar;
    saved = conn_take_references(c, &nsaved);
    st = search_paged(c, base, scope, filter, attrs, account_entry, &s);
    if (st == ST_OK && s.matches == 0 && ref->form == ACCOUNT_UPN) {
        /* An implicit UPN, name@dns.domain: the sAMAccountName */
        char *dns = discover_dn_to_dns(conn_base(c));
        char *name = account_implicit_upn(ref->name, dns);

        if (name != NULL) {
            free(filter);
            filter = filter_equals("sAMAccountName", name, false);
            st = search_paged(c, base, scope, filter, attrs, account_entry,
                              &s);
        }
        free(name);
        free(dns);
    }
    refs = conn_take_references(c, &nrefs);
    for (size_t i = 0; i < nrefs && referred == NULL; i++)
        if (!wire_reference_accountless(refs[i], conn_config(c)))
            referred = refs[i];
    if (st == ST_OK && s.matches == 0 && referred != NULL) {
        char *qr = quote_value(referred);

        by_referral = true;        st = conn_fail(c, ST_CONNECT, "could not find account %s on %s, "
                       "which refers the search to %s; setspn does not "
                       "follow referrals (it would not send your "
                       "credentials there): use -H with a DC of that "
                       "domain", quoted, conn_uri(c), qr);
        free(qr);
    }
    for (size_t i = 0; i < nsaved; i++)
        conn_add_reference(c, saved[i]);
    for (size_t i = 0; !by_referral && i < nrefs; i++)
        conn_add_reference(c, refs[i]); /* else said in the failure */
    xstrv_free(saved, nsaved);
    xstrv_free(refs, nrefs);
    if (st == ST_NOT_FOUND && ref->form == ACCOUNT_DN)
        st = conn_fail(c, ST_NOT_FOUND, "no object %s", quoted);
    else if (st == ST_OK && s.matches == 0)
        st = conn_fail(c, ST_NOT_FOUND, "could not find account %s", quoted);
    else if (st == ST_OK && s.ambiguous)
        st = conn_fail(c, ST_DIRECTORY, "%u accounts match %s: %s%s",
                       s.matches, quoted, s.names,
                       s.matches > ACCOUNT_NAMES_SHOWN ? ", ..." : "");
    if (st == ST_OK) {
        /* The computer form wins, as Setspn.exe does. */
        int pick = s.found[0].entry.dn != NULL ? 0 : 1;

        *out = s.found[pick];
        memset(&s.found[pick], 0, sizeof(s.found[pick]));
    }
    dir_account_free(&s.found[0]);
    dir_account_free(&s.found[1]);
    free(s.names);
    free(attr);
    free(filter);
    free(dollar);
    free(quoted);
    return st;
}

static enum status modify_one(struct conn *c, const char *dn, int op,
                              const char *spn, size_t len)
{
    /* by length: a value may hold a NUL */
    struct berval bv = { (ber_len_t)len, (char *)spn };
    struct berval *vals[] = { &bv, NULL };
    LDAPMod mod = { .mod_op = op | LDAP_MOD_BVALUES, .mod_type = A_SPN,
                    .mod_bvalues = vals };
    LDAPMod *mods[] = { &mod, NULL };
    struct timeval tv = { conn_timeout(c), 0 };
    LDAPMessage *res = NULL;
    char *what, *q, *diag = NULL, **refs = NULL;
    enum status st = ST_OK;
    int rc, msgid, err = LDAP_SUCCESS;
    bool sent = false;

    q = quote_display(spn, len);
    what = xasprintf("%s %s %s %s", op == LDAP_MOD_ADD ? "adding" : "removing", q, op == LDAP_MOD_ADD ? "to" : "from", dn);
    /* Not ldap_modify_ext_s: a read-only DC's referral must be read. */
    rc = ldap_modify_ext(conn_ld(c), dn, mods, NULL, NULL, &msgid);
    if (rc == LDAP_SUCCESS) {
        sent = true;
        rc = ldap_result(conn_ld(c), msgid, LDAP_MSG_ALL, conn_timeout(c) ? &tv : NULL,
                         &res);
        rc = rc == 0 ? LDAP_TIMEOUT : rc < 0 ? LDAP_SERVER_DOWN
                                             : LDAP_SUCCESS;
    }
    if (rc != LDAP_SUCCESS && sent) {
        /* The request left; its answer did not come: the DC may have
         * applied it. */
        char *cut;

        st = conn_fail_ld(c, OP_WRITE, rc, what);
        cut = xstrdup(conn_error(c));
        conn_fail(c, st, "%s; the request was sent but %s, so the change "
                         "may have been applied: check with setspn -L '%s'",
                  cut, rc == LDAP_TIMEOUT ? "no answer came in time"
                                          : "the connection was lost",
                  dn);
        free(cut);
    } else if (rc != LDAP_SUCCESS) {
        st = conn_fail_ld(c, OP_WRITE, rc, what);
    } else {
        rc = ldap_parse_result(conn_ld(c), res, &err, NULL, &diag, &refs, NULL, 1);
        res = NULL;
        if (rc != LDAP_SUCCESS)
            st = conn_fail_ld(c, OP_WRITE, rc, what);
        else if (err == LDAP_REFERRAL && refs != NULL && refs[0] != NULL)
            st = conn_fail(c, ST_CONNECT, "%s: %s does not take writes (a "
                                     "read-only DC?); it refers them to %s: "
                                     "use -H with that DC",
                      what, conn_uri(c), refs[0]);
        else if (err != LDAP_SUCCESS)
            st = conn_fail_ldap(c, OP_WRITE, err, diag, what);
    }
    ldap_msgfree(res);
    ldap_memfree(diag);
    ldap_memvfree((void **)refs);
    free(what);
    free(q);
    return st;
}

enum status dir_add_spn(struct conn *c, const char *dn, const char *spn)
{
    return modify_one(c, dn, LDAP_MOD_ADD, spn, strlen(spn));
}

enum status dir_delete_spn(struct conn *c, const char *dn,
                             const char *spn)
{
    return modify_one(c, dn, LDAP_MOD_DELETE, spn, strlen(spn));
}

enum status dir_delete_value(struct conn *c, const char *dn, const char *spn,
                             size_t len)
{
    return modify_one(c, dn, LDAP_MOD_DELETE, spn, len);
}

static enum status domain_entry(struct conn *c, LDAPMessage *e,
                                   void *ctx)
{
    struct dir_domain *d = ctx;

    if (d->nc != NULL)
        return ST_OK; /* names are unique in a forest; keep the first */
    d->nc = conn_first_value(conn_ld(c), e, A_NC_NAME);
    d->dns = conn_first_value(conn_ld(c), e, A_DNS_ROOT);
    d->netbios = conn_first_value(conn_ld(c), e, A_NETBIOS);
    return ST_OK;
}

void dir_domain_free(struct dir_domain *d)
{
    if (d == NULL)
        return;
    free(d->nc);
    free(d->dns);
    free(d->netbios);
    memset(d, 0, sizeof(*d));
}

enum status dir_find_domain(struct conn *c, const char *name,
                              struct dir_domain *out)
{
    char *attrs[] = { A_NC_NAME, A_DNS_ROOT, A_NETBIOS, NULL };
    char *by[] = { A_DNS_ROOT, A_NETBIOS, A_NC_NAME };
    char *base, *filter, *alt[3];
    enum status st;

    memset(out, 0, sizeof(*out));
    if (conn_config(c) == NULL)
        return conn_fail(c, ST_DIRECTORY, "%s did not name its configuration "
                                     "partition", conn_uri(c));
    for (int i = 0; i < 3; i++)
        alt[i] = filter_equals(by[i], name, false);
    /* nETBIOSName marks a domain's crossRef (application partitions have
     * none). */
    filter = xasprintf("(&(objectClass=crossRef)(nETBIOSName=*)(|%s%s%s))",
                       alt[0], alt[1], alt[2]);
    base = xasprintf("CN=Partitions,%s", conn_config(c));
    st = search_paged(c, base, LDAP_SCOPE_ONELEVEL, filter, attrs,
                      domain_entry, out);
    if (st == ST_OK && out->nc == NULL) {
        char *q = quote_value(name);

        st = conn_fail(c, ST_NOT_FOUND, "no domain %s in the forest of %s", q,
                  conn_uri(c));
        free(q);
    }
    if (st != ST_OK)
        dir_domain_free(out);
    for (int i = 0; i < 3; i++)
        free(alt[i]);
    free(filter);
    free(base);
    return st;
}

struct values_ctx {
    char **v;
    size_t n;
};

static enum status mapping_entry(struct conn *c, LDAPMessage *e,
                                    void *ctx)
{
    struct values_ctx *m = ctx;
    struct berval **v = ldap_get_values_len(conn_ld(c), e, A_SPN_MAPPINGS);

    for (size_t i = 0; v != NULL && v[i] != NULL; i++) {
        m->v = xrealloc(m->v, (m->n + 1) * sizeof(*m->v));
        m->v[m->n++] = xstrdup(v[i]->bv_val);
    }
    ldap_value_free_len(v);
    return ST_OK;
}

enum status dir_host_aliases(struct conn *c, char ***aliases, size_t *n,
                               bool *from_directory)
{
    char *attrs[] = { A_SPN_MAPPINGS, NULL };
    struct values_ctx m = { NULL, 0 };
    enum status st = ST_DIRECTORY;
    char *base;

    *from_directory = false;
    if (conn_config(c) != NULL) {
        base = xasprintf("CN=Directory Service,CN=Windows NT,CN=Services," "%s", conn_config(c));
        st = search_paged(c, base, LDAP_SCOPE_BASE, "(objectClass=*)", attrs,
                          mapping_entry, &m);
        free(base);
    }
    *aliases = spn_host_aliases(m.v, m.n, n);
    xstrv_free(m.v, m.n);
    if (st == ST_OK && *n > 0) {
        *from_directory = true;
    } else {
        char *dflt = xstrdup(SPN_DEFAULT_HOST_MAPPING);

        xstrv_free(*aliases, *n);
        *aliases = spn_host_aliases(&dflt, 1, n);
        free(dflt);
    }
    if (st != ST_OK && conn_config(c) == NULL)
        conn_fail(c, st, "the DC gave no configurationNamingContext");
    /* the defaults are filled in either way; a failed read says so */
    return st;
}

/* The SPNs of dn and the version of the attribute in replPropertyMetaData
 * (servicePrincipalName is ATTID 0x00090303). */
struct spn_state {
    struct entry entry;
    unsigned long version;
};

#define ATTID_SPN 0x00090303u

static enum status state_entry(struct conn *c, LDAPMessage *e,
                                  void *ctx)
{
    struct spn_state *s = ctx;
    struct berval **meta = ldap_get_values_len(conn_ld(c), e, A_META);
    enum status st = entry_load(c, e, &s->entry);

    if (st == ST_OK && meta != NULL && meta[0] != NULL)
        s->version = wire_meta_version(
            (const unsigned char *)meta[0]->bv_val, meta[0]->bv_len,
            ATTID_SPN);
    ldap_value_free_len(meta);
    return st;
}

static enum status read_state(struct conn *c, const char *dn,
                                 struct spn_state *s)
{
    char *attr = spn_attr(c, 0);
    char *attrs[] = { attr, A_META, NULL };
    enum status st;

    memset(s, 0, sizeof(*s));
    st = search_paged(c, dn, LDAP_SCOPE_BASE, "(objectClass=*)", attrs,
                      state_entry, s);
    free(attr);
    return st;
}

enum status dir_delete_duplicated(struct conn *c, const char *dn,
                                    const char *spn, char **note)
{
    struct spn_state before, after;
    char **stay = NULL;
    size_t nstay = 0;
    LDAPMod del = { .mod_op = LDAP_MOD_DELETE, .mod_type = A_SPN };
    LDAPMod add = { .mod_op = LDAP_MOD_ADD, .mod_type = A_SPN };
    LDAPMod *mods[] = { &del, &add, NULL };
    enum status st;
    char *q = quote_value(spn), *what;
    int rc;

    *note = NULL;
    st = read_state(c, dn, &before);
    if (st != ST_OK)
        goto done;
    stay = xrealloc(NULL, (before.entry.nspns + 1) * sizeof(*stay));
    for (size_t i = 0; i < before.entry.nspns; i++)
        if (strcmp(before.entry.spns[i], spn) != 0)
            stay[nstay++] = before.entry.spns[i];
    stay[nstay] = NULL;
    if (nstay == before.entry.nspns) {
        st = conn_fail(c, ST_ABSENT, "removing %s from %s: no longer "
                                       "registered there", q, dn);
        goto done;
    }
    add.mod_values = stay;
    if (nstay == 0)
        mods[1] = NULL;
    rc = ldap_modify_ext_s(conn_ld(c), dn, mods, NULL, NULL);
    if (rc != LDAP_SUCCESS) {
        what = xasprintf("rewriting servicePrincipalName of %s without %s", dn, q);
        st = conn_fail_ld(c, OP_WRITE, rc, what);
        free(what);
        goto done;
    }
    /* Samba (the only DC that refuses the single-value delete) counts each
     * change of the modify, the delete and the add, as a version; any other
     * count means another writer came in between. */
    st = read_state(c, dn, &after);
    if (st == ST_OK && before.version == 0)
        *note = xasprintf("the DC refuses to delete a value another account "
                          "also holds, so %s was removed by rewriting "
                          "servicePrincipalName of %s in one modify (%zu "
                          "other value%s kept; no version to check for a "
                          "concurrent change: check with setspn -L)",
                          q, dn, nstay, nstay == 1 ? "" : "s");
    else if (st == ST_OK
             && after.version != before.version + (nstay > 0 ? 2 : 1))
        st = conn_fail(c, ST_DIRECTORY,
                  "removed %s from %s by rewriting the attribute, but "
                  "another writer changed it at the same time (version "
                  "%lu, now %lu): check its SPNs with setspn -L",
                  q, dn, before.version, after.version);
    else if (st == ST_OK)
        *note = xasprintf("the DC refuses to delete a value another account "
                          "also holds, so %s was removed by rewriting "
                          "servicePrincipalName of %s in one modify (%zu "
                          "other value%s kept, no concurrent change)",
                          q, dn, nstay, nstay == 1 ? "" : "s");
    entry_free(&after.entry);
done:
    entry_free(&before.entry);
    free(stay);
    free(q);
    return st;
}

/* ------------------------------------------------------------ --verify */

void dir_account_info_free(struct dir_account_info *a)
{
    if (a == NULL)
        return;
    free(a->dn);
    free(a->sam);
    free(a->dns_host);
    memset(a, 0, sizeof(*a));
}

/* A whole-number attribute, or false when absent or not a number. */
static bool number_value(LDAP *ld, LDAPMessage *e, const char *attr,
                         long long *out)
{
    char *v = conn_first_value(ld, e, attr);
    char *end = NULL;
    bool ok = false;

    if (v != NULL) {
        errno = 0;
        *out = strtoll(v, &end, 10);
        ok = errno == 0 && end != v && *end == '\0';
    }
    free(v);
    return ok;
}

static enum status info_entry(struct conn *c, LDAPMessage *e, void *ctx)
{
    struct dir_account_info *a = ctx;
    LDAP *ld = conn_ld(c);
    char *dn;
    long long n;

    if (a->dn != NULL)
        return ST_OK;
    dn = ldap_get_dn(ld, e);
    a->dn = xstrdup(dn ? dn : "");
    ldap_memfree(dn);
    a->sam = conn_first_value(ld, e, "sAMAccountName");
    a->dns_host = conn_first_value(ld, e, "dNSHostName");
    a->computer = has_value(ld, e, "objectClass", "computer");
    if ((a->has_uac = number_value(ld, e, "userAccountControl", &n)))
        a->uac = (unsigned long)n;
    if ((a->has_enctypes = number_value(ld, e,
                                        "msDS-SupportedEncryptionTypes", &n)))
        a->enctypes = (unsigned long)n;
    if ((a->has_kvno = number_value(ld, e, "msDS-KeyVersionNumber", &n)))
        a->kvno = (long)n;
    if ((a->has_pwd_last_set = number_value(ld, e, "pwdLastSet", &n)))
        a->pwd_last_set = n;
    return ST_OK;
}

enum status dir_read_account_info(struct conn *c, const char *dn,
                                  struct dir_account_info *out)
{
    static char a_uac[] = "userAccountControl";
    static char a_enc[] = "msDS-SupportedEncryptionTypes";
    static char a_kvno[] = "msDS-KeyVersionNumber";
    static char a_pwd[] = "pwdLastSet";
    /* msDS-KeyVersionNumber is constructed: a base search only. */
    char *attrs[] = { A_SAM, A_DNSHOST, A_OBJECTCLASS, a_uac, a_enc,
                      a_kvno, a_pwd, NULL };
    enum status st;

    memset(out, 0, sizeof(*out));
    st = search_paged(c, dn, LDAP_SCOPE_BASE, "(objectClass=*)", attrs,
                      info_entry, out);
    if (st == ST_OK && out->dn == NULL)
        st = conn_fail(c, ST_NOT_FOUND, "no object %s", dn);
    if (st != ST_OK)
        dir_account_info_free(out);
    return st;
}

static enum status dn_entry(struct conn *c, LDAPMessage *e, void *ctx)
{
    struct values_ctx *m = ctx;
    char *dn = ldap_get_dn(conn_ld(c), e);

    m->v = xrealloc(m->v, (m->n + 1) * sizeof(*m->v));
    m->v[m->n++] = xstrdup(dn ? dn : "");
    ldap_memfree(dn);
    return ST_OK;
}

enum status dir_find_by_dns_host(struct conn *c, const char *base,
                                 const char *host, char ***dns, size_t *n)
{
    char *attrs[] = { A_SAM, NULL };
    char *filter = filter_equals("dNSHostName", host, false);
    struct values_ctx m = { NULL, 0 };
    enum status st;

    if (filter == NULL)
        abort();
    st = search_paged(c, base, LDAP_SCOPE_SUBTREE, filter, attrs, dn_entry,
                      &m);
    free(filter);
    *dns = m.v;
    *n = m.n;
    return st;
}
