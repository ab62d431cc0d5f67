/*
 * crypto.h - hashes, MACs, encodings and randomness; the only interface to
 * mbedTLS (2.28 and 3.x).
 */
#ifndef DDNS_CRYPTO_H
#define DDNS_CRYPTO_H

#include <stddef.h>

#include "buf.h"

/* Writes SHA-256 of data into out; 0 or -1. */
int	 crypto_sha256(const void *data, size_t len, unsigned char out[32]);
/* Writes HMAC-SHA256(key, msg) into out; 0 or -1. */
int	 crypto_hmac_sha256(const void *key, size_t klen, const void *msg,
	    size_t mlen, unsigned char out[32]);
/* Writes HMAC-SHA1(key, msg) into out; 0 or -1. */
int	 crypto_hmac_sha1(const void *key, size_t klen, const void *msg,
	    size_t mlen, unsigned char out[20]);
/* Appends the standard base64 (with padding) of data to b; 0 or -1. */
int	 crypto_base64(struct buf *b, const void *data, size_t len);
/* Writes len bytes as lower-case hex plus a NUL into out (2*len+1). */
void	 crypto_hex(const unsigned char *p, size_t len, char *out);
/* Fills p with len cryptographically random bytes; 0 or -1. */
int	 crypto_random(void *p, size_t len);

#endif
