/*
 * A call that may hang, bounded by --timeout: the Kerberos library (MIT
 * 1.20 has no request timeout) and the resolver cannot be interrupted in
 * the middle of a request, so the call runs in a child process that writes
 * its answer to a pipe, and the child is killed when the time is up.  The
 * answer is a string of length-prefixed fields, of BOUNDED_MAX_ANSWER
 * bytes at most.  A SIGINT or SIGTERM ends the wait (the child killed, the
 * call failed: stop.h), also where the caller holds them.  Nothing here
 * prints but the one line that says an answer passed its limit.
 */
#ifndef SETSPN_BOUNDED_H
#define SETSPN_BOUNDED_H

#include <stdbool.h>
#include <stddef.h>

/* What a child may send: its answers are a few names and a ticket, a few
 * KB. */
#define BOUNDED_MAX_ANSWER (1 << 20)

enum bounded_result {
    BOUNDED_OK,       /* *answer holds the child's answer */
    BOUNDED_TIMEOUT,  /* no whole answer within the time: the child killed */
    BOUNDED_FAILED,   /* the child died without a whole answer, sent more
                       * than BOUNDED_MAX_ANSWER, or a stop came */
    BOUNDED_NO_CHILD  /* no pipe or child could be made: call it in-process */
};

/* The child's writer: fields appended in order, written in one go. */
struct bounded_out {
    int fd;
    bool failed;
};

/* Runs fn(arg, out) in a child process and reads what it wrote within
 * seconds (> 0).  On BOUNDED_OK, *answer (malloc'd, *len bytes) is the
 * child's answer; otherwise *answer is NULL. */
enum bounded_result bounded_run(int seconds,
                                void (*fn)(void *arg, struct bounded_out *out),
                                void *arg, char **answer, size_t *len);

/* In the child: one field of n bytes. */
void bounded_put(struct bounded_out *out, const void *p, size_t n);
void bounded_put_int(struct bounded_out *out, int v);
/* s may be NULL (read back as NULL). */
void bounded_put_str(struct bounded_out *out, const char *s);

/* In the parent: the next field of an answer, advancing *cur; false when
 * the answer holds no more whole field.  *p points into the answer. */
bool bounded_get(const char **cur, const char *end, const char **p,
                 size_t *n);
bool bounded_get_int(const char **cur, const char *end, int *v);
/* A malloc'd copy of a string field (NULL for a NULL one). */
bool bounded_get_str(const char **cur, const char *end, char **s);

#endif
