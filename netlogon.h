/*
 * The answer to an LDAP ping (MS-ADTS 6.3.3): the Netlogon attribute's
 * NETLOGON_SAM_LOGON_RESPONSE_EX (6.3.1.9), its DS_FLAG bits (6.3.1.2) and
 * its names, compressed as DNS names are (RFC 1035 4.1.4).  The blob comes
 * from whatever answered on port 389: every length, offset and pointer is
 * checked against its bounds.  Pure: no network, no printing.
 */
#ifndef SETSPN_NETLOGON_H
#define SETSPN_NETLOGON_H

#include <stddef.h>
#include <stdint.h>

/* Opcodes of the response (MS-ADTS 6.3.1.9). */
#define NETLOGON_LOGON_RESPONSE_EX 23
#define NETLOGON_USER_UNKNOWN_EX 25

/* DS_FLAG bits (MS-ADTS 6.3.1.2). */
#define NETLOGON_PDC 0x00000001u
#define NETLOGON_GC 0x00000004u
#define NETLOGON_LDAP 0x00000008u
#define NETLOGON_DS 0x00000010u
#define NETLOGON_KDC 0x00000020u
#define NETLOGON_TIMESERV 0x00000040u
#define NETLOGON_CLOSEST 0x00000080u
#define NETLOGON_WRITABLE 0x00000100u
#define NETLOGON_GOOD_TIMESERV 0x00000200u
#define NETLOGON_NDNC 0x00000400u
#define NETLOGON_SELECT_SECRET 0x00000800u /* a read-only DC (RODC) */
#define NETLOGON_FULL_SECRET 0x00001000u   /* writable, 2008 or later */
#define NETLOGON_WS 0x00002000u
#define NETLOGON_DS_8 0x00004000u
#define NETLOGON_DS_9 0x00008000u
#define NETLOGON_DS_10 0x00010000u
#define NETLOGON_KEY_LIST 0x00020000u
#define NETLOGON_DS_13 0x00040000u
#define NETLOGON_DNS_CONTROLLER 0x20000000u
#define NETLOGON_DNS_DOMAIN 0x40000000u
#define NETLOGON_DNS_FOREST 0x80000000u

/* A DNS name is at most 255 octets on the wire; as text, with its dots,
 * no longer. */
#define NETLOGON_NAME_MAX 255

struct netlogon {
    unsigned opcode;
    uint32_t flags;
    unsigned char domain_guid[16];
    /* Each malloc'd, "" when absent; raw bytes of the DC's choosing (no
     * NUL inside): quote them before printing. */
    char *forest;         /* DnsForestName */
    char *domain;         /* DnsDomainName */
    char *host;           /* DnsHostName */
    char *netbios_domain; /* NetbiosDomainName */
    char *netbios_host;   /* NetbiosComputerName */
    char *user;           /* UserName */
    char *server_site;    /* DcSiteName: the DC's own site */
    char *client_site;    /* ClientSiteName: the site of the asking address */
    char *next_site;      /* NextClosestSiteName, when NtVersion has it */
    uint32_t nt_version;
};

/*
 * Decodes len bytes of a ping's Netlogon value into *out.  Returns 0, or
 * -1 with *msg (malloc'd, free it) naming what is wrong and *out left
 * empty.  netlogon_free(out) in both cases.
 */
int netlogon_decode(const unsigned char *buf, size_t len,
                    struct netlogon *out, char **msg);
void netlogon_free(struct netlogon *nl);

/* Decodes one compressed name starting at *pos of buf[0..len): "a.b.c"
 * into out (NETLOGON_NAME_MAX + 1 bytes), *pos moved past it.  Pointers
 * must go back, before the name that holds them, so that no loop is
 * possible.  Returns 0, or -1 (truncated, a bad label or pointer, a NUL
 * or a dot in a label, too long). */
int netlogon_name(const unsigned char *buf, size_t len, size_t *pos,
                  char out[NETLOGON_NAME_MAX + 1]);

/* "PDC GC LDAP DS KDC TIMESERV CLOSEST WRITABLE ..." for the bits set,
 * unknown ones as 0x...; malloc'd. */
char *netlogon_flags_text(uint32_t flags);

#endif
