/*
 * Shared by the unit tests (tests/unit/, a file per module): cmocka, the verdict checks
 * and the capture helpers, and one group per module, run by main.c.
 */
#ifndef SETSPN_UNIT_H
#define SETSPN_UNIT_H

/* cmocka needs these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* The number of cases in a table. */
#define NCASES(a) (sizeof(a) / sizeof(*(a)))

/* The modules take char *const * (as libldap hands values over); the
 * tests' values are string literals. */
#define V(arr) ((char *const *)(arr))

/* A static reason must be non-NULL and contain want. */
#define assert_reason(why, want)                                          \
    do {                                                                  \
        const char *why_ = (why);                                         \
        if (why_ == NULL)                                                 \
            fail_msg("accepted, expected a reason containing \"%s\"",    \
                     (want));                                             \
        if (strstr(why_, (want)) == NULL)                                 \
            fail_msg("reason \"%s\" does not contain \"%s\"", why_,      \
                     (want));                                             \
    } while (0)

/* A static reason must be NULL; value names what was checked. */
#define assert_accepted(why, value)                                       \
    do {                                                                  \
        const char *why_ = (why);                                         \
        if (why_ != NULL)                                                 \
            fail_msg("'%s' refused: %s", (value), why_);                  \
    } while (0)

/* n copies of c, malloc'd. */
char *unit_repeat(char c, size_t n);

/* A parser's malloc'd verdict, freed on every path: accepted (err NULL),
 * or refused with exactly want.  what names the case in a failure. */
void unit_expect_ok(const char *what, char *err);
void unit_expect_err(const char *what, char *err, const char *want);

/* got must equal want; what names the case.  Unlike assert_string_equal
 * the failure shows both in full and names the case. */
void unit_same(const char *what, const char *got, const char *want);

/* Runs fn(ctx) with file descriptor fd (STDOUT_FILENO or STDERR_FILENO)
 * going to a temporary file; returns what was written (malloc'd).  fn
 * must not fail an assertion (the descriptor would stay redirected). */
char *unit_capture(int fd, void (*fn)(void *ctx), void *ctx);
/* The same for both: what fn wrote to stdout in *out, to stderr in *err. */
void unit_capture_both(void (*fn)(void *ctx), void *ctx, char **out,
                       char **err);

/* A FILE that collects text in memory, for text_render and the like. */
struct unit_mem {
    FILE *f;
    char *buf;
    size_t len;
};

void unit_mem_open(struct unit_mem *m);
/* Closes the stream and returns the text (malloc'd; the caller frees). */
char *unit_mem_text(struct unit_mem *m);

/* Finishes the JSON report (report_finish(code), stdout captured) and
 * returns the document written, checked to be one JSON object. */
struct json_t *unit_finish_json(int code);

/* One group per module (cmocka_run_group_tests_name): each returns the
 * number of its tests that failed. */
int unit_account(void);
int unit_args(void);
int unit_args_line(void);
int unit_args_conn(void);
int unit_batch(void);
int unit_bounded(void);
int unit_creds(void);
int unit_discover(void);
int unit_netlogon(void);
int unit_entry(void);
int unit_filter(void);
int unit_fixcmd(void);
int unit_fold(void);
int unit_keytab(void);
int unit_ktopts(void);
int unit_output(void);
int unit_plan(void);
int unit_quote(void);
int unit_refusal(void);
int unit_report(void);
int unit_scan(void);
int unit_spn(void);
int unit_status(void);
int unit_wire(void);

#endif
