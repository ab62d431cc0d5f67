# ddns-update - a one-shot dynamic DNS updater.
# Targets: all check install uninstall clean deps bench (see README.md).

PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
MANDIR		?= $(PREFIX)/share/man
DOCDIR		?= $(PREFIX)/share/doc/ddns-update
DESTDIR		?=
CC		?= cc
PKG_CONFIG	?= pkg-config
PYTHON		?= python3
INSTALL		?= install
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

$(B)/tests/%: $(B)/tests/unit/%.o $(B)/libddns.a
	$(CC) $(LDFLAGS) -o $@ $< $(B)/libddns.a $(DEP_LIBS) $(LIBS)

# Provider tests run the real provider code over a scripted fake transport
# (tests/unit/fake_http.c replaces every http.h function).
$(B)/tests/test_prov_%: $(B)/tests/unit/test_prov_%.o $(B)/tests/unit/fake_http.o $(B)/libddns.a
	$(CC) $(LDFLAGS) -o $@ $< $(B)/tests/unit/fake_http.o $(B)/libddns.a $(DEP_LIBS) $(LIBS)

-include $(LIB_OBJS:.o=.d) $(B)/src/main.d $(TEST_SRCS:%.c=$(B)/%.d)

# The unit tests, then the end-to-end tests against the real binary.
check: unit e2e

unit: $(TEST_BINS)
	@sh tests/unit/run.sh $(TEST_BINS)

e2e: $(BIN)
	DDNS_UPDATE=$(abspath $(BIN)) $(PYTHON) -m pytest -q -p no:cacheprovider tests/e2e

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
	    python3 python3-pytest openssl ca-certificates; \
	elif command -v dnf >/dev/null; then \
	  $(SUDO) dnf install -y make gcc pkgconf-pkg-config libcurl-devel mbedtls-devel \
	    inih-devel cjson-devel python3-pytest openssl; \
	elif command -v brew >/dev/null; then \
	  brew install pkg-config curl mbedtls inih cjson python; \
	else echo "deps: no supported package manager (apt-get, dnf, brew)" >&2; exit 1; fi

clean:
	rm -rf $(B) ddns-update

.PHONY: all check unit e2e install uninstall deps clean
