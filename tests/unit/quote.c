/*
 * quote: values made safe to print, and the UTF-8 check.
 */
#include "unit.h"

#include <stdlib.h>

#include "quote.h"
#include "xalloc.h"

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
    for (size_t i = 0; i < NCASES(good); i++)
        if (!quote_utf8_valid(good[i]))
            fail_msg("good #%zu refused", i);
    for (size_t i = 0; i < NCASES(bad); i++)
        if (quote_utf8_valid(bad[i]))
            fail_msg("bad #%zu accepted", i);
}

static void quoting(void **state)
{
    static const struct {
        const char *value, *want;
    } cases[] = {
        { "", "''" },
        { "HTTP/web01 x~", "'HTTP/web01 x~'" },
        { "a'b", "'a\\x27b'" },
        { "a\\b", "'a\\x5cb'" },
        { "\t\n\r\x01\x1f\x7f", "'\\x09\\x0a\\x0d\\x01\\x1f\\x7f'" },
        { "b\xc3\xbc" "cher", "'b\\xc3\\xbccher'" },
        { "\xff\x80", "'\\xff\\x80'" },
        { "\x1b[31mred", "'\\x1b[31mred'" },
        { "\"*()", "'\"*()'" },
    };

    (void)state;
    for (size_t i = 0; i < NCASES(cases); i++) {
        char *q = quote_value(cases[i].value);
        char what[32];

        snprintf(what, sizeof(what), "quote_value case #%zu", i);
        assert_non_null(q);
        if (strcmp(q, cases[i].want) != 0) {
            print_error("%s:\ngot      \"%s\"\nexpected \"%s\"\n", what, q,
                        cases[i].want);
            free(q);
            fail();
        }
        free(q);
    }
}

/* ------------------------------------------------------------------ */
/* the printed form of directory data                                  */

static void display_plain_is_unchanged(void **state)
{
    char *q = quote_display("HTTP/web01.spn.test", 19);

    (void)state;
    assert_string_equal(q, "HTTP/web01.spn.test");
    free(q);
    q = quote_display("HTTP/\xc3\xbcmlaut", 12); /* valid UTF-8 stays */
    assert_string_equal(q, "HTTP/\xc3\xbcmlaut");
    free(q);
    /* a backslash alone keeps a value plain (DNs hold "\,") */
    q = quote_display("CN=a\\,b", 7);
    assert_string_equal(q, "CN=a\\,b");
    free(q);
}

static void display_escapes_controls_nul_and_bad_utf8(void **state)
{
    char *q = quote_display("HTTP/esc\x1b]0;X\a", 14);

    (void)state;
    assert_string_equal(q, "HTTP/esc\\x1b]0;X\\x07");
    free(q);
    q = quote_display("HTTP/a\0b", 8);
    assert_string_equal(q, "HTTP/a\\x00b");
    free(q);
    q = quote_display("HTTP/\xff", 6);
    assert_string_equal(q, "HTTP/\\xff");
    free(q);
    /* C1 control (U+009B, CSI) and a bidi override (U+202E) */
    q = quote_display("a\xc2\x9b" "b\xe2\x80\xae", 7);
    assert_string_equal(q, "a\\xc2\\x9bb\\xe2\\x80\\xae");
    free(q);
    /* a literal "\x" is escaped, so the printed form names one value */
    q = quote_display("HTTP/a\\x0a", 10);
    assert_string_equal(q, "HTTP/a\\x5cx0a");
    free(q);
    /* and so is every backslash of a value that is escaped */
    q = quote_display("a\\b\n", 4);
    assert_string_equal(q, "a\\x5cb\\x0a");
    free(q);
}

/* Characters that draw nothing or break a line: two values that differ
 * only by them would look the same on screen. */
static void display_escapes_invisible_characters(void **state)
{
    static const struct { const char *utf8, *escaped; } cases[] = {
        { "\xe2\x80\xa8", "\\xe2\\x80\\xa8" }, /* U+2028 line separator */
        { "\xe2\x80\xa9", "\\xe2\\x80\\xa9" }, /* U+2029 paragraph sep. */
        { "\xe2\x80\x8b", "\\xe2\\x80\\x8b" }, /* U+200B zero-width space */
        { "\xe2\x80\x8c", "\\xe2\\x80\\x8c" }, /* U+200C ZWNJ */
        { "\xe2\x80\x8d", "\\xe2\\x80\\x8d" }, /* U+200D ZWJ */
        { "\xe2\x81\xa0", "\\xe2\\x81\\xa0" }, /* U+2060 word joiner */
        { "\xef\xbb\xbf", "\\xef\\xbb\\xbf" }, /* U+FEFF BOM */
        { "\xd8\x9c", "\\xd8\\x9c" },          /* U+061C Arabic letter mark */
        { "\xe2\x80\xaa", "\\xe2\\x80\\xaa" }, /* U+202A LRE */
        { "\xe2\x80\xae", "\\xe2\\x80\\xae" }, /* U+202E RLO */
        { "\xe2\x81\xa6", "\\xe2\\x81\\xa6" }, /* U+2066 LRI */
        { "\xe2\x81\xa9", "\\xe2\\x81\\xa9" }, /* U+2069 PDI */
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *v = xasprintf("HTTP/web%s01", cases[i].utf8);
        char *want = xasprintf("HTTP/web%s01", cases[i].escaped);
        char *q = quote_display(v, strlen(v)), *m = quote_message(v), *raw;
        size_t len = 0;

        assert_false(quote_plain(v, strlen(v)));
        assert_string_equal(q, want);
        assert_string_equal(m, want);
        raw = quote_unescape(q, &len);
        assert_non_null(raw);
        assert_int_equal(len, strlen(v));
        assert_memory_equal(raw, v, len);
        free(raw);
        free(m);
        free(q);
        free(want);
        free(v);
    }
    /* their neighbours stay: U+2027, U+202F, U+205F, U+FEFE */
    assert_true(quote_plain("a\xe2\x80\xa7" "b\xe2\x80\xaf" "c\xe2\x81\x9f"
                            "d\xef\xbb\xbe", 16));
}

static void unescape_inverts_display(void **state)
{
    static const struct { const char *v; size_t len; } cases[] = {
        { "HTTP/a\0b", 8 }, { "HTTP/\xff\xfe", 7 }, { "a\\x41\n", 6 },
        { "\x1b[2J", 4 }, { "HTTP/nl\nCN=x", 12 },
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *q = quote_display(cases[i].v, cases[i].len), *raw;
        size_t len = 0;

        assert_false(quote_plain(cases[i].v, cases[i].len));
        raw = quote_unescape(q, &len);
        assert_non_null(raw);
        assert_int_equal(len, cases[i].len);
        assert_memory_equal(raw, cases[i].v, len);
        free(raw);
        free(q);
    }
}

static void unescape_rejects_non_forms(void **state)
{
    size_t len = 0;

    (void)state;
    assert_null(quote_unescape("HTTP/plain", &len));     /* no \x */
    assert_null(quote_unescape("HTTP/\\x4", &len));      /* short */
    assert_null(quote_unescape("HTTP/\\xzz", &len));     /* not hex */
    assert_null(quote_unescape("a\\b\\x41", &len));      /* bare \ */
}

static void message_keeps_one_line(void **state)
{
    char *m = quote_message("bind failed: no\nsetspn: forged \x1b[31m\\ok");

    (void)state;
    assert_string_equal(m, "bind failed: no\\x0asetspn: forged "
                           "\\x1b[31m\\ok");
    free(m);
    m = quote_message("caf\xc3\xa9 \xff");
    assert_string_equal(m, "caf\xc3\xa9 \\xff");
    free(m);
}

/* RFC 4648's test vectors, and bytes no string could hold. */
static void base64_vectors(void **state)
{
    static const struct {
        const char *in;
        size_t len;
        const char *want;
    } cases[] = {
        { "", 0, "" },          { "f", 1, "Zg==" },
        { "fo", 2, "Zm8=" },    { "foo", 3, "Zm9v" },
        { "foob", 4, "Zm9vYg==" }, { "fooba", 5, "Zm9vYmE=" },
        { "foobar", 6, "Zm9vYmFy" }, { "a\0\xff", 3, "YQD/" },
    };

    (void)state;
    for (size_t i = 0; i < NCASES(cases); i++) {
        char *got = quote_base64(cases[i].in, cases[i].len);

        unit_same(cases[i].want, got, cases[i].want);
        free(got);
    }
}

int unit_quote(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_edges),
        cmocka_unit_test(quoting),
        cmocka_unit_test(display_plain_is_unchanged),
        cmocka_unit_test(display_escapes_controls_nul_and_bad_utf8),
        cmocka_unit_test(display_escapes_invisible_characters),
        cmocka_unit_test(unescape_inverts_display),
        cmocka_unit_test(unescape_rejects_non_forms),
        cmocka_unit_test(message_keeps_one_line),
        cmocka_unit_test(base64_vectors),
    };

    return cmocka_run_group_tests_name("quote", tests, NULL, NULL);
}
