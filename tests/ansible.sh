# Tests of the Ansible module contrib/ansible/library/setspn.py with
# Debian's ansible-core, against the test DC: sourced by tests/run.sh (DC
# env loaded, after tests/lib.sh), or run alone, when it starts and stops
# its own DC:  bash tests/ansible.sh  (ends with "N passed, N failed").
#
# ansible-playbook runs on localhost (connection: local) with the DC's
# environment (KRB5CCNAME, KRB5_CONFIG, LDAPCONF) and ./setspn; what the
# module did is read back with ldapsearch.

ans_alone=0
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	ans_alone=1
	set -uo pipefail
	cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
	bash tests/deps.sh all || exit 1
	make --no-print-directory setspn >/dev/null || exit 1
	PASS=0 FAIL=0
	ans_dc=$(mktemp -d /tmp/setspn-dc.XXXXXX)
	trap 'bash tests/dc/testdc.sh stop "$ans_dc" >/dev/null 2>&1; rm -rf "$ans_dc"' EXIT
	bash tests/dc/testdc.sh start "$ans_dc" || { echo "0 passed, 1 failed"; exit 1; }
	# shellcheck disable=SC1091
	. "$ans_dc/env"
	# shellcheck source=tests/lib.sh
	. tests/lib.sh
fi

ans_ldap() { ldapsearch -Q -Y GSSAPI -LLL -o ldif-wrap=no -H "$TESTDC_URI" "$@"; }
ans_base=$(ans_ldap -s base -b "" defaultNamingContext | sed -n 's/^defaultNamingContext: //p')

# ans_spns NAME: the SPNs of the computer CN=NAME, sorted, on one line.
ans_spns() {
	ans_ldap -b "CN=$1,CN=Computers,$ans_base" -s base '(objectClass=*)' servicePrincipalName |
		sed -n 's/^servicePrincipalName: //p' | LC_ALL=C sort | paste -sd ' '
}

ans_mkcomputer() { # NAME SPN...
	local name=$1 s
	shift
	{
		printf 'dn: CN=%s,CN=Computers,%s\nobjectClass: computer\nsAMAccountName: %s$\n' "$name" "$ans_base" "$name"
		printf 'dNSHostName: %s.spn.test\nuserAccountControl: 4096\n' "${name,,}"
		for s in "$@"; do printf 'servicePrincipalName: %s\n' "$s"; done
	} | ldapadd -Q -Y GSSAPI -H "$TESTDC_URI" >/dev/null
}

ans_dir=$(mktemp -d /tmp/setspn-ansible.XXXXXX)
mkdir -p "$ans_dir/tmp"
# Only the settings given here: no ansible.cfg of the caller.
: >"$ans_dir/ansible.cfg"

# ans_play NAME.yml [ansible-playbook options]: runs the playbook; sets
# $ans_rc, $ans_out (stdout and stderr) and $ans_changed, $ans_failed (the
# recap's counts).
ans_play() {
	local pb=$1
	shift
	ans_out=$(ANSIBLE_LIBRARY="$PWD/contrib/ansible/library" ANSIBLE_NOCOLOR=1 \
		ANSIBLE_COLLECTIONS_PATH="$ans_dir/collections" \
		ANSIBLE_LOCALHOST_WARNING=False ANSIBLE_INVENTORY_UNPARSED_WARNING=False \
		ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 ANSIBLE_RETRY_FILES_ENABLED=False \
		ANSIBLE_LOCAL_TEMP="$ans_dir/tmp" ANSIBLE_REMOTE_TEMP="$ans_dir/tmp" \
		ANSIBLE_HOME="$ans_dir/home" ANSIBLE_CONFIG="$ans_dir/ansible.cfg" \
		SETSPN="$SETSPN" timeout 120 ansible-playbook -i localhost, "$ans_dir/$pb" "$@" 2>&1)
	ans_rc=$?
	ans_changed=$(sed -n 's/^localhost *:.* changed=\([0-9]*\).*/\1/p' <<<"$ans_out")
	ans_failed=$(sed -n 's/^localhost *:.* failed=\([0-9]*\).*/\1/p' <<<"$ans_out")
}

# ans_pb NAME.yml TASK-YAML: a playbook of one task (indented 4).
ans_pb() {
	{
		cat <<-'YML'
			- hosts: localhost
			  connection: local
			  gather_facts: false
			  module_defaults:
			    setspn:
			      setspn_path: "{{ lookup('env', 'SETSPN') }}"
			      uri: "{{ lookup('env', 'TESTDC_URI') }}"
			  tasks:
		YML
		printf '%s\n' "$2"
	} >"$ans_dir/$1"
}

ans_show() { _fail "$1" "exit $ans_rc, changed=$ans_changed failed=$ans_failed" "$(tail -n 40 <<<"$ans_out")"; }

if [[ -z $ONLY || "ansible: " == *$ONLY* || $ONLY == *ansible* ]]; then
	t "ansible: fixture accounts"
	ans_mkcomputer ANSWEB HOST/ANSWEB HOST/answeb.spn.test &&
		ans_mkcomputer ANSHOLD HOST/ANSHOLD HTTP/ans-taken.spn.test
	same "fixture" "$?" 0
	t "ansible: ansible-playbook is installed"
	ok "ansible-playbook --version" ansible-playbook --version
	t "ansible: ansible-doc reads the module's documentation"
	ans_doc=$(ANSIBLE_NOCOLOR=1 ANSIBLE_HOME="$ans_dir/home" ansible-doc -M contrib/ansible/library setspn 2>&1)
	[[ $ans_doc == *"> SETSPN"*"state"*"exact"* && $ans_doc != *ERROR* ]] ||
		_fail "ansible-doc setspn" "$ans_doc"

	ans_pb present.yml '    - name: the web SPNs
      setspn:
        name: ANSWEB
        spns: [HTTP/ans-web.spn.test, HTTP/ans-web]'

	t "ansible: present adds the SPNs (changed=1)"
	ans_play present.yml --diff
	[[ $ans_rc == 0 && $ans_changed == 1 ]] || ans_show "first run"
	same "SPNs on ANSWEB" "$(ans_spns ANSWEB)" "HOST/ANSWEB HOST/answeb.spn.test HTTP/ans-web HTTP/ans-web.spn.test"
	[[ $ans_out == *"+HTTP/ans-web.spn.test"* && $ans_out == *" HOST/ANSWEB"* ]] ||
		_fail "--diff does not show the list before and after" "$ans_out"

	t "ansible: the same playbook again reports changed=0"
	ans_play present.yml
	[[ $ans_rc == 0 && $ans_changed == 0 ]] || ans_show "second run"
	same "SPNs on ANSWEB" "$(ans_spns ANSWEB)" "HOST/ANSWEB HOST/answeb.spn.test HTTP/ans-web HTTP/ans-web.spn.test"

	t "ansible: letter case does not count (changed=0)"
	ans_pb case.yml '    - setspn:
        name: ANSWEB
        spns: [http/ANS-WEB.spn.test]'
	ans_play case.yml
	[[ $ans_rc == 0 && $ans_changed == 0 ]] || ans_show "case"

	t "ansible: check mode writes nothing, and says what it would do"
	ans_pb check.yml '    - setspn:
        name: ANSWEB
        state: exact
        spns: [HOST/ANSWEB, HTTP/ans-check.spn.test]'
	before=$(ans_spns ANSWEB)
	ans_play check.yml --check --diff
	[[ $ans_rc == 0 && $ans_changed == 1 ]] || ans_show "check mode"
	same "SPNs on ANSWEB after --check" "$(ans_spns ANSWEB)" "$before"
	[[ $ans_out == *"+HTTP/ans-check.spn.test"* && $ans_out == *"-HTTP/ans-web.spn.test"* ]] ||
		_fail "--check --diff does not show the change" "$ans_out"

	t "ansible: exact removes a stray SPN and keeps the others"
	printf 'dn: CN=ANSWEB,CN=Computers,%s\nchangetype: modify\nadd: servicePrincipalName\nservicePrincipalName: HTTP/ans-stray.spn.test\n-\n' "$ans_base" |
		ldapmodify -Q -Y GSSAPI -H "$TESTDC_URI" >/dev/null
	same "stray planted" "$(ans_spns ANSWEB)" "HOST/ANSWEB HOST/answeb.spn.test HTTP/ans-stray.spn.test HTTP/ans-web HTTP/ans-web.spn.test"
	ans_pb exact.yml '    - setspn:
        name: ANSWEB
        state: exact
        account_type: computer
        spns: [HOST/ANSWEB, HOST/answeb.spn.test, HTTP/ans-web.spn.test, HTTP/ans-web]
      register: r
    - assert:
        that:
          - r.changed == (first | bool)
          - r.removed == (["HTTP/ans-stray.spn.test"] if first | bool else [])
          - r.added == []
          - r.dn == "CN=ANSWEB,CN=Computers,DC=spn,DC=test"
          - r.spns | length == 4'
	ans_play exact.yml -e first=true
	[[ $ans_rc == 0 && $ans_changed == 1 ]] || ans_show "exact"
	same "SPNs on ANSWEB" "$(ans_spns ANSWEB)" "HOST/ANSWEB HOST/answeb.spn.test HTTP/ans-web HTTP/ans-web.spn.test"

	t "ansible: exact again reports changed=0"
	ans_play exact.yml -e first=false
	[[ $ans_rc == 0 && $ans_changed == 0 ]] || ans_show "exact twice"

	# A DC stores no value that is not UTF-8 (Samba cannot even index
	# one): the scripted server serves one.
	t "ansible: a value that is not UTF-8 is compared by its bytes and reported in its escaped form"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$ans_dir/key.pem" -out "$ans_dir/cert.pem" \
		-days 2 -subj /CN=fakeldap -addext "subjectAltName=IP:127.0.0.1" >/dev/null 2>&1
	printf 'secret\n' >"$ans_dir/pw"
	chmod 600 "$ans_dir/pw"
	printf '{"entries": [{"dn": "CN=WEB01,CN=Computers,DC=spn,DC=test", "attrs": {"objectClass": ["computer"], "sAMAccountName": ["WEB01$"], "servicePrincipalName": ["HOST/web01", {"hex": "%s"}]}}]}\n' \
		"$(printf 'HTTP/ans-bad\xff.spn.test' | od -An -tx1 | tr -d ' \n')" >"$ans_dir/fake.json"
	python3 tests/fakeldap/fakeldap.py --scenario "$ans_dir/fake.json" --tls "$ans_dir/cert.pem" "$ans_dir/key.pem" \
		--port 0 --port-file "$ans_dir/port" --log "$ans_dir/fake.log" --max-seconds 120 >/dev/null 2>&1 &
	ans_fake=$!
	for _ in $(seq 100); do [[ -s $ans_dir/port ]] && break; sleep 0.1; done
	ans_fakeopts="        uri: ldaps://127.0.0.1:$(cat "$ans_dir/port" 2>/dev/null)
        cacert: $ans_dir/cert.pem
        bind_dn: CN=admin,DC=spn,DC=test
        password_file: $ans_dir/pw"
	ans_pb bytes1.yml "    - setspn:
        name: WEB01
        spns: [HOST/web01]
$ans_fakeopts"
	ans_play bytes1.yml
	[[ $ans_rc == 0 && $ans_changed == 0 ]] || ans_show "present beside a value that is not UTF-8"
	ans_pb bytes2.yml "    - setspn:
        name: WEB01
        state: exact
        spns: [HOST/web01]
$ans_fakeopts
      register: r
    - assert:
        that:
          - r.changed
          - 'r.removed == [\"HTTP/ans-bad\\\\xff.spn.test\"]'
          - 'r.spns == [\"HOST/web01\"]'"
	ans_play bytes2.yml --diff
	[[ $ans_rc == 0 && $ans_changed == 1 ]] || ans_show "exact removing a value that is not UTF-8"
	[[ $ans_out == *'-HTTP/ans-bad\xff.spn.test'* ]] || _fail "--diff does not show the escaped form" "$ans_out"
	v=$(jq -c 'select(.op == "modify") | [.result, .mods[0].op]' "$ans_dir/fake.log" 2>/dev/null | paste -sd ' ')
	same "the modifies" "$v" '[0,"delete"]'
	kill "$ans_fake" 2>/dev/null
	wait "$ans_fake" 2>/dev/null

	t "ansible: a duplicate fails naming the holder, and nothing is written"
	ans_pb dup.yml '    - setspn:
        name: ANSWEB
        spns: [HTTP/ans-new.spn.test, HTTP/ans-taken.spn.test]'
	before=$(ans_spns ANSWEB)
	ans_play dup.yml
	[[ $ans_rc != 0 && $ans_failed == 1 ]] || ans_show "duplicate"
	[[ $ans_out == *"HTTP/ans-taken.spn.test is already registered on CN=ANSHOLD,CN=Computers,DC=spn,DC=test"* ]] ||
		_fail "the failure does not name the holder" "$ans_out"
	same "SPNs on ANSWEB" "$(ans_spns ANSWEB)" "$before"
	same "SPNs on ANSHOLD" "$(ans_spns ANSHOLD)" "HOST/ANSHOLD HTTP/ans-taken.spn.test"

	t "ansible: absent removes, with a password (no_log) instead of a ticket"
	ans_pb absent.yml '    - setspn:
        name: ANSWEB
        state: absent
        spns: [HTTP/ans-web, HTTP/ans-gone.spn.test]
        principal: Administrator@SPN.TEST
        password: "{{ lookup('"'"'env'"'"', '"'"'TESTDC_PASS'"'"') }}"
        krb5ccname: FILE:/nonexistent/ccache
        timeout: 20
        min_ssf: 56'
	ans_play absent.yml -vvv
	[[ $ans_rc == 0 && $ans_changed == 1 ]] || ans_show "absent"
	same "SPNs on ANSWEB" "$(ans_spns ANSWEB)" "HOST/ANSWEB HOST/answeb.spn.test HTTP/ans-web.spn.test"
	[[ $ans_out != *"$TESTDC_PASS"* ]] || _fail "the password appears in ansible's output"
	[[ -z $(find "$ans_dir/tmp" -name password) ]] || _fail "the password file was left behind"

	t "ansible: no ticket fails with setspn's reason"
	ans_pb noticket.yml '    - setspn:
        name: ANSWEB
        spns: [HTTP/ans-x.spn.test]
        krb5ccname: FILE:/nonexistent/ccache'
	ans_play noticket.yml
	[[ $ans_rc != 0 && $ans_out == *"run kinit first"* ]] || ans_show "no ticket"
	same "SPNs on ANSWEB" "$(ans_spns ANSWEB)" "HOST/ANSWEB HOST/answeb.spn.test HTTP/ans-web.spn.test"

	t "ansible: a missing account fails"
	ans_pb missing.yml '    - setspn:
        name: ANSNONE
        spns: [HTTP/ans-x.spn.test]'
	ans_play missing.yml
	[[ $ans_rc != 0 && $ans_out == *"could not find account"* ]] || ans_show "missing account"

	# ---------------------------------------- the collection setspn.ad
	t "ansible: the collection builds (ansible-galaxy collection build)"
	ans_build=$(ANSIBLE_HOME="$ans_dir/home" ansible-galaxy collection build contrib/ansible/collection \
		--output-path "$ans_dir/build" --force 2>&1)
	[[ -f $ans_dir/build/setspn-ad-0.1.0.tar.gz ]] || _fail "no artifact" "$ans_build"
	ans_list=$(tar tzf "$ans_dir/build/setspn-ad-0.1.0.tar.gz" 2>&1)
	[[ $ans_list == *plugins/modules/setspn.py* && $ans_list != *__pycache__* && $ans_list != *.pyc* ]] ||
		_fail "the artifact's files" "$ans_list"

	t "ansible: the collection installs (ansible-galaxy collection install)"
	ans_inst=$(ANSIBLE_HOME="$ans_dir/home" ansible-galaxy collection install \
		"$ans_dir/build/setspn-ad-0.1.0.tar.gz" -p "$ans_dir/collections" 2>&1)
	[[ -f $ans_dir/collections/ansible_collections/setspn/ad/plugins/modules/setspn.py ]] ||
		_fail "not installed" "$ans_inst"
	cmp -s contrib/ansible/library/setspn.py \
		"$ans_dir/collections/ansible_collections/setspn/ad/plugins/modules/setspn.py" ||
		_fail "the installed module is not contrib/ansible/library/setspn.py"

	t "ansible: ansible-doc setspn.ad.setspn documents check and diff mode (attributes)"
	ans_doc=$(ANSIBLE_NOCOLOR=1 ANSIBLE_HOME="$ans_dir/home" ANSIBLE_COLLECTIONS_PATH="$ans_dir/collections" \
		ansible-doc setspn.ad.setspn 2>&1)
	[[ $ans_doc == *"SETSPN.AD.SETSPN"* && $ans_doc == *ATTRIBUTES* && $ans_doc == *check_mode*"support: full"* &&
		$ans_doc == *diff_mode*"support: full"* && $ans_doc != *ERROR* ]] ||
		_fail "ansible-doc setspn.ad.setspn" "$ans_doc"

	t "ansible: the installed collection's module, by its FQCN, adds an SPN on the test DC"
	cat >"$ans_dir/fqcn.yml" <<-'YML'
		- name: Run by the fully qualified name
		  hosts: localhost
		  connection: local
		  gather_facts: false
		  tasks:
		    - name: ANSWEB holds HTTP/ans-fqcn.spn.test
		      setspn.ad.setspn:
		        name: ANSWEB
		        spns: [HTTP/ans-fqcn.spn.test]
		        setspn_path: "{{ lookup('env', 'SETSPN') }}"
		        uri: "{{ lookup('env', 'TESTDC_URI') }}"
		      register: r
		    - name: It says what it added
		      ansible.builtin.assert:
		        that:
		          - r.added == (["HTTP/ans-fqcn.spn.test"] if first | bool else [])
	YML
	ans_play fqcn.yml -e first=true
	[[ $ans_rc == 0 && $ans_changed == 1 ]] || ans_show "FQCN"
	[[ " $(ans_spns ANSWEB) " == *" HTTP/ans-fqcn.spn.test "* ]] || _fail "not on ANSWEB: $(ans_spns ANSWEB)"
	ans_play fqcn.yml -e first=false
	[[ $ans_rc == 0 && $ans_changed == 0 ]] || ans_show "FQCN again"

	t "ansible: ansible-test sanity passes for the module (the tests that run offline)"
	if command -v ansible-test >/dev/null; then
		# ansible-doc, import, pep8, pylint, runtime-metadata, validate-modules
		# and yamllint install their own requirements with pip from PyPI: they
		# are run below with ansible-test's own scripts and configuration.
		ans_coll="$ans_dir/collections/ansible_collections/setspn/ad"
		ans_san=$(cd "$ans_coll" && PATH=/usr/bin:$PATH ANSIBLE_HOME="$ans_dir/home" timeout 300 \
			ansible-test sanity --local --python 3.11 --skip-test ansible-doc --skip-test import \
			--skip-test pep8 --skip-test pylint --skip-test runtime-metadata \
			--skip-test validate-modules --skip-test yamllint 2>&1)
		ans_rc=$?
		((ans_rc == 0)) && [[ $ans_san != *ERROR* ]] || _fail "ansible-test sanity (exit $ans_rc)" "$ans_san"
	else
		_fail "ansible-test is not installed"
	fi

	t "ansible: validate-modules, pep8, pylint, yamllint and runtime-metadata, with ansible-test's scripts"
	if ((!_skip)); then
		ans_s=/usr/lib/python3/dist-packages/ansible_test/_util/controller/sanity
		ans_vm=$(cd "$ans_coll" && ANSIBLE_COLLECTIONS_PATH="$ans_dir/collections" /usr/bin/python3 \
			"$ans_s/validate-modules/validate.py" --format json --arg-spec \
			--collection ansible_collections/setspn/ad --collection-version 0.1.0 plugins/modules/setspn.py 2>&1)
		# the one error the collection's tests/sanity/ignore-2.14.txt ignores
		ans_codes=$(/usr/bin/python3 -c 'import json, sys
d = json.load(sys.stdin)
print(" ".join(sorted(e["code"] for v in d.values() for e in v["errors"] + v["warnings"])))' <<<"$ans_vm" 2>&1)
		same "validate-modules: errors and warnings" "$ans_codes" "missing-gplv3-license"
		grep -q 'validate-modules:missing-gplv3-license' "$ans_coll/tests/sanity/ignore-2.14.txt" ||
			_fail "the ignore file does not name missing-gplv3-license"
		ans_pep8=$(/usr/bin/python3 -m pycodestyle --max-line-length 160 \
			--ignore="$(grep -v '^#' "$ans_s/pep8/current-ignore.txt" | paste -sd,)" \
			"$ans_coll/plugins/modules/setspn.py" 2>&1) || _fail "pep8" "$ans_pep8"
		ans_pylint=$(cd "$ans_coll" && ANSIBLE_TEST_MODULES_PATH=/usr/lib/python3/dist-packages/ansible/modules \
			ANSIBLE_TEST_MODULE_UTILS_PATH=/usr/lib/python3/dist-packages/ansible/module_utils \
			PYTHONPATH="$ans_s/pylint/plugins:$ans_dir/collections" /usr/bin/python3 -m pylint \
			--rcfile "$ans_s/pylint/config/collection.cfg" --load-plugins deprecated,string_format,unwanted \
			--output-format parseable plugins/modules/setspn.py 2>&1) || _fail "pylint" "$ans_pylint"
		ans_yaml=$(cd "$ans_coll" && /usr/bin/python3 "$ans_s/yamllint/yamllinter.py" plugins/modules/setspn.py \
			meta/runtime.yml 2>&1)
		[[ $(tr -d ' \n' <<<"$ans_yaml") == '{"messages":[]}' ]] || _fail "yamllint" "$ans_yaml"
		ans_rt=$(cd "$ans_coll" && ANSIBLE_COLLECTIONS_PATH="$ans_dir/collections" /usr/bin/python3 \
			"$ans_s/code-smell/runtime-metadata.py" meta/runtime.yml 2>&1)
		[[ -z $ans_rt ]] || _fail "runtime-metadata" "$ans_rt"
	fi

	t "ansible: ansible-lint passes the README's example playbook"
	if ((!_skip)); then
		mkdir -p "$ans_dir/lint"
		awk '/^<!-- example-playbook/ {f = 1; next} f && /^```yaml/ {p = 1; next} p && /^```/ {exit} p' \
			README.md >"$ans_dir/lint/spns.yml"
		ln -s "$ans_dir/collections" "$ans_dir/lint/collections"
		ans_lint=$(cd "$ans_dir/lint" && ANSIBLE_HOME="$ans_dir/home" NO_COLOR=1 timeout 300 \
			ansible-lint --offline spns.yml 2>&1)
		ans_rc=$?
		[[ -s $ans_dir/lint/spns.yml ]] || _fail "no example playbook found in README.md"
		((ans_rc == 0)) && [[ $ans_lint != *"Unable to"* ]] || _fail "ansible-lint (exit $ans_rc)" "$ans_lint"
	fi
fi
rm -rf "$ans_dir"

if ((ans_alone)); then
	summary
	echo "$PASS passed, $FAIL failed"
	((FAIL == 0))
fi
