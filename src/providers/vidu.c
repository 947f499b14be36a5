/*
 * vidu.c - Vidu (Shengshu) on the async-task family (providers.md §9; the
 * facts there are third-party copies of platform.vidu.com, [3P]).
 *
 *   submit  POST {base}/img2video (input.image: "images": [url]) or
 *           POST {base}/text2video   (base https://api.vidu.com/ent/v2)
 *           Authorization: Token <key> (the word Token, not Bearer)
 *           {"model", "prompt", "duration", "seed", "aspect_ratio" (text2video
 *            only), "resolution", "movement_amplitude"}
 *           -> {"task_id", "state": "created", ...}
 *   poll    GET {base}/tasks/{id}/creations: state
 *           created|queueing|processing|success|failed, err_code,
 *           creations[0].url
 *   cancel  POST {base}/tasks/{id}/cancel
 * Errors: HTTP status with {"code", "reason", "message"}. A failed task's
 * err_code naming an audit or sensitive content is moderation; the rest
 * (CreditInsufficient...) is the provider's failure. No reconcile.
 */
#include <stdlib.h>
#include <string.h>

#include "providers/task_api.h"

static const struct task_status_map vidu_statuses[] = {
	{ "created", TASK_QUEUED },
	{ "queueing", TASK_QUEUED },
	{ "processing", TASK_RUNNING },
	{ "success", TASK_SUCCEEDED },
	{ "failed", TASK_FAILED },
	{ NULL, TASK_UNKNOWN },
};

bool task_auth_token(const char *key, long long now, struct arena *a, const char **header,
		     const char **why)
{
	(void)now;
	(void)why;
	*header = arena_printf(a, "Authorization: Token %s", key);
	return true;
}

static bool vidu_submit(const struct job *job, struct arena *a, struct task_call *call,
			const char **why)
{
	const char *prompt = task_prompt(job, a);
	const char *image = task_input_image(job);
	if (!prompt && !image) {
		*why = "Vidu needs input.text or input.image.";
		return false;
	}
	json_t *b = json_object();
	json_object_set_new(b, "model", json_string(job->upstream_model && *job->upstream_model
						     ? job->upstream_model : "vidu2.0"));
	if (image) {
		json_t *imgs = json_array();
		json_array_append_new(imgs, json_string(image));
		json_object_set_new(b, "images", imgs);
	}
	if (prompt)
		json_object_set_new(b, "prompt", json_string(prompt));
	json_t *d = json_object_get(job->options, "duration");
	const char *v = task_option_text(job, "duration", a);
	if (json_is_integer(d))
		json_object_set_new(b, "duration", json_integer(json_integer_value(d)));
	else if (v)
		json_object_set_new(b, "duration", json_integer(strtol(v, NULL, 10)));
	json_t *seed = json_object_get(job->options, "seed");
	if (json_is_integer(seed))
		json_object_set_new(b, "seed", json_integer(json_integer_value(seed)));
	if (!image && (v = task_option_text(job, "aspectRatio", a)))
		json_object_set_new(b, "aspect_ratio", json_string(v));
	if ((v = task_option_text(job, "resolution", a)))
		json_object_set_new(b, "resolution", json_string(v));
	if ((v = task_option_text(job, "movementAmplitude", a)))
		json_object_set_new(b, "movement_amplitude", json_string(v));
	call->method = "POST";
	call->path = image ? "/img2video" : "/text2video";
	call->body = task_json_body(a, b);
	return true;
}

static bool vidu_poll(const struct job *job, const char *task_id, struct arena *a,
		      struct task_call *call)
{
	(void)job;
	call->method = "GET";
	call->path = arena_printf(a, "/tasks/%s/creations", task_id);
	call->body = NULL;
	return true;
}

static bool vidu_cancel(const struct job *job, const char *task_id, struct arena *a,
			struct task_call *call)
{
	(void)job;
	call->method = "POST";
	call->path = arena_printf(a, "/tasks/%s/cancel", task_id);
	call->body = "{}";
	return true;
}

static void vidu_refine(json_t *root, long http_status, struct arena *a, struct task_view *v)
{
	(void)http_status;
	json_t *ec = json_object_get(root, "err_code");
	if (!json_is_string(ec) || !json_string_length(ec))
		ec = json_object_get(root, "reason");
	if (!json_is_string(ec) || !json_string_length(ec))
		return;
	const char *c = json_string_value(ec);
	v->error_code = arena_strdup(a, c);
	if (strcasestr(c, "audit") || strcasestr(c, "sensitive") || strcasestr(c, "moderation"))
		v->err = TASK_ERR_MODERATION;
	if (!v->message)
		v->message = v->error_code;
}

const struct task_api task_api_vidu = {
	.name = "vidu",
	.label = "Vidu",
	.default_base = "https://api.vidu.com/ent/v2",
	.statuses = vidu_statuses,
	.id_path = "task_id",
	.status_path = "state",
	.url_path = "creations.0.url",
	.message_path = "err_msg",
	.error_message_path = "message",
	.progress_scale = 1,
	.auth = task_auth_token,
	.build_submit = vidu_submit,
	.build_poll = vidu_poll,
	.build_cancel = vidu_cancel,
	.refine = vidu_refine,
};
