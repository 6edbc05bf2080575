# Command-line tests against the test DC: sourced by tests/run.sh with the
# DC's env loaded.  Each test checks exit status, stdout and stderr, and
# the directory afterwards with ldapsearch.

lsearch() { ldapsearch -Q -Y GSSAPI -LLL -o ldif-wrap=no -H "$TESTDC_URI" "$@"; }
# The DC's own spelling of its naming context, as setspn prints it.
B=$(lsearch -s base -b "" defaultNamingContext | sed -n 's/^defaultNamingContext: //p')
C="CN=Computers,$B"
U="CN=Users,$B"

lmodify() { ldapmodify -Q -Y GSSAPI -H "$TESTDC_URI" "$@" >/dev/null; }

# spns DN: the SPNs on DN, sorted, one a line.
spns() {
	lsearch -b "$1" -s base '(objectClass=*)' servicePrincipalName |
		sed -n 's/^servicePrincipalName: //p' | LC_ALL=C sort
}

# Every SPN in the domain with its holder: "nothing was written" compares
# this before and after.
dump() {
	lsearch -b "$B" '(servicePrincipalName=*)' servicePrincipalName |
		awk '/^dn: /{dn=$0} /^servicePrincipalName: /{print dn " " $0}' | LC_ALL=C sort
}

mkcomputer() { # NAME DNSHOST SPN...
	local name=$1 host=$2
	shift 2
	{
		printf 'dn: CN=%s,%s\nobjectClass: computer\nsAMAccountName: %s$\n' "$name" "$C" "$name"
		[[ -z $host ]] || printf 'dNSHostName: %s\n' "$host"
		printf 'userAccountControl: 4096\n'
		local s
		for s in "$@"; do printf 'servicePrincipalName: %s\n' "$s"; done
	} | ldapadd -Q -Y GSSAPI -H "$TESTDC_URI" >/dev/null
}

mkuser() { # NAME SPN...
	local name=$1
	shift
	{
		printf 'dn: CN=%s,%s\nobjectClass: user\nsAMAccountName: %s\n' "$name" "$U" "$name"
		printf 'userPrincipalName: %s@spn.test\n' "$name"
		local s
		for s in "$@"; do printf 'servicePrincipalName: %s\n' "$s"; done
	} | ldapadd -Q -Y GSSAPI -H "$TESTDC_URI" >/dev/null
}

setup_fixture() {
	mkcomputer EXCH01 exch01.spn.test HOST/EXCH01 HOST/exch01.spn.test &&
		mkcomputer EXCH02 exch02.spn.test HOST/EXCH02 HOST/exch02.spn.test SMTPSVC/mail2.spn.test &&
		mkcomputer WEB01 web01.spn.test HTTP/web01.spn.test HTTP/web01 MSSQLSvc/web01.spn.test:1433 &&
		mkcomputer NOSPN "" &&
		mkcomputer SHARED shared.spn.test HOST/shared-computer &&
		mkuser SHARED HTTP/shared-user &&
		mkuser svc_web HTTP/app.spn.test &&
		mkuser 'odd(name)' &&
		mkcomputer BARE bare.spn.test
}

X1="CN=EXCH01,$C"
X2="CN=EXCH02,$C"
W1="CN=WEB01,$C"
SV="CN=svc_web,$U"

ok_fixture=0
setup_fixture && ok_fixture=1
t "fixture: accounts created on the test DC"
same "fixture" "$ok_fixture" 1

# ---------------------------------------------------------------- usage
t "no arguments: usage on stderr, exit 2"
run
rc 2
out ""
err_has "Usage: setspn"

for h in -h -? /? --help; do
	t "help with $h: usage on stdout, exit 0"
	run "$h"
	rc 0
	out_has "Usage: setspn"
	err ""
done

t "--version: the tool's and the libraries' versions"
run --version
rc 0
out_has "setspn "
out_has "libldap 2."
out_has "SASL 2."
out_has "MIT Kerberos 1."

t "unknown option: exit 2, one line naming it"
run -Y web01
rc 2
err_line
err_has "'-Y'"

t "two verbs: exit 2"
run -S HTTP/x WEB01 -D
rc 2
err_has "-S and -D cannot be combined"

t "-S with one argument: exit 2"
run -S HTTP/x
rc 2
err_has "-S needs an SPN and an account"

t "extra argument: exit 2 names it"
run -L WEB01 extra
rc 2
err_has "'extra'"

# ---------------------------------------------------------------- list
t "-L computer by NAME"
run -L WEB01
rc 0
out "Registered ServicePrincipalNames for $W1:
	HTTP/web01.spn.test
	HTTP/web01
	MSSQLSvc/web01.spn.test:1433"
err ""

t "list is the default verb; lower case name"
run web01
rc 0
out_has "Registered ServicePrincipalNames for $W1:"
out_has $'\tHTTP/web01.spn.test'

t "-l (lower-case switch) = -L"
run -l WEB01
rc 0
out_has "Registered ServicePrincipalNames for $W1:"

t "-L computer by NAME\$"
run -L 'WEB01$'
rc 0
out_has "Registered ServicePrincipalNames for $W1:"

t "-L computer by DOMAIN\\NAME"
run -L 'SPN\WEB01'
rc 0
out_has "Registered ServicePrincipalNames for $W1:"

t "-L computer by DN"
run -L "$W1"
rc 0
out_has "Registered ServicePrincipalNames for $W1:"

t "-L user by NAME"
run -L svc_web
rc 0
out "Registered ServicePrincipalNames for $SV:
	HTTP/app.spn.test"

t "-L user by DOMAIN\\NAME"
run -L 'SPN\svc_web'
rc 0
out_has "Registered ServicePrincipalNames for $SV:"

t "-L user by UPN"
run -L svc_web@spn.test
rc 0
out_has "Registered ServicePrincipalNames for $SV:"

t "-L account without SPNs: header only"
run -L NOSPN
rc 0
out "Registered ServicePrincipalNames for CN=NOSPN,$C:"

t "-L name shared by a computer and a user: the computer first"
run -L SHARED
rc 0
out "Registered ServicePrincipalNames for CN=SHARED,$C:
	HOST/shared-computer"

t "-L -U: the user of a shared name"
run -U -L SHARED
rc 0
out "Registered ServicePrincipalNames for CN=SHARED,$U:
	HTTP/shared-user"

t "-L -C: the computer of a shared name"
run -C -L SHARED
rc 0
out_has "CN=SHARED,$C"

t "-C on a user-only name: not found"
run -C -L svc_web
rc 1
out "Could not find account svc_web"

t "-L of a missing account: Could not find account, exit 1"
run -L nosuch
rc 1
out "Could not find account nosuch"

t "-L of a missing DN: exit 1"
run -L "CN=nosuch,$C"
rc 1
out "Could not find account CN=nosuch,$C"

# ------------------------------------------------------- filter escaping
for a in '*' 'WEB0*' 'W*01' '*)(sAMAccountName=*' 'WEB01)(x=y' 'SPN\*' 'SPN\W*' 'SPN\(x)'; do
	t "account $a is escaped: not found, nothing widened"
	run -L "$a"
	rc 1
	out "Could not find account $a"
done

t "account with parentheses that exists is found"
run -L 'odd(name)'
rc 0
out "Registered ServicePrincipalNames for CN=odd(name),$U:"

# ---------------------------------------------------------------- add
t "-S adds the seed's missing SPN (the Exchange case)"
run -S SMTPSVC/mail.spn.test EXCH01
rc 0
out "Checking domain $B

Registering ServicePrincipalNames for $X1
	SMTPSVC/mail.spn.test
Updated object"
err ""
same "directory after -S" "$(spns "$X1")" "HOST/EXCH01
HOST/exch01.spn.test
SMTPSVC/mail.spn.test"

t "-s (lower case) adds too"
run -s HTTP/lower.spn.test EXCH01
rc 0
out_has "Updated object"

t "-A adds with the same check"
run -A HTTP/added.spn.test 'SPN\EXCH01'
rc 0
out "Checking domain $B

Registering ServicePrincipalNames for $X1
	HTTP/added.spn.test
Updated object"
same "value written" "$(spns "$X1" | grep -c '^HTTP/added.spn.test$')" 1

t "-S refuses an SPN held by another account"
before=$(dump)
run -S SMTPSVC/mail.spn.test EXCH02
rc 1
out "Checking domain $B
$X1
	SMTPSVC/mail.spn.test

Duplicate SPN found, aborting operation!"
same "nothing written" "$(dump)" "$before"

t "-S refuses a duplicate differing only in case on another account"
run -S smtpsvc/MAIL.SPN.TEST EXCH02
rc 1
out "Checking domain $B
$X1
	SMTPSVC/mail.spn.test

Duplicate SPN found, aborting operation!"
same "nothing written" "$(dump)" "$before"

t "-S refuses an SPN already on the target"
run -S SMTPSVC/mail.spn.test EXCH01
rc 1
out_has "Duplicate SPN found, aborting operation!"
same "nothing written" "$(dump)" "$before"

t "-S refuses an SPN on the target differing in case"
run -S SMTPSVC/Mail.Spn.Test EXCH01
rc 1
out_has $'\tSMTPSVC/mail.spn.test'
out_has "Duplicate SPN found, aborting operation!"
same "nothing written" "$(dump)" "$before"

t "-A refuses a duplicate too"
run -A HTTP/app.spn.test WEB01
rc 1
out "Checking domain $B
$SV
	HTTP/app.spn.test

Duplicate SPN found, aborting operation!"
same "nothing written" "$(dump)" "$before"

t "-S HOST/x while another account holds http/x (an alias of HOST): duplicate"
mkcomputer ALIAS1 alias1.spn.test http/alias.spn.test
before=$(dump)
run -S HOST/alias.spn.test EXCH02
rc 1
out "Checking domain $B
CN=ALIAS1,$C
	http/alias.spn.test

Duplicate SPN found, aborting operation!"
same "nothing written" "$(dump)" "$before"

t "-S on a user account by UPN"
run -S HTTP/svc2.spn.test svc_web@spn.test
rc 0
out_has "Registering ServicePrincipalNames for $SV"
same "written" "$(spns "$SV")" "HTTP/app.spn.test
HTTP/svc2.spn.test"

t "-S on a missing account: Could not find account, nothing written"
before=$(dump)
run -S HTTP/nobody.spn.test nosuch
rc 1
out "Could not find account nosuch"
same "nothing written" "$(dump)" "$before"

t "-S with account metacharacters: not found, nothing written"
run -S HTTP/star.spn.test '*'
rc 1
out "Could not find account *"
same "nothing written" "$(dump)" "$before"

t "-S MSSQLSvc with instance name"
run -S MSSQLSvc/db.spn.test:SQLEXPRESS WEB01
rc 0
out_has "Updated object"

# ------------------------------------------------------------ bad SPNs
before=$(dump)
while IFS='|' read -r bad why; do
	t "bad SPN '$bad' refused: exit 2, one line, nothing written"
	run -S "$bad" WEB01
	rc 2
	err_line
	err_has "invalid SPN"
	err_has "$why"
	out ""
done <<'BAD'
noslash|no '/'
/host|empty service class
HTTP/|empty host
HTTP/host/|empty service name
a/b/c/d|more than three
HTTP/host:0|port out of range
HTTP/host:65536|port out of range
HTTP/host:|empty port
HTTP/ho st|whitespace
HTTP/host@SPN.TEST|'@'
HTTP\host|'\'
HTTP/*|'*'
HTTP/wéb.spn.test|punycode
HT+TP/host|service class
HTTP/h!st|host may hold
BAD
t "control character in an SPN refused, quoted in the message"
run -S $'HTTP/web\n01' WEB01
rc 2
err_line
err_has '\x0a'
t "empty SPN refused"
run -S '' WEB01
rc 2
err_has "empty value"
t "invalid UTF-8 in an SPN refused"
run -Q $'HTTP/\xff'
rc 2
err_has "not valid UTF-8"
t "bad account refused before connecting"
run -S HTTP/ok.spn.test $'WEB\t01'
rc 2
err_has "invalid account"
t "host of 256 characters refused"
run -S "HTTP/$(printf 'a%.0s' {1..256})" WEB01
rc 2
err_has "longer than 255"
t "after all bad input: directory unchanged"
same "nothing written" "$(dump)" "$before"

# ---------------------------------------------------------------- delete
t "-D removes one of three values, the others stay"
run -D HTTP/web01 WEB01
rc 0
out "Unregistering ServicePrincipalNames for $W1
	HTTP/web01
Updated object"
same "directory after -D" "$(spns "$W1")" "HTTP/web01.spn.test
MSSQLSvc/db.spn.test:SQLEXPRESS
MSSQLSvc/web01.spn.test:1433"

t "-D of a value not on the account: stderr, exit 1, nothing written"
before=$(dump)
run -D HTTP/absent.spn.test WEB01
rc 1
out ""
err_line
err_has "'HTTP/absent.spn.test'"
err_has "not registered"
same "nothing written" "$(dump)" "$before"

t "-D with another case removes the stored value"
run -D http/WEB01.SPN.TEST WEB01
rc 0
out_has $'\tHTTP/web01.spn.test'
same "directory after -D" "$(spns "$W1")" "MSSQLSvc/db.spn.test:SQLEXPRESS
MSSQLSvc/web01.spn.test:1433"

t "-D of a '*' value is literal, not a wildcard"
before=$(dump)
run -D 'MSSQLSvc/*' WEB01
rc 1
err_has "not registered"
same "nothing written" "$(dump)" "$before"

t "-D on a user account by DOMAIN\\NAME"
run -D HTTP/svc2.spn.test 'SPN\svc_web'
rc 0
same "directory" "$(spns "$SV")" "HTTP/app.spn.test"

t "-D on a missing account"
run -D HTTP/x nosuch
rc 1
out "Could not find account nosuch"

# ---------------------------------------------------------------- query
t "-Q found: the holder and all its SPNs"
run -Q HTTP/app.spn.test
rc 0
out "Checking domain $B
$SV
	HTTP/app.spn.test

Existing SPN found!"

t "-Q is case-insensitive"
run -q http/APP.spn.test
rc 0
out_has "Existing SPN found!"

t "-Q not found"
run -Q HTTP/none.spn.test
rc 1
out "Checking domain $B

No such SPN found."

t "-Q wildcard class/*"
run -Q 'MSSQLSvc/*'
rc 0
out "Checking domain $B
$W1
	MSSQLSvc/web01.spn.test:1433
	MSSQLSvc/db.spn.test:SQLEXPRESS

Existing SPN found!"

t "-Q wildcard */host"
run -Q '*/exch02.spn.test'
rc 0
out "Checking domain $B
$X2
	HOST/EXCH02
	HOST/exch02.spn.test
	SMTPSVC/mail2.spn.test

Existing SPN found!"

t "-Q wildcard not found"
run -Q 'NOPE/*'
rc 1
out_has "No such SPN found."

t "-Q filter metacharacters do not widen the search"
run -Q 'HTTP/app.spn.test)(servicePrincipalName=*'
rc 1
out_has "No such SPN found."

t "-Q backslash value is literal"
run -Q 'HTTP\*'
rc 1
out_has "No such SPN found."

# ---------------------------------------------------------------- failures
t "no ticket: exit 3, suggests kinit"
KRB5CCNAME=FILE:/nonexistent/cc run -L WEB01
rc 3
err_line
err_has "kinit"

t "DC unreachable: exit 4, names the URI"
run -H ldap://127.0.0.1:1 -L WEB01
rc 4
err_line
err_has "ldap://127.0.0.1:1"

t "the DC's ldap/ principal unknown to the KDC: exit 3, names it"
# 127.N is the DC's own address, but no principal ldap/127.N exists.
run -H "ldap://127.${TESTDC_IP##*.}" -L WEB01
rc 3
err_has "ldap/127.${TESTDC_IP##*.}"

t "a server that never answers: exit 4 within --timeout"
silent_server "$TESTDC_DIR/silent.port"
start=$SECONDS
run -H "ldap://localhost:$(cat "$TESTDC_DIR/silent.port")" --timeout 2 -L WEB01
kill "$silent" 2>/dev/null; wait "$silent" 2>/dev/null
rc 4
err_line
(( SECONDS - start <= 4 )) || _fail "took $((SECONDS - start)) s"

t "-v reports DC, mechanism and SSF"
run -v -L WEB01
rc 0
err_has "connected to $TESTDC_URI"
err_has "SASL GSSAPI, no TLS (SASL sealed), strength 256"
