/*
 * validate.c - static validation of a document against the schema, before
 * anything executes (GraphQL spec §5): executable definitions, unique and
 * known operations, fragments and variables, fields and arguments on their
 * types, argument literals of the right type, leaf selections, directives,
 * and our limits (depth, fields after fragment expansion, aliases).
 *
 * The operation walk expands fragment spreads in place, so the limits count
 * what execution would do; a fragment already checked is walked again only
 * for counting, with its errors suppressed. Cycles are cut by a stack of the
 * fragments being expanded.
 */
#include <stdio.h>
#include <string.h>

#include "graphql/coerce.h"
#include "graphql/internal.h"

#define MAX_FRAGMENT_STACK 64

struct walk {
	struct exec_ctx *c;
	const struct gql_definition *op;
	unsigned fields;
	unsigned aliases;
	int quiet;           /* > 0: count only, report nothing */
	bool limit_reported;
	const struct gql_definition *stack[MAX_FRAGMENT_STACK];
	int nstack;
	/* fragments whose body has been checked once (by index in the document) */
	unsigned char checked[256];
	unsigned char used[256];
};

#define STR(s) (int)(s).len, (s).ptr

static int fragment_index(const struct exec_ctx *c, const struct gql_definition *frag)
{
	int i = 0;
	for (const struct gql_definition *d = c->doc->first; d; d = d->next, i++)
		if (d == frag)
			return i < 256 ? i : 255;
	return 255;
}

const struct gql_definition *exec_fragment(const struct exec_ctx *c, struct gql_str name)
{
	for (const struct gql_definition *d = c->doc->first; d; d = d->next)
		if (d->kind == GQL_DEF_FRAGMENT && gql_str_same(d->name, name))
			return d;
	return NULL;
}

static bool too_many_errors(const struct walk *w)
{
	return json_array_size(w->c->errors) >= GQL_MAX_ERRORS;
}

#define REPORT(w, offset, ...)                                                          \
	do {                                                                            \
		if (!(w)->quiet && !too_many_errors(w))                                 \
			exec_error((w)->c, API_ERR_VALIDATION, (offset), NULL, NULL, __VA_ARGS__); \
	} while (0)

static const struct gql_variable_def *find_variable(const struct gql_definition *op, struct gql_str name)
{
	for (const struct gql_variable_def *v = op->variables; v; v = v->next)
		if (gql_str_same(v->name, name))
			return v;
	return NULL;
}

/* A variable of type var_type (with or without a default) may be used where
 * loc_type is expected (spec's AreTypesCompatible, with the default-value
 * allowance for non-null locations). */
static bool types_compatible(const struct gql_type *var_type, bool has_default, const struct gql_type *loc_type)
{
	if (loc_type->kind == GQL_TYPE_NON_NULL) {
		if (var_type->kind != GQL_TYPE_NON_NULL)
			return has_default && types_compatible(var_type, false, loc_type->of);
		return types_compatible(var_type->of, false, loc_type->of);
	}
	if (var_type->kind == GQL_TYPE_NON_NULL)
		return types_compatible(var_type->of, false, loc_type);
	if (loc_type->kind == GQL_TYPE_LIST)
		return var_type->kind == GQL_TYPE_LIST && types_compatible(var_type->of, false, loc_type->of);
	if (var_type->kind == GQL_TYPE_LIST)
		return false;
	return gql_str_same(var_type->name, loc_type->name);
}

/* Checks every variable used inside value against the operation's
 * definitions, with the type expected at that position (NULL if unknown). */
static void check_variable_uses(struct walk *w, const struct gql_value *value, const struct gql_type *expected)
{
	if (!value)
		return;
	if (value->kind == GQL_VAL_VARIABLE) {
		const struct gql_variable_def *def = find_variable(w->op, value->text);
		if (!def) {
			if (w->op->name.len)
				REPORT(w, value->offset, "Variable \"$%.*s\" is not defined by operation \"%.*s\".",
				       STR(value->text), STR(w->op->name));
			else
				REPORT(w, value->offset, "Variable \"$%.*s\" is not defined.", STR(value->text));
			return;
		}
		if (expected && !types_compatible(def->type, def->default_value != NULL, expected)) {
			char vt[160], lt[160];
			gql_type_print(def->type, vt, sizeof vt);
			gql_type_print(expected, lt, sizeof lt);
			REPORT(w, value->offset, "Variable \"$%.*s\" of type \"%s\" used in position expecting type \"%s\".",
			       STR(value->text), vt, lt);
		}
		return;
	}
	const struct gql_type *inner = expected;
	if (inner && inner->kind == GQL_TYPE_NON_NULL)
		inner = inner->of;
	if (value->kind == GQL_VAL_LIST) {
		const struct gql_type *item = inner && inner->kind == GQL_TYPE_LIST ? inner->of : NULL;
		for (const struct gql_value *i = value->items; i; i = i->next)
			check_variable_uses(w, i, item);
	} else if (value->kind == GQL_VAL_OBJECT) {
		const struct gql_definition *def = inner && inner->kind == GQL_TYPE_NAMED
			? gql_schema_type(w->c->schema, inner->name) : NULL;
		for (const struct gql_object_field *f = value->fields; f; f = f->next) {
			const struct gql_input_value_def *fd = def && def->kind == GQL_DEF_INPUT_OBJECT
				? gql_schema_input_value(def->input_values, f->name) : NULL;
			check_variable_uses(w, f->value, fd ? fd->type : NULL);
		}
	}
}

static void check_value(struct walk *w, const struct gql_type *type, const struct gql_value *value,
			const char *what_fmt_arg)
{
	struct coerce_error err = { 0, "" };
	json_t *x = coerce_literal(w->c->schema, type, value, NULL, &err);
	if (x)
		json_decref(x);
	else if (err.message[0])
		REPORT(w, err.offset, "%s: %s", what_fmt_arg, err.message);
	check_variable_uses(w, value, type);
}

static void check_arguments(struct walk *w, const struct gql_argument *args,
			    const struct gql_input_value_def *defs, const char *owner, uint32_t offset)
{
	for (const struct gql_argument *a = args; a; a = a->next) {
		for (const struct gql_argument *b = args; b != a; b = b->next)
			if (gql_str_same(a->name, b->name))
				REPORT(w, a->offset, "There can be only one argument named \"%.*s\".", STR(a->name));
		const struct gql_input_value_def *d = gql_schema_input_value(defs, a->name);
		if (!d) {
			REPORT(w, a->offset, "Unknown argument \"%.*s\" on %s.", STR(a->name), owner);
			check_variable_uses(w, a->value, NULL);
			continue;
		}
		char what[200];
		snprintf(what, sizeof what, "Argument \"%.*s\" has invalid value", STR(a->name));
		check_value(w, d->type, a->value, what);
	}
	for (const struct gql_input_value_def *d = defs; d; d = d->next) {
		if (d->type->kind != GQL_TYPE_NON_NULL || d->default_value)
			continue;
		bool given = false;
		for (const struct gql_argument *a = args; a; a = a->next)
			given |= gql_str_same(a->name, d->name);
		if (!given) {
			char tn[160];
			gql_type_print(d->type, tn, sizeof tn);
			REPORT(w, offset, "%s argument \"%.*s\" of type \"%s\" is required, but it was not provided.",
			       owner, STR(d->name), tn);
		}
	}
}

static const struct gql_input_value_def *if_argument(void)
{
	static struct gql_type boolean = { GQL_TYPE_NAMED, 0, { "Boolean", 7 }, NULL };
	static struct gql_type required = { GQL_TYPE_NON_NULL, 0, { NULL, 0 }, &boolean };
	static struct gql_input_value_def arg = { { NULL, 0 }, { "if", 2 }, 0, &required, NULL, NULL, NULL };
	return &arg;
}

static void check_directives(struct walk *w, const struct gql_directive *dirs, bool executable_location)
{
	for (const struct gql_directive *d = dirs; d; d = d->next) {
		bool known = gql_str_eq(d->name, "skip") || gql_str_eq(d->name, "include");
		if (!known) {
			if (gql_str_eq(d->name, "deprecated") || gql_str_eq(d->name, "specifiedBy"))
				REPORT(w, d->offset, "Directive \"@%.*s\" may not be used on this location.", STR(d->name));
			else
				REPORT(w, d->offset, "Unknown directive \"@%.*s\".", STR(d->name));
			continue;
		}
		if (!executable_location) {
			REPORT(w, d->offset, "Directive \"@%.*s\" may not be used on this location.", STR(d->name));
			continue;
		}
		for (const struct gql_directive *e = dirs; e != d; e = e->next)
			if (gql_str_same(e->name, d->name))
				REPORT(w, d->offset, "The directive \"@%.*s\" can only be used once at this location.", STR(d->name));
		char owner[80];
		snprintf(owner, sizeof owner, "directive \"@%.*s\"", STR(d->name));
		check_arguments(w, d->args, if_argument(), owner, d->offset);
	}
}

static void walk_selections(struct walk *w, const struct gql_definition *type,
			    const struct gql_selection_set *set, unsigned depth);

static bool fragment_type_ok(struct walk *w, const struct gql_definition *parent, struct gql_str cond,
			     uint32_t offset, const char *what)
{
	if (!cond.len)
		return true;
	const struct gql_definition *t = gql_schema_type(w->c->schema, cond);
	if (!t) {
		REPORT(w, offset, "Unknown type \"%.*s\".", STR(cond));
		return false;
	}
	if (t->kind != GQL_DEF_OBJECT && t->kind != GQL_DEF_INTERFACE && t->kind != GQL_DEF_UNION) {
		REPORT(w, offset, "Fragment%s cannot condition on non composite type \"%.*s\".", what, STR(cond));
		return false;
	}
	if (t != parent) {
		REPORT(w, offset, "Fragment%s cannot be spread here as objects of type \"%.*s\" can never be of type \"%.*s\".",
		       what, STR(parent->name), STR(cond));
		return false;
	}
	return true;
}

static void walk_spread(struct walk *w, const struct gql_definition *type, const struct gql_selection *sel,
			unsigned depth)
{
	const struct gql_definition *frag = exec_fragment(w->c, sel->name);
	check_directives(w, sel->directives, true);
	if (!frag) {
		REPORT(w, sel->offset, "Unknown fragment \"%.*s\".", STR(sel->name));
		return;
	}
	int idx = fragment_index(w->c, frag);
	w->used[idx] = 1;
	for (int i = 0; i < w->nstack; i++)
		if (w->stack[i] == frag) {
			REPORT(w, sel->offset, "Cannot spread fragment \"%.*s\" within itself.", STR(frag->name));
			return;
		}
	if (w->nstack == MAX_FRAGMENT_STACK) {
		REPORT(w, sel->offset, "Fragments are nested too deeply.");
		return;
	}
	char what[160];
	snprintf(what, sizeof what, " \"%.*s\"", STR(frag->name));
	if (!fragment_type_ok(w, type, frag->type_condition, sel->offset, what))
		return;
	bool quiet = w->checked[idx];
	w->checked[idx] = 1;
	w->quiet += quiet;
	w->stack[w->nstack++] = frag;
	walk_selections(w, type, frag->selection_set, depth);
	w->nstack--;
	w->quiet -= quiet;
}

static void walk_field(struct walk *w, const struct gql_definition *type, const struct gql_selection *sel,
		       unsigned depth)
{
	if (++w->fields > GQL_MAX_FIELDS) {
		if (!w->limit_reported)
			exec_error(w->c, API_ERR_VALIDATION, sel->offset, NULL, NULL,
				   "The operation selects more than %d fields (after fragment expansion).", GQL_MAX_FIELDS);
		w->limit_reported = true;
		return;
	}
	if (sel->alias.len && ++w->aliases > GQL_MAX_ALIASES) {
		if (!w->limit_reported)
			exec_error(w->c, API_ERR_VALIDATION, sel->offset, NULL, NULL,
				   "The operation uses more than %d aliases.", GQL_MAX_ALIASES);
		w->limit_reported = true;
		return;
	}
	check_directives(w, sel->directives, true);
	if (gql_str_eq(sel->name, "__typename")) {
		check_arguments(w, sel->args, NULL, "field \"__typename\"", sel->offset);
		if (sel->selection_set)
			REPORT(w, sel->offset, "Field \"__typename\" must not have a selection since type \"String!\" has no subfields.");
		return;
	}
	const struct gql_field_def *f = gql_schema_field(type, sel->name);
	if (!f) {
		REPORT(w, sel->offset, "Cannot query field \"%.*s\" on type \"%.*s\".", STR(sel->name), STR(type->name));
		return;
	}
	char owner[200];
	snprintf(owner, sizeof owner, "field \"%.*s.%.*s\"", STR(type->name), STR(sel->name));
	check_arguments(w, sel->args, f->args, owner, sel->offset);
	const struct gql_type *core = gql_type_core(f->type);
	const struct gql_definition *ft = gql_schema_type(w->c->schema, core->name);
	if (gql_type_is_leaf(ft)) {
		if (sel->selection_set) {
			char tn[160];
			gql_type_print(f->type, tn, sizeof tn);
			REPORT(w, sel->offset, "Field \"%.*s\" must not have a selection since type \"%s\" has no subfields.",
			       STR(sel->name), tn);
		}
		return;
	}
	/* An object without a sub-selection returns the whole object (SPEC §2). */
	if (sel->selection_set && ft)
		walk_selections(w, ft, sel->selection_set, depth + 1);
}

static void walk_selections(struct walk *w, const struct gql_definition *type,
			    const struct gql_selection_set *set, unsigned depth)
{
	if (depth > GQL_MAX_DEPTH) {
		if (!w->limit_reported)
			exec_error(w->c, API_ERR_VALIDATION, set->offset, NULL, NULL,
				   "The operation is nested deeper than %d levels.", GQL_MAX_DEPTH);
		w->limit_reported = true;
		return;
	}
	for (const struct gql_selection *sel = set->first; sel && !w->limit_reported; sel = sel->next) {
		switch (sel->kind) {
		case GQL_SEL_FIELD:
			walk_field(w, type, sel, depth);
			break;
		case GQL_SEL_FRAGMENT_SPREAD:
			walk_spread(w, type, sel, depth);
			break;
		case GQL_SEL_INLINE_FRAGMENT:
			check_directives(w, sel->directives, true);
			if (fragment_type_ok(w, type, sel->type_condition, sel->offset, ""))
				walk_selections(w, type, sel->selection_set, depth);
			break;
		}
	}
}

/* Finds $name anywhere in a value. */
static bool value_uses(const struct gql_value *v, struct gql_str name)
{
	if (!v)
		return false;
	if (v->kind == GQL_VAL_VARIABLE)
		return gql_str_same(v->text, name);
	for (const struct gql_value *i = v->items; i; i = i->next)
		if (value_uses(i, name))
			return true;
	for (const struct gql_object_field *f = v->fields; f; f = f->next)
		if (value_uses(f->value, name))
			return true;
	return false;
}

static bool directives_use(const struct gql_directive *d, struct gql_str name)
{
	for (; d; d = d->next)
		for (const struct gql_argument *a = d->args; a; a = a->next)
			if (value_uses(a->value, name))
				return true;
	return false;
}

static bool selections_use(const struct exec_ctx *c, const struct gql_selection_set *set, struct gql_str name,
			   int depth)
{
	if (!set || depth > 64)
		return false;
	for (const struct gql_selection *s = set->first; s; s = s->next) {
		if (directives_use(s->directives, name))
			return true;
		for (const struct gql_argument *a = s->args; a; a = a->next)
			if (value_uses(a->value, name))
				return true;
		if (s->kind == GQL_SEL_FRAGMENT_SPREAD) {
			const struct gql_definition *f = exec_fragment(c, s->name);
			if (f && selections_use(c, f->selection_set, name, depth + 1))
				return true;
		}
		if (selections_use(c, s->selection_set, name, depth + 1))
			return true;
	}
	return false;
}

static void check_operation(struct walk *w, const struct gql_definition *op)
{
	struct exec_ctx *c = w->c;
	w->op = op;
	w->fields = w->aliases = 0;
	w->limit_reported = false;
	for (const struct gql_variable_def *v = op->variables; v; v = v->next) {
		for (const struct gql_variable_def *u = op->variables; u != v; u = u->next)
			if (gql_str_same(u->name, v->name))
				REPORT(w, v->offset, "There can be only one variable named \"$%.*s\".", STR(v->name));
		const struct gql_type *core = gql_type_core(v->type);
		const struct gql_definition *t = gql_schema_type(c->schema, core->name);
		char tn[160];
		gql_type_print(v->type, tn, sizeof tn);
		if (!t)
			REPORT(w, v->type->offset, "Unknown type \"%.*s\".", STR(core->name));
		else if (!gql_type_is_input(t))
			REPORT(w, v->type->offset, "Variable \"$%.*s\" cannot be non-input type \"%s\".", STR(v->name), tn);
		else if (v->default_value) {
			char what[200];
			snprintf(what, sizeof what, "Variable \"$%.*s\" has invalid default value", STR(v->name));
			check_value(w, v->type, v->default_value, what);
		}
		check_directives(w, v->directives, false);
		if (!selections_use(c, op->selection_set, v->name, 0) && !directives_use(op->directives, v->name)) {
			if (op->name.len)
				REPORT(w, v->offset, "Variable \"$%.*s\" is never used in operation \"%.*s\".",
				       STR(v->name), STR(op->name));
			else
				REPORT(w, v->offset, "Variable \"$%.*s\" is never used.", STR(v->name));
		}
	}
	check_directives(w, op->directives, false);
	const struct gql_definition *root = gql_schema_root(c->schema, op->operation);
	if (!root) {
		REPORT(w, op->offset, "Schema is not configured to execute %s operation.",
		       op->operation == GQL_OP_SUBSCRIPTION ? "subscription" : "this");
		return;
	}
	walk_selections(w, root, op->selection_set, 1);
}

bool gql_validate(struct exec_ctx *c)
{
	struct walk *w = arena_calloc(c->a, sizeof *w);
	w->c = c;
	size_t anonymous = 0, operations = 0;
	for (const struct gql_definition *d = c->doc->first; d; d = d->next) {
		if (d->kind != GQL_DEF_OPERATION && d->kind != GQL_DEF_FRAGMENT) {
			REPORT(w, d->offset, "The %s definition is not executable.",
			       d->name.len ? "type system" : "schema");
			continue;
		}
		if (d->kind == GQL_DEF_OPERATION) {
			operations++;
			anonymous += d->name.len == 0;
		}
		for (const struct gql_definition *e = c->doc->first; e != d; e = e->next)
			if (e->kind == d->kind && d->name.len && gql_str_same(e->name, d->name))
				REPORT(w, d->offset, "There can be only one %s named \"%.*s\".",
				       d->kind == GQL_DEF_OPERATION ? "operation" : "fragment", STR(d->name));
	}
	if (anonymous && operations > 1)
		for (const struct gql_definition *d = c->doc->first; d; d = d->next)
			if (d->kind == GQL_DEF_OPERATION && !d->name.len)
				REPORT(w, d->offset, "This anonymous operation must be the only defined operation.");
	if (json_array_size(c->errors))
		return false;

	for (const struct gql_definition *d = c->doc->first; d; d = d->next)
		if (d->kind == GQL_DEF_OPERATION)
			check_operation(w, d);
	int i = 0;
	for (const struct gql_definition *d = c->doc->first; d; d = d->next, i++) {
		if (d->kind != GQL_DEF_FRAGMENT || i >= 256)
			continue;
		if (!w->used[i])
			REPORT(w, d->offset, "Fragment \"%.*s\" is never used.", STR(d->name));
		else
			check_directives(w, d->directives, true);
	}
	return json_array_size(c->errors) == 0;
}
