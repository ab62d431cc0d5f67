/*
 * faultfs.c - an LD_PRELOAD shim that makes file-system calls fail on
 * demand, for the disk-fault tests of the real binary (tests/faults/).
 *
 * Selected by environment variables (nothing happens without FAULTFS_OP):
 *   FAULTFS_OP       comma-separated calls to fail: write, fsync (fsync and
 *                    fdatasync), rename (rename, renameat), create
 *                    (mkstemp, mkostemp, and open/openat with O_CREAT)
 *   FAULTFS_ERRNO    the error: ENOSPC (default), EIO, EROFS, EDQUOT,
 *                    EACCES, EPERM, or a number
 *   FAULTFS_PATH     only calls on a path containing this text (for a file
 *                    descriptor, the path it was opened as); unset: any
 *                    path, except fds 0-2 for write
 *   FAULTFS_AFTER    let this many matching calls succeed first (0)
 *   FAULTFS_PARTIAL  write: the first failing call writes half its bytes
 *                    and returns that count (a disk filling up); the
 *                    next matching call fails
 *   FAULTFS_LOG      append "OP ERRNO PATH" here for every injected fault,
 *                    so a test can tell the fault was reached
 *   FAULTFS_STALL    instead of failing, the matching calls sleep this many
 *                    milliseconds and then succeed (logged with ERRNO 0):
 *                    a window in which a test can kill the process
 *
 * Built with the system compiler as a shared object, with its own flags
 * (-D_GNU_SOURCE for RTLD_NEXT); never linked into the program.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/types.h>
#include <unistd.h>

/* The calls this file replaces (declared here once, with their libc
 * signatures, for -Wmissing-prototypes). */
ssize_t	 write(int, const void *, size_t);
int	 fsync(int);
int	 fdatasync(int);
int	 rename(const char *, const char *);
int	 renameat(int, const char *, int, const char *);
int	 mkstemp(char *);
int	 mkostemp(char *, int);
int	 open(const char *, int, ...);
int	 open64(const char *, int, ...);
int	 openat(int, const char *, int, ...);

static int	 matched;		/* matching calls seen */
static int	 partial_done;

/* Returns the errno value FAULTFS_ERRNO names. */
static int
fault_errno(void)
{
	static const struct { const char *name; int e; } names[] = {
		{ "ENOSPC", ENOSPC }, { "EIO", EIO }, { "EROFS", EROFS },
		{ "EDQUOT", EDQUOT }, { "EACCES", EACCES }, { "EPERM", EPERM },
		{ NULL, 0 }
	};
	const char	*v = getenv("FAULTFS_ERRNO");
	int		 i;

	if (v == NULL || *v == '\0')
		return ENOSPC;
	for (i = 0; names[i].name != NULL; i++)
		if (strcmp(v, names[i].name) == 0)
			return names[i].e;
	return atoi(v) > 0 ? atoi(v) : EIO;
}

/* Returns 1 when op is in FAULTFS_OP. */
static int
op_selected(const char *op)
{
	const char	*v = getenv("FAULTFS_OP"), *p;
	size_t		 n = strlen(op);

	for (p = v; p != NULL && *p; p += strcspn(p, ",")) {
		p += *p == ',';
		if (strncmp(p, op, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
	}
	return 0;
}

/* Writes the path fd was opened as into out; 0 or -1. */
static int
fd_path(int fd, char *out, size_t n)
{
	char	 link[64];
	ssize_t	 len;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	len = readlink(link, out, n - 1);
	if (len < 0)
		return -1;
	out[len] = '\0';
	return 0;
}

/* Returns 1 when path matches FAULTFS_PATH (any path when unset). */
static int
path_selected(const char *path)
{
	const char *want = getenv("FAULTFS_PATH");

	if (want == NULL || *want == '\0')
		return 1;
	return path != NULL && strstr(path, want) != NULL;
}

/* Notes an injected fault in FAULTFS_LOG. */
static void
note(const char *op, int e, const char *path)
{
	const char	*log = getenv("FAULTFS_LOG");
	FILE		*fp;

	if (log == NULL || (fp = fopen(log, "a")) == NULL)
		return;
	fprintf(fp, "%s %d %s\n", op, e, path ? path : "-");
	fclose(fp);
}

/* Decides whether this call of op on path fails: 1 (errno set, noted),
 * or 0 to go on with the real call. */
static int
inject(const char *op, const char *path)
{
	const char	*after = getenv("FAULTFS_AFTER"), *stall;
	struct timespec	 ts;
	int		 e, ms;

	if (!op_selected(op) || !path_selected(path))
		return 0;
	if (matched++ < (after ? atoi(after) : 0))
		return 0;
	if ((stall = getenv("FAULTFS_STALL")) != NULL) {
		ms = atoi(stall);
		note(op, 0, path);
		ts.tv_sec = ms / 1000;
		ts.tv_nsec = (long)(ms % 1000) * 1000000L;
		while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
			;
		return 0;
	}
	e = fault_errno();
	note(op, e, path);
	errno = e;
	return 1;
}

/* Returns the next definition of name (the real call). */
static void *
real(const char *name)
{
	void *f = dlsym(RTLD_NEXT, name);

	if (f == NULL)
		abort();
	return f;
}

ssize_t
write(int fd, const void *buf, size_t n)
{
	ssize_t	(*w)(int, const void *, size_t) = real("write");
	char	 p[4096];
	int	 e;

	if (!op_selected("write") || (fd <= 2 && getenv("FAULTFS_PATH") ==
	    NULL) || fd_path(fd, p, sizeof(p)) == -1)
		return w(fd, buf, n);
	e = errno;
	if (!inject("write", p)) {
		errno = e;
		return w(fd, buf, n);
	}
	if (getenv("FAULTFS_PARTIAL") != NULL && !partial_done && n > 1) {
		partial_done = 1;
		errno = e;
		return w(fd, buf, n / 2);
	}
	return -1;
}

/* fsync or fdatasync (named by which): fails on demand. */
static int
sync_as(const char *which, int fd)
{
	int	(*f)(int) = real(which);
	char	 p[4096];

	if (op_selected("fsync") && fd_path(fd, p, sizeof(p)) == 0 &&
	    inject("fsync", p))
		return -1;
	return f(fd);
}

int
fsync(int fd)
{
	return sync_as("fsync", fd);
}

int
fdatasync(int fd)
{
	return sync_as("fdatasync", fd);
}

int
rename(const char *from, const char *to)
{
	int (*f)(const char *, const char *) = real("rename");

	if (inject("rename", to) || (!path_selected(to) &&
	    inject("rename", from)))
		return -1;
	return f(from, to);
}

int
renameat(int fd1, const char *from, int fd2, const char *to)
{
	int (*f)(int, const char *, int, const char *) = real("renameat");

	if (inject("rename", to))
		return -1;
	return f(fd1, from, fd2, to);
}

int
mkstemp(char *tmpl)
{
	int (*f)(char *) = real("mkstemp");

	if (inject("create", tmpl))
		return -1;
	return f(tmpl);
}

int
mkostemp(char *tmpl, int flags)
{
	int (*f)(char *, int) = real("mkostemp");

	if (inject("create", tmpl))
		return -1;
	return f(tmpl, flags);
}

/* Returns the mode argument of an open call that has one. */
#define OPEN_MODE(flags, ap, mode) do {					\
	(mode) = 0;							\
	if ((flags) & O_CREAT) {					\
		va_start(ap, flags);					\
		(mode) = (mode_t)va_arg(ap, int);			\
		va_end(ap);						\
	}								\
} while (0)

/* open or open64 (named by which): fails a creating call on demand. */
static int
open_as(const char *which, const char *path, int flags, mode_t mode)
{
	int (*f)(const char *, int, ...) = real(which);

	if ((flags & O_CREAT) && inject("create", path))
		return -1;
	return f(path, flags, mode);
}

int
open(const char *path, int flags, ...)
{
	va_list	 ap;
	mode_t	 mode;

	OPEN_MODE(flags, ap, mode);
	return open_as("open", path, flags, mode);
}

int
open64(const char *path, int flags, ...)
{
	va_list	 ap;
	mode_t	 mode;

	OPEN_MODE(flags, ap, mode);
	return open_as("open64", path, flags, mode);
}

int
openat(int dirfd, const char *path, int flags, ...)
{
	int	(*f)(int, const char *, int, ...) = real("openat");
	va_list	 ap;
	mode_t	 mode;

	OPEN_MODE(flags, ap, mode);
	if ((flags & O_CREAT) && inject("create", path))
		return -1;
	return f(dirfd, path, flags, mode);
}
