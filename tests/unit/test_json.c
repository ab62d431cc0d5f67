/* test_json.c - tests for the cJSON helpers in src/json.c. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "t.h"

/* Parses n bytes of p through a capped buffer, as a reply body would be. */
static cJSON *
parse_n(const char *p, size_t n)
{
	struct buf	 b = BUF_INIT(0);
	cJSON		*root = NULL;

	if (buf_add(&b, p, n) == 0)
		root = json_parse(&b);
	buf_free(&b);
	return root;
}

/* Parses the C string s. */
static cJSON *
parse(const char *s)
{
	return parse_n(s, strlen(s));
}

static void
test_parse(void)
{
	static const char	 nul_in_str[] = "{\"a\":\"x\0y\"}";
	static const char	 nul_after[] = "{\"a\":1}\0junk";
	struct buf		 empty = BUF_INIT(0), raw;
	cJSON			*j;
	char			*p;
	double			 d;

	j = parse(" {\"a\": [1, 2], \"b\": null}\r\n");
	CHECK(j != NULL && cJSON_IsObject(j));
	cJSON_Delete(j);
	j = parse("42");
	CHECK(j != NULL && cJSON_IsNumber(j));
	cJSON_Delete(j);

	CHECK(json_parse(NULL) == NULL);
	CHECK(json_parse(&empty) == NULL);
	CHECK(parse("") == NULL);
	CHECK(parse("   ") == NULL);
	CHECK(parse("<html>502 Bad Gateway</html>") == NULL);
	CHECK(parse("{\"a\":1} trailing") == NULL);
	CHECK(parse("{\"a\":1}{\"b\":2}") == NULL);
	CHECK(parse("{\"a\":1,}") == NULL);
	CHECK(parse("{\"a\":\"unterminated") == NULL);
	CHECK(parse("{\"a\":[1,2") == NULL);
	CHECK(parse("{\"a\":tru") == NULL);
	CHECK(parse_n(nul_in_str, sizeof(nul_in_str) - 1) == NULL);
	CHECK(parse_n(nul_after, sizeof(nul_after) - 1) == NULL);
	/* JSON is UTF-8 (RFC 8259): invalid bytes anywhere, even in a
	 * string nobody reads, make the reply untrusted. */
	CHECK(parse("{\"a\":\"x\xffy\"}") == NULL);
	CHECK(parse("{\"a\":\"\xc0\xae\"}") == NULL);
	CHECK(parse("{\"a\":\"\xed\xa0\x80\"}") == NULL);
	j = parse("{\"a\":\"\xe5\xbd\x93\xe5\x89\x8d\"}");	/* UTF-8 */
	CHECK(j != NULL);
	cJSON_Delete(j);

	/* Only len bytes count, even with no NUL after them. */
	p = malloc(16);
	CHECK(p != NULL);
	if (p == NULL)
		return;
	memcpy(p, "{\"a\":1}{{{{{{{{{", 16);
	raw.data = p;
	raw.len = 7;
	raw.cap = raw.max = 16;
	j = json_parse(&raw);
	CHECK(j != NULL);
	CHECK(json_num(j, "a", &d) == 0 && d == 1);
	cJSON_Delete(j);
	raw.len = 5;
	CHECK(json_parse(&raw) == NULL);
	free(p);
}

static void
test_path(void)
{
	static const char *const	 abc[] = { "a", "b", "c", NULL };
	static const char *const	 ab[] = { "a", "b", NULL };
	static const char *const	 ax[] = { "a", "x", NULL };
	static const char *const	 lc[] = { "list", "c", NULL };
	static const char *const	 sc[] = { "s", "c", NULL };
	static const char *const	 none[] = { NULL };
	const cJSON			*it;
	cJSON				*j;

	j = parse("{\"a\":{\"b\":{\"c\":\"deep\"}},\"list\":[{\"c\":1}],"
	    "\"s\":\"str\"}");
	CHECK(j != NULL);
	it = json_path(j, abc);
	CHECK(it != NULL && cJSON_IsString(it));
	CHECK_STR(cJSON_GetStringValue(it), "deep");
	it = json_path(j, ab);
	CHECK_STR(json_str(it, "c"), "deep");
	CHECK(json_path(j, ax) == NULL);
	CHECK(json_path(j, lc) == NULL);
	CHECK(json_path(j, sc) == NULL);
	CHECK(json_path(j, none) == j);
	CHECK(json_path(NULL, abc) == NULL);
	cJSON_Delete(j);
}

static void
test_str(void)
{
	cJSON *j = parse("{\"s\":\"v\",\"n\":1,\"t\":true,\"z\":null,"
	    "\"o\":{},\"e\":\"\",\"S\":\"upper\"}");

	CHECK(j != NULL);
	CHECK_STR(json_str(j, "s"), "v");
	CHECK_STR(json_str(j, "e"), "");
	CHECK_STR(json_str(j, "S"), "upper");
	CHECK(json_str(j, "n") == NULL);
	CHECK(json_str(j, "t") == NULL);
	CHECK(json_str(j, "z") == NULL);
	CHECK(json_str(j, "o") == NULL);
	CHECK(json_str(j, "missing") == NULL);
	CHECK(json_str(NULL, "s") == NULL);
	/* A string is not an object: no member lookup through it. */
	CHECK(json_str(cJSON_GetObjectItem(j, "s"), "s") == NULL);
	cJSON_Delete(j);
}

/* Returns json_num(j, key) and stores the value in *d (0 untouched). */
static int
num(const cJSON *j, const char *key, double *d)
{
	*d = -12345;
	return json_num(j, key, d);
}

static void
test_num(void)
{
	cJSON	*j;
	double	 d;

	j = parse("{\"i\":600,\"f\":-1.5,\"e\":1e3,\"si\":\"86400\","
	    "\"sf\":\"0.25\",\"sn\":\"-7\",\"bad\":\"12abc\",\"b\":true,"
	    "\"sp\":\" 1\",\"se\":\"\",\"sx\":\"1e3\",\"sh\":\"0x10\","
	    "\"sd\":\"1.\",\"sm\":\"-\",\"sinf\":\"inf\",\"z\":null,"
	    "\"a\":[1],\"big\":\"1" "000000000000000000000000000000000000"
	    "0000000000000000000000000000000000000000000000000000000000000"
	    "0000000000000000000000000000000000000000000000000000000000000"
	    "0000000000000000000000000000000000000000000000000000000000000"
	    "0000000000000000000000000000000000000000000000000000000000000"
	    "0000000000000000000000000000000000000000000\"}");
	CHECK(j != NULL);
	CHECK(num(j, "i", &d) == 0 && d == 600);
	CHECK(num(j, "f", &d) == 0 && d == -1.5);
	CHECK(num(j, "e", &d) == 0 && d == 1000);
	CHECK(num(j, "si", &d) == 0 && d == 86400);
	CHECK(num(j, "sf", &d) == 0 && d == 0.25);
	CHECK(num(j, "sn", &d) == 0 && d == -7);
	CHECK(num(j, "bad", &d) == -1);
	CHECK(num(j, "b", &d) == -1);
	CHECK(num(j, "sp", &d) == -1);
	CHECK(num(j, "se", &d) == -1);
	CHECK(num(j, "sx", &d) == -1);
	CHECK(num(j, "sh", &d) == -1);
	CHECK(num(j, "sd", &d) == -1);
	CHECK(num(j, "sm", &d) == -1);
	CHECK(num(j, "sinf", &d) == -1);
	CHECK(num(j, "z", &d) == -1);
	CHECK(num(j, "a", &d) == -1);
	CHECK(num(j, "big", &d) == -1);
	CHECK(num(j, "missing", &d) == -1);
	CHECK(num(NULL, "i", &d) == -1);
	cJSON_Delete(j);
}

static void
test_bool(void)
{
	cJSON *j = parse("{\"t\":true,\"f\":false,\"s\":\"true\",\"n\":1,"
	    "\"z\":null}");

	CHECK(j != NULL);
	CHECK(json_bool(j, "t") == 1);
	CHECK(json_bool(j, "f") == 0);
	CHECK(json_bool(j, "s") == -1);
	CHECK(json_bool(j, "n") == -1);
	CHECK(json_bool(j, "z") == -1);
	CHECK(json_bool(j, "missing") == -1);
	CHECK(json_bool(NULL, "t") == -1);
	cJSON_Delete(j);
}

static void
test_print(void)
{
	cJSON	*j = cJSON_CreateObject();
	char	*s;

	CHECK(j != NULL);
	if (j == NULL)
		return;
	cJSON_AddStringToObject(j, "content", "1.2.3.4 \"q\"\n");
	cJSON_AddNumberToObject(j, "ttl", 300);
	cJSON_AddBoolToObject(j, "proxied", 0);
	s = json_print(j);
	CHECK_STR(s, "{\"content\":\"1.2.3.4 \\\"q\\\"\\n\",\"ttl\":300,"
	    "\"proxied\":false}");
	free(s);
	cJSON_Delete(j);
	CHECK(json_print(NULL) == NULL);
}

int
main(void)
{
	test_parse();
	test_path();
	test_str();
	test_num();
	test_bool();
	test_print();
	T_END("test_json");
}
