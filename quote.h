/*
 * Making untrusted text safe to print.  Pure.
 */
#ifndef SETSPN_QUOTE_H
#define SETSPN_QUOTE_H

#include <stdbool.h>
#include <stddef.h>

/* Returns value in single quotes with anything not printable ASCII, and
 * quotes and backslashes, escaped as \xNN: safe to print in a message
 * whatever the input held.  Caller frees.  Never NULL (aborts on ENOMEM). */
char *quote_value(const char *value);

/* True if s is well-formed UTF-8 (no overlongs, no surrogates). */
bool quote_utf8_valid(const char *s);

/*
 * Directory data (values, DNs) and server messages in text output.
 *
 * A "safe" character is printable ASCII, or a well-formed UTF-8 sequence
 * that is not a C1 control, a bidirectional formatting character
 * (U+061C, U+200E-F, U+202A-E, U+2066-9), an invisible one (U+200B-D,
 * U+2060, U+FEFF) or a line or paragraph separator (U+2028-9).  A
 * value is plain when it is all safe characters and holds no "\x": a
 * plain value is printed as it is.  Any other value is printed in its
 * escaped form: safe characters as they are, every other byte and every
 * backslash as \xNN.  So no byte of the directory can draw on a terminal
 * or make a line, and the printed form names exactly one value
 * (quote_unescape gives it back).
 */
bool quote_plain(const char *s, size_t len);
/* The printed form of s[0..len): s itself if plain, else escaped.  Caller
 * frees. */
char *quote_display(const char *s, size_t len);
/* The value an escaped form names: NULL if s holds no "\x" (it is then
 * the value itself) or is no escaped form (a backslash not starting
 * \xNN).  Sets *len; the result is NUL-terminated too.  Caller frees. */
char *quote_unescape(const char *s, size_t *len);
/* A server's or library's message made safe for one line of stderr:
 * every byte that is not part of a safe character as \xNN; backslashes
 * stay.  Caller frees. */
char *quote_message(const char *s);

/* s[0..len) in base64 (RFC 4648), for bytes that must travel exactly
 * (JSON, LDIF).  Caller frees. */
char *quote_base64(const char *s, size_t len);

#endif
