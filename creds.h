/*
 * Kerberos credentials for the GSSAPI bind: the caller's ticket cache, or
 * a ticket obtained from a keytab or a password into a private in-memory
 * cache that only this process sees (the caller's cache is neither read
 * nor written then).
 */
#ifndef SETSPN_CREDS_H
#define SETSPN_CREDS_H

#include "status.h"

struct sp_creds {
    const char *keytab;    /* --keytab FILE, or NULL */
    const char *principal; /* --principal P, or NULL */
    const char *password;  /* for --principal without a keytab, or NULL */
};

/*
 * Makes sure GSSAPI will find a usable ticket-granting ticket.  On success
 * *principal is the client's name (malloc'd); on failure *msg says why
 * (malloc'd) and the status is SP_AUTH, whatever the cause (no ticket,
 * KDC unreachable, clock skew, wrong password).
 */
enum sp_status creds_acquire(const struct sp_creds *creds, char **principal,
                             char **msg);

/* Destroys the private cache, if one was made. */
void creds_release(void);

#endif
