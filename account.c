#include "account.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldap.h>

#include "spn.h"
#include "xalloc.h"

/*
 * Whether s is meant as a DN, and if so what is wrong with it for Active
 * Directory (NULL if nothing): every RDN one attribute named by letters,
 * digits and '-' with a non-empty value.  AD refuses the rest (multi-valued
 * RDNs, OIDs, empty values) with a bare "invalid DN syntax".
 */
static bool looks_like_dn(const char *s, const char **why)
{
    LDAPDN dn = NULL;

    *why = NULL;
    if (strchr(s, '=') == NULL
        || ldap_str2dn(s, &dn, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS
        || dn == NULL) {
        ldap_dnfree(dn);
        return false;
    }
    for (int i = 0; dn[i] != NULL && *why == NULL; i++) {
        LDAPAVA *ava = dn[i][0];

        if (dn[i][1] != NULL)
            *why = "a DN with a multi-valued RDN ('+')";
        else if (ava->la_value.bv_len == 0)
            *why = "a DN with an empty RDN value";
        else if (!isalpha((unsigned char)ava->la_attr.bv_val[0]))
            *why = "a DN whose attribute is not a name";
        for (ber_len_t k = 0; *why == NULL && k < ava->la_attr.bv_len; k++)
            if (!isalnum((unsigned char)ava->la_attr.bv_val[k])
                && ava->la_attr.bv_val[k] != '-')
                *why = "a DN whose attribute is not a name";
    }
    ldap_dnfree(dn);
    return true;
}

const char *account_parse(const char *arg, struct account_ref *out)
{
    const char *why = spn_check_lookup(arg);
    const char *bs;

    memset(out, 0, sizeof(*out));
    if (why != NULL)
        return why;

    if (looks_like_dn(arg, &why)) {
        if (why != NULL)
            return why;
        out->form = ACCOUNT_DN;
        out->name = xstrndup(arg, strlen(arg));
        return NULL;
    }
    bs = strchr(arg, '\\');
    if (bs != NULL) {
        if (bs == arg)
            return "empty domain before '\\'";
        if (bs[1] == '\0')
            return "empty account name after '\\'";
        if (strchr(bs + 1, '\\') != NULL)
            return "more than one '\\'";
        out->domain = xstrndup(arg, (size_t)(bs - arg));
        arg = bs + 1;
    } else if (strchr(arg, '@') != NULL) {
        const char *at = strrchr(arg, '@');

        if (at == arg || at[1] == '\0')
            return "a user principal name needs text on both sides of '@'";
        out->form = ACCOUNT_UPN;
        out->name = xstrndup(arg, strlen(arg));
        return NULL;
    }
    if (strcmp(arg, "$") == 0) {
        account_ref_free(out);
        return "empty account name before '$'";
    }
    out->form = ACCOUNT_NAME;
    out->name = xstrndup(arg, strlen(arg));
    out->dollar = arg[strlen(arg) - 1] == '$';
    return NULL;
}

void account_ref_free(struct account_ref *ref)
{
    if (ref == NULL)
        return;
    free(ref->domain);
    free(ref->name);
    ref->domain = ref->name = NULL;
}

const char *account_check_domain(const char *domain)
{
    /* "" is Setspn.exe's "the current domain" */
    return *domain == '\0' ? NULL : spn_check_lookup(domain);
}

char *account_implicit_upn(const char *upn, const char *domain_dns)
{
    const char *at = strrchr(upn, '@');

    if (at == NULL || at == upn || domain_dns == NULL
        || strcasecmp(at + 1, domain_dns) != 0)
        return NULL;
    return xstrndup(upn, (size_t)(at - upn));
}

char *account_fqdn_short(const struct account_ref *ref)
{
    const char *dot;

    if (ref->form != ACCOUNT_NAME || ref->domain != NULL || ref->dollar)
        return NULL;
    dot = strchr(ref->name, '.');
    if (dot == NULL || dot == ref->name || dot[1] == '\0')
        return NULL;
    return xstrndup(ref->name, (size_t)(dot - ref->name));
}
