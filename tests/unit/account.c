/*
 * account: the account forms (NAME, NAME$, DOMAIN\NAME, UPN, DN) and -T
 * domains.
 */
#include "unit.h"

#include <stdlib.h>

#include "account.h"
#include "spn.h"

static void account_name_forms(void **state)
{
    struct account_ref r;

    (void)state;
    assert_null(account_parse("web01", &r));
    assert_int_equal(r.form, ACCOUNT_NAME);
    assert_null(r.domain);
    assert_string_equal(r.name, "web01");
    assert_false(r.dollar);
    account_ref_free(&r);
    assert_null(r.name);
    assert_null(r.domain);

    assert_null(account_parse("WEB01$", &r));
    assert_int_equal(r.form, ACCOUNT_NAME);
    assert_null(r.domain);
    assert_string_equal(r.name, "WEB01$");
    assert_true(r.dollar);
    account_ref_free(&r);

    assert_null(account_parse("SPN\\svc-web", &r));
    assert_int_equal(r.form, ACCOUNT_NAME);
    assert_string_equal(r.domain, "SPN");
    assert_string_equal(r.name, "svc-web");
    assert_false(r.dollar);
    account_ref_free(&r);
    assert_null(r.domain);

    assert_null(account_parse("SPN\\WEB01$", &r));
    assert_int_equal(r.form, ACCOUNT_NAME);
    assert_string_equal(r.domain, "SPN");
    assert_string_equal(r.name, "WEB01$");
    assert_true(r.dollar);
    account_ref_free(&r);

    assert_null(account_parse("svc-web@spn.test", &r));
    assert_int_equal(r.form, ACCOUNT_UPN);
    assert_null(r.domain);
    assert_string_equal(r.name, "svc-web@spn.test");
    assert_false(r.dollar);
    account_ref_free(&r);

    assert_null(account_parse("CN=web01,CN=Computers,DC=spn,DC=test", &r));
    assert_int_equal(r.form, ACCOUNT_DN);
    assert_null(r.domain);
    assert_string_equal(r.name, "CN=web01,CN=Computers,DC=spn,DC=test");
    assert_false(r.dollar);
    account_ref_free(&r);

    /* an escaped comma: still one DN, not DOMAIN\NAME */
    assert_null(account_parse("CN=web\\,01,CN=Users,DC=spn,DC=test", &r));
    assert_int_equal(r.form, ACCOUNT_DN);
    assert_null(r.domain);
    assert_string_equal(r.name, "CN=web\\,01,CN=Users,DC=spn,DC=test");
    account_ref_free(&r);

    /* freeing a zeroed or already freed ref, and NULL, is allowed */
    account_ref_free(&r);
    account_ref_free(NULL);
}

/* Filter metacharacters stay in the name as typed (the filter escapes
 * them later); they never make a value a DN. */
static void account_metachars(void **state)
{
    struct account_ref r;

    (void)state;
    assert_null(account_parse("web*", &r));
    assert_int_equal(r.form, ACCOUNT_NAME);
    assert_string_equal(r.name, "web*");
    assert_false(r.dollar);
    account_ref_free(&r);

    assert_null(account_parse("*", &r));
    assert_int_equal(r.form, ACCOUNT_NAME);
    assert_string_equal(r.name, "*");
    account_ref_free(&r);

    assert_null(account_parse("we(b)*01$", &r));
    assert_int_equal(r.form, ACCOUNT_NAME);
    assert_null(r.domain);
    assert_string_equal(r.name, "we(b)*01$");
    assert_true(r.dollar);
    account_ref_free(&r);

    assert_null(account_parse("D(O)M*\\*)(x", &r));
    assert_int_equal(r.form, ACCOUNT_NAME);
    assert_string_equal(r.domain, "D(O)M*");
    assert_string_equal(r.name, "*)(x");
    assert_false(r.dollar);
    account_ref_free(&r);

    assert_null(account_parse("s*v(c)@spn.test", &r));
    assert_int_equal(r.form, ACCOUNT_UPN);
    assert_string_equal(r.name, "s*v(c)@spn.test");
    account_ref_free(&r);

    assert_null(account_parse("b\xc3\xbc" "cher$", &r));
    assert_int_equal(r.form, ACCOUNT_NAME);
    assert_string_equal(r.name, "b\xc3\xbc" "cher$");
    assert_true(r.dollar);
    account_ref_free(&r);
}

static void account_errors(void **state)
{
    static const struct {
        const char *arg, *why;
    } bad[] = {
        { "", "empty value" },
        { "$", "empty account name before '$'" },
        { "DOM\\$", "empty account name before '$'" },
        { "\\x", "empty domain before '\\'" },
        { "DOM\\", "empty account name after '\\'" },
        { "a\\b\\c", "more than one '\\'" },
        { "@x", "needs text on both sides of '@'" },
        { "x@", "needs text on both sides of '@'" },
        { "@", "needs text on both sides of '@'" },
        { "web\t01", "control character" },
        { "web01\n", "control character" },
        { "DOM\\web\x7f", "control character" },
        { "web\xff", "not valid UTF-8" },
        { "CN=", "empty RDN value" },
        { "CN=a+CN=b,DC=spn,DC=test", "multi-valued RDN" },
        { "1.2.3=x", "attribute is not a name" },
        { "CN=x,OU=", "empty RDN value" },
        { "web\xc2\x9b" "01", "Unicode control" },
        { "web\xe2\x80\xae" "01", "bidirectional" },
        { "svc\xe2\x81\xa6x@spn.test", "bidirectional" },
    };

    (void)state;
    {
        char *huge = malloc(SPN_VALUE_MAX + 2);
        struct account_ref r;

        assert_non_null(huge);
        memset(huge, 'a', SPN_VALUE_MAX + 1);
        huge[SPN_VALUE_MAX + 1] = '\0';
        assert_non_null(strstr(account_parse(huge, &r), "longer than 2048"));
        assert_non_null(strstr(account_check_domain(huge), "longer than 2048"));
        assert_non_null(strstr(spn_check_lookup(huge), "longer than 2048"));
        huge[SPN_VALUE_MAX] = '\0';
        assert_null(account_parse(huge, &r));
        account_ref_free(&r);
        assert_null(account_check_domain(""));
        assert_null(account_check_domain("spn.test"));
        assert_non_null(strstr(account_check_domain("spn\ttest"), "control"));
        free(huge);
    }
    for (size_t i = 0; i < NCASES(bad); i++) {
        struct account_ref r;
        const char *why;

        memset(&r, 0x5a, sizeof(r));
        why = account_parse(bad[i].arg, &r);
        if (why == NULL)
            fail_msg("account #%zu accepted, expected \"%s\"", i,
                     bad[i].why);
        if (strstr(why, bad[i].why) == NULL)
            fail_msg("account #%zu: \"%s\" does not contain \"%s\"", i, why,
                     bad[i].why);
        /* nothing left allocated: the ref is cleared on failure */
        assert_null(r.name);
        assert_null(r.domain);
        account_ref_free(&r);
    }
}

static void implicit_upn(void **state)
{
    char *n;

    (void)state;
    n = account_implicit_upn("WEB01$@spn.test", "spn.test");
    assert_string_equal(n, "WEB01$");
    free(n);
    n = account_implicit_upn("svc@SPN.TEST", "spn.test");
    assert_string_equal(n, "svc");
    free(n);
    n = account_implicit_upn("a@b@spn.test", "spn.test");
    assert_string_equal(n, "a@b");
    free(n);
    assert_null(account_implicit_upn("svc@other.test", "spn.test"));
    assert_null(account_implicit_upn("@spn.test", "spn.test"));
    assert_null(account_implicit_upn("svc", "spn.test"));
    assert_null(account_implicit_upn("svc@spn.test", NULL));
}

/* An FQDN typed as the account: its first label is the hint. */
static void account_fqdn_hint(void **state)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        { "EXCH01.spn.test", "EXCH01" },
        { "web01.example.com", "web01" },
        { "EXCH01", NULL },
        { "EXCH01$", NULL },
        { "SPN\\EXCH01.x", NULL },
        { "svc@spn.test", NULL },
        { "CN=EXCH01,DC=spn,DC=test", NULL },
        { ".x", NULL },
        { "x.", NULL },
    };

    (void)state;
    for (size_t i = 0; i < NCASES(cases); i++) {
        struct account_ref ref;
        char *got;

        assert_null(account_parse(cases[i].in, &ref));
        got = account_fqdn_short(&ref);
        if (cases[i].want == NULL)
            assert_null(got);
        else
            unit_same(cases[i].in, got, cases[i].want);
        free(got);
        account_ref_free(&ref);
    }
}

int unit_account(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(account_name_forms),
        cmocka_unit_test(account_metachars),
        cmocka_unit_test(account_errors),
        cmocka_unit_test(implicit_upn),
        cmocka_unit_test(account_fqdn_hint),
    };

    return cmocka_run_group_tests_name("account", tests, NULL, NULL);
}
