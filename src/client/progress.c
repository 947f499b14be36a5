/*
 * progress.c - progress text for `doitong generate` (see progress.h).
 */
#include "client/progress.h"

#include <stdio.h>

static size_t clamp_written(int n, size_t len)
{
	if (n < 0)
		return 0;
	return (size_t)n < len ? (size_t)n : len - 1;
}

size_t progress_bar(char *buf, size_t len, int percent, const char *status,
		    long elapsed_s, int bar_width)
{
	char bar[128];
	char pct[8];
	char elapsed[32];
	if (len == 0)
		return 0;
	if (bar_width < 1)
		bar_width = 1;
	if (bar_width > (int)sizeof bar - 1)
		bar_width = (int)sizeof bar - 1;
	int shown = percent < 0 ? 0 : percent > 100 ? 100 : percent;
	int done = shown * bar_width / 100;
	for (int i = 0; i < bar_width; i++)
		bar[i] = i < done ? '#' : '-';
	bar[bar_width] = '\0';
	if (percent < 0)
		snprintf(pct, sizeof pct, "  ?%%");
	else
		snprintf(pct, sizeof pct, "%3d%%", shown);
	if (elapsed_s < 0)
		elapsed_s = 0;
	if (elapsed_s >= 60)
		snprintf(elapsed, sizeof elapsed, "%ldm%02lds", elapsed_s / 60, elapsed_s % 60);
	else
		snprintf(elapsed, sizeof elapsed, "%lds", elapsed_s);
	return clamp_written(snprintf(buf, len, "[%s] %s %-10s %s", bar, pct, status, elapsed), len);
}

size_t progress_plain(char *buf, size_t len, const char *status, int percent)
{
	if (len == 0)
		return 0;
	if (percent < 0)
		return clamp_written(snprintf(buf, len, "status %s", status), len);
	return clamp_written(snprintf(buf, len, "status %s %d%%", status, percent > 100 ? 100 : percent), len);
}
