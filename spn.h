/*
 * Pure logic about service principal names: syntax checks, equality and
 * the HOST alias forms of sPNMappings.
 * Nothing here talks to a directory, so all of it is unit-tested.
 */
#ifndef SETSPN_SPN_H
#define SETSPN_SPN_H

#include <stdbool.h>
#include <stddef.h>

#define SPN_HOST_MAX 255
/* servicePrincipalName's rangeUpper in the AD schema; also the limit for
 * account names, DNs and domains, which are shorter in any real forest. */
#define SPN_VALUE_MAX 2048

/* Checks a value that -S/-A/-R would write.  NULL if valid, else a static
 * description of the first problem found. */
/* spn_check_lookup, and no '@': --verify takes an SPN as -S does, so
 * that its fix lines run. */
const char *spn_check_verify(const char *spn);

const char *spn_check_write(const char *spn);

/* Checks a value for -D or -Q: any non-empty UTF-8 without control
 * characters, so odd values already in a directory can be named. */
const char *spn_check_lookup(const char *spn);

/* Case-insensitive equality, as the directory matches SPNs: the fold of
 * fold.h (ASCII and the Latin, Greek and Cyrillic letters).  The one
 * equality of SPNs: -R's presence test, planning, batch tracking, -X. */
bool spn_equal(const char *a, const char *b);

/* Windows' default sPNMappings value, used when the directory's cannot be
 * read. */
extern const char SPN_DEFAULT_HOST_MAPPING[];

/* From sPNMappings values ("host=alerter,http,..."), the service classes
 * that HOST stands for.  Returns a malloc'd array of malloc'd strings
 * (*count of them); free with xstrv_free (xalloc.h). */
char **spn_host_aliases(char *const *mappings, size_t n, size_t *count);

/* For spn = "HOST/rest" (any case), the SPNs "<alias>/rest" for every
 * alias; NULL (and *count 0) if spn's class is not HOST. */
char **spn_alias_forms(const char *spn, char *const *aliases, size_t n,
                       size_t *count);

#endif
