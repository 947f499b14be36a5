/*
 * purge.c - calls api.maintenance_purge() and logs what it did. The SQL
 * function owns the retention rules; this file only decides how loudly to
 * report, keeping per-state-change logging (STYLE B5b) in struct sched_purge.
 */
#include "sched/purge.h"

#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "db/db.h"

#define SQLSTATE_UNDEFINED_FUNCTION "42883"

/* A non-negative count field of the result, or -1. */
static long long count(json_t *out, const char *key)
{
	json_t *v = json_object_get(out, key);
	return json_is_integer(v) && json_integer_value(v) >= 0 ? (long long)json_integer_value(v) : -1;
}

enum api_err sched_purge(struct sched *s, struct sched_purge *state)
{
	struct db_error err;
	json_t *out = NULL;
	memset(&err, 0, sizeof err);
	enum api_err rc = db_call(s->db, s->arena, "api.maintenance_purge", 0, NULL, &out, &err);
	if (rc == API_OK) {
		long long keys = count(out, "idempotencyKeys"), windows = count(out, "rateWindows");
		if (state->failing)
			log_msg(LOG_INFO, "api.maintenance_purge works again");
		state->failing = false;
		state->sqlstate[0] = '\0';
		if (keys < 0 || windows < 0)
			log_msg(LOG_WARN, "api.maintenance_purge returned an unexpected shape; ignored");
		else if (keys || windows)
			log_msg(LOG_INFO, "purged %lld idempotency key(s) and %lld rate window(s)", keys,
				windows);
		else
			log_msg(LOG_DEBUG, "purge: nothing expired");
		return API_OK;
	}

	bool repeat = state->failing && !strcmp(state->sqlstate, err.sqlstate);
	state->failing = true;
	snprintf(state->sqlstate, sizeof state->sqlstate, "%s", err.sqlstate);
	if (!strcmp(err.sqlstate, SQLSTATE_UNDEFINED_FUNCTION))
		log_msg(repeat ? LOG_DEBUG : LOG_WARN,
			"api.maintenance_purge() does not exist in this database: nothing is purged "
			"until the migrations are applied (doitong-admin migrate)");
	else
		log_msg(repeat ? LOG_DEBUG : LOG_WARN, "api.maintenance_purge failed: %s [%s]%s",
			err.message[0] ? err.message : api_err_code(rc),
			err.sqlstate[0] ? err.sqlstate : "-",
			repeat ? "" : "; the scheduler goes on and retries in a minute");
	return rc;
}
