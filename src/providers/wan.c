/*
 * wan.c - Alibaba Wan 2.2 on DashScope / Model Studio, on the async-task
 * family (providers.md §8).
 *
 *   submit  POST {base}/services/aigc/video-generation/video-synthesis
 *           Authorization: Bearer <key>, X-DashScope-Async: enable (HTTP
 *           calls are asynchronous only), Accept/Content-Type: application/json
 *           {"model", "input": {"prompt", "negative_prompt", "img_url"},
 *            "parameters": {"size": "W*H" (text-to-video) | "resolution":
 *            "480P"|"1080P" (image-to-video), "duration": 5, "prompt_extend",
 *            "seed", "watermark"}} -> output.task_id, output.task_status
 *   poll    GET {base}/tasks/{task_id}: output.task_status PENDING|RUNNING|
 *           SUCCEEDED|FAILED|CANCELED|UNKNOWN, output.video_url,
 *           output.code/output.message
 * The base includes /api/v1. A job with input.image runs on the i2v model
 * of the same tier (wan2.2-t2v-plus -> wan2.2-i2v-plus); an i2v model
 * without an image is refused. UNKNOWN means the task expired (24 h) or
 * never existed: the provider's failure. Errors are the HTTP status with
 * {"request_id","code","message"}: Throttling* retry, DataInspectionFailed
 * and IPInfringementSuspect moderation, InvalidApiKey/Arrearage/
 * AccessDenied* the operator's, InvalidParameter* the request's. A failed
 * task's output.code is read the same way for moderation and parameters.
 * No cancel (the documented path is unverified), no reconcile (no client id).
 */
#include <ctype.h>
#include <string.h>

#include "providers/task_api.h"

static const struct task_status_map wan_statuses[] = {
	{ "PENDING", TASK_QUEUED },
	{ "RUNNING", TASK_RUNNING },
	{ "SUCCEEDED", TASK_SUCCEEDED },
	{ "FAILED", TASK_FAILED },
	{ "CANCELED", TASK_CANCELED },
	{ "UNKNOWN", TASK_FAILED },
	{ NULL, TASK_UNKNOWN },
};

/* Text-to-video frame sizes for the catalog's resolutions (16:9). */
static const char *t2v_size(const char *resolution)
{
	if (resolution && !strcmp(resolution, "480p"))
		return "832*480";
	if (resolution && !strcmp(resolution, "720p"))
		return "1280*720";
	return "1920*1080";
}

static bool wan_submit(const struct job *job, struct arena *a, struct task_call *call,
		       const char **why)
{
	const char *model = job->upstream_model && *job->upstream_model ? job->upstream_model
									  : "wan2.2-t2v-plus";
	const char *image = task_input_image(job);
	const char *prompt = task_prompt(job, a);
	const char *t2v = strstr(model, "-t2v-");
	if (image && t2v) {
		char *m = arena_strdup(a, model);
		memcpy(m + (t2v - model), "-i2v-", 5);
		model = m;
	} else if (!image && strstr(model, "-i2v-")) {
		*why = arena_printf(a, "Wan model %s animates an image: input.image is required.", model);
		return false;
	}
	if (!prompt && !image) {
		*why = "Wan needs input.text (or input.image).";
		return false;
	}
	json_t *in = json_object();
	if (prompt)
		json_object_set_new(in, "prompt", json_string(prompt));
	const char *v = task_option_text(job, "negativePrompt", a);
	if (v && *v)
		json_object_set_new(in, "negative_prompt", json_string(v));
	if (image)
		json_object_set_new(in, "img_url", json_string(image));

	json_t *par = json_object();
	const char *res = task_option_text(job, "resolution", a);
	if (image) {
		char *up = arena_strdup(a, res && *res ? res : "1080p");
		for (char *p = up; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		json_object_set_new(par, "resolution", json_string(up));
	} else {
		json_object_set_new(par, "size", json_string(t2v_size(res)));
	}
	json_object_set_new(par, "duration", json_integer(5)); /* fixed for Wan 2.2 */
	json_t *o = json_object_get(job->options, "promptExtend");
	if (json_is_boolean(o))
		json_object_set_new(par, "prompt_extend", json_boolean(json_is_true(o)));
	if (json_is_integer(o = json_object_get(job->options, "seed")))
		json_object_set_new(par, "seed", json_integer(json_integer_value(o)));
	if (json_is_boolean(o = json_object_get(job->options, "watermark")))
		json_object_set_new(par, "watermark", json_boolean(json_is_true(o)));

	json_t *b = json_object();
	json_object_set_new(b, "model", json_string(model));
	json_object_set_new(b, "input", in);
	json_object_set_new(b, "parameters", par);
	call->method = "POST";
	call->path = "/services/aigc/video-generation/video-synthesis";
	call->body = task_json_body(a, b);
	task_add_header(call, "X-DashScope-Async: enable");
	return true;
}

static bool wan_poll(const struct job *job, const char *task_id, struct arena *a,
		     struct task_call *call)
{
	(void)job;
	call->method = "GET";
	call->path = arena_printf(a, "/tasks/%s", task_id);
	call->body = NULL;
	return true;
}

static bool prefix(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

/* The kind of error a DashScope `code` means (NONE: the HTTP status decides). */
static enum task_err wan_code_err(const char *code)
{
	if (prefix(code, "DataInspection") || !strcmp(code, "IPInfringementSuspect"))
		return TASK_ERR_MODERATION;
	if (prefix(code, "Throttling"))
		return TASK_ERR_THROTTLE;
	if (!strcmp(code, "InvalidApiKey") || !strcmp(code, "Arrearage") || strstr(code, "AccessDenied"))
		return TASK_ERR_ACCOUNT;
	if (prefix(code, "InvalidParameter"))
		return TASK_ERR_REQUEST;
	return TASK_ERR_NONE;
}

static void wan_refine(json_t *root, long http_status, struct arena *a, struct task_view *v)
{
	bool ok = http_status >= 200 && http_status < 300;
	json_t *code = ok ? task_json_path(root, "output.code") : json_object_get(root, "code");
	if (json_is_string(code) && json_string_length(code)) {
		const char *c = json_string_value(code);
		v->error_code = arena_strdup(a, c);
		enum task_err e = wan_code_err(c);
		/* In an error answer the code refines the status; on a failed
		 * task it marks moderation and bad parameters only. */
		if (!ok ? e != TASK_ERR_NONE
			: v->state == TASK_FAILED && (e == TASK_ERR_MODERATION || e == TASK_ERR_REQUEST))
			v->err = e;
	}
	if (ok && v->status && !strcmp(v->status, "UNKNOWN") && !v->message)
		v->message = "the task expired or is unknown upstream";
}

const struct task_api task_api_wan = {
	.name = "wan",
	.label = "Wan",
	.default_base = "https://dashscope-intl.aliyuncs.com/api/v1",
	.statuses = wan_statuses,
	.envelope = "output",
	.id_path = "task_id",
	.status_path = "task_status",
	.url_path = "video_url",
	.progress_scale = 1,
	.message_path = "message",
	.error_message_path = "message",
	.auth = task_auth_bearer,
	.build_submit = wan_submit,
	.build_poll = wan_poll,
	.refine = wan_refine,
};
