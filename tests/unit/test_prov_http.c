/*
 * test_prov_http.c - the generic "http" provider over the scripted fake
 * transport: placeholders and their encoding in url, body and headers,
 * methods, Basic auth, the success text, errors, the config check, and no
 * secret in any log line.
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

/* Starts a case with url u (and the token). */
static void
setup(const char *u)
{
	size_t i;

	kv_free(&acct.keys);
	for (i = 0; i < 4; i++)
		kv_free(&ids[i]);
	fake_http_reset();
	acct.endpoint = NULL;
	acct.insecure_http = 0;
	if (u != NULL)
		kv_set(&acct.keys, "url", u);
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
	provider_http.update(&ctx, ch, n);
	cap_stop();
}

static const struct fake_req *
req(size_t i)
{
	static struct fake_req none;
	const struct fake_req *r = fake_http_req(i);

	return r ? r : &none;
}

/* Runs the check with stderr captured; returns its result. */
static int
check(void)
{
	int rc;

	cap_start();
	rc = provider_http.check(&acct);
	cap_stop();
	return rc;
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
	CHECK(logged("line break"));
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
	CHECK(logged("\"badauth\") does not contain the success text"));

	setup("https://upd.example.net/?ip={ip}");
	mk(0, "h.example.com", 4, A4);
	fake_http_push(401, "nope", -1);
	run(1);
	CHECK(ch[0].out == OUT_AUTH);
	CHECK(logged("HTTP 401 \"nope\""));

	setup("https://upd.example.net/?ip={ip}");
	mk(0, "a.example.com", 4, A4);
	mk(1, "b.example.com", 4, A4);
	fake_http_push(429, "", 90);
	fake_http_push(200, "", -1);
	run(2);
	CHECK(fake_http_count() == 1);
	CHECK(ch[0].out == OUT_RATELIMIT && ch[0].retry_after == 90);
	CHECK(ch[1].out == OUT_RATELIMIT && ch[1].retry_after == 90);
	CHECK(logged("b.example.com A: http: not sent: HTTP 429"));

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
	CHECK(logged("no reply: connection refused"));
}

/* The load-time check. */
static void
test_check(void)
{
	setup("https://upd.example.net/?t={token}&ip={ip}");
	CHECK(check() == 0);

	setup("http://upd.example.net/?ip={ip}");
	CHECK(check() == -1);
	CHECK(logged("insecure_http"));
	acct.insecure_http = 1;
	CHECK(check() == 0);

	setup("ftp://upd.example.net/");
	CHECK(check() == -1);
	CHECK(logged("https://"));

	setup("https://upd.example.net/?ip={ip}&z={zone}");
	CHECK(check() == -1);
	CHECK(logged("unknown placeholder {zone}"));

	setup("https://upd.example.net/?u={username}");
	CHECK(check() == -1);
	CHECK(logged("{username}"));
	kv_set(&acct.keys, "username", "bob");
	CHECK(check() == 0);

	setup("https://upd.example.net/");
	acct.endpoint = "https://127.0.0.1:1/";
	CHECK(check() == -1);
	CHECK(logged("endpoint"));
	acct.endpoint = NULL;

	setup("https://upd.example.net/");
	kv_set(&acct.keys, "method", "FETCH");
	CHECK(check() == -1);
	CHECK(logged("method"));

	setup("https://upd.example.net/");
	kv_set(&acct.keys, "method", "GET");
	kv_set(&acct.keys, "body", "ip={ip}");
	CHECK(check() == -1);
	CHECK(logged("POST, PUT or PATCH"));

	setup("https://upd.example.net/");
	kv_set(&acct.keys, "body", "ip={ipp}");
	CHECK(check() == -1);
	CHECK(logged("{ipp}"));

	setup("https://upd.example.net/");
	kv_set(&acct.keys, "headers", "just a value");
	CHECK(check() == -1);
	CHECK(logged("Name: value"));

	setup("https://upd.example.net/");
	kv_set(&acct.keys, "headers", "X-A: {nope}");
	CHECK(check() == -1);
	CHECK(logged("{nope}"));

	setup("https://upd.example.net/");
	kv_set(&acct.keys, "success", "");
	CHECK(check() == -1);
	CHECK(logged("success"));
	CHECK(strstr(buf_str(&all_log), "tok\"en") == NULL);
}

int
main(void)
{
	struct http_opts o = { 1000, NULL, NULL };

	log_init(1);
	acct.label = "home";
	acct.prov = &provider_http;
	acct.file = "test.ini";
	acct.line = 1;
	acct.ttl = -1;
	ctx.acct = &acct;
	ctx.http = http_new(&o);
	ctx.cache = &cache;
	ctx.now = 1700000000;

	CHECK(provider_find("http") == &provider_http);
	test_get();
	test_body();
	test_headers();
	test_reply();
	test_check();

	CHECK(strstr(buf_str(&all_log), "-> 200") != NULL);
	CHECK(strstr(buf_str(&all_log), "tok\"en") == NULL);
	CHECK(strstr(buf_str(&all_log), TOKENC) == NULL);
	CHECK(strstr(buf_str(&all_log), "secret") == NULL);

	http_free(ctx.http);
	fake_http_reset();
	setup(NULL);
	kv_free(&acct.keys);
	buf_free(&last_log);
	buf_free(&all_log);
	T_END("test_prov_http");
}
