/*
 * Finding a DC through DNS: SRV records (RFC 2782) looked up with the
 * resolver library, ordered by priority and, within one priority, by a
 * weighted random draw.
 */
#ifndef SETSPN_DISCOVER_H
#define SETSPN_DISCOVER_H

#include <stddef.h>

struct srv_target {
    char *host;
    unsigned port, priority, weight;
};

/* Orders t[0..n) as a client must try them: lowest priority first; within
 * a priority, each pick drawn with probability proportional to weight
 * (zero weights last but still tried).  rnd returns a value in [0, max). */
void discover_order(struct srv_target *t, size_t n,
               unsigned long (*rnd)(unsigned long max));

/* Looks up the SRV records of name.  Returns 0 with *out (free with
 * discover_free) and *n, or -1 with *msg (malloc'd) saying why. */
int discover_lookup(const char *name, struct srv_target **out, size_t *n,
               char **msg);
void discover_free(struct srv_target *t, size_t n);

/* "DC=example,DC=com" -> "example.com" (malloc'd), NULL if dn has no DC=
 * components. */
char *discover_dn_to_dns(const char *dn);

#endif
