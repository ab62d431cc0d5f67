/*
 * test_prov_huaweicloud.c - the Huawei Cloud DNS provider over the
 * scripted fake transport: requests, signatures, reply parsing, errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "fake_http.h"
#include "http.h"
#include "kv.h"
#include "log.h"
#include "provider.h"
#include "t.h"

#define BASE	"https://dns.myhuaweicloud.com"
#define AK	"HPUAKEXAMPLE1234ABCD"
#define SK	"hwSecretKey0123456789abcdefghijKLMNOPQRS"
#define NOW	1700000000LL
#define DATE	"20231114T221320Z"	/* NOW in UTC */
#define ADDR4	"203.0.113.7"
#define ADDR6	"2001:db8::7"
#define ZID	"ff8080825b8fc86c015b94bc6f8712c3"
#define RID	"ff8080825b8fc86c015b94bc6f8712c4"
#define RS_URL	BASE "/v2.1/zones/" ZID "/recordsets"
#define LIST_Q	"?limit=100&name=home.example.com.&offset=0&search_mode=equal" \
		"&type=A"

#define ZONES(items)	"{\"links\":{},\"zones\":[" items "],\"metadata\":{}}"
#define ZONE(id, name)	"{\"id\":\"" id "\",\"name\":\"" name "\"," \
			"\"zone_type\":\"public\",\"ttl\":300}"
#define RSETS(items)	"{\"links\":{},\"recordsets\":[" items "]," \
			"\"metadata\":{}}"
#define RS(id, name, type, rec, ttl, line) "{\"id\":\"" id "\",\"name\":\"" \
			name "\",\"type\":\"" type "\",\"ttl\":" #ttl "," \
			"\"records\":[" rec "],\"line\":\"" line "\"," \
			"\"status\":\"ACTIVE\",\"zone_id\":\"" ZID "\"}"
#define RS_A(id, addr)	RS(id, "home.example.com.", "A", "\"" addr "\"", \
			300, "default_view")
#define ERR(code, msg)	"{\"code\":\"" code "\",\"message\":\"" msg "\"}"
#define GWERR(code, msg) "{\"error_code\":\"" code "\",\"error_msg\":\"" \
			msg "\",\"request_id\":\"abc\"}"

extern const struct provider provider_huaweicloud;

static struct account	 acct;
static struct kv	 cache = KV_INIT, ids = KV_INIT, ids2 = KV_INIT;
static struct pctx	 ctx;
static char		*records[] = { "home.example.com", "nas.example.com" };

/* Starts a case: fresh account keys, caches and fake transport. */
static void
setup(const char *zone_id, const char *zone, long ttl)
{
	kv_free(&cache);
	kv_free(&ids);
	kv_free(&ids2);
	fake_http_reset();
	fake_acct_keys(&acct, "access_key", AK, "secret_key", SK, "zone_id",
	    zone_id, "zone", zone, NULL);
	acct.ttl = ttl;
	acct.endpoint = NULL;
	acct.records = records;
	acct.nrecords = 2;
}

/* Runs the provider on n changes with stderr captured. */
static void
run(struct change *ch, size_t n)
{
	fake_run(&provider_huaweicloud, &ctx, ch, n);
}

/* Checks a PUT/POST body: name, type, records = [addr], ttl (-1: none). */
static void
check_body(size_t i, const char *name, const char *type, const char *addr,
    long ttl)
{
	cJSON		*b = fake_http_json(i);
	const cJSON	*recs = cJSON_GetObjectItemCaseSensitive(b, "records");
	const cJSON	*r0 = cJSON_GetArrayItem(recs, 0);

	CHECK(b != NULL);
	CHECK_STR(fake_jstr(b, "name"), name);
	CHECK_STR(fake_jstr(b, "type"), type);
	CHECK(cJSON_IsArray(recs) && cJSON_GetArraySize(recs) == 1);
	CHECK(cJSON_IsString(r0) && strcmp(r0->valuestring, addr) == 0);
	if (ttl < 0) {
		CHECK(fake_jnum(b, "ttl") == -999);
		CHECK(cJSON_GetArraySize(b) == 3);
	} else {
		CHECK(fake_jnum(b, "ttl") == ttl);
		CHECK(cJSON_GetArraySize(b) == 4);
	}
	cJSON_Delete(b);
}

/* Returns the hex SHA-256 of s. */
static void
hex256(const char *s, char out[65])
{
	unsigned char h[32];

	crypto_sha256(s, strlen(s), h);
	crypto_hex(h, sizeof(h), out);
}

/*
 * Checks request i's signature the way the API gateway does, from the
 * spec and not through sign.c: canonical request from the method, the URL
 * path plus '/', its query, the three signed headers and the body hash.
 */
static void
check_sig(size_t i, const char *host)
{
	const struct fake_req	*r = fake_http_req(i);
	const char		*path, *q;
	struct buf		 creq = BUF_INIT(0), sts = BUF_INIT(0);
	struct buf		 want = BUF_INIT(0);
	char			 bh[65], ch[65], sig[65];
	unsigned char		 mac[32];

	CHECK(r != NULL);
	if (r == NULL)
		return;
	path = strstr(r->url, "://");
	path = path ? strchr(path + 3, '/') : NULL;
	CHECK(path != NULL);
	if (path == NULL)
		return;
	q = strchr(path, '?');
	hex256(r->body ? r->body : "", bh);
	buf_printf(&creq, "%s\n%.*s/\n%s\ncontent-type:application/json\n"
	    "host:%s\nx-sdk-date:%s\n\ncontent-type;host;x-sdk-date\n%s",
	    r->method, (int)(q ? (size_t)(q - path) : strlen(path)), path,
	    q ? q + 1 : "", host, DATE, bh);
	hex256(buf_str(&creq), ch);
	buf_printf(&sts, "SDK-HMAC-SHA256\n%s\n%s", DATE, ch);
	crypto_hmac_sha256(SK, strlen(SK), sts.data, sts.len, mac);
	crypto_hex(mac, sizeof(mac), sig);
	buf_printf(&want, "SDK-HMAC-SHA256 Access=%s, SignedHeaders="
	    "content-type;host;x-sdk-date, Signature=%s", AK, sig);
	CHECK_STR(fake_http_header(r, "Authorization"), buf_str(&want));
	CHECK_STR(fake_http_header(r, "Host"), host);
	CHECK_STR(fake_http_header(r, "X-Sdk-Date"), DATE);
	CHECK_STR(fake_http_header(r, "Content-Type"), "application/json");
	CHECK(strstr(r->url, SK) == NULL);
	buf_free(&creq);
	buf_free(&sts);
	buf_free(&want);
}

/* Checks every request of the last run with the default endpoint. */
static void
check_sigs(void)
{
	size_t i;

	for (i = 0; i < fake_http_count(); i++)
		check_sig(i, "dns.myhuaweicloud.com");
}

static void
test_table(void)
{
	const struct provider_key *k;
	int secret = 0, ak = 0;

	CHECK(provider_find("huaweicloud") == &provider_huaweicloud);
	CHECK_STR(provider_huaweicloud.api_base, BASE);
	for (k = provider_huaweicloud.keys; k->name; k++) {
		if (strcmp(k->name, "secret_key") == 0)
			secret = k->flags == (PKEY_REQUIRED | PKEY_SECRET);
		if (strcmp(k->name, "access_key") == 0)
			ak = (k->flags & PKEY_REQUIRED) != 0;
	}
	CHECK(secret && ak);
}

static void
test_check(void)
{
	setup(NULL, NULL, -1);
	CHECK(provider_huaweicloud.check(&acct) == 0);
	setup(ZID, "Example.COM.", -1);
	CHECK(provider_huaweicloud.check(&acct) == 0);

	setup(NULL, "other.org", -1);
	CHECK(fake_check(&provider_huaweicloud, &acct) == -1);
	CHECK(fake_logged("home.example.com is not in zone other.org"));

	setup(NULL, "exa mple.com", -1);
	CHECK(fake_check(&provider_huaweicloud, &acct) == -1);
	CHECK(fake_logged("zone"));

	setup("../evil?x=1", NULL, -1);
	CHECK(fake_check(&provider_huaweicloud, &acct) == -1);
	CHECK(fake_logged("zone_id"));

	setup(NULL, NULL, -1);
	kv_set(&acct.keys, "access_key", "AK, Signature=x");
	CHECK(fake_check(&provider_huaweicloud, &acct) == -1);
	CHECK(fake_logged("access_key"));

	setup(NULL, NULL, -1);
	kv_set(&acct.keys, "secret_key", "abc\r\ndef");
	CHECK(fake_check(&provider_huaweicloud, &acct) == -1);
	CHECK(fake_logged("secret_key"));
	CHECK(!fake_logged("abc"));
}

/* zone_id in the config; record set missing -> POST, signed. */
static void
test_zone_id_create(void)
{
	struct change c;

	setup(ZID, NULL, -1);
	fake_http_push(200, RSETS(""), -1);
	fake_http_push(202, "{\"id\":\"" RID "\",\"name\":\"home.example.com.\","
	    "\"type\":\"A\",\"ttl\":300,\"records\":[\"" ADDR4 "\"],"
	    "\"status\":\"PENDING_CREATE\"}", -1);
	fake_change(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 2);
	CHECK(fake_http_pending() == 0);
	CHECK_STR(fake_http_method(0), "GET");
	CHECK_STR(fake_http_url(0), RS_URL LIST_Q);
	CHECK(fake_http_req(0) && fake_http_req(0)->body == NULL);
	CHECK_STR(fake_http_method(1), "POST");
	CHECK_STR(fake_http_url(1), RS_URL);
	check_body(1, "home.example.com.", "A", ADDR4, -1);
	check_sigs();
	CHECK_STR(kv_get(&ids, "record_id"), RID);
	CHECK_STR(kv_get(&ids, "zone_id"), ZID);
	CHECK(!fake_logged("error"));
}

/* Zone found by walking up through fuzzy results; record set current. */
static void
test_walk_equal(void)
{
	struct change c;

	setup(NULL, NULL, -1);
	fake_http_push(200, ZONES(""), -1);
	fake_http_push(200, ZONES(ZONE("zX", "a.b.example.com.cn.")), -1);
	fake_http_push(200, ZONES(ZONE("zY", "myexample.com.") ","
	    ZONE("zZ", "b.example.com.") "," ZONE("z2", "Example.com.")), -1);
	fake_http_push(200, RSETS(RS("r2", "a.b.example.com.", "A",
	    "\"" ADDR4 "\"", 300, "default_view")), -1);
	fake_change(&c, "a.b.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 4);
	CHECK_STR(fake_http_url(0), BASE "/v2/zones?name=a.b.example.com.");
	CHECK_STR(fake_http_url(1), BASE "/v2/zones?name=b.example.com.");
	CHECK_STR(fake_http_url(2), BASE "/v2/zones?name=example.com.");
	CHECK_STR(fake_http_url(3), BASE "/v2.1/zones/z2/recordsets?"
	    "limit=100&name=a.b.example.com.&offset=0&search_mode=equal&type=A");
	check_sigs();
	CHECK_STR(kv_get(&cache, "zone_id.example.com"), "z2");
	CHECK_STR(kv_get(&ids, "zone_id"), "z2");
	CHECK_STR(kv_get(&ids, "record_id"), "r2");
	CHECK(!fake_logged("error"));

	/* Another record of the zone uses the cache: no zone request. */
	fake_http_reset();
	fake_http_push(200, RSETS(""), -1);
	fake_http_push(202, "{\"id\":\"r3\"}", -1);
	fake_change(&c, "c.example.com", 6, ADDR6, &ids2);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 2);
	CHECK_STR(fake_http_url(0), BASE "/v2.1/zones/z2/recordsets?"
	    "limit=100&name=c.example.com.&offset=0&search_mode=equal&type=AAAA");
	check_body(1, "c.example.com.", "AAAA", ADDR6, -1);
	CHECK_STR(kv_get(&ids2, "record_id"), "r3");
}

/* No zone at all: NOTFOUND after every candidate; zone = NAME asks once. */
static void
test_zone_notfound(void)
{
	struct change c;

	setup(NULL, NULL, -1);
	fake_http_push(200, ZONES(ZONE("zY", "myhome.example.com.")), -1);
	fake_http_push(200, ZONES(""), -1);
	fake_change(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_NOTFOUND);
	CHECK(fake_http_count() == 2);
	CHECK(fake_logged("[home] home.example.com A: huaweicloud: zone lookup "
	    "failed: no zone holds home.example.com"));
	CHECK(kv_get(&ids, "record_id") == NULL);

	setup(NULL, "example.com", -1);
	fake_http_push(200, ZONES(ZONE("zY", "example.com.cn.")), -1);
	run(&c, 1);
	CHECK(c.out == OUT_NOTFOUND);
	CHECK(fake_http_count() == 1);
	CHECK_STR(fake_http_url(0), BASE "/v2/zones?name=example.com.");
	CHECK(fake_logged("no zone example.com"));

	setup(NULL, "example.com.", 600);
	fake_http_push(200, ZONES(ZONE("z7", "example.com.")), -1);
	fake_http_push(200, RSETS(RS_A("r7", "198.51.100.1")), -1);
	fake_http_push(202, "{\"id\":\"r7\"}", -1);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 3);
	CHECK_STR(fake_http_method(2), "PUT");
	CHECK_STR(fake_http_url(2), BASE "/v2.1/zones/z7/recordsets/r7");
	check_body(2, "home.example.com.", "A", ADDR4, 600);
	CHECK_STR(kv_get(&cache, "zone_id.example.com"), "z7");

	/* An HTTP 404 from the zone list is no answer about zones: the walk
	 * stops there. */
	setup(NULL, NULL, -1);
	fake_http_push(404, GWERR("APIGW.0101", "The API does not exist"), -1);
	run(&c, 1);
	CHECK(c.out == OUT_NOTFOUND);
	CHECK(fake_http_count() == 1);
	CHECK(fake_logged("zone lookup failed: The API does not exist (code "
	    "APIGW.0101, HTTP 404)"));

	/* A record outside the configured zone is refused without asking. */
	setup(NULL, "example.org", -1);
	run(&c, 1);
	CHECK(c.out == OUT_BADREQ);
	CHECK(fake_http_count() == 0);
	CHECK(fake_logged("not in zone example.org"));
}

/* A PUT by the state's ids answered status/code (a stale zone id): the
 * zone is looked up again, then the record set in it, then PUT. */
static void
test_zone_gone(long status, const char *code, const char *msg)
{
	struct change	c;
	char		body[200];

	snprintf(body, sizeof(body), "{\"code\":\"%s\",\"message\":\"%s\"}",
	    code, msg);
	setup(NULL, NULL, -1);
	kv_set(&ids, "record_id", RID);
	kv_set(&ids, "zone_id", "zOld");
	kv_set(&cache, "zone_id.home.example.com", "zOld");
	fake_http_push(status, body, -1);
	fake_http_push(200, ZONES(ZONE("zNew", "home.example.com.")), -1);
	fake_http_push(200, RSETS(RS_A("rX", "198.51.100.1")), -1);
	fake_http_push(202, "{\"id\":\"rX\"}", -1);
	fake_change(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	if (c.out != OUT_OK)
		fprintf(stderr, "zone gone %ld %s: out %d, log: %s\n", status,
		    code, (int)c.out, fake_log_last());
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 4);
	CHECK(fake_http_pending() == 0);
	CHECK_STR(fake_http_method(0), "PUT");
	CHECK_STR(fake_http_url(0), BASE "/v2.1/zones/zOld/recordsets/" RID);
	CHECK_STR(fake_http_url(1), BASE "/v2/zones?name=home.example.com.");
	CHECK_STR(fake_http_url(2), BASE "/v2.1/zones/zNew/recordsets" LIST_Q);
	CHECK_STR(fake_http_method(3), "PUT");
	CHECK_STR(fake_http_url(3), BASE "/v2.1/zones/zNew/recordsets/rX");
	CHECK_STR(kv_get(&ids, "zone_id"), "zNew");
	CHECK_STR(kv_get(&ids, "record_id"), "rX");
	CHECK_STR(kv_get(&cache, "zone_id.home.example.com"), "zNew");
}

/* The ids in the state: one PUT; a 404 falls back to lookup and POST. */
static void
test_direct(void)
{
	struct change c;

	setup(NULL, NULL, -1);
	kv_set(&ids, "record_id", RID);
	kv_set(&ids, "zone_id", ZID);
	fake_http_push(202, "{\"id\":\"" RID "\",\"records\":[\"" ADDR4 "\"],"
	    "\"status\":\"PENDING_UPDATE\"}", -1);
	fake_change(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 1);
	CHECK_STR(fake_http_method(0), "PUT");
	CHECK_STR(fake_http_url(0), RS_URL "/" RID);
	check_body(0, "home.example.com.", "A", ADDR4, -1);
	check_sigs();

	/* Answered with another address: not a success. */
	setup(NULL, NULL, 120);
	kv_set(&ids, "record_id", RID);
	kv_set(&ids, "zone_id", ZID);
	fake_http_push(202, "{\"id\":\"" RID "\",\"records\":[\"198.51.100.1"
	    "\"]}", -1);
	run(&c, 1);
	CHECK(c.out == OUT_RETRY);
	check_body(0, "home.example.com.", "A", ADDR4, 120);
	CHECK(fake_logged("record update failed: unexpected reply"));

	/* Deleted upstream: PUT 404 -> list -> POST. */
	setup(NULL, NULL, -1);
	kv_set(&ids, "record_id", RID);
	kv_set(&ids, "zone_id", ZID);
	fake_http_push(404, ERR("DNS.0313", "This record set does not exist."),
	    -1);
	fake_http_push(200, RSETS(""), -1);
	fake_http_push(202, "{\"id\":\"r5\"}", -1);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 3);
	CHECK_STR(fake_http_url(1), RS_URL LIST_Q);
	CHECK_STR(fake_http_method(2), "POST");
	CHECK_STR(fake_http_url(2), RS_URL);
	CHECK_STR(kv_get(&ids, "record_id"), "r5");
	CHECK(!fake_logged("error"));

	/* The zone went too (DNS.0302, as 404 or 400; DNS.0301 for an id
	 * that is no zone id): its id is looked up again, once. */
	test_zone_gone(404, "DNS.0302", "This zone does not exist.");
	test_zone_gone(400, "DNS.0302", "This zone does not exist.");
	test_zone_gone(400, "DNS.0301", "Invalid zone ID.");

	/* A zone_id configured is not looked up: the failure stands. */
	setup("zOld", NULL, -1);
	kv_set(&ids, "record_id", RID);
	kv_set(&ids, "zone_id", "zOld");
	fake_http_push(400, ERR("DNS.0302", "This zone does not exist."), -1);
	run(&c, 1);
	CHECK(c.out != OUT_OK);
	CHECK(fake_http_count() == 1);

	/* Other failures of the PUT are final: no lookup. */
	setup(NULL, NULL, -1);
	kv_set(&ids, "record_id", RID);
	kv_set(&ids, "zone_id", ZID);
	fake_http_push(503, "", 12);
	run(&c, 1);
	CHECK(c.out == OUT_RETRY);
	CHECK(c.retry_after == 12);
	CHECK(fake_http_count() == 1);
}

/* verify: never a blind PUT; look it up, write only if different. */
static void
test_verify(void)
{
	struct change c;

	setup(NULL, NULL, -1);
	kv_set(&ids, "record_id", RID);
	kv_set(&ids, "zone_id", ZID);
	fake_http_push(200, RSETS(RS_A(RID, ADDR4)), -1);
	fake_change(&c, "home.example.com", 4, ADDR4, &ids);
	c.verify = 1;
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 1);
	CHECK_STR(fake_http_method(0), "GET");
	CHECK_STR(fake_http_url(0), RS_URL LIST_Q);
	check_sigs();

	setup(NULL, NULL, -1);
	kv_set(&ids, "record_id", RID);
	kv_set(&ids, "zone_id", ZID);
	fake_http_push(200, RSETS(RS_A("rOther", "198.51.100.1")), -1);
	fake_http_push(202, "{\"id\":\"rOther\"}", -1);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 2);
	CHECK_STR(fake_http_method(1), "PUT");
	CHECK_STR(fake_http_url(1), RS_URL "/rOther");
	CHECK_STR(kv_get(&ids, "record_id"), "rOther");
}

/* Only the exact name and type on the default line is taken; several
 * values or another TTL are a difference. */
static void
test_pick(void)
{
	struct change c;

	setup(ZID, NULL, -1);
	fake_http_push(200, RSETS(
	    RS("w1", "www.home.example.com.", "A", "\"" ADDR4 "\"", 300,
	    "default_view") ","
	    RS("w2", "home.example.com.", "AAAA", "\"" ADDR6 "\"", 300,
	    "default_view") ","
	    RS("w3", "home.example.com.", "A", "\"" ADDR4 "\"", 300,
	    "Dianxin") ","
	    RS("w4", "HOME.example.com.", "A", "\"198.51.100.1\",\"" ADDR4
	    "\"", 300, "default_view")), -1);
	fake_http_push(202, "{\"id\":\"w4\"}", -1);
	fake_change(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 2);
	CHECK_STR(fake_http_method(1), "PUT");
	CHECK_STR(fake_http_url(1), RS_URL "/w4");
	check_body(1, "home.example.com.", "A", ADDR4, -1);

	/* Same address, configured TTL differs: PUT with the TTL. */
	setup(ZID, NULL, 60);
	fake_http_push(200, RSETS(RS_A("w5", ADDR4)), -1);
	fake_http_push(202, "{\"id\":\"w5\"}", -1);
	run(&c, 1);
	CHECK(fake_http_count() == 2);
	check_body(1, "home.example.com.", "A", ADDR4, 60);

	/* Same address and TTL: nothing written. IPv6 compared canonically. */
	setup(ZID, NULL, 300);
	fake_http_push(200, RSETS(RS("w6", "home.example.com.", "AAAA",
	    "\"2001:DB8:0::7\"", 300, "default_view")), -1);
	fake_change(&c, "home.example.com", 6, ADDR6, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 1);
	CHECK_STR(fake_http_url(0), RS_URL "?limit=100&name=home.example.com."
	    "&offset=0&search_mode=equal&type=AAAA");
	CHECK_STR(kv_get(&ids, "record_id"), "w6");
}

struct err_case {
	long		 status;
	const char	*body;		/* NULL: transport failure */
	long		 retry_after;
	enum outcome	 want;
	const char	*msg;		/* expected in the log */
};

/* The record set on a later page (metadata.total_count says there is
 * one): the next page is asked for, it is updated, nothing created. */
static void
test_pages(void)
{
	struct change	c;
	struct buf	b = BUF_INIT(0);
	int		i;

	buf_adds(&b, "{\"recordsets\":[");
	for (i = 0; i < 100; i++)
		buf_printf(&b, "%s" RS("o%d", "home.example.com.", "A",
		    "\"198.51.100.1\"", 300, "Dianxin"), i ? "," : "", i);
	buf_adds(&b, "],\"metadata\":{\"total_count\":101}}");
	setup(ZID, NULL, -1);
	fake_http_push(200, buf_str(&b), -1);
	fake_http_push(200, "{\"recordsets\":[" RS_A("r101", "198.51.100.1")
	    "],\"metadata\":{\"total_count\":101}}", -1);
	fake_http_push(202, "{\"id\":\"r101\"}", -1);
	fake_change(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 3);
	CHECK(fake_http_pending() == 0);
	CHECK_STR(fake_http_url(0), RS_URL LIST_Q);
	CHECK_STR(fake_http_url(1), RS_URL "?limit=100&name=home.example.com."
	    "&offset=100&search_mode=equal&type=A");
	CHECK_STR(fake_http_method(2), "PUT");
	CHECK_STR(fake_http_url(2), RS_URL "/r101");
	CHECK_STR(kv_get(&ids, "record_id"), "r101");
	check_sigs();

	/* An empty page ends the walk: created. */
	setup(ZID, NULL, -1);
	fake_http_push(200, buf_str(&b), -1);
	fake_http_push(200, "{\"recordsets\":[],\"metadata\":"
	    "{\"total_count\":101}}", -1);
	fake_http_push(202, "{\"id\":\"rNew\"}", -1);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 3);
	CHECK_STR(fake_http_method(2), "POST");

	/* total_count reached on the first page: no second GET. */
	b.len -= strlen("101}}");
	buf_adds(&b, "100}}");
	setup(ZID, NULL, -1);
	fake_http_push(200, buf_str(&b), -1);
	fake_http_push(202, "{\"id\":\"rNew\"}", -1);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 2);
	CHECK_STR(fake_http_method(1), "POST");

	/* Pages that never end are not followed for ever. */
	b.len -= strlen("100}}");
	buf_adds(&b, "99999}}");
	setup(ZID, NULL, -1);
	for (i = 0; i < 20; i++)
		fake_http_push(200, buf_str(&b), -1);
	run(&c, 1);
	CHECK(c.out == OUT_BADREQ);
	CHECK(fake_http_count() == 20);
	CHECK(fake_logged("not among the first 2000 of 99999"));
	buf_free(&b);
}

/* Every kind of failure on the record lookup. */
static void
test_errors(void)
{
	static const struct err_case cases[] = {
		{ 401, GWERR("APIGW.0301", "Incorrect IAM authentication "
		  "information: verify aksk signature fail"), -1, OUT_AUTH,
		  "[home] home.example.com A: huaweicloud: record lookup "
		  "failed: access key rejected or lacking DNS permissions: "
		  "Incorrect IAM authentication information: verify aksk "
		  "signature fail (code APIGW.0301, HTTP 401)" },
		{ 403, ERR("DNS.0030", "Insufficient permissions."), -1,
		  OUT_AUTH, "Insufficient permissions. (code DNS.0030, HTTP "
		  "403)" },
		{ 403, "", -1, OUT_AUTH, "lacking DNS permissions (HTTP 403)" },
		{ 404, ERR("DNS.0302", "This zone does not exist."), -1,
		  OUT_NOTFOUND, "This zone does not exist. (code DNS.0302, "
		  "HTTP 404)" },
		{ 429, GWERR("APIGW.0308", "The throttling threshold has been "
		  "reached"), 30, OUT_RATELIMIT, "threshold has been reached "
		  "(code APIGW.0308, HTTP 429)" },
		{ 500, "<html>oops</html>", -1, OUT_RETRY, "HTTP 500" },
		{ 503, "{\"error\":{\"code\":\"SYS.503\",\"message\":\"busy\"}}",
		  7, OUT_RETRY, "busy (code SYS.503, HTTP 503)" },
		{ 400, ERR("DNS.0303", "Record set name is invalid."), -1,
		  OUT_BADREQ, "Record set name is invalid. (code DNS.0303, "
		  "HTTP 400)" },
		/* codes that say more than their status */
		{ 403, ERR("DNS.0014", "Request forbidden by flow control."),
		  20, OUT_RATELIMIT, "Request forbidden by flow control. (code "
		  "DNS.0014, HTTP 403)" },
		{ 403, ERR("DNS.0403", "Insufficient record set quota."), -1,
		  OUT_BADREQ, "Insufficient record set quota. (code DNS.0403, "
		  "HTTP 403)" },
		{ 403, ERR("DNS.0404", "Insufficient zone quota."), -1,
		  OUT_BADREQ, "(code DNS.0404, HTTP 403)" },
		{ 400, ERR("DNS.0314", "The record set is not in a steady "
		  "state."), -1, OUT_RETRY, "(code DNS.0314, HTTP 400)" },
		{ 409, ERR("DNS.0314", "The record set is not in a steady "
		  "state."), 5, OUT_RETRY, "(code DNS.0314, HTTP 409)" },
		{ 400, ERR("DNS.0209", "The zone is not in the normal state."),
		  -1, OUT_RETRY, "(code DNS.0209, HTTP 400)" },
		{ 400, ERR("DNS.0302", "This zone does not exist."), -1,
		  OUT_NOTFOUND, "(code DNS.0302, HTTP 400)" },
		{ 200, "<html>not json</html>", -1, OUT_RETRY,
		  "unexpected reply (HTTP 200)" },
		{ 200, GWERR("APIGW.0301", "Incorrect IAM authentication "
		  "information"), -1, OUT_AUTH, "(code APIGW.0301, HTTP 200)" },
		{ 200, GWERR("APIGW.0308", "throttled"), -1, OUT_RATELIMIT,
		  "throttled (code APIGW.0308, HTTP 200)" },
		{ 200, ERR("DNS.0001", "odd"), -1, OUT_RETRY,
		  "odd (code DNS.0001, HTTP 200)" },
		{ 200, "{\"recordsets\":{}}", -1, OUT_RETRY,
		  "unexpected reply (no record set list)" },
		{ 200, "[1,2]", -1, OUT_RETRY, "unexpected reply" },
		{ 200, RSETS("\"x\",7,null"), -1, OUT_OK, NULL },
		{ 200, RSETS("{\"name\":\"home.example.com.\",\"type\":\"A\","
		  "\"records\":[\"" ADDR4 "\"]}"), -1, OUT_RETRY,
		  "unexpected reply (bad record set id)" },
		{ 0, NULL, -1, OUT_RETRY, "record lookup failed: connection "
		  "refused" },
	};
	struct change	c;
	size_t		i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setup(ZID, NULL, -1);
		if (cases[i].body)
			fake_http_push(cases[i].status, cases[i].body,
			    cases[i].retry_after);
		else
			fake_http_push_fail("connection refused");
		if (cases[i].want == OUT_OK)	/* junk skipped: create */
			fake_http_push(202, "{\"id\":\"rNew\"}", -1);
		fake_change(&c, "home.example.com", 4, ADDR4, &ids);
		run(&c, 1);
		if (c.out != cases[i].want ||
		    (cases[i].msg && !fake_logged(cases[i].msg)))
			fprintf(stderr, "case %zu: out %d, log: %s\n", i,
			    (int)c.out, fake_log_last());
		CHECK(c.out == cases[i].want);
		CHECK(fake_http_pending() == 0);
		if (cases[i].want == OUT_OK)
			continue;
		CHECK(fake_logged(cases[i].msg));
		CHECK(fake_logged("error: "));
		CHECK(fake_http_count() == 1);
		CHECK(kv_get(&ids, "record_id") == NULL);
		CHECK(c.retry_after == (cases[i].retry_after > 0 &&
		    cases[i].want != OUT_AUTH && cases[i].want != OUT_NOTFOUND
		    && cases[i].want != OUT_BADREQ ?
		    cases[i].retry_after : 0));
	}
}

/* Failures of the write itself, and a zone lookup that fails. */
static void
test_write_errors(void)
{
	struct change c;

	setup(ZID, NULL, -1);
	fake_http_push(200, RSETS(""), -1);
	fake_http_push(202, "{\"status\":\"PENDING_CREATE\"}", -1);
	fake_change(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_RETRY);
	CHECK(fake_logged("record create failed: unexpected reply (no record "
	    "set id)"));
	CHECK(kv_get(&ids, "record_id") == NULL);

	setup(ZID, NULL, -1);
	fake_http_push(200, RSETS(""), -1);
	fake_http_push(400, ERR("DNS.0312", "Conflict with a CNAME record."),
	    -1);
	run(&c, 1);
	CHECK(c.out == OUT_BADREQ);
	CHECK(fake_logged("record create failed: Conflict with a CNAME record. "
	    "(code DNS.0312, HTTP 400)"));

	setup(NULL, NULL, -1);
	fake_http_push(401, GWERR("APIGW.0301", "Incorrect IAM"), -1);
	run(&c, 1);
	CHECK(c.out == OUT_AUTH);
	CHECK(fake_http_count() == 1);
	CHECK(fake_logged("zone lookup failed: access key rejected"));

	setup(NULL, NULL, -1);
	fake_http_push(200, "{\"zones\":[{\"name\":\"home.example.com.\"}]}",
	    -1);
	run(&c, 1);
	CHECK(c.out == OUT_RETRY);
	CHECK(fake_logged("bad zone id"));
}

/* Once rate limited, the rest wait; one zone lookup serves several. */
static void
test_several(void)
{
	struct change c[2];

	setup(ZID, NULL, -1);
	fake_http_push(429, GWERR("APIGW.0308", "throttled"), 17);
	fake_change(&c[0], "home.example.com", 4, ADDR4, &ids);
	fake_change(&c[1], "home.example.com", 6, ADDR6, &ids2);
	run(c, 2);
	CHECK(c[0].out == OUT_RATELIMIT);
	CHECK(c[1].out == OUT_RATELIMIT);
	CHECK(c[1].retry_after == 17);
	CHECK(fake_http_count() == 1);

	setup(NULL, NULL, -1);
	fake_http_push(200, ZONES(ZONE("z9", "home.example.com.")), -1);
	fake_http_push(200, RSETS(""), -1);
	fake_http_push(202, "{\"id\":\"r4\"}", -1);
	fake_http_push(200, RSETS(RS("r6", "home.example.com.", "AAAA",
	    "\"" ADDR6 "\"", 300, "default_view")), -1);
	fake_change(&c[0], "home.example.com", 4, ADDR4, &ids);
	fake_change(&c[1], "home.example.com", 6, ADDR6, &ids2);
	run(c, 2);
	CHECK(c[0].out == OUT_OK);
	CHECK(c[1].out == OUT_OK);
	CHECK(fake_http_count() == 4);
	CHECK_STR(fake_http_url(3), BASE "/v2.1/zones/z9/recordsets?limit=100&"
	    "name=home.example.com.&offset=0&search_mode=equal&type=AAAA");
	CHECK_STR(kv_get(&ids, "record_id"), "r4");
	CHECK_STR(kv_get(&ids2, "record_id"), "r6");
}

/* Endpoint overrides: the port goes into Host (and the signature), a
 * default port does not, a path prefix is part of the canonical URI. */
static void
test_endpoint(void)
{
	struct change c;

	setup(ZID, NULL, -1);
	acct.endpoint = "https://127.0.0.1:8443/dns/";
	fake_http_push(200, RSETS(RS_A("r1", ADDR4)), -1);
	fake_change(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK_STR(fake_http_url(0), "https://127.0.0.1:8443/dns/v2.1/zones/" ZID
	    "/recordsets" LIST_Q);
	check_sig(0, "127.0.0.1:8443");

	setup(ZID, NULL, -1);
	acct.endpoint = "https://dns.ap-southeast-1.myhuaweicloud.com:443";
	fake_http_push(200, RSETS(RS_A("r1", ADDR4)), -1);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	check_sig(0, "dns.ap-southeast-1.myhuaweicloud.com");

	setup(ZID, NULL, -1);
	acct.endpoint = "https://127.0.0.1:8443/x?y=1";
	run(&c, 1);
	CHECK(c.out == OUT_BADREQ);
	CHECK(fake_http_count() == 0);
	CHECK(fake_logged("bad endpoint"));
	acct.endpoint = NULL;
}

/* Server text is cleaned and capped before it is logged. */
static void
test_server_text(void)
{
	struct change	 c;
	struct buf	 b = BUF_INIT(0);
	int		 i;

	buf_adds(&b, "{\"code\":\"DNS.0001\",\"message\":\"\\u001b[31mred");
	for (i = 0; i < 3000; i++)
		buf_adds(&b, "x");
	buf_adds(&b, "\"}");
	setup(ZID, NULL, -1);
	fake_http_push(400, buf_str(&b), -1);
	fake_change(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_BADREQ);
	CHECK(fake_logged("?[31mred"));
	CHECK(strchr(fake_log_last(), 0x1b) == NULL);
	CHECK(strlen(fake_log_last()) < 600);
	buf_free(&b);
}

int
main(void)
{
	CHECK(fake_ctx_init(&ctx, &acct, &provider_huaweicloud, "home",
	    &cache) == 0);
	ctx.now = NOW;

	test_table();
	test_check();
	test_zone_id_create();
	test_walk_equal();
	test_zone_notfound();
	test_direct();
	test_verify();
	test_pick();
	test_pages();
	test_errors();
	test_write_errors();
	test_several();
	test_endpoint();
	test_server_text();

	CHECK(*fake_log_all() != '\0');			/* the capture worked */
	CHECK(strstr(fake_log_all(), "-> 202") != NULL);
	CHECK(strstr(fake_log_all(), SK) == NULL);
	CHECK(strstr(fake_log_all(), "Signature=") == NULL);

	fake_ctx_free(&ctx, &acct);
	kv_free(&cache);
	kv_free(&ids);
	kv_free(&ids2);
	T_END("test_prov_huaweicloud");
}
