/*
 * -X: every servicePrincipalName of the scopes, grouped by the DC's own
 * equality; the groups with more than one holder are the duplicates.
 */
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "quote.h"
#include "report.h"
#include "scan.h"
#include "search.h"
#include "verbs_int.h"
#include "xalloc.h"

/* Values asked about in one equality search when -X resolves its
 * candidates: one OR filter of them. */
#define SCAN_BATCH 64

struct scan_ctx {
    struct ctx *c;
    struct scan *scan;
    bool progress;
    struct scan_meter meter;
};

static enum status scan_entry(const char *dn, char *const *spns,
                              const size_t *lens, size_t n, void *ctx)
{
    struct scan_ctx *s = ctx;

    if (session_stop_signal() != 0)
        return ST_INTERRUPTED;
    scan_add(s->scan, dn, spns, lens, n);
    if (s->progress)
        scan_meter_tick(&s->meter, s->scan, scan_clock());
    return ST_OK;
}

/* What a resolving search hands each entry to, with the signal check. */
struct found_ctx {
    entry_fn found;
    void *ctx;
};

static enum status found_entry(const char *dn, char *const *spns,
                               const size_t *lens, size_t n, void *ctx)
{
    struct found_ctx *f = ctx;

    if (session_stop_signal() != 0)
        return ST_INTERRUPTED;
    return f->found(dn, spns, lens, n, f->ctx);
}

/* Who holds any of values, as each scope's DC matches them (a directory
 * may fold other letters than fold.h does): the scan kept fingerprints
 * only, so every candidate is settled here. */
static enum status scan_search(char *const *values, const size_t *lens,
                               size_t n, entry_fn found, void *found_ctx,
                               void *ctx)
{
    struct scan_ctx *s = ctx;
    struct found_ctx f = { found, found_ctx };

    for (size_t i = 0; i < s->c->s->nscopes; i++) {
        const struct scope *sc = &s->c->s->scopes[i];
        enum status st = search_values_len(sc->conn, sc->base, values, lens, n,
                                        found_entry, &f);

        if (st != ST_OK)
            return verbs_read_failed(sc, st);
    }
    return ST_OK;
}

static void print_group(const struct scan_group *g, void *ctx)
{
    (void)ctx;
    report(&(struct event){ .kind = EV_GROUP, .label = g->spn,
                            .values = (char *const *)g->dns,
                            .nvalues = g->ndns });
}

enum status verbs_scan(struct ctx *c)
{
    struct scan_ctx s = { c, scan_new(), c->v->progress, { 0 } };
    static char star[] = "*";
    char *all[] = { star };
    size_t groups;
    enum status st = ST_OK;

    if (s.progress)
        scan_meter_start(&s.meter, stderr, scan_clock());
    for (size_t i = 0; i < c->s->nscopes && st == ST_OK; i++) {
        const struct scope *sc = &c->s->scopes[i];

        verbs_checking(sc);
        st = search_values(sc->conn, sc->base, all, 1, true, scan_entry, &s);
        if (s.progress)
            scan_meter_end(&s.meter, s.scan, scan_clock());
        if (st != ST_OK)
            st = verbs_read_failed(sc, st);
        else if (c->o->verbose)
            warn("scan of %s read %u page(s); %zu entries so far", sc->label,
                 conn_pages(sc->conn), scan_entries(s.scan));
    }
    if (st == ST_OK)
        st = scan_resolve(s.scan, SCAN_BATCH, scan_search, &s);
    if (st != ST_OK) {
        scan_free(s.scan);
        return st;
    }
    if (c->o->verbose)
        warn("scan: %zu values; %zu seen again, settled by the DC in %zu "
             "search(es)", scan_values(s.scan), scan_candidates(s.scan),
             scan_searches(s.scan));
    report_line(EV_CHECKED);
    groups = scan_groups(s.scan, print_group, NULL);
    report(&(struct event){ .kind = EV_SCAN_DONE, .count = groups,
                            .entries = scan_entries(s.scan) });
    scan_free(s.scan);
    return groups ? ST_DUPLICATE : ST_OK;
}
