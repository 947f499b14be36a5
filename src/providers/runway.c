/*
 * runway.c - Runway on the async-task family (providers.md §5).
 *
 *   submit  POST {base}/v1/image_to_video
 *           Authorization: Bearer <key>, X-Runway-Version: 2024-11-06,
 *           Accept/Content-Type: application/json
 *           {"model", "promptImage", "promptText", "ratio", "duration", "seed"}
 *   poll    GET {base}/v1/tasks/{id}: PENDING|THROTTLED|RUNNING (progress
 *           0..1)|SUCCEEDED|FAILED|CANCELLED, output[0], failure, failureCode
 *   cancel  DELETE {base}/v1/tasks/{id}
 * The catalog's models (gen4_turbo, gen3a_turbo) animate an image only;
 * POST /v1/text_to_video exists for gen4.5, which the catalog does not offer,
 * so a job without input.image is refused before any request.
 * Runway has no motion parameter: motionIntensity low/high becomes words in
 * promptText (medium adds nothing). aspectRatio maps to the model's pixel
 * ratios; gen3a_turbo has only 1280:768 and 768:1280, so other shapes take
 * the one of the same orientation (square -> landscape).
 * THROTTLED (over concurrency) is a queued task, not an error; a 429 is.
 * failureCode SAFETY.* is moderation. No reconcile: no client id upstream.
 */
#include <string.h>

#include "providers/task_api.h"

static const struct task_status_map runway_statuses[] = {
	{ "PENDING", TASK_QUEUED },
	{ "THROTTLED", TASK_QUEUED },
	{ "RUNNING", TASK_RUNNING },
	{ "SUCCEEDED", TASK_SUCCEEDED },
	{ "FAILED", TASK_FAILED },
	{ "CANCELLED", TASK_CANCELED },
	{ NULL, TASK_UNKNOWN },
};

static const char *const runway_headers[] = { "X-Runway-Version: 2024-11-06", NULL };

struct ratio_row {
	const char *aspect;
	const char *gen4;      /* gen4_turbo */
	const char *gen3;      /* gen3a_turbo */
};

static const struct ratio_row ratios[] = {
	{ "16:9", "1280:720", "1280:768" },
	{ "9:16", "720:1280", "768:1280" },
	{ "1:1", "960:960", "1280:768" },
	{ "4:3", "1104:832", "1280:768" },
	{ "3:4", "832:1104", "768:1280" },
	{ "21:9", "1584:672", "1280:768" },
};

const char *runway_ratio(const char *model, const char *aspect)
{
	bool gen3 = model && !strncmp(model, "gen3", 4);
	for (size_t i = 0; aspect && i < ARRAY_LEN(ratios); i++)
		if (!strcmp(ratios[i].aspect, aspect))
			return gen3 ? ratios[i].gen3 : ratios[i].gen4;
	return NULL;
}

static bool runway_submit(const struct job *job, struct arena *a, struct task_call *call,
			  const char **why)
{
	const char *image = task_input_image(job);
	if (!image) {
		*why = "Runway animates an image: input.image is required.";
		return false;
	}
	const char *model = job->upstream_model && *job->upstream_model ? job->upstream_model
									  : "gen4_turbo";
	const char *prompt = task_prompt(job, a);
	const char *motion = task_option_text(job, "motionIntensity", a);
	const char *words = !motion ? NULL : !strcmp(motion, "low") ? "subtle, gentle motion"
				     : !strcmp(motion, "high") ? "dynamic, strong motion" : NULL;
	if (words)
		prompt = prompt ? arena_printf(a, "%s, %s", prompt, words) : words;

	json_t *b = json_object();
	json_object_set_new(b, "model", json_string(model));
	json_object_set_new(b, "promptImage", json_string(image));
	if (prompt)
		json_object_set_new(b, "promptText", json_string(prompt));
	const char *ratio = runway_ratio(model, task_option_text(job, "aspectRatio", a));
	json_object_set_new(b, "ratio", json_string(ratio ? ratio : runway_ratio(model, "16:9")));
	const char *d = task_option_text(job, "duration", a);
	json_object_set_new(b, "duration", json_integer(d && !strcmp(d, "10") ? 10 : 5));
	json_t *seed = json_object_get(job->options, "seed");
	if (json_is_integer(seed))
		json_object_set_new(b, "seed", json_integer(json_integer_value(seed)));
	call->method = "POST";
	call->path = "/v1/image_to_video";
	call->body = task_json_body(a, b);
	return true;
}

static bool runway_task(const struct job *job, const char *task_id, struct arena *a,
			struct task_call *call)
{
	(void)job;
	call->method = "GET";
	call->path = arena_printf(a, "/v1/tasks/%s", task_id);
	call->body = NULL;
	return true;
}

static bool runway_cancel(const struct job *job, const char *task_id, struct arena *a,
			  struct task_call *call)
{
	runway_task(job, task_id, a, call);
	call->method = "DELETE";
	return true;
}

static void runway_refine(json_t *root, long http_status, struct arena *a, struct task_view *v)
{
	(void)http_status;
	json_t *code = json_object_get(root, "failureCode");
	if (json_is_string(code)) {
		v->error_code = arena_strdup(a, json_string_value(code));
		if (!strncmp(v->error_code, "SAFETY", 6))
			v->err = TASK_ERR_MODERATION;
	}
}

const struct task_api task_api_runway = {
	.name = "runway",
	.label = "Runway",
	.default_base = "https://api.dev.runwayml.com",
	.extra_headers = runway_headers,
	.statuses = runway_statuses,
	.id_path = "id",
	.status_path = "status",
	.url_path = "output.0",
	.progress_path = "progress",
	.progress_scale = 100,
	.message_path = "failure",
	.error_message_path = "error",
	.auth = task_auth_bearer,
	.build_submit = runway_submit,
	.build_poll = runway_task,
	.build_cancel = runway_cancel,
	.refine = runway_refine,
};
