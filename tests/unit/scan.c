/*
 * scan: the grouping of the duplicate scan (-X).
 */
#include "unit.h"

#include <stdlib.h>

#include "scan.h"

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

int unit_scan(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(scan_none),
        cmocka_unit_test(scan_exact_and_case),
        cmocka_unit_test(scan_same_account),
        cmocka_unit_test(scan_three_holders_sorted),
        cmocka_unit_test(scan_group_order),
        cmocka_unit_test(scan_many),
        cmocka_unit_test(scan_many_holders),
    };

    return cmocka_run_group_tests_name("scan", tests, NULL, NULL);
}
