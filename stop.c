#include "stop.h"

#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop_sig;
static volatile sig_atomic_t at_once;
static const struct stop_exit *volatile exit_int, *volatile exit_term;

static void say(int fd, const char *s, size_t n)
{
    while (s != NULL && n > 0) {
        ssize_t w = write(fd, s, n);

        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

static void on_stop(int sig)
{
    if (stop_sig == 0)
        stop_sig = sig;
    if (at_once) {
        const struct stop_exit *e = sig == SIGINT ? exit_int : exit_term;

        if (e != NULL) {
            say(STDERR_FILENO, e->text, e->text_len);
            say(STDOUT_FILENO, e->json, e->json_len);
        }
        _exit(128 + sig);
    }
}

void stop_init(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    /* Either signal runs the handler alone: the first one decides. */
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    sa.sa_handler = on_stop;
    /* Restarted calls: where a wait must end on a stop, the handler ends
     * it (stop_at_once) or the wait cannot be restarted (ppoll). */
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int stop_signal(void)
{
    sigset_t pending;

    if (stop_sig == 0 && sigpending(&pending) == 0) {
        /* held back: a read (-Q, -X) stops at the next entry */
        if (sigismember(&pending, SIGTERM) == 1)
            return SIGTERM;
        if (sigismember(&pending, SIGINT) == 1)
            return SIGINT;
    }
    return stop_sig;
}

void stop_hold(bool hold)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigprocmask(hold ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

void stop_wait_mask(sigset_t *mask)
{
    sigprocmask(SIG_BLOCK, NULL, mask);
    sigdelset(mask, SIGINT);
    sigdelset(mask, SIGTERM);
}

void stop_at_once(const struct stop_exit *on_int,
                  const struct stop_exit *on_term)
{
    if (on_int == NULL && on_term == NULL) {
        at_once = 0;
        exit_int = exit_term = NULL;
        return;
    }
    exit_int = on_int;
    exit_term = on_term;
    at_once = 1;
}
