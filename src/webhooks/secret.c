/*
 * secret.c - sealing webhook secrets with AES-256-GCM (see secret.h).
 * A 96-bit random nonce per seal (a key seals at most a few secrets per
 * account, far below GCM's 2^32 random-nonce bound); the prefix is the
 * additional authenticated data, so a value cannot be re-labelled.
 */
#include "webhooks/secret.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "common/util.h"

#define NONCE_LEN 12
#define TAG_LEN 16
#define PLAIN_PREFIX "whsec_"
#define PREFIX_LEN (sizeof SECRET_SEALED_PREFIX - 1)
/* Longest plaintext sealed: "whsec_" + base64 of 64 bytes. */
#define PLAIN_MAX 128

bool secret_key_parse(const char *hex, struct secret_key *key)
{
	memset(key, 0, sizeof *key);
	if (!hex || !*hex)
		return true;
	if (strlen(hex) != 2 * SECRET_KEY_LEN)
		return false;
	for (size_t i = 0; i < SECRET_KEY_LEN; i++) {
		int hi = hex_digit_value(hex[2 * i]), lo = hex_digit_value(hex[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			OPENSSL_cleanse(key, sizeof *key);
			return false;
		}
		key->bytes[i] = (unsigned char)(hi << 4 | lo);
	}
	key->set = true;
	return true;
}

bool secret_is_sealed(const char *stored)
{
	return stored && !strncmp(stored, SECRET_SEALED_PREFIX, PREFIX_LEN);
}

char *secret_new(struct arena *a)
{
	unsigned char raw[32];
	char b64[4 * ((sizeof raw + 2) / 3) + 1];
	if (RAND_bytes(raw, sizeof raw) != 1)
		return NULL;
	EVP_EncodeBlock((unsigned char *)b64, raw, sizeof raw);
	OPENSSL_cleanse(raw, sizeof raw);
	char *out = arena_printf(a, PLAIN_PREFIX "%s", b64);
	OPENSSL_cleanse(b64, sizeof b64);
	return out;
}

/* One AES-256-GCM pass; encrypt or decrypt in place semantics via out. */
static bool gcm(bool encrypt, const struct secret_key *key, const unsigned char *nonce,
		const unsigned char *in, int len, unsigned char *out, unsigned char *tag)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, fin = 0;
	bool ok = ctx && EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL, encrypt) == 1 &&
		  EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, NONCE_LEN, NULL) == 1 &&
		  EVP_CipherInit_ex(ctx, NULL, NULL, key->bytes, nonce, encrypt) == 1 &&
		  EVP_CipherUpdate(ctx, NULL, &n, (const unsigned char *)SECRET_SEALED_PREFIX,
				   (int)PREFIX_LEN) == 1 &&
		  EVP_CipherUpdate(ctx, out, &n, in, len) == 1 &&
		  (encrypt || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN, tag) == 1) &&
		  EVP_CipherFinal_ex(ctx, out + n, &fin) == 1 &&
		  (!encrypt || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN, tag) == 1);
	EVP_CIPHER_CTX_free(ctx);
	return ok && n + fin == len;
}

char *secret_seal(struct arena *a, const struct secret_key *key, const char *plain)
{
	size_t len = plain ? strlen(plain) : 0;
	if (!len || len > PLAIN_MAX || strncmp(plain, PLAIN_PREFIX, sizeof PLAIN_PREFIX - 1))
		return NULL;
	if (!key || !key->set)
		return arena_strdup(a, plain);
	unsigned char box[NONCE_LEN + PLAIN_MAX + TAG_LEN];
	unsigned char *nonce = box, *ct = box + NONCE_LEN, *tag = ct + len;
	if (RAND_bytes(nonce, NONCE_LEN) != 1 ||
	    !gcm(true, key, nonce, (const unsigned char *)plain, (int)len, ct, tag))
		return NULL;
	size_t box_len = NONCE_LEN + len + TAG_LEN;
	char *out = arena_alloc(a, PREFIX_LEN + 4 * ((box_len + 2) / 3) + 1);
	memcpy(out, SECRET_SEALED_PREFIX, PREFIX_LEN);
	EVP_EncodeBlock((unsigned char *)out + PREFIX_LEN, box, (int)box_len);
	return out;
}

char *secret_open(struct arena *a, const struct secret_key *key, const char *stored,
		  char *why, size_t whylen)
{
	if (stored && !strncmp(stored, PLAIN_PREFIX, sizeof PLAIN_PREFIX - 1))
		return arena_strdup(a, stored);
	if (!secret_is_sealed(stored)) {
		snprintf(why, whylen, "not a webhook secret");
		return NULL;
	}
	if (!key || !key->set) {
		snprintf(why, whylen, "the secret is sealed and webhook_secret_key is not set");
		return NULL;
	}
	const char *b64 = stored + PREFIX_LEN;
	size_t b64_len = strlen(b64);
	unsigned char box[NONCE_LEN + PLAIN_MAX + TAG_LEN + 3];
	if (b64_len % 4 || b64_len / 4 * 3 > sizeof box) {
		snprintf(why, whylen, "malformed sealed secret");
		return NULL;
	}
	int n = EVP_DecodeBlock(box, (const unsigned char *)b64, (int)b64_len);
	if (n > 0 && b64_len && b64[b64_len - 1] == '=')
		n -= b64_len > 1 && b64[b64_len - 2] == '=' ? 2 : 1;
	if (n < NONCE_LEN + TAG_LEN + 1) {
		snprintf(why, whylen, "malformed sealed secret");
		return NULL;
	}
	int len = n - NONCE_LEN - TAG_LEN;
	char *plain = arena_alloc(a, (size_t)len + 1);
	if (!gcm(false, key, box, box + NONCE_LEN, len, (unsigned char *)plain, box + NONCE_LEN + len)) {
		OPENSSL_cleanse(plain, (size_t)len);
		snprintf(why, whylen, "the sealed secret does not open with webhook_secret_key (another key, "
			 "or altered)");
		return NULL;
	}
	plain[len] = '\0';
	if (strncmp(plain, PLAIN_PREFIX, sizeof PLAIN_PREFIX - 1)) {
		snprintf(why, whylen, "the sealed value is not a webhook secret");
		return NULL;
	}
	return plain;
}
