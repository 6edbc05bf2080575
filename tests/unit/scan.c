/*
 * scan: the grouping of the duplicate scan (-X), resolved against a fake
 * directory that holds what the tests add.
 */
#include "unit.h"

#include <stdlib.h>

#include "fold.h"
#include "scan.h"
#include "xalloc.h"

/* The directory the resolver asks: every entry scan_add saw (or only
 * put there), matched by fold_equal, or also by "loose" rules (é equals
 * e, as a directory folding accents would). */
struct fakedir {
    struct entries e;
    bool loose;
    size_t searches, values_asked, fail_at;
};

static struct fakedir dir;

static void dir_put(const char *dn, char *const *spns, size_t n)
{
    entries_collect(dn, spns, NULL, n, &dir.e);
}

/* scan_add, and the same entry in the directory; lens NULL: C strings. */
static void add_len(struct scan *s, const char *dn, char *const *spns,
                    const size_t *lens, size_t n)
{
    entries_collect(dn, spns, lens, n, &dir.e);
    scan_add(s, dn, spns, lens, n);
}

static void add(struct scan *s, const char *dn, char *const *spns, size_t n)
{
    add_len(s, dn, spns, NULL, n);
}

/* "é" (c3 a9) as "e", for the loose directory. */
static char *unaccent(const char *v, size_t len)
{
    char *o = xcalloc(len + 1, 1);
    size_t k = 0;

    for (size_t i = 0; i < len; i++) {
        if (i + 1 < len && (unsigned char)v[i] == 0xc3
            && (unsigned char)v[i + 1] == 0xa9) {
            o[k++] = 'e';
            i++;
        } else {
            o[k++] = v[i];
        }
    }
    return o;
}

static bool dir_equal(const char *a, size_t alen, const char *b, size_t blen)
{
    bool eq;
    char *x, *y;

    if (!dir.loose)
        return alen == blen && memchr(a, 0, alen) == NULL
                   ? fold_equal(a, b)
                   : alen == blen && memcmp(a, b, alen) == 0;
    x = unaccent(a, alen);
    y = unaccent(b, blen);
    eq = fold_equal(x, y);
    free(x);
    free(y);
    return eq;
}

static enum status dir_search_fn(char *const *values, const size_t *lens,
                                 size_t n, entry_fn found, void *found_ctx,
                                 void *ctx)
{
    (void)ctx;
    dir.searches++;
    dir.values_asked += n;
    if (dir.fail_at != 0 && dir.searches == dir.fail_at)
        return ST_CONNECT;
    for (size_t i = 0; i < dir.e.n; i++) {
        const struct entry *e = &dir.e.v[i];
        bool hit = false;

        for (size_t k = 0; k < e->nspns && !hit; k++)
            for (size_t v = 0; v < n && !hit; v++)
                hit = dir_equal(e->spns[k], e->lens[k], values[v], lens[v]);
        if (hit) {
            enum status st = found(e->dn, e->spns, e->lens, e->nspns,
                                   found_ctx);

            if (st != ST_OK)
                return st;
        }
    }
    return ST_OK;
}

static void dir_reset(void)
{
    entries_free(&dir.e);
    memset(&dir, 0, sizeof(dir));
}

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

/* Resolves (in batches of batch), runs scan_groups and checks the count
 * and the rendering. */
static void check_groups_batch(struct scan *s, size_t batch, size_t want_n,
                               const char *want)
{
    struct groups gs = { NULL, 0, NULL, 0 };
    size_t n;

    assert_int_equal(scan_resolve(s, batch, dir_search_fn, NULL), ST_OK);
    gs.f = open_memstream(&gs.text, &gs.len);
    assert_non_null(gs.f);
    n = scan_groups(s, collect, &gs);
    assert_int_equal(fclose(gs.f), 0);
    assert_int_equal(n, want_n);
    assert_int_equal(gs.calls, want_n);
    assert_string_equal(gs.text, want);
    free(gs.text);
}

static void check_groups(struct scan *s, size_t want_n, const char *want)
{
    check_groups_batch(s, 1, want_n, want);
    check_groups_batch(s, 64, want_n, want);
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
    add(s, "CN=a", V(a), 2);
    add(s, "CN=b", V(b), 2);
    add(s, "CN=empty", NULL, 0);
    assert_int_equal(scan_entries(s), 3);
    check_groups(s, 0, "");
    scan_free(s);
    dir_reset();
    scan_free(NULL);
}

static void scan_exact_and_case(void **state)
{
    struct scan *s = scan_new();
    const char *a[] = { "HTTP/Web01.spn.test", "HOST/web01" };
    const char *b[] = { "http/web01.SPN.TEST" };
    const char *c[] = { "HOST/web01", "ldap/x" };

    (void)state;
    add(s, "CN=a,DC=spn,DC=test", V(a), 2);
    add(s, "CN=b,DC=spn,DC=test", V(b), 1);
    add(s, "CN=c,DC=spn,DC=test", V(c), 2);
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
    dir_reset();
}

static void scan_same_account(void **state)
{
    struct scan *s = scan_new();
    const char *a[] = { "HTTP/web01", "http/WEB01", "HTTP/web01", "HOST/x" };
    const char *b[] = { "HOST/y" };

    (void)state;
    add(s, "CN=a", V(a), 4);
    add(s, "CN=b", V(b), 1);
    check_groups(s, 0, "");

    /* ... but a second account holding it makes one group, each DN once */
    {
        const char *c[] = { "Http/Web01", "HTTP/WEB01" };

        add(s, "CN=c", V(c), 2);
    }
    check_groups(s, 1, "HTTP/web01: CN=a | CN=c\n");
    scan_free(s);
    dir_reset();
}

static void scan_three_holders_sorted(void **state)
{
    struct scan *s = scan_new();
    const char *spn[] = { "MSSQLSvc/db.spn.test:1433" };
    const char *z[] = { "Zeta/x", "alpha/x", "Beta/x" };
    const char *z2[] = { "beta/X", "ZETA/X", "ALPHA/X" };

    (void)state;
    add(s, "CN=sql-c,CN=Users,DC=spn,DC=test", V(spn), 1);
    add(s, "CN=sql-a,CN=Users,DC=spn,DC=test", V(spn), 1);
    add(s, "CN=sql-b,CN=Users,DC=spn,DC=test", V(spn), 1);
    add(s, "CN=z2,DC=spn,DC=test", V(z2), 3);
    add(s, "CN=z1,DC=spn,DC=test", V(z), 3);
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
    dir_reset();
}

/* Case-insensitive order differs from strcmp's ("Zeta" < "alpha"). */
static void scan_group_order(void **state)
{
    struct scan *s = scan_new();
    const char *a[] = { "Zeta/x", "alpha/x", "Beta/x", "mid/x" };

    (void)state;
    add(s, "CN=1", V(a), 4);
    add(s, "CN=2", V(a), 4);
    check_groups(s, 4,
                 "alpha/x: CN=1 | CN=2\n"
                 "Beta/x: CN=1 | CN=2\n"
                 "mid/x: CN=1 | CN=2\n"
                 "Zeta/x: CN=1 | CN=2\n");
    scan_free(s);
    dir_reset();
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
        add(s, dn, spns, 2);
    }
    assert_int_equal(scan_entries(s), ENTRIES);
    check_groups(s, 0, "");
    {
        const char *dup[] = { "http/HOST00007.EXAMPLE.COM", "host/HOST24999",
                        "new/unique" };

        add(s, "CN=dupA,DC=example,DC=com", V(dup), 3);
    }
    assert_int_equal(scan_entries(s), ENTRIES + 1);
    check_groups(s, 2,
                 "HOST/host24999: CN=dupA,DC=example,DC=com | "
                 "CN=host24999,DC=example,DC=com\n"
                 "HTTP/host00007.example.com: CN=dupA,DC=example,DC=com | "
                 "CN=host00007,DC=example,DC=com\n");
    scan_free(s);
    dir_reset();
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
        add(s, dn, V(spn), 1);
    }
    assert_int_equal(scan_resolve(s, 64, dir_search_fn, NULL), ST_OK);
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
    dir_reset();
}

/* With fingerprints of 4 bits nearly everything collides: the directory
 * still says which values are duplicates, and the counts show how many
 * were asked about. */
static void scan_collisions(void **state)
{
    struct scan *s = scan_new();
    char v[32], dn[32];

    (void)state;
    scan_test_fingerprint_bits(s, 4);
    for (int i = 0; i < 200; i++) {
        char *spns[] = { v };

        snprintf(v, sizeof(v), "HTTP/h%03d", i);
        snprintf(dn, sizeof(dn), "CN=h%03d", i);
        add(s, dn, spns, 1);
    }
    {
        const char *d[] = { "http/H042" };

        add(s, "CN=dup", V(d), 1);
    }
    assert_int_equal(scan_values(s), 201);
    assert_true(scan_candidates(s) > 150); /* all but the first 16 or so */
    check_groups(s, 1, "HTTP/h042: CN=dup | CN=h042\n");
    /* batches of 64: a few searches, not one per candidate */
    assert_int_equal(scan_resolve(s, 64, dir_search_fn, NULL), ST_OK);
    assert_true(scan_searches(s) <= (scan_candidates(s) + 63) / 64);
    scan_free(s);
    dir_reset();
}

/* Values are told apart by their bytes, NULs included; the group shows
 * the printed form, and the directory is asked for the raw value. */
static void scan_nul_values(void **state)
{
    struct scan *s = scan_new();
    char a[] = "HTTP/nul\0tail", b[] = "HTTP/nul\0TAIL", c[] = "HTTP/nul";
    char *va[] = { a }, *vb[] = { b }, *vc[] = { c };
    size_t la[] = { sizeof(a) - 1 }, lb[] = { sizeof(b) - 1 },
           lc[] = { sizeof(c) - 1 };

    (void)state;
    add_len(s, "CN=a", va, la, 1);
    add_len(s, "CN=b", vb, lb, 1);
    add_len(s, "CN=c", vc, lc, 1);
    /* the fake directory compares values holding a NUL byte for byte */
    check_groups(s, 0, "");
    scan_free(s);
    dir_reset();

    s = scan_new();
    add_len(s, "CN=a", va, la, 1);
    add_len(s, "CN=b", va, la, 1);
    scan_add(s, "CN=c", vc, lc, 1); /* not in the directory */
    check_groups(s, 1, "HTTP/nul\\x00tail: CN=a | CN=b\n");
    scan_free(s);
    dir_reset();
}

/* A directory that folds more than fold.h: where its answer holds a value
 * the fold cannot place, the batch is asked about one value at a time,
 * and the directory's equality decides. */
static void scan_directory_decides(void **state)
{
    struct scan *s = scan_new();
    const char *a[] = { "HTTP/cafe", "HOST/a" };
    const char *b[] = { "HTTP/caf\xc3\xa9", "HOST/a" };
    const char *c[] = { "HTTP/CAFE" };

    (void)state;
    dir.loose = true;
    add(s, "CN=a", V(a), 2);
    add(s, "CN=b", V(b), 2);
    add(s, "CN=c", V(c), 1);
    /* HTTP/cafe is a candidate (on a and c); the directory also finds b */
    check_groups(s, 2,
                 "HOST/a: CN=a | CN=b\n"
                 "HTTP/cafe: CN=a | CN=b | CN=c\n");
    scan_free(s);
    dir_reset();

    /* ... and a value the directory does not hold twice is no group */
    s = scan_new();
    {
        const char *x[] = { "HTTP/\xc3\x9c" "ber" };
        const char *y[] = { "http/\xc3\xbc" "BER" };

        dir_put("CN=x", V(x), 1);
        scan_add(s, "CN=x", V(x), NULL, 1);
        scan_add(s, "CN=y", V(y), NULL, 1); /* since removed */
    }
    check_groups(s, 0, "");
    scan_free(s);
    dir_reset();
}

/* Many values on one account, in two cases: one holding each. */
static void scan_many_on_one(void **state)
{
    struct scan *s = scan_new();
    char *v[200];

    (void)state;
    for (int i = 0; i < 100; i++) {
        v[i] = xasprintf("HTTP/v%d", i);
        v[100 + i] = xasprintf("http/V%d", i);
    }
    add(s, "CN=a", v, 200);
    assert_int_equal(scan_candidates(s), 0);
    check_groups(s, 0, "");
    add(s, "CN=b", v + 150, 1);
    check_groups(s, 1, "HTTP/v50: CN=a | CN=b\n");
    for (int i = 0; i < 200; i++)
        free(v[i]);
    scan_free(s);
    dir_reset();
}

/* A failed search ends the resolution with its status and no groups. */
static void scan_resolve_fails(void **state)
{
    struct scan *s = scan_new();
    const char *a[] = { "HTTP/x", "\xff/y" };

    (void)state;
    add(s, "CN=a", V(a), 2);
    add(s, "CN=b", V(a), 2);
    dir.fail_at = 2;
    assert_int_equal(scan_resolve(s, 64, dir_search_fn, NULL), ST_CONNECT);
    assert_int_equal(scan_groups(s, collect, NULL), 0);
    dir.fail_at = 0;
    /* the printed form \xff/y sorts before HTTP/x ('\\' < 'h') */
    check_groups(s, 2, "\\xff/y: CN=a | CN=b\nHTTP/x: CN=a | CN=b\n");
    scan_free(s);
    dir_reset();
}

/* The meter: a first line, then at most SCAN_METER_HZ updates a second,
 * rewritten in place, and the totals with a newline. */
static void scan_meter(void **state)
{
    struct scan *s = scan_new();
    struct scan_meter m;
    const char *a[] = { "HTTP/a", "HOST/a" };
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    (void)state;
    assert_non_null(f);
    scan_meter_start(&m, f, 100.0);
    scan_add(s, "CN=a", V(a), NULL, 2);
    scan_meter_tick(&m, s, 100.1); /* too soon */
    scan_add(s, "CN=b", V(a), NULL, 2);
    scan_meter_tick(&m, s, 101.0);
    scan_meter_tick(&m, s, 101.1); /* too soon */
    scan_meter_end(&m, s, 102.0);
    assert_int_equal(fclose(f), 0);
    assert_string_equal(text,
                        "Processing entry 0\n"
                        "Processing entry 2 (4 values, 2 entries/s)"
                        "\rProcessing entry 2 (4 values, 1 entries/s)\n");
    free(text);
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
        cmocka_unit_test(scan_collisions),
        cmocka_unit_test(scan_nul_values),
        cmocka_unit_test(scan_directory_decides),
        cmocka_unit_test(scan_many_on_one),
        cmocka_unit_test(scan_resolve_fails),
        cmocka_unit_test(scan_meter),
    };

    return cmocka_run_group_tests_name("scan", tests, NULL, NULL);
}
