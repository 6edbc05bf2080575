#!/bin/bash
# A throwaway Samba AD DC (realm SPN.TEST, domain SPN, host dc1) on 127.0.0.1,
# for tests. Runs as root (it binds 88, 389, 636, 3268). Needs tests/deps.sh dc.
#
#   tests/dc/testdc.sh start DIR       fresh DC in DIR (empty or absent)
#   tests/dc/testdc.sh stop DIR        stop it (idempotent); DIR is left in place
#   tests/dc/testdc.sh restart DIR     stop + start the same DC, no re-provision
#   tests/dc/testdc.sh ldbmodify DIR FILE.ldif
#       stop, apply FILE.ldif offline to the domain partition (DC=SPN,DC=TEST
#       only), start: plants what the DC would refuse, e.g. duplicate SPNs.
#
# In a test:
#   d=$(mktemp -d)
#   trap 'tests/dc/testdc.sh stop "$d"; rm -rf "$d"' EXIT
#   tests/dc/testdc.sh start "$d"
#   . "$d/env"   # KRB5_CONFIG KRB5CCNAME LDAPCONF LDAPRC TESTDC_{DIR,PID,PASS,BASE,URI,REALM}
#   ldapsearch -Y GSSAPI -Q -b "$TESTDC_BASE" '(sAMAccountName=dc1$)' servicePrincipalName
#   tests/dc/testdc.sh stop "$d"
#
# The ticket in $KRB5CCNAME is Administrator's.  The DC binds the first of
# 127.0.0.1 ... 127.0.0.9 whose ports are free (or TESTDC_IP), so test runs
# can go side by side; its URI is ldap://localhost on 127.0.0.1, else
# ldap://127.0.0.N (the DC account carries ldap/localhost and
# ldap/127.0.0.2 ... ldap/127.0.0.9, never ldap/127.0.0.1). TESTDC_MAX_RUNTIME (seconds,
# default 3600) bounds how long a forgotten DC lives.
#
# The first start provisions once into tests/.cache/dc-<samba version>-f<N>.tar;
# later starts untar it (well under a second). Delete the tarball to re-provision.
#
# Opt-in, for tests that need more of the DC (tests/dc/twodc.sh); unset, the
# DC is as above.  Both apply at start (restart keeps what start wrote):
#   TESTDC_SERVICES="ldap cldap kdc drepl kcc rpc"   its "server services"
#   TESTDC_EXTRA_CONF=$'name = value\n...'            lines added to [global]
set -euo pipefail

REALM=SPN.TEST
BASE=DC=SPN,DC=TEST
PORTS=(88 389 464 636 3268 3269)
# Bump when the provisioned image changes, so stale caches are not reused.
FORMAT=2
PLACEHOLDER=@TESTDC_DIR@

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache_dir=$(cd "$here/../.." && pwd)/tests/.cache

t0=$EPOCHREALTIME
launched_pid=
staging=

die() {
	echo "testdc: $*" >&2
	exit 1
}

on_exit() {
	local rc=$?
	# Never leave a half-started DC or a half-provisioned image behind.
	if ((rc != 0)) && [[ -n $launched_pid ]]; then
		kill -KILL "$launched_pid" 2>/dev/null || true
	fi
	[[ -z $staging ]] || rm -rf "$staging"
	return "$rc"
}
trap on_exit EXIT

usage() {
	echo "usage: $0 start|stop|restart DIR | ldbmodify DIR FILE.ldif" >&2
	exit 2
}

# The path goes unquoted into smb.conf, krb5 and sed: keep it plain.
absdir() {
	local d
	d=$(realpath -m -- "$1")
	[[ $d =~ ^[A-Za-z0-9._/+-]+$ ]] || die "unsupported characters in path: $d"
	printf '%s\n' "$d"
}

# Alive and not a zombie (an unreaped orphan still answers kill -0).
alive() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[[ ${stat%% *} != Z ]]
}

cert() {
	local tls=$1/private/tls
	mkdir -p "$tls"
	# Samba refuses a key file readable by others.
	(umask 077 && openssl req -x509 -newkey rsa:2048 -nodes -days 3650 \
		-subj "/CN=dc1.spn.test" \
		-addext "subjectAltName=DNS:dc1.spn.test,DNS:localhost,DNS:$(uname -n),$(printf 'IP:127.0.0.%d,' {1..8})IP:127.0.0.9" \
		-keyout "$tls/key.pem" -out "$tls/cert.pem" 2>/dev/null) ||
		die "openssl failed to make the TLS certificate"
	cp "$tls/cert.pem" "$tls/ca.pem"
	chmod 644 "$tls/cert.pem" "$tls/ca.pem"
	uname -n >"$1/.testdc-hostname"
}

# Provision in a staging dir, then replace its path in smb.conf (the only
# file that embeds it; checked below) by a placeholder, and tar it.
provision() {
	local tar=$1 s pass log
	mkdir -p "$cache_dir"
	staging=$(mktemp -d "$cache_dir/provision.XXXXXX")
	s=$staging
	log=$cache_dir/provision.$$.log
	: >"$s/empty.conf"
	# Upper, lower and a symbol: meets the default complexity rule.
	pass=Tdc-$(openssl rand -hex 12)
	# -s empty file: keeps /etc/samba/smb.conf out. dns-backend NONE: no
	# forwarder to the host's resolver, so nothing leaves loopback.
	samba-tool domain provision -s "$s/empty.conf" --targetdir="$s/dc" \
		--realm="$REALM" --domain=SPN --server-role=dc --dns-backend=NONE \
		--host-name=dc1 --adminpass="$pass" \
		--option="interfaces=127.0.0.1/8" --option="bind interfaces only=yes" \
		--option="server services=ldap cldap kdc" --option="disable netbios=yes" \
		--option="pid directory=$s/dc/run" --option="ncalrpc dir=$s/dc/run/ncalrpc" \
		--option="tls keyfile=$s/dc/private/tls/key.pem" \
		--option="tls certfile=$s/dc/private/tls/cert.pem" \
		--option="tls cafile=$s/dc/private/tls/ca.pem" \
		>"$log" 2>&1 || die "provision failed; see $log"
	s=$s/dc
	samba-tool user setexpiry Administrator --noexpiry -s "$s/etc/smb.conf" \
		>>"$log" 2>&1 || die "setexpiry failed; see $log"
	# samba_spnupdate normally runs from the (disabled) dnsupdate service.
	printf '%s\n' ldap/localhost ldap/127.0.0.{2..9} >>"$s/private/spn_update_list"
	samba_spnupdate -s "$s/etc/smb.conf" >>"$log" 2>&1 ||
		die "samba_spnupdate failed; see $log"
	cert "$s"
	printf '%s\n' "$pass" >"$s/adminpass"
	chmod 600 "$s/adminpass"
	sed -i "s|$staging/dc|$PLACEHOLDER|g" "$s/etc/smb.conf"
	if grep -rlF -- "$staging" "$s" >&2; then
		die "provisioned files above embed the staging path; restore would break"
	fi
	tar -C "$s" -cf "$tar.tmp.$$" . && mv -f "$tar.tmp.$$" "$tar"
	rm -rf "$staging" "$log"
	staging=
}

restore() {
	local d=$1 ver tar
	ver=$(samba --version) || die "samba not found (tests/deps.sh dc)"
	ver=${ver#Version }
	tar=$cache_dir/dc-${ver//[^A-Za-z0-9._-]/_}-f$FORMAT.tar
	[[ -f $tar ]] || provision "$tar"
	mkdir -p "$d"
	tar -C "$d" -xf "$tar"
	sed -i "s|$PLACEHOLDER|$d|g; s|interfaces = 127.0.0.1/8|interfaces = $IP/8|" "$d/etc/smb.conf"
	if [[ -n ${TESTDC_SERVICES:-} ]]; then
		[[ $TESTDC_SERVICES =~ ^[A-Za-z0-9\ ,+-]+$ ]] ||
			die "TESTDC_SERVICES: only service names, spaces, commas, + and -"
		sed -i "s|^\tserver services = .*|\tserver services = $TESTDC_SERVICES|" "$d/etc/smb.conf"
	fi
	if [[ -n ${TESTDC_EXTRA_CONF:-} ]]; then
		awk '{ print } /^\[global\]$/ {
			n = split(ENVIRON["TESTDC_EXTRA_CONF"], l, "\n")
			for (i = 1; i <= n; i++) if (l[i] ~ /[^ \t]/) print "\t" l[i]
		}' "$d/etc/smb.conf" >"$d/etc/smb.conf.tmp" && mv "$d/etc/smb.conf.tmp" "$d/etc/smb.conf"
	fi
	# The certificate names the host it was made on.
	[[ $(cat "$d/.testdc-hostname") == "$(uname -n)" ]] || cert "$d"
}

# Before anything is unpacked or started.
preflight() {
	[[ ${TESTDC_MAX_RUNTIME:-1} =~ ^[1-9][0-9]*$ ]] ||
		die "TESTDC_MAX_RUNTIME must be a positive integer"
	((EUID == 0)) || die "must run as root (the DC binds ports below 1024)"
	# Samba's longest unix socket is DIR/private/ldap_priv/ldapi (108-byte limit).
	((${#1} <= 83)) || die "path too long for samba's sockets (max 83 chars): $1"
	ports_free
}

# Listeners on IP's (or wildcard) DC ports, one a line; empty if free.
busy_on() {
	local ip=${1//./\\.}
	ss -Hlntup | awk -v ports=" ${PORTS[*]} " -v ip="$ip" '{
		n = split($5, a, ":"); p = a[n]; h = substr($5, 1, length($5) - length(p) - 1)
		if (index(ports, " " p " ") && h ~ ("^(" ip "|0\\.0\\.0\\.0|\\*|\\[::\\])(%.*)?$"))
			print "  " $1 " " $5 " " $7
	}' || die "ss failed (tests/deps.sh dc installs iproute2)"
}

# Two starts at once must not pick the same address: each holds a lock on
# its address (kept until this script exits, by then samba holds the ports).
# With a second argument, waits that many seconds for it (a start scanning
# the addresses holds each one's lock for a moment).
claim() {
	exec {lockfd}>"/tmp/testdc-$1.lock"
	local how=(-n)
	[[ -z ${2:-} ]] || how=(-w "$2")
	flock "${how[@]}" "$lockfd" || { exec {lockfd}>&-; return 1; }
}

ports_free() {
	local busy n
	if [[ -z $IP ]]; then
		for n in 1 2 3 4 5 6 7 8 9; do
			claim "127.0.0.$n" || continue
			busy=$(busy_on "127.0.0.$n")
			[[ -n $busy ]] || { IP=127.0.0.$n; return 0; }
			exec {lockfd}>&-
		done
		die "no free address in 127.0.0.1-9 for the DC's ports:"$'\n'"$busy"
	fi
	claim "$IP" 20 || die "another test DC is starting on $IP"
	busy=$(busy_on "$IP")
	[[ -z $busy ]] || die "ports needed by the DC are in use on $IP:"$'\n'"$busy"
}

# The DC that answered must be ours, not another that took the address.
owned() {
	local pid=$1
	ss -Hltnp "sport = :389" | grep -F "$IP:389" | grep -q "pid=$pid,"
}

uri() {
	if [[ $IP == 127.0.0.1 ]]; then echo ldap://localhost; else echo "ldap://$IP"; fi
}

write_conf() {
	local d=$1
	cat >"$d/krb5.conf" <<-EOF
		[libdefaults]
		 default_realm = $REALM
		 dns_lookup_kdc = false
		 dns_lookup_realm = false
		 rdns = false
		 dns_canonicalize_hostname = false
		[realms]
		 $REALM = {
		  kdc = $IP
		  admin_server = $IP
		 }
		[domain_realm]
		 spn.test = $REALM
		 .spn.test = $REALM
	EOF
	# SASL_NOCANON: else libldap asks for ldap/<this host's name> for 127.0.0.1.
	cat >"$d/ldap.conf" <<-EOF
		URI $(uri)
		SASL_NOCANON on
		TLS_CACERT $d/private/tls/ca.pem
	EOF
}

launch() {
	local d=$1 max=${TESTDC_MAX_RUNTIME:-3600} i pid
	write_conf "$d"
	: >"$d/samba.log"
	# The subshell execs samba, so $! is samba's PID. Fds above 2 are closed
	# so a caller waiting on a pipe (e.g. bats' fd 3) is not held open.
	(
		for f in /proc/"$BASHPID"/fd/*; do
			f=${f##*/}
			if ((f > 2)); then eval "exec $f>&-" 2>/dev/null || true; fi
		done
		cd "$d"
		exec samba -s "$d/etc/smb.conf" -M single -F --no-process-group \
			--debug-stdout -d1 --maximum-runtime="$max"
	) </dev/null >>"$d/samba.log" 2>&1 &
	pid=$!
	launched_pid=$pid
	disown "$pid"
	echo "$pid" >"$d/samba.pid"

	for ((i = 0; ; i++)); do
		alive "$pid" || die "samba exited; end of $d/samba.log:"$'\n'"$(tail -n 20 "$d/samba.log")"
		LDAPNOINIT=1 ldapsearch -x -H "ldap://$IP" -s base -b "" \
			-o nettimeout=2 namingContexts >/dev/null 2>&1 && break
		((i < 400)) || die "DC not ready after 20 s; end of $d/samba.log:"$'\n'"$(tail -n 20 "$d/samba.log")"
		sleep 0.05
	done

	owned "$pid" || die "the DC answering on $IP:389 is not ours (pid $pid)"

	# The KDC may lag LDAP by a moment.
	for ((i = 0; ; i++)); do
		KRB5_CONFIG=$d/krb5.conf KRB5CCNAME=FILE:$d/ccache \
			kinit "Administrator@$REALM" <"$d/adminpass" >"$d/kinit.log" 2>&1 && break
		((i < 50)) || die "kinit failed: $(cat "$d/kinit.log")"
		sleep 0.1
	done
	rm -f "$d/kinit.log"

	# LDAPRC replaces ~/ldaprc, ~/.ldaprc and ./ldaprc, so none of them is read.
	cat >"$d/env" <<-EOF
		export KRB5_CONFIG=$d/krb5.conf
		export KRB5CCNAME=FILE:$d/ccache
		export LDAPCONF=$d/ldap.conf
		export LDAPRC=/nonexistent/testdc-ldaprc
		export TESTDC_DIR=$d
		export TESTDC_PID=$pid
		export TESTDC_PASS=$(cat "$d/adminpass")
		export TESTDC_BASE=$BASE
		export TESTDC_URI=$(uri)
		export TESTDC_IP=$IP
		export TESTDC_REALM=$REALM
	EOF
	launched_pid=
	i=$((${EPOCHREALTIME//[.,]/} - ${t0//[.,]/}))
	printf 'testdc: DC up in %s (pid %s, %d.%d s)\n' "$d" "$pid" \
		$((i / 1000000)) $((i / 100000 % 10))
}

# The processes of this DC: every one whose stdout is its log (samba's
# children inherit it; nothing else writes there).
dc_procs() {
	local p
	for p in /proc/[0-9]*; do
		[[ $(readlink "$p/fd/1" 2>/dev/null) == "$1/samba.log" ]] && echo "${p#/proc/}"
	done
	return 0
}

stop() {
	local d=$1 pid i kids
	[[ -f $d/samba.pid ]] || return 0
	# Samba's children outlive the parent by seconds: wait for them too, so
	# that a stopped DC leaves nothing running.
	kids=$(dc_procs "$d")
	pid=$(<"$d/samba.pid")
	# Only ever signal our own samba: the PID may have been reused.
	# Samba rewrites its argv, so recognise it by name and by its log on stdout.
	if [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" &&
		[[ $(cat "/proc/$pid/comm" 2>/dev/null) == samba ]] &&
		[[ $(readlink "/proc/$pid/fd/1" 2>/dev/null) == "$d/samba.log" ]]; then
		kill -TERM "$pid" 2>/dev/null || true
		for ((i = 0; i < 50; i++)); do
			alive "$pid" || break
			sleep 0.1
		done
		if alive "$pid"; then
			kill -KILL "$pid" 2>/dev/null || true
			for ((i = 0; i < 20; i++)); do
				alive "$pid" || break
				sleep 0.1
			done
		fi
		alive "$pid" && die "samba (pid $pid) does not die"
	fi
	for ((i = 0; i < 100; i++)); do
		kids=$(dc_procs "$d")
		[[ -z $kids ]] && break
		((i == 50)) && kill -KILL $kids 2>/dev/null
		sleep 0.1
	done
	[[ -z $(dc_procs "$d") ]] || die "processes of the DC in $d do not die: $(dc_procs "$d" | tr '\n' ' ')"
	rm -f "$d/samba.pid"
}

need_dc() {
	[[ -f $1/etc/smb.conf ]] || die "no test DC in $1 (use start)"
}

(($# >= 2)) || usage
cmd=$1
dir=$(absdir "$2")
IP=${TESTDC_IP:-}
case $cmd in
start)
	(($# == 2)) || usage
	if [[ -e $dir ]]; then
		[[ -d $dir && -z $(ls -A "$dir") ]] || die "$dir must be an empty directory or absent"
	fi
	preflight "$dir"
	restore "$dir"
	echo "$IP" >"$dir/ip"
	launch "$dir"
	;;
stop)
	(($# == 2)) || usage
	stop "$dir"
	;;
restart)
	(($# == 2)) || usage
	need_dc "$dir"
	stop "$dir"
	IP=$(cat "$dir/ip")
	preflight "$dir"
	launch "$dir"
	;;
ldbmodify)
	(($# == 3)) || usage
	need_dc "$dir"
	[[ -r $3 ]] || die "cannot read $3"
	stop "$dir"
	IP=$(cat "$dir/ip")
	# Straight into the partition file, below samldb's checks.
	out=$(ldbmodify -H "tdb://$dir/private/sam.ldb.d/$BASE.ldb" "$3" 2>&1) ||
		die "ldbmodify failed (DC left stopped): $out"
	preflight "$dir"
	launch "$dir"
	;;
*) usage ;;
esac
