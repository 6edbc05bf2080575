/*
 * fixcmd: what --verify prints as a fix (shell-safe words, setspn and
 * ldapmodify commands), the host part of an SPN, and the names of
 * encryption types.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "fixcmd.h"

static void fix_shell_words(void **state)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        /* plain: as it is */
        { "CN=EXCH01,CN=Computers,DC=spn,DC=test",
          "CN=EXCH01,CN=Computers,DC=spn,DC=test" },
        /* printable: in single quotes, a quote closed and escaped */
        { "CN=a b,DC=x", "'CN=a b,DC=x'" },
        { "it's $(rm -rf /)", "'it'\\''s $(rm -rf /)'" },
        { "CN=b\xc3\xbc" "cher", "'CN=b\xc3\xbc" "cher'" },
        /* anything else: $'...' with every other byte as \xNN */
        { "a\x1b[31m\nb'\\\xff", "$'a\\x1b[31m\\x0ab\\x27\\x5c\\xff'" },
        /* a C1 control and a bidi override are valid UTF-8, and unsafe */
        { "a\xc2\x9b" "b", "$'a\\xc2\\x9bb'" },
        { "x\xe2\x80\xaey", "$'x\\xe2\\x80\\xaey'" },
        { "", "''" },
    };

    (void)state;
    for (size_t i = 0; i < NCASES(cases); i++) {
        char *w = shell_word(cases[i].in);

        unit_same(cases[i].want, w, cases[i].want);
        free(w);
    }
}

static void fix_commands(void **state)
{
    char *c;

    (void)state;
    c = fix_setspn('S', "SMTPSVC/mail.spn.test", "EXCH01", NULL);
    assert_string_equal(c, "setspn -S -- SMTPSVC/mail.spn.test EXCH01");
    free(c);
    c = fix_setspn('D', "HTTP/x", "CN=svc web,CN=Users,DC=x", "-U");
    assert_string_equal(c, "setspn -U -D -- HTTP/x 'CN=svc web,CN=Users,DC=x'");
    free(c);
    /* an account that starts with '-' is an operand, never an option */
    c = fix_setspn('S', "HTTP/x", "-F", "-U");
    assert_string_equal(c, "setspn -U -S -- HTTP/x -F");
    free(c);
    c = fix_ldapmodify("ldap://dc1", "CN=A,DC=x", "userAccountControl",
                       "512");
    assert_string_equal(c, "printf '%s\\n' 'dn: CN=A,DC=x' 'changetype: "
                           "modify' 'replace: userAccountControl' "
                           "'userAccountControl: 512' | ldapmodify -Q -Y "
                           "GSSAPI -H ldap://dc1");
    free(c);
    /* not plain ASCII: base64, nothing raw */
    c = fix_ldapmodify("ldap://dc1", "CN=\x1b,DC=x", "a", "1");
    assert_non_null(strstr(c, "'dn:: Q049GyxEQz14'"));
    assert_null(strchr(c, '\x1b'));
    free(c);
}

/* Every account word names exactly one account, whatever its name. */
static void fix_account_words(void **state)
{
    static const struct {
        const char *sam;
        bool computer;
        const char *want, *kind;
    } cases[] = {
        { "EXCH01$", true, "EXCH01$", NULL },
        { "svc-web", false, "svc-web", "-U" },
        { "svc$", false, "svc$", NULL },       /* a user whose name ends in $ */
        { "-F", false, "-F", "-U" },           /* after "--": an operand */
        { "--dry-run", false, "--dry-run", "-U" },
        /* read another way by the parser: the DN */
        { "DC1$x$", true, "DC1$x$", NULL },    /* NAME$: that exact name */
        { "administrator@spn.test", false, "CN=d,DC=x", NULL },
        { "SPN\\admin", false, "CN=d,DC=x", NULL },
        { "CN=x", false, "CN=d,DC=x", NULL },
        { "a,b", false, "CN=d,DC=x", NULL },
        { " lead", false, "CN=d,DC=x", NULL },
        { "x\xe2\x80\xae", false, "CN=d,DC=x", NULL },
        { "NOSIGN", true, "CN=d,DC=x", NULL }, /* -C would add a '$' */
    };

    (void)state;
    for (size_t i = 0; i < NCASES(cases); i++) {
        const char *kind = "unset";
        char *w = fix_account(cases[i].sam, cases[i].computer, "CN=d,DC=x",
                              &kind);

        unit_same(cases[i].sam, w, cases[i].want);
        if (cases[i].kind == NULL)
            assert_null(kind);
        else
            assert_string_equal(kind, cases[i].kind);
        free(w);
    }
}

static void fix_spn_parts(void **state)
{
    size_t cl = 0;
    char *h;

    (void)state;
    h = spn_host_part("MSSQLSvc/db.spn.test:1433", &cl);
    assert_string_equal(h, "db.spn.test");
    assert_int_equal(cl, 8);
    free(h);
    h = spn_host_part("ldap/dc1.spn.test/spn.test", &cl);
    assert_string_equal(h, "dc1.spn.test");
    free(h);
    assert_null(spn_host_part("noslash", &cl));
    assert_null(spn_host_part("HTTP/", &cl));
    h = spn_with_host("MSSQLSvc/db:1433", "real.spn.test");
    assert_string_equal(h, "MSSQLSvc/real.spn.test:1433");
    free(h);
    h = spn_with_host("SMTPSVC/mail.spn.test", "exch01.spn.test");
    assert_string_equal(h, "SMTPSVC/exch01.spn.test");
    free(h);
}

static void fix_enctypes(void **state)
{
    char b[32], *d;

    (void)state;
    assert_string_equal(enctype_name(18, b, sizeof(b)),
                        "aes256-cts-hmac-sha1-96");
    assert_string_equal(enctype_name(23, b, sizeof(b)), "rc4-hmac");
    assert_string_equal(enctype_name(99, b, sizeof(b)), "enctype 99");
    assert_true(enctype_weak(23));
    assert_true(enctype_weak(3));
    assert_false(enctype_weak(17));
    assert_true(enctypes_weak_only(4));
    assert_true(enctypes_weak_only(7));
    assert_false(enctypes_weak_only(28));
    assert_false(enctypes_weak_only(24));
    assert_false(enctypes_weak_only(0));
    d = enctypes_describe(28);
    assert_string_equal(d, "RC4, AES128, AES256");
    free(d);
    d = enctypes_describe(0);
    assert_string_equal(d, "none");
    free(d);
}

int unit_fixcmd(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(fix_shell_words),
        cmocka_unit_test(fix_commands),
        cmocka_unit_test(fix_account_words),
        cmocka_unit_test(fix_spn_parts),
        cmocka_unit_test(fix_enctypes),
    };

    return cmocka_run_group_tests_name("fixcmd", tests, NULL, NULL);
}
