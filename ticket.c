#include "ticket.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <krb5.h>

#include "bounded.h"
#include "creds.h"
#include "fixcmd.h"
#include "xalloc.h"

static const char NO_KRB5[] =
    "cannot initialise Kerberos (check KRB5_CONFIG and /etc/krb5.conf)";

struct ticket {
    krb5_context kc;
    krb5_creds *creds;    /* the service ticket, or NULL */
    enum ticket_failure failure;
    char *error;
    int enctype, kvno;
    char *server;
};

static char *krb_text(krb5_context kc, krb5_error_code kr)
{
    const char *m = krb5_get_error_message(kc, kr);
    char *r = xstrdup(m);

    krb5_free_error_message(kc, m);
    return r;
}

static void explain(struct ticket *t, krb5_error_code kr, const char *spn)
{
    char *m = krb_text(t->kc, kr);
    const char *why;

    switch (kr) {
    case KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN:
        t->failure = TICKET_UNKNOWN;
        why = "the KDC answers 'server not found': no account holds it, or "
              "more than one does";
        break;
    case KRB5KDC_ERR_PRINCIPAL_NOT_UNIQUE:
        t->failure = TICKET_NOT_UNIQUE;
        why = "the KDC finds more than one account for it";
        break;
    case KRB5KDC_ERR_ETYPE_NOSUPP:
        t->failure = TICKET_ENCTYPE;
        why = "the KDC has no key of a usable encryption type for it: the "
              "serving account has no keys (no password set), or none that "
              "this client accepts";
        break;
    case KRB5KRB_AP_ERR_SKEW:
        t->failure = TICKET_SKEW;
        why = "the clocks of this host and the KDC differ too much";
        break;
    case KRB5KDC_ERR_CLIENT_REVOKED:
    case KRB5KDC_ERR_SERVICE_REVOKED:
        t->failure = TICKET_REVOKED;
        why = "the KDC refuses: an account is disabled or locked";
        break;
    default:
        t->failure = TICKET_OTHER;
        why = "the KDC gave no ticket";
        break;
    }
    free(t->error);
    t->error = xasprintf("no ticket for %s: %s (%s)", spn, why, m);
    free(m);
}

/* A private copy of the caller's ticket-granting tickets: the caller's
 * cache is never written, and a service ticket cached there earlier (with
 * an old kvno) is never taken for the KDC's answer now. */
static krb5_error_code private_cache(krb5_context kc, krb5_ccache *out,
                                     krb5_principal *me)
{
    const char *name = creds_ccache_name();
    krb5_ccache src = NULL, dst = NULL;
    krb5_cc_cursor cur;
    krb5_creds c;
    krb5_error_code kr;

    kr = name ? krb5_cc_resolve(kc, name, &src) : krb5_cc_default(kc, &src);
    if (kr == 0)
        kr = krb5_cc_get_principal(kc, src, me);
    if (kr == 0)
        kr = krb5_cc_new_unique(kc, "MEMORY", NULL, &dst);
    if (kr == 0)
        kr = krb5_cc_initialize(kc, dst, *me);
    if (kr == 0 && (kr = krb5_cc_start_seq_get(kc, src, &cur)) == 0) {
        while (krb5_cc_next_cred(kc, src, &cur, &c) == 0) {
            const krb5_data *svc = krb5_princ_component(kc, c.server, 0);

            if (svc != NULL && svc->length == 6
                && memcmp(svc->data, "krbtgt", 6) == 0 && kr == 0)
                kr = krb5_cc_store_cred(kc, dst, &c);
            krb5_free_cred_contents(kc, &c);
        }
        krb5_cc_end_seq_get(kc, src, &cur);
    }
    if (src != NULL)
        krb5_cc_close(kc, src);
    if (kr != 0 && dst != NULL) {
        krb5_cc_destroy(kc, dst);
        dst = NULL;
    }
    *out = dst;
    return kr;
}

/* Asks the KDC in this process. */
static struct ticket *fetch(const char *spn)
{
    struct ticket *t = calloc(1, sizeof(*t));
    krb5_principal me = NULL, server = NULL;
    krb5_ccache cc = NULL;
    krb5_creds in;
    krb5_ticket *tkt = NULL;
    krb5_error_code kr;
    char *name = NULL;

    if (t == NULL)
        abort();
    memset(&in, 0, sizeof(in));
    if (krb5_init_context(&t->kc) != 0) {
        t->kc = NULL;
        t->failure = TICKET_OTHER;
        t->error = xstrdup(NO_KRB5);
        return t;
    }
    kr = private_cache(t->kc, &cc, &me);
    if (kr == 0)
        kr = krb5_parse_name(t->kc, spn, &server);
    if (kr != 0) {
        explain(t, kr, spn);
        goto done;
    }
    in.client = me;
    in.server = server;
    kr = krb5_get_credentials(t->kc, KRB5_GC_NO_STORE, cc, &in, &t->creds);
    if (kr != 0) {
        t->creds = NULL;
        explain(t, kr, spn);
        goto done;
    }
    kr = krb5_decode_ticket(&t->creds->ticket, &tkt);
    if (kr != 0) {
        explain(t, kr, spn);
        krb5_free_creds(t->kc, t->creds);
        t->creds = NULL;
        goto done;
    }
    t->failure = TICKET_OK;
    t->enctype = (int)tkt->enc_part.enctype;
    t->kvno = (int)tkt->enc_part.kvno;
    if (krb5_unparse_name(t->kc, t->creds->server, &name) == 0) {
        t->server = xstrdup(name);
        krb5_free_unparsed_name(t->kc, name);
    }
    krb5_free_ticket(t->kc, tkt);
done:
    krb5_free_principal(t->kc, me);
    krb5_free_principal(t->kc, server);
    if (cc != NULL)
        krb5_cc_destroy(t->kc, cc);
    return t;
}

/* In the child: the ticket, its findings and the credentials themselves
 * (krb5_marshal_credentials), for the parent's own context. */
static void fetch_child(void *arg, struct bounded_out *out)
{
    struct ticket *t = fetch(arg);
    krb5_data *blob = NULL;

    if (t->creds != NULL
        && krb5_marshal_credentials(t->kc, t->creds, &blob) != 0)
        blob = NULL;
    bounded_put_int(out, (int)t->failure);
    bounded_put_int(out, t->enctype);
    bounded_put_int(out, t->kvno);
    bounded_put_str(out, t->error);
    bounded_put_str(out, t->server);
    if (blob != NULL)
        bounded_put(out, blob->data, blob->length);
    else
        bounded_put_str(out, NULL);
    krb5_free_data(t->kc, blob);
    ticket_free(t);
}

/* In the parent: what the child found, or false. */
static bool take_answer(struct ticket *t, const char *answer, size_t len)
{
    const char *cur = answer, *end = answer + len, *p;
    size_t n;
    int failure;

    if (!bounded_get_int(&cur, end, &failure) || failure < TICKET_OK
        || failure > TICKET_OTHER || !bounded_get_int(&cur, end, &t->enctype)
        || !bounded_get_int(&cur, end, &t->kvno)
        || !bounded_get_str(&cur, end, &t->error)
        || !bounded_get_str(&cur, end, &t->server)
        || !bounded_get(&cur, end, &p, &n) || cur != end)
        return false;
    t->failure = (enum ticket_failure)failure;
    if (p != NULL) {
        krb5_data d = { .length = (unsigned int)n, .data = (char *)p };

        if (krb5_unmarshal_credentials(t->kc, &d, &t->creds) != 0) {
            t->creds = NULL;
            return false;
        }
    }
    return (t->failure == TICKET_OK) == (t->creds != NULL);
}

struct ticket *ticket_get(const char *spn, int seconds)
{
    struct ticket *t;
    char *answer = NULL;
    size_t len = 0;
    enum bounded_result r = BOUNDED_NO_CHILD;

    if (seconds > 0)
        r = bounded_run(seconds, fetch_child, (void *)spn, &answer, &len);
    if (r == BOUNDED_NO_CHILD)
        return fetch(spn);
    t = xcalloc(1, sizeof(*t));
    if (krb5_init_context(&t->kc) != 0) { /* as fetch() says it */
        t->kc = NULL;
        t->failure = TICKET_OTHER;
        t->error = xstrdup(NO_KRB5);
        free(answer);
        return t;
    }
    if (r == BOUNDED_OK && !take_answer(t, answer, len))
        r = BOUNDED_FAILED;
    free(answer);
    if (r != BOUNDED_OK) {
        if (t->creds != NULL)
            krb5_free_creds(t->kc, t->creds);
        t->creds = NULL;
        free(t->error);
        free(t->server);
        t->server = NULL;
        t->failure = TICKET_OTHER;
        t->enctype = t->kvno = 0;
        t->error = r == BOUNDED_TIMEOUT
            ? xasprintf("no ticket for %s: the KDC did not answer within %d "
                        "second%s (--timeout)", spn, seconds,
                        seconds == 1 ? "" : "s")
            : xasprintf("no ticket for %s: the request to the KDC ended "
                        "without an answer", spn);
    }
    return t;
}

void ticket_free(struct ticket *t)
{
    if (t == NULL)
        return;
    if (t->creds != NULL)
        krb5_free_creds(t->kc, t->creds);
    if (t->kc != NULL)
        krb5_free_context(t->kc);
    free(t->error);
    free(t->server);
    free(t);
}

enum ticket_failure ticket_failure(const struct ticket *t)
{
    return t->failure;
}

const char *ticket_error(const struct ticket *t)
{
    return t->error ? t->error : "";
}

int ticket_enctype(const struct ticket *t)
{
    return t->enctype;
}

int ticket_kvno(const struct ticket *t)
{
    return t->kvno;
}

const char *ticket_server(const struct ticket *t)
{
    return t->server ? t->server : "";
}

/* ---------------------------------------------------------------- keytab */

/* What the keytab holds for the service. */
struct kt_scan {
    int kvnos[16];
    size_t nkvnos;
    bool right_kvno;   /* an entry with the ticket's kvno */
    bool right_key;    /* ... and its encryption type */
    char others[256];  /* other principals, for "wrong name" */
    char types[256];   /* enctypes held at the ticket's kvno */
};

static void add_kvno(struct kt_scan *s, int kvno)
{
    for (size_t i = 0; i < s->nkvnos; i++)
        if (s->kvnos[i] == kvno)
            return;
    if (s->nkvnos < sizeof(s->kvnos) / sizeof(*s->kvnos))
        s->kvnos[s->nkvnos++] = kvno;
}

static void append(char *buf, size_t len, const char *word)
{
    size_t k = strlen(buf);

    if (strstr(buf, word) != NULL || k + strlen(word) + 3 >= len)
        return;
    snprintf(buf + k, len - k, "%s%s", k ? ", " : "", word);
}

static krb5_error_code scan_keytab(krb5_context kc, krb5_keytab kt,
                                   krb5_const_principal want,
                                   krb5_const_principal alt,
                                   const struct ticket *t, struct kt_scan *s)
{
    krb5_kt_cursor cur;
    krb5_keytab_entry e;
    krb5_error_code kr = krb5_kt_start_seq_get(kc, kt, &cur);

    if (kr != 0)
        return kr;
    while ((kr = krb5_kt_next_entry(kc, kt, &e, &cur)) == 0) {
        bool ours = krb5_principal_compare_any_realm(kc, e.principal, want)
                    || (alt != NULL
                        && krb5_principal_compare_any_realm(kc, e.principal,
                                                            alt));

        if (ours) {
            add_kvno(s, (int)e.vno);
            if ((int)e.vno == t->kvno && t->creds != NULL) {
                char b[32];

                s->right_kvno = true;
                if ((int)e.key.enctype == t->enctype)
                    s->right_key = true;
                append(s->types, sizeof(s->types),
                       enctype_name((int)e.key.enctype, b, sizeof(b)));
            }
        } else {
            char *n = NULL;

            if (krb5_unparse_name(kc, e.principal, &n) == 0) {
                char *q = shell_word(n);

                append(s->others, sizeof(s->others), q);
                free(q);
                krb5_free_unparsed_name(kc, n);
            }
        }
        krb5_free_keytab_entry_contents(kc, &e);
    }
    krb5_kt_end_seq_get(kc, kt, &cur);
    return kr == KRB5_KT_END ? 0 : kr;
}

static char *kvno_list(const struct kt_scan *s)
{
    char buf[128] = "";
    size_t k = 0;

    for (size_t i = 0; i < s->nkvnos; i++)
        k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%s%d",
                              i ? (i + 1 == s->nkvnos ? " and " : ", ") : "",
                              s->kvnos[i]);
    return xstrdup(buf);
}

/* Decrypts the ticket with the keytab as the service would: an AP-REQ
 * made from it, read back with krb5_rd_req (any name in the keytab, no
 * replay cache: nothing is written). */
static krb5_error_code decrypt(const struct ticket *t, krb5_keytab kt)
{
    krb5_auth_context ac_client = NULL, ac_service = NULL;
    krb5_data ap_req = { 0, 0, NULL };
    krb5_error_code kr;

    kr = krb5_mk_req_extended(t->kc, &ac_client, 0, NULL, t->creds, &ap_req);
    if (kr == 0)
        kr = krb5_auth_con_init(t->kc, &ac_service);
    if (kr == 0)
        kr = krb5_auth_con_setflags(t->kc, ac_service, 0);
    if (kr == 0)
        kr = krb5_rd_req(t->kc, &ac_service, &ap_req, NULL, kt, NULL, NULL);
    krb5_free_data_contents(t->kc, &ap_req);
    if (ac_client != NULL)
        krb5_auth_con_free(t->kc, ac_client);
    if (ac_service != NULL)
        krb5_auth_con_free(t->kc, ac_service);
    return kr;
}

bool ticket_check_keytab(const struct ticket *t, const char *spn,
                         const char *keytab, const char *alt_name,
                         long dir_kvno, char **detail)
{
    krb5_keytab kt = NULL;
    krb5_principal want = NULL, alt = NULL;
    struct kt_scan s;
    krb5_error_code kr;
    char *path = shell_word(keytab), *kvnos = NULL, *m, b[32];
    const char *ename = enctype_name(t->enctype, b, sizeof(b));
    bool ok = false;

    memset(&s, 0, sizeof(s));
    *detail = NULL;
    if (t->kc == NULL) {
        *detail = xstrdup("Kerberos could not be initialised");
        free(path);
        return false;
    }
    /* a regular file (creds.h); its keys will be in memory: no core */
    if (creds_check_service_keytab(keytab, &m) != ST_OK) {
        *detail = m;
        free(path);
        return false;
    }
    creds_no_core();
    kr = krb5_kt_resolve(t->kc, keytab, &kt);
    if (kr == 0)
        kr = krb5_parse_name(t->kc, spn, &want);
    if (kr == 0 && alt_name != NULL
        && krb5_parse_name(t->kc, alt_name, &alt) != 0)
        alt = NULL;
    if (kr == 0)
        kr = scan_keytab(t->kc, kt, want, alt, t, &s);
    if (kr != 0) {
        m = krb_text(t->kc, kr);
        *detail = xasprintf("cannot read the keytab %s: %s", path, m);
        free(m);
        goto done;
    }
    kvnos = kvno_list(&s);
    if (s.nkvnos == 0) {
        *detail = xasprintf("wrong name: %s has no key for %s%s%s (it holds "
                            "%s)", path, spn, alt_name ? " or " : "",
                            alt_name ? alt_name : "",
                            *s.others ? s.others : "no keys");
    } else if (dir_kvno >= 0 && !s.right_kvno
               && (t->creds == NULL || t->kvno == (int)dir_kvno)) {
        *detail = xasprintf("kvno %s in the keytab, %ld in the directory: "
                            "%s is stale (the password changed after it was "
                            "made)", kvnos, dir_kvno, path);
    } else if (t->creds == NULL) {
        *detail = xasprintf("%s holds kvno %s, as the directory; no ticket "
                            "to decrypt (see the ticket check)", path, kvnos);
    } else if (!s.right_kvno) {
        *detail = xasprintf("kvno %s in the keytab, %d in the ticket: %s is "
                            "stale", kvnos, t->kvno, path);
    } else if (!s.right_key) {
        *detail = xasprintf("no %s key in %s for kvno %d (it holds %s)",
                            ename, path, t->kvno, s.types);
    } else if ((kr = decrypt(t, kt)) != 0) {
        m = krb_text(t->kc, kr);
        *detail = xasprintf("the %s key of kvno %d in %s does not decrypt the "
                            "ticket (%s): the keytab's key is not the "
                            "account's", ename, t->kvno, path, m);
        free(m);
    } else {
        ok = true;
        *detail = xasprintf("the service can accept tickets: %s decrypts the "
                            "ticket (kvno %d, %s)", path, t->kvno, ename);
    }
done:
    free(kvnos);
    free(path);
    krb5_free_principal(t->kc, want);
    krb5_free_principal(t->kc, alt);
    if (kt != NULL)
        krb5_kt_close(t->kc, kt);
    return ok;
}
