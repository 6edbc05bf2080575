/*
 * The LDAP ping over UDP (CLDAP, RFC 1798 as MS-ADTS 6.3.3 uses it): the
 * one search request, and the Netlogon value picked out of a datagram of
 * answers.  BER through liblber; pure (no sockets), so the parsing of
 * what a server sends is unit-tested and fuzzed.
 */
#ifndef SETSPN_CLDAP_H
#define SETSPN_CLDAP_H

#include <stddef.h>

/* The request: a base search of the rootDSE, filter
 * (&(DnsDomain=domain)(NtVer=\06\00\00\00)), attribute Netlogon, as
 * message id.  Returns the encoded bytes (malloc'd) and their length in
 * *len. */
unsigned char *cldap_request(int id, const char *domain, size_t *len);

/* Picks the Netlogon value out of an answer datagram (a search entry and
 * a search done, each its own LDAPMessage) for message id.  Returns 0 with
 * *value (malloc'd) and *value_len, or -1 with *msg (malloc'd). */
int cldap_reply(const unsigned char *buf, size_t len, int id,
                unsigned char **value, size_t *value_len, char **msg);

#endif
