/*
 * platform.h - everything that differs between operating systems.
 *
 * Implemented by exactly one of platform_posix.c (Linux, BSDs, macOS) and
 * platform_win32.c, chosen by the build. The rest of the tree has no
 * #ifdef for the OS. All strings are UTF-8 (the Windows file converts at
 * its edges). Functions that can fail write a specific, human-readable
 * reason into err (size errlen, never NULL) that names the path or command
 * involved, and return -1.
 */
#ifndef DDNS_PLATFORM_H
#define DDNS_PLATFORM_H

#include <stddef.h>
#include <stdio.h>

#include "buf.h"

/* --- process ------------------------------------------------------------ */

/* Prepares the process (console output encoding and the like) and returns
 * the arguments as UTF-8 strings (argv itself where it already is). */
char		**plat_init(int argc, char **argv);

/* --- environment and paths --------------------------------------------- */

/* Returns the value of an environment variable, or NULL when unset. */
const char	*plat_getenv(const char *name);
/* Returns 1 when running as root / SYSTEM (system-wide defaults apply). */
int		 plat_is_admin(void);
/* Returns the default config path for this user (malloc'd), NULL on OOM.
 * POSIX: /etc/ddns-update.ini for root, else
 * $XDG_CONFIG_HOME/ddns-update/ddns-update.ini (~/.config if unset).
 * Windows: %ProgramData%\ddns-update\ddns-update.ini for SYSTEM and
 * elevated administrators, else %LOCALAPPDATA%\ddns-update\... */
char		*plat_default_config(void);
/* Returns the default state file path (malloc'd), NULL on OOM.
 * POSIX: $STATE_DIRECTORY/state.ini when set (systemd), else
 * /var/lib/ddns-update/state.ini for root, else
 * $XDG_STATE_HOME/ddns-update/state.ini (~/.local/state if unset).
 * Windows: state.ini beside the default config. */
char		*plat_default_state(void);
/* Returns the absolute path of the running executable (malloc'd) or NULL.
 * argv0 is a fallback where the OS cannot tell. */
char		*plat_self_path(const char *argv0);
/* Returns path made absolute against the working directory (malloc'd),
 * without resolving symlinks; NULL on OOM or when cwd is unknown. */
char		*plat_abspath(const char *path);
/* Returns 1 when path exists and is a regular file, else 0. */
int		 plat_is_file(const char *path);

/* --- files -------------------------------------------------------------- */

/* Opens a file like fopen() (binary mode always); NULL with errno set. */
FILE		*plat_fopen(const char *path, const char *mode);
/* Creates dir and its missing parents (mode 0755); 0 or -1. */
int		 plat_mkdirs(const char *dir, char *err, size_t errlen);
/* Replaces path with data atomically: a temp file in the same directory,
 * written and flushed to disk, renamed over path, then the directory is
 * flushed. Creates the directory if missing. A crash at any instant leaves
 * either the old or the new file (on Windows, when another program holds
 * the file open, one short gap leaves neither: platform_win32.c). Mode
 * 0644 (before umask); 0 or -1. */
int		 plat_write_atomic(const char *path, const void *data,
		    size_t len, char *err, size_t errlen);
/* Removes the temp files (and moved-aside copies) that interrupted
 * plat_write_atomic calls for path left beside it (a kill mid-write); only
 * while holding the lock that serialises the writers of path. Returns how
 * many were removed. */
int		 plat_clean_temps(const char *path);
/* Returns 1 when group or others may read path, 0 when not, -1 unknown. */
int		 plat_others_can_read(const char *path);

/* An exclusive lock held by this process on a lock file. */
struct plat_lock;
/* Takes an exclusive lock on path (created if missing), waiting at most
 * wait_ms. Returns 0 and *out on success, 1 when another process still
 * holds it after wait_ms, -1 on error. Released by plat_unlock or exit. */
int		 plat_lock(const char *path, int wait_ms, struct plat_lock **out,
		    char *err, size_t errlen);
/* Releases and frees a lock taken by plat_lock (NULL is a no-op). */
void		 plat_unlock(struct plat_lock *lk);

/* --- network interfaces ------------------------------------------------- */

#define PLAT_IFA_TEMPORARY	0x1	/* RFC 4941 privacy address */
#define PLAT_IFA_DEPRECATED	0x2	/* preferred lifetime over */
#define PLAT_IFA_TENTATIVE	0x4	/* DAD not finished, or failed */

struct plat_ifaddr {
	int		 family;	/* 4 or 6 */
	unsigned char	 bytes[16];	/* 4 or 16 bytes, network order */
	unsigned	 flags;		/* PLAT_IFA_* (IPv6 only; 0 if unknown) */
};

/* Lists the addresses of interface ifname of the given family (4 or 6) into
 * out (at most max); *n gets the count. 0 (possibly with *n == 0), or -1
 * when the interface does not exist or cannot be read. */
int		 plat_iface_addrs(const char *ifname, int family,
		    struct plat_ifaddr *out, size_t max, size_t *n,
		    char *err, size_t errlen);

/* --- running commands --------------------------------------------------- */

struct plat_cmd {
	const char		*shell;	/* command line for the system shell
					   (/bin/sh -c, cmd.exe /c), or NULL */
	const char *const	*argv;	/* run directly when shell is NULL;
					   argv[0] is found on PATH */
	const char *const	*env;	/* extra "NAME=value" entries, or NULL */
	const char		*input;	/* fed to stdin, or NULL for empty */
	size_t			 inputlen;
	int			 timeout_ms;	/* killed (whole process group)
						   after this */
};

/* Runs a command with stdout captured into out (stderr inherited); more
 * than out->max bytes of output is an error. Returns 0 when the command ran
 * to its end (*status gets its exit status, 128+N when killed by signal N),
 * or -1 when it could not start, timed out, or said too much. Never waits
 * longer than timeout_ms (plus a moment to reap). */
int		 plat_run(const struct plat_cmd *cmd, struct buf *out,
		    int *status, char *err, size_t errlen);

/* --- time --------------------------------------------------------------- */

/* Returns milliseconds on a monotonic clock. */
long long	 plat_monotonic_ms(void);
/* Sleeps for ms milliseconds. */
void		 plat_sleep_ms(int ms);

#endif
