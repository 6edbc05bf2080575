/*
 * --verify SPN [ACCOUNT]: why Kerberos to a service fails, and the
 * command that fixes it.  Runs every check (holders, alias, ticket,
 * account, dns, keytab), reports one record per check (EV_CHECK: text or
 * JSON, report.h), and never writes to the directory.
 */
#ifndef SETSPN_VERIFY_H
#define SETSPN_VERIFY_H

#include "args.h"
#include "batch.h"
#include "session.h"
#include "status.h"

/*
 * Runs the checks of j's request with the session's DC (accounts, sPNMappings) and
 * the scopes session_scopes set for q (the domain, -F or -T), where the
 * holders are looked for.  account_dn is the DN of q's ACCOUNT (found by
 * the caller), or NULL.  Returns ST_OK when no check fails, ST_FAILED when
 * one does, or the failure (reported) that kept the checks from running.
 */
enum status verify_run(struct session *s, const struct job *j,
                       const char *account_dn);

#endif
