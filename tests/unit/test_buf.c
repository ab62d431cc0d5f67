/*
 * test_buf.c - growable capped buffers (buf.c) and ordered key/value
 * lists (kv.c).
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "kv.h"
#include "t.h"

/* Growth: many small appends keep the bytes, the NUL and len in step. */
static void
test_growth(void)
{
	struct buf	 b = BUF_INIT(0);
	char		 want[5001];
	size_t		 i;
	int		 ok = 1;

	CHECK_STR(buf_str(&b), "");
	CHECK(b.data == NULL);
	for (i = 0; i < 5000; i++) {
		want[i] = (char)('a' + i % 26);
		ok &= buf_add(&b, &want[i], 1) == 0;
	}
	want[5000] = '\0';
	CHECK(ok);
	CHECK(b.len == 5000);
	CHECK(b.cap > b.len);
	CHECK(b.max == BUF_MAX_DEFAULT);
	CHECK(b.data != NULL && b.data[5000] == '\0');
	CHECK_STR(buf_str(&b), want);
	/* Binary bytes (a NUL inside) are kept; len counts them. */
	buf_reset(&b);
	CHECK(buf_add(&b, "a\0b", 3) == 0);
	CHECK(b.len == 3 && memcmp(b.data, "a\0b", 4) == 0);
	/* Adding nothing succeeds and changes nothing. */
	CHECK(buf_add(&b, "", 0) == 0);
	CHECK(b.len == 3);
	buf_free(&b);
}

/* The cap: an add that would pass max fails and leaves b as it was. */
static void
test_cap(void)
{
	struct buf	 b;
	char		 big[64];

	buf_init(&b, 8);
	CHECK(b.max == 8);
	CHECK(buf_adds(&b, "12345") == 0);
	CHECK(buf_adds(&b, "6789") == -1);
	CHECK(b.len == 5);
	CHECK_STR(buf_str(&b), "12345");
	CHECK(buf_adds(&b, "678") == 0);		/* exactly max */
	CHECK_STR(buf_str(&b), "12345678");
	CHECK(buf_add(&b, "x", 1) == -1);
	CHECK_STR(buf_str(&b), "12345678");
	CHECK(b.cap <= b.max + 1);
	CHECK(buf_printf(&b, "%d", 1) == -1);
	CHECK_STR(buf_str(&b), "12345678");
	buf_free(&b);

	/* A buffer whose first add is already too big gets nothing. */
	buf_init(&b, 16);
	memset(big, 'z', sizeof(big));
	CHECK(buf_add(&b, big, sizeof(big)) == -1);
	CHECK(b.len == 0);
	CHECK_STR(buf_str(&b), "");
	buf_free(&b);

	/* buf_init(0) means the default cap. */
	buf_init(&b, 0);
	CHECK(b.max == BUF_MAX_DEFAULT);
	buf_free(&b);
}

static void
test_printf(void)
{
	struct buf	 b = BUF_INIT(64);
	char		 longer[200];

	CHECK(buf_printf(&b, "%s=%d", "n", 42) == 0);
	CHECK(buf_printf(&b, ";%05.1f", 3.14159) == 0);
	CHECK_STR(buf_str(&b), "n=42;003.1");
	CHECK(b.len == strlen("n=42;003.1"));
	/* Longer than the cap: refused, unchanged. */
	memset(longer, 'q', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	CHECK(buf_printf(&b, "%s", longer) == -1);
	CHECK_STR(buf_str(&b), "n=42;003.1");
	/* Empty format output is fine. */
	CHECK(buf_printf(&b, "%s", "") == 0);
	CHECK(b.len == 10);
	buf_free(&b);

	/* A printf that grows the allocation several times over. */
	b = (struct buf)BUF_INIT(0);
	CHECK(buf_printf(&b, "%s|%s", longer, longer) == 0);
	CHECK(b.len == 2 * 199 + 1);
	CHECK(b.data[199] == '|' && b.data[b.len] == '\0');
	buf_free(&b);
}

/* Percent-encoding per RFC 3986: unreserved kept, all else %XX upper. */
static void
test_urlenc(void)
{
	struct buf b = BUF_INIT(0);

	CHECK(buf_add_urlenc(&b, "AZaz09-_.~") == 0);
	CHECK_STR(buf_str(&b), "AZaz09-_.~");
	buf_reset(&b);
	CHECK(buf_add_urlenc(&b, " !*'();:@&=+$,/?#[]%\"") == 0);
	CHECK_STR(buf_str(&b),
	    "%20%21%2A%27%28%29%3B%3A%40%26%3D%2B%24%2C%2F%3F%23%5B%5D%25%22");
	buf_reset(&b);
	/* UTF-8 "é" and "中": each byte encoded, upper-case hex. */
	CHECK(buf_add_urlenc(&b, "\xc3\xa9\xe4\xb8\xad") == 0);
	CHECK_STR(buf_str(&b), "%C3%A9%E4%B8%AD");
	buf_reset(&b);
	CHECK(buf_add_urlenc(&b, "\x01\x7f\xff") == 0);
	CHECK_STR(buf_str(&b), "%01%7F%FF");
	buf_reset(&b);
	CHECK(buf_add_urlenc(&b, "") == 0);
	CHECK_STR(buf_str(&b), "");
	buf_free(&b);
}

/*
 * Regression test (was a bug): buf.h promises "Adding past max fails (returns -1) and leaves the
 * contents unchanged", but buf_add_urlenc appends byte by byte and leaves
 * the part that fitted when it runs out of room (src/buf.c:80-102).
 */
static void
test_urlenc_cap(void)
{
	struct buf b;

	buf_init(&b, 8);
	CHECK(buf_adds(&b, "k=") == 0);
	CHECK(buf_add_urlenc(&b, "abc def") == -1);	/* needs 9 more */
	CHECK_STR(buf_str(&b), "k=");			/* regression */
	CHECK(b.len == 2);
	buf_free(&b);
}

/* reset keeps memory; detach hands it over; free releases it. */
static void
test_lifecycle(void)
{
	struct buf	 b = BUF_INIT(0);
	char		*p, *mem;
	size_t		 cap;

	CHECK(buf_adds(&b, "hello") == 0);
	mem = b.data;
	cap = b.cap;
	buf_reset(&b);
	CHECK(b.len == 0);
	CHECK_STR(buf_str(&b), "");
	CHECK(b.data == mem && b.cap == cap);
	CHECK(buf_adds(&b, "world") == 0);
	p = buf_detach(&b);
	CHECK_STR(p, "world");
	CHECK(b.data == NULL && b.len == 0 && b.cap == 0);
	CHECK_STR(buf_str(&b), "");
	free(p);
	/* Detaching an empty buffer gives "" (malloc'd), never NULL. */
	p = buf_detach(&b);
	CHECK(p != NULL);
	CHECK_STR(p, "");
	free(p);
	/* Reusable after detach and after free. */
	CHECK(buf_adds(&b, "again") == 0);
	CHECK_STR(buf_str(&b), "again");
	buf_free(&b);
	CHECK(b.data == NULL && b.len == 0);
	CHECK_STR(buf_str(&b), "");
	CHECK(buf_adds(&b, "x") == 0);
	CHECK_STR(buf_str(&b), "x");
	buf_free(&b);
	buf_free(&b);			/* twice is harmless */
	buf_reset(&b);			/* reset of a never-grown buffer */
	CHECK(b.len == 0);
}

static void
test_strdup(void)
{
	char *p;

	p = xstrdup("abc");
	CHECK_STR(p, "abc");
	free(p);
	CHECK(xstrdup(NULL) == NULL);
	p = xstrndup("abcdef", 3);
	CHECK_STR(p, "abc");
	free(p);
	p = xstrndup("ab", 0);
	CHECK_STR(p, "");
	free(p);
}

/* Returns the keys of kv joined by ',' (static buffer). */
static const char *
kv_keys(const struct kv *kv)
{
	static char	 out[256];
	size_t		 i;

	out[0] = '\0';
	for (i = 0; i < kv->n; i++) {
		if (i)
			strcat(out, ",");
		strcat(out, kv->items[i].key);
	}
	return out;
}

static void
test_kv(void)
{
	struct kv	 kv = KV_INIT;
	struct kv_item	*it;
	char		 k[16];
	int		 i, ok = 1;

	CHECK(kv_get(&kv, "a") == NULL);
	CHECK(kv_find(&kv, "a") == NULL);
	CHECK(kv_set(&kv, "b", "2") == 0);
	CHECK(kv_set(&kv, "a", "1") == 0);
	CHECK(kv_set(&kv, "c", "3") == 0);
	CHECK_STR(kv_keys(&kv), "b,a,c");		/* insertion order */
	CHECK_STR(kv_get(&kv, "a"), "1");
	CHECK(kv.items[0].line == 0);

	/* Replace keeps the position and the line. */
	it = kv_find(&kv, "a");
	CHECK(it != NULL);
	if (it)
		it->line = 7;
	CHECK(kv_set(&kv, "a", "one") == 0);
	CHECK_STR(kv_get(&kv, "a"), "one");
	CHECK_STR(kv_keys(&kv), "b,a,c");
	CHECK(kv.n == 3);
	CHECK(kv_find(&kv, "a") != NULL && kv_find(&kv, "a")->line == 7);

	/* The value is copied. */
	strcpy(k, "temp");
	CHECK(kv_set(&kv, "d", k) == 0);
	strcpy(k, "XXXX");
	CHECK_STR(kv_get(&kv, "d"), "temp");

	/* Delete keeps the others in order; deleting a missing key is ok. */
	CHECK(kv_set(&kv, "a", NULL) == 0);
	CHECK(kv_get(&kv, "a") == NULL);
	CHECK_STR(kv_keys(&kv), "b,c,d");
	CHECK(kv_set(&kv, "zz", NULL) == 0);
	CHECK(kv.n == 3);
	CHECK(kv_set(&kv, "b", NULL) == 0);
	CHECK(kv_set(&kv, "d", NULL) == 0);
	CHECK_STR(kv_keys(&kv), "c");
	CHECK_STR(kv_get(&kv, "c"), "3");

	/* Empty values are values, not deletions; keys are case-sensitive. */
	CHECK(kv_set(&kv, "E", "") == 0);
	CHECK(kv_get(&kv, "E") != NULL && *kv_get(&kv, "E") == '\0');
	CHECK(kv_get(&kv, "e") == NULL);

	/* Growth past the first allocation keeps everything. */
	for (i = 0; i < 100; i++) {
		snprintf(k, sizeof(k), "k%d", i);
		ok &= kv_set(&kv, k, k) == 0;
	}
	CHECK(ok);
	CHECK(kv.n == 102);
	CHECK_STR(kv_get(&kv, "k0"), "k0");
	CHECK_STR(kv_get(&kv, "k99"), "k99");
	CHECK_STR(kv.items[101].key, "k99");

	kv_free(&kv);
	CHECK(kv.n == 0 && kv.items == NULL);
	CHECK(kv_get(&kv, "c") == NULL);
	CHECK(kv_set(&kv, "again", "yes") == 0);	/* reusable */
	CHECK_STR(kv_get(&kv, "again"), "yes");
	kv_free(&kv);
}

int
main(void)
{
	test_growth();
	test_cap();
	test_printf();
	test_urlenc();
	test_urlenc_cap();
	test_lifecycle();
	test_strdup();
	test_kv();
	T_END("test_buf");
}
