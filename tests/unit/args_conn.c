/*
 * args: the connection and credential options (-H, --timeout,
 * --page-size, --domain, -Z, --cacert, --min-ssf, --keytab, --principal,
 * --password-file, --simple).  The command line's other rules: args.c.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "argv.h"

static void args_uri(void **state)
{
    static const struct refusal cases[] = {
        { "-H needs an LDAP URI", { "-L", "web01", "-H" } },
        { "--uri needs a value", { "web01", "--uri" } },
    };
    struct options o;

    (void)state;
    parse_ok(&o, "-H", "ldap://dc1.spn.test", "-L", "web01");
    assert_string_equal(o.uri, "ldap://dc1.spn.test");
    assert_false(o.help);
    assert_string_equal(o.req.account, "web01");

    parse_ok(&o, "--uri=ldaps://dc1.spn.test:636", "web01");
    assert_string_equal(o.uri, "ldaps://dc1.spn.test:636");
    assert_string_equal(o.req.account, "web01");

    parse_ok(&o, "--uri", "ldap://127.0.0.1", "web01");
    assert_string_equal(o.uri, "ldap://127.0.0.1");
    assert_string_equal(o.req.account, "web01");
    assert_int_equal(o.req.verb, VERB_LIST);

    /* the value of --uri=... may itself hold '=' */
    parse_ok(&o, "--uri=ldap:///??sub?(cn=x)", "web01");
    assert_string_equal(o.uri, "ldap:///??sub?(cn=x)");

    check_refusals(cases, NCASES(cases));
}

static void args_timeout_page_size(void **state)
{
    static const struct refusal cases[] = {
        { "--timeout takes a whole number from 0 to 86400, not '-1'",
          { "--timeout", "-1", "web01" } },
        { "--timeout takes a whole number from 0 to 86400, not 'x'",
          { "--timeout", "x", "web01" } },
        { "--timeout takes a whole number from 0 to 86400, not '86401'",
          { "--timeout", "86401", "web01" } },
        { "--timeout takes a whole number from 0 to 86400, not '5s'",
          { "--timeout", "5s", "web01" } },
        { "--timeout takes a whole number from 0 to 86400, not ''",
          { "--timeout=", "web01" } },
        { "--timeout takes a whole number from 0 to 86400, not "
          "'99999999999999999999'",
          { "--timeout", "99999999999999999999", "web01" } },
        { "--timeout needs a value", { "web01", "--timeout" } },
        { "--page-size takes a whole number from 1 to 100000, not '0'",
          { "--page-size", "0", "-X" } },
        { "--page-size takes a whole number from 1 to 100000, not " "'100001'",
          { "--page-size=100001", "-X" } },
        { "--page-size takes a whole number from 1 to 100000, not 'ten'",
          { "--page-size", "ten", "-X" } },
        { "--page-size needs a value", { "-X", "--page-size" } },
    };
    struct options o;

    (void)state;
    parse_ok(&o, "--timeout", "0", "web01");
    assert_int_equal(o.timeout, 0);
    parse_ok(&o, "--timeout", "86400", "web01");
    assert_int_equal(o.timeout, 86400);
    parse_ok(&o, "--timeout=30", "web01");
    assert_int_equal(o.timeout, 30);

    parse_ok(&o, "--page-size", "1", "-X");
    assert_int_equal(o.page_size, 1);
    parse_ok(&o, "--page-size=100000", "-X");
    assert_int_equal(o.page_size, 100000);
    parse_ok(&o, "--page-size", "250", "-Q", "HTTP/*");
    assert_int_equal(o.page_size, 250);
    check_refusals(cases, NCASES(cases));
}

static void args_domain_tls(void **state)
{
    static const struct refusal cases[] = {
        { "--domain needs a non-empty value", { "--domain=", "web01" } },
        { "--domain needs a non-empty value", { "--domain", "", "web01" } },
        { "--domain needs a value", { "web01", "--domain" } },
        { "--starttls takes no value", { "--starttls=1", "web01" } },
        /* -z is not -Z */
        { "unknown option '-z'", { "-z", "web01" } },
        { "--cacert needs a non-empty value", { "--cacert=", "web01" } },
        { "--cacert needs a value", { "web01", "--cacert" } },
        { "--site needs a non-empty value", { "--site=", "web01" } },
        { "--site 'a.b': a site name is one DNS label (letters, digits, "
          "'-', '_'; at most 63)", { "--site", "a.b", "web01" } },
        { "--site 'a b': a site name is one DNS label (letters, digits, "
          "'-', '_'; at most 63)", { "--site=a b", "web01" } },
    };
    struct options o;

    (void)state;
    parse_ok(&o, "--domain", "spn.test", "-L", "web01");
    assert_string_equal(o.domain, "spn.test");
    assert_null(o.uri);
    parse_ok(&o, "--domain=child.spn.test", "web01");
    assert_string_equal(o.domain, "child.spn.test");
    assert_null(o.site);
    parse_ok(&o, "--site", "Branch-Site", "-L", "web01");
    assert_string_equal(o.site, "Branch-Site");

    parse_ok(&o, "-Z", "web01");
    assert_true(o.starttls);
    parse_ok(&o, "--starttls", "web01");
    assert_true(o.starttls);

    parse_ok(&o, "--cacert", "/etc/ssl/dc.pem", "-Z", "web01");
    assert_string_equal(o.cacert, "/etc/ssl/dc.pem");
    assert_true(o.starttls);
    parse_ok(&o, "--cacert=ca.pem", "web01");
    assert_string_equal(o.cacert, "ca.pem");
    check_refusals(cases, NCASES(cases));
}

static void args_min_ssf(void **state)
{
    static const struct refusal cases[] = {
        { "--min-ssf takes a whole number from 0 to 256, not '257'",
          { "--min-ssf", "257", "web01" } },
        { "--min-ssf takes a whole number from 0 to 256, not '-1'",
          { "--min-ssf", "-1", "web01" } },
        { "--min-ssf takes a whole number from 0 to 256, not 'x'",
          { "--min-ssf=x", "web01" } },
        { "--min-ssf takes a whole number from 0 to 256, not ''",
          { "--min-ssf=", "web01" } },
        { "--min-ssf takes a whole number from 0 to 256, not '56k'",
          { "--min-ssf", "56k", "web01" } },
        { "--min-ssf takes a whole number from 0 to 256, not ' 56'",
          { "--min-ssf", " 56", "web01" } },
        { "--min-ssf takes a whole number from 0 to 256, not '+56'",
          { "--min-ssf", "+56", "web01" } },
        { "--min-ssf takes a whole number from 0 to 256, not '0x10'",
          { "--min-ssf", "0x10", "web01" } },
        { "--min-ssf takes a whole number from 0 to 256, not " "'4294967352'",
          { "--min-ssf", "4294967352", "web01" } },
        { "--min-ssf needs a value", { "web01", "--min-ssf" } },
    };
    struct options o;

    (void)state;
    parse_ok(&o, "--min-ssf", "0", "web01");
    assert_int_equal(o.min_ssf, 0);
    parse_ok(&o, "--min-ssf=256", "web01");
    assert_int_equal(o.min_ssf, 256);
    parse_ok(&o, "--min-ssf", "128", "web01");
    assert_int_equal(o.min_ssf, 128);

    check_refusals(cases, NCASES(cases));
}

static void args_credentials(void **state)
{
    static const struct refusal cases[] = {
        { "--simple needs --bind-dn DN", { "--simple", "web01" } },
        { "--bind-dn goes with --simple",
          { "--bind-dn", "CN=a,DC=x", "web01" } },
        { "--simple cannot be combined with --keytab or --principal",
          { "--simple", "--bind-dn", "CN=a", "--keytab", "k", "web01" } },
        { "--simple cannot be combined with --keytab or --principal",
          { "--simple", "--bind-dn", "CN=a", "--principal", "p", "web01" } },
        { "--keytab and --password-file cannot be combined",
          { "--keytab", "k", "--principal", "p", "--password-file", "f",
            "web01" } },
        { "--keytab and --password-file cannot be combined",
          { "--keytab", "k", "--password-file", "f", "web01" } },
        { "--password-file needs --principal (or --simple)",
          { "--password-file", "f", "web01" } },
        /* credentials are checked before the request */
        { "--simple needs --bind-dn DN", { "--simple" } },
        { "--simple takes no value", { "--simple=1", "web01" } },
        { "--bind-dn needs a non-empty value",
          { "--simple", "--bind-dn=", "web01" } },
        { "--keytab needs a non-empty value", { "--keytab", "", "web01" } },
        { "--principal needs a value", { "web01", "--principal" } },
        { "--password-file needs a non-empty value",
          { "--password-file=", "--principal", "p", "web01" } },
    };
    struct options o;

    (void)state;
    parse_ok(&o, "--simple", "--bind-dn", "CN=admin,CN=Users,DC=spn,DC=test",
             "web01");
    assert_true(o.simple);
    assert_string_equal(o.bind_dn, "CN=admin,CN=Users,DC=spn,DC=test");
    parse_ok(&o, "--simple", "--bind-dn=CN=a,DC=x", "--password-file", "pw",
             "web01");
    assert_string_equal(o.bind_dn, "CN=a,DC=x");
    assert_string_equal(o.password_file, "pw");

    parse_ok(&o, "--keytab", "/etc/krb5.keytab", "web01");
    assert_string_equal(o.keytab, "/etc/krb5.keytab");
    assert_null(o.principal);
    parse_ok(&o, "--keytab=k", "--principal", "svc@SPN.TEST", "web01");
    assert_string_equal(o.keytab, "k");
    assert_string_equal(o.principal, "svc@SPN.TEST");
    parse_ok(&o, "--principal", "admin@SPN.TEST", "--password-file=-",
             "web01");
    assert_string_equal(o.principal, "admin@SPN.TEST");
    assert_string_equal(o.password_file, "-");

    check_refusals(cases, NCASES(cases));
}

/* No password on the command line: it would show in ps and the history. */
static void args_no_password_option(void **state)
{
    static const struct refusal cases[] = {
        { "unknown option '--password'", { "--password", "secret", "web01" } },
        { "unknown option '--pass'", { "--pass", "web01" } },
        { "unknown option '--passwd'", { "--passwd", "web01" } },
        { "unknown option '--password-fil'",
          { "--password-fil", "f", "web01" } },
        { "unknown option '-w'", { "-w", "secret", "web01" } },
    };

    (void)state;
    check_refusals(cases, NCASES(cases));
}

int unit_args_conn(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(args_uri),
        cmocka_unit_test(args_timeout_page_size),
        cmocka_unit_test(args_domain_tls),
        cmocka_unit_test(args_min_ssf),
        cmocka_unit_test(args_credentials),
        cmocka_unit_test(args_no_password_option),
    };

    return cmocka_run_group_tests_name("args_conn", tests, NULL, NULL);
}
