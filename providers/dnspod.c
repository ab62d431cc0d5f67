/*
 * dnspod.c - Tencent Cloud DNSPod through API 3.0 (version 2021-03-23).
 *
 * API: cloud.tencent.com/document/api/1427/56166 (DescribeRecordList),
 * .../56157 (ModifyRecord), .../56180 (CreateRecord); signing:
 * cloud.tencent.com/document/api/213/30654 (TC3-HMAC-SHA256, sign_tc3.c).
 * Every call is a POST of a JSON body to the endpoint's "/", the action in
 * X-TC-Action. Every reply is {"Response": {...}}; a failure is HTTP 200
 * with Response.Error {Code, Message}, so the Error object, not the status,
 * decides. An empty DescribeRecordList is the error
 * ResourceNotFound.NoDataOfRecord: for us, "create it".
 *
 * For each change: ModifyRecord by the record id kept in the state (one
 * request), unless verifying or there is none; else find the domain (the
 * zone as DNSPod knows it: config zone, the account cache, or trying the
 * record's name and each parent with DescribeRecordList, which also looks
 * the record up), then ModifyRecord or CreateRecord as needed. Each request
 * is one small function returning an outcome; dp_change() is the ladder.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "buf.h"
#include "config.h"
#include "http.h"
#include "json.h"
#include "kv.h"
#include "log.h"
#include "provider.h"
#include "sign.h"

#define DP_VERSION	"2021-03-23"
#define DP_SERVICE	"dnspod"
#define DP_CTYPE	"application/json; charset=utf-8"
#define DP_LINE		"\xe9\xbb\x98\xe8\xae\xa4"	/* "默认", the default line */

#define DP_NAME_MAX	256		/* a domain name, with its NUL */
#define DP_KEY_MAX	(DP_NAME_MAX + 8)	/* "zone." + a name */
#define DP_ID_MAX	24		/* a record id in decimal */
#define DP_CODE_MAX	96		/* an error code */
#define DP_ERR_MAX	512		/* one failure message */
#define DP_SRV_MAX	200		/* server text quoted in a message */
#define DP_URI_MAX	1024		/* the endpoint's path */
#define DP_REPLY_MAX	((size_t)1 << 20)	/* one reply body */
#define DP_REQ_MAX	((size_t)64 << 10)	/* one request's headers */
#define DP_NHDRS	7		/* header lines of a request */
#define DP_ID_LIMIT	1e15		/* record ids are below this */

/* One account's settings for this run. */
struct dp {
	const struct pctx	*ctx;
	const char		*url;		/* endpoint, POSTed to as is */
	char			 host[DP_NAME_MAX];	/* Host, as signed */
	char			 uri[DP_URI_MAX];	/* its path, "/" */
	const char		*id;		/* SecretId */
	const char		*key;		/* SecretKey: never logged */
	const char		*line;		/* record_line */
	char			 zone[DP_NAME_MAX];	/* zone =, "" if unset */
	long			 ttl;		/* ttl =, -1 when not set */
	char			 err[DP_ERR_MAX];	/* why set-up failed */
};

/* One change on its way down the ladder. */
struct dpjob {
	struct dp	*dp;
	struct change	*ch;
	const char	*type;		/* "A" or "AAAA" */
	char		 zone[DP_NAME_MAX];	/* domain, "" when unknown */
	char		 sub[DP_NAME_MAX];	/* name within it, "@" apex */
	char		 rec[DP_ID_MAX];	/* record id, "" when unknown */
	int		 found;		/* the lookup found the record */
	char		 value[ADDR_STRLEN];	/* its address, "" if none */
	long		 rttl;		/* its TTL, -1 unknown */
	char		 code[DP_CODE_MAX];	/* last API error code, "" */
	char		 err[DP_ERR_MAX];	/* why the last step failed */
};

static enum outcome	dp_fail(struct dpjob *, enum outcome, const char *,
			    const char *, ...) PRINTF_LIKE(4, 5);

/* Records why step what failed in j->err; returns out. */
static enum outcome
dp_fail(struct dpjob *j, enum outcome out, const char *what,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	provider_vfail(j->err, sizeof(j->err), "dnspod", what, fmt, ap);
	va_end(ap);
	return out;
}

/* Returns 1 when code is prefix itself or prefix + "." + more. */
static int
dp_is(const char *code, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(code, prefix, n) == 0 &&
	    (code[n] == '\0' || code[n] == '.');
}

/*
 * Error codes
 */

/* Returns 1 when code says the domain asked for is not a zone of this
 * account (so a parent may be, or the configured zone is wrong). */
static int
dp_not_zone(const char *code)
{
	return strcmp(code, "InvalidParameterValue.DomainNotExists") == 0 ||
	    strcmp(code, "InvalidParameter.DomainNotExist") == 0 ||
	    strcmp(code, "ResourceNotFound.NoDataOfDomain") == 0 ||
	    strcmp(code, "InvalidParameter.DomainInvalid") == 0 ||
	    strcmp(code, "FailedOperation.NotDomainOwner") == 0;
}

/* Returns 1 when code says a record id kept in the state is gone. */
static int
dp_rec_gone(const char *code)
{
	return strcmp(code, "InvalidParameter.RecordIdInvalid") == 0 ||
	    dp_is(code, "ResourceNotFound") || dp_not_zone(code);
}

/* Returns 1 when code says a record of that name, type, line and value
 * already exists: the write is refused, but the lookup may find it done. */
static int
dp_rec_exists(const char *code)
{
	return strcmp(code, "InvalidParameter.DomainRecordExist") == 0;
}

/* Returns 1 for the failures that are worth trying again later. */
static int
dp_transient(const char *code)
{
	return dp_is(code, "InternalError") ||
	    dp_is(code, "ResourceUnavailable") ||
	    dp_is(code, "ServiceUnavailable") ||
	    dp_is(code, "ResourceInsufficient") ||
	    strcmp(code, "FailedOperation") == 0 ||
	    strcmp(code, "FailedOperation.UnknowError") == 0 ||
	    strcmp(code, "InvalidParameter.OperateFailed") == 0;
}

/* Maps a Response.Error code to an outcome class. */
static enum outcome
dp_classify(const char *code)
{
	if (*code == '\0')
		return OUT_RETRY;	/* an error without a code */
	if (dp_not_zone(code))
		return OUT_NOTFOUND;
	if (dp_is(code, "AuthFailure") || dp_is(code, "UnauthorizedOperation") ||
	    dp_is(code, "OperationDenied"))
		return OUT_AUTH;
	if (dp_is(code, "RequestLimitExceeded") ||
	    strcmp(code, "FailedOperation.FrequencyLimit") == 0)
		return OUT_RATELIMIT;
	if (dp_transient(code))
		return OUT_RETRY;
	if (dp_is(code, "ResourceNotFound"))
		return OUT_NOTFOUND;
	/* InvalidParameter*, MissingParameter, LimitExceeded*, the other
	 * FailedOperation.* (locked, banned...) and anything unknown. */
	return OUT_BADREQ;
}

/*
 * Requests
 */

/* Describes an error reply and returns its outcome. */
static enum outcome
dp_api_error(struct dpjob *j, const char *what, const cJSON *e)
{
	const char	*code = json_str(e, "Code");
	const char	*msg = json_str(e, "Message");
	char		 clean[DP_SRV_MAX];
	enum outcome	 out;

	provider_clean(j->code, sizeof(j->code), code);
	provider_clean(clean, sizeof(clean), msg);
	out = dp_classify(j->code);
	if (out == OUT_AUTH)
		return dp_fail(j, out, what, "credentials rejected or lacking "
		    "DNSPod permission: %s (%s)", clean, j->code);
	return dp_fail(j, out, what, "%s (%s)", clean[0] ? clean :
	    "no message", j->code[0] ? j->code : "no code");
}

/* Judges a reply: OUT_OK, with *doc set to the parsed reply, only for a
 * 2xx {"Response": {...}} without Error; else an outcome with j->err. */
static enum outcome
dp_judge(struct dpjob *j, const char *what, const struct http_resp *resp,
    cJSON **doc)
{
	static const char *const	 path[] = { "Response", NULL };
	cJSON				*root = json_parse(&resp->body);
	const cJSON			*r = json_path(root, path);
	const cJSON			*e = cJSON_IsObject(r) ?
					    cJSON_GetObjectItemCaseSensitive(r,
					    "Error") : NULL;
	enum outcome			 out = outcome_from_status(resp->status);

	if (cJSON_IsObject(e))
		out = dp_api_error(j, what, e);
	else if (out != OUT_OK)
		out = dp_fail(j, out, what, "HTTP %ld", resp->status);
	else if (!cJSON_IsObject(r))
		out = dp_fail(j, OUT_RETRY, what, "unexpected reply (no "
		    "Response object, HTTP %ld)", resp->status);
	if (provider_wait(out, resp->retry_after) > 0)
		j->ch->retry_after = resp->retry_after;
	if (out == OUT_OK)
		*doc = root;
	else
		cJSON_Delete(root);
	return out;
}

/* Appends the header line "name: val", NUL-terminated, to hb and its
 * offset to off; 0 or -1. */
static int
dp_hdr(struct buf *hb, size_t *off, size_t *n, const char *name,
    const char *val)
{
	if (*n >= DP_NHDRS)
		return -1;
	off[(*n)++] = hb->len;
	if (buf_printf(hb, "%s: %s", name, val) == -1 ||
	    buf_add(hb, "", 1) == -1)
		return -1;
	return 0;
}

/* Builds the header lines of action with body txt into hb (offsets in
 * off), signed; 0 or -1. */
static int
dp_headers(const struct dp *dp, const char *action, const char *txt,
    struct buf *hb, size_t *off)
{
	struct sign_pair	 sp[3] = { { "Content-Type", DP_CTYPE },
				    { "Host", dp->host },
				    { "X-TC-Action", action } };
	struct sign_req		 sr;
	struct buf		 auth = BUF_INIT(4096);
	char			 hash[65], ts[24];
	size_t			 n = 0;
	int			 bad;

	snprintf(ts, sizeof(ts), "%lld", dp->ctx->now);
	memset(&sr, 0, sizeof(sr));
	sr.method = "POST";
	sr.uri = dp->uri;
	sr.query = "";
	sr.hdrs = sp;
	sr.nhdrs = 3;
	sr.payload_hash = hash;
	bad = sign_sha256_hex(txt, strlen(txt), hash) == -1 ||
	    sign_tc3(&sr, dp->id, dp->key, DP_SERVICE, dp->ctx->now,
	    &auth) == -1;
	bad = bad || dp_hdr(hb, off, &n, "Content-Type", DP_CTYPE) ||
	    dp_hdr(hb, off, &n, "Host", dp->host) ||
	    dp_hdr(hb, off, &n, "X-TC-Action", action) ||
	    dp_hdr(hb, off, &n, "X-TC-Version", DP_VERSION) ||
	    dp_hdr(hb, off, &n, "X-TC-Timestamp", ts) ||
	    dp_hdr(hb, off, &n, "X-TC-Language", "en-US") ||
	    dp_hdr(hb, off, &n, "Authorization", buf_str(&auth));
	buf_free(&auth);
	return bad ? -1 : 0;
}

/* POSTs action with body and judges the reply; on OUT_OK *doc is the
 * parsed reply, which the caller frees. */
static enum outcome
dp_call(struct dpjob *j, const char *what, const char *action,
    const cJSON *body, cJSON **doc)
{
	struct buf		 hb = BUF_INIT(DP_REQ_MAX);
	const char		*hdrs[DP_NHDRS + 1];
	size_t			 off[DP_NHDRS], i;
	struct http_req		 req;
	struct http_resp	 resp;
	char			*txt = json_print(body), clean[DP_SRV_MAX];
	enum outcome		 out;

	*doc = NULL;
	j->code[0] = '\0';
	if (txt == NULL || dp_headers(j->dp, action, txt, &hb, off) == -1) {
		free(txt);
		buf_free(&hb);
		return dp_fail(j, OUT_RETRY, what, "cannot build the request "
		    "(out of memory?)");
	}
	for (i = 0; i < DP_NHDRS; i++)
		hdrs[i] = hb.data + off[i];
	hdrs[DP_NHDRS] = NULL;
	log_debug("[%s] %s %s: %s %s/%s", j->dp->ctx->acct->label,
	    j->ch->name, j->type, action, j->zone, j->sub);
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.url = j->dp->url;
	req.headers = hdrs;
	req.body = txt;
	req.body_len = strlen(txt);
	req.max_body = DP_REPLY_MAX;
	memset(&resp, 0, sizeof(resp));
	buf_init(&resp.body, DP_REPLY_MAX);
	if (http_do(j->dp->ctx->http, &req, &resp) == -1) {
		provider_http_error(clean, sizeof(clean), &resp);
		out = dp_fail(j, OUT_RETRY, what, "%s", clean);
	} else
		out = dp_judge(j, what, &resp, doc);
	free(txt);
	buf_free(&hb);
	http_resp_free(&resp);
	return out;
}

/* Returns Response of a reply that dp_judge() accepted. */
static const cJSON *
dp_resp(const cJSON *doc)
{
	return cJSON_GetObjectItemCaseSensitive(doc, "Response");
}

/* Reads obj[key] as a record id into out (DP_ID_MAX); 0, or -1 when it
 * is absent or not a positive integer. */
static int
dp_getid(const cJSON *obj, const char *key, char *out)
{
	double d;

	if (json_num(obj, key, &d) == -1 || d < 1 || d >= DP_ID_LIMIT ||
	    d != (double)(long long)d)
		return -1;
	snprintf(out, DP_ID_MAX, "%lld", (long long)d);
	return 0;
}

/* Returns 1 when s is a record id as dp_getid writes it. */
static int
dp_idok(const char *s)
{
	size_t n = s ? strspn(s, "0123456789") : 0;

	return n > 0 && n < 16 && s[n] == '\0' && s[0] != '0';
}

/*
 * Records
 */

/* Returns 1 when item r of a record list is the record we manage. */
static int
dp_rec_match(const struct dpjob *j, const cJSON *r)
{
	const char *name = json_str(r, "Name"), *type = json_str(r, "Type");
	const char *line = json_str(r, "Line");

	if (!cJSON_IsObject(r) || name == NULL || type == NULL)
		return 0;
	if (strcasecmp(name, j->sub) != 0 || strcmp(type, j->type) != 0)
		return 0;
	return line == NULL || strcmp(line, j->dp->line) == 0;
}

/* Takes record r into j (id, address, TTL); OUT_OK or OUT_RETRY. */
static enum outcome
dp_rec_take(struct dpjob *j, const cJSON *r)
{
	const char	*v = json_str(r, "Value");
	double		 ttl;

	if (dp_getid(r, "RecordId", j->rec) == -1)
		return dp_fail(j, OUT_RETRY, "record lookup",
		    "unexpected reply (bad RecordId)");
	if (v == NULL || addr_canon(j->ch->fam, v, j->value) == -1)
		j->value[0] = '\0';
	j->rttl = json_num(r, "TTL", &ttl) == 0 && ttl >= 0 && ttl < 1e9 ?
	    (long)ttl : -1;
	j->found = 1;
	return OUT_OK;
}

/* Picks our record from a DescribeRecordList reply: one already holding
 * the address if any, else the first; OUT_OK (j->found says whether one
 * was there) or OUT_RETRY for a wrong shape. */
static enum outcome
dp_rec_pick(struct dpjob *j, const cJSON *doc)
{
	const cJSON	*list = cJSON_GetObjectItemCaseSensitive(dp_resp(doc),
			    "RecordList");
	const cJSON	*r, *first = NULL, *same = NULL;
	int		 n = 0;

	j->found = 0;
	if (!cJSON_IsArray(list))
		return dp_fail(j, OUT_RETRY, "record lookup",
		    "unexpected reply (no RecordList)");
	cJSON_ArrayForEach(r, list) {
		if (!dp_rec_match(j, r))
			continue;
		n++;
		if (first == NULL)
			first = r;
		if (same == NULL &&
		    provider_addr_is(j->ch, json_str(r, "Value")))
			same = r;
	}
	if (n == 0)
		return OUT_OK;
	if (dp_rec_take(j, same ? same : first) != OUT_OK)
		return OUT_RETRY;
	if (n > 1)
		log_warn("[%s] %s %s: %d records on line %s; managing record %s",
		    j->dp->ctx->acct->label, j->ch->name, j->type, n,
		    j->dp->line, j->rec);
	return OUT_OK;
}

/* DescribeRecordList for j->zone/j->sub: OUT_OK with j->found and, when
 * found, the record's id, address and TTL; else the failure (j->code). */
static enum outcome
dp_rec_list(struct dpjob *j)
{
	cJSON		*b = cJSON_CreateObject(), *doc = NULL;
	enum outcome	 out;
	int		 bad = b == NULL;

	bad |= cJSON_AddStringToObject(b, "Domain", j->zone) == NULL;
	bad |= cJSON_AddStringToObject(b, "Subdomain", j->sub) == NULL;
	bad |= cJSON_AddStringToObject(b, "RecordType", j->type) == NULL;
	bad |= cJSON_AddStringToObject(b, "RecordLine", j->dp->line) == NULL;
	j->found = 0;
	j->rec[0] = j->value[0] = '\0';
	if (bad)
		out = dp_fail(j, OUT_RETRY, "record lookup", "out of memory");
	else
		out = dp_call(j, "record lookup", "DescribeRecordList", b, &doc);
	if (out == OUT_OK)
		out = dp_rec_pick(j, doc);
	else if (strcmp(j->code, "ResourceNotFound.NoDataOfRecord") == 0)
		out = OUT_OK;		/* no record yet: create it */
	cJSON_Delete(doc);
	cJSON_Delete(b);
	return out;
}

/* Returns the TTL to send: the configured one, else the record's; -1 for
 * none (the API then uses the domain's default). */
static long
dp_send_ttl(const struct dpjob *j)
{
	return j->dp->ttl >= 0 ? j->dp->ttl : j->rttl;
}

/* Returns the body of a ModifyRecord (j->rec set) or CreateRecord. */
static cJSON *
dp_body_write(const struct dpjob *j)
{
	cJSON	*b = cJSON_CreateObject();
	long	 ttl = dp_send_ttl(j);
	int	 bad = b == NULL;

	bad |= cJSON_AddStringToObject(b, "Domain", j->zone) == NULL;
	bad |= cJSON_AddStringToObject(b, "SubDomain", j->sub) == NULL;
	bad |= cJSON_AddStringToObject(b, "RecordType", j->type) == NULL;
	bad |= cJSON_AddStringToObject(b, "RecordLine", j->dp->line) == NULL;
	bad |= cJSON_AddStringToObject(b, "Value", j->ch->addr) == NULL;
	if (j->rec[0])
		bad |= cJSON_AddNumberToObject(b, "RecordId",
		    strtod(j->rec, NULL)) == NULL;
	if (ttl >= 0)
		bad |= cJSON_AddNumberToObject(b, "TTL", (double)ttl) == NULL;
	if (bad) {
		cJSON_Delete(b);
		return NULL;
	}
	return b;
}

/* ModifyRecord j->rec, or CreateRecord when j->rec is empty; OUT_OK with
 * j->rec the record's id. */
static enum outcome
dp_rec_write(struct dpjob *j)
{
	int		 modify = j->rec[0] != '\0';
	const char	*what = modify ? "record update" : "record create";
	cJSON		*b = dp_body_write(j), *doc = NULL;
	enum outcome	 out;
	char		 id[DP_ID_MAX];

	if (b == NULL)
		return dp_fail(j, OUT_RETRY, what, "out of memory");
	out = dp_call(j, what, modify ? "ModifyRecord" : "CreateRecord", b,
	    &doc);
	if (out == OUT_OK && dp_getid(dp_resp(doc), "RecordId", id) == 0)
		memcpy(j->rec, id, sizeof(id));
	else if (out == OUT_OK && !modify)
		out = dp_fail(j, OUT_RETRY, what, "unexpected reply (no "
		    "RecordId)");
	if (out == OUT_OK)
		j->rttl = dp_send_ttl(j);
	cJSON_Delete(doc);
	cJSON_Delete(b);
	return out;
}

/* Brings the record looked up to the wanted state: nothing, Modify or
 * Create. */
static enum outcome
dp_apply(struct dpjob *j)
{
	const char *label = j->dp->ctx->acct->label;

	if (!j->found) {
		j->rec[0] = '\0';
		log_debug("[%s] %s %s: no record on line %s of %s; creating it",
		    label, j->ch->name, j->type, j->dp->line, j->zone);
		return dp_rec_write(j);
	}
	if (strcmp(j->value, j->ch->addr) == 0 &&
	    (j->dp->ttl < 0 || j->rttl == j->dp->ttl)) {
		log_debug("[%s] %s %s: record %s already holds %s", label,
		    j->ch->name, j->type, j->rec, j->ch->addr);
		return OUT_OK;
	}
	return dp_rec_write(j);
}

/*
 * Domains
 */

/* Makes zone j's domain, with j->sub the name within it; 0, or -1 when
 * the record's name is not in zone. */
static int
dp_zone_set(struct dpjob *j, const char *zone)
{
	size_t	zl = zone ? strlen(zone) : 0;
	long	sl;

	if (zl == 0 || zl >= DP_NAME_MAX)
		return -1;
	sl = provider_sublen(j->ch->name, zone);
	if (sl < 0)
		return -1;
	if (sl == 0)
		snprintf(j->sub, sizeof(j->sub), "@");
	else
		snprintf(j->sub, sizeof(j->sub), "%.*s", (int)sl, j->ch->name);
	memcpy(j->zone, zone, zl + 1);
	return 0;
}

/* Writes the account-cache key of domain name into key (DP_KEY_MAX). */
static int
dp_zone_key(char *key, const char *name)
{
	int n = snprintf(key, DP_KEY_MAX, "zone.%s", name);

	return n < 0 || n >= DP_KEY_MAX ? -1 : 0;
}

/* Remembers (val = the name) or forgets (val NULL) that name is a domain
 * of the account. */
static void
dp_zone_remember(struct dpjob *j, const char *name, const char *val)
{
	struct kv	*cache = j->dp->ctx->cache;
	char		 key[DP_KEY_MAX];

	if (cache != NULL && dp_zone_key(key, name) == 0 &&
	    kv_set(cache, key, val) == -1)
		log_warn("[%s] cannot cache the domain: out of memory",
		    j->dp->ctx->acct->label);
}

/* Sets j's domain from the account cache: the record's name or the
 * nearest parent remembered there; 1 when found. */
static int
dp_zone_cached(struct dpjob *j)
{
	const struct kv	*cache = j->dp->ctx->cache;
	const char	*p;
	char		 key[DP_KEY_MAX];

	for (p = j->ch->name; cache != NULL && p != NULL;
	    p = provider_parent(p))
		if (dp_zone_key(key, p) == 0 && kv_get(cache, key) != NULL &&
		    dp_zone_set(j, p) == 0)
			return 1;
	return 0;
}

/* Tries the record's name and each parent as the domain, looking the
 * record up in each, until one is a domain of the account. */
static enum outcome
dp_zone_walk(struct dpjob *j)
{
	const char	*p;
	enum outcome	 out;

	for (p = j->ch->name; p != NULL; p = provider_parent(p)) {
		if (dp_zone_set(j, p) == -1)
			continue;
		out = dp_rec_list(j);
		if (out == OUT_OK) {
			log_debug("[%s] %s %s: domain is %s",
			    j->dp->ctx->acct->label, j->ch->name, j->type, p);
			dp_zone_remember(j, p, p);
		}
		if (out != OUT_NOTFOUND || !dp_not_zone(j->code))
			return out;
	}
	j->zone[0] = '\0';
	return dp_fail(j, OUT_NOTFOUND, "domain lookup", "no domain of this "
	    "account holds %s (or the key may not read it); set zone =",
	    j->ch->name);
}

/* Finds the domain and looks the record up in it: the configured zone,
 * else the one remembered (looked up again if it went away), else the
 * walk. OUT_OK with j->found set, or the failure. */
static enum outcome
dp_lookup(struct dpjob *j)
{
	enum outcome out;

	if (j->dp->zone[0]) {
		if (dp_zone_set(j, j->dp->zone) == -1)
			return dp_fail(j, OUT_BADREQ, "record lookup", "%s is "
			    "not in zone %s", j->ch->name, j->dp->zone);
		out = dp_rec_list(j);
		if (out == OUT_NOTFOUND && dp_not_zone(j->code))
			return dp_fail(j, out, "record lookup", "domain %s is "
			    "not in this DNSPod account (%s)", j->zone, j->code);
		return out;
	}
	if (!dp_zone_cached(j))
		return dp_zone_walk(j);
	out = dp_rec_list(j);
	if (out != OUT_NOTFOUND || !dp_not_zone(j->code))
		return out;
	log_debug("[%s] %s %s: domain %s went away (%s); looking again",
	    j->dp->ctx->acct->label, j->ch->name, j->type, j->zone, j->code);
	dp_zone_remember(j, j->zone, NULL);
	return dp_zone_walk(j);
}

/*
 * The ladder
 */

/* Returns the TTL kept in the state, or -1 when absent or garbled. */
static long
dp_parse_ttl(const char *s)
{
	size_t n = s ? strspn(s, "0123456789") : 0;

	if (n == 0 || n > 7 || s[n] != '\0')
		return -1;
	return strtol(s, NULL, 10);
}

/* ModifyRecord by the record id and domain kept in the state, in one
 * request. Returns OUT_PENDING when there are none, or when the API no
 * longer knows them (the lookup follows); else the outcome. */
static enum outcome
dp_direct(struct dpjob *j)
{
	const struct kv	*ids = j->ch->ids;
	const char	*rid = ids ? kv_get(ids, "record_id") : NULL;
	const char	*dom = ids ? kv_get(ids, "domain") : NULL;
	const char	*ttl = ids ? kv_get(ids, "ttl") : NULL;
	enum outcome	 out;

	if (j->ch->verify || !dp_idok(rid) || dom == NULL ||
	    (j->dp->zone[0] && strcmp(dom, j->dp->zone) != 0) ||
	    dp_zone_set(j, dom) == -1)
		return OUT_PENDING;
	memcpy(j->rec, rid, strlen(rid) + 1);
	j->rttl = dp_parse_ttl(ttl);
	out = dp_rec_write(j);
	if (out == OUT_OK || !(dp_rec_gone(j->code) || dp_rec_exists(j->code)))
		return out;
	log_debug("[%s] %s %s: record %s in %s refused (%s); looking it up",
	    j->dp->ctx->acct->label, j->ch->name, j->type, rid, dom, j->code);
	if (dp_rec_exists(j->code) && !j->dp->zone[0])
		dp_zone_remember(j, dom, dom);	/* a domain of the account */
	j->rec[0] = '\0';
	j->rttl = -1;
	return OUT_PENDING;
}

/* Looks the record up and writes it if it does not hold what is
 * wanted. A write refused because such a record exists is looked up once
 * more: OUT_OK when a record of ours holds the address by now. */
static enum outcome
dp_find(struct dpjob *j)
{
	enum outcome out = dp_lookup(j);

	if (out == OUT_OK)
		out = dp_apply(j);
	if (out == OUT_OK || !dp_rec_exists(j->code))
		return out;
	log_debug("[%s] %s %s: %s exists (%s); looking again",
	    j->dp->ctx->acct->label, j->ch->name, j->type, j->ch->addr,
	    j->code);
	out = dp_rec_list(j);
	if (out == OUT_OK && (!j->found || strcmp(j->value, j->ch->addr) != 0))
		out = dp_fail(j, OUT_BADREQ, "record write", "refused as "
		    "existing, yet no record of line %s holds %s",
		    j->dp->line, j->ch->addr);
	return out;
}

/* Stores the record id, domain and TTL in the change for the state. */
static void
dp_save_ids(const struct dpjob *j)
{
	struct kv	*ids = j->ch->ids;
	char		 ttl[24];

	if (ids == NULL)
		return;
	snprintf(ttl, sizeof(ttl), "%ld", j->rttl);
	if (kv_set(ids, "record_id", j->rec) == -1 ||
	    kv_set(ids, "domain", j->zone) == -1 ||
	    kv_set(ids, "ttl", j->rttl >= 0 ? ttl : NULL) == -1)
		log_warn("[%s] %s %s: cannot keep the record id: out of "
		    "memory", j->dp->ctx->acct->label, j->ch->name, j->type);
}

/* Brings one change to its address; returns its outcome. */
static enum outcome
dp_change(void *arg, struct change *ch)
{
	struct dp	*dp = arg;
	struct dpjob	 j;
	enum outcome	 out;

	memset(&j, 0, sizeof(j));
	j.dp = dp;
	j.ch = ch;
	j.type = ch->fam == 6 ? "AAAA" : "A";
	j.rttl = -1;
	if (ch->fam != 4 && ch->fam != 6)
		out = dp_fail(&j, OUT_BADREQ, "update", "address family %d",
		    ch->fam);
	else
		out = dp_direct(&j);
	if (out == OUT_PENDING)
		out = dp_find(&j);
	if (out == OUT_OK)
		dp_save_ids(&j);
	else
		log_err("[%s] %s %s: %s", dp->ctx->acct->label, ch->name,
		    j.type, j.err);
	return out;
}

/*
 * The provider
 */

/* Writes the zone key normalised (lower case, no final dot) into out
 * (DP_NAME_MAX); 0, or -1 when empty, too long or not a name. */
static int
dp_norm_zone(const char *z, char *out)
{
	size_t n = strlen(z), i;

	if (n > 0 && z[n - 1] == '.')
		n--;
	if (n == 0 || n >= DP_NAME_MAX || z[0] == '.')
		return -1;
	for (i = 0; i < n; i++) {
		if ((unsigned char)z[i] <= ' ' || z[i] == '/' || z[i] == '@')
			return -1;
		out[i] = (char)(z[i] >= 'A' && z[i] <= 'Z' ? z[i] + 32 : z[i]);
	}
	out[n] = '\0';
	return 0;
}

/* Splits an endpoint URL into the Host it is signed with and its path;
 * 0, or -1 when it has no host, or has a query or fragment. */
static int
dp_split_url(const char *url, char *host, char *uri)
{
	const char	*a = strstr(url, "://"), *end, *p;
	size_t		 n, i;

	if (a == NULL || strpbrk(url, "?#") != NULL)
		return -1;
	a += 3;
	end = a + strcspn(a, "/");
	for (p = a; p < end; p++)
		if (*p == '@')
			a = p + 1;	/* drop any user:password@ */
	n = (size_t)(end - a);
	if (n == 0 || n >= DP_NAME_MAX || strlen(end) >= DP_URI_MAX)
		return -1;
	for (i = 0; i < n; i++)
		host[i] = (char)(a[i] >= 'A' && a[i] <= 'Z' ? a[i] + 32 : a[i]);
	host[n] = '\0';
	snprintf(uri, DP_URI_MAX, "%s", *end ? end : "/");
	return provider_bad_token(host) || provider_bad_token(uri) ? -1 : 0;
}

/* Checks that every record is in zone z; 0, or -1 (reported). */
static int
dp_check_zone(const struct account *a, const char *z)
{
	char	 zone[DP_NAME_MAX];
	size_t	 i;
	int	 rc = 0;

	if (dp_norm_zone(z, zone) == -1) {
		acct_error(a, "zone", "\"%s\" is not a domain name", z);
		return -1;
	}
	for (i = 0; i < a->nrecords; i++) {
		if (provider_sublen(a->records[i], zone) >= 0)
			continue;
		acct_error(a, "zone", "record %s is not in %s",
		    a->records[i], zone);
		rc = -1;
	}
	return rc;
}

/* Checks the keys at load time; 0, or -1 (reported). */
static int
dp_check(const struct account *a)
{
	const char	*id = acct_get(a, "secret_id");
	const char	*key = acct_get(a, "secret_key");
	const char	*line = acct_get(a, "record_line");
	const char	*zone = acct_get(a, "zone");
	char		 host[DP_NAME_MAX], uri[DP_URI_MAX];
	int		 rc = 0;

	if (id != NULL && provider_bad_token(id)) {
		acct_error(a, "secret_id", "contains spaces or control "
		    "characters");
		rc = -1;
	}
	if (key != NULL && provider_bad_token(key)) {
		acct_error(a, "secret_key", "contains spaces or control "
		    "characters");
		rc = -1;
	}
	if (line != NULL && (*line == '\0' || provider_has_ctl(line))) {
		acct_error(a, "record_line", "must be a line name such as "
		    "\"" DP_LINE "\"");
		rc = -1;
	}
	if (zone != NULL && dp_check_zone(a, zone) == -1)
		rc = -1;
	if (a->endpoint != NULL && dp_split_url(a->endpoint, host, uri) == -1) {
		acct_error(a, "endpoint", "needs a host and no query");
		rc = -1;
	}
	return rc;
}

/* Prepares an account's settings; OUT_OK, or the outcome for every
 * change with dp->err set. */
static enum outcome
dp_init(struct dp *dp, const struct pctx *ctx)
{
	const char *zone = acct_get(ctx->acct, "zone");

	memset(dp, 0, sizeof(*dp));
	dp->ctx = ctx;
	dp->url = provider_base(ctx);
	dp->id = acct_get(ctx->acct, "secret_id");
	dp->key = acct_get(ctx->acct, "secret_key");
	dp->line = acct_get(ctx->acct, "record_line");
	if (dp->line == NULL || *dp->line == '\0')
		dp->line = DP_LINE;
	dp->ttl = ctx->acct->ttl;
	if (dp->id == NULL || *dp->id == '\0' || provider_bad_token(dp->id) ||
	    dp->key == NULL || *dp->key == '\0' ||
	    provider_bad_token(dp->key)) {
		snprintf(dp->err, sizeof(dp->err), "dnspod: no usable "
		    "secret_id/secret_key");
		return OUT_AUTH;
	}
	if (dp_split_url(dp->url, dp->host, dp->uri) == -1 ||
	    (zone != NULL && dp_norm_zone(zone, dp->zone) == -1)) {
		snprintf(dp->err, sizeof(dp->err), "dnspod: bad endpoint or "
		    "zone");
		return OUT_BADREQ;
	}
	return OUT_OK;
}

/* Brings every change to its address, one after the other over the same
 * connection; once told to slow down, the rest wait for the next run. */
static void
dp_update(const struct pctx *ctx, struct change *ch, size_t n)
{
	struct dp	 dp;
	enum outcome	 out = dp_init(&dp, ctx);

	if (out == OUT_OK)
		provider_each(ctx, ch, n, dp_change, &dp);
	else
		provider_refuse(ctx, ch, n, out, dp.err);
}

static const struct provider_key dp_keys[] = {
	{ "secret_id",		PKEY_REQUIRED },
	{ "secret_key",		PKEY_REQUIRED | PKEY_SECRET },
	{ "record_line",	0 },
	{ "zone",		0 },
	{ NULL,			0 }
};

const struct provider provider_dnspod = {
	.name = "dnspod",
	.api_base = "https://dnspod.tencentcloudapi.com",
	.keys = dp_keys,
	.check = dp_check,
	.update = dp_update,
};
