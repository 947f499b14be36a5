/*
 * wav.c - RIFF/WAVE header parsing, and the test-mode tone writer.
 *
 * Every read is bounds-checked against len before it happens; chunk sizes
 * are 32-bit and added in 64-bit arithmetic so a hostile size cannot wrap.
 */
#include "providers/wav.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/util.h"

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

bool wav_parse(const unsigned char *buf, size_t len, uint64_t file_size,
	       struct wav_info *info, const char **why)
{
	static const char *dummy;
	if (!why)
		why = &dummy;
	memset(info, 0, sizeof *info);
	if (file_size < len)
		file_size = len;
	if (len < 12 || memcmp(buf, "RIFF", 4) || memcmp(buf + 8, "WAVE", 4)) {
		*why = "not a RIFF/WAVE file";
		return false;
	}
	bool have_fmt = false;
	uint64_t pos = 12;
	while (pos + 8 <= len) {
		const unsigned char *chunk = buf + pos;
		uint32_t size = le32(chunk + 4);
		uint64_t body = pos + 8;
		if (!memcmp(chunk, "fmt ", 4)) {
			if (size < 16 || body + 16 > len) {
				*why = "truncated fmt chunk";
				return false;
			}
			const unsigned char *f = buf + body;
			info->audio_format = le16(f);
			info->channels = le16(f + 2);
			info->sample_rate = le32(f + 4);
			info->block_align = le16(f + 12);
			info->bits_per_sample = le16(f + 14);
			if (info->channels == 0 || info->sample_rate == 0 ||
			    info->bits_per_sample == 0 || info->bits_per_sample > 64) {
				*why = "invalid fmt chunk";
				return false;
			}
			have_fmt = true;
		} else if (!memcmp(chunk, "data", 4)) {
			if (!have_fmt) {
				*why = "data chunk before fmt chunk";
				return false;
			}
			uint64_t present = file_size - body;
			info->data_size = size > present ? present : size;
			uint64_t frame = info->block_align;
			uint64_t computed = (uint64_t)info->channels * ((info->bits_per_sample + 7u) / 8u);
			if (frame == 0 || frame != computed)
				frame = computed;
			info->duration = (double)info->data_size / ((double)frame * info->sample_rate);
			*why = NULL;
			return true;
		}
		pos = body + (uint64_t)size + (size & 1u);
	}
	*why = have_fmt ? "no data chunk in the header" : "no fmt chunk in the header";
	return false;
}

bool wav_read_file(const char *path, struct wav_info *info, const char **why)
{
	static const char *dummy;
	if (!why)
		why = &dummy;
	FILE *f = fopen(path, "rb");
	if (!f) {
		*why = "cannot open the file";
		return false;
	}
	struct stat st;
	if (fstat(fileno(f), &st)) {
		fclose(f);
		*why = "cannot stat the file";
		return false;
	}
	unsigned char *buf = xmalloc(WAV_HEADER_MAX);
	size_t got = fread(buf, 1, WAV_HEADER_MAX, f);
	fclose(f);
	bool ok = wav_parse(buf, got, (uint64_t)st.st_size, info, why);
	free(buf);
	return ok;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static void put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

unsigned char *wav_tone(uint32_t sample_rate, uint32_t samples, double freq_hz,
			double amplitude, size_t *len)
{
	if (sample_rate == 0 || sample_rate > 192000 || samples == 0 ||
	    samples > WAV_TONE_MAX_SAMPLES || !(amplitude > 0.0))
		return NULL;
	if (amplitude > 1.0)
		amplitude = 1.0;
	uint32_t data = samples * 2u;
	size_t total = WAV_TONE_HEADER + (size_t)data;
	unsigned char *b = xmalloc(total);

	memcpy(b, "RIFF", 4);
	put32(b + 4, 36u + data);
	memcpy(b + 8, "WAVE", 4);
	memcpy(b + 12, "fmt ", 4);
	put32(b + 16, 16);                    /* PCM fmt chunk size */
	put16(b + 20, 1);                     /* PCM */
	put16(b + 22, 1);                     /* mono */
	put32(b + 24, sample_rate);
	put32(b + 28, sample_rate * 2u);      /* byte rate */
	put16(b + 32, 2);                     /* block align */
	put16(b + 34, 16);                    /* bits per sample */
	memcpy(b + 36, "data", 4);
	put32(b + 40, data);

	const double two_pi = 6.283185307179586;
	uint32_t fade = sample_rate / 100u; /* 10 ms */
	if (fade == 0)
		fade = 1;
	for (uint32_t i = 0; i < samples; i++) {
		double gain = amplitude;
		if (i < fade)
			gain *= (double)i / fade;
		else if (samples - 1u - i < fade)
			gain *= (double)(samples - 1u - i) / fade;
		double v = gain * sin(two_pi * freq_hz * (double)i / sample_rate);
		long q = lround(v * 32767.0);
		put16(b + WAV_TONE_HEADER + 2u * (size_t)i, (uint16_t)(int16_t)q);
	}
	*len = total;
	return b;
}
