/*
 * test_local.c - the local speech provider: WAV header parsing, option
 * checks, argument vectors, the spawn helper, and one real espeak-ng run
 * into a temporary media directory.
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
#include "providers/local.h"
#include "providers/provider.h"
#include "providers/spawn.h"
#include "providers/wav.h"

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16); p[3] = (unsigned char)(v >> 24);
}

static void put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8);
}

/* A canonical 44-byte PCM header: rate Hz, channels, bits, data bytes. */
static size_t make_header(unsigned char *b, uint32_t rate, uint16_t channels, uint16_t bits,
			  uint32_t data)
{
	memcpy(b, "RIFF", 4); put32(b + 4, 36 + data); memcpy(b + 8, "WAVE", 4);
	memcpy(b + 12, "fmt ", 4); put32(b + 16, 16);
	put16(b + 20, 1); put16(b + 22, channels); put32(b + 24, rate);
	put32(b + 28, rate * channels * bits / 8); put16(b + 32, (uint16_t)(channels * bits / 8));
	put16(b + 34, bits);
	memcpy(b + 36, "data", 4); put32(b + 40, data);
	return 44;
}

static void wav_valid(void **state)
{
	(void)state;
	unsigned char b[64];
	struct wav_info w;
	const char *why;
	size_t n = make_header(b, 22050, 1, 16, 44100);
	assert_true(wav_parse(b, n, n + 44100, &w, &why));
	assert_int_equal(w.sample_rate, 22050);
	assert_int_equal(w.channels, 1);
	assert_int_equal(w.bits_per_sample, 16);
	assert_int_equal(w.data_size, 44100);
	assert_true(w.duration > 0.999 && w.duration < 1.001);

	n = make_header(b, 48000, 2, 16, 192000);
	assert_true(wav_parse(b, n, n + 192000, &w, &why));
	assert_true(w.duration > 0.999 && w.duration < 1.001);
}

static void wav_clamps_streamed_size(void **state)
{
	(void)state;
	unsigned char b[64];
	struct wav_info w;
	/* Written as a stream: the sizes claim 4 GiB, the file holds 22050 bytes. */
	size_t n = make_header(b, 22050, 1, 16, 0xFFFFFFFFu);
	assert_true(wav_parse(b, n, n + 22050, &w, NULL));
	assert_int_equal(w.data_size, 22050);
	assert_true(w.duration > 0.499 && w.duration < 0.501);
}

static void wav_skips_odd_chunks(void **state)
{
	(void)state;
	unsigned char b[128];
	size_t n = make_header(b, 8000, 1, 8, 8000);
	/* Insert a 3-byte LIST chunk (padded to 4) between fmt and data. */
	unsigned char out[128];
	memcpy(out, b, 36);
	memcpy(out + 36, "LIST", 4); put32(out + 40, 3); memcpy(out + 44, "abc\0", 4);
	memcpy(out + 48, b + 36, 8);
	struct wav_info w;
	assert_true(wav_parse(out, n + 12, n + 12 + 8000, &w, NULL));
	assert_int_equal(w.data_size, 8000);
	assert_true(w.duration > 0.999 && w.duration < 1.001);
}

static void wav_rejects_garbage(void **state)
{
	(void)state;
	unsigned char b[64];
	struct wav_info w;
	const char *why = NULL;
	size_t n = make_header(b, 22050, 1, 16, 100);

	assert_false(wav_parse(b, 0, 0, &w, &why));
	assert_non_null(why);
	assert_false(wav_parse(b, 11, 11, &w, &why));          /* shorter than RIFF header */
	assert_false(wav_parse(b, 20, 20, &w, &why));          /* fmt chunk cut off */
	assert_false(wav_parse(b, 36, 36, &w, &why));          /* no data chunk header */
	assert_string_equal(why, "no data chunk in the header");

	unsigned char bad[64];
	memcpy(bad, b, n);
	memcpy(bad, "RIFX", 4);
	assert_false(wav_parse(bad, n, n, &w, &why));
	memcpy(bad, b, n);
	put16(bad + 22, 0);                                      /* zero channels */
	assert_false(wav_parse(bad, n, n, &w, &why));
	memcpy(bad, b, n);
	memcpy(bad + 12, "data", 4);                             /* data before fmt */
	assert_false(wav_parse(bad, n, n, &w, &why));
	memcpy(bad, b, n);
	put32(bad + 16, 0xFFFFFFF0u);                            /* huge fmt size: no wrap */
	assert_false(wav_parse(bad, n, n, &w, &why));

	unsigned char noise[256];
	for (size_t i = 0; i < sizeof noise; i++)
		noise[i] = (unsigned char)(i * 37 + 11);
	memcpy(noise, "RIFF\0\0\0\0WAVE", 12);
	assert_false(wav_parse(noise, sizeof noise, sizeof noise, &w, &why));
}

static json_t *job_json(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);
	assert_non_null(j);
	return j;
}

static void options_defaults_and_limits(void **state)
{
	(void)state;
	struct job job;
	struct local_options o;
	char err[256];
	json_t *j = job_json("{\"id\":\"gen_1\",\"type\":\"AUDIO\",\"status\":\"PENDING\"}");
	assert_true(provider_job_decode(j, &job));
	assert_true(local_parse_options(&job, &o, err, sizeof err));
	assert_string_equal(o.voice, "en");
	assert_int_equal(o.wpm, 175);
	assert_int_equal(o.format, LOCAL_WAV);
	json_decref(j);

	static const struct { const char *options; bool ok; int wpm; const char *voice; int format; } cases[] = {
		{ "{\"speed\":0.5}", true, 88, "en", LOCAL_WAV },
		{ "{\"speed\":2}", true, 350, "en", LOCAL_WAV },
		{ "{\"speed\":1.2,\"voice\":\"en-us\",\"format\":\"MP3\"}", true, 210, "en-us", LOCAL_MP3 },
		{ "{\"voice\":\"en+f3\",\"format\":\"wav\"}", true, 175, "en+f3", LOCAL_WAV },
		{ "{\"speed\":0.4}", false, 0, NULL, 0 },
		{ "{\"speed\":2.01}", false, 0, NULL, 0 },
		{ "{\"speed\":\"fast\"}", false, 0, NULL, 0 },
		{ "{\"voice\":\"-w/etc/passwd\"}", false, 0, NULL, 0 },
		{ "{\"voice\":\"../en\"}", false, 0, NULL, 0 },
		{ "{\"voice\":\"\"}", false, 0, NULL, 0 },
		{ "{\"voice\":7}", false, 0, NULL, 0 },
		{ "{\"format\":\"ogg\"}", false, 0, NULL, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char text[256];
		snprintf(text, sizeof text, "{\"id\":\"gen_1\",\"options\":%s}", cases[i].options);
		j = job_json(text);
		assert_true(provider_job_decode(j, &job));
		bool ok = local_parse_options(&job, &o, err, sizeof err);
		if (ok != cases[i].ok)
			fail_msg("case %zu (%s): expected %d", i, cases[i].options, cases[i].ok);
		if (ok) {
			assert_int_equal(o.wpm, cases[i].wpm);
			assert_string_equal(o.voice, cases[i].voice);
			assert_int_equal(o.format, cases[i].format);
		} else {
			assert_true(strlen(err) > 10);
		}
		json_decref(j);
	}
}

static void text_and_id_checks(void **state)
{
	(void)state;
	struct job job;
	char err[256];
	json_t *j = job_json("{\"id\":\"gen_1\",\"input\":{\"text\":\"  \\n\"}}");
	provider_job_decode(j, &job);
	assert_null(local_job_text(&job, err, sizeof err));
	json_decref(j);
	j = job_json("{\"id\":\"gen_1\"}");
	provider_job_decode(j, &job);
	assert_null(local_job_text(&job, err, sizeof err));
	json_decref(j);
	j = job_json("{\"id\":\"gen_1\",\"input\":{\"text\":\"--help me\"}}");
	provider_job_decode(j, &job);
	assert_string_equal(local_job_text(&job, err, sizeof err), "--help me");
	json_decref(j);

	assert_true(provider_valid_id("gen_0123abcd"));
	assert_false(provider_valid_id(""));
	assert_false(provider_valid_id(NULL));
	assert_false(provider_valid_id("../gen"));
	assert_false(provider_valid_id("gen 1"));
	assert_false(provider_valid_id(".hidden"));
}

static void argv_building(void **state)
{
	(void)state;
	struct local_options o = { .voice = "de", .wpm = 263, .wpm_text = "263", .format = LOCAL_WAV };
	const char *argv[LOCAL_ARGV_MAX];
	size_t n = local_espeak_argv("/usr/bin/espeak-ng", &o, "/m/.gen_1.tmp.wav", argv);
	assert_true(n < LOCAL_ARGV_MAX);
	assert_null(argv[n]);
	assert_string_equal(argv[0], "/usr/bin/espeak-ng");
	assert_string_equal(argv[n - 1], "--stdin");
	bool saw_voice = false, saw_speed = false, saw_out = false;
	for (size_t i = 1; i + 1 < n; i++) {
		saw_voice |= !strcmp(argv[i], "-v") && !strcmp(argv[i + 1], "de");
		saw_speed |= !strcmp(argv[i], "-s") && !strcmp(argv[i + 1], "263");
		saw_out |= !strcmp(argv[i], "-w") && !strcmp(argv[i + 1], "/m/.gen_1.tmp.wav");
	}
	assert_true(saw_voice && saw_speed && saw_out);

	n = local_ffmpeg_argv("ffmpeg", "in.wav", "out.mp3", argv);
	assert_null(argv[n]);
	assert_string_equal(argv[n - 1], "out.mp3");
	bool saw_codec = false;
	for (size_t i = 1; i + 1 < n; i++)
		saw_codec |= !strcmp(argv[i], "-codec:a") && !strcmp(argv[i + 1], "libmp3lame");
	assert_true(saw_codec);
}

static void spawn_basics(void **state)
{
	(void)state;
	struct spawn_result r;
	const char *cat[] = { "cat", NULL };
	assert_true(spawn_run(cat, "-n hello", 8, 5, &r));
	assert_string_equal(r.output, "-n hello");

	const char *missing[] = { "/nonexistent/doitong-no-such-program", NULL };
	assert_false(spawn_run(missing, NULL, 0, 5, &r));
	assert_int_equal(r.status, SPAWN_NOT_FOUND);

	const char *sleeper[] = { "sleep", "10", NULL };
	assert_false(spawn_run(sleeper, NULL, 0, 1, &r));
	assert_int_equal(r.status, SPAWN_TIMED_OUT);

	const char *false_[] = { "false", NULL };
	assert_false(spawn_run(false_, NULL, 0, 5, &r));
	assert_int_equal(r.status, SPAWN_EXITED);
	assert_int_equal(r.exit_code, 1);
}

struct fixture {
	char dir[64];
	struct config cfg;
	struct arena *arena;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/doitong-test-local.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	f->cfg.media_dir = f->dir;
	f->cfg.media_url = "http://media.test/m/";
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
	assert_int_equal(arena_pending_defers(f->arena), 0);
	arena_free(f->arena);
	char path[128];
	const char *names[] = { "gen_test1.wav", "gen_test2.mp3" };
	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "%s/%s", f->dir, names[i]);
		unlink(path);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static void run_job(struct fixture *f, const char *json, struct provider_outcome *out)
{
	json_t *j = job_json(json);
	arena_defer(f->arena, (void (*)(void *))json_decref, j);
	struct job job;
	assert_true(provider_job_decode(j, &job));
	struct provider_ctx ctx = { &f->cfg, f->arena, NULL };
	const struct provider_adapter *ad = provider_find("local");
	assert_non_null(ad);
	ad->submit(&job, &ctx, out);
}

static void espeak_real_run(void **state)
{
	struct fixture *f = *state;
	struct provider_outcome out;
	run_job(f, "{\"id\":\"gen_test1\",\"type\":\"AUDIO\",\"status\":\"PENDING\","
		   "\"input\":{\"text\":\"-v Hello from Doitong.\"},\"options\":{\"speed\":1.5}}", &out);
	if (out.kind == PROVIDER_FAILED)
		fail_msg("espeak-ng run failed: %s", out.message);
	assert_int_equal(out.kind, PROVIDER_COMPLETED);
	assert_string_equal(out.url, "http://media.test/m/gen_test1.wav");
	struct stat st;
	assert_int_equal(stat(out.path, &st), 0);
	struct wav_info w;
	assert_true(wav_read_file(out.path, &w, NULL));
	assert_true(w.duration > 0.3 && w.duration < 10);
	assert_int_equal(json_integer_value(json_object_get(out.metadata, "sizeBytes")), st.st_size);
	assert_string_equal(json_string_value(json_object_get(out.metadata, "format")), "wav");
	assert_true(json_real_value(json_object_get(out.metadata, "duration")) > 0.3);

	/* No temporary file is left behind. */
	char cmd[160];
	snprintf(cmd, sizeof cmd, "test -z \"$(ls -A %s | grep -v '^gen_test1.wav$')\"", f->dir);
	assert_int_equal(system(cmd), 0);
}

static void mp3_or_clear_failure(void **state)
{
	struct fixture *f = *state;
	struct provider_outcome out;
	run_job(f, "{\"id\":\"gen_test2\",\"type\":\"AUDIO\",\"status\":\"PENDING\","
		   "\"input\":{\"text\":\"mp3 please\"},\"options\":{\"format\":\"mp3\"}}", &out);
	if (system("command -v ffmpeg >/dev/null 2>&1") == 0) {
		if (out.kind == PROVIDER_FAILED)
			fail_msg("mp3 failed: %s", out.message);
		assert_int_equal(out.kind, PROVIDER_COMPLETED);
		assert_string_equal(json_string_value(json_object_get(out.metadata, "format")), "mp3");
		struct stat st;
		assert_int_equal(stat(out.path, &st), 0);
		assert_int_equal(json_integer_value(json_object_get(out.metadata, "sizeBytes")), st.st_size);
	} else {
		assert_int_equal(out.kind, PROVIDER_FAILED);
		assert_non_null(strstr(out.message, "ffmpeg"));
	}
}

static void failures_are_clear(void **state)
{
	struct fixture *f = *state;
	struct provider_outcome out;
	run_job(f, "{\"id\":\"gen_v\",\"type\":\"VIDEO\",\"input\":{\"text\":\"x\"}}", &out);
	assert_int_equal(out.kind, PROVIDER_FAILED);
	assert_int_equal(out.code, API_ERR_GENERATION_FAILED);
	assert_non_null(strstr(out.message, "AUDIO only"));

	f->cfg.espeak_bin = "/nonexistent/espeak-ng";
	run_job(f, "{\"id\":\"gen_x\",\"type\":\"AUDIO\",\"input\":{\"text\":\"x\"}}", &out);
	f->cfg.espeak_bin = "espeak-ng";
	assert_int_equal(out.kind, PROVIDER_FAILED);
	assert_non_null(strstr(out.message, "not installed"));

	run_job(f, "{\"id\":\"gen_y\",\"type\":\"AUDIO\",\"input\":{\"text\":\"x\"},"
		   "\"options\":{\"speed\":9}}", &out);
	assert_int_equal(out.kind, PROVIDER_FAILED);
	assert_non_null(strstr(out.message, "speed"));
}

int main(void)
{
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(wav_valid),
		cmocka_unit_test(wav_clamps_streamed_size),
		cmocka_unit_test(wav_skips_odd_chunks),
		cmocka_unit_test(wav_rejects_garbage),
		cmocka_unit_test(options_defaults_and_limits),
		cmocka_unit_test(text_and_id_checks),
		cmocka_unit_test(argv_building),
		cmocka_unit_test(spawn_basics),
	};
	const struct CMUnitTest real[] = {
		cmocka_unit_test_setup_teardown(espeak_real_run, setup, teardown),
		cmocka_unit_test_setup_teardown(mp3_or_clear_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(failures_are_clear, setup, teardown),
	};
	int failed = cmocka_run_group_tests_name("local provider (pure)", pure, NULL, NULL);
	failed += cmocka_run_group_tests_name("local provider (espeak-ng)", real, NULL, NULL);
	return failed ? 1 : 0;
}
