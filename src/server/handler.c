/*
 * handler.c - the request path: http_request_read -> negotiate -> auth ->
 * gql_params_read -> gql_execute -> response. Each step returns an api_err;
 * the first failure goes straight to the response. One log line per request.
 */
#include "server/handler.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "graphql/exec.h"
#include "graphql/persisted.h"
#include "http/auth.h"
#include "http/ide.h"
#include "http/response.h"

static const char *new_request_id(struct arena *a)
{
	unsigned char raw[8];
	if (RAND_bytes(raw, sizeof raw) != 1)
		memset(raw, 0, sizeof raw);
	return arena_printf(a, "req_%02x%02x%02x%02x%02x%02x%02x%02x", raw[0], raw[1], raw[2], raw[3],
			    raw[4], raw[5], raw[6], raw[7]);
}

static double ms_since(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) * 1e3 + (double)(now.tv_nsec - start->tv_nsec) / 1e6;
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

void handle_request(struct server *srv, struct arena *a, const struct http_source *src,
		    void (*write)(void *ctx, const char *bytes, size_t len), void *write_ctx)
{
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	const char *request_id = new_request_id(a);
	log_set_request_id(request_id);

	struct http_response resp = { 0 };
	struct http_request req;
	const char *message = NULL;
	const char *operation = "-";
	enum api_err rc = http_request_read(a, src, srv->cfg.max_body_bytes, &req, &message);
	resp.media = http_negotiate(req.accept);
	response_header(&resp, "X-Request-Id", request_id);

	if (rc == API_OK && ide_wanted(req.method, req.accept, req.query_string)) {
		resp.media = MEDIA_HTML;
		resp.status = 200;
		resp.body = (char *)ide_page(&resp.body_len);
		size_t len;
		char *wire = response_serialize(a, &resp, &len);
		write(write_ctx, wire, len);
		log_msg(LOG_INFO, "GET ide status=200 ms=%.2f", ms_since(&start));
		log_set_request_id(NULL);
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
	struct gql_env env = { srv->db, key_hash, request_id, req.idempotency_key, fingerprint, NULL,
			       srv->cfg.webhook_allow_private, srv->cfg.outbound_allow_loopback };
	struct gql_result result;
	struct apq_outcome apq = { 0 };
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
		gql_params_fingerprint(&req, fingerprint);
		struct gql_request gq = { req.query, req.query_len, req.variables, req.operation_name,
					  strcmp(req.method, "GET") == 0 };
		gql_execute(a, &env, &gq, &result);
		response_from_result(a, &resp, &result, request_id);
		rc = result.fatal;
		if (result.operation)
			operation = result.operation;
	}

	size_t len;
	char *wire = response_serialize(a, &resp, &len);
	write(write_ctx, wire, len);
	log_msg(resp.status >= 500 ? LOG_WARN : LOG_INFO, "%s %s status=%d code=%s ms=%.2f",
		req.method ? req.method : "-", operation, resp.status,
		rc == API_OK ? "OK" : api_err_code(rc), ms_since(&start));
	log_set_request_id(NULL);
}
