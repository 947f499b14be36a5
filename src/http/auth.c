/*
 * auth.c - key generation and hashing with OpenSSL; Bearer parsing.
 */
#include "http/auth.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/digest.h"

void auth_hash_key(const char *key, size_t len, char out[AUTH_HASH_HEX_LEN + 1])
{
	digest_hex(key, len, out);
}

bool auth_generate_key(bool test_mode, char *out, size_t outlen)
{
	static const char alphabet[] =
		"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	const char *prefix = test_mode ? "dt_test_" : "dt_live_";
	size_t plen = strlen(prefix);
	if (outlen < plen + AUTH_KEY_RANDOM_CHARS + 1)
		return false;
	memcpy(out, prefix, plen);
	size_t n = 0;
	while (n < AUTH_KEY_RANDOM_CHARS) {
		unsigned char buf[64];
		if (RAND_bytes(buf, sizeof buf) != 1)
			return false;
		/* Rejection sampling keeps every character equally likely. */
		for (size_t i = 0; i < sizeof buf && n < AUTH_KEY_RANDOM_CHARS; i++)
			if (buf[i] < 248)
				out[plen + n++] = alphabet[buf[i] % 62];
	}
	out[plen + n] = '\0';
	return true;
}

bool auth_bearer_key(const char *header, const char **key, size_t *len)
{
	if (!header)
		return false;
	while (*header == ' ' || *header == '\t')
		header++;
	if (strncasecmp(header, "Bearer", 6) != 0 || (header[6] != ' ' && header[6] != '\t'))
		return false;
	const char *k = header + 7;
	while (*k == ' ' || *k == '\t')
		k++;
	size_t n = 0;
	while (k[n] && k[n] != ' ' && k[n] != '\t' && k[n] != '\r' && k[n] != '\n')
		n++;
	if (n < 8 + 32 || n > AUTH_KEY_MAX_LEN)
		return false;
	if (strncmp(k, "dt_live_", 8) != 0 && strncmp(k, "dt_test_", 8) != 0)
		return false;
	for (size_t i = 8; i < n; i++) {
		char c = k[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      c == '_' || c == '-'))
			return false;
	}
	*key = k;
	*len = n;
	return true;
}
