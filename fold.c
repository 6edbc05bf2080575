#include "fold.h"

/* Decodes one code point at *p, advancing it.  A byte that does not start
 * a well-formed sequence (overlong, surrogate, out of range, truncated)
 * comes back as 0x110000 + the byte, which no code point equals. */
static uint32_t next_cp(const unsigned char **p)
{
    const unsigned char *s = *p;
    uint32_t c = s[0], min;
    int n;

    if (c < 0x80) {
        *p = s + 1;
        return c;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        n = 1, c &= 0x1f, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 2, c &= 0x0f, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 3, c &= 0x07, min = 0x10000;
    } else {
        *p = s + 1;
        return 0x110000u + s[0];
    }
    for (int i = 1; i <= n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *p = s + 1;
            return 0x110000u + s[0];
        }
        c = (c << 6) | (s[i] & 0x3fu);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
        *p = s + 1;
        return 0x110000u + s[0];
    }
    *p = s + n + 1;
    return c;
}

uint32_t fold_codepoint(uint32_t c)
{
    if (c < 0x80)
        return c >= 'A' && c <= 'Z' ? c + 0x20 : c;
    /* Latin-1 Supplement: À-Þ except ×; µ folds to Greek mu */
    if (c >= 0xc0 && c <= 0xde && c != 0xd7)
        return c + 0x20;
    if (c == 0xb5)
        return 0x3bc;
    /* Latin Extended-A: pairs, capital first, except where noted */
    if (c >= 0x100 && c <= 0x17f) {
        if (c == 0x130 || c == 0x131 || c == 0x138 || c == 0x149
            || c == 0x17f)
            return c; /* İ ı ĸ ŉ ſ: no one-to-one fold outside ASCII */
        if (c == 0x178)
            return 0xff; /* Ÿ */
        if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e))
            return (c & 1) ? c + 1 : c;
        return (c & 1) ? c : c + 1;
    }
    /* Greek */
    if (c >= 0x370 && c <= 0x3ff) {
        if (c == 0x386)
            return 0x3ac;
        if (c >= 0x388 && c <= 0x38a)
            return c + 0x25;
        if (c == 0x38c)
            return 0x3cc;
        if (c == 0x38e || c == 0x38f)
            return c + 0x3f;
        if ((c >= 0x391 && c <= 0x3a1) || (c >= 0x3a3 && c <= 0x3ab))
            return c + 0x20;
        if (c == 0x3c2)
            return 0x3c3; /* final sigma */
        if (c >= 0x3d8 && c <= 0x3ef)
            return (c & 1) ? c : c + 1; /* archaic letters, Coptic */
        return c;
    }
    /* Cyrillic */
    if (c >= 0x400 && c <= 0x40f)
        return c + 0x50;
    if (c >= 0x410 && c <= 0x42f)
        return c + 0x20;
    if ((c >= 0x460 && c <= 0x481) || (c >= 0x48a && c <= 0x4bf)
        || (c >= 0x4d0 && c <= 0x52f))
        return (c & 1) ? c : c + 1;
    if (c == 0x4c0)
        return 0x4cf;
    if (c >= 0x4c1 && c <= 0x4ce)
        return (c & 1) ? c + 1 : c;
    return c;
}

int fold_compare(const char *a, const char *b)
{
    const unsigned char *p = (const unsigned char *)a;
    const unsigned char *q = (const unsigned char *)b;

    while (*p != '\0' && *q != '\0') {
        uint32_t x = fold_codepoint(next_cp(&p));
        uint32_t y = fold_codepoint(next_cp(&q));

        if (x != y)
            return x < y ? -1 : 1;
    }
    return (*p != '\0') - (*q != '\0');
}

bool fold_equal(const char *a, const char *b)
{
    return fold_compare(a, b) == 0;
}

uint32_t fold_hash(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    uint32_t h = 2166136261u;

    while (*p != '\0') {
        uint32_t c = fold_codepoint(next_cp(&p));

        for (int i = 0; i < 4; i++) {
            h ^= (c >> (8 * i)) & 0xffu;
            h *= 16777619u;
        }
    }
    return h;
}

uint64_t fold_fingerprint(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    uint64_t h = 14695981039346656037u;

    while (*p != '\0') {
        uint32_t c;

        if (*p < 0x80) { /* the common case, folded inline */
            c = *p >= 'A' && *p <= 'Z' ? *p + 0x20u : *p;
            p++;
        } else {
            c = fold_codepoint(next_cp(&p));
        }
        h ^= c;
        h *= 1099511628211u;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdu;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53u;
    h ^= h >> 33;
    return h != 0 ? h : 1;
}

bool fold_non_ascii(const char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char)*s >= 0x80)
            return true;
    return false;
}
