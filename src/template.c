/* template.c - "{name}" placeholders (see template.h). */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "kv.h"
#include "template.h"

/* Returns the length of the placeholder name at p (after '{') when it is
 * one ("name}"), else 0. */
static size_t
placeholder(const char *p)
{
	size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789_");

	return n > 0 && n < 64 && p[n] == '}' ? n : 0;
}

int
tmpl_expand(const char *tmpl, const struct kv *vars, int how,
    struct buf *out, const char **bad)
{
	static char	 name[64];
	const char	*p, *v;
	size_t		 n;
	int		 rc = 0;

	*bad = NULL;
	for (p = tmpl; *p && rc == 0; p++) {
		if (*p != '{' || (n = placeholder(p + 1)) == 0) {
			rc = buf_add(out, p, 1);
			continue;
		}
		memcpy(name, p + 1, n);
		name[n] = '\0';
		if ((v = kv_get(vars, name)) == NULL) {
			*bad = name;
			return -1;
		}
		rc = how == TMPL_URLENC ? buf_add_urlenc(out, v) :
		    buf_adds(out, v);
		p += n + 1;
	}
	return rc;
}

int
tmpl_check(const char *tmpl, const struct kv *vars, const char **bad)
{
	struct buf	b = BUF_INIT(0);
	int		rc = tmpl_expand(tmpl, vars, TMPL_RAW, &b, bad);

	buf_free(&b);
	return rc;
}
