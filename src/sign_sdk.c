/*
 * sign_sdk.c - Huawei Cloud APIG AK/SK signing (SDK-HMAC-SHA256).
 *
 * Spec: support.huaweicloud.com/devg-apisign/api-sign-algorithm.html
 *
 *   StringToSign = "SDK-HMAC-SHA256" \n X-Sdk-Date \n HEX(SHA256(creq))
 *   Signature    = HEX(HMAC-SHA256(SK, StringToSign))
 *   Authorization: SDK-HMAC-SHA256 Access=AK, SignedHeaders=..., Signature=...
 *
 * The caller gives the canonical URI already ending in '/', and signs at
 * least host and x-sdk-date. Nothing here logs.
 */
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "sign.h"

#define SDK_ALGO	"SDK-HMAC-SHA256"
#define SDK_DATE_LEN	16		/* "20191115T033655Z" */

/* Returns 1 when d looks like an X-Sdk-Date value (YYYYMMDDTHHMMSSZ). */
static int
sdk_date_ok(const char *d)
{
	size_t i;

	if (d == NULL || strlen(d) != SDK_DATE_LEN || d[8] != 'T' ||
	    d[15] != 'Z')
		return 0;
	for (i = 0; i < SDK_DATE_LEN; i++)
		if (i != 8 && i != 15 && (d[i] < '0' || d[i] > '9'))
			return 0;
	return 1;
}

/* Writes the hex HMAC-SHA256 of the string to sign into sig; 0 or -1. */
static int
sdk_signature(const char *sk, const char *sdk_date, const char *creq_hash,
    char sig[65])
{
	struct buf	 sts = BUF_INIT(0);
	unsigned char	 mac[32];
	int		 rc;

	rc = buf_printf(&sts, "%s\n%s\n%s", SDK_ALGO, sdk_date, creq_hash);
	if (rc == 0)
		rc = crypto_hmac_sha256(sk, strlen(sk), sts.data, sts.len, mac);
	if (rc == 0)
		crypto_hex(mac, sizeof(mac), sig);
	memset(mac, 0, sizeof(mac));
	buf_free(&sts);
	return rc;
}

/* Appends "SDK-HMAC-SHA256 Access=AK, SignedHeaders=..., Signature=HEX"
 * for r, signed with sk at sdk_date, to auth; 0 or -1. */
int
sign_sdk(const struct sign_req *r, const char *ak, const char *sk,
    const char *sdk_date, struct buf *auth)
{
	struct buf	 creq = BUF_INIT(0), sh = BUF_INIT(0);
	char		 hash[65], sig[65];
	int		 rc = -1;

	if (r == NULL || ak == NULL || sk == NULL || *ak == '\0' ||
	    *sk == '\0' || !sdk_date_ok(sdk_date))
		return -1;
	if (sign_canonical(r, &creq, &sh) == 0 &&
	    sign_sha256_hex(creq.data, creq.len, hash) == 0 &&
	    sdk_signature(sk, sdk_date, hash, sig) == 0)
		rc = buf_printf(auth, "%s Access=%s, SignedHeaders=%s, "
		    "Signature=%s", SDK_ALGO, ak, buf_str(&sh), sig);
	memset(sig, 0, sizeof(sig));
	buf_free(&creq);
	buf_free(&sh);
	return rc;
}
