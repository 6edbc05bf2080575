#include "scan.h"

#include "fold.h"
#include "quote.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* A value seen on a second entry: resolved by the directory at the end. */
struct candidate {
    char *spn;      /* its printed form there */
    uint64_t fp;
    uint32_t batch; /* the batch being resolved it belongs to, or 0 */
    char *spelling; /* the first holder's printed spelling, once found */
    char **dns;     /* holders found */
    size_t ndns, cap;
};

struct scan {
    /* fingerprints of the distinct values; 0 marks an empty slot */
    uint64_t *fp;
    size_t cap, used;
    uint64_t fp_mask;

    size_t nentries, nvalues;

    struct candidate *cand;
    size_t ncand, cand_cap;
    uint32_t *cand_slot; /* fingerprint -> candidate index + 1; 0: empty */
    size_t cand_slots;

    struct candidate **groups; /* after scan_resolve, sorted */
    size_t ngroups, searches;
    bool resolved;
};

/* ------------------------------------------------------------ values */

/* The printed form of v[0..len): v itself when plain (*tmp NULL), else a
 * malloc'd escaped form (also in *tmp, for the caller to free). */
static const char *printed(const char *v, size_t len, char **tmp)
{
    *tmp = NULL;
    if (quote_plain(v, len))
        return v;
    *tmp = quote_display(v, len);
    return *tmp;
}

static uint64_t fingerprint(const struct scan *s, const char *p)
{
    uint64_t h = fold_fingerprint(p) & s->fp_mask;

    return h != 0 ? h : 1;
}

/* -------------------------------------------------------------- table */

struct scan *scan_new(void)
{
    struct scan *s = xcalloc(1, sizeof(*s));

    s->cap = 1024;
    s->fp = xcalloc(s->cap, sizeof(*s->fp));
    s->fp_mask = UINT64_MAX;
    s->resolved = true; /* nothing to resolve yet */
    return s;
}

static void cand_clear(struct candidate *c)
{
    for (size_t i = 0; i < c->ndns; i++)
        free(c->dns[i]);
    free(c->dns);
    free(c->spelling);
    c->dns = NULL;
    c->spelling = NULL;
    c->ndns = c->cap = 0;
}

void scan_free(struct scan *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->ncand; i++) {
        cand_clear(&s->cand[i]);
        free(s->cand[i].spn);
    }
    free(s->cand);
    free(s->cand_slot);
    free(s->groups);
    free(s->fp);
    free(s);
}

void scan_test_fingerprint_bits(struct scan *s, unsigned bits)
{
    s->fp_mask = bits >= 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
}

/* The slot of fp, or the empty slot where it belongs. */
static size_t probe(const uint64_t *fps, size_t cap, uint64_t fp)
{
    size_t i = (size_t)(fp ^ (fp >> 32)) & (cap - 1);

    while (fps[i] != 0 && fps[i] != fp)
        i = (i + 1) & (cap - 1);
    return i;
}

static void grow(struct scan *s)
{
    size_t ncap = s->cap * 2;
    uint64_t *nfp = xcalloc(ncap, sizeof(*nfp));

    for (size_t i = 0; i < s->cap; i++)
        if (s->fp[i] != 0)
            nfp[probe(nfp, ncap, s->fp[i])] = s->fp[i];
    free(s->fp);
    s->fp = nfp;
    s->cap = ncap;
}

/* --------------------------------------------------------- candidates */

static void cand_index_grow(struct scan *s)
{
    size_t n = s->cand_slots ? s->cand_slots * 2 : 64;

    free(s->cand_slot);
    s->cand_slot = xcalloc(n, sizeof(*s->cand_slot));
    s->cand_slots = n;
    for (size_t k = 0; k < s->ncand; k++) {
        size_t i = (size_t)s->cand[k].fp & (n - 1);

        while (s->cand_slot[i] != 0)
            i = (i + 1) & (n - 1);
        s->cand_slot[i] = (uint32_t)(k + 1);
    }
}

/* The candidate equal to p (fingerprint fp), or NULL. */
static struct candidate *cand_find(const struct scan *s, const char *p,
                                   uint64_t fp)
{
    if (s->cand_slots == 0)
        return NULL;
    for (size_t i = (size_t)fp & (s->cand_slots - 1); s->cand_slot[i] != 0;
         i = (i + 1) & (s->cand_slots - 1)) {
        struct candidate *c = &s->cand[s->cand_slot[i] - 1];

        if (c->fp == fp && fold_equal(c->spn, p))
            return c;
    }
    return NULL;
}

/* Keeps p (fingerprint fp) unless a value equal to it is kept already. */
static void keep(struct scan *s, const char *p, uint64_t fp)
{
    size_t i;

    if (cand_find(s, p, fp) != NULL)
        return;
    if ((s->ncand + 1) * 2 > s->cand_slots)
        cand_index_grow(s);
    if (s->ncand == s->cand_cap) {
        s->cand_cap = s->cand_cap ? s->cand_cap * 2 : 16;
        s->cand = xrealloc(s->cand, s->cand_cap * sizeof(*s->cand));
    }
    s->cand[s->ncand] = (struct candidate){ .spn = xstrdup(p), .fp = fp };
    for (i = (size_t)fp & (s->cand_slots - 1); s->cand_slot[i] != 0;
         i = (i + 1) & (s->cand_slots - 1))
        ;
    s->cand_slot[i] = (uint32_t)++s->ncand;
    s->resolved = false;
}

/* ------------------------------------------------------------ adding */

/* Whether fp is among the fingerprints of this entry's earlier values
 * (seen[0..*n), or the set in set[0..setcap) when there are many); if
 * not, adds it. */
static bool seen_before(uint64_t *seen, size_t *n, uint64_t *set,
                        size_t setcap, uint64_t fp)
{
    size_t i;

    if (set == NULL) {
        for (i = 0; i < *n; i++)
            if (seen[i] == fp)
                return true;
        seen[(*n)++] = fp;
        return false;
    }
    i = probe(set, setcap, fp);
    if (set[i] == fp)
        return true;
    set[i] = fp;
    return false;
}

void scan_add(struct scan *s, const char *dn, char *const *spns,
              const size_t *lens, size_t n)
{
    enum { FEW = 32 };
    uint64_t seen[FEW], *set = NULL;
    size_t setcap = 0, nseen = 0;

    (void)dn; /* the directory names the holders when asked */
    s->nentries++;
    if (n > FEW) {
        for (setcap = 64; setcap < n * 2; setcap *= 2)
            ;
        set = xcalloc(setcap, sizeof(*set));
    }
    for (size_t k = 0; k < n; k++) {
        char *tmp;
        const char *p = printed(spns[k], entry_len(spns, lens, k), &tmp);
        uint64_t fp = fingerprint(s, p);
        size_t i;

        s->nvalues++;
        /* the same value twice on one account is one holding */
        if (seen_before(seen, &nseen, set, setcap, fp)) {
            free(tmp);
            continue;
        }
        if ((s->used + 1) * 4 > s->cap * 3)
            grow(s);
        i = probe(s->fp, s->cap, fp);
        if (s->fp[i] == 0) {
            s->fp[i] = fp;
            s->used++;
        } else {
            /* another holder, or another value with this fingerprint:
             * either way, the directory is asked at the end */
            keep(s, p, fp);
        }
        free(tmp);
    }
    free(set);
}

size_t scan_entries(const struct scan *s)
{
    return s->nentries;
}

size_t scan_values(const struct scan *s)
{
    return s->nvalues;
}

size_t scan_candidates(const struct scan *s)
{
    return s->ncand;
}

size_t scan_searches(const struct scan *s)
{
    return s->searches;
}

/* --------------------------------------------------------- resolution */

struct resolving {
    struct scan *s;
    uint32_t batch;       /* matching candidates of this batch */
    struct candidate *one; /* or: every entry holds this one */
    bool doubt;           /* an answer the fold cannot place */
};

static void holder_add(struct candidate *c, const char *dn, const char *p)
{
    if (p != NULL && c->spelling == NULL)
        c->spelling = xstrdup(p);
    if (c->ndns > 0 && strcmp(c->dns[c->ndns - 1], dn) == 0)
        return; /* another spelling on the same entry */
    if (c->ndns == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 4;
        c->dns = xrealloc(c->dns, c->cap * sizeof(*c->dns));
    }
    c->dns[c->ndns++] = xstrdup(dn);
}

/* Plain printable ASCII: where fold.h and every directory agree. */
static bool batchable(const char *p)
{
    return !fold_non_ascii(p) && quote_plain(p, strlen(p));
}

static enum status found_entry(const char *dn, char *const *spns,
                               const size_t *lens, size_t n, void *ctx)
{
    struct resolving *r = ctx;
    bool held = false;

    for (size_t k = 0; k < n; k++) {
        char *tmp;
        const char *p = printed(spns[k], entry_len(spns, lens, k), &tmp);

        if (r->one != NULL) {
            if (fold_equal(r->one->spn, p)) {
                holder_add(r->one, dn, p);
                held = true;
            }
        } else {
            struct candidate *c = cand_find(r->s, p,
                                            fingerprint(r->s, p));

            if (c != NULL && c->batch == r->batch)
                holder_add(c, dn, p);
            else if (!batchable(p))
                r->doubt = true; /* it may equal one by the DC's rules */
        }
        free(tmp);
    }
    /* alone, every entry found holds it, as the directory matches */
    if (r->one != NULL && !held)
        holder_add(r->one, dn, NULL);
    return ST_OK;
}

/* The raw value a printed form names, for the filter. */
static char *raw_value(const char *p, size_t *len)
{
    char *raw = quote_unescape(p, len);

    if (raw == NULL) {
        raw = xstrdup(p);
        *len = strlen(p);
    }
    return raw;
}

static enum status resolve_one(struct scan *s, struct candidate *c,
                               scan_search_fn fn, void *ctx)
{
    struct resolving r = { s, 0, c, false };
    size_t len;
    char *raw = raw_value(c->spn, &len);
    enum status st;

    cand_clear(c);
    s->searches++;
    st = fn(&raw, &len, 1, found_entry, &r, ctx);
    free(raw);
    return st;
}

static enum status resolve_batch(struct scan *s, struct candidate **b,
                                 size_t n, uint32_t id, scan_search_fn fn,
                                 void *ctx)
{
    struct resolving r = { s, id, NULL, false };
    char **values = xcalloc(n, sizeof(*values));
    size_t *lens = xcalloc(n, sizeof(*lens));
    enum status st;

    for (size_t i = 0; i < n; i++) {
        b[i]->batch = id;
        values[i] = b[i]->spn;
        lens[i] = strlen(b[i]->spn);
    }
    s->searches++;
    st = fn(values, lens, n, found_entry, &r, ctx);
    for (size_t i = 0; i < n; i++)
        b[i]->batch = 0;
    free(values);
    free(lens);
    for (size_t i = 0; st == ST_OK && r.doubt && i < n; i++)
        st = resolve_one(s, b[i], fn, ctx);
    return st;
}

static int cmp_str(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    int r = strcasecmp(x, y);

    return r != 0 ? r : strcmp(x, y);
}

static int cmp_group(const void *a, const void *b)
{
    const struct candidate *x = *(const struct candidate *const *)a;
    const struct candidate *y = *(const struct candidate *const *)b;
    int r = fold_compare(x->spelling, y->spelling);

    return r != 0 ? r : strcmp(x->spelling, y->spelling);
}

/* Sorts c's holders, each account once; whether it is a group. */
static bool settle(struct candidate *c)
{
    size_t n = 0;

    if (c->ndns > 1)
        qsort(c->dns, c->ndns, sizeof(*c->dns), cmp_str);
    for (size_t i = 0; i < c->ndns; i++) {
        if (n > 0 && strcasecmp(c->dns[n - 1], c->dns[i]) == 0)
            free(c->dns[i]); /* found in two scopes */
        else
            c->dns[n++] = c->dns[i];
    }
    c->ndns = n;
    if (c->spelling == NULL)
        c->spelling = xstrdup(c->spn);
    return n > 1;
}

enum status scan_resolve(struct scan *s, size_t batch, scan_search_fn fn,
                         void *ctx)
{
    struct candidate **b = xcalloc(batch > 0 ? batch : 1, sizeof(*b));
    size_t nb = 0;
    uint32_t id = 0;
    enum status st = ST_OK;

    free(s->groups);
    s->groups = NULL;
    s->ngroups = s->searches = 0;
    for (size_t k = 0; k < s->ncand && st == ST_OK; k++) {
        struct candidate *c = &s->cand[k];

        cand_clear(c);
        if (batch <= 1 || !batchable(c->spn)) {
            st = resolve_one(s, c, fn, ctx);
            continue;
        }
        b[nb++] = c;
        if (nb == batch) {
            st = resolve_batch(s, b, nb, ++id, fn, ctx);
            nb = 0;
        }
    }
    if (st == ST_OK && nb > 0)
        st = resolve_batch(s, b, nb, ++id, fn, ctx);
    free(b);
    if (st != ST_OK) {
        for (size_t k = 0; k < s->ncand; k++)
            cand_clear(&s->cand[k]);
        s->resolved = true;
        return st;
    }
    s->groups = xcalloc(s->ncand + 1, sizeof(*s->groups));
    for (size_t k = 0; k < s->ncand; k++)
        if (settle(&s->cand[k]))
            s->groups[s->ngroups++] = &s->cand[k];
    if (s->ngroups > 1)
        qsort(s->groups, s->ngroups, sizeof(*s->groups), cmp_group);
    s->resolved = true;
    return ST_OK;
}

size_t scan_groups(struct scan *s,
                   void (*fn)(const struct scan_group *g, void *ctx),
                   void *ctx)
{
    if (!s->resolved)
        abort(); /* scan_resolve first */
    for (size_t i = 0; i < s->ngroups; i++) {
        const struct candidate *c = s->groups[i];
        struct scan_group g = { c->spelling, (const char *const *)c->dns,
                                c->ndns };

        fn(&g, ctx);
    }
    return s->ngroups;
}

/* ----------------------------------------------------------- progress */

double scan_clock(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void scan_meter_start(struct scan_meter *m, FILE *f, double now)
{
    m->f = f;
    m->start = m->last = now;
    m->width = 0;
    fputs("Processing entry 0\n", f);
    fflush(f);
}

/* Shows the counts, over the line shown before if one is open. */
static void meter_show(struct scan_meter *m, const struct scan *s, double now)
{
    char line[160];
    double t = now - m->start;
    int w = snprintf(line, sizeof(line),
                     "%sProcessing entry %zu (%zu values, %.0f entries/s)",
                     m->width > 0 ? "\r" : "", s->nentries, s->nvalues,
                     t > 0 ? (double)s->nentries / t : 0.0);

    if (w < 0)
        return;
    if (m->width > 0)
        w--; /* the \r */
    fputs(line, m->f);
    if (w < m->width) /* blank what is left of a longer line */
        fprintf(m->f, "%*s", m->width - w, "");
    else
        m->width = w;
    fflush(m->f);
    m->last = now;
}

void scan_meter_tick(struct scan_meter *m, const struct scan *s, double now)
{
    if (now - m->last >= 1.0 / SCAN_METER_HZ)
        meter_show(m, s, now);
}

void scan_meter_end(struct scan_meter *m, const struct scan *s, double now)
{
    meter_show(m, s, now);
    fputc('\n', m->f);
    fflush(m->f);
    m->width = 0;
}
