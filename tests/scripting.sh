# For scripts: --json, --dry-run, --idempotent, --batch.  Sourced after
# tests/parity.sh (its fixture and helpers).

# jq-like: evaluates a Python expression over the JSON document in $out
# (bound to d); prints the result, or "INVALID JSON".
jget() {
	if ((_skip)); then echo 0; return; fi
	python3 -c 'import json,sys
try: d=json.loads(sys.stdin.read())
except Exception as e: print("INVALID JSON", e); sys.exit(0)
r=eval(sys.argv[1])
print(json.dumps(r) if not isinstance(r, str) else r)' "$1" <<<"$out"
}

mkcomputer JS1 js1.spn.test HTTP/js1.spn.test
mkcomputer JS2 js2.spn.test
J1="CN=JS1,$C"
J2="CN=JS2,$C"

# ---------------------------------------------------------------- --json
t "--json -L: dn, spns, status, dc"
run --json -L JS1
rc 0
same "verb" "$(jget 'd["operations"][0]["verb"]')" list
same "dn" "$(jget 'd["operations"][0]["dn"]')" "$J1"
same "spns" "$(jget 'd["operations"][0]["spns"]')" '["HTTP/js1.spn.test"]'
same "status" "$(jget 'd["operations"][0]["status"]')" ok
same "dc" "$(jget 'd["dc"]')" "${TESTDC_URI}:389"
same "exit" "$(jget 'd["exit"]')" 0
err ""

t "--json -S added"
run --json -S HTTP/js-added.spn.test JS2
rc 0
same "status" "$(jget 'd["operations"][0]["status"]')" added
same "spn" "$(jget 'd["operations"][0]["spn"]')" HTTP/js-added.spn.test
same "written" "$(spns "$J2")" HTTP/js-added.spn.test

t "--json -S conflict names the holder, exit 1"
run --json -S HTTP/js1.spn.test JS2
rc 1
same "status" "$(jget 'd["operations"][0]["status"]')" conflict
same "holder" "$(jget 'd["operations"][0]["holders"][0]["dn"]')" "$J1"
same "exit" "$(jget 'd["exit"]')" 1

t "--json -S of an SPN already on the target: unchanged, exit 1"
run --json -S HTTP/js1.spn.test JS1
rc 1
same "status" "$(jget 'd["operations"][0]["status"]')" unchanged

t "--json -D removed, then absent (exit 1)"
run --json -D HTTP/js-added.spn.test JS2
rc 0
same "status" "$(jget 'd["operations"][0]["status"]')" removed
run --json -D HTTP/js-added.spn.test JS2
rc 1
same "status" "$(jget 'd["operations"][0]["status"]')" absent
[[ $(jget 'd["operations"][0]["error"]') == *"not registered"* ]] || _fail "error text missing"

t "--json of a missing account: not-found"
run --json -L nosuch
rc 1
same "status" "$(jget 'd["operations"][0]["status"]')" not-found

t "--json of an invalid SPN: invalid, exit 2, still one document"
run --json -S 'bad spn' JS1
rc 2
same "status" "$(jget 'd["operations"][0]["status"]')" invalid
[[ $(jget 'd["operations"][0]["error"]') == *"'bad spn'"* ]] || _fail "error does not name the value"

t "--json -Q lists holders"
run --json -Q 'HTTP/js1*'
rc 0
same "holders" "$(jget '[h["dn"] for h in d["operations"][0]["holders"]]')" "[\"$J1\"]"

t "--json -X groups"
run --json -X
rc 1
same "status" "$(jget 'd["operations"][0]["status"]')" conflict
same "one group" "$(jget 'len(d["operations"][0]["groups"])')" 1
[[ $(jget 'd["operations"][0]["entries"]') -gt 1000 ]] || _fail "entries not counted"

t "--json with no ticket: error, exit 3"
KRB5CCNAME=FILE:/nonexistent/cc run --json -L JS1
rc 3
[[ $(jget 'd["error"]') == *kinit* ]] || _fail "no error in the document" "$out"
same "exit" "$(jget 'd["exit"]')" 3

t "--json escapes odd directory values"
mkcomputer JS3 js3.spn.test 'HTTP/quote"back\slash'
run --json -L JS3
rc 0
same "value" "$(jget 'd["operations"][0]["spns"][0]')" 'HTTP/quote"back\slash'

# ------------------------------------------------------------- --dry-run
t "-n -S: LDIF alone on stdout, Setspn text on stderr, nothing written"
before=$(dump)
run -n -S HTTP/dry.spn.test JS2
rc 0
out "dn: $J2
changetype: modify
add: servicePrincipalName
servicePrincipalName: HTTP/dry.spn.test
-"
err_has "Registering ServicePrincipalNames for $J2"
err_has "dry run: nothing was written"
same "nothing written" "$(dump)" "$before"

t "the dry run's LDIF applies with ldapmodify as it is"
printf '%s\n' "$out" | ldapmodify -Q -Y GSSAPI -H "$TESTDC_URI" >/dev/null
same "applied" "$(spns "$J2")" HTTP/dry.spn.test

t "--dry-run -D: delete record"
run --dry-run -D HTTP/dry.spn.test JS2
rc 0
out "dn: $J2
changetype: modify
delete: servicePrincipalName
servicePrincipalName: HTTP/dry.spn.test
-"
same "still there" "$(spns "$J2")" HTTP/dry.spn.test

t "-n of a conflict still exits 1 and prints no LDIF"
run -n -S HTTP/js1.spn.test JS2
rc 1
out ""
err_has "Duplicate SPN found, aborting operation!"

t "-n -R: one record per value"
mkcomputer JSR jsr.spn.test
run -n -R JSR
rc 0
same "records" "$(grep -c '^changetype: modify' <<<"$out")" 2

t "-n with a non-ASCII DN: base64 in LDIF"
printf 'dn: CN=Jörg,%s\nobjectClass: user\nsAMAccountName: joerg\n' "$U" | ldapadd -Q -Y GSSAPI -H "$TESTDC_URI" >/dev/null
run -n -S HTTP/joerg.spn.test joerg
rc 0
out_has "dn:: "

t "--json --dry-run: status added, ldif in the document, nothing written"
before=$(dump)
run --json -n -S HTTP/dryjson.spn.test JS2
rc 0
same "dry_run" "$(jget 'd["dry_run"]')" true
same "status" "$(jget 'd["operations"][0]["status"]')" added
[[ $(jget 'd["operations"][0]["ldif"]') == *"add: servicePrincipalName"* ]] || _fail "no ldif"
same "nothing written" "$(dump)" "$before"

# ---------------------------------------------------------- --idempotent
t "--idempotent -S of an SPN already there: exit 0, nothing written"
before=$(dump)
run --idempotent -S HTTP/js1.spn.test JS1
rc 0
err_has "nothing to do"
same "nothing written" "$(dump)" "$before"

t "--idempotent -S in another case: still unchanged"
run --idempotent -S http/JS1.spn.test JS1
rc 0

t "--idempotent -D of an SPN not there: exit 0"
run --idempotent -D HTTP/never.spn.test JS1
rc 0

t "--idempotent -S conflict with another account still exits 1"
run --idempotent -S HTTP/js1.spn.test JS2
rc 1
out_has "Duplicate SPN found, aborting operation!"

t "--idempotent --json: unchanged, exit 0"
run --idempotent --json -S HTTP/js1.spn.test JS1
rc 0
same "status" "$(jget 'd["operations"][0]["status"]')" unchanged

# --------------------------------------------------------------- --batch
B1=$TESTDC_DIR/batch1
cat >"$B1" <<'EOF2'
# provisioning web servers
-S HTTP/b1.spn.test JS1

-s "HTTP/b2.spn.test" 'JS2'   # a comment after words
-D HTTP/b1.spn.test JS1
-L JS2
EOF2
t "--batch: each line's output, then a summary; one exit status"
run --batch "$B1"
rc 0
out "Checking domain $B

Registering ServicePrincipalNames for $J1
	HTTP/b1.spn.test
Updated object
Checking domain $B

Registering ServicePrincipalNames for $J2
	HTTP/b2.spn.test
Updated object
Unregistering ServicePrincipalNames for $J1
	HTTP/b1.spn.test
Updated object
Registered ServicePrincipalNames for $J2:
	HTTP/dry.spn.test
	HTTP/b2.spn.test
Batch: 4 commands, 4 done, 0 failed, 0 not run"

t "--batch from stdin"
o=$(printf -- '-Q HTTP/b2.spn.test\n' | "$SETSPN" --batch - 2>&1)
[[ $o == *"Existing SPN found!"* ]] || _fail "stdin batch" "$o"

t "--batch with a malformed line: exit 2, nothing written, line named"
before=$(dump)
printf -- '-S HTTP/ok1.spn.test JS1\n-S "unterminated JS1\n-S HTTP/ok2.spn.test JS2\n' >"$TESTDC_DIR/bad1"
run --batch "$TESTDC_DIR/bad1"
rc 2
err_has "batch line 2"
err_has "unterminated double quote"
same "nothing written" "$(dump)" "$before"

t "--batch line with an invalid SPN or an option it may not carry"
printf -- '-S HTTP/ok1.spn.test JS1\n-S bad JS2\n-H ldap://x -L JS1\n' >"$TESTDC_DIR/bad2"
run --batch "$TESTDC_DIR/bad2"
rc 2
err_has "batch line 2: invalid SPN 'bad'"
err_has "batch line 3"
err_has "not allowed in a batch line"
same "nothing written" "$(dump)" "$before"

t "--batch catches duplicates within the batch"
printf -- '-S HTTP/twice.spn.test JS1\n-S HTTP/twice.spn.test JS2\n' >"$TESTDC_DIR/dup"
run --batch "$TESTDC_DIR/dup"
rc 1
out_has "Duplicate SPN found, aborting operation!"
out_has "Batch: 2 commands, 1 done, 1 failed, 0 not run"
same "JS1 has it, JS2 not" "$(spns "$J2" | grep -c twice)" 0

t "--batch --dry-run catches duplicates within the batch too"
printf -- '-S HTTP/twice2.spn.test JS1\n-S HTTP/twice2.spn.test JS2\n' >"$TESTDC_DIR/dup2"
run -n --batch "$TESTDC_DIR/dup2"
rc 1
err_has "Duplicate SPN found, aborting operation!"
same "one record" "$(grep -c '^dn:' <<<"$out")" 1

t "--batch carries on after a failure; exit is the most severe"
printf -- '-L nosuch\n-S HTTP/after.spn.test JS2\n' >"$TESTDC_DIR/carry"
run --batch "$TESTDC_DIR/carry"
rc 1
out_has "Could not find account nosuch"
out_has "Batch: 2 commands, 1 done, 1 failed, 0 not run"
same "second line ran" "$(spns "$J2" | grep -c after)" 1

t "--batch --stop-on-error stops and lists the lines not run"
printf -- '-L JS1\n-L nosuch\n-S HTTP/never1.spn.test JS2\n\n-S HTTP/never2.spn.test JS2\n' >"$TESTDC_DIR/stop"
run --stop-on-error --batch "$TESTDC_DIR/stop"
rc 1
out_has "Batch: 4 commands, 1 done, 1 failed, 2 not run"
out_has "Not run: lines 3, 5"
same "not written" "$(spns "$J2" | grep -c never)" 0

t "--batch --idempotent per line and on the command line"
printf -- '--idempotent -S HTTP/after.spn.test JS2\n-D HTTP/gone.spn.test JS2\n' >"$TESTDC_DIR/idem"
run --idempotent --batch "$TESTDC_DIR/idem"
rc 0

t "--batch --json: one document, a line number per operation"
printf -- '-L JS1\n-Q HTTP/after.spn.test\n' >"$TESTDC_DIR/bj"
run --json --batch "$TESTDC_DIR/bj"
rc 0
same "lines" "$(jget '[o["line"] for o in d["operations"]]')" "[1, 2]"
same "batch" "$(jget 'd["batch"]["done"]')" 2

t "--batch with a command line verb: usage error"
run --batch "$TESTDC_DIR/bj" -L JS1
rc 2

t "--batch of a missing file: exit 2"
run --batch /nonexistent/batch
rc 2
err_has "/nonexistent/batch"

t "--batch with -F, -T, -C or -U on the command line: usage error"
run -F --batch "$TESTDC_DIR/bj"
rc 2
err_has "on the lines they apply to"

t "--batch: a line ending in a backslash is malformed, nothing runs"
printf -- '-L JS1 \\\n-L JS2\n' >"$TESTDC_DIR/bs"
run --batch "$TESTDC_DIR/bs"
rc 2
err_has "batch line 1: a backslash ends the line"
out ""

t "--json with a usage error: still one document, exit 2"
run --json -Y JS1
rc 2
same "exit" "$(jget 'd["exit"]')" 2
[[ $(jget 'd["error"]') == *"'-Y'"* ]] || _fail "error does not name the option" "$out"

t "--batch line with a NUL byte: refused, nothing runs"
printf -- '-L JS1\n-L J\0S2\n' >"$TESTDC_DIR/nul"
run --batch "$TESTDC_DIR/nul"
rc 2
err_has "batch line 2: contains a NUL byte"

t "--dry-run --batch sees its own earlier lines: move an SPN between accounts"
printf -- '-D HTTP/js1.spn.test JS1\n-S HTTP/js1.spn.test JS2\n' >"$TESTDC_DIR/move"
before=$(dump)
run -n --batch "$TESTDC_DIR/move"
rc 0
same "two records" "$(grep -c '^changetype: modify' <<<"$out")" 2
same "nothing written" "$(dump)" "$before"

t "--dry-run --batch: add then delete on one account"
printf -- '-S HTTP/addrm.spn.test JS1\n-D HTTP/addrm.spn.test JS1\n' >"$TESTDC_DIR/addrm"
run -n --batch "$TESTDC_DIR/addrm"
rc 0
same "two records" "$(grep -c '^changetype: modify' <<<"$out")" 2

t "--batch reads ahead, yet each line sees the earlier lines' writes"
printf -- '%s\n' '-S HTTP/ahead.spn.test JS1' '-D HTTP/ahead.spn.test JS1' \
	'-S HTTP/ahead.spn.test JS2' '-S HTTP/ahead.spn.test JS1' '-D HTTP/ahead.spn.test JS1' \
	'-A HTTP/ahead2.spn.test JS1' '--idempotent -S HTTP/ahead2.spn.test JS1' >"$TESTDC_DIR/ahead"
run --batch "$TESTDC_DIR/ahead"
rc 1
out_has "Batch: 7 commands, 5 done, 2 failed, 0 not run"
# line 4: JS2 holds it since line 3; line 5: JS1 gave it up in line 2
out_has "Duplicate SPN found, aborting operation!"
err_has "cannot remove 'HTTP/ahead.spn.test' from $J1: not registered on that account"
same "JS2 holds it" "$(spns "$J2" | grep -c '^HTTP/ahead.spn.test$')" 1
same "JS1 does not" "$(spns "$J1" | grep -c '^HTTP/ahead.spn.test$')" 0
same "JS1 holds the second" "$(spns "$J1" | grep -c '^HTTP/ahead2.spn.test$')" 1

# Lines read ahead in groups (one OR search for many lines' account
# lookups, one for their duplicate checks): each line still gets exactly
# its own answer.  With --page-size 1 a group whose answer needs a second
# page is not used: its lines search alone, with the same outcome.
printf -- '%s\n' '-S HTTP/grp1.spn.test JS1' '-S HTTP/js1.spn.test JS2' \
	'-S HTTP/grp2.spn.test js2' '-S http/GRP1.spn.test JS2' '-A HTTP/grp3.spn.test JS1$' \
	'-S HTTP/js1.spn.test JS1' '-L JS2' '-S HTTP/grp4.spn.test CN=JS2,CN=Computers,'"$B" \
	'-D HTTP/grp1.spn.test JS1' '-S HTTP/GRP1.spn.test JS2' \
	'-S HTTP/grp5.spn.test JS2$@spn.test' >"$TESTDC_DIR/group"
# the report without -v's own lines (errors stay)
report_only() {
	grep -Ev '^setspn: (connected to|account lookup read|duplicate check in|not searched:|batch: [0-9]+ search)' <<<"$1"
}

t "--batch reads lines ahead in groups: every line gets its own answer"
run -v -n --batch "$TESTDC_DIR/group"
rc 1
grouped=$out
grouped_err=$(report_only "$err")
# a dry run: the LDIF on stdout, the report on stderr
err_has "Batch: 11 commands, 8 done, 3 failed, 0 not run"
# line 2: JS1 holds it; line 4: JS1 since line 1; line 6: JS1 already
same "conflicts" "$(grep -c '^Duplicate SPN found, aborting operation!$' <<<"$err")" 3
same "writes" "$(grep -c '^changetype: modify$' <<<"$out")" 7
# nine account lookups by name in one group, the DN and the UPN alone;
# nine duplicate checks in one group
err_has "batch: 4 search(es) sent ahead for 19 line search(es), 19 answered from them"

t "--batch --page-size 1: a group needing a second page is not used, same outcome"
run -v -n --page-size 1 --batch "$TESTDC_DIR/group"
rc 1
same "stdout" "$out" "$grouped"
same "report" "$(report_only "$err")" "$grouped_err"
# both groups fill a page of one (and Samba then says more may follow),
# so every grouped line searches alone; the DN's lookup needs a second
# page too; only the UPN's, which finds nothing, is whole in one.  A slow
# run (valgrind) asks checks older than the read-ahead's freshness bound
# again, and which answers are then used depends on timing: only the
# searches sent ahead are counted there.
bt_ok=0
if [[ $err =~ "batch: 4 search(es) sent ahead for 19 line search(es), 1 answered from them"($'\n'|$) ]]; then
	bt_ok=1
elif [[ $err =~ "batch: 4 search(es) sent ahead for 19 line search(es), "[0-9]+" answered from them; "[0-9]+" duplicate check(s) older than 250 ms asked again" ]]; then
	bt_ok=1
fi
((_skip || bt_ok)) || _fail "the grouped read-ahead's counts" "$err"

t "--batch of 130 lines on one account: groups of 64 values, windows of 128 lines, the account asked for once a window"
for ((i = 1; i <= 130; i++)); do
	printf -- '-S HTTP/bulk%d.spn.test JS1\n' "$i"
done >"$TESTDC_DIR/bulk"
run -v -n --batch "$TESTDC_DIR/bulk"
rc 0
err_has "Batch: 130 commands, 130 done, 0 failed, 0 not run"
# window 1: one account group, two checks of 64; window 2: one of each
err_has "batch: 5 search(es) sent ahead for 260 line search(es), 260 answered from them"
