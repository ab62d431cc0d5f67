/*
 * fuzz_tmpl.c - placeholder expansion (src/template.h), checked against a
 * plain re-statement of its contract.
 *
 * Input: one byte (low bit: TMPL_RAW or TMPL_URLENC), then NUL-separated
 * parts: the template, then values for the variables name, ip, ip4, ip6,
 * type, token, zone_1 (missing parts leave a variable out, so unknown
 * placeholders happen). Properties:
 *  - tmpl_expand succeeds exactly when the reference does, with the same
 *    text, or names the same unknown placeholder;
 *  - tmpl_check agrees with tmpl_expand;
 *  - a failed expansion appends nothing the caller could mistake for a
 *    result (the return value says it failed).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fuzz_util.h"
#include "kv.h"
#include "template.h"

static const char *const names[] = {
	"name", "ip", "ip4", "ip6", "type", "token", "zone_1", NULL
};

/* Returns the length of a placeholder name at p ("name}"), else 0. */
static size_t
ref_name(const char *p)
{
	size_t n = 0;

	while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= '0' && p[n] <= '9') ||
	    p[n] == '_')
		n++;
	return n > 0 && n < 64 && p[n] == '}' ? n : 0;
}

/* Appends v percent-encoded (RFC 3986 unreserved kept, %XX upper). */
static void
ref_urlenc(struct buf *o, const char *v)
{
	const char	*hex = "0123456789ABCDEF";
	char		 e[3];

	for (; *v; v++) {
		unsigned char c = (unsigned char)*v;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~') {
			buf_add(o, v, 1);
			continue;
		}
		e[0] = '%';
		e[1] = hex[c >> 4];
		e[2] = hex[c & 15];
		buf_add(o, e, 3);
	}
}

/* The contract, written plainly; 0, or -1 with the unknown name in bad. */
static int
ref_expand(const char *t, const struct kv *vars, int how, struct buf *o,
    char bad[64])
{
	const char	*v;
	size_t		 n;

	for (; *t; t++) {
		n = *t == '{' ? ref_name(t + 1) : 0;
		if (n == 0) {
			buf_add(o, t, 1);
			continue;
		}
		memcpy(bad, t + 1, n);
		bad[n] = '\0';
		if ((v = kv_get(vars, bad)) == NULL)
			return -1;
		if (how == TMPL_URLENC)
			ref_urlenc(o, v);
		else
			buf_adds(o, v);
		t += n + 1;
	}
	bad[0] = '\0';
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in	 in = { data, size };
	struct kv	 vars = KV_INIT;
	struct buf	 got = BUF_INIT(0), want = BUF_INIT(0);
	int		 how = (fz_byte(&in) & 1) ? TMPL_URLENC : TMPL_RAW;
	char		*t = fz_part(&in), *v, refbad[64];
	const char	*bad = NULL, *bad2 = NULL;
	int		 rc, ref, chk;
	size_t		 i;

	if (t == NULL)
		return 0;
	for (i = 0; names[i] != NULL && (v = fz_part(&in)) != NULL; i++) {
		kv_set(&vars, names[i], v);
		free(v);
	}
	rc = tmpl_expand(t, &vars, how, &got, &bad);
	ref = ref_expand(t, &vars, how, &want, refbad);
	chk = tmpl_check(t, &vars, &bad2);
	if (rc != ref)
		fz_fail("tmpl_expand %d, reference %d on \"%s\"", rc, ref, t);
	if (chk != rc)
		fz_fail("tmpl_check %d, tmpl_expand %d on \"%s\"", chk, rc, t);
	if (rc == 0 && strcmp(buf_str(&got), buf_str(&want)) != 0)
		fz_fail("\"%s\" expanded to \"%s\", want \"%s\"", t,
		    buf_str(&got), buf_str(&want));
	if (rc == -1 && (bad == NULL || strcmp(bad, refbad) != 0))
		fz_fail("\"%s\": unknown placeholder \"%s\", want \"%s\"", t,
		    bad ? bad : "(null)", refbad);
	kv_free(&vars);
	buf_free(&got);
	buf_free(&want);
	free(t);
	return 0;
}
