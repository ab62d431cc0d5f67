/*
 * test_prov_cloudflare.c - the Cloudflare provider over the scripted fake
 * transport, and the provider table (providers.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "buf.h"
#include "config.h"
#include "fake_http.h"
#include "http.h"
#include "kv.h"
#include "log.h"
#include "provider.h"
#include "t.h"

#define BASE	"https://api.cloudflare.com/client/v4"
#define TOKEN	"cfTOKENsecret0123456789abcdefXYZ"
#define ADDR4	"203.0.113.7"
#define ADDR6	"2001:db8::7"

#define ENV_OK(res)	"{\"success\":true,\"errors\":[],\"messages\":[]," \
			"\"result\":" res "}"
#define ENV_LIST(items)	ENV_OK("[" items "]")
#define ENV_ERR(code, msg) "{\"success\":false,\"errors\":[{\"code\":" \
			#code ",\"message\":\"" msg "\"}],\"messages\":[]," \
			"\"result\":null}"
#define REC(id, content, ttl, px) "{\"id\":\"" id "\",\"type\":\"A\"," \
			"\"name\":\"home.example.com\",\"content\":\"" content \
			"\",\"ttl\":" #ttl ",\"proxied\":" px "," \
			"\"comment\":\"keep me\"}"

extern const struct provider provider_cloudflare;

static struct account	 acct;
static struct kv	 cache = KV_INIT, ids = KV_INIT, ids2 = KV_INIT;
static struct pctx	 ctx;
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

/* Starts a case: fresh account keys, caches and fake transport. */
static void
setup(const char *zone_id, const char *zone, long ttl, const char *proxied)
{
	kv_free(&acct.keys);
	kv_free(&cache);
	kv_free(&ids);
	kv_free(&ids2);
	fake_http_reset();
	kv_set(&acct.keys, "token", TOKEN);
	if (zone_id)
		kv_set(&acct.keys, "zone_id", zone_id);
	if (zone)
		kv_set(&acct.keys, "zone", zone);
	if (proxied)
		kv_set(&acct.keys, "proxied", proxied);
	acct.ttl = ttl;
	acct.endpoint = NULL;
}

/* Fills a change for name/fam/addr using ids. */
static void
mkchange(struct change *c, const char *name, int fam, const char *addr,
    struct kv *k)
{
	memset(c, 0, sizeof(*c));
	c->name = name;
	c->fam = fam;
	c->addr = addr;
	c->ids = k;
	c->out = OUT_PENDING;
}

/* Runs the provider on n changes with stderr captured. */
static void
run(struct change *ch, size_t n)
{
	cap_start();
	provider_cloudflare.update(&ctx, ch, n);
	cap_stop();
}

/* Returns 1 when the log of the last run contains s. */
static int
logged(const char *s)
{
	return strstr(buf_str(&last_log), s) != NULL;
}

/* Returns the URL of request i, or "". */
static const char *
url(size_t i)
{
	const struct fake_req *r = fake_http_req(i);

	return r ? r->url : "";
}

/* Returns the method of request i, or "". */
static const char *
method(size_t i)
{
	const struct fake_req *r = fake_http_req(i);

	return r ? r->method : "";
}

/* Returns the body of request i parsed, or NULL (caller frees). */
static cJSON *
body(size_t i)
{
	const struct fake_req *r = fake_http_req(i);

	return r && r->body ? cJSON_Parse(r->body) : NULL;
}

/* Returns o[k] as a string, or NULL. */
static const char *
jstr(const cJSON *o, const char *k)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(it) ? it->valuestring : NULL;
}

/* Returns o[k] as a number, or -999 when absent or not a number. */
static double
jnum(const cJSON *o, const char *k)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(it) ? it->valuedouble : -999;
}

/* Returns o[k]: 1 true, 0 false, -1 absent or not boolean. */
static int
jbool(const cJSON *o, const char *k)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsBool(it) ? cJSON_IsTrue(it) : -1;
}

/* Checks the headers every API request carries. */
static void
check_auth(size_t i, int has_body)
{
	const struct fake_req *r = fake_http_req(i);

	CHECK(r != NULL);
	CHECK_STR(fake_http_header(r, "Authorization"), "Bearer " TOKEN);
	if (has_body)
		CHECK_STR(fake_http_header(r, "Content-Type"),
		    "application/json");
	else
		CHECK(fake_http_header(r, "Content-Type") == NULL);
	CHECK(r == NULL || strstr(r->url, TOKEN) == NULL);
}

static void
test_providers(void)
{
	const struct provider *const *all = provider_all();
	const char *s[7];
	size_t i, j, n = 0;

	CHECK(provider_find("cloudflare") == &provider_cloudflare);
	CHECK(provider_find("nope") == NULL);
	CHECK(provider_find("") == NULL);
	CHECK(provider_find(NULL) == NULL);
	for (i = 0; all[i] != NULL; i++, n++) {
		CHECK(all[i]->name != NULL && all[i]->update != NULL);
		CHECK(provider_find(all[i]->name) == all[i]);
	}
	CHECK(n >= 1);

	CHECK(outcome_from_status(200) == OUT_OK);
	CHECK(outcome_from_status(204) == OUT_OK);
	CHECK(outcome_from_status(299) == OUT_OK);
	CHECK(outcome_from_status(401) == OUT_AUTH);
	CHECK(outcome_from_status(403) == OUT_AUTH);
	CHECK(outcome_from_status(404) == OUT_NOTFOUND);
	CHECK(outcome_from_status(429) == OUT_RATELIMIT);
	CHECK(outcome_from_status(400) == OUT_BADREQ);
	CHECK(outcome_from_status(422) == OUT_BADREQ);
	CHECK(outcome_from_status(500) == OUT_RETRY);
	CHECK(outcome_from_status(503) == OUT_RETRY);
	CHECK(outcome_from_status(0) == OUT_RETRY);
	CHECK(outcome_from_status(302) == OUT_RETRY);

	s[0] = outcome_str(OUT_PENDING);
	s[1] = outcome_str(OUT_OK);
	s[2] = outcome_str(OUT_AUTH);
	s[3] = outcome_str(OUT_NOTFOUND);
	s[4] = outcome_str(OUT_RATELIMIT);
	s[5] = outcome_str(OUT_RETRY);
	s[6] = outcome_str(OUT_BADREQ);
	for (i = 0; i < 7; i++)
		for (j = i + 1; j < 7; j++)
			CHECK(strcmp(s[i], s[j]) != 0);
	CHECK(strstr(s[2], "auth") != NULL);

	acct.endpoint = NULL;
	CHECK_STR(provider_base(&ctx), BASE);
	acct.endpoint = "http://127.0.0.1:8080/cf";
	CHECK_STR(provider_base(&ctx), "http://127.0.0.1:8080/cf");
	acct.endpoint = NULL;
}

static void
test_check(void)
{
	setup(NULL, NULL, -1, "maybe");
	cap_start();
	CHECK(provider_cloudflare.check(&acct) == -1);
	cap_stop();
	CHECK(logged("proxied"));
	CHECK(!logged(TOKEN));

	setup(NULL, NULL, -1, "yes");
	CHECK(provider_cloudflare.check(&acct) == 0);
	setup(NULL, NULL, -1, "no");
	CHECK(provider_cloudflare.check(&acct) == 0);
	setup("023e105f4ecef8ad9ca31a8372d0c353", NULL, -1, "keep");
	CHECK(provider_cloudflare.check(&acct) == 0);

	setup("../evil?x=1", NULL, -1, NULL);
	cap_start();
	CHECK(provider_cloudflare.check(&acct) == -1);
	cap_stop();
	CHECK(logged("zone_id"));

	setup(NULL, NULL, -1, NULL);
	kv_set(&acct.keys, "token", "abc\r\nX-Evil: 1");
	cap_start();
	CHECK(provider_cloudflare.check(&acct) == -1);
	cap_stop();
	CHECK(logged("token"));
	CHECK(!logged("X-Evil"));
}

/* zone_id in the config; record missing -> POST with the defaults. */
static void
test_zone_id_create(void)
{
	struct change	 c;
	cJSON		*b;

	setup("zid1", NULL, -1, NULL);
	fake_http_push(200, ENV_LIST(""), -1);
	fake_http_push(200, ENV_OK("{\"id\":\"rid9\",\"type\":\"A\","
	    "\"content\":\"" ADDR4 "\",\"ttl\":1,\"proxied\":false}"), -1);
	mkchange(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 2);
	CHECK(fake_http_pending() == 0);
	CHECK_STR(method(0), "GET");
	CHECK_STR(url(0), BASE "/zones/zid1/dns_records?type=A"
	    "&name=home.example.com");
	check_auth(0, 0);
	CHECK_STR(method(1), "POST");
	CHECK_STR(url(1), BASE "/zones/zid1/dns_records");
	check_auth(1, 1);
	b = body(1);
	CHECK(b != NULL);
	CHECK_STR(jstr(b, "type"), "A");
	CHECK_STR(jstr(b, "name"), "home.example.com");
	CHECK_STR(jstr(b, "content"), ADDR4);
	CHECK(jnum(b, "ttl") == 1);
	CHECK(jbool(b, "proxied") == 0);
	CHECK(cJSON_GetArraySize(b) == 5);
	cJSON_Delete(b);
	CHECK_STR(kv_get(&ids, "record_id"), "rid9");
	CHECK_STR(kv_get(&ids, "zone_id"), "zid1");
	CHECK(!logged("error"));
}

/* Zone found by walking up; the record already holds the address. */
static void
test_walk_equal(void)
{
	struct change c;

	setup(NULL, NULL, -1, NULL);
	fake_http_push(404, ENV_ERR(7003, "Could not route"), -1);
	fake_http_push(200, ENV_LIST(""), -1);
	fake_http_push(200, ENV_LIST("{\"id\":\"zid2\",\"name\":"
	    "\"example.com\",\"status\":\"active\"}"), -1);
	fake_http_push(200, ENV_LIST(REC("rid2", ADDR4, 1, "false")), -1);
	mkchange(&c, "a.b.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 4);
	CHECK_STR(url(0), BASE "/zones?name=a.b.example.com");
	CHECK_STR(url(1), BASE "/zones?name=b.example.com");
	CHECK_STR(url(2), BASE "/zones?name=example.com");
	CHECK_STR(url(3), BASE "/zones/zid2/dns_records?type=A"
	    "&name=a.b.example.com");
	CHECK_STR(method(3), "GET");
	CHECK_STR(kv_get(&cache, "zone_id.example.com"), "zid2");
	CHECK_STR(kv_get(&ids, "zone_id"), "zid2");
	CHECK_STR(kv_get(&ids, "record_id"), "rid2");
	CHECK(!logged("error"));

	/* The next record of that zone uses the cache: no zone request. */
	fake_http_reset();
	fake_http_push(200, ENV_LIST(""), -1);
	fake_http_push(200, ENV_OK("{\"id\":\"rid3\",\"content\":\""
	    ADDR6 "\"}"), -1);
	mkchange(&c, "c.example.com", 6, ADDR6, &ids2);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 2);
	CHECK_STR(url(0), BASE "/zones/zid2/dns_records?type=AAAA"
	    "&name=c.example.com");
	CHECK_STR(kv_get(&ids2, "record_id"), "rid3");
}

/* No zone at all: NOTFOUND after trying every candidate. */
static void
test_walk_notfound(void)
{
	struct change c;

	setup(NULL, NULL, -1, NULL);
	fake_http_push(200, ENV_LIST(""), -1);
	fake_http_push(200, ENV_LIST(""), -1);
	mkchange(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_NOTFOUND);
	CHECK(fake_http_count() == 2);
	CHECK_STR(url(1), BASE "/zones?name=example.com");
	CHECK(logged("[home] home.example.com A: cloudflare: zone lookup "
	    "failed"));
	CHECK(kv_get(&ids, "record_id") == NULL);
}

/* zone = NAME: one zone lookup by that name; a mismatching name in the
 * reply is not taken. */
static void
test_zone_named(void)
{
	struct change c;

	setup(NULL, "example.com", -1, NULL);
	fake_http_push(200, ENV_LIST("{\"id\":\"zid7\",\"name\":"
	    "\"example.com\"}"), -1);
	fake_http_push(200, ENV_LIST(REC("rid7", ADDR4, 1, "false")), -1);
	mkchange(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 2);
	CHECK_STR(url(0), BASE "/zones?name=example.com");
	CHECK_STR(kv_get(&cache, "zone_id.example.com"), "zid7");

	setup(NULL, "example.com", -1, NULL);
	fake_http_push(200, ENV_LIST("{\"id\":\"zidX\",\"name\":"
	    "\"other.org\"}"), -1);
	mkchange(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_NOTFOUND);
	CHECK(fake_http_count() == 1);
}

/* A record id in the state: exactly one PATCH. */
static void
test_direct_patch(void)
{
	struct change	 c;
	cJSON		*b;

	setup(NULL, NULL, -1, NULL);
	kv_set(&ids, "record_id", "rid3");
	kv_set(&ids, "zone_id", "zid3");
	fake_http_push(200, ENV_OK("{\"id\":\"rid3\",\"content\":\"" ADDR4
	    "\"}"), -1);
	mkchange(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 1);
	CHECK_STR(method(0), "PATCH");
	CHECK_STR(url(0), BASE "/zones/zid3/dns_records/rid3");
	check_auth(0, 1);
	b = body(0);
	CHECK_STR(jstr(b, "content"), ADDR4);
	CHECK(cJSON_GetArraySize(b) == 1);
	cJSON_Delete(b);
	CHECK_STR(kv_get(&ids, "record_id"), "rid3");

	/* Configured ttl and proxied are sent too. */
	setup(NULL, NULL, 300, "yes");
	kv_set(&ids, "record_id", "rid3");
	kv_set(&ids, "zone_id", "zid3");
	fake_http_push(200, ENV_OK("{\"id\":\"rid3\"}"), -1);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 1);
	b = body(0);
	CHECK_STR(jstr(b, "content"), ADDR4);
	CHECK(jnum(b, "ttl") == 300);
	CHECK(jbool(b, "proxied") == 1);
	CHECK(cJSON_GetArraySize(b) == 3);
	cJSON_Delete(b);

	/* A PATCH answered with another address is not a success. */
	setup(NULL, NULL, -1, NULL);
	kv_set(&ids, "record_id", "rid3");
	kv_set(&ids, "zone_id", "zid3");
	fake_http_push(200, ENV_OK("{\"id\":\"rid3\",\"content\":"
	    "\"198.51.100.1\"}"), -1);
	run(&c, 1);
	CHECK(c.out == OUT_RETRY);
	CHECK(logged("unexpected reply"));
}

/* PATCH 404 (deleted upstream) -> lookup -> POST. */
static void
test_patch_404(void)
{
	struct change c;

	setup(NULL, NULL, -1, NULL);
	kv_set(&ids, "record_id", "rid4");
	kv_set(&ids, "zone_id", "zid4");
	fake_http_push(404, ENV_ERR(81044, "Record does not exist."), -1);
	fake_http_push(200, ENV_LIST(""), -1);
	fake_http_push(200, ENV_OK("{\"id\":\"rid5\"}"), -1);
	mkchange(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 3);
	CHECK_STR(method(0), "PATCH");
	CHECK_STR(url(1), BASE "/zones/zid4/dns_records?type=A"
	    "&name=home.example.com");
	CHECK_STR(method(2), "POST");
	CHECK_STR(url(2), BASE "/zones/zid4/dns_records");
	CHECK_STR(kv_get(&ids, "record_id"), "rid5");
	CHECK_STR(kv_get(&ids, "zone_id"), "zid4");
	CHECK(!logged("error"));

	/* The zone went too: its id is looked up again. */
	setup(NULL, NULL, -1, NULL);
	kv_set(&ids, "record_id", "rid4");
	kv_set(&ids, "zone_id", "zidOld");
	fake_http_push(404, ENV_ERR(81044, "Record does not exist."), -1);
	fake_http_push(404, ENV_ERR(7003, "Could not route"), -1);
	fake_http_push(200, ENV_LIST("{\"id\":\"zidNew\",\"name\":"
	    "\"home.example.com\"}"), -1);
	fake_http_push(200, ENV_LIST(REC("ridX", "198.51.100.1", 1, "true")),
	    -1);
	fake_http_push(200, ENV_OK("{\"id\":\"ridX\"}"), -1);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 5);
	CHECK_STR(url(2), BASE "/zones?name=home.example.com");
	CHECK_STR(url(3), BASE "/zones/zidNew/dns_records?type=A"
	    "&name=home.example.com");
	CHECK_STR(method(4), "PATCH");
	CHECK_STR(url(4), BASE "/zones/zidNew/dns_records/ridX");
	CHECK_STR(kv_get(&ids, "zone_id"), "zidNew");
	CHECK_STR(kv_get(&ids, "record_id"), "ridX");
	CHECK_STR(kv_get(&cache, "zone_id.home.example.com"), "zidNew");
}

/* A record that differs gets a PATCH of only what changes. */
static void
test_found_different(void)
{
	struct change	 c;
	cJSON		*b;

	setup("zid6", NULL, -1, NULL);
	fake_http_push(200, ENV_LIST(REC("rid6", "198.51.100.1", 1, "true")),
	    -1);
	fake_http_push(200, ENV_OK("{\"id\":\"rid6\"}"), -1);
	mkchange(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 2);
	CHECK_STR(method(1), "PATCH");
	CHECK_STR(url(1), BASE "/zones/zid6/dns_records/rid6");
	b = body(1);
	CHECK_STR(jstr(b, "content"), ADDR4);
	CHECK(cJSON_GetArraySize(b) == 1);	/* proxied, ttl, comment kept */
	cJSON_Delete(b);

	/* Same address, proxied differs from the config: only proxied. */
	setup("zid6", NULL, 300, "no");
	fake_http_push(200, ENV_LIST(REC("rid6", ADDR4, 300, "true")), -1);
	fake_http_push(200, ENV_OK("{\"id\":\"rid6\"}"), -1);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 2);
	b = body(1);
	CHECK(jbool(b, "proxied") == 0);
	CHECK(cJSON_GetArraySize(b) == 1);
	cJSON_Delete(b);

	/* A ttl that differs is sent. */
	setup("zid6", NULL, 300, NULL);
	fake_http_push(200, ENV_LIST(REC("rid6", ADDR4, 1, "false")), -1);
	fake_http_push(200, ENV_OK("{\"id\":\"rid6\"}"), -1);
	run(&c, 1);
	CHECK(fake_http_count() == 2);
	b = body(1);
	CHECK(jnum(b, "ttl") == 300);
	CHECK(cJSON_GetArraySize(b) == 1);
	cJSON_Delete(b);

	/* Proxied records are always auto TTL: not a difference. */
	setup("zid6", NULL, 300, NULL);
	fake_http_push(200, ENV_LIST(REC("rid6", ADDR4, 1, "true")), -1);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 1);
}

/* A new record gets the configured ttl and proxied. */
static void
test_create_configured(void)
{
	struct change	 c;
	cJSON		*b;

	setup("zid8", NULL, 120, "yes");
	fake_http_push(200, ENV_LIST(""), -1);
	fake_http_push(200, ENV_OK("{\"id\":\"rid8\"}"), -1);
	mkchange(&c, "home.example.com", 6, ADDR6, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK_STR(url(0), BASE "/zones/zid8/dns_records?type=AAAA"
	    "&name=home.example.com");
	b = body(1);
	CHECK_STR(jstr(b, "type"), "AAAA");
	CHECK_STR(jstr(b, "content"), ADDR6);
	CHECK(jnum(b, "ttl") == 120);
	CHECK(jbool(b, "proxied") == 1);
	cJSON_Delete(b);
}

struct err_case {
	long		 status;
	const char	*body;		/* NULL: transport failure */
	long		 retry_after;
	enum outcome	 want;
	const char	*msg;		/* expected in the log */
};

/* Every kind of failure on the record lookup. */
static void
test_errors(void)
{
	static const struct err_case cases[] = {
		{ 401, ENV_ERR(10000, "Authentication error"), -1, OUT_AUTH,
		  "[home] home.example.com A: cloudflare: record lookup "
		  "failed: token rejected or lacks Zone.DNS edit permission: "
		  "Authentication error (code 10000, HTTP 401)" },
		{ 403, ENV_ERR(9109, "Unauthorized to access requested "
		  "resource"), -1, OUT_AUTH, "Zone.DNS edit permission" },
		{ 403, "", -1, OUT_AUTH, "Zone.DNS edit permission (HTTP 403)" },
		{ 429, ENV_ERR(971, "Please wait"), 30, OUT_RATELIMIT,
		  "Please wait (code 971, HTTP 429)" },
		{ 500, "<html>oops</html>", -1, OUT_RETRY, "HTTP 500" },
		{ 400, ENV_ERR(1004, "DNS Validation Error"), -1, OUT_BADREQ,
		  "DNS Validation Error (code 1004, HTTP 400)" },
		{ 200, "<html>not json</html>", -1, OUT_RETRY,
		  "unexpected reply (HTTP 200)" },
		{ 200, ENV_ERR(9005, "Content for A record is invalid"), -1,
		  OUT_RETRY, "Content for A record is invalid (code 9005, "
		  "HTTP 200)" },
		{ 200, ENV_OK("{\"id\":\"x\"}"), -1, OUT_RETRY,
		  "unexpected reply" },
		{ 200, "{\"result\":[]}", -1, OUT_RETRY, "unexpected reply" },
		{ 200, "[1,2]", -1, OUT_RETRY, "unexpected reply" },
		{ 200, ENV_LIST("\"rid\""), -1, OUT_RETRY, "unexpected reply" },
		{ 0, NULL, -1, OUT_RETRY, "record lookup failed: connection "
		  "refused" },
	};
	struct change	c;
	size_t		i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setup("zid1", NULL, -1, NULL);
		if (cases[i].body)
			fake_http_push(cases[i].status, cases[i].body,
			    cases[i].retry_after);
		else
			fake_http_push_fail("connection refused");
		mkchange(&c, "home.example.com", 4, ADDR4, &ids);
		run(&c, 1);
		if (c.out != cases[i].want || !logged(cases[i].msg))
			fprintf(stderr, "case %zu: out %d, log: %s\n", i,
			    (int)c.out, buf_str(&last_log));
		CHECK(c.out == cases[i].want);
		CHECK(logged(cases[i].msg));
		CHECK(logged("error: "));
		CHECK(fake_http_count() == 1);
		CHECK(kv_get(&ids, "record_id") == NULL);
		CHECK(c.retry_after == (cases[i].retry_after > 0 ?
		    cases[i].retry_after : 0));
	}
}

/* Failures of the write itself. */
static void
test_write_errors(void)
{
	struct change c;

	setup("zid1", NULL, -1, NULL);
	fake_http_push(200, ENV_LIST(""), -1);
	fake_http_push(200, ENV_LIST(""), -1);	/* result not an object */
	mkchange(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_RETRY);
	CHECK(logged("record create failed: unexpected reply"));
	CHECK(kv_get(&ids, "record_id") == NULL);

	/* refused for the token: no lookup follows */
	setup("zid1", NULL, -1, NULL);
	kv_set(&ids, "record_id", "rid1");
	fake_http_push(403, ENV_ERR(10000, "Authentication error"), -1);
	run(&c, 1);
	CHECK(c.out == OUT_AUTH);
	CHECK(fake_http_count() == 1);
	CHECK(logged("record update failed: token rejected"));

	setup("zid1", NULL, -1, NULL);
	kv_set(&ids, "record_id", "rid1");
	fake_http_push(503, "", 12);
	run(&c, 1);
	CHECK(c.out == OUT_RETRY);
	CHECK(c.retry_after == 12);
	CHECK(fake_http_count() == 1);
}

/* Once rate limited, the remaining changes wait for the next run; one
 * zone lookup serves several changes. */
static void
test_several(void)
{
	struct change c[2];

	setup("zid1", NULL, -1, NULL);
	fake_http_push(429, ENV_ERR(971, "Please wait"), 17);
	mkchange(&c[0], "home.example.com", 4, ADDR4, &ids);
	mkchange(&c[1], "home.example.com", 6, ADDR6, &ids2);
	run(c, 2);
	CHECK(c[0].out == OUT_RATELIMIT);
	CHECK(c[1].out == OUT_RATELIMIT);
	CHECK(c[1].retry_after == 17);
	CHECK(fake_http_count() == 1);

	setup(NULL, NULL, -1, NULL);
	fake_http_push(200, ENV_LIST("{\"id\":\"zid9\",\"name\":"
	    "\"home.example.com\"}"), -1);
	fake_http_push(200, ENV_LIST(""), -1);
	fake_http_push(200, ENV_LIST("{\"id\":\"r6\",\"content\":\""
	    "2001:DB8::7\",\"ttl\":1,\"proxied\":false}"), -1);
	fake_http_push(200, ENV_OK("{\"id\":\"r4\"}"), -1);
	mkchange(&c[0], "home.example.com", 4, ADDR4, &ids);
	mkchange(&c[1], "home.example.com", 6, ADDR6, &ids2);
	run(c, 2);
	CHECK(c[0].out == OUT_OK);
	CHECK(c[1].out == OUT_OK);
	CHECK(fake_http_count() == 4);	/* AAAA: no zone lookup, no write */
	/* every lookup comes before the writes; one type each: by name */
	CHECK_STR(url(2), BASE "/zones/zid9/dns_records?type=AAAA"
	    "&name=home.example.com");
	CHECK_STR(method(3), "POST");
	CHECK_STR(url(3), BASE "/zones/zid9/dns_records");
	CHECK_STR(kv_get(&ids2, "record_id"), "r6");
}

/* Server text is cleaned and capped before it is logged. */
static void
test_server_text(void)
{
	struct change	 c;
	struct buf	 b = BUF_INIT(0);
	int		 i;

	buf_adds(&b, "{\"success\":false,\"errors\":[{\"code\":1,"
	    "\"message\":\"\\u001b[31mred");
	for (i = 0; i < 3000; i++)
		buf_adds(&b, "x");
	buf_adds(&b, "\"}],\"result\":null}");
	setup("zid1", NULL, -1, NULL);
	fake_http_push(400, buf_str(&b), -1);
	mkchange(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_BADREQ);
	CHECK(logged("?[31mred"));
	CHECK(strchr(buf_str(&last_log), 0x1b) == NULL);
	CHECK(last_log.len < 600);
	buf_free(&b);

	/* An endpoint override with a final '/' gives no double slash. */
	setup("zid1", NULL, -1, NULL);
	acct.endpoint = "http://127.0.0.1:9/cf/";
	fake_http_push(200, ENV_LIST(REC("rid2", ADDR4, 1, "false")), -1);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK_STR(url(0), "http://127.0.0.1:9/cf/zones/zid1/dns_records"
	    "?type=A&name=home.example.com");
	acct.endpoint = NULL;
}

/*
 * Batches and listings
 */

#define NBIG	450

static struct change	 big[NBIG];
static struct kv	 bigids[NBIG];
static char		 bignames[NBIG][40];

/* Gives big change i the record id "ridI" in its state ids. */
static void
set_rid(size_t i)
{
	char rid[32];

	snprintf(rid, sizeof(rid), "rid%zu", i);
	kv_set(&bigids[i], "record_id", rid);
}

/* Makes n changes "hN.example.com" -> ADDR4; with ids from the state
 * (record "ridN", zone zid) unless zid is NULL; verify as given. */
static void
mkbig(size_t n, const char *zid, int verify)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		kv_free(&bigids[i]);
		snprintf(bignames[i], sizeof(bignames[i]), "h%zu.example.com",
		    i);
		mkchange(&big[i], bignames[i], 4, ADDR4, &bigids[i]);
		big[i].verify = verify;
		big[i].old = "198.51.100.1";
		if (zid == NULL)
			continue;
		set_rid(i);
		kv_set(&bigids[i], "zone_id", zid);
	}
}

/* Appends one record object in the API's shape to b. */
static void
add_rec(struct buf *b, const char *id, const char *name, const char *type,
    const char *content)
{
	buf_printf(b, "{\"id\":\"%s\",\"zone_id\":\"zid\",\"name\":\"%s\","
	    "\"type\":\"%s\",\"content\":\"%s\",\"proxiable\":true,"
	    "\"proxied\":false,\"ttl\":1,\"comment\":null,\"tags\":[]}", id,
	    name, type, content);
}

/* Queues a batch reply whose patches are records ridFIRST..ridFIRST+n-1
 * of big[] holding ADDR4 (no posts). */
static void
push_batch_ok(size_t first, size_t n)
{
	struct buf	b = BUF_INIT(0);
	char		rid[32];
	size_t		i;

	buf_adds(&b, "{\"success\":true,\"errors\":[],\"messages\":[],"
	    "\"result\":{\"deletes\":[],\"patches\":[");
	for (i = first; i < first + n; i++) {
		snprintf(rid, sizeof(rid), "rid%zu", i);
		if (i > first)
			buf_adds(&b, ",");
		add_rec(&b, rid, bignames[i], "A", ADDR4);
	}
	buf_adds(&b, "],\"puts\":[],\"posts\":[]}}");
	fake_http_push(200, buf_str(&b), -1);
	buf_free(&b);
}

/* Returns o[k] when it is an array, else NULL. */
static const cJSON *
jarr(const cJSON *o, const char *k)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsArray(it) ? it : NULL;
}

/* Checks that request i is a batch for zone zid holding npatch patches
 * and npost posts, and nothing else. */
static void
check_batch(size_t i, const char *zid, int npatch, int npost)
{
	char	 want[256];
	cJSON	*b = body(i);

	snprintf(want, sizeof(want), BASE "/zones/%s/dns_records/batch", zid);
	CHECK_STR(method(i), "POST");
	CHECK_STR(url(i), want);
	check_auth(i, 1);
	CHECK(b != NULL && cJSON_IsObject(b));
	CHECK(cJSON_GetArraySize(b) == (npatch > 0) + (npost > 0));
	CHECK(cJSON_GetArraySize(jarr(b, "patches")) == npatch);
	CHECK(cJSON_GetArraySize(jarr(b, "posts")) == npost);
	CHECK(npatch > 0 || jarr(b, "patches") == NULL);
	CHECK(npost > 0 || jarr(b, "posts") == NULL);
	CHECK(jarr(b, "deletes") == NULL && jarr(b, "puts") == NULL);
	cJSON_Delete(b);
}

/* Records with ids in the state: one batch of PATCHes by id. */
static void
test_batch_direct(void)
{
	cJSON		*b;
	const cJSON	*p;
	size_t		 i;

	setup(NULL, NULL, -1, NULL);
	mkbig(3, "zidB", 0);
	/* the reply lists them in another order: matched by id */
	fake_http_push(200, ENV_OK("{\"patches\":["
	    "{\"id\":\"rid2\",\"name\":\"h2.example.com\",\"type\":\"A\","
	    "\"content\":\"" ADDR4 "\"},{\"id\":\"rid0\",\"content\":\""
	    ADDR4 "\"},{\"id\":\"rid1\"}],\"posts\":[]}"), -1);
	run(big, 3);
	CHECK(fake_http_count() == 1);
	check_batch(0, "zidB", 3, 0);
	b = body(0);
	i = 0;
	cJSON_ArrayForEach(p, jarr(b, "patches")) {
		char rid[32];

		snprintf(rid, sizeof(rid), "rid%zu", i++);
		CHECK_STR(jstr(p, "id"), rid);
		CHECK_STR(jstr(p, "content"), ADDR4);
		CHECK(cJSON_GetArraySize(p) == 2);
	}
	cJSON_Delete(b);
	for (i = 0; i < 3; i++) {
		CHECK(big[i].out == OUT_OK);
		CHECK_STR(kv_get(&bigids[i], "zone_id"), "zidB");
	}
	CHECK_STR(kv_get(&bigids[2], "record_id"), "rid2");
	CHECK(!logged("error"));

	/* configured ttl and proxied travel with each blind PATCH */
	setup(NULL, NULL, 300, "no");
	mkbig(2, "zidB", 0);
	push_batch_ok(0, 2);
	run(big, 2);
	CHECK(big[0].out == OUT_OK && big[1].out == OUT_OK);
	b = body(0);
	p = cJSON_GetArrayItem(jarr(b, "patches"), 1);
	CHECK_STR(jstr(p, "id"), "rid1");
	CHECK(jnum(p, "ttl") == 300);
	CHECK(jbool(p, "proxied") == 0);
	CHECK(cJSON_GetArraySize(p) == 4);
	cJSON_Delete(b);

	/* two zones: a batch for the pair, a plain PATCH for the single */
	setup(NULL, NULL, -1, NULL);
	mkbig(3, "zidB", 0);
	kv_set(&bigids[1], "zone_id", "zidC");
	fake_http_push(200, ENV_OK("{\"patches\":[{\"id\":\"rid0\"},"
	    "{\"id\":\"rid2\"}]}"), -1);
	fake_http_push(200, ENV_OK("{\"id\":\"rid1\"}"), -1);
	run(big, 3);
	CHECK(fake_http_count() == 2);
	check_batch(0, "zidB", 2, 0);
	CHECK_STR(method(1), "PATCH");
	CHECK_STR(url(1), BASE "/zones/zidC/dns_records/rid1");
	CHECK(big[0].out == OUT_OK && big[1].out == OUT_OK &&
	    big[2].out == OUT_OK);
	CHECK_STR(kv_get(&bigids[1], "zone_id"), "zidC");
}

/* No batch holds more than 200 writes. */
static void
test_batch_cap(void)
{
	size_t i, ok = 0;

	setup("zidK", NULL, -1, NULL);
	mkbig(NBIG, NULL, 0);
	for (i = 0; i < NBIG; i++)
		set_rid(i);
	push_batch_ok(0, 200);
	push_batch_ok(200, 200);
	push_batch_ok(400, 50);
	run(big, NBIG);
	CHECK(fake_http_count() == 3);
	check_batch(0, "zidK", 200, 0);
	check_batch(1, "zidK", 200, 0);
	check_batch(2, "zidK", 50, 0);
	for (i = 0; i < NBIG; i++)
		ok += big[i].out == OUT_OK;
	CHECK(ok == NBIG);

	/* 201: a full batch, then the last one alone */
	setup("zidK", NULL, -1, NULL);
	for (i = 0; i < 201; i++) {
		mkchange(&big[i], bignames[i], 4, ADDR4, &bigids[i]);
		set_rid(i);
	}
	push_batch_ok(0, 200);
	fake_http_push(200, ENV_OK("{\"id\":\"rid200\"}"), -1);
	run(big, 201);
	CHECK(fake_http_count() == 2);
	check_batch(0, "zidK", 200, 0);
	CHECK_STR(method(1), "PATCH");
	CHECK_STR(url(1), BASE "/zones/zidK/dns_records/rid200");
	CHECK(big[200].out == OUT_OK && big[0].out == OUT_OK);
}

/* A batch refused for trouble that is not about one record: every record
 * gets that outcome, with no request more. */
static void
test_batch_atomic(void)
{
	static const struct {
		long		 status;
		const char	*body;
		long		 retry_after;
		enum outcome	 want;
	} cases[] = {
		{ 500, "<html>oops</html>", -1, OUT_RETRY },
		{ 503, "", 40, OUT_RETRY },
		{ 429, ENV_ERR(971, "Please wait"), 25, OUT_RATELIMIT },
		{ 401, ENV_ERR(10000, "Authentication error"), -1, OUT_AUTH },
		{ 200, ENV_ERR(1000, "Something went wrong"), -1, OUT_RETRY },
		{ 200, "not json", -1, OUT_RETRY },
	};
	size_t	i, k;
	char	rid[32];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setup(NULL, NULL, -1, NULL);
		mkbig(3, "zidA", 0);
		fake_http_push(cases[i].status, cases[i].body,
		    cases[i].retry_after);
		run(big, 3);
		CHECK(fake_http_count() == 1);
		for (k = 0; k < 3; k++) {
			CHECK(big[k].out == cases[i].want);
			CHECK(big[k].retry_after == (cases[i].retry_after > 0 ?
			    cases[i].retry_after : 0));
			snprintf(rid, sizeof(rid), "rid%zu", k);
			CHECK_STR(kv_get(&bigids[k], "record_id"), rid);
		}
		CHECK(logged("batch update failed"));
		CHECK(logged("h2.example.com"));
	}
}

/* Queues reply (status, body) once, or, for a 403, n times: a 403 on a
 * zone id from the state makes the provider look the zone up once, and a
 * token that is really refused is refused there too. */
static void
push_auth(long status, const char *body, size_t n)
{
	size_t i;

	for (i = 0; i < (status == 403 ? n : 1); i++)
		fake_http_push(status, body, -1);
}

/* Returns 1 when a request of this case looked a zone up by name. */
static int
zone_looked_up(void)
{
	size_t i;

	for (i = 0; i < fake_http_count(); i++)
		if (strstr(fake_http_url(i), "/zones?name=") != NULL)
			return 1;
	return 0;
}

/* Checks a case's request count: exactly one, or for a 403 at most max
 * with the zone looked up again. */
static void
check_auth_count(long status, size_t max)
{
	if (status != 403)
		CHECK(fake_http_count() == 1);
	else
		CHECK(fake_http_count() <= max && zone_looked_up());
}

/* A batch refused as a whole for one bad record: the records go one by
 * one, so the others are done. */
static void
test_batch_fallback(void)
{
	cJSON *b;

	setup(NULL, NULL, -1, NULL);
	mkbig(3, "zidF", 0);
	fake_http_push(400, ENV_ERR(1004, "DNS Validation Error"), -1);
	fake_http_push(200, ENV_OK("{\"id\":\"rid0\"}"), -1);
	fake_http_push(400, ENV_ERR(9005, "Content for A record is invalid"),
	    -1);
	fake_http_push(200, ENV_OK("{\"id\":\"rid2\"}"), -1);
	/* a 400 on a remembered id may mean a stale id: looked up, and
	 * written once more */
	fake_http_push(200, ENV_LIST("{\"id\":\"rid1\",\"name\":"
	    "\"h1.example.com\",\"content\":\"198.51.100.1\"}"), -1);
	fake_http_push(400, ENV_ERR(9005, "Content for A record is invalid"),
	    -1);
	run(big, 3);
	CHECK(fake_http_count() == 6);
	check_batch(0, "zidF", 3, 0);
	CHECK_STR(method(1), "PATCH");
	CHECK_STR(url(1), BASE "/zones/zidF/dns_records/rid0");
	CHECK_STR(url(2), BASE "/zones/zidF/dns_records/rid1");
	CHECK_STR(url(3), BASE "/zones/zidF/dns_records/rid2");
	CHECK_STR(url(4), BASE "/zones/zidF/dns_records?type=A"
	    "&name=h1.example.com");
	CHECK_STR(url(5), BASE "/zones/zidF/dns_records/rid1");
	b = body(2);
	CHECK_STR(jstr(b, "content"), ADDR4);
	cJSON_Delete(b);
	CHECK(big[0].out == OUT_OK);
	CHECK(big[1].out == OUT_BADREQ);
	CHECK(big[2].out == OUT_OK);
	CHECK(logged("h1.example.com A: cloudflare: record update failed: "
	    "Content for A record is invalid"));
	CHECK(!logged("h0.example.com A: cloudflare"));

	/* 404: one record went; alone it is looked up and created again */
	setup(NULL, NULL, -1, NULL);
	mkbig(3, "zidF", 0);
	fake_http_push(404, ENV_ERR(81044, "Record does not exist."), -1);
	fake_http_push(200, ENV_OK("{\"id\":\"rid0\"}"), -1);
	fake_http_push(404, ENV_ERR(81044, "Record does not exist."), -1);
	fake_http_push(200, ENV_OK("{\"id\":\"rid2\"}"), -1);
	fake_http_push(200, ENV_LIST(""), -1);
	fake_http_push(200, ENV_OK("{\"id\":\"ridNew\",\"name\":"
	    "\"h1.example.com\",\"type\":\"A\",\"content\":\"" ADDR4 "\"}"),
	    -1);
	run(big, 3);
	CHECK(fake_http_count() == 6);
	CHECK_STR(url(4), BASE "/zones/zidF/dns_records?type=A"
	    "&name=h1.example.com");
	CHECK_STR(method(5), "POST");
	CHECK_STR(url(5), BASE "/zones/zidF/dns_records");
	CHECK(big[0].out == OUT_OK && big[1].out == OUT_OK &&
	    big[2].out == OUT_OK);
	CHECK_STR(kv_get(&bigids[1], "record_id"), "ridNew");
	CHECK(!logged("error"));

	/* told to slow down while going one by one: the rest wait */
	setup(NULL, NULL, -1, NULL);
	mkbig(3, "zidF", 0);
	fake_http_push(400, ENV_ERR(1004, "DNS Validation Error"), -1);
	fake_http_push(429, ENV_ERR(971, "Please wait"), 9);
	run(big, 3);
	CHECK(fake_http_count() == 2);
	CHECK(big[0].out == OUT_RATELIMIT && big[1].out == OUT_RATELIMIT &&
	    big[2].out == OUT_RATELIMIT);
	CHECK(big[2].retry_after == 9);
	CHECK(logged("leaving 2 more record(s)"));

	/* 403 on ids from the state: the zone may have been added again
	 * under a new id, so it is looked up by name; refused there too, the
	 * token is refused (a bounded number of requests) */
	setup(NULL, "example.com", -1, NULL);
	mkbig(2, "zidOld", 0);
	push_auth(403, ENV_ERR(10000, "Authentication error"), 12);
	run(big, 2);
	CHECK(fake_http_count() <= 7 && zone_looked_up());
	check_batch(0, "zidOld", 2, 0);
	CHECK(big[0].out == OUT_AUTH && big[1].out == OUT_AUTH);
	CHECK_STR(kv_get(&bigids[0], "zone_id"), "zidOld");
	CHECK(kv_get(&cache, "zone_id.example.com") == NULL);
}

/* A batch that went through but whose reply lacks a record, or shows
 * another address: only that record failed. */
static void
test_batch_partial_reply(void)
{
	setup(NULL, NULL, -1, NULL);
	mkbig(3, "zidP", 0);
	fake_http_push(200, ENV_OK("{\"patches\":[{\"id\":\"rid0\","
	    "\"content\":\"" ADDR4 "\"},{\"id\":\"rid2\",\"content\":"
	    "\"198.51.100.9\"}]}"), -1);
	run(big, 3);
	CHECK(fake_http_count() == 1);
	CHECK(big[0].out == OUT_OK);
	CHECK(big[1].out == OUT_RETRY);
	CHECK(big[2].out == OUT_RETRY);
	CHECK(logged("h1.example.com A: cloudflare: batch update failed: "
	    "unexpected reply (no record)"));
	CHECK(logged("h2.example.com A: cloudflare: batch update failed: "
	    "unexpected reply (record holds another address)"));

	/* no result object at all */
	setup(NULL, NULL, -1, NULL);
	mkbig(2, "zidP", 0);
	fake_http_push(200, ENV_OK("[]"), -1);
	run(big, 2);
	CHECK(big[0].out == OUT_RETRY && big[1].out == OUT_RETRY);
}

/* First run: one zone lookup, one listing of the zone's A records matched
 * by name here, one batch of what differs or is missing. */
static void
test_first_run_listing(void)
{
	struct buf	 l = BUF_INIT(0);
	cJSON		*b;
	const cJSON	*p;
	size_t		 i;

	setup(NULL, "example.com", -1, NULL);
	mkbig(4, NULL, 0);
	fake_http_push(200, ENV_LIST("{\"id\":\"zidL\",\"name\":"
	    "\"example.com\"}"), -1);
	buf_adds(&l, "{\"success\":true,\"errors\":[],\"result\":[");
	add_rec(&l, "rOther", "other.example.com", "A", "192.0.2.1");
	buf_adds(&l, ",");
	add_rec(&l, "rid0", "H0.Example.com", "A", ADDR4);	/* current */
	buf_adds(&l, ",");
	add_rec(&l, "rid1", "h1.example.com", "A", "198.51.100.1");
	buf_adds(&l, ",");
	add_rec(&l, "rAAAA", "h2.example.com", "AAAA", "2001:db8::1");
	buf_adds(&l, ",");
	add_rec(&l, "rid3", "h3.example.com", "A", "198.51.100.1");
	buf_adds(&l, "],\"result_info\":{\"page\":1,\"per_page\":1000,"
	    "\"count\":5,\"total_count\":5,\"total_pages\":1}}");
	fake_http_push(200, buf_str(&l), -1);
	fake_http_push(200, ENV_OK("{\"patches\":[{\"id\":\"rid3\"},"
	    "{\"id\":\"rid1\",\"content\":\"" ADDR4 "\"}],\"posts\":[{"
	    "\"id\":\"ridNew2\",\"name\":\"h2.example.com\",\"type\":\"A\","
	    "\"content\":\"" ADDR4 "\"}]}"), -1);
	run(big, 4);
	CHECK(fake_http_count() == 3);
	CHECK_STR(url(0), BASE "/zones?name=example.com");
	CHECK_STR(method(1), "GET");
	CHECK_STR(url(1), BASE "/zones/zidL/dns_records?type=A&per_page=1000"
	    "&page=1");
	check_auth(1, 0);
	check_batch(2, "zidL", 2, 1);
	b = body(2);
	p = cJSON_GetArrayItem(jarr(b, "patches"), 0);
	CHECK_STR(jstr(p, "id"), "rid1");
	CHECK_STR(jstr(p, "content"), ADDR4);
	CHECK(cJSON_GetArraySize(p) == 2);	/* only what differs */
	p = cJSON_GetArrayItem(jarr(b, "posts"), 0);
	CHECK_STR(jstr(p, "type"), "A");
	CHECK_STR(jstr(p, "name"), "h2.example.com");
	CHECK_STR(jstr(p, "content"), ADDR4);
	CHECK(jnum(p, "ttl") == 1);
	CHECK(jbool(p, "proxied") == 0);
	CHECK(jstr(p, "id") == NULL);
	cJSON_Delete(b);
	for (i = 0; i < 4; i++) {
		CHECK(big[i].out == OUT_OK);
		CHECK_STR(kv_get(&bigids[i], "zone_id"), "zidL");
	}
	CHECK_STR(kv_get(&bigids[0], "record_id"), "rid0");
	CHECK_STR(kv_get(&bigids[2], "record_id"), "ridNew2");
	CHECK_STR(kv_get(&bigids[3], "record_id"), "rid3");
	CHECK(!logged("error"));
	buf_free(&l);

	/* the same batch refused: each write alone */
	setup("zidL", NULL, -1, NULL);
	mkbig(2, NULL, 0);
	fake_http_push(200, "{\"success\":true,\"result\":["
	    REC("rid0", "198.51.100.1", 1, "false") "],\"result_info\":{"
	    "\"page\":1,\"total_pages\":1}}",
	    -1);		/* name home.example.com: matches neither */
	fake_http_push(400, ENV_ERR(1004, "DNS Validation Error"), -1);
	fake_http_push(200, ENV_OK("{\"id\":\"n0\"}"), -1);
	fake_http_push(500, "", -1);
	run(big, 2);
	CHECK(fake_http_count() == 4);
	check_batch(1, "zidL", 0, 2);
	CHECK_STR(method(2), "POST");
	CHECK_STR(url(2), BASE "/zones/zidL/dns_records");
	CHECK_STR(method(3), "POST");
	CHECK(big[0].out == OUT_OK && big[1].out == OUT_RETRY);
	CHECK_STR(kv_get(&bigids[0], "record_id"), "n0");
	CHECK(kv_get(&bigids[1], "record_id") == NULL);
}

/* Queues listing page page of total holding record ridN for name hN when
 * n is given (else a record of another name). */
static void
push_page(int page, int total, long n)
{
	struct buf	b = BUF_INIT(0);
	char		rid[32], name[48];

	if (n >= 0) {
		snprintf(rid, sizeof(rid), "rid%ld", n);
		snprintf(name, sizeof(name), "h%ld.example.com", n);
	} else {
		snprintf(rid, sizeof(rid), "x%d", page);
		snprintf(name, sizeof(name), "x%d.example.com", page);
	}
	buf_adds(&b, "{\"success\":true,\"result\":[");
	add_rec(&b, rid, name, "A", ADDR4);
	buf_printf(&b, "],\"result_info\":{\"page\":%d,\"total_pages\":%d}}",
	    page, total);
	fake_http_push(200, buf_str(&b), -1);
	buf_free(&b);
}

/* A listing is read page by page until every record is found; one cut
 * short leaves the rest to a lookup by name. */
static void
test_listing_pages(void)
{
	int i;

	setup("zidQ", NULL, -1, NULL);
	mkbig(2, NULL, 1);		/* verify: never written blind */
	push_page(1, 3, 1);
	push_page(2, 3, 0);
	run(big, 2);
	CHECK(fake_http_count() == 2);	/* page 3 not needed */
	CHECK_STR(url(1), BASE "/zones/zidQ/dns_records?type=A&per_page=1000"
	    "&page=2");
	CHECK(big[0].out == OUT_OK && big[1].out == OUT_OK);
	CHECK_STR(kv_get(&bigids[1], "record_id"), "rid1");

	/* 25 pages: 20 read, then h1 is asked for by name */
	setup("zidQ", NULL, -1, NULL);
	mkbig(2, NULL, 1);
	push_page(1, 25, 0);
	for (i = 2; i <= 20; i++)
		push_page(i, 25, -1);
	fake_http_push(200, ENV_LIST(""), -1);
	fake_http_push(200, ENV_OK("{\"id\":\"n1\"}"), -1);
	run(big, 2);
	CHECK(fake_http_count() == 22);
	CHECK_STR(url(19), BASE "/zones/zidQ/dns_records?type=A&per_page=1000"
	    "&page=20");
	CHECK_STR(url(20), BASE "/zones/zidQ/dns_records?type=A"
	    "&name=h1.example.com");
	CHECK_STR(method(21), "POST");
	CHECK(big[0].out == OUT_OK && big[1].out == OUT_OK);

	/* no result_info: not known to be whole, so h1 is asked for by name
	 * before it is created */
	setup("zidQ", NULL, -1, NULL);
	mkbig(2, NULL, 1);
	fake_http_push(200, ENV_LIST("{\"id\":\"rid0\",\"name\":"
	    "\"h0.example.com\",\"type\":\"A\",\"content\":\"" ADDR4 "\"}"), -1);
	fake_http_push(200, ENV_LIST(""), -1);
	fake_http_push(200, ENV_OK("{\"id\":\"n1\"}"), -1);
	run(big, 2);
	CHECK(fake_http_count() == 3);
	CHECK_STR(url(1), BASE "/zones/zidQ/dns_records?type=A"
	    "&name=h1.example.com");
	CHECK_STR(method(2), "POST");
	CHECK(big[0].out == OUT_OK && big[1].out == OUT_OK);

	/* a listing that fails fails the whole group */
	setup("zidQ", NULL, -1, NULL);
	mkbig(3, NULL, 1);
	fake_http_push(500, "", 7);
	run(big, 3);
	CHECK(fake_http_count() == 1);
	CHECK(big[0].out == OUT_RETRY && big[2].out == OUT_RETRY);
	CHECK(big[2].retry_after == 7);
	CHECK(logged("h2.example.com A: cloudflare: record listing failed"));
}

/* Verify: records with ids are looked up, not written blind; only those
 * that differ are written. */
static void
test_verify_many(void)
{
	struct buf	b = BUF_INIT(0);
	cJSON		*bd;

	setup(NULL, NULL, -1, NULL);
	mkbig(3, "zidV", 1);
	kv_set(&cache, "zone_id.example.com", "zidV");
	buf_adds(&b, "{\"success\":true,\"result\":[");
	add_rec(&b, "rid0", "h0.example.com", "A", ADDR4);
	buf_adds(&b, ",");
	add_rec(&b, "rid1", "h1.example.com", "A", "198.51.100.1");
	buf_adds(&b, ",");
	add_rec(&b, "rid2", "h2.example.com", "A", ADDR4);
	buf_adds(&b, "]}");
	fake_http_push(200, buf_str(&b), -1);
	fake_http_push(200, ENV_OK("{\"id\":\"rid1\"}"), -1);
	run(big, 3);
	CHECK(fake_http_count() == 2);
	CHECK_STR(url(0), BASE "/zones/zidV/dns_records?type=A&per_page=1000"
	    "&page=1");
	CHECK_STR(method(1), "PATCH");
	CHECK_STR(url(1), BASE "/zones/zidV/dns_records/rid1");
	bd = body(1);
	CHECK(cJSON_GetArraySize(bd) == 1);
	cJSON_Delete(bd);
	CHECK(big[0].out == OUT_OK && big[1].out == OUT_OK &&
	    big[2].out == OUT_OK);
	buf_free(&b);
}

/*
 * Reviewed defects: each case failed before its fix.
 */

/* A record of the API's shape: id, name and address (type A). */
#define RECN(id, name, content) "{\"id\":\"" id "\",\"type\":\"A\"," \
			"\"name\":\"" name "\",\"content\":\"" content "\"," \
			"\"ttl\":1,\"proxied\":false}"

/* Counts the times s occurs in the log of the last run. */
static size_t
logged_n(const char *s)
{
	const char	*p = buf_str(&last_log);
	size_t		 n = 0;

	while ((p = strstr(p, s)) != NULL) {
		n++;
		p += strlen(s);
	}
	return n;
}

/* A write by a remembered id whose reply names another record (renamed
 * upstream): the id is dropped and the record looked up in the same run. */
static void
test_direct_renamed(void)
{
	struct change c;

	setup(NULL, NULL, -1, NULL);
	kv_set(&ids, "record_id", "ridR");
	kv_set(&ids, "zone_id", "zidR");
	fake_http_push(200, ENV_OK(RECN("ridR", "renamed.example.com", ADDR4)),
	    -1);
	fake_http_push(200, ENV_LIST(RECN("ridH", "home.example.com",
	    "198.51.100.1")), -1);
	fake_http_push(200, ENV_OK(RECN("ridH", "home.example.com", ADDR4)),
	    -1);
	mkchange(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 3);
	CHECK_STR(method(0), "PATCH");
	CHECK_STR(url(0), BASE "/zones/zidR/dns_records/ridR");
	CHECK_STR(method(1), "GET");
	CHECK_STR(url(1), BASE "/zones/zidR/dns_records?type=A"
	    "&name=home.example.com");
	CHECK_STR(method(2), "PATCH");
	CHECK_STR(url(2), BASE "/zones/zidR/dns_records/ridH");
	CHECK_STR(kv_get(&ids, "record_id"), "ridH");
	CHECK_STR(kv_get(&ids, "zone_id"), "zidR");
	CHECK(logged("ridR"));
	CHECK(!logged("error"));

	/* another type: not there under the right name, so created */
	setup(NULL, NULL, -1, NULL);
	kv_set(&ids, "record_id", "ridR");
	kv_set(&ids, "zone_id", "zidR");
	fake_http_push(200, ENV_OK("{\"id\":\"ridR\",\"type\":\"AAAA\","
	    "\"name\":\"home.example.com\"}"), -1);
	fake_http_push(200, ENV_LIST(""), -1);
	fake_http_push(200, ENV_OK(RECN("ridN", "home.example.com", ADDR4)),
	    -1);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 3);
	CHECK_STR(method(2), "POST");
	CHECK_STR(kv_get(&ids, "record_id"), "ridN");

	/* in a batch: only the renamed one is looked up, then created */
	setup(NULL, NULL, -1, NULL);
	mkbig(3, "zidB", 0);
	fake_http_push(200, ENV_OK("{\"patches\":["
	    RECN("rid0", "h0.example.com", ADDR4) ","
	    RECN("rid1", "renamed.example.com", ADDR4) ","
	    RECN("rid2", "h2.example.com", ADDR4) "]}"), -1);
	fake_http_push(200, ENV_LIST(""), -1);
	fake_http_push(200, ENV_OK(RECN("ridNew", "h1.example.com", ADDR4)),
	    -1);
	run(big, 3);
	CHECK(fake_http_count() == 3);
	check_batch(0, "zidB", 3, 0);
	CHECK_STR(url(1), BASE "/zones/zidB/dns_records?type=A"
	    "&name=h1.example.com");
	CHECK_STR(method(2), "POST");
	CHECK(big[0].out == OUT_OK && big[1].out == OUT_OK &&
	    big[2].out == OUT_OK);
	CHECK_STR(kv_get(&bigids[1], "record_id"), "ridNew");
	CHECK_STR(kv_get(&bigids[2], "record_id"), "rid2");

	/* a write after a lookup that names another record is not retried */
	setup("zidW", NULL, -1, NULL);
	fake_http_push(200, ENV_LIST(RECN("ridW", "home.example.com",
	    "198.51.100.1")), -1);
	fake_http_push(200, ENV_OK(RECN("ridW", "other.example.com", ADDR4)),
	    -1);
	mkchange(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_RETRY);
	CHECK(fake_http_count() == 2);
	CHECK(kv_get(&ids, "record_id") == NULL);
}

/* Several records of one name and type: the one holding the address, else
 * the one the state keeps, else the first; one warning per name. */
static void
test_duplicates(void)
{
	struct change	 c;
	struct buf	 b = BUF_INIT(0);
	cJSON		*bd;

	/* verify: B holds the address, the state keeps B: no write */
	setup("zidV", NULL, -1, NULL);
	kv_set(&ids, "record_id", "ridB");
	kv_set(&ids, "zone_id", "zidV");
	fake_http_push(200, ENV_LIST(RECN("ridA", "home.example.com",
	    "198.51.100.1") "," RECN("ridB", "home.example.com", ADDR4)), -1);
	mkchange(&c, "home.example.com", 4, ADDR4, &ids);
	c.verify = 1;
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 1);
	CHECK_STR(kv_get(&ids, "record_id"), "ridB");
	CHECK(logged_n("home.example.com A: 2 records") == 1);

	/* the address wins over the state's id */
	setup("zidV", NULL, -1, NULL);
	kv_set(&ids, "record_id", "ridA");
	kv_set(&ids, "zone_id", "zidV");
	fake_http_push(200, ENV_LIST(RECN("ridA", "home.example.com",
	    "198.51.100.1") "," RECN("ridB", "home.example.com", ADDR4)), -1);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 1);
	CHECK_STR(kv_get(&ids, "record_id"), "ridB");

	/* a change, neither holds it: the state's B is patched, not A */
	setup(NULL, "example.com", -1, NULL);
	kv_set(&ids, "record_id", "ridB");
	fake_http_push(200, ENV_LIST("{\"id\":\"zidS\",\"name\":"
	    "\"example.com\",\"status\":\"active\"}"), -1);
	fake_http_push(200, ENV_LIST(RECN("ridA", "home.example.com",
	    "198.51.100.1") "," RECN("ridB", "home.example.com",
	    "198.51.100.2")), -1);
	fake_http_push(200, ENV_OK(RECN("ridB", "home.example.com", ADDR4)),
	    -1);
	mkchange(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 3);
	CHECK_STR(method(2), "PATCH");
	CHECK_STR(url(2), BASE "/zones/zidS/dns_records/ridB");
	CHECK_STR(kv_get(&ids, "record_id"), "ridB");
	CHECK(logged("2 records"));

	/* no preference: the first */
	setup("zidV", NULL, -1, NULL);
	fake_http_push(200, ENV_LIST(RECN("ridA", "home.example.com",
	    "198.51.100.1") "," RECN("ridB", "home.example.com",
	    "198.51.100.2") "," RECN("ridC", "home.example.com",
	    "198.51.100.3")), -1);
	fake_http_push(200, ENV_OK(RECN("ridA", "home.example.com", ADDR4)),
	    -1);
	mkchange(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK_STR(url(1), BASE "/zones/zidV/dns_records/ridA");
	CHECK(logged_n("home.example.com A: 3 records") == 1);

	/* in a listing, the same rules, one warning per name */
	setup("zidV", NULL, -1, NULL);
	mkbig(2, "zidV", 1);
	buf_adds(&b, "{\"success\":true,\"result\":[");
	add_rec(&b, "x0", "h0.example.com", "A", "198.51.100.1");
	buf_adds(&b, ",");
	add_rec(&b, "rid0", "h0.example.com", "A", "198.51.100.2");
	buf_adds(&b, ",");
	add_rec(&b, "rid1", "h1.example.com", "A", "198.51.100.1");
	buf_adds(&b, ",");
	add_rec(&b, "y1", "h1.example.com", "A", ADDR4);
	buf_adds(&b, "],\"result_info\":{\"page\":1,\"total_pages\":1}}");
	fake_http_push(200, buf_str(&b), -1);
	fake_http_push(200, ENV_OK(RECN("rid0", "h0.example.com", ADDR4)),
	    -1);
	run(big, 2);
	CHECK(fake_http_count() == 2);
	CHECK_STR(method(1), "PATCH");
	CHECK_STR(url(1), BASE "/zones/zidV/dns_records/rid0");
	bd = body(1);
	CHECK(cJSON_GetArraySize(bd) == 1);
	cJSON_Delete(bd);
	CHECK(big[0].out == OUT_OK && big[1].out == OUT_OK);
	CHECK_STR(kv_get(&bigids[0], "record_id"), "rid0");
	CHECK_STR(kv_get(&bigids[1], "record_id"), "y1");
	CHECK(logged_n("h0.example.com A: 2 records") == 1);
	CHECK(logged_n("h1.example.com A: 2 records") == 1);
	buf_free(&b);
}

/* zone = NAME: a record outside it is refused before any request (it
 * would be created under the zone's name); the name is compared lower case
 * and without a final dot. */
static void
test_zone_scope(void)
{
	struct change	c[3];
	struct kv	ids3 = KV_INIT;

	setup(NULL, "Example.COM.", -1, NULL);
	fake_http_push(200, ENV_LIST("{\"id\":\"zidN\",\"name\":"
	    "\"example.com\",\"status\":\"active\"}"), -1);
	fake_http_push(200, ENV_LIST(REC("ridN", ADDR4, 1, "false")), -1);
	mkchange(&c[0], "home.other.org", 4, ADDR4, &ids);
	mkchange(&c[1], "home.example.com", 4, ADDR4, &ids2);
	mkchange(&c[2], "home.notexample.com", 4, ADDR4, &ids3);
	run(c, 3);
	CHECK(c[0].out == OUT_BADREQ);
	CHECK(c[1].out == OUT_OK);
	CHECK(c[2].out == OUT_BADREQ);
	CHECK(fake_http_count() == 2);
	CHECK_STR(url(0), BASE "/zones?name=example.com");
	CHECK_STR(url(1), BASE "/zones/zidN/dns_records?type=A"
	    "&name=home.example.com");
	CHECK(logged("home.other.org A: cloudflare: update failed: record "
	    "home.other.org is not in zone example.com"));
	CHECK(logged("record home.notexample.com is not in zone example.com"));
	CHECK_STR(kv_get(&cache, "zone_id.example.com"), "zidN");
	CHECK(kv_get(&ids, "record_id") == NULL);
	kv_free(&ids3);

	/* the zone itself and names below it are in it */
	setup(NULL, "example.com", -1, NULL);
	kv_set(&cache, "zone_id.example.com", "zidN");
	fake_http_push(200, ENV_LIST(""), -1);
	fake_http_push(200, ENV_OK(RECN("ridZ", "example.com", ADDR4)), -1);
	mkchange(&c[0], "example.com", 4, ADDR4, &ids);
	run(c, 1);
	CHECK(c[0].out == OUT_OK);

	/* a zone that is no DNS name refuses the account */
	setup(NULL, "bad zone", -1, NULL);
	mkchange(&c[0], "home.example.com", 4, ADDR4, &ids);
	run(c, 1);
	CHECK(c[0].out == OUT_BADREQ);
	CHECK(fake_http_count() == 0);
	CHECK(logged("zone \"bad zone\" is not a DNS name"));
}

/* Authentication failures Cloudflare reports with HTTP 400 or 403 and an
 * envelope code: AUTH at once, never taken for a stale id. */

static void
test_auth_codes(void)
{
	static const struct {
		long		 status;
		const char	*body;
	} cases[] = {
		{ 400, "{\"success\":false,\"errors\":[{\"code\":6003,"
		  "\"message\":\"Invalid request headers\",\"error_chain\":[{"
		  "\"code\":6111,\"message\":\"Invalid format for "
		  "Authorization header\"}]}],\"messages\":[],"
		  "\"result\":null}" },
		{ 400, "{\"success\":false,\"errors\":[{\"code\":1,"
		  "\"message\":\"x\",\"error_chain\":[{\"code\":6111,"
		  "\"message\":\"Invalid format for Authorization header\"}]}],"
		  "\"result\":null}" },
		{ 400, ENV_ERR(9106, "Missing X-Auth-Key, X-Auth-Email or "
		  "Authorization headers") },
		{ 403, ENV_ERR(9109, "Unauthorized to access requested "
		  "resource") },
		{ 403, ENV_ERR(10000, "Authentication error") },
		{ 400, ENV_ERR(10001, "Unable to authenticate request") },
		{ 403, "" },
	};
	struct change	c;
	size_t		i, k;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* a PATCH by remembered ids */
		setup(NULL, NULL, -1, NULL);
		kv_set(&ids, "record_id", "rid1");
		kv_set(&ids, "zone_id", "zid1");
		push_auth(cases[i].status, cases[i].body, 8);
		mkchange(&c, "home.example.com", 4, ADDR4, &ids);
		run(&c, 1);
		if (c.out != OUT_AUTH)
			fprintf(stderr, "auth case %zu: out %d, %zu requests\n",
			    i, (int)c.out, fake_http_count());
		CHECK(c.out == OUT_AUTH);
		check_auth_count(cases[i].status, 3);
		CHECK(logged("token rejected"));

		/* a lookup in a zone remembered in the cache */
		setup(NULL, NULL, -1, NULL);
		kv_set(&cache, "zone_id.example.com", "zidC");
		push_auth(cases[i].status, cases[i].body, 8);
		mkchange(&c, "home.example.com", 4, ADDR4, &ids);
		run(&c, 1);
		CHECK(c.out == OUT_AUTH);
		check_auth_count(cases[i].status, 2);

		/* a batch: no record is sent alone, none looked up */
		setup(NULL, NULL, -1, NULL);
		mkbig(3, "zidA", 0);
		push_auth(cases[i].status, cases[i].body, 16);
		run(big, 3);
		check_auth_count(cases[i].status, 10);
		for (k = 0; k < 3; k++)
			CHECK(big[k].out == OUT_AUTH);

		/* a listing of a remembered zone */
		setup(NULL, NULL, -1, NULL);
		mkbig(2, "zidL", 1);
		kv_set(&cache, "zone_id.example.com", "zidL");
		push_auth(cases[i].status, cases[i].body, 8);
		run(big, 2);
		check_auth_count(cases[i].status, 2);
		CHECK(big[0].out == OUT_AUTH && big[1].out == OUT_AUTH);
	}

	/* the message names the code, and the chain's reason */
	setup(NULL, NULL, -1, NULL);
	kv_set(&ids, "record_id", "rid1");
	kv_set(&ids, "zone_id", "zid1");
	fake_http_push(cases[0].status, cases[0].body, -1);
	mkchange(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(logged("Invalid request headers"));
	CHECK(logged("code 6003, HTTP 400"));

	/* a 400 without such a code is still a possible stale id */
	setup(NULL, NULL, -1, NULL);
	kv_set(&ids, "record_id", "rid1");
	kv_set(&ids, "zone_id", "zid1");
	fake_http_push(400, ENV_ERR(7003, "Could not route"), -1);
	fake_http_push(200, ENV_LIST(REC("rid2", ADDR4, 1, "false")), -1);
	mkchange(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 2);
}

/* Several zones of the name: the active one; none active: the first, with
 * a warning. */
static void
test_zone_active(void)
{
	struct change c;

	setup(NULL, NULL, -1, NULL);
	fake_http_push(200, ENV_LIST("{\"id\":\"zidPend\",\"name\":"
	    "\"home.example.com\",\"status\":\"pending\"},{\"id\":\"zidAct\","
	    "\"name\":\"home.example.com\",\"status\":\"active\"}"), -1);
	fake_http_push(200, ENV_LIST(""), -1);
	fake_http_push(200, ENV_OK(RECN("ridQ", "home.example.com", ADDR4)),
	    -1);
	mkchange(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 3);
	CHECK_STR(url(1), BASE "/zones/zidAct/dns_records?type=A"
	    "&name=home.example.com");
	CHECK_STR(kv_get(&ids, "zone_id"), "zidAct");
	CHECK(!logged("not active"));

	setup(NULL, "example.com", -1, NULL);
	fake_http_push(200, ENV_LIST("{\"id\":\"zidP1\",\"name\":"
	    "\"example.com\",\"status\":\"pending\"},{\"id\":\"zidP2\","
	    "\"name\":\"example.com\",\"status\":\"moved\"}"), -1);
	fake_http_push(200, ENV_LIST(REC("ridP", ADDR4, 1, "false")), -1);
	mkchange(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK_STR(url(1), BASE "/zones/zidP1/dns_records?type=A"
	    "&name=home.example.com");
	CHECK(logged("warning: "));
	CHECK(logged("example.com is not active (pending)"));
}

/* A listing that does not say how many pages it has is never taken as
 * whole: a record missing from it is asked for by name before any POST. */
static void
test_listing_no_info(void)
{
	struct buf	b = BUF_INIT(0);
	char		rid[32], name[48];
	size_t		i;

	setup("zidI", NULL, -1, NULL);
	mkbig(2, NULL, 0);
	buf_adds(&b, "{\"success\":true,\"result\":[");
	add_rec(&b, "rid0", "h0.example.com", "A", ADDR4);
	for (i = 1; i < 100; i++) {
		snprintf(rid, sizeof(rid), "o%zu", i);
		snprintf(name, sizeof(name), "o%zu.example.com", i);
		buf_adds(&b, ",");
		add_rec(&b, rid, name, "A", "192.0.2.1");
	}
	buf_adds(&b, "]}");		/* a server capping per_page at 100 */
	fake_http_push(200, buf_str(&b), -1);
	fake_http_push(200, ENV_LIST(RECN("rid1", "h1.example.com",
	    "198.51.100.1")), -1);
	fake_http_push(200, ENV_OK(RECN("rid1", "h1.example.com", ADDR4)),
	    -1);
	run(big, 2);
	CHECK(fake_http_count() == 3);
	CHECK_STR(url(0), BASE "/zones/zidI/dns_records?type=A&per_page=1000"
	    "&page=1");
	CHECK_STR(method(1), "GET");
	CHECK_STR(url(1), BASE "/zones/zidI/dns_records?type=A"
	    "&name=h1.example.com");
	CHECK_STR(method(2), "PATCH");
	CHECK_STR(url(2), BASE "/zones/zidI/dns_records/rid1");
	for (i = 0; i < fake_http_count(); i++)
		CHECK(strcmp(method(i), "POST") != 0);
	CHECK(big[0].out == OUT_OK && big[1].out == OUT_OK);
	CHECK_STR(kv_get(&bigids[1], "record_id"), "rid1");
	buf_free(&b);
}

/* ttl: 1 (automatic) or 30 to 86400 seconds; another is refused before
 * any request. */
static void
test_ttl_range(void)
{
	static const long good[] = { -1, 1, 30, 60, 300, 86400 };
	static const long bad[] = { 2, 29, 86401, 604800 };
	struct change	c;
	size_t		i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		setup("zidT", NULL, good[i], NULL);
		fake_http_push(200, ENV_LIST(""), -1);
		fake_http_push(200, ENV_OK(RECN("ridT", "home.example.com",
		    ADDR4)), -1);
		mkchange(&c, "home.example.com", 4, ADDR4, &ids);
		run(&c, 1);
		CHECK(c.out == OUT_OK);
		CHECK(fake_http_count() == 2);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setup("zidT", NULL, bad[i], NULL);
		mkchange(&c, "home.example.com", 4, ADDR4, &ids);
		run(&c, 1);
		CHECK(c.out == OUT_BADREQ);
		CHECK(fake_http_count() == 0);
		CHECK(logged("ttl"));
		CHECK(logged("30 to 86400"));
	}
	acct.ttl = -1;
}

/* Stops http_multi after the first request. */
static int
stop_first(size_t i, int rc, struct http_resp *resp, void *arg)
{
	(void)resp;
	(void)rc;
	*(size_t *)arg += 1;
	return i == 0;
}

/* The fake transport's own helpers behave like http.c's contract. */
static void
test_fake(void)
{
	struct http_req		 rq[2];
	struct http_resp	 rs[2];
	char			 u[128];
	size_t			 calls = 0;

	http_url_for_log("https://user:pw@h.example:8443/p/a?token=1#f", u,
	    sizeof(u));
	CHECK_STR(u, "https://h.example:8443/p/a");
	http_url_for_log("http://h/x#frag", u, sizeof(u));
	CHECK_STR(u, "http://h/x");
	CHECK(http_is_https("HTTPS://x") == 1);
	CHECK(http_is_https("http://x") == 0);

	fake_http_reset();
	fake_http_push(201, "{}", 5);
	fake_http_push(200, "{}", -1);
	memset(rq, 0, sizeof(rq));
	rq[0].url = rq[1].url = "https://h/";
	rq[0].method = "POST";
	rq[0].body = "abc";
	rq[0].body_len = 3;
	CHECK(http_multi(ctx.http, rq, rs, 2, 0, stop_first, &calls) == 0);
	CHECK(calls == 1);
	CHECK(rs[0].status == 201 && rs[0].retry_after == 5);
	CHECK_STR(buf_str(&rs[0].body), "{}");
	CHECK(rs[1].status == 0);
	CHECK_STR(rs[1].error, "abandoned");
	CHECK(fake_http_count() == 1);
	CHECK_STR(fake_http_req(0)->body, "abc");
	CHECK(fake_http_pending() == 1);
	http_resp_free(&rs[0]);
	http_resp_free(&rs[1]);

	/* The reply cap applies as in http.c; an empty queue fails. */
	fake_http_reset();
	fake_http_push(200, "0123456789", -1);
	rq[1].max_body = 4;
	CHECK(http_do(ctx.http, &rq[1], &rs[1]) == -1);
	CHECK(strstr(rs[1].error, "larger") != NULL);
	CHECK(http_do(ctx.http, &rq[1], &rs[1]) == -1);
	CHECK(strstr(rs[1].error, "no reply queued") != NULL);
	CHECK_STR(fake_http_req(1)->method, "GET");
	http_resp_free(&rs[1]);
	fake_http_reset();
}

int
main(void)
{
	struct http_opts o = { 1000, NULL, NULL };

	log_init(1);	/* debug lines too: none may hold the token */
	acct.label = "home";
	acct.prov = &provider_cloudflare;
	acct.file = "test.ini";
	acct.line = 1;
	acct.ttl = -1;
	ctx.acct = &acct;
	ctx.http = http_new(&o);
	ctx.cache = &cache;
	ctx.now = 1700000000;

	cap_start();
	test_fake();
	cap_stop();
	test_providers();
	test_check();
	test_zone_id_create();
	test_walk_equal();
	test_walk_notfound();
	test_zone_named();
	test_direct_patch();
	test_patch_404();
	test_found_different();
	test_create_configured();
	test_errors();
	test_write_errors();
	test_several();
	test_server_text();
	test_batch_direct();
	test_batch_cap();
	test_batch_atomic();
	test_batch_fallback();
	test_batch_partial_reply();
	test_first_run_listing();
	test_listing_pages();
	test_verify_many();
	test_direct_renamed();
	test_duplicates();
	test_zone_scope();
	test_auth_codes();
	test_zone_active();
	test_listing_no_info();
	test_ttl_range();

	CHECK(all_log.len > 0);			/* the capture worked */
	CHECK(strstr(buf_str(&all_log), "-> 200") != NULL);
	CHECK(strstr(buf_str(&all_log), TOKEN) == NULL);

	http_free(ctx.http);
	fake_http_reset();
	kv_free(&acct.keys);
	kv_free(&cache);
	kv_free(&ids);
	kv_free(&ids2);
	for (size_t i = 0; i < NBIG; i++)
		kv_free(&bigids[i]);
	buf_free(&last_log);
	buf_free(&all_log);
	T_END("test_prov_cloudflare");
}
