#include "keygen.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <krb5.h>

#include "creds.h"
#include "quote.h"
#include "xalloc.h"

static const char NO_KRB5[] =
    "cannot initialise Kerberos (check KRB5_CONFIG and /etc/krb5.conf)";

/* "<what> (<the library's text>)<tail>" into *msg; returns st. */
__attribute__((format(printf, 6, 7)))
static enum status fail(krb5_context kc, krb5_error_code kr, enum status st,
                        char **msg, const char *tail, const char *fmt, ...)
{
    va_list ap;
    char *what;
    const char *m = krb5_get_error_message(kc, kr);
    char *safe = quote_message(m);

    va_start(ap, fmt);
    what = xvasprintf(fmt, ap);
    va_end(ap);
    *msg = xasprintf("%s (%s)%s", what, safe, tail);
    free(what);
    free(safe);
    krb5_free_error_message(kc, m);
    return st;
}

/* A krb5_data's bytes as a C string (they are not NUL-terminated). */
static char *data_str(const krb5_data *d)
{
    char *s = xcalloc(1, (size_t)d->length + 1);

    if (d->length > 0)
        memcpy(s, d->data, d->length);
    return s;
}

/* The status for a failed request to the KDC. */
static enum status kdc_status(krb5_error_code kr)
{
    switch (kr) {
    case KRB5_KDC_UNREACH:
    case KRB5_REALM_CANT_RESOLVE:
    case KRB5_REALM_UNKNOWN:
        return ST_CONNECT;
    default:
        return ST_AUTH;
    }
}

enum status keygen_check_password(const char *principal, const char *password,
                                  char **msg)
{
    krb5_context kc;
    krb5_principal me = NULL;
    krb5_get_init_creds_opt *gio = NULL;
    krb5_creds tgt;
    krb5_error_code kr;
    enum status st = ST_OK;

    *msg = NULL;
    memset(&tgt, 0, sizeof(tgt));
    if (krb5_init_context(&kc) != 0) {
        *msg = xstrdup(NO_KRB5);
        return ST_AUTH;
    }
    kr = krb5_parse_name(kc, principal, &me);
    if (kr == 0)
        kr = krb5_get_init_creds_opt_alloc(kc, &gio);
    if (kr == 0) {
        /* the ticket only proves the password: no cache, no renewal */
        krb5_get_init_creds_opt_set_forwardable(gio, 0);
        krb5_get_init_creds_opt_set_proxiable(gio, 0);
        kr = krb5_get_init_creds_password(kc, &tgt, me, password, NULL, NULL,
                                          0, NULL, gio);
    }
    if (kr == KRB5KDC_ERR_PREAUTH_FAILED || kr == KRB5KRB_AP_ERR_BAD_INTEGRITY) {
        st = fail(kc, kr, ST_AUTH, msg, ": nothing was written",
                  "wrong password for %s", principal);
    } else if (kr != 0) {
        const char *why;

        switch (kr) {
        case KRB5KDC_ERR_CLIENT_REVOKED:
            why = "the account is disabled or locked";
            break;
        case KRB5KDC_ERR_KEY_EXP:
            why = "its password has expired or must be changed";
            break;
        default:
            why = creds_hint(kr, NULL);
            if (why == NULL)
                why = "the KDC refused";
            break;
        }
        st = fail(kc, kr, kdc_status(kr), msg, ": nothing was written",
                  "cannot check the password of %s: %s", principal, why);
    }
    krb5_free_cred_contents(kc, &tgt);
    krb5_get_init_creds_opt_free(kc, gio);
    krb5_free_principal(kc, me);
    krb5_free_context(kc);
    return st;
}

/* The salt and parameters the KDC uses for principal's key of enctype:
 * its ETYPE-INFO2 when asked for that type alone.  *got is the type the
 * KDC answered for (another one: it holds no key of this type). */
static krb5_error_code etype_info(krb5_context kc, krb5_principal me,
                                  int enctype, krb5_enctype *got,
                                  krb5_data *salt, krb5_data *params)
{
    krb5_get_init_creds_opt *gio = NULL;
    krb5_enctype want = (krb5_enctype)enctype;
    krb5_error_code kr = krb5_get_init_creds_opt_alloc(kc, &gio);

    if (kr != 0)
        return kr;
    krb5_get_init_creds_opt_set_etype_list(gio, &want, 1);
    kr = krb5_get_etype_info(kc, me, gio, got, salt, params);
    krb5_get_init_creds_opt_free(kc, gio);
    return kr;
}

static void add_skipped(char **skipped, const char *what)
{
    char *n = *skipped ? xasprintf("%s, %s", *skipped, what) : xstrdup(what);

    free(*skipped);
    *skipped = n;
}

enum status keygen_derive(const char *principal, const char *password,
                          const int *enctypes, size_t n,
                          struct keygen_key *keys, size_t *nkeys,
                          char **skipped, char **msg)
{
    krb5_context kc;
    krb5_principal me = NULL;
    krb5_error_code kr;
    enum status st = ST_OK;
    krb5_data pw;

    *nkeys = 0;
    *skipped = NULL;
    *msg = NULL;
    if (krb5_init_context(&kc) != 0) {
        *msg = xstrdup(NO_KRB5);
        return ST_AUTH;
    }
    kr = krb5_parse_name(kc, principal, &me);
    if (kr != 0) {
        st = fail(kc, kr, ST_INVALID, msg, "", "cannot use the name %s",
                  principal);
        goto done;
    }
    pw.magic = KV5M_DATA;
    pw.data = (char *)password;
    pw.length = (unsigned int)strlen(password);
    for (size_t i = 0; i < n; i++) {
        krb5_data salt = { 0, 0, NULL }, params = { 0, 0, NULL };
        krb5_enctype got = 0;
        krb5_keyblock kb;
        char name[64];

        memset(&kb, 0, sizeof(kb));
        if (krb5_enctype_to_name(enctypes[i], FALSE, name, sizeof(name)) != 0)
            snprintf(name, sizeof(name), "enctype %d", enctypes[i]);
        kr = etype_info(kc, me, enctypes[i], &got, &salt, &params);
        if (kr == KRB5_CONFIG_ETYPE_NOSUPP || kr == KRB5KDC_ERR_ETYPE_NOSUPP
            || (kr == 0 && got != enctypes[i])) {
            add_skipped(skipped, name);
            krb5_free_data_contents(kc, &salt);
            krb5_free_data_contents(kc, &params);
            continue;
        }
        if (kr != 0) {
            st = fail(kc, kr, kdc_status(kr), msg, "", "the KDC gave no salt "
                      "for %s's %s key", principal, name);
            goto done;
        }
        kr = krb5_c_string_to_key_with_params(kc, enctypes[i], &pw, &salt,
                                              params.length ? &params : NULL,
                                              &kb);
        if (kr != 0) {
            krb5_free_data_contents(kc, &salt);
            krb5_free_data_contents(kc, &params);
            st = fail(kc, kr, ST_AUTH, msg, "", "cannot make %s's %s key",
                      principal, name);
            goto done;
        }
        keys[*nkeys].enctype = enctypes[i];
        keys[*nkeys].key = xcalloc(1, kb.length + 1);
        memcpy(keys[*nkeys].key, kb.contents, kb.length);
        keys[*nkeys].len = kb.length;
        keys[*nkeys].salt = salt.length > 0 ? data_str(&salt) : NULL;
        (*nkeys)++;
        krb5_free_keyblock_contents(kc, &kb); /* wipes it */
        krb5_free_data_contents(kc, &salt);
        krb5_free_data_contents(kc, &params);
    }
done:
    if (st != ST_OK) {
        keygen_keys_free(keys, *nkeys);
        *nkeys = 0;
    }
    krb5_free_principal(kc, me);
    krb5_free_context(kc);
    return st;
}

void keygen_keys_free(struct keygen_key *keys, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (keys[i].key != NULL)
            explicit_bzero(keys[i].key, keys[i].len);
        free(keys[i].key);
        free(keys[i].salt);
        keys[i].key = NULL;
        keys[i].salt = NULL;
    }
}

enum status keygen_set_password(const char *principal, const char *password,
                                char **msg)
{
    krb5_context kc;
    krb5_principal target = NULL;
    krb5_ccache cc = NULL;
    krb5_data code_string = { 0, 0, NULL }, result = { 0, 0, NULL };
    const char *name = creds_ccache_name();
    krb5_error_code kr;
    enum status st = ST_OK;
    int code = 0;

    *msg = NULL;
    if (krb5_init_context(&kc) != 0) {
        *msg = xstrdup(NO_KRB5);
        return ST_AUTH;
    }
    kr = krb5_parse_name(kc, principal, &target);
    if (kr == 0)
        kr = name ? krb5_cc_resolve(kc, name, &cc) : krb5_cc_default(kc, &cc);
    if (kr == 0)
        kr = krb5_set_password_using_ccache(kc, cc, password, target, &code,
                                            &code_string, &result);
    if (kr != 0) {
        st = fail(kc, kr, kdc_status(kr), msg, "", "cannot set the password of "
                  "%s", principal);
    } else if (code != KRB5_KPASSWD_SUCCESS) {
        char *cs = data_str(&code_string);
        /* AD sends a binary policy block here; only text is shown */
        char *rs = result.length > 0 && result.data[0] >= 0x20
            ? data_str(&result) : xstrdup("");
        char *q1 = quote_message(cs), *q2 = quote_message(rs);

        *msg = xasprintf("the DC refused the new password of %s: %s%s%s "
                         "(code %d)", principal, q1, *rs ? ": " : "", q2,
                         code);
        st = code == KRB5_KPASSWD_ACCESSDENIED || code == KRB5_KPASSWD_AUTHERROR
                 ? ST_ACCESS : ST_REFUSED;
        free(cs);
        free(rs);
        free(q1);
        free(q2);
    }
    krb5_free_data_contents(kc, &code_string);
    krb5_free_data_contents(kc, &result);
    if (cc != NULL)
        krb5_cc_close(kc, cc);
    krb5_free_principal(kc, target);
    krb5_free_context(kc);
    return st;
}

/* 32 characters: every class AD counts, and no name of the account can
 * fit in so random a string. */
#define RANDOM_LEN 32

char *keygen_random_password(void)
{
    static const char *const classes[] = {
        "ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz",
        "23456789", "-_.+=%#!",
    };
    static const char all[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
                              "23456789-_.+=%#!";
    unsigned char r[RANDOM_LEN];
    char *pw = xcalloc(1, RANDOM_LEN + 1);
    size_t got = 0;

    while (got < sizeof(r)) {
        ssize_t k = getrandom(r + got, sizeof(r) - got, 0);

        if (k > 0)
            got += (size_t)k;
    }
    for (size_t i = 0; i < RANDOM_LEN; i++) {
        const char *set = i < 4 ? classes[i] : all;

        /* the small modulo bias is of no use to anyone at 32 characters */
        pw[i] = set[r[i] % strlen(set)];
    }
    explicit_bzero(r, sizeof(r));
    return pw;
}

void keygen_wipe_password(char **password)
{
    if (*password == NULL)
        return;
    explicit_bzero(*password, RANDOM_LEN + 1);
    free(*password);
    *password = NULL;
}
