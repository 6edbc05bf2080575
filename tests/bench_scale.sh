#!/bin/bash
# make bench-scale: the duplicate scan (-X) against ldapsearch of the same
# attribute, at several directory sizes, on one throwaway DC: time and peak
# RSS of both, alternating runs, medians of RUNS (default 5).  Not part of
# make check.
#
#   SIZES="3000 10000 30000"  computers, 3 SPNs each (built in this order)
#   RUNS=5                    runs of each tool per size
#   SETSPN=./setspn           the binary to measure (copied first)
#   BEFORE=/path/to/setspn    also measure this one (say, an older build):
#                             two more columns
#
# The DC refuses duplicates and adding computers over LDAP is slow, so the
# computers are written offline (ldbadd into the stopped DC's domain
# partition), cloned from one computer added over LDAP (its security
# descriptor, objectCategory, ... are the DC's own), with three duplicate
# groups planted at every size.  Each size's partition is kept in
# tests/.cache (keyed by the provisioned image) so later runs start fast;
# delete tests/.cache/scale-* to rebuild.  Prints one markdown table.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
RUNS=${RUNS:-5}
SIZES=${SIZES:-3000 10000 30000}
SETSPN_BIN=${SETSPN:-./setspn}
PY=/usr/bin/python3

die() {
	echo "bench-scale: $*" >&2
	exit 1
}
say() { echo "bench-scale: $*" >&2; }

command -v /usr/bin/time >/dev/null || die "needs GNU time (apt-get install time)"
command -v ldbadd >/dev/null || die "needs ldbadd (apt-get install ldb-tools)"
[[ -x $PY ]] || die "needs $PY"
[[ -x $SETSPN_BIN ]] || die "no $SETSPN_BIN (make setspn)"

dcdir=$(mktemp -d /tmp/setspn-scale.XXXXXX)
trap '[[ -z ${fake_pid:-} ]] || kill "$fake_pid" 2>/dev/null; bash tests/dc/testdc.sh stop "$dcdir" >/dev/null 2>&1; rm -rf "$dcdir"' EXIT
bash tests/dc/testdc.sh start "$dcdir" >/dev/null || exit 1
# shellcheck disable=SC1091
. "$dcdir/env"
cp "$SETSPN_BIN" "$dcdir/setspn"
SETSPN=$dcdir/setspn
BEFORE_BIN=
if [[ -n ${BEFORE:-} ]]; then
	[[ -x $BEFORE ]] || die "BEFORE=$BEFORE is not executable"
	cp "$BEFORE" "$dcdir/setspn-before"
	BEFORE_BIN=$dcdir/setspn-before
fi
B=$(ldapsearch -Q -Y GSSAPI -LLL -H "$TESTDC_URI" -s base -b "" defaultNamingContext | sed -n 's/^defaultNamingContext: //p')
C="CN=Computers,$B"
PART="$dcdir/private/sam.ldb.d/DC=SPN,DC=TEST.ldb"

# The cache belongs to the provisioned image the DC was restored from.
image=
for f in tests/.cache/dc-*.tar; do [[ -f $f && $f -nt $image ]] && image=$f; done
[[ -n $image ]] || die "no provisioned image in tests/.cache"
key=$(stat -c '%s-%Y' "$image")

# One computer made by the DC, without SPNs: the template of the clones.
printf 'dn: CN=SCALE-TMPL,%s\nobjectClass: computer\nsAMAccountName: SCALE-TMPL$\nuserAccountControl: 4096\ndNSHostName: scale-tmpl.spn.test\n\n' "$C" |
	ldapadd -Q -Y GSSAPI -H "$TESTDC_URI" >/dev/null || die "ldapadd of the template failed"
bash tests/dc/testdc.sh stop "$dcdir" >/dev/null
ldbsearch -H "tdb://$PART" "(cn=SCALE-TMPL)" >"$dcdir/tmpl.ldif" || die "ldbsearch failed"
grep -q '^nTSecurityDescriptor' "$dcdir/tmpl.ldif" || die "template without a security descriptor"

# gen FIRST LAST: LDIF of computers SC<FIRST>..SC<LAST> (three SPNs each),
# with three duplicate groups among the first four and last three:
# a case-only pair, an exact pair and one value on three accounts.
gen() {
	"$PY" - "$dcdir/tmpl.ldif" "$1" "$2" <<-'EOF'
		import sys, re
		tmpl, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
		lines = []
		for l in open(tmpl):
		    l = l.rstrip("\n")
		    if l.startswith("#") or not l:
		        continue
		    if l.startswith(" "):
		        lines[-1] += l[1:]
		    else:
		        lines.append(l)
		extra = {
		    first: ["HTTP/SC%06d.SPN.TEST" % (first + 1)],   # case-only pair
		    first + 2: ["HOST/SC%06d" % (first + 3)],        # exact pair
		    last - 2: ["MSSQLSvc/dup%06d.spn.test:1433" % last],
		    last - 1: ["MSSQLSvc/dup%06d.spn.test:1433" % last],
		    last: ["MSSQLSvc/dup%06d.spn.test:1433" % last],
		}
		out = sys.stdout
		for i in range(first, last + 1):
		    n = "SC%06d" % i
		    rec = []
		    for l in lines:
		        k = l.split(":", 1)[0]
		        if k == "servicePrincipalName":
		            continue
		        l = l.replace("SCALE-TMPL", n).replace("scale-tmpl", n.lower())
		        if k == "objectGUID":
		            # ordered, above the DC's own: index lists grow at the end
		            l = "objectGUID: ffffffff-ffff-ffff-%04x-%012x" % (i >> 48, i & 0xffffffffffff)
		        elif k == "objectSid":
		            l = re.sub(r"-\d+$", "-%d" % (1000000 + i), l)
		        rec.append(l)
		    h = n.lower()
		    rec += ["servicePrincipalName: " + v for v in
		            ["HOST/" + n, "HOST/%s.spn.test" % h, "HTTP/%s.spn.test" % h]
		            + extra.get(i, [])]
		    out.write("\n".join(rec) + "\n\n")
	EOF
}

BENCH_NAME=bench-scale
# shellcheck source=tests/benchlib.sh
. tests/benchlib.sh

rows=()
FAKE_SETSPN=()
FAKE_LDAPSEARCH=()
fake_pid=
# measure_size LABEL VALUES URI BASE: RUNS alternating pairs against the
# directory at URI, one table row.
measure_size() {
	local label=$1 values=$2 uri=$3 base=$4 r tl ts ml ms before=
	local auth=(-Q -Y GSSAPI)
	((${#FAKE_LDAPSEARCH[@]} == 0)) || auth=("${FAKE_LDAPSEARCH[@]}")
	rm -f "$dcdir/ls" "$dcdir/sx" "$dcdir/bx"
	for ((r = 1; r <= RUNS; r++)); do
		measure ls ldapsearch "${auth[@]}" -LLL -H "$uri" -b "$base" \
			-E pr=1000/noprompt '(servicePrincipalName=*)' servicePrincipalName
		measure sx "$SETSPN" -H "$uri" "${FAKE_SETSPN[@]}" -X -P
		[[ -z $BEFORE_BIN ]] || measure bx "$BEFORE_BIN" -H "$uri" "${FAKE_SETSPN[@]}" -X -P
	done
	tl=$(median "$dcdir/ls" 1)
	ts=$(median "$dcdir/sx" 1)
	ml=$(median "$dcdir/ls" 2)
	ms=$(median "$dcdir/sx" 2)
	if [[ -n $BEFORE_BIN ]]; then
		before=$(awk -v t="$(median "$dcdir/bx" 1)" -v m="$(median "$dcdir/bx" 2)" \
			'BEGIN { printf " %.3f | %.1f |", t, m / 1024 }')
	fi
	rows+=("$(awk -v l="$label" -v v="$values" -v tl="$tl" -v ts="$ts" -v ml="$ml" -v ms="$ms" 'BEGIN {
		printf "| %s | %d | %.3f | %.3f | %.2f | %.1f | %.1f | %.0f |",
			l, v, tl, ts, ts / tl, ml / 1024, ms / 1024, (ms - ml) * 1024 / v }')$before")
}

# --- the million-value row -----------------------------------------------
# The scripted LDAP server (tests/fakeldap) serves 333,333 computers x 3
# SPNs made on the fly, in pages of 1,000, plus four planted accounts
# making three duplicate groups, over ldaps with a simple bind (no test DC
# holds a million values in reasonable time).  MILLION=0 skips it;
# RUNS_MILLION runs of each tool (default 3).
bench_million() {
	local fk=$dcdir/fake port i runs=${RUNS_MILLION:-3} fb=DC=spn,DC=test out values=1000003
	[[ ${MILLION:-1} != 0 ]] || return 0
	mkdir -p "$fk"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$fk/key.pem" -out "$fk/cert.pem" \
		-days 2 -subj /CN=fakeldap -addext "subjectAltName=IP:127.0.0.1" >/dev/null 2>&1 ||
		die "openssl failed"
	echo secret >"$fk/pw"
	chmod 600 "$fk/pw"
	cat >"$fk/s.json" <<-JSON
		{"max_page_size": 1000, "entries": [
		  {"generate": {"count": 333333, "start": 0,
		    "dn": "CN=H{i},CN=Computers,$fb",
		    "attrs": {"objectClass": ["computer"], "sAMAccountName": ["H{i}\$"],
		      "servicePrincipalName": ["HOST/H{i}", "HOST/h{i}.spn.test", "HTTP/h{i}.spn.test"]}}},
		  {"dn": "CN=DUPA,CN=Computers,$fb", "attrs": {"objectClass": ["computer"],
		    "sAMAccountName": ["DUPA\$"], "servicePrincipalName": ["host/h17"]}},
		  {"dn": "CN=DUPB,CN=Computers,$fb", "attrs": {"objectClass": ["computer"],
		    "sAMAccountName": ["DUPB\$"], "servicePrincipalName": ["HTTP/h333000.spn.test", "MSSQLSvc/planted.spn.test:1433"]}},
		  {"dn": "CN=DUPC,CN=Computers,$fb", "attrs": {"objectClass": ["computer"],
		    "sAMAccountName": ["DUPC\$"], "servicePrincipalName": ["MSSQLSvc/PLANTED.spn.test:1433"]}}
		]}
	JSON
	python3 tests/fakeldap/fakeldap.py --scenario "$fk/s.json" --tls "$fk/cert.pem" "$fk/key.pem" \
		--port 0 --port-file "$fk/port" --max-seconds 7200 >"$fk/out" 2>&1 &
	fake_pid=$!
	for ((i = 0; i < 100; i++)); do [[ -s $fk/port ]] && break; sleep 0.1; done
	[[ -s $fk/port ]] || die "the scripted server did not start: $(cat "$fk/out")"
	port=$(cat "$fk/port")
	export LDAPCONF=/dev/null LDAPRC=none LDAPTLS_CACERT=$fk/cert.pem
	FAKE_SETSPN=(--cacert "$fk/cert.pem" --simple --bind-dn "CN=admin,$fb" --password-file "$fk/pw")
	FAKE_LDAPSEARCH=(-x -D "CN=admin,$fb" -y "$fk/pw")
	out=$("$SETSPN" -H "ldaps://127.0.0.1:$port" "${FAKE_SETSPN[@]}" -X -P 2>&1)
	[[ $out == *"found 3 group of duplicate SPNs."* ]] ||
		die "-X against the scripted server did not find the 3 planted groups: $(tail -5 <<<"$out")"
	say "1,000,003 values (scripted server), 3 groups found: measuring, $runs runs"
	RUNS=$runs measure_size "333,336 accounts (scripted server)" "$values" "ldaps://127.0.0.1:$port" "$fb"
	kill "$fake_pid" 2>/dev/null
	wait "$fake_pid" 2>/dev/null
	unset LDAPCONF LDAPRC LDAPTLS_CACERT
	FAKE_SETSPN=()
	FAKE_LDAPSEARCH=()
}

# The DC is stopped as briefly as possible: while it is down, other test
# runs on this machine may take its address, so restarts are retried.
restart_dc() {
	local i
	for ((i = 0; i < 60; i++)); do
		bash tests/dc/testdc.sh restart "$dcdir" >"$dcdir/restart.log" 2>&1 && return 0
		sleep 2
	done
	die "the DC did not start again: $(cat "$dcdir/restart.log")"
}
# swap_in FILE: FILE becomes the DC's domain partition.
swap_in() {
	bash tests/dc/testdc.sh stop "$dcdir" >/dev/null
	mv -f "$1" "$PART"
	restart_dc
}
restart_dc

have=0 # computers in the DC's partition now
planted=0
for n in $SIZES; do
	((n > have + 3)) || die "SIZES must grow by more than 3 each: $SIZES"
	cache=tests/.cache/scale-$key-$n.ldb
	planted=$((planted + 3))
	if [[ -f $cache ]]; then
		say "$n computers: from $cache"
		cp "$cache" "$PART.next"
	else
		say "$n computers: adding $((n - have)) offline (slow: the DC's index lists grow with every add)"
		t0=$EPOCHREALTIME
		# Into a copy, while the DC keeps its address.
		bash tests/dc/testdc.sh stop "$dcdir" >/dev/null
		cp "$PART" "$PART.next"
		restart_dc
		gen $((have + 1)) "$n" >"$dcdir/add.ldif" || die "LDIF generation failed"
		ldbadd -H "tdb://$PART.next" "$dcdir/add.ldif" >"$dcdir/ldbadd.log" 2>&1 ||
			die "ldbadd failed: $(tail -3 "$dcdir/ldbadd.log")"
		rm -f "$dcdir/add.ldif"
		cp "$PART.next" "$cache.tmp.$$" && mv "$cache.tmp.$$" "$cache"
		say "$n computers: added in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.0f", b-a}') s"
	fi
	swap_in "$PART.next"
	# shellcheck disable=SC1091
	. "$dcdir/env"
	have=$n
	# The DC serves them all, and -X finds every planted group.
	got=$(ldapsearch -Q -Y GSSAPI -LLL -H "$TESTDC_URI" -b "$C" -E pr=1000/noprompt \
		'(&(cn=SC*)(servicePrincipalName=*))' dn | grep -c '^dn:')
	[[ $got == "$n" ]] || die "the DC serves $got of $n computers"
	out=$("$SETSPN" -X -P 2>&1)
	[[ $out == *"found $planted group of duplicate SPNs."* ]] ||
		die "-X at $n computers did not find the $planted planted groups: $(tail -3 <<<"$out")"
	values=$(ldapsearch -Q -Y GSSAPI -LLL -H "$TESTDC_URI" -b "$B" -E pr=1000/noprompt \
		'(servicePrincipalName=*)' servicePrincipalName | grep -c '^servicePrincipalName:')
	say "$n computers, $values values, $planted groups found: measuring"
	measure_size "$n computers" "$values" "$TESTDC_URI" "$B"
done
bench_million

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
echo
echo "Machine: $(uname -sm), $(nproc) cores, ${cpu:-unknown CPU}; Samba $(samba --version | sed 's/Version //'), $(ldapsearch -VV 2>&1 | sed -n 's/.*ldapsearch \([0-9.]*\).*/OpenLDAP \1/p' | head -1)"
echo "-X vs ldapsearch -E pr=1000 '(servicePrincipalName=*)' servicePrincipalName; medians of $RUNS alternating runs."
echo
if [[ -n $BEFORE_BIN ]]; then
	echo "| directory | values | ldapsearch (s) | setspn -X (s) | ratio | ldapsearch RSS (MiB) | setspn RSS (MiB) | bytes/value over ldapsearch | before: -X (s) | before: RSS (MiB) |"
	echo "|---|---|---|---|---|---|---|---|---|---|"
else
	echo "| directory | values | ldapsearch (s) | setspn -X (s) | ratio | ldapsearch RSS (MiB) | setspn RSS (MiB) | bytes/value over ldapsearch |"
	echo "|---|---|---|---|---|---|---|---|"
fi
printf '%s\n' "${rows[@]}"
