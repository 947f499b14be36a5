/*
 * run.h - advance one claimed job through its adapter and record the outcome.
 *
 * Each transition is one api call (job_submitted, job_progress, job_complete,
 * job_fail) made under the worker's lease; the SQL side refuses a transition
 * after the lease was lost (QA409) or the job was cancelled meanwhile
 * ({"cancelled":true}), and run stops there.
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
	RUN_DB_ERROR       /* the database failed; the lease will expire and retry */
};

/*
 * Runs the job described by job_json (one element of api.jobs_claim's array,
 * owned by s->arena) through its adapter and records the outcome. Logs one
 * line per transition. Does not reset the arena.
 */
enum run_result sched_run_job(struct sched *s, json_t *job_json);

/* The result's name for logs. */
const char *sched_run_result_name(enum run_result r);

#endif
