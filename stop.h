/*
 * SIGINT and SIGTERM: a request to stop the run.  The handler notes the
 * signal, and the run stops where nothing is left half done: the command
 * under way (its signals held) finishes and is reported first.  Around a
 * wait that has nothing to finish (opening and reading the batch input,
 * connecting to a DC), the handler ends the process itself, writing a
 * report made ready beforehand (stop_at_once): a signal that comes just
 * before a blocking call is not lost in it.  A wait for a child process
 * (bounded.c) waits with stop_wait_mask and looks at stop_signal.
 */
#ifndef SETSPN_STOP_H
#define SETSPN_STOP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

/* Installs the handler for SIGINT and SIGTERM. */
void stop_init(void);

/* The signal that asked the run to stop (or that is held, pending), or
 * 0. */
int stop_signal(void);

/* Holds SIGINT and SIGTERM back (blocked) or lets them through. */
void stop_hold(bool hold);

/* The signal mask a wait that must end on a stop uses (ppoll): the
 * current one, with SIGINT and SIGTERM let through. */
void stop_wait_mask(sigset_t *mask);

/* What the process writes when a signal ends it at once: text for
 * stderr, json (may be NULL) for stdout. */
struct stop_exit {
    const char *text, *json;
    size_t text_len, json_len;
};

/* From now on a SIGINT or SIGTERM writes *on_int or *on_term and exits
 * 128 + the signal's number (both NULL: no more; the caller keeps them
 * alive until then).  Does not change the signal mask. */
void stop_at_once(const struct stop_exit *on_int,
                  const struct stop_exit *on_term);

#endif
