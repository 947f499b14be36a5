/*
 * test_retry.c - the client's retry policy: which outcomes retry, the
 * backoff schedule (0.5 s doubling to 8 s), and Retry-After parsing with
 * its bounds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <curl/curl.h>

#include "client/retry.h"

static void classify(void **state)
{
	(void)state;
	assert_int_equal(retry_classify(CURLE_OK, 200, false), RETRY_NO);
	assert_int_equal(retry_classify(CURLE_OK, 400, false), RETRY_NO);
	assert_int_equal(retry_classify(CURLE_OK, 401, false), RETRY_NO);
	assert_int_equal(retry_classify(CURLE_OK, 422, false), RETRY_NO);
	assert_int_equal(retry_classify(CURLE_OK, 500, false), RETRY_NO);
	assert_int_equal(retry_classify(CURLE_OK, 429, false), RETRY_AFTER);
	assert_int_equal(retry_classify(CURLE_OK, 429, true), RETRY_AFTER);
	assert_int_equal(retry_classify(CURLE_OK, 409, true), RETRY_AFTER);
	assert_int_equal(retry_classify(CURLE_OK, 409, false), RETRY_NO);
	assert_int_equal(retry_classify(CURLE_OK, 502, false), RETRY_BACKOFF);
	assert_int_equal(retry_classify(CURLE_OK, 503, false), RETRY_BACKOFF);
	assert_int_equal(retry_classify(CURLE_OK, 503, true), RETRY_AFTER);
	assert_int_equal(retry_classify(CURLE_OK, 504, false), RETRY_BACKOFF);
	assert_int_equal(retry_classify(CURLE_COULDNT_CONNECT, 0, false), RETRY_BACKOFF);
	assert_int_equal(retry_classify(CURLE_RECV_ERROR, 0, false), RETRY_BACKOFF);
	assert_int_equal(retry_classify(CURLE_SEND_ERROR, 0, false), RETRY_BACKOFF);
	assert_int_equal(retry_classify(CURLE_GOT_NOTHING, 0, false), RETRY_BACKOFF);
	assert_int_equal(retry_classify(CURLE_OPERATION_TIMEDOUT, 0, false), RETRY_BACKOFF);
	assert_int_equal(retry_classify(CURLE_URL_MALFORMAT, 0, false), RETRY_NO);
	assert_int_equal(retry_classify(CURLE_UNSUPPORTED_PROTOCOL, 0, false), RETRY_NO);
}

static void backoff(void **state)
{
	(void)state;
	static const long want[] = { 500, 1000, 2000, 4000, 8000, 8000, 8000 };
	for (int i = 0; i < (int)(sizeof want / sizeof want[0]); i++)
		assert_int_equal(retry_backoff_ms(i), want[i]);
	assert_int_equal(retry_backoff_ms(1000), 8000);
}

static void retry_after(void **state)
{
	(void)state;
	assert_int_equal(retry_after_seconds(NULL), RETRY_AFTER_DEFAULT);
	assert_int_equal(retry_after_seconds(" 37\r\n"), 37);
	assert_int_equal(retry_after_seconds("0"), 1);
	assert_int_equal(retry_after_seconds("100000"), RETRY_AFTER_MAX);
	assert_int_equal(retry_after_seconds("99999999999999999999999"), RETRY_AFTER_DEFAULT);
	assert_int_equal(retry_after_seconds("-5"), RETRY_AFTER_DEFAULT);
	assert_int_equal(retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT"), RETRY_AFTER_DEFAULT);
	assert_int_equal(retry_after_seconds("12abc"), RETRY_AFTER_DEFAULT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(classify),
		cmocka_unit_test(backoff),
		cmocka_unit_test(retry_after),
	};
	return cmocka_run_group_tests_name("client/retry", tests, NULL, NULL);
}
