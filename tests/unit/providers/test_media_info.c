/*
 * test_media_info.c - the formats and facts read from result files
 * (media_info.c) on real files: share/samples (PNG, MP4) and the fake
 * upstream's tests/fakes/media (JPEG 320x240, MP3 22.05 kHz mono 32 kb/s of
 * 1.071 s: ffprobe's view), a WAV written by wav_tone; and broken or
 * truncated headers, which must be refused rather than misread.
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

#include "providers/media_info.h"
#include "providers/wav.h"

#define MEDIA SRCDIR "/tests/fakes/media"

static unsigned char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	unsigned char *b = malloc(1 << 20);
	*n = fread(b, 1, 1 << 20, f);
	fclose(f);
	return b;
}

static void read_files(void **state)
{
	(void)state;
	struct media_info m;
	const char *why = NULL;
	assert_true(media_read(SRCDIR "/share/samples/sample-image.png", &m, &why));
	assert_string_equal(m.format, "png");
	assert_int_equal(m.kind, MEDIA_IMAGE);
	assert_int_equal(m.width, 256);
	assert_int_equal(m.height, 144);
	assert_int_equal(m.size_bytes, 1684);

	assert_true(media_read(MEDIA "/sample-image.jpg", &m, &why));
	assert_string_equal(m.format, "jpeg");
	assert_string_equal(m.ext, "jpg");
	assert_int_equal(m.width, 320);
	assert_int_equal(m.height, 240);

	assert_true(media_read(MEDIA "/sample-speech.mp3", &m, &why));
	assert_string_equal(m.format, "mp3");
	assert_int_equal(m.kind, MEDIA_AUDIO);
	assert_true(m.duration > 1.070 && m.duration < 1.072);  /* the Info frame's count */
	json_t *j = media_metadata(&m);
	assert_true(json_real_value(json_object_get(j, "duration")) == 1.071);
	assert_string_equal(json_string_value(json_object_get(j, "format")), "mp3");
	assert_null(json_object_get(j, "width"));
	assert_int_equal(json_integer_value(json_object_get(j, "sizeBytes")), m.size_bytes);
	json_decref(j);

	assert_true(media_read(SRCDIR "/share/samples/sample-video.mp4", &m, &why));
	assert_string_equal(m.format, "mp4");
	assert_int_equal(m.kind, MEDIA_VIDEO);
	assert_int_equal(m.width, 320);
	j = media_metadata(&m);
	assert_string_equal(json_string_value(json_object_get(j, "resolution")), "180p");
	assert_true(json_real_value(json_object_get(j, "fps")) == 24.0);
	json_decref(j);

	size_t len;
	unsigned char *wav = wav_tone(16000, 8000, 440, 0.5, &len);
	char path[] = "/tmp/doitong-media-info-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, wav, len), (ssize_t)len);
	close(fd);
	free(wav);
	assert_true(media_read(path, &m, &why));
	assert_string_equal(m.format, "wav");
	assert_true(m.duration > 0.49 && m.duration < 0.51);
	/* a file of no known format */
	FILE *f = fopen(path, "wb");
	fputs("<html>an error page</html>", f);
	fclose(f);
	assert_false(media_read(path, &m, &why));
	assert_string_equal(why, "unknown file format");
	unlink(path);
	assert_false(media_read("/nonexistent/file.png", &m, &why));
}

static void parsers(void **state)
{
	(void)state;
	size_t n;
	const char *why = NULL;
	int w, h;
	unsigned char *jpg = slurp(MEDIA "/sample-image.jpg", &n);
	assert_string_equal(media_sniff(jpg, n), "jpeg");
	assert_true(jpeg_parse_size(jpg, n, &w, &h, &why));
	/* cut before the frame header: refused, not misread */
	assert_false(jpeg_parse_size(jpg, 200, &w, &h, &why));
	jpg[2] = 0x00;  /* a broken segment marker */
	assert_false(jpeg_parse_size(jpg, n, &w, &h, &why));
	free(jpg);

	unsigned char *mp3 = slurp(MEDIA "/sample-speech.mp3", &n);
	double d;
	assert_string_equal(media_sniff(mp3, n), "mp3");
	assert_true(mp3_parse(mp3, n, (long long)n, &d, &why));
	/* no ID3 tag and no Info frame: the constant bit rate gives the length */
	size_t off = 10 + (mp3[6] << 21 | mp3[7] << 14 | mp3[8] << 7 | mp3[9]);
	unsigned char frame[4] = { 0xFF, 0xF3, 0x40, 0xC0 };  /* MPEG-2 L3 32 kb/s 22050 Hz mono */
	assert_true(mp3_parse(frame, 4, 4000, &d, &why));
	assert_true(d == 1.0);
	assert_false(mp3_parse(mp3, off, (long long)n, &d, &why));  /* the tag alone */
	frame[1] = 0xF5;  /* layer II: not read */
	assert_false(mp3_parse(frame, 4, 4000, &d, &why));
	free(mp3);

	/* WebP: VP8X, VP8L and VP8 headers */
	unsigned char webp[40] = "RIFF\0\0\0\0WEBPVP8X";
	webp[20 + 4] = 0x3F; webp[20 + 5] = 0x01;  /* width - 1 = 319 */
	webp[20 + 7] = 0xEF;                       /* height - 1 = 239 */
	assert_string_equal(media_sniff(webp, sizeof webp), "webp");
	assert_true(webp_parse_size(webp, sizeof webp, &w, &h, &why));
	assert_int_equal(w, 320);
	assert_int_equal(h, 240);
	memcpy(webp + 12, "VP8L", 4);
	webp[20] = 0x2f;
	uint32_t bits = (320 - 1) | (uint32_t)(240 - 1) << 14;
	memcpy(webp + 21, (unsigned char[]){ bits & 0xFF, bits >> 8 & 0xFF, bits >> 16 & 0xFF, bits >> 24 }, 4);
	assert_true(webp_parse_size(webp, sizeof webp, &w, &h, &why));
	assert_int_equal(w, 320);
	assert_int_equal(h, 240);
	memcpy(webp + 12, "ABCD", 4);
	assert_false(webp_parse_size(webp, sizeof webp, &w, &h, &why));

	assert_null(media_sniff((const unsigned char *)"{\"error\":1}", 11));
	assert_null(media_sniff((const unsigned char *)"", 0));
}

static void kinds_and_types(void **state)
{
	(void)state;
	assert_int_equal(media_kind_of_type("IMAGE"), MEDIA_IMAGE);
	assert_int_equal(media_kind_of_type("AUDIO"), MEDIA_AUDIO);
	assert_int_equal(media_kind_of_type("AVATAR"), MEDIA_VIDEO);
	assert_int_equal(media_kind_of_type("VIDEO"), MEDIA_VIDEO);
	assert_true(media_type_ok(MEDIA_IMAGE, "image/jpeg"));
	assert_true(media_type_ok(MEDIA_AUDIO, "audio/mpeg"));
	assert_true(media_type_ok(MEDIA_AUDIO, "application/octet-stream; charset=binary"));
	assert_true(media_type_ok(MEDIA_VIDEO, NULL));
	assert_false(media_type_ok(MEDIA_IMAGE, "video/mp4"));
	assert_false(media_type_ok(MEDIA_AUDIO, "text/html"));
	assert_false(media_type_ok(MEDIA_VIDEO, "application/octet-streamx"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(read_files),
		cmocka_unit_test(parsers),
		cmocka_unit_test(kinds_and_types),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
