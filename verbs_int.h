/*
 * What the verbs' rooms share (verbs.c, verb_scan.c): the context of one
 * command and the lines every verb prints.  Internal; verbs.h is the
 * interface.
 */
#ifndef SETSPN_VERBS_INT_H
#define SETSPN_VERBS_INT_H

#include "batch.h"
#include "session.h"
#include "status.h"
#include "verbs.h"

/* What the verbs share: the session, the command, the dry run's memory. */
struct ctx {
    struct verbs *v;
    struct session *s;
    const struct job *job;
    const struct request *q;
    const struct options *o;
};

/* "Checking domain DN" (or forest) for the scope searched. */
void verbs_checking(const struct scope *sc);
/* A search of sc that failed: its error reported, st returned. */
enum status verbs_read_failed(const struct scope *sc, enum status st);
/* -X (verb_scan.c). */
enum status verbs_scan(struct ctx *c);

#endif
