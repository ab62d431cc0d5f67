/* test_template.c - placeholders (template.c) and notification variables
 * (notify.c). */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "kv.h"
#include "notify.h"
#include "t.h"
#include "template.h"

/* Expands tmpl with vars; returns the text, or "ERR:<bad>". */
static const char *
expand(const char *tmpl, const struct kv *vars, int how)
{
	static char	 out[512];
	struct buf	 b = BUF_INIT(0);
	const char	*bad;

	if (tmpl_expand(tmpl, vars, how, &b, &bad) == -1)
		snprintf(out, sizeof(out), "ERR:%s", bad ? bad : "oom");
	else
		snprintf(out, sizeof(out), "%s", buf_str(&b));
	buf_free(&b);
	return out;
}

static void
test_expand(void)
{
	struct kv	 v = KV_INIT;
	const char	*bad;

	kv_set(&v, "ip", "2001:db8::1");
	kv_set(&v, "name", "a b&c");
	kv_set(&v, "empty", "");
	CHECK_STR(expand("x={ip}", &v, TMPL_RAW), "x=2001:db8::1");
	CHECK_STR(expand("x={ip}", &v, TMPL_URLENC), "x=2001%3Adb8%3A%3A1");
	CHECK_STR(expand("{name}|{name}", &v, TMPL_URLENC), "a%20b%26c|a%20b%26c");
	CHECK_STR(expand("[{empty}]", &v, TMPL_RAW), "[]");
	/* JSON braces are literal: only {[a-z0-9_]+} is a placeholder */
	CHECK_STR(expand("{\"t\": \"{ip}\"}", &v, TMPL_RAW),
	    "{\"t\": \"2001:db8::1\"}");
	CHECK_STR(expand("{} {IP} {a-b} {", &v, TMPL_RAW), "{} {IP} {a-b} {");
	CHECK_STR(expand("a{nope}b", &v, TMPL_RAW), "ERR:nope");
	CHECK(tmpl_check("{ip}{name}", &v, &bad) == 0);
	CHECK(tmpl_check("{ip}{token}", &v, &bad) == -1 && bad &&
	    strcmp(bad, "token") == 0);
	kv_free(&v);
}

static void
test_notify_vars(void)
{
	struct notify_event	 ev[3];
	struct kv		 v = KV_INIT;

	memset(ev, 0, sizeof(ev));
	ev[0].acct = "home";
	ev[0].provider = "cloudflare";
	ev[0].name = "a.example.com";
	ev[0].fam = 4;
	snprintf(ev[0].old, sizeof(ev[0].old), "93.184.216.1");
	snprintf(ev[0].addr, sizeof(ev[0].addr), "93.184.216.2");
	ev[1] = ev[0];
	ev[1].name = "b.example.com";
	ev[1].fam = 6;
	ev[1].old[0] = '\0';
	snprintf(ev[1].addr, sizeof(ev[1].addr), "2606:2800:220:1::1");
	ev[2] = ev[0];
	ev[2].name = "c.example.com";
	ev[2].why = "authentication failed";
	CHECK(notify_vars(&v, ev, 2, "93.184.216.2", NULL) == 0);
	CHECK_STR(kv_get(&v, "status"), "ok");
	CHECK_STR(kv_get(&v, "changes"), "a.example.com A 93.184.216.1 -> "
	    "93.184.216.2; b.example.com AAAA (none) -> 2606:2800:220:1::1");
	CHECK_STR(kv_get(&v, "failures"), "");
	CHECK_STR(kv_get(&v, "name"), "a.example.com");
	CHECK_STR(kv_get(&v, "old_ip"), "93.184.216.1");
	CHECK_STR(kv_get(&v, "ip"), "93.184.216.2");
	CHECK_STR(kv_get(&v, "ipv6"), "");
	kv_free(&v);
	CHECK(notify_vars(&v, ev, 3, NULL, "2606:2800:220:1::1") == 0);
	CHECK_STR(kv_get(&v, "status"), "failed");
	CHECK_STR(kv_get(&v, "failures"),
	    "c.example.com A (authentication failed)");
	CHECK_STR(kv_get(&v, "ip"), "2606:2800:220:1::1");
	kv_free(&v);
	/* with no events every placeholder still exists (config checks) */
	CHECK(notify_vars(&v, NULL, 0, NULL, NULL) == 0);
	CHECK_STR(kv_get(&v, "changes"), "");
	CHECK(kv_get(&v, "account") != NULL && kv_get(&v, "type") != NULL);
	kv_free(&v);
}

int
main(void)
{
	test_expand();
	test_notify_vars();
	T_END("test_template");
}
