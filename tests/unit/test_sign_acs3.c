/*
 * test_sign_acs3.c - Alibaba Cloud signature V3 (ACS3-HMAC-SHA256)
 * against the published example of "V3 request structure and signature"
 * (ECS RunInstances; /work/shared/vectors.md), plus the properties the
 * provider relies on: header case and order do not matter, the query is
 * encoded per RFC 3986, and any change to a signed input changes the
 * signature.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "sign.h"
#include "t.h"

#define V_HOST	"ecs.cn-shanghai.aliyuncs.com"
#define V_QUERY	"ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd" \
		"&RegionId=cn-shanghai"
#define V_DATE	"2023-10-26T10:22:32Z"
#define V_NONCE	"3156853299f313e23d1673dc12e1703d"
#define V_ID	"YourAccessKeyId"
#define V_KEY	"YourAccessKeySecret"
#define V_EMPTY	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define V_HASH	"7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259"
#define V_SIG	"06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
#define V_SHDRS	"host;x-acs-action;x-acs-content-sha256;x-acs-date;" \
		"x-acs-signature-nonce;x-acs-version"

static char empty_hash[65];

/* The vector's headers, in the order and case a client might send them. */
static const struct sign_pair v_hdrs[] = {
	{ "x-acs-action",		"RunInstances" },
	{ "host",			V_HOST },
	{ "x-acs-version",		"2014-05-26" },
	{ "x-acs-date",			V_DATE },
	{ "x-acs-signature-nonce",	V_NONCE },
	{ "x-acs-content-sha256",	empty_hash },
};

/* The same headers upper-cased, reordered, with spaces around values. */
static const struct sign_pair v_hdrs_odd[] = {
	{ "X-Acs-Signature-Nonce",	V_NONCE },
	{ "X-ACS-DATE",			"  " V_DATE },
	{ "x-acs-content-SHA256",	empty_hash },
	{ "Host",			V_HOST "\t" },
	{ "X-Acs-Version",		"2014-05-26" },
	{ "X-Acs-Action",		" RunInstances " },
};

/* Fills r with the vector's request using the header list h. */
static void
vector_req(struct sign_req *r, const struct sign_pair *h, size_t n,
    const char *query)
{
	memset(r, 0, sizeof(*r));
	r->method = "POST";
	r->uri = "/";
	r->query = query;
	r->hdrs = h;
	r->nhdrs = n;
	r->payload_hash = empty_hash;
}

/* Returns the hex SHA-256 of r's canonical request in out (65). */
static int
creq_hash(const struct sign_req *r, char out[65], struct buf *shdrs)
{
	struct buf	creq = BUF_INIT(0);
	int		rc;

	rc = sign_canonical(r, &creq, shdrs);
	if (rc == 0)
		rc = sign_sha256_hex(buf_str(&creq), creq.len, out);
	buf_free(&creq);
	return rc;
}

/* Returns the Signature= part of an Authorization value, or "". */
static const char *
sig_of(const struct buf *auth)
{
	const char *p = strstr(buf_str(auth), "Signature=");

	return p ? p + strlen("Signature=") : "";
}

static void
test_vector(void)
{
	struct sign_req	 r;
	struct buf	 shdrs = BUF_INIT(0), auth = BUF_INIT(0);
	char		 hash[65] = "";

	CHECK_STR(empty_hash, V_EMPTY);
	vector_req(&r, v_hdrs, 6, V_QUERY);
	CHECK(creq_hash(&r, hash, &shdrs) == 0);
	CHECK_STR(hash, V_HASH);
	CHECK_STR(buf_str(&shdrs), V_SHDRS);

	CHECK(sign_acs3(&r, V_ID, V_KEY, &auth) == 0);
	CHECK_STR(buf_str(&auth), "ACS3-HMAC-SHA256 Credential=" V_ID
	    ",SignedHeaders=" V_SHDRS ",Signature=" V_SIG);
	buf_free(&shdrs);
	buf_free(&auth);
}

/* Header names in any case and order, values with outer blanks: the same
 * canonical request and signature. */
static void
test_header_forms(void)
{
	struct sign_req	 r;
	struct buf	 shdrs = BUF_INIT(0), auth = BUF_INIT(0);
	char		 hash[65] = "";

	vector_req(&r, v_hdrs_odd, 6, V_QUERY);
	CHECK(creq_hash(&r, hash, &shdrs) == 0);
	CHECK_STR(hash, V_HASH);
	CHECK_STR(buf_str(&shdrs), V_SHDRS);
	CHECK(sign_acs3(&r, V_ID, V_KEY, &auth) == 0);
	CHECK_STR(sig_of(&auth), V_SIG);
	buf_free(&shdrs);
	buf_free(&auth);
}

/* The vector's query, rebuilt from its parameters given out of order. */
static void
test_query(void)
{
	static const struct sign_pair p[] = {
		{ "RegionId", "cn-shanghai" },
		{ "ImageId",
		    "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd" },
	};
	static const struct sign_pair odd[] = {
		{ "Value", "a b*c~d/e:f+g=h&i" },
		{ "RR", "@" },
		{ "Line", "\xe9\xbb\x98\xe8\xae\xa4" },	/* UTF-8 */
	};
	struct buf q = BUF_INIT(0);

	CHECK(sign_query(p, 2, &q) == 0);
	CHECK_STR(buf_str(&q), V_QUERY);
	buf_reset(&q);
	CHECK(sign_query(odd, 3, &q) == 0);
	CHECK_STR(buf_str(&q), "Line=%E9%BB%98%E8%AE%A4&RR=%40&"
	    "Value=a%20b%2Ac~d%2Fe%3Af%2Bg%3Dh%26i");
	buf_free(&q);
}

/* Signs r with one input changed and checks the signature moved. */
static void
check_differs(const struct sign_req *r, const char *id, const char *key,
    const char *why)
{
	struct buf auth = BUF_INIT(0);

	CHECK(sign_acs3(r, id, key, &auth) == 0);
	if (strcmp(sig_of(&auth), V_SIG) == 0) {
		fprintf(stderr, "changing %s kept the signature\n", why);
		CHECK(0);
	}
	buf_free(&auth);
}

static void
test_sensitivity(void)
{
	struct sign_pair	 h[6];
	struct sign_req		 r;

	vector_req(&r, v_hdrs, 6, V_QUERY);
	check_differs(&r, V_ID, V_KEY "x", "the secret");
	r.method = "GET";
	check_differs(&r, V_ID, V_KEY, "the method");
	vector_req(&r, v_hdrs, 6, "ImageId=x&RegionId=cn-shanghai");
	check_differs(&r, V_ID, V_KEY, "the query");
	memcpy(h, v_hdrs, sizeof(h));
	h[3].value = "2023-10-26T10:22:33Z";
	vector_req(&r, h, 6, V_QUERY);
	check_differs(&r, V_ID, V_KEY, "the date");
	vector_req(&r, v_hdrs, 5, V_QUERY);	/* one header fewer */
	check_differs(&r, V_ID, V_KEY, "the header set");
	vector_req(&r, v_hdrs, 6, V_QUERY);
	r.payload_hash = V_HASH;
	check_differs(&r, V_ID, V_KEY, "the payload hash");
}

static void
test_bad_input(void)
{
	struct sign_req	 r;
	struct buf	 auth = BUF_INIT(0);

	vector_req(&r, v_hdrs, 6, V_QUERY);
	CHECK(sign_acs3(&r, NULL, V_KEY, &auth) == -1);
	CHECK(sign_acs3(&r, V_ID, NULL, &auth) == -1);
	CHECK(auth.len == 0);
	buf_free(&auth);
}

int
main(void)
{
	if (sign_sha256_hex("", 0, empty_hash) == -1)
		empty_hash[0] = '\0';
	test_vector();
	test_header_forms();
	test_query();
	test_sensitivity();
	test_bad_input();
	T_END("test_sign_acs3");
}
