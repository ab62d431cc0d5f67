/*
 * test_prov_duckdns.c - the Duck DNS provider over the scripted fake
 * transport: names batched in one request, ip/ipv6, OK/KO and malformed
 * replies, the config check, and no token in any log line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "fake_http.h"
#include "http.h"
#include "kv.h"
#include "log.h"
#include "provider.h"
#include "t.h"

#define TOKEN	"a7c4d2e1-1234-4bcd-9ef0-0123456789ab"
#define A4	"203.0.113.5"
#define A6	"2001:db8::5"
#define A6ENC	"2001%3Adb8%3A%3A5"
#define BASE	"https://www.duckdns.org/update"

extern const struct provider provider_duckdns;

static struct account	 acct;
static struct kv	 cache = KV_INIT;
static struct kv	 ids[6];
static struct pctx	 ctx;
static struct change	 ch[6];
static struct buf	 last_log = BUF_INIT(0), all_log = BUF_INIT(0);
static FILE		*cap_file;
static int		 cap_saved = -1;

/* Sends fd 2 to a temporary file until cap_stop(). */
static void
cap_start(void)
{
	fflush(stderr);
	cap_file = tmpfile();
	if (cap_file == NULL)
		return;
	cap_saved = dup(2);
	dup2(fileno(cap_file), 2);
}

/* Restores fd 2; what was written goes to last_log and all_log. */
static void
cap_stop(void)
{
	char	 b[4096];
	size_t	 n;

	buf_reset(&last_log);
	if (cap_file == NULL)
		return;
	fflush(stderr);
	dup2(cap_saved, 2);
	close(cap_saved);
	rewind(cap_file);
	while ((n = fread(b, 1, sizeof(b), cap_file)) > 0) {
		buf_add(&last_log, b, n);
		buf_add(&all_log, b, n);
	}
	fclose(cap_file);
	cap_file = NULL;
}

static int
logged(const char *s)
{
	return strstr(buf_str(&last_log), s) != NULL;
}

static void
setup(void)
{
	size_t i;

	kv_free(&acct.keys);
	for (i = 0; i < 6; i++)
		kv_free(&ids[i]);
	fake_http_reset();
	acct.endpoint = NULL;
	acct.records = NULL;
	acct.nrecords = 0;
	kv_set(&acct.keys, "token", TOKEN);
}

static void
mk(size_t i, const char *name, int fam, const char *addr)
{
	memset(&ch[i], 0, sizeof(ch[i]));
	ch[i].name = name;
	ch[i].fam = fam;
	ch[i].addr = addr;
	ch[i].ids = &ids[i];
	ch[i].out = OUT_PENDING;
}

static void
run(size_t n)
{
	cap_start();
	provider_duckdns.update(&ctx, ch, n);
	cap_stop();
}

static const char *
url(size_t i)
{
	const struct fake_req *r = fake_http_req(i);

	return r ? r->url : "";
}

/* Names with the same addresses share one request. */
static void
test_ok(void)
{
	setup();
	mk(0, "one.duckdns.org", 4, A4);
	mk(1, "one.duckdns.org", 6, A6);
	mk(2, "two.duckdns.org", 4, A4);
	mk(3, "two.duckdns.org", 6, A6);
	fake_http_push(200, "OK", -1);
	run(4);
	CHECK(fake_http_count() == 1);
	CHECK_STR(url(0), BASE "?domains=one,two&token=" TOKEN "&ip=" A4
	    "&ipv6=" A6ENC);
	CHECK_STR(fake_http_req(0)->method, "GET");
	CHECK(ch[0].out == OUT_OK && ch[1].out == OUT_OK &&
	    ch[2].out == OUT_OK && ch[3].out == OUT_OK);

	/* Different shapes: an A-only name and an AAAA-only name apart; the
	 * AAAA-only request sends ipv6 alone (no guessing of ip). */
	setup();
	mk(0, "one.duckdns.org", 4, A4);
	mk(1, "two.duckdns.org", 6, A6);
	fake_http_push(200, "OK\n", -1);
	fake_http_push(200, "OK\n" A6 "\nUPDATED", -1);
	run(2);
	CHECK(fake_http_count() == 2);
	CHECK_STR(url(0), BASE "?domains=one&token=" TOKEN "&ip=" A4);
	CHECK_STR(url(1), BASE "?domains=two&token=" TOKEN "&ipv6=" A6ENC);
	CHECK(ch[0].out == OUT_OK && ch[1].out == OUT_OK);

	/* endpoint */
	setup();
	acct.endpoint = "https://127.0.0.1:8443/update";
	mk(0, "one.duckdns.org", 4, A4);
	fake_http_push(200, "OK", -1);
	run(1);
	CHECK_STR(url(0), "https://127.0.0.1:8443/update?domains=one&token="
	    TOKEN "&ip=" A4);
}

/* KO, HTTP errors, malformed replies; the rest waits after a failure. */
static void
test_errors(void)
{
	setup();
	mk(0, "one.duckdns.org", 4, A4);
	mk(1, "two.duckdns.org", 4, A4);
	fake_http_push(200, "KO", -1);
	run(2);
	CHECK(ch[0].out == OUT_AUTH && ch[1].out == OUT_AUTH);
	CHECK(logged("one.duckdns.org, two.duckdns.org is not in this Duck"));
	CHECK(logged("[home] two.duckdns.org A: duckdns: KO"));

	setup();
	mk(0, "one.duckdns.org", 4, A4);
	mk(1, "two.duckdns.org", 6, A6);
	fake_http_push(200, "KO", -1);
	fake_http_push(200, "OK", -1);
	run(2);
	CHECK(fake_http_count() == 1);
	CHECK(ch[0].out == OUT_AUTH && ch[1].out == OUT_AUTH);
	CHECK(logged("two.duckdns.org AAAA: duckdns: not sent: KO"));

	setup();
	mk(0, "one.duckdns.org", 4, A4);
	fake_http_push(200, "OKAY", -1);
	run(1);
	CHECK(ch[0].out == OUT_RETRY);
	CHECK(logged("unexpected reply \"OKAY\""));

	setup();
	mk(0, "one.duckdns.org", 4, A4);
	fake_http_push(200, "", -1);
	run(1);
	CHECK(ch[0].out == OUT_RETRY);

	setup();
	mk(0, "one.duckdns.org", 4, A4);
	fake_http_push(503, "<html>busy</html>", 300);
	run(1);
	CHECK(ch[0].out == OUT_RETRY && ch[0].retry_after == 300);

	setup();
	mk(0, "one.duckdns.org", 4, A4);
	fake_http_push(401, "KO", -1);
	run(1);
	CHECK(ch[0].out == OUT_AUTH);

	setup();
	mk(0, "one.duckdns.org", 4, A4);
	fake_http_push_fail("connection refused");
	run(1);
	CHECK(ch[0].out == OUT_RETRY && ch[0].retry_after == 0);
	CHECK(logged("no reply: connection refused"));
}

/* The load-time check. */
static void
test_check(void)
{
	char *ok[] = { "one.duckdns.org", "Two.DuckDNS.org" };
	char *bad[] = { "duckdns.org", "a.b.duckdns.org", "home.example.com" };

	setup();
	acct.records = ok;
	acct.nrecords = 2;
	CHECK(provider_duckdns.check(&acct) == 0);

	setup();
	acct.records = bad;
	acct.nrecords = 3;
	cap_start();
	CHECK(provider_duckdns.check(&acct) == -1);
	cap_stop();
	CHECK(logged("duckdns.org is not NAME.duckdns.org"));
	CHECK(logged("a.b.duckdns.org is not"));
	CHECK(logged("home.example.com is not"));

	setup();
	kv_set(&acct.keys, "token", "abc def");
	cap_start();
	CHECK(provider_duckdns.check(&acct) == -1);
	cap_stop();
	CHECK(logged("token"));
	CHECK(!logged("abc def"));
	acct.records = NULL;
	acct.nrecords = 0;
}

int
main(void)
{
	struct http_opts o = { 1000, NULL, NULL };

	log_init(1);
	acct.label = "home";
	acct.prov = &provider_duckdns;
	acct.file = "test.ini";
	acct.line = 1;
	acct.ttl = -1;
	ctx.acct = &acct;
	ctx.http = http_new(&o);
	ctx.cache = &cache;
	ctx.now = 1700000000;

	CHECK(provider_find("duckdns") == &provider_duckdns);
	test_ok();
	test_errors();
	test_check();

	CHECK(strstr(buf_str(&all_log), "-> 200") != NULL);
	CHECK(strstr(buf_str(&all_log), TOKEN) == NULL);
	CHECK(strstr(buf_str(&all_log), "token=") == NULL);

	http_free(ctx.http);
	fake_http_reset();
	setup();
	kv_free(&acct.keys);
	buf_free(&last_log);
	buf_free(&all_log);
	T_END("test_prov_duckdns");
}
