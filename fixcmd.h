/*
 * Pure helpers of --verify: shell-safe words for the fix commands it
 * prints, the commands themselves, and the names of Kerberos encryption
 * types and account flags.  Nothing here talks to a directory or a KDC,
 * so all of it is unit-tested.
 */
#ifndef SETSPN_FIXCMD_H
#define SETSPN_FIXCMD_H

#include <stdbool.h>
#include <stddef.h>

/* s as one shell word: unchanged when it is plain, in single quotes when
 * it is printable (no control, C1 or bidirectional formatting character:
 * quote_plain), else as bash's $'...' with \xNN escapes.  Safe to print
 * whatever s holds.  Caller frees; never NULL. */
char *shell_word(const char *s);

/* "setspn -S -- SPN ACCOUNT" (or -D), each word shell-safe; kind_flag
 * is NULL, "-C" or "-U".  Caller frees. */
char *fix_setspn(char verb, const char *spn, const char *account,
                 const char *kind_flag);

/* The ACCOUNT word that names exactly the account with sAMAccountName sam
 * (NULL: unknown) and DN dn, whatever its name: the sAMAccountName (with
 * *kind_flag "-U" or "-C" where a bare NAME could mean another account),
 * or the DN when the parser could read the name another way (a '\\', '@',
 * '=' or ',', an unprintable character, a leading or trailing blank).
 * Caller frees. */
char *fix_account(const char *sam, bool computer, const char *dn,
                  const char **kind_flag);

/* A one-line command that sets attr of dn to value with ldapmodify over
 * GSSAPI against uri.  A DN that is not plain printable ASCII goes as
 * base64 ("dn::").  Caller frees. */
char *fix_ldapmodify(const char *uri, const char *dn, const char *attr,
                     const char *value);

/* The host of "class/host[:port][/name]" (malloc'd), or NULL if there is
 * none.  *class_len is the length of the class. */
char *spn_host_part(const char *spn, size_t *class_len);

/* "class/newhost" plus whatever followed the host in spn (":port",
 * "/name").  Caller frees. */
char *spn_with_host(const char *spn, const char *newhost);

/* An encryption type's name ("aes256-cts-hmac-sha1-96"), or "enctype N". */
const char *enctype_name(int enctype, char *buf, size_t len);

/* True for RC4 and DES: keys an offline attack can break. */
bool enctype_weak(int enctype);

/* msDS-SupportedEncryptionTypes in words: "RC4, AES256", or "none". */
char *enctypes_describe(unsigned long bits);

/* Whether the bits allow only RC4 or DES (no AES), and whether any of
 * the known ones are set at all. */
bool enctypes_weak_only(unsigned long bits);

#define UAC_ACCOUNTDISABLE 0x2u
#define ENC_DES_CRC 0x1u
#define ENC_DES_MD5 0x2u
#define ENC_RC4 0x4u
#define ENC_AES128 0x8u
#define ENC_AES256 0x10u
#define ENC_AES (ENC_AES128 | ENC_AES256)

#endif
