/*
 * introspect.c - builds the JSON of __schema and of every __Type from the
 * loaded schema (see introspect.h for the shape and the reference trick).
 *
 * Built on first use and cached for the life of the process: the schema is
 * immutable, so every request projects the same JSON. Descriptions come from
 * the SDL (block strings are already decoded by the parser); default values
 * are printed back as GraphQL literals ("BALANCED", "20", "\"text\"").
 *
 * The includeDeprecated arguments are not consulted: every field, argument,
 * input field and enum value is listed. That is exact while the schema
 * deprecates nothing (test_introspect.c checks that it does not); if it ever
 * does, the executor has to pass those arguments down to a filter here.
 */
#include "graphql/introspect.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

static struct {
	const struct gql_schema *schema; /* the schema the cache describes */
	json_t *types;                   /* type name -> full __Type */
	json_t *root;                    /* the value of __schema */
} cache;

/* Aborts on a NULL from jansson (it fails only when out of memory). */
static json_t *must(json_t *j)
{
	if (!j)
		oom_abort();
	return j;
}

static void put(json_t *obj, const char *key, json_t *value)
{
	if (json_object_set_new(obj, key, must(value)))
		oom_abort();
}

static json_t *str_or_null(struct gql_str s)
{
	return s.len ? must(json_stringn(s.ptr, s.len)) : json_null();
}

static const struct gql_directive *find_directive(const struct gql_directive *d, const char *name)
{
	for (; d; d = d->next)
		if (gql_str_eq(d->name, name))
			return d;
	return NULL;
}

/* The string value of a directive's argument, or NULL. */
static const struct gql_value *directive_arg(const struct gql_directive *d, const char *name)
{
	for (const struct gql_argument *a = d ? d->args : NULL; a; a = a->next)
		if (gql_str_eq(a->name, name) && a->value->kind == GQL_VAL_STRING)
			return a->value;
	return NULL;
}

static const char *kind_name(const struct gql_definition *def)
{
	switch (def->kind) {
	case GQL_DEF_SCALAR: return "SCALAR";
	case GQL_DEF_OBJECT: return "OBJECT";
	case GQL_DEF_INTERFACE: return "INTERFACE";
	case GQL_DEF_UNION: return "UNION";
	case GQL_DEF_ENUM: return "ENUM";
	case GQL_DEF_INPUT_OBJECT: return "INPUT_OBJECT";
	case GQL_DEF_OPERATION:
	case GQL_DEF_FRAGMENT:
	case GQL_DEF_SCHEMA:
	case GQL_DEF_DIRECTIVE:
		break;
	}
	return "SCALAR"; /* not a type; never in the type table */
}

/* A reference to a named type: {kind, name}. */
static json_t *named_ref(const struct gql_definition *def)
{
	json_t *o = must(json_object());
	put(o, "kind", json_string(kind_name(def)));
	put(o, "name", str_or_null(def->name));
	return o;
}

/* A reference to a possibly wrapped type: wrappers down to a named ref. */
static json_t *type_ref(const struct gql_schema *s, const struct gql_type *t)
{
	if (t->kind == GQL_TYPE_NAMED) {
		const struct gql_definition *def = gql_schema_type(s, t->name);
		json_t *o = must(json_object());
		put(o, "kind", json_string(def ? kind_name(def) : "SCALAR"));
		put(o, "name", str_or_null(t->name));
		return o;
	}
	json_t *o = must(json_object());
	put(o, "kind", json_string(t->kind == GQL_TYPE_LIST ? "LIST" : "NON_NULL"));
	put(o, "name", json_null());
	put(o, "ofType", type_ref(s, t->of));
	return o;
}

/* isDeprecated and deprecationReason from an element's directives. */
static void put_deprecation(json_t *o, const struct gql_directive *dirs)
{
	const struct gql_directive *d = find_directive(dirs, "deprecated");
	const struct gql_value *reason = directive_arg(d, "reason");
	put(o, "isDeprecated", json_boolean(d != NULL));
	if (reason)
		put(o, "deprecationReason", str_or_null(reason->text));
	else
		put(o, "deprecationReason", d ? json_string("No longer supported") : json_null());
}

/* ---------- default values, printed as GraphQL literals ---------- */

struct text {
	char *p;
	size_t len, cap;
};

static void text_put(struct text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		t->p = xrealloc(t->p, t->cap);
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = '\0';
}

static void text_puts(struct text *t, const char *s)
{
	text_put(t, s, strlen(s));
}

static void print_value(struct text *t, const struct gql_value *v)
{
	switch (v->kind) {
	case GQL_VAL_VARIABLE:
		text_puts(t, "$");
		text_put(t, v->text.ptr, v->text.len);
		break;
	case GQL_VAL_INT:
	case GQL_VAL_FLOAT:
	case GQL_VAL_ENUM:
		text_put(t, v->text.ptr, v->text.len);
		break;
	case GQL_VAL_STRING: {
		/* JSON's string escapes are a subset of GraphQL's. */
		json_t *j = must(json_stringn(v->text.ptr, v->text.len));
		char *q = json_dumps(j, JSON_ENCODE_ANY);
		json_decref(j);
		if (!q)
			oom_abort();
		text_puts(t, q);
		free(q);
		break;
	}
	case GQL_VAL_BOOLEAN:
		text_puts(t, v->boolean ? "true" : "false");
		break;
	case GQL_VAL_NULL:
		text_puts(t, "null");
		break;
	case GQL_VAL_LIST:
		text_puts(t, "[");
		for (const struct gql_value *i = v->items; i; i = i->next) {
			print_value(t, i);
			if (i->next)
				text_puts(t, ", ");
		}
		text_puts(t, "]");
		break;
	case GQL_VAL_OBJECT:
		text_puts(t, "{");
		for (const struct gql_object_field *f = v->fields; f; f = f->next) {
			text_put(t, f->name.ptr, f->name.len);
			text_puts(t, ": ");
			print_value(t, f->value);
			if (f->next)
				text_puts(t, ", ");
		}
		text_puts(t, "}");
		break;
	}
}

static json_t *default_value(const struct gql_value *v)
{
	if (!v)
		return json_null();
	struct text t = { NULL, 0, 0 };
	print_value(&t, v);
	json_t *j = must(json_stringn(t.p, t.len));
	free(t.p);
	return j;
}

/* ---------- the introspection objects ---------- */

/* An __InputValue. */
static json_t *input_value(const struct gql_schema *s, const struct gql_input_value_def *v)
{
	json_t *o = must(json_object());
	put(o, "name", str_or_null(v->name));
	put(o, "description", str_or_null(v->description));
	put(o, "type", type_ref(s, v->type));
	put(o, "defaultValue", default_value(v->default_value));
	put_deprecation(o, v->directives);
	return o;
}

static json_t *input_values(const struct gql_schema *s, const struct gql_input_value_def *list)
{
	json_t *a = must(json_array());
	for (; list; list = list->next)
		json_array_append_new(a, input_value(s, list));
	return a;
}

/* An __Field. */
static json_t *field(const struct gql_schema *s, const struct gql_field_def *f)
{
	json_t *o = must(json_object());
	put(o, "name", str_or_null(f->name));
	put(o, "description", str_or_null(f->description));
	put(o, "args", input_values(s, f->args));
	put(o, "type", type_ref(s, f->type));
	put_deprecation(o, f->directives);
	return o;
}

/* References to the types of a name list (interfaces, union members). */
static json_t *name_refs(const struct gql_schema *s, const struct gql_name_list *names)
{
	json_t *a = must(json_array());
	for (; names; names = names->next) {
		const struct gql_definition *def = gql_schema_type(s, names->name);
		if (def)
			json_array_append_new(a, named_ref(def));
	}
	return a;
}

/* The object types that implement the interface iface. */
static json_t *implementations(const struct gql_schema *s, const struct gql_definition *iface)
{
	json_t *a = must(json_array());
	const struct gql_definition *def;
	for (size_t i = 0; (def = gql_schema_type_at(s, i)); i++) {
		if (def->kind != GQL_DEF_OBJECT)
			continue;
		for (const struct gql_name_list *n = def->names; n; n = n->next)
			if (gql_str_same(n->name, iface->name))
				json_array_append_new(a, named_ref(def));
	}
	return a;
}

/* The full __Type of a named type: every member of __Type present. */
static json_t *full_type(const struct gql_schema *s, const struct gql_definition *def)
{
	bool has_fields = def->kind == GQL_DEF_OBJECT || def->kind == GQL_DEF_INTERFACE;
	json_t *o = must(json_object());
	put(o, "kind", json_string(kind_name(def)));
	put(o, "name", str_or_null(def->name));
	put(o, "description", str_or_null(def->description));
	const struct gql_value *url = def->kind == GQL_DEF_SCALAR
		? directive_arg(find_directive(def->directives, "specifiedBy"), "url") : NULL;
	put(o, "specifiedByURL", url ? str_or_null(url->text) : json_null());

	json_t *fields = json_null();
	if (has_fields) {
		fields = must(json_array());
		for (const struct gql_field_def *f = def->fields; f; f = f->next)
			json_array_append_new(fields, field(s, f));
	}
	put(o, "fields", fields);
	put(o, "interfaces", has_fields ? name_refs(s, def->names) : json_null());
	json_t *possible = json_null();
	if (def->kind == GQL_DEF_UNION)
		possible = name_refs(s, def->names);
	else if (def->kind == GQL_DEF_INTERFACE)
		possible = implementations(s, def);
	put(o, "possibleTypes", possible);

	json_t *values = json_null();
	if (def->kind == GQL_DEF_ENUM) {
		values = must(json_array());
		for (const struct gql_enum_value_def *v = def->enum_values; v; v = v->next) {
			json_t *ev = must(json_object());
			put(ev, "name", str_or_null(v->name));
			put(ev, "description", str_or_null(v->description));
			put_deprecation(ev, v->directives);
			json_array_append_new(values, ev);
		}
	}
	put(o, "enumValues", values);
	bool input = def->kind == GQL_DEF_INPUT_OBJECT;
	put(o, "inputFields", input ? input_values(s, def->input_values) : json_null());
	put(o, "ofType", json_null());
	put(o, "isOneOf", input ? json_boolean(find_directive(def->directives, "oneOf") != NULL) : json_null());
	return o;
}

/* An __Directive. */
static json_t *directive(const struct gql_schema *s, const struct gql_definition *def)
{
	json_t *o = must(json_object());
	put(o, "name", str_or_null(def->name));
	put(o, "description", str_or_null(def->description));
	put(o, "isRepeatable", json_boolean(def->repeatable));
	json_t *locations = must(json_array());
	for (const struct gql_name_list *n = def->names; n; n = n->next)
		json_array_append_new(locations, str_or_null(n->name));
	/* graphql-js 16.15 lets @deprecated mark directives too; our parser
	 * refuses that location in SDL (see introspection.graphql). */
	if (gql_str_eq(def->name, "deprecated"))
		json_array_append_new(locations, must(json_string("DIRECTIVE_DEFINITION")));
	put(o, "locations", locations);
	put(o, "args", input_values(s, def->input_values));
	put_deprecation(o, def->directives);
	return o;
}

static void build(const struct gql_schema *s)
{
	if (cache.schema == s)
		return;
	introspect_free();
	cache.types = must(json_object());
	json_t *types = must(json_array());
	const struct gql_definition *def;
	for (size_t i = 0; (def = gql_schema_type_at(s, i)); i++) {
		json_t *t = full_type(s, def);
		json_array_append(types, t);
		if (json_object_setn_new(cache.types, def->name.ptr, def->name.len, t))
			oom_abort();
	}
	json_t *directives = must(json_array());
	for (size_t i = 0; (def = gql_schema_directive_at(s, i)); i++)
		json_array_append_new(directives, directive(s, def));

	const struct gql_definition *query = gql_schema_root(s, GQL_OP_QUERY);
	const struct gql_definition *mutation = gql_schema_root(s, GQL_OP_MUTATION);
	cache.root = must(json_object());
	put(cache.root, "description", str_or_null(gql_schema_description(s)));
	put(cache.root, "queryType", query ? named_ref(query) : json_null());
	put(cache.root, "mutationType", mutation ? named_ref(mutation) : json_null());
	put(cache.root, "subscriptionType", json_null());
	put(cache.root, "types", types);
	put(cache.root, "directives", directives);
	cache.schema = s;
}

json_t *introspect_schema(const struct gql_schema *s)
{
	build(s);
	return cache.root;
}

json_t *introspect_type(const struct gql_schema *s, const char *name)
{
	build(s);
	return json_object_get(cache.types, name);
}

json_t *introspect_root(const struct gql_schema *s, struct gql_str field, json_t *args)
{
	if (gql_str_eq(field, "__schema"))
		return introspect_schema(s);
	if (!gql_str_eq(field, "__type"))
		return NULL;
	const char *name = json_string_value(json_object_get(args, "name"));
	json_t *t = name ? introspect_type(s, name) : NULL;
	return t ? t : json_null();
}

json_t *introspect_type_value(const struct gql_schema *s, json_t *value)
{
	const char *name = json_string_value(json_object_get(value, "name"));
	json_t *full = name ? introspect_type(s, name) : NULL;
	return full ? full : value;
}

void introspect_free(void)
{
	json_decref(cache.root);
	json_decref(cache.types);
	cache.root = NULL;
	cache.types = NULL;
	cache.schema = NULL;
}
