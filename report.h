/*
 * What a run reports, in one place: Setspn.exe's text (stdout; stderr in
 * a dry run, where stdout carries LDIF), or one JSON document (--json).
 * Verbs describe what happened with these calls and never choose a
 * stream themselves.
 */
#ifndef SETSPN_REPORT_H
#define SETSPN_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

void report_init(bool json, bool dry_run);
bool report_json(void);

/* The stream for Setspn.exe's text, or NULL under --json (the output.c
 * functions accept NULL and print nothing). */
FILE *report_text(void);

void report_dc(const char *uri, const char *domain);

/* One operation: a command line, or a line of a batch (line > 0). */
void report_op_begin(const char *verb, const char *spn, const char *account,
                     int line);
void report_op_dn(const char *dn);
/* added, unchanged, removed, absent, conflict, not-found, invalid, error,
 * ok */
void report_op_status(const char *status);
void report_op_error(const char *text);
void report_op_spns(char *const *spns, size_t n);
void report_op_holder(const char *dn, char *const *spns, size_t n);
void report_op_group(const char *spn, const char *const *dns, size_t n);
void report_op_count(const char *key, size_t n);
/* The change a dry run would make, as an LDIF record: on stdout in text
 * mode, in the operation under --json. */
void report_op_ldif(bool add, const char *dn, const char *spn);
void report_op_end(void);

/* A failure outside any operation (connecting, binding). */
void report_error(const char *text);
void report_batch(size_t lines, size_t done, size_t failed, size_t not_run,
                  const int *not_run_lines);

/* Writes the JSON document (with the exit status) to stdout; nothing in
 * text mode.  Returns false if it could not be written. */
bool report_finish(int exit_code);

#endif
