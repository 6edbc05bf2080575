/*
 * Planning a change, without a DC: who conflicts with the values an add
 * would write (the values themselves on any account, in any case, and the
 * alias forms of HOST/x that sPNMappings gives), and the changes that
 * earlier lines of a dry run or batch would have made, which later lines
 * must see.  The verbs fill it with what the directory said.
 */
#ifndef SETSPN_PLAN_H
#define SETSPN_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "entry.h"

/* The changes a dry run or batch has made so far, in order, indexed by
 * the folded value so that a line's look-up does not grow with the lines
 * before it. */
struct plan_change {
    char *dn, *spn;
    bool add;       /* else removed */
    size_t next;    /* the previous change in this hash chain, +1; 0 none */
};

struct plan_pending {
    struct plan_change *v;
    size_t n, cap;
    size_t *head;   /* per bucket: the newest change in it, +1; 0 none */
    size_t nbuckets; /* a power of two */
};

void plan_remember(struct plan_pending *p, const char *dn, const char *spn,
                   bool add);
/* What earlier changes did to dn's spn: 1 added, -1 removed, 0 nothing
 * (the last one counts). */
int plan_pending_change(const struct plan_pending *p, const char *dn,
                        const char *spn);
void plan_pending_free(struct plan_pending *p);

/* Who holds what an add would write. */
struct plan_holders {
    char *const *exact; /* the values; the caller's */
    size_t nexact;
    char **alias;       /* their alias forms, malloc'd */
    size_t nalias;
    struct entries by_exact, by_alias; /* filled from the directory */
    size_t others;      /* holders other than the target */
    bool target;        /* the target holds one of the values */
};

/* Starts a plan for values[0..n), with the alias forms of each HOST/x
 * value under the classes HOST stands for. */
void plan_holders_init(struct plan_holders *h, char *const *values, size_t n,
                       char *const *aliases, size_t naliases);
/* After the directory's answers are in by_exact and by_alias: applies the
 * pending changes (adds the holders they made, drops those they removed)
 * and counts the holders other than target. */
void plan_holders_settle(struct plan_holders *h,
                         const struct plan_pending *pending,
                         const char *target);
void plan_holders_free(struct plan_holders *h);

/* After settling: the value being added (*adding, one of exact) that the
 * first holder other than target (*dn) conflicts with, and what that
 * holder holds (*held: the value in its own spelling, or its alias form).
 * False if every holder is the target. */
bool plan_first_conflict(const struct plan_holders *h, const char *target,
                         const char **adding, const char **held,
                         const char **dn);

/* The stored spelling of spn on e: exact first, else any case; NULL if e
 * does not hold it. */
const char *plan_stored_value(const struct entry *e, const char *spn);
/* The index of the value of e that spn (as typed) names, or -1: the same
 * bytes; else the value whose printed form (quote.h, as -L shows it) spn
 * is; else the same in another case. */
long plan_stored_index(const struct entry *e, const char *spn);

#endif
