/*
 * A batch's read-ahead: the searches of the lines to come are sent before
 * any answer is read, each filed under the key that names it exactly
 * (base, scope, filter, attributes) and the line (job) that will make it,
 * so the line's own search finds its answer waiting.
 *
 * Equality searches of many lines on one attribute (the account lookups
 * by sAMAccountName, the duplicate checks by servicePrincipalName) go as
 * one OR search, a group: a DC spends most of a small search on the
 * request, not on the entries.  A line takes its answer from a group only
 * where it is exactly what its own search would have returned: the group
 * came back whole in one page, and every value in it and asked for is
 * plain ASCII, where the DC's equality is ASCII's, so each entry is known
 * to match the lines whose values it holds.  Otherwise the line searches
 * for itself.  A duplicate check's answer older than AHEAD_FRESH_MS is
 * asked for again before its line uses it.  Never prints.
 */
#ifndef SETSPN_AHEAD_H
#define SETSPN_AHEAD_H

#include <stdbool.h>
#include <stddef.h>

#include <ldap.h>

#include "conn.h"

/* Values asked for by one group search at most. */
#define AHEAD_GROUP 64

/* How old (since it was sent) the answer of a duplicate check sent ahead
 * may be when its line takes it: an older one is asked for again (a
 * group's for all of its lines still to come), so that the check decides
 * a write on what the DC held at most this long before, as a lone -S's
 * does. */
#define AHEAD_FRESH_MS 250

/* The key of a search: base, scope, filter and attributes.  Caller
 * frees. */
char *ahead_key(const char *base, int scope, const char *filter,
                char **attrs);

/* Sends the first page of a search ahead, for line job. */
void ahead_search(struct conn *c, long job, const char *base, int scope,
                  const char *filter, char **attrs);

/* Files a subtree search of base by filter, the equality of attr with any
 * of values[0..n), for line job: into the open group of its kind (sent
 * when it is full, or at ahead_flush), or, where a group could not answer
 * it exactly, sent on its own. */
void ahead_group(struct conn *c, long job, const char *base,
                 const char *filter, char **attrs, const char *attr,
                 char *const *values, size_t n);

/* Sends the groups still open. */
void ahead_flush(struct conn *c);

/* The msgid of the search sent ahead under key for the current line, or
 * -1; the caller reads its answer, and calls ahead_used if it keeps it. */
int ahead_take(struct conn *c, const char *key);
void ahead_used(struct conn *c);

/* A group's answer to one line's search: the entries of res that hold one
 * of the line's values, in the order the DC sent them. */
struct ahead_answer {
    LDAPMessage *res;           /* for its references */
    LDAPMessage *const *entries;
    size_t n;
};

/* The group answer filed under key for the current line, if it answers it
 * exactly (reading the group's result the first time); false: the line
 * searches for itself.  The answer lasts until ahead_job moves past the
 * group's lines. */
bool ahead_grouped(struct conn *c, const char *key, struct ahead_answer *a);

/* The line now running: what was sent for earlier lines and not taken is
 * abandoned. */
void ahead_job(struct conn *c, long job);

/* Duplicate checks asked for again, being older than AHEAD_FRESH_MS (a
 * group counts once). */
size_t ahead_resent(struct conn *c);

/* Searches sent ahead so far (a group counts once); *lines: line searches
 * they were for; *used: how many of those were answered from them. */
size_t ahead_counts(struct conn *c, size_t *lines, size_t *used);

#endif
