#include "ldap_ops.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldap.h>

#include "ahead.h"
#include "discover.h"
#include "filter.h"
#include "quote.h"
#include "search.h"
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
    st = search_entry_load(c, e, &a->entry);
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
    char *attr = search_spn_attr(c, 0);
    char *attrs[] = { A_SAM, A_DNSHOST, A_OBJECTCLASS, attr, NULL };
    const char *base;
    char *filter, *dollar;
    int scope;

    account_query(c, ref, kind, &base, &scope, &filter, &dollar);
    if (ref->form == ACCOUNT_NAME) {
        /* the names asked for, as account_query's filter has them */
        char *names[] = { dollar != NULL ? dollar : (char *)ref->name,
                          (char *)ref->name };
        size_t n = dollar != NULL && kind != KIND_COMPUTER ? 2 : 1;

        ahead_group(c, job, base, filter, attrs, A_SAM, names, n);
    } else {
        ahead_search(c, job, base, scope, filter, attrs);
    }
    free(filter);
    free(dollar);
    free(attr);
}

enum status dir_find_account(struct conn *c,
                               const struct account_ref *ref,
                               enum account_kind kind,
                               struct dir_account *out)
{
    char *attr = search_spn_attr(c, 0);
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
    enum status st = search_entry_load(c, e, &s->entry);

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
    char *attr = search_spn_attr(c, 0);
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
