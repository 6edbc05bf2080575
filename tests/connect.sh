# Reaching the DC: how it is chosen (-H, ldap.conf, DNS SRV), TLS and
# channel binding, keytab and password credentials, and errors that name
# their cause.  Sourced after tests/scripting.sh (fixture and helpers).

N=${TESTDC_IP##*.}
WRAP_DIR=$TESTDC_DIR/wrap
mkdir -p "$WRAP_DIR"
printf 'SASL_NOCANON on\nTLS_CACERT %s\n' "$TESTDC_DIR/private/tls/ca.pem" >"$WRAP_DIR/ldap.conf"

# run_dns ZONE ARGS...: setspn with DNS answered by tests/dc/fakedns.py
# from ZONE and host names from $WRAP_DIR/hosts, no URI configured.
DNS_IP=127.0.1.$N
printf '%s dc1.spn.test dc1\n127.0.0.99 dead.spn.test\n' "$TESTDC_IP" >"$WRAP_DIR/hosts"
printf 'nameserver %s\n' "$DNS_IP" >"$WRAP_DIR/resolv.conf"
run_dns() {
	local zone=$1 pid
	shift
	rm -f "$WRAP_DIR/dns.ready"
	python3 tests/dc/fakedns.py "$DNS_IP" "$zone" --lifetime 30 --ready "$WRAP_DIR/dns.ready" &
	pid=$!
	for _ in $(seq 50); do [[ -e $WRAP_DIR/dns.ready ]] && break; sleep 0.1; done
	LD_PRELOAD=libresolv_wrapper.so:libnss_wrapper.so \
		RESOLV_WRAPPER_CONF=$WRAP_DIR/resolv.conf NSS_WRAPPER_HOSTS=$WRAP_DIR/hosts \
		LDAPCONF=$WRAP_DIR/ldap.conf run "$@"
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# ------------------------------------------------------- choosing the DC
t "-v names the DC chosen with -H"
run -v -H "$TESTDC_URI" -L WEB01
rc 0
err_has "(from -H)"

t "-v names the DC taken from ldap.conf"
run -v -L WEB01
rc 0
err_has "(from URI in ldap.conf)"

t "no -H and no URI: DNS SRV of the realm, the next DC when one does not answer"
cat >"$WRAP_DIR/zone1" <<EOF2
SRV _ldap._tcp.dc._msdcs.spn.test 0 100 389 dead.spn.test
SRV _ldap._tcp.dc._msdcs.spn.test 10 100 389 dc1.spn.test
EOF2
run_dns "$WRAP_DIR/zone1" -v --timeout 5 -L WEB01
rc 0
err_has "connected to ldap://dc1.spn.test:389 (from DNS SRV _ldap._tcp.dc._msdcs.spn.test (2 records))"
out_has "Registered ServicePrincipalNames for $W1:"

t "SRV falls back to _ldap._tcp.<domain>; --domain names the domain"
printf 'SRV _ldap._tcp.spn.test 0 0 389 dc1.spn.test\n' >"$WRAP_DIR/zone2"
run_dns "$WRAP_DIR/zone2" -v --domain SPN.TEST -L WEB01
rc 0
err_has "from DNS SRV _ldap._tcp.spn.test"

t "-F finds the Global Catalog through _ldap._tcp.gc._msdcs"
cat >"$WRAP_DIR/zone3" <<EOF2
SRV _ldap._tcp.dc._msdcs.spn.test 0 100 389 dc1.spn.test
SRV _ldap._tcp.gc._msdcs.spn.test 0 100 3268 dc1.spn.test
EOF2
run_dns "$WRAP_DIR/zone3" -v -F -Q HTTP/app.spn.test
rc 0
err_has "Global Catalog ldap://dc1.spn.test:3268, from DNS SRV _ldap._tcp.gc._msdcs.spn.test"
out_has "Checking forest $B"

t "no SRV records: exit 4 naming the lookup"
: >"$WRAP_DIR/zone4"
run_dns "$WRAP_DIR/zone4" -L WEB01
rc 4
err_line
err_has "_ldap._tcp.dc._msdcs.spn.test"

t "only dead DCs: exit 4 naming each"
printf 'SRV _ldap._tcp.dc._msdcs.spn.test 0 100 389 dead.spn.test\n' >"$WRAP_DIR/zone5"
run_dns "$WRAP_DIR/zone5" --timeout 3 -L WEB01
rc 4
err_has "ldap://dead.spn.test:389"

t "an SRV answer over 8 KiB (301 DCs, truncated over UDP, whole over TCP) is read whole"
{
	printf 'SRV _ldap._tcp.dc._msdcs.spn.test 0 100 389 dc1.spn.test\n'
	printf 'SRVS _ldap._tcp.dc._msdcs.spn.test 10 100 389 300 dc{i}.far.spn.test\n'
} >"$WRAP_DIR/zone6"
run_dns "$WRAP_DIR/zone6" -v -L WEB01
rc 0
err_has "connected to ldap://dc1.spn.test:389 (from DNS SRV _ldap._tcp.dc._msdcs.spn.test (301 records))"

t "equal-weight SRV targets: the first tried varies between runs"
if ((!_skip)); then
	printf 'SRV _ldap._tcp.dc._msdcs.spn.test 0 100 389 dead%s.spn.test\n' a b c >"$WRAP_DIR/zone7"
	cp "$WRAP_DIR/hosts" "$WRAP_DIR/hosts.saved"
	printf '127.0.0.99 dead%s.spn.test\n' a b c >>"$WRAP_DIR/hosts"
	firsts=()
	for _ in $(seq 20); do
		run_dns "$WRAP_DIR/zone7" --timeout 2 -L WEB01
		firsts+=("$(grep -o 'ldap://dead[abc]' <<<"$err" | head -n 1)")
	done
	mv "$WRAP_DIR/hosts.saved" "$WRAP_DIR/hosts"
	rc 4
	n=$(printf '%s\n' "${firsts[@]}" | sort -u | grep -c .)
	((n >= 2)) || _fail "20 runs all tried $(printf '%s ' "${firsts[@]}" | head -c 80) first"
fi

# ------------------------------------------------------------------ TLS
t "GSSAPI inside TLS on a DC that forbids it: exit 3 with the DC's words"
run -Z -L WEB01
rc 3
err_line
err_has "Strong(er) authentication required (8)"

t "simple bind over plain LDAP is refused before anything is sent: exit 2"
printf '%s\n' "$TESTDC_PASS" >"$WRAP_DIR/pass"
chmod 600 "$WRAP_DIR/pass"
run --simple --bind-dn "CN=Administrator,$U" --password-file "$WRAP_DIR/pass" -L WEB01
rc 2
err_has "without TLS"

t "--simple without --bind-dn, --keytab with --password-file: usage errors"
run --simple -L WEB01
rc 2
err_has "--simple needs --bind-dn"
run --keytab /x --password-file /y -L WEB01
rc 2

# The DC as Windows DCs behave: GSSAPI inside TLS allowed.
sed -i '/^\[global\]/a\	ldap server require strong auth = allow_sasl_over_tls' "$TESTDC_DIR/etc/smb.conf"
bash tests/dc/testdc.sh restart "$TESTDC_DIR" >/dev/null
# shellcheck disable=SC1091
. "$TESTDC_DIR/env"

t "StartTLS (-Z): GSSAPI inside verified TLS with channel binding"
run -v -Z -L WEB01
rc 0
err_has "SASL GSSAPI, TLS"
out_has "Registered ServicePrincipalNames for $W1:"

t "ldaps:// with --cacert"
run -v -H "ldaps://${TESTDC_URI#ldap://}" --cacert "$TESTDC_DIR/private/tls/ca.pem" -S HTTP/tls.spn.test WEB01
rc 0
err_has "SASL GSSAPI, TLS"
out_has "Updated object"

t "TLS with an untrusted CA: exit 4, names the host, no plaintext fallback"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other -keyout "$WRAP_DIR/k.pem" -out "$WRAP_DIR/other-ca.pem" 2>/dev/null
run -Z --cacert "$WRAP_DIR/other-ca.pem" -L WEB01
rc 4
err_line
err_has "TLS with ${TESTDC_URI#ldap://} failed"

t "TLS to a name the certificate does not hold: exit 4"
printf '%s wrongname.test\n' "$TESTDC_IP" >"$WRAP_DIR/hosts2"
LD_PRELOAD=libnss_wrapper.so NSS_WRAPPER_HOSTS=$WRAP_DIR/hosts2 \
	run -H ldaps://wrongname.test --cacert "$TESTDC_DIR/private/tls/ca.pem" -L WEB01
rc 4
err_has "TLS with wrongname.test failed"

t "--simple --bind-dn over ldaps:// with --password-file"
run -v -H "ldaps://${TESTDC_URI#ldap://}" --simple --bind-dn "CN=Administrator,$U" --password-file "$WRAP_DIR/pass" -L WEB01
rc 0
err_has "as CN=Administrator,$U: simple bind, TLS"

t "--simple with a wrong password: exit 3"
printf 'wrong\n' >"$WRAP_DIR/badpass"
chmod 600 "$WRAP_DIR/badpass"
run -Z --simple --bind-dn "CN=Administrator,$U" --password-file "$WRAP_DIR/badpass" -L WEB01
rc 3
err_has "Invalid credentials (49)"

# ---------------------------------------------------------- credentials
t "--keytab: a ticket in a private cache; the caller's cache is not touched"
samba-tool domain exportkeytab "$WRAP_DIR/admin.keytab" --principal=Administrator -s "$TESTDC_DIR/etc/smb.conf" >/dev/null 2>&1
chmod 600 "$WRAP_DIR/admin.keytab"
KRB5CCNAME=FILE:$WRAP_DIR/never-made run -v --keytab "$WRAP_DIR/admin.keytab" -L WEB01
rc 0
err_has "as Administrator@SPN.TEST"
[[ ! -e $WRAP_DIR/never-made ]] || _fail "the caller's cache was written"

t "--keytab --principal of a principal the keytab lacks: exit 3"
KRB5CCNAME=FILE:$WRAP_DIR/never-made run --keytab "$WRAP_DIR/admin.keytab" --principal nobody -L WEB01
rc 3
err_has "nobody"

t "--principal with --password-file"
KRB5CCNAME=FILE:$WRAP_DIR/never-made run -v --principal Administrator --password-file "$WRAP_DIR/pass" -L WEB01
rc 0
err_has "as Administrator@SPN.TEST"
[[ ! -e $WRAP_DIR/never-made ]] || _fail "the caller's cache was written"

t "--principal with a wrong password: exit 3, says so"
run --principal Administrator --password-file "$WRAP_DIR/badpass" -L WEB01
rc 3
err_line
err_has "wrong password"

t "--principal with no password file and no terminal: exit 2"
run --principal Administrator -L WEB01
rc 2
err_has "--password-file"

t "a password on the command line is impossible: there is no such option"
run --password secret -L WEB01
rc 2
err_has "unknown option"

# ------------------------------------------------- errors naming causes
t "expired ticket: exit 3, says expired and suggests kinit"
if command -v faketime >/dev/null; then
	SETSPN_WRAP="faketime -f +3d" run -L WEB01
	rc 3
	err_has "expired"
	err_has "kinit"
fi

t "clock skew: exit 3, names the cause"
if command -v faketime >/dev/null; then
	# MIT krb5 corrects a skew by itself unless kdc_timesync is off.
	sed 's/\[libdefaults\]/[libdefaults]\n kdc_timesync = false/' "$KRB5_CONFIG" >"$WRAP_DIR/krb5-nosync.conf"
	KRB5_CONFIG=$WRAP_DIR/krb5-nosync.conf SETSPN_WRAP="faketime -f +2h" \
		run -L WEB01
	rc 3
	err_line
	err_has "clock"
fi

t "KDC unreachable: exit 3, names it"
sed "s/kdc = .*/kdc = 127.0.0.1:9/" "$KRB5_CONFIG" >"$WRAP_DIR/krb5-nokdc.conf"
KRB5_CONFIG=$WRAP_DIR/krb5-nokdc.conf run --keytab "$WRAP_DIR/admin.keytab" -L WEB01
rc 3
err_has "KDC"

# A user without rights, and a computer writing its own account.
pwb64() { printf '"%s"' "$1" | iconv -t UTF-16LE | base64 -w0; }
printf 'dn: CN=bob,%s\nobjectClass: user\nsAMAccountName: bob\nuserAccountControl: 512\nunicodePwd:: %s\n' \
	"$U" "$(pwb64 'Bob-Pass-1234!')" | ldapadd -Q -Y GSSAPI -H "$TESTDC_URI" >/dev/null
printf 'Bob-Pass-1234!\n' >"$WRAP_DIR/bobpass"
chmod 600 "$WRAP_DIR/bobpass"
printf 'dn: CN=MACH1,%s\nobjectClass: computer\nsAMAccountName: MACH1$\ndNSHostName: mach1.spn.test\nuserAccountControl: 4096\nunicodePwd:: %s\n' \
	"$C" "$(pwb64 'Mach-Pass-1234!')" | ldapadd -Q -Y GSSAPI -H "$TESTDC_URI" >/dev/null
printf 'Mach-Pass-1234!\n' >"$WRAP_DIR/machpass"
chmod 600 "$WRAP_DIR/machpass"

t "insufficient access: exit 3, names the DN, nothing written"
before=$(dump)
run --principal bob --password-file "$WRAP_DIR/bobpass" -S HTTP/bob.spn.test WEB01
rc 3
err_has "$W1"
err_has "bob@SPN.TEST has no right to write servicePrincipalName on that account"
same "nothing written" "$(dump)" "$before"
run -v --principal bob --password-file "$WRAP_DIR/bobpass" -S HTTP/bob.spn.test WEB01
rc 3
err_has "the DC said: adding HTTP/bob.spn.test to $W1: Insufficient access (50)"

t "a non-admin may still read: -L as bob"
run --principal bob --password-file "$WRAP_DIR/bobpass" -L WEB01
rc 0

t "the DC's validated-write rule: exit 1 with its text"
run --principal 'MACH1$' --password-file "$WRAP_DIR/machpass" -S HTTP/not-mine.example.com MACH1
rc 1
err_has "MACH1\$@SPN.TEST may write servicePrincipalName there only by \"Validated write to service principal name\""
err_has "mach1.spn.test (dNSHostName), MACH1 (sAMAccountName); not-mine.example.com is not among them"
run -v --principal 'MACH1$' --password-file "$WRAP_DIR/machpass" -S HTTP/not-mine.example.com MACH1
rc 1
err_has "the DC said: adding HTTP/not-mine.example.com to CN=MACH1,$C: Constraint violation (19): acl: spn validation failed"
same "nothing written" "$(spns "CN=MACH1,$C" | grep -c not-mine)" 0

t "a computer may register an SPN of its own name"
run --principal 'MACH1$' --password-file "$WRAP_DIR/machpass" -S HTTP/mach1.spn.test MACH1
rc 0
out_has "Updated object"

# ------------------------------------------------- from the code review
t "an empty password is refused (it would be an anonymous bind): exit 2"
: >"$WRAP_DIR/emptypass"
chmod 600 "$WRAP_DIR/emptypass"
run -Z --simple --bind-dn "CN=Administrator,$U" --password-file "$WRAP_DIR/emptypass" -L WEB01
rc 2
err_has "empty password"

t "a URI list is tried one URI at a time: no simple bind over its plain one"
run -H "ldaps://127.0.0.1:1 $TESTDC_URI" --simple --bind-dn "CN=Administrator,$U" \
	--password-file "$WRAP_DIR/pass" -L WEB01
rc 2
err_has "without TLS"

t "a DC that accepts and never answers: the next in the list gets its turn"
silent_server "$WRAP_DIR/silent.port"
start=$SECONDS
run -v -H "ldap://localhost:$(cat "$WRAP_DIR/silent.port") $TESTDC_URI" --timeout 2 -L WEB01
kill "$silent" 2>/dev/null; wait "$silent" 2>/dev/null
rc 0
out_has "Registered ServicePrincipalNames for $W1:"
(( SECONDS - start <= 5 )) || _fail "took $((SECONDS - start)) s"

t "--json when the deadline strikes: still a document, exit 4"
silent_server "$WRAP_DIR/silent2.port"
run --json -H "ldap://localhost:$(cat "$WRAP_DIR/silent2.port")" --timeout 1 -L WEB01
kill "$silent" 2>/dev/null; wait "$silent" 2>/dev/null
rc 4
same "exit in the document" "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["exit"])' <<<"$out" 2>&1)" 4

t "option values with control characters are refused before anything else"
run --domain $'spn\x1btest' -L WEB01
rc 2
err_has "'spn\\x1btest'"
