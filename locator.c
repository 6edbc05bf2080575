#include "locator.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "discover.h"
#include "netlogon.h"
#include "ping.h"
#include "quote.h"
#include "xalloc.h"

/* A ping's own timeout (the Windows locator waits 0.4 s; a loaded DC may
 * take longer), and never more than half of --timeout, so the bind that
 * follows keeps its time. */
#define PING_TIMEOUT_MS 1000

struct run {
    const struct locator_opts *o;
    struct locator_result *r;
    char *client_site; /* from the first answer of the run */
    char *first_from;  /* the DC that said it */
};

static void say(struct locator_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void say(struct locator_result *r, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    r->log = xrealloc(r->log, (r->nlog + 1) * sizeof(*r->log));
    r->log[r->nlog++] = xvasprintf(fmt, ap);
    va_end(ap);
}

char *locator_srv_name(const struct locator_opts *o, const char *site)
{
    const char *kind = o->gc ? "gc" : "dc";

    if (site != NULL)
        return xasprintf("_ldap._tcp.%s._sites.%s._msdcs.%s", site, kind,
                         o->domain);
    return xasprintf("_ldap._tcp.%s._msdcs.%s", kind, o->domain);
}

/* Why an answer will not do for o, or NULL. */
static const char *unfit(const struct locator_opts *o,
                         const struct netlogon *nl)
{
    const char *name = o->gc ? nl->forest : nl->domain;

    if (strcasecmp(name, o->domain) != 0)
        return o->gc ? "of another forest" : "of another domain";
    if (!(nl->flags & NETLOGON_LDAP))
        return "no LDAP service";
    if (o->gc && !(nl->flags & NETLOGON_GC))
        return "not a Global Catalog";
    if (o->writable && !(nl->flags & NETLOGON_WRITABLE))
        return "read-only: this run writes";
    return NULL;
}

static bool accept_answer(const struct ping *p, void *ctx)
{
    struct run *u = ctx;

    if (u->client_site == NULL && p->nl.client_site[0] != '\0') {
        u->client_site = xstrdup(p->nl.client_site);
        u->first_from = xstrdup(p->host);
    }
    return unfit(u->o, &p->nl) == NULL;
}

/* The candidates of name, in RFC 2782 order; logged. */
static size_t lookup(struct run *u, const char *name, struct srv_target **t)
{
    char *msg = NULL, *list = xstrdup(""), *qname = quote_message(name);
    size_t n = 0;

    if (discover_lookup(name, t, &n, &msg) != 0) {
        char *q = quote_message(msg);

        say(u->r, "DNS SRV: %s", q);
        free(q);
        free(msg);
        free(list);
        free(qname);
        return 0;
    }
    discover_order(*t, n, u->o->rnd);
    for (size_t i = 0; i < n; i++) {
        char *h = quote_message((*t)[i].host), *next;

        next = xasprintf("%s %s:%u", list, h, (*t)[i].port);
        free(list);
        free(h);
        list = next;
    }
    say(u->r, "DNS SRV %s: %zu candidate%s:%s", qname, n, n == 1 ? "" : "s",
        list);
    free(list);
    free(qname);
    return n;
}

static void log_ping(struct run *u, const struct ping *p, int timeout_ms)
{
    char *h = quote_message(p->host);
    char *addr = xasprintf(p->addr[0] ? " (%s)" : "%s", p->addr);

    switch (p->state) {
    case PING_ANSWERED: {
        char *flags = netlogon_flags_text(p->nl.flags);
        char *dom = quote_message(p->nl.domain);
        char *site = quote_message(p->nl.server_site);
        char *client = quote_message(p->nl.client_site);
        const char *no = unfit(u->o, &p->nl);

        say(u->r, "ping %s%s: answered in %ld ms: domain %s, DC site %s, "
                  "client site %s, flags %s%s%s", h, addr, p->ms, dom,
            *site ? site : "(none)", *client ? client : "(none)", flags,
            no ? "; not taken: " : "", no ? no : "");
        free(flags);
        free(dom);
        free(site);
        free(client);
        break;
    }
    case PING_FAILED: {
        char *e = quote_message(p->error);

        say(u->r, "ping %s%s: %s (%ld ms)", h, addr, e, p->ms);
        free(e);
        break;
    }
    case PING_TIMEOUT:
        say(u->r, "ping %s%s: no answer within %d ms", h, addr, timeout_ms);
        break;
    case PING_SENT:
        say(u->r, "ping %s%s: no answer yet after %ld ms (not waited for)", h,
            addr, p->ms);
        break;
    case PING_NOT_SENT:
        say(u->r, "ping %s: not sent (a DC had answered)", h);
        break;
    }
    free(h);
    free(addr);
}

/* One set of candidates, pinged; skip[0..nskip) are hosts already pinged
 * (not again: PING_FAILED here, their outcome is an earlier set's).
 * Returns the index of the one taken, or -1; *out the pings, in t's
 * order. */
static long ping_set(struct run *u, const struct srv_target *t, size_t n,
                     struct ping **out, char *const *skip, size_t nskip)
{
    int timeout = PING_TIMEOUT_MS;
    struct ping *p = xcalloc(n ? n : 1, sizeof(*p));
    size_t *map = xcalloc(n ? n : 1, sizeof(*map)), m = 0;
    struct ping *sent;
    long chosen;

    if (u->o->timeout > 0 && u->o->timeout * 1000 / 2 < timeout)
        timeout = u->o->timeout * 1000 / 2;
    for (size_t i = 0; i < n; i++) {
        bool seen = false;

        p[i].host = t[i].host;
        for (size_t k = 0; k < nskip && !seen; k++)
            seen = strcasecmp(skip[k], t[i].host) == 0;
        if (!seen)
            map[m++] = i;
        else
            p[i].state = PING_FAILED; /* its outcome is the earlier set's */
    }
    /* The pings to send, in order, apart from the ones skipped. */
    sent = xcalloc(m ? m : 1, sizeof(*sent));
    for (size_t k = 0; k < m; k++)
        sent[k].host = t[map[k]].host;
    chosen = ping_run(sent, m, u->o->domain, timeout, accept_answer, u);
    for (size_t k = 0; k < m; k++) {
        log_ping(u, &sent[k], timeout);
        p[map[k]] = sent[k];
        p[map[k]].host = t[map[k]].host;
    }
    if (chosen >= 0)
        chosen = (long)map[chosen];
    free(sent); /* its contents moved to p */
    free(map);
    *out = p;
    return chosen;
}

static void add_uri(struct locator_result *r, const struct srv_target *t)
{
    char *uri = xasprintf("ldap://%s:%u", t->host, t->port);

    for (size_t i = 0; i < r->nuris; i++)
        if (strcasecmp(r->uris[i], uri) == 0) {
            free(uri);
            return;
        }
    r->uris = xrealloc(r->uris, (r->nuris + 1) * sizeof(*r->uris));
    r->uris[r->nuris++] = uri;
}

/* The other DCs of a set, should the chosen one's bind fail: those that
 * answered and will do, then those not heard from yet (not pinged, or
 * not waited for), in DNS order.  Never one that failed, timed out or
 * will not do. */
static void add_fit(struct run *u, const struct srv_target *t,
                    const struct ping *p, size_t n, bool unheard)
{
    for (size_t i = 0; i < n; i++)
        if (unheard ? p[i].state == PING_SENT || p[i].state == PING_NOT_SENT
                    : p[i].state == PING_ANSWERED
                          && unfit(u->o, &p[i].nl) == NULL)
            add_uri(u->r, &t[i]);
}

/* The rest after the chosen DC: the sets' fit answers, then the sets'
 * unheard candidates. */
static void add_rest(struct run *u, const struct srv_target *t1,
                     const struct ping *p1, size_t n1,
                     const struct srv_target *t2, const struct ping *p2,
                     size_t n2)
{
    add_fit(u, t1, p1, n1, false);
    add_fit(u, t2, p2, n2, false);
    add_fit(u, t1, p1, n1, true);
    add_fit(u, t2, p2, n2, true);
}

static void choose(struct run *u, const struct srv_target *t,
                   const struct ping *p, const char *srv, size_t n,
                   const char *why)
{
    struct locator_result *r = u->r;
    char *h = quote_message(t->host);

    add_uri(r, t);
    free(r->how);
    r->how = xasprintf("DNS SRV %s (%zu record%s)", srv, n, n == 1 ? "" : "s");
    free(r->dc_site);
    r->dc_site = xstrdup(p->nl.server_site);
    free(r->why);
    r->why = xstrdup(why);
    say(r, "chose %s: %s", h, why);
    free(h);
}

/* Hosts pinged in p[0..n), for skipping them the next time. */
static char **pinged(const struct ping *p, size_t n, size_t *count)
{
    char **v = xcalloc(n ? n : 1, sizeof(*v));

    *count = 0;
    for (size_t i = 0; i < n; i++)
        if (p[i].state != PING_NOT_SENT)
            v[(*count)++] = xstrdup(p[i].host);
    return v;
}

/* Which answered but would not do, for the error: "a: read-only ...". */
static char *unfit_list(struct run *u, const struct ping *p, size_t n)
{
    char *list = NULL;

    for (size_t i = 0; i < n; i++) {
        char *h, *next;

        if (p[i].state != PING_ANSWERED)
            continue;
        h = quote_message(p[i].host);
        next = xasprintf("%s%s%s (%s)", list ? list : "", list ? ", " : "",
                         h, unfit(u->o, &p[i].nl));
        free(list);
        free(h);
        list = next;
    }
    return list;
}

int locator_find(const struct locator_opts *o, struct locator_result *r,
                 char **msg)
{
    struct run u = { .o = o, .r = r };
    struct srv_target *st = NULL, *dt = NULL, *ct = NULL;
    struct ping *sp = NULL, *dp = NULL, *cp = NULL;
    size_t ns = 0, nd = 0, nc = 0;
    char *name = NULL, *dname = NULL, *site_name = NULL;
    const char *kind = o->gc ? "Global Catalog" : o->writable ? "writable DC"
                                                              : "DC";
    long c;
    int rc = 0;

    memset(r, 0, sizeof(*r));
    *msg = NULL;
    /* --site: that site's DCs first. */
    if (o->site != NULL) {
        site_name = locator_srv_name(o, o->site);
        ns = lookup(&u, site_name, &st);
        if (ns > 0) {
            c = ping_set(&u, st, ns, &sp, NULL, 0);
            if (c >= 0) {
                choose(&u, &st[c], &sp[c], site_name, ns,
                       "the first of site --site to answer");
                add_rest(&u, st, sp, ns, NULL, NULL, 0);
                goto done;
            }
        }
        say(r, "no %s of site %s (--site) answered: the whole domain",
            kind, o->site);
    }
    /* The domain's DCs; a domain without the _msdcs records may still
     * have the plain ones. */
    dname = locator_srv_name(o, NULL);
    nd = lookup(&u, dname, &dt);
    if (nd == 0) {
        name = xasprintf("%s%s", o->gc ? "_gc._tcp." : "_ldap._tcp.",
                         o->domain);
        nd = lookup(&u, name, &dt);
        if (nd == 0) {
            *msg = xasprintf("no DNS SRV records for %s", dname);
            rc = -1;
            goto done;
        }
        free(dname);
        dname = name;
        name = NULL;
    }
    {
        size_t nskip = 0;
        char **skip = sp ? pinged(sp, ns, &nskip) : NULL;

        c = ping_set(&u, dt, nd, &dp, skip, nskip);
        xstrv_free(skip, nskip);
    }
    if (c < 0) {
        char *bad = unfit_list(&u, dp, nd);

        if (bad != NULL) {
            *msg = xasprintf("no %s answered: %s", kind, bad);
            free(bad);
            rc = -1;
            goto done;
        }
        /* Nothing answered on UDP: it may be filtered; TCP in turn, as
         * before there was a ping. */
        say(r, "no DC answered the LDAP ping (UDP 389): each tried over "
               "TCP in DNS order");
        for (size_t i = 0; i < nd; i++)
            add_uri(r, &dt[i]);
        r->how = xasprintf("DNS SRV %s (%zu record%s)", dname, nd,
                           nd == 1 ? "" : "s");
        r->why = xstrdup("no DC answered the LDAP ping: tried in DNS order");
        goto done;
    }
    if (u.client_site != NULL) {
        char *q = quote_message(u.client_site), *f = quote_message(u.first_from);

        say(r, "client site %s (from %s)", q, f);
        free(q);
        free(f);
    }
    if (o->site == NULL && u.client_site != NULL
        && !(dp[c].nl.flags & NETLOGON_CLOSEST)
        && strcasecmp(dp[c].nl.server_site, u.client_site) != 0) {
        /* Not in the client's site: that site's own DCs, if any answer. */
        size_t nskip = 0;
        char **skip = pinged(dp, nd, &nskip);
        long cc = -1;

        site_name = locator_srv_name(o, u.client_site);
        nc = lookup(&u, site_name, &ct);
        if (nc > 0)
            cc = ping_set(&u, ct, nc, &cp, skip, nskip);
        xstrv_free(skip, nskip);
        if (cc >= 0) {
            choose(&u, &ct[cc], &cp[cc], site_name, nc,
                   "the first of the client's site to answer");
            add_rest(&u, ct, cp, nc, dt, dp, nd);
            goto done;
        }
        choose(&u, &dt[c], &dp[c], dname, nd,
               "no DC of the client's site answered: the first of the "
               "domain to answer");
    } else {
        choose(&u, &dt[c], &dp[c], dname, nd,
               o->site != NULL ? "no DC of site --site answered: the first "
                                 "of the domain to answer"
               : u.client_site == NULL ? "the first to answer (no site)"
                                       : "the first to answer, in the "
                                         "client's site");
    }
    add_rest(&u, dt, dp, nd, ct, cp, nc);
done:
    if (rc == 0)
        r->site = xstrdup(o->site ? o->site
                          : u.client_site ? u.client_site : "");
    if (r->site != NULL && r->site[0] == '\0') {
        free(r->site);
        r->site = NULL;
    }
    ping_free(sp, ns);
    ping_free(dp, nd);
    ping_free(cp, nc);
    discover_free(st, ns);
    discover_free(dt, nd);
    discover_free(ct, nc);
    free(name);
    free(dname);
    free(site_name);
    free(u.client_site);
    free(u.first_from);
    return rc;
}

void locator_result_free(struct locator_result *r)
{
    if (r == NULL)
        return;
    xstrv_free(r->uris, r->nuris);
    xstrv_free(r->log, r->nlog);
    free(r->how);
    free(r->site);
    free(r->dc_site);
    free(r->why);
    memset(r, 0, sizeof(*r));
}
