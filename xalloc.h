/*
 * Allocation that aborts when memory runs out: a command-line tool has
 * nothing better to do then, and callers stay free of checks that could
 * never be tested.
 */
#ifndef SETSPN_XALLOC_H
#define SETSPN_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

/* A library's allocation (liblber's, say): p, or the out-of-memory end
 * when it is NULL. */
void *xnonnull(void *p);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));

/* Frees n malloc'd strings and the array; NULL is allowed. */
void xstrv_free(char **v, size_t n);

#endif
