/*
 * run.c - one claimed job, one adapter call, one api call per transition.
 *
 * Jobs awaiting submit (PENDING, or PROCESSING after a fallback moved them to
 * another provider) go to the adapter's submit, the others to its poll.
 * Test-mode jobs (dt_test_ keys) always go to the `simulate` adapter, whatever
 * their provider or type: test mode calls no upstream (SPEC §3). Before an
 * adapter that calls an upstream submits, api.job_submitting records that a
 * submit is in flight; a job claimed with submitInFlight set is never
 * submitted a second time: the adapter's reconcile looks it up upstream, and
 * without one the job fails as the provider's fault (so an auto-selected job
 * falls back to another provider). Offline adapters (local, simulate) have no upstream to
 * double-submit and skip that step. job_complete and job_fail step a PENDING
 * job through PROCESSING themselves, so a synchronous completion is one call.
 * Jobs whose adapter is not built in fail with GENERATION_FAILED without any
 * upstream call; so do PROCESSING jobs past the provider's time limit
 * (counted from the current attempt's start); both are the provider's fault.
 * Outcome -> api call:
 *   SUBMITTED   job_submitted(id, worker, task)
 *   RUNNING     PENDING: job_submitted; PROCESSING: job_progress(progress, next poll)
 *   COMPLETED   job_complete(id, worker, url, metadata); the stored file is
 *               deleted when the job was cancelled meanwhile
 *   FAILED      job_fail(id, worker, code, message, upstream status, fault):
 *               the SQL side decides between a fallback and the end
 *   RETRY_LATER PROCESSING: job_progress(current progress, retry seconds);
 *               awaiting submit: job_defer (the upstream turned it away)
 *   SUBMIT_UNKNOWN job_submit_unknown: the in-flight attempt stays open and
 *               the next claim reconciles it
 */
#include "sched/run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "providers/provider.h"
#include "common/util.h"

struct run_state {
	struct sched *s;
	const struct job *job;
	long long started_ms;
};

/* One api transition; `to` names it in the log line. */
static enum run_result transition(struct run_state *st, const char *function, const char *to,
				  int nparams, const char *const *params)
{
	struct sched *s = st->s;
	struct db_error err;
	json_t *out = NULL;
	enum api_err rc = db_call(s->db, s->arena, function, nparams, params, &out, &err);
	long long ms = monotonic_ms() - st->started_ms;
	const char *provider = st->job->provider ? st->job->provider : "?";
	if (rc == API_OK) {
		if (json_is_true(json_object_get(out, "cancelled"))) {
			log_msg(LOG_INFO, "job %s provider=%s %s: cancelled meanwhile ms=%lld",
				st->job->id, provider, to, ms);
			return RUN_CANCELLED;
		}
		json_t *fallback = json_object_get(out, "fallback");
		if (fallback)
			log_msg(LOG_INFO, "job %s provider=%s failed; falls back to %s ms=%lld", st->job->id,
				provider, json_string_value(json_object_get(fallback, "to")), ms);
		else
			log_msg(LOG_INFO, "job %s provider=%s -> %s ms=%lld", st->job->id, provider, to, ms);
		return RUN_DONE;
	}
	if (!strcmp(err.sqlstate, "QA409")) {
		log_msg(LOG_WARN, "job %s provider=%s %s: lease lost (%s) ms=%lld", st->job->id,
			provider, to, err.message, ms);
		return RUN_LEASE_LOST;
	}
	log_msg(LOG_ERROR, "job %s provider=%s %s: %s failed: %s [%s] ms=%lld", st->job->id,
		provider, to, function, err.message, err.sqlstate[0] ? err.sqlstate : "-", ms);
	return RUN_DB_ERROR;
}

static const char *int_text(struct arena *a, int v)
{
	return arena_printf(a, "%d", v);
}

/* PENDING -> PROCESSING; task_id is NULL for upstreams without one. */
static enum run_result submitted(struct run_state *st, const char *task_id)
{
	const char *params[] = { st->job->id, st->s->worker, task_id && *task_id ? task_id : NULL };
	return transition(st, "api.job_submitted", "PROCESSING", 3, params);
}

static enum run_result record(struct run_state *st, const struct provider_outcome *out)
{
	struct sched *s = st->s;
	const struct job *job = st->job;
	bool pending = job->status == JOB_PENDING;
	enum run_result r;

	switch (out->kind) {
	case PROVIDER_SUBMITTED:
		return submitted(st, out->task_id);
	case PROVIDER_RUNNING: {
		if (pending)
			return submitted(st, out->task_id);
		int progress = out->progress < 0 ? 0 : out->progress > 100 ? 100 : out->progress;
		int next = out->next_poll_seconds > 0 ? out->next_poll_seconds
			   : job->poll_interval > 0 ? job->poll_interval : 5;
		const char *params[] = { job->id, s->worker, int_text(s->arena, progress),
					 int_text(s->arena, next) };
		return transition(st, "api.job_progress", "progress", 4, params);
	}
	case PROVIDER_COMPLETED: {
		const char *meta = "{}";
		if (out->metadata) {
			char *dump = json_dumps(out->metadata, JSON_COMPACT | JSON_REAL_PRECISION(10));
			if (dump) {
				meta = arena_strdup(s->arena, dump);
				free(dump);
			}
		}
		const char *params[] = { job->id, s->worker, out->url, meta };
		r = transition(st, "api.job_complete", "COMPLETED", 4, params);
		if (r == RUN_CANCELLED && out->path)
			unlink(out->path); /* nobody will fetch it */
		return r;
	}
	case PROVIDER_FAILED: {
		enum api_err code = out->code == API_OK ? API_ERR_GENERATION_FAILED : out->code;
		const char *msg = out->message ? out->message : api_err_message(code);
		const char *fault = out->fault == FAULT_UPSTREAM ? "UPSTREAM" : "REQUEST";
		const char *params[] = { job->id, s->worker, api_err_code(code), msg,
					 out->upstream_status, fault };
		log_msg(LOG_INFO, "job %s failing (%s fault%s%s): %s", job->id, fault,
			out->upstream_status ? ", upstream " : "",
			out->upstream_status ? out->upstream_status : "", msg);
		return transition(st, "api.job_fail", "FAILED", 6, params);
	}
	case PROVIDER_SUBMIT_UNKNOWN: {
		int secs = out->retry_seconds > 0 ? out->retry_seconds : 5;
		const char *params[] = { job->id, s->worker, int_text(s->arena, secs),
					 out->upstream_status ? out->upstream_status : "submit outcome unknown" };
		return transition(st, "api.job_submit_unknown", "reconcile later", 4, params);
	}
	case PROVIDER_RETRY_LATER: {
		int secs = out->retry_seconds > 0 ? out->retry_seconds : 5;
		if (pending) {
			const char *params[] = { job->id, s->worker, int_text(s->arena, secs),
						 out->upstream_status, out->message };
			return transition(st, "api.job_defer", "deferred", 5, params);
		}
		const char *params[] = { job->id, s->worker, int_text(s->arena, job->progress),
					 int_text(s->arena, secs) };
		return transition(st, "api.job_progress", "retry later", 4, params);
	}
	}
	return RUN_DB_ERROR;
}

/* True when a PROCESSING job has run longer than its provider allows. */
static bool past_time_limit(const struct job *job)
{
	long long started = provider_parse_utc(job->attempt_started_at ? job->attempt_started_at
							    : job->started_at);
	return job->status == JOB_PROCESSING && job->time_limit > 0 && started > 0 &&
	       (long long)time(NULL) > started + job->time_limit;
}

enum run_result sched_run_job(struct sched *s, json_t *job_json)
{
	struct job job;
	if (!provider_job_decode(job_json, &job)) {
		log_msg(LOG_WARN, "api.jobs_claim returned an element without an id; skipped");
		return RUN_SKIPPED;
	}
	struct run_state st = { s, &job, monotonic_ms() };
	struct provider_ctx ctx = { s->cfg, s->arena, s->http };
	struct provider_outcome out;
	memset(&out, 0, sizeof out);
	const char *provider = job.provider ? job.provider : job.adapter ? job.adapter : "?";

	const struct provider_adapter *ad =
		provider_find(job.test_mode ? PROVIDER_SIMULATE : job.adapter);
	if (job.status == JOB_OTHER) {
		log_msg(LOG_WARN, "job %s: claimed in state %s; skipped", job.id,
			job.status_name ? job.status_name : "?");
		return RUN_SKIPPED;
	}
	if (!ad) {
		provider_fail(&out, &ctx, API_ERR_GENERATION_FAILED,
			      "No adapter for provider '%s' is built into this server yet.", provider);
		out.fault = FAULT_UPSTREAM;
	} else if (past_time_limit(&job)) {
		provider_fail(&out, &ctx, API_ERR_GENERATION_FAILED,
			      "The generation did not finish within the provider's time limit of %d seconds.",
			      job.time_limit);
		out.fault = FAULT_UPSTREAM;
		out.upstream_status = "time limit";
	} else if (job.status == JOB_PENDING && !ad->offline && job.submit_in_flight) {
		if (ad->reconcile) {
			ad->reconcile(&job, &ctx, &out);
		} else {
			provider_fail(&out, &ctx, API_ERR_GENERATION_FAILED,
				      "An earlier submit to provider '%s' ended with an unknown outcome; "
				      "it was not submitted there twice.", provider);
			out.fault = FAULT_UPSTREAM;
			out.upstream_status = "submit outcome unknown";
		}
	} else if (job.status == JOB_PENDING) {
		if (!ad->offline) {
			const char *params[] = { job.id, s->worker };
			enum run_result r = transition(&st, "api.job_submitting", "submitting", 2, params);
			if (r != RUN_DONE)
				return r;
		}
		ad->submit(&job, &ctx, &out);
	} else {
		ad->poll(&job, &ctx, &out);
	}

	log_msg(LOG_DEBUG, "job %s provider=%s adapter=%s%s outcome %s ms=%lld", job.id, provider,
		ad ? ad->name : "-", job.test_mode ? " (test mode)" : "",
		provider_outcome_name(out.kind), monotonic_ms() - st.started_ms);
	enum run_result r = record(&st, &out);
	if (r == RUN_CANCELLED && ad && ad->cancel) {
		/* Stop upstream work nobody will collect. */
		struct job upstream = job;
		if (!upstream.upstream_task_id)
			upstream.upstream_task_id = out.task_id;
		struct provider_outcome ignored;
		ad->cancel(&upstream, &ctx, &ignored);
	}
	return r;
}

const char *sched_run_result_name(enum run_result r)
{
	switch (r) {
	case RUN_DONE: return "done";
	case RUN_CANCELLED: return "cancelled";
	case RUN_LEASE_LOST: return "lease lost";
	case RUN_SKIPPED: return "skipped";
	case RUN_DB_ERROR: return "database error";
	}
	return "?";
}
