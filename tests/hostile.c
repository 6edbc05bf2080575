/*
 * tests/hostile: every value of the hostile corpus (tests/hostile.txt),
 * and variants of each, through every parser setspn runs before it talks to
 * a DC: spn_check_write, spn_check_lookup, account_parse, filter_equals,
 * filter_any, quote_value, batch_split, args_parse and args_parse_line.
 * Plain C, no test framework: run it under valgrind or a sanitizer build
 * to see memory errors; on its own it checks what each promises.
 *
 *   - nothing crashes, and each call either succeeds or gives a message;
 *   - a message is one line of printable ASCII, whatever the input held
 *     (it reaches a terminal), and not absurdly long;
 *   - what the parsers accept is consistent with their own rules (an SPN
 *     accepted for writing is accepted for lookup; a parsed account has a
 *     name; a parsed request has a verb and its strings point into argv);
 *   - filter_equals escapes everything a filter could misread: unescaping
 *     the value part gives the value back, and no raw '(' ')' '\' or
 *     (without wildcards) '*' is left;
 *   - quote_value gives printable ASCII that decodes back to the value;
 *   - a value single-quoted in a batch line comes back from batch_split as
 *     exactly one word equal to it.
 *
 * Usage: tests/hostile [-q] [CORPUS]   (default tests/hostile.txt)
 *   -q: each value as it is, without the 9 variants (HTTP/v, v@spn.test,
 *       CN=v,..., ...): a tenth of the work, for a run under valgrind.
 * Prints "hostile: N values, N cases, N checks, N failed"; exits 1 on any
 * failure, 2 if the corpus cannot be read or has a malformed line.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "args.h"
#include "batch.h"
#include "filter.h"
#include "quote.h"
#include "spn.h"
#include "xalloc.h"

static unsigned long checks, failures;
static const char *current; /* the case being checked, for messages */

/* A printable rendering of s for failure reports (static buffer). */
static const char *show(const char *s)
{
    static char buf[200];
    size_t o = 0, len = strlen(s), i;

    /* Room for "\xNN" and, at the end, "...(N bytes)". */
    for (i = 0; i < len && o + 4 + 24 < sizeof(buf); i++) {
        unsigned char c = (unsigned char)s[i];

        if (c >= 0x20 && c < 0x7f && c != '\\')
            buf[o++] = (char)c;
        else
            o += (size_t)snprintf(buf + o, sizeof(buf) - o, "\\x%02x", c);
    }
    if (i < len)
        o += (size_t)snprintf(buf + o, sizeof(buf) - o, "...(%zu bytes)", len);
    buf[o] = '\0';
    return buf;
}

#define CHECK(cond, what)                                                   \
    do {                                                                    \
        checks++;                                                           \
        if (!(cond)) {                                                      \
            failures++;                                                     \
            if (failures <= 50)                                             \
                fprintf(stderr, "FAIL %s:%d: %s: %s [%s]\n", __FILE__,      \
                        __LINE__, (what), #cond, current);                  \
        }                                                                   \
    } while (0)

/* A message for a value of length len: one line of printable ASCII. */
static void check_message(const char *msg, size_t len, const char *who)
{
    CHECK(msg != NULL, who);
    if (msg == NULL)
        return;
    CHECK(*msg != '\0', who);
    for (const char *p = msg; *p != '\0'; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e) {
            CHECK(!"message holds a byte that is not printable ASCII", who);
            break;
        }
    /* The value quoted (4 bytes a byte at most) and some words. */
    CHECK(strlen(msg) <= 4 * len + 300, who);
}

/* ------------------------------------------------------------- spn.h */

static void check_spn(const char *v)
{
    size_t len = strlen(v);
    const char *w = spn_check_write(v);
    const char *l = spn_check_lookup(v);

    if (w != NULL) {
        check_message(w, 0, "spn_check_write message");
    } else {
        CHECK(l == NULL, "an SPN valid for writing is valid for lookup");
        CHECK(strchr(v, '/') != NULL, "a written SPN has a '/'");
        for (const char *p = v; *p != '\0'; p++)
            if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f
                || strchr("@\\*", *p) != NULL) {
                CHECK(!"accepted for writing with a forbidden byte",
                      "spn_check_write");
                break;
            }
    }
    if (l != NULL) {
        check_message(l, 0, "spn_check_lookup message");
    } else {
        CHECK(len > 0, "lookup accepts no empty value");
        CHECK(quote_utf8_valid(v), "lookup accepts only UTF-8");
        for (const char *p = v; *p != '\0'; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7f) {
                CHECK(!"lookup accepted a control character",
                      "spn_check_lookup");
                break;
            }
    }
    CHECK(spn_equal(v, v), "spn_equal is reflexive");
}

static void check_account(const char *v)
{
    struct account_ref ref;
    const char *why = account_parse(v, &ref);

    if (why != NULL) {
        check_message(why, 0, "account_parse message");
        CHECK(ref.name == NULL && ref.domain == NULL,
              "a refused account leaves nothing allocated");
    } else {
        CHECK(ref.name != NULL && *ref.name != '\0',
              "a parsed account has a name");
        CHECK(ref.form == ACCOUNT_NAME || ref.form == ACCOUNT_UPN
                  || ref.form == ACCOUNT_DN,
              "a parsed account has a form");
        CHECK(ref.domain == NULL || *ref.domain != '\0',
              "a parsed domain is not empty");
        CHECK(ref.domain == NULL || ref.form == ACCOUNT_NAME,
              "only NAME has a domain");
        if (ref.name != NULL && *ref.name != '\0')
            CHECK(ref.dollar == (ref.form == ACCOUNT_NAME
                                 && ref.name[strlen(ref.name) - 1] == '$'),
                  "dollar means NAME ending in '$'");
        CHECK(quote_utf8_valid(v), "an account is UTF-8");
    }
    account_ref_free(&ref);
    account_ref_free(&ref); /* idempotent */
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/*
 * Checks "(attr=<escaped>)" and returns the unescaped value (malloc'd;
 * NULL if the shape is wrong).  A raw '*' is kept as '*' if wildcard.
 */
static char *unescape_filter(const char *f, const char *attr, bool wildcard)
{
    size_t alen = strlen(attr), flen = strlen(f);
    char *out, *o;
    const char *p, *end;

    if (flen < alen + 3 || f[0] != '(' || strncmp(f + 1, attr, alen) != 0
        || f[alen + 1] != '=' || f[flen - 1] != ')')
        return NULL;
    out = o = calloc(flen + 1, 1);
    if (out == NULL)
        abort();
    for (p = f + alen + 2, end = f + flen - 1; p < end; p++) {
        if (*p == '\\') {
            int hi = p + 1 < end ? hexval((unsigned char)p[1]) : -1;
            int lo = p + 2 < end ? hexval((unsigned char)p[2]) : -1;

            if (hi < 0 || lo < 0) {
                free(out);
                return NULL;
            }
            *o++ = (char)(hi * 16 + lo);
            p += 2;
        } else if (*p == '(' || *p == ')' || (*p == '*' && !wildcard)) {
            free(out);
            return NULL;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return out;
}

/* v with every run of '*' made one '*', as filter_equals writes it. */
static char *collapse_stars(const char *v)
{
    char *out = strdup(v), *o = out;

    if (out == NULL)
        abort();
    for (const char *p = v; *p != '\0'; p++)
        if (!(*p == '*' && o > out && o[-1] == '*'))
            *o++ = *p;
    *o = '\0';
    return out;
}

static void check_filter(const char *v)
{
    char *f = filter_equals("servicePrincipalName", v, false);
    char *back;

    CHECK(f != NULL, "filter_equals");
    if (f != NULL) {
        back = unescape_filter(f, "servicePrincipalName", false);
        CHECK(back != NULL, "filter_equals leaves no raw metacharacter");
        CHECK(back == NULL || strcmp(back, v) == 0,
              "filter_equals unescapes to the value");
        free(back);
        free(f);
    }
    f = filter_equals("servicePrincipalName", v, true);
    CHECK(f != NULL, "filter_equals with wildcards");
    if (f != NULL) {
        char *want = collapse_stars(v);

        back = unescape_filter(f, "servicePrincipalName", true);
        CHECK(back != NULL, "filter_equals (wildcards) leaves only '*' raw");
        /* Every '*' is a wildcard (a run of them one), the rest as typed. */
        CHECK(back == NULL || strcmp(back, want) == 0,
              "filter_equals (wildcards) keeps the value");
        free(back);
        free(want);
        free(f);
    }
    {
        char *vals[] = { (char *)v, (char *)"HTTP/x", (char *)v };
        char *any = filter_any("servicePrincipalName", vals, 3);
        int depth = 0;
        bool ok = any != NULL && strncmp(any, "(|(", 3) == 0;

        for (const char *p = any; ok && *p != '\0'; p++) {
            if (*p == '(')
                depth++;
            else if (*p == ')' && --depth < 0)
                ok = false;
        }
        CHECK(ok && depth == 0, "filter_any is balanced");
        free(any);
    }
}

static void check_quote(const char *v)
{
    char *q = quote_value(v);
    size_t qlen = strlen(q);
    char *back = calloc(qlen + 1, 1), *o = back;
    bool ok = qlen >= 2 && q[0] == '\'' && q[qlen - 1] == '\'';

    if (back == NULL)
        abort();
    for (size_t i = 1; ok && i + 1 < qlen; i++) {
        unsigned char c = (unsigned char)q[i];

        if (c < 0x20 || c > 0x7e || c == '\'') {
            ok = false;
        } else if (c == '\\') {
            int hi, lo;

            if (i + 4 >= qlen || q[i + 1] != 'x') {
                ok = false;
                break;
            }
            hi = hexval((unsigned char)q[i + 2]);
            lo = hexval((unsigned char)q[i + 3]);
            if (hi < 0 || lo < 0)
                ok = false;
            *o++ = (char)(hi * 16 + lo);
            i += 3;
        } else {
            *o++ = (char)c;
        }
    }
    *o = '\0';
    CHECK(ok, "quote_value gives printable ASCII in quotes");
    CHECK(!ok || strcmp(back, v) == 0, "quote_value decodes to the value");
    free(back);
    free(q);
}

static void check_aliases(const char *v)
{
    char *mapping = xasprintf("host=%s,http", v);
    char *maps[] = { mapping };
    size_t n = 0, nforms = 0;
    char **aliases = spn_host_aliases(maps, 1, &n);
    char *host = xasprintf("HOST/%s", v);
    char **forms = spn_alias_forms(host, aliases, n, &nforms);

    CHECK(nforms == n, "one alias form per alias");
    for (size_t i = 0; i < n; i++)
        CHECK(aliases[i] != NULL && *aliases[i] != '\0',
              "aliases are not empty");
    xstrv_free(forms, nforms);
    xstrv_free(aliases, n);
    free(host);
    free(mapping);
}

/* ----------------------------------------------------------- args.h */

static bool points_into(const char *s, char *const *argv, int argc)
{
    if (s == NULL)
        return true;
    for (int i = 0; i < argc; i++)
        if (s == argv[i])
            return true;
    return false;
}

/* s is NULL or inside one of argv[0..argc) (--uri=VALUE). */
static bool points_within(const char *s, char *const *argv, int argc)
{
    if (s == NULL)
        return true;
    for (int i = 0; i < argc; i++)
        if (s >= argv[i] && s <= argv[i] + strlen(argv[i]))
            return true;
    return false;
}

static void check_request(const struct request *r, char *const *argv,
                          int argc, const char *who)
{
    CHECK(r->verb != VERB_NONE, who);
    CHECK(points_into(r->spn, argv, argc), who);
    CHECK(points_into(r->account, argv, argc), who);
    for (size_t i = 0; i < r->ndomains; i++)
        CHECK(points_into(r->domains[i], argv, argc), who);
    switch (r->verb) {
    case VERB_ADD_CHECK:
    case VERB_ADD:
    case VERB_DELETE:
        CHECK(r->spn != NULL && r->account != NULL, who);
        break;
    case VERB_QUERY:
        CHECK(r->spn != NULL && r->account == NULL, who);
        break;
    case VERB_SCAN:
        CHECK(r->spn == NULL && r->account == NULL, who);
        break;
    default:
        CHECK(r->spn == NULL && r->account != NULL, who);
        break;
    }
    /* What setspn.c's validate() does next with them. */
    if (r->spn != NULL)
        check_spn(r->spn);
    if (r->account != NULL)
        check_account(r->account);
}

static size_t total_len(char *const *argv, int argc)
{
    size_t n = 0;

    for (int i = 0; i < argc; i++)
        n += strlen(argv[i]) + 1;
    return n;
}

static void parse_command_line(char *const *argv, int argc)
{
    struct options o;
    char *err = args_parse(argc, argv, &o);

    if (err != NULL) {
        check_message(err, total_len(argv, argc), "args_parse message");
        free(err);
        return;
    }
    if (o.help || o.version || o.empty || o.batch != NULL)
        return;
    check_request(&o.req, argv, argc, "args_parse request");
    {
        const char *strings[] = { o.uri, o.batch, o.domain, o.cacert,
                                  o.bind_dn, o.keytab, o.principal,
                                  o.password_file };

        for (size_t i = 0; i < sizeof(strings) / sizeof(*strings); i++)
            CHECK(points_within(strings[i], argv, argc),
                  "args_parse option values point into argv");
    }
}

static void parse_batch_words(char **argv, int argc)
{
    struct request q;
    char *err = args_parse_line(argc, argv, &q);

    if (err != NULL) {
        check_message(err, total_len(argv, argc), "args_parse_line message");
        free(err);
        return;
    }
    check_request(&q, argv, argc, "args_parse_line request");
}

static void check_args(const char *v)
{
#define W(s) ((char *)(s))
    char *val = W(v);
    char *const vectors[][7] = {
        { W("setspn"), val },
        { W("setspn"), W("-L"), val },
        { W("setspn"), W("-R"), val },
        { W("setspn"), W("-Q"), val },
        { W("setspn"), W("-S"), val, W("WEB01") },
        { W("setspn"), W("-A"), val, W("WEB01") },
        { W("setspn"), W("-D"), val, W("WEB01") },
        { W("setspn"), W("-S"), W("HTTP/x"), val },
        { W("setspn"), W("-D"), W("HTTP/x"), val },
        { W("setspn"), W("-S"), W("--"), val, W("WEB01") },
        { W("setspn"), W("-L"), W("--"), val },
        { W("setspn"), W("-T"), val, W("-Q"), W("HTTP/x") },
        { W("setspn"), W("-H"), val, W("-L"), W("x") },
        { W("setspn"), W("--uri"), val, W("-L"), W("x") },
        { W("setspn"), W("--timeout"), val, W("-L"), W("x") },
        { W("setspn"), W("--page-size"), val, W("-L"), W("x") },
        { W("setspn"), W("--batch"), val },
        { W("setspn"), W("--domain"), val, W("-L"), W("x") },
        { W("setspn"), W("--cacert"), val, W("-L"), W("x") },
        { W("setspn"), W("--min-ssf"), val, W("-L"), W("x") },
        { W("setspn"), W("--bind-dn"), val, W("--simple"), W("-L"), W("x") },
        { W("setspn"), W("--keytab"), val, W("-L"), W("x") },
        { W("setspn"), W("--principal"), val, W("-L"), W("x") },
        { W("setspn"), W("--password-file"), val, W("-L"), W("x") },
        { W("setspn"), val, val, val },
        { W("setspn"), val, W("-L"), W("x") },
    };
#undef W

    for (size_t i = 0; i < sizeof(vectors) / sizeof(*vectors); i++) {
        int argc = 0;

        while (argc < 7 && vectors[i][argc] != NULL)
            argc++;
        parse_command_line(vectors[i], argc);
        /* The same words as a batch line (without argv[0]). */
        parse_batch_words((char **)vectors[i] + 1, argc - 1);
    }
}

/* ---------------------------------------------------------- batch.h */

/* One batch line through the splitter and the line parser. */
static void split_line(const char *line)
{
    char **argv = (char **)1; /* must be set either way */
    int argc = -1;
    const char *why = batch_split(line, &argv, &argc);

    if (why != NULL) {
        check_message(why, 0, "batch_split message");
        CHECK(argv == NULL && argc == 0, "a refused line gives no words");
        return;
    }
    CHECK(argv != NULL && argc >= 0, "batch_split words");
    if (argv == NULL)
        return;
    CHECK(argv[argc] == NULL, "the words are NULL-terminated");
    for (int i = 0; i < argc; i++)
        CHECK(argv[i] != NULL && strlen(argv[i]) <= strlen(line),
              "no word is longer than its line");
    if (argc > 0)
        parse_batch_words(argv, argc);
    batch_free_words(argv, argc);
}

/* v in single quotes for a batch line ('\'' for each quote). */
static char *single_quote(const char *v)
{
    size_t n = 3;
    char *out, *o;

    for (const char *p = v; *p != '\0'; p++)
        n += *p == '\'' ? 4 : 1;
    out = o = calloc(n, 1);
    if (out == NULL)
        abort();
    *o++ = '\'';
    for (const char *p = v; *p != '\0'; p++) {
        if (*p == '\'') {
            memcpy(o, "'\\''", 4);
            o += 4;
        } else {
            *o++ = *p;
        }
    }
    *o++ = '\'';
    *o = '\0';
    return out;
}

static void check_batch(const char *v)
{
    char *q = single_quote(v);
    char *lines[] = {
        xasprintf("%s", v),
        xasprintf("%s\n", v),
        xasprintf("-S %s WEB01", v),
        xasprintf("-L %s # comment", v),
        xasprintf("-S HTTP/x %s", v),
        xasprintf("-Q \"%s\"", v),
        xasprintf("-T %s -Q x", v),
        xasprintf("%s %s %s", v, v, v),
        xasprintf("-L %s", q),
        xasprintf("-S %s WEB01\n", q),
    };
    char **argv = NULL;
    int argc = 0;
    const char *why;

    for (size_t i = 0; i < sizeof(lines) / sizeof(*lines); i++)
        split_line(lines[i]);

    /* Single-quoted, any value comes back as one word, byte for byte. */
    why = batch_split(lines[8], &argv, &argc);
    CHECK(why == NULL && argc == 2 && strcmp(argv[0], "-L") == 0
              && strcmp(argv[1], v) == 0,
          "a single-quoted value is one word, unchanged");
    batch_free_words(argv, argc);

    for (size_t i = 0; i < sizeof(lines) / sizeof(*lines); i++)
        free(lines[i]);
    free(q);
}

/* ------------------------------------------------------------ corpus */

static size_t nvariants = 10;

static void check_value(const char *v, const char *label)
{
    char *variants[] = {
        xasprintf("%s", v),
        xasprintf("HTTP/%s", v),
        xasprintf("%s/robust-probe", v),
        xasprintf("HTTP/robust-probe:%s", v),
        xasprintf("SPN\\%s", v),
        xasprintf("%s\\WEB01", v),
        xasprintf("%s@spn.test", v),
        xasprintf("CN=%s,DC=SPN,DC=TEST", v),
        xasprintf("%s$", v),
        xasprintf("*%s*", v),
    };
    static unsigned long cases;

    for (size_t i = 0; i < sizeof(variants) / sizeof(*variants); i++) {
        char *c = xasprintf("%s, variant %zu", label, i);

        if (i >= nvariants) {
            free(c);
            free(variants[i]);
            continue;
        }
        current = c;
        check_spn(variants[i]);
        check_account(variants[i]);
        check_filter(variants[i]);
        check_quote(variants[i]);
        check_aliases(variants[i]);
        check_args(variants[i]);
        check_batch(variants[i]);
        cases++;
        current = NULL;
        free(c);
        free(variants[i]);
    }
    (void)cases;
}

/*
 * Decodes one corpus line (see tests/hostile.txt) into *out (len
 * in *outlen; may hold NULs).  Returns NULL or what is wrong.
 */
static const char *decode(const char *line, char **out, size_t *outlen)
{
    size_t cap = 64, n = 0;
    char *b = calloc(cap, 1);

    if (b == NULL)
        abort();
    for (const char *p = line; *p != '\0'; p++) {
        size_t rep = 1;
        char c = *p;

        if (c == '\\') {
            p++;
            switch (*p) {
            case '\\': c = '\\'; break;
            case 't': c = '\t'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 'v': c = '\v'; break;
            case 'f': c = '\f'; break;
            case 'a': c = '\a'; break;
            case 'b': c = '\b'; break;
            case 'z': continue;
            case 'x': {
                int hi = hexval((unsigned char)p[1]);
                int lo = hi < 0 ? -1 : hexval((unsigned char)p[2]);

                if (hi < 0 || lo < 0) {
                    free(b);
                    return "\\x needs two hex digits";
                }
                c = (char)(hi * 16 + lo);
                p += 2;
                break;
            }
            case '{': {
                char *end;
                unsigned long k = strtoul(p + 1, &end, 10);

                if (n == 0 || end == p + 1 || *end != '}' || k == 0
                    || k > 10 * 1024 * 1024) {
                    free(b);
                    return "\\{N} needs a byte before it and 1 <= N <= 10M";
                }
                c = b[--n];
                rep = k;
                p = end;
                break;
            }
            default:
                free(b);
                return "unknown escape";
            }
        }
        while (n + rep + 1 > cap) {
            cap *= 2;
            b = realloc(b, cap);
            if (b == NULL)
                abort();
        }
        memset(b + n, c, rep);
        n += rep;
    }
    b[n] = '\0';
    *out = b;
    *outlen = n;
    return NULL;
}

int main(int argc, char *argv[])
{
    int first = argc > 1 && strcmp(argv[1], "-q") == 0 ? 2 : 1;
    const char *path = argc > first ? argv[first] : "tests/hostile.txt";
    FILE *f;
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    unsigned long values = 0, lineno = 0, with_nul = 0;
    int rc = 0;

    if (first == 2)
        nvariants = 1;
    f = fopen(path, "r");
    if (f == NULL) {
        perror(path);
        return 2;
    }
    while ((got = getline(&line, &cap, f)) >= 0) {
        char *v, *label;
        size_t vlen;
        const char *why;

        lineno++;
        if (got > 0 && line[got - 1] == '\n')
            line[--got] = '\0';
        if (line[0] == '#')
            continue;
        if (line[0] == '\0') {
            fprintf(stderr, "%s:%lu: empty line (write the empty value \\z)\n",
                    path, lineno);
            rc = 2;
            continue;
        }
        why = decode(line, &v, &vlen);
        if (why != NULL) {
            fprintf(stderr, "%s:%lu: %s\n", path, lineno, why);
            rc = 2;
            continue;
        }
        /* As argv or a C string would carry it: up to the first NUL. */
        if (strlen(v) != vlen)
            with_nul++;
        label = xasprintf("%s:%lu '%s'", path, lineno, show(v));
        check_value(v, label);
        free(label);
        free(v);
        values++;
    }
    free(line);
    fclose(f);
    printf("hostile: %lu values (%lu cut at a NUL), %zu form%s of each, "
           "%lu checks, %lu failed\n", values, with_nul, nvariants,
           nvariants == 1 ? "" : "s", checks, failures);
    if (values < 100) {
        fprintf(stderr, "%s: only %lu values (at least 100 wanted)\n", path,
                values);
        rc = rc ? rc : 1;
    }
    if (rc)
        return rc;
    return failures ? 1 : 0;
}
