/*
 * The Kerberos side of --verify (libkrb5): a service ticket for an SPN
 * with the caller's credentials, what the ticket says of the service's
 * key (encryption type, kvno), and whether a service's keytab decrypts it
 * (krb5_rd_req, as the service would).  Nothing here prints or exits, and
 * nothing is written: the caller's cache is copied, never stored into.
 */
#ifndef SETSPN_TICKET_H
#define SETSPN_TICKET_H

#include <stdbool.h>

/* Why the KDC gave no ticket, in the categories --verify explains. */
enum ticket_failure {
    TICKET_OK,
    TICKET_UNKNOWN,    /* server not found in the database */
    TICKET_NOT_UNIQUE, /* more than one principal */
    TICKET_ENCTYPE,    /* no key of a usable encryption type */
    TICKET_SKEW,       /* clocks differ */
    TICKET_REVOKED,    /* the account is disabled or locked */
    TICKET_OTHER
};

struct ticket;

/* Asks the KDC for a ticket to spn, giving up after seconds (0: waits as
 * long as the library does).  Never NULL; ticket_free(NULL) is allowed. */
struct ticket *ticket_get(const char *spn, int seconds);
void ticket_free(struct ticket *t);

enum ticket_failure ticket_failure(const struct ticket *t);
/* On failure: the KDC's answer in plain words, with the library's text.
 * Owned by t. */
const char *ticket_error(const struct ticket *t);
/* On success: the encryption type and kvno of the ticket's encrypted part
 * (the service's key), and the principal the ticket is for. */
int ticket_enctype(const struct ticket *t);
int ticket_kvno(const struct ticket *t);
const char *ticket_server(const struct ticket *t);

/*
 * Checks that keytab holds a key for the ticket's service (under the SPN
 * or under alt_name, the account's own principal, which may be NULL) with
 * the directory's kvno (dir_kvno < 0: unknown) and the ticket's encryption
 * type, and that it decrypts the ticket.  Returns true when the service
 * can accept tickets; *detail (malloc'd) says what was found either way.
 */
bool ticket_check_keytab(const struct ticket *t, const char *spn,
                         const char *keytab, const char *alt_name,
                         long dir_kvno, char **detail);

#endif
