/*
 * providers.c - the table of DNS providers and the helpers they share
 * (see provider.h).
 *
 * Providers are listed here explicitly, never registered by constructors:
 * the order is fixed and static linking keeps every one of them. The
 * helpers below are the code several providers would otherwise repeat:
 * the per-account loops, failure texts, and small string checks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "config.h"
#include "http.h"
#include "log.h"
#include "provider.h"

/*
 * Every provider, one line each. To add one: write providers/NAME.c
 * exporting `const struct provider provider_NAME`, declare it below and
 * add it to the table, keeping both lists sorted by name.
 */
extern const struct provider provider_alidns;
extern const struct provider provider_cloudflare;
extern const struct provider provider_dnsomatic;
extern const struct provider provider_dnspod;
extern const struct provider provider_duckdns;
extern const struct provider provider_dyndns;
extern const struct provider provider_dyndns2;
extern const struct provider provider_dynu;
extern const struct provider provider_he;
extern const struct provider provider_http;
extern const struct provider provider_huaweicloud;
extern const struct provider provider_namecheap;
extern const struct provider provider_noip;
extern const struct provider provider_ovh;
extern const struct provider provider_strato;

static const struct provider *const providers[] = {
	&provider_alidns,
	&provider_cloudflare,
	&provider_dnsomatic,
	&provider_dnspod,
	&provider_duckdns,
	&provider_dyndns,
	&provider_dyndns2,
	&provider_dynu,
	&provider_he,
	&provider_http,
	&provider_huaweicloud,
	&provider_namecheap,
	&provider_noip,
	&provider_ovh,
	&provider_strato,
	NULL
};

/* Returns the provider named name (exact match), or NULL. */
const struct provider *
provider_find(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; providers[i] != NULL; i++)
		if (strcmp(providers[i]->name, name) == 0)
			return providers[i];
	return NULL;
}

/* Returns the NULL-terminated table. */
const struct provider *const *
provider_all(void)
{
	return providers;
}

/* Returns a short text for o, for messages. */
const char *
outcome_str(enum outcome o)
{
	switch (o) {
	case OUT_PENDING:
		return "not attempted";
	case OUT_OK:
		return "ok";
	case OUT_AUTH:
		return "authentication failed";
	case OUT_NOTFOUND:
		return "not found at the provider";
	case OUT_RATELIMIT:
		return "rate limited";
	case OUT_RETRY:
		return "temporary failure";
	case OUT_BADREQ:
		return "request refused as invalid";
	}
	return "unknown outcome";
}

/* Returns the endpoint override, else the provider's api_base. */
const char *
provider_base(const struct pctx *ctx)
{
	const struct account *a = ctx->acct;

	if (a->endpoint != NULL && *a->endpoint != '\0')
		return a->endpoint;
	if (a->prov == NULL || a->prov->api_base == NULL)
		return "";
	return a->prov->api_base;
}

/* Returns the outcome class of an HTTP status (see provider.h). */
enum outcome
outcome_from_status(long status)
{
	if (status >= 200 && status <= 299)
		return OUT_OK;
	if (status == 401 || status == 403)
		return OUT_AUTH;
	if (status == 404)
		return OUT_NOTFOUND;
	if (status == 429)
		return OUT_RATELIMIT;
	if (status >= 400 && status <= 499)
		return OUT_BADREQ;
	/* 0 (no reply), 5xx, and anything unexpected (1xx, 3xx). */
	return OUT_RETRY;
}

/*
 * Per-account loops
 */

/* Runs one() on each change; after a rate limit the rest wait (see
 * provider.h). */
void
provider_each(const struct pctx *ctx, struct change *ch, size_t n,
    enum outcome (*one)(void *arg, struct change *c), void *arg)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		ch[i].out = one(arg, &ch[i]);
		if (ch[i].out == OUT_RATELIMIT)
			break;
	}
	if (i + 1 >= n)
		return;
	log_warn("[%s] rate limited: leaving %zu more record(s) for the next "
	    "run", ctx->acct->label, n - i - 1);
	for (k = i + 1; k < n; k++) {
		ch[k].out = OUT_RATELIMIT;
		ch[k].retry_after = ch[i].retry_after;
	}
}

/* Logs why and gives every change out. */
void
provider_refuse(const struct pctx *ctx, struct change *ch, size_t n,
    enum outcome out, const char *why)
{
	size_t i;

	log_err("[%s] %s", ctx->acct->label, why);
	for (i = 0; i < n; i++)
		ch[i].out = out;
}

/* Returns the provider's name for messages. */
static const char *
prov_name(const struct pctx *ctx)
{
	const struct provider *p = ctx->acct->prov;

	return p != NULL && p->name != NULL ? p->name : "provider";
}

/* Fills r (see provider.h). */
void
presult_set(struct presult *r, enum outcome out, long wait, const char *fmt,
    ...)
{
	va_list ap;

	r->out = out;
	r->wait = wait;
	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
}

/* Gives c r's outcome and logs it. */
void
presult_settle(const struct pctx *ctx, struct change *c,
    const struct presult *r)
{
	const char *type;

	if (c == NULL)
		return;
	type = c->fam == 6 ? "AAAA" : "A";
	c->out = r->out;
	c->retry_after = r->out == OUT_RETRY || r->out == OUT_RATELIMIT ?
	    r->wait : 0;
	if (r->out == OUT_OK)
		log_debug("[%s] %s %s: %s: %s", ctx->acct->label, c->name, type,
		    prov_name(ctx), r->msg);
	else
		log_err("[%s] %s %s: %s: %s", ctx->acct->label, c->name, type,
		    prov_name(ctx), r->msg);
}

/* Sends and settles each change until an outcome in stop (see
 * provider.h). */
void
presult_each(const struct pctx *ctx, struct change *ch, size_t n,
    unsigned stop, void (*send)(void *arg, struct change *c,
    struct presult *r), void *arg)
{
	struct presult	 r, held;
	size_t		 i;
	int		 stopped = 0;

	memset(&held, 0, sizeof(held));
	for (i = 0; i < n; i++) {
		memset(&r, 0, sizeof(r));
		if (stopped)
			presult_set(&r, held.out, held.wait, "not sent: %s",
			    held.msg);
		else
			send(arg, &ch[i], &r);
		presult_settle(ctx, &ch[i], &r);
		if (!stopped && (stop & OUTSET(r.out)) != 0) {
			held = r;
			stopped = 1;
		}
	}
}

/*
 * Batches of hostnames
 */

/* Cuts the changes into slots; returns how many. */
size_t
pslot_cut(struct change *ch, size_t n, int merge, struct pslot *s)
{
	size_t	i, j, ns = 0;

	for (i = 0; i < n; i++) {
		for (j = 0; merge && j < ns; j++)
			if (strcmp(s[j].name, ch[i].name) == 0 &&
			    (ch[i].fam == 4 ? s[j].c4 : s[j].c6) == NULL)
				break;
		if (!merge || j == ns) {
			memset(&s[ns], 0, sizeof(s[ns]));
			s[ns].name = ch[i].name;
			s[ns].req = -1;
			j = ns++;
		}
		if (ch[i].fam == 4)
			s[j].c4 = &ch[i];
		else
			s[j].c6 = &ch[i];
	}
	return ns;
}

/* Returns 1 when slots a and b carry the same addresses. */
static int
pslot_same(const struct pslot *a, const struct pslot *b)
{
	if ((a->c4 == NULL) != (b->c4 == NULL) ||
	    (a->c6 == NULL) != (b->c6 == NULL))
		return 0;
	return (a->c4 == NULL || strcmp(a->c4->addr, b->c4->addr) == 0) &&
	    (a->c6 == NULL || strcmp(a->c6->addr, b->c6->addr) == 0);
}

/* Collects the slots of request r into pick; returns how many. */
size_t
pslot_group(struct pslot *s, size_t ns, size_t max, int r,
    struct pslot **pick)
{
	size_t i, k = 0;

	for (i = 0; i < ns && k < max; i++) {
		if (s[i].req != -1 || (k > 0 && !pslot_same(pick[0], &s[i])))
			continue;
		s[i].req = r;
		pick[k++] = &s[i];
	}
	return k;
}

/*
 * Texts and checks
 */

/* Writes "who: what failed: " and the rest into err. */
void
provider_vfail(char *err, size_t n, const char *who, const char *what,
    const char *fmt, va_list ap)
{
	int len;

	len = snprintf(err, n, "%s: %s failed: ", who, what);
	if (len < 0 || (size_t)len >= n)
		return;
	vsnprintf(err + len, n - (size_t)len, fmt, ap);
}

/* Copies src into dst; 0, or -1 when NULL, empty or too long. */
int
provider_copy(char *dst, size_t n, const char *src)
{
	size_t len = src ? strlen(src) : 0;

	if (len == 0 || len >= n)
		return -1;
	memcpy(dst, src, len + 1);
	return 0;
}

/* Copies s (NULL: "") into dst cleaned and capped. */
void
provider_clean(char *dst, size_t n, const char *s)
{
	log_clean(dst, n, s ? s : "", s ? strlen(s) : 0);
}

/* Copies resp->error into dst cleaned and capped, even when the transport
 * left it unterminated. */
void
provider_http_error(char *dst, size_t n, const struct http_resp *resp)
{
	log_clean(dst, n, resp->error,
	    strnlen(resp->error, sizeof(resp->error) - 1));
}

/* Returns retry_after when out asks to wait and it is positive, else 0. */
long
provider_wait(enum outcome out, long retry_after)
{
	if ((out == OUT_RATELIMIT || out == OUT_RETRY) && retry_after > 0)
		return retry_after;
	return 0;
}

int
provider_norm_zone(const char *z, char *out, size_t size)
{
	size_t n = strlen(z), i;

	if (n > 0 && z[n - 1] == '.')
		n--;
	if (n == 0 || n >= size || z[0] == '.' ||
	    strspn(z, "0123456789abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ-_.") < n)
		return -1;
	for (i = 0; i < n; i++)
		out[i] = (char)(z[i] >= 'A' && z[i] <= 'Z' ? z[i] - 'A' + 'a' :
		    z[i]);
	out[n] = '\0';
	return strstr(out, "..") ? -1 : 0;
}

/* Returns 1 when s has a space, a control byte or DEL. */
int
provider_bad_token(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s == 0x7f)
			return 1;
	return 0;
}

/* Returns 1 when s has a control byte or DEL. */
int
provider_has_ctl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < ' ' || (unsigned char)*s == 0x7f)
			return 1;
	return 0;
}

/* Returns the parent of name when it still has two labels, else NULL. */
const char *
provider_parent(const char *name)
{
	const char *dot = strchr(name, '.');

	if (dot == NULL || strchr(dot + 1, '.') == NULL)
		return NULL;
	return dot + 1;
}

/* Returns the length of name before ".zone", 0 when name is zone, or -1
 * when it is not in zone. */
long
provider_sublen(const char *name, const char *zone)
{
	size_t nl = strlen(name), zl = strlen(zone);

	if (strcmp(name, zone) == 0)
		return 0;
	if (nl <= zl + 1 || name[nl - zl - 1] != '.' ||
	    strcmp(name + nl - zl, zone) != 0)
		return -1;
	return (long)(nl - zl - 1);
}

/* Returns 1 when v, made canonical, is c's address. */
int
provider_addr_is(const struct change *c, const char *v)
{
	char canon[ADDR_STRLEN];

	return v != NULL && addr_canon(c->fam, v, canon) == 0 &&
	    strcmp(canon, c->addr) == 0;
}
