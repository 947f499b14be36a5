/*
 * minimax.c - MiniMax Hailuo on the async-task family, with the result step
 * (providers.md §3, family C).
 *
 *   submit  POST {base}/v1/video_generation
 *           Authorization: Bearer <key>, Accept/Content-Type: application/json
 *           {"model", "prompt", "first_frame_image" (input.image: URL or data
 *            URL), "duration": 6|10 and "resolution": "512P"|"768P"|"1080P"
 *            (Hailuo models only: the 01 series is fixed at 720P and 6 s),
 *            "prompt_optimizer"} -> {"task_id", "base_resp"}
 *   poll    GET {base}/v1/query/video_generation?task_id=<id>: status
 *           Preparing|Queueing|Processing|Success|Fail, file_id
 *   result  on Success: GET {base}/v1/files/retrieve?file_id=<file_id> ->
 *           file.download_url
 * Errors usually arrive as HTTP 200 with base_resp.status_code != 0: 1002
 * rate limit (retry), 1026/1027 sensitive input/output (moderation), 1004
 * key or key-host mismatch, 1008 balance, 2038 real-name verification (the
 * operator's), 2013 invalid parameters, 1000/1001/1013 and anything else the
 * server's. A Fail task's code is its final word: moderation stays
 * moderation, the rest is the provider's failure (never polled again).
 * No cancel, no reconcile (MiniMax takes no client id).
 */
#include <ctype.h>
#include <string.h>

#include "providers/task_api.h"

static const struct task_status_map minimax_statuses[] = {
	{ "Preparing", TASK_QUEUED },
	{ "Queueing", TASK_QUEUED },
	{ "Processing", TASK_RUNNING },
	{ "Success", TASK_SUCCEEDED },
	{ "Fail", TASK_FAILED },
	{ NULL, TASK_UNKNOWN },
};

static bool minimax_submit(const struct job *job, struct arena *a, struct task_call *call,
			   const char **why)
{
	const char *model = job->upstream_model && *job->upstream_model ? job->upstream_model
									  : "MiniMax-Hailuo-02";
	const char *image = task_input_image(job);
	const char *prompt = task_prompt(job, a);
	if (!image && !strncmp(model, "I2V", 3)) {
		*why = arena_printf(a, "MiniMax model %s animates an image: input.image is required.",
				    model);
		return false;
	}
	if (!image && !prompt) {
		*why = "MiniMax needs input.text (or input.image).";
		return false;
	}
	json_t *b = json_object();
	json_object_set_new(b, "model", json_string(model));
	if (prompt)
		json_object_set_new(b, "prompt", json_string(prompt));
	if (image)
		json_object_set_new(b, "first_frame_image", json_string(image));
	if (!strncmp(model, "MiniMax-Hailuo", 14)) {
		const char *d = task_option_text(job, "duration", a);
		bool ten = d && !strcmp(d, "10");
		json_object_set_new(b, "duration", json_integer(ten ? 10 : 6));
		const char *r = task_option_text(job, "resolution", a);
		if (r && *r) {
			char *up = arena_strdup(a, r);
			for (char *p = up; *p; p++)
				*p = (char)toupper((unsigned char)*p);
			/* 1080P renders 6 s only: a 10 s clip is served at 768P. */
			if (ten && !strcmp(up, "1080P"))
				up = "768P";
			json_object_set_new(b, "resolution", json_string(up));
		}
	}
	json_t *po = json_object_get(job->options, "promptOptimizer");
	if (json_is_boolean(po))
		json_object_set_new(b, "prompt_optimizer", json_boolean(json_is_true(po)));
	call->method = "POST";
	call->path = "/v1/video_generation";
	call->body = task_json_body(a, b);
	return true;
}

static bool minimax_poll(const struct job *job, const char *task_id, struct arena *a,
			 struct task_call *call)
{
	(void)job;
	call->method = "GET";
	call->path = arena_printf(a, "/v1/query/video_generation?task_id=%s", task_id);
	call->body = NULL;
	return true;
}

static bool minimax_result(const struct job *job, const char *file_id, struct arena *a,
			   struct task_call *call)
{
	(void)job;
	call->method = "GET";
	call->path = arena_printf(a, "/v1/files/retrieve?file_id=%s", file_id);
	call->body = NULL;
	return true;
}

/* The kind of error a base_resp.status_code means. */
static enum task_err minimax_code_err(long long code)
{
	switch (code) {
	case 1002: return TASK_ERR_THROTTLE;
	case 1026:
	case 1027: return TASK_ERR_MODERATION;
	case 1004:
	case 1008:
	case 2038: return TASK_ERR_ACCOUNT;
	case 2013: return TASK_ERR_REQUEST;
	default: return TASK_ERR_SERVER;
	}
}

static void minimax_refine(json_t *root, long http_status, struct arena *a, struct task_view *v)
{
	json_t *code = task_json_path(root, "base_resp.status_code");
	if (!json_is_integer(code) || json_integer_value(code) == 0)
		return;
	long long c = json_integer_value(code);
	enum task_err e = minimax_code_err(c);
	/* A Fail task's own code: final, so never "ask again". */
	if (v->state == TASK_FAILED && (e == TASK_ERR_SERVER || e == TASK_ERR_THROTTLE))
		e = TASK_ERR_NONE;
	v->error_code = arena_printf(a, "%lld", c);
	bool ok = http_status >= 200 && http_status < 300;
	if (ok || e != TASK_ERR_SERVER)
		v->err = e;
	v->malformed = false;
	json_t *m = task_json_path(root, "base_resp.status_msg");
	if (json_is_string(m))
		v->message = arena_strdup(a, json_string_value(m));
}

const struct task_api task_api_minimax = {
	.name = "minimax",
	.label = "MiniMax",
	.default_base = "https://api.minimax.io",
	.statuses = minimax_statuses,
	.id_path = "task_id",
	.status_path = "status",
	.progress_scale = 1,
	.error_message_path = "base_resp.status_msg",
	.auth = task_auth_bearer,
	.build_submit = minimax_submit,
	.build_poll = minimax_poll,
	.refine = minimax_refine,
	.result_ref_path = "file_id",
	.result_url_path = "file.download_url",
	.build_result = minimax_result,
};
