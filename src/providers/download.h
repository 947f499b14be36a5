/*
 * download.h - storing an upstream's result file in media_dir, the one
 * place every adapter's file goes through whatever the upstream hands over:
 *   - a result URL (async tasks, Seedream's synchronous URLs): a streamed GET;
 *   - a response body that is the file itself (ElevenLabs): the upstream
 *     call's own body is streamed to disk (store_exchange);
 *   - bytes already in memory (base64 in JSON: Imagen, Seedream b64_json),
 *     also as a "data:<type>;base64," result URL (Vertex AI's inline video).
 * In every case: the outbound client's guard, time-outs and size cap, a
 * temporary name, the Content-Type checked against the job's kind (video
 * for VIDEO and AVATAR, image, audio), the format sniffed from the bytes
 * and the metadata read from the file (media_info.c), then a rename to
 * "<id>.<ext>" (mp4, png, jpg, webp, mp3, wav). Any failure leaves nothing
 * in media_dir and makes the outcome FAILED with FAULT_UPSTREAM.
 */
#ifndef DOITONG_DOWNLOAD_H
#define DOITONG_DOWNLOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "outbound/http.h"
#include "providers/media_info.h"
#include "providers/provider.h"

/* Largest result stored (bytes), and how long one download may take. */
#define DOWNLOAD_MAX_BYTES (2ull * 1024 * 1024 * 1024)
#define DOWNLOAD_TIMEOUT_MS 300000L
/* Gemini's file URIs redirect to storage; a chain longer than this fails. */
#define DOWNLOAD_MAX_REDIRECTS 3
/* Largest error body read back from a streamed answer that was not a file. */
#define STORE_ERROR_BODY_MAX 65536

/* True for a Content-Type a video result may have (media_type_ok). */
bool download_type_ok(const char *content_type);

/*
 * Downloads url into media_dir/<job id>.<ext> and turns *out (a COMPLETED
 * outcome holding the upstream URL) into the stored result: url =
 * provider_media_url(ctx, "<id>.<ext>"), path = the file, metadata from the
 * file. On any failure *out becomes FAILED with FAULT_UPSTREAM (an expired
 * URL, a refused type, a file that is not of the job's kind). label names
 * the provider in messages. headers ("Name: value", NULL-terminated, or
 * NULL) go with the request: an upstream whose result URL needs its API key
 * (Gemini's Files API) passes its auth header; a redirect (at most
 * DOWNLOAD_MAX_REDIRECTS, each hop guarded again) to another origin drops
 * them. url may be "data:<type>;base64,<data>" (stored as store_base64).
 */
void download_result(const struct job *job, const struct provider_ctx *ctx, const char *url,
		     const char *const *headers, const struct outbound_policy *policy,
		     const char *label, struct provider_outcome *out);

/*
 * Performs req (its save_fd is set here) with the body streamed into a
 * temporary file in media_dir. Returns:
 *   1  a 2xx answer: *out is the stored result (COMPLETED) or FAILED when
 *      the bytes are not a file of the job's kind;
 *   2  another status: nothing is kept, resp->body holds the first
 *      STORE_ERROR_BODY_MAX bytes of the answer for the caller to classify;
 *   0  no answer (resp->fail), nothing kept;
 *  -1  nothing sent: *out FAILED (media_dir not writable, invalid id).
 */
int store_exchange(const struct job *job, const struct provider_ctx *ctx,
		   struct http_request *req, const char *label, struct http_response *resp,
		   struct provider_outcome *out);

/* Stores bytes[0..len) (a decoded base64 result) like a download;
 * content_type (the type the upstream declared, or NULL) is checked like a
 * Content-Type. */
void store_bytes(const struct job *job, const struct provider_ctx *ctx,
		 const unsigned char *bytes, size_t len, const char *content_type,
		 const char *label, struct provider_outcome *out);

/* Decodes b64 (standard base64, as JSON answers carry files) and stores
 * it like store_bytes; FAILED (FAULT_UPSTREAM) when it is not base64. */
void store_base64(const struct job *job, const struct provider_ctx *ctx, const char *b64,
		  const char *content_type, const char *label, struct provider_outcome *out);

/* Decodes n bytes of standard base64 into a malloc'd *out (caller frees)
 * of *len bytes; false when it is not base64. */
bool download_base64_decode(const char *b64, size_t n, unsigned char **out, size_t *len);

#endif
