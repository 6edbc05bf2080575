# Nothing lost, nothing crashes: concurrent writers, races for one SPN, the
# DC killed or frozen in the middle of a batch, hostile input, and two DCs
# of one domain writing the same SPN.  Sourced last by tests/run.sh, with
# the DC's env, lib.sh and cli.sh's helpers (lsearch, spns, dump,
# mkcomputer) loaded; it kills and restarts that DC (and re-reads its env).
#
#   SKIP_TWO_DC=1     skip the two-DC test (it starts two more DCs: ~20 s)
#   HOSTILE_STRIDE=N  the command-line runs of the hostile corpus take every
#                     value for -S, every Nth for the 12 other slots
#                     (default 15; 1: all of them, about 2,600 runs).  The
#                     batch files and the in-process tests/hostile take all.
#
# Figures (timings, counts) are printed as "  note: ..." lines.

rb_dir=$TESTDC_DIR/robust # removed with the DC's directory
mkdir -p "$rb_dir"
rb_wrap=()
[[ -z ${SETSPN_WRAP:-} ]] || read -ra rb_wrap <<<"$SETSPN_WRAP"
declare -A rb_pid=() rb_rc=()

# Whether the current test is selected (ONLY) and, unless "any" is given,
# the test DC is still this run's (see the kill test).
rb_dc_lost=0
rb_on() {
	((!_skip)) || return 1
	if ((rb_dc_lost)) && [[ ${1:-} != any ]]; then
		_fail "the test DC did not come back after the kill test"
		return 1
	fi
}

# Sanitizer or valgrind reports (tests/run.sh points them at
# $SETSPN_REPORTS) fail the current test, as lib.sh's run does.
rb_reports() {
	local f report=()
	[[ -n ${SETSPN_REPORTS:-} ]] || return 0
	for f in "$SETSPN_REPORTS"/*; do
		[[ -f $f && -s $f ]] || continue
		mapfile -t report < <(head -n 60 "$f")
		_fail "memory/UB report in ${f##*/} after: $1" "${report[@]}"
		mkdir -p "$SETSPN_REPORTS/seen"
		mv "$f" "$SETSPN_REPORTS/seen/"
	done
}
rb_note() { ((_skip)) || printf '  note: %s\n' "$*"; }
rb_us() { echo "${EPOCHREALTIME//[.,]/}"; }
rb_ms() { echo $((($(rb_us) - $1) / 1000)); }

# The samba process of this run's DC, and nothing else, or fail.
rb_our_samba() {
	[[ $TESTDC_PID =~ ^[0-9]+$ &&
		$(cat "/proc/$TESTDC_PID/comm" 2>/dev/null) == samba &&
		$(readlink "/proc/$TESTDC_PID/fd/1" 2>/dev/null) == "$TESTDC_DIR/samba.log" ]]
}

# rb_bg NAME ARGS...: setspn in the background, started at the instant
# $rb_at (microseconds) so that a group of them really race; output in
# $rb_dir/NAME.out and .err, exit status in rb_rc[NAME] after rb_wait.
rb_bg() {
	local name=$1
	shift
	(
		delay=$((rb_at - ${EPOCHREALTIME//[.,]/}))
		((delay <= 0)) || sleep "$((delay / 1000000)).$(printf '%06d' $((delay % 1000000)))"
		exec "${rb_wrap[@]}" "$SETSPN" "$@" >"$rb_dir/$name.out" 2>"$rb_dir/$name.err" </dev/null
	) &
	rb_pid[$name]=$!
}

rb_ready() {
	rb_pid=()
	rb_rc=()
	rb_at=$(($(rb_us) + 300000))
}

rb_wait() {
	local n
	for n in "${!rb_pid[@]}"; do
		wait "${rb_pid[$n]}"
		rb_rc[$n]=$?
	done
	rb_reports "setspn started in the background"
}

rb_out() { cat "$rb_dir/$1.out"; }
rb_err() { cat "$rb_dir/$1.err"; }

# ----------------------------------------------------- concurrent writers
t "robust: 8 processes add 8 SPNs to one account at once: all exit 0, all 8 there"
if rb_on; then
	mkcomputer RBCONC rbconc.spn.test HOST/rbconc.spn.test
	rb_ready
	for i in 1 2 3 4 5 6 7 8; do
		v=-S
		((i % 2)) || v=-A
		rb_bg "w$i" "$v" "HTTP/rbconc-$i.spn.test" RBCONC
	done
	s=$rb_at
	rb_wait
	for i in 1 2 3 4 5 6 7 8; do
		[[ ${rb_rc[w$i]} == 0 && $(rb_out "w$i") == *"Updated object" ]] ||
			_fail "writer $i: exit ${rb_rc[w$i]}" "stdout: $(rb_out "w$i")" "stderr: $(rb_err "w$i")"
	done
	same "every SPN on the account" "$(spns "CN=RBCONC,$C")" \
		"$(printf '%s\n' HOST/rbconc.spn.test HTTP/rbconc-{1..8}.spn.test | LC_ALL=C sort)"
	rb_note "8 writers, all done $(rb_ms "$s") ms after the common start"
fi

t "robust: 8 batches of 25 adds to one account, run at once: all 200 there"
if rb_on; then
	mkcomputer RBCONB rbconb.spn.test
	for i in 1 2 3 4 5 6 7 8; do
		for k in $(seq 1 25); do echo "-S HTTP/rbconb-$i-$k.spn.test RBCONB"; done >"$rb_dir/b$i"
	done
	rb_ready
	for i in 1 2 3 4 5 6 7 8; do rb_bg "b$i" -P --batch "$rb_dir/b$i"; done
	s=$rb_at
	rb_wait
	for i in 1 2 3 4 5 6 7 8; do
		[[ ${rb_rc[b$i]} == 0 && $(rb_out "b$i") == *"Batch: 25 commands, 25 done, 0 failed, 0 not run" ]] ||
			_fail "batch $i: exit ${rb_rc[b$i]}" "stdout: $(rb_out "b$i" | tail -n 3)" "stderr: $(rb_err "b$i")"
	done
	same "every SPN on the account" "$(spns "CN=RBCONB,$C")" \
		"$(for i in 1 2 3 4 5 6 7 8; do for k in $(seq 1 25); do echo "HTTP/rbconb-$i-$k.spn.test"; done; done | LC_ALL=C sort)"
	rb_note "8 x 25 adds interleaved in $(rb_ms "$s") ms"
fi

t "robust: 8 processes delete 8 SPNs of one account at once: all gone, the rest kept"
if rb_on; then
	rb_ready
	for i in 1 2 3 4 5 6 7 8; do rb_bg "d$i" -D "HTTP/rbconc-$i.spn.test" RBCONC; done
	rb_wait
	for i in 1 2 3 4 5 6 7 8; do
		[[ ${rb_rc[d$i]} == 0 ]] ||
			_fail "deleter $i: exit ${rb_rc[d$i]}" "stdout: $(rb_out "d$i")" "stderr: $(rb_err "d$i")"
	done
	same "only the other SPN left" "$(spns "CN=RBCONC,$C")" HOST/rbconc.spn.test
fi

# ------------------------------------------------------------------ races
t "robust: 8 processes add one SPN to 8 accounts at once, 5 rounds: one wins, 7 see the duplicate"
if rb_on; then
	for i in 1 2 3 4 5 6 7 8; do mkcomputer "RBRACE$i" "rbrace$i.spn.test"; done
	by_check=0 by_dc=0
	for round in 1 2 3 4 5; do
		spn=HTTP/rbrace-$round.spn.test
		v=-S
		((round % 2)) || v=-A
		rb_ready
		for i in 1 2 3 4 5 6 7 8; do rb_bg "r$i" "$v" "$spn" "RBRACE$i"; done
		rb_wait
		winners=()
		for i in 1 2 3 4 5 6 7 8; do
			o=$(rb_out "r$i")
			case ${rb_rc[r$i]} in
			0) winners+=("$i") ;;
			1)
				[[ $o == *$'\n'"Duplicate SPN found, aborting operation!" ]] ||
					_fail "round $round, account $i: exit 1 without the duplicate message" "stdout: $o" "stderr: $(rb_err "r$i")"
				# Refused by our check before writing, or by the DC.
				if [[ $o == *"Registering ServicePrincipalNames"* ]]; then
					by_dc=$((by_dc + 1))
				else
					by_check=$((by_check + 1))
				fi
				;;
			*) _fail "round $round, account $i: exit ${rb_rc[r$i]}" "stdout: $o" "stderr: $(rb_err "r$i")" ;;
			esac
		done
		same "round $round: winners" "${#winners[@]}" 1
		holders=$(lsearch -b "$B" "(servicePrincipalName=$spn)" 1.1 | sed -n 's/^dn: //p')
		same "round $round: holders" "$holders" "CN=RBRACE${winners[0]:-?},$C"
	done
	rb_note "5 rounds: 35 losers, $by_check refused by setspn's check, $by_dc by the DC at write time"
fi

# ----------------------------------------------------- the DC goes away
# A batch of adds; the DC dies (SIGKILL) or freezes (SIGSTOP) once some are
# done.  Prints the SPNs the batch's stdout reports done ("Registering ...
# <TAB>SPN / Updated object" blocks), one a line.
rb_done_spns() {
	awk '/^Registering ServicePrincipalNames for /{s=""; next}
		/^\t/{s=substr($0, 2); next}
		/^Updated object$/{if (s != "") print s; s=""}' "$1"
}

# rb_interrupt WHAT SIGNAL N ACCOUNT: runs an N-line batch of -S on ACCOUNT
# with --timeout 5 and sends SIGNAL to the DC after 25 lines are done.
# Sets rb_brc (its exit status), rb_blost (ms from the signal to its exit),
# rb_bstart (µs from its start to the signal) and rb_bfile (the batch).
rb_interrupt() {
	local what=$1 sig=$2 n=$3 acct=$4 pid s k i
	rb_bfile=$rb_dir/$what.batch
	for ((i = 1; i <= n; i++)); do echo "-S HTTP/$what-$i.spn.test $acct"; done >"$rb_bfile"
	: >"$rb_dir/$what.out"
	s=$(rb_us)
	"${rb_wrap[@]}" "$SETSPN" -P --timeout 5 --batch "$rb_bfile" \
		>"$rb_dir/$what.out" 2>"$rb_dir/$what.err" </dev/null &
	pid=$!
	for ((i = 0; i < 400; i++)); do
		(($(grep -c '^Updated object$' "$rb_dir/$what.out") >= 25)) && break
		kill -0 "$pid" 2>/dev/null || break # finished or failed early
		sleep 0.05
	done
	kill "-$sig" "$TESTDC_PID"
	k=$(rb_us)
	wait "$pid"
	rb_brc=$?
	rb_blost=$(rb_ms "$k")
	rb_bstart=$((k - s))
	rb_reports "setspn --batch (interrupted)"
}

# What every interrupted batch must show: exit 4 within the timeout, a
# summary that adds up, one line on stderr.  Sets rb_bdone (SPNs reported done).
rb_check_interrupted() {
	local what=$1 n=$2 o e sum ndone failed notrun
	o=$(cat "$rb_dir/$what.out")
	e=$(cat "$rb_dir/$what.err")
	same "exit status" "$rb_brc" 4
	((rb_blost <= 6000)) || _fail "setspn took $rb_blost ms after the DC went away (--timeout 5)"
	sum=$(grep '^Batch: ' <<<"$o")
	if [[ $sum =~ ^Batch:\ ([0-9]+)\ commands,\ ([0-9]+)\ done,\ ([0-9]+)\ failed,\ ([0-9]+)\ not\ run$ ]]; then
		ndone=${BASH_REMATCH[2]} failed=${BASH_REMATCH[3]} notrun=${BASH_REMATCH[4]}
		same "commands" "${BASH_REMATCH[1]}" "$n"
		same "done + failed + not run" "$((ndone + failed + notrun))" "$n"
		same "failed" "$failed" 1
		((ndone >= 25 && notrun > 0)) || _fail "not interrupted mid-batch: $sum"
		# The lines not run are exactly those after the failed one.
		same "Not run list" "$(grep '^Not run: ' <<<"$o")" \
			"Not run: lines $(seq -s ', ' $((ndone + 2)) "$n")"
	else
		_fail "no batch summary" "stdout (end): $(tail -n 3 <<<"$o")"
		ndone=-1
	fi
	rb_done_spns "$rb_dir/$what.out" >"$rb_dir/$what.done"
	rb_bdone=$(wc -l <"$rb_dir/$what.done")
	same "'Updated object' blocks = done in the summary" "$rb_bdone" "$ndone"
	[[ $(printf '%s\n' "$e" | wc -l) == 1 && $e == "setspn: "* ]] ||
		_fail "stderr is not one 'setspn: ' line" "got: $e"
}

# Every SPN reported done is on ACCOUNT; at most one more (the line in
# flight) may be there; then an --idempotent rerun finishes the job.
rb_check_after() {
	local what=$1 n=$2 acct=$3 have missing extra s o
	have=$(spns "CN=$acct,$C")
	missing=$(LC_ALL=C comm -23 <(LC_ALL=C sort "$rb_dir/$what.done") <(printf '%s\n' "$have"))
	[[ -z $missing ]] || _fail "reported done but not in the directory:" "$missing"
	extra=$(($(grep -c . <<<"$have") - rb_bdone))
	((extra == 0 || extra == 1)) || _fail "$extra SPNs in the directory beyond those reported done"
	s=$(rb_us)
	o=$("${rb_wrap[@]}" "$SETSPN" -P --timeout 10 --idempotent --batch "$rb_dir/$what.batch" 2>"$rb_dir/$what.rerun.err")
	same "rerun with --idempotent: exit status" "$?" 0
	rb_reports "setspn --idempotent --batch (rerun)"
	same "rerun: summary" "$(grep '^Batch: ' <<<"$o")" "Batch: $n commands, $n done, 0 failed, 0 not run"
	same "rerun: every SPN there" "$(spns "CN=$acct,$C")" \
		"$(for ((i = 1; i <= n; i++)); do echo "HTTP/$what-$i.spn.test"; done | LC_ALL=C sort)"
	rb_note "$what: signal after $((rb_bstart / 1000)) ms, $rb_bdone of $n lines done," \
		"setspn exit $rb_brc $rb_blost ms later; $extra more in the directory;" \
		"--idempotent rerun $(rb_ms "$s") ms"
}

t "robust: the DC killed (SIGKILL) mid-batch: exit 4 within --timeout, done lines kept, --idempotent rerun finishes"
if rb_on; then
	if ! rb_our_samba; then
		_fail "TESTDC_PID $TESTDC_PID is not this run's samba: not killing it"
	else
		mkcomputer RBKILL rbkill.spn.test
		rb_interrupt rbkill KILL 200 RBKILL
		rb_check_interrupted rbkill 200
		s=$(rb_us)
		if bash tests/dc/testdc.sh restart "$TESTDC_DIR" >"$rb_dir/restart.log" 2>&1; then
			# shellcheck disable=SC1091
			. "$TESTDC_DIR/env"
			rb_note "DC restarted in $(rb_ms "$s") ms"
			rb_check_after rbkill 200 RBKILL
		else
			# Its address may now be another run's DC: no more tests on it.
			_fail "the DC does not restart after SIGKILL" "$(cat "$rb_dir/restart.log")"
			rb_dc_lost=1
		fi
	fi
fi

t "robust: the DC frozen (SIGSTOP) mid-batch: exit 4 within --timeout, done lines kept, --idempotent rerun finishes"
if rb_on; then
	if ! rb_our_samba; then
		_fail "TESTDC_PID $TESTDC_PID is not this run's samba (or it is down): not stopping it"
	else
		mkcomputer RBFREEZE rbfreeze.spn.test
		# (Should this shell die while the DC is stopped, tests/run.sh's
		# cleanup still ends it: testdc.sh stop falls back to SIGKILL.)
		rb_interrupt rbfreeze STOP 200 RBFREEZE
		kill -CONT "$TESTDC_PID"
		rb_check_interrupted rbfreeze 200
		rb_check_after rbfreeze 200 RBFREEZE
	fi
fi

# ---------------------------------------------------------- hostile input
# tests/hostile.txt: one value a line, C escapes plus \{N} (repeat) and \z
# (empty); see its header.  rb_values MODE writes the values to stdout,
# NUL-terminated: "argv" cuts each at its first NUL (as a command line
# would carry it); "batch SLOT" instead writes a batch file, one line per
# value put into SLOT (where "{}" is the value single-quoted, "{raw}" the
# value as it is).
rb_values() {
	python3 - "$@" tests/hostile.txt <<-'PY'
		import sys, re
		mode, path = sys.argv[1], sys.argv[-1]
		esc = {'\\': b'\\', 't': b'\t', 'n': b'\n', 'r': b'\r', 'v': b'\v',
		       'f': b'\f', 'a': b'\a', 'b': b'\b'}
		def decode(line, no):
		    out, i = bytearray(), 0
		    while i < len(line):
		        c = line[i]
		        if c != '\\':
		            out += c.encode(); i += 1; continue
		        d = line[i + 1] if i + 1 < len(line) else ''
		        if d in esc:
		            out += esc[d]; i += 2
		        elif d == 'z':
		            i += 2
		        elif d == 'x' and re.fullmatch('[0-9a-fA-F]{2}', line[i + 2:i + 4]):
		            out.append(int(line[i + 2:i + 4], 16)); i += 4
		        elif d == '{':
		            m = re.match(r'\{([0-9]+)\}', line[i + 1:])
		            if not m or not out or int(m.group(1)) < 1:
		                sys.exit('%s:%d: bad \\{N}' % (path, no))
		            out += bytes([out[-1]]) * (int(m.group(1)) - 1); i += 1 + m.end()
		        else:
		            sys.exit('%s:%d: unknown escape \\%s' % (path, no, d))
		    return bytes(out)
		values = []
		for no, line in enumerate(open(path, encoding='utf-8'), 1):
		    line = line.rstrip('\n')
		    if line.startswith('#'):
		        continue
		    if line == '':
		        sys.exit('%s:%d: empty line (the empty value is \\z)' % (path, no))
		    values.append(decode(line, no))
		out = sys.stdout.buffer
		if mode == 'argv':
		    for v in values:
		        out.write(v.split(b'\0')[0] + b'\0')
		else:
		    slot = sys.argv[2].encode()
		    for v in values:
		        q = b"'" + v.replace(b"'", b"'\\''") + b"'"
		        out.write(slot.replace(b'{}', q).replace(b'{raw}', v) + b'\n')
	PY
}

# One run of a hostile value: rc, out, err set; a hang (timeout 20) or a
# crash (signal) counts as a failure here, whatever the test allows.
rb_hrun() {
	local o=$rb_dir/h.out e=$rb_dir/h.err
	rc=0
	timeout -k 5 20 "${rb_wrap[@]}" "$SETSPN" "$@" >"$o" 2>"$e" </dev/null || rc=$?
	out='' err=''
	IFS= read -r -d '' out <"$o" || true
	IFS= read -r -d '' err <"$e" || true
	out=${out%$'\n'} err=${err%$'\n'}
	hruns=$((hruns + 1))
	rb_reports "setspn $(printf '%.80q ' "$@")"
}

# A printable rendering of a value for failure messages.
rb_show() {
	local v=${1:0:80}
	printf '%q%s' "$v" "$( ((${#1} > 80)) && echo "...(${#1} bytes)")"
}

# The rules for one run; ok0 says whether exit 0 is legitimate here.
rb_hcheck() {
	local what=$1 v=$2 ok0=${3:-0}
	if ((rc == 124 || rc == 137)); then
		_fail "$what $(rb_show "$v"): hung (killed after 20 s)"
		return
	fi
	if ((rc >= 128)); then
		_fail "$what $(rb_show "$v"): crashed (exit $rc)" "stderr: ${err:0:300}"
		return
	fi
	if ! ((rc == 1 || rc == 2 || (rc == 0 && ok0))); then
		_fail "$what $(rb_show "$v"): exit $rc" "stdout: ${out:0:300}" "stderr: ${err:0:300}"
		return
	fi
	# (Plain pattern tests: a value may be 100 KB, its quoted form 400 KB.)
	if ((rc == 2)) && ! [[ $err != *$'\n'* && $err == "setspn: "?* ]]; then
		_fail "$what $(rb_show "$v"): exit 2 without one 'setspn: ' line" "stderr: ${err:0:300}"
	elif ((rc == 1)) && ! [[ -z $err || ($err != *$'\n'* && $err == "setspn: "?*) ]]; then
		_fail "$what $(rb_show "$v"): exit 1 with more than one line on stderr" "stderr: ${err:0:300}"
	fi
	rb_no_cntrl "$what $(rb_show "$v")"
}

# Whatever the value held, nothing raw reaches a terminal: no control
# character in the last run's stdout or stderr but newlines and tabs.
rb_no_cntrl() {
	! cat "$rb_dir/h.out" "$rb_dir/h.err" | tr -d '\n\t' | LC_ALL=C grep -q '[[:cntrl:]]' ||
		_fail "$1: a control character in the output"
}

# The rules for a batch run: exit 0, 1 or (first run) 2, every line on
# stderr a "setspn: " line.
rb_hbcheck() {
	local what=$1 max=$2 bad
	if ((rc == 124 || rc == 137 || rc >= 128)); then
		_fail "$what: hung or crashed (exit $rc)" "stderr: ${err: -300}"
		return
	fi
	((rc <= max)) || _fail "$what: exit $rc"
	bad=$(grep -v '^setspn: .' <<<"$err" | grep .)
	[[ -z $bad ]] || _fail "$what: stderr lines without 'setspn: '" "${bad:0:600}"
	rb_no_cntrl "$what"
}

hruns=0
mapfile -d '' rb_hv < <(rb_values argv)
stride=${HOSTILE_STRIDE:-15}
[[ $stride =~ ^[1-9][0-9]*$ ]] || stride=15

t "robust: the hostile corpus has at least 100 values"
((${#rb_hv[@]} >= 100)) || _fail "${#rb_hv[@]} values in tests/hostile.txt"

t "robust: hostile corpus in-process: every parser, no crash, a message or success (tests/hostile)"
if rb_on any; then
	if [[ ! -x tests/hostile ]]; then
		_fail "tests/hostile is not built (make tests/hostile)"
	else
		s=$(rb_us)
		o=$(./tests/hostile tests/hostile.txt 2>&1)
		same "tests/hostile exit status" "$?" 0
		[[ $o == *", 0 failed" ]] || _fail "tests/hostile" "$o"
		rb_note "${o##*$'\n'} ($(rb_ms "$s") ms)"
	fi
fi

t "robust: hostile corpus in-process under valgrind: no memory error, no leak"
if rb_on any; then
	if [[ ! -x tests/hostile ]]; then
		_fail "tests/hostile is not built (make tests/hostile)"
	elif ! command -v valgrind >/dev/null; then
		rb_note "valgrind not installed: skipped"
	elif [[ ${SETSPN_SANITIZE:-} == 1 ]]; then
		# an ASan build cannot run under valgrind; the sanitizers watch it
		o=$(tests/hostile -q tests/hostile.txt 2>&1)
		same "exit status of the sanitizer build" "$?" 0
		rb_note "sanitizer build: ${o##*$'\n'}"
	else
		s=$(rb_us)
		o=$(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
			--show-leak-kinds=definite tests/hostile -q tests/hostile.txt 2>&1)
		same "exit status under valgrind" "$?" 0
		[[ $o == *", 0 failed" ]] || _fail "valgrind tests/hostile -q" "$o"
		rb_note "valgrind: ${o##*$'\n'} ($(rb_ms "$s") ms)"
	fi
fi

if ((!rb_dc_lost)); then
	mkcomputer RBHOST rbhost.spn.test HOST/rbhost.spn.test
	hbefore=$(dump)
fi
hstart=$(rb_us)

t "robust: hostile SPNs for -S on an account: exit 1 or 2, or written exactly as given"
if rb_on; then
	accepted=0
	s=$(rb_us)
	for v in "${rb_hv[@]}"; do
		rb_hrun -S "$v" RBHOST
		rb_hcheck "-S" "$v" 1
		if ((rc == 0)) && [[ $v == @(-h|-\?|/\?|--help|--version) ]]; then
			[[ $out == "Usage: setspn"* || $out == "setspn "* ]] || _fail "-S $v: exit 0" "$out"
		elif ((rc == 0)); then
			# A valid SPN, however odd: stored byte for byte, and -D takes it back.
			accepted=$((accepted + 1))
			[[ $'\n'$(spns "CN=RBHOST,$C")$'\n' == *$'\n'"$v"$'\n'* ]] ||
				_fail "-S $(rb_show "$v"): exit 0 but not stored as given" "$(spns "CN=RBHOST,$C")"
			rb_hrun -D -- "$v" RBHOST
			same "-D $(rb_show "$v") after it was added" "$rc" 0
		fi
	done
	rb_note "-S: ${#rb_hv[@]} values in $(rb_ms "$s") ms, $accepted valid SPNs (written and removed again)"
fi

# The other slots, every $stride-th value; some also after "--".
t "robust: hostile values in the 12 other slots (sampled): exit 1 or 2, one line"
if rb_on; then
	n=0
	s=$(rb_us)
	for ((i = 0; i < ${#rb_hv[@]}; i += stride)); do
		v=${rb_hv[i]}
		n=$((n + 1))
		help=0
		[[ $v == @(-h|-\?|/\?|--help|--version) ]] && help=1
		wild=0
		[[ $v == *'*'* ]] && wild=1
		rb_hrun -L "$v"
		rb_hcheck "-L" "$v" "$help"
		rb_hrun -A "$v" rb-nosuch
		rb_hcheck "-A SPN" "$v" "$help"
		rb_hrun -D "$v" RBHOST
		rb_hcheck "-D SPN" "$v" "$help"
		rb_hrun -S HTTP/rb-hostile.spn.test "$v"
		rb_hcheck "-S account" "$v" "$help"
		rb_hrun -A HTTP/rb-hostile.spn.test "$v"
		rb_hcheck "-A account" "$v" "$help"
		rb_hrun -D HOST/rbhost.spn.test "$v"
		rb_hcheck "-D account" "$v" "$help"
		rb_hrun -R "$v"
		rb_hcheck "-R" "$v" "$help"
		rb_hrun -Q "$v"
		rb_hcheck "-Q" "$v" $((help || wild))
		rb_hrun -T "$v" -Q HTTP/rb-none.spn.test
		rb_hcheck "-T" "$v"
		rb_hrun -S -- "$v" RBHOST
		rb_hcheck "-S --" "$v" 1
		((rc != 0)) || rb_hrun -D -- "$v" RBHOST
		rb_hrun -L -- "$v"
		rb_hcheck "-L --" "$v"
		rb_hrun -Q -- "$v"
		rb_hcheck "-Q --" "$v" "$wild"
	done
	rb_note "$n values x 12 slots in $(rb_ms "$s") ms"
fi

# A batch file with one hostile value per line in SLOT.  First run: every
# bad line is named on stderr ("batch line N: ...", one line each) and
# nothing runs (exit 2).  Second run (--json), the named lines blanked: the
# rest runs (exit 0 or 1, no line refused), each failure a "setspn: " line
# on stderr, and the document is valid JSON with only ALLOWED statuses.
rb_hbatch() {
	local slot=$1 allowed=$2 f=$rb_dir/hb bad lines o e n nums=()
	rb_values batch "$slot" >"$f"
	lines=$(grep -c '' "$f")
	rb_hrun -P --batch "$f"
	rb_hbcheck "$slot (batch, all lines)" 2
	e=$err
	if ((rc == 2)); then
		bad=$(grep -v '^setspn: batch line [0-9]*: .' <<<"$e")
		[[ -z $bad ]] || _fail "$slot: stderr lines that name no batch line" "${bad:0:600}"
		n=$(grep -c '' <<<"$e")
		mapfile -t nums < <(sed -n 's/^setspn: batch line \([0-9]*\): .*/\1/p' <<<"$e" | sort -n)
		same "$slot: one message per refused line" "$(printf '%s\n' "${nums[@]}" | sort -nu | grep -c '')" "$n"
		same "$slot: nothing ran" "$out" ""
		# Blank the refused lines (keeping line numbers) and run the rest.
		awk -v list=" ${nums[*]} " 'index(list, " " NR " ") { print ""; next } { print }' \
			"$f" >"$f.2"
	else
		cp "$f" "$f.2"
		nums=()
	fi
	rb_hrun -P --json --batch "$f.2"
	rb_hbcheck "$slot (batch, accepted lines)" 1
	n=$(grep -c '^setspn: batch line' <<<"$err")
	((n == 0)) || _fail "$slot: the second run refused $n lines the first accepted" "${err:0:400}"
	o=$(python3 -c '
import json, sys
allowed = set(sys.argv[1].split(","))
raw = open(sys.argv[2], "rb").read()
try:
    d = json.loads(raw.decode("utf-8"))
except Exception as e:
    sys.exit("not a valid UTF-8 JSON document: %s" % e)
if d.get("exit") != int(sys.argv[3]):
    sys.exit("exit %r in the document, %s from the process" % (d.get("exit"), sys.argv[3]))
ops = d.get("operations", [])
bad = [o for o in ops if o.get("status") not in allowed]
if bad:
    sys.exit("unexpected status: %s" % json.dumps(bad[:3])[:600])
b = d.get("batch") or {}
if (b.get("done", -1) + b.get("failed", -1) != len(ops)
        or b.get("lines") != len(ops) + len(b.get("not_run", []))):
    sys.exit("batch summary %r for %d operations" % (b, len(ops)))
' "$allowed" "$rb_dir/h.out" "$rc" 2>&1)
	[[ -z $o ]] || _fail "$slot: --json document: $o"
	rb_note "$slot: $lines lines, ${#nums[@]} refused, the rest run: exit $rc"
}

t "robust: hostile values in batch lines, every slot, quoted and raw: refused by line or run; valid JSON"
if rb_on; then
	s=$(rb_us)
	rb_hbatch "-S {} rb-nosuch" not-found
	rb_hbatch "-D {} RBHOST" absent
	rb_hbatch "-S HTTP/rb-hostile.spn.test {}" not-found
	rb_hbatch "-D HOST/rbhost.spn.test {}" not-found
	rb_hbatch "-L {}" not-found
	rb_hbatch "-R {}" not-found
	rb_hbatch "-Q {}" ok,not-found
	rb_hbatch "-T {} -Q HTTP/rb-none.spn.test" not-found
	# raw values include real accounts and switches (WEB01, -X): those succeed
	rb_hbatch "{raw}" ok,not-found,conflict
	rb_hbatch "-L {raw}" ok,not-found
	rb_hbatch "-S {raw} rb-nosuch" not-found
	rb_note "11 batch files in $(rb_ms "$s") ms"
fi

t "robust: after the whole hostile corpus the directory is unchanged"
if rb_on; then
	same "dump before and after" "$(dump)" "$hbefore"
	rb_note "$hruns setspn runs on hostile input in $(rb_ms "$hstart") ms"
fi

# An existing object that is no account, named by its DN.
t "robust: the DN of an object that is no account: -S/-A/-R refuse it (exit 1), nothing written"
if rb_on; then
	before=$(dump)
	for dn in "CN=Users,$B" "$B" "CN=Computers,$B"; do
		for args in "-S HTTP/rb-notaccount.spn.test" "-A HTTP/rb-notaccount.spn.test" -R; do
			read -ra a <<<"$args"
			rb_hrun "${a[@]}" "$dn"
			[[ $rc == 1 ]] || _fail "$args '$dn': exit $rc, expected 1" "stdout: $out" "stderr: $err"
		done
	done
	same "nothing written" "$(dump)" "$before"
fi

# Two of the corpus's failures, on their own so that they read plainly.
t "robust: an account DN the DC finds malformed (CN=, CN=a+CN=b,..., 1.2.3=x): exit 1 or 2, not 4"
if rb_on; then
	for a in 'CN=' "CN=a+CN=b,$B" '1.2.3=x' 'CN=x,DC='; do
		rb_hrun -L "$a"
		[[ $rc == 1 || $rc == 2 ]] || _fail "-L '$a': exit $rc" "stdout: $out" "stderr: $err"
	done
fi

# Samba drops a search request over 256,000 bytes ("ldap max search request
# size"): a name that long must not reach it.
t "robust: over-long names (-L 130 KB account, -T 100 KB domain): exit 1 or 2, not a dropped connection (4)"
if rb_on; then
	long=$(printf 'a%.0s' $(seq 1 130000))
	rb_hrun -L "$long"
	[[ $rc == 1 || $rc == 2 ]] || _fail "-L <130 KB>: exit $rc" "stderr: ${err:0:150}...${err: -80}"
	rb_hrun -T "${long:0:102400}.spn.test" -Q HTTP/rb-none.spn.test
	[[ $rc == 1 || $rc == 2 ]] || _fail "-T <100 KB>: exit $rc" "stderr: ${err:0:150}...${err: -80}"
fi

# ------------------------------------------------------------- two DCs
t "robust: two DCs: one SPN written to two accounts at once, one write on each DC; -X on either finds it, -D fixes it, both agree"
if rb_on any && [[ ${SKIP_TWO_DC:-0} == 1 ]]; then
	rb_note "skipped (SKIP_TWO_DC=1)"
elif rb_on any; then
	two=$(mktemp -d /tmp/setspn-twodc.XXXXXX)
	# Stopped whatever happens (tests/run.sh's own EXIT trap still runs).
	rb_prev_trap=$(trap -p EXIT)
	rb_prev_cmd=
	[[ -z $rb_prev_trap ]] || rb_prev_cmd=$(eval "set -- $rb_prev_trap; printf '%s' \"\$3\"")
	trap 'bash tests/dc/twodc.sh stop "$two" >/dev/null 2>&1; rm -rf "$two"; '"$rb_prev_cmd" EXIT
	s=$(rb_us)
	if ! bash tests/dc/twodc.sh start "$two" >"$rb_dir/twodc.log" 2>&1; then
		_fail "the two DCs did not start" "$(tail -n 20 "$rb_dir/twodc.log")"
	else
		rb_note "$(tail -n 1 "$rb_dir/twodc.log")"
		(
			# shellcheck disable=SC1091
			. "$two/env"
			D1=$TWODC_DC1_URI D2=$TWODC_DC2_URI
			on() { local u=$1; shift; ldapsearch -Q -Y GSSAPI -LLL -o ldif-wrap=no -H "$u" "$@"; }
			holders() { on "$1" -b "$TESTDC_BASE" "(servicePrincipalName=$2)" 1.1 | sed -n 's/^dn: //p' | LC_ALL=C sort; }
			bad() { printf 'FAILED %s\n' "$@"; }
			note() { printf 'NOTE %s\n' "$*"; }
			spn=HTTP/rb-twodc.spn.test
			for n in RIGHT WRONG; do
				printf 'dn: CN=%s,CN=Computers,%s\nobjectClass: computer\nsAMAccountName: %s$\nuserAccountControl: 4096\nservicePrincipalName: HOST/%s.spn.test\n' \
					"$n" "$TESTDC_BASE" "$n" "${n,,}" | ldapadd -Q -Y GSSAPI -H "$D1" >/dev/null || bad "cannot add $n"
			done
			bash tests/dc/twodc.sh replicate "$two" >/dev/null || bad "replication failed"
			# The same SPN, one write on each DC, at the same moment.
			rb_ready
			rb_bg tw1 -H "$D1" -S "$spn" RIGHT
			rb_bg tw2 -H "$D2" -S "$spn" WRONG
			rb_wait
			for k in tw1 tw2; do
				[[ ${rb_rc[$k]} == 0 ]] || bad "$k: exit ${rb_rc[$k]}: $(rb_out $k) $(rb_err $k)"
			done
			r=$(holders "$D1" "$spn")
			w=$(holders "$D2" "$spn")
			[[ $r == CN=RIGHT,* ]] || bad "before replication, DC1 holders: '$r' (the write to DC1 went elsewhere?)"
			[[ $w == CN=WRONG,* ]] || bad "before replication, DC2 holders: '$w' (the write to DC2 went elsewhere?)"
			note "before replication DC1 has $spn on ${r%%,*}, DC2 on ${w%%,*}"
			r0=$(rb_us)
			bash tests/dc/twodc.sh replicate "$two" >/dev/null || bad "replication failed"
			note "replication both ways: $(rb_ms "$r0") ms"
			for u in "$D1" "$D2"; do
				n=$(holders "$u" "$spn" | grep -c '')
				[[ $n == 2 ]] || bad "after replication $u has $n holders, not 2: no real duplicate"
				o=$("$SETSPN" -H "$u" -X 2>&1)
				rc=$?
				[[ $rc == 1 && $o == *"$spn is registered on these accounts:"*CN=RIGHT*CN=WRONG* &&
					$o == *"found 1 group of duplicate SPNs."* ]] || bad "-X on $u: exit $rc: $o"
			done
			# Fix it on DC1: remove the SPN from the account DC2 gave it to.
			o=$("$SETSPN" -H "$D1" -D "$spn" WRONG 2>"$rb_dir/twodc-D.err")
			rc=$?
			e=$(cat "$rb_dir/twodc-D.err")
			[[ $rc == 0 && $o == *"Updated object" ]] || bad "-D on DC1: exit $rc: $o $e"
			[[ $e == *"rewriting servicePrincipalName"* ]] || bad "-D did not say it used the duplicated-value fallback: $e"
			w=$(holders "$D2" "$spn" | grep -c '')
			[[ $w == 2 ]] || bad "before replication DC2 should still see 2 holders, sees $w"
			bash tests/dc/twodc.sh replicate "$two" >/dev/null || bad "replication failed"
			for u in "$D1" "$D2"; do
				o=$("$SETSPN" -H "$u" -Q "$spn" 2>&1)
				rc=$?
				[[ $rc == 0 && $o == *"CN=RIGHT,"* && $o != *"CN=WRONG,"* ]] || bad "-Q on $u after the fix: exit $rc: $o"
				o=$("$SETSPN" -H "$u" -L WRONG 2>&1)
				[[ $o == *$'\tHOST/wrong.spn.test'* && $o != *"$spn"* ]] ||
					bad "WRONG on $u lost its other SPN or kept the duplicate: $o"
				o=$("$SETSPN" -H "$u" -X 2>&1)
				[[ $? == 0 && $o == *"found 0 group of duplicate SPNs."* ]] || bad "-X on $u after the fix: $o"
			done
			note "after the fix and replication: one holder on both DCs"
			echo END
		) >"$rb_dir/twodc.result" 2>&1
		while IFS= read -r l; do
			case $l in
			"FAILED "*) _fail "${l#FAILED }" ;;
			"NOTE "*) rb_note "${l#NOTE }" ;;
			END) ;;
			*) _fail "unexpected output: $l" ;;
			esac
		done <"$rb_dir/twodc.result"
		[[ $(tail -n 1 "$rb_dir/twodc.result") == END ]] || _fail "the two-DC checks stopped before the end"
	fi
	bash tests/dc/twodc.sh stop "$two" >/dev/null 2>&1 || _fail "the two DCs do not stop"
	rm -rf "$two"
	eval "${rb_prev_trap:-trap - EXIT}"
	rb_note "two-DC test in $(rb_ms "$s") ms"
fi
