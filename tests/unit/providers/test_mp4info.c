/*
 * test_mp4info.c - the MP4 box reader on share/samples/sample-video.mp4
 * (320x180, 2.0 s, 24 fps, H.264 + AAC: ffprobe's view, see
 * share/samples/README.md), the metadata it yields, and hostile inputs:
 * truncated files, boxes that overrun their parent, no moov, not a file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "providers/mp4info.h"

#define SAMPLE SRCDIR "/share/samples/sample-video.mp4"

static void sample(void **state)
{
	(void)state;
	struct mp4_info info;
	const char *why = NULL;
	assert_true(mp4_read(SAMPLE, &info, &why));
	assert_int_equal(info.width, 320);
	assert_int_equal(info.height, 180);
	assert_true(info.duration > 1.99 && info.duration < 2.01);
	assert_true(info.fps > 23.99 && info.fps < 24.01);
	struct stat st;
	assert_int_equal(stat(SAMPLE, &st), 0);
	assert_int_equal(info.size_bytes, (long long)st.st_size);

	json_t *m = mp4_metadata(&info);
	assert_int_equal(json_integer_value(json_object_get(m, "width")), 320);
	assert_int_equal(json_integer_value(json_object_get(m, "height")), 180);
	assert_string_equal(json_string_value(json_object_get(m, "format")), "mp4");
	assert_string_equal(json_string_value(json_object_get(m, "resolution")), "180p");
	assert_true(json_real_value(json_object_get(m, "duration")) == 2.0);
	assert_true(json_real_value(json_object_get(m, "fps")) == 24.0);
	assert_int_equal(json_integer_value(json_object_get(m, "sizeBytes")), st.st_size);
	json_decref(m);
}

/* Writes bytes to a temporary file; returns its path (static buffer). */
static const char *temp_with(const unsigned char *bytes, size_t len)
{
	static char path[64];
	snprintf(path, sizeof path, "/tmp/doitong-test-mp4-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, bytes, len), (ssize_t)len);
	close(fd);
	return path;
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *buf = malloc((size_t)n);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void truncated(void **state)
{
	(void)state;
	size_t len;
	unsigned char *buf = slurp(SAMPLE, &len);
	struct mp4_info info;
	const char *why = NULL;
	/* Every prefix either parses or fails cleanly (ASan watches the reads). */
	for (size_t cut = 0; cut < len; cut += len / 97 + 1) {
		const char *p = temp_with(buf, cut);
		(void)mp4_read(p, &info, &why);
		unlink(p);
	}
	/* The first 16 bytes hold no moov. */
	const char *p = temp_with(buf, 16);
	assert_false(mp4_read(p, &info, &why));
	assert_non_null(why);
	unlink(p);
	free(buf);
}

static void hostile(void **state)
{
	(void)state;
	struct mp4_info info;
	const char *why = NULL;
	/* A box claiming more than the file holds. */
	const unsigned char big[] = { 0, 0, 0x10, 0, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm' };
	const char *p = temp_with(big, sizeof big);
	assert_false(mp4_read(p, &info, &why));
	unlink(p);
	/* A moov whose mvhd claims to be larger than the moov. */
	const unsigned char inner[] = { 0, 0, 0, 16, 'm', 'o', 'o', 'v',
					0, 0, 1, 0, 'm', 'v', 'h', 'd' };
	p = temp_with(inner, sizeof inner);
	assert_false(mp4_read(p, &info, &why));
	unlink(p);
	/* mp4_parse_moov on an mvhd that is too short. */
	const unsigned char shortmvhd[] = { 0, 0, 0, 12, 'm', 'v', 'h', 'd', 0, 0, 0, 0 };
	assert_false(mp4_parse_moov(shortmvhd, sizeof shortmvhd, &info));
	/* Not a file at all. */
	assert_false(mp4_read("/nonexistent/x.mp4", &info, &why));
	assert_false(mp4_read("/tmp", &info, &why));
}

static void metadata_partial(void **state)
{
	(void)state;
	struct mp4_info info = { 0, 0, 3.5, 0, 1234 };
	json_t *m = mp4_metadata(&info);
	assert_null(json_object_get(m, "width"));
	assert_null(json_object_get(m, "resolution"));
	assert_null(json_object_get(m, "fps"));
	assert_true(json_real_value(json_object_get(m, "duration")) == 3.5);
	assert_int_equal(json_integer_value(json_object_get(m, "sizeBytes")), 1234);
	json_decref(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sample),
		cmocka_unit_test(truncated),
		cmocka_unit_test(hostile),
		cmocka_unit_test(metadata_partial),
	};
	return cmocka_run_group_tests_name("providers/mp4info", tests, NULL, NULL);
}
