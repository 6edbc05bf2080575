/*
 * Setspn.exe's text, line for line, as scripts parse it.  Each function
 * writes one block to f; nothing here decides anything.
 */
#ifndef SETSPN_OUTPUT_H
#define SETSPN_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define TEXT_UPDATED "Updated object"
#define TEXT_DUPLICATE "Duplicate SPN found, aborting operation!"
#define TEXT_EXISTING "Existing SPN found!"
#define TEXT_NO_SUCH "No such SPN found."

/* "Registered ServicePrincipalNames for DN:" and the SPNs. */
void out_list(FILE *f, const char *dn, char *const *spns, size_t n);

/* "Checking domain DN" (or the forest-wide form). */
void out_checking(FILE *f, const char *dn, bool forest);

/* An object's DN and its SPNs, tab-indented; with only set, just the
 * values equal to it (case-insensitively). */
void out_holder(FILE *f, const char *dn, char *const *spns, size_t n,
                const char *only);

/* The same, printing only the values equal to one of want[0..nwant). */
void out_holder_any(FILE *f, const char *dn, char *const *spns, size_t n,
                    char *const *want, size_t nwant);

/* "Registering ..." or "Unregistering ServicePrincipalNames for DN" and
 * the SPN. */
void out_change(FILE *f, bool add, const char *dn, const char *spn);

/* A line of its own: one of the TEXT_ constants. */
void out_line(FILE *f, const char *text);

/* "Could not find account NAME". */
void out_no_account(FILE *f, const char *name);

/* A -X group: "<SPN> is registered on these accounts:", the DNs
 * tab-indented, a blank line. */
void out_group(FILE *f, const char *spn, const char *const *dns, size_t n);

/* "found N group of duplicate SPNs." (sic: Setspn.exe's wording) */
void out_scan_total(FILE *f, size_t groups);

#endif
