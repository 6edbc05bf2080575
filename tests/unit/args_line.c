/*
 * args: the words of a batch line, the / spelling of the switches, -T
 * with -F, --value-range and --verify.  The command line's other rules:
 * args.c.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "argv.h"

/* ------------------------------------------------------------------ */
/* args_parse_line                                                     */

/* Parses the NULL-terminated words of one batch line. */
static char *parse_line(struct request *q, ...)
{
    static char *argv[MAXARGS + 1];
    va_list ap;
    int argc = 0;
    const char *a;

    va_start(ap, q);
    while ((a = va_arg(ap, const char *)) != NULL) {
        assert_true(argc < MAXARGS);
        argv[argc++] = (char *)a;
    }
    va_end(ap);
    argv[argc] = NULL;
    return args_parse_line(argc, argv, q);
}

#define line_ok(q, ...) \
    unit_expect_ok(#__VA_ARGS__, \
                   parse_line((q), __VA_ARGS__, (const char *)NULL))

#define NOT_IN_LINE(opt)                                                  \
    "option '" opt "' is not allowed in a batch line (give it on the "    \
    "command line)"

static void line_verbs(void **state)
{
    struct request q;

    (void)state;
    line_ok(&q, "-S", "HTTP/web01", "svc");
    assert_int_equal(q.verb, VERB_ADD_CHECK);
    assert_string_equal(q.spn, "HTTP/web01");
    assert_string_equal(q.account, "svc");
    assert_false(q.idempotent);
    assert_false(q.forest);
    assert_int_equal(q.kind, KIND_ANY);

    line_ok(&q, "-a", "HTTP/web01", "svc");
    assert_int_equal(q.verb, VERB_ADD);
    line_ok(&q, "-D", "HTTP/web01", "svc", "--idempotent");
    assert_int_equal(q.verb, VERB_DELETE);
    assert_true(q.idempotent);
    line_ok(&q, "-Q", "HTTP/*");
    assert_int_equal(q.verb, VERB_QUERY);
    assert_string_equal(q.spn, "HTTP/*");
    assert_null(q.account);
    line_ok(&q, "-r", "web01");
    assert_int_equal(q.verb, VERB_RESET);
    assert_string_equal(q.account, "web01");
    line_ok(&q, "-X", "-P");
    assert_int_equal(q.verb, VERB_SCAN);
    assert_true(q.no_progress);
    line_ok(&q, "web01");
    assert_int_equal(q.verb, VERB_LIST);
    assert_string_equal(q.account, "web01");
    line_ok(&q, "-L", "web01");
    assert_int_equal(q.verb, VERB_LIST);

    line_ok(&q, "-F", "-Q", "HTTP/*");
    assert_true(q.forest);
    line_ok(&q, "-T", "child", "-T", "", "-S", "HTTP/x", "svc");
    assert_int_equal(q.ndomains, 2);
    assert_string_equal(q.domains[0], "child");
    assert_string_equal(q.domains[1], "");
    line_ok(&q, "-C", "-L", "web01");
    assert_int_equal(q.kind, KIND_COMPUTER);
    line_ok(&q, "-u", "-S", "HTTP/x", "svc");
    assert_int_equal(q.kind, KIND_USER);
    line_ok(&q, "-U", "-P", "-S", "HTTP/x", "svc", "--idempotent");
    assert_int_equal(q.kind, KIND_USER);
    assert_true(q.no_progress);
    assert_true(q.idempotent);

    /* "/?" is not help in a batch line: an account name */
    line_ok(&q, "/?");
    assert_int_equal(q.verb, VERB_LIST);
    assert_string_equal(q.account, "/?");
    line_ok(&q, "-L", "--", "-odd");
    assert_string_equal(q.account, "-odd");
}

static void line_rejected(void **state)
{
    static const struct refusal cases[] = {
        { NOT_IN_LINE("-H"), { "-H", "ldap://dc1", "-L", "web01" } },
        { NOT_IN_LINE("-v"), { "-v", "-L", "web01" } },
        { NOT_IN_LINE("-h"), { "-h" } },
        { NOT_IN_LINE("-n"), { "-n", "-S", "HTTP/x", "svc" } },
        { NOT_IN_LINE("-Z"), { "-Z", "web01" } },
        { NOT_IN_LINE("--json"), { "--json", "-L", "web01" } },
        { NOT_IN_LINE("--uri=ldap://x"), { "--uri=ldap://x", "web01" } },
        { NOT_IN_LINE("--timeout"), { "--timeout", "5", "web01" } },
        { NOT_IN_LINE("--dry-run"), { "web01", "--dry-run" } },
        { NOT_IN_LINE("--batch"), { "--batch", "f" } },
        { NOT_IN_LINE("--help"), { "--help" } },
        { NOT_IN_LINE("--version"), { "--version" } },
        { NOT_IN_LINE("--stop-on-error"), { "--stop-on-error", "web01" } },
        { NOT_IN_LINE("--simple"), { "--simple", "web01" } },
        { NOT_IN_LINE("--keytab"), { "--keytab", "k", "web01" } },
        { NOT_IN_LINE("--domain"), { "--domain", "d", "web01" } },
        { NOT_IN_LINE("--idempotent=1"), { "--idempotent=1", "web01" } },
        /* a control character is quoted */
        { NOT_IN_LINE("--\\x1b"), { "--\x1b", "web01" } },
        /* the request's own checks still apply */
        { "-S needs an SPN and an account", { "-S", "HTTP/x" } },
        { "-S and -X cannot be combined", { "-S", "-X" } },
        { "unexpected argument 'c'", { "-L", "b", "c" } },
        { "-F applies only to -S, -A, -Q, -X and --verify", { "-F", "-L", "web01" } },
        { "no account given", { "-P" } },
    };

    (void)state;
    check_line_refusals(cases, NCASES(cases));
}

static void line_empty(void **state)
{
    struct request q;
    char *argv[] = { NULL };
    char *err;

    (void)state;
    err = args_parse_line(0, argv, &q);
    assert_non_null(err);
    assert_string_equal(err, "no command");
    free(err);
}

/* --------------------------------------------------------- / switches */

static char *parse_argv(struct options *o, int argc, const char *const *argv)
{
    return args_parse(argc, (char *const *)argv, o);
}

static void args_slash_switches(void **state)
{
    struct options o;
    const char *a1[] = { "setspn", "/L", "WEB01" };
    const char *a2[] = { "setspn", "/q", "HTTP/x" };
    const char *a3[] = { "setspn", "/x", "/f" };
    const char *a4[] = { "setspn", "/?" };
    const char *a5[] = { "setspn", "/L" };
    const char *a6[] = { "setspn", "-L", "--", "/L" };
    const char *a7[] = { "setspn", "/S", "HTTP/x", "/C", "WEB01" };
    char *err;

    (void)state;
    assert_null(parse_argv(&o, 3, a1));
    assert_int_equal(o.req.verb, VERB_LIST);
    assert_string_equal(o.req.account, "WEB01");
    assert_null(parse_argv(&o, 3, a2));
    assert_int_equal(o.req.verb, VERB_QUERY);
    assert_string_equal(o.req.spn, "HTTP/x");
    assert_null(parse_argv(&o, 3, a3));
    assert_int_equal(o.req.verb, VERB_SCAN);
    assert_true(o.req.forest);
    assert_null(parse_argv(&o, 2, a4));
    assert_true(o.help);
    err = parse_argv(&o, 2, a5);
    assert_non_null(err);
    assert_non_null(strstr(err, "-L needs an account"));
    free(err);
    assert_null(parse_argv(&o, 4, a6));
    assert_string_equal(o.req.account, "/L");
    assert_null(parse_argv(&o, 5, a7));
    assert_int_equal(o.req.verb, VERB_ADD_CHECK);
    assert_int_equal(o.req.kind, KIND_COMPUTER);
}

static void args_slash_not_a_switch(void **state)
{
    struct options o;
    const char *a1[] = { "setspn", "-L", "/Z" };  /* no Setspn letter */
    const char *a2[] = { "setspn", "-L", "/LL" }; /* two letters */

    (void)state;
    assert_null(parse_argv(&o, 3, a1));
    assert_string_equal(o.req.account, "/Z");
    assert_null(parse_argv(&o, 3, a2));
    assert_string_equal(o.req.account, "/LL");
}

static void args_slash_in_batch_line(void **state)
{
    struct request q;
    const char *a[] = { "/D", "HTTP/x", "WEB01" };
    char *err = args_parse_line(3, (char *const *)a, &q);

    (void)state;
    assert_null(err);
    assert_int_equal(q.verb, VERB_DELETE);
}

static void args_t_with_f(void **state)
{
    struct options o;
    const char *a[] = { "setspn", "-T", "example.com", "-F", "-Q",
                        "MSSQLSvc/host*" };
    const char *b[] = { "setspn", "/T", "a.test", "/T", "", "/F", "/X" };

    (void)state;
    assert_null(parse_argv(&o, 6, a));
    assert_true(o.req.forest);
    assert_int_equal(o.req.ndomains, 1);
    assert_string_equal(o.req.domains[0], "example.com");
    assert_int_equal(o.req.verb, VERB_QUERY);
    assert_null(parse_argv(&o, 7, b));
    assert_int_equal(o.req.ndomains, 2);
    assert_int_equal(o.req.verb, VERB_SCAN);
}

static void args_value_range(void **state)
{
    struct options o;
    const char *a[] = { "setspn", "--value-range", "2", "-L", "W" };
    const char *b[] = { "setspn", "--value-range=0", "-L", "W" };
    const char *c[] = { "setspn", "-L", "W" };
    char *err;

    (void)state;
    assert_null(parse_argv(&o, 5, a));
    assert_int_equal(o.value_range, 2);
    err = parse_argv(&o, 4, b);
    assert_non_null(err);
    free(err);
    assert_null(parse_argv(&o, 3, c));
    assert_int_equal(o.value_range, 0);
}

/* --verify SPN [ACCOUNT], its --service-keytab, on the command line and
 * in a batch line. */
static void args_verify(void **state)
{
    static const struct refusal refused[] = {
        { "--verify needs an SPN", { "--verify" } },
        { "unexpected argument 'c'", { "--verify", "a/b", "x", "c" } },
        { "-S and --verify cannot be combined",
          { "-S", "--verify", "a/b", "x" } },
        { "--verify and -Q cannot be combined", { "--verify", "-Q", "a/b" } },
        { "--service-keytab applies only to --verify",
          { "--service-keytab", "/k", "-L", "x" } },
        { "-C applies only to switches that take an account",
          { "-C", "--verify", "a/b" } },
        { "--verify takes no value", { "--verify=a/b" } },
        { "--service-keytab needs a value", { "--verify", "a/b",
                                              "--service-keytab" } },
    };
    static const struct refusal line_refused[] = {
        { "--verify needs an SPN", { "--verify" } },
        { "--service-keytab applies only to --verify",
          { "--service-keytab=/k", "-Q", "a/b" } },
        { "option '--service-keytabs' is not allowed in a batch line (give "
          "it on the command line)", { "--service-keytabs", "--verify",
                                       "a/b" } },
    };
    struct options o;
    struct request q;

    (void)state;
    parse_ok(&o, "--verify", "SMTPSVC/mail.spn.test", "EXCH01");
    assert_int_equal(o.req.verb, VERB_VERIFY);
    assert_string_equal(o.req.spn, "SMTPSVC/mail.spn.test");
    assert_string_equal(o.req.account, "EXCH01");
    assert_null(o.req.service_keytab);
    parse_ok(&o, "--verify", "HTTP/x", "--service-keytab", "/k", "-F");
    assert_int_equal(o.req.verb, VERB_VERIFY);
    assert_string_equal(o.req.spn, "HTTP/x");
    assert_null(o.req.account);
    assert_string_equal(o.req.service_keytab, "/k");
    assert_true(o.req.forest);
    parse_ok(&o, "-T", "spn.test", "-C", "--verify", "HTTP/x", "web01");
    assert_int_equal(o.req.kind, KIND_COMPUTER);
    assert_int_equal(o.req.ndomains, 1);
    check_refusals(refused, NCASES(refused));

    line_ok(&q, "--verify", "HTTP/x", "web01", "--service-keytab=/k");
    assert_int_equal(q.verb, VERB_VERIFY);
    assert_string_equal(q.account, "web01");
    assert_string_equal(q.service_keytab, "/k");
    line_ok(&q, "-F", "--verify", "HTTP/x", "--service-keytab", "/k");
    assert_true(q.forest);
    assert_string_equal(q.service_keytab, "/k");
    check_line_refusals(line_refused, NCASES(line_refused));
}

int unit_args_line(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(line_verbs),
        cmocka_unit_test(line_rejected),
        cmocka_unit_test(line_empty),
        cmocka_unit_test(args_slash_switches),
        cmocka_unit_test(args_slash_not_a_switch),
        cmocka_unit_test(args_slash_in_batch_line),
        cmocka_unit_test(args_t_with_f),
        cmocka_unit_test(args_value_range),
        cmocka_unit_test(args_verify),
    };

    return cmocka_run_group_tests_name("args_line", tests, NULL, NULL);
}
