/*
 * log.c - the line logger: "<time> <program>[pid] <LEVEL> [req] msg".
 * Warnings and errors carry file:line.
 */
#include "common/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum log_level log_threshold = LOG_INFO;
static const char *program_name = "doitong";
static char request_id[64];

void log_init(const char *program, const char *level)
{
	if (program)
		program_name = program;
	if (!level)
		return;
	if (!strcmp(level, "debug"))
		log_threshold = LOG_DEBUG;
	else if (!strcmp(level, "info"))
		log_threshold = LOG_INFO;
	else if (!strcmp(level, "warn"))
		log_threshold = LOG_WARN;
	else if (!strcmp(level, "error"))
		log_threshold = LOG_ERROR;
}

void log_set_request_id(const char *id)
{
	if (!id) {
		request_id[0] = '\0';
		return;
	}
	snprintf(request_id, sizeof request_id, "%s", id);
}

void log_write(enum log_level level, const char *file, int line, const char *fmt, ...)
{
	static const char *names[] = { "DEBUG", "INFO", "WARN", "ERROR" };
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);

	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	for (char *p = msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';

	if (level >= LOG_WARN)
		fprintf(stderr, "%s %s[%d] %s %s%s%s(%s:%d) %s\n", stamp, program_name,
			(int)getpid(), names[level], request_id[0] ? "[" : "", request_id,
			request_id[0] ? "] " : "", file, line, msg);
	else
		fprintf(stderr, "%s %s[%d] %s %s%s%s%s\n", stamp, program_name, (int)getpid(),
			names[level], request_id[0] ? "[" : "", request_id,
			request_id[0] ? "] " : "", msg);
}
