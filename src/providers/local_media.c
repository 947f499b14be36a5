/*
 * local_media.c - the offline `local-image`, `local-video` and `local-avatar`
 * providers.
 *
 * Synchronous like `local`: submit (and poll, for a job a crash left
 * PROCESSING) runs ffmpeg through spawn_run (argv, no shell, a time limit,
 * its output folded into the failure message) into a temporary name in
 * media_dir, reads the produced file's own header for the metadata (the PNG
 * IHDR here, mp4info.c for MP4), then renames it to <generation id>.<ext>.
 * Every temporary file is removed on every path.
 *
 * Untrusted text never reaches a command line or a filter graph: the prompt
 * is written to a temporary file that drawtext reads (expansion=none), and
 * the filter graph only ever holds numbers, colours and paths that
 * lm_filter_safe accepted. input.image is accepted as a data: URI only; its
 * bytes must be a PNG, JPEG or WebP and are read by the image2 demuxer with
 * the file protocol alone (no format probing of playlists and the like).
 */
#include "providers/local_media.h"

#include <ctype.h>
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

#include <openssl/evp.h>

#include "common/log.h"
#include "providers/local.h"
#include "providers/mp4info.h"
#include "providers/spawn.h"
#include "providers/wav.h"

/* ------------------------------------------------------------ pure parts */

bool lm_image_size(const char *aspect, int *w, int *h)
{
	static const struct { const char *name; int w, h; } t[] = {
		{"1:1", 1024, 1024}, {"16:9", 1024, 576}, {"9:16", 576, 1024},
		{"4:3", 1024, 768}, {"3:4", 768, 1024},
	};
	if (!aspect)
		aspect = "1:1";
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (!strcmp(aspect, t[i].name)) {
			*w = t[i].w;
			*h = t[i].h;
			return true;
		}
	return false;
}

bool lm_video_size(const char *aspect, const char *resolution, int *w, int *h)
{
	static const struct { const char *name; int num, den; } t[] = {
		{"16:9", 16, 9}, {"9:16", 9, 16}, {"1:1", 1, 1}, {"4:3", 4, 3}, {"3:4", 3, 4},
	};
	int shorter;
	if (!resolution || !strcmp(resolution, "360p"))
		shorter = 360;
	else if (!strcmp(resolution, "720p"))
		shorter = 720;
	else
		return false;
	if (!aspect)
		aspect = "16:9";
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (!strcmp(aspect, t[i].name)) {
			int num = t[i].num, den = t[i].den;
			if (num >= den) {      /* landscape or square: height is the shorter side */
				*h = shorter;
				*w = (shorter * num / den + 1) & ~1;
			} else {
				*w = shorter;
				*h = (shorter * den / num + 1) & ~1;
			}
			return true;
		}
	return false;
}

void lm_style(const char *prompt, struct lm_options *o)
{
	uint32_t h = 2166136261u;
	for (const unsigned char *p = (const unsigned char *)(prompt ? prompt : ""); *p; p++)
		h = (h ^ *p) * 16777619u;
	uint32_t g = (h ^ 0x9e3779b9u) * 16777619u;
	/* Mid-dark colours, so white text stays readable. */
	snprintf(o->c0, sizeof o->c0, "0x%02X%02X%02X", 30 + (h & 0x7f), 30 + ((h >> 8) & 0x7f),
		 30 + ((h >> 16) & 0x7f));
	snprintf(o->c1, sizeof o->c1, "0x%02X%02X%02X", 30 + (g & 0x7f), 30 + ((g >> 8) & 0x7f),
		 30 + ((g >> 16) & 0x7f));
	o->seed = h & 0x7fffffffu;
	int shorter = o->width < o->height ? o->width : o->height;
	o->font_size = shorter / 14 > 12 ? shorter / 14 : 12;
	o->wrap_cols = (int)(o->width * 0.85 / (o->font_size * 0.6));
	if (o->wrap_cols < 8)
		o->wrap_cols = 8;
}

/* An option's value as a string: a JSON string, or NULL when absent/null.
 * *bad is set when present with another type. */
static const char *opt_string(const struct job *job, const char *name, bool *bad)
{
	json_t *v = json_object_get(job->options, name);
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		*bad = true;
		return NULL;
	}
	return json_string_value(v);
}

bool lm_parse_options(const struct job *job, struct lm_options *o, char *err, size_t errlen)
{
	memset(o, 0, sizeof *o);
	bool bad = false;
	const char *aspect = opt_string(job, "aspectRatio", &bad);
	bool video = job->type && !strcmp(job->type, "VIDEO");
	bool avatar = job->type && !strcmp(job->type, "AVATAR");

	if (!video && !avatar) {
		if (bad || !lm_image_size(aspect, &o->width, &o->height)) {
			snprintf(err, errlen, "Option aspectRatio must be one of 1:1, 16:9, 9:16, 4:3, 3:4.");
			return false;
		}
		return true;
	}
	if (bad || !lm_video_size(aspect ? aspect : (avatar ? "1:1" : "16:9"), "360p", &o->width, &o->height)) {
		snprintf(err, errlen, "Option aspectRatio must be one of 16:9, 9:16, 1:1, 4:3, 3:4.");
		return false;
	}
	const char *res = opt_string(job, "resolution", &bad);
	if (bad || !lm_video_size(aspect ? aspect : (avatar ? "1:1" : "16:9"), res, &o->width, &o->height)) {
		snprintf(err, errlen, "Option resolution must be 360p or 720p.");
		return false;
	}
	if (avatar)
		return true;

	o->duration = 5;
	json_t *d = json_object_get(job->options, "duration");
	if (d && !json_is_null(d)) {
		long long n = -1;
		if (json_is_integer(d))
			n = json_integer_value(d);
		else if (json_is_real(d) && json_real_value(d) == floor(json_real_value(d)))
			n = (long long)json_real_value(d);
		else if (json_is_string(d)) {
			const char *s = json_string_value(d);
			char *end;
			errno = 0;
			long v = strtol(s, &end, 10);
			if (!errno && end != s && !*end)
				n = v;
		}
		if (n < 2 || n > 10) {
			snprintf(err, errlen, "Option duration must be a whole number of seconds from 2 to 10.");
			return false;
		}
		o->duration = (int)n;
	}
	static const char *const moves[] = {"none", "zoom-in", "zoom-out", "pan-left", "pan-right"};
	const char *cam = opt_string(job, "cameraMove", &bad);
	o->camera = LM_CAM_ZOOM_IN;
	if (cam || bad) {
		size_t i = 0;
		while (!bad && i < sizeof moves / sizeof moves[0] && strcmp(cam, moves[i]))
			i++;
		if (bad || i == sizeof moves / sizeof moves[0]) {
			snprintf(err, errlen, "Option cameraMove must be zoom-in, zoom-out, pan-left, pan-right or none.");
			return false;
		}
		o->camera = (enum lm_camera)i;
	}
	return true;
}

const char *lm_prompt(const struct job *job, bool *bad, char *err, size_t errlen)
{
	*bad = false;
	json_t *t = json_object_get(job->input, "text");
	const char *s = json_is_string(t) ? json_string_value(t) : NULL;
	if (!s)
		return NULL;
	size_t n = strlen(s);
	bool blank = true;
	for (size_t i = 0; i < n && blank; i++)
		blank = isspace((unsigned char)s[i]);
	if (blank)
		return NULL;
	if (n > LM_PROMPT_MAX) {
		*bad = true;
		snprintf(err, errlen, "input.text is longer than %d bytes.", LM_PROMPT_MAX);
		return NULL;
	}
	return s;
}

size_t lm_wrap_text(const char *text, int cols, int max_lines, char *out, size_t outlen)
{
	size_t o = 0;
	int line = 1, col = 0;
	const unsigned char *p = (const unsigned char *)(text ? text : "");
	if (!outlen)
		return 0;
	out[0] = '\0';
	while (*p == ' ' || (*p && *p < 0x20))
		p++;
	while (*p) {
		/* The next word: bytes up to a space or control character. */
		const unsigned char *w = p;
		int wcols = 0;
		while (*p && *p > 0x20 && *p != 0x7f) {
			if ((*p & 0xC0) != 0x80)
				wcols++;
			p++;
		}
		size_t wlen = (size_t)(p - w);
		while (*p && (*p <= 0x20 || *p == 0x7f))
			p++;
		if (!wlen)
			continue;
		if (col > 0 && col + 1 + wcols > cols) {
			if (line == max_lines)
				goto cut;
			if (o + 1 >= outlen)
				goto cut;
			out[o++] = '\n';
			line++;
			col = 0;
		} else if (col > 0) {
			if (o + 1 >= outlen)
				goto cut;
			out[o++] = ' ';
			col++;
		}
		/* A word longer than a line is cut (at a code point boundary). */
		for (size_t i = 0; i < wlen; i++) {
			bool lead = (w[i] & 0xC0) != 0x80;
			if (lead && col >= cols) {
				if (line == max_lines)
					goto cut;
				if (o + 1 >= outlen)
					goto cut;
				out[o++] = '\n';
				line++;
				col = 0;
			}
			if (o + 1 >= outlen)
				goto cut;
			out[o++] = (char)w[i];
			if (lead)
				col++;
		}
	}
	out[o] = '\0';
	return o;
cut:
	/* Drop a partial UTF-8 sequence, then room for "..." (U+2026, 3 bytes). */
	while (o > 0 && ((unsigned char)out[o - 1] & 0xC0) == 0x80)
		o--;
	if (o > 0 && ((unsigned char)out[o - 1] & 0xC0) == 0xC0)
		o--;
	while (o > 0 && o + 4 > outlen)
		o--;
	while (o > 0 && ((unsigned char)out[o] & 0xC0) == 0x80)
		o--;
	if (o + 4 <= outlen) {
		memcpy(out + o, "\xE2\x80\xA6", 3);
		o += 3;
	}
	out[o] = '\0';
	return o;
}

const char *lm_image_kind(const unsigned char *b, size_t n)
{
	if (n >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8))
		return "png";
	if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
		return "jpg";
	if (n >= 12 && !memcmp(b, "RIFF", 4) && !memcmp(b + 8, "WEBP", 4))
		return "webp";
	return NULL;
}

bool lm_data_uri_decode(const char *uri, unsigned char **out, size_t *len, const char **kind,
			char *err, size_t errlen)
{
	*out = NULL;
	*len = 0;
	const char *comma = uri ? strchr(uri, ',') : NULL;
	if (!uri || strncasecmp(uri, "data:", 5) || !comma) {
		snprintf(err, errlen, "input.image must be a data: URI (data:image/png;base64,...) for the local providers.");
		return false;
	}
	size_t hlen = (size_t)(comma - uri);
	if (hlen < 7 || strncasecmp(comma - 7, ";base64", 7)) {
		snprintf(err, errlen, "input.image must be a base64 data: URI.");
		return false;
	}
	const char *b64 = comma + 1;
	size_t n = strlen(b64);
	while (n > 0 && isspace((unsigned char)b64[n - 1]))
		n--;
	if (n == 0 || n % 4 || n / 4 * 3 > (size_t)LM_IMAGE_MAX + 2) {
		snprintf(err, errlen, "input.image is empty, malformed or larger than %u bytes.", LM_IMAGE_MAX);
		return false;
	}
	unsigned char *buf = malloc(n / 4 * 3 + 1);
	if (!buf) {
		snprintf(err, errlen, "Out of memory decoding input.image.");
		return false;
	}
	int got = EVP_DecodeBlock(buf, (const unsigned char *)b64, (int)n);
	if (got < 0) {
		free(buf);
		snprintf(err, errlen, "input.image is not valid base64.");
		return false;
	}
	size_t m = (size_t)got;
	if (n >= 1 && b64[n - 1] == '=')
		m--;
	if (n >= 2 && b64[n - 2] == '=')
		m--;
	*kind = lm_image_kind(buf, m);
	if (!*kind) {
		free(buf);
		snprintf(err, errlen, "input.image must be a PNG, JPEG or WebP picture.");
		return false;
	}
	*out = buf;
	*len = m;
	return true;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

bool png_parse_ihdr(const unsigned char *b, size_t n, int *w, int *h, const char **why)
{
	if (n < 8 || memcmp(b, "\x89PNG\r\n\x1a\n", 8)) {
		*why = "not a PNG signature";
		return false;
	}
	if (n < 8 + 8 + 13 || be32(b + 8) != 13 || memcmp(b + 12, "IHDR", 4)) {
		*why = "no IHDR chunk first";
		return false;
	}
	uint32_t pw = be32(b + 16), ph = be32(b + 20);
	if (pw == 0 || ph == 0 || pw > 0x7fffffffu || ph > 0x7fffffffu) {
		*why = "bad dimensions";
		return false;
	}
	*w = (int)pw;
	*h = (int)ph;
	return true;
}

bool png_read_file(const char *path, int *w, int *h, const char **why)
{
	unsigned char b[33];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*why = strerror(errno);
		return false;
	}
	ssize_t got = read(fd, b, sizeof b);
	close(fd);
	if (got < 0) {
		*why = "read error";
		return false;
	}
	return png_parse_ihdr(b, (size_t)got, w, h, why);
}

json_t *lm_png_metadata(int w, int h, long long size_bytes)
{
	json_t *m = json_object();
	char res[16];
	snprintf(res, sizeof res, "%dp", w < h ? w : h);
	json_object_set_new(m, "width", json_integer(w));
	json_object_set_new(m, "height", json_integer(h));
	json_object_set_new(m, "format", json_string("png"));
	json_object_set_new(m, "resolution", json_string(res));
	json_object_set_new(m, "sizeBytes", json_integer(size_bytes));
	return m;
}

bool lm_filter_safe(const char *path)
{
	if (!path || !*path)
		return false;
	for (const char *p = path; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("/._-", *p))
			return false;
	return true;
}

static void push(struct lm_cmd *c, const char *arg)
{
	if (c->argc + 1 < LM_ARGV_MAX)
		c->argv[c->argc++] = arg;
	c->argv[c->argc] = NULL;
}

static void head(struct lm_cmd *c, const char *bin)
{
	c->argc = 0;
	push(c, bin);
	push(c, "-nostdin");
	push(c, "-hide_banner");
	push(c, "-loglevel");
	push(c, "error");
	push(c, "-y");
}

/* The image2 demuxer on a local file only: no protocol but file, no probing. */
static void image_input(struct lm_cmd *c, const char *image)
{
	push(c, "-protocol_whitelist");
	push(c, "file");
	push(c, "-f");
	push(c, "image2");
	push(c, "-loop");
	push(c, "1");
	push(c, "-framerate");
	push(c, "25");
	push(c, "-i");
	push(c, image);
}

/* ",drawtext=..." of textfile, centred, or "" for no file. */
static int drawtext(char *buf, size_t len, const struct lm_options *o, const char *textfile)
{
	if (!textfile)
		return snprintf(buf, len, "%s", "");
	return snprintf(buf, len,
			",drawtext=fontfile=%s:textfile=%s:expansion=none:fontcolor=white:fontsize=%d"
			":line_spacing=%d:x=(w-text_w)/2:y=(h-text_h)/2:box=1:boxcolor=black@0.35"
			":boxborderw=%d",
			LM_FONT, textfile, o->font_size, o->font_size / 3, o->font_size / 2);
}

/* ",zoompan=..." for the camera move over n frames, or "". */
static int camera(char *buf, size_t len, const struct lm_options *o, int n)
{
	char z[64], x[64];
	switch (o->camera) {
	case LM_CAM_ZOOM_IN:
		snprintf(z, sizeof z, "1+0.3*on/%d", n);
		snprintf(x, sizeof x, "iw/2-iw/zoom/2");
		break;
	case LM_CAM_ZOOM_OUT:
		snprintf(z, sizeof z, "1.3-0.3*on/%d", n);
		snprintf(x, sizeof x, "iw/2-iw/zoom/2");
		break;
	case LM_CAM_PAN_LEFT:
		snprintf(z, sizeof z, "1.25");
		snprintf(x, sizeof x, "(iw-iw/zoom)*(1-on/%d)", n);
		break;
	case LM_CAM_PAN_RIGHT:
		snprintf(z, sizeof z, "1.25");
		snprintf(x, sizeof x, "(iw-iw/zoom)*on/%d", n);
		break;
	case LM_CAM_NONE:
	default:
		return snprintf(buf, len, "%s", "");
	}
	return snprintf(buf, len, ",zoompan=z='%s':x='%s':y='ih/2-ih/zoom/2':d=1:s=%dx%d:fps=%d",
			z, x, o->width, o->height, LM_FPS);
}

void lm_image_cmd(const char *bin, const struct lm_options *o, const char *textfile,
		  const char *out, struct lm_cmd *c)
{
	head(c, bin);
	snprintf(c->lavfi, sizeof c->lavfi,
		 "gradients=s=%dx%d:c0=%s:c1=%s:nb_colors=2:seed=%u:x0=0:y0=0:x1=%d:y1=%d",
		 o->width, o->height, o->c0, o->c1, o->seed, o->width, o->height);
	push(c, "-f");
	push(c, "lavfi");
	push(c, "-i");
	push(c, c->lavfi);
	char dt[512];
	drawtext(dt, sizeof dt, o, textfile);
	snprintf(c->filter, sizeof c->filter, "format=rgb24%s", dt);
	push(c, "-vf");
	push(c, c->filter);
	push(c, "-frames:v");
	push(c, "1");
	push(c, "-c:v");
	push(c, "png");
	push(c, "-f");
	push(c, "image2");
	push(c, "-update");
	push(c, "1");
	push(c, out);
}

static void mp4_tail(struct lm_cmd *c, const char *out)
{
	push(c, "-c:v");
	push(c, "libx264");
	push(c, "-preset");
	push(c, "veryfast");
	push(c, "-pix_fmt");
	push(c, "yuv420p");
	push(c, "-movflags");
	push(c, "+faststart");
	push(c, "-f");
	push(c, "mp4");
	push(c, out);
}

void lm_video_cmd(const char *bin, const struct lm_options *o, const char *image,
		  const char *textfile, const char *out, struct lm_cmd *c)
{
	int frames = o->duration * LM_FPS;
	head(c, bin);
	snprintf(c->size, sizeof c->size, "%dx%d", o->width, o->height);
	snprintf(c->dur, sizeof c->dur, "%d", o->duration);
	snprintf(c->frames, sizeof c->frames, "%d", frames);
	char dt[512], cam[256];
	camera(cam, sizeof cam, o, frames);
	if (image) {
		image_input(c, image);
		snprintf(c->filter, sizeof c->filter,
			 "scale=%d:%d:force_original_aspect_ratio=increase,crop=%d:%d,setsar=1%s,format=yuv420p",
			 o->width, o->height, o->width, o->height, cam);
	} else {
		snprintf(c->lavfi, sizeof c->lavfi,
			 "gradients=s=%dx%d:c0=%s:c1=%s:nb_colors=2:seed=%u:rate=%d:duration=%d",
			 o->width, o->height, o->c0, o->c1, o->seed, LM_FPS, o->duration);
		push(c, "-f");
		push(c, "lavfi");
		push(c, "-i");
		push(c, c->lavfi);
		drawtext(dt, sizeof dt, o, textfile);
		snprintf(c->filter, sizeof c->filter, "setsar=1%s%s,format=yuv420p", dt, cam);
	}
	push(c, "-vf");
	push(c, c->filter);
	push(c, "-frames:v");
	push(c, c->frames);
	push(c, "-r");
	push(c, "25");
	push(c, "-an");
	mp4_tail(c, out);
}

void lm_avatar_cmd(const char *bin, const struct lm_options *o, const char *image,
		   const char *facefile, const char *wav, const char *out, struct lm_cmd *c)
{
	head(c, bin);
	int shorter = o->width < o->height ? o->width : o->height;
	if (image) {
		image_input(c, image);
		snprintf(c->filter, sizeof c->filter,
			 "[0:v]scale=%d:%d:force_original_aspect_ratio=increase,crop=%d:%d,setsar=1,format=yuv420p[v]",
			 o->width, o->height, o->width, o->height);
	} else {
		snprintf(c->lavfi, sizeof c->lavfi, "color=c=%s:s=%dx%d:r=%d", o->c0, o->width, o->height, LM_FPS);
		push(c, "-f");
		push(c, "lavfi");
		push(c, "-i");
		push(c, c->lavfi);
		snprintf(c->filter, sizeof c->filter,
			 "[0:v]drawtext=fontfile=%s:textfile=%s:expansion=none:fontcolor=0xFFE0B0:fontsize=%d"
			 ":x=(w-text_w)/2:y=(h-text_h)/2,setsar=1,format=yuv420p[v]",
			 LM_FONT, facefile, shorter * 7 / 10);
	}
	push(c, "-i");
	push(c, wav);
	push(c, "-filter_complex");
	push(c, c->filter);
	push(c, "-map");
	push(c, "[v]");
	push(c, "-map");
	push(c, "1:a");
	push(c, "-r");
	push(c, "25");
	push(c, "-tune");
	push(c, "stillimage");
	push(c, "-c:a");
	push(c, "aac");
	push(c, "-b:a");
	push(c, "96k");
	push(c, "-shortest");
	mp4_tail(c, out);
}

/* ------------------------------------------------------------ running */

static long long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) ? -1 : (long long)st.st_size;
}

static bool write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return false;
	const char *p = data;
	size_t left = len;
	while (left > 0) {
		ssize_t n = write(fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			unlink(path);
			return false;
		}
		p += n;
		left -= (size_t)n;
	}
	if (close(fd)) {
		unlink(path);
		return false;
	}
	return true;
}

/* The temporary files of one run, removed by cleanup() on every path. */
struct lm_run {
	const char *text, *face, *image, *wav, *out;
};

static void cleanup(const struct lm_run *r)
{
	const char *const f[] = {r->text, r->face, r->image, r->wav, r->out};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		if (f[i])
			unlink(f[i]);
}

static void fail(struct provider_outcome *out, const struct provider_ctx *ctx,
		 enum provider_fault fault, const char *fmt, const char *detail)
{
	provider_fail(out, ctx, API_ERR_GENERATION_FAILED, fmt, detail);
	out->fault = fault;
}

/* Runs c; on failure fills *out (ffmpeg's output in the message). */
static bool run_ffmpeg(const struct job *job, const struct provider_ctx *ctx, struct lm_cmd *c,
		       struct provider_outcome *out)
{
	struct spawn_result res;
	int limit = job->time_limit > 0 && job->time_limit < LM_TIMEOUT_SECONDS ? job->time_limit
									     : LM_TIMEOUT_SECONDS;
	if (spawn_run(c->argv, NULL, 0, limit, &res))
		return true;
	char why[512];
	spawn_describe(&res, why, sizeof why);
	log_msg(LOG_WARN, "%s: %s %s", job->id, ctx->cfg->ffmpeg_bin, why);
	if (res.status == SPAWN_NOT_FOUND)
		fail(out, ctx, FAULT_UPSTREAM, "%s", "ffmpeg is not installed on this server (setting ffmpeg_bin).");
	else
		fail(out, ctx, FAULT_UPSTREAM, "Rendering failed: ffmpeg %s", why);
	return false;
}

/* Common checks; the temporary base name "<media_dir>/.<id>.<pid>". */
static const char *prepare(const struct job *job, const struct provider_ctx *ctx, const char *type,
			   struct provider_outcome *out)
{
	const struct config *cfg = ctx->cfg;
	if (!job->type || strcmp(job->type, type)) {
		fail(out, ctx, FAULT_REQUEST, "This local provider makes %s only.", type);
		return NULL;
	}
	if (!provider_valid_id(job->id)) {
		fail(out, ctx, FAULT_REQUEST, "%s", "Invalid generation id.");
		return NULL;
	}
	if (access(cfg->media_dir, W_OK)) {
		log_msg(LOG_ERROR, "media_dir %s is not writable: %s", cfg->media_dir, strerror(errno));
		fail(out, ctx, FAULT_UPSTREAM, "%s",
		     "The server cannot store results right now (media directory not writable).");
		return NULL;
	}
	const char *base = arena_printf(ctx->arena, "%s/.%s.%d", cfg->media_dir, job->id, (int)getpid());
	if (!lm_filter_safe(base)) {
		log_msg(LOG_ERROR, "media_dir %s has characters ffmpeg filters cannot take ([A-Za-z0-9/._-] only)",
			cfg->media_dir);
		fail(out, ctx, FAULT_UPSTREAM, "%s",
		     "The server cannot render locally (media directory path not usable by ffmpeg).");
		return NULL;
	}
	return base;
}

/* Writes the wrapped prompt for drawtext; NULL on failure (out filled). */
static const char *text_file(const struct provider_ctx *ctx, const char *base, const char *prompt,
			     const struct lm_options *o, int max_lines, struct provider_outcome *out)
{
	char wrapped[LM_TEXT_MAX];
	size_t n = lm_wrap_text(prompt, o->wrap_cols, max_lines, wrapped, sizeof wrapped);
	const char *path = arena_printf(ctx->arena, "%s.txt", base);
	if (!write_file(path, wrapped, n)) {
		fail(out, ctx, FAULT_UPSTREAM, "The server could not write a temporary file (%s).", strerror(errno));
		return NULL;
	}
	return path;
}

/* input.image (a data: URI) into "<base>.in.<kind>", or NULL when absent;
 * *failed on a bad image (out filled, FAULT_REQUEST). */
static const char *image_file(const struct job *job, const struct provider_ctx *ctx, const char *base,
			      bool *failed, struct provider_outcome *out)
{
	*failed = false;
	json_t *img = json_object_get(job->input, "image");
	if (!img || json_is_null(img))
		return NULL;
	char err[256];
	unsigned char *bytes;
	size_t len;
	const char *kind;
	if (!lm_data_uri_decode(json_string_value(img), &bytes, &len, &kind, err, sizeof err)) {
		fail(out, ctx, FAULT_REQUEST, "%s", err);
		*failed = true;
		return NULL;
	}
	const char *path = arena_printf(ctx->arena, "%s.in.%s", base, kind);
	bool ok = write_file(path, bytes, len);
	free(bytes);
	if (!ok) {
		fail(out, ctx, FAULT_UPSTREAM, "The server could not write a temporary file (%s).", strerror(errno));
		*failed = true;
		return NULL;
	}
	return path;
}

/* Renames the produced file to <id>.<ext> and completes *out. */
static void store(const struct job *job, const struct provider_ctx *ctx, const char *produced,
		  const char *ext, json_t *meta, struct provider_outcome *out)
{
	const char *name = arena_printf(ctx->arena, "%s.%s", job->id, ext);
	const char *final = arena_printf(ctx->arena, "%s/%s", ctx->cfg->media_dir, name);
	if (rename(produced, final)) {
		log_msg(LOG_ERROR, "%s: cannot store %s: %s", job->id, final, strerror(errno));
		unlink(produced);
		json_decref(meta);
		fail(out, ctx, FAULT_UPSTREAM, "%s", "The server could not store the result.");
		return;
	}
	arena_defer(ctx->arena, (void (*)(void *))json_decref, meta);
	memset(out, 0, sizeof *out);
	out->kind = PROVIDER_COMPLETED;
	out->task_id = arena_printf(ctx->arena, "local:%s", job->id);
	out->path = final;
	out->url = provider_media_url(ctx, name);
	out->metadata = meta;
	out->progress = 100;
}

/* The produced MP4's metadata, or NULL (out filled). */
static json_t *mp4_meta(const struct job *job, const struct provider_ctx *ctx, const char *path,
			struct provider_outcome *out)
{
	struct mp4_info info;
	const char *why = "";
	memset(&info, 0, sizeof info);
	if (!mp4_read(path, &info, &why) || info.width <= 0) {
		log_msg(LOG_WARN, "%s: ffmpeg wrote an unreadable MP4: %s", job->id, why);
		fail(out, ctx, FAULT_UPSTREAM, "Rendering produced an unreadable MP4 (%s).", why);
		return NULL;
	}
	info.size_bytes = file_size(path);
	return mp4_metadata(&info);
}

static void make_image(const struct job *job, const struct provider_ctx *ctx,
		       struct provider_outcome *out)
{
	char err[256];
	struct lm_options o;
	bool bad;
	const char *base = prepare(job, ctx, "IMAGE", out);
	if (!base)
		return;
	const char *prompt = lm_prompt(job, &bad, err, sizeof err);
	if (!prompt) {
		fail(out, ctx, FAULT_REQUEST, "%s", bad ? err : "An image needs input.text.");
		return;
	}
	if (!lm_parse_options(job, &o, err, sizeof err)) {
		fail(out, ctx, FAULT_REQUEST, "%s", err);
		return;
	}
	lm_style(prompt, &o);
	struct lm_run r = {0};
	if (!(r.text = text_file(ctx, base, prompt, &o, 10, out)))
		return;
	r.out = arena_printf(ctx->arena, "%s.tmp.png", base);
	struct lm_cmd c;
	lm_image_cmd(ctx->cfg->ffmpeg_bin, &o, r.text, r.out, &c);
	if (!run_ffmpeg(job, ctx, &c, out)) {
		cleanup(&r);
		return;
	}
	int w, h;
	const char *why;
	long long size = file_size(r.out);
	if (size <= 0 || !png_read_file(r.out, &w, &h, &why)) {
		cleanup(&r);
		fail(out, ctx, FAULT_UPSTREAM, "%s", "Rendering produced an unreadable PNG.");
		return;
	}
	const char *produced = r.out;
	r.out = NULL;
	cleanup(&r);
	store(job, ctx, produced, "png", lm_png_metadata(w, h, size), out);
}

static void make_video(const struct job *job, const struct provider_ctx *ctx,
		       struct provider_outcome *out)
{
	char err[256];
	struct lm_options o;
	bool bad, failed;
	const char *base = prepare(job, ctx, "VIDEO", out);
	if (!base)
		return;
	const char *prompt = lm_prompt(job, &bad, err, sizeof err);
	if (bad) {
		fail(out, ctx, FAULT_REQUEST, "%s", err);
		return;
	}
	if (!lm_parse_options(job, &o, err, sizeof err)) {
		fail(out, ctx, FAULT_REQUEST, "%s", err);
		return;
	}
	lm_style(prompt, &o);
	struct lm_run r = {0};
	r.image = image_file(job, ctx, base, &failed, out);
	if (failed)
		return;
	if (!r.image && !prompt) {
		fail(out, ctx, FAULT_REQUEST, "%s", "A video needs input.text or input.image.");
		return;
	}
	if (!r.image && !(r.text = text_file(ctx, base, prompt, &o, 6, out)))
		return;
	r.out = arena_printf(ctx->arena, "%s.tmp.mp4", base);
	struct lm_cmd c;
	lm_video_cmd(ctx->cfg->ffmpeg_bin, &o, r.image, r.text, r.out, &c);
	if (!run_ffmpeg(job, ctx, &c, out)) {
		if (r.image)
			out->fault = FAULT_REQUEST; /* most likely an image ffmpeg cannot decode */
		cleanup(&r);
		return;
	}
	json_t *meta = mp4_meta(job, ctx, r.out, out);
	if (!meta) {
		cleanup(&r);
		return;
	}
	const char *produced = r.out;
	r.out = NULL;
	cleanup(&r);
	store(job, ctx, produced, "mp4", meta, out);
}

static void make_avatar(const struct job *job, const struct provider_ctx *ctx,
			struct provider_outcome *out)
{
	char err[256];
	struct lm_options o;
	struct local_options speech;
	bool bad, failed;
	const char *base = prepare(job, ctx, "AVATAR", out);
	if (!base)
		return;
	const char *text = lm_prompt(job, &bad, err, sizeof err);
	if (!text) {
		fail(out, ctx, FAULT_REQUEST, "%s", bad ? err : "An avatar needs input.text to speak.");
		return;
	}
	if (!lm_parse_options(job, &o, err, sizeof err) ||
	    !local_parse_options(job, &speech, err, sizeof err)) {
		fail(out, ctx, FAULT_REQUEST, "%s", err);
		return;
	}
	lm_style(text, &o);
	struct lm_run r = {0};
	r.image = image_file(job, ctx, base, &failed, out);
	if (failed)
		return;
	if (!r.image) {
		r.face = arena_printf(ctx->arena, "%s.face.txt", base);
		if (!write_file(r.face, "\xE2\x98\xBA", 3)) {  /* U+263A WHITE SMILING FACE */
			cleanup(&r);
			fail(out, ctx, FAULT_UPSTREAM, "The server could not write a temporary file (%s).",
			     strerror(errno));
			return;
		}
	}
	/* The speech, exactly as the `local` provider makes it. */
	r.wav = arena_printf(ctx->arena, "%s.tmp.wav", base);
	const char *argv[LOCAL_ARGV_MAX];
	struct spawn_result res;
	local_espeak_argv(ctx->cfg->espeak_bin, &speech, r.wav, argv);
	if (!spawn_run(argv, text, strlen(text), LOCAL_TIMEOUT_SECONDS, &res)) {
		char why[512];
		spawn_describe(&res, why, sizeof why);
		log_msg(LOG_WARN, "%s: %s %s", job->id, ctx->cfg->espeak_bin, why);
		cleanup(&r);
		fail(out, ctx, FAULT_UPSTREAM, "Speech synthesis failed: espeak-ng %s", why);
		return;
	}
	struct wav_info wav;
	const char *why;
	if (!wav_read_file(r.wav, &wav, &why)) {
		cleanup(&r);
		fail(out, ctx, FAULT_UPSTREAM, "Speech synthesis produced an unreadable WAV file (%s).", why);
		return;
	}
	r.out = arena_printf(ctx->arena, "%s.tmp.mp4", base);
	struct lm_cmd c;
	lm_avatar_cmd(ctx->cfg->ffmpeg_bin, &o, r.image, r.face, r.wav, r.out, &c);
	if (!run_ffmpeg(job, ctx, &c, out)) {
		if (r.image)
			out->fault = FAULT_REQUEST;
		cleanup(&r);
		return;
	}
	json_t *meta = mp4_meta(job, ctx, r.out, out);
	if (!meta) {
		cleanup(&r);
		return;
	}
	const char *produced = r.out;
	r.out = NULL;
	cleanup(&r);
	store(job, ctx, produced, "mp4", meta, out);
}

const struct provider_adapter provider_local_image = {
	.name = "local-image",
	.synchronous = true,
	.offline = true,
	.submit = make_image,
	.poll = make_image,
};

const struct provider_adapter provider_local_video = {
	.name = "local-video",
	.synchronous = true,
	.offline = true,
	.submit = make_video,
	.poll = make_video,
};

const struct provider_adapter provider_local_avatar = {
	.name = "local-avatar",
	.synchronous = true,
	.offline = true,
	.submit = make_avatar,
	.poll = make_avatar,
};
