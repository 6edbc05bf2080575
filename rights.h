/*
 * What the caller may do on an account, read after the DC refused a write
 * (refusal.h tells the case from it): who the DC takes the caller for
 * ("Who am I?", RFC 4532; the bind principal where the DC does not answer
 * it, as Samba 4.17 does not), the caller's SID, whether
 * allowedAttributesEffective lists servicePrincipalName, the account's
 * own names, and whether the DC is Samba.  Never prints: every read that
 * fails leaves its field unknown.
 */
#ifndef SETSPN_RIGHTS_H
#define SETSPN_RIGHTS_H

#include <stdbool.h>
#include <stddef.h>

#include "conn.h"

struct rights {
    char *caller;       /* "SPN\helpdesk", or the bind principal; or NULL */
    char *caller_sid;   /* S-1-5-..., or NULL */
    bool read;          /* the account's entry was read */
    bool may_write;     /* allowedAttributesEffective: servicePrincipalName */
    bool self;          /* the account is the caller */
    char *sam, *dns_host;
    char **add_dns, **add_sam;
    size_t nadd_dns, nadd_sam;
    bool samba;         /* rootDSE vendorName says Samba */
};

/* Reads what it can of the above for the account at dn. */
void rights_read(struct conn *c, const char *dn, struct rights *r);
void rights_free(struct rights *r);

#endif
