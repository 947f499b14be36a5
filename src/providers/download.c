/*
 * download.c - see download.h. The body streams into a temporary file in
 * media_dir (".<id>.<pid>.dl.tmp"), which is renamed over "<id>.mp4" only
 * after the status, the type and the MP4 boxes checked out; every failure
 * unlinks it. Messages name the provider, never the URL (it may be signed).
 */
#include "providers/download.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "common/log.h"
#include "providers/mp4info.h"

/* Writes the bytes of "data:<type>;base64,<data>" to fd; *type is the
 * media type (arena). false when it is not base64 or writing fails. */
static bool save_data_uri(int fd, const char *uri, struct arena *a, const char **type)
{
	const char *mark = strstr(uri, ";base64,");
	if (!mark)
		return false;
	*type = arena_strndup(a, uri + 5, (size_t)(mark - uri - 5));
	const unsigned char *p = (const unsigned char *)mark + 8;
	size_t left = strlen((const char *)p);
	EVP_ENCODE_CTX *ctx = EVP_ENCODE_CTX_new();
	bool ok = ctx != NULL;
	if (ok)
		EVP_DecodeInit(ctx);
	unsigned char buf[49152 + 64];
	while (ok && left) {
		int chunk = left > 65536 ? 65536 : (int)left, n = 0;
		ok = EVP_DecodeUpdate(ctx, buf, &n, p, chunk) >= 0 &&
		     (n == 0 || write(fd, buf, (size_t)n) == n);
		p += chunk;
		left -= (size_t)chunk;
	}
	int n = 0;
	ok = ok && EVP_DecodeFinal(ctx, buf, &n) == 1 && (n == 0 || write(fd, buf, (size_t)n) == n);
	EVP_ENCODE_CTX_free(ctx);
	return ok;
}

bool download_type_ok(const char *ct)
{
	if (!ct || !*ct)
		return true;
	while (*ct == ' ')
		ct++;
	if (!strncasecmp(ct, "video/", 6))
		return true;
	size_t n = strlen("application/octet-stream");
	return !strncasecmp(ct, "application/octet-stream", n) &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static void dl_fail(struct provider_outcome *out, const struct provider_ctx *ctx,
		    const char *upstream_status, const char *fmt, const char *label,
		    const char *detail)
{
	provider_fail(out, ctx, API_ERR_GENERATION_FAILED, fmt, label, detail);
	out->fault = FAULT_UPSTREAM;
	out->upstream_status = upstream_status;
}

void download_video(const struct job *job, const struct provider_ctx *ctx, const char *url,
		    const char *const *headers, const struct outbound_policy *policy,
		    const char *label, struct provider_outcome *out)
{
	struct arena *a = ctx->arena;
	const char *task_id = out->task_id;
	if (!provider_valid_id(job->id)) {
		dl_fail(out, ctx, "download", "Provider %s's result could not be stored (%s).", label,
			"invalid generation id");
		return;
	}
	const char *dir = ctx->cfg->media_dir;
	const char *tmp = arena_printf(a, "%s/.%s.%d.dl.tmp", dir, job->id, (int)getpid());
	const char *final = arena_printf(a, "%s/%s.mp4", dir, job->id);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		log_msg(LOG_ERROR, "%s: cannot create %s: %s", job->id, tmp, strerror(errno));
		dl_fail(out, ctx, "download", "Provider %s's result could not be stored (%s).", label,
			"media directory not writable");
		return;
	}
	struct http_request req = {
		.method = "GET",
		.url = url,
		.headers = headers,
		.timeout_ms = DOWNLOAD_TIMEOUT_MS,
		.max_response_bytes = (size_t)DOWNLOAD_MAX_BYTES,
		.save_fd = fd,
		.policy = *policy,
		.max_redirects = DOWNLOAD_MAX_REDIRECTS,
	};
	struct http_response resp;
	memset(&resp, 0, sizeof resp);
	int rc;
	if (!strncmp(url, "data:", 5)) {
		/* A result the upstream returned inline (Vertex AI's bytesBase64Encoded). */
		rc = save_data_uri(fd, url, a, &resp.content_type) ? 0 : -1;
		resp.status = 200;
		resp.fail = rc ? HTTP_FAIL_WRITE : HTTP_FAIL_NONE;
	} else {
		rc = http_request(ctx->http, a, &req, &resp);
	}
	bool closed = close(fd) == 0;
	const char *why = NULL;
	if (rc != 0) {
		dl_fail(out, ctx, arena_printf(a, "download %s", http_fail_name(resp.fail)),
			"Provider %s's result could not be downloaded (%s).", label,
			http_fail_name(resp.fail));
	} else if (resp.status != 200) {
		dl_fail(out, ctx, arena_printf(a, "download %ld", resp.status),
			"Provider %s's result could not be downloaded (%s).", label,
			arena_printf(a, "HTTP %ld; the link may have expired", resp.status));
	} else if (!download_type_ok(resp.content_type)) {
		dl_fail(out, ctx, "download type", "Provider %s's result is not a video (%s).", label,
			arena_printf(a, "Content-Type %.60s", resp.content_type));
	} else if (!closed) {
		dl_fail(out, ctx, "download", "Provider %s's result could not be stored (%s).", label,
			"write error");
	} else {
		struct mp4_info info;
		if (!mp4_read(tmp, &info, &why)) {
			dl_fail(out, ctx, "download format", "Provider %s's result is not an MP4 video (%s).",
				label, why);
		} else if (rename(tmp, final)) {
			log_msg(LOG_ERROR, "%s: cannot rename %s: %s", job->id, tmp, strerror(errno));
			dl_fail(out, ctx, "download", "Provider %s's result could not be stored (%s).",
				label, "rename failed");
		} else {
			json_t *meta = mp4_metadata(&info);
			arena_defer(a, (void (*)(void *))json_decref, meta);
			const char *us = out->upstream_status;
			memset(out, 0, sizeof *out);
			out->kind = PROVIDER_COMPLETED;
			out->task_id = task_id;
			out->url = provider_media_url(ctx, arena_printf(a, "%s.mp4", job->id));
			out->path = final;
			out->metadata = meta;
			out->progress = 100;
			out->upstream_status = us;
			return;
		}
	}
	unlink(tmp);
}
