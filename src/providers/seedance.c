/*
 * seedance.c - ByteDance Seedance on BytePlus ModelArk, on the async-task
 * family (providers.md §7).
 *
 *   submit  POST {base}/contents/generations/tasks   (base .../api/v3)
 *           Authorization: Bearer <ARK key>, Accept/Content-Type: application/json
 *           {"model", "content": [{"type": "text", "text": "<prompt> --rs 720p
 *            --rt 16:9 --dur 5 [--seed N] [--cf true|false] [--wm true|false]"},
 *            {"type": "image_url", "image_url": {"url"}, "role": "first_frame"}]}
 *           -> {"id": "cgt-..."}
 *   poll    GET {base}/contents/generations/tasks/{id}: status
 *           queued|running|succeeded|failed|cancelled, content.video_url,
 *           error {code, message}
 *   cancel  DELETE {base}/contents/generations/tasks/{id} (queued tasks only)
 * The text commands are the documented [C] form; the lite models come as a
 * t2v/i2v pair, so a lite job with an image runs the i2v sibling and one
 * without runs the t2v one. Errors: HTTP status with {"error": {"code",
 * "message"}}; Ark codes naming sensitive content (InputTextSensitive-
 * ContentDetected, OutputVideoSensitiveContentDetected...) are moderation,
 * also as a failed task's error. No reconcile: Ark takes no client id.
 */
#include <string.h>

#include "providers/task_api.h"

static const struct task_status_map seedance_statuses[] = {
	{ "queued", TASK_QUEUED },
	{ "running", TASK_RUNNING },
	{ "succeeded", TASK_SUCCEEDED },
	{ "failed", TASK_FAILED },
	{ "cancelled", TASK_CANCELED },
	{ NULL, TASK_UNKNOWN },
};

/* The lite sibling for the input: "...-lite-t2v-..." <-> "...-lite-i2v-...". */
static const char *seedance_model(const struct job *job, bool image, struct arena *a)
{
	const char *m = job->upstream_model && *job->upstream_model ? job->upstream_model
								    : "seedance-1-0-pro-250528";
	const char *from = image ? "-lite-t2v" : "-lite-i2v";
	const char *hit = strstr(m, from);
	if (!hit)
		return m;
	char *copy = arena_strdup(a, m);
	copy[hit - m + 6] = image ? 'i' : 't';
	return copy;
}

static const char *bool_option(const struct job *job, const char *name)
{
	json_t *v = json_object_get(job->options, name);
	return json_is_boolean(v) ? (json_is_true(v) ? "true" : "false") : NULL;
}

static bool seedance_submit(const struct job *job, struct arena *a, struct task_call *call,
			    const char **why)
{
	const char *prompt = task_prompt(job, a);
	const char *image = task_input_image(job);
	if (!prompt && !image) {
		*why = "Seedance needs input.text or input.image.";
		return false;
	}
	/* The parameters ride on the prompt as text commands. */
	const char *text = prompt ? prompt : "";
	const char *v;
	if ((v = task_option_text(job, "resolution", a)))
		text = arena_printf(a, "%s --rs %s", text, v);
	if ((v = task_option_text(job, "aspectRatio", a)))
		text = arena_printf(a, "%s --rt %s", text, v);
	if ((v = task_option_text(job, "duration", a)))
		text = arena_printf(a, "%s --dur %s", text, v);
	if ((v = task_option_text(job, "seed", a)))
		text = arena_printf(a, "%s --seed %s", text, v);
	if ((v = bool_option(job, "cameraFixed")))
		text = arena_printf(a, "%s --cf %s", text, v);
	if ((v = bool_option(job, "watermark")))
		text = arena_printf(a, "%s --wm %s", text, v);
	while (*text == ' ')
		text++;
	json_t *content = json_array();
	json_t *t = json_object();
	json_object_set_new(t, "type", json_string("text"));
	json_object_set_new(t, "text", json_string(text));
	json_array_append_new(content, t);
	if (image) {
		json_t *url = json_object();
		json_object_set_new(url, "url", json_string(image));
		json_t *i = json_object();
		json_object_set_new(i, "type", json_string("image_url"));
		json_object_set_new(i, "image_url", url);
		json_object_set_new(i, "role", json_string("first_frame"));
		json_array_append_new(content, i);
	}
	json_t *b = json_object();
	json_object_set_new(b, "model", json_string(seedance_model(job, image != NULL, a)));
	json_object_set_new(b, "content", content);
	call->method = "POST";
	call->path = "/contents/generations/tasks";
	call->body = task_json_body(a, b);
	return true;
}

static bool seedance_task(const struct job *job, const char *task_id, struct arena *a,
			  struct task_call *call)
{
	(void)job;
	call->method = "GET";
	call->path = arena_printf(a, "/contents/generations/tasks/%s", task_id);
	call->body = NULL;
	return true;
}

static bool seedance_cancel(const struct job *job, const char *task_id, struct arena *a,
			    struct task_call *call)
{
	seedance_task(job, task_id, a, call);
	call->method = "DELETE";
	return true;
}

/* error.code: the Ark code of an error answer or of a failed task. */
void task_ark_refine(json_t *root, long http_status, struct arena *a, struct task_view *v)
{
	(void)http_status;
	json_t *code = task_json_path(root, "error.code");
	if (!json_is_string(code) || !json_string_length(code))
		return;
	const char *c = json_string_value(code);
	v->error_code = arena_strdup(a, c);
	if (strstr(c, "Sensitive") || strstr(c, "sensitive"))
		v->err = TASK_ERR_MODERATION;
	else if (v->err == TASK_ERR_NONE && v->state != TASK_FAILED && strstr(c, "RateLimit"))
		v->err = TASK_ERR_THROTTLE;
	if (!v->message) {
		json_t *m = task_json_path(root, "error.message");
		if (json_is_string(m))
			v->message = arena_strdup(a, json_string_value(m));
	}
}

const struct task_api task_api_seedance = {
	.name = "seedance",
	.label = "Seedance",
	.default_base = "https://ark.ap-southeast.bytepluses.com/api/v3",
	.statuses = seedance_statuses,
	.id_path = "id",
	.status_path = "status",
	.url_path = "content.video_url",
	.message_path = "error.message",
	.error_message_path = "error.message",
	.progress_scale = 1,
	.auth = task_auth_bearer,
	.build_submit = seedance_submit,
	.build_poll = seedance_task,
	.build_cancel = seedance_cancel,
	.refine = task_ark_refine,
};
