/*
 * test_exec.c - the executor on the seed page's documents, with db_call
 * replaced (-Wl,--wrap=db_call) by a canned api.execute: the one call per
 * request and what it carries (calls with coerced arguments, mutation flag,
 * idempotency key, fingerprint), projection of the returned JSON by the
 * selection set, field errors with locations, paths and codes, request-level
 * refusals, null propagation, and rotateWebhookSecret sealing its new secret
 * and opening the answer.
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

/* What the fake database answers next, and what it was asked. */
static struct {
	const char *json;          /* every call's data, or NULL: each call fails with code */
	enum api_err code;
	const char *message;
	const char *detail;
	enum api_err fatal;        /* API_OK, or the whole request fails with this */
	char function[64];
	char params[4][2048];
	int nparams;
	int calls;
} fake;

static const char *code_name(enum api_err e)
{
	return e == API_ERR_NOT_FOUND ? "NOT_FOUND" : e == API_ERR_INSUFFICIENT_CREDITS ? "INSUFFICIENT_CREDITS" : "INVALID_INPUT";
}

enum api_err __wrap_db_call(struct db *db, struct arena *a, const char *function, int nparams,
			    const char *const *params, json_t **out, struct db_error *err);

enum api_err __wrap_db_call(struct db *db, struct arena *a, const char *function, int nparams,
			    const char *const *params, json_t **out, struct db_error *err)
{
	(void)db;
	fake.calls++;
	snprintf(fake.function, sizeof fake.function, "%s", function);
	fake.nparams = nparams;
	for (int i = 0; i < nparams && i < 4; i++)
		snprintf(fake.params[i], sizeof fake.params[i], "%s", params[i] ? params[i] : "<NULL>");
	if (fake.fatal != API_OK) {
		err->code = fake.fatal;
		snprintf(err->message, sizeof err->message, "%s", fake.message);
		err->detail = fake.detail ? json_loads(fake.detail, 0, NULL) : NULL;
		if (err->detail)
			arena_defer(a, (void (*)(void *))json_decref, err->detail);
		return fake.fatal;
	}
	json_t *request = json_loads(params[1], 0, NULL);
	assert_non_null(request);
	json_t *results = json_array();
	for (size_t i = 0; i < json_array_size(json_object_get(request, "calls")); i++) {
		json_t *r;
		if (fake.json)
			r = json_pack("{s:o}", "data", json_loads(fake.json, JSON_DECODE_ANY, NULL));
		else
			r = json_pack("{s:{s:s,s:s,s:o}}", "error", "code", code_name(fake.code), "message",
				      fake.message, "extensions", fake.detail ? json_loads(fake.detail, 0, NULL) : json_object());
		json_array_append_new(results, r);
	}
	json_decref(request);
	*out = json_pack("{s:{s:i,s:i,s:i},s:b,s:o}", "rate", "limit", 60, "remaining", 59, "reset", 30,
			 "replayed", false, "results", results);
	arena_defer(a, (void (*)(void *))json_decref, *out);
	return API_OK;
}

/* The request api.execute received, as JSON (new reference). */
static json_t *sent(void)
{
	json_t *r = json_loads(fake.params[1], 0, NULL);
	assert_non_null(r);
	return r;
}

/* The compact JSON of calls[i].args of the request sent. */
static char *sent_args(size_t i)
{
	json_t *r = sent();
	char *text = json_dumps(json_object_get(json_array_get(json_object_get(r, "calls"), i), "args"),
				JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(r);
	return text;
}

static const char *GENERATION =
	"{\"id\":\"gen_1\",\"type\":\"VIDEO\",\"status\":\"PENDING\",\"provider\":\"minimax\","
	"\"url\":null,\"metadata\":{\"duration\":10.0,\"resolution\":\"1080p\",\"format\":\"mp4\"},"
	"\"creditCost\":80,\"estimatedTime\":120,\"progress\":0,"
	"\"error\":{\"code\":\"GENERATION_FAILED\",\"message\":\"x\"},\"errorCode\":null,"
	"\"createdAt\":\"2026-11-24T05:24:13Z\",\"attempts\":[]}";

/* The operator's webhook_secret_key the next request runs with (NULL = none). */
static const struct secret_key *webhook_key;

struct run {
	struct arena *a;
	struct gql_result res;
	char *text; /* compact JSON of {errors?, data?} */
};

static void run_request(struct run *r, const char *query, const char *variables, const char *op,
			bool read_only)
{
	r->a = arena_new(4096);
	json_t *vars = variables ? json_loads(variables, 0, NULL) : NULL;
	if (variables)
		assert_non_null(vars);
	struct gql_env env = { NULL, "hash", "req_test", "idem-1", "fp", NULL, false, false, webhook_key };
	struct gql_request req = { query, strlen(query), vars, op, read_only };
	fake.calls = 0;
	gql_execute(r->a, &env, &req, &r->res);
	json_t *env_json = json_object();
	if (json_array_size(r->res.errors))
		json_object_set(env_json, "errors", r->res.errors);
	if (r->res.data)
		json_object_set(env_json, "data", r->res.data);
	r->text = json_dumps(env_json, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(env_json);
	json_decref(vars);
}

static void run_done(struct run *r)
{
	free(r->text);
	arena_free(r->a);
}

static void seed_generate_with_variables(void **state)
{
	(void)state;
	fake.json = GENERATION;
	struct run r;
	run_request(&r,
		"mutation Generate($input: GenerateInput!) { generate(input: $input) { id status type provider url "
		"metadata { duration resolution } creditCost estimatedTime } }",
		"{\"input\":{\"type\":\"VIDEO\",\"provider\":\"minimax\",\"input\":{\"text\":\"A serene mountain landscape at sunset\"},"
		"\"options\":{\"duration\":10,\"resolution\":\"1080p\",\"style\":\"cinematic\"}}}",
		NULL, false);
	assert_int_equal(r.res.fatal, API_OK);
	assert_true(r.res.is_mutation);
	/* one call for the whole request, carrying what idempotency needs */
	assert_int_equal(fake.calls, 1);
	assert_string_equal(fake.function, "api.execute");
	assert_int_equal(fake.nparams, 2);
	assert_string_equal(fake.params[0], "hash");
	json_t *req = sent();
	assert_true(json_is_true(json_object_get(req, "mutation")));
	assert_string_equal(json_string_value(json_object_get(req, "idempotencyKey")), "idem-1");
	assert_string_equal(json_string_value(json_object_get(req, "fingerprint")), "fp");
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(req, "calls"), 0), "field")),
			    "generate");
	json_decref(req);
	/* the default priority of GenerateInput is applied before the call */
	char *args = sent_args(0);
	assert_non_null(strstr(args, "\"priority\":\"BALANCED\""));
	assert_non_null(strstr(args, "\"options\":{\"duration\":10"));
	free(args);
	assert_int_equal(json_integer_value(json_object_get(r.res.rate, "remaining")), 59);
	assert_false(r.res.replayed);
	assert_string_equal(r.text,
		"{\"data\":{\"generate\":{\"id\":\"gen_1\",\"status\":\"PENDING\",\"type\":\"VIDEO\",\"provider\":\"minimax\","
		"\"url\":null,\"metadata\":{\"duration\":10.0,\"resolution\":\"1080p\"},\"creditCost\":80,\"estimatedTime\":120}}}");
	run_done(&r);
}

static void seed_inline_literal(void **state)
{
	(void)state;
	fake.json = GENERATION;
	struct run r;
	run_request(&r,
		"mutation { generate(input: { type: VIDEO, input: { text: \"Epic dragon battle\" }, priority: QUALITY }) "
		"{ id status provider creditCost } }", NULL, NULL, false);
	assert_int_equal(r.res.fatal, API_OK);
	char *args = sent_args(0);
	assert_string_equal(args,
		"{\"input\":{\"type\":\"VIDEO\",\"input\":{\"text\":\"Epic dragon battle\"},\"priority\":\"QUALITY\"}}");
	free(args);
	assert_string_equal(r.text, "{\"data\":{\"generate\":{\"id\":\"gen_1\",\"status\":\"PENDING\",\"provider\":\"minimax\",\"creditCost\":80}}}");
	run_done(&r);
}

static void whole_objects_without_subselection(void **state)
{
	(void)state;
	fake.json = GENERATION;
	struct run r;
	run_request(&r, "query GetGeneration($id: ID!) { generation(id: $id) { id error errorCode metadata } }",
		    "{\"id\":\"gen_1\"}", NULL, false);
	assert_int_equal(r.res.fatal, API_OK);
	char *args = sent_args(0);
	assert_string_equal(args, "{\"id\":\"gen_1\"}");
	free(args);
	json_t *req = sent();
	assert_false(json_is_true(json_object_get(req, "mutation")));
	assert_true(json_is_null(json_object_get(req, "idempotencyKey"))); /* ignored on queries */
	json_decref(req);
	assert_string_equal(r.text,
		"{\"data\":{\"generation\":{\"id\":\"gen_1\",\"error\":{\"code\":\"GENERATION_FAILED\",\"message\":\"x\"},"
		"\"errorCode\":null,\"metadata\":{\"duration\":10.0,\"resolution\":\"1080p\",\"format\":\"mp4\"}}}}");
	run_done(&r);
}

static void not_found_is_null_with_a_coded_error(void **state)
{
	(void)state;
	fake.json = NULL;
	fake.code = API_ERR_NOT_FOUND;
	fake.message = "Generation not found.";
	fake.detail = NULL;
	struct run r;
	run_request(&r, "query { generation(id: \"gen_abc123\") { status progress url error { code message } } }",
		    NULL, NULL, false);
	assert_int_equal(r.res.fatal, API_OK);
	assert_string_equal(r.text,
		"{\"errors\":[{\"message\":\"Generation not found.\",\"locations\":[{\"line\":1,\"column\":9}],"
		"\"path\":[\"generation\"],\"extensions\":{\"code\":\"NOT_FOUND\"}}],\"data\":{\"generation\":null}}");
	run_done(&r);
}

static void insufficient_credits_nulls_data_and_keeps_details(void **state)
{
	(void)state;
	fake.json = NULL;
	fake.code = API_ERR_INSUFFICIENT_CREDITS;
	fake.message = "Not enough credits.";
	fake.detail = "{\"required\":80,\"available\":3}";
	struct run r;
	run_request(&r, "mutation { generate(input: {type: AUDIO, input: {text: \"hi\"}}) { id } }", NULL, NULL, false);
	assert_int_equal(r.res.fatal, API_OK);
	assert_string_equal(r.text,
		"{\"errors\":[{\"message\":\"Not enough credits.\",\"locations\":[{\"line\":1,\"column\":12}],"
		"\"path\":[\"generate\"],\"extensions\":{\"code\":\"INSUFFICIENT_CREDITS\",\"required\":80,\"available\":3}}],"
		"\"data\":null}");
	run_done(&r);
}

static void unauthenticated_stops_the_request(void **state)
{
	(void)state;
	fake.fatal = API_ERR_UNAUTHENTICATED;
	fake.message = "Invalid or revoked API key.";
	fake.detail = NULL;
	struct run r;
	run_request(&r, "{ a: providers { id } b: providers { id } }", NULL, NULL, false);
	assert_int_equal(r.res.fatal, API_ERR_UNAUTHENTICATED);
	assert_null(r.res.data);
	assert_int_equal(fake.calls, 1);
	assert_string_equal(r.text, "{\"errors\":[{\"message\":\"Invalid or revoked API key.\",\"extensions\":{\"code\":\"UNAUTHENTICATED\"}}]}");
	run_done(&r);

	/* A refused key wins over the document's own errors. */
	run_request(&r, "{ nope }", NULL, NULL, false);
	assert_int_equal(r.res.fatal, API_ERR_UNAUTHENTICATED);
	assert_int_equal(json_array_size(r.res.errors), 1);
	run_done(&r);
	fake.fatal = API_OK;
}

static void request_level_refusals(void **state)
{
	(void)state;
	static const struct {
		enum api_err fatal;
		const char *detail;
		enum api_err expect;
		const char *code;
	} cases[] = {
		{ API_ERR_RATE_LIMIT, "{\"scope\":\"minute\",\"limit\":10,\"remaining\":0,\"resetIn\":42}", API_ERR_RATE_LIMIT, "RATE_LIMIT" },
		{ API_ERR_IDEMPOTENCY_CONFLICT, NULL, API_ERR_IDEMPOTENCY_CONFLICT, "IDEMPOTENCY_CONFLICT" },
		{ API_ERR_IDEMPOTENCY_IN_FLIGHT, "{\"retryAfter\":1}", API_ERR_IDEMPOTENCY_IN_FLIGHT, "IDEMPOTENCY_CONFLICT" },
		{ API_ERR_INVALID_INPUT, "{\"field\":\"Idempotency-Key\"}", API_ERR_BAD_REQUEST, "INVALID_INPUT" },
		{ API_ERR_UNAVAILABLE, NULL, API_ERR_UNAVAILABLE, "INTERNAL_ERROR" },
		{ API_ERR_NOT_FOUND, NULL, API_ERR_INTERNAL, "INTERNAL_ERROR" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fake.fatal = cases[i].fatal;
		fake.message = "refused";
		fake.detail = cases[i].detail;
		struct run r;
		run_request(&r, "mutation { cancelGeneration(id: \"gen_1\") }", NULL, NULL, false);
		assert_int_equal(r.res.fatal, cases[i].expect);
		assert_null(r.res.data);
		json_t *ext = json_object_get(json_array_get(r.res.errors, 0), "extensions");
		assert_string_equal(json_string_value(json_object_get(ext, "code")), cases[i].code);
		if (cases[i].fatal == API_ERR_RATE_LIMIT) {
			assert_string_equal(json_string_value(json_object_get(ext, "scope")), "minute");
			assert_int_equal(json_integer_value(json_object_get(r.res.fatal_detail, "resetIn")), 42);
		}
		if (cases[i].expect == API_ERR_INTERNAL || cases[i].expect == API_ERR_UNAVAILABLE)
			assert_string_equal(json_string_value(json_object_get(ext, "requestId")), "req_test");
		run_done(&r);
	}
	fake.fatal = API_OK;
}

static void syntax_error_has_a_location(void **state)
{
	(void)state;
	struct run r;
	run_request(&r, "{\n  generation(id: \"x\" { id }\n}", NULL, NULL, false);
	assert_int_equal(r.res.fatal, API_ERR_PARSE);
	assert_null(r.res.data);
	/* still authenticated and counted: one api.execute with no fields */
	assert_int_equal(fake.calls, 1);
	json_t *req = sent();
	assert_int_equal(json_array_size(json_object_get(req, "calls")), 0);
	json_decref(req);
	assert_non_null(r.res.rate);
	assert_non_null(strstr(r.text, "\"locations\":[{\"line\":2,\"column\":22}]"));
	assert_non_null(strstr(r.text, "\"code\":\"INVALID_INPUT\""));
	run_done(&r);
}

static void validation_errors(void **state)
{
	(void)state;
	static const struct {
		const char *query;
		const char *message;
	} cases[] = {
		{ "{ generation(id: \"x\") { nope } }", "Cannot query field \\\"nope\\\" on type \\\"Generation\\\"." },
		{ "{ generation { id } }", "argument \\\"id\\\" of type \\\"ID!\\\" is required" },
		{ "{ generation(id: \"x\", bogus: 1) { id } }", "Unknown argument \\\"bogus\\\"" },
		{ "{ generation(id: \"x\") { id { x } } }", "must not have a selection" },
		{ "{ providers(type: SOUND) { id } }", "Value \\\"SOUND\\\" does not exist in \\\"GenerationType\\\" enum." },
		{ "query Q($t: GenerationType) { providers(type: $u) { id } }", "Variable \\\"$u\\\" is not defined" },
		{ "query Q($t: GenerationType) { providers { id } }", "Variable \\\"$t\\\" is never used" },
		{ "{ ...F }", "Unknown fragment \\\"F\\\"." },
		{ "{ ...F } fragment F on Query { ...F }", "Cannot spread fragment \\\"F\\\" within itself." },
		{ "{ providers @bogus { id } }", "Unknown directive \\\"@bogus\\\"." },
		{ "query A { providers { id } } query A { providers { id } }", "There can be only one operation named \\\"A\\\"." },
		{ "{ generate(input: {type: VIDEO, input: {}}) { id } }", "Cannot query field \\\"generate\\\" on type \\\"Query\\\"." },
		{ "mutation { generate(input: {type: VIDEO}) { id } }", "GenerateInput.input\\\" of required type" },
		{ "query Q($i: ID) { generation(id: $i) { id } }", "of type \\\"ID\\\" used in position expecting type \\\"ID!\\\"" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct run r;
		run_request(&r, cases[i].query, NULL, NULL, false);
		if (!strstr(r.text, cases[i].message))
			fail_msg("case %zu: %s\n got %s", i, cases[i].query, r.text);
		assert_int_equal(r.res.fatal, API_ERR_VALIDATION);
		assert_null(r.res.data);
		assert_int_equal(fake.calls, 1); /* the touch: authenticate and count */
		run_done(&r);
	}
}

static void fragments_aliases_directives_typename(void **state)
{
	(void)state;
	fake.json = GENERATION;
	struct run r;
	run_request(&r,
		"query Q($withUrl: Boolean!) { g: generation(id: \"gen_1\") { ...Basic ... on Generation { cost: creditCost } "
		"url @include(if: $withUrl) provider @skip(if: true) __typename } __typename } "
		"fragment Basic on Generation { id status id }",
		"{\"withUrl\":false}", NULL, false);
	assert_int_equal(r.res.fatal, API_OK);
	assert_string_equal(r.text,
		"{\"data\":{\"g\":{\"id\":\"gen_1\",\"status\":\"PENDING\",\"cost\":80,\"__typename\":\"Generation\"},"
		"\"__typename\":\"Query\"}}");
	run_done(&r);
}

static void operation_name_and_variables(void **state)
{
	(void)state;
	fake.json = "[]";
	const char *doc = "query A { providers { id } } query B($t: GenerationType = AUDIO) { providers(type: $t) { id } }";
	struct run r;
	run_request(&r, doc, NULL, "B", false);
	assert_int_equal(r.res.fatal, API_OK);
	char *args = sent_args(0);
	assert_string_equal(args, "{\"type\":\"AUDIO\"}");
	free(args);
	run_done(&r);

	run_request(&r, doc, NULL, NULL, false);
	assert_int_equal(r.res.fatal, API_ERR_VALIDATION);
	assert_non_null(strstr(r.text, "Must provide operation name"));
	run_done(&r);

	run_request(&r, doc, NULL, "C", false);
	assert_int_equal(r.res.fatal, API_ERR_VALIDATION);
	assert_non_null(strstr(r.text, "Unknown operation named \\\"C\\\""));
	run_done(&r);

	run_request(&r, "query ($t: GenerationType) { providers(type: $t) { id } }", "{\"t\":\"NOPE\"}", NULL, false);
	assert_int_equal(r.res.fatal, API_ERR_VALIDATION);
	assert_non_null(strstr(r.text, "Variable \\\"$t\\\" got invalid value"));
	run_done(&r);

	run_request(&r, "query ($id: ID!) { generation(id: $id) { id } }", "{}", NULL, false);
	assert_int_equal(r.res.fatal, API_ERR_VALIDATION);
	assert_non_null(strstr(r.text, "Variable \\\"$id\\\" of required type \\\"ID!\\\" was not provided."));
	run_done(&r);
}

static void mutations_are_refused_over_get(void **state)
{
	(void)state;
	struct run r;
	run_request(&r, "mutation { cancelGeneration(id: \"gen_1\") }", NULL, NULL, true);
	assert_int_equal(r.res.fatal, API_ERR_METHOD_NOT_ALLOWED);
	json_t *req = sent();
	assert_int_equal(json_array_size(json_object_get(req, "calls")), 0);
	json_decref(req);
	run_done(&r);
}

static void limits_are_enforced(void **state)
{
	(void)state;
	/* depth: 20 nested selections of a field that does not exist deeper is
	 * still refused for depth first */
	char deep[4096] = "{ generation(id: \"x\") ";
	for (int i = 0; i < 20; i++)
		strcat(deep, "{ metadata ");
	for (int i = 0; i < 21; i++)
		strcat(deep, "}");
	struct run r;
	run_request(&r, deep, NULL, NULL, false);
	assert_int_equal(r.res.fatal, API_ERR_VALIDATION);
	run_done(&r);

	/* fragment bomb: each level doubles the fields */
	char bomb[8192] = "{ ...F0 } ";
	for (int i = 0; i < 12; i++) {
		char frag[256];
		snprintf(frag, sizeof frag, "fragment F%d on Query { ...F%d ...F%d } ", i, i + 1, i + 1);
		strcat(bomb, frag);
	}
	strcat(bomb, "fragment F12 on Query { __typename }");
	run_request(&r, bomb, NULL, NULL, false);
	assert_int_equal(r.res.fatal, API_ERR_VALIDATION);
	assert_non_null(strstr(r.text, "more than 1000 fields"));
	run_done(&r);
}

static void the_address_guard_refuses_urls_at_acceptance(void **state)
{
	(void)state;
	static const struct {
		const char *input; /* GenerateInput fields after type and input.text */
		bool accepted;
	} cases[] = {
		{ "webhookUrl: \"https://your-app.com/webhook\"", true },
		{ "webhookUrl: \"http://your-app.com/webhook\"", false },         /* http not allowed here */
		{ "webhookUrl: \"https://127.0.0.1/hook\"", false },
		{ "webhookUrl: \"https://2130706433/hook\"", false },             /* 127.0.0.1, decimal */
		{ "webhookUrl: \"https://[::ffff:10.0.0.1]/hook\"", false },
		{ "webhookUrl: \"https://user:pw@your-app.com/hook\"", false },
		{ "webhookUrl: \"ftp://your-app.com/hook\"", false },
		{ "input: {text: \"x\", image: \"file:///etc/passwd\"}", false },
		{ "input: {text: \"x\", image: \"https://169.254.169.254/latest/meta-data\"}", false },
		{ "input: {text: \"x\", image: \"https://example.com/cat.png\"}", true },
	};
	fake.json = GENERATION;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char query[512];
		const char *text = strncmp(cases[i].input, "input:", 6) ? "input: {text: \"x\"}, " : "";
		snprintf(query, sizeof query, "mutation { generate(input: {type: IMAGE, %s%s}) { id } }", text,
			 cases[i].input);
		struct run r;
		run_request(&r, query, NULL, NULL, false);
		json_t *req = sent();
		size_t ncalls = json_array_size(json_object_get(req, "calls"));
		json_decref(req);
		if (cases[i].accepted != (ncalls == 1))
			fail_msg("case %zu: %s -> %s", i, cases[i].input, r.text);
		if (!cases[i].accepted)
			assert_non_null(strstr(r.text, "\"code\":\"INVALID_INPUT\""));
		run_done(&r);
	}
}

/* rotateWebhookSecret with a key: the responder sends a sealed fresh secret
 * (args.sealedSecret, never the plaintext) and shows the owner the stored
 * answer opened; without a key nothing is sealed and a plaintext answer
 * passes; a sealed answer it cannot open is a generic INTERNAL_ERROR. */
static void rotate_webhook_secret_seals_and_opens(void **state)
{
	(void)state;
	struct secret_key key;
	assert_true(secret_key_parse("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", &key));
	struct arena *a = arena_new(1024);
	const char *plain = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
	char *answer = arena_printf(a, "\"%s\"", secret_seal(a, &key, plain));
	struct run r;

	webhook_key = &key;
	fake.json = answer;
	run_request(&r, "mutation { rotateWebhookSecret }", NULL, NULL, false);
	char *args = sent_args(0);
	json_t *sent_json = json_loads(args, 0, NULL);
	const char *sealed = json_string_value(json_object_get(sent_json, "sealedSecret"));
	assert_non_null(sealed);
	assert_true(secret_is_sealed(sealed));
	char why[160];
	const char *fresh = secret_open(a, &key, sealed, why, sizeof why);
	assert_non_null(fresh);
	assert_int_equal(strlen(fresh), 50);
	assert_null(strstr(args, fresh + 6)); /* the plaintext never goes to SQL */
	json_decref(sent_json);
	free(args);
	assert_string_equal(r.text, "{\"data\":{\"rotateWebhookSecret\":\"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"}}");
	run_done(&r);

	webhook_key = NULL;
	fake.json = "\"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"";
	run_request(&r, "mutation { rotateWebhookSecret }", NULL, NULL, false);
	args = sent_args(0);
	assert_string_equal(args, "{}");
	free(args);
	assert_string_equal(r.text, "{\"data\":{\"rotateWebhookSecret\":\"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"}}");
	run_done(&r);

	fake.json = answer; /* sealed, and no key to open it */
	run_request(&r, "mutation { rotateWebhookSecret }", NULL, NULL, false);
	assert_non_null(strstr(r.text, "\"code\":\"INTERNAL_ERROR\""));
	assert_non_null(strstr(r.text, "\"data\":null"));
	assert_null(strstr(r.text, "whenc1"));
	assert_null(strstr(r.text, "webhook_secret_key"));
	run_done(&r);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seed_generate_with_variables),
		cmocka_unit_test(seed_inline_literal),
		cmocka_unit_test(whole_objects_without_subselection),
		cmocka_unit_test(not_found_is_null_with_a_coded_error),
		cmocka_unit_test(insufficient_credits_nulls_data_and_keeps_details),
		cmocka_unit_test(unauthenticated_stops_the_request),
		cmocka_unit_test(request_level_refusals),
		cmocka_unit_test(the_address_guard_refuses_urls_at_acceptance),
		cmocka_unit_test(syntax_error_has_a_location),
		cmocka_unit_test(validation_errors),
		cmocka_unit_test(fragments_aliases_directives_typename),
		cmocka_unit_test(operation_name_and_variables),
		cmocka_unit_test(mutations_are_refused_over_get),
		cmocka_unit_test(limits_are_enforced),
		cmocka_unit_test(rotate_webhook_secret_seals_and_opens),
	};
	return cmocka_run_group_tests_name("exec", tests, NULL, NULL);
}
