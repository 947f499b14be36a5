/*
 * local.h - the offline `local` provider: speech with espeak-ng into the
 * media directory, optionally converted to MP3 with ffmpeg.
 *
 * The pure steps (option checks, argument vectors, metadata) are exported so
 * the unit tests can drive them without running any program.
 */
#ifndef DOITONG_LOCAL_H
#define DOITONG_LOCAL_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "providers/provider.h"
#include "providers/wav.h"

#define LOCAL_TIMEOUT_SECONDS 60
#define LOCAL_TEXT_MAX 20000          /* bytes of input.text */
#define LOCAL_VOICE_MAX 40
#define LOCAL_ARGV_MAX 16

extern const struct provider_adapter provider_local;

enum local_format { LOCAL_WAV, LOCAL_MP3 };

struct local_options {
	char voice[LOCAL_VOICE_MAX + 1];
	double speed;                /* 0.5..2.0 */
	int wpm;                     /* round(175 * speed) */
	char wpm_text[16];
	enum local_format format;
};

/*
 * Reads options.voice (default "en"; letters, digits, '-', '_', '+', starting
 * with a letter or digit), options.speed (number 0.5..2.0, default 1) and
 * options.format ("wav" default, or "mp3", any case) from job->options.
 * Returns false with a client-facing reason in err.
 */
bool local_parse_options(const struct job *job, struct local_options *o,
			 char *err, size_t errlen);

/* The text to speak: input.text, non-empty and at most LOCAL_TEXT_MAX bytes.
 * Returns NULL with a reason in err. */
const char *local_job_text(const struct job *job, char *err, size_t errlen);

/*
 * Fills argv (room for LOCAL_ARGV_MAX entries, NULL-terminated) with the
 * espeak-ng command writing wav_path, text read from stdin. The entries
 * borrow bin, o and wav_path. Returns the number of arguments.
 */
size_t local_espeak_argv(const char *bin, const struct local_options *o,
			 const char *wav_path, const char **argv);

/* Same for ffmpeg converting in_wav to out_mp3 with libmp3lame. */
size_t local_ffmpeg_argv(const char *bin, const char *in_wav, const char *out_mp3,
			 const char **argv);

/* {"duration": seconds (ms precision), "format": ..., "sizeBytes": ...}: a new reference. */
json_t *local_metadata(const struct wav_info *wav, enum local_format format,
		       long long size_bytes);

#endif
