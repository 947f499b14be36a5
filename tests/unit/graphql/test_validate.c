/*
 * test_validate.c - the validation rules (graphql-js 16 specifiedRules) run
 * through gql_execute with db_call replaced (-Wl,--wrap=db_call) by a canned
 * api.execute: for each rule a document that breaks it (the first error's
 * message and line:column, as graphql-js 16 reports them) and documents that
 * pass; OverlappingFieldsCanBeMerged in its forms; the error cap; and time
 * bounds on large selection sets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "db/db.h"
#include "graphql/exec.h"

static int db_calls;

enum api_err __wrap_db_call(struct db *db, struct arena *a, const char *function, int nparams,
			    const char *const *params, json_t **out, struct db_error *err);

/* api.execute: every call answers {} (validation tests only need data). */
enum api_err __wrap_db_call(struct db *db, struct arena *a, const char *function, int nparams,
			    const char *const *params, json_t **out, struct db_error *err)
{
	(void)db;
	(void)err;
	db_calls++;
	assert_string_equal(function, "api.execute");
	assert_int_equal(nparams, 2);
	json_t *request = json_loads(params[1], 0, NULL);
	assert_non_null(request);
	json_t *results = json_array();
	for (size_t i = 0; i < json_array_size(json_object_get(request, "calls")); i++)
		json_array_append_new(results, json_pack("{s:{}}", "data"));
	json_decref(request);
	*out = json_pack("{s:{s:i,s:i,s:i},s:b,s:o}", "rate", "limit", 60, "remaining", 59, "reset", 30,
			 "replayed", false, "results", results);
	arena_defer(a, (void (*)(void *))json_decref, *out);
	return API_OK;
}

struct run {
	struct arena *a;
	struct gql_result res;
};

/* Values for the variables the passing documents declare (extra ones are
 * ignored). */
static const char *VARIABLES =
	"{\"a\":\"gen_1\",\"id\":\"gen_1\",\"n\":3,\"f\":3,\"first\":3,\"withUrl\":true,\"type\":\"VIDEO\","
	"\"input\":{\"type\":\"VIDEO\",\"input\":{\"text\":\"x\"}}}";

static void run_request_vars(struct run *r, const char *query, const char *variables)
{
	r->a = arena_new(4096);
	json_t *vars = variables ? json_loads(variables, 0, NULL) : NULL;
	struct gql_env env = { NULL, "hash", "req_test", NULL, "fp", NULL, false, false, NULL };
	struct gql_request req = { query, strlen(query), vars, NULL, false };
	db_calls = 0;
	gql_execute(r->a, &env, &req, &r->res);
	json_decref(vars);
}

static void run_request(struct run *r, const char *query)
{
	run_request_vars(r, query, NULL);
}

static void run_done(struct run *r)
{
	arena_free(r->a);
}

static double elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Whether any error's message contains text. */
static bool has_error(const struct gql_result *res, const char *text)
{
	for (size_t i = 0; i < json_array_size(res->errors); i++)
		if (strstr(json_string_value(json_object_get(json_array_get(res->errors, i), "message")), text))
			return true;
	return false;
}

static const struct {
	const char *rule;
	const char *query;
	const char *message; /* a substring of the first error's message */
	int line, column;    /* its first location */
} failing[] = {
	{ "ExecutableDefinitions",
	  "type Foo { a: Int }\n{ account { id } }",
	  "The \"Foo\" definition is not executable.", 1, 1 },
	{ "UniqueOperationNames",
	  "query A { account { id } }\nquery A { account { plan } }",
	  "There can be only one operation named \"A\".", 1, 7 },
	{ "LoneAnonymousOperation",
	  "{ account { id } }\nquery B { account { id } }",
	  "This anonymous operation must be the only defined operation.", 1, 1 },
	{ "KnownTypeNames (fragment)",
	  "{ ...F }\nfragment F on Nope { id }",
	  "Unknown type \"Nope\".", 2, 15 },
	{ "KnownTypeNames (variable)",
	  "query Q($x: Nope) { account { id } }",
	  "Unknown type \"Nope\".", 1, 13 },
	{ "FragmentsOnCompositeTypes (inline)",
	  "{ ... on Int { id } }",
	  "Fragment cannot condition on non composite type \"Int\".", 1, 10 },
	{ "FragmentsOnCompositeTypes (named)",
	  "fragment F on Plan { id }\n{ ...F }",
	  "Fragment \"F\" cannot condition on non composite type \"Plan\".", 1, 15 },
	{ "VariablesAreInputTypes",
	  "query Q($x: Account) { account { id } }",
	  "Variable \"$x\" cannot be non-input type \"Account\".", 1, 13 },
	{ "ScalarLeafs",
	  "{ account { id { x } } }",
	  "Field \"id\" must not have a selection since type \"ID!\" has no subfields.", 1, 16 },
	{ "FieldsOnCorrectType",
	  "{ account { nope } }",
	  "Cannot query field \"nope\" on type \"Account\".", 1, 13 },
	{ "UniqueFragmentNames",
	  "{ account { ...F } }\nfragment F on Account { id }\nfragment F on Account { plan }",
	  "There can be only one fragment named \"F\".", 2, 10 },
	{ "KnownFragmentNames",
	  "{ account { ...G } }",
	  "Unknown fragment \"G\".", 1, 16 },
	{ "NoUnusedFragments",
	  "{ account { id } }\nfragment F on Account { id }",
	  "Fragment \"F\" is never used.", 2, 1 },
	{ "PossibleFragmentSpreads (named)",
	  "{ account { ...F } }\nfragment F on Generation { id }",
	  "Fragment \"F\" cannot be spread here as objects of type \"Account\" can never be of type \"Generation\".", 1, 13 },
	{ "PossibleFragmentSpreads (inline)",
	  "{ account { ... on Generation { id } } }",
	  "Fragment cannot be spread here as objects of type \"Account\" can never be of type \"Generation\".", 1, 13 },
	{ "NoFragmentCycles",
	  "{ account { ...A } }\nfragment A on Account { ...B }\nfragment B on Account { ...A }",
	  "Cannot spread fragment \"A\" within itself via \"B\".", 2, 25 },
	{ "UniqueVariableNames",
	  "query Q($a: Int, $a: Int) { generations(first: $a) { totalCount } }",
	  "There can be only one variable named \"$a\".", 1, 10 },
	{ "NoUndefinedVariables",
	  "query Q { generations(first: $n) { totalCount } }",
	  "Variable \"$n\" is not defined by operation \"Q\".", 1, 30 },
	{ "NoUndefinedVariables (in a fragment)",
	  "query Q { ...F }\nfragment F on Query { generations(first: $n) { totalCount } }",
	  "Variable \"$n\" is not defined by operation \"Q\".", 2, 42 },
	{ "NoUnusedVariables",
	  "query Q($n: Int) { account { id } }",
	  "Variable \"$n\" is never used in operation \"Q\".", 1, 9 },
	{ "KnownDirectives (unknown)",
	  "{ account @nope { id } }",
	  "Unknown directive \"@nope\".", 1, 11 },
	{ "KnownDirectives (location QUERY)",
	  "query Q @skip(if: true) { account { id } }",
	  "Directive \"@skip\" may not be used on QUERY.", 1, 9 },
	{ "KnownDirectives (@deprecated on FIELD)",
	  "{ account @deprecated { id } }",
	  "Directive \"@deprecated\" may not be used on FIELD.", 1, 11 },
	{ "UniqueDirectivesPerLocation",
	  "{ account @skip(if: true) @skip(if: false) { id } }",
	  "The directive \"@skip\" can only be used once at this location.", 1, 11 },
	{ "KnownArgumentNames (field)",
	  "{ account(x: 1) { id } }",
	  "Unknown argument \"x\" on field \"Query.account\".", 1, 11 },
	{ "KnownArgumentNames (directive)",
	  "{ account @skip(if: true, unless: false) { id } }",
	  "Unknown argument \"unless\" on directive \"@skip\".", 1, 27 },
	{ "UniqueArgumentNames",
	  "{ generation(id: \"a\", id: \"b\") { id } }",
	  "There can be only one argument named \"id\".", 1, 14 },
	{ "ValuesOfCorrectType (scalar)",
	  "{ generations(first: \"ten\") { totalCount } }",
	  "Int cannot represent non-integer value: \"ten\"", 1, 22 },
	{ "UniqueInputFieldNames",
	  "{ estimate(input: {type: VIDEO, input: {text: \"x\", text: \"y\"}}) { creditCost } }",
	  "There can be only one input field named \"text\".", 1, 41 },
	{ "ProvidedRequiredArguments (field)",
	  "{ generation { id } }",
	  "Field \"generation\" argument \"id\" of type \"ID!\" is required, but it was not provided.", 1, 3 },
	{ "ProvidedRequiredArguments (directive)",
	  "{ account @include { id } }",
	  "Directive \"@include\" argument \"if\" of type \"Boolean!\" is required, but it was not provided.", 1, 11 },
	{ "VariablesInAllowedPosition",
	  "query Q($i: ID) { generation(id: $i) { id } }",
	  "Variable \"$i\" of type \"ID\" used in position expecting type \"ID!\".", 1, 9 },
	{ "VariablesInAllowedPosition (in a fragment)",
	  "query Q($i: ID) { ...F }\nfragment F on Query { generation(id: $i) { id } }",
	  "Variable \"$i\" of type \"ID\" used in position expecting type \"ID!\".", 1, 9 },
	{ "ValuesOfCorrectType (required input field)",
	  "{ estimate(input: {type: VIDEO}) { creditCost } }",
	  "Field \"GenerateInput.input\" of required type \"GenerationContentInput!\" was not provided.", 1, 19 },
	{ "ValuesOfCorrectType (unknown input field)",
	  "{ estimate(input: {type: VIDEO, input: {}, nope: 1}) { creditCost } }",
	  "Field \"nope\" is not defined by type \"GenerateInput\".", 1, 44 },
	{ "Overlap: same alias, different fields",
	  "{ a: account { id } a: providers { id } }",
	  "Fields \"a\" conflict because \"account\" and \"providers\" are different fields. Use different aliases on the fields to fetch both if this was intentional.", 1, 3 },
	{ "Overlap: same field, different arguments",
	  "{ generation(id: \"1\") { id } generation(id: \"2\") { id } }",
	  "Fields \"generation\" conflict because they have differing arguments. Use different aliases on the fields to fetch both if this was intentional.", 1, 3 },
	{ "Overlap: variable vs literal",
	  "query Q($a: ID!) { generation(id: $a) { id } generation(id: \"a\") { id } }",
	  "Fields \"generation\" conflict because they have differing arguments. Use different aliases on the fields to fetch both if this was intentional.", 1, 20 },
	{ "Overlap: two variables",
	  "query Q($a: ID!, $b: ID!) { generation(id: $a) { id } generation(id: $b) { id } }",
	  "Fields \"generation\" conflict because they have differing arguments. Use different aliases on the fields to fetch both if this was intentional.", 1, 29 },
	{ "Overlap: through fragment spreads",
	  "{ account { ...A ...B } }\nfragment A on Account { x: id }\nfragment B on Account { x: plan }",
	  "Fields \"x\" conflict because \"id\" and \"plan\" are different fields. Use different aliases on the fields to fetch both if this was intentional.", 2, 25 },
	{ "Overlap: nested through fragments",
	  "{ generation(id: \"1\") { ...A } generation(id: \"1\") { ...B } }\nfragment A on Generation { m: metadata { v: width } }\nfragment B on Generation { m: metadata { v: format } }",
	  "Fields \"generation\" conflict because subfields \"m\" conflict because subfields \"v\" conflict because \"width\" and \"format\" are different fields. Use different aliases on the fields to fetch both if this was intentional.", 1, 3 },
	{ "Overlap: spread inside an inline fragment",
	  "{ account { ... on Account { ...A } id: plan } }\nfragment A on Account { id }",
	  "Fields \"id\" conflict because \"plan\" and \"id\" are different fields. Use different aliases on the fields to fetch both if this was intentional.", 1, 37 },
	{ "Overlap: aliases",
	  "{ generation(id: \"1\") { x: progress x: model } }",
	  "Fields \"x\" conflict because \"progress\" and \"model\" are different fields. Use different aliases on the fields to fetch both if this was intentional.", 1, 25 },
	{ "Overlap: nested subfields",
	  "{ a: generation(id: \"1\") { m: metadata { w: width } } a: generation(id: \"1\") { m: metadata { w: height } } }",
	  "Fields \"a\" conflict because subfields \"m\" conflict because subfields \"w\" conflict because \"width\" and \"height\" are different fields. Use different aliases on the fields to fetch both if this was intentional.", 1, 3 },
};

static void each_rule_reports_its_error(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof failing / sizeof failing[0]; i++) {
		struct run r;
		run_request(&r, failing[i].query);
		json_t *first = json_array_get(r.res.errors, 0);
		const char *message = json_string_value(json_object_get(first, "message"));
		json_t *loc = json_array_get(json_object_get(first, "locations"), 0);
		if (!message || !strstr(message, failing[i].message) ||
		    json_integer_value(json_object_get(loc, "line")) != failing[i].line ||
		    json_integer_value(json_object_get(loc, "column")) != failing[i].column) {
			char *text = json_dumps(r.res.errors, JSON_COMPACT);
			fail_msg("%s: %s\n want %s at %d:%d\n got %s", failing[i].rule, failing[i].query,
				 failing[i].message, failing[i].line, failing[i].column, text);
		}
		assert_int_equal(r.res.fatal, API_ERR_VALIDATION);
		assert_null(r.res.data);
		assert_string_equal(json_string_value(json_object_get(json_object_get(first, "extensions"), "code")),
				    "INVALID_INPUT");
		assert_int_equal(db_calls, 1); /* still authenticated and counted */
		run_done(&r);
	}
}

static const char *const passing[] = {
	"query Q($n: Int) { ...F }\nfragment F on Query { generations(first: $n) { totalCount } }",
	"query Q($f: Int) { generations(first: $f) { totalCount } }",
	"{ estimate(input: {type: VIDEO, input: {}, provider: null}) { creditCost } }",
	"{ generations(first: null, status: PENDING) { totalCount } }",
	"query Q($a: ID!) { generation(id: $a) { id } generation(id: $a) { status } }",
	"{ account { id id ...A ... on Account { id } } }\nfragment A on Account { id }",
	"{ generation(id: \"1\") { metadata { width } metadata { height } } }",
	"{ __typename }",
	/* every rule at once, satisfied */
	"query Full($id: ID!, $first: Int = 5, $withUrl: Boolean!, $type: GenerationType) {\n"
	"  g: generation(id: $id) { ...G ... on Generation { cost: creditCost } url @include(if: $withUrl) }\n"
	"  generations(first: $first, type: $type) { totalCount nodes { ...G } pageInfo { hasNextPage } }\n"
	"  providers(type: VIDEO) @skip(if: false) { id pricing { creditCost } }\n"
	"  account { plan rateLimit }\n"
	"  estimate(input: {type: IMAGE, input: {text: \"x\"}, priority: SPEED, options: {a: [1, {b: null}]}}) { creditCost }\n"
	"  __typename\n"
	"}\n"
	"fragment G on Generation { id status metadata { width } attempts { provider } ...H }\n"
	"fragment H on Generation { id status }",
	/* a nullable variable with a default in a non-null position */
	"query D($id: ID = \"gen_1\") { generation(id: $id) { id } }",
	/* a variable in a position with a default value */
	"query E($n: Int) { generations(first: $n) { totalCount } }",
	/* an object-typed field without a sub-selection (SPEC §2) */
	"{ account generation(id: \"1\") }",
	/* the same field merged through fragments and inline fragments */
	"{ account { ...A ... on Account { ...A id } } }\nfragment A on Account { id plan }",
	/* input object field order does not matter when merging */
	"{ estimate(input: {type: VIDEO, input: {text: \"a\", image: \"b\"}}) { creditCost }\n"
	"  estimate(input: {input: {image: \"b\", text: \"a\"}, type: VIDEO}) { creditCost } }",
	/* a mutation */
	"mutation M($input: GenerateInput!) { generate(input: $input) { id } cancelGeneration(id: \"1\") }",
};

static void valid_documents_have_no_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof passing / sizeof passing[0]; i++) {
		struct run r;
		run_request_vars(&r, passing[i], VARIABLES);
		if (r.res.data == NULL || r.res.fatal != API_OK) {
			char *text = json_dumps(r.res.errors, JSON_COMPACT);
			fail_msg("case %zu: %s\n got %s", i, passing[i], text);
		}
		run_done(&r);
	}
}

static void operations_are_checked_each_on_its_own(void **state)
{
	(void)state;
	/* two operations, each with its own variables, sharing a fragment */
	const char *doc = "query A($id: ID!) { ...Q }\nquery B($id: ID!) { generation(id: $id) { id } ...Q }\n"
			  "fragment Q on Query { generation(id: $id) { id } }";
	struct gql_env env = { NULL, "hash", "req_test", NULL, "fp", NULL, false, false, NULL };
	json_t *vars = json_loads(VARIABLES, 0, NULL);
	struct gql_request req = { doc, strlen(doc), vars, "B", false };
	struct run r;
	r.a = arena_new(4096);
	gql_execute(r.a, &env, &req, &r.res);
	assert_int_equal(r.res.fatal, API_OK);
	assert_non_null(r.res.data);
	json_decref(vars);
	run_done(&r);
	/* ... and one operation's variable is not another's */
	run_request(&r, "query A($id: ID!) { generation(id: $id) { id } }\nquery B { ...Q }\n"
			"fragment Q on Query { generation(id: $id) { id } }");
	assert_int_equal(json_array_size(r.res.errors), 1);
	assert_true(has_error(&r.res, "Variable \"$id\" is not defined by operation \"B\"."));
	run_done(&r);
}

static void overlap_errors_list_every_field(void **state)
{
	(void)state;
	struct run r;
	run_request(&r, "{ a: generation(id: \"1\") { m: metadata { w: width } }\n"
			"  a: generation(id: \"1\") { m: metadata { w: height } } }");
	char *text = json_dumps(json_object_get(json_array_get(r.res.errors, 0), "locations"), JSON_COMPACT);
	/* fields1 (a, m, w) then fields2 (a, m, w), as graphql-js lists them */
	assert_string_equal(text,
		"[{\"line\":1,\"column\":3},{\"line\":1,\"column\":28},{\"line\":1,\"column\":42},"
		"{\"line\":2,\"column\":3},{\"line\":2,\"column\":28},{\"line\":2,\"column\":42}]");
	free(text);
	assert_int_equal(json_array_size(r.res.errors), 1);
	run_done(&r);

	/* a conflict between two fragments is reported once, at each field */
	run_request(&r, "{ account { ...A ...B ...A } }\nfragment A on Account { x: id }\nfragment B on Account { x: plan }");
	assert_int_equal(json_array_size(r.res.errors), 1);
	text = json_dumps(json_object_get(json_array_get(r.res.errors, 0), "locations"), JSON_COMPACT);
	assert_string_equal(text, "[{\"line\":2,\"column\":25},{\"line\":3,\"column\":25}]");
	free(text);
	run_done(&r);

	/* mutually recursive fragments terminate (and are a cycle error) */
	run_request(&r, "{ account { ...A } }\nfragment A on Account { id ...B }\nfragment B on Account { id: plan ...A }");
	assert_true(has_error(&r.res, "Cannot spread fragment \"A\" within itself via \"B\"."));
	assert_true(has_error(&r.res, "Fields \"id\" conflict because \"id\" and \"plan\" are different fields."));
	run_done(&r);
}

static void other_locations(void **state)
{
	(void)state;
	struct run r;
	/* NoUndefinedVariables lists the usage, then the operation */
	run_request(&r, "query Q {\n  generations(first: $n) { totalCount } }");
	char *text = json_dumps(json_object_get(json_array_get(r.res.errors, 0), "locations"), JSON_COMPACT);
	assert_string_equal(text, "[{\"line\":2,\"column\":22},{\"line\":1,\"column\":1}]");
	free(text);
	run_done(&r);
	/* UniqueArgumentNames lists every argument of the name */
	run_request(&r, "{ generation(id: \"a\", id: \"b\") { id } }");
	text = json_dumps(json_object_get(json_array_get(r.res.errors, 0), "locations"), JSON_COMPACT);
	assert_string_equal(text, "[{\"line\":1,\"column\":14},{\"line\":1,\"column\":23}]");
	free(text);
	run_done(&r);
}

static void introspection_depth_and_unknown_meta_fields(void **state)
{
	(void)state;
	struct run r;
	run_request(&r, "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }");
	assert_int_equal(r.res.fatal, API_ERR_VALIDATION);
	assert_true(has_error(&r.res, "Maximum introspection depth exceeded"));
	run_done(&r);
	/* the depth follows fragment spreads */
	run_request(&r, "{ __type(name: \"Query\") { ...F } }\nfragment F on __Type { fields { type { fields { type { fields { name } } } } } }");
	assert_true(has_error(&r.res, "Maximum introspection depth exceeded"));
	run_done(&r);
}

static void errors_stop_at_the_cap(void **state)
{
	(void)state;
	char doc[4096] = "{ account {";
	for (int i = 0; i < 80; i++)
		strcat(doc, " nope");
	strcat(doc, " } }");
	struct run r;
	run_request(&r, doc);
	size_t n = json_array_size(r.res.errors);
	assert_true(n <= 51);
	assert_string_equal(json_string_value(json_object_get(json_array_get(r.res.errors, n - 1), "message")),
			    "Too many validation errors, error limit reached. Validation aborted.");
	run_done(&r);
}

/* Builds "{ account { <item> x n } }"-like documents and times them. */
static double time_document(const char *prefix, const char *item, bool vary, int n, const char *suffix,
			    bool *valid)
{
	size_t cap = strlen(prefix) + strlen(suffix) + (size_t)n * (strlen(item) + 16) + 1;
	char *doc = malloc(cap);
	size_t at = (size_t)snprintf(doc, cap, "%s", prefix);
	for (int i = 0; i < n; i++)
		at += (size_t)snprintf(doc + at, cap - at, item, vary ? i % 100 : 0);
	snprintf(doc + at, cap - at, "%s", suffix);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct run r;
	run_request(&r, doc);
	double ms = elapsed_ms(&t0);
	*valid = r.res.fatal != API_ERR_VALIDATION;
	run_done(&r);
	free(doc);
	return ms;
}

static void large_selection_sets_are_fast(void **state)
{
	(void)state;
	bool valid;
	/* 999 identical leaves in one selection set (1000 fields) */
	double ms = time_document("{ account {", " id%.0d", false, 999, " } }", &valid);
	assert_true(valid);
	assert_true(ms < 200);
	/* 499 identical fields with sub-selections */
	ms = time_document("{", " generation(id: \"1\") { id%.0d }", false, 499, " }", &valid);
	assert_true(valid);
	assert_true(ms < 200);
	/* 100 aliases and 898 leaves of 10 names (999 fields) */
	static const char *const leaves[] = { "id", "type", "status", "provider", "model", "progress", "url",
					      "creditCost", "estimatedTime", "createdAt" };
	char *mixed = malloc(16384);
	size_t at = (size_t)snprintf(mixed, 16384, "{ generation(id: \"1\") {");
	for (int i = 0; i < 100; i++)
		at += (size_t)snprintf(mixed + at, 16384 - at, " a%d: %s", i, leaves[i % 10]);
	for (int i = 0; i < 898; i++)
		at += (size_t)snprintf(mixed + at, 16384 - at, " %s", leaves[i % 10]);
	snprintf(mixed + at, 16384 - at, " } }");
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct run r;
	run_request(&r, mixed);
	assert_true(elapsed_ms(&t0) < 200);
	assert_int_equal(r.res.fatal, API_OK);
	run_done(&r);
	free(mixed);
	/* 999 fields that all conflict: stops at the error cap */
	ms = time_document("{", " generation(id: \"%d\") { id }", true, 499, " }", &valid);
	assert_false(valid);
	assert_true(ms < 200);
	/* the fragment bomb is refused by the limits, quickly */
	char bomb[8192] = "{ ...F0 } ";
	for (int i = 0; i < 30; i++) {
		char frag[256];
		snprintf(frag, sizeof frag, "fragment F%d on Query { ...F%d ...F%d } ", i, i + 1, i + 1);
		strcat(bomb, frag);
	}
	strcat(bomb, "fragment F30 on Query { account { id } }");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	run_request(&r, bomb);
	assert_true(elapsed_ms(&t0) < 200);
	assert_int_equal(r.res.fatal, API_ERR_VALIDATION);
	assert_true(has_error(&r.res, "more than 1000 fields"));
	run_done(&r);
	/* spreads only: bounded by the visit budget */
	char spreads[8192] = "{ ...F0 } ";
	for (int i = 0; i < 30; i++) {
		char frag[256];
		snprintf(frag, sizeof frag, "fragment F%d on Query { ...F%d ...F%d } ", i, i + 1, i + 1);
		strcat(spreads, frag);
	}
	strcat(spreads, "fragment F30 on Query { ... on Query { ...Missing } }");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	run_request(&r, spreads);
	assert_true(elapsed_ms(&t0) < 200);
	assert_int_equal(r.res.fatal, API_ERR_VALIDATION);
	run_done(&r);
}

/* Regression (found by libFuzzer): a fragment spreading itself inside a
 * sub-selection made the overlapping-fields comparison recurse until the
 * stack overflowed. It must end with validation errors instead. */
static void self_spread_in_a_subselection_terminates(void **state)
{
	(void)state;
	static const char *const docs[] = {
		"{ ...F } fragment F on Query { a: generation(id: \"x\") { ...F } a: generation(id: \"x\") { ...F } }",
		"query Q($w: Be) { eneration(id: \"x\") { ...e ... on Gedion { id @includa(if: $w) } __tyAename } } "
		"fragment F on Generprovidersation { sta: generatinullon(id: \"x\") { ...F ... on Gdersation { sta: "
		"generatinullon(id: \"x\") { ...F ... on Gedion { id @include(if: $w) } __tyAena:e } } fragment F on "
		"Geeeratiedion { id @include(if: $w) } __tyAena:e } } fragment F on Geeeration { status }",
	};
	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		struct run r;
		run_request(&r, docs[i]);
		assert_int_equal(r.res.fatal, API_ERR_VALIDATION);
		assert_true(json_array_size(r.res.errors) > 0);
		run_done(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(self_spread_in_a_subselection_terminates),
		cmocka_unit_test(each_rule_reports_its_error),
		cmocka_unit_test(valid_documents_have_no_errors),
		cmocka_unit_test(operations_are_checked_each_on_its_own),
		cmocka_unit_test(overlap_errors_list_every_field),
		cmocka_unit_test(other_locations),
		cmocka_unit_test(introspection_depth_and_unknown_meta_fields),
		cmocka_unit_test(errors_stop_at_the_cap),
		cmocka_unit_test(large_selection_sets_are_fast),
	};
	return cmocka_run_group_tests_name("validate", tests, NULL, NULL);
}
