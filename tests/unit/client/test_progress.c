/*
 * test_progress.c - the progress text of `doitong generate`: the bar's
 * cells, percentage, status and elapsed time, clamping, truncation, and the
 * plain line for non-terminals.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "client/progress.h"

static void bar_lines(void **state)
{
	(void)state;
	char b[128];
	size_t n = progress_bar(b, sizeof b, 0, "PENDING", 0, 10);
	assert_int_equal(n, strlen(b));
	assert_string_equal(b, "[----------]   0% PENDING    0s");
	progress_bar(b, sizeof b, 35, "PROCESSING", 3, 10);
	assert_string_equal(b, "[###-------]  35% PROCESSING 3s");
	progress_bar(b, sizeof b, 100, "COMPLETED", 65, 10);
	assert_string_equal(b, "[##########] 100% COMPLETED  1m05s");
	progress_bar(b, sizeof b, 250, "COMPLETED", -4, 4);
	assert_string_equal(b, "[####] 100% COMPLETED  0s");
	progress_bar(b, sizeof b, -1, "PENDING", 2, 4);
	assert_string_equal(b, "[----]   ?% PENDING    2s");
	progress_bar(b, sizeof b, 50, "PROCESSING", 1, PROGRESS_BAR_WIDTH);
	assert_int_equal(strchr(b, ']') - b, PROGRESS_BAR_WIDTH + 1);
	assert_int_equal(strspn(b + 1, "#"), PROGRESS_BAR_WIDTH / 2);
	/* No control characters: the caller owns '\r' and newlines. */
	for (const char *c = b; *c; c++)
		assert_true(*c >= 0x20);
}

static void bar_truncates(void **state)
{
	(void)state;
	char b[8];
	size_t n = progress_bar(b, sizeof b, 50, "PROCESSING", 1, 10);
	assert_int_equal(n, 7);
	assert_string_equal(b, "[#####-");
	assert_int_equal(progress_bar(b, 0, 50, "X", 1, 10), 0);
	char wide[512];
	progress_bar(wide, sizeof wide, 100, "X", 1, 10000); /* width is capped */
	assert_true(strlen(wide) < 200);
}

static void plain_lines(void **state)
{
	(void)state;
	char b[64];
	progress_plain(b, sizeof b, "PROCESSING", 35);
	assert_string_equal(b, "status PROCESSING 35%");
	progress_plain(b, sizeof b, "PENDING", -1);
	assert_string_equal(b, "status PENDING");
	progress_plain(b, sizeof b, "COMPLETED", 101);
	assert_string_equal(b, "status COMPLETED 100%");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bar_lines),
		cmocka_unit_test(bar_truncates),
		cmocka_unit_test(plain_lines),
	};
	return cmocka_run_group_tests_name("client/progress", tests, NULL, NULL);
}
