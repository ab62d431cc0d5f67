/* fake_http.c - a scripted stand-in for src/http.c, and the rest of the
 * provider tests' harness (see fake_http.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "buf.h"
#include "config.h"
#include "fake_http.h"
#include "http.h"
#include "kv.h"
#include "log.h"
#include "provider.h"

#define FAKE_MAX	256	/* replies queued / requests recorded at most */

struct http {
	long	timeout_ms;	/* kept only so the struct is not empty */
};

struct fake_reply {
	long	 status;
	char	*body;
	long	 retry_after;
	char	*error;		/* non-NULL: transport failure */
};

static struct fake_reply	 replies[FAKE_MAX];
static size_t			 nreplies, next_reply;
static struct fake_req		 reqs[FAKE_MAX];
static size_t			 nreqs;
static size_t			 last_parallel;	/* of the last http_multi */
static struct buf		 last_log = BUF_INIT(0), all_log = BUF_INIT(0);
static FILE			*cap_file;
static int			 cap_saved = -1;

/* Returns 1 when a and b are equal ignoring ASCII case. */
static int
same_nocase(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int ca = (unsigned char)a[i], cb = (unsigned char)b[i];

		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb)
			return 0;
		if (ca == '\0')
			return 1;
	}
	return 1;
}

/* Queues an HTTP reply; 0 or -1. */
int
fake_http_push(long status, const char *body, long retry_after)
{
	struct fake_reply *r;

	if (nreplies == FAKE_MAX)
		return -1;
	r = &replies[nreplies];
	r->status = status;
	r->body = xstrdup(body ? body : "");
	r->retry_after = retry_after;
	r->error = NULL;
	if (r->body == NULL)
		return -1;
	nreplies++;
	return 0;
}

/* Queues a transport failure; 0 or -1. */
int
fake_http_push_fail(const char *error)
{
	struct fake_reply *r;

	if (nreplies == FAKE_MAX)
		return -1;
	r = &replies[nreplies];
	r->status = 0;
	r->body = NULL;
	r->retry_after = -1;
	r->error = xstrdup(error ? error : "fake transport failure");
	if (r->error == NULL)
		return -1;
	nreplies++;
	return 0;
}

/* Returns the number of requests recorded. */
size_t
fake_http_count(void)
{
	return nreqs;
}

/* Returns recorded request i, or NULL. */
const struct fake_req *
fake_http_req(size_t i)
{
	return i < nreqs ? &reqs[i] : NULL;
}

/* Returns the value of header name in r, or NULL. */
const char *
fake_http_header(const struct fake_req *r, const char *name)
{
	size_t i, n = strlen(name);

	if (r == NULL)
		return NULL;
	for (i = 0; i < r->nheaders; i++) {
		const char *h = r->headers[i];

		if (same_nocase(h, name, n) && h[n] == ':')
			return h[n + 1] == ' ' ? h + n + 2 : h + n + 1;
	}
	return NULL;
}

/* Returns the number of replies not taken yet. */
size_t
fake_http_pending(void)
{
	return nreplies - next_reply;
}

/* Frees one recorded request. */
static void
req_free(struct fake_req *r)
{
	size_t i;

	for (i = 0; i < r->nheaders; i++)
		free(r->headers[i]);
	free(r->headers);
	free(r->method);
	free(r->url);
	free(r->body);
	free(r->userpwd);
	memset(r, 0, sizeof(*r));
}

/* Forgets every queued reply and recorded request. */
void
fake_http_reset(void)
{
	size_t i;

	for (i = 0; i < nreplies; i++) {
		free(replies[i].body);
		free(replies[i].error);
	}
	for (i = 0; i < nreqs; i++)
		req_free(&reqs[i]);
	nreplies = next_reply = nreqs = last_parallel = 0;
}

/* Returns max_parallel of the last http_multi call, 0 when none. */
size_t
fake_http_parallel(void)
{
	return last_parallel;
}

/* Copies the request's headers into r; 0 or -1. */
static int
record_headers(struct fake_req *r, const char *const *h)
{
	size_t i, n = 0;

	while (h != NULL && h[n] != NULL)
		n++;
	if (n == 0)
		return 0;
	if ((r->headers = calloc(n, sizeof(char *))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if ((r->headers[i] = xstrdup(h[i])) == NULL)
			return -1;
		r->nheaders++;
	}
	return 0;
}

/* Records a copy of req; 0, or -1 when full or out of memory. */
static int
record(const struct http_req *req)
{
	struct fake_req *r;

	if (nreqs == FAKE_MAX)
		return -1;
	r = &reqs[nreqs++];
	memset(r, 0, sizeof(*r));
	r->method = xstrdup(req->method ? req->method : "GET");
	r->url = xstrdup(req->url ? req->url : "");
	if (req->body != NULL) {
		r->body = xstrndup(req->body, req->body_len);
		r->body_len = req->body_len;
	}
	r->userpwd = xstrdup(req->userpwd);
	r->family = req->family;
	r->follow = req->follow;
	r->max_body = req->max_body;
	if (r->method == NULL || r->url == NULL ||
	    (req->body != NULL && r->body == NULL) ||
	    (req->userpwd != NULL && r->userpwd == NULL))
		return -1;
	return record_headers(r, req->headers);
}

/* Fills resp from the next queued reply; 0, or -1 for a failure. */
static int
reply(const struct http_req *req, struct http_resp *resp)
{
	struct fake_reply	*r;
	size_t			 max = req->max_body ? req->max_body :
				    BUF_MAX_DEFAULT;

	if (next_reply == nreplies) {
		snprintf(resp->error, sizeof(resp->error),
		    "fake_http: no reply queued");
		return -1;
	}
	r = &replies[next_reply++];
	if (r->error != NULL) {
		snprintf(resp->error, sizeof(resp->error), "%s", r->error);
		return -1;
	}
	buf_init(&resp->body, max);
	if (buf_add(&resp->body, r->body, strlen(r->body)) == -1) {
		buf_free(&resp->body);
		snprintf(resp->error, sizeof(resp->error),
		    "reply larger than %zu bytes", max);
		return -1;
	}
	resp->status = r->status;
	resp->retry_after = r->retry_after;
	return 0;
}

/* Returns a fake context (no network ever); NULL on OOM. */
struct http *
http_new(const struct http_opts *o)
{
	struct http *h = calloc(1, sizeof(*h));

	if (h != NULL && o != NULL)
		h->timeout_ms = o->timeout_ms;
	return h;
}

/* Frees a fake context. */
void
http_free(struct http *h)
{
	free(h);
}

/* Records req and answers it with the next queued reply: 0, or -1 for
 * a queued (or unscripted) transport failure. */
int
http_do(struct http *h, const struct http_req *req, struct http_resp *resp)
{
	char	 u[512];
	int	 rc;

	(void)h;
	memset(resp, 0, sizeof(*resp));
	buf_init(&resp->body, req->max_body);
	resp->retry_after = -1;
	if (record(req) == -1) {
		snprintf(resp->error, sizeof(resp->error),
		    "fake_http: cannot record the request");
		return -1;
	}
	rc = reply(req, resp);
	http_url_for_log(req->url ? req->url : "", u, sizeof(u));
	if (rc == -1)
		log_debug("%s %s -> failed: %s", req->method ? req->method :
		    "GET", u, resp->error);
	else
		log_debug("%s %s -> %ld", req->method ? req->method : "GET",
		    u, resp->status);
	return rc;
}

/* Runs the requests one after the other, in order, calling cb after
 * each; the ones after a stop are "abandoned". Returns 0. */
int
http_multi(struct http *h, const struct http_req *rq, struct http_resp *resps,
    size_t n, size_t max_parallel, http_done_fn cb, void *arg)
{
	size_t	 i, j;
	int	 rc;

	last_parallel = max_parallel ? max_parallel : n;
	for (i = 0; i < n; i++) {
		rc = http_do(h, &rq[i], &resps[i]);
		if (cb != NULL && cb(i, rc, &resps[i], arg) == 1)
			break;
	}
	for (j = i + 1; j < n; j++) {
		memset(&resps[j], 0, sizeof(resps[j]));
		buf_init(&resps[j].body, rq[j].max_body);
		resps[j].retry_after = -1;
		snprintf(resps[j].error, sizeof(resps[j].error), "abandoned");
	}
	return 0;
}

/* Releases a response's body. */
void
http_resp_free(struct http_resp *resp)
{
	buf_free(&resp->body);
}

/* Writes scheme://host/path of url (no userinfo, query, fragment). */
void
http_url_for_log(const char *url, char *out, size_t n)
{
	const char	*p = strstr(url, "://"), *host, *at, *end;
	size_t		 len;

	if (n == 0)
		return;
	host = p ? p + 3 : url;
	end = host + strcspn(host, "/?#");
	at = memchr(host, '@', (size_t)(end - host));
	len = strcspn(host, "?#");
	if (at != NULL) {
		snprintf(out, n, "%.*s%.*s", (int)(host - url), url,
		    (int)(len - (size_t)(at + 1 - host)), at + 1);
		return;
	}
	snprintf(out, n, "%.*s", (int)(host - url + (ptrdiff_t)len), url);
}

/* Returns 1 when url starts with https:// (any case). */
int
http_is_https(const char *url)
{
	return url != NULL && strlen(url) >= 8 && same_nocase(url, "https://",
	    8);
}

/*
 * Request accessors
 */

/* Returns the URL of request i, or "". */
const char *
fake_http_url(size_t i)
{
	const struct fake_req *r = fake_http_req(i);

	return r ? r->url : "";
}

/* Returns the method of request i, or "". */
const char *
fake_http_method(size_t i)
{
	const struct fake_req *r = fake_http_req(i);

	return r ? r->method : "";
}

/* Returns header name of request i, or NULL. */
const char *
fake_http_req_header(size_t i, const char *name)
{
	return fake_http_header(fake_http_req(i), name);
}

/* Returns the body of request i parsed, or NULL (caller frees). */
cJSON *
fake_http_json(size_t i)
{
	const struct fake_req *r = fake_http_req(i);

	return r && r->body ? cJSON_Parse(r->body) : NULL;
}

/* Returns o[k] as a string, or NULL. */
const char *
fake_jstr(const cJSON *o, const char *k)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(it) ? it->valuestring : NULL;
}

/* Returns o[k] as a number, or -999 when absent or not a number. */
double
fake_jnum(const cJSON *o, const char *k)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(it) ? it->valuedouble : -999;
}

/*
 * Accounts, changes and runs
 */

/* Makes the test account and context; 0 or -1. */
int
fake_ctx_init(struct pctx *ctx, struct account *a, const struct provider *p,
    char *label, struct kv *cache)
{
	struct http_opts o = { 1000, NULL, NULL };

	log_init(1);	/* debug lines too: none may hold a secret */
	a->label = label;
	a->prov = p;
	a->file = "test.ini";
	a->line = 1;
	a->ttl = -1;
	memset(ctx, 0, sizeof(*ctx));
	ctx->acct = a;
	ctx->http = http_new(&o);
	ctx->cache = cache;
	ctx->now = 1700000000;
	return ctx->http != NULL ? 0 : -1;
}

/* Frees what the harness holds for a test. */
void
fake_ctx_free(struct pctx *ctx, struct account *a)
{
	http_free(ctx->http);
	ctx->http = NULL;
	fake_http_reset();
	kv_free(&a->keys);
	buf_free(&last_log);
	buf_free(&all_log);
}

/* Resets a's keys to the key, value pairs given; 0 or -1. */
int
fake_acct_keys(struct account *a, ...)
{
	va_list		 ap;
	const char	*k, *v;
	int		 rc = 0;

	kv_free(&a->keys);
	va_start(ap, a);
	for (k = va_arg(ap, const char *); k != NULL;
	    k = va_arg(ap, const char *)) {
		v = va_arg(ap, const char *);
		if (v != NULL && kv_set(&a->keys, k, v) == -1)
			rc = -1;
	}
	va_end(ap);
	return rc;
}

/* Fills change c. */
void
fake_change(struct change *c, const char *name, int fam, const char *addr,
    struct kv *k)
{
	memset(c, 0, sizeof(*c));
	c->name = name;
	c->fam = fam;
	c->addr = addr;
	c->ids = k;
	c->out = OUT_PENDING;
}

/* Runs p on the changes with stderr captured. */
void
fake_run(const struct provider *p, const struct pctx *ctx, struct change *ch,
    size_t n)
{
	fake_log_start();
	p->update(ctx, ch, n);
	fake_log_stop();
}

/* Runs p's check on a with stderr captured. */
int
fake_check(const struct provider *p, const struct account *a)
{
	int rc;

	fake_log_start();
	rc = p->check(a);
	fake_log_stop();
	return rc;
}

/*
 * Log capture
 */

/* Sends fd 2 to a temporary file until fake_log_stop(). */
void
fake_log_start(void)
{
	fflush(stderr);
	cap_file = tmpfile();
	if (cap_file == NULL)
		return;
	cap_saved = dup(2);
	dup2(fileno(cap_file), 2);
}

/* Restores fd 2; what was written goes to last_log and all_log. */
void
fake_log_stop(void)
{
	char	 b[4096];
	size_t	 n;

	buf_reset(&last_log);
	if (cap_file == NULL)
		return;
	fflush(stderr);
	dup2(cap_saved, 2);
	close(cap_saved);
	rewind(cap_file);
	while ((n = fread(b, 1, sizeof(b), cap_file)) > 0) {
		buf_add(&last_log, b, n);
		buf_add(&all_log, b, n);
	}
	fclose(cap_file);
	cap_file = NULL;
}

/* Returns the last capture. */
const char *
fake_log_last(void)
{
	return buf_str(&last_log);
}

/* Returns every capture. */
const char *
fake_log_all(void)
{
	return buf_str(&all_log);
}

/* Returns 1 when the last capture holds s. */
int
fake_logged(const char *s)
{
	return strstr(buf_str(&last_log), s) != NULL;
}
