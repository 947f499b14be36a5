/*
 * test_run.c - sched_run_job's mapping from adapter outcome to api calls.
 * db_call and provider_find are wrapped (-Wl,--wrap=db_call,--wrap=
 * provider_find): each expected api call names its function and returns a
 * scripted JSON result or SQLSTATE; a fake adapter returns scripted outcomes.
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
#include "db/db.h"
#include "providers/provider.h"
#include "sched/run.h"

/* The parameters of the last db_call, copied. */
static char last_params[8][512];
static int last_nparams;

enum api_err __wrap_db_call(struct db *db, struct arena *a, const char *function,
			    int nparams, const char *const *params, json_t **out,
			    struct db_error *err);
const struct provider_adapter *__wrap_provider_find(const char *adapter);

enum api_err __wrap_db_call(struct db *db, struct arena *a, const char *function,
			    int nparams, const char *const *params, json_t **out,
			    struct db_error *err)
{
	(void)db;
	check_expected(function);
	last_nparams = nparams;
	for (int i = 0; i < nparams && i < 8; i++)
		snprintf(last_params[i], sizeof last_params[i], "%s", params[i] ? params[i] : "<NULL>");
	const char *sqlstate = mock_ptr_type(const char *);
	const char *result = mock_ptr_type(const char *);
	*out = NULL;
	if (sqlstate) {
		memset(err, 0, sizeof *err);
		snprintf(err->sqlstate, sizeof err->sqlstate, "%s", sqlstate);
		snprintf(err->message, sizeof err->message, "scripted %s", sqlstate);
		err->code = !strcmp(sqlstate, "08006") ? API_ERR_UNAVAILABLE : API_ERR_INTERNAL;
		return err->code;
	}
	*out = json_loads(result, JSON_DECODE_ANY, NULL);
	assert_non_null(*out);
	arena_defer(a, (void (*)(void *))json_decref, *out);
	return API_OK;
}

static struct provider_outcome scripted;
static int cancel_calls;

static void fake_step(const struct job *job, const struct provider_ctx *ctx,
		      struct provider_outcome *out)
{
	(void)job;
	(void)ctx;
	*out = scripted;
}

static void fake_cancel(const struct job *job, const struct provider_ctx *ctx,
			struct provider_outcome *out)
{
	(void)ctx;
	(void)out;
	assert_string_equal(job->upstream_task_id, "t-9");
	cancel_calls++;
}

static const struct provider_adapter fake_async = {
	"fake", false, false, fake_step, fake_step, fake_cancel
};

const struct provider_adapter *__wrap_provider_find(const char *adapter)
{
	if (adapter && !strcmp(adapter, "fake"))
		return &fake_async;
	return NULL;
}

static void expect_call(const char *function, const char *sqlstate, const char *result)
{
	expect_string(__wrap_db_call, function, function);
	will_return(__wrap_db_call, sqlstate);
	will_return(__wrap_db_call, result);
}

struct fixture {
	struct arena *arena;
	struct config cfg;
	struct sched s;
};

static int setup(void **state)
{
	static struct fixture f;
	memset(&f, 0, sizeof f);
	f.arena = arena_new(4096);
	f.s.arena = f.arena;
	f.s.cfg = &f.cfg;
	f.s.worker = "host:1";
	memset(&scripted, 0, sizeof scripted);
	cancel_calls = 0;
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

static enum run_result run(struct fixture *f, const char *job)
{
	json_t *j = json_loads(job, 0, NULL);
	assert_non_null(j);
	arena_defer(f->arena, (void (*)(void *))json_decref, j);
	return sched_run_job(&f->s, j);
}

static void unknown_adapter_fails_from_pending(void **state)
{
	struct fixture *f = *state;
	expect_call("api.job_fail", NULL, "{}");
	assert_int_equal(run(f, "{\"id\":\"gen_1\",\"provider\":\"minimax\",\"adapter\":\"task_api\","
				"\"status\":\"PENDING\",\"type\":\"VIDEO\"}"), RUN_DONE);
	assert_int_equal(last_nparams, 4);
	assert_string_equal(last_params[0], "gen_1");
	assert_string_equal(last_params[1], "host:1");
	assert_string_equal(last_params[2], "GENERATION_FAILED");
	assert_string_equal(last_params[3],
			    "No adapter for provider 'minimax' is built into this server yet.");
}

static void test_mode_without_simulation_fails(void **state)
{
	struct fixture *f = *state;
	expect_call("api.job_fail", NULL, "{}");
	assert_int_equal(run(f, "{\"id\":\"gen_1\",\"provider\":\"kling\",\"adapter\":\"fake\","
				"\"status\":\"PENDING\",\"testMode\":true}"), RUN_DONE);
	assert_string_equal(last_params[2], "GENERATION_FAILED");
	assert_non_null(strstr(last_params[3], "est mode simulation"));
}

static void submitted_records_task(void **state)
{
	struct fixture *f = *state;
	scripted.kind = PROVIDER_SUBMITTED;
	scripted.task_id = "task-42";
	expect_call("api.job_submitting", NULL, "{}");
	expect_call("api.job_submitted", NULL, "{}");
	assert_int_equal(run(f, "{\"id\":\"gen_1\",\"provider\":\"p\",\"adapter\":\"fake\","
				"\"status\":\"PENDING\"}"), RUN_DONE);
	assert_int_equal(last_nparams, 3);
	assert_string_equal(last_params[2], "task-42");
}

static void completed_from_pending_is_one_transition(void **state)
{
	struct fixture *f = *state;
	scripted.kind = PROVIDER_COMPLETED;
	scripted.url = "http://m/gen_1.wav";
	scripted.metadata = json_pack("{s:f,s:s}", "duration", 1.5, "format", "wav");
	arena_defer(f->arena, (void (*)(void *))json_decref, scripted.metadata);
	expect_call("api.job_submitting", NULL, "{}");
	expect_call("api.job_complete", NULL, "{}");
	assert_int_equal(run(f, "{\"id\":\"gen_1\",\"provider\":\"p\",\"adapter\":\"fake\","
				"\"status\":\"PENDING\"}"), RUN_DONE);
	assert_string_equal(last_params[2], "http://m/gen_1.wav");
	json_t *meta = json_loads(last_params[3], 0, NULL);
	assert_non_null(meta);
	assert_string_equal(json_string_value(json_object_get(meta, "format")), "wav");
	json_decref(meta);
}

static void running_from_processing_is_progress(void **state)
{
	struct fixture *f = *state;
	scripted.kind = PROVIDER_RUNNING;
	scripted.progress = 140; /* clamped */
	scripted.next_poll_seconds = 7;
	expect_call("api.job_progress", NULL, "{}");
	assert_int_equal(run(f, "{\"id\":\"gen_1\",\"provider\":\"p\",\"adapter\":\"fake\","
				"\"status\":\"PROCESSING\",\"upstreamTaskId\":\"t\"}"), RUN_DONE);
	assert_string_equal(last_params[2], "100");
	assert_string_equal(last_params[3], "7");
}

static void retry_later_keeps_progress(void **state)
{
	struct fixture *f = *state;
	scripted.kind = PROVIDER_RETRY_LATER;
	scripted.retry_seconds = 30;
	expect_call("api.job_progress", NULL, "{}");
	assert_int_equal(run(f, "{\"id\":\"gen_1\",\"provider\":\"p\",\"adapter\":\"fake\","
				"\"status\":\"PROCESSING\",\"progress\":35}"), RUN_DONE);
	assert_string_equal(last_params[2], "35");
	assert_string_equal(last_params[3], "30");
}

static void failed_passes_code(void **state)
{
	struct fixture *f = *state;
	scripted.kind = PROVIDER_FAILED;
	scripted.code = API_ERR_PROVIDER_UNAVAILABLE;
	scripted.message = "upstream overloaded";
	expect_call("api.job_fail", NULL, "{}");
	assert_int_equal(run(f, "{\"id\":\"gen_1\",\"provider\":\"p\",\"adapter\":\"fake\","
				"\"status\":\"PROCESSING\"}"), RUN_DONE);
	assert_string_equal(last_params[2], "PROVIDER_UNAVAILABLE");
	assert_string_equal(last_params[3], "upstream overloaded");
}

static void cancelled_meanwhile_stops_and_cancels_upstream(void **state)
{
	struct fixture *f = *state;
	scripted.kind = PROVIDER_COMPLETED;
	scripted.url = "http://m/x";
	scripted.task_id = "t-9";
	expect_call("api.job_submitting", NULL, "{}");
	expect_call("api.job_complete", NULL, "{\"cancelled\":true}");
	assert_int_equal(run(f, "{\"id\":\"gen_1\",\"provider\":\"p\",\"adapter\":\"fake\","
				"\"status\":\"PENDING\"}"), RUN_CANCELLED);
	assert_int_equal(cancel_calls, 1);
}

static void cancelled_before_submit_never_submits(void **state)
{
	struct fixture *f = *state;
	scripted.kind = PROVIDER_FAILED; /* would be recorded if submit ran */
	expect_call("api.job_submitting", NULL, "{\"cancelled\":true}");
	/* No further call may follow: cmocka fails on an unexpected one. */
	assert_int_equal(run(f, "{\"id\":\"gen_1\",\"provider\":\"p\",\"adapter\":\"fake\","
				"\"status\":\"PENDING\"}"), RUN_CANCELLED);
	assert_int_equal(cancel_calls, 0);
}

static void submit_in_flight_is_not_resubmitted(void **state)
{
	struct fixture *f = *state;
	scripted.kind = PROVIDER_SUBMITTED;
	expect_call("api.job_fail", NULL, "{}");
	assert_int_equal(run(f, "{\"id\":\"gen_1\",\"provider\":\"p\",\"adapter\":\"fake\","
				"\"status\":\"PENDING\",\"submitInFlight\":true}"), RUN_DONE);
	assert_non_null(strstr(last_params[3], "unknown outcome"));
}

static void past_time_limit_fails(void **state)
{
	struct fixture *f = *state;
	scripted.kind = PROVIDER_RUNNING;
	expect_call("api.job_fail", NULL, "{}");
	assert_int_equal(run(f, "{\"id\":\"gen_1\",\"provider\":\"p\",\"adapter\":\"fake\","
				"\"status\":\"PROCESSING\",\"timeLimit\":60,"
				"\"startedAt\":\"2020-01-01T00:00:00Z\"}"), RUN_DONE);
	assert_string_equal(last_params[2], "GENERATION_FAILED");
	assert_non_null(strstr(last_params[3], "time limit of 60 seconds"));
}

static void pending_retry_later_records_nothing(void **state)
{
	struct fixture *f = *state;
	scripted.kind = PROVIDER_RETRY_LATER;
	expect_call("api.job_submitting", NULL, "{}");
	assert_int_equal(run(f, "{\"id\":\"gen_1\",\"provider\":\"p\",\"adapter\":\"fake\","
				"\"status\":\"PENDING\"}"), RUN_DONE);
}

static void lost_lease_stops(void **state)
{
	struct fixture *f = *state;
	scripted.kind = PROVIDER_RUNNING;
	scripted.progress = 10;
	expect_call("api.job_progress", "QA409", NULL);
	assert_int_equal(run(f, "{\"id\":\"gen_1\",\"provider\":\"p\",\"adapter\":\"fake\","
				"\"status\":\"PROCESSING\"}"), RUN_LEASE_LOST);
}

static void database_failure_is_reported(void **state)
{
	struct fixture *f = *state;
	expect_call("api.job_fail", "08006", NULL);
	assert_int_equal(run(f, "{\"id\":\"gen_1\",\"provider\":\"nope\",\"adapter\":\"nope\","
				"\"status\":\"PENDING\"}"), RUN_DB_ERROR);
}

static void unreadable_or_finished_jobs_are_skipped(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(run(f, "{\"provider\":\"p\"}"), RUN_SKIPPED);
	assert_int_equal(run(f, "{\"id\":\"gen_1\",\"adapter\":\"fake\",\"status\":\"COMPLETED\"}"),
			 RUN_SKIPPED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(unknown_adapter_fails_from_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode_without_simulation_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(submitted_records_task, setup, teardown),
		cmocka_unit_test_setup_teardown(completed_from_pending_is_one_transition, setup, teardown),
		cmocka_unit_test_setup_teardown(running_from_processing_is_progress, setup, teardown),
		cmocka_unit_test_setup_teardown(retry_later_keeps_progress, setup, teardown),
		cmocka_unit_test_setup_teardown(failed_passes_code, setup, teardown),
		cmocka_unit_test_setup_teardown(cancelled_meanwhile_stops_and_cancels_upstream, setup, teardown),
		cmocka_unit_test_setup_teardown(cancelled_before_submit_never_submits, setup, teardown),
		cmocka_unit_test_setup_teardown(submit_in_flight_is_not_resubmitted, setup, teardown),
		cmocka_unit_test_setup_teardown(past_time_limit_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(pending_retry_later_records_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(lost_lease_stops, setup, teardown),
		cmocka_unit_test_setup_teardown(database_failure_is_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(unreadable_or_finished_jobs_are_skipped, setup, teardown),
	};
	return cmocka_run_group_tests_name("sched run", tests, NULL, NULL);
}
