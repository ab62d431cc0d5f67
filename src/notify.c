/* notify.c - webhook and command notifications (see notify.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "http.h"
#include "kv.h"
#include "log.h"
#include "notify.h"
#include "platform.h"
#include "template.h"

#define NOTIFY_MAX_HEADERS	16

static const char *
type_of(int fam)
{
	return fam == 6 ? "AAAA" : "A";
}

/* Appends the events that did (ok) or did not succeed to b, "; "-joined. */
static int
describe(struct buf *b, const struct notify_event *ev, size_t n, int ok)
{
	size_t	i;
	int	rc = 0;

	for (i = 0; i < n; i++) {
		if ((ev[i].why == NULL) != ok)
			continue;
		if (b->len)
			rc |= buf_adds(b, "; ");
		if (ok)
			rc |= buf_printf(b, "%s %s %s -> %s", ev[i].name,
			    type_of(ev[i].fam), ev[i].old[0] ? ev[i].old : "(none)",
			    ev[i].addr);
		else
			rc |= buf_printf(b, "%s %s (%s)", ev[i].name,
			    type_of(ev[i].fam), ev[i].why);
	}
	return rc;
}

int
notify_vars(struct kv *vars, const struct notify_event *ev, size_t n,
    const char *v4, const char *v6)
{
	struct buf	 ch = BUF_INIT(0), fail = BUF_INIT(0);
	const struct notify_event *first = n ? &ev[0] : NULL;
	size_t		 i;
	int		 rc = 0, failed = 0;

	for (i = 0; i < n; i++)
		failed |= ev[i].why != NULL;
	rc |= describe(&ch, ev, n, 1) | describe(&fail, ev, n, 0);
	rc |= kv_set(vars, "changes", buf_str(&ch));
	rc |= kv_set(vars, "failures", buf_str(&fail));
	rc |= kv_set(vars, "status", failed ? "failed" : "ok");
	rc |= kv_set(vars, "ipv4", v4 ? v4 : "");
	rc |= kv_set(vars, "ipv6", v6 ? v6 : "");
	rc |= kv_set(vars, "ip", v4 ? v4 : v6 ? v6 : "");
	rc |= kv_set(vars, "account", first ? first->acct : "");
	rc |= kv_set(vars, "provider", first ? first->provider : "");
	rc |= kv_set(vars, "name", first ? first->name : "");
	rc |= kv_set(vars, "type", first ? type_of(first->fam) : "");
	rc |= kv_set(vars, "old_ip", first ? first->old : "");
	rc |= kv_set(vars, "new_ip", first ? first->addr : "");
	buf_free(&ch);
	buf_free(&fail);
	return rc ? -1 : 0;
}

/* Splits expanded header lines into hdr (at most max-1, NULL-ended). */
static void
split_headers(char *text, const char **hdr, size_t max)
{
	size_t	 n = 0;
	char	*line;

	for (line = text; line && *line && n + 1 < max; ) {
		char *nl = strchr(line, '\n');

		if (nl)
			*nl = '\0';
		if (*line)
			hdr[n++] = line;
		line = nl ? nl + 1 : NULL;
	}
	hdr[n] = NULL;
}

/* Expands one template or warns; 0 or -1. */
static int
expand(const char *what, const char *tmpl, const struct kv *vars, int how,
    struct buf *out)
{
	const char *bad;

	if (tmpl == NULL || tmpl_expand(tmpl, vars, how, out, &bad) == 0)
		return 0;
	log_warn("notify: %s: %s", what, bad ? "unknown placeholder" :
	    "out of memory");
	return -1;
}

/* Calls the webhook once with the run's summary. */
static void
send_url(const struct config *c, struct http *h, const struct kv *vars)
{
	const struct notify	*nt = &c->notify;
	struct buf		 url = BUF_INIT(0), body = BUF_INIT(0);
	struct buf		 hdrs = BUF_INIT(0);
	const char		*hdr[NOTIFY_MAX_HEADERS];
	struct http_req		 req;
	struct http_resp	 resp;

	if (expand("url", nt->url, vars, TMPL_URLENC, &url) == 0 &&
	    expand("body", nt->body, vars, TMPL_RAW, &body) == 0 &&
	    expand("headers", nt->headers, vars, TMPL_RAW, &hdrs) == 0) {
		split_headers(hdrs.data, hdr, NOTIFY_MAX_HEADERS);
		memset(&req, 0, sizeof(req));
		req.url = buf_str(&url);
		req.method = nt->method ? nt->method : nt->body ? "POST" : "GET";
		req.body = nt->body ? buf_str(&body) : NULL;
		req.body_len = body.len;
		req.headers = hdr;
		req.max_body = 64 * 1024;
		req.secret_path = 1;
		if (http_do(h, &req, &resp) == -1)
			log_warn("notify: webhook failed: %s", resp.error);
		else if (resp.status < 200 || resp.status > 299)
			log_warn("notify: webhook answered HTTP %ld",
			    resp.status);
		else
			log_debug("notify: webhook called");
		http_resp_free(&resp);
	}
	buf_free(&url);
	buf_free(&body);
	buf_free(&hdrs);
}

/* Runs the command once for one changed record, details in the env. */
static void
run_command(const struct config *c, const struct notify_event *ev)
{
	struct buf	 env[5], out = BUF_INIT(64 * 1024);
	const char	*envp[6];
	struct plat_cmd	 cmd;
	char		 err[256];
	int		 status = 0, i;

	for (i = 0; i < 5; i++)
		buf_init(&env[i], 0);
	buf_printf(&env[0], "DDNS_RECORD=%s", ev->name);
	buf_printf(&env[1], "DDNS_TYPE=%s", type_of(ev->fam));
	buf_printf(&env[2], "DDNS_OLD_IP=%s", ev->old);
	buf_printf(&env[3], "DDNS_NEW_IP=%s", ev->addr);
	buf_printf(&env[4], "DDNS_PROVIDER=%s", ev->provider);
	for (i = 0; i < 5; i++)
		envp[i] = buf_str(&env[i]);
	envp[5] = NULL;
	memset(&cmd, 0, sizeof(cmd));
	cmd.shell = c->notify.command;
	cmd.env = envp;
	cmd.timeout_ms = (int)c->timeout_ms;
	if (plat_run(&cmd, &out, &status, err, sizeof(err)) == -1)
		log_warn("notify: command for %s %s: %s", ev->name,
		    type_of(ev->fam), err);
	else if (status != 0)
		log_warn("notify: command for %s %s exited with status %d",
		    ev->name, type_of(ev->fam), status);
	for (i = 0; i < 5; i++)
		buf_free(&env[i]);
	buf_free(&out);
}

void
notify_send(const struct config *c, struct http *h,
    const struct notify_event *ev, size_t n, const char *v4, const char *v6)
{
	struct kv	vars = KV_INIT;
	size_t		i;
	int		changed = 0, failed = 0;

	for (i = 0; i < n; i++) {
		changed |= ev[i].why == NULL;
		failed |= ev[i].why != NULL;
	}
	if (c->notify.url && ((changed && (c->notify.on & NOTIFY_CHANGE)) ||
	    (failed && (c->notify.on & NOTIFY_FAILURE)))) {
		if (notify_vars(&vars, ev, n, v4, v6) == 0)
			send_url(c, h, &vars);
		else
			log_warn("notify: out of memory");
	}
	for (i = 0; c->notify.command && i < n; i++)
		if (ev[i].why == NULL)
			run_command(c, &ev[i]);
	kv_free(&vars);
}
