/*
 * Pure helpers for what the LDAP side hands us: server diagnostics, URI
 * lists, the Global Catalog's URI, replPropertyMetaData.  No I/O, so all
 * of it is unit-tested.
 */
#ifndef SETSPN_WIRE_H
#define SETSPN_WIRE_H

#include <stdbool.h>
#include <stddef.h>

/* Trims the newlines, CRs and spaces some DCs end a diagnostic with, in
 * place.  Returns diag, or "" for NULL. */
const char *wire_clean_diag(char *diag);

/* Splits a URI list ("ldap://a ldap://b", blanks or commas between) into
 * scheme://host[:port] URIs, one each, so that every one is secured and
 * checked on its own; a bare host[:port] is taken as ldap://host[:port].  False (nothing allocated) if any is not an LDAP
 * URL with a host, or the list is empty.  Free with xstrv_free. */
bool wire_split_uris(const char *list, char ***uris, size_t *n);

/* The Global Catalog on the host of uri: port 3268 (3269 for ldaps).
 * Malloc'd; NULL if uri has no host. */
char *wire_gc_uri(const char *uri);

/* The version of attribute attid in a replPropertyMetaData blob; 0 if the
 * blob is short or does not list it. */
unsigned long wire_meta_version(const unsigned char *blob, size_t len,
                                unsigned long attid);

/* Whether attr, an attribute description a server returned, is name with
 * a value range (MS-ADTS 3.1.1.3.1.3.3): "name;range=LO-HI" or
 * "name;range=LO-*" (*to_end), the option in any case and among others.
 * Only digits are accepted, HI not below LO and both below 2^31. */
bool wire_range(const char *attr, const char *name, unsigned long *lo,
                unsigned long *hi, bool *to_end);

/* Whether a continuation reference (an LDAP URL a search returned) names
 * a partition that holds no accounts: the forest's configuration
 * partition (config, or NULL) or a partition below it (the schema), or the
 * DNS application partitions (DC=DomainDnsZones / DC=ForestDnsZones,...).
 * A Windows or Samba DC returns these on every subtree search of its
 * domain. */
bool wire_reference_accountless(const char *uri, const char *config);

/*
 * Why a connection failed, from what libldap logged while it tried
 * (trace: its debug lines, LDAP_DEBUG_TRACE, newline-separated): libldap
 * itself says only "Can't contact LDAP server".  host is the URI's host.
 * Malloc'd, for example "could not connect: Connection refused" or "TLS
 * with HOST failed: its certificate has expired"; the certificate advice
 * only when the TCP connection was made.  NULL if the trace tells
 * nothing (no connection attempt in it).
 */
char *wire_connect_cause(const char *trace, const char *host);

#endif
