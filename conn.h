/*
 * Reaching a DC: credentials, the URI (-H, ldap.conf or DNS SRV, trying
 * the next DC that does not answer), TLS that is always verified and never
 * falls back to plaintext, the SASL GSSAPI (or TLS-only simple) bind and
 * the rootDSE.
 *
 * Nothing here prints or exits.  A failed call returns a status and the
 * connection keeps an allocated message (operation, DC, LDAP error text,
 * the server's diagnostic and a hint) that conn_error() returns.
 */
#ifndef SETSPN_CONN_H
#define SETSPN_CONN_H

#include <stdbool.h>
#include <stddef.h>

#include <ldap.h>

#include "status.h"

struct conn;
struct locator_result;

struct conn_opts {
    const char *uri;       /* NULL: ldap.conf's URI, else DNS SRV */
    const char *domain;    /* for SRV discovery; NULL: the default realm */
    const char *site;      /* --site: its DCs first; NULL: the client's */
    bool gc;               /* the Global Catalog (SRV: _ldap._tcp.gc) */
    bool writable;         /* the run writes: a writable DC, never an RODC */
    int timeout;           /* seconds for connect and each request; 0: none */
    long run_end;          /* CLOCK_MONOTONIC second at which the whole run
                            * must end (--max-time); 0: none */
    int page_size;         /* entries per page of every search */
    int value_range;       /* servicePrincipalName values to ask for at a
                            * time (;range=); 0: as the server sends */
    unsigned min_ssf;      /* minimum security strength (SASL, or TLS) */
    bool starttls;         /* -Z */
    const char *cacert;    /* --cacert, or NULL for ldap.conf/system */
    const char *bind_dn;   /* --simple: bind as this DN (TLS only) */
    const char *password;  /* simple bind, or --principal's password */
    const char *keytab;    /* --keytab */
    const char *principal; /* --principal */
    /* Called before each DC is tried (the session re-arms its deadline,
     * so one DC that hangs leaves time for the next). */
    void (*on_attempt)(const char *uri, void *ctx);
    void *attempt_ctx;
};

/* Never returns NULL (aborts when out of memory).  conn_free(NULL) is
 * allowed. */
struct conn *conn_new(void);
void conn_free(struct conn *conn);

/* Gets or checks Kerberos credentials, finds the DC, secures the
 * connection, binds and reads the rootDSE. */
enum status conn_open(struct conn *conn, const struct conn_opts *opts);

/* The message of the last failure, or "" if none.  Owned by conn. */
const char *conn_error(const struct conn *conn);

/* The LDAP result code of the last failure that had one, and its
 * diagnostic (the server's text, owned by conn; NULL if none). */
int conn_last_result(const struct conn *conn, const char **diag);

/* Facts about the bound connection, owned by conn. */
const char *conn_uri(const struct conn *conn);
const char *conn_base(const struct conn *conn);   /* defaultNamingContext */
const char *conn_config(const struct conn *conn); /* configurationNC */
const char *conn_forest(const struct conn *conn); /* rootDomainNC */
const char *conn_principal(const struct conn *conn);
unsigned conn_ssf(const struct conn *conn);
/* "TLSv1.3 AES-256-GCM"-like, or NULL without TLS. */
const char *conn_tls(const struct conn *conn);
/* How the DC was chosen: "-H", "URI in ldap.conf", "DNS SRV ...". */
const char *conn_how(const struct conn *conn);
/* What the DC locator found (candidates, pings, the client's site, why
 * the DC), or NULL when -H or ldap.conf named the DC.  Owned by conn. */
const struct locator_result *conn_located(const struct conn *conn);
/* Whether the connection to the DC is still up (a batch ends when not). */
bool conn_alive(const struct conn *conn);
/* Pages read by the last search. */
unsigned conn_pages(const struct conn *conn);
/* The continuation references (LDAP URLs, as the server sent them: quote
 * them to print) that searches returned since the last call, each once;
 * the caller frees them with xstrv_free. */
char **conn_take_references(struct conn *conn, size_t *n);

/* "libldap 2.5.13, Cyrus SASL 2.1.28, MIT Kerberos 1.20.1 (build)": the
 * libraries this process runs with, for bug reports.  Caller frees. */
char *conn_library_versions(void);

/* ----- for the directory layer (ldap_ops.c) only ----- */

LDAP *conn_ld(struct conn *conn);
int conn_timeout(const struct conn *conn);
/* Whether the run is past its --max-time. */
bool conn_over_time(const struct conn *conn);
int conn_page_size(const struct conn *conn);
int conn_value_range(const struct conn *conn);
/* Keeps a continuation reference a search returned, not followed. */
void conn_add_reference(struct conn *conn, const char *uri);

/* The read-ahead state of a batch (ahead.c), kept with the connection
 * and freed with it by free_fn. */
void *conn_ahead(struct conn *conn);
void conn_set_ahead(struct conn *conn, void *state,
                    void (*free_fn)(void *));
void conn_count_page(struct conn *conn, bool first);
/* The first value of attr in e, malloc'd, or NULL. */
char *conn_first_value(LDAP *ld, LDAPMessage *e, const char *attr);

/* What one LDAP message from a server may be: liblber refuses a longer
 * one when its length arrives, before reading it, and the connection is
 * dropped.  A DC's largest is an entry with all its values (a Windows DC
 * sends 1,500 values of an attribute at a time; a page of 1,000 -X entries
 * is 1,000 messages): some hundred KB. */
#define CONN_MAX_MESSAGE (16u << 20)

/* Sets CONN_MAX_MESSAGE on the handle's connection; false if it could
 * not be set. */
bool conn_limit_messages(struct conn *conn);
/* After a failed wait for an answer (rc, errno as the wait left it):
 * whether it failed on CONN_MAX_MESSAGE, then said by conn_fail_ldap. */
void conn_note_oversize(struct conn *conn, int rc, int err);

/* Records a failure message; returns st. */
enum status conn_fail(struct conn *conn, enum status st, const char *fmt,
                      ...) __attribute__((format(printf, 3, 4)));
/* Records an LDAP failure of op: "<what>: <error text> (<code>)[: <diag>]",
 * classified by the status table; diag may be NULL. */
enum status conn_fail_ldap(struct conn *conn, enum status_op op, int rc,
                           char *diag, const char *what);
/* The same, taking the diagnostic from the handle. */
enum status conn_fail_ld(struct conn *conn, enum status_op op, int rc,
                         const char *what);

#endif
