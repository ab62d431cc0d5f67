/*
 * kv.h - a small ordered list of key/value strings.
 *
 * Used for a config section's keys (with the line each came from) and for
 * the provider IDs kept in the state file. Keys are unique; order is kept
 * (insertion order), so files written from a kv are stable.
 */
#ifndef DDNS_KV_H
#define DDNS_KV_H

#include <stddef.h>

struct kv_item {
	char	*key;
	char	*val;
	int	 line;		/* source line, 0 when not from a file */
};

struct kv {
	struct kv_item	*items;
	size_t		 n, cap;
};

#define KV_INIT	{ NULL, 0, 0 }

/* Returns the value for key, or NULL when absent. */
const char	*kv_get(const struct kv *kv, const char *key);
/* Returns the item for key, or NULL when absent. */
struct kv_item	*kv_find(const struct kv *kv, const char *key);
/* Sets key to a copy of val (NULL deletes); 0, or -1 when out of memory. */
int		 kv_set(struct kv *kv, const char *key, const char *val);
/* Frees every item; kv is empty and reusable. */
void		 kv_free(struct kv *kv);

#endif
