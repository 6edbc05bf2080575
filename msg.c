#include "msg.h"

#include <stdio.h>
#include <stdlib.h>

__attribute__((format(printf, 1, 0)))
static void vmessage(const char *fmt, va_list ap)
{
    fflush(stdout); /* keep stdout and stderr in order on a shared terminal */
    fputs("setspn: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
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
