#!/bin/bash
# The whole test suite: unit tests, then the command-line tests against a
# throwaway Samba AD DC that this script starts and always stops, the shell
# completions' tests and the Ansible module's (on the same DC).  Ends
# with "N passed, N failed"; exits non-zero on any failure, and when a
# process of its test DCs (the two-DC test's included) outlives their stop.
#
#   bash tests/run.sh            everything
#   ONLY=-Q bash tests/run.sh    only CLI tests whose name contains "-Q"
#   SETSPN_WRAP="valgrind ..."   run every setspn under a wrapper
#   SETSPN_REPORTS=DIR            where reports go (default: a temporary dir)
#
# Sanitizer reports (make SANITIZE=1 check) go to files in $SETSPN_REPORTS
# (log_path below), and so should a wrapper's (make check-valgrind passes
# valgrind --log-file there): lib.sh's run fails the test whose setspn
# left a report; one left by a setspn started otherwise counts as a
# failure at the end.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

PASS=0
FAIL=0

own_reports=
if [[ -z ${SETSPN_REPORTS:-} ]]; then
	SETSPN_REPORTS=$(mktemp -d /tmp/setspn-reports.XXXXXX) || exit 1
	own_reports=$SETSPN_REPORTS
fi
mkdir -p "$SETSPN_REPORTS/seen" || exit 1
export SETSPN_REPORTS
# The caller's options first, so that log_path cannot be overridden into
# a place nobody checks; print_suppressions=0: a suppressed leak is no report.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$SETSPN_REPORTS/sanitizer"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$SETSPN_REPORTS/sanitizer"
export LSAN_OPTIONS="print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

# Reports not yet seen: prints them, counts them as failures, sets them aside.
sweep_reports() {
	local f n=0
	for f in "$SETSPN_REPORTS"/*; do
		[[ -f $f && -s $f ]] || continue
		printf 'FAIL: %s: memory/UB report in %s\n' "$1" "${f##*/}"
		sed -n '1,60s/^/    /p' "$f"
		mv "$f" "$SETSPN_REPORTS/seen/"
		n=$((n + 1))
	done
	FAIL=$((FAIL + n))
}

# Unit tests (cmocka): count what it reports.
if [[ -z ${ONLY:-} ]]; then
	unit_out=$(./tests/unit-tests 2>&1)
	unit_rc=$?
	printf '%s\n' "$unit_out" | grep -E '^\[ +(FAILED|PASSED) +\]|^\[  ERROR' || true
	up=$(printf '%s\n' "$unit_out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
	uf=$(printf '%s\n' "$unit_out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
	if ((unit_rc != 0 && uf == 0)); then
		printf '%s\n' "$unit_out" | tail -20
		uf=1
	fi
	PASS=$((PASS + up))
	FAIL=$((FAIL + uf))
	echo "unit: $up passed, $uf failed"
	sweep_reports "unit tests"
fi

dcdir=$(mktemp -d /tmp/setspn-dc.XXXXXX)
cleanup() {
	bash tests/dc/testdc.sh stop "$dcdir" >/dev/null 2>&1
	[[ -z ${vm_dc2:-} ]] || bash tests/dc/testdc.sh stop "$vm_dc2" >/dev/null 2>&1
	rm -rf "$dcdir"
	[[ -z $own_reports ]] || rm -rf "$own_reports"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! bash tests/dc/testdc.sh start "$dcdir"; then
	echo "the test DC did not start: every CLI test counts as failed"
	echo "$PASS passed, $((FAIL + 1)) failed"
	exit 1
fi
# shellcheck disable=SC1091
. "$dcdir/env"

# shellcheck source=tests/lib.sh
. tests/lib.sh
# shellcheck source=tests/cli.sh
. tests/cli.sh
# shellcheck source=tests/parity.sh
. tests/parity.sh
# shellcheck source=tests/scripting.sh
. tests/scripting.sh
# shellcheck source=tests/verify.sh
. tests/verify.sh
# shellcheck source=tests/verify_matrix.sh
. tests/verify_matrix.sh
# shellcheck source=tests/keytab.sh
. tests/keytab.sh
# Before connect.sh, which lets the DC take GSSAPI inside TLS: the
# first-hour tests need the DC's default, which refuses it.
# shellcheck source=tests/refusal.sh
. tests/refusal.sh
# shellcheck source=tests/firsthour.sh
. tests/firsthour.sh
# shellcheck source=tests/connect.sh
. tests/connect.sh
# shellcheck source=tests/locator.sh
. tests/locator.sh
# shellcheck source=tests/hostile.sh
. tests/hostile.sh
# shellcheck source=tests/bounds.sh
. tests/bounds.sh
# shellcheck source=tests/robust.sh
. tests/robust.sh
# shellcheck source=tests/options.sh
. tests/options.sh
# shellcheck source=tests/completion.sh
. tests/completion.sh
# shellcheck source=tests/ansible.sh
. tests/ansible.sh
# shellcheck source=tests/fidelity.sh
. tests/fidelity.sh
summary
sweep_reports "a run outside lib.sh's run (tests/hostile, a background setspn)"

# The processes working in or writing into DIR... (by working directory
# or stdout: samba runs in its DC's directory, its log on stdout), but
# this shell's own.
dc_leftovers() {
	local p d l
	for p in /proc/[0-9]*; do
		[[ ${p#/proc/} == "$$" || ${p#/proc/} == "$BASHPID" ]] && continue
		for l in "$(readlink "$p/cwd" 2>/dev/null)" "$(readlink "$p/fd/1" 2>/dev/null)"; do
			for d in "$@"; do
				if [[ $l == "$d" || $l == "$d/"* ]]; then
					printf '%s (%s)\n' "${p#/proc/}" "$(cat "$p/comm" 2>/dev/null)"
					continue 3
				fi
			done
		done
	done
}
# Nothing of this run's DCs may outlive it: stop the DC now, then look for
# any process of its directory or of the two-DC test's.
dc_dirs=("$dcdir")
[[ -z ${two:-} ]] || dc_dirs+=("$two")
[[ -z ${vm_dc2:-} ]] || dc_dirs+=("$vm_dc2")
bash tests/dc/testdc.sh stop "$dcdir" >/dev/null 2>&1 ||
	{ echo "FAIL: the test DC does not stop"; FAIL=$((FAIL + 1)); }
left=$(dc_leftovers "${dc_dirs[@]}")
if [[ -n $left ]]; then
	printf 'FAIL: processes of the test DCs (%s) still run:\n' "${dc_dirs[*]}"
	printf '%s\n' "$left" | sed 's/^/  /'
	FAIL=$((FAIL + 1))
fi

echo "$PASS passed, $FAIL failed"
((FAIL == 0))
