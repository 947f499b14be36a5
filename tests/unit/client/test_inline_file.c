/*
 * test_inline_file.c - `--image FILE`: which arguments are sent as they
 * are, the picture types recognised from their first bytes, the data: URI
 * (base64 checked against known encodings), and the refusals of
 * inline_image_file (missing, not a picture, too large).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/inline_file.h"

static void references(void **state)
{
	(void)state;
	assert_true(inline_is_reference("https://example.com/a.png"));
	assert_true(inline_is_reference("HTTP://example.com/a.png"));
	assert_true(inline_is_reference("data:image/png;base64,AAAA"));
	assert_false(inline_is_reference("photo.png"));
	assert_false(inline_is_reference("/tmp/http:/x.png"));
	assert_false(inline_is_reference("ftp://example.com/a.png"));
}

static void types(void **state)
{
	(void)state;
	assert_string_equal(inline_image_type((const unsigned char *)"\x89PNG\r\n\x1a\n....", 12), "image/png");
	assert_string_equal(inline_image_type((const unsigned char *)"\xFF\xD8\xFF\xE0", 4), "image/jpeg");
	assert_string_equal(inline_image_type((const unsigned char *)"GIF89a..", 8), "image/gif");
	assert_string_equal(inline_image_type((const unsigned char *)"RIFF\x10\0\0\0WEBPVP8 ", 16), "image/webp");
	assert_null(inline_image_type((const unsigned char *)"RIFF\x10\0\0\0WAVEfmt ", 16));
	assert_null(inline_image_type((const unsigned char *)"\x89PN", 3));
	assert_null(inline_image_type((const unsigned char *)"<svg>", 5));
}

static void data_uri(void **state)
{
	(void)state;
	char *u = inline_data_uri("image/png", (const unsigned char *)"Man", 3);
	assert_string_equal(u, "data:image/png;base64,TWFu");
	free(u);
	u = inline_data_uri("image/gif", (const unsigned char *)"Ma", 2);
	assert_string_equal(u, "data:image/gif;base64,TWE=");
	free(u);
	u = inline_data_uri("image/gif", (const unsigned char *)"", 0);
	assert_string_equal(u, "data:image/gif;base64,");
	free(u);
}

/* Writes n bytes starting with head (the rest zero) to a temporary file. */
static char *temp_file(const char *head, size_t head_len, size_t n)
{
	char *path = strdup("/tmp/doitong-inline-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	unsigned char *buf = calloc(1, n ? n : 1);
	memcpy(buf, head, head_len < n ? head_len : n);
	assert_int_equal(write(fd, buf, n), (ssize_t)n);
	close(fd);
	free(buf);
	return path;
}

static void files(void **state)
{
	(void)state;
	char err[256];
	char *png = temp_file("\x89PNG\r\n\x1a\n", 8, 100);
	char *uri = inline_image_file(png, err, sizeof err);
	assert_non_null(uri);
	assert_int_equal(strncmp(uri, "data:image/png;base64,iVBORw0KGgo", 33), 0);
	assert_int_equal(strlen(uri), strlen("data:image/png;base64,") + 4 * ((100 + 2) / 3));
	free(uri);
	unlink(png);
	free(png);

	char *big = temp_file("\x89PNG\r\n\x1a\n", 8, INLINE_IMAGE_MAX_BYTES + 1);
	assert_null(inline_image_file(big, err, sizeof err));
	assert_non_null(strstr(err, "larger than 512 KiB"));
	unlink(big);
	free(big);

	char *text = temp_file("hello", 5, 5);
	assert_null(inline_image_file(text, err, sizeof err));
	assert_non_null(strstr(err, "not a PNG, JPEG, GIF or WebP picture"));
	unlink(text);
	free(text);

	assert_null(inline_image_file("/nonexistent/photo.png", err, sizeof err));
	assert_non_null(strstr(err, "No such file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(references),
		cmocka_unit_test(types),
		cmocka_unit_test(data_uri),
		cmocka_unit_test(files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
