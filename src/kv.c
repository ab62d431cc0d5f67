/* kv.c - a small ordered list of key/value strings (see kv.h). */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "kv.h"

struct kv_item *
kv_find(const struct kv *kv, const char *key)
{
	size_t i;

	for (i = 0; i < kv->n; i++)
		if (strcmp(kv->items[i].key, key) == 0)
			return &kv->items[i];
	return NULL;
}

const char *
kv_get(const struct kv *kv, const char *key)
{
	struct kv_item *it = kv_find(kv, key);

	return it ? it->val : NULL;
}

/* Removes the item at index i, keeping the order of the rest. */
static void
kv_remove(struct kv *kv, size_t i)
{
	free(kv->items[i].key);
	free(kv->items[i].val);
	memmove(&kv->items[i], &kv->items[i + 1],
	    (kv->n - i - 1) * sizeof(kv->items[0]));
	kv->n--;
}

int
kv_set(struct kv *kv, const char *key, const char *val)
{
	struct kv_item	*it = kv_find(kv, key), *p;
	char		*v = NULL;

	if (val == NULL) {
		if (it)
			kv_remove(kv, (size_t)(it - kv->items));
		return 0;
	}
	if ((v = xstrdup(val)) == NULL)
		return -1;
	if (it) {
		free(it->val);
		it->val = v;
		return 0;
	}
	if (kv->n == kv->cap) {
		size_t ncap = kv->cap ? kv->cap * 2 : 8;

		if ((p = realloc(kv->items, ncap * sizeof(*p))) == NULL) {
			free(v);
			return -1;
		}
		kv->items = p;
		kv->cap = ncap;
	}
	it = &kv->items[kv->n];
	if ((it->key = xstrdup(key)) == NULL) {
		free(v);
		return -1;
	}
	it->val = v;
	it->line = 0;
	kv->n++;
	return 0;
}

void
kv_free(struct kv *kv)
{
	while (kv->n > 0)
		kv_remove(kv, kv->n - 1);
	free(kv->items);
	kv->items = NULL;
	kv->cap = 0;
}
