/*
 * spawn.c - fork/execvp with stdin, captured output and a time limit.
 *
 * Three pipes: stdin, output (stdout and stderr of the child), and a
 * close-on-exec status pipe on which the child reports an execvp errno; when
 * exec succeeds the parent reads EOF there. The parent multiplexes with poll()
 * until the output pipe closes and the child is reaped, or the deadline
 * passes, in which case the child's process group gets SIGKILL.
 */
#include "providers/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/util.h"

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static NORETURN void child(const char *const *argv, int in_fd, int out_fd, int status_fd)
{
	/* Our own group, so a timeout kill reaches the program's children and a
	 * terminal's Ctrl-C aimed at the scheduler does not. */
	setpgid(0, 0);
	signal(SIGPIPE, SIG_DFL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(in_fd, STDIN_FILENO) < 0 || dup2(out_fd, STDOUT_FILENO) < 0 ||
	    dup2(out_fd, STDERR_FILENO) < 0) {
		int e = errno;
		(void)!write(status_fd, &e, sizeof e);
		_exit(127);
	}
	if (in_fd > STDERR_FILENO)
		close(in_fd);
	if (out_fd > STDERR_FILENO)
		close(out_fd);
	execvp(argv[0], (char *const *)argv);
	int e = errno;
	(void)!write(status_fd, &e, sizeof e);
	_exit(127);
}

static void set_nonblock_cloexec(int fd)
{
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

bool spawn_run(const char *const *argv, const char *input, size_t input_len,
	       int timeout_seconds, struct spawn_result *res)
{
	memset(res, 0, sizeof *res);
	res->status = SPAWN_ERROR;
	int in_p[2] = { -1, -1 }, out_p[2] = { -1, -1 }, st_p[2] = { -1, -1 };
	if (pipe(in_p) || pipe(out_p) || pipe2(st_p, O_CLOEXEC)) {
		res->error = errno;
		close_fd(&in_p[0]); close_fd(&in_p[1]);
		close_fd(&out_p[0]); close_fd(&out_p[1]);
		return false;
	}
	/* Writing to a child that exited early must not kill us. */
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_pipe;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old_pipe);

	pid_t pid = fork();
	if (pid == 0) {
		close(in_p[1]);
		close(out_p[0]);
		close(st_p[0]);
		child(argv, in_p[0], out_p[1], st_p[1]);
	}
	int fork_errno = errno;
	close_fd(&in_p[0]);
	close_fd(&out_p[1]);
	close_fd(&st_p[1]);
	if (pid < 0) {
		res->error = fork_errno;
		close_fd(&in_p[1]); close_fd(&out_p[0]); close_fd(&st_p[0]);
		sigaction(SIGPIPE, &old_pipe, NULL);
		return false;
	}
	setpgid(pid, pid); /* both sides set it: no race with an early kill */
	set_nonblock_cloexec(in_p[1]);
	set_nonblock_cloexec(out_p[0]);
	if (!input || input_len == 0)
		close_fd(&in_p[1]);

	long long deadline = monotonic_ms() + (long long)timeout_seconds * 1000;
	size_t written = 0;
	int exec_errno = 0;
	bool timed_out = false;
	while (out_p[0] >= 0 || st_p[0] >= 0) {
		struct pollfd fds[3];
		int n = 0, i_out = -1, i_st = -1, i_in = -1;
		if (out_p[0] >= 0) { i_out = n; fds[n++] = (struct pollfd){ out_p[0], POLLIN, 0 }; }
		if (st_p[0] >= 0) { i_st = n; fds[n++] = (struct pollfd){ st_p[0], POLLIN, 0 }; }
		if (in_p[1] >= 0) { i_in = n; fds[n++] = (struct pollfd){ in_p[1], POLLOUT, 0 }; }
		long long left = deadline - monotonic_ms();
		if (left <= 0) {
			timed_out = true;
			break;
		}
		int r = poll(fds, (nfds_t)n, left > 1000 ? 1000 : (int)left);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (i_in >= 0 && fds[i_in].revents) {
			ssize_t w = write(in_p[1], input + written, input_len - written);
			if (w > 0)
				written += (size_t)w;
			if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == input_len)
				close_fd(&in_p[1]);
		}
		if (i_st >= 0 && fds[i_st].revents) {
			int e;
			ssize_t got = read(st_p[0], &e, sizeof e);
			if (got == (ssize_t)sizeof e)
				exec_errno = e;
			if (got <= 0 || got == (ssize_t)sizeof e)
				close_fd(&st_p[0]);
		}
		if (i_out >= 0 && fds[i_out].revents) {
			char buf[4096];
			ssize_t got = read(out_p[0], buf, sizeof buf);
			if (got > 0) {
				size_t room = sizeof res->output - 1 - res->output_len;
				size_t take = (size_t)got < room ? (size_t)got : room;
				memcpy(res->output + res->output_len, buf, take);
				res->output_len += take;
			} else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
				close_fd(&out_p[0]);
			}
		}
	}
	res->output[res->output_len] = '\0';
	close_fd(&in_p[1]);
	close_fd(&out_p[0]);
	close_fd(&st_p[0]);

	int wstatus = 0;
	if (timed_out) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
	}
	for (;;) {
		pid_t w = waitpid(pid, &wstatus, WNOHANG);
		if (w == pid)
			break;
		if (w < 0) {
			if (errno == EINTR)
				continue;
			wstatus = 0;
			break;
		}
		/* Output closed but the program lives on (it closed its
		 * stdout, or it was just killed): wait until the deadline. */
		if (!timed_out && monotonic_ms() >= deadline) {
			timed_out = true;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
		}
		struct timespec ts = { 0, 10 * 1000000 };
		nanosleep(&ts, NULL);
	}
	if (timed_out)
		kill(-pid, SIGKILL); /* anything it left behind in its group */
	sigaction(SIGPIPE, &old_pipe, NULL);

	if (exec_errno) {
		res->error = exec_errno;
		res->status = exec_errno == ENOENT ? SPAWN_NOT_FOUND : SPAWN_ERROR;
		return false;
	}
	if (timed_out) {
		res->status = SPAWN_TIMED_OUT;
		return false;
	}
	if (WIFSIGNALED(wstatus)) {
		res->status = SPAWN_SIGNALED;
		res->term_signal = WTERMSIG(wstatus);
		return false;
	}
	res->status = SPAWN_EXITED;
	res->exit_code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
	return res->exit_code == 0;
}

/* The first non-empty line of the captured output, trimmed, at most 200 bytes. */
static void first_line(const char *s, char *out, size_t outlen)
{
	while (*s == '\n' || *s == '\r' || *s == ' ' || *s == '\t')
		s++;
	size_t n = strcspn(s, "\r\n");
	if (n > 200)
		n = 200;
	snprintf(out, outlen, "%.*s", (int)n, s);
}

const char *spawn_describe(const struct spawn_result *res, char *buf, size_t buflen)
{
	char line[256];
	first_line(res->output, line, sizeof line);
	const char *sep = line[0] ? ": " : "";
	switch (res->status) {
	case SPAWN_EXITED:
		snprintf(buf, buflen, "exited with status %d%s%s", res->exit_code, sep, line);
		break;
	case SPAWN_SIGNALED:
		snprintf(buf, buflen, "killed by signal %d%s%s", res->term_signal, sep, line);
		break;
	case SPAWN_TIMED_OUT:
		snprintf(buf, buflen, "did not finish within its time limit");
		break;
	case SPAWN_NOT_FOUND:
		snprintf(buf, buflen, "is not installed (not found in PATH)");
		break;
	case SPAWN_ERROR:
		snprintf(buf, buflen, "could not be started: %s", strerror(res->error));
		break;
	}
	return buf;
}
