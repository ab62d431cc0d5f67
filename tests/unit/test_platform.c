/* test_platform.c - unit tests for the POSIX platform layer (platform.h). */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "platform.h"
#include "t.h"

/* Checks a malloc'd string result against want, then frees it. */
#define CHECK_STR_FREE(expr, want) do {					\
	char *t_s = (expr);						\
	CHECK_STR(t_s, (want));						\
	free(t_s);							\
} while (0)

static char	 tmpdir[64];	/* this run's scratch directory */
static char	 err[512];

/* Returns tmpdir/rel in a static buffer (one of four, reused in turn). */
static const char *
tpath(const char *rel)
{
	static char	 bufs[4][256];
	static int	 i;

	i = (i + 1) % 4;
	snprintf(bufs[i], sizeof(bufs[i]), "%s/%s", tmpdir, rel);
	return bufs[i];
}

/* Returns the contents of path (malloc'd, NUL-terminated) or NULL. */
static char *
slurp(const char *path)
{
	struct buf	 b = BUF_INIT(0);
	char		 chunk[512];
	size_t		 n;
	FILE		*f = fopen(path, "r");

	if (f == NULL)
		return NULL;
	for (;;) {
		n = fread(chunk, 1, sizeof(chunk), f);
		if (n == 0)
			break;
		buf_add(&b, chunk, n);
	}
	fclose(f);
	return buf_detach(&b);
}

/* Returns the number of entries of dir whose name contains part. */
static int
count_named(const char *dir, const char *part)
{
	DIR		*d = opendir(dir);
	struct dirent	*e;
	int		 n = 0;

	if (d == NULL)
		return -1;
	for (;;) {
		e = readdir(d);
		if (e == NULL)
			break;
		if (strstr(e->d_name, part) != NULL)
			n++;
	}
	closedir(d);
	return n;
}

/* Removes path and everything under it (test scratch only). */
static void
rm_tree(const char *path)
{
	struct stat	 st;
	struct dirent	*e;
	DIR		*d;
	char		 sub[512];

	if (lstat(path, &st) == -1)
		return;
	if (S_ISDIR(st.st_mode)) {
		chmod(path, 0700);
		d = opendir(path);
		for (;;) {
			e = d ? readdir(d) : NULL;
			if (e == NULL)
				break;
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
			rm_tree(sub);
		}
		if (d != NULL)
			closedir(d);
		rmdir(path);
	} else
		unlink(path);
}

static void
test_atomic(void)
{
	const char	*path;
	struct stat	 st;
	char		 own[256], *s;

	snprintf(own, sizeof(own), "%s", tpath("state.ini"));
	path = own;

	CHECK(plat_write_atomic(path, "old\n", 4, err, sizeof(err)) == 0);
	CHECK(plat_write_atomic(path, "new content\n", 12, err,
	    sizeof(err)) == 0);
	s = slurp(path);
	CHECK_STR(s, "new content\n");
	free(s);
	CHECK(count_named(tmpdir, ".tmp.") == 0);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644);
	CHECK(plat_is_file(path) == 1);
	CHECK(plat_is_file(tmpdir) == 0);
	CHECK(plat_others_can_read(path) == 1);
	chmod(path, 0600);
	CHECK(plat_others_can_read(path) == 0);
	CHECK(plat_others_can_read(tpath("missing")) == -1);

	/* Empty data is a valid (empty) file. */
	CHECK(plat_write_atomic(path, "", 0, err, sizeof(err)) == 0);
	CHECK(stat(path, &st) == 0 && st.st_size == 0);

	/* A missing directory, and its parents, are created. */
	path = tpath("a/b/c/state.ini");
	CHECK(plat_write_atomic(path, "x", 1, err, sizeof(err)) == 0);
	s = slurp(path);
	CHECK_STR(s, "x");
	free(s);
}

static void
test_atomic_fail(void)
{
	char	 dir[256], path[256], *s;

	snprintf(dir, sizeof(dir), "%s", tpath("ro"));
	snprintf(path, sizeof(path), "%s", tpath("ro/state.ini"));

	/* Renaming over a directory fails even for root: nothing is left. */
	mkdir(tpath("isdir"), 0755);
	mkdir(tpath("isdir/sub"), 0755);
	CHECK(plat_write_atomic(tpath("isdir/sub"), "x", 1, err,
	    sizeof(err)) == -1);
	CHECK(strstr(err, tpath("isdir/sub")) != NULL);
	CHECK(count_named(tpath("isdir"), ".tmp.") == 0);
	CHECK(count_named(tpath("isdir/sub"), "") == 2);

	/* A directory path through a regular file cannot be made. */
	CHECK(plat_write_atomic(tpath("state.ini/x/y"), "x", 1, err,
	    sizeof(err)) == -1);
	CHECK(strstr(err, "cannot create directory") != NULL);
	CHECK(plat_mkdirs(tpath("state.ini/x"), err, sizeof(err)) == -1);
	CHECK(plat_mkdirs(tpath("m/n/"), err, sizeof(err)) == 0);
	CHECK(plat_mkdirs(tpath("m/n"), err, sizeof(err)) == 0);

	mkdir(dir, 0755);
	CHECK(plat_write_atomic(path, "old", 3, err, sizeof(err)) == 0);
	chmod(dir, 0555);
	if (geteuid() == 0)
		printf("test_platform: skipping the read-only directory "
		    "check: running as root, which ignores modes\n");
	else {
		CHECK(plat_write_atomic(path, "new", 3, err,
		    sizeof(err)) == -1);
		CHECK(strstr(err, path) != NULL);
		s = slurp(path);
		CHECK_STR(s, "old");
		free(s);
		CHECK(count_named(dir, ".tmp.") == 0);
	}
	chmod(dir, 0755);
}

static void
test_atomic_reader(void)
{
	const char	*path = tpath("reader.ini");
	char		 got[32];
	size_t		 n;
	FILE		*f;

	CHECK(plat_write_atomic(path, "first", 5, err, sizeof(err)) == 0);
	f = plat_fopen(path, "rb");
	CHECK(f != NULL);
	if (f == NULL)
		return;
	CHECK((fcntl(fileno(f), F_GETFD) & FD_CLOEXEC) != 0);
	CHECK(plat_write_atomic(path, "second", 6, err, sizeof(err)) == 0);
	n = fread(got, 1, sizeof(got) - 1, f);
	got[n] = '\0';
	CHECK_STR(got, "first");
	fclose(f);
}

/* Creates an empty file tmpdir/rel; 0 or -1. */
static int
touch(const char *rel)
{
	int fd = open(tpath(rel), O_CREAT | O_WRONLY, 0600);

	return fd == -1 ? -1 : close(fd);
}

/* Temp files a killed write left are removed; nothing else is. */
static void
test_clean_temps(void)
{
	char	 path[256];

	snprintf(path, sizeof(path), "%s", tpath("clean/state.ini"));
	CHECK(plat_clean_temps(tpath("clean/none.ini")) == 0);	/* no dir */
	CHECK(plat_write_atomic(path, "x", 1, err, sizeof(err)) == 0);
	CHECK(touch("clean/state.ini.tmp.AbC123") == 0);
	CHECK(touch("clean/state.ini.tmp.zzzzzz") == 0);
	/* Not ours: other names, and another file's temp. */
	CHECK(touch("clean/state.ini.tmp.keep") == 0);
	CHECK(touch("clean/other.ini.tmp.AbC123") == 0);
	CHECK(plat_clean_temps(path) == 2);
	CHECK(count_named(tpath("clean"), ".tmp.") == 2);
	CHECK(count_named(tpath("clean"), "state.ini.tmp.keep") == 1);
	CHECK(count_named(tpath("clean"), "other.ini.tmp.") == 1);
	CHECK_STR_FREE(slurp(path), "x");
	CHECK(plat_clean_temps(path) == 0);
}

/* In a child: takes the lock, says so on fd up, holds it until down
 * closes (or 10 s pass), then exits. */
static void
lock_child(const char *path, int up, int down)
{
	struct plat_lock	*lk;
	char			 c;

	alarm(10);
	if (plat_lock(path, 0, &lk, err, sizeof(err)) != 0)
		_exit(1);
	if (write(up, "x", 1) != 1)
		_exit(1);
	while (read(down, &c, 1) == -1 && errno == EINTR)
		;
	_exit(0);
}

static void
test_lock(void)
{
	const char		*path = tpath("locks/run.lock");
	struct plat_lock	*lk = NULL;
	long long		 t0, dt;
	int			 up[2], down[2], st;
	char			 c;
	pid_t			 pid;

	CHECK(plat_lock(path, 0, &lk, err, sizeof(err)) == 0);
	plat_unlock(lk);
	plat_unlock(NULL);
	if (pipe(up) == -1 || pipe(down) == -1)
		return;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(up[0]);
		close(down[1]);
		lock_child(path, up[1], down[0]);
	}
	close(up[1]);
	close(down[0]);
	CHECK(read(up[0], &c, 1) == 1);
	t0 = plat_monotonic_ms();
	lk = NULL;
	CHECK(plat_lock(path, 300, &lk, err, sizeof(err)) == 1);
	dt = plat_monotonic_ms() - t0;
	CHECK(lk == NULL);
	CHECK(dt >= 250 && dt < 20000);	/* loose: noisy machines */
	CHECK(strstr(err, path) != NULL);
	close(down[1]);
	close(up[0]);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0);
	CHECK(plat_lock(path, 1000, &lk, err, sizeof(err)) == 0);
	CHECK(lk != NULL);
	plat_unlock(lk);
	CHECK(plat_lock(tpath("state.ini/x.lock"), 0, &lk, err,
	    sizeof(err)) == -1);
}

/* Runs cmd with an output cap; returns plat_run's result. */
static int
run(struct plat_cmd *cmd, struct buf *out, size_t max, int *status)
{
	buf_free(out);
	buf_init(out, max);
	if (cmd->timeout_ms == 0)
		cmd->timeout_ms = 10000;
	return plat_run(cmd, out, status, err, sizeof(err));
}

static void
test_run_basic(void)
{
	static const char *const printf_argv[] = { "printf", "%s|", "a b",
	    "c", NULL };
	static const char *const missing[] = { "ddns-no-such-command", NULL };
	struct plat_cmd	 c;
	struct buf	 out = BUF_INIT(0);
	int		 st;

	memset(&c, 0, sizeof(c));
	c.shell = "echo hello";
	CHECK(run(&c, &out, 0, &st) == 0 && st == 0);
	CHECK_STR(buf_str(&out), "hello\n");
	c.shell = "echo partial; exit 3";
	CHECK(run(&c, &out, 0, &st) == 0 && st == 3);
	CHECK_STR(buf_str(&out), "partial\n");
	c.shell = "kill -9 $$";
	CHECK(run(&c, &out, 0, &st) == 0 && st == 128 + 9);
	c.shell = NULL;
	c.argv = printf_argv;
	CHECK(run(&c, &out, 0, &st) == 0 && st == 0);
	CHECK_STR(buf_str(&out), "a b|c|");
	c.argv = missing;
	CHECK(run(&c, &out, 0, &st) == -1);
	CHECK(strstr(err, "cannot run ddns-no-such-command") != NULL);
	c.argv = NULL;
	CHECK(run(&c, &out, 0, &st) == -1);

	/* Exactly at the cap is fine; one byte more is not. */
	c.shell = "printf 0123456789";
	CHECK(run(&c, &out, 10, &st) == 0 && out.len == 10);
	c.shell = "i=0; while [ $i -lt 300 ]; do echo 0123456789; "
	    "i=$((i+1)); done";
	CHECK(run(&c, &out, 1000, &st) == -1);
	CHECK(strstr(err, "more than 1000 bytes") != NULL);
	CHECK(out.len <= 1000);
	buf_free(&out);
}

static void
test_run_input(void)
{
	static const char *const cat[] = { "cat", NULL };
	struct plat_cmd	 c;
	struct buf	 out = BUF_INIT(0);
	size_t		 i, big = 1 << 20;
	char		*in = malloc(big);
	int		 st;

	memset(&c, 0, sizeof(c));
	c.argv = cat;
	c.input = "line1\nx\0y";
	c.inputlen = 9;
	CHECK(run(&c, &out, 0, &st) == 0 && st == 0);
	CHECK(out.len == 9 && memcmp(out.data, "line1\nx\0y", 9) == 0);
	c.input = NULL;
	CHECK(run(&c, &out, 0, &st) == 0 && st == 0 && out.len == 0);

	/* A megabyte through cat: both pipes must flow at once. */
	for (i = 0; in != NULL && i < big; i++)
		in[i] = (char)('a' + i % 26);
	c.input = in;
	c.inputlen = in ? big : 0;
	CHECK(run(&c, &out, 2 * big, &st) == 0 && st == 0);
	CHECK(in != NULL && out.len == big && memcmp(out.data, in, big) == 0);

	/* A command that never reads its input must not kill us by SIGPIPE. */
	c.argv = NULL;
	c.shell = "exit 4";
	CHECK(run(&c, &out, 0, &st) == 0 && st == 4);
	free(in);
	buf_free(&out);
}

static void
test_run_env(void)
{
	static const char *const env_argv[] = { "env", NULL };
	static const char *const env[] = { "DDNS_T_X=hello there",
	    "DDNS_T_Y=new", NULL };
	struct plat_cmd	 c;
	struct buf	 out = BUF_INIT(0);
	int		 st;

	setenv("DDNS_T_Y", "old", 1);
	memset(&c, 0, sizeof(c));
	c.env = env;
	c.shell = "printf '%s|%s' \"$DDNS_T_X\" \"$DDNS_T_Y\"";
	CHECK(run(&c, &out, 0, &st) == 0 && st == 0);
	CHECK_STR(buf_str(&out), "hello there|new");
	/* env(1) prints the environment as given: the old value is gone. */
	c.shell = NULL;
	c.argv = env_argv;
	CHECK(run(&c, &out, 0, &st) == 0 && st == 0);
	CHECK(strstr(buf_str(&out), "DDNS_T_Y=new\n") != NULL);
	CHECK(strstr(buf_str(&out), "DDNS_T_Y=old") == NULL);
	CHECK(strstr(buf_str(&out), "DDNS_T_X=hello there\n") != NULL);
	CHECK(strstr(buf_str(&out), "PATH=") != NULL);
	unsetenv("DDNS_T_Y");
	buf_free(&out);
}

/* Returns 1 when fd reaches end of file within ms milliseconds. */
static int
eof_within(int fd, int ms)
{
	struct pollfd	 pfd;
	char		 c;

	pfd.fd = fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, ms) != 1)
		return 0;
	return read(fd, &c, 1) == 0;
}

static void
test_run_timeout(void)
{
	static const char *const sleep_argv[] = { "sleep", "30", NULL };
	struct plat_cmd	 c;
	struct buf	 out = BUF_INIT(0);
	long long	 t0;
	int		 st, held[2];

	memset(&c, 0, sizeof(c));
	c.argv = sleep_argv;
	c.timeout_ms = 300;
	t0 = plat_monotonic_ms();
	CHECK(run(&c, &out, 0, &st) == -1);
	CHECK(plat_monotonic_ms() - t0 < 20000);	/* vs sleep 30 */
	CHECK(strstr(err, "timed out") != NULL);
	CHECK(strstr(err, "sleep") != NULL);

	/* The grandchild holds our pipe too: the whole group must die. The
	 * command's arguments (a pretend token) stay out of the message.
	 * Every process also inherits held[1]: its end of file proves that
	 * all of them are gone (even if nobody has reaped them yet). */
	if (pipe(held) == -1)
		return;
	c.argv = NULL;
	c.shell = "TOKEN=abc123 sleep 30 & sleep 30 # token-xyz789";
	t0 = plat_monotonic_ms();
	CHECK(run(&c, &out, 0, &st) == -1);
	close(held[1]);
	CHECK(eof_within(held[0], 15000));
	close(held[0]);
	CHECK(plat_monotonic_ms() - t0 < 20000);	/* vs sleep 30 */
	CHECK(strstr(err, "timed out") != NULL);
	CHECK(strstr(err, "abc123") == NULL);
	CHECK(strstr(err, "token-xyz789") == NULL);
	CHECK(strstr(err, ": sleep") != NULL);
	buf_free(&out);
}

/* Returns 1 when list[n] holds the address bytes want (len 4 or 16). */
static int
has_addr(const struct plat_ifaddr *list, size_t n, const unsigned char *want,
    size_t len, unsigned *flags)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (memcmp(list[i].bytes, want, len) == 0) {
			*flags = list[i].flags;
			return 1;
		}
	return 0;
}

static void
test_iface(void)
{
	static const unsigned char lo4[4] = { 127, 0, 0, 1 };
	static const unsigned char lo6[16] = { [15] = 1 };
	struct plat_ifaddr	 a[16];
	const char		*lo = "lo";
	unsigned		 fl = 99;
	size_t			 n = 99;

	if (plat_iface_addrs(lo, 4, a, 16, &n, err, sizeof(err)) == -1) {
		lo = "lo0";
		CHECK(plat_iface_addrs(lo, 4, a, 16, &n, err,
		    sizeof(err)) == 0);
	}
	CHECK(n >= 1 && a[0].family == 4);
	CHECK(has_addr(a, n, lo4, 4, &fl) && fl == 0);
	CHECK(plat_iface_addrs(lo, 4, a, 0, &n, err, sizeof(err)) == 0);
	CHECK(n == 0);
	CHECK(plat_iface_addrs(lo, 6, a, 16, &n, err, sizeof(err)) == 0);
	if (n > 0) {
		CHECK(a[0].family == 6);
		CHECK(has_addr(a, n, lo6, 16, &fl) && fl == 0);
	} else
		printf("test_platform: %s has no IPv6 address here\n", lo);
	n = 99;
	CHECK(plat_iface_addrs("ddnsnosuch0", 4, a, 16, &n, err,
	    sizeof(err)) == -1);
	CHECK(n == 0);
	CHECK(strstr(err, "no interface named ddnsnosuch0") != NULL);
	CHECK(plat_iface_addrs(lo, 5, a, 16, &n, err, sizeof(err)) == -1);
}

/* The per-user defaults; must run as a non-root user. */
static void
check_user_defaults(void)
{
	struct passwd	*pw = getpwuid(geteuid());
	char		 want[512];

	setenv("HOME", "/tmp/ddns-h", 1);
	unsetenv("STATE_DIRECTORY");
	setenv("XDG_CONFIG_HOME", "/tmp/ddns-x", 1);
	setenv("XDG_STATE_HOME", "/tmp/ddns-s", 1);
	CHECK_STR_FREE(plat_default_config(),
	    "/tmp/ddns-x/ddns-update/ddns-update.ini");
	CHECK_STR_FREE(plat_default_state(),
	    "/tmp/ddns-s/ddns-update/state.ini");
	/* Relative XDG values are ignored, as the spec says. */
	setenv("XDG_CONFIG_HOME", "rel", 1);
	unsetenv("XDG_STATE_HOME");
	CHECK_STR_FREE(plat_default_config(),
	    "/tmp/ddns-h/.config/ddns-update/ddns-update.ini");
	CHECK_STR_FREE(plat_default_state(),
	    "/tmp/ddns-h/.local/state/ddns-update/state.ini");
	setenv("STATE_DIRECTORY", "/tmp/ddns-sd:/tmp/other", 1);
	CHECK_STR_FREE(plat_default_state(), "/tmp/ddns-sd/state.ini");
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("HOME");
	snprintf(want, sizeof(want), "%s/.config/ddns-update/ddns-update.ini",
	    pw ? pw->pw_dir : "?");
	CHECK_STR_FREE(plat_default_config(), want);
}

static void
test_defaults(void)
{
	int	 st = -1, before = t_fail;
	pid_t	 pid;

	if (!plat_is_admin()) {
		check_user_defaults();
		return;
	}
	unsetenv("STATE_DIRECTORY");
	CHECK_STR_FREE(plat_default_config(), "/etc/ddns-update.ini");
	CHECK_STR_FREE(plat_default_state(), "/var/lib/ddns-update/state.ini");
	setenv("STATE_DIRECTORY", "/run/sd", 1);
	CHECK_STR_FREE(plat_default_state(), "/run/sd/state.ini");
	unsetenv("STATE_DIRECTORY");

	/* As root, check the per-user paths in a child that is "nobody". */
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		if (setgid(65534) == -1 || setuid(65534) == -1)
			_exit(77);
		check_user_defaults();
		_exit(t_fail > before ? 1 : 0);
	}
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st));
	if (WEXITSTATUS(st) == 77)
		printf("test_platform: cannot become nobody; skipping the "
		    "per-user default paths\n");
	else
		CHECK(WEXITSTATUS(st) == 0);
}

static void
test_paths(const char *argv0)
{
	char		*cwd = plat_abspath("."), *p, want[512];
	const char	*oldpath = getenv("PATH");
	char		*saved = oldpath ? strdup(oldpath) : NULL;
	FILE		*f;

	CHECK(cwd != NULL && cwd[0] == '/');
	CHECK_STR_FREE(plat_abspath("/a/b"), "/a/b");
	snprintf(want, sizeof(want), "%s/x/y", cwd ? cwd : "");
	CHECK_STR_FREE(plat_abspath("x/y"), want);
	CHECK_STR_FREE(plat_abspath("./x/y"), want);
	if (strchr(argv0, '/') != NULL) {
		p = plat_self_path(argv0);
		CHECK(p != NULL && p[0] == '/' && plat_is_file(p));
		free(p);
	}

	/* An executable found on $PATH, skipping a non-executable one. */
	mkdir(tpath("bin1"), 0755);
	mkdir(tpath("bin2"), 0755);
	f = fopen(tpath("bin1/ddns-prog"), "w");
	if (f != NULL)
		fclose(f);
	f = fopen(tpath("bin2/ddns-prog"), "w");
	if (f != NULL)
		fclose(f);
	chmod(tpath("bin1/ddns-prog"), 0644);
	chmod(tpath("bin2/ddns-prog"), 0755);
	snprintf(want, sizeof(want), "%s:%s", tpath("bin1"), tpath("bin2"));
	setenv("PATH", want, 1);
	CHECK_STR_FREE(plat_self_path("ddns-prog"), tpath("bin2/ddns-prog"));
	CHECK(plat_self_path("ddns-nothing") == NULL);
	CHECK(plat_self_path("") == NULL);
	if (saved != NULL)
		setenv("PATH", saved, 1);
	free(saved);
	free(cwd);
}

static void
test_time(void)
{
	long long t0 = plat_monotonic_ms();

	plat_sleep_ms(50);
	CHECK(plat_monotonic_ms() - t0 >= 50);
	plat_sleep_ms(0);
	plat_sleep_ms(-5);
}

int
main(int argc, char **argv)
{
	(void)argc;
	umask(022);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ddns-tplat.XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_atomic();
	test_atomic_fail();
	test_atomic_reader();
	test_clean_temps();
	test_lock();
	test_run_basic();
	test_run_input();
	test_run_env();
	test_run_timeout();
	test_iface();
	test_time();
	test_paths(argv[0]);
	test_defaults();
	rm_tree(tmpdir);
	T_END("test_platform");
}
