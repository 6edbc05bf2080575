/*
 * A directory object as the verbs see it: its DN and its SPNs, copied out
 * of a search result.  Pure, so the planning code that works on entries is
 * unit-tested without a DC.
 */
#ifndef SETSPN_ENTRY_H
#define SETSPN_ENTRY_H

#include <stddef.h>

#include "status.h"

/* All strings malloc'd; spns is NULL-terminated.  A value may hold a NUL
 * byte (any user can plant one): lens[i] is the length of spns[i], whose
 * bytes are followed by a NUL too. */
struct entry {
    char *dn;
    char **spns;
    size_t *lens;
    size_t nspns;
};

struct entries {
    struct entry *v;
    size_t n, cap;
};

/* Called for each entry of a search; dn, spns and lens (their lengths)
 * are valid only during the call.  A status other than ST_OK stops the
 * search and is returned. */
typedef enum status (*entry_fn)(const char *dn, char *const *spns,
                                const size_t *lens, size_t nspns, void *ctx);

/* The length of v[i]: lens[i], or strlen when lens is NULL. */
size_t entry_len(char *const *v, const size_t *lens, size_t i);

/* Fills dst with copies of dn and spns[0..n) (lens may be NULL: C
 * strings). */
void entry_set(struct entry *dst, const char *dn, char *const *spns,
               const size_t *lens, size_t n);
void entry_free(struct entry *entry);

/* An entry_fn that appends a copy of each entry to the struct entries at
 * ctx. */
enum status entries_collect(const char *dn, char *const *spns,
                            const size_t *lens, size_t n, void *ctx);
/* Removes v[i], moving the last entry into its place. */
void entries_remove(struct entries *entries, size_t i);
void entries_free(struct entries *entries);

#endif
