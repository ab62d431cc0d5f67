/*
 * config.c - load and validate the INI configuration (see config.h).
 *
 * Two passes: inih reads the file into raw sections (kv lists with line
 * numbers, counted by our own line reader since inih does not report them
 * to handlers); then each section is checked and turned into the typed
 * struct config. Every problem is reported with file:line, section and key,
 * and loading goes on so the user sees all of them at once.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "buf.h"
#include "config.h"
#include "kv.h"
#include "log.h"
#include "platform.h"
#include "notify.h"
#include "provider.h"
#include "template.h"

#define CONF_MAX_SECTIONS	64
#define SECRET_FILE_MAX		65536

static int acct_errors;		/* problems reported through acct_error */

struct section {
	char		*name;
	int		 line;
	struct kv	 kv;		/* raw values; item.line set */
};

struct loader {
	const char	*path;
	FILE		*fp;
	int		 lineno;	/* line most recently handed to inih */
	char		 last[512];	/* its text, for continuation lines */
	struct section	 sec[CONF_MAX_SECTIONS];
	size_t		 nsec;
	int		 errors;
};

static const char *const general_keys[] = {
	"state_file", "timeout", "ca_file", "ipv4", "ipv6", "allow_private",
	"refresh", NULL
};
static const char *const notify_keys[] = {
	"url", "method", "headers", "body", "command", "on", "insecure_http",
	NULL
};
static const char *const account_keys[] = {
	"provider", "records", "type", "ttl", "endpoint", "insecure_http", NULL
};

/* Reports "file:line: msg" and counts the error. */
static void
lerror(struct loader *L, int line, const char *fmt, ...) PRINTF_LIKE(3, 4);

static void
lerror(struct loader *L, int line, const char *fmt, ...)
{
	char	 msg[1024];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_err("%s:%d: %s", L->path, line, msg);
	L->errors++;
}

static struct section *
find_section(struct loader *L, const char *name)
{
	size_t i;

	for (i = 0; i < L->nsec; i++)
		if (strcmp(L->sec[i].name, name) == 0)
			return &L->sec[i];
	return NULL;
}

/* Adds a section seen at line; reports duplicates and too many. */
static void
add_section(struct loader *L, const char *name, size_t len, int line)
{
	struct section	*s;
	char		*n = xstrndup(name, len);

	if (n == NULL)
		return;
	if (n[strspn(n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_.-")] != '\0' || *n == '\0') {
		lerror(L, line, "[%s]: a section name may hold only letters, "
		    "digits, '_', '.' and '-'", n);
		free(n);
		return;
	}
	if ((s = find_section(L, n)) != NULL) {
		lerror(L, line, "[%s]: section repeated (first at line %d)",
		    n, s->line);
		free(n);
		return;
	}
	if (L->nsec == CONF_MAX_SECTIONS) {
		lerror(L, line, "[%s]: too many sections (at most %d)", n,
		    CONF_MAX_SECTIONS);
		free(n);
		return;
	}
	s = &L->sec[L->nsec++];
	memset(s, 0, sizeof(*s));
	s->name = n;
	s->line = line;
}

/* inih's line reader: hands over one line, counting lines and noting
 * section headers so their line numbers are known. */
static char *
read_line(char *str, int num, void *arg)
{
	struct loader	*L = arg;
	const char	*p, *q;
	size_t		 len;

	if (fgets(str, num, L->fp) == NULL)
		return NULL;
	L->lineno++;
	len = strlen(str);
	if (len == (size_t)num - 1 && str[len - 1] != '\n' && !feof(L->fp)) {
		char rest[256];

		/* Too long for inih: report it, skip it, read on. */
		lerror(L, L->lineno, "line too long (the INI reader takes at "
		    "most %d bytes); continue the value on indented lines",
		    num - 2);
		while (fgets(rest, sizeof(rest), L->fp) != NULL &&
		    strchr(rest, '\n') == NULL)
			;
		snprintf(str, (size_t)num, "; (skipped)\n");
		L->last[0] = '\0';
		return str;
	}
	snprintf(L->last, sizeof(L->last), "%s", str);
	p = str;
	if (L->lineno == 1 && strncmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '[' && (q = strchr(p, ']')) != NULL) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		len = (size_t)(q - p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		add_section(L, p, len, L->lineno);
	}
	return str;
}

/* inih's handler: stores one key, or appends a continuation line. */
static int
handle_kv(void *arg, const char *section, const char *name, const char *value)
{
	struct loader	*L = arg;
	struct section	*s;
	struct kv_item	*it;
	struct buf	 b = BUF_INIT(0);
	char		 sec[128];
	size_t		 len;

	while (*section == ' ' || *section == '\t')
		section++;
	len = strlen(section);
	while (len > 0 && (section[len - 1] == ' ' || section[len - 1] == '\t'))
		len--;
	snprintf(sec, sizeof(sec), "%.*s", (int)len, section);
	section = sec;
	s = find_section(L, section);

	if (s == NULL) {
		lerror(L, L->lineno, "%s: key outside of any section", name);
		return 1;
	}
	it = kv_find(&s->kv, name);
	if (it != NULL && (L->last[0] == ' ' || L->last[0] == '\t')) {
		/* An indented line continues the previous key's value. */
		if (strchr(value, '=') != NULL)
			lerror(L, L->lineno, "[%s] %s: an indented line is read "
			    "as more of %s's value; remove the leading spaces",
			    section, name, name);
		if (buf_printf(&b, "%s\n%s", it->val, value) == 0)
			kv_set(&s->kv, name, buf_str(&b));
		buf_free(&b);
		return 1;
	}
	if (it != NULL) {
		lerror(L, L->lineno, "[%s] %s: key repeated (first at line %d)",
		    section, name, it->line);
		return 1;
	}
	if (kv_set(&s->kv, name, value) == -1)
		return 0;
	kv_find(&s->kv, name)->line = L->lineno;
	return 1;
}

/* True for [general] ipv4/ipv6: what the environment puts into an address
 * source (a key in its query, a header in its command) is kept secret. */
static int
is_source_key(const struct section *s, const struct kv_item *it)
{
	return strcmp(s->name, "general") == 0 &&
	    (strcmp(it->key, "ipv4") == 0 || strcmp(it->key, "ipv6") == 0);
}

/* Masks the user:password of a source URL in every later output. */
static void
hide_userinfo(const char *url)
{
	const char	*host = strstr(url, "://"), *at, *colon;
	char		*ui;

	if (host == NULL)
		return;
	host += 3;
	at = host + strcspn(host, "@/?#");
	if (*at != '@')
		return;
	if ((ui = xstrndup(host, (size_t)(at - host))) == NULL)
		return;
	log_secret(ui);
	if ((colon = strchr(ui, ':')) != NULL)
		log_secret(colon + 1);
	free(ui);
}

/* Expands ${VAR} in val into out; "$${" gives a literal "${". 0 or -1. */
static int
expand(struct loader *L, const struct section *s, const struct kv_item *it,
    struct buf *out)
{
	const char	*p = it->val, *end, *v;
	char		 name[128];

	for (; *p; p++) {
		if (p[0] == '$' && p[1] == '$' && p[2] == '{') {
			buf_adds(out, "${");
			p += 2;
			continue;
		}
		if (p[0] != '$' || p[1] != '{') {
			buf_add(out, p, 1);
			continue;
		}
		end = strchr(p + 2, '}');
		if (end == NULL || end == p + 2 ||
		    (size_t)(end - p - 2) >= sizeof(name)) {
			lerror(L, it->line, "[%s] %s: malformed ${...}",
			    s->name, it->key);
			return -1;
		}
		memcpy(name, p + 2, (size_t)(end - p - 2));
		name[end - p - 2] = '\0';
		if ((v = plat_getenv(name)) == NULL) {
			lerror(L, it->line, "[%s] %s: environment variable %s "
			    "is not set", s->name, it->key, name);
			return -1;
		}
		if (is_source_key(s, it))
			log_secret(v);	/* a source's key, from the environment */
		buf_adds(out, v);
		p = end;
	}
	return 0;
}

/* Reads a secret file into out, trailing newlines trimmed; 0 or -1.
 * Messages name the path as written (it->val): what ${VAR} held stays out
 * of them ("token_file = ${TOKEN}", a slip for token, must not print it). */
static int
read_value_file(struct loader *L, const struct section *s,
    const struct kv_item *it, const char *path, struct buf *out)
{
	FILE	*fp;
	char	 chunk[4096];
	size_t	 n;
	int	 rc = 0;

	if ((fp = plat_fopen(path, "rb")) == NULL) {
		lerror(L, it->line, "[%s] %s: cannot read %s: %s", s->name,
		    it->key, it->val, strerror(errno));
		return -1;
	}
	out->max = SECRET_FILE_MAX;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (buf_add(out, chunk, n) == -1) {
			lerror(L, it->line, "[%s] %s: %s is larger than %d "
			    "bytes", s->name, it->key, it->val,
			    SECRET_FILE_MAX);
			rc = -1;
			break;
		}
	fclose(fp);
	while (rc == 0 && out->len > 0 &&
	    (out->data[out->len - 1] == '\n' || out->data[out->len - 1] == '\r'))
		out->data[--out->len] = '\0';
	if (rc == 0 && strlen(buf_str(out)) != out->len) {
		lerror(L, it->line, "[%s] %s: %s holds a NUL byte", s->name,
		    it->key, it->val);
		rc = -1;
	}
	return rc;
}

static int
in_list(const char *const *list, const char *key)
{
	for (; *list; list++)
		if (strcmp(*list, key) == 0)
			return 1;
	return 0;
}

/* Returns the provider key entry for key, or NULL. */
static const struct provider_key *
prov_key(const struct provider *p, const char *key)
{
	const struct provider_key *k;

	for (k = p ? p->keys : NULL; k && k->name; k++)
		if (strcmp(k->name, key) == 0)
			return k;
	return NULL;
}

static int
known_key(const char *const *common, const struct provider *p, const char *key)
{
	return in_list(common, key) || prov_key(p, key) != NULL;
}

/*
 * Resolves a section's raw keys into dst: ${VAR} expanded, K_file read
 * into K, unknown keys reported. *literal_secret is set when a secret is
 * written in the file itself.
 */
static void
resolve_section(struct loader *L, const struct section *s,
    const char *const *common, const struct provider *p, struct kv *dst,
    int *literal_secret)
{
	size_t			 i, kl;
	const struct kv_item	*it;
	const struct provider_key *pk;
	char			 base[128];
	struct buf		 val, file;

	for (i = 0; i < s->kv.n; i++) {
		it = &s->kv.items[i];
		buf_init(&val, 0);
		buf_init(&file, 0);
		kl = strlen(it->key);
		if (known_key(common, p, it->key)) {
			snprintf(base, sizeof(base), "%s", it->key);
		} else if (kl > 5 && kl - 5 < sizeof(base) &&
		    strcmp(it->key + kl - 5, "_file") == 0) {
			snprintf(base, sizeof(base), "%.*s", (int)(kl - 5),
			    it->key);
			if (!known_key(common, p, base)) {
				lerror(L, it->line, "[%s] %s: unknown key",
				    s->name, it->key);
				continue;
			}
			if (kv_find(&s->kv, base) != NULL) {
				lerror(L, it->line, "[%s] %s: both %s and %s "
				    "are set", s->name, it->key, base, it->key);
				continue;
			}
		} else {
			lerror(L, it->line, "[%s] %s: unknown key", s->name,
			    it->key);
			continue;
		}
		if (expand(L, s, it, &val) == 0) {
			if (strcmp(base, it->key) != 0) {
				if (read_value_file(L, s, it, buf_str(&val),
				    &file) == 0 && kv_set(dst, base,
				    buf_str(&file)) == 0)
					kv_find(dst, base)->line = it->line;
			} else if (kv_set(dst, base, buf_str(&val)) == 0) {
				kv_find(dst, base)->line = it->line;
			}
			pk = prov_key(p, base);
			if (pk && (pk->flags & PKEY_SECRET)) {
				log_secret(kv_get(dst, base));
				if (strcmp(base, it->key) == 0 &&
				    strstr(it->val, "${") == NULL)
					*literal_secret = 1;
			}
		}
		buf_free(&val);
		buf_free(&file);
	}
}

/* Parses yes/no; 0 or 1, or -1 when neither. */
static int
parse_bool(const char *v)
{
	static const char *const yes[] = { "yes", "true", "on", "1", NULL };
	static const char *const no[] = { "no", "false", "off", "0", NULL };
	size_t i;

	for (i = 0; yes[i]; i++)
		if (strcasecmp(v, yes[i]) == 0)
			return 1;
	for (i = 0; no[i]; i++)
		if (strcasecmp(v, no[i]) == 0)
			return 0;
	return -1;
}

/* Parses a whole decimal number in [lo, hi]; 0 or -1. */
static int
parse_long(const char *v, long lo, long hi, long *out)
{
	char	*end;
	long	 n;

	if (!isdigit((unsigned char)*v))
		return -1;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end != '\0' || n < lo || n > hi)
		return -1;
	*out = n;
	return 0;
}

/* Parses "N", "Ns", "Nm", "Nh" or "Nd" as seconds; 0 or -1. */
static int
parse_duration(const char *v, long *out)
{
	char	 num[32];
	size_t	 len = strlen(v);
	long	 n, mul = 1;

	if (len == 0 || len >= sizeof(num))
		return -1;
	memcpy(num, v, len + 1);
	switch (num[len - 1]) {
	case 's': mul = 1; num[len - 1] = '\0'; break;
	case 'm': mul = 60; num[len - 1] = '\0'; break;
	case 'h': mul = 3600; num[len - 1] = '\0'; break;
	case 'd': mul = 86400; num[len - 1] = '\0'; break;
	default: break;
	}
	if (parse_long(num, 0, 365L * 86400 / mul, &n) == -1)
		return -1;
	*out = n * mul;
	return 0;
}

/* Splits v on whitespace into a malloc'd vector; returns the count. */
static size_t
split_words(const char *v, char ***out)
{
	char		**w = NULL, **nw;
	size_t		  n = 0, len;
	const char	 *p = v;

	*out = NULL;
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		len = strcspn(p, " \t\r\n");
		if ((nw = realloc(w, (n + 2) * sizeof(*w))) == NULL)
			break;
		w = nw;
		if ((w[n] = xstrndup(p, len)) == NULL)
			break;
		w[++n] = NULL;
		p += len;
	}
	*out = w;
	return n;
}

static void
free_words(char **w)
{
	size_t i;

	for (i = 0; w && w[i]; i++)
		free(w[i]);
	free(w);
}

/* Checks an address source; returns NULL when fine, else why not. */
static const char *
bad_source(const char *s)
{
	if (strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0)
		return s[strcspn(s, ":") + 3] ? NULL : "URL has no host";
	if (strncmp(s, "iface:", 6) == 0)
		return s[6] ? NULL : "iface: needs an interface name";
	if (strncmp(s, "cmd:", 4) == 0)
		return s[4] ? NULL : "cmd: needs a command";
	return "not a source (https://..., http://..., iface:NAME, "
	    "cmd:COMMAND or off)";
}

/* Fills a family's sources from its key (or the default list). */
static void
set_sources(struct loader *L, const struct kv *g, const char *key,
    const char *def, struct sources *out)
{
	const struct kv_item	*it = kv_find(g, key);
	const char		*v = it ? it->val : def, *why;
	size_t			 i;

	out->line = it ? it->line : 0;
	if (strcasecmp(v, "off") == 0 || strcasecmp(v, "no") == 0)
		return;
	if (strncmp(v, "cmd:", 4) == 0) {	/* a command keeps its spaces */
		out->src = calloc(2, sizeof(*out->src));
		if (out->src && (out->src[0] = xstrdup(v)) != NULL)
			out->n = 1;
		if ((why = bad_source(v)) != NULL)
			lerror(L, out->line, "[general] %s: %s: %s", key, v, why);
		return;
	}
	out->n = split_words(v, &out->src);
	for (i = 0; i < out->n; i++)
		hide_userinfo(out->src[i]);
	if (out->n == 0)
		lerror(L, out->line, "[general] %s: no source given (use off "
		    "to disable)", key);
	for (i = 0; i < out->n; i++)
		if ((why = bad_source(out->src[i])) != NULL)
			lerror(L, out->line, "[general] %s: %s: %s", key,
			    out->src[i], why);
}

#define DEFAULT_IPV4 "https://api.ipify.org https://1.1.1.1/cdn-cgi/trace"
#define DEFAULT_IPV6 "https://api6.ipify.org " \
	"https://[2606:4700:4700::1111]/cdn-cgi/trace"

/* Turns the [general] section into c's fields. */
static void
load_general(struct loader *L, struct config *c, const struct kv *g)
{
	const struct kv_item	*it;
	long			 n;
	int			 b;

	c->timeout_ms = 10000;
	if ((it = kv_find(g, "timeout")) != NULL) {
		if (parse_long(it->val, 1, 300, &n) == -1)
			lerror(L, it->line, "[general] timeout: \"%s\" is not "
			    "a number of seconds from 1 to 300", it->val);
		else
			c->timeout_ms = n * 1000;
	}
	if ((it = kv_find(g, "state_file")) != NULL) {
		c->state_file = xstrdup(it->val);
		if (*it->val == '\0')
			lerror(L, it->line, "[general] state_file: empty (leave "
			    "it out for the default)");
	} else
		c->state_file = plat_default_state();
	if ((it = kv_find(g, "ca_file")) != NULL) {
		c->ca_file = xstrdup(it->val);
		if (!plat_is_file(it->val))
			lerror(L, it->line, "[general] ca_file: %s: no such "
			    "file", it->val);
	}
	if ((it = kv_find(g, "allow_private")) != NULL) {
		if ((b = parse_bool(it->val)) == -1)
			lerror(L, it->line, "[general] allow_private: \"%s\" is "
			    "not yes or no", it->val);
		c->allow_private = b == 1;
	}
	c->refresh = 86400;
	if ((it = kv_find(g, "refresh")) != NULL &&
	    parse_duration(it->val, &c->refresh) == -1)
		lerror(L, it->line, "[general] refresh: \"%s\" is not a "
		    "duration (like 0, 12h or 7d)", it->val);
	set_sources(L, g, "ipv4", DEFAULT_IPV4, &c->v4);
	set_sources(L, g, "ipv6", DEFAULT_IPV6, &c->v6);
}

/* The state file's "[label AAAA name]" lines are read by inih, at most 198
 * bytes a line: label and record name together may have this many. */
#define REC_KEY_MAX	190

/* Checks a record name: LDH labels (and '_', a leading "*."), at most 253
 * bytes; returns it lower-cased without a final dot (malloc'd), or NULL. */
static char *
norm_record(const char *name)
{
	size_t	 len = strlen(name), i, lab = 0;
	char	*n;

	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0 || len > 253 || (n = xstrndup(name, len)) == NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)n[i];

		n[i] = (char)tolower(ch);
		if (ch == '.') {
			if (lab == 0 || n[i - 1] == '-')
				break;
			lab = 0;
		} else if (ch == '*' && i == 0 && len > 1 && n[1] == '.') {
			lab++;
		} else if (isalnum(ch) || ch == '_' || (ch == '-' && lab > 0)) {
			if (++lab > 63)
				break;
		} else {
			break;
		}
	}
	if (i < len || n[len - 1] == '-' || n[len - 1] == '.' ||
	    strchr(n, '.') == NULL) {
		free(n);
		return NULL;
	}
	return n;
}

/* Parses "A", "AAAA" or both into FAM_ bits; 0 when invalid. */
static unsigned
parse_types(const char *v)
{
	char		**w;
	size_t		  i, n = split_words(v, &w);
	unsigned	  f = 0;

	for (i = 0; i < n; i++) {
		if (strcasecmp(w[i], "A") == 0 && !(f & FAM_V4))
			f |= FAM_V4;
		else if (strcasecmp(w[i], "AAAA") == 0 && !(f & FAM_V6))
			f |= FAM_V6;
		else {
			f = 0;
			break;
		}
	}
	free_words(w);
	return f;
}

/* Checks the keys every account has. */
static void
load_account_common(struct loader *L, const struct config *c,
    struct account *a)
{
	const struct kv_item	*it;
	size_t			 i;
	char			**w;
	int			 b;

	if ((it = kv_find(&a->keys, "records")) == NULL)
		acct_error(a, "records", "missing (the names to update)");
	else {
		a->nrecords = split_words(it->val, &w);
		a->records = w;
		for (i = 0; i < a->nrecords; i++) {
			char *n = norm_record(w[i]);

			if (n == NULL)
				acct_error(a, "records", "\"%s\" is not a valid "
				    "DNS name", w[i]);
			else if (strlen(a->label) + strlen(n) > REC_KEY_MAX)
				acct_error(a, "records", "\"%.40s...\": the "
				    "section name and a record name may have "
				    "%d characters together at most (the state "
				    "file keeps them on one line)", n,
				    REC_KEY_MAX);
			if (n != NULL) {
				free(w[i]);
				w[i] = n;
			}
		}
		if (a->nrecords == 0)
			acct_error(a, "records", "empty");
	}
	a->fams = FAM_V4;
	if ((it = kv_find(&a->keys, "type")) != NULL &&
	    (a->fams = parse_types(it->val)) == 0)
		acct_error(a, "type", "\"%s\" is not A, AAAA or \"A AAAA\"",
		    it->val);
	if ((a->fams & FAM_V4) && c->v4.n == 0)
		acct_error(a, "type", "A records need IPv4, but [general] ipv4 "
		    "is off");
	if ((a->fams & FAM_V6) && c->v6.n == 0)
		acct_error(a, "type", "AAAA records need IPv6, but [general] "
		    "ipv6 is off");
	a->ttl = -1;
	if ((it = kv_find(&a->keys, "ttl")) != NULL &&
	    parse_long(it->val, 1, 604800, &a->ttl) == -1)
		acct_error(a, "ttl", "\"%s\" is not a number of seconds from 1 "
		    "to 604800", it->val);
	if ((it = kv_find(&a->keys, "insecure_http")) != NULL) {
		if ((b = parse_bool(it->val)) == -1)
			acct_error(a, "insecure_http", "\"%s\" is not yes or no",
			    it->val);
		a->insecure_http = b == 1;
	}
	if ((it = kv_find(&a->keys, "endpoint")) != NULL) {
		a->endpoint = it->val;
		if (strncmp(it->val, "http://", 7) == 0 && !a->insecure_http)
			acct_error(a, "endpoint", "plain http:// would send "
			    "credentials unencrypted (set insecure_http = yes "
			    "only for local tests)");
		else if (strncmp(it->val, "https://", 8) != 0 &&
		    strncmp(it->val, "http://", 7) != 0)
			acct_error(a, "endpoint", "is not an https:// URL");
	}
	(void)L;
}

/* Returns 1 when key (or key_file) was written in section s, even if its
 * value could not be resolved (that was reported already). */
static int
given(const struct section *s, const char *key)
{
	char kf[160];

	snprintf(kf, sizeof(kf), "%s_file", key);
	return kv_find(&s->kv, key) != NULL || kv_find(&s->kv, kf) != NULL;
}

/* Turns one provider section into an account. */
static void
load_account(struct loader *L, struct config *c, const struct section *s,
    int *literal_secret)
{
	struct account			*a = &c->accts[c->naccts++];
	const struct kv_item		*pv = kv_find(&s->kv, "provider");
	const struct provider_key	*k;
	int				 before = L->errors;
	int				 abefore = acct_errors;
	struct buf			 name = BUF_INIT(0);

	a->label = xstrdup(s->name);
	a->file = L->path;
	a->line = s->line;
	if (pv == NULL) {
		lerror(L, s->line, "[%s]: no provider = ... in this section",
		    s->name);
		return;
	}
	if (expand(L, s, pv, &name) == -1) {
		buf_free(&name);
		return;
	}
	a->prov = provider_find(buf_str(&name));
	if (a->prov == NULL)
		lerror(L, pv->line, "[%s] provider: unknown provider \"%s\"",
		    s->name, buf_str(&name));
	buf_free(&name);
	if (a->prov == NULL)
		return;
	resolve_section(L, s, account_keys, a->prov, &a->keys, literal_secret);
	load_account_common(L, c, a);
	for (k = a->prov->keys; k->name; k++)
		if ((k->flags & PKEY_REQUIRED) && kv_get(&a->keys, k->name) &&
		    *kv_get(&a->keys, k->name) == '\0')
			acct_error(a, k->name, "empty (required by provider %s)",
			    a->prov->name);
		else if ((k->flags & PKEY_REQUIRED) && !given(s, k->name))
			acct_error(a, k->name, "missing (required by provider "
			    "%s)", a->prov->name);
	if (L->errors == before && acct_errors == abefore && a->prov->check &&
	    a->prov->check(a) == -1)
		L->errors++;
	c->fams_used |= a->fams;
}

/* Checks a [notify] template's placeholders. */
static void
check_template(struct loader *L, const struct kv *raw, const char *key,
    const char *val)
{
	struct kv	 vars = KV_INIT;
	const char	*bad;

	if (val && notify_vars(&vars, NULL, 0, NULL, NULL) == 0 &&
	    tmpl_check(val, &vars, &bad) == -1 && bad)
		lerror(L, kv_find(raw, key)->line, "[notify] %s: unknown "
		    "placeholder {%s} (known: account changes failures ip ipv4 "
		    "ipv6 name new_ip old_ip provider status type)", key, bad);
	kv_free(&vars);
}

/* Turns the [notify] section into c->notify. */
static void
load_notify(struct loader *L, struct config *c, const struct section *s)
{
	struct kv		 kv = KV_INIT;
	struct notify		*nt = &c->notify;
	const struct kv_item	*it;
	int			 lit = 0, insecure = 0;

	resolve_section(L, s, notify_keys, NULL, &kv, &lit);
	nt->url = xstrdup(kv_get(&kv, "url"));
	nt->method = xstrdup(kv_get(&kv, "method"));
	nt->headers = xstrdup(kv_get(&kv, "headers"));
	nt->body = xstrdup(kv_get(&kv, "body"));
	nt->command = xstrdup(kv_get(&kv, "command"));
	nt->on = NOTIFY_CHANGE;
	if ((it = kv_find(&kv, "insecure_http")) != NULL &&
	    (insecure = parse_bool(it->val)) == -1)
		lerror(L, it->line, "[notify] insecure_http: \"%s\" is not yes "
		    "or no", it->val);
	if ((it = kv_find(&kv, "on")) != NULL) {
		if (strcmp(it->val, "change") == 0)
			nt->on = NOTIFY_CHANGE;
		else if (strcmp(it->val, "failure") == 0)
			nt->on = NOTIFY_FAILURE;
		else if (strcmp(it->val, "both") == 0)
			nt->on = NOTIFY_CHANGE | NOTIFY_FAILURE;
		else
			lerror(L, it->line, "[notify] on: \"%s\" is not change, "
			    "failure or both", it->val);
	}
	if ((it = kv_find(&kv, "method")) != NULL && strcmp(it->val, "GET") &&
	    strcmp(it->val, "POST") && strcmp(it->val, "PUT") &&
	    strcmp(it->val, "PATCH"))
		lerror(L, it->line, "[notify] method: \"%s\" is not GET, POST, "
		    "PUT or PATCH", it->val);
	if ((it = kv_find(&kv, "url")) != NULL) {
		if (strncmp(it->val, "https://", 8) != 0 &&
		    !(insecure == 1 && strncmp(it->val, "http://", 7) == 0))
			lerror(L, it->line, "[notify] url: must be https:// "
			    "(http:// only with insecure_http = yes)");
		log_secret(it->val);	/* webhook URLs are bearer secrets */
	}
	if (nt->headers)
		log_secret(nt->headers);
	if (nt->url == NULL && nt->command == NULL)
		lerror(L, s->line, "[notify]: needs url or command");
	check_template(L, &kv, "url", nt->url);
	check_template(L, &kv, "body", nt->body);
	check_template(L, &kv, "headers", nt->headers);
	kv_free(&kv);
}

/* Parses the file into raw sections; 0, or -1 when unreadable. */
static int
read_sections(struct loader *L)
{
	int rc;

	if ((L->fp = plat_fopen(L->path, "rb")) == NULL) {
		log_err("%s: cannot read config: %s", L->path, strerror(errno));
		return -1;
	}
	rc = ini_parse_stream(read_line, L, handle_kv, L);
	fclose(L->fp);
	if (rc > 0)
		lerror(L, rc, "syntax error (expected [section] or key = "
		    "value)");
	else if (rc < 0)
		lerror(L, 0, "out of memory");
	return 0;
}

/* Builds c from the raw sections. */
static void
build_config(struct loader *L, struct config *c)
{
	struct kv	 general = KV_INIT;
	struct section	*g = find_section(L, "general");
	size_t		 i;
	int		 literal_secret = 0;

	if (g)
		resolve_section(L, g, general_keys, NULL, &general,
		    &literal_secret);
	load_general(L, c, &general);
	kv_free(&general);
	c->accts = calloc(L->nsec ? L->nsec : 1, sizeof(*c->accts));
	if (c->accts == NULL)
		return;
	for (i = 0; i < L->nsec; i++)
		if (strcmp(L->sec[i].name, "notify") == 0)
			load_notify(L, c, &L->sec[i]);
		else if (strcmp(L->sec[i].name, "general") != 0)
			load_account(L, c, &L->sec[i], &literal_secret);
	if (c->naccts == 0)
		lerror(L, L->lineno, "no provider section (like [home] with "
		    "provider = cloudflare)");
	if (literal_secret && plat_others_can_read(L->path) == 1)
		log_warn("%s holds a secret but other users can read it; "
		    "restrict it to its owner (chmod 600 on POSIX, see "
		    "docs/platforms.md on Windows)", L->path);
}

int
config_load(struct config *c, const char *path)
{
	struct loader	*L;
	size_t		 i;
	int		 rc = 0;

	memset(c, 0, sizeof(*c));
	if ((c->path = xstrdup(path)) == NULL ||
	    (L = calloc(1, sizeof(*L))) == NULL)
		return -1;
	L->path = c->path;
	acct_errors = 0;
	if (read_sections(L) == -1)
		rc = -1;
	else {
		build_config(L, c);
		rc = L->errors || acct_errors ? -1 : 0;
	}
	for (i = 0; i < L->nsec; i++) {
		free(L->sec[i].name);
		kv_free(&L->sec[i].kv);
	}
	free(L);
	return rc;
}

void
config_free(struct config *c)
{
	size_t i;

	for (i = 0; i < c->naccts; i++) {
		free(c->accts[i].label);
		kv_free(&c->accts[i].keys);
		free_words(c->accts[i].records);
	}
	free(c->accts);
	free(c->notify.url);
	free(c->notify.method);
	free(c->notify.headers);
	free(c->notify.body);
	free(c->notify.command);
	free_words(c->v4.src);
	free_words(c->v6.src);
	free(c->path);
	free(c->state_file);
	free(c->ca_file);
	memset(c, 0, sizeof(*c));
}

const char *
acct_get(const struct account *a, const char *key)
{
	return kv_get(&a->keys, key);
}

void
acct_error(const struct account *a, const char *key, const char *fmt, ...)
{
	const struct kv_item	*it = kv_find(&a->keys, key);
	char			 msg[1024];
	va_list			 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	acct_errors++;
	log_err("%s:%d: [%s] %s: %s", a->file, it ? it->line : a->line,
	    a->label, key, msg);
}
