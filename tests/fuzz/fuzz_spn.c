/*
 * libFuzzer target: the SPN checks, quoting, filter building and the HOST
 * alias forms (spn.h).  Besides the sanitizers, it checks what each
 * function promises and aborts when a promise is broken:
 *
 *   - spn_check_write accepts only values spn_check_lookup accepts, and
 *     only printable ASCII of the form class/host[:port][/name];
 *   - quote_value gives printable ASCII in single quotes that decodes back
 *     to the input;
 *   - filter_equals gives "(attr=...)" whose value holds no unescaped
 *     filter metacharacter ('*' only in wildcard mode, never two in a row)
 *     and decodes back to the input;
 *   - spn_alias_forms gives "<alias>/<rest>" for every alias of HOST/.
 *
 * Input: the SPN up to the first NUL; what follows, split at NULs, is the
 * alias list for spn_alias_forms.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "filter.h"
#include "fuzz.h"
#include "quote.h"
#include "spn.h"
#include "xalloc.h"


#define MAX_ALIASES 64

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static void check_quote(const char *value)
{
    char *q = quote_value(value);
    size_t qlen = strlen(q);
    const char *v = value;

    CHECK(qlen >= 2 && q[0] == '\'' && q[qlen - 1] == '\'');
    for (size_t i = 1; i + 1 < qlen; i++) {
        unsigned char c = (unsigned char)q[i];

        CHECK(c >= 0x20 && c < 0x7f && c != '\'');
        if (c == '\\') {
            int hi, lo;

            CHECK(i + 4 < qlen && q[i + 1] == 'x');
            hi = hexval(q[i + 2]);
            lo = hexval(q[i + 3]);
            CHECK(hi >= 0 && lo >= 0);
            CHECK((unsigned char)*v == (unsigned)(hi * 16 + lo));
            i += 3;
        } else {
            CHECK(*v == (char)c);
        }
        v++;
    }
    CHECK(*v == '\0');
    free(q);
}

static void check_filter(const char *value, int wildcard)
{
    static const char attr[] = "servicePrincipalName";
    char *f = filter_equals(attr, value, wildcard != 0);
    const char *p, *v = value;
    size_t flen;

    CHECK(f != NULL);
    flen = strlen(f);
    CHECK(flen >= sizeof(attr) + 2);
    CHECK(f[0] == '(' && strncmp(f + 1, attr, sizeof(attr) - 1) == 0);
    CHECK(f[sizeof(attr)] == '=' && f[flen - 1] == ')');
    for (p = f + sizeof(attr) + 1; p < f + flen - 1; p++) {
        unsigned char c = (unsigned char)*p;

        CHECK(c != '(' && c != ')' && c != '\0');
        if (c == '*') {
            CHECK(wildcard);
            CHECK(p[1] != '*');
            /* one '*' in the filter stands for a run of them in value */
            CHECK(*v == '*');
            while (*v == '*')
                v++;
        } else if (c == '\\') {
            int hi = hexval(p[1]), lo = hi < 0 ? -1 : hexval(p[2]);

            CHECK(hi >= 0 && lo >= 0);
            CHECK((unsigned char)*v == (unsigned)(hi * 16 + lo));
            v++;
            p += 2;
        } else {
            CHECK(*v == (char)c);
            v++;
        }
    }
    CHECK(*v == '\0');
    free(f);
}

static void check_spn(const char *spn)
{
    const char *w = spn_check_write(spn), *l = spn_check_lookup(spn);

    if (w == NULL) {
        const char *slash = strchr(spn, '/');

        CHECK(l == NULL);
        CHECK(slash != NULL && slash != spn && slash[1] != '\0');
        for (const unsigned char *p = (const unsigned char *)spn; *p; p++)
            CHECK(*p > 0x20 && *p < 0x7f && *p != '@' && *p != '\\'
                  && *p != '*');
    } else {
        CHECK(*w != '\0');
    }
    if (l == NULL)
        CHECK(*spn != '\0' && quote_utf8_valid(spn));
    CHECK(spn_equal(spn, spn));
}

static void check_aliases(const char *spn, char *const *aliases, size_t n)
{
    size_t count = 99;
    char **forms = spn_alias_forms(spn, aliases, n, &count);

    if (strncasecmp(spn, "host/", 5) != 0) {
        CHECK(forms == NULL && count == 0);
        return;
    }
    CHECK(count == n);
    for (size_t i = 0; i < count; i++) {
        size_t alen = strlen(aliases[i]);

        CHECK(strncmp(forms[i], aliases[i], alen) == 0);
        CHECK(forms[i][alen] == '/');
        CHECK(strcmp(forms[i] + alen + 1, spn + 5) == 0);
    }
    xstrv_free(forms, count);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    char *aliases[MAX_ALIASES];
    size_t n = 0, len;

    if (buf == NULL)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';

    check_spn(buf);
    check_quote(buf);
    check_filter(buf, 0);
    check_filter(buf, 1);

    len = strlen(buf);
    for (size_t off = len + 1; off <= size && n < MAX_ALIASES;) {
        aliases[n++] = buf + off;
        off += strlen(buf + off) + 1;
    }
    check_aliases(buf, aliases, n);

    free(buf);
    return 0;
}
