/*
 * Why a DC refused to add a value of servicePrincipalName, and what an
 * administrator can do about it: the case (no right to write the
 * attribute, validated write only, a forest-wide duplicate), told from
 * the DC's answer and from what the caller may do on the account
 * (rights.h reads that), with the right to delegate named as ADUC and
 * dsacls name it.  Pure: unit-tested without a DC.
 */
#ifndef SETSPN_REFUSAL_H
#define SETSPN_REFUSAL_H

#include <stdbool.h>
#include <stddef.h>

enum refusal_case {
    REFUSAL_OTHER,      /* not about rights: left as the DC said it */
    REFUSAL_NO_RIGHT,   /* no right to write servicePrincipalName there */
    REFUSAL_VALIDATED,  /* validated write only, and the host is not the
                         * account's own (or the DC is stricter) */
    REFUSAL_DUPLICATE   /* the value is not unique in the forest */
};

/* What is known when a write was refused.  Strings from the directory
 * are untrusted: the message quotes them. */
struct refusal {
    const char *spn;           /* the value being added (as typed) */
    const char *dn;            /* the account */
    int ldap_rc;               /* the DC's result code */
    const char *diag;          /* its diagnostic text, or NULL */
    const char *caller;        /* who the DC took the caller for, or NULL */
    bool caller_is_target;     /* the account is the caller itself */
    bool read;                 /* the account's names below were read */
    bool may_write;            /* allowedAttributesEffective lists it */
    const char *sam;           /* sAMAccountName, or NULL */
    const char *dns_host;      /* dNSHostName, or NULL */
    char *const *add_dns;      /* msDS-AdditionalDnsHostName */
    size_t nadd_dns;
    char *const *add_sam;      /* msDS-AdditionalSamAccountName */
    size_t nadd_sam;
    const char *caller_sid;    /* S-1-5-..., for the SDDL, or NULL */
    bool samba;                /* the DC is Samba (rootDSE vendorName) */
};

/* Which case a refusal is. */
enum refusal_case refusal_classify(const struct refusal *r);

/* Whether validated write (MS-ADTS 3.1.1.5.3.1.1.4) allows host on the
 * account: its dNSHostName, its sAMAccountName without the "$", or one
 * of the msDS-Additional* names, compared without regard to case. */
bool refusal_host_allowed(const struct refusal *r, const char *host);

/* A binary SID as S-1-..., or NULL if b is not one.  Caller frees. */
char *refusal_sid_string(const unsigned char *b, size_t len);

/* The message for an admin, in lines: the first says the case and the
 * hosts validated write allows, the rest give the remedy (dsacls, and
 * samba-tool dsacl on a Samba DC).  NULL for
 * REFUSAL_OTHER and REFUSAL_DUPLICATE (the duplicate's holders are
 * reported as the duplicate check reports them).  Caller frees. */
char *refusal_explain(const struct refusal *r);

#endif
