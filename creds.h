/*
 * Kerberos credentials for the GSSAPI bind: the caller's ticket cache, or
 * a ticket obtained from a keytab or a password into a private in-memory
 * cache that only this process sees (the caller's cache is neither read
 * nor written then).
 */
#ifndef SETSPN_CREDS_H
#define SETSPN_CREDS_H

#include <stdbool.h>

#include <krb5.h>

#include "status.h"

struct creds {
    const char *keytab;    /* --keytab FILE, or NULL */
    const char *principal; /* --principal P, or NULL */
    const char *password;  /* for --principal without a keytab, or NULL */
};

/*
 * Makes sure GSSAPI will find a usable ticket-granting ticket.  On success
 * *principal is the client's name (malloc'd); on failure *msg says why
 * (malloc'd) and the status is ST_AUTH, whatever the cause (no ticket,
 * KDC unreachable, clock skew, wrong password).
 */
enum status creds_acquire(const struct creds *creds, char **principal,
                             char **msg);

/* Destroys the private cache, if one was made. */
void creds_release(void);
/* The private cache's name ("MEMORY:..."), or NULL when the caller's
 * default cache is used. */
const char *creds_ccache_name(void);

/* Reads a password: the first line of file, or without one a no-echo
 * prompt on the terminal naming who.  Never from the command line.  On
 * failure *msg says why (malloc'd) and the status is ST_INVALID. */
enum status creds_read_password(const char *file, const char *who,
                                char **password, char **msg);
/* Wipes and frees *password (one that creds_read_password returned), and
 * sets it to NULL. */
void creds_wipe_password(char **password);

/* A password file or keytab must be a regular file that only its owner
 * may read or write (as ssh asks of private keys): else ST_INVALID and
 * *msg (malloc'd) says why and which mode is expected.  Keytab names of
 * other types than FILE: pass. */
enum status creds_check_secret_file(const char *path, const char *what,
                                    char **msg);
/* The service's keytab that --verify --service-keytab reads: a regular
 * file, but (unlike creds_check_secret_file) of any mode: it is only read,
 * never written, and a service's keytab is rightly shared with the
 * service's group (0640).  Keytab names of other types than FILE: pass. */
enum status creds_check_service_keytab(const char *path, char **msg);
/* No core dump from here on (a password or key is in memory). */
void creds_no_core(void);

/* Whether server is the ticket-granting service of client's own realm,
 * krbtgt/REALM@REALM: a cross-realm krbtgt/OTHER@REALM is not.  Pure (the
 * context only for libkrb5's accessors). */
bool creds_home_tgt(krb5_context kc, krb5_const_principal client,
                    krb5_const_principal server);

/* A hint an admin can act on for a Kerberos error: by libkrb5 error code,
 * or (code 0) by GSSAPI's text.  Static, or NULL. */
const char *creds_hint(long code, const char *text);

#endif
