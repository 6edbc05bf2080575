#include "cldap.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <lber.h>
#include <ldap.h>

#include "xalloc.h"

/* NtVer 6: NETLOGON_NT_VERSION_5 | _5EX, the answer 6.3.1.9 describes. */
static const char NTVER[4] = { 6, 0, 0, 0 };

unsigned char *cldap_request(int id, const char *domain, size_t *len)
{
    BerElement *ber = xnonnull(ber_alloc_t(LBER_USE_DER));
    struct berval *bv = NULL;
    unsigned char *out;
    bool ok = ber_printf(ber, "{it{seeiibt{", (ber_int_t)id, LDAP_REQ_SEARCH,
                         "", LDAP_SCOPE_BASE, LDAP_DEREF_NEVER, 0, 0, 0,
                         LDAP_FILTER_AND) != -1
              && ber_printf(ber, "t{ss}", LDAP_FILTER_EQUALITY, "DnsDomain",
                            domain) != -1
              && ber_printf(ber, "t{so}", LDAP_FILTER_EQUALITY, "NtVer",
                            NTVER, (ber_len_t)sizeof(NTVER)) != -1
              && ber_printf(ber, "}{s}}}", "Netlogon") != -1
              && ber_flatten(ber, &bv) != -1;

    ber_free(ber, 1);
    /* liblber fails only when out of memory */
    bv = xnonnull(ok ? bv : NULL);
    out = xrealloc(NULL, bv->bv_len);
    memcpy(out, bv->bv_val, bv->bv_len);
    *len = bv->bv_len;
    ber_bvfree(bv);
    return out;
}

/* One LDAPMessage's contents (msg, past its tag and length): a search
 * entry's Netlogon value is copied to *value; a search done with an error
 * says so. */
static int one_message(struct berval *msg, int id, unsigned char **value,
                       size_t *value_len, bool *done, char **err)
{
    BerElement *ber = xnonnull(ber_init(msg));
    ber_int_t got_id = 0;
    ber_tag_t tag;
    ber_len_t len;
    int r = -1;

    if (ber_scanf(ber, "i", &got_id) == LBER_ERROR) {
        *err = xstrdup("not an LDAP message");
        goto done;
    }
    if (got_id != id) {
        *err = xasprintf("an answer to message %d, not %d", (int)got_id, id);
        goto done;
    }
    tag = ber_peek_tag(ber, &len);
    if (tag == LDAP_RES_SEARCH_ENTRY) {
        struct berval dn;
        char *last;

        if (ber_scanf(ber, "{m", &dn) == LBER_ERROR) {
            *err = xstrdup("a malformed search entry");
            goto done;
        }
        for (tag = ber_first_element(ber, &len, &last);
             tag != LBER_DEFAULT && tag != LBER_ERROR;
             tag = ber_next_element(ber, &len, last)) {
            struct berval type;
            BerVarray vals = NULL;

            if (ber_scanf(ber, "{m[W]}", &type, &vals) == LBER_ERROR) {
                *err = xstrdup("a malformed attribute");
                goto done;
            }
            if (type.bv_len == 8 && strncasecmp(type.bv_val, "netlogon", 8) == 0
                && vals != NULL && vals[0].bv_val != NULL && *value == NULL) {
                *value_len = vals[0].bv_len;
                *value = xrealloc(NULL, *value_len ? *value_len : 1);
                memcpy(*value, vals[0].bv_val, *value_len);
            }
            ber_bvarray_free(vals);
        }
        r = 0;
    } else if (tag == LDAP_RES_SEARCH_RESULT) {
        ber_int_t code = 0;

        if (ber_scanf(ber, "{e", &code) == LBER_ERROR) {
            *err = xstrdup("a malformed search result");
            goto done;
        }
        *done = true;
        if (code != LDAP_SUCCESS) {
            *err = xasprintf("the search failed: %s (%d)",
                             ldap_err2string(code), (int)code);
            goto done;
        }
        r = 0;
    } else {
        *err = xasprintf("an unexpected LDAP message (tag 0x%lx)",
                         (unsigned long)tag);
    }
done:
    ber_free(ber, 1);
    return r;
}

int cldap_reply(const unsigned char *buf, size_t len, int id,
                unsigned char **value, size_t *value_len, char **msg)
{
    struct berval all = { (ber_len_t)len, (char *)buf };
    BerElement *ber;
    bool done = false;
    int r = 0;

    *value = NULL;
    *value_len = 0;
    *msg = NULL;
    if (len == 0) {
        *msg = xstrdup("an empty answer");
        return -1;
    }
    ber = xnonnull(ber_init(&all));
    /* One message after another, each parsed on its own: whatever one
     * holds cannot spill into the next. */
    for (;;) {
        struct berval one;
        ber_len_t left = 0;

        ber_get_option(ber, LBER_OPT_REMAINING_BYTES, &left);
        if (r != 0 || done || left == 0)
            break;

        if (ber_skip_element(ber, &one) != LBER_SEQUENCE) {
            *msg = xstrdup("not an LDAP message, or a truncated one");
            r = -1;
            break;
        }
        r = one_message(&one, id, value, value_len, &done, msg);
    }
    ber_free(ber, 1);
    if (r == 0 && *value == NULL) {
        *msg = xstrdup(done ? "no Netlogon value in the answer"
                            : "a truncated answer");
        r = -1;
    }
    if (r != 0) {
        free(*value);
        *value = NULL;
        *value_len = 0;
    }
    return r;
}
