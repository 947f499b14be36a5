/*
 * test_purge.c - sched_purge: the api call, its result, and how loudly
 * failures are logged. db_call and log_write are wrapped (-Wl,--wrap=
 * db_call,--wrap=log_write): db_call answers scripted JSON or a SQLSTATE,
 * log_write records the level of each line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "common/arena.h"
#include "common/config.h"
#include "common/log.h"
#include "db/db.h"
#include "sched/purge.h"
#include "sched/run.h"

enum api_err __wrap_db_call(struct db *db, struct arena *a, const char *function,
			    int nparams, const char *const *params, json_t **out,
			    struct db_error *err);
void __wrap_log_write(enum log_level level, const char *file, int line, const char *fmt, ...);

static int logged[4];          /* lines per level */
static char last_line[512];

void __wrap_log_write(enum log_level level, const char *file, int line, const char *fmt, ...)
{
	(void)file;
	(void)line;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last_line, sizeof last_line, fmt, ap);
	va_end(ap);
	if (level >= LOG_DEBUG && level <= LOG_ERROR)
		logged[level]++;
}

enum api_err __wrap_db_call(struct db *db, struct arena *a, const char *function,
			    int nparams, const char *const *params, json_t **out,
			    struct db_error *err)
{
	(void)db;
	(void)params;
	check_expected(function);
	assert_int_equal(nparams, 0);
	const char *sqlstate = mock_ptr_type(const char *);
	const char *result = mock_ptr_type(const char *);
	*out = NULL;
	if (sqlstate) {
		memset(err, 0, sizeof *err);
		snprintf(err->sqlstate, sizeof err->sqlstate, "%s", sqlstate);
		snprintf(err->message, sizeof err->message, "scripted %s", sqlstate);
		err->code = API_ERR_INTERNAL;
		return err->code;
	}
	*out = json_loads(result, JSON_DECODE_ANY, NULL);
	assert_non_null(*out);
	arena_defer(a, (void (*)(void *))json_decref, *out);
	return API_OK;
}

static void answer(const char *sqlstate, const char *result)
{
	expect_string(__wrap_db_call, function, "api.maintenance_purge");
	will_return(__wrap_db_call, sqlstate);
	will_return(__wrap_db_call, result);
}

struct fixture {
	struct arena *arena;
	struct config cfg;
	struct sched s;
	struct sched_purge state;
};

static int setup(void **state)
{
	static struct fixture f;
	memset(&f, 0, sizeof f);
	f.arena = arena_new(4096);
	f.s.arena = f.arena;
	f.s.cfg = &f.cfg;
	f.s.worker = "host:1";
	memset(logged, 0, sizeof logged);
	log_threshold = LOG_DEBUG;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	arena_reset(f->arena);
	assert_int_equal(arena_pending_defers(f->arena), 0);
	arena_free(f->arena);
	return 0;
}

static enum api_err purge(struct fixture *f)
{
	enum api_err rc = sched_purge(&f->s, &f->state);
	arena_reset(f->arena);
	return rc;
}

static void counts_are_logged_by_size(void **state)
{
	struct fixture *f = *state;
	answer(NULL, "{\"idempotencyKeys\":0,\"rateWindows\":0}");
	assert_int_equal(purge(f), API_OK);
	assert_int_equal(logged[LOG_DEBUG], 1);
	assert_int_equal(logged[LOG_INFO], 0);

	answer(NULL, "{\"idempotencyKeys\":3,\"rateWindows\":12}");
	assert_int_equal(purge(f), API_OK);
	assert_int_equal(logged[LOG_INFO], 1);
	assert_string_equal(last_line, "purged 3 idempotency key(s) and 12 rate window(s)");

	answer(NULL, "[1,2]");
	assert_int_equal(purge(f), API_OK);
	assert_int_equal(logged[LOG_WARN], 1);
}

static void missing_function_is_logged_once(void **state)
{
	struct fixture *f = *state;
	for (int i = 0; i < 5; i++) {
		answer("42883", NULL);
		assert_int_equal(purge(f), API_ERR_INTERNAL);
	}
	assert_int_equal(logged[LOG_WARN], 1);
	assert_int_equal(logged[LOG_DEBUG], 4);
	assert_int_equal(logged[LOG_ERROR], 0);
	assert_true(f->state.failing);

	/* migrated meanwhile: it works again, and says so */
	answer(NULL, "{\"idempotencyKeys\":0,\"rateWindows\":1}");
	assert_int_equal(purge(f), API_OK);
	assert_false(f->state.failing);
	assert_int_equal(logged[LOG_INFO], 2);
}

static void other_failures_warn_per_state_change(void **state)
{
	struct fixture *f = *state;
	answer("57014", NULL); /* statement timeout */
	purge(f);
	answer("57014", NULL);
	purge(f);
	assert_int_equal(logged[LOG_WARN], 1);
	answer("53100", NULL); /* a different failure is news */
	purge(f);
	assert_int_equal(logged[LOG_WARN], 2);
	assert_non_null(strstr(last_line, "53100"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(counts_are_logged_by_size, setup, teardown),
		cmocka_unit_test_setup_teardown(missing_function_is_logged_once, setup, teardown),
		cmocka_unit_test_setup_teardown(other_failures_warn_per_state_change, setup, teardown),
	};
	return cmocka_run_group_tests_name("sched purge", tests, NULL, NULL);
}
