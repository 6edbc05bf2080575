/*
 * The paged-results steps that search.c and ahead.c share: send one page
 * of a search, wait for its whole answer, read whether more pages follow.
 * Never prints.
 */
#ifndef SETSPN_PAGE_H
#define SETSPN_PAGE_H

#include <stdbool.h>

#include <ldap.h>

#include "conn.h"

/* Sends the page of a search after cookie (empty: the first), of the
 * connection's page size; an LDAP result code. */
int page_send(struct conn *c, const char *base, int scope, const char *filter,
              char **attrs, struct berval *cookie, int *msgid);

/* The whole answer to msgid in *res, waiting at most the connection's
 * timeout (then abandoned); an LDAP result code, and *res NULL, when
 * there is none. */
int page_wait(struct conn *c, int msgid, LDAPMessage **res);

/* Whether a page's answer says more pages follow. */
bool page_more(struct conn *c, LDAPMessage *res);

#endif
