#include "spn.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldap.h>

#include "fold.h"
#include "quote.h"
#include "xalloc.h"

static bool is_name_char(unsigned char c)
{
    return isascii(c) && (isalnum(c) || c == '.' || c == '-' || c == '_');
}

static bool has_control(const char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
            return true;
    return false;
}

/* Problems common to every value we accept: the order decides which one a
 * user hears about first, most specific last. */
/* C1 controls (U+0080-U+009F) and bidirectional overrides (U+202A-U+202E,
 * U+2066-U+2069) reorder or hide what a terminal shows of a message. */
static bool has_unicode_control(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    for (; *p; p++) {
        if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
            return true;
        if (p[0] == 0xe2 && p[1] == 0x80 && p[2] >= 0xaa && p[2] <= 0xae)
            return true;
        if (p[0] == 0xe2 && p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9)
            return true;
    }
    return false;
}

static const char *check_common(const char *s)
{
    if (*s == '\0')
        return "empty value";
    if (strlen(s) > SPN_VALUE_MAX)
        return "longer than 2048 bytes";
    if (has_control(s))
        return "contains a control character";
    if (!quote_utf8_valid(s))
        return "not valid UTF-8";
    if (has_unicode_control(s))
        return "contains a Unicode control or bidirectional formatting "
               "character";
    return NULL;
}

static const char *check_port_or_instance(const char *p, size_t len)
{
    bool digits = true;

    if (len == 0)
        return "empty port or instance name after ':'";
    for (size_t i = 0; i < len; i++) {
        if (p[i] == ':')
            return "more than one ':' in the host component";
        if (!isdigit((unsigned char)p[i]))
            digits = false;
    }
    if (digits) {
        unsigned long port = 0;

        for (size_t i = 0; i < len && port <= 65535; i++)
            port = port * 10 + (unsigned long)(p[i] - '0');
        if (port < 1 || port > 65535)
            return "port out of range 1-65535";
    }
    return NULL;
}

const char *spn_check_verify(const char *spn)
{
    const char *why = spn_check_lookup(spn);

    if (why == NULL && strchr(spn, '@') != NULL)
        why = "contains '@' (a realm does not belong in an SPN: write it "
              "without @REALM, as -S takes it)";
    return why;
}

const char *spn_check_write(const char *spn)
{
    const char *why = check_common(spn);
    const char *slash, *host, *host_end, *colon;

    if (why != NULL)
        return why;
    for (const unsigned char *p = (const unsigned char *)spn; *p; p++) {
        if (*p >= 0x80)
            return "not ASCII: write an internationalised host name in its "
                   "punycode (xn--) form";
        if (*p == ' ')
            return "contains whitespace";
        if (*p == '@')
            return "contains '@' (a realm does not belong in an SPN)";
        if (*p == '\\')
            return "contains '\\'";
        if (*p == '*')
            return "contains '*' (wildcards are for -Q only)";
    }

    slash = strchr(spn, '/');
    if (slash == NULL)
        return "no '/': expected service/host[:port][/name]";
    if (slash == spn)
        return "empty service class";
    for (const char *p = spn; p < slash; p++)
        if (!is_name_char((unsigned char)*p))
            return "service class may hold only letters, digits, '.', '-' "
                   "and '_'";

    host = slash + 1;
    host_end = strchr(host, '/');
    if (host_end == NULL)
        host_end = host + strlen(host);
    else if (host_end[1] == '\0')
        return "empty service name after the second '/'";
    else if (strchr(host_end + 1, '/') != NULL)
        return "more than three '/'-separated components";

    colon = memchr(host, ':', (size_t)(host_end - host));
    if (colon == NULL)
        colon = host_end;
    else if ((why = check_port_or_instance(colon + 1,
                                           (size_t)(host_end - colon - 1))))
        return why;
    if (colon == host)
        return "empty host";
    if (colon - host > SPN_HOST_MAX)
        return "host longer than 255 characters";
    for (const char *p = host; p < colon; p++)
        if (!is_name_char((unsigned char)*p))
            return "host may hold only letters, digits, '.', '-' and '_'";
    return NULL;
}

const char *spn_check_lookup(const char *spn)
{
    return check_common(spn);
}

bool spn_equal(const char *a, const char *b)
{
    return fold_equal(a, b);
}

const char SPN_DEFAULT_HOST_MAPPING[] =
    "host=alerter,appmgmt,cisvc,clipsrv,browser,dhcp,dnscache,replicator,"
    "eventlog,eventsystem,policyagent,oakley,dmserver,dns,mcsvc,fax,"
    "msiserver,ias,messenger,netlogon,netman,netdde,netddedsm,nmagent,"
    "plugplay,protectedstorage,rasman,rpclocator,rpc,rpcss,remoteaccess,"
    "rsvp,samss,scardsvr,scesrv,seclogon,scm,dcom,cifs,spooler,snmp,"
    "schedule,tapisrv,trksvr,trkwks,ups,time,wins,www,http,w3svc,iisadmin,"
    "msdtc";

static void strv_push(char ***v, size_t *n, const char *s, size_t len)
{
    char **nv = realloc(*v, (*n + 1) * sizeof(**v));

    if (nv == NULL)
        abort();
    *v = nv;
    nv[(*n)++] = xstrndup(s, len);
}

char **spn_host_aliases(char *const *mappings, size_t n, size_t *count)
{
    char **out = NULL;

    *count = 0;
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(mappings[i], '=');
        const char *p;

        if (eq == NULL || eq - mappings[i] != 4
            || strncasecmp(mappings[i], "host", 4) != 0)
            continue;
        for (p = eq + 1; *p != '\0';) {
            size_t len = strcspn(p, ",");

            while (len > 0 && p[0] == ' ') {
                p++;
                len--;
            }
            while (len > 0 && p[len - 1] == ' ')
                len--;
            if (len > 0)
                strv_push(&out, count, p, len);
            p += strcspn(p, ",");
            if (*p == ',')
                p++;
        }
    }
    return out;
}

char **spn_alias_forms(const char *spn, char *const *aliases, size_t n,
                       size_t *count)
{
    char **out = NULL;

    *count = 0;
    if (strncasecmp(spn, "host/", 5) != 0)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        char *s;

        s = xasprintf("%s/%s", aliases[i], spn + 5);
        strv_push(&out, count, s, strlen(s));
        free(s);
    }
    return out;
}
