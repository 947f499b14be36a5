/*
 * test_counters.c - the pool-wide request counters: private counting, sums
 * over processes sharing a file, slots of dead processes reused without the
 * totals ever going backwards (checked between every takeover), concurrent
 * writers against a scraper, and a file of another layout left alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/counters.h"

static unsigned long long total(const struct metrics_snapshot *s)
{
	unsigned long long n = 0;
	for (int o = 0; o < METRICS_OP__COUNT; o++)
		for (int st = 0; st < METRICS_STATUS_COUNT; st++)
			n += s->requests[o][st];
	return n;
}

static unsigned long long bucket_total(const struct metrics_snapshot *s)
{
	unsigned long long n = 0;
	for (int b = 0; b < METRICS_BUCKET_COUNT; b++)
		n += s->buckets[b];
	return n;
}

static char *temp_file(void)
{
	char *path = strdup("/tmp/doitong-test-counters.XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	return path;
}

/* Runs fn(path, arg) in a child process that exits when fn returns. */
static pid_t child(void (*fn)(const char *, int), const char *path, int arg)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		fn(path, arg);
		_exit(0);
	}
	return pid;
}

static void reap(pid_t pid)
{
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void observe_n(const char *path, int n)
{
	char err[256];
	struct counters *c = counters_open(path, err, sizeof err);
	if (!counters_shared(c))
		_exit(2);
	for (int i = 0; i < n; i++)
		counters_observe(c, METRICS_OP_QUERY, 200, 0.002);
	counters_close(c);
}

static void private_counting(void **state)
{
	(void)state;
	char err[256];
	struct counters *c = counters_open(NULL, err, sizeof err);
	assert_false(counters_shared(c));
	assert_string_equal(err, "");
	counters_observe(c, METRICS_OP_GENERATE, 200, 0.0005);
	counters_observe(c, METRICS_OP_GENERATE, 200, 3.0);
	counters_observe(c, METRICS_OP_OTHER, 418, 0.02);
	counters_observe(c, (enum metrics_op)77, 200, -1); /* out of range: other; negative: 0 */
	struct metrics_snapshot s;
	counters_snapshot(c, &s);
	assert_int_equal(s.requests[METRICS_OP_GENERATE][metrics_status_index(200)], 2);
	assert_int_equal(s.requests[METRICS_OP_OTHER][metrics_status_index(418)], 1);
	assert_int_equal(s.requests[METRICS_OP_OTHER][metrics_status_index(200)], 1);
	assert_int_equal(s.buckets[0], 2);
	assert_int_equal(s.buckets[METRICS_BUCKET_COUNT - 1], 1);
	assert_int_equal(s.sum_us, 500 + 3000000 + 20000);
	counters_close(c);
}

static void processes_share_a_file(void **state)
{
	(void)state;
	char *path = temp_file();
	char err[256];
	struct counters *c = counters_open(path, err, sizeof err);
	assert_true(counters_shared(c));
	assert_string_equal(err, "");
	counters_observe(c, METRICS_OP_HEALTHZ, 200, 0.001);
	reap(child(observe_n, path, 3));
	reap(child(observe_n, path, 4));
	struct metrics_snapshot s;
	counters_snapshot(c, &s);
	assert_int_equal(s.requests[METRICS_OP_QUERY][metrics_status_index(200)], 7);
	assert_int_equal(total(&s), 8);
	assert_int_equal(bucket_total(&s), 8);
	/* A second open in the same process keeps its slot. */
	struct counters *again = counters_open(path, err, sizeof err);
	counters_observe(again, METRICS_OP_HEALTHZ, 200, 0.001);
	counters_snapshot(c, &s);
	assert_int_equal(s.requests[METRICS_OP_HEALTHZ][metrics_status_index(200)], 2);
	counters_close(again);
	counters_close(c);
	unlink(path);
	free(path);
}

static void dead_slots_are_reused_and_totals_never_drop(void **state)
{
	(void)state;
	char *path = temp_file();
	char err[256];
	struct counters *c = counters_open(path, err, sizeof err);
	assert_true(counters_shared(c));
	/* More short-lived processes than slots: the later ones take over slots
	 * of dead ones, whose counts move to the retired accumulator. */
	int n = COUNTERS_SLOTS * 2 + 5;
	unsigned long long last = 0;
	for (int i = 1; i <= n; i++) {
		reap(child(observe_n, path, i % 3 + 1));
		struct metrics_snapshot s;
		counters_snapshot(c, &s);
		assert_true(total(&s) >= last);
		last = total(&s);
	}
	unsigned long long want = 0;
	for (int i = 1; i <= n; i++)
		want += (unsigned long long)(i % 3 + 1);
	assert_int_equal(last, want);
	counters_close(c);
	unlink(path);
	free(path);
}

static void concurrent_writers_and_a_scraper(void **state)
{
	(void)state;
	char *path = temp_file();
	char err[256];
	struct counters *c = counters_open(path, err, sizeof err);
	enum { WRITERS = 4, EACH = 20000 };
	pid_t pids[WRITERS * 3];
	int np = 0;
	/* Three waves, so some writers start while others exit. */
	for (int wave = 0; wave < 3; wave++)
		for (int w = 0; w < WRITERS; w++)
			pids[np++] = child(observe_n, path, EACH);
	unsigned long long last = 0;
	struct metrics_snapshot s;
	for (int i = 0; i < 2000; i++) {
		counters_snapshot(c, &s);
		assert_true(total(&s) >= last);
		last = total(&s);
	}
	for (int i = 0; i < np; i++)
		reap(pids[i]);
	counters_snapshot(c, &s);
	assert_int_equal(total(&s), (unsigned long long)WRITERS * 3 * EACH);
	assert_int_equal(bucket_total(&s), (unsigned long long)WRITERS * 3 * EACH);
	counters_close(c);
	unlink(path);
	free(path);
}

static void a_file_of_another_layout_is_left_alone(void **state)
{
	(void)state;
	char *path = temp_file();
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("not a counters file", f);
	fclose(f);
	char err[256];
	struct counters *c = counters_open(path, err, sizeof err);
	assert_false(counters_shared(c));
	assert_non_null(strstr(err, "another layout"));
	counters_observe(c, METRICS_OP_QUERY, 200, 0.1);
	struct metrics_snapshot s;
	counters_snapshot(c, &s);
	assert_int_equal(total(&s), 1);
	counters_close(c);
	/* untouched */
	f = fopen(path, "r");
	char buf[64] = "";
	assert_non_null(fgets(buf, sizeof buf, f));
	fclose(f);
	assert_string_equal(buf, "not a counters file");
	unlink(path);
	free(path);

	c = counters_open("/nonexistent-dir/metrics", err, sizeof err);
	assert_false(counters_shared(c));
	assert_non_null(strstr(err, "/nonexistent-dir/metrics"));
	counters_close(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(private_counting),
		cmocka_unit_test(processes_share_a_file),
		cmocka_unit_test(dead_slots_are_reused_and_totals_never_drop),
		cmocka_unit_test(concurrent_writers_and_a_scraper),
		cmocka_unit_test(a_file_of_another_layout_is_left_alone),
	};
	return cmocka_run_group_tests_name("counters", tests, NULL, NULL);
}
