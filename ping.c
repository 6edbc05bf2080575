#include "ping.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cldap.h"
#include "xalloc.h"

/* The LDAP ping goes to UDP 389 whatever port the SRV record gives
 * (3268 for a Global Catalog). */
#define CLDAP_PORT "389"
/* An answer is a few hundred bytes; a datagram is at most this. */
#define DATAGRAM_MAX 65536

long ping_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void failed(struct ping *p, long now, char *why)
{
    p->state = PING_FAILED;
    p->ms = p->sent_at ? now - p->sent_at : 0;
    free(p->error);
    p->error = why;
    if (p->fd >= 0)
        close(p->fd);
    p->fd = -1;
}

/* Resolves and sends; on failure the ping has its outcome at once. */
static void send_one(struct ping *p, const char *domain, int id)
{
    struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *ai = NULL;
    unsigned char *req;
    size_t len;
    int rc;

    p->id = id;
    p->sent_at = ping_now_ms();
    p->state = PING_SENT;
    rc = getaddrinfo(p->host, CLDAP_PORT, &hints, &ai);
    if (rc != 0 || ai == NULL) {
        failed(p, ping_now_ms(),
               xasprintf("cannot resolve: %s", gai_strerror(rc)));
        return;
    }
    if (getnameinfo(ai->ai_addr, ai->ai_addrlen, p->addr, sizeof(p->addr),
                    NULL, 0, NI_NUMERICHOST) != 0)
        p->addr[0] = '\0';
    /* Connected: only that address's datagrams come in, and a port
     * nobody listens on is told at once (ICMP, as ECONNREFUSED). */
    p->fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                   0);
    if (p->fd < 0 || connect(p->fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        failed(p, ping_now_ms(), xasprintf("cannot reach: %s", strerror(errno)));
        freeaddrinfo(ai);
        return;
    }
    freeaddrinfo(ai);
    req = cldap_request(id, domain, &len);
    if (send(p->fd, req, len, 0) != (ssize_t)len)
        failed(p, ping_now_ms(), xasprintf("cannot send: %s", strerror(errno)));
    free(req);
}

static void receive(struct ping *p, unsigned char *buf)
{
    unsigned char *value = NULL;
    size_t value_len = 0;
    char *msg = NULL;
    ssize_t got = recv(p->fd, buf, DATAGRAM_MAX, 0);
    long now = ping_now_ms();

    if (got < 0) {
        if (errno == EAGAIN || errno == EINTR)
            return;
        failed(p, now, errno == ECONNREFUSED
                           ? xstrdup("refused (nothing listens on UDP 389)")
                           : xasprintf("%s", strerror(errno)));
        return;
    }
    if (cldap_reply(buf, (size_t)got, p->id, &value, &value_len, &msg) != 0
        || netlogon_decode(value, value_len, &p->nl, &msg) != 0) {
        failed(p, now, msg);
        free(value);
        return;
    }
    free(value);
    p->state = PING_ANSWERED;
    p->ms = now - p->sent_at;
    close(p->fd);
    p->fd = -1;
}

long ping_run(struct ping *p, size_t n, const char *domain, int timeout_ms,
              ping_accept_fn accept, void *ctx)
{
    unsigned char *buf = xrealloc(NULL, DATAGRAM_MAX);
    struct pollfd *fds = xcalloc(n ? n : 1, sizeof(*fds));
    size_t *which = xcalloc(n ? n : 1, sizeof(*which));
    size_t next = 0;
    long chosen = -1, next_wave = ping_now_ms();
    /* Message ids differ between runs of a process: an answer late from
     * an earlier run is not taken for this one's. */
    static int base_id = 1;

    for (size_t i = 0; i < n; i++) {
        p[i].state = PING_NOT_SENT;
        p[i].fd = -1;
    }
    for (;;) {
        long now = ping_now_ms(), wait = -1;
        size_t nfds = 0, pending = 0;

        if (next < n && now >= next_wave) {
            for (size_t k = 0; k < PING_WAVE && next < n; k++, next++)
                send_one(&p[next], domain, base_id++);
            next_wave = now + PING_WAVE_GAP_MS;
        }
        for (size_t i = 0; i < next; i++) {
            long left;

            if (p[i].state != PING_SENT)
                continue;
            left = p[i].sent_at + timeout_ms - now;
            if (left <= 0) {
                p[i].state = PING_TIMEOUT;
                p[i].ms = now - p[i].sent_at;
                close(p[i].fd);
                p[i].fd = -1;
                continue;
            }
            pending++;
            if (wait < 0 || left < wait)
                wait = left;
            fds[nfds].fd = p[i].fd;
            fds[nfds].events = POLLIN;
            fds[nfds].revents = 0;
            which[nfds++] = i;
        }
        if (next < n) {
            long gap = next_wave - now;

            if (gap < 0)
                gap = 0;
            if (wait < 0 || gap < wait)
                wait = gap;
        } else if (pending == 0) {
            break;
        }
        if (poll(fds, nfds, (int)wait) < 0 && errno != EINTR)
            break;
        for (size_t k = 0; k < nfds && chosen < 0; k++) {
            struct ping *q = &p[which[k]];

            if (!(fds[k].revents & (POLLIN | POLLERR | POLLHUP)))
                continue;
            receive(q, buf);
            if (q->state == PING_ANSWERED && accept(q, ctx))
                chosen = (long)which[k];
        }
        if (chosen >= 0)
            break;
    }
    /* Those still out are not waited for. */
    for (size_t i = 0; i < n; i++) {
        if (p[i].state == PING_SENT)
            p[i].ms = ping_now_ms() - p[i].sent_at;
        if (p[i].fd >= 0)
            close(p[i].fd);
        p[i].fd = -1;
    }
    free(buf);
    free(fds);
    free(which);
    return chosen;
}

void ping_free(struct ping *p, size_t n)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        netlogon_free(&p[i].nl);
        free(p[i].error);
    }
    free(p);
}
