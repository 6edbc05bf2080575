#include "wire.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldap.h>

#include "xalloc.h"

const char *wire_clean_diag(char *diag)
{
    size_t n;

    if (diag == NULL)
        return "";
    n = strlen(diag);
    while (n > 0 && (diag[n - 1] == '\n' || diag[n - 1] == '\r'
                     || diag[n - 1] == ' '))
        diag[--n] = '\0';
    return diag;
}

/* scheme://host[:port]: a base DN or filter in a DC's URI means nothing. */
static char *host_uri(const LDAPURLDesc *lud)
{
    bool v6 = strchr(lud->lud_host, ':') != NULL;
    char port[16] = "";

    if (lud->lud_port > 0)
        snprintf(port, sizeof(port), ":%d", lud->lud_port);
    return xasprintf("%s://%s%s%s%s", lud->lud_scheme, v6 ? "[" : "",
                     lud->lud_host, v6 ? "]" : "", port);
}

bool wire_split_uris(const char *list, char ***uris, size_t *n)
{
    const char *p = list;

    *uris = NULL;
    *n = 0;
    while (*p != '\0') {
        size_t len = strcspn(p, " \t,");

        if (len > 0) {
            char *one = xstrndup(p, len);
            LDAPURLDesc *lud = NULL;
            bool ok;

            /* A bare host name (or host:port), as adcli's
             * --domain-controller takes it: plain LDAP to it. */
            if (strstr(one, "://") == NULL && strchr(one, '/') == NULL) {
                char *uri = xasprintf("ldap://%s", one);

                free(one);
                one = uri;
            }
            ok = ldap_url_parse(one, &lud) == LDAP_URL_SUCCESS
                 && lud->lud_host != NULL && *lud->lud_host != '\0';

            free(one);
            if (!ok) {
                ldap_free_urldesc(lud);
                xstrv_free(*uris, *n);
                *uris = NULL;
                *n = 0;
                return false;
            }
            *uris = xrealloc(*uris, (*n + 1) * sizeof(**uris));
            (*uris)[(*n)++] = host_uri(lud);
            ldap_free_urldesc(lud);
        }
        p += len;
        p += strspn(p, " \t,");
    }
    return *n > 0;
}

char *wire_gc_uri(const char *uri)
{
    LDAPURLDesc *lud = NULL;
    char *r = NULL;

    if (uri != NULL && ldap_url_parse(uri, &lud) == LDAP_URL_SUCCESS
        && lud->lud_host != NULL && *lud->lud_host != '\0') {
        bool ldaps = strcasecmp(lud->lud_scheme, "ldaps") == 0;

        r = xasprintf(strchr(lud->lud_host, ':') ? "%s://[%s]:%d"
                                                 : "%s://%s:%d",
                      ldaps ? "ldaps" : "ldap", lud->lud_host,
                      ldaps ? 3269 : 3268);
    }
    ldap_free_urldesc(lud);
    return r;
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16
           | (uint32_t)p[3] << 24;
}

/* replPropertyMetaDataBlob: version, reserved, count, reserved, then
 * 48-byte entries starting with attid and version. */
unsigned long wire_meta_version(const unsigned char *b, size_t len,
                                unsigned long attid)
{
    unsigned long version = 0;
    size_t count;

    if (b == NULL || len < 16)
        return 0;
    count = le32(b + 8);
    for (size_t i = 0; i < count && 16 + (i + 1) * 48 <= len; i++)
        if (le32(b + 16 + i * 48) == attid)
            version = le32(b + 16 + i * 48 + 4);
    return version;
}

/* Reads an unsigned decimal below 2^31 at *p, advancing it. */
static bool read_number(const char **p, unsigned long *v)
{
    const char *s = *p;

    *v = 0;
    if (*s < '0' || *s > '9')
        return false;
    for (; *s >= '0' && *s <= '9'; s++) {
        *v = *v * 10 + (unsigned long)(*s - '0');
        if (*v > 0x7fffffffUL)
            return false;
    }
    *p = s;
    return true;
}

bool wire_range(const char *attr, const char *name, unsigned long *lo,
                unsigned long *hi, bool *to_end)
{
    size_t n = strlen(name);
    const char *p;

    *lo = *hi = 0;
    *to_end = false;
    if (strncasecmp(attr, name, n) != 0 || attr[n] != ';')
        return false;
    for (p = attr + n; *p == ';'; p += strcspn(p + 1, ";") + 1) {
        const char *s = p + 1;

        if (strncasecmp(s, "range=", 6) != 0)
            continue;
        s += 6;
        if (!read_number(&s, lo) || *s++ != '-')
            return false;
        if (*s == '*') {
            s++;
            *to_end = true;
        } else if (!read_number(&s, hi) || *hi < *lo) {
            return false;
        }
        return *s == '\0' || *s == ';';
    }
    return false;
}

/* dn ends with suffix, at an RDN boundary (case-insensitively). */
static bool dn_within(const char *dn, const char *suffix)
{
    size_t n = strlen(dn), k = strlen(suffix);

    if (k == 0 || k > n || strcasecmp(dn + n - k, suffix) != 0)
        return false;
    return k == n || dn[n - k - 1] == ',';
}

bool wire_reference_accountless(const char *uri, const char *config)
{
    LDAPURLDesc *lud = NULL;
    bool r = false;

    if (uri == NULL || ldap_url_parse(uri, &lud) != LDAP_URL_SUCCESS)
        return false;
    if (lud->lud_dn != NULL) {
        const char *dn = lud->lud_dn;

        r = (config != NULL && dn_within(dn, config))
            || strncasecmp(dn, "DC=DomainDnsZones,", 18) == 0
            || strncasecmp(dn, "DC=ForestDnsZones,", 18) == 0;
    }
    ldap_free_urldesc(lud);
    return r;
}

/* GnuTLS's certificate status bits (gnutls_certificate_status_t), as
 * libldap logs them in "peer cert untrusted or revoked (0x..)". */
static const struct {
    unsigned long bit;
    const char *says;
} cert_status[] = {
    { 1UL << 10, "its certificate has expired" },
    { 1UL << 9, "its certificate is not valid yet" },
    { 1UL << 6, "its certificate is not signed by a CA in --cacert or "
                "TLS_CACERT" },
    { 1UL << 7, "its certificate's issuer is not a CA" },
    { 1UL << 5, "its certificate is revoked" },
    { 1UL << 8, "its certificate uses an insecure algorithm" },
    { 1UL << 11, "its certificate's signature does not verify" },
};

/* The text of the first line of trace that starts with prefix, from
 * its character skip on (up to the line's end, a final '.' dropped),
 * malloc'd; NULL if none. */
static char *trace_at(const char *trace, const char *prefix, size_t skip)
{
    for (const char *l = trace; l != NULL && *l != '\0';) {
        const char *end = strchr(l, '\n');
        size_t n = end != NULL ? (size_t)(end - l) : strlen(l);

        if (n >= strlen(prefix) && strncmp(l, prefix, strlen(prefix)) == 0) {
            const char *v = l + skip;

            n -= skip;
            while (n > 0 && (v[n - 1] == '.' || v[n - 1] == ' '
                             || v[n - 1] == '\r'))
                n--;
            return xstrndup(v, n);
        }
        l = end != NULL ? end + 1 : NULL;
    }
    return NULL;
}

static char *trace_find(const char *trace, const char *prefix)
{
    return trace_at(trace, prefix, strlen(prefix));
}

static bool trace_has(const char *trace, const char *prefix)
{
    char *v = trace_find(trace, prefix);

    free(v);
    return v != NULL;
}

/* The last errno libldap logged for a connect ("connect errno: N", or
 * "error on socket S: errno: N (...)" once a non-blocking connect is
 * polled; a host name may have several addresses), but "in progress";
 * or 0. */
static int trace_errno(const char *trace)
{
    int e = 0;

    for (const char *p = trace; (p = strstr(p, "errno: ")) != NULL;) {
        int n;

        p += strlen("errno: ");
        n = (int)strtol(p, NULL, 10);
        if (n != 0 && n != EINPROGRESS && n != EAGAIN)
            e = n;
    }
    return e;
}

/* Whether the trace shows a TCP connection made. */
static bool trace_connected(const char *trace)
{
    return trace_has(trace, "connect success")
           || trace_has(trace, "ldap_pvt_connect: 0");
}

char *wire_connect_cause(const char *trace, const char *host)
{
    char *v, *r = NULL;

    if (trace == NULL)
        return NULL;
    if (!trace_connected(trace)) {
        int e = trace_errno(trace);

        if (strstr(trace, "getaddrinfo failed") != NULL)
            return xasprintf("cannot resolve %s: check the name, or "
                             "/etc/resolv.conf and the DNS server it names",
                             host);

        if (e != 0)
            return xasprintf("could not connect: %s", strerror(e));
        if (strstr(trace, "timed out") != NULL)
            return xstrdup("could not connect: no answer in time");
        return NULL;
    }
    /* Connected: TLS is what failed. */
    if ((v = trace_find(trace, "TLS: peer cert untrusted or revoked (")) != NULL) {
        unsigned long bits = strtoul(v, NULL, 16);

        for (size_t i = 0; i < sizeof(cert_status) / sizeof(*cert_status); i++) {
            char *more;

            if (!(bits & cert_status[i].bit))
                continue;
            more = r != NULL ? xasprintf("%s; %s", r, cert_status[i].says)
                             : xstrdup(cert_status[i].says);
            free(r);
            r = more;
        }
        if (r == NULL)
            r = xasprintf("its certificate was not accepted (GnuTLS "
                          "status %lx)", bits);
        free(v);
    } else if (trace_has(trace, "TLS: peer certificate is expired")) {
        r = xstrdup("its certificate has expired");
    } else if (trace_has(trace, "TLS: peer certificate not yet active")) {
        r = xstrdup("its certificate is not valid yet");
    } else if ((v = trace_at(trace, "TLS: hostname", 5)) != NULL
               || (v = trace_at(trace, "TLS: unable to get", 5)) != NULL) {
        r = xasprintf("%s: name the DC in -H as its certificate does", v);
        free(v);
    } else if ((v = trace_find(trace, "TLS: can't connect: ")) != NULL) {
        /* OpenSSL's text names the cause, "certificate verify failed
         * (certificate has expired)"; GnuTLS's often says nothing. */
        if (strcmp(v, "(unknown error code)") != 0)
            r = xasprintf("%s", v);
        free(v);
    }
    if (r == NULL)
        r = xstrdup("the TLS handshake failed: check that its certificate "
                    "names it and that --cacert or TLS_CACERT holds its CA");
    v = xasprintf("TLS with %s failed: %s", host, r);
    free(r);
    return v;
}
