/*
 * netlogon, cldap: the LDAP ping's answer decoded (MS-ADTS 6.3.1.9), its
 * names (RFC 1035 4.1.4 compression), its flags, and the CLDAP framing
 * around it; on answers captured from the Samba 4.17 test DC, and on
 * truncated, oversized and malformed ones.
 */
#include "unit.h"

#include <stdlib.h>

#include "cldap.h"
#include "netlogon.h"
#include "xalloc.h"

/*
 * Captured from the test DC (tests/dc/testdc.sh) with
 *   ldapsearch -x -H ldap://127.0.0.2 -b "" -s base \
 *       "(&(DnsDomain=spn.test)(NtVer=\06\00\00\00))" Netlogon
 * first as provisioned (client and DC in Default-First-Site-Name, flags
 * 0x11bd), then after "samba-tool sites create Branch-Site" and "samba-tool
 * sites subnet create 127.0.0.0/8 Branch-Site" (client in Branch-Site,
 * flags 0x113d: no CLOSEST).  cldap_reply: the whole UDP answer datagram
 * to cldap_request(7, "spn.test"), Branch-Site configured.  rodc: the same
 * search of a Samba read-only DC, DC2, joined to the test domain on
 * loopback ("samba-tool domain join spn.test RODC"; flags 0x08bc).  The same bytes
 * seed the fuzz target (tests/fuzz/corpus/netlogon/).
 */
static const unsigned char default_site[] = {
    0x17, 0x00, 0x00, 0x00, 0xbd, 0x11, 0x00, 0x00, 0x25, 0x4a, 0xbc, 0x8e,
    0xd1, 0x4b, 0x34, 0x40, 0x9d, 0x8c, 0xb3, 0xdd, 0x89, 0x6f, 0x2f, 0xfb,
    0x03, 0x73, 0x70, 0x6e, 0x04, 0x74, 0x65, 0x73, 0x74, 0x00, 0xc0, 0x18,
    0x03, 0x64, 0x63, 0x31, 0xc0, 0x18, 0x03, 0x53, 0x50, 0x4e, 0x00, 0x03,
    0x44, 0x43, 0x31, 0x00, 0x00, 0x17, 0x44, 0x65, 0x66, 0x61, 0x75, 0x6c,
    0x74, 0x2d, 0x46, 0x69, 0x72, 0x73, 0x74, 0x2d, 0x53, 0x69, 0x74, 0x65,
    0x2d, 0x4e, 0x61, 0x6d, 0x65, 0x00, 0xc0, 0x35, 0x05, 0x00, 0x00, 0x00,
    0xff, 0xff, 0xff, 0xff,
};

static const unsigned char branch_site[] = {
    0x17, 0x00, 0x00, 0x00, 0x3d, 0x11, 0x00, 0x00, 0x25, 0x4a, 0xbc, 0x8e,
    0xd1, 0x4b, 0x34, 0x40, 0x9d, 0x8c, 0xb3, 0xdd, 0x89, 0x6f, 0x2f, 0xfb,
    0x03, 0x73, 0x70, 0x6e, 0x04, 0x74, 0x65, 0x73, 0x74, 0x00, 0xc0, 0x18,
    0x03, 0x64, 0x63, 0x31, 0xc0, 0x18, 0x03, 0x53, 0x50, 0x4e, 0x00, 0x03,
    0x44, 0x43, 0x31, 0x00, 0x00, 0x17, 0x44, 0x65, 0x66, 0x61, 0x75, 0x6c,
    0x74, 0x2d, 0x46, 0x69, 0x72, 0x73, 0x74, 0x2d, 0x53, 0x69, 0x74, 0x65,
    0x2d, 0x4e, 0x61, 0x6d, 0x65, 0x00, 0x0b, 0x42, 0x72, 0x61, 0x6e, 0x63,
    0x68, 0x2d, 0x53, 0x69, 0x74, 0x65, 0x00, 0x05, 0x00, 0x00, 0x00, 0xff,
    0xff, 0xff, 0xff,
};

static const unsigned char rodc[] = {
    0x17, 0x00, 0x00, 0x00, 0xbc, 0x08, 0x00, 0x00, 0x25, 0x4a, 0xbc, 0x8e,
    0xd1, 0x4b, 0x34, 0x40, 0x9d, 0x8c, 0xb3, 0xdd, 0x89, 0x6f, 0x2f, 0xfb,
    0x03, 0x73, 0x70, 0x6e, 0x04, 0x74, 0x65, 0x73, 0x74, 0x00, 0xc0, 0x18,
    0x03, 0x64, 0x63, 0x32, 0xc0, 0x18, 0x03, 0x53, 0x50, 0x4e, 0x00, 0x03,
    0x44, 0x43, 0x32, 0x00, 0x00, 0x17, 0x44, 0x65, 0x66, 0x61, 0x75, 0x6c,
    0x74, 0x2d, 0x46, 0x69, 0x72, 0x73, 0x74, 0x2d, 0x53, 0x69, 0x74, 0x65,
    0x2d, 0x4e, 0x61, 0x6d, 0x65, 0x00, 0xc0, 0x35, 0x05, 0x00, 0x00, 0x00,
    0xff, 0xff, 0xff, 0xff,
};

static const unsigned char reply_datagram[] = {
    0x30, 0x7c, 0x02, 0x01, 0x07, 0x64, 0x77, 0x04, 0x00, 0x30, 0x73, 0x30,
    0x71, 0x04, 0x08, 0x6e, 0x65, 0x74, 0x6c, 0x6f, 0x67, 0x6f, 0x6e, 0x31,
    0x65, 0x04, 0x63, 0x17, 0x00, 0x00, 0x00, 0x3d, 0x11, 0x00, 0x00, 0x25,
    0x4a, 0xbc, 0x8e, 0xd1, 0x4b, 0x34, 0x40, 0x9d, 0x8c, 0xb3, 0xdd, 0x89,
    0x6f, 0x2f, 0xfb, 0x03, 0x73, 0x70, 0x6e, 0x04, 0x74, 0x65, 0x73, 0x74,
    0x00, 0xc0, 0x18, 0x03, 0x64, 0x63, 0x31, 0xc0, 0x18, 0x03, 0x53, 0x50,
    0x4e, 0x00, 0x03, 0x44, 0x43, 0x31, 0x00, 0x00, 0x17, 0x44, 0x65, 0x66,
    0x61, 0x75, 0x6c, 0x74, 0x2d, 0x46, 0x69, 0x72, 0x73, 0x74, 0x2d, 0x53,
    0x69, 0x74, 0x65, 0x2d, 0x4e, 0x61, 0x6d, 0x65, 0x00, 0x0b, 0x42, 0x72,
    0x61, 0x6e, 0x63, 0x68, 0x2d, 0x53, 0x69, 0x74, 0x65, 0x00, 0x05, 0x00,
    0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x30, 0x0c, 0x02, 0x01, 0x07, 0x65,
    0x07, 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00,
};

static void decode_ok(const unsigned char *b, size_t len, struct netlogon *nl)
{
    char *msg = NULL;

    if (netlogon_decode(b, len, nl, &msg) != 0) {
        print_error("refused: %s\n", msg);
        free(msg);
        fail();
    }
    assert_null(msg);
}

static void decode_bad(const char *what, const unsigned char *b, size_t len,
                       const char *want)
{
    struct netlogon nl;
    char *msg = NULL;

    if (netlogon_decode(b, len, &nl, &msg) == 0) {
        netlogon_free(&nl);
        fail_msg("%s: accepted", what);
    }
    assert_null(nl.host); /* nothing left behind */
    unit_expect_err(what, msg, want);
}

static void netlogon_default_site(void **state)
{
    struct netlogon nl;

    (void)state;
    decode_ok(default_site, sizeof(default_site), &nl);
    assert_int_equal(nl.opcode, NETLOGON_LOGON_RESPONSE_EX);
    assert_int_equal(nl.flags, 0x11bd);
    assert_string_equal(nl.forest, "spn.test");
    assert_string_equal(nl.domain, "spn.test");
    assert_string_equal(nl.host, "dc1.spn.test");
    assert_string_equal(nl.netbios_domain, "SPN");
    assert_string_equal(nl.netbios_host, "DC1");
    assert_string_equal(nl.user, "");
    assert_string_equal(nl.server_site, "Default-First-Site-Name");
    assert_string_equal(nl.client_site, "Default-First-Site-Name");
    assert_string_equal(nl.next_site, "");
    assert_int_equal(nl.nt_version, 5);
    assert_memory_equal(nl.domain_guid, default_site + 8, 16);
    assert_true(nl.flags & NETLOGON_CLOSEST);
    assert_true(nl.flags & NETLOGON_WRITABLE);
    netlogon_free(&nl);
    netlogon_free(&nl); /* twice: cleared the first time */
}

static void netlogon_branch_site(void **state)
{
    struct netlogon nl;

    (void)state;
    decode_ok(branch_site, sizeof(branch_site), &nl);
    assert_int_equal(nl.flags, 0x113d);
    assert_false(nl.flags & NETLOGON_CLOSEST);
    assert_string_equal(nl.server_site, "Default-First-Site-Name");
    assert_string_equal(nl.client_site, "Branch-Site");
    assert_string_equal(nl.host, "dc1.spn.test");
    netlogon_free(&nl);
}

static void netlogon_rodc(void **state)
{
    struct netlogon nl;

    (void)state;
    decode_ok(rodc, sizeof(rodc), &nl);
    assert_int_equal(nl.flags, 0x08bc);
    assert_false(nl.flags & NETLOGON_WRITABLE);
    assert_true(nl.flags & NETLOGON_SELECT_SECRET);
    assert_false(nl.flags & NETLOGON_PDC);
    assert_string_equal(nl.host, "dc2.spn.test");
    assert_string_equal(nl.netbios_host, "DC2");
    netlogon_free(&nl);
}

static void netlogon_flags(void **state)
{
    static const struct {
        uint32_t flags;
        const char *want;
    } c[] = {
        { 0x11bd, "PDC GC LDAP DS KDC CLOSEST WRITABLE FULL_SECRET" },
        { 0x113d, "PDC GC LDAP DS KDC WRITABLE FULL_SECRET" },
        /* a read-only DC: no WRITABLE, SELECT_SECRET instead of FULL */
        { 0x083c, "GC LDAP DS KDC RODC" },
        { 0xe0000000, "DNS_CONTROLLER DNS_DOMAIN DNS_FOREST" },
        { 0x1c000002, "0x1c000002" },
        { 0x0000, "0x0" },
        { 0x7fffe, "GC LDAP DS KDC TIMESERV CLOSEST WRITABLE GOOD_TIMESERV "
                   "NDNC RODC FULL_SECRET WS DS_8 DS_9 DS_10 KEY_LIST DS_13 0x2" },
    };

    (void)state;
    for (size_t i = 0; i < NCASES(c); i++) {
        char *got = netlogon_flags_text(c[i].flags);

        unit_same("flags", got, c[i].want);
        free(got);
    }
}

/* Every prefix of a real answer is refused, never read past. */
static void netlogon_truncated(void **state)
{
    (void)state;
    for (size_t len = 0; len < sizeof(branch_site); len++) {
        unsigned char *b = xrealloc(NULL, len);
        struct netlogon nl;
        char *msg = NULL;

        memcpy(b, branch_site, len);
        if (netlogon_decode(b, len, &nl, &msg) == 0) {
            netlogon_free(&nl);
            free(b);
            fail_msg("a prefix of %zu bytes accepted", len);
        }
        assert_non_null(msg);
        free(msg);
        free(b);
    }
}

static void netlogon_malformed(void **state)
{
    unsigned char b[sizeof(default_site) + 300];

    (void)state;
    /* opcode 19 (an NT 4 answer) */
    memcpy(b, default_site, sizeof(default_site));
    b[0] = 19;
    decode_bad("opcode", b, sizeof(default_site),
               "malformed LDAP ping answer: opcode 19, not 23 or 25 at byte 0");
    /* bytes past the end */
    memcpy(b, default_site, sizeof(default_site) - 8);
    memset(b + sizeof(default_site) - 8, 0, 4);
    memcpy(b + sizeof(default_site) - 4, default_site + sizeof(default_site) - 8, 8);
    decode_bad("oversized", b, sizeof(default_site) + 4,
               "malformed LDAP ping answer: bytes past the end at byte 80");
    /* a pointer to itself (a loop) in DnsDomainName, at byte 34 */
    memcpy(b, default_site, sizeof(default_site));
    b[34] = 0xc0;
    b[35] = 34;
    decode_bad("self pointer", b, sizeof(default_site),
               "malformed LDAP ping answer: bad DnsDomainName at byte 34");
    /* a pointer forward, past the name that holds it */
    b[35] = 40;
    decode_bad("forward pointer", b, sizeof(default_site),
               "malformed LDAP ping answer: bad DnsDomainName at byte 34");
    /* a pointer past the end */
    b[34] = 0xff;
    b[35] = 0xff;
    decode_bad("far pointer", b, sizeof(default_site),
               "malformed LDAP ping answer: bad DnsDomainName at byte 34");
    /* the reserved label forms 01 and 10 */
    memcpy(b, default_site, sizeof(default_site));
    b[24] = 0x40;
    decode_bad("label 0x40", b, sizeof(default_site),
               "malformed LDAP ping answer: bad DnsForestName at byte 24");
    b[24] = 0x80;
    decode_bad("label 0x80", b, sizeof(default_site),
               "malformed LDAP ping answer: bad DnsForestName at byte 24");
    /* a label running past the end */
    memcpy(b, default_site, sizeof(default_site));
    b[24] = 63;
    decode_bad("long label", b, 60,
               "malformed LDAP ping answer: bad DnsForestName at byte 24");
    /* a NUL or a dot inside a label */
    memcpy(b, default_site, sizeof(default_site));
    b[26] = '\0';
    decode_bad("NUL in label", b, sizeof(default_site),
               "malformed LDAP ping answer: bad DnsForestName at byte 24");
    b[26] = '.';
    decode_bad("dot in label", b, sizeof(default_site),
               "malformed LDAP ping answer: bad DnsForestName at byte 24");
    /* too short for the header */
    decode_bad("short", default_site, 10,
               "malformed LDAP ping answer: too short at byte 10");
    /* NtVersion says an address follows, whose size is too big */
    memcpy(b, default_site, sizeof(default_site));
    b[sizeof(default_site) - 8] = 0x0d;
    decode_bad("sockaddr", b, sizeof(default_site),
               "malformed LDAP ping answer: bad DcSockAddr at byte 80");
}

/* A name of more than 255 octets, built of pointers going back. */
static void netlogon_names(void **state)
{
    unsigned char b[600];
    char out[NETLOGON_NAME_MAX + 1];
    size_t pos, n = 0;

    (void)state;
    /* "a" x 63, then pointer chains: 4 labels of 63 make 255 with dots */
    for (int k = 0; k < 5; k++) {
        b[n++] = 63;
        memset(b + n, 'a' + k, 63);
        n += 63;
    }
    b[n++] = 0;
    pos = 0;
    assert_int_equal(netlogon_name(b, n, &pos, out), -1); /* 319 octets */
    /* four labels: 4 * 63 + 3 dots = 255, the most there may be */
    b[4 * 64] = 0;
    pos = 0;
    assert_int_equal(netlogon_name(b, 4 * 64 + 1, &pos, out), 0);
    assert_int_equal(strlen(out), 255);
    assert_int_equal(pos, 4 * 64 + 1);
    /* a name that is one pointer back to it: pos moves past the pointer */
    b[4 * 64 + 1] = 0xc0;
    b[4 * 64 + 2] = 64 * 3;
    pos = 4 * 64 + 1;
    assert_int_equal(netlogon_name(b, 4 * 64 + 3, &pos, out), 0);
    assert_int_equal(pos, 4 * 64 + 3);
    assert_int_equal(strlen(out), 63);
    /* two pointers, each pointing to the other: refused */
    b[0] = 0xc0;
    b[1] = 2;
    b[2] = 0xc0;
    b[3] = 0;
    pos = 2;
    assert_int_equal(netlogon_name(b, 4, &pos, out), -1);
    /* the empty name */
    b[0] = 0;
    pos = 0;
    assert_int_equal(netlogon_name(b, 1, &pos, out), 0);
    assert_string_equal(out, "");
    assert_int_equal(pos, 1);
}

static void cldap_request_encoding(void **state)
{
    static const unsigned char want[] = {
        0x30, 0x4a, 0x02, 0x01, 0x07, 0x63, 0x45, 0x04, 0x00, 0x0a, 0x01,
        0x00, 0x0a, 0x01, 0x00, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x01,
        0x01, 0x00, 0xa0, 0x26, 0xa3, 0x15, 0x04, 0x09, 'D',  'n',  's',
        'D',  'o',  'm',  'a',  'i',  'n',  0x04, 0x08, 's',  'p',  'n',
        '.',  't',  'e',  's',  't',  0xa3, 0x0d, 0x04, 0x05, 'N',  't',
        'V',  'e',  'r',  0x04, 0x04, 0x06, 0x00, 0x00, 0x00, 0x30, 0x0a,
        0x04, 0x08, 'N',  'e',  't',  'l',  'o',  'g',  'o',  'n',
    };
    size_t len = 0;
    unsigned char *req;

    (void)state;
    req = cldap_request(7, "spn.test", &len);
    assert_int_equal(len, sizeof(want));
    assert_memory_equal(req, want, len);
    free(req);
}

static void cldap_reply_real(void **state)
{
    unsigned char *v = NULL;
    size_t vlen = 0;
    char *msg = NULL;
    struct netlogon nl;

    (void)state;
    assert_int_equal(cldap_reply(reply_datagram, sizeof(reply_datagram), 7, &v,
                                 &vlen, &msg), 0);
    assert_null(msg);
    assert_int_equal(vlen, sizeof(branch_site));
    assert_memory_equal(v, branch_site, vlen);
    decode_ok(v, vlen, &nl);
    assert_string_equal(nl.client_site, "Branch-Site");
    netlogon_free(&nl);
    free(v);
    /* the answer to another request */
    assert_int_equal(cldap_reply(reply_datagram, sizeof(reply_datagram), 8, &v,
                                 &vlen, &msg), -1);
    assert_null(v);
    unit_expect_err("other id", msg, "an answer to message 7, not 8");
}

static void cldap_reply_bad(void **state)
{
    unsigned char b[sizeof(reply_datagram) + 8];
    unsigned char *v = (unsigned char *)b; /* must be reset */
    size_t vlen = 99;
    char *msg = NULL;

    (void)state;
    /* every prefix */
    for (size_t len = 0; len < sizeof(reply_datagram); len++) {
        if (len == 126)
            continue; /* the entry whole, below */
        v = b;
        if (cldap_reply(reply_datagram, len, 7, &v, &vlen, &msg) == 0)
            fail_msg("a prefix of %zu bytes accepted", len);
        assert_null(v);
        assert_int_equal(vlen, 0);
        assert_non_null(msg);
        free(msg);
    }
    /* the entry alone (no search done): still the value */
    assert_int_equal(cldap_reply(reply_datagram, 126, 7, &v, &vlen, &msg), 0);
    free(v);
    /* a search done with an error */
    memcpy(b, reply_datagram + 126, 14);
    b[9] = 1;
    assert_int_equal(cldap_reply(b, 14, 7, &v, &vlen, &msg), -1);
    unit_expect_err("error", msg, "the search failed: Operations error (1)");
    /* a search done and no entry */
    b[9] = 0;
    assert_int_equal(cldap_reply(b, 14, 7, &v, &vlen, &msg), -1);
    unit_expect_err("no entry", msg, "no Netlogon value in the answer");
    /* not BER */
    assert_int_equal(cldap_reply((const unsigned char *)"hello", 5, 7, &v,
                                 &vlen, &msg), -1);
    free(msg);
    /* an oversized length */
    memcpy(b, reply_datagram, sizeof(reply_datagram));
    b[1] = 0x7f;
    assert_int_equal(cldap_reply(b, sizeof(reply_datagram), 7, &v, &vlen, &msg),
                     -1);
    free(msg);
}

int unit_netlogon(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(netlogon_default_site),
        cmocka_unit_test(netlogon_branch_site),
        cmocka_unit_test(netlogon_rodc),
        cmocka_unit_test(netlogon_flags),
        cmocka_unit_test(netlogon_truncated),
        cmocka_unit_test(netlogon_malformed),
        cmocka_unit_test(netlogon_names),
        cmocka_unit_test(cldap_request_encoding),
        cmocka_unit_test(cldap_reply_real),
        cmocka_unit_test(cldap_reply_bad),
    };

    return cmocka_run_group_tests_name("netlogon", tests, NULL, NULL);
}
