/*
 * Unit tests of the pure modules, one file and one cmocka group per
 * module (tests/unit/<module>.c), all run by this main: each group prints
 * its own "[  PASSED  ] N test(s)." line, which tests/run.sh adds up.
 *
 * Build and run: make tests/unit && ./tests/unit-tests
 * Only some tests: UNIT_FILTER='args_*' ./tests/unit-tests
 */
#include "unit.h"

#include <stdlib.h>

#include <unistd.h>

char *unit_repeat(char c, size_t n)
{
    char *s = malloc(n + 1);

    assert_non_null(s);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

void unit_expect_ok(const char *what, char *err)
{
    bool ok = err == NULL;

    if (!ok)
        print_error("%s: unexpected error: %s\n", what, err);
    free(err);
    if (!ok)
        fail();
}

void unit_expect_err(const char *what, char *err, const char *want)
{
    bool same;

    if (err == NULL)
        fail_msg("%s: accepted, expected \"%s\"", what, want);
    same = strcmp(err, want) == 0;
    if (!same)
        print_error("%s:\ngot      \"%s\"\nexpected \"%s\"\n", what, err,
                    want);
    free(err);
    if (!same)
        fail();
}

void unit_same(const char *what, const char *got, const char *want)
{
    if (got == NULL)
        fail_msg("%s: NULL, expected \"%s\"", what, want);
    if (strcmp(got, want) != 0) {
        print_error("%s:\ngot      \"%s\"\nexpected \"%s\"\n", what, got,
                    want);
        fail();
    }
}

/* Everything written to tmp, malloc'd; closes tmp. */
static char *read_all(FILE *tmp)
{
    long len;
    char *buf;

    assert_int_equal(fseek(tmp, 0, SEEK_END), 0);
    len = ftell(tmp);
    assert_true(len >= 0);
    rewind(tmp);
    buf = malloc((size_t)len + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)len, tmp), (size_t)len);
    buf[len] = '\0';
    fclose(tmp);
    return buf;
}

void unit_capture_both(void (*fn)(void *ctx), void *ctx, char **out,
                       char **err)
{
    FILE *tmp_out = tmpfile(), *tmp_err = tmpfile();
    int saved_out, saved_err;

    assert_non_null(tmp_out);
    assert_non_null(tmp_err);
    assert_int_equal(fflush(stdout), 0);
    assert_int_equal(fflush(stderr), 0);
    saved_out = dup(STDOUT_FILENO);
    assert_true(saved_out >= 0);
    saved_err = dup(STDERR_FILENO);
    assert_true(saved_err >= 0);
    assert_true(dup2(fileno(tmp_out), STDOUT_FILENO) >= 0);
    if (dup2(fileno(tmp_err), STDERR_FILENO) < 0) {
        dup2(saved_out, STDOUT_FILENO);
        fail_msg("dup2 of stderr failed");
    }
    /* nothing between the dup2s may fail */
    fn(ctx);
    fflush(stdout);
    fflush(stderr);
    dup2(saved_out, STDOUT_FILENO);
    dup2(saved_err, STDERR_FILENO);
    close(saved_out);
    close(saved_err);
    *out = read_all(tmp_out);
    *err = read_all(tmp_err);
}

char *unit_capture(int fd, void (*fn)(void *ctx), void *ctx)
{
    char *out, *err;

    assert_true(fd == STDOUT_FILENO || fd == STDERR_FILENO);
    unit_capture_both(fn, ctx, &out, &err);
    if (fd == STDOUT_FILENO) {
        /* what went to stderr is shown, not lost */
        fputs(err, stderr);
        free(err);
        return out;
    }
    fputs(out, stdout);
    free(out);
    return err;
}

void unit_mem_open(struct unit_mem *m)
{
    m->buf = NULL;
    m->len = 0;
    m->f = open_memstream(&m->buf, &m->len);
    assert_non_null(m->f);
}

char *unit_mem_text(struct unit_mem *m)
{
    assert_int_equal(fclose(m->f), 0);
    m->f = NULL;
    assert_non_null(m->buf);
    assert_int_equal(m->len, strlen(m->buf));
    return m->buf;
}

int main(void)
{
    static int (*const groups[])(void) = {
        unit_spn,     unit_quote,     unit_account, unit_filter,
        unit_args,    unit_args_line, unit_status,  unit_output,
        unit_scan,    unit_batch,     unit_discover, unit_netlogon, unit_report,
        unit_entry,   unit_plan,      unit_wire,    unit_creds,
        unit_fold,    unit_fixcmd,    unit_args_conn, unit_bounded,
        unit_keytab,  unit_ktopts, unit_refusal,
    };
    const char *filter = getenv("UNIT_FILTER");
    int failed = 0;

    if (filter != NULL && *filter != '\0')
        cmocka_set_test_filter(filter);
    for (size_t i = 0; i < NCASES(groups); i++)
        failed += groups[i]();
    return failed > 0;
}
