/*
 * mp4info.c - a small reader of ISO BMFF boxes (see mp4info.h). Box sizes
 * are checked against their parent at every step, so a truncated or hostile
 * file ends the walk instead of reading past the buffer. 64-bit box sizes
 * (size == 1) are honoured; size == 0 ("to the end") only at the top level.
 */
#include "providers/mp4info.h"
#include "providers/media_info.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>

#include "common/util.h"

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const unsigned char *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

/* A box inside [p, end): type and payload. */
struct box {
	char type[5];
	const unsigned char *data;
	size_t len;
};

/* Reads the box at *p; advances *p past it. false at the end or on a bad size. */
static bool next_box(const unsigned char **p, const unsigned char *end, struct box *b)
{
	size_t left = (size_t)(end - *p);
	if (left < 8)
		return false;
	uint64_t size = be32(*p);
	size_t head = 8;
	if (size == 1) {
		if (left < 16)
			return false;
		size = be64(*p + 8);
		head = 16;
	} else if (size == 0) {
		size = left;
	}
	if (size < head || size > left)
		return false;
	memcpy(b->type, *p + 4, 4);
	b->type[4] = '\0';
	b->data = *p + head;
	b->len = (size_t)size - head;
	*p += size;
	return true;
}

/* The first child of type in parent's payload. */
static bool find_child(const struct box *parent, const char *type, struct box *out)
{
	const unsigned char *p = parent->data, *end = parent->data + parent->len;
	while (next_box(&p, end, out))
		if (!memcmp(out->type, type, 4))
			return true;
	return false;
}

/* Timescale and duration of an mvhd or mdhd payload (version 0 or 1). */
static bool time_fields(const struct box *b, uint32_t *timescale, uint64_t *duration)
{
	if (b->len < 1)
		return false;
	if (b->data[0] == 1) {
		if (b->len < 32)
			return false;
		*timescale = be32(b->data + 20);
		*duration = be64(b->data + 24);
	} else {
		if (b->len < 20)
			return false;
		*timescale = be32(b->data + 12);
		*duration = be32(b->data + 16);
	}
	return *timescale > 0;
}

/* Width and height (16.16 fixed point) of a tkhd payload. */
static void tkhd_size(const struct box *b, int *w, int *h)
{
	size_t off = b->len >= 1 && b->data[0] == 1 ? 88 : 76;
	if (b->len < off + 8)
		return;
	*w = (int)(be32(b->data + off) >> 16);
	*h = (int)(be32(b->data + off + 4) >> 16);
}

/* Samples and total ticks of an stts payload. */
static bool stts_totals(const struct box *b, uint64_t *samples, uint64_t *ticks)
{
	if (b->len < 8)
		return false;
	uint32_t n = be32(b->data + 4);
	if (n > (b->len - 8) / 8)
		return false;
	*samples = *ticks = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t count = be32(b->data + 8 + 8 * (size_t)i);
		uint64_t delta = be32(b->data + 12 + 8 * (size_t)i);
		*samples += count;
		*ticks += count * delta;
	}
	return *samples > 0 && *ticks > 0;
}

/* Fills width, height and fps from trak when it is a video track. */
static bool video_track(const struct box *trak, struct mp4_info *info)
{
	struct box mdia, hdlr, tkhd, mdhd, minf, stbl, stts;
	if (!find_child(trak, "mdia", &mdia) || !find_child(&mdia, "hdlr", &hdlr) ||
	    hdlr.len < 12 || memcmp(hdlr.data + 8, "vide", 4))
		return false;
	if (find_child(trak, "tkhd", &tkhd))
		tkhd_size(&tkhd, &info->width, &info->height);
	uint32_t scale;
	uint64_t dur, samples, ticks;
	if (find_child(&mdia, "mdhd", &mdhd) && time_fields(&mdhd, &scale, &dur) &&
	    find_child(&mdia, "minf", &minf) && find_child(&minf, "stbl", &stbl) &&
	    find_child(&stbl, "stts", &stts) && stts_totals(&stts, &samples, &ticks))
		info->fps = round((double)samples * scale / (double)ticks * 1000.0) / 1000.0;
	return true;
}

bool mp4_parse_moov(const unsigned char *moov, size_t len, struct mp4_info *info)
{
	struct box b;
	bool have_mvhd = false;
	info->width = info->height = 0;
	info->duration = info->fps = 0;
	const unsigned char *p = moov, *end = moov + len;
	bool have_video = false;
	while (next_box(&p, end, &b)) {
		if (!memcmp(b.type, "mvhd", 4)) {
			uint32_t scale;
			uint64_t dur;
			if (time_fields(&b, &scale, &dur)) {
				info->duration = round((double)dur / scale * 1000.0) / 1000.0;
				have_mvhd = true;
			}
		} else if (!memcmp(b.type, "trak", 4) && !have_video) {
			have_video = video_track(&b, info);
		}
	}
	return have_mvhd;
}

/* Reads exactly n bytes at off. */
static bool read_at(int fd, void *buf, size_t n, off_t off)
{
	unsigned char *p = buf;
	while (n) {
		ssize_t r = pread(fd, p, n, off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		p += r;
		n -= (size_t)r;
		off += r;
	}
	return true;
}

bool mp4_read(const char *path, struct mp4_info *info, const char **why)
{
	memset(info, 0, sizeof *info);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st)) {
		*why = "cannot open the file";
		if (fd >= 0)
			close(fd);
		return false;
	}
	info->size_bytes = (long long)st.st_size;
	off_t off = 0;
	bool ok = false;
	*why = "no moov box";
	while (off + 8 <= st.st_size) {
		unsigned char h[16];
		if (!read_at(fd, h, 8, off))
			break;
		uint64_t size = be32(h);
		off_t head = 8;
		if (size == 1) {
			if (off + 16 > st.st_size || !read_at(fd, h + 8, 8, off + 8))
				break;
			size = be64(h + 8);
			head = 16;
		} else if (size == 0) {
			size = (uint64_t)(st.st_size - off);
		}
		if (size < (uint64_t)head || size > (uint64_t)(st.st_size - off)) {
			*why = "a box overruns the file";
			break;
		}
		if (!memcmp(h + 4, "moov", 4)) {
			size_t len = (size_t)size - (size_t)head;
			if (len > MP4_MOOV_MAX) {
				*why = "the moov box is too large";
				break;
			}
			unsigned char *moov = malloc(len ? len : 1);
			if (!moov)
				oom_abort();
			ok = read_at(fd, moov, len, off + head) && mp4_parse_moov(moov, len, info);
			free(moov);
			if (!ok)
				*why = "the moov box has no readable mvhd";
			break;
		}
		off += (off_t)size;
	}
	close(fd);
	return ok;
}

json_t *mp4_metadata(const struct mp4_info *info)
{
	struct media_info m = {
		.format = "mp4", .ext = "mp4", .kind = MEDIA_VIDEO, .width = info->width,
		.height = info->height, .duration = info->duration, .fps = info->fps,
		.size_bytes = info->size_bytes,
	};
	return media_metadata(&m);
}
