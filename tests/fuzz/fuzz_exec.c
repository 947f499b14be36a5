/*
 * fuzz_exec.c - fuzz target for the whole GraphQL engine: parse, validate,
 * coerce and execute, with db_call wrapped (-Wl,--wrap=db_call) as a fake
 * api.execute answering every root field with a canned generation, list or
 * error, and now and then refusing the whole request. An input is a
 * query, optionally followed by a NUL byte and a JSON variables object.
 * Crashes, sanitizer reports and leaks are the failures it looks for.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "common/arena.h"
#include "db/db.h"
#include "graphql/exec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
enum api_err __wrap_db_call(struct db *db, struct arena *a, const char *function, int nparams,
			    const char *const *params, json_t **out, struct db_error *err);

enum api_err __wrap_db_call(struct db *db, struct arena *a, const char *function, int nparams,
			    const char *const *params, json_t **out, struct db_error *err)
{
	(void)db;
	(void)nparams;
	(void)function;
	static unsigned calls;
	if (++calls % 13 == 0) {
		err->code = API_ERR_RATE_LIMIT;
		snprintf(err->message, sizeof err->message, "Rate limit exceeded.");
		err->detail = NULL;
		return API_ERR_RATE_LIMIT;
	}
	json_t *request = json_loads(params[1], 0, NULL);
	json_t *results = json_array();
	size_t i;
	json_t *call;
	json_array_foreach(json_object_get(request, "calls"), i, call) {
		const char *field = json_string_value(json_object_get(call, "field"));
		const char *text = field && strstr(field, "providers")
			? "[{\"id\":\"local\",\"options\":[{\"name\":\"voice\",\"allowedValues\":null}],\"pricing\":{\"creditCost\":1}}]"
			: "{\"id\":\"gen_1\",\"status\":\"PENDING\",\"metadata\":{\"duration\":1.5},\"attempts\":[{\"provider\":\"x\"}],"
			  "\"error\":null,\"videoUrl\":null}";
		json_t *r = (calls + i) % 7 == 0
			? json_pack("{s:{s:s,s:s}}", "error", "code", "NOT_FOUND", "message", "Not found.")
			: json_pack("{s:o}", "data", json_loads(text, JSON_DECODE_ANY, NULL));
		json_array_append_new(results, r);
	}
	json_decref(request);
	*out = json_pack("{s:{s:i},s:b,s:o}", "rate", "limit", 60, "replayed", false, "results", results);
	arena_defer(a, (void (*)(void *))json_decref, *out);
	return API_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena *a;
	if (!a)
		a = arena_new(64 * 1024);
	const char *query = (const char *)data;
	size_t qlen = strnlen(query, size);
	json_t *vars = NULL;
	if (qlen + 1 < size)
		vars = json_loadb(query + qlen + 1, size - qlen - 1, 0, NULL);
	struct gql_env env = { NULL, "hash", "req_fuzz", "idem", "fp", NULL, false, false, NULL };
	struct gql_request req = { query, qlen, json_is_object(vars) ? vars : NULL, NULL, (size & 1) != 0 };
	struct gql_result res;
	gql_execute(a, &env, &req, &res);
	/* The envelope must always serialise. */
	char *s = json_dumps(res.errors, JSON_COMPACT);
	if (!s)
		__builtin_trap();
	free(s);
	if (res.data) {
		s = json_dumps(res.data, JSON_COMPACT | JSON_ENCODE_ANY);
		if (!s)
			__builtin_trap();
		free(s);
	}
	json_decref(vars);
	arena_reset(a);
	return 0;
}
