/*
 * libFuzzer target: the batch-line splitter (batch.h) and the command-line
 * parsers (args.h) on what it yields.  The input is a batch file: each
 * line (with its '\n', as getline reads it) goes through batch_split, and
 * the words of each line that splits go through args_parse (after a fake
 * argv[0], as a command line) and args_parse_line (as --batch parses a
 * line).  Besides the sanitizers, it checks the promises of both and
 * aborts when one breaks:
 *
 *   - batch_split: on failure a static message and no vector; on success
 *     a NULL-terminated vector of argc words, none longer than the line;
 *   - args_parse, args_parse_line: on failure a one-line message; on
 *     success a verb, and every string in the request points into argv.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "batch.h"
#include "fuzz.h"


/* s is NULL or points into one of argv[first..argc): an argument, or the
 * value part of "--name=value". */
static bool from_argv(const char *s, char *const *argv, int first, int argc)
{
    if (s == NULL)
        return true;
    for (int i = first; i < argc; i++)
        if (s >= argv[i] && s <= argv[i] + strlen(argv[i]))
            return true;
    return false;
}

static void check_request(const struct request *r, char *const *argv,
                          int first, int argc)
{
    CHECK(r->verb != VERB_NONE);
    CHECK(args_verb_switch(r->verb) != NULL);
    CHECK(from_argv(r->spn, argv, first, argc));
    CHECK(from_argv(r->account, argv, first, argc));
    CHECK(r->ndomains <= MAX_DOMAINS);
    for (size_t i = 0; i < r->ndomains; i++)
        CHECK(from_argv(r->domains[i], argv, first, argc));
}

static void check_message(const char *err)
{
    CHECK(*err != '\0' && strchr(err, '\n') == NULL);
}

/* The words as a command line: "setspn WORD...". */
static void parse_command(char **words, int nwords)
{
    char **argv = calloc((size_t)nwords + 2, sizeof(*argv));
    char argv0[] = "setspn";
    struct options o;
    char *err;

    if (argv == NULL)
        abort();
    argv[0] = argv0;
    memcpy(argv + 1, words, (size_t)nwords * sizeof(*argv));
    err = args_parse(nwords + 1, argv, &o);
    if (err != NULL) {
        check_message(err);
    } else if (!o.help && !o.version && !o.empty && o.batch == NULL) {
        check_request(&o.req, argv, 1, nwords + 1);
        CHECK(from_argv(o.uri, argv, 1, nwords + 1));
    }
    free(err);
    free(argv);
}

/* The words as a line of a batch. */
static void parse_line(char **words, int nwords)
{
    struct request q;
    char *err = args_parse_line(nwords, words, &q);

    if (err != NULL)
        check_message(err);
    else
        check_request(&q, words, 0, nwords);
    free(err);
}

static void line(const char *text)
{
    char **words = (char **)&words; /* must be overwritten */
    int n = -1;
    const char *why = batch_split(text, &words, &n);

    if (why != NULL) {
        CHECK(*why != '\0' && words == NULL);
        return;
    }
    CHECK(words != NULL && n >= 0 && words[n] == NULL);
    for (int i = 0; i < n; i++)
        CHECK(words[i] != NULL && strlen(words[i]) <= strlen(text));
    parse_command(words, n);
    parse_line(words, n);
    batch_free_words(words, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Lines end after '\n'; a NUL ends a line's text, as for getline's
     * caller.  Each line gets a buffer of its own, so a read past its end
     * is caught. */
    for (size_t off = 0; off < size;) {
        const uint8_t *nl = memchr(data + off, '\n', size - off);
        size_t len = nl != NULL ? (size_t)(nl - data) + 1 - off : size - off;
        char *text = malloc(len + 1);

        if (text == NULL)
            return 0;
        memcpy(text, data + off, len);
        text[len] = '\0';
        line(text);
        free(text);
        off += len;
    }
    return 0;
}
