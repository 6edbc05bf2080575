#!/bin/bash
# Two DCs of one domain on loopback, for tests of what replication does (a
# duplicate SPN written on two DCs at once).  DC1 is tests/dc/testdc.sh's DC
# with the replication services on; DC2 joins it with samba-tool.  Nothing
# replicates until asked: a test decides when a write reaches the other DC.
# Runs as root; needs libnss-wrapper (installed here if missing).
#
#   tests/dc/twodc.sh start DIR      DC1 in DIR/dc1, DC2 in DIR/dc2 (~15 s)
#   tests/dc/twodc.sh replicate DIR  DC2 pulls the domain from DC1, then DC1
#                                    from DC2 (~1 s each)
#   tests/dc/twodc.sh stop DIR       stop both (idempotent); DIR stays
#
# In a test:
#   d=$(mktemp -d)
#   trap 'tests/dc/twodc.sh stop "$d"; rm -rf "$d"' EXIT
#   tests/dc/twodc.sh start "$d"
#   . "$d/env"   # DC1's KRB5_CONFIG KRB5CCNAME LDAPCONF LDAPRC TESTDC_*, and
#                # TWODC_DIR TWODC_DC1_URI TWODC_DC2_URI TWODC_DC1_IP TWODC_DC2_IP
#                # (DC1's URI is ldap://localhost on 127.0.0.1, as testdc.sh's)
#   setspn -H "$TWODC_DC2_URI" -L dc1
#
# DC1 binds the first free 127.0.0.1-9, DC2 the first free 127.0.0.10-29.
# Clients get tickets from DC1's KDC; DC2's LDAP answers GSSAPI for
# ldap/<DC2's address>, which start adds to DC2's account.  The DCs reach
# each other by name (dcN.spn.test, <NTDS GUID>._msdcs.spn.test): nss_wrapper
# (LD_PRELOAD with NSS_WRAPPER_HOSTS=DIR/hosts) answers those names for the
# samba processes and samba-tool, without touching /etc/hosts, and each DC
# finds the KDCs through DIR/krb5-dcN.conf (the other DC's first).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
testdc=$here/testdc.sh
BASE=DC=SPN,DC=TEST
SERVICES="ldap cldap kdc drepl kcc rpc"
# Replication only when asked: no periodic pulls, no change notification,
# and the KCC runs when asked (its own runs answer DsExecuteKCC "busy"),
# the built-in one (the python samba_kcc takes seconds).
EXTRA_CONF='dreplsrv:periodic_startup_interval = 86400
dreplsrv:periodic_interval = 86400
dreplsrv:notify_interval = 86400
kccsrv:periodic_startup_interval = 86400
kccsrv:periodic_interval = 86400
kccsrv:samba_kcc = false'
PORTS=(88 135 389 464 636 3268 3269)

started=()
t0=$EPOCHREALTIME

die() {
	echo "twodc: $*" >&2
	exit 1
}

usage() {
	echo "usage: $0 start|replicate|stop DIR" >&2
	exit 2
}

# A failed start leaves nothing running.
on_exit() {
	local rc=$? i
	if ((rc != 0)); then
		for ((i = ${#started[@]} - 1; i >= 0; i--)); do
			bash "$testdc" stop "${started[i]}" >/dev/null 2>&1 || true
		done
	fi
	return "$rc"
}
trap on_exit EXIT

absdir() {
	local d
	d=$(realpath -m -- "$1")
	[[ $d =~ ^[A-Za-z0-9._/+-]+$ ]] || die "unsupported characters in path: $d"
	printf '%s\n' "$d"
}

nss_wrapper_lib() {
	local lib
	lib=$(dpkg -L libnss-wrapper 2>/dev/null | grep '/libnss_wrapper\.so$' | head -n 1) || true
	if [[ -z $lib ]]; then
		((EUID == 0)) || die "needs libnss-wrapper (apt-get install libnss-wrapper)"
		echo "twodc: installing libnss-wrapper" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
			libnss-wrapper >"$dir/apt.log" 2>&1 ||
			die "apt-get install libnss-wrapper failed; see $dir/apt.log"
		lib=$(dpkg -L libnss-wrapper | grep '/libnss_wrapper\.so$' | head -n 1)
	fi
	[[ -f $lib ]] || die "libnss_wrapper.so not found"
	printf '%s\n' "$lib"
}

# The first of 127.0.0.FIRST..LAST with none of PORTS in use.
free_ip() {
	local n ip busy
	for ((n = $1; n <= $2; n++)); do
		ip=127.0.0.$n
		busy=$(ss -Hlntup | awk -v ports=" ${PORTS[*]} " -v ip="${ip//./\\.}" '{
			n = split($5, a, ":"); p = a[n]; h = substr($5, 1, length($5) - length(p) - 1)
			if (index(ports, " " p " ") && h ~ ("^(" ip "|0\\.0\\.0\\.0|\\*|\\[::\\])(%.*)?$"))
				print
		}')
		[[ -n $busy ]] || { printf '%s\n' "$ip"; return 0; }
	done
	die "no free address in 127.0.0.$1-$2"
}

krb5_conf() { # FILE FIRST-KDC SECOND-KDC
	cat >"$1" <<-EOF
		[libdefaults]
		 default_realm = SPN.TEST
		 dns_lookup_kdc = false
		 dns_lookup_realm = false
		 rdns = false
		 dns_canonicalize_hostname = false
		[realms]
		 SPN.TEST = {
		  kdc = $2
		  kdc = $3
		 }
		[domain_realm]
		 spn.test = SPN.TEST
		 .spn.test = SPN.TEST
	EOF
}

# The objectGUID of DC<n>'s NTDS Settings, as text (asked of DC1).
ntds_guid() {
	local b64
	b64=$(ldapsearch -Q -Y GSSAPI -LLL -o ldif-wrap=no -H "$TESTDC_URI" \
		-b "CN=NTDS Settings,CN=$1,CN=Servers,CN=Default-First-Site-Name,CN=Sites,CN=Configuration,$BASE" \
		-s base objectGUID | sed -n 's/^objectGUID:: //p')
	[[ -n $b64 ]] || die "no NTDS Settings for $1"
	python3 -c 'import base64, sys, uuid; print(uuid.UUID(bytes_le=base64.b64decode(sys.argv[1])))' "$b64"
}

hosts() {
	local g1=${1:-} g2=${2:-}
	{
		echo "127.0.0.1 localhost"
		echo "$ip1 dc1.spn.test dc1${g1:+ $g1._msdcs.spn.test}"
		echo "$ip2 dc2.spn.test dc2${g2:+ $g2._msdcs.spn.test}"
	} >"$dir/hosts.tmp"
	mv "$dir/hosts.tmp" "$dir/hosts"
}

# samba-tool with the names and the Administrator's password.
tool() {
	local log=$dir/samba-tool.log
	LD_PRELOAD=$nsswrap NSS_WRAPPER_HOSTS=$dir/hosts KRB5_CONFIG=$dir/dc1/krb5.conf \
		samba-tool "$@" -s "$dir/empty.conf" \
		-U "SPN\\Administrator%$(cat "$dir/dc1/adminpass")" >"$log" 2>&1 ||
		die "samba-tool $1 $2 failed:"$'\n'"$(tail -n 15 "$log")"
}

replicate() {
	local ip1 ip2
	ip1=$(cat "$dir/dc1/ip") ip2=$(cat "$dir/dc2/ip")
	tool drs replicate "$ip2" DC1 "$BASE"
	tool drs replicate "$ip1" DC2 "$BASE"
}

start() {
	local g1 g2 pass
	if [[ -e $dir ]]; then
		[[ -d $dir && -z $(ls -A "$dir") ]] || die "$dir must be an empty directory or absent"
	fi
	# DIR/dcN/private/ldap_priv/ldapi must fit a unix socket (108 bytes).
	((${#dir} <= 79)) || die "path too long for samba's sockets (max 79 chars): $dir"
	((EUID == 0)) || die "must run as root"
	mkdir -p "$dir"
	nsswrap=$(nss_wrapper_lib)
	ip1=$(free_ip 1 9)
	ip2=$(free_ip 10 29)
	: >"$dir/empty.conf"
	hosts
	krb5_conf "$dir/krb5-dc1.conf" "$ip2" "$ip1"
	krb5_conf "$dir/krb5-dc2.conf" "$ip1" "$ip2"

	# What the samba processes (started by testdc.sh) inherit.
	export LD_PRELOAD=$nsswrap
	export NSS_WRAPPER_HOSTS=$dir/hosts

	started+=("$dir/dc1")
	KRB5_CONFIG=$dir/krb5-dc1.conf TESTDC_IP=$ip1 TESTDC_SERVICES=$SERVICES \
		TESTDC_EXTRA_CONF=$EXTRA_CONF bash "$testdc" start "$dir/dc1" >/dev/null
	# shellcheck disable=SC1091
	. "$dir/dc1/env"
	pass=$(cat "$dir/dc1/adminpass")
	g1=$(ntds_guid DC1)
	hosts "$g1"

	mkdir -p "$dir/dc2"
	local conf_options=() line
	while IFS= read -r line; do
		conf_options+=("--option=${line/ = /=}")
	done <<<"$EXTRA_CONF"
	KRB5_CONFIG=$dir/dc1/krb5.conf samba-tool domain join spn.test DC \
		-U "SPN\\Administrator%$pass" --server="$ip1" -s "$dir/empty.conf" \
		--targetdir="$dir/dc2" --dns-backend=NONE \
		--option=workgroup=SPN --option="netbios name=DC2" \
		--option="interfaces=$ip2/8" --option="bind interfaces only=yes" \
		--option="server services=$SERVICES" --option="disable netbios=yes" \
		--option="pid directory=$dir/dc2/run" \
		--option="ncalrpc dir=$dir/dc2/run/ncalrpc" \
		"${conf_options[@]}" \
		>"$dir/join.log" 2>&1 || die "join failed:"$'\n'"$(tail -n 15 "$dir/join.log")"
	# DC1's certificate: saves DC2 making a 4096-bit one at first start.
	mkdir -p "$dir/dc2/private/tls"
	cp -p "$dir/dc1/private/tls/"{key,cert,ca}.pem "$dir/dc2/private/tls/"
	cat >>"$dir/dc2/etc/smb.conf.global" <<-EOF
		tls keyfile = $dir/dc2/private/tls/key.pem
		tls certfile = $dir/dc2/private/tls/cert.pem
		tls cafile = $dir/dc2/private/tls/ca.pem
	EOF
	awk -v f="$dir/dc2/etc/smb.conf.global" '{ print } /^\[global\]$/ {
		while ((getline l < f) > 0) print "\t" l
	}' "$dir/dc2/etc/smb.conf" >"$dir/dc2/etc/smb.conf.tmp"
	mv "$dir/dc2/etc/smb.conf.tmp" "$dir/dc2/etc/smb.conf"
	rm -f "$dir/dc2/etc/smb.conf.global"

	# GSSAPI to ldap://<DC2's address>: the principal on DC2's account.
	printf 'dn: CN=DC2,OU=Domain Controllers,%s\nchangetype: modify\nadd: servicePrincipalName\nservicePrincipalName: ldap/%s\n' \
		"$BASE" "$ip2" | ldapmodify -Q -Y GSSAPI -H "$TESTDC_URI" >/dev/null ||
		die "cannot add ldap/$ip2 to DC2's account"
	g2=$(ntds_guid DC2)
	hosts "$g1" "$g2"

	echo "$ip2" >"$dir/dc2/ip"
	cp -p "$dir/dc1/adminpass" "$dir/dc2/adminpass"
	started+=("$dir/dc2")
	KRB5_CONFIG=$dir/krb5-dc2.conf TESTDC_IP='' bash "$testdc" restart "$dir/dc2" >/dev/null

	# DC1 learns DC2 as a replication partner, then both pull once (DC2
	# gets ldap/<its address>).
	local i
	for ((i = 0; ; i++)); do
		(tool drs kcc "$ip1") 2>/dev/null && break
		((i < 20)) || tool drs kcc "$ip1" # says why
		sleep 0.5
	done
	replicate
	LDAPSASL_NOCANON=on ldapsearch -Q -Y GSSAPI -H "ldap://$ip2" -s base -b "" \
		-o nettimeout=5 dsServiceName >/dev/null 2>&1 ||
		die "GSSAPI to DC2 (ldap://$ip2) fails after replication"

	{
		cat "$dir/dc1/env"
		echo "export TWODC_DIR=$dir"
		echo "export TWODC_DC1_IP=$ip1"
		echo "export TWODC_DC2_IP=$ip2"
		echo "export TWODC_DC1_URI=$TESTDC_URI"
		echo "export TWODC_DC2_URI=ldap://$ip2"
	} >"$dir/env"
	started=()
	local us=$((${EPOCHREALTIME//[.,]/} - ${t0//[.,]/}))
	printf 'twodc: DC1 on %s, DC2 on %s, replicating (%d.%d s)\n' "$ip1" "$ip2" \
		$((us / 1000000)) $((us / 100000 % 10))
}

(($# == 2)) || usage
dir=$(absdir "$2")
nsswrap=
ip1=
ip2=
case $1 in
start) start ;;
replicate)
	[[ -f $dir/env ]] || die "no two DCs in $dir (use start)"
	nsswrap=$(nss_wrapper_lib)
	replicate
	;;
stop)
	for d in "$dir/dc2" "$dir/dc1"; do
		[[ ! -d $d ]] || bash "$testdc" stop "$d"
	done
	;;
*) usage ;;
esac
