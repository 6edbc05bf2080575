/*
 * entry: directory objects as the verbs see them, copied out of search
 * results.
 */
#include "unit.h"

#include <stdlib.h>

#include "entry.h"
#include "xalloc.h"

static void entry_copies(void **state)
{
    char *dn = xstrdup("CN=web01,DC=spn,DC=test");
    char *spns[] = { xstrdup("HTTP/web01"), xstrdup("HOST/web01") };
    struct entry e;

    (void)state;
    entry_set(&e, dn, spns, NULL, 2);
    /* copies: the caller's strings may go */
    free(dn);
    free(spns[0]);
    assert_string_equal(e.dn, "CN=web01,DC=spn,DC=test");
    assert_int_equal(e.nspns, 2);
    assert_string_equal(e.spns[0], "HTTP/web01");
    assert_string_equal(e.spns[1], "HOST/web01");
    assert_null(e.spns[2]); /* NULL-terminated */
    assert_true(e.spns[1] != spns[1]);
    free(spns[1]);
    entry_free(&e);
    assert_null(e.dn);
    assert_null(e.spns);
    assert_int_equal(e.nspns, 0);
    entry_free(&e); /* a freed entry may be freed again */

    /* no SPNs: still a terminated vector */
    entry_set(&e, "CN=empty", NULL, NULL, 0);
    assert_string_equal(e.dn, "CN=empty");
    assert_int_equal(e.nspns, 0);
    assert_non_null(e.spns);
    assert_null(e.spns[0]);
    entry_free(&e);
}

static void entries_collect_many(void **state)
{
    enum { N = 40 }; /* more than the first allocation */
    struct entries es = { NULL, 0, 0 };
    char dn[32], spn[32];

    (void)state;
    for (int i = 0; i < N; i++) {
        char *one[] = { spn };

        snprintf(dn, sizeof(dn), "CN=e%02d", i);
        snprintf(spn, sizeof(spn), "HTTP/e%02d", i);
        assert_int_equal(entries_collect(dn, one, NULL, 1, &es), ST_OK);
    }
    assert_int_equal(es.n, N);
    assert_true(es.cap >= N);
    for (int i = 0; i < N; i++) {
        snprintf(dn, sizeof(dn), "CN=e%02d", i);
        snprintf(spn, sizeof(spn), "HTTP/e%02d", i);
        assert_string_equal(es.v[i].dn, dn);
        assert_int_equal(es.v[i].nspns, 1);
        assert_string_equal(es.v[i].spns[0], spn);
    }
    entries_free(&es);
    assert_null(es.v);
    assert_int_equal(es.n, 0);
    assert_int_equal(es.cap, 0);
    entries_free(&es);
    entries_free(NULL);
}

/* Removing moves the last entry into the hole. */
static void entries_remove_last_moves(void **state)
{
    static const char *const dns[] = { "CN=a", "CN=b", "CN=c", "CN=d" };
    struct entries es = { NULL, 0, 0 };

    (void)state;
    for (size_t i = 0; i < NCASES(dns); i++)
        entries_collect(dns[i], NULL, NULL, 0, &es);
    entries_remove(&es, 1);
    assert_int_equal(es.n, 3);
    assert_string_equal(es.v[0].dn, "CN=a");
    assert_string_equal(es.v[1].dn, "CN=d");
    assert_string_equal(es.v[2].dn, "CN=c");
    entries_remove(&es, 2); /* the last itself */
    assert_int_equal(es.n, 2);
    assert_string_equal(es.v[0].dn, "CN=a");
    assert_string_equal(es.v[1].dn, "CN=d");
    entries_remove(&es, 0);
    entries_remove(&es, 0);
    assert_int_equal(es.n, 0);
    /* and it grows again */
    entries_collect("CN=e", NULL, NULL, 0, &es);
    assert_int_equal(es.n, 1);
    assert_string_equal(es.v[0].dn, "CN=e");
    entries_free(&es);
}

int unit_entry(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(entry_copies),
        cmocka_unit_test(entries_collect_many),
        cmocka_unit_test(entries_remove_last_moves),
    };

    return cmocka_run_group_tests_name("entry", tests, NULL, NULL);
}
