/*
 * cloudflare.c - Cloudflare DNS through the API v4 and an API token.
 *
 * API: developers.cloudflare.com/api/resources/dns/subresources/records/
 * Every reply is an envelope {"success", "errors": [{"code", "message"}],
 * "messages", "result"}; only success:true with a result of the expected
 * shape counts as done, whatever the HTTP status says. An error code that
 * says the token was refused (some come with HTTP 400) is an auth failure
 * whatever the status, and never taken for a stale id.
 *
 * The changes of one account go through three steps; each step groups what
 * it can by zone, so fifty records cost about what one does:
 *  1. direct: a record whose ids the state keeps (and that is not being
 *     verified) is PATCHed by id; several of one zone go in one
 *     POST /zones/{id}/dns_records/batch. An id the API no longer knows,
 *     or whose record now has another name or type (renamed upstream), is
 *     dropped and the record goes to the lookup.
 *  2. lookup: the others, and those the API no longer knows, get their zone
 *     id (config zone_id, the state's cache, or GET /zones?name= for the
 *     configured zone or the record's name and its parents) and are looked
 *     up (a record outside a configured zone = is refused, unsent): a
 *     lone record by GET ?type=&name=, several of one zone and type
 *     by one paginated listing of that type, matched by name here (one not
 *     in a listing that may be cut short is then asked for by name). Of
 *     several records of one name and type, the one holding the address is
 *     taken, else the one the state keeps, else the first.
 *  3. write: records found to differ are PATCHed (only what differs) and
 *     missing ones POSTed, again in one batch per zone when several.
 * A batch holds at most CF_BATCH_MAX writes (the Free plan's cap) and is
 * atomic: refused as a whole for what may be one bad record (HTTP 400 or
 * 404, not an auth failure), its records are sent one by one, so one bad
 * record does not block the others; any other failure (auth, rate limit,
 * server trouble) counts for every record in it. Requests go one after the
 * other over the run's connection; once told to slow down, nothing more is
 * sent.
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
#define CF_NAME_MAX	254		/* a DNS name and its NUL */
#define CF_ERR_MAX	512		/* one failure message */
#define CF_SRV_MAX	160		/* server text quoted in a message */
#define CF_URL_MAX	4096		/* one request URL */
#define CF_REPLY_MAX	((size_t)1 << 20)	/* one reply body */
#define CF_LIST_MAX	((size_t)4 << 20)	/* one page of a listing */
#define CF_KEY_MAX	300		/* "zone_id." + a zone name */
#define CF_BATCH_MAX	200		/* writes per batch (Free plan cap) */
#define CF_PER_PAGE	1000		/* records per page of a listing */
#define CF_PAGES_MAX	20		/* pages of one listing read at most */

#define PX_KEEP		(-1)		/* proxied = keep (the default) */
#define PX_BAD		(-2)		/* proxied = something else */

enum zone_src {
	ZS_NONE,	/* not known yet */
	ZS_CONFIG,	/* zone_id = in the config */
	ZS_STATE,	/* remembered in the state: may have gone stale */
	ZS_LOOKUP	/* asked the API during this run */
};

/* Where a change stands. */
enum step {
	S_DIRECT,	/* PATCH by the ids the state keeps */
	S_LOOKUP,	/* find the zone and the record */
	S_WRITE,	/* record looked up: PATCH it, or POST when j->rec "" */
	S_DONE		/* j->out is final */
};

/* One account's settings for this run. */
struct cf {
	const struct pctx	*ctx;
	const char		*base;		/* API base URL */
	size_t			 baselen;	/* its length without final '/' */
	struct buf		 auth;		/* "Authorization: Bearer ..." */
	int			 proxied;	/* PX_KEEP, 0 or 1 */
	long			 ttl;		/* seconds, -1 when not set */
	enum outcome		 halt;		/* OUT_RATELIMIT once told to slow
						   down, else OUT_PENDING */
	long			 halt_after;	/* the Retry-After then given */
	char			 zone[CF_NAME_MAX];	/* zone = lower case, no
						   final dot; "" when not set */
	size_t			*idx;		/* the group being worked on */
	char			 err[CF_ERR_MAX];	/* why set-up failed */
};

/* One change on its way through the steps. */
struct cfjob {
	struct cf	*cf;
	struct change	*ch;
	const char	*type;		/* "A" or "AAAA" */
	enum step	 step;
	enum outcome	 out;		/* OUT_PENDING until S_DONE */
	int		 mark;		/* already in a group of this step */
	int		 halted;	/* not sent: rate limited earlier */
	char		 zone[CF_ID_MAX];	/* zone id, "" when unknown */
	enum zone_src	 zsrc;
	char		 rec[CF_ID_MAX];	/* record id, "" when unknown */
	int		 found;		/* the lookup found the record */
	size_t		 nrecs;		/* records of its name and type seen */
	int		 rank;		/* how well the one taken suits (see
					   cf_rec_rank) */
	int		 other;		/* the last write's reply showed another
					   record (name or type) */
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
	va_list ap;

	va_start(ap, fmt);
	provider_vfail(j->err, sizeof(j->err), "cloudflare", what, fmt, ap);
	va_end(ap);
	return out;
}

/* Settles j with out. */
static void
cf_done(struct cfjob *j, enum outcome out)
{
	j->out = out;
	j->step = S_DONE;
}

/* Settles j with the failure out that the request of lead met. */
static void
cf_done_as(struct cfjob *j, const struct cfjob *lead, enum outcome out)
{
	if (j != lead) {
		memcpy(j->err, lead->err, sizeof(j->err));
		j->status = lead->status;
		j->halted = lead->halted;
		j->ch->retry_after = lead->ch->retry_after;
	}
	cf_done(j, out);
}

/* Returns 1 when an id that failed with out and this HTTP status may be
 * stale (400 or 404); never for an auth failure. */
static int
cf_stale(enum outcome out, long status)
{
	return out != OUT_AUTH && (status == 400 || status == 404);
}

/* Returns 1 when a zone id from the state may be stale: as cf_stale, or a
 * 403 (the API's answer to a zone the token cannot see, such as one
 * deleted and added again under a new id); the zone is then looked up
 * once, and a token that is really refused fails that lookup. */
static int
cf_zone_stale(enum outcome out, long status)
{
	return cf_stale(out, status) || status == 403;
}

/* cf_stale, or cf_zone_stale when j's zone id came from the state. */
static int
cf_job_stale(const struct cfjob *j, enum outcome out)
{
	return j->zsrc == ZS_STATE ? cf_zone_stale(out, j->status) :
	    cf_stale(out, j->status);
}

/* Returns doc[key] when it is an object, else NULL. */
static const cJSON *
cf_obj(const cJSON *doc, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(doc, key);

	return cJSON_IsObject(it) ? it : NULL;
}

/* Returns 1 when the API's name (any case, a final dot allowed) is our
 * name (lower case, no final dot). */
static int
cf_same_name(const char *api, const char *ours)
{
	for (; *ours != '\0'; api++, ours++) {
		int c = (unsigned char)*api;

		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (c != (unsigned char)*ours)
			return 0;
	}
	return api[0] == '\0' || (api[0] == '.' && api[1] == '\0');
}

/*
 * Requests
 */

/*
 * Envelope error codes that say the token was refused, whatever the HTTP
 * status (some come with 400): 6003 invalid request headers (its
 * error_chain says which, e.g. 6111 bad Authorization header), 9106
 * missing authorization headers, 9109 unauthorized to access the resource
 * (or the token used from an address it is not allowed from), 10000
 * authentication error, 10001 unable to authenticate the request.
 */
static const long cf_auth_codes[] = { 6003, 6111, 9106, 9109, 10000, 10001 };

/* Returns 1 when error object e carries one of cf_auth_codes. */
static int
cf_auth_code(const cJSON *e)
{
	double	code;
	size_t	i;

	if (!cJSON_IsObject(e) || json_num(e, "code", &code) == -1)
		return 0;
	for (i = 0; i < sizeof(cf_auth_codes) / sizeof(cf_auth_codes[0]); i++)
		if (code == (double)cf_auth_codes[i])
			return 1;
	return 0;
}

/* Returns 1 when an error of envelope doc, or one in an error's
 * error_chain, carries an auth code. */
static int
cf_auth_refused(const cJSON *doc)
{
	const cJSON	*errs = cJSON_IsObject(doc) ?
			    cJSON_GetObjectItemCaseSensitive(doc, "errors") :
			    NULL;
	const cJSON	*e, *chain, *c;

	if (!cJSON_IsArray(errs))
		return 0;
	cJSON_ArrayForEach(e, errs) {
		if (cf_auth_code(e))
			return 1;
		chain = cJSON_IsObject(e) ?
		    cJSON_GetObjectItemCaseSensitive(e, "error_chain") : NULL;
		if (!cJSON_IsArray(chain))
			continue;
		cJSON_ArrayForEach(c, chain)
			if (cf_auth_code(c))
				return 1;
	}
	return 0;
}

/* Copies the message of error e cleaned into dst (CF_SRV_MAX), with that
 * of the first error of its error_chain after ": "; NULL when e has none. */
static const char *
cf_err_text(char *dst, const cJSON *e)
{
	const cJSON	*chain = cJSON_GetObjectItemCaseSensitive(e,
			    "error_chain");
	const cJSON	*c = cJSON_IsArray(chain) ? chain->child : NULL;
	const char	*msg = json_str(e, "message");
	const char	*why = cJSON_IsObject(c) ? json_str(c, "message") :
			    NULL;
	char		 joined[CF_SRV_MAX];

	if (msg == NULL)
		return NULL;
	if (why == NULL)
		snprintf(joined, sizeof(joined), "%s", msg);
	else
		snprintf(joined, sizeof(joined), "%s: %s", msg, why);
	log_clean(dst, CF_SRV_MAX, joined, strlen(joined));
	return dst;
}

/* Describes a failed reply from its envelope's first error, if any. */
static enum outcome
cf_reply_error(struct cfjob *j, enum outcome out, const char *what,
    const cJSON *doc)
{
	const cJSON	*errs = cJSON_IsObject(doc) ?
			    cJSON_GetObjectItemCaseSensitive(doc, "errors") : NULL;
	const cJSON	*e = cJSON_IsArray(errs) ? cJSON_GetArrayItem(errs, 0)
			    : NULL;
	const char	*why = out == OUT_AUTH ? "token rejected or lacks "
			    "Zone.DNS edit permission" : "unexpected reply";
	char		 clean[CF_SRV_MAX];
	double		 code;

	if (!cJSON_IsObject(e) || cf_err_text(clean, e) == NULL) {
		if (out == OUT_AUTH || j->status / 100 == 2)
			return cf_fail(j, out, what, "%s (HTTP %ld)", why,
			    j->status);
		return cf_fail(j, out, what, "HTTP %ld", j->status);
	}
	if (json_num(e, "code", &code) == -1 || code < 0 || code > 1e9)
		code = 0;
	if (out == OUT_AUTH)
		return cf_fail(j, out, what, "%s: %s (code %ld, HTTP %ld)",
		    why, clean, (long)code, j->status);
	return cf_fail(j, out, what, "%s (code %ld, HTTP %ld)", clean,
	    (long)code, j->status);
}

/* Judges a reply: OUT_OK, with *doc set, only for a 2xx JSON envelope
 * saying success; anything else is an outcome with j->err set: OUT_AUTH
 * when the envelope names an auth failure, whatever the status. */
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
	if (cf_auth_refused(root))
		out = OUT_AUTH;
	else if (out == OUT_OK)	/* 2xx that is not a success: never trust it */
		out = OUT_RETRY;
	if ((out == OUT_RATELIMIT || out == OUT_RETRY) && resp->retry_after > 0)
		j->ch->retry_after = resp->retry_after;
	out = cf_reply_error(j, out, what, root);
	cJSON_Delete(root);
	return out;
}

/* The request j would make, not sent: the account is rate limited. */
static enum outcome
cf_halted(struct cfjob *j, const char *what)
{
	j->halted = 1;
	j->status = 0;
	j->ch->retry_after = j->cf->halt_after;
	return cf_fail(j, j->cf->halt, what, "not sent: rate limited");
}

/* Sends one request (body may be NULL) and judges the reply, read up to
 * max bytes; on OUT_OK *doc is the parsed envelope, which the caller
 * frees. Once the account is rate limited, sends nothing. */
static enum outcome
cf_request_max(struct cfjob *j, const char *what, const char *method,
    const struct buf *url, const cJSON *body, size_t max, cJSON **doc)
{
	const char		*hdrs[3];
	struct http_req		 req;
	struct http_resp	 resp;
	char			*txt = NULL, clean[CF_SRV_MAX];
	enum outcome		 out;

	*doc = NULL;
	if (j->cf->halt != OUT_PENDING)
		return cf_halted(j, what);
	if (body != NULL && (txt = json_print(body)) == NULL)
		return cf_fail(j, OUT_RETRY, what, "out of memory");
	hdrs[0] = buf_str(&j->cf->auth);
	hdrs[1] = txt ? "Content-Type: application/json" : NULL;
	hdrs[2] = NULL;
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.url = buf_str(url);
	req.headers = hdrs;
	req.body = txt;
	req.body_len = txt ? strlen(txt) : 0;
	req.max_body = max;
	memset(&resp, 0, sizeof(resp));
	buf_init(&resp.body, max);
	if (http_do(j->cf->ctx->http, &req, &resp) == -1) {
		j->status = 0;
		resp.error[sizeof(resp.error) - 1] = '\0';
		log_clean(clean, sizeof(clean), resp.error, strlen(resp.error));
		out = cf_fail(j, OUT_RETRY, what, "%s", clean);
	} else
		out = cf_judge(j, what, &resp, doc);
	free(txt);
	http_resp_free(&resp);
	if (out == OUT_RATELIMIT) {
		j->cf->halt = OUT_RATELIMIT;
		j->cf->halt_after = j->ch->retry_after;
	}
	return out;
}

/* cf_request_max with the usual reply cap. */
static enum outcome
cf_request(struct cfjob *j, const char *what, const char *method,
    const struct buf *url, const cJSON *body, cJSON **doc)
{
	return cf_request_max(j, what, method, url, body, CF_REPLY_MAX, doc);
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

/* Returns 1 when zone object z says it is active. */
static int
cf_zone_active(const cJSON *z)
{
	const char *st = json_str(z, "status");

	return st != NULL && strcmp(st, "active") == 0;
}

/* Warns that zone name, taken from the lookup, says it is not active. */
static void
cf_zone_inactive(const struct cfjob *j, const char *name, const cJSON *z)
{
	const char	*st = json_str(z, "status");
	char		 clean[CF_SRV_MAX];

	if (st == NULL)		/* not said: nothing to warn about */
		return;
	log_clean(clean, sizeof(clean), st, strlen(st));
	log_warn("[%s] zone %s is not active (%s); updating it anyway",
	    j->cf->ctx->acct->label, name, clean);
}

/* Takes the zone called name from a zone list into j->zone: the first
 * active one, else the first (with a warning). OUT_OK, or OUT_NOTFOUND
 * when the list has none, or OUT_RETRY for a wrong shape. */
static enum outcome
cf_zone_pick(struct cfjob *j, const cJSON *doc, const char *name)
{
	const cJSON	*res = cJSON_GetObjectItemCaseSensitive(doc, "result");
	const cJSON	*z, *pick = NULL;
	const char	*zn;

	if (!cJSON_IsArray(res))
		return cf_fail(j, OUT_RETRY, "zone lookup",
		    "unexpected reply (no result list)");
	cJSON_ArrayForEach(z, res) {
		if (!cJSON_IsObject(z))
			continue;
		zn = json_str(z, "name");
		if (zn != NULL && !cf_same_name(zn, name))
			continue;
		if (pick == NULL || cf_zone_active(z))
			pick = z;
		if (cf_zone_active(z))
			break;
	}
	if (pick == NULL)
		return cf_fail(j, OUT_NOTFOUND, "zone lookup", "no zone %s",
		    name);
	if (provider_copy(j->zone, sizeof(j->zone), json_str(pick, "id")) == -1)
		return cf_fail(j, OUT_RETRY, "zone lookup",
		    "unexpected reply (bad zone id)");
	if (!cf_zone_active(pick))
		cf_zone_inactive(j, name, pick);
	return OUT_OK;
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

/* Asks for the record's name, then each parent down to two labels. */
static enum outcome
cf_zone_walk(struct cfjob *j)
{
	const char	*p;
	enum outcome	 out;

	for (p = j->ch->name; p != NULL; p = provider_parent(p)) {
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
	const char	*name = j->cf->zone;
	enum outcome	 out;

	if (*name == '\0')
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
	    provider_copy(j->zone, sizeof(j->zone), kv_get(cache, key)) == -1)
		return 0;
	j->zsrc = ZS_STATE;
	return 1;
}

/* Returns 1 with j->zone set when the account cache knows the zone: the
 * configured zone's, else that of the record's name or a parent. */
static int
cf_zone_cached(struct cfjob *j)
{
	const char *name = j->cf->zone, *p;

	if (*name != '\0')
		return cf_zone_cached1(j, name);
	for (p = j->ch->name; p != NULL; p = provider_parent(p))
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
		if (provider_copy(j->zone, sizeof(j->zone), id) == -1)
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
 * Looking records up
 */

/* Takes record r (an object of a listing) into j: 0, or -1 (j->err set)
 * when it has no usable id. */
static int
cf_rec_take(struct cfjob *j, const cJSON *r)
{
	const char	*content;
	double		 ttl;

	if (!cJSON_IsObject(r) ||
	    provider_copy(j->rec, sizeof(j->rec), json_str(r, "id")) == -1) {
		cf_fail(j, OUT_RETRY, "record lookup",
		    "unexpected reply (bad record)");
		return -1;
	}
	j->found = 1;
	content = json_str(r, "content");
	if (content == NULL ||
	    addr_canon(j->ch->fam, content, j->content) == -1)
		j->content[0] = '\0';
	j->ttl = json_num(r, "ttl", &ttl) == 0 && ttl >= 0 && ttl < 1e9 ?
	    (long)ttl : -1;
	j->proxied = json_bool(r, "proxied");
	return 0;
}

/*
 * Of several records of one name and type, one is managed: the one that
 * holds the wanted address (nothing to write), else the one whose id the
 * state keeps (the one written before), else the first.
 */

/* Forgets what a lookup of j found, before a new one. */
static void
cf_rec_reset(struct cfjob *j)
{
	j->found = 0;
	j->nrecs = 0;
	j->rank = 0;
}

/* Returns 1 when record object r may be j's: its name (when it has one)
 * and its type (when it says) are j's. */
static int
cf_rec_is(const struct cfjob *j, const cJSON *r)
{
	const char *name = json_str(r, "name"), *type = json_str(r, "type");

	return (name == NULL || cf_same_name(name, j->ch->name)) &&
	    (type == NULL || strcmp(type, j->type) == 0);
}

/* Returns how well record r, one of j's name and type, suits j: 3 when it
 * holds the wanted address, 2 when the state keeps its id, else 1. */
static int
cf_rec_rank(const struct cfjob *j, const cJSON *r)
{
	const char	*id = json_str(r, "id");
	const char	*kept = j->ch->ids ? kv_get(j->ch->ids, "record_id") :
			    NULL;

	if (provider_addr_is(j->ch, json_str(r, "content")))
		return 3;
	if (id != NULL && kept != NULL && strcmp(id, kept) == 0)
		return 2;
	return 1;
}

/* Offers j record r of its name and type, taken when it suits j better
 * than the one taken so far (the earlier wins a tie): 0, or -1 (j->err
 * set) when the record to take has no usable id. */
static int
cf_rec_offer(struct cfjob *j, const cJSON *r)
{
	int rank = cJSON_IsObject(r) ? cf_rec_rank(j, r) : 0;

	j->nrecs++;
	if (j->found && rank <= j->rank)
		return 0;
	j->rank = rank;
	return cf_rec_take(j, r);
}

/* Warns, once for j, that several records have its name and type. */
static void
cf_rec_several(const struct cfjob *j)
{
	log_warn("[%s] %s %s: %zu records of this name and type; only record "
	    "%s is managed", j->cf->ctx->acct->label, j->ch->name, j->type,
	    j->nrecs, j->rec);
}

/* Takes the record from the list of j's name and type (the API filtered
 * it) into j (see cf_rec_offer): OUT_OK (j->found says whether there was
 * one), or OUT_RETRY for a wrong shape. */
static enum outcome
cf_rec_pick(struct cfjob *j, const cJSON *doc)
{
	const cJSON	*res = cJSON_GetObjectItemCaseSensitive(doc, "result");
	const cJSON	*r;

	if (!cJSON_IsArray(res))
		return cf_fail(j, OUT_RETRY, "record lookup",
		    "unexpected reply (no result list)");
	cf_rec_reset(j);
	cJSON_ArrayForEach(r, res)
		if (cf_rec_offer(j, r) == -1)
			return OUT_RETRY;
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

	if (out == OUT_OK || j->zsrc != ZS_STATE ||
	    !cf_zone_stale(out, j->status))
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

/* Decides what a looked-up record needs: nothing (done), or a write. */
static void
cf_plan(struct cfjob *j)
{
	const char *label = j->cf->ctx->acct->label;

	if (j->nrecs > 1)
		cf_rec_several(j);
	if (!j->found) {
		j->rec[0] = '\0';
		log_debug("[%s] %s %s: no record; creating it", label,
		    j->ch->name, j->type);
		j->step = S_WRITE;
	} else if (cf_rec_current(j)) {
		log_debug("[%s] %s %s: record %s already holds %s", label,
		    j->ch->name, j->type, j->rec, j->ch->addr);
		cf_done(j, OUT_OK);
	} else
		j->step = S_WRITE;
}

/* Looks one record up by its name and plans its write. */
static void
cf_lookup1(struct cfjob *j)
{
	enum outcome out = cf_rec_find(j);

	if (out == OUT_OK)
		cf_plan(j);
	else
		cf_done(j, out);
}

/*
 * Listing a zone's records of one type for a group of changes
 */

/* Takes the records of one listing page into the jobs idx[0..k) by name
 * (and type, should the server ignore the filter). */
static void
cf_list_take(struct cfjob *jobs, const size_t *idx, size_t k,
    const cJSON *res)
{
	const cJSON	*r;
	size_t		 i;

	cJSON_ArrayForEach(r, res) {
		if (!cJSON_IsObject(r) || json_str(r, "name") == NULL)
			continue;
		for (i = 0; i < k; i++) {
			struct cfjob *j = &jobs[idx[i]];

			if (j->step != S_LOOKUP || !cf_rec_is(j, r))
				continue;
			if (cf_rec_offer(j, r) == -1)
				cf_done(j, OUT_RETRY);
		}
	}
}

/* Returns whether a listing has pages after page, as its result_info's
 * total_pages says: 1 or 0, or -1 when it does not say (then the listing
 * is never taken as whole: a server may cap per_page lower than asked). */
static int
cf_list_more(const cJSON *doc, int page)
{
	const cJSON	*info = cf_obj(doc, "result_info");
	double		 total;

	if (info == NULL || json_num(info, "total_pages", &total) == -1)
		return -1;
	return total > page;
}

/* GETs page page of the listing of lead's zone and type and takes its
 * records into the group; *more says whether pages follow (see
 * cf_list_more). */
static enum outcome
cf_list_page(struct cfjob *jobs, const size_t *idx, size_t k, int page,
    int *more)
{
	struct cfjob	*lead = &jobs[idx[0]];
	struct buf	 u = BUF_INIT(CF_URL_MAX);
	const cJSON	*res;
	cJSON		*doc = NULL;
	enum outcome	 out;

	if (cf_url(lead, &u, lead->zone) == -1 || buf_printf(&u,
	    "/dns_records?type=%s&per_page=%d&page=%d", lead->type,
	    CF_PER_PAGE, page) == -1)
		out = cf_fail(lead, OUT_RETRY, "record listing",
		    "out of memory");
	else
		out = cf_request_max(lead, "record listing", "GET", &u, NULL,
		    CF_LIST_MAX, &doc);
	res = cJSON_GetObjectItemCaseSensitive(doc, "result");
	if (out == OUT_OK && !cJSON_IsArray(res))
		out = cf_fail(lead, OUT_RETRY, "record listing",
		    "unexpected reply (no result list)");
	if (out == OUT_OK) {
		cf_list_take(jobs, idx, k, res);
		*more = cf_list_more(doc, page);
	}
	cJSON_Delete(doc);
	buf_free(&u);
	return out;
}

/* Returns 1 when every job of the group still looking was found. */
static int
cf_list_all_found(const struct cfjob *jobs, const size_t *idx, size_t k)
{
	size_t i;

	for (i = 0; i < k; i++)
		if (jobs[idx[i]].step == S_LOOKUP && !jobs[idx[i]].found)
			return 0;
	return 1;
}

/* Reads the listing page by page until it ends (or does not say whether
 * it does), every job is found, or CF_PAGES_MAX pages were read; *whole
 * says whether it was seen to end. */
static enum outcome
cf_list_pages(struct cfjob *jobs, const size_t *idx, size_t k, int *whole)
{
	enum outcome	out = OUT_OK;
	int		page, more = 1;
	size_t		i;

	for (i = 0; i < k; i++)
		cf_rec_reset(&jobs[idx[i]]);
	*whole = 0;
	for (page = 1; page <= CF_PAGES_MAX && out == OUT_OK; page++) {
		out = cf_list_page(jobs, idx, k, page, &more);
		if (out == OUT_OK && more == 0)
			*whole = 1;
		if (out != OUT_OK || more != 1 ||
		    cf_list_all_found(jobs, idx, k))
			break;
	}
	return out;
}

/* Lists the group's zone (all one zone and type); a zone id from the state
 * that the API refuses is looked up again, once. Then plans each job: a
 * job not in a listing cut short is looked up by its name. */
static void
cf_list(struct cfjob *jobs, const size_t *idx, size_t k)
{
	struct cfjob	*lead = &jobs[idx[0]];
	enum outcome	 out;
	int		 whole;
	size_t		 i;

	out = cf_list_pages(jobs, idx, k, &whole);
	if (out != OUT_OK && lead->zsrc == ZS_STATE &&
	    cf_zone_stale(out, lead->status)) {
		log_debug("[%s] zone id %s refused (HTTP %ld); looking the "
		    "zone up again", lead->cf->ctx->acct->label, lead->zone,
		    lead->status);
		out = cf_zone_lookup(lead);
		for (i = 1; i < k && out == OUT_OK; i++) {
			memcpy(jobs[idx[i]].zone, lead->zone, CF_ID_MAX);
			jobs[idx[i]].zsrc = ZS_LOOKUP;
		}
		if (out == OUT_OK)
			out = cf_list_pages(jobs, idx, k, &whole);
	}
	for (i = 0; i < k; i++) {
		struct cfjob *j = &jobs[idx[i]];

		if (out != OUT_OK)
			cf_done_as(j, lead, out);
		else if (j->step == S_LOOKUP && !j->found && !whole)
			cf_lookup1(j);
		else if (j->step == S_LOOKUP)
			cf_plan(j);
	}
}

/*
 * Writing records
 */

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

/* Returns j's write: a PATCH body (every configured field when the record
 * was not looked up) or, with j->rec "", a POST body; NULL on OOM. */
static cJSON *
cf_body(const struct cfjob *j)
{
	return j->rec[0] ? cf_body_patch(j, !j->found) : cf_body_create(j);
}

/* Checks a written record r: an object with an id (kept in j->rec) and,
 * where it says, j's name and type (else j->other is set) and the wanted
 * address. */
static enum outcome
cf_rec_check(struct cfjob *j, const char *what, const cJSON *r)
{
	const char *content;

	j->other = 0;
	if (!cJSON_IsObject(r) ||
	    provider_copy(j->rec, sizeof(j->rec), json_str(r, "id")) == -1)
		return cf_fail(j, OUT_RETRY, what,
		    "unexpected reply (no record)");
	if (!cf_rec_is(j, r)) {
		j->other = 1;
		return cf_fail(j, OUT_RETRY, what, "unexpected reply (record "
		    "%s has another name or type)", j->rec);
	}
	content = json_str(r, "content");
	if (content != NULL && !provider_addr_is(j->ch, content))
		return cf_fail(j, OUT_RETRY, what,
		    "unexpected reply (record holds another address)");
	return OUT_OK;
}

/* PATCH /zones/{zone}/dns_records/{rec} or, with j->rec empty,
 * POST /zones/{zone}/dns_records. */
static enum outcome
cf_rec_write(struct cfjob *j)
{
	const char	*what = j->rec[0] ? "record update" : "record create";
	struct buf	 u = BUF_INIT(CF_URL_MAX);
	cJSON		*body = cf_body(j), *doc = NULL;
	enum outcome	 out;

	j->other = 0;
	if (body == NULL || cf_url(j, &u, j->zone) == -1 ||
	    buf_adds(&u, "/dns_records") == -1 || (j->rec[0] &&
	    (buf_adds(&u, "/") == -1 || buf_add_urlenc(&u, j->rec) == -1)))
		out = cf_fail(j, OUT_RETRY, what, "out of memory");
	else
		out = cf_request(j, what, j->rec[0] ? "PATCH" : "POST", &u,
		    body, &doc);
	if (out == OUT_OK)
		out = cf_rec_check(j, what, cf_obj(doc, "result"));
	cJSON_Delete(doc);
	cJSON_Delete(body);
	buf_free(&u);
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

/* Takes the zone and record ids the state keeps into j; 1 when both are
 * there, else 0 with j->zone and j->rec empty. */
static int
cf_direct_ids(struct cfjob *j)
{
	const char *rid = j->ch->ids ? kv_get(j->ch->ids, "record_id") : NULL;

	if (provider_copy(j->rec, sizeof(j->rec), rid) == -1 ||
	    provider_copy(j->zone, sizeof(j->zone), cf_direct_zone(j)) == -1) {
		j->rec[0] = j->zone[0] = '\0';
		return 0;
	}
	j->zsrc = acct_get(j->cf->ctx->acct, "zone_id") ? ZS_CONFIG : ZS_STATE;
	return 1;
}

/* Settles the write of j that came back with out. At S_DIRECT, a record
 * id from the state that the API no longer knows, or that now names
 * another record (renamed upstream), is dropped and the record goes to the
 * lookup of this run (j->zone kept); else j is done. */
static void
cf_written(struct cfjob *j, enum outcome out)
{
	const char *label = j->cf->ctx->acct->label;

	if (out == OUT_OK || j->step != S_DIRECT ||
	    (!j->other && !cf_job_stale(j, out))) {
		cf_done(j, out);
		return;
	}
	if (j->other)
		log_warn("[%s] %s %s: record id %s now has another name or "
		    "type (renamed?) and was written; looking the record up",
		    label, j->ch->name, j->type, j->rec);
	else
		log_debug("[%s] %s %s: record id %s refused (HTTP %ld); "
		    "looking the record up", label, j->ch->name, j->type,
		    j->rec, j->status);
	j->rec[0] = '\0';
	j->other = 0;
	j->step = S_LOOKUP;
}

/* Sends the write of one job (S_DIRECT or S_WRITE) by itself. */
static void
cf_one(struct cfjob *j)
{
	cf_written(j, cf_rec_write(j));
}

/*
 * Batches: POST /zones/{zone}/dns_records/batch
 * {"patches": [{"id", fields...}], "posts": [{record}]}, answered with
 * {"result": {"patches": [records], "posts": [records]}}, the posts in the
 * order sent. Cloudflare runs deletes, patches, puts, posts, in one
 * transaction.
 */

/* Adds j's write to the batch body b; 0, or -1 when out of memory. */
static int
cf_batch_add(cJSON *b, const struct cfjob *j)
{
	const char	*key = j->rec[0] ? "patches" : "posts";
	cJSON		*arr = cJSON_GetObjectItemCaseSensitive(b, key);
	cJSON		*o = cf_body(j);

	if (arr == NULL)
		arr = cJSON_AddArrayToObject(b, key);
	if (o == NULL || arr == NULL || (j->rec[0] &&
	    cJSON_AddStringToObject(o, "id", j->rec) == NULL) ||
	    !cJSON_AddItemToArray(arr, o)) {
		cJSON_Delete(o);
		return -1;
	}
	return 0;
}

/* Returns the batch body for jobs idx[0..k); NULL when out of memory. */
static cJSON *
cf_batch_body(const struct cfjob *jobs, const size_t *idx, size_t k)
{
	cJSON	*b = cJSON_CreateObject();
	size_t	 i;

	for (i = 0; b != NULL && i < k; i++)
		if (cf_batch_add(b, &jobs[idx[i]]) == -1) {
			cJSON_Delete(b);
			b = NULL;
		}
	return b;
}

/* Returns the record with id id in the array arr, or NULL. */
static const cJSON *
cf_batch_find(const cJSON *arr, const char *id)
{
	const cJSON	*r;
	const char	*rid;

	cJSON_ArrayForEach(r, arr) {
		rid = cJSON_IsObject(r) ? json_str(r, "id") : NULL;
		if (rid != NULL && strcmp(rid, id) == 0)
			return r;
	}
	return NULL;
}

/* Settles each job of a batch that went through from its record in the
 * reply: patches found by id, posts by position. */
static void
cf_batch_results(struct cfjob *jobs, const size_t *idx, size_t k,
    const cJSON *doc)
{
	const cJSON	*res = cf_obj(doc, "result");
	const cJSON	*patches = cJSON_GetObjectItemCaseSensitive(res,
			    "patches");
	const cJSON	*posts = cJSON_GetObjectItemCaseSensitive(res, "posts");
	const cJSON	*post = cJSON_IsArray(posts) ? posts->child : NULL;
	const cJSON	*r;
	size_t		 i;

	for (i = 0; i < k; i++) {
		struct cfjob *j = &jobs[idx[i]];

		if (j->rec[0] && cJSON_IsArray(patches))
			r = cf_batch_find(patches, j->rec);
		else if (j->rec[0])
			r = NULL;
		else {
			r = post;
			post = post ? post->next : NULL;
		}
		cf_written(j, cf_rec_check(j, "batch update", r));
	}
}

/* Deals with a batch refused as a whole with out: 400/404 that is not an
 * auth failure (maybe one bad or vanished record) sends each record alone;
 * anything else counts for every record. */
static void
cf_batch_failed(struct cfjob *jobs, const size_t *idx, size_t k,
    enum outcome out)
{
	struct cfjob	*lead = &jobs[idx[0]];
	int		 alone = cf_job_stale(lead, out);
	size_t		 i;

	if (alone)
		log_debug("[%s] batch of %zu refused (HTTP %ld); sending its "
		    "records one by one", lead->cf->ctx->acct->label, k,
		    lead->status);
	for (i = 0; i < k; i++) {
		if (alone)
			cf_one(&jobs[idx[i]]);
		else
			cf_done_as(&jobs[idx[i]], lead, out);
	}
}

/* Sends the writes of jobs idx[0..k) (one zone, 2 <= k <= CF_BATCH_MAX)
 * in one batch. */
static void
cf_batch(struct cfjob *jobs, const size_t *idx, size_t k)
{
	struct cfjob	*lead = &jobs[idx[0]];
	struct buf	 u = BUF_INIT(CF_URL_MAX);
	cJSON		*body = cf_batch_body(jobs, idx, k), *doc = NULL;
	enum outcome	 out;

	if (body == NULL || cf_url(lead, &u, lead->zone) == -1 ||
	    buf_adds(&u, "/dns_records/batch") == -1)
		out = cf_fail(lead, OUT_RETRY, "batch update", "out of memory");
	else {
		log_debug("[%s] %zu records of zone %s in one batch",
		    lead->cf->ctx->acct->label, k, lead->zone);
		out = cf_request(lead, "batch update", "POST", &u, body, &doc);
	}
	if (out == OUT_OK)
		cf_batch_results(jobs, idx, k, doc);
	else
		cf_batch_failed(jobs, idx, k, out);
	cJSON_Delete(doc);
	cJSON_Delete(body);
	buf_free(&u);
}

/* Sends the writes of a group of k jobs of one zone: alone when k is 1,
 * else in batches of at most CF_BATCH_MAX. */
static void
cf_write_group(struct cfjob *jobs, const size_t *idx, size_t k)
{
	size_t off, m;

	for (off = 0; off < k; off += m) {
		m = k - off < CF_BATCH_MAX ? k - off : CF_BATCH_MAX;
		if (m == 1)
			cf_one(&jobs[idx[off]]);
		else
			cf_batch(jobs, idx + off, m);
	}
}

/*
 * The steps
 */

/* Clears every job's group mark. */
static void
cf_unmark(struct cfjob *jobs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		jobs[i].mark = 0;
}

/* Collects into cf->idx the unmarked jobs from first on at first's step
 * with first's zone (and type, when by_type), marking them; returns how
 * many (at least 1). */
static size_t
cf_group(struct cf *cf, struct cfjob *jobs, size_t n, size_t first,
    int by_type)
{
	const struct cfjob	*a = &jobs[first];
	size_t			 i, k = 0;

	for (i = first; i < n; i++) {
		struct cfjob *b = &jobs[i];

		if (b->mark || b->step != a->step ||
		    strcmp(b->zone, a->zone) != 0 ||
		    (by_type && b->ch->fam != a->ch->fam))
			continue;
		b->mark = 1;
		cf->idx[k++] = i;
	}
	return k;
}

/* Sends the writes of every job at step (S_DIRECT or S_WRITE), grouped by
 * zone. */
static void
cf_step_write(struct cf *cf, struct cfjob *jobs, size_t n, enum step step)
{
	size_t i, k;

	cf_unmark(jobs, n);
	for (i = 0; i < n; i++) {
		if (jobs[i].step != step || jobs[i].mark)
			continue;
		k = cf_group(cf, jobs, n, i, 0);
		cf_write_group(jobs, cf->idx, k);
	}
}

/* Finds the zone of every job to look up, then looks the records up: by
 * name when alone in their zone and type, else by listing. */
static void
cf_step_lookup(struct cf *cf, struct cfjob *jobs, size_t n)
{
	enum outcome	out;
	size_t		i, k;

	for (i = 0; i < n; i++) {
		if (jobs[i].step != S_LOOKUP || jobs[i].zone[0] != '\0')
			continue;
		out = cf_zone_find(&jobs[i]);
		if (out != OUT_OK)
			cf_done(&jobs[i], out);
	}
	cf_unmark(jobs, n);
	for (i = 0; i < n; i++) {
		if (jobs[i].step != S_LOOKUP || jobs[i].mark)
			continue;
		k = cf_group(cf, jobs, n, i, 1);
		if (k == 1)
			cf_lookup1(&jobs[i]);
		else
			cf_list(jobs, cf->idx, k);
	}
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

/* Hands every job's outcome to its change, keeping the ids of those done
 * and reporting the others. */
static void
cf_settle(struct cf *cf, struct cfjob *jobs, size_t n)
{
	const char	*label = cf->ctx->acct->label;
	size_t		 i, waiting = 0;

	for (i = 0; i < n; i++) {
		struct cfjob *j = &jobs[i];

		if (j->step != S_DONE)	/* cannot happen; never report OK */
			cf_done(j, cf_fail(j, OUT_RETRY, "update", "not done"));
		if (j->out == OUT_OK)
			cf_save_ids(j);
		else if (j->halted)
			waiting++;
		else
			log_err("[%s] %s %s: %s", label, j->ch->name, j->type,
			    j->err);
		j->ch->out = j->out;
	}
	if (waiting > 0)
		log_warn("[%s] rate limited: leaving %zu more record(s) for the "
		    "next run", label, waiting);
}

/* Prepares the job of one change: where it starts. */
static void
cf_job_init(struct cf *cf, struct cfjob *j, struct change *ch)
{
	memset(j, 0, sizeof(*j));
	j->cf = cf;
	j->ch = ch;
	j->type = ch->fam == 6 ? "AAAA" : "A";
	j->out = OUT_PENDING;
	j->ttl = -1;
	j->proxied = -1;
	if (ch->fam != 4 && ch->fam != 6)
		cf_done(j, cf_fail(j, OUT_BADREQ, "update",
		    "address family %d", ch->fam));
	else if (cf->zone[0] != '\0' &&
	    provider_sublen(ch->name, cf->zone) < 0)	/* never POST it there */
		cf_done(j, cf_fail(j, OUT_BADREQ, "update", "record %s is not "
		    "in zone %s (zone =)", ch->name, cf->zone));
	else if (ch->verify)	/* look it up, never write blind */
		j->step = S_LOOKUP;
	else
		j->step = cf_direct_ids(j) ? S_DIRECT : S_LOOKUP;
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

/* Returns 1 unless s looks like a zone id (letters, digits, '-', '_'). */
static int
cf_bad_id(const char *s)
{
	size_t n = strspn(s, "0123456789abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ-_");

	return n == 0 || n >= CF_ID_MAX || s[n] != '\0';
}

/* Returns 1 when ttl (seconds, -1 unset) is one Cloudflare takes: 1
 * (automatic) or 30 to 86400 (below 60 on Enterprise plans only). */
static int
cf_good_ttl(long ttl)
{
	return ttl == -1 || ttl == 1 || (ttl >= 30 && ttl <= 86400);
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
	if (tok != NULL && provider_bad_token(tok)) {
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
	const char *zone = acct_get(ctx->acct, "zone");

	memset(cf, 0, sizeof(*cf));
	cf->ctx = ctx;
	cf->halt = OUT_PENDING;
	buf_init(&cf->auth, 4096);
	cf->base = provider_base(ctx);
	cf->baselen = strlen(cf->base);
	while (cf->baselen > 0 && cf->base[cf->baselen - 1] == '/')
		cf->baselen--;
	cf->ttl = ctx->acct->ttl;
	cf->proxied = cf_parse_proxied(acct_get(ctx->acct, "proxied"));
	if (tok == NULL || *tok == '\0' || provider_bad_token(tok) ||
	    buf_printf(&cf->auth, "Authorization: Bearer %s", tok) == -1) {
		snprintf(cf->err, sizeof(cf->err), "cloudflare: no usable token");
		return OUT_AUTH;
	}
	if (cf->proxied == PX_BAD) {
		snprintf(cf->err, sizeof(cf->err), "cloudflare: bad proxied");
		return OUT_BADREQ;
	}
	if (zone != NULL &&
	    provider_norm_zone(zone, cf->zone, CF_NAME_MAX) == -1) {
		snprintf(cf->err, sizeof(cf->err), "cloudflare: zone \"%.*s\" "
		    "is not a DNS name", CF_NAME_MAX, zone);
		return OUT_BADREQ;
	}
	if (!cf_good_ttl(cf->ttl)) {
		snprintf(cf->err, sizeof(cf->err), "cloudflare: ttl %ld: "
		    "Cloudflare takes 1 (automatic) or 30 to 86400 seconds "
		    "(below 60 on Enterprise plans only)", cf->ttl);
		return OUT_BADREQ;
	}
	return OUT_OK;
}

/* Brings every change to its address: direct writes, lookups, writes. */
static void
cf_update(const struct pctx *ctx, struct change *ch, size_t n)
{
	struct cf	 cf;
	struct cfjob	*jobs = NULL;
	enum outcome	 out = cf_init(&cf, ctx);
	size_t		 i;

	if (out == OUT_OK && ((jobs = calloc(n ? n : 1, sizeof(*jobs))) ==
	    NULL || (cf.idx = calloc(n ? n : 1, sizeof(size_t))) == NULL)) {
		snprintf(cf.err, sizeof(cf.err), "cloudflare: out of memory");
		out = OUT_RETRY;
	}
	if (out != OUT_OK) {
		log_err("[%s] %s", ctx->acct->label, cf.err);
		for (i = 0; i < n; i++)
			ch[i].out = out;
	} else {
		for (i = 0; i < n; i++)
			cf_job_init(&cf, &jobs[i], &ch[i]);
		cf_step_write(&cf, jobs, n, S_DIRECT);
		cf_step_lookup(&cf, jobs, n);
		cf_step_write(&cf, jobs, n, S_WRITE);
		cf_settle(&cf, jobs, n);
	}
	free(cf.idx);
	free(jobs);
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
