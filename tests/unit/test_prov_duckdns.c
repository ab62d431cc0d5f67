/*
 * test_prov_duckdns.c - the Duck DNS provider over the scripted fake
 * transport: names batched in one request, ip/ipv6, OK/KO and malformed
 * replies, the config check, and no token in any log line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void
setup(void)
{
	size_t i;

	for (i = 0; i < 6; i++)
		kv_free(&ids[i]);
	fake_http_reset();
	acct.endpoint = NULL;
	acct.records = NULL;
	acct.nrecords = 0;
	fake_acct_keys(&acct, "token", TOKEN, NULL);
}

static void
mk(size_t i, const char *name, int fam, const char *addr)
{
	fake_change(&ch[i], name, fam, addr, &ids[i]);
}

static void
run(size_t n)
{
	fake_run(&provider_duckdns, &ctx, ch, n);
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
	CHECK_STR(fake_http_url(0), BASE "?domains=one,two&token=" TOKEN
	    "&ip=" A4 "&ipv6=" A6ENC);
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
	CHECK_STR(fake_http_url(0), BASE "?domains=one&token=" TOKEN "&ip=" A4);
	CHECK_STR(fake_http_url(1), BASE "?domains=two&token=" TOKEN
	    "&ipv6=" A6ENC);
	CHECK(ch[0].out == OUT_OK && ch[1].out == OUT_OK);

	/* endpoint */
	setup();
	acct.endpoint = "https://127.0.0.1:8443/update";
	mk(0, "one.duckdns.org", 4, A4);
	fake_http_push(200, "OK", -1);
	run(1);
	CHECK_STR(fake_http_url(0), "https://127.0.0.1:8443/update?"
	    "domains=one&token=" TOKEN "&ip=" A4);
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
	CHECK(fake_logged("one.duckdns.org, two.duckdns.org is not in this "
	    "Duck"));
	CHECK(fake_logged("[home] two.duckdns.org A: duckdns: KO"));

	setup();
	mk(0, "one.duckdns.org", 4, A4);
	mk(1, "two.duckdns.org", 6, A6);
	fake_http_push(200, "KO", -1);
	fake_http_push(200, "OK", -1);
	run(2);
	CHECK(fake_http_count() == 1);
	CHECK(ch[0].out == OUT_AUTH && ch[1].out == OUT_AUTH);
	CHECK(fake_logged("two.duckdns.org AAAA: duckdns: not sent: KO"));

	setup();
	mk(0, "one.duckdns.org", 4, A4);
	fake_http_push(200, "OKAY", -1);
	run(1);
	CHECK(ch[0].out == OUT_RETRY);
	CHECK(fake_logged("unexpected reply \"OKAY\""));

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
	CHECK(fake_logged("no reply: connection refused"));
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
	CHECK(fake_check(&provider_duckdns, &acct) == -1);
	CHECK(fake_logged("duckdns.org is not NAME.duckdns.org"));
	CHECK(fake_logged("a.b.duckdns.org is not"));
	CHECK(fake_logged("home.example.com is not"));

	setup();
	kv_set(&acct.keys, "token", "abc def");
	CHECK(fake_check(&provider_duckdns, &acct) == -1);
	CHECK(fake_logged("token"));
	CHECK(!fake_logged("abc def"));
	acct.records = NULL;
	acct.nrecords = 0;
}

int
main(void)
{
	CHECK(fake_ctx_init(&ctx, &acct, &provider_duckdns, "home",
	    &cache) == 0);

	CHECK(provider_find("duckdns") == &provider_duckdns);
	test_ok();
	test_errors();
	test_check();

	CHECK(strstr(fake_log_all(), "-> 200") != NULL);
	CHECK(strstr(fake_log_all(), TOKEN) == NULL);
	CHECK(strstr(fake_log_all(), "token=") == NULL);

	setup();
	fake_ctx_free(&ctx, &acct);
	T_END("test_prov_duckdns");
}
