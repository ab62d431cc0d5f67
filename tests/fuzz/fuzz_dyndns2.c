/*
 * fuzz_dyndns2.c - the dyndns2 reply parser (one return code per hostname,
 * one per line, account-wide codes given once), through the real update()
 * of dyndns2 and its presets over the scripted transport.
 *
 * Six hostnames per account, so one reply carries several lines; the
 * presets differ in batching (1 or many hostnames per request), in how
 * IPv6 travels (separate request, myipv6, "v4,v6") and in the username
 * being the hostname (he). Input: a byte choosing the set-up (low 3 bits)
 * and AAAA (bit 3), a status byte, then the body every request gets.
 * Properties:
 *  - no change is left OUT_PENDING;
 *  - no change is OK unless the status was 2xx and the body holds a
 *    "good" or "nochg" code (any case) -- success is never guessed;
 *  - every request goes to https://api.fuzz.test/ with the password only
 *    in its Basic credentials, and no log line shows the password.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "config.h"
#include "fake_http.h"
#include "fuzz_util.h"
#include "http.h"
#include "kv.h"
#include "log.h"
#include "provider.h"

#define SECRET		"fzDd2Pa55word0123456789XYZ"
#define HOST		"https://api.fuzz.test/"
#define NSETUPS		8
#define NREQ		16	/* replies queued: more than any set-up uses */
#define MAXCH		12

static const char *const setups[NSETUPS] = {
	"provider = dyndns2\nserver = " HOST "nic/update\n"
	    "username = alice\npassword = " SECRET "\n",
	"provider = dyndns2\nserver = " HOST "nic/update?x=1\n"
	    "username = alice\npassword = " SECRET "\nipv6_mode = myipv6\n",
	"provider = dyndns2\nserver = " HOST "nic/update\nusername = alice\n"
	    "password = " SECRET "\nipv6_mode = comma\nhosts_per_request = 2\n",
	"provider = noip\nusername = alice\npassword = " SECRET "\n"
	    "endpoint = " HOST "nic/update\n",
	"provider = dynu\nusername = alice\npassword = " SECRET "\n"
	    "endpoint = " HOST "nic/update\n",
	"provider = he\npassword = " SECRET "\n"
	    "endpoint = " HOST "nic/update\n",
	"provider = dyndns\nusername = alice\npassword = " SECRET "\n"
	    "endpoint = " HOST "v3/update\n",
	"provider = ovh\nusername = example.com-home\npassword = " SECRET
	    "\nendpoint = " HOST "nic/update\n",
};

static const long statuses[8] = { 200, 200, 200, 200, 401, 429, 500, 503 };

static struct config	conf[NSETUPS];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct buf	 t = BUF_INIT(0);
	const char	*p;
	char		 name[32];
	int		 i;

	(void)argc;
	(void)argv;
	log_init(1);
	for (i = 0; i < NSETUPS; i++) {
		buf_reset(&t);
		buf_printf(&t, "[general]\nstate_file = %s/state.ini\n"
		    "ipv4 = https://127.0.0.1/ip\nipv6 = https://[::1]/ip\n\n"
		    "[dyn]\n%stype = A AAAA\nrecords = a.example.com "
		    "b.example.com c.example.com d.example.com e.example.com "
		    "f.example.com\n", fz_dir(), setups[i]);
		snprintf(name, sizeof(name), "dd%d.ini", i);
		p = fz_file(name, t.data, t.len);
		if (config_load(&conf[i], p) == -1 || conf[i].naccts != 1)
			fz_fail("set-up %d does not load", i);
	}
	buf_free(&t);
	return 0;
}

/* Returns 1 when body holds "good" or "nochg" in any case. */
static int
has_success_code(const char *body)
{
	const char *p;

	for (p = body; *p; p++)
		if (strncasecmp(p, "good", 4) == 0 ||
		    strncasecmp(p, "nochg", 5) == 0)
			return 1;
	return 0;
}

/* Checks where the requests went and what they carried. */
static void
check_requests(void)
{
	const struct fake_req	*r;
	size_t			 i;

	for (i = 0; (r = fake_http_req(i)) != NULL; i++) {
		if (strncmp(r->url, HOST, strlen(HOST)) != 0)
			fz_fail("request to %s", r->url);
		if (strstr(r->url, SECRET) != NULL || (r->body != NULL &&
		    strstr(r->body, SECRET) != NULL))
			fz_fail("password outside the Basic credentials");
		if (r->userpwd == NULL || strstr(r->userpwd, SECRET) == NULL)
			fz_fail("request without Basic credentials");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in		 in = { data, size };
	uint8_t			 sel = fz_byte(&in);
	long			 st = statuses[fz_byte(&in) & 7];
	char			*body = fz_part(&in);
	const struct account	*a = &conf[sel & 7].accts[0];
	struct change		 ch[MAXCH];
	struct kv		 ids[MAXCH], cache = KV_INIT;
	struct http		*h = http_new(&(struct http_opts){ 5000, NULL,
				    NULL });
	struct pctx		 ctx = { a, h, &cache, 1780000000, NULL, NULL };
	struct buf		 log = BUF_INIT(0);
	size_t			 n = 0, i;
	int			 k;

	memset(ids, 0, sizeof(ids));
	fake_http_reset();
	for (k = 0; k < NREQ; k++)
		fake_http_push(st, body ? body : "", (sel & 16) ? 60 : -1);
	for (i = 0; i < a->nrecords && n + 2 <= MAXCH; i++) {
		memset(&ch[n], 0, sizeof(ch[n]));
		ch[n].name = a->records[i];
		ch[n].fam = 4;
		ch[n].addr = "93.184.216.34";
		ch[n].ids = &ids[n];
		n++;
		if (!(sel & 8))
			continue;
		memset(&ch[n], 0, sizeof(ch[n]));
		ch[n].name = a->records[i];
		ch[n].fam = 6;
		ch[n].addr = "2606:2800:220:1::1";
		ch[n].ids = &ids[n];
		n++;
	}
	fz_capture_begin();
	a->prov->update(&ctx, ch, n);
	fz_capture_end(&log);
	check_requests();
	for (i = 0; i < n; i++) {
		if (ch[i].out == OUT_PENDING)
			fz_fail("%s %d left pending", ch[i].name, ch[i].fam);
		if (ch[i].out == OUT_OK && !has_success_code(body ? body : ""))
			fz_fail("%s %d OK after HTTP %ld \"%s\"", ch[i].name,
			    ch[i].fam, st, body ? body : "");
		/* A "good" line under an error status is not trusted. */
		if (ch[i].out == OUT_OK && st / 100 != 2)
			fz_fail("%s %d OK after HTTP %ld \"%s\"",
			    ch[i].name, ch[i].fam, st, body ? body : "");
	}
	fz_no_secret(buf_str(&log), SECRET, "the log");
	for (i = 0; i < MAXCH; i++)
		kv_free(&ids[i]);
	kv_free(&cache);
	buf_free(&log);
	http_free(h);
	free(body);
	fake_http_reset();
	return 0;
}
