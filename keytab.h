/*
 * The keytab file (MIT's format 0x0502, which every Kerberos library
 * reads): its entries decoded and encoded, the merge of new keys into an
 * existing file, and the safe write of the result (a temporary file
 * beside it, renamed over it; mode, owner and group kept).  No Kerberos
 * library here, so all of it is unit-tested with files and fixed keys.
 */
#ifndef SETSPN_KEYTAB_H
#define SETSPN_KEYTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kt_entry {
    char *realm;
    char **comps;         /* the name's components: "HTTP", "web.x" */
    size_t ncomps;
    uint32_t name_type;   /* 1 principal, 2 service (KRB5_NT_*) */
    uint32_t timestamp;
    uint32_t kvno;
    uint16_t enctype;
    unsigned char *key;
    size_t keylen;
    unsigned char *raw;   /* the record as read (kept entries are written
                           * back byte for byte), or NULL for a new one */
    size_t rawlen;
};

struct keytab {
    struct kt_entry *v;
    size_t n;
};

/* Wipes every key and frees; kt is then empty. */
void keytab_free(struct keytab *kt);

/* Decodes a keytab file's bytes (an empty file is an empty keytab).
 * Returns NULL, or a malloc'd message saying what is wrong. */
char *keytab_decode(const unsigned char *buf, size_t len, struct keytab *out);
/* The file's bytes for kt (malloc'd; the caller wipes and frees). */
unsigned char *keytab_encode(const struct keytab *kt, size_t *len);

/* Adds a new entry for "comp/comp@REALM" parts; key is copied. */
void keytab_add(struct keytab *kt, const char *realm, char *const *comps,
                size_t ncomps, uint32_t name_type, uint32_t kvno,
                uint16_t enctype, const unsigned char *key, size_t keylen,
                uint32_t timestamp);

/* The principal's printed name, "HTTP/web.x@REALM" ('/', '@' and '\'
 * inside a part escaped with '\', as Kerberos prints them).  Caller
 * frees. */
char *kt_entry_name(const struct kt_entry *e);
/* Whether a and b name the same principal (as the directory compares
 * names: case-insensitively). */
bool kt_same_principal(const struct kt_entry *a, const struct kt_entry *b);

struct kt_merge_counts {
    size_t written;  /* new entries (an identical one kept counts here) */
    size_t kept;     /* entries of the file kept besides */
    size_t removed;  /* entries of the file dropped */
};

/*
 * Merges add into old, in place: entries of other principals stay as
 * they are; an entry with the principal, kvno and encryption type of a
 * new one is replaced by it (or kept as it is when its key is the same,
 * so the same run twice gives the same file); of a principal that add
 * writes, other entries at the kvno written stay, and of its other kvnos
 * the keep_kvnos highest stay, the rest go.  New entries not replacing
 * one go at the end, in add's order.
 */
void keytab_merge(struct keytab *old, const struct keytab *add,
                  unsigned keep_kvnos, struct kt_merge_counts *counts);

/* Reads path (absent: empty, *exists false).  Returns NULL or a malloc'd
 * message (not a regular file, unreadable, not a keytab). */
char *keytab_read_file(const char *path, struct keytab *out, bool *exists);

/* Checks that path can be written the way keytab_write_file writes it:
 * not a symbolic link nor another kind of file, and a temporary file can
 * be made in its directory (made and removed).  NULL or a message. */
char *keytab_check_writable(const char *path);

/*
 * Writes kt to path through a temporary file in the same directory,
 * synced, then renamed over it: a reader sees the old file or the new,
 * never half of one, and a failure leaves the old file and no temporary
 * one.  A new file gets mode 0600; an existing one keeps its mode, owner
 * and group (or nothing is written).  *changed is false when the file
 * held exactly these bytes already (then it is left alone).  NULL or a
 * malloc'd message.
 */
char *keytab_write_file(const char *path, const struct keytab *kt,
                        bool *changed);

#endif
