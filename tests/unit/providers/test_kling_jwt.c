/*
 * test_kling_jwt.c - Kling's HS256 JWT: a known vector computed once,
 * independently, with python3 (hmac + hashlib + base64.urlsafe_b64encode,
 * json.dumps with separators=(',',':')):
 *   access "AK_test", secret "SK_secret", now 1700000000
 * the base64url alphabet and padding, and the per-process cache (reuse,
 * renewal 5 minutes before expiry, a new token when the key changes).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "providers/kling_jwt.h"

#define VECTOR                                                                           \
	"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."                                           \
	"eyJpc3MiOiJBS190ZXN0IiwiZXhwIjoxNzAwMDAxODAwLCJuYmYiOjE2OTk5OTk5OTV9."           \
	"WvW_tI3Oeg2oTYRfgROFIFbt4CFbb09m20bmiMTb7Xs"

static void known_vector(void **state)
{
	(void)state;
	char tok[KLING_JWT_MAX];
	assert_true(kling_jwt_mint("AK_test", "SK_secret", 1700000000LL, tok, sizeof tok));
	assert_string_equal(tok, VECTOR);
	/* Structure: three parts, no padding, url-safe alphabet. */
	assert_null(strchr(tok, '='));
	assert_null(strchr(tok, '+'));
	assert_null(strchr(tok, '/'));
	char *d1 = strchr(tok, '.');
	assert_non_null(d1);
	assert_non_null(strchr(d1 + 1, '.'));
	/* Another secret, another signature; the same header and claims. */
	char other[KLING_JWT_MAX];
	assert_true(kling_jwt_mint("AK_test", "SK_other", 1700000000LL, other, sizeof other));
	assert_int_equal(strncmp(other, tok, (size_t)(strrchr(tok, '.') - tok)), 0);
	assert_string_not_equal(strrchr(other, '.'), strrchr(tok, '.'));
}

static void refuses_bad_input(void **state)
{
	(void)state;
	char tok[KLING_JWT_MAX];
	assert_false(kling_jwt_mint("", "s", 1, tok, sizeof tok));
	assert_false(kling_jwt_mint("a", "s", 1, tok, 40));
	assert_null(kling_jwt_get("no-colon", 1));
	assert_null(kling_jwt_get(":secret", 1));
	assert_null(kling_jwt_get("access:", 1));
	assert_null(kling_jwt_get(NULL, 1));
}

static void b64url(void **state)
{
	(void)state;
	char out[16];
	assert_int_equal(kling_b64url((const unsigned char *)"", 0, out), 0);
	assert_string_equal(out, "");
	kling_b64url((const unsigned char *)"f", 1, out);
	assert_string_equal(out, "Zg");
	kling_b64url((const unsigned char *)"fo", 2, out);
	assert_string_equal(out, "Zm8");
	kling_b64url((const unsigned char *)"foo", 3, out);
	assert_string_equal(out, "Zm9v");
	const unsigned char hi[] = { 0xfb, 0xff, 0xfe };
	kling_b64url(hi, 3, out);
	assert_string_equal(out, "-__-");
}

static void cache(void **state)
{
	(void)state;
	char first[KLING_JWT_MAX], t[KLING_JWT_MAX];
	const char *tok = kling_jwt_get("AK_test:SK_secret", 1700000000LL);
	assert_non_null(tok);
	assert_string_equal(tok, VECTOR);
	snprintf(first, sizeof first, "%s", tok);
	/* Reused until 5 minutes before exp (exp = now + 1800). */
	tok = kling_jwt_get("AK_test:SK_secret", 1700000000LL + 1800 - 301);
	assert_string_equal(tok, first);
	tok = kling_jwt_get("AK_test:SK_secret", 1700000000LL + 1800 - 300);
	assert_string_not_equal(tok, first);
	assert_true(kling_jwt_mint("AK_test", "SK_secret", 1700000000LL + 1500, t, sizeof t));
	assert_string_equal(tok, t);
	/* A rotated key takes effect at once. */
	tok = kling_jwt_get("AK_test:SK_rotated", 1700000000LL + 1501);
	assert_true(kling_jwt_mint("AK_test", "SK_rotated", 1700000000LL + 1501, t, sizeof t));
	assert_string_equal(tok, t);
	/* A clock that went back gets a fresh token, not one valid in its future. */
	tok = kling_jwt_get("AK_test:SK_rotated", 1700000000LL);
	assert_true(kling_jwt_mint("AK_test", "SK_rotated", 1700000000LL, t, sizeof t));
	assert_string_equal(tok, t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_vector),
		cmocka_unit_test(refuses_bad_input),
		cmocka_unit_test(b64url),
		cmocka_unit_test(cache),
	};
	return cmocka_run_group_tests_name("providers/kling_jwt", tests, NULL, NULL);
}
