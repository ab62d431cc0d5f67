/* json.c - reading replies through cJSON, wary of their shape (see json.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "buf.h"
#include "json.h"
#include "utf8.h"

/* Returns 1 when s[0..n) holds only JSON whitespace. */
static int
all_space(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

/*
 * Parses exactly body->len bytes. A raw NUL byte is never valid JSON, JSON
 * is UTF-8 (RFC 8259: cJSON does not check), and anything but whitespace
 * after the value means the body is not JSON.
 */
cJSON *
json_parse(const struct buf *body)
{
	const char	*s, *end = NULL;
	size_t		 len;
	cJSON		*root;

	if (body == NULL || body->data == NULL || body->len == 0)
		return NULL;
	s = body->data;
	len = body->len;
	if (utf8_bad(s, len) >= 0)		/* NUL, not UTF-8 */
		return NULL;
	root = cJSON_ParseWithLengthOpts(s, len, &end, 0);
	if (root == NULL)
		return NULL;
	if (end == NULL || end < s || end > s + len ||
	    !all_space(end, (size_t)(s + len - end))) {
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

const cJSON *
json_path(const cJSON *root, const char *const *keys)
{
	const cJSON *it = root;

	if (keys == NULL)
		return it;
	for (; it != NULL && *keys != NULL; keys++) {
		if (!cJSON_IsObject(it))
			return NULL;
		it = cJSON_GetObjectItemCaseSensitive(it, *keys);
	}
	return it;
}

/* Returns obj[key], or NULL when obj is not an object or lacks key. */
static const cJSON *
member(const cJSON *obj, const char *key)
{
	if (obj == NULL || key == NULL || !cJSON_IsObject(obj))
		return NULL;
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

const char *
json_str(const cJSON *obj, const char *key)
{
	const cJSON *it = member(obj, key);

	if (!cJSON_IsString(it) || it->valuestring == NULL)
		return NULL;
	return it->valuestring;
}

/* Returns 1 when s is a plain decimal: -?digits(.digits)?, nothing else. */
static int
plain_decimal(const char *s)
{
	size_t n;

	if (*s == '-')
		s++;
	n = strspn(s, "0123456789");
	if (n == 0)
		return 0;
	s += n;
	if (*s == '.') {
		s++;
		n = strspn(s, "0123456789");
		if (n == 0)
			return 0;
		s += n;
	}
	return *s == '\0';
}

/* Converts a plain decimal string to a finite double in *out; 0 or -1. */
static int
decimal_value(const char *s, double *out)
{
	char	*end;
	double	 d;

	if (!plain_decimal(s))
		return -1;
	errno = 0;
	d = strtod(s, &end);
	/* A locale whose decimal point is not '.' stops early: refuse. */
	if (errno != 0 || *end != '\0' || !isfinite(d))
		return -1;
	*out = d;
	return 0;
}

int
json_num(const cJSON *obj, const char *key, double *out)
{
	const cJSON *it = member(obj, key);

	if (cJSON_IsNumber(it)) {
		if (!isfinite(it->valuedouble))
			return -1;
		*out = it->valuedouble;
		return 0;
	}
	if (cJSON_IsString(it) && it->valuestring != NULL)
		return decimal_value(it->valuestring, out);
	return -1;
}

int
json_bool(const cJSON *obj, const char *key)
{
	const cJSON *it = member(obj, key);

	if (cJSON_IsTrue(it))
		return 1;
	if (cJSON_IsFalse(it))
		return 0;
	return -1;
}

char *
json_print(const cJSON *item)
{
	if (item == NULL)
		return NULL;
	return cJSON_PrintUnformatted(item);
}
