/*
 * routes.c - the aggregator routes: a provider whose catalog `route` is
 * fal or replicate runs through that aggregator's API (providers.md §17,
 * §18) instead of the vendor's, on the async-task family. One descriptor
 * per aggregator, generic over the routed provider: the aggregator's model
 * id comes from the catalog (job->fal_model, job->replicate_model) and the
 * job's prompt, image and options are mapped onto that model's input
 * fields by a small per-adapter table. The key is the aggregator's
 * (DOITONG_FAL_KEY, DOITONG_REPLICATE_KEY), as is the base URL override
 * (DOITONG_FAL_URL, DOITONG_REPLICATE_URL: a local fake or gateway).
 *
 * fal queue (family A' plus a result step):
 *   submit  POST {base}/{model_id}   Authorization: Key <key>; body = the
 *           model's input -> {"request_id", "status": "IN_QUEUE", status_url...}
 *   poll    GET {base}/{owner}/{app}/requests/{id}/status: 202 with
 *           IN_QUEUE|IN_PROGRESS, 200 with COMPLETED (+ error, error_type
 *           when the request failed)
 *   result  GET {base}/{owner}/{app}/requests/{id} -> video.url; a refused
 *           request answers 422 {"detail": [{"msg", "type"}]}
 *   cancel  PUT {base}/{owner}/{app}/requests/{id}/cancel
 * The status, result and cancel URLs use the model's owner/app only (never
 * its sub-path), so they are rebuilt from the model id and the request id
 * rather than stored: the task id stays a plain request id.
 *
 * Replicate predictions:
 *   submit  POST {base}/models/{owner}/{name}/predictions {"input": {...}}
 *           (a model id with ":version" goes to POST {base}/predictions
 *           {"version", "input"}), Authorization: Bearer <token>
 *   poll    GET {base}/predictions/{id} (= urls.get): status
 *           starting|processing|succeeded|failed|canceled, output (a URL or
 *           a list of URLs), error
 *   cancel  POST {base}/predictions/{id}/cancel
 * Errors are problem details {"title", "detail", "status"}.
 *
 * Images and speech ride the same two descriptors: an image or audio job
 * keeps its model id whatever its input (no text/image-to-video sibling),
 * a TTS model takes the text as "text", FLUX Krea's quality tier becomes
 * num_inference_steps, and fal's result names the file at images.0.url,
 * image.url, audio.url or audio_file.url instead of video.url.
 *
 * Classification is task_api.c's; on top: fal error_type
 * content_policy_violation and texts naming NSFW, sensitive or flagged
 * content (Replicate's failed predictions and E005) are moderation.
 */
#include <stdlib.h>
#include <string.h>

#include "providers/task_api.h"

/* ------------------------------------------------------------ input mapping */

enum route_duration {
	DUR_NONE,     /* the model takes no duration */
	DUR_INT,      /* 5 */
	DUR_TEXT,     /* "5" */
	DUR_TEXT_S,   /* "5s" */
};

/* How one routed adapter's job becomes the aggregator model's input. */
struct route_input {
	const char *adapter;          /* NULL: the default row */
	const char *text;             /* the model's prompt field (NULL: "prompt") */
	const char *image;            /* the model's image field */
	enum route_duration duration;
	bool aspect;                  /* aspect_ratio */
	bool resolution;              /* resolution */
};

static const struct route_input fal_inputs[] = {
	{ "kling", NULL, "image_url", DUR_TEXT, true, false },
	{ "minimax", NULL, "image_url", DUR_TEXT, false, false },
	{ "luma", NULL, "image_url", DUR_TEXT_S, true, true },
	{ "veo", NULL, "image_url", DUR_TEXT_S, true, true },
	{ "seedance", NULL, "image_url", DUR_TEXT, true, true },
	{ "wan", NULL, "image_url", DUR_NONE, false, true },
	{ "vidu", NULL, "image_url", DUR_INT, true, true },
	{ "elevenlabs", "text", "image_url", DUR_NONE, false, false },
	{ "flux-kontext", NULL, "image_url", DUR_NONE, true, false },
	{ NULL, NULL, "image_url", DUR_INT, true, true },
};

static const struct route_input replicate_inputs[] = {
	{ "kling", NULL, "start_image", DUR_INT, true, false },
	{ "minimax", NULL, "first_frame_image", DUR_INT, false, true },
	{ "luma", NULL, "start_image_url", DUR_INT, true, false },
	{ "veo", NULL, "image", DUR_NONE, true, true },
	{ "seedance", NULL, "image", DUR_INT, true, true },
	{ "wan", NULL, "image", DUR_NONE, true, true },
	{ "flux-kontext", NULL, "input_image", DUR_NONE, true, false },
	{ "flux-ultra", NULL, "image_prompt", DUR_NONE, true, false },
	{ NULL, NULL, "image", DUR_INT, true, true },
};

/* Options passed on under their snake_case names when the job has them. */
static const struct { const char *option, *field; } route_extras[] = {
	{ "negativePrompt", "negative_prompt" },
	{ "seed", "seed" },
	{ "promptOptimizer", "prompt_optimizer" },
	{ "movementAmplitude", "movement_amplitude" },
	{ "cameraFixed", "camera_fixed" },
	{ "cfgScale", "cfg_scale" },
	{ "loop", "loop" },
	{ "outputFormat", "output_format" },
	{ "safetyTolerance", "safety_tolerance" },
	{ "voice", "voice" },
	{ "speed", "speed" },
};

/* FLUX Krea's quality tiers as inference steps (fal, Replicate). */
static const struct { const char *tier; int steps; } krea_steps[] = {
	{ "fast", 12 }, { "standard", 28 }, { "high", 50 },
};

static const struct route_input *route_row(const struct route_input *table, const char *adapter)
{
	for (; table->adapter; table++)
		if (adapter && !strcmp(table->adapter, adapter))
			return table;
	return table;
}

/* The model's input object (new reference), or NULL with *why. */
static json_t *route_input(const struct route_input *table, const char *label,
			   const struct job *job, struct arena *a, const char **why)
{
	const struct route_input *row = route_row(table, job->adapter);
	const char *prompt = task_prompt(job, a);
	const char *image = task_input_image(job);
	if (!prompt && !image) {
		*why = arena_printf(a, "%s needs input.text or input.image.", label);
		return NULL;
	}
	json_t *in = json_object();
	if (prompt)
		json_object_set_new(in, row->text ? row->text : "prompt", json_string(prompt));
	const char *tier = job->adapter && !strcmp(job->adapter, "flux-krea")
			   ? task_option_text(job, "quality", a) : NULL;
	for (size_t i = 0; tier && i < ARRAY_LEN(krea_steps); i++)
		if (!strcmp(tier, krea_steps[i].tier))
			json_object_set_new(in, "num_inference_steps", json_integer(krea_steps[i].steps));
	if (image)
		json_object_set_new(in, row->image, json_string(image));
	const char *v = task_option_text(job, "duration", a);
	if (v) {
		switch (row->duration) {
		case DUR_INT:
			json_object_set_new(in, "duration", json_integer(strtol(v, NULL, 10)));
			break;
		case DUR_TEXT:
			json_object_set_new(in, "duration", json_string(v));
			break;
		case DUR_TEXT_S:
			json_object_set_new(in, "duration", json_string(arena_printf(a, "%ss", v)));
			break;
		case DUR_NONE:
			break;
		}
	}
	if (row->aspect && (v = task_option_text(job, "aspectRatio", a)))
		json_object_set_new(in, "aspect_ratio", json_string(v));
	if (row->resolution && (v = task_option_text(job, "resolution", a)))
		json_object_set_new(in, "resolution", json_string(v));
	for (size_t i = 0; i < ARRAY_LEN(route_extras); i++) {
		json_t *o = json_object_get(job->options, route_extras[i].option);
		if (json_is_string(o) || json_is_number(o) || json_is_boolean(o))
			json_object_set(in, route_extras[i].field, o);
	}
	return in;
}

/* A model id safe in a URL path: [a-z0-9._-] segments joined by '/', at
 * least `min` segments, no empty, "." or ".." segment. */
static bool model_ok(const char *m, int min)
{
	if (!m || !*m || strlen(m) > 200)
		return false;
	int segs = 0;
	const char *p = m;
	while (*p) {
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		for (size_t i = 0; i < n; i++)
			if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-:", p[i]))
				return false;
		segs++;
		p += n + (end ? 1 : 0);
		if (end && !*p)
			return false;
	}
	return segs >= min;
}

/* With an image, a text-to-video model id becomes its image-to-video
 * sibling (fal: ".../text-to-video" -> ".../image-to-video", or
 * "/image-to-video" appended to an id naming neither; Replicate: "-t2v"
 * -> "-i2v"). */
static const char *variant(const struct job *job, const char *model, bool fal, struct arena *a)
{
	/* Only videos have siblings: an image model with an image edits it. */
	if (!task_input_image(job) || (job->type && strcmp(job->type, "VIDEO")))
		return model;
	const char *from = fal ? "text-to-video" : "-t2v";
	const char *to = fal ? "image-to-video" : "-i2v";
	const char *hit = strstr(model, from);
	if (hit)
		return arena_printf(a, "%.*s%s%s", (int)(hit - model), model, to, hit + strlen(from));
	if (fal && !strstr(model, "image-to-video"))
		return arena_printf(a, "%s/image-to-video", model);
	return model;
}

/* Moderation in an aggregator's text. */
static bool moderation_text(const char *s)
{
	return s && (strcasestr(s, "nsfw") || strcasestr(s, "sensitive") ||
		     strcasestr(s, "content_policy") || strcasestr(s, "content policy") ||
		     strcasestr(s, "flagged"));
}

/* ------------------------------------------------------------ fal */

static const struct task_status_map fal_statuses[] = {
	{ "IN_QUEUE", TASK_QUEUED },
	{ "IN_PROGRESS", TASK_RUNNING },
	{ "COMPLETED", TASK_SUCCEEDED },
	{ NULL, TASK_UNKNOWN },
};

bool task_auth_key(const char *key, long long now, struct arena *a, const char **header,
		   const char **why)
{
	(void)now;
	(void)why;
	*header = arena_printf(a, "Authorization: Key %s", key);
	return true;
}

static bool fal_submit(const struct job *job, struct arena *a, struct task_call *call,
		       const char **why)
{
	json_t *in = route_input(fal_inputs, "fal.ai", job, a, why);
	if (!in)
		return false;
	const char *model = variant(job, job->fal_model, true, a);
	call->method = "POST";
	call->path = arena_printf(a, "/%s", model);
	call->body = task_json_body(a, in);
	return true;
}

/* "/{owner}/{app}/requests/{id}" */
static const char *fal_request_path(const struct job *job, const char *id, struct arena *a)
{
	const char *m = job->fal_model;
	const char *slash = strchr(m, '/');
	const char *end = slash ? strchr(slash + 1, '/') : NULL;
	size_t n = end ? (size_t)(end - m) : strlen(m);
	return arena_printf(a, "/%.*s/requests/%s", (int)n, m, id);
}

static bool fal_poll(const struct job *job, const char *task_id, struct arena *a,
		     struct task_call *call)
{
	call->method = "GET";
	call->path = arena_printf(a, "%s/status", fal_request_path(job, task_id, a));
	call->body = NULL;
	return true;
}

static bool fal_result(const struct job *job, const char *task_id, struct arena *a,
		       struct task_call *call)
{
	call->method = "GET";
	call->path = fal_request_path(job, task_id, a);
	call->body = NULL;
	return true;
}

static bool fal_cancel(const struct job *job, const char *task_id, struct arena *a,
		       struct task_call *call)
{
	call->method = "PUT";
	call->path = arena_printf(a, "%s/cancel", fal_request_path(job, task_id, a));
	call->body = NULL;
	return true;
}

/* COMPLETED with an error is a failed request; detail[0] of an error answer
 * carries the text and the type (content_policy_violation). */
static void fal_refine(json_t *root, long http_status, struct arena *a, struct task_view *v)
{
	(void)http_status;
	json_t *type = json_object_get(root, "error_type");
	json_t *err = json_object_get(root, "error");
	if (v->state == TASK_SUCCEEDED && err && !json_is_null(err)) {
		v->state = TASK_FAILED;
		v->url = NULL;
		v->result_ref = NULL;
		if (json_is_string(err))
			v->message = arena_strdup(a, json_string_value(err));
	}
	json_t *d0 = json_array_get(json_object_get(root, "detail"), 0);
	if (!json_is_string(type))
		type = json_object_get(d0, "type");
	if (json_is_string(type) && json_string_length(type))
		v->error_code = arena_strdup(a, json_string_value(type));
	json_t *msg = json_object_get(d0, "msg");
	if (!v->message && json_is_string(msg))
		v->message = arena_strdup(a, json_string_value(msg));
	/* The model's output: a video, images, or audio. */
	static const char *const outputs[] = { "images.0.url", "image.url", "audio.url",
					       "audio_file.url" };
	for (size_t i = 0; !v->url && v->state == TASK_SUCCEEDED && i < ARRAY_LEN(outputs); i++) {
		json_t *u = task_json_path(root, outputs[i]);
		if (json_is_string(u) && json_string_length(u))
			v->url = arena_strdup(a, json_string_value(u));
	}
	if ((v->error_code && moderation_text(v->error_code)) ||
	    ((v->err != TASK_ERR_NONE || v->state == TASK_FAILED) && moderation_text(v->message)))
		v->err = TASK_ERR_MODERATION;
}

const struct task_api task_api_fal = {
	.name = "fal",
	.label = "fal.ai",
	.default_base = "https://queue.fal.run",
	.route = TASK_ROUTE_FAL,
	.key_env = "DOITONG_FAL_KEY",
	.base_env = "DOITONG_FAL_URL",
	.statuses = fal_statuses,
	.id_path = "request_id",
	.status_path = "status",
	.error_message_path = "detail",
	.progress_scale = 1,
	.auth = task_auth_key,
	.build_submit = fal_submit,
	.build_poll = fal_poll,
	.build_cancel = fal_cancel,
	.refine = fal_refine,
	.result_ref_path = "request_id",
	.result_url_path = "video.url",
	.build_result = fal_result,
};

/* ------------------------------------------------------------ Replicate */

static const struct task_status_map replicate_statuses[] = {
	{ "starting", TASK_QUEUED },
	{ "processing", TASK_RUNNING },
	{ "succeeded", TASK_SUCCEEDED },
	{ "failed", TASK_FAILED },
	{ "canceled", TASK_CANCELED },
	{ NULL, TASK_UNKNOWN },
};

static bool replicate_submit(const struct job *job, struct arena *a, struct task_call *call,
			     const char **why)
{
	json_t *in = route_input(replicate_inputs, "Replicate", job, a, why);
	if (!in)
		return false;
	const char *model = variant(job, job->replicate_model, false, a);
	json_t *b = json_object();
	const char *colon = strchr(model, ':');
	if (colon) {
		json_object_set_new(b, "version", json_string(model));
		call->path = "/predictions";
	} else {
		call->path = arena_printf(a, "/models/%s/predictions", model);
	}
	json_object_set_new(b, "input", in);
	call->method = "POST";
	call->body = task_json_body(a, b);
	return true;
}

static bool replicate_poll(const struct job *job, const char *task_id, struct arena *a,
			   struct task_call *call)
{
	(void)job;
	call->method = "GET";
	call->path = arena_printf(a, "/predictions/%s", task_id);
	call->body = NULL;
	return true;
}

static bool replicate_cancel(const struct job *job, const char *task_id, struct arena *a,
			     struct task_call *call)
{
	(void)job;
	call->method = "POST";
	call->path = arena_printf(a, "/predictions/%s/cancel", task_id);
	call->body = NULL;
	return true;
}

/* output: a URL or a list of URLs (the first is the video). */
static void replicate_refine(json_t *root, long http_status, struct arena *a, struct task_view *v)
{
	(void)http_status;
	json_t *first = json_array_get(json_object_get(root, "output"), 0);
	if (!v->url && json_is_string(first) && json_string_length(first))
		v->url = arena_strdup(a, json_string_value(first));
	if ((v->err != TASK_ERR_NONE || v->state == TASK_FAILED) && moderation_text(v->message))
		v->err = TASK_ERR_MODERATION;
}

const struct task_api task_api_replicate = {
	.name = "replicate",
	.label = "Replicate",
	.default_base = "https://api.replicate.com/v1",
	.route = TASK_ROUTE_REPLICATE,
	.key_env = "DOITONG_REPLICATE_KEY",
	.base_env = "DOITONG_REPLICATE_URL",
	.statuses = replicate_statuses,
	.id_path = "id",
	.status_path = "status",
	.url_path = "output",
	.message_path = "error",
	.error_message_path = "detail",
	.progress_scale = 1,
	.auth = task_auth_bearer,
	.build_submit = replicate_submit,
	.build_poll = replicate_poll,
	.build_cancel = replicate_cancel,
	.refine = replicate_refine,
};

/* ------------------------------------------------------------ selection */

int task_route_of(const struct job *job)
{
	const char *r = job->route;
	if (!r || !*r || !strcmp(r, "direct"))
		return TASK_ROUTE_DIRECT;
	if (!strcmp(r, "fal"))
		return TASK_ROUTE_FAL;
	if (!strcmp(r, "replicate"))
		return TASK_ROUTE_REPLICATE;
	if (!strcmp(r, "vertex"))
		return TASK_ROUTE_VERTEX;
	return -1;
}

const struct task_api *task_route_api(const struct task_api *direct, const struct job *job)
{
	switch (task_route_of(job)) {
	case TASK_ROUTE_FAL: return &task_api_fal;
	case TASK_ROUTE_REPLICATE: return &task_api_replicate;
	case TASK_ROUTE_VERTEX: return direct->vertex ? direct->vertex : direct;
	default: return direct;
	}
}

const char *task_route_model(const struct task_api *api, const struct job *job)
{
	const char *m = api->route == TASK_ROUTE_FAL ? job->fal_model
			: api->route == TASK_ROUTE_REPLICATE ? job->replicate_model : NULL;
	return model_ok(m, 2) ? m : NULL;
}
