#include "conn.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conn_int.h"
#include "locator.h"
#include "wire.h"
#include "xalloc.h"

enum status conn_fail(struct conn *c, enum status st, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    free(c->error);
    c->error = xvasprintf(fmt, ap);
    va_end(ap);
    return st;
}

bool conn_limit_messages(struct conn *c)
{
    Sockbuf *sb = NULL;
    ber_len_t max = CONN_MAX_MESSAGE;

    return ldap_get_option(c->ld, LDAP_OPT_SOCKBUF, &sb) == LDAP_OPT_SUCCESS
           && sb != NULL
           && ber_sockbuf_ctrl(sb, LBER_SB_OPT_SET_MAX_INCOMING, &max) == 1;
}

void conn_note_oversize(struct conn *c, int rc, int err)
{
    /* liblber's ber_get_next fails with ERANGE on a message past the
     * socket buffer's maximum; libldap then calls the server down. */
    if (rc == LDAP_SERVER_DOWN && err == ERANGE)
        c->oversize = true;
}

enum status conn_fail_ldap(struct conn *c, enum status_op op, int rc,
                           char *diag, const char *what)
{
    const char *d = wire_clean_diag(diag);
    enum status st = status_classify(rc, d, op);

    c->last_rc = rc;
    free(c->last_diag);
    c->last_diag = *d ? xstrdup(d) : NULL;

    if (rc == LDAP_SERVER_DOWN || rc == LDAP_TIMEOUT
        || rc == LDAP_CONNECT_ERROR)
        c->lost = true;
    if (c->oversize) {
        c->oversize = false;
        return conn_fail(c, ST_DIRECTORY, "%s: the server sent a message "
                         "longer than %u MiB, the limit of one LDAP message: "
                         "connection dropped", what, CONN_MAX_MESSAGE >> 20);
    }
    if (rc == LDAP_TIMEOUT && conn_timeout(c) > 0)
        return conn_fail(c, st, "%s: %s (%d)%s%s: no answer within %d "
                                "seconds (--timeout; raise it for a slow "
                                "DC)", what, ldap_err2string(rc), rc,
                         *d ? ": " : "", d, conn_timeout(c));
    return conn_fail(c, st, "%s: %s (%d)%s%s", what, ldap_err2string(rc), rc,
                     *d ? ": " : "", d);
}

enum status conn_fail_ld(struct conn *c, enum status_op op, int rc,
                         const char *what)
{
    char *diag = NULL;
    enum status st;

    if (c->ld != NULL)
        ldap_get_option(c->ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
    st = conn_fail_ldap(c, op, rc, diag, what);
    ldap_memfree(diag);
    return st;
}

struct conn *conn_new(void)
{
    struct conn *c = xcalloc(1, sizeof(*c));

    c->page_size = 1000;
    return c;
}

void conn_free(struct conn *c)
{
    if (c == NULL)
        return;
    if (c->ld != NULL)
        ldap_unbind_ext_s(c->ld, NULL, NULL);
    free(c->uri);
    free(c->base);
    free(c->config);
    free(c->forest);
    free(c->principal);
    free(c->how);
    locator_result_free(c->located);
    free(c->located);
    free(c->tls_desc);
    free(c->error);
    free(c->last_diag);
    xstrv_free(c->refs, c->nrefs);
    if (c->ahead_free != NULL)
        c->ahead_free(c->ahead);
    free(c);
}

void *conn_ahead(struct conn *c) { return c->ahead; }

void conn_set_ahead(struct conn *c, void *state, void (*free_fn)(void *))
{
    c->ahead = state;
    c->ahead_free = free_fn;
}

int conn_last_result(const struct conn *c, const char **diag)
{
    *diag = c->last_diag;
    return c->last_rc;
}

const char *conn_error(const struct conn *c)
{
    return c->error != NULL ? c->error : "";
}

const char *conn_uri(const struct conn *c) { return c->uri; }
const char *conn_base(const struct conn *c) { return c->base; }
const char *conn_principal(const struct conn *c) { return c->principal; }
const char *conn_forest(const struct conn *c) { return c->forest; }
unsigned conn_ssf(const struct conn *c) { return c->ssf; }
const char *conn_tls(const struct conn *c)
{
    return c->tls ? c->tls_desc : NULL;
}
const char *conn_how(const struct conn *c) { return c->how; }
const struct locator_result *conn_located(const struct conn *c)
{
    return c->located;
}
const char *conn_config(const struct conn *c) { return c->config; }
LDAP *conn_ld(struct conn *c) { return c->ld; }
static long now_mono(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec;
}

bool conn_over_time(const struct conn *c)
{
    return c->run_end > 0 && now_mono() >= c->run_end;
}

/* Each request's timeout, cut to what is left of --max-time. */
int conn_timeout(const struct conn *c)
{
    long left;

    if (c->run_end == 0)
        return c->timeout;
    left = c->run_end - now_mono();
    if (left < 1)
        left = 1;
    return c->timeout > 0 && c->timeout < left ? c->timeout : (int)left;
}
int conn_page_size(const struct conn *c) { return c->page_size; }
int conn_value_range(const struct conn *c) { return c->value_range; }

void conn_add_reference(struct conn *c, const char *uri)
{
    for (size_t i = 0; i < c->nrefs; i++)
        if (strcmp(c->refs[i], uri) == 0)
            return;
    c->refs = xrealloc(c->refs, (c->nrefs + 1) * sizeof(*c->refs));
    c->refs[c->nrefs++] = xstrdup(uri);
}

char **conn_take_references(struct conn *c, size_t *n)
{
    char **r = c->refs;

    *n = c->nrefs;
    c->refs = NULL;
    c->nrefs = 0;
    return r;
}

void conn_count_page(struct conn *c, bool first)
{
    c->pages = first ? 1 : c->pages + 1;
}
unsigned conn_pages(const struct conn *c) { return c->pages; }

bool conn_alive(const struct conn *c)
{
    return c->ld != NULL && !c->lost;
}
