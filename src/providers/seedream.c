/*
 * seedream.c - ByteDance Seedream on BytePlus ModelArk, a synchronous
 * upstream (providers.md §13, family D): the answer names the image.
 *
 *   submit  POST {base}/images/generations   (base .../api/v3)
 *           Authorization: Bearer <ARK key>
 *           {"model", "prompt", "size", "seed", "guidance_scale" (3.0),
 *            "image" (4.0 image-to-image: input.image), "watermark",
 *            "response_format": "url", "sequential_image_generation": "disabled"}
 *           -> {"data": [{"url"} | {"b64_json"}], "usage": {...}}
 * size: Seedream 4.0 takes "1K"|"2K"|"4K" for a square image, else (and
 * 3.0 always) "<W>x<H>" with the longer side from the size option (3.0 at
 * most 2048) and the shorter one from aspectRatio, multiples of 64. The
 * URL expires after 24 h: downloaded at once; a b64_json answer is decoded.
 * Errors are Ark's (task_ark_refine: sensitive content is moderation), also
 * as a 200 whose image carries {"error": {"code", "message"}} instead of
 * the file (an image withheld from a batch).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "providers/task_api.h"

/* "<W>x<H>" or the size tier itself (NULL for an unusable aspectRatio). */
static const char *seedream_size(const char *tier, const char *aspect, bool v3, struct arena *a)
{
	int w = 1, h = 1;
	if (aspect && sscanf(aspect, "%d:%d", &w, &h) != 2)
		return NULL;
	if (w <= 0 || h <= 0 || w > 21 || h > 21)
		return NULL;
	if (w == h && !v3)
		return tier;
	int longer = !strcmp(tier, "1K") ? 1024 : !strcmp(tier, "4K") ? 4096 : 2048;
	if (v3 && longer > 2048)
		longer = 2048;
	int shorter = (int)((double)longer * (w < h ? w : h) / (w < h ? h : w) / 64 + 0.5) * 64;
	if (shorter < 512)
		shorter = 512;
	return w >= h ? arena_printf(a, "%dx%d", longer, shorter)
		      : arena_printf(a, "%dx%d", shorter, longer);
}

static bool seedream_submit(const struct job *job, struct arena *a, struct task_call *call,
			    const char **why)
{
	const char *model = job->upstream_model && *job->upstream_model ? job->upstream_model
									  : "seedream-4-0-250828";
	bool v3 = strstr(model, "seedream-3") != NULL;
	const char *prompt = task_prompt(job, a);
	if (!prompt) {
		*why = "Seedream needs input.text.";
		return false;
	}
	const char *tier = task_option_text(job, "size", a);
	const char *size = seedream_size(tier ? tier : "2K", task_option_text(job, "aspectRatio", a),
					 v3, a);
	if (!size) {
		*why = "Seedream has no size for this aspectRatio.";
		return false;
	}
	const char *image = task_input_image(job);
	if (image && v3) {
		*why = "Seedream 3.0 takes no input.image (use Seedream 4.0).";
		return false;
	}
	json_t *b = json_object();
	json_object_set_new(b, "model", json_string(model));
	json_object_set_new(b, "prompt", json_string(prompt));
	json_object_set_new(b, "size", json_string(size));
	json_t *o = json_object_get(job->options, "seed");
	if (json_is_integer(o))
		json_object_set(b, "seed", o);
	o = json_object_get(job->options, "guidanceScale");
	if (v3 && json_is_number(o))
		json_object_set(b, "guidance_scale", o);
	if (image)
		json_object_set_new(b, "image", json_string(image));
	o = json_object_get(job->options, "watermark");
	json_object_set_new(b, "watermark", json_boolean(json_is_true(o)));
	json_object_set_new(b, "response_format", json_string("url"));
	if (!v3)
		json_object_set_new(b, "sequential_image_generation", json_string("disabled"));
	call->method = "POST";
	call->path = "/images/generations";
	call->body = task_json_body(a, b);
	return true;
}

static void seedream_refine(json_t *root, long http_status, struct arena *a, struct task_view *v)
{
	json_t *item = json_array_get(json_object_get(root, "data"), 0);
	if (http_status >= 200 && http_status < 300 && json_object_get(item, "error")) {
		v->state = TASK_FAILED;
		v->url = v->data = NULL;
		task_ark_refine(item, http_status, a, v);
		return;
	}
	task_ark_refine(root, http_status, a, v);
}

const struct task_api task_api_seedream = {
	.name = "seedream",
	.label = "Seedream",
	.default_base = "https://ark.ap-southeast.bytepluses.com/api/v3",
	.url_path = "data.0.url",
	.error_message_path = "error.message",
	.progress_scale = 1,
	.auth = task_auth_bearer,
	.build_submit = seedream_submit,
	.refine = seedream_refine,
	.sync = TASK_SYNC_JSON,
	.data_path = "data.0.b64_json",
};
