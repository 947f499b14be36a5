/*
 * kling.c - Kling on the async-task family (providers.md §2).
 *
 *   auth    Authorization: Bearer <HS256 JWT> (kling_jwt.c), from the key
 *           env var holding "ACCESS_KEY:SECRET_KEY"
 *   submit  POST {base}/v1/videos/text2video, or /v1/videos/image2video when
 *           input.image is set; {"model_name", "prompt", "negative_prompt",
 *           "cfg_scale" (v1.x only), "mode" (not on master models),
 *           "aspect_ratio" (text2video only), "duration": "5"|"10" (a string),
 *           "camera_control": {"type"}, "image" (image2video),
 *           "external_task_id": the generation id}
 *   poll    GET {base}/v1/videos/{text2video|image2video}/{task_id} (the
 *           submit's family): data.task_status submitted|processing|succeed|
 *           failed, data.task_result.videos[0].url, data.task_status_msg
 *   cancel  none upstream
 *   reconcile  providers.md documents no lookup by external_task_id, only
 *           the list GET {base}/v1/videos/{family}?pageNum=N&pageSize=30
 *           whose items carry task_info.external_task_id: we read up to 5
 *           pages (newest first) and pick the item whose external id is the
 *           generation id. Not found -> FAILED (FAULT_UPSTREAM).
 * Errors are a JSON `code` beside the HTTP status: 1300/1301 content policy,
 * 1302/1303 rate/concurrency (retry), 1000-1004 and 1100-1104 and 1304 key,
 * account or IP whitelist, 1200/1201 bad parameters, 5000-5002 server. A
 * failed task whose text names risk control or content security is
 * moderation too. cameraControl "simple" needs a config the catalog does
 * not take, so only the predefined moves are sent.
 */
#include <stdio.h>
#include <string.h>

#include "providers/kling_jwt.h"
#include "providers/task_api.h"

#define KLING_PAGE_SIZE 30

static const struct task_status_map kling_statuses[] = {
	{ "submitted", TASK_QUEUED },
	{ "processing", TASK_RUNNING },
	{ "succeed", TASK_SUCCEEDED },
	{ "failed", TASK_FAILED },
	{ NULL, TASK_UNKNOWN },
};

static const char *family(const struct job *job)
{
	return task_input_image(job) ? "image2video" : "text2video";
}

static const char *model_of(const struct job *job)
{
	return job->upstream_model && *job->upstream_model ? job->upstream_model : "kling-v1";
}

static bool kling_submit(const struct job *job, struct arena *a, struct task_call *call,
			 const char **why)
{
	const char *model = model_of(job);
	const char *image = task_input_image(job);
	const char *prompt = task_prompt(job, a);
	if (!image && (!strcmp(model, "kling-v1-5") || !strcmp(model, "kling-v2-1"))) {
		*why = arena_printf(a, "Kling model %s animates an image: input.image is required.",
				    model);
		return false;
	}
	if (!image && !prompt) {
		*why = "Kling needs input.text (or input.image).";
		return false;
	}
	json_t *b = json_object();
	json_object_set_new(b, "model_name", json_string(model));
	if (image)
		json_object_set_new(b, "image", json_string(image));
	if (prompt)
		json_object_set_new(b, "prompt", json_string(prompt));
	const char *v = task_option_text(job, "negativePrompt", a);
	if (v && *v)
		json_object_set_new(b, "negative_prompt", json_string(v));
	json_t *cfg = json_object_get(job->options, "cfgScale");
	if (json_is_number(cfg) && !strncmp(model, "kling-v1", 8))
		json_object_set_new(b, "cfg_scale", json_real(json_number_value(cfg)));
	if ((v = task_option_text(job, "mode", a)) && !strstr(model, "master"))
		json_object_set_new(b, "mode", json_string(v));
	if (!image && (v = task_option_text(job, "aspectRatio", a)))
		json_object_set_new(b, "aspect_ratio", json_string(v));
	if ((v = task_option_text(job, "duration", a)))
		json_object_set_new(b, "duration", json_string(v));
	if ((v = task_option_text(job, "cameraControl", a)) && strcmp(v, "simple")) {
		json_t *cc = json_object();
		json_object_set_new(cc, "type", json_string(v));
		json_object_set_new(b, "camera_control", cc);
	}
	json_object_set_new(b, "external_task_id", json_string(job->id));
	call->method = "POST";
	call->path = arena_printf(a, "/v1/videos/%s", family(job));
	call->body = task_json_body(a, b);
	return true;
}

static bool kling_poll(const struct job *job, const char *task_id, struct arena *a,
		       struct task_call *call)
{
	call->method = "GET";
	call->path = arena_printf(a, "/v1/videos/%s/%s", family(job), task_id);
	call->body = NULL;
	return true;
}

static bool kling_lookup(const struct job *job, int page, struct arena *a, struct task_call *call)
{
	call->method = "GET";
	call->path = arena_printf(a, "/v1/videos/%s?pageNum=%d&pageSize=%d", family(job), page,
				  KLING_PAGE_SIZE);
	call->body = NULL;
	return true;
}

static json_t *kling_pick(json_t *root, const struct job *job, bool *more)
{
	json_t *list = json_object_get(root, "data"), *item;
	size_t i;
	*more = json_is_array(list) && json_array_size(list) >= KLING_PAGE_SIZE;
	json_array_foreach(list, i, item) {
		json_t *ext = task_json_path(item, "task_info.external_task_id");
		if (json_is_string(ext) && !strcmp(json_string_value(ext), job->id))
			return item;
	}
	return NULL;
}

static bool kling_auth(const char *key, long long now, struct arena *a, const char **header,
		       const char **why)
{
	const char *jwt = kling_jwt_get(key, now);
	if (!jwt) {
		*why = "Provider Kling's key is not in the form ACCESS_KEY:SECRET_KEY.";
		return false;
	}
	*header = arena_printf(a, "Authorization: Bearer %s", jwt);
	return true;
}

/* The kind of error a Kling `code` means. */
static enum task_err kling_code_err(long long code)
{
	if (code == 1300 || code == 1301)
		return TASK_ERR_MODERATION;
	if (code == 1302 || code == 1303)
		return TASK_ERR_THROTTLE;
	if ((code >= 1000 && code <= 1004) || (code >= 1100 && code <= 1104) || code == 1304)
		return TASK_ERR_ACCOUNT;
	if (code == 1200 || code == 1201)
		return TASK_ERR_REQUEST;
	return TASK_ERR_SERVER;
}

static void kling_refine(json_t *root, long http_status, struct arena *a, struct task_view *v)
{
	(void)http_status;
	json_t *code = json_object_get(root, "code");
	if (json_is_integer(code) && json_integer_value(code) != 0) {
		long long c = json_integer_value(code);
		v->error_code = arena_printf(a, "%lld", c);
		v->err = kling_code_err(c);
		v->malformed = false;
		json_t *m = json_object_get(root, "message");
		if (!v->message && json_is_string(m))
			v->message = arena_strdup(a, json_string_value(m));
		return;
	}
	if (v->state == TASK_FAILED && v->message &&
	    (strcasestr(v->message, "risk control") || strcasestr(v->message, "content security")))
		v->err = TASK_ERR_MODERATION;
}

const struct task_api task_api_kling = {
	.name = "kling",
	.label = "Kling",
	.default_base = "https://api-singapore.klingai.com",
	.statuses = kling_statuses,
	.envelope = "data",
	.id_path = "task_id",
	.status_path = "task_status",
	.url_path = "task_result.videos.0.url",
	.progress_scale = 1,
	.message_path = "task_status_msg",
	.error_message_path = "message",
	.auth = kling_auth,
	.build_submit = kling_submit,
	.build_poll = kling_poll,
	.build_lookup = kling_lookup,
	.pick = kling_pick,
	.refine = kling_refine,
	.lookup_pages = 5,
};
