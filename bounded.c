#include "bounded.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "msg.h"
#include "stop.h"
#include "xalloc.h"

#define NULL_FIELD UINT32_MAX

static long ms_until(const struct timespec *end)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long)(end->tv_sec - now.tv_sec) * 1000
           + (end->tv_nsec - now.tv_nsec) / 1000000;
}

/* Reads the child's answer until end of file, the deadline, a stop
 * (SIGINT, SIGTERM: let through while waiting, whatever the caller holds,
 * so the wait ends on one) or BOUNDED_MAX_ANSWER bytes. */
static enum bounded_result read_answer(int fd, const struct timespec *end,
                                       char **buf, size_t *n)
{
    size_t cap = 0;
    sigset_t mask;

    stop_wait_mask(&mask);
    for (;;) {
        struct pollfd p = { fd, POLLIN, 0 };
        long left = ms_until(end);
        struct timespec ts;
        ssize_t got;
        int k;

        if (stop_signal() != 0)
            return BOUNDED_FAILED;
        if (left <= 0)
            return BOUNDED_TIMEOUT;
        if (left > 60000)
            left = 60000;
        ts = (struct timespec){ left / 1000, (left % 1000) * 1000000 };
        k = ppoll(&p, 1, &ts, &mask);
        if (k < 0 && errno != EINTR)
            return BOUNDED_FAILED;
        if (k <= 0)
            continue; /* a signal, or a minute gone: check both */
        if (*n == cap) {
            if (cap >= BOUNDED_MAX_ANSWER) {
                warn("a child's answer passed %d MiB (the limit of what "
                     "one may send): given up",
                     BOUNDED_MAX_ANSWER >> 20);
                return BOUNDED_FAILED;
            }
            cap = cap ? cap * 2 : 4096;
            *buf = xrealloc(*buf, cap);
        }
        got = read(fd, *buf + *n, cap - *n);
        if (got == 0)
            return BOUNDED_OK;
        if (got < 0 && errno != EINTR && errno != EAGAIN)
            return BOUNDED_FAILED;
        if (got > 0)
            *n += (size_t)got;
    }
}

enum bounded_result bounded_run(int seconds,
                                void (*fn)(void *arg, struct bounded_out *out),
                                void *arg, char **answer, size_t *len)
{
    struct timespec end;
    enum bounded_result r;
    char *buf = NULL;
    size_t n = 0;
    int fds[2], status = 0;
    pid_t pid;
#ifdef __linux__
    pid_t parent = getpid();
#endif

    *answer = NULL;
    *len = 0;
    if (pipe(fds) != 0)
        return BOUNDED_NO_CHILD;
    pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return BOUNDED_NO_CHILD;
    }
    if (pid == 0) {
        struct bounded_out out = { fds[1], false };

#ifdef __linux__
        /* Killed with setspn, not left waiting on a silent server. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
            _exit(1);
#endif
        close(fds[0]);
        fn(arg, &out);
        /* _exit: the parent's buffered output and exit handlers are the
         * parent's alone. */
        _exit(out.failed ? 1 : 0);
    }
    close(fds[1]);
    clock_gettime(CLOCK_MONOTONIC, &end);
    end.tv_sec += seconds;
    r = read_answer(fds[0], &end, &buf, &n);
    close(fds[0]);
    if (r != BOUNDED_OK)
        kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (r == BOUNDED_OK && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
        r = BOUNDED_FAILED;
    if (r != BOUNDED_OK) {
        free(buf);
        return r;
    }
    *answer = buf;
    *len = n;
    return BOUNDED_OK;
}

static void put_all(struct bounded_out *out, const void *p, size_t n)
{
    const char *c = p;

    while (n > 0 && !out->failed) {
        ssize_t w = write(out->fd, c, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            out->failed = true;
            return;
        }
        c += w;
        n -= (size_t)w;
    }
}

void bounded_put(struct bounded_out *out, const void *p, size_t n)
{
    uint32_t k = (uint32_t)n;

    if (n >= NULL_FIELD) {
        out->failed = true;
        return;
    }
    put_all(out, &k, sizeof(k));
    put_all(out, p, n);
}

void bounded_put_int(struct bounded_out *out, int v)
{
    bounded_put(out, &v, sizeof(v));
}

void bounded_put_str(struct bounded_out *out, const char *s)
{
    uint32_t k = NULL_FIELD;

    if (s != NULL)
        bounded_put(out, s, strlen(s));
    else
        put_all(out, &k, sizeof(k));
}

bool bounded_get(const char **cur, const char *end, const char **p,
                 size_t *n)
{
    uint32_t k;

    if ((size_t)(end - *cur) < sizeof(k))
        return false;
    memcpy(&k, *cur, sizeof(k));
    if (k != NULL_FIELD && (size_t)(end - *cur) - sizeof(k) < k)
        return false;
    *cur += sizeof(k);
    *p = k == NULL_FIELD ? NULL : *cur;
    *n = k == NULL_FIELD ? 0 : k;
    *cur += *n;
    return true;
}

bool bounded_get_int(const char **cur, const char *end, int *v)
{
    const char *p;
    size_t n;

    if (!bounded_get(cur, end, &p, &n) || p == NULL || n != sizeof(*v))
        return false;
    memcpy(v, p, sizeof(*v));
    return true;
}

bool bounded_get_str(const char **cur, const char *end, char **s)
{
    const char *p;
    size_t n;

    if (!bounded_get(cur, end, &p, &n) || (p != NULL && memchr(p, 0, n)))
        return false;
    *s = NULL;
    if (p != NULL) { /* not NUL-terminated: no strndup */
        *s = xcalloc(n + 1, 1);
        memcpy(*s, p, n);
    }
    return true;
}
