/*
 * test_err.c - every api_err value has a machine code from the schema's
 * ErrorCode enum, an HTTP status and a message (curl test1477's idea).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/err.h"

static const char *const schema_codes[] = {
	"INSUFFICIENT_CREDITS", "RATE_LIMIT", "INVALID_INPUT", "PROVIDER_UNAVAILABLE",
	"GENERATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND",
	"IDEMPOTENCY_CONFLICT", "INTERNAL_ERROR",
};

static void every_code_is_in_the_schema(void **state)
{
	(void)state;
	for (int e = 1; e < API_ERR__COUNT; e++) {
		const char *code = api_err_code((enum api_err)e);
		int found = 0;
		for (size_t i = 0; i < sizeof schema_codes / sizeof schema_codes[0]; i++)
			found |= !strcmp(code, schema_codes[i]);
		assert_true(found);
		assert_non_null(api_err_message((enum api_err)e));
		assert_true(strlen(api_err_message((enum api_err)e)) > 3);
	}
}

static void every_schema_code_has_a_value(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof schema_codes / sizeof schema_codes[0]; i++) {
		int found = 0;
		for (int e = 1; e < API_ERR__COUNT; e++)
			found |= !strcmp(api_err_code((enum api_err)e), schema_codes[i]);
		assert_true(found);
	}
}

static void statuses_follow_the_spec(void **state)
{
	(void)state;
	assert_int_equal(api_err_http(API_ERR_UNAUTHENTICATED), 401);
	assert_int_equal(api_err_http(API_ERR_RATE_LIMIT), 429);
	assert_int_equal(api_err_http(API_ERR_INSUFFICIENT_CREDITS), 200);
	assert_int_equal(api_err_http(API_ERR_NOT_FOUND), 200);
	assert_int_equal(api_err_http(API_ERR_IDEMPOTENCY_CONFLICT), 422);
	assert_int_equal(api_err_http(API_ERR_IDEMPOTENCY_IN_FLIGHT), 409);
	assert_int_equal(api_err_http(API_ERR_BODY_TOO_LARGE), 413);
	assert_int_equal(api_err_http(API_ERR_BAD_REQUEST), 400);
	assert_int_equal(api_err_http(API_ERR_UNAVAILABLE), 503);
	assert_int_equal(api_err_http(API_ERR_INTERNAL), 500);
	for (int e = 1; e < API_ERR__COUNT; e++) {
		int s = api_err_http((enum api_err)e);
		assert_true(s >= 200 && s <= 599);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_code_is_in_the_schema),
		cmocka_unit_test(every_schema_code_has_a_value),
		cmocka_unit_test(statuses_follow_the_spec),
	};
	return cmocka_run_group_tests_name("err", tests, NULL, NULL);
}
