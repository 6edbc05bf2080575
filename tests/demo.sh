#!/bin/bash
# The seed's outage and its fix, against a throwaway Samba AD DC: an
# Exchange SMTP virtual server's FQDN has no SPN, so Kerberos to it fails
# until setspn -S registers it on the server's account.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

dcdir=$(mktemp -d /tmp/setspn-demo.XXXXXX)
# shellcheck source=tests/dc/loopdns.sh
. tests/dc/loopdns.sh
trap 'loopdns_stop; bash tests/dc/testdc.sh stop "$dcdir" >/dev/null 2>&1; rm -rf "$dcdir"' EXIT
bash tests/dc/testdc.sh start "$dcdir" || exit 1
# shellcheck disable=SC1091
. "$dcdir/env"
export PATH="$PWD:$PATH"
# The servers' names resolve on loopback only: --verify's DNS check never
# asks the host's resolver.
loopdns_start "$dcdir" "A mail.spn.test 127.0.0.60" "A exch01.spn.test 127.0.0.60" \
	"A exch02.spn.test 127.0.0.61" "A web.spn.test 127.0.0.62" || exit 1
setspn() { loopdns "$PWD/setspn" "$@"; }

say() { printf '\n\033[1m# %s\033[0m\n' "$*"; }
show() {
	printf '$ %s\n' "$*"
	"$@"
	printf '[exit %d]\n' "$?"
}

# Two Exchange servers with passwords, so the KDC can issue tickets for them.
mkserver() {
	local pw
	pw=$(printf '"%s"' "Demo-$1-Pass-1!" | iconv -t UTF-16LE | base64 -w0)
	printf 'dn: CN=%s,CN=Computers,%s\nobjectClass: computer\nsAMAccountName: %s$\ndNSHostName: %s.spn.test\nuserAccountControl: 4096\nunicodePwd:: %s\n' \
		"$1" "$TESTDC_BASE" "$1" "${1,,}" "$pw" | ldapadd -Q -Y GSSAPI -H "$TESTDC_URI" >/dev/null
}
mkserver EXCH01
mkserver EXCH02

say "A DC for SPN.TEST runs on 127.0.0.1; we hold a ticket as $(klist | sed -n 's/^Default principal: //p')."
say "EXCH01 serves SMTP as mail.spn.test. Reset its HOST SPNs, then list them:"
show setspn -R EXCH01
show setspn -L EXCH01
say "The virtual server's FQDN has no SPN, so Kerberos to it fails (event 1706, error 0x8009030c):"
show kvno SMTPSVC/mail.spn.test
say "Ask setspn why, and for the fix (it writes nothing):"
show setspn --verify SMTPSVC/mail.spn.test EXCH01
say "The fix it names, exactly as on Windows:"
show setspn -S SMTPSVC/mail.spn.test EXCH01
show kvno SMTPSVC/mail.spn.test
say "Verified again: the holder is right and the KDC issues a ticket (its encryption type and kvno):"
show setspn --verify SMTPSVC/mail.spn.test EXCH01
say "Registering the same SPN on the second server is refused, nothing is written:"
show setspn -S SMTPSVC/mail.spn.test EXCH02
say "Who holds it? (-Q, wildcards allowed)"
show setspn -Q 'SMTPSVC/*'
say "No duplicates in the domain:"
show setspn -X -P
say "Move it: delete from EXCH01, add to EXCH02:"
show setspn -D SMTPSVC/mail.spn.test EXCH01
show setspn -S SMTPSVC/mail.spn.test EXCH02
show setspn -L EXCH02
say "A web service's account, its SPN, and the keytab the service needs (the salt and kvno from the KDC):"
samba-tool user create svc-web 'Demo-Web-Pass-1!' -s "$TESTDC_DIR/etc/smb.conf" >/dev/null
(umask 077 && printf '%s\n' 'Demo-Web-Pass-1!' >"$dcdir/svc-web.pw")
show setspn -S HTTP/web.spn.test svc-web
show setspn --write-keytab "$dcdir/httpd.keytab" svc-web --account-password-file "$dcdir/svc-web.pw"
show setspn --verify HTTP/web.spn.test svc-web --service-keytab "$dcdir/httpd.keytab"
show kvno -k "$dcdir/httpd.keytab" HTTP/web.spn.test
say "Rotate the password: the next kvno's keys first, then a new random password nobody sees:"
show setspn --write-keytab "$dcdir/httpd.keytab" svc-web --rotate
show klist -ke "$dcdir/httpd.keytab"
say "Exit codes are distinct for scripts: 0 done, 1 negative, 2 bad input, 3 auth, 4 directory."
show setspn -S 'SMTPSVC/bad host' EXCH02
show env KRB5CCNAME=FILE:/nonexistent setspn -L EXCH02
echo
echo "demo done; the DC is stopped."
