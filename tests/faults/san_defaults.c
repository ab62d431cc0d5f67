/*
 * san_defaults.c - the sanitizer options built into the check-asan binaries
 * (linked through LIBS by mk/hardening.mk; never part of a normal build).
 *
 * The end-to-end tests run the binary with a cleaned environment, so
 * ASAN_OPTIONS cannot reach it; these defaults can. A finding exits with
 * status 23 (which no test expects: the run's own codes are 0, 1 and 2),
 * leaks count as findings, and every report is also written under
 * SAN_REPORTS so make check-asan can show and count them at the end even
 * when a test swallowed the binary's stderr.
 */
#ifndef SAN_REPORTS
#error "build with -DSAN_REPORTS='\"/abs/dir\"'"
#endif

const char	*__asan_default_options(void);
const char	*__ubsan_default_options(void);
const char	*__lsan_default_options(void);

/* Returns ASan's options (LeakSanitizer's come with them). */
const char *
__asan_default_options(void)
{
	return "exitcode=23:detect_leaks=1:abort_on_error=0:"
	    "strict_string_checks=1:check_initialization_order=1:"
	    "detect_stack_use_after_return=1:print_summary=1:"
	    "log_path=" SAN_REPORTS "/asan";
}

/* Returns UBSan's options: stop at the first finding, with a stack. */
const char *
__ubsan_default_options(void)
{
	return "exitcode=23:halt_on_error=1:print_stacktrace=1:"
	    "log_path=" SAN_REPORTS "/ubsan";
}

/* Returns LeakSanitizer's options. */
const char *
__lsan_default_options(void)
{
	return "exitcode=23:report_objects=1";
}
