# Windows AD fidelity (issue #10): value ranges, -T with -F, '/' switches,
# the DC's own equality, implicit UPNs, referrals.  Sourced by
# tests/run.sh after the other suites (cli.sh's fixture and helpers
# loaded); what Samba never does is played by tests/fakeldap.

# ------------------------------------------------------- value ranges
mkcomputer RNG01 rng01.spn.test RNG/a RNG/b RNG/c RNG/d RNG/e
RG="CN=RNG01,$C"
rng_list="Registered ServicePrincipalNames for $RG:
$(spns "$RG" | sed 's/^/	/')"

t "ranges: --value-range 1 -L reads every range"
run --value-range 1 -L RNG01
rc 0
same "all five values, ranges merged" "$(sed 1d <<<"$out" | sed 's/^\t//' | LC_ALL=C sort)" "$(spns "$RG")"

t "ranges: --value-range 2 -Q lists every value of the holder"
run --value-range 2 -Q 'RNG/*'
rc 0
same "values listed" "$(grep -c '^	RNG/' <<<"$out")" 5

t "ranges: --value-range 2 -D of a value in the last range"
run --value-range 2 -n -D RNG/e RNG01
rc 0
out_has "changetype: modify"
run --value-range 2 -D RNG/e RNG01
rc 0
out "Unregistering ServicePrincipalNames for $RG
	RNG/e
Updated object"
same "RNG/e gone" "$(spns "$RG" | grep -c '^RNG/e$')" 0

t "ranges: --value-range 1 -X still sees duplicates across ranges"
run --value-range 1 -X
ranged_rc=$rc
err ""
run_ranged=$(grep -v 'registered on these accounts' <<<"$out")
run -X
same "-X with ranges as without" "$run_ranged" "$(grep -v 'registered on these accounts' <<<"$out")"
same "same exit" "$ranged_rc" "$rc"

t "ranges: a batch with --value-range: duplicate checks alone, conflicts found across ranges"
printf -- '%s\n' '-S RNG/a JS-none-1' '-S RNG/b RNG01' '-S RNG/new1 RNG01' >"$TESTDC_DIR/rng.batch"
printf -- '-S RNG/c %s\n' "$RG" >>"$TESTDC_DIR/rng.batch"
run -v --value-range 1 -n --batch "$TESTDC_DIR/rng.batch"
rc 1
err_has "Batch: 4 commands, 1 done, 3 failed, 0 not run"
err_has "Could not find account JS-none-1"
same "conflicts" "$(grep -c '^Duplicate SPN found, aborting operation!$' <<<"$err")" 2
same "the one write" "$(grep '^servicePrincipalName: ' <<<"$out")" "servicePrincipalName: RNG/new1"
# three lookups by name in a group, the DN alone; the checks, whose values
# come as ;range=, each alone (line 1's never used: it has no account)
err_has "batch: 6 search(es) sent ahead for 8 line search(es), 7 answered from them"

t "ranges: --value-range takes a whole number from 1"
run --value-range 0 -L RNG01
rc 2
err_has "--value-range takes a whole number"

# ---------------------------------------------------------- -T with -F
t "-T DOMAIN -F -Q: the forest through the Global Catalog"
run -T spn.test -F -Q HTTP/app.spn.test
rc 0
out "Operation will be performed forestwide, it might take a while.
Checking forest $B
$SV
	HTTP/app.spn.test
	HTTP/webhost.spn.test

Existing SPN found!"

t "-T twice with -F -X: one forest, searched once"
run -T spn.test -T SPN -F -X
out_has "Checking forest $B"
same "one header" "$(grep -c '^Checking forest' <<<"$out")" 1

t "-T '' -F -S: the current forest"
run -T '' -F -S HTTP/app.spn.test WEB01
rc 1
out_has "Checking forest $B"
out_has "Duplicate SPN found, aborting operation!"

t "-T of another forest with -F: exit 1 naming it"
run -T other.test -F -Q HTTP/app.spn.test
rc 1
err_line
err_has "no forest 'other.test'"

# ------------------------------------------------------- '/' switches
t "/L WEB01 = -L WEB01"
run -L WEB01
want=$out
run /L WEB01
rc 0
out "$want"

t "/q and /T /F: lower case and modifiers"
run /T spn.test /F /q HTTP/app.spn.test
rc 0
out_has "Checking forest $B"

t "/L alone: -L needs an account (exit 2)"
run /L
rc 2
err_has "-L needs an account"

t "/? is help"
run /?
rc 0
out_has "Usage"

t "/ switches in a batch line"
printf '/L WEB01\n' >"$TESTDC_DIR/slash.batch"
run --batch "$TESTDC_DIR/slash.batch"
rc 0
out_has "Registered ServicePrincipalNames for $W1"

t "a value after -- that looks like /L is an argument"
run -L -- /L
rc 1
out_has "Could not find account /L"

# ------------------------------------------------------ implicit UPN
t "implicit UPN: NAME\$@dns.domain finds a computer"
run -L 'WEB01$@spn.test'
rc 0
out_has "Registered ServicePrincipalNames for $W1"

t "implicit UPN: the domain in any case; a foreign suffix is not one"
run -L 'WEB01$@SPN.TEST'
rc 0
run -L 'WEB01$@other.test'
rc 1
out_has "Could not find account"

# ------------------------------------------------------- references
t "continuation references to accountless partitions: said only with -v"
run -Q HTTP/app.spn.test
err ""
run -v -Q HTTP/app.spn.test
err_has "not searched: 'ldap://"
err_has "CN=Configuration,$B"

# ----------------------------------------- equal as the DC says (Unicode)
mkcomputer UML1 uml1.spn.test
mkcomputer UML2 uml2.spn.test
cat >"$TESTDC_DIR/uml.ldif" <<LDIF
dn: CN=UML1,$C
changetype: modify
add: servicePrincipalName
servicePrincipalName: HTTP/ümlaut.spn.test

dn: CN=UML2,$C
changetype: modify
add: servicePrincipalName
servicePrincipalName: http/ÜMLAUT.spn.test
LDIF
plant_offline "$TESTDC_DIR/uml.ldif"

t "unicode: planting HTTP/ümlaut and http/ÜMLAUT offline"
same "ldbmodify" "$PLANTED" 1

t "unicode: -Q lists both holders (the DC's equality)"
run -Q 'HTTP/ümlaut.spn.test'
rc 0
out_has "CN=UML1,$C"
out_has "CN=UML2,$C"

t "unicode: -X reports them as one group, as -Q does"
run -X
rc 1
out_has "is registered on these accounts:
	CN=UML1,$C
	CN=UML2,$C"

t "unicode: a dry-run batch sees its earlier -D of another case"
printf '%s\n' '-D HTTP/ümlaut.spn.test UML1' '-D http/ÜMLAUT.spn.test UML1' >"$TESTDC_DIR/uml.batch"
run -n --batch "$TESTDC_DIR/uml.batch"
rc 1
err_has "not registered on that account"

# A batch reads its lines' duplicate checks ahead as one OR search, used
# only where plain ASCII makes the DC's equality plain: a non-ASCII value
# in the answer, or asked for, sends those lines to search alone.
t "unicode: a batch's grouped read-ahead meets a non-ASCII value: the lines search alone"
run -S HTTP/umlplain.spn.test UML1
rc 0
printf '%s\n' '-S HTTP/umlplain.spn.test UML2' '-S HTTP/umlfresh.spn.test UML2' \
	'-D HTTP/umlfresh.spn.test ÜML3' >"$TESTDC_DIR/umlgroup.batch"
run -v -n --batch "$TESTDC_DIR/umlgroup.batch"
rc 1
err_has "Batch: 3 commands, 1 done, 2 failed, 0 not run"
same "conflicts" "$(grep -c '^Duplicate SPN found, aborting operation!$' <<<"$err")" 1
same "the one write" "$(grep '^servicePrincipalName: ' <<<"$out")" "servicePrincipalName: HTTP/umlfresh.spn.test"
# two account lookups in a group, the non-ASCII name alone; two checks
# in a group that UML1's ümlaut spoils, so they search alone
err_has "batch: 3 search(es) sent ahead for 5 line search(es), 3 answered from them"
run -D HTTP/umlplain.spn.test UML1
rc 0

# --------------------------------------- the scripted server (fakeldap)
FK=$(mktemp -d /tmp/setspn-fake.XXXXXX)
fake_ok=0
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$FK/key.pem" -out "$FK/cert.pem" \
	-days 2 -subj /CN=fakeldap -addext "subjectAltName=IP:127.0.0.1" >/dev/null 2>&1 &&
	echo secret >"$FK/pw" && chmod 600 "$FK/pw" && fake_ok=1
FB=DC=spn,DC=test
FC="CN=Computers,$FB"
cat >"$FK/s.json" <<JSON
{
  "max_val_range": 2,
  "entries": [
    {"dn": "CN=WEB01,$FC", "attrs": {"objectClass": ["computer"],
      "sAMAccountName": ["WEB01\$"], "dNSHostName": ["web01.spn.test"],
      "servicePrincipalName": ["HTTP/a", "HTTP/b", "HTTP/c", "HTTP/d", "HTTP/e"]}},
    {"dn": "CN=WEB02,$FC", "attrs": {"objectClass": ["computer"],
      "sAMAccountName": ["WEB02\$"],
      "servicePrincipalName": ["X/1", "X/2", "http/E"]}}
  ],
  "references": [
    {"uris": ["ldap://child.spn.test/DC=child,DC=spn,DC=test"], "filter_contains": "HTTP/"},
    {"uris": ["ldap://evil.spn.test/DC=x\u001b[31m"], "filter_contains": "EVIL/"},
    {"uris": ["ldap://other.spn.test/DC=other,DC=spn,DC=test"], "filter_contains": "ELSEWHERE"},
    {"uris": ["ldap://spn.test/CN=Configuration,$FB"]}
  ],
  "write_referral": "ldap://rwdc.spn.test/$FB"
}
JSON
fake_pid=
if ((fake_ok)); then
	python3 tests/fakeldap/fakeldap.py --scenario "$FK/s.json" --tls "$FK/cert.pem" "$FK/key.pem" \
		--port 0 --port-file "$FK/port" --log "$FK/log.jsonl" --max-seconds 300 >"$FK/out" 2>&1 &
	fake_pid=$!
	for _ in $(seq 100); do [[ -s $FK/port ]] && break; sleep 0.1; done
fi
fake() { # setspn against the scripted server
	LDAPCONF=/dev/null LDAPRC=none run -H "ldaps://127.0.0.1:$(cat "$FK/port" 2>/dev/null)" \
		--cacert "$FK/cert.pem" --simple --bind-dn "CN=admin,$FB" --password-file "$FK/pw" "$@"
}

t "fake: the scripted server is up"
same "port file" "$([[ -s $FK/port ]] && echo yes)" yes

t "fake: an unsolicited range (MaxValRange 2): -L lists all five values"
fake -L WEB01
rc 0
out "Registered ServicePrincipalNames for CN=WEB01,$FC:
	HTTP/a
	HTTP/b
	HTTP/c
	HTTP/d
	HTTP/e"
err ""
same "the rest asked for by range" "$(grep -c 'servicePrincipalName;range=2-\*' "$FK/log.jsonl")" 1

t "fake: -Q and -X see values past the first range; -X merges"
fake -Q 'HTTP/e'
rc 0
out_has "	HTTP/e"
fake -X
rc 1
out_has "HTTP/e is registered on these accounts:
	CN=WEB01,$FC
	CN=WEB02,$FC"

t "fake: -D of a value in the last range is found; a read-only DC's write referral is exit 4"
fake -D HTTP/e WEB01
rc 4
err_has "refers them to ldap://rwdc.spn.test/$FB"

t "fake: continuation references are named on stderr, quoted, not followed"
fake -Q 'HTTP/*'
rc 0
err_line
err_has "not searched: 'ldap://child.spn.test/DC=child,DC=spn,DC=test'"
err_has "-F searches the whole forest"
fake -Q 'EVIL/*'
rc 1
err_has '\x1b[31m'
same "no search went elsewhere" "$(grep -c child.spn.test "$FK/log.jsonl")" 0

t "fake: an account lookup answered only by a referral is exit 4 naming it"
fake -L ELSEWHERE
rc 4
err_line
err_has "refers the search to 'ldap://other.spn.test/DC=other,DC=spn,DC=test'"

[[ -z $fake_pid ]] || kill "$fake_pid" 2>/dev/null
wait "$fake_pid" 2>/dev/null
rm -rf "$FK"
