/*
 * metrics.h - the Prometheus text exposition (format 0.0.4) of what
 * /metrics reports: the HTTP request counters and latency histogram (kept in
 * shared memory by counters.c) and the database's figures (api.metrics).
 *
 * The label sets are fixed tables, so a process's counters are a plain
 * array and the exposition never grows with client input.
 */
#ifndef DOITONG_METRICS_H
#define DOITONG_METRICS_H

#include <stddef.h>
#include <jansson.h>

/* The `operation` label: the kind of request, cheaply known. Append only. */
enum metrics_op {
	METRICS_OP_GENERATE = 0,   /* a GraphQL request whose first root field is generate/videoCreate */
	METRICS_OP_GENERATION,     /* ... generation or generations */
	METRICS_OP_QUERY,          /* any other query */
	METRICS_OP_MUTATION,       /* any other mutation */
	METRICS_OP_IDE,            /* the in-browser IDE page */
	METRICS_OP_HEALTHZ,        /* GET /healthz */
	METRICS_OP_METRICS,        /* GET /metrics */
	METRICS_OP_OTHER,          /* refused before a GraphQL operation was chosen */
	METRICS_OP__COUNT
};

/* The `status` label: the statuses the responder answers (response.c's
 * reason table), plus one slot for anything else ("other"). */
#define METRICS_STATUS_COUNT 15

/* Histogram buckets (upper bounds in seconds); the last bucket is +Inf. */
#define METRICS_BUCKET_COUNT 12

struct metrics_snapshot {
	unsigned long long requests[METRICS_OP__COUNT][METRICS_STATUS_COUNT];
	unsigned long long buckets[METRICS_BUCKET_COUNT]; /* per bucket, not cumulative */
	unsigned long long sum_us;                         /* total duration, microseconds */
};

/* The label value of op ("generate", ...). */
const char *metrics_op_name(enum metrics_op op);

/* The operation label for a GraphQL request: the group of its first root
 * field (generate, generation) or its kind (query, mutation); "other" when
 * root_field is NULL (nothing was executed). */
enum metrics_op metrics_op_for(const char *root_field, int is_mutation);

/* Index of an HTTP status in the status table; the last index for others. */
int metrics_status_index(int status);

/* The status label of an index ("200", ..., "other"). */
const char *metrics_status_name(int index);

/* The bucket a duration (seconds) falls into. */
int metrics_bucket_index(double seconds);

/*
 * Renders the exposition: the request counters and histogram from s, then,
 * when db is api.metrics()'s object, the database gauges; when db is NULL
 * (the database did not answer) doitong_database_up is 0 and the database
 * families are left out. Returns a malloc'd NUL-terminated text (*len its
 * length); the caller frees it.
 */
char *metrics_render(const struct metrics_snapshot *s, json_t *db, size_t *len);

#endif
