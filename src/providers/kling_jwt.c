/*
 * kling_jwt.c - Kling's HS256 JWT (see kling_jwt.h) and its per-process
 * cache. The cache keeps the token, its expiry and a SHA-256 of the keyspec
 * it was made from (not the secret itself), so a rotated key takes effect
 * at once. The JSON is built with jansson; the HMAC is OpenSSL's.
 */
#include "providers/kling_jwt.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/digest.h"

size_t kling_b64url(const unsigned char *in, size_t len, char *out)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t o = 0, i = 0;
	for (; i + 2 < len; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
		out[o++] = tab[v >> 18 & 63];
		out[o++] = tab[v >> 12 & 63];
		out[o++] = tab[v >> 6 & 63];
		out[o++] = tab[v & 63];
	}
	if (len - i == 1) {
		unsigned v = (unsigned)in[i] << 16;
		out[o++] = tab[v >> 18 & 63];
		out[o++] = tab[v >> 12 & 63];
	} else if (len - i == 2) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
		out[o++] = tab[v >> 18 & 63];
		out[o++] = tab[v >> 12 & 63];
		out[o++] = tab[v >> 6 & 63];
	}
	out[o] = '\0';
	return o;
}

/* Appends the base64url of json (consumed) to out at *o; false when it
 * does not fit. */
static bool put_part(json_t *json, char *out, size_t outlen, size_t *o)
{
	char *s = json_dumps(json, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(json);
	if (!s)
		return false;
	size_t n = strlen(s);
	bool ok = *o + (n + 2) / 3 * 4 + 1 < outlen;
	if (ok)
		*o += kling_b64url((const unsigned char *)s, n, out + *o);
	free(s);
	return ok;
}

bool kling_jwt_mint(const char *access, const char *secret, long long now, char *out,
		    size_t outlen)
{
	if (!access || !*access || strlen(access) > 600 || !secret || outlen < 64)
		return false;
	json_t *head = json_object();
	json_object_set_new(head, "alg", json_string("HS256"));
	json_object_set_new(head, "typ", json_string("JWT"));
	json_t *claims = json_object();
	json_object_set_new(claims, "iss", json_string(access));
	json_object_set_new(claims, "exp", json_integer(now + KLING_JWT_TTL));
	json_object_set_new(claims, "nbf", json_integer(now - KLING_JWT_NBF_SKEW));
	size_t o = 0;
	bool head_ok = put_part(head, out, outlen, &o);
	if (!head_ok) {
		json_decref(claims);
		return false;
	}
	out[o++] = '.';
	if (!put_part(claims, out, outlen, &o))
		return false;
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned mac_len = 0;
	if (!HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)out, o, mac,
		  &mac_len) || mac_len != 32 || o + 1 + 43 + 1 > outlen)
		return false;
	out[o++] = '.';
	kling_b64url(mac, mac_len, out + o);
	return true;
}

static struct {
	char token[KLING_JWT_MAX];
	long long exp;
	char key_hash[DIGEST_HEX_LEN + 1];
} cache;

const char *kling_jwt_get(const char *keyspec, long long now)
{
	const char *colon = keyspec ? strchr(keyspec, ':') : NULL;
	if (!colon || colon == keyspec || !colon[1])
		return NULL;
	char hash[DIGEST_HEX_LEN + 1];
	digest_hex(keyspec, strlen(keyspec), hash);
	if (cache.token[0] && !strcmp(hash, cache.key_hash) && now < cache.exp - KLING_JWT_RENEW &&
	    now >= cache.exp - KLING_JWT_TTL)
		return cache.token;
	size_t alen = (size_t)(colon - keyspec);
	char access[601];
	if (alen >= sizeof access)
		return NULL;
	memcpy(access, keyspec, alen);
	access[alen] = '\0';
	cache.token[0] = '\0';
	if (!kling_jwt_mint(access, colon + 1, now, cache.token, sizeof cache.token))
		return NULL;
	cache.exp = now + KLING_JWT_TTL;
	memcpy(cache.key_hash, hash, sizeof hash);
	return cache.token;
}
