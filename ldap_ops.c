#include "ldap_ops.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <krb5.h>
#include <ldap.h>

#include "creds.h"
#include "discover.h"
#include "xalloc.h"
#include <sasl/sasl.h>

/* libldap takes attribute names and OIDs as non-const char *. */
static char A_DEFAULT_NC[] = "defaultNamingContext";
static char A_CONFIG_NC[] = "configurationNamingContext";
static char A_ROOT_NC[] = "rootDomainNamingContext";
static char A_NC_NAME[] = "nCName";
static char A_DNS_ROOT[] = "dnsRoot";
static char A_NETBIOS[] = "nETBIOSName";
static char A_SPN_MAPPINGS[] = "sPNMappings";
static char A_META[] = "replPropertyMetaData";
static char A_SPN[] = "servicePrincipalName";
static char A_SAM[] = "sAMAccountName";
static char A_DNSHOST[] = "dNSHostName";
static char A_OBJECTCLASS[] = "objectClass";
static char OID_PAGED[] = LDAP_CONTROL_PAGEDRESULTS;

struct sp_conn {
    LDAP *ld;
    char *uri;
    char *base;      /* defaultNamingContext */
    char *config;    /* configurationNamingContext */
    char *forest;    /* rootDomainNamingContext */
    char *principal; /* the Kerberos identity we bind as */
    char *error;
    char *how;       /* how the DC was chosen, for -v */
    bool tls;        /* ldaps:// or StartTLS */
    bool lost;       /* a request found the connection gone */
    char *tls_desc;  /* "TLSv1.3 AES-256-GCM", for -v */
    unsigned ssf;    /* SASL SSF, or TLS SSF with TLS */
    unsigned pages;
    int timeout;
    int page_size;
};

static unsigned long random_below(unsigned long max)
{
    return max ? (unsigned long)random() % max : 0;
}

__attribute__((format(printf, 3, 4)))
static enum sp_status fail(struct sp_conn *c, enum sp_status st,
                           const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    free(c->error);
    c->error = xvasprintf(fmt, ap);
    va_end(ap);
    return st;
}

/* Server diagnostics end in newlines and NULs on some DCs. */
static const char *clean_diag(char *diag)
{
    size_t n;

    if (diag == NULL)
        return "";
    n = strlen(diag);
    while (n > 0 && (diag[n - 1] == '\n' || diag[n - 1] == '\r'
                     || diag[n - 1] == ' '))
        diag[--n] = '\0';
    return diag;
}

/* Records an LDAP failure: "<what>: <error text> (<code>)[: <diagnostic>]". */
static enum sp_status fail_ldap(struct sp_conn *c, enum sp_op op, int rc,
                                char *diag, const char *what)
{
    const char *d = clean_diag(diag);
    enum sp_status st = sp_classify(rc, d, op);

    if (rc == LDAP_SERVER_DOWN || rc == LDAP_TIMEOUT
        || rc == LDAP_CONNECT_ERROR)
        c->lost = true;
    return fail(c, st, "%s: %s (%d)%s%s", what, ldap_err2string(rc), rc,
                *d ? ": " : "", d);
}

/* The same, taking the diagnostic from the handle (no result message). */
static enum sp_status fail_ld(struct sp_conn *c, enum sp_op op, int rc,
                              const char *what)
{
    char *diag = NULL;
    enum sp_status st;

    if (c->ld != NULL)
        ldap_get_option(c->ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
    st = fail_ldap(c, op, rc, diag, what);
    ldap_memfree(diag);
    return st;
}

struct sp_conn *sp_conn_new(void)
{
    struct sp_conn *c = calloc(1, sizeof(*c));

    if (c == NULL)
        abort();
    c->page_size = 1000;
    return c;
}

void sp_conn_free(struct sp_conn *c)
{
    if (c == NULL)
        return;
    if (c->ld != NULL)
        ldap_unbind_ext_s(c->ld, NULL, NULL);
    free(c->uri);
    free(c->base);
    free(c->config);
    free(c->forest);
    free(c->principal);
    free(c->how);
    free(c->tls_desc);
    free(c->error);
    free(c);
}

const char *sp_conn_error(const struct sp_conn *c)
{
    return c->error != NULL ? c->error : "";
}

const char *sp_conn_uri(const struct sp_conn *c) { return c->uri; }
const char *sp_conn_base(const struct sp_conn *c) { return c->base; }
const char *sp_conn_principal(const struct sp_conn *c) { return c->principal; }
const char *sp_conn_forest(const struct sp_conn *c) { return c->forest; }
unsigned sp_conn_ssf(const struct sp_conn *c) { return c->ssf; }
const char *sp_conn_tls(const struct sp_conn *c)
{
    return c->tls ? c->tls_desc : NULL;
}
const char *sp_conn_how(const struct sp_conn *c) { return c->how; }
unsigned sp_conn_pages(const struct sp_conn *c) { return c->pages; }

bool sp_conn_alive(const struct sp_conn *c)
{
    return c->ld != NULL && !c->lost;
}

/* The SASL library may ask for an authorization identity or realm; we never
 * prompt, so answer with its defaults. */
static int quiet_interact(LDAP *ld, unsigned flags, void *defaults, void *in)
{
    sasl_interact_t *i = in;

    (void)ld;
    (void)flags;
    (void)defaults;
    for (; i->id != SASL_CB_LIST_END; i++) {
        i->result = i->defresult != NULL ? i->defresult : "";
        i->len = (unsigned)strlen(i->result);
    }
    return LDAP_SUCCESS;
}

/* GSSAPI's text hides the cause in parentheses; name it for an admin.
 * Returns a malloc'd hint or NULL. */
static char *bind_hint(const char *diag, const char *uri)
{
    static const struct {
        const char *needle, *hint;
    } hints[] = {
        { "Clock skew", "the clocks of this host and the KDC differ too "
                        "much: synchronise them" },
        { "Cannot contact any KDC", "no KDC answered: check the realm's "
                                    "kdc entries in krb5.conf" },
        { "Ticket expired", "the ticket expired: run kinit" },
        { "No Kerberos credentials", "no Kerberos ticket: run kinit" },
        { "no mechanism available", "the Cyrus SASL GSSAPI plugin is "
                                    "missing (libsasl2-modules-gssapi-mit)" },
        { "Stronger", "the DC requires a stronger (signed or sealed) "
                      "binding" },
    };
    char *hint = NULL;

    if (diag == NULL)
        return NULL;
    if (strstr(diag, "not found in Kerberos database") != NULL) {
        LDAPURLDesc *lud = NULL;
        const char *host = "HOST";

        if (ldap_url_parse(uri, &lud) == LDAP_URL_SUCCESS
            && lud->lud_host != NULL && *lud->lud_host != '\0')
            host = lud->lud_host;
        if (asprintf(&hint, "the KDC does not know ldap/%s: use the DC's "
                            "host name as it appears in its SPNs", host) < 0)
            abort();
        ldap_free_urldesc(lud);
        return hint;
    }
    for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
        if (strstr(diag, hints[i].needle) != NULL)
            return xstrdup(hints[i].hint);
    return NULL;
}

/* libldap says only "Connect error" when a certificate fails; say what to
 * check, naming the host.  Returns a malloc'd text. */
static char *tls_hint(const struct sp_conn *c)
{
    LDAPURLDesc *lud = NULL;
    char *hint;

    if (asprintf(&hint, "if the DC is up, TLS with %s failed: check that "
                        "its certificate names it and that --cacert or "
                        "TLS_CACERT holds its CA",
                 ldap_url_parse(c->uri, &lud) == LDAP_URL_SUCCESS
                         && lud->lud_host
                     ? lud->lud_host
                     : c->uri) < 0)
        abort();
    ldap_free_urldesc(lud);
    return hint;
}

/* Describes a failed bind; GSSAPI's hints and TLS trouble named. */
static enum sp_status bind_failed(struct sp_conn *c, int rc, const char *mech)
{
    char *diag = NULL, *what = NULL, *hint;
    enum sp_status st;

    ldap_get_option(c->ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
    hint = bind_hint(diag, c->uri);
    if ((rc == LDAP_CONNECT_ERROR || rc == LDAP_SERVER_DOWN) && c->tls
        && hint == NULL)
        hint = tls_hint(c);
    if (asprintf(&what, "%s bind to %s as %s", mech, c->uri,
                 c->principal ? c->principal : "?") < 0)
        abort();
    st = fail_ldap(c, OP_BIND, rc, diag, what);
    if (hint != NULL) {
        char *base = c->error;

        c->error = NULL;
        fail(c, st, "%s (%s)", base, hint);
        free(base);
        free(hint);
    }
    ldap_memfree(diag);
    free(what);
    return st;
}

/*
 * libldap 2.5 does not export the TLS strength; the negotiated cipher says
 * it.  Every cipher GnuTLS or OpenSSL offers by default has 128 bits or
 * more; a NULL cipher has none.
 */
static enum sp_status tls_strength(struct sp_conn *c, unsigned min_ssf)
{
    char *cipher = NULL, *version = NULL;

    ldap_get_option(c->ld, LDAP_OPT_X_TLS_CIPHER, &cipher);
    ldap_get_option(c->ld, LDAP_OPT_X_TLS_VERSION, &version);
    c->ssf = cipher == NULL || strstr(cipher, "NULL") != NULL ? 0
             : strstr(cipher, "256") || strstr(cipher, "CHACHA20") ? 256
                                                                  : 128;
    free(c->tls_desc);
    if (asprintf(&c->tls_desc, "%s %s", version ? version : "TLS",
                 cipher ? cipher : "?") < 0)
        abort();
    ldap_memfree(cipher);
    ldap_memfree(version);
    if (c->ssf < min_ssf)
        return fail(c, SP_AUTH, "TLS to %s (%s) is weaker than the minimum "
                                "strength %u", c->uri, c->tls_desc, min_ssf);
    return SP_OK;
}

static enum sp_status sasl_bind(struct sp_conn *c, unsigned min_ssf)
{
    char secprops[64];
    ber_len_t ssf = 0;
    int rc;

    /* Inside TLS, AD wants no SASL layer, and channel binding instead. */
    if (c->tls) {
        int cb = LDAP_OPT_X_SASL_CBINDING_TLS_ENDPOINT;

        snprintf(secprops, sizeof(secprops), "minssf=0,maxssf=0");
        if (ldap_set_option(c->ld, LDAP_OPT_X_SASL_CBINDING, &cb)
            != LDAP_SUCCESS)
            return fail(c, SP_DIRECTORY, "cannot set channel binding");
    } else {
        snprintf(secprops, sizeof(secprops), "minssf=%u", min_ssf);
    }
    rc = ldap_set_option(c->ld, LDAP_OPT_X_SASL_SECPROPS, secprops);
    if (rc != LDAP_SUCCESS)
        return fail_ld(c, OP_BIND, rc, "setting SASL security properties");

    rc = ldap_sasl_interactive_bind_s(c->ld, NULL, "GSSAPI", NULL, NULL,
                                      LDAP_SASL_QUIET, quiet_interact, NULL);
    if (rc != LDAP_SUCCESS)
        return bind_failed(c, rc, "SASL GSSAPI");
    if (c->tls)
        return tls_strength(c, min_ssf);
    ldap_get_option(c->ld, LDAP_OPT_X_SASL_SSF, &ssf);
    c->ssf = (unsigned)ssf;
    if (c->ssf < min_ssf)
        return fail(c, SP_AUTH, "bind to %s gave security strength %u, "
                                "below the minimum %u", c->uri, c->ssf,
                    min_ssf);
    return SP_OK;
}

/* A simple bind: only ever over TLS (checked before we get here). */
static enum sp_status simple_bind(struct sp_conn *c, const char *dn,
                                  const char *password, unsigned min_ssf)
{
    struct berval cred;
    int rc;

    cred.bv_val = (char *)password;
    cred.bv_len = strlen(password);
    free(c->principal);
    c->principal = xstrdup(dn);
    rc = ldap_sasl_bind_s(c->ld, dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL,
                          NULL);
    if (rc != LDAP_SUCCESS)
        return bind_failed(c, rc, "simple");
    return tls_strength(c, min_ssf);
}

static char *first_value(LDAP *ld, LDAPMessage *e, const char *attr)
{
    struct berval **v = ldap_get_values_len(ld, e, attr);
    char *r = NULL;

    if (v != NULL && v[0] != NULL)
        r = xstrdup(v[0]->bv_val);
    ldap_value_free_len(v);
    return r;
}

static enum sp_status read_rootdse(struct sp_conn *c)
{
    char *attrs[] = { A_DEFAULT_NC, A_CONFIG_NC, A_ROOT_NC, NULL };
    LDAPMessage *res = NULL, *e;
    struct timeval tv = { c->timeout, 0 };
    enum sp_status st = SP_OK;
    int rc;

    rc = ldap_search_ext_s(c->ld, "", LDAP_SCOPE_BASE, "(objectClass=*)",
                           attrs, 0, NULL, NULL, c->timeout ? &tv : NULL, 1,
                           &res);
    if (rc != LDAP_SUCCESS) {
        st = fail_ld(c, OP_READ, rc, "reading the rootDSE");
        goto done;
    }
    e = ldap_first_entry(c->ld, res);
    if (e != NULL) {
        c->base = first_value(c->ld, e, "defaultNamingContext");
        c->config = first_value(c->ld, e, "configurationNamingContext");
        c->forest = first_value(c->ld, e, "rootDomainNamingContext");
    }
    if (c->base == NULL)
        st = fail(c, SP_DIRECTORY, "%s has no defaultNamingContext in its "
                                   "rootDSE: is it an Active Directory DC?",
                  c->uri);
done:
    ldap_msgfree(res);
    return st;
}

static bool scheme_is(const char *uri, const char *scheme)
{
    size_t n = strlen(scheme);

    return strncasecmp(uri, scheme, n) == 0 && uri[n] == ':';
}

/* Connects, secures and binds to one URI. */
static enum sp_status connect_one(struct sp_conn *c, const char *uri,
                                  const struct sp_connect_opts *o)
{
    int version = LDAP_VERSION3, rc, hard = LDAP_OPT_X_TLS_HARD, zero = 0;
    struct timeval tv = { o->timeout, 0 };
    enum sp_status st;

    if (c->ld != NULL)
        ldap_unbind_ext_s(c->ld, NULL, NULL);
    c->ld = NULL;
    c->lost = false;
    free(c->uri);
    c->uri = xstrdup(uri);
    c->tls = scheme_is(uri, "ldaps") || o->starttls;
    if (o->bind_dn != NULL && !c->tls)
        return fail(c, SP_INVALID, "refusing a simple bind over %s without "
                                   "TLS: use ldaps:// or -Z", uri);
    /* The certificate is always verified, whatever ldap.conf's TLS_REQCERT
     * says.  Set globally: a handle's own TLS context would not inherit
     * TLS_CACERT from ldap.conf. */
    if (c->tls
        && (ldap_set_option(NULL, LDAP_OPT_X_TLS_REQUIRE_CERT, &hard)
            || (o->cacert != NULL
                && ldap_set_option(NULL, LDAP_OPT_X_TLS_CACERTFILE, o->cacert))
            || ldap_set_option(NULL, LDAP_OPT_X_TLS_NEWCTX, &zero)))
        return fail(c, SP_INVALID, "cannot set up TLS%s%s",
                    o->cacert ? " with CA file " : "",
                    o->cacert ? o->cacert : "");
    rc = ldap_initialize(&c->ld, uri);
    if (rc != LDAP_SUCCESS)
        return fail(c, SP_INVALID, "bad LDAP URI '%s': %s", uri,
                    ldap_err2string(rc));
    /* A referral would make libldap bind anonymously elsewhere. */
    if (ldap_set_option(c->ld, LDAP_OPT_PROTOCOL_VERSION, &version)
        || ldap_set_option(c->ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF)
        || ldap_set_option(c->ld, LDAP_OPT_X_SASL_NOCANON, LDAP_OPT_ON)
        || (o->timeout > 0
            && (ldap_set_option(c->ld, LDAP_OPT_NETWORK_TIMEOUT, &tv)
                || ldap_set_option(c->ld, LDAP_OPT_TIMEOUT, &tv))))
        return fail(c, SP_DIRECTORY, "cannot set LDAP options for %s", uri);
    if (o->starttls && !scheme_is(uri, "ldaps")) {
        rc = ldap_start_tls_s(c->ld, NULL, NULL);
        if (rc != LDAP_SUCCESS) {
            char *what, *hint = tls_hint(c);

            if (asprintf(&what, "StartTLS with %s", uri) < 0)
                abort();
            fail_ld(c, OP_READ, rc, what);
            free(what);
            what = c->error;
            c->error = NULL;
            /* Never carry on in plaintext. */
            st = fail(c, SP_CONNECT, "%s (%s)", what, hint);
            free(what);
            free(hint);
            return st;
        }
    }
    if (o->bind_dn != NULL) {
        /* The TLS session, and its strength, before the password goes. */
        rc = ldap_connect(c->ld);
        if (rc != LDAP_SUCCESS)
            return bind_failed(c, rc, "simple");
        if ((st = tls_strength(c, o->min_ssf)) != SP_OK)
            return st;
        st = simple_bind(c, o->bind_dn, o->password, o->min_ssf);
    } else {
        st = sasl_bind(c, o->min_ssf);
    }
    if (st != SP_OK)
        return st;
    return read_rootdse(c);
}

/* A URI list ("ldap://a ldap://b"), one URL each, so that every one is
 * secured and checked on its own: libldap would otherwise fall over to
 * the next by itself, TLS or not. */
static enum sp_status split_uris(struct sp_conn *c, const char *list,
                                 char ***uris, size_t *n)
{
    const char *p = list;

    *uris = NULL;
    *n = 0;
    while (*p != '\0') {
        size_t len = strcspn(p, " \t,");
        LDAPURLDesc *lud = NULL;
        char *one = xstrndup(p, len);

        if (len > 0) {
            if (ldap_url_parse(one, &lud) != LDAP_URL_SUCCESS
                || lud->lud_host == NULL) {
                ldap_free_urldesc(lud);
                for (size_t i = 0; i < *n; i++)
                    free((*uris)[i]);
                free(*uris);
                *uris = NULL;
                *n = 0;
                free(one);
                return fail(c, SP_INVALID, "bad LDAP URI '%s'", list);
            }
            /* scheme://host[:port] only: a base DN here would mean nothing */
            {
                bool v6 = strchr(lud->lud_host, ':') != NULL;
                char port[16] = "";

                if (lud->lud_port > 0)
                    snprintf(port, sizeof(port), ":%d", lud->lud_port);
                free(one);
                one = xasprintf("%s://%s%s%s%s", lud->lud_scheme,
                                v6 ? "[" : "", lud->lud_host, v6 ? "]" : "",
                                port);
            }
            ldap_free_urldesc(lud);
            *uris = xrealloc(*uris, (*n + 1) * sizeof(**uris));
            (*uris)[(*n)++] = one;
        } else {
            free(one);
        }
        p += len;
        p += strspn(p, " \t,");
    }
    if (*n == 0)
        return fail(c, SP_INVALID, "bad LDAP URI '%s'", list);
    return SP_OK;
}

/* The DCs to try when neither -H nor ldap.conf names one: DNS SRV. */
static enum sp_status discover(struct sp_conn *c,
                               const struct sp_connect_opts *o,
                               char ***uris, size_t *n)
{
    char *domain = NULL, *name = NULL, *msg = NULL, *why = NULL;
    struct srv_target *t = NULL;
    size_t nt = 0;
    const char *const dc_srv[] = { "_ldap._tcp.dc._msdcs.", "_ldap._tcp." };
    const char *const gc_srv[] = { "_ldap._tcp.gc._msdcs.", "_gc._tcp." };
    const char *const *prefix = o->gc ? gc_srv : dc_srv;
    enum sp_status st = SP_OK;

    *uris = NULL;
    *n = 0;
    if (o->domain != NULL) {
        domain = xstrdup(o->domain);
    } else {
        domain = NULL;
    }
    if (domain == NULL) {
        krb5_context kc;
        char *realm = NULL;

        if (krb5_init_context(&kc) == 0) {
            if (krb5_get_default_realm(kc, &realm) == 0) {
                domain = xstrdup(realm);
                krb5_free_default_realm(kc, realm);
            }
            krb5_free_context(kc);
        }
        if (domain == NULL)
            return fail(c, SP_INVALID, "no DC to talk to: give -H ldap://DC "
                                       "or --domain, or set URI in ldap.conf "
                                       "or default_realm in krb5.conf");
    }
    for (char *p = domain; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    for (int i = 0; i < 2 && nt == 0; i++) {
        free(name);
        free(msg);
        msg = NULL;
        if (asprintf(&name, "%s%s", prefix[i], domain) < 0)
            abort();
        srv_lookup(name, &t, &nt, &msg);
        if (msg != NULL && why == NULL)
            why = xstrdup(msg);
    }
    if (nt == 0) {
        st = fail(c, SP_CONNECT, "cannot find a %s for %s: %s; give -H",
                  o->gc ? "Global Catalog" : "DC", domain, why);
        goto done;
    }
    srv_order(t, nt, random_below);
    *uris = xrealloc(NULL, nt * sizeof(**uris));
    for (size_t i = 0; i < nt; i++)
        if (asprintf(&(*uris)[i], "ldap://%s:%u", t[i].host, t[i].port) < 0)
            abort();
    *n = nt;
    free(c->how);
    if (asprintf(&c->how, "DNS SRV %s (%zu record%s)", name, nt,
                 nt == 1 ? "" : "s") < 0)
        abort();
done:
    srv_free(t, nt);
    free(domain);
    free(name);
    free(msg);
    free(why);
    return st;
}

enum sp_status sp_connect(struct sp_conn *c, const struct sp_connect_opts *o)
{
    char **uris = NULL, *conf_uri = NULL, *msg = NULL;
    size_t n = 0;
    enum sp_status st;

    c->timeout = o->timeout;
    if (o->page_size > 0)
        c->page_size = o->page_size;
    if (o->bind_dn == NULL) {
        struct sp_creds cr = { o->keytab, o->principal, o->password };

        st = creds_acquire(&cr, &c->principal, &msg);
        if (st != SP_OK) {
            fail(c, st, "%s", msg);
            free(msg);
            return st;
        }
    }

    ldap_get_option(NULL, LDAP_OPT_URI, &conf_uri);
    /* With no URI configured, libldap reports its built-in default, which
     * a URI line never yields (that prints without the "/??base"). */
    if (conf_uri != NULL && strcmp(conf_uri, "ldap://localhost:389/??base") == 0) {
        ldap_memfree(conf_uri);
        conf_uri = NULL;
    }
    if (o->uri != NULL) {
        st = split_uris(c, o->uri, &uris, &n);
        c->how = xstrdup(o->gc ? "the DC's Global Catalog port" : "-H");
    } else if (conf_uri != NULL && !o->gc) {
        st = split_uris(c, conf_uri, &uris, &n);
        c->how = xstrdup("URI in ldap.conf");
    } else {
        st = discover(c, o, &uris, &n);
    }
    ldap_memfree(conf_uri);
    if (st != SP_OK)
        return st;

    /* The next DC when one does not answer; any other failure is final. */
    st = SP_CONNECT;
    for (size_t i = 0; i < n && st == SP_CONNECT; i++) {
        char *prev = c->error ? xstrdup(c->error) : NULL;

        if (o->on_attempt != NULL)
            o->on_attempt(uris[i], o->attempt_ctx);
        st = connect_one(c, uris[i], o);
        if (st != SP_OK && prev != NULL) {
            char *mine = c->error;

            c->error = NULL;
            fail(c, st, "%s; before that: %s", mine, prev);
            free(mine);
        }
        free(prev);
    }
    for (size_t i = 0; i < n; i++)
        free(uris[i]);
    free(uris);
    return st;
}

typedef enum sp_status (*raw_entry_fn)(struct sp_conn *c, LDAPMessage *e,
                                       void *ctx);

/* Runs one paged search (every search is paged: Windows DCs cap unpaged
 * results at 1,000), calling fn for every entry. */
static enum sp_status search_paged(struct sp_conn *c, const char *base,
                                   int scope, const char *filter,
                                   char **attrs, raw_entry_fn fn, void *ctx)
{
    struct berval cookie = { 0, NULL };
    struct timeval tv = { c->timeout, 0 };
    enum sp_status st = SP_OK;
    char *what;

    if (asprintf(&what, "searching %s for %s", base, filter) < 0)
        abort();
    c->pages = 0;
    do {
        LDAPControl pctrl = { OID_PAGED, { 0, NULL }, 1 };
        LDAPControl *sctrls[] = { &pctrl, NULL }, **rctrls = NULL, *rc_page;
        LDAPMessage *res = NULL;
        char *diag = NULL;
        int rc, err = LDAP_SUCCESS;
        ber_int_t estimate;

        rc = ldap_create_page_control_value(c->ld, c->page_size, &cookie,
                                            &pctrl.ldctl_value);
        ber_memfree(cookie.bv_val);
        cookie.bv_val = NULL;
        cookie.bv_len = 0;
        if (rc != LDAP_SUCCESS) {
            st = fail_ld(c, OP_READ, rc, what);
            break;
        }
        rc = ldap_search_ext_s(c->ld, base, scope, filter, attrs, 0, sctrls,
                               NULL, c->timeout ? &tv : NULL, LDAP_NO_LIMIT,
                               &res);
        ber_memfree(pctrl.ldctl_value.bv_val);
        if (res == NULL) {
            st = fail_ld(c, OP_READ, rc, what);
            break;
        }
        c->pages++;
        for (LDAPMessage *e = ldap_first_entry(c->ld, res);
             e != NULL && st == SP_OK; e = ldap_next_entry(c->ld, e))
            st = fn(c, e, ctx);
        rc = ldap_parse_result(c->ld, res, &err, NULL, &diag, NULL, &rctrls,
                               1);
        if (st == SP_OK && (rc != LDAP_SUCCESS || err != LDAP_SUCCESS))
            st = fail_ldap(c, OP_READ, rc != LDAP_SUCCESS ? rc : err, diag,
                           what);
        ldap_memfree(diag);
        rc_page = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, rctrls, NULL);
        if (st == SP_OK && rc_page != NULL
            && ldap_parse_pageresponse_control(c->ld, rc_page, &estimate,
                                               &cookie) != LDAP_SUCCESS)
            st = fail(c, SP_DIRECTORY, "%s: bad paged-results response", what);
        ldap_controls_free(rctrls);
    } while (st == SP_OK && cookie.bv_len > 0);
    ber_memfree(cookie.bv_val);
    free(what);
    return st;
}

/* Hands an entry's DN and SPNs to a public sp_entry_fn. */
struct spn_adapter {
    sp_entry_fn fn;
    void *ctx;
    char **spns;
    size_t cap;
};

static enum sp_status adapt_entry(struct sp_conn *c, LDAPMessage *e,
                                  void *ctx)
{
    struct spn_adapter *a = ctx;
    char *dn = ldap_get_dn(c->ld, e);
    struct berval **v = ldap_get_values_len(c->ld, e, "servicePrincipalName");
    size_t n = (size_t)ldap_count_values_len(v);
    enum sp_status st;

    if (n + 1 > a->cap) {
        a->cap = n + 1;
        a->spns = xrealloc(a->spns, a->cap * sizeof(*a->spns));
    }
    for (size_t i = 0; i < n; i++)
        a->spns[i] = v[i]->bv_val;
    a->spns[n] = NULL;
    st = a->fn(dn ? dn : "", a->spns, n, a->ctx);
    ldap_value_free_len(v);
    ldap_memfree(dn);
    return st;
}

static void entry_copy(struct sp_entry *dst, const char *dn,
                       char *const *spns, size_t n)
{
    dst->dn = xstrdup(dn);
    dst->nspns = n;
    dst->spns = xrealloc(NULL, (n + 1) * sizeof(*dst->spns));
    for (size_t i = 0; i < n; i++)
        dst->spns[i] = xstrdup(spns[i]);
    dst->spns[n] = NULL;
}

/* Copies an entry's DN and SPNs out of a search result. */
static void entry_load(struct sp_conn *c, LDAPMessage *e, struct sp_entry *dst)
{
    char *dn = ldap_get_dn(c->ld, e);
    struct berval **v = ldap_get_values_len(c->ld, e, "servicePrincipalName");
    size_t n = (size_t)ldap_count_values_len(v);

    dst->dn = xstrdup(dn ? dn : "");
    dst->nspns = n;
    dst->spns = xrealloc(NULL, (n + 1) * sizeof(*dst->spns));
    for (size_t i = 0; i < n; i++)
        dst->spns[i] = xstrdup(v[i]->bv_val);
    dst->spns[n] = NULL;
    ldap_value_free_len(v);
    ldap_memfree(dn);
}

void sp_entry_free(struct sp_entry *e)
{
    for (size_t i = 0; i < e->nspns; i++)
        free(e->spns[i]);
    free(e->spns);
    free(e->dn);
    memset(e, 0, sizeof(*e));
}

enum sp_status sp_collect(const char *dn, char *const *spns, size_t n,
                              void *ctx)
{
    struct sp_entries *out = ctx;

    if (out->n == out->cap) {
        out->cap = out->cap ? out->cap * 2 : 16;
        out->v = xrealloc(out->v, out->cap * sizeof(*out->v));
    }
    entry_copy(&out->v[out->n++], dn, spns, n);
    return SP_OK;
}

void sp_entries_free(struct sp_entries *es)
{
    if (es == NULL)
        return;
    for (size_t i = 0; i < es->n; i++)
        sp_entry_free(&es->v[i]);
    free(es->v);
    memset(es, 0, sizeof(*es));
}

enum sp_status sp_search_spn(struct sp_conn *c, const char *base,
                             const char *spn, bool wildcard, sp_entry_fn fn,
                             void *ctx)
{
    char *attrs[] = { A_SPN, NULL };
    char *filter = filter_equals("servicePrincipalName", spn, wildcard);
    enum sp_status st;

    if (filter == NULL)
        abort();
    struct spn_adapter a = { fn, ctx, NULL, 0 };

    st = search_paged(c, base, LDAP_SCOPE_SUBTREE, filter, attrs,
                      adapt_entry, &a);
    free(a.spns);
    free(filter);
    return st;
}

enum sp_status sp_find_holders(struct sp_conn *c, const char *base,
                               const char *spn, bool wildcard,
                               struct sp_entries *out)
{
    return sp_search_spn(c, base, spn, wildcard, sp_collect, out);
}

/* Account lookup: one search returns the candidates with everything we
 * need, so NAME$ and NAME cost one round trip together. */
struct account_search {
    struct sp_account found[2]; /* [0]: NAME$, [1]: NAME */
    const char *want_dollar;    /* sAMAccountName of the computer form */
    unsigned matches;
};

void sp_account_free(struct sp_account *a)
{
    if (a == NULL)
        return;
    sp_entry_free(&a->entry);
    free(a->sam);
    free(a->dns_host);
    memset(a, 0, sizeof(*a));
}

static char *name_with_dollar(const char *name)
{
    char *r;

    if (asprintf(&r, "%s$", name) < 0)
        abort();
    return r;
}

static char *or_filter(const char *a, const char *b)
{
    char *r;

    if (asprintf(&r, "(|%s%s)", a, b) < 0)
        abort();
    return r;
}

static bool has_value(LDAP *ld, LDAPMessage *e, const char *attr,
                      const char *value)
{
    struct berval **v = ldap_get_values_len(ld, e, attr);
    bool r = false;

    for (size_t i = 0; v != NULL && v[i] != NULL; i++)
        if (strcasecmp(v[i]->bv_val, value) == 0)
            r = true;
    ldap_value_free_len(v);
    return r;
}

static enum sp_status account_entry(struct sp_conn *c, LDAPMessage *e,
                                    void *ctx)
{
    struct account_search *s = ctx;
    char *sam = first_value(c->ld, e, "sAMAccountName");
    bool is_dollar = s->want_dollar != NULL && sam != NULL
                     && strcasecmp(sam, s->want_dollar) == 0;
    struct sp_account *a = &s->found[is_dollar ? 0 : 1];

    s->matches++;
    if (a->entry.dn != NULL) {
        s->matches++; /* two of one form: ambiguous */
        free(sam);
        return SP_OK;
    }
    entry_load(c, e, &a->entry);
    a->sam = sam;
    a->dns_host = first_value(c->ld, e, "dNSHostName");
    a->computer = has_value(c->ld, e, "objectClass", "computer");
    return SP_OK;
}

enum sp_status sp_find_account(struct sp_conn *c,
                               const struct account_ref *ref,
                               enum account_kind kind,
                               struct sp_account *out)
{
    char *attrs[] = { A_SAM, A_DNSHOST, A_OBJECTCLASS, A_SPN, NULL };
    struct account_search s = { 0 };
    char *filter = NULL, *dollar = NULL;
    const char *base = c->base;
    int scope = LDAP_SCOPE_SUBTREE;
    enum sp_status st;
    char *quoted = quote_value(ref->name);

    memset(out, 0, sizeof(*out));
    switch (ref->form) {
    case ACCOUNT_DN:
        base = ref->name;
        scope = LDAP_SCOPE_BASE;
        /* an account, not any object: containers hold no SPNs */
        filter = xstrdup("(sAMAccountName=*)");
        break;
    case ACCOUNT_UPN:
        filter = filter_equals("userPrincipalName", ref->name, false);
        break;
    case ACCOUNT_NAME:
        if (ref->dollar || kind == KIND_USER) {
            filter = filter_equals("sAMAccountName", ref->name, false);
        } else {
            char *fc, *fu;

            dollar = name_with_dollar(ref->name);
            s.want_dollar = dollar;
            fc = filter_equals("sAMAccountName", dollar, false);
            if (kind == KIND_COMPUTER) {
                filter = fc;
                break;
            }
            fu = filter_equals("sAMAccountName", ref->name, false);
            if (fc == NULL || fu == NULL)
                abort();
            filter = or_filter(fc, fu);
            free(fc);
            free(fu);
        }
        break;
    }
    if (filter == NULL)
        abort();

    st = search_paged(c, base, scope, filter, attrs, account_entry, &s);
    if (st == SP_NOT_FOUND && ref->form == ACCOUNT_DN)
        st = fail(c, SP_NOT_FOUND, "no object %s", quoted);
    else if (st == SP_OK && s.matches == 0)
        st = fail(c, SP_NOT_FOUND, "could not find account %s", quoted);
    else if (st == SP_OK && s.matches > 2)
        st = fail(c, SP_DIRECTORY, "%u accounts match %s", s.matches,
                  quoted);
    if (st == SP_OK) {
        /* The computer form wins, as Setspn.exe does. */
        int pick = s.found[0].entry.dn != NULL ? 0 : 1;

        *out = s.found[pick];
        memset(&s.found[pick], 0, sizeof(s.found[pick]));
    }
    sp_account_free(&s.found[0]);
    sp_account_free(&s.found[1]);
    free(filter);
    free(dollar);
    free(quoted);
    return st;
}

static enum sp_status modify_one(struct sp_conn *c, const char *dn, int op,
                                 const char *spn)
{
    char *value = xstrdup(spn); /* libldap wants it writable */
    char *vals[] = { value, NULL };
    LDAPMod mod = { .mod_op = op, .mod_type = A_SPN, .mod_values = vals };
    LDAPMod *mods[] = { &mod, NULL };
    struct timeval tv = { c->timeout, 0 };
    LDAPMessage *res = NULL;
    char *what, *q, *diag = NULL, **refs = NULL;
    enum sp_status st = SP_OK;
    int rc, msgid, err = LDAP_SUCCESS;

    q = quote_value(spn);
    if (asprintf(&what, "%s %s %s %s",
                 op == LDAP_MOD_ADD ? "adding" : "removing", q,
                 op == LDAP_MOD_ADD ? "to" : "from", dn) < 0)
        abort();
    /* Not ldap_modify_ext_s: a read-only DC's referral must be read. */
    rc = ldap_modify_ext(c->ld, dn, mods, NULL, NULL, &msgid);
    if (rc == LDAP_SUCCESS) {
        rc = ldap_result(c->ld, msgid, LDAP_MSG_ALL, c->timeout ? &tv : NULL,
                         &res);
        rc = rc == 0 ? LDAP_TIMEOUT : rc < 0 ? LDAP_SERVER_DOWN
                                             : LDAP_SUCCESS;
    }
    if (rc != LDAP_SUCCESS) {
        st = fail_ld(c, OP_WRITE, rc, what);
    } else {
        rc = ldap_parse_result(c->ld, res, &err, NULL, &diag, &refs, NULL, 1);
        res = NULL;
        if (rc != LDAP_SUCCESS)
            st = fail_ld(c, OP_WRITE, rc, what);
        else if (err == LDAP_REFERRAL && refs != NULL && refs[0] != NULL)
            st = fail(c, SP_CONNECT, "%s: %s does not take writes (a "
                                     "read-only DC?); it refers them to %s: "
                                     "use -H with that DC",
                      what, c->uri, refs[0]);
        else if (err != LDAP_SUCCESS)
            st = fail_ldap(c, OP_WRITE, err, diag, what);
    }
    ldap_msgfree(res);
    ldap_memfree(diag);
    ldap_memvfree((void **)refs);
    free(value);
    free(what);
    free(q);
    return st;
}

enum sp_status sp_add_spn(struct sp_conn *c, const char *dn, const char *spn)
{
    return modify_one(c, dn, LDAP_MOD_ADD, spn);
}

enum sp_status sp_delete_spn(struct sp_conn *c, const char *dn,
                             const char *spn)
{
    return modify_one(c, dn, LDAP_MOD_DELETE, spn);
}

static enum sp_status domain_entry(struct sp_conn *c, LDAPMessage *e,
                                   void *ctx)
{
    struct sp_domain *d = ctx;

    if (d->nc != NULL)
        return SP_OK; /* names are unique in a forest; keep the first */
    d->nc = first_value(c->ld, e, A_NC_NAME);
    d->dns = first_value(c->ld, e, A_DNS_ROOT);
    d->netbios = first_value(c->ld, e, A_NETBIOS);
    return SP_OK;
}

void sp_domain_free(struct sp_domain *d)
{
    if (d == NULL)
        return;
    free(d->nc);
    free(d->dns);
    free(d->netbios);
    memset(d, 0, sizeof(*d));
}

enum sp_status sp_find_domain(struct sp_conn *c, const char *name,
                              struct sp_domain *out)
{
    char *attrs[] = { A_NC_NAME, A_DNS_ROOT, A_NETBIOS, NULL };
    char *by[] = { A_DNS_ROOT, A_NETBIOS, A_NC_NAME };
    char *base, *filter, *alt[3];
    enum sp_status st;

    memset(out, 0, sizeof(*out));
    if (c->config == NULL)
        return fail(c, SP_DIRECTORY, "%s did not name its configuration "
                                     "partition", c->uri);
    for (int i = 0; i < 3; i++)
        if ((alt[i] = filter_equals(by[i], name, false)) == NULL)
            abort();
    /* nETBIOSName marks a domain's crossRef (application partitions have
     * none). */
    if (asprintf(&filter, "(&(objectClass=crossRef)(nETBIOSName=*)(|%s%s%s))",
                 alt[0], alt[1], alt[2]) < 0
        || asprintf(&base, "CN=Partitions,%s", c->config) < 0)
        abort();
    st = search_paged(c, base, LDAP_SCOPE_ONELEVEL, filter, attrs,
                      domain_entry, out);
    if (st == SP_OK && out->nc == NULL) {
        char *q = quote_value(name);

        st = fail(c, SP_NOT_FOUND, "no domain %s in the forest of %s", q,
                  c->uri);
        free(q);
    }
    if (st != SP_OK)
        sp_domain_free(out);
    for (int i = 0; i < 3; i++)
        free(alt[i]);
    free(filter);
    free(base);
    return st;
}

char *sp_gc_uri(const struct sp_conn *c)
{
    LDAPURLDesc *lud = NULL;
    char *r = NULL;
    bool ldaps;

    if (c->uri == NULL || ldap_url_parse(c->uri, &lud) != LDAP_URL_SUCCESS)
        return NULL;
    ldaps = strcasecmp(lud->lud_scheme, "ldaps") == 0;
    if (lud->lud_host != NULL && *lud->lud_host != '\0'
        && asprintf(&r, strchr(lud->lud_host, ':') ? "%s://[%s]:%d"
                                                   : "%s://%s:%d",
                    ldaps ? "ldaps" : "ldap", lud->lud_host,
                    ldaps ? 3269 : 3268) < 0)
        abort();
    ldap_free_urldesc(lud);
    return r;
}

struct values_ctx {
    char **v;
    size_t n;
};

static enum sp_status mapping_entry(struct sp_conn *c, LDAPMessage *e,
                                    void *ctx)
{
    struct values_ctx *m = ctx;
    struct berval **v = ldap_get_values_len(c->ld, e, A_SPN_MAPPINGS);

    for (size_t i = 0; v != NULL && v[i] != NULL; i++) {
        m->v = xrealloc(m->v, (m->n + 1) * sizeof(*m->v));
        m->v[m->n++] = xstrdup(v[i]->bv_val);
    }
    ldap_value_free_len(v);
    return SP_OK;
}

enum sp_status sp_host_aliases(struct sp_conn *c, char ***aliases, size_t *n,
                               bool *from_directory)
{
    char *attrs[] = { A_SPN_MAPPINGS, NULL };
    struct values_ctx m = { NULL, 0 };
    enum sp_status st = SP_DIRECTORY;
    char *base;

    *from_directory = false;
    if (c->config != NULL) {
        if (asprintf(&base, "CN=Directory Service,CN=Windows NT,CN=Services,"
                            "%s", c->config) < 0)
            abort();
        st = search_paged(c, base, LDAP_SCOPE_BASE, "(objectClass=*)", attrs,
                          mapping_entry, &m);
        free(base);
    }
    *aliases = spn_host_aliases(m.v, m.n, n);
    spn_strv_free(m.v, m.n);
    if (st == SP_OK && *n > 0) {
        *from_directory = true;
    } else {
        char *dflt = xstrdup(SPN_DEFAULT_HOST_MAPPING);

        spn_strv_free(*aliases, *n);
        *aliases = spn_host_aliases(&dflt, 1, n);
        free(dflt);
    }
    return SP_OK;
}

enum sp_status sp_search_any(struct sp_conn *c, const char *base,
                             char *const *values, size_t n, sp_entry_fn fn,
                             void *ctx)
{
    char *attrs[] = { A_SPN, NULL };
    char *filter = filter_any("servicePrincipalName", values, n);
    struct spn_adapter a = { fn, ctx, NULL, 0 };
    enum sp_status st;

    if (filter == NULL)
        return SP_OK; /* nothing to look for */
    st = search_paged(c, base, LDAP_SCOPE_SUBTREE, filter, attrs, adapt_entry,
                      &a);
    free(a.spns);
    free(filter);
    return st;
}

/* The SPNs of dn and the version of the attribute in replPropertyMetaData
 * (servicePrincipalName is ATTID 0x00090303). */
struct spn_state {
    struct sp_entry entry;
    unsigned long version;
};

#define ATTID_SPN 0x00090303u

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16
           | (uint32_t)p[3] << 24;
}

static enum sp_status state_entry(struct sp_conn *c, LDAPMessage *e,
                                  void *ctx)
{
    struct spn_state *s = ctx;
    struct berval **meta = ldap_get_values_len(c->ld, e, A_META);

    entry_load(c, e, &s->entry);
    /* replPropertyMetaDataBlob: version, reserved, count, reserved, then
     * 48-byte entries starting with attid and version. */
    if (meta != NULL && meta[0] != NULL && meta[0]->bv_len >= 16) {
        const unsigned char *b = (const unsigned char *)meta[0]->bv_val;
        size_t count = le32(b + 8);

        for (size_t i = 0; i < count && 16 + (i + 1) * 48 <= meta[0]->bv_len;
             i++)
            if (le32(b + 16 + i * 48) == ATTID_SPN)
                s->version = le32(b + 16 + i * 48 + 4);
    }
    ldap_value_free_len(meta);
    return SP_OK;
}

static enum sp_status read_state(struct sp_conn *c, const char *dn,
                                 struct spn_state *s)
{
    char *attrs[] = { A_SPN, A_META, NULL };

    memset(s, 0, sizeof(*s));
    return search_paged(c, dn, LDAP_SCOPE_BASE, "(objectClass=*)", attrs,
                        state_entry, s);
}

enum sp_status sp_delete_duplicated(struct sp_conn *c, const char *dn,
                                    const char *spn, char **note)
{
    struct spn_state before, after;
    char **stay = NULL;
    size_t nstay = 0;
    LDAPMod del = { .mod_op = LDAP_MOD_DELETE, .mod_type = A_SPN };
    LDAPMod add = { .mod_op = LDAP_MOD_ADD, .mod_type = A_SPN };
    LDAPMod *mods[] = { &del, &add, NULL };
    enum sp_status st;
    char *q = quote_value(spn), *what;
    int rc;

    *note = NULL;
    st = read_state(c, dn, &before);
    if (st != SP_OK)
        goto done;
    stay = xrealloc(NULL, (before.entry.nspns + 1) * sizeof(*stay));
    for (size_t i = 0; i < before.entry.nspns; i++)
        if (strcmp(before.entry.spns[i], spn) != 0)
            stay[nstay++] = before.entry.spns[i];
    stay[nstay] = NULL;
    if (nstay == before.entry.nspns) {
        st = fail(c, SP_NO_SUCH_VALUE, "removing %s from %s: no longer "
                                       "registered there", q, dn);
        goto done;
    }
    add.mod_values = stay;
    if (nstay == 0)
        mods[1] = NULL;
    rc = ldap_modify_ext_s(c->ld, dn, mods, NULL, NULL);
    if (rc != LDAP_SUCCESS) {
        if (asprintf(&what, "rewriting servicePrincipalName of %s without %s",
                     dn, q) < 0)
            abort();
        st = fail_ld(c, OP_WRITE, rc, what);
        free(what);
        goto done;
    }
    /* Samba (the only DC that refuses the single-value delete) counts each
     * change of the modify, the delete and the add, as a version; any other
     * count means another writer came in between. */
    st = read_state(c, dn, &after);
    if (st == SP_OK && before.version == 0)
        *note = xasprintf("the DC refuses to delete a value another account "
                          "also holds, so %s was removed by rewriting "
                          "servicePrincipalName of %s in one modify (%zu "
                          "other value%s kept; no version to check for a "
                          "concurrent change: check with setspn -L)",
                          q, dn, nstay, nstay == 1 ? "" : "s");
    else if (st == SP_OK
             && after.version != before.version + (nstay > 0 ? 2 : 1))
        st = fail(c, SP_DIRECTORY,
                  "removed %s from %s by rewriting the attribute, but "
                  "another writer changed it at the same time (version "
                  "%lu, now %lu): check its SPNs with setspn -L",
                  q, dn, before.version, after.version);
    else if (st == SP_OK
             && asprintf(note, "the DC refuses to delete a value another "
                               "account also holds, so %s was removed by "
                               "rewriting servicePrincipalName of %s in one "
                               "modify (%zu other value%s kept, no concurrent "
                               "change)",
                         q, dn, nstay, nstay == 1 ? "" : "s") < 0)
        abort();
    sp_entry_free(&after.entry);
done:
    sp_entry_free(&before.entry);
    free(stay);
    free(q);
    return st;
}
