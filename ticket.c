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
    case KRB5KDC_ERR_SERVICE_REVOKED:
        t->failure = TICKET_REVOKED;
        why = "the KDC refuses tickets for the service's account: it is "
              "locked out or disabled";
        break;
    case KRB5KDC_ERR_CLIENT_REVOKED:
        t->failure = TICKET_CLIENT;
        why = "the KDC refuses your own account (disabled, locked out or "
              "expired): get a ticket as another administrator";
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
    if (blob != NULL) /* the session key is in it */
        explicit_bzero(blob->data, blob->length);
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
    if (answer != NULL) /* it carried the session key */
        explicit_bzero(answer, len);
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

/* One entry of the keytab, as far as the check needs it. */
struct kt_entry {
    char *name;      /* unparsed principal */
    int kvno, enctype;
    bool ours;       /* the SPN or the account's name, in any case */
    bool spn;        /* the SPN itself, in any case */
    bool exact;      /* ... written as the SPN is */
    bool decrypts;   /* its key decrypts the ticket */
};

struct kt_scan {
    struct kt_entry *v;
    size_t n;
};

static void scan_free(struct kt_scan *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i].name);
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

/* Names compare as the KDC compares them: without regard to case, in any
 * realm (a keytab's entries carry the realm they were made for). */
static bool same_name(krb5_context kc, krb5_const_principal a,
                      krb5_const_principal b)
{
    char *x = NULL, *y = NULL;
    bool r = false;

    if (krb5_unparse_name_flags(kc, a, KRB5_PRINCIPAL_UNPARSE_NO_REALM, &x)
            == 0
        && krb5_unparse_name_flags(kc, b, KRB5_PRINCIPAL_UNPARSE_NO_REALM,
                                   &y) == 0)
        r = strcasecmp(x, y) == 0;
    krb5_free_unparsed_name(kc, x);
    krb5_free_unparsed_name(kc, y);
    return r;
}

/* Whether key decrypts the ticket's encrypted part (its checksum holds):
 * which entry a service would use. */
static bool key_decrypts(const struct ticket *t, const krb5_keyblock *key)
{
    krb5_ticket *tk = NULL;
    krb5_data plain = { 0, 0, NULL };
    bool ok;

    if (t->creds == NULL || (int)key->enctype != t->enctype
        || krb5_decode_ticket(&t->creds->ticket, &tk) != 0)
        return false;
    plain.length = tk->enc_part.ciphertext.length;
    plain.data = xrealloc(NULL, plain.length ? plain.length : 1);
    ok = krb5_c_decrypt(t->kc, key, KRB5_KEYUSAGE_KDC_REP_TICKET, NULL,
                        &tk->enc_part, &plain) == 0;
    /* the ticket's session key is in it */
    explicit_bzero(plain.data, tk->enc_part.ciphertext.length);
    free(plain.data);
    krb5_free_ticket(t->kc, tk);
    return ok;
}

static krb5_error_code scan_keytab(const struct ticket *t, krb5_keytab kt,
                                   krb5_const_principal want,
                                   krb5_const_principal alt,
                                   struct kt_scan *s)
{
    krb5_context kc = t->kc;
    krb5_kt_cursor cur;
    krb5_keytab_entry e;
    krb5_error_code kr = krb5_kt_start_seq_get(kc, kt, &cur);

    if (kr != 0)
        return kr;
    while ((kr = krb5_kt_next_entry(kc, kt, &e, &cur)) == 0) {
        struct kt_entry *k;
        char *n = NULL;

        s->v = xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
        k = &s->v[s->n++];
        memset(k, 0, sizeof(*k));
        if (krb5_unparse_name(kc, e.principal, &n) == 0) {
            k->name = xstrdup(n);
            krb5_free_unparsed_name(kc, n);
        } else {
            k->name = xstrdup("?");
        }
        k->kvno = (int)e.vno;
        k->enctype = (int)e.key.enctype;
        k->spn = same_name(kc, e.principal, want);
        k->exact = krb5_principal_compare_any_realm(kc, e.principal, want);
        k->ours = k->spn || (alt != NULL && same_name(kc, e.principal, alt));
        k->decrypts = key_decrypts(t, &e.key);
        krb5_free_keytab_entry_contents(kc, &e);
    }
    krb5_kt_end_seq_get(kc, kt, &cur);
    return kr == KRB5_KT_END ? 0 : kr;
}

/* Appends word to the list r (", "-separated) unless it is there. */
static char *list_add(char *r, const char *word)
{
    size_t l = strlen(word);
    char *more;

    for (const char *p = r; (p = strstr(p, word)) != NULL; p += l)
        if ((p == r || p[-1] == ' ') && (p[l] == '\0' || p[l] == ','))
            return r;
    more = xasprintf("%s%s%s", r, *r ? ", " : "", word);
    free(r);
    return more;
}

/* The distinct kvnos of the service's entries. */
static char *kvno_list(const struct kt_scan *s)
{
    char *r = xstrdup("");

    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].ours) {
            char b[16];

            snprintf(b, sizeof(b), "%d", s->v[i].kvno);
            r = list_add(r, b);
        }
    return r;
}

/* The encryption types of the service's entries at kvno. */
static char *types_at(const struct kt_scan *s, int kvno)
{
    char *r = xstrdup("");

    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].ours && s->v[i].kvno == kvno) {
            char b[32];

            r = list_add(r, enctype_name(s->v[i].enctype, b, sizeof(b)));
        }
    return r;
}

/* Every principal the keytab holds, shell-safe. */
static char *name_list(const struct kt_scan *s)
{
    char *r = xstrdup("");

    for (size_t i = 0; i < s->n; i++) {
        char *w = shell_word(s->v[i].name);

        r = list_add(r, w);
        free(w);
    }
    return r;
}

/* Decrypts the ticket with the keytab as the service would: an AP-REQ
 * made from it, read back with krb5_rd_req (no acceptor name: every key of
 * the keytab is tried, as most services do; no replay cache: nothing is
 * written). */
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

static bool is_aes(int enctype)
{
    return enctype == 17 || enctype == 18 || enctype == 19 || enctype == 20;
}

void ticket_keytab_check(const struct ticket *t, const char *spn,
                         const char *keytab, const char *alt_name,
                         long dir_kvno, struct keytab_check *out)
{
    krb5_keytab kt = NULL;
    krb5_principal want = NULL, alt = NULL;
    struct kt_scan s = { NULL, 0 };
    krb5_error_code kr;
    char *path = shell_word(keytab), *m, b[32];
    const char *ename = enctype_name(t->enctype, b, sizeof(b));
    const struct kt_entry *used = NULL;
    bool any_ours = false, ours_at_kvno = false;
    long cur_kvno = t->creds != NULL ? t->kvno : dir_kvno;

    memset(out, 0, sizeof(*out));
    out->result = KEYTAB_REFUSES;
    if (t->kc == NULL) {
        out->detail = xstrdup("Kerberos could not be initialised");
        free(path);
        return;
    }
    /* a regular file (creds.h); its keys will be in memory: no core */
    if (creds_check_service_keytab(keytab, &m) != ST_OK) {
        out->detail = m;
        free(path);
        return;
    }
    creds_no_core();
    kr = krb5_kt_resolve(t->kc, keytab, &kt);
    if (kr == 0)
        kr = krb5_parse_name(t->kc, spn, &want);
    if (kr == 0 && alt_name != NULL
        && krb5_parse_name(t->kc, alt_name, &alt) != 0)
        alt = NULL;
    if (kr == 0)
        kr = scan_keytab(t, kt, want, alt, &s);
    if (kr != 0) {
        m = krb_text(t->kc, kr);
        out->detail = xasprintf("cannot read the keytab %s: %s", path, m);
        free(m);
        goto done;
    }
    for (size_t i = 0; i < s.n; i++) {
        const struct kt_entry *k = &s.v[i];

        any_ours |= k->ours;
        if (k->ours && k->kvno == cur_kvno) {
            ours_at_kvno = true;
            if (is_aes(k->enctype))
                out->aes = true;
        }
        /* the entry a service that tries every key uses: the SPN's
         * first, then the account's, then any other */
        if (k->decrypts && (used == NULL || (k->exact && !used->exact)
                            || (k->spn && !used->spn)
                            || (k->ours && !used->ours)))
            used = k;
    }
    out->any_key = any_ours;
    if (t->creds == NULL) {
        char *kv = kvno_list(&s);

        if (!any_ours) {
            char *held = name_list(&s);

            out->detail = xasprintf("wrong name: %s has no key for %s%s%s (it "
                                    "holds %s)", path, spn,
                                    alt_name ? " or " : "",
                                    alt_name ? alt_name : "",
                                    *held ? held : "no keys");
            free(held);
        } else if (dir_kvno >= 0 && !ours_at_kvno) {
            out->detail = xasprintf("kvno %s in the keytab, %ld in the "
                                    "directory: %s is stale (the password "
                                    "changed after it was made)", kv,
                                    dir_kvno, path);
        } else {
            out->result = KEYTAB_ACCEPTS;
            out->detail = xasprintf("%s holds kvno %s, as the directory; no "
                                    "ticket to decrypt (see the ticket "
                                    "check)", path, kv);
        }
        free(kv);
        goto done;
    }
    if (used != NULL && decrypt(t, kt) == 0) {
        char *n = shell_word(used->name);

        if (used->exact && used->kvno == t->kvno) {
            out->result = KEYTAB_ACCEPTS;
            out->detail = xasprintf("the service can accept tickets: %s "
                                    "decrypts the ticket (kvno %d, %s) with "
                                    "its entry %s", path, t->kvno, ename, n);
        } else {
            out->result = KEYTAB_ACCEPTS_SOME;
            out->detail = xasprintf(
                "%s decrypts the ticket (kvno %d, %s) with its entry %s, "
                "kvno %d: services that try every key of their keytab (the "
                "usual setup: no acceptor name) accept it; %s", path,
                t->kvno, ename, n, used->kvno,
                !used->ours ? "the entry is another account's name, so a "
                              "service that names its principal (a GSS "
                              "acceptor name, a JAAS principal=) finds no "
                              "key"
                : !used->spn ? "it has no entry for the SPN itself, so a "
                               "service that names the SPN as its acceptor "
                               "(a GSS acceptor name, a JAAS principal=) "
                               "finds no key"
                : !used->exact ? "its entry is the SPN in other letters: the "
                                 "KDC matches names regardless of case, but a "
                                 "service that names the SPN as its acceptor "
                                 "looks it up exactly as written and finds no "
                                 "key"
                             : "a service that names its principal looks "
                               "the key up by name and kvno, and finds none "
                               "for this kvno");
        }
        free(n);
        goto done;
    }
    {
        char *kv = kvno_list(&s);

        if (!any_ours) {
            char *held = name_list(&s);

            out->detail = xasprintf("wrong name: %s has no key for %s%s%s "
                                    "and none of its keys decrypts the ticket "
                                    "(it holds %s)", path, spn,
                                    alt_name ? " or " : "",
                                    alt_name ? alt_name : "",
                                    *held ? held : "no keys");
            free(held);
        } else if (!ours_at_kvno) {
            out->detail = xasprintf("kvno %s in the keytab, %d in the ticket%s: "
                                    "no key decrypts it: %s is stale (the "
                                    "password changed after it was made)", kv,
                                    t->kvno,
                                    dir_kvno >= 0 && dir_kvno != t->kvno
                                        ? " and another in the directory"
                                        : "",
                                    path);
        } else {
            char *types = types_at(&s, t->kvno);

            if (strstr(types, ename) == NULL)
                out->detail = xasprintf("no %s key in %s for kvno %d (it "
                                        "holds %s): the KDC encrypts the "
                                        "ticket with %s", ename, path,
                                        t->kvno, types, ename);
            else
                out->detail = xasprintf("the %s key of kvno %d in %s does "
                                        "not decrypt the ticket: the keytab's "
                                        "key is not the account's (made with "
                                        "another password or salt)", ename,
                                        t->kvno, path);
            free(types);
        }
        free(kv);
    }
done:
    scan_free(&s);
    free(path);
    krb5_free_principal(t->kc, want);
    krb5_free_principal(t->kc, alt);
    if (kt != NULL)
        krb5_kt_close(t->kc, kt);
}

bool ticket_check_keytab(const struct ticket *t, const char *spn,
                         const char *keytab, const char *alt_name,
                         long dir_kvno, char **detail)
{
    struct keytab_check k;

    ticket_keytab_check(t, spn, keytab, alt_name, dir_kvno, &k);
    *detail = k.detail;
    return k.result != KEYTAB_REFUSES;
}
