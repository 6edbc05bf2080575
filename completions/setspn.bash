# bash completion for setspn(1)                            -*- shell-script -*-
#
# Installed as <prefix>/share/bash-completion/completions/setspn, where
# bash-completion loads it on first use; or source it.  It completes
# Setspn.exe's switches (-L, /L; the letters in either case), the Unix
# options, file names for the options that take a file, and the common
# Active Directory service classes ("HTTP/") for the SPN of -S, -A, -D,
# -Q, --verify and --spn.  It never contacts a DC: accounts and host names are
# not completed.

# The Setspn.exe switches and modifiers, upper case.
_setspn_switches='R S A D L Q X F T P C U'

# Service classes of Active Directory SPNs, as Windows spells them.
_setspn_classes='HOST HTTP MSSQLSvc cifs ldap GC DNS SMTPSVC SMTP WSMAN
TERMSRV RestrictedKrbHost exchangeMDB exchangeAB exchangeRFR nfs FTP IMAP
POP3 MSOLAPSvc.3 MSServerClusterMgmtAPI MSClusterVirtualServer'

_setspn_longopts='--uri --timeout --max-time --page-size --value-range
--batch --domain --site --cacert
--min-ssf --bind-dn --keytab --service-keytab --principal --password-file
--verify --help --version --verbose --json --dry-run --idempotent
--stop-on-error --starttls --simple --write-keytab --account-password-file
--spn --enctypes --kvno --keep-kvnos --rotate --force'

# COMPREPLY += the words of $1 that start with $2 (letter case ignored
# with a third argument).  No compgen -W into an unquoted array: "-?" and
# "/?" would be globbed.
_setspn_match() {
	local w ws
	read -ra ws -d '' <<<"$1"
	for w in "${ws[@]}"; do
		if [[ -n ${3:-} ]]; then
			[[ ${w,,} == "${2,,}"* ]] && COMPREPLY+=("$w")
		else
			[[ $w == "$2"* ]] && COMPREPLY+=("$w")
		fi
	done
}

# COMPREPLY = the files (and directories) that complete $1.
_setspn_files() {
	if declare -F _filedir >/dev/null; then
		_filedir
	else
		compopt -o filenames 2>/dev/null
		local IFS=$'\n'
		mapfile -t COMPREPLY < <(compgen -f -- "$1")
	fi
}

_setspn() {
	local cur prev words cword split=false
	COMPREPLY=()
	if declare -F _init_completion >/dev/null; then
		# -s: --opt=value is split; -n : keeps MSSQLSvc/host:1433 one word.
		_init_completion -s -n : || return
	else
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
		cur=${words[cword]}
		prev=
		((cword > 0)) && prev=${words[cword - 1]}
		if [[ $cur == --*=* ]]; then
			prev=${cur%%=*}
			cur=${cur#*=}
			split=true
		elif [[ $cur == = && $prev == --* ]]; then
			cur=
			split=true
		elif [[ $prev == = ]] && ((cword > 1)) && [[ ${words[cword - 2]} == --* ]]; then
			prev=${words[cword - 2]}
			split=true
		fi
	fi

	# The value of an option.
	case $prev in
	--batch)
		_setspn_files "$cur"
		[[ - == "$cur"* ]] && COMPREPLY+=(-)
		return
		;;
	--keytab | --service-keytab | --password-file | --cacert | --write-keytab | \
		--account-password-file)
		_setspn_files "$cur"
		return
		;;
	--enctypes)
		# a comma-separated list: the next name after the last comma
		local done=${cur%"${cur##*,}"}
		_setspn_match 'aes256 aes128 rc4' "${cur##*,}"
		COMPREPLY=("${COMPREPLY[@]/#/$done}")
		return
		;;
	--kvno)
		_setspn_match 'next' "$cur"
		return
		;;
	--verify | --spn)
		[[ $cur == */* ]] && return
		_setspn_match "$_setspn_classes" "$cur" nocase
		COMPREPLY=("${COMPREPLY[@]/%//}")
		compopt -o nospace 2>/dev/null
		return
		;;
	-H | --uri)
		[[ $cur == *://* ]] && return
		_setspn_match 'ldap:// ldaps://' "$cur"
		compopt -o nospace 2>/dev/null
		return
		;;
	-T | -t | --timeout | --max-time | --page-size | --value-range | --domain | \
		--site | --min-ssf | --bind-dn | --principal | --keep-kvnos)
		# A value no completion can know without asking a DC.
		return
		;;
	esac
	$split && return

	# The switch given so far, and how many arguments come before this one.
	local i w verb='' npos=0 skip=false dashdash=false
	for ((i = 1; i < cword; i++)); do
		w=${words[i]}
		if $skip; then
			skip=false
			continue
		fi
		if $dashdash; then
			((npos++))
			continue
		fi
		case $w in
		--) dashdash=true ;;
		-H | -T | -t | --uri | --timeout | --max-time | --page-size | \
			--value-range | --batch | --domain | --site | \
			--cacert | --min-ssf | --bind-dn | --keytab | --service-keytab | \
			--principal | --password-file | --verify | --write-keytab | \
			--account-password-file | --spn | --enctypes | --kvno | --keep-kvnos)
			skip=true ;;
		--*=* | --*) ;;
		[-/][RrSsAaDdLlQqXx]) verb=${w:1:1} verb=${verb^} ;;
		-?) ;;
		=) ;;
		*) ((npos++)) ;;
		esac
	done

	if ! $dashdash; then
		case $cur in
		--*)
			_setspn_match "$_setspn_longopts" "$cur"
			return
			;;
		-*)
			local l cands='-H -v -n -Z -h -?'
			for l in $_setspn_switches; do
				cands+=" -$l"
				# -s is -S: the lower-case spelling once a letter is typed.
				[[ ${#cur} -ge 2 ]] && cands+=" -${l,}"
			done
			[[ ${#cur} -ge 2 ]] && cands+=" $_setspn_longopts"
			_setspn_match "$cands" "$cur"
			return
			;;
		/*)
			# Setspn.exe's own spelling, /L; not once a path is under way.
			if [[ $cur != /*/* && ${#cur} -le 2 ]]; then
				local l cands='/?'
				for l in $_setspn_switches; do
					cands+=" /$l"
					[[ ${#cur} -ge 2 ]] && cands+=" /${l,}"
				done
				_setspn_match "$cands" "$cur"
			fi
			return
			;;
		esac
	fi

	# The SPN of -S, -A, -D and -Q comes first: complete its service class.
	case $verb in
	S | A | D | Q)
		if ((npos == 0)) && [[ $cur != */* ]]; then
			_setspn_match "$_setspn_classes" "$cur" nocase
			COMPREPLY=("${COMPREPLY[@]/%//}")
			compopt -o nospace 2>/dev/null
		fi
		;;
	esac
	return 0
}
complete -F _setspn setspn
