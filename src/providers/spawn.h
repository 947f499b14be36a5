/*
 * spawn.h - run a helper program (espeak-ng, ffmpeg) without a shell.
 *
 * The program is started with fork/execvp in its own process group, gets the
 * given bytes on stdin, and its stdout and stderr are captured together into
 * a bounded buffer (the tail beyond the bound is dropped). Past the time
 * limit the whole group is killed. The caller's SIGPIPE disposition is kept.
 */
#ifndef DOITONG_SPAWN_H
#define DOITONG_SPAWN_H

#include <stdbool.h>
#include <stddef.h>

#define SPAWN_OUTPUT_MAX 2048

enum spawn_status {
	SPAWN_EXITED,      /* exit_code is valid */
	SPAWN_SIGNALED,    /* killed by signal term_signal */
	SPAWN_TIMED_OUT,   /* killed by us after the time limit */
	SPAWN_NOT_FOUND,   /* execvp failed with ENOENT */
	SPAWN_ERROR        /* fork, pipe or exec failed otherwise; see error */
};

struct spawn_result {
	enum spawn_status status;
	int exit_code;
	int term_signal;
	int error;                      /* errno for SPAWN_ERROR / SPAWN_NOT_FOUND */
	char output[SPAWN_OUTPUT_MAX];  /* stdout+stderr, NUL-terminated */
	size_t output_len;
};

/*
 * Runs argv[0] (looked up in PATH when it has no '/') with argv, feeding
 * input[0..input_len) on stdin (input may be NULL), and waits up to
 * timeout_seconds. Fills *res and returns true only when the program exited
 * with status 0.
 */
bool spawn_run(const char *const *argv, const char *input, size_t input_len,
	       int timeout_seconds, struct spawn_result *res);

/* A one-line description of a failed run for an error message, e.g.
 * "exited with status 1: <first line of output>". Writes into buf. */
const char *spawn_describe(const struct spawn_result *res, char *buf, size_t buflen);

#endif
