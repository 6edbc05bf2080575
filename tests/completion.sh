# Tests of the shell completions, completions/setspn.bash and
# completions/_setspn: sourced by tests/run.sh (after tests/lib.sh), or
# run alone:  bash tests/completion.sh  (ends with "N passed, N failed").
#
# bash: a fresh bash sources bash_completion (and, for the fallback, not),
# then completions/setspn.bash, sets COMP_WORDS, COMP_CWORD, COMP_LINE and
# COMP_POINT as readline would, calls _setspn and prints COMPREPLY.
# zsh: tests/zsh-complete.zsh types each line and a TAB into an interactive
# zsh (zsh/zpty) whose compinit loads completions/_setspn, and prints the
# candidates compadd was given after matching.
# Nothing may contact a DC: setspn, ldapsearch, kinit and the DNS tools
# are shadowed on PATH by scripts that leave a mark if run.

cmp_alone=0
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	cmp_alone=1
	set -uo pipefail
	cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
	bash tests/deps.sh completion || exit 1
	PASS=0 FAIL=0
	# shellcheck source=tests/lib.sh
	. tests/lib.sh
fi

cmp_root=$PWD
cmp_dir=$(mktemp -d /tmp/setspn-completion.XXXXXX)
mkdir -p "$cmp_dir/work/adir" "$cmp_dir/bin"
: >"$cmp_dir/work/a.keytab"
# A file named like a switch: "-?" must not be globbed into it.
: >"$cmp_dir/work/-q"
for cmd in setspn ldapsearch ldapmodify kinit klist kvno host dig nslookup; do
	printf '#!/bin/sh\necho "%s $*" >>%s/contacted\n' "$cmd" "$cmp_dir" >"$cmp_dir/bin/$cmd"
	chmod +x "$cmp_dir/bin/$cmd"
done

# bcomp [--plain] LINE: the candidates bash offers at the end of LINE,
# sorted, on one line.  --plain: without bash_completion (the fallback).
bcomp() {
	local mode=bc
	[[ $1 == --plain ]] && mode=plain && shift
	(cd "$cmp_dir/work" && PATH="$cmp_dir/bin:$PATH" bash --norc --noprofile -c '
		mode=$1 line=$2
		if [[ $mode == bc ]]; then
			. /usr/share/bash-completion/bash_completion || exit 9
		fi
		. "$3" || exit 9
		# Split as readline does: at blanks, and "=" and ":" are words of
		# their own (COMP_WORDBREAKS); the word under the cursor may be empty.
		words=() w= last=
		for ((i = 0; i < ${#line}; i++)); do
			c=${line:i:1}
			case $c in
			" ") [[ -n $w ]] && words+=("$w"); w= last=" " ;;
			[=:]) [[ -n $w ]] && words+=("$w"); words+=("$c"); w= last=$c ;;
			*) w+=$c last= ;;
			esac
		done
		[[ -n $w || -z $last || $last == " " ]] && words+=("$w")
		COMP_WORDS=("${words[@]}")
		COMP_CWORD=$((${#words[@]} - 1))
		COMP_LINE=$line
		COMP_POINT=${#line}
		_setspn setspn "${words[COMP_CWORD]}" "${words[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort -u | paste -sd " "
	' _ "$mode" "$1" "$cmp_root/completions/setspn.bash")
}

# bcase NAME LINE EXPECTED [--plain]: one test.
bcase() {
	t "completion bash: $1"
	((_skip)) && return 0
	local got
	got=$(bcomp ${4:+"$4"} "$2" 2>&1)
	same "'$2'" "$got" "$3"
}

classes='DNS/ FTP/ GC/ HOST/ HTTP/ IMAP/ MSClusterVirtualServer/ MSOLAPSvc.3/ MSSQLSvc/ MSServerClusterMgmtAPI/ POP3/ RestrictedKrbHost/ SMTP/ SMTPSVC/ TERMSRV/ WSMAN/ cifs/ exchangeAB/ exchangeMDB/ exchangeRFR/ ldap/ nfs/'
switches='-? -A -C -D -F -H -L -P -Q -R -S -T -U -X -Z -h -n -v'
slashes='/? /A /C /D /F /L /P /Q /R /S /T /U /X'
ms='MSClusterVirtualServer/ MSOLAPSvc.3/ MSSQLSvc/ MSServerClusterMgmtAPI/'

if [[ -r /usr/share/bash-completion/bash_completion ]]; then
	bcase "switches after -" 'setspn -' "$switches"
	bcase "a lower-case switch stays lower case" 'setspn -s' '-s'
	bcase "long options" 'setspn --s' '--service-keytab --simple --site --spn --starttls --stop-on-error'
	bcase "every long option" 'setspn --' '--account-password-file --batch --bind-dn --cacert --domain --dry-run --enctypes --force --help --idempotent --json --keep-kvnos --keytab --kvno --max-time --min-ssf --page-size --password-file --principal --rotate --service-keytab --simple --site --spn --starttls --stop-on-error --timeout --uri --value-range --verbose --verify --version --write-keytab'
	bcase "Setspn.exe's /L spelling" 'setspn /' "$slashes"
	bcase "/l in lower case" 'setspn /l' '/l'
	bcase "service classes after -S" 'setspn -S ' "$classes"
	bcase "service class, case ignored" 'setspn -S ht' 'HTTP/'
	bcase "service class after -s mssql" 'setspn -s mssql' 'MSSQLSvc/'
	bcase "service class after -A, -D and -Q" 'setspn -Q -P ms' "$ms"
	bcase "service class after /D" 'setspn /D c' 'cifs/'
	bcase "-T's domain is no SPN" 'setspn -T spn.test -S g' 'GC/'
	bcase "modifier before -A" 'setspn -F -A ex' 'exchangeAB/ exchangeMDB/ exchangeRFR/'
	bcase "no class once the host has begun" 'setspn -S HTTP/we' ''
	bcase "no class in an MSSQLSvc port" 'setspn -S MSSQLSvc/db:14' ''
	bcase "the account is not completed" 'setspn -S HTTP/web01 W' ''
	bcase "-L's account is not completed" 'setspn -L ' ''
	bcase "--verify takes an SPN" 'setspn --verify ms' "$ms"
	bcase "--spn takes an SPN" 'setspn --write-keytab k.kt svc --spn ms' "$ms"
	bcase "--write-keytab: files" 'setspn --write-keytab a' 'a.keytab adir'
	bcase "--account-password-file: files" 'setspn --write-keytab k svc --account-password-file a' 'a.keytab adir'
	bcase "--enctypes: the next name of the list" 'setspn --enctypes aes256,r' 'aes256,rc4'
	bcase "--kvno: next" 'setspn --kvno n' 'next'
	bcase "--batch: files and -" 'setspn --batch ' '- -q a.keytab adir'
	bcase "--batch=FILE" 'setspn --batch=a' 'a.keytab adir'
	bcase "--keytab: files" 'setspn --keytab a' 'a.keytab adir'
	bcase "--service-keytab: files" 'setspn --service-keytab a' 'a.keytab adir'
	bcase "--password-file: files" 'setspn --password-file a' 'a.keytab adir'
	bcase "--cacert: files" 'setspn -Z --cacert a' 'a.keytab adir'
	bcase "-H: URI schemes" 'setspn -H ld' 'ldap:// ldaps://'
	bcase "--timeout's value is not completed" 'setspn --timeout ' ''
	bcase "after --, no switches" 'setspn -L -- -' ''
else
	t "completion bash: bash-completion is installed"
	_fail "/usr/share/bash-completion/bash_completion is missing (tests/deps.sh completion)"
fi
# Without bash_completion (no _init_completion): the function's fallback.
bcase "fallback: service class" 'setspn -S ht' 'HTTP/' --plain
bcase "fallback: switches" 'setspn -' "$switches" --plain
bcase "fallback: --keytab files" 'setspn --keytab a' 'a.keytab adir' --plain
bcase "fallback: --batch=FILE" 'setspn --batch=a' 'a.keytab adir' --plain
bcase "fallback: --verify" 'setspn --verify=ms' "$ms" --plain

# ------------------------------------------------------------------- zsh
t "completion zsh: zsh -n completions/_setspn"
if ((!_skip)); then
	if command -v zsh >/dev/null; then
		ok "zsh -n completions/_setspn" zsh -n completions/_setspn
	else
		_fail "zsh is not installed (tests/deps.sh completion)"
	fi
fi

zlines=(
	'setspn -'
	'setspn -s'
	'setspn --s'
	'setspn /'
	'setspn -S '
	'setspn -S ht'
	'setspn -s mssql'
	'setspn -Q -P ms'
	'setspn -T spn.test -S g'
	'setspn -S HTTP/we'
	'setspn -S HTTP/web01 W'
	'setspn --verify ms'
	'setspn --verify=ms'
	'setspn --batch a'
	'setspn --batch=a'
	'setspn --keytab a'
	'setspn --service-keytab a'
	'setspn --password-file a'
	'setspn --cacert a'
	'setspn -H ld'
	'setspn --write-keytab a'
	'setspn --spn ms'
	'setspn --kvno n'
	'setspn --enctypes aes256,r'
)
zwant=(
	"$switches"
	'-s'
	'--service-keytab --simple --site --spn --starttls --stop-on-error'
	"$slashes"
	"$classes"
	'HTTP/'
	'MSSQLSvc/'
	"$ms"
	'GC/'
	''
	''
	"$ms"
	"$ms"
	'a.keytab adir'
	'a.keytab adir'
	'a.keytab adir'
	'a.keytab adir'
	'a.keytab adir'
	'a.keytab adir'
	'ldap:// ldaps://'
	'a.keytab adir'
	"$ms"
	'next'
	'rc4'
)
if command -v zsh >/dev/null && [[ -z $ONLY || "completion zsh" == *$ONLY* || $ONLY == *zsh* ]]; then
	# One zsh for every line: the lines on stdin, the candidates back.
	zout=$(cd "$cmp_dir/work" && printf '%s\n' "${zlines[@]}" |
		PATH="$cmp_dir/bin:$PATH" timeout 120 zsh -f "$cmp_root/tests/zsh-complete.zsh" "$cmp_root/completions" 2>&1)
	declare -A zgot=()
	cur=
	while IFS= read -r l; do
		case $l in
		"== "*) cur=${l#== } zgot[$cur]= ;;
		"-- end") cur= ;;
		*) [[ -n $cur ]] && zgot[$cur]+="${zgot[$cur]:+ }$l" ;;
		esac
	done <<<"$zout"
	for i in "${!zlines[@]}"; do
		t "completion zsh: '${zlines[i]}'"
		((_skip)) && continue
		if [[ -z ${zgot[${zlines[i]}]+set} ]]; then
			_fail "no answer from zsh for this line" "$zout"
		else
			# zsh lists the words of _files with / after directories.
			same "'${zlines[i]}'" "${zgot[${zlines[i]}]/adir\//adir}" "${zwant[i]}"
		fi
	done
fi

t "completion: no completion ran setspn, an LDAP, Kerberos or DNS tool"
same "commands run" "$(cat "$cmp_dir/contacted" 2>/dev/null)" ""
rm -rf "$cmp_dir"

if ((cmp_alone)); then
	summary
	echo "$PASS passed, $FAIL failed"
	((FAIL == 0))
fi
