# Setspn.exe parity: -R, -X, -F, -T, -C/-U, -P, --page-size, account forms,
# alias-aware checks and removing a duplicated value.  Sourced after
# tests/cli.sh (its fixture and helpers).

# ---------------------------------------------------------------- -R
t "-R registers HOST/NAME and HOST/dNSHostName"
run -R BARE
rc 0
out "Checking domain $B

Registering ServicePrincipalNames for CN=BARE,$C
	HOST/BARE
	HOST/bare.spn.test
Updated object"
same "directory after -R" "$(spns "CN=BARE,$C")" "HOST/BARE
HOST/bare.spn.test"

t "-R again changes nothing, exit 0"
before=$(dump)
run -r BARE
rc 0
out ""
err_has "nothing to do"
same "nothing written" "$(dump)" "$before"

t "-R judges presence case-insensitively and keeps other SPNs"
mkcomputer RST2 rst2.spn.test host/rst2 HTTP/rst2.spn.test
run -R RST2
rc 0
out_has $'\n\tHOST/rst2.spn.test\nUpdated object'
same "directory after -R" "$(spns "CN=RST2,$C")" "HOST/rst2.spn.test
HTTP/rst2.spn.test
host/rst2"

t "-R refuses a value another account holds"
mkcomputer RST3 rst3.spn.test
mkcomputer RST3B rst3b.spn.test HOST/rst3.spn.test
before=$(dump)
run -R RST3
rc 1
out "Checking domain $B
CN=RST3B,$C
	HOST/rst3.spn.test

Duplicate SPN found, aborting operation!"
same "nothing written" "$(dump)" "$before"

# (msDS-AdditionalSamAccountName is written by the DC itself on Samba.)
t "-R registers the names a computer answers to besides (msDS-AdditionalDnsHostName)"
mkcomputer RST4 rst4.spn.test
printf 'dn: CN=RST4,%s\nchangetype: modify\nadd: msDS-AdditionalDnsHostName\nmsDS-AdditionalDnsHostName: rst4-alias.spn.test\n' "$C" | lmodify
run -R RST4
rc 0
out_has $'\tHOST/RST4\n\tHOST/rst4.spn.test\n\tHOST/rst4-alias.spn.test\nUpdated object'
same "directory after -R" "$(spns "CN=RST4,$C" | sort)" "HOST/RST4
HOST/rst4-alias.spn.test
HOST/rst4.spn.test"
run -R RST4
rc 0
err_has "already holds HOST/RST4, HOST/rst4.spn.test and HOST/rst4-alias.spn.test: nothing to do"

t "-R on a user: exit 1, says it is no computer"
run -R svc_web
rc 1
err_line
err_has "not a computer account"

t "-R on a computer without dNSHostName: exit 1, says so"
run -R NOSPN
rc 1
err_has "no dNSHostName"

# ------------------------------------------------------------ -C / -U
t "-C and -U together: usage error"
run -C -U -L SHARED
rc 2
err_has "-C and -U cannot be combined"

t "-U -S writes to the user of a shared name"
run -U -S HTTP/shared2.spn.test SHARED
rc 0
same "written to the user" "$(spns "CN=SHARED,$U")" "HTTP/shared-user
HTTP/shared2.spn.test"

# ------------------------------------------------------ account forms
t "DOMAIN\\NAME with the DC's domain in another case"
run -L 'spn\web01'
rc 0
out_has "CN=WEB01,$C"

t "DOMAIN\\NAME with a foreign NetBIOS domain: refused naming both"
before=$(dump)
run -S HTTP/foreign.spn.test 'OTHER\web01'
rc 1
err_line
err_has "OTHER"
err_has "SPN (spn.test)"
same "nothing written" "$(dump)" "$before"

t "UPN of a missing user: not found"
run -L nobody@spn.test
rc 1
out "Could not find account nobody@spn.test"

t "-D by DN"
run -D HTTP/shared2.spn.test "CN=SHARED,$U"
rc 0
same "removed" "$(spns "CN=SHARED,$U")" "HTTP/shared-user"

# ------------------------------------------------------ alias checks
t "HTTP/x on a user while a computer holds HOST/x stays allowed"
mkcomputer WEBHOST webhost.spn.test HOST/webhost.spn.test
run -S HTTP/webhost.spn.test svc_web
rc 0
out_has "Updated object"

t "HOST/x on the account that itself holds http/x is allowed"
mkcomputer SELF self.spn.test http/self.spn.test
run -S HOST/self.spn.test SELF
rc 0
out_has "Updated object"

t "-A HOST/x while another account holds cifs/x: duplicate"
mkcomputer FILES files.spn.test cifs/files.spn.test
before=$(dump)
run -A HOST/files.spn.test EXCH02
rc 1
out "Checking domain $B
CN=FILES,$C
	cifs/files.spn.test

Duplicate SPN found, aborting operation!"
same "nothing written" "$(dump)" "$before"

t "-v says where the HOST aliases come from"
run -v -S HOST/files.spn.test EXCH02
rc 1
err_has "sPNMappings"

# ------------------------------------------------------------ -T / -F
for dom in spn.test SPN '' '*'; do
	t "-T '$dom' is the current domain"
	run -T "$dom" -Q HTTP/app.spn.test
	rc 0
	out "Checking domain $B
$SV
	HTTP/app.spn.test
	HTTP/webhost.spn.test

Existing SPN found!"
done

t "-T of an unknown domain: exit 1 naming it"
run -T nosuch.test -Q HTTP/app.spn.test
rc 1
err_has "'nosuch.test'"

t "-T scopes the duplicate check of -S"
run -T spn.test -S HTTP/app.spn.test WEB01
rc 1
out_has "Duplicate SPN found, aborting operation!"

t "-T with -L: usage error"
run -T spn.test -L WEB01
rc 2
err_has "-T applies only to"

t "-F -Q through the Global Catalog"
run -F -Q HTTP/app.spn.test -v
rc 0
out "Operation will be performed forestwide, it might take a while.
Checking forest $B
$SV
	HTTP/app.spn.test
	HTTP/webhost.spn.test

Existing SPN found!"
err_has "Global Catalog $TESTDC_URI:3268"

t "-F -S finds a duplicate through the Global Catalog"
before=$(dump)
run -F -S HTTP/app.spn.test WEB01
rc 1
out "Operation will be performed forestwide, it might take a while.
Checking forest $B
$SV
	HTTP/app.spn.test

Duplicate SPN found, aborting operation!"
same "nothing written" "$(dump)" "$before"

t "-F -S adds when the forest has no holder"
run -F -S HTTP/forest.spn.test WEB01
rc 0
out_has "Checking forest $B"
out_has "Updated object"

# ---------------------------------------------------------------- -X
t "-X on a domain without duplicates: exit 0"
run -X
rc 0
out "Checking domain $B

found 0 group of duplicate SPNs."

t "-X does not report a DNS/ SPN beside host/ (no exact duplicate)"
same "DNS/dc1 exists" "$(lsearch -b "$B" '(servicePrincipalName=DNS/dc1.spn.test)' dn | grep -c '^dn:')" 1

# Plant what the DC refuses: an exact and a case-only duplicate.
cat >"$TESTDC_DIR/dups.ldif" <<LDIF
dn: CN=EXCH02,$C
changetype: modify
add: servicePrincipalName
servicePrincipalName: HTTP/dup.spn.test

dn: CN=WEB01,$C
changetype: modify
add: servicePrincipalName
servicePrincipalName: HTTP/dup.spn.test

dn: CN=RST2,$C
changetype: modify
add: servicePrincipalName
servicePrincipalName: CIFS/case.spn.test

dn: CN=FILES,$C
changetype: modify
add: servicePrincipalName
servicePrincipalName: cifs/CASE.spn.test
LDIF
plant_offline "$TESTDC_DIR/dups.ldif"

t "planting duplicates offline"
same "ldbmodify" "$PLANTED" 1

t "-X finds exact and case-only duplicates, sorted, exit 1"
run -X
rc 1
# The group's spelling is the first the DC returned: either is right.
rest="

HTTP/dup.spn.test is registered on these accounts:
	CN=EXCH02,$C
	CN=WEB01,$C

found 2 group of duplicate SPNs."
groups="	CN=FILES,$C
	CN=RST2,$C"
if [[ $out != "Checking domain $B

CIFS/case.spn.test is registered on these accounts:
$groups$rest" ]]; then
	out "Checking domain $B

cifs/CASE.spn.test is registered on these accounts:
$groups$rest"
fi

t "-X -F through the Global Catalog finds them too"
run -X -F
rc 1
out_has "found 2 group of duplicate SPNs."

t "-X -P and -X to a pipe: no progress"
run -X -P
err ""
run -X
err ""

t "-X to a terminal shows progress on stderr, -P hides it"
if command -v script >/dev/null; then
	tty_out=$(script -qec "$SETSPN -X >/dev/null" /dev/null 2>&1)
	[[ $tty_out == *"Processing entry 0"* ]] || _fail "no progress on a terminal" "got: $tty_out"
	# the totals when the scope's search ends, with the rate
	[[ $tty_out =~ Processing\ entry\ [1-9][0-9]*\ \([1-9][0-9]*\ values,\ [0-9]+\ entries/s\) ]] ||
		_fail "no totals on a terminal" "got: $tty_out"
	tty_out=$(script -qec "$SETSPN -X -P >/dev/null" /dev/null 2>&1)
	[[ $tty_out != *"Processing entry"* ]] || _fail "progress despite -P" "got: $tty_out"
fi

t "-Q of a duplicated value lists both holders"
run -Q HTTP/dup.spn.test
rc 0
out_has "CN=EXCH02,$C"
out_has "CN=WEB01,$C"

t "-D of a duplicated value removes it from that account only"
w1_before=$(spns "$W1")
run -D HTTP/dup.spn.test WEB01
rc 0
out "Unregistering ServicePrincipalNames for $W1
	HTTP/dup.spn.test
Updated object"
err_line
err_has "rewriting servicePrincipalName"
same "WEB01 keeps its other SPNs" "$(spns "$W1")" "$(grep -vx 'HTTP/dup.spn.test' <<<"$w1_before")"
same "EXCH02 still holds it" "$(spns "$X2" | grep -c '^HTTP/dup.spn.test$')" 1

t "after -D only the case-only group is left"
run -X
rc 1
out_has "found 1 group of duplicate SPNs."

# ------------------------------------------------------- --page-size
t "-Q over 1,100 holders with --page-size 100 is complete, -v counts pages"
for i in $(seq 1 1100); do
	printf 'dn: CN=BULK%04d,%s\nobjectClass: computer\nsAMAccountName: BULK%04d$\nuserAccountControl: 4096\nservicePrincipalName: BULK/bulk%04d.spn.test\n\n' "$i" "$C" "$i" "$i"
done | ldapadd -Q -Y GSSAPI -H "$TESTDC_URI" >/dev/null
run -v --page-size 100 -Q 'BULK/*'
rc 0
same "holders listed" "$(grep -c '^CN=BULK' <<<"$out")" 1100
pages=$(sed -n 's/.*read \([0-9]*\) page(s).*/\1/p' <<<"$err")
(( ${pages:-0} >= 11 )) || _fail "expected 11 or more pages, got '$pages'"

t "-X with --page-size 100 reads every page"
run -v --page-size 100 -X
rc 1
err_has "page(s)"
out_has "found 1 group of duplicate SPNs."

t "--page-size 0 refused"
run --page-size 0 -X
rc 2
err_has "--page-size"
