/*
 * platform_win32.c - the platform layer for Windows (see platform.h).
 *
 * Strings are UTF-8 everywhere else in the program; this file converts to
 * UTF-16 at every call into Windows (paths, environment, command lines) and
 * back, so names with spaces and non-ASCII characters work. Built with
 * MinGW-w64 (MSYS2 UCRT64); needs Windows 7 or later. The whole file is
 * Windows-only: the build picks it instead of platform_posix.c.
 *
 * Link with -liphlpapi -lshell32 -lole32 -luuid (and the default
 * kernel32/advapi32).
 */
#define WIN32_LEAN_AND_MEAN
#ifndef _WIN32_WINNT
#define _WIN32_WINNT	0x0601	/* Windows 7: handle lists, job objects */
#endif

#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <aclapi.h>
#include <iphlpapi.h>
#include <shellapi.h>
#include <shlobj.h>
#include <knownfolders.h>

#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "buf.h"
#include "platform.h"

#define APPNAME		"ddns-update"
#define LOCK_POLL_MS	50	/* how often a busy lock is retried */
#define REPLACE_WAIT_MS	2000	/* how long a rename waits for a scanner */
#define REPLACE_POLL_MS	50
#define WRITE_CHUNK	(1u << 20)	/* bytes per WriteFile */
#define RUN_TIMEOUT_MS	60000	/* used when plat_cmd.timeout_ms <= 0 */
#define RUN_REAP_MS	2000	/* how long to wait for a killed child */
#define RUN_CHUNK	4096	/* bytes read per round */
#define RUN_NAP_MAX	16	/* longest pause between pipe polls, ms */
#define RUN_PIPE_SIZE	65536
#define RUN_KILLED	1	/* exit code given to a killed tree */
#define ENV_MAX		32768	/* longest environment value, in wchar_t */
#define PATH_WMAX	32768	/* longest path Windows accepts, in wchar_t */

/* A LockFileEx lock on the whole lock file; Windows drops it when the
 * handle is closed or the process ends. */
struct plat_lock {
	HANDLE	 h;	/* the open lock file */
};

/* --- strings and errors ------------------------------------------------- */

/* Returns s as UTF-16 (malloc'd), or NULL with errno set (EILSEQ when s is
 * not valid UTF-8, ENOMEM). */
static wchar_t *
wide(const char *s)
{
	wchar_t	*w;
	int	 n;

	n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
	if (n <= 0) {
		errno = EILSEQ;
		return NULL;
	}
	w = malloc((size_t)n * sizeof(*w));
	if (w == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	if (MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w,
	    n) != n) {
		free(w);
		errno = EILSEQ;
		return NULL;
	}
	return w;
}

/* Returns w as UTF-8 (malloc'd; unpaired surrogates become U+FFFD), or
 * NULL with errno set. */
static char *
narrow(const wchar_t *w)
{
	char	*s;
	int	 n;

	n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
	if (n <= 0) {
		errno = EILSEQ;
		return NULL;
	}
	s = malloc((size_t)n);
	if (s == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	if (WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL) != n) {
		free(s);
		errno = EILSEQ;
		return NULL;
	}
	return s;
}

/* Writes the system's one-line message for error code e into out. */
static void
sys_msg(DWORD e, char *out, size_t outlen)
{
	wchar_t	 w[512];
	char	*s = NULL;
	DWORD	 n;

	n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM |
	    FORMAT_MESSAGE_IGNORE_INSERTS | FORMAT_MESSAGE_MAX_WIDTH_MASK,
	    NULL, e, 0, w, sizeof(w) / sizeof(w[0]), NULL);
	while (n > 0 && (w[n - 1] == L' ' || w[n - 1] == L'.' ||
	    w[n - 1] == L'\r' || w[n - 1] == L'\n'))
		n--;
	if (n > 0) {
		w[n] = L'\0';
		s = narrow(w);
	}
	if (s != NULL)
		snprintf(out, outlen, "%s", s);
	else
		snprintf(out, outlen, "error %lu", (unsigned long)e);
	free(s);
}

static void	 set_err(char *err, size_t errlen, DWORD e, const char *fmt,
		    ...) PRINTF_LIKE(4, 5);

/* Writes the formatted text, ": ", and the message for e into err. */
static void
set_err(char *err, size_t errlen, DWORD e, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 n;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	n = strlen(err);
	if (errlen > n + 2) {
		memcpy(err + n, ": ", 3);
		sys_msg(e, err + n + 2, errlen - n - 2);
	}
}

/* Returns the Windows error code closest to errno value e (for messages
 * about a failed UTF-8 conversion or allocation). */
static DWORD
code_of_errno(int e)
{
	if (e == ENOMEM)
		return ERROR_NOT_ENOUGH_MEMORY;
	return ERROR_NO_UNICODE_TRANSLATION;
}

/* Returns the errno value closest to Windows error code e. */
static int
errno_of(DWORD e)
{
	switch (e) {
	case ERROR_FILE_NOT_FOUND:
	case ERROR_PATH_NOT_FOUND:
	case ERROR_INVALID_DRIVE:
	case ERROR_BAD_NETPATH:
	case ERROR_BAD_NET_NAME:
	case ERROR_INVALID_NAME:
		return ENOENT;
	case ERROR_ACCESS_DENIED:
	case ERROR_SHARING_VIOLATION:
	case ERROR_LOCK_VIOLATION:
		return EACCES;
	case ERROR_FILE_EXISTS:
	case ERROR_ALREADY_EXISTS:
		return EEXIST;
	case ERROR_NOT_ENOUGH_MEMORY:
	case ERROR_OUTOFMEMORY:
		return ENOMEM;
	case ERROR_DIRECTORY:
		return ENOTDIR;
	default:
		return EIO;
	}
}

/* Returns h, or NULL where Windows said INVALID_HANDLE_VALUE. */
static HANDLE
handle_or_null(HANDLE h)
{
	return h == INVALID_HANDLE_VALUE ? NULL : h;
}

/* Closes *h when open and marks it closed. */
static void
close_handle(HANDLE *h)
{
	if (*h != NULL && *h != INVALID_HANDLE_VALUE)
		CloseHandle(*h);
	*h = NULL;
}

/* --- process ------------------------------------------------------------ */

static char	**u8argv;	/* plat_init's arguments, kept for good */
static UINT	  old_cp;	/* console output code page before ours */

/* Gives the console back the code page it had (registered with atexit). */
static void
restore_cp(void)
{
	if (old_cp != 0)
		SetConsoleOutputCP(old_cp);
}

/* Returns the n UTF-16 arguments w as a NULL-terminated UTF-8 vector
 * (malloc'd, kept for the life of the process), or NULL. */
static char **
args_utf8(wchar_t **w, int n)
{
	char	**v;
	int	  i;

	v = calloc((size_t)n + 1, sizeof(*v));
	if (v == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		v[i] = narrow(w[i]);
		if (v[i] == NULL) {
			while (i-- > 0)
				free(v[i]);
			free(v);
			return NULL;
		}
	}
	return v;
}

/* Sets the console to UTF-8 output (restored at exit), keeps crashing
 * children from raising error dialogs, and returns the arguments from the
 * UTF-16 command line. The C runtime's argv (in the ANSI code page, lossy)
 * is returned when the two parsers disagree on the count. */
char **
plat_init(int argc, char **argv)
{
	wchar_t	**w;
	int	  n;

	if (u8argv != NULL)
		return u8argv;
	SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
	old_cp = GetConsoleOutputCP();
	if (old_cp != 0 && old_cp != CP_UTF8 && SetConsoleOutputCP(CP_UTF8))
		atexit(restore_cp);
	else
		old_cp = 0;
	w = CommandLineToArgvW(GetCommandLineW(), &n);
	if (w == NULL)
		return argv;
	if (n == argc)
		u8argv = args_utf8(w, n);
	LocalFree(w);
	return u8argv != NULL ? u8argv : argv;
}

/* --- environment and paths --------------------------------------------- */

/* A value handed out by plat_getenv: kept until exit, so the pointer stays
 * valid even after the variable changes (a change makes a new entry). */
struct env_val {
	struct env_val	*next;
	char		*name;	/* as asked for */
	char		*val;	/* UTF-8 value at the time */
};

static struct env_val *env_vals;

/* Returns the value of variable name (malloc'd UTF-16), or NULL when it is
 * unset (or on OOM). */
static wchar_t *
env_get_w(const wchar_t *name)
{
	wchar_t	*v = NULL, *nv;
	DWORD	 size = 256, n;
	int	 tries;

	for (tries = 0; tries < 4 && size <= ENV_MAX; tries++) {
		nv = realloc(v, size * sizeof(*v));
		if (nv == NULL)
			break;
		v = nv;
		SetLastError(0);
		n = GetEnvironmentVariableW(name, v, size);
		if (n == 0 && GetLastError() == ERROR_ENVVAR_NOT_FOUND)
			break;
		if (n < size) {
			v[n] = L'\0';
			return v;
		}
		size = n;	/* what it needs, NUL included */
	}
	free(v);
	return NULL;
}

/* Reads the environment block of the process (the one child processes
 * get), not the C runtime's copy, so it sees SetEnvironmentVariableW. */
const char *
plat_getenv(const char *name)
{
	struct env_val	*e;
	wchar_t		*wn, *wv;
	char		*v;

	wn = wide(name);
	wv = wn != NULL ? env_get_w(wn) : NULL;
	v = wv != NULL ? narrow(wv) : NULL;
	free(wn);
	free(wv);
	if (v == NULL)
		return NULL;
	for (e = env_vals; e != NULL; e = e->next)
		if (strcmp(e->name, name) == 0 && strcmp(e->val, v) == 0) {
			free(v);
			return e->val;
		}
	e = malloc(sizeof(*e));
	if (e == NULL || (e->name = xstrdup(name)) == NULL) {
		free(e);
		free(v);
		return NULL;
	}
	e->val = v;
	e->next = env_vals;
	env_vals = e;
	return v;
}

/* Returns 1 when token tok belongs to LocalSystem or is elevated. */
static int
token_is_admin(HANDLE tok)
{
	union {
		TOKEN_USER	 user;
		BYTE		 raw[256];
	} u;
	TOKEN_ELEVATION	 el;
	DWORD		 n;

	if (GetTokenInformation(tok, TokenUser, &u, sizeof(u), &n) &&
	    IsWellKnownSid(u.user.User.Sid, WinLocalSystemSid))
		return 1;
	if (GetTokenInformation(tok, TokenElevation, &el, sizeof(el), &n))
		return el.TokenIsElevated != 0;
	return 0;
}

/* SYSTEM, or an elevated administrator ("Run as administrator"); an
 * administrator's normal, filtered token counts as a user. */
int
plat_is_admin(void)
{
	HANDLE	 tok;
	int	 r;

	if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &tok))
		return 0;
	r = token_is_admin(tok);
	CloseHandle(tok);
	return r;
}

/* Returns 1 when c separates path components. */
static int
is_sep(char c)
{
	return c == '\\' || c == '/';
}

/* Returns the length of the root of path: 3 for "C:\", 2 for "C:", 1 for
 * "\", the length of "\\server\share" for UNC names, 0 when relative. */
static size_t
root_len(const char *p)
{
	size_t n;

	if (is_sep(p[0]) && is_sep(p[1])) {
		n = 2 + strcspn(p + 2, "\\/");
		if (p[n] != '\0')
			n += 1 + strcspn(p + n + 1, "\\/");
		return n;
	}
	if (((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z')) &&
	    p[1] == ':')
		return is_sep(p[2]) ? 3 : 2;
	return is_sep(p[0]) ? 1 : 0;
}

/* Returns 1 when path names the same file from any working directory. */
static int
is_absolute(const char *p)
{
	return (is_sep(p[0]) && is_sep(p[1])) ||
	    (root_len(p) == 3 && p[1] == ':');
}

/* Returns the known folder id as UTF-8 (malloc'd), or NULL. */
static char *
known_folder(REFKNOWNFOLDERID id)
{
	PWSTR	 w = NULL;
	char	*s = NULL;

	if (SHGetKnownFolderPath(id, 0, NULL, &w) == S_OK)
		s = narrow(w);
	CoTaskMemFree(w);
	return s;
}

/* Returns %ProgramData%\ddns-update\file for SYSTEM and administrators,
 * else %LOCALAPPDATA%\ddns-update\file; the variable wins when it holds an
 * absolute path (so tests and odd setups can move it), else the known
 * folder. Malloc'd; NULL on OOM. */
static char *
app_file(const char *file)
{
	struct buf	 b = BUF_INIT(0);
	int		 admin = plat_is_admin();
	const char	*v = plat_getenv(admin ? "ProgramData" : "LOCALAPPDATA");
	char		*base;
	int		 rc;

	if (v != NULL && is_absolute(v))
		base = xstrdup(v);
	else
		base = known_folder(admin ? &FOLDERID_ProgramData :
		    &FOLDERID_LocalAppData);
	if (base == NULL)
		return NULL;
	rc = buf_printf(&b, "%s%s" APPNAME "\\%s", base,
	    is_sep(base[0] ? base[strlen(base) - 1] : '\\') ? "" : "\\", file);
	free(base);
	if (rc == -1) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

/* %ProgramData%\ddns-update\ddns-update.ini (SYSTEM, elevated), else
 * %LOCALAPPDATA%\ddns-update\ddns-update.ini. */
char *
plat_default_config(void)
{
	return app_file(APPNAME ".ini");
}

/* %ProgramData%\ddns-update\state.ini (SYSTEM, elevated), else
 * %LOCALAPPDATA%\ddns-update\state.ini. */
char *
plat_default_state(void)
{
	return app_file("state.ini");
}

/* The module file name of the running executable; argv0 made absolute
 * when Windows cannot say. */
char *
plat_self_path(const char *argv0)
{
	wchar_t	*w = NULL, *nw;
	char	*s = NULL;
	DWORD	 size, n;

	for (size = MAX_PATH; size <= PATH_WMAX; size *= 2) {
		nw = realloc(w, size * sizeof(*w));
		if (nw == NULL)
			break;
		w = nw;
		n = GetModuleFileNameW(NULL, w, size);
		if (n == 0)
			break;
		if (n < size) {
			s = narrow(w);
			break;
		}
	}
	free(w);
	if (s == NULL && argv0 != NULL && *argv0 != '\0')
		s = plat_abspath(argv0);
	return s;
}

/* Returns the full form of UTF-16 path w (malloc'd UTF-16), or NULL. */
static wchar_t *
full_path_w(const wchar_t *w)
{
	wchar_t	*f;
	DWORD	 n, got;

	n = GetFullPathNameW(w, 0, NULL, NULL);
	if (n == 0 || n > PATH_WMAX)
		return NULL;
	f = malloc((size_t)n * sizeof(*f));
	if (f == NULL)
		return NULL;
	got = GetFullPathNameW(w, n, f, NULL);
	if (got == 0 || got >= n) {
		free(f);
		return NULL;
	}
	return f;
}

/* GetFullPathNameW: against the working directory (of that drive), with
 * '/' turned into '\' and "." and ".." removed by name (no links are
 * followed). */
char *
plat_abspath(const char *path)
{
	wchar_t	*w, *f = NULL;
	char	*s = NULL;

	if (path == NULL)
		return NULL;
	w = wide(*path != '\0' ? path : ".");
	if (w != NULL)
		f = full_path_w(w);
	if (f != NULL)
		s = narrow(f);
	free(w);
	free(f);
	return s;
}

/* Returns 1 when path exists and is a file (not a directory or device). */
int
plat_is_file(const char *path)
{
	wchar_t	*w = wide(path);
	DWORD	 a;

	if (w == NULL)
		return 0;
	a = GetFileAttributesW(w);
	free(w);
	return a != INVALID_FILE_ATTRIBUTES &&
	    (a & (FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_DEVICE)) == 0;
}

/* --- files -------------------------------------------------------------- */

/* Opens path for reading with every sharing mode, FILE_SHARE_DELETE
 * included, so that plat_write_atomic in another process can rename a new
 * file over it while we read; NULL with errno set. */
static FILE *
fopen_shared(const char *path)
{
	wchar_t	*w = wide(path);
	HANDLE	 h;
	FILE	*f;
	int	 fd;

	if (w == NULL)
		return NULL;
	h = CreateFileW(w, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE |
	    FILE_SHARE_DELETE, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL,
	    NULL);
	free(w);
	if (h == INVALID_HANDLE_VALUE) {
		errno = errno_of(GetLastError());
		return NULL;
	}
	fd = _open_osfhandle((intptr_t)h, _O_RDONLY | _O_BINARY);
	if (fd == -1) {
		CloseHandle(h);
		errno = EMFILE;
		return NULL;
	}
	f = _fdopen(fd, "rb");
	if (f == NULL)
		_close(fd);
	return f;
}

/* Opens path with _wfopen, binary and not inherited by children ("N");
 * NULL with errno set. */
static FILE *
fopen_crt(const char *path, const char *mode)
{
	wchar_t	 wm[16], *w;
	FILE	*f;
	size_t	 i, n = 0;

	for (i = 0; mode[i] != '\0' && n < sizeof(wm) / sizeof(wm[0]) - 3;
	    i++)
		if (strchr("btN", mode[i]) == NULL)
			wm[n++] = (wchar_t)(unsigned char)mode[i];
	wm[n++] = L'b';
	wm[n++] = L'N';
	wm[n] = L'\0';
	w = wide(path);
	if (w == NULL)
		return NULL;
	f = _wfopen(w, wm);
	free(w);
	return f;
}

/* Reading is done through a handle that lets others delete or rename the
 * file meanwhile (see fopen_shared); other modes use _wfopen. Always binary,
 * never inherited by child processes. */
FILE *
plat_fopen(const char *path, const char *mode)
{
	if (mode[0] == 'r' && strchr(mode, '+') == NULL)
		return fopen_shared(path);
	return fopen_crt(path, mode);
}

/* Makes sure directory path exists (its parent must); 0 or -1. */
static int
mkdir_one(const char *path, char *err, size_t errlen)
{
	wchar_t	*w = wide(path);
	DWORD	 a, e;

	if (w == NULL) {
		set_err(err, errlen, code_of_errno(errno),
		    "cannot create directory %s", path);
		return -1;
	}
	a = GetFileAttributesW(w);
	if (a == INVALID_FILE_ATTRIBUTES && CreateDirectoryW(w, NULL)) {
		free(w);
		return 0;
	}
	e = a == INVALID_FILE_ATTRIBUTES ? GetLastError() : ERROR_DIRECTORY;
	if (e == ERROR_ALREADY_EXISTS)
		a = GetFileAttributesW(w);
	free(w);
	if (a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY))
		return 0;
	set_err(err, errlen, e, "cannot create directory %s", path);
	return -1;
}

/* Creates each missing component after the root (drive, UNC share). */
int
plat_mkdirs(const char *dir, char *err, size_t errlen)
{
	char	*s, c;
	size_t	 i, root;
	int	 rc = 0;

	if (*dir == '\0')
		return 0;
	s = xstrdup(dir);
	if (s == NULL) {
		set_err(err, errlen, ERROR_NOT_ENOUGH_MEMORY,
		    "cannot create directory %s", dir);
		return -1;
	}
	root = root_len(s);
	for (i = root; rc == 0; i++) {
		if (s[i] != '\0' && !is_sep(s[i]))
			continue;
		if (i > root && !is_sep(s[i - 1])) {
			c = s[i];
			s[i] = '\0';
			rc = mkdir_one(s, err, errlen);
			s[i] = c;
		}
		if (s[i] == '\0')
			break;
	}
	free(s);
	return rc;
}

/* Returns the directory part of path (malloc'd; "." when none) or NULL. */
static char *
dir_of(const char *path)
{
	size_t	 root = root_len(path), i, cut = 0;

	for (i = root; path[i] != '\0'; i++)
		if (is_sep(path[i]))
			cut = i;
	if (cut == 0)
		return root > 0 ? xstrndup(path, root) : xstrdup(".");
	return xstrndup(path, cut);
}

/* Returns path + "." + what + ".PID.N" as UTF-16 (malloc'd; N counts up
 * through the process) and the UTF-8 form in *u8 when u8 is not NULL; NULL
 * on OOM. */
static wchar_t *
side_name(const char *path, const char *what, char **u8)
{
	static unsigned	 seq;
	struct buf	 b = BUF_INIT(0);
	wchar_t		*w = NULL;

	if (buf_printf(&b, "%s.%s.%lx.%x", path, what,
	    (unsigned long)GetCurrentProcessId(), seq++) == 0)
		w = wide(b.data);
	if (w != NULL && u8 != NULL)
		*u8 = buf_detach(&b);
	buf_free(&b);
	return w;
}

/* Creates a new, empty temp file next to path, its name in *tmp and *wtmp
 * (malloc'd), open for writing and renaming; the handle, or NULL with err
 * set. */
static HANDLE
tmp_create(const char *path, char **tmp, wchar_t **wtmp, char *err,
    size_t errlen)
{
	HANDLE	 h = NULL;
	DWORD	 e = ERROR_NOT_ENOUGH_MEMORY;
	int	 i;

	for (i = 0; i < 100 && h == NULL; i++) {
		free(*tmp);
		free(*wtmp);
		*tmp = NULL;
		*wtmp = side_name(path, "tmp", tmp);
		if (*wtmp == NULL)
			break;
		h = handle_or_null(CreateFileW(*wtmp, GENERIC_WRITE | DELETE,
		    0, NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL));
		e = GetLastError();
		if (h == NULL && e != ERROR_FILE_EXISTS &&
		    e != ERROR_ALREADY_EXISTS)
			break;
	}
	if (h == NULL)
		set_err(err, errlen, e, "cannot create %s", *tmp ? *tmp : path);
	return h;
}

/* Writes all of data to h and flushes it to disk; 0 or -1. */
static int
tmp_fill(HANDLE h, const char *tmp, const void *data, size_t len,
    char *err, size_t errlen)
{
	const char	*p = data;
	DWORD		 n, e = 0;

	while (len > 0 && e == 0) {
		if (!WriteFile(h, p, len > WRITE_CHUNK ? WRITE_CHUNK :
		    (DWORD)len, &n, NULL))
			e = GetLastError();
		else if (n == 0)
			e = ERROR_WRITE_FAULT;
		p += n;
		len -= n;
	}
	if (e == 0 && !FlushFileBuffers(h))
		e = GetLastError();
	if (e != 0)
		set_err(err, errlen, e, "cannot write %s", tmp);
	return e == 0 ? 0 : -1;
}

/* FILE_RENAME_INFO as FileRenameInfoEx reads it (Windows 10 1709 and
 * later); MinGW declares both only for _WIN32_WINNT >= 0x0A00. */
struct rename_ex {
	DWORD	 flags;		/* RENAME_* */
	HANDLE	 root;		/* NULL: name is a path */
	DWORD	 len;		/* bytes in name, NUL not counted */
	WCHAR	 name[];
};
#define RENAME_INFO_EX	((FILE_INFO_BY_HANDLE_CLASS)22)	/* FileRenameInfoEx */
#define RENAME_REPLACE	0x1	/* FILE_RENAME_FLAG_REPLACE_IF_EXISTS */
#define RENAME_POSIX	0x2	/* FILE_RENAME_FLAG_POSIX_SEMANTICS */

/* Renames the open file h over to with POSIX semantics: to is replaced in
 * one step even while others have it open (with FILE_SHARE_DELETE), and
 * they keep reading the old file. Returns 0, or the Windows error (where
 * the system or the file system cannot: older Windows, FAT, shares). */
static DWORD
rename_posix(HANDLE h, const wchar_t *to)
{
	size_t			 n = wcslen(to);
	size_t			 size = sizeof(struct rename_ex) +
				    (n + 1) * sizeof(WCHAR);
	struct rename_ex	*ri = calloc(1, size);
	DWORD			 e = 0;

	if (ri == NULL)
		return ERROR_NOT_ENOUGH_MEMORY;
	ri->flags = RENAME_REPLACE | RENAME_POSIX;
	ri->len = (DWORD)(n * sizeof(WCHAR));
	memcpy(ri->name, to, (n + 1) * sizeof(WCHAR));
	if (!SetFileInformationByHandle(h, RENAME_INFO_EX, ri, (DWORD)size))
		e = GetLastError();
	free(ri);
	return e;
}

/* Returns 1 when e means someone has the file open in the way. */
static int
is_busy(DWORD e)
{
	return e == ERROR_ACCESS_DENIED || e == ERROR_SHARING_VIOLATION ||
	    e == ERROR_LOCK_VIOLATION;
}

/* Replaces to when readers have it open: renames it aside (allowed when
 * they share delete), renames from to to, and deletes the old file (it
 * goes when its last reader closes it). If from cannot follow, the old
 * file is put back. Returns 0, or busy, the error that led here, when to
 * cannot be moved aside. */
static DWORD
move_aside(const char *path, const wchar_t *from, const wchar_t *to,
    DWORD busy)
{
	wchar_t	*old;
	DWORD	 a = GetFileAttributesW(to), e = 0;

	if (a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY))
		return ERROR_ALREADY_EXISTS;	/* a directory: no retry */
	if (a == INVALID_FILE_ATTRIBUTES)
		return busy;
	old = side_name(path, "old", NULL);
	if (old == NULL)
		return ERROR_NOT_ENOUGH_MEMORY;
	if (!MoveFileExW(to, old, MOVEFILE_WRITE_THROUGH))
		e = busy;
	else if (!MoveFileExW(from, to, MOVEFILE_WRITE_THROUGH)) {
		e = GetLastError();
		(void)MoveFileExW(old, to, MOVEFILE_WRITE_THROUGH);
	} else
		(void)DeleteFileW(old);
	free(old);
	return e;
}

/* Renames from over to: MoveFileExW, which Windows refuses while anyone
 * has to open; then the two-step move_aside. While a program holds to
 * without sharing delete (a virus scanner, an editor), retries for up to
 * REPLACE_WAIT_MS. Returns 0 or the Windows error. */
static DWORD
move_over(const char *path, const wchar_t *from, const wchar_t *to)
{
	long long	 end = plat_monotonic_ms() + REPLACE_WAIT_MS;
	DWORD		 e;

	for (;;) {
		if (MoveFileExW(from, to, MOVEFILE_REPLACE_EXISTING |
		    MOVEFILE_WRITE_THROUGH))
			return 0;
		e = GetLastError();
		if (is_busy(e))
			e = move_aside(path, from, to, e);
		if (e == 0 || !is_busy(e) || plat_monotonic_ms() >= end)
			return e;
		Sleep(REPLACE_POLL_MS);
	}
}

/*
 * The data goes to a temp file in the same directory and is flushed to
 * disk (FlushFileBuffers) before anything is renamed. Then, in order:
 *  1. a POSIX-semantics rename over path (Windows 10 1709+, NTFS): one
 *     atomic step, even while others read path;
 *  2. MoveFileExW(REPLACE_EXISTING | WRITE_THROUGH): one atomic step, but
 *     Windows refuses it while anyone has path open;
 *  3. path renamed aside, the temp file renamed to path, the old one
 *     deleted: works while readers that share delete (plat_fopen's) have
 *     it open, but a crash between the two renames leaves no path, with
 *     the complete old file at path.old.* and the new at path.tmp.*.
 * NTFS journals renames, so after a crash path holds the old or the new
 * contents, never a mix (except for case 3's gap). Windows has no call to
 * flush a directory; MOVEFILE_WRITE_THROUGH matters only for moves that
 * copy. A reader keeps seeing the old contents.
 */
int
plat_write_atomic(const char *path, const void *data, size_t len,
    char *err, size_t errlen)
{
	char	*dir = dir_of(path), *tmp = NULL;
	wchar_t	*wpath = NULL, *wtmp = NULL;
	HANDLE	 h;
	DWORD	 e;
	int	 rc = -1;

	if (dir == NULL || (wpath = wide(path)) == NULL) {
		set_err(err, errlen, dir ? code_of_errno(errno) :
		    ERROR_NOT_ENOUGH_MEMORY, "cannot write %s", path);
		goto out;
	}
	if (plat_mkdirs(dir, err, errlen) == -1)
		goto out;
	h = tmp_create(path, &tmp, &wtmp, err, errlen);
	if (h == NULL)
		goto out;
	rc = tmp_fill(h, tmp, data, len, err, errlen);
	e = rc == 0 ? rename_posix(h, wpath) : 0;
	CloseHandle(h);
	if (rc == 0 && e != 0 && (e = move_over(path, wtmp, wpath)) != 0) {
		set_err(err, errlen, e, "cannot rename %s to %s", tmp, path);
		rc = -1;
	}
	if (rc == -1)
		DeleteFileW(wtmp);
out:
	free(dir);
	free(tmp);
	free(wpath);
	free(wtmp);
	return rc;
}

/* Deletes the files side_name made for path with this what (path.WHAT.*);
 * returns how many. */
static int
remove_side_files(const char *path, const char *what)
{
	WIN32_FIND_DATAW fd;
	struct buf	 pat = BUF_INIT(0);
	char		*dir = dir_of(path);
	wchar_t		*wpat = NULL, *wdir = NULL, *f;
	HANDLE		 h = INVALID_HANDLE_VALUE;
	size_t		 nd;
	int		 n = 0;

	if (dir == NULL || buf_printf(&pat, "%s.%s.*", path, what) == -1 ||
	    (wpat = wide(pat.data)) == NULL || (wdir = wide(dir)) == NULL)
		goto out;
	h = FindFirstFileW(wpat, &fd);
	nd = wcslen(wdir);
	while (h != INVALID_HANDLE_VALUE) {
		f = malloc((nd + 2 + wcslen(fd.cFileName)) * sizeof(*f));
		if (f != NULL && (fd.dwFileAttributes &
		    FILE_ATTRIBUTE_DIRECTORY) == 0) {
			wcscpy(f, wdir);
			if (nd > 0 && f[nd - 1] != L'\\' && f[nd - 1] != L'/')
				wcscat(f, L"\\");
			wcscat(f, fd.cFileName);
			if (DeleteFileW(f))
				n++;
		}
		free(f);
		if (!FindNextFileW(h, &fd))
			break;
	}
out:
	if (h != INVALID_HANDLE_VALUE)
		FindClose(h);
	free(dir);
	free(wpat);
	free(wdir);
	buf_free(&pat);
	return n;
}

/* Temp files (path.tmp.*), and old copies a crash in move_aside's gap
 * left (path.old.*; the run that follows such a crash finds no state and
 * re-checks every record, so the copy is not needed). */
int
plat_clean_temps(const char *path)
{
	return remove_side_files(path, "tmp") + remove_side_files(path, "old");
}

/* Returns 1 when sid is a group that stands for other local users. */
static int
is_others_sid(PSID sid)
{
	return IsWellKnownSid(sid, WinWorldSid) ||
	    IsWellKnownSid(sid, WinAuthenticatedUserSid) ||
	    IsWellKnownSid(sid, WinBuiltinUsersSid) ||
	    IsWellKnownSid(sid, WinInteractiveSid) ||
	    IsWellKnownSid(sid, WinBuiltinGuestsSid) ||
	    IsWellKnownSid(sid, WinAnonymousSid);
}

/* Returns 1 when dacl has an allow entry giving read to others, 0 when not,
 * -1 when it cannot be read. */
static int
acl_lets_others_read(PACL dacl)
{
	const DWORD		 rd = FILE_READ_DATA | GENERIC_READ |
				    GENERIC_ALL;
	ACL_SIZE_INFORMATION	 info;
	ACCESS_ALLOWED_ACE	*ace;
	void			*p;
	DWORD			 i;

	if (!GetAclInformation(dacl, &info, sizeof(info), AclSizeInformation))
		return -1;
	for (i = 0; i < info.AceCount; i++) {
		if (!GetAce(dacl, i, &p))
			return -1;
		ace = p;
		if (ace->Header.AceType == ACCESS_ALLOWED_ACE_TYPE &&
		    (ace->Header.AceFlags & INHERIT_ONLY_ACE) == 0 &&
		    (ace->Mask & rd) != 0 && is_others_sid(&ace->SidStart))
			return 1;
	}
	return 0;
}

/*
 * Windows has no group/other mode bits: this reads the file's access list
 * and says 1 when it lets Everyone, Users, Authenticated Users, Interactive,
 * Guests or Anonymous read the data (a NULL list lets everyone in). Deny
 * entries are not weighed against those grants, so the answer errs toward
 * a warning. Files under %ProgramData% inherit read access for Users, so a
 * config there that holds a literal secret is reported, rightly; one under
 * %LOCALAPPDATA% is private to its user.
 */
int
plat_others_can_read(const char *path)
{
	PSECURITY_DESCRIPTOR	 sd = NULL;
	PACL			 dacl = NULL;
	wchar_t			*w = wide(path);
	int			 rc = -1;

	if (w != NULL && GetNamedSecurityInfoW(w, SE_FILE_OBJECT,
	    DACL_SECURITY_INFORMATION, NULL, NULL, &dacl, NULL, &sd) ==
	    ERROR_SUCCESS)
		rc = dacl == NULL ? 1 : acl_lets_others_read(dacl);
	if (sd != NULL)
		LocalFree(sd);
	free(w);
	return rc;
}

/* --- locks -------------------------------------------------------------- */

/* Opens (creating it) the file w; the handle or NULL, *e set. */
static HANDLE
lock_open_w(const wchar_t *w, DWORD *e)
{
	HANDLE h;

	h = handle_or_null(CreateFileW(w, GENERIC_READ | GENERIC_WRITE,
	    FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
	    OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL));
	*e = GetLastError();
	return h;
}

/* Opens (creating it and its directory) the lock file; handle or NULL. */
static HANDLE
lock_open(const char *path, char *err, size_t errlen)
{
	wchar_t	*w = wide(path);
	char	*dir;
	HANDLE	 h = NULL;
	DWORD	 e = code_of_errno(errno);
	int	 rc;

	if (w != NULL)
		h = lock_open_w(w, &e);
	if (h == NULL && e == ERROR_PATH_NOT_FOUND) {
		dir = dir_of(path);
		rc = dir ? plat_mkdirs(dir, err, errlen) : -1;
		free(dir);
		if (rc == -1) {
			free(w);
			return NULL;
		}
		h = lock_open_w(w, &e);
	}
	free(w);
	if (h == NULL)
		set_err(err, errlen, e, "cannot open lock file %s", path);
	return h;
}

/* Tries once to lock all of h: 0 taken, 1 held by another handle, -1 error
 * (*e set). */
static int
lock_try(HANDLE h, DWORD *e)
{
	OVERLAPPED ov;

	memset(&ov, 0, sizeof(ov));
	if (LockFileEx(h, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY,
	    0, MAXDWORD, MAXDWORD, &ov))
		return 0;
	*e = GetLastError();
	return *e == ERROR_LOCK_VIOLATION || *e == ERROR_IO_PENDING ? 1 : -1;
}

/* LockFileEx, polled every LOCK_POLL_MS until wait_ms has passed. Windows
 * byte-range locks are mandatory, which is why the lock is a file of its
 * own that nothing reads. */
int
plat_lock(const char *path, int wait_ms, struct plat_lock **out,
    char *err, size_t errlen)
{
	long long	 end = plat_monotonic_ms() + (wait_ms > 0 ? wait_ms : 0);
	long long	 left;
	HANDLE		 h;
	DWORD		 e = 0;
	int		 rc;

	*out = NULL;
	h = lock_open(path, err, errlen);
	if (h == NULL)
		return -1;
	for (;;) {
		rc = lock_try(h, &e);
		left = end - plat_monotonic_ms();
		if (rc != 1 || left <= 0)
			break;
		Sleep(left < LOCK_POLL_MS ? (DWORD)left : LOCK_POLL_MS);
	}
	if (rc == 0) {
		*out = malloc(sizeof(**out));
		if (*out != NULL) {
			(*out)->h = h;
			return 0;
		}
		e = ERROR_NOT_ENOUGH_MEMORY;
		rc = -1;
	}
	if (rc == 1)
		snprintf(err, errlen, "%s is locked by another process", path);
	else
		set_err(err, errlen, e, "cannot lock %s", path);
	CloseHandle(h);
	return rc;
}

/* Unlocks and closes the lock file. */
void
plat_unlock(struct plat_lock *lk)
{
	OVERLAPPED ov;

	if (lk == NULL)
		return;
	memset(&ov, 0, sizeof(ov));
	(void)UnlockFileEx(lk->h, 0, MAXDWORD, MAXDWORD, &ov);
	CloseHandle(lk->h);
	free(lk);
}

/* --- network interfaces ------------------------------------------------- */

/* Returns every adapter with its unicast addresses (malloc'd), or NULL
 * with *e set. */
static IP_ADAPTER_ADDRESSES *
adapters(ULONG *e)
{
	IP_ADAPTER_ADDRESSES	*list = NULL, *nl;
	ULONG			 size = 16384;
	int			 tries;

	for (tries = 0; tries < 4; tries++) {
		nl = realloc(list, size);
		if (nl == NULL) {
			*e = ERROR_NOT_ENOUGH_MEMORY;
			break;
		}
		list = nl;
		*e = GetAdaptersAddresses(AF_UNSPEC, GAA_FLAG_SKIP_ANYCAST |
		    GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER, NULL,
		    list, &size);
		if (*e == NO_ERROR)
			return list;
		if (*e == ERROR_NO_DATA) {
			free(list);
			return calloc(1, sizeof(*list));	/* none */
		}
		if (*e != ERROR_BUFFER_OVERFLOW)
			break;
	}
	free(list);
	return NULL;
}

/* Returns 1 when ASCII strings a and b are equal ignoring case. */
static int
ascii_ieq(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++)
		if ((*a | 0x20) != (*b | 0x20))
			return 0;
	return *a == *b;
}

/* Returns 1 when a is the adapter called name: its friendly name
 * ("Ethernet", "Wi-Fi"; case ignored, as Windows does) or its GUID name. */
static int
adapter_is(const IP_ADAPTER_ADDRESSES *a, const char *name,
    const wchar_t *wname)
{
	if (a->IfIndex == 0 && a->Ipv6IfIndex == 0 && a->FriendlyName == NULL)
		return 0;	/* the empty list from adapters() */
	if (a->FriendlyName != NULL && CompareStringOrdinal(a->FriendlyName,
	    -1, wname, -1, TRUE) == CSTR_EQUAL)
		return 1;
	return a->AdapterName != NULL && ascii_ieq(a->AdapterName, name);
}

/* Returns the PLAT_IFA_* flags of IPv6 address u. */
static unsigned
in6_flags(const IP_ADAPTER_UNICAST_ADDRESS *u)
{
	unsigned f = 0;

	/* Random suffixes are the RFC 4941 temporary addresses (Windows
	 * reports its randomized stable address with the "link" origin). */
	if (u->SuffixOrigin == IpSuffixOriginRandom)
		f |= PLAT_IFA_TEMPORARY;
	if (u->DadState == IpDadStateDeprecated || u->PreferredLifetime == 0)
		f |= PLAT_IFA_DEPRECATED;
	if (u->DadState == IpDadStateTentative ||
	    u->DadState == IpDadStateDuplicate ||
	    u->DadState == IpDadStateInvalid)
		f |= PLAT_IFA_TENTATIVE;
	return f;
}

/* Copies the addresses of family af from adapter a into out; *n counts. */
static void
adapter_addrs(const IP_ADAPTER_ADDRESSES *a, int af,
    struct plat_ifaddr *out, size_t max, size_t *n)
{
	const IP_ADAPTER_UNICAST_ADDRESS	*u;
	const struct sockaddr			*sa;
	struct plat_ifaddr			*ia;

	for (u = a->FirstUnicastAddress; u != NULL && *n < max; u = u->Next) {
		sa = u->Address.lpSockaddr;
		if (sa == NULL || sa->sa_family != af)
			continue;
		ia = &out[(*n)++];
		memset(ia, 0, sizeof(*ia));
		if (af == AF_INET) {
			ia->family = 4;
			memcpy(ia->bytes, &((const struct sockaddr_in *)
			    (const void *)sa)->sin_addr, 4);
		} else {
			ia->family = 6;
			memcpy(ia->bytes, &((const struct sockaddr_in6 *)
			    (const void *)sa)->sin6_addr, 16);
			ia->flags = in6_flags(u);
		}
	}
}

/* GetAdaptersAddresses; ifname is the friendly name or the {GUID}. IPv6
 * flags come from the suffix origin and the DAD state. */
int
plat_iface_addrs(const char *ifname, int family, struct plat_ifaddr *out,
    size_t max, size_t *n, char *err, size_t errlen)
{
	IP_ADAPTER_ADDRESSES	*list, *a;
	wchar_t			*wname;
	ULONG			 e = 0;
	int			 found = 0;

	*n = 0;
	if (family != 4 && family != 6) {
		snprintf(err, errlen, "bad address family %d", family);
		return -1;
	}
	wname = wide(ifname);
	list = wname != NULL ? adapters(&e) : NULL;
	if (list == NULL) {
		set_err(err, errlen, wname ? e : code_of_errno(errno),
		    "cannot list the addresses of %s", ifname);
		free(wname);
		return -1;
	}
	for (a = list; a != NULL && !found; a = a->Next)
		if (adapter_is(a, ifname, wname)) {
			found = 1;
			adapter_addrs(a, family == 4 ? AF_INET : AF_INET6,
			    out, max, n);
		}
	free(list);
	free(wname);
	if (!found)
		snprintf(err, errlen, "no interface named %s", ifname);
	return found ? 0 : -1;
}

/* --- running commands --------------------------------------------------- */

enum run_end { RUN_OK, RUN_TIMEOUT, RUN_TOOMUCH, RUN_FAILED };

struct run {
	HANDLE		 proc;		/* the child */
	HANDLE		 job;		/* its job (the whole tree), or NULL */
	HANDLE		 out;		/* read end of its stdout */
	HANDLE		 feeder;	/* thread writing its stdin, or NULL */
	DWORD		 e;		/* Windows error for RUN_FAILED */
	long long	 deadline;	/* plat_monotonic_ms() limit */
	int		 timeout_ms;
	char		 name[64];	/* first word of the command */
};

/* The child's standard handles (inheritable) and our ends of its pipes. */
struct run_io {
	HANDLE	 in, out, err;	/* the child's */
	HANDLE	 in_w, out_r;	/* ours */
};

/* What the stdin thread writes; it owns and frees all of it. */
struct feed {
	HANDLE	 h;		/* write end of the child's stdin */
	size_t	 len;
	char	 data[];
};

/* Returns milliseconds left before deadline (0 when passed). */
static DWORD
ms_left(long long deadline)
{
	long long left = deadline - plat_monotonic_ms();

	if (left <= 0)
		return 0;
	return left > 1000000 ? 1000000 : (DWORD)left;
}

/* Copies the command's first word into r->name: arguments, which may hold
 * secrets, never reach a message. */
static void
run_name(struct run *r, const struct plat_cmd *cmd)
{
	const char	*s = cmd->shell ? cmd->shell : cmd->argv[0];
	size_t		 n;

	s += strspn(s, " \t\r\n");
	if (cmd->shell != NULL && *s == '"')
		n = strcspn(++s, "\"");
	else if (cmd->shell != NULL)
		n = strcspn(s, " \t\r\n&|<>()");
	else
		n = strlen(s);
	if (n == 0) {
		s = "cmd";
		n = 3;
	}
	if (n >= sizeof(r->name))
		n = sizeof(r->name) - 1;
	memcpy(r->name, s, n);
	r->name[n] = '\0';
}

/* Writes the error of a failed run into err. */
static void
run_error(const struct run *r, enum run_end end, size_t max, char *err,
    size_t errlen)
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
		set_err(err, errlen, r->e, "cannot run %s", r->name);
}

/* Appends n backslashes to b; 0 or -1. */
static int
add_backslashes(struct buf *b, size_t n)
{
	for (; n > 0; n--)
		if (buf_add(b, "\\", 1) == -1)
			return -1;
	return 0;
}

/* Appends a quoted so that the C runtime and CommandLineToArgvW read it
 * back unchanged: backslashes are literal except before a quote, where
 * they (and the quote) are escaped. 0 or -1. */
static int
quote_arg(struct buf *b, const char *a)
{
	size_t bs;

	if (*a != '\0' && strpbrk(a, " \t\n\v\"") == NULL)
		return buf_adds(b, a);
	if (buf_add(b, "\"", 1) == -1)
		return -1;
	for (;;) {
		bs = strspn(a, "\\");
		a += bs;
		if (*a == '\0')
			break;
		if (add_backslashes(b, *a == '"' ? bs * 2 + 1 : bs) == -1 ||
		    buf_add(b, a, 1) == -1)
			return -1;
		a++;
	}
	if (add_backslashes(b, bs * 2) == -1)
		return -1;
	return buf_add(b, "\"", 1);
}

/* Returns the full path of cmd.exe in the system directory (malloc'd). */
static wchar_t *
cmd_exe(void)
{
	wchar_t	 dir[MAX_PATH];
	wchar_t	*w;
	UINT	 n = GetSystemDirectoryW(dir, MAX_PATH);
	size_t	 len;

	if (n == 0 || n >= MAX_PATH)
		return NULL;
	len = n + sizeof("\\cmd.exe");
	w = malloc(len * sizeof(*w));
	if (w != NULL)
		swprintf(w, len, L"%ls\\cmd.exe", dir);
	return w;
}

/* Returns the full path of program name (malloc'd): name itself when it
 * has a directory part, else the first match in %PATH%; ".exe" is added
 * when name has no extension. NULL with *e set when not found. */
static wchar_t *
find_program(const char *name, DWORD *e)
{
	wchar_t	*w = wide(name), *path = NULL, *full = NULL;
	DWORD	 n = 0;

	if (w == NULL) {
		*e = code_of_errno(errno);
		return NULL;
	}
	if (strpbrk(name, "\\/:") == NULL)
		path = env_get_w(L"PATH");
	full = malloc(PATH_WMAX * sizeof(*full));
	if (full != NULL && path != NULL)
		n = SearchPathW(path, w, L".exe", PATH_WMAX, full, NULL);
	else if (full != NULL)
		n = SearchPathW(NULL, w, L".exe", PATH_WMAX, full, NULL);
	*e = n == 0 ? GetLastError() : 0;
	if (full == NULL)
		*e = ERROR_NOT_ENOUGH_MEMORY;
	free(w);
	free(path);
	if (n == 0 || n >= PATH_WMAX) {
		free(full);
		return NULL;
	}
	return full;
}

/* Builds the program path and command line for cmd; 0, or -1 with *e. */
static int
cmd_line(const struct plat_cmd *cmd, wchar_t **app, wchar_t **line,
    DWORD *e)
{
	struct buf		 b = BUF_INIT(PATH_WMAX * 3);
	const char *const	*a;
	int			 rc = 0;

	*e = ERROR_NOT_ENOUGH_MEMORY;
	if (cmd->shell != NULL) {
		/* /d: no AutoRun; /s /c "...": run the rest as written. */
		*app = cmd_exe();
		rc = buf_printf(&b, "cmd.exe /d /s /c \"%s\"", cmd->shell);
	} else {
		*app = find_program(cmd->argv[0], e);
		for (a = cmd->argv; rc == 0 && *a != NULL; a++)
			if ((a != cmd->argv && buf_add(&b, " ", 1) == -1) ||
			    quote_arg(&b, *a) == -1)
				rc = -1;
	}
	if (*app == NULL || rc == -1) {
		if (rc == -1)
			*e = ERROR_FILENAME_EXCED_RANGE;
		buf_free(&b);
		return -1;
	}
	*line = wide(buf_str(&b));
	buf_free(&b);
	if (*line == NULL)
		*e = code_of_errno(errno);
	return *line != NULL ? 0 : -1;
}

/* Returns the length of the name in environment entry s ("NAME=value";
 * the hidden per-drive entries look like "=C:=C:\dir"). */
static size_t
env_name_len(const wchar_t *s)
{
	const wchar_t *eq = s[0] != L'\0' ? wcschr(s + 1, L'=') : NULL;

	return eq != NULL ? (size_t)(eq - s) : wcslen(s);
}

/* Returns 1 when entry s sets a name that one of extra sets too (names
 * compared without case, as Windows does). */
static int
env_overridden(const wchar_t *s, wchar_t *const *extra)
{
	size_t n = env_name_len(s);

	for (; *extra != NULL; extra++)
		if (env_name_len(*extra) == n && CompareStringOrdinal(s,
		    (int)n, *extra, (int)n, TRUE) == CSTR_EQUAL)
			return 1;
	return 0;
}

/* Returns the UTF-16 forms of the "NAME=value" entries of extra (the
 * vector and strings malloc'd), or NULL. */
static wchar_t **
env_extra_w(const char *const *extra)
{
	wchar_t	**wx;
	size_t	  n = 0, i, k = 0;

	while (extra[n] != NULL)
		n++;
	wx = calloc(n + 1, sizeof(*wx));
	for (i = 0; wx != NULL && i < n; i++) {
		if (strchr(extra[i] + 1, '=') == NULL)
			continue;
		wx[k] = wide(extra[i]);
		if (wx[k++] == NULL) {
			while (k-- > 0)
				free(wx[k]);
			free(wx);
			wx = NULL;
		}
	}
	return wx;
}

/* Frees a vector from env_extra_w. */
static void
env_extra_free(wchar_t **wx)
{
	size_t i;

	for (i = 0; wx != NULL && wx[i] != NULL; i++)
		free(wx[i]);
	free(wx);
}

/* Returns the environment block for CreateProcessW: ours with the extra
 * entries added or replacing (malloc'd), or NULL. */
static wchar_t *
env_block(const char *const *extra)
{
	wchar_t	**wx = env_extra_w(extra), *cur, *blk = NULL, *s, *p;
	size_t	  total = 1, i, n;

	cur = wx != NULL ? GetEnvironmentStringsW() : NULL;
	if (cur == NULL)
		goto out;
	for (s = cur; *s != L'\0'; s += wcslen(s) + 1)
		if (!env_overridden(s, wx))
			total += wcslen(s) + 1;
	for (i = 0; wx[i] != NULL; i++)
		total += wcslen(wx[i]) + 1;
	p = blk = malloc(total * sizeof(*blk));
	for (s = cur; blk != NULL && *s != L'\0'; s += n) {
		n = wcslen(s) + 1;
		if (!env_overridden(s, wx)) {
			memcpy(p, s, n * sizeof(*p));
			p += n;
		}
	}
	for (i = 0; blk != NULL && wx[i] != NULL; i++) {
		n = wcslen(wx[i]) + 1;
		memcpy(p, wx[i], n * sizeof(*p));
		p += n;
	}
	if (blk != NULL)
		*p = L'\0';
out:
	if (cur != NULL)
		FreeEnvironmentStringsW(cur);
	env_extra_free(wx);
	return blk;
}

/* Opens the NUL device for the child (inheritable); handle or NULL. */
static HANDLE
open_nul(DWORD access)
{
	SECURITY_ATTRIBUTES sa;

	sa.nLength = sizeof(sa);
	sa.lpSecurityDescriptor = NULL;
	sa.bInheritHandle = TRUE;
	return handle_or_null(CreateFileW(L"NUL", access, FILE_SHARE_READ |
	    FILE_SHARE_WRITE, &sa, OPEN_EXISTING, 0, NULL));
}

/* Returns an inheritable copy of our stderr for the child, or NUL when we
 * have none (a scheduled task). */
static HANDLE
child_stderr(void)
{
	HANDLE	 h = GetStdHandle(STD_ERROR_HANDLE), dup = NULL;

	if (h != NULL && h != INVALID_HANDLE_VALUE &&
	    DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &dup,
	    0, TRUE, DUPLICATE_SAME_ACCESS))
		return dup;
	return open_nul(GENERIC_WRITE);
}

/* Makes a pipe whose child end (*child, read end when child_reads) alone
 * is inheritable; 0 or -1. */
static int
pipe_for_child(HANDLE *child, HANDLE *ours, int child_reads)
{
	HANDLE	 r, w;

	if (!CreatePipe(&r, &w, NULL, RUN_PIPE_SIZE))
		return -1;
	*child = child_reads ? r : w;
	*ours = child_reads ? w : r;
	return SetHandleInformation(*child, HANDLE_FLAG_INHERIT,
	    HANDLE_FLAG_INHERIT) ? 0 : -1;
}

/* Closes every handle of io. */
static void
io_close(struct run_io *io)
{
	close_handle(&io->in);
	close_handle(&io->out);
	close_handle(&io->err);
	close_handle(&io->in_w);
	close_handle(&io->out_r);
}

/* Sets up the child's stdin (a pipe when there is input, else NUL),
 * stdout (a pipe) and stderr (ours); 0, or -1 with *e. */
static int
io_open(struct run_io *io, int input, DWORD *e)
{
	memset(io, 0, sizeof(*io));
	if (pipe_for_child(&io->out, &io->out_r, 0) == -1 ||
	    (input && pipe_for_child(&io->in, &io->in_w, 1) == -1) ||
	    (!input && (io->in = open_nul(GENERIC_READ)) == NULL) ||
	    (io->err = child_stderr()) == NULL) {
		*e = GetLastError();
		io_close(io);
		return -1;
	}
	return 0;
}

/* Returns a job for proc that kills the whole tree when closed and keeps
 * crashing programs from opening error dialogs, or NULL when proc cannot
 * be put in one (Windows 7 inside another job). */
static HANDLE
job_for(HANDLE proc)
{
	JOBOBJECT_EXTENDED_LIMIT_INFORMATION	 li;
	HANDLE					 job;

	job = CreateJobObjectW(NULL, NULL);
	if (job == NULL)
		return NULL;
	memset(&li, 0, sizeof(li));
	li.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE |
	    JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION;
	if (!SetInformationJobObject(job, JobObjectExtendedLimitInformation,
	    &li, sizeof(li)) || !AssignProcessToJobObject(job, proc)) {
		CloseHandle(job);
		return NULL;
	}
	return job;
}

/* Returns an attribute list that limits inheritance to the three handles
 * in h (malloc'd), or NULL when Windows cannot make one. */
static LPPROC_THREAD_ATTRIBUTE_LIST
inherit_only(HANDLE h[3])
{
	LPPROC_THREAD_ATTRIBUTE_LIST	 al;
	SIZE_T				 size = 0;

	(void)InitializeProcThreadAttributeList(NULL, 1, 0, &size);
	al = size > 0 ? malloc(size) : NULL;
	if (al == NULL)
		return NULL;
	if (!InitializeProcThreadAttributeList(al, 1, 0, &size)) {
		free(al);
		return NULL;
	}
	if (!UpdateProcThreadAttribute(al, 0,
	    PROC_THREAD_ATTRIBUTE_HANDLE_LIST, h, 3 * sizeof(HANDLE), NULL,
	    NULL)) {
		DeleteProcThreadAttributeList(al);
		free(al);
		return NULL;
	}
	return al;
}

/* Starts the child suspended, puts it in its job, and lets it run; the
 * only handles it inherits are its three standard ones. 0, or -1 (r->e). */
static int
spawn(struct run *r, wchar_t *app, wchar_t *line, wchar_t *env,
    struct run_io *io)
{
	STARTUPINFOEXW		 si;
	PROCESS_INFORMATION	 pi;
	HANDLE			 h[3] = { io->in, io->out, io->err };
	DWORD			 flags = CREATE_NO_WINDOW | CREATE_SUSPENDED |
				    CREATE_UNICODE_ENVIRONMENT;
	BOOL			 ok;

	memset(&si, 0, sizeof(si));
	si.StartupInfo.cb = sizeof(si.StartupInfo);
	si.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
	si.StartupInfo.hStdInput = io->in;
	si.StartupInfo.hStdOutput = io->out;
	si.StartupInfo.hStdError = io->err;
	si.lpAttributeList = inherit_only(h);
	if (si.lpAttributeList != NULL) {
		si.StartupInfo.cb = sizeof(si);
		flags |= EXTENDED_STARTUPINFO_PRESENT;
	}
	ok = CreateProcessW(app, line, NULL, NULL, TRUE, flags, env, NULL,
	    &si.StartupInfo, &pi);
	r->e = GetLastError();
	if (si.lpAttributeList != NULL) {
		DeleteProcThreadAttributeList(si.lpAttributeList);
		free(si.lpAttributeList);
	}
	if (!ok)
		return -1;
	r->proc = pi.hProcess;
	r->job = job_for(pi.hProcess);
	ResumeThread(pi.hThread);
	CloseHandle(pi.hThread);
	return 0;
}

/* The stdin thread: writes everything (or until the child stops reading),
 * then closes the pipe so the child sees the end. Frees its feed. */
static DWORD WINAPI
feed_main(void *arg)
{
	struct feed	*f = arg;
	size_t		 off = 0;
	DWORD		 n;

	while (off < f->len) {
		if (!WriteFile(f->h, f->data + off, f->len - off > RUN_CHUNK ?
		    RUN_CHUNK : (DWORD)(f->len - off), &n, NULL))
			break;
		off += n;
	}
	CloseHandle(f->h);
	free(f);
	return 0;
}

/* Starts the thread that feeds input through h (which it takes over, with
 * a copy of the input, so it may safely outlive plat_run); 0 or -1. */
static int
feed_start(struct run *r, HANDLE *h, const char *in, size_t len)
{
	struct feed *f = malloc(sizeof(*f) + len);

	if (f == NULL) {
		r->e = ERROR_NOT_ENOUGH_MEMORY;
		return -1;
	}
	f->h = *h;
	f->len = len;
	memcpy(f->data, in, len);
	r->feeder = CreateThread(NULL, 65536, feed_main, f,
	    STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
	if (r->feeder == NULL) {
		r->e = GetLastError();
		free(f);
		return -1;
	}
	*h = NULL;
	return 0;
}

/* Kills the child's whole tree and waits at most RUN_REAP_MS for it. */
static void
run_kill(struct run *r)
{
	if (r->job != NULL)
		TerminateJobObject(r->job, RUN_KILLED);
	TerminateProcess(r->proc, RUN_KILLED);
	WaitForSingleObject(r->proc, RUN_REAP_MS);
}

/* Starts the command with its pipes; 0, or -1 with err set (nothing left
 * running). */
static int
run_start(struct run *r, const struct plat_cmd *cmd, char *err,
    size_t errlen)
{
	struct run_io	 io;
	wchar_t		*app = NULL, *line = NULL, *env = NULL;
	int		 input = cmd->input != NULL && cmd->inputlen > 0;
	int		 rc = -1;

	if (cmd_line(cmd, &app, &line, &r->e) == -1)
		;
	else if (cmd->env != NULL && (env = env_block(cmd->env)) == NULL)
		r->e = ERROR_NOT_ENOUGH_MEMORY;
	else if (io_open(&io, input, &r->e) == 0) {
		rc = spawn(r, app, line, env, &io);
		r->out = io.out_r;
		io.out_r = NULL;
		if (rc == 0 && input && feed_start(r, &io.in_w, cmd->input,
		    cmd->inputlen) == -1) {
			run_kill(r);
			rc = -1;
		}
		io_close(&io);
	}
	free(app);
	free(line);
	free(env);
	if (rc == -1)
		run_error(r, RUN_FAILED, 0, err, errlen);
	return rc;
}

/* Reads what the command prints until it closes stdout, the deadline
 * passes, or more than max bytes came. Anonymous pipes cannot wait with a
 * time limit, so the pipe is polled, with pauses growing to RUN_NAP_MAX. */
static enum run_end
run_pump(struct run *r, struct buf *out, size_t max)
{
	char	 chunk[RUN_CHUNK];
	DWORD	 avail, n, nap = 1;

	for (;;) {
		if (!PeekNamedPipe(r->out, NULL, 0, NULL, &avail, NULL))
			break;
		if (avail == 0) {
			if (ms_left(r->deadline) == 0)
				return RUN_TIMEOUT;
			Sleep(nap < ms_left(r->deadline) ? nap :
			    ms_left(r->deadline));
			nap = nap < RUN_NAP_MAX ? nap * 2 : RUN_NAP_MAX;
			continue;
		}
		if (!ReadFile(r->out, chunk, avail < sizeof(chunk) ? avail :
		    sizeof(chunk), &n, NULL))
			break;
		if (n > max - out->len)
			return RUN_TOOMUCH;
		if (buf_add(out, chunk, n) == -1) {
			r->e = ERROR_NOT_ENOUGH_MEMORY;
			return RUN_FAILED;
		}
		nap = 1;
	}
	r->e = GetLastError();
	return r->e == ERROR_BROKEN_PIPE ? RUN_OK : RUN_FAILED;
}

/* Waits (until the deadline) for the child to end and sets *status. */
static enum run_end
run_reap(struct run *r, int *status)
{
	DWORD	 w, code;

	w = WaitForSingleObject(r->proc, ms_left(r->deadline));
	if (w == WAIT_TIMEOUT)
		return RUN_TIMEOUT;
	if (w != WAIT_OBJECT_0 || !GetExitCodeProcess(r->proc, &code)) {
		r->e = GetLastError();
		return RUN_FAILED;
	}
	*status = (int)code;
	return RUN_OK;
}

/* Closes everything of r. Closing the job kills what the command left
 * running; then the stdin thread, whose reader is gone, ends too. */
static void
run_close(struct run *r)
{
	close_handle(&r->out);
	close_handle(&r->job);
	if (r->feeder != NULL &&
	    WaitForSingleObject(r->feeder, RUN_REAP_MS) == WAIT_TIMEOUT) {
		CancelSynchronousIo(r->feeder);
		WaitForSingleObject(r->feeder, RUN_REAP_MS);
	}
	close_handle(&r->feeder);
	close_handle(&r->proc);
}

/*
 * A shell command runs as cmd.exe /d /s /c "command" (cmd.exe from the
 * system directory); an argv runs directly, found on %PATH%, with its
 * arguments quoted per the C runtime's rules. No console window opens.
 * The child is in a job object: on timeout, and when the command has
 * ended, its whole tree is killed.
 */
int
plat_run(const struct plat_cmd *cmd, struct buf *out, int *status,
    char *err, size_t errlen)
{
	struct run	 r;
	size_t		 max = out->max ? out->max : BUF_MAX_DEFAULT;
	enum run_end	 end;

	*status = -1;
	buf_reset(out);
	if (cmd->shell == NULL && (cmd->argv == NULL || cmd->argv[0] == NULL)) {
		snprintf(err, errlen, "no command to run");
		return -1;
	}
	memset(&r, 0, sizeof(r));
	run_name(&r, cmd);
	r.timeout_ms = cmd->timeout_ms > 0 ? cmd->timeout_ms : RUN_TIMEOUT_MS;
	r.deadline = plat_monotonic_ms() + r.timeout_ms;
	if (run_start(&r, cmd, err, errlen) == -1) {
		run_close(&r);
		return -1;
	}
	end = run_pump(&r, out, max);
	if (end == RUN_OK)
		end = run_reap(&r, status);
	if (end != RUN_OK) {
		run_kill(&r);
		*status = -1;
		run_error(&r, end, max, err, errlen);
	}
	run_close(&r);
	return end == RUN_OK ? 0 : -1;
}

/* --- time --------------------------------------------------------------- */

/* GetTickCount64: milliseconds since boot, never going back. */
long long
plat_monotonic_ms(void)
{
	return (long long)GetTickCount64();
}

/* Sleep(); nothing for ms <= 0. */
void
plat_sleep_ms(int ms)
{
	if (ms > 0)
		Sleep((DWORD)ms);
}
