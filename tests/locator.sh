# The DC locator: LDAP pings to the SRV candidates at once, the client's
# site learnt from the answers (sites and subnets made on the test DC, and
# removed again), a writable DC for writes (a read-only DC's answer played
# by tests/fakeldap/cldap.py: see below), and no wait on DCs that never
# answer (tests/dc/blackhole.py).  DNS from tests/dc/fakedns.py, host names
# from nss_wrapper.  Sourced after tests/connect.sh.
#
# A read-only DC: "samba-tool domain join spn.test RODC" does join on
# loopback beside a DC running the rpc and drepl services (as
# tests/dc/twodc.sh starts them), and its ping answer, flags 0x08bc (no
# WRITABLE, RODC), is a unit-test fixture (tests/unit/netlogon.c); but
# tests/dc/testdc.sh's start of the joined RODC waits for ever on kinit
# Administrator against the RODC's KDC (which holds no Administrator
# secret), so here the RODC's answer is played by tests/fakeldap/cldap.py
# with the same flags.

N=${TESTDC_IP##*.}
L_DIR=$TESTDC_DIR/locator
mkdir -p "$L_DIR"
printf 'SASL_NOCANON on\n' >"$L_DIR/ldap.conf"
L_DNS=127.0.5.$N
L_HOLES=(127.0.6.$N 127.0.7.$N 127.0.8.$N)
L_RODC=127.0.9.$N
{
	printf '%s dc1.spn.test dc1\n%s localhost\n' "$TESTDC_IP" "$TESTDC_IP"
	printf '%s hole1.spn.test\n%s hole2.spn.test\n%s hole3.spn.test\n' "${L_HOLES[@]}"
	printf '%s rodc.spn.test\n127.0.0.99 dead.spn.test\n' "$L_RODC"
} >"$L_DIR/hosts"
printf 'nameserver %s\n' "$L_DNS" >"$L_DIR/resolv.conf"
L_PIDS=()

# l_serve ZONE-LINES...: the fake DNS with those records, until l_stop.
l_serve() {
	printf '%s\n' "$@" >"$L_DIR/zone"
	rm -f "$L_DIR/dns.ready"
	python3 tests/dc/fakedns.py "$L_DNS" "$L_DIR/zone" --lifetime 300 --ready "$L_DIR/dns.ready" &
	L_PIDS+=($!)
	for _ in $(seq 50); do [[ -e $L_DIR/dns.ready ]] && break; sleep 0.1; done
}
l_stop() {
	local p
	for p in "${L_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${L_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	L_PIDS=()
}
# l_run ARGS...: setspn with that DNS, no URI configured; $secs: how long.
l_run() {
	local t0=$EPOCHREALTIME
	LD_PRELOAD=libresolv_wrapper.so:libnss_wrapper.so \
		RESOLV_WRAPPER_CONF=$L_DIR/resolv.conf NSS_WRAPPER_HOSTS=$L_DIR/hosts \
		LDAPCONF=$L_DIR/ldap.conf run "$@"
	secs=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
}
# Three addresses that take every ping and never answer.
l_holes() {
	local a
	for a in "${L_HOLES[@]}"; do
		rm -f "$L_DIR/hole.ready"
		python3 tests/dc/blackhole.py "$a" 389 --lifetime 300 --ready "$L_DIR/hole.ready" &
		L_PIDS+=($!)
		for _ in $(seq 50); do [[ -e $L_DIR/hole.ready ]] && break; sleep 0.1; done
	done
}
# The bound of the timed tests: 2 s; a sanitizer build (make SANITIZE=1
# check) starts and binds several times slower, so it gets 5.
L_LIMIT=2
[[ -z ${SETSPN_SANITIZE:-} ]] || L_LIMIT=5
SITE_SRV=_ldap._tcp.Branch-Site._sites.dc._msdcs.spn.test
DOM_SRV=_ldap._tcp.dc._msdcs.spn.test

t "locator: three DCs that never answer and one live: within 2 s at the default --timeout, 20 of 20 runs"
if ((!_skip)); then
	l_holes
	l_serve "SRV $DOM_SRV 0 100 389 hole1.spn.test" "SRV $DOM_SRV 0 100 389 hole2.spn.test" \
		"SRV $DOM_SRV 0 100 389 hole3.spn.test" "SRV $DOM_SRV 10 100 389 dc1.spn.test"
	times=()
	for i in $(seq 20); do
		l_run -L WEB01
		times+=("$secs")
		[[ $rc == 0 ]] || { rc 0; break; }
		awk -v s="$secs" -v l="$L_LIMIT" 'BEGIN { exit !(s < l) }' || _fail "run $i took $secs s"
	done
	printf '  note: 3 dead + 1 live, 20 runs: %s s\n' "$(printf '%s\n' "${times[@]}" | sort -g | sed -n '1p;$p' | paste -sd- -)"
	l_run -v -L WEB01
	rc 0
	err_has "locator: ping hole1.spn.test (${L_HOLES[0]}): no answer"
	err_has "locator: ping dc1.spn.test ($TESTDC_IP): answered in"
	err_has "connected to ldap://dc1.spn.test:389 (from DNS SRV $DOM_SRV (4 records))"
	l_stop
fi

t "locator: -v names the candidates, each ping, the client's site and why; --json the DC and site"
l_serve "SRV $DOM_SRV 0 100 389 dc1.spn.test" "SRV $DOM_SRV 0 100 389 dead.spn.test"
l_run -v -L WEB01
rc 0
err_has "locator: DNS SRV $DOM_SRV: 2 candidates:"
err_has "locator: ping dead.spn.test (127.0.0.99): refused (nothing listens on UDP 389)"
err_has "client site Default-First-Site-Name, flags PDC GC LDAP DS KDC CLOSEST WRITABLE"
err_has "locator: client site Default-First-Site-Name (from dc1.spn.test)"
err_has "locator: chose dc1.spn.test: the first to answer, in the client's site"
l_run --json -L WEB01
rc 0
same "site" "$(jq -r '.site + " " + .dc_site + " " + .dc' <<<"$out" 2>&1)" \
	"Default-First-Site-Name Default-First-Site-Name ldap://dc1.spn.test:389"
run --json -L WEB01
same "no site without the locator" "$(jq -c '[.site, .dc_site]' <<<"$out" 2>&1)" '[null,null]'
l_stop

# The test DC's subnet 127.0.0.0/8 in Branch-Site: the DC (in
# Default-First-Site-Name) then answers that the client is in Branch-Site,
# without the CLOSEST flag.
L_SMB=(-s "$TESTDC_DIR/etc/smb.conf")
t "locator: sites made on the test DC"
if ((!_skip)); then
	ok "sites create" samba-tool sites create Branch-Site "${L_SMB[@]}"
	ok "subnet create" samba-tool sites subnet create 127.0.0.0/8 Branch-Site "${L_SMB[@]}"
fi

t "locator: the client's site record asked for, and its DC preferred"
# The DC under two names it has SPNs for: localhost as the domain's DC,
# dc1.spn.test as Branch-Site's.
l_serve "SRV $DOM_SRV 0 100 389 localhost" "SRV $SITE_SRV 0 100 389 dc1.spn.test"
l_run -v -S HTTP/loc-site.spn.test WEB01
rc 0
err_has "client site Branch-Site, flags PDC GC LDAP DS KDC WRITABLE"
err_has "locator: client site Branch-Site (from localhost)"
err_has "locator: DNS SRV $SITE_SRV: 1 candidate: dc1.spn.test:389"
err_has "locator: chose dc1.spn.test: the first of the client's site to answer"
err_has "connected to ldap://dc1.spn.test:389 (from DNS SRV $SITE_SRV (1 record))"
out_has "Updated object"
l_run --json -L WEB01
same "json" "$(jq -r '.site + " " + .dc_site + " " + .dc' <<<"$out" 2>&1)" \
	"Branch-Site Default-First-Site-Name ldap://dc1.spn.test:389"
l_stop

t "locator: --site overrides the client's site"
l_serve "SRV $DOM_SRV 0 100 389 dc1.spn.test" "SRV $SITE_SRV 0 100 389 dc1.spn.test" \
	"SRV _ldap._tcp.Other-Site._sites.dc._msdcs.spn.test 0 100 389 localhost"
l_run -v --site Other-Site -L WEB01
rc 0
err_has "locator: DNS SRV _ldap._tcp.Other-Site._sites.dc._msdcs.spn.test: 1 candidate: localhost:389"
err_has "locator: chose localhost: the first of site --site to answer"
[[ $err != *"Branch-Site._sites"* ]] || _fail "the client's site was asked for" "$err"
l_run --json --site Other-Site -L WEB01
same "json site" "$(jq -r .site <<<"$out" 2>&1)" Other-Site
l_stop

t "locator: a site whose DC never answers: the domain's, within 2 s"
if ((!_skip)); then
	l_holes
	l_serve "SRV $DOM_SRV 0 100 389 dc1.spn.test" "SRV $SITE_SRV 0 100 389 hole1.spn.test"
	l_run -v -L WEB01
	rc 0
	err_has "locator: ping hole1.spn.test (${L_HOLES[0]}): no answer within 1000 ms"
	err_has "locator: chose dc1.spn.test: no DC of the client's site answered: the first of the domain to answer"
	awk -v s="$secs" -v l="$L_LIMIT" 'BEGIN { exit !(s < l) }' || _fail "took $secs s"
	out_has "Registered ServicePrincipalNames for $W1:"
	# --site of a site with no records at all: the domain's.
	l_run -v --site Nowhere -L WEB01
	rc 0
	err_has "locator: no DC of site Nowhere (--site) answered: the whole domain"
	err_has "no DC of site --site answered: the first of the domain to answer"
	l_stop
fi

t "locator: sites removed from the test DC"
if ((!_skip)); then
	ok "subnet remove" samba-tool sites subnet remove 127.0.0.0/8 "${L_SMB[@]}"
	ok "site remove" samba-tool sites remove Branch-Site "${L_SMB[@]}"
	ldapsearch -x -LLL -H "$TESTDC_URI" -b "" -s base "(&(DnsDomain=spn.test)(NtVer=\\06\\00\\00\\00))" Netlogon |
		grep -q 'netlogon:: FwAAAL0R' || _fail "the DC does not answer with flags 0x11bd again"
fi

t "locator: a write never goes to a read-only DC; a read may"
if ((!_skip)); then
	rm -f "$L_DIR/rodc.ready"
	python3 tests/fakeldap/cldap.py "$L_RODC" --host rodc.spn.test --flags 0x8bc \
		--lifetime 300 --ready "$L_DIR/rodc.ready" &
	L_PIDS+=($!)
	for _ in $(seq 50); do [[ -e $L_DIR/rodc.ready ]] && break; sleep 0.1; done
	# The read-only DC first in DNS order, and it answers first.
	l_serve "SRV $DOM_SRV 0 100 389 rodc.spn.test" "SRV $DOM_SRV 10 100 389 dc1.spn.test"
	l_run -v -S HTTP/loc-rodc.spn.test WEB01
	rc 0
	err_has "locator: ping rodc.spn.test ($L_RODC): answered in"
	err_has "flags GC LDAP DS KDC CLOSEST RODC; not taken: read-only: this run writes"
	err_has "locator: chose dc1.spn.test"
	err_has "connected to ldap://dc1.spn.test:389"
	[[ $err != *"ldap://rodc.spn.test"* ]] || _fail "a write was tried on the read-only DC" "$err"
	same "written on the writable DC" "$(spns "$W1" | grep -c loc-rodc)" 1
	# -D and --batch with a write: the same.
	printf -- '-L WEB01\n-D HTTP/loc-rodc.spn.test WEB01\n' >"$L_DIR/batch"
	l_run -v --batch "$L_DIR/batch"
	rc 0
	err_has "locator: chose dc1.spn.test"
	same "deleted" "$(spns "$W1" | grep -c loc-rodc)" 0
	# A read takes the first to answer, the read-only DC or not; the
	# read-only DC's LDAP port is closed here, so a connection to it falls
	# over to the next DC that answered the ping.
	l_run -v -L WEB01
	rc 0
	err_has "connected to ldap://dc1.spn.test:389"
	out_has "Registered ServicePrincipalNames for $W1:"
	l_stop
	# Only a read-only DC: a read is sent to it, a write refused.
	l_serve "SRV $DOM_SRV 0 100 389 rodc.spn.test"
	rm -f "$L_DIR/rodc.ready"
	python3 tests/fakeldap/cldap.py "$L_RODC" --host rodc.spn.test --flags 0x8bc \
		--lifetime 300 --ready "$L_DIR/rodc.ready" &
	L_PIDS+=($!)
	for _ in $(seq 50); do [[ -e $L_DIR/rodc.ready ]] && break; sleep 0.1; done
	l_run -v -L WEB01
	rc 4
	err_has "locator: chose rodc.spn.test: the first to answer"
	err_has "ldap://rodc.spn.test:389"
	l_run -S HTTP/loc-rodc2.spn.test WEB01
	rc 4
	err_line
	err_has "no writable DC answered: rodc.spn.test (read-only: this run writes)"
	l_stop
fi

t "locator: -H takes a bare host name as ldap://host"
run -v -H "${TESTDC_URI#ldap://}" -L WEB01
rc 0
err_has "connected to $TESTDC_URI:389 (from -H)"
