/*
 * Making untrusted text safe to print.  Pure.
 */
#ifndef SETSPN_QUOTE_H
#define SETSPN_QUOTE_H

#include <stdbool.h>

/* Returns value in single quotes with anything not printable ASCII, and
 * quotes and backslashes, escaped as \xNN: safe to print in a message
 * whatever the input held.  Caller frees.  Never NULL (aborts on ENOMEM). */
char *quote_value(const char *value);

/* True if s is well-formed UTF-8 (no overlongs, no surrogates). */
bool quote_utf8_valid(const char *s);

#endif
