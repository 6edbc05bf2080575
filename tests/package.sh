#!/bin/bash
# The Debian package, end to end (make check-package): build it with make
# deb (lintian must be clean), install it with dpkg -i, run the installed
# /usr/bin/setspn against a throwaway test DC, find its manual page and
# completions where man, bash-completion and zsh look, then dpkg --purge it
# and check that none of its files is left.  Ends with "N passed, N
# failed"; exits non-zero on any failure.  Needs root (dpkg -i); installs
# the Debian packages it needs (tests/deps.sh package completion).
#
# It refuses to run while a setspn package is already installed: that one
# is not its to replace or purge.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

if ((EUID != 0)); then
	echo "package.sh: needs root (dpkg -i, dpkg --purge)" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
bash tests/deps.sh package || exit 1
bash tests/deps.sh completion || exit 1
if dpkg-query -W -f='${Status}' setspn 2>/dev/null | grep -q ' installed$'; then
	echo "package.sh: a setspn package is already installed; remove it first (dpkg --purge setspn)" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

PASS=0 FAIL=0
. tests/lib.sh
SETSPN=/usr/bin/setspn

pk_dir=$(mktemp -d /tmp/setspn-package.XXXXXX)
pk_dc=$pk_dir/dc
pk_installed=0
pk_cleanup() {
	bash tests/dc/testdc.sh stop "$pk_dc" >/dev/null 2>&1
	# A failure half-way must not leave the package installed.
	((pk_installed)) && dpkg --purge setspn >/dev/null 2>&1
	rm -rf "$pk_dir"
}
trap pk_cleanup EXIT
trap 'exit 130' INT TERM

version=$(sed -n 's/^VERSION *:= *//p' Makefile)
arch=$(dpkg-architecture -q DEB_HOST_ARCH)
deb=build/deb/setspn_${version}-1_${arch}.deb

t "package: make deb builds $deb, lintian clean"
s=$EPOCHREALTIME
make --no-print-directory deb >"$pk_dir/deb.log" 2>&1
rc=$?
same "make deb exit status" "$rc" 0
[[ -f $deb ]] || _fail "no $deb" "$(tail -n 30 "$pk_dir/deb.log")"
# lintian's tags are E: W: I: ... lines; an override (O:) or a note is fine.
lt=$(lintian "build/deb/setspn_${version}-1_${arch}.changes" 2>&1 | grep -E '^[EW]: ')
same "lintian errors and warnings" "$lt" ""
echo "  make deb: $(((${EPOCHREALTIME/./} - ${s/./}) / 1000)) ms"

t "package: the .deb's metadata"
same "Package" "$(dpkg-deb -f "$deb" Package)" setspn
same "Version" "$(dpkg-deb -f "$deb" Version)" "${version}-1"
dep=$(dpkg-deb -f "$deb" Depends)
[[ $dep == *libsasl2-modules-gssapi-mit* && $dep == *libldap-2.5-0* && $dep == *libkrb5-3* ]] ||
	_fail "Depends lacks the SASL GSSAPI plugin or a shared library" "$dep"

t "package: dpkg -i installs it"
dpkg -i "$deb" >"$pk_dir/dpkg-i.log" 2>&1
rc=$?
same "dpkg -i exit status" "$rc" 0
[[ $rc == 0 ]] && pk_installed=1
dpkg -L setspn 2>/dev/null | LC_ALL=C sort >"$pk_dir/files"
for f in /usr/bin/setspn /usr/share/man/man1/setspn.1.gz \
	/usr/share/bash-completion/completions/setspn \
	/usr/share/zsh/vendor-completions/_setspn /usr/share/doc/setspn/README.md.gz \
	/usr/share/doc/setspn/copyright /usr/share/doc/setspn/changelog.Debian.gz \
	/usr/share/ansible/plugins/modules/setspn.py; do
	grep -qxF "$f" "$pk_dir/files" || _fail "dpkg -L setspn lacks $f (a dpkg path-exclude?)"
	[[ -e $f ]] || _fail "$f is not on disk"
done

t "package: /usr/bin/setspn --version"
run --version
rc 0
out_has "$version"

t "package: man -w setspn finds the installed page"
same "man -w setspn" "$(man -w setspn 2>&1)" /usr/share/man/man1/setspn.1.gz
ok "man renders the page" sh -c 'MANPAGER=cat MANWIDTH=80 man setspn 2>/dev/null | grep -q "Setspn.exe"'

t "package: bash-completion loads the installed completion"
same "complete -p setspn" "$(bash --norc -c '. /usr/share/bash-completion/bash_completion; __load_completion setspn; complete -p setspn' 2>&1)" \
	"complete -F _setspn setspn"

t "package: Ansible finds the installed module with no configuration"
if command -v ansible-doc >/dev/null; then
	: >"$pk_dir/ansible.cfg"
	pk_doc=$(cd / && ANSIBLE_CONFIG="$pk_dir/ansible.cfg" ANSIBLE_HOME="$pk_dir/ansible" ANSIBLE_NOCOLOR=1 ansible-doc setspn 2>&1)
	[[ $pk_doc == *"> SETSPN"*"/usr/share/ansible/plugins/modules/setspn.py"* ]] || _fail "ansible-doc setspn" "$pk_doc"
fi

t "package: zsh's compinit finds the installed completion"
same "\$_comps[setspn]" "$(zsh -fc 'autoload -Uz compinit; compinit -u -D; print -r -- ${_comps[setspn]}' 2>&1)" _setspn

t "package: the installed setspn lists dc1 on a test DC"
if bash tests/dc/testdc.sh start "$pk_dc" >"$pk_dir/dc.log" 2>&1; then
	(
		# shellcheck disable=SC1091
		. "$pk_dc/env"
		"$SETSPN" -L dc1 >"$pk_dir/L.out" 2>"$pk_dir/L.err"
		echo $? >"$pk_dir/L.rc"
	)
	rc=$(cat "$pk_dir/L.rc") out=$(cat "$pk_dir/L.out") err=$(cat "$pk_dir/L.err")
	rc 0
	same "first line" "$(head -n 1 <<<"$out")" \
		"Registered ServicePrincipalNames for CN=DC1,OU=Domain Controllers,DC=spn,DC=test:"
	out_has $'\n\tHOST/DC1\n'
	out_has $'\n\tldap/dc1.spn.test\n'
	err ""
else
	_fail "the test DC did not start" "$(tail -n 20 "$pk_dir/dc.log")"
fi
bash tests/dc/testdc.sh stop "$pk_dc" >/dev/null 2>&1

t "package: dpkg --purge removes every file it installed"
dpkg --purge setspn >"$pk_dir/purge.log" 2>&1
same "dpkg --purge exit status" "$?" 0
pk_installed=0
same "dpkg status" "$(dpkg-query -W -f='${Status}' setspn 2>/dev/null)" ""
left=()
while IFS= read -r f; do
	# Directories such as /usr/share/man/man1 belong to other packages too.
	if [[ -d $f && ! -L $f ]]; then
		[[ $f == */setspn ]] && left+=("$f/")
	elif [[ -e $f || -L $f ]]; then
		left+=("$f")
	fi
done <"$pk_dir/files"
same "files left after purge" "${left[*]}" ""
[[ -s $pk_dir/files ]] || _fail "dpkg -L listed nothing before the purge"
ok "no dpkg record of setspn left" sh -c '! ls /var/lib/dpkg/info/setspn.* 2>/dev/null | grep -q .'

summary
echo "$PASS passed, $FAIL failed"
((FAIL == 0))
