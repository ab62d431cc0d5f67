/*
 * sign_tc3.c - Tencent Cloud API 3.0 signatures (TC3-HMAC-SHA256).
 *
 * Spec: cloud.tencent.com/document/api/213/30654 ("签名方法 v3").
 *
 *   canonical request  the shared one (sign.c), header names AND values
 *                      lower-cased
 *   string to sign     "TC3-HMAC-SHA256\n" TIMESTAMP "\n"
 *                      DATE "/" SERVICE "/tc3_request\n" HEX(SHA256(creq))
 *   key                HMAC(HMAC(HMAC("TC3" SecretKey, DATE), SERVICE),
 *                      "tc3_request")
 *   Authorization      "TC3-HMAC-SHA256 Credential=ID/DATE/SERVICE/
 *                      tc3_request, SignedHeaders=..., Signature=HEX"
 *
 * DATE is the UTC calendar date of TIMESTAMP (YYYY-MM-DD), computed here
 * with plain arithmetic: no timegm(), no gmtime_r()/gmtime_s() split.
 * Every intermediate buffer that holds key material is wiped.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "sign.h"

#define TC3_ALGO	"TC3-HMAC-SHA256"
#define TC3_MAX_HDRS	32		/* headers signed at most */
#define TC3_KEY_MAX	512		/* "TC3" + SecretKey */

/* Wipes n bytes in a way the compiler keeps. */
static void
tc3_wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n-- > 0)
		*v++ = 0;
}

/*
 * Writes the UTC date of epoch seconds t as "YYYY-MM-DD" into out (11
 * bytes). Days to civil date by the era method (400-year cycles of
 * 146097 days, years starting on March 1st); valid for any t >= 0.
 */
static int
tc3_date(long long t, char out[11])
{
	long long	 z, era, doe, yoe, doy, mp, y, m, d;
	char		 tmp[64];
	int		 n;

	if (t < 0 || t > 253402300799LL)	/* up to 9999-12-31 */
		return -1;
	z = t / 86400 + 719468;			/* days since 0000-03-01 */
	era = z / 146097;
	doe = z - era * 146097;			/* [0, 146096] */
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);	/* [0, 365] */
	mp = (5 * doy + 2) / 153;		/* March = 0 */
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y = yoe + era * 400 + (m <= 2);
	n = snprintf(tmp, sizeof(tmp), "%04lld-%02lld-%02lld", y, m, d);
	if (n != 10)
		return -1;
	memcpy(out, tmp, 11);
	return 0;
}

/* Copies the headers with their values lower-cased, as TC3 signs them,
 * into p (names are lower-cased by sign_canonical); 0 or -1. */
static int
tc3_lower(const struct sign_req *r, struct sign_pair *p, char **vals)
{
	size_t i, k;

	for (i = 0; i < r->nhdrs; i++) {
		vals[i] = xstrdup(r->hdrs[i].value ? r->hdrs[i].value : "");
		if (vals[i] == NULL)
			return -1;
		for (k = 0; vals[i][k]; k++)
			vals[i][k] = (char)tolower((unsigned char)vals[i][k]);
		p[i].name = r->hdrs[i].name;
		p[i].value = vals[i];
	}
	return 0;
}

/* Writes the hex SHA-256 of the canonical request into hash and the
 * signed header names into signed_hdrs; 0 or -1. */
static int
tc3_creq_hash(const struct sign_req *r, struct buf *signed_hdrs,
    char hash[65])
{
	struct sign_pair	 p[TC3_MAX_HDRS];
	char			*vals[TC3_MAX_HDRS];
	struct sign_req		 lr = *r;
	struct buf		 creq = BUF_INIT(0);
	size_t			 i;
	int			 rc = -1;

	if (r->nhdrs > TC3_MAX_HDRS)
		return -1;
	memset(vals, 0, sizeof(vals));
	if (tc3_lower(r, p, vals) == 0) {
		lr.hdrs = p;
		if (sign_canonical(&lr, &creq, signed_hdrs) == 0 &&
		    sign_sha256_hex(creq.data, creq.len, hash) == 0)
			rc = 0;
	}
	for (i = 0; i < r->nhdrs; i++)
		free(vals[i]);
	buf_free(&creq);
	return rc;
}

/* Derives the signing key for date and service into key; 0 or -1. */
static int
tc3_key(const char *secret, const char *date, const char *service,
    unsigned char key[32])
{
	char		 k0[TC3_KEY_MAX];
	unsigned char	 kdate[32], ksvc[32];
	size_t		 n = strlen(secret);
	int		 rc = -1;

	if (n + 3 >= sizeof(k0))
		return -1;
	memcpy(k0, "TC3", 3);
	memcpy(k0 + 3, secret, n);
	if (crypto_hmac_sha256(k0, n + 3, date, strlen(date), kdate) == 0 &&
	    crypto_hmac_sha256(kdate, 32, service, strlen(service),
	    ksvc) == 0 &&
	    crypto_hmac_sha256(ksvc, 32, "tc3_request", 11, key) == 0)
		rc = 0;
	tc3_wipe(k0, sizeof(k0));
	tc3_wipe(kdate, sizeof(kdate));
	tc3_wipe(ksvc, sizeof(ksvc));
	return rc;
}

/* Writes hex(HMAC(key, string to sign)) into sig; 0 or -1. */
static int
tc3_signature(const unsigned char key[32], long long ts, const char *date,
    const char *service, const char *hash, char sig[65])
{
	struct buf	 sts = BUF_INIT(0);
	unsigned char	 mac[32];
	int		 rc = -1;

	if (buf_printf(&sts, "%s\n%lld\n%s/%s/tc3_request\n%s", TC3_ALGO, ts,
	    date, service, hash) == 0 &&
	    crypto_hmac_sha256(key, 32, sts.data, sts.len, mac) == 0) {
		crypto_hex(mac, sizeof(mac), sig);
		rc = 0;
	}
	tc3_wipe(mac, sizeof(mac));
	buf_free(&sts);
	return rc;
}

int
sign_tc3(const struct sign_req *r, const char *secret_id,
    const char *secret_key, const char *service, long long timestamp,
    struct buf *auth)
{
	struct buf	 sh = BUF_INIT(0);
	unsigned char	 key[32];
	char		 date[11], hash[65], sig[65];
	int		 rc = -1;

	if (secret_id == NULL || secret_key == NULL || service == NULL ||
	    *service == '\0' || tc3_date(timestamp, date) == -1)
		return -1;
	if (tc3_creq_hash(r, &sh, hash) == 0 &&
	    tc3_key(secret_key, date, service, key) == 0 &&
	    tc3_signature(key, timestamp, date, service, hash, sig) == 0 &&
	    buf_printf(auth, "%s Credential=%s/%s/%s/tc3_request, "
	    "SignedHeaders=%s, Signature=%s", TC3_ALGO, secret_id, date,
	    service, buf_str(&sh), sig) == 0)
		rc = 0;
	tc3_wipe(key, sizeof(key));
	tc3_wipe(sig, sizeof(sig));
	buf_free(&sh);
	return rc;
}
