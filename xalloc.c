#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *check(void *p)
{
    if (p == NULL)
        abort();
    return p;
}

void *xnonnull(void *p)
{
    return check(p);
}

void *xcalloc(size_t n, size_t size)
{
    return check(calloc(n ? n : 1, size ? size : 1));
}

void *xrealloc(void *p, size_t size)
{
    return check(realloc(p, size ? size : 1));
}

char *xstrdup(const char *s)
{
    return check(strdup(s));
}

char *xstrndup(const char *s, size_t n)
{
    return check(strndup(s, n));
}

char *xvasprintf(const char *fmt, va_list ap)
{
    char *r;

    if (vasprintf(&r, fmt, ap) < 0)
        abort();
    return r;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *r;

    va_start(ap, fmt);
    r = xvasprintf(fmt, ap);
    va_end(ap);
    return r;
}

void xstrv_free(char **v, size_t n)
{
    if (v == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}
