/*
 * local_media.h - the offline image, video and avatar providers
 * (`local-image`, `local-video`, `local-avatar`): ffmpeg composes a picture
 * or a clip from the prompt (a gradient whose colours come from the prompt's
 * hash, the prompt's words drawn on it), animates an image given as a data:
 * URI, or puts espeak-ng's speech under a portrait. No network, no account.
 *
 * The pure steps (option mapping, sizes, colours, text wrapping, data: URIs,
 * the PNG header, argument vectors) are exported for the unit tests.
 */
#ifndef DOITONG_LOCAL_MEDIA_H
#define DOITONG_LOCAL_MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "providers/provider.h"

#define LM_TIMEOUT_SECONDS 180
#define LM_PROMPT_MAX 2000                 /* bytes of input.text drawn or spoken */
#define LM_IMAGE_MAX (8u * 1024 * 1024)    /* decoded bytes of input.image */
#define LM_ARGV_MAX 64
#define LM_FONT "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#define LM_FPS 25
#define LM_TEXT_MAX 1024                   /* the wrapped text written for drawtext */

extern const struct provider_adapter provider_local_image;
extern const struct provider_adapter provider_local_video;
extern const struct provider_adapter provider_local_avatar;

enum lm_camera { LM_CAM_NONE, LM_CAM_ZOOM_IN, LM_CAM_ZOOM_OUT, LM_CAM_PAN_LEFT, LM_CAM_PAN_RIGHT };

struct lm_options {
	int width, height;       /* output frame, even numbers */
	int duration;            /* video seconds (2..10); 0 for images and avatars */
	enum lm_camera camera;
	char c0[9], c1[9];       /* gradient colours "0xRRGGBB" */
	unsigned seed;           /* the prompt's hash */
	int font_size;           /* pixels */
	int wrap_cols;           /* characters per drawn line */
};

/* Frame size of an image for aspectRatio (1:1 default, 16:9, 9:16, 4:3, 3:4):
 * 1024 on the longer side. False for any other value. */
bool lm_image_size(const char *aspect, int *w, int *h);

/* Frame size of a video for aspectRatio and resolution (360p default, 720p,
 * the shorter side). False for any other value. */
bool lm_video_size(const char *aspect, const char *resolution, int *w, int *h);

/* Colours and seed from the prompt (FNV-1a), font size and line length from
 * the frame. */
void lm_style(const char *prompt, struct lm_options *o);

/* Reads options for job->type: IMAGE aspectRatio; VIDEO aspectRatio,
 * resolution, duration (integer or numeric string, 2..10, default 5),
 * cameraMove; AVATAR aspectRatio, resolution (voice and speed are local.c's).
 * Returns false with a client-facing reason in err. */
bool lm_parse_options(const struct job *job, struct lm_options *o, char *err, size_t errlen);

/* input.text trimmed of nothing, or NULL when absent/blank; err set when it
 * is present but longer than LM_PROMPT_MAX (then *bad is true). */
const char *lm_prompt(const struct job *job, bool *bad, char *err, size_t errlen);

/* Wraps text at spaces into lines of at most cols characters (UTF-8 code
 * points), at most max_lines lines (an ellipsis marks the cut); control
 * characters become spaces. Always NUL-terminates out. Returns its length. */
size_t lm_wrap_text(const char *text, int cols, int max_lines, char *out, size_t outlen);

/* "png", "jpg" or "webp" from the first bytes, or NULL. */
const char *lm_image_kind(const unsigned char *b, size_t n);

/* Decodes "data:image/...;base64,...." into a malloc'd buffer (caller
 * frees) of at most LM_IMAGE_MAX bytes holding a PNG, JPEG or WebP.
 * Returns false with a client-facing reason in err. */
bool lm_data_uri_decode(const char *uri, unsigned char **out, size_t *len, const char **kind,
			char *err, size_t errlen);

/* Width and height from a PNG's signature and IHDR chunk. */
bool png_parse_ihdr(const unsigned char *b, size_t n, int *w, int *h, const char **why);
bool png_read_file(const char *path, int *w, int *h, const char **why);

/* {width, height, format "png", resolution "<shorter side>p", sizeBytes}. */
json_t *lm_png_metadata(int w, int h, long long size_bytes);

/* True when path can go into an ffmpeg filter argument unescaped:
 * [A-Za-z0-9/._-] only. */
bool lm_filter_safe(const char *path);

/* An ffmpeg command: argv points into the buffers. */
struct lm_cmd {
	const char *argv[LM_ARGV_MAX];
	size_t argc;
	char size[24], dur[16], frames[16], lavfi[256], filter[2048];
};

/* ffmpeg writing a one-frame PNG at out: gradient, the text of textfile. */
void lm_image_cmd(const char *bin, const struct lm_options *o, const char *textfile,
		  const char *out, struct lm_cmd *c);

/* ffmpeg writing an MP4 at out: from image (a file, kind "png"/"jpg"/"webp")
 * when not NULL, else the gradient with textfile's text (textfile may be NULL
 * for no text); the camera move over o->duration seconds. */
void lm_video_cmd(const char *bin, const struct lm_options *o, const char *image,
		  const char *textfile, const char *out, struct lm_cmd *c);

/* ffmpeg writing an MP4 at out: the portrait image (or, when NULL, a card
 * drawing facefile's glyph) for as long as the speech in wav lasts. */
void lm_avatar_cmd(const char *bin, const struct lm_options *o, const char *image,
		   const char *facefile, const char *wav, const char *out, struct lm_cmd *c);

#endif
