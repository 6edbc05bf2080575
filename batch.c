#include "batch.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

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
