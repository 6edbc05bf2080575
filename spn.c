#include "spn.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldap.h>

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

bool utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p != '\0') {
        unsigned char c = *p++;
        unsigned long cp;
        int more;

        if (c < 0x80)
            continue;
        if (c >= 0xc2 && c <= 0xdf) {
            more = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            more = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            more = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        for (int i = 0; i < more; i++, p++) {
            if ((*p & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (*p & 0x3f);
        }
        if ((more == 2 && cp < 0x800) || (more == 3 && cp < 0x10000)
            || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
            return false;
    }
    return true;
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
    if (!utf8_valid(s))
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

const char *domain_check(const char *domain)
{
    /* "" is Setspn.exe's "the current domain" */
    return *domain == '\0' ? NULL : check_common(domain);
}

bool spn_equal(const char *a, const char *b)
{
    return strcasecmp(a, b) == 0;
}

/*
 * Whether s is meant as a DN, and if so what is wrong with it for Active
 * Directory (NULL if nothing): every RDN one attribute named by letters,
 * digits and '-' with a non-empty value.  AD refuses the rest (multi-valued
 * RDNs, OIDs, empty values) with a bare "invalid DN syntax".
 */
static bool looks_like_dn(const char *s, const char **why)
{
    LDAPDN dn = NULL;

    *why = NULL;
    if (strchr(s, '=') == NULL
        || ldap_str2dn(s, &dn, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS
        || dn == NULL) {
        ldap_dnfree(dn);
        return false;
    }
    for (int i = 0; dn[i] != NULL && *why == NULL; i++) {
        LDAPAVA *ava = dn[i][0];

        if (dn[i][1] != NULL)
            *why = "a DN with a multi-valued RDN ('+')";
        else if (ava->la_value.bv_len == 0)
            *why = "a DN with an empty RDN value";
        else if (!isalpha((unsigned char)ava->la_attr.bv_val[0]))
            *why = "a DN whose attribute is not a name";
        for (ber_len_t k = 0; *why == NULL && k < ava->la_attr.bv_len; k++)
            if (!isalnum((unsigned char)ava->la_attr.bv_val[k])
                && ava->la_attr.bv_val[k] != '-')
                *why = "a DN whose attribute is not a name";
    }
    ldap_dnfree(dn);
    return true;
}

const char *account_parse(const char *arg, struct account_ref *out)
{
    const char *why = check_common(arg);
    const char *bs;

    memset(out, 0, sizeof(*out));
    if (why != NULL)
        return why;

    if (looks_like_dn(arg, &why)) {
        if (why != NULL)
            return why;
        out->form = ACCOUNT_DN;
        out->name = xstrndup(arg, strlen(arg));
        return NULL;
    }
    bs = strchr(arg, '\\');
    if (bs != NULL) {
        if (bs == arg)
            return "empty domain before '\\'";
        if (bs[1] == '\0')
            return "empty account name after '\\'";
        if (strchr(bs + 1, '\\') != NULL)
            return "more than one '\\'";
        out->domain = xstrndup(arg, (size_t)(bs - arg));
        arg = bs + 1;
    } else if (strchr(arg, '@') != NULL) {
        const char *at = strrchr(arg, '@');

        if (at == arg || at[1] == '\0')
            return "a user principal name needs text on both sides of '@'";
        out->form = ACCOUNT_UPN;
        out->name = xstrndup(arg, strlen(arg));
        return NULL;
    }
    if (strcmp(arg, "$") == 0) {
        account_ref_free(out);
        return "empty account name before '$'";
    }
    out->form = ACCOUNT_NAME;
    out->name = xstrndup(arg, strlen(arg));
    out->dollar = arg[strlen(arg) - 1] == '$';
    return NULL;
}

void account_ref_free(struct account_ref *ref)
{
    if (ref == NULL)
        return;
    free(ref->domain);
    free(ref->name);
    ref->domain = ref->name = NULL;
}

/* Appends value[0..len) escaped per RFC 4515 to buf at *pos. */
static bool append_escaped(char **buf, size_t *pos, size_t *cap,
                           const char *value, size_t len)
{
    struct berval in, out = { 0, NULL };

    if (len == 0)
        return true; /* libldap yields NULL for empty input */
    in.bv_val = (char *)value;
    in.bv_len = len;
    if (ldap_bv2escaped_filter_value(&in, &out) != 0)
        return false;
    if (*pos + out.bv_len + 4 > *cap) {
        size_t ncap = (*pos + out.bv_len + 4) * 2;
        char *n = realloc(*buf, ncap);

        if (n == NULL) {
            ber_memfree(out.bv_val);
            return false;
        }
        *buf = n;
        *cap = ncap;
    }
    memcpy(*buf + *pos, out.bv_val, out.bv_len);
    *pos += out.bv_len;
    ber_memfree(out.bv_val);
    return true;
}

char *filter_equals(const char *attr, const char *value, bool wildcard)
{
    size_t cap = strlen(attr) + strlen(value) * 3 + 8, pos;
    char *buf = malloc(cap);
    const char *p = value;

    if (buf == NULL)
        return NULL;
    pos = (size_t)snprintf(buf, cap, "(%s=", attr);
    while (*p != '\0') {
        const char *star = wildcard ? strchr(p, '*') : NULL;
        size_t len = star ? (size_t)(star - p) : strlen(p);

        if (!append_escaped(&buf, &pos, &cap, p, len)) {
            free(buf);
            return NULL;
        }
        p += len;
        if (star != NULL) {
            /* one '*' however many were typed: "**" is no valid filter */
            if (pos == 0 || buf[pos - 1] != '*')
                buf[pos++] = '*';
            p++;
        }
    }
    buf[pos++] = ')';
    buf[pos] = '\0';
    return buf;
}

char *quote_value(const char *value)
{
    size_t len = strlen(value);
    char *out = malloc(len * 4 + 3), *o = out;

    if (out == NULL)
        abort();
    *o++ = '\'';
    for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
        if (*p < 0x20 || *p >= 0x7f || *p == '\'' || *p == '\\')
            o += sprintf(o, "\\x%02x", *p);
        else
            *o++ = (char)*p;
    }
    *o++ = '\'';
    *o = '\0';
    return out;
}

char *filter_any(const char *attr, char *const *values, size_t n)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f;

    if (n == 0)
        return NULL;
    if (n == 1)
        return filter_equals(attr, values[0], false);
    f = open_memstream(&out, &len);
    if (f == NULL)
        return NULL;
    fputs("(|", f);
    for (size_t i = 0; i < n; i++) {
        char *one = filter_equals(attr, values[i], false);

        if (one == NULL) {
            fclose(f);
            free(out);
            return NULL;
        }
        fputs(one, f);
        free(one);
    }
    fputc(')', f);
    if (fclose(f) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

const char SPN_DEFAULT_HOST_MAPPING[] =
    "host=alerter,appmgmt,cisvc,clipsrv,browser,dhcp,dnscache,replicator,"
    "eventlog,eventsystem,policyagent,oakley,dmserver,dns,mcsvc,fax,"
    "msiserver,ias,messenger,netlogon,netman,netdde,netddedsm,nmagent,"
    "plugplay,protectedstorage,rasman,rpclocator,rpc,rpcss,remoteaccess,"
    "rsvp,samss,scardsvr,scesrv,seclogon,scm,dcom,cifs,spooler,snmp,"
    "schedule,tapisrv,trksvr,trkwks,ups,time,wins,www,http,w3svc,iisadmin,"
    "msdtc";

void spn_strv_free(char **v, size_t n)
{
    if (v == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

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

        if (asprintf(&s, "%s/%s", aliases[i], spn + 5) < 0)
            abort();
        strv_push(&out, count, s, strlen(s));
        free(s);
    }
    return out;
}
