/*
 * luma.c - Luma Dream Machine on the async-task family (providers.md §6).
 *
 *   submit  POST {base}/generations/video   (the current path: the official SDK
 *           moved from POST /generations in 2025-05)
 *           Authorization: Bearer <key>, Accept/Content-Type: application/json
 *           {"model", "prompt", "aspect_ratio", "duration": "5s"|"9s",
 *            "resolution", "loop", "keyframes": {"frame0": {"type": "image", "url"}}}
 *   poll    GET {base}/generations/{id}: state queued|dreaming|completed|failed,
 *           assets.video, failure_reason
 *   cancel  DELETE {base}/generations/{id}
 * Errors: HTTP status with {"detail": "..."}. Luma has no moderation code:
 * a failure text that names moderation is read as moderation.
 * No reconcile: Luma takes no client id, so a lost submit can't be found.
 */
#include <string.h>

#include "providers/task_api.h"

static const struct task_status_map luma_statuses[] = {
	{ "queued", TASK_QUEUED },
	{ "dreaming", TASK_RUNNING },
	{ "completed", TASK_SUCCEEDED },
	{ "failed", TASK_FAILED },
	{ NULL, TASK_UNKNOWN },
};

static bool luma_submit(const struct job *job, struct arena *a, struct task_call *call,
			const char **why)
{
	const char *prompt = task_prompt(job, a);
	const char *image = task_input_image(job);
	if (!prompt && !image) {
		*why = "Luma needs input.text or input.image.";
		return false;
	}
	json_t *b = json_object();
	json_object_set_new(b, "model", json_string(job->upstream_model && *job->upstream_model
						     ? job->upstream_model : "ray-2"));
	if (prompt)
		json_object_set_new(b, "prompt", json_string(prompt));
	const char *v = task_option_text(job, "aspectRatio", a);
	if (v)
		json_object_set_new(b, "aspect_ratio", json_string(v));
	if ((v = task_option_text(job, "duration", a)))
		json_object_set_new(b, "duration", json_string(arena_printf(a, "%ss", v)));
	if ((v = task_option_text(job, "resolution", a)))
		json_object_set_new(b, "resolution", json_string(v));
	json_t *loop = json_object_get(job->options, "loop");
	if (json_is_boolean(loop))
		json_object_set_new(b, "loop", json_boolean(json_is_true(loop)));
	if (image) {
		json_t *frame = json_object();
		json_object_set_new(frame, "type", json_string("image"));
		json_object_set_new(frame, "url", json_string(image));
		json_t *kf = json_object();
		json_object_set_new(kf, "frame0", frame);
		json_object_set_new(b, "keyframes", kf);
	}
	call->method = "POST";
	call->path = "/generations/video";
	call->body = task_json_body(a, b);
	return true;
}

static bool luma_poll(const struct job *job, const char *task_id, struct arena *a,
		      struct task_call *call)
{
	(void)job;
	call->method = "GET";
	call->path = arena_printf(a, "/generations/%s", task_id);
	call->body = NULL;
	return true;
}

static bool luma_cancel(const struct job *job, const char *task_id, struct arena *a,
			struct task_call *call)
{
	(void)job;
	call->method = "DELETE";
	call->path = arena_printf(a, "/generations/%s", task_id);
	call->body = NULL;
	return true;
}

static void luma_refine(json_t *root, long http_status, struct arena *a, struct task_view *v)
{
	(void)root;
	(void)a;
	(void)http_status;
	if ((v->err != TASK_ERR_NONE || v->state == TASK_FAILED) && v->message &&
	    strcasestr(v->message, "moderation"))
		v->err = TASK_ERR_MODERATION;
}

const struct task_api task_api_luma = {
	.name = "luma",
	.label = "Luma",
	.default_base = "https://api.lumalabs.ai/dream-machine/v1",
	.statuses = luma_statuses,
	.id_path = "id",
	.status_path = "state",
	.url_path = "assets.video",
	.message_path = "failure_reason",
	.error_message_path = "detail",
	.progress_scale = 1,
	.auth = task_auth_bearer,
	.build_submit = luma_submit,
	.build_poll = luma_poll,
	.build_cancel = luma_cancel,
	.refine = luma_refine,
};
