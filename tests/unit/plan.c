/*
 * plan: the changes a dry run (or batch) has made so far, who holds what
 * an add would write, and the stored spelling of a value.
 */
#include "unit.h"

#include <stdlib.h>

#include "plan.h"
#include "xalloc.h"

static const char dn_a[] = "CN=a,CN=Users,DC=spn,DC=test";
static const char dn_b[] = "CN=b,CN=Users,DC=spn,DC=test";
static const char dn_c[] = "CN=c,CN=Users,DC=spn,DC=test";

/* ------------------------------------------------------------------ */
/* pending changes                                                     */

static void plan_pending_changes(void **state)
{
    struct plan_pending p = { 0 };

    (void)state;
    assert_int_equal(plan_pending_change(&p, dn_a, "HTTP/x"), 0);
    plan_remember(&p, dn_a, "HTTP/x", true);
    plan_remember(&p, dn_b, "HTTP/y", false);
    assert_int_equal(p.n, 2);
    assert_int_equal(plan_pending_change(&p, dn_a, "HTTP/x"), 1);
    assert_int_equal(plan_pending_change(&p, dn_b, "HTTP/y"), -1);
    /* DNs and SPNs match in any case, as the directory matches them */
    assert_int_equal(plan_pending_change(&p, "cn=A,cn=users,dc=SPN,dc=test",
                                         "http/X"), 1);
    /* another account, another value: nothing */
    assert_int_equal(plan_pending_change(&p, dn_b, "HTTP/x"), 0);
    assert_int_equal(plan_pending_change(&p, dn_a, "HTTP/y"), 0);
    assert_int_equal(plan_pending_change(&p, dn_a, "HTTP/x:80"), 0);

    /* the last change counts */
    plan_remember(&p, dn_a, "http/x", false);
    assert_int_equal(plan_pending_change(&p, dn_a, "HTTP/x"), -1);
    plan_remember(&p, dn_a, "HTTP/X", true);
    assert_int_equal(plan_pending_change(&p, dn_a, "HTTP/x"), 1);

    /* copies: the caller's strings may go */
    {
        char *dn = xstrdup("CN=tmp"), *spn = xstrdup("HTTP/tmp");

        plan_remember(&p, dn, spn, true);
        free(dn);
        free(spn);
        assert_int_equal(plan_pending_change(&p, "CN=tmp", "HTTP/tmp"), 1);
    }
    plan_pending_free(&p);
    assert_null(p.v);
    assert_int_equal(p.n, 0);
    plan_pending_free(&p);
}

/* Thousands of changes, across every growth of the index: each answer
 * is still the last change of that account and value, and a settle sees
 * the earlier adds oldest first. */
static void plan_pending_many(void **state)
{
    struct plan_pending p = { 0 };
    char dn[64], spn[64];
    char shared[] = "SVC/shared", *values[] = { shared };
    static const char *const holders[] = { "CN=H00000", "CN=H01000",
                                           "CN=H03000", "CN=H04000" };
    struct plan_holders h;

    (void)state;
    for (int i = 0; i < 5000; i++) {
        snprintf(dn, sizeof(dn), "CN=H%05d", i);
        snprintf(spn, sizeof(spn), "SVC/h%05d", i);
        plan_remember(&p, dn, spn, true);
        if (i % 7 == 0)
            plan_remember(&p, dn, spn, false);
        if (i % 1000 == 0)
            plan_remember(&p, dn, "svc/SHARED", true);
    }
    assert_true(p.nbuckets >= p.n);
    for (int i = 0; i < 5000; i++) {
        snprintf(dn, sizeof(dn), "cn=h%05d", i);
        snprintf(spn, sizeof(spn), "svc/H%05d", i);
        assert_int_equal(plan_pending_change(&p, dn, spn),
                         i % 7 == 0 ? -1 : 1);
    }
    assert_int_equal(plan_pending_change(&p, "CN=H00001", "SVC/h00002"), 0);
    plan_remember(&p, "CN=H02000", "SVC/Shared", false);
    plan_holders_init(&h, values, 1, NULL, 0);
    plan_holders_settle(&h, &p, "CN=H04000");
    assert_int_equal(h.by_exact.n, 4);
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(h.by_exact.v[i].dn, holders[i]);
    assert_true(h.target);
    assert_int_equal(h.others, 3);
    plan_holders_free(&h);
    plan_pending_free(&p);
}

/* ------------------------------------------------------------------ */
/* holders                                                             */

static const char *const aliases[] = { "http", "cifs" };

static void plan_alias_forms(void **state)
{
    static const char *const values[] = { "HOST/web01", "MSSQLSvc/db:1433",
                                          "host/web01.spn.test" };
    static const char *const want[] = { "http/web01", "cifs/web01",
                                        "http/web01.spn.test",
                                        "cifs/web01.spn.test" };
    struct plan_holders h;

    (void)state;
    plan_holders_init(&h, V(values), 3, V(aliases), 2);
    /* the values are the caller's */
    assert_ptr_equal(h.exact, V(values));
    assert_int_equal(h.nexact, 3);
    assert_int_equal(h.nalias, NCASES(want));
    for (size_t i = 0; i < NCASES(want); i++)
        unit_same(want[i], h.alias[i], want[i]);
    assert_int_equal(h.by_exact.n, 0);
    assert_int_equal(h.by_alias.n, 0);
    plan_holders_free(&h);
    assert_null(h.alias);
    assert_int_equal(h.nalias, 0);

    /* no HOST value, or no aliases: no alias forms */
    plan_holders_init(&h, V(values) + 1, 1, V(aliases), 2);
    assert_int_equal(h.nalias, 0);
    assert_null(h.alias);
    plan_holders_free(&h);
    plan_holders_init(&h, V(values), 3, NULL, 0);
    assert_int_equal(h.nalias, 0);
    plan_holders_free(&h);
}

/* Fills by_exact (or by_alias) as a search would. */
static void holds(struct entries *es, const char *dn, const char *spn)
{
    char *one[] = { (char *)spn };

    entries_collect(dn, one, NULL, 1, es);
}

/* The target is told apart from the others, in any case of its DN; a
 * target holding an alias form is no conflict, another account is. */
static void plan_settle_target_others(void **state)
{
    static const char *const values[] = { "HOST/web01" };
    struct plan_pending none = { 0 };
    struct plan_holders h;

    (void)state;
    plan_holders_init(&h, V(values), 1, V(aliases), 2);
    plan_holders_settle(&h, &none, dn_a);
    assert_false(h.target);
    assert_int_equal(h.others, 0);

    holds(&h.by_exact, "cn=A,CN=Users,DC=spn,DC=test", "host/WEB01");
    plan_holders_settle(&h, &none, dn_a);
    assert_true(h.target);
    assert_int_equal(h.others, 0);

    holds(&h.by_alias, dn_a, "http/web01");
    plan_holders_settle(&h, &none, dn_a);
    assert_true(h.target);
    assert_int_equal(h.others, 0);

    holds(&h.by_alias, dn_b, "cifs/web01");
    holds(&h.by_exact, dn_c, "HOST/web01");
    plan_holders_settle(&h, &none, dn_a);
    assert_true(h.target);
    assert_int_equal(h.others, 2);
    /* settling again counts afresh */
    plan_holders_settle(&h, &none, dn_b);
    assert_false(h.target);
    assert_int_equal(h.others, 3);
    plan_holders_free(&h);
}

/* What earlier lines of a dry run added is held by then; what they
 * removed is not. */
static void plan_settle_pending(void **state)
{
    static const char *const values[] = { "HTTP/web01" };
    struct plan_pending p = { 0 };
    struct plan_holders h;

    (void)state;
    /* an earlier line added it to b (in another case): b holds it */
    plan_remember(&p, dn_b, "http/WEB01", true);
    plan_remember(&p, dn_c, "HTTP/other", true);
    plan_holders_init(&h, V(values), 1, NULL, 0);
    plan_holders_settle(&h, &p, dn_a);
    assert_false(h.target);
    assert_int_equal(h.others, 1);
    assert_int_equal(h.by_exact.n, 1);
    assert_string_equal(h.by_exact.v[0].dn, dn_b);
    assert_string_equal(h.by_exact.v[0].spns[0], "http/WEB01");
    plan_holders_free(&h);

    /* ... to the target: the target holds it */
    plan_holders_init(&h, V(values), 1, NULL, 0);
    plan_holders_settle(&h, &p, dn_b);
    assert_true(h.target);
    assert_int_equal(h.others, 0);
    plan_holders_free(&h);

    /* a later line removed it again: nobody holds it */
    plan_remember(&p, dn_b, "HTTP/web01", false);
    plan_holders_init(&h, V(values), 1, NULL, 0);
    plan_holders_settle(&h, &p, dn_a);
    assert_int_equal(h.others, 0);
    assert_int_equal(h.by_exact.n, 0);
    plan_holders_free(&h);
    plan_pending_free(&p);
}

/* An account that earlier lines added, removed and added again holds the
 * value once; an alias form that an earlier line added conflicts with
 * HOST/x as the DC's alias rule would. */
static void plan_settle_readded_and_alias(void **state)
{
    static const char *const values[] = { "HOST/web01" };
    struct plan_pending p = { 0 };
    struct plan_holders h;

    (void)state;
    plan_remember(&p, dn_b, "HOST/web01", true);
    plan_remember(&p, dn_b, "HOST/web01", false);
    plan_remember(&p, dn_b, "host/WEB01", true);
    plan_holders_init(&h, V(values), 1, V(aliases), 2);
    plan_holders_settle(&h, &p, dn_a);
    assert_int_equal(h.by_exact.n, 1);
    assert_int_equal(h.others, 1);
    plan_holders_free(&h);
    plan_pending_free(&p);

    plan_remember(&p, dn_c, "http/web01", true);
    plan_holders_init(&h, V(values), 1, V(aliases), 2);
    plan_holders_settle(&h, &p, dn_a);
    assert_int_equal(h.by_exact.n, 0);
    assert_int_equal(h.by_alias.n, 1);
    assert_string_equal(h.by_alias.v[0].dn, dn_c);
    assert_int_equal(h.others, 1);
    plan_holders_free(&h);

    /* removed again by a later line: no conflict */
    plan_remember(&p, dn_c, "HTTP/web01", false);
    plan_holders_init(&h, V(values), 1, V(aliases), 2);
    holds(&h.by_alias, dn_c, "http/web01");
    plan_holders_settle(&h, &p, dn_a);
    assert_int_equal(h.others, 0);
    plan_holders_free(&h);
    plan_pending_free(&p);
}

static void plan_settle_removed(void **state)
{
    static const char *const values[] = { "HTTP/web01" };
    static const char *const others[] = { "HOST/b", "HTTP/web01" };
    struct plan_pending p = { 0 };
    struct plan_holders h;

    (void)state;
    /* the directory says b and c hold it; an earlier line removed b's */
    plan_remember(&p, dn_b, "http/web01", false);
    plan_holders_init(&h, V(values), 1, NULL, 0);
    holds(&h.by_exact, dn_b, "HTTP/web01");
    holds(&h.by_exact, dn_c, "HTTP/web01");
    plan_holders_settle(&h, &p, dn_a);
    assert_int_equal(h.others, 1);
    assert_int_equal(h.by_exact.n, 1);
    assert_string_equal(h.by_exact.v[0].dn, dn_c);
    plan_holders_free(&h);

    /* b's other values do not keep it a holder ... */
    plan_pending_free(&p);
    plan_remember(&p, dn_b, "HTTP/web01", false);
    plan_holders_init(&h, V(values), 1, NULL, 0);
    entries_collect(dn_b, V(others), NULL, 2, &h.by_exact);
    plan_holders_settle(&h, &p, dn_a);
    assert_int_equal(h.others, 0);
    assert_int_equal(h.by_exact.n, 0);
    plan_holders_free(&h);

    /* ... and removing one of them leaves it held */
    plan_pending_free(&p);
    plan_remember(&p, dn_b, "HOST/b", false);
    plan_holders_init(&h, V(values), 1, NULL, 0);
    entries_collect(dn_b, V(others), NULL, 2, &h.by_exact);
    plan_holders_settle(&h, &p, dn_a);
    assert_int_equal(h.others, 1);
    plan_holders_free(&h);

    /* the target's own value removed earlier: no longer the target's */
    plan_pending_free(&p);
    plan_remember(&p, dn_a, "HTTP/web01", false);
    plan_holders_init(&h, V(values), 1, NULL, 0);
    holds(&h.by_exact, dn_a, "HTTP/web01");
    plan_holders_settle(&h, &p, dn_a);
    assert_false(h.target);
    assert_int_equal(h.others, 0);
    plan_holders_free(&h);
    plan_pending_free(&p);
}

/* ------------------------------------------------------------------ */
/* stored value                                                        */

static void plan_stored(void **state)
{
    static const char *const spns[] = { "http/WEB01", "HOST/web01",
                                        "HTTP/web01", "HTTP/Web01" };
    struct entry e = { .dn = (char *)"CN=x", .spns = (char **)V(spns),
                       .nspns = 4 };
    struct entry none = { .dn = (char *)"CN=y" };

    (void)state;
    /* the exact spelling first, wherever it is */
    assert_ptr_equal(plan_stored_value(&e, "HTTP/web01"), spns[2]);
    assert_ptr_equal(plan_stored_value(&e, "HTTP/Web01"), spns[3]);
    /* else the first in any case */
    assert_ptr_equal(plan_stored_value(&e, "HTTP/WEB01"), spns[0]);
    assert_ptr_equal(plan_stored_value(&e, "host/WEB01"), spns[1]);
    assert_null(plan_stored_value(&e, "HTTP/web02"));
    assert_null(plan_stored_value(&e, "HTTP/web01:80"));
    assert_null(plan_stored_value(&none, "HTTP/web01"));
}

static void delete_finds_the_printed_form(void **state)
{
    static char v0[] = "HTTP/nul\0tail", v1[] = "HTTP/esc\x1b[2J",
                v2[] = "HTTP/Keep", v3[] = "HTTP/a\\x0a", v4[] = "HTTP/a\n",
                dn[] = "CN=WEB01";
    char *spns[] = { v0, v1, v2, v3, v4, NULL };
    size_t lens[] = { 13, 12, 9, 10, 7, 0 };
    struct entry e = { dn, spns, lens, 5 };

    (void)state;
    assert_int_equal(plan_stored_index(&e, "HTTP/nul\\x00tail"), 0);
    assert_int_equal(plan_stored_index(&e, "HTTP/esc\\x1b[2J"), 1);
    assert_int_equal(plan_stored_index(&e, "HTTP/Keep"), 2);
    assert_int_equal(plan_stored_index(&e, "http/keep"), 2);
    /* the printed form of "HTTP/a\n" is "HTTP/a\x0a": that value, not the
     * one that holds those characters literally... */
    assert_int_equal(plan_stored_index(&e, "HTTP/a\\x0a"), 4);
    /* ...whose printed form is this */
    assert_int_equal(plan_stored_index(&e, "HTTP/a\\x5cx0a"), 3);
    /* the prefix before a NUL names nothing */
    assert_int_equal(plan_stored_index(&e, "HTTP/nul"), -1);
    assert_int_equal(plan_stored_index(&e, "HTTP/nul\\x00"), -1);
}

int unit_plan(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(plan_pending_changes),
        cmocka_unit_test(plan_pending_many),
        cmocka_unit_test(plan_alias_forms),
        cmocka_unit_test(plan_settle_target_others),
        cmocka_unit_test(plan_settle_pending),
        cmocka_unit_test(plan_settle_removed),
        cmocka_unit_test(plan_settle_readded_and_alias),
        cmocka_unit_test(plan_stored),
        cmocka_unit_test(delete_finds_the_printed_form),
    };

    return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
