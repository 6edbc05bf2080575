# shellcheck shell=bash
# Sourced: name resolution on loopback only, for scripts that run setspn
# --verify outside the test suite (make demo, make bench), so that its DNS
# check never asks the host's resolver.  After ". tests/dc/loopdns.sh"
# and the test DC's env file:
#   loopdns_start DIR "A name.spn.test 127.0.0.60" ...   (fakedns.py zone lines)
#   loopdns setspn --verify ...                          (runs with it)
#   env "${LOOPDNS_ENV[@]}" setspn ...                   (the same, for exec)
#   loopdns_stop
loopdns_start() {
	local dir=$1 _
	shift
	LOOPDNS_ADDR=127.0.2.${TESTDC_IP##*.}
	printf '%s\n' "$@" >"$dir/loopdns.zone"
	printf 'nameserver %s\n' "$LOOPDNS_ADDR" >"$dir/loopdns.resolv"
	printf '%s localhost\n' "$TESTDC_IP" >"$dir/loopdns.hosts"
	LOOPDNS_ENV=(LD_PRELOAD=libresolv_wrapper.so:libnss_wrapper.so
		"RESOLV_WRAPPER_CONF=$dir/loopdns.resolv"
		"NSS_WRAPPER_HOSTS=$dir/loopdns.hosts")
	rm -f "$dir/loopdns.ready"
	python3 tests/dc/fakedns.py "$LOOPDNS_ADDR" "$dir/loopdns.zone" \
		--lifetime 900 --ready "$dir/loopdns.ready" &
	LOOPDNS_PID=$!
	for _ in $(seq 50); do
		[[ -e $dir/loopdns.ready ]] && return 0
		sleep 0.1
	done
	echo "loopdns: the fake DNS on $LOOPDNS_ADDR did not start" >&2
	return 1
}

loopdns() {
	env "${LOOPDNS_ENV[@]}" "$@"
}

loopdns_stop() {
	[[ -n ${LOOPDNS_PID:-} ]] && kill "$LOOPDNS_PID" 2>/dev/null
	wait "${LOOPDNS_PID:-}" 2>/dev/null
	LOOPDNS_PID=
}
