# --verify: why Kerberos to a service fails, and the fix.  Sourced by
# tests/run.sh after tests/scripting.sh (helpers: lsearch, lmodify, jget).
# Its own accounts (VFY*, vfy-*), its own fake DNS (tests/dc/fakedns.py
# through resolv_wrapper), and the KDC's own answers: nothing is mocked.

V_DIR=$TESTDC_DIR/verify
mkdir -p "$V_DIR"
V_SMB=$TESTDC_DIR/etc/smb.conf

# Every --verify runs with this zone, so its DNS check never leaves
# loopback: vfyexch01 has an address, vfymail is a CNAME of it, anything
# else is NXDOMAIN.
cat >"$V_DIR/zone" <<'ZONE'
A vfyexch01.spn.test 127.0.0.50
CNAME vfymail.spn.test vfyexch01.spn.test
ZONE
printf 'nameserver 127.0.2.%s\n' "${TESTDC_IP##*.}" >"$V_DIR/resolv.conf"
printf '%s localhost\n' "$TESTDC_IP" >"$V_DIR/hosts"
vdns_start() {
	rm -f "$V_DIR/dns.ready"
	python3 tests/dc/fakedns.py "127.0.2.${TESTDC_IP##*.}" "$V_DIR/zone" --lifetime 900 \
		--ready "$V_DIR/dns.ready" &
	V_DNS_PID=$!
	for _ in $(seq 50); do [[ -e $V_DIR/dns.ready ]] && break; sleep 0.1; done
}
vdns_start
vrun() {
	LD_PRELOAD=libresolv_wrapper.so:libnss_wrapper.so \
		RESOLV_WRAPPER_CONF=$V_DIR/resolv.conf NSS_WRAPPER_HOSTS=$V_DIR/hosts run "$@"
}

vpw() { printf '"%s"' "Vfy-$1-Pass-1!" | iconv -t UTF-16LE | base64 -w0; }
# vcomputer NAME [--nokey] SPN...: a computer with a password (keys), and
# dNSHostName name.spn.test.
vcomputer() {
	local name=$1 pw=1 s
	shift
	[[ ${1:-} != --nokey ]] || { pw=0; shift; }
	{
		printf 'dn: CN=%s,%s\nobjectClass: computer\nsAMAccountName: %s$\n' "$name" "$C" "$name"
		printf 'dNSHostName: %s.spn.test\nuserAccountControl: 4096\n' "${name,,}"
		((pw)) && printf 'unicodePwd:: %s\n' "$(vpw "$name")"
		for s in "$@"; do printf 'servicePrincipalName: %s\n' "$s"; done
	} | ldapadd -Q -Y GSSAPI -H "$TESTDC_URI" >/dev/null
}
# vuser NAME SPN...: an enabled user with a password.
vuser() {
	local name=$1 s
	shift
	{
		printf 'dn: CN=%s,%s\nobjectClass: user\nsAMAccountName: %s\n' "$name" "$U" "$name"
		printf 'userAccountControl: 512\nunicodePwd:: %s\n' "$(vpw "$name")"
		for s in "$@"; do printf 'servicePrincipalName: %s\n' "$s"; done
	} | ldapadd -Q -Y GSSAPI -H "$TESTDC_URI" >/dev/null
}
# The fix lines of the last run's stdout, one a line.
fixes() { printf '%s\n' "$out" | sed -n 's/^fix: //p'; }
# apply_fix LINES: runs the printed fix commands with bash, as an
# administrator would, setspn as the one under test.
apply_fix() {
	local cmd
	cmd=$(sed "s|^setspn |$SETSPN |" <<<"$1")
	((_skip)) && return
	[[ -n $cmd ]] || { _fail "no fix was printed"; return; }
	bash -c "$cmd" >/dev/null 2>&1 || _fail "fix failed: $cmd"
}

v_ok=0
vcomputer VFYEXCH01 HOST/vfyexch01.spn.test &&
	vcomputer VFYFILES HOST/vfyfiles.spn.test &&
	vcomputer VFYNOKEY --nokey HTTP/vfynokey.spn.test &&
	vcomputer VFYDUP1 && vcomputer VFYDUP2 &&
	vuser vfy-dis HTTP/vfydis.spn.test &&
	vuser vfy-rc4 HTTP/vfyrc4.spn.test &&
	vuser vfy-kt HTTP/vfykt.spn.test &&
	v_ok=1
VX="CN=VFYEXCH01,$C"
t "verify fixture: accounts and fake DNS"
same "fixture" "$v_ok" 1
same "fake DNS" "$([[ -e $V_DIR/dns.ready ]] && echo up)" up

# ------------------------------------------------------ the seed's outage
t "--verify of the seed's outage: FAIL naming the fix setspn -S"
vrun --verify SMTPSVC/vfymail.spn.test VFYEXCH01
rc 1
out_has "FAIL holders no account holds SMTPSVC/vfymail.spn.test: the KDC answers 'server not found'
fix: setspn -S -- SMTPSVC/vfymail.spn.test VFYEXCH01
FAIL alias   SMTPSVC is not a service class that HOST stands for (sPNMappings)"
out_has "FAIL ticket  no ticket for SMTPSVC/vfymail.spn.test: the KDC answers 'server not found'"
out_has "(Server not found in Kerberos database)"
out_has "ok   account $VX: enabled, keys set (kvno 1)"
err ""
same "nothing written" "$(spns "$VX")" "HOST/vfyexch01.spn.test"

t "--verify of the seed's outage: the CNAME's canonical name fails canonicalizing clients"
out_has "FAIL dns     vfymail.spn.test is an alias (CNAME) of vfyexch01.spn.test: clients that canonicalize ask for SMTPSVC/vfyexch01.spn.test; no ticket for SMTPSVC/vfyexch01.spn.test"
out_has "MIT Kerberos clients (dns_canonicalize_hostname true, their default), Firefox and Chrome fail; Windows clients ask for the name as typed
fix: setspn -S -- SMTPSVC/vfyexch01.spn.test VFYEXCH01"
same "two fix lines, in order" "$(fixes)" "setspn -S -- SMTPSVC/vfymail.spn.test VFYEXCH01
setspn -S -- SMTPSVC/vfyexch01.spn.test VFYEXCH01"

t "--verify after running its fixes: ok, with the ticket's enctype and kvno"
apply_fix "$(fixes)"
vrun --verify SMTPSVC/vfymail.spn.test VFYEXCH01
rc 0
out_has "ok   holders $VX holds SMTPSVC/vfymail.spn.test"
out_has "ok   alias   not needed: SMTPSVC/vfymail.spn.test is held as it is"
out_has "ok   ticket  the KDC issued a ticket for SMTPSVC/vfymail.spn.test@SPN.TEST: rc4-hmac, kvno 1"
out_has "warn account $VX: the KDC issued an rc4-hmac ticket (msDS-SupportedEncryptionTypes is unset, and this DC's default includes RC4)"
out_has "Windows DCs with the 2026 updates (KB5073381"
out_has "
fix: printf '%s\n' 'dn: $VX' 'changetype: modify' 'replace: msDS-SupportedEncryptionTypes' 'msDS-SupportedEncryptionTypes: 24' | ldapmodify -Q -Y GSSAPI -H $TESTDC_URI:389"

t "--verify: a CNAME whose canonical SPN is held by the account: dns ok"
out_has "ok   dns     vfymail.spn.test is an alias (CNAME) of vfyexch01.spn.test: clients that canonicalize ask for SMTPSVC/vfyexch01.spn.test; held by $VX, the account that serves the name"

t "--verify: the encryption-type fix, run, gives an AES ticket and no warning"
apply_fix "$(fixes | grep ldapmodify)"
vrun --verify SMTPSVC/vfymail.spn.test VFYEXCH01
rc 0
out_has "ok   ticket  the KDC issued a ticket for SMTPSVC/vfymail.spn.test@SPN.TEST: aes256-cts-hmac-sha1-96, kvno 1"
out_has "ok   account $VX: enabled, keys set (kvno 1), encryption types AES128, AES256"

t "--verify of a host with an address and an SPN on it: dns ok"
vrun --verify HOST/vfyexch01.spn.test
rc 0
out_has "ok   dns     vfyexch01.spn.test resolves"

t "--verify without ACCOUNT infers it from dNSHostName for the fix, and says so"
vrun --verify MSSQLSvc/vfyexch01.spn.test
rc 1
out_has "fix: setspn -S -- MSSQLSvc/vfyexch01.spn.test 'VFYEXCH01\$'"
out_has "$VX is inferred, not named: its dNSHostName is vfyexch01.spn.test"

t "--verify of a name nobody holds and no computer names: says which account to name"
vrun --verify HTTP/vfynone.spn.test
rc 1
out_has "name the account that should serve it: setspn --verify SPN ACCOUNT"
out_has "warn dns     vfynone.spn.test does not resolve"
same "no fix line" "$(fixes)" ""

# ------------------------------------------------------------------ alias
t "--verify of cifs/x served through HOST/x on another account: alias ok"
vrun --verify cifs/vfyfiles.spn.test
rc 0
out_has "ok   holders no account holds cifs/vfyfiles.spn.test itself; it is served through an alias (see alias)"
out_has "ok   alias   CN=VFYFILES,$C holds HOST/vfyfiles.spn.test, which serves cifs/vfyfiles.spn.test (sPNMappings)"
out_has "ok   ticket  the KDC issued a ticket for cifs/vfyfiles.spn.test@SPN.TEST"

t "--verify of an alias served by an account other than ACCOUNT: FAIL, fix -S"
vrun --verify cifs/vfyfiles.spn.test VFYEXCH01
rc 1
out_has "FAIL alias   CN=VFYFILES,$C holds HOST/vfyfiles.spn.test, which serves cifs/vfyfiles.spn.test (sPNMappings): not 'VFYEXCH01', the account named: the ticket is encrypted for the alias's holder
fix: setspn -S -- cifs/vfyfiles.spn.test VFYEXCH01"

t "--verify of an SPN held by another account than ACCOUNT: FAIL, fixes -D and -S"
vrun --verify HOST/vfyfiles.spn.test VFYEXCH01
rc 1
out_has "FAIL holders CN=VFYFILES,$C holds HOST/vfyfiles.spn.test: not 'VFYEXCH01', the account named: the ticket is encrypted for the holder, which a service running as 'VFYEXCH01' cannot decrypt
fix: setspn -D -- HOST/vfyfiles.spn.test CN=VFYFILES,$C
fix: setspn -S -- HOST/vfyfiles.spn.test VFYEXCH01"

# ------------------------------------------------------------- accounts
t "--verify of a disabled account: this DC still issues its tickets: warn, and the fix re-enables it"
samba-tool user disable vfy-dis -s "$V_SMB" >/dev/null 2>&1
vrun --verify HTTP/vfydis.spn.test
rc 0
out_has "warn account CN=vfy-dis,$U: disabled (userAccountControl 514): this DC's KDC still issues tickets for it, a Windows DC refuses them"
out_has "fix: printf '%s\n' 'dn: CN=vfy-dis,$U' 'changetype: modify' 'replace: userAccountControl' 'userAccountControl: 512' | ldapmodify -Q -Y GSSAPI -H $TESTDC_URI:389"
apply_fix "$(fixes | grep userAccountControl)"
vrun --verify HTTP/vfydis.spn.test
out_has "warn account CN=vfy-dis,$U: the KDC issued an rc4-hmac ticket (msDS-SupportedEncryptionTypes is unset, and this DC's default includes RC4)"
out_has "a user account holding SPNs: an RC4 ticket for it can be cracked offline (Kerberoasting)"
rc 0

t "--verify of an account with no keys: the KDC's no-key answer, FAIL"
vrun --verify HTTP/vfynokey.spn.test
rc 1
out_has "FAIL ticket  no ticket for HTTP/vfynokey.spn.test: the KDC has no key of a usable encryption type"
out_has "FAIL account CN=VFYNOKEY,$C: no keys: its password was never set (pwdLastSet 0)"

t "--verify of an RC4-only user account: warn (Kerberoasting) with the fix, exit 0"
printf 'dn: CN=vfy-rc4,%s\nchangetype: modify\nreplace: msDS-SupportedEncryptionTypes\nmsDS-SupportedEncryptionTypes: 4\n' "$U" | lmodify
vrun --verify HTTP/vfyrc4.spn.test vfy-rc4
rc 0
out_has "ok   ticket  the KDC issued a ticket for HTTP/vfyrc4.spn.test@SPN.TEST: rc4-hmac, kvno 1"
out_has "warn account CN=vfy-rc4,$U: the KDC issued an rc4-hmac ticket: msDS-SupportedEncryptionTypes 4 allows only RC4"
out_has "a user account holding SPNs: an RC4 ticket for it can be cracked offline (Kerberoasting)"
out_has "'msDS-SupportedEncryptionTypes: 24' | ldapmodify"

# ---------------------------------------------------------------- keytab
t "--verify --service-keytab: a fresh export of the account's name decrypts the ticket; stricter services named"
samba-tool domain exportkeytab "$V_DIR/kt.good" --principal=vfy-kt@SPN.TEST -s "$V_SMB" >/dev/null 2>&1
vrun --verify HTTP/vfykt.spn.test vfy-kt --service-keytab "$V_DIR/kt.good"
rc 0
out_has "warn keytab  $V_DIR/kt.good decrypts the ticket (kvno 1, rc4-hmac) with its entry vfy-kt@SPN.TEST, kvno 1: services that try every key of their keytab (the usual setup: no acceptor name) accept it; it has no entry for the SPN itself"

t "--verify --service-keytab: stale after a password change, the kvno mismatch named"
samba-tool user setpassword vfy-kt --newpassword='Vfy-kt-Pass-2!' -s "$V_SMB" >/dev/null 2>&1
vrun --verify HTTP/vfykt.spn.test vfy-kt --service-keytab "$V_DIR/kt.good"
rc 1
out_has "FAIL keytab  kvno 1 in the keytab, 2 in the ticket: no key decrypts it: $V_DIR/kt.good is stale"

t "--verify --service-keytab: a keytab of another account: wrong name"
samba-tool domain exportkeytab "$V_DIR/kt.other" --principal=vfy-rc4@SPN.TEST -s "$V_SMB" >/dev/null 2>&1
vrun --verify HTTP/vfykt.spn.test --service-keytab "$V_DIR/kt.other"
rc 1
out_has "FAIL keytab  wrong name: $V_DIR/kt.other has no key for HTTP/vfykt.spn.test or vfy-kt and none of its keys decrypts the ticket (it holds vfy-rc4@SPN.TEST)"

t "--verify --service-keytab of a missing file: FAIL, exit 1"
vrun --verify HTTP/vfykt.spn.test --service-keytab "$V_DIR/none"
rc 1
out_has "FAIL keytab  cannot read the keytab $V_DIR/none"

# ----------------------------------------------------------- duplicates
cat >"$V_DIR/dups.ldif" <<LDIF
dn: CN=VFYDUP1,$C
changetype: modify
add: servicePrincipalName
servicePrincipalName: HTTP/vfydup.spn.test
servicePrincipalName: HTTP/vfycase.spn.test

dn: CN=VFYDUP2,$C
changetype: modify
add: servicePrincipalName
servicePrincipalName: HTTP/vfydup.spn.test
servicePrincipalName: http/VFYCASE.spn.test
LDIF
kill "$V_DNS_PID" 2>/dev/null
wait "$V_DNS_PID" 2>/dev/null
plant_offline "$V_DIR/dups.ldif"
vdns_start
t "verify: duplicates planted offline"
same "ldbmodify" "$PLANTED" 1

t "--verify of an exact duplicate: FAIL naming both holders, fix -D the other"
vrun --verify HTTP/vfydup.spn.test VFYDUP1
rc 1
out_has "FAIL holders 2 accounts hold HTTP/vfydup.spn.test: CN=VFYDUP"
out_has ": the KDC cannot choose"
out_has "CN=VFYDUP1,$C"
out_has "CN=VFYDUP2,$C"
same "fixes" "$(fixes)" "setspn -D -- HTTP/vfydup.spn.test CN=VFYDUP2,$C"
out_has "FAIL ticket  no ticket for HTTP/vfydup.spn.test"

t "--verify of a case-only duplicate: FAIL, fix -D the other spelling's holder"
vrun --verify http/vfycase.spn.test VFYDUP2
rc 1
out_has "FAIL holders 2 accounts hold http/vfycase.spn.test: "
out_has "the KDC cannot choose"
same "fixes" "$(fixes)" "setspn -D -- http/vfycase.spn.test CN=VFYDUP1,$C"

t "--verify of a duplicate without ACCOUNT: asks which account keeps it"
vrun --verify HTTP/vfydup.spn.test
rc 1
out_has "name the account that should keep it: setspn --verify SPN ACCOUNT"

t "--verify: the duplicate's fix, run, leaves one holder and a ticket"
vrun --verify HTTP/vfydup.spn.test VFYDUP1
apply_fix "$(fixes)"
vrun --verify HTTP/vfydup.spn.test VFYDUP1
rc 0
out_has "ok   holders CN=VFYDUP1,$C holds HTTP/vfydup.spn.test"
out_has "ok   ticket  the KDC issued a ticket for HTTP/vfydup.spn.test@SPN.TEST"

# ------------------------------------------------ -F, --json, --batch, exit
t "-F --verify: holders through the Global Catalog"
vrun -F --verify http/vfycase.spn.test VFYDUP2
rc 1
out_has "FAIL holders 2 accounts hold http/vfycase.spn.test: "

t "--json --verify: a checks array of {check, result, detail, fix}"
vrun --json --verify MSSQLSvc/vfyexch01.spn.test VFYEXCH01
rc 1
same "verb" "$(jget 'd["operations"][0]["verb"]')" verify
same "checks" "$(jget '[c["check"] for c in d["operations"][0]["checks"]]')" '["holders", "alias", "ticket", "account", "dns"]'
same "results" "$(jget '[c["result"] for c in d["operations"][0]["checks"]]')" '["fail", "fail", "fail", "ok", "ok"]'
same "fix" "$(jget 'd["operations"][0]["checks"][0]["fix"]')" '["setspn -S -- MSSQLSvc/vfyexch01.spn.test VFYEXCH01"]'
same "no fix" "$(jget 'd["operations"][0]["checks"][3]["fix"]')" '[]'
same "status" "$(jget 'd["operations"][0]["status"]')" fail
same "dn" "$(jget 'd["operations"][0]["dn"]')" "$VX"
same "exit" "$(jget 'd["exit"]')" 1
err ""

t "--batch of --verify lines: each line's checks, the worst exit"
printf -- '--verify SMTPSVC/vfymail.spn.test VFYEXCH01\n--verify HTTP/vfynone.spn.test\n-F --verify cifs/vfyfiles.spn.test --service-keytab %s\n' "$V_DIR/none" >"$V_DIR/batch"
vrun --batch "$V_DIR/batch"
rc 1
out_has "ok   holders $VX holds SMTPSVC/vfymail.spn.test"
out_has "FAIL holders no account holds HTTP/vfynone.spn.test"
out_has "FAIL keytab  cannot read the keytab $V_DIR/none"
out_has "Batch: 3 commands, 1 done, 2 failed, 0 not run"

t "--verify --keytab: the ticket check uses the private cache, not the caller's"
samba-tool domain exportkeytab "$V_DIR/admin.kt" --principal="Administrator@$TESTDC_REALM" -s "$V_SMB" >/dev/null 2>&1
KRB5CCNAME=FILE:/nonexistent vrun --keytab "$V_DIR/admin.kt" --verify SMTPSVC/vfymail.spn.test VFYEXCH01
rc 0
out_has "ok   ticket  the KDC issued a ticket for SMTPSVC/vfymail.spn.test@SPN.TEST: aes256-cts-hmac-sha1-96, kvno 1"

t "--verify exit 2: no SPN, a stray argument, --service-keytab without --verify"
run --verify
rc 2
err_has "--verify needs an SPN"
run --verify HTTP/x a b
rc 2
run --service-keytab /x -L VFYEXCH01
rc 2
err_has "--service-keytab applies only to --verify"

t "--verify of a missing ACCOUNT: exit 1"
vrun --verify HTTP/vfynone.spn.test VFYMISSING
rc 1
out "Could not find account VFYMISSING"

t "--verify with no ticket: exit 3"
KRB5CCNAME=FILE:/nonexistent vrun --verify HTTP/vfynone.spn.test
rc 3
err_has "run kinit first"

t "--verify with the DC unreachable: exit 4"
vrun -H ldap://127.0.0.1:9 --timeout 3 --verify HTTP/vfynone.spn.test
rc 4

t "--verify with a KDC and a DNS server that never answer: each named within --timeout (cut by --max-time), the other checks made"
# The LDAP bind needs no KDC: its ldap/ ticket is in the cache already.
run -L VFYEXCH01
v_hole=127.0.3.${TESTDC_IP##*.}
rm -f "$V_DIR/hole.ready"
python3 tests/dc/blackhole.py "$v_hole" 88 53 --lifetime 120 --ready "$V_DIR/hole.ready" &
v_hole_pid=$!
for _ in $(seq 50); do [[ -e $V_DIR/hole.ready ]] && break; sleep 0.1; done
sed "s/^\([[:space:]]*kdc = \).*/\1$v_hole/" "$KRB5_CONFIG" >"$V_DIR/hole.krb5.conf"
printf 'nameserver %s\n' "$v_hole" >"$V_DIR/hole.resolv"
v_t0=$EPOCHREALTIME
KRB5_CONFIG=$V_DIR/hole.krb5.conf RESOLV_WRAPPER_CONF=$V_DIR/hole.resolv \
	LD_PRELOAD=libresolv_wrapper.so:libnss_wrapper.so NSS_WRAPPER_HOSTS=$V_DIR/hosts \
	run --timeout 2 --verify HTTP/vfyexch01.spn.test VFYEXCH01
v_secs=$(awk -v a="$v_t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", b - a }')
rc 1
out_has "FAIL ticket  no ticket for HTTP/vfyexch01.spn.test: the KDC did not answer within 2 seconds (--timeout)"
out_has "warn dns     no answer from DNS for vfyexch01.spn.test within 2 seconds (--timeout)"
out_has "ok   alias   CN=VFYEXCH01,$C holds HOST/vfyexch01.spn.test"
((v_secs < 15)) || _fail "took $v_secs s with --timeout 2"
((_skip)) || printf '  note: KDC and DNS silent: --verify done in %s s with --timeout 2\n' "$v_secs"
# --max-time cuts them too: what is left of 3 s, not --timeout's 30.
v_t0=$EPOCHREALTIME
KRB5_CONFIG=$V_DIR/hole.krb5.conf RESOLV_WRAPPER_CONF=$V_DIR/hole.resolv \
	LD_PRELOAD=libresolv_wrapper.so:libnss_wrapper.so NSS_WRAPPER_HOSTS=$V_DIR/hosts \
	run --timeout 30 --max-time 3 --verify HTTP/vfyexch01.spn.test VFYEXCH01
v_secs=$(awk -v a="$v_t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", b - a }')
kill "$v_hole_pid" 2>/dev/null
wait "$v_hole_pid" 2>/dev/null
out_has "FAIL ticket  no ticket for HTTP/vfyexch01.spn.test: the KDC did not answer within"
((v_secs < 15)) || _fail "took $v_secs s with --timeout 30 --max-time 3"

kill "$V_DNS_PID" 2>/dev/null
wait "$V_DNS_PID" 2>/dev/null
