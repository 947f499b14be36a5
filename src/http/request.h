/*
 * request.h - the HTTP side of a request: CGI parameters, the body read
 * within its limit, and the GraphQL-over-HTTP request parameters (query,
 * variables, operationName, extensions) from a JSON body or a GET query
 * string. Nothing here knows GraphQL syntax.
 */
#ifndef DOITONG_HTTP_REQUEST_H
#define DOITONG_HTTP_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "common/arena.h"
#include "common/err.h"

/* Where a request comes from: FastCGI or plain CGI. */
struct http_source {
	void *ctx;
	const char *(*param)(void *ctx, const char *name);     /* NULL when unset */
	long (*read)(void *ctx, char *buf, size_t len);        /* bytes read, 0 at end, -1 on error */
};

struct http_request {
	const char *method;
	const char *path;         /* REQUEST_URI without the query (else SCRIPT_NAME + PATH_INFO) */
	const char *request_id;   /* X-Request-Id when it is a sane token, else NULL */
	const char *content_type;
	const char *accept;
	const char *authorization;
	const char *idempotency_key;
	const char *query_string;
	char *body;
	size_t body_len;
	/* GraphQL parameters, once gql_params_read succeeded */
	const char *query;
	size_t query_len;
	json_t *variables;
	const char *operation_name;
	json_t *extensions;
};

/* Reads the CGI parameters and, for POST, the body (at most max_body bytes;
 * larger is API_ERR_BODY_TOO_LARGE before reading when CONTENT_LENGTH says
 * so). Everything is allocated from the arena. On failure *message says why. */
enum api_err http_request_read(struct arena *a, const struct http_source *src, long max_body,
			       struct http_request *req, const char **message);

/* What a request asks for, by the last segment of its path: /healthz and
 * /metrics, wherever the server mounts them; anything else is GraphQL. */
enum http_endpoint { ENDPOINT_GRAPHQL = 0, ENDPOINT_HEALTHZ, ENDPOINT_METRICS };
enum http_endpoint http_endpoint_of(const char *path);

/* True for a client-chosen request id we may adopt and log: 1-64 characters
 * of [A-Za-z0-9._-]. */
bool http_request_id_ok(const char *id);

/* Fills the GraphQL parameters from the body (POST, application/json) or the
 * query string (GET). Returns API_ERR_BAD_REQUEST with *message for a body
 * that is not a well-formed GraphQL-over-HTTP request, and
 * API_ERR_UNSUPPORTED_MEDIA_TYPE / API_ERR_METHOD_NOT_ALLOWED as they apply. */
enum api_err gql_params_read(struct arena *a, struct http_request *req, const char **message);

/* The request's idempotency fingerprint (SPEC §6): lowercase hex SHA-256
 * over the query text, the variables as canonical JSON (sorted keys, compact)
 * and the operation name, each followed by a NUL byte. */
void gql_params_fingerprint(const struct http_request *req, char out[65]);

/* Decodes application/x-www-form-urlencoded text in place; returns its new
 * length. Invalid escapes are kept as they are. */
size_t url_decode(char *s, size_t len);


#endif
