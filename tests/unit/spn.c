/*
 * spn: the syntax checks of written and looked-up values, equality, and
 * the HOST alias forms of sPNMappings.
 */
#include "unit.h"

#include <stdlib.h>
#include <strings.h>

#include "spn.h"
#include "xalloc.h"

static void write_valid(void **state)
{
    static const char *const ok[] = {
        "HTTP/web01.example.com",
        "MSSQLSvc/db.example.com:1433",
        "MSSQLSvc/db.example.com:SQLEXPRESS",
        "ldap/dc1.spn.test/spn.test",
        "SMTPSVC/mail.example.com",
        "HOST/web01",
        "http/web01.example.com",
        "HTTP/web01.example.com:1",
        "HTTP/web01.example.com:65535",
        "HTTP/web01.example.com:080",
        "ldap/dc1.spn.test:389/spn.test",
        "E3514235-4B06-11D1-AB04-00C04FC2DCD2/guid/spn.test",
        "RestrictedKrbHost/WEB01",
        "my_svc.v2-x/host_name.example-1.com",
        "a/b",
    };

    (void)state;
    for (size_t i = 0; i < NCASES(ok); i++)
        assert_accepted(spn_check_write(ok[i]), ok[i]);
}

static void write_host_length(void **state)
{
    char *host = unit_repeat('a', SPN_HOST_MAX);
    char buf[600];

    (void)state;
    assert_int_equal(SPN_HOST_MAX, 255);
    snprintf(buf, sizeof(buf), "HTTP/%s", host);
    assert_accepted(spn_check_write(buf), "255-char host");
    snprintf(buf, sizeof(buf), "HTTP/%s:8080/name", host);
    assert_accepted(spn_check_write(buf), "255-char host with port/name");
    snprintf(buf, sizeof(buf), "HTTP/%sa", host);
    assert_reason(spn_check_write(buf), "host longer than 255 characters");
    snprintf(buf, sizeof(buf), "HTTP/%sa:80", host);
    assert_reason(spn_check_write(buf), "host longer than 255 characters");
    free(host);
}

static void write_invalid(void **state)
{
    static const struct {
        const char *spn, *why;
    } bad[] = {
        { "", "empty value" },
        { "HTTP", "no '/'" },
        { "web01.example.com", "no '/'" },
        { "/web01", "empty service class" },
        { "HTTP/", "empty host" },
        { "HTTP//name", "empty host" },
        { "HTTP/:80", "empty host" },
        { "ldap/dc1.spn.test/", "empty service name after the second '/'" },
        { "a/b/c/d", "more than three '/'-separated components" },
        { "a/b//", "more than three '/'-separated components" },
        { "HTTP/web:0", "port out of range 1-65535" },
        { "HTTP/web:00", "port out of range 1-65535" },
        { "HTTP/web:65536", "port out of range 1-65535" },
        { "HTTP/web:99999999999", "port out of range 1-65535" },
        { "HTTP/web:99999999999999999999999999", "port out of range" },
        { "HTTP/web:", "empty port or instance name after ':'" },
        { "HTTP/web:/name", "empty port or instance name after ':'" },
        { "HTTP/web:80:81", "more than one ':'" },
        { "HTTP/web::", "more than one ':'" },
        { "HTTP/web 01", "contains whitespace" },
        { " HTTP/web01", "contains whitespace" },
        { "HTTP/web01 ", "contains whitespace" },
        { "HTTP/web\t01", "control character" },
        { "HTTP/web01\n", "control character" },
        { "HTTP/web01\r", "control character" },
        { "HTTP/web\x7f" "01", "control character" },
        { "HTTP/web\x01", "control character" },
        { "HTTP/web01@EXAMPLE.COM", "contains '@'" },
        { "HTTP/web\\01", "contains '\\'" },
        { "HTTP/*", "contains '*'" },
        { "*/web01", "contains '*'" },
        { "HTTP/b\xc3\xbc" "cher.example", "punycode" },
        { "HTTP/b\xc3\xbc" "cher.example", "not ASCII" },
        { "HTTP/\xe2\x80\x8bweb", "punycode" },
        { "HTTP/web\xff", "not valid UTF-8" },
        { "HTTP/web\xc3", "not valid UTF-8" },
        { "HTTP/web\xc0\x80", "not valid UTF-8" },
        { "HT+TP/web01", "service class may hold only" },
        { "HT:TP/web01", "service class may hold only" },
        { "HT!TP/web01", "service class may hold only" },
        { "HTTP/web,01", "host may hold only" },
        { "HTTP/web+01", "host may hold only" },
        { "HTTP/web(01)", "host may hold only" },
        { "HTTP/web=01", "host may hold only" },
    };

    (void)state;
    for (size_t i = 0; i < NCASES(bad); i++) {
        const char *why = spn_check_write(bad[i].spn);

        if (why == NULL)
            fail_msg("#%zu accepted, expected \"%s\"", i, bad[i].why);
        if (strstr(why, bad[i].why) == NULL)
            fail_msg("#%zu: \"%s\" does not contain \"%s\"", i, why,
                     bad[i].why);
    }
}

/* The exact messages of the most common refusals: scripts and the CLI
 * tests see them verbatim after "invalid SPN '...': ". */
static void write_exact_messages(void **state)
{
    static const struct {
        const char *spn, *want;
    } cases[] = {
        { "", "empty value" },
        { "HTTP", "no '/': expected service/host[:port][/name]" },
        { "HTTP/web:0", "port out of range 1-65535" },
        { "HTTP/\xc3\xa9",
          "not ASCII: write an internationalised host name in its punycode "
          "(xn--) form" },
        { "HTTP/a*", "contains '*' (wildcards are for -Q only)" },
    };

    (void)state;
    for (size_t i = 0; i < NCASES(cases); i++)
        unit_same(cases[i].spn, spn_check_write(cases[i].spn),
                  cases[i].want);
}

static void lookup_checks(void **state)
{
    static const char *const ok[] = {
        "*", "MSSQLSvc/*", "*/web01.example.com", "a**b",
        "HTTP/b\xc3\xbc" "cher.example", "odd value with spaces",
        "x", "@", "\\", "(&(a=b))", "HTTP/web01@EXAMPLE.COM",
        "\xf0\x9f\x98\x80", "a/b/c/d/e",
    };
    static const struct {
        const char *spn, *why;
    } bad[] = {
        { "", "empty value" },
        { "a\tb", "control character" },
        { "a\nb", "control character" },
        { "\x1f", "control character" },
        { "a\x7f", "control character" },
        { "\xc0\x80", "not valid UTF-8" },
        { "\xed\xa0\x80", "not valid UTF-8" },
        { "\xf5\x80\x80\x80", "not valid UTF-8" },
        { "\xc3", "not valid UTF-8" },
        { "\xe2\x82", "not valid UTF-8" },
        { "\xf0\x9f\x98", "not valid UTF-8" },
        { "ab\xe2\x82x", "not valid UTF-8" },
        { "\x80", "not valid UTF-8" },
        { "\xff", "not valid UTF-8" },
    };

    (void)state;
    for (size_t i = 0; i < NCASES(ok); i++)
        assert_accepted(spn_check_lookup(ok[i]), ok[i]);
    for (size_t i = 0; i < NCASES(bad); i++) {
        const char *why = spn_check_lookup(bad[i].spn);

        if (why == NULL)
            fail_msg("lookup #%zu accepted, expected \"%s\"", i,
                     bad[i].why);
        if (strstr(why, bad[i].why) == NULL)
            fail_msg("lookup #%zu: \"%s\" does not contain \"%s\"", i, why,
                     bad[i].why);
    }
}

static void equal_case_insensitive(void **state)
{
    static const struct {
        const char *a, *b;
        bool equal;
    } cases[] = {
        { "HTTP/web01.example.com", "http/WEB01.Example.COM", true },
        { "a", "a", true },
        { "", "", true },
        { "HTTP/web01", "HTTP/web02", false },
        { "HTTP/web01", "HTTP/web01:80", false },
        { "HTTP/web01:80", "HTTP/web01", false },
        { "a", "", false },
    };

    (void)state;
    for (size_t i = 0; i < NCASES(cases); i++)
        if (spn_equal(cases[i].a, cases[i].b) != cases[i].equal)
            fail_msg("spn_equal(\"%s\", \"%s\") is %s", cases[i].a,
                     cases[i].b, cases[i].equal ? "false" : "true");
}

static void host_aliases_parse(void **state)
{
    static const char *const m1[] = { "host=alerter,http , cifs" };
    static const char *const m2[] = { "http=foo", "HOST=a,,b, ,c,",
                                      "x=host", "Host=d" };
    static const char *const m3[] = { "hostx=a", "hos=b", "host", "=host",
                                      " host=c", "http=host=d" };
    static const char *const m4[] = { "host=", "host=,", "host= , ," };
    static const char *const m5[] = { "host=  spaced out  ,x" };
    size_t n = 99;
    char **a;

    (void)state;
    a = spn_host_aliases(V(m1), 1, &n);
    assert_int_equal(n, 3);
    assert_non_null(a);
    assert_string_equal(a[0], "alerter");
    assert_string_equal(a[1], "http");
    assert_string_equal(a[2], "cifs");
    xstrv_free(a, n);

    n = 99;
    a = spn_host_aliases(V(m2), 4, &n);
    assert_int_equal(n, 4);
    assert_non_null(a);
    assert_string_equal(a[0], "a");
    assert_string_equal(a[1], "b");
    assert_string_equal(a[2], "c");
    assert_string_equal(a[3], "d");
    xstrv_free(a, n);

    n = 99;
    a = spn_host_aliases(V(m3), 6, &n);
    assert_int_equal(n, 0);
    xstrv_free(a, n);

    n = 99;
    a = spn_host_aliases(V(m4), 3, &n);
    assert_int_equal(n, 0);
    xstrv_free(a, n);

    n = 99;
    a = spn_host_aliases(V(m5), 1, &n);
    assert_int_equal(n, 2);
    assert_string_equal(a[0], "spaced out");
    assert_string_equal(a[1], "x");
    xstrv_free(a, n);

    n = 99;
    a = spn_host_aliases(NULL, 0, &n);
    assert_int_equal(n, 0);
    assert_null(a);
}

static void host_aliases_default(void **state)
{
    const char *dflt = SPN_DEFAULT_HOST_MAPPING;
    size_t n = 0;
    char **a = spn_host_aliases((char *const *)&dflt, 1, &n);
    bool http = false, cifs = false, dns = false, www = false;

    (void)state;
    assert_int_equal(strncmp(dflt, "host=", 5), 0);
    assert_int_equal(n, 53);
    assert_non_null(a);
    assert_string_equal(a[0], "alerter");
    assert_string_equal(a[n - 1], "msdtc");
    for (size_t i = 0; i < n; i++) {
        assert_true(strlen(a[i]) > 0);
        assert_null(strpbrk(a[i], " ,=/"));
        assert_false(strcasecmp(a[i], "host") == 0);
        for (size_t k = 0; k < i; k++)
            assert_false(strcmp(a[i], a[k]) == 0);
        http = http || strcmp(a[i], "http") == 0;
        cifs = cifs || strcmp(a[i], "cifs") == 0;
        dns = dns || strcmp(a[i], "dns") == 0;
        www = www || strcmp(a[i], "www") == 0;
    }
    assert_true(http);
    assert_true(cifs);
    assert_true(dns);
    assert_true(www);
    xstrv_free(a, n);
}

static void alias_forms(void **state)
{
    static const char *const al[] = { "http", "cifs", "dns" };
    size_t n = 99;
    char **f;

    (void)state;
    f = spn_alias_forms("HOST/x", V(al), 3, &n);
    assert_int_equal(n, 3);
    assert_non_null(f);
    assert_string_equal(f[0], "http/x");
    assert_string_equal(f[1], "cifs/x");
    assert_string_equal(f[2], "dns/x");
    xstrv_free(f, n);

    n = 99;
    f = spn_alias_forms("host/x:1/y", V(al), 2, &n);
    assert_int_equal(n, 2);
    assert_string_equal(f[0], "http/x:1/y");
    assert_string_equal(f[1], "cifs/x:1/y");
    xstrv_free(f, n);

    n = 99;
    f = spn_alias_forms("hOsT/web01.spn.test", V(al), 1, &n);
    assert_int_equal(n, 1);
    assert_string_equal(f[0], "http/web01.spn.test");
    xstrv_free(f, n);

    /* not the HOST class */
    static const char *const not_host[] = { "HTTP/x", "HOSTS/x", "HOST",
                                            "HOS/x", "xHOST/x", "",
                                            "RestrictedKrbHost/x" };
    for (size_t i = 0; i < NCASES(not_host); i++) {
        n = 99;
        f = spn_alias_forms(not_host[i], V(al), 3, &n);
        if (f != NULL || n != 0)
            fail_msg("spn_alias_forms(\"%s\"): %zu forms, expected none",
                     not_host[i], n);
    }

    /* no aliases: nothing */
    n = 99;
    f = spn_alias_forms("HOST/x", NULL, 0, &n);
    assert_int_equal(n, 0);
    xstrv_free(f, n);

    xstrv_free(NULL, 0);
}

int unit_spn(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(write_valid),
        cmocka_unit_test(write_host_length),
        cmocka_unit_test(write_invalid),
        cmocka_unit_test(write_exact_messages),
        cmocka_unit_test(lookup_checks),
        cmocka_unit_test(equal_case_insensitive),
        cmocka_unit_test(host_aliases_parse),
        cmocka_unit_test(host_aliases_default),
        cmocka_unit_test(alias_forms),
    };

    return cmocka_run_group_tests_name("spn", tests, NULL, NULL);
}
