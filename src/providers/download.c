/*
 * download.c - see download.h. The bytes go into a temporary file in
 * media_dir (".<id>.<pid>.dl.tmp"), which is renamed over "<id>.<ext>" only
 * after the status, the type and the file's own headers checked out; every
 * failure unlinks it. Messages name the provider, never the URL (it may be
 * signed).
 */
#include "providers/download.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <stdlib.h>

#include <openssl/evp.h>

#include "common/log.h"

bool download_type_ok(const char *ct)
{
	return media_type_ok(MEDIA_VIDEO, ct);
}

static void dl_fail(struct provider_outcome *out, const struct provider_ctx *ctx,
		    const char *upstream_status, const char *fmt, const char *label,
		    const char *detail)
{
	provider_fail(out, ctx, API_ERR_GENERATION_FAILED, fmt, label, detail);
	out->fault = FAULT_UPSTREAM;
	out->upstream_status = upstream_status;
}

/* The temporary file of job, created empty; NULL with *out FAILED. */
static const char *tmp_open(const struct job *job, const struct provider_ctx *ctx,
			    const char *label, int *fd, struct provider_outcome *out)
{
	if (!provider_valid_id(job->id)) {
		dl_fail(out, ctx, "download", "Provider %s's result could not be stored (%s).", label,
			"invalid generation id");
		return NULL;
	}
	const char *tmp = arena_printf(ctx->arena, "%s/.%s.%d.dl.tmp", ctx->cfg->media_dir, job->id,
				       (int)getpid());
	*fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (*fd < 0) {
		log_msg(LOG_ERROR, "%s: cannot create %s: %s", job->id, tmp, strerror(errno));
		dl_fail(out, ctx, "download", "Provider %s's result could not be stored (%s).", label,
			"media directory not writable");
		return NULL;
	}
	return tmp;
}

/*
 * The bytes in tmp are the result: checks the Content-Type and the format
 * against the job's kind, reads the metadata, renames. *out keeps its
 * task_id and upstream_status. tmp is gone afterwards either way.
 */
static void commit(const struct job *job, const struct provider_ctx *ctx, const char *tmp,
		   const char *content_type, const char *label, struct provider_outcome *out)
{
	struct arena *a = ctx->arena;
	enum media_kind kind = media_kind_of_type(job->type);
	const char *what = media_kind_name(kind);
	struct media_info info;
	const char *why = NULL;
	if (!media_type_ok(kind, content_type)) {
		dl_fail(out, ctx, "download type", "Provider %s's result is not %s.", label,
			arena_printf(a, "%s %s (Content-Type %.60s)", kind == MEDIA_VIDEO ? "a" : "an",
				     what, content_type));
	} else if (!media_read(tmp, &info, &why)) {
		dl_fail(out, ctx, "download format", "Provider %s's result is not a readable file (%s).",
			label, why);
	} else if (info.kind != kind) {
		dl_fail(out, ctx, "download format", "Provider %s's result is not %s.", label,
			arena_printf(a, "%s %s (%s)", kind == MEDIA_VIDEO ? "a" : "an", what,
				     info.format));
	} else {
		const char *name = arena_printf(a, "%s.%s", job->id, info.ext);
		const char *final = arena_printf(a, "%s/%s", ctx->cfg->media_dir, name);
		if (rename(tmp, final)) {
			log_msg(LOG_ERROR, "%s: cannot rename %s: %s", job->id, tmp, strerror(errno));
			dl_fail(out, ctx, "download", "Provider %s's result could not be stored (%s).",
				label, "rename failed");
		} else {
			json_t *meta = media_metadata(&info);
			arena_defer(a, (void (*)(void *))json_decref, meta);
			const char *task_id = out->task_id, *us = out->upstream_status;
			memset(out, 0, sizeof *out);
			out->kind = PROVIDER_COMPLETED;
			out->task_id = task_id;
			out->url = provider_media_url(ctx, name);
			out->path = final;
			out->metadata = meta;
			out->progress = 100;
			out->upstream_status = us;
			return;
		}
	}
	unlink(tmp);
}

/* The first STORE_ERROR_BODY_MAX bytes of fd as text (an error answer). */
static char *read_back(int fd, struct arena *a)
{
	char *buf = arena_alloc(a, STORE_ERROR_BODY_MAX + 1);
	ssize_t got = pread(fd, buf, STORE_ERROR_BODY_MAX, 0);
	buf[got > 0 ? got : 0] = '\0';
	return buf;
}

int store_exchange(const struct job *job, const struct provider_ctx *ctx,
		   struct http_request *req, const char *label, struct http_response *resp,
		   struct provider_outcome *out)
{
	int fd;
	memset(resp, 0, sizeof *resp);
	const char *tmp = tmp_open(job, ctx, label, &fd, out);
	if (!tmp)
		return -1;
	req->save_fd = fd;
	if (!req->max_response_bytes)
		req->max_response_bytes = (size_t)DOWNLOAD_MAX_BYTES;
	int rc = http_request(ctx->http, ctx->arena, req, resp);
	int result;
	if (rc != 0) {
		result = 0;
	} else if (resp->status < 200 || resp->status >= 300) {
		resp->body = read_back(fd, ctx->arena);
		resp->body_len = strlen(resp->body);
		result = 2;
	} else {
		result = 1;
	}
	bool closed = close(fd) == 0;
	if (result != 1) {
		unlink(tmp);
		return result;
	}
	const char *task_id = out->task_id;
	memset(out, 0, sizeof *out);
	out->task_id = task_id;
	out->upstream_status = arena_printf(ctx->arena, "%ld", resp->status);
	if (!closed) {
		dl_fail(out, ctx, "download", "Provider %s's result could not be stored (%s).", label,
			"write error");
		unlink(tmp);
		return 1;
	}
	commit(job, ctx, tmp, resp->content_type, label, out);
	return 1;
}

void download_result(const struct job *job, const struct provider_ctx *ctx, const char *url,
		     const char *const *headers, const struct outbound_policy *policy,
		     const char *label, struct provider_outcome *out)
{
	struct arena *a = ctx->arena;
	if (!strncmp(url, "data:", 5)) {
		/* A result the upstream returned inline (Vertex AI's bytesBase64Encoded). */
		const char *mark = strstr(url, ";base64,");
		if (mark) {
			store_base64(job, ctx, mark + 8, arena_strndup(a, url + 5, (size_t)(mark - url - 5)),
				     label, out);
			return;
		}
		dl_fail(out, ctx, "download format", "Provider %s's result could not be stored (%s).",
			label, "an inline result that is not base64");
		return;
	}
	struct http_request req = {
		.method = "GET",
		.url = url,
		.headers = headers,
		.timeout_ms = DOWNLOAD_TIMEOUT_MS,
		.max_response_bytes = (size_t)DOWNLOAD_MAX_BYTES,
		.policy = *policy,
		.max_redirects = DOWNLOAD_MAX_REDIRECTS,
	};
	struct http_response resp;
	const char *us = out->upstream_status;
	struct provider_outcome o = *out;
	switch (store_exchange(job, ctx, &req, label, &resp, &o)) {
	case 1:
		if (o.kind == PROVIDER_COMPLETED)
			o.upstream_status = us;
		*out = o;
		return;
	case 2:
		dl_fail(out, ctx, arena_printf(a, "download %ld", resp.status),
			"Provider %s's result could not be downloaded (%s).", label,
			arena_printf(a, "HTTP %ld; the link may have expired", resp.status));
		return;
	case 0:
		dl_fail(out, ctx, arena_printf(a, "download %s", http_fail_name(resp.fail)),
			"Provider %s's result could not be downloaded (%s).", label,
			http_fail_name(resp.fail));
		return;
	default:
		*out = o;
		return;
	}
}

void store_bytes(const struct job *job, const struct provider_ctx *ctx,
		 const unsigned char *bytes, size_t len, const char *content_type,
		 const char *label, struct provider_outcome *out)
{
	int fd;
	const char *tmp = tmp_open(job, ctx, label, &fd, out);
	if (!tmp)
		return;
	size_t done = 0;
	while (done < len) {
		ssize_t w = write(fd, bytes + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	if (close(fd) != 0 || done != len) {
		dl_fail(out, ctx, "download", "Provider %s's result could not be stored (%s).", label,
			"write error");
		unlink(tmp);
		return;
	}
	commit(job, ctx, tmp, content_type, label, out);
}

bool download_base64_decode(const char *b64, size_t n, unsigned char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	unsigned char *buf = n % 4 == 0 && n <= (size_t)DOWNLOAD_MAX_BYTES ? malloc(n / 4 * 3 + 1) : NULL;
	int got = buf ? EVP_DecodeBlock(buf, (const unsigned char *)b64, (int)n) : -1;
	if (got < 0) {
		free(buf);
		return false;
	}
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	*len = (size_t)got - (n && b64[n - 1] == '=') - (n > 1 && b64[n - 2] == '=');
	*out = buf;
	return true;
}

void store_base64(const struct job *job, const struct provider_ctx *ctx, const char *b64,
		  const char *content_type, const char *label, struct provider_outcome *out)
{
	unsigned char *buf;
	size_t len;
	if (!download_base64_decode(b64, strlen(b64), &buf, &len)) {
		dl_fail(out, ctx, "download format", "Provider %s's result could not be stored (%s).",
			label, "the answer's file is not valid base64");
		return;
	}
	store_bytes(job, ctx, buf, len, content_type, label, out);
	free(buf);
}
