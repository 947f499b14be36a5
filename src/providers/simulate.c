/*
 * simulate.c - test mode's simulated execution (SPEC §3). Every job created
 * with a dt_test_ key runs here, whatever its provider or type (run.c); no
 * upstream and no real adapter (not even local) is called.
 *
 *   submit   PENDING -> PROCESSING, upstream task id "sim_<generation id>",
 *            first poll after 1 s (when the SQL schedules test-mode polls so).
 *   polls    every 1 s, progress 35 then 70; the 3rd poll (about 3 s after
 *            submit) COMPLETES with a real file in media_dir as <id>.<ext>:
 *              AUDIO          <id>.wav  1.0 s 440 Hz tone, 16-bit mono
 *                             22050 Hz, written here: {duration 1, format wav}
 *              IMAGE          <id>.png  copy of samples_dir/sample-image.png:
 *                             {width 256, height 144, format png, resolution 144p}
 *              VIDEO, AVATAR  <id>.mp4  copy of samples_dir/sample-video.mp4:
 *                             H.264 + silent AAC, {width 320, height 180,
 *                             duration 2, fps 24, format mp4, resolution 180p}
 *            plus sizeBytes, the stored file's size. Options (duration,
 *            format, resolution...) are accepted and priced as usual but do
 *            not change the sample.
 *   triggers in input.text (the prompt; videoCreate's prompt too),
 *            case-insensitive:
 *              [fail]  the first poll (about 1 s) FAILS with GENERATION_FAILED,
 *                      "Simulated failure: the prompt contains [fail]."; the
 *                      reserved credits are released. Wins over [slow].
 *              [slow]  polls every 2 s, progress 10, 20 ... 90, COMPLETED on
 *                      the 10th poll (about 20 s): time to test polling and
 *                      cancelGeneration.
 *              [instant] COMPLETED at submit, in one transition: what the
 *                      scheduler benchmark pushes through (bench/scheduler).
 *   cancel   a job cancelled meanwhile is never polled again; if it is
 *            cancelled while its file is being stored, run.c deletes the
 *            file when job_complete answers {"cancelled":true}.
 * Deterministic: the poll number is progress / step + 1, so results depend
 * only on the prompt and the recorded progress; a scheduler that polls late
 * catches up from startedAt instead of stretching the schedule. Never sleeps.
 * Files are written under a temporary name and renamed, so a half-written
 * result is never served. A sample is hard-linked when the file system
 * allows (results are never modified in place), else copied.
 */
#include "providers/simulate.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "providers/wav.h"

static const struct sim_plan plans[] = {
	[SIM_NORMAL] = { 1, 35, 3 },
	[SIM_FAIL] = { 1, 35, 3 },
	[SIM_SLOW] = { 2, 10, 10 },
	[SIM_INSTANT] = { 1, 100, 0 },  /* completes at submit */
};

/* Read once with ffprobe when the files were made (share/samples/README.md);
 * tests/unit/providers/test_simulate.c checks them against ffprobe. */
static const struct sim_sample samples[] = {
	{ "IMAGE", "sample-image.png", "png", "png", 256, 144, 0.0, 0.0, "144p" },
	{ "VIDEO", "sample-video.mp4", "mp4", "mp4", 320, 180, 2.0, 24.0, "180p" },
	{ "AVATAR", "sample-video.mp4", "mp4", "mp4", 320, 180, 2.0, 24.0, "180p" },
};

enum sim_trigger simulate_trigger(const struct job *job)
{
	json_t *t = json_object_get(job->input, "text");
	const char *text = json_is_string(t) ? json_string_value(t) : NULL;
	if (!text)
		return SIM_NORMAL;
	if (strcasestr(text, SIM_TRIGGER_FAIL))
		return SIM_FAIL;
	if (strcasestr(text, SIM_TRIGGER_SLOW))
		return SIM_SLOW;
	if (strcasestr(text, SIM_TRIGGER_INSTANT))
		return SIM_INSTANT;
	return SIM_NORMAL;
}

const struct sim_plan *simulate_plan(enum sim_trigger t)
{
	switch (t) {
	case SIM_NORMAL:
	case SIM_FAIL:
	case SIM_SLOW:
	case SIM_INSTANT:
		return &plans[t];
	}
	return &plans[SIM_NORMAL];
}

void simulate_decide(enum sim_trigger t, int progress, long long elapsed_seconds,
		     struct sim_decision *d)
{
	const struct sim_plan *p = simulate_plan(t);
	memset(d, 0, sizeof *d);
	if (t == SIM_FAIL) {
		d->action = SIM_FAIL_NOW;
		return;
	}
	long long poll = (progress > 0 ? progress / p->progress_step : 0) + 1;
	/* startedAt and now are whole seconds, so elapsed may read up to 1 s
	 * high: subtracting 1 never runs ahead of an on-time schedule. */
	if (elapsed_seconds > 1) {
		long long due = (elapsed_seconds - 1) / p->interval_seconds;
		if (due > poll)
			poll = due;
	}
	if (poll >= p->polls) {
		d->action = SIM_COMPLETE;
		return;
	}
	d->action = SIM_RUN;
	d->progress = (int)poll * p->progress_step;
	if (d->progress > 99)
		d->progress = 99;
	d->next_poll_seconds = p->interval_seconds;
}

const struct sim_sample *simulate_sample(const char *type)
{
	if (!type)
		return NULL;
	for (size_t i = 0; i < ARRAY_LEN(samples); i++)
		if (!strcmp(samples[i].type, type))
			return &samples[i];
	return NULL;
}

json_t *simulate_sample_metadata(const struct sim_sample *s, long long size_bytes)
{
	json_t *m = json_object();
	json_object_set_new(m, "width", json_integer(s->width));
	json_object_set_new(m, "height", json_integer(s->height));
	if (s->duration > 0)
		json_object_set_new(m, "duration", json_real(s->duration));
	if (s->fps > 0)
		json_object_set_new(m, "fps", json_real(s->fps));
	json_object_set_new(m, "format", json_string(s->format));
	json_object_set_new(m, "resolution", json_string(s->resolution));
	json_object_set_new(m, "sizeBytes", json_integer(size_bytes));
	return m;
}

json_t *simulate_tone_metadata(long long size_bytes)
{
	json_t *m = json_object();
	double seconds = (double)SIM_TONE_SAMPLES / SIM_TONE_RATE;
	json_object_set_new(m, "duration", json_real(round(seconds * 1000.0) / 1000.0));
	json_object_set_new(m, "format", json_string("wav"));
	json_object_set_new(m, "sizeBytes", json_integer(size_bytes));
	return m;
}

static bool write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* Copies src (a regular file of at most SIM_SAMPLE_MAX bytes) to fd.
 * Returns false with errno set and a reason in *why. */
static bool copy_into(int fd, const char *src, const char **why)
{
	int in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		*why = "cannot open the sample";
		return false;
	}
	struct stat st;
	if (fstat(in, &st) || !S_ISREG(st.st_mode) || st.st_size > SIM_SAMPLE_MAX) {
		close(in);
		*why = "the sample is not a regular file of at most 16 MiB";
		errno = EINVAL;
		return false;
	}
	unsigned char buf[16384];
	for (;;) {
		ssize_t r = read(in, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			*why = "cannot read the sample";
			break;
		}
		if (r == 0) {
			close(in);
			return true;
		}
		if (!write_all(fd, buf, (size_t)r)) {
			*why = "cannot write the result";
			break;
		}
	}
	int saved = errno;
	close(in);
	errno = saved;
	return false;
}

/* Writes bytes[0..len), or a copy of src, to a new file at path. Returns
 * false with errno set and a reason in *why. */
static bool write_result(const char *path, const unsigned char *bytes, size_t len, const char *src,
			 const char **why)
{
	*why = "cannot create the result";
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return false;
	bool ok;
	if (src)
		ok = copy_into(fd, src, why);
	else if (!(ok = write_all(fd, bytes, len)))
		*why = "cannot write the result";
	int saved = errno;
	if (close(fd) && ok) {
		*why = "cannot write the result";
		return false;
	}
	errno = saved;
	return ok;
}

/*
 * Stores the result as media_dir/<id>.<ext>: bytes[0..len), or src
 * hard-linked (copied where the file system refuses), under a temporary name
 * first. Returns the final path (arena) and its size in *size, or NULL after
 * logging.
 */
static const char *store(const struct job *job, const struct provider_ctx *ctx,
			 const char *ext, const unsigned char *bytes, size_t len,
			 const char *src, long long *size)
{
	const struct config *cfg = ctx->cfg;
	const char *tmp = arena_printf(ctx->arena, "%s/.%s.%d.sim.tmp", cfg->media_dir, job->id,
				       (int)getpid());
	const char *final = arena_printf(ctx->arena, "%s/%s.%s", cfg->media_dir, job->id, ext);
	const char *why = "cannot store the result";
	unlink(tmp);
	bool ok = (src && link(src, tmp) == 0) || write_result(tmp, bytes, len, src, &why);
	struct stat st;
	if (ok && (stat(tmp, &st) || rename(tmp, final))) {
		ok = false;
		why = "cannot store the result";
	}
	if (!ok) {
		log_msg(LOG_ERROR, "%s: test mode: %s (%s -> %s): %s", job->id, why,
			src ? src : "tone", final, strerror(errno));
		unlink(tmp);
		return NULL;
	}
	/* rename() leaves both names when final already was a link to the same
	 * sample (the job ran twice); the temporary one must not stay. */
	unlink(tmp);
	*size = (long long)st.st_size;
	return final;
}

/* The final poll: writes or copies the result and fills a COMPLETED outcome. */
static void complete(const struct job *job, const struct provider_ctx *ctx,
		     struct provider_outcome *out)
{
	const struct config *cfg = ctx->cfg;
	const struct sim_sample *s = simulate_sample(job->type);
	const char *ext, *final;
	long long size = 0;
	json_t *meta;

	if (job->type && !strcmp(job->type, "AUDIO")) {
		size_t len = 0;
		unsigned char *wav = wav_tone(SIM_TONE_RATE, SIM_TONE_SAMPLES, SIM_TONE_HZ,
					      SIM_TONE_AMPLITUDE, &len);
		ext = "wav";
		final = wav ? store(job, ctx, ext, wav, len, NULL, &size) : NULL;
		free(wav);
		meta = final ? simulate_tone_metadata(size) : NULL;
	} else if (s) {
		const char *dir = cfg->samples_dir && *cfg->samples_dir ? cfg->samples_dir : ".";
		const char *src = arena_printf(ctx->arena, "%s/%s", dir, s->file);
		ext = s->ext;
		final = store(job, ctx, ext, NULL, 0, src, &size);
		meta = final ? simulate_sample_metadata(s, size) : NULL;
	} else {
		provider_fail(out, ctx, API_ERR_GENERATION_FAILED,
			      "Test mode has no sample result for type %s.",
			      job->type ? job->type : "(none)");
		return;
	}
	if (!final) {
		provider_fail(out, ctx, API_ERR_GENERATION_FAILED,
			      "The server could not store the test-mode result.");
		return;
	}
	arena_defer(ctx->arena, (void (*)(void *))json_decref, meta);
	const char *name = arena_printf(ctx->arena, "%s.%s", job->id, ext);
	memset(out, 0, sizeof *out);
	out->kind = PROVIDER_COMPLETED;
	out->task_id = arena_printf(ctx->arena, SIM_TASK_PREFIX "%s", job->id);
	out->path = final;
	out->url = provider_media_url(ctx, name);
	out->metadata = meta;
	out->progress = 100;
}

static void sim_submit(const struct job *job, const struct provider_ctx *ctx,
		       struct provider_outcome *out)
{
	if (!provider_valid_id(job->id)) {
		provider_fail(out, ctx, API_ERR_GENERATION_FAILED, "Invalid generation id.");
		return;
	}
	if (simulate_trigger(job) == SIM_INSTANT) {
		complete(job, ctx, out);
		return;
	}
	memset(out, 0, sizeof *out);
	out->kind = PROVIDER_SUBMITTED;
	out->task_id = arena_printf(ctx->arena, SIM_TASK_PREFIX "%s", job->id);
}

static void sim_poll(const struct job *job, const struct provider_ctx *ctx,
		     struct provider_outcome *out)
{
	if (!provider_valid_id(job->id)) {
		provider_fail(out, ctx, API_ERR_GENERATION_FAILED, "Invalid generation id.");
		return;
	}
	long long started = provider_parse_utc(job->started_at);
	long long elapsed = started >= 0 ? (long long)time(NULL) - started : -1;
	struct sim_decision d;
	simulate_decide(simulate_trigger(job), job->progress, elapsed, &d);
	switch (d.action) {
	case SIM_FAIL_NOW:
		provider_fail(out, ctx, API_ERR_GENERATION_FAILED, "%s", SIM_FAIL_MESSAGE);
		return;
	case SIM_COMPLETE:
		complete(job, ctx, out);
		return;
	case SIM_RUN:
		memset(out, 0, sizeof *out);
		out->kind = PROVIDER_RUNNING;
		out->progress = d.progress;
		out->next_poll_seconds = d.next_poll_seconds;
		return;
	}
}

const struct provider_adapter provider_simulate = {
	.name = PROVIDER_SIMULATE,
	.synchronous = false,
	.offline = true,
	.submit = sim_submit,
	.poll = sim_poll,
	.cancel = NULL,
};
