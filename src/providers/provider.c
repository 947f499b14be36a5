/*
 * provider.c - the adapter registry and the decoding of claimed jobs.
 *
 * `adapters` is the single list of adapters built into this binary: adding
 * one is a row. Catalog providers whose adapter is not listed here fail with
 * GENERATION_FAILED in the scheduler.
 */
#include "providers/provider.h"

#include <stdarg.h>
#include <string.h>

#include "providers/local.h"

static const struct provider_adapter *const adapters[] = {
	&provider_local,
};

const struct provider_adapter *provider_find(const char *adapter)
{
	if (!adapter)
		return NULL;
	for (size_t i = 0; i < ARRAY_LEN(adapters); i++)
		if (!strcmp(adapters[i]->name, adapter))
			return adapters[i];
	return NULL;
}

static const char *str_field(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int int_field(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	if (json_is_integer(v)) {
		json_int_t n = json_integer_value(v);
		return n > 1000000000 ? 1000000000 : n < -1000000000 ? -1000000000 : (int)n;
	}
	if (json_is_real(v)) {
		double d = json_real_value(v);
		return d > 1e9 ? 1000000000 : d < -1e9 ? -1000000000 : (int)d;
	}
	return 0;
}

/* Borrowed object field, or NULL (jansson's getters accept NULL). */
static json_t *obj_field(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_object(v) ? v : NULL;
}

bool provider_job_decode(json_t *obj, struct job *job)
{
	memset(job, 0, sizeof *job);
	if (!json_is_object(obj))
		return false;
	job->id = str_field(obj, "id");
	if (!job->id || !*job->id)
		return false;
	job->type = str_field(obj, "type");
	job->provider = str_field(obj, "provider");
	job->adapter = str_field(obj, "adapter");
	job->model = str_field(obj, "model");
	job->input = obj_field(obj, "input");
	job->options = obj_field(obj, "effectiveOptions");
	if (!job->options)
		job->options = obj_field(obj, "options");
	job->status_name = str_field(obj, "status");
	if (job->status_name && !strcmp(job->status_name, "PENDING"))
		job->status = JOB_PENDING;
	else if (job->status_name && !strcmp(job->status_name, "PROCESSING"))
		job->status = JOB_PROCESSING;
	else
		job->status = JOB_OTHER;
	job->upstream_task_id = str_field(obj, "upstreamTaskId");
	job->test_mode = json_is_true(json_object_get(obj, "testMode"));
	job->submit_in_flight = json_is_true(json_object_get(obj, "submitInFlight"));
	job->progress = int_field(obj, "progress");
	job->poll_interval = int_field(obj, "pollInterval");
	job->time_limit = int_field(obj, "timeLimit");
	job->started_at = str_field(obj, "startedAt");
	job->created_at = str_field(obj, "createdAt");
	return true;
}

void provider_fail(struct provider_outcome *out, const struct provider_ctx *ctx,
		   enum api_err code, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	memset(out, 0, sizeof *out);
	out->kind = PROVIDER_FAILED;
	out->code = code;
	out->message = arena_strdup(ctx->arena, buf);
}

const char *provider_outcome_name(enum provider_outcome_kind kind)
{
	switch (kind) {
	case PROVIDER_SUBMITTED: return "submitted";
	case PROVIDER_RUNNING: return "running";
	case PROVIDER_COMPLETED: return "completed";
	case PROVIDER_FAILED: return "failed";
	case PROVIDER_RETRY_LATER: return "retry-later";
	}
	return "?";
}
