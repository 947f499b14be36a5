/*
 * download.h - storing an upstream's result file in media_dir: a streamed
 * download through the outbound client (address guard, time-outs, size cap,
 * at most DOWNLOAD_MAX_REDIRECTS redirects, each hop guarded again and the
 * headers kept to the first URL's origin), or the bytes of a base64 data:
 * URL (a result returned inline), a Content-Type check, a temporary name
 * and a rename, then the file's own metadata (mp4info.c).
 */
#ifndef DOITONG_DOWNLOAD_H
#define DOITONG_DOWNLOAD_H

#include <stdbool.h>

#include "outbound/http.h"
#include "providers/provider.h"

/* Largest result stored (bytes), and how long one download may take. */
#define DOWNLOAD_MAX_BYTES (2ull * 1024 * 1024 * 1024)
#define DOWNLOAD_TIMEOUT_MS 300000L
/* Gemini's file URIs redirect to storage; a chain longer than this fails. */
#define DOWNLOAD_MAX_REDIRECTS 3

/* True for a Content-Type a video result may have: video/... or
 * application/octet-stream (parameters ignored), or none at all. */
bool download_type_ok(const char *content_type);

/*
 * Downloads url into media_dir/<job id>.mp4 and turns *out (a COMPLETED
 * outcome holding the upstream URL) into the stored result: url =
 * provider_media_url(ctx, "<id>.mp4"), path = the file, metadata from the
 * file. On any failure *out becomes FAILED with FAULT_UPSTREAM (an expired
 * URL, a refused type, a file that is not an MP4) and nothing is left in
 * media_dir. label names the provider in messages. headers ("Name: value",
 * NULL-terminated, or NULL) go with the request: an upstream whose result
 * URL needs its API key (Gemini's Files API) passes its auth header; a
 * redirect to another origin drops them. url may be "data:<type>;base64,...".
 */
void download_video(const struct job *job, const struct provider_ctx *ctx, const char *url,
		    const char *const *headers, const struct outbound_policy *policy,
		    const char *label, struct provider_outcome *out);

#endif
