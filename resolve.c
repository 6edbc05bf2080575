#include "resolve.h"

#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "bounded.h"
#include "xalloc.h"


/* Resolves host as a client would: DNS first (following CNAMEs), then,
 * unless DNS answered that the name does not exist, the system's other
 * sources (hosts file).  *canon: the CNAME target, if any. */
static bool resolve(const char *host, char **canon)
{
    unsigned char ans[4096];
    struct __res_state rs;
    int len = -1, herr = NETDB_INTERNAL;
    bool found = false;

    *canon = NULL;
    /* A resolver state of our own, closed after: nothing kept. */
    memset(&rs, 0, sizeof(rs));
    if (res_ninit(&rs) == 0) {
        len = res_nsearch(&rs, host, ns_c_in, ns_t_a, ans, sizeof(ans));
        if (len < 0)
            len = res_nsearch(&rs, host, ns_c_in, ns_t_aaaa, ans,
                              sizeof(ans));
        herr = rs.res_h_errno;
    }
    res_nclose(&rs);
    if (len > 0) {
        ns_msg msg;

        if (ns_initparse(ans, len, &msg) == 0) {
            for (int i = 0; i < ns_msg_count(msg, ns_s_an); i++) {
                ns_rr rr;
                char name[NS_MAXDNAME];

                if (ns_parserr(&msg, ns_s_an, i, &rr) != 0)
                    break;
                if (ns_rr_type(rr) == ns_t_a || ns_rr_type(rr) == ns_t_aaaa)
                    found = true;
                if (ns_rr_type(rr) == ns_t_cname
                    && ns_name_uncompress(ns_msg_base(msg), ns_msg_end(msg),
                                          ns_rr_rdata(rr), name,
                                          sizeof(name)) >= 0) {
                    free(*canon);
                    *canon = xstrdup(name);
                    found = true;
                }
            }
        }
    }
    /* DNS said the name does not exist: asking again through the system's
     * resolver would only repeat the query. */
    if (!found && (len >= 0 || herr != HOST_NOT_FOUND)) {
        struct addrinfo hints, *ai = NULL;

        memset(&hints, 0, sizeof(hints));
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = AI_CANONNAME;
        if (getaddrinfo(host, NULL, &hints, &ai) == 0) {
            found = true;
            if (ai->ai_canonname != NULL
                && strcasecmp(ai->ai_canonname, host) != 0)
                *canon = xstrdup(ai->ai_canonname);
            freeaddrinfo(ai);
        }
    }
    return found;
}

static void resolve_child(void *arg, struct bounded_out *out)
{
    char *canon = NULL;

    bounded_put_int(out, resolve(arg, &canon));
    bounded_put_str(out, canon);
    free(canon);
}

void host_lookup(const char *host, int seconds, struct host_lookup *out)
{
    enum bounded_result r = BOUNDED_NO_CHILD;
    char *answer = NULL;
    size_t len = 0;

    memset(out, 0, sizeof(*out));
    if (seconds > 0)
        r = bounded_run(seconds, resolve_child, (void *)host, &answer, &len);
    if (r == BOUNDED_NO_CHILD) {
        out->resolves = resolve(host, &out->canon);
        return;
    }
    if (r == BOUNDED_OK) {
        const char *cur = answer, *end = answer + len;
        int found = 0;

        if (bounded_get_int(&cur, end, &found)
            && bounded_get_str(&cur, end, &out->canon) && cur == end)
            out->resolves = found != 0;
        else
            r = BOUNDED_FAILED;
    }
    free(answer);
    if (r != BOUNDED_OK) {
        free(out->canon);
        out->canon = NULL;
        out->resolves = false;
        if (r == BOUNDED_TIMEOUT)
            out->unanswered = seconds;
        else
            out->failed = true;
    }
}

void host_lookup_free(struct host_lookup *h)
{
    free(h->canon);
    h->canon = NULL;
}
