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
    const char *uri;       /* NULL: ldap.conf's URI, else DNS SRV */
    const char *domain;    /* for SRV discovery; NULL: the default realm */
    bool gc;               /* the Global Catalog (SRV: _ldap._tcp.gc) */
    int timeout;           /* seconds for connect and each request; 0: none */
    int page_size;         /* entries per page of every search */
    unsigned min_ssf;      /* minimum security strength (SASL, or TLS) */
    bool starttls;         /* -Z */
    const char *cacert;    /* --cacert, or NULL for ldap.conf/system */
    const char *bind_dn;   /* --simple: bind as this DN (TLS only) */
    const char *password;  /* simple bind, or --principal's password */
    const char *keytab;    /* --keytab */
    const char *principal; /* --principal */
    /* Called before each DC is tried (the front end re-arms its deadline,
     * so one DC that hangs leaves time for the next). */
    void (*on_attempt)(const char *uri, void *ctx);
    void *attempt_ctx;
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

/* Gets or checks Kerberos credentials, finds the DC (-H, ldap.conf, or DNS
 * SRV, trying the next one that answers), secures the connection (TLS
 * verified, never a plaintext fallback), binds with SASL GSSAPI (or a
 * simple bind, over TLS only) and reads the rootDSE. */
enum sp_status sp_connect(struct sp_conn *conn,
                          const struct sp_connect_opts *opts);

/* Facts about the bound connection, owned by conn. */
const char *sp_conn_uri(const struct sp_conn *conn);
const char *sp_conn_base(const struct sp_conn *conn); /* defaultNamingContext */
const char *sp_conn_principal(const struct sp_conn *conn);
const char *sp_conn_forest(const struct sp_conn *conn); /* rootDomainNC */
unsigned sp_conn_ssf(const struct sp_conn *conn);
/* "TLSv1.3 AES-256-GCM"-like, or NULL without TLS. */
const char *sp_conn_tls(const struct sp_conn *conn);
/* How the DC was chosen: "-H", "URI in ldap.conf", "DNS SRV ...". */
const char *sp_conn_how(const struct sp_conn *conn);
/* Whether the connection to the DC is still up (a batch ends when not). */
bool sp_conn_alive(const struct sp_conn *conn);
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
void sp_entry_free(struct sp_entry *entry);

/* An sp_entry_fn that appends a copy of each entry to the sp_entries at
 * ctx. */
enum sp_status sp_collect(const char *dn, char *const *spns, size_t n,
                          void *ctx);

/* Adds or deletes exactly one value of servicePrincipalName on dn. */
enum sp_status sp_add_spn(struct sp_conn *conn, const char *dn,
                          const char *spn);
enum sp_status sp_delete_spn(struct sp_conn *conn, const char *dn,
                             const char *spn);

/* A domain of the forest, from its crossRef in CN=Partitions. */
struct sp_domain {
    char *nc;      /* its naming context: DC=example,DC=com */
    char *dns;     /* dnsRoot: example.com */
    char *netbios; /* nETBIOSName: EXAMPLE */
};

/* Finds the domain whose DNS name, NetBIOS name or DN is name
 * (case-insensitively).  SP_NOT_FOUND if the forest has none. */
enum sp_status sp_find_domain(struct sp_conn *conn, const char *name,
                              struct sp_domain *out);
void sp_domain_free(struct sp_domain *domain);

/* The URI of the Global Catalog on the DC conn uses: port 3268 (3269 for
 * ldaps).  Caller frees.  NULL if the URI cannot be parsed. */
char *sp_gc_uri(const struct sp_conn *conn);

/* The service classes HOST stands for, from the forest's sPNMappings, or
 * Windows' default list when they cannot be read (*from_directory is then
 * false).  Free with spn_strv_free. */
enum sp_status sp_host_aliases(struct sp_conn *conn, char ***aliases,
                               size_t *n, bool *from_directory);

/* Like sp_search_spn for objects holding any of the n values exactly. */
enum sp_status sp_search_any(struct sp_conn *conn, const char *base,
                             char *const *values, size_t n, sp_entry_fn fn,
                             void *ctx);

/*
 * Removes spn from dn where the DC refuses a single-value delete because
 * another account holds the same value (Samba).  One modify removes the
 * attribute and adds back every other value; the attribute's version in
 * replPropertyMetaData, read just before and just after, shows whether
 * another writer changed it in between.  *note (malloc'd) says what was
 * done, for the caller to show.
 */
enum sp_status sp_delete_duplicated(struct sp_conn *conn, const char *dn,
                                    const char *spn, char **note);

#endif
