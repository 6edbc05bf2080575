/*
 * The options of --write-keytab: which keys to write (principals,
 * encryption types, kvno), how many old kvnos to keep, --rotate.  Parsed
 * here, pure, so every rule is unit-tested; args.c hands over the long
 * options it does not know itself.
 */
#ifndef SETSPN_KTOPTS_H
#define SETSPN_KTOPTS_H

#include <stdbool.h>
#include <stddef.h>

#define KT_MAX_SPNS 64
#define KT_MAX_ENCTYPES 4
#define KT_DEFAULT_KEEP 2

enum kt_kvno {
    KT_KVNO_CURRENT, /* msDS-KeyVersionNumber, as it is */
    KT_KVNO_NEXT,    /* the one the next password change gives */
    KT_KVNO_EXPLICIT /* --kvno N */
};

struct keytab_opts {
    const char *file;          /* --write-keytab FILE (points into argv) */
    const char *password_file; /* --account-password-file FILE */
    const char *spns[KT_MAX_SPNS]; /* --spn, in order given */
    size_t nspns;
    int enctypes[KT_MAX_ENCTYPES]; /* --enctypes, Kerberos numbers */
    size_t nenctypes;          /* 0: the account's default */
    enum kt_kvno kvno_mode;    /* --kvno */
    unsigned long kvno;        /* --kvno N */
    unsigned keep_kvnos;       /* --keep-kvnos N */
    bool keep_given;
    bool rotate;               /* --rotate */
    bool force;                /* --force */
    bool any;                  /* any of the options above but FILE */
};

/* Defaults. */
void ktopts_init(struct keytab_opts *o);

/* Whether name (len bytes, "--spn") is one of these options: 0 not, 1 a
 * flag, 2 one that takes a value. */
int ktopts_kind(const char *name, size_t len);

/* Sets option name (ktopts_kind > 0) from value (NULL for a flag).
 * Returns NULL or a malloc'd message naming the bad value. */
char *ktopts_set(struct keytab_opts *o, const char *name, size_t len,
                 const char *value);

/* "aes256,aes128" (names as MIT prints them, or short: aes256, aes128,
 * rc4) into Kerberos enctype numbers, without repeats.  NULL or a
 * message. */
char *ktopts_parse_enctypes(const char *list, int *out, size_t *n);
/* "next" or a number from 1 to 4294967295. */
char *ktopts_parse_kvno(const char *arg, enum kt_kvno *mode,
                        unsigned long *kvno);

/* The rules between them, once all are read (keytab_verb: the command is
 * --write-keytab).  NULL or a message. */
char *ktopts_check(const struct keytab_opts *o, bool keytab_verb);

/* The enctypes msDS-SupportedEncryptionTypes bits allow, strongest first,
 * DES never: into out (KT_MAX_ENCTYPES).  Returns how many. */
size_t ktopts_from_bits(unsigned long bits, int *out);

#endif
