#include "entry.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void entry_set(struct entry *dst, const char *dn, char *const *spns,
               size_t n)
{
    dst->dn = xstrdup(dn);
    dst->nspns = n;
    dst->spns = xrealloc(NULL, (n + 1) * sizeof(*dst->spns));
    for (size_t i = 0; i < n; i++)
        dst->spns[i] = xstrdup(spns[i]);
    dst->spns[n] = NULL;
}

void entry_free(struct entry *e)
{
    xstrv_free(e->spns, e->nspns);
    free(e->dn);
    memset(e, 0, sizeof(*e));
}

enum status entries_collect(const char *dn, char *const *spns, size_t n,
                            void *ctx)
{
    struct entries *out = ctx;

    if (out->n == out->cap) {
        out->cap = out->cap ? out->cap * 2 : 16;
        out->v = xrealloc(out->v, out->cap * sizeof(*out->v));
    }
    entry_set(&out->v[out->n++], dn, spns, n);
    return ST_OK;
}

void entries_remove(struct entries *es, size_t i)
{
    entry_free(&es->v[i]);
    es->v[i] = es->v[--es->n];
}

void entries_free(struct entries *es)
{
    if (es == NULL)
        return;
    for (size_t i = 0; i < es->n; i++)
        entry_free(&es->v[i]);
    free(es->v);
    memset(es, 0, sizeof(*es));
}
