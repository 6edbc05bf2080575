/*
 * What --verify reads of accounts: the state that decides whether the KDC
 * issues a ticket (enabled, locked out, keys, encryption types) and the
 * names an account answers to (dNSHostName, sAMAccountName and their
 * msDS-Additional* forms).  Nothing here prints or exits; failures keep
 * their message in the connection (conn_error).
 */
#ifndef SETSPN_ACCTINFO_H
#define SETSPN_ACCTINFO_H

#include <stdbool.h>
#include <stddef.h>

#include "conn.h"
#include "status.h"

/* What --verify needs to know of an account.  Strings are malloc'd. */
struct dir_account_info {
    char *dn;
    char *sam;                  /* sAMAccountName, or NULL */
    char *dns_host;             /* dNSHostName, or NULL */
    char **more_hosts;          /* msDS-AdditionalDnsHostName */
    size_t nmore_hosts;
    char **more_sams;           /* msDS-AdditionalSamAccountName */
    size_t nmore_sams;
    bool computer;              /* objectClass includes computer */
    bool has_uac, has_enctypes, has_kvno, has_pwd_last_set;
    bool locked;                /* locked out (UF_LOCKOUT, computed) */
    unsigned long uac;          /* userAccountControl */
    unsigned long enctypes;     /* msDS-SupportedEncryptionTypes */
    long kvno;                  /* msDS-KeyVersionNumber */
    long long pwd_last_set;     /* pwdLastSet: 0 never set */
};

/* Reads the account at dn (a base search).  ST_NOT_FOUND if none. */
enum status dir_read_account_info(struct conn *conn, const char *dn,
                                  struct dir_account_info *out);
void dir_account_info_free(struct dir_account_info *a);

/* An account that answers to a host name, and by which attribute. */
struct host_holder {
    char *dn;
    const char *how; /* "dNSHostName", "msDS-AdditionalDnsHostName",
                        "sAMAccountName", "msDS-AdditionalSamAccountName" */
};

/*
 * The accounts under base that answer to host: for a DNS name (with a
 * dot) by dNSHostName or msDS-AdditionalDnsHostName, for a short name by
 * sAMAccountName or msDS-AdditionalSamAccountName (NAME$).  Free with
 * host_holders_free.
 */
enum status dir_find_by_host(struct conn *conn, const char *base,
                             const char *host, struct host_holder **out,
                             size_t *n);
void host_holders_free(struct host_holder *h, size_t n);

#endif
