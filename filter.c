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
        abort();
    fputs("(|", f);
    for (size_t i = 0; i < n; i++) {
        char *one = filter_equals(attr, values[i], false);

        fputs(one, f);
        free(one);
    }
    fputc(')', f);
    if (fclose(f) != 0)
        abort();
    return out;
}
