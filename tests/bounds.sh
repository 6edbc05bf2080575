# Stale checks, stops, limits and invisible characters (issue #23): a
# batch's read-ahead re-checks before it writes, every wait ends on
# SIGINT/SIGTERM, a read error is no short batch, a server's message and
# a child's answer are bounded, invisible characters are escaped.  Sourced
# by tests/run.sh after lib.sh, with the test DC's env loaded.

bd_dir=$(mktemp -d /tmp/setspn-bounds.XXXXXX)
bd_pid=
bd_port=
bd_cleanup() {
	[[ -z $bd_pid ]] || { kill "$bd_pid" 2>/dev/null; wait "$bd_pid" 2>/dev/null; }
	bd_pid=
}
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$bd_dir/key.pem" \
	-out "$bd_dir/cert.pem" -days 2 -subj /CN=fakeldap \
	-addext "subjectAltName=IP:127.0.0.1,DNS:localhost" >/dev/null 2>&1
printf 'secret\n' >"$bd_dir/pw"
chmod 600 "$bd_dir/pw"
BD_BASE='DC=spn,DC=test'
BD_C="CN=Computers,$BD_BASE"

# bd_fake SCENARIO-JSON: (re)starts the scripted server over ldaps.
bd_fake() {
	bd_cleanup
	printf '%s\n' "$1" >"$bd_dir/scenario.json"
	rm -f "$bd_dir/port" "$bd_dir/log"
	python3 tests/fakeldap/fakeldap.py --scenario "$bd_dir/scenario.json" \
		--port 0 --port-file "$bd_dir/port" --log "$bd_dir/log" \
		--max-seconds 120 --tls "$bd_dir/cert.pem" "$bd_dir/key.pem" \
		2>>"$bd_dir/fake.err" &
	bd_pid=$!
	for _ in $(seq 100); do [[ -s $bd_dir/port ]] && break; sleep 0.05; done
	bd_port=$(cat "$bd_dir/port" 2>/dev/null)
	bd_args=(-H "ldaps://127.0.0.1:$bd_port" --cacert "$bd_dir/cert.pem"
		--simple --bind-dn "CN=admin,$BD_BASE" --password-file "$bd_dir/pw")
}
bd_run() { LDAPCONF=/dev/null LDAPRC=none run "${bd_args[@]}" "$@"; }
# The holders of SPN $1 in the scripted server's directory, by -Q.
bd_holders() {
	LDAPCONF=/dev/null LDAPRC=none "$SETSPN" "${bd_args[@]}" --json -Q "$1" 2>/dev/null |
		jq -r '[.operations[0].holders[]?.dn] | join(" ")'
}
bd_computer() { # NAME SPN-JSON-LIST
	printf '{"dn": "CN=%s,%s", "attrs": {"objectClass": ["top", "computer"], "sAMAccountName": ["%s$"], "servicePrincipalName": %s}}' \
		"$1" "$BD_C" "$1" "$2"
}

t "stale: a batch's duplicate check older than the bound is made again before the write: the concurrent -S is seen, nothing duplicated"
if ((!_skip)); then
	bd_fake '{"entries": ['"$(bd_computer WEB01 '["HOST/web01"]'), $(bd_computer WEB02 '["HOST/web02"]')"'],
	  "overrides": [{"op": "modify", "value": "HTTP/first.spn.test", "delay": 4}]}'
	printf -- '-S HTTP/first.spn.test WEB01\n-S HTTP/race.spn.test WEB01\n' >"$bd_dir/race.batch"
	LDAPCONF=/dev/null LDAPRC=none "$SETSPN" "${bd_args[@]}" --batch "$bd_dir/race.batch" \
		>"$bd_dir/race.out" 2>"$bd_dir/race.err" </dev/null &
	bd_bg=$!
	sleep 1.5
	bd_run -S HTTP/race.spn.test WEB02
	same "the concurrent -S" "$rc" 0
	wait "$bd_bg"
	rc=$? out=$(cat "$bd_dir/race.out") err=$(cat "$bd_dir/race.err")
	rc 1
	out_has "Duplicate SPN found, aborting operation!"
	out_has "Batch: 2 commands, 1 done, 1 failed, 0 not run"
	same "holders of HTTP/race.spn.test" "$(bd_holders HTTP/race.spn.test)" "CN=WEB02,$BD_C"
	v=$(jq -s '[.[] | select(.op == "search" and (.filter | test("race")))] | length' "$bd_dir/log")
	((v >= 3)) || _fail "the batch's check was not made again ($v searches for the value, the concurrent -S's included)"
fi
