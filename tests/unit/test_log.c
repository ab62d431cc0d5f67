/*
 * test_log.c - log.c (levels, journald prefixes, secret masking, control
 * bytes, long lines) and http.c's log-safe URL helpers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http.h"
#include "log.h"
#include "t.h"

static FILE	*cap_fp;
static int	 cap_saved = -1;
static char	 cap_text[16384];

/* Starts sending fd 2 to a temporary file. */
static void
cap_begin(void)
{
	fflush(stderr);
	cap_fp = tmpfile();
	if (cap_fp == NULL) {
		perror("tmpfile");
		exit(1);
	}
	cap_saved = dup(2);
	dup2(fileno(cap_fp), 2);
}

/* Restores fd 2; returns what was written meanwhile (static buffer). */
static const char *
cap_end(void)
{
	size_t n;

	fflush(stderr);
	dup2(cap_saved, 2);
	close(cap_saved);
	rewind(cap_fp);
	n = fread(cap_text, 1, sizeof(cap_text) - 1, cap_fp);
	cap_text[n] = '\0';
	fclose(cap_fp);
	return cap_text;
}

/* Logs one line at each level and returns everything written. */
static const char *
all_levels(void)
{
	cap_begin();
	log_err("E1");
	log_warn("W1");
	log_info("I1");
	log_debug("D1");
	return cap_end();
}

static void
test_levels(void)
{
	unsetenv("JOURNAL_STREAM");
	log_init(-1);
	CHECK_STR(all_levels(), "error: E1\n");
	CHECK(log_enabled(LV_ERR) && !log_enabled(LV_WARN) &&
	    !log_enabled(LV_INFO) && !log_enabled(LV_DEBUG));
	log_init(0);
	CHECK_STR(all_levels(), "error: E1\nwarning: W1\nI1\n");
	CHECK(log_enabled(LV_ERR) && log_enabled(LV_WARN) &&
	    log_enabled(LV_INFO) && !log_enabled(LV_DEBUG));
	log_init(1);
	CHECK_STR(all_levels(), "error: E1\nwarning: W1\nI1\nD1\n");
	CHECK(log_enabled(LV_DEBUG));
}

static void
test_journal(void)
{
	setenv("JOURNAL_STREAM", "8:12345", 1);
	log_init(1);
	CHECK_STR(all_levels(), "<3>E1\n<4>W1\n<6>I1\n<7>D1\n");
	log_init(-1);
	CHECK_STR(all_levels(), "<3>E1\n");
	/* Set but empty: not journald. */
	setenv("JOURNAL_STREAM", "", 1);
	log_init(0);
	CHECK_STR(all_levels(), "error: E1\nwarning: W1\nI1\n");
	unsetenv("JOURNAL_STREAM");
	log_init(0);
}

static void
test_secrets(void)
{
	const char *out;

	log_init(0);
	log_secret("s3cr3t/+x");
	log_secret("");			/* ignored */
	log_secret(NULL);		/* ignored */
	log_secret("s3cr3t/+x");	/* twice is fine */
	cap_begin();
	log_info("a s3cr3t/+x b s3cr3t%%2F%%2Bx c s3cr3t/+xs3cr3t/+x.");
	log_err("token=%s", "s3cr3t/+x");
	out = cap_end();
	CHECK_STR(out, "a *** b *** c ******.\nerror: token=***\n");
	CHECK(strstr(out, "s3cr3t") == NULL);

	/* Several secrets; one inside an URL. */
	log_secret("AKID-1234567890");
	cap_begin();
	log_debug("hidden");
	log_warn("https://x/?id=AKID-1234567890&k=s3cr3t%%2F%%2Bx");
	out = cap_end();
	CHECK_STR(out, "warning: https://x/?id=***&k=***\n");

	/* Forgotten secrets show again. */
	log_forget_secrets();
	cap_begin();
	log_info("s3cr3t/+x");
	out = cap_end();
	CHECK_STR(out, "s3cr3t/+x\n");
}

/*
 * Masking works with the secret adjacent to other text and repeated (the
 * old in-place masking wrote past the secret and stopped at the first hit);
 * strings shorter than 4 bytes are not treated as secrets at all.
 */
static void
test_short_secret(void)
{
	const char *out;

	log_init(0);
	log_secret("q7w8");
	log_secret("x");
	cap_begin();
	log_info("pw q7w8 and q7w8q7w8, box");
	out = cap_end();
	CHECK_STR(out, "pw *** and ******, box\n");
	log_forget_secrets();
}

/*
 * Regression test (was a bug): a secret that straddles the LOG_LINE_MAX cut is not masked: the line
 * is truncated by vsnprintf (src/log.c:126) before mask_secrets() runs, so
 * the secret's first bytes are printed.
 */
static void
test_secret_at_cut(void)
{
	char		 filler[2041];
	const char	*out;

	memset(filler, 'f', sizeof(filler) - 1);
	filler[sizeof(filler) - 1] = '\0';
	log_init(0);
	log_secret("TOPSECRETVALUE-0123456789");
	cap_begin();
	log_info("%s%s", filler, "TOPSECRETVALUE-0123456789");
	out = cap_end();
	CHECK(strstr(out, "TOPS") == NULL);	/* regression */
	log_forget_secrets();
}

static void
test_control(void)
{
	char		 out[16];
	const char	*s;

	log_init(0);
	cap_begin();
	log_info("a\tb\nc\rd\x1b[31me\x7f" "f \xc3\xa9");
	s = cap_end();
	CHECK_STR(s, "a?b?c?d?[31me?f \xc3\xa9\n");

	/* log_clean: caps, takes len bytes (NULs included), terminates. */
	log_clean(out, 5, "abcdefgh", 8);
	CHECK_STR(out, "abcd");
	log_clean(out, sizeof(out), "ab\0cd", 5);
	CHECK_STR(out, "ab?cd");
	log_clean(out, sizeof(out), "abcdef", 2);
	CHECK_STR(out, "ab");
	memset(out, 'x', sizeof(out));
	log_clean(out, 0, "abc", 3);		/* n == 0 writes nothing */
	CHECK(out[0] == 'x');
	log_clean(out, 1, "abc", 3);
	CHECK_STR(out, "");
}

static void
test_long_line(void)
{
	static char	 big[10000];
	const char	*out;
	size_t		 len;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_init(0);
	cap_begin();
	log_info("%s", big);
	log_info("%s%s", big, big);
	log_info("next");
	out = cap_end();
	len = strlen(out);
	/* Two lines cut to the same bounded length, then the next line. */
	CHECK(len > 2 * 1000 && len < 2 * 4096 + 6);
	CHECK(len >= 5 && strcmp(out + len - 5, "next\n") == 0);
	CHECK(strchr(out, '\n') != NULL &&
	    (size_t)(strchr(out, '\n') - out) < 4096);
	CHECK(strspn(out, "x") == (size_t)(strchr(out, '\n') - out));
	CHECK(strspn(out, "x") * 2 + 2 + 5 == len);
}

/* Returns http_url_for_log's text for url (static buffer). */
static const char *
url_log(const char *url)
{
	static char out[256];

	memset(out, '#', sizeof(out));
	http_url_for_log(url, out, sizeof(out));
	return out;
}

static void
test_url_for_log(void)
{
	char small[10];

	CHECK_STR(url_log("https://user:pw@host:8443/p/a?token=x#f"),
	    "https://host:8443/p/a");
	CHECK_STR(url_log("http://h/x#frag"), "http://h/x");
	CHECK_STR(url_log("https://host?key=1"), "https://host");
	CHECK_STR(url_log("https://u@h"), "https://h");
	CHECK_STR(url_log("https://h/p?q=a@b"), "https://h/p");
	CHECK_STR(url_log("https://h/a@b/c"), "https://h/a@b/c");
	CHECK_STR(url_log("https://[::1]:8443/x?y"), "https://[::1]:8443/x");
	CHECK_STR(url_log("HTTPS://h/"), "HTTPS://h/");
	CHECK_STR(url_log("no-scheme"), "(invalid URL)");
	memset(small, '#', sizeof(small));
	http_url_for_log("https://hostname/path", small, sizeof(small));
	CHECK_STR(small, "https://h");
}

/*
 * Regression test (was a bug): http_url_for_log (src/http.c:378) ends the userinfo at the FIRST
 * '@', so an unencoded '@' in a password leaves the rest of it in the
 * message. URL parsers (WHATWG) take the last '@' before the path.
 */
static void
test_url_for_log_at(void)
{
	CHECK_STR(url_log("https://u:p@ss@h.example/x"), "https://h.example/x");
}

static void
test_is_https(void)
{
	CHECK(http_is_https("https://a") == 1);
	CHECK(http_is_https("HTTPS://a") == 1);
	CHECK(http_is_https("HtTpS://a") == 1);
	CHECK(http_is_https("http://a") == 0);
	CHECK(http_is_https("https:/a") == 0);
	CHECK(http_is_https("https") == 0);
	CHECK(http_is_https("") == 0);
	CHECK(http_is_https(" https://a") == 0);
}

int
main(void)
{
	test_levels();
	test_journal();
	test_secrets();
	test_short_secret();
	test_secret_at_cut();
	test_control();
	test_long_line();
	test_url_for_log();
	test_url_for_log_at();
	test_is_https();
	T_END("test_log");
}
