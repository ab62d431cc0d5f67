#!/bin/sh
# run-wine.sh PREFIXDIR TEST.exe... - runs Windows unit-test programs under
# Wine (in the private prefix PREFIXDIR) from the top of the tree, each
# bounded in time, and prints the totals like tests/unit/run.sh. Fails when
# any test fails, crashes, hangs or prints no "NAME: N passed, N failed"
# line. With WINE set to empty (on Windows itself) the programs run as is.
set -u
prefix=$1
shift
: "${WINE=wine}"
: "${WIN_TEST_TIMEOUT:=180}"	# seconds per test program

to=
if command -v timeout >/dev/null 2>&1; then
	to="timeout -k 5"
fi

# A private prefix, no display, no Mono/Gecko installer, no debug noise;
# the first start creates the prefix (half a minute or so).
start_wine() {
	WINEPREFIX=$(mkdir -p "$prefix" && cd "$prefix" && pwd)
	WINEDEBUG=-all
	WINEDLLOVERRIDES="mscoree,mshtml="
	DISPLAY=
	export WINEPREFIX WINEDEBUG WINEDLLOVERRIDES DISPLAY
	unset WAYLAND_DISPLAY || :
	if ! command -v "$WINE" >/dev/null 2>&1; then
		echo "windows-check: $WINE not found (apt-get install wine)" >&2
		exit 1
	fi
	[ -f "$WINEPREFIX/system.reg" ] && return 0
	echo "windows-check: creating the Wine prefix $WINEPREFIX"
	if ! ${to:+$to 300} "$WINE" wineboot -i >"$WINEPREFIX.log" 2>&1; then
		echo "windows-check: wineboot failed; see $WINEPREFIX.log" >&2
		exit 1
	fi
}

[ -z "$WINE" ] || start_wine
pass=0 fail=0 status=0
for t in "$@"; do
	out=$(${to:+$to $WIN_TEST_TIMEOUT} $WINE "$t" 2>&1)
	rc=$?
	out=$(printf '%s\n' "$out" | tr -d '\r')
	printf '%s\n' "$out"
	line=$(printf '%s\n' "$out" | grep -E \
	    '^[A-Za-z0-9_.-]+: [0-9]+ passed, [0-9]+ failed$' | tail -n 1)
	if [ -z "$line" ]; then
		echo "$t: no result line (crashed or timed out?)"
		fail=$((fail + 1)) status=1
		continue
	fi
	p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed$/\1/')
	pass=$((pass + p)) fail=$((fail + f))
	[ "$f" -eq 0 ] && [ "$rc" -eq 0 ] || status=1
done
[ -z "$WINE" ] || "${WINESERVER:-wineserver}" -k >/dev/null 2>&1 || :
echo "windows: $pass passed, $fail failed"
exit $status
