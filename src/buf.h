/*
 * buf.h - growable byte buffers with a hard size cap.
 *
 * Invariants: a buffer made with BUF_INIT or buf_init() holds len bytes;
 * when data is not NULL it is always NUL-terminated, and len <= max.
 * buf_str() never returns NULL. A buffer owns its data until buf_detach().
 * Adding past max fails (returns -1) and leaves the contents unchanged, so a
 * server that sends a gigabyte gets an error, not an out-of-memory kill.
 */
#ifndef DDNS_BUF_H
#define DDNS_BUF_H

#include <stddef.h>
#include <stdio.h>	/* MinGW: defines __MINGW_PRINTF_FORMAT */

#if defined(__MINGW_PRINTF_FORMAT)	/* check C99 formats, not msvcrt's */
#define PRINTF_LIKE(f, a) __attribute__((format(__MINGW_PRINTF_FORMAT, f, a)))
#elif defined(__GNUC__) || defined(__clang__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

struct buf {
	char	*data;	/* NUL-terminated contents, or NULL when never grown */
	size_t	 len;	/* bytes in use, not counting the NUL */
	size_t	 cap;	/* bytes allocated */
	size_t	 max;	/* largest len allowed */
};

#define BUF_MAX_DEFAULT	((size_t)1 << 20)
#define BUF_INIT(m)	{ NULL, 0, 0, (m) }

/* Makes b empty with the given cap (0 means BUF_MAX_DEFAULT). */
void	 buf_init(struct buf *b, size_t max);
/* Appends n bytes; 0, or -1 when the cap or memory would be exceeded. */
int	 buf_add(struct buf *b, const void *p, size_t n);
/* Appends a C string; 0 or -1 as buf_add. */
int	 buf_adds(struct buf *b, const char *s);
/* Appends formatted text; 0 or -1 as buf_add. */
int	 buf_printf(struct buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* Appends s percent-encoded per RFC 3986 (unreserved kept, space -> %20). */
int	 buf_add_urlenc(struct buf *b, const char *s);
/* Returns the contents, "" when empty; never NULL. */
const char *buf_str(const struct buf *b);
/* Empties b but keeps its memory. */
void	 buf_reset(struct buf *b);
/* Frees the memory; b is empty and reusable afterwards. */
void	 buf_free(struct buf *b);
/* Returns the malloc'd contents (never NULL unless out of memory) and empties b. */
char	*buf_detach(struct buf *b);

/* Duplicates a string; NULL only when out of memory (s NULL gives NULL). */
char	*xstrdup(const char *s);
/* Duplicates the first n bytes of s as a string; NULL when out of memory. */
char	*xstrndup(const char *s, size_t n);

#endif
