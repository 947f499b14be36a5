/*
 * hedra.c - Hedra Character-3 (providers.md §15): the portrait and the
 * audio are uploaded as assets first, then the generation is an async task
 * (family A) on the task_api transport.
 *
 *   assets  POST {base}/assets {"name", "type": "image"|"audio"} -> {"id"};
 *           POST {base}/assets/{id}/upload  multipart/form-data, field "file"
 *   submit  POST {base}/generations {"type": "video", "ai_model_id",
 *           "start_keyframe_id": <image asset>, "audio_id": <audio asset>,
 *           "generated_video_inputs": {"text_prompt", "resolution",
 *           "aspect_ratio", "duration_ms", "seed"}} -> {"id"}
 *   poll    GET {base}/generations/{id}/status: status queued|pending|
 *           processing|complete|error, url / download_url, error_message
 * Auth: x-api-key. Base https://api.hedra.com/web-app/public.
 * input.image (the portrait) and input.audio (the speech) are data: URIs or
 * URLs the server fetches itself (through the outbound guard, at most
 * HEDRA_INPUT_MAX bytes) before uploading. Hedra animates to audio: a job
 * with text but no audio is refused (the text is the scene prompt only;
 * speech from text is not a documented Hedra API call). The asset steps
 * create nothing billable, so a lost answer there is a plain failure; only
 * the generation's submit can be unknown. No cancel, no reconcile.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "providers/download.h"
#include "providers/task_run.h"

#define HEDRA_INPUT_MAX (50u * 1024 * 1024)

static const struct task_status_map hedra_statuses[] = {
	{ "queued", TASK_QUEUED },
	{ "pending", TASK_QUEUED },
	{ "processing", TASK_RUNNING },
	{ "complete", TASK_SUCCEEDED },
	{ "error", TASK_FAILED },
	{ NULL, TASK_UNKNOWN },
};

static const char *input_text(const struct job *job, const char *name)
{
	json_t *v = json_object_get(job->input, name);
	return json_is_string(v) && json_string_length(v) ? json_string_value(v) : NULL;
}

static bool hedra_generation(const struct job *job, struct arena *a, struct task_call *call,
			     const char **why)
{
	const char *image = input_text(job, "hedraImageAsset"), *audio = input_text(job, "hedraAudioAsset");
	if (!image || !audio) {
		*why = "Hedra needs the portrait and the audio uploaded first.";
		return false;
	}
	json_t *gi = json_object();
	const char *text = input_text(job, "text");
	json_object_set_new(gi, "text_prompt", json_string(text ? text : ""));
	const char *v = task_option_text(job, "resolution", a);
	json_object_set_new(gi, "resolution", json_string(v ? v : "720p"));
	if ((v = task_option_text(job, "aspectRatio", a)))
		json_object_set_new(gi, "aspect_ratio", json_string(v));
	json_t *o = json_object_get(job->options, "duration");
	if (json_is_integer(o))
		json_object_set_new(gi, "duration_ms", json_integer(json_integer_value(o) * 1000));
	o = json_object_get(job->options, "seed");
	if (json_is_integer(o))
		json_object_set(gi, "seed", o);
	json_t *b = json_object();
	json_object_set_new(b, "type", json_string("video"));
	json_object_set_new(b, "ai_model_id", json_string(job->upstream_model && *job->upstream_model
							  ? job->upstream_model
							  : "d1dd37a3-e39a-4854-a298-6510289f9cf2"));
	json_object_set_new(b, "start_keyframe_id", json_string(image));
	json_object_set_new(b, "audio_id", json_string(audio));
	json_object_set_new(b, "generated_video_inputs", gi);
	call->method = "POST";
	call->path = "/generations";
	call->body = task_json_body(a, b);
	return true;
}

static bool hedra_status(const struct job *job, const char *task_id, struct arena *a,
			 struct task_call *call)
{
	(void)job;
	call->method = "GET";
	call->path = arena_printf(a, "/generations/%s/status", task_id);
	call->body = NULL;
	return true;
}

static void hedra_refine(json_t *root, long http_status, struct arena *a, struct task_view *v)
{
	(void)http_status;
	json_t *d = json_object_get(root, "download_url");
	if (!v->url && v->state == TASK_SUCCEEDED && json_is_string(d) && json_string_length(d))
		v->url = arena_strdup(a, json_string_value(d));
	json_t *m = json_object_get(root, "message");
	if (!v->message && json_is_string(m))
		v->message = arena_strdup(a, json_string_value(m));
	if ((v->err != TASK_ERR_NONE || v->state == TASK_FAILED) && v->message &&
	    (strcasestr(v->message, "moderation") || strcasestr(v->message, "policy")))
		v->err = TASK_ERR_MODERATION;
}

const struct task_api task_api_hedra = {
	.name = "hedra",
	.label = "Hedra",
	.default_base = "https://api.hedra.com/web-app/public",
	.statuses = hedra_statuses,
	.id_path = "id",
	.status_path = "status",
	.url_path = "url",
	.message_path = "error_message",
	.error_message_path = "detail",
	.progress_scale = 1,
	.key_header = "x-api-key",
	.build_submit = hedra_generation,
	.build_poll = hedra_status,
	.refine = hedra_refine,
};

/* ------------------------------------------------------------ assets */

struct hedra_io {
	const struct job *job;
	const struct provider_ctx *ctx;
	const char *base, *auth;
	struct provider_outcome *out;
};

static void fail_request(struct hedra_io *io, const char *msg)
{
	provider_fail(io->out, io->ctx, API_ERR_GENERATION_FAILED, "%s", msg);
	io->out->fault = FAULT_REQUEST;
	io->out->upstream_status = "refused";
}

/* One call of the asset steps; false with *out set when it got no 2xx. */
static bool call(struct hedra_io *io, const char *method, const char *path, const char *ctype,
		 const void *body, size_t len, struct http_response *resp)
{
	const struct provider_ctx *ctx = io->ctx;
	const char *headers[] = { io->auth, "Accept: application/json",
				  arena_printf(ctx->arena, "Content-Type: %s", ctype), NULL };
	struct http_request req = {
		.method = method,
		.url = arena_printf(ctx->arena, "%s%s", io->base, path),
		.headers = headers,
		.body = body,
		.body_len = len,
		.timeout_ms = DOWNLOAD_TIMEOUT_MS,
		.connect_timeout_ms = TASK_CONNECT_TIMEOUT_MS,
		.save_fd = -1,
		.policy = outbound_policy_of(ctx->cfg->webhook_allow_private, ctx->cfg->outbound_allow_loopback),
	};
	memset(resp, 0, sizeof *resp);
	if (http_request(ctx->http, ctx->arena, &req, resp) != 0) {
		/* nothing billable exists yet: a plain failure, never "unknown" */
		task_transport_outcome(&task_api_hedra, TASK_PHASE_SUBMIT, io->job, false,
				       http_fail_name(resp->fail), ctx->arena, io->out);
		return false;
	}
	if (resp->status >= 200 && resp->status < 300)
		return true;
	struct task_view v;
	task_parse(&task_api_hedra, resp->status, resp->body, ctx->arena, &v);
	task_outcome(&task_api_hedra, TASK_PHASE_SUBMIT, io->job, resp->status,
		     resp->retry_after_seconds, &v, ctx->arena, io->out);
	return false;
}

/* The bytes of input `name` (a data: URI or a URL fetched here). */
static bool fetch(struct hedra_io *io, const char *name, const char *uri, const unsigned char **bytes,
		  size_t *len, const char **mime)
{
	struct arena *a = io->ctx->arena;
	if (!strncmp(uri, "data:", 5)) {
		const char *mark = strstr(uri, ";base64,");
		unsigned char *buf;
		if (!mark || !download_base64_decode(mark + 8, strlen(mark + 8), &buf, len) || !*len ||
		    *len > HEDRA_INPUT_MAX) {
			fail_request(io, arena_printf(a, "input.%s is not a usable base64 data: URI.", name));
			return false;
		}
		unsigned char *copy = arena_alloc(a, *len);
		memcpy(copy, buf, *len);
		free(buf);
		*bytes = copy;
		*mime = arena_strndup(a, uri + 5, (size_t)(mark - uri - 5));
		return true;
	}
	struct http_request req = {
		.method = "GET",
		.url = uri,
		.timeout_ms = DOWNLOAD_TIMEOUT_MS,
		.max_response_bytes = HEDRA_INPUT_MAX,
		.save_fd = -1,
		.policy = outbound_policy_of(io->ctx->cfg->webhook_allow_private,
					     io->ctx->cfg->outbound_allow_loopback),
	};
	struct http_response resp;
	memset(&resp, 0, sizeof resp);
	if (http_request(io->ctx->http, a, &req, &resp) != 0 || resp.status != 200 || !resp.body_len) {
		fail_request(io, arena_printf(a, "input.%s could not be fetched (%s).", name,
					      resp.fail ? http_fail_name(resp.fail)
							: arena_printf(a, "HTTP %ld", resp.status)));
		return false;
	}
	*bytes = (const unsigned char *)resp.body;
	*len = resp.body_len;
	*mime = resp.content_type ? resp.content_type : "application/octet-stream";
	return true;
}

/* Creates an asset of kind and uploads bytes into it: its id, or NULL. */
static const char *upload(struct hedra_io *io, const char *kind, const unsigned char *bytes,
			  size_t len, const char *mime)
{
	struct arena *a = io->ctx->arena;
	const char *filename = !strcmp(kind, "image") ? "portrait" : "speech";
	json_t *b = json_object();
	json_object_set_new(b, "name", json_string(filename));
	json_object_set_new(b, "type", json_string(kind));
	const char *body = task_json_body(a, b);
	struct http_response resp;
	if (!call(io, "POST", "/assets", "application/json", body, strlen(body), &resp))
		return NULL;
	json_t *root = json_loads(resp.body, 0, NULL);
	json_t *id = json_object_get(root, "id");
	const char *asset = json_is_string(id) ? arena_strdup(a, json_string_value(id)) : NULL;
	json_decref(root);
	struct task_api probe = { .slash_ids = false };
	if (!asset || !task_id_ok(&probe, asset)) {
		provider_fail(io->out, io->ctx, API_ERR_GENERATION_FAILED,
			      "Provider Hedra created an asset without a usable id.");
		io->out->fault = FAULT_UPSTREAM;
		io->out->upstream_status = arena_printf(a, "%ld", resp.status);
		return NULL;
	}
	/* multipart/form-data with one part: field "file" */
	const char *boundary = arena_printf(a, "doitong-%s-%lld", io->job->id, (long long)time(NULL));
	const char *head = arena_printf(a, "--%s\r\nContent-Disposition: form-data; name=\"file\"; "
					   "filename=\"%s\"\r\nContent-Type: %s\r\n\r\n",
					boundary, filename, strpbrk(mime, "\r\n") ? "application/octet-stream" : mime);
	const char *tail = arena_printf(a, "\r\n--%s--\r\n", boundary);
	size_t hl = strlen(head), tl = strlen(tail);
	unsigned char *mp = arena_alloc(a, hl + len + tl);
	memcpy(mp, head, hl);
	memcpy(mp + hl, bytes, len);
	memcpy(mp + hl + len, tail, tl);
	if (!call(io, "POST", arena_printf(a, "/assets/%s/upload", asset),
		  arena_printf(a, "multipart/form-data; boundary=%s", boundary), mp, hl + len + tl, &resp))
		return NULL;
	return asset;
}

static void hedra_submit(const struct job *job, const struct provider_ctx *ctx,
			 struct provider_outcome *out)
{
	struct arena *a = ctx->arena;
	const struct task_api *api = &task_api_hedra;
	struct hedra_io io = { .job = job, .ctx = ctx, .out = out };
	const char *image = task_input_image(job), *audio = input_text(job, "audio");
	if (task_route_of(job) != TASK_ROUTE_DIRECT || !provider_valid_id(job->id)) {
		task_submit(api, job, ctx, out);  /* refused there, with its reason */
		return;
	}
	if (!image || !audio) {
		fail_request(&io, !image ? "Hedra needs a portrait in input.image."
					 : "Hedra animates to speech: input.audio is required (text alone "
					   "is only the scene prompt).");
		return;
	}
	const char *why = NULL;
	const char *key = task_key(api, job, a, &why);
	if (!key || !task_auth(api, key, 0, a, &io.auth, &why)) {
		provider_fail(out, ctx, API_ERR_GENERATION_FAILED, "%s", why);
		out->fault = FAULT_CONFIG;
		out->upstream_status = "no key";
		return;
	}
	if (!ctx->http) {
		task_submit(api, job, ctx, out);
		return;
	}
	io.base = task_base_url(api, job, a);
	const unsigned char *bytes;
	size_t len;
	const char *mime;
	const char *image_id = fetch(&io, "image", image, &bytes, &len, &mime)
			       ? upload(&io, "image", bytes, len, mime) : NULL;
	if (!image_id)
		return;
	const char *audio_id = fetch(&io, "audio", audio, &bytes, &len, &mime)
			       ? upload(&io, "audio", bytes, len, mime) : NULL;
	if (!audio_id)
		return;
	/* The generation itself: the usual submit, with the asset ids. */
	json_t *in = json_deep_copy(job->input);
	arena_defer(a, (void (*)(void *))json_decref, in);
	json_object_set_new(in, "hedraImageAsset", json_string(image_id));
	json_object_set_new(in, "hedraAudioAsset", json_string(audio_id));
	struct job j = *job;
	j.input = in;
	task_submit(api, &j, ctx, out);
}

static void hedra_poll(const struct job *job, const struct provider_ctx *ctx,
		       struct provider_outcome *out)
{
	task_poll(&task_api_hedra, job, ctx, out);
}

const struct provider_adapter provider_hedra = {
	.name = "hedra",
	.submit = hedra_submit,
	.poll = hedra_poll,
	.cancel = NULL,            /* Hedra documents no cancel */
	.reconcile = NULL,         /* no client id upstream: nothing to look up */
};
