# When the DC says no (issue #21): a computer writing its own SPNs with
# its keytab, a helpdesk user delegated the validated write and then the
# write on one OU, an account outside that OU; Windows' texts (00002098,
# 000021C7) through the scripted server.  Sourced by tests/run.sh after
# lib.sh, with the test DC's env loaded.

rf_dir=$(mktemp -d /tmp/setspn-refusal.XXXXXX)
rf_smb="$TESTDC_DIR/etc/smb.conf"
rf_b=$TESTDC_BASE
rf_tool() { samba-tool "$@" -s "$rf_smb" >>"$rf_dir/tool.log" 2>&1; }

# (gone first, so that the file runs again on the same DC)
rf_tool computer delete RFWS01
rf_tool computer delete RFWS02
rf_tool user delete rfhelp
rf_tool ou delete "OU=RefSrv,$rf_b" --force-subtree-delete
# RFWS01 (with its keytab) and RFWS02 in CN=Computers; RFWEB01 in
# OU=RefSrv; rfhelp, a user with no rights of its own.
rf_tool computer create RFWS01
rf_tool user setpassword 'RFWS01$' --newpassword='Rf-ws01-Pass-1!'
rf_tool user enable 'RFWS01$'
rf_tool domain exportkeytab "$rf_dir/ws01.keytab" --principal='RFWS01$@SPN.TEST'
rf_tool computer create RFWS02
rf_tool ou create "OU=RefSrv,$rf_b"
rf_tool computer create RFWEB01 --computerou=OU=RefSrv
rf_tool user create rfhelp 'Rf-help-Pass-1!'
printf 'Rf-help-Pass-1!\n' >"$rf_dir/help.pw"
chmod 600 "$rf_dir/help.pw"
for rf_x in "CN=RFWS01,CN=Computers rfws01" "CN=RFWS02,CN=Computers rfws02" \
	"CN=RFWEB01,OU=RefSrv rfweb01"; do
	read -r rf_dn rf_h <<<"$rf_x"
	printf 'dn: %s,%s\nchangetype: modify\nreplace: dNSHostName\ndNSHostName: %s.spn.test\n\n' \
		"$rf_dn" "$rf_b" "$rf_h"
done | ldapmodify -Q -Y GSSAPI -H "$TESTDC_URI" >>"$rf_dir/tool.log" 2>&1
# rfhelp's SID, for the delegations below
rf_sid=$(ldapsearch -LLL -Q -Y GSSAPI -H "$TESTDC_URI" -b "$rf_b" '(sAMAccountName=rfhelp)' objectSid |
	sed -n 's/^objectSid:: //p' | base64 -d | python3 -c '
import sys
b = sys.stdin.buffer.read()
print("S-1-%d" % int.from_bytes(b[2:8], "big")
      + "".join("-%d" % int.from_bytes(b[8 + 4 * i:12 + 4 * i], "little") for i in range(b[1])))')
rf_ws() { run -H "$TESTDC_URI" --keytab "$rf_dir/ws01.keytab" --principal 'RFWS01$@SPN.TEST' "$@"; }
rf_help() { run -H "$TESTDC_URI" --principal rfhelp@SPN.TEST --password-file "$rf_dir/help.pw" "$@"; }
RF_SPNGUID=f3a64788-5306-11d1-a9c5-0000f80367c1
RF_COMPUTER=bf967a86-0de6-11d0-a285-00aa003049e2

t "refusal: a computer's own keytab adds an SPN on its own name"
rf_ws -S HTTP/rfws01.spn.test RFWS01
rc 0
out_has "Updated object"

t "refusal: its own keytab, another host: validated write only, the hosts it allows listed (exit 1)"
rf_ws -S HTTP/rfweb.spn.test RFWS01
rc 1
err_has "setspn: cannot add HTTP/rfweb.spn.test to CN=RFWS01,CN=Computers,DC=spn,DC=test: RFWS01\$@SPN.TEST may write servicePrincipalName there only by \"Validated write to service principal name\", which allows only SPNs whose host is one of the account's own names (MS-ADTS 3.1.1.5.3.1.1.4): rfws01.spn.test (dNSHostName), RFWS01 (sAMAccountName); rfweb.spn.test is not among them"
err_has "setspn: to add it, have an administrator add it, or grant RFWS01\$@SPN.TEST \"Write servicePrincipalName\" on the account:"
err_has "setspn:   dsacls CN=RFWS01,CN=Computers,DC=spn,DC=test /G 'RFWS01\$@SPN.TEST:WP;servicePrincipalName'"
err_has "setspn:   on this Samba DC: samba-tool dsacl set --objectdn=CN=RFWS01,CN=Computers,DC=spn,DC=test --sddl='(OA;;WP;$RF_SPNGUID;;S-1-5-21-"
[[ $err != *"spn validation failed"* ]] || _fail "the DC's raw text without -v" "$err"

t "refusal: -v adds the DC's own text"
rf_ws -v -S HTTP/rfweb.spn.test RFWS01
rc 1
err_has "setspn: the DC said: adding HTTP/rfweb.spn.test to CN=RFWS01,CN=Computers,DC=spn,DC=test: Constraint violation (19): acl: spn validation failed"

t "refusal: its own keytab, another account: no right to write servicePrincipalName (exit 3)"
rf_ws -S HTTP/rfws02.spn.test RFWS02
rc 3
err_has "setspn: cannot add HTTP/rfws02.spn.test to CN=RFWS02,CN=Computers,DC=spn,DC=test: RFWS01\$@SPN.TEST has no right to write servicePrincipalName on that account (the DC does not list it among the attributes RFWS01\$@SPN.TEST may write there)"
err_has "\"Write servicePrincipalName\", for any SPN: dsacls CN=RFWS02,CN=Computers,DC=spn,DC=test /G 'RFWS01\$@SPN.TEST:WP;servicePrincipalName'"
err_has "\"Validated write to service principal name\", only for SPNs on the account's own names (rfws02.spn.test (dNSHostName), RFWS02 (sAMAccountName); rfws02.spn.test is among them): dsacls"
err_has "(SW instead of WP: the validated write)"

t "refusal: --json carries the case as the error, exit 3"
rf_ws --json -S HTTP/rfws02.spn.test RFWS02
rc 3
same "value" "$(jq -r '.operations[0].value' <<<"$out" 2>&1)" HTTP/rfws02.spn.test
same "error" "$(jq -r '.operations[0].error' <<<"$out" 2>&1)" \
	"cannot add HTTP/rfws02.spn.test to CN=RFWS02,CN=Computers,DC=spn,DC=test: RFWS01\$@SPN.TEST has no right to write servicePrincipalName on that account (the DC does not list it among the attributes RFWS01\$@SPN.TEST may write there)"

# rfhelp: "Validated write to service principal name" on OU=RefSrv's computers
rf_tool dsacl set --objectdn="OU=RefSrv,$rf_b" \
	--sddl="(OA;CIIO;SW;$RF_SPNGUID;$RF_COMPUTER;$rf_sid)"

t "refusal: validated write on an OU: the account's own host is allowed"
rf_help -S HTTP/rfweb01.spn.test RFWEB01
rc 0

t "refusal: validated write on an OU: another host is refused, the hosts listed, rfhelp's SID in the remedy"
rf_help -S HTTP/rfother.spn.test RFWEB01
rc 1
err_has "rfhelp@SPN.TEST may write servicePrincipalName there only by \"Validated write to service principal name\""
err_has "rfweb01.spn.test (dNSHostName), RFWEB01 (sAMAccountName); rfother.spn.test is not among them"
err_has "--sddl='(OA;;WP;$RF_SPNGUID;;$rf_sid)'"

t "refusal: validated write on an OU: an account outside it is no right (exit 3)"
rf_help -S HTTP/rfws02.spn.test RFWS02
rc 3
err_has "rfhelp@SPN.TEST has no right to write servicePrincipalName on that account"

# and then "Write servicePrincipalName" on the same OU
rf_tool dsacl set --objectdn="OU=RefSrv,$rf_b" \
	--sddl="(OA;CIIO;WP;$RF_SPNGUID;$RF_COMPUTER;$rf_sid)"

t "refusal: write servicePrincipalName on the OU: any host works"
rf_help -S HTTP/rfother.spn.test RFWEB01
rc 0
out_has "Updated object"

# ---------------------------------------- Windows' texts (scripted server)
# One address for the DC and its Global Catalog (3269, derived from the
# ldaps URI): the first of 127.0.0.150-199 with both free.
rf_ip=
for rf_n in $(seq 150 199); do
	if ! ss -Hltn "src 127.0.0.$rf_n" 2>/dev/null | grep -q .; then
		rf_ip=127.0.0.$rf_n
		break
	fi
done
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$rf_dir/key.pem" -out "$rf_dir/cert.pem" \
	-days 2 -subj /CN=fakeldap -addext "subjectAltName=IP:${rf_ip:-127.0.0.1}" >/dev/null 2>&1
printf 'secret\n' >"$rf_dir/pw"
chmod 600 "$rf_dir/pw"
RF_FC="CN=Computers,DC=spn,DC=test"
RF_SID_B64=AQUAAAAAAAUVAAAAf9pisofTTkFIC9R+UgQAAA== # S-1-5-21-2992822911-1095684999-2127825736-1106
cat >"$rf_dir/dc.json" <<JSON
{
  "whoami": "u:SPN\\\\helpdesk",
  "entries": [
    {"dn": "CN=WEB02,$RF_FC", "attrs": {"objectClass": ["computer"],
      "sAMAccountName": ["WEB02\$"], "dNSHostName": ["web02.spn.test"],
      "allowedAttributesEffective": ["description", "displayName"],
      "servicePrincipalName": ["HOST/web02"]}},
    {"dn": "CN=helpdesk,CN=Users,DC=spn,DC=test", "attrs": {"objectClass": ["user"],
      "sAMAccountName": ["helpdesk"], "objectSid": [{"b64": "$RF_SID_B64"}]}}
  ],
  "overrides": [
    {"op": "modify", "value": "HTTP/app.spn.test", "result": 50,
     "diagnostic": "00002098: SecErr: DSID-03150F94, problem 4003 (INSUFF_ACCESS_RIGHTS), data 0\n"},
    {"op": "modify", "value": "HTTP/dup.spn.test", "result": 19,
     "diagnostic": "000021C7: AtrErr: DSID-03200BBA, #1:\n\t0: 000021C7: DSID-03200BBA, problem 1005 (CONSTRAINT_ATT_TYPE), data 0, Att 90303 (servicePrincipalName)\n"}
  ]
}
JSON
cat >"$rf_dir/gc.json" <<JSON
{
  "base": "DC=spn,DC=test",
  "entries": [
    {"dn": "CN=WEB02,$RF_FC", "attrs": {"servicePrincipalName": ["HOST/web02"]}},
    {"dn": "CN=APP9,CN=Computers,DC=child,DC=spn,DC=test",
     "attrs": {"servicePrincipalName": ["HTTP/dup.spn.test"]}}
  ]
}
JSON
rf_pids=()
if [[ -n $rf_ip ]]; then
	python3 tests/fakeldap/fakeldap.py --scenario "$rf_dir/dc.json" --address "$rf_ip" \
		--tls "$rf_dir/cert.pem" "$rf_dir/key.pem" --port 0 --port-file "$rf_dir/port" \
		--log "$rf_dir/dc.log" --max-seconds 120 2>>"$rf_dir/fake.err" &
	rf_pids+=($!)
	python3 tests/fakeldap/fakeldap.py --scenario "$rf_dir/gc.json" --address "$rf_ip" \
		--tls "$rf_dir/cert.pem" "$rf_dir/key.pem" --port 3269 --port-file "$rf_dir/gcport" \
		--log "$rf_dir/gc.log" --max-seconds 120 2>>"$rf_dir/fake.err" &
	rf_pids+=($!)
	for _ in $(seq 100); do [[ -s $rf_dir/port && -s $rf_dir/gcport ]] && break; sleep 0.05; done
fi
rf_fake() {
	LDAPCONF=/dev/null LDAPRC=none run -H "ldaps://$rf_ip:$(cat "$rf_dir/port" 2>/dev/null)" \
		--cacert "$rf_dir/cert.pem" --simple --bind-dn "CN=admin,DC=spn,DC=test" \
		--password-file "$rf_dir/pw" "$@"
}

t "refusal: Windows' 00002098 (insufficient access): no right, the caller as Who am I? names it"
rf_fake -S HTTP/app.spn.test WEB02
rc 3
err_has "setspn: cannot add HTTP/app.spn.test to CN=WEB02,$RF_FC: SPN\\helpdesk has no right to write servicePrincipalName on that account (the DC does not list it among the attributes SPN\\helpdesk may write there)"
err_has "dsacls CN=WEB02,$RF_FC /G 'SPN\\helpdesk:WP;servicePrincipalName'"
err_has "(web02.spn.test (dNSHostName), WEB02 (sAMAccountName); app.spn.test is not among them)"
[[ $err != *samba-tool* ]] || _fail "a samba-tool remedy for a DC that is not Samba" "$err"
[[ $err != *00002098* ]] || _fail "the DC's raw text without -v" "$err"

t "refusal: Windows' 00002098 with -v: the DC's text too"
rf_fake -v -S HTTP/app.spn.test WEB02
rc 3
err_has "setspn: the DC said: adding HTTP/app.spn.test to CN=WEB02,$RF_FC: Insufficient access (50): 00002098: SecErr"

t "refusal: Windows' 000021C7 (duplicate in the forest): the holder found in the Global Catalog (exit 1)"
rf_fake -S HTTP/dup.spn.test WEB02
rc 1
out_has "CN=APP9,CN=Computers,DC=child,DC=spn,DC=test
	HTTP/dup.spn.test"
out_has "Duplicate SPN found, aborting operation!"
err_has "setspn: cannot add HTTP/dup.spn.test to CN=WEB02,$RF_FC: CN=APP9,CN=Computers,DC=child,DC=spn,DC=test holds it already
setspn: found in the Global Catalog: the DC checks the whole forest, as setspn -F -S does before it writes"
same "the GC was searched from the root" "$(jq -r 'select(.op=="search") | .base' "$rf_dir/gc.log" 2>/dev/null | head -1)" ""

for rf_p in "${rf_pids[@]}"; do
	kill "$rf_p" 2>/dev/null
	wait "$rf_p" 2>/dev/null
done
rm -rf "$rf_dir"
