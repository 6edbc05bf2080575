#!/bin/bash
# Self-test of tests/fakeldap/fakeldap.py: starts it with a few scenarios
# and asks it with OpenLDAP's ldapsearch/ldapmodify (simple binds, loopback
# only).  Ends with "N passed, N failed"; exits non-zero on any failure.
#
#   bash tests/fakeldap/selftest.sh
#
# Needs python3, ldap-utils and openssl (tests/deps.sh dc installs them).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FAKE=$here/fakeldap.py

if ! command -v ldapsearch >/dev/null; then
	if ((EUID == 0)); then
		apt-get install -y -q ldap-utils >/dev/null || exit 2
	else
		echo "selftest: needs ldapsearch (apt-get install ldap-utils)" >&2
		exit 2
	fi
fi

T=$(mktemp -d /tmp/fakeldap-selftest.XXXXXX) || exit 1
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT

# Only what we say: no ~/.ldaprc, no system ldap.conf.
printf 'TLS_CACERT %s/cert.pem\n' "$T" >"$T/ldap.conf"
export LDAPCONF=$T/ldap.conf LDAPRC=$T/no-ldaprc
BASE=DC=spn,DC=test

PASS=0 FAIL=0
check() { # check NAME CMD...: CMD must succeed
	local name=$1
	shift
	if "$@"; then
		PASS=$((PASS + 1))
		printf 'ok: %s\n' "$name"
	else
		FAIL=$((FAIL + 1))
		printf 'FAIL: %s\n' "$name"
		[[ -z ${out-} ]] || printf '  output: %s\n' "${out:0:600}"
		[[ -z ${err-} ]] || printf '  stderr: %s\n' "${err:0:600}"
	fi
}
eq() { [[ $1 == "$2" ]] || { printf '  expected [%s], got [%s]\n' "$2" "$1"; return 1; }; }
has() { [[ $1 == *"$2"* ]] || { printf '  [%s] not in output\n' "$2"; return 1; }; }

# start NAME SCENARIO-JSON [fakeldap options]: sets PORT, SPID, LOG
start() {
	local name=$1 i
	printf '%s\n' "$2" >"$T/$name.json"
	shift 2
	rm -f "$T/$name.port"
	LOG=$T/$name.log
	python3 "$FAKE" --scenario "$T/$name.json" --port-file "$T/$name.port" \
		--log "$LOG" --max-seconds 120 "$@" &
	SPID=$!
	PIDS+=("$SPID")
	for ((i = 0; i < 100; i++)); do
		[[ -s $T/$name.port ]] && break
		sleep 0.05
	done
	PORT=$(cat "$T/$name.port" 2>/dev/null)
	URI=ldap://127.0.0.1:$PORT
}

# q ARGS...: ldapsearch -x -LLL; sets rc, out, err
q() {
	rc=0
	out=$(ldapsearch -x -LLL -o ldif-wrap=no "$@" 2>"$T/err") || rc=$?
	err=$(cat "$T/err")
}
# m LDIF ARGS...: ldapmodify -x; sets rc, out, err
m() {
	local ldif=$1
	shift
	rc=0
	out=$(printf '%s' "$ldif" | ldapmodify -x "$@" 2>"$T/err") || rc=$?
	err=$(cat "$T/err")
}
count() { grep -c "$1" <<<"$out"; }
logcount() { grep -c "$1" "$LOG"; }

# ------------------------------------------------------ directory, paging
# CN=Big holds 2,000 SPNs, written by python (no jq needed)
start dir "$(python3 -c '
import json
print(json.dumps({"max_val_range": 1500, "entries": [
 {"dn": "CN=WEB01,CN=Computers,DC=spn,DC=test", "attrs": {"objectClass": ["top", "computer"],
  "sAMAccountName": ["WEB01$"], "servicePrincipalName": ["HOST/web01", "HOST/web01.spn.test"],
  "blob": [{"b64": "AAEC/w=="}]}},
 {"generate": {"count": 1000, "dn": "CN=H{i},CN=Computers,DC=spn,DC=test",
  "attrs": {"objectClass": ["top", "computer"], "sAMAccountName": ["H{i}$"],
   "servicePrincipalName": ["HOST/h{i}", "HOST/h{i}.spn.test", "WSMAN/h{i}.spn.test"]}}},
 {"dn": "CN=Big,CN=Users,DC=spn,DC=test", "attrs": {"objectClass": ["user"],
  "sAMAccountName": ["big"],
  "servicePrincipalName": ["HTTP/big%d.spn.test" % i for i in range(2000)]}}]}))
')"

q -H "$URI" -s base -b "" defaultNamingContext configurationNamingContext supportedControl dnsHostName
check "rootDSE names the naming contexts" has "$out" "defaultNamingContext: $BASE"
check "rootDSE offers paged results" has "$out" "supportedControl: 1.2.840.113556.1.4.319"
check "rootDSE dnsHostName" has "$out" "dnsHostName: dc1.spn.test"

: >"$LOG"
q -H "$URI" -b "CN=Computers,$BASE" -E pr=100/noprompt '(sAMAccountName=H*)' sAMAccountName
check "paged search of 1,000 generated entries gives them all" eq "$rc $(count '^dn:') $(sort -u <<<"$out" | grep -c '^sAMAccountName: H[0-9]*\$$')" "0 1000 1000"
check "... in 10 pages of 100" eq "$(logcount '"page_size": 100,')" 10

q -H "$URI" -b "$BASE" '(sAMAccountName=big)' servicePrincipalName
check "2,000 values, MaxValRange 1500: range=0-1499 unasked" eq "$(count '^servicePrincipalName;range=0-1499: ') $(count '^servicePrincipalName:')" "1500 0"
q -H "$URI" -b "$BASE" '(sAMAccountName=big)' 'servicePrincipalName;range=1500-*'
check "range=1500-* gives the other 500" eq "$(count '^servicePrincipalName;range=1500-\*: ')" 500
check "... ending with the last value" has "$out" "servicePrincipalName;range=1500-*: HTTP/big1999.spn.test"
q -H "$URI" -b "$BASE" '(sAMAccountName=big)' 'servicePrincipalName;range=10-19'
check "range=10-19 gives 10 values" eq "$(count '^servicePrincipalName;range=10-19: ')" 10
q -H "$URI" -b "$BASE" '(sAMAccountName=web01$)' servicePrincipalName
check "few values: no range" eq "$(count '^servicePrincipalName: ')" 2

q -H "$URI" -b "$BASE" '(|(sAMAccountName=h5$)(&(objectClass=COMPUTER)(servicePrincipalName=wsman/h99*)(!(sAMAccountName=H990$))))' 1.1
check "filters: or, and, not, substring, case-insensitive equality" eq "$(count '^dn:')" 11
q -H "$URI" -b "$BASE" '(servicePrincipalName=*.spn.test)' 1.1
check "filters: final substring over generated and static entries" eq "$(count '^dn:')" 1002
q -H "$URI" -b "CN=H7,CN=Computers,$BASE" -s base '(objectClass=*)' sAMAccountName
check "base search of a generated entry" has "$out" 'sAMAccountName: H7$'
q -H "$URI" -b "CN=Nobody,$BASE" -s base '(objectClass=*)'
check "base search of a missing entry: noSuchObject" eq "$rc" 32
q -H "$URI" -b "$BASE" '(sAMAccountName=WEB01$)' blob
check "binary values from base64" has "$out" "blob:: AAEC/w=="

MOD='dn: CN=H3,CN=Computers,DC=spn,DC=test
changetype: modify
add: servicePrincipalName
servicePrincipalName: HTTP/new.spn.test
'
m "$MOD" -H "$URI"
q -H "$URI" -b "$BASE" '(servicePrincipalName=http/NEW.spn.test)' sAMAccountName
check "modify adds a value to a generated entry" eq "$rc $(tr '\n' ' ' <<<"$out")" '0 dn: CN=H3,CN=Computers,DC=spn,DC=test sAMAccountName: H3$ '
m "$MOD" -H "$URI"
check "adding it again: attributeOrValueExists" eq "$rc" 20
m "${MOD/add:/delete:}" -H "$URI"
m "${MOD/add:/delete:}" -H "$URI"
check "deleting a missing value: noSuchAttribute" eq "$rc" 16
check "every log line is JSON" python3 -c 'import json, sys; [json.loads(l) for l in open(sys.argv[1])]' "$LOG"
check "the log names filter, attributes and modifications" \
	grep -q '"op": "modify", "dn": "CN=H3,CN=Computers,DC=spn,DC=test", "mods": \[{"op": "delete", "type": "servicePrincipalName", "values": \["HTTP/new.spn.test"\]}\]' "$LOG"

# ------------------------------------------------------ Windows behaviour
start win '{"references": ["ldap://ForestDnsZones.spn.test/DC=ForestDnsZones,DC=spn,DC=test",
  {"uris": ["ldap://spn.test/CN=Configuration,DC=spn,DC=test"], "filter_contains": "servicePrincipalName"}],
 "write_referral": {"uri": "ldap://rwdc1.spn.test/CN=WEB01,CN=Computers,DC=spn,DC=test"},
 "overrides": [{"op": "modify", "value": "HTTP/dup", "result": 19,
   "diagnostic": "00002082: AtrErr: DSID-03151904\n\u001b[31mred\u001b[0m"},
  {"op": "search", "filter_contains": "(sAMAccountName=WEB01$)", "also": ["CN=ROGUE,CN=Computers,DC=spn,DC=test"]}],
 "entries": [{"dn": "CN=WEB01,CN=Computers,DC=spn,DC=test", "attrs": {"objectClass": ["computer"],
   "sAMAccountName": ["WEB01$"], "servicePrincipalName": ["HOST/web01"]}},
  {"dn": "CN=ROGUE,CN=Computers,DC=spn,DC=test", "attrs": {"sAMAccountName": ["ROGUE$"]}}]}'
q -H "$URI" -b "$BASE" '(sAMAccountName=WEB01$)' 1.1
check "also: an entry the filter does not match comes with the match" eq "$(grep '^dn:' <<<"$out" | tr '\n' ' ')" \
	'dn: CN=WEB01,CN=Computers,DC=spn,DC=test dn: CN=ROGUE,CN=Computers,DC=spn,DC=test '
q -H "$URI" -b "$BASE" '(servicePrincipalName=*)' 1.1
check "continuation references in ldapsearch output" eq "$(grep -c '^# refldap://' <<<"$out")" 2
q -H "$URI" -b "$BASE" '(sAMAccountName=*)' 1.1
check "a reference only for the filters it names" eq "$(grep -c '^# refldap://' <<<"$out")" 1
q -H "$URI" -b "$BASE" -s base '(objectClass=*)' 1.1
check "no references on a base search" eq "$(grep -c '^# ref' <<<"$out")" 0
: >"$LOG"
m 'dn: CN=WEB01,CN=Computers,DC=spn,DC=test
changetype: modify
add: servicePrincipalName
servicePrincipalName: HTTP/x
' -H "$URI"
check "write referral: result 10" eq "$rc" 10
check "... with the referral URI" has "$out$err" "ldap://rwdc1.spn.test/CN=WEB01"
check "... not followed: one connection, one modify" eq "$(logcount '"op": "connect"') $(logcount '"op": "modify"')" "1 1"
m 'dn: CN=WEB01,CN=Computers,DC=spn,DC=test
changetype: modify
add: servicePrincipalName
servicePrincipalName: HTTP/dup
' -H "$URI"
check "override: modify of one SPN gives constraintViolation" eq "$rc" 19
check "... with a diagnostic holding a newline and ESC" has "$err" $'DSID-03151904\n\e[31mred'

start endless '{"endless_cookie": true, "entries": [{"generate": {"count": 50,
 "dn": "CN=H{i},DC=spn,DC=test", "attrs": {"servicePrincipalName": ["HOST/h{i}"]}}}]}'
rc=0
timeout 3 ldapsearch -x -LLL -H "$URI" -b "$BASE" -E pr=10/noprompt '(servicePrincipalName=*)' 1.1 >/dev/null 2>&1 || rc=$?
check "endless cookie: ldapsearch pages until killed" eq "$rc" 124
check "... the same non-empty cookie each time" eq "$(($(logcount '"returned_cookie": "656e646c657373"') > 10))" 1

for mid in false true; do
	start "reset$mid" '{"reset_after": {"entries": 5, "mid_message": '$mid'}, "entries": [{"generate": {"count": 50,
	 "dn": "CN=H{i},DC=spn,DC=test", "attrs": {"servicePrincipalName": ["HOST/h{i}"]}}}]}'
	q -H "$URI" -b "$BASE" '(servicePrincipalName=*)' 1.1
	check "reset after 5 entries (mid-message: $mid): error" has "$err" "Can't contact LDAP server"
	check "... after the first 5" eq "$rc $(count '^dn:')" "255 5"
done

# ------------------------------------------------------------ binds
start sasl '{"bare_sasl_success": true}'
rc=0
out=$(ldapsearch -LLL -Y DIGEST-MD5 -U u -w p -H "$URI" -s base -b "" 1.1 2>&1) || rc=$?
check "bare SASL success: a DIGEST-MD5 client misses its challenge" has "$out" "no server challenge"
check "... the bind was answered 0" grep -q '"mech": "DIGEST-MD5", "credentials_len": null, "result": 0' "$LOG"
start nosasl '{}'
rc=0
out=$(ldapsearch -LLL -Y DIGEST-MD5 -U u -w p -H "$URI" -s base -b "" 1.1 2>&1) || rc=$?
check "no bare_sasl_success: SASL binds get authMethodNotSupported" has "$out" "(7)"

if command -v openssl >/dev/null; then
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" \
		-days 2 -subj /CN=fakeldap -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" 2>/dev/null
	start tls '{"simple_bind": {"dn": "CN=admin,DC=spn,DC=test", "password": "secret"}}' \
		--tls "$T/cert.pem" "$T/key.pem"
	q -H "ldaps://127.0.0.1:$PORT" -D CN=admin,$BASE -w secret -s base -b "" defaultNamingContext
	check "ldaps with a simple bind" eq "$rc $out" "0 dn:
defaultNamingContext: $BASE"
	q -H "ldaps://127.0.0.1:$PORT" -D CN=admin,$BASE -w wrong -s base -b "" 1.1
	check "... a wrong password: invalidCredentials" eq "$rc" 49
	start starttls '{}' --starttls "$T/cert.pem" "$T/key.pem"
	q -H "$URI" -ZZ -s base -b "" defaultNamingContext
	check "StartTLS" eq "$rc" 0
fi

# ---------------------------------------------------------- lifetime
start life '{}' --max-seconds 1
sleep 1.6
check "exits after --max-seconds" eval '! kill -0 "$SPID" 2>/dev/null'
start term '{}'
kill -TERM "$SPID"
sleep 0.5
check "exits on SIGTERM" eval '! kill -0 "$SPID" 2>/dev/null'

printf '%d passed, %d failed\n' "$PASS" "$FAIL"
((FAIL == 0))
