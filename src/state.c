/*
 * state.c - the state file: what has been published (see state.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ini.h>

#include "addr.h"
#include "buf.h"
#include "kv.h"
#include "log.h"
#include "platform.h"
#include "state.h"

#define STATE_MAX_BYTES	(4u << 20)

struct state_rec *
state_find(struct state *s, const char *acct, const char *name, int fam)
{
	size_t i;

	for (i = 0; i < s->nrecs; i++)
		if (s->recs[i].fam == fam && strcmp(s->recs[i].name, name) == 0
		    && strcmp(s->recs[i].acct, acct) == 0)
			return &s->recs[i];
	return NULL;
}

struct state_rec *
state_get(struct state *s, const char *acct, const char *name, int fam)
{
	struct state_rec	*r = state_find(s, acct, name, fam), *p;

	if (r != NULL)
		return r;
	if (s->nrecs == s->caprecs) {
		size_t ncap = s->caprecs ? s->caprecs * 2 : 8;

		if ((p = realloc(s->recs, ncap * sizeof(*p))) == NULL)
			return NULL;
		s->recs = p;
		s->caprecs = ncap;
	}
	r = &s->recs[s->nrecs];
	memset(r, 0, sizeof(*r));
	r->acct = xstrdup(acct);
	r->name = xstrdup(name);
	r->fam = fam;
	if (r->acct == NULL || r->name == NULL) {
		free(r->acct);
		free(r->name);
		return NULL;
	}
	s->nrecs++;
	return r;
}

struct kv *
state_acct(struct state *s, const char *label)
{
	struct state_acct	*a;
	size_t			 i;

	for (i = 0; i < s->naccts; i++)
		if (strcmp(s->accts[i].label, label) == 0)
			return &s->accts[i].kv;
	if (s->naccts == s->capaccts) {
		size_t ncap = s->capaccts ? s->capaccts * 2 : 4;

		if ((a = realloc(s->accts, ncap * sizeof(*a))) == NULL)
			return NULL;
		s->accts = a;
		s->capaccts = ncap;
	}
	a = &s->accts[s->naccts];
	memset(a, 0, sizeof(*a));
	if ((a->label = xstrdup(label)) == NULL)
		return NULL;
	s->naccts++;
	return &a->kv;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static long long
days_from_civil(long long y, unsigned m, unsigned d)
{
	long long	era;
	unsigned	yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

/* Parses "YYYY-MM-DDTHH:MM:SSZ"; epoch seconds, or 0 when malformed. */
static long long
parse_time(const char *v)
{
	unsigned	y, mo, d, h, mi, s;
	char		z;

	if (sscanf(v, "%4u-%2u-%2uT%2u:%2u:%2u%c", &y, &mo, &d, &h, &mi, &s,
	    &z) != 7 || z != 'Z' || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h > 23 || mi > 59 || s > 60 || y < 1970)
		return 0;
	return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

/* Formats epoch seconds as "YYYY-MM-DDTHH:MM:SSZ" into out (size 32). */
static void
format_time(long long t, char out[32])
{
	time_t		 tt = (time_t)t;
	struct tm	*tm = gmtime(&tt);

	if (tm == NULL || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", tm) == 0)
		snprintf(out, 32, "1970-01-01T00:00:00Z");
}

struct reader {
	struct state	*s;
	const char	*path;
};

/* Splits "label TYPE name" into its parts; 0, or -1 when not that shape. */
static int
split_record_section(const char *sec, char *label, size_t ll, int *fam,
    char *name, size_t nl)
{
	const char	*t = strchr(sec, ' '), *n;
	size_t		 tl;

	if (t == NULL || (size_t)(t - sec) >= ll || (n = strchr(t + 1, ' '))
	    == NULL || strlen(n + 1) >= nl || n[1] == '\0' ||
	    strchr(n + 1, ' ') != NULL)
		return -1;
	tl = (size_t)(n - t - 1);
	if (tl == 1 && t[1] == 'A')
		*fam = 4;
	else if (tl == 4 && strncmp(t + 1, "AAAA", 4) == 0)
		*fam = 6;
	else
		return -1;
	memcpy(label, sec, (size_t)(t - sec));
	label[t - sec] = '\0';
	strcpy(name, n + 1);
	return 0;
}

/* inih handler for the state file. */
static int
state_kv(void *arg, const char *sec, const char *key, const char *val)
{
	struct reader		*R = arg;
	struct state_rec	*r;
	char			 label[256], name[256], canon[ADDR_STRLEN];
	int			 fam;

	if (strchr(sec, ' ') == NULL) {
		struct kv *kv = state_acct(R->s, sec);

		return kv && kv_set(kv, key, val) == 0;
	}
	if (split_record_section(sec, label, sizeof(label), &fam, name,
	    sizeof(name)) == -1)
		return 0;
	if ((r = state_get(R->s, label, name, fam)) == NULL)
		return 0;
	if (strcmp(key, "address") == 0) {
		if (addr_canon(fam, val, canon) == -1) {
			log_warn("state file %s: [%s]: \"%s\" is not an address; "
			    "that record will be re-checked", R->path, sec, val);
			return 1;
		}
		free(r->addr);
		r->addr = xstrdup(canon);
	} else if (strcmp(key, "updated") == 0) {
		r->updated = parse_time(val);
	} else if (kv_set(&r->ids, key, val) == -1) {
		return 0;
	}
	return 1;
}

int
state_load(struct state *s, const char *path)
{
	struct reader	 R = { s, path };
	FILE		*fp;
	int		 rc;

	if ((fp = plat_fopen(path, "rb")) == NULL) {
		if (errno == ENOENT)
			return 0;
		log_warn("state file %s: cannot read: %s; every record will be "
		    "re-checked with its provider", path, strerror(errno));
		return -1;
	}
	rc = ini_parse_file(fp, state_kv, &R);
	fclose(fp);
	if (rc == 0)
		return 0;
	log_warn("state file %s:%d: not a valid state file; ignoring it "
	    "(every record will be re-checked with its provider)", path, rc);
	state_free(s);
	return -1;
}

void
state_prune(struct state *s, int (*keep)(const char *, const char *, int,
    void *), void *arg)
{
	size_t i = 0;

	while (i < s->nrecs) {
		struct state_rec *r = &s->recs[i];

		if (keep && keep(r->acct, r->name, r->fam, arg)) {
			i++;
			continue;
		}
		free(r->acct);
		free(r->name);
		free(r->addr);
		kv_free(&r->ids);
		memmove(r, r + 1, (s->nrecs - i - 1) * sizeof(*r));
		s->nrecs--;
	}
	i = 0;
	while (i < s->naccts) {
		struct state_acct *a = &s->accts[i];

		if (keep && keep(a->label, NULL, 0, arg)) {
			i++;
			continue;
		}
		free(a->label);
		kv_free(&a->kv);
		memmove(a, a + 1, (s->naccts - i - 1) * sizeof(*a));
		s->naccts--;
	}
}

/* Returns 1 when s can stand in an INI line as it is ('=' only in values;
 * no empty key: " = v" would be read as more of the previous value). */
static int
ini_safe(const char *s, int is_key)
{
	if (is_key && *s == '\0')
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == ';' || *s == '#' ||
		    *s == '[' || *s == ']' || (is_key && (*s == '=' || *s == ':')))
			return 0;
	return 1;
}

/* Appends "key = value" lines of kv to b (unsafe ones left out); 0 or -1. */
static int
format_kv(struct buf *b, const struct kv *kv)
{
	size_t	i;
	int	rc = 0;

	for (i = 0; i < kv->n; i++)
		if (ini_safe(kv->items[i].key, 1) &&
		    ini_safe(kv->items[i].val, 0) &&
		    *kv->items[i].val != '\0')
			rc |= buf_printf(b, "%s = %s\n", kv->items[i].key,
			    kv->items[i].val);
	return rc;
}

int
state_format(const struct state *s, struct buf *b)
{
	char	 when[32];
	size_t	 i;
	int	 rc;

	b->max = STATE_MAX_BYTES;
	rc = buf_adds(b, "; ddns-update state: what each record was last set to.\n"
	    "; Written by ddns-update after every change; deleting it makes the "
	    "next run\n; re-check every record with its provider.\n");
	for (i = 0; i < s->nrecs; i++) {
		const struct state_rec *r = &s->recs[i];

		if (r->addr == NULL)
			continue;
		format_time(r->updated, when);
		rc |= buf_printf(b, "\n[%s %s %s]\naddress = %s\nupdated = "
		    "%s\n", r->acct, r->fam == 6 ? "AAAA" : "A", r->name,
		    r->addr, when);
		rc |= format_kv(b, &r->ids);
	}
	for (i = 0; i < s->naccts; i++) {
		if (s->accts[i].kv.n == 0)
			continue;
		rc |= buf_printf(b, "\n[%s]\n", s->accts[i].label);
		rc |= format_kv(b, &s->accts[i].kv);
	}
	return rc ? -1 : 0;
}

int
state_save(const struct state *s, const char *path, char *err, size_t errlen)
{
	struct buf	b = BUF_INIT(0);
	int		rc, n;

	if (state_format(s, &b) == -1) {
		snprintf(err, errlen, "state file %s: too large or out of "
		    "memory", path);
		buf_free(&b);
		return -1;
	}
	n = plat_clean_temps(path);
	if (n > 0)
		log_info("removed %d temp file%s an interrupted run left "
		    "beside %s", n, n == 1 ? "" : "s", path);
	rc = plat_write_atomic(path, b.data, b.len, err, errlen);
	buf_free(&b);
	return rc;
}

void
state_free(struct state *s)
{
	state_prune(s, NULL, NULL);
	free(s->recs);
	free(s->accts);
	memset(s, 0, sizeof(*s));
}
