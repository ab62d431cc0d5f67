/*
 * dyndns2.c - the dyndns2 update protocol ("members NIC update") and the
 * services that speak it: plain dyndns2 (any server) and the presets noip,
 * dyndns, dynu, dnsomatic, he, ovh and strato, which only differ in their
 * URL and in a few habits described by a struct dd_service.
 *
 * Protocol: help.dyn.com/remote-access-api/perform-update/ and
 * help.dyn.com/remote-access-api/return-codes/. One GET
 *   SERVER?hostname=a,b,c&myip=ADDR
 * with HTTP Basic authentication; the reply holds one return code per
 * hostname, one per line, in the order asked ("good ADDR", "nochg ADDR",
 * "nohost", ...); codes about the account or the service come only once.
 *
 * The changes of one account are cut into "slots" (a hostname with the A
 * and/or AAAA address it carries), slots with the same addresses are put
 * in one request (up to the service's cap), the requests are sent
 * together (DD_PARALLEL at a time), and each reply is judged line by line
 * as it comes. When the service says to wait (911, dnserr, abuse, HTTP
 * 429/5xx) no further request starts, the rest of the account is left
 * alone and retry_after is set, so the engine keeps the back-off in the
 * state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "buf.h"
#include "config.h"
#include "http.h"
#include "kv.h"
#include "log.h"
#include "provider.h"

#define DD_MAX_HOSTS	20		/* hostnames per request (the spec's cap) */
/* Requests of one account in flight at once. No service documents a limit
 * on concurrent requests; they block clients that update too often
 * ("abuse"), which counts updates, not connections. 4 carries 80 hostnames
 * in one round trip, and after a reply that says to wait at most 3 more
 * were already on their way (none starts after it). */
#define DD_PARALLEL	4
#define DD_URL_MAX	8192		/* one request URL */
#define DD_REPLY_MAX	((size_t)64 << 10)	/* one reply body */
#define DD_LINE_MAX	160		/* one reply line, as quoted */
#define DD_WAIT_SERVER	1800		/* after 911 / dnserr: 30 min */
#define DD_WAIT_ABUSE	86400		/* after abuse: a day */
#define DD_WAIT_FATAL	3600		/* after a code that needs the user
					   (badauth, ...): an hour */

/* The presets' update URLs (see each service below for its doc). */
#define URL_DYNDNS	"https://members.dyndns.org/v3/update"
#define URL_NOIP	"https://dynupdate.no-ip.com/nic/update"
#define URL_DYNU	"https://api.dynu.com/nic/update"
#define URL_DNSOMATIC	"https://updates.dnsomatic.com/nic/update"
#define URL_HE	"https://dyn.dns.he.net/nic/update"
#define URL_OVH	"https://www.ovh.com/nic/update"
#define URL_STRATO	"https://dyndns.strato.com/nic/update"

/* How a service takes an IPv6 address. */
enum dd_v6 {
	V6_SEPARATE,	/* in its own request, in myip */
	V6_PARAM,	/* with the IPv4 one, in myipv6 */
	V6_COMMA	/* with the IPv4 one, in myip as "v4,v6" */
};

/* What differs between the services speaking dyndns2. */
struct dd_service {
	const char	*name;		/* provider name, for messages */
	const char	*url;		/* update URL; NULL: the server key */
	const char	*extra;		/* more query ("system=dyndns"), or NULL */
	size_t		 max_hosts;	/* hostnames per request */
	enum dd_v6	 v6;
	const char	*absent;	/* sent for a family not updated
					   ("no" for dynu), or NULL: omitted */
	int		 host_user;	/* the username is the hostname (he) */
	const char	*auth_hint;	/* what to check after badauth */
};

/* What the service said about one hostname. */
struct dd_res {
	struct presult	 p;		/* outcome, wait, message */
	int		 stop;		/* the rest of the account must wait */
};

/* A return code of the protocol. */
struct dd_code {
	const char	*code;
	enum outcome	 out;
	long		 wait;
	int		 account;	/* about the account or the service:
					   given once for every hostname */
	const char	*what;		/* what it means, what to do */
};

/* One account's settings for this run. */
struct dd {
	const struct pctx	*ctx;
	const struct dd_service	*svc;
	const char		*url;		/* where updates go */
	const char		*user, *pass;
	size_t			 max_hosts;
	enum dd_v6		 v6;
};

static const struct dd_code dd_codes[] = {
	{ "good", OUT_OK, 0, 0, NULL },
	{ "nochg", OUT_OK, 0, 0, NULL },
	{ "badauth", OUT_AUTH, DD_WAIT_FATAL, 1, "the service rejected the "
	    "username or "
	    "password; check them" },
	{ "!donator", OUT_BADREQ, DD_WAIT_FATAL, 1, "the update used a "
	    "feature this "
	    "account does not have (a paid option); check the account at the "
	    "service" },
	{ "notfqdn", OUT_NOTFOUND, 0, 0, "not a fully-qualified hostname of "
	    "this service; check records" },
	{ "nohost", OUT_NOTFOUND, 0, 0, "no such hostname in this account; "
	    "create it at the service or fix records" },
	{ "!yours", OUT_NOTFOUND, 0, 0, "the hostname belongs to another "
	    "account; check username and records" },
	{ "numhost", OUT_BADREQ, DD_WAIT_FATAL, 1, "too many hostnames in "
	    "one request "
	    "(for provider dyndns2, set hosts_per_request lower)" },
	{ "badagent", OUT_BADREQ, DD_WAIT_FATAL, 1, "the service refused "
	    "this client "
	    "(its User-Agent or HTTP method); please report it to the "
	    "ddns-update authors" },
	{ "abuse", OUT_RATELIMIT, DD_WAIT_ABUSE, 0, "the service blocked the "
	    "hostname for updating too often; unblock it at the service" },
	{ "dnserr", OUT_RETRY, DD_WAIT_SERVER, 1, "DNS error at the service" },
	{ "911", OUT_RETRY, DD_WAIT_SERVER, 1, "the service has a problem or "
	    "is in maintenance" },
	{ NULL, OUT_PENDING, 0, 0, NULL }
};

/* One request of an account's run. */
struct dd_req {
	size_t		 off, k;	/* its slots: order[off..off + k) */
	struct buf	 url;
	struct buf	 up;		/* "user:password", wiped after */
	int		 judged;	/* its slots have their results */
};

/* The requests of one account's run, sent together. */
struct dd_batch {
	const struct dd	*d;
	struct pslot	**order;	/* the slots, request after request */
	struct dd_res	*res;		/* one per slot, in that order */
	struct dd_req	*rq;
	size_t		 nrq;
	size_t		*sent;		/* http_multi index -> request */
	int		 stopped;	/* a reply said to wait */
	struct presult	 held;		/* what it said, for the rest */
};

/*
 * Replies
 */

/* Copies the next non-blank line at *p into out (cut at n - 1 bytes,
 * control bytes cleaned, trailing spaces dropped) and moves *p past it.
 * Returns 0, or -1 when no line is left. */
static int
dd_line(const char **p, char *out, size_t n)
{
	const char	*s = *p;
	size_t		 len;

	while (*s == '\n' || *s == '\r' || *s == ' ' || *s == '\t')
		s++;
	if (*s == '\0')
		return -1;
	len = strcspn(s, "\r\n");
	*p = s + len;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	log_clean(out, n, s, len);
	return 0;
}

/* Returns the protocol code a reply line starts with, or NULL. */
static const struct dd_code *
dd_code(const char *line)
{
	size_t	len = strcspn(line, " \t");
	int	i;

	for (i = 0; dd_codes[i].code != NULL; i++)
		if (strlen(dd_codes[i].code) == len &&
		    strncasecmp(line, dd_codes[i].code, len) == 0)
			return &dd_codes[i];
	return NULL;
}

/* Returns 1 when the slot asked for addr. */
static int
dd_asked(const struct pslot *s, const char *addr)
{
	return (s->c4 && strcmp(s->c4->addr, addr) == 0) ||
	    (s->c6 && strcmp(s->c6->addr, addr) == 0);
}

/*
 * Looks at the addresses after "good" or "nochg" (" 1.2.3.4", No-IP's
 * " 1.2.3.4,2001:db8::1"): returns 1 when one of them is 127.0.0.1 that
 * was not asked for (the service ignored the update), 2 when one of a
 * family the request sent differs from what it sent, else 0.
 */
static int
dd_other_addr(const struct pslot *s, const char *rest)
{
	char	 tok[64], canon[ADDR_STRLEN];
	size_t	 len;

	for (; *rest; rest += len) {
		rest += strspn(rest, " \t,");
		len = strcspn(rest, " \t,");
		if (len == 0 || len >= sizeof(tok))
			continue;
		memcpy(tok, rest, len);
		tok[len] = '\0';
		if (strcmp(tok, "127.0.0.1") == 0 && !dd_asked(s, tok))
			return 1;
		if (s->c4 && addr_canon(4, tok, canon) == 0 &&
		    strcmp(canon, s->c4->addr) != 0)
			return 2;
		if (s->c6 && addr_canon(6, tok, canon) == 0 &&
		    strcmp(canon, s->c6->addr) != 0)
			return 2;
	}
	return 0;
}

/* Judges one reply line about slot s into r. */
static void
dd_judge_line(const struct dd *d, const struct pslot *s, const char *line,
    struct dd_res *r)
{
	const struct dd_code	*c = dd_code(line);
	const char		*rest = line + strcspn(line, " \t");
	struct presult		*p = &r->p;
	long			 wait;
	int			 other;

	other = c != NULL && c->out == OUT_OK ? dd_other_addr(s, rest) : 0;
	/* a code that needs the user waits, except where each hostname has
	 * its own password (he): one wrong password must not stop the rest */
	wait = c == NULL || (d->svc->host_user && c->out != OUT_RETRY &&
	    c->out != OUT_RATELIMIT) ? 0 : c->wait;
	if (c == NULL)
		presult_set(p, OUT_RETRY, 0, "unexpected reply \"%s\"", line);
	else if (other == 1)
		presult_set(p, OUT_BADREQ, 0, "the service answered \"%s\": it "
		    "ignored the update (this client is refused); please "
		    "report it to the ddns-update authors", line);
	else if (other == 2)
		presult_set(p, OUT_RETRY, 0, "the service answered \"%s\", "
		    "another address than the one sent", line);
	else if (c->out == OUT_OK)
		presult_set(p, OUT_OK, 0, "%s", line);
	else
		presult_set(p, c->out, wait, "%s: %s%s", c->code, c->what,
		    c->out == OUT_AUTH && d->svc->auth_hint ?
		    d->svc->auth_hint : "");
	r->stop = wait > 0;
	if (c != NULL && c->account && !d->svc->host_user)
		r->stop = 1;
}

/* Judges an HTTP status with no protocol code in the body. */
static void
dd_judge_status(const struct dd *d, const struct http_resp *resp,
    struct dd_res *r)
{
	enum outcome out = outcome_from_status(resp->status);

	if (out == OUT_OK)
		presult_set(&r->p, OUT_RETRY, 0, "empty reply (HTTP %ld)",
		    resp->status);
	else
		presult_set(&r->p, out, provider_wait(out, resp->retry_after),
		    "HTTP %ld%s", resp->status,
		    out == OUT_AUTH ? ": check username and password" : "");
	r->stop = !(out == OUT_AUTH && d->svc->host_user);
}

/* Judges a reply about the k slots of a request into res[0..k). */
static void
dd_judge(const struct dd *d, struct pslot *const *s, size_t k,
    const struct http_resp *resp, struct dd_res *res)
{
	const char		*p = buf_str(&resp->body);
	const struct dd_code	*first = NULL;
	char			 line[DD_LINE_MAX];
	size_t			 i;

	if (dd_line(&p, line, sizeof(line)) == -1 ||
	    ((first = dd_code(line)) == NULL && resp->status / 100 != 2)) {
		for (i = 0; i < k; i++)
			dd_judge_status(d, resp, &res[i]);
		return;
	}
	/* A reply that does not start with a code is not a dyndns2 reply (an
	 * HTML page, a captive portal): none of its lines is an answer. */
	if (first == NULL) {
		for (i = 0; i < k; i++)
			presult_set(&res[i].p, OUT_RETRY, 0, "not a dyndns2 "
			    "reply: \"%s\"", line);
		return;
	}
	for (i = 0; i < k; i++) {
		if (i > 0 && dd_line(&p, line, sizeof(line)) == -1)
			break;
		dd_judge_line(d, s[i], line, &res[i]);
	}
	for (; i < k; i++) {
		if (first != NULL && first->account)
			res[i] = res[0];
		else
			presult_set(&res[i].p, OUT_RETRY, 0, "no reply line "
			    "for this hostname (HTTP %ld)", resp->status);
	}
	/* "good" under an error status (a proxy, a failing back end) is not
	 * trusted: the next run asks again and hears "nochg" if it held. */
	for (i = 0; i < k && resp->status / 100 != 2; i++)
		if (res[i].p.out == OUT_OK)
			dd_judge_status(d, resp, &res[i]);
	for (i = 0; i < k; i++)
		if (provider_wait(res[i].p.out, resp->retry_after) >
		    res[i].p.wait)
			res[i].p.wait = resp->retry_after;
}

/*
 * Requests
 */

/* Appends "&key=addr" (or the service's "absent" value when addr is
 * NULL; nothing when that is NULL too); 0 or -1. */
static int
dd_param(const struct dd *d, struct buf *u, const char *key, const char *addr)
{
	if (addr == NULL)
		addr = d->svc->absent;
	if (addr == NULL)
		return 0;
	if (buf_printf(u, "&%s=", key) == -1 || buf_add_urlenc(u, addr) == -1)
		return -1;
	return 0;
}

/* Appends the address parameters of a request whose slots all carry
 * the addresses a4 and a6 (either may be NULL); 0 or -1. */
static int
dd_addrs(const struct dd *d, struct buf *u, const char *a4, const char *a6)
{
	if (d->v6 == V6_PARAM)
		return dd_param(d, u, "myip", a4) | dd_param(d, u, "myipv6", a6);
	if (a4 == NULL || a6 == NULL)
		return dd_param(d, u, "myip", a4 ? a4 : a6);
	/* V6_COMMA with both: "myip=v4,v6" */
	if (dd_param(d, u, "myip", a4) == -1 || buf_adds(u, ",") == -1 ||
	    buf_add_urlenc(u, a6) == -1)
		return -1;
	return 0;
}

/*
 * Returns the address of family fam to send along with a change of the
 * other family, or NULL. Where both go in one request, a service may take
 * a missing one to mean "the address this request comes from" (No-IP sets
 * the A record so when only myipv6 is sent), which is wrong behind
 * CGNAT/DS-Lite: so the run's address of a family the account manages
 * goes too, even when that record is up to date.
 */
static const char *
dd_kept(const struct dd *d, int fam)
{
	if (d->v6 == V6_SEPARATE ||
	    !(d->ctx->acct->fams & (fam == 4 ? FAM_V4 : FAM_V6)))
		return NULL;
	return fam == 4 ? d->ctx->addr4 : d->ctx->addr6;
}

/* Builds the update URL for k slots of the same addresses into u; 0/-1. */
static int
dd_url(const struct dd *d, struct pslot *const *s, size_t k, struct buf *u)
{
	size_t	i;
	int	rc;

	rc = buf_adds(u, d->url);
	rc |= buf_adds(u, strchr(d->url, '?') ? "&" : "?");
	if (d->svc->extra)
		rc |= buf_printf(u, "%s&", d->svc->extra);
	rc |= buf_adds(u, "hostname=");
	for (i = 0; i < k && rc == 0; i++) {
		if (i > 0)
			rc |= buf_adds(u, ",");
		rc |= buf_add_urlenc(u, s[i]->name);
	}
	if (rc != 0)
		return -1;
	return dd_addrs(d, u, s[0]->c4 ? s[0]->c4->addr : dd_kept(d, 4),
	    s[0]->c6 ? s[0]->c6->addr : dd_kept(d, 6));
}

/* Builds request i of r into req: URL and Basic credentials; 0, or -1
 * with its slots failed. */
static int
dd_prepare(struct dd_batch *r, size_t i, struct http_req *req)
{
	const struct dd	*d = r->d;
	struct dd_req	*q = &r->rq[i];
	struct pslot	**s = r->order + q->off;
	size_t		 j;

	buf_init(&q->url, DD_URL_MAX);
	buf_init(&q->up, 4096);
	memset(req, 0, sizeof(*req));
	if (dd_url(d, s, q->k, &q->url) == -1 || buf_printf(&q->up, "%s:%s",
	    d->svc->host_user ? s[0]->name : d->user, d->pass) == -1) {
		for (j = 0; j < q->k; j++)
			presult_set(&r->res[q->off + j].p, OUT_BADREQ, 0,
			    "request too long or out of memory");
		q->judged = 1;
		return -1;
	}
	req->url = buf_str(&q->url);
	req->userpwd = buf_str(&q->up);
	req->max_body = DD_REPLY_MAX;
	return 0;
}

/* Judges the reply (rc 0) or the transport failure (rc -1) of request i
 * of r; the first result that says to wait stops the run. */
static void
dd_take(struct dd_batch *r, size_t i, int rc, const struct http_resp *resp)
{
	struct dd_req	*q = &r->rq[i];
	struct dd_res	*res = r->res + q->off;
	size_t		 j;
	char		 err[200];

	if (rc == 0)
		dd_judge(r->d, r->order + q->off, q->k, resp, res);
	else {
		provider_http_error(err, sizeof(err), resp);
		for (j = 0; j < q->k; j++) {
			presult_set(&res[j].p, OUT_RETRY, 0, "no reply: %s",
			    err);
			res[j].stop = 1;
		}
	}
	q->judged = 1;
	for (j = 0; j < q->k && !r->stopped; j++)
		if (res[j].stop) {
			r->held = res[j].p;
			r->stopped = 1;
		}
}

/* http_multi callback: judges one reply; 1 (abandon the rest) once the
 * service said to wait. */
static int
dd_on_reply(size_t i, int rc, struct http_resp *resp, void *arg)
{
	struct dd_batch *r = arg;

	dd_take(r, r->sent[i], rc, resp);
	return r->stopped;
}

/* Sends every request of r (at least one) that could be built,
 * DD_PARALLEL at a time, and judges the replies as they come. */
static void
dd_send_all(struct dd_batch *r)
{
	struct http_req		*reqs = calloc(r->nrq, sizeof(*reqs));
	struct http_resp	*resps = calloc(r->nrq, sizeof(*resps));
	size_t			 i, n = 0;

	r->sent = calloc(r->nrq, sizeof(*r->sent));
	if (reqs == NULL || resps == NULL || r->sent == NULL) {
		presult_set(&r->held, OUT_RETRY, 0, "out of memory");
		r->stopped = 1;
	} else {
		for (i = 0; i < r->nrq; i++)
			if (dd_prepare(r, i, &reqs[n]) == 0)
				r->sent[n++] = i;
		if (n > 0 && http_multi(r->d->ctx->http, reqs, resps, n,
		    DD_PARALLEL, dd_on_reply, r) == -1) {
			snprintf(resps[0].error, sizeof(resps[0].error),
			    "cannot set up the HTTP library");
			dd_take(r, r->sent[0], -1, &resps[0]);
		}
		/* replies that came with the one that said to wait count */
		for (i = 0; i < n; i++) {
			if (!r->rq[r->sent[i]].judged && resps[i].status > 0)
				dd_take(r, r->sent[i], 0, &resps[i]);
			http_resp_free(&resps[i]);
		}
	}
	free(reqs);
	free(resps);
}

/*
 * Slots and outcomes
 */

/* Sets the outcome of one change and logs a failure. */
static void
dd_settle1(const struct dd *d, struct change *c, const struct presult *r)
{
	if (c == NULL)
		return;
	c->out = r->out;
	c->retry_after = r->out != OUT_OK ? r->wait : 0;
	if (r->out == OUT_OK)
		log_debug("[%s] %s %s: %s said \"%s\"", d->ctx->acct->label,
		    c->name, c->fam == 6 ? "AAAA" : "A", d->svc->name, r->msg);
	else if (c->retry_after > 0)
		log_err("[%s] %s %s: %s: %s (no new request for %ld s)",
		    d->ctx->acct->label, c->name, c->fam == 6 ? "AAAA" : "A",
		    d->svc->name, r->msg, c->retry_after);
	else
		log_err("[%s] %s %s: %s: %s", d->ctx->acct->label, c->name,
		    c->fam == 6 ? "AAAA" : "A", d->svc->name, r->msg);
}

/* Cuts the ns slots into requests of alike slots (slot order kept
 * within each); 0, or -1 when out of memory. */
static int
dd_plan(struct dd_batch *r, struct pslot *s, size_t ns)
{
	size_t	off = 0, k;

	r->order = calloc(ns ? ns : 1, sizeof(*r->order));
	r->res = calloc(ns ? ns : 1, sizeof(*r->res));
	r->rq = calloc(ns ? ns : 1, sizeof(*r->rq));
	if (r->order == NULL || r->res == NULL || r->rq == NULL)
		return -1;
	while ((k = pslot_group(s, ns, r->d->max_hosts, (int)r->nrq,
	    r->order + off)) > 0) {
		r->rq[r->nrq].off = off;
		r->rq[r->nrq++].k = k;
		off += k;
	}
	return 0;
}

/* Frees what r holds, wiping the credentials. */
static void
dd_batch_free(struct dd_batch *r)
{
	size_t i;

	for (i = 0; r->rq != NULL && i < r->nrq; i++) {
		if (r->rq[i].up.data)
			memset(r->rq[i].up.data, 0, r->rq[i].up.len);
		buf_free(&r->rq[i].up);
		buf_free(&r->rq[i].url);
	}
	free(r->order);
	free(r->res);
	free(r->rq);
	free(r->sent);
}

/* Sends the ns slots in requests of alike slots, several at once; once
 * the service says to wait, no further request starts and those without
 * a reply get the same outcome. Returns 0, or -1 when out of memory
 * before anything was sent. */
static int
dd_run(const struct dd *d, struct pslot *s, size_t ns)
{
	struct dd_batch	 r;
	struct dd_req	*q;
	size_t		 i, j;

	memset(&r, 0, sizeof(r));
	r.d = d;
	if (dd_plan(&r, s, ns) == -1) {
		dd_batch_free(&r);
		return -1;
	}
	if (r.nrq > 0)
		dd_send_all(&r);
	for (i = 0; i < r.nrq; i++) {
		q = &r.rq[i];
		for (j = q->off; j < q->off + q->k; j++) {
			/* it may have been sent and carried out before
			 * its reply was given up: only a refusal of the
			 * whole account says it was not */
			if (!q->judged)
				presult_set(&r.res[j].p, r.held.out ==
				    OUT_RATELIMIT ? OUT_RETRY : r.held.out,
				    r.held.wait, "given up: %s", r.held.msg);
			dd_settle1(d, r.order[j]->c4, &r.res[j].p);
			dd_settle1(d, r.order[j]->c6, &r.res[j].p);
		}
	}
	dd_batch_free(&r);
	return 0;
}

/*
 * Set-up
 */

/* Parses an ipv6_mode value; 0, or -1 when unknown. */
static int
dd_parse_v6(const char *v, enum dd_v6 *out)
{
	if (v == NULL || strcmp(v, "separate") == 0)
		*out = V6_SEPARATE;
	else if (strcmp(v, "myipv6") == 0)
		*out = V6_PARAM;
	else if (strcmp(v, "comma") == 0)
		*out = V6_COMMA;
	else
		return -1;
	return 0;
}

/* Parses hosts_per_request (1 to DD_MAX_HOSTS); 0, or -1. */
static int
dd_parse_max(const char *v, size_t *out)
{
	char	*end;
	long	 n;

	if (v == NULL)
		return 0;
	n = strtol(v, &end, 10);
	if (*v < '0' || *v > '9' || *end != '\0' || n < 1 || n > DD_MAX_HOSTS)
		return -1;
	*out = (size_t)n;
	return 0;
}

/* Prepares d; 0, or -1 with every change failed (should not happen: the
 * config check refuses what would fail here). */
static int
dd_init(struct dd *d, const struct dd_service *svc, const struct pctx *ctx)
{
	const struct account *a = ctx->acct;

	memset(d, 0, sizeof(*d));
	d->ctx = ctx;
	d->svc = svc;
	d->url = a->endpoint && *a->endpoint ? a->endpoint :
	    svc->url ? svc->url : acct_get(a, "server");
	d->user = acct_get(a, "username");
	d->pass = acct_get(a, "password");
	d->max_hosts = svc->max_hosts;
	d->v6 = svc->v6;
	if (svc->url == NULL && (dd_parse_max(acct_get(a,
	    "hosts_per_request"), &d->max_hosts) == -1 ||
	    dd_parse_v6(acct_get(a, "ipv6_mode"), &d->v6) == -1))
		return -1;
	if (d->url == NULL || d->pass == NULL ||
	    (d->user == NULL && !svc->host_user))
		return -1;
	return 0;
}

/* Brings every change of one account to its address. */
static void
dd_update(const struct dd_service *svc, const struct pctx *ctx,
    struct change *ch, size_t n)
{
	struct dd	 d;
	struct pslot	*s = calloc(n ? n : 1, sizeof(*s));
	struct presult	 r;
	size_t		 i;

	memset(&r, 0, sizeof(r));
	memset(&d, 0, sizeof(d));
	if (s == NULL)
		presult_set(&r, OUT_RETRY, 0, "out of memory");
	else if (dd_init(&d, svc, ctx) == -1)
		presult_set(&r, OUT_BADREQ, 0, "server, username or password "
		    "missing or invalid");
	else if (dd_run(&d, s, pslot_cut(ch, n, d.v6 != V6_SEPARATE, s))
	    == 0) {
		free(s);
		return;
	} else
		presult_set(&r, OUT_RETRY, 0, "out of memory");
	d.ctx = ctx;
	d.svc = svc;
	for (i = 0; i < n; i++)
		dd_settle1(&d, &ch[i], &r);
	free(s);
}

/* Checks the server key of plain dyndns2: an https:// URL (http:// only
 * with insecure_http); 0, or -1 (reported). */
static int
dd_check_server(const struct account *a, const char *server)
{
	if (strncasecmp(server, "http://", 7) == 0 && !a->insecure_http)
		acct_error(a, "server", "plain http:// would send the password "
		    "unencrypted (set insecure_http = yes only for local "
		    "tests)");
	else if (strncasecmp(server, "http://", 7) != 0 &&
	    strncasecmp(server, "https://", 8) != 0)
		acct_error(a, "server", "is not an https:// URL (the full "
		    "update URL, like https://example.net/nic/update; the "
		    "value is not shown: it may hold a credential)");
	else if (strchr(server, '#') != NULL)
		acct_error(a, "server", "must not contain '#'");
	else
		return 0;
	return -1;
}

/* Checks the options of plain dyndns2; 0, or -1 (reported). */
static int
dd_check_plain(const struct account *a)
{
	const char	*server = acct_get(a, "server");
	enum dd_v6	 v6;
	size_t		 max;
	int		 rc = 0;

	if (server != NULL && dd_check_server(a, server) == -1)
		rc = -1;
	if (dd_parse_max(acct_get(a, "hosts_per_request"), &max) == -1) {
		acct_error(a, "hosts_per_request", "must be a number from 1 to "
		    "%d", DD_MAX_HOSTS);
		rc = -1;
	}
	if (dd_parse_v6(acct_get(a, "ipv6_mode"), &v6) == -1) {
		acct_error(a, "ipv6_mode", "must be separate, myipv6 or comma");
		rc = -1;
	}
	return rc;
}

/* Checks the keys of an account at load time; 0, or -1 (reported). */
static int
dd_check(const struct dd_service *svc, const struct account *a)
{
	const char	*user = acct_get(a, "username");
	int		 rc = 0;

	if (user != NULL && strchr(user, ':') != NULL) {
		acct_error(a, "username", "must not contain ':' (HTTP Basic "
		    "authentication cannot carry it)");
		rc = -1;
	}
	if (svc->url == NULL && dd_check_plain(a) == -1)
		rc = -1;
	return rc;
}

/*
 * The services
 */

static const struct provider_key dd_keys_plain[] = {
	{ "server",		PKEY_REQUIRED },
	{ "username",		PKEY_REQUIRED },
	{ "password",		PKEY_REQUIRED | PKEY_SECRET },
	{ "hosts_per_request",	0 },
	{ "ipv6_mode",		0 },
	{ NULL,			0 }
};

static const struct provider_key dd_keys_user[] = {
	{ "username",		PKEY_REQUIRED },
	{ "password",		PKEY_REQUIRED | PKEY_SECRET },
	{ NULL,			0 }
};

static const struct provider_key dd_keys_pass[] = {
	{ "password",		PKEY_REQUIRED | PKEY_SECRET },
	{ NULL,			0 }
};

/* Defines provider_ID for service svc_ID, with the given keys and URL. */
#define DD_PROVIDER(id, klist, url)					\
static void								\
id##_update(const struct pctx *ctx, struct change *ch, size_t n)	\
{									\
	dd_update(&svc_##id, ctx, ch, n);				\
}									\
static int								\
id##_check(const struct account *a)					\
{									\
	return dd_check(&svc_##id, a);					\
}									\
const struct provider provider_##id = {					\
	.name = #id,							\
	.api_base = url,						\
	.keys = klist,							\
	.min_refresh = REFRESH_BLIND,					\
	.check = id##_check,						\
	.update = id##_update,						\
}

/* Any dyndns2 server: the spec's 20 hostnames per request by default. */
static const struct dd_service svc_dyndns2 = {
	"dyndns2", NULL, NULL, DD_MAX_HOSTS, V6_SEPARATE, NULL, 0, NULL
};
DD_PROVIDER(dyndns2, dd_keys_plain, NULL);

/* Dyn (Oracle): help.dyn.com/remote-access-api/perform-update/ - the v3
 * URL takes an "updater client key" as password and "v4,v6" in myip. */
static const struct dd_service svc_dyndns = {
	"dyndns", URL_DYNDNS, NULL, DD_MAX_HOSTS,
	V6_COMMA, NULL, 0, " (the password is an updater client key)"
};
DD_PROVIDER(dyndns, dd_keys_user, URL_DYNDNS);

/* No-IP: www.noip.com/integrate/request - hostnames comma-separated,
 * IPv6 in myipv6; the username may be a DDNS key's. */
static const struct dd_service svc_noip = {
	"noip", URL_NOIP, NULL, DD_MAX_HOSTS,
	V6_PARAM, NULL, 0, " (or those of a DDNS key)"
};
DD_PROVIDER(noip, dd_keys_user, URL_NOIP);

/* Dynu: www.dynu.com/DynamicDNS/IP-Update-Protocol - one hostname per
 * request; myip/myipv6 = no leave a family alone (omitted, the service
 * would use the address the request came from). */
static const struct dd_service svc_dynu = {
	"dynu", URL_DYNU, NULL, 1, V6_PARAM, "no", 0,
	" (the IP update password, or its MD5/SHA-256)"
};
DD_PROVIDER(dynu, dd_keys_user, URL_DYNU);

/* DNS-O-Matic: www.dnsomatic.com/docs/api - one hostname per request. */
static const struct dd_service svc_dnsomatic = {
	"dnsomatic", URL_DNSOMATIC, NULL, 1,
	V6_SEPARATE, NULL, 0, " (your OpenDNS account)"
};
DD_PROVIDER(dnsomatic, dd_keys_user, URL_DNSOMATIC);

/* Hurricane Electric: dns.he.net/docs.html - the username is the record
 * itself and the password its DDNS key: one request per record. */
static const struct dd_service svc_he = {
	"he", URL_HE, NULL, 1, V6_SEPARATE, NULL,
	1, " (password must be the DDNS key generated for this record at "
	"dns.he.net)"
};
DD_PROVIDER(he, dd_keys_pass, URL_HE);

/* OVHcloud DynHost: help.ovhcloud.com "Use DynHost" - one hostname per
 * request, a DynHost username ("domain-suffix"). */
static const struct dd_service svc_ovh = {
	"ovh", URL_OVH, "system=dyndns", 1,
	V6_SEPARATE, NULL, 0, " (a DynHost username, not the OVHcloud login)"
};
DD_PROVIDER(ovh, dd_keys_user, URL_OVH);

/* STRATO: its DynDNS FAQ - the username is the domain, myip "v4,v6". */
static const struct dd_service svc_strato = {
	"strato", URL_STRATO, NULL, 1, V6_COMMA,
	NULL, 0, " (the username is the domain, the password the DynDNS "
	"password set for it)"
};
DD_PROVIDER(strato, dd_keys_user, URL_STRATO);
