/*
 * digest.h - SHA-256 as lowercase hex, the one form in which the server
 * hashes anything: API keys, request fingerprints, persisted queries.
 */
#ifndef DOITONG_DIGEST_H
#define DOITONG_DIGEST_H

#include <stddef.h>

#define DIGEST_HEX_LEN 64

/* A running SHA-256; parts are hashed in order as if concatenated. */
struct digest;

/* Starts a digest; never NULL (oom_abort). */
struct digest *digest_begin(void);

/* Adds len bytes (len 0 is allowed). */
void digest_add(struct digest *d, const void *data, size_t len);

/* Writes the hex digest and a NUL into out and frees d. */
void digest_end(struct digest *d, char out[DIGEST_HEX_LEN + 1]);

/* The hex SHA-256 of data[0..len). */
void digest_hex(const void *data, size_t len, char out[DIGEST_HEX_LEN + 1]);

/* A slot in a table of n entries for a lowercase hex digest: its first 32
 * bits modulo n (the caches keyed by hash). */
size_t digest_hex_slot(const char *hex, size_t n);

#endif
