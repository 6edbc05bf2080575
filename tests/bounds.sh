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

for bd_vr in '' --value-range=10; do
t "stale: a batch's duplicate check older than the bound is made again before the write${bd_vr:+ ($bd_vr)}: the concurrent -S is seen, nothing duplicated"
if ((!_skip)); then
	bd_fake '{"entries": ['"$(bd_computer WEB01 '["HOST/web01"]'), $(bd_computer WEB02 '["HOST/web02"]')"'],
	  "overrides": [{"op": "modify", "value": "HTTP/first.spn.test", "delay": 4}]}'
	printf -- '-S HTTP/first.spn.test WEB01\n-S HTTP/race.spn.test WEB01\n' >"$bd_dir/race.batch"
	# --value-range: each check is sent ahead alone, not in a group.  The
	# batch under the wrapper (valgrind) if there is one; the other writer
	# not, so that it comes in time.
	bd_wrap=()
	[[ -z ${SETSPN_WRAP:-} ]] || read -ra bd_wrap <<<"$SETSPN_WRAP"
	LDAPCONF=/dev/null LDAPRC=none "${bd_wrap[@]}" "$SETSPN" "${bd_args[@]}" $bd_vr -v \
		--batch "$bd_dir/race.batch" >"$bd_dir/race.out" 2>"$bd_dir/race.err" </dev/null &
	bd_bg=$!
	# once the batch's check of line 2 is answered (line 1's write then
	# waits 4 s), the other writer adds the same SPN
	for _ in $(seq 200); do
		grep -q '"op": "search".*race' "$bd_dir/log" 2>/dev/null && break
		sleep 0.05
	done
	sleep 0.5
	LDAPCONF=/dev/null LDAPRC=none "$SETSPN" "${bd_args[@]}" -S HTTP/race.spn.test WEB02 >/dev/null 2>&1
	same "the concurrent -S" "$?" 0
	wait "$bd_bg"
	rc=$? out=$(cat "$bd_dir/race.out") err=$(cat "$bd_dir/race.err")
	rc 1
	out_has "Duplicate SPN found, aborting operation!"
	out_has "Batch: 2 commands, 1 done, 1 failed, 0 not run"
	err_has "duplicate check(s) older than 250 ms asked again"
	same "holders of HTTP/race.spn.test" "$(bd_holders HTTP/race.spn.test)" "CN=WEB02,$BD_C"
	v=$(jq -s '[.[] | select(.op == "search" and (.filter | test("race")))] | length' "$bd_dir/log")
	((v >= 3)) || _fail "the batch's check was not made again ($v searches for the value, the concurrent -S's included)"
fi
done

# bd_stop SIG CMD...: runs CMD (setspn) in the background, sends SIG after
# a second, and gives it 3 s more; sets rc, out, err and bd_ms, the
# milliseconds from the signal to its end (SIGKILL after that).
bd_stop() {
	local sig=$1 t0 pid
	shift
	"$@" <&0 >"$bd_dir/stop.out" 2>"$bd_dir/stop.err" &
	pid=$!
	sleep 1
	t0=${EPOCHREALTIME//[.,]/}
	kill -"$sig" "$pid" 2>/dev/null
	for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.01; done
	bd_ms=$(((${EPOCHREALTIME//[.,]/} - t0) / 1000))
	kill -KILL "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	out=$(cat "$bd_dir/stop.out") err=$(cat "$bd_dir/stop.err")
}
bd_stopped() { # SIG: exit 128 + its number within a second, said on stderr
	[[ $1 == INT ]] && rc 130 || rc 143
	((bd_ms < 1000)) || _fail "ended $bd_ms ms after SIG$1"
	err_has "stopped by SIG$1"
}

mkfifo "$bd_dir/fifo"
for bd_sig in INT TERM; do
	t "stop: SIG$bd_sig while the batch input (a pipe) gives nothing: the run ends at once"
	if ((!_skip)); then
		bd_stop "$bd_sig" "$SETSPN" --batch - < <(sleep 8)
		bd_stopped "$bd_sig"
		bd_stop "$bd_sig" "$SETSPN" --json --batch - < <(sleep 8)
		bd_stopped "$bd_sig"
		v=$(jq -r .exit <<<"$out")
		[[ $bd_sig == INT ]] && same "exit in the JSON document" "$v" 130 || same "exit in the JSON document" "$v" 143
	fi
	t "stop: SIG$bd_sig while the batch input (a FIFO with no writer) is opened: the run ends at once"
	if ((!_skip)); then
		bd_stop "$bd_sig" "$SETSPN" --batch "$bd_dir/fifo"
		bd_stopped "$bd_sig"
	fi
	t "stop: SIG$bd_sig while connecting to a DC that never answers (--timeout 0): the run ends at once"
	if ((!_skip)); then
		silent_server "$bd_dir/silent.port"
		bd_silent=(--timeout 0 -H "ldaps://127.0.0.1:$(cat "$bd_dir/silent.port")" --cacert "$bd_dir/cert.pem"
			--simple --bind-dn "CN=admin,$BD_BASE" --password-file "$bd_dir/pw")
		bd_stop "$bd_sig" "$SETSPN" "${bd_silent[@]}" -L WEB01
		bd_stopped "$bd_sig"
		bd_stop "$bd_sig" "$SETSPN" "${bd_silent[@]}" --json --batch - \
			< <(printf -- '-L WEB01\n')
		bd_stopped "$bd_sig"
		v=$(jq -r .exit <<<"$out")
		((v == 130 || v == 143)) || _fail "exit in the JSON document: $v"
		kill "$silent" 2>/dev/null
		wait "$silent" 2>/dev/null
	fi
done

t "stop: SIGINT and SIGTERM while --verify --timeout 0 waits for its child (a KDC and DNS that never answer): the run ends within a second"
if ((!_skip)) && [[ -n ${TESTDC_URI:-} ]]; then
	printf 'dn: CN=BDSIG,CN=Computers,%s\nobjectClass: computer\nsAMAccountName: BDSIG$\nservicePrincipalName: HTTP/bdsig.spn.test\n' \
		"$TESTDC_BASE" | ldapadd -Q -Y GSSAPI -H "$TESTDC_URI" >/dev/null 2>&1
	run -L BDSIG # the ldap/ ticket in the cache: the bind needs no KDC
	bd_hole=127.0.4.${TESTDC_IP##*.}
	rm -f "$bd_dir/hole.ready"
	python3 tests/dc/blackhole.py "$bd_hole" 88 53 --lifetime 60 --ready "$bd_dir/hole.ready" &
	bd_hole_pid=$!
	for _ in $(seq 50); do [[ -e $bd_dir/hole.ready ]] && break; sleep 0.1; done
	sed "s/^\([[:space:]]*kdc = \).*/\1$bd_hole/" "$KRB5_CONFIG" >"$bd_dir/hole.krb5.conf"
	printf 'nameserver %s\n' "$bd_hole" >"$bd_dir/hole.resolv"
	printf '%s dc1.spn.test\n' "$TESTDC_IP" >"$bd_dir/hosts"
	for bd_sig in INT TERM; do
		KRB5_CONFIG=$bd_dir/hole.krb5.conf RESOLV_WRAPPER_CONF=$bd_dir/hole.resolv \
			LD_PRELOAD=libresolv_wrapper.so:libnss_wrapper.so NSS_WRAPPER_HOSTS=$bd_dir/hosts \
			bd_stop "$bd_sig" "$SETSPN" --timeout 0 --verify HTTP/bdsig.spn.test BDSIG
		bd_stopped "$bd_sig"
	done
	kill "$bd_hole_pid" 2>/dev/null
	wait "$bd_hole_pid" 2>/dev/null
fi

t "read error: a batch line that outgrows the memory (getline's ENOMEM) is an error, not a short batch"
# (not under valgrind, which needs more address space than ulimit -v gives)
if ((!_skip)) && [[ -z ${SETSPN_WRAP:-} ]]; then
	if [[ -n ${SETSPN_SANITIZE:-} ]]; then
		# ASan needs far more address space than ulimit -v leaves: its
		# allocator refuses large blocks instead, and warns of each in a
		# log of its own, which must say nothing else.
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}allocator_may_return_null=1:max_allocation_size_mb=256:log_path=$bd_dir/enomem" \
			run --batch /dev/zero
		v=$(cat "$bd_dir"/enomem.* 2>/dev/null | grep -v 'WARNING: AddressSanitizer failed to allocate' | grep -c .)
		same "sanitizer lines besides the refused allocation" "$v" 0
	else
		(ulimit -v 4000000; run --batch /dev/zero; echo "$rc" >"$bd_dir/rc"; printf '%s' "$err" >"$bd_dir/err")
		rc=$(cat "$bd_dir/rc") err=$(cat "$bd_dir/err")
	fi
	rc 2
	err_has "cannot read batch file /dev/zero"
	err_has "Cannot allocate memory"
	[[ $out != *"Batch: "* ]] || _fail "a batch summary was printed" "$out"
fi

# bd_flood MODE [floodldap options]: (re)starts the malicious server.
bd_flood_pid=
bd_flood() {
	[[ -z $bd_flood_pid ]] || { kill "$bd_flood_pid" 2>/dev/null; wait "$bd_flood_pid" 2>/dev/null; }
	rm -f "$bd_dir/flood.port"
	python3 tests/floodldap.py --mode "$@" --port-file "$bd_dir/flood.port" --lifetime 60 \
		2>>"$bd_dir/flood.err" &
	bd_flood_pid=$!
	for _ in $(seq 100); do [[ -s $bd_dir/flood.port ]] && break; sleep 0.05; done
	bd_flood_port=$(cat "$bd_dir/flood.port" 2>/dev/null)
}
# bd_rss ARGS...: setspn's peak RSS in KiB (GNU time), where it means
# something (not under ASan or valgrind); else empty.
bd_rss() {
	[[ -z ${SETSPN_SANITIZE:-} && -z ${SETSPN_WRAP:-} ]] || return 0
	/usr/bin/time -f '%M' -o "$bd_dir/rss" timeout -s KILL 20 "$SETSPN" "$@" >/dev/null 2>&1
	cat "$bd_dir/rss" | tail -1
}
bd_flood_check() { # RSS-KiB: exit 4, the limit named, RSS bounded
	rc 4
	err_line
	[[ -z $1 ]] || (($1 < 40 * 1024)) || _fail "peak RSS $1 KiB, above 40 MiB"
}

t "limits: an ldaps:// server answering the bind with a 64 MiB message (--timeout 0): cut at 16 MiB, RSS bounded"
if ((!_skip)); then
	bd_flood huge-bind --tls "$bd_dir/cert.pem" "$bd_dir/key.pem"
	bd_fl=(--timeout 0 -H "ldaps://127.0.0.1:$bd_flood_port" --cacert "$bd_dir/cert.pem"
		--simple --bind-dn "CN=admin,$BD_BASE" --password-file "$bd_dir/pw")
	LDAPCONF=/dev/null LDAPRC=none run "${bd_fl[@]}" -L WEB01
	err_has "simple bind to ldaps://127.0.0.1:$bd_flood_port as CN=admin,$BD_BASE: the server sent a message longer than 16 MiB, the limit of one LDAP message: connection dropped"
	bd_flood_check "$(LDAPCONF=/dev/null LDAPRC=none bd_rss "${bd_fl[@]}" -L WEB01)"
fi

t "limits: an ldaps:// server answering the rootDSE search with a 64 MiB message (--timeout 0): cut at 16 MiB"
if ((!_skip)); then
	bd_flood huge-search --tls "$bd_dir/cert.pem" "$bd_dir/key.pem"
	bd_fl=(--timeout 0 -H "ldaps://127.0.0.1:$bd_flood_port" --cacert "$bd_dir/cert.pem"
		--simple --bind-dn "CN=admin,$BD_BASE" --password-file "$bd_dir/pw")
	LDAPCONF=/dev/null LDAPRC=none run "${bd_fl[@]}" --json -L WEB01
	err_has "reading the rootDSE: the server sent a message longer than 16 MiB"
	v=$(jq -r .exit <<<"$out")
	same "exit in the JSON document" "$v" 4
	bd_flood_check "$(LDAPCONF=/dev/null LDAPRC=none bd_rss "${bd_fl[@]}" -L WEB01)"
fi

t "limits: an ldaps:// server sending rootDSE entries without end (--timeout 0): cut at the second, RSS bounded"
if ((!_skip)); then
	bd_flood entries --tls "$bd_dir/cert.pem" "$bd_dir/key.pem"
	bd_fl=(--timeout 0 -H "ldaps://127.0.0.1:$bd_flood_port" --cacert "$bd_dir/cert.pem"
		--simple --bind-dn "CN=admin,$BD_BASE" --password-file "$bd_dir/pw")
	LDAPCONF=/dev/null LDAPRC=none run "${bd_fl[@]}" -L WEB01
	err_has "ldaps://127.0.0.1:$bd_flood_port sent more than one rootDSE entry: not a DC"
	bd_flood_check "$(LDAPCONF=/dev/null LDAPRC=none bd_rss "${bd_fl[@]}" -L WEB01)"
fi

t "limits: an ldap:// server answering the SASL GSSAPI bind with a 64 MiB message (--timeout 0): cut at 16 MiB"
if ((!_skip)) && [[ -n ${TESTDC_URI:-} ]]; then
	# the test DC's account holds ldap/127.0.0.7: a ticket for it
	bd_flood huge-bind --address 127.0.0.7
	run --timeout 0 -H "ldap://127.0.0.7:$bd_flood_port" -L WEB01
	err_has "SASL GSSAPI bind to ldap://127.0.0.7:$bd_flood_port as Administrator@SPN.TEST: the server sent a message longer than 16 MiB"
	bd_flood_check "$(bd_rss --timeout 0 -H "ldap://127.0.0.7:$bd_flood_port" -L WEB01)"
fi
[[ -z $bd_flood_pid ]] || { kill "$bd_flood_pid" 2>/dev/null; wait "$bd_flood_pid" 2>/dev/null; }
bd_flood_pid=

# Invisible characters: each one escaped in text output as any other
# unprintable byte, so two values that differ by one never look alike.
bd_zw=$(printf 'HTTP/web\xe2\x80\x8b01.spn.test')   # U+200B zero-width space
bd_wj=$(printf 'HTTP/web01\xe2\x81\xa0.spn.test')   # U+2060 word joiner
bd_bom=$(printf 'HTTP/\xef\xbb\xbfweb01.spn.test')  # U+FEFF
bd_ls=$(printf 'HTTP/invis1\xe2\x80\xa8.spn.test')  # U+2028 line separator
bd_alm=$(printf 'HTTP/web\xd8\x9c01.spn.test')  # U+061C Arabic letter mark
# No byte sequence of an invisible character in $1 (as bytes: whatever
# the locale).
bd_visible() {
	local r=0
	LC_ALL=C grep -qP '\xe2\x80[\x8b-\x8d\xa8-\xae]|\xe2\x81[\xa0\xa6-\xa9]|\xef\xbb\xbf|\xd8\x9c' <<<"$1" || r=$?
	((r == 1))
}

t "invisible: -L and -Q escape zero-width, word-joiner, BOM and Arabic-letter-mark characters"
if ((!_skip)) && [[ -n ${TESTDC_URI:-} ]]; then
	{
		printf 'dn: CN=INVIS1,CN=Computers,%s\nobjectClass: computer\nsAMAccountName: INVIS1$\n' "$TESTDC_BASE"
		printf 'dNSHostName: invis1.spn.test\nuserAccountControl: 4096\n'
		for v in "$bd_zw" "$bd_wj" "$bd_bom" "$bd_alm"; do
			printf 'servicePrincipalName:: %s\n' "$(printf '%s' "$v" | base64 -w0)"
		done
	} | ldapadd -Q -Y GSSAPI -H "$TESTDC_URI" >/dev/null 2>&1
	run -L INVIS1
	rc 0
	out_has '	HTTP/web\xe2\x80\x8b01.spn.test'
	out_has '	HTTP/web01\xe2\x81\xa0.spn.test'
	out_has '	HTTP/\xef\xbb\xbfweb01.spn.test'
	out_has '	HTTP/web\xd8\x9c01.spn.test'
	bd_visible "$out" || _fail "an invisible character in -L's output" "$out"
	run -Q "$bd_zw"
	rc 0
	out_has '	HTTP/web\xe2\x80\x8b01.spn.test'
	bd_visible "$out" || _fail "an invisible character in -Q's output" "$out"
fi

t "invisible: a --verify fix line holds a line separator escaped, as a shell word"
if ((!_skip)) && [[ -n ${TESTDC_URI:-} ]]; then
	printf 'A invis1.spn.test 127.0.0.1\n' >"$bd_dir/invis.hosts"
	printf 'nameserver 127.0.0.1\n' >"$bd_dir/invis.resolv"
	LD_PRELOAD=libresolv_wrapper.so RESOLV_WRAPPER_CONF=$bd_dir/invis.resolv \
		RESOLV_WRAPPER_HOSTS=$bd_dir/invis.hosts run --timeout 5 --verify "$bd_ls" INVIS1
	rc 1
	out_has "fix: setspn -S -- \$'HTTP/invis1\\xe2\\x80\\xa8.spn.test' "
	bd_visible "$out" || _fail "an invisible character in --verify's output" "$out"
fi

t "invisible: -X escapes bidi controls and paragraph separators in duplicated values and holders"
if ((!_skip)); then
	bd_rlo=$(printf 'HTTP/\xe2\x80\xaemoc.1bew.spn.test')
	bd_ps=$(printf 'HTTP/web\xe2\x80\xa9.spn.test')
	bd_fake '{"entries": ['"$(bd_computer WEB01 "[\"$bd_rlo\", \"$bd_ps\"]"), $(bd_computer "$(printf 'WEB\xe2\x80\x8d02')" "[\"$bd_rlo\", \"$bd_ps\"]")"']}'
	bd_run -X
	rc 1
	out_has 'HTTP/\xe2\x80\xaemoc.1bew.spn.test'
	out_has 'HTTP/web\xe2\x80\xa9.spn.test'
	out_has 'CN=WEB\xe2\x80\x8d02,CN=Computers'
	bd_visible "$out" || _fail "an invisible character in -X's output" "$out"
	bd_cleanup
fi

bd_cleanup
rm -rf "$bd_dir"
