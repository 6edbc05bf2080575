#include "ahead.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "filter.h"
#include "fold.h"
#include "page.h"
#include "xalloc.h"

/* A search sent ahead for one line. */
struct single {
    char *key;
    int msgid;
    long job;
    long sent_ms;
    bool check;         /* a duplicate check: its search kept to redo */
    char *base, *filter;
    char **attrs;
    int scope;
};

/* One OR search answering the equality searches of several lines. */
struct group {
    char *sig;          /* base, attributes and attr: who may join */
    char *base, *attr;
    char **attrs;       /* NULL-terminated copy */
    char **values;      /* every value asked for */
    size_t nvalues;
    long last_job;
    int msgid;
    bool sent;
    long sent_ms;       /* when it was sent: its answer is no newer */
    bool check;         /* duplicate checks (on servicePrincipalName) */
    int state;          /* 0 unread, 1 exact, -1 of no use */
    LDAPMessage *res;
    struct held *held;  /* its entries and their values of attr */
    size_t nheld;
};

/* An entry of a group's answer, with its values of the group's attr. */
struct held {
    LDAPMessage *e;
    char **values;
    size_t n;
};

/* A line's search filed in a group. */
struct member {
    char *key;
    long job;
    struct group *g;
    char **values;      /* its own values */
    size_t n;
    bool taken;
    LDAPMessage **answer; /* its entries, once taken */
};

struct ahead {
    struct single *one;
    size_t none, cap_one;
    struct member *m;
    size_t nm, cap_m;
    struct group **g;
    size_t ng, cap_g;
    long job;
    size_t sent, lines, used, resent;
};

static long now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Whether an answer asked for at sent_ms is too old to decide a write on. */
static bool stale(long sent_ms)
{
    return now_ms() - sent_ms > AHEAD_FRESH_MS;
}

/* Whether a search on attr, or by filter, is a duplicate check: an SPN
 * lookup.  (Account lookups are not re-asked: an account that changed
 * meanwhile makes the write fail, not a duplicate.) */
static bool is_check(const char *s)
{
    return strstr(s, "servicePrincipalName") != NULL;
}

static char **attrs_dup(char **attrs)
{
    size_t k = 0;
    char **d;

    while (attrs != NULL && attrs[k] != NULL)
        k++;
    d = xcalloc(k + 1, sizeof(*d));
    for (size_t i = 0; i < k; i++)
        d[i] = xstrdup(attrs[i]);
    return d;
}

static void attrs_free(char **attrs)
{
    for (size_t i = 0; attrs != NULL && attrs[i] != NULL; i++)
        free(attrs[i]);
    free(attrs);
}

static void single_free(struct single *o)
{
    free(o->key);
    free(o->base);
    free(o->filter);
    attrs_free(o->attrs);
}

char *ahead_key(const char *base, int scope, const char *filter,
                char **attrs)
{
    char *key = xasprintf("%d\x01%s\x01%s", scope, base, filter), *k;

    for (size_t i = 0; attrs != NULL && attrs[i] != NULL; i++) {
        k = xasprintf("%s\x01%s", key, attrs[i]);
        free(key);
        key = k;
    }
    return key;
}

static void held_free(struct group *g)
{
    for (size_t i = 0; i < g->nheld; i++)
        xstrv_free(g->held[i].values, g->held[i].n);
    free(g->held);
    g->held = NULL;
    g->nheld = 0;
}

static void group_free(struct group *g)
{
    held_free(g);
    free(g->sig);
    free(g->base);
    free(g->attr);
    for (size_t i = 0; g->attrs[i] != NULL; i++)
        free(g->attrs[i]);
    free(g->attrs);
    xstrv_free(g->values, g->nvalues);
    if (g->res != NULL)
        ldap_msgfree(g->res);
    free(g);
}

static void member_free(struct member *m)
{
    free(m->key);
    xstrv_free(m->values, m->n);
    free(m->answer);
}

static void state_free(void *p)
{
    struct ahead *a = p;

    for (size_t i = 0; i < a->none; i++)
        single_free(&a->one[i]);
    for (size_t i = 0; i < a->nm; i++)
        member_free(&a->m[i]);
    for (size_t i = 0; i < a->ng; i++)
        group_free(a->g[i]);
    free(a->one);
    free(a->m);
    free(a->g);
    free(a);
}

static struct ahead *state(struct conn *c)
{
    struct ahead *a = conn_ahead(c);

    if (a == NULL) {
        a = xcalloc(1, sizeof(*a));
        conn_set_ahead(c, a, state_free);
    }
    return a;
}

/* Sends the first page of a search; false if it could not be sent. */
static bool send_first(struct conn *c, const char *base, int scope,
                       const char *filter, char **attrs, int *msgid)
{
    struct berval none = { 0, NULL };

    return page_send(c, base, scope, filter, attrs, &none, msgid)
           == LDAP_SUCCESS;
}

void ahead_search(struct conn *c, long job, const char *base, int scope,
                  const char *filter, char **attrs)
{
    struct ahead *a = state(c);
    int msgid;

    if (!send_first(c, base, scope, filter, attrs, &msgid))
        return;
    if (a->none == a->cap_one) {
        a->cap_one = a->cap_one ? a->cap_one * 2 : 64;
        a->one = xrealloc(a->one, a->cap_one * sizeof(*a->one));
    }
    a->one[a->none++] = (struct single){
        ahead_key(base, scope, filter, attrs), msgid, job, now_ms(),
        is_check(filter), NULL, NULL, NULL, scope };
    if (a->one[a->none - 1].check) {
        a->one[a->none - 1].base = xstrdup(base);
        a->one[a->none - 1].filter = xstrdup(filter);
        a->one[a->none - 1].attrs = attrs_dup(attrs);
    }
    a->sent++;
    a->lines++;
}

/* Whether a value of len bytes is plain ASCII with no NUL: where every
 * DC's equality is ASCII's case-insensitive one. */
static bool plain(const char *value, size_t len)
{
    return strlen(value) == len && !fold_non_ascii(value);
}

static void send_group(struct conn *c, struct ahead *a, struct group *g)
{
    char *filter = filter_any(g->attr, g->values, g->nvalues);

    g->sent = true;
    g->sent_ms = now_ms();
    if (send_first(c, g->base, LDAP_SCOPE_SUBTREE, filter, g->attrs,
                   &g->msgid))
        a->sent++;
    else
        g->state = -1; /* its lines search for themselves */
    free(filter);
}

static struct group *open_group(struct conn *c, struct ahead *a,
                                const char *base, char **attrs,
                                const char *attr, size_t n)
{
    char *sig = ahead_key(base, LDAP_SCOPE_SUBTREE, attr, attrs);
    struct group *g;
    size_t k = 0;

    for (size_t i = 0; i < a->ng; i++) {
        g = a->g[i];
        if (g->sent || strcmp(g->sig, sig) != 0)
            continue;
        if (g->nvalues + n <= AHEAD_GROUP) {
            free(sig);
            return g;
        }
        send_group(c, a, g); /* full: a new one */
    }
    g = xcalloc(1, sizeof(*g));
    g->sig = sig;
    g->base = xstrdup(base);
    g->attr = xstrdup(attr);
    g->check = is_check(attr);
    while (attrs[k] != NULL)
        k++;
    g->attrs = xcalloc(k + 1, sizeof(*g->attrs));
    for (size_t i = 0; i < k; i++)
        g->attrs[i] = xstrdup(attrs[i]);
    g->msgid = -1;
    if (a->ng == a->cap_g) {
        a->cap_g = a->cap_g ? a->cap_g * 2 : 8;
        a->g = xrealloc(a->g, a->cap_g * sizeof(*a->g));
    }
    a->g[a->ng++] = g;
    return g;
}

void ahead_group(struct conn *c, long job, const char *base,
                 const char *filter, char **attrs, const char *attr,
                 char *const *values, size_t n)
{
    struct ahead *a = state(c);
    struct group *g;
    struct member *m;
    bool ok = n > 0 && n <= AHEAD_GROUP;

    for (size_t i = 0; i < n && ok; i++)
        ok = !fold_non_ascii(values[i]);
    if (!ok || conn_ld(c) == NULL) { /* the DC's equality decides: alone */
        ahead_search(c, job, base, LDAP_SCOPE_SUBTREE, filter, attrs);
        return;
    }
    g = open_group(c, a, base, attrs, attr, n);
    g->values = xrealloc(g->values, (g->nvalues + n + 1)
                                        * sizeof(*g->values));
    for (size_t i = 0; i < n; i++) {
        bool again = false; /* lines of one account ask for it once */

        for (size_t k = 0; k < g->nvalues && !again; k++)
            again = strcmp(g->values[k], values[i]) == 0;
        if (!again)
            g->values[g->nvalues++] = xstrdup(values[i]);
    }
    g->values[g->nvalues] = NULL;
    g->last_job = job;
    if (a->nm == a->cap_m) {
        a->cap_m = a->cap_m ? a->cap_m * 2 : 128;
        a->m = xrealloc(a->m, a->cap_m * sizeof(*a->m));
    }
    m = &a->m[a->nm++];
    *m = (struct member){ ahead_key(base, LDAP_SCOPE_SUBTREE, filter, attrs),
                          job, g, xcalloc(n + 1, sizeof(char *)), n, false,
                          NULL };
    for (size_t i = 0; i < n; i++)
        m->values[i] = xstrdup(values[i]);
    a->lines++;
    if (g->nvalues >= AHEAD_GROUP)
        send_group(c, a, g);
}

void ahead_flush(struct conn *c)
{
    struct ahead *a = conn_ahead(c);

    for (size_t i = 0; a != NULL && i < a->ng; i++)
        if (!a->g[i]->sent)
            send_group(c, a, a->g[i]);
}

int ahead_take(struct conn *c, const char *key)
{
    struct ahead *a = conn_ahead(c);

    /* in line order: what is filed for the current line comes first */
    for (size_t i = 0; a != NULL && i < a->none && a->one[i].job <= a->job;
         i++)
        if (a->one[i].job == a->job && strcmp(a->one[i].key, key) == 0) {
            int msgid = a->one[i].msgid;

            if (a->one[i].check && stale(a->one[i].sent_ms)) {
                struct single *o = &a->one[i];

                if (conn_ld(c) != NULL)
                    ldap_abandon_ext(conn_ld(c), msgid, NULL, NULL);
                if (!send_first(c, o->base, o->scope, o->filter, o->attrs,
                                &msgid))
                    msgid = -1; /* the line searches for itself */
                a->resent++;
            }
            single_free(&a->one[i]);
            memmove(&a->one[i], &a->one[i + 1],
                    (a->none - i - 1) * sizeof(*a->one));
            a->none--;
            return msgid;
        }
    return -1;
}

void ahead_used(struct conn *c)
{
    struct ahead *a = conn_ahead(c);

    if (a != NULL)
        a->used++;
}

/* Whether v is one of values[0..n): the DC's equality, for plain ASCII. */
static bool among(const char *v, char *const *values, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (fold_equal(v, values[k]))
            return true;
    return false;
}

/* Keeps an entry of a group's answer with those of its values of attr
 * that were asked for (the lines' answers need no others); false if one
 * of its values is not plain ASCII, or none was asked for (the DC matched
 * it by an equality of its own). */
static bool keep_held(LDAP *ld, struct group *g, LDAPMessage *e)
{
    struct berval **v = ldap_get_values_len(ld, e, g->attr);
    size_t n = (size_t)ldap_count_values_len(v); /* 0 for none */
    struct held *h;

    g->held = xrealloc(g->held, (g->nheld + 1) * sizeof(*g->held));
    h = &g->held[g->nheld++];
    *h = (struct held){ e, xcalloc(n + 1, sizeof(char *)), 0 };
    for (size_t i = 0; i < n; i++) {
        if (!plain(v[i]->bv_val, v[i]->bv_len)) {
            ldap_value_free_len(v);
            return false;
        }
        if (among(v[i]->bv_val, g->values, g->nvalues))
            h->values[h->n++] = xstrdup(v[i]->bv_val);
    }
    ldap_value_free_len(v);
    return h->n > 0;
}

/* Reads a group's whole answer and decides whether it is exact: one
 * page, no error or referral, every entry holding, in plain ASCII only,
 * a value that was asked for. */
static void read_group(struct conn *c, struct group *g)
{
    LDAP *ld = conn_ld(c);
    int err = LDAP_OTHER;

    g->state = -1;
    if (page_wait(c, g->msgid, &g->res) != LDAP_SUCCESS)
        return;
    if (ldap_parse_result(ld, g->res, &err, NULL, NULL, NULL, NULL, 0)
            == LDAP_SUCCESS
        && err == LDAP_SUCCESS && !page_more(c, g->res)) {
        g->state = 1;
        for (LDAPMessage *e = ldap_first_entry(ld, g->res);
             e != NULL && g->state > 0; e = ldap_next_entry(ld, e))
            if (!keep_held(ld, g, e))
                g->state = -1;
    }
    if (g->state < 0) {
        held_free(g);
        ldap_msgfree(g->res);
        g->res = NULL;
    }
}

/* A group sent too long ago for its lines still to come: the same search
 * for their values again, in a new group that answers them in its place
 * (the old one keeps the answers of the lines already run). */
static struct group *resend(struct conn *c, struct ahead *a, struct group *g)
{
    struct group *n = xcalloc(1, sizeof(*n));

    n->sig = xstrdup(g->sig);
    n->base = xstrdup(g->base);
    n->attr = xstrdup(g->attr);
    n->attrs = attrs_dup(g->attrs);
    n->values = xcalloc(g->nvalues + 1, sizeof(*n->values));
    n->msgid = -1;
    n->last_job = g->last_job;
    n->check = true;
    for (size_t i = 0; i < a->nm; i++) {
        struct member *m = &a->m[i];

        if (m->g != g || (m->taken && m->job != a->job))
            continue;
        m->g = n;
        for (size_t v = 0; v < m->n; v++) {
            bool again = false;

            for (size_t w = 0; w < n->nvalues && !again; w++)
                again = strcmp(n->values[w], m->values[v]) == 0;
            if (!again)
                n->values[n->nvalues++] = xstrdup(m->values[v]);
        }
    }
    if (g->state == 0 && conn_ld(c) != NULL) /* never read: not wanted */
        ldap_abandon_ext(conn_ld(c), g->msgid, NULL, NULL);
    if (g->state == 0)
        g->state = -1;
    if (a->ng == a->cap_g) {
        a->cap_g = a->cap_g ? a->cap_g * 2 : 8;
        a->g = xrealloc(a->g, a->cap_g * sizeof(*a->g));
    }
    a->g[a->ng++] = n;
    send_group(c, a, n);
    if (n->state == 0) /* counted as asked again, not as sent ahead */
        a->sent--;
    a->resent++;
    return n;
}

bool ahead_grouped(struct conn *c, const char *key, struct ahead_answer *out)
{
    struct ahead *a = conn_ahead(c);

    for (size_t i = 0; a != NULL && i < a->nm && a->m[i].job <= a->job;
         i++) {
        struct member *m = &a->m[i];
        struct group *g = m->g;
        size_t n = 0;

        if (m->taken || m->job != a->job || strcmp(m->key, key) != 0)
            continue;
        m->taken = true;
        if (!g->sent)
            send_group(c, a, g);
        else if (g->check && stale(g->sent_ms))
            g = resend(c, a, g);
        if (g->state == 0)
            read_group(c, g);
        if (g->state < 0)
            return false;
        m->answer = xcalloc(g->nheld + 1, sizeof(*m->answer));
        for (size_t k = 0; k < g->nheld; k++)
            for (size_t v = 0; v < g->held[k].n; v++)
                if (among(g->held[k].values[v], m->values, m->n)) {
                    m->answer[n++] = g->held[k].e;
                    break;
                }
        *out = (struct ahead_answer){ g->res, m->answer, n };
        a->used++;
        return true;
    }
    return false;
}

void ahead_job(struct conn *c, long job)
{
    struct ahead *a = conn_ahead(c);
    size_t n = 0;

    if (a == NULL)
        return;
    a->job = job;
    for (size_t i = 0; i < a->none; i++) {
        if (a->one[i].job >= job) {
            a->one[n++] = a->one[i];
            continue;
        }
        /* sent for a line that did not need it after all */
        if (conn_ld(c) != NULL)
            ldap_abandon_ext(conn_ld(c), a->one[i].msgid, NULL, NULL);
        single_free(&a->one[i]);
    }
    a->none = n;
    n = 0;
    for (size_t i = 0; i < a->nm; i++) {
        if (a->m[i].job >= job)
            a->m[n++] = a->m[i];
        else
            member_free(&a->m[i]);
    }
    a->nm = n;
    n = 0;
    for (size_t i = 0; i < a->ng; i++) {
        struct group *g = a->g[i];

        if (g->last_job >= job) {
            a->g[n++] = g;
            continue;
        }
        if (g->sent && g->state == 0 && conn_ld(c) != NULL)
            ldap_abandon_ext(conn_ld(c), g->msgid, NULL, NULL);
        group_free(g);
    }
    a->ng = n;
}

size_t ahead_resent(struct conn *c)
{
    struct ahead *a = conn_ahead(c);

    return a != NULL ? a->resent : 0;
}

size_t ahead_counts(struct conn *c, size_t *lines, size_t *used)
{
    struct ahead *a = conn_ahead(c);

    *lines = a != NULL ? a->lines : 0;
    *used = a != NULL ? a->used : 0;
    return a != NULL ? a->sent : 0;
}
