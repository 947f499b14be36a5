/*
 * sign.c - Standard Webhooks "v1" signatures (see sign.h and protocols.md §1).
 * HMAC-SHA256 runs through OpenSSL 3's EVP_MAC so the three fields of the
 * signed string are fed in turn and the body is never copied. Decoded keys
 * live on the stack and are wiped with OPENSSL_cleanse before returning.
 */
#include "webhooks/sign.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "common/log.h"

#define SECRET_PREFIX "whsec_"
#define SECRET_PREFIX_LEN (sizeof SECRET_PREFIX - 1)
/* Base64 characters for WEBHOOK_SECRET_MAX bytes: 4 * ceil(64 / 3). */
#define SECRET_B64_MAX (4 * ((WEBHOOK_SECRET_MAX + 2) / 3))
#define MAC_LEN 32

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

bool webhook_secret_decode(const char *whsec, unsigned char *key, size_t *key_len)
{
	if (key_len)
		*key_len = 0;
	if (!whsec || !key || !key_len || strncmp(whsec, SECRET_PREFIX, SECRET_PREFIX_LEN) != 0)
		return false;
	const char *b64 = whsec + SECRET_PREFIX_LEN;
	size_t n = strnlen(b64, SECRET_B64_MAX + 1);
	if (n == 0 || n > SECRET_B64_MAX || n % 4 != 0)
		return false;
	size_t pad = 0;
	if (b64[n - 1] == '=')
		pad = b64[n - 2] == '=' ? 2 : 1;
	size_t out_len = n / 4 * 3 - pad;
	if (out_len == 0 || out_len > WEBHOOK_SECRET_MAX)
		return false;

	/* Every character before the padding must be in the alphabet. */
	size_t o = 0;
	for (size_t i = 0; i < n; i += 4) {
		unsigned long quad = 0;
		for (size_t j = 0; j < 4; j++) {
			int v = (i + j >= n - pad) ? 0 : b64_value((unsigned char)b64[i + j]);
			if (v < 0) {
				OPENSSL_cleanse(key, o);
				return false;
			}
			quad = quad << 6 | (unsigned long)v;
		}
		for (size_t j = 0; j < 3 && o < out_len; j++)
			key[o++] = (unsigned char)(quad >> (16 - 8 * j));
	}
	*key_len = out_len;
	return true;
}

/* True when id can be a webhook-id: non-empty printable ASCII without '.'. */
static bool msg_id_ok(const char *id)
{
	if (!id || !*id)
		return false;
	for (const char *p = id; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || *p == '.')
			return false;
	return true;
}

/*
 * Writes "v1,<44 base64 chars>" and a NUL into out (WEBHOOK_SIG_LEN + 1
 * bytes). The secret is decoded here so the key never leaves this frame.
 */
static bool sign_one(EVP_MAC *mac, const char *msg_id, const char *ts, const char *body,
		     size_t body_len, const char *secret, char out[WEBHOOK_SIG_LEN + 1])
{
	unsigned char key[WEBHOOK_SECRET_MAX];
	size_t key_len;
	if (!webhook_secret_decode(secret, key, &key_len))
		return false;

	unsigned char md[MAC_LEN];
	size_t md_len = 0;
	bool ok = false;
	EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};
	if (ctx && EVP_MAC_init(ctx, key, key_len, params) == 1 &&
	    EVP_MAC_update(ctx, (const unsigned char *)msg_id, strlen(msg_id)) == 1 &&
	    EVP_MAC_update(ctx, (const unsigned char *)".", 1) == 1 &&
	    EVP_MAC_update(ctx, (const unsigned char *)ts, strlen(ts)) == 1 &&
	    EVP_MAC_update(ctx, (const unsigned char *)".", 1) == 1 &&
	    (body_len == 0 || EVP_MAC_update(ctx, (const unsigned char *)body, body_len) == 1) &&
	    EVP_MAC_final(ctx, md, &md_len, sizeof md) == 1 && md_len == MAC_LEN) {
		memcpy(out, "v1,", 3);
		ok = EVP_EncodeBlock((unsigned char *)out + 3, md, MAC_LEN) == WEBHOOK_SIG_LEN - 3;
	}
	EVP_MAC_CTX_free(ctx);
	OPENSSL_cleanse(key, sizeof key);
	OPENSSL_cleanse(md, sizeof md);
	return ok;
}

static EVP_MAC *hmac_fetch(void)
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (!mac)
		log_msg(LOG_ERROR, "webhooks: OpenSSL has no HMAC implementation");
	return mac;
}

bool webhook_sign(const char *msg_id, long long timestamp, const char *body, size_t body_len,
		  const char *const *secrets, size_t nsecrets, char *out, size_t outlen)
{
	if (out && outlen > 0)
		out[0] = '\0';
	if (!out || !secrets || nsecrets == 0 || !msg_id_ok(msg_id) || (!body && body_len) ||
	    nsecrets > SIZE_MAX / (WEBHOOK_SIG_LEN + 1) || outlen < WEBHOOK_SIG_BUFLEN(nsecrets))
		return false;

	char ts[24];
	snprintf(ts, sizeof ts, "%lld", timestamp);
	EVP_MAC *mac = hmac_fetch();
	if (!mac)
		return false;
	bool ok = true;
	for (size_t i = 0; i < nsecrets && ok; i++) {
		char *dst = out + i * (WEBHOOK_SIG_LEN + 1);
		ok = sign_one(mac, msg_id, ts, body, body_len, secrets[i], dst);
		if (ok && i + 1 < nsecrets)
			dst[WEBHOOK_SIG_LEN] = ' ';
	}
	EVP_MAC_free(mac);
	if (!ok)
		out[0] = '\0';
	return ok;
}

void webhook_message_id(char out[WEBHOOK_MSG_ID_SIZE])
{
	static const char alphabet[] = "0123456789abcdefghijklmnopqrstuv";
	unsigned char raw[17]; /* 136 bits; the first 130 are used */
	if (RAND_bytes(raw, sizeof raw) != 1) {
		log_msg(LOG_ERROR, "webhooks: RAND_bytes failed");
		abort();
	}
	memcpy(out, "msg_", 4);
	for (size_t i = 0; i < 26; i++) {
		size_t bit = i * 5;
		unsigned v = (unsigned)raw[bit / 8] << 8 | raw[bit / 8 + 1];
		out[4 + i] = alphabet[(v >> (11 - bit % 8)) & 31];
	}
	out[WEBHOOK_MSG_ID_LEN] = '\0';
}

bool webhook_verify(const char *header_value, const char *msg_id, long long ts, const char *body,
		    size_t len, const char *secret)
{
	char expected[WEBHOOK_SIG_BUFLEN(1)];
	const char *const secrets[] = {secret};
	if (!header_value || !secret ||
	    !webhook_sign(msg_id, ts, body, len, secrets, 1, expected, sizeof expected))
		return false;

	int found = 0;
	const char *p = header_value;
	while (*p) {
		size_t n = strcspn(p, " ");
		if (n == WEBHOOK_SIG_LEN && strncmp(p, "v1,", 3) == 0)
			found |= CRYPTO_memcmp(p, expected, WEBHOOK_SIG_LEN) == 0;
		p += n;
		if (*p == ' ')
			p++;
	}
	OPENSSL_cleanse(expected, sizeof expected);
	return found != 0;
}
