# An admin's first hour (issue #21): each mistake a new admin makes, with
# the message that says what to do and its exit status.  Sourced by
# tests/run.sh after lib.sh, with the test DC's env loaded.

fh_dir=$(mktemp -d /tmp/setspn-firsthour.XXXXXX)
FH_C="CN=Computers,DC=spn,DC=test"
fh_mk() { # NAME SPN...: a computer NAME$ with dNSHostName name.spn.test
	local name=$1 s
	shift
	{
		printf 'dn: CN=%s,%s\nobjectClass: computer\nsAMAccountName: %s$\n' "$name" "$FH_C" "$name"
		printf 'dNSHostName: %s.spn.test\nuserAccountControl: 4096\n' "${name,,}"
		for s in "$@"; do printf 'servicePrincipalName: %s\n' "$s"; done
	} | ldapadd -Q -Y GSSAPI -H "$TESTDC_URI" >/dev/null 2>&1
}
fh_mk FHA HTTP/fha.spn.test
fh_mk FHB
fh_mk FHC
fh_mk FHD HOST/fhc.spn.test

t "first hour: a DC name that does not resolve says so (exit 4)"
run -H ldap://nosuchdc.spn.test -L FHA
rc 4
err_has "cannot resolve nosuchdc.spn.test"

t "first hour: ldaps:// to a DC that refuses GSSAPI inside TLS names the DC's setting and plain ldap:// (exit 3)"
run -H "ldaps://${TESTDC_URI#ldap://}" -L FHA
rc 3
err_has "Sign or Seal are"
err_has "'ldap server require strong auth = allow_sasl_over_tls' in its smb.conf"
err_has "or use plain ldap:// without -Z, which GSSAPI signs and seals"

t "first hour: -Z to a DC that refuses GSSAPI inside TLS: the same (exit 3)"
run -H "$TESTDC_URI" -Z -L FHA
rc 3
err_has "allow_sasl_over_tls"

t "first hour: -S of an alias: HTTP/x is an alias of HOST/x, named with the value (exit 1)"
run -S HOST/fha.spn.test FHB
rc 1
out_has "Duplicate SPN found, aborting operation!"
err_has "setspn: cannot add HOST/fha.spn.test to CN=FHB,$FH_C: CN=FHA,$FH_C holds HTTP/fha.spn.test, an alias of HOST/fha.spn.test (sPNMappings: HOST stands for HTTP)"
run --json -S HOST/fha.spn.test FHB
rc 1
same "JSON value" "$(jq -r '.operations[0].value' <<<"$out")" HOST/fha.spn.test
same "JSON status" "$(jq -r '.operations[0].status' <<<"$out")" conflict

t "first hour: -S of a held value names the holder (exit 1)"
run -S http/FHA.spn.test FHB
rc 1
err_has "setspn: cannot add http/FHA.spn.test to CN=FHB,$FH_C: CN=FHA,$FH_C holds it already"

t "first hour: -R names the value it was adding (exit 1), in JSON too"
run -R FHC
rc 1
err_has "setspn: cannot add HOST/fhc.spn.test to CN=FHC,$FH_C: CN=FHD,$FH_C holds it already"
run --json -R FHC
rc 1
same "JSON value" "$(jq -r '.operations[0].value' <<<"$out")" HOST/fhc.spn.test

t "first hour: a batch's summary names the failed lines, text and JSON"
printf -- '-L FHA\n-S HOST/fha.spn.test FHB\n-L FHA\n-L NOSUCHFH\n' >"$fh_dir/batch"
run --batch "$fh_dir/batch"
rc 1
out_has "Batch: 4 commands, 2 done, 2 failed, 0 not run
Failed: lines 2, 4"
run --json --batch "$fh_dir/batch"
rc 1
same "failed_lines" "$(jq -c '.batch.failed_lines' <<<"$out")" "[2,4]"

t "first hour: -L of a DNS name hints at the account's name (exit 1)"
run -L FHA.spn.test
rc 1
out "Could not find account FHA.spn.test"
err "setspn: an account is named by its sAMAccountName, not its DNS name: try FHA (the computer FHA\$), or the account's DN"

t "first hour: a DC that does not answer a search: Timed out names --timeout (exit 4)"
if ((!_skip)); then
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$fh_dir/key.pem" -out "$fh_dir/cert.pem" \
		-days 2 -subj /CN=fakeldap -addext "subjectAltName=IP:127.0.0.1" >/dev/null 2>&1
	printf 'secret\n' >"$fh_dir/pw"
	chmod 600 "$fh_dir/pw"
	cat >"$fh_dir/s.json" <<'JSON'
{"entries": [{"dn": "CN=WEB01,CN=Computers,DC=spn,DC=test",
  "attrs": {"objectClass": ["computer"], "sAMAccountName": ["WEB01$"]}}],
 "overrides": [{"op": "search", "filter_contains": "WEB01", "delay": 4}]}
JSON
	python3 tests/fakeldap/fakeldap.py --scenario "$fh_dir/s.json" --tls "$fh_dir/cert.pem" "$fh_dir/key.pem" \
		--port 0 --port-file "$fh_dir/port" --max-seconds 30 2>/dev/null &
	fh_pid=$!
	for _ in $(seq 100); do [[ -s $fh_dir/port ]] && break; sleep 0.05; done
	LDAPCONF=/dev/null LDAPRC=none run -H "ldaps://127.0.0.1:$(cat "$fh_dir/port")" --cacert "$fh_dir/cert.pem" \
		--simple --bind-dn "CN=admin,DC=spn,DC=test" --password-file "$fh_dir/pw" --timeout 1 -L WEB01
	kill "$fh_pid" 2>/dev/null
	wait "$fh_pid" 2>/dev/null
	rc 4
	err_has "--timeout"
fi
rm -rf "$fh_dir"
