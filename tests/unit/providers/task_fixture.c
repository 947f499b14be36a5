/*
 * task_fixture.c - see task_fixture.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "providers/kling_jwt.h"
#include "task_fixture.h"

struct arena *A;

int task_setup(void **state)
{
	(void)state;
	A = arena_new(8192);
	return 0;
}

int task_teardown(void **state)
{
	(void)state;
	arena_reset(A);
	assert_int_equal(arena_pending_defers(A), 0);
	arena_free(A);
	return 0;
}

void job_from(const char *text, struct job *job)
{
	json_t *j = json_loads(text, 0, NULL);
	assert_non_null(j);
	arena_defer(A, (void (*)(void *))json_decref, j);
	assert_true(provider_job_decode(j, job));
}

json_t *body_of(const struct task_call *call)
{
	assert_non_null(call->body);
	json_t *j = json_loads(call->body, 0, NULL);
	assert_non_null(j);
	arena_defer(A, (void (*)(void *))json_decref, j);
	return j;
}

bool has_header(const struct task_call *call, const char *h)
{
	for (size_t i = 0; call->headers[i]; i++)
		if (!strcmp(call->headers[i], h))
			return true;
	return false;
}

size_t header_count(const struct task_call *call)
{
	size_t n = 0;
	while (call->headers[n])
		n++;
	return n;
}

const char *sget(json_t *o, const char *path)
{
	json_t *v = task_json_path(o, path);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

long long iget(json_t *o, const char *path)
{
	json_t *v = task_json_path(o, path);
	assert_true(json_is_integer(v));
	return json_integer_value(v);
}

void build(const struct task_api *api, enum task_phase phase, const struct job *job,
	   const char *task_id, struct task_call *call)
{
	enum provider_fault fault;
	const char *why = NULL;
	if (!task_build(api, phase, job, task_id, 1, api == &task_api_kling ? "AK:SK" : "k",
			1700000000LL, A, call, &fault, &why))
		fail_msg("build: %s", why ? why : "?");
}

void assert_refused(const struct task_api *api, const struct job *job, enum provider_fault fault,
		    const char *in_why)
{
	struct task_call call;
	enum provider_fault got;
	const char *why = NULL;
	assert_false(task_build(api, TASK_PHASE_SUBMIT, job, NULL, 1, "k", 0, A, &call, &got, &why));
	assert_int_equal(got, fault);
	if (in_why && (!why || !strstr(why, in_why)))
		fail_msg("why '%s' lacks '%s'", why ? why : "(null)", in_why);
}

void answer(const struct task_api *api, enum task_phase phase, const struct job *job,
	    long status, int retry_after, const char *body, struct provider_outcome *out)
{
	struct task_view v;
	if (phase == TASK_PHASE_RESULT)
		task_parse_result(api, status, body, A, &v);
	else if (phase == TASK_PHASE_SUBMIT && api->sync != TASK_ASYNC)
		task_parse_sync(api, status, body, A, &v);
	else
		task_parse(api, status, body, A, &v);
	task_outcome(api, phase, job, status, retry_after, &v, A, out);
}

void assert_failed(const struct provider_outcome *o, enum provider_fault fault,
		   const char *upstream_status, const char *in_message)
{
	if (o->kind != PROVIDER_FAILED)
		fail_msg("expected failed, got %s (%s)", provider_outcome_name(o->kind),
			 o->upstream_status ? o->upstream_status : "-");
	assert_int_equal(o->code, API_ERR_GENERATION_FAILED);
	assert_int_equal(o->fault, fault);
	assert_string_equal(o->upstream_status, upstream_status);
	assert_non_null(o->message);
	if (in_message && !strstr(o->message, in_message))
		fail_msg("message '%s' lacks '%s'", o->message, in_message);
}
