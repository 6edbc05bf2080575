/*
 * What happened, in the categories a caller acts on, and the one table
 * that turns LDAP result codes into them and them into exit codes.
 */
#ifndef SETSPN_STATUS_H
#define SETSPN_STATUS_H

enum sp_status {
    SP_OK = 0,
    SP_NOT_FOUND,     /* no such account or object */
    SP_DUPLICATE,     /* another (or the same) account holds the SPN */
    SP_VALUE_EXISTS,  /* the value is already on the account (20) */
    SP_NO_SUCH_VALUE, /* the value is not on the account (16) */
    SP_CONSTRAINT,    /* the DC's own rule refused a write (19) */
    SP_INVALID,       /* usage or input error */
    SP_AUTH,          /* credentials, KDC, bind */
    SP_ACCESS,        /* insufficient access */
    SP_CONNECT,       /* cannot reach or lost the DC, TLS, referral */
    SP_DIRECTORY      /* any other directory failure */
};

/* Documented exit codes. */
enum {
    EXIT_DONE = 0,
    EXIT_NEGATIVE = 1,
    EXIT_USAGE = 2,
    EXIT_AUTH = 3,
    EXIT_DIRECTORY = 4
};

/* What an LDAP operation was doing when it got its result. */
enum sp_op {
    OP_BIND,
    OP_READ,
    OP_WRITE
};

/* Classifies an LDAP result code (with the server's diagnostic text, which
 * may be NULL) for the operation that produced it. */
enum sp_status sp_classify(int ldap_rc, const char *diagnostic, enum sp_op op);

/* True if the diagnostic says the value would not be unique (Samba's
 * "would cause a conflict", Windows' 000021C7). */
int sp_diag_is_conflict(const char *diagnostic);

int sp_exit_code(enum sp_status status);
const char *sp_status_name(enum sp_status status);

#endif
