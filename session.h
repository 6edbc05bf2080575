/*
 * A run's connections and where its commands look: the DC and, when
 * needed, the forest's Global Catalog; the scopes of -F and -T; the
 * deadline that bounds a DC or KDC that does not answer, with its signal
 * handling; and account lookup with its domain check.  Failures are
 * reported here, as records, and returned as a status.
 */
#ifndef SETSPN_SESSION_H
#define SETSPN_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "args.h"
#include "batch.h"
#include "conn.h"
#include "ldap_ops.h"

/* Where -S, -A, -R, -Q and -X look: the domain, the forest's Global
 * Catalog (-F), or the domains named with -T. */
struct scope {
    struct conn *conn; /* the DC, or the Global Catalog */
    char *base;        /* search base */
    char *label;       /* the DN in "Checking domain/forest ..." */
    bool forest;
};

struct session {
    const struct options *o;
    struct conn_opts co;
    char *password;       /* kept only while a bind may still need it */
    struct conn *conn;    /* the DC */
    struct conn *gc;      /* its Global Catalog, connected when needed */
    struct scope scopes[MAX_DOMAINS];
    size_t nscopes;
    char **aliases;       /* what HOST stands for, read once */
    size_t naliases;
    bool aliases_loaded;
};

/* SIGPIPE is ignored (a reset connection is an error, not a death);
 * SIGINT and SIGTERM are noted and acted on between commands, so that
 * each command's outcome is known and reported. */
void session_signals_init(void);
/* Holds SIGINT and SIGTERM back (while a command runs: libldap takes an
 * interrupted wait for a lost connection), or lets one held through. */
void session_hold_signals(bool hold);
/* The signal that asked the run to stop (or that is held), or 0. */
int session_stop_signal(void);
/* While on, a SIGINT or SIGTERM ends the run at once: "stopped by SIGx"
 * on stderr, the JSON document so far on stdout (--json), exit 128 + its
 * number.  For waits with nothing to finish: reading the batch input. */
void session_stop_at_once(bool on);

/* Connects and binds to the DC, within the deadline; a writable one
 * when the run writes.  Takes the password (malloc'd, or NULL) and wipes
 * it once no bind needs it.  Reports a failure. */
enum status session_open(struct session *s, const struct options *o,
                         char *password, bool writes);
void session_close(struct session *s);

/* The forest's Global Catalog, connected if it was not (a failure is
 * reported). */
enum status session_gc(struct session *s, struct conn **gc);

/* Whether the run is past --max-time (a batch ends then). */
bool session_over_time(const struct session *s);

/* Whether the DC is still there (a batch ends when it is not). */
bool session_alive(const struct session *s);

/* Sets s->scopes for a command: -F, -T, or the DC's own domain. */
enum status session_scopes(struct session *s, const struct request *q);

/* Reports the failure kept by conn; returns st. */
enum status session_fail(struct conn *conn, enum status st);

/* Finds the command's account (DOMAIN\NAME must name the DC's domain),
 * reporting it or why not. */
enum status session_find_account(struct session *s, const struct job *job,
                                 struct dir_account *acct);

/* Says on stderr which continuation references the searches of the last
 * command returned and did not follow: those that may hold accounts (all
 * of them with -v). */
void session_references(struct session *s);

/* The service classes HOST stands for (sPNMappings), read once. */
void session_host_aliases(struct session *s, char *const **aliases,
                          size_t *n);

#endif
