/*
 * json.h - cJSON plus the few helpers every provider needs.
 *
 * Build JSON with cJSON (never with printf); read replies through these
 * helpers, which treat a wrong shape as absent instead of crashing.
 */
#ifndef DDNS_JSON_H
#define DDNS_JSON_H

#include <cJSON.h>

#include "buf.h"

/* Parses a reply body; NULL when it is not JSON (or not NUL-terminated). */
cJSON		*json_parse(const struct buf *body);
/* Follows a NULL-terminated list of object keys from root; returns the
 * item, or NULL when any step is missing or not an object. */
const cJSON	*json_path(const cJSON *root, const char *const *keys);
/* Returns obj[key] when it is a string, else NULL. */
const char	*json_str(const cJSON *obj, const char *key);
/* Returns obj[key] when it is a number (or numeric string) in *out: 0 or -1. */
int		 json_num(const cJSON *obj, const char *key, double *out);
/* Returns obj[key] as a boolean: 1 true, 0 false, -1 absent or not boolean. */
int		 json_bool(const cJSON *obj, const char *key);
/* Serialises without spaces into a malloc'd string; NULL on OOM. */
char		*json_print(const cJSON *item);

#endif
