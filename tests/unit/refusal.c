/*
 * refusal: which case a refused write of servicePrincipalName is, the
 * hosts validated write allows, SIDs, and the message with its remedy.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "refusal.h"

static const char *const add_dns[] = { "alias.spn.test" };
static const char *const add_sam[] = { "ALIAS2$" };

static struct refusal base(void)
{
    return (struct refusal){
        .spn = "HTTP/web.spn.test", .dn = "CN=WS01,CN=Computers,DC=spn,DC=test",
        .ldap_rc = 50, .diag = "00002098: SecErr: DSID-03150F94, problem 4003 "
                               "(INSUFF_ACCESS_RIGHTS), data 0",
        .caller = "SPN\\helpdesk", .read = true, .sam = "WS01$",
        .dns_host = "ws01.spn.test", .caller_sid = "S-1-5-21-1-2-3-1105",
    };
}

static void refusal_cases(void **state)
{
    struct refusal r = base();

    (void)state;
    assert_int_equal(refusal_classify(&r), REFUSAL_NO_RIGHT);
    r.caller_is_target = true; /* SELF: validated write by default */
    assert_int_equal(refusal_classify(&r), REFUSAL_VALIDATED);
    r = base();
    r.ldap_rc = 19;
    r.diag = "acl: spn validation failed for spn[HTTP/web.spn.test] uac[0x1000]";
    assert_int_equal(refusal_classify(&r), REFUSAL_VALIDATED);
    r.diag = "0000202F: samldb: spn[HTTP/x] would cause a conflict";
    assert_int_equal(refusal_classify(&r), REFUSAL_DUPLICATE);
    r.diag = "000021C7: AtrErr: DSID-03200BBA, #1:\n\t0: 000021C7: DSID-03200BBA, "
             "problem 1005 (CONSTRAINT_ATT_TYPE), data 0, Att 90303 "
             "(servicePrincipalName)";
    assert_int_equal(refusal_classify(&r), REFUSAL_DUPLICATE);
    r.diag = "spn[noslash] invalid with 1 components";
    assert_int_equal(refusal_classify(&r), REFUSAL_OTHER);
    assert_null(refusal_explain(&r));
    r = base();
    r.may_write = true; /* the right is there: not about rights */
    assert_int_equal(refusal_classify(&r), REFUSAL_OTHER);
}

static void refusal_hosts(void **state)
{
    struct refusal r = base();

    (void)state;
    assert_true(refusal_host_allowed(&r, "WS01.spn.TEST"));
    assert_true(refusal_host_allowed(&r, "ws01"));
    assert_false(refusal_host_allowed(&r, "ws01$"));
    assert_false(refusal_host_allowed(&r, "web.spn.test"));
    assert_false(refusal_host_allowed(&r, NULL));
    assert_false(refusal_host_allowed(&r, "alias.spn.test"));
    r.add_dns = (char *const *)add_dns;
    r.nadd_dns = 1;
    r.add_sam = (char *const *)add_sam;
    r.nadd_sam = 1;
    assert_true(refusal_host_allowed(&r, "ALIAS.spn.test"));
    assert_true(refusal_host_allowed(&r, "alias2"));
}

static void refusal_sids(void **state)
{
    /* S-1-5-21-2992822911-1095684999-2127825736-1102 */
    static const unsigned char sid[] = {
        1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 0x7f, 0xda, 0x62, 0xb2,
        0x87, 0xd3, 0x4e, 0x41, 0x48, 0x0b, 0xd4, 0x7e, 0x4e, 0x04, 0, 0,
    };
    char *s;

    (void)state;
    s = refusal_sid_string(sid, sizeof(sid));
    unit_same("sid", s, "S-1-5-21-2992822911-1095684999-2127825736-1102");
    free(s);
    assert_null(refusal_sid_string(sid, sizeof(sid) - 1));
    assert_null(refusal_sid_string(sid, 4));
}

static void refusal_messages(void **state)
{
    struct refusal r = base();
    char *m;

    (void)state;
    m = refusal_explain(&r);
    unit_same("no right", m,
              "cannot add HTTP/web.spn.test to CN=WS01,CN=Computers,DC=spn,DC=test: "
              "SPN\\helpdesk has no right to write servicePrincipalName on that "
              "account (the DC does not list it among the attributes "
              "SPN\\helpdesk may write there)\n"
              "to add it, have an administrator add it, or grant SPN\\helpdesk "
              "one of these on the account (or on its OU):\n"
              "  \"Write servicePrincipalName\", for any SPN: dsacls "
              "CN=WS01,CN=Computers,DC=spn,DC=test /G "
              "'SPN\\helpdesk:WP;servicePrincipalName'\n"
              "  \"Validated write to service principal name\", only for SPNs on "
              "the account's own names (ws01.spn.test (dNSHostName), WS01 "
              "(sAMAccountName); web.spn.test is not among them): dsacls "
              "CN=WS01,CN=Computers,DC=spn,DC=test /G "
              "'SPN\\helpdesk:SW;Validated write to service principal name'");
    free(m);
    r.samba = true;
    r.caller_is_target = true;
    r.caller = "WS01$@SPN.TEST";
    r.caller_sid = NULL;
    m = refusal_explain(&r);
    unit_same("validated", m,
              "cannot add HTTP/web.spn.test to CN=WS01,CN=Computers,DC=spn,DC=test: "
              "WS01$@SPN.TEST may write servicePrincipalName there only by "
              "\"Validated write to service principal name\", which allows only "
              "SPNs whose host is one of the account's own names (MS-ADTS "
              "3.1.1.5.3.1.1.4): ws01.spn.test (dNSHostName), WS01 "
              "(sAMAccountName); web.spn.test is not among them\n"
              "to add it, have an administrator add it, or grant WS01$@SPN.TEST "
              "\"Write servicePrincipalName\" on the account:\n"
              "  dsacls CN=WS01,CN=Computers,DC=spn,DC=test /G "
              "'WS01$@SPN.TEST:WP;servicePrincipalName'\n"
              "  on this Samba DC: samba-tool dsacl set "
              "--objectdn=CN=WS01,CN=Computers,DC=spn,DC=test "
              "--sddl='(OA;;WP;f3a64788-5306-11d1-a9c5-0000f80367c1;;<the "
              "caller'\\''s SID>)'");
    free(m);
    /* the host is allowed, yet refused: the DC's rule is stricter */
    r.spn = "HTTP/ws01.spn.test:8080";
    m = refusal_explain(&r);
    assert_non_null(strstr(m, "; ws01.spn.test is among them, yet the DC "
                              "refused it: it applies a stricter rule"));
    free(m);
    /* hostile names from the directory come out escaped, on one line */
    r.dns_host = "evil\n\x1b[31m";
    r.read = true;
    m = refusal_explain(&r);
    assert_null(strchr(strchr(m, '\n') ? strchr(m, '\n') + 1 : m, '\x1b'));
    assert_non_null(strstr(m, "evil\\x0a\\x1b[31m (dNSHostName)"));
    free(m);
    /* nothing read: no hosts, no verdict */
    r = base();
    r.read = false;
    r.caller = NULL;
    m = refusal_explain(&r);
    assert_non_null(strstr(m, "the caller has no right to write "
                              "servicePrincipalName on that account\n"));
    assert_non_null(strstr(m, "(its names could not be read)"));
    free(m);
}

int unit_refusal(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(refusal_cases),
        cmocka_unit_test(refusal_hosts),
        cmocka_unit_test(refusal_sids),
        cmocka_unit_test(refusal_messages),
    };

    return cmocka_run_group_tests_name("refusal", tests, NULL, NULL);
}
