/*
 * What happened, in the categories a caller acts on, and the one table
 * that turns LDAP result codes into them and them into exit codes.
 */
#ifndef SETSPN_STATUS_H
#define SETSPN_STATUS_H

#include <stdbool.h>

enum status {
    ST_OK = 0,        /* done, or a read that found what it looked for */
    ST_ADDED,         /* a value was (or, in a dry run, would be) added */
    ST_REMOVED,       /* a value was (or would be) removed */
    ST_UNCHANGED,     /* the value is already on the account (20) */
    ST_ABSENT,        /* the value is not on the account (16) */
    ST_NOT_FOUND,     /* no such account, object, SPN or domain */
    ST_DUPLICATE,     /* another (or the same) account holds the SPN */
    ST_REFUSED,       /* the DC's own rule refused a write (19) */
    ST_UNSUITABLE,    /* the account cannot take the change (-R a user) */
    ST_FAILED,        /* --verify: a check failed (Kerberos to the service
                       * would fail) */
    ST_INVALID,       /* usage or input error */
    ST_AUTH,          /* credentials, KDC, bind */
    ST_ACCESS,        /* insufficient access */
    ST_CONNECT,       /* cannot reach or lost the DC, TLS, referral */
    ST_DIRECTORY,     /* any other directory failure */
    ST_INTERRUPTED    /* SIGINT or SIGTERM stopped a read */
};

/* Documented exit codes. */
enum {
    EXIT_DONE = 0,
    EXIT_NEGATIVE = 1,
    EXIT_USAGE = 2,
    EXIT_AUTH = 3,
    EXIT_DIRECTORY = 4,
    /* A run stopped by a signal exits 128 + its number: 130 (SIGINT),
     * 143 (SIGTERM). */
    EXIT_SIGNAL_BASE = 128
};

/* What an LDAP operation was doing when it got its result. */
enum status_op {
    OP_BIND,
    OP_READ,
    OP_WRITE
};

/* Classifies an LDAP result code (with the server's diagnostic text, which
 * may be NULL) for the operation that produced it. */
enum status status_classify(int ldap_rc, const char *diagnostic, enum status_op op);

/* True if the diagnostic says the value would not be unique (Samba's
 * "would cause a conflict", Windows' 000021C7). */
int status_diag_conflict(const char *diagnostic);

/* The exit code of an outcome.  With idempotent, "already there" and
 * "already gone" count as done. */
int status_exit(enum status status, bool idempotent);
/* Its name in the JSON document ("added", "conflict", "error", ...). */
const char *status_name(enum status status);

#endif
