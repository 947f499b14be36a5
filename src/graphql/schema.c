/*
 * schema.c - loads the embedded SDL, indexes its types, and holds the root
 * field -> stored function table (the single list of what the API resolves
 * in the database; add a row, an sql/api file and tests on both sides).
 *
 * Two SDL texts are compiled in: the public schema (schema.graphql) and the
 * introspection system (introspection.graphql: the __ types, the built-in
 * directives, and the query root's implicit __schema/__type fields, declared
 * on a type __QueryMeta that is not itself part of the schema).
 */
#include "graphql/schema.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/log.h"
#include "graphql/introspect.h"
#include "graphql/parser.h"

extern const char gql_schema_sdl[];
extern const unsigned long gql_schema_sdl_len;
extern const char gql_introspection_sdl[];
extern const unsigned long gql_introspection_sdl_len;

#define SCHEMA_MAX_TYPES 128
#define SCHEMA_TYPE_SLOTS 256 /* a power of two, at least twice SCHEMA_MAX_TYPES */
#define SCHEMA_MAX_DIRECTIVES 32

struct gql_schema {
	struct arena *arena;
	const struct gql_definition *types[SCHEMA_MAX_TYPES];
	size_t ntypes;
	/* Open-addressed index of types by name: validation looks a type up
	 * for nearly every field, so this is on the hot path. */
	const struct gql_definition *by_name[SCHEMA_TYPE_SLOTS];
	const struct gql_definition *directives[SCHEMA_MAX_DIRECTIVES];
	size_t ndirectives;
	const struct gql_definition *query, *mutation;
	const struct gql_field_def *query_meta; /* __schema, __type */
	struct gql_str description;             /* of a `schema` definition, if any */
};

static const struct gql_resolver resolvers[] = {
	{ "Mutation", "cancelGeneration", "api.generation_cancel", { "id", NULL } },
	{ "Mutation", "generate", "api.generate", { "input", NULL } },
	{ "Mutation", "videoCreate", "api.video_create", { "input", NULL } },
	{ "Query", "estimate", "api.estimate", { "input", NULL } },
	{ "Query", "generation", "api.generation", { "id", NULL } },
	{ "Query", "provider", "api.provider", { "id", NULL } },
	{ "Query", "providers", "api.providers", { "type", NULL } },
};

static const char *const builtin_scalars[] = { "Int", "Float", "String", "Boolean", "ID" };

/* graphql-js's descriptions of the built-in scalars, shown by introspection. */
static const char *const builtin_scalar_descriptions[] = {
	"The `Int` scalar type represents non-fractional signed whole numeric values. "
	"Int can represent values between -(2^31) and 2^31 - 1.",
	"The `Float` scalar type represents signed double-precision fractional values as specified by "
	"[IEEE 754](https://en.wikipedia.org/wiki/IEEE_floating_point).",
	"The `String` scalar type represents textual data, represented as UTF-8 character sequences. "
	"The String type is most often used by GraphQL to represent free-form human-readable text.",
	"The `Boolean` scalar type represents `true` or `false`.",
	"The `ID` scalar type represents a unique identifier, often used to refetch an object or as key "
	"for a cache. The ID type appears in a JSON response as a String; however, it is not intended to "
	"be human-readable. When expected as an input type, any string (such as `\"4\"`) or integer "
	"(such as `4`) input value will be accepted as an ID.",
};

static struct gql_schema *loaded;

/* FNV-1a of a name. */
static size_t name_hash(struct gql_str name)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < name.len; i++)
		h = (h ^ (unsigned char)name.ptr[i]) * 16777619u;
	return h;
}

static void add_type(struct gql_schema *s, const struct gql_definition *def)
{
	if (s->ntypes == SCHEMA_MAX_TYPES) {
		log_msg(LOG_ERROR, "schema has more than %d types", SCHEMA_MAX_TYPES);
		return;
	}
	s->types[s->ntypes++] = def;
	size_t i = name_hash(def->name) & (SCHEMA_TYPE_SLOTS - 1);
	while (s->by_name[i])
		i = (i + 1) & (SCHEMA_TYPE_SLOTS - 1);
	s->by_name[i] = def;
}

/* Parses one embedded SDL text into the schema's arena and indexes its
 * definitions. Returns false (logged) when the text does not parse. */
static bool load_sdl(struct gql_schema *s, const char *what, const char *sdl, size_t len)
{
	struct gql_document *doc;
	struct gql_parse_error err;
	struct gql_limits limits = { 0, 0 };
	if (gql_parse(s->arena, sdl, len, &limits, &doc, &err)) {
		unsigned line, col;
		gql_location(sdl, len, err.offset, &line, &col);
		log_msg(LOG_ERROR, "embedded %s does not parse at %u:%u: %s", what, line, col, err.message);
		return false;
	}
	for (const struct gql_definition *d = doc->first; d; d = d->next) {
		switch (d->kind) {
		case GQL_DEF_OPERATION:
		case GQL_DEF_FRAGMENT:
			break;
		case GQL_DEF_SCHEMA:
			s->description = d->description;
			break;
		case GQL_DEF_DIRECTIVE:
			if (s->ndirectives < SCHEMA_MAX_DIRECTIVES)
				s->directives[s->ndirectives++] = d;
			else
				log_msg(LOG_ERROR, "schema has more than %d directives", SCHEMA_MAX_DIRECTIVES);
			break;
		case GQL_DEF_OBJECT:
			if (gql_str_eq(d->name, "__QueryMeta")) {
				s->query_meta = d->fields;
				break;
			}
			add_type(s, d);
			break;
		case GQL_DEF_SCALAR:
		case GQL_DEF_INTERFACE:
		case GQL_DEF_UNION:
		case GQL_DEF_ENUM:
		case GQL_DEF_INPUT_OBJECT:
			add_type(s, d);
			break;
		}
	}
	return true;
}

const struct gql_schema *gql_schema_get(void)
{
	if (loaded)
		return loaded;
	struct gql_schema *s = xcalloc(1, sizeof *s);
	s->arena = arena_new(64 * 1024);
	for (size_t i = 0; i < ARRAY_LEN(builtin_scalars); i++) {
		struct gql_definition *def = arena_calloc(s->arena, sizeof *def);
		def->kind = GQL_DEF_SCALAR;
		def->name.ptr = builtin_scalars[i];
		def->name.len = strlen(builtin_scalars[i]);
		def->description.ptr = builtin_scalar_descriptions[i];
		def->description.len = strlen(builtin_scalar_descriptions[i]);
		add_type(s, def);
	}
	if (!load_sdl(s, "schema", gql_schema_sdl, gql_schema_sdl_len) ||
	    !load_sdl(s, "introspection schema", gql_introspection_sdl, gql_introspection_sdl_len)) {
		arena_free(s->arena);
		free(s);
		return NULL;
	}
	s->query = gql_schema_type_cstr(s, "Query");
	s->mutation = gql_schema_type_cstr(s, "Mutation");
	loaded = s;
	return s;
}

void gql_schema_free(void)
{
	if (!loaded)
		return;
	introspect_free();
	arena_free(loaded->arena);
	free(loaded);
	loaded = NULL;
}

const struct gql_definition *gql_schema_type(const struct gql_schema *s, struct gql_str name)
{
	for (size_t i = name_hash(name) & (SCHEMA_TYPE_SLOTS - 1); s->by_name[i];
	     i = (i + 1) & (SCHEMA_TYPE_SLOTS - 1))
		if (gql_str_same(s->by_name[i]->name, name))
			return s->by_name[i];
	return NULL;
}

const struct gql_definition *gql_schema_type_cstr(const struct gql_schema *s, const char *name)
{
	struct gql_str n = { name, strlen(name) };
	return gql_schema_type(s, n);
}

const struct gql_definition *gql_schema_root(const struct gql_schema *s, enum gql_operation_kind op)
{
	switch (op) {
	case GQL_OP_QUERY: return s->query;
	case GQL_OP_MUTATION: return s->mutation;
	case GQL_OP_SUBSCRIPTION: return NULL;
	}
	return NULL;
}

const struct gql_field_def *gql_schema_field(const struct gql_definition *type, struct gql_str name)
{
	if (!type)
		return NULL;
	for (const struct gql_field_def *f = type->fields; f; f = f->next)
		if (gql_str_same(f->name, name))
			return f;
	if (loaded && type == loaded->query)
		for (const struct gql_field_def *f = loaded->query_meta; f; f = f->next)
			if (gql_str_same(f->name, name))
				return f;
	return NULL;
}

const struct gql_definition *gql_schema_type_at(const struct gql_schema *s, size_t i)
{
	return i < s->ntypes ? s->types[i] : NULL;
}

const struct gql_definition *gql_schema_directive_at(const struct gql_schema *s, size_t i)
{
	return i < s->ndirectives ? s->directives[i] : NULL;
}

struct gql_str gql_schema_description(const struct gql_schema *s)
{
	return s->description;
}

const struct gql_input_value_def *gql_schema_input_value(const struct gql_input_value_def *list,
							 struct gql_str name)
{
	for (; list; list = list->next)
		if (gql_str_same(list->name, name))
			return list;
	return NULL;
}

bool gql_schema_enum_has(const struct gql_definition *enum_type, struct gql_str value)
{
	for (const struct gql_enum_value_def *v = enum_type->enum_values; v; v = v->next)
		if (gql_str_same(v->name, value))
			return true;
	return false;
}

const struct gql_resolver *gql_schema_resolver(const struct gql_definition *root, struct gql_str field)
{
	for (size_t i = 0; i < ARRAY_LEN(resolvers); i++)
		if (gql_str_eq(root->name, resolvers[i].type) && gql_str_eq(field, resolvers[i].field))
			return &resolvers[i];
	return NULL;
}

const struct gql_type *gql_type_core(const struct gql_type *t)
{
	while (t && t->kind != GQL_TYPE_NAMED)
		t = t->of;
	return t;
}

bool gql_type_is_leaf(const struct gql_definition *def)
{
	return def && (def->kind == GQL_DEF_SCALAR || def->kind == GQL_DEF_ENUM);
}

bool gql_type_is_input(const struct gql_definition *def)
{
	return def && (def->kind == GQL_DEF_SCALAR || def->kind == GQL_DEF_ENUM ||
		       def->kind == GQL_DEF_INPUT_OBJECT);
}
