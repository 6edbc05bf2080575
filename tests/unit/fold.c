/*
 * fold: the case fold that SPN equality, the -X grouping and the dry run's
 * tracking use (ASCII, Latin-1, Latin Extended-A, basic Greek and
 * Cyrillic; never into ASCII).
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "fold.h"
#include "spn.h"

static void fold_ascii_and_latin1(void **state)
{
    (void)state;
    assert_int_equal(fold_codepoint('A'), 'a');
    assert_int_equal(fold_codepoint('z'), 'z');
    assert_int_equal(fold_codepoint(0xdc), 0xfc);  /* Ü -> ü */
    assert_int_equal(fold_codepoint(0xd7), 0xd7);  /* × is no letter */
    assert_int_equal(fold_codepoint(0xdf), 0xdf);  /* ß stays */
    assert_int_equal(fold_codepoint(0x178), 0xff); /* Ÿ -> ÿ */
    assert_int_equal(fold_codepoint(0x100), 0x101);
    assert_int_equal(fold_codepoint(0x139), 0x13a); /* Ĺ -> ĺ */
    assert_int_equal(fold_codepoint(0x17d), 0x17e); /* Ž -> ž */
}

static void fold_never_into_ascii(void **state)
{
    (void)state;
    assert_int_equal(fold_codepoint(0x130), 0x130); /* İ */
    assert_int_equal(fold_codepoint(0x131), 0x131); /* ı */
    assert_int_equal(fold_codepoint(0x17f), 0x17f); /* ſ */
    assert_false(fold_equal("HTTP/\xc5\xbf", "http/s"));
    assert_false(fold_equal("x/\xc4\xb0", "x/i"));
}

static void fold_greek_cyrillic(void **state)
{
    (void)state;
    assert_int_equal(fold_codepoint(0x391), 0x3b1); /* Α -> α */
    assert_int_equal(fold_codepoint(0x3a3), 0x3c3); /* Σ -> σ */
    assert_int_equal(fold_codepoint(0x3c2), 0x3c3); /* ς -> σ */
    assert_int_equal(fold_codepoint(0x386), 0x3ac); /* Ά -> ά */
    assert_int_equal(fold_codepoint(0x38f), 0x3ce); /* Ώ -> ώ */
    assert_int_equal(fold_codepoint(0x401), 0x451); /* Ё -> ё */
    assert_int_equal(fold_codepoint(0x416), 0x436); /* Ж -> ж */
    assert_int_equal(fold_codepoint(0x4c0), 0x4cf); /* Ӏ -> ӏ */
    assert_int_equal(fold_codepoint(0x4c1), 0x4c2);
    assert_int_equal(fold_codepoint(0x4d0), 0x4d1);
    assert_true(fold_equal("HTTP/\xd0\x96\xd0\x96", "http/\xd0\xb6\xd0\xb6"));
}

static void fold_equal_umlaut(void **state)
{
    (void)state;
    /* HTTP/ümlaut.spn.test and http/ÜMLAUT.spn.test: one value to a DC */
    assert_true(fold_equal("HTTP/\xc3\xbcmlaut.spn.test",
                           "http/\xc3\x9cMLAUT.spn.test"));
    assert_true(spn_equal("HTTP/\xc3\xbcmlaut.spn.test",
                          "http/\xc3\x9cMLAUT.spn.test"));
    assert_int_equal(fold_hash("HTTP/\xc3\xbcmlaut.spn.test"),
                     fold_hash("http/\xc3\x9cMLAUT.spn.test"));
    assert_false(fold_equal("HTTP/\xc3\xbc", "HTTP/u"));
    assert_true(spn_equal("HTTP/web01.example.com", "http/WEB01.Example.COM"));
    assert_false(spn_equal("HTTP/a", "HTTP/ab"));
}

static void fold_compare_order(void **state)
{
    (void)state;
    assert_int_equal(fold_compare("", ""), 0);
    assert_true(fold_compare("a", "B") < 0);
    assert_true(fold_compare("B", "a") > 0);
    assert_true(fold_compare("ab", "AB") == 0);
    assert_true(fold_compare("a", "ab") < 0);
    assert_true(fold_compare("ab", "a") > 0);
    /* by folded code point: ü (U+00FC) after z */
    assert_true(fold_compare("\xc3\x9c", "z") > 0);
}

static void fold_invalid_utf8(void **state)
{
    (void)state;
    /* bytes that are not UTF-8 compare as themselves, never as letters */
    assert_true(fold_equal("x\xff", "x\xff"));
    assert_false(fold_equal("x\xff", "x\xfe"));
    assert_false(fold_equal("\xc3", "\xc3\x9c"));
    assert_false(fold_equal("\xc0\x81", "A")); /* overlong */
    assert_false(fold_equal("\xed\xa0\x80", "\xed\xa0\x81")); /* surrogates */
    assert_true(fold_non_ascii("a\xc3\xbc"));
    assert_false(fold_non_ascii("HTTP/web01"));
    assert_int_equal(fold_hash("ABC"), fold_hash("abc"));
}

/* --------------------------------------------------------------- wire */

int unit_fold(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(fold_ascii_and_latin1),
        cmocka_unit_test(fold_never_into_ascii),
        cmocka_unit_test(fold_greek_cyrillic),
        cmocka_unit_test(fold_equal_umlaut),
        cmocka_unit_test(fold_compare_order),
        cmocka_unit_test(fold_invalid_utf8),
    };

    return cmocka_run_group_tests_name("fold", tests, NULL, NULL);
}
