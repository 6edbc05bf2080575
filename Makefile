# setspn: build, test, install.  See README.md.
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
VERSION := 0.1.0

PKGS    := ldap lber libsasl2 krb5 krb5-gssapi
CC      ?= cc
# No -Wcast-qual: libldap's API takes non-const strings.
WARN    := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wpointer-arith -Wwrite-strings \
           -Wvla -Wnull-dereference -Wundef
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DSETSPN_VERSION='"$(VERSION)"' $(WARN) \
             $(shell pkg-config --cflags $(PKGS)) $(CFLAGS)
LIBS    := $(shell pkg-config --libs $(PKGS))

ifeq ($(SANITIZE),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer \
           -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif

CORE_OBJS := spn.o status.o args.o output.o scan.o batch.o msg.o
OBJS      := setspn.o ldap_ops.o $(CORE_OBJS)
HEADERS   := $(wildcard *.h)

all: setspn

setspn: $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $(OBJS) $(LIBS)

%.o: %.c $(HEADERS)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

tests/unit: tests/unit.c $(CORE_OBJS) $(HEADERS)
	$(CC) $(ALL_CFLAGS) -I. -o $@ tests/unit.c $(CORE_OBJS) $(LDFLAGS) \
	    $(LIBS) $(shell pkg-config --libs cmocka)

# Installs missing Debian packages (as root), builds, runs the unit tests and
# the command-line tests against a throwaway DC, prints "N passed, N failed".
check:
	@bash tests/deps.sh all
	@$(MAKE) --no-print-directory setspn tests/unit
	@bash tests/run.sh

demo:
	@bash tests/deps.sh all
	@$(MAKE) --no-print-directory setspn
	@bash tests/demo.sh

install: setspn
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 setspn $(DESTDIR)$(BINDIR)/setspn
	install -m 644 man/setspn.1 $(DESTDIR)$(MANDIR)/man1/setspn.1

clean:
	rm -f setspn tests/unit *.o

.PHONY: all check demo install clean
