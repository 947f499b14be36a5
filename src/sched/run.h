/*
 * run.h - advance one claimed job through its adapter and record the outcome.
 *
 * Outcomes are recorded with api.jobs_report, under the worker's lease: at
 * once (one element) for adapters that call an upstream, so a task id is
 * stored the moment it exists; queued into a batch report for offline
 * adapters (test mode's simulation, local renderers), so a batch of jobs
 * costs one round trip. The SQL side refuses a transition after the lease
 * was lost (QA409) or reports the job cancelled meanwhile.
 */
#ifndef DOITONG_SCHED_RUN_H
#define DOITONG_SCHED_RUN_H

#include <jansson.h>

#include "common/arena.h"
#include "common/config.h"
#include "db/db.h"

struct http_client;

struct sched {
	struct db *db;
	struct arena *arena;          /* reset by the caller after each job */
	const struct config *cfg;
	const char *worker;           /* "<hostname>:<pid>" */
	struct http_client *http;     /* outbound client for adapters and webhooks */
};

enum run_result {
	RUN_DONE,          /* every transition recorded */
	RUN_CANCELLED,     /* the job was cancelled meanwhile; nothing more to do */
	RUN_LEASE_LOST,    /* another worker owns the job now */
	RUN_SKIPPED,       /* the claimed element was not a job we can read */
	RUN_DB_ERROR,      /* the database failed; the lease will expire and retry */
	RUN_QUEUED,        /* the outcome waits in the batch report */
	RUN_REFUSED        /* the database refused the transition (logged) */
};

/* Outcomes queued for one api.jobs_report. */
#define SCHED_REPORT_MAX 256

struct pending_report {
	char *id, *provider, *kind;
	char *path;        /* the stored result, deleted when the job was cancelled */
};

struct sched_report {
	json_t *elements;  /* the api.jobs_report array */
	struct pending_report jobs[SCHED_REPORT_MAX];
	size_t n;
};

void sched_report_init(struct sched_report *r);
void sched_report_free(struct sched_report *r);

/*
 * Sends the queued outcomes in one api.jobs_report, logs each job's result,
 * deletes the stored files of jobs cancelled meanwhile, and empties the
 * report. results (may be NULL) gets one run_result per queued job.
 * Returns RUN_DB_ERROR when the call failed (the jobs come back when their
 * lease ends), else RUN_DONE.
 */
enum run_result sched_report_flush(struct sched *s, struct sched_report *r,
				   enum run_result *results);

/*
 * Runs the job described by job_json (one element of api.jobs_claim's array,
 * owned by s->arena) through its adapter. An offline adapter's outcome is
 * queued in report when report is non-NULL and has room (RUN_QUEUED);
 * otherwise it is recorded at once. Does not reset the arena.
 */
enum run_result sched_run_job(struct sched *s, json_t *job_json, struct sched_report *report);

/* The result's name for logs. */
const char *sched_run_result_name(enum run_result r);

#endif
