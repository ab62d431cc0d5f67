# mk/hardening.mk - sanitizers, valgrind, fuzzing, fault injection and the
# soak test, included by the Makefile. What each proves, and the latest
# figures, are in docs/reliability.md; every target below rewrites its own
# part of that file's figures (tests/soak/figures.py).
#
#   make check-asan        unit, end-to-end and fault tests with the program
#                          built by clang with AddressSanitizer and UBSan
#   make check-valgrind    the unit tests and an end-to-end subset under
#                          valgrind memcheck: no error, no leak
#   make check-faults      the fault-injection tests (tests/faults) on the
#                          normal build
#   make fuzz [FUZZ_SECONDS=N]
#                          every libFuzzer target for N seconds (default
#                          60), after replaying its seeds and regressions
#   make fuzz-replay       seeds, regressions (and inputs kept in build/fuzz),
#                          each once, no fuzzing
#   make soak [SOAK_RUNS=N]
#                          N runs (default 1000) against a chaotic provider
#   make hardening-deps    clang, its fuzzer runtime and valgrind (apt-get)
#
# Each sanitizer build has its own directory under build/, made by running
# this Makefile again with B, BIN, CC and the flags overridden.

HARDEN_CC	?= clang
VALGRIND	?= valgrind
FUZZ_SECONDS	?= 60
FUZZ_JOBS	?= 2
SOAK_RUNS	?= 1000
SOAK_SEED	?=
SOAK_FLAGS	?=
# pytest-xdist workers for the fault tests (they mostly wait on sockets)
# and for the valgrind subset (CPU-bound: one per core).
FAULTS_JOBS	?= 2
VG_JOBS		?= 2
# The end-to-end subset valgrind runs (whole files, so renamed tests
# cannot make it silently smaller).
VG_E2E		?= tests/e2e/test_pipeline.py tests/e2e/test_state.py \
		   tests/e2e/test_secrets.py tests/e2e/test_accounts.py \
		   tests/e2e/test_prov_dyndns2.py tests/e2e/test_prov_alidns.py

SAN_FLAGS	 = -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer
ASAN_B		 = build/asan
VG_B		 = build/valgrind
FUZZ_B		 = build/fuzz
FAULTS_B	 = build/faults
FIG_B		 = build/figures
FIGURES		 = $(PYTHON) tests/soak/figures.py --out $(FIG_B) \
		   --doc docs/reliability.md
FAULTFS		 = $(FAULTS_B)/libfaultfs.so

# The sub-make building one variant: make $(ASAN_MAKE) TARGETS.
ASAN_MAKE	 = $(MAKE) --no-print-directory B=$(ASAN_B) \
		   BIN=$(ASAN_B)/ddns-update CC=$(HARDEN_CC) \
		   CFLAGS="-O1 -g $(SAN_FLAGS)" LDFLAGS="$(SAN_FLAGS)" \
		   LIBS=$(abspath $(ASAN_B))/san_defaults.o
VG_MAKE		 = $(MAKE) --no-print-directory B=$(VG_B) \
		   BIN=$(VG_B)/ddns-update CFLAGS="-O1 -g"
FUZZ_MAKE	 = $(MAKE) --no-print-directory B=$(FUZZ_B) CC=$(HARDEN_CC) \
		   CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined \
		   -fno-sanitize-recover=all"

# --- the fault-injection shim and the sanitizer defaults ------------------

$(FAULTFS): tests/faults/faultfs.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARNFLAGS) -O1 -g -fPIC -shared \
	    -o $@ tests/faults/faultfs.c -ldl

$(ASAN_B)/san_defaults.o: tests/faults/san_defaults.c
	@mkdir -p $(@D) $(ASAN_B)/reports
	$(HARDEN_CC) $(OURFLAGS) -O1 -g \
	    -DSAN_REPORTS='"$(abspath $(ASAN_B))/reports"' -c -o $@ $<

# --- check-faults ---------------------------------------------------------

# Runs tests/faults against $(BIN) (whatever build this make is for).
faults-run: $(BIN) $(FAULTFS)
	@test -n "$(PYTHON)" || { echo "no python3 with pytest"; exit 1; }
	DDNS_UPDATE=$(abspath $(BIN)) DDNS_FAULTFS=$(abspath $(FAULTFS)) \
	    $(PYTHON) -m pytest -q -p no:cacheprovider $$($(PYTHON) -c \
	    'import xdist' 2>/dev/null && printf -- '-n %s' $(FAULTS_JOBS)) \
	    tests/faults

check-faults: $(BIN) $(FAULTFS)
	@mkdir -p $(FIG_B)
	+@t0=$$(date +%s); \
	PYTEST_ADDOPTS="--junitxml=$(FIG_B)/faults.xml" \
	    $(MAKE) --no-print-directory faults-run; rc=$$?; \
	$(FIGURES) faults --junit $(FIG_B)/faults.xml \
	    --seconds $$(( $$(date +%s) - t0 )) --build normal; exit $$rc

# --- check-asan -----------------------------------------------------------

check-asan: $(ASAN_B)/san_defaults.o $(FAULTFS)
	@rm -rf $(ASAN_B)/reports; mkdir -p $(ASAN_B)/reports $(FIG_B)
	+$(ASAN_MAKE) $(ASAN_B)/ddns-update $(TEST_BINS:$(B)/%=$(ASAN_B)/%)
	+@t0=$$(date +%s); rc=0; \
	{ $(ASAN_MAKE) unit || echo fail > $(ASAN_B)/unit.rc; } | \
	    tee $(ASAN_B)/unit.log; \
	test ! -f $(ASAN_B)/unit.rc || { rm -f $(ASAN_B)/unit.rc; rc=1; }; \
	PYTEST_ADDOPTS="--junitxml=$(FIG_B)/asan-e2e.xml" \
	    $(ASAN_MAKE) e2e || rc=1; \
	PYTEST_ADDOPTS="--junitxml=$(FIG_B)/asan-faults.xml" \
	    $(ASAN_MAKE) faults-run || rc=1; \
	sh tests/faults/san_reports.sh $(ASAN_B)/reports || rc=1; \
	$(FIGURES) asan --unit-log $(ASAN_B)/unit.log \
	    --junit $(FIG_B)/asan-e2e.xml $(FIG_B)/asan-faults.xml \
	    --reports $(ASAN_B)/reports --seconds $$(( $$(date +%s) - t0 )); \
	exit $$rc

# --- check-valgrind -------------------------------------------------------

# VG_ORIGINS=--track-origins=yes shows where an uninitialised value came
# from; off by default, as it makes every run about half again as slow.
VG_ORIGINS	?=
VG_ARGS		 = --error-exitcode=23 --leak-check=full \
		   --errors-for-leak-kinds=definite,indirect \
		   --show-leak-kinds=definite,indirect $(VG_ORIGINS) \
		   --num-callers=30 --quiet

$(VG_B)/ddns-update-vg: $(VG_B)/ddns-update
	@command -v $(VALGRIND) >/dev/null || { \
	    echo "check-valgrind: no $(VALGRIND) (make hardening-deps)"; exit 1; }
	printf '#!/bin/sh\n# ddns-update under valgrind (mk/hardening.mk)\nexec %s %s --log-file=%s/vg.%%p %s "$$@"\n' \
	    "$$(command -v $(VALGRIND))" "$(VG_ARGS)" \
	    "$(abspath $(VG_B))/reports" "$(abspath $(VG_B))/ddns-update" > $@
	chmod 755 $@

check-valgrind:
	@rm -rf $(VG_B)/reports $(VG_B)/ddns-update-vg; \
	mkdir -p $(VG_B)/reports $(FIG_B)
	+$(VG_MAKE) $(VG_B)/ddns-update $(TEST_BINS:$(B)/%=$(VG_B)/%)
	+$(VG_MAKE) $(VG_B)/ddns-update-vg
	@t0=$$(date +%s); rc=0; n=0; \
	for t in $(TEST_BINS:$(B)/%=$(VG_B)/%); do n=$$((n + 1)); \
	    $(VALGRIND) $(VG_ARGS) --log-file=$(VG_B)/reports/vg.%p $$t \
	        >/dev/null 2>&1 || { echo "valgrind: $$t failed"; rc=1; }; \
	done; echo "valgrind: $$n unit test programs run"; \
	DDNS_UPDATE=$(abspath $(VG_B))/ddns-update-vg \
	    $(PYTHON) -m pytest -q -p no:cacheprovider $$($(PYTHON) -c \
	    'import xdist' 2>/dev/null && printf -- '-n %s' $(VG_JOBS)) \
	    --junitxml=$(FIG_B)/valgrind-e2e.xml $(VG_E2E) || rc=1; \
	sh tests/faults/san_reports.sh $(VG_B)/reports || rc=1; \
	$(FIGURES) valgrind --unit-programs $$n \
	    --junit $(FIG_B)/valgrind-e2e.xml --reports $(VG_B)/reports \
	    --seconds $$(( $$(date +%s) - t0 )); \
	exit $$rc

# --- fuzzing --------------------------------------------------------------

# One target per file in providers/ (custom_http.c is provider "http"), so
# a new provider without a set-up in fuzz_prov.c fails loudly.
FUZZ_PROVS	 = $(subst custom_http,http,$(filter-out providers, \
		   $(patsubst providers/%.c,%,$(wildcard providers/*.c))))
FUZZ_TARGETS	 = addr_extract config state_load tmpl dyndns2 \
		   $(FUZZ_PROVS:%=prov_%)
FUZZ_BINS	 = $(FUZZ_TARGETS:%=$(B)/fuzzers/fuzz_%)
FUZZ_DEPS	 = $(B)/tests/fuzz/fuzz_util.o $(B)/tests/unit/fake_http.o \
		   $(B)/libddns.a
FUZZ_LINK	 = $(CC) $(ALLCFLAGS) -Itests/fuzz -Itests/unit -fsanitize=fuzzer

$(B)/fuzzers/fuzz_prov_%: tests/fuzz/fuzz_prov.c $(FUZZ_DEPS)
	@mkdir -p $(@D)
	$(FUZZ_LINK) -DFUZZ_PROV=$* -o $@ $< $(FUZZ_DEPS) $(DEP_LIBS)

$(B)/fuzzers/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_DEPS)
	@mkdir -p $(@D)
	$(FUZZ_LINK) -o $@ $< $(FUZZ_DEPS) $(DEP_LIBS)

fuzz-bins: $(FUZZ_BINS)

fuzz-build:
	$(FUZZ_MAKE) fuzz-bins

# Replays every seed and regression once, then fuzzes each target for
# FUZZ_SECONDS, FUZZ_JOBS targets at a time; fails when any target did.
fuzz: fuzz-build
	@rm -rf $(FUZZ_B)/results; mkdir -p $(FUZZ_B)/results $(FIG_B)
	@echo "fuzz: $(words $(FUZZ_TARGETS)) targets, $(FUZZ_SECONDS) s each," \
	    "$(FUZZ_JOBS) at a time"
	@for t in $(FUZZ_TARGETS); do echo $$t; done | \
	    xargs -P $(FUZZ_JOBS) -I{} sh tests/fuzz/run.sh {} \
	    $(FUZZ_B)/fuzzers/fuzz_{} $(FUZZ_SECONDS) $(FUZZ_B); \
	rc=$$?; $(FIGURES) fuzz --results $(FUZZ_B)/results; \
	test $$rc = 0 || { echo "fuzz: FAILED (see $(FUZZ_B)/logs)"; exit 1; }

fuzz-replay: fuzz-build
	@rm -rf $(FUZZ_B)/results; mkdir -p $(FUZZ_B)/results
	@for t in $(FUZZ_TARGETS); do echo $$t; done | \
	    xargs -P $(FUZZ_JOBS) -I{} sh tests/fuzz/run.sh {} \
	    $(FUZZ_B)/fuzzers/fuzz_{} 0 $(FUZZ_B)

# --- soak -----------------------------------------------------------------

soak: $(BIN)
	@test -n "$(PYTHON)" || { echo "soak: no python3 with pytest"; exit 1; }
	@mkdir -p $(FIG_B)
	$(PYTHON) tests/soak/soak.py --binary $(abspath $(BIN)) \
	    --runs $(SOAK_RUNS) $(if $(SOAK_SEED),--seed $(SOAK_SEED)) \
	    --json $(FIG_B)/soak.json $(SOAK_FLAGS); rc=$$?; \
	$(FIGURES) soak --json $(FIG_B)/soak.json; exit $$rc

# --- dependencies ---------------------------------------------------------

hardening-deps:
	@if command -v apt-get >/dev/null; then \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    --no-install-recommends clang libclang-rt-dev valgrind \
	    util-linux; \
	else echo "hardening-deps: install clang (with its compiler-rt" \
	    "fuzzer runtime) and valgrind" >&2; exit 1; fi

.PHONY: check-asan check-valgrind check-faults faults-run fuzz fuzz-build \
	fuzz-bins fuzz-replay soak hardening-deps
