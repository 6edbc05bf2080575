# shellcheck shell=bash
# What make bench and make bench-scale share: timing a command and the
# median of the times.  The caller sets dcdir (its scratch directory) and
# BENCH_NAME (the prefix of its messages).

# measure NAME CMD...: appends "wall_seconds max_rss_kib" to $dcdir/NAME
# (wall time from the shell's microsecond clock, RSS from GNU time).
measure() {
	local name=$1 t0 t1 rc
	shift
	t0=$EPOCHREALTIME
	/usr/bin/time -f '%M' -o "$dcdir/t" "$@" >/dev/null 2>"$dcdir/err"
	rc=$?
	t1=$EPOCHREALTIME
	# setspn -X exits 1 when it finds duplicates; anything else is a failure.
	if ((rc > 1)); then
		echo "$BENCH_NAME: $name failed ($rc): $(cat "$dcdir/err")" >&2
		exit 1
	fi
	printf '%s %s\n' "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')" \
		"$(tail -1 "$dcdir/t")" >>"$dcdir/$name"
}

# median FILE COLUMN
median() {
	sort -n -k"$2" "$1" | awk -v c="$2" '{v[NR]=$c} END {print v[int((NR+1)/2)]}'
}
