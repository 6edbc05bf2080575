/*
 * The duplicate scan (-X) in little memory.  Values are grouped by their
 * printed forms (quote.h: one to one with the values, NUL bytes included)
 * under the case fold of fold.h.  While entries arrive, each distinct
 * value is kept only as a 64-bit fingerprint of its folded printed form: 8
 * bytes in an open-addressing table.  A value whose fingerprint comes back
 * from another entry is a candidate and is kept in full (a short side
 * list).  Afterwards every candidate is resolved by the directory's own
 * equality search, through a callback (scan_resolve), which gives the
 * holders and spellings reported: a fingerprint collision can never make
 * a duplicate up or hide one, and where the directory folds more letters
 * than fold.h does, its answer decides.
 *
 * Nothing here talks to a directory.
 */
#ifndef SETSPN_SCAN_H
#define SETSPN_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "entry.h"
#include "status.h"

struct scan;

struct scan_group {
    const char *spn;          /* printed form: the first holder's spelling */
    const char *const *dns;   /* holders, sorted, each once */
    size_t ndns;
};

/* Never NULL (aborts when out of memory). */
struct scan *scan_new(void);
void scan_free(struct scan *s);

/* Records that dn holds spns[0..n) (lens: their lengths, NULL for C
 * strings).  The same SPN twice on one account (in any case) is one
 * holding, not a duplicate. */
void scan_add(struct scan *s, const char *dn, char *const *spns,
              const size_t *lens, size_t n);

size_t scan_entries(const struct scan *s);
size_t scan_values(const struct scan *s);
/* Values kept in full so far: candidates for duplicates. */
size_t scan_candidates(const struct scan *s);

/*
 * Asks the directory which accounts hold any of values[0..n) (lens[i]
 * bytes each), by its own equality (n > 1: one OR of them), calling found
 * with found_ctx for every entry it returns.  A status other than ST_OK
 * stops scan_resolve and is returned by it.
 */
typedef enum status (*scan_search_fn)(char *const *values,
                                      const size_t *lens, size_t n,
                                      entry_fn found, void *found_ctx,
                                      void *ctx);

/* Resolves every candidate after the last scan_add, up to batch values
 * in one search (plain ASCII values; any other is asked about alone).
 * Where a batch's answer holds a value that could match a candidate by
 * the directory's equality but not by fold.h's, its candidates are asked
 * about one by one.  On failure the groups are empty. */
enum status scan_resolve(struct scan *s, size_t batch, scan_search_fn fn,
                         void *ctx);
/* Searches made by the last scan_resolve. */
size_t scan_searches(const struct scan *s);

/* Calls fn for every SPN held by more than one account, sorted by the
 * fold; returns the number of groups.  Only after scan_resolve (aborts if
 * a value was added since). */
size_t scan_groups(struct scan *s,
                   void (*fn)(const struct scan_group *g, void *ctx),
                   void *ctx);

/* Tests only, before the first scan_add: keeps bits (1-64) bits of each
 * fingerprint, so that unrelated values collide. */
void scan_test_fingerprint_bits(struct scan *s, unsigned bits);

/*
 * Progress on a terminal: "Processing entry 0" when started, then at most
 * SCAN_METER_HZ times a second one line, rewritten in place,
 * "Processing entry N (V values, R entries/s)", ended by scan_meter_end.
 */
#define SCAN_METER_HZ 4

struct scan_meter {
    FILE *f;
    double start, last; /* scan_clock() seconds */
    int width;          /* of the line shown, 0 if none is open */
};

/* Seconds on a monotonic clock. */
double scan_clock(void);
void scan_meter_start(struct scan_meter *m, FILE *f, double now);
/* Shows the counts if the last were shown 1/SCAN_METER_HZ s ago. */
void scan_meter_tick(struct scan_meter *m, const struct scan *s, double now);
/* Shows the totals and ends the line. */
void scan_meter_end(struct scan_meter *m, const struct scan *s, double now);

#endif
