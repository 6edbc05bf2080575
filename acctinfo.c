#include "acctinfo.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldap.h>

#include "filter.h"
#include "search.h"
#include "xalloc.h"

/* msDS-User-Account-Control-Computed: locked out (MS-ADTS 2.2.16). */
#define UF_LOCKOUT 0x10u

/* libldap takes attribute names as non-const char *. */
static char A_SAM[] = "sAMAccountName";
static char A_DNSHOST[] = "dNSHostName";
static char A_MORE_HOSTS[] = "msDS-AdditionalDnsHostName";
static char A_MORE_SAMS[] = "msDS-AdditionalSamAccountName";
static char A_OBJECTCLASS[] = "objectClass";
static char A_UAC[] = "userAccountControl";
static char A_ENCTYPES[] = "msDS-SupportedEncryptionTypes";
static char A_KVNO[] = "msDS-KeyVersionNumber";
static char A_PWD[] = "pwdLastSet";
static char A_UAC_COMPUTED[] = "msDS-User-Account-Control-Computed";

void dir_account_info_free(struct dir_account_info *a)
{
    if (a == NULL)
        return;
    free(a->dn);
    free(a->sam);
    free(a->dns_host);
    xstrv_free(a->more_hosts, a->nmore_hosts);
    xstrv_free(a->more_sams, a->nmore_sams);
    memset(a, 0, sizeof(*a));
}

/* Every value of attr as C strings (values holding a NUL are skipped:
 * no host or account name has one). */
static void all_values(LDAP *ld, LDAPMessage *e, const char *attr,
                       char ***out, size_t *n)
{
    struct berval **v = ldap_get_values_len(ld, e, attr);

    *out = NULL;
    *n = 0;
    for (size_t i = 0; v != NULL && v[i] != NULL; i++) {
        if (memchr(v[i]->bv_val, '\0', v[i]->bv_len) != NULL)
            continue;
        *out = xrealloc(*out, (*n + 1) * sizeof(**out));
        (*out)[(*n)++] = xstrndup(v[i]->bv_val, v[i]->bv_len);
    }
    ldap_value_free_len(v);
}

static bool has_value(LDAP *ld, LDAPMessage *e, const char *attr,
                      const char *value)
{
    char **v;
    size_t n;
    bool r = false;

    all_values(ld, e, attr, &v, &n);
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(v[i], value) == 0)
            r = true;
    xstrv_free(v, n);
    return r;
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
    a->sam = conn_first_value(ld, e, A_SAM);
    a->dns_host = conn_first_value(ld, e, A_DNSHOST);
    all_values(ld, e, A_MORE_HOSTS, &a->more_hosts, &a->nmore_hosts);
    all_values(ld, e, A_MORE_SAMS, &a->more_sams, &a->nmore_sams);
    a->computer = has_value(ld, e, A_OBJECTCLASS, "computer");
    if ((a->has_uac = number_value(ld, e, A_UAC, &n)))
        a->uac = (unsigned long)n;
    if ((a->has_enctypes = number_value(ld, e, A_ENCTYPES, &n)))
        a->enctypes = (unsigned long)n;
    if ((a->has_kvno = number_value(ld, e, A_KVNO, &n)))
        a->kvno = (long)n;
    if ((a->has_pwd_last_set = number_value(ld, e, A_PWD, &n)))
        a->pwd_last_set = n;
    if (number_value(ld, e, A_UAC_COMPUTED, &n))
        a->locked = ((unsigned long long)n & UF_LOCKOUT) != 0;
    return ST_OK;
}

enum status dir_read_account_info(struct conn *c, const char *dn,
                                  struct dir_account_info *out)
{
    /* msDS-KeyVersionNumber and the computed flags: a base search only. */
    char *attrs[] = { A_SAM,   A_DNSHOST, A_MORE_HOSTS, A_MORE_SAMS,
                      A_OBJECTCLASS, A_UAC, A_ENCTYPES, A_KVNO,
                      A_PWD,   A_UAC_COMPUTED, NULL };
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

void host_holders_free(struct host_holder *h, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(h[i].dn);
    free(h);
}

struct host_search {
    const char *want;        /* the value looked for */
    const char *attrs[2];    /* the attributes, main one first */
    struct host_holder *v;
    size_t n;
};

static enum status host_entry(struct conn *c, LDAPMessage *e, void *ctx)
{
    struct host_search *h = ctx;
    LDAP *ld = conn_ld(c);
    char *dn = ldap_get_dn(ld, e);

    h->v = xrealloc(h->v, (h->n + 1) * sizeof(*h->v));
    h->v[h->n].dn = xstrdup(dn ? dn : "");
    h->v[h->n].how = has_value(ld, e, h->attrs[0], h->want) ? h->attrs[0]
                                                            : h->attrs[1];
    h->n++;
    ldap_memfree(dn);
    return ST_OK;
}

enum status dir_find_by_host(struct conn *c, const char *base,
                             const char *host, struct host_holder **out,
                             size_t *n)
{
    struct host_search h = { 0 };
    char *value, *f1, *f2, *filter;
    char *attrs[] = { A_SAM, A_DNSHOST, A_MORE_HOSTS, A_MORE_SAMS, NULL };
    enum status st;
    bool dns = strchr(host, '.') != NULL;

    value = dns ? xstrdup(host) : xasprintf("%s$", host);
    h.want = value;
    h.attrs[0] = dns ? A_DNSHOST : A_SAM;
    h.attrs[1] = dns ? A_MORE_HOSTS : A_MORE_SAMS;
    f1 = filter_equals(h.attrs[0], value, false);
    f2 = filter_equals(h.attrs[1], value, false);
    filter = xasprintf("(|%s%s)", f1, f2);
    st = search_paged(c, base, LDAP_SCOPE_SUBTREE, filter, attrs, host_entry,
                      &h);
    free(filter);
    free(f1);
    free(f2);
    free(value);
    *out = h.v;
    *n = h.n;
    return st;
}
