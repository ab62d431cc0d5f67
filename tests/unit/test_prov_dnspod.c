/*
 * test_prov_dnspod.c - the Tencent Cloud DNSPod provider over the scripted
 * fake transport: request building (headers, TC3 signature, JSON bodies),
 * find -> update-if-different -> create-if-missing, cached IDs, verify
 * mode, the domain walk, every error class, malformed replies, and no
 * secret in any log line.
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

#define BASE	"https://dnspod.tencentcloudapi.com"
#define SID	"AKIDdnspodTESTid0123456789abcdefXYZ"
#define SKEY	"dnspodSECRETkey0123456789abcdefQ"
#define NOW	1551113065LL		/* 2019-02-25 */
#define LINE	"\xe9\xbb\x98\xe8\xae\xa4"	/* "默认" */
#define LINE_CT	"\xe7\x94\xb5\xe4\xbf\xa1"	/* "电信" */
#define ADDR4	"203.0.113.7"
#define ADDR6	"2001:db8::7"

#define RESP(in)	"{\"Response\":{" in ",\"RequestId\":\"req-1\"}}"
#define ERR(code, msg)	"{\"Response\":{\"Error\":{\"Code\":\"" code "\"," \
			"\"Message\":\"" msg "\"},\"RequestId\":\"req-2\"}}"
#define LIST(items)	RESP("\"RecordCountInfo\":{\"SubdomainCount\":1," \
			"\"TotalCount\":1,\"ListCount\":1},\"RecordList\":[" \
			items "]")
#define REC(id, name, type, line, value, ttl) "{\"RecordId\":" #id \
			",\"Value\":\"" value "\",\"Status\":\"ENABLE\"," \
			"\"Name\":\"" name "\",\"Line\":\"" line "\"," \
			"\"LineId\":\"0\",\"Type\":\"" type "\",\"TTL\":" \
			#ttl ",\"MX\":0,\"Weight\":null}"
#define REC_A(id, value, ttl)	REC(id, "home", "A", LINE, value, ttl)
#define DONE(id)	RESP("\"RecordId\":" #id)
#define NODATA		ERR("ResourceNotFound.NoDataOfRecord", \
			"No records on the list")

extern const struct provider provider_dnspod;

static struct account	 acct;
static struct kv	 cache = KV_INIT, ids = KV_INIT, ids2 = KV_INIT;
static struct pctx	 ctx;

/* Starts a case: fresh account keys, caches and fake transport. */
static void
setup(const char *zone, long ttl)
{
	kv_free(&cache);
	kv_free(&ids);
	kv_free(&ids2);
	fake_http_reset();
	fake_acct_keys(&acct, "secret_id", SID, "secret_key", SKEY, "zone",
	    zone, NULL);
	acct.ttl = ttl;
	acct.endpoint = NULL;
	acct.records = NULL;
	acct.nrecords = 0;
}

/* Runs the provider on n changes with stderr captured. */
static void
run(struct change *ch, size_t n)
{
	fake_run(&provider_dnspod, &ctx, ch, n);
}

/* Returns the X-TC-Action of request i, or "". */
static const char *
action(size_t i)
{
	const char *a = fake_http_req_header(i, "X-TC-Action");

	return a ? a : "";
}

/* Lower-cases s into out (size n). */
static void
lower(const char *s, char *out, size_t n)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < n; i++)
		out[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
	out[i] = '\0';
}

/*
 * Recomputes request i's TC3 signature from the spec, by hand (canonical
 * request written out here, key chain with the crypto primitives), and
 * returns 1 when the Authorization header carries exactly it.
 */
static int
sig_ok(size_t i)
{
	const struct fake_req	*r = fake_http_req(i);
	const char		*host, *ct, *act, *auth;
	char			 la[64], bh[65], ch[65], sig[65], want[512];
	char			 creq[2048], sts[512], k0[128];
	unsigned char		 h[32], kd[32], ks[32], kr[32], mac[32];

	if (r == NULL || r->body == NULL)
		return 0;
	host = fake_http_header(r, "Host");
	ct = fake_http_header(r, "Content-Type");
	act = fake_http_header(r, "X-TC-Action");
	auth = fake_http_header(r, "Authorization");
	if (host == NULL || ct == NULL || act == NULL || auth == NULL)
		return 0;
	lower(act, la, sizeof(la));
	crypto_sha256(r->body, r->body_len, h);
	crypto_hex(h, 32, bh);
	snprintf(creq, sizeof(creq), "POST\n/\n\ncontent-type:%s\nhost:%s\n"
	    "x-tc-action:%s\n\ncontent-type;host;x-tc-action\n%s", ct, host,
	    la, bh);
	crypto_sha256(creq, strlen(creq), h);
	crypto_hex(h, 32, ch);
	snprintf(sts, sizeof(sts), "TC3-HMAC-SHA256\n%lld\n2019-02-25/dnspod/"
	    "tc3_request\n%s", NOW, ch);
	snprintf(k0, sizeof(k0), "TC3%s", SKEY);
	crypto_hmac_sha256(k0, strlen(k0), "2019-02-25", 10, kd);
	crypto_hmac_sha256(kd, 32, "dnspod", 6, ks);
	crypto_hmac_sha256(ks, 32, "tc3_request", 11, kr);
	crypto_hmac_sha256(kr, 32, sts, strlen(sts), mac);
	crypto_hex(mac, 32, sig);
	snprintf(want, sizeof(want), "TC3-HMAC-SHA256 Credential=" SID
	    "/2019-02-25/dnspod/tc3_request, SignedHeaders=content-type;host;"
	    "x-tc-action, Signature=%s", sig);
	return strcmp(auth, want) == 0;
}

/* Checks what every request carries: POST to the endpoint, the common
 * headers, a valid signature, and no secret anywhere in it. */
static void
check_req(size_t i, const char *url, const char *host, const char *act)
{
	const struct fake_req	*r = fake_http_req(i);
	size_t			 k;

	CHECK(r != NULL);
	if (r == NULL)
		return;
	CHECK_STR(r->method, "POST");
	CHECK_STR(r->url, url);
	CHECK_STR(action(i), act);
	CHECK_STR(fake_http_header(r, "Host"), host);
	CHECK_STR(fake_http_header(r, "Content-Type"),
	    "application/json; charset=utf-8");
	CHECK_STR(fake_http_header(r, "X-TC-Version"), "2021-03-23");
	CHECK_STR(fake_http_header(r, "X-TC-Timestamp"), "1551113065");
	CHECK(sig_ok(i));
	CHECK(r->max_body > 0 && r->max_body <= ((size_t)1 << 20));
	for (k = 0; k < r->nheaders; k++)
		CHECK(strstr(r->headers[k], SKEY) == NULL);
	CHECK(r->body == NULL || strstr(r->body, SKEY) == NULL);
	CHECK(strstr(r->url, SKEY) == NULL);
}

/* Checks a DescribeRecordList body. */
static void
check_list(size_t i, const char *dom, const char *sub, const char *type,
    const char *line)
{
	cJSON *b = fake_http_json(i);

	CHECK(b != NULL);
	CHECK_STR(fake_jstr(b, "Domain"), dom);
	CHECK_STR(fake_jstr(b, "Subdomain"), sub);
	CHECK_STR(fake_jstr(b, "RecordType"), type);
	CHECK_STR(fake_jstr(b, "RecordLine"), line);
	CHECK(cJSON_GetArraySize(b) == 4);
	cJSON_Delete(b);
}

/* Checks a ModifyRecord (rid > 0) or CreateRecord (rid 0) body; ttl -1
 * means no TTL sent. */
static void
check_write(size_t i, const char *dom, const char *sub, const char *type,
    const char *value, double rid, double ttl)
{
	cJSON *b = fake_http_json(i);

	CHECK(b != NULL);
	CHECK_STR(fake_jstr(b, "Domain"), dom);
	CHECK_STR(fake_jstr(b, "SubDomain"), sub);
	CHECK_STR(fake_jstr(b, "RecordType"), type);
	CHECK_STR(fake_jstr(b, "RecordLine"), LINE);
	CHECK_STR(fake_jstr(b, "Value"), value);
	CHECK(fake_jnum(b, "RecordId") == (rid > 0 ? rid : -999));
	CHECK(fake_jnum(b, "TTL") == (ttl >= 0 ? ttl : -999));
	CHECK(cJSON_GetArraySize(b) == 5 + (rid > 0) + (ttl >= 0));
	cJSON_Delete(b);
}

static void
test_table(void)
{
	const struct provider_key	*k;
	int				 id = 0, key = 0;

	CHECK(provider_find("dnspod") == &provider_dnspod);
	CHECK_STR(provider_dnspod.api_base, BASE);
	for (k = provider_dnspod.keys; k->name; k++) {
		if (strcmp(k->name, "secret_id") == 0)
			id = k->flags == PKEY_REQUIRED;
		if (strcmp(k->name, "secret_key") == 0)
			key = k->flags == (PKEY_REQUIRED | PKEY_SECRET);
	}
	CHECK(id && key);
}

static void
test_check(void)
{
	static char	*recs[] = { "home.example.com", "example.com" };
	static char	*other[] = { "home.example.org" };

	setup(NULL, -1);
	acct.records = recs;
	acct.nrecords = 2;
	CHECK(fake_check(&provider_dnspod, &acct) == 0);
	kv_set(&acct.keys, "zone", "Example.COM.");
	CHECK(fake_check(&provider_dnspod, &acct) == 0);
	kv_set(&acct.keys, "zone", "xample.com");
	CHECK(fake_check(&provider_dnspod, &acct) == -1);
	CHECK(fake_logged("zone") && fake_logged("home.example.com"));

	setup(NULL, -1);
	acct.records = other;
	acct.nrecords = 1;
	kv_set(&acct.keys, "zone", "example.com");
	CHECK(fake_check(&provider_dnspod, &acct) == -1);

	setup(NULL, -1);
	kv_set(&acct.keys, "secret_id", "AKID with space");
	CHECK(fake_check(&provider_dnspod, &acct) == -1);
	CHECK(fake_logged("secret_id"));

	setup(NULL, -1);
	kv_set(&acct.keys, "secret_key", "abc\r\nX-Evil: 1");
	CHECK(fake_check(&provider_dnspod, &acct) == -1);
	CHECK(fake_logged("secret_key"));
	CHECK(!fake_logged("X-Evil"));

	setup(NULL, -1);
	kv_set(&acct.keys, "record_line", "");
	CHECK(fake_check(&provider_dnspod, &acct) == -1);
	kv_set(&acct.keys, "record_line", LINE_CT);
	CHECK(fake_check(&provider_dnspod, &acct) == 0);

	acct.endpoint = "https://127.0.0.1:8443/?x=1";
	CHECK(fake_check(&provider_dnspod, &acct) == -1);
	acct.endpoint = "https://127.0.0.1:8443";
	CHECK(fake_check(&provider_dnspod, &acct) == 0);
	acct.endpoint = NULL;
}

/* Zone configured, no record: list (NoDataOfRecord) -> CreateRecord. */
static void
test_create(void)
{
	struct change c;

	setup("example.com", -1);
	fake_http_push(200, NODATA, -1);
	fake_http_push(200, DONE(101), -1);
	fake_change(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 2);
	CHECK(fake_http_pending() == 0);
	check_req(0, BASE, "dnspod.tencentcloudapi.com", "DescribeRecordList");
	check_list(0, "example.com", "home", "A", LINE);
	check_req(1, BASE, "dnspod.tencentcloudapi.com", "CreateRecord");
	check_write(1, "example.com", "home", "A", ADDR4, 0, -1);
	CHECK_STR(kv_get(&ids, "record_id"), "101");
	CHECK_STR(kv_get(&ids, "domain"), "example.com");
	CHECK(kv_get(&ids, "ttl") == NULL);
	CHECK(!fake_logged("failed"));

	/* The configured TTL is sent and kept; the apex is "@". */
	setup("example.com", 300);
	fake_http_push(200, NODATA, -1);
	fake_http_push(200, DONE(102), -1);
	fake_change(&c, "example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	check_list(0, "example.com", "@", "A", LINE);
	check_write(1, "example.com", "@", "A", ADDR4, 0, 300);
	CHECK_STR(kv_get(&ids, "ttl"), "300");

	/* An empty RecordList is "no record" as well. */
	setup("example.com", -1);
	fake_http_push(200, LIST(""), -1);
	fake_http_push(200, DONE(103), -1);
	fake_change(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK_STR(action(1), "CreateRecord");
	CHECK_STR(kv_get(&ids, "record_id"), "103");
}

/* Found with another address: ModifyRecord, keeping the record's TTL. */
static void
test_update(void)
{
	struct change c;

	setup("example.com", -1);
	fake_http_push(200, LIST(REC_A(555, "198.51.100.1", 120)), -1);
	fake_http_push(200, DONE(555), -1);
	fake_change(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 2);
	check_req(1, BASE, "dnspod.tencentcloudapi.com", "ModifyRecord");
	check_write(1, "example.com", "home", "A", ADDR4, 555, 120);
	CHECK_STR(kv_get(&ids, "record_id"), "555");
	CHECK_STR(kv_get(&ids, "ttl"), "120");

	/* Same address but another TTL than configured: modified. */
	setup("example.com", 600);
	fake_http_push(200, LIST(REC_A(556, ADDR4, 120)), -1);
	fake_http_push(200, DONE(556), -1);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 2);
	check_write(1, "example.com", "home", "A", ADDR4, 556, 600);
	CHECK_STR(kv_get(&ids, "ttl"), "600");

	/* A modify reply without RecordId still keeps the id. */
	setup("example.com", -1);
	fake_http_push(200, LIST(REC_A(557, "198.51.100.1", 600)), -1);
	fake_http_push(200, RESP("\"Note\":1"), -1);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK_STR(kv_get(&ids, "record_id"), "557");
}

/* Already holding the address (and TTL): one request, nothing written. */
static void
test_current(void)
{
	struct change c;

	setup("example.com", 600);
	fake_http_push(200, LIST(REC_A(558, ADDR4, 600)), -1);
	fake_change(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 1);
	CHECK_STR(kv_get(&ids, "record_id"), "558");
	CHECK_STR(kv_get(&ids, "domain"), "example.com");
	CHECK(fake_logged("already holds") || !log_enabled(LV_DEBUG));

	/* AAAA, compared canonically ("2001:DB8:0::7" is ADDR6). */
	setup("example.com", -1);
	fake_http_push(200, LIST(REC(559, "home", "AAAA", LINE,
	    "2001:DB8:0::7", 600)), -1);
	fake_change(&c, "home.example.com", 6, ADDR6, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 1);
	check_list(0, "example.com", "home", "AAAA", LINE);
}

/* Records of other lines, names or types are not ours; of two of ours,
 * the one already right is kept. */
static void
test_pick(void)
{
	struct change c;

	setup("example.com", -1);
	fake_http_push(200, LIST(REC(1, "home", "A", LINE_CT, ADDR4, 600) ","
	    REC(2, "home2", "A", LINE, ADDR4, 600) ","
	    REC(3, "home", "AAAA", LINE, ADDR6, 600) ","
	    REC(4, "HOME", "A", LINE, "198.51.100.4", 600)), -1);
	fake_http_push(200, DONE(4), -1);
	fake_change(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 2);
	check_write(1, "example.com", "home", "A", ADDR4, 4, 600);

	setup("example.com", -1);
	fake_http_push(200, LIST(REC_A(5, "198.51.100.5", 600) ","
	    REC_A(6, ADDR4, 600)), -1);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 1);
	CHECK_STR(kv_get(&ids, "record_id"), "6");
	CHECK(fake_logged("2 records"));

	/* Only records of other lines: ours is created. */
	setup("example.com", -1);
	fake_http_push(200, LIST(REC(7, "home", "A", LINE_CT, ADDR4, 600)),
	    -1);
	fake_http_push(200, DONE(8), -1);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK_STR(action(1), "CreateRecord");
	CHECK_STR(kv_get(&ids, "record_id"), "8");
}

/* A custom line and an endpoint with a port and a path. */
static void
test_line_endpoint(void)
{
	struct change	 c;
	cJSON		*b;

	setup("example.com", -1);
	kv_set(&acct.keys, "record_line", LINE_CT);
	acct.endpoint = "https://127.0.0.1:8443";
	fake_http_push(200, NODATA, -1);
	fake_http_push(200, DONE(9), -1);
	fake_change(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	check_req(0, "https://127.0.0.1:8443", "127.0.0.1:8443",
	    "DescribeRecordList");
	check_list(0, "example.com", "home", "A", LINE_CT);
	b = fake_http_json(1);
	CHECK_STR(fake_jstr(b, "RecordLine"), LINE_CT);
	cJSON_Delete(b);

	/* A path in the endpoint is POSTed to (and signed: not "/"). */
	setup("example.com", -1);
	acct.endpoint = "https://User@Api.Example.NET/tc3";
	fake_http_push(200, LIST(REC_A(10, ADDR4, 600)), -1);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK_STR(fake_http_header(fake_http_req(0), "Host"),
	    "api.example.net");
	CHECK_STR(fake_http_req(0)->url, "https://User@Api.Example.NET/tc3");
	CHECK(!sig_ok(0));	/* sig_ok assumes "/": the path was signed */
	acct.endpoint = NULL;
}

/* The record id in the state: one ModifyRecord, nothing else. */
static void
test_cached_id(void)
{
	struct change c;

	setup(NULL, -1);
	kv_set(&ids, "record_id", "777");
	kv_set(&ids, "domain", "example.com");
	kv_set(&ids, "ttl", "120");
	fake_http_push(200, DONE(777), -1);
	fake_change(&c, "home.example.com", 4, ADDR4, &ids);
	c.old = "198.51.100.1";
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 1);
	check_req(0, BASE, "dnspod.tencentcloudapi.com", "ModifyRecord");
	check_write(0, "example.com", "home", "A", ADDR4, 777, 120);
	CHECK_STR(kv_get(&ids, "record_id"), "777");

	/* A configured zone that differs from the state's: looked up. */
	setup("example.org", -1);
	kv_set(&ids, "record_id", "777");
	kv_set(&ids, "domain", "example.com");
	fake_http_push(200, LIST(REC_A(778, ADDR4, 600)), -1);
	fake_change(&c, "home.example.org", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK_STR(action(0), "DescribeRecordList");
	CHECK_STR(kv_get(&ids, "domain"), "example.org");
	CHECK_STR(kv_get(&ids, "record_id"), "778");

	/* A garbled id in the state is not sent. */
	setup("example.com", -1);
	kv_set(&ids, "record_id", "12ab");
	kv_set(&ids, "domain", "example.com");
	fake_http_push(200, LIST(REC_A(779, ADDR4, 600)), -1);
	fake_change(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 1);
	CHECK_STR(action(0), "DescribeRecordList");
}

/* The id in the state is gone: lookup, then create. */
static void
test_cached_gone(void)
{
	struct change c;

	setup("example.com", -1);
	kv_set(&ids, "record_id", "777");
	kv_set(&ids, "domain", "example.com");
	fake_http_push(200, ERR("InvalidParameter.RecordIdInvalid",
	    "Record id is invalid."), -1);
	fake_http_push(200, NODATA, -1);
	fake_http_push(200, DONE(780), -1);
	fake_change(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 3);
	CHECK_STR(action(0), "ModifyRecord");
	CHECK_STR(action(1), "DescribeRecordList");
	CHECK_STR(action(2), "CreateRecord");
	check_write(2, "example.com", "home", "A", ADDR4, 0, -1);
	CHECK_STR(kv_get(&ids, "record_id"), "780");
	CHECK(!fake_logged("failed"));

	/* ResourceNotFound on the modify: found again by the lookup. */
	setup("example.com", -1);
	kv_set(&ids, "record_id", "777");
	kv_set(&ids, "domain", "example.com");
	fake_http_push(200, ERR("ResourceNotFound", "gone"), -1);
	fake_http_push(200, LIST(REC_A(781, "198.51.100.1", 600)), -1);
	fake_http_push(200, DONE(781), -1);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 3);
	check_write(2, "example.com", "home", "A", ADDR4, 781, 600);

	/* Another failure of the direct modify is not retried by lookup. */
	setup("example.com", -1);
	kv_set(&ids, "record_id", "777");
	kv_set(&ids, "domain", "example.com");
	fake_http_push(200, ERR("InternalError", "busy"), -1);
	run(&c, 1);
	CHECK(c.out == OUT_RETRY);
	CHECK(fake_http_count() == 1);
}

/* DomainRecordExist on a write: looked up, and done when a record of
 * ours already holds the address (its id then kept). */
static void
test_record_exist(void)
{
	struct change c;

	setup(NULL, -1);
	kv_set(&ids, "record_id", "777");
	kv_set(&ids, "domain", "example.com");
	fake_http_push(200, ERR("InvalidParameter.DomainRecordExist",
	    "The record already exists."), -1);
	fake_http_push(200, LIST(REC_A(790, ADDR4, 600)), -1);
	fake_change(&c, "home.example.com", 4, ADDR4, &ids);
	c.old = "198.51.100.1";
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 2);
	CHECK(fake_http_pending() == 0);
	CHECK_STR(action(0), "ModifyRecord");
	CHECK_STR(action(1), "DescribeRecordList");
	check_list(1, "example.com", "home", "A", LINE);
	CHECK_STR(kv_get(&ids, "record_id"), "790");
	CHECK_STR(kv_get(&ids, "domain"), "example.com");
	CHECK(!fake_logged("failed"));

	/* The next run uses the id found: one ModifyRecord. */
	fake_http_reset();
	fake_http_push(200, DONE(790), -1);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 1);
	check_write(0, "example.com", "home", "A", ADDR4, 790, 600);

	/* On a create after the lookup: looked again, found done. */
	setup("example.com", -1);
	fake_http_push(200, NODATA, -1);
	fake_http_push(200, ERR("InvalidParameter.DomainRecordExist",
	    "The record already exists."), -1);
	fake_http_push(200, LIST(REC_A(791, ADDR4, 600)), -1);
	fake_change(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 3);
	CHECK_STR(action(1), "CreateRecord");
	CHECK_STR(kv_get(&ids, "record_id"), "791");

	/* Refused as existing, but nothing of ours holds it: a failure. */
	setup("example.com", -1);
	fake_http_push(200, NODATA, -1);
	fake_http_push(200, ERR("InvalidParameter.DomainRecordExist",
	    "The record already exists."), -1);
	fake_http_push(200, NODATA, -1);
	run(&c, 1);
	CHECK(c.out == OUT_BADREQ);
	CHECK(fake_http_count() == 3);
	CHECK(fake_logged("refused as existing"));
	CHECK(kv_get(&ids, "record_id") == NULL);
}

/* Verify mode never writes blindly by the cached id. */
static void
test_verify(void)
{
	struct change c;

	setup(NULL, -1);
	kv_set(&ids, "record_id", "777");
	kv_set(&ids, "domain", "example.com");
	kv_set(&cache, "zone.example.com", "example.com");
	fake_http_push(200, LIST(REC_A(777, ADDR4, 600)), -1);
	fake_change(&c, "home.example.com", 4, ADDR4, &ids);
	c.verify = 1;
	c.old = ADDR4;
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 1);
	CHECK_STR(action(0), "DescribeRecordList");
	check_list(0, "example.com", "home", "A", LINE);

	/* Someone changed it: fixed. */
	setup(NULL, -1);
	kv_set(&ids, "record_id", "777");
	kv_set(&ids, "domain", "example.com");
	kv_set(&cache, "zone.example.com", "example.com");
	fake_http_push(200, LIST(REC_A(777, "198.51.100.9", 600)), -1);
	fake_http_push(200, DONE(777), -1);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 2);
	CHECK_STR(action(1), "ModifyRecord");
	check_write(1, "example.com", "home", "A", ADDR4, 777, 600);
}

/* No zone configured: the name and its parents are tried; the domain
 * found is cached and used by the next record straight away. */
static void
test_walk(void)
{
	struct change c[2];

	setup(NULL, -1);
	fake_http_push(200, ERR("InvalidParameter.DomainInvalid",
	    "The domain is invalid."), -1);
	fake_http_push(200, ERR("InvalidParameterValue.DomainNotExists",
	    "The domain does not exist."), -1);
	fake_http_push(200, NODATA, -1);
	fake_http_push(200, DONE(201), -1);
	fake_http_push(200, LIST(REC(202, "nas", "A", LINE, ADDR4, 600)), -1);
	fake_change(&c[0], "a.b.example.com", 4, ADDR4, &ids);
	fake_change(&c[1], "nas.example.com", 4, ADDR4, &ids2);
	run(c, 2);
	CHECK(c[0].out == OUT_OK);
	CHECK(c[1].out == OUT_OK);
	CHECK(fake_http_count() == 5);
	check_list(0, "a.b.example.com", "@", "A", LINE);
	check_list(1, "b.example.com", "a", "A", LINE);
	check_list(2, "example.com", "a.b", "A", LINE);
	check_write(3, "example.com", "a.b", "A", ADDR4, 0, -1);
	check_list(4, "example.com", "nas", "A", LINE);
	CHECK_STR(kv_get(&cache, "zone.example.com"), "example.com");
	CHECK_STR(kv_get(&ids, "domain"), "example.com");
	CHECK_STR(kv_get(&ids2, "record_id"), "202");

	/* Nothing holds it: not found, after name and parents. */
	setup(NULL, -1);
	fake_http_push(200, ERR("InvalidParameter.DomainInvalid", "bad"), -1);
	fake_http_push(200, ERR("ResourceNotFound.NoDataOfDomain", "none"),
	    -1);
	fake_change(&c[0], "home.example.net", 4, ADDR4, &ids);
	run(c, 1);
	CHECK(c[0].out == OUT_NOTFOUND);
	CHECK(fake_http_count() == 2);
	CHECK(fake_logged("home.example.net"));
	CHECK(kv_get(&cache, "zone.example.net") == NULL);

	/* An error that is not "no such domain" stops the walk. */
	setup(NULL, -1);
	fake_http_push(200, ERR("AuthFailure.SecretIdNotFound", "no key"), -1);
	fake_change(&c[0], "home.example.com", 4, ADDR4, &ids);
	run(c, 1);
	CHECK(c[0].out == OUT_AUTH);
	CHECK(fake_http_count() == 1);
}

/* A cached domain that went away is walked for again. */
static void
test_stale_cache(void)
{
	struct change c;

	setup(NULL, -1);
	kv_set(&cache, "zone.example.com", "example.com");
	fake_http_push(200, ERR("InvalidParameterValue.DomainNotExists",
	    "gone"), -1);
	fake_http_push(200, LIST(REC(301, "@", "A", LINE, ADDR4, 600)), -1);
	fake_change(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 2);
	check_list(0, "example.com", "home", "A", LINE);
	check_list(1, "home.example.com", "@", "A", LINE);
	CHECK(kv_get(&cache, "zone.example.com") == NULL);
	CHECK_STR(kv_get(&cache, "zone.home.example.com"), "home.example.com");
	CHECK_STR(kv_get(&ids, "domain"), "home.example.com");

	/* A configured zone missing from the account: not found, once. */
	setup("example.com", -1);
	fake_http_push(200, ERR("InvalidParameterValue.DomainNotExists",
	    "gone"), -1);
	run(&c, 1);
	CHECK(c.out == OUT_NOTFOUND);
	CHECK(fake_http_count() == 1);
	CHECK(fake_logged("example.com") &&
	    fake_logged("not in this DNSPod account"));
}

struct errcase {
	long		 status;
	const char	*body;
	enum outcome	 out;
	const char	*logs;		/* expected in the log line */
};

/* Each error class, on the lookup (and so for the whole change). */
static void
test_errors(void)
{
	static const struct errcase cases[] = {
		{ 200, ERR("AuthFailure.SignatureFailure", "The provided "
		    "credentials could not be validated."), OUT_AUTH,
		    "AuthFailure.SignatureFailure" },
		{ 200, ERR("AuthFailure.SignatureExpire", "expired"),
		    OUT_AUTH, "expired" },
		{ 200, ERR("UnauthorizedOperation", "no CAM policy"),
		    OUT_AUTH, "permission" },
		{ 200, ERR("OperationDenied.NoPermissionToOperateDomain",
		    "denied"), OUT_AUTH, "denied" },
		{ 200, ERR("ResourceNotFound.NoDataOfDomain", "no domain"),
		    OUT_NOTFOUND, "not in this DNSPod account" },
		{ 200, ERR("InvalidParameter.DomainNotExist", "no domain"),
		    OUT_NOTFOUND, "InvalidParameter.DomainNotExist" },
		{ 200, ERR("RequestLimitExceeded", "too fast"),
		    OUT_RATELIMIT, "too fast" },
		{ 200, ERR("RequestLimitExceeded.RequestLimitExceeded",
		    "too fast"), OUT_RATELIMIT, "RequestLimitExceeded" },
		{ 200, ERR("FailedOperation.FrequencyLimit", "too often"),
		    OUT_RATELIMIT, "FailedOperation.FrequencyLimit" },
		{ 200, ERR("InternalError", "oops"), OUT_RETRY, "oops" },
		{ 200, ERR("InternalError.DbError", "db"), OUT_RETRY, "db" },
		{ 200, ERR("ResourceUnavailable", "later"), OUT_RETRY,
		    "later" },
		{ 200, ERR("FailedOperation.UnknowError", "try later"),
		    OUT_RETRY, "try later" },
		{ 200, ERR("FailedOperation.DomainIsLocked", "locked"),
		    OUT_BADREQ, "locked" },
		{ 200, ERR("InvalidParameter.RecordLineInvalid", "bad line"),
		    OUT_BADREQ, "RecordLineInvalid" },
		{ 200, ERR("InvalidParameter", "bad"), OUT_BADREQ, "bad" },
		{ 200, ERR("MissingParameter", "missing"), OUT_BADREQ,
		    "missing" },
		{ 200, ERR("LimitExceeded.RecordTtlLimit", "ttl"),
		    OUT_BADREQ, "ttl" },
		{ 200, ERR("SomethingNew.Unheard", "new"), OUT_BADREQ,
		    "SomethingNew.Unheard" },
		/* malformed replies */
		{ 200, "<html>502 Bad Gateway</html>", OUT_RETRY,
		    "unexpected reply" },
		{ 200, "", OUT_RETRY, "unexpected reply" },
		{ 200, "{\"Response\":[]}", OUT_RETRY, "unexpected reply" },
		{ 200, "{\"RecordList\":[]}", OUT_RETRY, "unexpected reply" },
		{ 200, "[1,2,3]", OUT_RETRY, "unexpected reply" },
		{ 200, RESP("\"RecordList\":{}"), OUT_RETRY, "RecordList" },
		{ 200, RESP("\"RecordList\":[{\"RecordId\":\"x\","
		    "\"Name\":\"home\",\"Type\":\"A\",\"Value\":\"1.2.3.4\"}]"),
		    OUT_RETRY, "RecordId" },
		{ 200, RESP("\"RecordList\":[{\"RecordId\":-5,"
		    "\"Name\":\"home\",\"Type\":\"A\",\"Value\":\"1.2.3.4\"}]"),
		    OUT_RETRY, "RecordId" },
		{ 200, "{\"Response\":{\"Error\":{\"Message\":\"no code\"}}}",
		    OUT_RETRY, "no code" },
		{ 200, "{\"Response\":{\"Error\":{\"Code\":7,\"Message\":"
		    "[1]}}}", OUT_RETRY, "no message" },
		{ 500, "<html>Internal Server Error</html>", OUT_RETRY,
		    "HTTP 500" },
		{ 403, "Forbidden", OUT_AUTH, "HTTP 403" },
		{ 404, "", OUT_NOTFOUND, "HTTP 404" },
		{ 400, ERR("InvalidParameter.ParamInvalid", "param"),
		    OUT_BADREQ, "param" },
		{ 502, ERR("RequestLimitExceeded", "slow down"),
		    OUT_RATELIMIT, "slow down" },
	};
	struct change	c;
	size_t		i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setup("example.com", -1);
		fake_http_push(cases[i].status, cases[i].body, -1);
		fake_change(&c, "home.example.com", 4, ADDR4, &ids);
		run(&c, 1);
		if (c.out != cases[i].out || !fake_logged(cases[i].logs))
			fprintf(stderr, "case %zu: out %d, log: %s\n", i,
			    (int)c.out, fake_log_last());
		CHECK(c.out == cases[i].out);
		CHECK(fake_logged(cases[i].logs));
		CHECK(fake_logged("[dp] home.example.com A: dnspod: record "
		    "lookup failed: "));
		CHECK(fake_http_count() == 1);
		CHECK(kv_get(&ids, "record_id") == NULL);
	}
}

/* Errors on the writes, a reply to Create without RecordId, and transport
 * failures; Retry-After is passed on. */
static void
test_write_errors(void)
{
	struct change c;

	setup("example.com", -1);
	fake_http_push(200, NODATA, -1);
	fake_http_push(200, ERR("InvalidParameter.RecordValueInvalid",
	    "The record value is invalid."), -1);
	fake_change(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_BADREQ);
	CHECK(fake_logged("record create failed") &&
	    fake_logged("RecordValueInvalid"));
	CHECK(kv_get(&ids, "record_id") == NULL);

	setup("example.com", -1);
	fake_http_push(200, NODATA, -1);
	fake_http_push(200, RESP("\"RecordId\":\"abc\""), -1);
	run(&c, 1);
	CHECK(c.out == OUT_RETRY);
	CHECK(fake_logged("no RecordId"));

	setup("example.com", -1);
	fake_http_push(200, LIST(REC_A(5, "198.51.100.5", 600)), -1);
	fake_http_push(200, ERR("LimitExceeded.AAAACountLimit", "limit"), -1);
	run(&c, 1);
	CHECK(c.out == OUT_BADREQ);
	CHECK(fake_logged("record update failed"));

	setup("example.com", -1);
	fake_http_push_fail("connection refused");
	run(&c, 1);
	CHECK(c.out == OUT_RETRY);
	CHECK(fake_logged("connection refused"));

	setup("example.com", -1);
	fake_http_push(429, "slow down", 30);
	run(&c, 1);
	CHECK(c.out == OUT_RATELIMIT);
	CHECK(c.retry_after == 30);

	/* A long server message is capped in the log line. */
	setup("example.com", -1);
	fake_http_push(200, ERR("InvalidParameter", "xxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxEND"),
	    -1);
	run(&c, 1);
	CHECK(c.out == OUT_BADREQ);
	CHECK(!fake_logged("END"));
}

/* Once rate limited, the remaining changes wait for the next run. */
static void
test_ratelimit_rest(void)
{
	struct change c[3];

	setup("example.com", -1);
	fake_http_push(200, ERR("RequestLimitExceeded", "slow"), -1);
	fake_change(&c[0], "a.example.com", 4, ADDR4, &ids);
	fake_change(&c[1], "b.example.com", 4, ADDR4, &ids2);
	fake_change(&c[2], "b.example.com", 6, ADDR6, NULL);
	run(c, 3);
	CHECK(c[0].out == OUT_RATELIMIT);
	CHECK(c[1].out == OUT_RATELIMIT);
	CHECK(c[2].out == OUT_RATELIMIT);
	CHECK(fake_http_count() == 1);
	CHECK(fake_logged("2 more"));

	/* FrequencyLimit on the write by a cached id: the same. */
	setup(NULL, -1);
	kv_set(&ids, "record_id", "777");
	kv_set(&ids, "domain", "example.com");
	fake_http_push(200, ERR("FailedOperation.FrequencyLimit",
	    "You are operating too frequently."), -1);
	fake_change(&c[0], "a.example.com", 4, ADDR4, &ids);
	fake_change(&c[1], "b.example.com", 4, ADDR4, &ids2);
	run(c, 2);
	CHECK(c[0].out == OUT_RATELIMIT);
	CHECK(c[1].out == OUT_RATELIMIT);
	CHECK(fake_http_count() == 1);
	CHECK_STR(action(0), "ModifyRecord");
	CHECK_STR(kv_get(&ids, "record_id"), "777");
}

/* Unusable settings fail every change without a request. */
static void
test_setup_fail(void)
{
	struct change c;

	setup("example.com", -1);
	kv_set(&acct.keys, "secret_key", NULL);
	fake_change(&c, "home.example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_AUTH);
	CHECK(fake_http_count() == 0);

	setup("example.com", -1);
	acct.endpoint = "https://";
	run(&c, 1);
	CHECK(c.out == OUT_BADREQ);
	CHECK(fake_http_count() == 0);
	acct.endpoint = NULL;

	/* A record outside the configured zone. */
	setup("example.com", -1);
	fake_change(&c, "home.example.org", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_BADREQ);
	CHECK(fake_http_count() == 0);
}

int
main(void)
{
	CHECK(fake_ctx_init(&ctx, &acct, &provider_dnspod, "dp",
	    &cache) == 0);
	ctx.now = NOW;

	test_table();
	test_check();
	test_create();
	test_update();
	test_current();
	test_pick();
	test_line_endpoint();
	test_cached_id();
	test_cached_gone();
	test_record_exist();
	test_verify();
	test_walk();
	test_stale_cache();
	test_errors();
	test_write_errors();
	test_ratelimit_rest();
	test_setup_fail();

	CHECK(strstr(fake_log_all(), SKEY) == NULL);
	CHECK(strstr(fake_log_all(), "Signature=") == NULL);
	CHECK(strstr(fake_log_all(), "TC3-HMAC") == NULL);
	CHECK(strstr(fake_log_all(), "dnspod: ") != NULL);

	fake_ctx_free(&ctx, &acct);
	kv_free(&cache);
	kv_free(&ids);
	kv_free(&ids2);
	T_END("prov_dnspod");
}
