/*
 * spawn.c - runs one command and reports what it cost, for bench/run.
 *
 *   spawn RESULT_FILE TIMEOUT_MS COMMAND [ARG...]
 *
 * Forks, execs COMMAND, waits for it with wait4() and writes one line to
 * RESULT_FILE: "exit wall_us user_us sys_us maxrss_kib". The command's
 * stdin/stdout/stderr are this program's. After TIMEOUT_MS the command is
 * killed (exit is then 128 + 9).
 *
 * Why not measure from Python directly: Linux keeps, in a child's
 * ru_maxrss, the high-water mark of the memory it had before exec -- for a
 * child forked from the Python runner, the runner's whole size. Forked
 * from this small program, the child starts from a few hundred KiB, so
 * ru_maxrss is the command's own peak. CPU times come in microseconds
 * (GNU time rounds to 10 ms).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pid_t child;

/* Kills the command when the timeout fires. */
static void
on_alarm(int sig)
{
	(void)sig;
	if (child > 0)
		kill(child, SIGKILL);
}

/* Returns a monotonic time in microseconds. */
static long long
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Returns a timeval in microseconds. */
static long long
tv_us(struct timeval tv)
{
	return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

/* Arms the timeout. */
static void
arm(long ms)
{
	struct sigaction	sa;
	struct itimerval	it = { { 0, 0 }, { ms / 1000, (ms % 1000) * 1000 } };

	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
}

int
main(int argc, char **argv)
{
	struct rusage	 ru;
	long long	 t0, wall;
	int		 status, code;
	FILE		*fp;

	if (argc < 4) {
		fprintf(stderr, "usage: spawn RESULT_FILE TIMEOUT_MS COMMAND "
		    "[ARG...]\n");
		return 2;
	}
	t0 = now_us();
	if ((child = fork()) == -1) {
		perror("spawn: fork");
		return 2;
	}
	if (child == 0) {
		execvp(argv[3], argv + 3);
		perror("spawn: exec");
		_exit(127);
	}
	arm(strtol(argv[2], NULL, 10));
	while (wait4(child, &status, 0, &ru) == -1)
		if (errno != EINTR) {
			perror("spawn: wait4");
			return 2;
		}
	wall = now_us() - t0;
	code = WIFEXITED(status) ? WEXITSTATUS(status) :
	    128 + WTERMSIG(status);
	if ((fp = fopen(argv[1], "w")) == NULL) {
		perror("spawn: result file");
		return 2;
	}
	fprintf(fp, "%d %lld %lld %lld %ld\n", code, wall, tv_us(ru.ru_utime),
	    tv_us(ru.ru_stime), ru.ru_maxrss);
	return fclose(fp) == 0 ? 0 : 2;
}
