/*
 * http.h - HTTP(S) requests; the only interface to libcurl.
 *
 * One struct http per run holds the options and a connection cache, so
 * requests to the same host reuse one TLS session. libcurl is initialised
 * lazily, on the first request: a run that needs no network pays nothing.
 * TLS verification is always on. Reply bodies are capped. Nothing here logs
 * headers, request bodies or query strings (they may hold secrets); -v
 * shows "METHOD scheme://host/path -> status".
 */
#ifndef DDNS_HTTP_H
#define DDNS_HTTP_H

#include <stddef.h>

#include "buf.h"

struct http;

struct http_opts {
	long		 timeout_ms;	/* bound on each request, connect included */
	const char	*ca_file;	/* extra PEM bundle trusted besides the
					   system's, or NULL */
	const char	*user_agent;	/* NULL: "ddns-update/VERSION" */
};

struct http_req {
	const char		*method;	/* NULL means GET */
	const char		*url;
	const char *const	*headers;	/* NULL-terminated "Name: value"
						   lines, or NULL; never logged */
	const char		*body;		/* request body, or NULL */
	size_t			 body_len;
	const char		*userpwd;	/* "user:password" for Basic
						   auth, or NULL; never logged */
	int			 family;	/* 0 any; 4 or 6: resolve and
						   connect with that family only */
	int			 follow;	/* follow up to 3 redirects,
						   never https -> http */
	size_t			 max_body;	/* reply cap; 0 = 1 MiB */
	int			 secret_path;	/* the path is a credential
						   (webhooks): log the host only */
};

struct http_resp {
	long		 status;	/* HTTP status, 0 when there was no reply */
	struct buf	 body;		/* reply body (NUL-terminated) */
	long		 retry_after;	/* Retry-After in seconds, -1 if absent */
	char		 error[256];	/* why there was no usable reply, for
					   messages ("connection refused", "timed
					   out after 10 s", "reply larger than
					   1048576 bytes") */
};

/* Creates a context; NULL when out of memory. Copies the strings. */
struct http	*http_new(const struct http_opts *o);
/* Frees the context and closes its connections (NULL is a no-op). */
void		 http_free(struct http *h);

/* Called as each request of http_multi completes (rc 0: got an HTTP reply
 * of any status; -1: transport failure, see resp->error). Return 1 to
 * abandon the requests still running, 0 to go on. */
typedef int	(*http_done_fn)(size_t i, int rc, struct http_resp *resp,
		    void *arg);

/* Runs n requests concurrently (at most max_parallel at once, 0 = all),
 * filling resps[i] for reqs[i] (callers release each with
 * http_resp_free). Returns when all are done or cb asked to stop; requests
 * abandoned or never started have status 0 and error "abandoned". Returns 0,
 * or -1 when the HTTP library could not be set up at all. */
int		 http_multi(struct http *h, const struct http_req *reqs,
		    struct http_resp *resps, size_t n, size_t max_parallel,
		    http_done_fn cb, void *arg);
/* Makes the http_multi in progress (called from its callback) return once
 * plat_monotonic_ms() reaches at_ms, abandoning the requests still
 * running; 0 removes the limit. Each http_multi starts without one. */
void		 http_multi_deadline(struct http *h, long long at_ms);
/* Runs one request. Returns 0 when an HTTP reply (any status) arrived,
 * -1 on transport failure (resp->error says why). */
int		 http_do(struct http *h, const struct http_req *req,
		    struct http_resp *resp);
/* Releases a response's body; the struct is reusable. */
void		 http_resp_free(struct http_resp *resp);
/* Writes "scheme://host/path" of url (no userinfo, no query, no fragment)
 * into out, for messages. */
void		 http_url_for_log(const char *url, char *out, size_t n);
/* Returns 1 when url starts with https:// (case-insensitive). */
int		 http_is_https(const char *url);

#endif
