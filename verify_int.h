/*
 * What verify.c and verify_checks.c share: a --verify run's context (the
 * request and what was found) and the helpers that build check records.
 * Internal to --verify; verify.h is its interface.
 */
#ifndef SETSPN_VERIFY_INT_H
#define SETSPN_VERIFY_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "acctinfo.h"
#include "entry.h"
#include "report.h"
#include "resolve.h"
#include "session.h"
#include "ticket.h"

/* One check's record. */
struct check {
    const char *name;
    enum check_result result;
    char *detail;
    char **fixes;
    size_t nfixes;
    unsigned nalso; /* findings added to the detail */
};

#define NCHECKS 6

/* What the checks share: the request and what was found. */
struct vctx {
    struct session *s;
    struct conn *conn;              /* the DC */
    const struct request *req;
    const struct job *job;
    const char *account_dn;         /* ACCOUNT's DN, or NULL */
    struct check checks[NCHECKS];
    size_t nchecks;
    struct entries exact;           /* holders of the SPN */
    char *alias_spn;                /* HOST/<rest> when the class is an alias */
    struct entries by_alias;        /* its holders */
    char *host;                     /* the SPN's host */
    struct host_lookup dns;
    char *intended;                 /* DN of the account that should serve */
    const char *intended_how;       /* "named", or the attribute it answers by */
    struct dir_account_info intended_info;
    char *other_dn;                 /* ACCOUNT's namesake (user vs NAME$) */
    const char *serving;            /* DN of the account the KDC uses */
    char *fallback;                 /* ... found by this DC's CN mapping */
    char *portless_spn, *portless;  /* class/host, held by portless */
    struct dir_account_info portless_info;
    struct dir_account_info serving_info;
    const struct dir_account_info *checked; /* the account the findings are
                                               about */
    struct ticket *tkt;
    bool issued;                    /* the KDC issued a ticket */
    struct keytab_check kt;
    bool kt_done;
};

/* A DN or name from the directory (or DNS) in its printed form. */
char *v_safe(const char *s);
/* A new check record; its detail is fmt's. */
struct check *v_add_check(struct vctx *v, const char *name,
                          const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Adds "; <more>" to c's detail and raises its result to at least r. */
void v_also(struct check *c, enum check_result r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A fix command (taken), printed once in the whole run. */
void v_add_fix(struct vctx *v, struct check *c, char *cmd);
/* setspn -S spn naming a exactly; to the account that should serve
 * (saying so when it was inferred); setspn -D spn from dn. */
void v_fix_add_to(struct vctx *v, struct check *c, const char *spn,
                  const struct dir_account_info *a);
void v_fix_add(struct vctx *v, struct check *c, const char *spn);
void v_fix_delete(struct vctx *v, struct check *c, const char *spn,
                  const char *dn);
bool v_same_dn(const char *a, const char *b);
bool v_is_intended(const struct vctx *v, const char *dn);
/* The DNs of es, printed, "; "-separated (malloc'd). */
char *v_dn_list(const struct entries *es);
bool v_holds(const struct entries *es, const char *dn);
/* The holders of spn in every scope; *failed: the connection that failed. */
enum status v_search_all(struct vctx *v, const char *spn,
                         struct entries *out, struct conn **failed);
/* Whether the ticket was encrypted for the account checked. */
bool v_ticket_is_checked(const struct vctx *v);
/* A service keytab that accepts the ticket. */
bool v_keytab_accepts(const struct vctx *v);

/* The checks (verify_checks.c), in the order they are reported; with
 * --service-keytab, v_try_keytab first (the others depend on it). */
void v_try_keytab(struct vctx *v);
void v_check_holders(struct vctx *v);
void v_check_alias(struct vctx *v);
void v_check_ticket(struct vctx *v);
void v_check_account(struct vctx *v);
void v_check_dns(struct vctx *v);
void v_check_keytab(struct vctx *v);

#endif
