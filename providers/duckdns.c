/*
 * duckdns.c - Duck DNS (www.duckdns.org), its own one-line GET API.
 *
 * API: www.duckdns.org/spec.jsp:
 *   GET https://www.duckdns.org/update?domains=SUB1,SUB2&token=TOKEN
 *       [&ip=IPV4][&ipv6=IPV6]
 * Records are SUB.duckdns.org; the request names only SUB. The reply is
 * "OK" or "KO" for the whole request (KO: bad token, or a name that is
 * not the account's). Without ip the service uses the address the request
 * came from, unless ipv6 is given: so an AAAA-only request sends ipv6
 * alone and never lets the service guess.
 *
 * Names with the same addresses go in one request (up to DK_MAX_NAMES).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "config.h"
#include "http.h"
#include "kv.h"
#include "log.h"
#include "provider.h"

#define DK_SUFFIX	".duckdns.org"
#define DK_MAX_NAMES	20			/* names per request (ours) */
#define DK_URL_MAX	4096			/* one request URL */
#define DK_REPLY_MAX	((size_t)16 << 10)	/* one reply body */
#define DK_MSG_MAX	400			/* one failure message */

/* One name of one request and the changes it carries. */
struct dk_slot {
	const char	*name;
	struct change	*c4, *c6;	/* NULL when that family is not sent */
	int		 req;		/* request it belongs to, -1 not yet */
};

/* What the service said about one request. */
struct dk_res {
	enum outcome	 out;
	long		 wait;
	char		 msg[DK_MSG_MAX];
};

static void	dk_set(struct dk_res *, enum outcome, long, const char *, ...)
		    PRINTF_LIKE(4, 5);

/* Fills r with an outcome, a wait and a message. */
static void
dk_set(struct dk_res *r, enum outcome out, long wait, const char *fmt, ...)
{
	va_list ap;

	r->out = out;
	r->wait = wait;
	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
}

/* Returns the length of the subname of a record NAME.duckdns.org, or 0
 * when it is not one (exactly one label before the suffix). */
static size_t
dk_sub(const char *name)
{
	size_t nl = strlen(name), sl = strlen(DK_SUFFIX);

	if (nl <= sl || strcasecmp(name + nl - sl, DK_SUFFIX) != 0 ||
	    memchr(name, '.', nl - sl) != NULL)
		return 0;
	return nl - sl;
}

/*
 * Requests
 */

/* Builds the update URL for k slots of the same addresses; 0 or -1. */
static int
dk_url(const char *base, const char *token, struct dk_slot *const *s,
    size_t k, struct buf *u)
{
	size_t	i;
	int	rc;

	rc = buf_printf(u, "%s%sdomains=", base, strchr(base, '?') ? "&" : "?");
	for (i = 0; i < k && rc == 0; i++) {
		rc |= i > 0 ? buf_adds(u, ",") : 0;
		rc |= buf_add(u, s[i]->name, dk_sub(s[i]->name));
	}
	rc |= buf_adds(u, "&token=");
	rc |= buf_add_urlenc(u, token);
	if (rc == 0 && s[0]->c4 != NULL)
		rc = buf_adds(u, "&ip=") | buf_add_urlenc(u, s[0]->c4->addr);
	if (rc == 0 && s[0]->c6 != NULL)
		rc = buf_adds(u, "&ipv6=") | buf_add_urlenc(u, s[0]->c6->addr);
	return rc ? -1 : 0;
}

/* Judges a reply into r. */
static void
dk_judge(struct dk_slot *const *s, size_t k, const struct http_resp *resp,
    struct dk_res *r)
{
	const char	*b = buf_str(&resp->body);
	size_t		 len = strcspn(b, "\r\n");
	enum outcome	 out = outcome_from_status(resp->status);
	char		 text[80], names[200];
	size_t		 i;

	if (out == OUT_OK && len == 2 && strncmp(b, "OK", 2) == 0) {
		dk_set(r, OUT_OK, 0, "OK");
		return;
	}
	if (out == OUT_OK && len == 2 && strncmp(b, "KO", 2) == 0) {
		names[0] = '\0';
		for (i = 0; i < k; i++)
			snprintf(names + strlen(names), sizeof(names) -
			    strlen(names), "%s%s", i ? ", " : "", s[i]->name);
		dk_set(r, OUT_AUTH, 0, "KO: the token was refused, or one of "
		    "%s is not in this Duck DNS account; check token and "
		    "records", names);
		return;
	}
	if (out != OUT_OK) {
		dk_set(r, out, (out == OUT_RETRY || out == OUT_RATELIMIT) &&
		    resp->retry_after > 0 ? resp->retry_after : 0,
		    "HTTP %ld", resp->status);
		return;
	}
	log_clean(text, sizeof(text), b, len);
	dk_set(r, OUT_RETRY, 0, "unexpected reply \"%s\"", text);
}

/* Sends one request for k slots and judges the reply into r. */
static void
dk_send(const struct pctx *ctx, struct dk_slot *const *s, size_t k,
    struct dk_res *r)
{
	struct buf		 url = BUF_INIT(DK_URL_MAX);
	struct http_req		 req;
	struct http_resp	 resp;
	const char		*token = acct_get(ctx->acct, "token");
	char			 err[200];

	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	buf_init(&resp.body, DK_REPLY_MAX);
	if (token == NULL || dk_url(provider_base(ctx), token, s, k,
	    &url) == -1)
		dk_set(r, OUT_BADREQ, 0, "no token, or out of memory");
	else {
		req.url = buf_str(&url);
		req.max_body = DK_REPLY_MAX;
		if (http_do(ctx->http, &req, &resp) == 0)
			dk_judge(s, k, &resp, r);
		else {
			resp.error[sizeof(resp.error) - 1] = '\0';
			log_clean(err, sizeof(err), resp.error,
			    strlen(resp.error));
			dk_set(r, OUT_RETRY, 0, "no reply: %s", err);
		}
	}
	http_resp_free(&resp);
	if (url.data)
		memset(url.data, 0, url.len);	/* it holds the token */
	buf_free(&url);
}

/*
 * Slots and outcomes
 */

/* Cuts the changes into slots, one per name; returns how many. */
static size_t
dk_slots(struct change *ch, size_t n, struct dk_slot *s)
{
	size_t i, j, ns = 0;

	for (i = 0; i < n; i++) {
		for (j = 0; j < ns; j++)
			if (strcmp(s[j].name, ch[i].name) == 0 &&
			    (ch[i].fam == 4 ? s[j].c4 : s[j].c6) == NULL)
				break;
		if (j == ns) {
			memset(&s[ns], 0, sizeof(s[ns]));
			s[ns].name = ch[i].name;
			s[ns].req = -1;
			ns++;
		}
		if (ch[i].fam == 4)
			s[j].c4 = &ch[i];
		else
			s[j].c6 = &ch[i];
	}
	return ns;
}

/* Returns 1 when slots a and b carry the same addresses. */
static int
dk_same(const struct dk_slot *a, const struct dk_slot *b)
{
	if ((a->c4 == NULL) != (b->c4 == NULL) ||
	    (a->c6 == NULL) != (b->c6 == NULL))
		return 0;
	return (a->c4 == NULL || strcmp(a->c4->addr, b->c4->addr) == 0) &&
	    (a->c6 == NULL || strcmp(a->c6->addr, b->c6->addr) == 0);
}

/* Collects up to DK_MAX_NAMES unassigned slots alike to the first one
 * into pick, marking them as request r; returns how many. */
static size_t
dk_group(struct dk_slot *s, size_t ns, int r, struct dk_slot **pick)
{
	size_t i, k = 0;

	for (i = 0; i < ns && k < DK_MAX_NAMES; i++) {
		if (s[i].req != -1 || (k > 0 && !dk_same(pick[0], &s[i])))
			continue;
		s[i].req = r;
		pick[k++] = &s[i];
	}
	return k;
}

/* Sets the outcome of one change and logs a failure. */
static void
dk_settle(const struct pctx *ctx, struct change *c, const struct dk_res *r)
{
	const char *type;

	if (c == NULL)
		return;
	type = c->fam == 6 ? "AAAA" : "A";
	c->out = r->out;
	c->retry_after = r->out == OUT_RETRY || r->out == OUT_RATELIMIT ?
	    r->wait : 0;
	if (r->out == OUT_OK)
		log_debug("[%s] %s %s: duckdns: %s", ctx->acct->label, c->name,
		    type, r->msg);
	else
		log_err("[%s] %s %s: duckdns: %s", ctx->acct->label, c->name,
		    type, r->msg);
}

/* Sends the names in requests of alike names; after a refused token or
 * trouble at the service, the rest are not sent. */
static void
dk_update(const struct pctx *ctx, struct change *ch, size_t n)
{
	struct dk_slot	*s = calloc(n ? n : 1, sizeof(*s));
	struct dk_slot	*pick[DK_MAX_NAMES];
	struct dk_res	 r, held;
	size_t		 ns, k, i;
	int		 q, stopped = 0;

	memset(&held, 0, sizeof(held));
	if (s == NULL) {
		dk_set(&r, OUT_RETRY, 0, "out of memory");
		for (i = 0; i < n; i++)
			dk_settle(ctx, &ch[i], &r);
		return;
	}
	ns = dk_slots(ch, n, s);
	for (q = 0; (k = dk_group(s, ns, q, pick)) > 0; q++) {
		if (stopped)
			dk_set(&r, held.out, held.wait, "not sent: %s",
			    held.msg);
		else
			dk_send(ctx, pick, k, &r);
		for (i = 0; i < k; i++) {
			dk_settle(ctx, pick[i]->c4, &r);
			dk_settle(ctx, pick[i]->c6, &r);
		}
		if (!stopped && r.out != OUT_OK) {
			held = r;
			stopped = 1;
		}
	}
	free(s);
}

/* Checks the token and the record names at load time; 0 or -1. */
static int
dk_check(const struct account *a)
{
	const char	*token = acct_get(a, "token");
	size_t		 i;
	int		 rc = 0;

	if (token != NULL && token[strcspn(token, " \t\r\n")] != '\0') {
		acct_error(a, "token", "contains spaces or line breaks");
		rc = -1;
	}
	for (i = 0; i < a->nrecords; i++)
		if (dk_sub(a->records[i]) == 0) {
			acct_error(a, "records", "%s is not NAME" DK_SUFFIX
			    " (Duck DNS updates its own subdomains only)",
			    a->records[i]);
			rc = -1;
		}
	return rc;
}

static const struct provider_key dk_keys[] = {
	{ "token",	PKEY_REQUIRED | PKEY_SECRET },
	{ NULL,		0 }
};

const struct provider provider_duckdns = {
	.name = "duckdns",
	.api_base = "https://www.duckdns.org/update",
	.keys = dk_keys,
	.min_refresh = REFRESH_BLIND,
	.check = dk_check,
	.update = dk_update,
};
