#include "fixcmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quote.h"
#include "xalloc.h"

static bool plain_char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
           || (c >= '0' && c <= '9') || strchr("_./:@%+=,-", c) != NULL;
}

/* Safe to show inside single quotes: printable ASCII and UTF-8 that is no
 * control (C1 included) and no bidirectional formatting (quote_plain). */
static bool printable_utf8(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    return quote_plain(s, strlen(s));
}

char *shell_word(const char *s)
{
    size_t n = strlen(s), k = 0;
    bool plain = n > 0;
    char *out;

    for (size_t i = 0; i < n && plain; i++)
        plain = plain_char((unsigned char)s[i]);
    if (plain)
        return xstrdup(s);
    /* Worst case: 4 bytes per input byte, plus $'', quotes, NUL. */
    out = xrealloc(NULL, 4 * n + 4);
    if (printable_utf8(s)) {
        out[k++] = '\'';
        for (size_t i = 0; i < n; i++) {
            if (s[i] == '\'') {
                memcpy(out + k, "'\\''", 4);
                k += 4;
            } else {
                out[k++] = s[i];
            }
        }
        out[k++] = '\'';
    } else {
        out[k++] = '$';
        out[k++] = '\'';
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)s[i];

            if (c < 0x20 || c >= 0x7f || c == '\'' || c == '\\')
                k += (size_t)snprintf(out + k, 5, "\\x%02x", c);
            else
                out[k++] = (char)c;
        }
        out[k++] = '\'';
    }
    out[k] = '\0';
    return out;
}

char *fix_setspn(char verb, const char *spn, const char *account,
                 const char *kind_flag)
{
    char *s = shell_word(spn), *a = shell_word(account);
    /* "--": an operand that starts with '-' is never read as an option */
    char *r = xasprintf("setspn %s%s-%c -- %s %s", kind_flag ? kind_flag : "",
                        kind_flag ? " " : "", verb, s, a);

    free(s);
    free(a);
    return r;
}

/* Characters that make the account parser read a word as a domain, a
 * UPN or a DN (account.c): a name holding one is named by its DN. */
static bool name_word_exact(const char *sam)
{
    return *sam != '\0' && strpbrk(sam, "\\@=,") == NULL
           && quote_plain(sam, strlen(sam))
           && (unsigned char)sam[0] > ' '
           && (unsigned char)sam[strlen(sam) - 1] > ' ';
}

char *fix_account(const char *sam, bool computer, const char *dn,
                  const char **kind_flag)
{
    size_t n;

    *kind_flag = NULL;
    if (sam == NULL || !name_word_exact(sam))
        return xstrdup(dn);
    n = strlen(sam);
    /* NAME$ names exactly that sAMAccountName; a bare NAME means NAME$
     * first, so a user gets -U (-C would add a '$': such a computer is
     * named by its DN). */
    if (sam[n - 1] == '$')
        return xstrdup(sam);
    if (computer)
        return xstrdup(dn);
    *kind_flag = "-U";
    return xstrdup(sam);
}

static bool ldif_safe(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    if (*p == ' ' || *p == ':' || *p == '<')
        return false;
    for (; *p; p++)
        if (*p < 0x20 || *p >= 0x7f)
            return false;
    return p == (const unsigned char *)s || p[-1] != ' ';
}

char *fix_ldapmodify(const char *uri, const char *dn, const char *attr,
                     const char *value)
{
    char *dnline, *w_dn, *w_rep, *w_val, *w_uri, *r;
    char *rep = xasprintf("replace: %s", attr);
    char *val = xasprintf("%s: %s", attr, value);

    if (ldif_safe(dn)) {
        dnline = xasprintf("dn: %s", dn);
    } else {
        char *b = quote_base64(dn, strlen(dn));

        dnline = xasprintf("dn:: %s", b);
        free(b);
    }
    w_dn = shell_word(dnline);
    w_rep = shell_word(rep);
    w_val = shell_word(val);
    w_uri = shell_word(uri);
    r = xasprintf("printf '%%s\\n' %s 'changetype: modify' %s %s | "
                  "ldapmodify -Q -Y GSSAPI -H %s",
                  w_dn, w_rep, w_val, w_uri);
    free(dnline);
    free(rep);
    free(val);
    free(w_dn);
    free(w_rep);
    free(w_val);
    free(w_uri);
    return r;
}

char *spn_host_part(const char *spn, size_t *class_len)
{
    const char *slash = strchr(spn, '/');
    size_t n;

    if (slash == NULL || slash == spn)
        return NULL;
    *class_len = (size_t)(slash - spn);
    n = strcspn(slash + 1, ":/");
    if (n == 0)
        return NULL;
    return xstrndup(slash + 1, n);
}

char *spn_with_host(const char *spn, const char *newhost)
{
    size_t cl = 0;
    char *host = spn_host_part(spn, &cl);
    const char *rest;
    char *r;

    if (host == NULL)
        return xstrdup(spn);
    rest = spn + cl + 1 + strlen(host);
    r = xasprintf("%.*s/%s%s", (int)cl, spn, newhost, rest);
    free(host);
    return r;
}

static const struct {
    int type;
    const char *name;
} enctypes[] = {
    { 1, "des-cbc-crc" },
    { 3, "des-cbc-md5" },
    { 17, "aes128-cts-hmac-sha1-96" },
    { 18, "aes256-cts-hmac-sha1-96" },
    { 19, "aes128-cts-hmac-sha256-128" },
    { 20, "aes256-cts-hmac-sha384-192" },
    { 23, "rc4-hmac" },
    { 24, "rc4-hmac-exp" },
};

const char *enctype_name(int enctype, char *buf, size_t len)
{
    for (size_t i = 0; i < sizeof(enctypes) / sizeof(*enctypes); i++)
        if (enctypes[i].type == enctype)
            return enctypes[i].name;
    snprintf(buf, len, "enctype %d", enctype);
    return buf;
}

bool enctype_weak(int enctype)
{
    return enctype == 1 || enctype == 3 || enctype == 23 || enctype == 24;
}

char *enctypes_describe(unsigned long bits)
{
    static const struct {
        unsigned long bit;
        const char *name;
    } names[] = {
        { ENC_DES_CRC, "DES-CBC-CRC" }, { ENC_DES_MD5, "DES-CBC-MD5" },
        { ENC_RC4, "RC4" },             { ENC_AES128, "AES128" },
        { ENC_AES256, "AES256" },
    };
    char buf[128] = "";
    size_t k = 0;

    for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
        if (bits & names[i].bit)
            k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%s%s",
                                  k ? ", " : "", names[i].name);
    return xstrdup(k ? buf : "none");
}

bool enctypes_weak_only(unsigned long bits)
{
    return (bits & (ENC_DES_CRC | ENC_DES_MD5 | ENC_RC4)) != 0
           && (bits & ENC_AES) == 0;
}
