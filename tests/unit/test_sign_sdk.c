/*
 * test_sign_sdk.c - Huawei Cloud SDK-HMAC-SHA256 against the published
 * example (vectors.md), and how the signature reacts to its inputs.
 */
#include <string.h>

#include "buf.h"
#include "sign.h"
#include "t.h"

#define AK	"QTWAOYTTINDUT2QVKYUC"
#define SK	"MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"
#define DATE	"20191115T033655Z"
#define EMPTY	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define CREQ_HASH "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a"
#define SIG	"7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"

static const struct sign_pair vec_hdrs[] = {
	{ "Content-Type", "application/json" },
	{ "Host", "service.region.example.com" },
	{ "X-Sdk-Date", DATE },
};

/* The published request: GET .../vpcs?limit=2&marker=..., empty body. */
static struct sign_req
vec_req(struct buf *query)
{
	static const struct sign_pair q[] = {
		{ "marker", "13551d6b-755d-4757-b956-536f674975c0" },
		{ "limit", "2" },
	};
	struct sign_req r;

	sign_query(q, 2, query);
	memset(&r, 0, sizeof(r));
	r.method = "GET";
	r.uri = "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/";
	r.query = buf_str(query);
	r.hdrs = vec_hdrs;
	r.nhdrs = 3;
	r.payload_hash = EMPTY;
	return r;
}

/* Returns the signature part of an Authorization value, or "". */
static const char *
sig_of(const struct buf *auth)
{
	const char *p = strstr(buf_str(auth), "Signature=");

	return p ? p + 10 : "";
}

static void
test_vector(void)
{
	struct buf	 q = BUF_INIT(0), creq = BUF_INIT(0), sh = BUF_INIT(0);
	struct buf	 auth = BUF_INIT(0);
	struct sign_req	 r = vec_req(&q);
	char		 hash[65];

	CHECK_STR(buf_str(&q), "limit=2&marker=13551d6b-755d-4757-b956-"
	    "536f674975c0");
	CHECK(sign_canonical(&r, &creq, &sh) == 0);
	CHECK_STR(buf_str(&sh), "content-type;host;x-sdk-date");
	CHECK(sign_sha256_hex(creq.data, creq.len, hash) == 0);
	CHECK_STR(hash, CREQ_HASH);

	CHECK(sign_sdk(&r, AK, SK, DATE, &auth) == 0);
	CHECK_STR(buf_str(&auth), "SDK-HMAC-SHA256 Access=" AK ", "
	    "SignedHeaders=content-type;host;x-sdk-date, Signature=" SIG);
	CHECK(strstr(buf_str(&auth), SK) == NULL);

	/* Appends: an existing prefix is kept. */
	buf_reset(&auth);
	buf_adds(&auth, "Authorization: ");
	CHECK(sign_sdk(&r, AK, SK, DATE, &auth) == 0);
	CHECK(strncmp(buf_str(&auth), "Authorization: SDK-HMAC-SHA256 "
	    "Access=", 38) == 0);
	CHECK_STR(sig_of(&auth), SIG);

	buf_free(&q);
	buf_free(&creq);
	buf_free(&sh);
	buf_free(&auth);
}

/* Header names in any case and order, values with blanks around them,
 * sign the same. */
static void
test_header_canon(void)
{
	static const struct sign_pair h[] = {
		{ "x-sdk-date", DATE },
		{ "HOST", "  service.region.example.com\t" },
		{ "content-type", "application/json " },
	};
	struct buf	 q = BUF_INIT(0), auth = BUF_INIT(0);
	struct sign_req	 r = vec_req(&q);

	r.hdrs = h;
	CHECK(sign_sdk(&r, AK, SK, DATE, &auth) == 0);
	CHECK_STR(sig_of(&auth), SIG);
	buf_free(&q);
	buf_free(&auth);
}

/* Every input is covered by the signature. */
static void
test_sensitivity(void)
{
	static const struct sign_pair h2[] = {
		{ "Content-Type", "application/json" },
		{ "Host", "service.region.example.com:8443" },
		{ "X-Sdk-Date", DATE },
	};
	struct buf	 q = BUF_INIT(0), auth = BUF_INIT(0);
	struct sign_req	 r;
	int		 i;

	for (i = 0; i < 6; i++) {
		r = vec_req(&q);
		if (i == 0)
			r.method = "PUT";
		else if (i == 1)
			r.uri = "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs";
		else if (i == 2)
			r.query = "limit=3&marker=13551d6b-755d-4757-b956-"
			    "536f674975c0";
		else if (i == 3)
			r.hdrs = h2;
		else if (i == 4)
			r.payload_hash = CREQ_HASH;
		buf_reset(&auth);
		CHECK(sign_sdk(&r, AK, i == 5 ? SK "x" : SK, DATE, &auth) ==
		    0);
		CHECK(strlen(sig_of(&auth)) == 64);
		CHECK(strcmp(sig_of(&auth), SIG) != 0);
		buf_reset(&q);
	}
	/* The date is signed too (it is also a signed header here). */
	r = vec_req(&q);
	buf_reset(&auth);
	CHECK(sign_sdk(&r, AK, SK, "20191115T033656Z", &auth) == 0);
	CHECK(strcmp(sig_of(&auth), SIG) != 0);
	buf_free(&q);
	buf_free(&auth);
}

/* Bad inputs fail instead of signing something else. */
static void
test_bad_input(void)
{
	struct buf	 q = BUF_INIT(0), auth = BUF_INIT(0);
	struct sign_req	 r = vec_req(&q);

	CHECK(sign_sdk(&r, AK, SK, "2019-11-15T03:36:55Z", &auth) == -1);
	CHECK(sign_sdk(&r, AK, SK, "20191115T033655", &auth) == -1);
	CHECK(sign_sdk(&r, AK, SK, "2019111XT033655Z", &auth) == -1);
	CHECK(sign_sdk(&r, AK, SK, NULL, &auth) == -1);
	CHECK(sign_sdk(&r, "", SK, DATE, &auth) == -1);
	CHECK(sign_sdk(&r, AK, "", DATE, &auth) == -1);
	CHECK(sign_sdk(&r, NULL, SK, DATE, &auth) == -1);
	CHECK(sign_sdk(NULL, AK, SK, DATE, &auth) == -1);
	CHECK(auth.len == 0);
	buf_free(&q);
	buf_free(&auth);
}

int
main(void)
{
	test_vector();
	test_header_canon();
	test_sensitivity();
	test_bad_input();
	T_END("test_sign_sdk");
}
