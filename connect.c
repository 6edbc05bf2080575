#include "conn.h"

#include <ctype.h>
#include <errno.h>
#include <time.h>
#include <unistd.h>

#include <sys/random.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <krb5.h>
#include <sasl/sasl.h>

#include "conn_int.h"
#include "creds.h"
#include "locator.h"
#include "wire.h"
#include "xalloc.h"

/* libldap takes attribute names as non-const char *. */
static char A_DEFAULT_NC[] = "defaultNamingContext";
static char A_CONFIG_NC[] = "configurationNamingContext";
static char A_ROOT_NC[] = "rootDomainNamingContext";

/* RFC 2782's random choice among targets of equal priority: seeded, so
 * that runs spread over the DCs instead of all picking the same one. */
static unsigned long random_below(unsigned long max)
{
    static bool seeded;

    if (!seeded) {
        unsigned int seed;

        if (getrandom(&seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
            seed = (unsigned int)time(NULL) ^ (unsigned int)getpid();
        srandom(seed);
        seeded = true;
    }
    return max ? (unsigned long)random() % max : 0;
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

/*
 * Cyrus SASL loads every plugin it finds (ten on Debian, with libcrypto
 * and libdb) when it is first initialised; the tool binds with GSSAPI only
 * (a simple bind uses no SASL), so only that plugin is loaded: the rest
 * are skipped (SASL_CONTINUE).  Configuration files are read as before.
 */
static int verify_file(void *context, const char *file,
                       sasl_verify_type_t type)
{
    const char *base = strrchr(file, '/');

    (void)context;
    base = base != NULL ? base + 1 : file;
    if (type != SASL_VRFY_PLUGIN)
        return SASL_OK;
    return strncmp(base, "libgssapiv2.", 12) == 0 ? SASL_OK : SASL_CONTINUE;
}

/* Before libldap's first call initialises SASL with every plugin: once. */
static void sasl_init_once(void)
{
    static bool done;
    static const sasl_callback_t callbacks[] = {
        { SASL_CB_VERIFYFILE, (int (*)(void))(void (*)(void))verify_file,
          NULL },
        { SASL_CB_LIST_END, NULL, NULL },
    };

    if (done)
        return;
    done = true;
    /* on failure libldap initialises it itself, as it always did */
    (void)sasl_client_init(callbacks);
}

/* GSSAPI's text hides the cause in parentheses; name it for an admin.
 * Returns a malloc'd hint or NULL. */
static char *bind_hint(const char *diag, const char *uri)
{
    const char *hint;

    if (diag == NULL)
        return NULL;
    /* Samba 4.17's default refuses GSSAPI inside TLS */
    if (strstr(diag, "Sign or Seal are") != NULL)
        return xstrdup("the DC refuses GSSAPI inside TLS: on a Samba DC, "
                       "'ldap server require strong auth = "
                       "allow_sasl_over_tls' in its smb.conf allows it; a "
                       "Windows DC takes it with channel binding, as sent; "
                       "or use plain ldap:// without -Z, which GSSAPI signs "
                       "and seals");
    if (strstr(diag, "not found in Kerberos database") != NULL) {
        LDAPURLDesc *lud = NULL;
        const char *host = "HOST";
        char *r;

        if (ldap_url_parse(uri, &lud) == LDAP_URL_SUCCESS
            && lud->lud_host != NULL && *lud->lud_host != '\0')
            host = lud->lud_host;
        r = xasprintf("the KDC does not know ldap/%s: use the DC's host name "
                      "as it appears in its SPNs", host);
        ldap_free_urldesc(lud);
        return r;
    }
    hint = creds_hint(0, diag);
    return hint != NULL ? xstrdup(hint) : NULL;
}

/*
 * libldap says only "Can't contact LDAP server" whether nothing listens or
 * a certificate fails; the cause is in its debug lines.  They are caught
 * while a connection is made, never printed (wire_connect_cause reads
 * them).
 */
#define TRACE_LEVEL 0x0001 /* LDAP_DEBUG_TRACE, of OpenLDAP's ldap_log.h */
#define TRACE_MAX 65536
static char *trace_buf;
static size_t trace_len;
static bool tracing;

static void trace_line(const char *line)
{
    size_t n = strlen(line);

    if (!tracing || trace_len + n > TRACE_MAX)
        return;
    trace_buf = xrealloc(trace_buf, trace_len + n + 1);
    memcpy(trace_buf + trace_len, line, n + 1);
    trace_len += n;
}

static void trace_start(void)
{
    int level = TRACE_LEVEL;
    BER_LOG_PRINT_FN fn = trace_line;

    free(trace_buf);
    trace_buf = NULL;
    trace_len = 0;
    tracing = true;
    ber_set_option(NULL, LBER_OPT_LOG_PRINT_FN, (const void *)fn);
    ldap_set_option(NULL, LDAP_OPT_DEBUG_LEVEL, &level);
}

/* The lines caught since trace_start (malloc'd, or NULL). */
static char *trace_stop(void)
{
    int zero = 0;
    char *t = trace_buf;

    ldap_set_option(NULL, LDAP_OPT_DEBUG_LEVEL, &zero);
    tracing = false;
    trace_buf = NULL;
    trace_len = 0;
    return t;
}

/* Why connecting to c's URI failed, from the trace; malloc'd or NULL. */
static char *connect_cause(const struct conn *c, const char *trace)
{
    LDAPURLDesc *lud = NULL;
    char *cause;

    cause = wire_connect_cause(trace, ldap_url_parse(c->uri, &lud) == LDAP_URL_SUCCESS && lud->lud_host ? lud->lud_host : c->uri);
    ldap_free_urldesc(lud);
    return cause;
}

/* Describes a failed bind (or the connection before it, with the trace
 * of that); GSSAPI's hints and the connection's trouble named. */
static enum status bind_failed(struct conn *c, int rc, const char *mech,
                               const char *trace)
{
    char *diag = NULL, *what = NULL, *hint;
    enum status st;

    ldap_get_option(c->ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
    hint = bind_hint(diag, c->uri);
    if ((rc == LDAP_CONNECT_ERROR || rc == LDAP_SERVER_DOWN) && hint == NULL)
        hint = connect_cause(c, trace);
    /* GnuTLS's text for a refused certificate tells nothing */
    if (diag != NULL && strcmp(diag, "(unknown error code)") == 0) {
        ldap_memfree(diag);
        diag = NULL;
    }
    what = xasprintf("%s bind to %s as %s", mech, c->uri, c->principal ? c->principal : "?");
    st = conn_fail_ldap(c, OP_BIND, rc, diag, what);
    if (hint != NULL) {
        char *base = c->error;

        c->error = NULL;
        conn_fail(c, st, "%s (%s)", base, hint);
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
static enum status tls_strength(struct conn *c, unsigned min_ssf)
{
    char *cipher = NULL, *version = NULL;

    ldap_get_option(c->ld, LDAP_OPT_X_TLS_CIPHER, &cipher);
    ldap_get_option(c->ld, LDAP_OPT_X_TLS_VERSION, &version);
    c->ssf = cipher == NULL || strstr(cipher, "NULL") != NULL ? 0
             : strstr(cipher, "256") || strstr(cipher, "CHACHA20") ? 256
                                                                  : 128;
    free(c->tls_desc);
    c->tls_desc = xasprintf("%s %s", version ? version : "TLS", cipher ? cipher : "?");
    ldap_memfree(cipher);
    ldap_memfree(version);
    if (c->ssf < min_ssf)
        return conn_fail(c, ST_AUTH, "TLS to %s (%s) is weaker than the minimum "
                                "strength %u", c->uri, c->tls_desc, min_ssf);
    return ST_OK;
}

static enum status sasl_bind(struct conn *c, unsigned min_ssf)
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
            return conn_fail(c, ST_DIRECTORY, "cannot set channel binding");
    } else {
        /* Without TLS a SASL layer is what proves the server holds the
         * ldap/ key: at least integrity, whatever --min-ssf says. */
        snprintf(secprops, sizeof(secprops), "minssf=%u",
                 min_ssf > 0 ? min_ssf : 1);
    }
    rc = ldap_set_option(c->ld, LDAP_OPT_X_SASL_SECPROPS, secprops);
    if (rc != LDAP_SUCCESS)
        return conn_fail_ld(c, OP_BIND, rc, "setting SASL security properties");

    rc = ldap_sasl_interactive_bind_s(c->ld, NULL, "GSSAPI", NULL, NULL,
                                      LDAP_SASL_QUIET, quiet_interact, NULL);
    conn_note_oversize(c, rc, errno);
    if (rc != LDAP_SUCCESS)
        return bind_failed(c, rc, "SASL GSSAPI", NULL);
    if (c->tls)
        return tls_strength(c, min_ssf);
    ldap_get_option(c->ld, LDAP_OPT_X_SASL_SSF, &ssf);
    c->ssf = (unsigned)ssf;
    if (c->ssf == 0)
        return conn_fail(c, ST_AUTH, "bind to %s ended without a SASL "
                                     "security layer (strength 0): the "
                                     "server never proved it holds its "
                                     "ldap/ key; without TLS at least "
                                     "integrity is required", c->uri);
    if (c->ssf < min_ssf)
        return conn_fail(c, ST_AUTH, "bind to %s gave security strength %u, "
                                "below the minimum %u", c->uri, c->ssf,
                    min_ssf);
    return ST_OK;
}

/* A simple bind: only ever over TLS (checked before we get here). */
static enum status simple_bind(struct conn *c, const char *dn,
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
    conn_note_oversize(c, rc, errno);
    if (rc != LDAP_SUCCESS)
        return bind_failed(c, rc, "simple", NULL);
    return tls_strength(c, min_ssf);
}

char *conn_first_value(LDAP *ld, LDAPMessage *e, const char *attr)
{
    struct berval **v = ldap_get_values_len(ld, e, attr);
    char *r = NULL;

    if (v != NULL && v[0] != NULL)
        r = xstrdup(v[0]->bv_val);
    ldap_value_free_len(v);
    return r;
}

/* Reads the rootDSE's answer one message at a time: a server that sends
 * entries without end is cut at the second, not kept in memory. */
static int rootdse_answer(struct conn *c, int msgid, LDAPMessage **res)
{
    struct timeval tv = { c->timeout, 0 };
    int rc = LDAP_SUCCESS;

    for (;;) {
        LDAPMessage *m = NULL;
        int got = ldap_result(c->ld, msgid, LDAP_MSG_ONE,
                              c->timeout ? &tv : NULL, &m), err = errno;

        if (got <= 0) {
            if (got == 0)
                rc = LDAP_TIMEOUT;
            else
                ldap_get_option(c->ld, LDAP_OPT_RESULT_CODE, &rc);
            conn_note_oversize(c, rc, err);
            break;
        }
        if (got == LDAP_RES_SEARCH_ENTRY && *res == NULL) {
            *res = m;
            continue;
        }
        if (got == LDAP_RES_SEARCH_RESULT) {
            if (ldap_parse_result(c->ld, m, &rc, NULL, NULL, NULL, NULL, 1)
                != LDAP_SUCCESS)
                rc = LDAP_DECODING_ERROR;
            return rc;
        }
        ldap_msgfree(m);
        if (got == LDAP_RES_SEARCH_ENTRY) {
            rc = LDAP_SIZELIMIT_EXCEEDED; /* a base search: one entry */
            break;
        }
    }
    ldap_abandon_ext(c->ld, msgid, NULL, NULL);
    return rc == LDAP_SUCCESS ? LDAP_OTHER : rc;
}

static enum status read_rootdse(struct conn *c)
{
    char *attrs[] = { A_DEFAULT_NC, A_CONFIG_NC, A_ROOT_NC, NULL };
    LDAPMessage *res = NULL, *e;
    struct timeval tv = { c->timeout, 0 };
    enum status st = ST_OK;
    int rc, msgid;

    rc = ldap_search_ext(c->ld, "", LDAP_SCOPE_BASE, "(objectClass=*)",
                         attrs, 0, NULL, NULL, c->timeout ? &tv : NULL, 1,
                         &msgid);
    if (rc == LDAP_SUCCESS)
        rc = rootdse_answer(c, msgid, &res);
    if (rc == LDAP_SIZELIMIT_EXCEEDED) {
        st = conn_fail(c, ST_DIRECTORY, "%s sent more than one rootDSE "
                                        "entry: not a DC", c->uri);
        goto done;
    }
    if (rc != LDAP_SUCCESS) {
        st = conn_fail_ld(c, OP_READ, rc, "reading the rootDSE");
        goto done;
    }
    e = res;
    if (e != NULL) {
        c->base = conn_first_value(c->ld, e, "defaultNamingContext");
        c->config = conn_first_value(c->ld, e, "configurationNamingContext");
        c->forest = conn_first_value(c->ld, e, "rootDomainNamingContext");
    }
    if (c->base == NULL)
        st = conn_fail(c, ST_DIRECTORY, "%s has no defaultNamingContext in its "
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
static enum status connect_one(struct conn *c, const char *uri,
                                  const struct conn_opts *o)
{
    int version = LDAP_VERSION3, rc, hard = LDAP_OPT_X_TLS_HARD, zero = 0;
    struct timeval tv = { o->timeout, 0 };
    enum status st;

    if (c->ld != NULL)
        ldap_unbind_ext_s(c->ld, NULL, NULL);
    c->ld = NULL;
    c->lost = false;
    free(c->uri);
    c->uri = xstrdup(uri);
    c->tls = scheme_is(uri, "ldaps") || o->starttls;
    if (o->bind_dn != NULL && !c->tls)
        return conn_fail(c, ST_INVALID, "refusing a simple bind over %s without "
                                   "TLS: use ldaps:// or -Z", uri);
    /* The certificate is always verified, whatever ldap.conf's TLS_REQCERT
     * says.  Set globally: a handle's own TLS context would not inherit
     * TLS_CACERT from ldap.conf. */
    if (c->tls
        && (ldap_set_option(NULL, LDAP_OPT_X_TLS_REQUIRE_CERT, &hard)
            || (o->cacert != NULL
                && ldap_set_option(NULL, LDAP_OPT_X_TLS_CACERTFILE, o->cacert))
            || ldap_set_option(NULL, LDAP_OPT_X_TLS_NEWCTX, &zero)))
        return conn_fail(c, ST_INVALID, "cannot set up TLS%s%s",
                    o->cacert ? " with CA file " : "",
                    o->cacert ? o->cacert : "");
    rc = ldap_initialize(&c->ld, uri);
    if (rc != LDAP_SUCCESS)
        return conn_fail(c, ST_INVALID, "bad LDAP URI '%s': %s", uri,
                    ldap_err2string(rc));
    if (!conn_limit_messages(c))
        return conn_fail(c, ST_DIRECTORY, "cannot limit the size of LDAP "
                                          "messages from %s", uri);
    /* A referral would make libldap bind anonymously elsewhere. */
    if (ldap_set_option(c->ld, LDAP_OPT_PROTOCOL_VERSION, &version)
        || ldap_set_option(c->ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF)
        || ldap_set_option(c->ld, LDAP_OPT_X_SASL_NOCANON, LDAP_OPT_ON)
        || (o->timeout > 0
            && (ldap_set_option(c->ld, LDAP_OPT_NETWORK_TIMEOUT, &tv)
                || ldap_set_option(c->ld, LDAP_OPT_TIMEOUT, &tv))))
        return conn_fail(c, ST_DIRECTORY, "cannot set LDAP options for %s", uri);
    if (o->starttls && !scheme_is(uri, "ldaps")) {
        char *trace, *what, *cause = NULL;

        trace_start();
        rc = ldap_start_tls_s(c->ld, NULL, NULL);
        trace = trace_stop();
        if (rc != LDAP_SUCCESS) {
            what = xasprintf("StartTLS with %s", uri);
            conn_fail_ld(c, OP_READ, rc, what);
            free(what);
            what = c->error;
            c->error = NULL;
            /* A server's answer to the request, or the connection or the
             * handshake failing: each its own words. */
            if (rc > 0 && rc < 0x100)
                cause = xstrdup("the server refused StartTLS");
            else
                cause = connect_cause(c, trace);
            /* Never carry on in plaintext. */
            st = cause != NULL ? conn_fail(c, ST_CONNECT, "%s (%s)", what, cause)
                               : conn_fail(c, ST_CONNECT, "%s", what);
            free(what);
            free(cause);
            free(trace);
            return st;
        }
        free(trace);
    }
    /* The connection (and TLS session) first, on its own: its failure
     * then has its cause told, not taken for a failed bind. */
    if (o->bind_dn != NULL) {
        free(c->principal);
        c->principal = xstrdup(o->bind_dn);
    }
    {
        char *trace;

        trace_start();
        rc = ldap_connect(c->ld);
        trace = trace_stop();
        if (rc != LDAP_SUCCESS) {
            st = bind_failed(c, rc, o->bind_dn != NULL ? "simple" : "SASL GSSAPI",
                             trace);
            free(trace);
            return st;
        }
        free(trace);
    }
    if (o->bind_dn != NULL) {
        /* The TLS session, and its strength, before the password goes. */
        if ((st = tls_strength(c, o->min_ssf)) != ST_OK)
            return st;
        st = simple_bind(c, o->bind_dn, o->password, o->min_ssf);
    } else {
        st = sasl_bind(c, o->min_ssf);
    }
    if (st != ST_OK)
        return st;
    return read_rootdse(c);
}

static enum status split_uris(struct conn *c, const char *list,
                              char ***uris, size_t *n)
{
    if (!wire_split_uris(list, uris, n))
        return conn_fail(c, ST_INVALID, "bad LDAP URI '%s'", list);
    return ST_OK;
}

/* The DCs to try when neither -H nor ldap.conf names one: the locator
 * (DNS SRV, LDAP pings, the client's site). */
static enum status discover(struct conn *c,
                               const struct conn_opts *o,
                               char ***uris, size_t *n)
{
    struct locator_opts lo = { .site = o->site, .gc = o->gc,
                               .writable = o->writable && !o->gc,
                               .timeout = o->timeout, .rnd = random_below };
    struct locator_result *r = xcalloc(1, sizeof(*r));
    char *domain = NULL, *msg = NULL;
    enum status st = ST_OK;

    *uris = NULL;
    *n = 0;
    if (o->domain != NULL) {
        domain = xstrdup(o->domain);
    } else {
        krb5_context kc;
        char *realm = NULL;

        if (krb5_init_context(&kc) == 0) {
            if (krb5_get_default_realm(kc, &realm) == 0) {
                domain = xstrdup(realm);
                krb5_free_default_realm(kc, realm);
            }
            krb5_free_context(kc);
        }
        if (domain == NULL) {
            free(r);
            return conn_fail(c, ST_INVALID, "no DC to talk to: give -H ldap://DC "
                                       "or --domain, or set URI in ldap.conf "
                                       "or default_realm in krb5.conf");
        }
    }
    for (char *p = domain; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    lo.domain = domain;
    if (locator_find(&lo, r, &msg) != 0) {
        st = conn_fail(c, ST_CONNECT, "cannot find a %s for %s: %s; give -H",
                  o->gc ? "Global Catalog" : "DC", domain, msg);
    } else {
        *uris = r->uris;
        *n = r->nuris;
        r->uris = NULL;
        r->nuris = 0;
        free(c->how);
        c->how = xstrdup(r->how);
    }
    locator_result_free(c->located);
    free(c->located);
    c->located = r; /* kept for -v and --json, failed or not */
    free(domain);
    free(msg);
    return st;
}

enum status conn_open(struct conn *c, const struct conn_opts *o)
{
    char **uris = NULL, *conf_uri = NULL, *msg = NULL;
    size_t n = 0;
    enum status st;

    sasl_init_once(); /* before libldap's first call initialises it */
    c->timeout = o->timeout;
    c->run_end = o->run_end;
    if (o->page_size > 0)
        c->page_size = o->page_size;
    c->value_range = o->value_range;
    if (o->bind_dn == NULL) {
        struct creds cr = { o->keytab, o->principal, o->password };

        st = creds_acquire(&cr, &c->principal, &msg);
        if (st != ST_OK) {
            conn_fail(c, st, "%s", msg);
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
    if (st != ST_OK)
        return st;

    /* The next DC when one does not answer; any other failure is final. */
    st = ST_CONNECT;
    for (size_t i = 0; i < n && st == ST_CONNECT; i++) {
        char *prev = c->error ? xstrdup(c->error) : NULL;

        if (o->on_attempt != NULL)
            o->on_attempt(uris[i], o->attempt_ctx);
        st = connect_one(c, uris[i], o);
        if (st != ST_OK && prev != NULL) {
            char *mine = c->error;

            c->error = NULL;
            conn_fail(c, st, "%s; before that: %s", mine, prev);
            free(mine);
        }
        free(prev);
    }
    for (size_t i = 0; i < n; i++)
        free(uris[i]);
    free(uris);
    return st;
}

#ifndef KRB5_BUILD_VERSION
#define KRB5_BUILD_VERSION "?"
#endif

char *conn_library_versions(void)
{
    LDAPAPIInfo info = { .ldapai_info_version = LDAP_API_INFO_VERSION };
    const char *sasl_impl = NULL, *sasl_version = NULL;
    char *r;
    int v = 0;

    if (ldap_get_option(NULL, LDAP_OPT_API_INFO, &info) == LDAP_OPT_SUCCESS) {
        v = info.ldapai_vendor_version;
        ldap_memvfree((void **)info.ldapai_extensions);
        ldap_memfree(info.ldapai_vendor_name);
    }
    sasl_version_info(&sasl_impl, &sasl_version, NULL, NULL, NULL, NULL);
    /* MIT krb5 has no call that says its version: the one built with. */
    r = xasprintf("libldap %d.%d.%d, %s %s, MIT Kerberos %s (build)",
                  v / 10000, v / 100 % 100, v % 100,
                  sasl_impl ? sasl_impl : "Cyrus SASL",
                  sasl_version ? sasl_version : "?", KRB5_BUILD_VERSION);
    return r;
}
