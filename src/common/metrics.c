/*
 * metrics.c - label tables and the Prometheus text rendering (see metrics.h).
 *
 * Text format 0.0.4: one "# HELP" and one "# TYPE" line per family, then its
 * samples; label values escaped (backslash, double quote, newline); a
 * histogram's buckets cumulative with le="+Inf" equal to _count.
 */
#include "common/metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

static const char *const op_names[METRICS_OP__COUNT] = {
	[METRICS_OP_GENERATE] = "generate",     [METRICS_OP_GENERATION] = "generation",
	[METRICS_OP_QUERY] = "query",           [METRICS_OP_MUTATION] = "mutation",
	[METRICS_OP_IDE] = "ide",               [METRICS_OP_HEALTHZ] = "healthz",
	[METRICS_OP_METRICS] = "metrics",       [METRICS_OP_OTHER] = "other",
};

static const int statuses[METRICS_STATUS_COUNT - 1] = { 200, 400, 401, 403, 404, 405, 406,
							409, 413, 415, 422, 429, 500, 503 };
static const char *const status_names[METRICS_STATUS_COUNT] = {
	"200", "400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "429", "500", "503", "other"
};

/* Upper bounds of the finite buckets, as numbers and as label text. */
static const double bounds[METRICS_BUCKET_COUNT - 1] = { .001, .0025, .005, .01, .025, .05,
							 .1,   .25,   .5,   1,   2.5 };
static const char *const bound_names[METRICS_BUCKET_COUNT] = {
	"0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"
};

const char *metrics_op_name(enum metrics_op op)
{
	return (unsigned)op < METRICS_OP__COUNT ? op_names[op] : op_names[METRICS_OP_OTHER];
}

enum metrics_op metrics_op_for(const char *root_field, int is_mutation)
{
	if (!root_field)
		return METRICS_OP_OTHER;
	if (!strcmp(root_field, "generate") || !strcmp(root_field, "videoCreate"))
		return METRICS_OP_GENERATE;
	if (!strcmp(root_field, "generation") || !strcmp(root_field, "generations"))
		return METRICS_OP_GENERATION;
	return is_mutation ? METRICS_OP_MUTATION : METRICS_OP_QUERY;
}

int metrics_status_index(int status)
{
	for (int i = 0; i < METRICS_STATUS_COUNT - 1; i++)
		if (statuses[i] == status)
			return i;
	return METRICS_STATUS_COUNT - 1;
}

const char *metrics_status_name(int index)
{
	return index >= 0 && index < METRICS_STATUS_COUNT ? status_names[index]
							   : status_names[METRICS_STATUS_COUNT - 1];
}

int metrics_bucket_index(double seconds)
{
	for (int i = 0; i < METRICS_BUCKET_COUNT - 1; i++)
		if (seconds <= bounds[i])
			return i;
	return METRICS_BUCKET_COUNT - 1;
}

/* A label value with \, " and newline escaped as the format requires. */
static void put_label_value(FILE *f, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\')
			fputs("\\\\", f);
		else if (*v == '"')
			fputs("\\\"", f);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* One sample NAME{LABEL="VALUE"} N for each integer member of obj. */
static void gauge_per_member(FILE *f, const char *name, const char *label, json_t *obj)
{
	const char *k;
	json_t *v;
	json_object_foreach(obj, k, v)
	{
		if (!json_is_integer(v))
			continue;
		fprintf(f, "%s{%s=\"", name, label);
		put_label_value(f, k);
		fprintf(f, "\"} %lld\n", (long long)json_integer_value(v));
	}
}

/* One sample NAME{provider="ID"} N per provider: field is a boolean (1/0)
 * or an integer member of each {"id", ...} object. */
static void per_provider(FILE *f, const char *name, json_t *providers, const char *field)
{
	size_t i;
	json_t *p;
	json_array_foreach(providers, i, p)
	{
		const char *id = json_string_value(json_object_get(p, "id"));
		json_t *v = json_object_get(p, field);
		if (!id)
			continue;
		fprintf(f, "%s{provider=\"", name);
		put_label_value(f, id);
		fprintf(f, "\"} %lld\n", json_is_boolean(v) ? (long long)json_is_true(v) : (long long)json_integer_value(v));
	}
}

static void render_requests(FILE *f, const struct metrics_snapshot *s)
{
	family(f, "doitong_http_requests_total", "counter",
	       "HTTP requests answered by the responders of this pool, by operation and status.");
	for (int op = 0; op < METRICS_OP__COUNT; op++)
		for (int st = 0; st < METRICS_STATUS_COUNT; st++)
			if (s->requests[op][st])
				fprintf(f, "doitong_http_requests_total{operation=\"%s\",status=\"%s\"} %llu\n",
					op_names[op], status_names[st], s->requests[op][st]);

	family(f, "doitong_http_request_duration_seconds", "histogram",
	       "Time from the request's arrival at the responder to its answer.");
	unsigned long long cumulative = 0;
	for (int b = 0; b < METRICS_BUCKET_COUNT; b++) {
		cumulative += s->buckets[b];
		fprintf(f, "doitong_http_request_duration_seconds_bucket{le=\"%s\"} %llu\n", bound_names[b],
			cumulative);
	}
	fprintf(f, "doitong_http_request_duration_seconds_sum %llu.%06llu\n", s->sum_us / 1000000,
		s->sum_us % 1000000);
	fprintf(f, "doitong_http_request_duration_seconds_count %llu\n", cumulative);
}

static void render_db(FILE *f, json_t *db)
{
	family(f, "doitong_database_up", "gauge", "1 when the database answered this scrape, else 0.");
	fprintf(f, "doitong_database_up %d\n", db ? 1 : 0);
	if (!db)
		return;

	family(f, "doitong_generations", "gauge", "Generations in the database, by state.");
	gauge_per_member(f, "doitong_generations", "state", json_object_get(db, "generations"));

	json_t *providers = json_object_get(db, "providers");
	family(f, "doitong_provider_breaker_open", "gauge",
	       "1 while the provider's circuit breaker is open, else 0.");
	per_provider(f, "doitong_provider_breaker_open", providers, "breakerOpen");
	family(f, "doitong_provider_failure_streak", "gauge",
	       "Consecutive upstream failures of live jobs, per provider.");
	per_provider(f, "doitong_provider_failure_streak", providers, "failureStreak");
	family(f, "doitong_provider_breaker_trips_total", "counter",
	       "Times the provider's circuit breaker opened.");
	per_provider(f, "doitong_provider_breaker_trips_total", providers, "breakerTrips");

	family(f, "doitong_provider_errors_total", "counter",
	       "Failed attempts of live generations, by provider and error code.");
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(db, "providerErrors"), i, e)
	{
		const char *id = json_string_value(json_object_get(e, "provider"));
		const char *code = json_string_value(json_object_get(e, "code"));
		if (!id || !code)
			continue;
		fputs("doitong_provider_errors_total{provider=\"", f);
		put_label_value(f, id);
		fputs("\",code=\"", f);
		put_label_value(f, code);
		fprintf(f, "\"} %lld\n", (long long)json_integer_value(json_object_get(e, "n")));
	}

	family(f, "doitong_webhook_deliveries", "gauge", "Webhook deliveries in the database, by status.");
	gauge_per_member(f, "doitong_webhook_deliveries", "status", json_object_get(db, "webhookDeliveries"));

	family(f, "doitong_webhook_attempts_total", "counter",
	       "Webhook delivery attempts (ok: a 2xx answer).");
	json_t *attempts = json_object_get(db, "webhookAttempts");
	fprintf(f, "doitong_webhook_attempts_total{result=\"ok\"} %lld\n",
		(long long)json_integer_value(json_object_get(attempts, "ok")));
	fprintf(f, "doitong_webhook_attempts_total{result=\"error\"} %lld\n",
		(long long)json_integer_value(json_object_get(attempts, "error")));
}

char *metrics_render(const struct metrics_snapshot *s, json_t *db, size_t *len)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	if (!f)
		oom_abort();
	render_requests(f, s);
	render_db(f, json_is_object(db) ? db : NULL);
	if (fclose(f) != 0 || !text)
		oom_abort();
	*len = size;
	return text;
}
