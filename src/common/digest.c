/*
 * digest.c - SHA-256 to lowercase hex with OpenSSL's EVP interface.
 */
#include "common/digest.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <threads.h>

#include "common/util.h"

struct digest {
	EVP_MD_CTX *md;
};

/* SHA-256 fetched from the provider once: EVP_sha256() makes OpenSSL 3
 * look the algorithm up again on every init (a tenth of a read's CPU in
 * the responder). */
static EVP_MD *sha256;
static once_flag sha256_once = ONCE_FLAG_INIT;

static void sha256_fetch(void)
{
	sha256 = EVP_MD_fetch(NULL, "SHA2-256", NULL);
}

struct digest *digest_begin(void)
{
	call_once(&sha256_once, sha256_fetch);
	struct digest *d = xmalloc(sizeof *d);
	d->md = EVP_MD_CTX_new();
	if (!sha256 || !d->md || EVP_DigestInit_ex(d->md, sha256, NULL) != 1)
		oom_abort();
	return d;
}

void digest_add(struct digest *d, const void *data, size_t len)
{
	if (len)
		EVP_DigestUpdate(d->md, data, len);
}

void digest_end(struct digest *d, char out[DIGEST_HEX_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[32];
	unsigned int n = 0;
	EVP_DigestFinal_ex(d->md, raw, &n);
	EVP_MD_CTX_free(d->md);
	free(d);
	for (unsigned i = 0; i < 32; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[DIGEST_HEX_LEN] = '\0';
}

void digest_hex(const void *data, size_t len, char out[DIGEST_HEX_LEN + 1])
{
	struct digest *d = digest_begin();
	digest_add(d, data, len);
	digest_end(d, out);
}

size_t digest_hex_slot(const char *hex, size_t n)
{
	size_t h = 0;
	for (int i = 0; i < 8; i++)
		h = h * 16 + (size_t)(hex[i] <= '9' ? hex[i] - '0' : hex[i] - 'a' + 10);
	return h % n;
}
