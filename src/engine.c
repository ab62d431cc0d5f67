/*
 * engine.c - one run: detect -> diff against state -> providers -> state.
 *
 * The state is read under an exclusive lock (so overlapping runs are
 * serialised), compared with the detected addresses, and only records that
 * differ (or are due for re-verification) reach their provider. Before a
 * provider is asked to change records, the state file forgets their
 * addresses (so a run killed mid-update leaves records the next run checks,
 * never ones it wrongly believes); a record's address is written back only
 * after its provider confirmed it, and the file is replaced atomically.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "config.h"
#include "detect.h"
#include "engine.h"
#include "http.h"
#include "kv.h"
#include "log.h"
#include "notify.h"
#include "platform.h"
#include "provider.h"
#include "state.h"

#define BACKOFF_KEY	"retry_not_before"
#define BACKOFF_MAX	86400

struct run {
	const struct config	*c;
	const struct run_opts	*o;
	struct state		 st;
	struct http		*http;
	struct detected		 d;
	long long		 now;
	int			 dirty;		/* state must be written */
	int			 failed;	/* records not up to date */
	int			 changed;	/* records changed */
	struct notify_event	*ev;		/* what to tell [notify] */
	size_t			 nev, capev;
};

/* Remembers a change or failure for the notifications. */
static void
note_event(struct run *r, const struct account *a, const char *name, int fam,
    const char *old, const char *addr, const char *why)
{
	struct notify_event *e;

	if (r->nev == r->capev)
		return;
	e = &r->ev[r->nev++];
	e->acct = a->label;
	e->provider = a->prov->name;
	e->name = name;
	e->fam = fam;
	snprintf(e->old, sizeof(e->old), "%s", old ? old : "");
	snprintf(e->addr, sizeof(e->addr), "%s", addr ? addr : "");
	e->why = why;
}

static const char *
type_name(int fam)
{
	return fam == 6 ? "AAAA" : "A";
}

/* Returns the detected address for fam, or NULL. */
static const char *
wanted(const struct run *r, int fam)
{
	if (fam == 4)
		return r->d.ok4 ? r->d.v4 : NULL;
	return r->d.ok6 ? r->d.v6 : NULL;
}

/* Decides whether one record needs its provider; fills ch when it does.
 * Returns 1 for a change, 0 when nothing is to be done. */
static int
diff_record(struct run *r, const struct account *a, const char *name, int fam,
    struct change *ch)
{
	const char		*addr = wanted(r, fam);
	struct state_rec	*sr = state_find(&r->st, a->label, name, fam);

	if (addr == NULL) {
		log_err("[%s] %s %s: not updated: no IPv%d address", a->label,
		    name, type_name(fam), fam);
		note_event(r, a, name, fam, NULL, NULL, "no address");
		r->failed++;
		return 0;
	}
	memset(ch, 0, sizeof(*ch));
	ch->name = name;
	ch->fam = fam;
	ch->addr = addr;
	ch->old = sr ? sr->addr : NULL;
	if (sr && sr->addr && strcmp(sr->addr, addr) == 0 && !r->o->force) {
		long every = r->c->refresh;

		if (every > 0 && every < a->prov->min_refresh)
			every = a->prov->min_refresh;
		if (every == 0 || r->now - sr->updated < every) {
			log_info("%s %s: up to date (%s)", name, type_name(fam),
			    addr);
			return 0;
		}
		ch->verify = 1;
	}
	return 1;
}

/* Prints what a dry run would do, on stdout. */
static void
dry_print(const struct account *a, const struct change *ch, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (ch[i].verify)
			printf("[%s] %s %s: would verify %s with %s\n", a->label,
			    ch[i].name, type_name(ch[i].fam), ch[i].addr,
			    a->prov->name);
		else if (ch[i].old)
			printf("[%s] %s %s: would update %s -> %s\n", a->label,
			    ch[i].name, type_name(ch[i].fam), ch[i].old,
			    ch[i].addr);
		else
			printf("[%s] %s %s: would create or update to %s\n",
			    a->label, ch[i].name, type_name(ch[i].fam),
			    ch[i].addr);
	}
}

/*
 * Before the provider may change the records in ch: their addresses leave
 * the state file, so a run killed between the provider's change and the
 * final save cannot leave the state claiming the old address (which the
 * next run would trust if the address came back to it). Each forgotten
 * address moves to held[i], where ch[i].old still points.
 */
static void
forget_ahead(struct run *r, const struct account *a, struct change *ch,
    size_t n, char **held)
{
	struct state_rec	*sr;
	size_t			 i, k = 0;
	char			 err[512];

	for (i = 0; i < n; i++) {
		if (ch[i].verify || (sr = state_find(&r->st, a->label,
		    ch[i].name, ch[i].fam)) == NULL || sr->addr == NULL)
			continue;
		held[i] = sr->addr;
		sr->addr = NULL;
		k++;
	}
	if (k == 0)
		return;
	r->dirty = 1;
	/* A failure here is the final save's failure too, reported there;
	 * the update itself still goes ahead. */
	if (state_save(&r->st, r->c->state_file, err, sizeof(err)) == -1)
		log_debug("%s", err);
}

/* Records the provider's answer for one change in the state; held is the
 * address forget_ahead took from its record, or NULL. */
static void
settle(struct run *r, const struct account *a, struct change *ch, char *held)
{
	struct state_rec *sr;

	if (ch->out != OUT_OK) {
		log_err("[%s] %s %s: not updated (%s); the next run retries",
		    a->label, ch->name, type_name(ch->fam),
		    outcome_str(ch->out));
		note_event(r, a, ch->name, ch->fam, ch->old, ch->addr,
		    outcome_str(ch->out));
		r->failed++;
		/* Server or network trouble: the update may have been carried
		 * out with its reply lost, so the old address stays forgotten
		 * (found by the soak test). Any other answer is a refusal: the
		 * record still holds the old one. */
		if (ch->out != OUT_RETRY && held != NULL &&
		    (sr = state_find(&r->st, a->label, ch->name, ch->fam)) &&
		    sr->addr == NULL)
			sr->addr = xstrdup(held);
		return;
	}
	if ((sr = state_get(&r->st, a->label, ch->name, ch->fam)) == NULL) {
		r->failed++;
		return;
	}
	if (ch->verify)
		log_info("%s %s: verified %s", ch->name, type_name(ch->fam),
		    ch->addr);
	else if (ch->old)
		log_info("%s %s: updated %s -> %s", ch->name,
		    type_name(ch->fam), ch->old, ch->addr);
	else
		log_info("%s %s: set to %s", ch->name, type_name(ch->fam),
		    ch->addr);
	if (!ch->verify)
		note_event(r, a, ch->name, ch->fam, ch->old, ch->addr, NULL);
	free(sr->addr);
	sr->addr = xstrdup(ch->addr);
	sr->updated = r->now;
	kv_free(&sr->ids);
	sr->ids = *ch->ids;
	memset(ch->ids, 0, sizeof(*ch->ids));
	r->dirty = 1;
	r->changed += !ch->verify;
}

/* Returns 1 when the account must wait for a provider's back-off. */
static int
backing_off(struct run *r, const struct account *a, struct kv *cache)
{
	const char	*v = kv_get(cache, BACKOFF_KEY);
	long long	 until = v ? strtoll(v, NULL, 10) : 0;

	if (until <= r->now || r->o->force)
		return 0;
	log_err("[%s] %s asked us to wait; not calling it again for %lld s "
	    "(--force overrides)", a->label, a->prov->name, until - r->now);
	return 1;
}

/* Remembers the longest back-off any change of the account was given. */
static void
note_backoff(struct run *r, struct kv *cache, const struct change *ch,
    size_t n)
{
	long	 wait = 0;
	size_t	 i;
	char	 v[32];

	for (i = 0; i < n; i++)
		if (ch[i].out != OUT_OK && ch[i].retry_after > wait)
			wait = ch[i].retry_after;
	if (wait == 0 && kv_get(cache, BACKOFF_KEY) == NULL)
		return;
	if (wait > BACKOFF_MAX)
		wait = BACKOFF_MAX;
	snprintf(v, sizeof(v), "%lld", r->now + wait);
	kv_set(cache, BACKOFF_KEY, wait ? v : NULL);
	r->dirty = 1;
}

/* Diffs one account and, unless dry, hands its changes to the provider. */
static void
run_account(struct run *r, const struct account *a)
{
	size_t		 max = a->nrecords * 2, n = 0, i;
	struct change	*ch = calloc(max ? max : 1, sizeof(*ch));
	struct kv	*ids = calloc(max ? max : 1, sizeof(*ids));
	char		**held = calloc(max ? max : 1, sizeof(*held));
	struct kv	*cache = state_acct(&r->st, a->label);
	struct pctx	 ctx = { a, r->http, cache, r->now, wanted(r, 4),
			    wanted(r, 6) };
	int		 fam;

	if (ch == NULL || ids == NULL || held == NULL || cache == NULL) {
		log_err("[%s]: out of memory", a->label);
		r->failed += (int)max;
		free(ch);
		free(ids);
		free(held);
		return;
	}
	for (i = 0; i < a->nrecords; i++)
		for (fam = 4; fam <= 6; fam += 2)
			if ((a->fams & (fam == 4 ? FAM_V4 : FAM_V6)) &&
			    diff_record(r, a, a->records[i], fam, &ch[n]))
				n++;
	if (n > 0 && r->o->dry_run)
		dry_print(a, ch, n);
	else if (n > 0 && backing_off(r, a, cache))
		r->failed += (int)n;
	else if (n > 0) {
		for (i = 0; i < n; i++) {
			struct state_rec *sr = state_find(&r->st, a->label,
			    ch[i].name, ch[i].fam);

			ch[i].ids = &ids[i];
			for (size_t k = 0; sr && k < sr->ids.n; k++)
				kv_set(&ids[i], sr->ids.items[k].key,
				    sr->ids.items[k].val);
		}
		forget_ahead(r, a, ch, n, held);
		a->prov->update(&ctx, ch, n);
		for (i = 0; i < n; i++)
			settle(r, a, &ch[i], held[i]);
		note_backoff(r, cache, ch, n);
	}
	for (i = 0; i < max; i++) {
		kv_free(&ids[i]);
		free(held[i]);
	}
	free(ids);
	free(held);
	free(ch);
}

/* state_prune callback: keeps what the config still names. */
static int
configured(const char *label, const char *name, int fam, void *arg)
{
	const struct config	*c = arg;
	size_t			 i, k;

	for (i = 0; i < c->naccts; i++) {
		const struct account *a = &c->accts[i];

		if (strcmp(a->label, label) != 0)
			continue;
		if (name == NULL)
			return 1;
		if (!(a->fams & (fam == 4 ? FAM_V4 : FAM_V6)))
			return 0;
		for (k = 0; k < a->nrecords; k++)
			if (strcmp(a->records[k], name) == 0)
				return 1;
	}
	return 0;
}

/* Returns a malloc'd "STATE_FILE.lock" path, creating its directory. */
static char *
lock_path(const char *state_file)
{
	struct buf	 b = BUF_INIT(0);
	const char	*slash = strrchr(state_file, '/'), *bs;
	char		 err[256];

	bs = strrchr(state_file, '\\');
	if (bs && (!slash || bs > slash))
		slash = bs;
	if (slash && slash != state_file) {
		char *dir = xstrndup(state_file, (size_t)(slash - state_file));

		if (dir && plat_mkdirs(dir, err, sizeof(err)) == -1)
			log_warn("%s", err);
		free(dir);
	}
	buf_printf(&b, "%s.lock", state_file);
	return buf_detach(&b);
}

/* Takes the run lock; returns it, or NULL (reported) when not possible. */
static struct plat_lock *
take_lock(const struct config *c)
{
	struct plat_lock	*lk = NULL;
	char			*path = lock_path(c->state_file), err[256];
	int			 wait = (int)(c->timeout_ms * 3 + 5000), rc;

	if (path == NULL)
		return NULL;
	rc = plat_lock(path, wait, &lk, err, sizeof(err));
	if (rc == 1)
		log_err("another ddns-update run still holds %s after %d s; "
		    "giving up (the next run retries)", path, wait / 1000);
	else if (rc == -1)
		log_err("%s", err);
	free(path);
	return rc == 0 ? lk : NULL;
}

/* Returns the address every configured record of family fam was last
 * set to, or NULL when one has none or they differ. */
static const char *
published_addr(struct run *r, int fam)
{
	const struct config	*c = r->c;
	const struct state_rec	*sr;
	const char		*addr = NULL;
	size_t			 i, k;

	for (i = 0; i < c->naccts; i++) {
		if (!(c->accts[i].fams & (fam == 6 ? FAM_V6 : FAM_V4)))
			continue;
		for (k = 0; k < c->accts[i].nrecords; k++) {
			sr = state_find(&r->st, c->accts[i].label,
			    c->accts[i].records[k], fam);
			if (sr == NULL || sr->addr == NULL ||
			    (addr != NULL && strcmp(addr, sr->addr) != 0))
				return NULL;
			addr = sr->addr;
		}
	}
	return addr;
}

/* Sets in p, per family, the address every record of it was last set to:
 * a detected address equal to it changes nothing. */
static void
published(struct run *r, struct detected *p)
{
	const char	*a4 = published_addr(r, 4), *a6 = published_addr(r, 6);

	memset(p, 0, sizeof(*p));
	p->ok4 = a4 != NULL && strlen(a4) < sizeof(p->v4);
	p->ok6 = a6 != NULL && strlen(a6) < sizeof(p->v6);
	if (p->ok4)
		memcpy(p->v4, a4, strlen(a4) + 1);
	if (p->ok6)
		memcpy(p->v6, a6, strlen(a6) + 1);
}

/* Runs every account, then writes the state when anything changed. */
static int
run_all(struct run *r)
{
	struct detected	 pub;
	char		 err[512];
	size_t		 i;

	for (i = 0; i < r->c->naccts; i++)
		r->capev += r->c->accts[i].nrecords * 2;
	if ((r->ev = calloc(r->capev ? r->capev : 1, sizeof(*r->ev))) == NULL)
		r->capev = 0;
	if (state_load(&r->st, r->c->state_file) == -1)
		r->dirty = 1;
	published(r, &pub);
	detect_addresses(r->c, r->c->fams_used, r->http, &pub, &r->d);
	for (i = 0; i < r->c->naccts; i++)
		run_account(r, &r->c->accts[i]);
	if (r->o->dry_run)
		return r->failed ? EXIT_RUNTIME : EXIT_UPTODATE;
	state_prune(&r->st, configured, (void *)r->c);
	if (r->dirty && state_save(&r->st, r->c->state_file, err,
	    sizeof(err)) == -1) {
		log_err("%s; the state was not saved (the next run re-checks)",
		    err);
		return EXIT_RUNTIME;
	}
	if (r->failed)
		log_err("%d record%s not up to date", r->failed,
		    r->failed == 1 ? "" : "s");
	notify_send(r->c, r->http, r->ev, r->nev, r->d.ok4 ? r->d.v4 : NULL,
	    r->d.ok6 ? r->d.v6 : NULL);
	return r->failed ? EXIT_RUNTIME : EXIT_UPTODATE;
}

int
engine_run(const struct config *c, const struct run_opts *o)
{
	struct run		 r;
	struct http_opts	 ho = { c->timeout_ms, c->ca_file, NULL };
	struct plat_lock	*lk = NULL;
	int			 rc;

	memset(&r, 0, sizeof(r));
	r.c = c;
	r.o = o;
	r.now = (long long)time(NULL);
	if (!o->dry_run && (lk = take_lock(c)) == NULL)
		return EXIT_RUNTIME;
	if ((r.http = http_new(&ho)) == NULL) {
		log_err("out of memory");
		plat_unlock(lk);
		return EXIT_RUNTIME;
	}
	rc = run_all(&r);
	free(r.ev);
	http_free(r.http);
	state_free(&r.st);
	plat_unlock(lk);
	return rc;
}
