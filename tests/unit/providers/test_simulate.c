/*
 * test_simulate.c - test mode's simulate adapter: triggers, the schedule
 * (outcome by recorded progress and elapsed seconds), the WAV tone, the
 * files stored in a temporary media directory, and the sample metadata
 * table against ffprobe's view of share/samples (SRCDIR). The ffprobe
 * comparison is skipped, with a note, only when ffprobe is not installed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/arena.h"
#include "common/config.h"
#include "providers/provider.h"
#include "providers/simulate.h"
#include "providers/spawn.h"
#include "providers/wav.h"

#define SAMPLES SRCDIR "/share/samples"

struct fixture {
	struct arena *arena;
	struct config cfg;
	struct provider_ctx ctx;
	char dir[64];
};

static int setup(void **state)
{
	static struct fixture f;
	memset(&f, 0, sizeof f);
	f.arena = arena_new(4096);
	snprintf(f.dir, sizeof f.dir, "/tmp/doitong-test-sim-XXXXXX");
	assert_non_null(mkdtemp(f.dir));
	f.cfg.media_dir = f.dir;
	f.cfg.media_url = "http://127.0.0.1:8480/media/";
	f.cfg.samples_dir = SAMPLES;
	f.ctx.cfg = &f.cfg;
	f.ctx.arena = f.arena;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	arena_reset(f->arena);
	assert_int_equal(arena_pending_defers(f->arena), 0);
	arena_free(f->arena);
	assert_int_equal(rmdir(f->dir), 0); /* each test removes what it made */
	return 0;
}

/* Decodes text into *job; the JSON is owned by the fixture's arena. */
static void make_job(struct fixture *f, const char *text, struct job *job)
{
	json_t *j = json_loads(text, 0, NULL);
	assert_non_null(j);
	arena_defer(f->arena, (void (*)(void *))json_decref, j);
	assert_true(provider_job_decode(j, job));
}

static void triggers(void **state)
{
	struct fixture *f = *state;
	struct job job;
	make_job(f, "{\"id\":\"g\"}", &job);
	assert_int_equal(simulate_trigger(&job), SIM_NORMAL);
	make_job(f, "{\"id\":\"g\",\"input\":{\"text\":\"a red fox\"}}", &job);
	assert_int_equal(simulate_trigger(&job), SIM_NORMAL);
	make_job(f, "{\"id\":\"g\",\"input\":{\"text\":\"fail without brackets\"}}", &job);
	assert_int_equal(simulate_trigger(&job), SIM_NORMAL);
	make_job(f, "{\"id\":\"g\",\"input\":{\"text\":\"a red fox [fail]\"}}", &job);
	assert_int_equal(simulate_trigger(&job), SIM_FAIL);
	make_job(f, "{\"id\":\"g\",\"input\":{\"text\":\"[FAIL] loudly\"}}", &job);
	assert_int_equal(simulate_trigger(&job), SIM_FAIL);
	make_job(f, "{\"id\":\"g\",\"input\":{\"text\":\"take it [slow]\"}}", &job);
	assert_int_equal(simulate_trigger(&job), SIM_SLOW);
	make_job(f, "{\"id\":\"g\",\"input\":{\"text\":\"[slow] then [fail]\"}}", &job);
	assert_int_equal(simulate_trigger(&job), SIM_FAIL);
	make_job(f, "{\"id\":\"g\",\"input\":{\"text\":\"now [Instant]\"}}", &job);
	assert_int_equal(simulate_trigger(&job), SIM_INSTANT);
	make_job(f, "{\"id\":\"g\",\"input\":{\"text\":\"[instant] but [slow]\"}}", &job);
	assert_int_equal(simulate_trigger(&job), SIM_SLOW);
	make_job(f, "{\"id\":\"g\",\"input\":{\"text\":42}}", &job);
	assert_int_equal(simulate_trigger(&job), SIM_NORMAL);
}

static void decide_normal_and_fail(void **state)
{
	(void)state;
	struct sim_decision d;
	/* on time; elapsed may read 1 s high (whole-second clocks) */
	for (int skew = 0; skew <= 1; skew++) {
		simulate_decide(SIM_NORMAL, 0, 1 + skew, &d);
		assert_int_equal(d.action, SIM_RUN);
		assert_int_equal(d.progress, 35);
		assert_int_equal(d.next_poll_seconds, 1);
		simulate_decide(SIM_NORMAL, 35, 2 + skew, &d);
		assert_int_equal(d.action, SIM_RUN);
		assert_int_equal(d.progress, 70);
		simulate_decide(SIM_NORMAL, 70, 3 + skew, &d);
		assert_int_equal(d.action, SIM_COMPLETE);
	}
	/* startedAt unknown: progress alone drives it */
	simulate_decide(SIM_NORMAL, 0, -1, &d);
	assert_int_equal(d.progress, 35);
	simulate_decide(SIM_NORMAL, 70, -1, &d);
	assert_int_equal(d.action, SIM_COMPLETE);
	/* polled late (a 10 s provider interval, a stopped scheduler): catch up */
	simulate_decide(SIM_NORMAL, 0, 10, &d);
	assert_int_equal(d.action, SIM_COMPLETE);
	simulate_decide(SIM_NORMAL, 0, 3, &d);
	assert_int_equal(d.action, SIM_RUN);
	assert_int_equal(d.progress, 70);
	/* [fail]: the first poll fails, whatever the clock */
	simulate_decide(SIM_FAIL, 0, 1, &d);
	assert_int_equal(d.action, SIM_FAIL_NOW);
	simulate_decide(SIM_FAIL, 0, 500, &d);
	assert_int_equal(d.action, SIM_FAIL_NOW);
}

static void decide_slow(void **state)
{
	(void)state;
	struct sim_decision d;
	simulate_decide(SIM_SLOW, 0, 2, &d);
	assert_int_equal(d.action, SIM_RUN);
	assert_int_equal(d.progress, 10);
	assert_int_equal(d.next_poll_seconds, 2);
	simulate_decide(SIM_SLOW, 80, 18, &d);
	assert_int_equal(d.progress, 90);
	simulate_decide(SIM_SLOW, 90, 20, &d);
	assert_int_equal(d.action, SIM_COMPLETE);
	/* first polled after a 10 s provider interval: joins the schedule */
	simulate_decide(SIM_SLOW, 0, 10, &d);
	assert_int_equal(d.action, SIM_RUN);
	assert_int_equal(d.progress, 40);
}

/* Drives a whole job on a simulated clock: each poll comes exactly when
 * asked (plus the whole-second skew), progress strictly rises, and the job
 * completes at the documented time. */
static int finish_time(enum sim_trigger t, int skew)
{
	int clock = 1, progress = 0, polls = 0; /* submit at 0, first poll after 1 s */
	for (;;) {
		struct sim_decision d;
		simulate_decide(t, progress, clock + skew, &d);
		polls++;
		assert_true(polls < 100);
		if (d.action != SIM_RUN)
			return d.action == SIM_COMPLETE ? clock : -clock;
		assert_true(d.progress > progress);
		assert_true(d.progress <= 99);
		progress = d.progress;
		clock += d.next_poll_seconds;
	}
}

static void schedules_end_on_time(void **state)
{
	(void)state;
	for (int skew = 0; skew <= 1; skew++) {
		assert_int_equal(finish_time(SIM_NORMAL, skew), 3);
		assert_int_equal(finish_time(SIM_SLOW, skew), 19); /* 1 + 9 polls x 2 s */
		assert_int_equal(finish_time(SIM_FAIL, skew), -1);
	}
}

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int16_t sample_at(const unsigned char *b, size_t i)
{
	const unsigned char *p = b + WAV_TONE_HEADER + 2 * i;
	return (int16_t)(uint16_t)(p[0] | p[1] << 8);
}

static void wav_tone_header_and_length(void **state)
{
	(void)state;
	size_t len = 0;
	unsigned char *b = wav_tone(SIM_TONE_RATE, SIM_TONE_SAMPLES, SIM_TONE_HZ,
				    SIM_TONE_AMPLITUDE, &len);
	assert_non_null(b);
	assert_int_equal(len, 44 + 2 * 22050);
	assert_memory_equal(b, "RIFF", 4);
	assert_int_equal(rd32(b + 4), len - 8);
	assert_memory_equal(b + 8, "WAVEfmt ", 8);
	assert_int_equal(rd32(b + 16), 16);
	assert_memory_equal(b + 36, "data", 4);
	assert_int_equal(rd32(b + 40), 2 * 22050);

	struct wav_info w;
	const char *why = NULL;
	assert_true(wav_parse(b, len, len, &w, &why));
	assert_int_equal(w.audio_format, 1);
	assert_int_equal(w.channels, 1);
	assert_int_equal(w.sample_rate, 22050);
	assert_int_equal(w.bits_per_sample, 16);
	assert_int_equal(w.block_align, 2);
	assert_int_equal(w.data_size, 44100);
	assert_true(fabs(w.duration - 1.0) < 1e-9);

	/* silent ends, a real tone in between, never clipped */
	assert_int_equal(sample_at(b, 0), 0);
	assert_int_equal(sample_at(b, 22049), 0);
	int peak = 0;
	for (size_t i = 0; i < 22050; i++) {
		int v = abs(sample_at(b, i));
		if (v > peak)
			peak = v;
	}
	assert_true(peak > 9000 && peak <= 9831); /* 0.3 of full scale */

	/* deterministic */
	size_t len2 = 0;
	unsigned char *b2 = wav_tone(SIM_TONE_RATE, SIM_TONE_SAMPLES, SIM_TONE_HZ,
				     SIM_TONE_AMPLITUDE, &len2);
	assert_int_equal(len2, len);
	assert_memory_equal(b, b2, len);
	free(b2);
	free(b);

	assert_null(wav_tone(0, 100, 440, 0.5, &len));
	assert_null(wav_tone(22050, 0, 440, 0.5, &len));
	assert_null(wav_tone(22050, WAV_TONE_MAX_SAMPLES + 1, 440, 0.5, &len));
	assert_null(wav_tone(22050, 100, 440, 0.0, &len));
}

static void submit_gives_task_id(void **state)
{
	struct fixture *f = *state;
	struct job job;
	struct provider_outcome out;
	make_job(f, "{\"id\":\"gen_ab12\",\"type\":\"VIDEO\",\"status\":\"PENDING\",\"testMode\":true}",
		 &job);
	provider_simulate.submit(&job, &f->ctx, &out);
	assert_int_equal(out.kind, PROVIDER_SUBMITTED);
	assert_string_equal(out.task_id, "sim_gen_ab12");

	make_job(f, "{\"id\":\"../etc\",\"type\":\"VIDEO\",\"status\":\"PENDING\"}", &job);
	provider_simulate.submit(&job, &f->ctx, &out);
	assert_int_equal(out.kind, PROVIDER_FAILED);

	/* [instant]: the result is stored at submit; twice is harmless (the
	 * hard link is replaced, no temporary file stays) */
	make_job(f, "{\"id\":\"gen_in1\",\"type\":\"VIDEO\",\"status\":\"PENDING\",\"testMode\":true,"
		 "\"input\":{\"text\":\"go [instant]\"}}", &job);
	for (int i = 0; i < 2; i++) {
		provider_simulate.submit(&job, &f->ctx, &out);
		assert_int_equal(out.kind, PROVIDER_COMPLETED);
		assert_non_null(out.path);
		assert_int_equal(json_integer_value(json_object_get(out.metadata, "width")), 320);
	}
	assert_int_equal(unlink(out.path), 0);
	assert_true(provider_simulate.offline);
	assert_ptr_equal(provider_find("simulate"), &provider_simulate);
}

static void poll_running_and_failing(void **state)
{
	struct fixture *f = *state;
	struct job job;
	struct provider_outcome out;
	make_job(f, "{\"id\":\"gen_1\",\"type\":\"IMAGE\",\"status\":\"PROCESSING\","
		    "\"progress\":35}", &job);
	provider_simulate.poll(&job, &f->ctx, &out);
	assert_int_equal(out.kind, PROVIDER_RUNNING);
	assert_int_equal(out.progress, 70);
	assert_int_equal(out.next_poll_seconds, 1);

	make_job(f, "{\"id\":\"gen_1\",\"type\":\"IMAGE\",\"status\":\"PROCESSING\","
		    "\"input\":{\"text\":\"x [fail]\"}}", &job);
	provider_simulate.poll(&job, &f->ctx, &out);
	assert_int_equal(out.kind, PROVIDER_FAILED);
	assert_int_equal(out.code, API_ERR_GENERATION_FAILED);
	assert_string_equal(out.message, SIM_FAIL_MESSAGE);

	/* started an hour ago: late polls complete at once (here: no sample type) */
	make_job(f, "{\"id\":\"gen_1\",\"type\":\"MUSIC\",\"status\":\"PROCESSING\","
		    "\"startedAt\":\"2020-01-01T00:00:00Z\"}", &job);
	provider_simulate.poll(&job, &f->ctx, &out);
	assert_int_equal(out.kind, PROVIDER_FAILED);
	assert_non_null(strstr(out.message, "no sample result for type MUSIC"));
}

static long long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) ? -1 : (long long)st.st_size;
}

/* Runs the completing poll for type; returns the outcome (arena-owned). */
static void complete(struct fixture *f, const char *type, struct provider_outcome *out)
{
	struct job job;
	const char *text = arena_printf(f->arena, "{\"id\":\"gen_%s\",\"type\":\"%s\","
				       "\"status\":\"PROCESSING\",\"progress\":70}", type, type);
	make_job(f, text, &job);
	provider_simulate.poll(&job, &f->ctx, out);
	assert_int_equal(out->kind, PROVIDER_COMPLETED);
	assert_non_null(out->path);
	assert_non_null(out->metadata);
	assert_string_equal(out->task_id, arena_printf(f->arena, "sim_gen_%s", type));
	assert_int_equal(json_integer_value(json_object_get(out->metadata, "sizeBytes")),
			 file_size(out->path));
}

static void audio_result_is_the_tone(void **state)
{
	struct fixture *f = *state;
	struct provider_outcome out;
	complete(f, "AUDIO", &out);
	assert_string_equal(out.url, "http://127.0.0.1:8480/media/gen_AUDIO.wav");
	assert_string_equal(out.path, arena_printf(f->arena, "%s/gen_AUDIO.wav", f->dir));
	assert_int_equal(file_size(out.path), 44144);
	struct wav_info w;
	assert_true(wav_read_file(out.path, &w, NULL));
	assert_true(fabs(w.duration - 1.0) < 1e-9);
	json_t *m = out.metadata;
	assert_true(fabs(json_number_value(json_object_get(m, "duration")) - 1.0) < 1e-9);
	assert_string_equal(json_string_value(json_object_get(m, "format")), "wav");
	assert_null(json_object_get(m, "width"));
	assert_int_equal(unlink(out.path), 0);
}

static void image_and_video_results_are_samples(void **state)
{
	struct fixture *f = *state;
	static const char *const types[] = { "IMAGE", "VIDEO", "AVATAR" };
	for (size_t i = 0; i < 3; i++) {
		struct provider_outcome out;
		const struct sim_sample *s = simulate_sample(types[i]);
		assert_non_null(s);
		complete(f, types[i], &out);
		assert_string_equal(out.url, arena_printf(f->arena, "http://127.0.0.1:8480/media/gen_%s.%s",
							  types[i], s->ext));
		const char *src = arena_printf(f->arena, "%s/%s", SAMPLES, s->file);
		assert_int_equal(file_size(out.path), file_size(src));
		json_t *m = out.metadata;
		assert_int_equal(json_integer_value(json_object_get(m, "width")), s->width);
		assert_int_equal(json_integer_value(json_object_get(m, "height")), s->height);
		assert_string_equal(json_string_value(json_object_get(m, "format")), s->format);
		assert_string_equal(json_string_value(json_object_get(m, "resolution")), s->resolution);
		assert_int_equal(unlink(out.path), 0);
	}
	assert_null(simulate_sample("AUDIO"));
	assert_null(simulate_sample(NULL));
}

static void missing_sample_fails_cleanly(void **state)
{
	struct fixture *f = *state;
	struct job job;
	struct provider_outcome out;
	f->cfg.samples_dir = "/nonexistent/samples";
	make_job(f, "{\"id\":\"gen_m\",\"type\":\"VIDEO\",\"status\":\"PROCESSING\","
		    "\"progress\":70}", &job);
	provider_simulate.poll(&job, &f->ctx, &out);
	assert_int_equal(out.kind, PROVIDER_FAILED);
	assert_string_equal(out.message, "The server could not store the test-mode result.");
	/* teardown's rmdir proves no temporary file was left */
}

/* PNG's IHDR: the table holds even without ffprobe. */
static void png_header_matches_table(void **state)
{
	(void)state;
	const struct sim_sample *s = simulate_sample("IMAGE");
	char path[512];
	snprintf(path, sizeof path, "%s/%s", SAMPLES, s->file);
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	unsigned char b[24];
	assert_int_equal(fread(b, 1, sizeof b, fp), sizeof b);
	fclose(fp);
	assert_memory_equal(b, "\x89PNG\r\n\x1a\n", 8);
	assert_memory_equal(b + 12, "IHDR", 4);
	uint32_t w = (uint32_t)b[16] << 24 | (uint32_t)b[17] << 16 | (uint32_t)b[18] << 8 | b[19];
	uint32_t h = (uint32_t)b[20] << 24 | (uint32_t)b[21] << 16 | (uint32_t)b[22] << 8 | b[23];
	assert_int_equal(w, s->width);
	assert_int_equal(h, s->height);
}

/* ffprobe's JSON for path (a new reference), or NULL when ffprobe is absent. */
static json_t *ffprobe(const char *path)
{
	const char *argv[] = {
		"ffprobe", "-v", "error", "-of", "json=compact=1", "-show_entries",
		"stream=codec_type,codec_name,pix_fmt,width,height,avg_frame_rate,sample_rate,channels"
		":format=format_name,duration,size",
		path, NULL
	};
	struct spawn_result res;
	bool ok = spawn_run(argv, NULL, 0, 30, &res);
	if (!ok && res.status == SPAWN_NOT_FOUND)
		return NULL;
	if (!ok)
		fail_msg("ffprobe %s: %s", path, res.output);
	json_error_t jerr;
	json_t *j = json_loads(res.output, 0, &jerr);
	if (!j)
		fail_msg("ffprobe %s: unreadable JSON (%s): %s", path, jerr.text, res.output);
	return j;
}

static json_t *stream_of(json_t *probe, const char *codec_type)
{
	size_t i;
	json_t *st;
	json_array_foreach(json_object_get(probe, "streams"), i, st)
		if (!strcmp(json_string_value(json_object_get(st, "codec_type")), codec_type))
			return st;
	return NULL;
}

static double ratio(const char *r)
{
	int num = 0, den = 0;
	if (!r || sscanf(r, "%d/%d", &num, &den) != 2 || den == 0)
		return 0;
	return (double)num / den;
}

static void sample_table_matches_ffprobe(void **state)
{
	struct fixture *f = *state;
	static const char *const types[] = { "IMAGE", "VIDEO", "AVATAR" };
	for (size_t i = 0; i < 3; i++) {
		const struct sim_sample *s = simulate_sample(types[i]);
		const char *path = arena_printf(f->arena, "%s/%s", SAMPLES, s->file);
		json_t *p = ffprobe(path);
		if (!p) {
			printf("note: ffprobe is not installed; sample metadata not compared with it\n");
			return;
		}
		json_t *fmt = json_object_get(p, "format");
		json_t *v = stream_of(p, "video");
		assert_non_null(v);
		assert_int_equal(json_integer_value(json_object_get(v, "width")), s->width);
		assert_int_equal(json_integer_value(json_object_get(v, "height")), s->height);
		assert_string_equal(s->resolution, arena_printf(f->arena, "%dp", s->height));
		const char *names = json_string_value(json_object_get(fmt, "format_name"));
		assert_non_null(names);
		assert_non_null(strstr(names, s->format));
		assert_int_equal(strtoll(json_string_value(json_object_get(fmt, "size")), NULL, 10),
				 file_size(path));
		if (!strcmp(s->format, "mp4")) {
			assert_string_equal(json_string_value(json_object_get(v, "codec_name")), "h264");
			assert_string_equal(json_string_value(json_object_get(v, "pix_fmt")), "yuv420p");
			double dur = strtod(json_string_value(json_object_get(fmt, "duration")), NULL);
			assert_true(fabs(dur - s->duration) < 0.05);
			assert_true(fabs(ratio(json_string_value(json_object_get(v, "avg_frame_rate"))) -
					 s->fps) < 0.01);
			json_t *a = stream_of(p, "audio"); /* a silent track, as avatars have */
			assert_non_null(a);
			assert_string_equal(json_string_value(json_object_get(a, "codec_name")), "aac");
			assert_true(file_size(path) < 100 * 1024);
		} else {
			assert_string_equal(json_string_value(json_object_get(v, "codec_name")), "png");
			assert_true(s->duration == 0 && s->fps == 0);
		}
		json_decref(p);
	}
}

/* The tone as stored, seen by ffprobe. */
static void tone_matches_ffprobe(void **state)
{
	struct fixture *f = *state;
	struct provider_outcome out;
	complete(f, "AUDIO", &out);
	json_t *p = ffprobe(out.path);
	if (!p) {
		printf("note: ffprobe is not installed; the WAV tone not compared with it\n");
		unlink(out.path);
		return;
	}
	json_t *a = stream_of(p, "audio");
	assert_non_null(a);
	assert_string_equal(json_string_value(json_object_get(a, "codec_name")), "pcm_s16le");
	assert_string_equal(json_string_value(json_object_get(a, "sample_rate")), "22050");
	assert_int_equal(json_integer_value(json_object_get(a, "channels")), 1);
	json_t *fmt = json_object_get(p, "format");
	assert_string_equal(json_string_value(json_object_get(fmt, "format_name")), "wav");
	double dur = strtod(json_string_value(json_object_get(fmt, "duration")), NULL);
	assert_true(fabs(dur - json_number_value(json_object_get(out.metadata, "duration"))) < 0.001);
	assert_int_equal(strtoll(json_string_value(json_object_get(fmt, "size")), NULL, 10),
			 json_integer_value(json_object_get(out.metadata, "sizeBytes")));
	json_decref(p);
	assert_int_equal(unlink(out.path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(triggers, setup, teardown),
		cmocka_unit_test_setup_teardown(decide_normal_and_fail, setup, teardown),
		cmocka_unit_test_setup_teardown(decide_slow, setup, teardown),
		cmocka_unit_test_setup_teardown(schedules_end_on_time, setup, teardown),
		cmocka_unit_test_setup_teardown(wav_tone_header_and_length, setup, teardown),
		cmocka_unit_test_setup_teardown(submit_gives_task_id, setup, teardown),
		cmocka_unit_test_setup_teardown(poll_running_and_failing, setup, teardown),
		cmocka_unit_test_setup_teardown(audio_result_is_the_tone, setup, teardown),
		cmocka_unit_test_setup_teardown(image_and_video_results_are_samples, setup, teardown),
		cmocka_unit_test_setup_teardown(missing_sample_fails_cleanly, setup, teardown),
		cmocka_unit_test_setup_teardown(png_header_matches_table, setup, teardown),
		cmocka_unit_test_setup_teardown(sample_table_matches_ffprobe, setup, teardown),
		cmocka_unit_test_setup_teardown(tone_matches_ffprobe, setup, teardown),
	};
	return cmocka_run_group_tests_name("providers simulate", tests, NULL, NULL);
}
