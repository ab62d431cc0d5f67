#!/bin/sh
# san_reports.sh DIR - shows the sanitizer and valgrind reports left in DIR
# by make check-asan (asan.PID, ubsan.PID, written through san_defaults.c)
# or make check-valgrind (vg.PID, one per process, empty when clean), and
# fails when there is any.
#
# A report is any non-empty file: ASan and UBSan write one only for a
# finding, and valgrind --quiet writes nothing for a clean process. Each
# report is printed (at most MAX_LINES lines of it) so a CI log shows the
# finding even when the test that hit it swallowed the program's stderr.
set -u

MAX_LINES=${MAX_LINES:-80}
dir=${1:?usage: san_reports.sh DIR}

if [ ! -d "$dir" ]; then
	echo "san_reports: $dir: no such directory" >&2
	exit 1
fi
n=0
files=0
for f in "$dir"/*; do
	[ -f "$f" ] || continue
	files=$((files + 1))
	[ -s "$f" ] || continue
	n=$((n + 1))
	echo "==== $f"
	head -n "$MAX_LINES" "$f"
	lines=$(wc -l < "$f")
	[ "$lines" -le "$MAX_LINES" ] ||
	    echo "... ($lines lines in all)"
done
echo "san_reports: $dir: $n report(s) from $files log file(s)"
[ "$n" -eq 0 ]
