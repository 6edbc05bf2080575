#include "plan.h"

#include "quote.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fold.h"
#include "spn.h"
#include "xalloc.h"

static size_t bucket(const struct plan_pending *p, const char *spn)
{
    return fold_hash(spn) & (p->nbuckets - 1);
}

/* Rebuilds the chains over nbuckets buckets, oldest change first, so that
 * every chain runs newest to oldest. */
static void rehash(struct plan_pending *p, size_t nbuckets)
{
    free(p->head);
    p->nbuckets = nbuckets;
    p->head = xcalloc(nbuckets, sizeof(*p->head));
    for (size_t i = 0; i < p->n; i++) {
        size_t b = bucket(p, p->v[i].spn);

        p->v[i].next = p->head[b];
        p->head[b] = i + 1;
    }
}

void plan_remember(struct plan_pending *p, const char *dn, const char *spn,
                   bool add)
{
    size_t b;

    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->v = xrealloc(p->v, p->cap * sizeof(*p->v));
    }
    p->v[p->n++] = (struct plan_change){ xstrdup(dn), xstrdup(spn), add, 0 };
    if (p->n > p->nbuckets) { /* a load of at most one */
        rehash(p, p->nbuckets ? p->nbuckets * 4 : 256);
        return;
    }
    b = bucket(p, spn);
    p->v[p->n - 1].next = p->head[b];
    p->head[b] = p->n;
}

int plan_pending_change(const struct plan_pending *p, const char *dn,
                        const char *spn)
{
    if (p->n == 0)
        return 0;
    for (size_t i = p->head[bucket(p, spn)]; i != 0; i = p->v[i - 1].next)
        if (strcasecmp(p->v[i - 1].dn, dn) == 0
            && spn_equal(p->v[i - 1].spn, spn))
            return p->v[i - 1].add ? 1 : -1;
    return 0;
}

void plan_pending_free(struct plan_pending *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->v[i].dn);
        free(p->v[i].spn);
    }
    free(p->v);
    free(p->head);
    memset(p, 0, sizeof(*p));
}

void plan_holders_init(struct plan_holders *h, char *const *values, size_t n,
                       char *const *aliases, size_t naliases)
{
    memset(h, 0, sizeof(*h));
    h->exact = values;
    h->nexact = n;
    for (size_t i = 0; i < n; i++) {
        size_t nforms;
        char **forms = spn_alias_forms(values[i], aliases, naliases, &nforms);

        if (nforms == 0)
            continue;
        h->alias = xrealloc(h->alias, (h->nalias + nforms)
                                          * sizeof(*h->alias));
        memcpy(h->alias + h->nalias, forms, nforms * sizeof(*forms));
        h->nalias += nforms;
        free(forms);
    }
}

static bool matches_any(const char *spn, char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (spn_equal(spn, v[i]))
            return true;
    return false;
}

static bool has_dn(const struct entries *es, const char *dn)
{
    for (size_t i = 0; i < es->n; i++)
        if (strcasecmp(es->v[i].dn, dn) == 0)
            return true;
    return false;
}

static int by_index(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;

    return (x > y) - (x < y);
}

/* Applies the pending changes to the holders of values[0..n) in es: adds
 * the accounts that earlier lines gave a value, drops those whose every
 * matching value earlier lines removed. */
static void apply_pending(struct entries *es, char *const *values, size_t n,
                          const struct plan_pending *p)
{
    size_t *adds = NULL, nadds = 0, cap = 0;

    /* The earlier adds of these values, oldest first, each account once. */
    for (size_t k = 0; k < n && p->n > 0; k++)
        for (size_t i = p->head[bucket(p, values[k])]; i != 0;
             i = p->v[i - 1].next) {
            const struct plan_change *ch = &p->v[i - 1];

            if (!ch->add || !spn_equal(ch->spn, values[k]))
                continue;
            if (nadds == cap) {
                cap = cap ? cap * 2 : 16;
                adds = xrealloc(adds, cap * sizeof(*adds));
            }
            adds[nadds++] = i - 1;
        }
    if (nadds > 1)
        qsort(adds, nadds, sizeof(*adds), by_index);
    for (size_t j = 0; j < nadds; j++) {
        const struct plan_change *ch = &p->v[adds[j]];

        if ((j == 0 || adds[j] != adds[j - 1])
            && plan_pending_change(p, ch->dn, ch->spn) > 0
            && !has_dn(es, ch->dn)) {
            char *one[] = { ch->spn };

            entries_collect(ch->dn, one, NULL, 1, es);
        }
    }
    free(adds);
    for (size_t i = 0; p->n > 0 && i < es->n;) {
        const struct entry *e = &es->v[i];
        bool gone = true;

        for (size_t k = 0; k < e->nspns && gone; k++)
            gone = plan_pending_change(p, e->dn, e->spns[k]) < 0
                   || !matches_any(e->spns[k], values, n);
        if (gone)
            entries_remove(es, i);
        else
            i++;
    }
}

void plan_holders_settle(struct plan_holders *h,
                         const struct plan_pending *p, const char *target)
{
    apply_pending(&h->by_exact, h->exact, h->nexact, p);
    apply_pending(&h->by_alias, h->alias, h->nalias, p);
    h->others = 0;
    h->target = false;
    for (size_t i = 0; i < h->by_exact.n; i++) {
        if (strcasecmp(h->by_exact.v[i].dn, target) == 0)
            h->target = true;
        else
            h->others++;
    }
    for (size_t i = 0; i < h->by_alias.n; i++)
        if (strcasecmp(h->by_alias.v[i].dn, target) != 0)
            h->others++;
}

void plan_holders_free(struct plan_holders *h)
{
    entries_free(&h->by_exact);
    entries_free(&h->by_alias);
    xstrv_free(h->alias, h->nalias);
    memset(h, 0, sizeof(*h));
}

const char *plan_stored_value(const struct entry *e, const char *spn)
{
    const char *any = NULL;

    for (size_t i = 0; i < e->nspns; i++) {
        if (strcmp(e->spns[i], spn) == 0)
            return e->spns[i];
        if (any == NULL && spn_equal(e->spns[i], spn))
            any = e->spns[i];
    }
    return any;
}

long plan_stored_index(const struct entry *e, const char *spn)
{
    size_t len = strlen(spn), rawlen = 0;
    char *raw = quote_unescape(spn, &rawlen);
    long found = -1, any = -1;

    /* A typed "\x" is a printed form: it names the value it unescapes
     * to (a plain value never holds "\x"). */
    for (size_t i = 0; raw != NULL && i < e->nspns && found < 0; i++)
        if (entry_len(e->spns, e->lens, i) == rawlen
            && memcmp(e->spns[i], raw, rawlen) == 0)
            found = (long)i;
    for (size_t i = 0; i < e->nspns && found < 0; i++) {
        size_t l = entry_len(e->spns, e->lens, i);

        if (l == len && memcmp(e->spns[i], spn, len) == 0)
            found = (long)i;
        else if (any < 0 && l == strlen(e->spns[i])
                 && spn_equal(e->spns[i], spn))
            any = (long)i;
    }
    free(raw);
    return found >= 0 ? found : any;
}

bool plan_first_conflict(const struct plan_holders *h, const char *target,
                           const char **adding, const char **held,
                           const char **dn)
{
    for (size_t i = 0; i < h->by_exact.n; i++) {
        const struct entry *e = &h->by_exact.v[i];

        if (strcasecmp(e->dn, target) == 0)
            continue;
        for (size_t j = 0; j < h->nexact; j++)
            if ((*held = plan_stored_value(e, h->exact[j])) != NULL) {
                *adding = h->exact[j];
                *dn = e->dn;
                return true;
            }
    }
    for (size_t i = 0; i < h->by_alias.n; i++) {
        const struct entry *e = &h->by_alias.v[i];

        if (strcasecmp(e->dn, target) == 0)
            continue;
        for (size_t j = 0; j < h->nalias; j++) {
            const char *host = strchr(h->alias[j], '/');

            if (host == NULL
                || (*held = plan_stored_value(e, h->alias[j])) == NULL)
                continue;
            /* the HOST/x value this alias form came from */
            for (size_t k = 0; k < h->nexact; k++) {
                const char *kh = strchr(h->exact[k], '/');

                if (kh != NULL && strcasecmp(kh, host) == 0) {
                    *adding = h->exact[k];
                    *dn = e->dn;
                    return true;
                }
            }
        }
    }
    return false;
}
