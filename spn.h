/*
 * Pure logic about service principal names and account names: syntax
 * checks, account-name forms, LDAP filter building and safe quoting.
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
const char *spn_check_write(const char *spn);

/* Checks a value for -D or -Q: any non-empty UTF-8 without control
 * characters, so odd values already in a directory can be named. */
const char *spn_check_lookup(const char *spn);

/* Checks a -T domain: "" (the current one), or a DNS name, NetBIOS name
 * or DN within the limits of spn_check_lookup. */
const char *domain_check(const char *domain);

/* Case-insensitive equality, as the directory matches SPNs. */
bool spn_equal(const char *a, const char *b);

enum account_form {
    ACCOUNT_NAME, /* NAME, NAME$, DOMAIN\NAME */
    ACCOUNT_UPN,  /* name@example.com */
    ACCOUNT_DN    /* CN=...,DC=... */
};

/* Which account a plain NAME means (-C, -U, or neither). */
enum account_kind {
    KIND_ANY,      /* NAME$ if it exists, else NAME */
    KIND_COMPUTER, /* NAME$ only */
    KIND_USER      /* NAME only */
};

struct account_ref {
    enum account_form form;
    char *domain; /* NetBIOS domain before '\', or NULL */
    char *name;   /* NAME as typed (with its '$' if any), UPN or DN */
    bool dollar;  /* name ends with '$': only that exact account */
};

/* Parses a command-line account.  NULL on success (free with
 * account_ref_free), else a static description of the problem. */
const char *account_parse(const char *arg, struct account_ref *out);
void account_ref_free(struct account_ref *ref);

/* Returns "(attr=value)" with value escaped per RFC 4515.  With wildcard,
 * each '*' in value stays a wildcard and the pieces between are escaped.
 * Caller frees with free().  NULL on allocation failure. */
char *filter_equals(const char *attr, const char *value, bool wildcard);

/* Returns value in single quotes with anything not printable ASCII, and
 * quotes and backslashes, escaped as \xNN: safe to print in a message
 * whatever the input held.  Caller frees.  Never NULL (aborts on ENOMEM). */
char *quote_value(const char *value);

/* True if s is well-formed UTF-8 (no overlongs, no surrogates). */
bool utf8_valid(const char *s);


/* Returns "(|(attr=v1)(attr=v2)...)" with every value escaped (RFC 4515);
 * a single value gives "(attr=v1)".  Caller frees.  NULL if n is 0. */
char *filter_any(const char *attr, char *const *values, size_t n);

/* Windows' default sPNMappings value, used when the directory's cannot be
 * read. */
extern const char SPN_DEFAULT_HOST_MAPPING[];

/* From sPNMappings values ("host=alerter,http,..."), the service classes
 * that HOST stands for.  Returns a malloc'd array of malloc'd strings
 * (*count of them); free with spn_strv_free. */
char **spn_host_aliases(char *const *mappings, size_t n, size_t *count);
void spn_strv_free(char **v, size_t n);

/* For spn = "HOST/rest" (any case), the SPNs "<alias>/rest" for every
 * alias; NULL (and *count 0) if spn's class is not HOST. */
char **spn_alias_forms(const char *spn, char *const *aliases, size_t n,
                       size_t *count);

#endif
