#include "status.h"

#include <string.h>

#include <ldap.h>

int status_diag_conflict(const char *diagnostic)
{
    return diagnostic != NULL
           && (strstr(diagnostic, "would cause a conflict") != NULL
               || strstr(diagnostic, "000021C7") != NULL);
}

enum status status_classify(int rc, const char *diag, enum status_op op)
{
    switch (rc) {
    case LDAP_SUCCESS:
        return ST_OK;
    case LDAP_NO_SUCH_OBJECT:
        return op == OP_BIND ? ST_AUTH : ST_NOT_FOUND;
    case LDAP_INVALID_DN_SYNTAX:
        /* only a DN the user typed can be malformed */
        return ST_INVALID;
    case LDAP_CONSTRAINT_VIOLATION:
        if (op != OP_WRITE)
            return ST_DIRECTORY;
        return status_diag_conflict(diag) ? ST_DUPLICATE : ST_REFUSED;
    case LDAP_INSUFFICIENT_ACCESS:
        /* Samba reports its alias rule as an access error */
        if (op == OP_WRITE && status_diag_conflict(diag))
            return ST_DUPLICATE;
        return ST_ACCESS;
    case LDAP_TYPE_OR_VALUE_EXISTS:
        return op == OP_WRITE ? ST_UNCHANGED : ST_DIRECTORY;
    case LDAP_NO_SUCH_ATTRIBUTE:
        return op == OP_WRITE ? ST_ABSENT : ST_DIRECTORY;
    case LDAP_INVALID_CREDENTIALS:
    case LDAP_STRONG_AUTH_REQUIRED:
    case LDAP_AUTH_METHOD_NOT_SUPPORTED:
    case LDAP_INAPPROPRIATE_AUTH:
    case LDAP_CONFIDENTIALITY_REQUIRED:
    case LDAP_AUTH_UNKNOWN:
        return ST_AUTH;
    case LDAP_LOCAL_ERROR:
    case LDAP_OTHER:
    case LDAP_PARAM_ERROR:
        /* During a SASL bind these carry GSSAPI's failures (no ticket,
         * unknown service principal, clock skew). */
        return op == OP_BIND ? ST_AUTH : ST_DIRECTORY;
    case LDAP_SERVER_DOWN:
    case LDAP_TIMEOUT:
    case 0x51: /* Server Down and Timeout as DCs and LDAPv2 number them */
    case 0x55:
    case LDAP_TIMELIMIT_EXCEEDED:
    case LDAP_CONNECT_ERROR:
    case LDAP_REFERRAL:
    case LDAP_UNAVAILABLE:
    case LDAP_BUSY:
        return ST_CONNECT;
    default:
        return ST_DIRECTORY;
    }
}

/* The one table: every outcome, its JSON name and its exit code. */
static const struct {
    const char *name;
    int exit_code;
} status_table[] = {
    [ST_OK] = { "ok", EXIT_DONE },
    [ST_ADDED] = { "added", EXIT_DONE },
    [ST_REMOVED] = { "removed", EXIT_DONE },
    [ST_UNCHANGED] = { "unchanged", EXIT_NEGATIVE },
    [ST_ABSENT] = { "absent", EXIT_NEGATIVE },
    [ST_NOT_FOUND] = { "not-found", EXIT_NEGATIVE },
    [ST_DUPLICATE] = { "conflict", EXIT_NEGATIVE },
    [ST_REFUSED] = { "error", EXIT_NEGATIVE },
    [ST_UNSUITABLE] = { "invalid", EXIT_NEGATIVE },
    [ST_FAILED] = { "fail", EXIT_NEGATIVE },
    [ST_INVALID] = { "invalid", EXIT_USAGE },
    [ST_AUTH] = { "error", EXIT_AUTH },
    [ST_ACCESS] = { "error", EXIT_AUTH },
    [ST_CONNECT] = { "error", EXIT_DIRECTORY },
    [ST_DIRECTORY] = { "error", EXIT_DIRECTORY },
    [ST_INTERRUPTED] = { "interrupted", EXIT_DIRECTORY },
};

#define NSTATUS (sizeof(status_table) / sizeof(status_table[0]))

int status_exit(enum status status, bool idempotent)
{
    if ((unsigned)status >= NSTATUS)
        return EXIT_DIRECTORY;
    if (idempotent && (status == ST_UNCHANGED || status == ST_ABSENT))
        return EXIT_DONE;
    return status_table[status].exit_code;
}

const char *status_name(enum status status)
{
    if ((unsigned)status >= NSTATUS)
        return "error";
    return status_table[status].name;
}
