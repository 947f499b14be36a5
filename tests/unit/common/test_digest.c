/*
 * test_digest.c - SHA-256 against the FIPS 180-2 examples, fed whole and in
 * pieces, as hex and as raw bytes; and the cache slot of a hex digest.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common/digest.h"

static const struct {
	const char *message, *hex;
} vectors[] = {
	{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	/* 56 bytes: the padding needs a second block. */
	{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
};

static void whole_messages_match_the_examples(void **state)
{
	(void)state;
	char hex[DIGEST_HEX_LEN + 1];
	for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		digest_hex(vectors[i].message, strlen(vectors[i].message), hex);
		assert_string_equal(hex, vectors[i].hex);
	}
}

static void pieces_hash_as_their_concatenation(void **state)
{
	(void)state;
	const char *m = vectors[2].message;
	size_t len = strlen(m);
	char hex[DIGEST_HEX_LEN + 1];
	for (size_t cut = 0; cut <= len; cut++) {
		struct digest d;
		digest_begin(&d);
		digest_add(&d, m, cut);
		digest_add(&d, "", 0);
		digest_add(&d, m + cut, len - cut);
		digest_end(&d, hex);
		assert_string_equal(hex, vectors[2].hex);
	}
}

/* One million 'a's, added 1,000 at a time (FIPS 180-2 appendix B.3). */
static void a_million_as(void **state)
{
	(void)state;
	char block[1000], hex[DIGEST_HEX_LEN + 1];
	memset(block, 'a', sizeof block);
	struct digest d;
	digest_begin(&d);
	for (int i = 0; i < 1000; i++)
		digest_add(&d, block, sizeof block);
	digest_end(&d, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void raw_bytes_are_the_hex_digest(void **state)
{
	(void)state;
	unsigned char raw[DIGEST_RAW_LEN];
	char hex[DIGEST_HEX_LEN + 1];
	digest_raw("abc", 3, raw);
	for (size_t i = 0; i < sizeof raw; i++)
		snprintf(hex + 2 * i, 3, "%02x", raw[i]);
	assert_string_equal(hex, vectors[1].hex);
}

static void the_slot_is_the_first_32_bits_modulo_n(void **state)
{
	(void)state;
	assert_int_equal(digest_hex_slot(vectors[1].hex, 1000), 0xba7816bfu % 1000);
	assert_int_equal(digest_hex_slot("ffffffff", 1u << 16), 0xffff);
	assert_int_equal(digest_hex_slot("00000007", 5), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(whole_messages_match_the_examples),
		cmocka_unit_test(pieces_hash_as_their_concatenation),
		cmocka_unit_test(a_million_as),
		cmocka_unit_test(raw_bytes_are_the_hex_digest),
		cmocka_unit_test(the_slot_is_the_first_32_bits_modulo_n),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
