/*
 * fuzz_prov.c - one provider's reply parsing, through its real update()
 * over the scripted transport of tests/unit/fake_http.c. Built once per
 * provider with -DFUZZ_PROV=NAME (fuzz_prov_NAME).
 *
 * The account comes from a real config (loaded once, so check() ran).
 * Input: one scenario byte, then replies, each one status byte and a body
 * up to the next NUL. The scenario byte says whether AAAA records take
 * part (bit 0) and whether the second pass only verifies (bit 1).
 *
 * Two passes run, as two runs of the program would: the first publishes
 * address A with no cached IDs; the second moves every record to address
 * B (or, with bit 1, verifies A) with the IDs the first pass kept for the
 * records that came out OK (so IDs taken from fuzzed replies travel into
 * the next requests). Properties, every pass:
 *  - no change is left OUT_PENDING;
 *  - no change is OK unless some reply of that pass had a 2xx status;
 *  - every request goes to https://api.fuzz.test/, its URL holds no space,
 *    control or non-ASCII byte, its path no "..", "." or empty segment
 *    and no fragment or second '?', and no header holds CR or LF (reply
 *    data cannot steer a request elsewhere or inject a header);
 *  - the secret travels only where the provider's design puts it (a
 *    signing provider never sends it at all) unless a reply held it, and
 *    no log line shows it, raw or percent-encoded.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "fake_http.h"
#include "fuzz_util.h"
#include "http.h"
#include "kv.h"
#include "log.h"
#include "provider.h"

#ifndef FUZZ_PROV
#error "build with -DFUZZ_PROV=provider"
#endif
#define STR(x)		#x
#define XSTR(x)		STR(x)

#define SECRET		"fzProvS3cret0123456789abcdefXYZ"
#define HOST		"https://api.fuzz.test/"
#define A4		"93.184.216.34"
#define B4		"93.184.216.35"
#define A6		"2606:2800:220:1::1"
#define B6		"2606:2800:220:1::2"
#define MAX_REPLIES	64
#define MAX_CHANGES	8

/* Where a provider's design sends the secret. */
enum where {
	NOWHERE,	/* signs requests: the secret never leaves */
	BEARER,		/* "Authorization: Bearer SECRET" only */
	BASIC,		/* HTTP Basic credentials only */
	QUERY		/* in the URL's query (the service's API says so) */
};

struct setup {
	const char	*name;
	enum where	 where;
	const char	*config;	/* the account's keys */
};

static const struct setup setups[] = {
	{ "cloudflare", BEARER, "provider = cloudflare\ntoken = " SECRET "\n"
	    "zone = example.com\nrecords = home.example.com example.com\n"
	    "endpoint = " HOST "client/v4\n" },
	{ "alidns", NOWHERE, "provider = alidns\naccess_key_id = "
	    "LTAI5tFuzzKeyId0001\naccess_key_secret = " SECRET "\n"
	    "records = home.example.com example.com\nendpoint = " HOST "\n" },
	{ "dnspod", NOWHERE, "provider = dnspod\nsecret_id = "
	    "AKIDfuzz0123456789abcdef0123456789\nsecret_key = " SECRET "\n"
	    "records = home.example.com example.com\nendpoint = " HOST "\n" },
	{ "huaweicloud", NOWHERE, "provider = huaweicloud\naccess_key = "
	    "HPUAFUZZKEY000000001\nsecret_key = " SECRET "\n"
	    "records = home.example.com nas.example.com\n"
	    "endpoint = " HOST "\n" },
	{ "dyndns2", BASIC, "provider = dyndns2\nserver = " HOST
	    "nic/update\nusername = alice@example.com\npassword = " SECRET
	    "\nrecords = home.example.com nas.example.com\n" },
	{ "namecheap", QUERY, "provider = namecheap\ndomain = example.com\n"
	    "password = " SECRET "\nrecords = home.example.com example.com\n"
	    "endpoint = " HOST "update\n" },
	{ "duckdns", QUERY, "provider = duckdns\ntoken = " SECRET "\n"
	    "records = one.duckdns.org two.duckdns.org\n"
	    "endpoint = " HOST "update\n" },
	{ "http", QUERY, "provider = http\ntoken = " SECRET "\n"
	    "records = home.example.com nas.example.com\n"
	    "url = " HOST "hook?token={token}&host={name}&ip={ip}\n"
	    "success = updated\n" },
	{ NULL, NOWHERE, NULL }
};

static const long statuses[16] = {
	200, 202, 200, 200, 201, 204, 400, 401, 403, 404, 409, 429, 500, 503,
	302, 0	/* 0: a transport failure */
};

static const struct setup	*S;
static struct config		 conf;
static int			 v6ok;	/* the account takes AAAA */
static int			 echoed;	/* a reply holds the secret */

/* Writes and loads the config for this provider; aborts on failure. */
static void
load(const char *type)
{
	struct buf	 t = BUF_INIT(0);
	const char	*p;

	buf_printf(&t, "[general]\nstate_file = %s/state.ini\ntimeout = 5\n"
	    "ipv4 = https://127.0.0.1/ip\nipv6 = https://[::1]/ip\n\n"
	    "[fuzz]\n%stype = %s\n", fz_dir(), S->config, type);
	p = fz_file("prov.ini", t.data, t.len);
	buf_free(&t);
	if (config_load(&conf, p) == -1) {
		config_free(&conf);
		memset(&conf, 0, sizeof(conf));
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	for (S = setups; S->name != NULL; S++)
		if (strcmp(S->name, XSTR(FUZZ_PROV)) == 0)
			break;
	if (S->name == NULL)
		fz_fail("no set-up for provider %s", XSTR(FUZZ_PROV));
	log_init(1);
	load("A AAAA");
	v6ok = conf.naccts == 1;
	if (!v6ok)
		load("A");
	if (conf.naccts != 1)
		fz_fail("the %s config does not load", S->name);
	return 0;
}

/* Queues the replies in the input. */
static void
queue(struct fz_in *in)
{
	size_t	 n;
	uint8_t	 sb;
	long	 st;
	char	*body;

	for (n = 0; n < MAX_REPLIES && in->n > 0; n++) {
		sb = fz_byte(in);
		st = statuses[sb & 15];
		body = fz_part(in);
		if (body != NULL && fz_has_secret(body, SECRET))
			echoed = 1;
		if (st == 0)
			fake_http_push_fail("connection reset by peer");
		else
			fake_http_push(st, body ? body : "",
			    (sb & 16) ? 30 : -1);
		free(body);
	}
}

/* Returns 1 when a 2xx reply was given to one of the requests [from,
 * to). The fake hands replies out in order, so reply i answers request i;
 * requests beyond the queue got a transport failure. */
static int
had_2xx(const long *given, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i++)
		if (given[i] >= 200 && given[i] <= 299)
			return 1;
	return 0;
}

/* Returns 1 when s holds a byte that may not stand in a URL. */
static int
bad_url_byte(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return 1;
	return 0;
}

/* Returns 1 when the path of url (after HOST) climbs or has an empty
 * segment, a fragment, or a second '?'. */
static int
bad_path(const char *url)
{
	const char	*p = url + strlen(HOST), *q = strchr(p, '?');
	size_t		 plen = q ? (size_t)(q - p) : strlen(p);
	char		*path = strndup(p, plen);
	int		 bad;

	if (path == NULL)
		return 0;
	bad = strstr(path, "/../") != NULL || strstr(path, "/./") != NULL ||
	    strstr(path, "//") != NULL || strncmp(path, "../", 3) == 0 ||
	    (plen >= 3 && strcmp(path + plen - 3, "/..") == 0) ||
	    strchr(url, '#') != NULL || (q && strchr(q + 1, '?') != NULL);
	free(path);
	return bad;
}

/* Checks one recorded request: where it goes and where the secret is
 * (unless a reply held the secret: then the server chose to send it). */
static void
check_request(const struct fake_req *r)
{
	size_t	 i;
	int	 in_auth = 0;

	if (strncmp(r->url, HOST, strlen(HOST)) != 0)
		fz_fail("request to %s, not " HOST, r->url);
	if (bad_url_byte(r->url))
		fz_fail("URL with a space, control or 8-bit byte: %s", r->url);
	if (bad_path(r->url))
		fz_fail("URL path steered by a reply: %s", r->url);
	for (i = 0; i < r->nheaders; i++) {
		if (strpbrk(r->headers[i], "\r\n") != NULL)
			fz_fail("header with CR/LF: %s", r->headers[i]);
		if (echoed || strstr(r->headers[i], SECRET) == NULL)
			continue;
		if (S->where != BEARER || strcmp(r->headers[i],
		    "Authorization: Bearer " SECRET) != 0)
			fz_fail("secret in header %s", r->headers[i]);
		in_auth = 1;
	}
	if (S->where == BEARER && !in_auth && !echoed)
		fz_fail("request without the bearer token: %s", r->url);
	if (echoed)
		return;
	if (S->where != QUERY && strstr(r->url, SECRET) != NULL)
		fz_fail("secret in the URL %s", r->url);
	if (r->body != NULL && strstr(r->body, SECRET) != NULL)
		fz_fail("secret in the request body");
	if (r->userpwd != NULL && (S->where != BASIC ||
	    strstr(r->userpwd, SECRET) == NULL))
		fz_fail("unexpected Basic credentials");
}

/* Fills ch for record name and family fam (A, or AAAA with fam 6). */
static void
one_change(struct change *ch, struct kv *ids, const char *name, int fam,
    int pass, int verify)
{
	memset(ch, 0, sizeof(*ch));
	ch->name = name;
	ch->fam = fam;
	ch->addr = pass && !verify ? (fam == 6 ? B6 : B4) :
	    (fam == 6 ? A6 : A4);
	ch->old = pass ? (fam == 6 ? A6 : A4) : NULL;
	ch->verify = pass && verify;
	ch->ids = ids;
}

/* Fills a change for every record (and family): pass 0 publishes A;
 * pass 1 moves to B, or with verify checks A again. Returns how many. */
static size_t
changes(struct change *ch, struct kv *ids, int with6, int pass, int verify)
{
	const struct account	*a = &conf.accts[0];
	size_t			 i, n = 0;

	for (i = 0; i < a->nrecords && n + 2 <= MAX_CHANGES; i++) {
		one_change(&ch[n], &ids[n], a->records[i], 4, pass, verify);
		n++;
		if (!with6)
			continue;
		one_change(&ch[n], &ids[n], a->records[i], 6, pass, verify);
		n++;
	}
	return n;
}

/* Runs one pass and checks it. given[] holds the queued statuses. */
static void
pass(const struct pctx *ctx, struct change *ch, size_t n,
    const long *given, size_t ngiven)
{
	struct buf	 log = BUF_INIT(0);
	size_t		 first = fake_http_count(), last, i;

	fz_capture_begin();
	conf.accts[0].prov->update(ctx, ch, n);
	fz_capture_end(&log);
	last = fake_http_count();
	for (i = first; i < last; i++)
		check_request(fake_http_req(i));
	for (i = 0; i < n; i++) {
		if (ch[i].out == OUT_PENDING)
			fz_fail("%s %d left pending", ch[i].name, ch[i].fam);
		if (ch[i].out == OUT_OK && !had_2xx(given, first,
		    last < ngiven ? last : ngiven))
			fz_fail("%s %d OK without any 2xx reply", ch[i].name,
			    ch[i].fam);
	}
	fz_no_secret(buf_str(&log), SECRET, "the log");
	buf_free(&log);
	for (i = 0; i < n && getenv("FUZZ_VERBOSE") != NULL; i++)
		fprintf(stderr, "=> %s %s: %s\n", ch[i].name, ch[i].fam == 6 ?
		    "AAAA" : "A", outcome_str(ch[i].out));
}

/* Copies the statuses of the queued replies into given; returns how
 * many (transport failures count as status 0). */
static size_t
statuses_of(const uint8_t *data, size_t size, long *given)
{
	struct fz_in	 in = { data, size };
	size_t		 n = 0;
	char		*b;

	fz_byte(&in);
	while (n < MAX_REPLIES && in.n > 0) {
		given[n++] = statuses[fz_byte(&in) & 15];
		b = fz_part(&in);
		free(b);
	}
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in	 in = { data, size };
	struct change	 ch[MAX_CHANGES];
	struct kv	 ids[MAX_CHANGES], cache = KV_INIT;
	struct http	*h = http_new(&(struct http_opts){ 5000, NULL, NULL });
	struct pctx	 ctx = { &conf.accts[0], h, &cache, 1780000000, NULL,
			    NULL };
	long		 given[MAX_REPLIES];
	size_t		 ngiven = statuses_of(data, size, given), n, i;
	uint8_t		 scen = fz_byte(&in);
	int		 with6 = v6ok && (scen & 1);

	memset(ids, 0, sizeof(ids));
	fake_http_reset();
	echoed = 0;
	queue(&in);
	n = changes(ch, ids, with6, 0, 0);
	pass(&ctx, ch, n, given, ngiven);
	for (i = 0; i < n; i++)
		if (ch[i].out != OUT_OK)
			kv_free(&ids[i]);
	n = changes(ch, ids, with6, 1, (scen & 2) != 0);
	pass(&ctx, ch, n, given, ngiven);
	for (i = 0; i < MAX_CHANGES; i++)
		kv_free(&ids[i]);
	kv_free(&cache);
	http_free(h);
	fake_http_reset();
	return 0;
}
