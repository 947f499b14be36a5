/*
 * provider.c - the adapter registry, the decoding of claimed jobs, and small
 * helpers every adapter shares (ids as file names, media URLs, timestamps).
 *
 * `adapters` is the single list of adapters built into this binary: adding
 * one is a row. Catalog providers whose adapter is not listed here fail with
 * GENERATION_FAILED in the scheduler; `simulate` runs every test-mode job.
 */
#include "providers/provider.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "providers/local.h"
#include "providers/local_media.h"
#include "providers/simulate.h"
#include "providers/task_run.h"

static const struct provider_adapter *const adapters[] = {
	&provider_local,
	&provider_local_image,
	&provider_local_video,
	&provider_local_avatar,
	&provider_simulate,
	&provider_luma,
	&provider_runway,
	&provider_kling,
	&provider_minimax,
	&provider_wan,
	&provider_veo,
	&provider_seedance,
	&provider_vidu,
	&provider_flux_dev,
	&provider_flux_pro,
	&provider_flux_pro_1_1,
	&provider_flux_ultra,
	&provider_flux_kontext,
	&provider_flux_krea,
	&provider_imagen,
	&provider_seedream,
	&provider_elevenlabs,
	&provider_heygen,
	&provider_hedra,
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
	/* A fallback moves a PROCESSING job to another provider: it is
	 * submitted again, so for the adapters it is PENDING. */
	if (job->status_name && (!strcmp(job->status_name, "PENDING") ||
				 json_is_true(json_object_get(obj, "awaitingSubmit"))))
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
	job->attempt_started_at = str_field(obj, "attemptStartedAt");
	job->route = str_field(obj, "route");
	job->upstream_model = str_field(obj, "upstreamModel");
	job->base_url = str_field(obj, "baseUrl");
	job->key_env = str_field(obj, "keyEnv");
	job->fal_model = str_field(obj, "falModel");
	job->replicate_model = str_field(obj, "replicateModel");
	job->auto_selected = json_is_true(json_object_get(obj, "autoSelected"));
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

bool provider_valid_id(const char *id)
{
	size_t n = 0;
	if (!id)
		return false;
	for (; id[n]; n++)
		if (!isalnum((unsigned char)id[n]) && id[n] != '_' && id[n] != '-')
			return false;
	return n > 0 && n <= PROVIDER_ID_MAX;
}

const char *provider_media_url(const struct provider_ctx *ctx, const char *name)
{
	const char *base = ctx->cfg->media_url ? ctx->cfg->media_url : "";
	size_t len = strlen(base);
	while (len && base[len - 1] == '/')
		len--;
	return arena_printf(ctx->arena, "%.*s/%s", (int)len, base, name);
}

long long provider_parse_utc(const char *iso)
{
	struct tm tm;
	char z = 0;
	memset(&tm, 0, sizeof tm);
	if (!iso || sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &z) != 7 || z != 'Z')
		return -1;
	if (tm.tm_year < 1970 || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long long)timegm(&tm);
}

int provider_poll_backoff(const struct job *job, long long now)
{
	int interval = job->poll_interval > 0 ? job->poll_interval : 5;
	long long started = provider_parse_utc(job->attempt_started_at ? job->attempt_started_at
							    : job->started_at);
	long long tenth = started > 0 && now > started ? (now - started) / 10 : 0;
	int cap = interval > PROVIDER_POLL_MAX_SECONDS ? interval : PROVIDER_POLL_MAX_SECONDS;
	return tenth <= interval ? interval : tenth >= cap ? cap : (int)tenth;
}

const char *provider_fault_name(enum provider_fault fault)
{
	switch (fault) {
	case FAULT_REQUEST: return "REQUEST";
	case FAULT_UPSTREAM: return "UPSTREAM";
	case FAULT_CONFIG: return "CONFIG";
	}
	return "REQUEST";
}

const char *provider_outcome_name(enum provider_outcome_kind kind)
{
	switch (kind) {
	case PROVIDER_SUBMITTED: return "submitted";
	case PROVIDER_RUNNING: return "running";
	case PROVIDER_COMPLETED: return "completed";
	case PROVIDER_FAILED: return "failed";
	case PROVIDER_RETRY_LATER: return "retry-later";
	case PROVIDER_SUBMIT_UNKNOWN: return "submit-unknown";
	}
	return "?";
}
