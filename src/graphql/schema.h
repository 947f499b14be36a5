/*
 * schema.h - the public schema, loaded once per process from the SDL text
 * compiled into the binary (src/graphql/schema.graphql), plus the table that
 * binds root fields to the stored functions that resolve them.
 *
 * The schema lives for the whole process in its own arena; lookups return
 * pointers into its syntax tree. It includes the introspection types
 * (introspection.graphql); introspect.h turns it into __schema's JSON.
 */
#ifndef DOITONG_GQL_SCHEMA_H
#define DOITONG_GQL_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "graphql/ast.h"

struct gql_schema;

/* How a root field is answered: the stored function and the order in which
 * the field's arguments become its text parameters (after the key hash). */
struct gql_resolver {
	const char *type;     /* "Query" or "Mutation" */
	const char *field;
	const char *function; /* e.g. "api.generate" */
	const char *args[4];  /* argument names, NULL-terminated */
};

/* Loads the schema on first use; returns NULL only if the embedded SDL does
 * not parse (a build defect, logged). Not thread-safe on first call. */
const struct gql_schema *gql_schema_get(void);

/* Frees the loaded schema (for leak checkers at shutdown). */
void gql_schema_free(void);

/* The type named `name` (object, input, enum, scalar, built-in scalar), or NULL. */
const struct gql_definition *gql_schema_type(const struct gql_schema *s, struct gql_str name);
const struct gql_definition *gql_schema_type_cstr(const struct gql_schema *s, const char *name);

/* The i-th named type (built-in scalars, then schema.graphql, then the
 * introspection types, in source order), or NULL when i is past the end. */
const struct gql_definition *gql_schema_type_at(const struct gql_schema *s, size_t i);

/* The i-th directive definition (the built-in ones of introspection.graphql
 * and any the schema declares), or NULL when i is past the end. */
const struct gql_definition *gql_schema_directive_at(const struct gql_schema *s, size_t i);

/* The description of the schema definition; empty when there is none. */
struct gql_str gql_schema_description(const struct gql_schema *s);

/* The root type for an operation kind, or NULL (no subscriptions). */
const struct gql_definition *gql_schema_root(const struct gql_schema *s, enum gql_operation_kind op);

/* A field of an object type, an argument of a field, an input-object field.
 * On the query root, gql_schema_field also answers the implicit __schema and
 * __type fields, which are not in the type's own field list. */
const struct gql_field_def *gql_schema_field(const struct gql_definition *type, struct gql_str name);
const struct gql_input_value_def *gql_schema_input_value(const struct gql_input_value_def *list,
							 struct gql_str name);

/* True when the enum type has the value. */
bool gql_schema_enum_has(const struct gql_definition *enum_type, struct gql_str value);

/* The resolver for a root field, or NULL when the field has none yet. */
const struct gql_resolver *gql_schema_resolver(const struct gql_definition *root, struct gql_str field);

/* The named type at the core of a wrapped type ([Foo!]! -> Foo). */
const struct gql_type *gql_type_core(const struct gql_type *t);

/* True for scalars and enums (no selection set allowed). */
bool gql_type_is_leaf(const struct gql_definition *def);

/* True for types allowed as variable and argument types. */
bool gql_type_is_input(const struct gql_definition *def);

#endif
