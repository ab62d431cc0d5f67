/*
 * sign.h - request signing for the providers' HMAC-SHA256 schemes.
 *
 * Alibaba's ACS3, Tencent's TC3 and Huawei's SDK-HMAC-SHA256 all hash the
 * same canonical request:
 *
 *   METHOD \n URI \n QUERY \n name:value\n...(sorted, lower-case) \n
 *   SIGNED-HEADERS \n HEX(SHA256(body))
 *
 * and differ only in the string to sign and the key. sign.c builds the
 * shared parts; each scheme lives in its own file (sign_acs3.c,
 * sign_tc3.c, sign_sdk.c) and returns the Authorization header value.
 * Nothing here logs: its inputs and outputs are secrets.
 */
#ifndef DDNS_SIGN_H
#define DDNS_SIGN_H

#include <stddef.h>

#include "buf.h"

struct sign_pair {
	const char	*name;
	const char	*value;
};

struct sign_req {
	const char		*method;	/* "GET", "POST", ... */
	const char		*uri;		/* canonical URI, exactly as the
						   scheme wants it */
	const char		*query;		/* canonical query, or "" */
	const struct sign_pair	*hdrs;		/* headers to sign, any case,
						   any order (host included) */
	size_t			 nhdrs;
	const char		*payload_hash;	/* hex SHA-256 of the body */
};

/* Writes the canonical request into creq and the ';'-joined sorted
 * lower-case header names into signed_hdrs; 0 or -1. */
int	 sign_canonical(const struct sign_req *r, struct buf *creq,
	    struct buf *signed_hdrs);
/* Appends the canonical query string of the pairs: names and values
 * percent-encoded (RFC 3986), sorted by name then value, joined by '&';
 * 0 or -1. */
int	 sign_query(const struct sign_pair *p, size_t n, struct buf *out);
/* Writes the lower-case hex SHA-256 of data into out; 0 or -1. */
int	 sign_sha256_hex(const void *data, size_t len, char out[65]);

/* Alibaba Cloud V3 (ACS3-HMAC-SHA256): appends "ACS3-HMAC-SHA256
 * Credential=ID,SignedHeaders=...,Signature=HEX" to auth; 0 or -1. */
int	 sign_acs3(const struct sign_req *r, const char *key_id,
	    const char *secret, struct buf *auth);
/* Tencent Cloud API 3.0 (TC3-HMAC-SHA256) for service at timestamp
 * (epoch seconds; the UTC date is derived): appends the Authorization
 * value to auth; 0 or -1. */
int	 sign_tc3(const struct sign_req *r, const char *secret_id,
	    const char *secret_key, const char *service, long long timestamp,
	    struct buf *auth);
/* Huawei Cloud APIG (SDK-HMAC-SHA256) with X-Sdk-Date value sdk_date
 * ("20191115T033655Z"): appends "SDK-HMAC-SHA256 Access=AK,
 * SignedHeaders=..., Signature=HEX" to auth; 0 or -1. */
int	 sign_sdk(const struct sign_req *r, const char *ak, const char *sk,
	    const char *sdk_date, struct buf *auth);

#endif
