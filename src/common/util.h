/*
 * util.h - small macros shared by every part of Doitong: attribute wrappers,
 * array length, and the single out-of-memory exit.
 */
#ifndef DOITONG_UTIL_H
#define DOITONG_UTIL_H

#include <stddef.h>

#define PRINTF_LIKE(fmt_idx, args_idx) __attribute__((format(printf, fmt_idx, args_idx)))
#define NONNULL(...) __attribute__((nonnull(__VA_ARGS__)))
#define NORETURN __attribute__((noreturn))
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Logs and aborts. Allocation failure is not recoverable in a worker: the
 * FastCGI manager restarts the process. */
NORETURN void oom_abort(void);

/* malloc/calloc/realloc/strdup that never return NULL (they call oom_abort). */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* Milliseconds on the monotonic clock, for durations and deadlines. */
long long monotonic_ms(void);

/* The value of one hex digit (either case), or -1. */
int hex_digit_value(char c);

#endif
