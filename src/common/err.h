/*
 * err.h - the one error type of Doitong and its mapping to the API.
 *
 * Every fallible function on the request path returns an enum api_err. The
 * values are explicit and append-only; a removed code keeps its number
 * reserved. err.c maps each value to the GraphQL `extensions.code`, the HTTP
 * status and a default message, in switches without a default case so that
 * -Wswitch-enum flags a new value that lacks a mapping.
 */
#ifndef DOITONG_ERR_H
#define DOITONG_ERR_H

enum api_err {
	API_OK = 0,
	API_ERR_BAD_REQUEST = 1,          /* body is not a GraphQL request (JSON, shape, UTF-8) */
	API_ERR_PARSE = 2,                /* GraphQL syntax error */
	API_ERR_VALIDATION = 3,           /* GraphQL validation or variable coercion */
	API_ERR_INVALID_INPUT = 4,        /* a field's argument was refused (field error) */
	API_ERR_UNAUTHENTICATED = 5,
	API_ERR_FORBIDDEN = 6,
	API_ERR_NOT_FOUND = 7,
	API_ERR_INSUFFICIENT_CREDITS = 8,
	API_ERR_RATE_LIMIT = 9,
	API_ERR_PROVIDER_UNAVAILABLE = 10,
	API_ERR_GENERATION_FAILED = 11,
	API_ERR_IDEMPOTENCY_CONFLICT = 12, /* 422: same key, other request */
	API_ERR_IDEMPOTENCY_IN_FLIGHT = 13, /* 409: same key, still executing */
	API_ERR_BODY_TOO_LARGE = 14,
	API_ERR_METHOD_NOT_ALLOWED = 15,
	API_ERR_NOT_ACCEPTABLE = 16,
	API_ERR_UNSUPPORTED_MEDIA_TYPE = 17,
	API_ERR_INTERNAL = 18,
	API_ERR_UNAVAILABLE = 19,         /* database down: 503 */
	API_ERR__COUNT
};

/* The ErrorCode enum value of schema.graphql, e.g. "INSUFFICIENT_CREDITS". */
const char *api_err_code(enum api_err e);

/* The HTTP status a request-level error of this kind answers with. */
int api_err_http(enum api_err e);

/* A default client-facing message. */
const char *api_err_message(enum api_err e);

#endif
