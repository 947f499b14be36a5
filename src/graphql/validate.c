/*
 * validate.c - static validation of a document against the schema, before
 * anything executes: the rules of the specification's Validation section as
 * graphql-js 16 runs them (specifiedRules, with its messages), plus our
 * limits of SPEC §2 (depth, fields after fragment expansion, aliases). The
 * one leniency of SPEC §2: an object-typed field without a sub-selection is
 * allowed (it returns the whole object).
 *
 * Passes: (1) document-level rules and each fragment's spreads; (2) a limits
 * walk per operation that expands fragments, bounded by GQL_MAX_FIELDS and a
 * visit budget; (3) one typed walk of every definition in document order,
 * without expansion (each fragment is checked once, against its own type
 * condition), which runs the per-node rules, records variable usages with
 * their expected types, and runs OverlappingFieldsCanBeMerged on every
 * selection set; (4) per operation, the variable rules across the fragments
 * it reaches; (5) unused fragments. Every walk is bounded: the overlap rule
 * memoises field maps per selection set and fragment pairs, skips fields
 * identical to an earlier one of the same response key, and stops at a work
 * budget; reports stop at GQL_MAX_ERRORS, as graphql-js's maxErrors does.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "graphql/coerce.h"
#include "graphql/internal.h"
#include "graphql/parser.h"

#define STR(s) (int)(s).len, (s).ptr

/* Selections the limits walk and the introspection-depth walk may visit per
 * operation (spreads and inline fragments count, so spread-only fragment
 * bombs are bounded too). */
#define MAX_EXPANDED_VISITS 20000
/* Work units (fields collected, field pairs compared) for the overlap rule
 * over the whole document. */
#define OVERLAP_BUDGET 4000000UL
/* Locations listed on one error. */
#define MAX_LOCATIONS 16
#define MAX_FRAGMENT_STACK 64

struct usage {
	struct gql_str name;
	uint32_t offset;
	const struct gql_type *type; /* expected at the position, NULL if unknown */
	bool loc_default;            /* the position has a default value */
	struct usage *next;
};

/* One executable definition: its fragment spreads (syntactic, in graphql-js's
 * getFragmentSpreads order) and the variable usages found by the typed walk. */
struct defrec {
	const struct gql_definition *def;
	const struct gql_selection **spreads;
	size_t nspreads;
	struct usage *usages, **tail;
	bool cycle_visited;
	int path_index; /* NoFragmentCycles: position on the spread path, or -1 */
	unsigned mark;  /* reachability pass number */
};

struct ovl;

struct vctx {
	struct exec_ctx *c;
	const struct gql_schema *s;
	bool aborted;
	struct defrec *recs;
	size_t nrecs;
	size_t *frag_slots; /* hash of fragment name -> rec index + 1 */
	size_t nslots;
	struct defrec *cur; /* the definition being walked */
	const struct gql_selection **path; /* NoFragmentCycles spread path */
	size_t npath;
	bool skip_overlap; /* a limit was hit: the overlap rule is not run */
	struct ovl *ovl;
};

/* ---------- reporting ---------- */

static uint32_t name_offset(const struct vctx *v, struct gql_str name, uint32_t fallback)
{
	const char *src = v->c->src;
	if (src && name.ptr >= src && name.ptr < src + v->c->len)
		return (uint32_t)(name.ptr - src);
	return fallback;
}

static bool can_report(struct vctx *v)
{
	if (v->aborted)
		return false;
	if (json_array_size(v->c->errors) >= GQL_MAX_ERRORS) {
		exec_error(v->c, API_ERR_VALIDATION, GQL_NO_LOCATION, NULL, NULL,
			   "Too many validation errors, error limit reached. Validation aborted.");
		v->aborted = true;
		return false;
	}
	return true;
}

/* Reports an error located at offs[0..n) (graphql-js lists every node). */
static void report_at(struct vctx *v, const uint32_t *offs, size_t n, const char *fmt, ...)
	PRINTF_LIKE(4, 5);

static void report_at(struct vctx *v, const uint32_t *offs, size_t n, const char *fmt, ...)
{
	if (!can_report(v))
		return;
	char message[1400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	struct exec_ctx *c = v->c;
	json_t *e = gql_error_new(message, API_ERR_VALIDATION, c->src, c->len, n ? offs[0] : GQL_NO_LOCATION,
				  NULL, NULL);
	if (n > 1 && c->src) {
		json_t *locs = json_array();
		for (size_t i = 0; i < n && i < MAX_LOCATIONS; i++) {
			if (offs[i] == GQL_NO_LOCATION)
				continue;
			unsigned line, column;
			gql_location(c->src, c->len, offs[i], &line, &column);
			json_array_append_new(locs, json_pack("{s:I,s:I}", "line", (json_int_t)line,
							      "column", (json_int_t)column));
		}
		json_object_set_new(e, "locations", locs);
	}
	json_array_append_new(c->errors, e);
}

#define REPORT(v, offset, ...)                                       \
	do {                                                         \
		uint32_t at_[1] = { (offset) };                      \
		report_at((v), at_, 1, __VA_ARGS__);                 \
	} while (0)

#define REPORT2(v, o1, o2, ...)                                      \
	do {                                                         \
		uint32_t at_[2] = { (o1), (o2) };                    \
		report_at((v), at_, 2, __VA_ARGS__);                 \
	} while (0)

/* Prints a literal as graphql-js's print() does, truncated to fit. */
static void value_print(const struct gql_value *val, char *buf, size_t len)
{
	size_t n = 0;
#define PUT(...)                                                                 \
	do {                                                                     \
		if (n < len) {                                                   \
			int w_ = snprintf(buf + n, len - n, __VA_ARGS__);        \
			n += w_ > 0 ? (size_t)w_ : 0;                            \
		}                                                                \
	} while (0)
	if (!len)
		return;
	buf[0] = '\0';
	switch (val->kind) {
	case GQL_VAL_VARIABLE: PUT("$%.*s", STR(val->text)); break;
	case GQL_VAL_INT:
	case GQL_VAL_FLOAT:
	case GQL_VAL_ENUM: PUT("%.*s", STR(val->text)); break;
	case GQL_VAL_BOOLEAN: PUT("%s", val->boolean ? "true" : "false"); break;
	case GQL_VAL_NULL: PUT("null"); break;
	case GQL_VAL_STRING: {
		PUT("\"");
		for (size_t i = 0; i < val->text.len && n < len; i++) {
			unsigned char ch = (unsigned char)val->text.ptr[i];
			if (ch == '"' || ch == '\\')
				PUT("\\%c", ch);
			else if (ch == '\n')
				PUT("\\n");
			else if (ch < 0x20)
				PUT("\\u%04X", ch);
			else
				PUT("%c", ch);
		}
		PUT("\"");
		break;
	}
	case GQL_VAL_LIST: {
		PUT("[");
		for (const struct gql_value *i = val->items; i && n < len; i = i->next) {
			char inner[256];
			value_print(i, inner, sizeof inner);
			PUT("%s%s", inner, i->next ? ", " : "");
		}
		PUT("]");
		break;
	}
	case GQL_VAL_OBJECT: {
		PUT("{");
		for (const struct gql_object_field *f = val->fields; f && n < len; f = f->next) {
			char inner[256];
			value_print(f->value, inner, sizeof inner);
			PUT("%.*s: %s%s", STR(f->name), inner, f->next ? ", " : "");
		}
		PUT("}");
		break;
	}
	}
#undef PUT
	if (n >= len && len > 4)
		memcpy(buf + len - 4, "...", 4);
}

/* ---------- fragments ---------- */

static size_t name_hash(struct gql_str s)
{
	size_t h = 2166136261u;
	for (size_t i = 0; i < s.len; i++)
		h = (h ^ (unsigned char)s.ptr[i]) * 16777619u;
	return h;
}

const struct gql_definition *exec_fragment(const struct exec_ctx *c, struct gql_str name)
{
	for (const struct gql_definition *d = c->doc->first; d; d = d->next)
		if (d->kind == GQL_DEF_FRAGMENT && gql_str_same(d->name, name))
			return d;
	return NULL;
}

/* The record of the (first) fragment named name, or NULL. */
static struct defrec *fragment_rec(const struct vctx *v, struct gql_str name)
{
	if (!v->nslots)
		return NULL;
	for (size_t i = name_hash(name) & (v->nslots - 1);; i = (i + 1) & (v->nslots - 1)) {
		size_t r = v->frag_slots[i];
		if (!r)
			return NULL;
		if (gql_str_same(v->recs[r - 1].def->name, name))
			return &v->recs[r - 1];
	}
}

/* graphql-js getFragmentSpreads: every spread in the set and its nested
 * sets, visiting nested sets last-in first-out. */
static void collect_spreads(struct vctx *v, struct defrec *r)
{
	size_t cap = 16, nstack = 0;
	const struct gql_selection_set **stack = arena_alloc(v->c->a, cap * sizeof *stack);
	size_t scap = 8;
	r->spreads = arena_alloc(v->c->a, scap * sizeof *r->spreads);
	stack[nstack++] = r->def->selection_set;
	while (nstack) {
		const struct gql_selection_set *set = stack[--nstack];
		for (const struct gql_selection *s = set ? set->first : NULL; s; s = s->next) {
			if (s->kind == GQL_SEL_FRAGMENT_SPREAD) {
				if (r->nspreads == scap) {
					const struct gql_selection **n = arena_alloc(v->c->a, 2 * scap * sizeof *n);
					memcpy(n, r->spreads, scap * sizeof *n);
					r->spreads = n;
					scap *= 2;
				}
				r->spreads[r->nspreads++] = s;
			} else if (s->selection_set) {
				if (nstack == cap) {
					const struct gql_selection_set **n = arena_alloc(v->c->a, 2 * cap * sizeof *n);
					memcpy(n, stack, cap * sizeof *n);
					stack = n;
					cap *= 2;
				}
				stack[nstack++] = s->selection_set;
			}
		}
	}
}

/* NoFragmentCycles, graphql-js's detectCycleRecursive. */
static void detect_cycles(struct vctx *v, struct defrec *r)
{
	if (r->cycle_visited || v->aborted)
		return;
	r->cycle_visited = true;
	if (!r->nspreads)
		return;
	r->path_index = (int)v->npath;
	for (size_t i = 0; i < r->nspreads; i++) {
		const struct gql_selection *spread = r->spreads[i];
		struct defrec *target = fragment_rec(v, spread->name);
		v->path[v->npath++] = spread;
		if (target && target->path_index < 0) {
			detect_cycles(v, target);
		} else if (target) {
			size_t from = (size_t)target->path_index;
			char via[600] = "";
			size_t n = 0;
			uint32_t offs[MAX_LOCATIONS];
			size_t noffs = 0;
			for (size_t k = from; k < v->npath; k++) {
				if (noffs < MAX_LOCATIONS)
					offs[noffs++] = v->path[k]->offset;
				if (k + 1 < v->npath && n < sizeof via) {
					int w = snprintf(via + n, sizeof via - n, "%s\"%.*s\"", n ? ", " : "",
							 STR(v->path[k]->name));
					n += w > 0 ? (size_t)w : 0;
				}
			}
			if (via[0])
				report_at(v, offs, noffs, "Cannot spread fragment \"%.*s\" within itself via %s.",
					  STR(spread->name), via);
			else
				report_at(v, offs, noffs, "Cannot spread fragment \"%.*s\" within itself.",
					  STR(spread->name));
		}
		v->npath--;
	}
	r->path_index = -1;
}

/* ---------- types ---------- */

static bool is_composite(const struct gql_definition *t)
{
	return t && (t->kind == GQL_DEF_OBJECT || t->kind == GQL_DEF_INTERFACE || t->kind == GQL_DEF_UNION);
}

static bool names_include(const struct gql_name_list *l, struct gql_str name)
{
	for (; l; l = l->next)
		if (gql_str_same(l->name, name))
			return true;
	return false;
}

/* Whether some object type can be both a and b (graphql-js
 * doTypesOverlap). Two interfaces are assumed to overlap: the schema API
 * cannot list implementations, and no schema of ours has two. */
static bool types_overlap(const struct vctx *v, const struct gql_definition *a, const struct gql_definition *b)
{
	if (a == b)
		return true;
	if (a->kind == GQL_DEF_OBJECT && b->kind == GQL_DEF_OBJECT)
		return false;
	if (a->kind == GQL_DEF_OBJECT)
		return b->kind == GQL_DEF_INTERFACE ? names_include(a->names, b->name) : names_include(b->names, a->name);
	if (b->kind == GQL_DEF_OBJECT)
		return types_overlap(v, b, a);
	if (a->kind == GQL_DEF_UNION && b->kind == GQL_DEF_UNION) {
		for (const struct gql_name_list *m = a->names; m; m = m->next)
			if (names_include(b->names, m->name))
				return true;
		return false;
	}
	const struct gql_definition *u = a->kind == GQL_DEF_UNION ? a : b;
	const struct gql_definition *i = u == a ? b : a;
	if (u->kind != GQL_DEF_UNION)
		return true;
	for (const struct gql_name_list *m = u->names; m; m = m->next) {
		const struct gql_definition *o = gql_schema_type(v->s, m->name);
		if (o && names_include(o->names, i->name))
			return true;
	}
	return false;
}

static const struct gql_definition *named_def(const struct vctx *v, const struct gql_type *t)
{
	const struct gql_type *core = gql_type_core(t);
	return core ? gql_schema_type(v->s, core->name) : NULL;
}

/* graphql-js isTypeSubTypeOf for input types, by name. */
static bool subtype_of(const struct gql_type *var_type, const struct gql_type *loc_type)
{
	if (loc_type->kind == GQL_TYPE_NON_NULL)
		return var_type->kind == GQL_TYPE_NON_NULL && subtype_of(var_type->of, loc_type->of);
	if (var_type->kind == GQL_TYPE_NON_NULL)
		return subtype_of(var_type->of, loc_type);
	if (loc_type->kind == GQL_TYPE_LIST)
		return var_type->kind == GQL_TYPE_LIST && subtype_of(var_type->of, loc_type->of);
	if (var_type->kind == GQL_TYPE_LIST)
		return false;
	return gql_str_same(var_type->name, loc_type->name);
}

static const struct gql_type *nullable(const struct gql_type *t)
{
	return t && t->kind == GQL_TYPE_NON_NULL ? t->of : t;
}

/* ---------- built-in fields and directives ---------- */

static struct gql_type type_string = { GQL_TYPE_NAMED, 0, { "String", 6 }, NULL };
static struct gql_type type_string_nn = { GQL_TYPE_NON_NULL, 0, { NULL, 0 }, &type_string };
static struct gql_type type_boolean = { GQL_TYPE_NAMED, 0, { "Boolean", 7 }, NULL };
static struct gql_type type_boolean_nn = { GQL_TYPE_NON_NULL, 0, { NULL, 0 }, &type_boolean };
static struct gql_type type_schema = { GQL_TYPE_NAMED, 0, { "__Schema", 8 }, NULL };
static struct gql_type type_schema_nn = { GQL_TYPE_NON_NULL, 0, { NULL, 0 }, &type_schema };
static struct gql_type type_type = { GQL_TYPE_NAMED, 0, { "__Type", 6 }, NULL };
static struct gql_value reason_default = { GQL_VAL_STRING, 0, { "No longer supported", 19 }, false, false,
					   NULL, NULL, NULL };

static struct gql_input_value_def arg_if = { { NULL, 0 }, { "if", 2 }, 0, &type_boolean_nn, NULL, NULL, NULL };
static struct gql_input_value_def arg_url = { { NULL, 0 }, { "url", 3 }, 0, &type_string_nn, NULL, NULL, NULL };
static struct gql_input_value_def arg_reason = { { NULL, 0 }, { "reason", 6 }, 0, &type_string, &reason_default,
						 NULL, NULL };
static struct gql_input_value_def arg_name = { { NULL, 0 }, { "name", 4 }, 0, &type_string_nn, NULL, NULL, NULL };

static struct gql_field_def field_typename = { { NULL, 0 }, { "__typename", 10 }, 0, NULL, &type_string_nn, NULL, NULL };
static struct gql_field_def field_schema = { { NULL, 0 }, { "__schema", 8 }, 0, NULL, &type_schema_nn, NULL, NULL };
static struct gql_field_def field_type = { { NULL, 0 }, { "__type", 6 }, 0, &arg_name, &type_type, NULL, NULL };

struct directive_def {
	const char *name;
	const struct gql_input_value_def *args;
	const char *locations[4];
};

/* graphql-js specifiedDirectives. */
static const struct directive_def directives[] = {
	{ "include", &arg_if, { "FIELD", "FRAGMENT_SPREAD", "INLINE_FRAGMENT", NULL } },
	{ "skip", &arg_if, { "FIELD", "FRAGMENT_SPREAD", "INLINE_FRAGMENT", NULL } },
	{ "deprecated", &arg_reason, { "FIELD_DEFINITION", "ARGUMENT_DEFINITION", "INPUT_FIELD_DEFINITION", "ENUM_VALUE" } },
	{ "specifiedBy", &arg_url, { "SCALAR", NULL, NULL, NULL } },
	{ "oneOf", NULL, { "INPUT_OBJECT", NULL, NULL, NULL } },
};

/* The field of parent named name, including the meta fields. */
static const struct gql_field_def *field_def(const struct vctx *v, const struct gql_definition *parent,
					     struct gql_str name)
{
	if (gql_str_eq(name, "__typename"))
		return &field_typename;
	if (!parent || (parent->kind != GQL_DEF_OBJECT && parent->kind != GQL_DEF_INTERFACE))
		return NULL;
	const struct gql_field_def *f = gql_schema_field(parent, name);
	if (f || parent != gql_schema_root(v->s, GQL_OP_QUERY))
		return f;
	if (gql_str_eq(name, "__schema") && gql_schema_type_cstr(v->s, "__Schema"))
		return &field_schema;
	if (gql_str_eq(name, "__type") && gql_schema_type_cstr(v->s, "__Type"))
		return &field_type;
	return NULL;
}

/* ---------- values and arguments ---------- */

static void add_usage(struct vctx *v, const struct gql_value *val, const struct gql_type *type, bool loc_default)
{
	if (!v->cur)
		return;
	struct usage *u = arena_calloc(v->c->a, sizeof *u);
	u->name = val->text;
	u->offset = val->offset;
	u->type = type;
	u->loc_default = loc_default;
	*v->cur->tail = u;
	v->cur->tail = &u->next;
}

/* graphql-js isValidValueNode: a scalar, enum or mismatched literal at a
 * position of type `type`. */
static void check_leaf(struct vctx *v, const struct gql_value *val, const struct gql_type *type)
{
	const struct gql_type *core = gql_type_core(type);
	const struct gql_definition *def = gql_schema_type(v->s, core->name);
	if (!gql_type_is_leaf(def)) {
		char tn[160], shown[256];
		gql_type_print(type, tn, sizeof tn);
		value_print(val, shown, sizeof shown);
		REPORT(v, val->offset, "Expected value of type \"%s\", found %s.", tn, shown);
		return;
	}
	struct coerce_error err = { GQL_NO_LOCATION, "" };
	json_t *x = coerce_literal(v->s, core, val, NULL, &err);
	if (x)
		json_decref(x);
	else if (err.message[0])
		REPORT(v, val->offset, "%s", err.message);
}

/*
 * Walks one value: ValuesOfCorrectType (when check and type is known),
 * UniqueInputFieldNames, and records variable usages with the type expected
 * at their position (graphql-js TypeInfo's input type and default value).
 */
static void walk_value(struct vctx *v, const struct gql_value *val, const struct gql_type *type,
		       bool loc_default, bool check)
{
	if (v->aborted)
		return;
	check = check && type;
	switch (val->kind) {
	case GQL_VAL_VARIABLE:
		add_usage(v, val, type, loc_default);
		return;
	case GQL_VAL_NULL:
		if (check && type->kind == GQL_TYPE_NON_NULL) {
			char tn[160];
			gql_type_print(type, tn, sizeof tn);
			REPORT(v, val->offset, "Expected value of type \"%s\", found null.", tn);
		}
		return;
	case GQL_VAL_LIST: {
		const struct gql_type *list = nullable(type);
		if (check && list->kind != GQL_TYPE_LIST) {
			check_leaf(v, val, type);
			check = false;
		}
		/* A non-list item type applies to the items as it is. */
		const struct gql_type *item = list && list->kind == GQL_TYPE_LIST ? list->of : list;
		for (const struct gql_value *i = val->items; i; i = i->next)
			walk_value(v, i, item, false, check);
		return;
	}
	case GQL_VAL_OBJECT: {
		const struct gql_definition *def = type ? named_def(v, type) : NULL;
		bool input = def && def->kind == GQL_DEF_INPUT_OBJECT;
		if (check && !input) {
			check_leaf(v, val, type);
			check = false;
		}
		for (const struct gql_object_field *f = val->fields; f; f = f->next) {
			for (const struct gql_object_field *g = val->fields; g != f; g = g->next)
				if (gql_str_same(g->name, f->name)) {
					REPORT2(v, g->offset, f->offset, "There can be only one input field named \"%.*s\".",
						STR(f->name));
					break;
				}
			const struct gql_input_value_def *fd = input ? gql_schema_input_value(def->input_values, f->name)
								     : NULL;
			if (check && !fd)
				REPORT(v, f->offset, "Field \"%.*s\" is not defined by type \"%.*s\".", STR(f->name),
				       STR(def->name));
			walk_value(v, f->value, fd ? fd->type : NULL, fd && fd->default_value, check);
		}
		if (check)
			for (const struct gql_input_value_def *fd = def->input_values; fd; fd = fd->next) {
				if (fd->type->kind != GQL_TYPE_NON_NULL || fd->default_value)
					continue;
				bool given = false;
				for (const struct gql_object_field *f = val->fields; f && !given; f = f->next)
					given = gql_str_same(f->name, fd->name);
				if (!given) {
					char tn[160];
					gql_type_print(fd->type, tn, sizeof tn);
					REPORT(v, val->offset, "Field \"%.*s.%.*s\" of required type \"%s\" was not provided.",
					       STR(def->name), STR(fd->name), tn);
				}
			}
		return;
	}
	case GQL_VAL_INT:
	case GQL_VAL_FLOAT:
	case GQL_VAL_STRING:
	case GQL_VAL_BOOLEAN:
	case GQL_VAL_ENUM:
		if (check)
			check_leaf(v, val, type);
		return;
	}
}

/*
 * UniqueArgumentNames, KnownArgumentNames (when the owner is known: defs is
 * then its argument list, possibly empty) and the values. owner is e.g.
 * `field "Query.generation"` or `directive "@skip"`.
 */
static void walk_arguments(struct vctx *v, const struct gql_argument *args, bool owner_known,
			   const struct gql_input_value_def *defs, const char *owner)
{
	for (const struct gql_argument *a = args; a && !v->aborted; a = a->next) {
		bool first = true;
		for (const struct gql_argument *b = args; b != a && first; b = b->next)
			first = !gql_str_same(a->name, b->name);
		if (first) {
			/* the first of its name reports all of them, once */
			uint32_t offs[MAX_LOCATIONS];
			size_t n = 0;
			for (const struct gql_argument *b = a; b; b = b->next)
				if (gql_str_same(a->name, b->name) && n < MAX_LOCATIONS)
					offs[n++] = b->offset;
			if (n > 1)
				report_at(v, offs, n, "There can be only one argument named \"%.*s\".", STR(a->name));
		}
		const struct gql_input_value_def *d = owner_known ? gql_schema_input_value(defs, a->name) : NULL;
		if (owner_known && !d)
			REPORT(v, a->offset, "Unknown argument \"%.*s\" on %s.", STR(a->name), owner);
		walk_value(v, a->value, d ? d->type : NULL, d && d->default_value, true);
	}
}

/* ProvidedRequiredArguments; what is `Field "x"` or `Directive "@x"`. */
static void required_arguments(struct vctx *v, const struct gql_argument *args,
			       const struct gql_input_value_def *defs, const char *what, uint32_t offset)
{
	for (const struct gql_input_value_def *d = defs; d; d = d->next) {
		if (d->type->kind != GQL_TYPE_NON_NULL || d->default_value)
			continue;
		bool given = false;
		for (const struct gql_argument *a = args; a && !given; a = a->next)
			given = gql_str_same(a->name, d->name);
		if (!given) {
			char tn[160];
			gql_type_print(d->type, tn, sizeof tn);
			REPORT(v, offset, "%s argument \"%.*s\" of type \"%s\" is required, but it was not provided.",
			       what, STR(d->name), tn);
		}
	}
}

/* KnownDirectives, UniqueDirectivesPerLocation and the directives' arguments. */
static void walk_directives(struct vctx *v, const struct gql_directive *dirs, const char *location)
{
	for (const struct gql_directive *d = dirs; d && !v->aborted; d = d->next) {
		const struct directive_def *known = NULL;
		for (size_t i = 0; i < ARRAY_LEN(directives) && !known; i++)
			if (gql_str_eq(d->name, directives[i].name))
				known = &directives[i];
		if (!known) {
			REPORT(v, d->offset, "Unknown directive \"@%.*s\".", STR(d->name));
			walk_arguments(v, d->args, false, NULL, "");
			continue;
		}
		bool allowed = false;
		for (size_t i = 0; i < ARRAY_LEN(known->locations) && known->locations[i]; i++)
			allowed |= strcmp(known->locations[i], location) == 0;
		if (!allowed)
			REPORT(v, d->offset, "Directive \"@%.*s\" may not be used on %s.", STR(d->name), location);
		for (const struct gql_directive *e = dirs; e != d; e = e->next)
			if (gql_str_same(e->name, d->name)) {
				REPORT2(v, e->offset, d->offset,
					"The directive \"@%.*s\" can only be used once at this location.", STR(d->name));
				break;
			}
		char owner[80], what[80];
		snprintf(owner, sizeof owner, "directive \"@%s\"", known->name);
		snprintf(what, sizeof what, "Directive \"@%s\"", known->name);
		walk_arguments(v, d->args, true, known->args, owner);
		required_arguments(v, d->args, known->args, what, d->offset);
	}
}

/* ---------- OverlappingFieldsCanBeMerged ---------- */

/* One field of a field map, as graphql-js's NodeAndDef. */
struct ofield {
	const struct gql_definition *parent; /* composite parent type, or NULL */
	const struct gql_selection *sel;
	const struct gql_field_def *def;     /* NULL when unknown */
	const struct gql_definition *core;   /* the named type of def, or NULL */
	struct gql_str key;
	uint64_t hash;                       /* of the field's subtree */
	bool dup;                            /* the same as an earlier field of its key */
};

struct ogroup {
	struct gql_str key;
	size_t first, count; /* into fields */
};

/* The fields of a selection set (inline fragments included) grouped by
 * response key in order of first appearance, and the fragments it spreads. */
struct fieldmap {
	const struct gql_selection_set *set;
	struct ofield *fields;
	size_t nfields;
	struct ogroup *groups;
	size_t ngroups;
	size_t *lookup; /* hash of key -> group index + 1 */
	size_t nlookup;
	struct defrec **frags;
	size_t nfrags;
};

struct conflict {
	struct gql_str key;
	const char *reason;
	uint32_t *offs1, *offs2; /* locations of the fields on each side */
	size_t n1, n2;
	struct conflict *next;
};

struct conflicts {
	struct conflict *first, *last;
};

/* Deeper than any valid document: selections nest at most GQL_MAX_DEPTH
 * levels, fragments included. */
#define OVERLAP_MAX_DEPTH (4 * GQL_MAX_DEPTH)

struct ovl {
	struct vctx *v;
	unsigned long budget;
	bool exhausted;
	unsigned depth; /* nesting of sub-selection comparisons (find_conflict) */
	/* field maps, by selection set address */
	struct fieldmap **maps;
	size_t nmaps, capmaps;
	/* compared pairs: fragment pairs (both < nrecs) and field map/fragment pairs */
	uint64_t *pairs;
	unsigned char *pair_mutex;
	size_t npairs, cappairs;
};

static size_t ptr_hash(const void *p)
{
	uint64_t x = (uint64_t)(uintptr_t)p;
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (size_t)x;
}

static bool spend(struct ovl *o, unsigned long units)
{
	if (o->exhausted || o->v->aborted)
		return false;
	if (o->budget < units) {
		o->exhausted = true;
		return false;
	}
	o->budget -= units;
	return true;
}

static uint64_t mix(uint64_t h, uint64_t x)
{
	h ^= x + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h;
}

static uint64_t str_hash64(struct gql_str s)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < s.len; i++)
		h = (h ^ (unsigned char)s.ptr[i]) * 1099511628211ULL;
	return h;
}

/* A hash of a literal that does not depend on the order of object fields. */
static uint64_t value_hash(const struct gql_value *val)
{
	uint64_t h = mix(val->kind, str_hash64(val->text));
	if (val->kind == GQL_VAL_BOOLEAN)
		h = mix(h, val->boolean);
	for (const struct gql_value *i = val->items; i; i = i->next)
		h = mix(h, value_hash(i));
	uint64_t fields = 0;
	for (const struct gql_object_field *f = val->fields; f; f = f->next)
		fields += mix(str_hash64(f->name), value_hash(f->value));
	return mix(h, fields);
}

/* Literals equal as graphql-js compares them (print of the value with
 * object fields sorted; a variable equals only a variable of its name). */
static bool values_equal(const struct gql_value *a, const struct gql_value *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case GQL_VAL_NULL: return true;
	case GQL_VAL_BOOLEAN: return a->boolean == b->boolean;
	case GQL_VAL_VARIABLE:
	case GQL_VAL_INT:
	case GQL_VAL_FLOAT:
	case GQL_VAL_STRING:
	case GQL_VAL_ENUM: return gql_str_same(a->text, b->text);
	case GQL_VAL_LIST: {
		const struct gql_value *i = a->items, *j = b->items;
		for (; i && j; i = i->next, j = j->next)
			if (!values_equal(i, j))
				return false;
		return !i && !j;
	}
	case GQL_VAL_OBJECT: {
		size_t na = 0, nb = 0;
		for (const struct gql_object_field *f = a->fields; f; f = f->next)
			na++;
		for (const struct gql_object_field *f = b->fields; f; f = f->next)
			nb++;
		if (na != nb)
			return false;
		for (const struct gql_object_field *f = a->fields; f; f = f->next) {
			const struct gql_object_field *g = b->fields;
			while (g && !gql_str_same(g->name, f->name))
				g = g->next;
			if (!g || !values_equal(f->value, g->value))
				return false;
		}
		return true;
	}
	}
	return false;
}

/* graphql-js sameArguments. */
static bool same_arguments(const struct gql_argument *a, const struct gql_argument *b)
{
	size_t na = 0, nb = 0;
	for (const struct gql_argument *x = a; x; x = x->next)
		na++;
	for (const struct gql_argument *x = b; x; x = x->next)
		nb++;
	if (na != nb)
		return false;
	for (const struct gql_argument *x = a; x; x = x->next) {
		const struct gql_argument *y = b;
		while (y && !gql_str_same(y->name, x->name))
			y = y->next;
		if (!y || !values_equal(x->value, y->value))
			return false;
	}
	return true;
}

static uint64_t set_hash(const struct gql_selection_set *set);

/* A hash of a selection's subtree as the overlap rule sees it (directives
 * play no part). */
static uint64_t selection_hash(const struct gql_selection *s)
{
	uint64_t h = mix(s->kind, str_hash64(s->name));
	h = mix(h, str_hash64(s->alias));
	h = mix(h, str_hash64(s->type_condition));
	uint64_t args = 0;
	for (const struct gql_argument *a = s->args; a; a = a->next)
		args += mix(str_hash64(a->name), value_hash(a->value));
	h = mix(h, args);
	return s->selection_set ? mix(h, set_hash(s->selection_set)) : h;
}

static uint64_t set_hash(const struct gql_selection_set *set)
{
	uint64_t h = 7;
	for (const struct gql_selection *s = set->first; s; s = s->next)
		h = mix(h, selection_hash(s));
	return h;
}

static bool same_set(const struct gql_selection_set *a, const struct gql_selection_set *b);

static bool same_selection(const struct gql_selection *a, const struct gql_selection *b)
{
	if (a->kind != b->kind || !gql_str_same(a->name, b->name) || !gql_str_same(a->alias, b->alias) ||
	    !gql_str_same(a->type_condition, b->type_condition) || !same_arguments(a->args, b->args))
		return false;
	if (!a->selection_set || !b->selection_set)
		return !a->selection_set && !b->selection_set;
	return same_set(a->selection_set, b->selection_set);
}

static bool same_set(const struct gql_selection_set *a, const struct gql_selection_set *b)
{
	const struct gql_selection *i = a->first, *j = b->first;
	for (; i && j; i = i->next, j = j->next)
		if (!same_selection(i, j))
			return false;
	return !i && !j;
}

struct collect_buf {
	struct ofield *items;
	size_t n, cap;
	struct defrec **frags;
	size_t nfrags, capfrags;
};

static void collect_fields(struct ovl *o, struct collect_buf *b, const struct gql_definition *parent,
			   const struct gql_selection_set *set)
{
	struct vctx *v = o->v;
	for (const struct gql_selection *s = set->first; s; s = s->next) {
		if (!spend(o, 1))
			return;
		switch (s->kind) {
		case GQL_SEL_FIELD: {
			if (b->n == b->cap) {
				size_t cap = b->cap ? 2 * b->cap : 16;
				struct ofield *n = arena_alloc(v->c->a, cap * sizeof *n);
				if (b->n)
					memcpy(n, b->items, b->n * sizeof *n);
				b->items = n;
				b->cap = cap;
			}
			struct ofield *f = &b->items[b->n++];
			memset(f, 0, sizeof *f);
			f->parent = parent;
			f->sel = s;
			f->def = is_composite(parent) || gql_str_eq(s->name, "__typename") ? field_def(v, parent, s->name)
											    : NULL;
			f->core = f->def ? named_def(v, f->def->type) : NULL;
			f->key = s->alias.len ? s->alias : s->name;
			break;
		}
		case GQL_SEL_FRAGMENT_SPREAD: {
			struct defrec *r = fragment_rec(v, s->name);
			bool seen = !r;
			for (size_t i = 0; i < b->nfrags && !seen; i++)
				seen = b->frags[i] == r;
			if (seen)
				break;
			if (b->nfrags == b->capfrags) {
				size_t cap = b->capfrags ? 2 * b->capfrags : 8;
				struct defrec **n = arena_alloc(v->c->a, cap * sizeof *n);
				if (b->nfrags)
					memcpy(n, b->frags, b->nfrags * sizeof *n);
				b->frags = n;
				b->capfrags = cap;
			}
			b->frags[b->nfrags++] = r;
			break;
		}
		case GQL_SEL_INLINE_FRAGMENT: {
			const struct gql_definition *t = parent;
			if (s->type_condition.len)
				t = gql_schema_type(v->s, s->type_condition);
			collect_fields(o, b, t, s->selection_set);
			break;
		}
		}
	}
}

/* graphql-js getFieldsAndFragmentNames, cached by selection set. */
static struct fieldmap *field_map(struct ovl *o, const struct gql_definition *parent,
				  const struct gql_selection_set *set)
{
	struct arena *a = o->v->c->a;
	size_t mask = o->capmaps - 1;
	size_t i = ptr_hash(set) & mask;
	for (; o->maps[i]; i = (i + 1) & mask)
		if (o->maps[i]->set == set)
			return o->maps[i];
	struct collect_buf b = { NULL, 0, 0, NULL, 0, 0 };
	collect_fields(o, &b, parent, set);
	struct fieldmap *m = arena_calloc(a, sizeof *m);
	m->set = set;
	m->frags = b.frags;
	m->nfrags = b.nfrags;
	m->nfields = b.n;
	/* group by key: a key -> group table, then a counting sort */
	m->nlookup = 4;
	while (m->nlookup < 2 * b.n)
		m->nlookup *= 2;
	m->lookup = arena_calloc(a, m->nlookup * sizeof *m->lookup);
	m->groups = arena_calloc(a, (b.n ? b.n : 1) * sizeof *m->groups);
	size_t *gid = arena_alloc(a, (b.n ? b.n : 1) * sizeof *gid);
	for (size_t k = 0; k < b.n; k++) {
		size_t j = name_hash(b.items[k].key) & (m->nlookup - 1);
		while (m->lookup[j] && !gql_str_same(m->groups[m->lookup[j] - 1].key, b.items[k].key))
			j = (j + 1) & (m->nlookup - 1);
		if (!m->lookup[j]) {
			m->groups[m->ngroups].key = b.items[k].key;
			m->lookup[j] = ++m->ngroups;
		}
		gid[k] = m->lookup[j] - 1;
		m->groups[gid[k]].count++;
	}
	size_t at = 0;
	for (size_t g = 0; g < m->ngroups; g++) {
		m->groups[g].first = at;
		at += m->groups[g].count;
		m->groups[g].count = 0;
	}
	m->fields = arena_alloc(a, (b.n ? b.n : 1) * sizeof *m->fields);
	for (size_t k = 0; k < b.n; k++) {
		struct ogroup *g = &m->groups[gid[k]];
		m->fields[g->first + g->count++] = b.items[k];
	}
	/* mark fields identical to an earlier one of their key: comparing them
	 * again could only repeat the earlier one's conflicts */
	for (size_t g = 0; g < m->ngroups; g++) {
		struct ofield *f = &m->fields[m->groups[g].first];
		size_t n = m->groups[g].count;
		if (n < 2)
			continue;
		for (size_t k = 0; k < n; k++)
			f[k].hash = mix((uint64_t)(uintptr_t)f[k].parent, selection_hash(f[k].sel));
		for (size_t k = 1; k < n && spend(o, 1); k++)
			for (size_t j = 0; j < k; j++)
				if (!f[j].dup && f[j].hash == f[k].hash && f[j].parent == f[k].parent &&
				    same_selection(f[j].sel, f[k].sel)) {
					f[k].dup = true;
					break;
				}
	}
	if (2 * (o->nmaps + 1) > o->capmaps) {
		size_t cap = 2 * o->capmaps;
		struct fieldmap **n = arena_calloc(a, cap * sizeof *n);
		for (size_t k = 0; k < o->capmaps; k++) {
			if (!o->maps[k])
				continue;
			size_t j = ptr_hash(o->maps[k]->set) & (cap - 1);
			while (n[j])
				j = (j + 1) & (cap - 1);
			n[j] = o->maps[k];
		}
		o->maps = n;
		o->capmaps = cap;
		mask = cap - 1;
		for (i = ptr_hash(set) & mask; o->maps[i]; i = (i + 1) & mask)
			;
	}
	o->maps[i] = m;
	o->nmaps++;
	return m;
}

static struct fieldmap *fragment_map(struct ovl *o, struct defrec *r)
{
	const struct gql_definition *t = gql_schema_type(o->v->s, r->def->type_condition);
	return field_map(o, t, r->def->selection_set);
}

static const struct ogroup *map_group(const struct fieldmap *m, struct gql_str key)
{
	for (size_t j = name_hash(key) & (m->nlookup - 1); m->lookup[j]; j = (j + 1) & (m->nlookup - 1))
		if (gql_str_same(m->groups[m->lookup[j] - 1].key, key))
			return &m->groups[m->lookup[j] - 1];
	return NULL;
}

/* PairSet: key is two ids (fragment rec indexes, or a field map tagged
 * with the top bit); has() follows graphql-js (a pair compared as not
 * mutually exclusive covers the exclusive case too). */
static bool pair_seen(struct ovl *o, uint64_t a, uint64_t b, bool mutex, bool add)
{
	uint64_t key = a < b ? (a << 32 | b) : (b << 32 | a);
	size_t mask = o->cappairs - 1;
	size_t i = ptr_hash((const void *)(uintptr_t)key) & mask;
	for (; o->pairs[i]; i = (i + 1) & mask)
		if (o->pairs[i] == key + 1) {
			if (mutex || !o->pair_mutex[i])
				return true;
			if (add)
				o->pair_mutex[i] = 0;
			return false;
		}
	if (!add)
		return false;
	if (2 * (o->npairs + 1) > o->cappairs) {
		size_t cap = 2 * o->cappairs;
		uint64_t *np = arena_calloc(o->v->c->a, cap * sizeof *np);
		unsigned char *nm = arena_calloc(o->v->c->a, cap);
		for (size_t k = 0; k < o->cappairs; k++) {
			if (!o->pairs[k])
				continue;
			size_t j = ptr_hash((const void *)(uintptr_t)(o->pairs[k] - 1)) & (cap - 1);
			while (np[j])
				j = (j + 1) & (cap - 1);
			np[j] = o->pairs[k];
			nm[j] = o->pair_mutex[k];
		}
		o->pairs = np;
		o->pair_mutex = nm;
		o->cappairs = cap;
		mask = cap - 1;
		for (i = ptr_hash((const void *)(uintptr_t)key) & mask; o->pairs[i]; i = (i + 1) & mask)
			;
	}
	o->pairs[i] = key + 1;
	o->pair_mutex[i] = mutex;
	o->npairs++;
	return false;
}

static uint64_t rec_id(const struct ovl *o, const struct defrec *r)
{
	return (uint64_t)(r - o->v->recs);
}

static void conflict_add(struct conflicts *list, struct conflict *c)
{
	if (!c)
		return;
	if (list->last)
		list->last->next = c;
	else
		list->first = c;
	list->last = c;
}

static void collect_between(struct ovl *o, struct conflicts *out, bool mutex, const struct fieldmap *m1,
			    const struct fieldmap *m2);
static void collect_fields_and_fragment(struct ovl *o, struct conflicts *out, bool mutex,
					const struct fieldmap *m, struct defrec *frag);
static void collect_fragments(struct ovl *o, struct conflicts *out, bool mutex, struct defrec *f1,
			      struct defrec *f2);

/* graphql-js doTypesConflict. */
static bool types_conflict(const struct gql_type *t1, const struct gql_definition *c1,
			   const struct gql_type *t2, const struct gql_definition *c2)
{
	for (;;) {
		if (t1->kind == GQL_TYPE_LIST || t2->kind == GQL_TYPE_LIST) {
			if (t1->kind != t2->kind)
				return true;
		} else if (t1->kind == GQL_TYPE_NON_NULL || t2->kind == GQL_TYPE_NON_NULL) {
			if (t1->kind != t2->kind)
				return true;
		} else {
			if (gql_type_is_leaf(c1) || gql_type_is_leaf(c2))
				return !gql_str_same(t1->name, t2->name);
			return false;
		}
		t1 = t1->of;
		t2 = t2->of;
	}
}

static struct conflict *new_conflict(struct ovl *o, struct gql_str key, const char *reason,
				     const struct ofield *f1, const struct ofield *f2)
{
	struct conflict *c = arena_calloc(o->v->c->a, sizeof *c);
	c->key = key;
	c->reason = reason;
	c->offs1 = arena_alloc(o->v->c->a, sizeof *c->offs1);
	c->offs2 = arena_alloc(o->v->c->a, sizeof *c->offs2);
	c->offs1[0] = f1->sel->offset;
	c->offs2[0] = f2->sel->offset;
	c->n1 = c->n2 = 1;
	return c;
}

/* graphql-js findConflict. */
static struct conflict *find_conflict(struct ovl *o, bool parents_mutex, struct gql_str key,
				      const struct ofield *f1, const struct ofield *f2)
{
	struct arena *a = o->v->c->a;
	if (!spend(o, 1))
		return NULL;
	bool mutex = parents_mutex || (f1->parent != f2->parent && f1->parent && f2->parent &&
				       f1->parent->kind == GQL_DEF_OBJECT && f2->parent->kind == GQL_DEF_OBJECT);
	if (!mutex) {
		if (!gql_str_same(f1->sel->name, f2->sel->name))
			return new_conflict(o, key, arena_printf(a, "\"%.*s\" and \"%.*s\" are different fields",
								 STR(f1->sel->name), STR(f2->sel->name)), f1, f2);
		if (!same_arguments(f1->sel->args, f2->sel->args))
			return new_conflict(o, key, "they have differing arguments", f1, f2);
	}
	if (f1->def && f2->def && types_conflict(f1->def->type, f1->core, f2->def->type, f2->core)) {
		char t1[160], t2[160];
		gql_type_print(f1->def->type, t1, sizeof t1);
		gql_type_print(f2->def->type, t2, sizeof t2);
		return new_conflict(o, key, arena_printf(a, "they return conflicting types \"%s\" and \"%s\"", t1, t2),
				    f1, f2);
	}
	if (!f1->sel->selection_set || !f2->sel->selection_set)
		return NULL;
	/* findConflictsBetweenSubSelectionSets */
	const struct gql_definition *p1 = is_composite(f1->core) ? f1->core : NULL;
	const struct gql_definition *p2 = is_composite(f2->core) ? f2->core : NULL;
	/* A fragment that spreads itself inside a sub-selection would make
	 * this comparison recurse without end (the fuzzer found it): past any
	 * depth a valid document can reach, give up as "too complex". */
	if (o->depth >= OVERLAP_MAX_DEPTH) {
		o->exhausted = true;
		return NULL;
	}
	o->depth++;
	struct fieldmap *m1 = field_map(o, p1, f1->sel->selection_set);
	struct fieldmap *m2 = field_map(o, p2, f2->sel->selection_set);
	struct conflicts subs = { NULL, NULL };
	collect_between(o, &subs, mutex, m1, m2);
	for (size_t i = 0; i < m2->nfrags; i++)
		collect_fields_and_fragment(o, &subs, mutex, m1, m2->frags[i]);
	for (size_t i = 0; i < m1->nfrags; i++)
		collect_fields_and_fragment(o, &subs, mutex, m2, m1->frags[i]);
	for (size_t i = 0; i < m1->nfrags; i++)
		for (size_t j = 0; j < m2->nfrags; j++)
			collect_fragments(o, &subs, mutex, m1->frags[i], m2->frags[j]);
	o->depth--;
	if (!subs.first)
		return NULL;
	/* subfieldConflicts: one conflict whose reason lists the sub-conflicts */
	size_t n1 = 1, n2 = 1, len = 0;
	for (const struct conflict *s = subs.first; s; s = s->next) {
		n1 += s->n1;
		n2 += s->n2;
		len += s->key.len + strlen(s->reason) + 40;
	}
	char *reason = arena_alloc(a, len + 1);
	size_t at = 0;
	for (const struct conflict *s = subs.first; s; s = s->next) {
		int w = snprintf(reason + at, len + 1 - at, "%ssubfields \"%.*s\" conflict because %s",
				 at ? " and " : "", STR(s->key), s->reason);
		at += w > 0 ? (size_t)w : 0;
	}
	struct conflict *c = new_conflict(o, key, reason, f1, f2);
	if (n1 > MAX_LOCATIONS)
		n1 = MAX_LOCATIONS;
	if (n2 > MAX_LOCATIONS)
		n2 = MAX_LOCATIONS;
	c->offs1 = arena_alloc(a, n1 * sizeof *c->offs1);
	c->offs2 = arena_alloc(a, n2 * sizeof *c->offs2);
	c->offs1[0] = f1->sel->offset;
	c->offs2[0] = f2->sel->offset;
	c->n1 = c->n2 = 1;
	for (const struct conflict *s = subs.first; s; s = s->next) {
		for (size_t i = 0; i < s->n1 && c->n1 < n1; i++)
			c->offs1[c->n1++] = s->offs1[i];
		for (size_t i = 0; i < s->n2 && c->n2 < n2; i++)
			c->offs2[c->n2++] = s->offs2[i];
	}
	return c;
}

/* graphql-js collectConflictsBetween: fields of the same key across maps. */
static void collect_between(struct ovl *o, struct conflicts *out, bool mutex, const struct fieldmap *m1,
			    const struct fieldmap *m2)
{
	for (size_t g = 0; g < m1->ngroups && !o->exhausted; g++) {
		const struct ogroup *g1 = &m1->groups[g];
		const struct ogroup *g2 = map_group(m2, g1->key);
		if (!g2)
			continue;
		for (size_t i = 0; i < g1->count; i++) {
			const struct ofield *f1 = &m1->fields[g1->first + i];
			if (f1->dup)
				continue;
			for (size_t j = 0; j < g2->count && !o->exhausted; j++) {
				const struct ofield *f2 = &m2->fields[g2->first + j];
				if (!f2->dup)
					conflict_add(out, find_conflict(o, mutex, g1->key, f1, f2));
			}
		}
	}
}

/* graphql-js collectConflictsBetweenFieldsAndFragment. */
static void collect_fields_and_fragment(struct ovl *o, struct conflicts *out, bool mutex,
					const struct fieldmap *m, struct defrec *frag)
{
	if (o->exhausted)
		return;
	struct fieldmap *m2 = fragment_map(o, frag);
	if (m2 == m)
		return;
	collect_between(o, out, mutex, m, m2);
	for (size_t i = 0; i < m2->nfrags; i++) {
		struct defrec *ref = m2->frags[i];
		if (pair_seen(o, rec_id(o, ref), rec_id(o, frag), mutex, true))
			continue;
		collect_fields_and_fragment(o, out, mutex, m, ref);
	}
}

/* graphql-js collectConflictsBetweenFragments. */
static void collect_fragments(struct ovl *o, struct conflicts *out, bool mutex, struct defrec *f1,
			      struct defrec *f2)
{
	if (f1 == f2 || o->exhausted)
		return;
	if (pair_seen(o, rec_id(o, f1), rec_id(o, f2), mutex, true))
		return;
	struct fieldmap *m1 = fragment_map(o, f1);
	struct fieldmap *m2 = fragment_map(o, f2);
	collect_between(o, out, mutex, m1, m2);
	for (size_t i = 0; i < m2->nfrags; i++)
		collect_fragments(o, out, mutex, f1, m2->frags[i]);
	for (size_t i = 0; i < m1->nfrags; i++)
		collect_fragments(o, out, mutex, m1->frags[i], f2);
}

/* graphql-js findConflictsWithinSelectionSet, reported as the rule does. */
static void overlap_check(struct vctx *v, const struct gql_definition *parent, const struct gql_selection_set *set)
{
	if (v->skip_overlap || v->aborted)
		return;
	struct ovl *o = v->ovl;
	if (!o) {
		o = v->ovl = arena_calloc(v->c->a, sizeof *o);
		o->v = v;
		o->budget = OVERLAP_BUDGET;
		o->capmaps = 64;
		o->maps = arena_calloc(v->c->a, o->capmaps * sizeof *o->maps);
		o->cappairs = 64;
		o->pairs = arena_calloc(v->c->a, o->cappairs * sizeof *o->pairs);
		o->pair_mutex = arena_calloc(v->c->a, o->cappairs);
	}
	if (o->exhausted)
		return;
	struct conflicts out = { NULL, NULL };
	struct fieldmap *m = field_map(o, parent, set);
	for (size_t g = 0; g < m->ngroups && !o->exhausted; g++) {
		const struct ogroup *grp = &m->groups[g];
		for (size_t i = 0; i < grp->count; i++) {
			const struct ofield *f1 = &m->fields[grp->first + i];
			if (f1->dup)
				continue;
			for (size_t j = i + 1; j < grp->count && !o->exhausted; j++) {
				const struct ofield *f2 = &m->fields[grp->first + j];
				if (!f2->dup)
					conflict_add(&out, find_conflict(o, false, grp->key, f1, f2));
			}
		}
	}
	for (size_t i = 0; i < m->nfrags; i++) {
		collect_fields_and_fragment(o, &out, false, m, m->frags[i]);
		for (size_t j = i + 1; j < m->nfrags; j++)
			collect_fragments(o, &out, false, m->frags[i], m->frags[j]);
	}
	for (const struct conflict *c = out.first; c && !v->aborted; c = c->next) {
		uint32_t offs[2 * MAX_LOCATIONS];
		size_t n = 0;
		for (size_t i = 0; i < c->n1; i++)
			offs[n++] = c->offs1[i];
		for (size_t i = 0; i < c->n2; i++)
			offs[n++] = c->offs2[i];
		report_at(v, offs, n,
			  "Fields \"%.*s\" conflict because %s. Use different aliases on the fields to fetch both if this was intentional.",
			  STR(c->key), c->reason);
	}
	if (o->exhausted && !v->aborted)
		REPORT(v, set->offset, "The document is too complex to validate.");
}

/* ---------- the typed walk ---------- */

static void walk_set(struct vctx *v, const struct gql_definition *parent, const struct gql_selection_set *set);

/* MaxIntrospectionDepthRule: list fields of the introspection types nested
 * three deep under __schema or __type, following spreads. */
static bool introspection_too_deep(struct vctx *v, const struct gql_selection_set *set, int depth,
				   const struct defrec **stack, int nstack, unsigned *visits)
{
	for (const struct gql_selection *s = set ? set->first : NULL; s; s = s->next) {
		if (++*visits > MAX_EXPANDED_VISITS)
			return true;
		if (s->kind == GQL_SEL_FRAGMENT_SPREAD) {
			const struct defrec *r = fragment_rec(v, s->name);
			bool seen = !r || nstack == MAX_FRAGMENT_STACK;
			for (int i = 0; i < nstack && !seen; i++)
				seen = stack[i] == r;
			if (seen)
				continue;
			stack[nstack] = r;
			if (introspection_too_deep(v, r->def->selection_set, depth, stack, nstack + 1, visits))
				return true;
			continue;
		}
		int d = depth;
		if (s->kind == GQL_SEL_FIELD &&
		    (gql_str_eq(s->name, "fields") || gql_str_eq(s->name, "interfaces") ||
		     gql_str_eq(s->name, "possibleTypes") || gql_str_eq(s->name, "inputFields")) &&
		    ++d >= 3)
			return true;
		if (introspection_too_deep(v, s->selection_set, d, stack, nstack, visits))
			return true;
	}
	return false;
}

static void walk_field(struct vctx *v, const struct gql_definition *parent, const struct gql_selection *sel)
{
	const struct gql_field_def *f = parent ? field_def(v, parent, sel->name) : NULL;
	if (parent && !f)
		REPORT(v, sel->offset, "Cannot query field \"%.*s\" on type \"%.*s\".", STR(sel->name),
		       STR(parent->name));
	const struct gql_definition *ft = f ? named_def(v, f->type) : NULL;
	if (f && sel->selection_set && gql_type_is_leaf(ft)) {
		char tn[160];
		gql_type_print(f->type, tn, sizeof tn);
		REPORT(v, sel->selection_set->offset,
		       "Field \"%.*s\" must not have a selection since type \"%s\" has no subfields.", STR(sel->name), tn);
	}
	/* An object without a sub-selection returns the whole object (SPEC §2). */
	if (gql_str_eq(sel->name, "__schema") || gql_str_eq(sel->name, "__type")) {
		const struct defrec *stack[MAX_FRAGMENT_STACK];
		unsigned visits = 0;
		if (introspection_too_deep(v, sel->selection_set, 0, stack, 0, &visits))
			REPORT(v, sel->offset, "Maximum introspection depth exceeded");
	}
	/* The names for messages are formatted only for fields that have
	 * arguments: most fields have none, and this is the hot path. */
	if (sel->args || (f && f->args)) {
		char owner[200];
		snprintf(owner, sizeof owner, "field \"%.*s.%.*s\"", STR(parent ? parent->name : sel->name),
			 STR(sel->name));
		walk_arguments(v, sel->args, f != NULL, f ? f->args : NULL, owner);
	}
	walk_directives(v, sel->directives, "FIELD");
	if (sel->selection_set)
		walk_set(v, is_composite(ft) ? ft : NULL, sel->selection_set);
	if (f && f->args) {
		char what[160];
		snprintf(what, sizeof what, "Field \"%.*s\"", STR(sel->name));
		required_arguments(v, sel->args, f->args, what, sel->offset);
	}
}

/* KnownTypeNames and FragmentsOnCompositeTypes for a type condition; returns
 * the type when it is composite. */
static const struct gql_definition *condition_type(struct vctx *v, struct gql_str cond, const char *what)
{
	const struct gql_definition *t = gql_schema_type(v->s, cond);
	uint32_t at = name_offset(v, cond, GQL_NO_LOCATION);
	if (!t) {
		REPORT(v, at, "Unknown type \"%.*s\".", STR(cond));
		return NULL;
	}
	if (!is_composite(t)) {
		REPORT(v, at, "Fragment%s cannot condition on non composite type \"%.*s\".", what, STR(cond));
		return NULL;
	}
	return t;
}

static void walk_set(struct vctx *v, const struct gql_definition *parent, const struct gql_selection_set *set)
{
	overlap_check(v, parent, set);
	for (const struct gql_selection *sel = set->first; sel && !v->aborted; sel = sel->next) {
		switch (sel->kind) {
		case GQL_SEL_FIELD:
			walk_field(v, parent, sel);
			break;
		case GQL_SEL_FRAGMENT_SPREAD: {
			struct defrec *r = fragment_rec(v, sel->name);
			if (!r) {
				REPORT(v, name_offset(v, sel->name, sel->offset), "Unknown fragment \"%.*s\".", STR(sel->name));
			} else {
				const struct gql_definition *t = gql_schema_type(v->s, r->def->type_condition);
				if (is_composite(t) && parent && !types_overlap(v, t, parent))
					REPORT(v, sel->offset,
					       "Fragment \"%.*s\" cannot be spread here as objects of type \"%.*s\" can never be of type \"%.*s\".",
					       STR(sel->name), STR(parent->name), STR(t->name));
			}
			walk_directives(v, sel->directives, "FRAGMENT_SPREAD");
			break;
		}
		case GQL_SEL_INLINE_FRAGMENT: {
			const struct gql_definition *t = parent;
			if (sel->type_condition.len) {
				t = condition_type(v, sel->type_condition, "");
				if (t && parent && !types_overlap(v, t, parent))
					REPORT(v, sel->offset,
					       "Fragment cannot be spread here as objects of type \"%.*s\" can never be of type \"%.*s\".",
					       STR(parent->name), STR(t->name));
			}
			walk_directives(v, sel->directives, "INLINE_FRAGMENT");
			walk_set(v, t, sel->selection_set);
			break;
		}
		}
	}
}

static const char *operation_location(enum gql_operation_kind op)
{
	switch (op) {
	case GQL_OP_QUERY: return "QUERY";
	case GQL_OP_MUTATION: return "MUTATION";
	case GQL_OP_SUBSCRIPTION: return "SUBSCRIPTION";
	}
	return "QUERY";
}

static const char *operation_word(enum gql_operation_kind op)
{
	switch (op) {
	case GQL_OP_QUERY: return "query";
	case GQL_OP_MUTATION: return "mutation";
	case GQL_OP_SUBSCRIPTION: return "subscription";
	}
	return "query";
}

static void walk_operation(struct vctx *v, const struct gql_definition *op)
{
	for (const struct gql_variable_def *d = op->variables; d && !v->aborted; d = d->next) {
		bool first = true;
		for (const struct gql_variable_def *e = op->variables; e != d && first; e = e->next)
			first = !gql_str_same(e->name, d->name);
		if (first) {
			uint32_t offs[MAX_LOCATIONS];
			size_t n = 0;
			for (const struct gql_variable_def *e = d; e; e = e->next)
				if (gql_str_same(e->name, d->name) && n < MAX_LOCATIONS)
					offs[n++] = name_offset(v, e->name, e->offset);
			if (n > 1)
				report_at(v, offs, n, "There can be only one variable named \"$%.*s\".", STR(d->name));
		}
	}
	for (const struct gql_variable_def *d = op->variables; d && !v->aborted; d = d->next) {
		const struct gql_type *core = gql_type_core(d->type);
		const struct gql_definition *t = gql_schema_type(v->s, core->name);
		if (!t) {
			REPORT(v, core->offset, "Unknown type \"%.*s\".", STR(core->name));
		} else if (!gql_type_is_input(t)) {
			char tn[160];
			gql_type_print(d->type, tn, sizeof tn);
			REPORT(v, d->type->offset, "Variable \"$%.*s\" cannot be non-input type \"%s\".", STR(d->name), tn);
		}
		if (d->default_value)
			walk_value(v, d->default_value, gql_type_is_input(t) ? d->type : NULL, false, true);
		walk_directives(v, d->directives, "VARIABLE_DEFINITION");
	}
	walk_directives(v, op->directives, operation_location(op->operation));
	const struct gql_definition *root = gql_schema_root(v->s, op->operation);
	if (!root)
		REPORT(v, op->offset, "Schema is not configured to execute %s operation.", operation_word(op->operation));
	walk_set(v, root, op->selection_set);
}

/* ---------- limits (SPEC §2), after fragment expansion ---------- */

struct limits {
	unsigned fields, aliases, visits;
	bool hit;
	const struct defrec *stack[MAX_FRAGMENT_STACK];
	int nstack;
};

static void limit_hit(struct vctx *v, struct limits *l, uint32_t offset, const char *message)
{
	if (!l->hit)
		REPORT(v, offset, "%s", message);
	l->hit = true;
	v->skip_overlap = true;
}

static void limits_walk(struct vctx *v, struct limits *l, const struct gql_selection_set *set, unsigned depth)
{
	if (depth > GQL_MAX_DEPTH) {
		char m[96];
		snprintf(m, sizeof m, "The operation is nested deeper than %d levels.", GQL_MAX_DEPTH);
		limit_hit(v, l, set->offset, m);
		return;
	}
	for (const struct gql_selection *s = set->first; s && !l->hit; s = s->next) {
		if (++l->visits > MAX_EXPANDED_VISITS) {
			char m[128];
			snprintf(m, sizeof m, "The operation expands to more than %d selections.", MAX_EXPANDED_VISITS);
			limit_hit(v, l, s->offset, m);
			return;
		}
		switch (s->kind) {
		case GQL_SEL_FIELD:
			if (++l->fields > GQL_MAX_FIELDS) {
				char m[96];
				snprintf(m, sizeof m, "The operation selects more than %d fields (after fragment expansion).",
					 GQL_MAX_FIELDS);
				limit_hit(v, l, s->offset, m);
				return;
			}
			if (s->alias.len && ++l->aliases > GQL_MAX_ALIASES) {
				char m[96];
				snprintf(m, sizeof m, "The operation uses more than %d aliases.", GQL_MAX_ALIASES);
				limit_hit(v, l, s->offset, m);
				return;
			}
			if (s->selection_set)
				limits_walk(v, l, s->selection_set, depth + 1);
			break;
		case GQL_SEL_INLINE_FRAGMENT:
			limits_walk(v, l, s->selection_set, depth);
			break;
		case GQL_SEL_FRAGMENT_SPREAD: {
			const struct defrec *r = fragment_rec(v, s->name);
			bool seen = !r;
			for (int i = 0; i < l->nstack && !seen; i++)
				seen = l->stack[i] == r;
			if (seen) /* unknown or cyclic: reported by their rules */
				break;
			if (l->nstack == MAX_FRAGMENT_STACK) {
				limit_hit(v, l, s->offset, "Fragments are nested too deeply.");
				return;
			}
			l->stack[l->nstack++] = r;
			limits_walk(v, l, r->def->selection_set, depth);
			l->nstack--;
			break;
		}
		}
	}
}

/* ---------- variables across fragments ---------- */

static void check_operation_variables(struct vctx *v, struct defrec *op, unsigned pass)
{
	const struct gql_definition *def = op->def;
	/* the fragments the operation reaches, each once */
	size_t cap = 16, n = 0;
	struct defrec **reach = arena_alloc(v->c->a, cap * sizeof *reach);
	reach[n++] = op;
	op->mark = pass;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < reach[i]->nspreads; k++) {
			struct defrec *r = fragment_rec(v, reach[i]->spreads[k]->name);
			if (!r || r->mark == pass)
				continue;
			r->mark = pass;
			if (n == cap) {
				struct defrec **nr = arena_alloc(v->c->a, 2 * cap * sizeof *nr);
				memcpy(nr, reach, cap * sizeof *nr);
				reach = nr;
				cap *= 2;
			}
			reach[n++] = r;
		}
	for (size_t i = 0; i < n && !v->aborted; i++)
		for (const struct usage *u = reach[i]->usages; u && !v->aborted; u = u->next) {
			const struct gql_variable_def *d = def->variables;
			while (d && !gql_str_same(d->name, u->name))
				d = d->next;
			if (!d) {
				if (def->name.len)
					REPORT2(v, u->offset, def->offset, "Variable \"$%.*s\" is not defined by operation \"%.*s\".",
						STR(u->name), STR(def->name));
				else
					REPORT2(v, u->offset, def->offset, "Variable \"$%.*s\" is not defined.", STR(u->name));
				continue;
			}
			const struct gql_definition *t = named_def(v, d->type);
			if (!u->type || !t)
				continue;
			bool ok;
			if (u->type->kind == GQL_TYPE_NON_NULL && d->type->kind != GQL_TYPE_NON_NULL)
				ok = ((d->default_value && d->default_value->kind != GQL_VAL_NULL) || u->loc_default) &&
				     subtype_of(d->type, u->type->of);
			else
				ok = subtype_of(d->type, u->type);
			if (!ok) {
				char vt[160], lt[160];
				gql_type_print(d->type, vt, sizeof vt);
				gql_type_print(u->type, lt, sizeof lt);
				REPORT2(v, d->offset, u->offset,
					"Variable \"$%.*s\" of type \"%s\" used in position expecting type \"%s\".",
					STR(u->name), vt, lt);
			}
		}
	for (const struct gql_variable_def *d = def->variables; d && !v->aborted; d = d->next) {
		bool used = false;
		for (size_t i = 0; i < n && !used; i++)
			for (const struct usage *u = reach[i]->usages; u && !used; u = u->next)
				used = gql_str_same(u->name, d->name);
		if (used)
			continue;
		if (def->name.len)
			REPORT(v, d->offset, "Variable \"$%.*s\" is never used in operation \"%.*s\".", STR(d->name),
			       STR(def->name));
		else
			REPORT(v, d->offset, "Variable \"$%.*s\" is never used.", STR(d->name));
	}
}

/* ---------- the document ---------- */

static void index_definitions(struct vctx *v)
{
	size_t ndefs = 0, nfrags = 0;
	for (const struct gql_definition *d = v->c->doc->first; d; d = d->next)
		if (d->kind == GQL_DEF_OPERATION || d->kind == GQL_DEF_FRAGMENT) {
			ndefs++;
			nfrags += d->kind == GQL_DEF_FRAGMENT;
		}
	v->recs = arena_calloc(v->c->a, (ndefs ? ndefs : 1) * sizeof *v->recs);
	v->nslots = 0;
	if (nfrags) {
		v->nslots = 4;
		while (v->nslots < 2 * nfrags)
			v->nslots *= 2;
		v->frag_slots = arena_calloc(v->c->a, v->nslots * sizeof *v->frag_slots);
	}
	v->path = arena_alloc(v->c->a, (nfrags + 1) * sizeof *v->path);
	for (const struct gql_definition *d = v->c->doc->first; d; d = d->next) {
		if (d->kind != GQL_DEF_OPERATION && d->kind != GQL_DEF_FRAGMENT)
			continue;
		struct defrec *r = &v->recs[v->nrecs++];
		r->def = d;
		r->tail = &r->usages;
		r->path_index = -1;
		collect_spreads(v, r);
		if (d->kind == GQL_DEF_FRAGMENT && !fragment_rec(v, d->name)) {
			size_t i = name_hash(d->name) & (v->nslots - 1);
			while (v->frag_slots[i])
				i = (i + 1) & (v->nslots - 1);
			v->frag_slots[i] = v->nrecs;
		}
	}
}

/* ExecutableDefinitions, UniqueOperationNames, LoneAnonymousOperation and
 * UniqueFragmentNames. */
static void check_definitions(struct vctx *v)
{
	size_t operations = 0;
	for (const struct gql_definition *d = v->c->doc->first; d; d = d->next)
		operations += d->kind == GQL_DEF_OPERATION;
	for (const struct gql_definition *d = v->c->doc->first; d && !v->aborted; d = d->next) {
		if (d->kind != GQL_DEF_OPERATION && d->kind != GQL_DEF_FRAGMENT) {
			if (d->kind == GQL_DEF_SCHEMA)
				REPORT(v, d->offset, "The schema definition is not executable.");
			else
				REPORT(v, d->offset, "The \"%.*s\" definition is not executable.", STR(d->name));
			continue;
		}
		if (d->kind == GQL_DEF_OPERATION && !d->name.len && operations > 1)
			REPORT(v, d->offset, "This anonymous operation must be the only defined operation.");
		if (!d->name.len)
			continue;
		for (const struct gql_definition *e = v->c->doc->first; e != d; e = e->next)
			if (e->kind == d->kind && gql_str_same(e->name, d->name)) {
				REPORT2(v, name_offset(v, e->name, e->offset), name_offset(v, d->name, d->offset),
					"There can be only one %s named \"%.*s\".",
					d->kind == GQL_DEF_OPERATION ? "operation" : "fragment", STR(d->name));
				break;
			}
	}
}

bool gql_validate(struct exec_ctx *c)
{
	struct vctx *v = arena_calloc(c->a, sizeof *v);
	v->c = c;
	v->s = c->schema;
	index_definitions(v);
	check_definitions(v);

	/* our limits first: a document over them is not analysed further by
	 * the overlap rule (the others are linear in the document) */
	for (size_t i = 0; i < v->nrecs && !v->aborted; i++)
		if (v->recs[i].def->kind == GQL_DEF_OPERATION) {
			struct limits *l = arena_calloc(c->a, sizeof *l);
			limits_walk(v, l, v->recs[i].def->selection_set, 1);
		}

	for (size_t i = 0; i < v->nrecs && !v->aborted; i++) {
		struct defrec *r = &v->recs[i];
		v->cur = r;
		if (r->def->kind == GQL_DEF_OPERATION) {
			walk_operation(v, r->def);
			continue;
		}
		detect_cycles(v, r);
		char what[160];
		snprintf(what, sizeof what, " \"%.*s\"", STR(r->def->name));
		const struct gql_definition *t = condition_type(v, r->def->type_condition, what);
		walk_directives(v, r->def->directives, "FRAGMENT_DEFINITION");
		walk_set(v, t, r->def->selection_set);
	}
	v->cur = NULL;

	unsigned pass = 0;
	for (size_t i = 0; i < v->nrecs && !v->aborted; i++)
		if (v->recs[i].def->kind == GQL_DEF_OPERATION)
			check_operation_variables(v, &v->recs[i], ++pass);
	/* NoUnusedFragments: a fragment no operation reaches (marks are set by
	 * the passes above) */
	for (size_t i = 0; i < v->nrecs && !v->aborted; i++) {
		const struct defrec *r = &v->recs[i];
		if (r->def->kind == GQL_DEF_FRAGMENT && !r->mark)
			REPORT(v, r->def->offset, "Fragment \"%.*s\" is never used.", STR(r->def->name));
	}
	return json_array_size(c->errors) == 0;
}
