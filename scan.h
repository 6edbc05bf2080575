/*
 * Grouping for the duplicate scan (-X): SPNs are folded (fold.h)
 * into a hash table as entries arrive, so memory grows with distinct SPNs
 * and DNs, not with the result set held twice.
 */
#ifndef SETSPN_SCAN_H
#define SETSPN_SCAN_H

#include <stddef.h>

struct scan;

struct scan_group {
    const char *spn;          /* the spelling first seen */
    const char *const *dns;   /* holders, sorted */
    size_t ndns;
};

/* Never NULL (aborts when out of memory). */
struct scan *scan_new(void);
void scan_free(struct scan *s);

/* Records that dn holds each of spns.  The same SPN twice on one account
 * (in any case) is one holding, not a duplicate. */
void scan_add(struct scan *s, const char *dn, char *const *spns, size_t n);

size_t scan_entries(const struct scan *s);

/* Calls fn for every SPN held by more than one account, sorted
 * case-insensitively; returns the number of groups. */
size_t scan_groups(struct scan *s,
                   void (*fn)(const struct scan_group *g, void *ctx),
                   void *ctx);

#endif
