/*
 * The account forms users type (NAME, NAME$, DOMAIN\NAME, a UPN, a DN)
 * and -T domain names: parsed and checked, pure.
 */
#ifndef SETSPN_ACCOUNT_H
#define SETSPN_ACCOUNT_H

#include <stdbool.h>

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

/* For upn = "name@dns.domain" where dns.domain is domain_dns (in any
 * case), the name an implicit UPN stands for (the sAMAccountName; AD
 * accepts it although userPrincipalName is unset), malloc'd; else NULL. */
char *account_implicit_upn(const char *upn, const char *domain_dns);

/* For a NAME with a dot that no account has (an FQDN typed as the
 * account: "EXCH01.example.com"), its first label, the name the account
 * probably has, malloc'd; else NULL. */
char *account_fqdn_short(const struct account_ref *ref);

/* Checks a -T domain: "" (the current one), or a DNS name, NetBIOS name
 * or DN within the limits of spn_check_lookup. */
const char *account_check_domain(const char *domain);

#endif
