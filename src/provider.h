/*
 * provider.h - the one interface every DNS provider implements.
 *
 * A provider is one file in providers/ exporting one const struct provider,
 * listed in the table in providers/providers.c. It sees only our http,
 * crypto, json and log interfaces. It receives every change for one account
 * at once, so it can batch where its API allows, and reports an outcome
 * class per change; the engine turns outcomes into state and exit codes.
 */
#ifndef DDNS_PROVIDER_H
#define DDNS_PROVIDER_H

#include <stdarg.h>
#include <stddef.h>

#include "config.h"
#include "kv.h"

struct http;
struct http_resp;

enum outcome {
	OUT_PENDING,	/* not attempted (provider must not leave this) */
	OUT_OK,		/* the provider now holds the wanted address */
	OUT_AUTH,	/* credentials rejected or lacking permission */
	OUT_NOTFOUND,	/* zone/domain/host does not exist at the provider */
	OUT_RATELIMIT,	/* told to slow down */
	OUT_RETRY,	/* server or network trouble: retry next run */
	OUT_BADREQ	/* the request was refused as invalid */
};

/* One record to bring to a new address. */
struct change {
	const char	*name;		/* FQDN, lower case, no final dot */
	int		 fam;		/* 4 (A) or 6 (AAAA) */
	const char	*addr;		/* address to publish, canonical */
	const char	*old;		/* last published (state), or NULL */
	int		 verify;	/* state says addr is already published:
					   look the record up and fix it only if
					   it differs (no blind write by cached id) */
	struct kv	*ids;		/* this record's cached provider IDs from
					   the state; update it with what to keep
					   (saved only when out == OUT_OK) */
	enum outcome	 out;		/* set by the provider */
	long		 retry_after;	/* seconds to leave the service alone
					   (after a rate limit, server trouble
					   or a failure that needs the user);
					   0: none */
};

/* What a provider gets besides the changes. */
struct pctx {
	const struct account	*acct;
	struct http		*http;
	struct kv		*cache;		/* account-wide cache kept in the
						   state (zone IDs, back-off) */
	long long		 now;		/* seconds since the epoch */
	const char		*addr4, *addr6;	/* the run's detected addresses
						   (NULL: none), for protocols
						   that send both families */
};

/* min_refresh for protocols that can only re-send an update: dyndns-style
 * services call frequent "nochg" updates abuse. */
#define REFRESH_BLIND	(25L * 86400)

#define PKEY_REQUIRED	0x1	/* missing -> config error */
#define PKEY_SECRET	0x2	/* never printed; masked in every log line */

struct provider_key {
	const char	*name;
	unsigned	 flags;
};

struct provider {
	const char			*name;	/* value of provider = */
	const char			*api_base;	/* default endpoint */
	const struct provider_key	*keys;	/* provider-specific keys,
						   ended by { NULL, 0 } */
	long				 min_refresh;	/* seconds; where checking
					   a record means re-sending it (no
					   lookup API), re-checks are at least
					   this far apart; 0 for none */
	/* Optional cross-key validation at load time; on a problem it calls
	 * acct_error() and returns -1. */
	int	(*check)(const struct account *a);
	/* Brings every change to its address, setting each out. */
	void	(*update)(const struct pctx *ctx, struct change *ch, size_t n);
};

/* Returns the provider named name, or NULL. */
const struct provider	*provider_find(const char *name);
/* Returns the NULL-terminated table of every provider. */
const struct provider *const *provider_all(void);
/* Returns a short text for an outcome ("authentication failed", ...). */
const char		*outcome_str(enum outcome o);
/* Returns the account's API base: endpoint override, else api_base. */
const char		*provider_base(const struct pctx *ctx);
/* Maps an HTTP status to an outcome class (2xx OK, 401/403 AUTH, 404
 * NOTFOUND, 429 RATELIMIT, 5xx and 0 RETRY, other 4xx BADREQ). */
enum outcome		 outcome_from_status(long status);

/*
 * Helpers the providers share (providers/providers.c).
 */

/* Runs one(arg, c) on each change in order, setting c->out to what it
 * returns; after a rate limit the rest get OUT_RATELIMIT and its
 * retry_after without being tried, and one warning says so. */
void	 provider_each(const struct pctx *ctx, struct change *ch, size_t n,
	    enum outcome (*one)(void *arg, struct change *c), void *arg);
/* Logs why once for the account and gives every change outcome out. */
void	 provider_refuse(const struct pctx *ctx, struct change *ch, size_t n,
	    enum outcome out, const char *why);
/* Writes "who: what failed: " and the printf-style rest into err (size n). */
void	 provider_vfail(char *err, size_t n, const char *who,
	    const char *what, const char *fmt, va_list ap) PRINTF_LIKE(5, 0);
/* Copies src into dst (size n); 0, or -1 when src is NULL, empty or too
 * long (dst is then left as it was). */
int	 provider_copy(char *dst, size_t n, const char *src);
/* Copies server text s (NULL: "") into dst (size n) with control bytes
 * replaced, cut to fit. */
void	 provider_clean(char *dst, size_t n, const char *s);
/* Copies why resp got no reply (resp->error) into dst as provider_clean. */
void	 provider_http_error(char *dst, size_t n,
	    const struct http_resp *resp);
/* Returns retry_after when out asks to wait (OUT_RATELIMIT, OUT_RETRY)
 * and it is positive, else 0. */
long	 provider_wait(enum outcome out, long retry_after);
/* Returns 1 when s has a space, a control byte or DEL (so it cannot go
 * into a header or a query as it is). */
int	 provider_bad_token(const char *s);
/* Returns 1 when s has a control byte or DEL. */
int	 provider_has_ctl(const char *s);
/* Returns the parent of DNS name name when it still has two labels, else
 * NULL ("a.b.c" -> "b.c", "b.c" -> NULL). */
const char *provider_parent(const char *name);
/* Copies zone name z into out (size n) lower-cased, without a final dot;
 * 0, or -1 when it is not a plain DNS name (letters, digits, '-', '_'). */
int	 provider_norm_zone(const char *z, char *out, size_t n);
/* Returns the length of the part of name before zone ("www" of
 * "www.example.com" in "example.com"; 0 when name is zone), or -1 when
 * name is neither zone nor below it. Bytes compare exactly. */
long	 provider_sublen(const char *name, const char *zone);
/* Returns 1 when address text v is c's address (compared canonical). */
int	 provider_addr_is(const struct change *c, const char *v);

/* One hostname of a batched request and the changes it carries. */
struct pslot {
	const char	*name;
	struct change	*c4, *c6;	/* NULL when that family is not sent */
	int		 req;		/* request it belongs to, -1 not yet */
};

/* Cuts the n changes into slots s (room for n): one per change, or when
 * merge, one per name carrying both families; returns how many. */
size_t	 pslot_cut(struct change *ch, size_t n, int merge, struct pslot *s);
/* Collects into pick up to max slots in no request yet that carry the
 * addresses of the first of them, marking them as request r; returns how
 * many (0: none left). */
size_t	 pslot_group(struct pslot *s, size_t ns, size_t max, int r,
	    struct pslot **pick);

/* What a simple protocol said about one request (one line of log). */
#define PRESULT_MSG_MAX	400
struct presult {
	enum outcome	 out;
	long		 wait;		/* seconds to leave the service alone
					   (RATELIMIT/RETRY), 0 unknown */
	char		 msg[PRESULT_MSG_MAX];	/* for the log line */
};

/* The bit of outcome o in a set of outcomes (presult_each's stop). */
#define OUTSET(o)	(1u << (o))

/* Fills r with an outcome, a wait and a printf-style message. */
void	 presult_set(struct presult *r, enum outcome out, long wait,
	    const char *fmt, ...) PRINTF_LIKE(4, 5);
/* Gives change c (NULL: none) r's outcome and wait, and logs "[label]
 * NAME TYPE: PROVIDER: msg" (debug when OK, else an error). */
void	 presult_settle(const struct pctx *ctx, struct change *c,
	    const struct presult *r);
/* Sends each change in order with send(arg, c, r) and settles it; once
 * an outcome in the set stop comes back, the rest are not sent and
 * settle with that outcome as "not sent: MSG". */
void	 presult_each(const struct pctx *ctx, struct change *ch, size_t n,
	    unsigned stop, void (*send)(void *arg, struct change *c,
	    struct presult *r), void *arg);

#endif
