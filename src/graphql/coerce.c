/*
 * coerce.c - literal and variable coercion against the schema's input types.
 *
 * Built-in scalars follow the specification: Int is a 32-bit signed integer,
 * Float a finite number (an Int literal is accepted), String and Boolean only
 * from their own kinds, ID from a string or an integer (as a string). The
 * custom scalar JSON accepts any value; DateTime a string.
 */
#include "graphql/coerce.h"

#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "graphql/errors.h"

#define COERCE_MAX_DEPTH 32

static void fail(struct coerce_error *err, uint32_t offset, const char *fmt, ...)
	PRINTF_LIKE(3, 4);

static void fail(struct coerce_error *err, uint32_t offset, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	err->offset = offset;
}

void gql_type_print(const struct gql_type *t, char *buf, size_t len)
{
	if (!len)
		return;
	buf[0] = '\0';
	if (!t)
		return;
	switch (t->kind) {
	case GQL_TYPE_NAMED:
		snprintf(buf, len, "%.*s", (int)t->name.len, t->name.ptr);
		return;
	case GQL_TYPE_LIST: {
		char inner[128];
		gql_type_print(t->of, inner, sizeof inner);
		snprintf(buf, len, "[%s]", inner);
		return;
	}
	case GQL_TYPE_NON_NULL: {
		char inner[128];
		gql_type_print(t->of, inner, sizeof inner);
		snprintf(buf, len, "%s!", inner);
		return;
	}
	}
}

/* A short rendering of a literal for messages. */
static void literal_print(const struct gql_value *v, char *buf, size_t len)
{
	switch (v->kind) {
	case GQL_VAL_VARIABLE: snprintf(buf, len, "$%.*s", (int)v->text.len, v->text.ptr); return;
	case GQL_VAL_INT:
	case GQL_VAL_FLOAT:
	case GQL_VAL_ENUM: snprintf(buf, len, "%.*s", (int)v->text.len, v->text.ptr); return;
	case GQL_VAL_STRING: snprintf(buf, len, "\"%.*s\"", (int)(v->text.len > 40 ? 40 : v->text.len), v->text.ptr); return;
	case GQL_VAL_BOOLEAN: snprintf(buf, len, "%s", v->boolean ? "true" : "false"); return;
	case GQL_VAL_NULL: snprintf(buf, len, "null"); return;
	case GQL_VAL_LIST: snprintf(buf, len, "[...]"); return;
	case GQL_VAL_OBJECT: snprintf(buf, len, "{...}"); return;
	}
	snprintf(buf, len, "?");
}

/* literal_print into buf, returning buf: used only on error paths, so a
 * valid document never pays for formatting. */
static const char *show(const struct gql_value *v, char buf[96])
{
	literal_print(v, buf, 96);
	return buf;
}

static json_t *literal_to_json(const struct gql_value *v, json_t *vars, int depth);

static json_t *literal_to_json(const struct gql_value *v, json_t *vars, int depth)
{
	if (depth > COERCE_MAX_DEPTH)
		return json_null();
	switch (v->kind) {
	case GQL_VAL_VARIABLE: {
		if (!vars)
			return json_null();
		char name[256];
		snprintf(name, sizeof name, "%.*s", (int)v->text.len, v->text.ptr);
		json_t *x = json_object_get(vars, name);
		return x ? json_incref(x) : json_null();
	}
	case GQL_VAL_INT: {
		char buf[64];
		snprintf(buf, sizeof buf, "%.*s", (int)v->text.len, v->text.ptr);
		errno = 0;
		long long n = strtoll(buf, NULL, 10);
		if (errno)
			return json_real(strtod(buf, NULL));
		return json_integer(n);
	}
	case GQL_VAL_FLOAT: {
		char buf[128];
		snprintf(buf, sizeof buf, "%.*s", (int)v->text.len, v->text.ptr);
		return json_real(strtod(buf, NULL));
	}
	case GQL_VAL_STRING:
	case GQL_VAL_ENUM: return json_stringn(v->text.ptr, v->text.len);
	case GQL_VAL_BOOLEAN: return json_boolean(v->boolean);
	case GQL_VAL_NULL: return json_null();
	case GQL_VAL_LIST: {
		json_t *arr = json_array();
		for (const struct gql_value *i = v->items; i; i = i->next)
			json_array_append_new(arr, literal_to_json(i, vars, depth + 1));
		return arr;
	}
	case GQL_VAL_OBJECT: {
		json_t *obj = json_object();
		for (const struct gql_object_field *f = v->fields; f; f = f->next)
			json_object_setn_new(obj, f->name.ptr, f->name.len, literal_to_json(f->value, vars, depth + 1));
		return obj;
	}
	}
	return json_null();
}

/* Coerces a built-in or custom scalar literal. */
static json_t *scalar_literal(const struct gql_definition *def, const struct gql_value *v,
			      struct coerce_error *err)
{
	char shown[96]; /* filled only when an error is reported */
	struct gql_str name = def->name;
	if (gql_str_eq(name, "JSON"))
		return literal_to_json(v, NULL, 0);
	if (gql_str_eq(name, "Int")) {
		if (v->kind == GQL_VAL_INT) {
			char buf[64];
			snprintf(buf, sizeof buf, "%.*s", (int)v->text.len, v->text.ptr);
			errno = 0;
			long long n = strtoll(buf, NULL, 10);
			if (!errno && n >= INT32_MIN && n <= INT32_MAX)
				return json_integer(n);
			fail(err, v->offset, "Int cannot represent non 32-bit signed integer value: %s", show(v, shown));
			return NULL;
		}
		fail(err, v->offset, "Int cannot represent non-integer value: %s", show(v, shown));
		return NULL;
	}
	if (gql_str_eq(name, "Float")) {
		if (v->kind == GQL_VAL_INT || v->kind == GQL_VAL_FLOAT) {
			json_t *x = literal_to_json(v, NULL, 0);
			double d = json_number_value(x);
			json_decref(x);
			if (isfinite(d))
				return json_real(d);
		}
		fail(err, v->offset, "Float cannot represent non numeric value: %s", show(v, shown));
		return NULL;
	}
	if (gql_str_eq(name, "String") || gql_str_eq(name, "DateTime")) {
		if (v->kind == GQL_VAL_STRING)
			return json_stringn(v->text.ptr, v->text.len);
		fail(err, v->offset, "%.*s cannot represent a non string value: %s", (int)name.len, name.ptr, show(v, shown));
		return NULL;
	}
	if (gql_str_eq(name, "Boolean")) {
		if (v->kind == GQL_VAL_BOOLEAN)
			return json_boolean(v->boolean);
		fail(err, v->offset, "Boolean cannot represent a non boolean value: %s", show(v, shown));
		return NULL;
	}
	if (gql_str_eq(name, "ID")) {
		if (v->kind == GQL_VAL_STRING || v->kind == GQL_VAL_INT)
			return json_stringn(v->text.ptr, v->text.len);
		fail(err, v->offset, "ID cannot represent a non-string and non-integer value: %s", show(v, shown));
		return NULL;
	}
	fail(err, v->offset, "Unknown scalar type \"%.*s\".", (int)name.len, name.ptr);
	return NULL;
}

json_t *coerce_literal(const struct gql_schema *s, const struct gql_type *type,
		       const struct gql_value *v, json_t *vars, struct coerce_error *err)
{
	char tname[160];
	if (v->kind == GQL_VAL_VARIABLE) {
		if (!vars)
			return json_null();
		char name[256];
		snprintf(name, sizeof name, "%.*s", (int)v->text.len, v->text.ptr);
		json_t *x = json_object_get(vars, name);
		if (!x) {
			/* Absent variable: absent value, unless the position is non-null. */
			if (type->kind == GQL_TYPE_NON_NULL) {
				gql_type_print(type, tname, sizeof tname);
				fail(err, v->offset, "Variable \"$%s\" of required type \"%s\" was not provided.", name, tname);
				return NULL;
			}
			return NULL;
		}
		return json_incref(x);
	}
	if (type->kind == GQL_TYPE_NON_NULL) {
		if (v->kind == GQL_VAL_NULL) {
			gql_type_print(type, tname, sizeof tname);
			fail(err, v->offset, "Expected value of type \"%s\", found null.", tname);
			return NULL;
		}
		return coerce_literal(s, type->of, v, vars, err);
	}
	if (v->kind == GQL_VAL_NULL)
		return json_null();
	if (type->kind == GQL_TYPE_LIST) {
		json_t *arr = json_array();
		if (v->kind != GQL_VAL_LIST) {
			json_t *one = coerce_literal(s, type->of, v, vars, err);
			if (!one) {
				json_decref(arr);
				return NULL;
			}
			json_array_append_new(arr, one);
			return arr;
		}
		for (const struct gql_value *i = v->items; i; i = i->next) {
			json_t *x = coerce_literal(s, type->of, i, vars, err);
			if (!x) {
				if (i->kind == GQL_VAL_VARIABLE && err->message[0] == '\0')
					x = json_null(); /* absent variable inside a list is null */
				else {
					json_decref(arr);
					return NULL;
				}
			}
			json_array_append_new(arr, x);
		}
		return arr;
	}

	const struct gql_definition *def = gql_schema_type(s, type->name);
	if (!def) {
		fail(err, v->offset, "Unknown type \"%.*s\".", (int)type->name.len, type->name.ptr);
		return NULL;
	}
	char shown[96]; /* filled only when an error is reported */
	switch (def->kind) {
	case GQL_DEF_SCALAR:
		return scalar_literal(def, v, err);
	case GQL_DEF_ENUM:
		if (v->kind == GQL_VAL_ENUM && gql_schema_enum_has(def, v->text))
			return json_stringn(v->text.ptr, v->text.len);
		if (v->kind == GQL_VAL_ENUM)
			fail(err, v->offset, "Value \"%.*s\" does not exist in \"%.*s\" enum.", (int)v->text.len,
			     v->text.ptr, (int)def->name.len, def->name.ptr);
		else
			fail(err, v->offset, "Enum \"%.*s\" cannot represent non-enum value: %s.",
			     (int)def->name.len, def->name.ptr, show(v, shown));
		return NULL;
	case GQL_DEF_INPUT_OBJECT: {
		if (v->kind != GQL_VAL_OBJECT) {
			fail(err, v->offset, "Expected value of type \"%.*s\", found %s.", (int)def->name.len,
			     def->name.ptr, show(v, shown));
			return NULL;
		}
		for (const struct gql_object_field *f = v->fields; f; f = f->next) {
			if (!gql_schema_input_value(def->input_values, f->name)) {
				fail(err, f->offset, "Field \"%.*s\" is not defined by type \"%.*s\".",
				     (int)f->name.len, f->name.ptr, (int)def->name.len, def->name.ptr);
				return NULL;
			}
			for (const struct gql_object_field *g = v->fields; g != f; g = g->next)
				if (gql_str_same(g->name, f->name)) {
					fail(err, f->offset, "There can be only one input field named \"%.*s\".",
					     (int)f->name.len, f->name.ptr);
					return NULL;
				}
		}
		json_t *obj = json_object();
		for (const struct gql_input_value_def *fd = def->input_values; fd; fd = fd->next) {
			const struct gql_object_field *given = NULL;
			for (const struct gql_object_field *f = v->fields; f; f = f->next)
				if (gql_str_same(f->name, fd->name))
					given = f;
			json_t *x = NULL;
			err->message[0] = '\0';
			if (given)
				x = coerce_literal(s, fd->type, given->value, vars, err);
			if (!x && err->message[0]) {
				json_decref(obj);
				return NULL;
			}
			if (!x && fd->default_value)
				x = coerce_literal(s, fd->type, fd->default_value, NULL, err);
			if (!x && fd->type->kind == GQL_TYPE_NON_NULL) {
				gql_type_print(fd->type, tname, sizeof tname);
				fail(err, v->offset, "Field \"%.*s.%.*s\" of required type \"%s\" was not provided.",
				     (int)def->name.len, def->name.ptr, (int)fd->name.len, fd->name.ptr, tname);
				json_decref(obj);
				return NULL;
			}
			if (x)
				json_object_setn_new(obj, fd->name.ptr, fd->name.len, x);
		}
		return obj;
	}
	case GQL_DEF_OPERATION:
	case GQL_DEF_FRAGMENT:
	case GQL_DEF_SCHEMA:
	case GQL_DEF_OBJECT:
	case GQL_DEF_INTERFACE:
	case GQL_DEF_UNION:
	case GQL_DEF_DIRECTIVE:
		break;
	}
	fail(err, v->offset, "Type \"%.*s\" is not an input type.", (int)def->name.len, def->name.ptr);
	return NULL;
}

static json_t *scalar_json(const struct gql_definition *def, json_t *value, const char *what,
			   struct coerce_error *err)
{
	struct gql_str name = def->name;
	if (gql_str_eq(name, "JSON"))
		return json_incref(value);
	if (gql_str_eq(name, "Int")) {
		double d = json_number_value(value);
		if (json_is_integer(value) && json_integer_value(value) >= INT32_MIN &&
		    json_integer_value(value) <= INT32_MAX)
			return json_incref(value);
		if (json_is_real(value) && d == floor(d) && d >= INT32_MIN && d <= INT32_MAX)
			return json_integer((json_int_t)d);
		fail(err, GQL_NO_LOCATION, "Variable \"%s\" got invalid value; Int cannot represent non-integer or non 32-bit value.", what);
		return NULL;
	}
	if (gql_str_eq(name, "Float")) {
		if (json_is_number(value))
			return json_real(json_number_value(value));
		fail(err, GQL_NO_LOCATION, "Variable \"%s\" got invalid value; Float cannot represent non numeric value.", what);
		return NULL;
	}
	if (gql_str_eq(name, "String") || gql_str_eq(name, "DateTime")) {
		if (json_is_string(value))
			return json_incref(value);
		fail(err, GQL_NO_LOCATION, "Variable \"%s\" got invalid value; %.*s cannot represent a non string value.",
		     what, (int)name.len, name.ptr);
		return NULL;
	}
	if (gql_str_eq(name, "Boolean")) {
		if (json_is_boolean(value))
			return json_incref(value);
		fail(err, GQL_NO_LOCATION, "Variable \"%s\" got invalid value; Boolean cannot represent a non boolean value.", what);
		return NULL;
	}
	if (gql_str_eq(name, "ID")) {
		if (json_is_string(value))
			return json_incref(value);
		if (json_is_integer(value))
			return json_sprintf("%" JSON_INTEGER_FORMAT, json_integer_value(value));
		fail(err, GQL_NO_LOCATION, "Variable \"%s\" got invalid value; ID cannot represent value.", what);
		return NULL;
	}
	fail(err, GQL_NO_LOCATION, "Unknown scalar type \"%.*s\".", (int)name.len, name.ptr);
	return NULL;
}

static json_t *coerce_json_at(const struct gql_schema *s, const struct gql_type *type, json_t *value,
			      const char *what, struct coerce_error *err, int depth)
{
	char tname[160];
	if (depth > COERCE_MAX_DEPTH) {
		fail(err, GQL_NO_LOCATION, "Variable \"%s\" is nested too deeply.", what);
		return NULL;
	}
	if (type->kind == GQL_TYPE_NON_NULL) {
		if (json_is_null(value)) {
			gql_type_print(type, tname, sizeof tname);
			fail(err, GQL_NO_LOCATION, "Variable \"%s\" of non-null type \"%s\" must not be null.", what, tname);
			return NULL;
		}
		return coerce_json_at(s, type->of, value, what, err, depth + 1);
	}
	if (json_is_null(value))
		return json_null();
	if (type->kind == GQL_TYPE_LIST) {
		json_t *arr = json_array();
		if (!json_is_array(value)) {
			json_t *one = coerce_json_at(s, type->of, value, what, err, depth + 1);
			if (!one) {
				json_decref(arr);
				return NULL;
			}
			json_array_append_new(arr, one);
			return arr;
		}
		size_t i;
		json_t *item;
		json_array_foreach(value, i, item) {
			json_t *x = coerce_json_at(s, type->of, item, what, err, depth + 1);
			if (!x) {
				json_decref(arr);
				return NULL;
			}
			json_array_append_new(arr, x);
		}
		return arr;
	}
	const struct gql_definition *def = gql_schema_type(s, type->name);
	if (!def) {
		fail(err, GQL_NO_LOCATION, "Unknown type \"%.*s\".", (int)type->name.len, type->name.ptr);
		return NULL;
	}
	switch (def->kind) {
	case GQL_DEF_SCALAR:
		return scalar_json(def, value, what, err);
	case GQL_DEF_ENUM:
		if (json_is_string(value)) {
			struct gql_str v = { json_string_value(value), json_string_length(value) };
			if (gql_schema_enum_has(def, v))
				return json_incref(value);
			fail(err, GQL_NO_LOCATION, "Variable \"%s\" got invalid value \"%.60s\"; Value \"%.60s\" does not exist in \"%.*s\" enum.",
			     what, v.ptr, v.ptr, (int)def->name.len, def->name.ptr);
			return NULL;
		}
		fail(err, GQL_NO_LOCATION, "Variable \"%s\" got invalid value; Enum \"%.*s\" cannot represent non-string value.",
		     what, (int)def->name.len, def->name.ptr);
		return NULL;
	case GQL_DEF_INPUT_OBJECT: {
		if (!json_is_object(value)) {
			fail(err, GQL_NO_LOCATION, "Variable \"%s\" got invalid value; Expected type \"%.*s\" to be an object.",
			     what, (int)def->name.len, def->name.ptr);
			return NULL;
		}
		const char *key;
		json_t *item;
		json_object_foreach(value, key, item) {
			struct gql_str k = { key, strlen(key) };
			if (!gql_schema_input_value(def->input_values, k)) {
				fail(err, GQL_NO_LOCATION, "Variable \"%s\" got invalid value; Field \"%.60s\" is not defined by type \"%.*s\".",
				     what, key, (int)def->name.len, def->name.ptr);
				return NULL;
			}
		}
		json_t *obj = json_object();
		for (const struct gql_input_value_def *fd = def->input_values; fd; fd = fd->next) {
			char fname[128];
			snprintf(fname, sizeof fname, "%.*s", (int)fd->name.len, fd->name.ptr);
			json_t *given = json_object_get(value, fname);
			json_t *x = NULL;
			if (given) {
				char sub[256];
				snprintf(sub, sizeof sub, "%s.%s", what, fname);
				x = coerce_json_at(s, fd->type, given, sub, err, depth + 1);
				if (!x) {
					json_decref(obj);
					return NULL;
				}
			} else if (fd->default_value) {
				x = coerce_literal(s, fd->type, fd->default_value, NULL, err);
			} else if (fd->type->kind == GQL_TYPE_NON_NULL) {
				gql_type_print(fd->type, tname, sizeof tname);
				fail(err, GQL_NO_LOCATION, "Variable \"%s\" got invalid value; Field \"%s\" of required type \"%s\" was not provided.",
				     what, fname, tname);
				json_decref(obj);
				return NULL;
			}
			if (x)
				json_object_set_new(obj, fname, x);
		}
		return obj;
	}
	case GQL_DEF_OPERATION:
	case GQL_DEF_FRAGMENT:
	case GQL_DEF_SCHEMA:
	case GQL_DEF_OBJECT:
	case GQL_DEF_INTERFACE:
	case GQL_DEF_UNION:
	case GQL_DEF_DIRECTIVE:
		break;
	}
	fail(err, GQL_NO_LOCATION, "Variable \"%s\" has a type that is not an input type.", what);
	return NULL;
}

json_t *coerce_json(const struct gql_schema *s, const struct gql_type *type, json_t *value,
		    const char *what, struct coerce_error *err)
{
	err->message[0] = '\0';
	return coerce_json_at(s, type, value, what, err, 0);
}
