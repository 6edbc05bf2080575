#include "creds.h"

#include "xalloc.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gssapi/gssapi_krb5.h>
#include <krb5.h>

static krb5_context mem_ctx;
static krb5_ccache mem_cc;
static char *mem_principal; /* who the private cache holds a ticket for */

__attribute__((format(printf, 3, 4)))
static enum sp_status say(char **msg, enum sp_status st, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    *msg = xvasprintf(fmt, ap);
    va_end(ap);
    return st;
}

/* The words an admin can act on, for the errors people meet. */
static enum sp_status krb_fail(krb5_context kc, krb5_error_code kr,
                               const char *who, char **msg)
{
    const char *m = krb5_get_error_message(kc, kr);
    enum sp_status st = SP_AUTH;
    const char *hint = "";

    switch (kr) {
    case KRB5_KDC_UNREACH:
    case KRB5_REALM_CANT_RESOLVE:
        hint = ": no KDC answered (check the realm's kdc entries in "
               "krb5.conf, or DNS)";
        break;
    case KRB5KRB_AP_ERR_SKEW:
        hint = ": the clocks of this host and the KDC differ too much";
        break;
    case KRB5KDC_ERR_PREAUTH_FAILED:
    case KRB5KRB_AP_ERR_BAD_INTEGRITY:
        hint = ": wrong password or key";
        break;
    case KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN:
        hint = ": the KDC does not know this principal";
        break;
    case KRB5_KT_NOTFOUND:
        hint = ": the keytab has no key for it";
        break;
    default:
        break;
    }
    say(msg, st, "cannot get a Kerberos ticket for %s: %s%s", who, m, hint);
    krb5_free_error_message(kc, m);
    return st;
}

/* Checks the caller's cache: GSSAPI would otherwise fail later with a
 * long generic text. */
static enum sp_status check_default(char **principal, char **msg)
{
    krb5_context kc = NULL;
    krb5_ccache cc = NULL;
    krb5_principal me = NULL;
    krb5_cc_cursor cur;
    krb5_creds creds;
    char *name = NULL;
    const char *ccname;
    enum sp_status st = SP_OK;
    bool have_tgt = false;
    krb5_timestamp end = 0;
    krb5_error_code kr;

    if (krb5_init_context(&kc) != 0)
        return say(msg, SP_AUTH, "cannot initialise Kerberos (check "
                                 "KRB5_CONFIG and /etc/krb5.conf)");
    kr = krb5_cc_default(kc, &cc);
    if (kr != 0) {
        const char *m = krb5_get_error_message(kc, kr);

        st = say(msg, SP_AUTH, "cannot open the Kerberos credential cache: "
                               "%s", m);
        krb5_free_error_message(kc, m);
        goto done;
    }
    ccname = krb5_cc_get_name(kc, cc);
    if (krb5_cc_get_principal(kc, cc, &me) != 0) {
        st = say(msg, SP_AUTH, "no Kerberos credentials in %s:%s: run kinit "
                               "first (or use --keytab)",
                 krb5_cc_get_type(kc, cc), ccname ? ccname : "");
        goto done;
    }
    if (krb5_unparse_name(kc, me, &name) != 0)
        abort();
    if (krb5_cc_start_seq_get(kc, cc, &cur) == 0) {
        while (krb5_cc_next_cred(kc, cc, &cur, &creds) == 0) {
            const krb5_data *svc = krb5_princ_component(kc, creds.server, 0);

            if (svc != NULL && svc->length == 6
                && memcmp(svc->data, "krbtgt", 6) == 0) {
                have_tgt = true;
                if ((uint32_t)creds.times.endtime > (uint32_t)end)
                    end = creds.times.endtime;
            }
            krb5_free_cred_contents(kc, &creds);
        }
        krb5_cc_end_seq_get(kc, cc, &cur);
    }
    if (!have_tgt) {
        st = say(msg, SP_AUTH, "no ticket-granting ticket for %s in %s: run "
                               "kinit first", name, ccname ? ccname : "");
    } else if ((time_t)(uint32_t)end <= time(NULL)) {
        char when[64] = "?";
        time_t t = (time_t)(uint32_t)end; /* unsigned: good past 2038 */
        struct tm tm;

        if (localtime_r(&t, &tm) != NULL)
            strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
        st = say(msg, SP_AUTH, "the Kerberos ticket of %s expired at %s: run "
                               "kinit to renew it", name, when);
    } else if ((*principal = strdup(name)) == NULL) {
        abort();
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

enum sp_status creds_acquire(const struct sp_creds *cr, char **principal,
                             char **msg)
{
    krb5_principal me = NULL;
    krb5_keytab kt = NULL;
    krb5_creds tgt;
    krb5_get_init_creds_opt *gio = NULL;
    krb5_error_code kr;
    enum sp_status st = SP_OK;
    char *name = NULL, ccname[64];
    OM_uint32 minor;

    *principal = NULL;
    *msg = NULL;
    /* A second connection (the Global Catalog) uses the same private
     * cache; the password is gone by then. */
    if (mem_principal != NULL) {
        *principal = xstrdup(mem_principal);
        return SP_OK;
    }
    if (cr->keytab == NULL && cr->password == NULL)
        return check_default(principal, msg);

    memset(&tgt, 0, sizeof(tgt));
    if (krb5_init_context(&mem_ctx) != 0)
        return say(msg, SP_AUTH, "cannot initialise Kerberos (check "
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
    snprintf(ccname, sizeof(ccname), "MEMORY:setspn-%ld", (long)getpid());
    if ((kr = krb5_cc_resolve(mem_ctx, ccname, &mem_cc)) != 0
        || (kr = krb5_cc_initialize(mem_ctx, mem_cc, me)) != 0
        || (kr = krb5_cc_store_cred(mem_ctx, mem_cc, &tgt)) != 0) {
        st = krb_fail(mem_ctx, kr, name, msg);
        goto done;
    }
    if (gss_krb5_ccache_name(&minor, ccname, NULL) != GSS_S_COMPLETE) {
        st = say(msg, SP_AUTH, "GSSAPI would not use the private credential "
                               "cache");
        goto done;
    }
    if ((*principal = strdup(name)) == NULL
        || (mem_principal = strdup(name)) == NULL)
        abort();
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
