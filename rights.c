#include "rights.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldap.h>

#include "filter.h"
#include "refusal.h"
#include "xalloc.h"

/* libldap takes attribute lists as char **. */
static char a_sid[] = "objectSid", a_allowed[] = "allowedAttributesEffective",
            a_sam[] = "sAMAccountName", a_dns[] = "dNSHostName",
            a_add_dns[] = "msDS-AdditionalDnsHostName",
            a_add_sam[] = "msDS-AdditionalSamAccountName",
            a_vendor[] = "vendorName";

/* A base read of dn with attrs (not paged: one entry); NULL if none. */
static LDAPMessage *read_base(struct conn *c, const char *dn, char **attrs)
{
    struct timeval tv = { conn_timeout(c), 0 };
    LDAPMessage *res = NULL;
    int rc = ldap_search_ext_s(conn_ld(c), dn, LDAP_SCOPE_BASE,
                               "(objectClass=*)", attrs, 0, NULL, NULL,
                               conn_timeout(c) ? &tv : NULL, 1, &res);

    if (rc != LDAP_SUCCESS) {
        ldap_msgfree(res);
        return NULL;
    }
    return res;
}

static char **all_values(LDAP *ld, LDAPMessage *e, const char *attr,
                         size_t *n)
{
    struct berval **v = ldap_get_values_len(ld, e, attr);
    char **r = NULL;

    *n = 0;
    for (size_t i = 0; v != NULL && v[i] != NULL; i++) {
        r = xrealloc(r, (*n + 1) * sizeof(*r));
        r[(*n)++] = xstrndup(v[i]->bv_val, v[i]->bv_len);
    }
    ldap_value_free_len(v);
    return r;
}

static char *sid_of(LDAP *ld, LDAPMessage *e)
{
    struct berval **v = ldap_get_values_len(ld, e, "objectSid");
    char *s = NULL;

    if (v != NULL && v[0] != NULL)
        s = refusal_sid_string((const unsigned char *)v[0]->bv_val,
                               v[0]->bv_len);
    ldap_value_free_len(v);
    return s;
}

/* The caller's sAMAccountName: "u:DOMAIN\name" or "dn:..." from Who am
 * I?, else the bind principal's "name@REALM". */
static char *caller_sam(const char *caller)
{
    const char *bs = strrchr(caller, '\\'), *at;

    if (strncmp(caller, "dn:", 3) == 0)
        return NULL;
    if (bs != NULL)
        return xstrdup(bs + 1);
    at = strrchr(caller, '@');
    return at ? xstrndup(caller, (size_t)(at - caller)) : xstrdup(caller);
}

static void read_caller(struct conn *c, struct rights *r)
{
    struct berval *id = NULL;
    char *sam, *filter;
    char *attrs[] = { a_sid, NULL };
    struct timeval tv = { conn_timeout(c), 0 };
    LDAPMessage *res = NULL, *e;

    if (ldap_whoami_s(conn_ld(c), &id, NULL, NULL) == LDAP_SUCCESS
        && id != NULL && id->bv_len > 0) {
        char *s = xstrndup(id->bv_val, id->bv_len);

        r->caller = xstrdup(strncmp(s, "u:", 2) == 0 ? s + 2 : s);
        free(s);
    } else if (conn_principal(c) != NULL) {
        r->caller = xstrdup(conn_principal(c));
    }
    ber_bvfree(id);
    if (r->caller == NULL || (sam = caller_sam(r->caller)) == NULL)
        return;
    filter = filter_equals("sAMAccountName", sam, false);
    free(sam);
    if (filter != NULL
        && ldap_search_ext_s(conn_ld(c), conn_base(c), LDAP_SCOPE_SUBTREE,
                             filter, attrs, 0, NULL, NULL,
                             conn_timeout(c) ? &tv : NULL, 2, &res)
               == LDAP_SUCCESS
        && ldap_count_entries(conn_ld(c), res) == 1
        && (e = ldap_first_entry(conn_ld(c), res)) != NULL)
        r->caller_sid = sid_of(conn_ld(c), e);
    ldap_msgfree(res);
    free(filter);
}

void rights_read(struct conn *c, const char *dn, struct rights *r)
{
    char *attrs[] = { a_allowed, a_sam, a_dns, a_add_dns, a_add_sam, a_sid,
                      NULL };
    char *dse_attrs[] = { a_vendor, NULL };
    LDAP *ld = conn_ld(c);
    LDAPMessage *res, *e;

    memset(r, 0, sizeof(*r));
    read_caller(c, r);
    res = read_base(c, dn, attrs);
    if (res != NULL && (e = ldap_first_entry(ld, res)) != NULL) {
        size_t n;
        char **allowed = all_values(ld, e, "allowedAttributesEffective", &n);
        char *sid = sid_of(ld, e);

        r->read = true;
        for (size_t i = 0; i < n; i++)
            if (strcasecmp(allowed[i], "servicePrincipalName") == 0)
                r->may_write = true;
        xstrv_free(allowed, n);
        r->sam = conn_first_value(ld, e, "sAMAccountName");
        r->dns_host = conn_first_value(ld, e, "dNSHostName");
        r->add_dns = all_values(ld, e, "msDS-AdditionalDnsHostName",
                                &r->nadd_dns);
        r->add_sam = all_values(ld, e, "msDS-AdditionalSamAccountName",
                                &r->nadd_sam);
        r->self = sid != NULL && r->caller_sid != NULL
                  && strcmp(sid, r->caller_sid) == 0;
        free(sid);
    }
    ldap_msgfree(res);
    res = read_base(c, "", dse_attrs);
    if (res != NULL && (e = ldap_first_entry(ld, res)) != NULL) {
        char *v = conn_first_value(ld, e, "vendorName");

        r->samba = v != NULL && strncasecmp(v, "Samba", 5) == 0;
        free(v);
    }
    ldap_msgfree(res);
}

void rights_free(struct rights *r)
{
    free(r->caller);
    free(r->caller_sid);
    free(r->sam);
    free(r->dns_host);
    xstrv_free(r->add_dns, r->nadd_dns);
    xstrv_free(r->add_sam, r->nadd_sam);
    memset(r, 0, sizeof(*r));
}
