#include "writekt.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "acctinfo.h"
#include "creds.h"
#include "fixcmd.h"
#include "keygen.h"
#include "keytab.h"
#include "msg.h"
#include "quote.h"
#include "report.h"
#include "spn.h"
#include "ticket.h"
#include "xalloc.h"

/* KRB5_NT_PRINCIPAL: what ktutil, msktutil and Samba write. */
#define NT_PRINCIPAL 1

struct wk {
    struct session *s;
    const struct options *o;
    const struct keytab_opts *kt;
    struct dir_account acct;
    struct dir_account_info info;
    char *realm;
    char *name;               /* sAMAccountName@REALM */
    char **spns;              /* the SPNs written, as the directory has them */
    size_t nspns;
    int enctypes[KT_MAX_ENCTYPES];
    size_t nenctypes;
    unsigned long kvno;       /* the kvno written */
    char *password;
    bool random_password;
    struct keygen_key keys[KT_MAX_ENCTYPES];
    size_t nkeys;
};

/* ------------------------------------------------------------- checks */

enum status writekt_precheck(const struct options *o)
{
    const char *file = o->kt.file;
    struct keytab old;
    bool exists;
    char *err;

    if (o->dry_run) {
        /* nothing is made, not even the probe: the directory is looked at */
        char *d = xstrdup(file), *slash = strrchr(d, '/');

        if (slash != NULL)
            *(slash == d ? slash + 1 : slash) = '\0';
        err = access(slash ? d : ".", W_OK | X_OK) != 0
            ? xasprintf("cannot write the keytab %s: %s", file,
                        strerror(errno))
            : NULL;
        free(d);
    } else {
        err = keytab_check_writable(file);
    }
    if (err == NULL) {
        err = keytab_read_file(file, &old, &exists);
        keytab_free(&old);
    }
    if (err == NULL)
        return ST_OK;
    report_begin(args_verb_name(VERB_KEYTAB), NULL, o->req.account, 0);
    report_failure("%s", err);
    report_outcome(ST_INVALID);
    report_end();
    free(err);
    return ST_INVALID;
}

/* The realm of a domain: its DN's DC= parts, upper case, with dots. */
static char *realm_of(const char *base)
{
    char *r = xcalloc(1, strlen(base) + 1);
    size_t n = 0;
    const char *p = base;

    while (*p != '\0') {
        size_t len = strcspn(p, ",");

        if (len > 3 && strncasecmp(p, "DC=", 3) == 0) {
            if (n > 0)
                r[n++] = '.';
            for (size_t i = 3; i < len; i++)
                r[n++] = (char)toupper((unsigned char)p[i]);
        }
        p += len;
        p += *p == ',';
    }
    return r;
}

/* An SPN the keytab can name: printable, class/host[/more], no '@' or
 * '\' (which a principal's printed form would have to escape). */
static bool principal_ok(const char *spn, size_t len)
{
    return len == strlen(spn) && quote_plain(spn, len)
           && spn_check_lookup(spn) == NULL && strchr(spn, '/') != NULL
           && strstr(spn, "//") == NULL && spn[len - 1] != '/'
           && strchr(spn, '@') == NULL && strchr(spn, '\\') == NULL;
}

static void add_spn(struct wk *w, const char *spn)
{
    w->spns = xrealloc(w->spns, (w->nspns + 1) * sizeof(*w->spns));
    w->spns[w->nspns++] = xstrdup(spn);
}

/* The SPNs written: those of --spn (each the account's), else all the
 * account's that a principal can name. */
static enum status choose_spns(struct wk *w)
{
    const struct entry *e = &w->acct.entry;

    for (size_t k = 0; k < w->kt->nspns; k++) {
        const char *found = NULL;

        for (size_t i = 0; i < e->nspns && found == NULL; i++)
            if (entry_len(e->spns, e->lens, i) == strlen(e->spns[i])
                && spn_equal(e->spns[i], w->kt->spns[k]))
                found = e->spns[i];
        if (found == NULL) {
            char *q = quote_value(w->kt->spns[k]);

            report_failure("%s is not an SPN of %s: the KDC gives no ticket "
                           "for it with this account's key (setspn -S it "
                           "first)", q, e->dn);
            free(q);
            return ST_INVALID;
        }
        add_spn(w, found);
    }
    if (w->kt->nspns > 0)
        return ST_OK;
    for (size_t i = 0; i < e->nspns; i++) {
        size_t len = entry_len(e->spns, e->lens, i);

        if (principal_ok(e->spns[i], len)) {
            add_spn(w, e->spns[i]);
        } else {
            char *q = quote_display(e->spns[i], len);

            report_note("%s: no keytab entry for it (not a name a Kerberos "
                        "principal can take)", q);
            free(q);
        }
    }
    return ST_OK;
}

/* The encryption types: --enctypes, else msDS-SupportedEncryptionTypes,
 * else AES and the type of a ticket the KDC issues for the account. */
static void choose_enctypes(struct wk *w)
{
    const struct dir_account_info *a = &w->info;
    struct ticket *t;
    char b[32];
    int et;

    if (w->kt->nenctypes > 0) {
        memcpy(w->enctypes, w->kt->enctypes,
               w->kt->nenctypes * sizeof(*w->enctypes));
        w->nenctypes = w->kt->nenctypes;
        return;
    }
    if (a->has_enctypes && (a->enctypes & (ENC_AES | ENC_RC4)) != 0) {
        w->nenctypes = ktopts_from_bits(a->enctypes, w->enctypes);
        if (a->enctypes & (ENC_DES_CRC | ENC_DES_MD5))
            report_note("msDS-SupportedEncryptionTypes of %s allows DES: no "
                        "DES key is written", a->dn);
        if (w->o->verbose)
            warn("encryption types from msDS-SupportedEncryptionTypes %lu",
                 a->enctypes);
        return;
    }
    w->enctypes[0] = 18;
    w->enctypes[1] = 17;
    w->nenctypes = 2;
    t = ticket_get(w->nspns > 0 ? w->spns[0] : w->name,
                   conn_timeout(w->s->conn));
    et = ticket_failure(t) == TICKET_OK ? ticket_enctype(t) : 0;
    if (et == 23 || (et != 0 && et != 18 && et != 17 && !enctype_weak(et)))
        w->enctypes[w->nenctypes++] = et;
    if (et == 0)
        report_note("no ticket for %s to learn its encryption type (%s): "
                    "AES keys only", w->nspns > 0 ? w->spns[0] : w->name,
                    ticket_error(t));
    else if (et != 18 && et != 17)
        report_note("msDS-SupportedEncryptionTypes of %s is unset: the KDC "
                    "issues %s tickets for it today, so the keytab gets "
                    "that key too; set the attribute (24: AES only) to "
                    "choose", a->dn, enctype_name(et, b, sizeof(b)));
    else if (w->o->verbose)
        warn("msDS-SupportedEncryptionTypes is unset; the KDC issues %s "
             "tickets for the account", enctype_name(et, b, sizeof(b)));
    ticket_free(t);
}

/* The account's password: --account-password-file, or the terminal. */
static enum status read_password(struct wk *w)
{
    char *msg = NULL;
    enum status st;

    if (w->kt->password_file == NULL) {
        int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

        if (fd < 0) {
            report_failure("the password of %s is needed and there is no "
                           "terminal to ask on: use --account-password-file",
                           w->name);
            return ST_INVALID;
        }
        close(fd);
    }
    st = creds_read_password(w->kt->password_file, w->name, &w->password,
                             &msg);
    if (st != ST_OK) {
        report_failure("%s", msg);
        free(msg);
    }
    return st;
}

static void wipe_password(struct wk *w)
{
    if (w->random_password)
        keygen_wipe_password(&w->password);
    else
        creds_wipe_password(&w->password);
}

/* ------------------------------------------------------------ entries */

/* The components of principal i: 0 the account's name, then the SPNs. */
static size_t comps_of(const struct wk *w, size_t i, char **comps,
                       size_t max)
{
    size_t n = 0;
    char *copy, *save = NULL;

    if (i == 0) {
        comps[0] = xstrdup(w->info.sam);
        return 1;
    }
    copy = xstrdup(w->spns[i - 1]);
    for (char *p = strtok_r(copy, "/", &save); p != NULL && n < max;
         p = strtok_r(NULL, "/", &save))
        comps[n++] = xstrdup(p);
    free(copy);
    return n;
}

/* Entries for every principal and key, at kvno. */
static void build(const struct wk *w, unsigned long kvno, struct keytab *out)
{
    uint32_t now = (uint32_t)time(NULL);

    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i <= w->nspns; i++) {
        char *comps[8];
        size_t n = comps_of(w, i, comps, 8);

        for (size_t k = 0; k < w->nkeys; k++)
            keytab_add(out, w->realm, comps, n, NT_PRINCIPAL,
                       (uint32_t)kvno, (uint16_t)w->keys[k].enctype,
                       w->keys[k].key, w->keys[k].len, now);
        for (size_t c = 0; c < n; c++)
            free(comps[c]);
    }
}

static void report_keys(const struct wk *w, unsigned long kvno)
{
    report(&(struct event){ .kind = EV_KEYTAB, .label = w->kt->file,
                            .dn = w->acct.entry.dn });
    for (size_t i = 0; i <= w->nspns; i++) {
        char *name = i == 0 ? xstrdup(w->name)
                            : xasprintf("%s@%s", w->spns[i - 1], w->realm);
        size_t n = w->o->dry_run ? w->nenctypes : w->nkeys;

        for (size_t k = 0; k < n; k++) {
            char b[32];
            int et = w->o->dry_run ? w->enctypes[k] : w->keys[k].enctype;

            report(&(struct event){ .kind = EV_KEY, .label = name,
                                    .count = kvno,
                                    .value = enctype_name(et, b,
                                                          sizeof(b)) });
        }
        free(name);
    }
}

/* Merges the entries for kvno into the file and writes it. */
static enum status write_keys(struct wk *w, unsigned long kvno)
{
    struct keytab file, add;
    struct kt_merge_counts counts;
    bool exists, changed = false;
    char *err = keytab_read_file(w->kt->file, &file, &exists);

    if (err == NULL) {
        build(w, kvno, &add);
        keytab_merge(&file, &add, w->kt->keep_kvnos, &counts);
        keytab_free(&add);
        err = keytab_write_file(w->kt->file, &file, &changed);
    }
    keytab_free(&file);
    if (err != NULL) {
        report_failure("%s", err);
        free(err);
        return ST_INVALID;
    }
    report(&(struct event){ .kind = EV_KEYTAB_DONE, .label = w->kt->file,
                            .add = changed, .count = counts.written,
                            .done = counts.kept, .failed = counts.removed });
    return ST_OK;
}

/* Keys of the password, with the KDC's salts. */
static enum status derive(struct wk *w)
{
    char *skipped = NULL, *msg = NULL;
    enum status st = keygen_derive(w->name, w->password, w->enctypes,
                                   w->nenctypes, w->keys, &w->nkeys,
                                   &skipped, &msg);

    if (st != ST_OK) {
        report_failure("%s", msg);
        free(msg);
        return st;
    }
    if (skipped != NULL)
        report_note("the KDC holds no %s key for %s: none written (set its "
                    "password again to make one)", skipped, w->name);
    free(skipped);
    if (w->nkeys == 0) {
        report_failure("no key to write for %s: the KDC holds none of the "
                       "encryption types asked for", w->name);
        return ST_FAILED;
    }
    if (w->o->verbose)
        for (size_t k = 0; k < w->nkeys; k++) {
            char b[32], *q = quote_message(w->keys[k].salt ? w->keys[k].salt
                                                           : "");
            const char *et = enctype_name(w->keys[k].enctype, b, sizeof(b));

            if (w->keys[k].enctype == 23)
                warn("%s key of %s: no salt (RC4 takes none)", et, w->name);
            else
                warn("%s key of %s: salt '%s' from the KDC (ETYPE-INFO2)",
                     et, w->name, q);
            free(q);
        }
    return ST_OK;
}

/* --verify's keytab check for each SPN written (the account's own name
 * when none is).  ST_FAILED if one fails. */
static enum status check_keytab(struct wk *w, long dir_kvno)
{
    enum status st = ST_OK;
    size_t n = w->nspns > 0 ? w->nspns : 1;

    for (size_t i = 0; i < n; i++) {
        const char *spn = w->nspns > 0 ? w->spns[i] : w->name;
        struct ticket *t = ticket_get(spn, conn_timeout(w->s->conn));
        char *detail = NULL, *text;
        bool ok = false;

        if (ticket_failure(t) != TICKET_OK)
            detail = xstrdup(ticket_error(t));
        else
            ok = ticket_check_keytab(t, spn, w->kt->file, w->info.sam,
                                     dir_kvno, &detail);
        text = xasprintf("%s: %s", spn, detail ? detail : "");
        report(&(struct event){ .kind = EV_CHECK, .label = "keytab",
                                .result = ok ? CHECK_OK : CHECK_FAIL,
                                .text = text });
        if (!ok)
            st = ST_FAILED;
        free(text);
        free(detail);
        ticket_free(t);
    }
    return st;
}

/* ------------------------------------------------------------- rotate */

/* Sets the new password, then rewrites the entries if the DC gave
 * another kvno than the one they were written for. */
static enum status rotate(struct wk *w, long *dir_kvno)
{
    struct dir_account_info now;
    char *msg = NULL;
    enum status st = keygen_set_password(w->name, w->password, &msg);

    if (st != ST_OK) {
        report_failure("%s; the keytab holds entries for kvno %lu, which no "
                       "password has: they do no harm", msg, w->kvno);
        free(msg);
        return st;
    }
    report_note("%s has a new password (kvno %lu), known only to the keytab",
                w->name, w->kvno);
    *dir_kvno = (long)w->kvno;
    if (dir_read_account_info(w->s->conn, w->acct.entry.dn, &now) == ST_OK) {
        if (now.has_kvno && (unsigned long)now.kvno != w->kvno) {
            report_note("the DC gave kvno %ld, not %lu: the entries are "
                        "written again for it", now.kvno, w->kvno);
            *dir_kvno = now.kvno;
            st = write_keys(w, (unsigned long)now.kvno);
        }
        dir_account_info_free(&now);
    }
    return st;
}

/* --------------------------------------------------------------- verb */

static enum status prepare(struct wk *w)
{
    const struct keytab_opts *kt = w->kt;
    enum status st = dir_read_account_info(w->s->conn, w->acct.entry.dn,
                                           &w->info);

    if (st != ST_OK)
        return session_fail(w->s->conn, st);
    if (w->info.sam == NULL) {
        report_failure("%s has no sAMAccountName: not an account a keytab "
                       "can be written for", w->acct.entry.dn);
        return ST_UNSUITABLE;
    }
    if (kt->rotate && w->info.computer && !kt->force) {
        report_failure("%s is a computer account: a new password breaks the "
                       "computer's own keys (a Windows machine loses its "
                       "trust with the domain); --force if only a service "
                       "uses it", w->acct.entry.dn);
        return ST_UNSUITABLE;
    }
    if (kt->rotate && w->info.computer)
        warn("rotating the password of the computer account %s (--force)",
             w->acct.entry.dn);
    if (!w->info.has_kvno && kt->kvno_mode != KT_KVNO_EXPLICIT) {
        report_failure("the kvno of %s cannot be read "
                       "(msDS-KeyVersionNumber): give --kvno N",
                       w->acct.entry.dn);
        return ST_DIRECTORY;
    }
    w->realm = realm_of(conn_base(w->s->conn));
    w->name = xasprintf("%s@%s", w->info.sam, w->realm);
    w->kvno = kt->kvno_mode == KT_KVNO_EXPLICIT ? kt->kvno
              : (unsigned long)w->info.kvno
                    + (kt->kvno_mode == KT_KVNO_NEXT || kt->rotate);
    st = choose_spns(w);
    if (st == ST_OK)
        choose_enctypes(w);
    return st;
}

static enum status run(struct wk *w)
{
    const struct keytab_opts *kt = w->kt;
    bool current = w->info.has_kvno
                   && w->kvno == (unsigned long)w->info.kvno;
    long dir_kvno = w->info.has_kvno ? w->info.kvno : -1;
    enum status st;
    char *msg = NULL;

    if (w->o->dry_run) {
        report_keys(w, w->kvno);
        return ST_OK;
    }
    creds_no_core(); /* a password and keys will be in memory */
    if (kt->rotate) {
        w->password = keygen_random_password();
        w->random_password = true;
    } else {
        st = read_password(w);
        if (st != ST_OK)
            return st;
    }
    if (current && !kt->rotate) {
        st = keygen_check_password(w->name, w->password, &msg);
        if (st != ST_OK) {
            report_failure("%s", msg);
            free(msg);
            return st;
        }
    } else if (w->o->verbose && !kt->rotate) {
        warn("kvno %lu is not the account's now (%ld): the password is not "
             "checked", w->kvno, dir_kvno);
    }
    st = derive(w);
    if (st != ST_OK)
        return st;
    report_keys(w, w->kvno);
    st = write_keys(w, w->kvno);
    if (st == ST_OK && kt->rotate)
        st = rotate(w, &dir_kvno);
    wipe_password(w);
    keygen_keys_free(w->keys, w->nkeys);
    w->nkeys = 0;
    if (st != ST_OK)
        return st;
    if (!kt->rotate && !current) {
        report_note("the entries of kvno %lu serve once the account's "
                    "password is changed to this one (now kvno %ld); check "
                    "then with --verify SPN ACCOUNT --service-keytab FILE",
                    w->kvno, dir_kvno);
        return ST_OK;
    }
    return check_keytab(w, dir_kvno);
}

enum status writekt_run(struct session *s, const struct job *job)
{
    struct wk w;
    enum status st;

    memset(&w, 0, sizeof(w));
    w.s = s;
    w.o = s->o;
    w.kt = &s->o->kt;
    st = session_find_account(s, job, &w.acct);
    if (st == ST_OK)
        st = prepare(&w);
    if (st == ST_OK)
        st = run(&w);
    wipe_password(&w);
    keygen_keys_free(w.keys, w.nkeys);
    xstrv_free(w.spns, w.nspns);
    free(w.realm);
    free(w.name);
    dir_account_info_free(&w.info);
    dir_account_free(&w.acct);
    return st;
}
