/*
 * addr.h - IP address parsing, classification and extraction from text.
 *
 * Pure C: no sockets API, so it builds and behaves the same everywhere.
 * Families are the integers 4 and 6. Addresses travel through the program
 * as canonical text (dotted quad; RFC 5952 for IPv6, lower case,
 * longest zero run compressed), which makes string comparison sound.
 */
#ifndef DDNS_ADDR_H
#define DDNS_ADDR_H

#include <stddef.h>

#define ADDR_STRLEN	46	/* INET6_ADDRSTRLEN */

enum addr_class {
	ADDR_GLOBAL,	/* publicly routable unicast */
	ADDR_PRIVATE,	/* non-global but usable with allow_private: RFC 1918,
			   CGNAT 100.64/10, ULA fc00::/7, documentation,
			   benchmarking, 6to4, IETF-reserved 2001::/23, ... */
	ADDR_UNUSABLE	/* never published: unspecified, loopback,
			   link-local, multicast, broadcast, 240/4,
			   IPv4-mapped/translated IPv6, discard 100::/64 */
};

/* Parses s (exactly, nothing around it) as an address of family fam.
 * IPv4: four decimal octets 0-255, no leading zeros ("010.1.1.1" fails).
 * IPv6: RFC 4291 text, including a trailing dotted quad; no zone index.
 * Writes the 4 or 16 bytes to bytes (may be NULL). 0, or -1 if invalid. */
int		 addr_parse(int fam, const char *s, unsigned char *bytes);
/* Formats 4 or 16 bytes as canonical text into out. */
void		 addr_format(int fam, const unsigned char *bytes,
		    char out[ADDR_STRLEN]);
/* Classifies an address given as bytes. */
enum addr_class	 addr_classify(int fam, const unsigned char *bytes);
/* Returns a short name of the range an address falls in, for messages
 * ("private (RFC 1918)", "loopback", ...), or "global". */
const char	*addr_range_name(int fam, const unsigned char *bytes);
/* Parses and canonicalises s; 0 with out filled, or -1 if invalid. */
int		 addr_canon(int fam, const char *s, char out[ADDR_STRLEN]);

/* Finds the address of family fam in text (len bytes, need not be
 * NUL-terminated): the one on a line "ip=ADDR" if there is such a line
 * (Cloudflare's /cdn-cgi/trace), else the first address-shaped token of
 * that family in the text (api.ipify.org's bare text, myip.ipip.net's
 * Chinese sentence, JSON). A token must stand alone: "1.2.3.4.5" and
 * "fe80::1%eth0" are not addresses. Returns 0 with the canonical address
 * in out and its bytes in bytes (may be NULL), or -1 when the text holds
 * none. Whether it may be published is the caller's question
 * (addr_classify). */
int		 addr_extract(int fam, const char *text, size_t len,
		    char out[ADDR_STRLEN], unsigned char *bytes);

#endif
