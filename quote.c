#include "quote.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

bool quote_utf8_valid(const char *s)
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

char *quote_value(const char *value)
{
    size_t len = strlen(value);
    char *out = xrealloc(NULL, len * 4 + 3), *o = out;

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

/* The length of the safe character at p (rem bytes left), or 0. */
static size_t safe_char(const unsigned char *p, size_t rem)
{
    size_t more;
    unsigned long cp;

    if (p[0] >= 0x20 && p[0] < 0x7f)
        return 1;
    if (p[0] >= 0xc2 && p[0] <= 0xdf) {
        more = 1;
        cp = p[0] & 0x1fu;
    } else if (p[0] >= 0xe0 && p[0] <= 0xef) {
        more = 2;
        cp = p[0] & 0x0fu;
    } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
        more = 3;
        cp = p[0] & 0x07u;
    } else {
        return 0;
    }
    if (rem < more + 1)
        return 0;
    for (size_t i = 1; i <= more; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3fu);
    }
    if ((more == 2 && cp < 0x800) || (more == 3 && cp < 0x10000)
        || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff
        || (cp >= 0x80 && cp <= 0x9f)            /* C1 controls */
        || (cp >= 0x202a && cp <= 0x202e)        /* bidi embeddings */
        || (cp >= 0x2066 && cp <= 0x2069)        /* bidi isolates */
        || cp == 0x200e || cp == 0x200f          /* direction marks */
        || cp == 0x061c                          /* Arabic letter mark */
        || (cp >= 0x200b && cp <= 0x200d)        /* zero-width */
        || cp == 0x2060 || cp == 0xfeff          /* word joiners, BOM */
        || cp == 0x2028 || cp == 0x2029)         /* line, paragraph sep */
        return 0;
    return more + 1;
}

bool quote_plain(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;

    for (size_t i = 0; i < len;) {
        size_t n = safe_char(p + i, len - i);

        if (n == 0 || (p[i] == '\\' && i + 1 < len && p[i + 1] == 'x'))
            return false;
        i += n;
    }
    return true;
}

/* s[0..len) with every byte that is not a safe character (and, with
 * backslash set, every backslash) as \xNN. */
static char *escape(const char *s, size_t len, bool backslash)
{
    const unsigned char *p = (const unsigned char *)s;
    char *out = xrealloc(NULL, len * 4 + 1), *o = out;

    for (size_t i = 0; i < len;) {
        size_t n = backslash && p[i] == '\\' ? 0 : safe_char(p + i, len - i);

        if (n == 0) {
            o += sprintf(o, "\\x%02x", p[i]);
            i++;
        } else {
            memcpy(o, p + i, n);
            o += n;
            i += n;
        }
    }
    *o = '\0';
    return out;
}

char *quote_display(const char *s, size_t len)
{
    char *out;

    if (!quote_plain(s, len))
        return escape(s, len, true);
    out = xrealloc(NULL, len + 1);
    memcpy(out, s, len);
    out[len] = '\0';
    return out;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char *quote_unescape(const char *s, size_t *len)
{
    char *out, *o;

    if (strstr(s, "\\x") == NULL)
        return NULL;
    out = o = xrealloc(NULL, strlen(s) + 1);
    for (const char *p = s; *p;) {
        if (*p != '\\') {
            *o++ = *p++;
            continue;
        }
        if (p[1] != 'x' || hexval(p[2]) < 0 || hexval(p[3]) < 0) {
            free(out);
            return NULL;
        }
        *o++ = (char)(hexval(p[2]) * 16 + hexval(p[3]));
        p += 4;
    }
    *o = '\0';
    *len = (size_t)(o - out);
    return out;
}

char *quote_message(const char *s)
{
    return escape(s, strlen(s), false);
}

char *quote_base64(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    static const char tab[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
    char *out = xrealloc(NULL, (len + 2) / 3 * 4 + 1), *o = out;

    for (size_t i = 0; i < len; i += 3) {
        unsigned long w = (unsigned long)p[i] << 16;

        if (i + 1 < len)
            w |= (unsigned long)p[i + 1] << 8;
        if (i + 2 < len)
            w |= p[i + 2];
        *o++ = tab[(w >> 18) & 63];
        *o++ = tab[(w >> 12) & 63];
        *o++ = tab[i + 1 < len ? (w >> 6) & 63 : 64]; /* 64: '=' */
        *o++ = tab[i + 2 < len ? w & 63 : 64];
    }
    *o = '\0';
    return out;
}
