/*
 * keytab: the file format (both ways with MIT's own reader and writer),
 * the merge rules and the safe write.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <krb5.h>

#include "keytab.h"

static const unsigned char KEY_A[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
static const unsigned char KEY_B[32] = { 9, 8, 7, 6, 5, 4, 3, 2, 1 };
static const unsigned char KEY_RC4[16] = { 0xaa, 0xbb };

/* "a/b@REALM" entries from the names' parts. */
static void add(struct keytab *kt, const char *name, uint32_t kvno,
                uint16_t enctype, const unsigned char *key, size_t len,
                uint32_t when)
{
    char *copy = strdup(name), *at = strchr(copy, '@'), *comps[4], *save;
    size_t n = 0;

    assert_non_null(at);
    *at = '\0';
    for (char *p = strtok_r(copy, "/", &save); p; p = strtok_r(NULL, "/", &save))
        comps[n++] = p;
    keytab_add(kt, at + 1, comps, n, 1, kvno, enctype, key, len, when);
    free(copy);
}

/* "name kvno enctype" of each entry, one a line. */
static char *listing(const struct keytab *kt)
{
    struct unit_mem m;

    unit_mem_open(&m);
    for (size_t i = 0; i < kt->n; i++) {
        char *n = kt_entry_name(&kt->v[i]);

        fprintf(m.f, "%s %u %u\n", n, kt->v[i].kvno, kt->v[i].enctype);
        free(n);
    }
    return unit_mem_text(&m);
}

static char dir[] = "/tmp/setspn-unit-kt.XXXXXX";
static bool made;

static char *tmp_path(const char *name)
{
    char *p;

    if (!made) {
        assert_non_null(mkdtemp(dir));
        made = true;
    }
    assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
    return p;
}

static void kt_roundtrip_with_mit(void **state)
{
    struct keytab kt = { 0 }, back = { 0 };
    char *path = tmp_path("ours.kt"), *name, *l;
    bool changed;
    krb5_context kc;
    krb5_keytab mit;
    krb5_kt_cursor cur;
    krb5_keytab_entry e;
    char ktname[300];
    int n = 0;

    (void)state;
    add(&kt, "HTTP/web.spn.test@SPN.TEST", 300, 18, KEY_A, 32, 1000);
    add(&kt, "svc-web@SPN.TEST", 7, 23, KEY_RC4, 16, 1000);
    assert_null(keytab_write_file(path, &kt, &changed));
    assert_true(changed);
    /* MIT reads what we write: names, the 32-bit kvno, keys */
    assert_int_equal(krb5_init_context(&kc), 0);
    snprintf(ktname, sizeof(ktname), "FILE:%s", path);
    assert_int_equal(krb5_kt_resolve(kc, ktname, &mit), 0);
    assert_int_equal(krb5_kt_start_seq_get(kc, mit, &cur), 0);
    while (krb5_kt_next_entry(kc, mit, &e, &cur) == 0) {
        assert_int_equal(krb5_unparse_name(kc, e.principal, &name), 0);
        unit_same("name", name, n == 0 ? "HTTP/web.spn.test@SPN.TEST"
                                        : "svc-web@SPN.TEST");
        assert_int_equal(e.vno, n == 0 ? 300 : 7);
        assert_int_equal(e.key.enctype, n == 0 ? 18 : 23);
        assert_memory_equal(e.key.contents, n == 0 ? KEY_A : KEY_RC4,
                            n == 0 ? 32 : 16);
        krb5_free_unparsed_name(kc, name);
        krb5_free_keytab_entry_contents(kc, &e);
        n++;
    }
    krb5_kt_end_seq_get(kc, mit, &cur);
    assert_int_equal(n, 2);
    /* and we read what MIT writes */
    {
        krb5_keytab_entry ne;
        krb5_principal p;

        memset(&ne, 0, sizeof(ne));
        assert_int_equal(krb5_parse_name(kc, "cifs/f\\/x@OTHER.TEST", &p), 0);
        ne.principal = p;
        ne.vno = 2;
        ne.key.enctype = 17;
        ne.key.length = 16;
        ne.key.contents = (krb5_octet *)KEY_B;
        assert_int_equal(krb5_kt_add_entry(kc, mit, &ne), 0);
        krb5_free_principal(kc, p);
    }
    krb5_kt_close(kc, mit);
    krb5_free_context(kc);
    assert_null(keytab_read_file(path, &back, &changed));
    l = listing(&back);
    unit_same("read back", l, "HTTP/web.spn.test@SPN.TEST 300 18\n"
                              "svc-web@SPN.TEST 7 23\n"
                              "cifs/f\\/x@OTHER.TEST 2 17\n");
    free(l);
    assert_memory_equal(back.v[2].key, KEY_B, 16);
    keytab_free(&kt);
    keytab_free(&back);
    unlink(path);
    free(path);
}

static void kt_decode_refusals(void **state)
{
    static const unsigned char v1[] = { 5, 1, 0, 0, 0, 0 };
    static const unsigned char cut[] = { 5, 2, 0, 0, 0, 40, 0, 1 };
    static const unsigned char hole[] = { 5, 2, 0xff, 0xff, 0xff, 0xfc,
                                          1, 2, 3, 4 };
    struct keytab kt;
    char *err;

    (void)state;
    err = keytab_decode(v1, sizeof(v1), &kt);
    unit_same("0x0501", err, "not a keytab of format 0x0502 (it starts 0x0501)");
    free(err);
    err = keytab_decode(cut, sizeof(cut), &kt);
    unit_same("truncated", err, "a truncated record at byte 2");
    free(err);
    /* a hole (a removed entry) is skipped */
    assert_null(keytab_decode(hole, sizeof(hole), &kt));
    assert_int_equal(kt.n, 0);
    assert_null(keytab_decode((const unsigned char *)"", 0, &kt));
    assert_int_equal(kt.n, 0);
}

static void kt_merge_rules(void **state)
{
    struct keytab old = { 0 }, add1 = { 0 }, back;
    struct kt_merge_counts c;
    unsigned char *b1, *b2;
    size_t l1, l2;
    char *l;

    (void)state;
    add(&old, "other@SPN.TEST", 1, 18, KEY_A, 32, 10);
    add(&old, "http/WEB.spn.test@spn.test", 5, 18, KEY_A, 32, 10);
    add(&old, "HTTP/web.spn.test@SPN.TEST", 5, 23, KEY_RC4, 16, 10);
    add(&old, "HTTP/web.spn.test@SPN.TEST", 4, 18, KEY_A, 32, 10);
    add(&old, "HTTP/web.spn.test@SPN.TEST", 3, 18, KEY_A, 32, 10);
    add(&old, "HTTP/web.spn.test@SPN.TEST", 2, 18, KEY_A, 32, 10);
    add(&add1, "HTTP/web.spn.test@SPN.TEST", 5, 18, KEY_B, 32, 20);
    add(&add1, "HTTP/web.spn.test@SPN.TEST", 5, 17, KEY_B, 16, 20);
    keytab_merge(&old, &add1, 2, &c);
    l = listing(&old);
    /* other principals stay; the same principal (any case), kvno and
     * type is replaced in place; another type at that kvno stays; of
     * the older kvnos the 2 highest stay; new ones go last */
    unit_same("merged", l, "other@SPN.TEST 1 18\n"
                           "HTTP/web.spn.test@SPN.TEST 5 18\n"
                           "HTTP/web.spn.test@SPN.TEST 5 23\n"
                           "HTTP/web.spn.test@SPN.TEST 4 18\n"
                           "HTTP/web.spn.test@SPN.TEST 3 18\n"
                           "HTTP/web.spn.test@SPN.TEST 5 17\n");
    free(l);
    assert_memory_equal(old.v[1].key, KEY_B, 32);
    assert_int_equal(c.written, 2);
    assert_int_equal(c.kept, 4);
    assert_int_equal(c.removed, 1);
    /* the same keys again: the same bytes (timestamps kept) */
    b1 = keytab_encode(&old, &l1);
    assert_null(keytab_decode(b1, l1, &back));
    for (size_t i = 0; i < add1.n; i++)
        add1.v[i].timestamp = 99;
    keytab_merge(&back, &add1, 2, &c);
    b2 = keytab_encode(&back, &l2);
    assert_int_equal(l1, l2);
    assert_memory_equal(b1, b2, l1);
    assert_int_equal(c.removed, 0);
    /* --keep-kvnos 0: only the kvno written */
    keytab_merge(&back, &add1, 0, &c);
    l = listing(&back);
    unit_same("keep 0", l, "other@SPN.TEST 1 18\n"
                           "HTTP/web.spn.test@SPN.TEST 5 18\n"
                           "HTTP/web.spn.test@SPN.TEST 5 23\n"
                           "HTTP/web.spn.test@SPN.TEST 5 17\n");
    free(l);
    assert_int_equal(c.removed, 2);
    free(b1);
    free(b2);
    keytab_free(&old);
    keytab_free(&add1);
    keytab_free(&back);
}

static void kt_merge_prestaged(void **state)
{
    struct keytab old = { 0 }, add1 = { 0 };
    struct kt_merge_counts c;
    char *l;

    (void)state;
    /* a pre-staged kvno 7 stays when 6 is written again, keep 1 */
    add(&old, "svc@SPN.TEST", 7, 18, KEY_B, 32, 10);
    add(&old, "svc@SPN.TEST", 5, 18, KEY_A, 32, 10);
    add(&add1, "svc@SPN.TEST", 6, 18, KEY_A, 32, 20);
    keytab_merge(&old, &add1, 1, &c);
    l = listing(&old);
    unit_same("prestaged", l, "svc@SPN.TEST 7 18\nsvc@SPN.TEST 6 18\n");
    free(l);
    keytab_free(&old);
    keytab_free(&add1);
}

static void kt_write_modes(void **state)
{
    struct keytab kt = { 0 };
    char *path = tmp_path("mode.kt"), *link = tmp_path("link.kt"), *err;
    struct stat sb;
    bool changed;

    (void)state;
    add(&kt, "svc@SPN.TEST", 1, 18, KEY_A, 32, 10);
    unlink(path);
    assert_null(keytab_check_writable(path));
    assert_null(keytab_write_file(path, &kt, &changed));
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 07777, 0600);
    assert_int_equal(chmod(path, 0640), 0);
    add(&kt, "svc@SPN.TEST", 2, 18, KEY_B, 32, 10);
    assert_null(keytab_write_file(path, &kt, &changed));
    assert_true(changed);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 07777, 0640);
    /* the same bytes: left alone */
    assert_null(keytab_write_file(path, &kt, &changed));
    assert_false(changed);
    /* a symbolic link is refused, and so is a missing directory */
    unlink(link);
    assert_int_equal(symlink(path, link), 0);
    err = keytab_check_writable(link);
    assert_non_null(err);
    assert_non_null(strstr(err, "is a symbolic link"));
    free(err);
    err = keytab_check_writable("/nonexistent/dir/x.kt");
    unit_same("no dir", err, "cannot write the keytab /nonexistent/dir/x.kt: "
                             "cannot create a file in /nonexistent/dir: No "
                             "such file or directory");
    free(err);
    unlink(link);
    unlink(path);
    free(link);
    free(path);
    keytab_free(&kt);
}

static int remove_dir(void **state)
{
    (void)state;
    if (made)
        rmdir(dir);
    return 0;
}

int unit_keytab(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kt_roundtrip_with_mit),
        cmocka_unit_test(kt_decode_refusals),
        cmocka_unit_test(kt_merge_rules),
        cmocka_unit_test(kt_merge_prestaged),
        cmocka_unit_test(kt_write_modes),
    };

    return cmocka_run_group_tests_name("keytab", tests, NULL, remove_dir);
}
