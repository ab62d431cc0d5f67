/*
 * huaweicloud.c - Huawei Cloud DNS (public zones) with an AK/SK pair.
 *
 * API: support.huaweicloud.com/intl/en-us/api-dns/ (ListPublicZones,
 * ShowRecordSetByZone, CreateRecordSetWithLine, UpdateRecordSets).
 * Every request is signed with SDK-HMAC-SHA256 (src/sign_sdk.c) over
 * content-type, host and x-sdk-date. Zone and record-set names are FQDNs
 * with a final dot; name searches are fuzzy unless search_mode=equal (asked
 * for record sets, which are read page by page up to
 * metadata.total_count), so only an exact match of name (and type) is
 * taken. Failures come as {"code","message"} from DNS
 * or {"error_code","error_msg"} from the API gateway, with an HTTP status;
 * a 2xx carrying such a body is a failure too.
 *
 * For each change: PUT the record set id kept in the state (one request),
 * unless the state says the address is already published (verify) or there
 * is no id; otherwise find the zone id (zone_id, the record's state, the
 * account cache, or GET /v2/zones?name= for the zone or the record's name
 * and its parents), list the record set by name and type, and PUT or POST
 * as needed. hw_change() is the ladder; each request is one function.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "addr.h"
#include "buf.h"
#include "config.h"
#include "http.h"
#include "json.h"
#include "kv.h"
#include "log.h"
#include "provider.h"
#include "sign.h"

#define HW_ID_MAX	80		/* zone and record-set ids (32 hex) */
#define HW_NAME_MAX	260		/* a DNS name plus the final dot */
#define HW_HOST_MAX	256		/* the Host header value */
#define HW_ERR_MAX	512		/* one failure message */
#define HW_SRV_MAX	160		/* server text quoted in a message */
#define HW_URL_MAX	4096		/* one request URL */
#define HW_AUTH_MAX	1024		/* the Authorization header line */
#define HW_REPLY_MAX	((size_t)1 << 20)	/* one reply body */
#define HW_KEY_MAX	300		/* "zone_id." + a zone name */
#define HW_LINE		"default_view"	/* the default resolution line */
#define HW_CODE_MAX	40		/* an error code */
#define HW_PAGE		100		/* record sets asked for per page */
#define HW_PAGES_MAX	20		/* pages read at most per lookup */

enum zone_src {
	ZS_NONE,	/* not known yet */
	ZS_CONFIG,	/* zone_id = in the config */
	ZS_STATE,	/* remembered in the state: may have gone stale */
	ZS_LOOKUP	/* asked the API during this run */
};

/* One account's settings for this run. */
struct hw {
	const struct pctx	*ctx;
	const char		*label;		/* section name, for messages */
	const char		*ak;		/* access key id */
	const char		*sk;		/* secret key: HMAC key only */
	struct buf		 origin;	/* "https://host[:port]" */
	struct buf		 prefix;	/* endpoint path, no final '/' */
	char			 host[HW_HOST_MAX];	/* Host header */
	char			 date[20];	/* X-Sdk-Date of this run */
	char			 zone[HW_NAME_MAX];	/* zone =, or "" */
	long			 ttl;		/* seconds, -1 when not set */
	char			 err[HW_ERR_MAX];	/* why set-up failed */
};

/* One change on its way down the ladder. */
struct hwjob {
	struct hw	*hw;
	struct change	*ch;
	const char	*type;		/* "A" or "AAAA" */
	char		 zone[HW_ID_MAX];	/* zone id, "" when unknown */
	enum zone_src	 zsrc;
	char		 rec[HW_ID_MAX];	/* record-set id, "" unknown */
	int		 found;		/* the lookup found the record set */
	int		 holds;		/* it holds exactly ch->addr */
	long		 ttl;		/* its TTL, -1 unknown */
	long		 status;	/* HTTP status of the last reply */
	char		 code[HW_CODE_MAX];	/* its error code, or "" */
	char		 err[HW_ERR_MAX];	/* why the last step failed */
};

/* One API request. */
struct hwreq {
	const char	*what;		/* "zone lookup", for messages */
	const char	*method;
	const char	*path;		/* after the prefix: "/v2/zones" */
	const char	*query;		/* canonical query, or "" */
	const cJSON	*body;		/* JSON body, or NULL */
};

static enum outcome	hw_fail(struct hwjob *, enum outcome, const char *,
			    const char *, ...) PRINTF_LIKE(4, 5);

/* Records why step what failed in j->err; returns out. */
static enum outcome
hw_fail(struct hwjob *j, enum outcome out, const char *what,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	provider_vfail(j->err, sizeof(j->err), "huaweicloud", what, fmt, ap);
	va_end(ap);
	return out;
}

/* Copies an id into dst (HW_ID_MAX); 0, or -1 when empty or too long. */
static int
hw_setid(char *dst, const char *src)
{
	return provider_copy(dst, HW_ID_MAX, src);
}

/* Returns 1 when DNS names a and b are equal, ignoring case and a final
 * dot on either. */
static int
hw_name_eq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la > 0 && a[la - 1] == '.')
		la--;
	if (lb > 0 && b[lb - 1] == '.')
		lb--;
	return la == lb && strncasecmp(a, b, la) == 0;
}

/* Returns 1 when name is zone or lies below it (both without final dot). */
static int
hw_in_zone(const char *name, const char *zone)
{
	size_t ln = strlen(name), lz = strlen(zone);

	if (ln == lz)
		return strncasecmp(name, zone, ln) == 0;
	return ln > lz && name[ln - lz - 1] == '.' &&
	    strncasecmp(name + ln - lz, zone, lz) == 0;
}

/* Returns doc[key] when it is an array, else NULL. */
static const cJSON *
hw_array(const cJSON *doc, const char *key)
{
	const cJSON *it = cJSON_IsObject(doc) ?
	    cJSON_GetObjectItemCaseSensitive(doc, key) : NULL;

	return cJSON_IsArray(it) ? it : NULL;
}

/*
 * Replies
 */

/* Finds the error code and message of a reply in any of its shapes:
 * {"code","message"}, {"error_code","error_msg"}, {"error":{...}}. */
static void
hw_err_fields(const cJSON *doc, const char **code, const char **msg)
{
	const cJSON *e = cJSON_IsObject(doc) ?
	    cJSON_GetObjectItemCaseSensitive(doc, "error") : NULL;

	*code = json_str(doc, "error_code");
	*msg = json_str(doc, "error_msg");
	if (*code == NULL && *msg == NULL) {
		*code = json_str(doc, "code");
		*msg = json_str(doc, "message");
	}
	if (*code == NULL && *msg == NULL && cJSON_IsObject(e)) {
		*code = json_str(e, "code");
		*msg = json_str(e, "message");
	}
}

/* DNS error codes whose class their HTTP status does not tell (Huawei's
 * error code table, api-dns/ErrorCode.html). */
static const struct {
	const char	*code;
	enum outcome	 out;
} hw_codes[] = {
	{ "DNS.0014",	OUT_RATELIMIT },	/* 403 flow control */
	{ "DNS.0209",	OUT_RETRY },	/* zone not in the normal state */
	{ "DNS.0302",	OUT_NOTFOUND },	/* 400/404 zone does not exist */
	{ "DNS.0313",	OUT_NOTFOUND },	/* 404 record set does not exist */
	{ "DNS.0314",	OUT_RETRY },	/* record set not in a steady state */
	{ "DNS.0403",	OUT_BADREQ },	/* 403 record set quota used up */
	{ "DNS.0404",	OUT_BADREQ },	/* 403 zone quota used up */
};

/* Returns the outcome of a failed reply with error code (or NULL) and
 * HTTP status class st: the code's when the table knows it, else the
 * status's; for a 2xx, the API gateway codes' or OUT_RETRY. */
static enum outcome
hw_code_class(const char *code, enum outcome st)
{
	size_t i;

	for (i = 0; code != NULL && i < sizeof(hw_codes) / sizeof(hw_codes[0]);
	    i++)
		if (strcmp(code, hw_codes[i].code) == 0)
			return hw_codes[i].out;
	if (st != OUT_OK)
		return st;
	if (code == NULL)
		return OUT_RETRY;
	if (strcmp(code, "APIGW.0308") == 0)
		return OUT_RATELIMIT;
	if (strncmp(code, "APIGW.03", 8) == 0)
		return OUT_AUTH;
	return OUT_RETRY;
}

/* Returns 1 when code says the zone id asked about is no zone (any
 * more): DNS.0301 "Invalid zone ID", DNS.0302 "This zone does not
 * exist". */
static int
hw_zone_gone(const char *code)
{
	return strcmp(code, "DNS.0301") == 0 || strcmp(code, "DNS.0302") == 0;
}

/* Describes a failed reply from its error fields, if any. */
static enum outcome
hw_reply_error(struct hwjob *j, enum outcome out, const char *what,
    const char *code, const char *msg)
{
	const char	*why = out == OUT_AUTH ? "access key rejected or "
			    "lacking DNS permissions" : "unexpected reply";
	char		 cm[HW_SRV_MAX], cc[40];

	if (msg == NULL && code == NULL && out != OUT_AUTH &&
	    j->status / 100 != 2)
		return hw_fail(j, out, what, "HTTP %ld", j->status);
	if (msg == NULL && code == NULL)
		return hw_fail(j, out, what, "%s (HTTP %ld)", why, j->status);
	provider_clean(cm, sizeof(cm), msg);
	provider_clean(cc, sizeof(cc), code ? code : "-");
	if (out == OUT_AUTH)
		return hw_fail(j, out, what, "%s: %s (code %s, HTTP %ld)", why,
		    cm, cc, j->status);
	return hw_fail(j, out, what, "%s (code %s, HTTP %ld)", cm, cc,
	    j->status);
}

/* Judges a reply: OUT_OK, with *doc set, only for a 2xx JSON object that
 * is not an error; anything else is an outcome with j->err set. */
static enum outcome
hw_judge(struct hwjob *j, const char *what, const struct http_resp *resp,
    cJSON **doc)
{
	enum outcome	 out = outcome_from_status(resp->status);
	cJSON		*root = json_parse(&resp->body);
	const char	*code, *msg;

	j->status = resp->status;
	hw_err_fields(root, &code, &msg);
	provider_clean(j->code, sizeof(j->code), code ? code : "");
	if (out == OUT_OK && cJSON_IsObject(root) && code == NULL &&
	    msg == NULL) {
		*doc = root;
		return OUT_OK;
	}
	out = hw_code_class(code, out);	/* a 2xx here is no success */
	if (provider_wait(out, resp->retry_after) > 0)
		j->ch->retry_after = resp->retry_after;
	out = hw_reply_error(j, out, what, code, msg);
	cJSON_Delete(root);
	return out;
}

/*
 * Requests
 */

/* Appends the signed "Authorization: ..." line for r (body hash bhash)
 * to auth; 0 or -1. */
static int
hw_sign(const struct hw *hw, const struct hwreq *r, const char *bhash,
    struct buf *auth)
{
	const struct sign_pair	 h[] = {
		{ "Content-Type", "application/json" },
		{ "Host", hw->host },
		{ "X-Sdk-Date", hw->date },
	};
	struct buf		 uri = BUF_INIT(HW_URL_MAX);
	struct sign_req		 sr;
	size_t			 n;
	int			 rc = 0;

	rc |= buf_adds(&uri, buf_str(&hw->prefix));
	rc |= buf_adds(&uri, r->path);
	n = uri.len;
	if (n == 0 || uri.data[n - 1] != '/')
		rc |= buf_adds(&uri, "/");
	memset(&sr, 0, sizeof(sr));
	sr.method = r->method;
	sr.uri = buf_str(&uri);
	sr.query = r->query;
	sr.hdrs = h;
	sr.nhdrs = sizeof(h) / sizeof(h[0]);
	sr.payload_hash = bhash;
	rc |= buf_adds(auth, "Authorization: ");
	if (rc == 0)
		rc = sign_sdk(&sr, hw->ak, hw->sk, hw->date, auth);
	buf_free(&uri);
	return rc ? -1 : 0;
}

/* Writes the URL of r into u; 0 or -1. */
static int
hw_url(const struct hw *hw, const struct hwreq *r, struct buf *u)
{
	int rc = 0;

	rc |= buf_adds(u, buf_str(&hw->origin));
	rc |= buf_adds(u, buf_str(&hw->prefix));
	rc |= buf_adds(u, r->path);
	if (*r->query != '\0') {
		rc |= buf_adds(u, "?");
		rc |= buf_adds(u, r->query);
	}
	return rc ? -1 : 0;
}

/* Sends a prepared request and judges the reply. */
static enum outcome
hw_send(struct hwjob *j, const struct hwreq *r, const char *url,
    const char *auth, const char *txt, cJSON **doc)
{
	struct hw		*hw = j->hw;
	struct buf		 host = BUF_INIT(HW_HOST_MAX + 8);
	struct buf		 date = BUF_INIT(64);
	const char		*hdrs[5];
	struct http_req		 req;
	struct http_resp	 resp;
	char			 clean[HW_SRV_MAX];
	enum outcome		 out;

	buf_printf(&host, "Host: %s", hw->host);
	buf_printf(&date, "X-Sdk-Date: %s", hw->date);
	hdrs[0] = auth;
	hdrs[1] = "Content-Type: application/json";
	hdrs[2] = buf_str(&host);
	hdrs[3] = buf_str(&date);
	hdrs[4] = NULL;
	memset(&req, 0, sizeof(req));
	req.method = r->method;
	req.url = url;
	req.headers = hdrs;
	req.body = txt;
	req.body_len = txt ? strlen(txt) : 0;
	req.max_body = HW_REPLY_MAX;
	memset(&resp, 0, sizeof(resp));
	buf_init(&resp.body, HW_REPLY_MAX);
	if (http_do(hw->ctx->http, &req, &resp) == -1) {
		j->status = 0;
		provider_http_error(clean, sizeof(clean), &resp);
		out = hw_fail(j, OUT_RETRY, r->what, "%s", clean);
	} else
		out = hw_judge(j, r->what, &resp, doc);
	http_resp_free(&resp);
	buf_free(&host);
	buf_free(&date);
	return out;
}

/* Signs and sends one request; on OUT_OK *doc is the parsed reply, which
 * the caller frees. */
static enum outcome
hw_request(struct hwjob *j, const struct hwreq *r, cJSON **doc)
{
	struct buf	 url = BUF_INIT(HW_URL_MAX), auth = BUF_INIT(HW_AUTH_MAX);
	char		*txt = NULL, bhash[65];
	enum outcome	 out;

	*doc = NULL;
	j->code[0] = '\0';
	if (r->body != NULL && (txt = json_print(r->body)) == NULL)
		return hw_fail(j, OUT_RETRY, r->what, "out of memory");
	if (sign_sha256_hex(txt ? txt : "", txt ? strlen(txt) : 0,
	    bhash) == -1 || hw_url(j->hw, r, &url) == -1 ||
	    hw_sign(j->hw, r, bhash, &auth) == -1)
		out = hw_fail(j, OUT_RETRY, r->what, "cannot sign the request");
	else
		out = hw_send(j, r, buf_str(&url), buf_str(&auth), txt, doc);
	if (auth.data != NULL)
		memset(auth.data, 0, auth.len);
	buf_free(&auth);
	buf_free(&url);
	free(txt);
	return out;
}

/* Writes the canonical query "name=NAME." (+ "&type=TYPE") into q. */
static int
hw_query(struct buf *q, const char *name, const char *type)
{
	struct sign_pair	 p[2];
	char			 fqdn[HW_NAME_MAX];
	int			 n = snprintf(fqdn, sizeof(fqdn), "%s.", name);

	if (n < 0 || (size_t)n >= sizeof(fqdn))
		return -1;
	p[0].name = "name";
	p[0].value = fqdn;
	p[1].name = "type";
	p[1].value = type;
	return sign_query(p, type ? 2 : 1, q);
}

/* Writes the canonical query of one page of the record sets called name
 * of type: exact name (search_mode=equal), HW_PAGE from offset. */
static int
hw_rs_query(struct buf *q, const char *name, const char *type, long offset)
{
	struct sign_pair	 p[5];
	char			 fqdn[HW_NAME_MAX], lim[24], off[24];
	int			 n = snprintf(fqdn, sizeof(fqdn), "%s.", name);

	if (n < 0 || (size_t)n >= sizeof(fqdn))
		return -1;
	snprintf(lim, sizeof(lim), "%d", HW_PAGE);
	snprintf(off, sizeof(off), "%ld", offset);
	p[0].name = "limit";
	p[0].value = lim;
	p[1].name = "name";
	p[1].value = fqdn;
	p[2].name = "offset";
	p[2].value = off;
	p[3].name = "search_mode";
	p[3].value = "equal";
	p[4].name = "type";
	p[4].value = type;
	return sign_query(p, 5, q);
}

/* Writes "/v2.1/zones/ZONE/recordsets" (+ "/REC" unless rec is NULL). */
static int
hw_rs_path(const struct hwjob *j, struct buf *p, const char *rec)
{
	int rc = 0;

	rc |= buf_adds(p, "/v2.1/zones/");
	rc |= buf_add_urlenc(p, j->zone);
	rc |= buf_adds(p, "/recordsets");
	if (rec != NULL) {
		rc |= buf_adds(p, "/");
		rc |= buf_add_urlenc(p, rec);
	}
	return rc ? -1 : 0;
}

/*
 * Zones
 */

/* Takes the zone called name from a zone list into j->zone: OUT_OK, or
 * OUT_NOTFOUND when the list has none, or OUT_RETRY for a wrong shape. */
static enum outcome
hw_zone_pick(struct hwjob *j, const cJSON *doc, const char *name)
{
	const cJSON	*zs = hw_array(doc, "zones");
	const cJSON	*z;
	const char	*zn;

	if (zs == NULL)
		return hw_fail(j, OUT_RETRY, "zone lookup",
		    "unexpected reply (no zone list)");
	cJSON_ArrayForEach(z, zs) {
		zn = json_str(z, "name");
		if (zn == NULL || !hw_name_eq(zn, name))
			continue;	/* the search is fuzzy */
		if (hw_setid(j->zone, json_str(z, "id")) == -1)
			return hw_fail(j, OUT_RETRY, "zone lookup",
			    "unexpected reply (bad zone id)");
		return OUT_OK;
	}
	return hw_fail(j, OUT_NOTFOUND, "zone lookup", "no zone %s", name);
}

/* GET /v2/zones?name=NAME.: OUT_OK with j->zone set, OUT_NOTFOUND when
 * there is no such zone, else the failure. */
static enum outcome
hw_zone_get(struct hwjob *j, const char *name)
{
	struct buf	 q = BUF_INIT(HW_URL_MAX);
	struct hwreq	 r = { "zone lookup", "GET", "/v2/zones", "", NULL };
	cJSON		*doc = NULL;
	enum outcome	 out;

	if (hw_query(&q, name, NULL) == -1)
		out = hw_fail(j, OUT_BADREQ, r.what, "name too long");
	else {
		r.query = buf_str(&q);
		out = hw_request(j, &r, &doc);
	}
	if (out == OUT_OK)
		out = hw_zone_pick(j, doc, name);
	cJSON_Delete(doc);
	buf_free(&q);
	return out;
}

/* Writes the account-cache key of zone name into key (HW_KEY_MAX). */
static int
hw_zone_key(char *key, const char *name)
{
	int n = snprintf(key, HW_KEY_MAX, "zone_id.%s", name);

	return n < 0 || n >= HW_KEY_MAX ? -1 : 0;
}

/* Keeps the zone id just looked up for zone name in the account cache. */
static void
hw_zone_remember(struct hwjob *j, const char *name)
{
	struct kv	*cache = j->hw->ctx->cache;
	char		 key[HW_KEY_MAX];

	j->zsrc = ZS_LOOKUP;
	log_debug("[%s] %s %s: zone %s has id %s", j->hw->label, j->ch->name,
	    j->type, name, j->zone);
	if (cache != NULL && hw_zone_key(key, name) == 0 &&
	    kv_set(cache, key, j->zone) == -1)
		log_warn("[%s] cannot cache the zone id: out of memory",
		    j->hw->label);
}

/* Looks the zone up through the API: the configured zone, else the
 * record's name and each parent. OUT_OK with j->zone set, or the failure. */
static enum outcome
hw_zone_lookup(struct hwjob *j)
{
	const char	*p = j->hw->zone[0] ? j->hw->zone : j->ch->name;
	enum outcome	 out = OUT_NOTFOUND;

	for (; p != NULL; p = j->hw->zone[0] ? NULL : provider_parent(p)) {
		out = hw_zone_get(j, p);
		if (out == OUT_OK)
			hw_zone_remember(j, p);
		if (out != OUT_NOTFOUND || j->status / 100 != 2)
			return out;	/* a 404 is no answer about zones */
	}
	if (j->hw->zone[0])
		return out;
	return hw_fail(j, OUT_NOTFOUND, "zone lookup", "no zone holds %s "
	    "(or the key cannot read it)", j->ch->name);
}

/* Returns 1 with j->zone set when the account cache knows zone name. */
static int
hw_zone_cached1(struct hwjob *j, const char *name)
{
	const struct kv	*cache = j->hw->ctx->cache;
	char		 key[HW_KEY_MAX];

	if (cache == NULL || hw_zone_key(key, name) == -1 ||
	    hw_setid(j->zone, kv_get(cache, key)) == -1)
		return 0;
	j->zsrc = ZS_STATE;
	return 1;
}

/* Finds the zone id: config zone_id, the record's state, the account
 * cache (configured zone, else the name and its parents), else the API. */
static enum outcome
hw_zone_find(struct hwjob *j)
{
	const struct account	*a = j->hw->ctx->acct;
	const char		*id = acct_get(a, "zone_id"), *p;

	if (id != NULL) {
		if (hw_setid(j->zone, id) == -1)
			return hw_fail(j, OUT_BADREQ, "zone lookup",
			    "zone_id is empty or too long");
		j->zsrc = ZS_CONFIG;
		return OUT_OK;
	}
	if (j->ch->ids != NULL &&
	    hw_setid(j->zone, kv_get(j->ch->ids, "zone_id")) == 0) {
		j->zsrc = ZS_STATE;
		return OUT_OK;
	}
	if (j->hw->zone[0] && hw_zone_cached1(j, j->hw->zone))
		return OUT_OK;
	for (p = j->ch->name; !j->hw->zone[0] && p != NULL;
	    p = provider_parent(p))
		if (hw_zone_cached1(j, p))
			return OUT_OK;
	return hw_zone_lookup(j);
}

/*
 * Record sets
 */

/* Returns 1 when a record set's records are exactly [addr]. */
static int
hw_holds(const struct hwjob *j, const cJSON *rs)
{
	const cJSON	*recs = hw_array(rs, "records");
	const cJSON	*v = cJSON_GetArrayItem(recs, 0);

	return recs != NULL && cJSON_GetArraySize(recs) == 1 &&
	    cJSON_IsString(v) && provider_addr_is(j->ch, v->valuestring);
}

/* Returns 1 when rs is this change's record set: exact name and type, on
 * the default line. */
static int
hw_rs_match(const struct hwjob *j, const cJSON *rs)
{
	const char	*name = json_str(rs, "name");
	const char	*type = json_str(rs, "type");
	const char	*line = json_str(rs, "line");

	return name != NULL && type != NULL && hw_name_eq(name, j->ch->name) &&
	    strcmp(type, j->type) == 0 &&
	    (line == NULL || strcmp(line, HW_LINE) == 0);
}

/* Takes this change's record set from a list into j: OUT_OK (j->found
 * says whether there was one), or OUT_RETRY for a wrong shape. */
static enum outcome
hw_rs_pick(struct hwjob *j, const cJSON *doc)
{
	const cJSON	*list = hw_array(doc, "recordsets"), *rs, *hit = NULL;
	double		 ttl;
	int		 n = 0;

	if (list == NULL)
		return hw_fail(j, OUT_RETRY, "record lookup",
		    "unexpected reply (no record set list)");
	cJSON_ArrayForEach(rs, list)
		if (hw_rs_match(j, rs) && n++ == 0)
			hit = rs;
	j->found = 0;
	if (hit == NULL)
		return OUT_OK;
	if (hw_setid(j->rec, json_str(hit, "id")) == -1)
		return hw_fail(j, OUT_RETRY, "record lookup",
		    "unexpected reply (bad record set id)");
	if (n > 1)
		log_warn("[%s] %s %s: %d record sets match; updating the first",
		    j->hw->label, j->ch->name, j->type, n);
	j->found = 1;
	j->holds = hw_holds(j, hit);
	j->ttl = json_num(hit, "ttl", &ttl) == 0 && ttl >= 0 && ttl < 1e10 ?
	    (long)ttl : -1;
	return OUT_OK;
}

/* GETs the page of record sets from offset and picks ours from it:
 * OUT_OK with j->found, *n the sets on the page and *total the count of
 * all (-1 when not told). */
static enum outcome
hw_rs_page(struct hwjob *j, long offset, int *n, long *total)
{
	static const char *const	 tc[] = { "metadata", "total_count",
					    NULL };
	struct buf			 p = BUF_INIT(HW_URL_MAX);
	struct buf			 q = BUF_INIT(HW_URL_MAX);
	struct hwreq			 r = { "record lookup", "GET", "", "",
					    NULL };
	cJSON				*doc = NULL;
	const cJSON			*t;
	enum outcome			 out;

	if (hw_rs_path(j, &p, NULL) == -1 ||
	    hw_rs_query(&q, j->ch->name, j->type, offset) == -1)
		out = hw_fail(j, OUT_RETRY, r.what, "out of memory");
	else {
		r.path = buf_str(&p);
		r.query = buf_str(&q);
		out = hw_request(j, &r, &doc);
	}
	if (out == OUT_OK)
		out = hw_rs_pick(j, doc);
	*n = cJSON_GetArraySize(hw_array(doc, "recordsets"));
	t = json_path(doc, tc);
	*total = cJSON_IsNumber(t) && t->valuedouble >= 0 &&
	    t->valuedouble < 1e9 ? (long)t->valuedouble : -1;
	cJSON_Delete(doc);
	buf_free(&p);
	buf_free(&q);
	return out;
}

/* GET the record set by name and type, page after page until found or
 * metadata.total_count is reached: OUT_OK with j->found and, when found,
 * its id, whether it holds the address, and its TTL. */
static enum outcome
hw_rs_list(struct hwjob *j)
{
	enum outcome	 out = OUT_OK;
	long		 off = 0, total;
	int		 page, n;

	for (page = 0; page < HW_PAGES_MAX; page++) {
		out = hw_rs_page(j, off, &n, &total);
		if (out != OUT_OK || j->found || n <= 0)
			return out;
		off += n;
		if (total < 0 || off >= total)
			return out;
	}
	return hw_fail(j, OUT_BADREQ, "record lookup", "not among the first "
	    "%ld of %ld record sets listed for %s", off, total, j->ch->name);
}

/* Lists the record set; a zone id from the state that the API refuses is
 * looked up again, once. */
static enum outcome
hw_rs_find(struct hwjob *j)
{
	enum outcome out = hw_rs_list(j);

	if (out == OUT_OK || j->zsrc != ZS_STATE ||
	    (j->status != 404 && !hw_zone_gone(j->code)))
		return out;
	log_debug("[%s] %s %s: zone id %s refused (HTTP %ld %s); looking "
	    "the zone up again", j->hw->label, j->ch->name, j->type, j->zone,
	    j->status, j->code);
	j->zone[0] = '\0';
	out = hw_zone_lookup(j);
	if (out == OUT_OK)
		out = hw_rs_list(j);
	return out;
}

/* Returns the body of a PUT or POST: name, type, records = [addr], and
 * ttl when configured; NULL on OOM. */
static cJSON *
hw_rs_body(const struct hwjob *j)
{
	cJSON	*o = cJSON_CreateObject(), *recs;
	char	 fqdn[HW_NAME_MAX];
	int	 bad = o == NULL;

	snprintf(fqdn, sizeof(fqdn), "%s.", j->ch->name);
	bad |= cJSON_AddStringToObject(o, "name", fqdn) == NULL;
	bad |= cJSON_AddStringToObject(o, "type", j->type) == NULL;
	recs = cJSON_AddArrayToObject(o, "records");	/* owned by o */
	bad |= recs == NULL ||
	    !cJSON_AddItemToArray(recs, cJSON_CreateString(j->ch->addr));
	if (j->hw->ttl >= 0)
		bad |= cJSON_AddNumberToObject(o, "ttl", (double)j->hw->ttl) ==
		    NULL;
	if (bad) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* Checks a write's reply: a record set with an id (kept in j->rec) and,
 * when it says, exactly the wanted address. */
static enum outcome
hw_rs_written(struct hwjob *j, const char *what, const cJSON *doc)
{
	if (hw_setid(j->rec, json_str(doc, "id")) == -1)
		return hw_fail(j, OUT_RETRY, what,
		    "unexpected reply (no record set id)");
	if (hw_array(doc, "records") != NULL && !hw_holds(j, doc))
		return hw_fail(j, OUT_RETRY, what,
		    "unexpected reply (record set holds another address)");
	return OUT_OK;
}

/* PUT /v2.1/zones/{zone}/recordsets/{rec}, or with j->rec empty, POST
 * /v2.1/zones/{zone}/recordsets. */
static enum outcome
hw_rs_write(struct hwjob *j)
{
	struct buf	 p = BUF_INIT(HW_URL_MAX);
	struct hwreq	 r = { "record update", "PUT", "", "", NULL };
	cJSON		*body = hw_rs_body(j), *doc = NULL;
	enum outcome	 out;

	if (j->rec[0] == '\0') {
		r.what = "record create";
		r.method = "POST";
	}
	if (body == NULL || hw_rs_path(j, &p, j->rec[0] ? j->rec : NULL) == -1)
		out = hw_fail(j, OUT_RETRY, r.what, "out of memory");
	else {
		r.path = buf_str(&p);
		r.body = body;
		out = hw_request(j, &r, &doc);
	}
	if (out == OUT_OK)
		out = hw_rs_written(j, r.what, doc);
	cJSON_Delete(doc);
	cJSON_Delete(body);
	buf_free(&p);
	return out;
}

/* Brings the record set looked up to the wanted state: nothing, PUT, or
 * POST. */
static enum outcome
hw_apply(struct hwjob *j)
{
	if (!j->found) {
		j->rec[0] = '\0';
		log_debug("[%s] %s %s: no record set; creating it",
		    j->hw->label, j->ch->name, j->type);
		return hw_rs_write(j);
	}
	if (j->holds && (j->hw->ttl < 0 || j->ttl == j->hw->ttl)) {
		log_debug("[%s] %s %s: record set %s already holds %s",
		    j->hw->label, j->ch->name, j->type, j->rec, j->ch->addr);
		return OUT_OK;
	}
	return hw_rs_write(j);
}

/* Finds the zone unless known, looks the record set up, and writes it
 * unless it holds what is wanted. */
static enum outcome
hw_lookup(struct hwjob *j)
{
	enum outcome out = OUT_OK;

	if (j->zone[0] == '\0')
		out = hw_zone_find(j);
	if (out == OUT_OK)
		out = hw_rs_find(j);
	if (out == OUT_OK)
		out = hw_apply(j);
	return out;
}

/* Returns the zone id to PUT a remembered record set in: config zone_id
 * (unless the state's differs: the record moved), else the state's. */
static const char *
hw_direct_zone(const struct hwjob *j)
{
	const char *cfg = acct_get(j->hw->ctx->acct, "zone_id");
	const char *st = kv_get(j->ch->ids, "zone_id");

	if (cfg != NULL && st != NULL && strcmp(cfg, st) != 0)
		return NULL;
	return cfg ? cfg : st;
}

/* PUTs the record-set id kept in the state, in one request. Returns
 * OUT_PENDING when there is none, when the state asks for a verification,
 * or when the API no longer knows it (j->zone kept for the lookup that
 * follows); else the outcome. */
static enum outcome
hw_direct(struct hwjob *j)
{
	enum outcome out;

	if (j->ch->ids == NULL || j->ch->verify ||
	    hw_setid(j->rec, kv_get(j->ch->ids, "record_id")) == -1 ||
	    hw_setid(j->zone, hw_direct_zone(j)) == -1) {
		j->rec[0] = j->zone[0] = '\0';
		return OUT_PENDING;
	}
	j->zsrc = acct_get(j->hw->ctx->acct, "zone_id") ? ZS_CONFIG :
	    ZS_STATE;
	out = hw_rs_write(j);
	if (out == OUT_OK || (out != OUT_NOTFOUND && !hw_zone_gone(j->code)))
		return out;
	if (hw_zone_gone(j->code) && j->zsrc != ZS_STATE)
		return out;	/* zone_id configured: a lookup cannot help */
	if (hw_zone_gone(j->code)) {
		log_debug("[%s] %s %s: zone id %s refused (%s); looking the "
		    "zone up again", j->hw->label, j->ch->name, j->type,
		    j->zone, j->code);
		j->rec[0] = j->zone[0] = '\0';
		out = hw_zone_lookup(j);
		return out == OUT_OK ? OUT_PENDING : out;
	}
	log_debug("[%s] %s %s: record set %s not found (HTTP %ld); looking "
	    "it up", j->hw->label, j->ch->name, j->type, j->rec, j->status);
	j->rec[0] = '\0';
	return OUT_PENDING;
}

/* Stores the zone and record-set ids in the change for the state. */
static void
hw_save_ids(const struct hwjob *j)
{
	struct kv *ids = j->ch->ids;

	if (ids == NULL)
		return;
	if (kv_set(ids, "zone_id", j->zone) == -1 ||
	    kv_set(ids, "record_id", j->rec) == -1)
		log_warn("[%s] %s %s: cannot keep the record set id: out of "
		    "memory", j->hw->label, j->ch->name, j->type);
}

/* Brings one change to its address; returns its outcome. */
static enum outcome
hw_change(void *arg, struct change *ch)
{
	struct hw	*hw = arg;
	struct hwjob	 j;
	enum outcome	 out;

	memset(&j, 0, sizeof(j));
	j.hw = hw;
	j.ch = ch;
	j.type = ch->fam == 6 ? "AAAA" : "A";
	j.ttl = -1;
	if (ch->fam != 4 && ch->fam != 6)
		out = hw_fail(&j, OUT_BADREQ, "update", "address family %d",
		    ch->fam);
	else if (hw->zone[0] && !hw_in_zone(ch->name, hw->zone))
		out = hw_fail(&j, OUT_BADREQ, "update", "%s is not in zone %s",
		    ch->name, hw->zone);
	else
		out = hw_direct(&j);
	if (out == OUT_PENDING)
		out = hw_lookup(&j);
	if (out == OUT_OK)
		hw_save_ids(&j);
	else
		log_err("[%s] %s %s: %s", hw->label, ch->name, j.type, j.err);
	return out;
}

/*
 * Set-up
 */

/* Returns 1 when s has a byte that cannot go into a header as it is, or a
 * comma (which would split the Authorization value). */
static int
hw_bad_token(const char *s)
{
	return provider_bad_token(s) || strchr(s, ',') != NULL;
}

/* Returns 1 unless s looks like an id (letters, digits, '-', '_'). */
static int
hw_bad_id(const char *s)
{
	size_t n = strspn(s, "0123456789abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ-_");

	return n == 0 || n >= HW_ID_MAX || s[n] != '\0';
}

/* Checks the keys, and that every record lies in zone when it is given;
 * 0, or -1 (reported). */
static int
hw_check(const struct account *a)
{
	const char	*ak = acct_get(a, "access_key");
	const char	*sk = acct_get(a, "secret_key");
	const char	*zid = acct_get(a, "zone_id"), *z = acct_get(a, "zone");
	char		 zone[HW_NAME_MAX];
	size_t		 i;
	int		 rc = 0;

	if (ak != NULL && hw_bad_token(ak)) {
		acct_error(a, "access_key", "contains spaces, commas or "
		    "control characters");
		rc = -1;
	}
	if (sk != NULL && provider_has_ctl(sk)) {
		acct_error(a, "secret_key", "contains control characters");
		rc = -1;
	}
	if (zid != NULL && hw_bad_id(zid)) {
		acct_error(a, "zone_id", "is not a Huawei Cloud zone id");
		rc = -1;
	}
	if (z != NULL && provider_norm_zone(z, zone, HW_NAME_MAX) == -1) {
		acct_error(a, "zone", "\"%s\" is not a DNS name", z);
		return -1;
	}
	for (i = 0; z != NULL && i < a->nrecords; i++)
		if (!hw_in_zone(a->records[i], zone)) {
			acct_error(a, "records", "%s is not in zone %s",
			    a->records[i], zone);
			rc = -1;
		}
	return rc;
}

/* Splits the endpoint into origin, path prefix and Host value (the
 * authority without userinfo or a default port); 0, or -1. */
static int
hw_endpoint(struct hw *hw, const char *base)
{
	const char	*s = strstr(base, "://"), *auth, *end, *at;
	size_t		 n;
	int		 https = strncasecmp(base, "https://", 8) == 0;

	if (s == NULL || strpbrk(base, "?#") != NULL)
		return -1;
	auth = s + 3;
	end = auth + strcspn(auth, "/");
	at = memchr(auth, '@', (size_t)(end - auth));
	if (at != NULL)
		auth = at + 1;
	n = (size_t)(end - auth);
	if (n > 4 && https && strncmp(end - 4, ":443", 4) == 0)
		n -= 4;
	else if (n > 3 && !https && strncmp(end - 3, ":80", 3) == 0)
		n -= 3;
	if (n == 0 || n >= sizeof(hw->host))
		return -1;
	memcpy(hw->host, auth, n);
	hw->host[n] = '\0';
	n = strlen(end);
	while (n > 0 && end[n - 1] == '/')
		n--;
	if (buf_add(&hw->origin, base, (size_t)(end - base)) == -1 ||
	    buf_add(&hw->prefix, end, n) == -1)
		return -1;
	return 0;
}

/* Writes the X-Sdk-Date of epoch seconds t into out (20 bytes); 0 or -1. */
static int
hw_sdk_date(long long t, char *out)
{
	time_t		 tt = (time_t)t;
	struct tm	*tm = gmtime(&tt);

	if (tm == NULL || strftime(out, 20, "%Y%m%dT%H%M%SZ", tm) != 16)
		return -1;
	return 0;
}

/* Prepares an account's settings; OUT_OK, or the outcome for every change
 * with hw->err set. */
static enum outcome
hw_init(struct hw *hw, const struct pctx *ctx)
{
	const char *z = acct_get(ctx->acct, "zone");

	memset(hw, 0, sizeof(*hw));
	hw->ctx = ctx;
	hw->label = ctx->acct->label;
	hw->ak = acct_get(ctx->acct, "access_key");
	hw->sk = acct_get(ctx->acct, "secret_key");
	hw->ttl = ctx->acct->ttl;
	buf_init(&hw->origin, HW_URL_MAX);
	buf_init(&hw->prefix, HW_URL_MAX);
	if (hw->ak == NULL || *hw->ak == '\0' || hw_bad_token(hw->ak) ||
	    hw->sk == NULL || *hw->sk == '\0') {
		snprintf(hw->err, sizeof(hw->err), "huaweicloud: no usable "
		    "access_key / secret_key");
		return OUT_AUTH;
	}
	if (hw_endpoint(hw, provider_base(ctx)) == -1 ||
	    (z != NULL && provider_norm_zone(z, hw->zone, HW_NAME_MAX) == -1) ||
	    hw_sdk_date(ctx->now, hw->date) == -1) {
		snprintf(hw->err, sizeof(hw->err), "huaweicloud: bad endpoint, "
		    "zone or clock");
		return OUT_BADREQ;
	}
	return OUT_OK;
}

/* Brings every change to its address, one after the other over the same
 * connection; once told to slow down, the rest wait for the next run. */
static void
hw_update(const struct pctx *ctx, struct change *ch, size_t n)
{
	struct hw	 hw;
	enum outcome	 out = hw_init(&hw, ctx);

	if (out == OUT_OK)
		provider_each(ctx, ch, n, hw_change, &hw);
	else
		provider_refuse(ctx, ch, n, out, hw.err);
	buf_free(&hw.origin);
	buf_free(&hw.prefix);
}

static const struct provider_key hw_keys[] = {
	{ "access_key",	PKEY_REQUIRED },
	{ "secret_key",	PKEY_REQUIRED | PKEY_SECRET },
	{ "zone",	0 },
	{ "zone_id",	0 },
	{ NULL,		0 }
};

const struct provider provider_huaweicloud = {
	.name = "huaweicloud",
	.api_base = "https://dns.myhuaweicloud.com",
	.keys = hw_keys,
	.check = hw_check,
	.update = hw_update,
};
