/*
 * test_prov_dyndns2.c - the dyndns2 protocol and its presets over the
 * scripted fake transport: request building (hostnames, myip/myipv6,
 * batching, Basic auth), every return code, the back-off, malformed
 * replies, the config check, and no secret in any log line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "fake_http.h"
#include "http.h"
#include "kv.h"
#include "log.h"
#include "provider.h"
#include "t.h"

#define USER	"alice@example.com"
#define PASS	"dd2-S3cret/pa:ss&word"
#define A4	"203.0.113.7"
#define A6	"2001:db8::7"
#define A6ENC	"2001%3Adb8%3A%3A7"
#define DD_URL_TEST	9000	/* a name longer than a request URL may be */

extern const struct provider provider_dyndns2, provider_noip,
    provider_dyndns, provider_dynu, provider_dnsomatic, provider_he,
    provider_ovh, provider_strato;

static struct account	 acct;
static struct kv	 cache = KV_INIT;
static struct kv	 ids[8];
static struct pctx	 ctx;
static struct change	 ch[8];

/* Starts a case for provider p with the usual credentials. */
static void
setup(const struct provider *p)
{
	size_t i;

	kv_free(&cache);
	for (i = 0; i < 8; i++)
		kv_free(&ids[i]);
	fake_http_reset();
	acct.prov = p;
	acct.endpoint = NULL;
	acct.insecure_http = 0;
	fake_acct_keys(&acct, "username", p != &provider_he ? USER : NULL,
	    "password", PASS, "server", p == &provider_dyndns2 ?
	    "https://dyn.example.net/nic/update" : NULL, NULL);
}

/* Fills change i. */
static void
mk(size_t i, const char *name, int fam, const char *addr)
{
	fake_change(&ch[i], name, fam, addr, &ids[i]);
}

/* Runs the account's provider on n changes with stderr captured. */
static void
run(size_t n)
{
	fake_run(acct.prov, &ctx, ch, n);
}

/* Returns the Basic credentials of request i, or "". */
static const char *
userpwd(size_t i)
{
	const struct fake_req *r = fake_http_req(i);

	return r && r->userpwd ? r->userpwd : "";
}

/* One hostname, one good line: one GET with Basic auth. */
static void
test_good(void)
{
	setup(&provider_dyndns2);
	mk(0, "home.example.com", 4, A4);
	fake_http_push(200, "good " A4 "\n", -1);
	run(1);
	CHECK(fake_http_count() == 1);
	CHECK_STR(fake_http_req(0)->method, "GET");
	CHECK_STR(fake_http_url(0), "https://dyn.example.net/nic/update?"
	    "hostname=home.example.com&myip=" A4);
	CHECK_STR(userpwd(0), USER ":" PASS);
	CHECK(fake_http_req(0)->body == NULL);
	CHECK(ch[0].out == OUT_OK);
	CHECK(ch[0].retry_after == 0);
	CHECK(strstr(fake_http_url(0), "password") == NULL);

	/* nochg is success too; so is verify mode (there is no lookup). */
	setup(&provider_dyndns2);
	mk(0, "home.example.com", 4, A4);
	ch[0].verify = 1;
	fake_http_push(200, "nochg " A4, -1);
	run(1);
	CHECK(fake_http_count() == 1);
	CHECK(ch[0].out == OUT_OK);
}

/* Three hostnames of one account: one request, one line each. */
static void
test_batch(void)
{
	setup(&provider_dyndns2);
	mk(0, "a.example.com", 4, A4);
	mk(1, "b.example.com", 4, A4);
	mk(2, "c.example.com", 4, A4);
	fake_http_push(200, "good " A4 "\r\nnochg " A4 "\r\nnohost\r\n", -1);
	run(3);
	CHECK(fake_http_count() == 1);
	CHECK_STR(fake_http_url(0), "https://dyn.example.net/nic/update?"
	    "hostname=a.example.com,b.example.com,c.example.com&myip=" A4);
	CHECK(ch[0].out == OUT_OK);
	CHECK(ch[1].out == OUT_OK);
	CHECK(ch[2].out == OUT_NOTFOUND);
	CHECK(fake_logged("c.example.com A: dyndns2: nohost"));
	CHECK(fake_logged("create it at the service"));
	CHECK(!fake_logged("a.example.com A: dyndns2: "));

	/* A reply with fewer lines than hostnames: the missing ones fail. */
	setup(&provider_dyndns2);
	mk(0, "a.example.com", 4, A4);
	mk(1, "b.example.com", 4, A4);
	fake_http_push(200, "good " A4 "\n", -1);
	run(2);
	CHECK(ch[0].out == OUT_OK);
	CHECK(ch[1].out == OUT_RETRY);
	CHECK(fake_logged("no reply line"));

	/* An account-wide code given once holds for every hostname. */
	setup(&provider_dyndns2);
	mk(0, "a.example.com", 4, A4);
	mk(1, "b.example.com", 4, A4);
	mk(2, "c.example.com", 4, A4);
	fake_http_push(200, "badauth\n", -1);
	run(3);
	CHECK(fake_http_count() == 1);
	CHECK(ch[0].out == OUT_AUTH && ch[1].out == OUT_AUTH &&
	    ch[2].out == OUT_AUTH);

	/* hosts_per_request cuts the batch. */
	setup(&provider_dyndns2);
	kv_set(&acct.keys, "hosts_per_request", "2");
	mk(0, "a.example.com", 4, A4);
	mk(1, "b.example.com", 4, A4);
	mk(2, "c.example.com", 4, A4);
	fake_http_push(200, "good\ngood\n", -1);
	fake_http_push(200, "good\n", -1);
	run(3);
	CHECK(fake_http_count() == 2);
	CHECK(strstr(fake_http_url(0), "hostname=a.example.com,b.example.com&")
	    != NULL);
	CHECK(strstr(fake_http_url(1), "hostname=c.example.com&") != NULL);
	CHECK(ch[0].out == OUT_OK && ch[1].out == OUT_OK &&
	    ch[2].out == OUT_OK);

	/* 21 hostnames never go in one request (the spec's cap is 20). */
	setup(&provider_noip);
	{
		static char names[8][32];
		size_t i;

		for (i = 0; i < 8; i++) {
			snprintf(names[i], sizeof(names[i]), "h%zu.ddns.net", i);
			mk(i, names[i], 4, A4);
		}
		fake_http_push(200, "good\ngood\ngood\ngood\ngood\ngood\ngood\n"
		    "good\n", -1);
		run(8);
		CHECK(fake_http_count() == 1);
		for (i = 0; i < 8; i++)
			CHECK(ch[i].out == OUT_OK);
	}
}

struct code_case {
	const char	*reply;
	enum outcome	 out;
	long		 wait;
	const char	*says;
};

/* Every return code maps to its outcome, wait and a message. */
static void
test_codes(void)
{
	static const struct code_case cases[] = {
		{ "good " A4, OUT_OK, 0, NULL },
		{ "nochg " A4, OUT_OK, 0, NULL },
		{ "GOOD", OUT_OK, 0, NULL },
		{ "badauth", OUT_AUTH, 3600, "check them" },
		{ "!donator", OUT_BADREQ, 3600, "paid option" },
		{ "notfqdn", OUT_NOTFOUND, 0, "fully-qualified" },
		{ "nohost", OUT_NOTFOUND, 0, "create it" },
		{ "!yours", OUT_NOTFOUND, 0, "another account" },
		{ "numhost", OUT_BADREQ, 3600, "hosts_per_request" },
		{ "badagent", OUT_BADREQ, 3600, "refused this client" },
		{ "abuse", OUT_RATELIMIT, 86400, "unblock it" },
		{ "dnserr", OUT_RETRY, 1800, "DNS error" },
		{ "911", OUT_RETRY, 1800, "maintenance" },
		{ "good 127.0.0.1", OUT_BADREQ, 0, "ignored the update" },
		{ "good 127.0.0.10", OUT_RETRY, 0, "another address" },
		{ "good 198.51.100.9", OUT_RETRY, 0, "another address" },
		{ "nochg 198.51.100.9", OUT_RETRY, 0, "another address" },
		{ "good " A4 ",2001:db8::9", OUT_OK, 0, NULL },
		{ "good " A4 " extra words", OUT_OK, 0, NULL },
		{ "hello there", OUT_RETRY, 0, "not a dyndns2 reply: \"hello" },
		{ "<html>oops</html>", OUT_RETRY, 0, "not a dyndns2 reply" },
		{ "<!DOCTYPE html>\nGood news", OUT_RETRY, 0,
		    "not a dyndns2 reply" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setup(&provider_dyndns2);
		mk(0, "home.example.com", 4, A4);
		fake_http_push(200, cases[i].reply, -1);
		run(1);
		CHECK(ch[0].out == cases[i].out);
		CHECK(ch[0].retry_after == cases[i].wait);
		if (cases[i].says != NULL && !fake_logged(cases[i].says)) {
			fprintf(stderr, "case %s: log is %s\n", cases[i].reply,
			    fake_log_last());
			CHECK(0);
		}
		if (cases[i].out != OUT_OK)
			CHECK(fake_logged("[home] home.example.com A: "
			    "dyndns2: "));
	}
}

/* HTTP-level failures, transport failures, Retry-After. */
static void
test_http(void)
{
	setup(&provider_dyndns2);
	mk(0, "home.example.com", 4, A4);
	fake_http_push(401, "badauth", -1);
	run(1);
	CHECK(ch[0].out == OUT_AUTH);
	CHECK(fake_logged("badauth"));

	setup(&provider_dyndns2);
	mk(0, "home.example.com", 4, A4);
	fake_http_push(401, "", -1);
	run(1);
	CHECK(ch[0].out == OUT_AUTH);
	CHECK(fake_logged("HTTP 401"));

	setup(&provider_dyndns2);
	mk(0, "home.example.com", 4, A4);
	fake_http_push(503, "<html>down</html>", 120);
	run(1);
	CHECK(ch[0].out == OUT_RETRY);
	CHECK(ch[0].retry_after == 120);

	setup(&provider_dyndns2);
	mk(0, "home.example.com", 4, A4);
	fake_http_push(429, "", 600);
	run(1);
	CHECK(ch[0].out == OUT_RATELIMIT);
	CHECK(ch[0].retry_after == 600);

	/* 911 with a longer Retry-After keeps the longer wait. */
	setup(&provider_dyndns2);
	mk(0, "home.example.com", 4, A4);
	fake_http_push(200, "911", 7200);
	run(1);
	CHECK(ch[0].out == OUT_RETRY);
	CHECK(ch[0].retry_after == 7200);

	setup(&provider_dyndns2);
	mk(0, "home.example.com", 4, A4);
	fake_http_push(200, "", -1);
	run(1);
	CHECK(ch[0].out == OUT_RETRY);
	CHECK(fake_logged("empty reply"));

	/* "good" under an error status is not taken for success. */
	setup(&provider_dyndns2);
	mk(0, "home.example.com", 4, A4);
	fake_http_push(429, "good " A4, 60);
	run(1);
	CHECK(ch[0].out == OUT_RATELIMIT);
	CHECK(ch[0].retry_after == 60);
	setup(&provider_dyndns2);
	mk(0, "home.example.com", 4, A4);
	fake_http_push(502, "good " A4, -1);
	run(1);
	CHECK(ch[0].out == OUT_RETRY);
	CHECK(fake_logged("HTTP 502"));

	setup(&provider_dyndns2);
	mk(0, "home.example.com", 4, A4);
	fake_http_push_fail("connection refused");
	run(1);
	CHECK(ch[0].out == OUT_RETRY);
	CHECK(ch[0].retry_after == 0);
	CHECK(fake_logged("no reply: connection refused"));
}

/* Once told to wait, the rest of the account is not sent. */
static void
test_stop(void)
{
	setup(&provider_he);
	mk(0, "a.example.com", 4, A4);
	mk(1, "b.example.com", 4, A4);
	mk(2, "c.example.com", 4, A4);
	fake_http_push(200, "911", -1);
	fake_http_push(200, "good", -1);
	run(3);
	CHECK(fake_http_count() == 1);
	CHECK(fake_http_pending() == 1);
	CHECK(ch[0].out == OUT_RETRY && ch[0].retry_after == 1800);
	CHECK(ch[1].out == OUT_RETRY && ch[1].retry_after == 1800);
	CHECK(ch[2].out == OUT_RETRY);
	CHECK(fake_logged("b.example.com A: he: given up: 911"));
	CHECK(fake_logged("(no new request for 1800 s)"));

	/* he: a wrong key for one record does not stop the others. */
	setup(&provider_he);
	mk(0, "a.example.com", 4, A4);
	mk(1, "b.example.com", 4, A4);
	fake_http_push(401, "badauth", -1);
	fake_http_push(200, "good " A4, -1);
	run(2);
	CHECK(fake_http_count() == 2);
	CHECK(ch[0].out == OUT_AUTH && ch[1].out == OUT_OK);
	CHECK(fake_logged("DDNS key"));

	/* With one account-wide username, badauth stops the rest. */
	setup(&provider_ovh);
	mk(0, "a.example.com", 4, A4);
	mk(1, "b.example.com", 4, A4);
	fake_http_push(200, "badauth", -1);
	fake_http_push(200, "good", -1);
	run(2);
	CHECK(fake_http_count() == 1);
	CHECK(ch[0].out == OUT_AUTH && ch[1].out == OUT_AUTH);
	CHECK(fake_logged("DynHost username"));
}

#define NMANY	50

static struct change	 many[NMANY];
static struct kv	 many_ids[NMANY];
static char		 many_names[NMANY][32];

/* Starts a case of NMANY hostnames h0.example.com... of one account. */
static void
setup_many(const struct provider *p)
{
	size_t i;

	setup(p);
	for (i = 0; i < NMANY; i++) {
		kv_free(&many_ids[i]);
		snprintf(many_names[i], sizeof(many_names[i]),
		    "h%zu.example.com", i);
		fake_change(&many[i], many_names[i], 4, A4, &many_ids[i]);
	}
}

/* Queues a reply of k lines "line". */
static void
push_lines(const char *line, size_t k)
{
	char	body[20 * 32];
	size_t	i;

	body[0] = '\0';
	for (i = 0; i < k; i++) {
		strcat(body, line);
		strcat(body, "\n");
	}
	fake_http_push(200, body, -1);
}

/* Returns how many of the NMANY changes have outcome out. */
static size_t
count_out(enum outcome out)
{
	size_t i, k = 0;

	for (i = 0; i < NMANY; i++)
		k += many[i].out == out;
	return k;
}

/* Many hostnames: requests of 20 sent together (at most 4 in flight);
 * a reply that says to wait keeps the requests after it from starting. */
static void
test_many(void)
{
	static char	long_name[DD_URL_TEST];
	size_t		i;

	setup_many(&provider_dyndns2);
	push_lines("good " A4, 20);
	push_lines("good " A4, 20);
	push_lines("nochg " A4, 10);
	fake_run(acct.prov, &ctx, many, NMANY);
	CHECK(fake_http_count() == 3);
	CHECK(fake_http_parallel() == 4);
	CHECK(strstr(fake_http_url(0), "hostname=h0.example.com,h1.") != NULL);
	CHECK(strstr(fake_http_url(1), "hostname=h20.example.com,") != NULL);
	CHECK(strstr(fake_http_url(2), "hostname=h40.example.com,") != NULL);
	CHECK(strstr(fake_http_url(2), "h49.example.com&myip=" A4) != NULL);
	CHECK(count_out(OUT_OK) == NMANY);

	/* 911 in the first reply: nothing more is sent, all wait. */
	setup_many(&provider_dyndns2);
	fake_http_push(200, "911\n", -1);
	push_lines("good " A4, 20);
	push_lines("good " A4, 10);
	fake_run(acct.prov, &ctx, many, NMANY);
	CHECK(fake_http_count() == 1);
	CHECK(fake_http_pending() == 2);
	CHECK(count_out(OUT_RETRY) == NMANY);
	for (i = 0; i < NMANY; i++)
		CHECK(many[i].retry_after == 1800);
	CHECK(fake_logged("h19.example.com A: dyndns2: 911: "));
	CHECK(fake_logged("h20.example.com A: dyndns2: given up: 911: "));
	CHECK(fake_logged("h49.example.com A: dyndns2: given up: 911: "));

	/* badauth in the second: the first's results stand. */
	setup_many(&provider_dyndns2);
	push_lines("good " A4, 20);
	fake_http_push(200, "badauth\n", -1);
	push_lines("good " A4, 10);
	fake_run(acct.prov, &ctx, many, NMANY);
	CHECK(fake_http_count() == 2);
	CHECK(count_out(OUT_OK) == 20 && count_out(OUT_AUTH) == 30);
	CHECK(many[19].out == OUT_OK && many[20].out == OUT_AUTH);
	CHECK(fake_logged("h40.example.com A: dyndns2: given up: badauth"));

	/* A transport failure stops the rest too. */
	setup_many(&provider_dyndns2);
	fake_http_push_fail("connection refused");
	fake_run(acct.prov, &ctx, many, NMANY);
	CHECK(fake_http_count() == 1);
	CHECK(count_out(OUT_RETRY) == NMANY);
	CHECK(fake_logged("h49.example.com A: dyndns2: given up: no reply: "
	    "connection refused"));

	/* A request that cannot be built fails alone; the others go. */
	setup(&provider_he);
	memset(long_name, 'x', sizeof(long_name) - 1);
	mk(0, "a.example.com", 4, A4);
	mk(1, long_name, 4, A4);
	mk(2, "c.example.com", 4, A4);
	fake_http_push(200, "good " A4, -1);
	fake_http_push(200, "nochg " A4, -1);
	run(3);
	CHECK(fake_http_count() == 2);
	CHECK(strstr(fake_http_url(1), "hostname=c.example.com&") != NULL);
	CHECK(ch[0].out == OUT_OK && ch[2].out == OUT_OK);
	CHECK(ch[1].out == OUT_BADREQ);
}

/* Asked for 127.0.0.10, "good 127.0.0.10" is the update done; an HTML
 * page whose second line starts "Good" answers nothing; a request cut
 * off after "abuse" may have been carried out (RETRY, not RATELIMIT). */
static void
test_reply_edges(void)
{
	setup(&provider_dyndns2);
	mk(0, "home.example.com", 4, "127.0.0.10");
	fake_http_push(200, "good 127.0.0.10", -1);
	run(1);
	CHECK(ch[0].out == OUT_OK);

	setup(&provider_dyndns2);
	kv_set(&acct.keys, "hosts_per_request", "1");
	mk(0, "a.example.com", 4, A4);
	mk(1, "b.example.com", 4, A4);
	fake_http_push(200, "<!DOCTYPE html>\ngood " A4, -1);
	fake_http_push(200, "<html>\r\nnochg\r\n", -1);
	run(2);
	CHECK(ch[0].out == OUT_RETRY && ch[1].out == OUT_RETRY);

	setup(&provider_he);
	mk(0, "a.example.com", 4, A4);
	mk(1, "b.example.com", 4, A4);
	fake_http_push(200, "abuse", -1);
	run(2);
	CHECK(ch[0].out == OUT_RATELIMIT && ch[0].retry_after == 86400);
	CHECK(ch[1].out == OUT_RETRY && ch[1].retry_after == 86400);

	/* he: a wrong per-host password asks for no wait (the others go on) */
	setup(&provider_he);
	mk(0, "a.example.com", 4, A4);
	fake_http_push(200, "badauth", -1);
	run(1);
	CHECK(ch[0].out == OUT_AUTH && ch[0].retry_after == 0);
}

/* With both families in one request, the run's address of the family
 * not changing goes too when the account manages it (No-IP would take a
 * missing myip as the sender's address). */
static void
test_kept_family(void)
{
	setup(&provider_noip);
	acct.fams = FAM_V4 | FAM_V6;
	ctx.addr4 = A4;
	ctx.addr6 = A6;
	mk(0, "b.ddns.net", 6, A6);
	fake_http_push(200, "nochg " A4 "," A6, -1);
	run(1);
	CHECK_STR(fake_http_url(0), "https://dynupdate.no-ip.com/nic/update?"
	    "hostname=b.ddns.net&myip=" A4 "&myipv6=" A6ENC);
	CHECK(ch[0].out == OUT_OK);

	/* an account of AAAA records only sends only myipv6 */
	setup(&provider_noip);
	acct.fams = FAM_V6;
	mk(0, "b.ddns.net", 6, A6);
	fake_http_push(200, "good", -1);
	run(1);
	CHECK_STR(fake_http_url(0), "https://dynupdate.no-ip.com/nic/update?"
	    "hostname=b.ddns.net&myipv6=" A6ENC);

	/* dynu: the managed family's address instead of "no" */
	setup(&provider_dynu);
	acct.fams = FAM_V4 | FAM_V6;
	mk(0, "a.dynu.net", 4, A4);
	fake_http_push(200, "good", -1);
	run(1);
	CHECK_STR(fake_http_url(0), "https://api.dynu.com/nic/update?"
	    "hostname=a.dynu.net&myip=" A4 "&myipv6=" A6ENC);

	/* separate requests per family (dyndns2's default): nothing added */
	setup(&provider_dyndns2);
	acct.fams = FAM_V4 | FAM_V6;
	mk(0, "home.example.com", 6, A6);
	fake_http_push(200, "good", -1);
	run(1);
	CHECK_STR(fake_http_url(0), "https://dyn.example.net/nic/update?"
	    "hostname=home.example.com&myip=" A6ENC);
	acct.fams = 0;
	ctx.addr4 = ctx.addr6 = NULL;
}

/* The presets: URLs, extra parameters, IPv6 habits, usernames. */
static void
test_presets(void)
{
	/* noip: A and AAAA of one name together, IPv6 in myipv6. */
	setup(&provider_noip);
	mk(0, "h.ddns.net", 4, A4);
	mk(1, "h.ddns.net", 6, A6);
	fake_http_push(200, "good " A4 "," A6, -1);
	run(2);
	CHECK(fake_http_count() == 1);
	CHECK_STR(fake_http_url(0), "https://dynupdate.no-ip.com/nic/update?"
	    "hostname=h.ddns.net&myip=" A4 "&myipv6=" A6ENC);
	CHECK(ch[0].out == OUT_OK && ch[1].out == OUT_OK);

	/* noip: a name with only its AAAA changed goes apart. */
	setup(&provider_noip);
	mk(0, "a.ddns.net", 4, A4);
	mk(1, "a.ddns.net", 6, A6);
	mk(2, "b.ddns.net", 6, A6);
	fake_http_push(200, "good", -1);
	fake_http_push(200, "good", -1);
	run(3);
	CHECK(fake_http_count() == 2);
	CHECK(strstr(fake_http_url(0), "hostname=a.ddns.net&myip=") != NULL);
	CHECK_STR(fake_http_url(1), "https://dynupdate.no-ip.com/nic/update?"
	    "hostname=b.ddns.net&myipv6=" A6ENC);

	/* dynu: one host per request, "no" for the family left alone. */
	setup(&provider_dynu);
	mk(0, "a.dynu.net", 4, A4);
	mk(1, "b.dynu.net", 4, A4);
	fake_http_push(200, "good", -1);
	fake_http_push(200, "nochg", -1);
	run(2);
	CHECK(fake_http_count() == 2);
	CHECK_STR(fake_http_url(0), "https://api.dynu.com/nic/update?"
	    "hostname=a.dynu.net&myip=" A4 "&myipv6=no");
	CHECK_STR(fake_http_url(1), "https://api.dynu.com/nic/update?"
	    "hostname=b.dynu.net&myip=" A4 "&myipv6=no");

	/* dyndns: the v3 URL, "v4,v6" in myip. */
	setup(&provider_dyndns);
	mk(0, "h.dyndns.org", 4, A4);
	mk(1, "h.dyndns.org", 6, A6);
	fake_http_push(200, "good", -1);
	run(2);
	CHECK_STR(fake_http_url(0), "https://members.dyndns.org/v3/update?"
	    "hostname=h.dyndns.org&myip=" A4 "," A6ENC);
	CHECK(ch[0].out == OUT_OK && ch[1].out == OUT_OK);

	/* strato: the same habit, one host per request. */
	setup(&provider_strato);
	mk(0, "example.de", 6, A6);
	fake_http_push(200, "good", -1);
	run(1);
	CHECK_STR(fake_http_url(0), "https://dyndns.strato.com/nic/update?"
	    "hostname=example.de&myip=" A6ENC);

	/* ovh: system=dyndns first. */
	setup(&provider_ovh);
	mk(0, "dyn.example.fr", 4, A4);
	fake_http_push(200, "good " A4, -1);
	run(1);
	CHECK_STR(fake_http_url(0), "https://www.ovh.com/nic/update?"
	    "system=dyndns&hostname=dyn.example.fr&myip=" A4);

	/* dnsomatic and plain dyndns2: IPv6 in a request of its own. */
	setup(&provider_dnsomatic);
	mk(0, "all.dnsomatic.com", 4, A4);
	fake_http_push(200, "good " A4, -1);
	run(1);
	CHECK_STR(fake_http_url(0), "https://updates.dnsomatic.com/nic/update?"
	    "hostname=all.dnsomatic.com&myip=" A4);
	setup(&provider_dyndns2);
	mk(0, "a.example.com", 4, A4);
	mk(1, "a.example.com", 6, A6);
	mk(2, "b.example.com", 6, A6);
	fake_http_push(200, "good", -1);
	fake_http_push(200, "good\ngood", -1);
	run(3);
	CHECK(fake_http_count() == 2);
	CHECK(strstr(fake_http_url(0), "hostname=a.example.com&myip=" A4) !=
	    NULL);
	CHECK(strstr(fake_http_url(1), "hostname=a.example.com,b.example.com"
	    "&myip=" A6ENC) != NULL);
	CHECK(ch[0].out == OUT_OK && ch[1].out == OUT_OK &&
	    ch[2].out == OUT_OK);

	/* he: the record is the username, one request per record. */
	setup(&provider_he);
	mk(0, "a.example.com", 4, A4);
	mk(1, "a.example.com", 6, A6);
	fake_http_push(200, "good " A4, -1);
	fake_http_push(200, "nochg " A6, -1);
	run(2);
	CHECK(fake_http_count() == 2);
	CHECK_STR(fake_http_url(0), "https://dyn.dns.he.net/nic/update?"
	    "hostname=a.example.com&myip=" A4);
	CHECK_STR(fake_http_url(1), "https://dyn.dns.he.net/nic/update?"
	    "hostname=a.example.com&myip=" A6ENC);
	CHECK_STR(userpwd(0), "a.example.com:" PASS);
	CHECK(ch[0].out == OUT_OK && ch[1].out == OUT_OK);

	/* ipv6_mode for plain dyndns2. */
	setup(&provider_dyndns2);
	kv_set(&acct.keys, "ipv6_mode", "myipv6");
	mk(0, "a.example.com", 4, A4);
	mk(1, "a.example.com", 6, A6);
	fake_http_push(200, "good", -1);
	run(2);
	CHECK(fake_http_count() == 1);
	CHECK(strstr(fake_http_url(0), "&myip=" A4 "&myipv6=" A6ENC) != NULL);
	setup(&provider_dyndns2);
	kv_set(&acct.keys, "ipv6_mode", "comma");
	mk(0, "a.example.com", 4, A4);
	mk(1, "a.example.com", 6, A6);
	fake_http_push(200, "good", -1);
	run(2);
	CHECK(strstr(fake_http_url(0), "&myip=" A4 "," A6ENC) != NULL);
}

/* endpoint overrides the URL; a URL with a query gets '&'. */
static void
test_endpoint(void)
{
	setup(&provider_noip);
	acct.endpoint = "https://127.0.0.1:8443/nic/update";
	mk(0, "h.ddns.net", 4, A4);
	fake_http_push(200, "good", -1);
	run(1);
	CHECK_STR(fake_http_url(0), "https://127.0.0.1:8443/nic/update?"
	    "hostname=h.ddns.net&myip=" A4);

	setup(&provider_ovh);
	acct.endpoint = "https://127.0.0.1:8443/nic/update";
	mk(0, "h.example.fr", 4, A4);
	fake_http_push(200, "good", -1);
	run(1);
	CHECK_STR(fake_http_url(0), "https://127.0.0.1:8443/nic/update?"
	    "system=dyndns&hostname=h.example.fr&myip=" A4);

	setup(&provider_dyndns2);
	kv_set(&acct.keys, "server", "https://x.example/upd?sys=a");
	mk(0, "h.example.com", 4, A4);
	fake_http_push(200, "good", -1);
	run(1);
	CHECK_STR(fake_http_url(0), "https://x.example/upd?sys=a&"
	    "hostname=h.example.com&myip=" A4);
}

/* The load-time check. */
static void
test_check(void)
{
	setup(&provider_dyndns2);
	CHECK(provider_dyndns2.check(&acct) == 0);

	setup(&provider_dyndns2);
	kv_set(&acct.keys, "server", "http://dyn.example.net/nic/update");
	CHECK(fake_check(&provider_dyndns2, &acct) == -1);
	CHECK(fake_logged("server") && fake_logged("insecure_http"));
	acct.insecure_http = 1;
	CHECK(provider_dyndns2.check(&acct) == 0);

	setup(&provider_dyndns2);
	kv_set(&acct.keys, "server", "dyn.example.net/nic/update?k=S3cr3t");
	CHECK(fake_check(&provider_dyndns2, &acct) == -1);
	CHECK(fake_logged("not an https:// URL"));
	CHECK(!fake_logged("S3cr3t"));	/* a value may hold a credential */

	setup(&provider_dyndns2);
	kv_set(&acct.keys, "hosts_per_request", "21");
	kv_set(&acct.keys, "ipv6_mode", "both");
	CHECK(fake_check(&provider_dyndns2, &acct) == -1);
	CHECK(fake_logged("hosts_per_request") && fake_logged("ipv6_mode"));

	setup(&provider_noip);
	kv_set(&acct.keys, "username", "a:b");
	CHECK(fake_check(&provider_noip, &acct) == -1);
	CHECK(fake_logged("':'"));
	CHECK(!fake_logged(PASS));

	setup(&provider_he);
	CHECK(provider_he.check(&acct) == 0);
}

/* The providers are in the table with the keys the docs name. */
static void
test_table(void)
{
	const struct provider *p[] = { &provider_dyndns2, &provider_noip,
	    &provider_dyndns, &provider_dynu, &provider_dnsomatic,
	    &provider_he, &provider_ovh, &provider_strato };
	const char *names[] = { "dyndns2", "noip", "dyndns", "dynu",
	    "dnsomatic", "he", "ovh", "strato" };
	const struct provider_key *k;
	size_t i;
	int secret;

	for (i = 0; i < 8; i++) {
		CHECK(provider_find(names[i]) == p[i]);
		CHECK_STR(p[i]->name, names[i]);
		CHECK((p[i]->api_base == NULL) == (i == 0));
		CHECK(p[i]->api_base == NULL ||
		    strncmp(p[i]->api_base, "https://", 8) == 0);
		secret = 0;
		for (k = p[i]->keys; k->name; k++)
			if (strcmp(k->name, "password") == 0)
				secret = k->flags ==
				    (PKEY_REQUIRED | PKEY_SECRET);
		CHECK(secret);
	}
}

int
main(void)
{
	CHECK(fake_ctx_init(&ctx, &acct, NULL, "home",
	    &cache) == 0);

	test_good();
	test_batch();
	test_codes();
	test_http();
	test_stop();
	test_many();
	test_presets();
	test_reply_edges();
	test_kept_family();
	test_endpoint();
	test_check();
	test_table();

	CHECK(*fake_log_all() != '\0');
	CHECK(strstr(fake_log_all(), "-> 200") != NULL);
	CHECK(strstr(fake_log_all(), "dd2-S3cret") == NULL);
	CHECK(strstr(fake_log_all(), "S3cret%2F") == NULL);

	setup(&provider_dyndns2);
	fake_ctx_free(&ctx, &acct);
	T_END("test_prov_dyndns2");
}
