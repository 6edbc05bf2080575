/*
 * The commands of a run: the command line, or a batch file (--batch) of
 * one setspn command a line, split into words as a POSIX shell splits
 * them (single and double quotes, backslash), with no expansion of any
 * kind.  Every command is checked before anything is sent to a DC.  The
 * splitting and checking are pure, unit-tested and fuzzed.
 */
#ifndef SETSPN_BATCH_H
#define SETSPN_BATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "account.h"
#include "args.h"
#include "status.h"

/* One command: the command line, or one line of a batch. */
struct job {
    struct request q;
    struct account_ref ref; /* parsed before connecting */
    int line;               /* batch line number; 0 on the command line */
    char **words;           /* the batch line's words (q points into them) */
    int nwords;
};

/* Splits line into *argc words in *argv (NULL-terminated; free with
 * batch_free_words).  A '#' that starts a word starts a comment; a blank or
 * comment-only line gives argc 0.  Returns NULL, or a static description
 * of what is wrong (then *argv is NULL). */
const char *batch_split(const char *line, char ***argv, int *argc);
void batch_free_words(char **argv, int argc);

/* Checks every value of a command (SPN, -T domains, account) and parses
 * its account.  Returns NULL or a malloc'd message naming the bad value. */
char *batch_check_job(struct job *job);

/* Reads and checks every line of the batch file at path ("-": stdin),
 * reporting each bad line.  ST_OK with the commands in *jobs, or
 * ST_INVALID (and no commands) if any line is bad or the file cannot be
 * read.  idempotent (from the command line) holds for every line. */
enum status batch_read(const char *path, bool idempotent, struct job **jobs,
                       size_t *njobs);
void batch_jobs_free(struct job *jobs, size_t n);

#endif
