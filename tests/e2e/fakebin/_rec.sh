# Sourced by the fake tools: rec appends "NAME<TAB>ARG<TAB>ARG..." to
# $FAKE_LOG, one line per call; $FAKE_STATE is the tool's pretend world.
: "${FAKE_LOG:?FAKE_LOG is not set}" "${FAKE_STATE:?FAKE_STATE is not set}"
rec() {
	{
		printf '%s' "${0##*/}"
		for a in "$@"; do printf '\t%s' "$a"; done
		printf '\n'
	} >>"$FAKE_LOG"
}
