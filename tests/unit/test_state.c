/*
 * test_state.c - the state file (state.c): round trip, canonical
 * addresses, corrupt files, pruning, INI-unsafe values, timestamps and
 * the atomic save.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "kv.h"
#include "log.h"
#include "state.h"
#include "t.h"

static char	 tmpdir[64];
static FILE	*cap_fp;
static int	 cap_saved = -1;
static char	 cap_text[8192];

/* Starts sending fd 2 to a temporary file. */
static void
cap_begin(void)
{
	fflush(stderr);
	cap_fp = tmpfile();
	if (cap_fp == NULL) {
		perror("tmpfile");
		exit(1);
	}
	cap_saved = dup(2);
	dup2(fileno(cap_fp), 2);
}

/* Restores fd 2; returns what was written meanwhile (static buffer). */
static const char *
cap_end(void)
{
	size_t n;

	fflush(stderr);
	dup2(cap_saved, 2);
	close(cap_saved);
	rewind(cap_fp);
	n = fread(cap_text, 1, sizeof(cap_text) - 1, cap_fp);
	cap_text[n] = '\0';
	fclose(cap_fp);
	return cap_text;
}

/* Returns tmpdir/rel (one of four static buffers, reused in turn). */
static const char *
tpath(const char *rel)
{
	static char	 bufs[4][256];
	static int	 i;

	i = (i + 1) % 4;
	snprintf(bufs[i], sizeof(bufs[i]), "%s/%s", tmpdir, rel);
	return bufs[i];
}

/* Writes len bytes to path; exits on failure (the test cannot go on). */
static void
write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* Returns the whole file (malloc'd), or NULL. */
static char *
slurp(const char *path)
{
	struct buf	 b = BUF_INIT(0);
	char		 chunk[512];
	size_t		 n;
	FILE		*f = fopen(path, "rb");

	if (f == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	return buf_detach(&b);
}

/* Loads text as a state file into s, capturing stderr into *msgs. */
static int
load_text(struct state *s, const char *text, size_t len, const char **msgs)
{
	const char	*path = tpath("load.ini");
	int		 rc;

	write_file(path, text, len);
	cap_begin();
	rc = state_load(s, path);
	*msgs = cap_end();
	return rc;
}

/* Returns the keys and values of kv as "k=v,..." (static buffer). */
static const char *
kv_text(const struct kv *kv)
{
	static char	 out[1024];
	size_t		 i;

	out[0] = '\0';
	for (i = 0; i < kv->n; i++) {
		if (i)
			strcat(out, ",");
		strcat(out, kv->items[i].key);
		strcat(out, "=");
		strcat(out, kv->items[i].val);
	}
	return out;
}

/* Fills s with two published records, an unpublished one and a cache. */
static void
fill(struct state *s)
{
	struct state_rec	*r;
	struct kv		*kv;

	r = state_get(s, "home", "a.example.com", 4);
	r->addr = xstrdup("203.0.113.7");
	r->updated = 1764064800;		/* 2025-11-25T10:00:00Z */
	kv_set(&r->ids, "record_id", "372e67954025e0ba6aaa6d586b9e0b59");
	kv_set(&r->ids, "zone", "example.com");
	r = state_get(s, "home", "a.example.com", 6);
	r->addr = xstrdup("2001:db8::7");
	r->updated = 951782400;			/* 2000-02-29T00:00:00Z */
	r = state_get(s, "office", "b.example.org", 4);	/* no addr */
	kv_set(&r->ids, "record_id", "never-written");
	kv = state_acct(s, "home");
	kv_set(kv, "zone_id.example.com", "023e105f4ecef8ad9ca31a8372d0c353");
	kv_set(kv, "backoff_until", "1764068400");
	state_acct(s, "empty");			/* no keys: not written */
}

static void
test_find_get(void)
{
	struct state		 s = STATE_INIT;
	struct state_rec	*a, *b;
	struct kv		*k1, *k2;
	char			 name[32];
	int			 i, ok = 1;

	CHECK(state_find(&s, "home", "a.example.com", 4) == NULL);
	a = state_get(&s, "home", "a.example.com", 4);
	CHECK(a != NULL && a->addr == NULL && a->updated == 0 && a->fam == 4);
	CHECK(state_get(&s, "home", "a.example.com", 4) == a);
	b = state_get(&s, "home", "a.example.com", 6);
	CHECK(b != NULL && b != a);
	CHECK(state_get(&s, "work", "a.example.com", 4) !=
	    state_find(&s, "home", "a.example.com", 4));
	CHECK(s.nrecs == 3);
	/* Growth keeps earlier records findable. */
	for (i = 0; i < 50; i++) {
		snprintf(name, sizeof(name), "h%d.example.com", i);
		ok &= state_get(&s, "home", name, 4) != NULL;
	}
	CHECK(ok);
	CHECK(s.nrecs == 53);
	CHECK(state_find(&s, "home", "h0.example.com", 4) != NULL);
	CHECK(state_find(&s, "home", "a.example.com", 6) != NULL &&
	    state_find(&s, "home", "a.example.com", 6)->fam == 6);
	k1 = state_acct(&s, "home");
	k2 = state_acct(&s, "home");
	CHECK(k1 != NULL && k1 == k2);
	CHECK(state_acct(&s, "work") != NULL && s.naccts == 2);
	state_free(&s);
	CHECK(s.nrecs == 0 && s.naccts == 0 && s.recs == NULL);
}

static void
test_round_trip(void)
{
	struct state		 s = STATE_INIT, t = STATE_INIT;
	struct state_rec	*r;
	struct buf		 b1 = BUF_INIT(0), b2 = BUF_INIT(0);
	const char		*path = tpath("rt.ini"), *msgs;

	fill(&s);
	CHECK(state_format(&s, &b1) == 0);
	/* The text holds the published records and the non-empty cache. */
	CHECK(strstr(buf_str(&b1), "\n[home A a.example.com]\n"
	    "address = 203.0.113.7\nupdated = 2025-11-25T10:00:00Z\n"
	    "record_id = 372e67954025e0ba6aaa6d586b9e0b59\n"
	    "zone = example.com\n") != NULL);
	CHECK(strstr(buf_str(&b1), "\n[home AAAA a.example.com]\n"
	    "address = 2001:db8::7\nupdated = 2000-02-29T00:00:00Z\n") != NULL);
	CHECK(strstr(buf_str(&b1), "\n[home]\nzone_id.example.com = "
	    "023e105f4ecef8ad9ca31a8372d0c353\nbackoff_until = 1764068400\n")
	    != NULL);
	CHECK(strstr(buf_str(&b1), "office") == NULL);
	CHECK(strstr(buf_str(&b1), "[empty]") == NULL);

	write_file(path, b1.data, b1.len);
	cap_begin();
	CHECK(state_load(&t, path) == 0);
	msgs = cap_end();
	CHECK_STR(msgs, "");
	CHECK(t.nrecs == 2);
	r = state_find(&t, "home", "a.example.com", 4);
	CHECK(r != NULL);
	if (r) {
		CHECK_STR(r->addr, "203.0.113.7");
		CHECK(r->updated == 1764064800);
		CHECK_STR(kv_text(&r->ids), "record_id="
		    "372e67954025e0ba6aaa6d586b9e0b59,zone=example.com");
	}
	r = state_find(&t, "home", "a.example.com", 6);
	CHECK(r != NULL);
	if (r) {
		CHECK_STR(r->addr, "2001:db8::7");
		CHECK(r->updated == 951782400);
		CHECK(r->ids.n == 0);
	}
	CHECK(state_find(&t, "office", "b.example.org", 4) == NULL);
	CHECK_STR(kv_text(state_acct(&t, "home")), "zone_id.example.com="
	    "023e105f4ecef8ad9ca31a8372d0c353,backoff_until=1764068400");
	/* Formatting what was loaded gives the same text again. */
	CHECK(state_format(&t, &b2) == 0);
	CHECK_STR(buf_str(&b2), buf_str(&b1));
	buf_free(&b1);
	buf_free(&b2);
	state_free(&s);
	state_free(&t);
}

static void
test_canon_on_load(void)
{
	static const char text[] =
	    "[home AAAA a.example.com]\n"
	    "address = 2001:DB8:0:0:0:0:0:00A1\n"
	    "[home A b.example.com]\n"
	    "address =   198.51.100.20  \n"
	    "[home AAAA c.example.com]\n"
	    "address = ::FFFF:0:1\n";
	struct state		 s = STATE_INIT;
	struct state_rec	*r;
	const char		*msgs;

	CHECK(load_text(&s, text, sizeof(text) - 1, &msgs) == 0);
	r = state_find(&s, "home", "a.example.com", 6);
	CHECK(r != NULL && r->addr != NULL);
	if (r && r->addr)
		CHECK_STR(r->addr, "2001:db8::a1");
	r = state_find(&s, "home", "b.example.com", 4);
	CHECK(r != NULL && r->addr != NULL);
	if (r && r->addr)
		CHECK_STR(r->addr, "198.51.100.20");
	r = state_find(&s, "home", "c.example.com", 6);
	CHECK(r != NULL && r->addr != NULL && strchr(r->addr, 'F') == NULL);
	state_free(&s);
}

/*
 * An address that is not one of the record's family never reaches the
 * state. (Today the whole file is then treated as corrupt: -1, warned,
 * empty, so every record is re-checked with its provider.)
 */
static void
test_invalid_address(void)
{
	static const char *const texts[] = {
	    "[home A a.example.com]\naddress = 2001:db8::1\n"
	    "[home A b.example.com]\naddress = 203.0.113.9\n",
	    "[home A a.example.com]\naddress = 203.0.113.999\n"
	    "[home A b.example.com]\naddress = 203.0.113.9\n",
	    "[home AAAA a.example.com]\naddress = not-an-ip\n"
	    "[home A b.example.com]\naddress = 203.0.113.9\n",
	};
	struct state		 s = STATE_INIT;
	struct state_rec	*r;
	const char		*msgs;
	size_t			 i;
	int			 rc;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		rc = load_text(&s, texts[i], strlen(texts[i]), &msgs);
		r = state_find(&s, "home", "a.example.com", i == 2 ? 6 : 4);
		CHECK(r == NULL || r->addr == NULL);
		if (rc == -1) {
			CHECK(strstr(msgs, "warning: state file") != NULL);
			CHECK(s.nrecs == 0 && s.naccts == 0);
		} else {
			r = state_find(&s, "home", "b.example.com", 4);
			CHECK(r != NULL && r->addr != NULL);
		}
		state_free(&s);
	}
}

static void
test_corrupt(void)
{
	static const char garbage[] =
	    "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\xff\xfe";
	static const char *const texts[] = {
	    "[home A a.example.com]\naddress = 203.0.113.7\ngarbage\n",
	    ("[home A a.example.com]\naddress = 203.0.113.7\n"
	    "[a B c]\naddress = 203.0.113.8\n"),
	    "[home A a.example.com]\naddress = 203.0.113.7\n[home A b.exa",
	    "[home MX a.example.com]\naddress = 203.0.113.7\n",
	    "[home A a.example.com extra]\naddress = 203.0.113.7\n",
	    "[home  a.example.com]\naddress = 203.0.113.7\n",
	};
	struct state	 s = STATE_INIT;
	const char	*msgs;
	size_t		 i;
	char		 what[32];

	/* A bad address costs only its record: it is re-checked, the rest
	 * of the file stays usable. */
	CHECK(load_text(&s, "[home A a.example.com]\naddress = 203.0.113.7\n"
	    "[home A b.example.com]\naddress = 203.0", 83, &msgs) == 0);
	CHECK(strstr(msgs, "is not an address") != NULL);
	CHECK(state_find(&s, "home", "a.example.com", 4) != NULL &&
	    state_find(&s, "home", "a.example.com", 4)->addr != NULL);
	CHECK(state_find(&s, "home", "b.example.com", 4) == NULL ||
	    state_find(&s, "home", "b.example.com", 4)->addr == NULL);
	state_free(&s);
	CHECK(load_text(&s, garbage, sizeof(garbage) - 1, &msgs) == -1);
	CHECK(strstr(msgs, "warning: state file") != NULL);
	CHECK(strstr(msgs, "load.ini") != NULL);
	CHECK(s.nrecs == 0 && s.naccts == 0);
	state_free(&s);
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		snprintf(what, sizeof(what), "corrupt text %zu", i);
		/* Something already in s is dropped as well. */
		state_get(&s, "pre", "p.example.com", 4);
		if (load_text(&s, texts[i], strlen(texts[i]), &msgs) != -1)
			fprintf(stderr, "%s: loaded\n", what);
		CHECK(strstr(msgs, "warning: state file") != NULL);
		CHECK(s.nrecs == 0 && s.naccts == 0);
		state_free(&s);
	}
}

static void
test_missing(void)
{
	struct state	 s = STATE_INIT;
	const char	*msgs;

	cap_begin();
	CHECK(state_load(&s, tpath("no/such/state.ini")) == 0);
	msgs = cap_end();
	CHECK_STR(msgs, "");
	CHECK(s.nrecs == 0 && s.naccts == 0);
	/* An empty file is an empty state too. */
	CHECK(load_text(&s, "", 0, &msgs) == 0);
	CHECK(s.nrecs == 0 && s.naccts == 0);
	state_free(&s);
}

/* Keeps account "home" (records and cache) except b.example.com. */
static int
keep_home(const char *acct, const char *name, int fam, void *arg)
{
	int *calls = arg;

	(*calls)++;
	if (strcmp(acct, "home") != 0)
		return 0;
	if (name == NULL)
		return fam == 0;
	return strcmp(name, "b.example.com") != 0;
}

static void
test_prune(void)
{
	struct state	 s = STATE_INIT;
	int		 calls = 0;

	state_get(&s, "home", "a.example.com", 4);
	state_get(&s, "home", "b.example.com", 4);
	state_get(&s, "old", "a.example.com", 4);
	state_get(&s, "home", "b.example.com", 6);
	state_get(&s, "home", "c.example.com", 6)->addr = xstrdup("2001:db8::1");
	kv_set(state_acct(&s, "old"), "zone", "x");
	kv_set(state_acct(&s, "home"), "zone", "y");
	state_prune(&s, keep_home, &calls);
	CHECK(calls == 7);
	CHECK(s.nrecs == 2);
	CHECK(state_find(&s, "home", "a.example.com", 4) != NULL);
	CHECK(state_find(&s, "home", "c.example.com", 6) != NULL);
	CHECK(state_find(&s, "home", "b.example.com", 4) == NULL);
	CHECK(state_find(&s, "home", "b.example.com", 6) == NULL);
	CHECK(state_find(&s, "old", "a.example.com", 4) == NULL);
	CHECK(s.naccts == 1 && strcmp(s.accts[0].label, "home") == 0);
	CHECK_STR(kv_get(&s.accts[0].kv, "zone"), "y");
	/* The survivors are intact after the moves. */
	CHECK_STR(state_find(&s, "home", "c.example.com", 6)->addr,
	    "2001:db8::1");
	state_free(&s);
}

/* Values and keys that cannot stand in an INI line are left out. */
static void
test_unsafe(void)
{
	struct state		 s = STATE_INIT, t = STATE_INIT;
	struct state_rec	*r;
	struct buf		 b = BUF_INIT(0);
	const char		*msgs;

	r = state_get(&s, "home", "a.example.com", 4);
	r->addr = xstrdup("203.0.113.7");
	r->updated = 1;
	kv_set(&r->ids, "nl", "x\ny");
	kv_set(&r->ids, "semi", "a;b");
	kv_set(&r->ids, "hash", "#c");
	kv_set(&r->ids, "open", "[x");
	kv_set(&r->ids, "close", "x]");
	kv_set(&r->ids, "cr", "x\ry");
	kv_set(&r->ids, "k=v", "1");
	kv_set(&r->ids, "[k", "1");
	kv_set(&r->ids, "empty", "");
	kv_set(&r->ids, "ok", "fine=still fine");
	kv_set(state_acct(&s, "home"), "z;x", "1");
	kv_set(state_acct(&s, "home"), "zone", "a\nb = c");
	/* found by fuzz_state_load: " = v" reads as more of the line above */
	kv_set(state_acct(&s, "home"), "", "nokey");
	CHECK(state_format(&s, &b) == 0);
	CHECK(strstr(buf_str(&b), "nokey") == NULL);
	CHECK(strstr(buf_str(&b), "ok = fine=still fine\n") != NULL);
	CHECK(strstr(buf_str(&b), "nl") == NULL);
	CHECK(strstr(buf_str(&b), "semi") == NULL);
	CHECK(strstr(buf_str(&b), "hash") == NULL);
	CHECK(strstr(buf_str(&b), "open") == NULL);
	CHECK(strstr(buf_str(&b), "close") == NULL);
	CHECK(strstr(buf_str(&b), "cr") == NULL);
	CHECK(strstr(buf_str(&b), "k=v") == NULL);
	CHECK(strstr(buf_str(&b), "[k") == NULL);
	CHECK(strstr(buf_str(&b), "empty") == NULL);
	CHECK(strstr(buf_str(&b), "z;x") == NULL);
	CHECK(strstr(buf_str(&b), "b = c") == NULL);
	/* What was written reads back, unharmed by what was not. */
	CHECK(load_text(&t, b.data, b.len, &msgs) == 0);
	r = state_find(&t, "home", "a.example.com", 4);
	CHECK(r != NULL);
	if (r)
		CHECK_STR(kv_text(&r->ids), "ok=fine=still fine");
	buf_free(&b);
	state_free(&s);
	state_free(&t);
}

/*
 * Regression test (was a bug): inih splits "name: value" as well as "name = value", but ini_safe()
 * (src/state.c:250-257) lets ':' through in keys, so a key "a:b" is written
 * as "a:b = 1" and read back as key "a" with value "b = 1".
 */
static void
test_unsafe_colon(void)
{
	struct state		 s = STATE_INIT, t = STATE_INIT;
	struct state_rec	*r;
	struct buf		 b = BUF_INIT(0);
	const char		*msgs;

	r = state_get(&s, "home", "a.example.com", 4);
	r->addr = xstrdup("203.0.113.7");
	kv_set(&r->ids, "a:b", "1");
	CHECK(state_format(&s, &b) == 0);
	CHECK(load_text(&t, b.data, b.len, &msgs) == 0);
	r = state_find(&t, "home", "a.example.com", 4);
	CHECK(r != NULL);
	if (r) {
		/* Either kept whole or left out, never turned into "a". */
		CHECK(kv_get(&r->ids, "a") == NULL);	/* regression */
		CHECK(kv_get(&r->ids, "a:b") == NULL ||
		    strcmp(kv_get(&r->ids, "a:b"), "1") == 0);
	}
	buf_free(&b);
	state_free(&s);
	state_free(&t);
}

/* updated = survives the trip through its ISO 8601 text. */
static void
test_times(void)
{
	static const long long epochs[] = {
		1,			/* 1970-01-01T00:00:01Z */
		68169600,		/* 1972-02-29 (leap) */
		951782400,		/* 2000-02-29T00:00:00Z */
		951868799,		/* 2000-02-29T23:59:59Z */
		1709251199,		/* 2024-02-29T23:59:59Z */
		1735689599,		/* 2024-12-31T23:59:59Z */
		1764064800,
		2147483647,		/* 2038-01-19T03:14:07Z */
		2147483648LL,		/* one second later */
		4107542400LL,		/* 2100-03-01 (2100 is no leap) */
		4102444800LL + 86400 * 58,	/* 2100-02-28 */
	};
	static const char bad_times[] =
	    "[h A a.example.com]\naddress = 192.0.2.1\nupdated = yesterday\n"
	    "[h A b.example.com]\naddress = 192.0.2.2\n"
	    "updated = 2024-13-01T00:00:00Z\n";
	struct state		 s = STATE_INIT, t = STATE_INIT;
	struct state_rec	*r;
	struct buf		 b = BUF_INIT(0);
	char			 name[64], want[64], line[128];
	const char		*msgs;
	time_t			 tt;
	size_t			 i, n = sizeof(epochs) / sizeof(epochs[0]);

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "t%zu.example.com", i);
		r = state_get(&s, "home", name, 4);
		r->addr = xstrdup("192.0.2.1");
		r->updated = epochs[i];
	}
	CHECK(state_format(&s, &b) == 0);
	for (i = 0; i < n; i++) {
		tt = (time_t)epochs[i];
		strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%SZ",
		    gmtime(&tt));
		snprintf(line, sizeof(line), "[home A t%zu.example.com]\n"
		    "address = 192.0.2.1\nupdated = %s\n", i, want);
		if (strstr(buf_str(&b), line) == NULL)
			fprintf(stderr, "missing: %s", line);
		CHECK(strstr(buf_str(&b), line) != NULL);
	}
	CHECK(strstr(buf_str(&b), "updated = 2000-02-29T23:59:59Z\n") != NULL);
	CHECK(strstr(buf_str(&b), "updated = 2100-03-01T00:00:00Z\n") != NULL);
	CHECK(load_text(&t, b.data, b.len, &msgs) == 0);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "t%zu.example.com", i);
		r = state_find(&t, "home", name, 4);
		CHECK(r != NULL && r->updated == epochs[i]);
		if (r && r->updated != epochs[i])
			fprintf(stderr, "%s: %lld != %lld\n", name,
			    r->updated, epochs[i]);
	}
	buf_free(&b);
	state_free(&s);
	state_free(&t);

	/* A malformed time reads as 0 (unknown); the record stays. */
	CHECK(load_text(&t, bad_times, strlen(bad_times), &msgs) == 0);
	r = state_find(&t, "h", "a.example.com", 4);
	CHECK(r != NULL && r->updated == 0 && r->addr != NULL);
	r = state_find(&t, "h", "b.example.com", 4);
	CHECK(r != NULL && r->updated == 0);
	state_free(&t);
}

/* Returns how many entries of tmpdir/sub start with prefix. */
static int
count_prefixed(const char *dir, const char *prefix)
{
	DIR		*d = opendir(dir);
	struct dirent	*e;
	int		 n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
			n++;
	closedir(d);
	return n;
}

static void
test_save(void)
{
	struct state	 s = STATE_INIT, t = STATE_INIT;
	struct buf	 b = BUF_INIT(0);
	char		 err[256] = "", *got;
	const char	*path = tpath("sub/dir/state.ini"), *msgs;

	fill(&s);
	CHECK(state_format(&s, &b) == 0);
	/* The directory is created; the content is exactly the format. */
	CHECK(state_save(&s, path, err, sizeof(err)) == 0);
	got = slurp(path);
	CHECK(got != NULL);
	if (got)
		CHECK_STR(got, buf_str(&b));
	free(got);
	CHECK(count_prefixed(tpath("sub/dir"), "state.ini") == 1);

	/* Overwriting replaces the whole file, no temporary left behind. */
	write_file(path, "[old A x.example.com]\naddress = 192.0.2.9\n"
	    "padding padding padding padding padding padding padding\n", 98);
	state_get(&s, "home", "new.example.com", 4)->addr =
	    xstrdup("192.0.2.77");
	buf_reset(&b);
	CHECK(state_format(&s, &b) == 0);
	CHECK(state_save(&s, path, err, sizeof(err)) == 0);
	got = slurp(path);
	if (got)
		CHECK_STR(got, buf_str(&b));
	free(got);
	CHECK(count_prefixed(tpath("sub/dir"), "state.ini") == 1);
	cap_begin();
	CHECK(state_load(&t, path) == 0);
	msgs = cap_end();
	CHECK_STR(msgs, "");
	CHECK(state_find(&t, "old", "x.example.com", 4) == NULL);
	CHECK(state_find(&t, "home", "new.example.com", 4) != NULL);
	state_free(&t);

	/* A path under a regular file cannot be written: -1 and a reason. */
	err[0] = '\0';
	CHECK(state_save(&s, tpath("sub/dir/state.ini/x"), err,
	    sizeof(err)) == -1);
	CHECK(err[0] != '\0');
	got = slurp(path);
	if (got)
		CHECK_STR(got, buf_str(&b));	/* untouched */
	free(got);
	buf_free(&b);
	state_free(&s);
}

int
main(void)
{
	char cmd[128];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_state.XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	setenv("TZ", "IST-5:30", 1);	/* local time must not matter */
	tzset();
	unsetenv("JOURNAL_STREAM");
	log_init(0);
	test_find_get();
	test_round_trip();
	test_canon_on_load();
	test_invalid_address();
	test_corrupt();
	test_missing();
	test_prune();
	test_unsafe();
	test_unsafe_colon();
	test_times();
	test_save();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	T_END("test_state");
}
