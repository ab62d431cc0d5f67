/*
 * template.h - "{name}" placeholders in URLs, bodies and headers.
 *
 * A placeholder is '{' + [a-z0-9_]+ + '}'; any other brace is literal, so
 * JSON bodies need no escaping. An unknown placeholder is an error, never
 * an empty string.
 */
#ifndef DDNS_TEMPLATE_H
#define DDNS_TEMPLATE_H

#include "buf.h"
#include "kv.h"

#define TMPL_RAW	0	/* values inserted as they are */
#define TMPL_URLENC	1	/* values percent-encoded (RFC 3986) */

/* Appends tmpl to out with every {key} replaced by its value in vars.
 * Returns 0; or -1 with *bad naming the unknown placeholder (in a static
 * buffer), or *bad NULL when out of memory. */
int	 tmpl_expand(const char *tmpl, const struct kv *vars, int how,
	    struct buf *out, const char **bad);
/* Checks that every placeholder in tmpl is known to vars (values may be
 * empty); 0, or -1 with *bad as for tmpl_expand. */
int	 tmpl_check(const char *tmpl, const struct kv *vars, const char **bad);

#endif
