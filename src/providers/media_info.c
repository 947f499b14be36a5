/*
 * media_info.c - see media_info.h. Every parser is bounded by the bytes it
 * was given; nothing is decoded beyond the headers.
 */
#include "providers/media_info.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "providers/local_media.h"
#include "providers/mp4info.h"
#include "providers/wav.h"

enum media_kind media_kind_of_type(const char *type)
{
	if (type && !strcmp(type, "IMAGE"))
		return MEDIA_IMAGE;
	if (type && !strcmp(type, "AUDIO"))
		return MEDIA_AUDIO;
	return MEDIA_VIDEO;
}

const char *media_kind_name(enum media_kind k)
{
	switch (k) {
	case MEDIA_VIDEO: return "video";
	case MEDIA_IMAGE: return "image";
	case MEDIA_AUDIO: return "audio";
	}
	return "?";
}

/* An MPEG audio frame header at b (4 bytes): layer III only. */
static bool mp3_frame(const unsigned char *b, int *bitrate_k, int *rate, int *spf, int *side)
{
	static const int v1[16] = { 0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, -1 };
	static const int v2[16] = { 0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, -1 };
	static const int rates[3] = { 44100, 48000, 32000 };
	if (b[0] != 0xFF || (b[1] & 0xE0) != 0xE0)
		return false;
	int version = (b[1] >> 3) & 3;   /* 0: 2.5, 2: 2, 3: 1 */
	int layer = (b[1] >> 1) & 3;     /* 1: III */
	int br = b[2] >> 4, sr = (b[2] >> 2) & 3;
	if (version == 1 || layer != 1 || br == 0 || br == 15 || sr == 3)
		return false;
	bool mono = (b[3] >> 6) == 3;
	*bitrate_k = version == 3 ? v1[br] : v2[br];
	*rate = rates[sr] >> (version == 3 ? 0 : version == 2 ? 1 : 2);
	*spf = version == 3 ? 1152 : 576;
	*side = version == 3 ? (mono ? 17 : 32) : (mono ? 9 : 17);
	return true;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Length of an ID3v2 tag at b (0 when none). */
static size_t id3_len(const unsigned char *b, size_t n)
{
	if (n < 10 || memcmp(b, "ID3", 3) || (b[6] | b[7] | b[8] | b[9]) & 0x80)
		return 0;
	size_t len = 10 + ((size_t)b[6] << 21 | (size_t)b[7] << 14 | (size_t)b[8] << 7 | b[9]);
	return len + ((b[5] & 0x10) ? 10 : 0);
}

bool mp3_parse(const unsigned char *b, size_t n, long long file_size, double *duration,
	       const char **why)
{
	size_t off = id3_len(b, n);
	int kbps, rate, spf, side;
	if (off + 4 > n || !mp3_frame(b + off, &kbps, &rate, &spf, &side)) {
		*why = "no MPEG layer III frame";
		return false;
	}
	/* A Xing/Info frame (VBR, or LAME's CBR marker) counts the frames. */
	const unsigned char *x = b + off + 4 + side;
	if (off + 4 + (size_t)side + 12 <= n && (!memcmp(x, "Xing", 4) || !memcmp(x, "Info", 4)) &&
	    (be32(x + 4) & 1)) {
		*duration = (double)be32(x + 8) * spf / rate;
		return true;
	}
	long long audio = file_size - (long long)off;
	*duration = audio > 0 ? (double)audio * 8 / (kbps * 1000.0) : 0;
	return true;
}

bool jpeg_parse_size(const unsigned char *b, size_t n, int *w, int *h, const char **why)
{
	if (n < 4 || b[0] != 0xFF || b[1] != 0xD8) {
		*why = "not a JPEG signature";
		return false;
	}
	size_t i = 2;
	while (i + 4 <= n) {
		if (b[i] != 0xFF) {
			*why = "broken JPEG segment";
			return false;
		}
		unsigned char m = b[i + 1];
		if (m == 0xFF) {          /* fill byte */
			i++;
			continue;
		}
		if (m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01) {
			i += 2;
			continue;
		}
		size_t len = (size_t)b[i + 2] << 8 | b[i + 3];
		/* SOF0..SOF15 but DHT (C4), JPG (C8) and DAC (CC). */
		if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
			if (i + 9 > n || len < 7) {
				*why = "truncated JPEG frame header";
				return false;
			}
			*h = b[i + 5] << 8 | b[i + 6];
			*w = b[i + 7] << 8 | b[i + 8];
			if (*w == 0 || *h == 0) {
				*why = "bad JPEG dimensions";
				return false;
			}
			return true;
		}
		if (m == 0xD9 || m == 0xDA || len < 2)
			break;
		i += 2 + len;
	}
	*why = "no JPEG frame header";
	return false;
}

static uint32_t le24(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
}

bool webp_parse_size(const unsigned char *b, size_t n, int *w, int *h, const char **why)
{
	*why = "no WebP image chunk";
	if (n < 30 || memcmp(b, "RIFF", 4) || memcmp(b + 8, "WEBP", 4))
		return false;
	const unsigned char *c = b + 12, *d = c + 8;
	if (!memcmp(c, "VP8X", 4)) {
		*w = (int)le24(d + 4) + 1;
		*h = (int)le24(d + 7) + 1;
	} else if (!memcmp(c, "VP8 ", 4)) {
		if (d[3] != 0x9d || d[4] != 0x01 || d[5] != 0x2a)
			return false;
		*w = (d[6] | d[7] << 8) & 0x3fff;
		*h = (d[8] | d[9] << 8) & 0x3fff;
	} else if (!memcmp(c, "VP8L", 4)) {
		if (d[0] != 0x2f)
			return false;
		uint32_t bits = (uint32_t)d[1] | (uint32_t)d[2] << 8 | (uint32_t)d[3] << 16 |
				(uint32_t)d[4] << 24;
		*w = (int)(bits & 0x3fff) + 1;
		*h = (int)((bits >> 14) & 0x3fff) + 1;
	} else {
		return false;
	}
	return *w > 0 && *h > 0;
}

const char *media_sniff(const unsigned char *b, size_t n)
{
	if (n >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8))
		return "png";
	if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
		return "jpeg";
	if (n >= 12 && !memcmp(b, "RIFF", 4) && !memcmp(b + 8, "WEBP", 4))
		return "webp";
	if (n >= 12 && !memcmp(b, "RIFF", 4) && !memcmp(b + 8, "WAVE", 4))
		return "wav";
	if (n >= 12 && !memcmp(b + 4, "ftyp", 4))
		return "mp4";
	int k, r, s, si;
	size_t off = id3_len(b, n);
	if ((off && off <= n) || (n >= 4 && mp3_frame(b, &k, &r, &s, &si)))
		return "mp3";
	return NULL;
}

bool media_read(const char *path, struct media_info *info, const char **why)
{
	memset(info, 0, sizeof *info);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*why = strerror(errno);
		return false;
	}
	unsigned char *b = malloc(MEDIA_HEAD_MAX);
	struct stat st;
	ssize_t got = b && fstat(fd, &st) == 0 ? read(fd, b, MEDIA_HEAD_MAX) : -1;
	close(fd);
	if (got < 0) {
		free(b);
		*why = "read error";
		return false;
	}
	size_t n = (size_t)got;
	info->size_bytes = (long long)st.st_size;
	info->format = media_sniff(b, n);
	bool ok = false;
	if (!info->format) {
		*why = "unknown file format";
	} else if (!strcmp(info->format, "png")) {
		info->kind = MEDIA_IMAGE;
		info->ext = "png";
		ok = png_parse_ihdr(b, n, &info->width, &info->height, why);
	} else if (!strcmp(info->format, "jpeg")) {
		info->kind = MEDIA_IMAGE;
		info->ext = "jpg";
		ok = jpeg_parse_size(b, n, &info->width, &info->height, why);
	} else if (!strcmp(info->format, "webp")) {
		info->kind = MEDIA_IMAGE;
		info->ext = "webp";
		ok = webp_parse_size(b, n, &info->width, &info->height, why);
	} else if (!strcmp(info->format, "mp3")) {
		info->kind = MEDIA_AUDIO;
		info->ext = "mp3";
		ok = mp3_parse(b, n, info->size_bytes, &info->duration, why);
	} else if (!strcmp(info->format, "wav")) {
		struct wav_info w;
		info->kind = MEDIA_AUDIO;
		info->ext = "wav";
		ok = wav_parse(b, n, (uint64_t)st.st_size, &w, why);
		info->duration = ok ? w.duration : 0;
	} else {
		struct mp4_info m;
		info->kind = MEDIA_VIDEO;
		info->ext = "mp4";
		ok = mp4_read(path, &m, why);
		if (ok) {
			info->width = m.width;
			info->height = m.height;
			info->duration = m.duration;
			info->fps = m.fps;
		}
	}
	free(b);
	return ok;
}

json_t *media_metadata(const struct media_info *info)
{
	json_t *m = json_object();
	if (info->width > 0 && info->height > 0) {
		json_object_set_new(m, "width", json_integer(info->width));
		json_object_set_new(m, "height", json_integer(info->height));
	}
	if (info->duration > 0)
		json_object_set_new(m, "duration", json_real(round(info->duration * 1000.0) / 1000.0));
	if (info->fps > 0)
		json_object_set_new(m, "fps", json_real(info->fps));
	json_object_set_new(m, "format", json_string(info->format));
	if (info->width > 0 && info->height > 0) {
		char res[16];
		snprintf(res, sizeof res, "%dp", info->width < info->height ? info->width : info->height);
		json_object_set_new(m, "resolution", json_string(res));
	}
	json_object_set_new(m, "sizeBytes", json_integer(info->size_bytes));
	return m;
}

bool media_type_ok(enum media_kind kind, const char *ct)
{
	if (!ct || !*ct)
		return true;
	while (*ct == ' ')
		ct++;
	const char *family = kind == MEDIA_IMAGE ? "image/" : kind == MEDIA_AUDIO ? "audio/" : "video/";
	if (!strncasecmp(ct, family, strlen(family)))
		return true;
	size_t n = strlen("application/octet-stream");
	return !strncasecmp(ct, "application/octet-stream", n) &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}
