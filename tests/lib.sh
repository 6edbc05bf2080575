# Helpers for the command-line tests: sourced by tests/run.sh.
#
#   t "name"            start a test (finishes the previous one)
#   run ARGS...         run ./setspn; sets $rc, $out, $err
#   rc N                exit status must be N
#   out TEXT / err TEXT stdout / stderr must be exactly TEXT
#   out_has / err_has   ... must contain TEXT;  err_line: one line only
#   ok "what" CMD...    CMD must succeed
#
# Every failed assertion prints what was expected and what came; a test
# passes when none of its assertions failed.

PASS=${PASS:-0}
# What the last run gave; set here so a skipped test's checks see values.
rc=0 out= err=
FAIL=${FAIL:-0}
FAILED_NAMES=()
_name=
_bad=0
SETSPN=${SETSPN:-$PWD/setspn}
ONLY=${ONLY:-}  # run only tests whose name matches this pattern

_finish() {
	[[ -n $_name ]] || return 0
	if ((_bad)); then
		FAIL=$((FAIL + 1))
		FAILED_NAMES+=("$_name")
		printf 'FAIL: %s\n' "$_name"
	else
		PASS=$((PASS + 1))
		printf 'ok: %s\n' "$_name"
	fi
	_name=
}

_skip=0
t() {
	_finish
	_bad=0
	if [[ -n $ONLY && $1 != *$ONLY* ]]; then
		_skip=1
		return 0
	fi
	_skip=0
	_name=$1
}

_fail() {
	((_skip)) && return 0
	_bad=1
	printf '  %s: %s\n' "$_name" "$1"
	shift
	local l
	for l in "$@"; do printf '    %s\n' "$l"; done
}

run() {
	# Skipped (ONLY): nothing left over for the test's own jq and greps.
	if ((_skip)); then
		out='' err='' rc=0
		return 0
	fi
	local o e p f pid wrap=() report=()
	o=$(mktemp) e=$(mktemp) p=$(mktemp)
	rc=0
	# SETSPN_WRAP: a command line to run setspn under (valgrind ...).  The
	# subshell execs it, so its PID is setspn's (valgrind runs its client
	# in its own process): the PID names the run's report file.
	[[ -z ${SETSPN_WRAP:-} ]] || read -ra wrap <<<"$SETSPN_WRAP"
	(
		printf '%s' "$BASHPID" >"$p"
		exec "${wrap[@]}" "$SETSPN" "$@"
	) >"$o" 2>"$e" </dev/null || rc=$?
	out=$(cat "$o")
	err=$(cat "$e")
	pid=$(cat "$p")
	rm -f "$o" "$e" "$p"
	# A sanitizer or valgrind report (tests/run.sh sends them to files
	# named *.PID in $SETSPN_REPORTS) fails the test, whatever the exit
	# status.  Empty files are valgrind logs of clean runs (or of a run
	# still going).  A report of another process (a command of this or an
	# earlier test) fails this test too, named as such.
	[[ -n ${SETSPN_REPORTS:-} ]] || return 0
	for f in "$SETSPN_REPORTS"/*; do
		[[ -f $f && -s $f ]] || continue
		mapfile -t report < <(head -n 60 "$f")
		if [[ ${f##*.} == "$pid" ]]; then
			_fail "memory/UB report in ${f##*/} from: setspn $(printf '%q ' "$@")" "${report[@]}"
		else
			_fail "memory/UB report in ${f##*/}, from another process (not this test's setspn $(printf '%q ' "$@")): a command of this or an earlier test" "${report[@]}"
		fi
		mkdir -p "$SETSPN_REPORTS/seen"
		mv "$f" "$SETSPN_REPORTS/seen/"
	done
}

rc() {
	((_skip)) && return 0
	[[ $rc == "$1" ]] || _fail "exit status $rc, expected $1" "stdout: $out" "stderr: $err"
}

out() {
	((_skip)) && return 0
	[[ $out == "$1" ]] || _fail "stdout differs" "expected: ${1//$'\t'/<TAB>}" "got:      ${out//$'\t'/<TAB>}" "stderr: $err"
}

err() {
	((_skip)) && return 0
	[[ $err == "$1" ]] || _fail "stderr differs" "expected: $1" "got:      $err"
}

out_has() {
	((_skip)) && return 0
	[[ $out == *"$1"* ]] || _fail "stdout lacks: ${1//$'\t'/<TAB>}" "got: ${out//$'\t'/<TAB>}" "stderr: $err"
}

err_has() {
	((_skip)) && return 0
	[[ $err == *"$1"* ]] || _fail "stderr lacks: $1" "got: $err"
}

# stderr is exactly one line, starting "setspn: ".
err_line() {
	((_skip)) && return 0
	local n
	n=$(printf '%s\n' "$err" | wc -l)
	[[ $n == 1 && $err == "setspn: "* ]] || _fail "stderr is not one 'setspn: ' line" "got: $err"
}

ok() {
	((_skip)) && return 0
	local what=$1
	shift
	"$@" >/dev/null 2>&1 || _fail "$what"
}

same() {
	((_skip)) && return 0
	[[ $2 == "$3" ]] || _fail "$1" "expected: $3" "got:      $2"
}

# silent_server FILE: a listener on 127.0.0.1 that accepts connections and
# never answers, for 30 s; its port goes to FILE, its PID to $silent.
silent_server() {
	python3 -c 'import socket,time,sys
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(5); print(s.getsockname()[1]); sys.stdout.flush()
c=[]
end=time.time()+30
while time.time()<end:
    s.settimeout(1)
    try: c.append(s.accept())
    except socket.timeout: pass' >"$1" &
	silent=$!
	for _ in $(seq 100); do [[ -s $1 ]] && break; sleep 0.1; done
}

summary() {
	_finish
	if ((${#FAILED_NAMES[@]})); then
		printf 'failed tests:\n'
		printf '  %s\n' "${FAILED_NAMES[@]}"
	fi
}

# plant_offline LDIF: writes LDIF into the stopped test DC's partition (the
# DC refuses duplicates, so they are planted offline; testdc.sh stops and
# restarts it) and reads its env again.  PLANTED is 1 if it worked, else 0.
plant_offline() {
	PLANTED=0
	bash tests/dc/testdc.sh ldbmodify "$TESTDC_DIR" "$1" >/dev/null && PLANTED=1
	# shellcheck disable=SC1091
	. "$TESTDC_DIR/env"
}
