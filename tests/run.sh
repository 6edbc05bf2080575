#!/bin/bash
# The whole test suite: unit tests, then the command-line tests against a
# throwaway Samba AD DC that this script starts and always stops.  Ends
# with "N passed, N failed"; exits non-zero on any failure.
#
#   bash tests/run.sh            everything
#   ONLY=-Q bash tests/run.sh    only CLI tests whose name contains "-Q"
#   SETSPN_WRAP="valgrind ..."   run every setspn under a wrapper
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

PASS=0
FAIL=0

# Unit tests (cmocka): count what it reports.
if [[ -z ${ONLY:-} ]]; then
	unit_out=$(./tests/unit 2>&1)
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
fi

dcdir=$(mktemp -d /tmp/setspn-dc.XXXXXX)
cleanup() {
	bash tests/dc/testdc.sh stop "$dcdir" >/dev/null 2>&1
	rm -rf "$dcdir"
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
summary

echo "$PASS passed, $FAIL failed"
((FAIL == 0))
