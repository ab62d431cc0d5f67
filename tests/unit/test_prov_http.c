/*
 * test_prov_http.c - the generic "http" provider over the scripted fake
 * transport: placeholders and their encoding in url, body and headers,
 * methods, Basic auth, the success text, errors, the config check, and no
 * secret in any log line.
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

#define TOKEN	"tok\"en&=/+ x"
#define TOKENC	"tok%22en%26%3D%2F%2B%20x"
#define A4	"203.0.113.44"
#define A6	"2001:db8::44"
#define A6ENC	"2001%3Adb8%3A%3A44"

extern const struct provider provider_http;

static struct account	 acct;
static struct kv	 cache = KV_INIT;
static struct kv	 ids[4];
static struct pctx	 ctx;
static struct change	 ch[4];

/* Starts a case with url u (and the token). */
static void
setup(const char *u)
{
	size_t i;

	for (i = 0; i < 4; i++)
		kv_free(&ids[i]);
	fake_http_reset();
	acct.endpoint = NULL;
	acct.insecure_http = 0;
	fake_acct_keys(&acct, "url", u, "token", TOKEN, NULL);
}

static void
mk(size_t i, const char *name, int fam, const char *addr)
{
	fake_change(&ch[i], name, fam, addr, &ids[i]);
}

static void
run(size_t n)
{
	fake_run(&provider_http, &ctx, ch, n);
}

static const struct fake_req *
req(size_t i)
{
	static struct fake_req none;
	const struct fake_req *r = fake_http_req(i);

	return r ? r : &none;
}

/* GET with every placeholder, percent-encoded; one request per record. */
static void
test_get(void)
{
	setup("https://upd.example.net/u/{name}?t={token}&ip={ip}&v4={ipv4}"
	    "&v6={ipv6}&type={type}&brace={}&x={notaplaceholder");
	mk(0, "home.example.com", 4, A4);
	mk(1, "home.example.com", 6, A6);
	fake_http_push(200, "whatever", -1);
	fake_http_push(204, "", -1);
	run(2);
	CHECK(fake_http_count() == 2);
	CHECK_STR(req(0)->method, "GET");
	CHECK_STR(req(0)->url, "https://upd.example.net/u/home.example.com?t="
	    TOKENC "&ip=" A4 "&v4=" A4 "&v6=" A6ENC "&type=A&brace={}"
	    "&x={notaplaceholder");
	CHECK_STR(req(1)->url, "https://upd.example.net/u/home.example.com?t="
	    TOKENC "&ip=" A6ENC "&v4=" A4 "&v6=" A6ENC "&type=AAAA&brace={}"
	    "&x={notaplaceholder");
	CHECK(req(0)->body == NULL && req(0)->userpwd == NULL);
	CHECK(req(0)->nheaders == 0);
	CHECK(ch[0].out == OUT_OK && ch[1].out == OUT_OK);

	/* {ipv6} is empty when no AAAA record changes now. */
	setup("https://upd.example.net/?a={ipv4}&b={ipv6}");
	mk(0, "h.example.com", 4, A4);
	fake_http_push(200, "ok", -1);
	run(1);
	CHECK_STR(req(0)->url, "https://upd.example.net/?a=" A4 "&b=");

	/* ... unless the section manages AAAA: then the run's IPv6 address
	 * (an empty value may read as "clear" or "use the sender's") */
	setup("https://upd.example.net/?a={ipv4}&b={ipv6}");
	acct.fams = FAM_V4 | FAM_V6;
	ctx.addr4 = A4;
	ctx.addr6 = A6;
	mk(0, "h.example.com", 4, A4);
	fake_http_push(200, "ok", -1);
	run(1);
	CHECK_STR(req(0)->url, "https://upd.example.net/?a=" A4 "&b=" A6ENC);
	acct.fams = FAM_V4;		/* A only: the IPv6 address stays out */
	setup("https://upd.example.net/?a={ipv4}&b={ipv6}");
	mk(0, "h.example.com", 4, A4);
	fake_http_push(200, "ok", -1);
	run(1);
	CHECK_STR(req(0)->url, "https://upd.example.net/?a=" A4 "&b=");
	acct.fams = 0;
	ctx.addr4 = ctx.addr6 = NULL;
}

/* Bodies: JSON escaped, form percent-encoded, other types raw. */
static void
test_body(void)
{
	setup("https://upd.example.net/hook");
	kv_set(&acct.keys, "body", "{\"ip\":\"{ip}\",\"t\":\"{token}\","
	    "\"n\":\"{name}\"}");
	mk(0, "h.example.com", 4, A4);
	fake_http_push(200, "{}", -1);
	run(1);
	CHECK_STR(req(0)->method, "POST");
	CHECK_STR(req(0)->body, "{\"ip\":\"" A4 "\",\"t\":\"tok\\\"en&=/+ x\","
	    "\"n\":\"h.example.com\"}");
	CHECK(req(0)->body_len == strlen(req(0)->body ? req(0)->body : ""));
	CHECK_STR(fake_http_header(req(0), "Content-Type"), "application/json");
	CHECK(ch[0].out == OUT_OK);

	setup("https://upd.example.net/hook");
	kv_set(&acct.keys, "body", "ip={ip}&token={token}");
	kv_set(&acct.keys, "method", "put");
	mk(0, "h.example.com", 6, A6);
	fake_http_push(200, "", -1);
	run(1);
	CHECK_STR(req(0)->method, "PUT");
	CHECK_STR(req(0)->body, "ip=" A6ENC "&token=" TOKENC);
	CHECK_STR(fake_http_header(req(0), "Content-Type"),
	    "application/x-www-form-urlencoded");

	setup("https://upd.example.net/hook");
	kv_set(&acct.keys, "body", "set {name} to {ip} with {token}");
	kv_set(&acct.keys, "headers", "Content-Type: text/plain; "
	    "charset=utf-8");
	mk(0, "h.example.com", 4, A4);
	fake_http_push(200, "", -1);
	run(1);
	CHECK_STR(req(0)->body, "set h.example.com to " A4 " with " TOKEN);
	CHECK(req(0)->nheaders == 1);
	CHECK_STR(fake_http_header(req(0), "Content-Type"),
	    "text/plain; charset=utf-8");
}

/* Headers: ';'-separated, placeholders raw, no line breaks let in;
 * username + password give Basic auth. */
static void
test_headers(void)
{
	setup("https://upd.example.net/hook");
	kv_set(&acct.keys, "headers", "Authorization: Bearer {token};"
	    "X-Record: {name} {type}; X-Note: a; b=c ;");
	kv_set(&acct.keys, "username", "bob");
	kv_set(&acct.keys, "password", "pw:secret");
	mk(0, "h.example.com", 4, A4);
	fake_http_push(200, "", -1);
	run(1);
	CHECK(req(0)->nheaders == 3);
	CHECK_STR(fake_http_header(req(0), "Authorization"), "Bearer " TOKEN);
	CHECK_STR(fake_http_header(req(0), "X-Record"), "h.example.com A");
	CHECK_STR(fake_http_header(req(0), "X-Note"), "a; b=c");
	CHECK_STR(req(0)->userpwd, "bob:pw:secret");
	CHECK(ch[0].out == OUT_OK);

	setup("https://upd.example.net/hook");
	kv_set(&acct.keys, "token", "evil\r\nX-Injected: 1");
	kv_set(&acct.keys, "headers", "Authorization: Bearer {token}");
	mk(0, "h.example.com", 4, A4);
	run(1);
	CHECK(fake_http_count() == 0);
	CHECK(ch[0].out == OUT_BADREQ);
	CHECK(fake_logged("line break"));
}

/* The success text; HTTP errors; the rest waits after trouble. */
static void
test_reply(void)
{
	setup("https://upd.example.net/?ip={ip}");
	kv_set(&acct.keys, "success", "updated {ip}");
	mk(0, "h.example.com", 4, A4);
	fake_http_push(200, "status: updated " A4 "\n", -1);
	run(1);
	CHECK(ch[0].out == OUT_OK);

	setup("https://upd.example.net/?ip={ip}");
	kv_set(&acct.keys, "success", "good");
	mk(0, "h.example.com", 4, A4);
	fake_http_push(200, "badauth\nmore", -1);
	run(1);
	CHECK(ch[0].out == OUT_RETRY);
	CHECK(fake_logged("\"badauth\") does not contain the success text"));

	setup("https://upd.example.net/?ip={ip}");
	mk(0, "h.example.com", 4, A4);
	fake_http_push(401, "nope", -1);
	run(1);
	CHECK(ch[0].out == OUT_AUTH);
	CHECK(fake_logged("HTTP 401 \"nope\""));

	setup("https://upd.example.net/?ip={ip}");
	mk(0, "a.example.com", 4, A4);
	mk(1, "b.example.com", 4, A4);
	fake_http_push(429, "", 90);
	fake_http_push(200, "", -1);
	run(2);
	CHECK(fake_http_count() == 1);
	CHECK(ch[0].out == OUT_RATELIMIT && ch[0].retry_after == 90);
	CHECK(ch[1].out == OUT_RATELIMIT && ch[1].retry_after == 90);
	CHECK(fake_logged("b.example.com A: http: not sent: HTTP 429"));

	setup("https://upd.example.net/?ip={ip}");
	mk(0, "a.example.com", 4, A4);
	mk(1, "b.example.com", 4, A4);
	fake_http_push(404, "", -1);
	fake_http_push(200, "", -1);
	run(2);
	CHECK(fake_http_count() == 2);
	CHECK(ch[0].out == OUT_NOTFOUND && ch[1].out == OUT_OK);

	setup("https://upd.example.net/?ip={ip}");
	mk(0, "a.example.com", 4, A4);
	fake_http_push_fail("connection refused");
	run(1);
	CHECK(ch[0].out == OUT_RETRY);
	CHECK(fake_logged("no reply: connection refused"));
}

/* The load-time check. */
static void
test_check(void)
{
	setup("https://upd.example.net/?t={token}&ip={ip}");
	CHECK(fake_check(&provider_http, &acct) == 0);

	setup("http://upd.example.net/?ip={ip}");
	CHECK(fake_check(&provider_http, &acct) == -1);
	CHECK(fake_logged("insecure_http"));
	acct.insecure_http = 1;
	CHECK(fake_check(&provider_http, &acct) == 0);

	setup("ftp://upd.example.net/");
	CHECK(fake_check(&provider_http, &acct) == -1);
	CHECK(fake_logged("https://"));
	/* found by fuzz_config: the url is not quoted (a token in it) */
	setup("cmd://upd.example.net/?key=S3cretInUrl");
	CHECK(fake_check(&provider_http, &acct) == -1);
	CHECK(fake_logged("does not start with https://"));
	CHECK(!fake_logged("S3cretInUrl"));

	setup("https://upd.example.net/?ip={ip}&z={zone}");
	CHECK(fake_check(&provider_http, &acct) == -1);
	CHECK(fake_logged("unknown placeholder {zone}"));

	setup("https://upd.example.net/?u={username}");
	CHECK(fake_check(&provider_http, &acct) == -1);
	CHECK(fake_logged("{username}"));
	kv_set(&acct.keys, "username", "bob");
	CHECK(fake_check(&provider_http, &acct) == 0);

	setup("https://upd.example.net/");
	acct.endpoint = "https://127.0.0.1:1/";
	CHECK(fake_check(&provider_http, &acct) == -1);
	CHECK(fake_logged("endpoint"));
	acct.endpoint = NULL;

	setup("https://upd.example.net/");
	kv_set(&acct.keys, "method", "FETCH");
	CHECK(fake_check(&provider_http, &acct) == -1);
	CHECK(fake_logged("method"));

	setup("https://upd.example.net/");
	kv_set(&acct.keys, "method", "GET");
	kv_set(&acct.keys, "body", "ip={ip}");
	CHECK(fake_check(&provider_http, &acct) == -1);
	CHECK(fake_logged("POST, PUT or PATCH"));

	setup("https://upd.example.net/");
	kv_set(&acct.keys, "body", "ip={ipp}");
	CHECK(fake_check(&provider_http, &acct) == -1);
	CHECK(fake_logged("{ipp}"));

	setup("https://upd.example.net/");
	kv_set(&acct.keys, "headers", "just a value");
	CHECK(fake_check(&provider_http, &acct) == -1);
	CHECK(fake_logged("Name: value"));

	setup("https://upd.example.net/");
	kv_set(&acct.keys, "headers", "X-A: {nope}");
	CHECK(fake_check(&provider_http, &acct) == -1);
	CHECK(fake_logged("{nope}"));

	setup("https://upd.example.net/");
	kv_set(&acct.keys, "success", "");
	CHECK(fake_check(&provider_http, &acct) == -1);
	CHECK(fake_logged("success"));
	CHECK(strstr(fake_log_all(), "tok\"en") == NULL);
}

int
main(void)
{
	CHECK(fake_ctx_init(&ctx, &acct, &provider_http, "home",
	    &cache) == 0);

	CHECK(provider_find("http") == &provider_http);
	test_get();
	test_body();
	test_headers();
	test_reply();
	test_check();

	CHECK(strstr(fake_log_all(), "-> 200") != NULL);
	CHECK(strstr(fake_log_all(), "tok\"en") == NULL);
	CHECK(strstr(fake_log_all(), TOKENC) == NULL);
	CHECK(strstr(fake_log_all(), "secret") == NULL);

	setup(NULL);
	fake_ctx_free(&ctx, &acct);
	T_END("test_prov_http");
}
