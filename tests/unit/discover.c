/*
 * discover: the order of SRV targets (RFC 2782) and DNS names from DNs.
 */
#include "unit.h"

#include <stdlib.h>

#include "discover.h"

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
    discover_order(none, 0, rnd_test);
    assert_string_equal(none[0].host, "untouched");
    assert_int_equal(rnd_state.calls, 0);

    rnd_reset(1, 0);
    discover_order(one, 1, rnd_test);
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
    discover_order(t, 3, rnd_test);
    check_hosts(t, 3, want_t);
    /* each draw among the weights still to be placed */
    assert_true(rnd_state.calls >= 2);
    assert_int_equal(rnd_state.maxes[0], 60);
    assert_int_equal(rnd_state.maxes[1], 50);

    rnd_reset(0, 0);
    discover_order(z, 3, rnd_test);
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
    discover_order(two, 2, rnd_test);
    check_hosts(two, 2, want_two);
    assert_int_equal(rnd_state.maxes[0], 30);

    rnd_reset(1, 0);
    discover_order(three, 3, rnd_test);
    assert_string_equal(three[0].host, "c");
    assert_true(has_host(three, 1, 3, "a"));
    assert_true(has_host(three, 1, 3, "b"));
    assert_int_equal(rnd_state.maxes[0], 60);
    assert_int_equal(rnd_state.maxes[1], 30);

    /* a zero weight is never drawn while a nonzero one remains */
    rnd_reset(1, 0);
    discover_order(zlast, 3, rnd_test);
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
    enum { N = NCASES(weights) };
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
        discover_order(t, N, rnd_test);
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
    discover_order(all0, 3, rnd_test);
    assert_true(has_host(all0, 0, 3, "z1"));
    assert_true(has_host(all0, 0, 3, "z2"));
    assert_true(has_host(all0, 0, 3, "z3"));

    rnd_reset(0, 0);
    discover_order(mixed, 3, rnd_test);
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
    enum { N = NCASES(t) };
    static const unsigned want_prio[N] = { 0, 0, 1, 5, 10, 10, 65535 };

    (void)state;
    for (int mode = 0; mode <= 1; mode++) {
        struct srv_target c[N];

        memcpy(c, t, sizeof(t));
        rnd_reset(mode, 0);
        discover_order(c, N, rnd_test);
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
        discover_order(c, N, rnd_test);
        assert_string_equal(c[0].host, "p0a");
        assert_string_equal(c[1].host, "p0b");
        memcpy(c, t, sizeof(t));
        rnd_reset(1, 0);
        discover_order(c, N, rnd_test);
        assert_string_equal(c[0].host, "p0b");
        assert_string_equal(c[1].host, "p0a");
    }
}

/* ------------------------------------------------------------------ */
/* discover_dn_to_dns                                                  */

struct dns_case {
    const char *dn, *want; /* want NULL: no DNS name */
};

static void check_dns(const struct dns_case *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *got = discover_dn_to_dns(c[i].dn);
        bool same = c[i].want == NULL ? got == NULL
                                      : got != NULL
                                            && strcmp(got, c[i].want) == 0;

        if (!same)
            print_error("discover_dn_to_dns(\"%s\") = %s%s%s, expected "
                        "%s%s%s\n", c[i].dn, got ? "\"" : "",
                        got ? got : "NULL", got ? "\"" : "",
                        c[i].want ? "\"" : "",
                        c[i].want ? c[i].want : "NULL",
                        c[i].want ? "\"" : "");
        free(got);
        if (!same)
            fail_msg("case #%zu", i);
    }
}

static void dns_from_dn(void **state)
{
    static const struct dns_case cases[] = {
        { "DC=spn,DC=test", "spn.test" },
        { "DC=test", "test" },
        { "dc=A,DC=b", "A.b" },
        { "Dc=corp,dC=Example,DC=COM", "corp.Example.COM" },
        { "CN=WEB01,OU=Servers,DC=spn,DC=test", "spn.test" },
        { "CN=Partitions,CN=Configuration,DC=spn,DC=test", "spn.test" },
        { "DC=child,DC=spn,DC=test", "child.spn.test" },
        { "DC=spn, DC=test", "spn.test" },
        /* an attribute that merely starts with DC is not DC */
        { "DCX=a,DC=spn,DC=test", "spn.test" },
        { "D=a,DC=test", "test" },
    };

    (void)state;
    check_dns(cases, NCASES(cases));
}

static void dns_from_dn_escaped(void **state)
{
    static const struct dns_case cases[] = {
        { "DC=ex\\41mple,DC=com", "exAmple.com" },
        { "DC=b\\C3\\BCcher,DC=de", "b\xc3\xbc" "cher.de" },
        { "DC=b\xc3\xbc" "cher,DC=de", "b\xc3\xbc" "cher.de" },
        { "CN=a\\,b,DC=spn,DC=test", "spn.test" },
        { "CN=x\\2C DC\\3Devil,DC=spn,DC=test", "spn.test" },
    };

    (void)state;
    check_dns(cases, NCASES(cases));
}

static void dns_from_dn_none(void **state)
{
    static const struct dns_case cases[] = {
        { "", NULL },
        { "CN=Users", NULL },
        { "CN=WEB01,OU=Servers,O=Example", NULL },
        { "not a dn", NULL },
        { "DC=spn,,DC=test", NULL },
        { "=x,DC=test", NULL },
        { "DC=spn,DC=test,", NULL },
    };

    (void)state;
    check_dns(cases, NCASES(cases));
}

int unit_discover(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(srv_empty_and_single),
        cmocka_unit_test(srv_rnd_zero),
        cmocka_unit_test(srv_rnd_max),
        cmocka_unit_test(srv_weighted_exhaustive),
        cmocka_unit_test(srv_zero_weights),
        cmocka_unit_test(srv_priorities),
        cmocka_unit_test(dns_from_dn),
        cmocka_unit_test(dns_from_dn_escaped),
        cmocka_unit_test(dns_from_dn_none),
    };

    return cmocka_run_group_tests_name("discover", tests, NULL, NULL);
}
