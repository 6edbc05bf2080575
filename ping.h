/*
 * LDAP pings to many DCs at once (MS-ADTS 6.3.3, over UDP port 389): sent
 * in waves, each answer decoded (netlogon.h) as it comes, each ping given
 * its own short timeout, so that DCs that never answer cost no more than
 * one timeout together.  No printing: each ping keeps its outcome.
 */
#ifndef SETSPN_PING_H
#define SETSPN_PING_H

#include <stdbool.h>
#include <stddef.h>

#include "netlogon.h"

/* Pings sent at once, and the time between waves (the Windows DC
 * locator's pace: a ping every tenth of a second, a few at a time). */
#define PING_WAVE 5
#define PING_WAVE_GAP_MS 100

enum ping_state {
    PING_NOT_SENT, /* not reached: an earlier answer was taken */
    PING_SENT,     /* no answer yet (when the run ended: not waited for) */
    PING_ANSWERED, /* nl holds the answer */
    PING_FAILED,   /* error says why: unresolved, refused, a bad answer */
    PING_TIMEOUT   /* no answer within the ping's timeout */
};

struct ping {
    const char *host;      /* not owned */
    enum ping_state state;
    char addr[64];         /* the address pinged, as text, or "" */
    long ms;               /* milliseconds from sending to the outcome */
    struct netlogon nl;    /* PING_ANSWERED */
    char *error;           /* PING_FAILED: malloc'd */
    /* the run's own */
    int fd;
    int id;
    long sent_at;
};

/* Whether an answer will do: ends the run when true. */
typedef bool (*ping_accept_fn)(const struct ping *p, void *ctx);

/*
 * Pings p[0..n) (host set, the rest zeroed) for domain, in the order
 * given, PING_WAVE at a time every PING_WAVE_GAP_MS, each waiting up to
 * timeout_ms.  Ends at the first answer accept() takes (its index is
 * returned) or when every ping has its outcome (-1).  Free with
 * ping_free.
 */
long ping_run(struct ping *p, size_t n, const char *domain, int timeout_ms,
              ping_accept_fn accept, void *ctx);
void ping_free(struct ping *p, size_t n);

/* CLOCK_MONOTONIC in milliseconds. */
long ping_now_ms(void);

#endif
