/*
 * ast.h - the GraphQL syntax tree, for executable documents and for the
 * type-system language (SDL) our own schema is written in.
 *
 * Every node is allocated from the request arena; nothing here is freed by
 * hand. Names are slices of the source text (never copies). String values are
 * decoded (escapes, block-string indentation) into the arena. Positions are
 * byte offsets into the source; line and column are computed only when an
 * error is reported (gql_location in parser.h). Sibling nodes form singly
 * linked lists through `next`, in source order.
 */
#ifndef DOITONG_GQL_AST_H
#define DOITONG_GQL_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A slice: ptr points into the source (or the arena for decoded strings).
 * Not NUL-terminated. len == 0 means absent for optional names. */
struct gql_str {
	const char *ptr;
	size_t len;
};

enum gql_value_kind {
	GQL_VAL_VARIABLE = 1, /* text = name without '$' */
	GQL_VAL_INT,          /* text = the literal as written */
	GQL_VAL_FLOAT,        /* text = the literal as written */
	GQL_VAL_STRING,       /* text = decoded UTF-8 (may contain NUL bytes from \u0000) */
	GQL_VAL_BOOLEAN,      /* boolean */
	GQL_VAL_NULL,
	GQL_VAL_ENUM,         /* text = the name */
	GQL_VAL_LIST,         /* items */
	GQL_VAL_OBJECT,       /* fields */
};

struct gql_object_field;

struct gql_value {
	enum gql_value_kind kind;
	uint32_t offset;
	struct gql_str text;
	bool boolean;
	bool block;                        /* string written as a block string */
	struct gql_value *items;           /* GQL_VAL_LIST */
	struct gql_object_field *fields;   /* GQL_VAL_OBJECT */
	struct gql_value *next;            /* next item of the enclosing list */
};

struct gql_object_field {
	struct gql_str name;
	uint32_t offset;
	struct gql_value *value;
	struct gql_object_field *next;
};

struct gql_argument {
	struct gql_str name;
	uint32_t offset;
	struct gql_value *value;
	struct gql_argument *next;
};

struct gql_directive {
	struct gql_str name; /* without '@' */
	uint32_t offset;
	struct gql_argument *args;
	struct gql_directive *next;
};

enum gql_type_kind {
	GQL_TYPE_NAMED = 1, /* name */
	GQL_TYPE_LIST,      /* [of] */
	GQL_TYPE_NON_NULL,  /* of! (of is NAMED or LIST) */
};

struct gql_type {
	enum gql_type_kind kind;
	uint32_t offset;
	struct gql_str name;
	struct gql_type *of;
};

enum gql_selection_kind {
	GQL_SEL_FIELD = 1,
	GQL_SEL_FRAGMENT_SPREAD, /* name = fragment name */
	GQL_SEL_INLINE_FRAGMENT, /* type_condition may be empty */
};

struct gql_selection_set;

struct gql_selection {
	enum gql_selection_kind kind;
	uint32_t offset;
	struct gql_str alias;          /* fields only; empty when there is none */
	struct gql_str name;
	struct gql_argument *args;
	struct gql_directive *directives;
	struct gql_str type_condition; /* inline fragments only */
	struct gql_selection_set *selection_set; /* NULL when absent */
	struct gql_selection *next;
};

struct gql_selection_set {
	uint32_t offset; /* of the '{' */
	struct gql_selection *first;
};

enum gql_operation_kind {
	GQL_OP_QUERY = 1,
	GQL_OP_MUTATION,
	GQL_OP_SUBSCRIPTION,
};

struct gql_variable_def {
	struct gql_str name; /* without '$' */
	uint32_t offset;
	struct gql_type *type;
	struct gql_value *default_value; /* NULL when absent */
	struct gql_directive *directives;
	struct gql_variable_def *next;
	struct gql_str description; /* September 2025 spec; empty when absent */
};

/* A field of an object or interface type (SDL). */
struct gql_input_value_def;
struct gql_field_def {
	struct gql_str description;
	struct gql_str name;
	uint32_t offset;
	struct gql_input_value_def *args;
	struct gql_type *type;
	struct gql_directive *directives;
	struct gql_field_def *next;
};

/* An argument definition or an input-object field (SDL). */
struct gql_input_value_def {
	struct gql_str description;
	struct gql_str name;
	uint32_t offset;
	struct gql_type *type;
	struct gql_value *default_value; /* NULL when absent */
	struct gql_directive *directives;
	struct gql_input_value_def *next;
};

struct gql_enum_value_def {
	struct gql_str description;
	struct gql_str name;
	uint32_t offset;
	struct gql_directive *directives;
	struct gql_enum_value_def *next;
};

/* A list of names: implemented interfaces, union members, directive locations. */
struct gql_name_list {
	struct gql_str name;
	uint32_t offset;
	struct gql_name_list *next;
};

/* Root operation types of a `schema { query: Q mutation: M }` definition. */
struct gql_root_op {
	enum gql_operation_kind operation;
	struct gql_str type_name;
	uint32_t offset;
	struct gql_root_op *next;
};

enum gql_definition_kind {
	GQL_DEF_OPERATION = 1, /* description (not on shorthand), operation, name (may be empty), variables, directives, selection_set */
	GQL_DEF_FRAGMENT,      /* description, name, type_condition, directives, selection_set */
	GQL_DEF_SCHEMA,        /* description, directives, root_ops */
	GQL_DEF_SCALAR,        /* description, name, directives */
	GQL_DEF_OBJECT,        /* description, name, names (implements), directives, fields */
	GQL_DEF_INTERFACE,     /* as OBJECT */
	GQL_DEF_UNION,         /* description, name, directives, names (members) */
	GQL_DEF_ENUM,          /* description, name, directives, enum_values */
	GQL_DEF_INPUT_OBJECT,  /* description, name, directives, input_values (fields) */
	GQL_DEF_DIRECTIVE,     /* description, name, input_values (args), repeatable, names (locations) */
};

struct gql_definition {
	enum gql_definition_kind kind;
	uint32_t offset;
	struct gql_str description;
	struct gql_str name;
	bool extension; /* written as `extend ...` (type-system extensions) */
	/* operations */
	enum gql_operation_kind operation;
	bool shorthand; /* a bare `{ ... }` query */
	struct gql_variable_def *variables;
	/* operations and fragments */
	struct gql_str type_condition;
	struct gql_selection_set *selection_set;
	/* everything */
	struct gql_directive *directives;
	/* type system */
	struct gql_name_list *names;
	struct gql_field_def *fields;
	struct gql_input_value_def *input_values;
	struct gql_enum_value_def *enum_values;
	struct gql_root_op *root_ops;
	bool repeatable;
	struct gql_definition *next;
};

struct gql_document {
	struct gql_definition *first;
	size_t token_count;
};

/* True when the slice equals the NUL-terminated string s. */
static inline bool gql_str_eq(struct gql_str a, const char *s)
{
	size_t i = 0;
	for (; i < a.len; i++)
		if (s[i] == '\0' || s[i] != a.ptr[i])
			return false;
	return s[i] == '\0';
}

static inline bool gql_str_same(struct gql_str a, struct gql_str b)
{
	if (a.len != b.len)
		return false;
	for (size_t i = 0; i < a.len; i++)
		if (a.ptr[i] != b.ptr[i])
			return false;
	return true;
}

#endif
