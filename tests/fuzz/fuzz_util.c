/* fuzz_util.c - helpers for the libFuzzer targets (see fuzz_util.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "fuzz_util.h"

static char	 scratch[512];		/* the scratch directory */
static char	 path[600];		/* the last fz_file() path */
static int	 real_err = -1;		/* stderr as the process got it */
static int	 cap_fd = -1;		/* the capture file */
static int	 before_cap = -1;	/* fd 2 before fz_capture_begin */

/* Keeps a copy of the original stderr for fz_fail. */
static void
keep_stderr(void)
{
	if (real_err == -1)
		real_err = dup(2);
}

void
fz_fail(const char *fmt, ...)
{
	char	 msg[2048];
	va_list	 ap;
	int	 fd;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fd = real_err != -1 ? real_err : 2;
	dprintf(fd, "fuzz: property violated: %s\n", msg);
	abort();
}

uint8_t
fz_byte(struct fz_in *in)
{
	uint8_t b;

	if (in->n == 0)
		return 0;
	b = in->p[0];
	in->p++;
	in->n--;
	return b;
}

char *
fz_part(struct fz_in *in)
{
	const uint8_t	*nul;
	size_t		 len;
	char		*s;

	if (in->n == 0)
		return NULL;
	nul = memchr(in->p, 0, in->n);
	len = nul ? (size_t)(nul - in->p) : in->n;
	if ((s = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(s, in->p, len);
	s[len] = '\0';
	in->p += len + (nul != NULL);
	in->n -= len + (nul != NULL);
	return s;
}

const char *
fz_dir(void)
{
	const char *t = getenv("TMPDIR");

	keep_stderr();
	if (scratch[0] != '\0')
		return scratch;
	snprintf(scratch, sizeof(scratch), "%s/ddns-fuzz.XXXXXX",
	    t && *t ? t : "/tmp");
	if (mkdtemp(scratch) == NULL)
		fz_fail("cannot create a scratch directory: %s",
		    strerror(errno));
	return scratch;
}

/* Writes all of len bytes to fd; 0 or -1. */
static int
put_all(int fd, const void *data, size_t len)
{
	const char	*p = data;
	ssize_t		 n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

const char *
fz_file(const char *name, const void *data, size_t len)
{
	int fd;

	snprintf(path, sizeof(path), "%s/%s", fz_dir(), name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd == -1 || put_all(fd, data, len) == -1)
		fz_fail("cannot write %s: %s", path, strerror(errno));
	close(fd);
	return path;
}

void
fz_capture_begin(void)
{
	char p[640];

	keep_stderr();
	if (cap_fd == -1) {
		snprintf(p, sizeof(p), "%s/stderr.XXXXXX", fz_dir());
		if ((cap_fd = mkstemp(p)) == -1)
			fz_fail("cannot create a capture file: %s",
			    strerror(errno));
		unlink(p);
	}
	fflush(stderr);
	if (ftruncate(cap_fd, 0) == -1 || lseek(cap_fd, 0, SEEK_SET) == -1)
		fz_fail("cannot reset the capture file: %s", strerror(errno));
	before_cap = dup(2);
	dup2(cap_fd, 2);
}

void
fz_capture_end(struct buf *out)
{
	char	 b[4096];
	ssize_t	 n;

	fflush(stderr);
	if (before_cap != -1) {
		dup2(before_cap, 2);
		close(before_cap);
		before_cap = -1;
	}
	if (lseek(cap_fd, 0, SEEK_SET) == -1)
		return;
	while ((n = read(cap_fd, b, sizeof(b))) > 0)
		if (buf_add(out, b, (size_t)n) == -1)
			break;
	if (getenv("FUZZ_VERBOSE") != NULL && real_err != -1)
		dprintf(real_err, "%s", buf_str(out));
}

void
fz_quiet(void)
{
	int fd;

	keep_stderr();
	if (getenv("FUZZ_VERBOSE") != NULL)
		return;
	if ((fd = open("/dev/null", O_WRONLY)) != -1) {
		dup2(fd, 2);
		close(fd);
	}
}

int
fz_has_secret(const char *text, const char *secret)
{
	struct buf	 enc = BUF_INIT(0);
	int		 found;

	found = strstr(text, secret) != NULL;
	if (!found && buf_add_urlenc(&enc, secret) == 0 && enc.len > 0)
		found = strstr(text, buf_str(&enc)) != NULL;
	buf_free(&enc);
	return found;
}

void
fz_no_secret(const char *text, const char *secret, const char *what)
{
	if (fz_has_secret(text, secret))
		fz_fail("%s shows a secret (raw or percent-encoded):\n%s", what,
		    text);
}
