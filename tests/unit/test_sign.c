/*
 * test_sign.c - the parts of sign.c every HMAC scheme shares: the
 * canonical query, the canonical request and the hex SHA-256. (The
 * schemes themselves are tested in test_sign_acs3.c and friends.)
 */
#include <string.h>

#include "buf.h"
#include "sign.h"
#include "t.h"

#define EMPTY_SHA "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define ABC_SHA	  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

/* FIPS 180-2 vectors: "" and "abc". */
static void
test_sha256_hex(void)
{
	char out[65];

	memset(out, 'x', sizeof(out));
	CHECK(sign_sha256_hex("", 0, out) == 0);
	CHECK_STR(out, EMPTY_SHA);
	CHECK(sign_sha256_hex("abc", 3, out) == 0);
	CHECK_STR(out, ABC_SHA);
	/* The length is honoured, not the NUL. */
	CHECK(sign_sha256_hex("abcdef", 3, out) == 0);
	CHECK_STR(out, ABC_SHA);
}

/* Returns sign_query's output for the pairs (static buffer), or "FAIL". */
static const char *
query_of(const struct sign_pair *p, size_t n)
{
	static char	 out[512];
	struct buf	 b = BUF_INIT(0);

	if (sign_query(p, n, &b) == -1)
		snprintf(out, sizeof(out), "FAIL");
	else
		snprintf(out, sizeof(out), "%s", buf_str(&b));
	buf_free(&b);
	return out;
}

static void
test_query(void)
{
	static const struct sign_pair p1[] = {
		{ "b", "2" },
		{ "a", "x y" },			/* space -> %20, never '+' */
		{ "c", "\xc3\xa9" },		/* UTF-8 "é": each byte */
		{ "a", "*~" },			/* '*' -> %2A, '~' kept */
		{ "A", "1" },			/* upper case sorts first */
	};
	static const struct sign_pair p2[] = {
		{ "Key Name", "v/w" },		/* names are encoded too */
		{ "e", "" },			/* empty value kept */
		{ "Key-Name", "+=&" },
	};
	static const struct sign_pair p3[] = {
		{ "x", "3" }, { "x", "10" }, { "x", "2" },
	};
	struct sign_pair	 many[65];
	struct buf		 b = BUF_INIT(0);
	size_t			 i;

	CHECK_STR(query_of(p1, 5), "A=1&a=%2A~&a=x%20y&b=2&c=%C3%A9");
	/* Sorted by the encoded name: "Key%20Name" < "Key-Name" < "e". */
	CHECK_STR(query_of(p2, 3), "Key%20Name=v%2Fw&Key-Name=%2B%3D%26&e=");
	/* Equal names: by value, as strings. */
	CHECK_STR(query_of(p3, 3), "x=10&x=2&x=3");
	CHECK_STR(query_of(p1, 0), "");
	CHECK_STR(query_of(p1, 1), "b=2");

	/* It appends to what out already holds. */
	CHECK(buf_adds(&b, "pre|") == 0);
	CHECK(sign_query(p3, 1, &b) == 0);
	CHECK_STR(buf_str(&b), "pre|x=3");
	buf_free(&b);

	/* More pairs than it sorts: refused. */
	for (i = 0; i < 65; i++) {
		many[i].name = "n";
		many[i].value = "v";
	}
	CHECK(sign_query(many, 64, &b) == 0);
	buf_free(&b);
	CHECK(sign_query(many, 65, &b) == -1);
	buf_free(&b);
}

static void
test_canonical(void)
{
	static const struct sign_pair hdrs[] = {
		{ "X-B", "  two  " },			/* value trimmed */
		{ "Host", "h.example" },
		{ "content-Type", "\tapplication/json " },
		{ "X-A", "in  side" },			/* inner spaces kept */
	};
	struct sign_req	 r;
	struct buf	 creq = BUF_INIT(0), sh = BUF_INIT(0);

	memset(&r, 0, sizeof(r));
	r.method = "POST";
	r.uri = "/p/";
	r.query = "a=1&b=2";
	r.hdrs = hdrs;
	r.nhdrs = 4;
	r.payload_hash = EMPTY_SHA;
	CHECK(sign_canonical(&r, &creq, &sh) == 0);
	CHECK_STR(buf_str(&sh), "content-type;host;x-a;x-b");
	CHECK_STR(buf_str(&creq),
	    "POST\n"
	    "/p/\n"
	    "a=1&b=2\n"
	    "content-type:application/json\n"
	    "host:h.example\n"
	    "x-a:in  side\n"
	    "x-b:two\n"
	    "\n"
	    "content-type;host;x-a;x-b\n"
	    EMPTY_SHA);
	/* The caller's header names are not modified. */
	CHECK_STR(hdrs[1].name, "Host");

	/* A NULL query is an empty line; one header. */
	buf_free(&creq);
	buf_free(&sh);
	r.method = "GET";
	r.uri = "/";
	r.query = NULL;
	r.hdrs = &hdrs[1];
	r.nhdrs = 1;
	r.payload_hash = ABC_SHA;
	CHECK(sign_canonical(&r, &creq, &sh) == 0);
	CHECK_STR(buf_str(&creq),
	    "GET\n/\n\nhost:h.example\n\nhost\n" ABC_SHA);
	CHECK_STR(buf_str(&sh), "host");
	buf_free(&creq);
	buf_free(&sh);

	/* Too many headers: refused. */
	r.nhdrs = 65;
	CHECK(sign_canonical(&r, &creq, &sh) == -1);
	buf_free(&creq);
	buf_free(&sh);
}

/* Headers given in a different order and case give the same text. */
static void
test_canonical_order(void)
{
	static const struct sign_pair h1[] = {
		{ "Host", "a" }, { "X-Date", "1" }, { "Content-Type", "t" },
	};
	static const struct sign_pair h2[] = {
		{ "x-date", "1" }, { "CONTENT-TYPE", "t" }, { "host", " a" },
	};
	struct sign_req	 r;
	struct buf	 c1 = BUF_INIT(0), s1 = BUF_INIT(0);
	struct buf	 c2 = BUF_INIT(0), s2 = BUF_INIT(0);

	memset(&r, 0, sizeof(r));
	r.method = "PUT";
	r.uri = "/x";
	r.query = "";
	r.payload_hash = EMPTY_SHA;
	r.hdrs = h1;
	r.nhdrs = 3;
	CHECK(sign_canonical(&r, &c1, &s1) == 0);
	r.hdrs = h2;
	CHECK(sign_canonical(&r, &c2, &s2) == 0);
	CHECK_STR(buf_str(&c1), buf_str(&c2));
	CHECK_STR(buf_str(&s1), "content-type;host;x-date");
	CHECK_STR(buf_str(&s2), buf_str(&s1));
	buf_free(&c1);
	buf_free(&s1);
	buf_free(&c2);
	buf_free(&s2);
}

int
main(void)
{
	test_sha256_hex();
	test_query();
	test_canonical();
	test_canonical_order();
	T_END("test_sign");
}
