/*
 * test_schedule.c - the schedule generators: interval rules, quoting per
 * format, UTF-16, crontab merging, and golden files.
 *
 * Goldens live in tests/golden/schedule/CASE.FILE (CASE.refused holds the
 * message of an expected refusal); the typical-install examples in
 * examples/schedule/ are checked the same way, the Windows one as the
 * UTF-16LE bytes schtasks gets. Run from the top of the tree. After a
 * deliberate change, DDNS_GOLDEN_UPDATE=1 rewrites them: review the diff.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "schedule.h"
#include "t.h"

#define GOLDEN_DIR	"tests/golden/schedule/"
#define EXAMPLE_DIR	"examples/schedule/"

static int updating;

/* --- small helpers ------------------------------------------------------- */

/* Returns the text f(s) appends to an empty buffer (static storage). */
static const char *
q(int (*f)(struct buf *, const char *), const char *s)
{
	static struct buf b = BUF_INIT(0);

	buf_reset(&b);
	if (f(&b, s) == -1)
		return "(failed)";
	return buf_str(&b);
}

static int
sh(struct buf *b, const char *s)
{
	return sched_sh_quote(b, s, 0);
}

static int
sh_cron(struct buf *b, const char *s)
{
	return sched_sh_quote(b, s, 1);
}

static int
sd_arg(struct buf *b, const char *s)
{
	return sched_systemd_quote(b, s, 0);
}

static int
sd_exe(struct buf *b, const char *s)
{
	return sched_systemd_quote(b, s, 1);
}

/* Returns the seconds sched_parse_every gives for s, or -1. */
static long
every(const char *s)
{
	char	 err[256];
	long	 secs = 0;

	return sched_parse_every(s, &secs, err, sizeof(err)) == 0 ? secs : -1;
}

/* Reads a whole file into b; 0 or -1. */
static int
read_file(const char *path, struct buf *b)
{
	char	 chunk[4096];
	size_t	 n;
	FILE	*f = fopen(path, "rb");

	if (f == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(b, chunk, n) == -1)
			break;
	n = (size_t)ferror(f);
	fclose(f);
	return n ? -1 : 0;
}

/* Writes data to path (update mode); 0 or -1. */
static int
write_file(const char *path, const char *data, size_t len)
{
	FILE	*f = fopen(path, "wb");
	int	 rc;

	if (f == NULL)
		return -1;
	rc = fwrite(data, 1, len, f) == len ? 0 : -1;
	if (fclose(f) == EOF)
		rc = -1;
	return rc;
}

/* Compares data with the file at path (or rewrites it when updating);
 * reports the first differing line. */
static void
check_golden(const char *path, const char *data, size_t len)
{
	struct buf	 want = BUF_INIT(0);
	size_t		 i, line = 1;

	if (updating) {
		CHECK(write_file(path, data, len) == 0);
		return;
	}
	if (read_file(path, &want) == -1) {
		fprintf(stderr, "%s: cannot read (run from the top of the "
		    "tree; DDNS_GOLDEN_UPDATE=1 creates it)\n", path);
		CHECK(0);
		return;
	}
	for (i = 0; i < len && i < want.len && data[i] == want.data[i]; i++)
		if (data[i] == '\n')
			line++;
	if (i != len || i != want.len)
		fprintf(stderr, "%s: differs at line %zu (byte %zu)\n", path,
		    line, i);
	CHECK(i == len && i == want.len);
	buf_free(&want);
}

/* --- unit checks ---------------------------------------------------------- */

static void
test_every(void)
{
	CHECK(every("5m") == 300);
	CHECK(every("1m") == 60);
	CHECK(every("45s") == 45);
	CHECK(every("90m") == 5400);
	CHECK(every("2h") == 7200);
	CHECK(every("24h") == 86400);
	CHECK(every("86400s") == 86400);
	CHECK(every("86401s") == -1);
	CHECK(every("25h") == -1);
	CHECK(every("0s") == -1);
	CHECK(every("0m") == -1);
	CHECK(every("5") == -1);
	CHECK(every("m") == -1);
	CHECK(every("") == -1);
	CHECK(every("5mm") == -1);
	CHECK(every("5d") == -1);
	CHECK(every("-5m") == -1);
	CHECK(every("+5m") == -1);
	CHECK(every(" 5m") == -1);
	CHECK(every("99999999999999999999m") == -1);
}

static void
test_formats(void)
{
	enum sched_fmt f = SCHED_CRON;

	CHECK(sched_fmt_parse("windows", &f) == 0 && f == SCHED_WINDOWS);
	CHECK(sched_fmt_parse("systemd", &f) == 0 && f == SCHED_SYSTEMD);
	CHECK(sched_fmt_parse("cron", &f) == 0 && f == SCHED_CRON);
	CHECK(sched_fmt_parse("launchd", &f) == 0 && f == SCHED_LAUNCHD);
	CHECK(sched_fmt_parse("Windows", &f) == -1);
	CHECK(sched_fmt_parse("upstart", &f) == -1);
	CHECK(sched_nfiles(SCHED_SYSTEMD) == 2);
	CHECK(sched_nfiles(SCHED_CRON) == 1);
	CHECK_STR(sched_file_name(SCHED_SYSTEMD, 1), "ddns-update.timer");
	CHECK_STR(sched_file_name(SCHED_WINDOWS, 0), "ddns-update.xml");
	CHECK(sched_file_name(SCHED_WINDOWS, 1) == NULL);
}

static void
test_quoting(void)
{
	CHECK_STR(q(sched_xml_escape, "a&b<c>\"d'e&&"),
	    "a&amp;b&lt;c&gt;\"d'e&amp;&amp;");
	CHECK_STR(q(sched_xml_escape, "plain ü"), "plain ü");

	CHECK_STR(q(sh, "/usr/local/bin/ddns-update"),
	    "/usr/local/bin/ddns-update");
	CHECK_STR(q(sh, "/a b/c"), "'/a b/c'");
	CHECK_STR(q(sh, "/it's"), "'/it'\\''s'");
	CHECK_STR(q(sh, "/100%"), "'/100%'");
	CHECK_STR(q(sh_cron, "/100%"), "'/100\\%'");
	CHECK_STR(q(sh, "$HOME"), "'$HOME'");
	CHECK_STR(q(sh, ""), "''");

	CHECK_STR(q(sd_arg, "/etc/ddns-update.ini"), "/etc/ddns-update.ini");
	CHECK_STR(q(sd_arg, "/a b"), "\"/a b\"");
	CHECK_STR(q(sd_arg, "/a\"b\\c"), "\"/a\\\"b\\\\c\"");
	CHECK_STR(q(sd_arg, "/50%"), "\"/50%%\"");
	CHECK_STR(q(sd_arg, "/$HOME"), "\"/$$HOME\"");
	CHECK_STR(q(sd_exe, "/$HOME"), "\"/$HOME\"");
	CHECK_STR(q(sd_exe, "/50%"), "\"/50%%\"");
	CHECK_STR(q(sd_arg, "/it's ü"), "\"/it's ü\"");

	CHECK_STR(q(sched_win_quote, "C:\\x\\y.ini"), "C:\\x\\y.ini");
	CHECK_STR(q(sched_win_quote, "C:\\a b\\c.ini"), "\"C:\\a b\\c.ini\"");
	CHECK_STR(q(sched_win_quote, "C:\\a b\\"), "\"C:\\a b\\\\\"");
	CHECK_STR(q(sched_win_quote, "a\"b"), "\"a\\\"b\"");
	CHECK_STR(q(sched_win_quote, "a\\\"b"), "\"a\\\\\\\"b\"");
	CHECK_STR(q(sched_win_quote, ""), "\"\"");
}

/* Returns 1 when the UTF-16LE conversion of s is exactly want (n bytes). */
static int
utf16_is(const char *s, const char *want, size_t n)
{
	struct buf	 b = BUF_INIT(0);
	char		 err[128];
	int		 ok;

	ok = sched_utf16le(s, strlen(s), &b, err, sizeof(err)) == 0 &&
	    b.len == n && memcmp(b.data, want, n) == 0;
	buf_free(&b);
	return ok;
}

/* Returns 1 when converting s to UTF-16 is refused. */
static int
utf16_refused(const char *s)
{
	struct buf	 b = BUF_INIT(0);
	char		 err[128];
	int		 rc;

	rc = sched_utf16le(s, strlen(s), &b, err, sizeof(err));
	buf_free(&b);
	return rc == -1 && strstr(err, "UTF-8") != NULL;
}

static void
test_text(void)
{
	char err[256];

	CHECK(utf16_is("", "\xff\xfe", 2));
	CHECK(utf16_is("A<", "\xff\xfe" "A\0<\0", 6));
	CHECK(utf16_is("\xc3\xa9", "\xff\xfe\xe9\0", 4));
	CHECK(utf16_is("\xe2\x82\xac", "\xff\xfe\xac\x20", 4));
	CHECK(utf16_is("\xf0\x9f\x98\x80", "\xff\xfe\x3d\xd8\x00\xde", 6));
	CHECK(utf16_refused("\xc3"));			/* truncated */
	CHECK(utf16_refused("\xc0\xaf"));		/* overlong '/' */
	CHECK(utf16_refused("\xed\xa0\x80"));		/* surrogate */
	CHECK(utf16_refused("\xf4\x90\x80\x80"));	/* > U+10FFFF */
	CHECK(utf16_refused("a\x80"));			/* stray */

	CHECK(sched_check_text("p", "/ok/ü/€/😀", err, sizeof(err)) == 0);
	CHECK(sched_check_text("p", "/a\nb", err, sizeof(err)) == -1);
	CHECK(strstr(err, "control") != NULL);
	CHECK(sched_check_text("p", "/a\tb", err, sizeof(err)) == -1);
	CHECK(sched_check_text("p", "/a\x7f", err, sizeof(err)) == -1);
	CHECK(sched_check_text("p", "/\xff", err, sizeof(err)) == -1);
	CHECK(strstr(err, "UTF-8") != NULL);
	CHECK(sched_check_text("p", "", err, sizeof(err)) == -1);
}

#define M	" " SCHED_CRON_MARK

/* Returns the merge of cur and block (static storage); *found set. */
static const char *
merge(const char *cur, const char *block, size_t *found)
{
	static struct buf b = BUF_INIT(0);

	buf_reset(&b);
	if (sched_cron_merge(cur, block, &b, found) == -1)
		return "(failed)";
	return buf_str(&b);
}

static void
test_cron_merge(void)
{
	const char	*foreign = "MAILTO=me\n# mine\n0 3 * * * /bin/backup\n";
	const char	*blk = "# ours" M "\n*/5 * * * * /x" M "\n";
	const char	*blk2 = "# ours" M "\n* * * * * /x" M "\n";
	struct buf	 once = BUF_INIT(0);
	size_t		 found = 99;

	CHECK_STR(merge("", blk, &found), blk);
	CHECK(found == 0);
	buf_adds(&once, merge(foreign, blk, &found));
	CHECK(found == 0);
	CHECK(strncmp(buf_str(&once), foreign, strlen(foreign)) == 0);
	CHECK_STR(buf_str(&once) + strlen(foreign), blk);
	/* idempotent: installing again changes nothing */
	CHECK_STR(merge(buf_str(&once), blk, &found), buf_str(&once));
	CHECK(found == 2);
	/* uninstall gives the foreign lines back byte for byte */
	CHECK_STR(merge(buf_str(&once), NULL, &found), foreign);
	CHECK(found == 2);
	CHECK_STR(merge(foreign, NULL, &found), foreign);
	CHECK(found == 0);
	/* a changed block replaces ours in place */
	CHECK_STR(merge("a\nold" M "\nb\nold2" M "\nc\n", blk2, &found),
	    "a\n# ours" M "\n* * * * * /x" M "\nb\nc\n");
	CHECK(found == 2);
	/* trailing blanks and CR after the mark still count as ours */
	CHECK_STR(merge("a\nold" M " \r\n", NULL, &found), "a\n");
	CHECK(found == 1);
	/* no final newline: kept when nothing follows, added before ours */
	CHECK_STR(merge("a\nb", NULL, &found), "a\nb");
	CHECK_STR(merge("a\nb", blk, &found), "a\nb\n# ours" M
	    "\n*/5 * * * * /x" M "\n");
	/* the mark in the middle of a line is not ours */
	CHECK_STR(merge("x " SCHED_CRON_MARK " y\n", NULL, &found),
	    "x " SCHED_CRON_MARK " y\n");
	CHECK(found == 0);
	buf_free(&once);
}

/* --- goldens ---------------------------------------------------------------- */

#define EXE	"/usr/local/bin/ddns-update"
#define CONF	"/etc/ddns-update.ini"
#define W_EXE	"C:\\Program Files\\ddns-update\\ddns-update.exe"
#define W_CONF	"C:\\ProgramData\\ddns-update\\ddns-update.ini"
#define LOG	"/var/log/ddns-update.log"
#define W	SCHED_WINDOWS
#define S	SCHED_SYSTEMD
#define C	SCHED_CRON
#define L	SCHED_LAUNCHD

struct gcase {
	const char	*name;
	struct sched_job job;	/* fmt, every, exe, config, user, win_user,
				   log_path */
};

static const struct gcase cases[] = {
	/* default paths, default interval */
	{ "windows-default", { W, 300, W_EXE, W_CONF, 0, NULL, NULL, 0 } },
	{ "systemd-default", { S, 300, EXE, CONF, 0, NULL, NULL, 0 } },
	{ "cron-default", { C, 300, EXE, CONF, 0, NULL, NULL, 0 } },
	{ "launchd-default", { L, 300, EXE, CONF, 0, NULL, LOG, 0 } },
	/* spaces */
	{ "windows-spaces", { W, 300, "C:\\My Tools\\ddns update.exe",
	    "C:\\Users\\Jo Doe\\My Config\\ddns-update.ini", 0, NULL, NULL,
	    0 } },
	{ "systemd-spaces", { S, 300, "/opt/DDNS Tools/ddns-update",
	    "/etc/ddns update/my config.ini", 0, NULL, NULL, 0 } },
	{ "cron-spaces", { C, 300, "/opt/DDNS Tools/ddns-update",
	    "/etc/ddns update/my config.ini", 0, NULL, NULL, 0 } },
	{ "launchd-spaces", { L, 300, "/Applications/DDNS Tools/ddns-update",
	    "/Users/Jo Doe/Library/ddns update.ini", 0, NULL,
	    "/Users/Jo Doe/Library/Logs/ddns-update.log", 0 } },
	/* quotes and other characters each format treats specially */
	{ "windows-quotes", { W, 300, "C:\\O'Brien & Co\\<ddns>.exe",
	    "C:\\O'Brien & Co\\it's.ini", 0, NULL, NULL, 0 } },
	{ "systemd-quotes", { S, 300, "/opt/$HOME 100%/ddns-update",
	    "/home/o'brien/\"dd\" $HOME 100% a\\b;/ddns-update.ini", 0,
	    NULL, NULL, 0 } },
	{ "cron-quotes", { C, 300, "/opt/it's 100%/ddns-update",
	    "/home/o'brien/\"dd\" $HOME `x` a\\b;/ddns-update.ini", 0, NULL,
	    NULL, 0 } },
	{ "launchd-quotes", { L, 300, "/opt/it's <&>/ddns-update",
	    "/Users/o'brien/\"dd\" & <x>.ini", 0, NULL, LOG, 0 } },
	/* non-ASCII (including a character outside the BMP) */
	{ "windows-nonascii", { W, 300,
	    "C:\\Users\\José\\AppData\\Local\\ddns-update\\ddns-update.exe",
	    "C:\\Users\\José\\配置 😀\\ddns-update.ini", 0, NULL, NULL, 0 } },
	{ "systemd-nonascii", { S, 300, "/opt/ünïcødé/ddns-update",
	    "/home/josé/配置 😀/ddns-update.ini", 0, NULL, NULL, 0 } },
	{ "cron-nonascii", { C, 300, "/opt/ünïcødé/ddns-update",
	    "/home/josé/配置 😀/ddns-update.ini", 0, NULL, NULL, 0 } },
	{ "launchd-nonascii", { L, 300, "/opt/ünïcødé/ddns-update",
	    "/Users/josé/配置 😀/ddns-update.ini", 0, NULL, LOG, 0 } },
	/* per-user jobs */
	{ "windows-user", { W, 300, W_EXE,
	    "C:\\Users\\José\\AppData\\Roaming\\ddns-update.ini", 1,
	    "DESKTOP-1\\José", NULL, 0 } },
	{ "systemd-user", { S, 300, "/home/jo/.local/bin/ddns-update",
	    "/home/jo/.config/ddns-update/ddns-update.ini", 1, NULL, NULL,
	    0 } },
	{ "cron-user", { C, 300, "/home/jo/.local/bin/ddns-update",
	    "/home/jo/.config/ddns-update/ddns-update.ini", 1, NULL, NULL,
	    0 } },
	{ "launchd-user", { L, 300, "/opt/homebrew/bin/ddns-update",
	    "/Users/jo/.config/ddns-update/ddns-update.ini", 1, NULL,
	    "/Users/jo/Library/Logs/ddns-update.log", 0 } },
	/* intervals */
	{ "windows-1m", { W, 60, W_EXE, W_CONF, 0, NULL, NULL, 0 } },
	{ "windows-7m", { W, 420, W_EXE, W_CONF, 0, NULL, NULL, 0 } },
	{ "windows-90m", { W, 5400, W_EXE, W_CONF, 0, NULL, NULL, 0 } },
	{ "windows-2h", { W, 7200, W_EXE, W_CONF, 0, NULL, NULL, 0 } },
	{ "windows-30s", { W, 30, W_EXE, W_CONF, 0, NULL, NULL, 0 } },
	{ "systemd-1m", { S, 60, EXE, CONF, 0, NULL, NULL, 0 } },
	{ "systemd-7m", { S, 420, EXE, CONF, 0, NULL, NULL, 0 } },
	{ "systemd-90m", { S, 5400, EXE, CONF, 0, NULL, NULL, 0 } },
	{ "systemd-2h", { S, 7200, EXE, CONF, 0, NULL, NULL, 0 } },
	{ "systemd-30s", { S, 30, EXE, CONF, 0, NULL, NULL, 0 } },
	{ "cron-1m", { C, 60, EXE, CONF, 0, NULL, NULL, 0 } },
	{ "cron-7m", { C, 420, EXE, CONF, 0, NULL, NULL, 0 } },
	{ "cron-90m", { C, 5400, EXE, CONF, 0, NULL, NULL, 0 } },
	{ "cron-2h", { C, 7200, EXE, CONF, 0, NULL, NULL, 0 } },
	{ "cron-24h", { C, 86400, EXE, CONF, 0, NULL, NULL, 0 } },
	{ "cron-30s", { C, 30, EXE, CONF, 0, NULL, NULL, 0 } },
	{ "launchd-1m", { L, 60, EXE, CONF, 0, NULL, LOG, 0 } },
	{ "launchd-7m", { L, 420, EXE, CONF, 0, NULL, LOG, 0 } },
	{ "launchd-90m", { L, 5400, EXE, CONF, 0, NULL, LOG, 0 } },
	{ "launchd-2h", { L, 7200, EXE, CONF, 0, NULL, LOG, 0 } },
	/* paths a format cannot carry */
	{ "windows-dquote", { W, 300, W_EXE, "C:\\a\"b.ini", 0, NULL, NULL,
	    0 } },
	{ "windows-percent", { W, 300, "C:\\%TEMP%\\ddns-update.exe",
	    W_CONF, 0, NULL, NULL, 0 } },
	{ "windows-user-noname", { W, 300, W_EXE, W_CONF, 1, NULL, NULL,
	    0 } },
	{ "systemd-exe-quote", { S, 300, "/opt/it's/ddns-update", CONF, 0,
	    NULL, NULL, 0 } },
	{ "cron-backslash-percent", { C, 300, EXE, "/etc/a\\%b.ini", 0,
	    NULL, NULL, 0 } },
	{ "any-newline", { C, 300, EXE, "/etc/a\nb.ini", 0, NULL, NULL,
	    0 } },
};

/* Checks every file of one case against its golden (or its refusal). */
static void
check_case(const struct gcase *g)
{
	struct buf	 out = BUF_INIT(0), path = BUF_INIT(0);
	char		 err[512];
	size_t		 i;

	for (i = 0; i < sched_nfiles(g->job.fmt); i++) {
		buf_reset(&out);
		buf_reset(&path);
		if (sched_render(&g->job, i, &out, err, sizeof(err)) == -1) {
			buf_printf(&path, GOLDEN_DIR "%s.refused", g->name);
			buf_reset(&out);
			buf_printf(&out, "%s\n", err);
			check_golden(buf_str(&path), out.data, out.len);
			break;
		}
		buf_printf(&path, GOLDEN_DIR "%s.%s", g->name,
		    sched_file_name(g->job.fmt, i));
		check_golden(buf_str(&path), out.data, out.len);
	}
	buf_free(&out);
	buf_free(&path);
}

/* Checks the typical-install examples, the Windows one as UTF-16LE. */
static void
check_examples(void)
{
	static const struct sched_job ex[] = {
		{ W, 300, W_EXE, W_CONF, 0, NULL, NULL, 1 },
		{ S, 300, EXE, CONF, 0, NULL, NULL, 0 },
		{ C, 300, EXE, CONF, 0, NULL, NULL, 0 },
		{ L, 300, EXE, CONF, 0, NULL, LOG, 0 },
	};
	struct buf	 out = BUF_INIT(0), u16 = BUF_INIT(0), path = BUF_INIT(0);
	char		 err[512];
	size_t		 i, k;

	for (k = 0; k < sizeof(ex) / sizeof(ex[0]); k++)
		for (i = 0; i < sched_nfiles(ex[k].fmt); i++) {
			buf_reset(&out);
			buf_reset(&u16);
			buf_reset(&path);
			CHECK(sched_render(&ex[k], i, &out, err,
			    sizeof(err)) == 0);
			buf_printf(&path, EXAMPLE_DIR "%s",
			    sched_file_name(ex[k].fmt, i));
			if (ex[k].fmt != W) {
				check_golden(buf_str(&path), out.data, out.len);
				continue;
			}
			CHECK(strstr(buf_str(&out), "encoding=\"UTF-16\"") !=
			    NULL);
			CHECK(sched_utf16le(buf_str(&out), out.len, &u16, err,
			    sizeof(err)) == 0);
			check_golden(buf_str(&path), u16.data, u16.len);
		}
	buf_free(&out);
	buf_free(&u16);
	buf_free(&path);
}

/* Checks what the goldens cannot show on their own. */
static void
test_render_rules(void)
{
	struct sched_job j = { W, 300, NULL, W_CONF, 0, NULL, NULL, 0 };
	struct buf	 out = BUF_INIT(0), longexe = BUF_INIT(0);
	char		 err[512];
	int		 n;

	/* Task Scheduler's Command holds 260 characters, quotes included */
	buf_adds(&longexe, "C:\\");
	for (n = 3; n < 256; n++)
		buf_adds(&longexe, "é");
	j.exe = buf_str(&longexe);		/* 256 characters, 509 bytes */
	CHECK(sched_render(&j, 0, &out, err, sizeof(err)) == 0);
	buf_adds(&longexe, "x y");		/* 259, quoted: 261 */
	j.exe = buf_str(&longexe);
	buf_reset(&out);
	CHECK(sched_render(&j, 0, &out, err, sizeof(err)) == -1);
	CHECK(strstr(err, "260") != NULL);
	/* bad requests are refused, not rendered */
	j.exe = W_EXE;
	j.every = 0;
	CHECK(sched_render(&j, 0, &out, err, sizeof(err)) == -1);
	j.every = 300;
	CHECK(sched_render(&j, 1, &out, err, sizeof(err)) == -1);
	j.fmt = L;				/* launchd needs a log path */
	CHECK(sched_render(&j, 0, &out, err, sizeof(err)) == -1);
	buf_free(&out);
	buf_free(&longexe);
}

int
main(void)
{
	size_t i;

	updating = getenv("DDNS_GOLDEN_UPDATE") != NULL;
	test_every();
	test_formats();
	test_quoting();
	test_text();
	test_cron_merge();
	test_render_rules();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(&cases[i]);
	check_examples();
	T_END("schedule");
}
