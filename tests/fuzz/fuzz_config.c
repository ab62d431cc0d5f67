/*
 * fuzz_config.c - config_load: INI parsing, ${VAR} expansion, K_file
 * reading, and every section's validation (providers' check() included).
 *
 * The input is written to a file and loaded. The environment holds
 * FUZZ_DIR (the scratch directory, which holds secret.txt), FUZZ_SECRET and
 * FUZZ_NAME, so seeds can use ${FUZZ_SECRET} and token_file =
 * ${FUZZ_DIR}/secret.txt. Properties:
 *  - config_load never crashes, leaks or reads out of bounds, and
 *    config_free is safe after it whatever it returned;
 *  - a config that loads is coherent: a state file, a timeout, and every
 *    account has a provider, at least one record, lower-case names without
 *    a final dot, and a family;
 *  - when the secret values are used only in secret keys (and the input
 *    does not spell them out itself), no message shows them, raw or
 *    percent-encoded.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "fuzz_util.h"
#include "log.h"
#include "provider.h"

#define SECRET		"fzS3cret+tok/en=Value~9876543210"
#define FILE_SECRET	"fzFileSecret_0123456789abcdefABCDEF"

/* Keys whose values are secrets in some provider (or [notify]). */
static const char *const secret_keys[] = {
	"token", "password", "secret_key", "access_key_secret", "url",
	"headers", "token_file", "password_file", "secret_key_file",
	"access_key_secret_file", "url_file", "headers_file", NULL
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *d = fz_dir();

	(void)argc;
	(void)argv;
	setenv("FUZZ_DIR", d, 1);
	setenv("FUZZ_SECRET", SECRET, 1);
	setenv("FUZZ_NAME", "home.example.com", 1);
	setenv("HOME", d, 1);
	setenv("XDG_STATE_HOME", d, 1);
	setenv("XDG_CONFIG_HOME", d, 1);
	unsetenv("JOURNAL_STREAM");
	fz_file("secret.txt", FILE_SECRET "\n", strlen(FILE_SECRET) + 1);
	log_init(1);
	return 0;
}

/* Returns 1 when key (len bytes) is one of the secret keys. */
static int
is_secret_key(const char *key, size_t len)
{
	size_t i;

	for (i = 0; secret_keys[i] != NULL; i++)
		if (strlen(secret_keys[i]) == len &&
		    strncmp(secret_keys[i], key, len) == 0)
			return 1;
	return 0;
}

/* Returns 1 when every line naming FUZZ_SECRET or secret.txt sets a
 * secret key, so the secrets may be checked for in the output. */
static int
secrets_only_in_secret_keys(const char *t)
{
	const char	*line = t, *eq, *k, *e;
	size_t		 n;

	while (*line) {
		n = strcspn(line, "\n");
		if (memchr(line, '\0', n) == NULL) {
			char *l = strndup(line, n);

			if (l != NULL && (strstr(l, "FUZZ_SECRET") ||
			    strstr(l, "secret.txt"))) {
				eq = strpbrk(l, "=:");
				for (k = l; *k && isspace((unsigned char)*k); k++)
					;
				e = eq;
				while (e && e > k && isspace((unsigned char)e[-1]))
					e--;
				if (eq == NULL || !is_secret_key(k,
				    (size_t)(e - k))) {
					free(l);
					return 0;
				}
			}
			free(l);
		}
		line += n + (line[n] == '\n');
	}
	return 1;
}

/* Checks what a config that loaded says. */
static void
check_loaded(const struct config *c)
{
	size_t i, k;

	if (c->state_file == NULL || *c->state_file == '\0')
		fz_fail("loaded without a state file");
	if (c->timeout_ms <= 0)
		fz_fail("loaded with timeout %ld ms", c->timeout_ms);
	for (i = 0; i < c->naccts; i++) {
		const struct account *a = &c->accts[i];

		if (a->prov == NULL || a->label == NULL)
			fz_fail("account %zu without provider or label", i);
		if (a->nrecords == 0 || a->fams == 0)
			fz_fail("[%s] loaded with no record or no type",
			    a->label);
		for (k = 0; k < a->nrecords; k++) {
			const char *r = a->records[k];
			size_t len = strlen(r);

			if (len == 0 || r[len - 1] == '.')
				fz_fail("[%s] record \"%s\"", a->label, r);
			for (; *r; r++)
				if (*r >= 'A' && *r <= 'Z')
					fz_fail("[%s] record \"%s\" is not "
					    "lower case", a->label,
					    a->records[k]);
		}
		if ((a->fams & c->fams_used) != a->fams)
			fz_fail("[%s] families not in fams_used", a->label);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	 c;
	struct buf	 err = BUF_INIT(0);
	char		*text;
	const char	*p;
	int		 rc;

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	p = fz_file("ddns.ini", data, size);
	memset(&c, 0xa5, sizeof(c));	/* config_load must not rely on it */
	fz_capture_begin();
	rc = config_load(&c, p);
	if (rc == 0)
		check_loaded(&c);
	config_free(&c);
	log_forget_secrets();
	fz_capture_end(&err);
	if (rc != 0 && rc != -1)
		fz_fail("config_load returned %d", rc);
	if (strlen(text) == size && secrets_only_in_secret_keys(text) &&
	    !fz_has_secret(text, SECRET) && !fz_has_secret(text, FILE_SECRET)) {
		fz_no_secret(buf_str(&err), SECRET, "the config messages");
		fz_no_secret(buf_str(&err), FILE_SECRET, "the config messages");
	}
	buf_free(&err);
	free(text);
	return 0;
}
