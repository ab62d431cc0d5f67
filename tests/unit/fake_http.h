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
/* Returns the number of queued replies no request has taken yet. */
size_t			 fake_http_pending(void);
/* Forgets every queued reply and every recorded request. */
void			 fake_http_reset(void);

#endif
