# --write-keytab: the service's keytab.  Sourced by tests/run.sh after
# tests/verify.sh (helpers: lsearch, lmodify, mkcomputer, jget).  Its own
# accounts (kt*), passwords set on the DC, and the ground truth of a
# client and a service: `kvno -k` (with the client's cache, so a ticket
# it holds from before a change is tried too) and tests/gss_accept (a
# GSS-API acceptor that names no principal, as most services, with a
# ticket fetched fresh from the KDC).  A second DC (AES-only tickets by default) for the
# encryption-type defaults.

K_DIR=$TESTDC_DIR/keytab
mkdir -p "$K_DIR"
K_SMB=$TESTDC_DIR/etc/smb.conf
K_GSS=$PWD/tests/gss_accept

# kt_pw NAME PASSWORD: a private password file.
kt_pw() {
	(umask 077 && printf '%s\n' "$2" >"$K_DIR/$1.pw")
}
# kt_cache FILE: a new cache holding Administrator's TGT alone, so every
# service ticket is the KDC's answer now.
kt_cache() {
	rm -f "$1"
	KRB5CCNAME=FILE:$1 kinit "Administrator@$TESTDC_REALM" <"$TESTDC_DIR/adminpass" >/dev/null 2>&1
}
# kt_accepts KEYTAB SPN [CACHE]: a client gets a ticket for SPN (from
# CACHE when given: one it holds already), and both kvno -k and the GSS-API
# service accept it with KEYTAB.
kt_accepts() {
	local cc=${3:-$K_DIR/fresh.cc}
	[[ -n ${3:-} ]] || kt_cache "$cc"
	KRB5CCNAME=FILE:$cc kvno -q -k "$1" "$2" >/dev/null 2>&1 &&
		KRB5CCNAME=FILE:$cc "$K_GSS" "$2" "$1" >/dev/null 2>&1
}
accepts() {
	((_skip)) && return 0
	kt_accepts "$@" || _fail "a ticket for $2 is not accepted with $1${3:+ (the ticket in $3)}" \
		"$(KRB5CCNAME=FILE:${3:-$K_DIR/fresh.cc} "$K_GSS" "$2" "$1" 2>&1)" "$(klist -ke "$1" 2>&1)"
}
refuses() {
	((_skip)) && return 0
	! kt_accepts "$@" || _fail "a ticket for $2 is accepted with $1, expected not"
}
# kvnos KEYTAB PRINCIPAL: the kvnos it holds for PRINCIPAL, sorted, unique.
kvnos() {
	klist -k "$1" 2>/dev/null | awk -v p="$2" '$2 == p { print $1 }' | sort -nu | tr '\n' ' '
}
kt_kvno() {
	lsearch -b "$1" -s base '(objectClass=*)' msDS-KeyVersionNumber | sed -n 's/^msDS-KeyVersionNumber: //p'
}
mode_of() { stat -c '%a %U %G' "$1"; }
sum_of() { [[ ! -e $1 ]] || md5sum <"$1" | cut -d' ' -f1; }
temps_in() { find "$1" -maxdepth 1 -name '.*.??????' | wc -l; }

k_ok=0
samba-tool user create kt-web 'Kt-Web-Pass-1!' -s "$K_SMB" >/dev/null 2>&1 &&
	printf 'dn: CN=kt-web,%s\nchangetype: modify\nadd: servicePrincipalName\nservicePrincipalName: HTTP/ktweb.spn.test\nservicePrincipalName: HTTP/ktweb-alias.spn.test\n' "$U" | lmodify &&
	printf 'dn: CN=KtMixed Svc,%s\nobjectClass: user\nsAMAccountName: KtMixed\nuserPrincipalName: kt.Mixed.Name@spn.test\nservicePrincipalName: HTTP/ktmixed.spn.test\n' "$U" |
	ldapadd -Q -Y GSSAPI -H "$TESTDC_URI" >/dev/null &&
	samba-tool user setpassword KtMixed --newpassword='Kt-Mixed-Pass-1!' -s "$K_SMB" >/dev/null 2>&1 &&
	samba-tool user enable KtMixed -s "$K_SMB" >/dev/null 2>&1 &&
	mkcomputer KTHOST kthost.spn.test HTTP/kthost.spn.test HOST/kthost.spn.test &&
	samba-tool user setpassword 'KTHOST$' --newpassword='Kt-Host-Pass-1!' -s "$K_SMB" >/dev/null 2>&1 &&
	samba-tool user create kt-next 'Kt-Next-Pass-1!' -s "$K_SMB" >/dev/null 2>&1 &&
	printf 'dn: CN=kt-next,%s\nchangetype: modify\nadd: servicePrincipalName\nservicePrincipalName: HTTP/ktnext.spn.test\n' "$U" | lmodify &&
	samba-tool user create kt-rot 'Kt-Rot-Pass-1!' -s "$K_SMB" >/dev/null 2>&1 &&
	printf 'dn: CN=kt-rot,%s\nchangetype: modify\nadd: servicePrincipalName\nservicePrincipalName: HTTP/ktrot.spn.test\n' "$U" | lmodify &&
	samba-tool domain exportkeytab "$K_DIR/other.kt" --principal="Administrator@$TESTDC_REALM" -s "$K_SMB" >/dev/null 2>&1 &&
	k_ok=1
kt_pw web 'Kt-Web-Pass-1!'
kt_pw mixed 'Kt-Mixed-Pass-1!'
kt_pw host 'Kt-Host-Pass-1!'
kt_pw bad 'Kt-Wrong-Pass-1!'
kt_pw next 'Kt-Next-Pass-2!'
KW="CN=kt-web,$U"
t "keytab fixture: accounts with known passwords, the GSS-API service"
same "fixture" "$k_ok" 1
same "gss_accept built" "$([[ -x $K_GSS ]] && echo yes)" yes

# ------------------------------------------------------------- a user
t "keytab: --write-keytab of a user: its name and every SPN, a new file 0600, the check ok"
run --write-keytab "$K_DIR/web.kt" kt-web --account-password-file "$K_DIR/web.pw"
rc 0
k_kvno=$(kt_kvno "$KW")
out_has "Keys of $KW for $K_DIR/web.kt:
	kt-web@SPN.TEST kvno $k_kvno aes256-cts-hmac-sha1-96
	kt-web@SPN.TEST kvno $k_kvno aes128-cts-hmac-sha1-96
	kt-web@SPN.TEST kvno $k_kvno rc4-hmac
	HTTP/ktweb.spn.test@SPN.TEST kvno $k_kvno aes256-cts-hmac-sha1-96"
out_has "Updated keytab $K_DIR/web.kt: 9 entries written, 0 kept, 0 removed"
out_has "ok   keytab  HTTP/ktweb.spn.test: the service can accept tickets: $K_DIR/web.kt decrypts the ticket (kvno $k_kvno, rc4-hmac)"
out_has "ok   keytab  HTTP/ktweb-alias.spn.test: the service can accept tickets"
# the default with the attribute unset: AES and the KDC's RC4, named
err_has "msDS-SupportedEncryptionTypes of $KW is unset: the KDC issues rc4-hmac tickets for it today"
same "mode" "$(mode_of "$K_DIR/web.kt")" "600 root root"
same "no temporary file" "$(temps_in "$K_DIR")" 0
accepts "$K_DIR/web.kt" HTTP/ktweb.spn.test
accepts "$K_DIR/web.kt" HTTP/ktweb-alias.spn.test

t "keytab: --write-keytab: AES keys that decrypt AES tickets (msDS-SupportedEncryptionTypes 24, then 8)"
printf 'dn: %s\nchangetype: modify\nreplace: msDS-SupportedEncryptionTypes\nmsDS-SupportedEncryptionTypes: 24\n' "$KW" | lmodify
run --write-keytab "$K_DIR/web-aes.kt" kt-web --account-password-file "$K_DIR/web.pw"
rc 0
out_has "ok   keytab  HTTP/ktweb.spn.test: the service can accept tickets: $K_DIR/web-aes.kt decrypts the ticket (kvno $k_kvno, aes256-cts-hmac-sha1-96)"
same "no RC4 key" "$(klist -ke "$K_DIR/web-aes.kt" 2>/dev/null | grep -c arcfour)" 0
accepts "$K_DIR/web-aes.kt" HTTP/ktweb.spn.test
printf 'dn: %s\nchangetype: modify\nreplace: msDS-SupportedEncryptionTypes\nmsDS-SupportedEncryptionTypes: 8\n' "$KW" | lmodify
accepts "$K_DIR/web-aes.kt" HTTP/ktweb.spn.test
((_skip)) || same "an AES128 ticket" "$(KRB5CCNAME=FILE:$K_DIR/fresh.cc klist -e | grep -A3 HTTP/ktweb.spn.test | grep -c 'tkt): .*, aes128-cts-hmac-sha1-96')" 1
printf 'dn: %s\nchangetype: modify\ndelete: msDS-SupportedEncryptionTypes\n' "$KW" | lmodify

t "keytab: --write-keytab: a user whose sAMAccountName differs in case from its CN and its UPN: the KDC's salt"
printf 'dn: CN=KtMixed Svc,%s\nchangetype: modify\nreplace: msDS-SupportedEncryptionTypes\nmsDS-SupportedEncryptionTypes: 24\n' "$U" | lmodify
run -v --write-keytab "$K_DIR/mixed.kt" KtMixed --enctypes aes256,aes128 --account-password-file "$K_DIR/mixed.pw"
rc 0
# this DC salts with the UPN's name part, not the sAMAccountName
err_has "aes256-cts-hmac-sha1-96 key of KtMixed@SPN.TEST: salt 'SPN.TESTkt.Mixed.Name' from the KDC (ETYPE-INFO2)"
out_has "	KtMixed@SPN.TEST kvno"
out_has "ok   keytab  HTTP/ktmixed.spn.test: the service can accept tickets"
accepts "$K_DIR/mixed.kt" HTTP/ktmixed.spn.test
# and by the account's own name, as a client would ask for it
accepts "$K_DIR/mixed.kt" "KtMixed@$TESTDC_REALM"

t "keytab: --write-keytab of a computer with a known password: NAME\$@REALM and its SPNs"
run --write-keytab "$K_DIR/host.kt" KTHOST --account-password-file "$K_DIR/host.pw"
rc 0
out_has "	KTHOST\$@SPN.TEST kvno"
out_has "	HOST/kthost.spn.test@SPN.TEST kvno"
out_has "ok   keytab  HTTP/kthost.spn.test: the service can accept tickets"
out_has "ok   keytab  HOST/kthost.spn.test: the service can accept tickets"
accepts "$K_DIR/host.kt" HTTP/kthost.spn.test
accepts "$K_DIR/host.kt" HOST/kthost.spn.test

# ------------------------------------------------------ wrong password
t "keytab: --write-keytab with a wrong password: exit 3, FILE untouched, no temporary file"
k_sum=$(sum_of "$K_DIR/web.kt")
run --write-keytab "$K_DIR/web.kt" kt-web --account-password-file "$K_DIR/bad.pw"
rc 3
err_has "wrong password for kt-web@SPN.TEST (Preauthentication failed): nothing was written"
same "checksum" "$(sum_of "$K_DIR/web.kt")" "$k_sum"
same "no temporary file" "$(temps_in "$K_DIR")" 0
run --write-keytab "$K_DIR/never.kt" kt-web --account-password-file "$K_DIR/bad.pw"
rc 3
same "no new file" "$(ls "$K_DIR/never.kt" 2>&1 | grep -c 'No such')" 1

# -------------------------------------------------------------- merge
t "keytab: --write-keytab merges: another principal's entries kept, byte for byte"
cp "$K_DIR/other.kt" "$K_DIR/merge.kt"
chmod 600 "$K_DIR/merge.kt"
k_before=$(klist -ke "$K_DIR/merge.kt" | grep -c Administrator)
run --write-keytab "$K_DIR/merge.kt" kt-web --spn HTTP/ktweb.spn.test --account-password-file "$K_DIR/web.pw"
rc 0
out_has "written, $k_before kept, 0 removed"
same "Administrator's entries" "$(klist -ke "$K_DIR/merge.kt" | grep -c Administrator)" "$k_before"
same "--spn: that SPN only" "$(klist -k "$K_DIR/merge.kt" | grep -c ktweb-alias)" 0
accepts "$K_DIR/merge.kt" HTTP/ktweb.spn.test
((_skip)) || ok "the other principal's keys still work" env KRB5CCNAME=FILE:$K_DIR/admin.cc kinit -k -t "$K_DIR/merge.kt" "Administrator@$TESTDC_REALM"

t "keytab: --write-keytab twice: the same file"
k_sum=$(sum_of "$K_DIR/merge.kt")
run --write-keytab "$K_DIR/merge.kt" kt-web --spn HTTP/ktweb.spn.test --account-password-file "$K_DIR/web.pw"
rc 0
out_has "Keytab $K_DIR/merge.kt unchanged:"
same "checksum" "$(sum_of "$K_DIR/merge.kt")" "$k_sum"

t "keytab: --keep-kvnos: older kvnos of the account trimmed, the rest kept"
for k_n in 1 2 3; do
	run --write-keytab "$K_DIR/merge.kt" kt-web --spn HTTP/ktweb.spn.test --kvno $((k_kvno + k_n)) --account-password-file "$K_DIR/web.pw"
done
same "kvnos kept (default 2 older)" "$(kvnos "$K_DIR/merge.kt" HTTP/ktweb.spn.test@SPN.TEST)" "$((k_kvno + 1)) $((k_kvno + 2)) $((k_kvno + 3)) "
run --write-keytab "$K_DIR/merge.kt" kt-web --spn HTTP/ktweb.spn.test --account-password-file "$K_DIR/web.pw" --keep-kvnos 1
rc 0
same "kvnos after --keep-kvnos 1" "$(kvnos "$K_DIR/merge.kt" HTTP/ktweb.spn.test@SPN.TEST)" "$k_kvno $((k_kvno + 3)) "
same "Administrator's entries" "$(klist -ke "$K_DIR/merge.kt" | grep -c Administrator)" "$k_before"

# ---------------------------------------------------- --kvno next
t "keytab: --kvno next: pre-staged with the new password, then the password changed: both kvnos serve"
kt_pw nextold 'Kt-Next-Pass-1!'
run --write-keytab "$K_DIR/next.kt" kt-next --account-password-file "$K_DIR/nextold.pw"
rc 0
k_old=$(kt_kvno "CN=kt-next,$U")
run --write-keytab "$K_DIR/next.kt" kt-next --account-password-file "$K_DIR/next.pw" --kvno next
rc 0
out_has "	HTTP/ktnext.spn.test@SPN.TEST kvno $((k_old + 1)) aes256-cts-hmac-sha1-96"
err_has "the entries of kvno $((k_old + 1)) serve once the account's password is changed"
# a client holds a ticket from before the change
kt_cache "$K_DIR/before.cc"
accepts "$K_DIR/next.kt" HTTP/ktnext.spn.test "$K_DIR/before.cc"
samba-tool user setpassword kt-next --newpassword='Kt-Next-Pass-2!' -s "$K_SMB" >/dev/null 2>&1
same "the DC's kvno" "$(kt_kvno "CN=kt-next,$U")" "$((k_old + 1))"
accepts "$K_DIR/next.kt" HTTP/ktnext.spn.test
accepts "$K_DIR/next.kt" HTTP/ktnext.spn.test "$K_DIR/before.cc"
run --verify HTTP/ktnext.spn.test kt-next --service-keytab "$K_DIR/next.kt"
rc 0

# ---------------------------------------------------------- --rotate
t "keytab: --rotate: next-kvno entries, a new password, old entries kept, new tickets accepted"
kt_pw rot 'Kt-Rot-Pass-1!'
run --write-keytab "$K_DIR/rot.kt" kt-rot --account-password-file "$K_DIR/rot.pw"
k_old=$(kt_kvno "CN=kt-rot,$U")
kt_cache "$K_DIR/before.cc"
accepts "$K_DIR/rot.kt" HTTP/ktrot.spn.test "$K_DIR/before.cc"
run --write-keytab "$K_DIR/rot.kt" kt-rot --rotate
rc 0
out_has "	HTTP/ktrot.spn.test@SPN.TEST kvno $((k_old + 1)) aes256-cts-hmac-sha1-96"
err_has "kt-rot@SPN.TEST has a new password (kvno $((k_old + 1))), known only to the keytab"
out_has "ok   keytab  HTTP/ktrot.spn.test: the service can accept tickets: $K_DIR/rot.kt decrypts the ticket (kvno $((k_old + 1))"
same "the DC's kvno" "$(kt_kvno "CN=kt-rot,$U")" "$((k_old + 1))"
same "kvnos" "$(kvnos "$K_DIR/rot.kt" HTTP/ktrot.spn.test@SPN.TEST)" "$k_old $((k_old + 1)) "
accepts "$K_DIR/rot.kt" HTTP/ktrot.spn.test
accepts "$K_DIR/rot.kt" HTTP/ktrot.spn.test "$K_DIR/before.cc"
((_skip)) || ok "the old password no longer works" bash -c "! KRB5CCNAME=FILE:$K_DIR/x.cc kinit kt-rot <<<'Kt-Rot-Pass-1!'"
((_skip)) || ok "the keytab's does" env KRB5CCNAME=FILE:$K_DIR/x.cc kinit -k -t "$K_DIR/rot.kt" "kt-rot@$TESTDC_REALM"

t "keytab: --rotate of a computer without --force: refused, nothing written"
k_sum=$(sum_of "$K_DIR/host.kt")
k_old=$(kt_kvno "CN=KTHOST,$C")
run --write-keytab "$K_DIR/host.kt" KTHOST --rotate
rc 1
err_has "is a computer account: a new password breaks the computer's own keys"
same "checksum" "$(sum_of "$K_DIR/host.kt")" "$k_sum"
same "kvno" "$(kt_kvno "CN=KTHOST,$C")" "$k_old"

# -------------------------------------------------------------- modes
t "keytab: --write-keytab keeps an existing file's owner, group and mode"
cp "$K_DIR/web.kt" "$K_DIR/owned.kt"
chown nobody:nogroup "$K_DIR/owned.kt"
chmod 640 "$K_DIR/owned.kt"
run --write-keytab "$K_DIR/owned.kt" kt-web --account-password-file "$K_DIR/web.pw" --enctypes aes256
rc 0
same "mode" "$(mode_of "$K_DIR/owned.kt")" "640 nobody nogroup"

t "keytab: --write-keytab into a directory it cannot write: exit 2 before any password is asked"
mkdir -p "$K_DIR/ro"
chmod 755 "$K_DIR/ro"
chmod 755 "$K_DIR" "$TESTDC_DIR"
k_nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
if ((_skip == 0)); then
	rc=0
	err=$("${k_nobody[@]}" "$SETSPN" --write-keytab "$K_DIR/ro/x.kt" kt-web 2>&1 </dev/null) || rc=$?
	rc 2
	err_has "cannot write the keytab $K_DIR/ro/x.kt: cannot create a file in $K_DIR/ro: Permission denied"
	# the system's python3: nobody may not reach another one on PATH
	k_pty=$("${k_nobody[@]}" /usr/bin/python3 tests/ptyprompt.py "$SETSPN" --write-keytab "$K_DIR/ro/x.kt" kt-web 2>&1)
	same "no prompt" "${k_pty:0:10}" "no prompt:"
fi
run --write-keytab /nonexistent/dir/x.kt kt-web
rc 2
err_has "cannot write the keytab /nonexistent/dir/x.kt"
ln -sf "$K_DIR/web.kt" "$K_DIR/link.kt"
run --write-keytab "$K_DIR/link.kt" kt-web
rc 2
err_has "$K_DIR/link.kt is a symbolic link: name the file itself"
printf 'not a keytab' >"$K_DIR/junk.kt"
run --write-keytab "$K_DIR/junk.kt" kt-web
rc 2
err_has "$K_DIR/junk.kt is not a keytab setspn can merge into"
same "junk untouched" "$(cat "$K_DIR/junk.kt")" "not a keytab"

# ------------------------------------------------- dry run, json, usage
t "keytab: --write-keytab -n: the entries it would write, no password, nothing written"
run -n --write-keytab "$K_DIR/dry.kt" kt-web --enctypes aes256
rc 0
out "Keys of $KW for $K_DIR/dry.kt:
	kt-web@SPN.TEST kvno $k_kvno aes256-cts-hmac-sha1-96
	HTTP/ktweb.spn.test@SPN.TEST kvno $k_kvno aes256-cts-hmac-sha1-96
	HTTP/ktweb-alias.spn.test@SPN.TEST kvno $k_kvno aes256-cts-hmac-sha1-96"
same "no file" "$([[ -e $K_DIR/dry.kt ]] && echo exists)" ""

t "keytab: --json --write-keytab: the entries, the counts and the checks"
run --json --write-keytab "$K_DIR/json.kt" kt-web --spn HTTP/ktweb.spn.test --enctypes aes256,rc4 --account-password-file "$K_DIR/web.pw"
rc 0
same "verb" "$(jget 'd["operations"][0]["verb"]')" write-keytab
same "keytab" "$(jget 'd["operations"][0]["keytab"]')" "$K_DIR/json.kt"
same "entries" "$(jget '[(e["principal"], e["enctype"]) for e in d["operations"][0]["entries"]]')" '[["kt-web@SPN.TEST", "aes256-cts-hmac-sha1-96"], ["kt-web@SPN.TEST", "rc4-hmac"], ["HTTP/ktweb.spn.test@SPN.TEST", "aes256-cts-hmac-sha1-96"], ["HTTP/ktweb.spn.test@SPN.TEST", "rc4-hmac"]]'
same "counts" "$(jget '[d["operations"][0][k] for k in ("changed", "written", "kept", "removed")]')" '[true, 4, 0, 0]'
same "checks" "$(jget '[(c["check"], c["result"]) for c in d["operations"][0]["checks"]]')" '[["keytab", "ok"]]'
same "status" "$(jget 'd["operations"][0]["status"]')" ok

t "keytab: --write-keytab usage errors: exit 2, nothing asked"
run --write-keytab "$K_DIR/u.kt" kt-web --rotate --kvno next
rc 2
err_has "--rotate writes the next kvno itself: no --kvno with it"
run --write-keytab "$K_DIR/u.kt" kt-web --enctypes des-cbc-crc
rc 2
err_has "DES is broken"
run --write-keytab "$K_DIR/u.kt" kt-web --kvno 0
rc 2
run --spn HTTP/x -L kt-web
rc 2
err_has "go with --write-keytab"
run --write-keytab "$K_DIR/u.kt" kt-web --spn HTTP/not.on.it --account-password-file "$K_DIR/web.pw"
rc 2
err_has "'HTTP/not.on.it' is not an SPN of $KW"
run --write-keytab "$K_DIR/u.kt" kt-web
rc 2
err_has "there is no terminal to ask on: use --account-password-file"
same "no file" "$([[ -e $K_DIR/u.kt ]] && echo exists)" ""

# ------------------------------------------------- an AES-only DC
# Windows' 2026 default: tickets for accounts without
# msDS-SupportedEncryptionTypes are AES only.
t "keytab: AES-only DC: fixture"
K_DC2=$(mktemp -d /tmp/setspn-ktdc.XXXXXX)
k_dc2=0
if ((_skip == 0)); then
	(
		unset TESTDC_IP
		TESTDC_MAX_RUNTIME=900 TESTDC_EXTRA_CONF='kdc default domain supported enctypes = 24' \
			bash tests/dc/testdc.sh start "$K_DC2" >"$K_DIR/dc2.log" 2>&1
	) && k_dc2=1
	((k_dc2)) || _fail "the second DC did not start" "$(tail -5 "$K_DIR/dc2.log")"
fi
if ((k_dc2)); then
	k_env=$(
		. "$K_DC2/env"
		samba-tool user create kt-aes 'Kt-Aes-Pass-1!' -s "$K_DC2/etc/smb.conf" >/dev/null 2>&1 &&
			samba-tool user create kt-rc4 'Kt-Rc4-Pass-1!' -s "$K_DC2/etc/smb.conf" >/dev/null 2>&1 &&
			printf 'dn: CN=kt-aes,CN=Users,%s\nchangetype: modify\nadd: servicePrincipalName\nservicePrincipalName: HTTP/ktaes.spn.test\n\ndn: CN=kt-rc4,CN=Users,%s\nchangetype: modify\nadd: servicePrincipalName\nservicePrincipalName: HTTP/ktrc4.spn.test\n-\nreplace: msDS-SupportedEncryptionTypes\nmsDS-SupportedEncryptionTypes: 28\n' "$TESTDC_BASE" "$TESTDC_BASE" |
			ldapmodify -Q -Y GSSAPI -H "$TESTDC_URI" >/dev/null && echo ok
	)
	same "accounts" "$k_env" ok
fi
kt_pw aes 'Kt-Aes-Pass-1!'
kt_pw rc4 'Kt-Rc4-Pass-1!'

t "keytab: AES-only DC: an account without msDS-SupportedEncryptionTypes gets AES keys only, no warning"
if ((k_dc2)); then
	(
		. "$K_DC2/env"
		run --write-keytab "$K_DIR/aes.kt" kt-aes --account-password-file "$K_DIR/aes.pw"
		rc 0
		out_has "	HTTP/ktaes.spn.test@SPN.TEST kvno"
		out_has "ok   keytab  HTTP/ktaes.spn.test: the service can accept tickets: $K_DIR/aes.kt decrypts the ticket (kvno"
		out_has "aes256-cts-hmac-sha1-96)"
		same "no RC4 key" "$(klist -ke "$K_DIR/aes.kt" | grep -c arcfour)" 0
		same "no warning" "$(grep -c msDS-SupportedEncryptionTypes <<<"$err")" 0
		TESTDC_DIR=$K_DC2 accepts "$K_DIR/aes.kt" HTTP/ktaes.spn.test
		((_bad == 0))
	) || _fail "see above"
else
	_fail "no AES-only DC (see the fixture)"
fi

t "keytab: AES-only DC: an account allowing RC4 (28) gets RC4 and AES keys"
if ((k_dc2)); then
	(
		. "$K_DC2/env"
		run --write-keytab "$K_DIR/rc4.kt" kt-rc4 --account-password-file "$K_DIR/rc4.pw"
		rc 0
		k=$(kt_kvno "CN=kt-rc4,CN=Users,$TESTDC_BASE")
		out_has "	HTTP/ktrc4.spn.test@SPN.TEST kvno $k aes256-cts-hmac-sha1-96"
		out_has "	HTTP/ktrc4.spn.test@SPN.TEST kvno $k rc4-hmac"
		out_has "ok   keytab  HTTP/ktrc4.spn.test: the service can accept tickets"
		TESTDC_DIR=$K_DC2 accepts "$K_DIR/rc4.kt" HTTP/ktrc4.spn.test
		((_bad == 0))
	) || _fail "see above"
else
	_fail "no AES-only DC (see the fixture)"
fi
bash tests/dc/testdc.sh stop "$K_DC2" >/dev/null 2>&1
rm -rf "$K_DC2"
