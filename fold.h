/*
 * Case folding of UTF-8 text, as a directory matches values: the one
 * fold behind spn_equal and the -X grouping.  Pure, built in, the same in
 * every locale.
 *
 * ASCII letters fold to lower case, and so do the cased letters of the
 * Latin-1 Supplement, Latin Extended-A, Greek and Cyrillic blocks (simple
 * one-to-one folds: final sigma folds to sigma; sharp s, dotted capital I
 * and the long s are left alone, so no letter outside ASCII ever folds
 * into ASCII).  Bytes that are not well-formed UTF-8 are compared as they
 * are.  A directory may fold more (Windows folds some accents and look-
 * alikes): the verbs settle doubts about non-ASCII values with the DC's
 * own equality.
 */
#ifndef SETSPN_FOLD_H
#define SETSPN_FOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The folded code point of c (c itself if it has no fold here). */
uint32_t fold_codepoint(uint32_t c);

/* Compares a and b after folding: <0, 0, >0, a total order (by folded
 * code point, invalid bytes as themselves). */
int fold_compare(const char *a, const char *b);

/* a and b are equal after folding. */
bool fold_equal(const char *a, const char *b);

/* FNV-1a of the folded text: equal values (fold_equal) hash alike. */
uint32_t fold_hash(const char *s);

/* A 64-bit fingerprint of the folded text (FNV-1a, then mixed), never 0:
 * equal values (fold_equal) fingerprint alike. */
uint64_t fold_fingerprint(const char *s);

/* Whether s holds any byte outside ASCII. */
bool fold_non_ascii(const char *s);

#endif
