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
dk_url(const char *base, const char *token, struct pslot *const *s,
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
dk_judge(struct pslot *const *s, size_t k, const struct http_resp *resp,
    struct presult *r)
{
	const char	*b = buf_str(&resp->body);
	size_t		 len = strcspn(b, "\r\n");
	enum outcome	 out = outcome_from_status(resp->status);
	char		 text[80], names[200];
	size_t		 i;

	if (out == OUT_OK && len == 2 && strncmp(b, "OK", 2) == 0) {
		presult_set(r, OUT_OK, 0, "OK");
		return;
	}
	if (out == OUT_OK && len == 2 && strncmp(b, "KO", 2) == 0) {
		names[0] = '\0';
		for (i = 0; i < k; i++)
			snprintf(names + strlen(names), sizeof(names) -
			    strlen(names), "%s%s", i ? ", " : "", s[i]->name);
		presult_set(r, OUT_AUTH, 0, "KO: the token was refused, or one "
		    "of %s is not in this Duck DNS account; check token and "
		    "records", names);
		return;
	}
	if (out != OUT_OK) {
		presult_set(r, out, provider_wait(out, resp->retry_after),
		    "HTTP %ld", resp->status);
		return;
	}
	log_clean(text, sizeof(text), b, len);
	presult_set(r, OUT_RETRY, 0, "unexpected reply \"%s\"", text);
}

/* Sends one request for k slots and judges the reply into r. */
static void
dk_send(const struct pctx *ctx, struct pslot *const *s, size_t k,
    struct presult *r)
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
		presult_set(r, OUT_BADREQ, 0, "no token, or out of memory");
	else {
		req.url = buf_str(&url);
		req.max_body = DK_REPLY_MAX;
		if (http_do(ctx->http, &req, &resp) == 0)
			dk_judge(s, k, &resp, r);
		else {
			provider_http_error(err, sizeof(err), &resp);
			presult_set(r, OUT_RETRY, 0, "no reply: %s", err);
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

/* Sends the names in requests of alike names; after a refused token or
 * trouble at the service, the rest are not sent. */
static void
dk_update(const struct pctx *ctx, struct change *ch, size_t n)
{
	struct pslot	*s = calloc(n ? n : 1, sizeof(*s));
	struct pslot	*pick[DK_MAX_NAMES];
	struct presult	 r, held;
	size_t		 ns, k, i;
	int		 q, stopped = 0;

	memset(&held, 0, sizeof(held));
	if (s == NULL) {
		presult_set(&r, OUT_RETRY, 0, "out of memory");
		for (i = 0; i < n; i++)
			presult_settle(ctx, &ch[i], &r);
		return;
	}
	ns = pslot_cut(ch, n, 1, s);
	for (q = 0; (k = pslot_group(s, ns, DK_MAX_NAMES, q, pick)) > 0; q++) {
		if (stopped)
			presult_set(&r, held.out, held.wait, "not sent: %s",
			    held.msg);
		else
			dk_send(ctx, pick, k, &r);
		for (i = 0; i < k; i++) {
			presult_settle(ctx, pick[i]->c4, &r);
			presult_settle(ctx, pick[i]->c6, &r);
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
