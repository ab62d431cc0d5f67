/*
 * detect.h - finding the current public address of each family.
 *
 * Local sources (iface:, cmd:) are tried first, in the order given; if none
 * yields an address, every URL source of every wanted family is queried at
 * once. The first acceptable answer per family is taken at once when it is
 * the address already published (nothing will change), so a dead or slow
 * source never delays a healthy one. An answer that would change a record
 * waits for a second opinion: until another source agrees or every other
 * source failed, waiting at most as long again as the first answer took
 * (at least 0.5 s, never past the timeout). Two sources that disagree publish
 * neither address: the family counts as not found.
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

/* The agreement rule of one family's URL sources (exposed for tests). */
enum { TALLY_WAIT, TALLY_TAKE, TALLY_CONFLICT, TALLY_NONE };

struct tally {
	const char	*known;		/* already published: taken at once */
	size_t		 pending;	/* sources that have not answered */
	const char	*src[2];	/* the first answer's source; the
					   disagreeing one's */
	char		 addr[2][ADDR_STRLEN];
	int		 verdict;	/* TALLY_* */
};

/* Counts one source's answer into t (addr NULL: it gave none; pending was
 * set to the number of sources first). Returns the verdict: TAKE once an
 * address is settled (it is known, a second source agrees, or every other
 * source failed), CONFLICT once two sources disagreed, NONE when every
 * source failed, else WAIT. A verdict other than WAIT never changes. */
int	 tally_add(struct tally *t, const char *src, const char *addr);
/* Ends the wait (out of time): an unconfirmed first answer is taken.
 * Returns the final verdict (never WAIT). */
int	 tally_close(struct tally *t);

/* Detects the families in fams (FAM_V4 | FAM_V6) per the config's
 * sources; published (NULL: none) holds, per family, the address every
 * record of it was last set to. Reports each source's failure (debug),
 * disagreeing sources and each family with no address (error). Returns
 * the number of wanted families found. */
int	 detect_addresses(const struct config *c, unsigned fams,
	    struct http *h, const struct detected *published,
	    struct detected *out);
/* Checks one candidate against the config's policy (global, or non-global
 * allowed); returns 0, or -1 with a reason ("private (RFC 1918)") in why. */
int	 detect_acceptable(const struct config *c, int fam,
	    const unsigned char *bytes, const char **why);

#endif
