/*
 * test_parser.c - unit tests for src/graphql/parser.c.
 *
 * Parses our own schema.graphql (path from $SCHEMA_GRAPHQL, else SRCDIR),
 * every request document on the developer page (seed/developer-page.txt),
 * and executable and type-system snippets that exercise each production,
 * checking the AST shape. Error cases assert the exact message plus line
 * and column from gql_location, including the token and depth limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/arena.h"
#include "graphql/parser.h"

static struct arena *arena;

static int setup(void **state)
{
	(void)state;
	arena = arena_new(64 * 1024);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(arena_pending_defers(arena), 0);
	arena_free(arena);
	return 0;
}

/* ---- helpers ---- */

static struct gql_document *parse_len(const char *src, size_t len,
				      const struct gql_limits *limits)
{
	struct gql_document *doc = (void *)1;
	struct gql_parse_error err;
	if (gql_parse(arena, src, len, limits, &doc, &err)) {
		unsigned line, col;
		assert_null(doc);
		gql_location(src, len, err.offset, &line, &col);
		fail_msg("parse failed at %u:%u: %s", line, col, err.message);
	}
	assert_non_null(doc);
	return doc;
}

static struct gql_document *parse_ok(const char *src)
{
	return parse_len(src, strlen(src), NULL);
}

static void expect_error_len(const char *src, size_t len, const struct gql_limits *limits,
			     const char *msg, unsigned want_line, unsigned want_col)
{
	struct gql_document *doc = (void *)1;
	struct gql_parse_error err;
	unsigned line, col;
	if (gql_parse(arena, src, len, limits, &doc, &err) == 0)
		fail_msg("expected \"%s\" for <%.60s>", msg, src);
	assert_null(doc);
	assert_string_equal(err.message, msg);
	gql_location(src, len, err.offset, &line, &col);
	if (line != want_line || col != want_col)
		fail_msg("%s: at %u:%u, want %u:%u", msg, line, col, want_line, want_col);
}

static void expect_error(const char *src, const char *msg, unsigned line, unsigned col)
{
	expect_error_len(src, strlen(src), NULL, msg, line, col);
}

static void assert_str(struct gql_str s, const char *want)
{
	if (!gql_str_eq(s, want))
		fail_msg("got \"%.*s\", want \"%s\"", (int)s.len, s.ptr ? s.ptr : "", want);
}

static struct gql_selection *sel(struct gql_selection_set *set, int i)
{
	assert_non_null(set);
	struct gql_selection *s = set->first;
	for (; s && i > 0; i--)
		s = s->next;
	assert_non_null(s);
	return s;
}

static int count_sel(const struct gql_selection_set *set)
{
	int n = 0;
	for (const struct gql_selection *s = set ? set->first : NULL; s; s = s->next)
		n++;
	return n;
}

/* The i-th field selection, with its name (and alias, NULL for none). */
static struct gql_selection *field(struct gql_selection_set *set, int i, const char *name,
				   const char *alias)
{
	struct gql_selection *s = sel(set, i);
	assert_int_equal(s->kind, GQL_SEL_FIELD);
	assert_str(s->name, name);
	assert_str(s->alias, alias ? alias : "");
	return s;
}

/* Fields of set are exactly the space-separated names in list, leaves. */
static void leaves(struct gql_selection_set *set, const char *list)
{
	char buf[512];
	int i = 0;
	snprintf(buf, sizeof buf, "%s", list);
	for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " "), i++) {
		struct gql_selection *s = field(set, i, tok, NULL);
		assert_null(s->selection_set);
		assert_null(s->args);
	}
	assert_int_equal(count_sel(set), i);
}

static struct gql_value *arg(struct gql_argument *args, const char *name)
{
	for (; args; args = args->next)
		if (gql_str_eq(args->name, name))
			return args->value;
	fail_msg("no argument %s", name);
	return NULL;
}

static struct gql_value *ofield(struct gql_value *obj, const char *name)
{
	assert_non_null(obj);
	assert_int_equal(obj->kind, GQL_VAL_OBJECT);
	for (struct gql_object_field *f = obj->fields; f; f = f->next)
		if (gql_str_eq(f->name, name))
			return f->value;
	fail_msg("no object field %s", name);
	return NULL;
}

static void assert_value(const struct gql_value *v, enum gql_value_kind kind, const char *text)
{
	assert_non_null(v);
	assert_int_equal(v->kind, kind);
	if (text)
		assert_str(v->text, text);
}

/* Checks a type reference against its printed form, e.g. "[Int!]!". */
static void assert_type(const struct gql_type *t, const char *want)
{
	char buf[128];
	size_t n = 0;
	const struct gql_type *stack[16];
	int depth = 0;
	/* Print recursively with an explicit stack of closers. */
	for (; t; t = t->of) {
		assert_true(depth < 16);
		stack[depth++] = t;
		if (t->kind == GQL_TYPE_LIST)
			buf[n++] = '[';
		else if (t->kind == GQL_TYPE_NAMED) {
			memcpy(buf + n, t->name.ptr, t->name.len);
			n += t->name.len;
		}
	}
	while (depth-- > 0) {
		if (stack[depth]->kind == GQL_TYPE_LIST)
			buf[n++] = ']';
		else if (stack[depth]->kind == GQL_TYPE_NON_NULL)
			buf[n++] = '!';
	}
	buf[n] = '\0';
	assert_string_equal(buf, want);
}

static int count_defs(const struct gql_document *doc)
{
	int n = 0;
	for (const struct gql_definition *d = doc->first; d; d = d->next)
		n++;
	return n;
}

static struct gql_definition *def_named(struct gql_document *doc, enum gql_definition_kind kind,
					const char *name)
{
	for (struct gql_definition *d = doc->first; d; d = d->next)
		if (d->kind == kind && gql_str_eq(d->name, name))
			return d;
	fail_msg("no definition %s", name);
	return NULL;
}

static struct gql_field_def *fdef(struct gql_definition *d, const char *name)
{
	for (struct gql_field_def *f = d->fields; f; f = f->next)
		if (gql_str_eq(f->name, name))
			return f;
	fail_msg("no field %s", name);
	return NULL;
}

static struct gql_input_value_def *ivdef(struct gql_input_value_def *v, const char *name)
{
	for (; v; v = v->next)
		if (gql_str_eq(v->name, name))
			return v;
	fail_msg("no input value %s", name);
	return NULL;
}

static void assert_enum_values(const struct gql_definition *d, const char *list)
{
	char buf[512];
	const struct gql_enum_value_def *e = d->enum_values;
	snprintf(buf, sizeof buf, "%s", list);
	for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " ")) {
		assert_non_null(e);
		assert_str(e->name, tok);
		e = e->next;
	}
	assert_null(e);
}

static void assert_names(const struct gql_name_list *n, const char *list)
{
	char buf[512];
	snprintf(buf, sizeof buf, "%s", list);
	for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " ")) {
		assert_non_null(n);
		assert_str(n->name, tok);
		n = n->next;
	}
	assert_null(n);
}

/* The single operation of a one-definition document. */
static struct gql_definition *only_op(struct gql_document *doc, enum gql_operation_kind op,
				      const char *name)
{
	assert_int_equal(count_defs(doc), 1);
	struct gql_definition *d = doc->first;
	assert_int_equal(d->kind, GQL_DEF_OPERATION);
	assert_int_equal(d->operation, op);
	assert_str(d->name, name);
	return d;
}

static void assert_one_var(const struct gql_definition *d, const char *name, const char *type)
{
	assert_non_null(d->variables);
	assert_str(d->variables->name, name);
	assert_type(d->variables->type, type);
	assert_null(d->variables->default_value);
	assert_null(d->variables->next);
}

/* ---- the schema file ---- */

static char *read_schema(size_t *len)
{
	const char *path = getenv("SCHEMA_GRAPHQL");
#ifdef SRCDIR
	if (!path || !*path)
		path = SRCDIR "/src/graphql/schema.graphql";
#endif
	if (!path)
		fail_msg("set SCHEMA_GRAPHQL or build with -DSRCDIR");
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	char *buf = malloc(1 << 20);
	assert_non_null(buf);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	assert_true(*len > 0 && *len < (1 << 20));
	return buf;
}

static void test_schema_file(void **state)
{
	(void)state;
	size_t len;
	char *src = read_schema(&len);
	struct gql_document *doc = parse_len(src, len, NULL);
	int scalars = 0, enums = 0, inputs = 0, objects = 0;
	for (struct gql_definition *d = doc->first; d; d = d->next) {
		assert_false(d->extension);
		scalars += d->kind == GQL_DEF_SCALAR;
		enums += d->kind == GQL_DEF_ENUM;
		inputs += d->kind == GQL_DEF_INPUT_OBJECT;
		objects += d->kind == GQL_DEF_OBJECT;
	}
	assert_int_equal(count_defs(doc), 27);
	assert_int_equal(scalars, 2);
	assert_int_equal(enums, 5);
	assert_int_equal(inputs, 3);
	assert_int_equal(objects, 17);
	assert_true(doc->token_count > 500);

	/* Scalars, with their descriptions. */
	struct gql_definition *d = def_named(doc, GQL_DEF_SCALAR, "JSON");
	assert_str(d->description, "Any JSON value (object, array, string, number, boolean, null).");
	d = def_named(doc, GQL_DEF_SCALAR, "DateTime");
	assert_str(d->description, "An RFC 3339 timestamp in UTC, e.g. 2026-11-24T05:24:13Z.");

	/* Enums. */
	d = def_named(doc, GQL_DEF_ENUM, "GenerationType");
	assert_int_equal(d->description.len, 0);
	assert_enum_values(d, "VIDEO IMAGE AUDIO AVATAR");
	d = def_named(doc, GQL_DEF_ENUM, "GenerationStatus");
	assert_enum_values(d, "PENDING PROCESSING COMPLETED FAILED CANCELLED");
	assert_str(d->enum_values->description,
		   "Accepted, waiting for the scheduler to submit it to a provider.");
	assert_str(d->enum_values->next->description,
		   "Submitted to a provider; progress moves from 0 to 100.");
	assert_int_equal(d->enum_values->next->next->description.len, 0);
	d = def_named(doc, GQL_DEF_ENUM, "Priority");
	assert_str(d->description, "How auto-selection ranks providers when `provider` is omitted.");
	assert_enum_values(d, "BALANCED QUALITY SPEED COST");
	d = def_named(doc, GQL_DEF_ENUM, "ErrorCode");
	assert_enum_values(d, "INSUFFICIENT_CREDITS RATE_LIMIT INVALID_INPUT PROVIDER_UNAVAILABLE "
			   "GENERATION_FAILED UNAUTHENTICATED FORBIDDEN NOT_FOUND "
			   "IDEMPOTENCY_CONFLICT INTERNAL_ERROR");
	assert_enum_values(def_named(doc, GQL_DEF_ENUM, "Plan"), "FREE STARTER PRO ENTERPRISE");

	/* Input objects: fields, descriptions, default values. */
	d = def_named(doc, GQL_DEF_INPUT_OBJECT, "GenerationContentInput");
	assert_str(d->description, "The content to generate from. Which fields a provider needs "
		   "is listed in its options and features.");
	struct gql_input_value_def *iv = ivdef(d->input_values, "text");
	assert_str(iv->description, "The prompt, or the script an avatar or voice speaks.");
	assert_type(iv->type, "String");
	assert_type(ivdef(d->input_values, "voice")->type, "String");
	d = def_named(doc, GQL_DEF_INPUT_OBJECT, "GenerateInput");
	assert_type(ivdef(d->input_values, "type")->type, "GenerationType!");
	assert_type(ivdef(d->input_values, "input")->type, "GenerationContentInput!");
	iv = ivdef(d->input_values, "priority");
	assert_type(iv->type, "Priority");
	assert_value(iv->default_value, GQL_VAL_ENUM, "BALANCED");
	assert_str(ivdef(d->input_values, "provider")->description,
		   "A provider id from `providers`. Omitted: the server chooses by `priority`.");
	d = def_named(doc, GQL_DEF_INPUT_OBJECT, "VideoCreateInput");
	assert_str(d->description, "Legacy video-only input, kept for older clients.");
	assert_type(ivdef(d->input_values, "prompt")->type, "String!");
	assert_str(ivdef(d->input_values, "duration")->description, "Seconds.");

	/* Object types. */
	d = def_named(doc, GQL_DEF_OBJECT, "Generation");
	assert_null(d->names);
	assert_type(fdef(d, "id")->type, "ID!");
	assert_str(fdef(d, "id")->description, "Opaque id, prefixed gen_.");
	assert_type(fdef(d, "attempts")->type, "[GenerationAttempt!]!");
	assert_type(fdef(d, "metadata")->type, "MediaMetadata");
	assert_str(fdef(d, "progress")->description, "0..100");
	d = def_named(doc, GQL_DEF_OBJECT, "Query");
	struct gql_field_def *f = fdef(d, "generations");
	assert_type(f->type, "GenerationConnection!");
	iv = ivdef(f->args, "first");
	assert_type(iv->type, "Int");
	assert_value(iv->default_value, GQL_VAL_INT, "20");
	assert_type(ivdef(f->args, "status")->type, "GenerationStatus");
	assert_type(fdef(d, "providers")->type, "[Provider!]!");
	assert_type(ivdef(fdef(d, "generation")->args, "id")->type, "ID!");
	assert_str(fdef(d, "estimate")->description,
		   "Prices and routes a generate input exactly as generate would, and creates nothing.");
	d = def_named(doc, GQL_DEF_OBJECT, "Mutation");
	assert_type(fdef(d, "generate")->type, "Generation!");
	assert_type(ivdef(fdef(d, "generate")->args, "input")->type, "GenerateInput!");
	assert_type(fdef(d, "cancelGeneration")->type, "Boolean!");
	assert_null(fdef(d, "rotateWebhookSecret")->args);
	d = def_named(doc, GQL_DEF_OBJECT, "Estimate");
	assert_str(d->description, "What a generate call would cost and which provider it would "
		   "use, without creating anything.");
	assert_type(fdef(d, "alternatives")->type, "[EstimateAlternative!]!");
	static const char *const types[] = {
		"VideoCreatePayload", "MediaMetadata", "GenerationError", "GenerationAttempt",
		"EstimateAlternative", "GenerationEdge", "PageInfo", "GenerationConnection",
		"Pricing", "ProviderOption", "Provider", "RateLimitStatus", "Account",
	};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		assert_non_null(def_named(doc, GQL_DEF_OBJECT, types[i])->fields);
	free(src);
}

/* ---- the developer page's documents ---- */

static void test_page_generate_variables(void **state)
{
	(void)state;
	/* The curl example (one line) and the JavaScript client's query. */
	struct gql_document *doc = parse_ok(
		"mutation Generate($input: GenerateInput!) { generate(input: $input) { id status "
		"type provider url metadata { duration resolution } creditCost estimatedTime } }");
	struct gql_definition *d = only_op(doc, GQL_OP_MUTATION, "Generate");
	assert_false(d->shorthand);
	assert_one_var(d, "input", "GenerateInput!");
	struct gql_selection *g = field(d->selection_set, 0, "generate", NULL);
	assert_value(arg(g->args, "input"), GQL_VAL_VARIABLE, "input");
	assert_null(g->args->next);
	assert_int_equal(count_sel(g->selection_set), 8);
	struct gql_selection *m = field(g->selection_set, 5, "metadata", NULL);
	leaves(m->selection_set, "duration resolution");
	field(g->selection_set, 7, "estimatedTime", NULL);

	doc = parse_ok("\n"
		       "          mutation Generate($input: GenerateInput!) {\n"
		       "            generate(input: $input) {\n"
		       "              id\n"
		       "              status\n"
		       "              type\n"
		       "              provider\n"
		       "              url\n"
		       "              metadata\n"
		       "              creditCost\n"
		       "              estimatedTime\n"
		       "              error {\n"
		       "                code\n"
		       "                message\n"
		       "              }\n"
		       "            }\n"
		       "          }\n"
		       "        ");
	d = only_op(doc, GQL_OP_MUTATION, "Generate");
	g = field(d->selection_set, 0, "generate", NULL);
	assert_int_equal(count_sel(g->selection_set), 9);
	assert_null(field(g->selection_set, 5, "metadata", NULL)->selection_set);
	leaves(field(g->selection_set, 8, "error", NULL)->selection_set, "code message");

	/* The Python client's query and the GraphQL section's. */
	doc = parse_ok("\n"
		       "        mutation Generate($input: GenerateInput!) {\n"
		       "            generate(input: $input) {\n"
		       "                id\n"
		       "                status\n"
		       "                type\n"
		       "                provider\n"
		       "                url\n"
		       "                metadata\n"
		       "                creditCost\n"
		       "                estimatedTime\n"
		       "                error\n"
		       "                errorCode\n"
		       "            }\n"
		       "        }\n"
		       "        ");
	g = field(only_op(doc, GQL_OP_MUTATION, "Generate")->selection_set, 0, "generate", NULL);
	leaves(g->selection_set, "id status type provider url metadata creditCost "
	       "estimatedTime error errorCode");
	doc = parse_ok("# Universal generation mutation - works for all content types\n"
		       "mutation Generate($input: GenerateInput!) {\n"
		       "  generate(input: $input) {\n"
		       "    id\n"
		       "    status\n"
		       "    type\n"
		       "    provider\n"
		       "    url\n"
		       "    metadata\n"
		       "    creditCost\n"
		       "    estimatedTime\n"
		       "    progress\n"
		       "    error\n"
		       "    errorCode\n"
		       "  }\n"
		       "}\n");
	g = field(only_op(doc, GQL_OP_MUTATION, "Generate")->selection_set, 0, "generate", NULL);
	leaves(g->selection_set, "id status type provider url metadata creditCost "
	       "estimatedTime progress error errorCode");
}

static void test_page_generate_inline(void **state)
{
	(void)state;
	struct gql_document *doc = parse_ok(
		"mutation { generate(input: { type: VIDEO, input: { text: \"Epic dragon battle\" }, "
		"priority: QUALITY }) { id status provider creditCost } }");
	struct gql_definition *d = only_op(doc, GQL_OP_MUTATION, "");
	assert_null(d->variables);
	struct gql_selection *g = field(d->selection_set, 0, "generate", NULL);
	struct gql_value *input = arg(g->args, "input");
	assert_value(input, GQL_VAL_OBJECT, NULL);
	assert_value(ofield(input, "type"), GQL_VAL_ENUM, "VIDEO");
	struct gql_value *text = ofield(ofield(input, "input"), "text");
	assert_value(text, GQL_VAL_STRING, "Epic dragon battle");
	assert_false(text->block);
	assert_value(ofield(input, "priority"), GQL_VAL_ENUM, "QUALITY");
	/* Object fields keep source order. */
	assert_str(input->fields->name, "type");
	assert_str(input->fields->next->name, "input");
	assert_str(input->fields->next->next->name, "priority");
	assert_null(input->fields->next->next->next);
	leaves(g->selection_set, "id status provider creditCost");
}

static void test_page_status_queries(void **state)
{
	(void)state;
	/* curl "Check generation status". */
	struct gql_document *doc = parse_ok(
		"query { generation(id: \"gen_abc123\") { status progress url error { code message } } }");
	struct gql_definition *d = only_op(doc, GQL_OP_QUERY, "");
	assert_false(d->shorthand);
	struct gql_selection *g = field(d->selection_set, 0, "generation", NULL);
	assert_value(arg(g->args, "id"), GQL_VAL_STRING, "gen_abc123");
	assert_int_equal(count_sel(g->selection_set), 4);
	leaves(field(g->selection_set, 3, "error", NULL)->selection_set, "code message");

	/* JavaScript checkStatus. */
	doc = parse_ok("\n"
		       "          query GetGeneration($id: ID!) {\n"
		       "            generation(id: $id) {\n"
		       "              id\n"
		       "              status\n"
		       "              progress\n"
		       "              url\n"
		       "              error {\n"
		       "                code\n"
		       "                message\n"
		       "              }\n"
		       "            }\n"
		       "          }\n"
		       "        ");
	d = only_op(doc, GQL_OP_QUERY, "GetGeneration");
	assert_one_var(d, "id", "ID!");
	g = field(d->selection_set, 0, "generation", NULL);
	assert_value(arg(g->args, "id"), GQL_VAL_VARIABLE, "id");
	assert_int_equal(count_sel(g->selection_set), 5);

	/* Python check_status. */
	doc = parse_ok("\n"
		       "        query GetGeneration($id: ID!) {\n"
		       "            generation(id: $id) {\n"
		       "                id\n"
		       "                status\n"
		       "                type\n"
		       "                url\n"
		       "                progress\n"
		       "                error\n"
		       "                errorCode\n"
		       "                metadata\n"
		       "            }\n"
		       "        }\n"
		       "        ");
	g = field(only_op(doc, GQL_OP_QUERY, "GetGeneration")->selection_set, 0, "generation", NULL);
	leaves(g->selection_set, "id status type url progress error errorCode metadata");

	/* The GraphQL section's GetGeneration. */
	doc = parse_ok("# Query generation status\n"
		       "query GetGeneration($id: ID!) {\n"
		       "  generation(id: $id) {\n"
		       "    id\n"
		       "    status\n"
		       "    type\n"
		       "    provider\n"
		       "    url\n"
		       "    progress\n"
		       "    metadata {\n"
		       "      width\n"
		       "      height\n"
		       "      duration\n"
		       "      format\n"
		       "    }\n"
		       "    creditCost\n"
		       "    error\n"
		       "    errorCode\n"
		       "    createdAt\n"
		       "    completedAt\n"
		       "  }\n"
		       "}\n");
	d = only_op(doc, GQL_OP_QUERY, "GetGeneration");
	g = field(d->selection_set, 0, "generation", NULL);
	assert_int_equal(count_sel(g->selection_set), 12);
	leaves(field(g->selection_set, 6, "metadata", NULL)->selection_set,
	       "width height duration format");
	field(g->selection_set, 11, "completedAt", NULL);
}

static void test_page_cancel(void **state)
{
	(void)state;
	struct gql_document *doc = parse_ok("# Cancel a generation\n"
					    "mutation CancelGeneration($id: ID!) {\n"
					    "  cancelGeneration(id: $id)\n"
					    "}\n");
	struct gql_definition *d = only_op(doc, GQL_OP_MUTATION, "CancelGeneration");
	assert_one_var(d, "id", "ID!");
	struct gql_selection *c = field(d->selection_set, 0, "cancelGeneration", NULL);
	assert_value(arg(c->args, "id"), GQL_VAL_VARIABLE, "id");
	assert_null(c->selection_set);
	assert_int_equal(count_sel(d->selection_set), 1);
}

#define GET_PROVIDERS                          \
	"# Get available providers for a content type\n" \
	"query GetProviders($type: GenerationType!) {\n" \
	"  providers(type: $type) {\n"         \
	"    id\n"                             \
	"    name\n"                           \
	"    description\n"                    \
	"    features\n"                       \
	"    limitations\n"                    \
	"    pricing {\n"                      \
	"      creditCost\n"                   \
	"      estimatedTime\n"                \
	"    }\n"                              \
	"    options {\n"                      \
	"      name\n"                         \
	"      type\n"                         \
	"      required\n"                     \
	"      description\n"                  \
	"      allowedValues\n"                \
	"    }\n"                              \
	"  }\n"                                \
	"}\n"

static void test_page_get_providers(void **state)
{
	(void)state;
	struct gql_document *doc = parse_ok(GET_PROVIDERS);
	struct gql_definition *d = only_op(doc, GQL_OP_QUERY, "GetProviders");
	assert_one_var(d, "type", "GenerationType!");
	struct gql_selection *p = field(d->selection_set, 0, "providers", NULL);
	assert_value(arg(p->args, "type"), GQL_VAL_VARIABLE, "type");
	assert_int_equal(count_sel(p->selection_set), 7);
	leaves(field(p->selection_set, 5, "pricing", NULL)->selection_set, "creditCost estimatedTime");
	leaves(field(p->selection_set, 6, "options", NULL)->selection_set,
	       "name type required description allowedValues");
	/* As printed on the page, the block has one closing brace too many. */
	expect_error(GET_PROVIDERS "}\n", "Syntax Error: Unexpected \"}\".", 22, 1);
}

static void test_page_create_video(void **state)
{
	(void)state;
	struct gql_document *doc = parse_ok("\n"
					    "  mutation CreateVideo($input: VideoCreateInput!) {\n"
					    "    videoCreate(input: $input) {\n"
					    "      id\n"
					    "      status\n"
					    "      videoUrl\n"
					    "    }\n"
					    "  }\n");
	struct gql_definition *d = only_op(doc, GQL_OP_MUTATION, "CreateVideo");
	assert_one_var(d, "input", "VideoCreateInput!");
	struct gql_selection *v = field(d->selection_set, 0, "videoCreate", NULL);
	assert_value(arg(v->args, "input"), GQL_VAL_VARIABLE, "input");
	leaves(v->selection_set, "id status videoUrl");
}

/* ---- executable documents ---- */

static void test_executable_features(void **state)
{
	(void)state;
	static const char src[] =
		"query Q($a: Int = 1, $b: [String!]! = [\"x\", \"y\"], $c: In = {k: [1.5, null, "
		"ENUM, true, false]} @vd) @op(x: $a) {\n"
		"  alias: field(arg: $a, s: \"str\", bs: \"\"\"block\"\"\", o: {nested: {deep: [[]]}}, "
		"e: {}) @include(if: true) @skip(if: $b) {\n"
		"    ...Frag @skip(if: false)\n"
		"    ... on T { x }\n"
		"    ... @dir { y }\n"
		"    ... { z }\n"
		"    ...onion\n"
		"  }\n"
		"  plain\n"
		"}\n"
		"fragment Frag on T @fd { x }\n"
		"subscription { s }\n"
		"mutation M { m }\n"
		"{ short }\n";
	struct gql_document *doc = parse_ok(src);
	assert_int_equal(count_defs(doc), 5);
	struct gql_definition *q = doc->first;
	assert_int_equal(q->kind, GQL_DEF_OPERATION);
	assert_int_equal(q->operation, GQL_OP_QUERY);
	assert_str(q->name, "Q");
	assert_int_equal(q->offset, 0);

	/* Variables: types, const defaults, directives. */
	struct gql_variable_def *v = q->variables;
	assert_str(v->name, "a");
	assert_int_equal(v->offset, 8);
	assert_type(v->type, "Int");
	assert_value(v->default_value, GQL_VAL_INT, "1");
	v = v->next;
	assert_type(v->type, "[String!]!");
	assert_value(v->default_value, GQL_VAL_LIST, NULL);
	assert_value(v->default_value->items, GQL_VAL_STRING, "x");
	assert_value(v->default_value->items->next, GQL_VAL_STRING, "y");
	assert_null(v->default_value->items->next->next);
	v = v->next;
	assert_type(v->type, "In");
	struct gql_value *k = ofield(v->default_value, "k");
	assert_value(k, GQL_VAL_LIST, NULL);
	struct gql_value *it = k->items;
	assert_value(it, GQL_VAL_FLOAT, "1.5");
	assert_value(it = it->next, GQL_VAL_NULL, NULL);
	assert_value(it = it->next, GQL_VAL_ENUM, "ENUM");
	assert_value(it = it->next, GQL_VAL_BOOLEAN, NULL);
	assert_true(it->boolean);
	assert_value(it = it->next, GQL_VAL_BOOLEAN, NULL);
	assert_false(it->boolean);
	assert_null(it->next);
	assert_str(v->directives->name, "vd");
	assert_null(v->next);
	assert_str(q->directives->name, "op");
	assert_value(arg(q->directives->args, "x"), GQL_VAL_VARIABLE, "a");

	/* The aliased field. */
	struct gql_selection *f = field(q->selection_set, 0, "field", "alias");
	assert_value(arg(f->args, "arg"), GQL_VAL_VARIABLE, "a");
	assert_value(arg(f->args, "s"), GQL_VAL_STRING, "str");
	struct gql_value *bs = arg(f->args, "bs");
	assert_value(bs, GQL_VAL_STRING, "block");
	assert_true(bs->block);
	struct gql_value *deep = ofield(ofield(arg(f->args, "o"), "nested"), "deep");
	assert_value(deep, GQL_VAL_LIST, NULL);
	assert_value(deep->items, GQL_VAL_LIST, NULL);
	assert_null(deep->items->items);
	assert_null(arg(f->args, "e")->fields);
	assert_str(f->directives->name, "include");
	assert_value(arg(f->directives->args, "if"), GQL_VAL_BOOLEAN, NULL);
	assert_str(f->directives->next->name, "skip");
	assert_value(arg(f->directives->next->args, "if"), GQL_VAL_VARIABLE, "b");

	/* Fragment spreads and inline fragments. */
	assert_int_equal(count_sel(f->selection_set), 5);
	struct gql_selection *s = sel(f->selection_set, 0);
	assert_int_equal(s->kind, GQL_SEL_FRAGMENT_SPREAD);
	assert_str(s->name, "Frag");
	assert_str(s->directives->name, "skip");
	assert_null(s->selection_set);
	s = sel(f->selection_set, 1);
	assert_int_equal(s->kind, GQL_SEL_INLINE_FRAGMENT);
	assert_str(s->type_condition, "T");
	assert_null(s->directives);
	leaves(s->selection_set, "x");
	s = sel(f->selection_set, 2);
	assert_int_equal(s->kind, GQL_SEL_INLINE_FRAGMENT);
	assert_int_equal(s->type_condition.len, 0);
	assert_str(s->directives->name, "dir");
	leaves(s->selection_set, "y");
	s = sel(f->selection_set, 3);
	assert_int_equal(s->kind, GQL_SEL_INLINE_FRAGMENT);
	assert_null(s->directives);
	leaves(s->selection_set, "z");
	s = sel(f->selection_set, 4);
	assert_int_equal(s->kind, GQL_SEL_FRAGMENT_SPREAD);
	assert_str(s->name, "onion");
	field(q->selection_set, 1, "plain", NULL);

	/* Fragment definition. */
	struct gql_definition *d = q->next;
	assert_int_equal(d->kind, GQL_DEF_FRAGMENT);
	assert_str(d->name, "Frag");
	assert_str(d->type_condition, "T");
	assert_str(d->directives->name, "fd");
	leaves(d->selection_set, "x");

	/* Anonymous subscription, named mutation, shorthand query. */
	d = d->next;
	assert_int_equal(d->operation, GQL_OP_SUBSCRIPTION);
	assert_int_equal(d->name.len, 0);
	assert_false(d->shorthand);
	d = d->next;
	assert_int_equal(d->operation, GQL_OP_MUTATION);
	assert_str(d->name, "M");
	d = d->next;
	assert_int_equal(d->operation, GQL_OP_QUERY);
	assert_true(d->shorthand);
	leaves(d->selection_set, "short");
	assert_int_equal(d->selection_set->offset, (uint32_t)(strstr(src, "{ short") - src));
}

static void test_values_and_strings(void **state)
{
	(void)state;
	struct gql_document *doc = parse_ok(
		"{ a(i: -12, f: 6.02e23, s: \"\\u00e9\\n\\uD83D\\uDE00\", b: \"\"\"\n"
		"    two\n"
		"      lines\n"
		"  \"\"\", n: null, on: on, t: [true, [false]], z: \"\\u0000x\") }");
	struct gql_selection *a = field(doc->first->selection_set, 0, "a", NULL);
	assert_value(arg(a->args, "i"), GQL_VAL_INT, "-12");
	assert_value(arg(a->args, "f"), GQL_VAL_FLOAT, "6.02e23");
	assert_value(arg(a->args, "s"), GQL_VAL_STRING, "\xC3\xA9\n\xF0\x9F\x98\x80");
	struct gql_value *b = arg(a->args, "b");
	assert_value(b, GQL_VAL_STRING, "two\n  lines");
	assert_true(b->block);
	assert_value(arg(a->args, "n"), GQL_VAL_NULL, NULL);
	/* Keywords are ordinary names where a name is expected. */
	assert_value(arg(a->args, "on"), GQL_VAL_ENUM, "on");
	struct gql_value *t = arg(a->args, "t");
	assert_value(t->items, GQL_VAL_BOOLEAN, NULL);
	assert_value(t->items->next->items, GQL_VAL_BOOLEAN, NULL);
	struct gql_value *z = arg(a->args, "z");
	assert_int_equal(z->text.len, 2);
	assert_memory_equal(z->text.ptr, "\0x", 2);

	/* Keywords as field, alias, argument, type and operation names. */
	doc = parse_ok("query query($query: query = query) { fragment: query(on: true) mutation "
		       "... on on { on } }\nfragment frag on fragment { x }");
	struct gql_definition *d = doc->first;
	assert_str(d->name, "query");
	assert_value(d->variables->default_value, GQL_VAL_ENUM, "query");
	field(d->selection_set, 0, "query", "fragment");
	field(d->selection_set, 1, "mutation", NULL);
	assert_str(sel(d->selection_set, 2)->type_condition, "on");
	assert_str(d->next->type_condition, "fragment");
}

/* Descriptions on executable definitions (September 2025 specification,
 * graphql-js 16.11+). */
static void test_executable_descriptions(void **state)
{
	(void)state;
	struct gql_document *doc = parse_ok(
		"\"Fetches one.\"\nquery Q(\"The id.\" $id: ID!, $b: Int) { a }\n"
		"\"\"\"\n  Shared\n  fields.\n\"\"\"\nfragment F on T { x }\n"
		"mutation M { m }\n{ s }");
	struct gql_definition *d = doc->first;
	assert_int_equal(d->kind, GQL_DEF_OPERATION);
	assert_str(d->description, "Fetches one.");
	assert_int_equal(d->offset, 0);
	assert_str(d->variables->description, "The id.");
	assert_str(d->variables->name, "id");
	assert_int_equal(d->variables->next->description.len, 0);
	d = d->next;
	assert_int_equal(d->kind, GQL_DEF_FRAGMENT);
	assert_str(d->description, "Shared\nfields.");
	d = d->next;
	assert_int_equal(d->description.len, 0);
	assert_null(d->description.ptr);
	d = d->next;
	assert_true(d->shorthand);
	assert_int_equal(d->description.len, 0);
}

static void test_token_count_and_offsets(void **state)
{
	(void)state;
	struct gql_document *doc = parse_ok("{ a }");
	assert_int_equal(doc->token_count, 3);
	doc = parse_ok("\xEF\xBB\xBF# c\n query Q($v: [Int!]) { a(x: $v) @d }");
	assert_int_equal(doc->token_count, 22);
	assert_int_equal(doc->first->offset, 8);
	/* A source that is not NUL-terminated: only len bytes are read. */
	static const char buf[] = { '{', ' ', 'a', ' ', '}', '}' };
	doc = parse_len(buf, 5, NULL);
	assert_int_equal(doc->token_count, 3);
}

/* ---- type system documents ---- */

static void test_type_system(void **state)
{
	(void)state;
	static const char src[] =
		"\"\"\"\n  The schema.\n\"\"\"\n"
		"schema @a { query: Q mutation: M subscription: S }\n"
		"\"A scalar\" scalar Url @specifiedBy(url: \"https://example.com\")\n"
		"type Obj implements & I1 & I2 @d(x: [1, {a: ENUM}]) {\n"
		"  \"field desc\" f(\"arg desc\" a: Int = 1 @deprecated, b: [String!]! = [\"x\"]): "
		"[Obj]! @deprecated(reason: \"\"\"old\"\"\")\n"
		"  g: Int\n"
		"}\n"
		"interface I2 implements I1 { id: ID! }\n"
		"interface I1 { id: ID! }\n"
		"union U @d = | A | B | C\n"
		"union Empty\n"
		"enum E { \"first\" A @deprecated B }\n"
		"input In { \"x\" x: Int! = 5 y: In }\n"
		"directive @d(\"a\" a: Int) repeatable on FIELD | OBJECT | ARGUMENT_DEFINITION\n"
		"directive @e on | QUERY\n"
		"type Bare\n"
		"extend schema @x\n"
		"extend schema { subscription: S }\n"
		"extend scalar Url @x\n"
		"extend type Obj @x\n"
		"extend type Obj implements I3\n"
		"extend type Obj { h: Int }\n"
		"extend interface I2 { more: Int }\n"
		"extend union U = D\n"
		"extend enum E { C }\n"
		"extend input In { z: Int }\n";
	struct gql_document *doc = parse_ok(src);
	assert_int_equal(count_defs(doc), 22);

	struct gql_definition *d = doc->first;
	assert_int_equal(d->kind, GQL_DEF_SCHEMA);
	assert_str(d->description, "The schema.");
	assert_str(d->directives->name, "a");
	struct gql_root_op *r = d->root_ops;
	assert_int_equal(r->operation, GQL_OP_QUERY);
	assert_str(r->type_name, "Q");
	assert_int_equal((r = r->next)->operation, GQL_OP_MUTATION);
	assert_str(r->type_name, "M");
	assert_int_equal((r = r->next)->operation, GQL_OP_SUBSCRIPTION);
	assert_null(r->next);

	d = def_named(doc, GQL_DEF_SCALAR, "Url");
	assert_str(d->description, "A scalar");
	assert_value(arg(d->directives->args, "url"), GQL_VAL_STRING, "https://example.com");

	d = def_named(doc, GQL_DEF_OBJECT, "Obj");
	assert_false(d->extension);
	assert_names(d->names, "I1 I2");
	assert_value(arg(d->directives->args, "x")->items->next, GQL_VAL_OBJECT, NULL);
	struct gql_field_def *f = fdef(d, "f");
	assert_str(f->description, "field desc");
	assert_type(f->type, "[Obj]!");
	assert_value(arg(f->directives->args, "reason"), GQL_VAL_STRING, "old");
	struct gql_input_value_def *iv = ivdef(f->args, "a");
	assert_str(iv->description, "arg desc");
	assert_value(iv->default_value, GQL_VAL_INT, "1");
	assert_str(iv->directives->name, "deprecated");
	assert_type(ivdef(f->args, "b")->type, "[String!]!");
	assert_null(fdef(d, "g")->args);

	d = def_named(doc, GQL_DEF_INTERFACE, "I2");
	assert_names(d->names, "I1");
	assert_type(fdef(d, "id")->type, "ID!");
	assert_null(def_named(doc, GQL_DEF_INTERFACE, "I1")->names);

	d = def_named(doc, GQL_DEF_UNION, "U");
	assert_str(d->directives->name, "d");
	assert_names(d->names, "A B C");
	assert_null(def_named(doc, GQL_DEF_UNION, "Empty")->names);

	d = def_named(doc, GQL_DEF_ENUM, "E");
	assert_enum_values(d, "A B");
	assert_str(d->enum_values->description, "first");
	assert_str(d->enum_values->directives->name, "deprecated");

	d = def_named(doc, GQL_DEF_INPUT_OBJECT, "In");
	iv = ivdef(d->input_values, "x");
	assert_str(iv->description, "x");
	assert_type(iv->type, "Int!");
	assert_value(iv->default_value, GQL_VAL_INT, "5");
	assert_type(ivdef(d->input_values, "y")->type, "In");

	d = def_named(doc, GQL_DEF_DIRECTIVE, "d");
	assert_true(d->repeatable);
	assert_str(d->input_values->description, "a");
	assert_names(d->names, "FIELD OBJECT ARGUMENT_DEFINITION");
	d = def_named(doc, GQL_DEF_DIRECTIVE, "e");
	assert_false(d->repeatable);
	assert_null(d->input_values);
	assert_names(d->names, "QUERY");

	d = def_named(doc, GQL_DEF_OBJECT, "Bare");
	assert_null(d->fields);

	/* Extensions, in order. */
	d = d->next;
	assert_int_equal(d->kind, GQL_DEF_SCHEMA);
	assert_true(d->extension);
	assert_null(d->root_ops);
	d = d->next;
	assert_int_equal(d->kind, GQL_DEF_SCHEMA);
	assert_int_equal(d->root_ops->operation, GQL_OP_SUBSCRIPTION);
	static const enum gql_definition_kind kinds[] = {
		GQL_DEF_SCALAR, GQL_DEF_OBJECT, GQL_DEF_OBJECT, GQL_DEF_OBJECT,
		GQL_DEF_INTERFACE, GQL_DEF_UNION, GQL_DEF_ENUM, GQL_DEF_INPUT_OBJECT,
	};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		d = d->next;
		assert_int_equal(d->kind, kinds[i]);
		assert_true(d->extension);
		assert_int_equal(d->description.len, 0);
	}
	assert_null(d->next);
	assert_str(d->input_values->name, "z");
}

static void test_type_system_errors(void **state)
{
	(void)state;
	expect_error("type T {}", "Syntax Error: Expected Name, found \"}\".", 1, 9);
	expect_error("type T { f }", "Syntax Error: Expected \":\", found \"}\".", 1, 12);
	expect_error("enum E { true }",
		     "Syntax Error: Name \"true\" is reserved and cannot be used for an enum value.",
		     1, 10);
	expect_error("enum E { A null }",
		     "Syntax Error: Name \"null\" is reserved and cannot be used for an enum value.",
		     1, 12);
	expect_error("directive @d on FIELD | FOO", "Syntax Error: Unexpected Name \"FOO\".", 1, 25);
	expect_error("directive @d on", "Syntax Error: Expected Name, found <EOF>.", 1, 16);
	expect_error("directive d on FIELD", "Syntax Error: Expected \"@\", found Name \"d\".", 1, 11);
	expect_error("directive @d repeatable FIELD",
		     "Syntax Error: Expected \"on\", found Name \"FIELD\".", 1, 25);
	expect_error("extend type T", "Syntax Error: Unexpected <EOF>.", 1, 14);
	expect_error("extend scalar S\n{ a }", "Syntax Error: Unexpected \"{\".", 2, 1);
	expect_error("extend schema", "Syntax Error: Unexpected <EOF>.", 1, 14);
	expect_error("extend union U", "Syntax Error: Unexpected <EOF>.", 1, 15);
	expect_error("extend enum E", "Syntax Error: Unexpected <EOF>.", 1, 14);
	expect_error("extend input I", "Syntax Error: Unexpected <EOF>.", 1, 15);
	expect_error("extend directive @d on FIELD",
		     "Syntax Error: Unexpected Name \"directive\".", 1, 8);
	expect_error("extend foo", "Syntax Error: Unexpected Name \"foo\".", 1, 8);
	expect_error("\"d\" extend type T @x",
		     "Syntax Error: Unexpected description, only GraphQL definitions support "
		     "descriptions.", 1, 1);
	expect_error("schema { query Q }", "Syntax Error: Expected \":\", found Name \"Q\".", 1, 16);
	expect_error("schema { view: Q }", "Syntax Error: Unexpected Name \"view\".", 1, 10);
	expect_error("schema @d", "Syntax Error: Expected \"{\", found <EOF>.", 1, 10);
	expect_error("type T implements { a: Int }", "Syntax Error: Expected Name, found \"{\".",
		     1, 19);
	expect_error("union U = A |", "Syntax Error: Expected Name, found <EOF>.", 1, 14);
	expect_error("input I { a: Int = $v }",
		     "Syntax Error: Unexpected variable \"$v\" in constant value.", 1, 20);
	expect_error("type T { f(a: Int = [1, $v]): Int }",
		     "Syntax Error: Unexpected variable \"$v\" in constant value.", 1, 25);
	expect_error("scalar S @d(x: $v)",
		     "Syntax Error: Unexpected variable \"$v\" in constant value.", 1, 16);
	expect_error("type T { f(): Int }", "Syntax Error: Expected Name, found \")\".", 1, 12);
	expect_error("\"desc\" \"again\" type T", "Syntax Error: Unexpected String \"again\".", 1, 8);
	expect_error("\"\"\"d\"\"\" 5", "Syntax Error: Unexpected Int \"5\".", 1, 9);
}

/* ---- errors in executable documents ---- */

static void test_errors(void **state)
{
	(void)state;
	expect_error("", "Syntax Error: Unexpected <EOF>.", 1, 1);
	expect_error("  # only a comment\n", "Syntax Error: Unexpected <EOF>.", 2, 1);
	expect_error("{ a", "Syntax Error: Expected Name, found <EOF>.", 1, 4);
	expect_error("query Q {\n  a {\n    b\n  }\n", "Syntax Error: Expected Name, found <EOF>.",
		     5, 1);
	expect_error("query { a(x: ) }", "Syntax Error: Unexpected \")\".", 1, 14);
	expect_error("{ a }}", "Syntax Error: Unexpected \"}\".", 1, 6);
	expect_error("query ($v: Int = $w) { a }",
		     "Syntax Error: Unexpected variable \"$w\" in constant value.", 1, 18);
	expect_error("query ($v: In = {a: [$w]}) { a }",
		     "Syntax Error: Unexpected variable \"$w\" in constant value.", 1, 22);
	expect_error("query ($v: Int = $) { a }", "Syntax Error: Unexpected \"$\".", 1, 18);
	expect_error("fragment on on T { a }", "Syntax Error: Unexpected Name \"on\".", 1, 10);
	expect_error("{ ...on }", "Syntax Error: Expected Name, found \"}\".", 1, 9);
	expect_error("fragment F T { a }", "Syntax Error: Expected \"on\", found Name \"T\".", 1, 12);
	expect_error("fragment F on T", "Syntax Error: Expected \"{\", found <EOF>.", 1, 16);
	expect_error("{}", "Syntax Error: Expected Name, found \"}\".", 1, 2);
	expect_error("{ a {} }", "Syntax Error: Expected Name, found \"}\".", 1, 6);
	expect_error("query Q", "Syntax Error: Expected \"{\", found <EOF>.", 1, 8);
	expect_error("query Q \"x\" { a }", "Syntax Error: Expected \"{\", found String \"x\".", 1, 9);
	expect_error("query () { a }", "Syntax Error: Expected \"$\", found \")\".", 1, 8);
	expect_error("query ($v) { a }", "Syntax Error: Expected \":\", found \")\".", 1, 10);
	expect_error("query ($v: ) { a }", "Syntax Error: Expected Name, found \")\".", 1, 12);
	expect_error("query ($v: [Int) { a }", "Syntax Error: Expected \"]\", found \")\".", 1, 16);
	expect_error("query ($v: Int!!) { a }", "Syntax Error: Expected \"$\", found \"!\".", 1, 16);
	expect_error("{ a() }", "Syntax Error: Expected Name, found \")\".", 1, 5);
	expect_error("{ a(: 1) }", "Syntax Error: Expected Name, found \":\".", 1, 5);
	expect_error("{ a(x 1) }", "Syntax Error: Expected \":\", found Int \"1\".", 1, 7);
	expect_error("{ a(x: [1, 2) }", "Syntax Error: Unexpected \")\".", 1, 13);
	expect_error("{ a(x: {b 1}) }", "Syntax Error: Expected \":\", found Int \"1\".", 1, 11);
	expect_error("{ a(x: $) }", "Syntax Error: Expected Name, found \")\".", 1, 9);
	expect_error("{ a: }", "Syntax Error: Expected Name, found \"}\".", 1, 6);
	expect_error("{ a @ }", "Syntax Error: Expected Name, found \"}\".", 1, 7);
	expect_error("{ ... on T }", "Syntax Error: Expected \"{\", found \"}\".", 1, 12);
	expect_error("{ ... }", "Syntax Error: Expected \"{\", found \"}\".", 1, 7);
	expect_error("{ a } b", "Syntax Error: Unexpected Name \"b\".", 1, 7);
	expect_error("unknown { a }", "Syntax Error: Unexpected Name \"unknown\".", 1, 1);
	expect_error("\"desc\" { a }",
		     "Syntax Error: Unexpected description, descriptions are not supported on "
		     "shorthand queries.", 1, 1);
	expect_error("{ a }\n\"\"\"desc\"\"\" foo { a }",
		     "Syntax Error: Unexpected description, only GraphQL definitions support "
		     "descriptions.", 2, 1);
	expect_error("\"desc\" [", "Syntax Error: Unexpected \"[\".", 1, 8);
	expect_error("query ($a: Int, \"d\") { a }", "Syntax Error: Expected \"$\", found \")\".",
		     1, 20);
	expect_error("query [", "Syntax Error: Expected \"{\", found \"[\".", 1, 7);
	/* Lexer errors surface with their own position. */
	expect_error("{ a(x: 01) }",
		     "Syntax Error: Invalid number, unexpected digit after 0: \"1\".", 1, 9);
	expect_error("{\n  a(s: \"abc\n", "Syntax Error: Unterminated string.", 2, 12);
	expect_error("{ a(s: \"\\u{110000}\") }",
		     "Syntax Error: Invalid Unicode escape sequence: \"\\u{110000}\".", 1, 9);
	expect_error("{ a ? }", "Syntax Error: Unexpected character: \"?\".", 1, 5);
	expect_error("{ \xC3\xA9 }", "Syntax Error: Unexpected character: U+00E9.", 1, 3);
	expect_error("{ a # \xC3\x28\n}", "Syntax Error: Invalid UTF-8 byte 0xC3.", 1, 7);
	/* The token description quotes long values only in part, on a
	 * character boundary. */
	expect_error("query Q \"01234567890123456789012345678901234567890123456789012345678\xC3\xA9z\" { a }",
		     "Syntax Error: Expected \"{\", found String "
		     "\"01234567890123456789012345678901234567890123456789012345678\".", 1, 9);
	/* A NUL inside a decoded value ends the quoted part. */
	expect_error("query Q \"x\\u0000y\" { a }",
		     "Syntax Error: Expected \"{\", found String \"x\".", 1, 9);
	/* A description followed by nothing: graphql-js reports the <EOF>. */
	expect_error("{ a } \"dangling\"", "Syntax Error: Unexpected <EOF>.", 1, 17);
}

static void test_error_locations(void **state)
{
	(void)state;
	/* \r\n counts as one line break, a lone \r as one too. */
	expect_error("{\r\n  a\r\n  }}", "Syntax Error: Unexpected \"}\".", 3, 4);
	expect_error("{\r  a\r\r }}", "Syntax Error: Unexpected \"}\".", 4, 3);
	expect_error("{\n\r\n a }}", "Syntax Error: Unexpected \"}\".", 3, 5);
	/* Columns count code points, not bytes. */
	expect_error("{ a(s: \"\xC3\xA9\xF0\x9F\x98\x80\") }}", "Syntax Error: Unexpected \"}\".",
		     1, 15);
	expect_error("# \xE2\x82\xAC\xE2\x82\xAC\n \xEF\xBB\xBF{ a }}",
		     "Syntax Error: Unexpected \"}\".", 2, 8);

	unsigned line, col;
	gql_location("ab\ncd", 5, 0, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 1);
	gql_location("ab\ncd", 5, 2, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 3);
	gql_location("ab\ncd", 5, 3, &line, &col);
	assert_int_equal(line, 2);
	assert_int_equal(col, 1);
	/* Past the end: just after the last character. */
	gql_location("ab\ncd", 5, 99, &line, &col);
	assert_int_equal(line, 2);
	assert_int_equal(col, 3);
	gql_location("ab\n", 3, 3, &line, &col);
	assert_int_equal(line, 2);
	assert_int_equal(col, 1);
	gql_location("", 0, 0, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 1);
}

/* ---- limits ---- */

static char *repeat(const char *prefix, const char *unit, size_t times, const char *suffix)
{
	size_t p = strlen(prefix), u = strlen(unit), s = strlen(suffix);
	char *buf = malloc(p + u * times + s + 1);
	assert_non_null(buf);
	memcpy(buf, prefix, p);
	for (size_t i = 0; i < times; i++)
		memcpy(buf + p + i * u, unit, u);
	memcpy(buf + p + u * times, suffix, s + 1);
	return buf;
}

static void test_depth_limit(void **state)
{
	(void)state;
	const struct gql_limits lim = { .max_tokens = 0, .max_depth = 64 };
	/* 10000 bare '{': the second one is not a selection. */
	char *src = repeat("", "{", 10000, "");
	expect_error_len(src, strlen(src), &lim, "Syntax Error: Expected Name, found \"{\".", 1, 2);
	free(src);

	/* 10000 nested selection sets: the 65th '{' is too deep. */
	src = repeat("{", "a{", 9999, "a");
	expect_error_len(src, strlen(src), &lim, "Syntax Error: Document nesting exceeds 64 levels.",
			 1, 129);
	expect_error_len(src, strlen(src), NULL, "Syntax Error: Document nesting exceeds 64 levels.",
			 1, 129);
	free(src);

	/* Nested list values, object values and list types. */
	src = repeat("{ a(x: ", "[", 10000, "");
	expect_error_len(src, strlen(src), &lim, "Syntax Error: Document nesting exceeds 64 levels.",
			 1, 71);
	free(src);
	src = repeat("{ a(x: ", "{b:", 10000, "");
	expect_error_len(src, strlen(src), &lim, "Syntax Error: Document nesting exceeds 64 levels.",
			 1, 197);
	free(src);
	src = repeat("query ($v: ", "[", 10000, "");
	expect_error_len(src, strlen(src), &lim, "Syntax Error: Document nesting exceeds 64 levels.",
			 1, 76);
	free(src);
	src = repeat("type T { f: ", "[", 10000, "");
	expect_error_len(src, strlen(src), &lim, "Syntax Error: Document nesting exceeds 64 levels.",
			 1, 77);
	free(src);

	/* "No limit" still stops before the stack runs out. */
	const struct gql_limits unlimited = { 0, 0 };
	src = repeat("{", "a{", 99999, "a");
	expect_error_len(src, strlen(src), &unlimited,
			 "Syntax Error: Document nesting exceeds 1000 levels.", 1, 2001);
	free(src);
	src = repeat("{ a(x: ", "[", 100000, "");
	expect_error_len(src, strlen(src), &unlimited,
			 "Syntax Error: Document nesting exceeds 1000 levels.", 1, 7 + 1000);
	free(src);

	/* Exactly at the limit is fine, on the way in and back out. */
	char *open = repeat("{", "a{", 63, "a");
	char *close = repeat(open, "}", 64, " { b }");
	struct gql_document *doc = parse_len(close, strlen(close), &lim);
	assert_int_equal(count_defs(doc), 2);
	free(open);
	free(close);
	src = repeat("{ a(x: ", "[", 63, "");
	close = repeat(src, "]", 63, ") }");
	parse_len(close, strlen(close), &lim);
	free(src);
	free(close);
}

static void test_token_limit(void **state)
{
	(void)state;
	const struct gql_limits five = { .max_tokens = 5, .max_depth = 0 };
	expect_error_len("{ a b c d e }", 13, &five,
			 "Syntax Error: Document contains more than 5 tokens. Parsing aborted.", 1, 11);
	const struct gql_limits seven = { .max_tokens = 7, .max_depth = 0 };
	struct gql_document *doc = parse_len("{ a b c d e }", 13, &seven);
	assert_int_equal(doc->token_count, 7);
	/* Ignored tokens and EOF do not count. */
	doc = parse_len("# x\n{ a,,, b c d e }  # y", 25, &seven);
	assert_int_equal(doc->token_count, 7);

	/* The default limit: 100000 tokens. */
	char *src = repeat("{", " a", 100000, " }");
	expect_error_len(src, strlen(src), NULL,
			 "Syntax Error: Document contains more than 100000 tokens. Parsing aborted.",
			 1, 1 + 2 * 99999 + 2);
	free(src);
	src = repeat("{", " a", 99998, " }");
	doc = parse_len(src, strlen(src), NULL);
	assert_int_equal(doc->token_count, 100000);
	free(src);
}

static void test_error_leaves_out_null(void **state)
{
	(void)state;
	struct gql_document *doc = (void *)1;
	struct gql_parse_error err;
	assert_int_equal(gql_parse(arena, "{", 1, NULL, &doc, &err), -1);
	assert_null(doc);
	assert_int_equal(err.offset, 1);
	assert_int_equal(gql_parse(arena, "{ a }", 5, NULL, &doc, &err), 0);
	assert_non_null(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schema_file),
		cmocka_unit_test(test_page_generate_variables),
		cmocka_unit_test(test_page_generate_inline),
		cmocka_unit_test(test_page_status_queries),
		cmocka_unit_test(test_page_cancel),
		cmocka_unit_test(test_page_get_providers),
		cmocka_unit_test(test_page_create_video),
		cmocka_unit_test(test_executable_features),
		cmocka_unit_test(test_values_and_strings),
		cmocka_unit_test(test_executable_descriptions),
		cmocka_unit_test(test_token_count_and_offsets),
		cmocka_unit_test(test_type_system),
		cmocka_unit_test(test_type_system_errors),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_error_locations),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_token_limit),
		cmocka_unit_test(test_error_leaves_out_null),
	};
	return cmocka_run_group_tests_name("graphql/parser", tests, setup, teardown);
}
