#include "scan.h"

#include "fold.h"
#include "xalloc.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* DNs are interned once per entry; a slot refers to them by index. */
struct slot {
    char *spn;      /* NULL: empty slot */
    uint32_t hash;
    uint32_t first; /* DN index of the first holder */
    uint32_t *more; /* further holders, or NULL */
    uint32_t nmore;
};

struct scan {
    struct slot *slots;
    size_t cap, used;
    char **dns;
    size_t ndns, dns_cap;
};

struct scan *scan_new(void)
{
    struct scan *s = xcalloc(1, sizeof(*s));

    s->cap = 1024;
    s->slots = xcalloc(s->cap, sizeof(*s->slots));
    return s;
}

void scan_free(struct scan *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->cap; i++) {
        free(s->slots[i].spn);
        free(s->slots[i].more);
    }
    for (size_t i = 0; i < s->ndns; i++)
        free(s->dns[i]);
    free(s->slots);
    free(s->dns);
    free(s);
}

static struct slot *lookup(struct slot *slots, size_t cap, const char *spn,
                           uint32_t h)
{
    size_t i = h & (cap - 1);

    while (slots[i].spn != NULL
           && (slots[i].hash != h || !fold_equal(slots[i].spn, spn)))
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

static void grow(struct scan *s)
{
    size_t ncap = s->cap * 2;
    struct slot *n = xcalloc(ncap, sizeof(*n));

    for (size_t i = 0; i < s->cap; i++)
        if (s->slots[i].spn != NULL)
            *lookup(n, ncap, s->slots[i].spn, s->slots[i].hash) = s->slots[i];
    free(s->slots);
    s->slots = n;
    s->cap = ncap;
}

/* Entries arrive in index order, so a holding by this entry is the last. */
static bool holds(const struct slot *sl, uint32_t dn)
{
    return (sl->nmore > 0 ? sl->more[sl->nmore - 1] : sl->first) == dn;
}

void scan_add(struct scan *s, const char *dn, char *const *spns, size_t n)
{
    uint32_t idx;

    if (s->ndns == s->dns_cap) {
        s->dns_cap = s->dns_cap ? s->dns_cap * 2 : 1024;
        s->dns = xrealloc(s->dns, s->dns_cap * sizeof(*s->dns));
    }
    idx = (uint32_t)s->ndns;
    s->dns[s->ndns++] = xstrdup(dn);

    for (size_t k = 0; k < n; k++) {
        uint32_t h = fold_hash(spns[k]);
        struct slot *sl;

        if ((s->used + 1) * 4 > s->cap * 3)
            grow(s);
        sl = lookup(s->slots, s->cap, spns[k], h);
        if (sl->spn == NULL) {
            sl->spn = xstrdup(spns[k]);
            sl->hash = h;
            sl->first = idx;
            s->used++;
        } else if (!holds(sl, idx)) {
            sl->more = xrealloc(sl->more, (sl->nmore + 1) * sizeof(*sl->more));
            sl->more[sl->nmore++] = idx;
        }
    }
}

size_t scan_entries(const struct scan *s)
{
    return s->ndns;
}

static int cmp_slot(const void *a, const void *b)
{
    const struct slot *x = *(const struct slot *const *)a;
    const struct slot *y = *(const struct slot *const *)b;
    int r = fold_compare(x->spn, y->spn);

    return r != 0 ? r : strcmp(x->spn, y->spn);
}

static int cmp_str(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    int r = strcasecmp(x, y);

    return r != 0 ? r : strcmp(x, y);
}

size_t scan_groups(struct scan *s,
                   void (*fn)(const struct scan_group *g, void *ctx),
                   void *ctx)
{
    struct slot **dups = NULL;
    size_t ndups = 0;

    for (size_t i = 0; i < s->cap; i++)
        if (s->slots[i].spn != NULL && s->slots[i].nmore > 0) {
            dups = xrealloc(dups, (ndups + 1) * sizeof(*dups));
            dups[ndups++] = &s->slots[i];
        }
    if (ndups > 0)
        qsort(dups, ndups, sizeof(*dups), cmp_slot);
    for (size_t i = 0; i < ndups; i++) {
        const struct slot *sl = dups[i];
        const char **dns = xcalloc(sl->nmore + 1, sizeof(*dns));
        struct scan_group g = { sl->spn, dns, sl->nmore + 1 };

        dns[0] = s->dns[sl->first];
        for (uint32_t k = 0; k < sl->nmore; k++)
            dns[k + 1] = s->dns[sl->more[k]];
        qsort(dns, g.ndns, sizeof(*dns), cmp_str);
        fn(&g, ctx);
        free(dns);
    }
    free(dups);
    return ndups;
}
