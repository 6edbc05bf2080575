/*
 * libFuzzer target: what a DC (or anything on port 389) sends back to an
 * LDAP ping.  Each input is taken both as a UDP answer datagram
 * (cldap_reply, then the Netlogon value it holds decoded) and as a
 * Netlogon value itself (netlogon_decode).  Besides the sanitizers (leaks
 * included), it checks the decoders' promises and aborts when one breaks:
 *
 *   - a refusal leaves a message and nothing else allocated;
 *   - an answer's names are at most 255 bytes, hold no NUL and, for the
 *     DNS names, no empty label (no "..", no leading or trailing dot);
 *   - netlogon_flags_text gives a non-empty text;
 *   - a value taken from a datagram lies within it.
 *
 * Seeds: tests/fuzz/corpus/netlogon/ (answers captured from the test DC).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cldap.h"
#include "fuzz.h"
#include "netlogon.h"

static void check_name(const char *s, bool dns)
{
    size_t n;

    CHECK(s != NULL);
    n = strlen(s);
    CHECK(n <= NETLOGON_NAME_MAX);
    if (dns && n > 0)
        CHECK(s[0] != '.' && s[n - 1] != '.' && strstr(s, "..") == NULL);
}

static void check_blob(const unsigned char *b, size_t len)
{
    struct netlogon nl;
    char *msg = NULL, *flags;

    if (netlogon_decode(b, len, &nl, &msg) != 0) {
        CHECK(msg != NULL && *msg != '\0');
        CHECK(nl.forest == NULL && nl.host == NULL && nl.client_site == NULL);
        free(msg);
        netlogon_free(&nl);
        return;
    }
    CHECK(msg == NULL);
    CHECK(nl.opcode == NETLOGON_LOGON_RESPONSE_EX
          || nl.opcode == NETLOGON_USER_UNKNOWN_EX);
    check_name(nl.forest, true);
    check_name(nl.domain, true);
    check_name(nl.host, true);
    check_name(nl.netbios_domain, true);
    check_name(nl.netbios_host, true);
    check_name(nl.user, true);
    check_name(nl.server_site, true);
    check_name(nl.client_site, true);
    check_name(nl.next_site, true);
    flags = netlogon_flags_text(nl.flags);
    CHECK(flags != NULL && *flags != '\0');
    free(flags);
    netlogon_free(&nl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char *v = NULL;
    size_t vlen = 0;
    char *msg = NULL;

    if (cldap_reply(data, size, 7, &v, &vlen, &msg) == 0) {
        CHECK(msg == NULL && v != NULL && vlen <= size);
        check_blob(v, vlen);
        free(v);
    } else {
        CHECK(msg != NULL && v == NULL && vlen == 0);
        free(msg);
    }
    check_blob(data, size);
    return 0;
}
