#include "netlogon.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* Labels are at most 63 octets; the two top bits 11 make a pointer. */
#define LABEL_MAX 63
#define POINTER_BITS 0xc0u

int netlogon_name(const unsigned char *buf, size_t len, size_t *pos,
                  char out[NETLOGON_NAME_MAX + 1])
{
    size_t at = *pos, used = 0, end = 0;
    /* Every pointer must go before the one that led to it: strictly
     * backwards, so the walk ends. */
    size_t limit = *pos;
    bool jumped = false;

    out[0] = '\0';
    for (;;) {
        unsigned c;

        if (at >= len)
            return -1;
        c = buf[at];
        if (c == 0) {
            if (!jumped)
                end = at + 1;
            break;
        }
        if ((c & POINTER_BITS) == POINTER_BITS) {
            size_t target;

            if (at + 1 >= len)
                return -1;
            target = ((size_t)(c & ~POINTER_BITS) << 8) | buf[at + 1];
            if (!jumped)
                end = at + 2;
            if (target >= limit)
                return -1;
            limit = target;
            at = target;
            jumped = true;
            continue;
        }
        if ((c & POINTER_BITS) != 0 || c > LABEL_MAX)
            return -1; /* the reserved 01 and 10 forms */
        if (at + 1 + c > len)
            return -1;
        if (used + (used > 0) + c > NETLOGON_NAME_MAX)
            return -1;
        if (memchr(buf + at + 1, '\0', c) != NULL
            || memchr(buf + at + 1, '.', c) != NULL)
            return -1;
        if (used > 0)
            out[used++] = '.';
        memcpy(out + used, buf + at + 1, c);
        used += c;
        out[used] = '\0';
        at += 1 + c;
    }
    *pos = end;
    return 0;
}

static void clear(struct netlogon *nl)
{
    memset(nl, 0, sizeof(*nl));
}

void netlogon_free(struct netlogon *nl)
{
    if (nl == NULL)
        return;
    free(nl->forest);
    free(nl->domain);
    free(nl->host);
    free(nl->netbios_domain);
    free(nl->netbios_host);
    free(nl->user);
    free(nl->server_site);
    free(nl->client_site);
    free(nl->next_site);
    clear(nl);
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16
           | (uint32_t)p[3] << 24;
}

/* NtVersion bits that add fields (MS-ADTS 6.3.1.1). */
#define NTVER_V5EX_WITH_IP 0x00000008u
#define NTVER_WITH_CLOSEST_SITE 0x00000010u
/* DcSockAddr: a SOCKADDR_IN, 16 bytes. */
#define SOCKADDR_SIZE 16
/* After the names: NtVersion, LmNtToken, Lm20Token. */
#define TRAILER 8

static int fail(struct netlogon *out, char **msg, const char *what,
                size_t at)
{
    netlogon_free(out);
    *msg = xasprintf("malformed LDAP ping answer: %s at byte %zu", what, at);
    return -1;
}

int netlogon_decode(const unsigned char *buf, size_t len,
                    struct netlogon *out, char **msg)
{
    static const char *const names[] = {
        "DnsForestName",     "DnsDomainName",       "DnsHostName",
        "NetbiosDomainName", "NetbiosComputerName", "UserName",
        "DcSiteName",        "ClientSiteName",
    };
    char name[NETLOGON_NAME_MAX + 1];
    char **fields[8];
    size_t pos = 24;

    clear(out);
    *msg = NULL;
    fields[0] = &out->forest;
    fields[1] = &out->domain;
    fields[2] = &out->host;
    fields[3] = &out->netbios_domain;
    fields[4] = &out->netbios_host;
    fields[5] = &out->user;
    fields[6] = &out->server_site;
    fields[7] = &out->client_site;
    if (len < pos + TRAILER)
        return fail(out, msg, "too short", len);
    out->opcode = (unsigned)buf[0] | (unsigned)buf[1] << 8;
    if (out->opcode != NETLOGON_LOGON_RESPONSE_EX
        && out->opcode != NETLOGON_USER_UNKNOWN_EX) {
        char *what = xasprintf("opcode %u, not 23 or 25", out->opcode);
        int r = fail(out, msg, what, 0);

        free(what);
        return r;
    }
    out->flags = le32(buf + 4);
    memcpy(out->domain_guid, buf + 8, sizeof(out->domain_guid));
    for (size_t i = 0; i < 8; i++) {
        size_t at = pos;

        if (netlogon_name(buf, len, &pos, name) != 0) {
            char *what = xasprintf("bad %s", names[i]);
            int r = fail(out, msg, what, at);

            free(what);
            return r;
        }
        *fields[i] = xstrdup(name);
    }
    /* The trailer says which optional fields come before it; read it
     * first from where it would be without them. */
    if (len - pos < TRAILER)
        return fail(out, msg, "truncated after the names", pos);
    out->nt_version = le32(buf + pos + (len - pos - TRAILER));
    if (out->nt_version & NTVER_V5EX_WITH_IP) {
        if (len - pos < 1 + TRAILER || buf[pos] > SOCKADDR_SIZE
            || len - pos - 1 < buf[pos] + (size_t)TRAILER)
            return fail(out, msg, "bad DcSockAddr", pos);
        pos += 1 + (size_t)buf[pos];
    }
    if (out->nt_version & NTVER_WITH_CLOSEST_SITE) {
        size_t at = pos;

        if (netlogon_name(buf, len, &pos, name) != 0)
            return fail(out, msg, "bad NextClosestSiteName", at);
        out->next_site = xstrdup(name);
    } else {
        out->next_site = xstrdup("");
    }
    if (len - pos != TRAILER)
        return fail(out, msg, len - pos < TRAILER ? "truncated trailer"
                                                  : "bytes past the end",
                    pos);
    return 0;
}

char *netlogon_flags_text(uint32_t flags)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } known[] = {
        { NETLOGON_PDC, "PDC" },
        { NETLOGON_GC, "GC" },
        { NETLOGON_LDAP, "LDAP" },
        { NETLOGON_DS, "DS" },
        { NETLOGON_KDC, "KDC" },
        { NETLOGON_TIMESERV, "TIMESERV" },
        { NETLOGON_CLOSEST, "CLOSEST" },
        { NETLOGON_WRITABLE, "WRITABLE" },
        { NETLOGON_GOOD_TIMESERV, "GOOD_TIMESERV" },
        { NETLOGON_NDNC, "NDNC" },
        { NETLOGON_SELECT_SECRET, "RODC" },
        { NETLOGON_FULL_SECRET, "FULL_SECRET" },
        { NETLOGON_WS, "WS" },
        { NETLOGON_DS_8, "DS_8" },
        { NETLOGON_DS_9, "DS_9" },
        { NETLOGON_DS_10, "DS_10" },
        { NETLOGON_KEY_LIST, "KEY_LIST" },
        { NETLOGON_DS_13, "DS_13" },
        { NETLOGON_DNS_CONTROLLER, "DNS_CONTROLLER" },
        { NETLOGON_DNS_DOMAIN, "DNS_DOMAIN" },
        { NETLOGON_DNS_FOREST, "DNS_FOREST" },
    };
    char *out = xstrdup("");
    uint32_t left = flags;

    for (size_t i = 0; i < sizeof(known) / sizeof(*known); i++) {
        char *next;

        if (!(flags & known[i].bit))
            continue;
        left &= ~known[i].bit;
        next = xasprintf("%s%s%s", out, *out ? " " : "", known[i].name);
        free(out);
        out = next;
    }
    if (left != 0 || flags == 0) {
        char *next = xasprintf("%s%s0x%x", out, *out ? " " : "", left);

        free(out);
        out = next;
    }
    return out;
}
