/*
 * Batch files (--batch): one setspn command a line, split into words as a
 * POSIX shell splits them (single and double quotes, backslash), with no
 * expansion of any kind.  Pure, so it is unit-tested and fuzzed.
 */
#ifndef SETSPN_BATCH_H
#define SETSPN_BATCH_H

/* Splits line into *argc words in *argv (NULL-terminated; free with
 * batch_free_words).  A '#' that starts a word starts a comment; a blank or
 * comment-only line gives argc 0.  Returns NULL, or a static description
 * of what is wrong (then *argv is NULL). */
const char *batch_split(const char *line, char ***argv, int *argc);
void batch_free_words(char **argv, int argc);

#endif
