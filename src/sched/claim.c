/*
 * claim.c - api.jobs_claim and the worker id.
 */
#include "sched/claim.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"

void sched_worker_id(char *buf, size_t buflen)
{
	char host[256];
	if (gethostname(host, sizeof host))
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	snprintf(buf, buflen, "%s:%d", host, (int)getpid());
}

enum api_err sched_claim(struct sched *s, int limit, int lease_seconds, json_t **jobs)
{
	char limit_s[16], lease_s[16];
	snprintf(limit_s, sizeof limit_s, "%d", limit);
	snprintf(lease_s, sizeof lease_s, "%d", lease_seconds);
	const char *params[] = { s->worker, limit_s, lease_s };
	struct db_error err;
	json_t *out = NULL;
	enum api_err rc = db_call(s->db, s->arena, "api.jobs_claim", 3, params, &out, &err);
	if (rc != API_OK) {
		if (rc != API_ERR_UNAVAILABLE)
			log_msg(LOG_ERROR, "api.jobs_claim failed: %s [%s]", err.message, err.sqlstate);
		*jobs = NULL;
		return rc;
	}
	if (json_is_null(out)) {
		*jobs = json_array();
		arena_defer(s->arena, (void (*)(void *))json_decref, *jobs);
		return API_OK;
	}
	if (!json_is_array(out)) {
		log_msg(LOG_ERROR, "api.jobs_claim returned a non-array");
		*jobs = NULL;
		return API_ERR_INTERNAL;
	}
	*jobs = out;
	return API_OK;
}

int sched_run_batch(struct sched *s, const volatile sig_atomic_t *stop)
{
	json_t *jobs;
	enum api_err rc = sched_claim(s, SCHED_BATCH, (int)s->cfg->scheduler_lease_seconds, &jobs);
	if (rc != API_OK) {
		db_end_request(s->db);
		arena_reset(s->arena);
		return -1;
	}
	/* Our own reference: the arena is reset after every job. */
	json_incref(jobs);
	db_end_request(s->db);
	arena_reset(s->arena);

	/* Offline adapters' outcomes wait here and go in one api.jobs_report. */
	struct sched_report *report = xmalloc(sizeof *report);
	sched_report_init(report);
	size_t n = json_array_size(jobs);
	bool failed = false;
	for (size_t i = 0; i < n && !failed; i++) {
		if (stop && *stop) {
			log_msg(LOG_INFO, "stopping; %zu claimed job(s) left to their lease", n - i);
			break;
		}
		enum run_result r = sched_run_job(s, json_array_get(jobs, i), report);
		failed = r == RUN_DB_ERROR;
		if (r != RUN_QUEUED)
			db_end_request(s->db);
		arena_reset(s->arena);
	}
	if (sched_report_flush(s, report, NULL) == RUN_DB_ERROR)
		failed = true;
	db_end_request(s->db);
	arena_reset(s->arena);
	sched_report_free(report);
	free(report);
	json_decref(jobs);
	return failed ? -1 : (int)n;
}
