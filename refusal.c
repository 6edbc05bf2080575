#include "refusal.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldap.h>

#include "fixcmd.h"
#include "quote.h"
#include "status.h"
#include "xalloc.h"

/* servicePrincipalName's schemaIDGUID, which is also the rightsGuid of
 * the validated write to it (Validated-SPN). */
#define SPN_GUID "f3a64788-5306-11d1-a9c5-0000f80367c1"

enum refusal_case refusal_classify(const struct refusal *r)
{
    if (status_diag_conflict(r->diag))
        return REFUSAL_DUPLICATE;
    /* Samba checks the validated write's rule only for a caller that has
     * the validated write and not the plain one. */
    if (r->ldap_rc == LDAP_CONSTRAINT_VIOLATION && r->diag != NULL
        && strstr(r->diag, "spn validation failed") != NULL)
        return REFUSAL_VALIDATED;
    if (r->ldap_rc != LDAP_INSUFFICIENT_ACCESS)
        return REFUSAL_OTHER;
    if (r->read && r->may_write)
        return REFUSAL_OTHER; /* the right is there: something else */
    /* An account's own SELF has the validated write by default. */
    return r->caller_is_target ? REFUSAL_VALIDATED : REFUSAL_NO_RIGHT;
}

static bool same_sam(const char *sam, const char *host)
{
    size_t n = strlen(sam);

    if (n > 0 && sam[n - 1] == '$')
        n--;
    return strlen(host) == n && strncasecmp(sam, host, n) == 0;
}

bool refusal_host_allowed(const struct refusal *r, const char *host)
{
    if (host == NULL)
        return false;
    if (r->dns_host != NULL && strcasecmp(r->dns_host, host) == 0)
        return true;
    if (r->sam != NULL && same_sam(r->sam, host))
        return true;
    for (size_t i = 0; i < r->nadd_dns; i++)
        if (strcasecmp(r->add_dns[i], host) == 0)
            return true;
    for (size_t i = 0; i < r->nadd_sam; i++)
        if (same_sam(r->add_sam[i], host))
            return true;
    return false;
}

char *refusal_sid_string(const unsigned char *b, size_t len)
{
    uint64_t auth = 0;
    char *s, *t;

    /* revision 1, count, 6-byte authority, count 32-bit subauthorities */
    if (len < 8 || b[0] != 1 || b[1] > 15 || len != 8 + 4 * (size_t)b[1])
        return NULL;
    for (int i = 2; i < 8; i++)
        auth = auth << 8 | b[i];
    s = xasprintf("S-1-%" PRIu64, auth);
    for (size_t i = 0; i < b[1]; i++) {
        const unsigned char *p = b + 8 + 4 * i;
        uint32_t sub = (uint32_t)p[0] | (uint32_t)p[1] << 8
                       | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;

        t = xasprintf("%s-%" PRIu32, s, sub);
        free(s);
        s = t;
    }
    return s;
}

/* Appends the formatted text to *buf. */
static void add(char **buf, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void add(char **buf, const char *fmt, ...)
{
    va_list ap;
    char *piece, *t;

    va_start(ap, fmt);
    piece = xvasprintf(fmt, ap);
    va_end(ap);
    t = xasprintf("%s%s", *buf ? *buf : "", piece);
    free(piece);
    free(*buf);
    *buf = t;
}

static void add_name(char **buf, bool *first, const char *name,
                     const char *from)
{
    char *q = quote_display(name, strlen(name));

    add(buf, "%s%s (%s)", *first ? "" : ", ", q, from);
    free(q);
    *first = false;
}

/* "ws01.spn.test (dNSHostName), WS01 (sAMAccountName)", or a note that
 * none could be read. */
static void add_hosts(char **buf, const struct refusal *r)
{
    bool first = true;

    if (!r->read) {
        add(buf, "(its names could not be read)");
        return;
    }
    if (r->dns_host != NULL)
        add_name(buf, &first, r->dns_host, "dNSHostName");
    if (r->sam != NULL) {
        size_t n = strlen(r->sam);
        char *bare = xasprintf("%.*s", (int)(n > 0 && r->sam[n - 1] == '$'
                                                 ? n - 1 : n), r->sam);

        add_name(buf, &first, bare, "sAMAccountName");
        free(bare);
    }
    for (size_t i = 0; i < r->nadd_dns; i++)
        add_name(buf, &first, r->add_dns[i], "msDS-AdditionalDnsHostName");
    for (size_t i = 0; i < r->nadd_sam; i++)
        add_name(buf, &first, r->add_sam[i],
                 "msDS-AdditionalSamAccountName");
    if (first)
        add(buf, "none (the account has no dNSHostName or sAMAccountName)");
}

/* Whether the SPN's host is among the allowed, as a clause; strict: the
 * DC refused what the rule allows. */
static void add_verdict(char **buf, const struct refusal *r,
                        const char *host, bool strict)
{
    char *qh;

    if (!r->read)
        return;
    if (host == NULL) {
        add(buf, "; this SPN has no host part");
        return;
    }
    qh = quote_display(host, strlen(host));
    if (!refusal_host_allowed(r, host))
        add(buf, "; %s is not among them", qh);
    else if (strict)
        add(buf, "; %s is among them, yet the DC refused it: it applies a "
                 "stricter rule than this one (Samba refuses a port or a "
                 "service name after the host, and the msDS-Additional* "
                 "names)", qh);
    else
        add(buf, "; %s is among them", qh);
    free(qh);
}

/* "dsacls DN /G 'WHO:WP;servicePrincipalName'" for right "WP" or "SW". */
static void add_dsacls(char **buf, const struct refusal *r, const char *who,
                       const char *right)
{
    char *dn = shell_word(r->dn);
    char *g = xasprintf("%s:%s;%s", who, right,
                        strcmp(right, "WP") == 0
                            ? "servicePrincipalName"
                            : "Validated write to service principal name");
    char *gw = shell_word(g);

    add(buf, "dsacls %s /G %s", dn, gw);
    free(dn);
    free(g);
    free(gw);
}

static void add_samba_tool(char **buf, const struct refusal *r,
                           const char *note)
{
    char *dn = shell_word(r->dn);
    char *sddl = xasprintf("(OA;;WP;" SPN_GUID ";;%s)",
                           r->caller_sid ? r->caller_sid
                                         : "<the caller's SID>");
    char *sw = shell_word(sddl);

    if (r->samba)
        add(buf, "\n  on this Samba DC: samba-tool dsacl set --objectdn=%s "
                 "--sddl=%s%s", dn, sw, note);
    free(dn);
    free(sddl);
    free(sw);
}

char *refusal_explain(const struct refusal *r)
{
    enum refusal_case k = refusal_classify(r);
    char *buf = NULL, *host, *qs, *qd, *who;
    size_t cl;

    if (k != REFUSAL_NO_RIGHT && k != REFUSAL_VALIDATED)
        return NULL;
    host = spn_host_part(r->spn, &cl);
    qs = quote_display(r->spn, strlen(r->spn));
    qd = quote_display(r->dn, strlen(r->dn));
    who = r->caller ? quote_display(r->caller, strlen(r->caller))
                    : xstrdup("the caller");
    add(&buf, "cannot add %s to %s: ", qs, qd);
    if (k == REFUSAL_VALIDATED) {
        add(&buf, "%s may write servicePrincipalName there only by "
                  "\"Validated write to service principal name\", which "
                  "allows only SPNs whose host is one of the account's own "
                  "names (MS-ADTS 3.1.1.5.3.1.1.4): ", who);
        add_hosts(&buf, r);
        add_verdict(&buf, r, host, true);
        add(&buf, "\nto add it, have an administrator add it, or grant %s "
                  "\"Write servicePrincipalName\" on the account:\n  ", who);
        add_dsacls(&buf, r, who, "WP");
        add_samba_tool(&buf, r, "");
    } else {
        add(&buf, "%s has no right to write servicePrincipalName on that "
                  "account", who);
        if (r->read)
            add(&buf, " (the DC does not list it among the attributes %s "
                      "may write there)", who);
        add(&buf, "\nto add it, have an administrator add it, or grant %s "
                  "one of these on the account (or on its OU):", who);
        add(&buf, "\n  \"Write servicePrincipalName\", for any SPN: ");
        add_dsacls(&buf, r, who, "WP");
        add(&buf, "\n  \"Validated write to service principal name\", "
                  "only for SPNs on the account's own names (");
        add_hosts(&buf, r);
        add_verdict(&buf, r, host, false);
        add(&buf, "): ");
        add_dsacls(&buf, r, who, "SW");
        add_samba_tool(&buf, r, " (SW instead of WP: the validated write)");
    }
    free(host);
    free(qs);
    free(qd);
    free(who);
    return buf;
}
