/* Diagnostics for the front end: every message is prefixed "setspn: ". */
#ifndef SETSPN_MSG_H
#define SETSPN_MSG_H

#include <stdarg.h>

#define MSG_PRINTF(f, a) __attribute__((format(printf, f, a)))

void warn(const char *fmt, ...) MSG_PRINTF(1, 2);
/* Prints like warn() and exits with status. */
_Noreturn void die(int status, const char *fmt, ...) MSG_PRINTF(2, 3);

#endif
