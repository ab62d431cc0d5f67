/* test_crypto.c - known-answer tests for src/crypto.c. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "t.h"

/* Returns the hex of SHA-256(s) in a static buffer, "" on error. */
static const char *
sha256_hex(const void *p, size_t len)
{
	static char	 hex[65];
	unsigned char	 md[32];

	hex[0] = '\0';
	if (crypto_sha256(p, len, md) == 0)
		crypto_hex(md, sizeof(md), hex);
	return hex;
}

/* Returns the hex of HMAC-SHA256(key, msg) in a static buffer. */
static const char *
hs256_hex(const void *key, size_t klen, const void *msg, size_t mlen)
{
	static char	 hex[65];
	unsigned char	 md[32];

	hex[0] = '\0';
	if (crypto_hmac_sha256(key, klen, msg, mlen, md) == 0)
		crypto_hex(md, sizeof(md), hex);
	return hex;
}

/* Returns the hex of HMAC-SHA1(key, msg) in a static buffer. */
static const char *
hs1_hex(const void *key, size_t klen, const void *msg, size_t mlen)
{
	static char	 hex[41];
	unsigned char	 md[20];

	hex[0] = '\0';
	if (crypto_hmac_sha1(key, klen, msg, mlen, md) == 0)
		crypto_hex(md, sizeof(md), hex);
	return hex;
}

/* Returns base64(s) in a static buffer, "(fail)" on error. */
static const char *
b64(const void *p, size_t len)
{
	static char	 out[512];
	struct buf	 b = BUF_INIT(0);

	if (crypto_base64(&b, p, len) == -1 || b.len >= sizeof(out))
		strcpy(out, "(fail)");
	else
		strcpy(out, buf_str(&b));
	buf_free(&b);
	return out;
}

/* FIPS 180-2 appendix B examples. */
static void
test_sha256(void)
{
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkl"
	    "jklmklmnlmnomnopnopq";

	CHECK_STR(sha256_hex("", 0),
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	CHECK_STR(sha256_hex(NULL, 0),
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	CHECK_STR(sha256_hex("abc", 3),
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	CHECK_STR(sha256_hex(m, strlen(m)),
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

/* RFC 4231 section 4, test cases 1-7 (5 is truncated to 128 bits). */
static void
test_hmac_sha256(void)
{
	unsigned char	 k0b[20], kaa20[20], kaa131[131], k25[25], k0c[20];
	unsigned char	 dd[50], cd[50];
	const char	*m6, *m7, *h;
	size_t		 i;

	memset(k0b, 0x0b, sizeof(k0b));
	memset(kaa20, 0xaa, sizeof(kaa20));
	memset(kaa131, 0xaa, sizeof(kaa131));
	memset(k0c, 0x0c, sizeof(k0c));
	memset(dd, 0xdd, sizeof(dd));
	memset(cd, 0xcd, sizeof(cd));
	for (i = 0; i < sizeof(k25); i++)
		k25[i] = (unsigned char)(i + 1);
	m6 = "Test Using Larger Than Block-Size Key - Hash Key First";
	m7 = "This is a test using a larger than block-size key and a larger "
	    "than block-size data. The key needs to be hashed before being "
	    "used by the HMAC algorithm.";

	CHECK_STR(hs256_hex(k0b, sizeof(k0b), "Hi There", 8),
	    "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	CHECK_STR(hs256_hex("Jefe", 4, "what do ya want for nothing?", 28),
	    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	CHECK_STR(hs256_hex(kaa20, sizeof(kaa20), dd, sizeof(dd)),
	    "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
	CHECK_STR(hs256_hex(k25, sizeof(k25), cd, sizeof(cd)),
	    "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
	h = hs256_hex(k0c, sizeof(k0c), "Test With Truncation", 20);
	CHECK(strncmp(h, "a3b6167473100ee06e0c796c2955552b", 32) == 0);
	CHECK_STR(hs256_hex(kaa131, sizeof(kaa131), m6, strlen(m6)),
	    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
	CHECK_STR(hs256_hex(kaa131, sizeof(kaa131), m7, strlen(m7)),
	    "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

/* RFC 2202 section 3, test cases 1-3. */
static void
test_hmac_sha1(void)
{
	unsigned char	 k0b[20], kaa[20], dd[50];

	memset(k0b, 0x0b, sizeof(k0b));
	memset(kaa, 0xaa, sizeof(kaa));
	memset(dd, 0xdd, sizeof(dd));
	CHECK_STR(hs1_hex(k0b, sizeof(k0b), "Hi There", 8),
	    "b617318655057264e28bc0b6fb378c8ef146be00");
	CHECK_STR(hs1_hex("Jefe", 4, "what do ya want for nothing?", 28),
	    "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
	CHECK_STR(hs1_hex(kaa, sizeof(kaa), dd, sizeof(dd)),
	    "125d7342b9ac11cd91a39af48aa17b4f63f175d3");
}

/* The last step of two cloud signers, from /work/shared/vectors.md. */
static void
test_cloud_signers(void)
{
	const char *acs_k = "YourAccessKeySecret";
	const char *acs_m = "ACS3-HMAC-SHA256\n"
	    "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259";
	const char *hw_k = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc";
	const char *hw_m = "SDK-HMAC-SHA256\n20191115T033655Z\n"
	    "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a";

	CHECK_STR(hs256_hex(acs_k, strlen(acs_k), acs_m, strlen(acs_m)),
	    "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0");
	CHECK_STR(hs256_hex(hw_k, strlen(hw_k), hw_m, strlen(hw_m)),
	    "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe");
}

/* RFC 4648 section 10, plus chunk boundaries and the size cap. */
static void
test_base64(void)
{
	unsigned char	 zero[200], ff[3], all[256];
	char		 want[269];
	struct buf	 b = BUF_INIT(10);
	size_t		 i;

	CHECK_STR(b64("", 0), "");
	CHECK_STR(b64(NULL, 0), "");
	CHECK_STR(b64("f", 1), "Zg==");
	CHECK_STR(b64("fo", 2), "Zm8=");
	CHECK_STR(b64("foo", 3), "Zm9v");
	CHECK_STR(b64("foob", 4), "Zm9vYg==");
	CHECK_STR(b64("fooba", 5), "Zm9vYmE=");
	CHECK_STR(b64("foobar", 6), "Zm9vYmFy");
	memset(ff, 0xff, sizeof(ff));
	CHECK_STR(b64(ff, sizeof(ff)), "////");

	/* 200 zero bytes cross a chunk: 66 "AAAA" groups, then "AAA=". */
	memset(zero, 0, sizeof(zero));
	memset(want, 'A', 267);
	want[267] = '=';
	want[268] = '\0';
	CHECK_STR(b64(zero, sizeof(zero)), want);
	for (i = 0; i < sizeof(all); i++)
		all[i] = (unsigned char)i;
	CHECK_STR(b64(all, sizeof(all)),
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKiss"
	    "LS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZ"
	    "WltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKDhIWG"
	    "h4iJiouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq+wsbKz"
	    "tLW2t7i5uru8vb6/wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g"
	    "4eLj5OXm5+jp6uvs7e7v8PHy8/T19vf4+fr7/P3+/w==");

	/* Appends after existing text; on overflow leaves b unchanged. */
	CHECK(buf_adds(&b, "x:") == 0);
	CHECK(crypto_base64(&b, "foo", 3) == 0);
	CHECK_STR(buf_str(&b), "x:Zm9v");
	CHECK(crypto_base64(&b, "foobar", 6) == -1);
	CHECK_STR(buf_str(&b), "x:Zm9v");
	CHECK(b.len == 6);
	/* The first chunk fits, the second does not: still unchanged. */
	b.max = 300;
	CHECK(crypto_base64(&b, all, sizeof(all)) == -1);
	CHECK_STR(buf_str(&b), "x:Zm9v");
	CHECK(b.len == 6);
	buf_free(&b);
}

static void
test_hex(void)
{
	const unsigned char	 p[] = { 0x00, 0x01, 0x7f, 0x80, 0xab, 0xff };
	char			 out[2 * sizeof(p) + 1];

	memset(out, 'Z', sizeof(out));
	crypto_hex(p, sizeof(p), out);
	CHECK_STR(out, "00017f80abff");
	memset(out, 'Z', sizeof(out));
	crypto_hex(p, 0, out);
	CHECK_STR(out, "");
}

static void
test_random(void)
{
	unsigned char	 a[16], b[16], zero[16], *big;
	size_t		 i, nz = 0;

	memset(zero, 0, sizeof(zero));
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	CHECK(crypto_random(a, sizeof(a)) == 0);
	CHECK(crypto_random(b, sizeof(b)) == 0);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	CHECK(memcmp(a, zero, sizeof(a)) != 0);
	CHECK(memcmp(b, zero, sizeof(b)) != 0);
	CHECK(crypto_random(NULL, 0) == 0);

	/* More than one DRBG request (1024 bytes) must be filled entirely. */
	big = calloc(1, 5000);
	CHECK(big != NULL);
	if (big == NULL)
		return;
	CHECK(crypto_random(big, 5000) == 0);
	for (i = 4000; i < 5000; i++)
		if (big[i] != 0)
			nz++;
	CHECK(nz > 900);
	free(big);
}

int
main(void)
{
	test_sha256();
	test_hmac_sha256();
	test_hmac_sha1();
	test_cloud_signers();
	test_base64();
	test_hex();
	test_random();
	T_END("test_crypto");
}
