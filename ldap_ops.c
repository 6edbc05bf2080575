#include "ldap_ops.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldap.h>

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

/* Runs one paged search (every search is paged: Windows DCs cap unpaged
 * results at 1,000), calling fn for every entry.  A server that sends the
 * same page again (a repeated cookie), or a run past --max-time, ends it:
 * an endless server would otherwise keep it going forever. */
static enum status search_paged(struct conn *c, const char *base,
                                   int scope, const char *filter,
                                   char **attrs, raw_entry_fn fn, void *ctx)
{
    struct berval cookie = { 0, NULL };
    struct timeval tv = { conn_timeout(c), 0 };
    enum status st = ST_OK;
    bool first = true;
    char *what = xasprintf("searching %s for %s", base, filter);
    uint64_t last_hash = 0;
    size_t last_n = 0;

    do {
        LDAPControl pctrl = { OID_PAGED, { 0, NULL }, 1 };
        LDAPControl *sctrls[] = { &pctrl, NULL }, **rctrls = NULL, *rc_page;
        LDAPMessage *res = NULL;
        char *diag = NULL;
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
        rc = ldap_search_ext_s(conn_ld(c), base, scope, filter, attrs, 0, sctrls,
                               NULL, conn_timeout(c) ? &tv : NULL, LDAP_NO_LIMIT,
                               &res);
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
        rc = ldap_parse_result(conn_ld(c), res, &err, NULL, &diag, NULL, &rctrls,
                               1);
        if (st == ST_OK && (rc != LDAP_SUCCESS || err != LDAP_SUCCESS))
            st = conn_fail_ldap(c, OP_READ, rc != LDAP_SUCCESS ? rc : err, diag,
                           what);
        ldap_memfree(diag);
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
    return st;
}

/* Hands an entry's DN and SPNs to an entry_fn. */
struct spn_adapter {
    entry_fn fn;
    void *ctx;
    char **spns; /* NULL-terminated, pointing into the values */
    size_t *lens; /* their lengths (a value may hold a NUL) */
    size_t cap;
};

/* Points a->spns at e's servicePrincipalName values; they live as long as
 * *v (free with ldap_value_free_len).  Returns their number. */
static size_t spn_values(struct conn *c, LDAPMessage *e,
                         struct spn_adapter *a, struct berval ***v)
{
    size_t n;

    *v = ldap_get_values_len(conn_ld(c), e, A_SPN);
    n = (size_t)ldap_count_values_len(*v);
    if (n + 1 > a->cap) {
        a->cap = n + 1;
        a->spns = xrealloc(a->spns, a->cap * sizeof(*a->spns));
        a->lens = xrealloc(a->lens, a->cap * sizeof(*a->lens));
    }
    for (size_t i = 0; i < n; i++) {
        a->spns[i] = (*v)[i]->bv_val;
        a->lens[i] = (size_t)(*v)[i]->bv_len;
    }
    a->spns[n] = NULL;
    return n;
}

static enum status adapt_entry(struct conn *c, LDAPMessage *e, void *ctx)
{
    struct spn_adapter *a = ctx;
    char *dn = ldap_get_dn(conn_ld(c), e);
    struct berval **v;
    size_t n = spn_values(c, e, a, &v);
    enum status st = a->fn(dn ? dn : "", a->spns, a->lens, n, a->ctx);

    ldap_value_free_len(v);
    ldap_memfree(dn);
    return st;
}

/* Copies an entry's DN and SPNs out of a search result. */
static void entry_load(struct conn *c, LDAPMessage *e, struct entry *dst)
{
    struct spn_adapter a = { NULL, NULL, NULL, NULL, 0 };
    char *dn = ldap_get_dn(conn_ld(c), e);
    struct berval **v;
    size_t n = spn_values(c, e, &a, &v);

    entry_set(dst, dn ? dn : "", a.spns, a.lens, n);
    ldap_value_free_len(v);
    free(a.spns);
    free(a.lens);
    ldap_memfree(dn);
}

enum status dir_search(struct conn *c, const char *base, char *const *values,
                       size_t n, bool wildcard, entry_fn fn, void *ctx)
{
    char *attrs[] = { A_SPN, NULL };
    char *filter;
    struct spn_adapter a = { fn, ctx, NULL, NULL, 0 };
    enum status st;

    if (n == 0)
        return ST_OK; /* nothing to look for */
    filter = n == 1 ? filter_equals(A_SPN, values[0], wildcard)
                    : filter_any(A_SPN, values, n);
    st = search_paged(c, base, LDAP_SCOPE_SUBTREE, filter, attrs, adapt_entry,
                      &a);
    free(a.spns);
    free(a.lens);
    free(filter);
    return st;
}

/* Account lookup: one search returns the candidates with everything we
 * need, so NAME$ and NAME cost one round trip together. */
struct account_search {
    struct dir_account found[2]; /* [0]: NAME$, [1]: NAME */
    const char *want_dollar;    /* sAMAccountName of the computer form */
    unsigned matches;
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

    s->matches++;
    if (a->entry.dn != NULL) {
        s->matches++; /* two of one form: ambiguous */
        free(sam);
        return ST_OK;
    }
    entry_load(c, e, &a->entry);
    a->sam = sam;
    a->dns_host = conn_first_value(conn_ld(c), e, "dNSHostName");
    a->computer = has_value(conn_ld(c), e, "objectClass", "computer");
    return ST_OK;
}

enum status dir_find_account(struct conn *c,
                               const struct account_ref *ref,
                               enum account_kind kind,
                               struct dir_account *out)
{
    char *attrs[] = { A_SAM, A_DNSHOST, A_OBJECTCLASS, A_SPN, NULL };
    struct account_search s = { 0 };
    char *filter = NULL, *dollar = NULL;
    const char *base = conn_base(c);
    int scope = LDAP_SCOPE_SUBTREE;
    enum status st;
    char *quoted = quote_value(ref->name);

    memset(out, 0, sizeof(*out));
    switch (ref->form) {
    case ACCOUNT_DN:
        base = ref->name;
        scope = LDAP_SCOPE_BASE;
        /* an account, not any object: containers hold no SPNs */
        filter = xstrdup("(sAMAccountName=*)");
        break;
    case ACCOUNT_UPN:
        filter = filter_equals("userPrincipalName", ref->name, false);
        break;
    case ACCOUNT_NAME:
        if (ref->dollar || kind == KIND_USER) {
            filter = filter_equals("sAMAccountName", ref->name, false);
        } else {
            char *fc, *fu;

            dollar = xasprintf("%s$", ref->name);
            s.want_dollar = dollar;
            fc = filter_equals("sAMAccountName", dollar, false);
            if (kind == KIND_COMPUTER) {
                filter = fc;
                break;
            }
            fu = filter_equals("sAMAccountName", ref->name, false);
            filter = xasprintf("(|%s%s)", fc, fu);
            free(fc);
            free(fu);
        }
        break;
    }
    st = search_paged(c, base, scope, filter, attrs, account_entry, &s);
    if (st == ST_NOT_FOUND && ref->form == ACCOUNT_DN)
        st = conn_fail(c, ST_NOT_FOUND, "no object %s", quoted);
    else if (st == ST_OK && s.matches == 0)
        st = conn_fail(c, ST_NOT_FOUND, "could not find account %s", quoted);
    else if (st == ST_OK && s.matches > 2)
        st = conn_fail(c, ST_DIRECTORY, "%u accounts match %s", s.matches,
                  quoted);
    if (st == ST_OK) {
        /* The computer form wins, as Setspn.exe does. */
        int pick = s.found[0].entry.dn != NULL ? 0 : 1;

        *out = s.found[pick];
        memset(&s.found[pick], 0, sizeof(s.found[pick]));
    }
    dir_account_free(&s.found[0]);
    dir_account_free(&s.found[1]);
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

    entry_load(c, e, &s->entry);
    if (meta != NULL && meta[0] != NULL)
        s->version = wire_meta_version(
            (const unsigned char *)meta[0]->bv_val, meta[0]->bv_len,
            ATTID_SPN);
    ldap_value_free_len(meta);
    return ST_OK;
}

static enum status read_state(struct conn *c, const char *dn,
                                 struct spn_state *s)
{
    char *attrs[] = { A_SPN, A_META, NULL };

    memset(s, 0, sizeof(*s));
    return search_paged(c, dn, LDAP_SCOPE_BASE, "(objectClass=*)", attrs,
                        state_entry, s);
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
