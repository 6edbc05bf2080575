/*
 * How entries come out of the directory: every search paged (a server
 * that sends the same page again, or a run past --max-time, ends it),
 * continuation references kept on the connection and never followed,
 * servicePrincipalName read to the end of its ranges (;range=A-B), and
 * the answers a batch's read-ahead (ahead.h) holds taken.  Never prints.
 */
#ifndef SETSPN_SEARCH_H
#define SETSPN_SEARCH_H

#include <stdbool.h>
#include <stddef.h>

#include <ldap.h>

#include "conn.h"
#include "entry.h"
#include "status.h"

/* A paged subtree search of base for the objects whose
 * servicePrincipalName matches any of values[0..n) (as the directory
 * matches; with wildcard, '*' in a value is a wildcard), calling fn for
 * each. */
enum status search_values(struct conn *conn, const char *base,
                          char *const *values, size_t n, bool wildcard,
                          entry_fn fn, void *ctx);

/* The same, with no wildcard, for values of lens[i] bytes (which may hold
 * NUL bytes; lens NULL: C strings): one OR filter of them all. */
enum status search_values_len(struct conn *conn, const char *base,
                              char *const *values, const size_t *lens,
                              size_t n, entry_fn fn, void *ctx);

/* The same search with no wildcard, sent ahead for line job of a batch
 * (ahead.h), in a group where it can be. */
void search_prefetch_values(struct conn *conn, long job, const char *base,
                            char *const *values, size_t n);

/* ----- for the directory layer (ldap_ops.c) ----- */

/* Called for each entry of a search with the raw result. */
typedef enum status (*search_raw_fn)(struct conn *c, LDAPMessage *e,
                                     void *ctx);

/* One paged search, calling fn for every entry. */
enum status search_paged(struct conn *c, const char *base, int scope,
                         const char *filter, char **attrs, search_raw_fn fn,
                         void *ctx);
/* Copies e's DN and SPNs (all their ranges) into dst. */
enum status search_entry_load(struct conn *c, LDAPMessage *e,
                              struct entry *dst);
/* The SPN attribute to ask for from value from on: servicePrincipalName,
 * or a range of --value-range values.  Caller frees. */
char *search_spn_attr(struct conn *c, unsigned long from);

#endif
