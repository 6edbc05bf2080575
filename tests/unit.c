/*
 * Unit tests of the pure modules: spn (syntax, account names, filters,
 * quoting, HOST aliases), args (the command line and batch lines), status
 * (the result table), output (Setspn.exe's text), scan (duplicate grouping
 * for -X), batch (splitting batch lines), discover (SRV ordering, DN to
 * DNS name) and report (the --json document, dry-run LDIF).
 *
 * Build and run: make tests/unit && ./tests/unit
 * Only some tests: UNIT_FILTER='args_*' ./tests/unit
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include <jansson.h>
#include <ldap.h>

#include "args.h"
#include "batch.h"
#include "discover.h"
#include "output.h"
#include "report.h"
#include "scan.h"
#include "spn.h"
#include "status.h"

/* ------------------------------------------------------------------ */
/* helpers                                                             */

/* The reason must be non-NULL and contain want. */
#define assert_reason(why, want)                                          \
    do {                                                                  \
        const char *why_ = (why);                                         \
        if (why_ == NULL)                                                 \
            fail_msg("accepted, expected a reason containing \"%s\"",    \
                     (want));                                             \
        if (strstr(why_, (want)) == NULL)                                 \
            fail_msg("reason \"%s\" does not contain \"%s\"", why_,      \
                     (want));                                             \
    } while (0)

#define assert_accepted(why, value)                                       \
    do {                                                                  \
        const char *why_ = (why);                                         \
        if (why_ != NULL)                                                 \
            fail_msg("'%s' refused: %s", (value), why_);                  \
    } while (0)

/* The modules take char *const * (as libldap hands values over); the
 * tests' values are string literals. */
#define V(arr) ((char *const *)(arr))

static char *repeat(char c, size_t n)
{
    char *s = malloc(n + 1);

    assert_non_null(s);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

/* ------------------------------------------------------------------ */
/* spn_check_write                                                     */

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
    for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++)
        assert_accepted(spn_check_write(ok[i]), ok[i]);
}

static void write_host_length(void **state)
{
    char *host = repeat('a', SPN_HOST_MAX);
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
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
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
    (void)state;
    assert_string_equal(spn_check_write(""), "empty value");
    assert_string_equal(spn_check_write("HTTP"),
                        "no '/': expected service/host[:port][/name]");
    assert_string_equal(spn_check_write("HTTP/web:0"),
                        "port out of range 1-65535");
    assert_string_equal(spn_check_write("HTTP/\xc3\xa9"),
                        "not ASCII: write an internationalised host name in "
                        "its punycode (xn--) form");
    assert_string_equal(spn_check_write("HTTP/a*"),
                        "contains '*' (wildcards are for -Q only)");
}

/* ------------------------------------------------------------------ */
/* spn_check_lookup, utf8_valid, spn_equal                             */

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
    for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++)
        assert_accepted(spn_check_lookup(ok[i]), ok[i]);
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        const char *why = spn_check_lookup(bad[i].spn);

        if (why == NULL)
            fail_msg("lookup #%zu accepted, expected \"%s\"", i,
                     bad[i].why);
        if (strstr(why, bad[i].why) == NULL)
            fail_msg("lookup #%zu: \"%s\" does not contain \"%s\"", i, why,
                     bad[i].why);
    }
}

static void utf8_edges(void **state)
{
    static const char *const good[] = {
        "",
        "plain ascii",
        "\xc2\x80",             /* U+0080 */
        "\xdf\xbf",             /* U+07FF */
        "\xe0\xa0\x80",         /* U+0800 */
        "\xed\x9f\xbf",         /* U+D7FF, just below the surrogates */
        "\xee\x80\x80",         /* U+E000, just above */
        "\xef\xbf\xbf",         /* U+FFFF */
        "\xf0\x90\x80\x80",     /* U+10000 */
        "\xf4\x8f\xbf\xbf",     /* U+10FFFF */
        "b\xc3\xbc" "cher",
        "\xe2\x82\xac 5",
    };
    static const char *const bad[] = {
        "\xc0\x80",             /* overlong NUL */
        "\xc1\xbf",             /* overlong */
        "\xe0\x80\x80",         /* overlong */
        "\xe0\x9f\xbf",         /* overlong U+07FF */
        "\xf0\x80\x80\x80",     /* overlong */
        "\xf0\x8f\xbf\xbf",     /* overlong U+FFFF */
        "\xed\xa0\x80",         /* U+D800 */
        "\xed\xbf\xbf",         /* U+DFFF */
        "\xf4\x90\x80\x80",     /* U+110000 */
        "\xf5\x80\x80\x80",
        "\xf8\x88\x80\x80\x80",
        "\xfe", "\xff",
        "\x80",                 /* lone continuation */
        "a\xbf",
        "\xc3",                 /* truncated */
        "\xe2\x82",
        "\xf0\x9f\x98",
        "\xc3(",                /* continuation missing */
        "\xe2(\xac",
        "\xc3\xbc\xbc",         /* one continuation too many */
    };

    (void)state;
    for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
        if (!utf8_valid(good[i]))
            fail_msg("good #%zu refused", i);
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
        if (utf8_valid(bad[i]))
            fail_msg("bad #%zu accepted", i);
}

static void equal_case_insensitive(void **state)
{
    (void)state;
    assert_true(spn_equal("HTTP/web01.example.com", "http/WEB01.Example.COM"));
    assert_true(spn_equal("a", "a"));
    assert_true(spn_equal("", ""));
    assert_false(spn_equal("HTTP/web01", "HTTP/web02"));
    assert_false(spn_equal("HTTP/web01", "HTTP/web01:80"));
    assert_false(spn_equal("HTTP/web01:80", "HTTP/web01"));
    assert_false(spn_equal("a", ""));
}

/* ------------------------------------------------------------------ */
/* account_parse                                                       */

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
        assert_non_null(strstr(domain_check(huge), "longer than 2048"));
        assert_non_null(strstr(spn_check_lookup(huge), "longer than 2048"));
        huge[SPN_VALUE_MAX] = '\0';
        assert_null(account_parse(huge, &r));
        account_ref_free(&r);
        assert_null(domain_check(""));
        assert_null(domain_check("spn.test"));
        assert_non_null(strstr(domain_check("spn\ttest"), "control"));
        free(huge);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
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

/* ------------------------------------------------------------------ */
/* filter_equals                                                       */

static void check_filter(const char *attr, const char *value, bool wildcard,
                         const char *want)
{
    char *f = filter_equals(attr, value, wildcard);

    assert_non_null(f);
    assert_string_equal(f, want);
    free(f);
}

/* libldap's ldap_bv2escaped_filter_value writes \XX in upper-case hex,
 * which RFC 4515 allows (HEX is case-insensitive). */
static void filter_exact(void **state)
{
    (void)state;
    check_filter("servicePrincipalName", "HTTP/web01.example.com", false,
                 "(servicePrincipalName=HTTP/web01.example.com)");
    check_filter("sAMAccountName", "*", false, "(sAMAccountName=\\2A)");
    check_filter("sAMAccountName", "(", false, "(sAMAccountName=\\28)");
    check_filter("sAMAccountName", ")", false, "(sAMAccountName=\\29)");
    check_filter("sAMAccountName", "\\", false, "(sAMAccountName=\\5C)");
    check_filter("sAMAccountName", "*)(objectClass=*", false,
                 "(sAMAccountName=\\2A\\29\\28objectClass=\\2A)");
    check_filter("sAMAccountName", "a\\2a", false,
                 "(sAMAccountName=a\\5C2a)");
    check_filter("sAMAccountName", "we(b)*01$", false,
                 "(sAMAccountName=we\\28b\\29\\2A01$)");
    check_filter("servicePrincipalName", "MSSQLSvc/*", false,
                 "(servicePrincipalName=MSSQLSvc/\\2A)");
    check_filter("servicePrincipalName", "a**b", false,
                 "(servicePrincipalName=a\\2A\\2Ab)");
    check_filter("userPrincipalName", "svc@spn.test", false,
                 "(userPrincipalName=svc@spn.test)");
    check_filter("servicePrincipalName", "", false,
                 "(servicePrincipalName=)");
}

static void filter_wildcard(void **state)
{
    (void)state;
    check_filter("servicePrincipalName", "MSSQLSvc/*", true,
                 "(servicePrincipalName=MSSQLSvc/*)");
    check_filter("servicePrincipalName", "*/web01.example.com", true,
                 "(servicePrincipalName=*/web01.example.com)");
    check_filter("servicePrincipalName", "*/web01", true,
                 "(servicePrincipalName=*/web01)");
    check_filter("servicePrincipalName", "*", true,
                 "(servicePrincipalName=*)");
    check_filter("servicePrincipalName", "**", true,
                 "(servicePrincipalName=*)");
    check_filter("servicePrincipalName", "a**b", true,
                 "(servicePrincipalName=a*b)");
    check_filter("servicePrincipalName", "a***b*", true,
                 "(servicePrincipalName=a*b*)");
    check_filter("servicePrincipalName", "*a*b*", true,
                 "(servicePrincipalName=*a*b*)");
    check_filter("servicePrincipalName", "a(*", true,
                 "(servicePrincipalName=a\\28*)");
    check_filter("servicePrincipalName", "*)(x=*", true,
                 "(servicePrincipalName=*\\29\\28x=*)");
    check_filter("servicePrincipalName", "a\\*b", true,
                 "(servicePrincipalName=a\\5C*b)");
    check_filter("servicePrincipalName", "HTTP/web01", true,
                 "(servicePrincipalName=HTTP/web01)");
}

/* Values long enough to make the buffer grow, in both modes. */
static void filter_long(void **state)
{
    char *v = repeat('(', 3000);
    char *want = malloc(3000 * 3 + 64), *w;
    char *f;

    (void)state;
    assert_non_null(want);
    w = want + sprintf(want, "(servicePrincipalName=");
    for (int i = 0; i < 3000; i++)
        w += sprintf(w, "\\28");
    strcpy(w, ")");
    check_filter("servicePrincipalName", v, false, want);
    check_filter("servicePrincipalName", v, true, want);
    free(v);

    v = repeat('*', 5000);
    check_filter("servicePrincipalName", v, true,
                 "(servicePrincipalName=*)");
    f = filter_equals("servicePrincipalName", v, false);
    assert_non_null(f);
    assert_int_equal(strlen(f), strlen("(servicePrincipalName=)") + 5000 * 3);
    free(f);
    free(v);
    free(want);
}

/* ------------------------------------------------------------------ */
/* quote_value                                                         */

static void check_quote(const char *value, const char *want)
{
    char *q = quote_value(value);

    assert_non_null(q);
    assert_string_equal(q, want);
    free(q);
}

static void quoting(void **state)
{
    (void)state;
    check_quote("", "''");
    check_quote("HTTP/web01 x~", "'HTTP/web01 x~'");
    check_quote("a'b", "'a\\x27b'");
    check_quote("a\\b", "'a\\x5cb'");
    check_quote("\t\n\r\x01\x1f\x7f", "'\\x09\\x0a\\x0d\\x01\\x1f\\x7f'");
    check_quote("b\xc3\xbc" "cher", "'b\\xc3\\xbccher'");
    check_quote("\xff\x80", "'\\xff\\x80'");
    check_quote("\x1b[31mred", "'\\x1b[31mred'");
    check_quote("\"*()", "'\"*()'");
}

/* ------------------------------------------------------------------ */
/* args_parse                                                          */

#define MAXARGS 40

/* Parses "setspn" followed by the NULL-terminated arguments. */
static char *parse(struct options *o, ...)
{
    static char *argv[MAXARGS + 2];
    va_list ap;
    int argc = 0;
    const char *a;

    argv[argc++] = (char *)"setspn";
    va_start(ap, o);
    while ((a = va_arg(ap, const char *)) != NULL) {
        assert_true(argc <= MAXARGS);
        argv[argc++] = (char *)a;
    }
    va_end(ap);
    argv[argc] = NULL;
    return args_parse(argc, argv, o);
}

/* A parser's verdict: accepted (err NULL), or refused with exactly want. */
static void expect_ok(char *err)
{
    bool ok = err == NULL;

    if (!ok)
        print_error("unexpected error: %s\n", err);
    free(err);
    if (!ok)
        fail();
}

static void expect_err(char *err, const char *want)
{
    bool same;

    if (err == NULL)
        fail_msg("accepted, expected \"%s\"", want);
    same = strcmp(err, want) == 0;
    if (!same)
        print_error("got      \"%s\"\nexpected \"%s\"\n", err, want);
    free(err);
    if (!same)
        fail();
}

#define parse_ok(o, ...) \
    expect_ok(parse((o), __VA_ARGS__, (const char *)NULL))
#define parse_err(o, want, ...) \
    expect_err(parse((o), __VA_ARGS__, (const char *)NULL), (want))

static void args_defaults(void **state)
{
    struct options o;

    (void)state;
    parse_ok(&o, "web01");
    assert_int_equal(o.req.verb, VERB_LIST);
    assert_string_equal(o.req.account, "web01");
    assert_null(o.req.spn);
    assert_int_equal(o.req.kind, KIND_ANY);
    assert_false(o.req.forest);
    assert_int_equal(o.req.ndomains, 0);
    assert_false(o.req.no_progress);
    assert_null(o.uri);
    assert_int_equal(o.timeout, DEFAULT_TIMEOUT);
    assert_int_equal(o.timeout, 10);
    assert_int_equal(o.page_size, DEFAULT_PAGE_SIZE);
    assert_int_equal(o.page_size, 1000);
    assert_false(o.verbose);
    assert_false(o.help);
    assert_false(o.version);
    assert_false(o.empty);
}

static void args_empty(void **state)
{
    struct options o;
    char *argv[] = { (char *)"setspn", NULL };

    (void)state;
    assert_null(args_parse(1, argv, &o));
    assert_true(o.empty);
    assert_false(o.help);
    assert_int_equal(o.req.verb, VERB_NONE);
}

static void args_verbs(void **state)
{
    struct options o;

    (void)state;
    parse_ok(&o, "-L", "web01");
    assert_int_equal(o.req.verb, VERB_LIST);
    assert_string_equal(o.req.account, "web01");
    assert_null(o.req.spn);

    parse_ok(&o, "-S", "HTTP/web01", "svc");
    assert_int_equal(o.req.verb, VERB_ADD_CHECK);
    assert_string_equal(o.req.spn, "HTTP/web01");
    assert_string_equal(o.req.account, "svc");

    parse_ok(&o, "-A", "HTTP/web01", "svc");
    assert_int_equal(o.req.verb, VERB_ADD);
    assert_string_equal(o.req.spn, "HTTP/web01");
    assert_string_equal(o.req.account, "svc");

    parse_ok(&o, "-D", "HTTP/web01", "svc");
    assert_int_equal(o.req.verb, VERB_DELETE);
    assert_string_equal(o.req.spn, "HTTP/web01");
    assert_string_equal(o.req.account, "svc");

    parse_ok(&o, "-Q", "MSSQLSvc/*");
    assert_int_equal(o.req.verb, VERB_QUERY);
    assert_string_equal(o.req.spn, "MSSQLSvc/*");
    assert_null(o.req.account);

    parse_ok(&o, "-R", "web01");
    assert_int_equal(o.req.verb, VERB_RESET);
    assert_string_equal(o.req.account, "web01");
    assert_null(o.req.spn);

    parse_ok(&o, "-X");
    assert_int_equal(o.req.verb, VERB_SCAN);
    assert_null(o.req.account);
    assert_null(o.req.spn);
    assert_false(o.empty);

    /* switches may follow the positional arguments */
    parse_ok(&o, "HTTP/web01", "svc", "-S");
    assert_int_equal(o.req.verb, VERB_ADD_CHECK);
    assert_string_equal(o.req.spn, "HTTP/web01");
    assert_string_equal(o.req.account, "svc");

    /* the same verb twice is no conflict */
    parse_ok(&o, "-S", "-s", "HTTP/web01", "svc");
    assert_int_equal(o.req.verb, VERB_ADD_CHECK);
}

static void args_case_insensitive(void **state)
{
    static const struct {
        const char *sw;
        enum verb verb;
        int nargs;
    } v[] = {
        { "-l", VERB_LIST, 1 },   { "-s", VERB_ADD_CHECK, 2 },
        { "-a", VERB_ADD, 2 },    { "-d", VERB_DELETE, 2 },
        { "-q", VERB_QUERY, 1 },  { "-r", VERB_RESET, 1 },
        { "-x", VERB_SCAN, 0 },
    };
    struct options o;

    (void)state;
    for (size_t i = 0; i < sizeof(v) / sizeof(*v); i++) {
        char *err;

        if (v[i].nargs == 0)
            err = parse(&o, v[i].sw, (const char *)NULL);
        else if (v[i].nargs == 1)
            err = parse(&o, v[i].sw, "one", (const char *)NULL);
        else
            err = parse(&o, v[i].sw, "HTTP/one", "two", (const char *)NULL);
        if (err != NULL)
            fail_msg("%s: %s", v[i].sw, err);
        assert_int_equal(o.req.verb, v[i].verb);
    }

    parse_ok(&o, "-f", "-p", "-s", "HTTP/web01", "svc");
    assert_true(o.req.forest);
    assert_true(o.req.no_progress);
    parse_ok(&o, "-F", "-P", "-S", "HTTP/web01", "svc");
    assert_true(o.req.forest);
    assert_true(o.req.no_progress);

    parse_ok(&o, "-t", "spn.test", "-q", "HTTP/*");
    assert_int_equal(o.req.ndomains, 1);
    assert_string_equal(o.req.domains[0], "spn.test");

    parse_ok(&o, "-c", "-l", "web01");
    assert_int_equal(o.req.kind, KIND_COMPUTER);
    parse_ok(&o, "-C", "-L", "web01");
    assert_int_equal(o.req.kind, KIND_COMPUTER);
    parse_ok(&o, "-u", "-l", "web01");
    assert_int_equal(o.req.kind, KIND_USER);
    parse_ok(&o, "-U", "-L", "web01");
    assert_int_equal(o.req.kind, KIND_USER);
    /* the same kind twice is no conflict */
    parse_ok(&o, "-c", "-C", "-L", "web01");
    assert_int_equal(o.req.kind, KIND_COMPUTER);
}

static void args_help_version(void **state)
{
    struct options o;

    (void)state;
    parse_ok(&o, "-h");
    assert_true(o.help);
    assert_false(o.empty);
    parse_ok(&o, "-?");
    assert_true(o.help);
    parse_ok(&o, "/?");
    assert_true(o.help);
    parse_ok(&o, "--help");
    assert_true(o.help);
    assert_false(o.version);

    /* help wins over an incomplete request */
    parse_ok(&o, "-S", "-?");
    assert_true(o.help);
    parse_ok(&o, "-X", "extra", "/?");
    assert_true(o.help);

    parse_ok(&o, "--version");
    assert_true(o.version);
    assert_false(o.help);

    parse_err(&o, "--help takes no value", "--help=x");
    parse_err(&o, "--version takes no value", "--version=1");
    parse_err(&o, "--verbose takes no value", "--verbose=yes");
}

static void args_uri(void **state)
{
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

    parse_err(&o, "-H needs an LDAP URI", "-L", "web01", "-H");
    parse_err(&o, "--uri needs a value", "web01", "--uri");
}

static void args_timeout_page_size(void **state)
{
    struct options o;

    (void)state;
    parse_ok(&o, "--timeout", "0", "web01");
    assert_int_equal(o.timeout, 0);
    parse_ok(&o, "--timeout", "86400", "web01");
    assert_int_equal(o.timeout, 86400);
    parse_ok(&o, "--timeout=30", "web01");
    assert_int_equal(o.timeout, 30);

    parse_err(&o, "--timeout takes a whole number from 0 to 86400, not '-1'",
              "--timeout", "-1", "web01");
    parse_err(&o, "--timeout takes a whole number from 0 to 86400, not 'x'",
              "--timeout", "x", "web01");
    parse_err(&o,
              "--timeout takes a whole number from 0 to 86400, not '86401'",
              "--timeout", "86401", "web01");
    parse_err(&o, "--timeout takes a whole number from 0 to 86400, not '5s'",
              "--timeout", "5s", "web01");
    parse_err(&o, "--timeout takes a whole number from 0 to 86400, not ''",
              "--timeout=", "web01");
    parse_err(&o,
              "--timeout takes a whole number from 0 to 86400, not "
              "'99999999999999999999'",
              "--timeout", "99999999999999999999", "web01");
    parse_err(&o, "--timeout needs a value", "web01", "--timeout");

    parse_ok(&o, "--page-size", "1", "-X");
    assert_int_equal(o.page_size, 1);
    parse_ok(&o, "--page-size=100000", "-X");
    assert_int_equal(o.page_size, 100000);
    parse_ok(&o, "--page-size", "250", "-Q", "HTTP/*");
    assert_int_equal(o.page_size, 250);
    parse_err(&o, "--page-size takes a whole number from 1 to 100000, not '0'",
              "--page-size", "0", "-X");
    parse_err(&o,
              "--page-size takes a whole number from 1 to 100000, not "
              "'100001'",
              "--page-size=100001", "-X");
    parse_err(&o,
              "--page-size takes a whole number from 1 to 100000, not 'ten'",
              "--page-size", "ten", "-X");
    parse_err(&o, "--page-size needs a value", "-X", "--page-size");
}

static void args_verbose(void **state)
{
    struct options o;

    (void)state;
    parse_ok(&o, "-v", "web01");
    assert_true(o.verbose);
    parse_ok(&o, "--verbose", "web01");
    assert_true(o.verbose);
    parse_ok(&o, "web01");
    assert_false(o.verbose);
    /* -V is not -v: Unix options are case-sensitive */
    parse_err(&o, "unknown option '-V'", "-V", "web01");
}

static void args_unknown(void **state)
{
    struct options o;

    (void)state;
    parse_err(&o, "unknown option '-SX' (one switch per argument)", "-SX");
    parse_err(&o, "unknown option '-Lv' (one switch per argument)", "-Lv",
              "web01");
    parse_err(&o, "unknown option '-Y'", "-Y", "web01");
    parse_err(&o, "unknown option '-1'", "-1", "web01");
    parse_err(&o, "unknown option '--frobnicate'", "--frobnicate", "web01");
    parse_err(&o, "unknown option '--Help'", "--Help");
    parse_err(&o, "unknown option '--uri2'", "--uri2", "web01");
    /* a control character in a bad switch is quoted, not echoed */
    parse_err(&o, "unknown option '--\\x1b[2J'", "--\x1b[2J");
}

/* An unknown long option with a value is still an unknown option: saying
 * it "takes no value" suggests that it exists. */
static void args_unknown_with_value(void **state)
{
    struct options o;

    (void)state;
    parse_err(&o, "unknown option '--frobnicate=1'", "--frobnicate=1",
              "web01");
}

static void args_conflicts(void **state)
{
    struct options o;

    (void)state;
    parse_err(&o, "-S and -X cannot be combined", "-S", "-X");
    parse_err(&o, "-S and -X cannot be combined", "-s", "-x");
    parse_err(&o, "-L and -D cannot be combined", "-L", "-D", "a", "b");
    parse_err(&o, "-Q and -R cannot be combined", "-q", "-R", "x");
    parse_err(&o, "-C and -U cannot be combined", "-C", "-U", "web01");
    parse_err(&o, "-C and -U cannot be combined", "-u", "-c", "web01");
    parse_err(&o, "-F and -T cannot be combined", "-F", "-T", "x", "-Q",
              "HTTP/*");
    parse_err(&o, "-F and -T cannot be combined", "-T", "x", "-f", "-S",
              "HTTP/web01", "svc");
}

static void args_scope(void **state)
{
    struct options o;

    (void)state;
    parse_ok(&o, "-F", "-Q", "HTTP/*");
    assert_true(o.req.forest);
    parse_ok(&o, "-F", "-X");
    assert_true(o.req.forest);
    parse_ok(&o, "-F", "-A", "HTTP/web01", "svc");
    assert_true(o.req.forest);

    parse_ok(&o, "-T", "spn.test", "-T", "", "-T", "*", "-S", "HTTP/web01",
             "svc");
    assert_int_equal(o.req.ndomains, 3);
    assert_string_equal(o.req.domains[0], "spn.test");
    assert_string_equal(o.req.domains[1], "");
    assert_string_equal(o.req.domains[2], "*");
    assert_false(o.req.forest);
    assert_string_equal(o.req.spn, "HTTP/web01");
    assert_string_equal(o.req.account, "svc");

    /* -T takes the next argument whatever it looks like */
    parse_ok(&o, "-T", "-X", "-X");
    assert_int_equal(o.req.verb, VERB_SCAN);
    assert_int_equal(o.req.ndomains, 1);
    assert_string_equal(o.req.domains[0], "-X");

    parse_err(&o, "-F applies only to -S, -A, -Q and -X", "-F", "-L",
              "web01");
    parse_err(&o, "-F applies only to -S, -A, -Q and -X", "-F", "web01");
    parse_err(&o, "-F applies only to -S, -A, -Q and -X", "-F", "-D",
              "HTTP/web01", "web01");
    parse_err(&o, "-F applies only to -S, -A, -Q and -X", "-F", "-R",
              "web01");
    parse_err(&o, "-T applies only to -S, -A, -Q and -X", "-T", "x", "-L",
              "web01");
    parse_err(&o, "-T applies only to -S, -A, -Q and -X", "-T", "x", "-D",
              "HTTP/web01", "web01");
    parse_err(&o, "-T applies only to -S, -A, -Q and -X", "-T", "x", "-R",
              "web01");
    parse_err(&o, "-T needs a domain (\"\" or * for the current one)", "-X",
              "-T");
}

static void args_max_domains(void **state)
{
    struct options o;
    char *argv[2 + 2 * (MAX_DOMAINS + 1)];
    char names[MAX_DOMAINS + 1][8];
    int argc = 0;
    char *err;

    (void)state;
    argv[argc++] = (char *)"setspn";
    argv[argc++] = (char *)"-X";
    for (int i = 0; i < MAX_DOMAINS; i++) {
        snprintf(names[i], sizeof(names[i]), "d%d", i);
        argv[argc++] = (char *)"-T";
        argv[argc++] = names[i];
    }
    assert_null(args_parse(argc, argv, &o));
    assert_int_equal(o.req.ndomains, MAX_DOMAINS);
    assert_string_equal(o.req.domains[0], "d0");
    assert_string_equal(o.req.domains[MAX_DOMAINS - 1], "d15");

    snprintf(names[MAX_DOMAINS], sizeof(names[0]), "d%d", MAX_DOMAINS);
    argv[argc++] = (char *)"-T";
    argv[argc++] = names[MAX_DOMAINS];
    err = args_parse(argc, argv, &o);
    assert_non_null(err);
    assert_string_equal(err, "at most 16 -T domains");
    free(err);
}

static void args_kind(void **state)
{
    struct options o;

    (void)state;
    parse_ok(&o, "-C", "-S", "HTTP/web01", "web01");
    assert_int_equal(o.req.kind, KIND_COMPUTER);
    parse_ok(&o, "-U", "-R", "web01");
    assert_int_equal(o.req.kind, KIND_USER);
    parse_ok(&o, "-U", "-D", "HTTP/web01", "svc");
    assert_int_equal(o.req.kind, KIND_USER);
    parse_ok(&o, "-C", "web01");
    assert_int_equal(o.req.kind, KIND_COMPUTER);
    assert_int_equal(o.req.verb, VERB_LIST);

    parse_err(&o, "-C applies only to switches that take an account", "-C",
              "-Q", "HTTP/*");
    parse_err(&o, "-U applies only to switches that take an account", "-U",
              "-X");
}

static void args_missing_extra(void **state)
{
    struct options o;

    (void)state;
    parse_err(&o, "-L needs an account", "-L");
    parse_err(&o, "-R needs an account", "-R");
    parse_err(&o, "-Q needs an SPN", "-Q");
    parse_err(&o, "-S needs an SPN and an account", "-S");
    parse_err(&o, "-S needs an SPN and an account", "-S", "HTTP/web01");
    parse_err(&o, "-A needs an SPN and an account", "-A", "HTTP/web01");
    parse_err(&o, "-D needs an SPN and an account", "-D", "HTTP/web01");

    parse_err(&o, "unexpected argument 'extra'", "-X", "extra");
    parse_err(&o, "unexpected argument 'b'", "-L", "a", "b");
    parse_err(&o, "unexpected argument 'b'", "a", "b");
    parse_err(&o, "unexpected argument 'other'", "-Q", "HTTP/*", "other");
    parse_err(&o, "unexpected argument 'c'", "-S", "HTTP/a", "b", "c");
    parse_err(&o, "unexpected argument 'x\\x0ay'", "-R", "web01", "x\ny");

    /* options only, no verb and no account */
    parse_err(&o, "no account given", "-v");
    parse_err(&o, "no account given", "-P");
    parse_err(&o, "no account given", "--");
}

static void args_dashdash(void **state)
{
    struct options o;

    (void)state;
    parse_ok(&o, "-L", "--", "-web01");
    assert_int_equal(o.req.verb, VERB_LIST);
    assert_string_equal(o.req.account, "-web01");

    parse_ok(&o, "-D", "--", "-odd/value", "-h");
    assert_int_equal(o.req.verb, VERB_DELETE);
    assert_string_equal(o.req.spn, "-odd/value");
    assert_string_equal(o.req.account, "-h");
    assert_false(o.help);

    parse_ok(&o, "--", "/?");
    assert_false(o.help);
    assert_int_equal(o.req.verb, VERB_LIST);
    assert_string_equal(o.req.account, "/?");

    parse_ok(&o, "--", "--");
    assert_string_equal(o.req.account, "--");

    /* a lone "-" is an argument, not an option */
    parse_ok(&o, "-L", "-");
    assert_string_equal(o.req.account, "-");
}

static void args_verb_switch_names(void **state)
{
    (void)state;
    assert_string_equal(verb_switch(VERB_LIST), "-L");
    assert_string_equal(verb_switch(VERB_ADD_CHECK), "-S");
    assert_string_equal(verb_switch(VERB_ADD), "-A");
    assert_string_equal(verb_switch(VERB_DELETE), "-D");
    assert_string_equal(verb_switch(VERB_QUERY), "-Q");
    assert_string_equal(verb_switch(VERB_RESET), "-R");
    assert_string_equal(verb_switch(VERB_SCAN), "-X");
}

/* ------------------------------------------------------------------ */
/* status                                                              */

#define CLASSIFY(rc, diag, op, want)                                      \
    do {                                                                  \
        enum sp_status got_ = sp_classify((rc), (diag), (op));            \
        if (got_ != (want))                                               \
            fail_msg("sp_classify(%d, %s, %s) = %s, expected %s", (rc),   \
                     #diag, #op, sp_status_name(got_),                    \
                     sp_status_name(want));                               \
    } while (0)

static const char samba_conflict[] =
    "0000202F: samldb: spn[HTTP/web01.spn.test] would cause a conflict";
static const char windows_conflict[] =
    "000021C7: AtrErr: DSID-03200BBA, #1:\n"
    "\t0: 000021C7: DSID-03200BBA, problem 1005 (CONSTRAINT_ATT_TYPE), "
    "data 0, Att 90303 (servicePrincipalName)";
static const char validated_write[] =
    "00002083: AtrErr: DSID-03151E6D, #1: 0: 00002083: DSID-03151E6D, "
    "problem 1006 (ATT_OR_VALUE_EXISTS), data 0, Att 90303";

static void status_table_rows(void **state)
{
    (void)state;
    CLASSIFY(LDAP_SUCCESS, NULL, OP_READ, SP_OK);
    CLASSIFY(LDAP_SUCCESS, NULL, OP_WRITE, SP_OK);
    CLASSIFY(LDAP_SUCCESS, NULL, OP_BIND, SP_OK);

    /* not found (32) */
    CLASSIFY(32, NULL, OP_READ, SP_NOT_FOUND);
    CLASSIFY(32, NULL, OP_WRITE, SP_NOT_FOUND);
    CLASSIFY(32, "0000208D: NameErr: DSID-03100241, problem 2001 (NO_OBJECT)",
             OP_WRITE, SP_NOT_FOUND);

    /* duplicates refused by the DC (19 with Samba's or Windows' text) */
    CLASSIFY(19, samba_conflict, OP_WRITE, SP_DUPLICATE);
    CLASSIFY(19, windows_conflict, OP_WRITE, SP_DUPLICATE);
    CLASSIFY(19, "000021C7", OP_WRITE, SP_DUPLICATE);
    /* other 19 on a write: the DC's own rule */
    CLASSIFY(19, validated_write, OP_WRITE, SP_CONSTRAINT);
    CLASSIFY(19, NULL, OP_WRITE, SP_CONSTRAINT);
    CLASSIFY(19, "", OP_WRITE, SP_CONSTRAINT);

    /* 50: Samba's alias rule on a write is a duplicate, else access */
    CLASSIFY(50, "0000202F: samldb: spn[HOST/web01] would cause a conflict",
             OP_WRITE, SP_DUPLICATE);
    CLASSIFY(50, "00002098: SecErr: DSID-03150F94, problem 4003 "
                 "(INSUFF_ACCESS_RIGHTS), data 0", OP_WRITE, SP_ACCESS);
    CLASSIFY(50, NULL, OP_WRITE, SP_ACCESS);
    CLASSIFY(50, NULL, OP_READ, SP_ACCESS);
    CLASSIFY(50, samba_conflict, OP_READ, SP_ACCESS);

    CLASSIFY(20, NULL, OP_WRITE, SP_VALUE_EXISTS);
    CLASSIFY(16, NULL, OP_WRITE, SP_NO_SUCH_VALUE);

    /* authentication */
    CLASSIFY(49, NULL, OP_BIND, SP_AUTH);
    CLASSIFY(49, "80090308: LdapErr: DSID-0C09044E, comment: "
                 "AcceptSecurityContext error, data 52e", OP_BIND, SP_AUTH);
    CLASSIFY(8, NULL, OP_BIND, SP_AUTH);
    CLASSIFY(8, "00002028: LdapErr: DSID-0C090259, comment: The server "
                "requires binds to turn on integrity checking", OP_READ,
             SP_AUTH);
    CLASSIFY(LDAP_LOCAL_ERROR, "SASL(-1): generic failure: GSSAPI Error",
             OP_BIND, SP_AUTH);
    CLASSIFY(-2, NULL, OP_BIND, SP_AUTH);
    CLASSIFY(LDAP_AUTH_UNKNOWN, NULL, OP_BIND, SP_AUTH);
    CLASSIFY(LDAP_STRONG_AUTH_REQUIRED, NULL, OP_WRITE, SP_AUTH);
    CLASSIFY(LDAP_INAPPROPRIATE_AUTH, NULL, OP_BIND, SP_AUTH);
    CLASSIFY(LDAP_CONFIDENTIALITY_REQUIRED, NULL, OP_BIND, SP_AUTH);
    CLASSIFY(LDAP_AUTH_METHOD_NOT_SUPPORTED, NULL, OP_BIND, SP_AUTH);

    /* connection (OpenLDAP's -1, -5, -11 and a referral, 10) */
    CLASSIFY(-1, NULL, OP_BIND, SP_CONNECT);
    CLASSIFY(-1, NULL, OP_READ, SP_CONNECT);
    CLASSIFY(LDAP_SERVER_DOWN, NULL, OP_WRITE, SP_CONNECT);
    CLASSIFY(LDAP_TIMEOUT, NULL, OP_READ, SP_CONNECT);
    CLASSIFY(LDAP_CONNECT_ERROR, NULL, OP_BIND, SP_CONNECT);
    CLASSIFY(10, NULL, OP_READ, SP_CONNECT);
    CLASSIFY(10, NULL, OP_WRITE, SP_CONNECT);

    /* any other result */
    CLASSIFY(53, NULL, OP_WRITE, SP_DIRECTORY);
    CLASSIFY(53, NULL, OP_READ, SP_DIRECTORY);
    CLASSIFY(80, NULL, OP_READ, SP_DIRECTORY);
    CLASSIFY(80, NULL, OP_WRITE, SP_DIRECTORY);
    CLASSIFY(-2, NULL, OP_READ, SP_DIRECTORY);
    CLASSIFY(21, NULL, OP_WRITE, SP_DIRECTORY);
    CLASSIFY(68, NULL, OP_WRITE, SP_DIRECTORY);
    CLASSIFY(4, NULL, OP_READ, SP_DIRECTORY);
    CLASSIFY(12345, NULL, OP_READ, SP_DIRECTORY);
}

/* The issue's table names 81 (Server Down) and 85 (Timeout), the codes
 * of the RFC 1823 API that Windows' LDAP client reports, as connection
 * failures beside OpenLDAP's -1. */
static void status_connect_legacy_codes(void **state)
{
    (void)state;
    /* whatever the category, the exit code is the connection one */
    assert_int_equal(sp_exit_code(sp_classify(81, NULL, OP_BIND)), 4);
    assert_int_equal(sp_exit_code(sp_classify(85, NULL, OP_READ)), 4);
    CLASSIFY(81, NULL, OP_BIND, SP_CONNECT);
    CLASSIFY(81, NULL, OP_READ, SP_CONNECT);
    CLASSIFY(85, NULL, OP_READ, SP_CONNECT);
}

static void status_conflict_text(void **state)
{
    (void)state;
    assert_false(sp_diag_is_conflict(NULL));
    assert_false(sp_diag_is_conflict(""));
    assert_false(sp_diag_is_conflict(validated_write));
    assert_true(sp_diag_is_conflict(samba_conflict));
    assert_true(sp_diag_is_conflict(windows_conflict));
    assert_true(sp_diag_is_conflict("000021C7"));
}

static void status_exit_codes(void **state)
{
    static const int want[] = {
        [SP_OK] = 0,           [SP_NOT_FOUND] = 1,   [SP_DUPLICATE] = 1,
        [SP_VALUE_EXISTS] = 1, [SP_NO_SUCH_VALUE] = 1, [SP_CONSTRAINT] = 1,
        [SP_INVALID] = 2,      [SP_AUTH] = 3,        [SP_ACCESS] = 3,
        [SP_CONNECT] = 4,      [SP_DIRECTORY] = 4,
    };

    (void)state;
    assert_int_equal(sizeof(want) / sizeof(*want), SP_DIRECTORY + 1);
    for (int s = SP_OK; s <= SP_DIRECTORY; s++)
        if (sp_exit_code((enum sp_status)s) != want[s])
            fail_msg("sp_exit_code(%s) = %d, expected %d",
                     sp_status_name((enum sp_status)s),
                     sp_exit_code((enum sp_status)s), want[s]);
    assert_int_equal(EXIT_DONE, 0);
    assert_int_equal(EXIT_NEGATIVE, 1);
    assert_int_equal(EXIT_USAGE, 2);
    assert_int_equal(EXIT_AUTH, 3);
    assert_int_equal(EXIT_DIRECTORY, 4);
    /* out of range: a directory failure, never success */
    assert_int_equal(sp_exit_code((enum sp_status)(SP_DIRECTORY + 1)), 4);
    assert_int_equal(sp_exit_code((enum sp_status)-1), 4);
}

static void status_names(void **state)
{
    (void)state;
    assert_string_equal(sp_status_name(SP_OK), "ok");
    assert_string_equal(sp_status_name(SP_NOT_FOUND), "not-found");
    assert_string_equal(sp_status_name(SP_DUPLICATE), "conflict");
    assert_string_equal(sp_status_name(SP_VALUE_EXISTS), "exists");
    assert_string_equal(sp_status_name(SP_NO_SUCH_VALUE), "absent");
    assert_string_equal(sp_status_name(SP_CONSTRAINT), "refused");
    assert_string_equal(sp_status_name(SP_INVALID), "invalid");
    assert_string_equal(sp_status_name(SP_AUTH), "auth");
    assert_string_equal(sp_status_name(SP_ACCESS), "access");
    assert_string_equal(sp_status_name(SP_CONNECT), "connect");
    assert_string_equal(sp_status_name(SP_DIRECTORY), "error");
    assert_string_equal(sp_status_name((enum sp_status)99), "error");
}

/* ------------------------------------------------------------------ */
/* output                                                              */

struct capture {
    FILE *f;
    char *buf;
    size_t len;
};

static void cap_open(struct capture *c)
{
    c->buf = NULL;
    c->len = 0;
    c->f = open_memstream(&c->buf, &c->len);
    assert_non_null(c->f);
}

/* Closes the stream, compares, frees. */
static void cap_check(struct capture *c, const char *want)
{
    assert_int_equal(fclose(c->f), 0);
    assert_non_null(c->buf);
    assert_string_equal(c->buf, want);
    assert_int_equal(c->len, strlen(want));
    free(c->buf);
}

static const char dn_web01[] = "CN=WEB01,CN=Computers,DC=contoso,DC=com";

static void output_list(void **state)
{
    const char *spns[] = { "HOST/WEB01", "HOST/web01.contoso.com",
                     "HTTP/web01.contoso.com:8080" };
    struct capture c;

    (void)state;
    cap_open(&c);
    out_list(c.f, dn_web01, V(spns), 3);
    cap_check(&c,
              "Registered ServicePrincipalNames for "
              "CN=WEB01,CN=Computers,DC=contoso,DC=com:\n"
              "\tHOST/WEB01\n"
              "\tHOST/web01.contoso.com\n"
              "\tHTTP/web01.contoso.com:8080\n");

    cap_open(&c);
    out_list(c.f, dn_web01, NULL, 0);
    cap_check(&c, "Registered ServicePrincipalNames for "
                  "CN=WEB01,CN=Computers,DC=contoso,DC=com:\n");
}

static void output_checking(void **state)
{
    struct capture c;

    (void)state;
    cap_open(&c);
    out_checking(c.f, "DC=contoso,DC=com", false);
    cap_check(&c, "Checking domain DC=contoso,DC=com\n");

    cap_open(&c);
    out_checking(c.f, "DC=contoso,DC=com", true);
    cap_check(&c, "Operation will be performed forestwide, it might take a "
                  "while.\nChecking forest DC=contoso,DC=com\n");
}

static void output_holder(void **state)
{
    const char *spns[] = { "HOST/WEB01", "http/web01.contoso.com",
                     "HTTP/Web01.Contoso.com:80", "HTTP/web01.contoso.com" };
    struct capture c;

    (void)state;
    cap_open(&c);
    out_holder(c.f, dn_web01, V(spns), 4, NULL);
    cap_check(&c, "CN=WEB01,CN=Computers,DC=contoso,DC=com\n"
                  "\tHOST/WEB01\n"
                  "\thttp/web01.contoso.com\n"
                  "\tHTTP/Web01.Contoso.com:80\n"
                  "\tHTTP/web01.contoso.com\n");

    /* only: the values equal to it, case-insensitively, as stored */
    cap_open(&c);
    out_holder(c.f, dn_web01, V(spns), 4, "HTTP/WEB01.CONTOSO.COM");
    cap_check(&c, "CN=WEB01,CN=Computers,DC=contoso,DC=com\n"
                  "\thttp/web01.contoso.com\n"
                  "\tHTTP/web01.contoso.com\n");

    cap_open(&c);
    out_holder(c.f, dn_web01, V(spns), 4, "HTTP/nothing");
    cap_check(&c, "CN=WEB01,CN=Computers,DC=contoso,DC=com\n");

    cap_open(&c);
    out_holder(c.f, dn_web01, NULL, 0, NULL);
    cap_check(&c, "CN=WEB01,CN=Computers,DC=contoso,DC=com\n");
}

static void output_change(void **state)
{
    struct capture c;

    (void)state;
    cap_open(&c);
    out_change(c.f, true, dn_web01, "SMTPSVC/mail.contoso.com");
    cap_check(&c, "Registering ServicePrincipalNames for "
                  "CN=WEB01,CN=Computers,DC=contoso,DC=com\n"
                  "\tSMTPSVC/mail.contoso.com\n");

    cap_open(&c);
    out_change(c.f, false, dn_web01, "SMTPSVC/mail.contoso.com");
    cap_check(&c, "Unregistering ServicePrincipalNames for "
                  "CN=WEB01,CN=Computers,DC=contoso,DC=com\n"
                  "\tSMTPSVC/mail.contoso.com\n");
}

static void output_lines(void **state)
{
    struct capture c;

    (void)state;
    cap_open(&c);
    out_no_account(c.f, "nosuch$");
    cap_check(&c, "Could not find account nosuch$\n");

    cap_open(&c);
    out_no_account(c.f, "SPN\\svc-web");
    cap_check(&c, "Could not find account SPN\\svc-web\n");

    cap_open(&c);
    out_line(c.f, TEXT_UPDATED);
    out_line(c.f, TEXT_DUPLICATE);
    out_line(c.f, TEXT_EXISTING);
    out_line(c.f, TEXT_NO_SUCH);
    cap_check(&c, "Updated object\n"
                  "Duplicate SPN found, aborting operation!\n"
                  "Existing SPN found!\n"
                  "No such SPN found.\n");
}

/* ------------------------------------------------------------------ */
/* scan                                                                */

/* Renders each group as "SPN: dn1 | dn2\n" into a growing string. */
struct groups {
    char *text;
    size_t len;
    FILE *f;
    size_t calls;
};

static void collect(const struct scan_group *g, void *ctx)
{
    struct groups *gs = ctx;

    gs->calls++;
    assert_true(g->ndns >= 2);
    fprintf(gs->f, "%s:", g->spn);
    for (size_t i = 0; i < g->ndns; i++)
        fprintf(gs->f, "%s%s", i ? " | " : " ", g->dns[i]);
    fputc('\n', gs->f);
}

/* Runs scan_groups and checks the count and the rendering. */
static void check_groups(struct scan *s, size_t want_n, const char *want)
{
    struct groups gs = { NULL, 0, NULL, 0 };
    size_t n;

    gs.f = open_memstream(&gs.text, &gs.len);
    assert_non_null(gs.f);
    n = scan_groups(s, collect, &gs);
    assert_int_equal(fclose(gs.f), 0);
    assert_int_equal(n, want_n);
    assert_int_equal(gs.calls, want_n);
    assert_string_equal(gs.text, want);
    free(gs.text);
}

static void scan_none(void **state)
{
    struct scan *s = scan_new();
    const char *a[] = { "HTTP/web01", "HOST/web01" };
    const char *b[] = { "HTTP/web02", "HOST/web02" };

    (void)state;
    assert_non_null(s);
    assert_int_equal(scan_entries(s), 0);
    check_groups(s, 0, "");
    scan_add(s, "CN=a", V(a), 2);
    scan_add(s, "CN=b", V(b), 2);
    scan_add(s, "CN=empty", NULL, 0);
    assert_int_equal(scan_entries(s), 3);
    check_groups(s, 0, "");
    scan_free(s);
    scan_free(NULL);
}

static void scan_exact_and_case(void **state)
{
    struct scan *s = scan_new();
    const char *a[] = { "HTTP/Web01.spn.test", "HOST/web01" };
    const char *b[] = { "http/web01.SPN.TEST" };
    const char *c[] = { "HOST/web01", "ldap/x" };

    (void)state;
    scan_add(s, "CN=a,DC=spn,DC=test", V(a), 2);
    scan_add(s, "CN=b,DC=spn,DC=test", V(b), 1);
    scan_add(s, "CN=c,DC=spn,DC=test", V(c), 2);
    assert_int_equal(scan_entries(s), 3);
    /* sorted by SPN case-insensitively; first spelling seen is kept */
    check_groups(s, 2,
                 "HOST/web01: CN=a,DC=spn,DC=test | CN=c,DC=spn,DC=test\n"
                 "HTTP/Web01.spn.test: CN=a,DC=spn,DC=test | "
                 "CN=b,DC=spn,DC=test\n");
    /* scan_groups can be called again with the same answer */
    check_groups(s, 2,
                 "HOST/web01: CN=a,DC=spn,DC=test | CN=c,DC=spn,DC=test\n"
                 "HTTP/Web01.spn.test: CN=a,DC=spn,DC=test | "
                 "CN=b,DC=spn,DC=test\n");
    scan_free(s);
}

static void scan_same_account(void **state)
{
    struct scan *s = scan_new();
    const char *a[] = { "HTTP/web01", "http/WEB01", "HTTP/web01", "HOST/x" };
    const char *b[] = { "HOST/y" };

    (void)state;
    scan_add(s, "CN=a", V(a), 4);
    scan_add(s, "CN=b", V(b), 1);
    check_groups(s, 0, "");

    /* ... but a second account holding it makes one group, each DN once */
    {
        const char *c[] = { "Http/Web01", "HTTP/WEB01" };

        scan_add(s, "CN=c", V(c), 2);
    }
    check_groups(s, 1, "HTTP/web01: CN=a | CN=c\n");
    scan_free(s);
}

static void scan_three_holders_sorted(void **state)
{
    struct scan *s = scan_new();
    const char *spn[] = { "MSSQLSvc/db.spn.test:1433" };
    const char *z[] = { "Zeta/x", "alpha/x", "Beta/x" };
    const char *z2[] = { "beta/X", "ZETA/X", "ALPHA/X" };

    (void)state;
    scan_add(s, "CN=sql-c,CN=Users,DC=spn,DC=test", V(spn), 1);
    scan_add(s, "CN=sql-a,CN=Users,DC=spn,DC=test", V(spn), 1);
    scan_add(s, "CN=sql-b,CN=Users,DC=spn,DC=test", V(spn), 1);
    scan_add(s, "CN=z2,DC=spn,DC=test", V(z2), 3);
    scan_add(s, "CN=z1,DC=spn,DC=test", V(z), 3);
    /* spellings are z2's, added first; groups sort case-insensitively */
    check_groups(s, 4,
                 "ALPHA/X: CN=z1,DC=spn,DC=test | CN=z2,DC=spn,DC=test\n"
                 "beta/X: CN=z1,DC=spn,DC=test | CN=z2,DC=spn,DC=test\n"
                 "MSSQLSvc/db.spn.test:1433: "
                 "CN=sql-a,CN=Users,DC=spn,DC=test | "
                 "CN=sql-b,CN=Users,DC=spn,DC=test | "
                 "CN=sql-c,CN=Users,DC=spn,DC=test\n"
                 "ZETA/X: CN=z1,DC=spn,DC=test | CN=z2,DC=spn,DC=test\n");
    scan_free(s);
}

/* Case-insensitive order differs from strcmp's ("Zeta" < "alpha"). */
static void scan_group_order(void **state)
{
    struct scan *s = scan_new();
    const char *a[] = { "Zeta/x", "alpha/x", "Beta/x", "mid/x" };

    (void)state;
    scan_add(s, "CN=1", V(a), 4);
    scan_add(s, "CN=2", V(a), 4);
    check_groups(s, 4,
                 "alpha/x: CN=1 | CN=2\n"
                 "Beta/x: CN=1 | CN=2\n"
                 "mid/x: CN=1 | CN=2\n"
                 "Zeta/x: CN=1 | CN=2\n");
    scan_free(s);
}

static void scan_many(void **state)
{
    enum { ENTRIES = 25000 };
    struct scan *s = scan_new();
    char b1[64], b2[64], dn[64];

    (void)state;
    for (int i = 0; i < ENTRIES; i++) {
        char *spns[] = { b1, b2 };

        snprintf(b1, sizeof(b1), "HTTP/host%05d.example.com", i);
        snprintf(b2, sizeof(b2), "HOST/host%05d", i);
        snprintf(dn, sizeof(dn), "CN=host%05d,DC=example,DC=com", i);
        scan_add(s, dn, spns, 2);
    }
    assert_int_equal(scan_entries(s), ENTRIES);
    check_groups(s, 0, "");
    {
        const char *dup[] = { "http/HOST00007.EXAMPLE.COM", "host/HOST24999",
                        "new/unique" };

        scan_add(s, "CN=dupA,DC=example,DC=com", V(dup), 3);
    }
    assert_int_equal(scan_entries(s), ENTRIES + 1);
    check_groups(s, 2,
                 "HOST/host24999: CN=dupA,DC=example,DC=com | "
                 "CN=host24999,DC=example,DC=com\n"
                 "HTTP/host00007.example.com: CN=dupA,DC=example,DC=com | "
                 "CN=host00007,DC=example,DC=com\n");
    scan_free(s);
}

/* One SPN on many accounts: one group holding all of them. */
static void scan_many_holders(void **state)
{
    enum { HOLDERS = 3000 };
    struct scan *s = scan_new();
    const char *spn[] = { "HTTP/shared" };
    char dn[32];
    struct groups gs = { NULL, 0, NULL, 0 };
    size_t n;

    (void)state;
    for (int i = HOLDERS - 1; i >= 0; i--) {
        snprintf(dn, sizeof(dn), "CN=%05d", i);
        scan_add(s, dn, V(spn), 1);
    }
    gs.f = open_memstream(&gs.text, &gs.len);
    assert_non_null(gs.f);
    n = scan_groups(s, collect, &gs);
    assert_int_equal(fclose(gs.f), 0);
    assert_int_equal(n, 1);
    assert_int_equal(gs.calls, 1);
    assert_true(strncmp(gs.text, "HTTP/shared: CN=00000 | CN=00001 | ",
                        35) == 0);
    assert_non_null(strstr(gs.text, " | CN=02999\n"));
    assert_int_equal(strlen(gs.text),
                     strlen("HTTP/shared:") + HOLDERS * strlen(" CN=00000")
                         + (HOLDERS - 1) * strlen(" |") + 1);
    free(gs.text);
    scan_free(s);
}

/* ------------------------------------------------------------------ */
/* batch_split                                                         */

/* Splits line and checks the words: want is NULL-terminated. */
static void check_split_v(const char *line, const char *const *want)
{
    char **argv = (char **)&argv; /* not NULL: batch_split must set it */
    int argc = -1, n = 0;
    const char *why = batch_split(line, &argv, &argc);

    if (why != NULL)
        fail_msg("line \"%s\" refused: %s", line, why);
    while (want[n] != NULL)
        n++;
    assert_non_null(argv);
    if (argc != n) {
        print_error("line \"%s\": %d words, expected %d\n", line, argc, n);
        for (int i = 0; i < argc; i++)
            print_error("  [%d] \"%s\"\n", i, argv[i]);
        batch_free_words(argv, argc);
        fail();
    }
    for (int i = 0; i < n; i++) {
        assert_non_null(argv[i]);
        if (strcmp(argv[i], want[i]) != 0) {
            print_error("line \"%s\": word %d is \"%s\", expected \"%s\"\n",
                        line, i, argv[i], want[i]);
            batch_free_words(argv, argc);
            fail();
        }
    }
    assert_null(argv[n]); /* NULL-terminated, as an argv */
    batch_free_words(argv, argc);
}

#define check_split(line, ...)                                            \
    do {                                                                  \
        static const char *const want_[] = { __VA_ARGS__, NULL };         \
        check_split_v((line), want_);                                     \
    } while (0)

/* Blank and comment-only lines: no words, but a vector to free. */
static void check_split_empty(const char *line)
{
    char **argv = NULL;
    int argc = -1;
    const char *why = batch_split(line, &argv, &argc);

    if (why != NULL)
        fail_msg("line \"%s\" refused: %s", line, why);
    assert_int_equal(argc, 0);
    assert_non_null(argv);
    assert_null(argv[0]);
    batch_free_words(argv, argc);
}

static void check_split_err(const char *line, const char *want)
{
    char **argv = (char **)&argv;
    int argc = -1;
    const char *why = batch_split(line, &argv, &argc);

    if (why == NULL) {
        print_error("line \"%s\" accepted (%d words), expected \"%s\"\n",
                    line, argc, want);
        batch_free_words(argv, argc);
        fail();
    }
    assert_string_equal(why, want);
    assert_null(argv);
    assert_int_equal(argc, 0);
}

static void batch_plain_words(void **state)
{
    (void)state;
    check_split("-S HTTP/web01.spn.test svc", "-S", "HTTP/web01.spn.test",
                "svc");
    check_split("web01", "web01");
    check_split("-L web01\n", "-L", "web01");
    check_split("  \t-L\t\t web01   \t", "-L", "web01");
    check_split("a  b   c", "a", "b", "c");
    /* no expansion of any kind */
    check_split("$HOME ~ * ?x [ab] `id` $(id) a;b a|b a&b a>b",
                "$HOME", "~", "*", "?x", "[ab]", "`id`", "$(id)", "a;b",
                "a|b", "a&b", "a>b");
    /* bytes beyond ASCII pass through */
    check_split("-S HTTP/b\xc3\xbc" "cher svc", "-S",
                "HTTP/b\xc3\xbc" "cher", "svc");
}

static void batch_single_quotes(void **state)
{
    (void)state;
    check_split("'a b' c", "a b", "c");
    check_split("x 'a  \t b'", "x", "a  \t b");
    /* nothing escapes inside single quotes */
    check_split("'a\\b'", "a\\b");
    check_split("'a\\'", "a\\");
    check_split("'a\"b'", "a\"b");
    check_split("'$x `y` \\\\'", "$x `y` \\\\");
    check_split("'#not a comment'", "#not a comment");
    check_split("'-S' 'HTTP/web 01' 'svc'", "-S", "HTTP/web 01", "svc");
}

static void batch_double_quotes(void **state)
{
    (void)state;
    check_split("\"a b\" c", "a b", "c");
    check_split("\"a\\\"b\"", "a\"b");
    check_split("\"a\\\\b\"", "a\\b");
    check_split("\"\\$HOME\"", "$HOME");
    check_split("\"\\`id\\`\"", "`id`");
    /* a backslash before any other character stays */
    check_split("\"a\\nb\"", "a\\nb");
    check_split("\"C:\\Users\\x\"", "C:\\Users\\x");
    check_split("\"\\'\"", "\\'");
    check_split("\"\\ \"", "\\ ");
    check_split("\"\\#\"", "\\#");
    /* "\\" then the closing quote */
    check_split("\"a\\\\\" b", "a\\", "b");
    /* single quotes and '#' are ordinary inside double quotes */
    check_split("\"it's\"", "it's");
    check_split("\"#x\" y", "#x", "y");
    check_split("\"$x\"", "$x");
}

static void batch_backslash(void **state)
{
    (void)state;
    check_split("a\\ b c", "a b", "c");
    check_split("\\#x", "#x");
    check_split("a \\#x y", "a", "#x", "y");
    check_split("\\\\", "\\");
    check_split("\\'x\\'", "'x'");
    check_split("\\\"x", "\"x");
    check_split("\\n", "n");
    check_split("a\\\tb", "a\tb");
    check_split("\\ ", " ");
}

static void batch_joined_parts(void **state)
{
    (void)state;
    check_split("a'b'\"c\"", "abc");
    check_split("'a'\"b\"c d", "abc", "d");
    check_split("HTTP/'web 01'\":8080\" svc", "HTTP/web 01:8080", "svc");
    check_split("x\\ 'y z'\"!\"", "x y z!");
}

static void batch_empty_words(void **state)
{
    (void)state;
    check_split("''", "");
    check_split("\"\"", "");
    check_split("'' x", "", "x");
    check_split("a ''", "a", "");
    check_split("a '' \"\" b", "a", "", "", "b");
    check_split("''\"\"", "");
    /* an empty quoted part starts a word: '#' after it is no comment */
    check_split("''#x", "#x");
}

static void batch_comments(void **state)
{
    (void)state;
    check_split("a#b", "a#b");
    check_split("a#b c", "a#b", "c");
    check_split("a #b c", "a");
    check_split("a\t#b", "a");
    check_split("-L web01 # list 'it", "-L", "web01");
    check_split("-L web01 #\"", "-L", "web01");
    check_split("x# y", "x#", "y");
    check_split_empty("#");
    check_split_empty("# a comment");
    check_split_empty("   # indented 'comment\n");
    check_split_empty("\t#\\");
}

static void batch_blank(void **state)
{
    (void)state;
    check_split_empty("");
    check_split_empty(" ");
    check_split_empty(" \t  \t");
    check_split_empty("\n");
    check_split_empty("\r\n");
    check_split_empty("  \r\n");
}

static void batch_crlf(void **state)
{
    (void)state;
    check_split("-L web01\r\n", "-L", "web01");
    check_split("-S 'HTTP/a b' svc\r\n", "-S", "HTTP/a b", "svc");
    check_split("-S \"HTTP/a\" svc\r\n", "-S", "HTTP/a", "svc");
    check_split("a # c\r\n", "a");
}

static void batch_errors(void **state)
{
    (void)state;
    check_split_err("'abc", "unterminated single quote");
    check_split_err("a 'b c", "unterminated single quote");
    check_split_err("'", "unterminated single quote");
    check_split_err("x 'abc\n", "unterminated single quote");
    check_split_err("'a\\'b'", "unterminated single quote");
    check_split_err("\"abc", "unterminated double quote");
    check_split_err("\"", "unterminated double quote");
    check_split_err("\"a\\\"", "unterminated double quote");
    check_split_err("a \"b c\n", "unterminated double quote");
    check_split_err("\"abc\\", "unterminated double quote");
    check_split_err("abc\\", "a backslash ends the line");
    check_split_err("\\", "a backslash ends the line");
    check_split_err("-L web01 \\", "a backslash ends the line");
    /* the first problem wins */
    check_split_err("'a' \"b", "unterminated double quote");
}

/* A line as getline() hands it over keeps its newline: a backslash just
 * before it still ends the line (a shell would continue the command on
 * the next line, which a batch line cannot do). */
static void batch_backslash_newline(void **state)
{
    (void)state;
    check_split_err("-L web01 \\\n", "a backslash ends the line");
    check_split_err("-L web01\\\n", "a backslash ends the line");
    check_split_err("-L web01 \\\r\n", "a backslash ends the line");
}

static void batch_free_null(void **state)
{
    (void)state;
    batch_free_words(NULL, 0);
}

/* ------------------------------------------------------------------ */
/* srv_order                                                           */

#define RND_MAX_CALLS 64

static struct {
    unsigned long first; /* value returned by the first call */
    unsigned long maxes[RND_MAX_CALLS];
    size_t calls;
    int mode; /* 0: always 0; 1: always max-1; 2: first, then 0 */
} rnd_state;

static unsigned long rnd_test(unsigned long max)
{
    size_t call = rnd_state.calls++;

    if (max == 0)
        fail_msg("rnd called with max 0: no value is in [0, 0)");
    if (call < RND_MAX_CALLS)
        rnd_state.maxes[call] = max;
    switch (rnd_state.mode) {
    case 1:
        return max - 1;
    case 2:
        return call == 0 ? rnd_state.first : 0;
    default:
        return 0;
    }
}

static void rnd_reset(int mode, unsigned long first)
{
    memset(&rnd_state, 0, sizeof(rnd_state));
    rnd_state.mode = mode;
    rnd_state.first = first;
}

#define SRV(h, prio, w) { (char *)(h), 389, (prio), (w) }

static void check_hosts(const struct srv_target *t, size_t n,
                        const char *const *want)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].host, want[i]) != 0) {
            print_error("position %zu: %s, expected %s\n", i, t[i].host,
                        want[i]);
            for (size_t k = 0; k < n; k++)
                print_error("  %s (priority %u, weight %u)\n", t[k].host,
                            t[k].priority, t[k].weight);
            fail();
        }
}

static bool has_host(const struct srv_target *t, size_t from, size_t to,
                     const char *host)
{
    for (size_t i = from; i < to; i++)
        if (strcmp(t[i].host, host) == 0)
            return true;
    return false;
}

static void srv_empty_and_single(void **state)
{
    struct srv_target one[] = { SRV("dc1", 7, 3) };
    struct srv_target none[] = { SRV("untouched", 1, 1) };

    (void)state;
    rnd_reset(0, 0);
    srv_order(none, 0, rnd_test);
    assert_string_equal(none[0].host, "untouched");
    assert_int_equal(rnd_state.calls, 0);

    rnd_reset(1, 0);
    srv_order(one, 1, rnd_test);
    assert_string_equal(one[0].host, "dc1");
    assert_int_equal(one[0].priority, 7);
    assert_int_equal(one[0].weight, 3);
    assert_int_equal(one[0].port, 389);
    assert_int_equal(rnd_state.calls, 0); /* nothing to choose */
}

/* rnd always 0 picks the first entry with a nonzero weight each time. */
static void srv_rnd_zero(void **state)
{
    struct srv_target t[] = { SRV("a", 0, 10), SRV("b", 0, 20),
                              SRV("c", 0, 30) };
    struct srv_target z[] = { SRV("z", 0, 0), SRV("a", 0, 10),
                              SRV("b", 0, 20) };
    static const char *const want_t[] = { "a", "b", "c" };
    static const char *const want_z[] = { "a", "b", "z" };

    (void)state;
    rnd_reset(0, 0);
    srv_order(t, 3, rnd_test);
    check_hosts(t, 3, want_t);
    /* each draw among the weights still to be placed */
    assert_true(rnd_state.calls >= 2);
    assert_int_equal(rnd_state.maxes[0], 60);
    assert_int_equal(rnd_state.maxes[1], 50);

    rnd_reset(0, 0);
    srv_order(z, 3, rnd_test);
    check_hosts(z, 3, want_z);
    assert_int_equal(rnd_state.maxes[0], 30);
    assert_int_equal(rnd_state.maxes[1], 20);
}

/* rnd always max-1 picks the last entry with a nonzero weight. */
static void srv_rnd_max(void **state)
{
    struct srv_target two[] = { SRV("a", 0, 10), SRV("b", 0, 20) };
    struct srv_target three[] = { SRV("a", 0, 10), SRV("b", 0, 20),
                                  SRV("c", 0, 30) };
    struct srv_target zlast[] = { SRV("a", 0, 5), SRV("b", 0, 5),
                                  SRV("z", 0, 0) };
    static const char *const want_two[] = { "b", "a" };

    (void)state;
    rnd_reset(1, 0);
    srv_order(two, 2, rnd_test);
    check_hosts(two, 2, want_two);
    assert_int_equal(rnd_state.maxes[0], 30);

    rnd_reset(1, 0);
    srv_order(three, 3, rnd_test);
    assert_string_equal(three[0].host, "c");
    assert_true(has_host(three, 1, 3, "a"));
    assert_true(has_host(three, 1, 3, "b"));
    assert_int_equal(rnd_state.maxes[0], 60);
    assert_int_equal(rnd_state.maxes[1], 30);

    /* a zero weight is never drawn while a nonzero one remains */
    rnd_reset(1, 0);
    srv_order(zlast, 3, rnd_test);
    assert_string_equal(zlast[0].host, "b");
    assert_string_equal(zlast[1].host, "a");
    assert_string_equal(zlast[2].host, "z");
}

/* Over every value rnd can return, each target comes first exactly as
 * often as its weight: the draw is proportional to weight. */
static void srv_weighted_exhaustive(void **state)
{
    static const unsigned weights[] = { 10, 0, 20, 30, 0, 1 };
    static const char *const names[] = { "w10", "w0a", "w20", "w30", "w0b",
                                         "w1" };
    enum { N = sizeof(weights) / sizeof(*weights) };
    unsigned total = 0, firsts[N] = { 0 };

    (void)state;
    for (size_t i = 0; i < N; i++)
        total += weights[i];
    assert_int_equal(total, 61);
    for (unsigned long r = 0; r < total; r++) {
        struct srv_target t[N];

        for (size_t i = 0; i < N; i++) {
            t[i].host = (char *)names[i];
            t[i].port = 389;
            t[i].priority = 5;
            t[i].weight = weights[i];
        }
        rnd_reset(2, r);
        srv_order(t, N, rnd_test);
        assert_int_equal(rnd_state.maxes[0], total);
        for (size_t i = 0; i < N; i++)
            if (strcmp(t[0].host, names[i]) == 0)
                firsts[i]++;
        /* the zero weights last, after every nonzero one */
        assert_int_equal(t[N - 1].weight, 0);
        assert_int_equal(t[N - 2].weight, 0);
        for (size_t i = 0; i < N - 2; i++)
            assert_true(t[i].weight > 0);
        /* a permutation: every target still there */
        for (size_t i = 0; i < N; i++)
            assert_true(has_host(t, 0, N, names[i]));
    }
    for (size_t i = 0; i < N; i++) {
        if (firsts[i] != weights[i])
            fail_msg("%s came first %u times in %u draws, expected %u",
                     names[i], firsts[i], total, weights[i]);
    }
}

static void srv_zero_weights(void **state)
{
    struct srv_target all0[] = { SRV("z1", 0, 0), SRV("z2", 0, 0),
                                 SRV("z3", 0, 0) };
    struct srv_target mixed[] = { SRV("z1", 0, 0), SRV("z2", 0, 0),
                                  SRV("a", 0, 5) };

    (void)state;
    /* all zero: no draw possible (rnd_test fails on max 0), all kept */
    rnd_reset(0, 0);
    srv_order(all0, 3, rnd_test);
    assert_true(has_host(all0, 0, 3, "z1"));
    assert_true(has_host(all0, 0, 3, "z2"));
    assert_true(has_host(all0, 0, 3, "z3"));

    rnd_reset(0, 0);
    srv_order(mixed, 3, rnd_test);
    assert_string_equal(mixed[0].host, "a");
    assert_true(has_host(mixed, 1, 3, "z1"));
    assert_true(has_host(mixed, 1, 3, "z2"));
    for (size_t i = 0; i < rnd_state.calls && i < RND_MAX_CALLS; i++)
        assert_true(rnd_state.maxes[i] > 0);
}

static void srv_priorities(void **state)
{
    struct srv_target t[] = {
        SRV("p10a", 10, 0), SRV("p0a", 0, 50), SRV("p5", 5, 100),
        SRV("p0b", 0, 50),  SRV("p10b", 10, 1), SRV("p65535", 65535, 9),
        SRV("p1", 1, 0),
    };
    enum { N = sizeof(t) / sizeof(*t) };
    static const unsigned want_prio[N] = { 0, 0, 1, 5, 10, 10, 65535 };

    (void)state;
    for (int mode = 0; mode <= 1; mode++) {
        struct srv_target c[N];

        memcpy(c, t, sizeof(t));
        rnd_reset(mode, 0);
        srv_order(c, N, rnd_test);
        for (size_t i = 0; i < N; i++)
            assert_int_equal(c[i].priority, want_prio[i]);
        assert_true(has_host(c, 0, 2, "p0a"));
        assert_true(has_host(c, 0, 2, "p0b"));
        assert_string_equal(c[2].host, "p1");
        assert_string_equal(c[3].host, "p5");
        /* within priority 10 the weighted one first, the 0 last */
        assert_string_equal(c[4].host, "p10b");
        assert_string_equal(c[5].host, "p10a");
        assert_string_equal(c[6].host, "p65535");
        /* ports and weights travel with their hosts */
        for (size_t i = 0; i < N; i++) {
            assert_int_equal(c[i].port, 389);
            for (size_t k = 0; k < N; k++)
                if (strcmp(c[i].host, t[k].host) == 0)
                    assert_int_equal(c[i].weight, t[k].weight);
        }
        /* a draw is only ever among one priority's targets: 100 or 50
         * in priority 0, 1 in priority 10 (1 and 5 are alone) */
        for (size_t i = 0; i < rnd_state.calls && i < RND_MAX_CALLS; i++)
            assert_true(rnd_state.maxes[i] == 100
                        || rnd_state.maxes[i] == 50
                        || rnd_state.maxes[i] == 1);
    }
    /* within priority 0, rnd 0 takes the first listed, max-1 the last
     * (sorting by priority keeps the order of equal priorities: glibc's
     * qsort is a merge sort for arrays this small) */
    {
        struct srv_target c[N];

        memcpy(c, t, sizeof(t));
        rnd_reset(0, 0);
        srv_order(c, N, rnd_test);
        assert_string_equal(c[0].host, "p0a");
        assert_string_equal(c[1].host, "p0b");
        memcpy(c, t, sizeof(t));
        rnd_reset(1, 0);
        srv_order(c, N, rnd_test);
        assert_string_equal(c[0].host, "p0b");
        assert_string_equal(c[1].host, "p0a");
    }
}

/* ------------------------------------------------------------------ */
/* dn_to_dns                                                           */

static void check_dns(const char *dn, const char *want)
{
    char *got = dn_to_dns(dn);
    bool same = want == NULL ? got == NULL
                             : got != NULL && strcmp(got, want) == 0;

    if (!same)
        print_error("dn_to_dns(\"%s\") = %s%s%s, expected %s%s%s\n", dn,
                    got ? "\"" : "", got ? got : "NULL", got ? "\"" : "",
                    want ? "\"" : "", want ? want : "NULL",
                    want ? "\"" : "");
    free(got);
    if (!same)
        fail();
}

static void dns_from_dn(void **state)
{
    (void)state;
    check_dns("DC=spn,DC=test", "spn.test");
    check_dns("DC=test", "test");
    check_dns("dc=A,DC=b", "A.b");
    check_dns("Dc=corp,dC=Example,DC=COM", "corp.Example.COM");
    check_dns("CN=WEB01,OU=Servers,DC=spn,DC=test", "spn.test");
    check_dns("CN=Partitions,CN=Configuration,DC=spn,DC=test", "spn.test");
    check_dns("DC=child,DC=spn,DC=test", "child.spn.test");
    check_dns("DC=spn, DC=test", "spn.test");
    /* an attribute that merely starts with DC is not DC */
    check_dns("DCX=a,DC=spn,DC=test", "spn.test");
    check_dns("D=a,DC=test", "test");
}

static void dns_from_dn_escaped(void **state)
{
    (void)state;
    check_dns("DC=ex\\41mple,DC=com", "exAmple.com");
    check_dns("DC=b\\C3\\BCcher,DC=de", "b\xc3\xbc" "cher.de");
    check_dns("DC=b\xc3\xbc" "cher,DC=de", "b\xc3\xbc" "cher.de");
    check_dns("CN=a\\,b,DC=spn,DC=test", "spn.test");
    check_dns("CN=x\\2C DC\\3Devil,DC=spn,DC=test", "spn.test");
}

static void dns_from_dn_none(void **state)
{
    (void)state;
    check_dns("", NULL);
    check_dns("CN=Users", NULL);
    check_dns("CN=WEB01,OU=Servers,O=Example", NULL);
    check_dns("not a dn", NULL);
    check_dns("DC=spn,,DC=test", NULL);
    check_dns("=x,DC=test", NULL);
    check_dns("DC=spn,DC=test,", NULL);
}

/* ------------------------------------------------------------------ */
/* filter_any, spn_host_aliases, spn_alias_forms                       */

static void check_any(const char *attr, const char *const *values, size_t n,
                      const char *want)
{
    char *f = filter_any(attr, V(values), n);

    assert_non_null(f);
    assert_string_equal(f, want);
    free(f);
}

static void filter_any_forms(void **state)
{
    static const char *const one[] = { "HTTP/web01" };
    static const char *const star[] = { "HTTP/*" };
    static const char *const three[] = { "HTTP/a", "http/b", "HOST/c" };
    static const char *const nasty[] = { "a*b", "(x)", "\\", "\xc3\xbc" };
    char *eq;

    (void)state;
    assert_null(filter_any("servicePrincipalName", V(one), 0));
    assert_null(filter_any("servicePrincipalName", NULL, 0));

    check_any("servicePrincipalName", one, 1,
              "(servicePrincipalName=HTTP/web01)");
    /* one value: exactly filter_equals without wildcards */
    eq = filter_equals("servicePrincipalName", "HTTP/*", false);
    assert_non_null(eq);
    check_any("servicePrincipalName", star, 1, eq);
    free(eq);
    check_any("servicePrincipalName", star, 1,
              "(servicePrincipalName=HTTP/\\2A)");

    check_any("servicePrincipalName", three, 3,
              "(|(servicePrincipalName=HTTP/a)(servicePrincipalName=http/b)"
              "(servicePrincipalName=HOST/c))");
    check_any("servicePrincipalName", three, 2,
              "(|(servicePrincipalName=HTTP/a)(servicePrincipalName=http/b))");
    check_any("cn", nasty, 4,
              "(|(cn=a\\2Ab)(cn=\\28x\\29)(cn=\\5C)(cn=\\C3\\BC))");
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
    spn_strv_free(a, n);

    n = 99;
    a = spn_host_aliases(V(m2), 4, &n);
    assert_int_equal(n, 4);
    assert_non_null(a);
    assert_string_equal(a[0], "a");
    assert_string_equal(a[1], "b");
    assert_string_equal(a[2], "c");
    assert_string_equal(a[3], "d");
    spn_strv_free(a, n);

    n = 99;
    a = spn_host_aliases(V(m3), 6, &n);
    assert_int_equal(n, 0);
    spn_strv_free(a, n);

    n = 99;
    a = spn_host_aliases(V(m4), 3, &n);
    assert_int_equal(n, 0);
    spn_strv_free(a, n);

    n = 99;
    a = spn_host_aliases(V(m5), 1, &n);
    assert_int_equal(n, 2);
    assert_string_equal(a[0], "spaced out");
    assert_string_equal(a[1], "x");
    spn_strv_free(a, n);

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
    spn_strv_free(a, n);
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
    spn_strv_free(f, n);

    n = 99;
    f = spn_alias_forms("host/x:1/y", V(al), 2, &n);
    assert_int_equal(n, 2);
    assert_string_equal(f[0], "http/x:1/y");
    assert_string_equal(f[1], "cifs/x:1/y");
    spn_strv_free(f, n);

    n = 99;
    f = spn_alias_forms("hOsT/web01.spn.test", V(al), 1, &n);
    assert_int_equal(n, 1);
    assert_string_equal(f[0], "http/web01.spn.test");
    spn_strv_free(f, n);

    /* not the HOST class */
    static const char *const not_host[] = { "HTTP/x", "HOSTS/x", "HOST",
                                            "HOS/x", "xHOST/x", "",
                                            "RestrictedKrbHost/x" };
    for (size_t i = 0; i < sizeof(not_host) / sizeof(*not_host); i++) {
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
    spn_strv_free(f, n);

    spn_strv_free(NULL, 0);
}

/* ------------------------------------------------------------------ */
/* args_parse: scripting, discovery and credential options              */

static void args_new_defaults(void **state)
{
    struct options o;

    (void)state;
    parse_ok(&o, "web01");
    assert_false(o.json);
    assert_false(o.dry_run);
    assert_null(o.batch);
    assert_false(o.stop_on_error);
    assert_false(o.req.idempotent);
    assert_null(o.domain);
    assert_false(o.starttls);
    assert_null(o.cacert);
    assert_int_equal(o.min_ssf, DEFAULT_MIN_SSF);
    assert_int_equal(o.min_ssf, 56);
    assert_false(o.simple);
    assert_null(o.bind_dn);
    assert_null(o.keytab);
    assert_null(o.principal);
    assert_null(o.password_file);
}

static void args_json_dry_run(void **state)
{
    struct options o;

    (void)state;
    parse_ok(&o, "--json", "-L", "web01");
    assert_true(o.json);
    assert_false(o.dry_run);
    assert_int_equal(o.req.verb, VERB_LIST);
    assert_string_equal(o.req.account, "web01");

    parse_ok(&o, "-n", "-S", "HTTP/web01", "svc");
    assert_true(o.dry_run);
    assert_false(o.json);
    assert_int_equal(o.req.verb, VERB_ADD_CHECK);
    parse_ok(&o, "-S", "HTTP/web01", "svc", "--dry-run", "--json");
    assert_true(o.dry_run);
    assert_true(o.json);
    assert_string_equal(o.req.spn, "HTTP/web01");
    assert_string_equal(o.req.account, "svc");

    /* -N is not -n: Unix options are case-sensitive */
    parse_err(&o, "unknown option '-N'", "-N", "web01");
    parse_err(&o, "--json takes no value", "--json=1", "web01");
    parse_err(&o, "--dry-run takes no value", "--dry-run=yes", "web01");
    parse_err(&o, "unknown option '--JSON'", "--JSON", "web01");
}

static void args_idempotent(void **state)
{
    struct options o;

    (void)state;
    parse_ok(&o, "--idempotent", "-S", "HTTP/web01", "svc");
    assert_true(o.req.idempotent);
    assert_int_equal(o.req.verb, VERB_ADD_CHECK);
    parse_ok(&o, "-D", "HTTP/web01", "svc", "--idempotent");
    assert_true(o.req.idempotent);
    parse_ok(&o, "-D", "HTTP/web01", "svc");
    assert_false(o.req.idempotent);
    parse_err(&o, "--idempotent takes no value", "--idempotent=1", "-S",
              "HTTP/web01", "svc");
}

static void args_batch(void **state)
{
    struct options o;

    (void)state;
    parse_ok(&o, "--batch", "jobs.txt");
    assert_string_equal(o.batch, "jobs.txt");
    assert_int_equal(o.req.verb, VERB_NONE);
    assert_null(o.req.account);
    assert_false(o.empty);
    assert_false(o.stop_on_error);

    parse_ok(&o, "--batch=-");
    assert_string_equal(o.batch, "-");
    parse_ok(&o, "--batch", "-");
    assert_string_equal(o.batch, "-");

    parse_ok(&o, "--stop-on-error", "--batch", "f", "--idempotent", "--json",
             "-n");
    assert_string_equal(o.batch, "f");
    assert_true(o.stop_on_error);
    assert_true(o.req.idempotent);
    assert_true(o.json);
    assert_true(o.dry_run);

    parse_ok(&o, "--stop-on-error", "web01");
    assert_true(o.stop_on_error);

    parse_err(&o,
              "--batch takes its commands from the file, not from the "
              "command line",
              "--batch", "f", "-L");
    parse_err(&o,
              "--batch takes its commands from the file, not from the "
              "command line",
              "--batch", "f", "web01");
    parse_err(&o,
              "--batch takes its commands from the file, not from the "
              "command line",
              "-S", "HTTP/web01", "svc", "--batch=f");
    parse_err(&o,
              "--batch takes its commands from the file, not from the "
              "command line",
              "-X", "--batch", "f");
    parse_err(&o,
              "--batch takes its commands from the file, not from the "
              "command line",
              "--batch", "f", "--", "x");
    parse_err(&o, "--batch needs a file name (- for standard input)",
              "--batch", "");
    parse_err(&o, "--batch needs a file name (- for standard input)",
              "--batch=");
    parse_err(&o, "--batch needs a value", "--batch");
    parse_err(&o, "--stop-on-error takes no value", "--stop-on-error=1",
              "--batch", "f");
}

static void args_domain_tls(void **state)
{
    struct options o;

    (void)state;
    parse_ok(&o, "--domain", "spn.test", "-L", "web01");
    assert_string_equal(o.domain, "spn.test");
    assert_null(o.uri);
    parse_ok(&o, "--domain=child.spn.test", "web01");
    assert_string_equal(o.domain, "child.spn.test");
    parse_err(&o, "--domain needs a non-empty value", "--domain=", "web01");
    parse_err(&o, "--domain needs a non-empty value", "--domain", "",
              "web01");
    parse_err(&o, "--domain needs a value", "web01", "--domain");

    parse_ok(&o, "-Z", "web01");
    assert_true(o.starttls);
    parse_ok(&o, "--starttls", "web01");
    assert_true(o.starttls);
    parse_err(&o, "--starttls takes no value", "--starttls=1", "web01");
    /* -z is not -Z */
    parse_err(&o, "unknown option '-z'", "-z", "web01");

    parse_ok(&o, "--cacert", "/etc/ssl/dc.pem", "-Z", "web01");
    assert_string_equal(o.cacert, "/etc/ssl/dc.pem");
    assert_true(o.starttls);
    parse_ok(&o, "--cacert=ca.pem", "web01");
    assert_string_equal(o.cacert, "ca.pem");
    parse_err(&o, "--cacert needs a non-empty value", "--cacert=", "web01");
    parse_err(&o, "--cacert needs a value", "web01", "--cacert");
}

static void args_min_ssf(void **state)
{
    struct options o;

    (void)state;
    parse_ok(&o, "--min-ssf", "0", "web01");
    assert_int_equal(o.min_ssf, 0);
    parse_ok(&o, "--min-ssf=256", "web01");
    assert_int_equal(o.min_ssf, 256);
    parse_ok(&o, "--min-ssf", "128", "web01");
    assert_int_equal(o.min_ssf, 128);

    parse_err(&o, "--min-ssf takes a whole number from 0 to 256, not '257'",
              "--min-ssf", "257", "web01");
    parse_err(&o, "--min-ssf takes a whole number from 0 to 256, not '-1'",
              "--min-ssf", "-1", "web01");
    parse_err(&o, "--min-ssf takes a whole number from 0 to 256, not 'x'",
              "--min-ssf=x", "web01");
    parse_err(&o, "--min-ssf takes a whole number from 0 to 256, not ''",
              "--min-ssf=", "web01");
    parse_err(&o, "--min-ssf takes a whole number from 0 to 256, not '56k'",
              "--min-ssf", "56k", "web01");
    parse_err(&o, "--min-ssf takes a whole number from 0 to 256, not ' 56'",
              "--min-ssf", " 56", "web01");
    parse_err(&o, "--min-ssf takes a whole number from 0 to 256, not '+56'",
              "--min-ssf", "+56", "web01");
    parse_err(&o, "--min-ssf takes a whole number from 0 to 256, not '0x10'",
              "--min-ssf", "0x10", "web01");
    parse_err(&o,
              "--min-ssf takes a whole number from 0 to 256, not "
              "'4294967352'",
              "--min-ssf", "4294967352", "web01");
    parse_err(&o, "--min-ssf needs a value", "web01", "--min-ssf");
}

static void args_credentials(void **state)
{
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

    parse_err(&o, "--simple needs --bind-dn DN", "--simple", "web01");
    parse_err(&o, "--bind-dn goes with --simple", "--bind-dn", "CN=a,DC=x",
              "web01");
    parse_err(&o, "--simple cannot be combined with --keytab or --principal",
              "--simple", "--bind-dn", "CN=a", "--keytab", "k", "web01");
    parse_err(&o, "--simple cannot be combined with --keytab or --principal",
              "--simple", "--bind-dn", "CN=a", "--principal", "p", "web01");
    parse_err(&o, "--keytab and --password-file cannot be combined",
              "--keytab", "k", "--principal", "p", "--password-file", "f",
              "web01");
    parse_err(&o, "--keytab and --password-file cannot be combined",
              "--keytab", "k", "--password-file", "f", "web01");
    parse_err(&o, "--password-file needs --principal (or --simple)",
              "--password-file", "f", "web01");
    /* credentials are checked before the request */
    parse_err(&o, "--simple needs --bind-dn DN", "--simple");
    parse_err(&o, "--simple takes no value", "--simple=1", "web01");
    parse_err(&o, "--bind-dn needs a non-empty value", "--simple",
              "--bind-dn=", "web01");
    parse_err(&o, "--keytab needs a non-empty value", "--keytab", "",
              "web01");
    parse_err(&o, "--principal needs a value", "web01", "--principal");
    parse_err(&o, "--password-file needs a non-empty value",
              "--password-file=", "--principal", "p", "web01");
}

/* No password on the command line: it would show in ps and the history. */
static void args_no_password_option(void **state)
{
    struct options o;

    (void)state;
    parse_err(&o, "unknown option '--password'", "--password", "secret",
              "web01");
    parse_err(&o, "unknown option '--pass'", "--pass", "web01");
    parse_err(&o, "unknown option '--passwd'", "--passwd", "web01");
    parse_err(&o, "unknown option '--password-fil'", "--password-fil", "f",
              "web01");
    parse_err(&o, "unknown option '-w'", "-w", "secret", "web01");
}

/* ------------------------------------------------------------------ */
/* args_parse_line                                                     */

/* Parses the NULL-terminated words of one batch line. */
static char *parse_line(struct request *q, ...)
{
    static char *argv[MAXARGS + 1];
    va_list ap;
    int argc = 0;
    const char *a;

    va_start(ap, q);
    while ((a = va_arg(ap, const char *)) != NULL) {
        assert_true(argc < MAXARGS);
        argv[argc++] = (char *)a;
    }
    va_end(ap);
    argv[argc] = NULL;
    return args_parse_line(argc, argv, q);
}

#define line_ok(q, ...) \
    expect_ok(parse_line((q), __VA_ARGS__, (const char *)NULL))
#define line_err(q, want, ...) \
    expect_err(parse_line((q), __VA_ARGS__, (const char *)NULL), (want))

#define NOT_IN_LINE(opt)                                                  \
    "option '" opt "' is not allowed in a batch line (give it on the "    \
    "command line)"

static void line_verbs(void **state)
{
    struct request q;

    (void)state;
    line_ok(&q, "-S", "HTTP/web01", "svc");
    assert_int_equal(q.verb, VERB_ADD_CHECK);
    assert_string_equal(q.spn, "HTTP/web01");
    assert_string_equal(q.account, "svc");
    assert_false(q.idempotent);
    assert_false(q.forest);
    assert_int_equal(q.kind, KIND_ANY);

    line_ok(&q, "-a", "HTTP/web01", "svc");
    assert_int_equal(q.verb, VERB_ADD);
    line_ok(&q, "-D", "HTTP/web01", "svc", "--idempotent");
    assert_int_equal(q.verb, VERB_DELETE);
    assert_true(q.idempotent);
    line_ok(&q, "-Q", "HTTP/*");
    assert_int_equal(q.verb, VERB_QUERY);
    assert_string_equal(q.spn, "HTTP/*");
    assert_null(q.account);
    line_ok(&q, "-r", "web01");
    assert_int_equal(q.verb, VERB_RESET);
    assert_string_equal(q.account, "web01");
    line_ok(&q, "-X", "-P");
    assert_int_equal(q.verb, VERB_SCAN);
    assert_true(q.no_progress);
    line_ok(&q, "web01");
    assert_int_equal(q.verb, VERB_LIST);
    assert_string_equal(q.account, "web01");
    line_ok(&q, "-L", "web01");
    assert_int_equal(q.verb, VERB_LIST);

    line_ok(&q, "-F", "-Q", "HTTP/*");
    assert_true(q.forest);
    line_ok(&q, "-T", "child", "-T", "", "-S", "HTTP/x", "svc");
    assert_int_equal(q.ndomains, 2);
    assert_string_equal(q.domains[0], "child");
    assert_string_equal(q.domains[1], "");
    line_ok(&q, "-C", "-L", "web01");
    assert_int_equal(q.kind, KIND_COMPUTER);
    line_ok(&q, "-u", "-S", "HTTP/x", "svc");
    assert_int_equal(q.kind, KIND_USER);
    line_ok(&q, "-U", "-P", "-S", "HTTP/x", "svc", "--idempotent");
    assert_int_equal(q.kind, KIND_USER);
    assert_true(q.no_progress);
    assert_true(q.idempotent);

    /* "/?" is not help in a batch line: an account name */
    line_ok(&q, "/?");
    assert_int_equal(q.verb, VERB_LIST);
    assert_string_equal(q.account, "/?");
    line_ok(&q, "-L", "--", "-odd");
    assert_string_equal(q.account, "-odd");
}

static void line_rejected(void **state)
{
    struct request q;

    (void)state;
    line_err(&q, NOT_IN_LINE("-H"), "-H", "ldap://dc1", "-L", "web01");
    line_err(&q, NOT_IN_LINE("-v"), "-v", "-L", "web01");
    line_err(&q, NOT_IN_LINE("-h"), "-h");
    line_err(&q, NOT_IN_LINE("-n"), "-n", "-S", "HTTP/x", "svc");
    line_err(&q, NOT_IN_LINE("-Z"), "-Z", "web01");
    line_err(&q, NOT_IN_LINE("--json"), "--json", "-L", "web01");
    line_err(&q, NOT_IN_LINE("--uri=ldap://x"), "--uri=ldap://x", "web01");
    line_err(&q, NOT_IN_LINE("--timeout"), "--timeout", "5", "web01");
    line_err(&q, NOT_IN_LINE("--dry-run"), "web01", "--dry-run");
    line_err(&q, NOT_IN_LINE("--batch"), "--batch", "f");
    line_err(&q, NOT_IN_LINE("--help"), "--help");
    line_err(&q, NOT_IN_LINE("--version"), "--version");
    line_err(&q, NOT_IN_LINE("--stop-on-error"), "--stop-on-error", "web01");
    line_err(&q, NOT_IN_LINE("--simple"), "--simple", "web01");
    line_err(&q, NOT_IN_LINE("--keytab"), "--keytab", "k", "web01");
    line_err(&q, NOT_IN_LINE("--domain"), "--domain", "d", "web01");
    line_err(&q, NOT_IN_LINE("--idempotent=1"), "--idempotent=1", "web01");
    /* a control character is quoted */
    line_err(&q, NOT_IN_LINE("--\\x1b"), "--\x1b", "web01");

    /* the request's own checks still apply */
    line_err(&q, "-S needs an SPN and an account", "-S", "HTTP/x");
    line_err(&q, "-S and -X cannot be combined", "-S", "-X");
    line_err(&q, "unexpected argument 'c'", "-L", "b", "c");
    line_err(&q, "-F applies only to -S, -A, -Q and -X", "-F", "-L", "web01");
    line_err(&q, "no account given", "-P");
}

static void line_empty(void **state)
{
    struct request q;
    char *argv[] = { NULL };
    char *err;

    (void)state;
    err = args_parse_line(0, argv, &q);
    assert_non_null(err);
    assert_string_equal(err, "no command");
    free(err);
}

/* ------------------------------------------------------------------ */
/* report                                                              */

/* Runs report_finish(code) with stdout captured; returns what it wrote
 * (malloc'd). */
static char *finish_captured(int code, bool *ok)
{
    FILE *tmp = tmpfile();
    int saved;
    long len;
    char *buf;

    assert_non_null(tmp);
    assert_int_equal(fflush(stdout), 0);
    saved = dup(STDOUT_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fileno(tmp), STDOUT_FILENO) >= 0);
    /* nothing between the dup2s may fail (a failed assertion would leave
     * stdout redirected) */
    *ok = report_finish(code);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);

    assert_int_equal(fseek(tmp, 0, SEEK_END), 0);
    len = ftell(tmp);
    assert_true(len >= 0);
    rewind(tmp);
    buf = malloc((size_t)len + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)len, tmp), (size_t)len);
    buf[len] = '\0';
    fclose(tmp);
    return buf;
}

/* The same for report_op_ldif in text mode. */
static char *ldif_captured(bool add, const char *dn, const char *spn)
{
    FILE *tmp = tmpfile();
    int saved;
    long len;
    char *buf;

    assert_non_null(tmp);
    assert_int_equal(fflush(stdout), 0);
    saved = dup(STDOUT_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fileno(tmp), STDOUT_FILENO) >= 0);
    report_op_ldif(add, dn, spn);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);

    assert_int_equal(fseek(tmp, 0, SEEK_END), 0);
    len = ftell(tmp);
    assert_true(len >= 0);
    rewind(tmp);
    buf = malloc((size_t)len + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)len, tmp), (size_t)len);
    buf[len] = '\0';
    fclose(tmp);
    return buf;
}

/* Finishes the JSON report and parses the document written. */
static json_t *finish_json(int code)
{
    bool ok = false;
    char *out = finish_captured(code, &ok);
    json_error_t err;
    json_t *doc;

    assert_true(ok);
    assert_true(strlen(out) > 2);
    /* one document, then a newline */
    assert_int_equal(out[strlen(out) - 1], '\n');
    doc = json_loads(out, 0, &err);
    if (doc == NULL)
        print_error("not JSON (%s, line %d):\n%s\n", err.text, err.line, out);
    free(out);
    assert_non_null(doc);
    assert_true(json_is_object(doc));
    return doc;
}

static void assert_jstr(json_t *obj, const char *key, const char *want)
{
    json_t *v = json_object_get(obj, key);

    if (v == NULL)
        fail_msg("no \"%s\"", key);
    if (!json_is_string(v))
        fail_msg("\"%s\" is not a string", key);
    assert_string_equal(json_string_value(v), want);
}

static void assert_jint(json_t *obj, const char *key, long long want)
{
    json_t *v = json_object_get(obj, key);

    if (v == NULL)
        fail_msg("no \"%s\"", key);
    if (!json_is_integer(v))
        fail_msg("\"%s\" is not an integer", key);
    assert_int_equal(json_integer_value(v), want);
}

static json_t *jget(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);

    if (v == NULL)
        fail_msg("no \"%s\"", key);
    return v;
}

static void assert_jstrs(json_t *arr, const char *const *want, size_t n)
{
    assert_true(json_is_array(arr));
    assert_int_equal(json_array_size(arr), n);
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_array_get(arr, i);

        assert_true(json_is_string(v));
        assert_string_equal(json_string_value(v), want[i]);
    }
}

static const char dn_svc[] = "CN=svc,CN=Users,DC=spn,DC=test";
static const char dn_w1[] = "CN=WEB01,CN=Computers,DC=spn,DC=test";

static void report_json_document(void **state)
{
    static const char *const spns1[] = { "HTTP/a", "HTTP/b" };
    static const char *const spns2[] = { "HTTP/a" };
    static const char *const dns1[] = { "CN=x,DC=spn,DC=test",
                                        "CN=y,DC=spn,DC=test" };
    static const int not_run[] = { 5, 7 };
    json_t *doc, *ops, *op, *a, *h;

    (void)state;
    report_init(true, false);
    assert_true(report_json());
    assert_null(report_text());
    report_dc("ldap://dc1.spn.test", "spn.test");

    report_op_begin("-S", "HTTP/web01", "svc", 0);
    report_op_dn(dn_svc);
    report_op_status("added");
    report_op_end();

    report_op_begin("-Q", "HTTP/*", NULL, 3);
    report_op_holder(dn_w1, V(spns1), 2);
    report_op_holder(dn_svc, V(spns2), 1);
    report_op_count("entries", 2);
    report_op_status("ok");
    report_op_end();

    report_op_begin("-X", NULL, NULL, 0);
    report_op_group("HTTP/a", dns1, 2);
    report_op_group("HTTP/b", dns1, 1);
    report_op_count("entries", 40);
    report_op_status("conflict");
    report_op_end();

    /* no report_op_end: the next begin ends it */
    report_op_begin("-D", "HTTP/x", "svc", 4);
    report_op_ldif(false, dn_svc, "HTTP/x");
    report_op_ldif(true, dn_svc, "HTTP/y");
    report_op_error("boom");
    report_op_spns(V(spns1), 2);

    /* and report_finish ends the last one */
    report_op_begin("-L", NULL, "web01", 5);
    report_op_status("not-found");

    report_batch(5, 3, 1, 2, not_run);
    doc = finish_json(1);

    assert_jstr(doc, "dc", "ldap://dc1.spn.test");
    assert_jstr(doc, "domain", "spn.test");
    assert_true(json_is_false(jget(doc, "dry_run")));
    assert_jint(doc, "exit", 1);
    assert_null(json_object_get(doc, "error"));

    ops = jget(doc, "operations");
    assert_true(json_is_array(ops));
    assert_int_equal(json_array_size(ops), 5);

    op = json_array_get(ops, 0);
    assert_int_equal(json_object_size(op), 5);
    assert_jstr(op, "verb", "-S");
    assert_jstr(op, "spn", "HTTP/web01");
    assert_jstr(op, "account", "svc");
    assert_jstr(op, "dn", dn_svc);
    assert_jstr(op, "status", "added");
    assert_null(json_object_get(op, "line")); /* not a batch line */

    op = json_array_get(ops, 1);
    assert_jstr(op, "verb", "-Q");
    assert_jint(op, "line", 3);
    assert_jstr(op, "spn", "HTTP/*");
    assert_null(json_object_get(op, "account"));
    assert_jstr(op, "status", "ok");
    assert_jint(op, "entries", 2);
    a = jget(op, "holders");
    assert_true(json_is_array(a));
    assert_int_equal(json_array_size(a), 2);
    h = json_array_get(a, 0);
    assert_jstr(h, "dn", dn_w1);
    assert_jstrs(jget(h, "spns"), spns1, 2);
    h = json_array_get(a, 1);
    assert_jstr(h, "dn", dn_svc);
    assert_jstrs(jget(h, "spns"), spns2, 1);

    op = json_array_get(ops, 2);
    assert_int_equal(json_object_size(op), 4);
    assert_jstr(op, "verb", "-X");
    assert_null(json_object_get(op, "spn"));
    assert_null(json_object_get(op, "account"));
    assert_jstr(op, "status", "conflict");
    assert_jint(op, "entries", 40);
    a = jget(op, "groups");
    assert_true(json_is_array(a));
    assert_int_equal(json_array_size(a), 2);
    assert_jstr(json_array_get(a, 0), "spn", "HTTP/a");
    assert_jstrs(jget(json_array_get(a, 0), "dns"), dns1, 2);
    assert_jstr(json_array_get(a, 1), "spn", "HTTP/b");
    assert_jstrs(jget(json_array_get(a, 1), "dns"), dns1, 1);

    op = json_array_get(ops, 3);
    assert_jstr(op, "verb", "-D");
    assert_jint(op, "line", 4);
    assert_jstr(op, "error", "boom");
    assert_jstrs(jget(op, "spns"), spns1, 2);
    assert_jstr(op, "ldif",
                "dn: CN=svc,CN=Users,DC=spn,DC=test\n"
                "changetype: modify\n"
                "delete: servicePrincipalName\n"
                "servicePrincipalName: HTTP/x\n"
                "-\n"
                "\n"
                "dn: CN=svc,CN=Users,DC=spn,DC=test\n"
                "changetype: modify\n"
                "add: servicePrincipalName\n"
                "servicePrincipalName: HTTP/y\n"
                "-\n"
                "\n");

    op = json_array_get(ops, 4);
    assert_jstr(op, "verb", "-L");
    assert_jint(op, "line", 5);
    assert_jstr(op, "account", "web01");
    assert_jstr(op, "status", "not-found");

    a = jget(doc, "batch");
    assert_jint(a, "lines", 5);
    assert_jint(a, "done", 3);
    assert_jint(a, "failed", 1);
    a = jget(a, "not_run");
    assert_true(json_is_array(a));
    assert_int_equal(json_array_size(a), 2);
    assert_int_equal(json_integer_value(json_array_get(a, 0)), 5);
    assert_int_equal(json_integer_value(json_array_get(a, 1)), 7);
    json_decref(doc);
}

/* -X's groups in the order reported, each with its DNs. */
static void report_json_groups(void **state)
{
    static const char *const dns1[] = { "CN=x,DC=spn,DC=test",
                                        "CN=y,DC=spn,DC=test" };
    static const char *const dns2[] = { "CN=z,DC=spn,DC=test" };
    json_t *doc, *op, *g;

    (void)state;
    report_init(true, false);
    report_op_begin("-X", NULL, NULL, 0);
    report_op_group("HTTP/a", dns1, 2);
    report_op_group("HTTP/b", dns2, 1);
    report_op_status("conflict");
    report_op_end();
    doc = finish_json(3);

    op = json_array_get(jget(doc, "operations"), 0);
    assert_non_null(op);
    assert_jstr(op, "verb", "-X");
    assert_jstr(op, "status", "conflict");
    g = jget(op, "groups");
    assert_true(json_is_array(g));
    assert_int_equal(json_array_size(g), 2);
    assert_jstr(json_array_get(g, 0), "spn", "HTTP/a");
    assert_jstrs(jget(json_array_get(g, 0), "dns"), dns1, 2);
    assert_jstr(json_array_get(g, 1), "spn", "HTTP/b");
    assert_jstrs(jget(json_array_get(g, 1), "dns"), dns2, 1);
    assert_jint(doc, "exit", 3);
    json_decref(doc);
}

static void report_json_minimal(void **state)
{
    json_t *doc, *ops;

    (void)state;
    /* no DC, no operation, no batch: a document all the same */
    report_init(true, true);
    assert_null(report_text());
    doc = finish_json(0);
    assert_true(json_is_true(jget(doc, "dry_run")));
    assert_jint(doc, "exit", 0);
    ops = jget(doc, "operations");
    assert_true(json_is_array(ops));
    assert_int_equal(json_array_size(ops), 0);
    assert_null(json_object_get(doc, "batch"));
    assert_null(json_object_get(doc, "dc"));
    json_decref(doc);

    /* a failure outside any operation */
    report_init(true, false);
    report_error("cannot reach the DC");
    doc = finish_json(2);
    assert_jstr(doc, "error", "cannot reach the DC");
    assert_int_equal(json_array_size(jget(doc, "operations")), 0);
    assert_jint(doc, "exit", 2);
    json_decref(doc);

    /* what is reported before any operation began gets one of its own */
    report_init(true, false);
    report_op_status("invalid");
    report_op_error("bad SPN");
    doc = finish_json(1);
    ops = jget(doc, "operations");
    assert_int_equal(json_array_size(ops), 1);
    assert_jstr(json_array_get(ops, 0), "verb", "none");
    assert_jstr(json_array_get(ops, 0), "status", "invalid");
    assert_jstr(json_array_get(ops, 0), "error", "bad SPN");
    json_decref(doc);

    /* an empty batch */
    report_init(true, false);
    report_batch(0, 0, 0, 0, NULL);
    doc = finish_json(0);
    ops = jget(doc, "batch");
    assert_jint(ops, "lines", 0);
    assert_jint(ops, "done", 0);
    assert_jint(ops, "failed", 0);
    assert_int_equal(json_array_size(jget(ops, "not_run")), 0);
    json_decref(doc);
}

/* A value that is not UTF-8 stays visible ('?' for its bytes) and the
 * document stays valid; UTF-8 passes through. */
static void report_json_strings(void **state)
{
    json_t *doc, *op;

    (void)state;
    report_init(true, false);
    report_op_begin("-L", NULL, "b\xc3\xbc" "cher", 0);
    report_op_dn("CN=a\xff" "b,DC=spn,DC=test");
    report_op_error("quote \" backslash \\ tab \t newline \n");
    doc = finish_json(1);
    op = json_array_get(jget(doc, "operations"), 0);
    assert_non_null(op);
    assert_jstr(op, "account", "b\xc3\xbc" "cher");
    assert_jstr(op, "dn", "CN=a?b,DC=spn,DC=test");
    assert_jstr(op, "error", "quote \" backslash \\ tab \t newline \n");
    json_decref(doc);
}

static void report_text_mode(void **state)
{
    bool ok = false;
    char *out;

    (void)state;
    report_init(false, false);
    assert_false(report_json());
    assert_ptr_equal(report_text(), stdout);
    /* the JSON calls do nothing in text mode */
    report_dc("ldap://dc1", "spn.test");
    report_op_begin("-L", NULL, "web01", 0);
    report_op_status("ok");
    report_op_end();
    report_batch(1, 1, 0, 0, NULL);
    out = finish_captured(0, &ok);
    assert_true(ok);
    assert_string_equal(out, "");
    free(out);

    /* a dry run keeps stdout for the LDIF */
    report_init(false, true);
    assert_false(report_json());
    assert_ptr_equal(report_text(), stderr);
    out = finish_captured(0, &ok);
    assert_true(ok);
    assert_string_equal(out, "");
    free(out);

    report_init(true, true);
    assert_true(report_json());
    assert_null(report_text());
    json_decref(finish_json(0));
}

static void report_text_ldif(void **state)
{
    char *out;

    (void)state;
    report_init(false, true);
    out = ldif_captured(true, dn_svc, "HTTP/web01.spn.test");
    assert_string_equal(out, "dn: CN=svc,CN=Users,DC=spn,DC=test\n"
                             "changetype: modify\n"
                             "add: servicePrincipalName\n"
                             "servicePrincipalName: HTTP/web01.spn.test\n"
                             "-\n"
                             "\n");
    free(out);

    out = ldif_captured(false, dn_svc, "HTTP/web01");
    assert_string_equal(out, "dn: CN=svc,CN=Users,DC=spn,DC=test\n"
                             "changetype: modify\n"
                             "delete: servicePrincipalName\n"
                             "servicePrincipalName: HTTP/web01\n"
                             "-\n"
                             "\n");
    free(out);

    /* a DN or value beyond ASCII is base64 (RFC 2849) */
    out = ldif_captured(true, "CN=b\xc3\xbc" "cher,DC=spn,DC=test",
                        "HTTP/b\xc3\xbc" "cher.spn.test");
    assert_string_equal(out,
                        "dn:: Q049YsO8Y2hlcixEQz1zcG4sREM9dGVzdA==\n"
                        "changetype: modify\n"
                        "add: servicePrincipalName\n"
                        "servicePrincipalName:: "
                        "SFRUUC9iw7xjaGVyLnNwbi50ZXN0\n"
                        "-\n"
                        "\n");
    free(out);
    assert_int_equal(report_finish(0), true);
}

/* ------------------------------------------------------------------ */

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(write_valid),
        cmocka_unit_test(write_host_length),
        cmocka_unit_test(write_invalid),
        cmocka_unit_test(write_exact_messages),
        cmocka_unit_test(lookup_checks),
        cmocka_unit_test(utf8_edges),
        cmocka_unit_test(equal_case_insensitive),
        cmocka_unit_test(account_name_forms),
        cmocka_unit_test(account_metachars),
        cmocka_unit_test(account_errors),
        cmocka_unit_test(filter_exact),
        cmocka_unit_test(filter_wildcard),
        cmocka_unit_test(filter_long),
        cmocka_unit_test(quoting),
        cmocka_unit_test(args_defaults),
        cmocka_unit_test(args_empty),
        cmocka_unit_test(args_verbs),
        cmocka_unit_test(args_case_insensitive),
        cmocka_unit_test(args_help_version),
        cmocka_unit_test(args_uri),
        cmocka_unit_test(args_timeout_page_size),
        cmocka_unit_test(args_verbose),
        cmocka_unit_test(args_unknown),
        cmocka_unit_test(args_unknown_with_value),
        cmocka_unit_test(args_conflicts),
        cmocka_unit_test(args_scope),
        cmocka_unit_test(args_max_domains),
        cmocka_unit_test(args_kind),
        cmocka_unit_test(args_missing_extra),
        cmocka_unit_test(args_dashdash),
        cmocka_unit_test(args_verb_switch_names),
        cmocka_unit_test(status_table_rows),
        cmocka_unit_test(status_connect_legacy_codes),
        cmocka_unit_test(status_conflict_text),
        cmocka_unit_test(status_exit_codes),
        cmocka_unit_test(status_names),
        cmocka_unit_test(output_list),
        cmocka_unit_test(output_checking),
        cmocka_unit_test(output_holder),
        cmocka_unit_test(output_change),
        cmocka_unit_test(output_lines),
        cmocka_unit_test(scan_none),
        cmocka_unit_test(scan_exact_and_case),
        cmocka_unit_test(scan_same_account),
        cmocka_unit_test(scan_three_holders_sorted),
        cmocka_unit_test(scan_group_order),
        cmocka_unit_test(scan_many),
        cmocka_unit_test(scan_many_holders),
        cmocka_unit_test(batch_plain_words),
        cmocka_unit_test(batch_single_quotes),
        cmocka_unit_test(batch_double_quotes),
        cmocka_unit_test(batch_backslash),
        cmocka_unit_test(batch_joined_parts),
        cmocka_unit_test(batch_empty_words),
        cmocka_unit_test(batch_comments),
        cmocka_unit_test(batch_blank),
        cmocka_unit_test(batch_crlf),
        cmocka_unit_test(batch_errors),
        cmocka_unit_test(batch_backslash_newline),
        cmocka_unit_test(batch_free_null),
        cmocka_unit_test(srv_empty_and_single),
        cmocka_unit_test(srv_rnd_zero),
        cmocka_unit_test(srv_rnd_max),
        cmocka_unit_test(srv_weighted_exhaustive),
        cmocka_unit_test(srv_zero_weights),
        cmocka_unit_test(srv_priorities),
        cmocka_unit_test(dns_from_dn),
        cmocka_unit_test(dns_from_dn_escaped),
        cmocka_unit_test(dns_from_dn_none),
        cmocka_unit_test(filter_any_forms),
        cmocka_unit_test(host_aliases_parse),
        cmocka_unit_test(host_aliases_default),
        cmocka_unit_test(alias_forms),
        cmocka_unit_test(args_new_defaults),
        cmocka_unit_test(args_json_dry_run),
        cmocka_unit_test(args_idempotent),
        cmocka_unit_test(args_batch),
        cmocka_unit_test(args_domain_tls),
        cmocka_unit_test(args_min_ssf),
        cmocka_unit_test(args_credentials),
        cmocka_unit_test(args_no_password_option),
        cmocka_unit_test(line_verbs),
        cmocka_unit_test(line_rejected),
        cmocka_unit_test(line_empty),
        cmocka_unit_test(report_json_document),
        cmocka_unit_test(report_json_groups),
        cmocka_unit_test(report_json_minimal),
        cmocka_unit_test(report_json_strings),
        cmocka_unit_test(report_text_mode),
        cmocka_unit_test(report_text_ldif),
    };

    const char *filter = getenv("UNIT_FILTER");

    if (filter != NULL && *filter != '\0')
        cmocka_set_test_filter(filter);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
