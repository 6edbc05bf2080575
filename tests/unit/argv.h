/*
 * Helpers the args tests share (args.c, args_line.c): command lines built
 * from NULL-terminated arguments, and tables of refused command lines.
 */
#ifndef SETSPN_UNIT_ARGV_H
#define SETSPN_UNIT_ARGV_H

#include <stdbool.h>
#include <stddef.h>

#include "args.h"

#define MAXARGS 40

/* Parses "setspn" followed by the NULL-terminated arguments. */
char *argv_parse(struct options *o, ...);

#define parse_ok(o, ...) \
    unit_expect_ok(#__VA_ARGS__, argv_parse((o), __VA_ARGS__, (const char *)NULL))

/* Command lines that must be refused, each with its exact message. */
struct refusal {
    const char *want;
    const char *args[12]; /* NULL-terminated */
};

/* "setspn" (with with_name) and the case's arguments, and the command line
 * as text, to name the case. */
int refusal_argv(const struct refusal *c, bool with_name, char **argv,
                 char *what, size_t whatlen);
/* Each case's command line is refused with its exact message. */
void check_refusals(const struct refusal *c, size_t n);
/* The same for the words of a batch line. */
void check_line_refusals(const struct refusal *c, size_t n);

#endif
