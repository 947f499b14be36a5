/*
 * response.h - the HTTP response: content negotiation, the status chosen by
 * GraphQL over HTTP and SPEC §4, headers, and the JSON envelope. The
 * envelope of every response is built here and nowhere else.
 */
#ifndef DOITONG_HTTP_RESPONSE_H
#define DOITONG_HTTP_RESPONSE_H

#include <stddef.h>
#include <jansson.h>

#include "common/arena.h"
#include "common/err.h"
#include "graphql/exec.h"

enum media {
	MEDIA_JSON = 0,            /* application/json (the default) */
	MEDIA_GRAPHQL_RESPONSE,    /* application/graphql-response+json */
	MEDIA_NONE,                /* nothing acceptable: 406 */
	MEDIA_HTML,                /* the IDE page */
	MEDIA_PROMETHEUS,          /* GET /metrics: the Prometheus text format 0.0.4 */
};

#define RESPONSE_MAX_HEADERS 16

struct http_response {
	int status;
	enum media media;
	const char *names[RESPONSE_MAX_HEADERS];
	const char *values[RESPONSE_MAX_HEADERS];
	int nheaders;
	char *body;
	size_t body_len;
};

/* Picks the response media type from an Accept header (NULL = default). */
enum media http_negotiate(const char *accept);

/* Adds a header; name and value must live until the response is written. */
void response_header(struct http_response *r, const char *name, const char *value);

/* Replaces the value of header name (case-sensitive), or adds it. */
void response_header_set(struct http_response *r, const char *name, const char *value);

/* A request-level error: {"errors":[{message, extensions:{code, ...}}]} with
 * the status api_err_http gives (or 200 for GraphQL request errors under
 * application/json). extra may be NULL. */
void response_error(struct arena *a, struct http_response *r, enum api_err code, const char *message,
		    json_t *extra);

/* Adds the rate-limit headers (and Retry-After on a 429) for res. */
void response_rate_headers(struct arena *a, struct http_response *r, const struct gql_result *res);

/* The response for an executed (or refused) GraphQL request. */
void response_from_result(struct arena *a, struct http_response *r, const struct gql_result *res,
			  const char *request_id);

/* The CGI/FastCGI wire form: "Status: ...\r\nHeader: v\r\n\r\nbody". */
char *response_serialize(struct arena *a, const struct http_response *r, size_t *len);

#endif
