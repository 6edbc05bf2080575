#include "status.h"

#include <string.h>

#include <ldap.h>

int sp_diag_is_conflict(const char *diagnostic)
{
    return diagnostic != NULL
           && (strstr(diagnostic, "would cause a conflict") != NULL
               || strstr(diagnostic, "000021C7") != NULL);
}

enum sp_status sp_classify(int rc, const char *diag, enum sp_op op)
{
    switch (rc) {
    case LDAP_SUCCESS:
        return SP_OK;
    case LDAP_NO_SUCH_OBJECT:
        return op == OP_BIND ? SP_AUTH : SP_NOT_FOUND;
    case LDAP_INVALID_DN_SYNTAX:
        /* only a DN the user typed can be malformed */
        return SP_INVALID;
    case LDAP_CONSTRAINT_VIOLATION:
        if (op != OP_WRITE)
            return SP_DIRECTORY;
        return sp_diag_is_conflict(diag) ? SP_DUPLICATE : SP_CONSTRAINT;
    case LDAP_INSUFFICIENT_ACCESS:
        /* Samba reports its alias rule as an access error */
        if (op == OP_WRITE && sp_diag_is_conflict(diag))
            return SP_DUPLICATE;
        return SP_ACCESS;
    case LDAP_TYPE_OR_VALUE_EXISTS:
        return op == OP_WRITE ? SP_VALUE_EXISTS : SP_DIRECTORY;
    case LDAP_NO_SUCH_ATTRIBUTE:
        return op == OP_WRITE ? SP_NO_SUCH_VALUE : SP_DIRECTORY;
    case LDAP_INVALID_CREDENTIALS:
    case LDAP_STRONG_AUTH_REQUIRED:
    case LDAP_AUTH_METHOD_NOT_SUPPORTED:
    case LDAP_INAPPROPRIATE_AUTH:
    case LDAP_CONFIDENTIALITY_REQUIRED:
    case LDAP_AUTH_UNKNOWN:
        return SP_AUTH;
    case LDAP_LOCAL_ERROR:
    case LDAP_OTHER:
    case LDAP_PARAM_ERROR:
        /* During a SASL bind these carry GSSAPI's failures (no ticket,
         * unknown service principal, clock skew). */
        return op == OP_BIND ? SP_AUTH : SP_DIRECTORY;
    case LDAP_SERVER_DOWN:
    case LDAP_TIMEOUT:
    case 0x51: /* Server Down and Timeout as DCs and LDAPv2 number them */
    case 0x55:
    case LDAP_TIMELIMIT_EXCEEDED:
    case LDAP_CONNECT_ERROR:
    case LDAP_REFERRAL:
    case LDAP_UNAVAILABLE:
    case LDAP_BUSY:
        return SP_CONNECT;
    default:
        return SP_DIRECTORY;
    }
}

static const struct {
    const char *name;
    int exit_code;
} status_table[] = {
    [SP_OK] = { "ok", EXIT_DONE },
    [SP_NOT_FOUND] = { "not-found", EXIT_NEGATIVE },
    [SP_DUPLICATE] = { "conflict", EXIT_NEGATIVE },
    [SP_VALUE_EXISTS] = { "exists", EXIT_NEGATIVE },
    [SP_NO_SUCH_VALUE] = { "absent", EXIT_NEGATIVE },
    [SP_CONSTRAINT] = { "refused", EXIT_NEGATIVE },
    [SP_INVALID] = { "invalid", EXIT_USAGE },
    [SP_AUTH] = { "auth", EXIT_AUTH },
    [SP_ACCESS] = { "access", EXIT_AUTH },
    [SP_CONNECT] = { "connect", EXIT_DIRECTORY },
    [SP_DIRECTORY] = { "error", EXIT_DIRECTORY },
};

int sp_exit_code(enum sp_status status)
{
    if ((unsigned)status >= sizeof(status_table) / sizeof(status_table[0]))
        return EXIT_DIRECTORY;
    return status_table[status].exit_code;
}

const char *sp_status_name(enum sp_status status)
{
    if ((unsigned)status >= sizeof(status_table) / sizeof(status_table[0]))
        return "error";
    return status_table[status].name;
}
