/*
 * mp4info.h - the few facts the gateway reports about a stored MP4 (ISO
 * BMFF) result: size of the video track, duration, frame rate. Reads the
 * box tree only (moov/mvhd, trak/tkhd, mdia/mdhd+hdlr, minf/stbl/stts); no
 * sample data, no codec parsing.
 */
#ifndef DOITONG_MP4INFO_H
#define DOITONG_MP4INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

/* Largest moov box read into memory. */
#define MP4_MOOV_MAX (64u * 1024 * 1024)

struct mp4_info {
	int width, height;       /* the first video track's, 0 when unknown */
	double duration;         /* seconds (mvhd), 0 when unknown */
	double fps;              /* video samples per second (stts + mdhd), 0 when unknown */
	long long size_bytes;
};

/*
 * Parses moov[0..len) (the payload of a moov box, without its header) into
 * *info. Pure; returns false when no mvhd is found. size_bytes is untouched.
 */
bool mp4_parse_moov(const unsigned char *moov, size_t len, struct mp4_info *info);

/* Reads the file at path: walks the top-level boxes, parses moov. Returns
 * false (errno-style reason in *why) when the file is not an MP4 with a moov. */
bool mp4_read(const char *path, struct mp4_info *info, const char **why);

/* Metadata as the API reports it: {width, height, duration, fps, format
 * "mp4", resolution "<shorter side>p", sizeBytes}; absent facts are left
 * out. Returns a new reference. */
json_t *mp4_metadata(const struct mp4_info *info);

#endif
