/*
 * The directory side of setspn: connect and bind, find accounts, paged
 * searches and single-value modifies of servicePrincipalName.
 *
 * Nothing here prints or exits.  Every call returns an sp_status; on
 * failure the connection keeps an allocated message (operation, object,
 * LDAP error text and the server's diagnostic) that sp_conn_error()
 * returns until the next call.
 */
#ifndef SETSPN_LDAP_OPS_H
#define SETSPN_LDAP_OPS_H

#include <stdbool.h>
#include <stddef.h>

#include "spn.h"
#include "status.h"

struct sp_conn;

struct sp_connect_opts {
    const char *uri;  /* NULL: the URI from ldap.conf */
    int timeout;      /* seconds for connect and each request; 0: none */
    int page_size;    /* entries per page of every search */
    unsigned min_ssf; /* minimum SASL security strength factor */
};

/* One directory object and its SPNs.  All strings are malloc'd. */
struct sp_entry {
    char *dn;
    char **spns;
    size_t nspns;
};

struct sp_entries {
    struct sp_entry *v;
    size_t n, cap;
};

struct sp_account {
    struct sp_entry entry;
    char *sam;      /* sAMAccountName, or NULL */
    char *dns_host; /* dNSHostName, or NULL */
    bool computer;  /* objectClass includes computer */
};

/* Called for each entry of a search; dn and spns are valid only during the
 * call.  A status other than SP_OK stops the search and is returned. */
typedef enum sp_status (*sp_entry_fn)(const char *dn, char *const *spns,
                                      size_t nspns, void *ctx);

/* Never returns NULL (aborts when out of memory).  sp_conn_free(NULL) is
 * allowed. */
struct sp_conn *sp_conn_new(void);
void sp_conn_free(struct sp_conn *conn);

/* The message of the last failure, or "" if none.  Owned by conn. */
const char *sp_conn_error(const struct sp_conn *conn);

/* Checks the caller's Kerberos credentials, connects, binds with SASL
 * GSSAPI and reads the rootDSE. */
enum sp_status sp_connect(struct sp_conn *conn,
                          const struct sp_connect_opts *opts);

/* Facts about the bound connection, owned by conn. */
const char *sp_conn_uri(const struct sp_conn *conn);
const char *sp_conn_base(const struct sp_conn *conn); /* defaultNamingContext */
const char *sp_conn_principal(const struct sp_conn *conn);
unsigned sp_conn_ssf(const struct sp_conn *conn);
/* Pages read by the last search. */
unsigned sp_conn_pages(const struct sp_conn *conn);

/* Finds one account.  SP_NOT_FOUND (with a message naming it) if none. */
enum sp_status sp_find_account(struct sp_conn *conn,
                               const struct account_ref *ref,
                               enum account_kind kind,
                               struct sp_account *out);
void sp_account_free(struct sp_account *account);

/* Runs a paged subtree search of base for objects whose
 * servicePrincipalName matches spn (case-insensitively, as the directory
 * matches; '*' is a wildcard if wildcard is set), calling fn for each. */
enum sp_status sp_search_spn(struct sp_conn *conn, const char *base,
                             const char *spn, bool wildcard, sp_entry_fn fn,
                             void *ctx);

/* The same, collecting copies of the entries into out (appended). */
enum sp_status sp_find_holders(struct sp_conn *conn, const char *base,
                               const char *spn, bool wildcard,
                               struct sp_entries *out);
void sp_entries_free(struct sp_entries *entries);

/* Adds or deletes exactly one value of servicePrincipalName on dn. */
enum sp_status sp_add_spn(struct sp_conn *conn, const char *dn,
                          const char *spn);
enum sp_status sp_delete_spn(struct sp_conn *conn, const char *dn,
                             const char *spn);

#endif
