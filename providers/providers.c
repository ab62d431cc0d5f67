/*
 * providers.c - the table of DNS providers and the helpers they share
 * (see provider.h).
 *
 * Providers are listed here explicitly, never registered by constructors:
 * the order is fixed and static linking keeps every one of them.
 */
#include <stddef.h>
#include <string.h>

#include "config.h"
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
