/*
 * provider.h - the adapter interface between the scheduler and a provider.
 *
 * An adapter turns one claimed job into one outcome: submit (PENDING job),
 * poll (PROCESSING job), cancel (best effort). Adapters never touch the
 * database; the scheduler (src/sched/run.c) records each outcome with one api
 * call. The registry is a static table keyed by the catalog's `adapter`
 * column. Everything an adapter returns (strings, metadata JSON) is owned by
 * the context's arena and lives until the scheduler resets it after the job.
 */
#ifndef DOITONG_PROVIDER_H
#define DOITONG_PROVIDER_H

#include <stdbool.h>
#include <jansson.h>

#include "common/arena.h"
#include "common/config.h"
#include "common/err.h"

enum job_status { JOB_PENDING, JOB_PROCESSING, JOB_OTHER };

/* One element of api.jobs_claim's array. Strings point into the claimed JSON
 * (owned by the arena); absent strings and objects are NULL (jansson's
 * getters accept NULL), absent numbers are 0. */
struct job {
	const char *id;
	const char *type;              /* VIDEO, IMAGE, AUDIO, AVATAR */
	const char *provider;
	const char *adapter;
	const char *model;
	json_t *input;                 /* borrowed object or NULL */
	json_t *options;               /* borrowed: effectiveOptions (catalog defaults
	                                  merged) when present, else options, or NULL */
	enum job_status status;
	const char *status_name;
	const char *upstream_task_id;
	bool test_mode;
	bool submit_in_flight;         /* an earlier submit's outcome is unknown */
	int progress;
	int poll_interval;             /* seconds */
	int time_limit;                /* seconds */
	const char *started_at;
	const char *created_at;
	const char *attempt_started_at; /* start of the open attempt, or NULL */
	const char *route;             /* direct, fal, replicate */
	const char *upstream_model;    /* the upstream's model string */
	const char *base_url;          /* catalog override of the upstream's base URL, or NULL */
	const char *key_env;           /* environment variable holding the API key, or NULL */
	const char *fal_model;         /* fal's model id ("fal-ai/veo3") for route fal, or NULL */
	const char *replicate_model;   /* Replicate's ("owner/name[:version]"), or NULL */
	bool auto_selected;            /* the server chose the provider (fallback allowed) */
};

struct http_client;

struct provider_ctx {
	const struct config *cfg;
	struct arena *arena;
	struct http_client *http;      /* the scheduler's outbound client (src/outbound/http.h) */
};

enum provider_outcome_kind {
	PROVIDER_SUBMITTED,    /* accepted upstream: task_id */
	PROVIDER_RUNNING,      /* progress, next_poll_seconds */
	PROVIDER_COMPLETED,    /* url, path (local file or NULL), metadata */
	PROVIDER_FAILED,       /* code, message, fault */
	PROVIDER_RETRY_LATER,  /* retry_seconds; nothing changed upstream (429, throttled) */
	PROVIDER_SUBMIT_UNKNOWN /* the submit was sent but its answer was lost (time-out):
	                           the job must be reconciled, never blindly resubmitted */
};

/* Whose fault a failure is: it decides circuit breakers and fallback. */
enum provider_fault {
	FAULT_REQUEST = 0,     /* this request can't succeed anywhere like this: 4xx
	                          validation, moderation, unusable input (no fallback) */
	FAULT_UPSTREAM,        /* the provider's: 5xx, connection, overload, malformed
	                          answer, time limit (counts toward its breaker; an
	                          auto-selected job falls back to the next provider) */
	FAULT_CONFIG,          /* the operator's setup: no API key, a route without its
	                          model id; nothing was sent, so the provider's health
	                          is unknown: its breaker does not move, but an
	                          auto-selected job falls back */
};

struct provider_outcome {
	enum provider_outcome_kind kind;
	const char *task_id;       /* SUBMITTED; synchronous adapters may set it on COMPLETED */
	int progress;              /* RUNNING: 0..100 */
	int next_poll_seconds;     /* RUNNING */
	const char *url;           /* COMPLETED: public URL */
	const char *path;          /* COMPLETED: file in media_dir, or NULL for pass-through */
	json_t *metadata;          /* COMPLETED: object owned by the arena, or NULL */
	enum api_err code;         /* FAILED: e.g. API_ERR_GENERATION_FAILED */
	const char *message;       /* FAILED: client-facing, no secrets */
	enum provider_fault fault; /* FAILED */
	const char *upstream_status; /* raw upstream status or HTTP code for the attempt
	                                record ("503", "failed", "SAFETY.INPUT"), or NULL */
	int retry_seconds;         /* RETRY_LATER, SUBMIT_UNKNOWN: when to look again */
};

typedef void provider_fn(const struct job *job, const struct provider_ctx *ctx,
			 struct provider_outcome *out);

struct provider_adapter {
	const char *name;          /* the catalog's `adapter` value */
	bool synchronous;          /* submit produces the result (or failure) directly */
	bool offline;              /* calls no upstream: nothing can be submitted twice, so
	                              the scheduler skips job_submitting and the in-flight
	                              guard (local, simulate) */
	provider_fn *submit;
	provider_fn *poll;
	provider_fn *cancel;       /* may be NULL */
	provider_fn *reconcile;    /* a submit whose outcome is unknown: look the job up
	                              upstream (e.g. by external task id) and answer like
	                              poll; FAILED with FAULT_UPSTREAM when it is not there.
	                              NULL: such a job fails (and falls back when it may) */
};

/* The adapter name test-mode jobs run under, whatever their provider (SPEC §3). */
#define PROVIDER_SIMULATE "simulate"

/* Longest generation id accepted as a file name in media_dir. */
#define PROVIDER_ID_MAX 100

/* The adapter registered under name, or NULL (also for NULL name). */
const struct provider_adapter *provider_find(const char *adapter);

/*
 * Fills *job from one element of api.jobs_claim's array. The job borrows
 * strings and objects from obj, which must outlive it. Returns false when obj
 * is not an object or has no string id.
 */
bool provider_job_decode(json_t *obj, struct job *job);

/* Sets out to FAILED with code and an arena-formatted message. */
void provider_fail(struct provider_outcome *out, const struct provider_ctx *ctx,
		   enum api_err code, const char *fmt, ...) PRINTF_LIKE(4, 5);

/* True when id is safe as a file name: 1..PROVIDER_ID_MAX of [A-Za-z0-9_-]. */
bool provider_valid_id(const char *id);

/*
 * The public URL of file `name` in media_dir: cfg->media_url without
 * trailing slashes, "/", name. Allocated in ctx->arena.
 */
const char *provider_media_url(const struct provider_ctx *ctx, const char *name);

/* Seconds since the epoch of "YYYY-MM-DDTHH:MM:SSZ" (internal.iso_time, as
 * in startedAt), or -1 for NULL or anything else. */
long long provider_parse_utc(const char *iso);

/* Backoff for polling an upstream task: seconds until the next poll. The
 * provider's interval (5 s when unknown) while the attempt is young; then
 * about a tenth of the time the attempt has run (since attemptStartedAt,
 * else startedAt, at `now`), so a 20-minute render is not polled every 10 s
 * throughout; never above a minute unless the interval itself is. */
#define PROVIDER_POLL_MAX_SECONDS 60
int provider_poll_backoff(const struct job *job, long long now);

/* The fault's name in api.jobs_report ("REQUEST", "UPSTREAM", "CONFIG"). */
const char *provider_fault_name(enum provider_fault fault);

/* The outcome kind's lower-case name for logs ("completed"). */
const char *provider_outcome_name(enum provider_outcome_kind kind);

#endif
