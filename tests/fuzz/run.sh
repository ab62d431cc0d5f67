#!/bin/sh
# run.sh TARGET FUZZER SECONDS WORKDIR - runs one libFuzzer target.
#
# The target's seeds (tests/fuzz/corpus/TARGET) and regressions
# (tests/fuzz/regressions/TARGET) are read-only corpora: libFuzzer runs each
# of them once before fuzzing, so a regression that fails again stops the
# run. New inputs go to WORKDIR/corpus/TARGET, a failing input to
# WORKDIR/artifacts/TARGET/, the output to WORKDIR/logs/TARGET.log, and
# the figures (executions, seconds, coverage) to WORKDIR/results/TARGET.json.
# SECONDS 0 only replays the seeds and regressions.
set -u
t=$1 bin=$2 secs=$3 work=$4
seeds=tests/fuzz/corpus/$t
regs=tests/fuzz/regressions/$t
corpus=$work/corpus/$t
art=$work/artifacts/$t
log=$work/logs/$t.log
mkdir -p "$corpus" "$art" "$work/logs" "$work/results" "$work/tmp/$t"
# The targets' scratch directories (fuzz_util.c's fz_dir) go here too.
TMPDIR=$(cd "$work/tmp/$t" && pwd)
export TMPDIR
dirs=$corpus
[ -d "$seeds" ] && dirs="$dirs $seeds"
[ -d "$regs" ] && dirs="$dirs $regs"
nseeds=$(find "$seeds" -type f 2>/dev/null | wc -l)
nregs=$(find "$regs" -type f 2>/dev/null | wc -l)

# -close_fd_mask=2: the code under test writes to a /dev/null stderr,
# libFuzzer and the sanitizers to the log. -timeout: an input taking 10 s
# is a hang (a finding). Inputs are run with no stdin and no terminal.
common="-close_fd_mask=2 -timeout=10 -rss_limit_mb=2048 -max_len=16384
    -print_final_stats=1 -artifact_prefix=$art/"
t0=$(date +%s)
if [ "$secs" = 0 ]; then
	# shellcheck disable=SC2086
	"$bin" $common -runs=0 $dirs </dev/null >"$log" 2>&1
else
	# shellcheck disable=SC2086
	"$bin" $common -max_total_time="$secs" $dirs </dev/null >"$log" 2>&1
fi
rc=$?
t1=$(date +%s)

stat() {
	sed -n "s/^stat::$1: *\\([0-9]*\\).*/\\1/p" "$log" | tail -n 1
}
execs=$(stat number_of_executed_units)
last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
cov=$(printf '%s\n' "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
ft=$(printf '%s\n' "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
ncorpus=$(find "$corpus" -type f | wc -l)
status=ok
[ "$rc" = 0 ] || status=failed
printf '{"target": "%s", "seconds": %s, "budget": %s, "execs": %s, ' \
    "$t" $((t1 - t0)) "$secs" "${execs:-0}" >"$work/results/$t.json"
printf '"cov": %s, "ft": %s, "seeds": %s, "regressions": %s, ' \
    "${cov:-0}" "${ft:-0}" "$nseeds" "$nregs" >>"$work/results/$t.json"
printf '"new_inputs": %s, "status": "%s"}\n' \
    "$ncorpus" "$status" >>"$work/results/$t.json"

if [ "$status" = ok ]; then
	printf 'fuzz %-18s ok: %s executions in %s s, cov %s\n' "$t" \
	    "${execs:-0}" $((t1 - t0)) "${cov:-?}"
else
	printf 'fuzz %-18s FAILED (exit %s): see %s\n' "$t" "$rc" "$log"
	grep -E 'ERROR|property violated|SUMMARY|Test unit written' \
	    "$log" |
	    head -n 8 | sed 's/^/    /'
fi
exit "$rc"
