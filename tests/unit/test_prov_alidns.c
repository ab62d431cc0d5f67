/*
 * test_prov_alidns.c - the Alibaba Cloud DNS provider over the scripted
 * fake transport: request building (query parameters, the ACS3 headers
 * and signature), reply parsing, the find / update / create ladder, the
 * cached ids, verify mode, every error class and malformed replies.
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
#include "sign.h"
#include "t.h"

#define BASE	"https://alidns.aliyuncs.com"
#define KEYID	"LTAI5tTestKeyId0123"
#define SECRET	"aliSECRETk3y+/=0123456789abcdefXYZ"
#define ADDR4	"203.0.113.7"
#define ADDR4_B	"203.0.113.8"
#define ADDR6	"2001:db8::7"
#define NAME	"home.example.com"
#define SHDRS	"host;x-acs-action;x-acs-content-sha256;x-acs-date;" \
		"x-acs-signature-nonce;x-acs-version"
#define EMPTY	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

#define REC(id, rr, type, value, ttl, line) "{\"DomainName\":\"example.com\"," \
		"\"RecordId\":\"" id "\",\"RR\":\"" rr "\",\"Type\":\"" type \
		"\",\"Value\":\"" value "\",\"TTL\":" #ttl ",\"Line\":\"" line \
		"\",\"Status\":\"ENABLE\",\"Locked\":false,\"Weight\":1}"
#define LIST(items)	"{\"RequestId\":\"R1\",\"TotalCount\":1,\"PageNumber\":1," \
		"\"PageSize\":20,\"DomainRecords\":{\"Record\":[" items "]}}"
#define ERR(code, msg)	"{\"RequestId\":\"R2\",\"HostId\":\"alidns.aliyuncs.com\"," \
		"\"Code\":\"" code "\",\"Message\":\"" msg "\"," \
		"\"Recommend\":\"https://api.aliyun.com/troubleshoot\"}"
#define MAIN(dom, rr)	"{\"RequestId\":\"R3\",\"DomainName\":\"" dom "\"," \
		"\"RR\":\"" rr "\",\"DomainLevel\":2}"
#define ADDED(id)	"{\"RequestId\":\"R4\",\"RecordId\":\"" id "\"}"

extern const struct provider provider_alidns;

static struct account	 acct;
static struct kv	 cache = KV_INIT, ids = KV_INIT, ids2 = KV_INIT;
static struct pctx	 ctx;
static char		*records[] = { "home.example.com", "example.com" };

/* Starts a case: fresh account keys, caches and fake transport. */
static void
setup(const char *zone, long ttl, const char *line)
{
	kv_free(&cache);
	kv_free(&ids);
	kv_free(&ids2);
	fake_http_reset();
	fake_acct_keys(&acct, "access_key_id", KEYID, "access_key_secret",
	    SECRET, "zone", zone, "line", line, NULL);
	acct.ttl = ttl;
	acct.endpoint = NULL;
	ctx.now = 1700000000;
}

/* Runs the provider on n changes with stderr captured. */
static void
run(struct change *ch, size_t n)
{
	fake_run(&provider_alidns, &ctx, ch, n);
}

/* Runs one change of NAME to addr; returns its outcome. */
static enum outcome
run1(int fam, const char *addr, struct kv *k, int verify)
{
	struct change c;

	fake_change(&c, NAME, fam, addr, k);
	c.verify = verify;
	run(&c, 1);
	return c.out;
}

/* Returns the action of request i, or "". */
static const char *
action(size_t i)
{
	const char *a = fake_http_req_header(i, "x-acs-action");

	return a ? a : "";
}

/* Returns the query string of request i (after '?'), or "". */
static const char *
query(size_t i)
{
	const struct fake_req	*r = fake_http_req(i);
	const char		*q = r ? strchr(r->url, '?') : NULL;

	return q ? q + 1 : "";
}

/* Returns the value of hex digit c, or -1. */
static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Returns the decoded value of query parameter name of request i (a
 * static buffer), or NULL when absent. */
static const char *
param(size_t i, const char *name)
{
	static char	 out[512];
	const char	*q = query(i), *p;
	size_t		 nl = strlen(name), k = 0;

	for (p = q; *p; p = strchr(p, '&') ? strchr(p, '&') + 1 : "")
		if (strncmp(p, name, nl) == 0 && p[nl] == '=')
			break;
	if (*p == '\0')
		return NULL;
	for (p += nl + 1; *p && *p != '&' && k + 1 < sizeof(out); p++) {
		if (*p == '%' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
			out[k++] = (char)(hexval(p[1]) * 16 + hexval(p[2]));
			p += 2;
		} else
			out[k++] = *p;
	}
	out[k] = '\0';
	return out;
}

/* Returns the number of parameters in the query of request i. */
static size_t
nparams(size_t i)
{
	const char	*q = query(i);
	size_t		 n = *q ? 1 : 0;

	for (; *q; q++)
		n += *q == '&';
	return n;
}

/* Rebuilds the signature of request i from what was sent (the headers
 * named in SignedHeaders, the query as sent) and checks that it matches
 * the Authorization header; also checks the fixed headers. */
static void
check_signed(size_t i, const char *host, const char *date)
{
	const struct fake_req	*r = fake_http_req(i);
	const char		*auth = fake_http_header(r, "Authorization");
	struct sign_pair	 p[6];
	struct sign_req		 sr;
	struct buf		 want = BUF_INIT(0);
	static char		 nonce_seen[33];
	const char		*nonce = fake_http_header(r,
				    "x-acs-signature-nonce");
	static const char *const names[] = { "host", "x-acs-action",
				    "x-acs-content-sha256", "x-acs-date",
				    "x-acs-signature-nonce", "x-acs-version" };
	size_t			 k;

	CHECK(r != NULL && auth != NULL);
	if (r == NULL || auth == NULL)
		return;
	CHECK_STR(r->method, "GET");
	CHECK(r->body == NULL);
	CHECK_STR(fake_http_req_header(i, "host"), host);
	CHECK_STR(fake_http_req_header(i, "x-acs-version"), "2015-01-09");
	CHECK_STR(fake_http_req_header(i, "x-acs-content-sha256"), EMPTY);
	if (date)
		CHECK_STR(fake_http_req_header(i, "x-acs-date"), date);
	CHECK(nonce != NULL && strlen(nonce) == 32 &&
	    strspn(nonce, "0123456789abcdef") == 32);
	CHECK(nonce == NULL || strcmp(nonce, nonce_seen) != 0);
	if (nonce)
		snprintf(nonce_seen, sizeof(nonce_seen), "%s", nonce);
	CHECK(strstr(auth, "SignedHeaders=" SHDRS ",") != NULL);
	for (k = 0; k < 6; k++) {
		p[k].name = names[k];
		p[k].value = fake_http_req_header(i, names[k]);
		CHECK(p[k].value != NULL);
		if (p[k].value == NULL)
			return;
	}
	sr = (struct sign_req){ "GET", "/", query(i), p, 6, EMPTY };
	CHECK(sign_acs3(&sr, KEYID, SECRET, &want) == 0);
	CHECK_STR(auth, buf_str(&want));
	CHECK(strstr(r->url, SECRET) == NULL);
	for (k = 0; k < r->nheaders; k++)
		CHECK(strstr(r->headers[k], SECRET) == NULL);
	buf_free(&want);
}

/* Checks every request of the last run was signed and sent right. */
static void
check_all_signed(void)
{
	size_t i;

	for (i = 0; i < fake_http_count(); i++)
		check_signed(i, "alidns.aliyuncs.com", "2023-11-14T22:13:20Z");
	CHECK(strstr(fake_log_last(), SECRET) == NULL);
}

static void
test_providers(void)
{
	const struct provider_key	*k;
	int				 id = 0, secret = 0, line = 0, zone = 0;

	CHECK(provider_find("alidns") == &provider_alidns);
	CHECK_STR(provider_alidns.api_base, BASE);
	for (k = provider_alidns.keys; k->name != NULL; k++) {
		if (strcmp(k->name, "access_key_id") == 0)
			id = k->flags == PKEY_REQUIRED;
		else if (strcmp(k->name, "access_key_secret") == 0)
			secret = k->flags == (PKEY_REQUIRED | PKEY_SECRET);
		else if (strcmp(k->name, "line") == 0)
			line = k->flags == 0;
		else if (strcmp(k->name, "zone") == 0)
			zone = k->flags == 0;
		else
			CHECK(0);	/* no other key */
	}
	CHECK(id && secret && line && zone);
}

static void
test_check(void)
{
	setup(NULL, -1, NULL);
	CHECK(fake_check(&provider_alidns, &acct) == 0);
	setup("Example.com.", -1, "telecom");
	CHECK(fake_check(&provider_alidns, &acct) == 0);
	setup("example.org", -1, NULL);
	CHECK(fake_check(&provider_alidns, &acct) == -1);
	CHECK(fake_logged("home.example.com is not under example.org"));
	setup("ample.com", -1, NULL);		/* a suffix, not a parent */
	CHECK(fake_check(&provider_alidns, &acct) == -1);
	setup(NULL, -1, "de fault");
	CHECK(fake_check(&provider_alidns, &acct) == -1);
	CHECK(fake_logged("line"));
	setup(NULL, -1, NULL);
	kv_set(&acct.keys, "access_key_secret", "two words");
	CHECK(fake_check(&provider_alidns, &acct) == -1);
	CHECK(fake_logged("access_key_secret") && !fake_logged("two words"));
	setup(NULL, -1, NULL);
	acct.endpoint = "https://user@127.0.0.1:8443";
	CHECK(fake_check(&provider_alidns, &acct) == -1);
	CHECK(fake_logged("endpoint"));
	acct.endpoint = "https://127.0.0.1:8443/?x=1";
	CHECK(fake_check(&provider_alidns, &acct) == -1);
	acct.endpoint = "https://[::1]:8443/api/";
	CHECK(fake_check(&provider_alidns, &acct) == 0);
	acct.endpoint = NULL;
}

/* No zone, nothing cached: GetMainDomainName, the lookup, the create. */
static void
test_create_derived(void)
{
	setup(NULL, -1, NULL);
	fake_http_push(200, MAIN("example.com", "home"), -1);
	fake_http_push(200, LIST(""), -1);
	fake_http_push(200, ADDED("1001"), -1);
	CHECK(run1(4, ADDR4, &ids, 0) == OUT_OK);
	CHECK(fake_http_count() == 3);
	check_all_signed();
	CHECK_STR(action(0), "GetMainDomainName");
	CHECK_STR(param(0, "InputString"), NAME);
	CHECK(nparams(0) == 1);
	CHECK_STR(fake_http_req(0)->url, BASE "/?InputString=" NAME);

	CHECK_STR(action(1), "DescribeSubDomainRecords");
	CHECK_STR(query(1), "DomainName=example.com&Line=default&"
	    "SubDomain=home.example.com&Type=A");

	CHECK_STR(action(2), "AddDomainRecord");
	CHECK_STR(query(2), "DomainName=example.com&Line=default&RR=home&"
	    "Type=A&Value=" ADDR4);
	CHECK(param(2, "TTL") == NULL);		/* ttl not configured */

	CHECK_STR(kv_get(&cache, "domain." NAME), "example.com");
	CHECK_STR(kv_get(&ids, "record_id"), "1001");
	CHECK_STR(kv_get(&ids, "rr"), "home");
}

/* The domain from the cache; the record found already holds the address:
 * one request and nothing written. */
static void
test_cached_equal(void)
{
	setup(NULL, -1, NULL);
	kv_set(&cache, "domain." NAME, "example.com");
	fake_http_push(200, LIST(REC("77", "home", "A", ADDR4, 600,
	    "default")), -1);
	CHECK(run1(4, ADDR4, &ids, 0) == OUT_OK);
	CHECK(fake_http_count() == 1);
	CHECK_STR(action(0), "DescribeSubDomainRecords");
	CHECK_STR(kv_get(&ids, "record_id"), "77");
	CHECK_STR(kv_get(&ids, "rr"), "home");
	CHECK(fake_logged("already holds"));
	check_all_signed();
}

/* The configured zone (any case, final dot); a record with another
 * address, TTL and line configured: one update with all of them. */
static void
test_zone_update(void)
{
	setup("Example.COM.", 600, "telecom");
	fake_http_push(200, LIST(REC("80", "home", "A", ADDR4, 600, "default")
	    "," REC("81", "home", "A", ADDR4_B, 600, "telecom")), -1);
	fake_http_push(200, ADDED("81"), -1);
	CHECK(run1(4, ADDR4, &ids, 0) == OUT_OK);
	CHECK(fake_http_count() == 2);
	CHECK_STR(query(0), "DomainName=example.com&Line=telecom&"
	    "SubDomain=home.example.com&Type=A");
	CHECK_STR(action(1), "UpdateDomainRecord");
	CHECK_STR(query(1), "Line=telecom&RR=home&RecordId=81&TTL=600&"
	    "Type=A&Value=" ADDR4);
	CHECK_STR(kv_get(&ids, "record_id"), "81");
	CHECK(kv_get(&cache, "domain." NAME) == NULL);	/* zone given */
	check_all_signed();

	/* Same address, other TTL: an update too. */
	setup("example.com", 300, NULL);
	fake_http_push(200, LIST(REC("82", "home", "A", ADDR4, 600,
	    "default")), -1);
	fake_http_push(200, ADDED("82"), -1);
	CHECK(run1(4, ADDR4, &ids, 0) == OUT_OK);
	CHECK(fake_http_count() == 2);
	CHECK_STR(param(1, "TTL"), "300");
}

/* The zone apex gets RR "@"; several records: the one holding the
 * address wins, another type is ignored. */
static void
test_apex_pick(void)
{
	struct change c;

	setup("example.com", -1, NULL);
	fake_http_push(200, LIST(REC("90", "@", "AAAA", ADDR4, 600, "default")
	    "," REC("91", "@", "A", ADDR4_B, 600, "default") ","
	    REC("92", "@", "A", ADDR4, 600, "default")), -1);
	fake_change(&c, "example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK(fake_http_count() == 1);
	CHECK_STR(param(0, "SubDomain"), "example.com");
	CHECK_STR(kv_get(&ids, "record_id"), "92");
	CHECK_STR(kv_get(&ids, "rr"), "@");

	/* Not there: created with RR "@". */
	setup("example.com", -1, NULL);
	fake_http_push(200, LIST(REC("93", "@", "AAAA", ADDR6, 600,
	    "default")), -1);
	fake_http_push(200, "{\"RequestId\":\"x\",\"RecordId\":94}", -1);
	fake_change(&c, "example.com", 4, ADDR4, &ids);
	run(&c, 1);
	CHECK(c.out == OUT_OK);
	CHECK_STR(action(1), "AddDomainRecord");
	CHECK_STR(param(1, "RR"), "@");
	CHECK_STR(kv_get(&ids, "record_id"), "94");	/* numeric id */
}

/* AAAA: the value compared in canonical form. */
static void
test_aaaa(void)
{
	setup("example.com", -1, NULL);
	fake_http_push(200, LIST(REC("60", "home", "AAAA", "2001:0DB8:0:0::7",
	    600, "default")), -1);
	CHECK(run1(6, ADDR6, &ids, 0) == OUT_OK);
	CHECK(fake_http_count() == 1);
	CHECK_STR(param(0, "Type"), "AAAA");

	setup("example.com", -1, NULL);
	fake_http_push(200, LIST(""), -1);
	fake_http_push(200, ADDED("61"), -1);
	CHECK(run1(6, ADDR6, &ids, 0) == OUT_OK);
	CHECK_STR(param(1, "Type"), "AAAA");
	CHECK_STR(param(1, "Value"), ADDR6);
	CHECK(strstr(query(1), "Value=2001%3Adb8%3A%3A7") != NULL);
}

/* Record id and RR in the state: an address change is one update. */
static void
test_direct(void)
{
	setup(NULL, 120, NULL);
	kv_set(&ids, "record_id", "555");
	kv_set(&ids, "rr", "home");
	fake_http_push(200, ADDED("555"), -1);
	CHECK(run1(4, ADDR4_B, &ids, 0) == OUT_OK);
	CHECK(fake_http_count() == 1);
	CHECK_STR(action(0), "UpdateDomainRecord");
	CHECK_STR(query(0), "Line=default&RR=home&RecordId=555&TTL=120&"
	    "Type=A&Value=" ADDR4_B);
	CHECK_STR(kv_get(&ids, "record_id"), "555");
	check_all_signed();

	/* DomainRecordDuplicate: the value is already set. */
	setup(NULL, -1, NULL);
	kv_set(&ids, "record_id", "555");
	kv_set(&ids, "rr", "home");
	fake_http_push(400, ERR("DomainRecordDuplicate", "The DNS record "
	    "already exists."), -1);
	CHECK(run1(4, ADDR4_B, &ids, 0) == OUT_OK);
	CHECK(fake_http_count() == 1);
	CHECK(!fake_logged("failed"));
	CHECK_STR(kv_get(&ids, "record_id"), "555");
}

/* The record in the state is gone: look it up and create it. */
static void
test_direct_gone(void)
{
	setup("example.com", -1, NULL);
	kv_set(&ids, "record_id", "555");
	kv_set(&ids, "rr", "home");
	fake_http_push(400, ERR("DomainRecordNotBelongToUser", "The DNS "
	    "record does not belong to you."), -1);
	fake_http_push(200, LIST(""), -1);
	fake_http_push(200, ADDED("556"), -1);
	CHECK(run1(4, ADDR4_B, &ids, 0) == OUT_OK);
	CHECK(fake_http_count() == 3);
	CHECK_STR(action(0), "UpdateDomainRecord");
	CHECK_STR(action(1), "DescribeSubDomainRecords");
	CHECK_STR(action(2), "AddDomainRecord");
	CHECK_STR(kv_get(&ids, "record_id"), "556");
	CHECK(fake_logged("DomainRecordNotBelongToUser"));
	check_all_signed();

	/* Only one kept id: no direct update. */
	setup("example.com", -1, NULL);
	kv_set(&ids, "record_id", "555");
	fake_http_push(200, LIST(REC("557", "home", "A", ADDR4, 600,
	    "default")), -1);
	fake_http_push(200, ADDED("557"), -1);
	CHECK(run1(4, ADDR4_B, &ids, 0) == OUT_OK);
	CHECK_STR(action(0), "DescribeSubDomainRecords");
	CHECK_STR(action(1), "UpdateDomainRecord");
	CHECK_STR(param(1, "RecordId"), "557");
}

/* Verify mode looks the record up even with ids in the state. */
static void
test_verify(void)
{
	setup("example.com", -1, NULL);
	kv_set(&ids, "record_id", "555");
	kv_set(&ids, "rr", "home");
	fake_http_push(200, LIST(REC("555", "home", "A", ADDR4, 600,
	    "default")), -1);
	CHECK(run1(4, ADDR4, &ids, 1) == OUT_OK);
	CHECK(fake_http_count() == 1);
	CHECK_STR(action(0), "DescribeSubDomainRecords");

	setup("example.com", -1, NULL);
	kv_set(&ids, "record_id", "555");
	kv_set(&ids, "rr", "home");
	fake_http_push(200, LIST(REC("555", "home", "A", ADDR4_B, 600,
	    "default")), -1);
	fake_http_push(200, ADDED("555"), -1);
	CHECK(run1(4, ADDR4, &ids, 1) == OUT_OK);
	CHECK(fake_http_count() == 2);
	CHECK_STR(action(1), "UpdateDomainRecord");
	CHECK_STR(param(1, "Value"), ADDR4);

	/* Deleted by hand since: created again. */
	setup("example.com", -1, NULL);
	kv_set(&ids, "record_id", "555");
	kv_set(&ids, "rr", "home");
	fake_http_push(200, LIST(""), -1);
	fake_http_push(200, ADDED("600"), -1);
	CHECK(run1(4, ADDR4, &ids, 1) == OUT_OK);
	CHECK_STR(action(1), "AddDomainRecord");
	CHECK_STR(kv_get(&ids, "record_id"), "600");
}

struct errcase {
	long		 status;
	const char	*body;		/* NULL: transport failure */
	long		 retry_after;
	enum outcome	 want;
	const char	*text;		/* expected in the log */
};

static const struct errcase errcases[] = {
	{ 404, ERR("InvalidAccessKeyId.NotFound", "Specified access key is "
	    "not found."), -1, OUT_AUTH, "InvalidAccessKeyId.NotFound" },
	{ 400, ERR("SignatureDoesNotMatch", "Specified signature is not "
	    "matched with our calculation."), -1, OUT_AUTH, "RAM policy" },
	{ 403, ERR("Forbidden.RAM", "User not authorized to operate on the "
	    "specified resource."), -1, OUT_AUTH, "Forbidden.RAM" },
	{ 400, ERR("InvalidDomainName.NoExist", "The specified domain name "
	    "does not exist."), -1, OUT_NOTFOUND, "example.com a domain" },
	{ 400, ERR("IncorrectDomainUser", "The domain name does not belong "
	    "to you."), -1, OUT_NOTFOUND, "IncorrectDomainUser" },
	{ 400, ERR("Throttling.User", "Request was denied due to user flow "
	    "control."), 30, OUT_RATELIMIT, "Throttling.User" },
	{ 503, ERR("ServiceUnavailable", "The request has failed due to a "
	    "temporary failure of the server."), 20, OUT_RETRY,
	    "ServiceUnavailable" },
	{ 500, ERR("InternalError", "The request processing has failed due "
	    "to some unknown error."), -1, OUT_RETRY, "InternalError" },
	{ 500, ERR("UnKnownError", "The request processing has failed due "
	    "to some unknown error."), -1, OUT_RETRY, "UnKnownError" },
	{ 400, ERR("UnknownError", "unknown error"), -1, OUT_RETRY,
	    "UnknownError" },
	{ 400, ERR("InvalidParameter", "The specified parameter is not "
	    "valid."), -1, OUT_BADREQ, "InvalidParameter" },
	{ 400, ERR("MissingSubDomain", "SubDomain is mandatory."), -1,
	    OUT_BADREQ, "MissingSubDomain: SubDomain is mandatory." },
	{ 200, ERR("Throttling.Api", "Request was denied due to api flow "
	    "control."), -1, OUT_RATELIMIT, "Throttling.Api" },
	{ 429, "", 7, OUT_RATELIMIT, "HTTP 429" },
	{ 503, "<html>busy</html>", -1, OUT_RETRY, "HTTP 503" },
	{ 403, "", -1, OUT_AUTH, "HTTP 403" },
	{ 200, "<html>captive portal</html>", -1, OUT_RETRY,
	    "not a JSON object" },
	{ 200, "[1,2]", -1, OUT_RETRY, "not a JSON object" },
	{ 200, "{\"RequestId\":\"x\"}", -1, OUT_RETRY, "no DomainRecords" },
	{ 200, "{\"DomainRecords\":{\"Record\":{}}}", -1, OUT_RETRY,
	    "no DomainRecords" },
	{ 200, LIST("{\"RR\":\"home\",\"Type\":\"A\",\"Value\":\"1.2.3.4\"}"),
	    -1, OUT_RETRY, "without RecordId" },
	{ 0, NULL, -1, OUT_RETRY, "connection refused" },
};

/* Every error class on the record lookup. */
static void
test_errors(void)
{
	const struct errcase	*e;
	struct change		 c;
	size_t			 i;

	for (i = 0; i < sizeof(errcases) / sizeof(errcases[0]); i++) {
		e = &errcases[i];
		setup("example.com", -1, NULL);
		if (e->body == NULL)
			fake_http_push_fail("connection refused");
		else
			fake_http_push(e->status, e->body, e->retry_after);
		fake_change(&c, NAME, 4, ADDR4, &ids);
		run(&c, 1);
		if (c.out != e->want || !fake_logged(e->text)) {
			fprintf(stderr, "case %zu: out %d, log: %s\n", i,
			    c.out, fake_log_last());
			CHECK(0);
		}
		CHECK(fake_http_count() == 1);
		CHECK(fake_logged("[home] " NAME " A: alidns: record lookup "
		    "failed"));
		CHECK(!fake_logged(SECRET));
		CHECK(kv_get(&ids, "record_id") == NULL);
		if (e->retry_after > 0 && (e->want == OUT_RATELIMIT ||
		    e->want == OUT_RETRY))
			CHECK(c.retry_after == e->retry_after);
	}
}

/* Failures of the writes and of the domain lookup. */
static void
test_write_errors(void)
{
	setup("example.com", -1, NULL);
	fake_http_push(200, LIST(""), -1);
	fake_http_push(400, ERR("DomainRecordConflict", "The DNS record "
	    "conflicts with other records."), -1);
	CHECK(run1(4, ADDR4, &ids, 0) == OUT_BADREQ);
	CHECK(fake_logged("record create failed: DomainRecordConflict"));
	CHECK(kv_get(&ids, "record_id") == NULL);

	setup("example.com", -1, NULL);
	fake_http_push(200, LIST(""), -1);
	fake_http_push(200, "{\"RequestId\":\"x\"}", -1);
	CHECK(run1(4, ADDR4, &ids, 0) == OUT_RETRY);
	CHECK(fake_logged("no RecordId"));

	/* Created meanwhile by someone else: done, no id to keep. */
	setup("example.com", -1, NULL);
	fake_http_push(200, LIST(""), -1);
	fake_http_push(400, ERR("DomainRecordDuplicate", "dup"), -1);
	CHECK(run1(4, ADDR4, &ids, 0) == OUT_OK);
	CHECK(kv_get(&ids, "record_id") == NULL);

	setup("example.com", -1, NULL);
	fake_http_push(200, LIST(REC("1", "home", "A", ADDR4_B, 600,
	    "default")), -1);
	fake_http_push(400, ERR("DomainRecordLocked", "locked"), -1);
	CHECK(run1(4, ADDR4, &ids, 0) == OUT_BADREQ);
	CHECK(fake_logged("record update failed: DomainRecordLocked: locked"));

	/* GetMainDomainName: a wrong reply, a domain that does not hold
	 * the name, an auth failure. */
	setup(NULL, -1, NULL);
	fake_http_push(200, "{\"RR\":\"home\"}", -1);
	CHECK(run1(4, ADDR4, &ids, 0) == OUT_RETRY);
	CHECK(fake_logged("domain lookup failed: unexpected reply"));
	CHECK(kv_get(&cache, "domain." NAME) == NULL);

	setup(NULL, -1, NULL);
	fake_http_push(200, MAIN("example.org", "home"), -1);
	CHECK(run1(4, ADDR4, &ids, 0) == OUT_BADREQ);
	CHECK(fake_logged("is not under the domain example.org"));
	CHECK(fake_http_count() == 1);

	setup(NULL, -1, NULL);
	fake_http_push(404, ERR("InvalidAccessKeyId.NotFound", "no"), -1);
	CHECK(run1(4, ADDR4, &ids, 0) == OUT_AUTH);
	CHECK(fake_logged("domain lookup failed"));
	CHECK(fake_logged("(set zone = to name it)") == 0);
}

/* Several changes; rate limiting stops the rest for this run. */
static void
test_several(void)
{
	struct change	c[3];
	struct kv	ids3 = KV_INIT;

	setup("example.com", -1, NULL);
	fake_change(&c[0], NAME, 4, ADDR4, &ids);
	fake_change(&c[1], "nas.example.com", 4, ADDR4, &ids2);
	fake_change(&c[2], "www.example.com", 6, ADDR6, &ids3);
	fake_http_push(200, LIST(""), -1);
	fake_http_push(200, ADDED("1"), -1);
	fake_http_push(400, ERR("Throttling.User", "slow down"), 9);
	run(c, 3);
	CHECK(c[0].out == OUT_OK);
	CHECK(c[1].out == OUT_RATELIMIT);
	CHECK(c[2].out == OUT_RATELIMIT);
	CHECK(c[1].retry_after == 9 && c[2].retry_after == 9);
	CHECK(fake_http_count() == 3);
	CHECK(fake_logged("leaving 1 more record"));
	kv_free(&ids3);

	/* Without a zone, each name's domain is looked up once, then kept. */
	setup(NULL, -1, NULL);
	fake_change(&c[0], NAME, 4, ADDR4, &ids);
	fake_change(&c[1], "nas.example.com", 4, ADDR4, &ids2);
	fake_http_push(200, MAIN("example.com", "home"), -1);
	fake_http_push(200, LIST(REC("1", "home", "A", ADDR4, 600,
	    "default")), -1);
	fake_http_push(200, MAIN("example.com", "nas"), -1);
	fake_http_push(200, LIST(REC("2", "nas", "A", ADDR4, 600,
	    "default")), -1);
	run(c, 2);
	CHECK(c[0].out == OUT_OK && c[1].out == OUT_OK);
	CHECK_STR(kv_get(&ids2, "rr"), "nas");
	CHECK_STR(kv_get(&cache, "domain.nas.example.com"), "example.com");
	check_all_signed();
}

/* Account set-up failures: no request at all. */
static void
test_setup(void)
{
	struct change c[2];

	setup(NULL, -1, NULL);
	kv_set(&acct.keys, "access_key_secret", NULL);
	fake_change(&c[0], NAME, 4, ADDR4, &ids);
	fake_change(&c[1], "nas.example.com", 4, ADDR4, &ids2);
	run(c, 2);
	CHECK(c[0].out == OUT_AUTH && c[1].out == OUT_AUTH);
	CHECK(fake_http_count() == 0);
	CHECK(fake_logged("no usable access key"));

	setup(NULL, -1, NULL);
	acct.endpoint = "https://user:pw@127.0.0.1/";
	run(c, 1);
	CHECK(c[0].out == OUT_BADREQ);
	CHECK(fake_http_count() == 0);
	acct.endpoint = NULL;
}

/* The endpoint override: URL, host header and canonical URI; the date
 * header for several instants. */
static void
test_endpoint_date(void)
{
	static const struct {
		long long	 now;
		const char	*date;
	} d[] = {
		{ 1700000000LL, "2023-11-14T22:13:20Z" },
		{ 0, "1970-01-01T00:00:00Z" },
		{ 951782400LL, "2000-02-29T00:00:00Z" },
		{ 4102444799LL, "2099-12-31T23:59:59Z" },
		{ 1709251199LL, "2024-02-29T23:59:59Z" },
	};
	size_t i;

	for (i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		setup("example.com", -1, NULL);
		acct.endpoint = "https://127.0.0.1:8443/";
		ctx.now = d[i].now;
		fake_http_push(200, LIST(REC("5", "home", "A", ADDR4, 600,
		    "default")), -1);
		CHECK(run1(4, ADDR4, &ids, 0) == OUT_OK);
		CHECK(strncmp(fake_http_req(0)->url, "https://127.0.0.1:8443/?"
		    "DomainName=", 35) == 0);
		check_signed(0, "127.0.0.1:8443", d[i].date);
	}
	acct.endpoint = NULL;
}

int
main(void)
{
	CHECK(fake_ctx_init(&ctx, &acct, &provider_alidns, "home",
	    &cache) == 0);
	acct.records = records;
	acct.nrecords = 2;

	test_providers();
	test_check();
	test_create_derived();
	test_cached_equal();
	test_zone_update();
	test_apex_pick();
	test_aaaa();
	test_direct();
	test_direct_gone();
	test_verify();
	test_errors();
	test_write_errors();
	test_several();
	test_setup();
	test_endpoint_date();

	CHECK(*fake_log_all() != '\0');			/* the capture worked */
	CHECK(strstr(fake_log_all(), "-> 200") != NULL);
	CHECK(strstr(fake_log_all(), SECRET) == NULL);

	fake_ctx_free(&ctx, &acct);
	kv_free(&cache);
	kv_free(&ids);
	kv_free(&ids2);
	T_END("test_prov_alidns");
}
