/*
 * test_task_api.c - the async-task family's pure half on answers shaped as
 * reference/providers.md records them (§2 Kling, §5 Runway, §6 Luma): the
 * request each builder makes (method, path, headers, body), the status
 * tables (§19.2), the parsing of each status, success URL, failure,
 * moderation, 429, 5xx and malformed answers, and the classification into
 * provider outcomes (task_api.c's table). No network: task_run.c and the
 * fake upstream (tests/fakes/upstream.mjs) cover the transport.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "providers/kling_jwt.h"
#include "providers/provider.h"
#include "providers/task_api.h"
#include "task_fixture.h"

/* ---------------------------------------------------------------- tables */

static void status_tables(void **state)
{
	(void)state;
	static const struct {
		const struct task_api *api;
		const char *status;
		enum task_state state;
	} rows[] = {
		{ &task_api_luma, "queued", TASK_QUEUED },
		{ &task_api_luma, "dreaming", TASK_RUNNING },
		{ &task_api_luma, "completed", TASK_SUCCEEDED },
		{ &task_api_luma, "failed", TASK_FAILED },
		{ &task_api_luma, "COMPLETED", TASK_UNKNOWN },
		{ &task_api_runway, "PENDING", TASK_QUEUED },
		{ &task_api_runway, "THROTTLED", TASK_QUEUED },
		{ &task_api_runway, "RUNNING", TASK_RUNNING },
		{ &task_api_runway, "SUCCEEDED", TASK_SUCCEEDED },
		{ &task_api_runway, "FAILED", TASK_FAILED },
		{ &task_api_runway, "CANCELLED", TASK_CANCELED },
		{ &task_api_runway, "succeeded", TASK_UNKNOWN },
		{ &task_api_kling, "submitted", TASK_QUEUED },
		{ &task_api_kling, "processing", TASK_RUNNING },
		{ &task_api_kling, "succeed", TASK_SUCCEEDED },
		{ &task_api_kling, "failed", TASK_FAILED },
		{ &task_api_kling, "succeeded", TASK_UNKNOWN },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		assert_int_equal(task_state_of(rows[i].api->statuses, rows[i].status), rows[i].state);
	assert_int_equal(task_state_of(task_api_kling.statuses, NULL), TASK_UNKNOWN);
	assert_string_equal(task_state_name(TASK_CANCELED), "canceled");
}

static void json_paths(void **state)
{
	(void)state;
	json_t *j = json_loads("{\"data\":{\"task_result\":{\"videos\":[{\"url\":\"u0\"},{\"url\":\"u1\"}]}},"
			       "\"output\":[\"o0\"]}", 0, NULL);
	assert_string_equal(sget(j, "data.task_result.videos.1.url"), "u1");
	assert_string_equal(sget(j, "output.0"), "o0");
	assert_null(task_json_path(j, "output.1"));
	assert_null(task_json_path(j, "output.x"));
	assert_null(task_json_path(j, "data.task_result.videos.0.url.deeper"));
	assert_null(task_json_path(j, NULL));
	json_decref(j);
}

/* ---------------------------------------------------------------- builders */

static void luma_builders(void **state)
{
	(void)state;
	struct job job;
	struct task_call call;
	job_from("{\"id\":\"gen_1\",\"upstreamModel\":\"ray-2\",\"input\":{\"text\":\"a fox\"},"
		 "\"effectiveOptions\":{\"duration\":\"5\",\"resolution\":\"720p\",\"aspectRatio\":\"16:9\","
		 "\"style\":\"cinematic\",\"loop\":false,\"unknownOption\":1}}", &job);
	build(&task_api_luma, TASK_PHASE_SUBMIT, &job, NULL, &call);
	assert_string_equal(call.method, "POST");
	assert_string_equal(call.path, "/generations/video");
	assert_true(has_header(&call, "Authorization: Bearer k"));
	assert_true(has_header(&call, "Content-Type: application/json"));
	assert_true(has_header(&call, "Accept: application/json"));
	json_t *b = body_of(&call);
	assert_string_equal(sget(b, "model"), "ray-2");
	assert_string_equal(sget(b, "prompt"), "a fox, cinematic style");
	assert_string_equal(sget(b, "duration"), "5s");
	assert_string_equal(sget(b, "resolution"), "720p");
	assert_string_equal(sget(b, "aspect_ratio"), "16:9");
	assert_true(json_is_false(json_object_get(b, "loop")));
	assert_null(json_object_get(b, "keyframes"));
	assert_null(json_object_get(b, "unknownOption"));
	assert_int_equal(json_object_size(b), 6);

	job_from("{\"id\":\"gen_2\",\"upstreamModel\":\"ray-flash-2\",\"input\":{\"image\":\"https://e.x/a.png\"},"
		 "\"effectiveOptions\":{\"duration\":\"9\"}}", &job);
	build(&task_api_luma, TASK_PHASE_SUBMIT, &job, NULL, &call);
	b = body_of(&call);
	assert_string_equal(sget(b, "duration"), "9s");
	assert_string_equal(sget(b, "keyframes.frame0.type"), "image");
	assert_string_equal(sget(b, "keyframes.frame0.url"), "https://e.x/a.png");
	assert_null(json_object_get(b, "prompt"));

	build(&task_api_luma, TASK_PHASE_POLL, &job, "1b2c-3d", &call);
	assert_string_equal(call.method, "GET");
	assert_string_equal(call.path, "/generations/1b2c-3d");
	assert_null(call.body);
	assert_false(has_header(&call, "Content-Type: application/json"));
	build(&task_api_luma, TASK_PHASE_CANCEL, &job, "1b2c-3d", &call);
	assert_string_equal(call.method, "DELETE");
	assert_string_equal(call.path, "/generations/1b2c-3d");

	enum provider_fault fault;
	const char *why = NULL;
	job_from("{\"id\":\"gen_3\",\"input\":{}}", &job);
	assert_false(task_build(&task_api_luma, TASK_PHASE_SUBMIT, &job, NULL, 1, "k", 0, A, &call,
				&fault, &why));
	assert_int_equal(fault, FAULT_REQUEST);
	assert_non_null(why);
	assert_false(task_build(&task_api_luma, TASK_PHASE_LOOKUP, &job, NULL, 1, "k", 0, A, &call,
				&fault, &why));
	assert_int_equal(fault, FAULT_UPSTREAM);
	/* A task id that would escape the path is refused. */
	assert_false(task_build(&task_api_luma, TASK_PHASE_POLL, &job, "../x?y", 1, "k", 0, A, &call,
				&fault, &why));
	assert_false(task_build(&task_api_luma, TASK_PHASE_POLL, &job, NULL, 1, "k", 0, A, &call,
				&fault, &why));
	assert_int_equal(fault, FAULT_UPSTREAM);
}

static void runway_builders(void **state)
{
	(void)state;
	struct job job;
	struct task_call call;
	job_from("{\"id\":\"gen_r\",\"upstreamModel\":\"gen4_turbo\",\"input\":{\"text\":\"waves\","
		 "\"image\":\"https://e.x/b.jpg\"},\"effectiveOptions\":{\"duration\":\"10\","
		 "\"aspectRatio\":\"9:16\",\"motionIntensity\":\"high\",\"seed\":42}}", &job);
	build(&task_api_runway, TASK_PHASE_SUBMIT, &job, NULL, &call);
	assert_string_equal(call.method, "POST");
	assert_string_equal(call.path, "/v1/image_to_video");
	assert_true(has_header(&call, "Authorization: Bearer k"));
	assert_true(has_header(&call, "X-Runway-Version: 2024-11-06"));
	assert_true(has_header(&call, "Content-Type: application/json"));
	json_t *b = body_of(&call);
	assert_string_equal(sget(b, "model"), "gen4_turbo");
	assert_string_equal(sget(b, "promptImage"), "https://e.x/b.jpg");
	assert_string_equal(sget(b, "promptText"), "waves, dynamic, strong motion");
	assert_string_equal(sget(b, "ratio"), "720:1280");
	assert_int_equal(json_integer_value(json_object_get(b, "duration")), 10);
	assert_int_equal(json_integer_value(json_object_get(b, "seed")), 42);
	assert_int_equal(json_object_size(b), 6);

	/* gen3a_turbo has two ratios; medium motion adds nothing. */
	job_from("{\"id\":\"gen_r3\",\"upstreamModel\":\"gen3a_turbo\",\"input\":{\"text\":\"w\","
		 "\"image\":\"https://e.x/b.jpg\"},\"effectiveOptions\":{\"aspectRatio\":\"1:1\","
		 "\"motionIntensity\":\"medium\"}}", &job);
	build(&task_api_runway, TASK_PHASE_SUBMIT, &job, NULL, &call);
	b = body_of(&call);
	assert_string_equal(sget(b, "ratio"), "1280:768");
	assert_string_equal(sget(b, "promptText"), "w");
	assert_int_equal(json_integer_value(json_object_get(b, "duration")), 5);
	assert_string_equal(runway_ratio("gen4_turbo", "21:9"), "1584:672");
	assert_string_equal(runway_ratio("gen3a_turbo", "3:4"), "768:1280");
	assert_null(runway_ratio("gen4_turbo", "5:4"));

	build(&task_api_runway, TASK_PHASE_POLL, &job, "a1b2", &call);
	assert_string_equal(call.method, "GET");
	assert_string_equal(call.path, "/v1/tasks/a1b2");
	assert_true(has_header(&call, "X-Runway-Version: 2024-11-06"));
	build(&task_api_runway, TASK_PHASE_CANCEL, &job, "a1b2", &call);
	assert_string_equal(call.method, "DELETE");
	assert_string_equal(call.path, "/v1/tasks/a1b2");

	enum provider_fault fault;
	const char *why = NULL;
	job_from("{\"id\":\"gen_r4\",\"input\":{\"text\":\"no image\"}}", &job);
	assert_false(task_build(&task_api_runway, TASK_PHASE_SUBMIT, &job, NULL, 1, "k", 0, A,
				&call, &fault, &why));
	assert_int_equal(fault, FAULT_REQUEST);
	assert_non_null(strstr(why, "input.image"));
}

static void kling_builders(void **state)
{
	(void)state;
	struct job job;
	struct task_call call;
	char jwt[KLING_JWT_MAX];
	assert_true(kling_jwt_mint("AK", "SK", 1700000000LL, jwt, sizeof jwt));
	job_from("{\"id\":\"gen_k\",\"upstreamModel\":\"kling-v1-6\",\"input\":{\"text\":\"a cat\"},"
		 "\"effectiveOptions\":{\"duration\":\"10\",\"mode\":\"pro\",\"aspectRatio\":\"9:16\","
		 "\"cfgScale\":0.5,\"negativePrompt\":\"blur\",\"cameraControl\":\"down_back\","
		 "\"style\":\"natural\"}}", &job);
	build(&task_api_kling, TASK_PHASE_SUBMIT, &job, NULL, &call);
	assert_string_equal(call.method, "POST");
	assert_string_equal(call.path, "/v1/videos/text2video");
	assert_true(has_header(&call, arena_printf(A, "Authorization: Bearer %s", jwt)));
	json_t *b = body_of(&call);
	assert_string_equal(sget(b, "model_name"), "kling-v1-6");
	assert_string_equal(sget(b, "prompt"), "a cat");
	assert_string_equal(sget(b, "duration"), "10"); /* a string */
	assert_string_equal(sget(b, "mode"), "pro");
	assert_string_equal(sget(b, "aspect_ratio"), "9:16");
	assert_string_equal(sget(b, "negative_prompt"), "blur");
	assert_string_equal(sget(b, "camera_control.type"), "down_back");
	assert_string_equal(sget(b, "external_task_id"), "gen_k");
	assert_true(json_real_value(json_object_get(b, "cfg_scale")) == 0.5);
	assert_int_equal(json_object_size(b), 9);

	/* image2video: no aspect_ratio; master: no mode; v2: no cfg_scale;
	 * "simple" needs a config we don't take. */
	job_from("{\"id\":\"gen_k2\",\"upstreamModel\":\"kling-v2-1-master\",\"input\":{\"text\":\"go\","
		 "\"image\":\"https://e.x/c.png\"},\"effectiveOptions\":{\"duration\":5,\"mode\":\"std\","
		 "\"aspectRatio\":\"16:9\",\"cfgScale\":0.3,\"cameraControl\":\"simple\"}}", &job);
	build(&task_api_kling, TASK_PHASE_SUBMIT, &job, NULL, &call);
	assert_string_equal(call.path, "/v1/videos/image2video");
	b = body_of(&call);
	assert_string_equal(sget(b, "image"), "https://e.x/c.png");
	assert_string_equal(sget(b, "duration"), "5");
	assert_null(json_object_get(b, "aspect_ratio"));
	assert_null(json_object_get(b, "mode"));
	assert_null(json_object_get(b, "cfg_scale"));
	assert_null(json_object_get(b, "camera_control"));

	build(&task_api_kling, TASK_PHASE_POLL, &job, "860001", &call);
	assert_string_equal(call.method, "GET");
	assert_string_equal(call.path, "/v1/videos/image2video/860001");
	build(&task_api_kling, TASK_PHASE_LOOKUP, &job, NULL, &call);
	assert_string_equal(call.path, "/v1/videos/image2video?pageNum=1&pageSize=30");

	enum provider_fault fault;
	const char *why = NULL;
	assert_false(task_build(&task_api_kling, TASK_PHASE_CANCEL, &job, "860001", 1, "AK:SK", 0, A,
				&call, &fault, &why));
	/* An image-only model without an image. */
	job_from("{\"id\":\"gen_k3\",\"upstreamModel\":\"kling-v2-1\",\"input\":{\"text\":\"x\"}}", &job);
	assert_false(task_build(&task_api_kling, TASK_PHASE_SUBMIT, &job, NULL, 1, "AK:SK", 0, A,
				&call, &fault, &why));
	assert_int_equal(fault, FAULT_REQUEST);
	/* A key without the secret half is the operator's problem. */
	job_from("{\"id\":\"gen_k4\",\"upstreamModel\":\"kling-v1\",\"input\":{\"text\":\"x\"}}", &job);
	assert_false(task_build(&task_api_kling, TASK_PHASE_SUBMIT, &job, NULL, 1, "only-access", 0,
				A, &call, &fault, &why));
	assert_int_equal(fault, FAULT_CONFIG);
	assert_null(strstr(why, "only-access"));
	/* An aggregator route is not this adapter's protocol. */
	job_from("{\"id\":\"gen_k5\",\"route\":\"fal\",\"input\":{\"text\":\"x\"}}", &job);
	assert_false(task_build(&task_api_kling, TASK_PHASE_SUBMIT, &job, NULL, 1, "AK:SK", 0, A,
				&call, &fault, &why));
	assert_int_equal(fault, FAULT_CONFIG);  /* the catalog routes it elsewhere */
	assert_non_null(strstr(why, "'fal'"));
	job_from("{\"id\":\"gen_k6\",\"route\":\"direct\",\"input\":{\"text\":\"x\"}}", &job);
	assert_true(task_build(&task_api_kling, TASK_PHASE_SUBMIT, &job, NULL, 1, "AK:SK", 0, A,
			       &call, &fault, &why));
}

static void keys_and_base(void **state)
{
	(void)state;
	struct job job;
	const char *why = NULL;
	job_from("{\"id\":\"g\",\"keyEnv\":\"DOITONG_TEST_LUMA_KEY\"}", &job);
	unsetenv("DOITONG_TEST_LUMA_KEY");
	assert_null(task_key(&task_api_luma, &job, A, &why));
	assert_string_equal(why, "Provider Luma has no API key configured.");
	setenv("DOITONG_TEST_LUMA_KEY", "", 1);
	assert_null(task_key(&task_api_luma, &job, A, &why));
	setenv("DOITONG_TEST_LUMA_KEY", "lk", 1);
	assert_string_equal(task_key(&task_api_luma, &job, A, &why), "lk");
	job_from("{\"id\":\"g\"}", &job);
	assert_null(task_key(&task_api_luma, &job, A, &why));

	assert_string_equal(task_base_url(&task_api_luma, &job, A),
			    "https://api.lumalabs.ai/dream-machine/v1");
	assert_string_equal(task_base_url(&task_api_runway, &job, A), "https://api.dev.runwayml.com");
	assert_string_equal(task_base_url(&task_api_kling, &job, A),
			    "https://api-singapore.klingai.com");
	job_from("{\"id\":\"g\",\"baseUrl\":\"http://127.0.0.1:9/luma//\"}", &job);
	assert_string_equal(task_base_url(&task_api_luma, &job, A), "http://127.0.0.1:9/luma");
}

/* ---------------------------------------------------------------- answers */

static void luma_answers(void **state)
{
	(void)state;
	struct job job;
	struct provider_outcome o;
	job_from("{\"id\":\"g\",\"progress\":0,\"pollInterval\":5}", &job);
	const struct task_api *api = &task_api_luma;

	answer(api, TASK_PHASE_SUBMIT, &job, 201, -1,
	       "{\"id\":\"9f1e6a8c-0b1d-4c5e-8f00-123456789abc\",\"state\":\"queued\",\"failure_reason\":null,"
	       "\"created_at\":\"2025-01-01T00:00:00Z\",\"assets\":null,\"model\":\"ray-2\","
	       "\"request\":{\"prompt\":\"a fox\"}}", &o);
	assert_int_equal(o.kind, PROVIDER_SUBMITTED);
	assert_string_equal(o.task_id, "9f1e6a8c-0b1d-4c5e-8f00-123456789abc");
	assert_string_equal(o.upstream_status, "queued");

	answer(api, TASK_PHASE_POLL, &job, 200, -1, "{\"id\":\"x\",\"state\":\"dreaming\"}", &o);
	assert_int_equal(o.kind, PROVIDER_RUNNING);
	assert_int_equal(o.progress, 0);
	assert_int_equal(o.next_poll_seconds, 5);
	assert_string_equal(o.upstream_status, "dreaming");

	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"id\":\"x\",\"state\":\"completed\",\"assets\":{\"video\":\"https://cdn.lumalabs.ai/x.mp4\","
	       "\"image\":\"https://cdn.lumalabs.ai/x.jpg\"}}", &o);
	assert_int_equal(o.kind, PROVIDER_COMPLETED);
	assert_string_equal(o.url, "https://cdn.lumalabs.ai/x.mp4");
	assert_null(o.path);
	assert_string_equal(o.upstream_status, "completed");

	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"id\":\"x\",\"state\":\"failed\",\"failure_reason\":\"Internal render error\"}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "failed", "Internal render error");

	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"id\":\"x\",\"state\":\"failed\",\"failure_reason\":\"Prompt not allowed because "
	       "advanced moderation failed\"}", &o);
	assert_failed(&o, FAULT_REQUEST, "failed", "moderation");

	answer(api, TASK_PHASE_SUBMIT, &job, 400, -1,
	       "{\"detail\":\"Invalid request: aspect_ratio must be one of ...\"}", &o);
	assert_failed(&o, FAULT_REQUEST, "400", "aspect_ratio must be");

	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"id\":\"x\",\"state\":\"completed\",\"assets\":{}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "completed", "without a result URL");
}

static void runway_answers(void **state)
{
	(void)state;
	struct job job;
	struct provider_outcome o;
	job_from("{\"id\":\"g\",\"progress\":50,\"pollInterval\":5}", &job);
	const struct task_api *api = &task_api_runway;

	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1, "{\"id\":\"17f20503-6c24-4c16-946b-35dbbce2af2f\"}", &o);
	assert_int_equal(o.kind, PROVIDER_SUBMITTED);
	assert_string_equal(o.task_id, "17f20503-6c24-4c16-946b-35dbbce2af2f");
	assert_string_equal(o.upstream_status, "200");

	/* Progress is a fraction; it never goes back below the recorded 50. */
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"id\":\"t\",\"status\":\"RUNNING\",\"progress\":0.734,\"createdAt\":\"2024-11-06T00:00:00Z\"}", &o);
	assert_int_equal(o.kind, PROVIDER_RUNNING);
	assert_int_equal(o.progress, 73);
	answer(api, TASK_PHASE_POLL, &job, 200, -1, "{\"id\":\"t\",\"status\":\"RUNNING\",\"progress\":0.2}", &o);
	assert_int_equal(o.progress, 50);
	answer(api, TASK_PHASE_POLL, &job, 200, -1, "{\"id\":\"t\",\"status\":\"RUNNING\",\"progress\":1}", &o);
	assert_int_equal(o.progress, 99);
	/* THROTTLED on a task is queued, not an error. */
	answer(api, TASK_PHASE_POLL, &job, 200, -1, "{\"id\":\"t\",\"status\":\"THROTTLED\"}", &o);
	assert_int_equal(o.kind, PROVIDER_RUNNING);
	assert_string_equal(o.upstream_status, "THROTTLED");
	answer(api, TASK_PHASE_POLL, &job, 200, -1, "{\"id\":\"t\",\"status\":\"PENDING\"}", &o);
	assert_int_equal(o.kind, PROVIDER_RUNNING);

	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"id\":\"t\",\"status\":\"SUCCEEDED\",\"output\":[\"https://dnznrvs05pmza.cloudfront.net/t.mp4?_jwt=secret\"]}", &o);
	assert_int_equal(o.kind, PROVIDER_COMPLETED);
	assert_string_equal(o.url, "https://dnznrvs05pmza.cloudfront.net/t.mp4?_jwt=secret");

	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"id\":\"t\",\"status\":\"FAILED\",\"failure\":\"The input image was flagged by content moderation.\","
	       "\"failureCode\":\"SAFETY.INPUT.IMAGE\"}", &o);
	assert_failed(&o, FAULT_REQUEST, "SAFETY.INPUT.IMAGE", "flagged by content moderation");

	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"id\":\"t\",\"status\":\"FAILED\",\"failure\":\"An unexpected error occurred.\","
	       "\"failureCode\":\"INTERNAL.BAD_OUTPUT.CODE01\"}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "INTERNAL.BAD_OUTPUT.CODE01", "unexpected error");

	answer(api, TASK_PHASE_POLL, &job, 200, -1, "{\"id\":\"t\",\"status\":\"CANCELLED\"}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "CANCELLED", "cancelled");

	answer(api, TASK_PHASE_SUBMIT, &job, 400, -1,
	       "{\"error\":\"promptImage: Invalid URL\",\"issues\":[]}", &o);
	assert_failed(&o, FAULT_REQUEST, "400", "promptImage: Invalid URL");

	answer(api, TASK_PHASE_SUBMIT, &job, 429, 30,
	       "{\"error\":\"You have exceeded the daily task limit.\"}", &o);
	assert_int_equal(o.kind, PROVIDER_RETRY_LATER);
	assert_int_equal(o.retry_seconds, 30);
	assert_string_equal(o.upstream_status, "429");

	answer(api, TASK_PHASE_SUBMIT, &job, 401, -1, "{\"error\":\"Invalid API key\"}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "401", "API key");

	answer(api, TASK_PHASE_POLL, &job, 200, -1, "{\"id\":\"t\",\"status\":\"EXPLODED\"}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "EXPLODED", "unknown status 'EXPLODED'");
}

static void kling_answers(void **state)
{
	(void)state;
	struct job job;
	struct provider_outcome o;
	job_from("{\"id\":\"gen_k\",\"progress\":10}", &job);
	const struct task_api *api = &task_api_kling;

	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1,
	       "{\"code\":0,\"message\":\"SUCCEED\",\"request_id\":\"r-1\",\"data\":{\"task_id\":\"860001\","
	       "\"task_status\":\"submitted\",\"task_info\":{\"external_task_id\":\"gen_k\"},"
	       "\"created_at\":1722769557708,\"updated_at\":1722769557708}}", &o);
	assert_int_equal(o.kind, PROVIDER_SUBMITTED);
	assert_string_equal(o.task_id, "860001");
	assert_string_equal(o.upstream_status, "submitted");

	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"code\":0,\"message\":\"SUCCEED\",\"data\":{\"task_id\":\"860001\",\"task_status\":\"processing\"}}", &o);
	assert_int_equal(o.kind, PROVIDER_RUNNING);
	assert_int_equal(o.progress, 10); /* Kling reports none: the recorded value stays */
	assert_int_equal(o.next_poll_seconds, 5);

	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"code\":0,\"message\":\"SUCCEED\",\"data\":{\"task_id\":\"860001\",\"task_status\":\"succeed\","
	       "\"task_result\":{\"videos\":[{\"id\":\"v1\",\"url\":\"https://cdn.klingai.com/v1.mp4\","
	       "\"duration\":\"5.1\"}]},\"final_unit_deduction\":\"2\"}}", &o);
	assert_int_equal(o.kind, PROVIDER_COMPLETED);
	assert_string_equal(o.url, "https://cdn.klingai.com/v1.mp4");
	assert_string_equal(o.upstream_status, "succeed");

	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"code\":0,\"message\":\"SUCCEED\",\"data\":{\"task_id\":\"860001\",\"task_status\":\"failed\","
	       "\"task_status_msg\":\"Video generation failed\"}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "failed", "Video generation failed");

	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"code\":0,\"message\":\"SUCCEED\",\"data\":{\"task_id\":\"860001\",\"task_status\":\"failed\","
	       "\"task_status_msg\":\"Failure to pass the risk control system\"}}", &o);
	assert_failed(&o, FAULT_REQUEST, "failed", "risk control");

	answer(api, TASK_PHASE_SUBMIT, &job, 400, -1,
	       "{\"code\":1301,\"message\":\"Trigger the content security policy of the platform\",\"request_id\":\"r\"}", &o);
	assert_failed(&o, FAULT_REQUEST, "400 1301", "content security policy");

	answer(api, TASK_PHASE_SUBMIT, &job, 429, -1,
	       "{\"code\":1302,\"message\":\"The API request is too fast\",\"request_id\":\"r\"}", &o);
	assert_int_equal(o.kind, PROVIDER_RETRY_LATER);
	assert_int_equal(o.retry_seconds, TASK_RETRY_DEFAULT);
	assert_string_equal(o.upstream_status, "429 1302");
	answer(api, TASK_PHASE_SUBMIT, &job, 429, 3,
	       "{\"code\":1303,\"message\":\"parallel task over resource pack limit\"}", &o);
	assert_int_equal(o.kind, PROVIDER_RETRY_LATER);
	assert_int_equal(o.retry_seconds, 3);
	/* A 429 for an empty resource pack won't clear in seconds: the operator's. */
	answer(api, TASK_PHASE_SUBMIT, &job, 429, -1,
	       "{\"code\":1102,\"message\":\"resource pack exhausted\"}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "429 1102", NULL);
	assert_null(strstr(o.message, "exhausted"));
	answer(api, TASK_PHASE_POLL, &job, 401, -1, "{\"code\":1004,\"message\":\"token expired\"}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "401 1004", "API key");
	answer(api, TASK_PHASE_SUBMIT, &job, 400, -1, "{\"code\":1201,\"message\":\"model_name invalid\"}", &o);
	assert_failed(&o, FAULT_REQUEST, "400 1201", "model_name invalid");
	answer(api, TASK_PHASE_SUBMIT, &job, 500, -1, "{\"code\":5000,\"message\":\"server error\"}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "500 5000", "server error");
	answer(api, TASK_PHASE_SUBMIT, &job, 504, -1, "{\"code\":5002,\"message\":\"timeout\"}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "504 5002", NULL);
	/* An error code inside a 200. */
	answer(api, TASK_PHASE_POLL, &job, 200, -1, "{\"code\":5001,\"message\":\"busy\",\"data\":null}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "5001", "busy");
}

static void generic_answers(void **state)
{
	(void)state;
	struct job job;
	struct provider_outcome o;
	job_from("{\"id\":\"g\"}", &job);
	const struct task_api *api = &task_api_luma;

	answer(api, TASK_PHASE_SUBMIT, &job, 503, -1, "<html>Service Unavailable</html>", &o);
	assert_failed(&o, FAULT_UPSTREAM, "503", "HTTP 503");
	answer(api, TASK_PHASE_POLL, &job, 502, -1, "", &o);
	assert_int_equal(o.kind, PROVIDER_RETRY_LATER);  /* a poll learnt nothing */
	assert_string_equal(o.upstream_status, "502");
	answer(api, TASK_PHASE_SUBMIT, &job, 429, -1, "", &o);
	assert_int_equal(o.kind, PROVIDER_RETRY_LATER);
	assert_int_equal(o.retry_seconds, 10);
	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1, "{\"id\":", &o);
	assert_failed(&o, FAULT_UPSTREAM, "200", "could not read");
	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1, "[1,2]", &o);
	assert_failed(&o, FAULT_UPSTREAM, "200", "could not read");
	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1, "{\"state\":\"queued\"}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "queued", "task id");
	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1, "{\"id\":\"../../etc\",\"state\":\"queued\"}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "queued", "task id");
	answer(api, TASK_PHASE_POLL, &job, 200, -1, "{\"id\":\"x\"}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "200", "without a status");
	answer(api, TASK_PHASE_POLL, &job, 404, -1, "{\"detail\":\"Generation not found\"}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "404", "not found");
	answer(api, TASK_PHASE_POLL, &job, 302, -1, "", &o);
	assert_failed(&o, FAULT_UPSTREAM, "302", NULL);
	answer(api, TASK_PHASE_SUBMIT, &job, 403, -1, "{\"detail\":\"key sk-live-123 revoked\"}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "403", NULL);
	assert_null(strstr(o.message, "sk-live"));
	answer(api, TASK_PHASE_SUBMIT, &job, 422, -1, "{\"detail\":[{\"msg\":\"field required\"}]}", &o);
	assert_failed(&o, FAULT_REQUEST, "422", NULL);

	/* No answer. */
	task_transport_outcome(api, TASK_PHASE_SUBMIT, &job, true, "timeout", A, &o);
	assert_int_equal(o.kind, PROVIDER_SUBMIT_UNKNOWN);
	assert_int_equal(o.retry_seconds, TASK_UNKNOWN_RETRY);
	assert_string_equal(o.upstream_status, "timeout");
	task_transport_outcome(api, TASK_PHASE_SUBMIT, &job, false, "connect", A, &o);
	assert_failed(&o, FAULT_UPSTREAM, "connect", "could not be reached (connect)");
	/* A poll without an answer learnt nothing: look again later. */
	job.poll_interval = 7;
	task_transport_outcome(api, TASK_PHASE_POLL, &job, true, "network", A, &o);
	assert_int_equal(o.kind, PROVIDER_RETRY_LATER);
	assert_int_equal(o.retry_seconds, 14);
	assert_string_equal(o.upstream_status, "network");
	/* nor did a 5xx or 429 on a poll, which honours Retry-After */
	answer(api, TASK_PHASE_POLL, &job, 503, -1, "{\"error\":\"unavailable\"}", &o);
	assert_int_equal(o.kind, PROVIDER_RETRY_LATER);
	assert_int_equal(o.retry_seconds, 14);
	answer(api, TASK_PHASE_POLL, &job, 429, 30, "{\"error\":\"slow down\"}", &o);
	assert_int_equal(o.kind, PROVIDER_RETRY_LATER);
	assert_int_equal(o.retry_seconds, 30);
}

static void lookup_answers(void **state)
{
	(void)state;
	struct job job;
	struct provider_outcome o;
	struct task_view v;
	job_from("{\"id\":\"gen_k\"}", &job);
	const struct task_api *api = &task_api_kling;
	json_t *root = json_loads(
		"{\"code\":0,\"message\":\"SUCCEED\",\"data\":["
		"{\"task_id\":\"1\",\"task_status\":\"succeed\",\"task_info\":{\"external_task_id\":\"other\"}},"
		"{\"task_id\":\"2\",\"task_status\":\"processing\",\"task_info\":{\"external_task_id\":\"gen_k\"}},"
		"{\"task_id\":\"3\",\"task_status\":\"submitted\",\"task_info\":{}}]}", 0, NULL);
	bool more = true;
	json_t *item = api->pick(root, &job, &more);
	assert_non_null(item);
	assert_false(more);
	task_parse_object(api, item, 200, A, &v);
	task_outcome(api, TASK_PHASE_LOOKUP, &job, 200, -1, &v, A, &o);
	assert_int_equal(o.kind, PROVIDER_SUBMITTED);
	assert_string_equal(o.task_id, "2");
	json_decref(root);

	job_from("{\"id\":\"absent\"}", &job);
	root = json_loads("{\"code\":0,\"data\":[]}", 0, NULL);
	assert_null(api->pick(root, &job, &more));
	json_decref(root);

	json_t *done = json_loads("{\"task_id\":\"7\",\"task_status\":\"succeed\",\"task_result\":"
				  "{\"videos\":[{\"url\":\"https://cdn/x.mp4\"}]}}", 0, NULL);
	task_parse_object(api, done, 200, A, &v);
	task_outcome(api, TASK_PHASE_LOOKUP, &job, 200, -1, &v, A, &o);
	assert_int_equal(o.kind, PROVIDER_COMPLETED);
	assert_string_equal(o.task_id, "7");
	assert_string_equal(o.url, "https://cdn/x.mp4");
	json_decref(done);
}

static void messages(void **state)
{
	(void)state;
	assert_null(task_clean_message(A, NULL));
	assert_null(task_clean_message(A, "   "));
	assert_string_equal(task_clean_message(A, "bad\nline\ttab"), "bad line tab");
	assert_string_equal(task_clean_message(A, "see https://x.io/a/b?sig=SECRET&t=1 now"),
			    "see https://x.io/a/b now");
	char lng[1000];
	memset(lng, 'a', sizeof lng - 1);
	lng[sizeof lng - 1] = '\0';
	assert_int_equal(strlen(task_clean_message(A, lng)), TASK_MESSAGE_MAX);
	/* A cut never splits a UTF-8 sequence. */
	char utf[1000] = "";
	for (int i = 0; i < 200; i++)
		strncat(utf, "\xc3\xa9", sizeof utf - strlen(utf) - 1);
	const char *c = task_clean_message(A, arena_printf(A, "x%s", utf));
	assert_true(strlen(c) < TASK_MESSAGE_MAX);
	assert_int_equal(strlen(c) % 2, 1);
}

/* Polling backs off with the attempt's age: the provider's interval at
 * first, then a tenth of the elapsed time, at most a minute. */
static void poll_backoff(void **state)
{
	(void)state;
	struct job job;
	memset(&job, 0, sizeof job);
	long long now = 1900000000; /* 2030-03-17T17:46:40Z */
	assert_int_equal(provider_poll_backoff(&job, now), 5);  /* nothing known */
	job.poll_interval = 10;
	assert_int_equal(provider_poll_backoff(&job, now), 10);
	job.attempt_started_at = "2030-03-17T17:45:50Z";         /* 50 s ago */
	assert_int_equal(provider_poll_backoff(&job, now), 10);
	job.attempt_started_at = "2030-03-17T17:41:40Z";         /* 300 s ago */
	assert_int_equal(provider_poll_backoff(&job, now), 30);
	job.attempt_started_at = "2030-03-17T16:00:00Z";         /* long ago */
	assert_int_equal(provider_poll_backoff(&job, now), PROVIDER_POLL_MAX_SECONDS);
	job.poll_interval = 120;                                  /* a slow provider */
	assert_int_equal(provider_poll_backoff(&job, now), 120);
	job.poll_interval = 10;
	job.attempt_started_at = NULL;                            /* falls back to startedAt */
	job.started_at = "2030-03-17T17:41:40Z";
	assert_int_equal(provider_poll_backoff(&job, now), 30);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(poll_backoff),
		cmocka_unit_test(status_tables),
		cmocka_unit_test(json_paths),
		cmocka_unit_test(luma_builders),
		cmocka_unit_test(runway_builders),
		cmocka_unit_test(kling_builders),
		cmocka_unit_test(keys_and_base),
		cmocka_unit_test(luma_answers),
		cmocka_unit_test(runway_answers),
		cmocka_unit_test(kling_answers),
		cmocka_unit_test(generic_answers),
		cmocka_unit_test(lookup_answers),
		cmocka_unit_test(messages),
	};
	return cmocka_run_group_tests_name("providers/task_api", tests, task_setup, task_teardown);
}
