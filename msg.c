#include "msg.h"

#include <stdio.h>
#include <stdlib.h>

#include "quote.h"
#include "xalloc.h"

__attribute__((format(printf, 1, 0)))
static void vmessage(const char *fmt, va_list ap)
{
    /* Messages carry directory data and servers' text: no byte of them
     * may draw on the terminal or start a line of its own. */
    char *text = xvasprintf(fmt, ap), *safe = quote_message(text);

    fflush(stdout); /* keep stdout and stderr in order on a shared terminal */
    fprintf(stderr, "setspn: %s\n", safe);
    free(safe);
    free(text);
}

void warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmessage(fmt, ap);
    va_end(ap);
}

void die(int status, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmessage(fmt, ap);
    va_end(ap);
    exit(status);
}
