/*
 * local.c - the offline `local` provider (type AUDIO).
 *
 * Synchronous: submit speaks input.text with espeak-ng into a temporary file
 * in media_dir, reads the WAV header for metadata, converts to MP3 with
 * ffmpeg when asked, and renames the result to <generation id>.<format>, so
 * a half-written file is never served under its final name. Poll does the
 * same again (a job left PROCESSING by a crash is simply redone; the rename
 * makes that idempotent). Programs run through spawn_run: no shell, the text
 * on stdin, a time limit.
 */
#include "providers/local.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "providers/spawn.h"

static bool valid_voice(const char *v)
{
	size_t n = strlen(v);
	if (n == 0 || n > LOCAL_VOICE_MAX || !isalnum((unsigned char)v[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)v[i]) && !strchr("-_+", v[i]))
			return false;
	return true;
}

bool local_parse_options(const struct job *job, struct local_options *o,
			 char *err, size_t errlen)
{
	memset(o, 0, sizeof *o);
	snprintf(o->voice, sizeof o->voice, "en");
	o->speed = 1.0;
	o->format = LOCAL_WAV;

	json_t *v = json_object_get(job->options, "voice");
	if (v && !json_is_null(v)) {
		if (!json_is_string(v) || !valid_voice(json_string_value(v))) {
			snprintf(err, errlen, "Option voice must be an espeak-ng voice name such as \"en\", \"en-us\" or \"de\".");
			return false;
		}
		snprintf(o->voice, sizeof o->voice, "%s", json_string_value(v));
	}
	v = json_object_get(job->options, "speed");
	if (v && !json_is_null(v)) {
		if (!json_is_number(v) || !isfinite(json_number_value(v)) ||
		    json_number_value(v) < 0.5 || json_number_value(v) > 2.0) {
			snprintf(err, errlen, "Option speed must be a number from 0.5 to 2.0.");
			return false;
		}
		o->speed = json_number_value(v);
	}
	v = json_object_get(job->options, "format");
	if (v && !json_is_null(v)) {
		const char *f = json_is_string(v) ? json_string_value(v) : "";
		if (!strcasecmp(f, "wav"))
			o->format = LOCAL_WAV;
		else if (!strcasecmp(f, "mp3"))
			o->format = LOCAL_MP3;
		else {
			snprintf(err, errlen, "Option format must be wav or mp3.");
			return false;
		}
	}
	o->wpm = (int)lround(175.0 * o->speed);
	snprintf(o->wpm_text, sizeof o->wpm_text, "%d", o->wpm);
	return true;
}

const char *local_job_text(const struct job *job, char *err, size_t errlen)
{
	json_t *t = json_object_get(job->input, "text");
	const char *s = json_is_string(t) ? json_string_value(t) : NULL;
	size_t n = s ? strlen(s) : 0;
	bool blank = true;
	for (size_t i = 0; i < n && blank; i++)
		blank = isspace((unsigned char)s[i]);
	if (!s || blank) {
		snprintf(err, errlen, "Speech needs input.text.");
		return NULL;
	}
	if (n > LOCAL_TEXT_MAX) {
		snprintf(err, errlen, "input.text is longer than %d bytes.", LOCAL_TEXT_MAX);
		return NULL;
	}
	return s;
}

size_t local_espeak_argv(const char *bin, const struct local_options *o,
			 const char *wav_path, const char **argv)
{
	size_t n = 0;
	argv[n++] = bin;
	argv[n++] = "-b";          /* input is UTF-8 */
	argv[n++] = "1";
	argv[n++] = "-v";
	argv[n++] = o->voice;
	argv[n++] = "-s";
	argv[n++] = o->wpm_text;
	argv[n++] = "-w";
	argv[n++] = wav_path;
	argv[n++] = "--stdin";     /* the text never becomes an argument */
	argv[n] = NULL;
	return n;
}

size_t local_ffmpeg_argv(const char *bin, const char *in_wav, const char *out_mp3,
			 const char **argv)
{
	size_t n = 0;
	argv[n++] = bin;
	argv[n++] = "-nostdin";
	argv[n++] = "-hide_banner";
	argv[n++] = "-loglevel";
	argv[n++] = "error";
	argv[n++] = "-y";
	argv[n++] = "-i";
	argv[n++] = in_wav;
	argv[n++] = "-codec:a";
	argv[n++] = "libmp3lame";
	argv[n++] = "-f";
	argv[n++] = "mp3";
	argv[n++] = out_mp3;
	argv[n] = NULL;
	return n;
}

json_t *local_metadata(const struct wav_info *wav, enum local_format format,
		       long long size_bytes)
{
	json_t *m = json_object();
	json_object_set_new(m, "duration", json_real(round(wav->duration * 1000.0) / 1000.0));
	json_object_set_new(m, "format", json_string(format == LOCAL_MP3 ? "mp3" : "wav"));
	json_object_set_new(m, "sizeBytes", json_integer(size_bytes));
	return m;
}

static long long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) ? -1 : (long long)st.st_size;
}

static void synthesize(const struct job *job, const struct provider_ctx *ctx,
		       struct provider_outcome *out)
{
	const struct config *cfg = ctx->cfg;
	struct arena *a = ctx->arena;
	char why[512];

	if (!job->type || strcmp(job->type, "AUDIO")) {
		provider_fail(out, ctx, API_ERR_GENERATION_FAILED,
			      "The local provider makes AUDIO only; for %s use local-image, local-video or local-avatar.",
			      job->type ? job->type : "this type");
		return;
	}
	if (!provider_valid_id(job->id)) {
		provider_fail(out, ctx, API_ERR_GENERATION_FAILED, "Invalid generation id.");
		return;
	}
	struct local_options o;
	const char *text = local_job_text(job, why, sizeof why);
	if (!text || !local_parse_options(job, &o, why, sizeof why)) {
		provider_fail(out, ctx, API_ERR_GENERATION_FAILED, "%s", why);
		return;
	}
	if (access(cfg->media_dir, W_OK)) {
		log_msg(LOG_ERROR, "media_dir %s is not writable: %s", cfg->media_dir, strerror(errno));
		provider_fail(out, ctx, API_ERR_GENERATION_FAILED,
			      "The server cannot store results right now (media directory not writable).");
		return;
	}

	const char *ext = o.format == LOCAL_MP3 ? "mp3" : "wav";
	int pid = (int)getpid();
	const char *tmp_wav = arena_printf(a, "%s/.%s.%d.tmp.wav", cfg->media_dir, job->id, pid);
	const char *tmp_mp3 = arena_printf(a, "%s/.%s.%d.tmp.mp3", cfg->media_dir, job->id, pid);
	const char *name = arena_printf(a, "%s.%s", job->id, ext);
	const char *final = arena_printf(a, "%s/%s", cfg->media_dir, name);

	const char *argv[LOCAL_ARGV_MAX];
	struct spawn_result res;
	local_espeak_argv(cfg->espeak_bin, &o, tmp_wav, argv);
	if (!spawn_run(argv, text, strlen(text), LOCAL_TIMEOUT_SECONDS, &res)) {
		unlink(tmp_wav);
		spawn_describe(&res, why, sizeof why);
		log_msg(LOG_WARN, "%s: %s %s", job->id, cfg->espeak_bin, why);
		provider_fail(out, ctx, API_ERR_GENERATION_FAILED, "Speech synthesis failed: espeak-ng %s", why);
		return;
	}
	struct wav_info wav;
	const char *bad;
	if (!wav_read_file(tmp_wav, &wav, &bad)) {
		unlink(tmp_wav);
		log_msg(LOG_WARN, "%s: espeak-ng wrote an unreadable WAV: %s", job->id, bad);
		provider_fail(out, ctx, API_ERR_GENERATION_FAILED,
			      "Speech synthesis produced an unreadable WAV file (%s).", bad);
		return;
	}
	const char *produced = tmp_wav;
	if (o.format == LOCAL_MP3) {
		local_ffmpeg_argv(cfg->ffmpeg_bin, tmp_wav, tmp_mp3, argv);
		bool ok = spawn_run(argv, NULL, 0, LOCAL_TIMEOUT_SECONDS, &res);
		unlink(tmp_wav);
		if (!ok) {
			unlink(tmp_mp3);
			if (res.status == SPAWN_NOT_FOUND) {
				provider_fail(out, ctx, API_ERR_GENERATION_FAILED,
					      "MP3 output needs ffmpeg, which is not installed on this server; ask for format wav instead.");
				return;
			}
			spawn_describe(&res, why, sizeof why);
			log_msg(LOG_WARN, "%s: ffmpeg %s", job->id, why);
			provider_fail(out, ctx, API_ERR_GENERATION_FAILED, "MP3 conversion failed: ffmpeg %s", why);
			return;
		}
		produced = tmp_mp3;
	}
	long long size = file_size(produced);
	if (size <= 0 || rename(produced, final)) {
		log_msg(LOG_ERROR, "%s: cannot store %s: %s", job->id, final, strerror(errno));
		unlink(produced);
		provider_fail(out, ctx, API_ERR_GENERATION_FAILED, "The server could not store the result.");
		return;
	}

	json_t *meta = local_metadata(&wav, o.format, size);
	arena_defer(a, (void (*)(void *))json_decref, meta);
	memset(out, 0, sizeof *out);
	out->kind = PROVIDER_COMPLETED;
	out->task_id = arena_printf(a, "local:%s", job->id);
	out->path = final;
	out->url = provider_media_url(ctx, name);
	out->metadata = meta;
	out->progress = 100;
}

const struct provider_adapter provider_local = {
	.name = "local",
	.synchronous = true,
	.offline = true,
	.submit = synthesize,
	.poll = synthesize,
	.cancel = NULL,
};
