# --verify against ground truth: a matrix of scenarios where the test itself
# asks the KDC (kvno, with a private copy of the cache) and, with a service
# keytab, a GSS-API acceptor (tests/gss_accept) whether Kerberos to the
# service works, then checks that --verify's exit status agrees: 0 iff it
# works, 1 iff not.  Every fix line printed is then run with bash (setspn
# as the one under test) and must exit 0, and the scenario must work
# afterwards; fix lines must be unique and put "--" before any operand
# that starts with '-'.  Wording is not checked here (tests/verify.sh
# does), except where the finding itself is the point (locked out, an
# ambiguous ACCOUNT, no RC4 warning on an AES ticket, a keytab that only
# no-name acceptors take).
#
# Sourced by tests/run.sh after tests/verify.sh (helpers: run, t, _fail
# from lib.sh; lsearch, lmodify, B, C, U from cli.sh; plant_offline from lib.sh).
# Runs on the suite's DC, then on a second DC of the same realm whose KDC
# gives accounts without msDS-SupportedEncryptionTypes AES-only tickets
# (kdc default domain supported enctypes = 24, Windows' 2026 default).
# Its own accounts: vm*, VM*, -vmdash.  VM_STATUS_FILE=FILE: a markdown
# table of scenario, ground truth and verdict is appended there;
# VM_DCS=default or VM_DCS=aes: one of the two DCs only.

VM_GSS=$PWD/tests/gss_accept
VM_REALM=$TESTDC_REALM

# ------------------------------------------------------------ ground truth
# vm_gss [--name PRINC] SPN [KEYTAB]: tests/gss_accept, which asks the KDC
# for a ticket for SPN as a GSS-API client does (with a fresh private copy
# of the cache: no cached ticket answers for the KDC) and, with KEYTAB,
# accepts it as a service does.  Returns its exit status (0 accepted or
# issued, 1 no ticket, 2 rejected); vm_g_why says what happened,
# vm_g_etype is the ticket's encryption type.
vm_gss() {
	local r l tk= err= issued=0
	"$VM_GSS" "$@" >"$VM_DIR/gss.out" 2>"$VM_DIR/gss.err"
	r=$?
	# Read with builtins: this runs hundreds of times.
	while IFS= read -r l; do
		[[ $l =~ ^ticket\ ([^ ]+)\ kvno\ ([0-9]+)$ ]] && tk="${BASH_REMATCH[1]} kvno ${BASH_REMATCH[2]}"
		[[ $l == "ticket issued for "* ]] && issued=1
	done <"$VM_DIR/gss.out"
	while IFS= read -r l; do err=$l; done <"$VM_DIR/gss.err"
	err=${err#gss_accept: }
	err=${err/Unspecified GSS failure.  Minor code may provide more information; /}
	vm_g_etype=${tk%% *}
	case $r in
	0)
		vm_g_why="$tk: accepted"
		((issued)) && vm_g_why="$tk: issued"
		;;
	1) vm_g_why="no ticket: ${err#no ticket: }" ;;
	2) vm_g_why="$tk: rejected: $err" ;;
	*) vm_g_why="gss_accept failed ($r): $err" ;;
	esac
	return "$r"
}

# All accounts' current keys, to tell whose key a ticket is in.
# vm_export_all [JOBS]: ... and tests/ktedit.py's JOBS done on them.
vm_export_all() {
	rm -rf "$VM_DIR/all.kt" "$VM_DIR/keys"
	mkdir "$VM_DIR/keys"
	samba-tool domain exportkeytab "$VM_DIR/all.kt" -s "$TESTDC_DIR/etc/smb.conf" >/dev/null 2>&1 || return 1
	if [[ -n ${1:-} ]]; then
		python3 tests/ktedit.py "$VM_DIR/all.kt" "$1" --jobs
	else
		python3 tests/ktedit.py "$VM_DIR/all.kt" "$VM_DIR/keys" --split
	fi
}
# vm_keys PRINC: vm_keyfile is the keytab of PRINC's current keys (as of
# vm_export_all); fails if it has none.
vm_keys() {
	local p=${1,,}
	[[ $p == *@* ]] || p+="@${VM_REALM,,}"
	vm_keyfile=$VM_DIR/keys/${p//\//_}.kt
	[[ -s $vm_keyfile ]]
}

# vm_truth: the ground truth of the scenario in vm_spn, vm_kt (a service
# keytab), vm_princ (the account whose keys should decrypt the ticket),
# vm_canon (the SPN canonicalizing clients ask for).  Returns 0 if Kerberos
# to the service works; vm_why says what was seen; vm_named: the named
# acceptor's result (only with vm_kt); vm_aes: the ticket is AES.
vm_truth() {
	local good=0 spn=${vm_spn%@*}
	vm_named=
	vm_aes=0
	if [[ -n $vm_princ ]] && vm_keys "$vm_princ"; then
		vm_gss "$spn" "$vm_keyfile" || good=1
		vm_why="ticket, in $vm_princ's keys: $vm_g_why"
	else
		vm_gss "$spn" || good=1
		vm_why="ticket: $vm_g_why"
		if ((good == 0)) && [[ -n $vm_princ ]]; then
			good=1
			vm_why+="; $vm_princ has no keys"
		fi
	fi
	[[ $vm_g_etype == aes* ]] && vm_aes=1
	if [[ -n $vm_canon ]]; then
		vm_gss "$vm_canon" || good=1
		vm_why+="; canonical $vm_canon: $vm_g_why"
	fi
	if [[ -n $vm_kt ]] && ((vm_nokt == 0)); then
		vm_gss "$spn" "$vm_kt" || good=1
		vm_why+="; keytab, no-name acceptor: $vm_g_why"
		vm_gss --name "$spn@$VM_REALM" "$spn" "$vm_kt"
		vm_named=$?
		vm_why+="; named acceptor: $vm_g_why"
	fi
	return "$good"
}

vmrun() {
	LD_PRELOAD=libresolv_wrapper.so:libnss_wrapper.so \
		RESOLV_WRAPPER_CONF=$VM_DIR/resolv.conf NSS_WRAPPER_HOSTS=$VM_DIR/hosts run "$@"
}

# The finding lines of the last run (no blank lines), for messages.
vm_lines() { printf '%s\n' "$out" | grep -E '^(ok  |warn|FAIL|fix:)' ; }

# vm_fix_safety: unique lines; in setspn commands, nothing that looks like
# an option but is not one before "--".  Prints what is wrong.
vm_fix_safety() {
	local line w words seen=$'\n' opt
	while IFS= read -r line; do
		[[ $seen == *$'\n'"$line"$'\n'* ]] && printf 'printed twice: %s\n' "$line"
		seen+="$line"$'\n'
		[[ $line == "setspn "* ]] || continue
		# Words as split by blanks, quotes taken off their ends: enough
		# for the names of this matrix.
		read -ra words <<<"${line#setspn }"
		for w in "${words[@]}"; do
			[[ $w == -- ]] && break
			w=${w#[\'\"]}
			[[ $w == -* ]] || continue
			opt='^(-[A-Za-z]|--[a-z][a-z-]*)$'
			[[ $w =~ $opt ]] || printf 'operand %s taken for an option (no -- before it): %s\n' "$w" "$line"
		done
	done <<<"$fx"
}

vm_status() {
	[[ -n ${VM_STATUS_FILE:-} ]] || return 0
	local f c=()
	for f in "$@"; do
		f=${f//|/\\|}
		c+=("${f//$'\n'/<br>}")
	done
	printf '| %s | %s | %s | %s |\n' "${c[@]}" >>"$VM_STATUS_FILE"
}

# vm_case NAME SPN ACCOUNT KEYTAB [MORE ARGS]: one scenario (ACCOUNT and
# KEYTAB may be ""); the caller sets vm_princ (ACCOUNT's principal, whose
# keys must decrypt the ticket), vm_canon, vm_nofix=1 (a FAIL with no fix
# line is acceptable: nothing setspn can write fixes it), VM_EXPECT (ERE
# patterns the output must match, VM_EXPECT_WHY the reason) before it.
vm_case() {
	local name="[$VM_TAG] $1" spn=$2 acct=$3 kt=$4 want got args fx line bad cmd r
	shift 4
	vm_spn=$spn vm_kt=$kt
	args=(--verify "$spn")
	[[ -z $acct ]] || args+=("$acct")
	[[ -z $kt ]] || args+=(--service-keytab "$kt")
	args+=("$@")
	t "matrix $name: --verify agrees with ground truth"
	if ((_skip)); then
		vm_princ= vm_canon= vm_nofix=0
		return 0
	fi
	want=1
	vm_nokt=0
	vm_truth && want=0
	local why=$vm_why named=$vm_named aes=$vm_aes
	vmrun "${args[@]}"
	got=$rc
	if [[ $got != "$want" ]]; then
		local lines
		mapfile -t lines < <(vm_lines)
		_fail "ground truth: $( ((want)) && echo FAIL || echo works) ($why); setspn --verify exit $got" \
			"setspn $(printf '%q ' "${args[@]}")" "${lines[@]}"
	fi
	if [[ -n $kt && $want == 0 && $named != 0 && $'\n'$out != *$'\n'"warn keytab"* ]]; then
		_fail "the keytab works only for acceptors that name no principal (named acceptor: rc $named), and no 'warn keytab' line says so"
	fi
	if ((aes)) && [[ $out == *"default includes RC4"* ]]; then
		_fail "the KDC issued an AES ticket, yet a line says the default includes RC4" "$(grep 'default includes RC4' <<<"$out")"
	fi
	local pat
	for pat in "${VM_EXPECT[@]}"; do
		[[ ${out,,} =~ ${pat,,} ]] || _fail "no line matches /$pat/ ($VM_EXPECT_WHY)"
	done
	[[ -z ${VM_STATUS_FILE:-} ]] ||
		vm_status "$name" "$( ((want)) && echo FAIL || echo works): $why" "exit $got$([[ $got == "$want" ]] && echo ' (agrees)' || echo ' **DISAGREES**')" \
			"$(vm_lines | grep -E '^(FAIL|warn|fix:)')"

	fx=
	while IFS= read -r line; do
		[[ $line == "fix: "* ]] && fx+="${line#fix: }"$'\n'
	done <<<"$out"
	fx=${fx%$'\n'}
	if [[ -z $fx ]]; then
		if ((got == 1 && !vm_nofix)); then
			t "matrix $name: the FAIL comes with fix lines that work"
			_fail "FAIL with no fix line ($why)"
		fi
		vm_princ= vm_canon= vm_nofix=0 VM_EXPECT=()
		return 0
	fi
	t "matrix $name: fix lines are safe, run, and it works afterwards"
	bad=$(vm_fix_safety)
	[[ -z $bad ]] || _fail "unsafe fix lines" "$bad"
	local log=
	while IFS= read -r line; do
		[[ -n $line ]] || continue
		cmd=${line/#setspn /$SETSPN }
		timeout 30 bash -c "$cmd" </dev/null >"$VM_DIR/fix.out" 2>&1
		r=$?
		if ((r)); then
			_fail "fix line exits $r: $line" "$(head -5 "$VM_DIR/fix.out")"
			log+="**exit $r**: "
		fi
		log+="$line"$'\n' 
	done <<<"$fx"
	[[ ${fx,,} == *unicodepwd* || ${fx,,} == *password* ]] && vm_export_all
	# Where no fix line can mend the keytab, the rest must work.
	vm_nokt=$vm_nofix
	if vm_truth; then
		log+="then: works"
	else
		_fail "after running the fix lines, Kerberos to the service still fails: $vm_why" "$fx"
		log+="then: **still fails**: $vm_why"
	fi
	vm_status "$name (fixes)" "" "" "$log"
	vm_princ= vm_canon= vm_nofix=0 VM_EXPECT=()
}

# --------------------------------------------------------------- fixture
vmpw() { printf '"%s"' "Vm-$1-Pass-1!" | iconv -t UTF-16LE | base64 -w0; }
# vm_comp NAME UAC PW(0/1) [ATTR: VALUE]... : a computer, dNSHostName
# name.spn.test; further lines as given (servicePrincipalName: ...).
vm_comp() {
	local name=$1 uac=$2 pw=$3 l
	shift 3
	printf 'dn: CN=%s,%s\nobjectClass: computer\nsAMAccountName: %s$\n' "$name" "$C" "$name"
	printf 'dNSHostName: %s.spn.test\nuserAccountControl: %s\n' "${name,,}" "$uac"
	((pw)) && printf 'unicodePwd:: %s\n' "$(vmpw "$name")"
	for l in "$@"; do printf '%s\n' "$l"; done
	printf '\n'
}
# vm_user NAME [ATTR: VALUE]...: an enabled user with a password.
vm_user() {
	local name=$1 l
	shift
	printf 'dn: CN=%s,%s\nobjectClass: user\nsAMAccountName: %s\n' "$name" "$U" "$name"
	printf 'unicodePwd:: %s\n' "$(vmpw "$name")"
	[[ " $* " == *"userAccountControl: "* ]] || printf 'userAccountControl: 512\n'
	for l in "$@"; do printf '%s\n' "$l"; done
	printf '\n'
}
S=servicePrincipalName
E=msDS-SupportedEncryptionTypes

vm_fixture() {
	VM_DIR=$TESTDC_DIR/vmatrix
	rm -rf "$VM_DIR"
	mkdir -p "$VM_DIR"
	# vmalias is a CNAME whose canonical name no account holds; vmalias2's
	# canonical name is held.
	cat >"$VM_DIR/zone" <<-'ZONE'
		A vmok1.spn.test 127.0.0.60
		A vmcanonweb.spn.test 127.0.0.61
		CNAME vmalias.spn.test vmcanonweb.spn.test
		A vmcanon2.spn.test 127.0.0.62
		CNAME vmalias2.spn.test vmcanon2.spn.test
	ZONE
	printf 'nameserver 127.0.4.%s\n' "${TESTDC_IP##*.}" >"$VM_DIR/resolv.conf"
	printf '%s localhost\n' "$TESTDC_IP" >"$VM_DIR/hosts"
	python3 tests/dc/fakedns.py "127.0.4.${TESTDC_IP##*.}" "$VM_DIR/zone" --lifetime 900 \
		--ready "$VM_DIR/dns.ready" &
	VM_DNS_PID=$!
	for _ in $(seq 50); do [[ -e $VM_DIR/dns.ready ]] && break; sleep 0.1; done

	{
		vm_comp VMOK1 4096 1 "$S: HOST/vmok1.spn.test"
		vm_comp VMFILES 4096 1 "$S: HOST/vmfiles.spn.test"
		vm_comp VMCN 4096 1
		vm_comp VMCN2 4096 1
		vm_comp VMCNX 4096 1 "$S: HOST/vmcnx"
		vm_comp VMNOKEY 4096 0 "$S: HTTP/vmnokey.spn.test"
		# As samba-tool computer create leaves it: disabled, no keys.
		vm_comp VMNEW 4098 0 "$S: HTTP/vmnew.spn.test"
		vm_comp VMDIS 4098 1 "$S: HOST/vmdis.spn.test"
		vm_comp VMDUPA 4096 1
		vm_comp VMDUPB 4096 1
		vm_comp VMHV1 4096 1
		vm_comp VMHV2 4096 1
		vm_comp VMSVC 4096 1
		vm_comp VMCLU 4096 1 "$S: HOST/vmclu.spn.test" "msDS-AdditionalDnsHostName: vmclualias.spn.test"
		vm_comp VMAES 4096 1 "$S: HOST/vmaes.spn.test" "$E: 24"
		vm_user vm-svc1 "$S: HTTP/vmsvc1.spn.test"
		vm_user vm-spnkt "$S: HTTP/vmspnkt.spn.test"
		vm_user vm-stale "$S: HTTP/vmstale.spn.test"
		vm_user vm-wrongkt "$S: HTTP/vmwrongkt.spn.test"
		vm_user vm-nokt "$S: HTTP/vmnokt.spn.test"
		vm_user vm-rc4 "$S: HTTP/vmrc4.spn.test" "$E: 4"
		vm_user vm-rc4kt "$S: HTTP/vmrc4kt.spn.test" "$E: 4"
		vm_user vm-rc4only "$S: HTTP/vmrc4only.spn.test"
		vm_user vm-aeskt "$S: HTTP/vmaeskt.spn.test" "$E: 4"
		vm_user vm-dis "$S: HTTP/vmdisu.spn.test" "userAccountControl: 514"
		vm_user vm-casekt "$S: HTTP/vmcasekt.spn.test"
		vm_user vm-kvno "$S: HTTP/vmkvno.spn.test"
		vm_user vm-realm "$S: HTTP/vmrealm.spn.test"
		vm_user vm-realm2
		vm_user vm-web "$S: HTTP/vmalias.spn.test"
		vm_user vm-web2 "$S: HTTP/vmalias2.spn.test" "$S: HTTP/vmcanon2.spn.test"
		vm_user -vmdash
		vm_user vmsvc "$S: HTTP/vmsvcx.spn.test" "$S: HTTP/vmsvcy.spn.test"
		vm_user vm-lock "$S: HTTP/vmlock.spn.test"
		vm_user vm-port "$S: HTTP/vmport.spn.test"
		vm_user vm-sql "$S: MSSQLSvc/vmsql.spn.test:1433"
		vm_user vm-des "$S: HTTP/vmdes.spn.test" "$E: 3"
		vm_user vm-aesu "$S: HTTP/vmaesu.spn.test"
		vm_user vm-other "$S: HTTP/vmother.spn.test"
		vm_user vm-cnuser
	} >"$VM_DIR/fixture.ldif"
	ldapadd -c -Q -Y GSSAPI -H "$TESTDC_URI" -f "$VM_DIR/fixture.ldif" >"$VM_DIR/fixture.log" 2>&1 ||
		{ vm_err="ldapadd: $(grep -v '^adding\|^$' "$VM_DIR/fixture.log" | head -3)"; return 1; }
	# What the DC refuses, planted offline: duplicates.
	cat >"$VM_DIR/dups.ldif" <<-LDIF
		dn: CN=VMDUPA,$C
		changetype: modify
		add: $S
		$S: HTTP/vmdup.spn.test
		$S: HTTP/vmcase.spn.test

		dn: CN=VMDUPB,$C
		changetype: modify
		add: $S
		$S: HTTP/vmdup.spn.test
		$S: http/VMCASE.spn.test

		dn: CN=VMHV1,$C
		changetype: modify
		add: $S
		$S: HOST/vmhv.spn.test

		dn: CN=VMHV2,$C
		changetype: modify
		add: $S
		$S: HOST/vmhv.spn.test
	LDIF
	plant_offline "$VM_DIR/dups.ldif"
	((PLANTED)) || { vm_err="planting duplicates offline failed"; return 1; }
	# Service keytabs: the accounts' keys (one export), edited as they go
	# wrong; and each account's keys apart (vm_keys).
	local k=$VM_DIR r=$VM_REALM
	cat >"$k/kt.jobs" <<-JOBS
		$k/keys --split
		$k/svc1.kt --principal vm-svc1@$r
		$k/stale.kt --principal vm-stale@$r
		$k/wrong.kt --principal vm-svc1@$r
		$k/rc4kt.kt --principal vm-rc4kt@$r
		$k/dis.kt --principal vm-dis@$r
		$k/rc4only.kt --principal vm-rc4only@$r --enctype 23
		$k/aesonly.kt --principal vm-aeskt@$r --enctype 18
		$k/spn.kt --principal vm-spnkt@$r --rename vm-spnkt@$r=HTTP/vmspnkt.spn.test@$r
		$k/case.kt --principal vm-casekt@$r --rename vm-casekt@$r=HTTP/VMCASEKT.SPN.TEST@$r
		$k/kvno7.kt --principal vm-kvno@$r --kvno 7 --rename vm-kvno@$r=HTTP/vmkvno.spn.test@$r
	JOBS
	vm_export_all "$k/kt.jobs" || { vm_err="exporting or editing the keytabs failed"; return 1; }
	# A password change leaves stale.kt one kvno behind.
	printf 'dn: CN=vm-stale,%s\nchangetype: modify\nreplace: unicodePwd\nunicodePwd:: %s\n' \
		"$U" "$(vmpw stale2)" | lmodify || { vm_err="password change failed"; return 1; }
}

# vm_lockout N: the domain's lockout threshold (0: never), as samba-tool
# domain passwordsettings sets it.
vm_lockout() {
	printf 'dn: %s\nchangetype: modify\nreplace: lockoutThreshold\nlockoutThreshold: %s\n' "$B" "$1" | lmodify
}

# -------------------------------------------------------------- scenarios
vm_matrix() {
	local ok=0
	vm_princ= vm_canon= vm_nofix=0 VM_EXPECT=()
	t "matrix [$VM_TAG] fixture: accounts, duplicates, keytabs, fake DNS"
	vm_err=
	vm_fixture && ok=1
	((ok)) || { _fail "fixture: $vm_err (the matrix is not run)"; return 1; }
	local k=$VM_DIR
	[[ -z ${VM_STATUS_FILE:-} ]] ||
		printf '\n### DC: %s\n\n| scenario | ground truth | setspn --verify | its FAIL/warn/fix lines; fixes run |\n|---|---|---|---|\n' \
			"$VM_TAG" >>"$VM_STATUS_FILE"

	# Healthy, and the classic outages.
	vm_princ='VMOK1$'
	vm_case "healthy computer SPN, ACCOUNT named" HOST/vmok1.spn.test VMOK1 ""
	vm_case "healthy computer SPN, no ACCOUNT" HOST/vmok1.spn.test "" ""
	vm_case "alias: cifs/x through HOST/x" cifs/vmfiles.spn.test "" ""
	vm_princ='VMOK1$'
	vm_case "alias served by an account other than ACCOUNT" cifs/vmfiles.spn.test VMOK1 ""
	vm_princ='VMOK1$'
	vm_case "missing SPN, ACCOUNT named" HTTP/vmmiss.spn.test VMOK1 ""
	vm_nofix=1
	vm_case "missing SPN, no holder, no ACCOUNT" HTTP/vmnobody.spn.test "" ""
	vm_princ=vm-svc1
	vm_case "SPN held by another account than ACCOUNT" HTTP/vmother.spn.test vm-svc1 ""
	vm_nofix=1
	vm_case "duplicate SPN, no ACCOUNT" HTTP/vmdup.spn.test "" ""
	vm_princ='VMDUPA$'
	vm_case "duplicate SPN (planted), ACCOUNT named" HTTP/vmdup.spn.test VMDUPA ""
	vm_princ='VMDUPB$'
	vm_case "case-only duplicate SPN, ACCOUNT named" http/vmcase.spn.test VMDUPB ""
	vm_princ='VMHV1$'
	vm_case "HOST/ alias held by two computers" cifs/vmhv.spn.test VMHV1 ""
	# No line can set a password without a secret: no fix line is fine
	# (a printed one must work).
	vm_nofix=1
	vm_case "no keys (pwdLastSet 0)" HTTP/vmnokey.spn.test "" ""
	vm_nofix=1
	vm_case "computer as samba-tool computer create leaves it (disabled, no keys)" HTTP/vmnew.spn.test "" ""
	vm_princ='VMOK1$'
	vm_case "seed-style: SMTPSVC/ on a computer holding only HOST/" SMTPSVC/vmok1.spn.test VMOK1 ""

	# Keytabs.
	vm_princ=vm-svc1
	vm_case "keytab: fresh export (account-name entries)" HTTP/vmsvc1.spn.test vm-svc1 "$k/svc1.kt"
	vm_case "keytab: entries for the SPN itself" HTTP/vmspnkt.spn.test vm-spnkt "$k/spn.kt"
	vm_nofix=1
	vm_case "keytab: stale after a password change" HTTP/vmstale.spn.test vm-stale "$k/stale.kt"
	vm_nofix=1
	vm_case "keytab: another account's keys" HTTP/vmwrongkt.spn.test vm-wrongkt "$k/wrong.kt"
	vm_nofix=1
	vm_case "keytab: missing file" HTTP/vmnokt.spn.test vm-nokt "$k/none.kt"
	vm_case "keytab: the SPN's entry in another letter case" HTTP/vmcasekt.spn.test vm-casekt "$k/case.kt"
	vm_case "keytab: the right key under kvno 7 (directory: 1)" HTTP/vmkvno.spn.test vm-kvno "$k/kvno7.kt"
	vm_case "keytab: disabled service account" HTTP/vmdisu.spn.test vm-dis "$k/dis.kt"
	# On an AES-only KDC it needs an AES key: only a new keytab (the
	# account's password) mends that.
	vm_nofix=1
	vm_case "keytab: only an RC4 key, msDS-SupportedEncryptionTypes unset" HTTP/vmrc4only.spn.test vm-rc4only "$k/rc4only.kt"
	vm_case "keytab: RC4-only account (4), keytab has AES too" HTTP/vmrc4kt.spn.test vm-rc4kt "$k/rc4kt.kt"
	vm_case "keytab: AES-only keytab, RC4-only account (4)" HTTP/vmaeskt.spn.test vm-aeskt "$k/aesonly.kt"

	# Encryption types and account states.
	vm_princ=vm-rc4
	vm_case "RC4-only user account (4)" HTTP/vmrc4.spn.test vm-rc4 ""
	vm_princ=vm-des
	vm_case "DES-only account (3)" HTTP/vmdes.spn.test vm-des ""
	vm_princ='VMAES$'
	vm_case "computer with AES only (24)" HOST/vmaes.spn.test VMAES ""
	vm_princ=vm-aesu
	vm_case "user without msDS-SupportedEncryptionTypes" HTTP/vmaesu.spn.test vm-aesu ""
	vm_princ='VMDIS$'
	vm_case "disabled computer" HOST/vmdis.spn.test VMDIS ""

	# Input forms and names.
	# SPN@REALM: refused as -S refuses it (exit 2, the value named, nothing
	# asked of the KDC), so that no fix line is ever refused by -S.
	t "matrix [$VM_TAG] SPN@REALM: --verify refuses it as -S does, exit 2"
	vmrun --verify "HTTP/vmrealm.spn.test@$VM_REALM" vm-realm
	rc 2
	err_line
	err_has "HTTP/vmrealm.spn.test@$VM_REALM"
	err_has "a realm does not belong in an SPN"
	vmrun -S "HTTP/vmrealm2.spn.test@$VM_REALM" vm-realm2
	rc 2
	err_has "a realm does not belong in an SPN"
	vm_princ=vm-realm
	vm_case "SPN@REALM written without the realm, held" HTTP/vmrealm.spn.test vm-realm ""
	vm_princ=vm-web vm_canon=HTTP/vmcanonweb.spn.test
	vm_case "CNAME whose canonical SPN is missing" HTTP/vmalias.spn.test vm-web ""
	vm_princ=vm-web2 vm_canon=HTTP/vmcanon2.spn.test
	vm_case "CNAME whose canonical SPN is held" HTTP/vmalias2.spn.test vm-web2 ""
	vm_princ=-vmdash
	vm_case "sAMAccountName starting with -, ACCOUNT as DN" HTTP/vmdash.spn.test "CN=-vmdash,$U" ""
	vm_princ=-vmdash
	vm_case "sAMAccountName starting with -, after --" HTTP/vmdash2.spn.test "" "" -- -vmdash
	vm_princ=vmsvc
	VM_EXPECT=("CN=vmsvc,CN=Users" "CN=VMSVC,CN=Computers") VM_EXPECT_WHY="an ambiguous ACCOUNT names both accounts"
	vm_case "ACCOUNT svc: user svc and computer SVC\$ both exist, user holds it" HTTP/vmsvcx.spn.test vmsvc ""
	vm_princ='VMSVC$'
	vm_case "ACCOUNT SVC\$ chosen, the user holds the SPN" HTTP/vmsvcy.spn.test 'VMSVC$' ""
	vm_case "msDS-AdditionalDnsHostName host, no ACCOUNT" HTTP/vmclualias.spn.test "" ""
	vm_princ='VMCLU$'
	vm_case "msDS-AdditionalDnsHostName host, its computer named" HOST/vmclualias.spn.test VMCLU ""

	# Samba's CN fallback: <class>/<computer CN>.<anything> (a Windows DC
	# would refuse these).
	vm_case "CN fallback: HTTP/<cn>.spn.test, no holder" HTTP/vmcn.spn.test "" ""
	vm_princ='VMCN$'
	vm_case "CN fallback: HTTP/<cn>.spn.test, that computer named" HTTP/vmcn.spn.test VMCN ""
	vm_nofix=1
	vm_case "CN fallback: http/x:8080 with only HOST/x held" http/vmcnx:8080 "" ""
	vm_case "CN fallback: cifs/<cn>.no.such.domain" cifs/vmcn.no.such.domain "" ""
	vm_princ=vm-cnuser
	vm_case "CN fallback: another account named" HTTP/vmcn2.spn.test vm-cnuser ""

	# Ports.
	vm_princ=vm-sql
	vm_case "port form held as it is" MSSQLSvc/vmsql.spn.test:1433 vm-sql ""
	vm_princ=vm-port
	vm_case "port form, only the portless SPN held" HTTP/vmport.spn.test:8080 vm-port ""
	vm_princ='VMOK1$'
	vm_case "port form, a computer holding HOST/" HTTP/vmok1.spn.test:8443 VMOK1 ""

	# Locked out (last: the lockout threshold is domain-wide).
	local i
	vm_lockout 3
	for i in 1 2 3 4; do
		printf 'wrong-%s\n' "$i" | KRB5CCNAME=FILE:$VM_DIR/lock.cc kinit "vm-lock@$VM_REALM" >/dev/null 2>&1
	done
	vm_princ=vm-lock
	VM_EXPECT=("locked.out") VM_EXPECT_WHY="the KDC answers 'revoked' for a locked-out account: say it is locked out"
	vm_case "locked-out service account" HTTP/vmlock.spn.test vm-lock ""
	vm_lockout 0
}

vm_stop_dns() {
	kill "$VM_DNS_PID" 2>/dev/null
	wait "$VM_DNS_PID" 2>/dev/null
}

# Only when asked for: everything, or an ONLY pattern naming the matrix.
# VM_DCS: which DCs (default: "default aes").
if [[ -z ${ONLY:-} || $ONLY == *matrix* ]]; then
	vm_t0=$EPOCHREALTIME
	vm_secs1=0
	if [[ " ${VM_DCS:-default aes} " == *" default "* ]]; then
		VM_TAG=default
		vm_matrix
		vm_stop_dns
		vm_secs1=$(awk -v a="$vm_t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
	fi

	# The same matrix on a second DC of the realm, AES-only by default.
	if [[ " ${VM_DCS:-default aes} " == *" aes "* ]]; then
		vm_env1=$TESTDC_DIR/env
		vm_dc2=$(mktemp -d /tmp/setspn-dc.XXXXXX)
		t "matrix [enctypes=24] a second DC starts"
		# Other test DCs on this machine may hold every address a while.
		for _ in $(seq 12); do
			env -u TESTDC_IP TESTDC_EXTRA_CONF='kdc default domain supported enctypes = 24' \
				bash tests/dc/testdc.sh start "$vm_dc2" >"$vm_dc2.log" 2>&1 && break
			grep -q 'no free address' "$vm_dc2.log" || break
			rm -rf "$vm_dc2" && mkdir "$vm_dc2"
			sleep 5
		done
		if [[ -f $vm_dc2/env ]]; then
			# shellcheck disable=SC1091
			. "$vm_dc2/env"
			VM_REALM=$TESTDC_REALM
			VM_TAG=enctypes=24
			vm_matrix
			vm_stop_dns
		else
			_fail "the second DC did not start" "$(tail -5 "$vm_dc2.log")"
		fi
		bash tests/dc/testdc.sh stop "$vm_dc2" >/dev/null 2>&1
		rm -rf "$vm_dc2" "$vm_dc2.log"
		# shellcheck disable=SC1090
		. "$vm_env1"
	fi
	_finish
	printf '  note: --verify matrix: %s s on the default DC, %s s in all\n' "$vm_secs1" \
		"$(awk -v a="$vm_t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')"
fi
