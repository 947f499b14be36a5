/*
 * exec.h - runs one GraphQL request: parse, choose the operation, validate,
 * coerce variables, resolve root fields through stored functions, and shape
 * their JSON results by the selection sets.
 *
 * The result is either a request error (nothing executed: `data` absent) or
 * an execution result (`data` present, maybe with field errors). Errors that
 * must stop the whole request whatever the field (unauthenticated, database
 * unavailable, internal) are reported in `fatal` so that the HTTP layer can
 * answer with their status.
 */
#ifndef DOITONG_GQL_EXEC_H
#define DOITONG_GQL_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "common/arena.h"
#include "common/err.h"
#include "db/db.h"

struct gql_request {
	const char *query;
	size_t query_len;
	json_t *variables;          /* object or NULL */
	const char *operation_name; /* NULL when absent */
	bool read_only;             /* GET: mutations are refused with 405 */
};

struct gql_env {
	struct db *db;
	const char *key_hash; /* hex SHA-256 of the caller's key */
	const char *request_id;
};

struct gql_result {
	json_t *errors;       /* array, possibly empty; owned by the arena */
	json_t *data;         /* NULL = absent (request error); owned by the arena */
	enum api_err fatal;   /* API_OK, or the error that decides the HTTP status */
	const char *operation; /* the executed operation's name or its first root field, for logs */
	bool is_mutation;
};

/* Runs the request. Never fails: problems are in result->errors / fatal. */
void gql_execute(struct arena *a, const struct gql_env *env, const struct gql_request *req,
		 struct gql_result *result);

#endif
