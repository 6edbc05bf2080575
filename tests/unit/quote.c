/*
 * quote: values made safe to print, and the UTF-8 check.
 */
#include "unit.h"

#include <stdlib.h>

#include "quote.h"

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

int unit_quote(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_edges),
        cmocka_unit_test(quoting),
    };

    return cmocka_run_group_tests_name("quote", tests, NULL, NULL);
}
