/*
 * test_secret.c - webhook secrets sealed at rest (webhooks/secret.h): key
 * parsing, seal/open round trips with a fresh nonce each time, a plaintext
 * secret passing through, the no-key policy, and every way opening must
 * fail: no key, another key, a flipped bit anywhere, truncation, another
 * prefix, garbage. The known-answer case was sealed with python3's
 * cryptography AESGCM (nonce, key and AAD "whenc1:" as below).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/arena.h"
#include "webhooks/secret.h"

#define KEY_HEX "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define PLAIN "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

static struct arena *a;

static int setup(void **state)
{
	(void)state;
	a = arena_new(4096);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	arena_free(a);
	return 0;
}

static struct secret_key key_of(const char *hex)
{
	struct secret_key k;
	assert_true(secret_key_parse(hex, &k));
	return k;
}

static void key_parsing(void **state)
{
	(void)state;
	struct secret_key k;
	assert_true(secret_key_parse("", &k));
	assert_false(k.set);
	assert_true(secret_key_parse(NULL, &k));
	assert_false(k.set);
	k = key_of(KEY_HEX);
	assert_true(k.set);
	assert_int_equal(k.bytes[0], 0x00);
	assert_int_equal(k.bytes[31], 0x1f);
	assert_true(secret_key_parse("ABCDEF0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d", &k));
	assert_int_equal(k.bytes[0], 0xab);
	assert_false(secret_key_parse("00", &k));                      /* too short */
	assert_false(secret_key_parse(KEY_HEX "00", &k));              /* too long */
	assert_false(secret_key_parse("g00102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1", &k));
	assert_false(k.set);
}

static void round_trip_with_fresh_nonces(void **state)
{
	(void)state;
	struct secret_key k = key_of(KEY_HEX);
	char why[160];
	char *s1 = secret_seal(a, &k, PLAIN), *s2 = secret_seal(a, &k, PLAIN);
	assert_non_null(s1);
	assert_non_null(s2);
	assert_true(secret_is_sealed(s1));
	assert_null(strstr(s1, "MfKQ9r8G"));
	assert_string_not_equal(s1, s2); /* a new nonce every time */
	assert_string_equal(secret_open(a, &k, s1, why, sizeof why), PLAIN);
	assert_string_equal(secret_open(a, &k, s2, why, sizeof why), PLAIN);

	char *fresh = secret_new(a);
	assert_non_null(fresh);
	assert_int_equal(strlen(fresh), 6 + 44);
	assert_memory_equal(fresh, "whsec_", 6);
	assert_string_not_equal(fresh, secret_new(a));
	assert_string_equal(secret_open(a, &k, secret_seal(a, &k, fresh), why, sizeof why), fresh);
}

static void known_answer(void **state)
{
	(void)state;
	struct secret_key k = key_of(KEY_HEX);
	char why[160];
	/* AESGCM(bytes(range(32))).encrypt(b"\x01" * 12, PLAIN, b"whenc1:") */
	const char *sealed = "whenc1:AQEBAQEBAQEBAQEBAKuWUAvaJQCfBV5qICAZgboc26z71kaYy5JLvMdAkQPgty4uteGO5Btp15ZTHJjU8SRJFaWa";
	char *plain = secret_open(a, &k, sealed, why, sizeof why);
	assert_non_null(plain);
	assert_string_equal(plain, PLAIN);
}

static void plaintext_and_no_key_policy(void **state)
{
	(void)state;
	struct secret_key none = key_of(""), k = key_of(KEY_HEX);
	char why[160];
	/* A secret stored before a key existed opens as is, with or without one. */
	assert_string_equal(secret_open(a, &k, PLAIN, why, sizeof why), PLAIN);
	assert_string_equal(secret_open(a, &none, PLAIN, why, sizeof why), PLAIN);
	assert_string_equal(secret_open(a, NULL, PLAIN, why, sizeof why), PLAIN);
	/* Without a key, sealing keeps the plaintext (doctor warns). */
	assert_string_equal(secret_seal(a, &none, PLAIN), PLAIN);
	/* Only whsec_ secrets are sealed. */
	assert_null(secret_seal(a, &k, "not-a-secret"));
	assert_null(secret_seal(a, &k, ""));
	/* A sealed secret needs the key. */
	char *sealed = secret_seal(a, &k, PLAIN);
	assert_null(secret_open(a, &none, sealed, why, sizeof why));
	assert_non_null(strstr(why, "webhook_secret_key is not set"));
}

static void tampering_and_wrong_keys_refused(void **state)
{
	(void)state;
	struct secret_key k = key_of(KEY_HEX);
	struct secret_key other = key_of("ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
	char why[160];
	char *sealed = secret_seal(a, &k, PLAIN);
	assert_null(secret_open(a, &other, sealed, why, sizeof why));
	assert_non_null(strstr(why, "does not open"));

	/* Every base64 character changed in turn: nonce, ciphertext and tag. */
	size_t n = strlen(sealed);
	for (size_t i = 7; i < n; i++) {
		if (sealed[i] == '=')
			continue;
		char *t = arena_strdup(a, sealed);
		t[i] = t[i] == 'A' ? 'B' : 'A';
		assert_null(secret_open(a, &k, t, why, sizeof why));
	}
	/* Truncated, emptied, relabelled, garbage. */
	char *cut = arena_strndup(a, sealed, n - 4);
	assert_null(secret_open(a, &k, cut, why, sizeof why));
	assert_null(secret_open(a, &k, "whenc1:", why, sizeof why));
	assert_null(secret_open(a, &k, "whenc1:AAAA", why, sizeof why));
	assert_null(secret_open(a, &k, "whenc1:!!!!", why, sizeof why));
	char *relabelled = arena_printf(a, "whenc2:%s", sealed + 7);
	assert_null(secret_open(a, &k, relabelled, why, sizeof why));
	assert_null(secret_open(a, &k, "", why, sizeof why));
	assert_null(secret_open(a, &k, NULL, why, sizeof why));
	char big[600];
	memset(big, 'A', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	memcpy(big, "whenc1:", 7);
	assert_null(secret_open(a, &k, big, why, sizeof why));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(key_parsing),
		cmocka_unit_test(round_trip_with_fresh_nonces),
		cmocka_unit_test(known_answer),
		cmocka_unit_test(plaintext_and_no_key_policy),
		cmocka_unit_test(tampering_and_wrong_keys_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
