#include "keytab.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"

/* The file starts with 0x05 0x02; 0x0501 (host byte order) is from the
 * 1990s and not read. */
#define KT_VNO 0x0502
/* A keytab larger than this is not one setspn wrote or would merge. */
#define KT_MAX_FILE (16u << 20)

/* ------------------------------------------------------------ entries */

static void kt_entry_clear(struct kt_entry *e)
{
    free(e->realm);
    for (size_t i = 0; i < e->ncomps; i++)
        free(e->comps[i]);
    free(e->comps);
    if (e->key != NULL)
        explicit_bzero(e->key, e->keylen);
    free(e->key);
    if (e->raw != NULL)
        explicit_bzero(e->raw, e->rawlen);
    free(e->raw);
    memset(e, 0, sizeof(*e));
}

void keytab_free(struct keytab *kt)
{
    for (size_t i = 0; i < kt->n; i++)
        kt_entry_clear(&kt->v[i]);
    free(kt->v);
    kt->v = NULL;
    kt->n = 0;
}

static struct kt_entry *grow(struct keytab *kt)
{
    kt->v = xrealloc(kt->v, (kt->n + 1) * sizeof(*kt->v));
    memset(&kt->v[kt->n], 0, sizeof(*kt->v));
    return &kt->v[kt->n++];
}

static unsigned char *memdup(const void *p, size_t n)
{
    unsigned char *r = xcalloc(1, n + 1);

    if (n > 0)
        memcpy(r, p, n);
    return r;
}

void keytab_add(struct keytab *kt, const char *realm, char *const *comps,
                size_t ncomps, uint32_t name_type, uint32_t kvno,
                uint16_t enctype, const unsigned char *key, size_t keylen,
                uint32_t timestamp)
{
    struct kt_entry *e = grow(kt);

    e->realm = xstrdup(realm);
    e->comps = xcalloc(ncomps + 1, sizeof(*e->comps));
    for (size_t i = 0; i < ncomps; i++)
        e->comps[i] = xstrdup(comps[i]);
    e->ncomps = ncomps;
    e->name_type = name_type;
    e->kvno = kvno;
    e->enctype = enctype;
    e->key = memdup(key, keylen);
    e->keylen = keylen;
    e->timestamp = timestamp;
}

static void put_part(char **out, size_t *len, const char *s)
{
    for (; *s != '\0'; s++) {
        if (*s == '/' || *s == '@' || *s == '\\')
            (*out)[(*len)++] = '\\';
        (*out)[(*len)++] = *s;
    }
}

char *kt_entry_name(const struct kt_entry *e)
{
    size_t cap = 2 * strlen(e->realm) + 2, len = 0;
    char *r;

    for (size_t i = 0; i < e->ncomps; i++)
        cap += 2 * strlen(e->comps[i]) + 1;
    r = xcalloc(1, cap + 1);
    for (size_t i = 0; i < e->ncomps; i++) {
        if (i > 0)
            r[len++] = '/';
        put_part(&r, &len, e->comps[i]);
    }
    r[len++] = '@';
    put_part(&r, &len, e->realm);
    r[len] = '\0';
    return r;
}

bool kt_same_principal(const struct kt_entry *a, const struct kt_entry *b)
{
    if (a->ncomps != b->ncomps || strcasecmp(a->realm, b->realm) != 0)
        return false;
    for (size_t i = 0; i < a->ncomps; i++)
        if (strcasecmp(a->comps[i], b->comps[i]) != 0)
            return false;
    return true;
}

/* ----------------------------------------------------------- decoding */

struct rd {
    const unsigned char *p, *end;
};

static bool get16(struct rd *r, uint16_t *v)
{
    if (r->end - r->p < 2)
        return false;
    *v = (uint16_t)(r->p[0] << 8 | r->p[1]);
    r->p += 2;
    return true;
}

static bool get32(struct rd *r, uint32_t *v)
{
    if (r->end - r->p < 4)
        return false;
    *v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16
         | (uint32_t)r->p[2] << 8 | r->p[3];
    r->p += 4;
    return true;
}

/* A counted string; a NUL inside is refused (no name holds one). */
static bool get_str(struct rd *r, char **s)
{
    uint16_t n;

    if (!get16(r, &n) || r->end - r->p < n || memchr(r->p, 0, n) != NULL)
        return false;
    *s = (char *)memdup(r->p, n); /* NUL-terminated, no read past n */
    r->p += n;
    return true;
}

static bool decode_entry(const unsigned char *rec, size_t len,
                         struct kt_entry *e)
{
    struct rd r = { rec, rec + len };
    uint16_t n, keylen;
    uint32_t vno32;

    if (!get16(&r, &n) || n == 0 || !get_str(&r, &e->realm))
        return false;
    e->comps = xcalloc((size_t)n + 1, sizeof(*e->comps));
    for (; e->ncomps < n; e->ncomps++)
        if (!get_str(&r, &e->comps[e->ncomps]))
            return false;
    if (!get32(&r, &e->name_type) || !get32(&r, &e->timestamp)
        || r.p == r.end)
        return false;
    e->kvno = *r.p++;
    if (!get16(&r, &e->enctype) || !get16(&r, &keylen)
        || r.end - r.p < keylen)
        return false;
    e->key = memdup(r.p, keylen);
    e->keylen = keylen;
    r.p += keylen;
    /* the 32-bit kvno, when present and not 0, is the real one */
    if (get32(&r, &vno32) && vno32 != 0)
        e->kvno = vno32;
    e->raw = memdup(rec, len);
    e->rawlen = len;
    return true;
}

char *keytab_decode(const unsigned char *buf, size_t len, struct keytab *out)
{
    struct rd r = { buf, buf + len };
    uint16_t vno;

    memset(out, 0, sizeof(*out));
    if (len == 0)
        return NULL;
    if (!get16(&r, &vno) || vno != KT_VNO)
        return xasprintf("not a keytab of format 0x0502 (it starts 0x%02x%02x)",
                         buf[0], len > 1 ? buf[1] : 0);
    while (r.p < r.end) {
        uint32_t u;
        int32_t size;
        size_t at = (size_t)(r.p - buf);

        if (!get32(&r, &u))
            return xasprintf("a truncated record at byte %zu", at);
        size = (int32_t)u;
        if (size == 0)
            break; /* the end, as MIT writes it after a removal */
        if (size < 0) { /* a hole left by a removed entry */
            if (size == INT32_MIN || r.end - r.p < -(int64_t)size)
                return xasprintf("a truncated hole at byte %zu", at);
            r.p += -(int64_t)size;
            continue;
        }
        if (r.end - r.p < size)
            return xasprintf("a truncated record at byte %zu", at);
        if (!decode_entry(r.p, (size_t)size, grow(out))) {
            keytab_free(out);
            return xasprintf("a malformed record at byte %zu", at);
        }
        r.p += size;
    }
    return NULL;
}

/* ----------------------------------------------------------- encoding */

struct wr {
    unsigned char *p;
    size_t len, cap;
};

static void put(struct wr *w, const void *p, size_t n)
{
    if (w->len + n > w->cap) {
        size_t cap = (w->cap + n) * 2;
        unsigned char *b = xcalloc(1, cap);

        /* no stale copy of a key left by realloc */
        if (w->len > 0)
            memcpy(b, w->p, w->len);
        if (w->p != NULL)
            explicit_bzero(w->p, w->cap);
        free(w->p);
        w->p = b;
        w->cap = cap;
    }
    memcpy(w->p + w->len, p, n);
    w->len += n;
}

static void put16(struct wr *w, uint32_t v)
{
    unsigned char b[2] = { (unsigned char)(v >> 8), (unsigned char)v };

    put(w, b, 2);
}

static void put32(struct wr *w, uint32_t v)
{
    unsigned char b[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
                           (unsigned char)(v >> 8), (unsigned char)v };

    put(w, b, 4);
}

static void put_str(struct wr *w, const char *s)
{
    size_t n = strlen(s);

    put16(w, (uint32_t)n);
    put(w, s, n);
}

static void encode_entry(struct wr *w, const struct kt_entry *e)
{
    size_t at = w->len;
    unsigned char size[4];

    put32(w, 0); /* the size, filled in below */
    if (e->raw != NULL) {
        put(w, e->raw, e->rawlen);
    } else {
        unsigned char vno8 = (unsigned char)(e->kvno & 0xff);

        put16(w, (uint32_t)e->ncomps);
        put_str(w, e->realm);
        for (size_t i = 0; i < e->ncomps; i++)
            put_str(w, e->comps[i]);
        put32(w, e->name_type);
        put32(w, e->timestamp);
        put(w, &vno8, 1);
        put16(w, e->enctype);
        put16(w, (uint32_t)e->keylen);
        put(w, e->key, e->keylen);
        put32(w, e->kvno);
    }
    {
        uint32_t n = (uint32_t)(w->len - at - 4);

        size[0] = (unsigned char)(n >> 24);
        size[1] = (unsigned char)(n >> 16);
        size[2] = (unsigned char)(n >> 8);
        size[3] = (unsigned char)n;
        memcpy(w->p + at, size, 4);
    }
}

unsigned char *keytab_encode(const struct keytab *kt, size_t *len)
{
    struct wr w = { NULL, 0, 0 };

    put16(&w, KT_VNO);
    for (size_t i = 0; i < kt->n; i++)
        encode_entry(&w, &kt->v[i]);
    *len = w.len;
    return w.p;
}

/* -------------------------------------------------------------- merge */

/* The kvno add writes for e's principal, or -1 when add has none. */
static long written_kvno(const struct keytab *add, const struct kt_entry *e)
{
    for (size_t i = 0; i < add->n; i++)
        if (kt_same_principal(&add->v[i], e))
            return (long)add->v[i].kvno;
    return -1;
}

/* Whether kvno is among the keep highest kvnos of e's principal in old,
 * other than the one written. */
static bool recent(const struct keytab *old, const struct kt_entry *e,
                   long written, unsigned keep)
{
    unsigned higher = 0;
    uint32_t seen[256];
    size_t nseen = 0;

    for (size_t i = 0; i < old->n; i++) {
        const struct kt_entry *o = &old->v[i];
        bool dup = false;

        if (!kt_same_principal(o, e) || (long)o->kvno == written
            || o->kvno <= e->kvno)
            continue;
        for (size_t k = 0; k < nseen; k++)
            dup = dup || seen[k] == o->kvno;
        if (dup)
            continue;
        if (nseen < sizeof(seen) / sizeof(*seen))
            seen[nseen++] = o->kvno;
        higher++;
    }
    return higher < keep;
}

void keytab_merge(struct keytab *old, const struct keytab *add,
                  unsigned keep_kvnos, struct kt_merge_counts *counts)
{
    bool *placed = xcalloc(add->n + 1, sizeof(*placed));
    bool *drop = xcalloc(old->n + 1, sizeof(*drop));
    struct keytab out = { NULL, 0 };

    memset(counts, 0, sizeof(*counts));
    for (size_t i = 0; i < old->n; i++) {
        struct kt_entry *e = &old->v[i];
        long written = written_kvno(add, e);
        bool replaced = false;

        if (written < 0) {
            counts->kept++;
            continue;
        }
        for (size_t k = 0; k < add->n && !replaced; k++) {
            const struct kt_entry *a = &add->v[k];

            if (placed[k] || !kt_same_principal(a, e) || a->kvno != e->kvno
                || a->enctype != e->enctype)
                continue;
            replaced = true;
            placed[k] = true;
            if (a->keylen != e->keylen
                || memcmp(a->key, e->key, a->keylen) != 0) {
                /* a new key for the same kvno: the new entry, here */
                kt_entry_clear(e);
                keytab_add(&out, a->realm, a->comps, a->ncomps, a->name_type,
                           a->kvno, a->enctype, a->key, a->keylen,
                           a->timestamp);
                *e = out.v[0];
                out.n = 0;
            }
        }
        if (replaced)
            continue;
        if ((long)e->kvno == written
            || recent(old, e, written, keep_kvnos))
            counts->kept++;
        else
            drop[i] = true;
    }
    free(out.v);
    /* the dropped go, the rest keep their order */
    {
        size_t k = 0;

        for (size_t i = 0; i < old->n; i++) {
            if (drop[i]) {
                kt_entry_clear(&old->v[i]);
                counts->removed++;
            } else {
                old->v[k++] = old->v[i];
            }
        }
        old->n = k;
    }
    for (size_t k = 0; k < add->n; k++) {
        const struct kt_entry *a = &add->v[k];

        if (!placed[k])
            keytab_add(old, a->realm, a->comps, a->ncomps, a->name_type,
                       a->kvno, a->enctype, a->key, a->keylen, a->timestamp);
    }
    counts->written = add->n;
    free(placed);
    free(drop);
}

/* --------------------------------------------------------------- files */

/* The whole of fd (at most KT_MAX_FILE bytes), or NULL with errno. */
static unsigned char *slurp(int fd, size_t *len)
{
    size_t cap = 4096, n = 0;
    unsigned char *b = xcalloc(1, cap);

    for (;;) {
        ssize_t r;

        if (n == cap) {
            unsigned char *nb;

            if (cap >= KT_MAX_FILE) {
                explicit_bzero(b, cap);
                free(b);
                errno = EFBIG;
                return NULL;
            }
            nb = xcalloc(1, cap * 2);
            memcpy(nb, b, n);
            explicit_bzero(b, cap);
            free(b);
            b = nb;
            cap *= 2;
        }
        r = read(fd, b + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;

            explicit_bzero(b, cap);
            free(b);
            errno = e;
            return NULL;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    *len = n;
    return b;
}

char *keytab_read_file(const char *path, struct keytab *out, bool *exists)
{
    struct stat sb;
    unsigned char *buf;
    size_t len = 0;
    char *err;
    int fd;

    memset(out, 0, sizeof(*out));
    *exists = false;
    if (lstat(path, &sb) != 0) {
        if (errno == ENOENT)
            return NULL;
        return xasprintf("cannot read %s: %s", path, strerror(errno));
    }
    *exists = true;
    if (S_ISLNK(sb.st_mode))
        return xasprintf("%s is a symbolic link: name the file itself", path);
    if (!S_ISREG(sb.st_mode))
        return xasprintf("%s is not a regular file", path);
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
    if (fd < 0)
        return xasprintf("cannot read %s: %s", path, strerror(errno));
    buf = slurp(fd, &len);
    close(fd);
    if (buf == NULL)
        return xasprintf("cannot read %s: %s", path, strerror(errno));
    err = keytab_decode(buf, len, out);
    explicit_bzero(buf, len);
    free(buf);
    if (err != NULL) {
        char *m = xasprintf("%s is not a keytab setspn can merge into: %s "
                            "(nothing was written)", path, err);

        free(err);
        return m;
    }
    return NULL;
}

/* "<dir>/.<base>.XXXXXX" beside path. */
static char *temp_name(const char *path)
{
    char *d = xstrdup(path), *b = xstrdup(path);
    char *r = xasprintf("%s/.%s.XXXXXX", dirname(d), basename(b));

    free(d);
    free(b);
    return r;
}

static char *dir_of(const char *path)
{
    char *d = xstrdup(path);
    char *r = xstrdup(dirname(d));

    free(d);
    return r;
}

char *keytab_check_writable(const char *path)
{
    struct stat sb;
    char *tmp, *dir;
    int fd;

    if (*path == '\0')
        return xasprintf("the keytab's file name is empty");
    if (lstat(path, &sb) == 0) {
        if (S_ISLNK(sb.st_mode))
            return xasprintf("%s is a symbolic link: name the file itself",
                             path);
        if (!S_ISREG(sb.st_mode))
            return xasprintf("%s is not a regular file", path);
    } else if (errno != ENOENT) {
        return xasprintf("cannot use %s: %s", path, strerror(errno));
    }
    tmp = temp_name(path);
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        char *m;

        dir = dir_of(path);
        m = xasprintf("cannot write the keytab %s: cannot create a file in "
                      "%s: %s", path, dir, strerror(errno));
        free(dir);
        free(tmp);
        return m;
    }
    close(fd);
    unlink(tmp);
    free(tmp);
    return NULL;
}

static bool write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t r = write(fd, p, n);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        p += r;
        n -= (size_t)r;
    }
    return true;
}

/* Whether path holds exactly buf[0..len). */
static bool same_bytes(const char *path, const unsigned char *buf, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
    unsigned char *old;
    size_t n = 0;
    bool same;

    if (fd < 0)
        return false;
    old = slurp(fd, &n);
    close(fd);
    if (old == NULL)
        return false;
    same = n == len && memcmp(old, buf, len) == 0;
    explicit_bzero(old, n);
    free(old);
    return same;
}

char *keytab_write_file(const char *path, const struct keytab *kt,
                        bool *changed)
{
    struct stat sb;
    bool exists;
    size_t len = 0;
    unsigned char *buf = keytab_encode(kt, &len);
    char *tmp = NULL, *err = NULL, *dir;
    int fd = -1, dfd;

    *changed = false;
    if (lstat(path, &sb) == 0) {
        exists = true;
        if (!S_ISREG(sb.st_mode)) {
            err = xasprintf("%s is not a regular file", path);
            goto done;
        }
        if (same_bytes(path, buf, len))
            goto done;
    } else if (errno == ENOENT) {
        exists = false;
    } else {
        err = xasprintf("cannot write %s: %s", path, strerror(errno));
        goto done;
    }
    tmp = temp_name(path);
    fd = mkostemp(tmp, O_CLOEXEC); /* mode 0600 */
    if (fd < 0) {
        err = xasprintf("cannot write %s: %s", path, strerror(errno));
        free(tmp);
        tmp = NULL;
        goto done;
    }
    /* owner and group first: chown may clear mode bits */
    if (exists && fchown(fd, sb.st_uid, sb.st_gid) != 0) {
        err = xasprintf("cannot keep the owner and group of %s (uid %lu, "
                        "gid %lu): %s", path, (unsigned long)sb.st_uid,
                        (unsigned long)sb.st_gid, strerror(errno));
        goto done;
    }
    if (fchmod(fd, exists ? sb.st_mode & 07777 : 0600) != 0
        || !write_all(fd, buf, len) || fsync(fd) != 0) {
        err = xasprintf("cannot write %s: %s", tmp, strerror(errno));
        goto done;
    }
    if (close(fd) != 0) {
        fd = -1;
        err = xasprintf("cannot write %s: %s", tmp, strerror(errno));
        goto done;
    }
    fd = -1;
    if (rename(tmp, path) != 0) {
        err = xasprintf("cannot replace %s: %s", path, strerror(errno));
        goto done;
    }
    free(tmp);
    tmp = NULL;
    *changed = true;
    /* the rename itself on disk */
    dir = dir_of(path);
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    free(dir);
done:
    if (fd >= 0)
        close(fd);
    if (tmp != NULL) {
        unlink(tmp);
        free(tmp);
    }
    explicit_bzero(buf, len);
    free(buf);
    return err;
}
