/*
 * creds: the hints for the Kerberos errors people meet (the rest of
 * creds.c needs a KDC: the CLI tests cover it).
 */
#include "unit.h"

#include <krb5.h>

#include "creds.h"

static void creds_hints(void **state)
{
    static const struct {
        long code;
        const char *text, *want; /* a part of the hint; NULL: none */
    } cases[] = {
        /* by libkrb5 error code, whatever the text */
        { KRB5_KDC_UNREACH, NULL, "no KDC answered" },
        { KRB5_REALM_CANT_RESOLVE, NULL, "no KDC answered" },
        { KRB5KRB_AP_ERR_SKEW, NULL, "clocks" },
        { KRB5KDC_ERR_PREAUTH_FAILED, NULL, "wrong password or key" },
        { KRB5KRB_AP_ERR_BAD_INTEGRITY, NULL, "wrong password or key" },
        { KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN, NULL, "does not know" },
        { KRB5_KT_NOTFOUND, NULL, "the keytab has no key" },
        { KRB5KRB_AP_ERR_TKT_EXPIRED, NULL, "run kinit" },
        { KRB5_FCC_NOFILE, NULL, "no Kerberos ticket" },
        { KRB5_KDC_UNREACH, "Clock skew too great", "no KDC answered" },
        /* a code with no hint: none, even if the text has one */
        { KRB5_CC_NOMEM, NULL, NULL },
        { KRB5_CC_NOMEM, "Clock skew too great", NULL },
        /* code 0: by GSSAPI's text, inside a bind's diagnostic */
        { 0, "SASL(-1): generic failure: GSSAPI Error: Unspecified GSS "
             "failure.  Minor code may provide more information (Cannot "
             "contact any KDC for realm 'SPN.TEST')", "no KDC answered" },
        { 0, "... (Clock skew too great)", "clocks" },
        { 0, "... (Ticket expired)", "run kinit" },
        { 0, "... (No Kerberos credentials available)", "run kinit" },
        { 0, "SASL(-4): no mechanism available: No worthy mechs found",
          "libsasl2-modules-gssapi-mit" },
        { 0, "00002028: LdapErr: DSID-0C090259, comment: The server "
             "requires binds to turn on integrity checking... Stronger",
          "stronger" },
        { 0, "an error nobody hints at", NULL },
        { 0, "", NULL },
        { 0, NULL, NULL },
    };

    (void)state;
    for (size_t i = 0; i < NCASES(cases); i++) {
        const char *got = creds_hint(cases[i].code, cases[i].text);

        if (cases[i].want == NULL) {
            if (got != NULL)
                fail_msg("case #%zu: hint \"%s\", expected none", i, got);
        } else if (got == NULL || strstr(got, cases[i].want) == NULL) {
            fail_msg("case #%zu: hint \"%s\", expected one with \"%s\"", i,
                     got ? got : "(none)", cases[i].want);
        }
    }
}

/* Only krbtgt/REALM@REALM of the client's realm is its TGT. */
static void creds_home_tgts(void **state)
{
    static const struct {
        const char *client, *server;
        bool home;
    } cases[] = {
        { "alice@SPN.TEST", "krbtgt/SPN.TEST@SPN.TEST", true },
        { "WEB01$@SPN.TEST", "krbtgt/SPN.TEST@SPN.TEST", true },
        /* cross-realm, either way round */
        { "alice@SPN.TEST", "krbtgt/OTHER.TEST@SPN.TEST", false },
        { "alice@SPN.TEST", "krbtgt/SPN.TEST@OTHER.TEST", false },
        /* another realm's own TGT */
        { "alice@SPN.TEST", "krbtgt/OTHER.TEST@OTHER.TEST", false },
        /* realms are case-sensitive */
        { "alice@SPN.TEST", "krbtgt/spn.test@SPN.TEST", false },
        /* not a TGT */
        { "alice@SPN.TEST", "ldap/dc1.spn.test@SPN.TEST", false },
        { "alice@SPN.TEST", "krbtgt@SPN.TEST", false },
        { "alice@SPN.TEST", "krbtgt/SPN.TEST/x@SPN.TEST", false },
        { "alice@SPN.TEST", "krbtgz/SPN.TEST@SPN.TEST", false },
        { "alice@SPN.TEST", "KRBTGT/SPN.TEST@SPN.TEST", false },
    };
    krb5_context kc;

    (void)state;
    assert_int_equal(krb5_init_context(&kc), 0);
    for (size_t i = 0; i < NCASES(cases); i++) {
        krb5_principal c = NULL, s = NULL;

        assert_int_equal(krb5_parse_name(kc, cases[i].client, &c), 0);
        assert_int_equal(krb5_parse_name(kc, cases[i].server, &s), 0);
        if (creds_home_tgt(kc, c, s) != cases[i].home)
            fail_msg("case #%zu: %s for %s: %s, expected %s", i,
                     cases[i].server, cases[i].client,
                     cases[i].home ? "no TGT" : "TGT",
                     cases[i].home ? "TGT" : "no TGT");
        krb5_free_principal(kc, c);
        krb5_free_principal(kc, s);
    }
    assert_false(creds_home_tgt(kc, NULL, NULL));
    krb5_free_context(kc);
}

int unit_creds(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(creds_hints),
        cmocka_unit_test(creds_home_tgts),
    };

    return cmocka_run_group_tests_name("creds", tests, NULL, NULL);
}
