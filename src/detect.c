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

#define DETECT_BODY_MAX		(64u << 10)
#define DETECT_CMD_MAX		(64u << 10)
#define DETECT_MAX_IFADDRS	64
#define WHY_MAX			600

/* One family's search: what was found and why sources failed. */
struct hunt {
	int	 fam;
	int	 found;
	char	*out;			/* ADDR_STRLEN bytes */
	char	 why[WHY_MAX];		/* "src: reason; src: reason" */
};

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

/* Takes the address in text if acceptable; 1 when found, else 0. */
static int
take_from_text(const struct config *c, struct hunt *hu, const char *src,
    const char *text, size_t len)
{
	unsigned char	 bytes[16];
	char		 a[ADDR_STRLEN];
	const char	*why;

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
	memcpy(hu->out, a, ADDR_STRLEN);
	hu->found = 1;
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
	char		 err[256];
	int		 status = 0, rc = 0;

	memset(&cmd, 0, sizeof(cmd));
	cmd.shell = src + 4;
	cmd.timeout_ms = (int)c->timeout_ms;
	if (plat_run(&cmd, &out, &status, err, sizeof(err)) == -1)
		failed(hu, src, "%s", err);
	else if (status != 0)
		failed(hu, src, "exited with status %d", status);
	else
		rc = take_from_text(c, hu, src, out.data ? out.data : "",
		    out.len);
	buf_free(&out);
	return rc;
}

struct race {
	const struct config	*c;
	struct hunt		*hunts[2];
	const char		**srcs;
	int			*fams;
	size_t			 left;	/* families still wanted */
};

/* http_multi callback: the first acceptable answer per family wins. */
static int
on_answer(size_t i, int rc, struct http_resp *resp, void *arg)
{
	struct race	*r = arg;
	struct hunt	*hu = r->hunts[r->fams[i] == 6];

	if (hu->found)
		return 0;
	if (rc == -1)
		failed(hu, r->srcs[i], "%s", resp->error);
	else if (resp->status < 200 || resp->status > 299)
		failed(hu, r->srcs[i], "HTTP status %ld", resp->status);
	else if (take_from_text(r->c, hu, r->srcs[i], buf_str(&resp->body),
	    resp->body.len))
		r->left--;
	return r->left == 0;
}

/* Races every URL source of the hunts not yet done. */
static void
race_urls(const struct config *c, struct http *h, struct hunt *hunts[2])
{
	struct http_req		 reqs[64];
	struct http_resp	 resps[64];
	const char		*srcs[64];
	int			 fams[64];
	struct race		 r = { c, { hunts[0], hunts[1] }, srcs, fams, 0 };
	const struct sources	*s;
	size_t			 n = 0, i, k;

	for (k = 0; k < 2; k++) {
		if (hunts[k] == NULL || hunts[k]->found)
			continue;
		r.left++;
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
		}
	}
	if (n == 0)
		return;
	if (http_multi(h, reqs, resps, n, 0, on_answer, &r) == -1)
		for (k = 0; k < 2; k++)
			if (hunts[k] && !hunts[k]->found)
				failed(hunts[k], "http", "cannot set up HTTP");
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
    struct detected *out)
{
	struct hunt	 h4 = { 4, 0, NULL, "" }, h6 = { 6, 0, NULL, "" };
	struct hunt	*hunts[2] = { NULL, NULL };
	int		 k;

	memset(out, 0, sizeof(*out));
	h4.out = out->v4;
	h6.out = out->v6;
	if (fams & FAM_V4)
		hunts[0] = &h4;
	if (fams & FAM_V6)
		hunts[1] = &h6;
	for (k = 0; k < 2; k++)
		if (hunts[k])
			try_local(c, hunts[k]);
	race_urls(c, h, hunts);
	for (k = 0; k < 2; k++)
		if (hunts[k] && !hunts[k]->found)
			log_err("no IPv%d address found (%s)", hunts[k]->fam,
			    hunts[k]->why[0] ? hunts[k]->why : "no source");
	out->ok4 = h4.found;
	out->ok6 = h6.found;
	return out->ok4 + out->ok6;
}
