# setspn: build, test, install.  See README.md.
#
#   make                      build ./setspn
#   make check                deps, build, unit + CLI tests on a throwaway DC
#   make SANITIZE=1 check     the same, built with ASan+UBSan, leaks checked
#   make check-valgrind       unit tests + a subset of the CLI tests under
#                             valgrind (VALGRIND_ONLY picks the subset)
#   make fuzz                 libFuzzer targets, FUZZ_SECONDS each (clang)
#   make lint                 cppcheck and clang-tidy (.clang-tidy), clean
#   make bench-scale          -X against ldapsearch at 3k/10k/30k computers and 1M values
#   make deb                  the Debian package, in build/deb/ (debian/)
#   make check-package        build, install, use and purge that package
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
# bash-completion finds completions in <prefix>/share/bash-completion/
# completions; Debian's zsh reads /usr/local/share/zsh/site-functions, and
# the package puts its file in /usr/share/zsh/vendor-completions.
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
VERSION := 0.1.0

PKGS    := ldap lber libsasl2 krb5 krb5-gssapi jansson
CC      ?= cc
# No -Wcast-qual: libldap's API takes non-const strings.
WARN    := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wpointer-arith -Wwrite-strings \
           -Wvla -Wnull-dereference -Wundef
CFLAGS  ?= -O2 -g

# pkg-config runs once, and only when a rule needs its answer (make check
# installs the packages before the build that uses them).
PKG_CFLAGS = $(eval PKG_CFLAGS := $$(shell pkg-config --cflags $$(PKGS)) \
    -DKRB5_BUILD_VERSION='"$$(shell pkg-config --modversion krb5)"')$(PKG_CFLAGS)
LIBS       = $(eval LIBS := $$(shell pkg-config --libs $$(PKGS)) -lresolv)$(LIBS)
CMOCKA_LIBS = $(eval CMOCKA_LIBS := $$(shell pkg-config --libs cmocka))$(CMOCKA_LIBS)

# SANITIZE=1: AddressSanitizer (with LeakSanitizer) and UBSan.  Kept apart
# from CFLAGS/LDFLAGS so that setting those on the command line keeps them.
ifeq ($(SANITIZE),1)
SAN_CFLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer \
               -fno-sanitize-recover=undefined
SAN_LDFLAGS := -fsanitize=address,undefined
endif

DEFS       := -std=c11 -D_GNU_SOURCE -DSETSPN_VERSION='"$(VERSION)"'
# CPPFLAGS, CFLAGS and LDFLAGS are the caller's (dpkg-buildflags' hardening
# flags when the Debian package is built): appended, so that they win.
ALL_CFLAGS  = $(DEFS) $(WARN) $(PKG_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(SAN_CFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(SAN_LDFLAGS)

CORE_OBJS := spn.o account.o filter.o quote.o status.o args.o output.o \
             scan.o batch.o report.o discover.o msg.o xalloc.o entry.o \
             plan.o wire.o fold.o fixcmd.o bounded.o stop.o netlogon.o cldap.o \
             keytab.o ktopts.o refusal.o
OBJS      := setspn.o verbs.o verb_scan.o verify.o verify_checks.o resolve.o acctinfo.o ticket.o session.o ldap_ops.o rights.o search.o ahead.o page.o \
             writekt.o keygen.o \
             conn.o connect.o creds.o locator.o ping.o $(CORE_OBJS)
HEADERS   := $(wildcard *.h)

# Every object depends on this stamp, rewritten only when the compiler or
# the flags change: switching SANITIZE (or CFLAGS) rebuilds everything.
FLAGS_STAMP := .build-flags
shq = '$(subst ','\'',$(1))'
BUILD_ID = $(CC) | $(ALL_CFLAGS) | $(ALL_LDFLAGS) | $(LIBS)

all: setspn

$(FLAGS_STAMP): FORCE
	@printf '%s\n' $(call shq,$(BUILD_ID)) | cmp -s - $@ || \
	    printf '%s\n' $(call shq,$(BUILD_ID)) >$@

setspn: $(OBJS) $(FLAGS_STAMP)
	$(CC) $(ALL_LDFLAGS) -o $@ $(OBJS) $(LIBS)

%.o: %.c $(HEADERS) $(FLAGS_STAMP)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The hostile-input corpus (tests/hostile.txt) against every parser.
tests/hostile: tests/hostile.c $(CORE_OBJS) $(HEADERS) $(FLAGS_STAMP)
	$(CC) $(ALL_CFLAGS) -I. -o $@ tests/hostile.c $(CORE_OBJS) $(ALL_LDFLAGS) \
	    $(LIBS)

# --verify's ground truth (tests/verify_matrix.sh): a GSS-API initiator and
# acceptor in one process.  A test tool, not under test: no sanitizers
# (ASan reports of the Kerberos libraries would fail unrelated tests).
GSS_TEST_CFLAGS = $(eval GSS_TEST_CFLAGS := $$(shell pkg-config --cflags krb5-gssapi krb5))$(GSS_TEST_CFLAGS)
GSS_TEST_LIBS   = $(eval GSS_TEST_LIBS := $$(shell pkg-config --libs krb5-gssapi krb5))$(GSS_TEST_LIBS)
tests/gss_accept: tests/gss_accept.c
	$(CC) $(DEFS) $(WARN) $(GSS_TEST_CFLAGS) $(CPPFLAGS) $(CFLAGS) -o $@ tests/gss_accept.c \
	    $(LDFLAGS) $(GSS_TEST_LIBS)

# The unit tests: tests/unit/<module>.c, one cmocka group each, and
# tests/unit/main.c, built into one binary, tests/unit-tests (the name
# tests/unit is the sources' directory; "make tests/unit" builds it).
# creds.o for creds_hint, which needs libkrb5 (in LIBS).
UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_BIN  := tests/unit-tests

tests/unit: $(UNIT_BIN)

$(UNIT_BIN): $(UNIT_SRCS) $(wildcard tests/unit/*.h) $(CORE_OBJS) creds.o $(HEADERS) \
             $(FLAGS_STAMP)
	$(CC) $(ALL_CFLAGS) -I. -o $@ $(UNIT_SRCS) $(CORE_OBJS) creds.o \
	    $(ALL_LDFLAGS) $(LIBS) $(CMOCKA_LIBS)

# ----------------------------------------------------------------- tests
# Sanitizer settings for the test run.  exitcode=99: no setspn exit status
# is 99, so a report (memory error, UB, leak) can never pass for an
# expected "exit 1"; tests/run.sh also points log_path at a directory it
# checks after every run, so a report fails its test even where the exit
# status is not checked.  verify_asan_link_order=0: tests/connect.sh
# LD_PRELOADs the resolv/nss wrappers, ahead of the ASan runtime.
# fast_unwind_on_malloc=0: the system libraries have no frame pointers, so
# the fast unwinder stops at the first of them; tests/lsan.supp matches
# library frames further down (which library called), so it needs whole
# stacks (and so do the reports).
ASAN_OPTS  := detect_leaks=1:abort_on_error=0:exitcode=99:halt_on_error=1:$\
              strict_string_checks=1:detect_stack_use_after_return=1:$\
              verify_asan_link_order=0:fast_unwind_on_malloc=0
UBSAN_OPTS := print_stacktrace=1:halt_on_error=1:exitcode=99
LSAN_OPTS  := suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0
ifeq ($(SANITIZE),1)
# The caller's own *SAN_OPTIONS come last, so they win.  The cwrap
# libraries (resolv/nss wrappers, LD_PRELOADed by tests/connect.sh) dlopen
# libc with RTLD_DEEPBIND, which the ASan runtime refuses: these turn that
# off.  SETSPN_SANITIZE=1 tells tests that run a binary under valgrind
# (which cannot run ASan builds) to skip that.
TEST_ENV := SETSPN_SANITIZE=1 ASAN_OPTIONS="$(ASAN_OPTS)$${ASAN_OPTIONS:+:$$ASAN_OPTIONS}" \
            UBSAN_OPTIONS="$(UBSAN_OPTS)$${UBSAN_OPTIONS:+:$$UBSAN_OPTIONS}" \
            LSAN_OPTIONS="$(LSAN_OPTS)$${LSAN_OPTIONS:+:$$LSAN_OPTIONS}" \
            RESOLV_WRAPPER_DISABLE_DEEPBIND=1 NSS_WRAPPER_DISABLE_DEEPBIND=1 \
            SOCKET_WRAPPER_DISABLE_DEEPBIND=1 UID_WRAPPER_DISABLE_DEEPBIND=1
endif

# Installs missing Debian packages (as root), builds, runs the unit tests and
# the command-line tests against a throwaway DC, prints "N passed, N failed".
check:
	@bash tests/deps.sh all
	@$(MAKE) --no-print-directory setspn tests/unit tests/hostile tests/gss_accept
	@$(TEST_ENV) bash tests/run.sh

# valgrind: zero errors, zero definitely-lost blocks (exit 99 otherwise;
# tests/valgrind.supp holds the libraries' own losses).  The unit tests,
# then a subset of the CLI tests (an ONLY pattern, see tests/lib.sh), about
# 50 setspn runs at some 3 s each: every verb, every account form, the
# refusals, --json, --dry-run, --idempotent, --batch, StartTLS, ldaps,
# --keytab, --principal, DNS SRV discovery and the failure paths (no
# ticket, expired ticket, DC unreachable, unknown principal).  Override
# with VALGRIND_ONLY='pattern' (VALGRIND_ONLY= runs every CLI test).
VALGRIND := valgrind --error-exitcode=99 --leak-check=full \
            --errors-for-leak-kinds=definite --show-leak-kinds=definite \
            --suppressions=$(CURDIR)/tests/valgrind.supp --num-callers=40 -q
VALGRIND_ONLY ?= @(fixture*|no arguments*|unknown option*|$\
                 -L computer by*|-L user by*|-L of a missing account*|$\
                 -S adds the seed*|-S refuses an SPN held*|-S HOST/x while*|$\
                 -S on a missing*|-S MSSQLSvc with instance*|$\
                 control character*|invalid UTF-8*|-D removes one*|$\
                 -D of a value not*|-D with another case*|-Q found*|$\
                 -Q wildcard class*|-Q filter metacharacters*|no ticket*|$\
                 DC unreachable*|*principal unknown*|-v reports*|$\
                 -R registers*|-U -S writes*|*foreign NetBIOS*|$\
                 HTTP/x on a user while*|$\
                 -F -Q through*|-X on a domain*|planting*|-X finds exact*|$\
                 -D of a duplicated*|--json -L*|--json -S conflict*|$\
                 -n -S*|--idempotent -S of an SPN already*|$\
                 --batch: each line*|--batch with a malformed*|$\
                 --batch carries on*|--batch --json*|no -H and no URI*|$\
                 --batch reads lines ahead in groups*|--batch --page-size 1*|$\
                 read-ahead: a grouped lookup*|$\
                 interrupted: the connection reset before a batch*|$\
                 StartTLS*|$\
                 ldaps:// with --cacert|--keytab: a ticket*|$\
                 --principal with --password-file|expired ticket*|$\
                 --verify of the seed*|--verify after running*|$\
                 --verify: the encryption-type fix*|$\
                 --verify --service-keytab: a fresh*|$\
                 --verify --service-keytab: stale*|$\
                 --verify of an exact duplicate*|--json --verify*|$\
                 --batch of --verify*|--verify with no ticket*|$\
                 --verify with a KDC and a DNS server*|$\
                 --verify --keytab*|stale: a batch*|$\
                 limits: an ldaps:// server answering the bind*|$\
                 limits: an ldaps:// server sending rootDSE*|$\
                 invisible: -L and -Q*|invisible: -X*|keytab fixture*|$\
                 keytab: --write-keytab of a user*|$\
                 keytab: --write-keytab with a wrong password*|$\
                 keytab: --write-keytab merges*|keytab: --rotate: next-kvno*|$\
                 keytab: --json --write-keytab*|$\
                 keytab: --write-keytab usage errors*)

check-valgrind:
ifeq ($(SANITIZE),1)
	$(error valgrind cannot run ASan binaries: use make check-valgrind without SANITIZE=1)
endif
	@bash tests/deps.sh all
	@bash tests/deps.sh tools
	@command -v valgrind >/dev/null || \
	    { echo "check-valgrind: needs valgrind (apt-get install valgrind)" >&2; exit 1; }
	@$(MAKE) --no-print-directory setspn tests/unit tests/hostile tests/gss_accept
	@echo "unit tests under valgrind"
	@mkdir -p tests/tmp
	@$(VALGRIND) --log-file=tests/tmp/unit.valgrind ./$(UNIT_BIN) \
	    >tests/tmp/unit.out 2>&1; rc=$$?; \
	    grep -E '^\[ +(PASSED|FAILED) +\]' tests/tmp/unit.out; \
	    if [ $$rc -ne 0 ] || [ -s tests/tmp/unit.valgrind ]; then \
	        cat tests/tmp/unit.out tests/tmp/unit.valgrind; \
	        echo "unit tests under valgrind: FAILED"; exit 1; fi
	@d=$$(mktemp -d /tmp/setspn-reports.XXXXXX) && \
	    SETSPN_REPORTS=$$d ONLY='$(VALGRIND_ONLY)' \
	    SETSPN_WRAP='$(VALGRIND) --log-file='"$$d"'/valgrind.%p' \
	    bash tests/run.sh; rc=$$?; rm -rf "$$d"; exit $$rc

# Benchmarks against ldapsearch/ldapmodify on a throwaway DC; not in check.
bench:
	@bash tests/deps.sh all
	@$(MAKE) --no-print-directory setspn
	@bash tests/bench.sh

# -X against ldapsearch as the directory grows: 3k, 10k and 30k computers
# on the test DC (SIZES, RUNS; built offline once, then reused from
# tests/.cache), then a million values from the scripted server (MILLION=0
# skips it).  Time and peak RSS; one table.  Not in check.
bench-scale:
	@bash tests/deps.sh all
	@$(MAKE) --no-print-directory setspn
	@bash tests/bench_scale.sh

demo:
	@bash tests/deps.sh all
	@$(MAKE) --no-print-directory setspn
	@bash tests/demo.sh

# ------------------------------------------------------------------ fuzz
# libFuzzer (clang): tests/fuzz/fuzz_<name>.c, seeded from the committed
# tests/fuzz/corpus/<name>/; what a run finds goes to tests/fuzz-work/<name>/
# (crash reproducers too: crash-*, leak-*, timeout-*).
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 10
# More libFuzzer flags, e.g. FUZZ_FLAGS='-jobs=2 -workers=2' or -dict=FILE.
FUZZ_FLAGS   ?=
FUZZ_TARGETS := spn account batch netlogon
FUZZ_BUILD   := tests/fuzz-build
FUZZ_WORK    := tests/fuzz-work
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all \
                -fno-omit-frame-pointer
FUZZ_CFLAGS   = $(DEFS) $(WARN) -g -O1 $(FUZZ_SAN) $(PKG_CFLAGS) -I.
FUZZ_OBJS     = $(CORE_OBJS:%=$(FUZZ_BUILD)/%)
FUZZ_BINS    := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)
FUZZ_STAMP   := $(FUZZ_BUILD)/.build-flags
FUZZ_ID       = $(FUZZ_CC) | $(FUZZ_CFLAGS) | $(LIBS)

$(FUZZ_STAMP): FORCE
	@mkdir -p $(@D)
	@printf '%s\n' $(call shq,$(FUZZ_ID)) | cmp -s - $@ || \
	    printf '%s\n' $(call shq,$(FUZZ_ID)) >$@

$(FUZZ_BUILD)/%.o: %.c $(HEADERS) $(FUZZ_STAMP)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

# Kept between builds (make would delete them as intermediates).
.SECONDARY: $(FUZZ_OBJS)

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS) $(HEADERS) $(FUZZ_STAMP)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) $(LIBS)

fuzz-build:
	@bash tests/deps.sh tools
	@command -v $(FUZZ_CC) >/dev/null || \
	    { echo "fuzz: needs $(FUZZ_CC) and libclang-rt-dev (apt-get install clang libclang-rt-14-dev)" >&2; exit 1; }
	@$(MAKE) --no-print-directory $(FUZZ_BINS)

# Each target runs FUZZ_SECONDS; any crash, leak or timeout fails make.
fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	    mkdir -p $(FUZZ_WORK)/$$t; \
	    echo "fuzz_$$t: $(FUZZ_SECONDS) s"; \
	    ASAN_OPTIONS=detect_leaks=1:verify_asan_link_order=0 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    $(FUZZ_BUILD)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) \
	        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	        -artifact_prefix=$(FUZZ_WORK)/$$t/ $(FUZZ_FLAGS) \
	        $(FUZZ_WORK)/$$t tests/fuzz/corpus/$$t \
	        >$(FUZZ_WORK)/$$t.log 2>&1 || \
	        { tail -60 $(FUZZ_WORK)/$$t.log; echo "fuzz_$$t: FAILED (log: $(FUZZ_WORK)/$$t.log)"; exit 1; }; \
	    grep -E '^#[0-9]+.*DONE|stat::number_of_executed_units|stat::average_exec_per_sec' \
	        $(FUZZ_WORK)/$$t.log | sed 's/^/  /'; \
	done

# ------------------------------------------------------------------ lint
# cppcheck, then clang-tidy (.clang-tidy, tests/.clang-tidy), over every
# project C file, the tests' included; either one's finding fails make.
LINT_SRCS   = $(wildcard *.c) $(UNIT_SRCS) tests/hostile.c tests/gss_accept.c \
              $(wildcard tests/fuzz/*.c)
# System headers are not given to cppcheck (slow, and not ours to check).
CPPCHECK    := cppcheck --enable=warning,style,performance,portability \
               --error-exitcode=1 --inline-suppr --quiet --std=c11 \
               --suppress=missingIncludeSystem \
               --suppressions-list=tests/cppcheck.supp --library=posix \
               -D_GNU_SOURCE -I. \
               --template='{file}:{line}: {severity} ({id}): {message}'
CLANG_TIDY  ?= clang-tidy
TIDY_FLAGS   = $(DEFS) $(WARN) $(PKG_CFLAGS) -I.
# cmocka 1.1.5 declares _fail (every failed assertion ends there, with a
# longjmp) as returning, so the analyzer follows paths past failed
# assertions: for tests/unit/*.c it is told the truth, in a header forced in.
TIDY_CMOCKA := tests/tmp/lint/cmocka-noreturn.h

$(TIDY_CMOCKA): Makefile
	@mkdir -p $(@D)
	@printf '%s\n' '#include <setjmp.h>' '#include <stdarg.h>' \
	    '#include <stddef.h>' '#include <stdint.h>' '#include <cmocka.h>' \
	    'void _fail(const char *file, int line) __attribute__((noreturn));' >$@

# One clang-tidy per file (clang-tidy 14 given several files carries
# analyzer state across them: a false va_list report in msg.c), LINT_JOBS
# at a time.  "N warnings generated." counts what the config filtered out.
LINT_JOBS   ?= 2
TIDY_RUNS    = $(LINT_SRCS:%=lint-tidy/%)

lint-tidy/%: SHELL := /bin/bash
lint-tidy/%: .SHELLFLAGS := -o pipefail -c
lint-tidy/%: FORCE
	@$(CLANG_TIDY) --quiet $* -- $(TIDY_FLAGS) \
	    $(if $(filter tests/unit/%,$*),-include $(TIDY_CMOCKA)) 2>&1 | \
	    { grep -v '^[0-9]* warnings\? generated\.$$' || true; }

lint:
	@bash tests/deps.sh tools
	@for tool in cppcheck $(CLANG_TIDY); do \
	    command -v $$tool >/dev/null || \
	    { echo "lint: needs $$tool (apt-get install cppcheck clang-tidy)" >&2; exit 1; }; \
	done
	@echo "cppcheck: $(words $(LINT_SRCS)) files"
	@$(CPPCHECK) $(LINT_SRCS)
	@echo "clang-tidy: $(words $(LINT_SRCS)) files"
	@$(MAKE) --no-print-directory $(TIDY_CMOCKA)
	@$(MAKE) --no-print-directory -k -j$(LINT_JOBS) --output-sync=target $(TIDY_RUNS)
	@echo "mandoc -Tlint: man/setspn.1"
	@$(MAKE) --no-print-directory lint-man
	@echo "lint: clean"

# The page's own warnings and style notes; what the installed manual
# database knows (other pages present or not) is no fault of the page.
lint-man:
	@out=$$(mandoc -Tlint -W all man/setspn.1 2>&1 | \
	    grep -v 'mandoc\.db\|referenced manual not found'); \
	[ -z "$$out" ] || { printf '%s\n' "$$out"; exit 1; }

install: setspn
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 755 setspn $(DESTDIR)$(BINDIR)/setspn
	install -m 644 man/setspn.1 $(DESTDIR)$(MANDIR)/man1/setspn.1
	install -m 644 completions/setspn.bash $(DESTDIR)$(BASHCOMPDIR)/setspn
	install -m 644 completions/_setspn $(DESTDIR)$(ZSHCOMPDIR)/_setspn

# ---------------------------------------------------------------- package
# dpkg-buildpackage writes its .deb, .changes and .buildinfo to the parent
# of the source directory, and its build products into the source: so it
# runs on a copy, DEB_DIR/setspn-VERSION (the files git tracks, and new
# ones it does not ignore; outside git, the tree but build/ and the test
# caches: debian/rules clean runs make clean in the copy), and everything
# lands in DEB_DIR (build/deb/, ignored by git).  lintian then checks the .deb and the .changes.
DEB_DIR     ?= build/deb
DEB_VERSION  = $(shell dpkg-parsechangelog -l debian/changelog -S Version)
DEB_ARCH     = $(shell dpkg-architecture -q DEB_HOST_ARCH)
DEB_CHANGES  = $(DEB_DIR)/setspn_$(DEB_VERSION)_$(DEB_ARCH).changes

deb:
	@bash tests/deps.sh package
	@v='$(DEB_VERSION)'; [ "$${v%-*}" = '$(VERSION)' ] || \
	    { echo "deb: debian/changelog says $$v, the Makefile's VERSION is $(VERSION)" >&2; exit 1; }
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/setspn-$(VERSION)
	if git rev-parse --git-dir >/dev/null 2>&1; then \
	    git ls-files -z --cached --others --exclude-standard | \
	    xargs -0 sh -c 'for f; do [ -e "$$f" ] && printf "%s\0" "$$f"; done' sh | \
	    tar --null -T - -cf - ; \
	else \
	    tar --exclude=./build --exclude=./tests/.cache --exclude=./tests/tmp -cf - . ; \
	fi | tar -C $(DEB_DIR)/setspn-$(VERSION) -xf -
	cd $(DEB_DIR)/setspn-$(VERSION) && dpkg-buildpackage -us -uc -b
	lintian --fail-on error,warning $(DEB_CHANGES)
	@ls -1 $(DEB_DIR)/*.deb

check-package:
	@bash tests/package.sh

# The Ansible collection setspn.ad: build/setspn-ad-0.1.0.tar.gz
# (install: ansible-galaxy collection install build/setspn-ad-0.1.0.tar.gz).
collection:
	@command -v ansible-galaxy >/dev/null || \
	    { echo "collection: needs ansible-galaxy (bash tests/deps.sh ansible)" >&2; exit 1; }
	ansible-galaxy collection build contrib/ansible/collection --output-path build --force

clean:
	rm -f setspn $(UNIT_BIN) tests/hostile tests/gss_accept *.o $(FLAGS_STAMP)
	rm -rf $(FUZZ_BUILD) build

FORCE:

.PHONY: lint-man collection all check check-valgrind check-package deb demo bench bench-scale fuzz fuzz-build \
        lint install clean FORCE tests/unit
