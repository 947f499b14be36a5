/*
 * coerce.h - input coercion (GraphQL spec §3.5-3.10, §6.1.2, §6.4.1):
 * argument literals, variable values and default values into JSON, checked
 * against the schema's input types.
 *
 * Results are new jansson references. On failure the functions return NULL
 * and describe the first problem in *err (message, and the byte offset of the
 * offending literal, or GQL_NO_LOCATION for variable values).
 */
#ifndef DOITONG_GQL_COERCE_H
#define DOITONG_GQL_COERCE_H

#include <stdint.h>
#include <jansson.h>

#include "graphql/ast.h"
#include "graphql/schema.h"

struct coerce_error {
	uint32_t offset;
	char message[384];
};

/*
 * Coerces a literal to type. vars is the object of coerced variable values;
 * a variable absent from it makes an input-object field absent. With vars
 * NULL (validation), variable references are accepted unchecked and the
 * result is only a placeholder.
 */
json_t *coerce_literal(const struct gql_schema *s, const struct gql_type *type,
		       const struct gql_value *v, json_t *vars, struct coerce_error *err);

/* Coerces a JSON variable value (from the request's `variables`) to type.
 * what names the variable in messages, e.g. "$input". */
json_t *coerce_json(const struct gql_schema *s, const struct gql_type *type,
		    json_t *value, const char *what, struct coerce_error *err);

/* Writes the type as GraphQL text ("[String!]!") into buf. */
void gql_type_print(const struct gql_type *t, char *buf, size_t len);

#endif
