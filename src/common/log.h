/*
 * log.h - one line per event on stderr, which the web server or cron collects.
 * log_msg skips formatting below the configured level. Never log keys, bodies
 * or variables.
 */
#ifndef DOITONG_LOG_H
#define DOITONG_LOG_H

#include "common/util.h"

enum log_level { LOG_DEBUG = 0, LOG_INFO = 1, LOG_WARN = 2, LOG_ERROR = 3 };

extern enum log_level log_threshold;

/* Sets the process name printed on each line and the level from a string
 * ("debug", "info", "warn", "error"); unknown strings keep the default. */
void log_init(const char *program, const char *level);

/* Sets the request id printed on each line (NULL clears it). */
void log_set_request_id(const char *id);

void log_write(enum log_level level, const char *file, int line, const char *fmt, ...)
	PRINTF_LIKE(4, 5);

#define log_msg(level, ...)                                                    \
	do {                                                                   \
		if ((level) >= log_threshold)                                  \
			log_write((level), __FILE__, __LINE__, __VA_ARGS__);   \
	} while (0)

#endif
