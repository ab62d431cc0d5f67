/* sign.c - the canonical request shared by the HMAC-SHA256 schemes. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "sign.h"

#define SIGN_MAX_PAIRS	64

int
sign_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char h[32];

	if (crypto_sha256(data, len, h) == -1)
		return -1;
	crypto_hex(h, sizeof(h), out);
	return 0;
}

struct item {
	char	*name;
	char	*value;
};

static int
cmp_item(const void *a, const void *b)
{
	const struct item	*x = a, *y = b;
	int			 c = strcmp(x->name, y->name);

	return c ? c : strcmp(x->value, y->value);
}

static void
free_items(struct item *it, size_t n)
{
	while (n-- > 0) {
		free(it[n].name);
		free(it[n].value);
	}
}

/* Lower-cases a header name and trims its value into it; 0 or -1. */
static int
canon_header(const struct sign_pair *p, struct item *it)
{
	const char	*v = p->value;
	size_t		 len, i;

	while (*v == ' ' || *v == '\t')
		v++;
	len = strlen(v);
	while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t'))
		len--;
	it->name = xstrdup(p->name);
	it->value = xstrndup(v, len);
	if (it->name == NULL || it->value == NULL)
		return -1;
	for (i = 0; it->name[i]; i++)
		it->name[i] = (char)tolower((unsigned char)it->name[i]);
	return 0;
}

int
sign_canonical(const struct sign_req *r, struct buf *creq,
    struct buf *signed_hdrs)
{
	struct item	it[SIGN_MAX_PAIRS];
	size_t		i, n = 0;
	int		rc = 0;

	if (r->nhdrs > SIGN_MAX_PAIRS)
		return -1;
	for (i = 0; i < r->nhdrs && rc == 0; i++, n++)
		rc = canon_header(&r->hdrs[i], &it[i]);
	if (rc == 0) {
		qsort(it, n, sizeof(it[0]), cmp_item);
		rc |= buf_printf(creq, "%s\n%s\n%s\n", r->method, r->uri,
		    r->query ? r->query : "");
		for (i = 0; i < n; i++) {
			rc |= buf_printf(creq, "%s:%s\n", it[i].name,
			    it[i].value);
			rc |= buf_printf(signed_hdrs, "%s%s", i ? ";" : "",
			    it[i].name);
		}
		rc |= buf_printf(creq, "\n%s\n%s", buf_str(signed_hdrs),
		    r->payload_hash);
	}
	free_items(it, n);
	return rc ? -1 : 0;
}

int
sign_query(const struct sign_pair *p, size_t n, struct buf *out)
{
	struct item	it[SIGN_MAX_PAIRS];
	struct buf	b;
	size_t		i, k = 0;
	int		rc = 0;

	if (n > SIGN_MAX_PAIRS)
		return -1;
	for (i = 0; i < n && rc == 0; i++, k++) {
		buf_init(&b, 0);
		rc |= buf_add_urlenc(&b, p[i].name);
		it[i].name = buf_detach(&b);
		rc |= buf_add_urlenc(&b, p[i].value);
		it[i].value = buf_detach(&b);
		buf_free(&b);
		if (it[i].name == NULL || it[i].value == NULL)
			rc = -1;
	}
	if (rc == 0) {
		qsort(it, k, sizeof(it[0]), cmp_item);
		for (i = 0; i < k; i++)
			rc |= buf_printf(out, "%s%s=%s", i ? "&" : "",
			    it[i].name, it[i].value);
	}
	free_items(it, k);
	return rc ? -1 : 0;
}
