/*
 * http.c - provider "http": any simple update API, described in the
 * config as a URL template (and optionally a method, a body, headers and
 * a text the reply must contain). Not to be confused with src/http.c, the
 * transport; everything here is static and prefixed hp_.
 *
 * One request per record. Placeholders ({name}, see src/template.h):
 *   {ip} {name} {type}     the record's new address, FQDN, "A"/"AAAA"
 *   {ipv4} {ipv6}          this run's new address of that family when a
 *                          record of the account gets it now, else ""
 *   {token} {username} {password} and any other key of the section
 * Values are percent-encoded in url; in body as the body's Content-Type
 * asks (form: percent-encoded, JSON: escaped as a JSON string's inside,
 * else as they are); in headers and success as they are. An unknown
 * placeholder is a config error.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "config.h"
#include "http.h"
#include "json.h"
#include "kv.h"
#include "log.h"
#include "provider.h"
#include "template.h"

#define HP_MAX_HEADERS	16			/* headers = lines at most */
#define HP_URL_MAX	8192			/* one expanded URL */
#define HP_BODY_MAX	((size_t)64 << 10)	/* one expanded body */
#define HP_HDR_MAX	4096			/* one expanded header */
#define HP_REPLY_MAX	((size_t)256 << 10)	/* one reply body */
#define HP_TEXT_MAX	120			/* server text quoted */

enum hp_enc {
	HP_ENC_RAW,	/* values as they are */
	HP_ENC_FORM,	/* percent-encoded */
	HP_ENC_JSON	/* escaped for the inside of a JSON string */
};

/* One record's request, expanded. */
struct hp_req {
	struct buf	 url;
	struct buf	 body;
	struct buf	 success;
	struct buf	 hdr[HP_MAX_HEADERS + 1];
	const char	*lines[HP_MAX_HEADERS + 2];	/* NULL-terminated */
	size_t		 nhdr;
	struct buf	 userpwd;
};

/* The batch a record's request is expanded from ({ipv4}, {ipv6}). */
struct hp_batch {
	const struct pctx	*ctx;
	const struct change	*ch;
	size_t			 n;
};

/*
 * Headers: "Name: value; Name: value" (a ';' starts a new header only
 * when a "Name:" follows it, so "text/plain; charset=utf-8" stays whole).
 */

/* Returns the length of a header name at p followed by ':', or 0. */
static size_t
hp_hname(const char *p)
{
	size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_");

	return n > 0 && p[n] == ':' ? n : 0;
}

/* Returns the end of the header starting at p: the ';' or newline
 * before the next "Name:", or the end of the text. */
static const char *
hp_hend(const char *p)
{
	const char *q;

	for (q = p; *q; q++) {
		if (*q == '\n' || *q == '\r')
			return q;
		if (*q == ';' && hp_hname(q + 1 + strspn(q + 1, " \t")) > 0)
			return q;
	}
	return q;
}

/* Splits the headers template into malloc'd header templates (trimmed,
 * empty ones skipped); returns how many, or -1 when one has no "Name:"
 * or there are too many. */
static int
hp_hsplit(const char *t, char **out)
{
	const char	*p = t, *end;
	size_t		 len;
	int		 n = 0;

	while (*p) {
		p += strspn(p, " \t\r\n;");
		if (*p == '\0')
			break;
		end = hp_hend(p);
		len = (size_t)(end - p);
		while (len > 0 && strchr(" \t;", p[len - 1]) != NULL)
			len--;
		if (hp_hname(p) == 0 || n == HP_MAX_HEADERS ||
		    (out[n] = xstrndup(p, len)) == NULL) {
			while (n > 0)
				free(out[--n]);
			return -1;
		}
		n++;
		p = end;
	}
	return n;
}

/*
 * Placeholders
 */

/* Puts the value of name in vars, encoded as enc; 0 or -1. */
static int
hp_var(struct kv *vars, const char *name, const char *val, enum hp_enc enc)
{
	cJSON	*s;
	char	*txt;
	int	 rc;

	if (enc != HP_ENC_JSON)
		return kv_set(vars, name, val);
	if ((s = cJSON_CreateString(val)) == NULL)
		return -1;
	txt = json_print(s);
	cJSON_Delete(s);
	if (txt == NULL)
		return -1;
	txt[strlen(txt) - 1] = '\0';	/* drop the quotes around it */
	rc = kv_set(vars, name, txt + 1);
	free(txt);
	return rc;
}

/* Returns this batch's new address of family fam; else the run's address
 * of it when the account manages that family (a service may read an empty
 * value as "clear" or "use the sender's address"); else "". */
static const char *
hp_addr(const struct hp_batch *b, const struct change *c, int fam)
{
	const struct pctx	*ctx = b->ctx;
	const char		*run = NULL;
	size_t			 i;

	if (c->fam == fam)
		return c->addr;
	for (i = 0; i < b->n; i++)
		if (b->ch[i].fam == fam)
			return b->ch[i].addr;
	if (ctx != NULL && (ctx->acct->fams & (fam == 4 ? FAM_V4 : FAM_V6)))
		run = fam == 4 ? ctx->addr4 : ctx->addr6;
	return run ? run : "";
}

/* Fills vars for change c of the batch b, encoded as enc; 0/-1. */
static int
hp_vars(struct kv *vars, const struct account *a, const struct hp_batch *b,
    const struct change *c, enum hp_enc enc)
{
	size_t	i;
	int	rc = 0;

	for (i = 0; i < a->keys.n; i++)
		rc |= hp_var(vars, a->keys.items[i].key, a->keys.items[i].val,
		    enc);
	rc |= hp_var(vars, "ip", c->addr, enc);
	rc |= hp_var(vars, "ipv4", hp_addr(b, c, 4), enc);
	rc |= hp_var(vars, "ipv6", hp_addr(b, c, 6), enc);
	rc |= hp_var(vars, "name", c->name, enc);
	rc |= hp_var(vars, "type", c->fam == 6 ? "AAAA" : "A", enc);
	return rc ? -1 : 0;
}

/* Expands template t with the variables of c into out; 0, or -1 with
 * why set. */
static int
hp_expand(const char *t, const struct account *a, const struct hp_batch *b,
    const struct change *c, enum hp_enc enc, struct buf *out,
    const char **why)
{
	struct kv	 vars = KV_INIT;
	const char	*bad = NULL;
	int		 rc;

	*why = "out of memory";
	rc = hp_vars(&vars, a, b, c, enc);
	if (rc == 0)
		rc = tmpl_expand(t, &vars, enc == HP_ENC_FORM ? TMPL_URLENC :
		    TMPL_RAW, out, &bad);
	if (rc == -1 && bad != NULL)
		*why = "unknown placeholder";
	else if (rc == -1 && out->len == out->max)
		*why = "the expanded text is too long";
	kv_free(&vars);
	return rc;
}

/*
 * Requests
 */

/* Returns the method: the method key upper-cased into m, else POST when
 * there is a body, else GET. */
static const char *
hp_method(const struct account *a, char *m, size_t n)
{
	const char	*v = acct_get(a, "method");
	size_t		 i;

	if (v == NULL || *v == '\0')
		return acct_get(a, "body") ? "POST" : "GET";
	for (i = 0; v[i] && i + 1 < n; i++)
		m[i] = (char)toupper((unsigned char)v[i]);
	m[i] = '\0';
	return m;
}

/* Returns the value of header name among the expanded headers, or NULL. */
static const char *
hp_header(const struct hp_req *q, const char *name)
{
	size_t	i, len = strlen(name);

	for (i = 0; i < q->nhdr; i++)
		if (strncasecmp(q->lines[i], name, len) == 0 &&
		    q->lines[i][len] == ':')
			return q->lines[i] + len + 1 + strspn(q->lines[i] +
			    len + 1, " \t");
	return NULL;
}

/* Returns 1 when s holds a control byte (a header must not). */
static int
hp_ctl(const char *s)
{
	for (; *s; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') ||
		    (unsigned char)*s == 0x7f)
			return 1;
	return 0;
}

/* Expands the headers; 0, or -1 with why set. */
static int
hp_build_headers(struct hp_req *q, const struct account *a,
    const struct hp_batch *b, const struct change *c, const char **why)
{
	const char	*t = acct_get(a, "headers");
	char		*h[HP_MAX_HEADERS];
	int		 k, i, rc = 0;

	if (t == NULL)
		return 0;
	if ((k = hp_hsplit(t, h)) == -1) {
		*why = "headers cannot be read";
		return -1;
	}
	for (i = 0; i < k; i++) {
		if (rc == 0 && hp_expand(h[i], a, b, c, HP_ENC_RAW,
		    &q->hdr[q->nhdr], why) == -1)
			rc = -1;
		else if (rc == 0 && hp_ctl(buf_str(&q->hdr[q->nhdr]))) {
			*why = "a header value holds a line break";
			rc = -1;
		} else if (rc == 0) {
			q->lines[q->nhdr] = buf_str(&q->hdr[q->nhdr]);
			q->nhdr++;
		}
		free(h[i]);
	}
	return rc;
}

/* Expands the body, adding a Content-Type when the headers have none:
 * JSON when the body starts with '{' or '[', else a form. 0, or -1. */
static int
hp_build_body(struct hp_req *q, const struct account *a,
    const struct hp_batch *b, const struct change *c, const char **why)
{
	const char	*t = acct_get(a, "body"), *ct;
	enum hp_enc	 enc;
	char		 first;

	if (t == NULL)
		return 0;
	first = t[strspn(t, " \t\r\n")];
	if ((ct = hp_header(q, "Content-Type")) == NULL) {
		ct = first == '{' || first == '[' ? "application/json" :
		    "application/x-www-form-urlencoded";
		if (buf_printf(&q->hdr[q->nhdr], "Content-Type: %s", ct) == -1)
			return -1;
		q->lines[q->nhdr] = buf_str(&q->hdr[q->nhdr]);
		q->nhdr++;
	}
	if (strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0)
		enc = HP_ENC_FORM;
	else if (strncasecmp(ct, "application/json", 16) == 0 ||
	    strstr(ct, "+json") != NULL)
		enc = HP_ENC_JSON;
	else
		enc = HP_ENC_RAW;
	return hp_expand(t, a, b, c, enc, &q->body, why);
}

/* Expands everything one request needs into q; 0, or -1 with why set. */
static int
hp_build(struct hp_req *q, const struct account *a, const struct hp_batch *b,
    const struct change *c, const char **why)
{
	const char	*user = acct_get(a, "username");
	const char	*pass = acct_get(a, "password");
	const char	*ok = acct_get(a, "success");
	size_t		 i;

	buf_init(&q->url, HP_URL_MAX);
	buf_init(&q->body, HP_BODY_MAX);
	buf_init(&q->success, HP_TEXT_MAX * 4);
	buf_init(&q->userpwd, 4096);
	for (i = 0; i <= HP_MAX_HEADERS; i++)
		buf_init(&q->hdr[i], HP_HDR_MAX);
	q->nhdr = 0;
	if (hp_expand(acct_get(a, "url"), a, b, c, HP_ENC_FORM, &q->url,
	    why) == -1 || hp_build_headers(q, a, b, c, why) == -1 ||
	    hp_build_body(q, a, b, c, why) == -1 ||
	    (ok && hp_expand(ok, a, b, c, HP_ENC_RAW, &q->success,
	    why) == -1))
		return -1;
	q->lines[q->nhdr] = NULL;
	if (user && pass && buf_printf(&q->userpwd, "%s:%s", user, pass) == -1)
		return -1;
	return 0;
}

/* Frees what hp_build made, wiping what may hold a secret. */
static void
hp_free(struct hp_req *q)
{
	size_t i;

	for (i = 0; i <= HP_MAX_HEADERS; i++) {
		if (q->hdr[i].data)
			memset(q->hdr[i].data, 0, q->hdr[i].len);
		buf_free(&q->hdr[i]);
	}
	if (q->url.data)
		memset(q->url.data, 0, q->url.len);
	if (q->body.data)
		memset(q->body.data, 0, q->body.len);
	if (q->userpwd.data)
		memset(q->userpwd.data, 0, q->userpwd.len);
	buf_free(&q->url);
	buf_free(&q->body);
	buf_free(&q->success);
	buf_free(&q->userpwd);
}

/* Judges a reply into r: 2xx, and the success text when there is one. */
static void
hp_judge(const struct hp_req *q, const struct http_resp *resp,
    struct presult *r)
{
	const char	*b = buf_str(&resp->body);
	enum outcome	 out = outcome_from_status(resp->status);
	char		 text[HP_TEXT_MAX];

	log_clean(text, sizeof(text), b, strcspn(b, "\r\n"));
	if (out != OUT_OK)
		presult_set(r, out, provider_wait(out, resp->retry_after),
		    "HTTP %ld%s%s%s", resp->status, *text ? " \"" : "", text,
		    *text ? "\"" : "");
	else if (q->success.len > 0 && strstr(b, buf_str(&q->success)) == NULL)
		presult_set(r, OUT_RETRY, 0, "the reply (HTTP %ld \"%s\") does "
		    "not contain the success text", resp->status, text);
	else
		presult_set(r, OUT_OK, 0, "HTTP %ld", resp->status);
}

/* Sends the request for change c of the batch arg (a struct hp_batch)
 * and judges it into r. */
static void
hp_send(void *arg, struct change *c, struct presult *r)
{
	const struct hp_batch	*b = arg;
	const struct pctx	*ctx = b->ctx;
	const struct account	*a = ctx->acct;
	struct hp_req		 q;
	struct http_req		 req;
	struct http_resp	 resp;
	const char		*why = NULL;
	char			 m[16], err[200];

	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	buf_init(&resp.body, HP_REPLY_MAX);
	if (hp_build(&q, a, b, c, &why) == -1)
		presult_set(r, OUT_BADREQ, 0, "cannot build the request: %s",
		    why ? why : "out of memory");
	else {
		req.method = hp_method(a, m, sizeof(m));
		req.url = buf_str(&q.url);
		req.headers = q.lines;
		req.body = q.body.data;
		req.body_len = q.body.len;
		req.userpwd = q.userpwd.len ? buf_str(&q.userpwd) : NULL;
		req.max_body = HP_REPLY_MAX;
		if (http_do(ctx->http, &req, &resp) == 0)
			hp_judge(&q, &resp, r);
		else {
			provider_http_error(err, sizeof(err), &resp);
			presult_set(r, OUT_RETRY, 0, "no reply: %s", err);
		}
	}
	http_resp_free(&resp);
	hp_free(&q);
}

/* One request per record; once the service says to wait (or cannot be
 * reached), the rest are not sent. */
static void
hp_update(const struct pctx *ctx, struct change *ch, size_t n)
{
	struct hp_batch b = { ctx, ch, n };

	presult_each(ctx, ch, n, OUTSET(OUT_RETRY) | OUTSET(OUT_RATELIMIT),
	    hp_send, &b);
}

/*
 * The config check
 */

/* Checks one template's placeholders against a sample change; 0, or -1
 * (reported). */
static int
hp_check_tmpl(const struct account *a, const char *key, const char *t)
{
	struct kv		 vars = KV_INIT;
	struct change		 c;
	struct hp_batch		 b = { NULL, &c, 1 };
	const char		*bad = NULL;
	int			 rc;

	memset(&c, 0, sizeof(c));
	c.name = "host.example.com";
	c.fam = 4;
	c.addr = "192.0.2.1";
	rc = hp_vars(&vars, a, &b, &c, HP_ENC_RAW);
	if (rc == 0 && t != NULL && tmpl_check(t, &vars, &bad) == -1 &&
	    bad != NULL) {
		acct_error(a, key, "unknown placeholder {%s} (use ip, ipv4, "
		    "ipv6, name, type, or a key set in this section such as "
		    "token)", bad);
		rc = -1;
	}
	kv_free(&vars);
	return rc;
}

/* Checks url: https:// (http:// only with insecure_http); 0 or -1. The
 * url is not quoted: a token written into it (${VAR}) would show. */
static int
hp_check_url(const struct account *a, const char *url)
{
	if (strncasecmp(url, "http://", 7) == 0 && !a->insecure_http)
		acct_error(a, "url", "plain http:// would send the request "
		    "unencrypted (set insecure_http = yes only for local "
		    "tests)");
	else if (strncasecmp(url, "http://", 7) != 0 &&
	    strncasecmp(url, "https://", 8) != 0)
		acct_error(a, "url", "does not start with https://");
	else if (a->endpoint != NULL)
		acct_error(a, "endpoint", "not used by provider http (the "
		    "address is in url)");
	else
		return 0;
	return -1;
}

/* Checks method against body; 0 or -1 (reported). */
static int
hp_check_method(const struct account *a)
{
	static const char *const ok[] = { "GET", "POST", "PUT", "PATCH",
	    "DELETE", NULL };
	const char	*given = acct_get(a, "method"), *meth;
	char		 m[16];
	size_t		 i;

	meth = hp_method(a, m, sizeof(m));
	for (i = 0; ok[i] != NULL && strcmp(ok[i], meth) != 0; i++)
		continue;
	if (ok[i] == NULL || (given != NULL && strlen(given) >= sizeof(m))) {
		acct_error(a, "method", "must be GET, POST, PUT, PATCH or "
		    "DELETE");
		return -1;
	}
	if (acct_get(a, "body") && (strcmp(meth, "GET") == 0 ||
	    strcmp(meth, "DELETE") == 0)) {
		acct_error(a, "body", "needs method POST, PUT or PATCH");
		return -1;
	}
	return 0;
}

/* Checks the headers template; 0 or -1 (reported). */
static int
hp_check_headers(const struct account *a, const char *t)
{
	char	*h[HP_MAX_HEADERS];
	int	 k;

	if (t == NULL)
		return 0;
	if ((k = hp_hsplit(t, h)) == -1) {
		acct_error(a, "headers", "must be \"Name: value\" items "
		    "separated by ';' (at most %d)", HP_MAX_HEADERS);
		return -1;
	}
	while (k > 0)
		free(h[--k]);
	return hp_check_tmpl(a, "headers", t);
}

/* Checks the account at load time; 0, or -1 (reported). */
static int
hp_check(const struct account *a)
{
	const char	*url = acct_get(a, "url");
	const char	*ok = acct_get(a, "success");
	int		 rc = 0;

	if (url != NULL && (hp_check_url(a, url) == -1 ||
	    hp_check_tmpl(a, "url", url) == -1))
		rc = -1;
	if (hp_check_method(a) == -1 ||
	    hp_check_tmpl(a, "body", acct_get(a, "body")) == -1 ||
	    hp_check_headers(a, acct_get(a, "headers")) == -1)
		rc = -1;
	if (ok != NULL && *ok == '\0') {
		acct_error(a, "success", "is empty (leave it out to accept "
		    "any 2xx reply)");
		rc = -1;
	} else if (hp_check_tmpl(a, "success", ok) == -1)
		rc = -1;
	return rc;
}

static const struct provider_key hp_keys[] = {
	{ "url",	PKEY_REQUIRED },
	{ "method",	0 },
	{ "body",	0 },
	{ "headers",	0 },
	{ "success",	0 },
	{ "token",	PKEY_SECRET },
	{ "username",	PKEY_SECRET },
	{ "password",	PKEY_SECRET },
	{ NULL,		0 }
};

const struct provider provider_http = {
	.name = "http",
	.api_base = NULL,
	.keys = hp_keys,
	.min_refresh = REFRESH_BLIND,
	.check = hp_check,
	.update = hp_update,
};
