/*
 * Finding the DC as the Windows DC locator does: the domain's SRV records
 * (discover.h), LDAP pings to the candidates at once (ping.h), the
 * client's site learnt from the first answer, then that site's own SRV
 * records, preferring a DC there that answers; a DC of the right kind
 * (writable for a run that writes, a Global Catalog for -F).  Nothing
 * printed: the result keeps the lines -v shows.
 */
#ifndef SETSPN_LOCATOR_H
#define SETSPN_LOCATOR_H

#include <stdbool.h>
#include <stddef.h>

struct locator_opts {
    const char *domain; /* DNS name of the domain (the forest's, for gc) */
    const char *site;   /* --site, or NULL: the client's, as the DCs say */
    bool gc;            /* a Global Catalog (_gc SRV records, GC flag) */
    bool writable;      /* a writable DC (not a read-only one) */
    int timeout;        /* --timeout, seconds (0: none); bounds a ping */
    unsigned long (*rnd)(unsigned long max); /* RFC 2782's draw */
};

struct locator_result {
    char **uris;        /* to try in turn: the chosen DC first */
    size_t nuris;
    char *how;          /* "DNS SRV <name> (N records)": where it came from */
    char *site;         /* the client's site, or NULL if none was learnt */
    char *dc_site;      /* the chosen DC's own site, or NULL */
    char *why;          /* why that DC (or why the list is tried as is) */
    char **log;         /* lines for -v, printable (names quoted) */
    size_t nlog;
};

/*
 * Fills *r.  Returns 0, or -1 with *msg (malloc'd) when no DC can be
 * tried (no SRV records; DCs answered, none of the right kind).  When no
 * candidate answers a ping at all, they are all returned in SRV order
 * (UDP may be filtered on the way): each is then tried over TCP.
 * locator_result_free(r) in both cases.
 */
int locator_find(const struct locator_opts *o, struct locator_result *r,
                 char **msg);
void locator_result_free(struct locator_result *r);

/* The SRV name of o's DCs ("_ldap._tcp.dc._msdcs.D", or with site
 * "_ldap._tcp.S._sites.dc._msdcs.D"; "gc" for a Global Catalog);
 * malloc'd. */
char *locator_srv_name(const struct locator_opts *o, const char *site);

#endif
