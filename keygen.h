/*
 * The KDC's side of writing a keytab (libkrb5): whether a password is the
 * account's (a ticket-granting ticket as the account, kept nowhere), the
 * salt and string-to-key parameters the KDC itself uses for each
 * encryption type (its ETYPE-INFO2, not a formula), the keys derived from
 * them, a new random password set with the Kerberos set-password
 * protocol.  Nothing here prints or exits; secrets are wiped after use.
 */
#ifndef SETSPN_KEYGEN_H
#define SETSPN_KEYGEN_H

#include <stddef.h>

#include "status.h"

struct keygen_key {
    int enctype;
    unsigned char *key;  /* malloc'd; keygen_keys_free wipes it */
    size_t len;
    char *salt;          /* the salt the KDC named (printable form), or
                          * NULL (an RC4 key has none) */
};

/* Gets a ticket-granting ticket as principal with password and throws it
 * away.  ST_OK; ST_AUTH with *msg for a wrong password (or a disabled,
 * locked or expired account: *msg says which); ST_CONNECT when no KDC
 * answers. */
enum status keygen_check_password(const char *principal, const char *password,
                                  char **msg);

/* The keys of password for principal, one per enctypes[i], with the salt
 * and parameters the KDC gives (ETYPE-INFO2).  An encryption type the KDC
 * holds no key of for the account is left out, and *skipped (malloc'd,
 * or NULL) names it.  keys[] has room for n; *nkeys is set. */
enum status keygen_derive(const char *principal, const char *password,
                          const int *enctypes, size_t n,
                          struct keygen_key *keys, size_t *nkeys,
                          char **skipped, char **msg);
void keygen_keys_free(struct keygen_key *keys, size_t n);

/* Sets password on principal with the Kerberos set-password protocol
 * (RFC 3244) as the caller (the run's credentials cache). */
enum status keygen_set_password(const char *principal, const char *password,
                                char **msg);

/* A new random password that meets Active Directory's complexity rules
 * (upper and lower case letters, digits, symbols); free it with
 * keygen_wipe_password. */
char *keygen_random_password(void);
/* Wipes and frees *password (keygen_random_password's), sets it NULL. */
void keygen_wipe_password(char **password);

#endif
