/*
 * test_introspect.c - __schema, __type and __typename on the query root,
 * answered by the executor from introspect.c with no database work: the one
 * api.execute call of every request still happens (authentication and rate
 * limits) but carries no calls. db_call is replaced (-Wl,--wrap=db_call) by a
 * canned api.execute. Covers object, enum, input and scalar types, wrapped
 * type references, descriptions, default values printed as GraphQL literals,
 * the built-in directives, and graphql-js 16's getIntrospectionQuery with
 * every option on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "db/db.h"
#include "graphql/exec.h"
#include "graphql/schema.h"

/* graphql-js 16.15.0 getIntrospectionQuery({descriptions, specifiedByUrl,
 * directiveIsRepeatable, schemaDescription, inputValueDeprecation: true}),
 * blank lines dropped. */
static const char *INTROSPECTION_QUERY =
	"query IntrospectionQuery {\n"
	"  __schema {\n"
	"    description\n"
	"    queryType { name kind }\n"
	"    mutationType { name kind }\n"
	"    subscriptionType { name kind }\n"
	"    types {\n"
	"      ...FullType\n"
	"    }\n"
	"    directives {\n"
	"      name\n"
	"      description\n"
	"      isRepeatable\n"
	"      locations\n"
	"      args(includeDeprecated: true) {\n"
	"        ...InputValue\n"
	"      }\n"
	"    }\n"
	"  }\n"
	"}\n"
	"fragment FullType on __Type {\n"
	"  kind\n"
	"  name\n"
	"  description\n"
	"  specifiedByURL\n"
	"  fields(includeDeprecated: true) {\n"
	"    name\n"
	"    description\n"
	"    args(includeDeprecated: true) {\n"
	"      ...InputValue\n"
	"    }\n"
	"    type {\n"
	"      ...TypeRef\n"
	"    }\n"
	"    isDeprecated\n"
	"    deprecationReason\n"
	"  }\n"
	"  inputFields(includeDeprecated: true) {\n"
	"    ...InputValue\n"
	"  }\n"
	"  interfaces {\n"
	"    ...TypeRef\n"
	"  }\n"
	"  enumValues(includeDeprecated: true) {\n"
	"    name\n"
	"    description\n"
	"    isDeprecated\n"
	"    deprecationReason\n"
	"  }\n"
	"  possibleTypes {\n"
	"    ...TypeRef\n"
	"  }\n"
	"}\n"
	"fragment InputValue on __InputValue {\n"
	"  name\n"
	"  description\n"
	"  type { ...TypeRef }\n"
	"  defaultValue\n"
	"  isDeprecated\n"
	"  deprecationReason\n"
	"}\n"
	"fragment TypeRef on __Type {\n"
	"  kind\n"
	"  name\n"
	"  ofType {\n"
	"    name\n"
	"    kind\n"
	"    ofType {\n"
	"      name\n"
	"      kind\n"
	"      ofType {\n"
	"        name\n"
	"        kind\n"
	"        ofType {\n"
	"          name\n"
	"          kind\n"
	"          ofType {\n"
	"            name\n"
	"            kind\n"
	"            ofType {\n"
	"              name\n"
	"              kind\n"
	"              ofType {\n"
	"                name\n"
	"                kind\n"
	"                ofType {\n"
	"                  name\n"
	"                  kind\n"
	"                  ofType {\n"
	"                    name\n"
	"                    kind\n"
	"                  }\n"
	"                }\n"
	"              }\n"
	"            }\n"
	"          }\n"
	"        }\n"
	"      }\n"
	"    }\n"
	"  }\n"
	"}\n";

static struct {
	int calls;
	size_t ncalls;         /* calls in the last api.execute request */
	enum api_err fatal;    /* API_OK, or the whole request fails with this */
	const char *data;      /* every call's data */
} fake;

enum api_err __wrap_db_call(struct db *db, struct arena *a, const char *function, int nparams,
			    const char *const *params, json_t **out, struct db_error *err);

enum api_err __wrap_db_call(struct db *db, struct arena *a, const char *function, int nparams,
			    const char *const *params, json_t **out, struct db_error *err)
{
	(void)db;
	fake.calls++;
	assert_string_equal(function, "api.execute");
	assert_int_equal(nparams, 2);
	json_t *request = json_loads(params[1], 0, NULL);
	assert_non_null(request);
	fake.ncalls = json_array_size(json_object_get(request, "calls"));
	json_decref(request);
	if (fake.fatal != API_OK) {
		err->code = fake.fatal;
		snprintf(err->message, sizeof err->message, "Invalid API key.");
		err->detail = NULL;
		return fake.fatal;
	}
	json_t *results = json_array();
	for (size_t i = 0; i < fake.ncalls; i++)
		json_array_append_new(results, json_pack("{s:o}", "data", json_loads(fake.data, JSON_DECODE_ANY, NULL)));
	*out = json_pack("{s:{s:i,s:i,s:i},s:b,s:o}", "rate", "limit", 60, "remaining", 59, "reset", 30,
			 "replayed", false, "results", results);
	arena_defer(a, (void (*)(void *))json_decref, *out);
	return API_OK;
}

/* Runs query and returns its data (new reference), asserting that it
 * succeeded without errors and made exactly one api.execute call with
 * `calls` calls. */
static json_t *run_data(const char *query, const char *variables, size_t calls)
{
	struct arena *a = arena_new(4096);
	json_t *vars = variables ? json_loads(variables, 0, NULL) : NULL;
	struct gql_env env = { NULL, "hash", "req_test", NULL, "fp", NULL, false, false, NULL };
	struct gql_request req = { query, strlen(query), vars, NULL, false };
	struct gql_result res;
	fake.calls = 0;
	gql_execute(a, &env, &req, &res);
	if (json_array_size(res.errors)) {
		char *e = json_dumps(res.errors, JSON_COMPACT);
		print_error("unexpected errors: %s\n", e);
		free(e);
		fail();
	}
	assert_int_equal(res.fatal, API_OK);
	assert_int_equal(fake.calls, 1);
	assert_int_equal(fake.ncalls, calls);
	assert_non_null(res.data);
	json_t *data = json_deep_copy(res.data);
	json_decref(vars);
	arena_free(a);
	return data;
}

/* The compact JSON text of v with its keys in order (free()d by the caller). */
static char *text(json_t *v)
{
	char *t = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
	assert_non_null(t);
	return t;
}

static void assert_json(json_t *v, const char *expected)
{
	char *t = text(v);
	if (strcmp(t, expected)) {
		print_error("got      %s\nexpected %s\n", t, expected);
		free(t);
		fail();
	}
	free(t);
}

/* The element of the array whose "name" is name. */
static json_t *named(json_t *array, const char *name)
{
	size_t i;
	json_t *e;
	json_array_foreach(array, i, e)
		if (json_is_string(json_object_get(e, "name")) &&
		    !strcmp(json_string_value(json_object_get(e, "name")), name))
			return e;
	print_error("no element named %s\n", name);
	fail();
	return NULL;
}

static void root_meta_fields(void **state)
{
	(void)state;
	json_t *d = run_data("{ __typename __schema { description queryType { name kind } "
			     "mutationType { name } subscriptionType { name } } }", NULL, 0);
	assert_json(d, "{\"__typename\":\"Query\",\"__schema\":{\"description\":null,"
		       "\"queryType\":{\"name\":\"Query\",\"kind\":\"OBJECT\"},\"mutationType\":{\"name\":\"Mutation\"},"
		       "\"subscriptionType\":null}}");
	json_decref(d);

	/* Aliases, and an unknown type is null (no error). */
	d = run_data("query { q: __type(name: \"Query\") { name kind } u: __type(name: \"Nope\") { name } }", NULL, 0);
	assert_json(d, "{\"q\":{\"name\":\"Query\",\"kind\":\"OBJECT\"},\"u\":null}");
	json_decref(d);

	/* Introspection next to a real field: only the real field is a call. */
	fake.data = "{\"id\":\"gen_1\"}";
	d = run_data("query($n: String!) { __type(name: $n) { name } generation(id: \"gen_1\") { id } }",
		     "{\"n\":\"Generation\"}", 1);
	assert_json(d, "{\"__type\":{\"name\":\"Generation\"},\"generation\":{\"id\":\"gen_1\"}}");
	json_decref(d);
}

static void still_authenticated(void **state)
{
	(void)state;
	struct arena *a = arena_new(4096);
	const char *q = "{ __schema { queryType { name } } }";
	struct gql_env env = { NULL, "hash", "req_test", NULL, "fp", NULL, false, false, NULL };
	struct gql_request req = { q, strlen(q), NULL, NULL, false };
	struct gql_result res;
	fake.calls = 0;
	fake.fatal = API_ERR_UNAUTHENTICATED;
	gql_execute(a, &env, &req, &res);
	fake.fatal = API_OK;
	assert_int_equal(fake.calls, 1);
	assert_int_equal(res.fatal, API_ERR_UNAUTHENTICATED);
	assert_null(res.data);
	arena_free(a);
}

static void meta_fields_are_refused_elsewhere(void **state)
{
	(void)state;
	struct arena *a = arena_new(4096);
	const char *q = "mutation { __schema { queryType { name } } }";
	struct gql_env env = { NULL, "hash", "req_test", NULL, "fp", NULL, false, false, NULL };
	struct gql_request req = { q, strlen(q), NULL, NULL, false };
	struct gql_result res;
	gql_execute(a, &env, &req, &res);
	assert_int_equal(res.fatal, API_ERR_VALIDATION);
	assert_null(res.data);
	char *t = text(res.errors);
	assert_non_null(strstr(t, "Cannot query field \\\"__schema\\\" on type \\\"Mutation\\\""));
	free(t);
	arena_free(a);
}

static void query_type(void **state)
{
	(void)state;
	json_t *d = run_data("{ __type(name: \"Query\") { kind name description specifiedByURL isOneOf "
			     "interfaces { name } possibleTypes { name } enumValues { name } inputFields { name } ofType { name } "
			     "fields(includeDeprecated: true) { name description isDeprecated deprecationReason "
			     "args(includeDeprecated: true) { name defaultValue type { kind name ofType { kind name } } } "
			     "type { kind name ofType { kind name } } } } }", NULL, 0);
	json_t *t = json_object_get(d, "__type");
	assert_json(json_object_get(t, "kind"), "\"OBJECT\"");
	assert_json(json_object_get(t, "interfaces"), "[]");
	assert_true(json_is_null(json_object_get(t, "possibleTypes")));
	assert_true(json_is_null(json_object_get(t, "enumValues")));
	assert_true(json_is_null(json_object_get(t, "inputFields")));
	assert_true(json_is_null(json_object_get(t, "isOneOf")));
	assert_true(json_is_null(json_object_get(t, "ofType")));
	json_t *fields = json_object_get(t, "fields");
	assert_int_equal(json_array_size(fields), 6); /* no __schema / __type among them */
	assert_json(named(fields, "generations"),
		    "{\"name\":\"generations\",\"description\":null,\"isDeprecated\":false,\"deprecationReason\":null,\"args\":["
		    "{\"name\":\"first\",\"defaultValue\":\"20\",\"type\":{\"kind\":\"SCALAR\",\"name\":\"Int\",\"ofType\":null}},"
		    "{\"name\":\"after\",\"defaultValue\":null,\"type\":{\"kind\":\"SCALAR\",\"name\":\"String\",\"ofType\":null}},"
		    "{\"name\":\"status\",\"defaultValue\":null,\"type\":{\"kind\":\"ENUM\",\"name\":\"GenerationStatus\",\"ofType\":null}},"
		    "{\"name\":\"type\",\"defaultValue\":null,\"type\":{\"kind\":\"ENUM\",\"name\":\"GenerationType\",\"ofType\":null}}],"
		    "\"type\":{\"kind\":\"NON_NULL\",\"name\":null,\"ofType\":{\"kind\":\"OBJECT\",\"name\":\"GenerationConnection\"}}}");
	assert_json(json_object_get(named(fields, "estimate"), "description"),
		    "\"Prices and routes a generate input exactly as generate would, and creates nothing.\"");
	json_decref(d);
}

static void mutation_type(void **state)
{
	(void)state;
	json_t *d = run_data("{ __schema { mutationType { name fields { name args { name type { kind ofType { name kind } } } } } } }",
			     NULL, 0);
	json_t *fields = json_object_get(json_object_get(json_object_get(d, "__schema"), "mutationType"), "fields");
	assert_json(named(fields, "generate"), "{\"name\":\"generate\",\"args\":[{\"name\":\"input\",\"type\":"
		    "{\"kind\":\"NON_NULL\",\"ofType\":{\"name\":\"GenerateInput\",\"kind\":\"INPUT_OBJECT\"}}}]}");
	assert_json(named(fields, "rotateWebhookSecret"), "{\"name\":\"rotateWebhookSecret\",\"args\":[]}");
	json_decref(d);
}

static void enum_type(void **state)
{
	(void)state;
	json_t *d = run_data("{ __type(name: \"GenerationStatus\") { kind description fields { name } inputFields { name } "
			     "enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason } } }", NULL, 0);
	json_t *t = json_object_get(d, "__type");
	assert_json(json_object_get(t, "kind"), "\"ENUM\"");
	assert_true(json_is_null(json_object_get(t, "fields")));
	assert_true(json_is_null(json_object_get(t, "inputFields")));
	json_t *values = json_object_get(t, "enumValues");
	assert_int_equal(json_array_size(values), 5);
	assert_json(json_array_get(values, 0), "{\"name\":\"PENDING\",\"description\":"
		    "\"Accepted, waiting for the scheduler to submit it to a provider.\",\"isDeprecated\":false,\"deprecationReason\":null}");
	assert_json(json_array_get(values, 3), "{\"name\":\"FAILED\",\"description\":null,\"isDeprecated\":false,\"deprecationReason\":null}");
	json_decref(d);
}

static void input_type(void **state)
{
	(void)state;
	json_t *d = run_data("{ __type(name: \"GenerateInput\") { kind isOneOf fields { name } "
			     "inputFields(includeDeprecated: true) { name description defaultValue isDeprecated "
			     "type { kind name ofType { kind name } } } } }", NULL, 0);
	json_t *t = json_object_get(d, "__type");
	assert_json(json_object_get(t, "kind"), "\"INPUT_OBJECT\"");
	assert_json(json_object_get(t, "isOneOf"), "false");
	assert_true(json_is_null(json_object_get(t, "fields")));
	json_t *fields = json_object_get(t, "inputFields");
	assert_int_equal(json_array_size(fields), 7);
	assert_json(named(fields, "priority"), "{\"name\":\"priority\",\"description\":null,\"defaultValue\":\"BALANCED\","
		    "\"isDeprecated\":false,\"type\":{\"kind\":\"ENUM\",\"name\":\"Priority\",\"ofType\":null}}");
	assert_json(json_object_get(named(fields, "input"), "type"),
		    "{\"kind\":\"NON_NULL\",\"name\":null,\"ofType\":{\"kind\":\"INPUT_OBJECT\",\"name\":\"GenerationContentInput\"}}");
	json_decref(d);
}

static void scalars(void **state)
{
	(void)state;
	json_t *d = run_data("{ j: __type(name: \"JSON\") { kind name description specifiedByURL fields { name } } "
			     "i: __type(name: \"Int\") { kind name specifiedByURL } }", NULL, 0);
	assert_json(d, "{\"j\":{\"kind\":\"SCALAR\",\"name\":\"JSON\",\"description\":"
		       "\"Any JSON value (object, array, string, number, boolean, null).\",\"specifiedByURL\":null,\"fields\":null},"
		       "\"i\":{\"kind\":\"SCALAR\",\"name\":\"Int\",\"specifiedByURL\":null}}");
	json_decref(d);
}

/* NON_NULL -> LIST -> NON_NULL -> OBJECT, and the named type at the end of
 * the chain answers its own fields (the reference is resolved by name). */
static void wrapped_types(void **state)
{
	(void)state;
	json_t *d = run_data("{ __type(name: \"Generation\") { fields { name type { kind name ofType { kind name "
			     "ofType { kind name ofType { kind name ofType { name } fields { name type { name kind } } } } } } } } }",
			     NULL, 0);
	json_t *f = named(json_object_get(json_object_get(d, "__type"), "fields"), "attempts");
	assert_json(json_object_get(f, "type"),
		    "{\"kind\":\"NON_NULL\",\"name\":null,\"ofType\":{\"kind\":\"LIST\",\"name\":null,\"ofType\":"
		    "{\"kind\":\"NON_NULL\",\"name\":null,\"ofType\":{\"kind\":\"OBJECT\",\"name\":\"GenerationAttempt\","
		    "\"ofType\":null,\"fields\":[{\"name\":\"provider\",\"type\":{\"name\":null,\"kind\":\"NON_NULL\"}},"
		    "{\"name\":\"model\",\"type\":{\"name\":\"String\",\"kind\":\"SCALAR\"}},"
		    "{\"name\":\"status\",\"type\":{\"name\":null,\"kind\":\"NON_NULL\"}},"
		    "{\"name\":\"startedAt\",\"type\":{\"name\":null,\"kind\":\"NON_NULL\"}},"
		    "{\"name\":\"finishedAt\",\"type\":{\"name\":\"DateTime\",\"kind\":\"SCALAR\"}},"
		    "{\"name\":\"error\",\"type\":{\"name\":\"GenerationError\",\"kind\":\"OBJECT\"}}]}}}}");
	json_decref(d);
}

static void directives(void **state)
{
	(void)state;
	json_t *d = run_data("{ __schema { directives { name isRepeatable locations "
			     "args(includeDeprecated: true) { name defaultValue type { kind name ofType { name } } } } } }", NULL, 0);
	json_t *dirs = json_object_get(json_object_get(d, "__schema"), "directives");
	assert_int_equal(json_array_size(dirs), 5);
	assert_json(named(dirs, "include"), "{\"name\":\"include\",\"isRepeatable\":false,"
		    "\"locations\":[\"FIELD\",\"FRAGMENT_SPREAD\",\"INLINE_FRAGMENT\"],\"args\":[{\"name\":\"if\","
		    "\"defaultValue\":null,\"type\":{\"kind\":\"NON_NULL\",\"name\":null,\"ofType\":{\"name\":\"Boolean\"}}}]}");
	assert_json(named(dirs, "deprecated"), "{\"name\":\"deprecated\",\"isRepeatable\":false,"
		    "\"locations\":[\"FIELD_DEFINITION\",\"ARGUMENT_DEFINITION\",\"INPUT_FIELD_DEFINITION\",\"ENUM_VALUE\","
		    "\"DIRECTIVE_DEFINITION\"],\"args\":[{\"name\":\"reason\",\"defaultValue\":\"\\\"No longer supported\\\"\","
		    "\"type\":{\"kind\":\"SCALAR\",\"name\":\"String\",\"ofType\":null}}]}");
	assert_json(named(dirs, "skip"), "{\"name\":\"skip\",\"isRepeatable\":false,"
		    "\"locations\":[\"FIELD\",\"FRAGMENT_SPREAD\",\"INLINE_FRAGMENT\"],\"args\":[{\"name\":\"if\","
		    "\"defaultValue\":null,\"type\":{\"kind\":\"NON_NULL\",\"name\":null,\"ofType\":{\"name\":\"Boolean\"}}}]}");
	assert_json(json_object_get(named(dirs, "specifiedBy"), "locations"), "[\"SCALAR\"]");
	assert_json(json_object_get(named(dirs, "oneOf"), "args"), "[]");
	json_decref(d);
}

/* Walks a type reference down to its named type. */
static const char *core_name(json_t *ref)
{
	while (ref && json_is_null(json_object_get(ref, "name")))
		ref = json_object_get(ref, "ofType");
	return json_string_value(json_object_get(ref, "name"));
}

static void check_refs(json_t *types, json_t *ref)
{
	const char *name = core_name(ref);
	assert_non_null(name);
	(void)named(types, name);
}

/* The whole document GraphiQL and code generators send. Every reference
 * resolves to a listed type, descriptions are present, and nothing is
 * deprecated (introspect.c ignores includeDeprecated on that ground). */
static void graphql_js_introspection_query(void **state)
{
	(void)state;
	json_t *d = run_data(INTROSPECTION_QUERY, NULL, 0);
	json_t *schema = json_object_get(d, "__schema");
	json_t *types = json_object_get(schema, "types");
	const char *expected[] = { "Int", "Float", "String", "Boolean", "ID", "JSON", "DateTime", "Query", "Mutation",
				   "GenerateInput", "Priority", "__Schema", "__Type", "__TypeKind", "__Field",
				   "__InputValue", "__EnumValue", "__Directive", "__DirectiveLocation" };
	for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
		(void)named(types, expected[i]);
	assert_int_equal(json_array_size(types), 5 + 27 + 8); /* built-in scalars, schema.graphql, __ types */
	assert_true(json_is_string(json_object_get(named(types, "__Type"), "description")));
	assert_true(json_is_string(json_object_get(named(types, "__Schema"), "description")));
	assert_non_null(strstr(json_string_value(json_object_get(named(types, "String"), "description")), "UTF-8"));
	size_t i, j, k;
	json_t *t, *f, *a;
	json_array_foreach(types, i, t) {
		json_array_foreach(json_object_get(t, "fields"), j, f) {
			assert_false(json_is_true(json_object_get(f, "isDeprecated")));
			check_refs(types, json_object_get(f, "type"));
			json_array_foreach(json_object_get(f, "args"), k, a) {
				assert_false(json_is_true(json_object_get(a, "isDeprecated")));
				check_refs(types, json_object_get(a, "type"));
			}
		}
		json_array_foreach(json_object_get(t, "inputFields"), j, f) {
			assert_false(json_is_true(json_object_get(f, "isDeprecated")));
			check_refs(types, json_object_get(f, "type"));
		}
		json_array_foreach(json_object_get(t, "enumValues"), j, f)
			assert_false(json_is_true(json_object_get(f, "isDeprecated")));
	}
	assert_json(json_object_get(schema, "queryType"), "{\"name\":\"Query\",\"kind\":\"OBJECT\"}");
	assert_int_equal(json_array_size(json_object_get(schema, "directives")), 5);
	/* The type of __Field.args spells out its default: includeDeprecated: Boolean! = false. */
	json_t *args = json_object_get(named(json_object_get(named(types, "__Field"), "fields"), "args"), "args");
	assert_json(json_object_get(json_array_get(args, 0), "defaultValue"), "\"false\"");
	json_decref(d);
}

static int teardown(void **state)
{
	(void)state;
	gql_schema_free();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(root_meta_fields),
		cmocka_unit_test(still_authenticated),
		cmocka_unit_test(meta_fields_are_refused_elsewhere),
		cmocka_unit_test(query_type),
		cmocka_unit_test(mutation_type),
		cmocka_unit_test(enum_type),
		cmocka_unit_test(input_type),
		cmocka_unit_test(scalars),
		cmocka_unit_test(wrapped_types),
		cmocka_unit_test(directives),
		cmocka_unit_test(graphql_js_introspection_query),
	};
	return cmocka_run_group_tests_name("introspect", tests, NULL, teardown);
}
