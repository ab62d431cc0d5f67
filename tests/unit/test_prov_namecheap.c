/*
 * test_prov_namecheap.c - the Namecheap provider over the scripted fake
 * transport: the request (host/domain split, password, ip), the XML
 * reply with its errors, malformed replies, the config check, and no
 * secret in any log line.
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

#define PASS	"nc0ddPa55+word/x"
#define PASSENC	"nc0ddPa55%2Bword%2Fx"
#define A4	"203.0.113.9"
#define BASE	"https://dynamicdns.park-your-domain.com/update"

#define OKXML	"<?xml version=\"1.0\" encoding=\"utf-16\"?>\r\n" \
	"<interface-response><Command>SETDNSHOST</Command><Language>eng" \
	"</Language><IP>" A4 "</IP><ErrCount>0</ErrCount><errors />" \
	"<ResponseCount>0</ResponseCount><Done>true</Done><debug><![CDATA[]]>" \
	"</debug></interface-response>"
#define ERRXML(msg) "<?xml version=\"1.0\"?><interface-response>" \
	"<Command>SETDNSHOST</Command><ErrCount>1</ErrCount><errors>" \
	"<Err1>" msg "</Err1></errors><ResponseCount>1</ResponseCount>" \
	"<responses><response><ResponseNumber>304156</ResponseNumber>" \
	"<ResponseString>Validation error</ResponseString></response>" \
	"</responses><Done>true</Done></interface-response>"

extern const struct provider provider_namecheap;

static struct account	 acct;
static struct kv	 cache = KV_INIT;
static struct kv	 ids[4];
static struct pctx	 ctx;
static struct change	 ch[4];

/* Starts a case: domain example.com, fresh transport. */
static void
setup(void)
{
	size_t i;

	for (i = 0; i < 4; i++)
		kv_free(&ids[i]);
	fake_http_reset();
	acct.endpoint = NULL;
	acct.fams = FAM_V4;
	acct.records = NULL;
	acct.nrecords = 0;
	fake_acct_keys(&acct, "domain", "example.com", "password", PASS, NULL);
}

static void
mk(size_t i, const char *name, int fam, const char *addr)
{
	fake_change(&ch[i], name, fam, addr, &ids[i]);
}

static void
run(size_t n)
{
	fake_run(&provider_namecheap, &ctx, ch, n);
}

/* A subdomain, the apex and the wildcard: one GET each. */
static void
test_ok(void)
{
	setup();
	mk(0, "home.example.com", 4, A4);
	mk(1, "example.com", 4, A4);
	mk(2, "*.example.com", 4, A4);
	fake_http_push(200, OKXML, -1);
	fake_http_push(200, OKXML, -1);
	fake_http_push(200, OKXML, -1);
	run(3);
	CHECK(fake_http_count() == 3);
	CHECK_STR(fake_http_url(0), BASE "?host=home&domain=example.com"
	    "&password=" PASSENC "&ip=" A4);
	CHECK_STR(fake_http_url(1), BASE "?host=%40&domain=example.com"
	    "&password=" PASSENC "&ip=" A4);
	CHECK_STR(fake_http_url(2), BASE "?host=%2A&domain=example.com"
	    "&password=" PASSENC "&ip=" A4);
	CHECK_STR(fake_http_req(0)->method, "GET");
	CHECK(fake_http_req(0)->userpwd == NULL);
	CHECK(ch[0].out == OUT_OK && ch[1].out == OUT_OK &&
	    ch[2].out == OUT_OK);

	/* A deeper name keeps all its labels in host; endpoint is honoured. */
	setup();
	acct.endpoint = "https://127.0.0.1:9/nc/update";
	mk(0, "a.b.example.com", 4, A4);
	fake_http_push(200, "<interface-response><ErrCount> 0 </ErrCount>"
	    "</interface-response>", -1);
	run(1);
	CHECK_STR(fake_http_url(0), "https://127.0.0.1:9/nc/update?host=a.b"
	    "&domain=example.com&password=" PASSENC "&ip=" A4);
	CHECK(ch[0].out == OUT_OK);
}

struct nc_case {
	long		 status;
	const char	*reply;
	enum outcome	 out;
	const char	*says;
};

/* Errors in the XML, HTTP errors and malformed replies. */
static void
test_errors(void)
{
	static const struct nc_case cases[] = {
		{ 200, ERRXML("Passwords do not match"), OUT_AUTH,
		    "Dynamic DNS password" },
		{ 200, ERRXML("Domain name not active"), OUT_NOTFOUND,
		    "check domain and records" },
		{ 200, ERRXML("No Records updated. A record not Found;"),
		    OUT_NOTFOUND, "A record not Found" },
		{ 200, ERRXML("Invalid IP"), OUT_BADREQ, "\"Invalid IP\"" },
		{ 200, ERRXML("Too many requests"), OUT_RATELIMIT, "Too many" },
		{ 200, "<interface-response><ErrCount>2</ErrCount>"
		    "</interface-response>", OUT_BADREQ, "2 error(s)" },
		{ 200, "<html>Bad gateway</html>", OUT_RETRY, "no ErrCount" },
		{ 200, "", OUT_RETRY, "no ErrCount" },
		{ 200, "<ErrCount>x</ErrCount>", OUT_RETRY, "no ErrCount" },
		{ 200, "<ErrCount>0", OUT_RETRY, "no ErrCount" },
		{ 500, OKXML, OUT_RETRY, "HTTP 500" },
		{ 403, "", OUT_AUTH, "HTTP 403" },
		{ 429, "", OUT_RATELIMIT, "HTTP 429" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setup();
		mk(0, "home.example.com", 4, A4);
		fake_http_push(cases[i].status, cases[i].reply, 60);
		run(1);
		CHECK(ch[0].out == cases[i].out);
		CHECK(fake_logged("[home] home.example.com A: namecheap: "));
		if (!fake_logged(cases[i].says)) {
			fprintf(stderr, "case %zu: log is %s\n", i,
			    fake_log_last());
			CHECK(0);
		}
		CHECK(ch[0].retry_after == (cases[i].status == 500 ||
		    cases[i].status == 429 ? 60 : 0));
	}

	/* A transport failure; then the rest of the account waits. */
	setup();
	mk(0, "a.example.com", 4, A4);
	mk(1, "b.example.com", 4, A4);
	fake_http_push_fail("timed out after 10 s");
	fake_http_push(200, OKXML, -1);
	run(2);
	CHECK(fake_http_count() == 1);
	CHECK(ch[0].out == OUT_RETRY && ch[1].out == OUT_RETRY);
	CHECK(fake_logged("no reply: timed out"));
	CHECK(fake_logged("b.example.com A: namecheap: not sent"));

	/* A wrong password stops the rest too (one password per domain);
	 * a missing record does not. */
	setup();
	mk(0, "a.example.com", 4, A4);
	mk(1, "b.example.com", 4, A4);
	mk(2, "c.example.com", 4, A4);
	fake_http_push(200, ERRXML("No Records updated. A record not Found;"),
	    -1);
	fake_http_push(200, ERRXML("Passwords do not match"), -1);
	fake_http_push(200, OKXML, -1);
	run(3);
	CHECK(fake_http_count() == 2);
	CHECK(ch[0].out == OUT_NOTFOUND && ch[1].out == OUT_AUTH &&
	    ch[2].out == OUT_AUTH);

	/* AAAA never reaches the wire. */
	setup();
	mk(0, "a.example.com", 6, "2001:db8::1");
	run(1);
	CHECK(fake_http_count() == 0);
	CHECK(ch[0].out == OUT_BADREQ);
}

/* The load-time check: A only, names inside the domain. */
static void
test_check(void)
{
	char *ok[] = { "example.com", "www.example.com", "*.example.com" };
	char *bad[] = { "www.example.org", "badexample.com" };

	setup();
	acct.records = ok;
	acct.nrecords = 3;
	CHECK(provider_namecheap.check(&acct) == 0);
	kv_set(&acct.keys, "domain", "Example.COM.");
	CHECK(provider_namecheap.check(&acct) == 0);

	setup();
	acct.records = ok;
	acct.nrecords = 3;
	acct.fams = FAM_V4 | FAM_V6;
	CHECK(fake_check(&provider_namecheap, &acct) == -1);
	CHECK(fake_logged("IPv4 only"));

	setup();
	acct.records = bad;
	acct.nrecords = 2;
	CHECK(fake_check(&provider_namecheap, &acct) == -1);
	CHECK(fake_logged("www.example.org is not example.com"));
	CHECK(fake_logged("badexample.com is not example.com"));

	setup();
	kv_set(&acct.keys, "domain", "example.com&x=1");
	CHECK(fake_check(&provider_namecheap, &acct) == -1);
	CHECK(fake_logged("not a domain name"));
	CHECK(!fake_logged(PASS));
	acct.records = NULL;
	acct.nrecords = 0;
}

int
main(void)
{
	CHECK(fake_ctx_init(&ctx, &acct, &provider_namecheap, "home",
	    &cache) == 0);

	CHECK(provider_find("namecheap") == &provider_namecheap);
	test_ok();
	test_errors();
	test_check();

	CHECK(strstr(fake_log_all(), "-> 200") != NULL);
	CHECK(strstr(fake_log_all(), "nc0ddPa55") == NULL);
	CHECK(strstr(fake_log_all(), "password=") == NULL);

	setup();
	fake_ctx_free(&ctx, &acct);
	T_END("test_prov_namecheap");
}
