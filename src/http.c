/*
 * http.c - HTTP(S) requests over libcurl; the only file that includes curl.
 *
 * One multi handle per run: transfers started through it share its
 * connection cache, so a second request to a host reuses the TLS session,
 * and concurrent requests to one host wait to multiplex over HTTP/2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "buf.h"
#include "http.h"
#include "log.h"
#include "platform.h"
#include "version.h"

#define HTTP_MAX_REDIRS	3
#define CA_MAX_BYTES	(8u << 20)
#define HTTP_MAX_DEAD	16
#define HTTP_KEY_MAX	300

struct http {
	long		 timeout_ms;
	char		*ca_file;
	char		*user_agent;
	CURLM		*multi;		/* NULL until the first request */
	CURLSH		*share;		/* TLS sessions of every request, so
					   a second connection to a host
					   resumes instead of a full
					   handshake; NULL: none */
	struct buf	 ca_blob;	/* ca_file (+ system bundle), when set */
	int		 capath_only;	/* trust curl's CA directory, not its
					   bundle file */
	char		 dead[HTTP_MAX_DEAD][HTTP_KEY_MAX];
					/* "family scheme://host:port" that
					   failed at transport level this run */
	size_t		 ndead;
	long long	 deadline;	/* http_multi returns then; 0 never */
};

struct xfer {
	CURL			*easy;
	struct curl_slist	*hdrs;
	const struct http_req	*req;
	struct http_resp	*resp;
	size_t			 max;
	long long		 t0;
	char			 errbuf[CURL_ERROR_SIZE];
	int			 state;	/* 0 waiting, 1 running, 2 done */
};

static int curl_ready;

struct http *
http_new(const struct http_opts *o)
{
	struct http *h = calloc(1, sizeof(*h));

	if (h == NULL)
		return NULL;
	h->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 10000;
	h->ca_file = xstrdup(o->ca_file);
	h->user_agent = xstrdup(o->user_agent ? o->user_agent :
	    "ddns-update/" DDNS_VERSION);
	buf_init(&h->ca_blob, CA_MAX_BYTES);
	if (h->user_agent == NULL || (o->ca_file && h->ca_file == NULL)) {
		http_free(h);
		return NULL;
	}
	return h;
}

void
http_free(struct http *h)
{
	if (h == NULL)
		return;
	if (h->multi)
		curl_multi_cleanup(h->multi);
	if (h->share)
		curl_share_cleanup(h->share);
	free(h->ca_file);
	free(h->user_agent);
	buf_free(&h->ca_blob);
	free(h);
}

/* Appends a whole file to b; 0 or -1. */
static int
slurp(struct buf *b, const char *path)
{
	FILE	*fp = plat_fopen(path, "rb");
	char	 chunk[8192];
	size_t	 n;
	int	 rc = 0;

	if (fp == NULL)
		return -1;
	while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		rc = buf_add(b, chunk, n);
	fclose(fp);
	return rc == 0 ? buf_adds(b, "\n") : -1;
}

/* Sets libcurl up on first use and builds the CA blob; 0 or -1. */
static int
http_setup(struct http *h)
{
	const curl_version_info_data *vi;

	if (h->multi)
		return 0;
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return -1;
		curl_ready = 1;
	}
	/*
	 * Trust: where curl has a hashed CA directory (Debian's
	 * /etc/ssl/certs), OpenSSL looks up only the CA a server needs;
	 * parsing the whole bundle file instead costs ~25 ms of CPU per run.
	 * ca_file adds its CAs as a blob; without a directory the blob must
	 * carry the system bundle too (a blob replaces the bundle file).
	 */
	vi = curl_version_info(CURLVERSION_NOW);
	h->capath_only = vi->capath != NULL && *vi->capath != '\0';
	if (h->ca_file) {
		if (!h->capath_only && vi->cainfo &&
		    slurp(&h->ca_blob, vi->cainfo) == -1)
			buf_reset(&h->ca_blob);	/* no system bundle: fine */
		if (slurp(&h->ca_blob, h->ca_file) == -1) {
			log_err("ca_file %s: cannot read it", h->ca_file);
			return -1;
		}
	}
	h->multi = curl_multi_init();
	if (h->multi == NULL)
		return -1;
	/* Concurrent requests to one host over HTTP/1.1 need connections of
	 * their own; sharing the TLS sessions lets the later ones resume. */
	h->share = curl_share_init();
	if (h->share && curl_share_setopt(h->share, CURLSHOPT_SHARE,
	    CURL_LOCK_DATA_SSL_SESSION) != CURLSHE_OK) {
		curl_share_cleanup(h->share);
		h->share = NULL;
	}
	return 0;
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;

	if (buf_add(&x->resp->body, p, size * n) == -1)
		return 0;	/* over the cap: abort the transfer */
	return size * n;
}

int
http_is_https(const char *url)
{
	return strncasecmp(url, "https://", 8) == 0;
}

/* Applies the request's options to a fresh easy handle; 0 or -1. */
static int
xfer_setup(struct http *h, struct xfer *x)
{
	const struct http_req	*r = x->req;
	CURL			*e = x->easy;
	const char *const	*hp;
	struct curl_blob	 blob;
	int			 bad = 0;

	for (hp = r->headers; hp && *hp; hp++)
		if ((x->hdrs = curl_slist_append(x->hdrs, *hp)) == NULL)
			return -1;
	bad |= curl_easy_setopt(e, CURLOPT_URL, r->url) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK;
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	if (h->share)
		curl_easy_setopt(e, CURLOPT_SHARE, h->share);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x->max);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, h->timeout_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, h->timeout_ms);
	curl_easy_setopt(e, CURLOPT_USERAGENT, h->user_agent);
	curl_easy_setopt(e, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	/* Only TLS can negotiate HTTP/2 (ALPN): over plain HTTP there is
	 * nothing to wait for, and waiting would put concurrent requests
	 * to one host in series behind the first reply. */
	if (http_is_https(r->url))
		curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
	if (x->hdrs)
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->hdrs);
	if (r->family == 4 || r->family == 6)
		curl_easy_setopt(e, CURLOPT_IPRESOLVE, r->family == 4 ?
		    CURL_IPRESOLVE_V4 : CURL_IPRESOLVE_V6);
	if (r->follow) {
		curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
		curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)HTTP_MAX_REDIRS);
		bad |= curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR,
		    http_is_https(r->url) ? "https" : "http,https") != CURLE_OK;
	}
	if (r->userpwd) {
		curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(e, CURLOPT_USERPWD, r->userpwd);
	}
	if (r->body) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)r->body_len);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body);
	}
	if (r->method && strcmp(r->method, r->body ? "POST" : "GET") != 0)
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r->method);
	if (h->capath_only)
		curl_easy_setopt(e, CURLOPT_CAINFO, NULL);
	if (h->ca_blob.len) {
		blob.data = h->ca_blob.data;
		blob.len = h->ca_blob.len;
		blob.flags = CURL_BLOB_NOCOPY;
		bad |= curl_easy_setopt(e, CURLOPT_CAINFO_BLOB, &blob) !=
		    CURLE_OK;
	}
	return bad ? -1 : 0;
}

/* Writes the key a host is remembered by: "family scheme://host[:port]". */
static void
host_key(const struct http_req *r, char out[HTTP_KEY_MAX])
{
	const char	*p = strstr(r->url, "://"), *host, *end, *at;

	host = p ? p + 3 : r->url;
	end = host + strcspn(host, "/?#");
	while ((at = memchr(host, '@', (size_t)(end - host))) != NULL)
		host = at + 1;
	snprintf(out, HTTP_KEY_MAX, "%d %.*s%.*s", r->family,
	    p ? (int)(p + 3 - r->url) : 0, r->url, (int)(end - host), host);
}

/* Returns 1 when the request's host already failed in this run. */
static int
host_dead(const struct http *h, const struct http_req *r)
{
	char	key[HTTP_KEY_MAX];
	size_t	i;

	host_key(r, key);
	for (i = 0; i < h->ndead; i++)
		if (strcmp(h->dead[i], key) == 0)
			return 1;
	return 0;
}

/* Remembers that a host did not answer, so the run does not wait for it
 * once per record. */
static void
host_mark_dead(struct http *h, const struct http_req *r)
{
	if (h->ndead < HTTP_MAX_DEAD && !host_dead(h, r))
		host_key(r, h->dead[h->ndead++]);
}

/* Starts transfer x on the multi handle; 0 or -1 (resp->error set). */
static int
xfer_start(struct http *h, struct xfer *x)
{
	if (host_dead(h, x->req)) {
		snprintf(x->resp->error, sizeof(x->resp->error), "not tried: "
		    "the host did not answer earlier in this run");
		return -1;
	}
	x->state = 1;
	x->t0 = plat_monotonic_ms();
	if ((x->easy = curl_easy_init()) == NULL || xfer_setup(h, x) == -1 ||
	    curl_multi_add_handle(h->multi, x->easy) != CURLM_OK) {
		snprintf(x->resp->error, sizeof(x->resp->error),
		    "cannot set up the request");
		return -1;
	}
	return 0;
}

/* Cuts "scheme://host/path" after the host, for URLs whose path is a
 * credential. */
static void
cut_path(char *where)
{
	char *host = strstr(where, "://");

	if (host != NULL)
		host[3 + strcspn(host + 3, "/")] = '\0';
}

/* Fills x's response after its transfer ended with code rc; 0 or -1. */
static int
xfer_finish(struct http *h, struct xfer *x, CURLcode rc)
{
	struct http_resp	*resp = x->resp;
	curl_off_t		 ra = -1;
	char			 where[512];

	x->state = 2;
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &resp->status);
	if (curl_easy_getinfo(x->easy, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK
	    && ra > 0)
		resp->retry_after = (long)ra;
	http_url_for_log(x->req->url, where, sizeof(where));
	if (x->req->secret_path)
		cut_path(where);
	if (rc == CURLE_OK) {
		log_debug("%s %s -> %ld (%lld ms)", x->req->method ?
		    x->req->method : "GET", where, resp->status,
		    plat_monotonic_ms() - x->t0);
		return 0;
	}
	resp->status = 0;
	if (rc == CURLE_OPERATION_TIMEDOUT)
		snprintf(resp->error, sizeof(resp->error), "timed out after "
		    "%ld s", h->timeout_ms / 1000);
	else if (rc == CURLE_WRITE_ERROR || rc == CURLE_FILESIZE_EXCEEDED)
		snprintf(resp->error, sizeof(resp->error), "reply larger than "
		    "%zu bytes", x->max);
	else if (rc == CURLE_TOO_MANY_REDIRECTS || rc ==
	    CURLE_UNSUPPORTED_PROTOCOL)
		snprintf(resp->error, sizeof(resp->error), "refused redirect "
		    "(loop, or away from https)");
	else
		snprintf(resp->error, sizeof(resp->error), "%s",
		    x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc));
	if (rc != CURLE_WRITE_ERROR && rc != CURLE_FILESIZE_EXCEEDED &&
	    rc != CURLE_TOO_MANY_REDIRECTS && rc != CURLE_UNSUPPORTED_PROTOCOL)
		host_mark_dead(h, x->req);
	log_debug("%s %s -> %s", x->req->method ? x->req->method : "GET",
	    where, resp->error);
	return -1;
}

static void
xfer_cleanup(struct http *h, struct xfer *x)
{
	if (x->easy) {
		curl_multi_remove_handle(h->multi, x->easy);
		curl_easy_cleanup(x->easy);
	}
	curl_slist_free_all(x->hdrs);
	x->easy = NULL;
	x->hdrs = NULL;
}

/* Starts waiting transfers while fewer than par are running. */
static void
start_more(struct http *h, struct xfer *xs, size_t n, size_t par,
    size_t *running, http_done_fn cb, void *arg, int *stop)
{
	size_t i;

	for (i = 0; i < n && *running < par && !*stop; i++) {
		if (xs[i].state != 0)
			continue;
		if (xfer_start(h, &xs[i]) == 0) {
			(*running)++;
			continue;
		}
		xs[i].state = 2;
		xfer_cleanup(h, &xs[i]);
		if (cb && cb(i, -1, xs[i].resp, arg))
			*stop = 1;
	}
}

/* Reaps finished transfers, calling cb; sets *stop when cb asks. */
static void
reap(struct http *h, struct xfer *xs, size_t *running, http_done_fn cb,
    void *arg, int *stop)
{
	CURLMsg		*m;
	struct xfer	*x;
	int		 left, rc;

	while ((m = curl_multi_info_read(h->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &x);
		rc = xfer_finish(h, x, m->data.result);
		xfer_cleanup(h, x);
		(*running)--;
		if (cb && !*stop && cb((size_t)(x - xs), rc, x->resp, arg))
			*stop = 1;
	}
}

void
http_multi_deadline(struct http *h, long long at_ms)
{
	h->deadline = at_ms;
}

/* Returns how long http_multi may wait for activity (ms), or -1 when its
 * deadline has passed. */
static int
poll_ms(const struct http *h)
{
	long long left;

	if (h->deadline == 0)
		return 200;
	left = h->deadline - plat_monotonic_ms();
	if (left <= 0)
		return -1;
	return left < 200 ? (int)left : 200;
}

int
http_multi(struct http *h, const struct http_req *reqs,
    struct http_resp *resps, size_t n, size_t par, http_done_fn cb, void *arg)
{
	struct xfer	*xs;
	size_t		 i, running = 0;
	int		 still, stop = 0, wait;

	for (i = 0; i < n; i++) {
		memset(&resps[i], 0, sizeof(resps[i]));
		buf_init(&resps[i].body, reqs[i].max_body);
		resps[i].retry_after = -1;
		snprintf(resps[i].error, sizeof(resps[i].error), "abandoned");
	}
	if (http_setup(h) == -1 || (xs = calloc(n ? n : 1, sizeof(*xs))) ==
	    NULL)
		return -1;
	for (i = 0; i < n; i++) {
		xs[i].req = &reqs[i];
		xs[i].resp = &resps[i];
		xs[i].max = reqs[i].max_body ? reqs[i].max_body : BUF_MAX_DEFAULT;
		resps[i].error[0] = '\0';
	}
	if (par == 0)
		par = n;
	h->deadline = 0;
	for (;;) {
		start_more(h, xs, n, par, &running, cb, arg, &stop);
		if (running == 0 || stop)
			break;
		if (curl_multi_perform(h->multi, &still) != CURLM_OK)
			break;
		reap(h, xs, &running, cb, arg, &stop);
		if ((wait = poll_ms(h)) < 0)
			break;
		if (running > 0 && !stop)
			curl_multi_poll(h->multi, NULL, 0, wait, NULL);
	}
	h->deadline = 0;
	for (i = 0; i < n; i++) {
		if (xs[i].state != 2) {
			xfer_cleanup(h, &xs[i]);
			resps[i].status = 0;
			snprintf(resps[i].error, sizeof(resps[i].error),
			    "abandoned");
		}
	}
	free(xs);
	return 0;
}

int
http_do(struct http *h, const struct http_req *req, struct http_resp *resp)
{
	if (http_multi(h, req, resp, 1, 1, NULL, NULL) == -1) {
		snprintf(resp->error, sizeof(resp->error), "cannot set up "
		    "the HTTP library");
		return -1;
	}
	return resp->status > 0 ? 0 : -1;
}

void
http_resp_free(struct http_resp *resp)
{
	buf_free(&resp->body);
}

void
http_url_for_log(const char *url, char *out, size_t n)
{
	const char	*p = strstr(url, "://"), *host, *at, *end;
	size_t		 len;

	if (p == NULL) {
		snprintf(out, n, "(invalid URL)");
		return;
	}
	host = p + 3;
	end = host + strcspn(host, "/?#");
	while ((at = memchr(host, '@', (size_t)(end - host))) != NULL)
		host = at + 1;	/* the last '@' ends the userinfo */
	len = strcspn(host, "?#");
	snprintf(out, n, "%.*s%.*s", (int)(p + 3 - url), url, (int)len, host);
}
