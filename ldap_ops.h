/*
 * Reading and writing directory entries: accounts, single-value modifies
 * of servicePrincipalName, the forest's domains and sPNMappings.  How
 * entries come out of a search is search.c's; connecting and binding are
 * conn.c's.
 *
 * Nothing here prints or exits.  Every call returns a status; on failure
 * the connection keeps an allocated message (operation, object, LDAP
 * error text and the server's diagnostic) that conn_error() returns.
 */
#ifndef SETSPN_LDAP_OPS_H
#define SETSPN_LDAP_OPS_H

#include <stdbool.h>
#include <stddef.h>

#include "account.h"
#include "conn.h"
#include "entry.h"
#include "search.h"
#include "status.h"

struct dir_account {
    struct entry entry;
    char *sam;      /* sAMAccountName, or NULL */
    char *dns_host; /* dNSHostName, or NULL */
    bool computer;  /* objectClass includes computer */
};

/* Finds one account.  ST_NOT_FOUND (with a message naming it) if none. */
enum status dir_find_account(struct conn *conn, const struct account_ref *ref,
                             enum account_kind kind, struct dir_account *out);
void dir_account_free(struct dir_account *account);

/* Send ahead the first page of what dir_find_account would ask, for
 * command job of a batch (conn.h's conn_prefetch_add): when that command
 * makes the same search, it reads the answer already there.  Failures are
 * silent (the search is then made when needed). */
void dir_prefetch_account(struct conn *conn, long job,
                          const struct account_ref *ref,
                          enum account_kind kind);

/* Adds or deletes exactly one value of servicePrincipalName on dn. */
enum status dir_add_spn(struct conn *conn, const char *dn, const char *spn);
enum status dir_delete_spn(struct conn *conn, const char *dn,
                           const char *spn);
/* The same for a value of len bytes (which may hold a NUL). */
enum status dir_delete_value(struct conn *conn, const char *dn,
                             const char *spn, size_t len);

/* A domain of the forest, from its crossRef in CN=Partitions. */
struct dir_domain {
    char *nc;      /* its naming context: DC=example,DC=com */
    char *dns;     /* dnsRoot: example.com */
    char *netbios; /* nETBIOSName: EXAMPLE */
};

/* Finds the domain whose DNS name, NetBIOS name or DN is name
 * (case-insensitively).  ST_NOT_FOUND if the forest has none. */
enum status dir_find_domain(struct conn *conn, const char *name,
                            struct dir_domain *out);
void dir_domain_free(struct dir_domain *domain);

/* The service classes HOST stands for, from the forest's sPNMappings, or
 * Windows' default list when they cannot be read (*from_directory is then
 * false).  Free with xstrv_free.  A failed read returns its status (with
 * the default list filled in all the same). */
enum status dir_host_aliases(struct conn *conn, char ***aliases, size_t *n,
                             bool *from_directory);

/*
 * Removes spn from dn where the DC refuses a single-value delete because
 * another account holds the same value (Samba).  One modify removes the
 * attribute and adds back every other value; the attribute's version in
 * replPropertyMetaData, read just before and just after, shows whether
 * another writer changed it in between.  *note (malloc'd) says what was
 * done, for the caller to show.
 */
enum status dir_delete_duplicated(struct conn *conn, const char *dn,
                                  const char *spn, char **note);

#endif
