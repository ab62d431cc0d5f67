/*
 * alidns.c - Alibaba Cloud DNS (Alidns API 2015-01-09), signature V3.
 *
 * API: alibabacloud.com/help/en/dns/ - DescribeSubDomainRecords,
 * UpdateDomainRecord, AddDomainRecord, GetMainDomainName. Signing:
 * "V3 request structure and signature" (src/sign_acs3.c).
 *
 * Every call is an RPC-style GET of "/" with the action's parameters in
 * the query string, the action and version in x-acs-action/x-acs-version,
 * and an ACS3-HMAC-SHA256 Authorization over host and the x-acs-*
 * headers. A success is a 2xx JSON object without "Code"; a failure is
 * {"RequestId", "Code", "Message"}, usually with a 4xx/5xx status (even a
 * 200 with a Code is a failure), classed by its Code (ali_codes[]), and
 * by the status only when there is no Code.
 *
 * For each change: with a record id and RR kept in the state (and not
 * verifying), one UpdateDomainRecord. Otherwise find the domain (config
 * zone, the account cache, or GetMainDomainName), list the name's records
 * of that type and line, then do nothing, UpdateDomainRecord or
 * AddDomainRecord. "DomainRecordDuplicate" means the value is already
 * there: success. Each call is one small function returning an outcome;
 * ali_change() is the ladder.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "http.h"
#include "json.h"
#include "kv.h"
#include "log.h"
#include "provider.h"
#include "sign.h"

#define ALI_VERSION	"2015-01-09"
#define ALI_EMPTY_SHA	"e3b0c44298fc1c149afbf4c8996fb924" \
			"27ae41e4649b934ca495991b7852b855"
#define ALI_ID_MAX	64		/* record ids are decimal numbers */
#define ALI_NAME_MAX	256		/* a domain name or an RR */
#define ALI_HOST_MAX	256		/* host[:port] of the endpoint */
#define ALI_CODE_MAX	80		/* an error Code */
#define ALI_ERR_MAX	512		/* one failure message */
#define ALI_SRV_MAX	160		/* server text quoted in a message */
#define ALI_URL_MAX	4096		/* one request URL */
#define ALI_HDR_MAX	320		/* one "name: value" header line */
#define ALI_REPLY_MAX	((size_t)256 << 10)	/* one reply body */
#define ALI_NHDRS	6		/* signed headers */

/* One account's settings for this run. */
struct ali {
	const struct pctx	*ctx;
	const char		*base;		/* endpoint URL */
	size_t			 baselen;	/* its length without final '/' */
	char			 host[ALI_HOST_MAX];	/* its host[:port] */
	char			 uri[ALI_NAME_MAX];	/* its path + "/" */
	const char		*id;		/* access_key_id */
	const char		*secret;	/* access_key_secret */
	const char		*line;		/* resolution line */
	long			 ttl;		/* seconds, -1 when not set */
	char			 err[ALI_ERR_MAX];	/* why set-up failed */
};

/* One change on its way down the ladder. */
struct alijob {
	struct ali	*ali;
	struct change	*ch;
	const char	*type;		/* "A" or "AAAA" */
	char		 domain[ALI_NAME_MAX];	/* domain at Alibaba, or "" */
	char		 rr[ALI_NAME_MAX];	/* host record ("@", "www") */
	char		 rec[ALI_ID_MAX];	/* record id, "" when unknown */
	int		 found;		/* the lookup found the record */
	char		 value[ADDR_STRLEN];	/* its address, "" if none */
	long		 ttl;		/* its TTL, -1 unknown */
	long		 status;	/* HTTP status of the last reply */
	char		 code[ALI_CODE_MAX];	/* Code of the last error */
	char		 err[ALI_ERR_MAX];	/* why the last step failed */
};

/* The signed headers and the header lines of one request. */
struct alireq {
	char		 date[64];	/* x-acs-date, ISO 8601 UTC */
	char		 nonce[33];	/* x-acs-signature-nonce */
	char		 lines[ALI_NHDRS][ALI_HDR_MAX];
	struct buf	 auth;		/* "Authorization: ACS3-..." */
	const char	*list[ALI_NHDRS + 2];	/* for http_req.headers */
};

/* Error Codes and their outcome classes; a Code matches an entry equal to
 * it or extending it with ".something". */
static const struct {
	const char	*code;
	enum outcome	 out;
} ali_codes[] = {
	{ "InvalidAccessKeyId",			OUT_AUTH },
	{ "SignatureDoesNotMatch",		OUT_AUTH },
	{ "IncompleteSignature",		OUT_AUTH },
	{ "Forbidden",				OUT_AUTH },
	{ "NoPermission",			OUT_AUTH },
	{ "InvalidDomainName.NoExist",		OUT_NOTFOUND },
	{ "IncorrectDomainUser",		OUT_NOTFOUND },
	{ "DomainRecordNotBelong",		OUT_NOTFOUND },
	{ "DomainRecordNotBelongToUser",	OUT_NOTFOUND },
	{ "Throttling",				OUT_RATELIMIT },
	{ "ServiceUnavailable",			OUT_RETRY },
	{ "InternalError",			OUT_RETRY },
	{ "UnknownError",			OUT_RETRY },
	{ "UnKnownError",			OUT_RETRY },	/* as sent */
	{ "SignatureNonceUsed",			OUT_RETRY },
};

static enum outcome	ali_fail(struct alijob *, enum outcome, const char *,
			    const char *, ...) PRINTF_LIKE(4, 5);

/* Records why step what failed in j->err; returns out. */
static enum outcome
ali_fail(struct alijob *j, enum outcome out, const char *what,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	provider_vfail(j->err, sizeof(j->err), "alidns", what, fmt, ap);
	va_end(ap);
	return out;
}

/* Copies obj[key], a string or a whole number, into dst (ALI_ID_MAX);
 * 0, or -1 when absent or of another shape. */
static int
ali_getid(const cJSON *obj, const char *key, char *dst)
{
	const cJSON	*it = cJSON_GetObjectItemCaseSensitive(obj, key);
	int		 n;

	if (cJSON_IsString(it))
		return provider_copy(dst, ALI_ID_MAX, it->valuestring);
	if (!cJSON_IsNumber(it) || it->valuedouble < 0 ||
	    it->valuedouble > 9e15)
		return -1;
	n = snprintf(dst, ALI_ID_MAX, "%.0f", it->valuedouble);
	return n > 0 && n < ALI_ID_MAX ? 0 : -1;
}

/*
 * Requests
 */

/* Writes t (seconds since the epoch) as "YYYY-MM-DDThh:mm:ssZ" (UTC);
 * plain arithmetic (proleptic Gregorian calendar), no time zone tables. */
static void
ali_date(long long t, char out[64])
{
	long long	days = t / 86400, secs = t % 86400;
	long long	z, era, doe, yoe, doy, mp, y, m, d;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y = yoe + era * 400 + (m <= 2);
	snprintf(out, 64, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", y, m,
	    d, secs / 3600, secs / 60 % 60, secs % 60);
}

/* Signs a request for action with canonical query q and fills h with
 * every header line; 0 or -1. */
static int
ali_sign(const struct alijob *j, const char *action, const char *q,
    struct alireq *h)
{
	const struct ali	*a = j->ali;
	struct sign_pair	 p[ALI_NHDRS];
	struct sign_req		 r;
	unsigned char		 rnd[16];
	size_t			 i;
	int			 n, rc = 0;

	ali_date(a->ctx->now, h->date);
	if (crypto_random(rnd, sizeof(rnd)) == -1)
		return -1;
	crypto_hex(rnd, sizeof(rnd), h->nonce);
	p[0] = (struct sign_pair){ "host", a->host };
	p[1] = (struct sign_pair){ "x-acs-action", action };
	p[2] = (struct sign_pair){ "x-acs-version", ALI_VERSION };
	p[3] = (struct sign_pair){ "x-acs-date", h->date };
	p[4] = (struct sign_pair){ "x-acs-signature-nonce", h->nonce };
	p[5] = (struct sign_pair){ "x-acs-content-sha256", ALI_EMPTY_SHA };
	for (i = 0; i < ALI_NHDRS && rc == 0; i++) {
		n = snprintf(h->lines[i], ALI_HDR_MAX, "%s: %s", p[i].name,
		    p[i].value);
		rc = n < 0 || n >= ALI_HDR_MAX ? -1 : 0;
		h->list[i] = h->lines[i];
	}
	r = (struct sign_req){ "GET", a->uri, q, p, ALI_NHDRS, ALI_EMPTY_SHA };
	if (rc == -1 || buf_adds(&h->auth, "Authorization: ") == -1 ||
	    sign_acs3(&r, a->id, a->secret, &h->auth) == -1)
		return -1;
	h->list[ALI_NHDRS] = buf_str(&h->auth);
	h->list[ALI_NHDRS + 1] = NULL;
	return 0;
}

/* Returns the outcome class of an error Code sent with status. */
static enum outcome
ali_code_outcome(const char *code, long status)
{
	size_t i, n;

	for (i = 0; i < sizeof(ali_codes) / sizeof(ali_codes[0]); i++) {
		n = strlen(ali_codes[i].code);
		if (strncmp(code, ali_codes[i].code, n) == 0 &&
		    (code[n] == '\0' || code[n] == '.'))
			return ali_codes[i].out;
	}
	if (status == 429)
		return OUT_RATELIMIT;
	if (status == 401 || status == 403)
		return OUT_AUTH;
	if (status == 0 || status >= 500)
		return OUT_RETRY;
	return OUT_BADREQ;
}


/* Describes a failed reply from its Code and Message; returns out. */
static enum outcome
ali_reply_error(struct alijob *j, enum outcome out, const char *what,
    const cJSON *doc)
{
	const char	*msg = cJSON_IsObject(doc) ? json_str(doc, "Message") :
			    NULL;
	const char	*hint = out == OUT_AUTH ? " (check access_key_id, "
			    "access_key_secret and the RAM policy)" : "";
	char		 clean[ALI_SRV_MAX];

	if (j->code[0] == '\0' && j->status / 100 == 2)
		return ali_fail(j, out, what, "unexpected reply (HTTP %ld, "
		    "not a JSON object)", j->status);
	if (j->code[0] == '\0')
		return ali_fail(j, out, what, "HTTP %ld%s", j->status, hint);
	provider_clean(clean, sizeof(clean), msg);
	return ali_fail(j, out, what, "%s%s%s (HTTP %ld)%s", j->code,
	    *clean ? ": " : "", clean, j->status, hint);
}

/* Judges a reply: OUT_OK, with *doc set, only for a 2xx JSON object
 * without an error Code; anything else is an outcome with j->err set and
 * j->code holding the Code, if any. */
static enum outcome
ali_judge(struct alijob *j, const char *what, const struct http_resp *resp,
    cJSON **doc)
{
	cJSON		*root = json_parse(&resp->body);
	const char	*code = cJSON_IsObject(root) ? json_str(root, "Code") :
			    NULL;
	enum outcome	 out = outcome_from_status(resp->status);

	j->status = resp->status;
	if (code != NULL && *code == '\0')
		code = NULL;
	if (out == OUT_OK && cJSON_IsObject(root) && code == NULL) {
		*doc = root;
		return OUT_OK;
	}
	if (code != NULL) {
		provider_clean(j->code, sizeof(j->code), code);
		out = ali_code_outcome(code, resp->status);
	} else if (out == OUT_OK)	/* 2xx that is not a reply object */
		out = OUT_RETRY;
	if (provider_wait(out, resp->retry_after) > 0)
		j->ch->retry_after = resp->retry_after;
	out = ali_reply_error(j, out, what, root);
	cJSON_Delete(root);
	return out;
}

/* Sends one signed GET and judges the reply; on OUT_OK *doc is the parsed
 * reply, which the caller frees. */
static enum outcome
ali_send(struct alijob *j, const char *what, const struct buf *url,
    const struct alireq *h, cJSON **doc)
{
	struct http_req		 req;
	struct http_resp	 resp;
	char			 clean[ALI_SRV_MAX];
	enum outcome		 out;

	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.url = buf_str(url);
	req.headers = h->list;
	req.max_body = ALI_REPLY_MAX;
	memset(&resp, 0, sizeof(resp));
	buf_init(&resp.body, ALI_REPLY_MAX);
	if (http_do(j->ali->ctx->http, &req, &resp) == -1) {
		j->status = 0;
		provider_http_error(clean, sizeof(clean), &resp);
		out = ali_fail(j, OUT_RETRY, what, "%s", clean);
	} else
		out = ali_judge(j, what, &resp, doc);
	http_resp_free(&resp);
	return out;
}

/* Calls action with the n parameters p; on OUT_OK *doc is the parsed
 * reply, which the caller frees. */
static enum outcome
ali_call(struct alijob *j, const char *what, const char *action,
    const struct sign_pair *p, size_t n, cJSON **doc)
{
	const struct ali	*a = j->ali;
	struct buf		 q = BUF_INIT(ALI_URL_MAX);
	struct buf		 url = BUF_INIT(ALI_URL_MAX);
	struct alireq		 h;
	enum outcome		 out;

	*doc = NULL;
	j->code[0] = '\0';
	memset(&h, 0, sizeof(h));
	buf_init(&h.auth, 1024);
	if (sign_query(p, n, &q) == -1 ||
	    buf_add(&url, a->base, a->baselen) == -1 ||
	    buf_printf(&url, "/?%s", buf_str(&q)) == -1 ||
	    ali_sign(j, action, buf_str(&q), &h) == -1)
		out = ali_fail(j, OUT_RETRY, what, "cannot build the request "
		    "(out of memory or too long)");
	else
		out = ali_send(j, what, &url, &h, doc);
	buf_free(&h.auth);
	buf_free(&url);
	buf_free(&q);
	return out;
}

/*
 * Domains
 */

/* Copies name s lower-cased, without a final dot, into dst
 * (ALI_NAME_MAX); 0, or -1 when empty or too long. */
static int
ali_setname(char *dst, const char *s)
{
	size_t i, n = s ? strlen(s) : 0;

	if (n > 0 && s[n - 1] == '.')
		n--;
	if (n == 0 || n >= ALI_NAME_MAX)
		return -1;
	for (i = 0; i < n; i++)
		dst[i] = (char)tolower((unsigned char)s[i]);
	dst[n] = '\0';
	return 0;
}

/* Sets j->rr from the record's name and j->domain ("@" for the domain
 * itself); 0, or -1 when the name is not under the domain. */
static int
ali_setrr(struct alijob *j)
{
	long n = provider_sublen(j->ch->name, j->domain);

	if (n == 0)
		return provider_copy(j->rr, sizeof(j->rr), "@");
	if (n < 0 || (size_t)n >= sizeof(j->rr))
		return -1;
	memcpy(j->rr, j->ch->name, (size_t)n);
	j->rr[n] = '\0';
	return 0;
}

/* GetMainDomainName for the record's name: OUT_OK with j->domain set. */
static enum outcome
ali_main_domain(struct alijob *j)
{
	const struct sign_pair	 p[] = { { "InputString", j->ch->name } };
	cJSON			*doc = NULL;
	enum outcome		 out;

	out = ali_call(j, "domain lookup", "GetMainDomainName", p, 1, &doc);
	if (out == OUT_OK &&
	    ali_setname(j->domain, json_str(doc, "DomainName")) == -1)
		out = ali_fail(j, OUT_RETRY, "domain lookup",
		    "unexpected reply (no DomainName)");
	cJSON_Delete(doc);
	return out;
}

/* Writes the account-cache key of the record's domain into key. */
static int
ali_cache_key(const struct alijob *j, char *key, size_t n)
{
	int len = snprintf(key, n, "domain.%s", j->ch->name);

	return len < 0 || (size_t)len >= n ? -1 : 0;
}

/* Sets j->domain: config zone, else the account cache, else
 * GetMainDomainName (then kept in the cache). */
static enum outcome
ali_domain_get(struct alijob *j)
{
	const char	*zone = acct_get(j->ali->ctx->acct, "zone");
	struct kv	*cache = j->ali->ctx->cache;
	char		 key[ALI_NAME_MAX + 16];
	enum outcome	 out;

	if (zone != NULL)
		return ali_setname(j->domain, zone) == 0 ? OUT_OK :
		    ali_fail(j, OUT_BADREQ, "domain lookup", "zone is empty "
		    "or too long");
	if (ali_cache_key(j, key, sizeof(key)) == -1)
		return ali_fail(j, OUT_BADREQ, "domain lookup", "name too long");
	if (cache != NULL && ali_setname(j->domain, kv_get(cache, key)) == 0 &&
	    provider_sublen(j->ch->name, j->domain) >= 0)
		return OUT_OK;
	out = ali_main_domain(j);
	if (out == OUT_OK && cache != NULL && kv_set(cache, key, j->domain) == -1)
		log_warn("[%s] cannot cache the domain: out of memory",
		    j->ali->ctx->acct->label);
	return out;
}

/* Finds the domain holding the record and the record's RR in it. */
static enum outcome
ali_domain_find(struct alijob *j)
{
	enum outcome out = ali_domain_get(j);

	if (out != OUT_OK)
		return out;
	if (ali_setrr(j) == -1)
		return ali_fail(j, OUT_BADREQ, "domain lookup", "%s is not "
		    "under the domain %s", j->ch->name, j->domain);
	log_debug("[%s] %s %s: domain %s, RR %s", j->ali->ctx->acct->label,
	    j->ch->name, j->type, j->domain, j->rr);
	return OUT_OK;
}

/*
 * Records
 */

/* Returns 1 when record r is of the wanted type, line and RR. */
static int
ali_rec_match(const struct alijob *j, const cJSON *r)
{
	const char *type = json_str(r, "Type"), *line = json_str(r, "Line");
	const char *rr = json_str(r, "RR");

	if (type == NULL || strcasecmp(type, j->type) != 0)
		return 0;
	if (line != NULL && strcmp(line, j->ali->line) != 0)
		return 0;
	return rr == NULL || strcasecmp(rr, j->rr) == 0;
}

/* Takes record r into j (found, id, value, TTL); 0, or -1 for a wrong
 * shape. */
static int
ali_rec_take(struct alijob *j, const cJSON *r)
{
	const char	*v = json_str(r, "Value");
	double		 ttl;

	if (ali_getid(r, "RecordId", j->rec) == -1)
		return -1;
	j->found = 1;
	if (v == NULL || addr_canon(j->ch->fam, v, j->value) == -1)
		j->value[0] = '\0';
	j->ttl = json_num(r, "TTL", &ttl) == 0 && ttl >= 0 && ttl < 1e9 ?
	    (long)ttl : -1;
	return 0;
}

/* Picks from a DescribeSubDomainRecords reply the record of the wanted
 * type and line that holds the address, else the first such record.
 * OUT_OK (j->found says whether there was one), or OUT_RETRY for a wrong
 * shape. */
static enum outcome
ali_rec_pick(struct alijob *j, const cJSON *doc)
{
	static const char *const path[] = { "DomainRecords", "Record", NULL };
	const cJSON	*list = json_path(doc, path), *r, *pick = NULL;
	int		 holds;

	if (!cJSON_IsArray(list))
		return ali_fail(j, OUT_RETRY, "record lookup", "unexpected "
		    "reply (no DomainRecords.Record list)");
	cJSON_ArrayForEach(r, list) {
		if (!cJSON_IsObject(r) || !ali_rec_match(j, r))
			continue;
		holds = provider_addr_is(j->ch, json_str(r, "Value"));
		if (pick == NULL || holds)
			pick = r;
		if (holds)
			break;
	}
	if (pick != NULL && ali_rec_take(j, pick) == -1)
		return ali_fail(j, OUT_RETRY, "record lookup", "unexpected "
		    "reply (record without RecordId)");
	return OUT_OK;
}

/* DescribeSubDomainRecords for the name, type and line: OUT_OK with
 * j->found and, when found, the record's id, value and TTL. */
static enum outcome
ali_rec_list(struct alijob *j)
{
	const struct sign_pair	 p[] = {
		{ "DomainName", j->domain },
		{ "SubDomain", j->ch->name },
		{ "Type", j->type },
		{ "Line", j->ali->line },
	};
	cJSON			*doc = NULL;
	enum outcome		 out;
	size_t			 n;

	out = ali_call(j, "record lookup", "DescribeSubDomainRecords", p, 4,
	    &doc);
	if (out == OUT_OK)
		out = ali_rec_pick(j, doc);
	else if (out == OUT_NOTFOUND) {
		n = strlen(j->err);
		snprintf(j->err + n, sizeof(j->err) - n, "; is %s a domain of "
		    "this account?%s", j->domain, acct_get(j->ali->ctx->acct,
		    "zone") ? "" : " (set zone = to name it)");
	}
	cJSON_Delete(doc);
	return out;
}

/* Appends the RR, Type, Value, Line and TTL parameters of a write to p
 * from index i (ttl is its buffer); returns the new count. */
static size_t
ali_rec_params(const struct alijob *j, struct sign_pair *p, size_t i,
    char ttl[24])
{
	p[i++] = (struct sign_pair){ "RR", j->rr };
	p[i++] = (struct sign_pair){ "Type", j->type };
	p[i++] = (struct sign_pair){ "Value", j->ch->addr };
	p[i++] = (struct sign_pair){ "Line", j->ali->line };
	if (j->ali->ttl >= 0) {
		snprintf(ttl, 24, "%ld", j->ali->ttl);
		p[i++] = (struct sign_pair){ "TTL", ttl };
	}
	return i;
}

/* Returns 1, with a debug line, when the last call failed only because
 * the record already holds that value ("DomainRecordDuplicate"). */
static int
ali_duplicate(const struct alijob *j)
{
	if (strcmp(j->code, "DomainRecordDuplicate") != 0)
		return 0;
	log_debug("[%s] %s %s: already holds %s (DomainRecordDuplicate)",
	    j->ali->ctx->acct->label, j->ch->name, j->type, j->ch->addr);
	return 1;
}

/* UpdateDomainRecord j->rec (RR j->rr) to the wanted address. */
static enum outcome
ali_rec_update(struct alijob *j)
{
	struct sign_pair	 p[8];
	char			 ttl[24];
	cJSON			*doc = NULL;
	enum outcome		 out;
	size_t			 n;

	p[0] = (struct sign_pair){ "RecordId", j->rec };
	n = ali_rec_params(j, p, 1, ttl);
	out = ali_call(j, "record update", "UpdateDomainRecord", p, n, &doc);
	if (out != OUT_OK && ali_duplicate(j))
		out = OUT_OK;
	cJSON_Delete(doc);
	return out;
}

/* AddDomainRecord in j->domain: OUT_OK with j->rec set (or "" when the
 * API says the record already exists). */
static enum outcome
ali_rec_add(struct alijob *j)
{
	struct sign_pair	 p[8];
	char			 ttl[24];
	cJSON			*doc = NULL;
	enum outcome		 out;
	size_t			 n;

	p[0] = (struct sign_pair){ "DomainName", j->domain };
	n = ali_rec_params(j, p, 1, ttl);
	j->rec[0] = '\0';
	out = ali_call(j, "record create", "AddDomainRecord", p, n, &doc);
	if (out == OUT_OK && ali_getid(doc, "RecordId", j->rec) == -1)
		out = ali_fail(j, OUT_RETRY, "record create", "unexpected "
		    "reply (no RecordId)");
	else if (out != OUT_OK && ali_duplicate(j))
		out = OUT_OK;
	cJSON_Delete(doc);
	return out;
}

/* Brings the record looked up to the wanted state: nothing, update, add. */
static enum outcome
ali_apply(struct alijob *j)
{
	const char *label = j->ali->ctx->acct->label;

	if (!j->found) {
		log_debug("[%s] %s %s: no record; creating it", label,
		    j->ch->name, j->type);
		return ali_rec_add(j);
	}
	if (strcmp(j->value, j->ch->addr) == 0 &&
	    (j->ali->ttl < 0 || j->ttl == j->ali->ttl)) {
		log_debug("[%s] %s %s: record %s already holds %s", label,
		    j->ch->name, j->type, j->rec, j->ch->addr);
		return OUT_OK;
	}
	return ali_rec_update(j);
}

/* Finds the domain, looks the record up, and writes it if it does not
 * hold what is wanted. */
static enum outcome
ali_lookup(struct alijob *j)
{
	enum outcome out = ali_domain_find(j);

	if (out == OUT_OK)
		out = ali_rec_list(j);
	if (out == OUT_OK)
		out = ali_apply(j);
	return out;
}

/* Updates the record kept in the state, in one request. Returns
 * OUT_PENDING when there is none, when verifying, or when the API no
 * longer knows it; else the outcome. */
static enum outcome
ali_direct(struct alijob *j)
{
	const struct kv	*ids = j->ch->ids;
	enum outcome	 out;

	if (j->ch->verify || ids == NULL ||
	    provider_copy(j->rec, sizeof(j->rec),
	    kv_get(ids, "record_id")) == -1 ||
	    provider_copy(j->rr, sizeof(j->rr), kv_get(ids, "rr")) == -1) {
		j->rec[0] = j->rr[0] = '\0';
		return OUT_PENDING;
	}
	out = ali_rec_update(j);
	if (out != OUT_NOTFOUND)
		return out;
	log_debug("[%s] %s %s: record %s refused (%s); looking the record up",
	    j->ali->ctx->acct->label, j->ch->name, j->type, j->rec,
	    j->code[0] ? j->code : "not found");
	j->rec[0] = j->rr[0] = '\0';
	return OUT_PENDING;
}

/* Stores the record id and RR in the change for the state. */
static void
ali_save_ids(const struct alijob *j)
{
	struct kv	*ids = j->ch->ids;
	int		 known = j->rec[0] != '\0';

	if (ids == NULL)
		return;
	if (kv_set(ids, "record_id", known ? j->rec : NULL) == -1 ||
	    kv_set(ids, "rr", known ? j->rr : NULL) == -1)
		log_warn("[%s] %s %s: cannot keep the record id: out of "
		    "memory", j->ali->ctx->acct->label, j->ch->name, j->type);
}

/* Brings one change to its address; returns its outcome. */
static enum outcome
ali_change(void *arg, struct change *ch)
{
	struct ali	*a = arg;
	struct alijob	 j;
	enum outcome	 out;

	memset(&j, 0, sizeof(j));
	j.ali = a;
	j.ch = ch;
	j.type = ch->fam == 6 ? "AAAA" : "A";
	j.ttl = -1;
	if (ch->fam != 4 && ch->fam != 6)
		out = ali_fail(&j, OUT_BADREQ, "update", "address family %d",
		    ch->fam);
	else
		out = ali_direct(&j);
	if (out == OUT_PENDING)
		out = ali_lookup(&j);
	if (out == OUT_OK)
		ali_save_ids(&j);
	else
		log_err("[%s] %s %s: %s", a->ctx->acct->label, ch->name,
		    j.type, j.err);
	return out;
}

/*
 * The provider
 */

/* Returns 1 when the n bytes at s are all non-NUL bytes of set. */
static int
ali_allin(const char *s, size_t n, const char *set)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == '\0' || strchr(set, s[i]) == NULL)
			return 0;
	return 1;
}

#define ALI_ALNUM	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" \
			"0123456789"

/* Splits endpoint base (len bytes, no final '/') into host ("host[:port]",
 * ALI_HOST_MAX) and uri (its path + "/", ALI_NAME_MAX); 0, or -1 unless it
 * is a plain scheme://host[:port][/path] URL. */
static int
ali_split_base(const char *base, size_t len, char *host, char *uri)
{
	const char	*end = base + len, *p = strstr(base, "://"), *slash;
	size_t		 hl, pl;

	if (p == NULL || p + 3 > end)
		return -1;
	p += 3;
	slash = memchr(p, '/', (size_t)(end - p));
	if (slash == NULL)
		slash = end;
	hl = (size_t)(slash - p);
	pl = (size_t)(end - slash);
	if (hl == 0 || hl >= ALI_HOST_MAX || pl + 2 > ALI_NAME_MAX ||
	    !ali_allin(p, hl, ALI_ALNUM "-._:[]") ||
	    !ali_allin(slash, pl, ALI_ALNUM "-._~/"))
		return -1;
	memcpy(host, p, hl);
	host[hl] = '\0';
	memcpy(uri, slash, pl);
	uri[pl] = '/';
	uri[pl + 1] = '\0';
	return 0;
}

/* Prepares an account's settings; OUT_OK, or the outcome for every
 * change with a->err set. */
static enum outcome
ali_init(struct ali *a, const struct pctx *ctx)
{
	const char *line = acct_get(ctx->acct, "line");

	memset(a, 0, sizeof(*a));
	a->ctx = ctx;
	a->base = provider_base(ctx);
	a->baselen = strlen(a->base);
	while (a->baselen > 0 && a->base[a->baselen - 1] == '/')
		a->baselen--;
	a->id = acct_get(ctx->acct, "access_key_id");
	a->secret = acct_get(ctx->acct, "access_key_secret");
	a->line = line != NULL && *line != '\0' ? line : "default";
	a->ttl = ctx->acct->ttl;
	if (a->id == NULL || *a->id == '\0' || provider_bad_token(a->id) ||
	    a->secret == NULL || *a->secret == '\0' ||
	    provider_bad_token(a->secret)) {
		snprintf(a->err, sizeof(a->err), "alidns: no usable access "
		    "key (access_key_id, access_key_secret)");
		return OUT_AUTH;
	}
	if (provider_bad_token(a->line) ||
	    ali_split_base(a->base, a->baselen, a->host, a->uri) == -1) {
		snprintf(a->err, sizeof(a->err), "alidns: bad line or "
		    "endpoint");
		return OUT_BADREQ;
	}
	return OUT_OK;
}

/* Brings every change to its address, one after the other over the same
 * connection; once told to slow down, the rest wait for the next run. */
static void
ali_update(const struct pctx *ctx, struct change *ch, size_t n)
{
	struct ali	 a;
	enum outcome	 out = ali_init(&a, ctx);

	if (out == OUT_OK)
		provider_each(ctx, ch, n, ali_change, &a);
	else
		provider_refuse(ctx, ch, n, out, a.err);
}

/* Reports key when it is set but empty or has blanks or control bytes
 * (without printing it: it may be the secret); 0 or -1. */
static int
ali_check_token(const struct account *a, const char *key)
{
	const char *v = acct_get(a, key);

	if (v == NULL || (*v != '\0' && !provider_bad_token(v)))
		return 0;
	acct_error(a, key, "is empty or contains spaces or control "
	    "characters");
	return -1;
}

/* Checks that every record lies under the configured zone; 0 or -1. */
static int
ali_check_zone(const struct account *a)
{
	const char	*zone = acct_get(a, "zone");
	char		 z[ALI_NAME_MAX];
	size_t		 i;
	int		 rc = 0;

	if (zone == NULL)
		return 0;
	if (provider_bad_token(zone) || ali_setname(z, zone) == -1) {
		acct_error(a, "zone", "is not a domain name");
		return -1;
	}
	for (i = 0; i < a->nrecords; i++) {
		if (provider_sublen(a->records[i], z) >= 0)
			continue;
		acct_error(a, "zone", "record %s is not under %s",
		    a->records[i], z);
		rc = -1;
	}
	return rc;
}

/* Checks the keys and the endpoint at load time; 0, or -1 (reported). */
static int
ali_check(const struct account *a)
{
	char	 host[ALI_HOST_MAX], uri[ALI_NAME_MAX];
	size_t	 len;
	int	 rc = 0;

	rc |= ali_check_token(a, "access_key_id");
	rc |= ali_check_token(a, "access_key_secret");
	rc |= ali_check_token(a, "line");
	rc |= ali_check_zone(a);
	if (a->endpoint != NULL && *a->endpoint != '\0') {
		len = strlen(a->endpoint);
		while (len > 0 && a->endpoint[len - 1] == '/')
			len--;
		if (ali_split_base(a->endpoint, len, host, uri) == -1) {
			acct_error(a, "endpoint", "is not a plain "
			    "https://host[:port][/path] URL");
			rc = -1;
		}
	}
	return rc ? -1 : 0;
}

static const struct provider_key ali_keys[] = {
	{ "access_key_id",	PKEY_REQUIRED },
	{ "access_key_secret",	PKEY_REQUIRED | PKEY_SECRET },
	{ "line",		0 },
	{ "zone",		0 },
	{ NULL,			0 }
};

const struct provider provider_alidns = {
	.name = "alidns",
	.api_base = "https://alidns.aliyuncs.com",
	.keys = ali_keys,
	.check = ali_check,
	.update = ali_update,
};
