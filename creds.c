#include "creds.h"

#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <gssapi/gssapi_krb5.h>
#include <krb5.h>

static krb5_context mem_ctx;
static krb5_ccache mem_cc;
/* Its name, fixed when made: a child process (bounded.c) has another PID. */
static char mem_ccname[64];
static char *mem_principal; /* who the private cache holds a ticket for */

__attribute__((format(printf, 3, 4)))
static enum status say(char **msg, enum status st, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    *msg = xvasprintf(fmt, ap);
    va_end(ap);
    return st;
}

/* The words an admin can act on, for the Kerberos errors people meet:
 * by error code (from libkrb5) or by text (GSSAPI's, inside a bind's
 * diagnostic). */
static const struct {
    krb5_error_code code;
    const char *needle, *hint;
} hints[] = {
    { KRB5_KDC_UNREACH, "Cannot contact any KDC",
      "no KDC answered: check the realm's kdc entries in krb5.conf, or DNS" },
    { KRB5_REALM_CANT_RESOLVE, NULL,
      "no KDC answered: check the realm's kdc entries in krb5.conf, or DNS" },
    { KRB5KRB_AP_ERR_SKEW, "Clock skew",
      "the clocks of this host and the KDC differ too much: synchronise "
      "them" },
    { KRB5KDC_ERR_PREAUTH_FAILED, NULL, "wrong password or key" },
    { KRB5KRB_AP_ERR_BAD_INTEGRITY, NULL, "wrong password or key" },
    { KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN, NULL,
      "the KDC does not know this principal" },
    { KRB5_KT_NOTFOUND, NULL, "the keytab has no key for it" },
    { KRB5KRB_AP_ERR_TKT_EXPIRED, "Ticket expired",
      "the ticket expired: run kinit" },
    { KRB5_FCC_NOFILE, "No Kerberos credentials",
      "no Kerberos ticket: run kinit" },
    { 0, "no mechanism available",
      "the Cyrus SASL GSSAPI plugin is missing "
      "(libsasl2-modules-gssapi-mit)" },
    { 0, "Stronger", "the DC requires a stronger (signed or sealed) "
                     "binding" },
};

const char *creds_hint(long code, const char *text)
{
    for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
        if ((code != 0 && hints[i].code == code)
            || (code == 0 && text != NULL && hints[i].needle != NULL
                && strstr(text, hints[i].needle) != NULL))
            return hints[i].hint;
    return NULL;
}

static enum status krb_fail(krb5_context kc, krb5_error_code kr,
                            const char *who, char **msg)
{
    const char *m = krb5_get_error_message(kc, kr);
    const char *hint = creds_hint(kr, NULL);

    say(msg, ST_AUTH, "cannot get a Kerberos ticket for %s: %s%s%s", who, m,
        hint ? ": " : "", hint ? hint : "");
    krb5_free_error_message(kc, m);
    return ST_AUTH;
}

/* Checks the caller's cache: GSSAPI would otherwise fail later with a
 * long generic text. */
bool creds_home_tgt(krb5_context kc, krb5_const_principal client,
                    krb5_const_principal server)
{
    const krb5_data *svc, *realm, *home;

    if (client == NULL || server == NULL
        || krb5_princ_size(kc, server) != 2)
        return false;
    svc = krb5_princ_component(kc, server, 0);
    realm = krb5_princ_component(kc, server, 1);
    home = krb5_princ_realm(kc, client);
    return svc != NULL && realm != NULL && svc->length == 6
           && memcmp(svc->data, "krbtgt", 6) == 0
           && krb5_realm_compare(kc, client, server)
           && realm->length == home->length
           && memcmp(realm->data, home->data, home->length) == 0;
}

static enum status check_default(char **principal, char **msg)
{
    krb5_context kc = NULL;
    krb5_ccache cc = NULL;
    krb5_principal me = NULL;
    krb5_cc_cursor cur;
    krb5_creds creds;
    char *name = NULL;
    const char *ccname;
    enum status st = ST_OK;
    bool have_tgt = false;
    krb5_timestamp end = 0;
    krb5_error_code kr;

    if (krb5_init_context(&kc) != 0)
        return say(msg, ST_AUTH, "cannot initialise Kerberos (check "
                                 "KRB5_CONFIG and /etc/krb5.conf)");
    kr = krb5_cc_default(kc, &cc);
    if (kr != 0) {
        const char *m = krb5_get_error_message(kc, kr);

        st = say(msg, ST_AUTH, "cannot open the Kerberos credential cache: "
                               "%s", m);
        krb5_free_error_message(kc, m);
        goto done;
    }
    ccname = krb5_cc_get_name(kc, cc);
    if (krb5_cc_get_principal(kc, cc, &me) != 0) {
        st = say(msg, ST_AUTH, "no Kerberos credentials in %s:%s: run kinit "
                               "first (or use --keytab)",
                 krb5_cc_get_type(kc, cc), ccname ? ccname : "");
        goto done;
    }
    if (krb5_unparse_name(kc, me, &name) != 0)
        abort();
    if (krb5_cc_start_seq_get(kc, cc, &cur) == 0) {
        while (krb5_cc_next_cred(kc, cc, &cur, &creds) == 0) {
            /* Only krbtgt/REALM@REALM of our realm: a cross-realm
             * ticket gets no service ticket of the home realm. */
            if (creds_home_tgt(kc, me, creds.server)) {
                have_tgt = true;
                if ((uint32_t)creds.times.endtime > (uint32_t)end)
                    end = creds.times.endtime;
            }
            krb5_free_cred_contents(kc, &creds);
        }
        krb5_cc_end_seq_get(kc, cc, &cur);
    }
    if (!have_tgt) {
        const krb5_data *r = krb5_princ_realm(kc, me);

        st = say(msg, ST_AUTH, "no ticket-granting ticket for %s "
                               "(krbtgt/%.*s@%.*s) in %s: run kinit first",
                 name, (int)r->length, r->data, (int)r->length, r->data,
                 ccname ? ccname : "");
    } else if ((time_t)(uint32_t)end <= time(NULL)) {
        char when[64] = "?";
        time_t t = (time_t)(uint32_t)end; /* unsigned: good past 2038 */
        struct tm tm;

        if (localtime_r(&t, &tm) != NULL)
            strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
        st = say(msg, ST_AUTH, "the Kerberos ticket of %s expired at %s: run "
                               "kinit to renew it", name, when);
    } else {
        *principal = xstrdup(name);
    }
done:
    krb5_free_unparsed_name(kc, name);
    krb5_free_principal(kc, me);
    if (cc != NULL)
        krb5_cc_close(kc, cc);
    krb5_free_context(kc);
    return st;
}

/* The keytab's first principal, when --principal is not given. */
static krb5_error_code first_principal(krb5_context kc, krb5_keytab kt,
                                       krb5_principal *out)
{
    krb5_kt_cursor cur;
    krb5_keytab_entry e;
    krb5_error_code kr = krb5_kt_start_seq_get(kc, kt, &cur);

    if (kr != 0)
        return kr;
    kr = krb5_kt_next_entry(kc, kt, &e, &cur);
    if (kr == 0) {
        kr = krb5_copy_principal(kc, e.principal, out);
        krb5_free_keytab_entry_contents(kc, &e);
    } else if (kr == KRB5_KT_END) {
        kr = KRB5_KT_NOTFOUND;
    }
    krb5_kt_end_seq_get(kc, kt, &cur);
    return kr;
}

enum status creds_acquire(const struct creds *cr, char **principal,
                             char **msg)
{
    krb5_principal me = NULL;
    krb5_keytab kt = NULL;
    krb5_creds tgt;
    krb5_get_init_creds_opt *gio = NULL;
    krb5_error_code kr;
    enum status st = ST_OK;
    char *name = NULL;
    OM_uint32 minor;

    *principal = NULL;
    *msg = NULL;
    /* A second connection (the Global Catalog) uses the same private
     * cache; the password is gone by then. */
    if (mem_principal != NULL) {
        *principal = xstrdup(mem_principal);
        return ST_OK;
    }
    if (cr->keytab == NULL && cr->password == NULL)
        return check_default(principal, msg);

    memset(&tgt, 0, sizeof(tgt));
    if (krb5_init_context(&mem_ctx) != 0)
        return say(msg, ST_AUTH, "cannot initialise Kerberos (check "
                                 "KRB5_CONFIG and /etc/krb5.conf)");
    if (cr->keytab != NULL) {
        if ((kr = krb5_kt_resolve(mem_ctx, cr->keytab, &kt)) != 0)
            return krb_fail(mem_ctx, kr, cr->keytab, msg);
    }
    kr = cr->principal != NULL
             ? krb5_parse_name(mem_ctx, cr->principal, &me)
             : first_principal(mem_ctx, kt, &me);
    if (kr != 0) {
        st = krb_fail(mem_ctx, kr, cr->principal ? cr->principal : cr->keytab,
                      msg);
        goto done;
    }
    if (krb5_unparse_name(mem_ctx, me, &name) != 0)
        abort();
    if ((kr = krb5_get_init_creds_opt_alloc(mem_ctx, &gio)) != 0) {
        st = krb_fail(mem_ctx, kr, name, msg);
        goto done;
    }
    kr = kt != NULL
             ? krb5_get_init_creds_keytab(mem_ctx, &tgt, me, kt, 0, NULL, gio)
             : krb5_get_init_creds_password(mem_ctx, &tgt, me, cr->password,
                                            NULL, NULL, 0, NULL, gio);
    if (kr != 0) {
        st = krb_fail(mem_ctx, kr, name, msg);
        goto done;
    }
    /* A cache of this process alone; GSSAPI is told to use it. */
    snprintf(mem_ccname, sizeof(mem_ccname), "MEMORY:setspn-%ld",
             (long)getpid());
    if ((kr = krb5_cc_resolve(mem_ctx, mem_ccname, &mem_cc)) != 0
        || (kr = krb5_cc_initialize(mem_ctx, mem_cc, me)) != 0
        || (kr = krb5_cc_store_cred(mem_ctx, mem_cc, &tgt)) != 0) {
        st = krb_fail(mem_ctx, kr, name, msg);
        goto done;
    }
    if (gss_krb5_ccache_name(&minor, mem_ccname, NULL) != GSS_S_COMPLETE) {
        st = say(msg, ST_AUTH, "GSSAPI would not use the private credential "
                               "cache");
        goto done;
    }
    *principal = xstrdup(name);
    mem_principal = xstrdup(name);
done:
    krb5_free_cred_contents(mem_ctx, &tgt);
    krb5_get_init_creds_opt_free(mem_ctx, gio);
    krb5_free_unparsed_name(mem_ctx, name);
    krb5_free_principal(mem_ctx, me);
    if (kt != NULL)
        krb5_kt_close(mem_ctx, kt);
    return st;
}

void creds_release(void)
{
    if (mem_cc != NULL)
        krb5_cc_destroy(mem_ctx, mem_cc);
    mem_cc = NULL;
    if (mem_ctx != NULL)
        krb5_free_context(mem_ctx);
    mem_ctx = NULL;
    free(mem_principal);
    mem_principal = NULL;
}

/* A password buffer: fixed, so no copy is left behind by growth, and
 * wiped whole. */
#define PASSWORD_BUF 4096

/* A secret file must be a regular file (a FIFO or a device could block
 * or never end); with owner_only, readable by its owner alone. */
static enum status check_file(const char *path, const char *what,
                              bool owner_only, char **msg)
{
    struct stat sb;
    int fd;

    *msg = NULL;
    /* Kerberos names a keytab TYPE:residual; only files are checked. */
    if (strncmp(path, "FILE:", 5) == 0)
        path += 5;
    else if (strncmp(path, "WRFILE:", 7) == 0)
        path += 7;
    else if (strchr(path, ':') != NULL && path[0] != '/' && path[0] != '.')
        return ST_OK;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return say(msg, ST_INVALID, "cannot read %s %s: %s", what, path,
                   strerror(errno));
    if (fstat(fd, &sb) != 0) {
        close(fd);
        return say(msg, ST_INVALID, "cannot read %s %s: %s", what, path,
                   strerror(errno));
    }
    close(fd);
    if (!S_ISREG(sb.st_mode))
        return say(msg, ST_INVALID, "%s %s is not a regular file", what,
                   path);
    if (owner_only && (sb.st_mode & 077) != 0)
        return say(msg, ST_INVALID, "%s %s is open to others (mode %04o): "
                                    "it must be readable by its owner only "
                                    "(mode 0600 or 0400: chmod 600 %s)",
                   what, path, (unsigned)(sb.st_mode & 07777), path);
    return ST_OK;
}

enum status creds_check_secret_file(const char *path, const char *what,
                                    char **msg)
{
    return check_file(path, what, true, msg);
}

enum status creds_check_service_keytab(const char *path, char **msg)
{
    return check_file(path, "the keytab", false, msg);
}

void creds_no_core(void)
{
    struct rlimit none = { 0, 0 };

    setrlimit(RLIMIT_CORE, &none);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* The terminal a prompt turned echo off on, for a signal to restore. */
static int prompt_fd = -1;
static struct termios prompt_old;

static void prompt_signal(int sig)
{
    tcsetattr(prompt_fd, TCSAFLUSH, &prompt_old);
    if (write(prompt_fd, "\n", 1) < 0) {
        /* nothing more to do */
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Reads one line from fd into buf (PASSWORD_BUF bytes) without stdio;
 * returns its length, or -1 (error, or longer than the buffer). */
static ssize_t read_line(int fd, char *buf)
{
    size_t n = 0;

    for (;;) {
        ssize_t r = read(fd, buf + n, 1);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0 || buf[n] == '\n')
            break;
        if (++n == PASSWORD_BUF - 1)
            return -1;
    }
    buf[n] = '\0';
    if (n > 0 && buf[n - 1] == '\r')
        buf[--n] = '\0';
    return (ssize_t)n;
}

enum status creds_read_password(const char *file, const char *who,
                                char **password, char **msg)
{
    char *line = xcalloc(1, PASSWORD_BUF);
    ssize_t n;
    int fd;
    struct sigaction sa, old_int, old_term, old_hup, old_quit;
    enum status st;

    *password = NULL;
    *msg = NULL;
    if (file != NULL) {
        st = creds_check_secret_file(file, "password file", msg);
        if (st != ST_OK) {
            free(line);
            return st;
        }
        fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0) {
            free(line);
            return say(msg, ST_INVALID, "cannot read password file %s: %s",
                       file, strerror(errno));
        }
        n = read_line(fd, line);
        close(fd);
    } else {
        char prompt[512];
        int len;
        bool tty;

        fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (fd < 0) {
            free(line);
            return say(msg, ST_INVALID, "a password is needed and there is "
                                        "no terminal to ask on: use "
                                        "--password-file or --keytab");
        }
        tty = tcgetattr(fd, &prompt_old) == 0;
        if (tty) {
            struct termios quiet = prompt_old;

            /* A signal while echo is off puts it back first. */
            prompt_fd = fd;
            memset(&sa, 0, sizeof(sa));
            sa.sa_handler = prompt_signal;
            sigemptyset(&sa.sa_mask);
            sigaction(SIGINT, &sa, &old_int);
            sigaction(SIGTERM, &sa, &old_term);
            sigaction(SIGHUP, &sa, &old_hup);
            sigaction(SIGQUIT, &sa, &old_quit);
            quiet.c_lflag &= ~(tcflag_t)ECHO;
            tcsetattr(fd, TCSAFLUSH, &quiet);
        }
        len = snprintf(prompt, sizeof(prompt), "Password for %s: ", who);
        if (len > 0 && write(fd, prompt, strlen(prompt)) < 0) {
            /* the read below fails too */
        }
        n = read_line(fd, line);
        if (tty) {
            tcsetattr(fd, TCSAFLUSH, &prompt_old);
            sigaction(SIGINT, &old_int, NULL);
            sigaction(SIGTERM, &old_term, NULL);
            sigaction(SIGHUP, &old_hup, NULL);
            sigaction(SIGQUIT, &old_quit, NULL);
            prompt_fd = -1;
            if (write(fd, "\n", 1) < 0) {
                /* nothing to do */
            }
        }
        close(fd);
    }
    if (n <= 0) {
        /* A DN with an empty password is an anonymous bind (RFC 4513). */
        explicit_bzero(line, PASSWORD_BUF);
        free(line);
        if (n < 0)
            return say(msg, ST_INVALID, "cannot read a password%s%s (or "
                       "longer than %d bytes)", file ? " from " : "",
                       file ? file : "", PASSWORD_BUF - 2);
        return say(msg, ST_INVALID, "empty password%s%s",
                   file ? " in " : "", file ? file : "");
    }
    *password = line;
    return ST_OK;
}

void creds_wipe_password(char **password)
{
    if (*password == NULL)
        return;
    /* the whole buffer, not up to the first NUL */
    explicit_bzero(*password, PASSWORD_BUF);
    free(*password);
    *password = NULL;
}

const char *creds_ccache_name(void)
{
    return mem_cc != NULL ? mem_ccname : NULL;
}
