/*
 * batch: splitting batch lines into words as a POSIX shell would (with no
 * expansion), checking each command, and reading a batch file.
 */
#include "unit.h"

#include <stdlib.h>

#include <unistd.h>

#include <jansson.h>

#include "batch.h"
#include "report.h"

/* A line and the words it splits into (none: a blank or comment line). */
struct split_case {
    const char *line;
    const char *words[16]; /* NULL-terminated */
};

struct split_error {
    const char *line, *want;
};

/* Splits line and checks the words: want is NULL-terminated. */
static void check_split_v(const char *line, const char *const *want)
{
    char **argv = (char **)&argv; /* not NULL: batch_split must set it */
    int argc = -1, n = 0;
    const char *why = batch_split(line, &argv, &argc);

    if (why != NULL)
        fail_msg("line \"%s\" refused: %s", line, why);
    while (want[n] != NULL)
        n++;
    assert_non_null(argv);
    if (argc != n) {
        print_error("line \"%s\": %d words, expected %d\n", line, argc, n);
        for (int i = 0; i < argc; i++)
            print_error("  [%d] \"%s\"\n", i, argv[i]);
        batch_free_words(argv, argc);
        fail();
    }
    for (int i = 0; i < n; i++) {
        assert_non_null(argv[i]);
        if (strcmp(argv[i], want[i]) != 0) {
            print_error("line \"%s\": word %d is \"%s\", expected \"%s\"\n",
                        line, i, argv[i], want[i]);
            batch_free_words(argv, argc);
            fail();
        }
    }
    assert_null(argv[n]); /* NULL-terminated, as an argv */
    batch_free_words(argv, argc);
}

static void check_splits(const struct split_case *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        check_split_v(c[i].line, c[i].words);
}

static void check_split_errors(const struct split_error *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char **argv = (char **)&argv;
        int argc = -1;
        const char *why = batch_split(c[i].line, &argv, &argc);

        if (why == NULL) {
            print_error("line \"%s\" accepted (%d words), expected \"%s\"\n",
                        c[i].line, argc, c[i].want);
            batch_free_words(argv, argc);
            fail();
        }
        unit_same(c[i].line, why, c[i].want);
        assert_null(argv);
        assert_int_equal(argc, 0);
    }
}

static void batch_plain_words(void **state)
{
    static const struct split_case cases[] = {
        { "-S HTTP/web01.spn.test svc",
          { "-S", "HTTP/web01.spn.test", "svc" } },
        { "web01", { "web01" } },
        { "-L web01\n", { "-L", "web01" } },
        { "  \t-L\t\t web01   \t", { "-L", "web01" } },
        { "a  b   c", { "a", "b", "c" } },
        /* no expansion of any kind */
        { "$HOME ~ * ?x [ab] `id` $(id) a;b a|b a&b a>b",
          { "$HOME", "~", "*", "?x", "[ab]", "`id`", "$(id)", "a;b", "a|b",
            "a&b", "a>b" } },
        /* bytes beyond ASCII pass through */
        { "-S HTTP/b\xc3\xbc" "cher svc",
          { "-S", "HTTP/b\xc3\xbc" "cher", "svc" } },
    };

    (void)state;
    check_splits(cases, NCASES(cases));
}

static void batch_single_quotes(void **state)
{
    static const struct split_case cases[] = {
        { "'a b' c", { "a b", "c" } },
        { "x 'a  \t b'", { "x", "a  \t b" } },
        /* nothing escapes inside single quotes */
        { "'a\\b'", { "a\\b" } },
        { "'a\\'", { "a\\" } },
        { "'a\"b'", { "a\"b" } },
        { "'$x `y` \\\\'", { "$x `y` \\\\" } },
        { "'#not a comment'", { "#not a comment" } },
        { "'-S' 'HTTP/web 01' 'svc'", { "-S", "HTTP/web 01", "svc" } },
    };

    (void)state;
    check_splits(cases, NCASES(cases));
}

static void batch_double_quotes(void **state)
{
    static const struct split_case cases[] = {
        { "\"a b\" c", { "a b", "c" } },
        { "\"a\\\"b\"", { "a\"b" } },
        { "\"a\\\\b\"", { "a\\b" } },
        { "\"\\$HOME\"", { "$HOME" } },
        { "\"\\`id\\`\"", { "`id`" } },
        /* a backslash before any other character stays */
        { "\"a\\nb\"", { "a\\nb" } },
        { "\"C:\\Users\\x\"", { "C:\\Users\\x" } },
        { "\"\\'\"", { "\\'" } },
        { "\"\\ \"", { "\\ " } },
        { "\"\\#\"", { "\\#" } },
        /* "\\" then the closing quote */
        { "\"a\\\\\" b", { "a\\", "b" } },
        /* single quotes and '#' are ordinary inside double quotes */
        { "\"it's\"", { "it's" } },
        { "\"#x\" y", { "#x", "y" } },
        { "\"$x\"", { "$x" } },
    };

    (void)state;
    check_splits(cases, NCASES(cases));
}

static void batch_backslash(void **state)
{
    static const struct split_case cases[] = {
        { "a\\ b c", { "a b", "c" } },
        { "\\#x", { "#x" } },
        { "a \\#x y", { "a", "#x", "y" } },
        { "\\\\", { "\\" } },
        { "\\'x\\'", { "'x'" } },
        { "\\\"x", { "\"x" } },
        { "\\n", { "n" } },
        { "a\\\tb", { "a\tb" } },
        { "\\ ", { " " } },
    };

    (void)state;
    check_splits(cases, NCASES(cases));
}

static void batch_joined_parts(void **state)
{
    static const struct split_case cases[] = {
        { "a'b'\"c\"", { "abc" } },
        { "'a'\"b\"c d", { "abc", "d" } },
        { "HTTP/'web 01'\":8080\" svc", { "HTTP/web 01:8080", "svc" } },
        { "x\\ 'y z'\"!\"", { "x y z!" } },
    };

    (void)state;
    check_splits(cases, NCASES(cases));
}

static void batch_empty_words(void **state)
{
    static const struct split_case cases[] = {
        { "''", { "" } },
        { "\"\"", { "" } },
        { "'' x", { "", "x" } },
        { "a ''", { "a", "" } },
        { "a '' \"\" b", { "a", "", "", "b" } },
        { "''\"\"", { "" } },
        /* an empty quoted part starts a word: '#' after it is no comment */
        { "''#x", { "#x" } },
    };

    (void)state;
    check_splits(cases, NCASES(cases));
}

static void batch_comments(void **state)
{
    static const struct split_case cases[] = {
        { "a#b", { "a#b" } },
        { "a#b c", { "a#b", "c" } },
        { "a #b c", { "a" } },
        { "a\t#b", { "a" } },
        { "-L web01 # list 'it", { "-L", "web01" } },
        { "-L web01 #\"", { "-L", "web01" } },
        { "x# y", { "x#", "y" } },
        { "#", { NULL } },
        { "# a comment", { NULL } },
        { "   # indented 'comment\n", { NULL } },
        { "\t#\\", { NULL } },
    };

    (void)state;
    check_splits(cases, NCASES(cases));
}

static void batch_blank(void **state)
{
    static const struct split_case cases[] = {
        { "", { NULL } },
        { " ", { NULL } },
        { " \t  \t", { NULL } },
        { "\n", { NULL } },
        { "\r\n", { NULL } },
        { "  \r\n", { NULL } },
    };

    (void)state;
    check_splits(cases, NCASES(cases));
}

static void batch_crlf(void **state)
{
    static const struct split_case cases[] = {
        { "-L web01\r\n", { "-L", "web01" } },
        { "-S 'HTTP/a b' svc\r\n", { "-S", "HTTP/a b", "svc" } },
        { "-S \"HTTP/a\" svc\r\n", { "-S", "HTTP/a", "svc" } },
        { "a # c\r\n", { "a" } },
    };

    (void)state;
    check_splits(cases, NCASES(cases));
}

static void batch_errors(void **state)
{
    static const struct split_error cases[] = {
        { "'abc", "unterminated single quote" },
        { "a 'b c", "unterminated single quote" },
        { "'", "unterminated single quote" },
        { "x 'abc\n", "unterminated single quote" },
        { "'a\\'b'", "unterminated single quote" },
        { "\"abc", "unterminated double quote" },
        { "\"", "unterminated double quote" },
        { "\"a\\\"", "unterminated double quote" },
        { "a \"b c\n", "unterminated double quote" },
        { "\"abc\\", "unterminated double quote" },
        { "abc\\", "a backslash ends the line" },
        { "\\", "a backslash ends the line" },
        { "-L web01 \\", "a backslash ends the line" },
        /* the first problem wins */
        { "'a' \"b", "unterminated double quote" },
    };

    (void)state;
    check_split_errors(cases, NCASES(cases));
}

/* A line as getline() hands it over keeps its newline: a backslash just
 * before it still ends the line (a shell would continue the command on
 * the next line, which a batch line cannot do). */
static void batch_backslash_newline(void **state)
{
    static const struct split_error cases[] = {
        { "-L web01 \\\n", "a backslash ends the line" },
        { "-L web01\\\n", "a backslash ends the line" },
        { "-L web01 \\\r\n", "a backslash ends the line" },
    };

    (void)state;
    check_split_errors(cases, NCASES(cases));
}

static void batch_free_null(void **state)
{
    (void)state;
    batch_free_words(NULL, 0);
}

/* ------------------------------------------------------------------ */
/* batch_check_job                                                     */

/* Checks the command of words (a batch line's). */
static char *check_words(struct job *j, const char *const *words)
{
    int argc = 0;
    char *err;

    memset(j, 0, sizeof(*j));
    while (words[argc] != NULL)
        argc++;
    err = args_parse_line(argc, (char *const *)words, &j->q);
    if (err != NULL)
        fail_msg("%s: %s", words[0], err);
    return batch_check_job(j);
}

static void batch_check_jobs(void **state)
{
    static const struct {
        const char *words[8];
        const char *want; /* NULL: accepted */
    } cases[] = {
        { { "-S", "HTTP/web01", "svc" }, NULL },
        { { "-Q", "HTTP/*" }, NULL },
        { { "-D", "odd value", "svc" }, NULL },
        { { "-T", "", "-T", "spn.test", "-X" }, NULL },
        { { "-L", "SPN\\WEB01$" }, NULL },
        /* a write is checked as a write, a lookup as a lookup */
        { { "-S", "HTTP/*", "svc" },
          "invalid SPN 'HTTP/*': contains '*' (wildcards are for -Q only)" },
        { { "-A", "HTTP", "svc" },
          "invalid SPN 'HTTP': no '/': expected service/host[:port][/name]" },
        { { "-Q", "a\tb" },
          "invalid SPN 'a\\x09b': contains a control character" },
        { { "-T", "spn\ttest", "-X" },
          "invalid domain 'spn\\x09test' for -T: contains a control "
          "character" },
        { { "-L", "a\\b\\c" },
          "invalid account 'a\\x5cb\\x5cc': more than one '\\'" },
        /* the SPN first, then the domains, then the account */
        { { "-T", "\x01", "-S", "HTTP", "a\\b\\c" }, "invalid SPN 'HTTP'" },
        { { "-T", "\x01", "-S", "HTTP/x", "a\\b\\c" }, "invalid domain" },
    };

    (void)state;
    for (size_t i = 0; i < NCASES(cases); i++) {
        struct job j;
        char *err = check_words(&j, cases[i].words);
        char what[32];

        snprintf(what, sizeof(what), "case #%zu", i);
        if (cases[i].want == NULL) {
            unit_expect_ok(what, err);
        } else {
            bool ok = err != NULL && strncmp(err, cases[i].want,
                                             strlen(cases[i].want)) == 0;

            if (!ok)
                print_error("%s: \"%s\", expected \"%s...\"\n", what,
                            err ? err : "(accepted)", cases[i].want);
            free(err);
            if (!ok)
                fail();
            /* nothing parsed is left behind */
            assert_null(j.ref.name);
        }
        account_ref_free(&j.ref);
    }
}

/* The account is parsed into the job. */
static void batch_check_job_ref(void **state)
{
    static const char *const words[] = { "-C", "-S", "HTTP/x", "SPN\\WEB01$",
                                         NULL };
    struct job j;

    (void)state;
    unit_expect_ok("-S", check_words(&j, words));
    assert_int_equal(j.ref.form, ACCOUNT_NAME);
    assert_string_equal(j.ref.domain, "SPN");
    assert_string_equal(j.ref.name, "WEB01$");
    assert_true(j.ref.dollar);
    assert_int_equal(j.q.kind, KIND_COMPUTER);
    account_ref_free(&j.ref);
}

/* ------------------------------------------------------------------ */
/* batch_read                                                          */

/* A batch file holding text (len bytes), in a temporary directory. */
static char *batch_file(const char *text, size_t len)
{
    char *path = strdup("/tmp/setspn-unit-batch.XXXXXX");
    int fd;

    assert_non_null(path);
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    assert_int_equal(close(fd), 0);
    return path;
}

struct read_call {
    const char *path;
    bool idempotent;
    struct job *jobs;
    size_t njobs;
    enum status st;
};

static void read_batch(void *ctx)
{
    struct read_call *r = ctx;

    r->st = batch_read(r->path, r->idempotent, &r->jobs, &r->njobs);
}

static void batch_read_good(void **state)
{
    static const char text[] =
        "# a batch\n"
        "-S HTTP/web01 svc\n"
        "\n"
        "   \t\n"
        "-D 'HTTP/web 01' svc --idempotent  # a comment\r\n"
        "-Q HTTP/*\n"
        "-L web01"; /* no newline at the end */
    char *path = batch_file(text, strlen(text));
    struct read_call r = { .path = path, .idempotent = false };
    char *err;

    (void)state;
    report_init(false, false);
    err = unit_capture(STDERR_FILENO, read_batch, &r);
    unlink(path);
    free(path);
    assert_string_equal(err, "");
    free(err);
    assert_int_equal(r.st, ST_OK);
    assert_int_equal(r.njobs, 4);
    assert_int_equal(r.jobs[0].line, 2);
    assert_int_equal(r.jobs[0].q.verb, VERB_ADD_CHECK);
    assert_string_equal(r.jobs[0].q.spn, "HTTP/web01");
    assert_string_equal(r.jobs[0].ref.name, "svc");
    assert_false(r.jobs[0].q.idempotent);
    assert_int_equal(r.jobs[1].line, 5);
    assert_int_equal(r.jobs[1].q.verb, VERB_DELETE);
    assert_string_equal(r.jobs[1].q.spn, "HTTP/web 01");
    assert_true(r.jobs[1].q.idempotent);
    assert_int_equal(r.jobs[2].line, 6);
    assert_int_equal(r.jobs[2].q.verb, VERB_QUERY);
    assert_null(r.jobs[2].ref.name);
    assert_int_equal(r.jobs[3].line, 7);
    assert_int_equal(r.jobs[3].q.verb, VERB_LIST);
    assert_string_equal(r.jobs[3].q.account, "web01");
    batch_jobs_free(r.jobs, r.njobs);
}

/* --idempotent on the command line holds for every line. */
static void batch_read_idempotent(void **state)
{
    static const char text[] = "-S HTTP/a svc\n-D HTTP/b svc\n";
    char *path = batch_file(text, strlen(text));
    struct read_call r = { .path = path, .idempotent = true };
    char *err;

    (void)state;
    report_init(false, false);
    err = unit_capture(STDERR_FILENO, read_batch, &r);
    unlink(path);
    free(path);
    assert_string_equal(err, "");
    free(err);
    assert_int_equal(r.st, ST_OK);
    assert_int_equal(r.njobs, 2);
    assert_true(r.jobs[0].q.idempotent);
    assert_true(r.jobs[1].q.idempotent);
    batch_jobs_free(r.jobs, r.njobs);
}

/* Every bad line is reported (stderr, and an operation of its own in the
 * JSON document), and then nothing runs. */
static void batch_read_bad_lines(void **state)
{
    static const char text[] =
        "-S HTTP/web01 svc\n"
        "-S 'HTTP/web01 svc\n"
        "-L web01 -v\n"
        "-S HTTP/* svc\n"
        "-L a\0b\n"
        "-L fine\n";
    char *path = batch_file(text, sizeof(text) - 1);
    struct read_call r = { .path = path };
    char *err;
    json_t *doc, *ops;
    static const struct {
        int line;
        const char *error;
    } want[] = {
        { 2, "batch line 2: unterminated single quote" },
        { 3, "batch line 3: option '-v' is not allowed in a batch line "
             "(give it on the command line)" },
        { 4, "batch line 4: invalid SPN 'HTTP/*': contains '*' (wildcards "
             "are for -Q only)" },
        { 5, "batch line 5: contains a NUL byte" },
    };

    (void)state;
    report_init(true, false);
    err = unit_capture(STDERR_FILENO, read_batch, &r);
    unlink(path);
    free(path);
    assert_int_equal(r.st, ST_INVALID);
    assert_null(r.jobs);
    assert_int_equal(r.njobs, 0);
    /* on stderr, one line each */
    for (size_t i = 0; i < NCASES(want); i++) {
        char line[256];

        snprintf(line, sizeof(line), "setspn: %s\n", want[i].error);
        if (strstr(err, line) == NULL)
            fail_msg("stderr lacks \"%s\":\n%s", want[i].error, err);
    }
    free(err);

    /* in the document, an operation each */
    doc = unit_finish_json(2);
    ops = json_object_get(doc, "operations");
    assert_true(json_is_array(ops));
    assert_int_equal(json_array_size(ops), NCASES(want));
    for (size_t i = 0; i < NCASES(want); i++) {
        json_t *op = json_array_get(ops, i);

        assert_string_equal(json_string_value(json_object_get(op, "verb")),
                            "none");
        assert_int_equal(json_integer_value(json_object_get(op, "line")),
                         want[i].line);
        assert_string_equal(json_string_value(json_object_get(op, "status")),
                            "invalid");
        unit_same("error", json_string_value(json_object_get(op, "error")),
                  want[i].error);
    }
    json_decref(doc);
}

/* A file that cannot be read is a usage error. */
static void batch_read_missing(void **state)
{
    struct read_call r = { .path = "/nonexistent/setspn-unit.batch" };
    char *err;

    (void)state;
    report_init(false, false);
    err = unit_capture(STDERR_FILENO, read_batch, &r);
    assert_int_equal(r.st, ST_INVALID);
    assert_null(r.jobs);
    assert_int_equal(r.njobs, 0);
    assert_non_null(strstr(err, "setspn: cannot read batch file "
                                "/nonexistent/setspn-unit.batch: "));
    free(err);
}

int unit_batch(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(batch_plain_words),
        cmocka_unit_test(batch_single_quotes),
        cmocka_unit_test(batch_double_quotes),
        cmocka_unit_test(batch_backslash),
        cmocka_unit_test(batch_joined_parts),
        cmocka_unit_test(batch_empty_words),
        cmocka_unit_test(batch_comments),
        cmocka_unit_test(batch_blank),
        cmocka_unit_test(batch_crlf),
        cmocka_unit_test(batch_errors),
        cmocka_unit_test(batch_backslash_newline),
        cmocka_unit_test(batch_free_null),
        cmocka_unit_test(batch_check_jobs),
        cmocka_unit_test(batch_check_job_ref),
        cmocka_unit_test(batch_read_good),
        cmocka_unit_test(batch_read_idempotent),
        cmocka_unit_test(batch_read_bad_lines),
        cmocka_unit_test(batch_read_missing),
    };

    return cmocka_run_group_tests_name("batch", tests, NULL, NULL);
}
