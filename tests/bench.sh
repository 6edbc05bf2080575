#!/bin/bash
# make bench: setspn against OpenLDAP's own tools doing the same LDAP work
# on one throwaway DC, in one run, alternating, medians of RUNS (default 5);
# a ratio is the median of the rounds' ratios.
# Builds its own directory of COMPUTERS (default 3000) computers with three
# SPNs each.  BATCHES (default "1000 5000") are the sizes of the checked
# batches timed against ldapmodify -f (a batch longer than COMPUTERS goes
# round the computers again).  Prints a table of medians and ratios; not
# part of make check.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
RUNS=${RUNS:-5}
COMPUTERS=${COMPUTERS:-3000}
BATCHES=${BATCHES:-${BATCH:-1000 5000}}
LOOP=${LOOP:-200}

command -v /usr/bin/time >/dev/null || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 1; }
dcdir=$(mktemp -d /tmp/setspn-bench.XXXXXX)
# shellcheck source=tests/dc/loopdns.sh
. tests/dc/loopdns.sh
loc_pids=()
trap 'loopdns_stop; kill "${loc_pids[@]}" 2>/dev/null; bash tests/dc/testdc.sh stop "$dcdir" >/dev/null 2>&1; rm -rf "$dcdir"' EXIT
bash tests/dc/testdc.sh start "$dcdir" >/dev/null || exit 1
# shellcheck disable=SC1091
. "$dcdir/env"
# --verify's DNS check resolves on loopback only, never through the host's
# resolver.
loopdns_start "$dcdir" "A b00003.spn.test 127.0.0.60" || exit 1
# A copy, so a rebuild during the run measures nothing half-way.
cp setspn "$dcdir/setspn"
SETSPN=$dcdir/setspn
B=$(ldapsearch -Q -Y GSSAPI -LLL -H "$TESTDC_URI" -s base -b "" defaultNamingContext | sed -n 's/^defaultNamingContext: //p')
C="CN=Computers,$B"

echo "bench: adding $COMPUTERS computers with 3 SPNs each..." >&2
t0=$EPOCHREALTIME
for ((i = 1; i <= COMPUTERS; i++)); do
	printf 'dn: CN=B%05d,%s\nobjectClass: computer\nsAMAccountName: B%05d$\ndNSHostName: b%05d.spn.test\nuserAccountControl: 4096\nservicePrincipalName: HOST/B%05d\nservicePrincipalName: HOST/b%05d.spn.test\nservicePrincipalName: HTTP/b%05d.spn.test\n\n' \
		"$i" "$C" "$i" "$i" "$i" "$i" "$i"
done | ldapadd -Q -Y GSSAPI -H "$TESTDC_URI" >/dev/null || { echo "bench: ldapadd failed" >&2; exit 1; }
# One computer with a password, so the KDC has a key for its SPNs.
pw=$(printf '"%s"' 'Bench-Pass-1!' | iconv -t UTF-16LE | base64 -w0)
printf 'dn: CN=B00003,%s\nchangetype: modify\nreplace: unicodePwd\nunicodePwd:: %s\n' "$C" "$pw" |
	ldapmodify -Q -Y GSSAPI -H "$TESTDC_URI" >/dev/null || { echo "bench: setting a password failed" >&2; exit 1; }
echo "bench: directory built in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}') s" >&2

BENCH_NAME=bench
# shellcheck source=tests/benchlib.sh
. tests/benchlib.sh

# --verify must really get its ticket, or it would be timed doing less.
loopdns "$SETSPN" --verify HTTP/b00003.spn.test B00003 | grep -q '^ok   ticket' ||
	{ echo "bench: --verify got no ticket for HTTP/b00003.spn.test" >&2; exit 1; }

# 6. Finding the DC: three SRV candidates that never answer (black holes,
# first in DNS order) and the live DC, at the default --timeout.  The
# locator pings them at once; before it, the candidates were tried one
# after another in SRV order, which -H with the same list still does.
n=${TESTDC_IP##*.}
loc_holes=(127.0.6.$n 127.0.7.$n 127.0.8.$n)
for a in "${loc_holes[@]}"; do
	rm -f "$dcdir/hole.ready"
	python3 tests/dc/blackhole.py "$a" 389 --lifetime 3600 --ready "$dcdir/hole.ready" &
	loc_pids+=($!)
	for _ in $(seq 50); do [[ -e $dcdir/hole.ready ]] && break; sleep 0.1; done
done
printf 'SRV _ldap._tcp.dc._msdcs.spn.test 0 100 389 hole%d.spn.test\n' 1 2 3 >"$dcdir/loc.zone"
printf 'SRV _ldap._tcp.dc._msdcs.spn.test 10 100 389 dc1.spn.test\n' >>"$dcdir/loc.zone"
{
	printf '%s dc1.spn.test\n' "$TESTDC_IP"
	printf '%s hole1.spn.test\n%s hole2.spn.test\n%s hole3.spn.test\n' "${loc_holes[@]}"
} >"$dcdir/loc.hosts"
printf 'nameserver 127.0.5.%s\n' "$n" >"$dcdir/loc.resolv"
printf 'SASL_NOCANON on\n' >"$dcdir/loc.ldap.conf"
rm -f "$dcdir/loc.ready"
python3 tests/dc/fakedns.py "127.0.5.$n" "$dcdir/loc.zone" --lifetime 3600 --ready "$dcdir/loc.ready" &
loc_pids+=($!)
for _ in $(seq 50); do [[ -e $dcdir/loc.ready ]] && break; sleep 0.1; done
LOC_ENV=(LD_PRELOAD=libresolv_wrapper.so:libnss_wrapper.so "RESOLV_WRAPPER_CONF=$dcdir/loc.resolv"
	"NSS_WRAPPER_HOSTS=$dcdir/loc.hosts" "LDAPCONF=$dcdir/loc.ldap.conf")
# The dead DCs' names have SPNs (on B00003, which has keys), as real DCs'
# do: the old search got its ticket and waited on each bind.
printf 'dn: CN=B00003,%s\nchangetype: modify\nadd: servicePrincipalName\nservicePrincipalName: ldap/hole1.spn.test\nservicePrincipalName: ldap/hole2.spn.test\nservicePrincipalName: ldap/hole3.spn.test\n-\n' "$C" |
	ldapmodify -Q -Y GSSAPI -H "$TESTDC_URI" >/dev/null || { echo "bench: adding the dead DCs' SPNs failed" >&2; exit 1; }
LOC_SEQ="ldap://hole1.spn.test:389 ldap://hole2.spn.test:389 ldap://hole3.spn.test:389 ldap://dc1.spn.test:389"
env "${LOC_ENV[@]}" "$SETSPN" -L B00001 >/dev/null ||
	{ echo "bench: the locator found no DC among 3 dead + 1 live" >&2; exit 1; }

for ((r = 1; r <= RUNS; r++)); do
	echo "bench: round $r of $RUNS" >&2
	# 1. The duplicate scan against the same paged search.
	measure ldapsearch_x ldapsearch -Q -Y GSSAPI -LLL -H "$TESTDC_URI" -b "$B" \
		-E pr=1000/noprompt '(servicePrincipalName=*)' servicePrincipalName
	measure setspn_x "$SETSPN" -X -P

	# 2. Checked adds against the same adds unchecked, fresh values.  Each
	# add makes the next one on that account dearer (one more value), so
	# the two take turns going first.
	for size in $BATCHES; do
		: >"$dcdir/batch.$r"
		: >"$dcdir/ldif.$r"
		for ((i = 1; i <= size; i++)); do
			b=$(((i - 1) % COMPUTERS + 1))
			printf -- '-S SVC%d-%d-%d/b%05d.spn.test B%05d\n' "$r" "$size" "$i" "$b" "$b" >>"$dcdir/batch.$r"
			printf 'dn: CN=B%05d,%s\nchangetype: modify\nadd: servicePrincipalName\nservicePrincipalName: LDM%d-%d-%d/b%05d.spn.test\n-\n\n' \
				"$b" "$C" "$r" "$size" "$i" "$b" >>"$dcdir/ldif.$r"
		done
		if ((r % 2)); then
			measure "ldapmodify_batch$size" ldapmodify -Q -Y GSSAPI -H "$TESTDC_URI" -f "$dcdir/ldif.$r"
			measure "setspn_batch$size" "$SETSPN" --batch "$dcdir/batch.$r"
		else
			measure "setspn_batch$size" "$SETSPN" --batch "$dcdir/batch.$r"
			measure "ldapmodify_batch$size" ldapmodify -Q -Y GSSAPI -H "$TESTDC_URI" -f "$dcdir/ldif.$r"
		fi
	done

	# 3. LOOP adds as a shell loop of -S, one process and bind each, and
	# as one --batch.
	: >"$dcdir/loop.$r"
	for ((i = 1; i <= LOOP; i++)); do
		printf -- '-S LOOPB%d-%d/b%05d.spn.test B%05d\n' "$r" "$i" "$i" "$i" >>"$dcdir/loop.$r"
	done
	measure setspn_loop sh -c 'i=1; while [ "$i" -le "$2" ]; do
		b=$(printf "%05d" "$i"); "$1" -S "LOOPS$3-$i/b$b.spn.test" "B$b" || exit 2; i=$((i + 1)); done' \
		sh "$SETSPN" "$LOOP" "$r"
	measure setspn_loopbatch "$SETSPN" --batch "$dcdir/loop.$r"

	# 4. One add, process start to exit.
	printf 'dn: CN=B00001,%s\nchangetype: modify\nadd: servicePrincipalName\nservicePrincipalName: ONE%d/ldm.spn.test\n-\n' "$C" "$r" >"$dcdir/one.$r"
	measure ldapmodify_one ldapmodify -Q -Y GSSAPI -H "$TESTDC_URI" -f "$dcdir/one.$r"
	measure setspn_one "$SETSPN" -S "ONE$r/setspn.spn.test" B00002

	# 5. --verify of one SPN against what an admin would run by hand: kvno
	# (a fresh ticket: a private copy of the cache each time) plus one
	# ldapsearch of its holders.
	cp "${KRB5CCNAME#FILE:}" "$dcdir/cc.$r"
	measure kvno_ldapsearch sh -c 'KRB5CCNAME=FILE:$1 kvno -q HTTP/b00003.spn.test && ldapsearch -Q -Y GSSAPI -LLL -H "$2" -b "$3" "(servicePrincipalName=HTTP/b00003.spn.test)" dn' \
		sh "$dcdir/cc.$r" "$TESTDC_URI" "$B"
	measure setspn_verify env "${LOOPDNS_ENV[@]}" "$SETSPN" --verify HTTP/b00003.spn.test B00003

	# 6. The DC found among 3 dead + 1 live candidates (about 30 s the
	# old way: --timeout, 10 s, per dead DC).
	measure locate_pings env "${LOC_ENV[@]}" "$SETSPN" -L B00001
	measure locate_sequential env "${LOC_ENV[@]}" "$SETSPN" -H "$LOC_SEQ" -L B00001
done

# The ratio is the median of the rounds' own ratios: the two commands of a
# round run back to back, so what drifts between rounds (the disk's fsync
# latency, the growing directory) weighs on both alike.  The last column
# gives the rounds' lowest and highest ratio.
row() { # LABEL SETSPN_FILE OPENLDAP_FILE TARGET
	local s o
	s=$(median "$dcdir/$2" 1)
	o=$(median "$dcdir/$3" 1)
	paste -d' ' "$dcdir/$2" "$dcdir/$3" | awk '{ print ($3 > 0) ? $1 / $3 : 0 }' | sort -g |
		awk -v l="$1" -v s="$s" -v o="$o" -v t="$4" '
		{ r[NR] = $1 }
		END {
			n = NR
			m = (n % 2) ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2
			printf "| %-44s | %8.4f | %8.4f | %5.2f | %-6s | %s | %.2f-%.2f |\n",
				l, s, o, m, "<= " t, (m <= t) ? "met" : "MISSED", r[1], r[n] }'
}
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
echo
echo "Machine: $(uname -sm), $(nproc) cores, ${cpu:-unknown CPU}; Samba $(samba --version | sed 's/Version //'), $(ldapsearch -VV 2>&1 | sed -n 's/.*ldapsearch \([0-9.]*\).*/OpenLDAP \1/p' | head -1)"
echo "Directory: $COMPUTERS computers x 3 SPNs; medians of $RUNS alternating runs (seconds)."
echo
echo "| what | setspn | OpenLDAP | ratio | target | | rounds |"
echo "|---|---|---|---|---|---|---|"
row "-X vs ldapsearch -E pr=1000 (SPN=*)" setspn_x ldapsearch_x 1.25
for size in $BATCHES; do
	row "--batch of $size checked adds vs ldapmodify -f" "setspn_batch$size" "ldapmodify_batch$size" 1.1
done
row "one -S vs one ldapmodify add" setspn_one ldapmodify_one 2
row "--verify of one SPN vs kvno + ldapsearch" setspn_verify kvno_ldapsearch 1.5
# Not against OpenLDAP: the locator against the sequential search it
# replaced (the ratio is new / old; target: at least 10 x faster).
row "-L, 3 dead + 1 live DCs: pings vs one by one" locate_pings locate_sequential 0.1
awk -v b="$(median "$dcdir/setspn_loopbatch" 1)" -v l="$(median "$dcdir/setspn_loop" 1)" -v n="$LOOP" \
	'BEGIN { printf "\n--batch of %d checked adds: %.3f s; a shell loop of %d setspn -S: %.3f s (the batch %.1fx faster)\n", n, b, n, l, l / b }'
rss=$(median "$dcdir/setspn_x" 2)
awk -v k="$rss" 'BEGIN { printf "\n-X peak RSS: %.1f MiB (target <= 32 MiB: %s)\n", k / 1024, (k <= 32768) ? "met" : "MISSED" }'
