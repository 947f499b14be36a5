/*
 * digest.c - SHA-256 to lowercase hex with Nettle (see digest.h for why
 * not OpenSSL).
 */
#include "common/digest.h"

void digest_begin(struct digest *d)
{
	sha256_init(&d->sha);
}

void digest_add(struct digest *d, const void *data, size_t len)
{
	if (len)
		sha256_update(&d->sha, len, data);
}

void digest_end(struct digest *d, char out[DIGEST_HEX_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[DIGEST_RAW_LEN];
	sha256_digest(&d->sha, sizeof raw, raw);
	for (unsigned i = 0; i < sizeof raw; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[DIGEST_HEX_LEN] = '\0';
}

void digest_hex(const void *data, size_t len, char out[DIGEST_HEX_LEN + 1])
{
	struct digest d;
	digest_begin(&d);
	digest_add(&d, data, len);
	digest_end(&d, out);
}

void digest_raw(const void *data, size_t len, unsigned char out[DIGEST_RAW_LEN])
{
	struct digest d;
	digest_begin(&d);
	digest_add(&d, data, len);
	sha256_digest(&d.sha, DIGEST_RAW_LEN, out);
}

size_t digest_hex_slot(const char *hex, size_t n)
{
	size_t h = 0;
	for (int i = 0; i < 8; i++)
		h = h * 16 + (size_t)(hex[i] <= '9' ? hex[i] - '0' : hex[i] - 'a' + 10);
	return h % n;
}
