/*
 * internal.h - what the GraphQL engine's files share and nothing else sees:
 * the per-request execution context and the error helper.
 */
#ifndef DOITONG_GQL_INTERNAL_H
#define DOITONG_GQL_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "common/arena.h"
#include "common/err.h"
#include "graphql/ast.h"
#include "graphql/errors.h"
#include "graphql/exec.h"
#include "graphql/schema.h"

/* Limits of SPEC §2, checked before anything executes. */
#define GQL_MAX_DEPTH 15
#define GQL_MAX_FIELDS 1000
#define GQL_MAX_ALIASES 100
#define GQL_MAX_ERRORS 50
#define GQL_MAX_TOKENS 20000

struct exec_ctx {
	struct arena *a;
	const struct gql_schema *schema;
	const struct gql_env *env;
	const char *src;
	size_t len;
	struct gql_document *doc;
	const struct gql_definition *op;
	json_t *vars;   /* coerced variable values */
	json_t *errors; /* the response's errors array */
	enum api_err fatal;
};

/* Appends an error (message printf-style) with a location and path. */
void exec_error(struct exec_ctx *c, enum api_err code, uint32_t offset,
		const struct gql_path *path, json_t *extra, const char *fmt, ...)
	PRINTF_LIKE(6, 7);

/* Validates the whole document against the schema (request errors only).
 * Returns true when valid; otherwise the errors are in c->errors. */
bool gql_validate(struct exec_ctx *c);

/* The fragment definition named name, or NULL. */
const struct gql_definition *exec_fragment(const struct exec_ctx *c, struct gql_str name);

#endif
