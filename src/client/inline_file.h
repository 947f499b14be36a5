/*
 * inline_file.h - `--image FILE`: a local picture sent inline as a base64
 * data: URI (the API takes input.image as an http(s) URL or as such a URI of
 * at most 716,800 bytes, sql/internal/data_uri_ok.sql).
 */
#ifndef DOITONG_CLIENT_INLINE_FILE_H
#define DOITONG_CLIENT_INLINE_FILE_H

#include <stddef.h>

/* Largest file sent inline: its data: URI stays under the API's limit. */
#define INLINE_IMAGE_MAX_BYTES (512u * 1024u)

/* True when arg is already a reference the API takes as it is (an http or
 * https URL, or a data: URI), false when it names a local file. */
int inline_is_reference(const char *arg);

/* The image type of the first bytes (PNG, JPEG, GIF, WebP), or NULL. */
const char *inline_image_type(const unsigned char *bytes, size_t n);

/* "data:<type>;base64,<bytes>" for n bytes of the given type (malloc'd). */
char *inline_data_uri(const char *type, const unsigned char *bytes, size_t n);

/* Reads path and returns its data: URI (malloc'd), or NULL with a message
 * in err: unreadable, empty, larger than INLINE_IMAGE_MAX_BYTES, or not a
 * PNG, JPEG, GIF or WebP picture. */
char *inline_image_file(const char *path, char *err, size_t errlen);

#endif
