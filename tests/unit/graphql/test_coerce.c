/*
 * test_coerce.c - input coercion (GraphQL spec §3.5-3.10, §6.1.2): every
 * literal kind against every input type of ours, variable values from JSON,
 * lists (including a single value coerced to a list), input objects (unknown
 * and duplicate fields, required fields, defaults), null handling, numeric
 * ranges, and the byte offset of each error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/arena.h"
#include "graphql/coerce.h"
#include "graphql/parser.h"
#include "graphql/schema.h"

static struct arena *arena;

/* Parses "query ($v: TYPE = LITERAL) { __typename }" and returns the
 * variable definition, so that the type and the literal come from the
 * real parser. */
static const struct gql_variable_def *def_of(const char *type, const char *literal)
{
	char *doc = arena_printf(arena, "query ($v: %s = %s) { __typename }", type, literal);
	struct gql_document *d;
	struct gql_parse_error err;
	if (gql_parse(arena, doc, strlen(doc), NULL, &d, &err))
		fail_msg("does not parse: %s: %s", doc, err.message);
	return d->first->variables;
}

/* Coerces LITERAL to TYPE; returns compact JSON or "ERROR: message @offset"
 * (offset relative to the literal). */
static const char *lit(const char *type, const char *literal)
{
	const struct gql_variable_def *v = def_of(type, literal);
	struct coerce_error err = { 0, "" };
	json_t *x = coerce_literal(gql_schema_get(), v->type, v->default_value, NULL, &err);
	if (!x)
		return arena_printf(arena, "ERROR: %s @%u", err.message, err.offset - v->default_value->offset);
	char *text = json_dumps(x, JSON_COMPACT | JSON_ENCODE_ANY);
	const char *out = arena_strdup(arena, text);
	free(text);
	json_decref(x);
	return out;
}

/* Coerces the JSON text VALUE, as a variable of TYPE. */
static const char *var(const char *type, const char *value)
{
	const struct gql_variable_def *v = def_of(type, "null");
	json_t *in = json_loads(value, JSON_DECODE_ANY, NULL);
	assert_non_null(in);
	struct coerce_error err = { 0, "" };
	json_t *x = coerce_json(gql_schema_get(), v->type, in, "$v", &err);
	json_decref(in);
	if (!x)
		return arena_printf(arena, "ERROR: %s", err.message);
	char *text = json_dumps(x, JSON_COMPACT | JSON_ENCODE_ANY);
	const char *out = arena_strdup(arena, text);
	free(text);
	json_decref(x);
	return out;
}

static void scalar_literals(void **state)
{
	(void)state;
	assert_string_equal(lit("Int", "42"), "42");
	assert_string_equal(lit("Int", "-2147483648"), "-2147483648");
	assert_string_equal(lit("Int", "2147483648"), "ERROR: Int cannot represent non 32-bit signed integer value: 2147483648 @0");
	assert_string_equal(lit("Int", "4.5"), "ERROR: Int cannot represent non-integer value: 4.5 @0");
	assert_string_equal(lit("Int", "\"7\""), "ERROR: Int cannot represent non-integer value: \"7\" @0");
	assert_string_equal(lit("Float", "1.5e3"), "1500.0");
	assert_string_equal(lit("Float", "3"), "3.0"); /* an Int literal is a valid Float */
	assert_string_equal(lit("Float", "true"), "ERROR: Float cannot represent non numeric value: true @0");
	assert_string_equal(lit("String", "\"caf\\u00e9 \\uD83D\\uDE00\""), "\"café 😀\"");
	assert_string_equal(lit("String", "\"\"\"\n    block\n      string\n    \"\"\""), "\"block\\n  string\"");
	assert_string_equal(lit("String", "5"), "ERROR: String cannot represent a non string value: 5 @0");
	assert_string_equal(lit("Boolean", "false"), "false");
	assert_string_equal(lit("Boolean", "\"true\""), "ERROR: Boolean cannot represent a non boolean value: \"true\" @0");
	assert_string_equal(lit("ID", "\"gen_1\""), "\"gen_1\"");
	assert_string_equal(lit("ID", "12"), "\"12\""); /* integers are accepted as IDs, as strings */
	assert_string_equal(lit("ID", "1.5"), "ERROR: ID cannot represent a non-string and non-integer value: 1.5 @0");
	assert_string_equal(lit("JSON", "{ a: [1, 2.5, \"x\", null, true, ENUMISH] }"),
			    "{\"a\":[1,2.5,\"x\",null,true,\"ENUMISH\"]}");
}

static void enums_and_nulls(void **state)
{
	(void)state;
	assert_string_equal(lit("GenerationType", "VIDEO"), "\"VIDEO\"");
	assert_string_equal(lit("GenerationType", "SOUND"),
			    "ERROR: Value \"SOUND\" does not exist in \"GenerationType\" enum. @0");
	assert_string_equal(lit("GenerationType", "\"VIDEO\""),
			    "ERROR: Enum \"GenerationType\" cannot represent non-enum value: \"VIDEO\". @0");
	assert_string_equal(lit("GenerationType", "null"), "null");
	assert_string_equal(lit("GenerationType!", "null"),
			    "ERROR: Expected value of type \"GenerationType!\", found null. @0");
}

static void lists(void **state)
{
	(void)state;
	assert_string_equal(lit("[Int]", "[1, 2, 3]"), "[1,2,3]");
	assert_string_equal(lit("[Int]", "7"), "[7]"); /* a single value becomes a list */
	assert_string_equal(lit("[Int]", "[1, null]"), "[1,null]");
	assert_string_equal(lit("[Int!]", "[1, null]"), "ERROR: Expected value of type \"Int!\", found null. @4");
	assert_string_equal(lit("[[Int]]", "[[1], 2]"), "[[1],[2]]");
	assert_string_equal(lit("[Int]", "[1, \"b\"]"), "ERROR: Int cannot represent non-integer value: \"b\" @4");
	assert_string_equal(var("[Int]", "5"), "[5]");
	assert_string_equal(var("[Int!]!", "[1,2]"), "[1,2]");
	assert_string_equal(var("[Int!]", "[1,null]"),
			    "ERROR: Variable \"$v\" of non-null type \"Int!\" must not be null.");
}

static void input_objects(void **state)
{
	(void)state;
	/* defaults are filled in, in the type's field order */
	assert_string_equal(lit("GenerateInput", "{ input: { text: \"x\" }, type: AUDIO }"),
			    "{\"type\":\"AUDIO\",\"input\":{\"text\":\"x\"},\"priority\":\"BALANCED\"}");
	assert_string_equal(lit("GenerateInput", "{ type: AUDIO }"),
			    "ERROR: Field \"GenerateInput.input\" of required type \"GenerationContentInput!\" was not provided. @0");
	assert_string_equal(lit("GenerateInput", "{ type: AUDIO, input: {}, bogus: 1 }"),
			    "ERROR: Field \"bogus\" is not defined by type \"GenerateInput\". @26");
	assert_string_equal(lit("GenerateInput", "{ type: AUDIO, type: VIDEO, input: {} }"),
			    "ERROR: There can be only one input field named \"type\". @15");
	assert_string_equal(lit("GenerateInput", "{ type: AUDIO, input: {}, priority: null }"),
			    "{\"type\":\"AUDIO\",\"input\":{},\"priority\":null}"); /* explicit null beats the default */
	assert_string_equal(lit("GenerateInput", "[1]"),
			    "ERROR: Expected value of type \"GenerateInput\", found [...]. @0");
	assert_string_equal(var("GenerateInput", "{\"type\":\"IMAGE\",\"input\":{\"text\":\"x\"},\"options\":{\"seed\":42}}"),
			    "{\"type\":\"IMAGE\",\"input\":{\"text\":\"x\"},\"options\":{\"seed\":42},\"priority\":\"BALANCED\"}");
	assert_string_equal(var("GenerateInput", "{\"type\":\"IMAGE\",\"input\":{},\"extra\":1}"),
			    "ERROR: Variable \"$v\" got invalid value; Field \"extra\" is not defined by type \"GenerateInput\".");
	assert_string_equal(var("GenerateInput", "{\"input\":{}}"),
			    "ERROR: Variable \"$v\" got invalid value; Field \"type\" of required type \"GenerationType!\" was not provided.");
	assert_string_equal(var("GenerateInput", "\"text\""),
			    "ERROR: Variable \"$v\" got invalid value; Expected type \"GenerateInput\" to be an object.");
}

static void variable_scalars(void **state)
{
	(void)state;
	assert_string_equal(var("Int", "3"), "3");
	assert_string_equal(var("Int", "3.0"), "3"); /* an integral number is an Int */
	assert_string_equal(var("Int", "3.5"), "ERROR: Variable \"$v\" got invalid value; Int cannot represent non-integer or non 32-bit value.");
	assert_string_equal(var("Int", "4294967296"), "ERROR: Variable \"$v\" got invalid value; Int cannot represent non-integer or non 32-bit value.");
	assert_string_equal(var("Float", "2"), "2.0");
	assert_string_equal(var("ID", "99"), "\"99\"");
	assert_string_equal(var("String", "1"), "ERROR: Variable \"$v\" got invalid value; String cannot represent a non string value.");
	assert_string_equal(var("GenerationStatus", "\"DONE\""),
			    "ERROR: Variable \"$v\" got invalid value \"DONE\"; Value \"DONE\" does not exist in \"GenerationStatus\" enum.");
	assert_string_equal(var("JSON", "{\"any\":[1,{\"x\":null}]}"), "{\"any\":[1,{\"x\":null}]}");
	assert_string_equal(var("Int!", "null"), "ERROR: Variable \"$v\" of non-null type \"Int!\" must not be null.");
	assert_string_equal(var("Int", "null"), "null");
}

static int setup(void **state)
{
	(void)state;
	arena = arena_new(1 << 16);
	return gql_schema_get() ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	arena_free(arena);
	gql_schema_free();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scalar_literals),
		cmocka_unit_test(enums_and_nulls),
		cmocka_unit_test(lists),
		cmocka_unit_test(input_objects),
		cmocka_unit_test(variable_scalars),
	};
	return cmocka_run_group_tests_name("coerce", tests, setup, teardown);
}
