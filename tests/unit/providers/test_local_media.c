/*
 * test_local_media.c - the offline image, video and avatar providers:
 * option mapping and sizes, colours, text wrapping, data: URIs, the PNG
 * header reader, ffmpeg argument vectors (no untrusted text in them), and
 * one real run of each adapter into a temporary media directory (ffprobe
 * is not needed: the produced files are read back with png_read_file and
 * mp4_read).
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

#include "common/arena.h"
#include "common/config.h"
#include "providers/local_media.h"
#include "providers/mp4info.h"
#include "providers/provider.h"

static json_t *obj(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);
	if (!j)
		fail_msg("bad JSON in test: %s", e.text);
	return j;
}

/* Parses options of a job {type, options} into o; returns the result. */
static bool parse(const char *type, const char *options, struct lm_options *o, char *err)
{
	json_t *opts = obj(options);
	struct job job;
	memset(&job, 0, sizeof job);
	job.type = type;
	job.options = opts;
	bool ok = lm_parse_options(&job, o, err, 256);
	json_decref(opts);
	return ok;
}

static void sizes(void **state)
{
	(void)state;
	int w, h;
	assert_true(lm_image_size(NULL, &w, &h));
	assert_int_equal(w, 1024); assert_int_equal(h, 1024);
	assert_true(lm_image_size("16:9", &w, &h));
	assert_int_equal(w, 1024); assert_int_equal(h, 576);
	assert_true(lm_image_size("3:4", &w, &h));
	assert_int_equal(w, 768); assert_int_equal(h, 1024);
	assert_false(lm_image_size("21:9", &w, &h));

	assert_true(lm_video_size(NULL, NULL, &w, &h));
	assert_int_equal(w, 640); assert_int_equal(h, 360);
	assert_true(lm_video_size("9:16", "720p", &w, &h));
	assert_int_equal(w, 720); assert_int_equal(h, 1280);
	assert_true(lm_video_size("4:3", "360p", &w, &h));
	assert_int_equal(w, 480); assert_int_equal(h, 360);
	assert_true(lm_video_size("1:1", "720p", &w, &h));
	assert_int_equal(w, 720); assert_int_equal(h, 720);
	assert_false(lm_video_size("16:9", "1080p", &w, &h));
	assert_false(lm_video_size("2:1", "360p", &w, &h));
}

static void options(void **state)
{
	(void)state;
	struct lm_options o;
	char err[256];
	assert_true(parse("IMAGE", "{}", &o, err));
	assert_int_equal(o.width, 1024);
	assert_true(parse("IMAGE", "{\"aspectRatio\":\"9:16\"}", &o, err));
	assert_int_equal(o.height, 1024);
	assert_false(parse("IMAGE", "{\"aspectRatio\":\"5:4\"}", &o, err));
	assert_non_null(strstr(err, "aspectRatio"));
	assert_false(parse("IMAGE", "{\"aspectRatio\":7}", &o, err));

	assert_true(parse("VIDEO", "{}", &o, err));
	assert_int_equal(o.width, 640); assert_int_equal(o.duration, 5);
	assert_int_equal(o.camera, LM_CAM_ZOOM_IN);
	assert_true(parse("VIDEO", "{\"duration\":\"3\",\"cameraMove\":\"pan-left\",\"resolution\":\"720p\"}", &o, err));
	assert_int_equal(o.duration, 3); assert_int_equal(o.camera, LM_CAM_PAN_LEFT);
	assert_int_equal(o.width, 1280);
	assert_true(parse("VIDEO", "{\"duration\":10,\"cameraMove\":\"none\"}", &o, err));
	assert_int_equal(o.duration, 10); assert_int_equal(o.camera, LM_CAM_NONE);
	assert_false(parse("VIDEO", "{\"duration\":11}", &o, err));
	assert_non_null(strstr(err, "duration"));
	assert_false(parse("VIDEO", "{\"duration\":\"2x\"}", &o, err));
	assert_false(parse("VIDEO", "{\"duration\":2.5}", &o, err));
	assert_false(parse("VIDEO", "{\"cameraMove\":\"spin\"}", &o, err));
	assert_non_null(strstr(err, "cameraMove"));
	assert_false(parse("VIDEO", "{\"resolution\":\"1080p\"}", &o, err));

	assert_true(parse("AVATAR", "{}", &o, err));
	assert_int_equal(o.width, 360); assert_int_equal(o.height, 360);
	assert_int_equal(o.duration, 0);
}

static void style_is_stable(void **state)
{
	(void)state;
	struct lm_options a = {.width = 1024, .height = 576}, b = a, c = a;
	lm_style("a red fox", &a);
	lm_style("a red fox", &b);
	lm_style("a blue fox", &c);
	assert_string_equal(a.c0, b.c0);
	assert_string_equal(a.c1, b.c1);
	assert_true(strcmp(a.c0, c.c0) || strcmp(a.c1, c.c1));
	assert_int_equal(strlen(a.c0), 8);
	assert_true(a.font_size >= 12 && a.wrap_cols >= 8);
}

static void wrapping(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(lm_wrap_text("a red fox jumps over", 9, 5, out, sizeof out), 20);
	assert_string_equal(out, "a red fox\njumps\nover");
	lm_wrap_text("  tabs\tand\nnewlines\x01 ", 40, 5, out, sizeof out);
	assert_string_equal(out, "tabs and newlines");
	lm_wrap_text("one two three four five", 5, 2, out, sizeof out);
	assert_string_equal(out, "one\ntwo\xE2\x80\xA6");
	lm_wrap_text("abcdefghij", 4, 5, out, sizeof out);
	assert_string_equal(out, "abcd\nefgh\nij");
	/* Code points, not bytes: four é fit a line of four. */
	lm_wrap_text("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9 x", 4, 5, out, sizeof out);
	assert_string_equal(out, "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\nx");
	/* A small buffer cuts with an ellipsis, never mid-sequence. */
	char tiny[8];
	lm_wrap_text("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 40, 5, tiny, sizeof tiny);
	assert_true(strlen(tiny) < sizeof tiny);
	assert_non_null(strstr(tiny, "\xE2\x80\xA6"));
	lm_wrap_text(NULL, 10, 2, out, sizeof out);
	assert_string_equal(out, "");
}

/* A 1x1 PNG. */
static const char png_b64[] =
	"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";

static void data_uris(void **state)
{
	(void)state;
	unsigned char *b;
	size_t n;
	const char *kind;
	char err[256], uri[256];
	snprintf(uri, sizeof uri, "data:image/png;base64,%s", png_b64);
	assert_true(lm_data_uri_decode(uri, &b, &n, &kind, err, sizeof err));
	assert_string_equal(kind, "png");
	int w, h;
	const char *why;
	assert_true(png_parse_ihdr(b, n, &w, &h, &why));
	assert_int_equal(w, 1); assert_int_equal(h, 1);
	free(b);

	assert_false(lm_data_uri_decode("https://example.com/a.png", &b, &n, &kind, err, sizeof err));
	assert_non_null(strstr(err, "data: URI"));
	assert_false(lm_data_uri_decode("data:image/png,plain", &b, &n, &kind, err, sizeof err));
	assert_false(lm_data_uri_decode("data:image/png;base64,!!!!", &b, &n, &kind, err, sizeof err));
	/* Base64 of "#EXTM3U\n": a playlist is not an image. */
	assert_false(lm_data_uri_decode("data:image/png;base64,I0VYVE0zVQo=", &b, &n, &kind, err, sizeof err));
	assert_non_null(strstr(err, "PNG, JPEG or WebP"));
	assert_null(b);
	assert_string_equal(lm_image_kind((const unsigned char *)"\xFF\xD8\xFF\xE0", 4), "jpg");
	assert_string_equal(lm_image_kind((const unsigned char *)"RIFF\0\0\0\0WEBPVP8 ", 16), "webp");
	assert_null(lm_image_kind((const unsigned char *)"GIF89a", 6));
}

static void png_header(void **state)
{
	(void)state;
	unsigned char b[33] = "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x04\0\0\0\x02\x40\x08\x02";
	int w, h;
	const char *why;
	assert_true(png_parse_ihdr(b, sizeof b, &w, &h, &why));
	assert_int_equal(w, 1024); assert_int_equal(h, 576);
	assert_false(png_parse_ihdr(b, 20, &w, &h, &why));
	b[12] = 'X';
	assert_false(png_parse_ihdr(b, sizeof b, &w, &h, &why));
	assert_string_equal(why, "no IHDR chunk first");
	b[0] = 0;
	assert_false(png_parse_ihdr(b, sizeof b, &w, &h, &why));

	json_t *m = lm_png_metadata(1024, 576, 1234);
	assert_int_equal(json_integer_value(json_object_get(m, "width")), 1024);
	assert_string_equal(json_string_value(json_object_get(m, "resolution")), "576p");
	assert_string_equal(json_string_value(json_object_get(m, "format")), "png");
	assert_int_equal(json_integer_value(json_object_get(m, "sizeBytes")), 1234);
	json_decref(m);
}

static bool has_arg(const struct lm_cmd *c, const char *a)
{
	for (size_t i = 0; i < c->argc; i++)
		if (!strcmp(c->argv[i], a))
			return true;
	return false;
}

static void argv_building(void **state)
{
	(void)state;
	struct lm_options o = {.width = 640, .height = 360, .duration = 4, .camera = LM_CAM_PAN_RIGHT};
	lm_style("prompt", &o);
	struct lm_cmd c;
	lm_image_cmd("ffmpeg", &o, "/m/.g.1.txt", "/m/.g.1.tmp.png", &c);
	assert_string_equal(c.argv[0], "ffmpeg");
	assert_null(c.argv[c.argc]);
	assert_string_equal(c.argv[c.argc - 1], "/m/.g.1.tmp.png");
	assert_true(has_arg(&c, "-nostdin"));
	assert_non_null(strstr(c.filter, "textfile=/m/.g.1.txt:expansion=none"));
	assert_non_null(strstr(c.filter, "fontfile=" LM_FONT));
	assert_non_null(strstr(c.lavfi, "s=640x360"));

	lm_video_cmd("ff", &o, NULL, "/m/t.txt", "/m/o.mp4", &c);
	assert_true(has_arg(&c, "libx264"));
	assert_true(has_arg(&c, "yuv420p"));
	assert_true(has_arg(&c, "+faststart"));
	assert_true(has_arg(&c, "100"));       /* frames: 4 s at 25 fps */
	assert_non_null(strstr(c.filter, "zoompan=z='1.25':x='(iw-iw/zoom)*on/100'"));
	assert_non_null(strstr(c.lavfi, "duration=4"));

	o.camera = LM_CAM_NONE;
	lm_video_cmd("ff", &o, "/m/in.png", NULL, "/m/o.mp4", &c);
	assert_null(strstr(c.filter, "zoompan"));
	assert_null(strstr(c.filter, "drawtext"));
	assert_true(has_arg(&c, "-protocol_whitelist"));
	assert_true(has_arg(&c, "image2"));
	assert_true(has_arg(&c, "/m/in.png"));

	lm_avatar_cmd("ff", &o, NULL, "/m/face.txt", "/m/s.wav", "/m/o.mp4", &c);
	assert_true(has_arg(&c, "-shortest"));
	assert_true(has_arg(&c, "/m/s.wav"));
	assert_true(has_arg(&c, "aac"));
	assert_non_null(strstr(c.filter, "textfile=/m/face.txt"));
	lm_avatar_cmd("ff", &o, "/m/in.jpg", NULL, "/m/s.wav", "/m/o.mp4", &c);
	assert_true(has_arg(&c, "/m/in.jpg"));
	assert_null(strstr(c.filter, "drawtext"));

	assert_true(lm_filter_safe("/var/lib/doitong/media/.gen_1-a.123"));
	assert_false(lm_filter_safe("/tmp/a:b"));
	assert_false(lm_filter_safe("/tmp/a'b"));
	assert_false(lm_filter_safe("/tmp/a,b"));
	assert_false(lm_filter_safe(""));
}

/* ---------------------------------------------------------------- real runs */

struct fixture {
	char dir[64];
	struct config cfg;
	struct arena *arena;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/doitong-test-lm.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	f->cfg.media_dir = f->dir;
	f->cfg.media_url = "http://media.test/m";
	f->cfg.espeak_bin = "espeak-ng";
	f->cfg.ffmpeg_bin = "ffmpeg";
	f->arena = arena_new(4096);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	arena_reset(f->arena);
	arena_free(f->arena);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void run_job(struct fixture *f, const char *adapter, const char *json,
		    struct provider_outcome *out)
{
	json_t *j = obj(json);
	arena_defer(f->arena, (void (*)(void *))json_decref, j);
	struct job job;
	assert_true(provider_job_decode(j, &job));
	struct provider_ctx ctx = { &f->cfg, f->arena, NULL };
	const struct provider_adapter *ad = provider_find(adapter);
	assert_non_null(ad);
	assert_true(ad->offline && ad->synchronous);
	ad->submit(&job, &ctx, out);
}

/* Only the named result is in the media directory (no temporary file). */
static void only(struct fixture *f, const char *name)
{
	char cmd[200];
	snprintf(cmd, sizeof cmd, "test \"$(ls -A %s)\" = '%s'", f->dir, name);
	if (system(cmd) != 0)
		fail_msg("media dir holds more than %s", name);
}

static void real_image(void **state)
{
	struct fixture *f = *state;
	struct provider_outcome out;
	run_job(f, "local-image", "{\"id\":\"gen_img\",\"type\":\"IMAGE\",\"input\":{\"text\":"
		"\"A lighthouse at dusk, %{localtime} ' : , [x] \\\\ and a long tail of words to wrap around\"},"
		"\"options\":{\"aspectRatio\":\"16:9\"}}", &out);
	if (out.kind == PROVIDER_FAILED)
		fail_msg("image failed: %s", out.message);
	assert_string_equal(out.url, "http://media.test/m/gen_img.png");
	int w, h;
	const char *why;
	assert_true(png_read_file(out.path, &w, &h, &why));
	assert_int_equal(w, 1024); assert_int_equal(h, 576);
	struct stat st;
	assert_int_equal(stat(out.path, &st), 0);
	assert_int_equal(json_integer_value(json_object_get(out.metadata, "sizeBytes")), st.st_size);
	assert_int_equal(json_integer_value(json_object_get(out.metadata, "height")), 576);
	only(f, "gen_img.png");
}

static void real_video(void **state)
{
	struct fixture *f = *state;
	struct provider_outcome out;
	run_job(f, "local-video", "{\"id\":\"gen_vid\",\"type\":\"VIDEO\",\"input\":{\"text\":\"waves\"},"
		"\"options\":{\"duration\":\"2\",\"cameraMove\":\"zoom-out\",\"aspectRatio\":\"9:16\"}}", &out);
	if (out.kind == PROVIDER_FAILED)
		fail_msg("video failed: %s", out.message);
	struct mp4_info info;
	const char *why;
	assert_true(mp4_read(out.path, &info, &why));
	assert_int_equal(info.width, 360); assert_int_equal(info.height, 640);
	assert_true(info.duration > 1.9 && info.duration < 2.2);
	assert_int_equal(json_integer_value(json_object_get(out.metadata, "width")), 360);
	assert_string_equal(json_string_value(json_object_get(out.metadata, "format")), "mp4");
	only(f, "gen_vid.mp4");

	/* Image-to-video from a data: URI. */
	char job[512];
	snprintf(job, sizeof job, "{\"id\":\"gen_i2v\",\"type\":\"VIDEO\",\"input\":{\"image\":"
		 "\"data:image/png;base64,%s\"},\"options\":{\"duration\":2,\"aspectRatio\":\"1:1\"}}", png_b64);
	run_job(f, "local-video", job, &out);
	if (out.kind == PROVIDER_FAILED)
		fail_msg("image-to-video failed: %s", out.message);
	assert_int_equal(json_integer_value(json_object_get(out.metadata, "width")), 360);
	assert_int_equal(json_integer_value(json_object_get(out.metadata, "height")), 360);
	unlink(out.path);

	/* A bad image is the request's fault, and leaves nothing behind. */
	run_job(f, "local-video", "{\"id\":\"gen_bad\",\"type\":\"VIDEO\",\"input\":{\"image\":"
		"\"data:image/png;base64,I0VYVE0zVQo=\"}}", &out);
	assert_int_equal(out.kind, PROVIDER_FAILED);
	assert_int_equal(out.code, API_ERR_GENERATION_FAILED);
	assert_int_equal(out.fault, FAULT_REQUEST);
	run_job(f, "local-video", "{\"id\":\"gen_bad\",\"type\":\"VIDEO\",\"input\":{\"text\":\"x\"},"
		"\"options\":{\"duration\":60}}", &out);
	assert_int_equal(out.kind, PROVIDER_FAILED);
	assert_int_equal(out.fault, FAULT_REQUEST);
	only(f, "gen_vid.mp4");
}

static void real_avatar(void **state)
{
	struct fixture *f = *state;
	struct provider_outcome out;
	run_job(f, "local-avatar", "{\"id\":\"gen_ava\",\"type\":\"AVATAR\",\"input\":{\"text\":"
		"\"Hello, I am a local avatar.\"}}", &out);
	if (out.kind == PROVIDER_FAILED)
		fail_msg("avatar failed: %s", out.message);
	struct mp4_info info;
	const char *why;
	assert_true(mp4_read(out.path, &info, &why));
	assert_int_equal(info.width, 360);
	assert_true(info.duration > 0.5 && info.duration < 10);
	only(f, "gen_ava.mp4");

	run_job(f, "local-avatar", "{\"id\":\"gen_nt\",\"type\":\"AVATAR\",\"input\":{}}", &out);
	assert_int_equal(out.kind, PROVIDER_FAILED);
	assert_int_equal(out.fault, FAULT_REQUEST);
	assert_non_null(strstr(out.message, "input.text"));

	/* A missing ffmpeg fails clearly, with no partial file. */
	f->cfg.ffmpeg_bin = "/nonexistent/ffmpeg";
	run_job(f, "local-avatar", "{\"id\":\"gen_nf\",\"type\":\"AVATAR\",\"input\":{\"text\":\"x\"}}", &out);
	f->cfg.ffmpeg_bin = "ffmpeg";
	assert_int_equal(out.kind, PROVIDER_FAILED);
	assert_non_null(strstr(out.message, "ffmpeg"));
	only(f, "gen_ava.mp4");

	run_job(f, "local-image", "{\"id\":\"gen_w\",\"type\":\"VIDEO\",\"input\":{\"text\":\"x\"}}", &out);
	assert_int_equal(out.kind, PROVIDER_FAILED);
	assert_non_null(strstr(out.message, "IMAGE only"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sizes),
		cmocka_unit_test(options),
		cmocka_unit_test(style_is_stable),
		cmocka_unit_test(wrapping),
		cmocka_unit_test(data_uris),
		cmocka_unit_test(png_header),
		cmocka_unit_test(argv_building),
		cmocka_unit_test_setup_teardown(real_image, setup, teardown),
		cmocka_unit_test_setup_teardown(real_video, setup, teardown),
		cmocka_unit_test_setup_teardown(real_avatar, setup, teardown),
	};
	return cmocka_run_group_tests_name("local_media", tests, NULL, NULL);
}
