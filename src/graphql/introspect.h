/*
 * introspect.h - the answers of the introspection fields __schema and
 * __type(name:), as JSON that the executor projects by the selection set
 * like any other field's value.
 *
 * The JSON is built once per process from the loaded schema and kept until
 * introspect_free (which gql_schema_free calls). Every named type has one
 * full __Type object carrying all of __Type's fields. A reference to a named
 * type (a field's type, an interface, queryType...) is the short object
 * {kind, name}; the executor swaps it for the full object when it completes a
 * __Type (introspect_type_value), which keeps the JSON finite although types
 * refer to each other in cycles. LIST and NON_NULL wrappers are {kind, name:
 * null, ofType}: their other members are absent and complete as null.
 *
 * Values returned here are borrowed: callers json_incref what they keep.
 */
#ifndef DOITONG_GQL_INTROSPECT_H
#define DOITONG_GQL_INTROSPECT_H

#include <jansson.h>

#include "graphql/ast.h"
#include "graphql/schema.h"

/* The value of __schema (borrowed). Never NULL. */
json_t *introspect_schema(const struct gql_schema *s);

/* The full __Type of the named type (borrowed), or NULL when there is none. */
json_t *introspect_type(const struct gql_schema *s, const char *name);

/* The value of the root introspection field `field` (__schema or __type,
 * with its coerced arguments args), borrowed; JSON null for an unknown
 * __type(name:), NULL when field is neither. */
json_t *introspect_root(const struct gql_schema *s, struct gql_str field, json_t *args);

/* For the executor, about to complete a value of type __Type: a reference to
 * a named type becomes that type's full object; anything else (a wrapper, an
 * object already full) is returned as it is. Borrowed in, borrowed out. */
json_t *introspect_type_value(const struct gql_schema *s, json_t *value);

/* Frees the cached JSON. Safe to call when nothing was built. */
void introspect_free(void);

#endif
