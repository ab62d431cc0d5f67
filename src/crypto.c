/*
 * crypto.c - hashes, MACs, base64 and randomness (see crypto.h).
 *
 * The only file that includes mbedTLS. It uses only calls whose shape is
 * the same in 2.28 and 3.x: the generic md layer, base64, entropy and
 * ctr_drbg, and platform_zeroize.
 */
#include <stddef.h>

#include <mbedtls/base64.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/md.h>
#include <mbedtls/platform_util.h>

#include "buf.h"
#include "crypto.h"

/* Input bytes per base64 step: a multiple of 3, so only the last pads. */
#define B64_CHUNK	192

/* The process-wide generator, seeded on first use (single-threaded). */
static mbedtls_entropy_context	 rng_entropy;
static mbedtls_ctr_drbg_context	 rng_drbg;
static int			 rng_ready;	/* 1 once seeded */

/* Returns p, or a valid empty array when p is NULL (an empty message). */
static const unsigned char *
bytes(const void *p)
{
	static const unsigned char none[1];

	return p != NULL ? p : none;
}

/* Writes HMAC(key, msg) with hash t into out; 0 or -1. */
static int
hmac(mbedtls_md_type_t t, const void *key, size_t klen, const void *msg,
    size_t mlen, unsigned char *out)
{
	const mbedtls_md_info_t	*md = mbedtls_md_info_from_type(t);

	if (md == NULL)
		return -1;
	if (mbedtls_md_hmac(md, bytes(key), klen, bytes(msg), mlen, out) != 0)
		return -1;
	return 0;
}

int
crypto_sha256(const void *data, size_t len, unsigned char out[32])
{
	const mbedtls_md_info_t	*md;

	md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
	if (md == NULL)
		return -1;
	if (mbedtls_md(md, bytes(data), len, out) != 0)
		return -1;
	return 0;
}

int
crypto_hmac_sha256(const void *key, size_t klen, const void *msg,
    size_t mlen, unsigned char out[32])
{
	return hmac(MBEDTLS_MD_SHA256, key, klen, msg, mlen, out);
}

int
crypto_hmac_sha1(const void *key, size_t klen, const void *msg,
    size_t mlen, unsigned char out[20])
{
	return hmac(MBEDTLS_MD_SHA1, key, klen, msg, mlen, out);
}

/*
 * Encodes in fixed steps through a stack buffer (the input may be a
 * password for Basic auth, so the buffer is wiped); on failure b is put
 * back as it was.
 */
int
crypto_base64(struct buf *b, const void *data, size_t len)
{
	const unsigned char	*in = bytes(data);
	unsigned char		 out[B64_CHUNK / 3 * 4 + 1];
	size_t			 old = b->len, n, olen;
	int			 rc = 0;

	while (rc == 0 && len > 0) {
		n = len < B64_CHUNK ? len : B64_CHUNK;
		if (mbedtls_base64_encode(out, sizeof(out), &olen, in, n) != 0)
			rc = -1;
		else if (buf_add(b, out, olen) == -1)
			rc = -1;
		in += n;
		len -= n;
	}
	mbedtls_platform_zeroize(out, sizeof(out));
	if (rc == -1 && b->data != NULL) {
		b->len = old;
		b->data[old] = '\0';
	}
	return rc;
}

void
crypto_hex(const unsigned char *p, size_t len, char *out)
{
	static const char	 digits[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 0x0f];
	}
	out[2 * len] = '\0';
}

/* Seeds the generator once; 0 or -1 (a later call tries again). */
static int
rng_seed(void)
{
	static const char	 pers[] = "ddns-update";
	int			 rc;

	if (rng_ready)
		return 0;
	mbedtls_entropy_init(&rng_entropy);
	mbedtls_ctr_drbg_init(&rng_drbg);
	rc = mbedtls_ctr_drbg_seed(&rng_drbg, mbedtls_entropy_func,
	    &rng_entropy, (const unsigned char *)pers, sizeof(pers) - 1);
	if (rc != 0) {
		mbedtls_ctr_drbg_free(&rng_drbg);
		mbedtls_entropy_free(&rng_entropy);
		return -1;
	}
	rng_ready = 1;
	return 0;
}

int
crypto_random(void *p, size_t len)
{
	unsigned char	*o = p;
	size_t		 n;

	if (rng_seed() == -1)
		return -1;
	while (len > 0) {
		n = len < MBEDTLS_CTR_DRBG_MAX_REQUEST ?
		    len : MBEDTLS_CTR_DRBG_MAX_REQUEST;
		if (mbedtls_ctr_drbg_random(&rng_drbg, o, n) != 0)
			return -1;
		o += n;
		len -= n;
	}
	return 0;
}
