/*
 * test_arena.c - the request arena: alignment, growth past a chunk, large
 * allocations, deferred destructors in LIFO order, reset reuse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/arena.h"

static int order[8];
static int norder;

static void record(void *p)
{
	order[norder++] = *(int *)p;
}

static void allocations_are_aligned_and_distinct(void **state)
{
	(void)state;
	struct arena *a = arena_new(1024);
	char *prev = NULL;
	for (int i = 0; i < 1000; i++) {
		char *p = arena_alloc(a, (size_t)(i % 37) + 1);
		assert_int_equal((uintptr_t)p % 16, 0);
		memset(p, 0xAB, (size_t)(i % 37) + 1);
		assert_ptr_not_equal(p, prev);
		prev = p;
	}
	char *big = arena_calloc(a, 1 << 20);
	assert_int_equal(big[(1 << 20) - 1], 0);
	arena_free(a);
}

static void strings_and_printf(void **state)
{
	(void)state;
	struct arena *a = arena_new(1024);
	assert_string_equal(arena_strndup(a, "hello world", 5), "hello");
	assert_string_equal(arena_printf(a, "%s-%d", "gen", 42), "gen-42");
	arena_free(a);
}

static void defers_run_last_first_on_reset(void **state)
{
	(void)state;
	struct arena *a = arena_new(1024);
	int one = 1, two = 2, three = 3;
	norder = 0;
	arena_defer(a, record, &one);
	arena_defer(a, record, &two);
	arena_defer(a, record, NULL); /* NULL registers nothing */
	arena_defer(a, record, &three);
	assert_int_equal(arena_pending_defers(a), 3);
	arena_reset(a);
	assert_int_equal(norder, 3);
	assert_int_equal(order[0], 3);
	assert_int_equal(order[1], 2);
	assert_int_equal(order[2], 1);
	assert_int_equal(arena_pending_defers(a), 0);
	/* reusable after reset */
	assert_non_null(arena_alloc(a, 100));
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(allocations_are_aligned_and_distinct),
		cmocka_unit_test(strings_and_printf),
		cmocka_unit_test(defers_run_last_first_on_reset),
	};
	return cmocka_run_group_tests_name("arena", tests, NULL, NULL);
}
