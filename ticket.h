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
    TICKET_REVOKED,    /* the service's account is locked out (or disabled) */
    TICKET_CLIENT,     /* the caller's own account is refused */
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

/* What a service with the keytab makes of the ticket. */
enum keytab_result {
    KEYTAB_ACCEPTS,      /* with its entry for the SPN at the ticket's kvno */
    KEYTAB_ACCEPTS_SOME, /* only when it tries every key (no acceptor name) */
    KEYTAB_REFUSES       /* no key decrypts it, or the keytab is unusable */
};

struct keytab_check {
    enum keytab_result result;
    char *detail; /* what was found, malloc'd */
    bool any_key; /* it holds a key under the SPN or the account's name */
    bool aes;     /* ... an AES one at the current kvno */
};

/*
 * Decrypts the ticket with keytab as a service does (krb5_rd_req with no
 * acceptor name: every key tried), then says which entry did it and which
 * stricter services would refuse it: an entry under the account's name
 * (alt_name, may be NULL) rather than the SPN, or under another kvno.
 * Names match as the KDC matches them, regardless of case.  Without a
 * ticket, the keytab's kvnos are compared with the directory's (dir_kvno;
 * < 0: unknown).  Free out->detail.
 */
void ticket_keytab_check(const struct ticket *t, const char *spn,
                         const char *keytab, const char *alt_name,
                         long dir_kvno, struct keytab_check *out);

/* ticket_keytab_check's verdict as true when a service can accept the
 * ticket; *detail (malloc'd) says what was found either way. */
bool ticket_check_keytab(const struct ticket *t, const char *spn,
                         const char *keytab, const char *alt_name,
                         long dir_kvno, char **detail);

#endif
