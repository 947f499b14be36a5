/*
 * exec.h - runs one GraphQL request: parse, choose the operation, validate,
 * coerce variables, resolve the root fields, and shape their JSON results by
 * the selection sets.
 *
 * Every request is ONE call to api.execute, which authenticates, counts the
 * request against the rate limits, applies idempotency and runs all root
 * fields in one transaction (a request that fails validation still makes the
 * call, with no fields, so that it is authenticated and counted).
 *
 * The result is either a request error (nothing executed: `data` absent) or
 * an execution result (`data` present, maybe with field errors). Errors that
 * stop the whole request (unauthenticated, rate limited, idempotency
 * conflicts, database unavailable, internal) are reported in `fatal` so that
 * the HTTP layer can answer with their status and headers.
 */
#ifndef DOITONG_GQL_EXEC_H
#define DOITONG_GQL_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "common/arena.h"
#include "common/err.h"
#include "db/db.h"
#include "webhooks/secret.h"

struct gql_request {
	const char *query;
	size_t query_len;
	json_t *variables;          /* object or NULL */
	const char *operation_name; /* NULL when absent */
	bool read_only;             /* GET: mutations are refused with 405 */
};

struct gql_env {
	struct db *db;
	const char *key_hash;        /* hex SHA-256 of the caller's key */
	const char *request_id;
	const char *idempotency_key; /* the header, or NULL; used for mutations only */
	const char *fingerprint;     /* hex SHA-256 of query, variables, operationName;
				      * NULL without an Idempotency-Key */
	const char *persist_sha;     /* APQ: store the query under this hash, or NULL */
	bool allow_private_urls;     /* the operator allows http and private addresses (SPEC §9) */
	bool allow_loopback_urls;    /* http and loopback only (the test stack's 127.0.0.1) */
	const struct secret_key *webhook_key; /* seals rotateWebhookSecret's new secret; NULL = none */
};

struct gql_result {
	json_t *errors;       /* array, possibly empty; owned by the arena */
	json_t *data;         /* NULL = absent (request error); owned by the arena */
	enum api_err fatal;   /* API_OK, or the error that decides the HTTP status */
	json_t *fatal_detail; /* the fatal error's details (e.g. rate-limit scope), or NULL */
	json_t *rate;         /* api.execute's rate-limit figures, or NULL if it did not answer */
	bool replayed;        /* an idempotent replay of a stored response */
	const char *operation; /* the executed operation's name or its first root field, for logs */
	const char *root_field; /* the first root field of the executed operation, or NULL */
	bool is_mutation;
};

/* Runs the request. Never fails: problems are in result->errors / fatal. */
void gql_execute(struct arena *a, const struct gql_env *env, const struct gql_request *req,
		 struct gql_result *result);

/* Authenticates and counts a request that never reached GraphQL (a bad
 * body, say): api.execute with no fields. Fills result->rate, and fatal when
 * the key is refused or the limits are hit. */
void gql_touch(struct arena *a, const struct gql_env *env, struct gql_result *result);

#endif
