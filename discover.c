#include "discover.h"

#include <arpa/nameser.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldap.h>

#include "xalloc.h"

static int by_priority(const void *a, const void *b)
{
    const struct srv_target *x = a, *y = b;

    return (x->priority > y->priority) - (x->priority < y->priority);
}

void discover_order(struct srv_target *t, size_t n,
               unsigned long (*rnd)(unsigned long max))
{
    if (n == 0)
        return;
    qsort(t, n, sizeof(*t), by_priority);
    for (size_t start = 0; start < n;) {
        size_t end = start;

        while (end < n && t[end].priority == t[start].priority)
            end++;
        /* RFC 2782: draw among the remaining ones of this priority. */
        for (size_t i = start; i + 1 < end; i++) {
            unsigned long total = 0, pick, run = 0;
            size_t k;

            for (k = i; k < end; k++)
                total += t[k].weight;
            if (total == 0)
                break; /* all weights zero: keep the order */
            pick = rnd(total) + 1;
            for (k = i; k < end; k++) {
                run += t[k].weight;
                if (run >= pick)
                    break;
            }
            if (k != i) {
                struct srv_target tmp = t[i];

                t[i] = t[k];
                t[k] = tmp;
            }
        }
        start = end;
    }
}

void discover_free(struct srv_target *t, size_t n)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(t[i].host);
    free(t);
}

int discover_lookup(const char *name, struct srv_target **out, size_t *n,
               char **msg)
{
    /* A domain with hundreds of DCs answers with more than 8 KiB (the
     * resolver takes it over TCP): a buffer too small is grown to the
     * length the answer reports, and the query asked again. */
    size_t size = 8192;
    unsigned char *answer = NULL;
    ns_msg handle;
    int len, count;

    *out = NULL;
    *n = 0;
    *msg = NULL;
    for (;;) {
        answer = xrealloc(answer, size);
        len = res_query(name, ns_c_in, ns_t_srv, answer, (int)size);
        if (len < 0 || (size_t)len <= size || size >= 65536)
            break;
        size = (size_t)len;
    }
    if (len < 0) {
        free(answer);
        *msg = xasprintf("no DNS SRV records for %s", name);
        return -1;
    }
    if ((size_t)len > size)
        len = (int)size;
    if (ns_initparse(answer, len, &handle) != 0) {
        free(answer);
        *msg = xasprintf("malformed DNS answer for %s", name);
        return -1;
    }
    count = ns_msg_count(handle, ns_s_an);
    for (int i = 0; i < count; i++) {
        ns_rr rr;
        const unsigned char *rd;
        char host[NS_MAXDNAME];
        struct srv_target *t;

        if (ns_parserr(&handle, ns_s_an, i, &rr) != 0
            || ns_rr_type(rr) != ns_t_srv || ns_rr_rdlen(rr) < 7)
            continue;
        rd = ns_rr_rdata(rr);
        if (dn_expand(ns_msg_base(handle), ns_msg_end(handle), rd + 6, host,
                      sizeof(host)) < 0)
            continue;
        if (strcmp(host, ".") == 0 || host[0] == '\0')
            continue; /* "service not available here" */
        *out = xrealloc(*out, (*n + 1) * sizeof(**out));
        t = &(*out)[(*n)++];
        t->priority = ns_get16(rd);
        t->weight = ns_get16(rd + 2);
        t->port = ns_get16(rd + 4);
        t->host = xstrdup(host);
    }
    free(answer);
    if (*n == 0) {
        *msg = xasprintf("no usable DNS SRV records for %s", name);
        return -1;
    }
    return 0;
}

char *discover_dn_to_dns(const char *dn)
{
    LDAPDN parsed = NULL;
    char *out = NULL;
    size_t len = 0;
    FILE *f;

    if (ldap_str2dn(dn, &parsed, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS)
        return NULL;
    f = xnonnull(open_memstream(&out, &len));
    for (int i = 0; parsed != NULL && parsed[i] != NULL; i++) {
        LDAPAVA *ava = parsed[i][0];

        if (ava == NULL || ava->la_attr.bv_len != 2
            || strncasecmp(ava->la_attr.bv_val, "DC", 2) != 0)
            continue;
        fprintf(f, "%s%.*s", len > 0 || ftell(f) > 0 ? "." : "",
                (int)ava->la_value.bv_len, ava->la_value.bv_val);
    }
    fclose(f);
    ldap_dnfree(parsed);
    if (out != NULL && *out == '\0') {
        free(out);
        out = NULL;
    }
    return out;
}
