#include "ktopts.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fixcmd.h"
#include "quote.h"
#include "spn.h"
#include "xalloc.h"

#define ET_AES256 18
#define ET_AES128 17
#define ET_RC4 23

void ktopts_init(struct keytab_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->keep_kvnos = KT_DEFAULT_KEEP;
}

static const struct {
    const char *name;
    int kind;
} options[] = {
    { "--account-password-file", 2 }, { "--spn", 2 }, { "--enctypes", 2 },
    { "--kvno", 2 }, { "--keep-kvnos", 2 }, { "--rotate", 1 },
    { "--force", 1 },
};

int ktopts_kind(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof(options) / sizeof(*options); i++)
        if (strlen(options[i].name) == len
            && strncmp(options[i].name, name, len) == 0)
            return options[i].kind;
    return 0;
}

static char *bad(const char *opt, const char *value, const char *why)
{
    char *q = quote_value(value);
    char *m = xasprintf("%s %s: %s", opt, q, why);

    free(q);
    return m;
}

static const struct {
    const char *name;
    int enctype;
} names[] = {
    { "aes256-cts-hmac-sha1-96", ET_AES256 }, { "aes256-cts", ET_AES256 },
    { "aes256", ET_AES256 },
    { "aes128-cts-hmac-sha1-96", ET_AES128 }, { "aes128-cts", ET_AES128 },
    { "aes128", ET_AES128 },
    { "rc4-hmac", ET_RC4 }, { "arcfour-hmac", ET_RC4 }, { "rc4", ET_RC4 },
    { "arcfour-hmac-md5", ET_RC4 },
};

char *ktopts_parse_enctypes(const char *list, int *out, size_t *n)
{
    const char *p = list;

    *n = 0;
    if (*list == '\0')
        return xasprintf("--enctypes needs a list (aes256,aes128,rc4)");
    while (*p != '\0') {
        size_t len = strcspn(p, ", ");
        int et = 0;
        bool dup = false;

        for (size_t i = 0; i < sizeof(names) / sizeof(*names) && !et; i++)
            if (strlen(names[i].name) == len
                && strncasecmp(names[i].name, p, len) == 0)
                et = names[i].enctype;
        if (et == 0) {
            char *w = xstrndup(p, len);
            char *m = bad("--enctypes", w,
                          len >= 3 && strncasecmp(p, "des", 3) == 0
                              ? "DES is broken and no longer in Kerberos "
                                "libraries: use aes256, aes128 (or rc4)"
                              : "not an encryption type (aes256, aes128, "
                                "rc4)");

            free(w);
            return m;
        }
        for (size_t i = 0; i < *n; i++)
            dup = dup || out[i] == et;
        if (!dup)
            out[(*n)++] = et;
        p += len;
        p += strspn(p, ", ");
    }
    return NULL;
}

char *ktopts_parse_kvno(const char *arg, enum kt_kvno *mode,
                        unsigned long *kvno)
{
    char *end;
    unsigned long v;

    if (strcmp(arg, "next") == 0) {
        *mode = KT_KVNO_NEXT;
        return NULL;
    }
    errno = 0;
    v = strtoul(arg, &end, 10);
    if (!isdigit((unsigned char)arg[0]) || errno != 0 || *end != '\0'
        || v == 0 || v > 0xffffffffUL)
        return bad("--kvno", arg, "give next or a number from 1 to "
                                  "4294967295");
    *mode = KT_KVNO_EXPLICIT;
    *kvno = v;
    return NULL;
}

char *ktopts_set(struct keytab_opts *o, const char *name, size_t len,
                 const char *value)
{
#define IS(s) (strlen(s) == len && strncmp(name, s, len) == 0)
    o->any = true;
    if (IS("--rotate")) {
        o->rotate = true;
    } else if (IS("--force")) {
        o->force = true;
    } else if (IS("--account-password-file")) {
        o->password_file = value;
    } else if (IS("--spn")) {
        const char *why = spn_check_lookup(value);

        if (why != NULL)
            return bad("--spn", value, why);
        if (strchr(value, '/') == NULL || strchr(value, '@') != NULL
            || strchr(value, '\\') != NULL)
            return bad("--spn", value, "not an SPN (class/host, no @ or "
                                       "backslash)");
        if (o->nspns == KT_MAX_SPNS)
            return xasprintf("at most %d --spn", KT_MAX_SPNS);
        o->spns[o->nspns++] = value;
    } else if (IS("--enctypes")) {
        return ktopts_parse_enctypes(value, o->enctypes, &o->nenctypes);
    } else if (IS("--kvno")) {
        return ktopts_parse_kvno(value, &o->kvno_mode, &o->kvno);
    } else if (IS("--keep-kvnos")) {
        char *end;
        unsigned long v;

        errno = 0;
        v = strtoul(value, &end, 10);
        if (!isdigit((unsigned char)value[0]) || errno != 0 || *end != '\0'
            || v > 100)
            return bad("--keep-kvnos", value, "give a number from 0 to 100");
        o->keep_kvnos = (unsigned)v;
        o->keep_given = true;
    }
#undef IS
    return NULL;
}

char *ktopts_check(const struct keytab_opts *o, bool keytab_verb)
{
    if (!keytab_verb) {
        if (o->any)
            return xasprintf("--account-password-file, --spn, --enctypes, "
                             "--kvno, --keep-kvnos, --rotate and --force go "
                             "with --write-keytab");
        return NULL;
    }
    if (o->rotate && o->kvno_mode != KT_KVNO_CURRENT)
        return xasprintf("--rotate writes the next kvno itself: no --kvno "
                         "with it");
    if (o->rotate && o->password_file != NULL)
        return xasprintf("--rotate sets a new random password: no "
                         "--account-password-file with it");
    if (o->force && !o->rotate)
        return xasprintf("--force goes with --rotate");
    return NULL;
}

size_t ktopts_from_bits(unsigned long bits, int *out)
{
    size_t n = 0;

    if (bits & ENC_AES256)
        out[n++] = ET_AES256;
    if (bits & ENC_AES128)
        out[n++] = ET_AES128;
    if (bits & ENC_RC4)
        out[n++] = ET_RC4;
    return n;
}
