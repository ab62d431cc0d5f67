/*
 * test_sign_tc3.c - the TC3-HMAC-SHA256 signer against Tencent Cloud's
 * published example (both SignedHeaders variants), its UTC date
 * derivation, and its refusals.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "sign.h"
#include "t.h"

/* The published example: CVM DescribeInstances at 1551113065. */
#define TS	1551113065LL
#define ID	"AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
#define KEY1	"Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
#define KEY2	"Gu5t9xGARNpq86cd98joQYCN3*******"
#define CTYPE	"application/json; charset=utf-8"
#define HOST	"cvm.tencentcloudapi.com"
#define BODY	"{\"Limit\": 1, \"Filters\": [{\"Values\": " \
		"[\"\\u672a\\u547d\\u540d\"], \"Name\": \"instance-name\"}]}"
#define BODY_HASH "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
#define CREQ1	"5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
#define SIG1	"72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
#define CREQ2	"7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84"
#define SIG2	"be4f67d323c78ab9acb7395e43c0dbcf822a9cfac32fea2449a7bc7726b770a3"

static char body_hash[65];

/* Fills r for the example with nh of hdrs. */
static void
example(struct sign_req *r, const struct sign_pair *hdrs, size_t nh)
{
	memset(r, 0, sizeof(*r));
	r->method = "POST";
	r->uri = "/";
	r->query = "";
	r->hdrs = hdrs;
	r->nhdrs = nh;
	r->payload_hash = body_hash;
}

/* Returns the hex SHA-256 of the canonical request of r (through the
 * shared sign_canonical, values given already lower-cased) in out. */
static void
creq_hash(const struct sign_req *r, char out[65])
{
	struct buf creq = BUF_INIT(0), sh = BUF_INIT(0);

	out[0] = '\0';
	if (sign_canonical(r, &creq, &sh) == 0)
		sign_sha256_hex(creq.data, creq.len, out);
	buf_free(&creq);
	buf_free(&sh);
}

/* Recomputes the signature from a canonical-request hash by the spec's
 * key chain, with the crypto primitives directly, into sig. */
static void
spec_signature(const char *key, const char *date, const char *service,
    const char *hash, char sig[65])
{
	unsigned char	 kd[32], ks[32], kr[32], mac[32];
	char		 k0[128], sts[512];

	snprintf(k0, sizeof(k0), "TC3%s", key);
	snprintf(sts, sizeof(sts), "TC3-HMAC-SHA256\n%lld\n%s/%s/tc3_request\n"
	    "%s", TS, date, service, hash);
	crypto_hmac_sha256(k0, strlen(k0), date, strlen(date), kd);
	crypto_hmac_sha256(kd, 32, service, strlen(service), ks);
	crypto_hmac_sha256(ks, 32, "tc3_request", 11, kr);
	crypto_hmac_sha256(kr, 32, sts, strlen(sts), mac);
	crypto_hex(mac, 32, sig);
}

/* Returns the Signature= part of an Authorization value, or "". */
static const char *
sig_of(const struct buf *auth)
{
	const char *p = strstr(buf_str(auth), "Signature=");

	return p ? p + 10 : "";
}

static void
test_body_hash(void)
{
	CHECK(sign_sha256_hex(BODY, strlen(BODY), body_hash) == 0);
	CHECK_STR(body_hash, BODY_HASH);
}

/* Vector 1: SignedHeaders content-type;host. */
static void
test_vector1(void)
{
	const struct sign_pair	 h[] = {
		{ "Content-Type", CTYPE }, { "Host", HOST } };
	struct sign_req		 r;
	struct buf		 auth = BUF_INIT(0);
	char			 hash[65], sig[65];

	example(&r, h, 2);
	creq_hash(&r, hash);
	CHECK_STR(hash, CREQ1);
	spec_signature(KEY1, "2019-02-25", "cvm", CREQ1, sig);
	CHECK_STR(sig, SIG1);

	CHECK(sign_tc3(&r, ID, KEY1, "cvm", TS, &auth) == 0);
	CHECK_STR(buf_str(&auth), "TC3-HMAC-SHA256 Credential=" ID
	    "/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, "
	    "Signature=" SIG1);
	CHECK(strstr(buf_str(&auth), KEY1) == NULL);
	buf_free(&auth);
}

/* Vector 2: SignedHeaders content-type;host;x-tc-action. The action is
 * given as the request sends it ("DescribeInstances"): sign_tc3 must
 * lower-case header values itself, and sort headers given in any order. */
static void
test_vector2(void)
{
	const struct sign_pair	 lower[] = {
		{ "content-type", CTYPE }, { "host", HOST },
		{ "x-tc-action", "describeinstances" } };
	const struct sign_pair	 sent[] = {
		{ "X-TC-Action", "DescribeInstances" }, { "Host", HOST },
		{ "Content-Type", CTYPE } };
	struct sign_req		 r;
	struct buf		 auth = BUF_INIT(0);
	char			 hash[65], sig[65];

	example(&r, lower, 3);
	creq_hash(&r, hash);
	CHECK_STR(hash, CREQ2);
	spec_signature(KEY2, "2019-02-25", "cvm", CREQ2, sig);
	CHECK_STR(sig, SIG2);

	example(&r, sent, 3);
	CHECK(sign_tc3(&r, ID, KEY2, "cvm", TS, &auth) == 0);
	CHECK_STR(buf_str(&auth), "TC3-HMAC-SHA256 Credential=" ID
	    "/2019-02-25/cvm/tc3_request, "
	    "SignedHeaders=content-type;host;x-tc-action, Signature=" SIG2);
	/* the caller's header values are left as they were */
	CHECK_STR(sent[0].value, "DescribeInstances");
	buf_free(&auth);
}

/* A different key, service or body changes the signature. */
static void
test_sensitivity(void)
{
	const struct sign_pair	 h[] = {
		{ "Content-Type", CTYPE }, { "Host", HOST } };
	struct sign_req		 r;
	struct buf		 a = BUF_INIT(0);

	example(&r, h, 2);
	CHECK(sign_tc3(&r, ID, KEY2, "cvm", TS, &a) == 0);
	CHECK(strcmp(sig_of(&a), SIG1) != 0);
	buf_reset(&a);
	CHECK(sign_tc3(&r, ID, KEY1, "dnspod", TS, &a) == 0);
	CHECK(strcmp(sig_of(&a), SIG1) != 0);
	CHECK(strstr(buf_str(&a), "/2019-02-25/dnspod/tc3_request,") != NULL);
	buf_reset(&a);
	r.payload_hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
	CHECK(sign_tc3(&r, ID, KEY1, "cvm", TS, &a) == 0);
	CHECK(strcmp(sig_of(&a), SIG1) != 0);
	CHECK(strlen(sig_of(&a)) == 64);
	buf_free(&a);
}

/* Returns the credential date sign_tc3 derives for timestamp ts. */
static const char *
date_of(long long ts)
{
	static char		 out[16];
	const struct sign_pair	 h[] = { { "Host", HOST } };
	struct sign_req		 r;
	struct buf		 a = BUF_INIT(0);
	const char		*p;

	example(&r, h, 1);
	out[0] = '\0';
	if (sign_tc3(&r, "ID", "K", "svc", ts, &a) == 0 &&
	    (p = strstr(buf_str(&a), "Credential=ID/")) != NULL) {
		memcpy(out, p + 14, 10);
		out[10] = '\0';
	}
	buf_free(&a);
	return out;
}

static void
test_dates(void)
{
	CHECK_STR(date_of(TS), "2019-02-25");
	CHECK_STR(date_of(0), "1970-01-01");
	CHECK_STR(date_of(86399), "1970-01-01");
	CHECK_STR(date_of(86400), "1970-01-02");
	CHECK_STR(date_of(951782400), "2000-02-29");	/* 400-year leap */
	CHECK_STR(date_of(951868799), "2000-02-29");
	CHECK_STR(date_of(951868800), "2000-03-01");
	CHECK_STR(date_of(1709164800), "2024-02-29");
	CHECK_STR(date_of(1735689599), "2024-12-31");
	CHECK_STR(date_of(1735689600), "2025-01-01");
	CHECK_STR(date_of(4107542400LL), "2100-03-01");	/* no Feb 29 */
	CHECK_STR(date_of(4107542399LL), "2100-02-28");
	CHECK_STR(date_of(253402300799LL), "9999-12-31");
}

static void
test_refusals(void)
{
	const struct sign_pair	 h[] = { { "Host", HOST } };
	struct sign_pair	 many[40];
	struct sign_req		 r;
	struct buf		 a = BUF_INIT(0);
	size_t			 i;

	example(&r, h, 1);
	CHECK(sign_tc3(&r, ID, KEY1, "cvm", -1, &a) == -1);
	CHECK(sign_tc3(&r, ID, KEY1, "cvm", 253402300800LL, &a) == -1);
	CHECK(sign_tc3(&r, ID, KEY1, "", TS, &a) == -1);
	CHECK(sign_tc3(&r, NULL, KEY1, "cvm", TS, &a) == -1);
	CHECK(sign_tc3(&r, ID, NULL, "cvm", TS, &a) == -1);
	for (i = 0; i < 40; i++) {
		many[i].name = "x-h";
		many[i].value = "v";
	}
	example(&r, many, 40);
	CHECK(sign_tc3(&r, ID, KEY1, "cvm", TS, &a) == -1);
	CHECK(a.len == 0);
	buf_free(&a);
}

int
main(void)
{
	test_body_hash();
	test_vector1();
	test_vector2();
	test_sensitivity();
	test_dates();
	test_refusals();
	T_END("sign_tc3");
}
