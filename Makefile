# ddns-update - a one-shot dynamic DNS updater.
# Targets: all check install uninstall clean deps bench (see README.md).

PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
MANDIR		?= $(PREFIX)/share/man
DOCDIR		?= $(PREFIX)/share/doc/ddns-update
DESTDIR		?=
CC		?= cc
PKG_CONFIG	?= pkg-config
# The first python3 that has pytest (a pyenv python3 may shadow the distro's).
PYTHON		?= $(shell for p in python3 /usr/bin/python3; do \
		     $$p -c 'import pytest' 2>/dev/null && { echo $$p; break; }; \
		   done)
INSTALL		?= install
ifeq ($(OS),Windows_NT)
PLATFORM	?= win32
BIN		?= ddns-update.exe
endif
PLATFORM	?= posix
WERROR		?= -Werror
SUDO		?= $(shell [ "$$(id -u)" = 0 ] || echo sudo)

WARNFLAGS = -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
	    -Wpointer-arith -Wsign-compare -Wformat=2 -Wundef $(WERROR)
PKGS	  = libcurl inih libcjson
# Debian's mbedTLS 2.28 ships no .pc file: fall back to plain -lmbedcrypto.
MBED_CFLAGS := $(shell $(PKG_CONFIG) --cflags mbedcrypto 2>/dev/null)
MBED_LIBS   := $(shell $(PKG_CONFIG) --libs mbedcrypto 2>/dev/null || echo -lmbedcrypto)
DEP_CFLAGS  := $(shell $(PKG_CONFIG) --cflags $(PKGS)) $(MBED_CFLAGS)
DEP_LIBS    := $(shell $(PKG_CONFIG) --libs $(PKGS)) $(MBED_LIBS)

OURFLAGS  = -std=c11 -D_POSIX_C_SOURCE=200809L -Isrc $(WARNFLAGS) $(DEP_CFLAGS)
ALLCFLAGS = $(OURFLAGS) $(CPPFLAGS) $(CFLAGS)
CFLAGS	 ?= -O2 -g

B	  = build
LIB_SRCS  = $(filter-out src/main.c src/platform_%.c,$(wildcard src/*.c)) \
	    src/platform_$(PLATFORM).c $(wildcard providers/*.c)
LIB_OBJS  = $(LIB_SRCS:%.c=$(B)/%.o)
TEST_SRCS = $(wildcard tests/unit/test_*.c)
ifeq ($(PLATFORM),win32)
TEST_SRCS := $(filter-out tests/unit/test_platform.c,$(TEST_SRCS))
endif
TEST_BINS = $(TEST_SRCS:tests/unit/%.c=$(B)/tests/%)

BIN	 ?= ddns-update

all: $(BIN)

$(BIN): $(B)/src/main.o $(B)/libddns.a
	$(CC) $(LDFLAGS) -o $@ $(B)/src/main.o $(B)/libddns.a $(DEP_LIBS) $(LIBS)

$(B)/libddns.a: $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJS)

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) -MMD -MP -c -o $@ $<

PROV_TESTS  = $(filter $(B)/tests/test_prov_%,$(TEST_BINS))
PLAIN_TESTS = $(filter-out $(PROV_TESTS),$(TEST_BINS))

$(PLAIN_TESTS): $(B)/tests/%: $(B)/tests/unit/%.o $(B)/libddns.a
	$(CC) $(LDFLAGS) -o $@ $< $(B)/libddns.a $(DEP_LIBS) $(LIBS)

# Provider tests run the real provider code over a scripted fake transport
# (tests/unit/fake_http.c replaces every http.h function).
$(PROV_TESTS): $(B)/tests/%: $(B)/tests/unit/%.o $(B)/tests/unit/fake_http.o $(B)/libddns.a
	$(CC) $(LDFLAGS) -o $@ $< $(B)/tests/unit/fake_http.o $(B)/libddns.a $(DEP_LIBS) $(LIBS)

# Objects are never intermediates to delete (tests link them later).
.SECONDARY:

-include $(LIB_OBJS:.o=.d) $(B)/src/main.d $(TEST_SRCS:%.c=$(B)/%.d)

# Optional parts, one file each: mk/windows.mk sets WINDOWS_CHECK =
# windows-check when x86_64-w64-mingw32-gcc exists; others add bench,
# check-asan, fuzz, soak.
-include $(sort $(wildcard mk/*.mk))

# The unit tests, the end-to-end tests against the real binary, and the
# Windows cross-build check when MinGW-w64 is installed (mk/windows.mk).
check: unit e2e $(WINDOWS_CHECK)

unit: $(TEST_BINS)
	@sh tests/unit/run.sh $(TEST_BINS)

# The e2e tests mostly wait on sockets: with pytest-xdist they run in
# E2E_JOBS workers (each test has its own servers, ports and files).
E2E_JOBS ?= 4
e2e: $(BIN)
	@test -n "$(PYTHON)" || { echo "e2e: no python3 with pytest (make deps)"; exit 1; }
	DDNS_UPDATE=$(abspath $(BIN)) $(PYTHON) -m pytest -q -p no:cacheprovider \
	    $$($(PYTHON) -c 'import xdist' 2>/dev/null && printf -- '-n %s' $(E2E_JOBS)) tests/e2e

install: $(BIN)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DOCDIR)
	$(INSTALL) -m 755 $(BIN) $(DESTDIR)$(BINDIR)/ddns-update
	$(INSTALL) -m 644 docs/ddns-update.1 $(DESTDIR)$(MANDIR)/man1/ddns-update.1
	$(INSTALL) -m 644 examples/ddns-update.ini $(DESTDIR)$(DOCDIR)/ddns-update.ini.example

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/ddns-update $(DESTDIR)$(MANDIR)/man1/ddns-update.1
	rm -f $(DESTDIR)$(DOCDIR)/ddns-update.ini.example
	-rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null

# Build and test dependencies from the system's package manager.
deps:
	@if command -v apt-get >/dev/null; then \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	    make gcc pkg-config libcurl4-openssl-dev libmbedtls-dev libinih-dev libcjson-dev \
	    python3 python3-pytest python3-pytest-xdist openssl ca-certificates; \
	elif command -v dnf >/dev/null; then \
	  $(SUDO) dnf install -y make gcc pkgconf-pkg-config libcurl-devel mbedtls-devel \
	    inih-devel cjson-devel python3-pytest openssl; \
	elif command -v brew >/dev/null; then \
	  brew install pkg-config curl mbedtls inih cjson python; \
	else echo "deps: no supported package manager (apt-get, dnf, brew)" >&2; exit 1; fi

clean:
	rm -rf $(B) ddns-update

.PHONY: all check unit e2e install uninstall deps clean
