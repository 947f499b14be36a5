/*
 * auth.h - API keys: generation, hashing, and reading the Bearer header.
 * Only the SHA-256 of a key (lowercase hex) ever reaches the database.
 */
#ifndef DOITONG_AUTH_H
#define DOITONG_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#define AUTH_HASH_HEX_LEN 64
#define AUTH_KEY_RANDOM_CHARS 40
#define AUTH_KEY_MAX_LEN 256

/* Writes the lowercase hex SHA-256 of key[0..len) and a NUL into out. */
void auth_hash_key(const char *key, size_t len, char out[AUTH_HASH_HEX_LEN + 1]);

/* Makes a new key "dt_live_<40 base62>" or "dt_test_<40 base62>" from
 * OpenSSL's CSPRNG. Returns false if the generator failed. */
bool auth_generate_key(bool test_mode, char *out, size_t outlen);

/*
 * Extracts the key from an Authorization header value ("Bearer <key>", scheme
 * case-insensitive). Returns false when the header is absent or malformed or
 * the key does not look like dt_live_/dt_test_ followed by 32+ characters.
 */
bool auth_bearer_key(const char *header, const char **key, size_t *len);

#endif
