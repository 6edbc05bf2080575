/*
 * What a run reports.  Every event is one record, handed to exactly one
 * renderer: Setspn.exe's text (output.c; on stdout, or stderr in a dry
 * run, where stdout carries LDIF) or the JSON document (--json).  Verbs
 * describe what happened and never choose a stream or a format.
 */
#ifndef SETSPN_REPORT_H
#define SETSPN_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

enum event_kind {
    EV_CHECKING,   /* label, forest: "Checking domain DN" */
    EV_ACCOUNT,    /* dn: the account an operation works on */
    EV_LIST,       /* dn, values: "Registered ServicePrincipalNames ..." */
    EV_HOLDER,     /* dn, values; only, nonly: the values to show (all if
                    * nonly is 0) */
    EV_CHECKED,    /* the end of a check: a blank line */
    EV_CHANGE,     /* add, dn, values: "Registering ..." and the values */
    EV_UPDATED,    /* "Updated object" */
    EV_DUPLICATE,  /* "Duplicate SPN found, aborting operation!" */
    EV_QUERY_DONE, /* count: "Existing SPN found!" or "No such SPN found." */
    EV_NO_ACCOUNT, /* label (as typed), text: "Could not find account" */
    EV_GROUP,      /* label (the SPN, in its printed form: quote.h),
                    * values (the DNs): a -X group */
    EV_SCAN_DONE,  /* count (groups), entries: "found N group ..." */
    EV_LDIF,       /* add, dn, value, value_len: the change a dry run
                    * would make */
    EV_NOTE,       /* text: said on stderr, changes nothing (not in JSON) */
    EV_FAILURE,    /* text: stderr, and the operation's (or run's) error;
                    * value: the value being added, if one was refused */
    EV_OUTCOME,    /* status: how the operation ended */
    EV_DC,         /* label (URI), dn (its domain); text: the client's
                    * site, value: the DC's site (each NULL if unknown) */
    EV_BATCH,      /* count (lines), done, failed, failed_lines (failed
                    * of them), lines (not run), nlines */
    EV_CHECK,      /* --verify: label (the check's name), result, text (the
                    * finding, directory data in its printed form:
                    * quote.h), values (the commands that fix it) */
    EV_KEYTAB,     /* --write-keytab: label (the file), dn (the account):
                    * the keys to write follow */
    EV_KEY,        /* label (the principal), value (the encryption type's
                    * name), count (the kvno): one entry */
    EV_KEYTAB_DONE /* label (the file), add (it changed), count (entries
                    * written), done (kept), failed (removed) */
};

/* How a --verify check came out. */
enum check_result {
    CHECK_OK,
    CHECK_WARN,
    CHECK_FAIL
};

struct event {
    enum event_kind kind;
    const char *label, *dn, *text, *value;
    char *const *values;
    const size_t *lens; /* the values' lengths; NULL: C strings */
    size_t nvalues;
    size_t value_len;   /* value's length; 0: a C string */
    char *const *only;
    size_t nonly;
    bool add, forest;
    size_t count, entries, done, failed;
    const int *lines;
    size_t nlines;
    const int *failed_lines;
    enum status status;
    enum check_result result;
};

void report_init(bool json, bool dry_run);
bool report_json(void);

/* One operation: a command line, or a line of a batch (line > 0). */
void report_begin(const char *verb, const char *spn, const char *account,
                  int line);
void report(const struct event *ev);
void report_end(void);

/* Shorthands for the common records. */
void report_failure(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void report_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void report_outcome(enum status status);
void report_line(enum event_kind kind); /* an event with no data */

/* The JSON document as it would be if the run ended now with error (the
 * operation under way ends with it): for a deadline's signal handler,
 * which cannot render.  NULL in text mode.  Caller frees. */
char *report_snapshot(const char *error, int exit_code);

/* Writes the JSON document (with the exit status) to stdout; nothing in
 * text mode.  Returns false if it could not be written. */
bool report_finish(int exit_code);

#endif
