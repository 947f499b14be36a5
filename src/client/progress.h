/*
 * progress.h - the text of the `doitong generate` progress display. Pure
 * functions that format into a caller's buffer; the caller decides where the
 * text goes (a terminal line redrawn with '\r', or one line per change).
 */
#ifndef DOITONG_CLIENT_PROGRESS_H
#define DOITONG_CLIENT_PROGRESS_H

#include <stddef.h>

#include "common/util.h"

#define PROGRESS_BAR_WIDTH 30

/*
 * Formats the terminal bar, e.g. "[#########---------------------]  30%
 * PROCESSING  12s": bar_width cells ('#' done, '-' to do), the percentage
 * (clamped to 0..100; a negative percent shows "  ?%" and an empty bar),
 * the status, and the elapsed time ("1m05s" from a minute on). No '\r' or
 * newline. Returns the length written (truncated to len - 1); buf is always
 * NUL-terminated when len > 0.
 */
size_t progress_bar(char *buf, size_t len, int percent, const char *status,
		    long elapsed_s, int bar_width) NONNULL(1, 4);

/* Formats the line for a non-terminal, "status PROCESSING 35%" (without the
 * percentage when percent is negative). Returns the length written. */
size_t progress_plain(char *buf, size_t len, const char *status, int percent) NONNULL(1, 3);

#endif
