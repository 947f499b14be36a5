/*
 * test_metrics.c - the Prometheus text rendering: label tables, bucket
 * boundaries, the exact exposition for a known snapshot and database answer,
 * label escaping, and the database families left out when it is down.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/metrics.h"

static void labels_and_buckets(void **state)
{
	(void)state;
	assert_int_equal(metrics_op_for("generate", 1), METRICS_OP_GENERATE);
	assert_int_equal(metrics_op_for("videoCreate", 1), METRICS_OP_GENERATE);
	assert_int_equal(metrics_op_for("generation", 0), METRICS_OP_GENERATION);
	assert_int_equal(metrics_op_for("generations", 0), METRICS_OP_GENERATION);
	assert_int_equal(metrics_op_for("providers", 0), METRICS_OP_QUERY);
	assert_int_equal(metrics_op_for("rotateWebhookSecret", 1), METRICS_OP_MUTATION);
	assert_int_equal(metrics_op_for(NULL, 0), METRICS_OP_OTHER);
	assert_string_equal(metrics_op_name(METRICS_OP_HEALTHZ), "healthz");
	assert_string_equal(metrics_op_name((enum metrics_op)99), "other");

	assert_string_equal(metrics_status_name(metrics_status_index(200)), "200");
	assert_string_equal(metrics_status_name(metrics_status_index(503)), "503");
	assert_string_equal(metrics_status_name(metrics_status_index(418)), "other");
	assert_string_equal(metrics_status_name(-1), "other");

	assert_int_equal(metrics_bucket_index(0), 0);
	assert_int_equal(metrics_bucket_index(0.001), 0);   /* le is inclusive */
	assert_int_equal(metrics_bucket_index(0.0011), 1);
	assert_int_equal(metrics_bucket_index(1.0), 9);
	assert_int_equal(metrics_bucket_index(2.5), 10);
	assert_int_equal(metrics_bucket_index(2.5001), 11); /* +Inf */
	assert_int_equal(metrics_bucket_index(1e9), METRICS_BUCKET_COUNT - 1);
}

static const char expected[] =
	"# HELP doitong_http_requests_total HTTP requests answered by the responders of this pool, by operation and status.\n"
	"# TYPE doitong_http_requests_total counter\n"
	"doitong_http_requests_total{operation=\"generate\",status=\"200\"} 3\n"
	"doitong_http_requests_total{operation=\"query\",status=\"other\"} 1\n"
	"doitong_http_requests_total{operation=\"healthz\",status=\"503\"} 2\n"
	"# HELP doitong_http_request_duration_seconds Time from the request's arrival at the responder to its answer.\n"
	"# TYPE doitong_http_request_duration_seconds histogram\n"
	"doitong_http_request_duration_seconds_bucket{le=\"0.001\"} 1\n"
	"doitong_http_request_duration_seconds_bucket{le=\"0.0025\"} 1\n"
	"doitong_http_request_duration_seconds_bucket{le=\"0.005\"} 1\n"
	"doitong_http_request_duration_seconds_bucket{le=\"0.01\"} 3\n"
	"doitong_http_request_duration_seconds_bucket{le=\"0.025\"} 3\n"
	"doitong_http_request_duration_seconds_bucket{le=\"0.05\"} 3\n"
	"doitong_http_request_duration_seconds_bucket{le=\"0.1\"} 3\n"
	"doitong_http_request_duration_seconds_bucket{le=\"0.25\"} 3\n"
	"doitong_http_request_duration_seconds_bucket{le=\"0.5\"} 3\n"
	"doitong_http_request_duration_seconds_bucket{le=\"1\"} 3\n"
	"doitong_http_request_duration_seconds_bucket{le=\"2.5\"} 3\n"
	"doitong_http_request_duration_seconds_bucket{le=\"+Inf\"} 6\n"
	"doitong_http_request_duration_seconds_sum 12.000345\n"
	"doitong_http_request_duration_seconds_count 6\n"
	"# HELP doitong_database_up 1 when the database answered this scrape, else 0.\n"
	"# TYPE doitong_database_up gauge\n"
	"doitong_database_up 1\n"
	"# HELP doitong_generations Generations in the database, by state.\n"
	"# TYPE doitong_generations gauge\n"
	"doitong_generations{state=\"PENDING\"} 2\n"
	"doitong_generations{state=\"COMPLETED\"} 7\n"
	"# HELP doitong_provider_breaker_open 1 while the provider's circuit breaker is open, else 0.\n"
	"# TYPE doitong_provider_breaker_open gauge\n"
	"doitong_provider_breaker_open{provider=\"kling\"} 1\n"
	"doitong_provider_breaker_open{provider=\"we\\\"ird\\\\id\\n\"} 0\n"
	"# HELP doitong_provider_failure_streak Consecutive upstream failures of live jobs, per provider.\n"
	"# TYPE doitong_provider_failure_streak gauge\n"
	"doitong_provider_failure_streak{provider=\"kling\"} 5\n"
	"doitong_provider_failure_streak{provider=\"we\\\"ird\\\\id\\n\"} 0\n"
	"# HELP doitong_provider_breaker_trips_total Times the provider's circuit breaker opened.\n"
	"# TYPE doitong_provider_breaker_trips_total counter\n"
	"doitong_provider_breaker_trips_total{provider=\"kling\"} 2\n"
	"doitong_provider_breaker_trips_total{provider=\"we\\\"ird\\\\id\\n\"} 0\n"
	"# HELP doitong_provider_errors_total Failed attempts of live generations, by provider and error code.\n"
	"# TYPE doitong_provider_errors_total counter\n"
	"doitong_provider_errors_total{provider=\"kling\",code=\"GENERATION_FAILED\"} 3\n"
	"doitong_provider_errors_total{provider=\"kling\",code=\"PROVIDER_\\\"X\"} 1\n"
	"# HELP doitong_webhook_deliveries Webhook deliveries in the database, by status.\n"
	"# TYPE doitong_webhook_deliveries gauge\n"
	"doitong_webhook_deliveries{status=\"PENDING\"} 1\n"
	"doitong_webhook_deliveries{status=\"FAILED\"} 0\n"
	"# HELP doitong_webhook_attempts_total Webhook delivery attempts (ok: a 2xx answer).\n"
	"# TYPE doitong_webhook_attempts_total counter\n"
	"doitong_webhook_attempts_total{result=\"ok\"} 4\n"
	"doitong_webhook_attempts_total{result=\"error\"} 9\n";

static void renders_the_exposition(void **state)
{
	(void)state;
	struct metrics_snapshot s;
	memset(&s, 0, sizeof s);
	s.requests[METRICS_OP_GENERATE][metrics_status_index(200)] = 3;
	s.requests[METRICS_OP_QUERY][metrics_status_index(418)] = 1;
	s.requests[METRICS_OP_HEALTHZ][metrics_status_index(503)] = 2;
	s.buckets[0] = 1;
	s.buckets[3] = 2;
	s.buckets[METRICS_BUCKET_COUNT - 1] = 3;
	s.sum_us = 12000345;
	json_t *db = json_loads("{\"generations\": {\"PENDING\": 2, \"COMPLETED\": 7, \"bogus\": \"x\"},"
				" \"providers\": [{\"id\": \"kling\", \"breakerOpen\": true, \"failureStreak\": 5,"
				"                 \"breakerTrips\": 2},"
				"                {\"id\": \"we\\\"ird\\\\id\\n\", \"breakerOpen\": false, \"failureStreak\": 0,"
				"                 \"breakerTrips\": 0},"
				"                {\"breakerOpen\": true}],"
				" \"providerErrors\": [{\"provider\": \"kling\", \"code\": \"GENERATION_FAILED\", \"n\": 3},"
				"                     {\"provider\": \"kling\", \"code\": \"PROVIDER_\\\"X\", \"n\": 1},"
				"                     {\"provider\": \"kling\"}],"
				" \"webhookDeliveries\": {\"PENDING\": 1, \"FAILED\": 0},"
				" \"webhookAttempts\": {\"ok\": 4, \"error\": 9}}",
				0, NULL);
	assert_non_null(db);
	size_t len;
	char *text = metrics_render(&s, db, &len);
	assert_int_equal(len, strlen(text));
	assert_string_equal(text, expected);
	free(text);
	json_decref(db);
}

static void database_down_leaves_its_families_out(void **state)
{
	(void)state;
	struct metrics_snapshot s;
	memset(&s, 0, sizeof s);
	size_t len;
	char *text = metrics_render(&s, NULL, &len);
	assert_non_null(strstr(text, "# TYPE doitong_http_requests_total counter\n"));
	assert_non_null(strstr(text, "doitong_http_request_duration_seconds_bucket{le=\"+Inf\"} 0\n"));
	assert_non_null(strstr(text, "doitong_http_request_duration_seconds_sum 0.000000\n"));
	assert_non_null(strstr(text, "\ndoitong_database_up 0\n"));
	assert_null(strstr(text, "doitong_generations"));
	assert_null(strstr(text, "doitong_webhook"));
	assert_int_equal(text[len - 1], '\n');
	free(text);
	/* a database answer that is not an object counts as down */
	json_t *junk = json_string("x");
	text = metrics_render(&s, junk, &len);
	assert_non_null(strstr(text, "\ndoitong_database_up 0\n"));
	free(text);
	json_decref(junk);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(labels_and_buckets),
		cmocka_unit_test(renders_the_exposition),
		cmocka_unit_test(database_down_leaves_its_families_out),
	};
	return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
