#include "filter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldap.h>

#include "xalloc.h"

/* Appends value[0..len) escaped per RFC 4515 to buf at *pos. */
static void append_escaped(char **buf, size_t *pos, size_t *cap,
                           const char *value, size_t len)
{
    struct berval in, out = { 0, NULL };

    if (len == 0)
        return; /* libldap yields NULL for empty input */
    in.bv_val = (char *)value;
    in.bv_len = len;
    /* it fails only when memory runs out */
    if (ldap_bv2escaped_filter_value(&in, &out) != 0)
        abort();
    if (*pos + out.bv_len + 4 > *cap) {
        *cap = (*pos + out.bv_len + 4) * 2;
        *buf = xrealloc(*buf, *cap);
    }
    memcpy(*buf + *pos, out.bv_val, out.bv_len);
    *pos += out.bv_len;
    ber_memfree(out.bv_val);
}

char *filter_equals(const char *attr, const char *value, bool wildcard)
{
    size_t cap = strlen(attr) + strlen(value) * 3 + 8, pos;
    char *buf = xrealloc(NULL, cap);
    const char *p = value;

    pos = (size_t)snprintf(buf, cap, "(%s=", attr);
    while (*p != '\0') {
        const char *star = wildcard ? strchr(p, '*') : NULL;
        size_t len = star ? (size_t)(star - p) : strlen(p);

        append_escaped(&buf, &pos, &cap, p, len);
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

/* "(attr=value)" of len bytes, escaped, onto f. */
static void put_equals(FILE *f, const char *attr, const char *value,
                       size_t len)
{
    size_t cap = len * 3 + 4, pos = 0;
    char *buf = xrealloc(NULL, cap);

    append_escaped(&buf, &pos, &cap, value, len);
    fprintf(f, "(%s=%.*s)", attr, (int)pos, buf);
    free(buf);
}

char *filter_any_len(const char *attr, char *const *values,
                     const size_t *lens, size_t n)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f;

    if (n == 0)
        return NULL;
    f = open_memstream(&out, &len);
    if (f == NULL)
        abort();
    if (n > 1)
        fputs("(|", f);
    for (size_t i = 0; i < n; i++)
        put_equals(f, attr, values[i],
                   lens != NULL ? lens[i] : strlen(values[i]));
    if (n > 1)
        fputc(')', f);
    if (fclose(f) != 0)
        abort();
    return out;
}

char *filter_any(const char *attr, char *const *values, size_t n)
{
    return filter_any_len(attr, values, NULL, n);
}
