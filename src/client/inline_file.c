/*
 * inline_file.c - a local picture as a data: URI for input.image.
 */
#include "client/inline_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "common/util.h"

int inline_is_reference(const char *arg)
{
	return !strncasecmp(arg, "http://", 7) || !strncasecmp(arg, "https://", 8) ||
	       !strncasecmp(arg, "data:", 5);
}

const char *inline_image_type(const unsigned char *b, size_t n)
{
	if (n >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8))
		return "image/png";
	if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
		return "image/jpeg";
	if (n >= 6 && (!memcmp(b, "GIF87a", 6) || !memcmp(b, "GIF89a", 6)))
		return "image/gif";
	if (n >= 12 && !memcmp(b, "RIFF", 4) && !memcmp(b + 8, "WEBP", 4))
		return "image/webp";
	return NULL;
}

char *inline_data_uri(const char *type, const unsigned char *bytes, size_t n)
{
	static const char b64[] = ";base64,";
	size_t head = strlen("data:") + strlen(type) + strlen(b64);
	char *uri = xmalloc(head + 4 * ((n + 2) / 3) + 1);
	int len = snprintf(uri, head + 1, "data:%s%s", type, b64);
	EVP_EncodeBlock((unsigned char *)uri + len, bytes, (int)n);
	return uri;
}

char *inline_image_file(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "--image %s: %s (give an http(s) URL or a picture file)", path, strerror(errno));
		return NULL;
	}
	unsigned char *buf = xmalloc(INLINE_IMAGE_MAX_BYTES + 1);
	size_t n = fread(buf, 1, INLINE_IMAGE_MAX_BYTES + 1, f);
	int failed = ferror(f);
	fclose(f);
	char *uri = NULL;
	const char *type = inline_image_type(buf, n);
	if (failed)
		snprintf(err, errlen, "--image %s: read error", path);
	else if (n > INLINE_IMAGE_MAX_BYTES)
		snprintf(err, errlen, "--image %s: larger than %u KiB; put it on a web server and give its URL",
			 path, INLINE_IMAGE_MAX_BYTES / 1024);
	else if (!type)
		snprintf(err, errlen, "--image %s: not a PNG, JPEG, GIF or WebP picture", path);
	else
		uri = inline_data_uri(type, buf, n);
	free(buf);
	return uri;
}
