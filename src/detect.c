/*
 * detect.c - find the current public address of each family (see detect.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "buf.h"
#include "config.h"
#include "detect.h"
#include "http.h"
#include "log.h"
#include "platform.h"
#include "utf8.h"

#define DETECT_BODY_MAX		(64u << 10)
#define DETECT_CMD_MAX		(64u << 10)
#define DETECT_MAX_IFADDRS	64
#define WHY_MAX			600
#define DETECT_CONFIRM_MS	500	/* least wait for a second opinion */

/* One family's search: what was found and why sources failed. */
struct hunt {
	int		 fam;
	int		 found;
	char		*out;		/* ADDR_STRLEN bytes */
	struct tally	 t;		/* what the URL sources said */
	long long	 settle_at;	/* stop waiting for a second opinion
					   then (monotonic ms); 0 not yet */
	char		 why[WHY_MAX];	/* "src: reason; src: reason" */
};

int
tally_add(struct tally *t, const char *src, const char *addr)
{
	if (t->pending > 0)
		t->pending--;
	if (t->verdict != TALLY_WAIT)
		return t->verdict;
	if (addr != NULL && t->addr[0][0] == '\0') {
		t->src[0] = src;
		snprintf(t->addr[0], ADDR_STRLEN, "%s", addr);
		if (t->known != NULL && strcmp(addr, t->known) == 0)
			t->verdict = TALLY_TAKE;
	} else if (addr != NULL && strcmp(addr, t->addr[0]) != 0) {
		t->src[1] = src;
		snprintf(t->addr[1], ADDR_STRLEN, "%s", addr);
		t->verdict = TALLY_CONFLICT;
	} else if (addr != NULL)
		t->verdict = TALLY_TAKE;	/* a second source agrees */
	if (t->verdict == TALLY_WAIT && t->pending == 0)
		t->verdict = t->addr[0][0] ? TALLY_TAKE : TALLY_NONE;
	return t->verdict;
}

int
tally_close(struct tally *t)
{
	if (t->verdict == TALLY_WAIT)
		t->verdict = t->addr[0][0] ? TALLY_TAKE : TALLY_NONE;
	return t->verdict;
}

int
detect_acceptable(const struct config *c, int fam, const unsigned char *bytes,
    const char **why)
{
	enum addr_class k = addr_classify(fam, bytes);

	if (k == ADDR_GLOBAL || (k == ADDR_PRIVATE && c->allow_private))
		return 0;
	*why = addr_range_name(fam, bytes);
	return -1;
}

/* Notes why a source gave nothing, for the error line and -v. */
static void
failed(struct hunt *hu, const char *src, const char *fmt, ...)
    PRINTF_LIKE(3, 4);

static void
failed(struct hunt *hu, const char *src, const char *fmt, ...)
{
	char	 reason[256];
	size_t	 len = strlen(hu->why);
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	log_debug("IPv%d source %s: %s", hu->fam, src, reason);
	snprintf(hu->why + len, sizeof(hu->why) - len, "%s%s: %s",
	    len ? "; " : "", src, reason);
}

/* Finds an acceptable address in text and writes it to a; 1 when found,
 * else 0 (the reason noted). */
static int
take_from_text(const struct config *c, struct hunt *hu, const char *src,
    const char *text, size_t len, char a[ADDR_STRLEN])
{
	unsigned char	 bytes[16];
	const char	*why;
	long		 bad;

	if ((bad = utf8_bad(text, len)) >= 0) {
		failed(hu, src, "the reply is not UTF-8 text (%s at byte %ld)",
		    text[bad] == '\0' ? "a NUL byte" : "an invalid byte", bad);
		return 0;
	}
	if (addr_extract(hu->fam, text, len, a, bytes) == -1) {
		failed(hu, src, "no IPv%d address in the reply", hu->fam);
		return 0;
	}
	if (detect_acceptable(c, hu->fam, bytes, &why) == -1) {
		failed(hu, src, "%s is %s, not published (allow_private)", a,
		    why);
		return 0;
	}
	log_debug("IPv%d source %s: %s", hu->fam, src, a);
	return 1;
}

/* Ranks an interface address: lower is better; -1 never usable. */
static int
iface_rank(const struct plat_ifaddr *ia)
{
	if (ia->flags & PLAT_IFA_TENTATIVE)
		return -1;
	return ((ia->flags & PLAT_IFA_DEPRECATED) ? 2 : 0) +
	    ((ia->flags & PLAT_IFA_TEMPORARY) ? 1 : 0);
}

/* iface:NAME - the interface's best acceptable address; 1 when found. */
static int
from_iface(const struct config *c, struct hunt *hu, const char *src)
{
	struct plat_ifaddr	 ia[DETECT_MAX_IFADDRS];
	size_t			 n, i, best = 0;
	int			 rank, best_rank = -1;
	const char		*why;
	char			 err[256];

	if (plat_iface_addrs(src + 6, hu->fam, ia, DETECT_MAX_IFADDRS, &n,
	    err, sizeof(err)) == -1) {
		failed(hu, src, "%s", err);
		return 0;
	}
	for (i = 0; i < n; i++) {
		rank = iface_rank(&ia[i]);
		if (rank < 0 || detect_acceptable(c, hu->fam, ia[i].bytes,
		    &why) == -1)
			continue;
		if (best_rank < 0 || rank < best_rank) {
			best = i;
			best_rank = rank;
		}
	}
	if (best_rank < 0) {
		failed(hu, src, "no usable IPv%d address (%zu found, none "
		    "global)", hu->fam, n);
		return 0;
	}
	addr_format(hu->fam, ia[best].bytes, hu->out);
	log_debug("IPv%d source %s: %s", hu->fam, src, hu->out);
	hu->found = 1;
	return 1;
}

/* cmd:COMMAND - the first address the command prints; 1 when found. */
static int
from_cmd(const struct config *c, struct hunt *hu, const char *src)
{
	struct plat_cmd	 cmd;
	struct buf	 out = BUF_INIT(DETECT_CMD_MAX);
	char		 err[256], a[ADDR_STRLEN];
	int		 status = 0, rc = 0;

	memset(&cmd, 0, sizeof(cmd));
	cmd.shell = src + 4;
	cmd.timeout_ms = (int)c->timeout_ms;
	if (plat_run(&cmd, &out, &status, err, sizeof(err)) == -1)
		failed(hu, src, "%s", err);
	else if (status != 0)
		failed(hu, src, "exited with status %d", status);
	else if (take_from_text(c, hu, src, out.data ? out.data : "",
	    out.len, a)) {
		memcpy(hu->out, a, ADDR_STRLEN);
		hu->found = rc = 1;
	}
	buf_free(&out);
	return rc;
}

struct race {
	const struct config	*c;
	struct http		*h;
	struct hunt		*hunts[2];	/* NULL: not in the race */
	const char		**srcs;
	int			*fams;
	long long		 t0;
};

/* Returns 1 when every family of the race is settled; else sets how long
 * the race may still go on for second opinions (none while some family
 * has no answer yet) and returns 0. */
static int
race_done(struct race *r)
{
	long long	 until = 0;
	int		 k;

	for (k = 0; k < 2; k++) {
		struct hunt *hu = r->hunts[k];

		if (hu == NULL || hu->t.verdict != TALLY_WAIT)
			continue;
		if (hu->settle_at == 0) {
			http_multi_deadline(r->h, 0);
			return 0;
		}
		if (hu->settle_at > until)
			until = hu->settle_at;
	}
	if (until == 0)
		return 1;
	http_multi_deadline(r->h, until);
	return 0;
}

/* Sets when a family with a first, unconfirmed answer stops waiting for
 * a second one: as long again as the first took, at least
 * DETECT_CONFIRM_MS more, never past the timeout. */
static void
start_settling(struct race *r, struct hunt *hu)
{
	long long	 now = plat_monotonic_ms(), took = now - r->t0;

	if (hu->settle_at != 0 || hu->t.addr[0][0] == '\0')
		return;
	hu->settle_at = now + (took > DETECT_CONFIRM_MS ? took :
	    DETECT_CONFIRM_MS);
	if (hu->settle_at > r->t0 + r->c->timeout_ms)
		hu->settle_at = r->t0 + r->c->timeout_ms;
}

/* http_multi callback: counts each source's answer into its family's
 * tally; 1 (stop) once every family is settled. */
static int
on_answer(size_t i, int rc, struct http_resp *resp, void *arg)
{
	struct race	*r = arg;
	struct hunt	*hu = r->hunts[r->fams[i] == 6];
	char		 a[ADDR_STRLEN];
	const char	*addr = NULL;

	if (hu->t.verdict == TALLY_WAIT) {
		if (rc == -1)
			failed(hu, r->srcs[i], "%s", resp->error);
		else if (resp->status < 200 || resp->status > 299)
			failed(hu, r->srcs[i], "HTTP status %ld",
			    resp->status);
		else if (take_from_text(r->c, hu, r->srcs[i],
		    buf_str(&resp->body), resp->body.len, a))
			addr = a;
	}
	if (tally_add(&hu->t, r->srcs[i], addr) == TALLY_WAIT)
		start_settling(r, hu);
	return race_done(r);
}

/* Turns a family's tally into its result once the race is over. */
static void
race_result(struct hunt *hu)
{
	struct tally *t = &hu->t;

	switch (tally_close(t)) {
	case TALLY_TAKE:
		memcpy(hu->out, t->addr[0], ADDR_STRLEN);
		hu->found = 1;
		if (t->pending > 0 && (t->known == NULL ||
		    strcmp(t->known, t->addr[0]) != 0))
			log_debug("IPv%d: %s from %s, not confirmed by another "
			    "source in time", hu->fam, t->addr[0], t->src[0]);
		break;
	case TALLY_CONFLICT:
		log_err("IPv%d sources disagree: %s says %s, %s says %s; "
		    "publishing neither", hu->fam, t->src[0], t->addr[0],
		    t->src[1], t->addr[1]);
		break;
	default:
		break;
	}
}

/* Races every URL source of the hunts not yet done. */
static void
race_urls(const struct config *c, struct http *h, struct hunt *hunts[2])
{
	struct http_req		 reqs[64];
	struct http_resp	 resps[64];
	const char		*srcs[64];
	int			 fams[64];
	struct race		 r = { c, h, { NULL, NULL }, srcs, fams, 0 };
	const struct sources	*s;
	size_t			 n = 0, i, k;

	for (k = 0; k < 2; k++) {
		if (hunts[k] == NULL || hunts[k]->found)
			continue;
		s = hunts[k]->fam == 4 ? &c->v4 : &c->v6;
		for (i = 0; i < s->n && n < 64; i++) {
			if (strncmp(s->src[i], "http", 4) != 0)
				continue;
			memset(&reqs[n], 0, sizeof(reqs[n]));
			reqs[n].url = s->src[i];
			reqs[n].family = hunts[k]->fam;
			reqs[n].follow = 1;
			reqs[n].max_body = DETECT_BODY_MAX;
			srcs[n] = s->src[i];
			fams[n++] = hunts[k]->fam;
			hunts[k]->t.pending++;
		}
		if (hunts[k]->t.pending > 0)
			r.hunts[k] = hunts[k];
	}
	if (n == 0)
		return;
	r.t0 = plat_monotonic_ms();
	if (http_multi(h, reqs, resps, n, 0, on_answer, &r) == -1)
		for (k = 0; k < 2; k++)
			if (r.hunts[k])
				failed(r.hunts[k], "http", "cannot set up HTTP");
	for (k = 0; k < 2; k++)
		if (r.hunts[k])
			race_result(r.hunts[k]);
	for (i = 0; i < n; i++)
		http_resp_free(&resps[i]);
}

/* Tries the local sources of one family in order. */
static void
try_local(const struct config *c, struct hunt *hu)
{
	const struct sources	*s = hu->fam == 4 ? &c->v4 : &c->v6;
	size_t			 i;

	for (i = 0; i < s->n && !hu->found; i++) {
		if (strncmp(s->src[i], "iface:", 6) == 0)
			from_iface(c, hu, s->src[i]);
		else if (strncmp(s->src[i], "cmd:", 4) == 0)
			from_cmd(c, hu, s->src[i]);
	}
}

int
detect_addresses(const struct config *c, unsigned fams, struct http *h,
    const struct detected *published, struct detected *out)
{
	struct hunt	 h4, h6;
	struct hunt	*hunts[2] = { NULL, NULL };
	int		 k;

	memset(out, 0, sizeof(*out));
	memset(&h4, 0, sizeof(h4));
	memset(&h6, 0, sizeof(h6));
	h4.fam = 4;
	h6.fam = 6;
	h4.out = out->v4;
	h6.out = out->v6;
	if (published && published->ok4)
		h4.t.known = published->v4;
	if (published && published->ok6)
		h6.t.known = published->v6;
	if (fams & FAM_V4)
		hunts[0] = &h4;
	if (fams & FAM_V6)
		hunts[1] = &h6;
	for (k = 0; k < 2; k++)
		if (hunts[k])
			try_local(c, hunts[k]);
	race_urls(c, h, hunts);
	for (k = 0; k < 2; k++)
		if (hunts[k] && !hunts[k]->found &&
		    hunts[k]->t.verdict != TALLY_CONFLICT)
			log_err("no IPv%d address found (%s)", hunts[k]->fam,
			    hunts[k]->why[0] ? hunts[k]->why : "no source");
	out->ok4 = h4.found;
	out->ok6 = h6.found;
	return out->ok4 + out->ok6;
}
