# Hostile data, interrupted runs, endless servers, who is on the other end,
# secrets (issue #11): mostly against the scripted server
# (tests/fakeldap), over ldaps with a simple bind.  Sourced by
# tests/run.sh after lib.sh, with the test DC's env loaded.

hs_dir=$(mktemp -d /tmp/setspn-hostile.XXXXXX)
hs_pid=
hs_port=
hs_cleanup() {
	[[ -z $hs_pid ]] || { kill "$hs_pid" 2>/dev/null; wait "$hs_pid" 2>/dev/null; }
	hs_pid=
}
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$hs_dir/key.pem" \
	-out "$hs_dir/cert.pem" -days 2 -subj /CN=fakeldap \
	-addext "subjectAltName=IP:127.0.0.1,DNS:localhost" >/dev/null 2>&1
printf 'secret\n' >"$hs_dir/pw"
chmod 600 "$hs_dir/pw"
HS_BASE='DC=spn,DC=test'
HS_WEB="CN=WEB01,CN=Computers,$HS_BASE"

# hs_fake SCENARIO-JSON [fakeldap options]: (re)starts the scripted server.
hs_fake() {
	hs_cleanup
	printf '%s\n' "$1" >"$hs_dir/scenario.json"
	shift
	rm -f "$hs_dir/port" "$hs_dir/log"
	python3 tests/fakeldap/fakeldap.py --scenario "$hs_dir/scenario.json" \
		--port 0 --port-file "$hs_dir/port" --log "$hs_dir/log" \
		--max-seconds 120 --tls "$hs_dir/cert.pem" "$hs_dir/key.pem" "$@" \
		2>>"$hs_dir/fake.err" &
	hs_pid=$!
	for _ in $(seq 100); do [[ -s $hs_dir/port ]] && break; sleep 0.05; done
	hs_port=$(cat "$hs_dir/port" 2>/dev/null)
}

# The options that point setspn at the scripted server.
hs_opts() {
	hs_args=(-H "ldaps://127.0.0.1:$hs_port" --cacert "$hs_dir/cert.pem"
		--simple --bind-dn "CN=admin,$HS_BASE" --password-file "$hs_dir/pw")
}
hs_run() {
	hs_opts
	LDAPCONF=/dev/null LDAPRC=none run "${hs_args[@]}" "$@"
}

# A computer WEB01 with the given servicePrincipalName values (JSON list).
hs_web01() {
	printf '{"entries": [{"dn": "%s", "attrs": {"sAMAccountName": ["WEB01$"], "objectClass": ["top", "computer"], "dNSHostName": ["web01.spn.test"], "servicePrincipalName": %s}}%s]%s}' \
		"$HS_WEB" "$1" "${2:+, $2}" "${3:+, $3}"
}

# No byte < 0x20 (but tab and newline) nor DEL in $1.
hs_clean() {
	! LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' <<<"$1"
}

t "hostile: -L quotes an escape sequence in a value"
hs_fake "$(hs_web01 '[{"b64": "'"$(printf 'HTTP/esc\e]0;PWNED\a\e[2Jx' | base64 -w0)"'"}, "HTTP/ok"]')"
hs_run -L WEB01
rc 0
hs_clean "$out" || _fail "a control byte reached stdout"
out_has $'\tHTTP/esc\\x1b]0;PWNED\\x07\\x1b[2Jx'
out_has $'\tHTTP/ok'

t "hostile: -Q cannot forge a holder line with a newline in a value"
hs_fake "$(hs_web01 '[{"b64": "'"$(printf 'HTTP/nl.spn.test\nCN=Forged,DC=spn,DC=test' | base64 -w0)"'"}]')"
hs_run -Q 'HTTP/nl*'
rc 0
n=$(grep -c '^CN=' <<<"$out")
same "CN= lines" "$n" 1
out_has 'HTTP/nl.spn.test\x0aCN=Forged,DC=spn,DC=test'

t "hostile: a newline in a DN makes no line in -X"
hs_fake "$(hs_web01 '["HTTP/dup"]' '{"dn": "CN=nl\nCN=Forged,CN=Computers,DC=spn,DC=test", "attrs": {"sAMAccountName": ["NL$"], "servicePrincipalName": ["HTTP/dup"]}}')"
hs_run -X
rc 1
n=$(grep -c '^CN=Forged' <<<"$out")
same "forged lines" "$n" 0
out_has 'CN=nl\x0aCN=Forged'

t "hostile: a server message cannot forge a line on stderr"
hs_fake "$(hs_web01 '["HTTP/a"]' '' '"overrides": [{"op": "modify", "result": 50, "diagnostic": "no\nsetspn: Updated object \u001b[31m"}]')"
# the DC's text is said with -v (after the refusal's own lines)
hs_run -v -S HTTP/new.spn.test WEB01
rc 3
n=$(grep -c '^setspn: Updated object' <<<"$err")
same "forged lines" "$n" 0
hs_clean "$err" || _fail "a control byte reached stderr"
err_has 'the DC said: adding HTTP/new.spn.test to CN=WEB01,CN=Computers,DC=spn,DC=test: Insufficient access (50): no\x0asetspn: Updated object \x1b[31m'

t "hostile: a value with a NUL keeps its length (text and JSON)"
hs_fake "$(hs_web01 '[{"b64": "'"$(printf 'HTTP/nul\0tail' | base64 -w0)"'"}]')"
hs_run -L WEB01
rc 0
out_has $'\tHTTP/nul\\x00tail'
hs_run --json -L WEB01
rc 0
v=$(jq -r '.operations[0].spns[0] | length' <<<"$out")
same "JSON value length" "$v" 13
v=$(jq -c '.operations[0].spns[0]' <<<"$out")
same "JSON value" "$v" '"HTTP/nul\u0000tail"'

t "hostile: invalid UTF-8 in JSON comes as its printed form and base64"
hs_fake "$(hs_web01 '[{"hex": "485454502f78ff79"}]')"
hs_run --json -L WEB01
rc 0
v=$(jq -c '.operations[0].spns[0]' <<<"$out")
same "JSON value" "$v" '{"escaped":"HTTP/x\\xffy","base64":"SFRUUC94/3k="}'
hs_run -L WEB01
out_has $'\tHTTP/x\\xffy'

t "hostile: -D removes a value typed as -L prints it"
hs_fake "$(hs_web01 '[{"b64": "'"$(printf 'HTTP/nul\0tail' | base64 -w0)"'"}, {"b64": "'"$(printf 'HTTP/esc\e[2J' | base64 -w0)"'"}, "HTTP/keep"]')"
hs_run -D 'HTTP/nul\x00tail' WEB01
rc 0
out_has 'Updated object'
hs_run -D 'HTTP/esc\x1b[2J' WEB01
rc 0
hs_run -L WEB01
out $'Registered ServicePrincipalNames for CN=WEB01,CN=Computers,DC=spn,DC=test:\n\tHTTP/keep'
hs_run -D 'HTTP/absent\x00' WEB01
rc 1
err_has 'not registered'

t "messages: an ambiguous account name counts and names the entries that came"
hs_fake '{"entries": [
 {"dn": "CN=V1,CN=Computers,DC=spn,DC=test", "attrs": {"sAMAccountName": ["VICTIM$"], "objectClass": ["computer"]}},
 {"dn": "CN=V2,CN=Computers,DC=spn,DC=test", "attrs": {"sAMAccountName": ["victim$"], "objectClass": ["computer"]}},
 {"dn": "CN=V3,CN=Users,DC=spn,DC=test", "attrs": {"sAMAccountName": ["victim$"], "objectClass": ["computer"]}}]}'
hs_run -L victim
rc 4
err_line
err_has "3 accounts match 'victim': "
for v in "'CN=V1,CN=Computers,DC=spn,DC=test'" "'CN=V2,CN=Computers,DC=spn,DC=test'" "'CN=V3,CN=Users,DC=spn,DC=test'"; do
	err_has "$v"
done
hs_fake '{"entries": [
 {"dn": "CN=V1,CN=Computers,DC=spn,DC=test", "attrs": {"sAMAccountName": ["VICTIM$"], "objectClass": ["computer"]}},
 {"dn": "CN=V2,CN=Users,DC=spn,DC=test", "attrs": {"sAMAccountName": ["victim"], "objectClass": ["user"]}}]}'
hs_run -L victim
rc 0
out_has "CN=V1,CN=Computers,DC=spn,DC=test"

# TLS failures: each names its cause.  An expired certificate (made valid
# for a day, three days ago) and one that names another host.
faketime -f -3d openssl req -x509 -newkey rsa:2048 -nodes -keyout "$hs_dir/old-key.pem" \
	-out "$hs_dir/old.pem" -days 1 -subj /CN=fakeldap \
	-addext "subjectAltName=IP:127.0.0.1,DNS:localhost" >/dev/null 2>&1
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$hs_dir/other-key.pem" \
	-out "$hs_dir/other.pem" -days 2 -subj /CN=other \
	-addext "subjectAltName=DNS:other.example" >/dev/null 2>&1
# hs_tls CERT-BASENAME ARGS...: setspn over ldaps to a scripted server
# serving that certificate, trusting it as its own CA.
hs_tls() {
	local c=$1
	shift
	hs_fake "$(hs_web01 '["HTTP/a"]')" --tls "$hs_dir/$c.pem" "$hs_dir/$c-key.pem"
	LDAPCONF=/dev/null LDAPRC=none run -H "ldaps://127.0.0.1:$hs_port" --cacert "$hs_dir/$c.pem" \
		--simple --bind-dn "CN=admin,$HS_BASE" --password-file "$hs_dir/pw" "$@"
}

t "messages: TLS with an expired certificate says it has expired"
hs_tls old -L WEB01
rc 4
err_line
err_has "TLS with 127.0.0.1 failed: its certificate has expired"
[[ $err != *"(unknown error code)"* ]] || _fail "GnuTLS's empty text is shown: $err"
[[ $err == *"as CN=admin,$HS_BASE:"* ]] || _fail "the bind DN is not named: $err"

t "messages: TLS with a certificate naming another host names the mismatch"
hs_tls other -L WEB01
rc 4
err_line
err_has "TLS with 127.0.0.1 failed: hostname (127.0.0.1) does not match"
err_has "name the DC in -H as its certificate does"

t "messages: TLS with an untrusted CA says so"
hs_fake "$(hs_web01 '["HTTP/a"]')"
LDAPCONF=/dev/null LDAPRC=none run -H "ldaps://127.0.0.1:$hs_port" --cacert "$hs_dir/other.pem" \
	--simple --bind-dn "CN=admin,$HS_BASE" --password-file "$hs_dir/pw" -L WEB01
rc 4
err_has "TLS with 127.0.0.1 failed: its certificate is not signed by a CA in --cacert or TLS_CACERT"

t "messages: an unreachable host gets no certificate advice"
hs_cleanup
for hs_u in "ldaps://127.0.0.1:$hs_port" "ldap://127.0.0.1:$hs_port -Z"; do
	# shellcheck disable=SC2086
	LDAPCONF=/dev/null LDAPRC=none run -H $hs_u --cacert "$hs_dir/cert.pem" \
		--simple --bind-dn "CN=admin,$HS_BASE" --password-file "$hs_dir/pw" -L WEB01
	rc 4
	err_line
	err_has "could not connect: Connection refused"
	[[ $err != *certificate* && $err != *CA* ]] || _fail "certificate advice for a closed port: $err"
done

t "messages: a server refusing StartTLS is told, not the certificate"
hs_fake "$(hs_web01 '["HTTP/a"]' '' '"overrides": [{"op": "extended", "result": 52, "diagnostic": "00000000: LdapErr: DSID-0C091441, comment: Error initializing SSL/TLS"}]')" \
	--starttls "$hs_dir/cert.pem" "$hs_dir/key.pem"
LDAPCONF=/dev/null LDAPRC=none run -H "ldap://127.0.0.1:$hs_port" -Z --cacert "$hs_dir/cert.pem" \
	--simple --bind-dn "CN=admin,$HS_BASE" --password-file "$hs_dir/pw" -L WEB01
rc 4
err_line
err_has "StartTLS with ldap://127.0.0.1:$hs_port: Server is unavailable (52)"
err_has "Error initializing SSL/TLS (the server refused StartTLS)"
[[ $err != *certificate* ]] || _fail "certificate advice for a refused StartTLS: $err"
n=$(jq -s '[.[] | select(.op == "bind")] | length' "$hs_dir/log")
same "binds sent" "$n" 0
# hs_bg ARGS...: setspn against the scripted server in the background;
# $hs_bgpid, output in $hs_dir/bg.out and bg.err.
hs_bg() {
	hs_opts
	LDAPCONF=/dev/null LDAPRC=none "$SETSPN" "${hs_args[@]}" "$@" \
		>"$hs_dir/bg.out" 2>"$hs_dir/bg.err" </dev/null &
	hs_bgpid=$!
}
# Values the scripted server applied (its log's successful modifies).
hs_applied() {
	jq -s '[.[] | select(.op == "modify" and .result == 0)] | length' "$hs_dir/log"
}

for hs_sig in TERM INT; do
t "interrupted: SIG$hs_sig in a --json --batch: the line under way ends, the document is written"
if ((!_skip)); then
	hs_fake "$(hs_web01 '["HTTP/seed"]' '' '"overrides": [{"op": "modify", "delay": 0.3}]')"
	for i in $(seq 20); do echo "-S HTTP/b$i.spn.test WEB01"; done >"$hs_dir/batch"
	hs_bg --json --batch "$hs_dir/batch"
	sleep 1.5
	kill -"$hs_sig" "$hs_bgpid"
	wait "$hs_bgpid"
	rc=$?
	out=$(cat "$hs_dir/bg.out") err=$(cat "$hs_dir/bg.err")
	[[ $hs_sig == TERM ]] && want=143 || want=130
	rc "$want"
	added=$(jq '[.operations[] | select(.status == "added")] | length' <<<"$out")
	applied=$(hs_applied)
	same "added in JSON vs applied by the server" "$added" "$applied"
	((added > 0 && added < 20)) || _fail "added $added of 20"
	v=$(jq '.batch.not_run | length' <<<"$out")
	same "not run" "$v" $((20 - added))
	v=$(jq -r .exit <<<"$out")
	same "exit in JSON" "$v" "$want"
	err_has "stopped by SIG$hs_sig"
fi
done

t "interrupted: SIGTERM in a text --batch: summary printed, every write told"
if ((!_skip)); then
	hs_fake "$(hs_web01 '["HTTP/seed"]' '' '"overrides": [{"op": "modify", "delay": 0.3}]')"
	hs_bg --batch "$hs_dir/batch"
	sleep 1.5
	kill -TERM "$hs_bgpid"
	wait "$hs_bgpid"
	rc=$?
	out=$(cat "$hs_dir/bg.out") err=$(cat "$hs_dir/bg.err")
	rc 143
	n=$(grep -c '^Updated object' <<<"$out")
	same "Updated object lines vs applied" "$n" "$(hs_applied)"
	out_has "Batch: 20 commands, $n done, 0 failed, $((20 - n)) not run"
fi

t "interrupted: ^C at the password prompt puts the terminal's echo back"
if ((!_skip)); then
	v=$(LDAPCONF=/dev/null LDAPRC=none python3 tests/ptyprompt.py "$SETSPN" \
		--principal alice@SPN.TEST -H ldap://127.0.0.1:1 -L WEB01 2>&1)
	same "echo at the prompt, how setspn ended, echo after" "$v" \
		"prompt-echo=off signal=SIGINT after-echo=on"
fi

t "interrupted: a connection reset in a --json --batch: no SIGPIPE, the document is written"
hs_fake "$(hs_web01 '["HTTP/seed"]' '' '"overrides": [{"op": "modify", "value": "HTTP/b2.spn.test", "reset": true}]')"
printf -- '-S HTTP/b1.spn.test WEB01\n-S HTTP/b2.spn.test WEB01\n-S HTTP/b3.spn.test WEB01\n-L WEB01\n' >"$hs_dir/batch3"
hs_run --json --batch "$hs_dir/batch3"
rc 4
v=$(jq -c '[.operations[].status]' <<<"$out")
same "statuses" "$v" '["added","error"]'
v=$(jq -c '.batch.not_run' <<<"$out")
same "not run" "$v" '[3,4]'
v=$(jq -r '.operations[1].error' <<<"$out")
[[ $v == *"may have been applied"*"setspn -L"* ]] || _fail "the cut-off write does not say it may have been applied: $v"

# WEB02, WEB03 and ROGUE beside WEB01; $1: the scenario's overrides.
hs_four() {
	local e='' n
	for n in WEB02 WEB03; do
		e+='{"dn": "CN='$n',CN=Computers,'$HS_BASE'", "attrs": {"sAMAccountName": ["'$n'$"], "objectClass": ["top", "computer"], "servicePrincipalName": ["HOST/'${n,,}'"]}}, '
	done
	e+='{"dn": "CN=ROGUE,CN=Computers,'$HS_BASE'", "attrs": {"sAMAccountName": ["ROGUE$"], "objectClass": ["top", "computer"], "servicePrincipalName": ["HTTP/r1.spn.test"]}}'
	hs_web01 '["HOST/web01"]' "$e" '"overrides": '"$1"
}
printf -- '-S HTTP/a.spn.test WEB01\n-S HTTP/b.spn.test WEB02\n-S HTTP/c.spn.test WEB03\n-S HTTP/r1.spn.test WEB01\n' >"$hs_dir/batch4"

t "read-ahead: a grouped lookup's answer holds an account no line asked for: the lines look up alone, same outcome"
hs_fake "$(hs_four '[]')"
hs_run -v --batch "$hs_dir/batch4"
rc 1
hs_plain=$out
err_has "batch: 2 search(es) sent ahead for 8 line search(es), 8 answered from them"
hs_fake "$(hs_four '[{"op": "search", "filter_contains": "(|(sAMAccountName=", "also": ["CN=ROGUE,CN=Computers,'"$HS_BASE"'"]}]')"
hs_run -v --batch "$hs_dir/batch4"
rc 1
same "output, with the stray account in the answer" "$out" "$hs_plain"
out_has "Batch: 4 commands, 3 done, 1 failed, 0 not run"
err_has "batch: 2 search(es) sent ahead for 8 line search(es), 4 answered from them"
v=$(jq -r 'select(.op == "search" and (.filter | startswith("(|(sAMAccountName=WEB0"))) | .filter' "$hs_dir/log" | tr '\n' ' ')
same "the account lookups: the group's, then each line's alone" "$v" \
	'(|(sAMAccountName=WEB01$)(sAMAccountName=WEB01)(sAMAccountName=WEB02$)(sAMAccountName=WEB02)(sAMAccountName=WEB03$)(sAMAccountName=WEB03)) (|(sAMAccountName=WEB01$)(sAMAccountName=WEB01)) (|(sAMAccountName=WEB02$)(sAMAccountName=WEB02)) (|(sAMAccountName=WEB03$)(sAMAccountName=WEB03)) (|(sAMAccountName=WEB01$)(sAMAccountName=WEB01)) '

t "interrupted: the connection reset before a batch's grouped lookup is answered: exit 4, nothing reported done"
hs_fake "$(hs_four '[{"op": "search", "filter_contains": "(|(sAMAccountName=", "reset": true}]')"
hs_run --json --batch "$hs_dir/batch4"
rc 4
v=$(jq -c '[.operations[].status], .batch.not_run' <<<"$out" | tr '\n' ' ')
same "statuses and lines not run" "$v" '["error"] [2,3,4] '
err_has "Can't contact LDAP server"
same "writes" "$(hs_applied)" 0

t "interrupted: a write that gets no answer in time may have been applied"
hs_fake "$(hs_web01 '["HTTP/seed"]' '' '"overrides": [{"op": "modify", "silent": true}]')"
hs_run --timeout 1 -S HTTP/slow.spn.test WEB01
rc 4
err_has "may have been applied: check with setspn -L 'CN=WEB01,CN=Computers,DC=spn,DC=test'"

t "secrets: a password file others may read is refused, with the mode expected"
hs_fake "$(hs_web01 '["HTTP/a"]')"
printf 'secret\n' >"$hs_dir/pw644"
chmod 644 "$hs_dir/pw644"
hs_opts
LDAPCONF=/dev/null LDAPRC=none run "${hs_args[@]:0:7}" --password-file "$hs_dir/pw644" -L WEB01
rc 2
err_has "mode 0644"
err_has "chmod 600"
LDAPCONF=/dev/null LDAPRC=none run "${hs_args[@]:0:7}" --password-file /tmp -L WEB01
rc 2
err_has "not a regular file"
chmod 620 "$hs_dir/pw644"
LDAPCONF=/dev/null LDAPRC=none run "${hs_args[@]:0:7}" --password-file "$hs_dir/pw644" -L WEB01
rc 2
err_has "mode 0620"

t "secrets: a keytab others may read is refused"
printf 'x' >"$hs_dir/kt"
chmod 604 "$hs_dir/kt"
run --keytab "$hs_dir/kt" -L WEB01
rc 2
err_has "keytab $hs_dir/kt is open to others (mode 0604)"
run --keytab "FILE:$hs_dir/kt" -L WEB01
rc 2
err_has "mode 0604"

t "secrets: no core dump while a password is in memory"
if ((!_skip)); then
	hs_fake "$(hs_web01 '["HTTP/a"]' '' '"overrides": [{"op": "search", "delay": 3}]')"
	hs_core=$(ulimit -c)
	ulimit -c unlimited
	hs_bg -L WEB01
	ulimit -c "$hs_core"
	sleep 1
	v=$(awk '/^Max core file size/ {print $5}' "/proc/$hs_bgpid/limits")
	kill "$hs_bgpid"; wait "$hs_bgpid"
	same "core file size limit" "$v" 0
fi

t "endless: a server repeating its paging cookie ends -X and -Q with exit 4"
if ((!_skip)); then
	hs_fake "$(hs_web01 '["HTTP/a", "HTTP/b"]' '{"dn": "CN=O,CN=Computers,DC=spn,DC=test", "attrs": {"sAMAccountName": ["O$"], "servicePrincipalName": ["HTTP/a"]}}' '"endless_cookie": true')"
	hs_opts
	LDAPCONF=/dev/null LDAPRC=none timeout 20 "$SETSPN" "${hs_args[@]}" -X >"$hs_dir/x.out" 2>"$hs_dir/x.err"
	rc=$? err=$(cat "$hs_dir/x.err")
	rc 4
	err_has "the server sent the same page again"
	LDAPCONF=/dev/null LDAPRC=none timeout 20 "$SETSPN" "${hs_args[@]}" -Q 'HTTP/*' >"$hs_dir/x.out" 2>"$hs_dir/x.err"
	rc=$? err=$(cat "$hs_dir/x.err")
	rc 4
	n=$(grep -c '^CN=' "$hs_dir/x.out")
	same "holder lines (each once)" "$n" 2
fi

t "endless: --max-time bounds the whole run (exit 4, saying why)"
hs_fake "$(hs_web01 '["HTTP/a"]' '' '"overrides": [{"op": "search", "delay": 0.8}]')"
for i in $(seq 10); do echo "-L WEB01"; done >"$hs_dir/batch10"
hs_run --json --max-time 2 --batch "$hs_dir/batch10"
rc 4
err_has "longer than --max-time 2 seconds"
v=$(jq '.batch.not_run | length' <<<"$out")
((v > 0 && v < 10)) || _fail "not run: $v"
hs_run --max-time x -L WEB01
rc 2

t "endless: --max-time striking while the server is frozen (SIGSTOP) mid-batch keeps the lines run in the JSON"
if ((!_skip)); then
	hs_fake "$(hs_web01 '["HTTP/seed"]' '' '"overrides": [{"op": "modify", "delay": 0.2}]')"
	for i in $(seq 30); do echo "-S HTTP/mt$i.spn.test WEB01"; echo "-L WEB01"; done >"$hs_dir/batch-mt"
	hs_bg --json --timeout 60 --max-time 4 --batch "$hs_dir/batch-mt"
	for _ in $(seq 200); do
		(($(hs_applied 2>/dev/null || echo 0) >= 3)) && break
		sleep 0.02
	done
	kill -STOP "$hs_pid"
	wait "$hs_bgpid"
	rc=$?
	kill -CONT "$hs_pid"
	out=$(cat "$hs_dir/bg.out") err=$(cat "$hs_dir/bg.err")
	rc 4
	err_has "longer than --max-time 4 seconds"
	added=$(jq '[.operations[] | select(.status == "added")] | length' <<<"$out")
	applied=$(hs_applied)
	# The write under way when the server froze may have been applied
	# with its answer never sent: then the JSON must say so.
	if ((applied == added + 1)); then
		v=$(jq -r '[.operations[] | select(.status == "error")][0].error' <<<"$out")
		[[ $v == *"may have been applied"* ]] || _fail "the write cut off does not say it may have been applied: $v"
	else
		same "added in JSON vs applied by the server" "$added" "$applied"
	fi
	((added >= 3)) || _fail "only $added lines kept"
	ran=$(jq '.operations | length' <<<"$out")
	v=$(jq '.batch.not_run | length' <<<"$out")
	same "lines run + not run" "$((ran + v))" 60
	((v > 0)) || _fail "nothing left not run: the freeze came too late"
fi

t "who: a failed sPNMappings read is said, not taken for success"
hs_fake "$(hs_web01 '["HTTP/a"]' '' '"overrides": [{"op": "search", "dn": "CN=Directory Service,CN=Windows NT,CN=Services,CN=Configuration,DC=spn,DC=test", "result": 50, "diagnostic": "no access"}]')"
hs_run -S HOST/alias.spn.test WEB01
rc 0
err_has "sPNMappings could not be read"
err_has "no access"

t "who: a cross-realm krbtgt alone is no ticket-granting ticket"
python3 tests/mkccache.py "$hs_dir/xrealm.cc" alice@SPN.TEST krbtgt/OTHER.TEST@SPN.TEST
KRB5CCNAME=FILE:$hs_dir/xrealm.cc run -H ldap://127.0.0.1:1 -L WEB01
rc 3
err_line
err_has "no ticket-granting ticket for alice@SPN.TEST (krbtgt/SPN.TEST@SPN.TEST)"
python3 tests/mkccache.py "$hs_dir/home.cc" alice@SPN.TEST krbtgt/OTHER.TEST@SPN.TEST krbtgt/SPN.TEST@SPN.TEST
KRB5CCNAME=FILE:$hs_dir/home.cc run -H ldap://127.0.0.1:1 -L WEB01
rc 4

t "who: without TLS a bind with no SASL layer is refused whatever --min-ssf"
if ((!_skip)) && [[ -n ${TESTDC_URI:-} ]]; then
	hs_cleanup
	rm -f "$hs_dir/port" "$hs_dir/log"
	python3 tests/fakeldap/fakeldap.py --scenario <(hs_web01 '["HTTP/a"]' '' '"bare_sasl_success": true') \
		--address 127.0.0.7 --port 0 --port-file "$hs_dir/port" --log "$hs_dir/log" --max-seconds 60 &
	hs_pid=$!
	for _ in $(seq 100); do [[ -s $hs_dir/port ]] && break; sleep 0.05; done
	LDAPCONF=/dev/null LDAPRC=none run -v -H "ldap://127.0.0.7:$(cat "$hs_dir/port")" --min-ssf 0 -S HTTP/bare.spn.test WEB01
	rc 3
	err_has "without a SASL security layer"
	n=$(jq -s '[.[] | select(.op == "modify")] | length' "$hs_dir/log")
	same "modifies sent" "$n" 0
	hs_cleanup
fi

hs_cleanup
rm -rf "$hs_dir"
