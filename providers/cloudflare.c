/*
 * cloudflare.c - Cloudflare DNS through the API v4 and an API token.
 *
 * API: developers.cloudflare.com/api/resources/dns/subresources/records/
 * Every reply is an envelope {"success", "errors": [{"code", "message"}],
 * "messages", "result"}; only success:true with a result of the expected
 * shape counts as done, whatever the HTTP status says.
 *
 * For each change: find the zone id (config zone_id, the state's cache, or
 * GET /zones?name= for the configured zone or for the record's name and
 * its parents), then either PATCH the record id kept in the state, or list
 * the record by type and name and PATCH or POST it as needed. Each request
 * is one small function returning an outcome; cf_change() is the ladder.
 * Everything before cf_apply() only reads, so a batch variant (POST
 * /zones/{id}/dns_records/batch) can collect the writes there later.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "buf.h"
#include "config.h"
#include "http.h"
#include "json.h"
#include "kv.h"
#include "log.h"
#include "provider.h"

#define CF_ID_MAX	64		/* ids are 32 hex digits */
#define CF_ERR_MAX	512		/* one failure message */
#define CF_SRV_MAX	160		/* server text quoted in a message */
#define CF_URL_MAX	4096		/* one request URL */
#define CF_REPLY_MAX	((size_t)1 << 20)	/* one reply body */
#define CF_KEY_MAX	300		/* "zone_id." + a zone name */

#define PX_KEEP		(-1)		/* proxied = keep (the default) */
#define PX_BAD		(-2)		/* proxied = something else */

enum zone_src {
	ZS_NONE,	/* not known yet */
	ZS_CONFIG,	/* zone_id = in the config */
	ZS_STATE,	/* remembered in the state: may have gone stale */
	ZS_LOOKUP	/* asked the API during this run */
};

/* One account's settings for this run. */
struct cf {
	const struct pctx	*ctx;
	const char		*base;		/* API base URL */
	size_t			 baselen;	/* its length without final '/' */
	struct buf		 auth;		/* "Authorization: Bearer ..." */
	int			 proxied;	/* PX_KEEP, 0 or 1 */
	long			 ttl;		/* seconds, -1 when not set */
	char			 err[CF_ERR_MAX];	/* why set-up failed */
};

/* One change on its way down the ladder. */
struct cfjob {
	struct cf	*cf;
	struct change	*ch;
	const char	*type;		/* "A" or "AAAA" */
	char		 zone[CF_ID_MAX];	/* zone id, "" when unknown */
	enum zone_src	 zsrc;
	char		 rec[CF_ID_MAX];	/* record id, "" when unknown */
	int		 found;		/* the lookup found the record */
	char		 content[ADDR_STRLEN];	/* its address, "" if none */
	long		 ttl;		/* its TTL, -1 unknown */
	int		 proxied;	/* its proxied flag, -1 unknown */
	long		 status;	/* HTTP status of the last reply */
	char		 err[CF_ERR_MAX];	/* why the last step failed */
};

static enum outcome	cf_fail(struct cfjob *, enum outcome, const char *,
			    const char *, ...) PRINTF_LIKE(4, 5);

/* Records why step what failed in j->err; returns out. */
static enum outcome
cf_fail(struct cfjob *j, enum outcome out, const char *what,
    const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	n = snprintf(j->err, sizeof(j->err), "cloudflare: %s failed: ", what);
	if (n < 0 || (size_t)n >= sizeof(j->err))
		return out;
	va_start(ap, fmt);
	vsnprintf(j->err + n, sizeof(j->err) - (size_t)n, fmt, ap);
	va_end(ap);
	return out;
}

/* Copies an id into dst (CF_ID_MAX); 0, or -1 when empty or too long. */
static int
cf_setid(char *dst, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (n == 0 || n >= CF_ID_MAX)
		return -1;
	memcpy(dst, src, n + 1);
	return 0;
}

/* Returns 1 when a zone id that failed with this status may be stale. */
static int
cf_stale(long status)
{
	return status == 400 || status == 403 || status == 404;
}

/* Returns doc[key] when it is an object, else NULL. */
static const cJSON *
cf_obj(const cJSON *doc, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(doc, key);

	return cJSON_IsObject(it) ? it : NULL;
}

/*
 * Requests
 */

/* Describes a failed reply from its envelope's first error, if any. */
static enum outcome
cf_reply_error(struct cfjob *j, enum outcome out, const char *what,
    const cJSON *doc)
{
	const cJSON	*errs = cJSON_IsObject(doc) ?
			    cJSON_GetObjectItemCaseSensitive(doc, "errors") : NULL;
	const cJSON	*e = cJSON_IsArray(errs) ? cJSON_GetArrayItem(errs, 0)
			    : NULL;
	const char	*msg = cJSON_IsObject(e) ? json_str(e, "message") : NULL;
	const char	*why = out == OUT_AUTH ? "token rejected or lacks "
			    "Zone.DNS edit permission" : "unexpected reply";
	char		 clean[CF_SRV_MAX];
	double		 code;

	if (msg == NULL && (out == OUT_AUTH || j->status / 100 == 2))
		return cf_fail(j, out, what, "%s (HTTP %ld)", why, j->status);
	if (msg == NULL)
		return cf_fail(j, out, what, "HTTP %ld", j->status);
	log_clean(clean, sizeof(clean), msg, strlen(msg));
	if (json_num(e, "code", &code) == -1 || code < 0 || code > 1e9)
		code = 0;
	if (out == OUT_AUTH)
		return cf_fail(j, out, what, "%s: %s (code %ld, HTTP %ld)",
		    why, clean, (long)code, j->status);
	return cf_fail(j, out, what, "%s (code %ld, HTTP %ld)", clean,
	    (long)code, j->status);
}

/* Judges a reply: OUT_OK, with *doc set, only for a 2xx JSON envelope
 * saying success; anything else is an outcome with j->err set. */
static enum outcome
cf_judge(struct cfjob *j, const char *what, const struct http_resp *resp,
    cJSON **doc)
{
	enum outcome	 out = outcome_from_status(resp->status);
	cJSON		*root = json_parse(&resp->body);

	j->status = resp->status;
	if (out == OUT_OK && cJSON_IsObject(root) &&
	    json_bool(root, "success") == 1) {
		*doc = root;
		return OUT_OK;
	}
	if (out == OUT_OK)	/* 2xx that is not a success: never trust it */
		out = OUT_RETRY;
	if ((out == OUT_RATELIMIT || out == OUT_RETRY) && resp->retry_after > 0)
		j->ch->retry_after = resp->retry_after;
	out = cf_reply_error(j, out, what, root);
	cJSON_Delete(root);
	return out;
}

/* Sends one request (body may be NULL) and judges the reply; on OUT_OK
 * *doc is the parsed envelope, which the caller frees. */
static enum outcome
cf_request(struct cfjob *j, const char *what, const char *method,
    const struct buf *url, const cJSON *body, cJSON **doc)
{
	const char		*hdrs[3];
	struct http_req		 req;
	struct http_resp	 resp;
	char			*txt = NULL, clean[CF_SRV_MAX];
	enum outcome		 out;

	*doc = NULL;
	if (body != NULL) {
		txt = json_print(body);
		if (txt == NULL)
			return cf_fail(j, OUT_RETRY, what, "out of memory");
	}
	hdrs[0] = buf_str(&j->cf->auth);
	hdrs[1] = txt ? "Content-Type: application/json" : NULL;
	hdrs[2] = NULL;
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.url = buf_str(url);
	req.headers = hdrs;
	req.body = txt;
	req.body_len = txt ? strlen(txt) : 0;
	req.max_body = CF_REPLY_MAX;
	memset(&resp, 0, sizeof(resp));
	buf_init(&resp.body, CF_REPLY_MAX);
	if (http_do(j->cf->ctx->http, &req, &resp) == -1) {
		j->status = 0;
		resp.error[sizeof(resp.error) - 1] = '\0';
		log_clean(clean, sizeof(clean), resp.error, strlen(resp.error));
		out = cf_fail(j, OUT_RETRY, what, "%s", clean);
	} else
		out = cf_judge(j, what, &resp, doc);
	free(txt);
	http_resp_free(&resp);
	return out;
}

/* Starts u with "<base>/zones", then "/<zone id>" unless zone is NULL. */
static int
cf_url(const struct cfjob *j, struct buf *u, const char *zone)
{
	if (buf_add(u, j->cf->base, j->cf->baselen) == -1 ||
	    buf_adds(u, "/zones") == -1)
		return -1;
	if (zone != NULL &&
	    (buf_adds(u, "/") == -1 || buf_add_urlenc(u, zone) == -1))
		return -1;
	return 0;
}

/*
 * Zones
 */

/* Takes the zone called name from a zone list into j->zone: OUT_OK, or
 * OUT_NOTFOUND when the list has none, or OUT_RETRY for a wrong shape. */
static enum outcome
cf_zone_pick(struct cfjob *j, const cJSON *doc, const char *name)
{
	const cJSON	*res = cJSON_GetObjectItemCaseSensitive(doc, "result");
	const cJSON	*z;
	const char	*zn;

	if (!cJSON_IsArray(res))
		return cf_fail(j, OUT_RETRY, "zone lookup",
		    "unexpected reply (no result list)");
	cJSON_ArrayForEach(z, res) {
		if (!cJSON_IsObject(z))
			continue;
		zn = json_str(z, "name");
		if (zn != NULL && strcmp(zn, name) != 0)
			continue;
		if (cf_setid(j->zone, json_str(z, "id")) == -1)
			return cf_fail(j, OUT_RETRY, "zone lookup",
			    "unexpected reply (bad zone id)");
		return OUT_OK;
	}
	return cf_fail(j, OUT_NOTFOUND, "zone lookup", "no zone %s", name);
}

/* GET /zones?name=NAME: OUT_OK with j->zone set, OUT_NOTFOUND when there
 * is no such zone, else the failure. */
static enum outcome
cf_zone_get(struct cfjob *j, const char *name)
{
	struct buf	 u = BUF_INIT(CF_URL_MAX);
	cJSON		*doc = NULL;
	enum outcome	 out;

	if (cf_url(j, &u, NULL) == -1 || buf_adds(&u, "?name=") == -1 ||
	    buf_add_urlenc(&u, name) == -1)
		out = cf_fail(j, OUT_RETRY, "zone lookup", "out of memory");
	else
		out = cf_request(j, "zone lookup", "GET", &u, NULL, &doc);
	if (out == OUT_OK)
		out = cf_zone_pick(j, doc, name);
	cJSON_Delete(doc);
	buf_free(&u);
	return out;
}

/* Writes the account-cache key of zone name into key (CF_KEY_MAX). */
static int
cf_zone_key(char *key, const char *name)
{
	int n = snprintf(key, CF_KEY_MAX, "zone_id.%s", name);

	return n < 0 || n >= CF_KEY_MAX ? -1 : 0;
}

/* Keeps the zone id just looked up for zone name in the account cache. */
static void
cf_zone_remember(struct cfjob *j, const char *name)
{
	struct kv	*cache = j->cf->ctx->cache;
	char		 key[CF_KEY_MAX];

	j->zsrc = ZS_LOOKUP;
	log_debug("[%s] %s %s: zone %s has id %s", j->cf->ctx->acct->label,
	    j->ch->name, j->type, name, j->zone);
	if (cache != NULL && cf_zone_key(key, name) == 0 &&
	    kv_set(cache, key, j->zone) == -1)
		log_warn("[%s] cannot cache the zone id: out of memory",
		    j->cf->ctx->acct->label);
}

/* Returns the parent of name when it still has two labels, else NULL. */
static const char *
cf_parent(const char *name)
{
	const char *dot = strchr(name, '.');

	if (dot == NULL || strchr(dot + 1, '.') == NULL)
		return NULL;
	return dot + 1;
}

/* Asks for the record's name, then each parent down to two labels. */
static enum outcome
cf_zone_walk(struct cfjob *j)
{
	const char	*p;
	enum outcome	 out;

	for (p = j->ch->name; p != NULL; p = cf_parent(p)) {
		out = cf_zone_get(j, p);
		if (out == OUT_OK)
			cf_zone_remember(j, p);
		if (out != OUT_NOTFOUND)
			return out;
	}
	return cf_fail(j, OUT_NOTFOUND, "zone lookup", "no zone holds %s "
	    "(or the token cannot read it)", j->ch->name);
}

/* Looks the zone up through the API: the configured zone name, else the
 * record's name and its parents. OUT_OK with j->zone set, or the failure. */
static enum outcome
cf_zone_lookup(struct cfjob *j)
{
	const char	*name = acct_get(j->cf->ctx->acct, "zone");
	enum outcome	 out;

	if (name == NULL)
		return cf_zone_walk(j);
	out = cf_zone_get(j, name);
	if (out == OUT_OK)
		cf_zone_remember(j, name);
	return out;
}

/* Returns 1 with j->zone set when the account cache knows zone name. */
static int
cf_zone_cached1(struct cfjob *j, const char *name)
{
	const struct kv	*cache = j->cf->ctx->cache;
	char		 key[CF_KEY_MAX];

	if (cache == NULL || cf_zone_key(key, name) == -1 ||
	    cf_setid(j->zone, kv_get(cache, key)) == -1)
		return 0;
	j->zsrc = ZS_STATE;
	return 1;
}

/* Returns 1 with j->zone set when the account cache knows the zone: the
 * configured zone's, else that of the record's name or a parent. */
static int
cf_zone_cached(struct cfjob *j)
{
	const char *name = acct_get(j->cf->ctx->acct, "zone"), *p;

	if (name != NULL)
		return cf_zone_cached1(j, name);
	for (p = j->ch->name; p != NULL; p = cf_parent(p))
		if (cf_zone_cached1(j, p))
			return 1;
	return 0;
}

/* Finds the zone id: config zone_id, else the cache, else the API. */
static enum outcome
cf_zone_find(struct cfjob *j)
{
	const char *id = acct_get(j->cf->ctx->acct, "zone_id");

	if (id != NULL) {
		if (cf_setid(j->zone, id) == -1)
			return cf_fail(j, OUT_BADREQ, "zone lookup",
			    "zone_id is empty or too long");
		j->zsrc = ZS_CONFIG;
		return OUT_OK;
	}
	if (cf_zone_cached(j))
		return OUT_OK;
	return cf_zone_lookup(j);
}

/*
 * Records
 */

/* Takes the first record of a record list into j: OUT_OK (j->found says
 * whether there was one), or OUT_RETRY for a wrong shape. */
static enum outcome
cf_rec_pick(struct cfjob *j, const cJSON *doc)
{
	const cJSON	*res = cJSON_GetObjectItemCaseSensitive(doc, "result");
	const cJSON	*r = cJSON_GetArrayItem(res, 0);
	const char	*content;
	double		 ttl;

	if (!cJSON_IsArray(res))
		return cf_fail(j, OUT_RETRY, "record lookup",
		    "unexpected reply (no result list)");
	j->found = 0;
	if (r == NULL)
		return OUT_OK;
	if (!cJSON_IsObject(r) || cf_setid(j->rec, json_str(r, "id")) == -1)
		return cf_fail(j, OUT_RETRY, "record lookup",
		    "unexpected reply (bad record)");
	if (cJSON_GetArraySize(res) > 1)
		log_warn("[%s] %s %s: several records; updating the first",
		    j->cf->ctx->acct->label, j->ch->name, j->type);
	j->found = 1;
	content = json_str(r, "content");
	if (content == NULL ||
	    addr_canon(j->ch->fam, content, j->content) == -1)
		j->content[0] = '\0';
	j->ttl = json_num(r, "ttl", &ttl) == 0 && ttl >= 0 && ttl < 1e9 ?
	    (long)ttl : -1;
	j->proxied = json_bool(r, "proxied");
	return OUT_OK;
}

/* GET the record by type and name: OUT_OK with j->found and, when found,
 * its id, content, ttl and proxied flag; else the failure. */
static enum outcome
cf_rec_list(struct cfjob *j)
{
	struct buf	 u = BUF_INIT(CF_URL_MAX);
	cJSON		*doc = NULL;
	enum outcome	 out;

	if (cf_url(j, &u, j->zone) == -1 ||
	    buf_adds(&u, "/dns_records?type=") == -1 ||
	    buf_add_urlenc(&u, j->type) == -1 ||
	    buf_adds(&u, "&name=") == -1 ||
	    buf_add_urlenc(&u, j->ch->name) == -1)
		out = cf_fail(j, OUT_RETRY, "record lookup", "out of memory");
	else
		out = cf_request(j, "record lookup", "GET", &u, NULL, &doc);
	if (out == OUT_OK)
		out = cf_rec_pick(j, doc);
	cJSON_Delete(doc);
	buf_free(&u);
	return out;
}

/* Lists the record; a zone id from the state that the API refuses is
 * looked up again, once. */
static enum outcome
cf_rec_find(struct cfjob *j)
{
	enum outcome out = cf_rec_list(j);

	if (out == OUT_OK || j->zsrc != ZS_STATE || !cf_stale(j->status))
		return out;
	log_debug("[%s] %s %s: zone id %s refused (HTTP %ld); looking the "
	    "zone up again", j->cf->ctx->acct->label, j->ch->name, j->type,
	    j->zone, j->status);
	out = cf_zone_lookup(j);
	if (out == OUT_OK)
		out = cf_rec_list(j);
	return out;
}

/* Returns 1 when the configured TTL is to be compared and sent in a
 * PATCH: set, and the record not proxied (proxied ones are always auto). */
static int
cf_want_ttl(const struct cfjob *j)
{
	int px = j->cf->proxied != PX_KEEP ? j->cf->proxied : j->proxied;

	return j->cf->ttl >= 0 && px != 1;
}

/* Returns 1 when the record found already holds what is wanted. */
static int
cf_rec_current(const struct cfjob *j)
{
	if (strcmp(j->content, j->ch->addr) != 0)
		return 0;
	if (j->cf->proxied != PX_KEEP && j->proxied != j->cf->proxied)
		return 0;
	if (cf_want_ttl(j) && j->ttl != j->cf->ttl)
		return 0;
	return 1;
}

/* Returns the PATCH body: everything configured when full (the record is
 * unknown), else only what differs from the record found; NULL on OOM. */
static cJSON *
cf_body_patch(const struct cfjob *j, int full)
{
	const struct cf	*cf = j->cf;
	cJSON		*o = cJSON_CreateObject();
	int		 bad = o == NULL;

	if (full || strcmp(j->content, j->ch->addr) != 0)
		bad |= cJSON_AddStringToObject(o, "content", j->ch->addr) ==
		    NULL;
	if (cf->ttl >= 0 && (full || (cf_want_ttl(j) && j->ttl != cf->ttl)))
		bad |= cJSON_AddNumberToObject(o, "ttl", (double)cf->ttl) ==
		    NULL;
	if (cf->proxied != PX_KEEP && (full || j->proxied != cf->proxied))
		bad |= cJSON_AddBoolToObject(o, "proxied", cf->proxied) ==
		    NULL;
	if (bad) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* Returns the POST body of a new record; NULL on OOM. */
static cJSON *
cf_body_create(const struct cfjob *j)
{
	const struct cf	*cf = j->cf;
	cJSON		*o = cJSON_CreateObject();
	int		 bad = o == NULL;

	bad |= cJSON_AddStringToObject(o, "type", j->type) == NULL;
	bad |= cJSON_AddStringToObject(o, "name", j->ch->name) == NULL;
	bad |= cJSON_AddStringToObject(o, "content", j->ch->addr) == NULL;
	bad |= cJSON_AddNumberToObject(o, "ttl",
	    cf->ttl >= 0 ? (double)cf->ttl : 1) == NULL;
	bad |= cJSON_AddBoolToObject(o, "proxied", cf->proxied == 1) == NULL;
	if (bad) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* Checks a write's reply: a record object with an id (kept in j->rec)
 * and, when it says, the wanted address. */
static enum outcome
cf_rec_written(struct cfjob *j, const char *what, const cJSON *doc)
{
	const cJSON	*r = cf_obj(doc, "result");
	const char	*content;
	char		 canon[ADDR_STRLEN];

	if (r == NULL || cf_setid(j->rec, json_str(r, "id")) == -1)
		return cf_fail(j, OUT_RETRY, what,
		    "unexpected reply (no record)");
	content = json_str(r, "content");
	if (content != NULL && (addr_canon(j->ch->fam, content, canon) == -1 ||
	    strcmp(canon, j->ch->addr) != 0))
		return cf_fail(j, OUT_RETRY, what,
		    "unexpected reply (record holds another address)");
	return OUT_OK;
}

/* PATCH /zones/{zone}/dns_records/{rec} (full: send every configured
 * field) or, with j->rec empty, POST /zones/{zone}/dns_records. */
static enum outcome
cf_rec_write(struct cfjob *j, int full)
{
	const char	*what = j->rec[0] ? "record update" : "record create";
	struct buf	 u = BUF_INIT(CF_URL_MAX);
	cJSON		*body, *doc = NULL;
	enum outcome	 out;

	body = j->rec[0] ? cf_body_patch(j, full) : cf_body_create(j);
	if (body == NULL || cf_url(j, &u, j->zone) == -1 ||
	    buf_adds(&u, "/dns_records") == -1 || (j->rec[0] &&
	    (buf_adds(&u, "/") == -1 || buf_add_urlenc(&u, j->rec) == -1)))
		out = cf_fail(j, OUT_RETRY, what, "out of memory");
	else
		out = cf_request(j, what, j->rec[0] ? "PATCH" : "POST", &u,
		    body, &doc);
	if (out == OUT_OK)
		out = cf_rec_written(j, what, doc);
	cJSON_Delete(doc);
	cJSON_Delete(body);
	buf_free(&u);
	return out;
}

/* Brings the record looked up to the wanted state: nothing, PATCH, POST. */
static enum outcome
cf_apply(struct cfjob *j)
{
	const char *label = j->cf->ctx->acct->label;

	if (!j->found) {
		j->rec[0] = '\0';
		log_debug("[%s] %s %s: no record; creating it", label,
		    j->ch->name, j->type);
		return cf_rec_write(j, 0);
	}
	if (cf_rec_current(j)) {
		log_debug("[%s] %s %s: record %s already holds %s", label,
		    j->ch->name, j->type, j->rec, j->ch->addr);
		return OUT_OK;
	}
	return cf_rec_write(j, 0);
}

/* Finds the zone unless known, looks the record up, and writes it if it
 * does not hold what is wanted. */
static enum outcome
cf_lookup(struct cfjob *j)
{
	enum outcome out = OUT_OK;

	if (j->zone[0] == '\0')
		out = cf_zone_find(j);
	if (out == OUT_OK)
		out = cf_rec_find(j);
	if (out == OUT_OK)
		out = cf_apply(j);
	return out;
}

/* Returns the zone id to PATCH a remembered record in: config zone_id
 * (unless the state's differs: the record moved), else the state's. */
static const char *
cf_direct_zone(const struct cfjob *j)
{
	const char *cfg = acct_get(j->cf->ctx->acct, "zone_id");
	const char *st = j->ch->ids ? kv_get(j->ch->ids, "zone_id") : NULL;

	if (cfg != NULL && st != NULL && strcmp(cfg, st) != 0)
		return NULL;
	return cfg ? cfg : st;
}

/* PATCHes the record id kept in the state, in one request. Returns
 * OUT_PENDING when there is none, or when the API no longer knows it
 * (j->zone kept for the lookup that follows); else the outcome. */
static enum outcome
cf_direct(struct cfjob *j)
{
	const char	*rid = j->ch->ids ? kv_get(j->ch->ids, "record_id") :
			    NULL;
	const char	*zid = cf_direct_zone(j);
	enum outcome	 out;

	if (cf_setid(j->rec, rid) == -1 || cf_setid(j->zone, zid) == -1) {
		j->rec[0] = j->zone[0] = '\0';
		return OUT_PENDING;
	}
	j->zsrc = acct_get(j->cf->ctx->acct, "zone_id") ? ZS_CONFIG : ZS_STATE;
	out = cf_rec_write(j, 1);
	if (out == OUT_OK || !cf_stale(j->status))
		return out;
	log_debug("[%s] %s %s: record id %s refused (HTTP %ld); looking the "
	    "record up", j->cf->ctx->acct->label, j->ch->name, j->type,
	    j->rec, j->status);
	j->rec[0] = '\0';
	return OUT_PENDING;
}

/* Stores the zone and record ids in the change for the state. */
static void
cf_save_ids(const struct cfjob *j)
{
	struct kv *ids = j->ch->ids;

	if (ids == NULL)
		return;
	if (kv_set(ids, "zone_id", j->zone) == -1 ||
	    kv_set(ids, "record_id", j->rec) == -1)
		log_warn("[%s] %s %s: cannot keep the record id: out of "
		    "memory", j->cf->ctx->acct->label, j->ch->name, j->type);
}

/* Brings one change to its address and sets its outcome. */
static void
cf_change(struct cf *cf, struct change *ch)
{
	struct cfjob	 j;
	enum outcome	 out;

	memset(&j, 0, sizeof(j));
	j.cf = cf;
	j.ch = ch;
	j.type = ch->fam == 6 ? "AAAA" : "A";
	j.ttl = -1;
	j.proxied = -1;
	if (ch->fam != 4 && ch->fam != 6)
		out = cf_fail(&j, OUT_BADREQ, "update", "address family %d",
		    ch->fam);
	else if (ch->verify)
		out = OUT_PENDING;	/* verify: look it up, never write blind */
	else
		out = cf_direct(&j);
	if (out == OUT_PENDING)
		out = cf_lookup(&j);
	if (out == OUT_OK)
		cf_save_ids(&j);
	else
		log_err("[%s] %s %s: %s", cf->ctx->acct->label, ch->name,
		    j.type, j.err);
	ch->out = out;
}

/*
 * The provider
 */

/* Returns proxied = as PX_KEEP, 0 or 1; PX_BAD for another value. */
static int
cf_parse_proxied(const char *s)
{
	if (s == NULL || strcmp(s, "keep") == 0)
		return PX_KEEP;
	if (strcmp(s, "yes") == 0)
		return 1;
	if (strcmp(s, "no") == 0)
		return 0;
	return PX_BAD;
}

/* Returns 1 when s has a byte that cannot go into a header as it is. */
static int
cf_bad_token(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s == 0x7f)
			return 1;
	return 0;
}

/* Returns 1 unless s looks like a zone id (letters, digits, '-', '_'). */
static int
cf_bad_id(const char *s)
{
	size_t n = strspn(s, "0123456789abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ-_");

	return n == 0 || n >= CF_ID_MAX || s[n] != '\0';
}

/* Checks proxied, token and zone_id at load time; 0, or -1 (reported). */
static int
cf_check(const struct account *a)
{
	const char	*px = acct_get(a, "proxied");
	const char	*tok = acct_get(a, "token");
	const char	*zid = acct_get(a, "zone_id");
	int		 rc = 0;

	if (cf_parse_proxied(px) == PX_BAD) {
		acct_error(a, "proxied", "must be keep, yes or no, not \"%s\"",
		    px);
		rc = -1;
	}
	if (tok != NULL && cf_bad_token(tok)) {
		acct_error(a, "token", "contains spaces or control characters");
		rc = -1;
	}
	if (zid != NULL && cf_bad_id(zid)) {
		acct_error(a, "zone_id", "is not a Cloudflare zone id "
		    "(32 hex digits)");
		rc = -1;
	}
	return rc;
}

/* Prepares an account's settings; OUT_OK, or the outcome for every
 * change with cf->err set. */
static enum outcome
cf_init(struct cf *cf, const struct pctx *ctx)
{
	const char *tok = acct_get(ctx->acct, "token");

	memset(cf, 0, sizeof(*cf));
	cf->ctx = ctx;
	buf_init(&cf->auth, 4096);
	cf->base = provider_base(ctx);
	cf->baselen = strlen(cf->base);
	while (cf->baselen > 0 && cf->base[cf->baselen - 1] == '/')
		cf->baselen--;
	cf->ttl = ctx->acct->ttl;
	cf->proxied = cf_parse_proxied(acct_get(ctx->acct, "proxied"));
	if (tok == NULL || *tok == '\0' || cf_bad_token(tok) ||
	    buf_printf(&cf->auth, "Authorization: Bearer %s", tok) == -1) {
		snprintf(cf->err, sizeof(cf->err), "cloudflare: no usable token");
		return OUT_AUTH;
	}
	if (cf->proxied == PX_BAD) {
		snprintf(cf->err, sizeof(cf->err), "cloudflare: bad proxied");
		return OUT_BADREQ;
	}
	return OUT_OK;
}

/* Brings every change to its address, one after the other over the same
 * connection; once told to slow down, the rest wait for the next run. */
static void
cf_update(const struct pctx *ctx, struct change *ch, size_t n)
{
	struct cf	 cf;
	enum outcome	 out = cf_init(&cf, ctx);
	size_t		 i;

	if (out != OUT_OK)
		log_err("[%s] %s", ctx->acct->label, cf.err);
	for (i = 0; i < n && out == OUT_OK; i++) {
		cf_change(&cf, &ch[i]);
		if (ch[i].out == OUT_RATELIMIT && i + 1 < n) {
			out = OUT_RATELIMIT;
			log_warn("[%s] rate limited: leaving %zu more record(s) "
			    "for the next run", ctx->acct->label, n - i - 1);
		}
	}
	for (; i < n; i++) {
		ch[i].out = out;
		if (out == OUT_RATELIMIT)
			ch[i].retry_after = ch[i - 1].retry_after;
	}
	buf_free(&cf.auth);
}

static const struct provider_key cf_keys[] = {
	{ "token",	PKEY_REQUIRED | PKEY_SECRET },
	{ "zone",	0 },
	{ "zone_id",	0 },
	{ "proxied",	0 },
	{ NULL,		0 }
};

const struct provider provider_cloudflare = {
	.name = "cloudflare",
	.api_base = "https://api.cloudflare.com/client/v4",
	.keys = cf_keys,
	.check = cf_check,
	.update = cf_update,
};
