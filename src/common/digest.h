/*
 * digest.h - SHA-256 as lowercase hex, the one form in which the server
 * hashes anything: API keys, request fingerprints, persisted queries.
 * Nettle's SHA-256, not OpenSSL's: it needs no library state, where the
 * first OpenSSL 3 digest loads its provider and touches 2 MiB of code in
 * every responder (bench/README.md, tenth session).
 */
#ifndef DOITONG_DIGEST_H
#define DOITONG_DIGEST_H

#include <nettle/sha2.h>
#include <stddef.h>

#define DIGEST_HEX_LEN 64
#define DIGEST_RAW_LEN SHA256_DIGEST_SIZE

/* A running SHA-256; parts are hashed in order as if concatenated. It lives
 * wherever the caller puts it (the stack, usually): nothing to free. */
struct digest {
	struct sha256_ctx sha;
};

/* Starts a digest in d. */
void digest_begin(struct digest *d);

/* Adds len bytes (len 0 is allowed). */
void digest_add(struct digest *d, const void *data, size_t len);

/* Writes the hex digest and a NUL into out. */
void digest_end(struct digest *d, char out[DIGEST_HEX_LEN + 1]);

/* The hex SHA-256 of data[0..len). */
void digest_hex(const void *data, size_t len, char out[DIGEST_HEX_LEN + 1]);

/* The SHA-256 of data[0..len) as 32 bytes. */
void digest_raw(const void *data, size_t len, unsigned char out[DIGEST_RAW_LEN]);

/* A slot in a table of n entries for a lowercase hex digest: its first 32
 * bits modulo n (the caches keyed by hash). */
size_t digest_hex_slot(const char *hex, size_t n);

#endif
