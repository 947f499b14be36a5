/*
 * parser.c - recursive-descent GraphQL parser (see parser.h for the contract).
 *
 * One token of lookahead, no backtracking. Errors longjmp straight back to
 * gql_parse: every node lives in the arena and nothing needs unwinding, so
 * the grammar functions stay free of error plumbing. Grammar and messages
 * follow graphql-js 16 (parser.ts). Recursion happens only through selection
 * sets, list/object values and list types, and each of those passes through
 * enter(), which enforces the depth limit, so the C stack is bounded too.
 */
#include "graphql/parser.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "graphql/lexer.h"

/* Even with max_depth == 0 ("no limit") recursion stops here, so a hostile
 * document can never exhaust the stack (about 300 bytes of stack a level). */
#define HARD_MAX_DEPTH 1000u

struct parser {
	struct gql_lexer lx;
	struct gql_token tok; /* the current token */
	struct arena *a;
	size_t tokens;        /* non-EOF tokens read so far */
	size_t max_tokens;    /* 0: unlimited */
	unsigned depth;
	unsigned max_depth;
	struct gql_parse_error *err;
	jmp_buf fail;
};

static NORETURN PRINTF_LIKE(3, 4) void fail_at(struct parser *p, uint32_t off,
					       const char *fmt, ...)
{
	static const char prefix[] = "Syntax Error: ";
	va_list ap;
	memcpy(p->err->message, prefix, sizeof prefix);
	va_start(ap, fmt);
	vsnprintf(p->err->message + sizeof prefix - 1,
		  sizeof p->err->message - (sizeof prefix - 1), fmt, ap);
	va_end(ap);
	p->err->offset = off;
	longjmp(p->fail, 1);
}

/*
 * Describes the current token like graphql-js getTokenDesc: `"{"`, `<EOF>`,
 * `Name "foo"`, `String "text"`. Values are cut at 60 bytes on a UTF-8
 * character boundary and at a NUL, so the message stays valid UTF-8.
 */
static const char *tok_desc(const struct gql_token *t, char *buf, size_t cap)
{
	const char *kind = gql_token_kind_desc(t->kind);
	size_t n = 0;
	switch (t->kind) {
	case GQL_TOK_NAME:
	case GQL_TOK_INT:
	case GQL_TOK_FLOAT:
	case GQL_TOK_STRING:
	case GQL_TOK_BLOCK_STRING:
		while (n < t->value.len && t->value.ptr[n] != '\0')
			n++;
		if (n > 60) {
			n = 60;
			while (n > 0 && ((unsigned char)t->value.ptr[n] & 0xC0) == 0x80)
				n--;
		}
		snprintf(buf, cap, "%s \"%.*s\"", kind, (int)n, t->value.ptr);
		return buf;
	case GQL_TOK_EOF:
	case GQL_TOK_BANG:
	case GQL_TOK_DOLLAR:
	case GQL_TOK_AMP:
	case GQL_TOK_PAREN_L:
	case GQL_TOK_PAREN_R:
	case GQL_TOK_SPREAD:
	case GQL_TOK_COLON:
	case GQL_TOK_EQUALS:
	case GQL_TOK_AT:
	case GQL_TOK_BRACKET_L:
	case GQL_TOK_BRACKET_R:
	case GQL_TOK_BRACE_L:
	case GQL_TOK_PIPE:
	case GQL_TOK_BRACE_R:
		break;
	}
	return kind;
}

static NORETURN void unexpected_token(struct parser *p, const struct gql_token *t)
{
	char buf[96];
	fail_at(p, t->offset, "Unexpected %s.", tok_desc(t, buf, sizeof buf));
}

static NORETURN void unexpected(struct parser *p)
{
	unexpected_token(p, &p->tok);
}

static void advance(struct parser *p)
{
	if (gql_lex_next(&p->lx, &p->tok)) {
		p->err->offset = p->lx.error_offset;
		snprintf(p->err->message, sizeof p->err->message, "%s", p->lx.error);
		longjmp(p->fail, 1);
	}
	if (p->tok.kind != GQL_TOK_EOF && ++p->tokens > p->max_tokens && p->max_tokens)
		fail_at(p, p->tok.offset,
			"Document contains more than %zu tokens. Parsing aborted.",
			p->max_tokens);
}

static bool peek(const struct parser *p, enum gql_token_kind kind)
{
	return p->tok.kind == kind;
}

static void expect(struct parser *p, enum gql_token_kind kind)
{
	char buf[96];
	if (p->tok.kind != kind)
		fail_at(p, p->tok.offset, "Expected %s, found %s.",
			gql_token_kind_desc(kind), tok_desc(&p->tok, buf, sizeof buf));
	advance(p);
}

static bool skip(struct parser *p, enum gql_token_kind kind)
{
	if (p->tok.kind != kind)
		return false;
	advance(p);
	return true;
}

static bool at_keyword(const struct parser *p, const char *kw)
{
	return p->tok.kind == GQL_TOK_NAME && gql_str_eq(p->tok.value, kw);
}

static void expect_keyword(struct parser *p, const char *kw)
{
	char buf[96];
	if (!at_keyword(p, kw))
		fail_at(p, p->tok.offset, "Expected \"%s\", found %s.", kw,
			tok_desc(&p->tok, buf, sizeof buf));
	advance(p);
}

static bool skip_keyword(struct parser *p, const char *kw)
{
	if (!at_keyword(p, kw))
		return false;
	advance(p);
	return true;
}

static struct gql_str parse_name(struct parser *p, uint32_t *offset)
{
	struct gql_str name = p->tok.value;
	if (offset)
		*offset = p->tok.offset;
	expect(p, GQL_TOK_NAME);
	return name;
}

/* Entering a nested construct that recurses; leave() undoes it. */
static void enter(struct parser *p, uint32_t offset)
{
	if (++p->depth > p->max_depth)
		fail_at(p, offset, "Document nesting exceeds %u levels.", p->max_depth);
}

static void leave(struct parser *p)
{
	p->depth--;
}

static void *node(struct parser *p, size_t size)
{
	return arena_calloc(p->a, size);
}

/* An optional description (string or block string) before a definition,
 * field, argument, enum value, input field or variable definition. */
static struct gql_str parse_description(struct parser *p)
{
	struct gql_str d = { NULL, 0 };
	if (peek(p, GQL_TOK_STRING) || peek(p, GQL_TOK_BLOCK_STRING)) {
		d = p->tok.value;
		advance(p);
	}
	return d;
}

/* ---- values and types ---- */

static struct gql_value *parse_value(struct parser *p, bool is_const)
{
	struct gql_value *v = node(p, sizeof *v);
	v->offset = p->tok.offset;
	switch (p->tok.kind) {
	case GQL_TOK_BRACKET_L: {
		struct gql_value **tail = &v->items;
		v->kind = GQL_VAL_LIST;
		enter(p, v->offset);
		advance(p);
		while (!skip(p, GQL_TOK_BRACKET_R)) {
			*tail = parse_value(p, is_const);
			tail = &(*tail)->next;
		}
		leave(p);
		return v;
	}
	case GQL_TOK_BRACE_L: {
		struct gql_object_field **tail = &v->fields;
		v->kind = GQL_VAL_OBJECT;
		enter(p, v->offset);
		advance(p);
		while (!skip(p, GQL_TOK_BRACE_R)) {
			struct gql_object_field *f = node(p, sizeof *f);
			f->name = parse_name(p, &f->offset);
			expect(p, GQL_TOK_COLON);
			f->value = parse_value(p, is_const);
			*tail = f;
			tail = &f->next;
		}
		leave(p);
		return v;
	}
	case GQL_TOK_INT:
		v->kind = GQL_VAL_INT;
		break;
	case GQL_TOK_FLOAT:
		v->kind = GQL_VAL_FLOAT;
		break;
	case GQL_TOK_BLOCK_STRING:
		v->block = true;
		/* fall through */
	case GQL_TOK_STRING:
		v->kind = GQL_VAL_STRING;
		break;
	case GQL_TOK_NAME:
		if (gql_str_eq(p->tok.value, "true") || gql_str_eq(p->tok.value, "false")) {
			v->kind = GQL_VAL_BOOLEAN;
			v->boolean = p->tok.value.len == 4;
		} else if (gql_str_eq(p->tok.value, "null")) {
			v->kind = GQL_VAL_NULL;
		} else {
			v->kind = GQL_VAL_ENUM;
		}
		break;
	case GQL_TOK_DOLLAR:
		advance(p);
		if (is_const) {
			if (peek(p, GQL_TOK_NAME))
				fail_at(p, v->offset,
					"Unexpected variable \"$%.*s\" in constant value.",
					(int)p->tok.value.len, p->tok.value.ptr);
			fail_at(p, v->offset, "Unexpected \"$\".");
		}
		v->kind = GQL_VAL_VARIABLE;
		v->text = parse_name(p, NULL);
		return v;
	case GQL_TOK_EOF:
	case GQL_TOK_BANG:
	case GQL_TOK_AMP:
	case GQL_TOK_PAREN_L:
	case GQL_TOK_PAREN_R:
	case GQL_TOK_SPREAD:
	case GQL_TOK_COLON:
	case GQL_TOK_EQUALS:
	case GQL_TOK_AT:
	case GQL_TOK_BRACKET_R:
	case GQL_TOK_PIPE:
	case GQL_TOK_BRACE_R:
		unexpected(p);
	}
	v->text = p->tok.value;
	advance(p);
	return v;
}

static struct gql_type *parse_type(struct parser *p)
{
	struct gql_type *t = node(p, sizeof *t);
	t->offset = p->tok.offset;
	if (skip(p, GQL_TOK_BRACKET_L)) {
		t->kind = GQL_TYPE_LIST;
		enter(p, t->offset);
		t->of = parse_type(p);
		leave(p);
		expect(p, GQL_TOK_BRACKET_R);
	} else {
		t->kind = GQL_TYPE_NAMED;
		t->name = parse_name(p, NULL);
	}
	if (peek(p, GQL_TOK_BANG)) {
		struct gql_type *nn = node(p, sizeof *nn);
		nn->kind = GQL_TYPE_NON_NULL;
		nn->offset = t->offset;
		nn->of = t;
		advance(p);
		return nn;
	}
	return t;
}

static struct gql_argument *parse_arguments(struct parser *p, bool is_const)
{
	struct gql_argument *head = NULL, **tail = &head;
	if (!skip(p, GQL_TOK_PAREN_L))
		return NULL;
	do {
		struct gql_argument *arg = node(p, sizeof *arg);
		arg->name = parse_name(p, &arg->offset);
		expect(p, GQL_TOK_COLON);
		arg->value = parse_value(p, is_const);
		*tail = arg;
		tail = &arg->next;
	} while (!skip(p, GQL_TOK_PAREN_R));
	return head;
}

static struct gql_directive *parse_directives(struct parser *p, bool is_const)
{
	struct gql_directive *head = NULL, **tail = &head;
	while (peek(p, GQL_TOK_AT)) {
		struct gql_directive *d = node(p, sizeof *d);
		d->offset = p->tok.offset;
		advance(p);
		d->name = parse_name(p, NULL);
		d->args = parse_arguments(p, is_const);
		*tail = d;
		tail = &d->next;
	}
	return head;
}

/* ---- executable definitions ---- */

static struct gql_selection_set *parse_selection_set(struct parser *p);

static struct gql_str parse_fragment_name(struct parser *p, uint32_t *offset)
{
	if (at_keyword(p, "on"))
		unexpected(p);
	return parse_name(p, offset);
}

static struct gql_selection *parse_selection(struct parser *p)
{
	struct gql_selection *s = node(p, sizeof *s);
	s->offset = p->tok.offset;
	if (skip(p, GQL_TOK_SPREAD)) {
		bool has_on = skip_keyword(p, "on");
		if (!has_on && peek(p, GQL_TOK_NAME)) {
			s->kind = GQL_SEL_FRAGMENT_SPREAD;
			s->name = parse_fragment_name(p, NULL);
			s->directives = parse_directives(p, false);
			return s;
		}
		s->kind = GQL_SEL_INLINE_FRAGMENT;
		if (has_on)
			s->type_condition = parse_name(p, NULL);
		s->directives = parse_directives(p, false);
		s->selection_set = parse_selection_set(p);
		return s;
	}
	s->kind = GQL_SEL_FIELD;
	s->name = parse_name(p, NULL);
	if (skip(p, GQL_TOK_COLON)) {
		s->alias = s->name;
		s->name = parse_name(p, NULL);
	}
	s->args = parse_arguments(p, false);
	s->directives = parse_directives(p, false);
	if (peek(p, GQL_TOK_BRACE_L))
		s->selection_set = parse_selection_set(p);
	return s;
}

static struct gql_selection_set *parse_selection_set(struct parser *p)
{
	struct gql_selection_set *set = node(p, sizeof *set);
	struct gql_selection **tail = &set->first;
	set->offset = p->tok.offset;
	if (!peek(p, GQL_TOK_BRACE_L))
		expect(p, GQL_TOK_BRACE_L);
	enter(p, set->offset);
	advance(p);
	do {
		*tail = parse_selection(p);
		tail = &(*tail)->next;
	} while (!skip(p, GQL_TOK_BRACE_R));
	leave(p);
	return set;
}

/* Like graphql-js, the name is consumed before it is judged, so a lexer
 * error right after it wins over "Unexpected Name". */
static enum gql_operation_kind parse_operation_type(struct parser *p)
{
	struct gql_token t = p->tok;
	expect(p, GQL_TOK_NAME);
	if (gql_str_eq(t.value, "query"))
		return GQL_OP_QUERY;
	if (gql_str_eq(t.value, "mutation"))
		return GQL_OP_MUTATION;
	if (gql_str_eq(t.value, "subscription"))
		return GQL_OP_SUBSCRIPTION;
	unexpected_token(p, &t);
}

static struct gql_variable_def *parse_variable_defs(struct parser *p)
{
	struct gql_variable_def *head = NULL, **tail = &head;
	if (!skip(p, GQL_TOK_PAREN_L))
		return NULL;
	do {
		struct gql_variable_def *v = node(p, sizeof *v);
		v->description = parse_description(p);
		v->offset = p->tok.offset;
		expect(p, GQL_TOK_DOLLAR);
		v->name = parse_name(p, NULL);
		expect(p, GQL_TOK_COLON);
		v->type = parse_type(p);
		if (skip(p, GQL_TOK_EQUALS))
			v->default_value = parse_value(p, true);
		v->directives = parse_directives(p, true);
		*tail = v;
		tail = &v->next;
	} while (!skip(p, GQL_TOK_PAREN_R));
	return head;
}

static void parse_operation(struct parser *p, struct gql_definition *d)
{
	d->kind = GQL_DEF_OPERATION;
	if (peek(p, GQL_TOK_BRACE_L)) {
		d->operation = GQL_OP_QUERY;
		d->shorthand = true;
		d->selection_set = parse_selection_set(p);
		return;
	}
	d->operation = parse_operation_type(p);
	if (peek(p, GQL_TOK_NAME))
		d->name = parse_name(p, NULL);
	d->variables = parse_variable_defs(p);
	d->directives = parse_directives(p, false);
	d->selection_set = parse_selection_set(p);
}

static void parse_fragment(struct parser *p, struct gql_definition *d)
{
	d->kind = GQL_DEF_FRAGMENT;
	advance(p); /* fragment */
	d->name = parse_fragment_name(p, NULL);
	expect_keyword(p, "on");
	d->type_condition = parse_name(p, NULL);
	d->directives = parse_directives(p, false);
	d->selection_set = parse_selection_set(p);
}

/* ---- type system definitions ---- */

static struct gql_name_list *name_item(struct parser *p)
{
	struct gql_name_list *n = node(p, sizeof *n);
	n->name = parse_name(p, &n->offset);
	return n;
}

/* `A & B & C` or `A | B`, with an optional leading delimiter. */
static struct gql_name_list *parse_names(struct parser *p, enum gql_token_kind delim)
{
	struct gql_name_list *head = NULL, **tail = &head;
	skip(p, delim);
	do {
		*tail = name_item(p);
		tail = &(*tail)->next;
	} while (skip(p, delim));
	return head;
}

static struct gql_input_value_def *parse_input_value_defs(struct parser *p,
							  enum gql_token_kind open,
							  enum gql_token_kind close)
{
	struct gql_input_value_def *head = NULL, **tail = &head;
	if (!skip(p, open))
		return NULL;
	do {
		struct gql_input_value_def *v = node(p, sizeof *v);
		v->description = parse_description(p);
		v->name = parse_name(p, &v->offset);
		expect(p, GQL_TOK_COLON);
		v->type = parse_type(p);
		if (skip(p, GQL_TOK_EQUALS))
			v->default_value = parse_value(p, true);
		v->directives = parse_directives(p, true);
		*tail = v;
		tail = &v->next;
	} while (!skip(p, close));
	return head;
}

static struct gql_field_def *parse_field_defs(struct parser *p)
{
	struct gql_field_def *head = NULL, **tail = &head;
	if (!skip(p, GQL_TOK_BRACE_L))
		return NULL;
	do {
		struct gql_field_def *f = node(p, sizeof *f);
		f->description = parse_description(p);
		f->name = parse_name(p, &f->offset);
		f->args = parse_input_value_defs(p, GQL_TOK_PAREN_L, GQL_TOK_PAREN_R);
		expect(p, GQL_TOK_COLON);
		f->type = parse_type(p);
		f->directives = parse_directives(p, true);
		*tail = f;
		tail = &f->next;
	} while (!skip(p, GQL_TOK_BRACE_R));
	return head;
}

static struct gql_enum_value_def *parse_enum_values(struct parser *p)
{
	struct gql_enum_value_def *head = NULL, **tail = &head;
	char buf[96];
	if (!skip(p, GQL_TOK_BRACE_L))
		return NULL;
	do {
		struct gql_enum_value_def *e = node(p, sizeof *e);
		e->description = parse_description(p);
		if (at_keyword(p, "true") || at_keyword(p, "false") || at_keyword(p, "null"))
			fail_at(p, p->tok.offset,
				"%s is reserved and cannot be used for an enum value.",
				tok_desc(&p->tok, buf, sizeof buf));
		e->name = parse_name(p, &e->offset);
		e->directives = parse_directives(p, true);
		*tail = e;
		tail = &e->next;
	} while (!skip(p, GQL_TOK_BRACE_R));
	return head;
}

static struct gql_root_op *parse_root_ops(struct parser *p, bool required)
{
	struct gql_root_op *head = NULL, **tail = &head;
	if (required)
		expect(p, GQL_TOK_BRACE_L);
	else if (!skip(p, GQL_TOK_BRACE_L))
		return NULL;
	do {
		struct gql_root_op *r = node(p, sizeof *r);
		r->offset = p->tok.offset;
		r->operation = parse_operation_type(p);
		expect(p, GQL_TOK_COLON);
		r->type_name = parse_name(p, NULL);
		*tail = r;
		tail = &r->next;
	} while (!skip(p, GQL_TOK_BRACE_R));
	return head;
}

static bool is_directive_location(struct gql_str s)
{
	static const char *const locations[] = {
		"QUERY", "MUTATION", "SUBSCRIPTION", "FIELD", "FRAGMENT_DEFINITION",
		"FRAGMENT_SPREAD", "INLINE_FRAGMENT", "VARIABLE_DEFINITION",
		"SCHEMA", "SCALAR", "OBJECT", "FIELD_DEFINITION",
		"ARGUMENT_DEFINITION", "INTERFACE", "UNION", "ENUM", "ENUM_VALUE",
		"INPUT_OBJECT", "INPUT_FIELD_DEFINITION",
	};
	for (size_t i = 0; i < ARRAY_LEN(locations); i++)
		if (gql_str_eq(s, locations[i]))
			return true;
	return false;
}

static void parse_directive_def(struct parser *p, struct gql_definition *d)
{
	struct gql_name_list **tail = &d->names;
	d->kind = GQL_DEF_DIRECTIVE;
	expect(p, GQL_TOK_AT);
	d->name = parse_name(p, NULL);
	d->input_values = parse_input_value_defs(p, GQL_TOK_PAREN_L, GQL_TOK_PAREN_R);
	d->repeatable = skip_keyword(p, "repeatable");
	expect_keyword(p, "on");
	skip(p, GQL_TOK_PIPE);
	do {
		struct gql_token t = p->tok;
		*tail = name_item(p);
		if (!is_directive_location(t.value))
			unexpected_token(p, &t);
		tail = &(*tail)->next;
	} while (skip(p, GQL_TOK_PIPE));
}

/*
 * The definition or extension that starts with the keyword at the current
 * token (already known to be one of schema/scalar/type/interface/union/
 * enum/input/directive). An extension must add something.
 */
static void parse_type_system(struct parser *p, struct gql_definition *d)
{
	struct gql_str kw = p->tok.value;
	bool ext = d->extension, empty;
	advance(p);
	if (gql_str_eq(kw, "schema")) {
		d->kind = GQL_DEF_SCHEMA;
		d->directives = parse_directives(p, true);
		d->root_ops = parse_root_ops(p, !ext);
		empty = !d->directives && !d->root_ops;
	} else if (gql_str_eq(kw, "directive")) {
		parse_directive_def(p, d);
		return;
	} else {
		d->name = parse_name(p, NULL);
		if (gql_str_eq(kw, "scalar")) {
			d->kind = GQL_DEF_SCALAR;
			d->directives = parse_directives(p, true);
			empty = !d->directives;
		} else if (gql_str_eq(kw, "type") || gql_str_eq(kw, "interface")) {
			d->kind = kw.len == 4 ? GQL_DEF_OBJECT : GQL_DEF_INTERFACE;
			if (skip_keyword(p, "implements"))
				d->names = parse_names(p, GQL_TOK_AMP);
			d->directives = parse_directives(p, true);
			d->fields = parse_field_defs(p);
			empty = !d->names && !d->directives && !d->fields;
		} else if (gql_str_eq(kw, "union")) {
			d->kind = GQL_DEF_UNION;
			d->directives = parse_directives(p, true);
			if (skip(p, GQL_TOK_EQUALS))
				d->names = parse_names(p, GQL_TOK_PIPE);
			empty = !d->directives && !d->names;
		} else if (gql_str_eq(kw, "enum")) {
			d->kind = GQL_DEF_ENUM;
			d->directives = parse_directives(p, true);
			d->enum_values = parse_enum_values(p);
			empty = !d->directives && !d->enum_values;
		} else {
			d->kind = GQL_DEF_INPUT_OBJECT;
			d->directives = parse_directives(p, true);
			d->input_values = parse_input_value_defs(p, GQL_TOK_BRACE_L, GQL_TOK_BRACE_R);
			empty = !d->directives && !d->input_values;
		}
	}
	if (ext && empty)
		unexpected(p);
}

static bool at_type_system_keyword(const struct parser *p, bool extension)
{
	static const char *const kws[] = {
		"schema", "scalar", "type", "interface", "union", "enum", "input",
		"directive", /* last: not extensible */
	};
	if (!peek(p, GQL_TOK_NAME))
		return false;
	for (size_t i = 0; i < ARRAY_LEN(kws) - extension; i++)
		if (gql_str_eq(p->tok.value, kws[i]))
			return true;
	return false;
}

/*
 * Descriptions may precede type-system definitions and, since the September
 * 2025 specification (graphql-js 16.11+), operations and fragments too, but
 * not a shorthand query or an extension.
 */
static struct gql_definition *parse_definition(struct parser *p)
{
	struct gql_definition *d = node(p, sizeof *d);
	uint32_t desc_offset;
	d->offset = desc_offset = p->tok.offset;
	if (peek(p, GQL_TOK_BRACE_L)) {
		parse_operation(p, d);
		return d;
	}
	d->description = parse_description(p);
	bool has_desc = p->tok.offset != desc_offset;
	if (has_desc && peek(p, GQL_TOK_BRACE_L))
		fail_at(p, desc_offset, "Unexpected description, descriptions are not "
			"supported on shorthand queries.");
	if (!peek(p, GQL_TOK_NAME))
		unexpected(p);
	if (at_type_system_keyword(p, false)) {
		parse_type_system(p, d);
	} else if (at_keyword(p, "query") || at_keyword(p, "mutation") ||
		   at_keyword(p, "subscription")) {
		parse_operation(p, d);
	} else if (at_keyword(p, "fragment")) {
		parse_fragment(p, d);
	} else if (has_desc) {
		fail_at(p, desc_offset, "Unexpected description, only GraphQL definitions "
			"support descriptions.");
	} else if (at_keyword(p, "extend")) {
		advance(p);
		if (!at_type_system_keyword(p, true))
			unexpected(p);
		d->extension = true;
		parse_type_system(p, d);
	} else {
		unexpected(p);
	}
	return d;
}

/* Separate from gql_parse so that no local of the function that called
 * setjmp changes between setjmp and longjmp (C11 7.13.2.1p3). */
static struct gql_document *parse_document(struct parser *p)
{
	struct gql_document *doc = node(p, sizeof *doc);
	struct gql_definition **tail = &doc->first;
	advance(p);
	do {
		*tail = parse_definition(p);
		tail = &(*tail)->next;
	} while (!peek(p, GQL_TOK_EOF));
	doc->token_count = p->tokens;
	return doc;
}

int gql_parse(struct arena *a, const char *src, size_t len,
	      const struct gql_limits *limits, struct gql_document **out,
	      struct gql_parse_error *err)
{
	struct parser p;
	struct gql_parse_error scratch;
	unsigned max_depth = limits ? limits->max_depth : GQL_DEFAULT_MAX_DEPTH;
	*out = NULL;
	p.err = err ? err : &scratch;
	if (len > UINT32_MAX) {
		/* Offsets are 32-bit; the body limit keeps us far below this. */
		p.err->offset = 0;
		snprintf(p.err->message, sizeof p.err->message,
			 "Syntax Error: Document is too large.");
		return -1;
	}
	gql_lexer_init(&p.lx, a, src, len);
	p.a = a;
	p.tokens = 0;
	p.max_tokens = limits ? limits->max_tokens : GQL_DEFAULT_MAX_TOKENS;
	p.depth = 0;
	p.max_depth = max_depth == 0 || max_depth > HARD_MAX_DEPTH ? HARD_MAX_DEPTH : max_depth;
	if (setjmp(p.fail))
		return -1;
	*out = parse_document(&p);
	return 0;
}

void gql_location(const char *src, size_t len, uint32_t offset,
		  unsigned *line, unsigned *column)
{
	unsigned l = 1, c = 1;
	size_t end = offset < len ? offset : len;
	for (size_t i = 0; i < end; i++) {
		unsigned char b = (unsigned char)src[i];
		if (b == '\n' || (b == '\r' && (i + 1 >= len || src[i + 1] != '\n'))) {
			l++;
			c = 1;
		} else if (b != '\r' && (b & 0xC0) != 0x80) {
			/* Continuation bytes belong to the character before them. */
			c++;
		}
	}
	*line = l;
	*column = c;
}
