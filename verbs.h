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
    struct plan_pending pending; /* what a dry run has "written" so far */
    bool progress;               /* stderr is a terminal and no -P */
};

/* Runs one command as one reported operation; returns its outcome. */
enum status verbs_run(struct verbs *v, const struct job *job);
void verbs_free(struct verbs *v);

#endif
