/*
 * test_config.c - config.c: good files give the right struct, bad files
 * give one precise "FILE:LINE: [section] key: ..." error each, all of
 * them in one pass. Provider keys come from the real provider table.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "log.h"
#include "provider.h"
#include "t.h"

static char	 tmpdir[64];
static char	 cpath[256];		/* the config file under test */
static char	 msgs[32768];		/* what config_load wrote on stderr */
static FILE	*cap_fp;
static int	 cap_saved = -1;

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

/* Restores fd 2 and leaves what was written meanwhile in msgs. */
static void
cap_end(void)
{
	size_t n;

	fflush(stderr);
	dup2(cap_saved, 2);
	close(cap_saved);
	rewind(cap_fp);
	n = fread(msgs, 1, sizeof(msgs) - 1, cap_fp);
	msgs[n] = '\0';
	fclose(cap_fp);
}

/* Returns tmpdir/rel (one of four static buffers, reused in turn). */
static const char *
tpath(const char *rel)
{
	static char	 bufs[4][256];
	static int	 i;

	i = (i + 1) % 4;
	snprintf(bufs[i], sizeof(bufs[i]), "%s/%s", tmpdir, rel);
	return bufs[i];
}

/* Writes len bytes to path with mode; exits on failure. */
static void
write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0 ||
	    chmod(path, mode) != 0) {
		perror(path);
		exit(1);
	}
}

/* Writes text as the config (mode given) and loads it into c. */
static int
load_mode(struct config *c, const char *text, size_t len, mode_t mode)
{
	int rc;

	log_forget_secrets();	/* a load registers its secrets for masking */
	snprintf(cpath, sizeof(cpath), "%s", tpath("c.ini"));
	write_file(cpath, text, len, mode);
	cap_begin();
	rc = config_load(c, cpath);
	cap_end();
	return rc;
}

/* Loads a text config with mode 0600. */
static int
load(struct config *c, const char *text)
{
	return load_mode(c, text, strlen(text), 0600);
}

/*
 * Loads "[general]\n<gen>\n[home]\nprovider = cloudflare\ntoken = t0k3n\n
 * records = home.example.com\n<acct>\n": gen is line 2, acct line 7.
 */
static int
load2(struct config *c, const char *gen, const char *acct)
{
	char text[4096];

	snprintf(text, sizeof(text), "[general]\n%s\n[home]\nprovider = "
	    "cloudflare\ntoken = t0k3n\nrecords = home.example.com\n%s\n",
	    gen, acct);
	return load(c, text);
}

/* Returns 1 when an error "cpath:line: what" was written; else shows all. */
static int
has(int line, const char *what)
{
	char want[1024];

	snprintf(want, sizeof(want), "error: %s:%d: %s", cpath, line, what);
	if (strstr(msgs, want) != NULL)
		return 1;
	fprintf(stderr, "  wanted: %s\n  got:\n%s", want, msgs);
	return 0;
}

/* Returns the number of lines written at error level. */
static int
nerr(void)
{
	const char	*p = msgs;
	int		 n = 0;

	while (*p) {
		if (strncmp(p, "error: ", 7) == 0)
			n++;
		p = strchr(p, '\n');
		if (p == NULL)
			break;
		p++;
	}
	return n;
}

/* Shows msgs when an unexpected number of errors was reported. */
static int
nerr_is(int want)
{
	int n = nerr();

	if (n != want)
		fprintf(stderr, "  %d errors, want %d:\n%s", n, want, msgs);
	return n == want;
}

/* Returns the loaded account named label, or NULL. */
static const struct account *
acct(const struct config *c, const char *label)
{
	size_t i;

	for (i = 0; i < c->naccts; i++)
		if (c->accts[i].label && strcmp(c->accts[i].label, label) == 0)
			return &c->accts[i];
	return NULL;
}

static const char good_text[] =
	"[general]\n"					/* 1 */
	"timeout = 30\n"
	"refresh = 12h\n"
	"allow_private = yes\n"
	"state_file = /var/tmp/ddns-t/state.ini\n"	/* 5 */
	"ipv4 = https://a.example/ip iface:eth0\n"
	"ipv6 = https://b.example/ip\n"
	"\n"
	"; a comment\n"
	"[home]  ; the account\n"			/* 10 */
	"provider = cloudflare\n"
	"token = t0k3n-Secret_1\n"
	"records = Home.Example.COM. nas.example.com\n"
	"type = A AAAA\n"
	"ttl = 300\n"					/* 15 */
	"zone = example.com\n"
	"zone_id = 023e105f4ecef8ad9ca31a8372d0c353\n"
	"proxied = yes\n"
	"endpoint = https://api.test/client/v4\n";

/* Checks every field good_text sets. */
static void
check_good(const struct config *c)
{
	const struct account *a;

	CHECK(c->timeout_ms == 30000);
	CHECK(c->refresh == 43200);
	CHECK(c->allow_private == 1);
	CHECK_STR(c->state_file, "/var/tmp/ddns-t/state.ini");
	CHECK(c->ca_file == NULL);
	CHECK(c->v4.n == 2 && c->v4.line == 6);
	if (c->v4.n == 2) {
		CHECK_STR(c->v4.src[0], "https://a.example/ip");
		CHECK_STR(c->v4.src[1], "iface:eth0");
	}
	CHECK(c->v6.n == 1 && c->v6.line == 7);
	if (c->v6.n == 1)
		CHECK_STR(c->v6.src[0], "https://b.example/ip");
	CHECK(c->naccts == 1);
	CHECK(c->fams_used == (FAM_V4 | FAM_V6));
	a = acct(c, "home");
	CHECK(a != NULL);
	if (a == NULL)
		return;
	CHECK(a->line == 10);
	CHECK(a->prov != NULL && a->prov == provider_find("cloudflare"));
	CHECK(a->file != NULL && strcmp(a->file, cpath) == 0);
	CHECK(a->nrecords == 2);
	if (a->nrecords == 2) {
		CHECK_STR(a->records[0], "home.example.com");
		CHECK_STR(a->records[1], "nas.example.com");
	}
	CHECK(a->fams == (FAM_V4 | FAM_V6));
	CHECK(a->ttl == 300);
	CHECK_STR(a->endpoint, "https://api.test/client/v4");
	CHECK(a->insecure_http == 0);
	CHECK_STR(acct_get(a, "token"), "t0k3n-Secret_1");
	CHECK_STR(acct_get(a, "zone"), "example.com");
	CHECK_STR(acct_get(a, "zone_id"), "023e105f4ecef8ad9ca31a8372d0c353");
	CHECK_STR(acct_get(a, "proxied"), "yes");
	CHECK(acct_get(a, "nope") == NULL);
	CHECK(kv_find(&a->keys, "ttl") != NULL &&
	    kv_find(&a->keys, "ttl")->line == 15);
	CHECK(kv_find(&a->keys, "token") != NULL &&
	    kv_find(&a->keys, "token")->line == 12);
}

static void
test_good(void)
{
	struct config c;

	CHECK(load(&c, good_text) == 0);
	CHECK_STR(msgs, "");
	check_good(&c);
	config_free(&c);
	CHECK(c.naccts == 0 && c.accts == NULL && c.path == NULL);
}

/* The token is registered as a secret: later log lines mask it. */
static void
test_token_masked(void)
{
	struct config c;

	log_forget_secrets();
	CHECK(load(&c, good_text) == 0);
	cap_begin();
	log_info("Bearer t0k3n-Secret_1");
	cap_end();
	CHECK_STR(msgs, "Bearer ***\n");
	config_free(&c);
	log_forget_secrets();
}

/* A CRLF file gives exactly what the LF file gives. */
static void
test_crlf(void)
{
	struct config	 c;
	struct buf	 b = BUF_INIT(0);
	const char	*p;

	for (p = good_text; *p; p++)
		if (*p == '\n')
			buf_adds(&b, "\r\n");
		else
			buf_add(&b, p, 1);
	CHECK(load_mode(&c, b.data, b.len, 0600) == 0);
	CHECK_STR(msgs, "");
	check_good(&c);
	config_free(&c);
	buf_free(&b);

	/* Continuation lines and errors in CRLF files too. */
	CHECK(load(&c, "[general]\r\nipv6 = off\r\n[home]\r\nprovider = "
	    "cloudflare\r\ntoken = t0k3n\r\nrecords = a.example.com\r\n"
	    "  b.example.com\r\nttl = x\r\n") == -1);
	CHECK(has(8, "[home] ttl: \"x\" is not a number"));
	CHECK(nerr_is(1));
	CHECK(c.naccts == 1 && c.accts[0].nrecords == 2);
	if (c.naccts == 1 && c.accts[0].nrecords == 2)
		CHECK_STR(c.accts[0].records[1], "b.example.com");
	config_free(&c);
}

static void
test_bom(void)
{
	struct config c;

	CHECK(load(&c, "\xEF\xBB\xBF[general]\nipv6 = off\n[home]\nprovider = "
	    "cloudflare\ntoken = t0k3n\nrecords = a.example.com\n") == 0);
	CHECK_STR(msgs, "");
	CHECK(c.naccts == 1 && c.v6.n == 0);
	config_free(&c);
	/* A BOM right before the first account's header. */
	CHECK(load(&c, "\xEF\xBB\xBF[home]\nprovider = cloudflare\ntoken = t0k3n\n"
	    "records = a.example.com\n") == 0);
	CHECK_STR(msgs, "");
	CHECK(acct(&c, "home") != NULL);
	config_free(&c);
}

static void
test_defaults(void)
{
	static const char text[] = "[home]\nprovider = cloudflare\n"
	    "token = t0k3n\nrecords = a.example.com\n";
	struct config	 c;
	char		 want[256];

	setenv("STATE_DIRECTORY", "/run/ddns-t:/run/other", 1);
	CHECK(load(&c, text) == 0);
	CHECK_STR(msgs, "");
	CHECK(c.timeout_ms == 10000);
	CHECK(c.refresh == 86400);
	CHECK(c.allow_private == 0);
	CHECK(c.v4.n >= 1 && c.v6.n >= 1);
	if (c.v4.n >= 1 && c.v6.n >= 1) {
		CHECK_STR(c.v4.src[0], "https://api.ipify.org");
		CHECK_STR(c.v6.src[0], "https://api6.ipify.org");
	}
	CHECK(c.v4.line == 0 && c.v6.line == 0);
	CHECK_STR(c.state_file, "/run/ddns-t/state.ini");
	CHECK(c.accts[0].ttl == -1 && c.accts[0].endpoint == NULL);
	CHECK(c.accts[0].fams == FAM_V4);
	config_free(&c);

	unsetenv("STATE_DIRECTORY");
	setenv("XDG_STATE_HOME", "/tmp/xdg-ddns-t", 1);
	CHECK(load(&c, text) == 0);
	if (geteuid() == 0)
		snprintf(want, sizeof(want), "/var/lib/ddns-update/state.ini");
	else
		snprintf(want, sizeof(want),
		    "/tmp/xdg-ddns-t/ddns-update/state.ini");
	CHECK_STR(c.state_file, want);
	config_free(&c);
	unsetenv("XDG_STATE_HOME");
}

static void
test_unknown_keys(void)
{
	struct config c;

	CHECK(load(&c,
	    "[general]\n"				/* 1 */
	    "ipv6 = off\n"
	    "colour = blue\n"
	    "token = t0k3n\n"
	    "[home]\n"					/* 5 */
	    "provider = cloudflare\n"
	    "token = t0k3n\n"
	    "records = a.example.com\n"
	    "proxy = yes\n"
	    "colour_file = /x\n"			/* 10 */
	    "zone_file_x = 1\n") == -1);
	CHECK(has(3, "[general] colour: unknown key"));
	CHECK(has(4, "[general] token: unknown key"));
	CHECK(has(9, "[home] proxy: unknown key"));
	CHECK(has(10, "[home] colour_file: unknown key"));
	CHECK(has(11, "[home] zone_file_x: unknown key"));
	CHECK(nerr_is(5));
	config_free(&c);
}

static void
test_sections(void)
{
	struct config c;

	CHECK(load(&c,
	    "[general]\n"				/* 1 */
	    "ipv6 = off\n"
	    "[a]\n"
	    "provider = route66\n"
	    "token = t0k3n\n"				/* 5 */
	    "[b]\n"
	    "records = a.example.com\n") == -1);
	CHECK(has(4, "[a] provider: unknown provider \"route66\""));
	CHECK(has(6, "[b]: no provider"));
	CHECK(nerr_is(2));
	config_free(&c);

	CHECK(load(&c,
	    "[general]\n"				/* 1 */
	    "ipv6 = off\n"
	    "[home]\n"
	    "provider = cloudflare\n"
	    "token = t0k3n\n"				/* 5 */
	    "records = a.example.com\n"
	    "ttl = 60\n"
	    "ttl = 120\n"
	    "[general]\n"
	    "timeout = 5\n") == -1);			/* 10 */
	CHECK(has(8, "[home] ttl: key repeated (first at line 7)"));
	CHECK(has(9, "[general]: section repeated (first at line 1)"));
	config_free(&c);

	CHECK(load(&c, "[general]\nipv6 = off\n[my home]\nprovider = "
	    "cloudflare\n[ok]\nprovider = cloudflare\ntoken = t0k3n\nrecords = "
	    "a.example.com\n[h\xc3\xa9]\n") == -1);
	CHECK(has(3, "[my home]: a section name may hold only letters"));
	CHECK(has(9, "[h\xc3\xa9]: a section name may hold only letters"));
	config_free(&c);

	/* A key before any section; no provider section at all. */
	CHECK(load(&c, "ttl = 5\n[general]\nipv6 = off\n") == -1);
	CHECK(has(1, "ttl: key outside of any section"));
	CHECK(has(3, "no provider section"));
	CHECK(nerr_is(2));
	config_free(&c);

	/* An unreadable file. */
	cap_begin();
	CHECK(config_load(&c, tpath("no-such.ini")) == -1);
	cap_end();
	CHECK(strstr(msgs, "no-such.ini: cannot read config") != NULL);
	config_free(&c);
}

/*
 * Regression test (was a bug): read_line() trims blanks inside "[ home ]" when it records the
 * section (src/config.c:151-158) but inih passes " home " to handle_kv(),
 * which then finds no such section: every key is reported as "outside of
 * any section" and the account as having no provider. Either both should
 * trim (accept it as [home]) or the header should get one clear error.
 */
static void
test_section_blanks(void)
{
	struct config c;

	CHECK(load(&c, "[general]\nipv6 = off\n[ home ]\nprovider = "
	    "cloudflare\ntoken = t0k3n\nrecords = a.example.com\n") == 0);
	CHECK(nerr_is(0));				/* regression */
	config_free(&c);
}

static void
test_types(void)
{
	struct config c;

	CHECK(load2(&c, "ipv6 = off", "type = MX") == -1);
	CHECK(has(7, "[home] type: \"MX\" is not A, AAAA or \"A AAAA\""));
	CHECK(nerr_is(1));
	config_free(&c);
	CHECK(load2(&c, "", "type = A A") == -1);
	CHECK(has(7, "[home] type: \"A A\" is not A"));
	config_free(&c);
	CHECK(load2(&c, "ipv6 = off", "type = aaaa") == -1);
	CHECK(has(7, "[home] type: AAAA records need IPv6, but [general] "
	    "ipv6 is off"));
	CHECK(nerr_is(1));
	config_free(&c);
	/* No type: A, reported at the header when ipv4 is off. */
	CHECK(load2(&c, "ipv4 = off", "") == -1);
	CHECK(has(3, "[home] type: A records need IPv4"));
	config_free(&c);
	CHECK(load2(&c, "ipv4 = off", "type = AAAA") == 0);
	CHECK(c.naccts == 1 && c.accts[0].fams == FAM_V6);
	CHECK(c.fams_used == FAM_V6 && c.v4.n == 0);
	config_free(&c);
	CHECK(load2(&c, "", "type = AAAA   a") == 0);
	CHECK(c.naccts == 1 && c.accts[0].fams == (FAM_V4 | FAM_V6));
	config_free(&c);
}

static void
test_token(void)
{
	struct config c;

	CHECK(load(&c, "[general]\nipv6 = off\n[home]\nprovider = cloudflare\n"
	    "records = a.example.com\n") == -1);
	CHECK(has(3, "[home] token: missing (required by provider "
	    "cloudflare)"));
	CHECK(nerr_is(1));
	config_free(&c);

	CHECK(load(&c, "[general]\nipv6 = off\n[home]\nprovider = cloudflare\n"
	    "records = a.example.com\ntoken =\n") == -1);
	CHECK(has(6, "[home] token: empty"));
	CHECK(nerr_is(1));
	config_free(&c);

	setenv("DDNS_T_EMPTY", "", 1);
	CHECK(load(&c, "[general]\nipv6 = off\n[home]\nprovider = cloudflare\n"
	    "records = a.example.com\ntoken = ${DDNS_T_EMPTY}\n") == -1);
	CHECK(has(6, "[home] token: empty"));
	config_free(&c);

	/* Cloudflare's own check: a token with a space. */
	CHECK(load(&c, "[general]\nipv6 = off\n[home]\nprovider = cloudflare\n"
	    "records = a.example.com\ntoken = a b\n") == -1);
	CHECK(has(6, "[home] token: contains spaces"));
	config_free(&c);
}

static void
test_expand(void)
{
	struct config		 c;
	const struct account	*a;

	unsetenv("DDNS_T_UNSET");
	setenv("DDNS_T_TOKEN", "tok-from-env", 1);
	setenv("DDNS_T_A", "x", 1);
	setenv("DDNS_T_REC", "Env.Example.com b.example.com", 1);

	CHECK(load2(&c, "ipv6 = off", "zone = ${DDNS_T_UNSET}") == -1);
	CHECK(has(7, "[home] zone: environment variable DDNS_T_UNSET is not "
	    "set"));
	CHECK(nerr_is(1));
	config_free(&c);

	CHECK(load(&c, "[general]\nipv6 = off\n[home]\nprovider = cloudflare\n"
	    "records = a.example.com\ntoken = ${DDNS_T_UNSET}\n") == -1);
	CHECK(has(6, "[home] token: environment variable DDNS_T_UNSET is not "
	    "set"));
	CHECK(nerr_is(1));				/* not also "missing" */
	config_free(&c);

	CHECK(load(&c, "[general]\nipv6 = off\n[home]\nprovider = cloudflare\n"
	    "token = ${DDNS_T_TOKEN}\nrecords = ${DDNS_T_REC}\n"
	    "zone = pre-${DDNS_T_A}-${DDNS_T_A}$${DDNS_T_A}$$x$\n") == 0);
	CHECK_STR(msgs, "");
	a = acct(&c, "home");
	CHECK(a != NULL);
	if (a) {
		CHECK_STR(acct_get(a, "token"), "tok-from-env");
		CHECK_STR(acct_get(a, "zone"), "pre-x-x${DDNS_T_A}$$x$");
		CHECK(a->nrecords == 2);
		if (a->nrecords == 2)
			CHECK_STR(a->records[0], "env.example.com");
	}
	config_free(&c);

	CHECK(load2(&c, "ipv6 = off", "zone = a${DDNS_T_A") == -1);
	CHECK(has(7, "[home] zone: malformed ${...}"));
	config_free(&c);
	CHECK(load2(&c, "ipv6 = off", "zone = ${}") == -1);
	CHECK(has(7, "[home] zone: malformed ${...}"));
	config_free(&c);
	/* Found by fuzz_config: an empty state_file was taken as is. */
	CHECK(load2(&c, "state_file =", "") == -1);
	CHECK(has(2, "[general] state_file: empty"));
	config_free(&c);
	/* [general] values expand too. */
	setenv("DDNS_T_TIMEOUT", "42", 1);
	CHECK(load2(&c, "timeout = ${DDNS_T_TIMEOUT}", "") == 0);
	CHECK(c.timeout_ms == 42000);
	config_free(&c);
}

/*
 * Regression test (was a bug): config.h promises every value has had ${VAR} expanded, but
 * load_account() looks the provider up by the raw value (src/config.c:685
 * and 697), so "provider = ${P}" is "unknown provider \"${P}\"".
 */
static void
test_expand_provider(void)
{
	struct config c;

	setenv("DDNS_T_PROV", "cloudflare", 1);
	CHECK(load(&c, "[general]\nipv6 = off\n[home]\nprovider = "
	    "${DDNS_T_PROV}\ntoken = t0k3n\nrecords = a.example.com\n") == 0);
	CHECK(nerr_is(0));				/* regression */
	config_free(&c);

	/* Found by fuzz_config: a provider naming an unset variable leaked
	 * the half-expanded name (LeakSanitizer, make check-asan). */
	unsetenv("DDNS_T_UNSET");
	CHECK(load(&c, "[general]\nipv6 = off\n[home]\nprovider = "
	    "cloud${DDNS_T_UNSET}\ntoken = t0k3n\nrecords = a.example.com\n")
	    == -1);
	CHECK(has(4, "[home] provider: environment variable DDNS_T_UNSET is "
	    "not set"));
	config_free(&c);
}

static void
test_token_file(void)
{
	static const char *const bodies[] = {
		"tok-file", "tok-file\n", "tok-file\r\n", "tok-file\n\n\r\n",
	};
	struct config	 c;
	char		 text[1024], *big;
	size_t		 i;

	setenv("DDNS_T_DIR", tmpdir, 1);
	for (i = 0; i < 4; i++) {
		write_file(tpath("tok"), bodies[i], strlen(bodies[i]), 0600);
		CHECK(load(&c, "[general]\nipv6 = off\n[home]\nprovider = "
		    "cloudflare\nrecords = a.example.com\ntoken_file = "
		    "${DDNS_T_DIR}/tok\n") == 0);
		CHECK_STR(msgs, "");
		CHECK(c.naccts == 1 &&
		    acct_get(&c.accts[0], "token") != NULL);
		if (c.naccts == 1 && acct_get(&c.accts[0], "token"))
			CHECK_STR(acct_get(&c.accts[0], "token"), "tok-file");
		config_free(&c);
	}

	/* Any key may come from a file: zone_file, records_file. */
	write_file(tpath("zone"), "example.net\n", 12, 0644);
	write_file(tpath("recs"), "a.example.net\nb.example.net\n", 28, 0644);
	snprintf(text, sizeof(text), "[general]\nipv6 = off\n[home]\nprovider "
	    "= cloudflare\ntoken = t0k3n\nrecords_file = %s\nzone_file = %s\n",
	    tpath("recs"), tpath("zone"));
	CHECK(load(&c, text) == 0);
	CHECK(c.naccts == 1 && c.accts[0].nrecords == 2);
	if (c.naccts == 1) {
		CHECK_STR(acct_get(&c.accts[0], "zone"), "example.net");
		CHECK(acct_get(&c.accts[0], "zone_file") == NULL);
	}
	config_free(&c);

	/* Both token and token_file. */
	CHECK(load(&c, "[general]\nipv6 = off\n[home]\nprovider = cloudflare\n"
	    "records = a.example.com\ntoken = t0k3n\ntoken_file = ${DDNS_T_DIR}/tok"
	    "\n") == -1);
	CHECK(has(7, "[home] token_file: both token and token_file are set"));
	CHECK(nerr_is(1));
	config_free(&c);

	/* A missing file: one error, naming the path. */
	snprintf(text, sizeof(text), "[general]\nipv6 = off\n[home]\nprovider "
	    "= cloudflare\nrecords = a.example.com\ntoken_file = %s\n",
	    tpath("absent"));
	CHECK(load(&c, text) == -1);
	snprintf(text, sizeof(text), "[home] token_file: cannot read %s: ",
	    tpath("absent"));
	CHECK(has(6, text));
	CHECK(nerr_is(1));
	config_free(&c);

	/* Found by fuzz_config: the path is named as written, so what an
	 * environment variable held (a token, by mistake) is not shown. */
	setenv("DDNS_T_TOKEN", "tok-from-env", 1);
	CHECK(load(&c, "[general]\nipv6 = off\n[home]\nprovider = "
	    "cloudflare\nrecords = a.example.com\ntoken_file = "
	    "${DDNS_T_TOKEN}\n") == -1);
	CHECK(has(6, "[home] token_file: cannot read ${DDNS_T_TOKEN}: "));
	CHECK(strstr(msgs, "tok-from-env") == NULL);
	config_free(&c);

	/* Too large: 65537 bytes; 65536 is fine. */
	big = malloc(65537);
	if (big == NULL)
		return;
	memset(big, 'k', 65537);
	write_file(tpath("big"), big, 65537, 0600);
	write_file(tpath("max"), big, 65536, 0600);
	free(big);
	snprintf(text, sizeof(text), "[general]\nipv6 = off\n[home]\nprovider "
	    "= cloudflare\nrecords = a.example.com\ntoken_file = %s\n",
	    tpath("big"));
	CHECK(load(&c, text) == -1);
	CHECK(has(6, "[home] token_file: "));
	CHECK(strstr(msgs, "is larger than 65536 bytes") != NULL);
	CHECK(nerr_is(1));
	config_free(&c);
	snprintf(text, sizeof(text), "[general]\nipv6 = off\n[home]\nprovider "
	    "= cloudflare\nrecords = a.example.com\ntoken_file = %s\n",
	    tpath("max"));
	CHECK(load(&c, text) == 0);
	CHECK(c.naccts == 1 && acct_get(&c.accts[0], "token") != NULL &&
	    strlen(acct_get(&c.accts[0], "token")) == 65536);
	config_free(&c);

	/* A NUL byte would cut the secret short: refused. */
	write_file(tpath("nul"), "ab\0cd\n", 6, 0600);
	snprintf(text, sizeof(text), "[general]\nipv6 = off\n[home]\nprovider "
	    "= cloudflare\nrecords = a.example.com\ntoken_file = %s\n",
	    tpath("nul"));
	CHECK(load(&c, text) == -1);
	CHECK(strstr(msgs, "holds a NUL byte") != NULL);
	config_free(&c);
}

/* Loads with one [general] line; checks the error names key and value. */
static void
bad_general(const char *line, const char *key, const char *val,
    const char *why)
{
	struct config	c;
	char		want[256];

	CHECK(load2(&c, line, "") == -1);
	snprintf(want, sizeof(want), "[general] %s: \"%s\" is not %s", key,
	    val, why);
	CHECK(has(2, want));
	CHECK(nerr_is(1));
	config_free(&c);
}

static void
test_values(void)
{
	static const char *const timeouts[] = {
		"0", "301", "ten", "10s", "-5", "1.5", "99999999999999999999",
	};
	static const char *const refreshes[] = {
		"1w", "-1", "12x", "h", "366d", "1.5h", "12 h",
	};
	static const char *const ttls[] = { "0", "abc", "604801", "1.5", "-1" };
	struct config	c;
	char		line[128], want[256];
	size_t		i;

	for (i = 0; i < sizeof(timeouts) / sizeof(timeouts[0]); i++) {
		snprintf(line, sizeof(line), "timeout = %s", timeouts[i]);
		bad_general(line, "timeout", timeouts[i],
		    "a number of seconds from 1 to 300");
	}
	bad_general("timeout =", "timeout", "",
	    "a number of seconds from 1 to 300");
	for (i = 0; i < sizeof(refreshes) / sizeof(refreshes[0]); i++) {
		snprintf(line, sizeof(line), "refresh = %s", refreshes[i]);
		bad_general(line, "refresh", refreshes[i], "a duration");
	}
	bad_general("allow_private = maybe", "allow_private", "maybe",
	    "yes or no");
	for (i = 0; i < sizeof(ttls) / sizeof(ttls[0]); i++) {
		snprintf(line, sizeof(line), "ttl = %s", ttls[i]);
		CHECK(load2(&c, "ipv6 = off", line) == -1);
		snprintf(want, sizeof(want), "[home] ttl: \"%s\" is not a "
		    "number of seconds from 1 to 604800", ttls[i]);
		CHECK(has(7, want));
		CHECK(nerr_is(1));
		config_free(&c);
	}

	/* Good values. */
	CHECK(load2(&c, "timeout = 300", "ttl = 604800") == 0);
	CHECK(c.timeout_ms == 300000 && c.accts[0].ttl == 604800);
	config_free(&c);
	CHECK(load2(&c, "timeout = 1", "ttl = 1") == 0);
	CHECK(c.timeout_ms == 1000 && c.accts[0].ttl == 1);
	config_free(&c);
	CHECK(load2(&c, "refresh = 0", "") == 0 && c.refresh == 0);
	config_free(&c);
	CHECK(load2(&c, "refresh = 90", "") == 0 && c.refresh == 90);
	config_free(&c);
	CHECK(load2(&c, "refresh = 30m", "") == 0 && c.refresh == 1800);
	config_free(&c);
	CHECK(load2(&c, "refresh = 7d", "") == 0 && c.refresh == 604800);
	config_free(&c);
	CHECK(load2(&c, "refresh = 45s", "") == 0 && c.refresh == 45);
	config_free(&c);
	CHECK(load2(&c, "allow_private = no", "") == 0 &&
	    c.allow_private == 0);
	config_free(&c);
	CHECK(load2(&c, "allow_private = TRUE", "") == 0 &&
	    c.allow_private == 1);
	config_free(&c);

	/* ca_file must exist. */
	CHECK(load2(&c, "ca_file = /nonexistent/ca.pem", "") == -1);
	CHECK(has(2, "[general] ca_file: /nonexistent/ca.pem: no such file"));
	config_free(&c);
}

static void
test_endpoint(void)
{
	struct config	c;
	char		text[512];

	CHECK(load2(&c, "ipv6 = off", "endpoint = http://127.0.0.1:8080/v4")
	    == -1);
	CHECK(has(7, "[home] endpoint: plain http:// would send credentials "
	    "unencrypted"));
	CHECK(nerr_is(1));
	config_free(&c);

	snprintf(text, sizeof(text), "[general]\nipv6 = off\n[home]\nprovider "
	    "= cloudflare\ntoken = t0k3n\nrecords = a.example.com\nendpoint = "
	    "http://127.0.0.1:8080/v4\ninsecure_http = yes\n");
	CHECK(load(&c, text) == 0);
	CHECK_STR(msgs, "");
	CHECK(c.naccts == 1 && c.accts[0].insecure_http == 1);
	if (c.naccts == 1)
		CHECK_STR(c.accts[0].endpoint, "http://127.0.0.1:8080/v4");
	config_free(&c);

	CHECK(load2(&c, "ipv6 = off", "endpoint = ftp://x.example/") == -1);
	CHECK(has(7, "[home] endpoint: is not an https:// URL"));
	CHECK(strstr(msgs, "ftp://x.example/") == NULL);	/* not quoted */
	config_free(&c);
	CHECK(load2(&c, "ipv6 = off", "insecure_http = perhaps") == -1);
	CHECK(has(7, "[home] insecure_http: \"perhaps\" is not yes or no"));
	config_free(&c);
}

/* Loads records = names (line 6); 0 when accepted. */
static int
load_records(struct config *c, const char *names)
{
	char text[2048];

	snprintf(text, sizeof(text), "[general]\nipv6 = off\n[home]\nprovider "
	    "= cloudflare\ntoken = t0k3n\nrecords = %s\n", names);
	return load(c, text);
}

static void
test_records(void)
{
	static const char *const bad[] = {
		"a..example.com", "-a.example.com", "a-.example.com",
		"localhost", ".example.com", "ex!ample.com", "a.*.example.com",
		"a.example.com-", "a*.example.com", "\xc3\xa9.example.com",
		"a.b\\c.com",
	};
	struct config	c;
	char		label[80], name[400], want[512];
	size_t		i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(load_records(&c, bad[i]) == -1);
		snprintf(want, sizeof(want), "[home] records: \"%s\" is not a "
		    "valid DNS name", bad[i]);
		CHECK(has(6, want));
		CHECK(nerr_is(1));
		config_free(&c);
	}
	/* 63-byte labels are fine, 64 are not. */
	memset(label, 'x', 64);
	label[64] = '\0';
	snprintf(name, sizeof(name), "%s.example.com", label);
	CHECK(load_records(&c, name) == -1);
	CHECK(nerr_is(1));
	config_free(&c);
	label[63] = '\0';
	snprintf(name, sizeof(name), "%s.example.com", label);
	CHECK(load_records(&c, name) == 0);
	config_free(&c);
	/* Names over 253 bytes are not (line stays under inih's limit). */
	snprintf(name, sizeof(name), "%.50s.%.50s.%.50s.%.50s.%.50s.com",
	    label, label, label, label, label);
	CHECK(strlen(name) == 258);
	CHECK(load_records(&c, name) == -1);
	config_free(&c);

	/* Normalised: lower case, no final dot; several names. */
	CHECK(load_records(&c, "Home.Example.COM. *.Example.com "
	    "_acme-challenge.example.com xn--bcher-kva.example") == 0);
	CHECK_STR(msgs, "");
	CHECK(c.naccts == 1 && c.accts[0].nrecords == 4);
	if (c.naccts == 1 && c.accts[0].nrecords == 4) {
		CHECK_STR(c.accts[0].records[0], "home.example.com");
		CHECK_STR(c.accts[0].records[1], "*.example.com");
		CHECK_STR(c.accts[0].records[2], "_acme-challenge.example.com");
		CHECK_STR(c.accts[0].records[3], "xn--bcher-kva.example");
	}
	config_free(&c);

	/* One bad name among good ones. */
	CHECK(load_records(&c, "a.example.com b..example.com c.example.com")
	    == -1);
	CHECK(has(6, "[home] records: \"b..example.com\" is not a valid"));
	CHECK(nerr_is(1));
	config_free(&c);

	CHECK(load_records(&c, "") == -1);
	CHECK(has(6, "[home] records: empty"));
	config_free(&c);
	CHECK(load(&c, "[general]\nipv6 = off\n[home]\nprovider = cloudflare\n"
	    "token = t0k3n\n") == -1);
	CHECK(has(3, "[home] records: missing"));
	CHECK(nerr_is(1));
	config_free(&c);
}

/*
 * Regression test (was a bug): norm_record() (src/config.c:548-579) removes one final dot only,
 * and never checks that the last label is not empty, so "a.example.com.."
 * is accepted as the name "a.example.com." (with a dot left at the end).
 */
static void
test_records_two_dots(void)
{
	struct config c;

	CHECK(load_records(&c, "a.example.com..") == -1);	/* regression */
	config_free(&c);
}

/* Writes a valid DNS name of len bytes ending in ".example.com" to n. */
static void
long_name(char *n, size_t len)
{
	size_t i, pre = len - strlen(".example.com");

	for (i = 0; i < pre; i++)
		n[i] = (i % 61 == 60 || i + 1 == pre) ? '.' : 'a';
	n[pre - 1] = 'a';
	strcpy(n + pre, ".example.com");
}

/*
 * Regression test (was a bug, found by fuzz_state_load): a record whose
 * "[label A name]" state line is over 198 bytes was written but could not
 * be read back, so every run dropped the whole state. Such a pair is now
 * a config error; "home" + 186 characters is the longest that fits.
 */
static void
test_records_fit_state_line(void)
{
	struct config	c;
	char		n[256];

	long_name(n, 186);
	CHECK(strlen(n) == 186);
	CHECK(load_records(&c, n) == 0);
	config_free(&c);
	long_name(n, 187);
	CHECK(load_records(&c, n) == -1);
	CHECK(strstr(msgs, "may have 190 characters together") != NULL);
	config_free(&c);
}

static void
test_continuation(void)
{
	struct config c;

	CHECK(load(&c,
	    "[general]\n"				/* 1 */
	    "ipv6 = off\n"
	    "ipv4 = https://a.example/ip\n"
	    "  https://b.example/ip\n"
	    "[home]\n"					/* 5 */
	    "provider = cloudflare\n"
	    "token = t0k3n\n"
	    "records = a.example.com\n"
	    "    B.example.com\n"
	    "\tc.example.com.\n"			/* 10 */
	    "ttl = 60\n") == 0);
	CHECK_STR(msgs, "");
	CHECK(c.v4.n == 2);
	CHECK(c.naccts == 1 && c.accts[0].nrecords == 3);
	if (c.naccts == 1 && c.accts[0].nrecords == 3) {
		CHECK_STR(c.accts[0].records[1], "b.example.com");
		CHECK_STR(c.accts[0].records[2], "c.example.com");
		CHECK(c.accts[0].ttl == 60);
		CHECK(kv_find(&c.accts[0].keys, "records")->line == 8);
	}
	config_free(&c);

	/* An indented "key = value" line is a mistake, and reported. */
	CHECK(load(&c,
	    "[general]\n"				/* 1 */
	    "ipv6 = off\n"
	    "[home]\n"
	    "provider = cloudflare\n"
	    "token = t0k3n\n"				/* 5 */
	    "records = a.example.com\n"
	    "  ttl = 60\n") == -1);
	CHECK(has(7, "[home] records: an indented line is read as more of "
	    "records's value"));
	config_free(&c);
}

static void
test_long_line(void)
{
	struct config	c;
	char		text[8192];
	char		zone[5001];

	memset(zone, 'z', sizeof(zone) - 1);
	zone[sizeof(zone) - 1] = '\0';
	snprintf(text, sizeof(text), "[general]\nipv6 = off\n[home]\nprovider "
	    "= cloudflare\ntoken = t0k3n\nrecords = a.example.com\nzone = %s\n",
	    zone);
	CHECK(load(&c, text) == -1);
	CHECK(has(7, "line too long"));
	CHECK(nerr_is(1));
	config_free(&c);
}

/*
 * Regression test (was a bug): read_line() returns NULL (end of file) at an overlong line
 * (src/config.c:141-143), so inih stops: nothing after it is read, later
 * problems are not reported, and keys below it are then reported as
 * missing. The header promises "loading goes on so the user sees all of
 * them at once"; it should skip the rest of that line and go on.
 */
static void
test_long_line_goes_on(void)
{
	struct config	c;
	char		text[8192];
	char		zone[5001];

	memset(zone, 'z', sizeof(zone) - 1);
	zone[sizeof(zone) - 1] = '\0';
	snprintf(text, sizeof(text), "[general]\nipv6 = off\n[home]\nprovider "
	    "= cloudflare\nzone = %s\ntoken = t0k3n\nrecords = a.example.com\n"
	    "ttl = soon\n", zone);
	CHECK(load(&c, text) == -1);
	CHECK(has(5, "line too long"));
	CHECK(strstr(msgs, "ttl") != NULL);		/* regression */
	CHECK(strstr(msgs, "missing") == NULL);		/* regression */
	config_free(&c);
}

static void
test_sources(void)
{
	struct config c;

	CHECK(load2(&c, "ipv4 = off", "type = AAAA") == 0);
	CHECK(c.v4.n == 0 && c.v6.n >= 1);
	config_free(&c);
	CHECK(load2(&c, "ipv6 = OFF", "") == 0);
	CHECK(c.v6.n == 0);
	config_free(&c);

	/* A command keeps its spaces, as one source. */
	CHECK(load2(&c, "ipv4 = cmd:ip -4 -o addr show dev eth0", "") == 0);
	CHECK(c.v4.n == 1);
	if (c.v4.n == 1)
		CHECK_STR(c.v4.src[0], "cmd:ip -4 -o addr show dev eth0");
	config_free(&c);

	CHECK(load2(&c, "ipv4 = https://a.example iface:eth0 http://b.example",
	    "") == 0);
	CHECK(c.v4.n == 3);
	config_free(&c);

	CHECK(load2(&c, "ipv4 = ftp://x", "") == -1);
	CHECK(has(2, "[general] ipv4: ftp://x: not a source"));
	CHECK(nerr_is(1));
	config_free(&c);
	CHECK(load2(&c, "ipv6 = https://a.example https:// iface:", "") == -1);
	CHECK(has(2, "[general] ipv6: https://: URL has no host"));
	CHECK(has(2, "[general] ipv6: iface:: iface: needs an interface name"));
	CHECK(nerr_is(2));
	config_free(&c);
	CHECK(load2(&c, "ipv4 =", "") == -1);
	CHECK(has(2, "[general] ipv4: no source given"));
	config_free(&c);
}

/*
 * Regression test (was a bug): set_sources() takes a value starting with "cmd:" as one source
 * without calling bad_source() (src/config.c:484-489), so "ipv4 = cmd:"
 * (no command) is accepted, though bad_source() has the message for it.
 */
static void
test_empty_cmd(void)
{
	struct config c;

	CHECK(load2(&c, "ipv4 = cmd:", "") == -1);	/* regression */
	CHECK(has(2, "[general] ipv4: cmd:: cmd: needs a command"));
	config_free(&c);
}

/* Returns 1 when msgs has the world-readable-secret warning. */
static int
warned(void)
{
	return strstr(msgs, "holds a secret but other users can read "
	    "it") != NULL;
}

static void
test_secret_warning(void)
{
	static const char lit[] = "[general]\nipv6 = off\n[home]\nprovider = "
	    "cloudflare\nrecords = a.example.com\ntoken = literal-tok\n";
	static const char env[] = "[general]\nipv6 = off\n[home]\nprovider = "
	    "cloudflare\nrecords = a.example.com\ntoken = ${DDNS_T_TOKEN}\n";
	static const char file[] = "[general]\nipv6 = off\n[home]\nprovider = "
	    "cloudflare\nrecords = a.example.com\ntoken_file = "
	    "${DDNS_T_DIR}/tok\n";
	struct config c;

	setenv("DDNS_T_TOKEN", "tok-from-env", 1);
	setenv("DDNS_T_DIR", tmpdir, 1);
	write_file(tpath("tok"), "file-tok\n", 9, 0600);

	CHECK(load_mode(&c, lit, strlen(lit), 0644) == 0);
	CHECK(warned());
	CHECK(strstr(msgs, "warning: ") != NULL &&
	    strstr(msgs, "chmod 600") != NULL);
	CHECK(strstr(msgs, "literal-tok") == NULL);
	CHECK(nerr_is(0));
	config_free(&c);
	CHECK(load_mode(&c, lit, strlen(lit), 0640) == 0);
	CHECK(warned());
	config_free(&c);
	CHECK(load_mode(&c, lit, strlen(lit), 0600) == 0);
	CHECK(!warned());
	CHECK_STR(msgs, "");
	config_free(&c);
	CHECK(load_mode(&c, env, strlen(env), 0644) == 0);
	CHECK(!warned());
	config_free(&c);
	CHECK(load_mode(&c, file, strlen(file), 0644) == 0);
	CHECK(!warned());
	config_free(&c);
	/* ${VAR} is no secret in the file, even world-writable. */
	CHECK(load_mode(&c, env, strlen(env), 0666) == 0);
	CHECK(!warned());
	config_free(&c);
}

static void
test_one_pass(void)
{
	struct config c;

	CHECK(load(&c,
	    "[general]\n"				/* 1 */
	    "timeout = 0\n"
	    "refresh = soon\n"
	    "ipv4 = ftp://x\n"
	    "colour = red\n"				/* 5 */
	    "[home]\n"
	    "provider = cloudflare\n"
	    "records = bad..name\n"
	    "type = MX\n"
	    "ttl = -1\n"				/* 10 */
	    "endpoint = http://x\n"
	    "[other]\n"
	    "provider = nope\n"
	    "[third]\n"
	    "provider = cloudflare\n"			/* 15 */
	    "token = ${DDNS_T_UNSET}\n"
	    "records = ok.example.com\n") == -1);
	CHECK(has(2, "[general] timeout:"));
	CHECK(has(3, "[general] refresh:"));
	CHECK(has(4, "[general] ipv4: ftp://x:"));
	CHECK(has(5, "[general] colour: unknown key"));
	CHECK(has(6, "[home] token: missing"));
	CHECK(has(8, "[home] records: \"bad..name\""));
	CHECK(has(9, "[home] type: \"MX\""));
	CHECK(has(10, "[home] ttl: \"-1\""));
	CHECK(has(11, "[home] endpoint: plain http://"));
	CHECK(has(13, "[other] provider: unknown provider \"nope\""));
	CHECK(has(16, "[third] token: environment variable DDNS_T_UNSET"));
	CHECK(nerr_is(11));
	config_free(&c);
}

static void
test_cloudflare(void)
{
	struct config c;

	CHECK(load2(&c, "ipv6 = off", "proxied = maybe") == -1);
	CHECK(has(7, "[home] proxied: must be keep, yes or no, not \"maybe\""));
	CHECK(nerr_is(1));
	config_free(&c);
	CHECK(load2(&c, "ipv6 = off", "proxied = keep") == 0);
	config_free(&c);
	CHECK(load2(&c, "ipv6 = off", "proxied = no") == 0);
	config_free(&c);
	CHECK(load2(&c, "ipv6 = off", "zone_id = not an id!") == -1);
	CHECK(has(7, "[home] zone_id: is not a Cloudflare zone id"));
	config_free(&c);
	/* A key of another provider is unknown to cloudflare. */
	CHECK(load2(&c, "ipv6 = off", "password = x") == -1);
	CHECK(has(7, "[home] password: unknown key"));
	config_free(&c);
}

/*
 * Regression test (was a bug): load_account() runs the provider's check only when the global
 * acct_errors is 0 (src/config.c:712), so once any account had an error
 * no later account's check runs: [b]'s bad proxied is not reported until
 * [a] is fixed. It should compare with acct_errors as it was when this
 * account started (like `before` does for L->errors).
 */
static void
test_check_every_account(void)
{
	struct config c;

	CHECK(load(&c,
	    "[general]\n"				/* 1 */
	    "ipv6 = off\n"
	    "[a]\n"
	    "provider = cloudflare\n"
	    "token = t0k3n\n"				/* 5 */
	    "records = a.example.com\n"
	    "ttl = abc\n"
	    "[b]\n"
	    "provider = cloudflare\n"
	    "token = t0k3n\n"				/* 10 */
	    "records = b.example.com\n"
	    "proxied = maybe\n") == -1);
	CHECK(has(7, "[a] ttl:"));
	CHECK(has(12, "[b] proxied: must be keep, yes or no"));	/* regression */
	config_free(&c);
}

int
main(void)
{
	char cmd[128];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_config.XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	unsetenv("JOURNAL_STREAM");
	unsetenv("STATE_DIRECTORY");
	log_init(0);
	test_good();
	test_token_masked();
	test_crlf();
	test_bom();
	test_defaults();
	test_unknown_keys();
	test_sections();
	test_section_blanks();
	test_types();
	test_token();
	test_expand();
	test_expand_provider();
	test_token_file();
	test_values();
	test_endpoint();
	test_records();
	test_records_two_dots();
	test_records_fit_state_line();
	test_continuation();
	test_long_line();
	test_long_line_goes_on();
	test_sources();
	test_empty_cmd();
	test_secret_warning();
	test_one_pass();
	test_cloudflare();
	test_check_every_account();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	T_END("test_config");
}
