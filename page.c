#include "page.h"

#include <errno.h>
#include <sys/time.h>

static char OID_PAGED[] = LDAP_CONTROL_PAGEDRESULTS;

int page_send(struct conn *c, const char *base, int scope, const char *filter,
              char **attrs, struct berval *cookie, int *msgid)
{
    LDAPControl pctrl = { OID_PAGED, { 0, NULL }, 1 };
    LDAPControl *sctrls[] = { &pctrl, NULL };
    struct timeval tv = { conn_timeout(c), 0 };
    int rc;

    if (conn_ld(c) == NULL)
        return LDAP_SERVER_DOWN;
    rc = ldap_create_page_control_value(conn_ld(c), conn_page_size(c), cookie,
                                        &pctrl.ldctl_value);
    if (rc != LDAP_SUCCESS)
        return rc;
    rc = ldap_search_ext(conn_ld(c), base, scope, filter, attrs, 0, sctrls,
                         NULL, conn_timeout(c) ? &tv : NULL, LDAP_NO_LIMIT,
                         msgid);
    ber_memfree(pctrl.ldctl_value.bv_val);
    return rc;
}

int page_wait(struct conn *c, int msgid, LDAPMessage **res)
{
    struct timeval tv = { conn_timeout(c), 0 };
    int rc = ldap_result(conn_ld(c), msgid, LDAP_MSG_ALL,
                         conn_timeout(c) ? &tv : NULL, res), err = errno;

    if (rc > 0)
        return LDAP_SUCCESS; /* the result code is parsed from *res */
    *res = NULL;
    if (rc == 0) {
        ldap_abandon_ext(conn_ld(c), msgid, NULL, NULL);
        return LDAP_TIMEOUT;
    }
    rc = LDAP_OTHER;
    ldap_get_option(conn_ld(c), LDAP_OPT_RESULT_CODE, &rc);
    conn_note_oversize(c, rc, err);
    return rc;
}

bool page_more(struct conn *c, LDAPMessage *res)
{
    LDAPControl **ctrls = NULL, *page;
    struct berval cookie = { 0, NULL };
    ber_int_t estimate;
    int err;
    bool more = false;

    if (ldap_parse_result(conn_ld(c), res, &err, NULL, NULL, NULL, &ctrls, 0)
        != LDAP_SUCCESS)
        return false;
    page = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, ctrls, NULL);
    if (page != NULL
        && ldap_parse_pageresponse_control(conn_ld(c), page, &estimate,
                                           &cookie) == LDAP_SUCCESS)
        more = cookie.bv_len > 0;
    ber_memfree(cookie.bv_val);
    ldap_controls_free(ctrls);
    return more;
}
