/*
 * status: LDAP results into outcomes, and outcomes into exit codes and
 * the names of the JSON document (the one table).
 */
#include "unit.h"

#include <ldap.h>

#include "status.h"

static const char samba_conflict[] =
    "0000202F: samldb: spn[HTTP/web01.spn.test] would cause a conflict";
static const char windows_conflict[] =
    "000021C7: AtrErr: DSID-03200BBA, #1:\n"
    "\t0: 000021C7: DSID-03200BBA, problem 1005 (CONSTRAINT_ATT_TYPE), "
    "data 0, Att 90303 (servicePrincipalName)";
static const char validated_write[] =
    "00002083: AtrErr: DSID-03151E6D, #1: 0: 00002083: DSID-03151E6D, "
    "problem 1006 (ATT_OR_VALUE_EXISTS), data 0, Att 90303";

struct classify_case {
    int rc;
    const char *diag;
    enum status_op op;
    enum status want;
};

static const char *op_name(enum status_op op)
{
    return op == OP_BIND ? "OP_BIND" : op == OP_READ ? "OP_READ" : "OP_WRITE";
}

static void check_classify(const struct classify_case *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        enum status got = status_classify(c[i].rc, c[i].diag, c[i].op);

        if (got != c[i].want)
            fail_msg("case #%zu: status_classify(%d, %s%s%s, %s) = %d (%s), "
                     "expected %d (%s)", i, c[i].rc,
                     c[i].diag ? "\"" : "", c[i].diag ? c[i].diag : "NULL",
                     c[i].diag ? "\"" : "", op_name(c[i].op), (int)got,
                     status_name(got), (int)c[i].want,
                     status_name(c[i].want));
    }
}

static void status_table_rows(void **state)
{
    static const struct classify_case cases[] = {
        { LDAP_SUCCESS, NULL, OP_READ, ST_OK },
        { LDAP_SUCCESS, NULL, OP_WRITE, ST_OK },
        { LDAP_SUCCESS, NULL, OP_BIND, ST_OK },

        /* not found (32) */
        { 32, NULL, OP_READ, ST_NOT_FOUND },
        { 32, NULL, OP_WRITE, ST_NOT_FOUND },
        { 32, "0000208D: NameErr: DSID-03100241, problem 2001 (NO_OBJECT)",
          OP_WRITE, ST_NOT_FOUND },

        /* duplicates refused by the DC (19 with Samba's or Windows' text) */
        { 19, samba_conflict, OP_WRITE, ST_DUPLICATE },
        { 19, windows_conflict, OP_WRITE, ST_DUPLICATE },
        { 19, "000021C7", OP_WRITE, ST_DUPLICATE },
        /* other 19 on a write: the DC's own rule */
        { 19, validated_write, OP_WRITE, ST_REFUSED },
        { 19, NULL, OP_WRITE, ST_REFUSED },
        { 19, "", OP_WRITE, ST_REFUSED },

        /* 50: Samba's alias rule on a write is a duplicate, else access */
        { 50, "0000202F: samldb: spn[HOST/web01] would cause a conflict",
          OP_WRITE, ST_DUPLICATE },
        { 50, "00002098: SecErr: DSID-03150F94, problem 4003 "
              "(INSUFF_ACCESS_RIGHTS), data 0", OP_WRITE, ST_ACCESS },
        { 50, NULL, OP_WRITE, ST_ACCESS },
        { 50, NULL, OP_READ, ST_ACCESS },
        { 50, samba_conflict, OP_READ, ST_ACCESS },

        { 20, NULL, OP_WRITE, ST_UNCHANGED },
        { 16, NULL, OP_WRITE, ST_ABSENT },

        /* authentication */
        { 49, NULL, OP_BIND, ST_AUTH },
        { 49, "80090308: LdapErr: DSID-0C09044E, comment: "
              "AcceptSecurityContext error, data 52e", OP_BIND, ST_AUTH },
        { 8, NULL, OP_BIND, ST_AUTH },
        { 8, "00002028: LdapErr: DSID-0C090259, comment: The server "
             "requires binds to turn on integrity checking", OP_READ,
          ST_AUTH },
        { LDAP_LOCAL_ERROR, "SASL(-1): generic failure: GSSAPI Error",
          OP_BIND, ST_AUTH },
        { -2, NULL, OP_BIND, ST_AUTH },
        { LDAP_AUTH_UNKNOWN, NULL, OP_BIND, ST_AUTH },
        { LDAP_STRONG_AUTH_REQUIRED, NULL, OP_WRITE, ST_AUTH },
        { LDAP_INAPPROPRIATE_AUTH, NULL, OP_BIND, ST_AUTH },
        { LDAP_CONFIDENTIALITY_REQUIRED, NULL, OP_BIND, ST_AUTH },
        { LDAP_AUTH_METHOD_NOT_SUPPORTED, NULL, OP_BIND, ST_AUTH },

        /* connection (OpenLDAP's -1, -5, -11 and a referral, 10) */
        { -1, NULL, OP_BIND, ST_CONNECT },
        { -1, NULL, OP_READ, ST_CONNECT },
        { LDAP_SERVER_DOWN, NULL, OP_WRITE, ST_CONNECT },
        { LDAP_TIMEOUT, NULL, OP_READ, ST_CONNECT },
        { LDAP_CONNECT_ERROR, NULL, OP_BIND, ST_CONNECT },
        { 10, NULL, OP_READ, ST_CONNECT },
        { 10, NULL, OP_WRITE, ST_CONNECT },

        /* any other result */
        { 53, NULL, OP_WRITE, ST_DIRECTORY },
        { 53, NULL, OP_READ, ST_DIRECTORY },
        { 80, NULL, OP_READ, ST_DIRECTORY },
        { 80, NULL, OP_WRITE, ST_DIRECTORY },
        { -2, NULL, OP_READ, ST_DIRECTORY },
        { 21, NULL, OP_WRITE, ST_DIRECTORY },
        { 68, NULL, OP_WRITE, ST_DIRECTORY },
        { 4, NULL, OP_READ, ST_DIRECTORY },
        { 12345, NULL, OP_READ, ST_DIRECTORY },
    };

    (void)state;
    check_classify(cases, NCASES(cases));
}

/* The rows where the operation decides: what a write means on a read or
 * a bind means something else. */
static void status_op_rows(void **state)
{
    static const struct classify_case cases[] = {
        { 32, NULL, OP_BIND, ST_AUTH },
        { 19, samba_conflict, OP_READ, ST_DIRECTORY },
        { 19, NULL, OP_BIND, ST_DIRECTORY },
        { 20, NULL, OP_READ, ST_DIRECTORY },
        { 16, NULL, OP_READ, ST_DIRECTORY },
        { 80, NULL, OP_BIND, ST_AUTH },
        { LDAP_PARAM_ERROR, NULL, OP_BIND, ST_AUTH },
        { LDAP_PARAM_ERROR, NULL, OP_WRITE, ST_DIRECTORY },
        /* only a DN the user typed can be malformed */
        { LDAP_INVALID_DN_SYNTAX, NULL, OP_READ, ST_INVALID },
        { LDAP_TIMELIMIT_EXCEEDED, NULL, OP_READ, ST_CONNECT },
        { LDAP_BUSY, NULL, OP_WRITE, ST_CONNECT },
        { LDAP_UNAVAILABLE, NULL, OP_READ, ST_CONNECT },
    };

    (void)state;
    check_classify(cases, NCASES(cases));
}

/* The table names 81 (Server Down) and 85 (Timeout), the codes
 * of the RFC 1823 API that Windows' LDAP client reports, as connection
 * failures beside OpenLDAP's -1. */
static void status_connect_legacy_codes(void **state)
{
    static const struct classify_case cases[] = {
        { 81, NULL, OP_BIND, ST_CONNECT },
        { 81, NULL, OP_READ, ST_CONNECT },
        { 85, NULL, OP_READ, ST_CONNECT },
    };

    (void)state;
    /* whatever the category, the exit code is the connection one */
    assert_int_equal(status_exit(status_classify(81, NULL, OP_BIND), false),
                     4);
    assert_int_equal(status_exit(status_classify(85, NULL, OP_READ), false),
                     4);
    check_classify(cases, NCASES(cases));
}

static void status_conflict_text(void **state)
{
    (void)state;
    assert_false(status_diag_conflict(NULL));
    assert_false(status_diag_conflict(""));
    assert_false(status_diag_conflict(validated_write));
    assert_true(status_diag_conflict(samba_conflict));
    assert_true(status_diag_conflict(windows_conflict));
    assert_true(status_diag_conflict("000021C7"));
}

/* Every outcome: its exit code (plain and --idempotent) and its name. */
static const struct {
    enum status st;
    int exit_code, idempotent_exit;
    const char *name;
} outcomes[] = {
    { ST_OK, 0, 0, "ok" },
    { ST_ADDED, 0, 0, "added" },
    { ST_REMOVED, 0, 0, "removed" },
    { ST_UNCHANGED, 1, 0, "unchanged" },
    { ST_ABSENT, 1, 0, "absent" },
    { ST_NOT_FOUND, 1, 1, "not-found" },
    { ST_DUPLICATE, 1, 1, "conflict" },
    { ST_REFUSED, 1, 1, "error" },
    { ST_UNSUITABLE, 1, 1, "invalid" },
    { ST_FAILED, 1, 1, "fail" },
    { ST_INVALID, 2, 2, "invalid" },
    { ST_AUTH, 3, 3, "error" },
    { ST_ACCESS, 3, 3, "error" },
    { ST_CONNECT, 4, 4, "error" },
    { ST_DIRECTORY, 4, 4, "error" },
};

static void status_exit_codes(void **state)
{
    (void)state;
    /* the table above covers every outcome, in order */
    assert_int_equal(NCASES(outcomes), ST_DIRECTORY + 1);
    for (size_t i = 0; i < NCASES(outcomes); i++) {
        enum status s = outcomes[i].st;

        assert_int_equal(s, (enum status)i);
        if (status_exit(s, false) != outcomes[i].exit_code)
            fail_msg("status_exit(#%d %s, false) = %d, expected %d", (int)s,
                     status_name(s), status_exit(s, false),
                     outcomes[i].exit_code);
        if (status_exit(s, true) != outcomes[i].idempotent_exit)
            fail_msg("status_exit(#%d %s, true) = %d, expected %d", (int)s,
                     status_name(s), status_exit(s, true),
                     outcomes[i].idempotent_exit);
    }
    assert_int_equal(EXIT_DONE, 0);
    assert_int_equal(EXIT_NEGATIVE, 1);
    assert_int_equal(EXIT_USAGE, 2);
    assert_int_equal(EXIT_AUTH, 3);
    assert_int_equal(EXIT_DIRECTORY, 4);
    /* out of range: a directory failure, never success */
    assert_int_equal(status_exit((enum status)(ST_DIRECTORY + 1), false), 4);
    assert_int_equal(status_exit((enum status)-1, false), 4);
    assert_int_equal(status_exit((enum status)-1, true), 4);
}

static void status_names(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCASES(outcomes); i++)
        unit_same(outcomes[i].name, status_name(outcomes[i].st),
                  outcomes[i].name);
    assert_string_equal(status_name((enum status)99), "error");
    assert_string_equal(status_name((enum status)-1), "error");
}

int unit_status(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(status_table_rows),
        cmocka_unit_test(status_op_rows),
        cmocka_unit_test(status_connect_legacy_codes),
        cmocka_unit_test(status_conflict_text),
        cmocka_unit_test(status_exit_codes),
        cmocka_unit_test(status_names),
    };

    return cmocka_run_group_tests_name("status", tests, NULL, NULL);
}
