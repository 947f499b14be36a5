/*
 * bfl.c - Black Forest Labs' FLUX API on the async-task family
 * (providers.md §11, family A'): one descriptor for every FLUX model, the
 * model being the path.
 *
 *   submit  POST {base}/v1/{model}   x-key: <key>, JSON body by model:
 *           flux-dev, flux-pro, flux-pro-1.1: prompt, width, height (from
 *             the options, else the aspectRatio's 256..1440 multiple-of-32
 *             size), steps and guidance (dev, pro), interval (pro), seed,
 *             prompt_upsampling, safety_tolerance, output_format;
 *           flux-pro-1.1-ultra: prompt, aspect_ratio, raw (quality "raw"),
 *             image_prompt (input.image) + image_prompt_strength, seed, ...;
 *           flux-kontext-pro|max: prompt, input_image (input.image: the
 *             image to edit, a URL or base64), aspect_ratio, seed, ...
 *           -> {"id", "polling_url"}
 *   poll    GET {base}/v1/get_result?id={id} (what polling_url names): status
 *           Pending|Ready|Error|Request Moderated|Content Moderated|Task not
 *           found; result.sample is a signed URL valid for 10 minutes, so
 *           the file is downloaded in the same poll.
 * Errors: 402 (no credits: the operator's), 422 {"detail": [{msg}]}, 429.
 * Moderated statuses and their details["Moderation Reasons"] are moderation.
 * No cancel, no reconcile (BFL documents neither).
 */
#include <stdlib.h>
#include <string.h>

#include "providers/task_api.h"

static const struct task_status_map bfl_statuses[] = {
	{ "Pending", TASK_RUNNING },
	{ "Ready", TASK_SUCCEEDED },
	{ "Error", TASK_FAILED },
	{ "Failed", TASK_FAILED },
	{ "Request Moderated", TASK_FAILED },
	{ "Content Moderated", TASK_FAILED },
	{ "Task not found", TASK_FAILED },
	{ NULL, TASK_UNKNOWN },
};

/* Width and height BFL takes (multiples of 32 in 256..1440) for an aspect ratio. */
static const struct { const char *aspect; int w, h; } bfl_sizes[] = {
	{ "1:1", 1024, 1024 }, { "16:9", 1344, 768 }, { "9:16", 768, 1344 },
	{ "4:3", 1152, 864 },  { "3:4", 864, 1152 },  { "3:2", 1216, 800 },
	{ "2:3", 800, 1216 },  { "21:9", 1440, 608 }, { "9:21", 608, 1440 },
};

bool bfl_size(const char *aspect, int *w, int *h)
{
	for (size_t i = 0; i < ARRAY_LEN(bfl_sizes); i++)
		if (aspect && !strcmp(aspect, bfl_sizes[i].aspect)) {
			*w = bfl_sizes[i].w;
			*h = bfl_sizes[i].h;
			return true;
		}
	return false;
}

/* Copies option `name` (when the job has it) into b as `field`. */
static void pass(json_t *b, const struct job *job, const char *name, const char *field)
{
	json_t *o = json_object_get(job->options, name);
	if (json_is_string(o) || json_is_number(o) || json_is_boolean(o))
		json_object_set(b, field, o);
}

/* A model name usable as a path segment: [a-z0-9.-]. */
static bool bfl_model_ok(const char *m)
{
	if (!m || !*m || strlen(m) > 60)
		return false;
	for (; *m; m++)
		if (!((*m >= 'a' && *m <= 'z') || (*m >= '0' && *m <= '9') || *m == '-' || *m == '.'))
			return false;
	return true;
}

static bool bfl_submit(const struct job *job, struct arena *a, struct task_call *call,
		       const char **why)
{
	const char *model = job->upstream_model && *job->upstream_model ? job->upstream_model
									  : "flux-pro-1.1";
	if (!bfl_model_ok(model)) {
		*why = "The FLUX model name is not usable.";
		return false;
	}
	const char *prompt = task_prompt(job, a);
	if (!prompt) {
		*why = "FLUX needs input.text.";
		return false;
	}
	bool ultra = strstr(model, "ultra") != NULL, kontext = !strncmp(model, "flux-kontext", 12);
	json_t *b = json_object();
	json_object_set_new(b, "prompt", json_string(prompt));
	const char *aspect = task_option_text(job, "aspectRatio", a);
	const char *image = task_image_url_or_base64(job);
	if (ultra || kontext) {
		if (aspect)
			json_object_set_new(b, "aspect_ratio", json_string(aspect));
		if (ultra) {
			const char *q = task_option_text(job, "quality", a);
			json_object_set_new(b, "raw", json_boolean(q && !strcmp(q, "raw")));
			if (image) {
				json_object_set_new(b, "image_prompt", json_string(image));
				pass(b, job, "imagePromptStrength", "image_prompt_strength");
			}
		} else if (image) {
			json_object_set_new(b, "input_image", json_string(image));
		}
	} else {
		int w = 0, h = 0;
		json_t *jw = json_object_get(job->options, "width"), *jh = json_object_get(job->options, "height");
		if (json_is_integer(jw) && json_is_integer(jh)) {
			w = (int)json_integer_value(jw);
			h = (int)json_integer_value(jh);
		} else if (!bfl_size(aspect ? aspect : "1:1", &w, &h)) {
			json_decref(b);
			*why = "FLUX has no size for this aspectRatio.";
			return false;
		}
		json_object_set_new(b, "width", json_integer(w));
		json_object_set_new(b, "height", json_integer(h));
		pass(b, job, "steps", "steps");
		pass(b, job, "guidance", "guidance");
		pass(b, job, "interval", "interval");
	}
	pass(b, job, "seed", "seed");
	pass(b, job, "promptUpsampling", "prompt_upsampling");
	pass(b, job, "safetyTolerance", "safety_tolerance");
	pass(b, job, "outputFormat", "output_format");
	call->method = "POST";
	call->path = arena_printf(a, "/v1/%s", model);
	call->body = task_json_body(a, b);
	return true;
}

static bool bfl_poll(const struct job *job, const char *task_id, struct arena *a,
		     struct task_call *call)
{
	(void)job;
	call->method = "GET";
	call->path = arena_printf(a, "/v1/get_result?id=%s", task_id);
	call->body = NULL;
	return true;
}

static void bfl_refine(json_t *root, long http_status, struct arena *a, struct task_view *v)
{
	if (http_status == 402)
		v->err = TASK_ERR_ACCOUNT;
	json_t *msg = task_json_path(root, "detail.0.msg");
	if (!v->message && json_is_string(msg))
		v->message = arena_strdup(a, json_string_value(msg));
	if (v->status && strstr(v->status, "Moderated")) {
		v->err = TASK_ERR_MODERATION;
		json_t *why = task_json_path(root, "details.Moderation Reasons.0");
		if (json_is_string(why))
			v->message = arena_strdup(a, json_string_value(why));
	}
}

const struct task_api task_api_bfl = {
	.name = "bfl",
	.label = "Black Forest Labs",
	.default_base = "https://api.bfl.ai",
	.statuses = bfl_statuses,
	.id_path = "id",
	.status_path = "status",
	.url_path = "result.sample",
	.error_message_path = "detail",
	.progress_scale = 1,
	.key_header = "x-key",
	.build_submit = bfl_submit,
	.build_poll = bfl_poll,
	.refine = bfl_refine,
};
