/*
 * The fields of a connection, for the two files that make one: conn.c
 * (the handle: state, accessors, failure messages, read-ahead and
 * references) and connect.c (reaching and binding to a DC).  No other
 * file includes this.
 */
#ifndef SETSPN_CONN_INT_H
#define SETSPN_CONN_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <ldap.h>

struct conn {
    LDAP *ld;
    char *uri;
    char *base;      /* defaultNamingContext */
    char *config;    /* configurationNamingContext */
    char *forest;    /* rootDomainNamingContext */
    char *principal; /* the Kerberos identity we bind as */
    char *error;
    int last_rc;       /* the LDAP result of the last failure */
    char *last_diag;   /* and its diagnostic, or NULL */
    char *how;       /* how the DC was chosen, for -v */
    struct locator_result *located; /* the locator's findings, or NULL */
    bool tls;        /* ldaps:// or StartTLS */
    bool lost;       /* a request found the connection gone */
    bool oversize;   /* ... on a message past CONN_MAX_MESSAGE */
    char *tls_desc;  /* "TLSv1.3 AES-256-GCM", for -v */
    unsigned ssf;    /* SASL SSF, or TLS SSF with TLS */
    unsigned pages;
    int timeout;
    long run_end;    /* --max-time, CLOCK_MONOTONIC seconds; 0: none */
    int page_size;
    int value_range; /* --value-range: values asked for at a time; 0 */
    char **refs;     /* continuation references not yet taken */
    size_t nrefs;
    void *ahead;     /* a batch's read-ahead (ahead.c), and its free */
    void (*ahead_free)(void *);
};

#endif
