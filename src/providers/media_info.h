/*
 * media_info.h - what a stored result file is, read from its own bytes: the
 * format (PNG, JPEG, WebP, MP3, WAV, MP4) from its signature, and the facts
 * the API reports (MediaMetadata: width, height, duration, format,
 * resolution, fps, sizeBytes) from its headers. The upstream's
 * Content-Type and file name are never trusted for this.
 * PNG, WAV and MP4 use local_media.c, wav.c and mp4info.c; JPEG (the SOFn
 * segment), WebP (VP8/VP8L/VP8X) and MP3 (the first MPEG audio frame, after
 * any ID3v2 tag; duration from a Xing/Info frame count, else the constant
 * bit rate) are read here.
 */
#ifndef DOITONG_MEDIA_INFO_H
#define DOITONG_MEDIA_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

/* What a job's result must be: its generation type decides. */
enum media_kind {
	MEDIA_VIDEO = 0,   /* VIDEO and AVATAR: mp4 */
	MEDIA_IMAGE,       /* png, jpeg, webp */
	MEDIA_AUDIO,       /* mp3, wav */
};

/* Bytes of a file media_read examines (headers must start within them). */
#define MEDIA_HEAD_MAX 65536

struct media_info {
	const char *format;   /* "png", "jpeg", "webp", "mp3", "wav", "mp4" */
	const char *ext;      /* file name extension: "png", "jpg", "webp", ... */
	enum media_kind kind;
	int width, height;    /* 0 when unknown */
	double duration;      /* seconds, 0 when unknown */
	double fps;
	long long size_bytes;
};

/* The kind a generation of `type` ("IMAGE", "AUDIO", ...) stores. */
enum media_kind media_kind_of_type(const char *type);
const char *media_kind_name(enum media_kind k);  /* "video", "image", "audio" */

/* The format of buf[0..n) from its signature, NULL when none is known. */
const char *media_sniff(const unsigned char *buf, size_t n);

/* Parsers over the first bytes of a file (pure; *why a static reason). */
bool jpeg_parse_size(const unsigned char *b, size_t n, int *w, int *h, const char **why);
bool webp_parse_size(const unsigned char *b, size_t n, int *w, int *h, const char **why);
/* MP3 of file_size bytes whose first n bytes are b: the duration. */
bool mp3_parse(const unsigned char *b, size_t n, long long file_size, double *duration,
	       const char **why);

/* Reads path: sniffs, parses, fills *info. False (with *why) for a file of
 * no known format or with broken headers. */
bool media_read(const char *path, struct media_info *info, const char **why);

/* MediaMetadata of info (new reference); unknown facts are left out. */
json_t *media_metadata(const struct media_info *info);

/* True for a Content-Type a result of kind may have (parameters ignored):
 * kind's family (video/, image/, audio/), application/octet-stream, or none. */
bool media_type_ok(enum media_kind kind, const char *content_type);

#endif
