/*
 * test_run.c - sched_run_job's mapping from adapter outcome to api calls,
 * and its routing of test-mode jobs to the simulate adapter.
 * db_call and provider_find are wrapped (-Wl,--wrap=db_call,--wrap=
 * provider_find): each expected api call names its function and returns a
 * scripted JSON result or SQLSTATE; fake adapters return scripted outcomes,
 * and "simulate" resolves to the real one (__real_provider_find) unless a
 * test asks for a fake.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/arena.h"
#include "common/config.h"
#include "db/db.h"
#include "providers/provider.h"
#include "sched/run.h"

/* The parameters of the last db_call, copied. */
static char last_params[8][4096];
static int last_nparams;

enum api_err __wrap_db_call(struct db *db, struct arena *a, const char *function,
			    int nparams, const char *const *params, json_t **out,
			    struct db_error *err);
const struct provider_adapter *__wrap_provider_find(const char *adapter);
const struct provider_adapter *__real_provider_find(const char *adapter);

/* The single api function an api.jobs_report element stands for, and its
 * arguments in that function's order: tests expect and inspect a reported
 * outcome as the call it replaces (sql/internal/jobs_report.sql). */
static const struct {
	const char *kind, *function;
	const char *fields[4];
} report_kinds[] = {
	{ "submitted", "api.job_submitted", { "taskId" } },
	{ "progress", "api.job_progress", { "progress", "nextPoll" } },
	{ "complete", "api.job_complete", { "url", "metadata" } },
	{ "fail", "api.job_fail", { "code", "message", "upstreamStatus", "fault" } },
	{ "defer", "api.job_defer", { "seconds", "upstreamStatus", "message" } },
	{ "unknown", "api.job_submit_unknown", { "seconds", "upstreamStatus" } },
};

static json_t *last_report;   /* the last api.jobs_report array */

static void set_param(int i, json_t *v)
{
	if (!v || json_is_null(v)) {
		snprintf(last_params[i], sizeof last_params[i], "<NULL>");
	} else if (json_is_string(v)) {
		snprintf(last_params[i], sizeof last_params[i], "%s", json_string_value(v));
	} else {
		char *d = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		snprintf(last_params[i], sizeof last_params[i], "%s", d ? d : "?");
		free(d);
	}
}

/* One element as its single call: sets last_params, returns the function. */
static const char *element_as_call(json_t *e, const char *worker)
{
	const char *kind = json_string_value(json_object_get(e, "kind"));
	set_param(0, json_object_get(e, "id"));
	snprintf(last_params[1], sizeof last_params[1], "%s", worker);
	for (size_t k = 0; k < sizeof report_kinds / sizeof report_kinds[0]; k++) {
		if (!kind || strcmp(kind, report_kinds[k].kind))
			continue;
		last_nparams = 2;
		for (int i = 0; i < 4 && report_kinds[k].fields[i]; i++)
			set_param(last_nparams++, json_object_get(e, report_kinds[k].fields[i]));
		return report_kinds[k].function;
	}
	fail_msg("unknown report kind %s", kind ? kind : "(none)");
	return "?";
}

enum api_err __wrap_db_call(struct db *db, struct arena *a, const char *function,
			    int nparams, const char *const *params, json_t **out,
			    struct db_error *err)
{
	(void)db;
	json_t *report = NULL;
	if (!strcmp(function, "api.jobs_report")) {
		report = json_loads(params[1], 0, NULL);
		assert_true(json_is_array(report));
		json_decref(last_report);
		last_report = report;
		/* one element: expected as the call it stands for */
		if (json_array_size(report) == 1)
			function = element_as_call(json_array_get(report, 0), params[0]);
	} else {
		last_nparams = nparams;
		for (int i = 0; i < nparams && i < 8; i++)
			snprintf(last_params[i], sizeof last_params[i], "%s", params[i] ? params[i] : "<NULL>");
	}
	check_expected(function);
	const char *sqlstate = mock_ptr_type(const char *);
	const char *result = mock_ptr_type(const char *);
	*out = NULL;
	if (sqlstate && (!report || !strncmp(sqlstate, "08", 2))) {
		memset(err, 0, sizeof *err);
		snprintf(err->sqlstate, sizeof err->sqlstate, "%s", sqlstate);
		snprintf(err->message, sizeof err->message, "scripted %s", sqlstate);
		err->code = !strcmp(sqlstate, "08006") ? API_ERR_UNAVAILABLE : API_ERR_INTERNAL;
		return err->code;
	}
	if (report) {
		/* Every element gets the scripted answer: the single call's result
		 * object merged into {"id", "ok"}, or its error. */
		json_t *answers = json_array(), *scripted_result = result ? json_loads(result, 0, NULL) : NULL;
		size_t i;
		json_t *e;
		json_array_foreach(report, i, e) {
			json_t *ans = json_pack("{s:O s:b}", "id", json_object_get(e, "id"), "ok", sqlstate == NULL);
			if (sqlstate)
				json_object_set_new(ans, "error", json_pack("{s:s s:s}", "sqlstate", sqlstate,
									  "message", "scripted"));
			else if (scripted_result)
				json_object_update(ans, scripted_result);
			json_array_append_new(answers, ans);
		}
		json_decref(scripted_result);
		*out = answers;
	} else {
		*out = json_loads(result, JSON_DECODE_ANY, NULL);
	}
	assert_non_null(*out);
	arena_defer(a, (void (*)(void *))json_decref, *out);
	return API_OK;
}

static struct provider_outcome scripted;
static int cancel_calls;
static int step_calls;
static char last_find[64];
static bool fake_simulate;   /* "simulate" resolves to fake_sim, not the real one */

static void fake_step(const struct job *job, const struct provider_ctx *ctx,
		      struct provider_outcome *out)
{
	(void)job;
	(void)ctx;
	step_calls++;
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

static int reconcile_calls;

static void fake_reconcile(const struct job *job, const struct provider_ctx *ctx,
			   struct provider_outcome *out)
{
	(void)job;
	(void)ctx;
	reconcile_calls++;
	*out = scripted;
}

static const struct provider_adapter fake_async = {
	.name = "fake", .synchronous = false, .offline = false,
	.submit = fake_step, .poll = fake_step, .cancel = fake_cancel,
};

/* The same upstream, able to look a lost submit up. */
static const struct provider_adapter fake_reconciling = {
	.name = "fake-rec", .synchronous = false, .offline = false,
	.submit = fake_step, .poll = fake_step, .cancel = NULL, .reconcile = fake_reconcile,
};

static const struct provider_adapter fake_sim = {
	.name = "simulate", .synchronous = false, .offline = true,
	.submit = fake_step, .poll = fake_step, .cancel = NULL,
};

const struct provider_adapter *__wrap_provider_find(const char *adapter)
{
	snprintf(last_find, sizeof last_find, "%s", adapter ? adapter : "<NULL>");
	if (adapter && !strcmp(adapter, "fake"))
		return &fake_async;
	if (adapter && !strcmp(adapter, "fake-rec"))
		return &fake_reconciling;
	if (adapter && !strcmp(adapter, "simulate"))
		return fake_simulate ? &fake_sim : __real_provider_find(adapter);
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
	step_calls = 0;
	reconcile_calls = 0;
	last_find[0] = '\0';
	fake_simulate = false;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	json_decref(last_report);
	last_report = NULL;
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
	return sched_run_job(&f->s, j, NULL);
}

static void unknown_adapter_fails_from_pending(void **state)
{
	struct fixture *f = *state;
	expect_call("api.job_fail", NULL, "{}");
	assert_int_equal(run(f, "{\"id\":\"gen_1\",\"provider\":\"minimax\",\"adapter\":\"task_api\","
				"\"status\":\"PENDING\",\"type\":\"VIDEO\"}"), RUN_DONE);
	assert_int_equal(last_nparams, 6);
	assert_string_equal(last_params[0], "gen_1");
	assert_string_equal(last_params[1], "host:1");
	assert_string_equal(last_params[2], "GENERATION_FAILED");
	assert_string_equal(last_params[3],
			    "No adapter for provider 'minimax' is built into this server yet.");
	assert_string_equal(last_params[4], "<NULL>");
	/* the provider's fault: an auto-selected job may fall back */
	assert_string_equal(last_params[5], "UPSTREAM");
}

/* Whatever the provider or adapter (an upstream, local, or none built in),
 * a test-mode job goes to simulate, and no job_submitting precedes it. */
static void test_mode_routes_to_simulate(void **state)
{
	struct fixture *f = *state;
	static const char *const jobs[] = {
		"{\"id\":\"gen_1\",\"provider\":\"kling\",\"adapter\":\"fake\","
		"\"status\":\"PENDING\",\"type\":\"VIDEO\",\"testMode\":true}",
		"{\"id\":\"gen_1\",\"provider\":\"local\",\"adapter\":\"local\","
		"\"status\":\"PENDING\",\"type\":\"AUDIO\",\"testMode\":true}",
		"{\"id\":\"gen_1\",\"provider\":\"minimax\",\"adapter\":\"task_api\","
		"\"status\":\"PENDING\",\"type\":\"VIDEO\",\"testMode\":true}",
		/* no upstream: an unknown submit outcome is not a reason to stop */
		"{\"id\":\"gen_1\",\"provider\":\"kling\",\"adapter\":\"fake\","
		"\"status\":\"PENDING\",\"testMode\":true,\"submitInFlight\":true}",
	};
	fake_simulate = true;
	scripted.kind = PROVIDER_SUBMITTED;
	scripted.task_id = "sim_gen_1";
	for (size_t i = 0; i < sizeof jobs / sizeof jobs[0]; i++) {
		step_calls = 0;
		expect_call("api.job_submitted", NULL, "{}");
		assert_int_equal(run(f, jobs[i]), RUN_DONE);
		assert_string_equal(last_find, "simulate");
		assert_int_equal(step_calls, 1);
		assert_int_equal(last_nparams, 3);
		assert_string_equal(last_params[2], "sim_gen_1");
	}
	/* and a live job still goes to its own adapter */
	expect_call("api.job_submitting", NULL, "{}");
	expect_call("api.job_submitted", NULL, "{}");
	assert_int_equal(run(f, "{\"id\":\"gen_1\",\"provider\":\"kling\",\"adapter\":\"fake\","
				"\"status\":\"PENDING\",\"testMode\":false}"), RUN_DONE);
	assert_string_equal(last_find, "fake");
}

/* The real simulate adapter through run.c: submit, progress, [fail]. */
static void test_mode_real_simulation_steps(void **state)
{
	struct fixture *f = *state;
	expect_call("api.job_submitted", NULL, "{}");
	assert_int_equal(run(f, "{\"id\":\"gen_s1\",\"provider\":\"veo\",\"adapter\":\"veo\","
				"\"status\":\"PENDING\",\"type\":\"VIDEO\",\"testMode\":true}"), RUN_DONE);
	assert_string_equal(last_params[2], "sim_gen_s1");

	expect_call("api.job_progress", NULL, "{}");
	assert_int_equal(run(f, "{\"id\":\"gen_s1\",\"provider\":\"veo\",\"adapter\":\"veo\","
				"\"status\":\"PROCESSING\",\"type\":\"VIDEO\",\"testMode\":true,"
				"\"progress\":35,\"upstreamTaskId\":\"sim_gen_s1\"}"), RUN_DONE);
	assert_string_equal(last_params[2], "70");
	assert_string_equal(last_params[3], "1");

	expect_call("api.job_fail", NULL, "{}");
	assert_int_equal(run(f, "{\"id\":\"gen_s1\",\"provider\":\"veo\",\"adapter\":\"veo\","
				"\"status\":\"PROCESSING\",\"type\":\"VIDEO\",\"testMode\":true,"
				"\"input\":{\"text\":\"a cat [fail]\"}}"), RUN_DONE);
	assert_string_equal(last_params[2], "GENERATION_FAILED");
	assert_string_equal(last_params[3], "Simulated failure: the prompt contains [fail].");
}

static char *make_media_dir(void)
{
	char *dir = strdup("/tmp/doitong-test-run-XXXXXX");
	assert_non_null(dir);
	assert_non_null(mkdtemp(dir));
	return dir;
}

/* A simulated job that completes stores its file; one cancelled while it
 * was being stored leaves nothing behind. */
static void test_mode_completion_and_cancel_leave_right_files(void **state)
{
	struct fixture *f = *state;
	char *dir = make_media_dir();
	f->cfg.media_dir = dir;
	f->cfg.media_url = "http://m/media/";
	f->cfg.samples_dir = SRCDIR "/share/samples";
	char *path = NULL;
	assert_true(asprintf(&path, "%s/gen_c1.png", dir) > 0);

	expect_call("api.job_complete", NULL, "{}");
	assert_int_equal(run(f, "{\"id\":\"gen_c1\",\"provider\":\"flux-dev\",\"adapter\":\"flux\","
				"\"status\":\"PROCESSING\",\"type\":\"IMAGE\",\"testMode\":true,"
				"\"progress\":70}"), RUN_DONE);
	assert_string_equal(last_params[2], "http://m/media/gen_c1.png");
	json_t *meta = json_loads(last_params[3], 0, NULL);
	assert_non_null(meta);
	assert_int_equal(json_integer_value(json_object_get(meta, "width")), 256);
	json_decref(meta);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size > 0);
	unlink(path);

	expect_call("api.job_complete", NULL, "{\"cancelled\":true}");
	assert_int_equal(run(f, "{\"id\":\"gen_c1\",\"provider\":\"flux-dev\",\"adapter\":\"flux\","
				"\"status\":\"PROCESSING\",\"type\":\"IMAGE\",\"testMode\":true,"
				"\"progress\":70}"), RUN_CANCELLED);
	assert_int_not_equal(stat(path, &st), 0);
	free(path);
	assert_int_equal(rmdir(dir), 0); /* empty: no temporary file either */
	free(dir);
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
	assert_int_equal(step_calls, 0);
	assert_non_null(strstr(last_params[3], "unknown outcome"));
	assert_string_equal(last_params[4], "submit outcome unknown");
	assert_string_equal(last_params[5], "UPSTREAM");
}

/* An adapter with reconcile looks the lost submit up instead; what it finds
 * is recorded like a submit's answer, and no job_submitting precedes it. */
static void submit_in_flight_is_reconciled(void **state)
{
	struct fixture *f = *state;
	scripted.kind = PROVIDER_SUBMITTED;
	scripted.task_id = "found-1";
	expect_call("api.job_submitted", NULL, "{}");
	assert_int_equal(run(f, "{\"id\":\"gen_1\",\"provider\":\"p\",\"adapter\":\"fake-rec\","
				"\"status\":\"PENDING\",\"submitInFlight\":true}"), RUN_DONE);
	assert_int_equal(reconcile_calls, 1);
	assert_int_equal(step_calls, 0);
	assert_string_equal(last_params[2], "found-1");

	/* still unknown (the upstream's lookup is down): look again later */
	scripted.kind = PROVIDER_SUBMIT_UNKNOWN;
	scripted.retry_seconds = 7;
	scripted.upstream_status = "lookup failed";
	expect_call("api.job_submit_unknown", NULL, "{}");
	assert_int_equal(run(f, "{\"id\":\"gen_1\",\"provider\":\"p\",\"adapter\":\"fake-rec\","
				"\"status\":\"PENDING\",\"submitInFlight\":true}"), RUN_DONE);
	assert_string_equal(last_params[2], "7");
	assert_string_equal(last_params[3], "lookup failed");
}

/* A submit whose answer was lost keeps its in-flight attempt. */
static void submit_unknown_is_recorded(void **state)
{
	struct fixture *f = *state;
	scripted.kind = PROVIDER_SUBMIT_UNKNOWN;
	expect_call("api.job_submitting", NULL, "{}");
	expect_call("api.job_submit_unknown", NULL, "{}");
	assert_int_equal(run(f, "{\"id\":\"gen_1\",\"provider\":\"p\",\"adapter\":\"fake\","
				"\"status\":\"PENDING\"}"), RUN_DONE);
	assert_int_equal(last_nparams, 4);
	assert_string_equal(last_params[2], "5");
	assert_string_equal(last_params[3], "submit outcome unknown");
}

/* The adapter's fault and upstream status reach job_fail; a fallback answer
 * is a recorded transition like any other. */
static void upstream_fault_and_fallback(void **state)
{
	struct fixture *f = *state;
	scripted.kind = PROVIDER_FAILED;
	scripted.code = API_ERR_GENERATION_FAILED;
	scripted.message = "Service Unavailable";
	scripted.fault = FAULT_UPSTREAM;
	scripted.upstream_status = "503";
	expect_call("api.job_submitting", NULL, "{}");
	expect_call("api.job_fail", NULL, "{\"status\":\"PENDING\",\"fallback\":{\"from\":\"p\",\"to\":\"q\"}}");
	assert_int_equal(run(f, "{\"id\":\"gen_1\",\"provider\":\"p\",\"adapter\":\"fake\","
				"\"status\":\"PENDING\",\"autoSelected\":true}"), RUN_DONE);
	assert_int_equal(last_nparams, 6);
	assert_string_equal(last_params[4], "503");
	assert_string_equal(last_params[5], "UPSTREAM");

	/* no API key: the operator's setup, reported as such */
	scripted.fault = FAULT_CONFIG;
	scripted.upstream_status = "no key";
	expect_call("api.job_submitting", NULL, "{}");
	expect_call("api.job_fail", NULL, "{}");
	assert_int_equal(run(f, "{\"id\":\"gen_1\",\"provider\":\"p\",\"adapter\":\"fake\","
				"\"status\":\"PENDING\",\"autoSelected\":true}"), RUN_DONE);
	assert_string_equal(last_params[5], "CONFIG");
}

/* After a fallback a PROCESSING job awaits submit to its new provider. */
static void awaiting_submit_is_submitted(void **state)
{
	struct fixture *f = *state;
	scripted.kind = PROVIDER_SUBMITTED;
	scripted.task_id = "t-2";
	expect_call("api.job_submitting", NULL, "{}");
	expect_call("api.job_submitted", NULL, "{}");
	assert_int_equal(run(f, "{\"id\":\"gen_1\",\"provider\":\"q\",\"adapter\":\"fake\","
				"\"status\":\"PROCESSING\",\"awaitingSubmit\":true,\"progress\":40}"), RUN_DONE);
	assert_string_equal(last_params[2], "t-2");
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

/* A submit turned away (429) is deferred: the attempt is closed and the job
 * comes back after the wait. */
static void pending_retry_later_is_deferred(void **state)
{
	struct fixture *f = *state;
	scripted.kind = PROVIDER_RETRY_LATER;
	scripted.retry_seconds = 30;
	scripted.upstream_status = "429";
	scripted.message = "Too many requests";
	expect_call("api.job_submitting", NULL, "{}");
	expect_call("api.job_defer", NULL, "{}");
	assert_int_equal(run(f, "{\"id\":\"gen_1\",\"provider\":\"p\",\"adapter\":\"fake\","
				"\"status\":\"PENDING\"}"), RUN_DONE);
	assert_int_equal(last_nparams, 5);
	assert_string_equal(last_params[2], "30");
	assert_string_equal(last_params[3], "429");
	assert_string_equal(last_params[4], "Too many requests");
}

/* The time limit counts from the current attempt (a fallback restarts it). */
static void time_limit_counts_from_the_attempt(void **state)
{
	struct fixture *f = *state;
	char now[32];
	time_t t = time(NULL) - 10;
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	char job[512];
	snprintf(job, sizeof job, "{\"id\":\"gen_1\",\"provider\":\"p\",\"adapter\":\"fake\","
		 "\"status\":\"PROCESSING\",\"timeLimit\":60,\"startedAt\":\"2020-01-01T00:00:00Z\","
		 "\"attemptStartedAt\":\"%s\"}", now);
	scripted.kind = PROVIDER_RUNNING;
	scripted.progress = 50;
	expect_call("api.job_progress", NULL, "{}");
	assert_int_equal(run(f, job), RUN_DONE);
	assert_int_equal(step_calls, 1);
}

/* Offline adapters' outcomes wait in a report and go in one call; each
 * job's answer is its own (cancelled: file deleted, lease lost, ok), and a
 * failed call leaves every job to its lease. */
static void offline_outcomes_are_batched(void **state)
{
	struct fixture *f = *state;
	char *dir = make_media_dir();
	f->cfg.media_dir = dir;
	f->cfg.media_url = "http://m/media";
	f->cfg.samples_dir = SRCDIR "/share/samples";
	struct sched_report report;
	sched_report_init(&report);
	static const char *const ids[] = { "gen_b1", "gen_b2", "gen_b3" };
	for (size_t i = 0; i < 3; i++) {
		char job[256];
		snprintf(job, sizeof job, "{\"id\":\"%s\",\"provider\":\"flux-dev\",\"adapter\":\"flux\","
			 "\"status\":\"PROCESSING\",\"type\":\"IMAGE\",\"testMode\":true,\"progress\":70}", ids[i]);
		json_t *j = json_loads(job, 0, NULL);
		/* no database call: cmocka would fail on an unexpected one */
		assert_int_equal(sched_run_job(&f->s, j, &report), RUN_QUEUED);
		json_decref(j);
		arena_reset(f->arena);
	}
	assert_int_equal(report.n, 3);
	expect_call("api.jobs_report", NULL, "{}");
	enum run_result results[3];
	assert_int_equal(sched_report_flush(&f->s, &report, results), RUN_DONE);
	assert_int_equal(json_array_size(last_report), 3);
	for (size_t i = 0; i < 3; i++) {
		json_t *e = json_array_get(last_report, i);
		assert_string_equal(json_string_value(json_object_get(e, "id")), ids[i]);
		assert_string_equal(json_string_value(json_object_get(e, "kind")), "complete");
		assert_int_equal(results[i], RUN_DONE);
	}
	assert_int_equal(report.n, 0);

	/* cancelled meanwhile: the stored files go */
	json_t *j = json_loads("{\"id\":\"gen_b4\",\"provider\":\"flux-dev\",\"adapter\":\"flux\","
			       "\"status\":\"PROCESSING\",\"type\":\"IMAGE\",\"testMode\":true,\"progress\":70}", 0, NULL);
	assert_int_equal(sched_run_job(&f->s, j, &report), RUN_QUEUED);
	arena_reset(f->arena);
	assert_int_equal(sched_run_job(&f->s, j, &report), RUN_QUEUED); /* twice: 2 elements */
	arena_reset(f->arena);
	char *path = NULL;
	assert_true(asprintf(&path, "%s/gen_b4.png", dir) > 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	expect_call("api.jobs_report", NULL, "{\"cancelled\":true}");
	enum run_result two[2];
	assert_int_equal(sched_report_flush(&f->s, &report, two), RUN_DONE);
	assert_int_equal(two[0], RUN_CANCELLED);
	assert_int_not_equal(stat(path, &st), 0);

	/* another worker's lease, per element; a failed call, for all */
	assert_int_equal(sched_run_job(&f->s, j, &report), RUN_QUEUED);
	arena_reset(f->arena);
	assert_int_equal(sched_run_job(&f->s, j, &report), RUN_QUEUED);
	arena_reset(f->arena);
	expect_call("api.jobs_report", "QA409", NULL);
	assert_int_equal(sched_report_flush(&f->s, &report, two), RUN_DONE);
	assert_int_equal(two[0], RUN_LEASE_LOST);
	assert_int_equal(two[1], RUN_LEASE_LOST);
	assert_int_equal(sched_run_job(&f->s, j, &report), RUN_QUEUED);
	arena_reset(f->arena);
	assert_int_equal(sched_run_job(&f->s, j, &report), RUN_QUEUED);
	arena_reset(f->arena);
	expect_call("api.jobs_report", "08006", NULL);
	assert_int_equal(sched_report_flush(&f->s, &report, two), RUN_DB_ERROR);
	assert_int_equal(two[1], RUN_DB_ERROR);
	json_decref(j);
	sched_report_free(&report);

	/* the completed jobs' files, and the lease-lost and failed rounds' one */
	unlink(path);
	free(path);
	for (size_t i = 0; i < 3; i++) {
		assert_true(asprintf(&path, "%s/%s.png", dir, ids[i]) > 0);
		assert_int_equal(unlink(path), 0);
		free(path);
	}
	assert_int_equal(rmdir(dir), 0);
	free(dir);
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
		cmocka_unit_test_setup_teardown(test_mode_routes_to_simulate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode_real_simulation_steps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode_completion_and_cancel_leave_right_files, setup, teardown),
		cmocka_unit_test_setup_teardown(submitted_records_task, setup, teardown),
		cmocka_unit_test_setup_teardown(completed_from_pending_is_one_transition, setup, teardown),
		cmocka_unit_test_setup_teardown(running_from_processing_is_progress, setup, teardown),
		cmocka_unit_test_setup_teardown(retry_later_keeps_progress, setup, teardown),
		cmocka_unit_test_setup_teardown(failed_passes_code, setup, teardown),
		cmocka_unit_test_setup_teardown(cancelled_meanwhile_stops_and_cancels_upstream, setup, teardown),
		cmocka_unit_test_setup_teardown(cancelled_before_submit_never_submits, setup, teardown),
		cmocka_unit_test_setup_teardown(submit_in_flight_is_not_resubmitted, setup, teardown),
		cmocka_unit_test_setup_teardown(past_time_limit_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(pending_retry_later_is_deferred, setup, teardown),
		cmocka_unit_test_setup_teardown(time_limit_counts_from_the_attempt, setup, teardown),
		cmocka_unit_test_setup_teardown(submit_in_flight_is_reconciled, setup, teardown),
		cmocka_unit_test_setup_teardown(submit_unknown_is_recorded, setup, teardown),
		cmocka_unit_test_setup_teardown(upstream_fault_and_fallback, setup, teardown),
		cmocka_unit_test_setup_teardown(awaiting_submit_is_submitted, setup, teardown),
		cmocka_unit_test_setup_teardown(offline_outcomes_are_batched, setup, teardown),
		cmocka_unit_test_setup_teardown(lost_lease_stops, setup, teardown),
		cmocka_unit_test_setup_teardown(database_failure_is_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(unreadable_or_finished_jobs_are_skipped, setup, teardown),
	};
	return cmocka_run_group_tests_name("sched run", tests, NULL, NULL);
}
