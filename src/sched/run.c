/*
 * run.c - one claimed job, one adapter call, one recorded outcome.
 *
 * Jobs awaiting submit (PENDING, or PROCESSING after a fallback moved them to
 * another provider) go to the adapter's submit, the others to its poll.
 * Test-mode jobs (dt_test_ keys) always go to the `simulate` adapter, whatever
 * their provider or type: test mode calls no upstream (SPEC §3). Before an
 * adapter that calls an upstream submits, api.job_submitting records that a
 * submit is in flight; a job claimed with submitInFlight set is never
 * submitted a second time: the adapter's reconcile looks it up upstream, and
 * without one the job fails as the provider's fault (so an auto-selected job
 * falls back to another provider). Offline adapters (local, simulate) have
 * no upstream to double-submit and skip that step. A completion or failure
 * steps a PENDING job through PROCESSING in the database, so a synchronous
 * completion is one element.
 * Jobs whose adapter is not built in fail with GENERATION_FAILED without any
 * upstream call; so do PROCESSING jobs past the provider's time limit
 * (counted from the current attempt's start); both are the provider's fault.
 * Outcome -> api.jobs_report element (one at once for upstream adapters,
 * batched for offline ones):
 *   SUBMITTED   submitted {taskId}
 *   RUNNING     awaiting submit: submitted; else progress {progress, nextPoll}
 *   COMPLETED   complete {url, metadata}; the stored file is deleted when the
 *               job was cancelled meanwhile
 *   FAILED      fail {code, message, upstreamStatus, fault}: the SQL side
 *               decides between a fallback and the end
 *   RETRY_LATER awaiting submit: defer {seconds} (the upstream turned it
 *               away); else progress {current progress, nextPoll = seconds}
 *   SUBMIT_UNKNOWN unknown {seconds}: the in-flight attempt stays open and
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

/* One single-job api call (job_submitting); `to` names it in the log. */
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

static int clamp_progress(int p)
{
	return p < 0 ? 0 : p > 100 ? 100 : p;
}

/*
 * The api.jobs_report element recording out for job (see the table in the
 * header comment); a new reference. Strings are copied, so the element
 * outlives the arena.
 */
static json_t *outcome_element(const struct job *job, const struct provider_outcome *out)
{
	bool pending = job->status == JOB_PENDING;
	json_t *e = json_pack("{s:s}", "id", job->id);
	const char *kind = "fail";
	switch (out->kind) {
	case PROVIDER_SUBMITTED:
	case PROVIDER_RUNNING:
		if (pending || out->kind == PROVIDER_SUBMITTED) {
			kind = "submitted";
			if (out->task_id && *out->task_id)
				json_object_set_new(e, "taskId", json_string(out->task_id));
			break;
		}
		kind = "progress";
		json_object_set_new(e, "progress", json_integer(clamp_progress(out->progress)));
		json_object_set_new(e, "nextPoll", json_integer(out->next_poll_seconds > 0 ? out->next_poll_seconds
							     : job->poll_interval > 0 ? job->poll_interval : 5));
		break;
	case PROVIDER_COMPLETED:
		kind = "complete";
		json_object_set_new(e, "url", json_string(out->url ? out->url : ""));
		json_object_set_new(e, "metadata", out->metadata ? json_incref(out->metadata) : json_object());
		break;
	case PROVIDER_FAILED: {
		enum api_err code = out->code == API_OK ? API_ERR_GENERATION_FAILED : out->code;
		json_object_set_new(e, "code", json_string(api_err_code(code)));
		json_object_set_new(e, "message", json_string(out->message ? out->message
							       : api_err_message(code)));
		json_object_set_new(e, "fault", json_string(provider_fault_name(out->fault)));
		break;
	}
	case PROVIDER_SUBMIT_UNKNOWN:
		kind = "unknown";
		json_object_set_new(e, "seconds", json_integer(out->retry_seconds > 0 ? out->retry_seconds : 5));
		if (!out->upstream_status)
			json_object_set_new(e, "upstreamStatus", json_string("submit outcome unknown"));
		break;
	case PROVIDER_RETRY_LATER: {
		int secs = out->retry_seconds > 0 ? out->retry_seconds : 5;
		if (pending) {
			kind = "defer";
			json_object_set_new(e, "seconds", json_integer(secs));
			if (out->message)
				json_object_set_new(e, "message", json_string(out->message));
		} else {
			kind = "progress";
			json_object_set_new(e, "progress", json_integer(job->progress));
			json_object_set_new(e, "nextPoll", json_integer(secs));
		}
		break;
	}
	}
	json_object_set_new(e, "kind", json_string(kind));
	if (out->upstream_status)
		json_object_set_new(e, "upstreamStatus", json_string(out->upstream_status));
	return e;
}

/* What a report element's result means for the job; logs it. */
static enum run_result element_result(const struct pending_report *p, json_t *res, long long ms)
{
	const char *provider = p->provider ? p->provider : "?";
	json_t *err = json_object_get(res, "error");
	if (json_is_true(json_object_get(res, "cancelled"))) {
		log_msg(LOG_INFO, "job %s provider=%s %s: cancelled meanwhile ms=%lld", p->id, provider,
			p->kind, ms);
		if (p->path)
			unlink(p->path); /* nobody will fetch it */
		return RUN_CANCELLED;
	}
	json_t *fallback = json_object_get(res, "fallback");
	if (json_is_true(json_object_get(res, "ok"))) {
		if (fallback)
			log_msg(LOG_INFO, "job %s provider=%s failed; falls back to %s ms=%lld", p->id,
				provider, json_string_value(json_object_get(fallback, "to")), ms);
		else
			log_msg(LOG_INFO, "job %s provider=%s -> %s ms=%lld", p->id, provider, p->kind, ms);
		return RUN_DONE;
	}
	const char *sqlstate = json_string_value(json_object_get(err, "sqlstate"));
	const char *message = json_string_value(json_object_get(err, "message"));
	if (sqlstate && !strcmp(sqlstate, "QA409")) {
		log_msg(LOG_WARN, "job %s provider=%s %s: lease lost (%s) ms=%lld", p->id, provider,
			p->kind, message ? message : "", ms);
		return RUN_LEASE_LOST;
	}
	log_msg(LOG_ERROR, "job %s provider=%s %s: refused: %s [%s] ms=%lld", p->id, provider, p->kind,
		message ? message : "?", sqlstate ? sqlstate : "-", ms);
	return RUN_REFUSED;
}

void sched_report_init(struct sched_report *r)
{
	memset(r, 0, sizeof *r);
	r->elements = json_array();
}

static void report_clear(struct sched_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->jobs[i].id);
		free(r->jobs[i].provider);
		free(r->jobs[i].path);
		free(r->jobs[i].kind);
	}
	r->n = 0;
	json_array_clear(r->elements);
}

void sched_report_free(struct sched_report *r)
{
	report_clear(r);
	json_decref(r->elements);
	r->elements = NULL;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* Queues one element; the caller flushes when the report is full. */
static void report_add(struct sched_report *r, const struct job *job,
		       const struct provider_outcome *out)
{
	json_t *e = outcome_element(job, out);
	struct pending_report *p = &r->jobs[r->n++];
	p->id = xstrdup(job->id);
	p->provider = dup_or_null(job->provider);
	p->path = out->kind == PROVIDER_COMPLETED ? dup_or_null(out->path) : NULL;
	p->kind = xstrdup(json_string_value(json_object_get(e, "kind")));
	json_array_append_new(r->elements, e);
}

enum run_result sched_report_flush(struct sched *s, struct sched_report *r, enum run_result *results)
{
	if (r->n == 0)
		return RUN_DONE;
	long long started = monotonic_ms();
	char *body = json_dumps(r->elements, JSON_COMPACT | JSON_REAL_PRECISION(10));
	const char *params[] = { s->worker, body ? body : "[]" };
	struct db_error err;
	json_t *out = NULL;
	enum api_err rc = db_call(s->db, s->arena, "api.jobs_report", 2, params, &out, &err);
	free(body);
	long long ms = monotonic_ms() - started;
	enum run_result overall = RUN_DONE;
	if (rc != API_OK || !json_is_array(out) || json_array_size(out) != r->n) {
		log_msg(LOG_ERROR, "api.jobs_report of %zu outcome(s) failed: %s [%s]; the jobs return "
			"when their lease ends", r->n, rc == API_OK ? "unexpected answer" : err.message,
			rc == API_OK ? "-" : err.sqlstate);
		overall = RUN_DB_ERROR;
	}
	for (size_t i = 0; i < r->n; i++) {
		enum run_result one = overall == RUN_DB_ERROR ? RUN_DB_ERROR
				      : element_result(&r->jobs[i], json_array_get(out, i), ms);
		if (results)
			results[i] = one;
	}
	report_clear(r);
	return overall;
}

/* True when a PROCESSING job has run longer than its provider allows. */
static bool past_time_limit(const struct job *job)
{
	long long started = provider_parse_utc(job->attempt_started_at ? job->attempt_started_at
							    : job->started_at);
	return job->status == JOB_PROCESSING && job->time_limit > 0 && started > 0 &&
	       (long long)time(NULL) > started + job->time_limit;
}

enum run_result sched_run_job(struct sched *s, json_t *job_json, struct sched_report *report)
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
	if (report && ad && ad->offline && report->n < SCHED_REPORT_MAX) {
		report_add(report, &job, &out);
		return RUN_QUEUED;
	}
	struct sched_report one;
	sched_report_init(&one);
	report_add(&one, &job, &out);
	enum run_result r;
	sched_report_flush(s, &one, &r);
	sched_report_free(&one);
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
	case RUN_QUEUED: return "queued";
	case RUN_REFUSED: return "refused";
	}
	return "?";
}
