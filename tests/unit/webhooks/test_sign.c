/*
 * test_sign.c - Standard Webhooks signing: every vector of protocols.md §1.6
 * with its exact header value, rotation order and separator, secret
 * decoding, verification round trips and tampering, buffer sizes, and the
 * message id format. Extra expected values were computed with python3 hmac.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "webhooks/sign.h"

#define SECRET_A "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
/* whsec_ + base64 of the bytes 0x00..0x1f */
#define SECRET_B "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
#define ID_A "msg_p5jXN8AQM9LWM0D4loKWxJek"
#define TS_A 1614265330LL
#define BODY_A "{\"test\": 2432232314}"
#define SIG_A "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
#define SIG_A_WITH_B "v1,O4Gjv1HqPqsMrjmczoggs/sWA8gZD0VyHG+fLh4+ktI="

static void sign1(const char *id, long long ts, const char *body, size_t len, const char *secret,
		  char *out, size_t outlen)
{
	const char *const secrets[] = {secret};
	assert_true(webhook_sign(id, ts, body, len, secrets, 1, out, outlen));
}

static void vector_a(void **state)
{
	(void)state;
	char out[WEBHOOK_SIG_BUFLEN(1)];
	sign1(ID_A, TS_A, BODY_A, strlen(BODY_A), SECRET_A, out, sizeof out);
	assert_string_equal(out, SIG_A);
	assert_int_equal(strlen(out), WEBHOOK_SIG_LEN);
}

static void vector_a_key_bytes(void **state)
{
	(void)state;
	static const unsigned char want[] = {
		0x31, 0xf2, 0x90, 0xf6, 0xbf, 0x06, 0x29, 0x8a, 0xab, 0x4f, 0x08, 0xd4,
		0x3c, 0x3f, 0x08, 0x2c, 0xf6, 0x48, 0xa3, 0x62, 0xda, 0x2d, 0xa4, 0xb0,
	};
	unsigned char key[WEBHOOK_SECRET_MAX];
	size_t len = 99;
	assert_true(webhook_secret_decode(SECRET_A, key, &len));
	assert_int_equal(len, sizeof want);
	assert_memory_equal(key, want, sizeof want);
}

static void vector_a_multi_signature_header(void **state)
{
	(void)state;
	const char *hdr = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= "
			  "v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= " SIG_A;
	assert_true(webhook_verify(hdr, ID_A, TS_A, BODY_A, strlen(BODY_A), SECRET_A));
	/* Without the third entry nothing matches; v2 is never taken as v1. */
	const char *hdr2 = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= "
			   "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
	assert_false(webhook_verify(hdr2, ID_A, TS_A, BODY_A, strlen(BODY_A), SECRET_A));
}

static void vector_b(void **state)
{
	(void)state;
	const char *body = "{\"type\":\"contact.created\",\"timestamp\":\"2022-11-03T20:26:10.344522Z\","
			   "\"data\":{\"id\":\"1f81eb52-5198-4599-803e-771906343485\"}}";
	char out[WEBHOOK_SIG_BUFLEN(1)];
	sign1("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", 1674087231LL, body, strlen(body), SECRET_A, out,
	      sizeof out);
	assert_string_equal(out, "v1,ARw42xaAApl/nxRo+iPGYwSaMQaOwMo2eyH5JBRA+bQ=");
}

static void vector_c_empty_body(void **state)
{
	(void)state;
	char out[WEBHOOK_SIG_BUFLEN(1)];
	sign1(ID_A, TS_A, "", 0, SECRET_A, out, sizeof out);
	assert_string_equal(out, "v1,v48jdbgvh29KJz2Qc+ghw8G6vG3nAKnujWBg8oM/62A=");
	sign1(ID_A, TS_A, NULL, 0, SECRET_A, out, sizeof out);
	assert_string_equal(out, "v1,v48jdbgvh29KJz2Qc+ghw8G6vG3nAKnujWBg8oM/62A=");
}

static void body_is_binary_safe_and_timestamp_signed(void **state)
{
	(void)state;
	char out[WEBHOOK_SIG_BUFLEN(1)];
	sign1("msg_x", -5, "a\0b", 3, SECRET_A, out, sizeof out);
	assert_string_equal(out, "v1,GHrUnG6ECGku2IELQHfA5OMdZ1wHsoHkg8BXxG0r2k4=");
	const char *max = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEy"
			  "MzQ1Njc4OTo7PD0+Pw==";
	sign1("msg_x", 0, "", 0, max, out, sizeof out);
	assert_string_equal(out, "v1,oZZmkjnRzE08lf0mONf+4DTvzopVbR4ZiVqsDiDsWRc=");
}

static void rotation_signs_with_both_in_order(void **state)
{
	(void)state;
	const char *const secrets[] = {SECRET_B, SECRET_A};
	char out[WEBHOOK_SIG_BUFLEN(2)];
	assert_true(webhook_sign(ID_A, TS_A, BODY_A, strlen(BODY_A), secrets, 2, out, sizeof out));
	assert_string_equal(out, SIG_A_WITH_B " " SIG_A);
	assert_int_equal(strlen(out), 2 * WEBHOOK_SIG_LEN + 1);
	/* Either secret verifies the rotated header; the order is the caller's. */
	assert_true(webhook_verify(out, ID_A, TS_A, BODY_A, strlen(BODY_A), SECRET_A));
	assert_true(webhook_verify(out, ID_A, TS_A, BODY_A, strlen(BODY_A), SECRET_B));

	const char *const swapped[] = {SECRET_A, SECRET_B};
	assert_true(webhook_sign(ID_A, TS_A, BODY_A, strlen(BODY_A), swapped, 2, out, sizeof out));
	assert_string_equal(out, SIG_A " " SIG_A_WITH_B);
}

static void rotation_with_a_bad_secret_fails_whole(void **state)
{
	(void)state;
	const char *const secrets[] = {SECRET_A, "whsec_!!!!"};
	char out[WEBHOOK_SIG_BUFLEN(2)];
	assert_false(webhook_sign(ID_A, TS_A, BODY_A, strlen(BODY_A), secrets, 2, out, sizeof out));
	assert_string_equal(out, "");
}

static void bad_secrets_refused(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"",
		"whsec_",
		"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",           /* no prefix */
		"WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",     /* prefix is case-sensitive */
		"whsec:MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
		"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS",      /* length not a multiple of 4 */
		"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS!",     /* bad character */
		"whsec_MfKQ9r8GKYqrTwjUPD8I-PZIo2LaLaSw",     /* base64url is not accepted */
		"whsec_MfKQ9r8GKYqrTwjUPD8I_PZIo2LaLaSw",
		"whsec_MfKQ9r8GKYqr TwjUPD8ILPZIo2LaLaSw",    /* whitespace */
		"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n",
		" whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
		"whsec_MfKQ=r8GKYqrTwjUPD8ILPZIo2LaLaSw",     /* padding in the middle */
		"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaL===",     /* three pads */
		"whsec_====",
		"whsec_AA",                                  /* missing padding */
		/* 65 bytes: one over the maximum */
		"whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEy"
		"MzQ1Njc4OTo7PD0+P0A=",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		unsigned char key[WEBHOOK_SECRET_MAX];
		size_t len = 7;
		if (webhook_secret_decode(bad[i], key, &len))
			fail_msg("accepted bad secret #%zu", i);
		assert_int_equal(len, 0);
		char out[WEBHOOK_SIG_BUFLEN(1)];
		const char *const secrets[] = {bad[i]};
		assert_false(webhook_sign(ID_A, TS_A, "x", 1, secrets, 1, out, sizeof out));
		assert_false(webhook_verify(SIG_A, ID_A, TS_A, BODY_A, strlen(BODY_A), bad[i]));
	}
	unsigned char key[WEBHOOK_SECRET_MAX];
	size_t len;
	assert_false(webhook_secret_decode(NULL, key, &len));
}

static void short_secrets_with_padding_decode(void **state)
{
	(void)state;
	unsigned char key[WEBHOOK_SECRET_MAX];
	size_t len;
	assert_true(webhook_secret_decode("whsec_AA==", key, &len));
	assert_int_equal(len, 1);
	assert_int_equal(key[0], 0);
	assert_true(webhook_secret_decode("whsec_/+8=", key, &len));
	assert_int_equal(len, 2);
	assert_int_equal(key[0], 0xff);
	assert_int_equal(key[1], 0xef);
}

static void verify_round_trip_and_tampering(void **state)
{
	(void)state;
	char id[WEBHOOK_MSG_ID_SIZE];
	webhook_message_id(id);
	const char *body = "{\"type\":\"generation.completed\",\"data\":{}}";
	long long ts = 1700000000LL;
	char hdr[WEBHOOK_SIG_BUFLEN(1)];
	sign1(id, ts, body, strlen(body), SECRET_B, hdr, sizeof hdr);
	assert_true(webhook_verify(hdr, id, ts, body, strlen(body), SECRET_B));

	/* Body: one byte changed, one byte fewer. */
	char body2[64];
	memcpy(body2, body, strlen(body) + 1);
	body2[10] ^= 1;
	assert_false(webhook_verify(hdr, id, ts, body2, strlen(body), SECRET_B));
	assert_false(webhook_verify(hdr, id, ts, body, strlen(body) - 1, SECRET_B));
	/* Id and timestamp. */
	char id2[WEBHOOK_MSG_ID_SIZE];
	memcpy(id2, id, sizeof id);
	id2[5] = id2[5] == 'a' ? 'b' : 'a';
	assert_false(webhook_verify(hdr, id2, ts, body, strlen(body), SECRET_B));
	assert_false(webhook_verify(hdr, id, ts + 1, body, strlen(body), SECRET_B));
	/* Another secret. */
	assert_false(webhook_verify(hdr, id, ts, body, strlen(body), SECRET_A));
	/* The signature text itself. */
	char hdr2[sizeof hdr];
	memcpy(hdr2, hdr, sizeof hdr);
	hdr2[10] = hdr2[10] == 'A' ? 'B' : 'A';
	assert_false(webhook_verify(hdr2, id, ts, body, strlen(body), SECRET_B));
	/* Truncated, extended, or with another version tag. */
	hdr2[0] = '\0';
	assert_false(webhook_verify(hdr2, id, ts, body, strlen(body), SECRET_B));
	memcpy(hdr2, hdr, WEBHOOK_SIG_LEN - 1);
	hdr2[WEBHOOK_SIG_LEN - 1] = '\0';
	assert_false(webhook_verify(hdr2, id, ts, body, strlen(body), SECRET_B));
	char longer[WEBHOOK_SIG_BUFLEN(1) + 1];
	memcpy(longer, hdr, WEBHOOK_SIG_LEN);
	memcpy(longer + WEBHOOK_SIG_LEN, "=", 2);
	assert_false(webhook_verify(longer, id, ts, body, strlen(body), SECRET_B));
	memcpy(hdr2, hdr, sizeof hdr);
	hdr2[1] = '2';
	assert_false(webhook_verify(hdr2, id, ts, body, strlen(body), SECRET_B));
	/* NULLs. */
	assert_false(webhook_verify(NULL, id, ts, body, strlen(body), SECRET_B));
	assert_false(webhook_verify(hdr, NULL, ts, body, strlen(body), SECRET_B));
	assert_false(webhook_verify(hdr, id, ts, body, strlen(body), NULL));
}

static void buffer_too_small(void **state)
{
	(void)state;
	char out[2 * (WEBHOOK_SIG_LEN + 1) + 8];
	const char *const one[] = {SECRET_A};
	const char *const two[] = {SECRET_B, SECRET_A};
	memset(out, 'x', sizeof out);
	assert_false(webhook_sign(ID_A, TS_A, BODY_A, strlen(BODY_A), one, 1, out, WEBHOOK_SIG_LEN));
	assert_int_equal(out[0], '\0');
	assert_int_equal(out[1], 'x');
	assert_true(webhook_sign(ID_A, TS_A, BODY_A, strlen(BODY_A), one, 1, out, WEBHOOK_SIG_LEN + 1));
	assert_string_equal(out, SIG_A);
	assert_false(webhook_sign(ID_A, TS_A, BODY_A, strlen(BODY_A), two, 2, out,
				  WEBHOOK_SIG_BUFLEN(2) - 1));
	assert_string_equal(out, "");
	assert_true(webhook_sign(ID_A, TS_A, BODY_A, strlen(BODY_A), two, 2, out, WEBHOOK_SIG_BUFLEN(2)));
	assert_false(webhook_sign(ID_A, TS_A, BODY_A, strlen(BODY_A), one, 1, out, 0));
	assert_false(webhook_sign(ID_A, TS_A, BODY_A, strlen(BODY_A), one, 0, out, sizeof out));
}

static void bad_message_ids_refused(void **state)
{
	(void)state;
	char out[WEBHOOK_SIG_BUFLEN(1)];
	const char *const one[] = {SECRET_A};
	static const char *const bad[] = {"", "msg.1", "msg 1", "msg\r\n1", "msg_\x7f"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(webhook_sign(bad[i], TS_A, "x", 1, one, 1, out, sizeof out));
	assert_false(webhook_sign(NULL, TS_A, "x", 1, one, 1, out, sizeof out));
	assert_false(webhook_sign(ID_A, TS_A, NULL, 1, one, 1, out, sizeof out));
}

static void message_id_format(void **state)
{
	(void)state;
	char a[WEBHOOK_MSG_ID_SIZE], b[WEBHOOK_MSG_ID_SIZE];
	webhook_message_id(a);
	webhook_message_id(b);
	assert_int_equal(strlen(a), WEBHOOK_MSG_ID_LEN);
	assert_memory_equal(a, "msg_", 4);
	assert_int_equal(strspn(a + 4, "0123456789abcdefghijklmnopqrstuv"), 26);
	assert_string_not_equal(a, b);
	/* Over many ids every symbol of the alphabet shows up, including the
	 * last character, which carries only the top bits of its group. */
	unsigned seen = 0, seen_last = 0;
	for (int i = 0; i < 2000; i++) {
		webhook_message_id(a);
		for (int j = 4; j < WEBHOOK_MSG_ID_LEN; j++) {
			int v = a[j] <= '9' ? a[j] - '0' : a[j] - 'a' + 10;
			seen |= 1u << v;
			if (j == WEBHOOK_MSG_ID_LEN - 1)
				seen_last |= 1u << v;
		}
	}
	assert_int_equal(seen, 0xffffffffu);
	assert_int_equal(seen_last, 0xffffffffu);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vector_a),
		cmocka_unit_test(vector_a_key_bytes),
		cmocka_unit_test(vector_a_multi_signature_header),
		cmocka_unit_test(vector_b),
		cmocka_unit_test(vector_c_empty_body),
		cmocka_unit_test(body_is_binary_safe_and_timestamp_signed),
		cmocka_unit_test(rotation_signs_with_both_in_order),
		cmocka_unit_test(rotation_with_a_bad_secret_fails_whole),
		cmocka_unit_test(bad_secrets_refused),
		cmocka_unit_test(short_secrets_with_padding_decode),
		cmocka_unit_test(verify_round_trip_and_tampering),
		cmocka_unit_test(buffer_too_small),
		cmocka_unit_test(bad_message_ids_refused),
		cmocka_unit_test(message_id_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
