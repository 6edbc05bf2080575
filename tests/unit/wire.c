/*
 * wire: server diagnostics, URI lists, the Global Catalog's URI and
 * replPropertyMetaData, without a DC.
 */
#include "unit.h"

#include <stdlib.h>

#include "wire.h"
#include "xalloc.h"

static void wire_diag_trimmed(void **state)
{
    static const struct {
        const char *diag, *want;
    } cases[] = {
        { "", "" },
        { "plain", "plain" },
        { "0000202F: samldb: would cause a conflict\n",
          "0000202F: samldb: would cause a conflict" },
        { "text\r\n", "text" },
        { "text \n \r\n  ", "text" },
        { "\n\r \n", "" },
        /* only the end: newlines and blanks inside stay */
        { "  a\nb c\n", "  a\nb c" },
        { "000021C7: AtrErr: DSID-03200BBA, #1:\n\t0: 000021C7\n",
          "000021C7: AtrErr: DSID-03200BBA, #1:\n\t0: 000021C7" },
    };

    (void)state;
    assert_string_equal(wire_clean_diag(NULL), "");
    for (size_t i = 0; i < NCASES(cases); i++) {
        char *d = xstrdup(cases[i].diag);
        const char *got = wire_clean_diag(d);
        char what[32];

        snprintf(what, sizeof(what), "diagnostic #%zu", i);
        /* in place */
        if (got != d) {
            free(d);
            fail_msg("%s: not trimmed in place", what);
        }
        if (strcmp(got, cases[i].want) != 0) {
            print_error("%s:\ngot      \"%s\"\nexpected \"%s\"\n", what, got,
                        cases[i].want);
            free(d);
            fail();
        }
        free(d);
    }
}

/* A list and the URIs it splits into (none: refused). */
struct uri_case {
    const char *list;
    const char *want[4]; /* NULL-terminated */
};

static void check_uri_cases(const struct uri_case *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char **uris = (char **)&uris; /* not NULL: must be set */
        size_t nuris = 99, nwant = 0;
        bool ok = wire_split_uris(c[i].list, &uris, &nuris);

        while (nwant < NCASES(c[i].want) && c[i].want[nwant] != NULL)
            nwant++;
        if (nwant == 0) {
            if (ok || uris != NULL || nuris != 0) {
                xstrv_free(ok ? uris : NULL, ok ? nuris : 0);
                fail_msg("\"%s\" accepted, expected a refusal", c[i].list);
            }
            continue;
        }
        if (!ok)
            fail_msg("\"%s\" refused", c[i].list);
        if (nuris != nwant) {
            print_error("\"%s\": %zu URIs, expected %zu\n", c[i].list, nuris,
                        nwant);
            for (size_t k = 0; k < nuris; k++)
                print_error("  [%zu] %s\n", k, uris[k]);
            xstrv_free(uris, nuris);
            fail();
        }
        for (size_t k = 0; k < nuris; k++)
            if (strcmp(uris[k], c[i].want[k]) != 0) {
                print_error("\"%s\": URI %zu is \"%s\", expected \"%s\"\n",
                            c[i].list, k, uris[k], c[i].want[k]);
                xstrv_free(uris, nuris);
                fail();
            }
        xstrv_free(uris, nuris);
    }
}

static void wire_uri_lists(void **state)
{
    static const struct uri_case cases[] = {
        /* libldap fills in the scheme's port */
        { "ldap://dc1.spn.test", { "ldap://dc1.spn.test:389" } },
        { "ldaps://dc1.spn.test", { "ldaps://dc1.spn.test:636" } },
        { "ldap://dc1:1389", { "ldap://dc1:1389" } },
        { "LDAP://DC1", { "ldap://DC1:389" } },
        { "ldap://a ldap://b", { "ldap://a:389", "ldap://b:389" } },
        /* commas, blanks and tabs, in any number, between and around */
        { "ldap://a,ldaps://b:1636", { "ldap://a:389", "ldaps://b:1636" } },
        { " ,\tldap://a , ,ldap://b\t\t ldap://c,",
          { "ldap://a:389", "ldap://b:389", "ldap://c:389" } },
        /* IPv6 literals keep their brackets */
        { "ldap://[::1]", { "ldap://[::1]:389" } },
        { "ldaps://[fe80::1]:3269 ldap://127.0.0.1",
          { "ldaps://[fe80::1]:3269", "ldap://127.0.0.1:389" } },
        /* a base DN, attributes, scope or filter mean nothing here */
        { "ldap://dc1/dc=spn", { "ldap://dc1:389" } },
        { "ldap://dc1:389/dc=spn?cn?sub?(cn=x)", { "ldap://dc1:389" } },
        /* a bare host name, as adcli and msktutil take a DC */
        { "dc1.spn.test", { "ldap://dc1.spn.test:389" } },
        { "dc1.spn.test:1389 ldaps://b", { "ldap://dc1.spn.test:1389", "ldaps://b:636" } },
        { "127.0.0.2", { "ldap://127.0.0.2:389" } },
        { "ldap://a dc1", { "ldap://a:389", "ldap://dc1:389" } },
    };

    (void)state;
    check_uri_cases(cases, NCASES(cases));
}

static void wire_uri_refused(void **state)
{
    static const struct uri_case cases[] = {
        { "", { NULL } },
        { " ,\t, ", { NULL } },
        { "http://dc1", { NULL } },
        { "ldap://", { NULL } }, /* no host */
        { "ldap:///dc=spn", { NULL } },
        /* one bad URI spoils the list */
        { "ldap://a,ldap://", { NULL } },
        { "ldap://a ldap://[::1", { NULL } },
    };

    (void)state;
    check_uri_cases(cases, NCASES(cases));
}

static void wire_gc(void **state)
{
    static const struct {
        const char *uri, *want; /* want NULL: no GC */
    } cases[] = {
        { "ldap://dc1.spn.test", "ldap://dc1.spn.test:3268" },
        { "ldap://dc1.spn.test:389", "ldap://dc1.spn.test:3268" },
        { "ldap://dc1:1389/dc=spn,dc=test", "ldap://dc1:3268" },
        { "ldaps://dc1.spn.test:636", "ldaps://dc1.spn.test:3269" },
        { "LDAPS://dc1", "ldaps://dc1:3269" },
        { "ldap://[::1]:389", "ldap://[::1]:3268" },
        { "ldaps://[fe80::1]", "ldaps://[fe80::1]:3269" },
        { "ldap://127.0.0.1", "ldap://127.0.0.1:3268" },
        { "ldap://", NULL },
        { "ldap:///dc=spn", NULL },
        { "dc1.spn.test", NULL },
        { "", NULL },
    };

    (void)state;
    assert_null(wire_gc_uri(NULL));
    for (size_t i = 0; i < NCASES(cases); i++) {
        char *got = wire_gc_uri(cases[i].uri);
        bool same = cases[i].want == NULL
                        ? got == NULL
                        : got != NULL && strcmp(got, cases[i].want) == 0;

        if (!same)
            print_error("wire_gc_uri(\"%s\") = %s, expected %s\n",
                        cases[i].uri, got ? got : "NULL",
                        cases[i].want ? cases[i].want : "NULL");
        free(got);
        if (!same)
            fail();
    }
}

/* ------------------------------------------------------------------ */
/* replPropertyMetaData                                                */

#define ATTID_SPN 0x00090303ul

static void put32(unsigned char *p, unsigned long v)
{
    p[0] = (unsigned char)(v & 0xff);
    p[1] = (unsigned char)((v >> 8) & 0xff);
    p[2] = (unsigned char)((v >> 16) & 0xff);
    p[3] = (unsigned char)((v >> 24) & 0xff);
}

/* A replPropertyMetaDataBlob: version 1, reserved, count, reserved, then
 * count 48-byte entries (attid, version, change time, originating DSA,
 * USNs), filled with junk where the parser must not look. */
static size_t make_blob(unsigned char *b, size_t cap, unsigned long count,
                        const unsigned long (*attrs)[2], size_t nattrs)
{
    size_t len = 16 + nattrs * 48;

    assert_true(len <= cap);
    memset(b, 0xa5, len);
    put32(b, 1);
    put32(b + 4, 0);
    put32(b + 8, count);
    put32(b + 12, 0);
    for (size_t i = 0; i < nattrs; i++) {
        put32(b + 16 + i * 48, attrs[i][0]);
        put32(b + 16 + i * 48 + 4, attrs[i][1]);
    }
    return len;
}

static void wire_meta(void **state)
{
    static const unsigned long attrs[][2] = {
        { 0x00000000ul, 1 },    /* objectClass */
        { 0x00090001ul, 3 },    /* a 0x9xxxx neighbour */
        { ATTID_SPN, 7 },
        { 0x0009030eul, 0xfffffffful },
    };
    unsigned char b[16 + 8 * 48];
    size_t len = make_blob(b, sizeof(b), 4, attrs, 4);

    (void)state;
    assert_int_equal(len, 16 + 4 * 48);
    assert_int_equal(wire_meta_version(b, len, ATTID_SPN), 7);
    assert_int_equal(wire_meta_version(b, len, 0x00090001ul), 3);
    assert_int_equal(wire_meta_version(b, len, 0), 1);
    /* the whole 32-bit version */
    assert_int_equal(wire_meta_version(b, len, 0x0009030eul), 0xfffffffful);
    /* not listed */
    assert_int_equal(wire_meta_version(b, len, 0x00090304ul), 0);

    /* short blobs: nothing past the end is read */
    assert_int_equal(wire_meta_version(NULL, 0, ATTID_SPN), 0);
    assert_int_equal(wire_meta_version(b, 0, ATTID_SPN), 0);
    assert_int_equal(wire_meta_version(b, 15, ATTID_SPN), 0);
    assert_int_equal(wire_meta_version(b, 16, ATTID_SPN), 0);
    /* the third entry cut short is not read; the first two are */
    assert_int_equal(wire_meta_version(b, 16 + 3 * 48 - 1, ATTID_SPN), 0);
    assert_int_equal(wire_meta_version(b, 16 + 3 * 48 - 1, 0x00090001ul), 3);
    assert_int_equal(wire_meta_version(b, 16 + 3 * 48, ATTID_SPN), 7);
}

/* The count says how many entries there are, whatever follows them; a
 * count larger than the blob is bounded by it. */
static void wire_meta_count(void **state)
{
    static const unsigned long attrs[][2] = {
        { 0x00090001ul, 3 },
        { ATTID_SPN, 7 },
    };
    static const unsigned long twice[][2] = {
        { ATTID_SPN, 2 },
        { ATTID_SPN, 9 },
    };
    unsigned char b[16 + 4 * 48];
    size_t len;

    (void)state;
    len = make_blob(b, sizeof(b), 1, attrs, 2);
    assert_int_equal(wire_meta_version(b, len, 0x00090001ul), 3);
    assert_int_equal(wire_meta_version(b, len, ATTID_SPN), 0);
    len = make_blob(b, sizeof(b), 0, attrs, 2);
    assert_int_equal(wire_meta_version(b, len, 0x00090001ul), 0);
    len = make_blob(b, sizeof(b), 0xfffffffful, attrs, 2);
    assert_int_equal(wire_meta_version(b, len, ATTID_SPN), 7);
    /* listed twice: the last one counts */
    len = make_blob(b, sizeof(b), 2, twice, 2);
    assert_int_equal(wire_meta_version(b, len, ATTID_SPN), 9);
}

static void wire_range_forms(void **state)
{
    unsigned long lo, hi;
    bool end;

    (void)state;
    assert_true(wire_range("servicePrincipalName;range=0-1499",
                           "servicePrincipalName", &lo, &hi, &end));
    assert_int_equal(lo, 0);
    assert_int_equal(hi, 1499);
    assert_false(end);
    assert_true(wire_range("SERVICEPRINCIPALNAME;Range=1500-*",
                           "servicePrincipalName", &lo, &hi, &end));
    assert_int_equal(lo, 1500);
    assert_true(end);
    assert_true(wire_range("servicePrincipalName;binary;range=3-4",
                           "servicePrincipalName", &lo, &hi, &end));
    assert_int_equal(lo, 3);
    assert_int_equal(hi, 4);
    assert_true(wire_range("servicePrincipalName;range=2-5;x",
                           "servicePrincipalName", &lo, &hi, &end));
}

static void wire_range_refused(void **state)
{
    unsigned long lo, hi;
    bool end;
    static const char *const bad[] = {
        "servicePrincipalName",
        "servicePrincipalNameX;range=0-1",
        "servicePrincipalName;range=",
        "servicePrincipalName;range=5-4",
        "servicePrincipalName;range=-4",
        "servicePrincipalName;range=0-",
        "servicePrincipalName;range=0-1x",
        "servicePrincipalName;range=a-*",
        "servicePrincipalName;range=0-99999999999",
        "servicePrincipalName;range=2147483648-*",
        "servicePrincipalName;binary",
        "sAMAccountName;range=0-1",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
        assert_false(wire_range(bad[i], "servicePrincipalName", &lo, &hi,
                                &end));
}

static void wire_references(void **state)
{
    const char *cfg = "CN=Configuration,DC=spn,DC=test";

    (void)state;
    assert_true(wire_reference_accountless(
        "ldap://spn.test/CN=Configuration,DC=spn,DC=test", cfg));
    assert_true(wire_reference_accountless(
        "ldap://spn.test/cn=schema,CN=Configuration,DC=SPN,DC=TEST", cfg));
    assert_true(wire_reference_accountless(
        "ldap://ForestDnsZones.spn.test/DC=ForestDnsZones,DC=spn,DC=test",
        cfg));
    assert_true(wire_reference_accountless(
        "ldap://DomainDnsZones.spn.test/DC=DomainDnsZones,DC=spn,DC=test",
        NULL));
    assert_false(wire_reference_accountless(
        "ldap://child.spn.test/DC=child,DC=spn,DC=test", cfg));
    assert_false(wire_reference_accountless(
        "ldap://x/XCN=Configuration,DC=spn,DC=test", cfg));
    assert_false(wire_reference_accountless("not a url", cfg));
    assert_false(wire_reference_accountless(NULL, cfg));
    assert_false(wire_reference_accountless("ldap://host", cfg));
}

/* ------------------------------------------------------------ account */

/* libldap's debug lines of a failed connect, as GnuTLS builds log them. */
static void wire_connect_causes(void **state)
{
#define TCP_OK "ldap_connect_to_host: Trying 127.0.0.1:636\n" \
               "ldap_pvt_connect: fd: 3 tm: 5 async: 0\n" \
               "attempting to connect: \nconnect errno: 115\n" \
               "ldap_int_poll: fd: 3 tm: 5\nldap_pvt_connect: 0\n"
    static const struct {
        const char *trace, *want; /* want: the whole text; NULL: none */
    } cases[] = {
        { "ldap_pvt_connect: fd: 3 tm: -1 async: 0\nattempting to connect: "
          "\nconnect errno: 111\nldap_close_socket: 3\n",
          "could not connect: Connection refused" },
        { "attempting to connect: \nconnect errno: 115\nldap_int_poll: fd: 3"
          " tm: 5\nldap_is_socket_ready: error on socket 3: errno: 111 "
          "(Connection refused)\nldap_pvt_connect: -1\n",
          "could not connect: Connection refused" },
        { "connect errno: 115\nldap_int_poll: timed out\n",
          "could not connect: no answer in time" },
        { TCP_OK "TLS: peer cert untrusted or revoked (0x402)\n"
                 "TLS: can't connect: (unknown error code).\n",
          "TLS with dc1 failed: its certificate has expired" },
        { TCP_OK "TLS: peer cert untrusted or revoked (0x42)\n",
          "TLS with dc1 failed: its certificate is not signed by a CA in "
          "--cacert or TLS_CACERT" },
        { TCP_OK "TLS: peer cert untrusted or revoked (0x600)\n",
          "TLS with dc1 failed: its certificate has expired; its certificate "
          "is not valid yet" },
        { TCP_OK "TLS: peer cert untrusted or revoked (0x2)\n",
          "TLS with dc1 failed: its certificate was not accepted (GnuTLS "
          "status 2)" },
        { TCP_OK "TLS: peer certificate is expired\n",
          "TLS with dc1 failed: its certificate has expired" },
        { TCP_OK "TLS: hostname (dc1) does not match common name in "
                 "certificate (other).\nTLS: can't connect: (unknown error "
                 "code).\n",
          "TLS with dc1 failed: hostname (dc1) does not match common name in "
          "certificate (other): name the DC in -H as its certificate does" },
        /* OpenSSL builds say it in the handshake's error */
        { "connect success\nTLS: can't connect: error:0A000086:SSL routines::"
          "certificate verify failed (certificate has expired).\n",
          "TLS with dc1 failed: error:0A000086:SSL routines::certificate "
          "verify failed (certificate has expired)" },
        { TCP_OK "TLS: can't connect: (unknown error code).\n",
          "TLS with dc1 failed: the TLS handshake failed: check that its "
          "certificate names it and that --cacert or TLS_CACERT holds its CA" },
        { "ldap_connect_to_host: TCP dc1:389\nldap_connect_to_host: "
          "getaddrinfo failed: Name or service not known\n",
          "cannot resolve dc1: check the name, or /etc/resolv.conf and the "
          "DNS server it names" },
        /* nothing to tell */
        { "ldap_create\n", NULL },
        { "", NULL },
        { NULL, NULL },
    };
#undef TCP_OK

    (void)state;
    for (size_t i = 0; i < NCASES(cases); i++) {
        char *got = wire_connect_cause(cases[i].trace, "dc1");

        if (cases[i].want == NULL ? got != NULL
                                  : got == NULL || strcmp(got, cases[i].want) != 0)
            fail_msg("case #%zu: \"%s\", expected \"%s\"", i,
                     got ? got : "(none)",
                     cases[i].want ? cases[i].want : "(none)");
        free(got);
    }
}

int unit_wire(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(wire_diag_trimmed),
        cmocka_unit_test(wire_uri_lists),
        cmocka_unit_test(wire_uri_refused),
        cmocka_unit_test(wire_gc),
        cmocka_unit_test(wire_meta),
        cmocka_unit_test(wire_meta_count),
        cmocka_unit_test(wire_range_forms),
        cmocka_unit_test(wire_range_refused),
        cmocka_unit_test(wire_references),
        cmocka_unit_test(wire_connect_causes),
    };

    return cmocka_run_group_tests_name("wire", tests, NULL, NULL);
}
