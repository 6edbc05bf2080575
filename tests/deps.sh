#!/bin/bash
# Install the Debian packages needed to build (build), to run the test DC (dc),
# to test the shell completions (completion) and the Ansible module
# (ansible), all of these (all: make check), to build and test the Debian
# package (package: make deb, make check-package), or the tools of make
# lint/fuzz/check-valgrind (tools). As root, installs what is missing;
# otherwise lists it and fails.
# Usage: tests/deps.sh build|dc|completion|ansible|all|package|tools
set -euo pipefail

build_pkgs=(gcc make pkg-config libldap-dev libsasl2-dev libkrb5-dev
	libcmocka-dev libjansson-dev libsasl2-modules-gssapi-mit)
# samba-vfs-modules: provisioning dies loading vfs/acl_xattr.so without it.
# iproute2: ss, for the free-port check in tests/dc/testdc.sh.
# nss/resolv wrappers, faketime, python3 (fakedns.py): DC discovery and
# clock tests; time: make bench; jq: reading the fake server's log.
dc_pkgs=(samba samba-dsdb-modules samba-vfs-modules samba-ad-provision krb5-user
	ldap-utils libsasl2-modules-gssapi-mit openssl ldb-tools iproute2
	libnss-wrapper libresolv-wrapper faketime python3 time jq)

# tests/completion.sh: the bash-completion helpers and zsh to run _setspn.
completion_pkgs=(bash-completion zsh)
# tests/ansible.sh: ansible-core (Debian's, with its python3); ansible-lint;
# what ansible-test's sanity scripts for the module import (validate-modules:
# voluptuous; pep8, pylint, yamllint).
ansible_pkgs=(ansible-core python3 ansible-lint python3-voluptuous pycodestyle
	pylint yamllint)
# make deb, make check-package (tests/package.sh): the build dependencies
# of debian/control, the packaging tools, and man-db for man -w.
package_pkgs=(dpkg-dev debhelper lintian fakeroot man-db)

# make check-valgrind, make lint (mandoc: the man page's lint), make fuzz.
tool_pkgs=(valgrind cppcheck clang-tidy clang libclang-rt-14-dev mandoc)

case "${1:-}" in
build) want=("${build_pkgs[@]}") ;;
dc) want=("${dc_pkgs[@]}") ;;
completion) want=("${completion_pkgs[@]}") ;;
ansible) want=("${ansible_pkgs[@]}") ;;
all) want=("${build_pkgs[@]}" "${dc_pkgs[@]}" "${completion_pkgs[@]}" "${ansible_pkgs[@]}") ;;
package) want=("${build_pkgs[@]}" "${dc_pkgs[@]}" "${package_pkgs[@]}") ;;
tools) want=("${build_pkgs[@]}" "${tool_pkgs[@]}") ;;
*)
	echo "usage: $0 build|dc|completion|ansible|all|package|tools" >&2
	exit 2
	;;
esac

missing=()
for p in "${want[@]}"; do
	# The same package may be listed twice under "all".
	[[ " ${missing[*]} " == *" $p "* ]] && continue
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) || st=
	[[ $st == "install ok installed" ]] || missing+=("$p")
done
((${#missing[@]} == 0)) && exit 0

if ((EUID != 0)); then
	echo "deps.sh: missing packages (run as root to install): ${missing[*]}" >&2
	exit 1
fi
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# apt and dpkg are chatty: show their output only when they fail.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
	cat "$log" >&2
	echo "deps.sh: apt-get failed" >&2
	exit 1
fi
