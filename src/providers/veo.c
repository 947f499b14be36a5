/*
 * veo.c - Google Veo on the Gemini API, a long-running operation on the
 * async-task family (providers.md §4, family B).
 *
 *   submit  POST {base}/models/{model}:predictLongRunning
 *           x-goog-api-key: <key>, Accept/Content-Type: application/json
 *           {"instances": [{"prompt", "image": {"bytesBase64Encoded",
 *            "mimeType"}}], "parameters": {"aspectRatio", "durationSeconds",
 *            "resolution", "negativePrompt", "personGeneration",
 *            "enhancePrompt"}} -> {"name": "models/{m}/operations/{id}"}
 *   poll    GET {base}/{name}: no "done" (or false) -> running; done with
 *           "error" {code, message, status} -> failed; done with "response"
 *           -> response.generateVideoResponse.generatedSamples[0].video.uri
 *   result  that URI is a Files-API download that needs the key too: the
 *           download carries x-goog-api-key (task_api.download_auth).
 * The base is .../v1beta. The task id is the operation name, with '/'
 * (task_api.slash_ids). The Gemini API takes the image inline only, so
 * input.image must be a base64 data: URI; a URL is refused before any
 * request. Errors are Google RPC {"error": {code, message, status}}:
 * RESOURCE_EXHAUSTED retry, INVALID_ARGUMENT the request's (but
 * API_KEY_INVALID in its details the operator's), PERMISSION_DENIED,
 * UNAUTHENTICATED and FAILED_PRECONDITION (billing, region) the operator's.
 * A finished operation's error is final: INVALID_ARGUMENT the request's,
 * anything else (even RESOURCE_EXHAUSTED) the provider's. Done with no
 * sample and raiMediaFilteredCount > 0 is moderation.
 * No cancel (not meaningful for Veo), no reconcile (no client id).
 *
 * Vertex AI (route `vertex`, task_api_veo_vertex; providers.md §4 "Vertex AI
 * variant"): the same model strings and body, other transport:
 *   base    {vertex_url}/projects/{p}/locations/{l}/publishers/google/models
 *           (vertex_auth.c), Authorization: Bearer <OAuth2 access token>
 *   submit  POST {base}/{model}:predictLongRunning -> {"name": "projects/.../
 *           operations/{id}"}; input.image may also be a gs:// URI (gcsUri)
 *   poll    POST {base}/{model}:fetchPredictOperation {"operationName": name}
 *           -> done / error / response.videos[0] = {gcsUri | bytesBase64Encoded,
 *           mimeType}; raiMediaFilteredCount/Reasons in response
 *   result  bytesBase64Encoded becomes a data: URL the download decodes;
 *           gcsUri (only when an output bucket was asked for) is fetched
 *           from Cloud Storage with the same token (vertex_storage_url).
 * Errors are the same Google RPC statuses as above.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "providers/task_api.h"
#include "providers/vertex_auth.h"

static bool veo_model_ok(const char *m)
{
	if (!m || !*m || strlen(m) > 100)
		return false;
	for (; *m; m++)
		if (!((*m >= 'a' && *m <= 'z') || (*m >= '0' && *m <= '9') || *m == '-' || *m == '.'))
			return false;
	return true;
}

/* "data:<mime>;base64,<data>" -> the image object, or NULL. */
static json_t *inline_image(const char *uri)
{
	if (strncmp(uri, "data:", 5))
		return NULL;
	const char *semi = strstr(uri, ";base64,");
	if (!semi || semi == uri + 5 || !semi[8])
		return NULL;
	json_t *img = json_object();
	json_object_set_new(img, "bytesBase64Encoded", json_string(semi + 8));
	json_object_set_new(img, "mimeType", json_stringn(uri + 5, (size_t)(semi - uri - 5)));
	return img;
}

/* The upstream model string (veo-3.0-generate-001 by default), or NULL. */
static const char *veo_model(const struct job *job)
{
	const char *model = job->upstream_model && *job->upstream_model ? job->upstream_model
									  : "veo-3.0-generate-001";
	return veo_model_ok(model) ? model : NULL;
}

/* "gs://bucket/object" -> {"gcsUri", "mimeType"} (Vertex only), or NULL. */
static json_t *gcs_image(const char *uri)
{
	if (strncmp(uri, "gs://", 5) || !uri[5] || strchr(uri, '?'))
		return NULL;
	const char *dot = strrchr(uri, '.');
	const char *mime = dot && !strcasecmp(dot, ".png") ? "image/png"
			 : dot && !strcasecmp(dot, ".webp") ? "image/webp" : "image/jpeg";
	json_t *img = json_object();
	json_object_set_new(img, "gcsUri", json_string(uri));
	json_object_set_new(img, "mimeType", json_string(mime));
	return img;
}

/* The predictLongRunning body, or NULL with *why. */
static const char *veo_body(const struct job *job, bool vertex, struct arena *a, const char **why)
{
	const char *prompt = task_prompt(job, a);
	if (!prompt) {
		*why = "Veo needs input.text.";
		return NULL;
	}
	json_t *inst = json_object();
	json_object_set_new(inst, "prompt", json_string(prompt));
	const char *image = task_input_image(job);
	if (image) {
		json_t *img = inline_image(image);
		if (!img && vertex)
			img = gcs_image(image);
		if (!img) {
			json_decref(inst);
			*why = vertex ? "Veo on Vertex AI takes the image inline or from Cloud Storage: "
					"input.image must be a base64 data: URI or a gs:// URI."
				      : "Veo takes the image inline: input.image must be a base64 data: URI.";
			return NULL;
		}
		json_object_set_new(inst, "image", img);
	}
	json_t *par = json_object();
	const char *v = task_option_text(job, "aspectRatio", a);
	if (v)
		json_object_set_new(par, "aspectRatio", json_string(v));
	if ((v = task_option_text(job, "duration", a)))
		json_object_set_new(par, "durationSeconds", json_integer(strtol(v, NULL, 10)));
	if ((v = task_option_text(job, "resolution", a)))
		json_object_set_new(par, "resolution", json_string(v));
	if ((v = task_option_text(job, "negativePrompt", a)) && *v)
		json_object_set_new(par, "negativePrompt", json_string(v));
	if ((v = task_option_text(job, "personGeneration", a)))
		json_object_set_new(par, "personGeneration", json_string(v));
	json_t *ep = json_object_get(job->options, "enhancePrompt");
	if (json_is_boolean(ep))
		json_object_set_new(par, "enhancePrompt", json_boolean(json_is_true(ep)));
	if (vertex)
		json_object_set_new(par, "sampleCount", json_integer(1));
	json_t *b = json_object();
	json_t *instances = json_array();
	json_array_append_new(instances, inst);
	json_object_set_new(b, "instances", instances);
	json_object_set_new(b, "parameters", par);
	return task_json_body(a, b);
}

/* POST {base}{prefix}{model}:predictLongRunning: the Gemini API's prefix is
 * "/models/", Vertex AI's base already ends in .../models. */
static bool submit_call(const struct job *job, bool vertex, struct arena *a, struct task_call *call,
			const char **why)
{
	const char *model = veo_model(job);
	if (!model) {
		*why = "Veo's model name is not usable.";
		return false;
	}
	const char *body = veo_body(job, vertex, a, why);
	if (!body)
		return false;
	call->method = "POST";
	call->path = arena_printf(a, "%s%s:predictLongRunning", vertex ? "/" : "/models/", model);
	call->body = body;
	return true;
}

static bool veo_submit(const struct job *job, struct arena *a, struct task_call *call,
		       const char **why)
{
	return submit_call(job, false, a, call, why);
}

static bool veo_poll(const struct job *job, const char *name, struct arena *a,
		     struct task_call *call)
{
	(void)job;
	call->method = "GET";
	call->path = arena_printf(a, "/%s", name);
	call->body = NULL;
	return true;
}

/* True when a Google error's details name reason. */
static bool has_reason(json_t *error, const char *reason)
{
	json_t *d, *details = json_object_get(error, "details");
	size_t i;
	json_array_foreach(details, i, d) {
		json_t *r = json_object_get(d, "reason");
		if (json_is_string(r) && !strcmp(json_string_value(r), reason))
			return true;
	}
	return false;
}

void task_google_error(json_t *root, long http_status, struct arena *a, struct task_view *v)
{
	json_t *error = json_object_get(root, "error");
	json_t *st = json_object_get(error, "status");
	const char *status = json_is_string(st) ? json_string_value(st) : NULL;
	if ((http_status >= 200 && http_status < 300) || !status)
		return;
	v->error_code = arena_strdup(a, status);
	if (has_reason(error, "API_KEY_INVALID")) {
		v->error_code = "API_KEY_INVALID";
		v->err = TASK_ERR_ACCOUNT;
	} else if (!strcmp(status, "RESOURCE_EXHAUSTED")) {
		v->err = TASK_ERR_THROTTLE;
	} else if (!strcmp(status, "INVALID_ARGUMENT")) {
		v->err = TASK_ERR_REQUEST;
	} else if (!strcmp(status, "PERMISSION_DENIED") || !strcmp(status, "UNAUTHENTICATED") ||
		   !strcmp(status, "FAILED_PRECONDITION")) {
		v->err = TASK_ERR_ACCOUNT;
	}
}

/* Both APIs' answers: Google RPC errors, then the operation; `samples` is
 * the array of results in `resp` (Gemini's generatedSamples, Vertex's
 * videos). */
static void refine_operation(json_t *root, long http_status, json_t *resp, const char *samples_key,
			     struct arena *a, struct task_view *v)
{
	json_t *error = json_object_get(root, "error");
	json_t *st = json_object_get(error, "status");
	const char *status = json_is_string(st) ? json_string_value(st) : NULL;
	if (http_status < 200 || http_status >= 300) {
		/* An error answer: Google RPC status refines the HTTP one. */
		task_google_error(root, http_status, a, v);
		return;
	}
	if (!json_is_true(json_object_get(root, "done"))) {
		v->state = TASK_RUNNING;
		v->status = "running";
		return;
	}
	v->status = "done";
	if (error) {
		v->state = TASK_FAILED;
		json_t *code = json_object_get(error, "code");
		v->error_code = status ? arena_strdup(a, status)
			      : json_is_integer(code) ? arena_printf(a, "%lld", (long long)json_integer_value(code))
			      : "error";
		if (status && !strcmp(status, "INVALID_ARGUMENT"))
			v->err = TASK_ERR_REQUEST;
		return;
	}
	json_t *samples = json_object_get(resp, samples_key);
	json_t *filtered = json_object_get(resp, "raiMediaFilteredCount");
	if (json_array_size(samples) == 0 && json_is_integer(filtered) &&
	    json_integer_value(filtered) > 0) {
		v->state = TASK_FAILED;
		v->err = TASK_ERR_MODERATION;
		v->error_code = "RAI_FILTERED";
		json_t *why = task_json_path(resp, "raiMediaFilteredReasons.0");
		if (json_is_string(why))
			v->message = arena_strdup(a, json_string_value(why));
		return;
	}
	v->state = TASK_SUCCEEDED;
}

static void veo_refine(json_t *root, long http_status, struct arena *a, struct task_view *v)
{
	refine_operation(root, http_status, task_json_path(root, "response.generateVideoResponse"),
			 "generatedSamples", a, v);
}

/* Vertex: a video returned inline becomes a data: URL (download.c decodes it). */
static void vertex_refine(json_t *root, long http_status, struct arena *a, struct task_view *v)
{
	json_t *resp = json_object_get(root, "response");
	refine_operation(root, http_status, resp, "videos", a, v);
	if (v->state != TASK_SUCCEEDED || v->url)
		return;
	json_t *video = json_array_get(json_object_get(resp, "videos"), 0);
	json_t *bytes = json_object_get(video, "bytesBase64Encoded");
	json_t *mime = json_object_get(video, "mimeType");
	/* The declared type goes with the bytes: download.c checks it like a
	 * Content-Type. */
	if (json_is_string(bytes) && json_string_length(bytes))
		v->url = arena_printf(a, "data:%s;base64,%s",
				      json_is_string(mime) && json_string_length(mime) &&
				      !strpbrk(json_string_value(mime), ";,")
				      ? json_string_value(mime) : "video/mp4",
				      json_string_value(bytes));
}

const struct task_api task_api_veo = {
	.name = "veo",
	.label = "Veo",
	.default_base = "https://generativelanguage.googleapis.com/v1beta",
	.id_path = "name",
	.url_path = "response.generateVideoResponse.generatedSamples.0.video.uri",
	.progress_scale = 1,
	.message_path = "error.message",
	.error_message_path = "error.message",
	.key_header = "x-goog-api-key",
	.build_submit = veo_submit,
	.build_poll = veo_poll,
	.refine = veo_refine,
	.slash_ids = true,
	.download_auth = true,
	.vertex = &task_api_veo_vertex,
};

/* ------------------------------------------------------------ Vertex AI */

static bool vertex_submit(const struct job *job, struct arena *a, struct task_call *call,
			  const char **why)
{
	return submit_call(job, true, a, call, why);
}

static bool vertex_poll(const struct job *job, const char *name, struct arena *a,
			struct task_call *call)
{
	const char *model = veo_model(job);
	if (!model)
		return false;
	json_t *b = json_object();
	json_object_set_new(b, "operationName", json_string(name));
	call->method = "POST";
	call->path = arena_printf(a, "/%s:fetchPredictOperation", model);
	call->body = task_json_body(a, b);
	return true;
}

bool task_vertex_creds(const struct provider_ctx *ctx, const char **key, const char **base,
		       enum provider_fault *fault, const char **why)
{
	const char *project = NULL;
	if (!vertex_access_token(ctx, key, &project, fault, why))
		return false;
	*base = vertex_models_url(ctx->cfg, project, ctx->arena);
	return true;
}

static const char *vertex_result_url(const struct provider_ctx *ctx, const char *ref,
				     struct arena *a, const char **why)
{
	if (!strncmp(ref, "data:", 5))
		return ref;
	const char *url = vertex_storage_url(ctx->cfg, ref, a);
	if (!url)
		*why = "Veo on Vertex AI named a result that is not a gs:// object.";
	return url;
}

const struct task_api task_api_veo_vertex = {
	.name = "veo",
	.label = "Veo (Vertex AI)",
	.route = TASK_ROUTE_VERTEX,
	.id_path = "name",
	.url_path = "response.videos.0.gcsUri",
	.progress_scale = 1,
	.message_path = "error.message",
	.error_message_path = "error.message",
	.auth = task_auth_bearer,
	.build_submit = vertex_submit,
	.build_poll = vertex_poll,
	.refine = vertex_refine,
	.slash_ids = true,
	.download_auth = true,
	.creds = task_vertex_creds,
	.result_url = vertex_result_url,
	.max_answer_bytes = VERTEX_ANSWER_MAX,
};
