/*
 * kling_jwt.h - Kling's computed credential (providers.md §2, §19.3): an
 * HS256 JWT {"alg":"HS256","typ":"JWT"} . {"iss": access key, "exp": now +
 * 1800, "nbf": now - 5}, signed with the secret key, base64url without
 * padding. The operator stores both keys in one environment variable as
 * "ACCESS_KEY:SECRET_KEY".
 */
#ifndef DOITONG_KLING_JWT_H
#define DOITONG_KLING_JWT_H

#include <stdbool.h>
#include <stddef.h>

#define KLING_JWT_TTL 1800     /* seconds a token is valid */
#define KLING_JWT_NBF_SKEW 5   /* nbf = now - 5: clocks differ a little */
#define KLING_JWT_RENEW 300    /* a cached token is renewed 5 min before exp */
#define KLING_JWT_MAX 1024     /* longest token (access keys up to ~600 bytes) */

/*
 * Mints a token for access/secret at time now (epoch seconds) into out
 * (NUL-terminated). Pure. Returns false when out is too small, the access
 * key is empty or longer than 600 bytes, or OpenSSL fails.
 */
bool kling_jwt_mint(const char *access, const char *secret, long long now, char *out,
		    size_t outlen);

/*
 * The token for keyspec "ACCESS:SECRET" at time now: the cached one while it
 * has more than KLING_JWT_RENEW seconds left and was made from the same
 * keyspec, else a new one. One cache per process (the scheduler runs jobs on
 * one thread). Returns a pointer to the cache, valid until the next call, or
 * NULL when keyspec has no ':' or either half is empty.
 */
const char *kling_jwt_get(const char *keyspec, long long now);

/* Base64url of in[0..len) without padding into out (4*ceil(len/3)+1 bytes
 * suffice); returns the length written. */
size_t kling_b64url(const unsigned char *in, size_t len, char *out);

#endif
