/*
 * How a client finds a host: its address and the name a canonicalizing
 * client asks a ticket for (the CNAME target).  The lookup runs in a
 * child process bounded by --timeout (bounded.h): the resolver's own
 * retries can take half a minute and more.  Nothing here prints.
 */
#ifndef SETSPN_RESOLVE_H
#define SETSPN_RESOLVE_H

#include <stdbool.h>

struct host_lookup {
    bool resolves;   /* it has an address */
    char *canon;     /* its CNAME target (malloc'd), or NULL */
    int unanswered;  /* seconds waited for DNS in vain, or 0 */
    bool failed;     /* the lookup ended without an answer */
};

/* Looks host up, giving up after seconds (0: as long as the resolver
 * takes).  Free with host_lookup_free. */
void host_lookup(const char *host, int seconds, struct host_lookup *out);
void host_lookup_free(struct host_lookup *h);

#endif
