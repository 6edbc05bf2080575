/*
 * The Setspn verbs, -L -S -A -D -Q -R -X, each reading top to bottom:
 * ask the directory, decide with the planning module, report records.
 */
#ifndef SETSPN_VERBS_H
#define SETSPN_VERBS_H

#include <stdbool.h>

#include "batch.h"
#include "plan.h"
#include "session.h"

struct verbs {
    struct session *s;
    struct plan_pending pending; /* what this run has written (or, in a
                                    dry run, would have) so far */
    bool progress;               /* stderr is a terminal and no -P */
};

/* Runs one command as one reported operation; returns its outcome. */
enum status verbs_run(struct verbs *v, const struct job *job);
/* Sends ahead the searches that jobs[from..to) will make first (their
 * account lookups and, for -S and -A, the duplicate checks in their
 * domain), line i as number i + 1 (ahead.h): a batch pipelines them, then
 * writes one line at a time.  Answers read ahead predate earlier lines'
 * writes: the verbs see those through the pending changes, as a dry run
 * does. */
void verbs_prefetch(struct verbs *v, const struct job *jobs, size_t from,
                    size_t to);
/* Line id now runs: what was read ahead for earlier lines goes. */
void verbs_line(struct verbs *v, long id);
void verbs_free(struct verbs *v);

#endif
