/*
 * args: the command line (Setspn.exe's switches, the Unix options).
 * The words of a batch line, / switches and --verify: args_line.c.
 */
#include "unit.h"

#include <stdlib.h>

#include "args.h"
#include "argv.h"

/* Parses "setspn" followed by the NULL-terminated arguments. */
char *argv_parse(struct options *o, ...)
{
    static char *argv[MAXARGS + 2];
    va_list ap;
    int argc = 0;
    const char *a;

    argv[argc++] = (char *)"setspn";
    va_start(ap, o);
    while ((a = va_arg(ap, const char *)) != NULL) {
        assert_true(argc <= MAXARGS);
        argv[argc++] = (char *)a;
    }
    va_end(ap);
    argv[argc] = NULL;
    return args_parse(argc, argv, o);
}

/* "setspn" and the case's arguments, for args_parse, and the command line
 * as text, to name the case. */
int refusal_argv(const struct refusal *c, bool with_name,
                        char **argv, char *what, size_t whatlen)
{
    int argc = 0;
    size_t o = 0;

    if (with_name)
        argv[argc++] = (char *)"setspn";
    for (size_t k = 0; k < NCASES(c->args) && c->args[k] != NULL; k++)
        argv[argc++] = (char *)c->args[k];
    argv[argc] = NULL;
    what[0] = '\0';
    for (int k = 0; k < argc && o + 1 < whatlen; k++) {
        int w = snprintf(what + o, whatlen - o, "%s%s", k ? " " : "",
                         argv[k]);

        if (w < 0)
            break;
        o += (size_t)w;
    }
    return argc;
}

void check_refusals(const struct refusal *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *argv[NCASES(c->args) + 2];
        char what[256];
        struct options o;
        int argc = refusal_argv(&c[i], true, argv, what, sizeof(what));

        unit_expect_err(what, args_parse(argc, argv, &o), c[i].want);
    }
}

/* The same for the words of a batch line. */
void check_line_refusals(const struct refusal *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *argv[NCASES(c->args) + 1];
        char what[256];
        struct request q;
        int argc = refusal_argv(&c[i], false, argv, what, sizeof(what));

        unit_expect_err(what, args_parse_line(argc, argv, &q), c[i].want);
    }
}

static void args_defaults(void **state)
{
    struct options o;

    (void)state;
    parse_ok(&o, "web01");
    assert_int_equal(o.req.verb, VERB_LIST);
    assert_string_equal(o.req.account, "web01");
    assert_null(o.req.spn);
    assert_int_equal(o.req.kind, KIND_ANY);
    assert_false(o.req.forest);
    assert_int_equal(o.req.ndomains, 0);
    assert_false(o.req.no_progress);
    assert_null(o.uri);
    assert_int_equal(o.timeout, DEFAULT_TIMEOUT);
    assert_int_equal(o.timeout, 10);
    assert_int_equal(o.page_size, DEFAULT_PAGE_SIZE);
    assert_int_equal(o.page_size, 1000);
    assert_false(o.verbose);
    assert_false(o.help);
    assert_false(o.version);
    assert_false(o.empty);
}

static void args_empty(void **state)
{
    struct options o;
    char *argv[] = { (char *)"setspn", NULL };

    (void)state;
    assert_null(args_parse(1, argv, &o));
    assert_true(o.empty);
    assert_false(o.help);
    assert_int_equal(o.req.verb, VERB_NONE);
}

static void args_verbs(void **state)
{
    struct options o;

    (void)state;
    parse_ok(&o, "-L", "web01");
    assert_int_equal(o.req.verb, VERB_LIST);
    assert_string_equal(o.req.account, "web01");
    assert_null(o.req.spn);

    parse_ok(&o, "-S", "HTTP/web01", "svc");
    assert_int_equal(o.req.verb, VERB_ADD_CHECK);
    assert_string_equal(o.req.spn, "HTTP/web01");
    assert_string_equal(o.req.account, "svc");

    parse_ok(&o, "-A", "HTTP/web01", "svc");
    assert_int_equal(o.req.verb, VERB_ADD);
    assert_string_equal(o.req.spn, "HTTP/web01");
    assert_string_equal(o.req.account, "svc");

    parse_ok(&o, "-D", "HTTP/web01", "svc");
    assert_int_equal(o.req.verb, VERB_DELETE);
    assert_string_equal(o.req.spn, "HTTP/web01");
    assert_string_equal(o.req.account, "svc");

    parse_ok(&o, "-Q", "MSSQLSvc/*");
    assert_int_equal(o.req.verb, VERB_QUERY);
    assert_string_equal(o.req.spn, "MSSQLSvc/*");
    assert_null(o.req.account);

    parse_ok(&o, "-R", "web01");
    assert_int_equal(o.req.verb, VERB_RESET);
    assert_string_equal(o.req.account, "web01");
    assert_null(o.req.spn);

    parse_ok(&o, "-X");
    assert_int_equal(o.req.verb, VERB_SCAN);
    assert_null(o.req.account);
    assert_null(o.req.spn);
    assert_false(o.empty);

    /* switches may follow the positional arguments */
    parse_ok(&o, "HTTP/web01", "svc", "-S");
    assert_int_equal(o.req.verb, VERB_ADD_CHECK);
    assert_string_equal(o.req.spn, "HTTP/web01");
    assert_string_equal(o.req.account, "svc");

    /* the same verb twice is no conflict */
    parse_ok(&o, "-S", "-s", "HTTP/web01", "svc");
    assert_int_equal(o.req.verb, VERB_ADD_CHECK);
}

static void args_case_insensitive(void **state)
{
    static const struct {
        const char *sw;
        enum verb verb;
        int nargs;
    } v[] = {
        { "-l", VERB_LIST, 1 },   { "-s", VERB_ADD_CHECK, 2 },
        { "-a", VERB_ADD, 2 },    { "-d", VERB_DELETE, 2 },
        { "-q", VERB_QUERY, 1 },  { "-r", VERB_RESET, 1 },
        { "-x", VERB_SCAN, 0 },
    };
    struct options o;

    (void)state;
    for (size_t i = 0; i < NCASES(v); i++) {
        char *err;

        if (v[i].nargs == 0)
            err = argv_parse(&o, v[i].sw, (const char *)NULL);
        else if (v[i].nargs == 1)
            err = argv_parse(&o, v[i].sw, "one", (const char *)NULL);
        else
            err = argv_parse(&o, v[i].sw, "HTTP/one", "two", (const char *)NULL);
        if (err != NULL)
            fail_msg("%s: %s", v[i].sw, err);
        assert_int_equal(o.req.verb, v[i].verb);
    }

    parse_ok(&o, "-f", "-p", "-s", "HTTP/web01", "svc");
    assert_true(o.req.forest);
    assert_true(o.req.no_progress);
    parse_ok(&o, "-F", "-P", "-S", "HTTP/web01", "svc");
    assert_true(o.req.forest);
    assert_true(o.req.no_progress);

    parse_ok(&o, "-t", "spn.test", "-q", "HTTP/*");
    assert_int_equal(o.req.ndomains, 1);
    assert_string_equal(o.req.domains[0], "spn.test");

    parse_ok(&o, "-c", "-l", "web01");
    assert_int_equal(o.req.kind, KIND_COMPUTER);
    parse_ok(&o, "-C", "-L", "web01");
    assert_int_equal(o.req.kind, KIND_COMPUTER);
    parse_ok(&o, "-u", "-l", "web01");
    assert_int_equal(o.req.kind, KIND_USER);
    parse_ok(&o, "-U", "-L", "web01");
    assert_int_equal(o.req.kind, KIND_USER);
    /* the same kind twice is no conflict */
    parse_ok(&o, "-c", "-C", "-L", "web01");
    assert_int_equal(o.req.kind, KIND_COMPUTER);
}

static void args_help_version(void **state)
{
    static const struct refusal cases[] = {
        { "--help takes no value", { "--help=x" } },
        { "--version takes no value", { "--version=1" } },
        { "--verbose takes no value", { "--verbose=yes" } },
    };
    struct options o;

    (void)state;
    parse_ok(&o, "-h");
    assert_true(o.help);
    assert_false(o.empty);
    parse_ok(&o, "-?");
    assert_true(o.help);
    parse_ok(&o, "/?");
    assert_true(o.help);
    parse_ok(&o, "--help");
    assert_true(o.help);
    assert_false(o.version);

    /* help wins over an incomplete request */
    parse_ok(&o, "-S", "-?");
    assert_true(o.help);
    parse_ok(&o, "-X", "extra", "/?");
    assert_true(o.help);

    parse_ok(&o, "--version");
    assert_true(o.version);
    assert_false(o.help);

    check_refusals(cases, NCASES(cases));
}

static void args_verbose(void **state)
{
    static const struct refusal cases[] = {
        /* -V is not -v: Unix options are case-sensitive */
        { "unknown option '-V'", { "-V", "web01" } },
    };
    struct options o;

    (void)state;
    parse_ok(&o, "-v", "web01");
    assert_true(o.verbose);
    parse_ok(&o, "--verbose", "web01");
    assert_true(o.verbose);
    parse_ok(&o, "web01");
    assert_false(o.verbose);
    check_refusals(cases, NCASES(cases));
}

static void args_unknown(void **state)
{
    static const struct refusal cases[] = {
        { "unknown option '-SX' (one switch per argument)", { "-SX" } },
        { "unknown option '-Lv' (one switch per argument)",
          { "-Lv", "web01" } },
        { "unknown option '-Y'", { "-Y", "web01" } },
        { "unknown option '-1'", { "-1", "web01" } },
        { "unknown option '--frobnicate'", { "--frobnicate", "web01" } },
        { "unknown option '--Help'", { "--Help" } },
        { "unknown option '--uri2'", { "--uri2", "web01" } },
        /* a control character in a bad switch is quoted, not echoed */
        { "unknown option '--\\x1b[2J'", { "--\x1b[2J" } },
    };

    (void)state;
    check_refusals(cases, NCASES(cases));
}

/* An unknown long option with a value is still an unknown option: saying
 * it "takes no value" suggests that it exists. */
static void args_unknown_with_value(void **state)
{
    static const struct refusal cases[] = {
        { "unknown option '--frobnicate=1'", { "--frobnicate=1", "web01" } },
    };

    (void)state;
    check_refusals(cases, NCASES(cases));
}

static void args_conflicts(void **state)
{
    static const struct refusal cases[] = {
        { "-S and -X cannot be combined", { "-S", "-X" } },
        { "-S and -X cannot be combined", { "-s", "-x" } },
        { "-L and -D cannot be combined", { "-L", "-D", "a", "b" } },
        { "-Q and -R cannot be combined", { "-q", "-R", "x" } },
        { "-C and -U cannot be combined", { "-C", "-U", "web01" } },
        { "-C and -U cannot be combined", { "-u", "-c", "web01" } },
    };

    (void)state;
    check_refusals(cases, NCASES(cases));
}

static void args_scope(void **state)
{
    static const struct refusal cases[] = {
        { "-F applies only to -S, -A, -Q, -X and --verify", { "-F", "-L", "web01" } },
        { "-F applies only to -S, -A, -Q, -X and --verify", { "-F", "web01" } },
        { "-F applies only to -S, -A, -Q, -X and --verify",
          { "-F", "-D", "HTTP/web01", "web01" } },
        { "-F applies only to -S, -A, -Q, -X and --verify", { "-F", "-R", "web01" } },
        { "-T applies only to -S, -A, -Q, -X and --verify",
          { "-T", "x", "-L", "web01" } },
        { "-T applies only to -S, -A, -Q, -X and --verify",
          { "-T", "x", "-D", "HTTP/web01", "web01" } },
        { "-T applies only to -S, -A, -Q, -X and --verify",
          { "-T", "x", "-R", "web01" } },
        { "-T needs a domain (\"\" or * for the current one)",
          { "-X", "-T" } },
    };
    struct options o;

    (void)state;
    parse_ok(&o, "-F", "-Q", "HTTP/*");
    assert_true(o.req.forest);
    parse_ok(&o, "-F", "-X");
    assert_true(o.req.forest);
    parse_ok(&o, "-F", "-A", "HTTP/web01", "svc");
    assert_true(o.req.forest);

    parse_ok(&o, "-T", "spn.test", "-T", "", "-T", "*", "-S", "HTTP/web01",
             "svc");
    assert_int_equal(o.req.ndomains, 3);
    assert_string_equal(o.req.domains[0], "spn.test");
    assert_string_equal(o.req.domains[1], "");
    assert_string_equal(o.req.domains[2], "*");
    assert_false(o.req.forest);
    assert_string_equal(o.req.spn, "HTTP/web01");
    assert_string_equal(o.req.account, "svc");

    /* -T takes the next argument whatever it looks like */
    parse_ok(&o, "-T", "-X", "-X");
    assert_int_equal(o.req.verb, VERB_SCAN);
    assert_int_equal(o.req.ndomains, 1);
    assert_string_equal(o.req.domains[0], "-X");

    check_refusals(cases, NCASES(cases));
}

static void args_max_domains(void **state)
{
    struct options o;
    char *argv[2 + 2 * (MAX_DOMAINS + 1)];
    char names[MAX_DOMAINS + 1][8];
    int argc = 0;
    char *err;

    (void)state;
    argv[argc++] = (char *)"setspn";
    argv[argc++] = (char *)"-X";
    for (int i = 0; i < MAX_DOMAINS; i++) {
        snprintf(names[i], sizeof(names[i]), "d%d", i);
        argv[argc++] = (char *)"-T";
        argv[argc++] = names[i];
    }
    assert_null(args_parse(argc, argv, &o));
    assert_int_equal(o.req.ndomains, MAX_DOMAINS);
    assert_string_equal(o.req.domains[0], "d0");
    assert_string_equal(o.req.domains[MAX_DOMAINS - 1], "d15");

    snprintf(names[MAX_DOMAINS], sizeof(names[0]), "d%d", MAX_DOMAINS);
    argv[argc++] = (char *)"-T";
    argv[argc++] = names[MAX_DOMAINS];
    err = args_parse(argc, argv, &o);
    assert_non_null(err);
    assert_string_equal(err, "at most 16 -T domains");
    free(err);
}

static void args_kind(void **state)
{
    static const struct refusal cases[] = {
        { "-C applies only to switches that take an account",
          { "-C", "-Q", "HTTP/*" } },
        { "-U applies only to switches that take an account", { "-U", "-X" } },
    };
    struct options o;

    (void)state;
    parse_ok(&o, "-C", "-S", "HTTP/web01", "web01");
    assert_int_equal(o.req.kind, KIND_COMPUTER);
    parse_ok(&o, "-U", "-R", "web01");
    assert_int_equal(o.req.kind, KIND_USER);
    parse_ok(&o, "-U", "-D", "HTTP/web01", "svc");
    assert_int_equal(o.req.kind, KIND_USER);
    parse_ok(&o, "-C", "web01");
    assert_int_equal(o.req.kind, KIND_COMPUTER);
    assert_int_equal(o.req.verb, VERB_LIST);

    check_refusals(cases, NCASES(cases));
}

static void args_missing_extra(void **state)
{
    static const struct refusal cases[] = {
        { "-L needs an account", { "-L" } },
        { "-R needs an account", { "-R" } },
        { "-Q needs an SPN", { "-Q" } },
        { "-S needs an SPN and an account", { "-S" } },
        { "-S needs an SPN and an account", { "-S", "HTTP/web01" } },
        { "-A needs an SPN and an account", { "-A", "HTTP/web01" } },
        { "-D needs an SPN and an account", { "-D", "HTTP/web01" } },
        { "unexpected argument 'extra'", { "-X", "extra" } },
        { "unexpected argument 'b'", { "-L", "a", "b" } },
        { "unexpected argument 'b'", { "a", "b" } },
        { "unexpected argument 'other'", { "-Q", "HTTP/*", "other" } },
        { "unexpected argument 'c'", { "-S", "HTTP/a", "b", "c" } },
        { "unexpected argument 'x\\x0ay'", { "-R", "web01", "x\ny" } },
        /* options only, no verb and no account */
        { "no account given", { "-v" } },
        { "no account given", { "-P" } },
        { "no account given", { "--" } },
    };

    (void)state;

    check_refusals(cases, NCASES(cases));
}

static void args_dashdash(void **state)
{
    struct options o;

    (void)state;
    parse_ok(&o, "-L", "--", "-web01");
    assert_int_equal(o.req.verb, VERB_LIST);
    assert_string_equal(o.req.account, "-web01");

    parse_ok(&o, "-D", "--", "-odd/value", "-h");
    assert_int_equal(o.req.verb, VERB_DELETE);
    assert_string_equal(o.req.spn, "-odd/value");
    assert_string_equal(o.req.account, "-h");
    assert_false(o.help);

    parse_ok(&o, "--", "/?");
    assert_false(o.help);
    assert_int_equal(o.req.verb, VERB_LIST);
    assert_string_equal(o.req.account, "/?");

    parse_ok(&o, "--", "--");
    assert_string_equal(o.req.account, "--");

    /* a lone "-" is an argument, not an option */
    parse_ok(&o, "-L", "-");
    assert_string_equal(o.req.account, "-");
}

static const struct {
    enum verb verb;
    const char *sw, *name;
} verb_table[] = {
    { VERB_LIST, "-L", "list" },      { VERB_ADD_CHECK, "-S", "add" },
    { VERB_ADD, "-A", "add" },        { VERB_DELETE, "-D", "delete" },
    { VERB_QUERY, "-Q", "query" },    { VERB_RESET, "-R", "reset" },
    { VERB_SCAN, "-X", "scan" },      { VERB_VERIFY, "--verify", "verify" },
};

static void args_verb_switch_names(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCASES(verb_table); i++)
        unit_same(verb_table[i].sw, args_verb_switch(verb_table[i].verb),
                  verb_table[i].sw);
}

/* The verb's name in the JSON document (man page: list, add, delete,
 * query, reset, scan); an account alone (VERB_NONE) lists. */
static void args_verb_names(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCASES(verb_table); i++)
        unit_same(verb_table[i].sw, args_verb_name(verb_table[i].verb),
                  verb_table[i].name);
    assert_string_equal(args_verb_name(VERB_NONE), "list");
    assert_string_equal(args_verb_switch(VERB_NONE), "-L");
}

static void args_new_defaults(void **state)
{
    struct options o;

    (void)state;
    parse_ok(&o, "web01");
    assert_false(o.json);
    assert_false(o.dry_run);
    assert_null(o.batch);
    assert_false(o.stop_on_error);
    assert_false(o.req.idempotent);
    assert_null(o.domain);
    assert_false(o.starttls);
    assert_null(o.cacert);
    assert_int_equal(o.min_ssf, DEFAULT_MIN_SSF);
    assert_int_equal(o.min_ssf, 56);
    assert_false(o.simple);
    assert_null(o.bind_dn);
    assert_null(o.keytab);
    assert_null(o.principal);
    assert_null(o.password_file);
}

static void args_json_dry_run(void **state)
{
    static const struct refusal cases[] = {
        /* -N is not -n: Unix options are case-sensitive */
        { "unknown option '-N'", { "-N", "web01" } },
        { "--json takes no value", { "--json=1", "web01" } },
        { "--dry-run takes no value", { "--dry-run=yes", "web01" } },
        { "unknown option '--JSON'", { "--JSON", "web01" } },
    };
    struct options o;

    (void)state;
    parse_ok(&o, "--json", "-L", "web01");
    assert_true(o.json);
    assert_false(o.dry_run);
    assert_int_equal(o.req.verb, VERB_LIST);
    assert_string_equal(o.req.account, "web01");

    parse_ok(&o, "-n", "-S", "HTTP/web01", "svc");
    assert_true(o.dry_run);
    assert_false(o.json);
    assert_int_equal(o.req.verb, VERB_ADD_CHECK);
    parse_ok(&o, "-S", "HTTP/web01", "svc", "--dry-run", "--json");
    assert_true(o.dry_run);
    assert_true(o.json);
    assert_string_equal(o.req.spn, "HTTP/web01");
    assert_string_equal(o.req.account, "svc");

    check_refusals(cases, NCASES(cases));
}

static void args_idempotent(void **state)
{
    static const struct refusal cases[] = {
        { "--idempotent takes no value",
          { "--idempotent=1", "-S", "HTTP/web01", "svc" } },
    };
    struct options o;

    (void)state;
    parse_ok(&o, "--idempotent", "-S", "HTTP/web01", "svc");
    assert_true(o.req.idempotent);
    assert_int_equal(o.req.verb, VERB_ADD_CHECK);
    parse_ok(&o, "-D", "HTTP/web01", "svc", "--idempotent");
    assert_true(o.req.idempotent);
    parse_ok(&o, "-D", "HTTP/web01", "svc");
    assert_false(o.req.idempotent);
    check_refusals(cases, NCASES(cases));
}

static void args_batch(void **state)
{
    static const struct refusal cases[] = {
        { "--batch takes its commands from the file, not from the "
          "command line",
          { "--batch", "f", "-L" } },
        { "--batch takes its commands from the file, not from the "
          "command line",
          { "--batch", "f", "web01" } },
        { "--batch takes its commands from the file, not from the "
          "command line",
          { "-S", "HTTP/web01", "svc", "--batch=f" } },
        { "--batch takes its commands from the file, not from the "
          "command line",
          { "-X", "--batch", "f" } },
        { "--batch takes its commands from the file, not from the "
          "command line",
          { "--batch", "f", "--", "x" } },
        { "--batch needs a file name (- for standard input)",
          { "--batch", "" } },
        { "--batch needs a file name (- for standard input)", { "--batch=" } },
        { "--batch needs a value", { "--batch" } },
        { "--stop-on-error takes no value",
          { "--stop-on-error=1", "--batch", "f" } },
    };
    struct options o;

    (void)state;
    parse_ok(&o, "--batch", "jobs.txt");
    assert_string_equal(o.batch, "jobs.txt");
    assert_int_equal(o.req.verb, VERB_NONE);
    assert_null(o.req.account);
    assert_false(o.empty);
    assert_false(o.stop_on_error);

    parse_ok(&o, "--batch=-");
    assert_string_equal(o.batch, "-");
    parse_ok(&o, "--batch", "-");
    assert_string_equal(o.batch, "-");

    parse_ok(&o, "--stop-on-error", "--batch", "f", "--idempotent", "--json",
             "-n");
    assert_string_equal(o.batch, "f");
    assert_true(o.stop_on_error);
    assert_true(o.req.idempotent);
    assert_true(o.json);
    assert_true(o.dry_run);

    parse_ok(&o, "--stop-on-error", "web01");
    assert_true(o.stop_on_error);

    check_refusals(cases, NCASES(cases));
}

int unit_args(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(args_defaults),
        cmocka_unit_test(args_empty),
        cmocka_unit_test(args_verbs),
        cmocka_unit_test(args_case_insensitive),
        cmocka_unit_test(args_help_version),
        cmocka_unit_test(args_verbose),
        cmocka_unit_test(args_unknown),
        cmocka_unit_test(args_unknown_with_value),
        cmocka_unit_test(args_conflicts),
        cmocka_unit_test(args_scope),
        cmocka_unit_test(args_max_domains),
        cmocka_unit_test(args_kind),
        cmocka_unit_test(args_missing_extra),
        cmocka_unit_test(args_dashdash),
        cmocka_unit_test(args_verb_switch_names),
        cmocka_unit_test(args_verb_names),
        cmocka_unit_test(args_new_defaults),
        cmocka_unit_test(args_json_dry_run),
        cmocka_unit_test(args_idempotent),
        cmocka_unit_test(args_batch),
    };

    return cmocka_run_group_tests_name("args", tests, NULL, NULL);
}
