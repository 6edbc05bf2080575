/*
 * --write-keytab FILE ACCOUNT: the service's keytab, right the first
 * time.  The account's name, kvno, SPNs and encryption types from the
 * directory; the password checked and the salts given by the KDC
 * (keygen.h); the entries merged into FILE and written safely
 * (keytab.h); --rotate's new password; then --verify's keytab check for
 * each SPN written (ticket.h).  One record per entry and per check.
 */
#ifndef SETSPN_WRITEKT_H
#define SETSPN_WRITEKT_H

#include "args.h"
#include "batch.h"
#include "session.h"
#include "status.h"

/* Before any connection or password: FILE can be written (or, in a dry
 * run, its directory exists) and an existing FILE is a keytab it can
 * merge into.  Reports a failure (ST_INVALID). */
enum status writekt_precheck(const struct options *o);

/* Runs the command of job (VERB_KEYTAB) with the session's DC. */
enum status writekt_run(struct session *s, const struct job *job);

#endif
