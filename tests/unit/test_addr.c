/* test_addr.c - unit tests for src/addr.c. */
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "t.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Returns the canonical form of s, or "(invalid)". */
static const char *
canon(int fam, const char *s)
{
	static char	 out[ADDR_STRLEN];

	if (addr_canon(fam, s, out) == -1)
		return "(invalid)";
	return out;
}

/* Returns what addr_extract finds in text[0..len), or "(none)". */
static const char *
extract(int fam, const char *text, size_t len)
{
	static char	 out[ADDR_STRLEN];

	if (addr_extract(fam, text, len, out, NULL) == -1)
		return out[0] == '\0' ? "(none)" : "(none, but out set)";
	return out;
}

/* Same, for a NUL-terminated body. */
static const char *
extract_s(int fam, const char *text)
{
	return extract(fam, text, strlen(text));
}

static void
test_parse_v4(void)
{
	static const char *good[] = {
		"0.0.0.0", "255.255.255.255", "1.2.3.4", "10.0.0.1",
		"100.64.0.0", "192.168.100.200", "9.99.199.249",
	};
	static const char *bad[] = {
		"", "256.1.1.1", "1.256.1.1", "1.2.3.256", "1.2.3", "1.2.3.4.",
		"01.2.3.4", "1.2.3.00", "1.02.3.4", " 1.2.3.4", "1.2.3.4 ",
		"1.2.3.4\n", "1..2.3", ".1.2.3", "1.2.3.-4", "1.2.3.4.5",
		"1.2.3.1000", "0x1.2.3.4", "1.2.3.a", "::1", "1.2.3.4/24",
		"1,2,3,4", "1.2.3.4:80", "0001.2.3.4", "+1.2.3.4", "...",
	};
	unsigned char	 b[4];
	size_t		 i;

	for (i = 0; i < NELEM(good); i++)
		CHECK_STR(canon(4, good[i]), good[i]);
	for (i = 0; i < NELEM(bad); i++) {
		if (addr_parse(4, bad[i], NULL) != -1)
			fprintf(stderr, "accepted bad IPv4 \"%s\"\n", bad[i]);
		CHECK(addr_parse(4, bad[i], NULL) == -1);
	}

	CHECK(addr_parse(4, "1.2.3.4", b) == 0);
	CHECK(b[0] == 1 && b[1] == 2 && b[2] == 3 && b[3] == 4);
	CHECK(addr_parse(4, "255.0.128.7", b) == 0);
	CHECK(b[0] == 255 && b[1] == 0 && b[2] == 128 && b[3] == 7);
	/* bytes are left alone on failure */
	CHECK(addr_parse(4, "9.9.9", b) == -1);
	CHECK(b[0] == 255 && b[3] == 7);
	CHECK(addr_parse(5, "1.2.3.4", NULL) == -1);
	CHECK(addr_parse(6, "1.2.3.4", NULL) == -1);
	CHECK(addr_parse(4, NULL, NULL) == -1);
}

static void
test_parse_v6(void)
{
	static const char *good[] = {
		"::", "::1", "1::", "1:2:3:4:5:6:7:8", "::ffff:1.2.3.4",
		"1:2:3:4:5:6:1.2.3.4", "1::1.2.3.4", "::1.2.3.4",
		"1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "ABCD::", "0000:0000::",
		"fe80::1", "2001:db8::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
		"1:0:0:0:0:0:0:8", "1::8", "64:ff9b::255.255.255.255",
	};
	static const char *bad[] = {
		"", ":", ":::", "1:::2", "1::2::3", "::1::", "12345::",
		"00000::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7",
		"1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", ":1::", "1::2:",
		":1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:", "fe80::1%eth0",
		"fe80::1%1", "[::1]", "gggg::", " ::1", "::1 ", "::ffff:1.2.3",
		"::ffff:1.2.3.4.5", "::ffff:01.2.3.4", "::ffff:256.1.1.1",
		"1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.4:5",
		"1.2.3.4::", "::-1", "1:2:3:4:5:6:7:8 ", "::ffff:1.2.3.4.",
		"::ffff:1234.1.2.3", "1:2:3:4:5:6:7:8:1.2.3.4", "::1/128",
		"deadbeef", "cafe", "12:30:45", "::g", "2001:db8:::1",
	};
	unsigned char	 b[16];
	static const unsigned char want[16] = {
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
	};
	static const unsigned char mapped[16] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4
	};
	static const unsigned char tail[16] = {
		0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2
	};
	size_t		 i;

	for (i = 0; i < NELEM(good); i++) {
		if (addr_parse(6, good[i], NULL) != 0)
			fprintf(stderr, "rejected IPv6 \"%s\"\n", good[i]);
		CHECK(addr_parse(6, good[i], NULL) == 0);
	}
	for (i = 0; i < NELEM(bad); i++) {
		if (addr_parse(6, bad[i], NULL) != -1)
			fprintf(stderr, "accepted bad IPv6 \"%s\"\n", bad[i]);
		CHECK(addr_parse(6, bad[i], NULL) == -1);
	}
	CHECK(addr_parse(6, "2001:DB8::1", b) == 0);
	CHECK(memcmp(b, want, 16) == 0);
	CHECK(addr_parse(6, "::ffff:1.2.3.4", b) == 0);
	CHECK(memcmp(b, mapped, 16) == 0);
	CHECK(addr_parse(6, "1::2", b) == 0);
	CHECK(memcmp(b, tail, 16) == 0);
	CHECK(addr_parse(4, "::1", b) == -1);
	CHECK(memcmp(b, tail, 16) == 0);
}

static void
test_format(void)
{
	static const struct { const char *in, *want; } t[] = {
		{ "2001:0db8:0000:0000:0001:0000:0000:0001",
		    "2001:db8::1:0:0:1" },
		{ "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1" },
		{ "2001:DB8::1", "2001:db8::1" },
		{ "2001:db8::0:1", "2001:db8::1" },
		{ "0:0:0:0:0:0:0:0", "::" },
		{ "0:0:0:0:0:0:0:1", "::1" },
		{ "1:0:0:0:0:0:0:0", "1::" },
		{ "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1" },
		{ "2001:0:0:1:0:0:0:1", "2001:0:0:1::1" },
		{ "1:2:3:4:5:6:7:0", "1:2:3:4:5:6:7:0" },
		{ "0:1:2:3:4:5:6:7", "0:1:2:3:4:5:6:7" },
		{ "1:0:2:0:3:0:4:0", "1:0:2:0:3:0:4:0" },
		{ "1:0:0:2:3:4:5:6", "1::2:3:4:5:6" },
		{ "1:2:3:4:5:6:0:0", "1:2:3:4:5:6::" },
		{ "0:0:1:2:3:4:5:6", "::1:2:3:4:5:6" },
		{ "1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0" },
		{ "::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8" },
		{ "::ffff:1.2.3.4", "::ffff:1.2.3.4" },
		{ "::ffff:0102:0304", "::ffff:1.2.3.4" },
		{ "0:0:0:0:0:FFFF:c000:0201", "::ffff:192.0.2.1" },
		{ "::1.2.3.4", "::102:304" },
		{ "64:ff9b::1.2.3.4", "64:ff9b::102:304" },
		{ "ABCD:EF01:2345:6789:abcd:ef01:2345:6789",
		    "abcd:ef01:2345:6789:abcd:ef01:2345:6789" },
		{ "fe80:0000::0001", "fe80::1" },
		{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
		    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
		{ "2606:4700:4700:0:0:0:0:1111", "2606:4700:4700::1111" },
	};
	static const unsigned char v4[4] = { 203, 0, 113, 255 };
	static const unsigned char v6[16] = {
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0
	};
	char	 out[ADDR_STRLEN];
	size_t	 i;

	for (i = 0; i < NELEM(t); i++)
		CHECK_STR(canon(6, t[i].in), t[i].want);
	CHECK_STR(canon(6, "1::2::3"), "(invalid)");
	CHECK_STR(canon(4, "01.1.1.1"), "(invalid)");
	addr_format(4, v4, out);
	CHECK_STR(out, "203.0.113.255");
	addr_format(6, v6, out);
	CHECK_STR(out, "2001:db8:0:0:1::");
	strcpy(out, "junk");
	CHECK(addr_canon(6, "nope", out) == -1);
	CHECK_STR(out, "");
}

#define U	ADDR_UNUSABLE
#define P	ADDR_PRIVATE
#define G	ADDR_GLOBAL

/* An address, its expected class and range name. */
struct cls_case {
	int		 fam;
	const char	*addr;
	enum addr_class	 cls;
	const char	*name;
};

/* One address inside and one just outside every range. */
static const struct cls_case cls_cases[] = {
	{ 4, "0.0.0.0", U, "unspecified" },
	{ 4, "0.0.0.1", U, "this network" },
	{ 4, "0.255.255.255", U, "this network" },
	{ 4, "1.0.0.0", G, "global" },
	{ 4, "127.0.0.1", U, "loopback" },
	{ 4, "127.255.255.255", U, "loopback" },
	{ 4, "126.255.255.255", G, "global" },
	{ 4, "128.0.0.0", G, "global" },
	{ 4, "169.254.0.0", U, "link-local" },
	{ 4, "169.254.255.255", U, "link-local" },
	{ 4, "169.253.255.255", G, "global" },
	{ 4, "169.255.0.0", G, "global" },
	{ 4, "224.0.0.0", U, "multicast" },
	{ 4, "239.255.255.255", U, "multicast" },
	{ 4, "223.255.255.255", G, "global" },
	{ 4, "240.0.0.0", U, "reserved" },
	{ 4, "255.255.255.254", U, "reserved" },
	{ 4, "255.255.255.255", U, "broadcast" },
	{ 4, "10.0.0.0", P, "private (RFC 1918)" },
	{ 4, "10.255.255.255", P, "private (RFC 1918)" },
	{ 4, "9.255.255.255", G, "global" },
	{ 4, "11.0.0.0", G, "global" },
	{ 4, "100.64.0.0", P, "shared/CGNAT (RFC 6598)" },
	{ 4, "100.127.255.255", P, "shared/CGNAT (RFC 6598)" },
	{ 4, "100.63.255.255", G, "global" },
	{ 4, "100.128.0.0", G, "global" },
	{ 4, "172.16.0.0", P, "private (RFC 1918)" },
	{ 4, "172.31.255.255", P, "private (RFC 1918)" },
	{ 4, "172.15.255.255", G, "global" },
	{ 4, "172.32.0.0", G, "global" },
	{ 4, "192.168.0.0", P, "private (RFC 1918)" },
	{ 4, "192.168.255.255", P, "private (RFC 1918)" },
	{ 4, "192.167.255.255", G, "global" },
	{ 4, "192.169.0.0", G, "global" },
	{ 4, "192.0.0.0", P, "IETF protocol assignments" },
	{ 4, "192.0.0.255", P, "IETF protocol assignments" },
	{ 4, "191.255.255.255", G, "global" },
	{ 4, "192.0.1.0", G, "global" },
	{ 4, "192.0.2.1", P, "documentation" },
	{ 4, "192.0.1.255", G, "global" },
	{ 4, "192.0.3.0", G, "global" },
	{ 4, "198.51.100.0", P, "documentation" },
	{ 4, "198.51.100.255", P, "documentation" },
	{ 4, "198.51.99.255", G, "global" },
	{ 4, "198.51.101.0", G, "global" },
	{ 4, "203.0.113.7", P, "documentation" },
	{ 4, "203.0.112.255", G, "global" },
	{ 4, "203.0.114.0", G, "global" },
	{ 4, "198.18.0.0", P, "benchmarking" },
	{ 4, "198.19.255.255", P, "benchmarking" },
	{ 4, "198.17.255.255", G, "global" },
	{ 4, "198.20.0.0", G, "global" },
	{ 4, "192.88.99.1", P, "6to4 relay anycast" },
	{ 4, "192.88.98.255", G, "global" },
	{ 4, "192.88.100.0", G, "global" },
	{ 4, "192.31.196.0", P, "AS112" },
	{ 4, "192.31.195.255", G, "global" },
	{ 4, "192.31.197.0", G, "global" },
	{ 4, "192.52.193.255", P, "AMT" },
	{ 4, "192.52.192.255", G, "global" },
	{ 4, "192.52.194.0", G, "global" },
	{ 4, "192.175.48.1", P, "AS112 (direct delegation)" },
	{ 4, "192.175.47.255", G, "global" },
	{ 4, "192.175.49.0", G, "global" },
	{ 4, "8.8.8.8", G, "global" },
	{ 4, "93.184.216.34", G, "global" },

	{ 6, "::", U, "unspecified" },
	{ 6, "::1", U, "loopback" },
	{ 6, "::2", U, "reserved" },
	{ 6, "::ffff:0:0", U, "IPv4-mapped" },
	{ 6, "::ffff:8.8.8.8", U, "IPv4-mapped" },
	{ 6, "::fffe:ffff:ffff", U, "reserved" },
	{ 6, "::1:0:0:0", U, "reserved" },
	{ 6, "64:ff9b::", U, "IPv4/IPv6 translation" },
	{ 6, "64:ff9b::8.8.8.8", U, "IPv4/IPv6 translation" },
	{ 6, "64:ff9b::1:0:0", U, "reserved" },
	{ 6, "64:ff9a:ffff::", U, "reserved" },
	{ 6, "64:ff9b:1::", U, "IPv4/IPv6 translation (local)" },
	{ 6, "64:ff9b:1:ffff::1", U, "IPv4/IPv6 translation (local)" },
	{ 6, "64:ff9b:2::", U, "reserved" },
	{ 6, "100::", U, "discard-only" },
	{ 6, "100::ffff:ffff:ffff:ffff", U, "discard-only" },
	{ 6, "100:0:0:1::", U, "reserved" },
	{ 6, "fe80::1", U, "link-local" },
	{ 6, "febf:ffff::", U, "link-local" },
	{ 6, "fe7f:ffff::", U, "reserved" },
	{ 6, "fec0::1", U, "site-local" },
	{ 6, "feff:ffff::", U, "site-local" },
	{ 6, "ff00::", U, "multicast" },
	{ 6, "ff02::1", U, "multicast" },
	{ 6, "ffff:ffff::", U, "multicast" },
	{ 6, "fc00::", P, "unique local (ULA)" },
	{ 6, "fdff:ffff::1", P, "unique local (ULA)" },
	{ 6, "fbff:ffff::", U, "reserved" },
	{ 6, "fe00::", U, "reserved" },
	{ 6, "2000::", G, "global" },
	{ 6, "3fff:1000::", G, "global" },
	{ 6, "1fff:ffff::", U, "reserved" },
	{ 6, "4000::", U, "reserved" },
	{ 6, "2001::1", P, "IETF protocol assignments" },
	{ 6, "2001:1ff:ffff::", P, "IETF protocol assignments" },
	{ 6, "2001:200::", G, "global" },
	{ 6, "2000:ffff::", G, "global" },
	{ 6, "2001:db8::1", P, "documentation" },
	{ 6, "2001:db8:ffff:ffff::", P, "documentation" },
	{ 6, "2001:db7:ffff::", G, "global" },
	{ 6, "2001:db9::", G, "global" },
	{ 6, "2002:c000:204::1", P, "6to4" },
	{ 6, "2002:ffff::", P, "6to4" },
	{ 6, "2001:ffff::", G, "global" },
	{ 6, "2003::", G, "global" },
	{ 6, "3fff::1", P, "documentation" },
	{ 6, "3fff:fff:ffff::", P, "documentation" },
	{ 6, "3ffe:ffff::", G, "global" },
	{ 6, "2606:4700:4700::1111", G, "global" },
};

static void
test_classify(void)
{
	const struct cls_case	*c;
	unsigned char		 b[16];
	size_t			 i;

	for (i = 0; i < NELEM(cls_cases); i++) {
		c = &cls_cases[i];
		memset(b, 0xaa, sizeof(b));
		CHECK(addr_parse(c->fam, c->addr, b) == 0);
		if (addr_classify(c->fam, b) != c->cls)
			fprintf(stderr, "%s: class %d, want %d\n", c->addr,
			    (int)addr_classify(c->fam, b), (int)c->cls);
		CHECK(addr_classify(c->fam, b) == c->cls);
		CHECK_STR(addr_range_name(c->fam, b), c->name);
	}
	CHECK(addr_classify(5, b) == ADDR_UNUSABLE);
}

/* Cloudflare's /cdn-cgi/trace, shortened. */
static const char cf_trace6[] =
    "fl=29f1\nh=1.1.1.1\nip=2606:4700:4700::1111\nts=1700000000.123\n"
    "visit_scheme=https\nuag=curl/8.5.0\ncolo=AMS\nhttp=http/2\n"
    "loc=NL\ntls=TLSv1.3\nsni=plaintext\nwarp=off\ngateway=off\n";
static const char cf_trace4[] =
    "fl=29f1\r\nh=1.1.1.1\r\nip=93.184.216.34\r\nts=1700000000.123\r\n";

static void
test_extract_bodies(void)
{
	static const char ipip[] =
	    "当前 IP：93.184.216.34  来自于：中国 北京 北京  联通\n";
	static const char html[] =
	    "<html><head><title>Current IP Check</title></head><body>"
	    "Current IP Address: 93.184.216.34</body></html>\r\n";
	unsigned char	 b[16];
	char		 out[ADDR_STRLEN];

	CHECK_STR(extract_s(4, "203.0.113.7"), "203.0.113.7");
	CHECK_STR(extract_s(4, "203.0.113.7\n"), "203.0.113.7");
	CHECK_STR(extract_s(4, "203.0.113.7\r\n"), "203.0.113.7");
	CHECK_STR(extract_s(6, "2001:DB8:0::7\n"), "2001:db8::7");
	CHECK_STR(extract_s(4, ipip), "93.184.216.34");
	CHECK_STR(extract_s(4, "IP：93.184.216.34来自于"), "93.184.216.34");
	CHECK_STR(extract_s(6, "当前 IP：2001:db8::1 来自于"), "2001:db8::1");
	CHECK_STR(extract_s(6, cf_trace6), "2606:4700:4700::1111");
	CHECK_STR(extract_s(4, cf_trace6), "(none)");
	CHECK_STR(extract_s(4, cf_trace4), "93.184.216.34");
	CHECK_STR(extract_s(4, "h=1.1.1.1\nip=5.6.7.8"), "5.6.7.8");
	CHECK_STR(extract_s(4, "h=1.1.1.1\n  ip= 5.6.7.8 \n"), "5.6.7.8");
	CHECK_STR(extract_s(4, "h=1.1.1.1\nip=garbage\n"), "(none)");
	CHECK_STR(extract_s(4, "h=1.1.1.1\nip=\n"), "(none)");
	CHECK_STR(extract_s(4, "h=1.1.1.1\nflip=x\n"), "1.1.1.1");
	CHECK_STR(extract_s(4, "ip=1.2.3.4\nip=5.6.7.8\n"), "1.2.3.4");
	CHECK_STR(extract_s(4, "{\"ip\":\"93.184.216.34\"}"), "93.184.216.34");
	CHECK_STR(extract_s(6, "{\"ip\":\"2606:4700:4700:0::1111\"}"),
	    "2606:4700:4700::1111");
	CHECK_STR(extract_s(4, "{\"ip\": \"1.2.3.4\", \"country\": \"NL\"}"),
	    "1.2.3.4");
	CHECK_STR(extract_s(4, html), "93.184.216.34");
	CHECK_STR(extract_s(6, "<b>2001:db8::1</b>"), "2001:db8::1");

	memset(b, 0, sizeof(b));
	CHECK(addr_extract(4, "x 10.1.2.3 y", 12, out, b) == 0);
	CHECK_STR(out, "10.1.2.3");
	CHECK(b[0] == 10 && b[1] == 1 && b[2] == 2 && b[3] == 3);
	CHECK(addr_extract(6, cf_trace6, sizeof(cf_trace6) - 1, out, b) == 0);
	CHECK(b[0] == 0x26 && b[1] == 0x06 && b[14] == 0x11 && b[15] == 0x11);
}

static void
test_extract_tokens(void)
{
	/* classification is the caller's job */
	CHECK_STR(extract_s(4, "192.168.1.1 and 8.8.8.8"), "192.168.1.1");
	CHECK_STR(extract_s(6, "fe80::1 then 2001:db8::2"), "fe80::1");
	CHECK_STR(extract_s(4, "1.2.3.4.5"), "(none)");
	CHECK_STR(extract_s(4, "x 1.2.3.4.5 y"), "(none)");
	CHECK_STR(extract_s(4, "1.2.3.4.5 then 6.7.8.9"), "6.7.8.9");
	CHECK_STR(extract_s(4, "010.1.1.1"), "(none)");
	CHECK_STR(extract_s(4, "no address here"), "(none)");
	CHECK_STR(extract_s(6, "no address here"), "(none)");
	CHECK_STR(extract_s(4, ""), "(none)");
	CHECK_STR(extract(4, NULL, 0), "(none)");
	CHECK_STR(extract_s(7, "1.2.3.4"), "(none)");
	CHECK_STR(extract_s(4, "v1.2 on 2024.01.02, you are 93.184.216.34."),
	    "93.184.216.34");
	CHECK_STR(extract_s(4, "1.2.3.4.."), "(none)");
	CHECK_STR(extract_s(4, "abc1.2.3.4"), "(none)");
	CHECK_STR(extract_s(4, "1.2.3.4abc"), "(none)");
	CHECK_STR(extract_s(4, "1.2.3.4abc 5.6.7.8"), "5.6.7.8");
	CHECK_STR(extract_s(4, "::ffff:1.2.3.4"), "(none)");
	CHECK_STR(extract_s(4, "2001:db8::1.2.3.4"), "(none)");
	CHECK_STR(extract_s(4, "2001:db8::1"), "(none)");
	CHECK_STR(extract_s(4, "(1.2.3.4)"), "1.2.3.4");
	CHECK_STR(extract_s(4, "\xff\xfe" "1.2.3.4\xc0\x80"), "1.2.3.4");
	CHECK_STR(extract_s(6, "deadbeef cafe 12:30:45 2001:db8::1"),
	    "2001:db8::1");
	CHECK_STR(extract_s(6, "deadbeef cafe"), "(none)");
	CHECK_STR(extract_s(6, "at 12:30:45"), "(none)");
	CHECK_STR(extract_s(6, "fe80::1%eth0"), "(none)");
	CHECK_STR(extract_s(6, "fe80::1%eth0 2001:db8::2"), "2001:db8::2");
	CHECK_STR(extract_s(6, "Your address is 2001:db8::1."), "2001:db8::1");
	CHECK_STR(extract_s(6, "1.2.3.4"), "(none)");
	CHECK_STR(extract_s(6, "x2001:db8::1"), "(none)");
	CHECK_STR(extract_s(6, "[2001:db8::1]:443"), "2001:db8::1");
	CHECK_STR(extract_s(6, "[2001:db8::1]"), "2001:db8::1");
}

static void
test_extract_bounds(void)
{
	static const char exact[11] = { '2', '0', '3', '.', '0', '.', '1',
	    '1', '3', '.', '7' };			/* no NUL */
	static const char nul1[] = "abc\0" "1.2.3.4";
	static const char nul2[] = "1.2\0" "3.4";
	static const char nul3[] = "ip=1.2.3.4\0junk\n";
	static const char nul4[] = "\0\0" "2001:db8::1\0";
	char		 out[ADDR_STRLEN];

	CHECK_STR(extract(4, exact, sizeof(exact)), "203.0.113.7");
	CHECK_STR(extract(4, exact, 8), "(none)");	/* "203.0.11" */
	CHECK_STR(extract(4, exact, 10), "(none)");	/* "203.0.113." */
	CHECK_STR(extract(4, "1.2.3.45", 7), "1.2.3.4");
	CHECK_STR(extract(4, "1.2.3.4", 0), "(none)");
	CHECK_STR(extract(6, "2001:db8::1234", 12), "2001:db8::12");
	CHECK_STR(extract(4, "ip=1.2.3.4\n", 6), "(none)");
	CHECK_STR(extract(4, nul1, sizeof(nul1) - 1), "1.2.3.4");
	CHECK_STR(extract(4, nul2, sizeof(nul2) - 1), "(none)");
	CHECK_STR(extract(4, nul3, sizeof(nul3) - 1), "(none)");
	CHECK_STR(extract(6, nul4, sizeof(nul4) - 1), "2001:db8::1");
	strcpy(out, "junk");
	CHECK(addr_extract(4, "nothing", 7, out, NULL) == -1);
	CHECK_STR(out, "");
}

int
main(void)
{
	test_parse_v4();
	test_parse_v6();
	test_format();
	test_classify();
	test_extract_bodies();
	test_extract_tokens();
	test_extract_bounds();
	T_END("test_addr");
}
