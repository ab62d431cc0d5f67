/*
 * fake_http.h - a scripted stand-in for src/http.c in provider unit tests.
 *
 * fake_http.c implements every function of http.h without any network.
 * A test queues the replies it wants, in order, with fake_http_push()
 * (an HTTP reply of any status) or fake_http_push_fail() (a transport
 * failure); each request then takes the next reply, and is recorded
 * (method, URL, headers, body) for the test to inspect. A request that
 * finds the queue empty fails as a transport error "fake_http: no reply
 * queued", so a provider making more requests than scripted is noticed.
 *
 * Reply bodies are copied into resp->body with buf_add under the request's
 * max_body cap (an oversized reply fails like the real one), so providers'
 * real parsers run on them. Like http.c, the fake logs
 * "METHOD scheme://host/path -> status" at debug level and nothing else.
 *
 * The second half is the rest of the harness the provider tests share.
 */
#ifndef DDNS_FAKE_HTTP_H
#define DDNS_FAKE_HTTP_H

#include <stddef.h>

/* One request as the fake saw it; all strings are copies. */
struct fake_req {
	char		*method;	/* "GET" when the request gave NULL */
	char		*url;
	char		**headers;	/* the "Name: value" lines, in order */
	size_t		 nheaders;
	char		*body;		/* NUL-terminated copy, NULL if none */
	size_t		 body_len;
	char		*userpwd;	/* NULL if none */
	int		 family;
	int		 follow;
	size_t		 max_body;
};

/* Queues an HTTP reply: status, body (NULL means empty), and the
 * Retry-After seconds (-1 for none). 0, or -1 when out of memory. */
int			 fake_http_push(long status, const char *body,
			    long retry_after);
/* Queues a transport failure whose resp->error is error. 0 or -1. */
int			 fake_http_push_fail(const char *error);
/* Returns the number of requests made since the last reset. */
size_t			 fake_http_count(void);
/* Returns request i (0 is the first), or NULL when there is none. */
const struct fake_req	*fake_http_req(size_t i);
/* Returns the value of header name (case-insensitive) in r, or NULL. */
const char		*fake_http_header(const struct fake_req *r,
			    const char *name);
/* Returns the max_parallel of the last http_multi call since the reset
 * (n when it gave 0, "all"), or 0 when there was none. The fake runs
 * them one after the other, in order, whatever it is. */
size_t			 fake_http_parallel(void);
/* Returns the number of queued replies no request has taken yet. */
size_t			 fake_http_pending(void);
/* Forgets every queued reply and every recorded request. */
void			 fake_http_reset(void);
/* Returns the URL of request i, or "" when there is none. */
const char		*fake_http_url(size_t i);
/* Returns the method of request i, or "" when there is none. */
const char		*fake_http_method(size_t i);
/* Returns the value of header name in request i, or NULL. */
const char		*fake_http_req_header(size_t i, const char *name);
/* Returns the body of request i parsed as JSON, or NULL (caller frees). */
struct cJSON		*fake_http_json(size_t i);

/*
 * What every provider test needs besides the transport: a test account
 * and context, changes, the provider run with stderr captured (to check
 * what it logged, and that no secret was), and JSON field readers.
 */

struct account;
struct change;
struct kv;
struct pctx;
struct provider;

/* Makes a an account of provider p labelled label (file test.ini, line 1,
 * no TTL) and ctx a context over it with a fake transport, the cache and
 * the clock at 1700000000; turns debug logging on. 0 or -1. */
int			 fake_ctx_init(struct pctx *ctx, struct account *a,
			    const struct provider *p, char *label,
			    struct kv *cache);
/* Frees the transport, a's keys, the queue and the captured logs. */
void			 fake_ctx_free(struct pctx *ctx, struct account *a);
/* Drops every key of a, then sets the pairs key, value (a NULL value
 * leaves that key out) up to a NULL key; 0 or -1. */
int			 fake_acct_keys(struct account *a, ...);
/* Fills c: name, family, address, ids k, OUT_PENDING, the rest zero. */
void			 fake_change(struct change *c, const char *name,
			    int fam, const char *addr, struct kv *k);
/* Runs p's update on the n changes with stderr captured. */
void			 fake_run(const struct provider *p,
			    const struct pctx *ctx, struct change *ch,
			    size_t n);
/* Runs p's check on a with stderr captured; returns what it returns. */
int			 fake_check(const struct provider *p,
			    const struct account *a);
/* Sends stderr (fd 2) to a temporary file until fake_log_stop(). */
void			 fake_log_start(void);
/* Restores stderr; what was written becomes the last log and is added
 * to the whole log. */
void			 fake_log_stop(void);
/* Returns what the last capture caught (never NULL). */
const char		*fake_log_last(void);
/* Returns what every capture caught (never NULL). */
const char		*fake_log_all(void);
/* Returns 1 when the last capture caught s. */
int			 fake_logged(const char *s);
/* Returns o[k] when it is a string, else NULL. */
const char		*fake_jstr(const struct cJSON *o, const char *k);
/* Returns o[k] when it is a number, else -999. */
double			 fake_jnum(const struct cJSON *o, const char *k);

#endif
