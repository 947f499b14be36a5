/*
 * wav.c - RIFF/WAVE header parsing.
 *
 * Every read is bounds-checked against len before it happens; chunk sizes
 * are 32-bit and added in 64-bit arithmetic so a hostile size cannot wrap.
 */
#include "providers/wav.h"

#include <errno.h>
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
