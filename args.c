#include "args.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quote.h"
#include "spn.h"
#include "xalloc.h"

/* "<before> '<value>'<after>", the user's value quoted safely. */
static char *bad_value(const char *before, const char *value,
                       const char *after)
{
    char *q = quote_value(value);
    char *m = xasprintf("%s %s%s", before, q, after);

    free(q);
    return m;
}

/* The verbs: switch letter (the Setspn verbs) or long option (ours), and
 * the name JSON reports. */
static const struct {
    const char *long_opt; /* "--verify", or NULL */
    const char *name;
    enum verb verb;
    char letter;          /* upper case; matched case-insensitively; 0: none */
} verbs[] = {
    { NULL, "list", VERB_LIST, 'L' },     { NULL, "add", VERB_ADD_CHECK, 'S' },
    { NULL, "add", VERB_ADD, 'A' },       { NULL, "delete", VERB_DELETE, 'D' },
    { NULL, "query", VERB_QUERY, 'Q' },   { NULL, "reset", VERB_RESET, 'R' },
    { NULL, "scan", VERB_SCAN, 'X' },
    { "--verify", "verify", VERB_VERIFY, 0 },
    { "--write-keytab", "write-keytab", VERB_KEYTAB, 0 },
};

#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))

/* VERB_NONE (an account alone) lists. */
static size_t verb_index(enum verb v)
{
    for (size_t k = 0; k < NVERBS; k++)
        if (verbs[k].verb == v)
            return k;
    return 0;
}

const char *args_verb_switch(enum verb v)
{
    static char sw[NVERBS][3];
    size_t k = verb_index(v);

    if (verbs[k].long_opt != NULL)
        return verbs[k].long_opt;
    sw[k][0] = '-';
    sw[k][1] = verbs[k].letter;
    return sw[k];
}

const char *args_verb_name(enum verb v)
{
    return verbs[verb_index(v)].name;
}

static char *parse_int(const char *opt, const char *arg, int min, int max,
                       int *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(arg, &end, 10);
    if (!(isdigit((unsigned char)arg[0]) || arg[0] == '-') || errno != 0 || end == arg || *end != '\0' || v < min || v > max) {
        char *q = quote_value(arg);
        char *m = xasprintf("%s takes a whole number from %d to %d, not %s",
                          opt, min, max, q);

        free(q);
        return m;
    }
    *out = (int)v;
    return NULL;
}

static char *set_verb(struct request *r, enum verb v);

/* Every long option, the one list: -h, setspn(1) and both completions
 * name each of them (tests/options.sh reads this table to check). */
const struct args_long_option args_long_options[] = {
    { "--uri", true },           { "--timeout", true },
    { "--max-time", true },      { "--page-size", true },
    { "--value-range", true },   { "--batch", true },
    { "--domain", true },        { "--cacert", true },
    { "--min-ssf", true },       { "--bind-dn", true },
    { "--keytab", true },        { "--principal", true },
    { "--password-file", true }, { "--service-keytab", true },
    { "--site", true },          { "--write-keytab", true },
    { "--account-password-file", true }, { "--spn", true },
    { "--enctypes", true },      { "--kvno", true },
    { "--keep-kvnos", true },    { "--rotate", false },
    { "--force", false },
    { "--help", false },         { "--version", false },
    { "--verbose", false },      { "--json", false },
    { "--dry-run", false },      { "--idempotent", false },
    { "--stop-on-error", false }, { "--starttls", false },
    { "--simple", false },       { "--verify", false },
    { NULL, false },
};

/* Long options: "--name", "--name=value" or "--name value". */
static char *parse_long(const char *arg, int argc, char *const argv[],
                        int *i, struct options *o)
{
    const char *eq = strchr(arg, '=');
    size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
    const char *value = eq ? eq + 1 : NULL;
    bool needs = false, known = false;
    int kt = ktopts_kind(arg, len); /* --write-keytab's own options */

    for (size_t k = 0; args_long_options[k].name != NULL; k++)
        if (strlen(args_long_options[k].name) == len
            && strncmp(arg, args_long_options[k].name, len) == 0) {
            known = true;
            needs = args_long_options[k].value;
        }
    if (kt > 0) {
        known = true;
        needs = kt == 2;
    }
    if (!known)
        return bad_value("unknown option", arg, "");
    if (needs && value == NULL) {
        if (*i + 1 >= argc)
            return xasprintf("%.*s needs a value", (int)len, arg);
        value = argv[++*i];
    } else if (!needs && value != NULL) {
        return xasprintf("%.*s takes no value", (int)len, arg);
    }

#define IS(name) (strlen(name) == len && strncmp(arg, name, len) == 0)
    if (IS("--help"))
        o->help = true;
    else if (IS("--version"))
        o->version = true;
    else if (IS("--verbose"))
        o->verbose = true;
    else if (IS("--json"))
        o->json = true;
    else if (IS("--dry-run"))
        o->dry_run = true;
    else if (IS("--idempotent"))
        o->req.idempotent = true;
    else if (IS("--stop-on-error"))
        o->stop_on_error = true;
    else if (IS("--starttls"))
        o->starttls = true;
    else if (IS("--simple"))
        o->simple = true;
    else if (IS("--verify"))
        return set_verb(&o->req, VERB_VERIFY);
    else if (kt == 1)
        return ktopts_set(&o->kt, arg, len, NULL);
    /* every option below takes a value (the table says so) */
    else if (value == NULL)
        return xasprintf("%.*s needs a value", (int)len, arg);
    else if (IS("--min-ssf"))
        return parse_int("--min-ssf", value, 0, 256, &o->min_ssf);
    else if (IS("--timeout"))
        return parse_int("--timeout", value, 0, 86400, &o->timeout);
    else if (IS("--max-time"))
        return parse_int("--max-time", value, 0, 604800, &o->max_time);
    else if (IS("--page-size"))
        return parse_int("--page-size", value, 1, 100000, &o->page_size);
    else if (IS("--value-range"))
        return parse_int("--value-range", value, 1, 100000,
                         &o->value_range);
    else if (IS("--batch") && *value == '\0')
        return xasprintf("--batch needs a file name (- for standard input)");
    else if (IS("--uri") && *value == '\0')
        return xasprintf("--uri needs a non-empty LDAP URI");
    else if (*value == '\0')
        return xasprintf("%.*s needs a non-empty value", (int)len, arg);
    else if (spn_check_lookup(value) != NULL) {
        char *name = xstrndup(arg, len);
        char *m = bad_value(name, value, ": a value with control characters "
                                         "or over 2048 bytes");

        free(name);
        return m;
    }
    else if (IS("--batch"))
        o->batch = value;
    else if (IS("--uri"))
        o->uri = value;
    else if (IS("--domain"))
        o->domain = value;
    else if (IS("--site")) {
        /* It goes into a DNS name: one label of letters, digits, '-'
         * and '_', as AD site names are. */
        if (strlen(value) > 63
            || strspn(value, "abcdefghijklmnopqrstuvwxyz"
                             "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
                   != strlen(value))
            return bad_value("--site", value, ": a site name is one DNS label "
                                              "(letters, digits, '-', '_'; "
                                              "at most 63)");
        o->site = value;
    }
    else if (IS("--cacert"))
        o->cacert = value;
    else if (IS("--bind-dn"))
        o->bind_dn = value;
    else if (IS("--keytab"))
        o->keytab = value;
    else if (IS("--principal"))
        o->principal = value;
    else if (IS("--password-file"))
        o->password_file = value;
    else if (IS("--service-keytab"))
        o->req.service_keytab = value;
    else if (IS("--write-keytab")) {
        o->kt.file = value;
        return set_verb(&o->req, VERB_KEYTAB);
    } else if (kt == 2)
        return ktopts_set(&o->kt, arg, len, value);
    else
        return bad_value("unknown option", arg, "");
#undef IS
    return NULL;
}

static char *set_verb(struct request *r, enum verb v)
{
    if (r->verb != VERB_NONE && r->verb != v)
        return xasprintf("%s and %s cannot be combined", args_verb_switch(r->verb),
                       args_verb_switch(v));
    r->verb = v;
    return NULL;
}

static char *parse_short(const char *arg, int argc, char *const argv[],
                         int *i, struct options *o)
{
    struct request *r = &o->req;
    char c = arg[1];
    char up = (char)toupper((unsigned char)c);

    /* Unix options: case matters (-h is help, -H the URI). */
    switch (c) {
    case 'h':
    case '?':
        o->help = true;
        return NULL;
    case 'H':
        if (*i + 1 >= argc || argv[*i + 1][0] == '\0')
            return xasprintf("-H needs an LDAP URI");
        if (spn_check_lookup(argv[*i + 1]) != NULL)
            return bad_value("-H", argv[*i + 1], ": a value with control "
                                                 "characters or over 2048 "
                                                 "bytes");
        o->uri = argv[++*i];
        return NULL;
    case 'v':
        o->verbose = true;
        return NULL;
    case 'n':
        o->dry_run = true;
        return NULL;
    case 'Z':
        o->starttls = true;
        return NULL;
    default:
        break;
    }
    for (size_t k = 0; k < sizeof(verbs) / sizeof(*verbs); k++)
        if (verbs[k].letter != 0 && verbs[k].letter == up)
            return set_verb(r, verbs[k].verb);
    switch (up) {
    case 'F':
        r->forest = true;
        return NULL;
    case 'P':
        r->no_progress = true;
        return NULL;
    case 'C':
    case 'U': {
        enum account_kind k = up == 'C' ? KIND_COMPUTER : KIND_USER;

        if (r->kind != KIND_ANY && r->kind != k)
            return xasprintf("-C and -U cannot be combined");
        r->kind = k;
        return NULL;
    }
    case 'T':
        if (*i + 1 >= argc)
            return xasprintf("-T needs a domain (\"\" or * for the current one)");
        if (r->ndomains == MAX_DOMAINS)
            return xasprintf("at most %d -T domains", MAX_DOMAINS);
        r->domains[r->ndomains++] = argv[++*i];
        return NULL;
    default:
        return bad_value("unknown option", arg, "");
    }
}

/* Checks what the verb needs once every argument is read. */
static char *check_request(struct options *o, const char *pos[], int npos)
{
    struct request *r = &o->req;
    int want;

    if (r->verb == VERB_NONE) {
        if (npos == 0)
            return xasprintf("no account given");
        r->verb = VERB_LIST;
    }
    switch (r->verb) {
    case VERB_ADD_CHECK:
    case VERB_ADD:
    case VERB_DELETE:
        want = 2;
        break;
    case VERB_SCAN:
        want = 0;
        break;
    case VERB_VERIFY: /* SPN [ACCOUNT] */
        want = npos >= 2 ? 2 : 1;
        break;
    default:
        want = 1;
        break;
    }
    if (npos < want) {
        static const char *const needs[] = { "", "an account",
                                             "an SPN and an account" };
        return xasprintf("%s needs %s", args_verb_switch(r->verb),
                       r->verb == VERB_QUERY || r->verb == VERB_VERIFY
                           ? "an SPN" : needs[want]);
    }
    if (npos > want)
        return bad_value("unexpected argument", pos[want], "");

    if (want == 2) {
        r->spn = pos[0];
        r->account = pos[1];
    } else if (r->verb == VERB_QUERY || r->verb == VERB_VERIFY) {
        r->spn = pos[0];
    } else if (want == 1) {
        r->account = pos[0];
    }

    if ((r->forest || r->ndomains > 0) && r->verb != VERB_ADD_CHECK
        && r->verb != VERB_ADD && r->verb != VERB_QUERY
        && r->verb != VERB_SCAN && r->verb != VERB_VERIFY)
        return xasprintf("%s applies only to -S, -A, -Q, -X and --verify",
                       r->forest ? "-F" : "-T");
    if (r->service_keytab != NULL && r->verb != VERB_VERIFY)
        return xasprintf("--service-keytab applies only to --verify");
    {
        char *err = ktopts_check(&o->kt, r->verb == VERB_KEYTAB);

        if (err != NULL)
            return err;
    }
    if (r->kind != KIND_ANY && r->account == NULL)
        return xasprintf("%s applies only to switches that take an account",
                       r->kind == KIND_COMPUTER ? "-C" : "-U");
    return NULL;
}

/* Conflicts between the ways to authenticate, before anything is sent. */
static char *check_credentials(const struct options *o)
{
    if (o->simple && o->bind_dn == NULL)
        return xasprintf("--simple needs --bind-dn DN");
    if (o->bind_dn != NULL && !o->simple)
        return xasprintf("--bind-dn goes with --simple");
    if (o->simple && (o->keytab != NULL || o->principal != NULL))
        return xasprintf("--simple cannot be combined with --keytab or "
                       "--principal");
    if (o->keytab != NULL && o->password_file != NULL)
        return xasprintf("--keytab and --password-file cannot be combined");
    if (o->password_file != NULL && !o->simple && o->principal == NULL)
        return xasprintf("--password-file needs --principal (or --simple)");
    return NULL;
}

/* The Setspn.exe switch letters, which also take Windows' '/'. */
#define SETSPN_LETTERS "RSADLQXFTCUPrsadlqxftcup"

/* Options a batch line may carry: verbs, their modifiers, --idempotent,
 * --verify and its --service-keytab. */
static bool line_option(const char *a)
{
    if (strcmp(a, "--idempotent") == 0 || strcmp(a, "--verify") == 0
        || strcmp(a, "--service-keytab") == 0
        || strncmp(a, "--service-keytab=", 17) == 0)
        return true;
    return a[1] != '-' && a[1] != '\0' && a[2] == '\0'
           && strchr(SETSPN_LETTERS, a[1]) != NULL;
}

static char *parse(int first, int argc, char *const argv[], struct options *o,
                   bool line)
{
    const char **pos = calloc((size_t)argc + 1, sizeof(*pos));
    int npos = 0;
    bool dashdash = false;
    char *err = NULL;

    if (pos == NULL)
        abort();
    memset(o, 0, sizeof(*o));
    o->timeout = DEFAULT_TIMEOUT;
    o->max_time = DEFAULT_MAX_TIME;
    o->page_size = DEFAULT_PAGE_SIZE;
    o->min_ssf = DEFAULT_MIN_SSF;
    ktopts_init(&o->kt);
    o->empty = argc <= first;

    for (int i = first; i < argc && err == NULL; i++) {
        const char *a = argv[i];
        char sw[3];

        /* Windows' way: /Q is -Q (any Setspn letter, in any case) */
        if (!dashdash && a[0] == '/' && a[1] != '\0' && a[2] == '\0'
            && strchr(SETSPN_LETTERS, a[1]) != NULL) {
            sw[0] = '-';
            sw[1] = a[1];
            sw[2] = '\0';
            a = sw;
        }

        if (dashdash || a[0] != '-' || a[1] == '\0') {
            if (strcmp(a, "/?") == 0 && !dashdash && !line)
                o->help = true;
            else
                pos[npos++] = a;
        } else if (strcmp(a, "--") == 0) {
            dashdash = true;
        } else if (line && !line_option(a)) {
            err = bad_value("option", a, " is not allowed in a batch line "
                                         "(give it on the command line)");
        } else if (a[1] == '-') {
            err = parse_long(a, argc, argv, &i, o);
        } else if (a[2] != '\0') {
            err = bad_value("unknown option", a, " (one switch per argument)");
        } else {
            err = parse_short(a, argc, argv, &i, o);
        }
    }
    if (err == NULL)
        err = check_credentials(o);
    if (err == NULL && o->batch != NULL
        && (o->req.verb != VERB_NONE || npos > 0))
        err = xasprintf("--batch takes its commands from the file, not from "
                      "the command line");
    else if (err == NULL && o->batch != NULL
             && (o->req.forest || o->req.ndomains > 0
                 || o->req.kind != KIND_ANY))
        err = xasprintf("with --batch, give -F, -T, -C and -U on the lines "
                      "they apply to");
    else if (err == NULL && line && o->empty)
        err = xasprintf("no command");
    else if (err == NULL && !o->help && !o->version && !o->empty
             && o->batch == NULL)
        err = check_request(o, pos, npos);
    free(pos);
    return err;
}

char *args_parse(int argc, char *const argv[], struct options *o)
{
    return parse(1, argc, argv, o, false);
}

char *args_parse_line(int argc, char *const argv[], struct request *q)
{
    struct options o;
    char *err = parse(0, argc, argv, &o, true);

    *q = o.req;
    return err;
}
