/*
 * ktopts: --write-keytab's options (encryption types, kvno, the rules
 * between them), and their place on the command line.
 */
#include "unit.h"

#include <stdlib.h>

#include "args.h"
#include "argv.h"
#include "ktopts.h"

static void kto_enctypes(void **state)
{
    int et[KT_MAX_ENCTYPES];
    size_t n;

    (void)state;
    unit_expect_ok("list", ktopts_parse_enctypes("aes256,AES128-CTS-HMAC-SHA1-96, rc4", et, &n));
    assert_int_equal(n, 3);
    assert_int_equal(et[0], 18);
    assert_int_equal(et[1], 17);
    assert_int_equal(et[2], 23);
    unit_expect_ok("repeats", ktopts_parse_enctypes("arcfour-hmac,rc4-hmac", et, &n));
    assert_int_equal(n, 1);
    unit_expect_err("des", ktopts_parse_enctypes("aes256,des-cbc-md5", et, &n),
                    "--enctypes 'des-cbc-md5': DES is broken and no longer in "
                    "Kerberos libraries: use aes256, aes128 (or rc4)");
    unit_expect_err("junk", ktopts_parse_enctypes("aes512", et, &n),
                    "--enctypes 'aes512': not an encryption type (aes256, "
                    "aes128, rc4)");
    assert_int_equal(ktopts_from_bits(0x1f, et), 3);
    assert_int_equal(et[0], 18);
    assert_int_equal(ktopts_from_bits(0x3, et), 0);
    assert_int_equal(ktopts_from_bits(0x4, et), 1);
    assert_int_equal(et[0], 23);
}

static void kto_kvno(void **state)
{
    static const char *const bad[] = { "0", "-1", "4294967296", "Next", "",
                                       "3x", " 3" };
    enum kt_kvno mode = KT_KVNO_CURRENT;
    unsigned long k = 0;

    (void)state;
    unit_expect_ok("next", ktopts_parse_kvno("next", &mode, &k));
    assert_int_equal(mode, KT_KVNO_NEXT);
    unit_expect_ok("N", ktopts_parse_kvno("4294967295", &mode, &k));
    assert_int_equal(mode, KT_KVNO_EXPLICIT);
    assert_true(k == 4294967295UL);
    for (size_t i = 0; i < NCASES(bad); i++) {
        char *err = ktopts_parse_kvno(bad[i], &mode, &k);

        assert_non_null(err);
        assert_non_null(strstr(err, "give next or a number from 1 to"));
        free(err);
    }
}

static void kto_command_line(void **state)
{
    struct options o;

    (void)state;
    parse_ok(&o, "--write-keytab", "/etc/x.kt", "svc-web", "--spn",
             "HTTP/a.x", "--spn=HTTP/b.x", "--kvno", "next", "--keep-kvnos",
             "0", "--enctypes", "aes256", "--account-password-file", "/p");
    assert_int_equal(o.req.verb, VERB_KEYTAB);
    unit_same("file", o.kt.file, "/etc/x.kt");
    unit_same("account", o.req.account, "svc-web");
    assert_int_equal(o.kt.nspns, 2);
    unit_same("spn 2", o.kt.spns[1], "HTTP/b.x");
    assert_int_equal(o.kt.kvno_mode, KT_KVNO_NEXT);
    assert_int_equal(o.kt.keep_kvnos, 0);
    unit_same("verb name", args_verb_name(VERB_KEYTAB), "write-keytab");
    parse_ok(&o, "--write-keytab", "x.kt", "svc", "--rotate", "--force");
    assert_true(o.kt.rotate && o.kt.force);
    assert_int_equal(o.kt.keep_kvnos, KT_DEFAULT_KEEP);

    static const struct refusal cases[] = {
        { "--write-keytab needs an account", { "--write-keytab", "x.kt" } },
        { "--rotate writes the next kvno itself: no --kvno with it",
          { "--write-keytab", "x", "a", "--rotate", "--kvno", "3" } },
        { "--rotate sets a new random password: no --account-password-file "
          "with it",
          { "--write-keytab", "x", "a", "--rotate",
            "--account-password-file", "p" } },
        { "--force goes with --rotate",
          { "--write-keytab", "x", "a", "--force" } },
        { "--account-password-file, --spn, --enctypes, --kvno, --keep-kvnos, "
          "--rotate and --force go with --write-keytab",
          { "-L", "a", "--rotate" } },
        { "--spn 'noslash': not an SPN (class/host, no @ or backslash)",
          { "--write-keytab", "x", "a", "--spn", "noslash" } },
        { "--keep-kvnos '-1': give a number from 0 to 100",
          { "--write-keytab", "x", "a", "--keep-kvnos", "-1" } },
        { "--rotate takes no value",
          { "--write-keytab", "x", "a", "--rotate=yes" } },
        { "--kvno needs a value", { "--write-keytab", "x", "a", "--kvno" } },
        { "-F applies only to -S, -A, -Q, -X and --verify",
          { "-F", "--write-keytab", "x", "a" } },
        { "--write-keytab and -L cannot be combined",
          { "--write-keytab", "x", "-L", "a" } },
    };
    for (size_t i = 0; i < NCASES(cases); i++) {
        char *argv[16], what[256];
        int argc = refusal_argv(&cases[i], true, argv, what, sizeof(what));

        unit_expect_err(what, args_parse(argc, argv, &o), cases[i].want);
    }
}

int unit_ktopts(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kto_enctypes),
        cmocka_unit_test(kto_kvno),
        cmocka_unit_test(kto_command_line),
    };

    return cmocka_run_group_tests_name("ktopts", tests, NULL, NULL);
}
