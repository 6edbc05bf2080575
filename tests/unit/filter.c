/*
 * filter: LDAP filters with every value escaped (RFC 4515).
 */
#include "unit.h"

#include <stdlib.h>

#include "filter.h"

struct filter_case {
    const char *attr, *value, *want;
};

static void check_filter(const char *attr, const char *value, bool wildcard,
                         const char *want)
{
    char *f = filter_equals(attr, value, wildcard);
    char what[64];
    bool same;

    assert_non_null(f);
    snprintf(what, sizeof(what), "filter_equals(%s, ..., %s)", attr,
             wildcard ? "true" : "false");
    same = strcmp(f, want) == 0;
    if (!same)
        print_error("%s of \"%s\":\ngot      \"%s\"\nexpected \"%s\"\n",
                    what, value, f, want);
    free(f);
    if (!same)
        fail();
}

static void check_filters(const struct filter_case *c, size_t n,
                          bool wildcard)
{
    for (size_t i = 0; i < n; i++)
        check_filter(c[i].attr, c[i].value, wildcard, c[i].want);
}

/* libldap's ldap_bv2escaped_filter_value writes \XX in upper-case hex,
 * which RFC 4515 allows (HEX is case-insensitive). */
static void filter_exact(void **state)
{
    static const struct filter_case cases[] = {
        { "servicePrincipalName", "HTTP/web01.example.com",
          "(servicePrincipalName=HTTP/web01.example.com)" },
        { "sAMAccountName", "*", "(sAMAccountName=\\2A)" },
        { "sAMAccountName", "(", "(sAMAccountName=\\28)" },
        { "sAMAccountName", ")", "(sAMAccountName=\\29)" },
        { "sAMAccountName", "\\", "(sAMAccountName=\\5C)" },
        { "sAMAccountName", "*)(objectClass=*",
          "(sAMAccountName=\\2A\\29\\28objectClass=\\2A)" },
        { "sAMAccountName", "a\\2a", "(sAMAccountName=a\\5C2a)" },
        { "sAMAccountName", "we(b)*01$",
          "(sAMAccountName=we\\28b\\29\\2A01$)" },
        { "servicePrincipalName", "MSSQLSvc/*",
          "(servicePrincipalName=MSSQLSvc/\\2A)" },
        { "servicePrincipalName", "a**b",
          "(servicePrincipalName=a\\2A\\2Ab)" },
        { "userPrincipalName", "svc@spn.test",
          "(userPrincipalName=svc@spn.test)" },
        { "servicePrincipalName", "", "(servicePrincipalName=)" },
    };

    (void)state;
    check_filters(cases, NCASES(cases), false);
}

static void filter_wildcard(void **state)
{
    static const struct filter_case cases[] = {
        { "servicePrincipalName", "MSSQLSvc/*",
          "(servicePrincipalName=MSSQLSvc/*)" },
        { "servicePrincipalName", "*/web01.example.com",
          "(servicePrincipalName=*/web01.example.com)" },
        { "servicePrincipalName", "*/web01",
          "(servicePrincipalName=*/web01)" },
        { "servicePrincipalName", "*", "(servicePrincipalName=*)" },
        { "servicePrincipalName", "**", "(servicePrincipalName=*)" },
        { "servicePrincipalName", "a**b", "(servicePrincipalName=a*b)" },
        { "servicePrincipalName", "a***b*", "(servicePrincipalName=a*b*)" },
        { "servicePrincipalName", "*a*b*", "(servicePrincipalName=*a*b*)" },
        { "servicePrincipalName", "a(*",
          "(servicePrincipalName=a\\28*)" },
        { "servicePrincipalName", "*)(x=*",
          "(servicePrincipalName=*\\29\\28x=*)" },
        { "servicePrincipalName", "a\\*b",
          "(servicePrincipalName=a\\5C*b)" },
        { "servicePrincipalName", "HTTP/web01",
          "(servicePrincipalName=HTTP/web01)" },
    };

    (void)state;
    check_filters(cases, NCASES(cases), true);
}

/* Values long enough to make the buffer grow, in both modes. */
static void filter_long(void **state)
{
    char *v = unit_repeat('(', 3000);
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

    v = unit_repeat('*', 5000);
    check_filter("servicePrincipalName", v, true,
                 "(servicePrincipalName=*)");
    f = filter_equals("servicePrincipalName", v, false);
    assert_non_null(f);
    assert_int_equal(strlen(f), strlen("(servicePrincipalName=)") + 5000 * 3);
    free(f);
    free(v);
    free(want);
}

static void check_any(const char *attr, const char *const *values, size_t n,
                      const char *want)
{
    char *f = filter_any(attr, V(values), n);
    bool same;

    assert_non_null(f);
    same = strcmp(f, want) == 0;
    if (!same)
        print_error("filter_any of %zu values:\ngot      \"%s\"\n"
                    "expected \"%s\"\n", n, f, want);
    free(f);
    if (!same)
        fail();
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

int unit_filter(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(filter_exact),
        cmocka_unit_test(filter_wildcard),
        cmocka_unit_test(filter_long),
        cmocka_unit_test(filter_any_forms),
    };

    return cmocka_run_group_tests_name("filter", tests, NULL, NULL);
}
