/*
 * purge.h - the scheduler's housekeeping: api.maintenance_purge() deletes
 * expired idempotency keys and old rate-limit windows (SPEC §8 step 7).
 * Called at the start of every --once run and about once a minute in --loop;
 * a failure never stops the scheduler.
 */
#ifndef DOITONG_SCHED_PURGE_H
#define DOITONG_SCHED_PURGE_H

#include <stdbool.h>

#include "common/err.h"
#include "sched/run.h"

#define SCHED_PURGE_INTERVAL_MS 60000

/* What the last purge did, so a failure that repeats every minute is logged
 * once (at warning) and not again until it changes or recovers. */
struct sched_purge {
	bool failing;
	char sqlstate[6];   /* of the failure being reported, "" if none */
};

/*
 * Calls api.maintenance_purge() on s->db with s->arena. Logs the counts
 * ({"idempotencyKeys": n, "rateWindows": n}) at info when something was
 * deleted, at debug otherwise. A failure is logged at warning when it is new
 * (SQLSTATE 42883, an old database without the function, says so), at debug
 * when it repeats. Returns API_OK or the failure's code. The caller ends the
 * database request and resets the arena.
 */
enum api_err sched_purge(struct sched *s, struct sched_purge *state);

#endif
