/*
 * namecheap.c - Namecheap's dynamic DNS, its own small protocol.
 *
 * API: namecheap.com knowledge base, "How do I use a browser to dynamically
 * update the host's IP?" (article 29/11):
 *   GET https://dynamicdns.park-your-domain.com/update
 *       ?host=HOST&domain=DOMAIN&password=DDNS_PASSWORD&ip=ADDR
 * HOST is the record's name within the domain ("@" for the domain itself,
 * "*" for the wildcard). The password is the domain's Dynamic DNS password,
 * not the account's. IPv4 only. The reply is XML:
 *   <interface-response>...<ErrCount>0</ErrCount>...<Done>true</Done>
 * with <errors><Err1>text</Err1></errors> when ErrCount is not 0. There is
 * no XML library here: a bounded tag extractor reads the two tags we need.
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

#define NC_URL_MAX	4096			/* one request URL */
#define NC_REPLY_MAX	((size_t)64 << 10)	/* one reply body */
#define NC_TEXT_MAX	160			/* server text quoted */

/* One account's settings for this run. */
struct nc {
	const struct pctx	*ctx;
	const char		*url;		/* update URL */
	const char		*domain;
	const char		*pass;
};

/* Returns the length of domain without a final dot. */
static size_t
nc_domlen(const char *domain)
{
	size_t n = strlen(domain);

	return n > 0 && domain[n - 1] == '.' ? n - 1 : n;
}

/* Writes the host part of name within domain into out ("@" for the
 * domain itself); 0, or -1 when name is not in domain. */
static int
nc_host(const char *name, const char *domain, char *out, size_t n)
{
	size_t dl = nc_domlen(domain), nl = strlen(name);

	if (dl == 0 || dl >= n)
		return -1;
	if (nl == dl && strncasecmp(name, domain, dl) == 0) {
		snprintf(out, n, "@");
		return 0;
	}
	if (nl <= dl + 1 || name[nl - dl - 1] != '.' ||
	    strncasecmp(name + nl - dl, domain, dl) != 0 || nl - dl - 1 >= n)
		return -1;
	snprintf(out, n, "%.*s", (int)(nl - dl - 1), name);
	return 0;
}

/*
 * Replies
 */

/* Copies the text between <tag> and </tag> in xml into out (cleaned, cut
 * at n - 1 bytes); 0, or -1 when the tag is absent or not closed. */
static int
nc_tag(const char *xml, const char *tag, char *out, size_t n)
{
	char		 open[32], close[32];
	const char	*a, *b;

	if (snprintf(open, sizeof(open), "<%s>", tag) >= (int)sizeof(open) ||
	    snprintf(close, sizeof(close), "</%s>", tag) >= (int)sizeof(close))
		return -1;
	if ((a = strstr(xml, open)) == NULL)
		return -1;
	a += strlen(open);
	if ((b = strstr(a, close)) == NULL)
		return -1;
	while (a < b && (*a == ' ' || *a == '\n' || *a == '\r' || *a == '\t'))
		a++;
	while (b > a && (b[-1] == ' ' || b[-1] == '\n' || b[-1] == '\r' ||
	    b[-1] == '\t'))
		b--;
	log_clean(out, n, a, (size_t)(b - a));
	return 0;
}

/* Returns 1 when text contains word, ignoring case. */
static int
nc_has(const char *text, const char *word)
{
	size_t n = strlen(word);

	for (; *text; text++)
		if (strncasecmp(text, word, n) == 0)
			return 1;
	return 0;
}

/* Classifies an error text of the service into r. */
static void
nc_error(const char *err, struct presult *r)
{
	if (nc_has(err, "password"))
		presult_set(r, OUT_AUTH, 0, "\"%s\": check password (the "
		    "domain's Dynamic DNS password from Advanced DNS, not the "
		    "account password)", err);
	else if (nc_has(err, "not found") || nc_has(err, "not active") ||
	    nc_has(err, "no records") || nc_has(err, "no domain"))
		presult_set(r, OUT_NOTFOUND, 0, "\"%s\": check domain and "
		    "records (the host needs an A record in Advanced DNS, and "
		    "Dynamic DNS must be enabled)", err);
	else if (nc_has(err, "too many"))
		presult_set(r, OUT_RATELIMIT, 0, "\"%s\"", err);
	else
		presult_set(r, OUT_BADREQ, 0, "\"%s\"", err);
}

/* Judges a reply into r. */
static void
nc_judge(const struct http_resp *resp, struct presult *r)
{
	const char	*xml = buf_str(&resp->body);
	char		 count[16], err[NC_TEXT_MAX];
	enum outcome	 out = outcome_from_status(resp->status);

	if (out != OUT_OK) {
		presult_set(r, out, provider_wait(out, resp->retry_after),
		    "HTTP %ld", resp->status);
		return;
	}
	if (nc_tag(xml, "ErrCount", count, sizeof(count)) == -1 ||
	    count[0] < '0' || count[0] > '9' ||
	    count[strspn(count, "0123456789")] != '\0') {
		presult_set(r, OUT_RETRY, 0, "unexpected reply (no ErrCount; "
		    "HTTP %ld)", resp->status);
		return;
	}
	if (strspn(count, "0") == strlen(count)) {
		presult_set(r, OUT_OK, 0, "ErrCount 0");
		return;
	}
	if (nc_tag(xml, "Err1", err, sizeof(err)) == -1 || err[0] == '\0')
		snprintf(err, sizeof(err), "%s error(s), no message", count);
	nc_error(err, r);
}

/*
 * Requests
 */

/* Builds the update URL for name and addr into u; 0, or -1. */
static int
nc_url(const struct nc *c, const char *name, const char *addr, struct buf *u)
{
	char	host[256];
	size_t	dl = nc_domlen(c->domain);

	if (nc_host(name, c->domain, host, sizeof(host)) == -1)
		return -1;
	if (buf_printf(u, "%s%s", c->url, strchr(c->url, '?') ? "&" : "?") ||
	    buf_adds(u, "host=") || buf_add_urlenc(u, host) ||
	    buf_adds(u, "&domain=") || buf_add(u, c->domain, dl) ||
	    buf_adds(u, "&password=") || buf_add_urlenc(u, c->pass) ||
	    buf_adds(u, "&ip=") || buf_add_urlenc(u, addr))
		return -1;
	return 0;
}

/* Updates one record (arg is the struct nc); the outcome goes into r. */
static void
nc_send(void *arg, struct change *ch, struct presult *r)
{
	const struct nc		*c = arg;
	struct buf		 url = BUF_INIT(NC_URL_MAX);
	struct http_req		 req;
	struct http_resp	 resp;
	char			 err[200];

	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	buf_init(&resp.body, NC_REPLY_MAX);
	if (c->domain == NULL || c->pass == NULL)
		presult_set(r, OUT_BADREQ, 0, "domain or password missing");
	else if (ch->fam != 4)
		presult_set(r, OUT_BADREQ, 0, "Namecheap dynamic DNS takes "
		    "IPv4 only");
	else if (nc_url(c, ch->name, ch->addr, &url) == -1)
		presult_set(r, OUT_BADREQ, 0, "not a name in domain %s (or out "
		    "of memory)", c->domain);
	else {
		req.url = buf_str(&url);
		req.max_body = NC_REPLY_MAX;
		if (http_do(c->ctx->http, &req, &resp) == 0)
			nc_judge(&resp, r);
		else {
			provider_http_error(err, sizeof(err), &resp);
			presult_set(r, OUT_RETRY, 0, "no reply: %s", err);
		}
	}
	http_resp_free(&resp);
	if (url.data)
		memset(url.data, 0, url.len);	/* it holds the password */
	buf_free(&url);
}

/* One request per record; after a failure that concerns the whole
 * account (auth, rate limit, service trouble) the rest are not sent. */
static void
nc_update(const struct pctx *ctx, struct change *ch, size_t n)
{
	struct nc c;

	memset(&c, 0, sizeof(c));
	c.ctx = ctx;
	c.url = provider_base(ctx);
	c.domain = acct_get(ctx->acct, "domain");
	c.pass = acct_get(ctx->acct, "password");
	presult_each(ctx, ch, n, OUTSET(OUT_AUTH) | OUTSET(OUT_RETRY) |
	    OUTSET(OUT_RATELIMIT), nc_send, &c);
}

/* Checks type, domain and records at load time; 0, or -1 (reported). */
static int
nc_check(const struct account *a)
{
	const char	*domain = acct_get(a, "domain");
	char		 host[256];
	size_t		 i;
	int		 rc = 0;

	if (a->fams & FAM_V6) {
		acct_error(a, "type", "Namecheap dynamic DNS takes IPv4 only "
		    "(use type = A)");
		rc = -1;
	}
	if (domain == NULL || nc_domlen(domain) == 0 ||
	    strchr(domain, '.') == NULL ||
	    domain[strcspn(domain, "/?&#=% \t")] != '\0') {
		acct_error(a, "domain", "\"%s\" is not a domain name like "
		    "example.com", domain ? domain : "");
		return -1;
	}
	for (i = 0; i < a->nrecords; i++)
		if (nc_host(a->records[i], domain, host, sizeof(host)) == -1) {
			acct_error(a, "records", "%s is not %s or a name in it",
			    a->records[i], domain);
			rc = -1;
		}
	return rc;
}

static const struct provider_key nc_keys[] = {
	{ "domain",	PKEY_REQUIRED },
	{ "password",	PKEY_REQUIRED | PKEY_SECRET },
	{ NULL,		0 }
};

const struct provider provider_namecheap = {
	.name = "namecheap",
	.api_base = "https://dynamicdns.park-your-domain.com/update",
	.keys = nc_keys,
	.min_refresh = REFRESH_BLIND,
	.check = nc_check,
	.update = nc_update,
};
