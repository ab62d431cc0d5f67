/*
 * sign_acs3.c - Alibaba Cloud signature V3 (ACS3-HMAC-SHA256).
 *
 * Doc: "V3 request structure and signature" (Alibaba Cloud SDK).
 *   StringToSign = "ACS3-HMAC-SHA256" "\n" HEX(SHA256(CanonicalRequest))
 *   Signature    = HEX(HMAC-SHA256(AccessKeySecret, StringToSign))
 *   Authorization: ACS3-HMAC-SHA256 Credential=ID,SignedHeaders=...,
 *                  Signature=HEX
 * The canonical request is the one sign.c builds; the caller supplies the
 * headers to sign (host, x-acs-*, content-type when sent). Nothing here
 * logs: the inputs and the output are secrets.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "sign.h"

#define ACS3_ALGO	"ACS3-HMAC-SHA256"

/* Writes the hex signature of the canonical request creq into sig. */
static int
acs3_signature(const struct buf *creq, const char *secret, char sig[65])
{
	unsigned char	 mac[32];
	char		 sts[sizeof(ACS3_ALGO) + 1 + 64 + 1];
	char		 hash[65];
	int		 rc = -1;

	if (sign_sha256_hex(buf_str(creq), creq->len, hash) == 0) {
		snprintf(sts, sizeof(sts), "%s\n%s", ACS3_ALGO, hash);
		rc = crypto_hmac_sha256(secret, strlen(secret), sts,
		    strlen(sts), mac);
	}
	if (rc == 0)
		crypto_hex(mac, sizeof(mac), sig);
	memset(mac, 0, sizeof(mac));
	return rc;
}

int
sign_acs3(const struct sign_req *r, const char *key_id, const char *secret,
    struct buf *auth)
{
	struct buf	 creq = BUF_INIT(0), shdrs = BUF_INIT(0);
	char		 sig[65];
	int		 rc = -1;

	if (key_id == NULL || secret == NULL)
		return -1;
	if (sign_canonical(r, &creq, &shdrs) == 0 &&
	    acs3_signature(&creq, secret, sig) == 0)
		rc = buf_printf(auth, ACS3_ALGO " Credential=%s,"
		    "SignedHeaders=%s,Signature=%s", key_id, buf_str(&shdrs),
		    sig);
	memset(sig, 0, sizeof(sig));
	buf_free(&creq);
	buf_free(&shdrs);
	return rc;
}
