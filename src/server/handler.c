/*
 * handler.c - the request path: http_request_read -> negotiate -> auth ->
 * gql_params_read -> gql_execute -> response. Each step returns an api_err;
 * the first failure goes straight to the response. GET /healthz and
 * GET /metrics are answered before authentication. Every request is counted
 * (counters.h) and logged as one key=value line.
 */
#include "server/handler.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/metrics.h"
#include "graphql/exec.h"
#include "graphql/persisted.h"
#include "http/auth.h"
#include "http/ide.h"
#include "http/response.h"

/* Request ids must be unique and not guessable from one another, not
 * secret: a random per-process base (getrandom, once) plus a counter, mixed
 * by splitmix64's finaliser, a bijection, so no id repeats within a
 * process. RAND_bytes per request cost a tenth of a read's CPU here. */
static const char *new_request_id(struct arena *a)
{
	static uint64_t base, counter;
	if (counter == 0 && getrandom(&base, sizeof base, 0) != (ssize_t)sizeof base)
		base = (uint64_t)time(NULL) << 20 ^ (uint64_t)getpid();
	uint64_t z = base + ++counter * UINT64_C(0x9e3779b97f4a7c15);
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	z ^= z >> 31;
	return arena_printf(a, "req_%016" PRIx64, z);
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* The request id travels with server-side errors so a report can be
 * matched with the log line (SPEC §4: INTERNAL_ERROR carries requestId). */
static json_t *error_extra(struct arena *a, enum api_err rc, const char *request_id)
{
	if (rc != API_ERR_INTERNAL && rc != API_ERR_UNAVAILABLE)
		return NULL;
	json_t *extra = json_pack("{s:s}", "requestId", request_id);
	arena_defer(a, (void (*)(void *))json_decref, extra);
	return extra;
}

static void set_json_body(struct arena *a, struct http_response *resp, json_t *body)
{
	char *text = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(body);
	if (!text)
		oom_abort();
	resp->body_len = strlen(text);
	resp->body = arena_strndup(a, text, resp->body_len);
	free(text);
}

/* GET /healthz: 200 when one trivial stored-function call succeeds, else 503.
 * Never cached, never authenticated. */
static enum api_err serve_healthz(struct server *srv, struct arena *a, struct http_response *resp)
{
	json_t *out = NULL;
	enum api_err rc = db_call(srv->db, a, "api.health", 0, NULL, &out, NULL);
	resp->media = MEDIA_JSON;
	if (rc == API_OK && json_is_object(out)) {
		resp->status = 200;
		json_t *body = json_pack("{s:s,s:s}", "status", "ok", "database", "ok");
		json_t *migrations = json_object_get(out, "migrations");
		if (json_is_string(migrations))
			json_object_set(body, "migrations", migrations);
		set_json_body(a, resp, body);
		return API_OK;
	}
	resp->status = 503;
	response_header(resp, "Retry-After", "1");
	set_json_body(a, resp, json_pack("{s:s,s:s}", "status", "unavailable", "database", "down"));
	return API_ERR_UNAVAILABLE;
}

/* GET /metrics: this pool's request counters, then the database's figures
 * (left out, with doitong_database_up 0, when it does not answer). */
static enum api_err serve_metrics(struct server *srv, struct arena *a, struct http_response *resp)
{
	struct metrics_snapshot snap;
	counters_snapshot(srv->counters, &snap);
	json_t *db = NULL;
	enum api_err rc = db_call(srv->db, a, "api.metrics", 0, NULL, &db, NULL);
	size_t len;
	char *text = metrics_render(&snap, rc == API_OK ? db : NULL, &len);
	arena_defer(a, free, text);
	resp->media = MEDIA_PROMETHEUS;
	resp->status = 200;
	resp->body = text;
	resp->body_len = len;
	return API_OK;
}

/* A path as a log value: at most 128 printable characters, no spaces. */
static const char *log_path(struct arena *a, const char *path)
{
	if (!path)
		return "-";
	size_t n = strnlen(path, 128);
	char *out = arena_strndup(a, path, n);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)out[i] <= 0x20 || (unsigned char)out[i] >= 0x7f || out[i] == '"')
			out[i] = '?';
	return out;
}

/* Writes the response (headers only for HEAD), counts and logs it. */
static void finish(struct server *srv, struct arena *a, const struct http_request *req,
		   struct http_response *resp, enum api_err rc, enum metrics_op op, const char *name,
		   const char *request_id, const struct timespec *start,
		   void (*write)(void *ctx, const char *bytes, size_t len), void *write_ctx)
{
	size_t len;
	char *wire = response_serialize(a, resp, &len);
	bool head = req->method && !strcmp(req->method, "HEAD");
	write(write_ctx, wire, head ? len - resp->body_len : len);
	double seconds = seconds_since(start);
	counters_observe(srv->counters, op, resp->status, seconds);
	log_msg(resp->status >= 500 ? LOG_WARN : LOG_INFO,
		"request_id=%s method=%s path=%s operation=%s name=%s status=%d code=%s ms=%.2f bytes=%zu",
		request_id, req->method ? req->method : "-", log_path(a, req->path), metrics_op_name(op),
		name ? name : "-", resp->status, rc == API_OK ? "OK" : api_err_code(rc), seconds * 1e3,
		head ? (size_t)0 : resp->body_len);
	log_set_request_id(NULL);
}

void handle_request(struct server *srv, struct arena *a, const struct http_source *src,
		    void (*write)(void *ctx, const char *bytes, size_t len), void *write_ctx)
{
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);

	struct http_response resp = { 0 };
	struct http_request req;
	const char *message = NULL;
	enum api_err rc = http_request_read(a, src, srv->cfg.max_body_bytes, &req, &message);
	/* The client's X-Request-Id when it is a sane token, else a new one. */
	const char *request_id = req.request_id ? req.request_id : new_request_id(a);
	log_set_request_id(request_id);
	response_header(&resp, "X-Request-Id", request_id);

	enum http_endpoint endpoint = http_endpoint_of(req.path);
	if (endpoint != ENDPOINT_GRAPHQL) {
		enum metrics_op op = endpoint == ENDPOINT_HEALTHZ ? METRICS_OP_HEALTHZ : METRICS_OP_METRICS;
		resp.media = MEDIA_JSON;
		if (strcmp(req.method, "GET") && strcmp(req.method, "HEAD")) {
			response_error(a, &resp, API_ERR_METHOD_NOT_ALLOWED, "Only GET and HEAD are supported.", NULL);
			response_header_set(&resp, "Allow", "GET, HEAD");
			rc = API_ERR_METHOD_NOT_ALLOWED;
		} else {
			rc = endpoint == ENDPOINT_HEALTHZ ? serve_healthz(srv, a, &resp) : serve_metrics(srv, a, &resp);
		}
		finish(srv, a, &req, &resp, rc, op, NULL, request_id, &start, write, write_ctx);
		return;
	}

	resp.media = http_negotiate(req.accept);
	if (rc == API_OK && ide_wanted(req.method, req.accept, req.query_string)) {
		resp.media = MEDIA_HTML;
		resp.status = 200;
		resp.body = (char *)ide_page(&resp.body_len);
		finish(srv, a, &req, &resp, API_OK, METRICS_OP_IDE, NULL, request_id, &start, write, write_ctx);
		return;
	}
	if (rc == API_OK && resp.media == MEDIA_NONE) {
		resp.media = MEDIA_JSON;
		rc = API_ERR_NOT_ACCEPTABLE;
	}
	if (rc == API_OK && strcmp(req.method, "GET") && strcmp(req.method, "POST")) {
		rc = API_ERR_METHOD_NOT_ALLOWED;
		message = "Only GET and POST are supported.";
	}
	const char *key = NULL;
	size_t key_len = 0;
	if (rc == API_OK && !auth_bearer_key(req.authorization, &key, &key_len)) {
		rc = API_ERR_UNAUTHENTICATED;
		message = req.authorization ? "Malformed API key. Send Authorization: Bearer dt_live_... or dt_test_..."
					    : "Missing API key. Send Authorization: Bearer <key>.";
	}
	if (rc == API_OK)
		rc = gql_params_read(a, &req, &message);

	char key_hash[AUTH_HASH_HEX_LEN + 1] = "";
	char fingerprint[65] = "";
	if (key)
		auth_hash_key(key, key_len, key_hash);
	struct gql_env env = { srv->db, key_hash, request_id, req.idempotency_key, NULL, NULL,
			       srv->cfg.webhook_allow_private, srv->cfg.outbound_allow_loopback,
			       &srv->webhook_key };
	struct gql_result result = { 0 };
	struct apq_outcome apq = { 0 };
	enum metrics_op op = METRICS_OP_OTHER;
	const char *name = NULL;
	if (rc == API_OK) {
		rc = apq_apply(a, srv->db, key_hash, req.extensions, req.query, req.query_len, &apq);
		if (rc != API_OK)
			message = apq.message;
	}

	if (rc != API_OK && key) {
		/* A well-formed key with a bad request: still authenticated and
		 * counted, and a refused key or a hit limit answers instead. */
		gql_touch(a, &env, &result);
		if (result.fatal != API_OK) {
			response_from_result(a, &resp, &result, request_id);
			rc = result.fatal;
		} else {
			response_error(a, &resp, rc, message, error_extra(a, rc, request_id));
			response_rate_headers(a, &resp, &result);
		}
	} else if (rc != API_OK) {
		response_error(a, &resp, rc, message, error_extra(a, rc, request_id));
	} else if (apq.not_found) {
		/* Apollo's clients match this message and resend with the query. */
		response_error(a, &resp, API_ERR_INVALID_INPUT, "PersistedQueryNotFound", NULL);
	} else {
		req.query = apq.query;
		req.query_len = apq.query_len;
		env.persist_sha = apq.persist_sha;
		/* Only an Idempotency-Key needs the fingerprint (SPEC §6): a
		 * digest and a sorted dump of the variables saved elsewhere. */
		if (req.idempotency_key) {
			gql_params_fingerprint(&req, fingerprint);
			env.fingerprint = fingerprint;
		}
		struct gql_request gq = { req.query, req.query_len, req.variables, req.operation_name,
					  strcmp(req.method, "GET") == 0 };
		gql_execute(a, &env, &gq, &result);
		response_from_result(a, &resp, &result, request_id);
		rc = result.fatal;
		name = result.operation;
		op = metrics_op_for(result.root_field, result.is_mutation);
	}
	finish(srv, a, &req, &resp, rc, op, name, request_id, &start, write, write_ctx);
}
