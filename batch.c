#include "batch.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quote.h"
#include "report.h"
#include "spn.h"
#include "xalloc.h"

struct words {
    char **v;
    int n;
    char *cur; /* the word being built */
    size_t len;
    bool in_word;
};

static void push_char(struct words *w, char c)
{
    w->cur[w->len++] = c;
    w->in_word = true;
}

static void end_word(struct words *w)
{
    char *word;

    if (!w->in_word)
        return;
    word = malloc(w->len + 1);
    if (word == NULL)
        abort();
    memcpy(word, w->cur, w->len);
    word[w->len] = '\0';
    w->v = realloc(w->v, ((size_t)w->n + 2) * sizeof(*w->v));
    if (w->v == NULL)
        abort();
    w->v[w->n++] = word;
    w->v[w->n] = NULL;
    w->len = 0;
    w->in_word = false;
}

void batch_free_words(char **argv, int argc)
{
    if (argv == NULL)
        return;
    for (int i = 0; i < argc; i++)
        free(argv[i]);
    free(argv);
}

const char *batch_split(const char *line, char ***argv, int *argc)
{
    struct words w = { NULL, 0, NULL, 0, false };
    const char *p = line, *why = NULL;

    *argv = NULL;
    *argc = 0;
    /* A word is never longer than the line. */
    w.cur = malloc(strlen(line) + 1);
    if (w.cur == NULL)
        abort();
    while (*p != '\0' && why == NULL) {
        char c = *p++;

        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            end_word(&w);
        } else if (c == '#' && !w.in_word) {
            break;
        } else if (c == '\\') {
            /* No continuation lines: each command is one line. */
            if (*p == '\0' || *p == '\n' || *p == '\r')
                why = "a backslash ends the line";
            else
                push_char(&w, *p++);
        } else if (c == '\'') {
            w.in_word = true;
            while (*p != '\0' && *p != '\'')
                push_char(&w, *p++);
            if (*p == '\0')
                why = "unterminated single quote";
            else
                p++;
        } else if (c == '"') {
            w.in_word = true;
            while (*p != '\0' && *p != '"') {
                /* Inside double quotes a backslash escapes only these. */
                if (*p == '\\' && p[1] != '\0' && strchr("\"\\$`", p[1]))
                    p++;
                push_char(&w, *p++);
            }
            if (*p == '\0')
                why = "unterminated double quote";
            else
                p++;
        } else {
            push_char(&w, c);
        }
    }
    if (why == NULL)
        end_word(&w);
    free(w.cur);
    if (why != NULL) {
        batch_free_words(w.v, w.n);
        return why;
    }
    if (w.v == NULL) { /* no words: an empty, NULL-terminated vector */
        w.v = calloc(1, sizeof(*w.v));
        if (w.v == NULL)
            abort();
    }
    *argv = w.v;
    *argc = w.n;
    return NULL;
}

char *batch_check_job(struct job *j)
{
    const struct request *q = &j->q;
    const char *why;
    char *msg = NULL, *v;

    if (q->spn != NULL) {
        bool writes = q->verb == VERB_ADD_CHECK || q->verb == VERB_ADD;

        why = writes                     ? spn_check_write(q->spn)
              : q->verb == VERB_VERIFY ? spn_check_verify(q->spn)
                                       : spn_check_lookup(q->spn);
        if (why != NULL) {
            v = quote_value(q->spn);
            msg = xasprintf("invalid SPN %s: %s", v, why);
            free(v);
            return msg;
        }
    }
    for (size_t i = 0; i < q->ndomains; i++) {
        why = account_check_domain(q->domains[i]);
        if (why != NULL) {
            v = quote_value(q->domains[i]);
            msg = xasprintf("invalid domain %s for -T: %s", v, why);
            free(v);
            return msg;
        }
    }
    if (q->account != NULL) {
        why = account_parse(q->account, &j->ref);
        if (why != NULL) {
            v = quote_value(q->account);
            msg = xasprintf("invalid account %s: %s", v, why);
            free(v);
        }
    }
    return msg;
}

void batch_jobs_free(struct job *jobs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        account_ref_free(&jobs[i].ref);
        batch_free_words(jobs[i].words, jobs[i].nwords);
    }
    free(jobs);
}

/* Parses and checks one line; a message (malloc'd) if it is bad. */
static char *read_line(char *line, size_t len, bool idempotent,
                       struct job *j)
{
    const char *why = len != strlen(line)
                          ? "contains a NUL byte"
                          : batch_split(line, &j->words, &j->nwords);
    char *err;

    if (why != NULL)
        return xstrdup(why);
    if (j->nwords == 0)
        return NULL;
    err = args_parse_line(j->nwords, j->words, &j->q);
    j->q.idempotent = j->q.idempotent || idempotent;
    return err != NULL ? err : batch_check_job(j);
}

enum status batch_read(const char *path, bool idempotent, struct job **jobs,
                       size_t *njobs)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0;
    enum status st = ST_OK;

    *jobs = NULL;
    *njobs = 0;
    if (f == NULL) {
        report_failure("cannot read batch file %s: %s", path,
                       strerror(errno));
        return ST_INVALID;
    }
    for (ssize_t len; (len = getline(&line, &cap, f)) >= 0;) {
        struct job j = { .line = ++lineno };
        char *err = read_line(line, (size_t)len, idempotent, &j);

        if (err != NULL) {
            report_begin("none", NULL, NULL, lineno);
            report_failure("batch line %d: %s", lineno, err);
            report_outcome(ST_INVALID);
            report_end();
            free(err);
            account_ref_free(&j.ref);
            batch_free_words(j.words, j.nwords);
            st = ST_INVALID;
            continue;
        }
        if (j.nwords == 0) {
            batch_free_words(j.words, j.nwords);
            continue;
        }
        *jobs = xrealloc(*jobs, (*njobs + 1) * sizeof(**jobs));
        (*jobs)[(*njobs)++] = j;
    }
    if (ferror(f)) {
        report_failure("cannot read batch file %s: %s", path,
                       strerror(errno));
        st = ST_INVALID;
    }
    free(line);
    if (f != stdin)
        fclose(f);
    if (st != ST_OK) {
        batch_jobs_free(*jobs, *njobs);
        *jobs = NULL;
        *njobs = 0;
    }
    return st;
}
