/*
 * LDAP filters with every value escaped (RFC 4515) by libldap.  Pure.
 */
#ifndef SETSPN_FILTER_H
#define SETSPN_FILTER_H

#include <stdbool.h>
#include <stddef.h>

/* Returns "(attr=value)" with value escaped per RFC 4515.  With wildcard,
 * each '*' in value stays a wildcard and the pieces between are escaped.
 * Caller frees.  Never NULL. */
char *filter_equals(const char *attr, const char *value, bool wildcard);

/* Returns "(|(attr=v1)(attr=v2)...)" with every value escaped (RFC 4515);
 * a single value gives "(attr=v1)".  Caller frees.  NULL if n is 0. */
char *filter_any(const char *attr, char *const *values, size_t n);

/* The same for values of lens[i] bytes each (which may hold NUL bytes);
 * lens NULL: C strings. */
char *filter_any_len(const char *attr, char *const *values,
                     const size_t *lens, size_t n);

#endif
