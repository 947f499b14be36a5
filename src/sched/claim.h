/*
 * claim.h - claiming due jobs under a lease, and the worker's identity.
 */
#ifndef DOITONG_SCHED_CLAIM_H
#define DOITONG_SCHED_CLAIM_H

#include <signal.h>
#include <stddef.h>
#include <jansson.h>

#include "common/err.h"
#include "sched/run.h"

#define SCHED_BATCH 100

/* Writes "<hostname>:<pid>" into buf. */
void sched_worker_id(char *buf, size_t buflen);

/*
 * Claims up to limit due jobs for s->worker with a lease of lease_seconds
 * (api.jobs_claim). On API_OK *jobs is a JSON array owned by s->arena
 * (possibly empty). Otherwise returns the error (already logged).
 */
enum api_err sched_claim(struct sched *s, int limit, int lease_seconds, json_t **jobs);

/*
 * One pass: claims a batch of SCHED_BATCH jobs (leased for the setting
 * scheduler_lease_seconds) and runs them one by one, resetting s->arena
 * after each; offline adapters' outcomes are recorded together in one
 * api.jobs_report at the end (see run.h). Stops early (leaving the rest to
 * their lease) when *stop becomes non-zero (stop may be NULL) or the
 * database fails.
 * Returns the number of jobs claimed, or -1 on a database failure.
 */
int sched_run_batch(struct sched *s, const volatile sig_atomic_t *stop);

#endif
