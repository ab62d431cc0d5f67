/*
 * config.h - the INI configuration, loaded and validated in one pass.
 *
 * Every value has had ${VAR} expanded and K_file = PATH read (as K) by
 * the time config_load returns. Errors name file:line, the section and the
 * key; all of them are reported, then config_load fails.
 */
#ifndef DDNS_CONFIG_H
#define DDNS_CONFIG_H

#include <stddef.h>

#include "buf.h"
#include "kv.h"

struct provider;

#define FAM_V4	0x1	/* A records / IPv4 wanted */
#define FAM_V6	0x2	/* AAAA records / IPv6 wanted */

/* One provider account: a section other than [general] and [notify]. */
struct account {
	char			*label;		/* section name */
	const struct provider	*prov;
	const char		*file;		/* config path, for messages */
	int			 line;		/* line of the section header */
	struct kv		 keys;		/* every key as given (expanded),
						   item.line = its line */
	char			**records;	/* FQDNs, lower case, no final dot */
	size_t			 nrecords;
	unsigned		 fams;		/* FAM_V4 | FAM_V6 (from type) */
	long			 ttl;		/* seconds, -1 when not set */
	const char		*endpoint;	/* API base override, or NULL */
	int			 insecure_http;	/* endpoint may be http:// */
};

/* Address sources of one family; n == 0 means "off". */
struct sources {
	char	**src;		/* "https://...", "iface:NAME", "cmd:COMMAND" */
	size_t	  n;
	int	  line;
};

/* The [notify] section; url and command NULL when absent. */
struct notify {
	char		*url;		/* webhook, with {placeholders} */
	char		*method;	/* NULL: POST with a body, else GET */
	char		*headers;	/* "Name: value" lines */
	char		*body;
	char		*command;	/* run per changed record, details in env */
	unsigned	 on;		/* NOTIFY_CHANGE | NOTIFY_FAILURE */
};
#define NOTIFY_CHANGE	0x1
#define NOTIFY_FAILURE	0x2

struct config {
	char		*path;		/* as given */
	char		*state_file;
	long		 timeout_ms;	/* per HTTP request / command */
	char		*ca_file;
	struct sources	 v4, v6;
	int		 allow_private;
	long		 refresh;	/* re-verify unchanged records after this
					   many seconds; 0 never */
	struct account	*accts;
	size_t		 naccts;
	struct notify	 notify;
	unsigned	 fams_used;	/* union of every account's fams */
};

/* Loads and validates path into c. Reports every problem on stderr with
 * file:line and returns -1; 0 when the config is usable. */
int		 config_load(struct config *c, const char *path);
/* Frees everything config_load allocated. */
void		 config_free(struct config *c);
/* Returns the value of key in an account, or NULL. */
const char	*acct_get(const struct account *a, const char *key);
/* Reports a problem with key of account a ("file:line: [label] key: ..."),
 * at the section header line when the key is absent. */
void		 acct_error(const struct account *a, const char *key,
		    const char *fmt, ...) PRINTF_LIKE(3, 4);

#endif
