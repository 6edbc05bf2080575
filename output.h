/*
 * The text renderer: Setspn.exe's lines, as scripts parse them, for each
 * event.  Nothing here decides anything.
 */
#ifndef SETSPN_OUTPUT_H
#define SETSPN_OUTPUT_H

#include <stdio.h>

#include "report.h"

/* Writes ev's lines to f.  Events with no text of their own (the
 * account's DN, an outcome, a note or failure, the DC) write nothing. */
void text_render(FILE *f, const struct event *ev);

#endif
