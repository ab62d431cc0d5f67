# mk/bench.mk - make bench: ddns-update next to inadyn and ddclient.
#
# Builds $(BIN); then bench/run starts local servers on 127.0.0.1 (address
# echo, dyndns2, Cloudflare API emulation, a dead source), runs the five
# cases of docs/benchmarks.md against ddns-update, inadyn and ddclient,
# checks that every run did its work, and writes the medians, the targets,
# callgrind instruction counts, the machine and the versions to
# $(BENCH_OUT). A benchmark, not a test: it takes a few minutes.
#
# Needs python3 (standard library only), inadyn, ddclient, curl and openssl
# (apt-get install inadyn ddclient curl openssl); valgrind for the
# instruction counts. BENCH_FLAGS=--quick: three runs per row, no
# callgrind, for trying the benchmark itself out. On a machine shared with
# other work, a higher priority for the whole benchmark (servers and the
# three tools alike: `sudo nice -n -10 make bench`) keeps that work from
# stretching the wall times; the report records the nice value and the
# load average.

BENCH_PYTHON	?= python3
BENCH_OUT	?= docs/benchmarks.md
BENCH_FLAGS	?=

bench: $(BIN)
	CC="$(CC)" PKG_CONFIG="$(PKG_CONFIG)" $(BENCH_PYTHON) bench/run \
	    --bin $(BIN) --out $(BENCH_OUT) $(BENCH_FLAGS)

.PHONY: bench
