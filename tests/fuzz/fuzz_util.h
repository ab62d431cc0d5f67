/*
 * fuzz_util.h - what the libFuzzer targets in tests/fuzz/ share.
 *
 * Each target is one file tests/fuzz/fuzz_NAME.c defining
 * LLVMFuzzerTestOneInput (and, when it needs one-time set-up,
 * LLVMFuzzerInitialize). The helpers below cut an input into NUL-separated
 * parts, hand an input to a parser that only reads files, and catch what
 * the code under test writes to stderr so a target can check it (no
 * secret in any log line) and keep the fuzzer's own output readable.
 *
 * A target finding a violated property calls fz_fail(), which prints why
 * and aborts: libFuzzer then saves the input as a crash. A finding is
 * fixed, and its input kept in tests/fuzz/regressions/TARGET/ (see run.sh).
 */
#ifndef DDNS_FUZZ_UTIL_H
#define DDNS_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* libFuzzer's entry points. */
int	 LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int	 LLVMFuzzerInitialize(int *argc, char ***argv);

/* A cursor over the input, cut at NUL bytes. */
struct fz_in {
	const uint8_t	*p;
	size_t		 n;
};

/* Returns the next byte of in (0 when empty) and moves past it. */
uint8_t		 fz_byte(struct fz_in *in);
/* Copies the bytes up to the next NUL (or the end) into a malloc'd
 * NUL-terminated string and moves past the NUL; NULL when in is empty or
 * out of memory. */
char		*fz_part(struct fz_in *in);

/* Creates the target's scratch directory (under $TMPDIR) once; returns its
 * path. Aborts when it cannot. */
const char	*fz_dir(void);
/* Writes data to the file name in the scratch directory, replacing it;
 * returns its path (static storage). Aborts on failure. */
const char	*fz_file(const char *name, const void *data, size_t len);

/* Sends stderr to a scratch file until fz_capture_end(). */
void		 fz_capture_begin(void);
/* Restores stderr (to /dev/null unless FUZZ_VERBOSE is set) and appends
 * what was written since fz_capture_begin() to out. */
void		 fz_capture_end(struct buf *out);
/* Sends stderr to /dev/null unless FUZZ_VERBOSE is set in the
 * environment (libFuzzer keeps its own copy of the old stderr when run
 * with -close_fd_mask=2; without it, this silences only the code under
 * test and libFuzzer's messages still go through fd 2 -- use the flag). */
void		 fz_quiet(void);

/* Aborts when text holds secret or its percent-encoded form; what names
 * the text ("log"). */
void		 fz_no_secret(const char *text, const char *secret,
		    const char *what);
/* Prints "fuzz: property violated: ..." to the saved stderr and aborts. */
void		 fz_fail(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* Returns 1 when text holds secret or its percent-encoded form. */
int		 fz_has_secret(const char *text, const char *secret);

#endif
