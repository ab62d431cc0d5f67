/*
 * detect.h - finding the current public address of each family.
 *
 * Local sources (iface:, cmd:) are tried first, in the order given; if none
 * yields an address, every URL source of every wanted family is queried at
 * once and the first acceptable answer per family wins, so a dead or slow
 * source never delays a healthy one.
 */
#ifndef DDNS_DETECT_H
#define DDNS_DETECT_H

#include "addr.h"

struct config;
struct http;

struct detected {
	int	ok4, ok6;		/* 1 when found */
	char	v4[ADDR_STRLEN];	/* canonical addresses */
	char	v6[ADDR_STRLEN];
};

/* Detects the families in fams (FAM_V4 | FAM_V6) per the config's
 * sources. Reports each source's failure (debug) and each family with no
 * address (error). Returns the number of wanted families found. */
int	 detect_addresses(const struct config *c, unsigned fams,
	    struct http *h, struct detected *out);
/* Checks one candidate against the config's policy (global, or non-global
 * allowed); returns 0, or -1 with a reason ("private (RFC 1918)") in why. */
int	 detect_acceptable(const struct config *c, int fam,
	    const unsigned char *bytes, const char **why);

#endif
