/*
 * platform_posix.c - the platform layer for Linux, the BSDs and macOS
 * (see platform.h).
 *
 * getifaddrs(), netlink and the KAME in6 ioctls are outside POSIX. The
 * build passes -D_POSIX_C_SOURCE, which on FreeBSD hides them with no way
 * to opt back in, so this file (only) drops it and asks every libc for its
 * full environment instead; glibc then still gives POSIX.1-2008.
 */
#undef _POSIX_C_SOURCE
#define _DEFAULT_SOURCE		/* glibc, musl */
#define _BSD_SOURCE		/* OpenBSD, old glibc */
#define _NETBSD_SOURCE
#define _DARWIN_C_SOURCE

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <net/if.h>
#include <netinet/in.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* IPv6 address flags: netlink on Linux, SIOCGIFAFLAG_IN6 on KAME stacks. */
#ifdef __linux__
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#define HAVE_NETLINK 1
#elif defined(__has_include)
#if __has_include(<netinet6/in6_var.h>)
#include <sys/ioctl.h>
#include <netinet6/in6_var.h>
#ifdef SIOCGIFAFLAG_IN6
#define HAVE_IN6_IFF 1
#endif
#endif
#endif

#include "buf.h"
#include "platform.h"

#define APPNAME		"ddns-update"
#define CWD_MAX		65536	/* longest working directory we accept */
#define LOCK_POLL_MS	50	/* how often a busy lock is retried */
#define RUN_TIMEOUT_MS	60000	/* used when plat_cmd.timeout_ms <= 0 */
#define RUN_REAP_MS	2000	/* how long to wait for a killed child */
#define RUN_CHUNK	4096	/* bytes read or written per poll round */

extern char **environ;

/* An fcntl() lock: not inherited by children, dropped when this process
 * closes any descriptor of the lock file (so open it nowhere else). */
struct plat_lock {
	int	 fd;	/* the open lock file */
};

/* Sets FD_CLOEXEC on fd; 0 or -1. */
static int
set_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFD);

	if (fl == -1)
		return -1;
	return fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
}

/* Sets O_NONBLOCK on fd; 0 or -1. */
static int
set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl == -1)
		return -1;
	return fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* Closes *fd when open and marks it closed. */
static void
close_fd(int *fd)
{
	if (*fd != -1)
		close(*fd);
	*fd = -1;
}

/* --- process ------------------------------------------------------------ */

char **
plat_init(int argc, char **argv)
{
	(void)argc;
	return argv;	/* POSIX arguments are already UTF-8 (or opaque) */
}

/* --- environment and paths --------------------------------------------- */

const char *
plat_getenv(const char *name)
{
	return getenv(name);
}

int
plat_is_admin(void)
{
	return geteuid() == 0;
}

/* Returns the home directory ($HOME, else the password database) or NULL. */
static const char *
home_dir(void)
{
	const char	*h = getenv("HOME");
	struct passwd	*pw;

	if (h != NULL && *h != '\0')
		return h;
	pw = getpwuid(geteuid());
	if (pw == NULL || pw->pw_dir == NULL || *pw->pw_dir == '\0')
		return NULL;
	return pw->pw_dir;
}

/* Returns $var/ddns-update/file when var is set to an absolute path, else
 * $HOME/rel/ddns-update/file (relative to "." with no home); NULL on OOM. */
static char *
xdg_path(const char *var, const char *rel, const char *file)
{
	struct buf	 b = BUF_INIT(0);
	const char	*v = getenv(var), *home;
	int		 rc;

	if (v != NULL && v[0] == '/')
		rc = buf_printf(&b, "%s/" APPNAME "/%s", v, file);
	else {
		home = home_dir();
		rc = buf_printf(&b, "%s/%s/" APPNAME "/%s",
		    home ? home : ".", rel, file);
	}
	if (rc == -1) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

char *
plat_default_config(void)
{
	if (plat_is_admin())
		return xstrdup("/etc/" APPNAME ".ini");
	return xdg_path("XDG_CONFIG_HOME", ".config", APPNAME ".ini");
}

char *
plat_default_state(void)
{
	struct buf	 b = BUF_INIT(0);
	const char	*sd = getenv("STATE_DIRECTORY");
	size_t		 n;

	/* systemd may list several directories, colon-separated. */
	n = sd ? strcspn(sd, ":") : 0;
	if (n > 0 && n < 4096) {
		if (buf_printf(&b, "%.*s/state.ini", (int)n, sd) == -1) {
			buf_free(&b);
			return NULL;
		}
		return buf_detach(&b);
	}
	if (plat_is_admin())
		return xstrdup("/var/lib/" APPNAME "/state.ini");
	return xdg_path("XDG_STATE_HOME", ".local/state", "state.ini");
}

/* Returns 1 when path is a regular file we may execute. */
static int
is_exec(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    access(path, X_OK) == 0;
}

/* Returns the absolute path of the first executable name on $PATH, or
 * NULL (empty entries mean the working directory, as for execvp). */
static char *
path_search(const char *name)
{
	struct buf	 b = BUF_INIT(0);
	const char	*p = getenv("PATH"), *end;
	char		*found = NULL;
	size_t		 n;

	if (p == NULL)
		p = "/usr/bin:/bin";
	for (; found == NULL; p = end + 1) {
		n = strcspn(p, ":");
		end = p + n;
		buf_reset(&b);
		if (buf_printf(&b, "%.*s%s%s", (int)n, p, n ? "/" : "",
		    name) == -1)
			break;
		if (is_exec(buf_str(&b)))
			found = plat_abspath(buf_str(&b));
		if (*end == '\0')
			break;
	}
	buf_free(&b);
	return found;
}

char *
plat_self_path(const char *argv0)
{
	if (argv0 == NULL || *argv0 == '\0')
		return NULL;
	if (strchr(argv0, '/') != NULL)
		return plat_abspath(argv0);
	return path_search(argv0);
}

/* Returns the working directory (malloc'd) or NULL. */
static char *
cwd_alloc(void)
{
	size_t	 size;
	char	*p, *np;

	for (size = 256; size <= CWD_MAX; size *= 2) {
		np = malloc(size);
		if (np == NULL)
			return NULL;
		p = getcwd(np, size);
		if (p != NULL)
			return p;
		free(np);
		if (errno != ERANGE)
			return NULL;
	}
	return NULL;
}

char *
plat_abspath(const char *path)
{
	struct buf	 b = BUF_INIT(0);
	char		*cwd;
	size_t		 n;
	int		 rc;

	if (path == NULL)
		return NULL;
	if (path[0] == '/')
		return xstrdup(path);
	while (path[0] == '.' && path[1] == '/')
		path += strspn(path + 1, "/") + 1;
	cwd = cwd_alloc();
	if (cwd == NULL)
		return NULL;
	if (*path == '\0' || strcmp(path, ".") == 0)
		return cwd;
	n = strlen(cwd);
	rc = buf_printf(&b, "%s%s%s", cwd,
	    n > 0 && cwd[n - 1] == '/' ? "" : "/", path);
	free(cwd);
	if (rc == -1) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

int
plat_is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* --- files -------------------------------------------------------------- */

FILE *
plat_fopen(const char *path, const char *mode)
{
	FILE *f = fopen(path, mode);

	if (f != NULL)
		(void)set_cloexec(fileno(f));
	return f;
}

/* Makes sure directory path exists (its parent must); 0 or -1. */
static int
mkdir_one(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return 0;
		errno = ENOTDIR;
	} else if (mkdir(path, 0755) == 0)
		return 0;
	else if (errno == EEXIST && stat(path, &st) == 0 &&
	    S_ISDIR(st.st_mode))
		return 0;
	snprintf(err, errlen, "cannot create directory %s: %s", path,
	    strerror(errno));
	return -1;
}

int
plat_mkdirs(const char *dir, char *err, size_t errlen)
{
	char	*s, *p, c;
	int	 rc = 0;

	if (*dir == '\0')
		return 0;
	s = xstrdup(dir);
	if (s == NULL) {
		snprintf(err, errlen, "cannot create directory %s: %s", dir,
		    strerror(ENOMEM));
		return -1;
	}
	for (p = s + 1; rc == 0; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		c = *p;
		*p = '\0';
		rc = mkdir_one(s, err, errlen);
		*p = c;
		if (c == '\0')
			break;
	}
	free(s);
	return rc;
}

/* Returns the directory part of path (malloc'd; "." when none) or NULL. */
static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* Returns 0644 less the process umask, read once. */
static mode_t
file_mode(void)
{
	static int	 known;
	static mode_t	 mask;

	if (!known) {
		mask = umask(022);
		(void)umask(mask);
		known = 1;
	}
	return 0644 & ~mask;
}

/* Writes all of data to fd despite short writes and EINTR; 0 or -1. */
static int
write_all(int fd, const void *data, size_t len)
{
	const char	*p = data;
	ssize_t		 n;

	while (len > 0) {
		n = write(fd, p, len > 65536 ? 65536 : len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Flushes fd to stable storage (F_FULLFSYNC where fsync is not enough). */
static int
flush_fd(int fd)
{
#ifdef F_FULLFSYNC
	if (fcntl(fd, F_FULLFSYNC) == 0)
		return 0;
#endif
	return fsync(fd);
}

/* Fills, chmods, flushes and closes the temp file fd; 0 or -1. */
static int
tmp_fill(int fd, const char *tmp, const void *data, size_t len,
    char *err, size_t errlen)
{
	int rc = 0, e = 0;

	if (set_cloexec(fd) == -1 || write_all(fd, data, len) == -1 ||
	    fchmod(fd, file_mode()) == -1 || flush_fd(fd) == -1) {
		e = errno;
		rc = -1;
	}
	if (close(fd) == -1 && rc == 0) {
		e = errno;
		rc = -1;
	}
	if (rc == -1)
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(e));
	return rc;
}

/* Flushes directory dir after a rename into it; 0 or -1. A directory we
 * cannot open, or a file system that cannot flush one, is not an error. */
static int
dir_sync(const char *dir, char *err, size_t errlen)
{
	int fd, rc = 0;

	fd = open(dir, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return 0;
	if (flush_fd(fd) == -1 && errno != EINVAL && errno != ENOTSUP &&
	    errno != EBADF) {
		snprintf(err, errlen, "cannot flush directory %s: %s", dir,
		    strerror(errno));
		rc = -1;
	}
	close(fd);
	return rc;
}

int
plat_write_atomic(const char *path, const void *data, size_t len,
    char *err, size_t errlen)
{
	struct buf	 tmp = BUF_INIT(0);
	char		*dir = dir_of(path);
	int		 fd, rc = -1;

	if (dir == NULL || buf_printf(&tmp, "%s.tmp.XXXXXX", path) == -1) {
		snprintf(err, errlen, "cannot write %s: %s", path,
		    strerror(ENOMEM));
		goto out;
	}
	if (plat_mkdirs(dir, err, errlen) == -1)
		goto out;
	fd = mkstemp(tmp.data);
	if (fd == -1) {
		snprintf(err, errlen, "cannot create %s: %s", tmp.data,
		    strerror(errno));
		goto out;
	}
	if (tmp_fill(fd, tmp.data, data, len, err, errlen) == -1)
		unlink(tmp.data);
	else if (rename(tmp.data, path) == -1) {
		snprintf(err, errlen, "cannot rename %s to %s: %s", tmp.data,
		    path, strerror(errno));
		unlink(tmp.data);
	} else
		rc = dir_sync(dir, err, errlen);
out:
	free(dir);
	buf_free(&tmp);
	return rc;
}

int
plat_clean_temps(const char *path)
{
	const char	*base = strrchr(path, '/');
	char		*dir = dir_of(path);
	struct buf	 pre = BUF_INIT(0), f = BUF_INIT(0);
	struct dirent	*e;
	DIR		*d = NULL;
	int		 n = 0;

	base = base ? base + 1 : path;
	if (dir == NULL || buf_printf(&pre, "%s.tmp.", base) == -1 ||
	    (d = opendir(dir)) == NULL)
		goto out;
	/* mkstemp's names: the prefix and six characters. */
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, pre.data, pre.len) != 0 ||
		    strlen(e->d_name) != pre.len + 6)
			continue;
		buf_reset(&f);
		if (buf_printf(&f, "%s/%s", dir, e->d_name) == 0 &&
		    unlink(f.data) == 0)
			n++;
	}
out:
	if (d != NULL)
		closedir(d);
	free(dir);
	buf_free(&pre);
	buf_free(&f);
	return n;
}

int
plat_others_can_read(const char *path)
{
	struct stat st;

	if (stat(path, &st) == -1)
		return -1;
	return (st.st_mode & (S_IRGRP | S_IROTH)) != 0;
}

/* --- locks -------------------------------------------------------------- */

/* Opens (creating it and its directory) the lock file; fd or -1. */
static int
lock_open(const char *path, char *err, size_t errlen)
{
	char	*dir;
	int	 fd, rc;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd == -1 && errno == ENOENT) {
		dir = dir_of(path);
		rc = dir ? plat_mkdirs(dir, err, errlen) : -1;
		free(dir);
		if (rc == -1)
			return -1;
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	}
	if (fd == -1)
		snprintf(err, errlen, "cannot open lock file %s: %s", path,
		    strerror(errno));
	return fd;
}

/* Tries once to take a write lock on all of fd: 0 taken, 1 held by
 * someone else, -1 error (errno set). */
static int
lock_try(int fd, struct flock *fl)
{
	for (;;) {
		memset(fl, 0, sizeof(*fl));
		fl->l_type = F_WRLCK;
		fl->l_whence = SEEK_SET;
		if (fcntl(fd, F_SETLK, fl) == 0)
			return 0;
		if (errno == EACCES || errno == EAGAIN)
			return 1;
		if (errno != EINTR)
			return -1;
	}
}

/* Says in err who holds the lock on fd (path names it). */
static void
lock_busy(int fd, struct flock *fl, const char *path, char *err,
    size_t errlen)
{
	memset(fl, 0, sizeof(*fl));
	fl->l_type = F_WRLCK;
	fl->l_whence = SEEK_SET;
	if (fcntl(fd, F_GETLK, fl) == 0 && fl->l_type != F_UNLCK)
		snprintf(err, errlen, "%s is locked by process %ld", path,
		    (long)fl->l_pid);
	else
		snprintf(err, errlen, "%s is locked by another process", path);
}

int
plat_lock(const char *path, int wait_ms, struct plat_lock **out,
    char *err, size_t errlen)
{
	struct flock	 fl;
	long long	 end = plat_monotonic_ms() + (wait_ms > 0 ? wait_ms : 0);
	long long	 left;
	int		 fd, rc, e = 0;

	*out = NULL;
	fd = lock_open(path, err, errlen);
	if (fd == -1)
		return -1;
	for (;;) {
		rc = lock_try(fd, &fl);
		e = errno;
		left = end - plat_monotonic_ms();
		if (rc != 1 || left <= 0)
			break;
		plat_sleep_ms(left < LOCK_POLL_MS ? (int)left : LOCK_POLL_MS);
	}
	if (rc == 0) {
		*out = malloc(sizeof(**out));
		if (*out != NULL) {
			(*out)->fd = fd;
			return 0;
		}
		e = ENOMEM;
		rc = -1;
	}
	if (rc == 1)
		lock_busy(fd, &fl, path, err, errlen);
	else
		snprintf(err, errlen, "cannot lock %s: %s", path,
		    strerror(e));
	close(fd);
	return rc;
}

void
plat_unlock(struct plat_lock *lk)
{
	if (lk == NULL)
		return;
	close(lk->fd);
	free(lk);
}

/* --- network interfaces ------------------------------------------------- */

/* Returns 1 when ifa is an address of family af on interface ifname. */
static int
ifa_match(const struct ifaddrs *ifa, const char *ifname, int af)
{
	return ifa->ifa_addr != NULL && ifa->ifa_addr->sa_family == af &&
	    ifa->ifa_name != NULL && strcmp(ifa->ifa_name, ifname) == 0;
}

/* Copies the address in sa (of the given family, 4 or 6) into a. */
static void
ifa_copy(struct plat_ifaddr *a, const struct sockaddr *sa, int family)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;

	memset(a, 0, sizeof(*a));
	a->family = family;
	if (family == 4) {
		sin = (const struct sockaddr_in *)(const void *)sa;
		memcpy(a->bytes, &sin->sin_addr, 4);
		return;
	}
	sin6 = (const struct sockaddr_in6 *)(const void *)sa;
	memcpy(a->bytes, &sin6->sin6_addr, 16);
	/* KAME stacks embed the scope in bytes 2-3 of a link-local. */
	if (a->bytes[0] == 0xfe && (a->bytes[1] & 0xc0) == 0x80)
		a->bytes[2] = a->bytes[3] = 0;
}

#ifdef HAVE_NETLINK
/* Opens a netlink socket and asks for every IPv6 address; fd or -1. */
static int
nl_request(void)
{
	struct {
		struct nlmsghdr	 nh;
		struct ifaddrmsg ifa;
	} req;
	struct sockaddr_nl	 sa;
	struct timeval		 tv = { 1, 0 };
	int			 s;

	s = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	if (s == -1)
		return -1;
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
	req.nh.nlmsg_type = RTM_GETADDR;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nh.nlmsg_seq = 1;
	req.ifa.ifa_family = AF_INET6;
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	if (set_cloexec(s) == -1 ||
	    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    sendto(s, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&sa,
	    sizeof(sa)) == -1) {
		close(s);
		return -1;
	}
	return s;
}

/* Maps Linux IFA_F_* flags to PLAT_IFA_*. */
static unsigned
nl_map(unsigned f)
{
	unsigned r = 0;

	if (f & IFA_F_TEMPORARY)
		r |= PLAT_IFA_TEMPORARY;
	if (f & IFA_F_DEPRECATED)
		r |= PLAT_IFA_DEPRECATED;
	if (f & (IFA_F_TENTATIVE | IFA_F_DADFAILED))
		r |= PLAT_IFA_TENTATIVE;
	return r;
}

/* Applies one RTM_NEWADDR message to the matching entry of a[n]. */
static void
nl_addr(const struct nlmsghdr *nh, unsigned idx, struct plat_ifaddr *a,
    size_t n)
{
	const struct ifaddrmsg	*ifa = NLMSG_DATA(nh);
	const struct rtattr	*rta;
	const unsigned char	*addr = NULL, *local = NULL;
	unsigned		 flags;
	int			 len;
	size_t			 i;

	if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifa)) ||
	    ifa->ifa_family != AF_INET6 || ifa->ifa_index != idx)
		return;
	flags = ifa->ifa_flags;
	len = (int)IFA_PAYLOAD(nh);
	for (rta = IFA_RTA(ifa); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		if (rta->rta_type == IFA_ADDRESS && RTA_PAYLOAD(rta) == 16)
			addr = RTA_DATA(rta);
		else if (rta->rta_type == IFA_LOCAL && RTA_PAYLOAD(rta) == 16)
			local = RTA_DATA(rta);
		else if (rta->rta_type == IFA_FLAGS && RTA_PAYLOAD(rta) == 4)
			memcpy(&flags, RTA_DATA(rta), 4);
	}
	if (local != NULL)
		addr = local;
	for (i = 0; addr != NULL && i < n; i++)
		if (memcmp(a[i].bytes, addr, 16) == 0)
			a[i].flags = nl_map(flags);
}

/* Walks one datagram of netlink messages; 1 when the dump is over. */
static int
nl_walk(const char *p, size_t len, unsigned idx, struct plat_ifaddr *a,
    size_t n)
{
	const struct nlmsghdr	*nh;
	size_t			 step;

	while (len >= sizeof(*nh)) {
		nh = (const struct nlmsghdr *)(const void *)p;
		if (nh->nlmsg_len < sizeof(*nh) || nh->nlmsg_len > len ||
		    nh->nlmsg_type == NLMSG_DONE ||
		    nh->nlmsg_type == NLMSG_ERROR)
			return 1;
		if (nh->nlmsg_type == RTM_NEWADDR)
			nl_addr(nh, idx, a, n);
		step = NLMSG_ALIGN(nh->nlmsg_len);
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
	return 0;
}

/* Sets the flags of the IPv6 addresses a[n] of ifname (0 if unknown). */
static void
in6_fill_flags(const char *ifname, struct ifaddrs *list,
    struct plat_ifaddr *a, size_t n)
{
	union {
		struct nlmsghdr	 nh;
		char		 buf[32768];
	} u;
	unsigned	 idx = if_nametoindex(ifname);
	ssize_t		 got;
	int		 s;

	(void)list;
	if (n == 0 || idx == 0)
		return;
	s = nl_request();
	if (s == -1)
		return;
	for (;;) {
		got = recv(s, u.buf, sizeof(u.buf), 0);
		if (got == -1 && errno == EINTR)
			continue;
		if (got <= 0 || nl_walk(u.buf, (size_t)got, idx, a, n))
			break;
	}
	close(s);
}
#elif defined(HAVE_IN6_IFF)
/* Returns the PLAT_IFA_* flags of one address via SIOCGIFAFLAG_IN6. */
static unsigned
in6_ioctl_flags(int s, const char *ifname, const struct sockaddr *sa)
{
	struct in6_ifreq	 ifr;
	unsigned		 r = 0;
	int			 f;

	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	memcpy(&ifr.ifr_ifru.ifru_addr, sa, sizeof(struct sockaddr_in6));
	if (ioctl(s, SIOCGIFAFLAG_IN6, &ifr) == -1)
		return 0;
	f = ifr.ifr_ifru.ifru_flags6;
#ifdef IN6_IFF_TEMPORARY
	if (f & IN6_IFF_TEMPORARY)
		r |= PLAT_IFA_TEMPORARY;
#endif
#ifdef IN6_IFF_DEPRECATED
	if (f & IN6_IFF_DEPRECATED)
		r |= PLAT_IFA_DEPRECATED;
#endif
#ifdef IN6_IFF_DUPLICATED
	if (f & IN6_IFF_DUPLICATED)
		r |= PLAT_IFA_TENTATIVE;
#endif
	if (f & IN6_IFF_TENTATIVE)
		r |= PLAT_IFA_TENTATIVE;
	return r;
}

/* Sets the flags of the IPv6 addresses a[n] of ifname, which were taken
 * from list in order (0 if unknown). */
static void
in6_fill_flags(const char *ifname, struct ifaddrs *list,
    struct plat_ifaddr *a, size_t n)
{
	struct ifaddrs	*ifa;
	size_t		 i = 0;
	int		 s;

	if (n == 0 || strlen(ifname) >= IFNAMSIZ)
		return;
	s = socket(AF_INET6, SOCK_DGRAM, 0);
	if (s == -1)
		return;
	(void)set_cloexec(s);
	for (ifa = list; ifa != NULL && i < n; ifa = ifa->ifa_next)
		if (ifa_match(ifa, ifname, AF_INET6))
			a[i++].flags = in6_ioctl_flags(s, ifname,
			    ifa->ifa_addr);
	close(s);
}
#else
/* No way to read IPv6 address flags here: they stay 0 (unknown). */
static void
in6_fill_flags(const char *ifname, struct ifaddrs *list,
    struct plat_ifaddr *a, size_t n)
{
	(void)ifname;
	(void)list;
	(void)a;
	(void)n;
}
#endif

int
plat_iface_addrs(const char *ifname, int family, struct plat_ifaddr *out,
    size_t max, size_t *n, char *err, size_t errlen)
{
	struct ifaddrs	*list, *ifa;
	int		 af = family == 4 ? AF_INET : AF_INET6;

	*n = 0;
	if (family != 4 && family != 6) {
		snprintf(err, errlen, "bad address family %d", family);
		return -1;
	}
	if (if_nametoindex(ifname) == 0) {
		snprintf(err, errlen, "no interface named %s", ifname);
		return -1;
	}
	if (getifaddrs(&list) == -1) {
		snprintf(err, errlen, "cannot list the addresses of %s: %s",
		    ifname, strerror(errno));
		return -1;
	}
	for (ifa = list; ifa != NULL && *n < max; ifa = ifa->ifa_next)
		if (ifa_match(ifa, ifname, af))
			ifa_copy(&out[(*n)++], ifa->ifa_addr, family);
	if (family == 6)
		in6_fill_flags(ifname, list, out, *n);
	freeifaddrs(list);
	return 0;
}

/* --- running commands --------------------------------------------------- */

enum run_end { RUN_OK, RUN_TIMEOUT, RUN_TOOMUCH, RUN_FAILED };

struct run {
	pid_t		 pid;		/* the child, leader of its group */
	int		 outfd;		/* read end of its stdout, or -1 */
	int		 infd;		/* write end of its stdin, or -1 */
	const char	*in;		/* input not yet written */
	size_t		 inleft;
	long long	 deadline;	/* plat_monotonic_ms() limit */
	int		 timeout_ms;
	char		 name[64];	/* first word of the command */
};

/*
 * A run ended by SIGTERM, SIGINT or SIGHUP while a command runs takes the
 * command's process group with it: the command's time limit lives in this
 * process, so an orphan would run unbounded. The handler then lets the
 * signal do what it would have done.
 */
static const int	 end_sigs[] = { SIGTERM, SIGINT, SIGHUP };
static volatile sig_atomic_t run_group;	/* the child's group, or 0 */
static volatile sig_atomic_t run_parent;	/* our pid, for the handler */

static void
on_end_signal(int sig)
{
	struct sigaction dfl;

	if ((sig_atomic_t)getpid() == run_parent && run_group > 0)
		(void)kill(-(pid_t)run_group, SIGKILL);
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	(void)sigaction(sig, &dfl, NULL);
	(void)raise(sig);	/* delivered when this handler returns */
}

/* Catches the end signals that are not ignored; old[] keeps what was. */
static void
end_sigs_catch(struct sigaction old[3])
{
	struct sigaction	 sa;
	size_t			 i;

	run_parent = (sig_atomic_t)getpid();
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_end_signal;
	for (i = 0; i < 3; i++) {
		if (sigaction(end_sigs[i], NULL, &old[i]) == -1 ||
		    (!(old[i].sa_flags & SA_SIGINFO) &&
		    old[i].sa_handler == SIG_IGN))
			continue;
		(void)sigaction(end_sigs[i], &sa, NULL);
	}
}

/* Puts back what end_sigs_catch found. */
static void
end_sigs_restore(const struct sigaction old[3])
{
	size_t i;

	run_group = 0;
	for (i = 0; i < 3; i++)
		(void)sigaction(end_sigs[i], &old[i], NULL);
}

/* Returns milliseconds left before deadline (0 when passed). */
static int
ms_left(long long deadline)
{
	long long left = deadline - plat_monotonic_ms();

	if (left <= 0)
		return 0;
	return left > 1000000 ? 1000000 : (int)left;
}

/* Copies the command's first word into r->name: no arguments, which may
 * hold secrets, ever reach a message, nor leading NAME=value words. */
static void
run_name(struct run *r, const struct plat_cmd *cmd)
{
	const char	*s = cmd->shell;
	size_t		 n = 0;

	while (s != NULL) {
		s += strspn(s, " \t\r\n");
		n = strcspn(s, " \t\r\n;&|<>()");
		if (n == 0 || memchr(s, '=', n) == NULL)
			break;
		s += n;
	}
	if (s == NULL) {
		s = cmd->argv[0];
		n = strlen(s);
	} else if (n == 0) {
		s = "sh";
		n = 2;
	}
	if (n >= sizeof(r->name))
		n = sizeof(r->name) - 1;
	memcpy(r->name, s, n);
	r->name[n] = '\0';
}

/* Returns 1 when environment entry e sets a name that extra also sets. */
static int
env_overridden(const char *e, const char *const *extra)
{
	size_t n = strcspn(e, "=");

	for (; extra != NULL && *extra != NULL; extra++)
		if (strncmp(*extra, e, n) == 0 && (*extra)[n] == '=')
			return 1;
	return 0;
}

/* Returns environ with the extra "NAME=value" entries added or replacing
 * (a malloc'd array of borrowed strings), or NULL on OOM. */
static char **
env_build(const char *const *extra)
{
	char	**env, **e;
	size_t	 n = 1, i;

	for (e = environ; e != NULL && *e != NULL; e++)
		n++;
	for (i = 0; extra != NULL && extra[i] != NULL; i++)
		n++;
	env = calloc(n, sizeof(*env));
	if (env == NULL)
		return NULL;
	n = 0;
	for (e = environ; e != NULL && *e != NULL; e++)
		if (!env_overridden(*e, extra))
			env[n++] = *e;
	for (i = 0; extra != NULL && extra[i] != NULL; i++)
		if (strchr(extra[i], '=') != NULL)
			env[n++] = (char *)extra[i];
	env[n] = NULL;
	return env;
}

/* Reports errno through fd to the parent and ends the child. */
static void
child_fail(int fd)
{
	int	 e = errno;
	ssize_t	 n;

	n = write(fd, &e, sizeof(e));
	(void)n;
	_exit(127);
}

/* In the child: sets up its group, signals and stdio, then runs the
 * command; never returns. The fds may be any number, even 0-2. */
static void
run_child(const struct plat_cmd *cmd, char **envp, int fds[3],
    const struct sigaction *sigpipe)
{
	struct sigaction sa;
	sigset_t	 none;
	int		 in, out, ex;

	(void)setpgid(0, 0);
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_DFL;
	if (!(sigpipe->sa_flags & SA_SIGINFO) && sigpipe->sa_handler == SIG_IGN)
		sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGPIPE, &sa, NULL);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	ex = fcntl(fds[2], F_DUPFD_CLOEXEC, 3);
	if (ex == -1)
		_exit(127);
	in = fds[0] != -1 ? fcntl(fds[0], F_DUPFD_CLOEXEC, 3) :
	    open("/dev/null", O_RDONLY | O_CLOEXEC);
	out = fcntl(fds[1], F_DUPFD_CLOEXEC, 3);
	if (in == -1 || out == -1 || dup2(in, 0) == -1 || dup2(out, 1) == -1)
		child_fail(ex);
	environ = envp;
	if (cmd->shell != NULL)
		execl("/bin/sh", "sh", "-c", cmd->shell, (char *)NULL);
	else
		execvp(cmd->argv[0], (char *const *)cmd->argv);
	child_fail(ex);
}

/* Waits for the child's exec: 0 when it ran, an errno value when it
 * failed, -1 when the deadline passed first. */
static int
wait_exec(int fd, long long deadline)
{
	struct pollfd	 pfd;
	ssize_t		 n;
	int		 e;

	pfd.fd = fd;
	pfd.events = POLLIN;
	for (;;) {
		n = poll(&pfd, 1, ms_left(deadline));
		if (n == 0)
			return -1;
		if (n == -1 && errno != EINTR)
			return errno;
		if (n == -1)
			continue;
		n = read(fd, &e, sizeof(e));
		if (n == (ssize_t)sizeof(e))
			return e ? e : EIO;
		if (n == 0)
			return 0;
		if (n == -1 && errno != EINTR)
			return errno;
	}
}

/* Makes a pipe whose two ends are close-on-exec; 0 or -1. */
static int
pipe_cloexec(int p[2])
{
	if (pipe(p) == -1) {
		p[0] = p[1] = -1;
		return -1;
	}
	if (set_cloexec(p[0]) == -1 || set_cloexec(p[1]) == -1) {
		close_fd(&p[0]);
		close_fd(&p[1]);
		return -1;
	}
	return 0;
}

/* Kills the child's whole group and reaps the child, waiting at most
 * RUN_REAP_MS; closes our pipe ends. */
static void
run_kill(struct run *r)
{
	long long	 end = plat_monotonic_ms() + RUN_REAP_MS;
	pid_t		 w;
	int		 st;

	(void)kill(-r->pid, SIGKILL);
	(void)kill(r->pid, SIGKILL);
	close_fd(&r->outfd);
	close_fd(&r->infd);
	for (;;) {
		w = waitpid(r->pid, &st, WNOHANG);
		if (w == r->pid || (w == -1 && errno != EINTR))
			break;
		if (plat_monotonic_ms() >= end)
			break;
		plat_sleep_ms(5);
	}
}

/* Writes the error of a failed run into err (e: errno for RUN_FAILED). */
static void
run_error(const struct run *r, enum run_end end, size_t max, int e,
    char *err, size_t errlen)
{
	if (end == RUN_TIMEOUT && r->timeout_ms % 1000 == 0)
		snprintf(err, errlen, "command timed out after %d s: %s",
		    r->timeout_ms / 1000, r->name);
	else if (end == RUN_TIMEOUT)
		snprintf(err, errlen, "command timed out after %.1f s: %s",
		    r->timeout_ms / 1000.0, r->name);
	else if (end == RUN_TOOMUCH)
		snprintf(err, errlen, "command printed more than %zu bytes: %s",
		    max, r->name);
	else
		snprintf(err, errlen, "cannot run %s: %s", r->name,
		    strerror(e));
}

/* Forks the child with its pipes and waits until it has exec'd; 0, or -1
 * with err set (nothing left running). */
static int
run_start(struct run *r, const struct plat_cmd *cmd, char **envp,
    const struct sigaction *sigpipe, char *err, size_t errlen)
{
	int	 in[2] = { -1, -1 }, out[2] = { -1, -1 }, ex[2] = { -1, -1 };
	int	 fds[3], e = 0;

	r->pid = -1;
	if (pipe_cloexec(out) == -1 || pipe_cloexec(ex) == -1 ||
	    (r->inleft > 0 && pipe_cloexec(in) == -1))
		e = errno;
	else
		r->pid = fork();
	if (r->pid == 0) {
		fds[0] = in[0];
		fds[1] = out[1];
		fds[2] = ex[1];
		run_child(cmd, envp, fds, sigpipe);
	}
	if (r->pid == -1 && e == 0)
		e = errno;
	close_fd(&in[0]);
	close_fd(&out[1]);
	close_fd(&ex[1]);
	r->outfd = out[0];
	r->infd = in[1];
	if (r->pid > 0) {
		(void)setpgid(r->pid, r->pid);
		run_group = (sig_atomic_t)r->pid;
		e = wait_exec(ex[0], r->deadline);
	}
	close_fd(&ex[0]);
	if (e == 0 && (set_nonblock(r->outfd) == -1 ||
	    (r->infd != -1 && set_nonblock(r->infd) == -1)))
		e = errno;
	if (e == 0)
		return 0;
	if (r->pid > 0)
		run_kill(r);
	close_fd(&r->outfd);
	close_fd(&r->infd);
	run_error(r, e == -1 ? RUN_TIMEOUT : RUN_FAILED, 0, e, err, errlen);
	return -1;
}

/* Writes the next piece of input; closes the child's stdin when all is
 * written or when it stopped reading (EPIPE, which SIGPIPE would not). */
static void
run_feed(struct run *r)
{
	ssize_t n;

	n = write(r->infd, r->in, r->inleft > RUN_CHUNK ? RUN_CHUNK :
	    r->inleft);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0) {
		r->in += n;
		r->inleft -= (size_t)n;
	} else
		r->inleft = 0;
	if (r->inleft == 0)
		close_fd(&r->infd);
}

/* Reads what the command printed into out (at most max bytes in all). */
static enum run_end
run_drain(struct run *r, struct buf *out, size_t max)
{
	char	 chunk[RUN_CHUNK];
	ssize_t	 n;

	n = read(r->outfd, chunk, sizeof(chunk));
	if (n == -1)
		return errno == EAGAIN || errno == EINTR ? RUN_OK : RUN_FAILED;
	if (n == 0) {
		close_fd(&r->outfd);
		return RUN_OK;
	}
	if ((size_t)n > max - out->len)
		return RUN_TOOMUCH;
	if (buf_add(out, chunk, (size_t)n) == -1) {
		errno = ENOMEM;
		return RUN_FAILED;
	}
	return RUN_OK;
}

/* Moves input and output until the command closes its stdout. */
static enum run_end
run_pump(struct run *r, struct buf *out, size_t max)
{
	struct pollfd	 pfd[2];
	nfds_t		 nfd;
	enum run_end	 end = RUN_OK;

	while (end == RUN_OK && r->outfd != -1) {
		if (ms_left(r->deadline) == 0)
			return RUN_TIMEOUT;
		memset(pfd, 0, sizeof(pfd));
		pfd[0].fd = r->outfd;
		pfd[0].events = POLLIN;
		pfd[1].fd = r->infd;
		pfd[1].events = POLLOUT;
		nfd = r->infd != -1 ? 2 : 1;
		if (poll(pfd, nfd, ms_left(r->deadline)) == -1) {
			if (errno != EINTR)
				return RUN_FAILED;
			continue;
		}
		if (nfd == 2 && pfd[1].revents != 0)
			run_feed(r);
		if (pfd[0].revents != 0)
			end = run_drain(r, out, max);
	}
	return end;
}

/* Waits for the child to end and sets *status; RUN_OK, RUN_TIMEOUT or
 * RUN_FAILED. */
static enum run_end
run_reap(struct run *r, int *status)
{
	pid_t	 w;
	int	 st;

	for (;;) {
		w = waitpid(r->pid, &st, WNOHANG);
		if (w == r->pid)
			break;
		if (w == -1 && errno != EINTR)
			return RUN_FAILED;
		if (ms_left(r->deadline) == 0)
			return RUN_TIMEOUT;
		if (w == 0)
			plat_sleep_ms(2);
	}
	r->pid = -1;
	if (WIFEXITED(st))
		*status = WEXITSTATUS(st);
	else if (WIFSIGNALED(st))
		*status = 128 + WTERMSIG(st);
	else
		*status = 255;
	return RUN_OK;
}

/* Runs the started command to its end; 0, or -1 with err set. */
static int
run_finish(struct run *r, struct buf *out, int *status, char *err,
    size_t errlen)
{
	size_t		 max = out->max ? out->max : BUF_MAX_DEFAULT;
	enum run_end	 end;
	int		 e;

	end = run_pump(r, out, max);
	close_fd(&r->infd);
	if (end == RUN_OK)
		end = run_reap(r, status);
	close_fd(&r->outfd);
	if (end == RUN_OK)
		return 0;
	e = errno;
	if (r->pid > 0)
		run_kill(r);
	run_error(r, end, max, e, err, errlen);
	return -1;
}

/* Prepares r for cmd: its name, input and deadline. */
static void
run_init(struct run *r, const struct plat_cmd *cmd)
{
	memset(r, 0, sizeof(*r));
	r->pid = -1;
	r->outfd = r->infd = -1;
	run_name(r, cmd);
	r->in = cmd->input;
	r->inleft = cmd->input != NULL ? cmd->inputlen : 0;
	r->timeout_ms = cmd->timeout_ms > 0 ? cmd->timeout_ms :
	    RUN_TIMEOUT_MS;
	r->deadline = plat_monotonic_ms() + r->timeout_ms;
}

/* SIGPIPE is ignored while we run (a command that does not read its input
 * gives EPIPE instead); the child gets back the old disposition. The
 * output buffer is emptied first. */
int
plat_run(const struct plat_cmd *cmd, struct buf *out, int *status,
    char *err, size_t errlen)
{
	struct sigaction ign, old, ends[3];
	struct run	 r;
	char		**envp;
	int		 rc;

	*status = -1;
	buf_reset(out);
	if (cmd->shell == NULL && (cmd->argv == NULL || cmd->argv[0] == NULL)) {
		snprintf(err, errlen, "no command to run");
		return -1;
	}
	run_init(&r, cmd);
	envp = env_build(cmd->env);
	if (envp == NULL) {
		run_error(&r, RUN_FAILED, 0, ENOMEM, err, errlen);
		return -1;
	}
	memset(&ign, 0, sizeof(ign));
	sigemptyset(&ign.sa_mask);
	ign.sa_handler = SIG_IGN;
	(void)sigaction(SIGPIPE, &ign, &old);
	end_sigs_catch(ends);
	rc = run_start(&r, cmd, envp, &old, err, errlen);
	if (rc == 0)
		rc = run_finish(&r, out, status, err, errlen);
	end_sigs_restore(ends);
	(void)sigaction(SIGPIPE, &old, NULL);
	free(envp);
	return rc;
}

/* --- time --------------------------------------------------------------- */

long long
plat_monotonic_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return 0;
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
plat_sleep_ms(int ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}
