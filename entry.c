#include "entry.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

size_t entry_len(char *const *v, const size_t *lens, size_t i)
{
    return lens != NULL ? lens[i] : strlen(v[i]);
}

void entry_set(struct entry *dst, const char *dn, char *const *spns,
               const size_t *lens, size_t n)
{
    dst->dn = xstrdup(dn);
    dst->nspns = n;
    dst->spns = xrealloc(NULL, (n + 1) * sizeof(*dst->spns));
    dst->lens = xrealloc(NULL, (n + 1) * sizeof(*dst->lens));
    for (size_t i = 0; i < n; i++) {
        size_t len = entry_len(spns, lens, i);

        dst->spns[i] = xrealloc(NULL, len + 1);
        memcpy(dst->spns[i], spns[i], len);
        dst->spns[i][len] = '\0';
        dst->lens[i] = len;
    }
    dst->spns[n] = NULL;
    dst->lens[n] = 0;
}

void entry_free(struct entry *e)
{
    xstrv_free(e->spns, e->nspns);
    free(e->lens);
    free(e->dn);
    memset(e, 0, sizeof(*e));
}

enum status entries_collect(const char *dn, char *const *spns,
                            const size_t *lens, size_t n, void *ctx)
{
    struct entries *out = ctx;

    if (out->n == out->cap) {
        out->cap = out->cap ? out->cap * 2 : 16;
        out->v = xrealloc(out->v, out->cap * sizeof(*out->v));
    }
    entry_set(&out->v[out->n++], dn, spns, lens, n);
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
