/*
 * test_task_routes.c - the routes a catalog provider can take besides its
 * vendor's API, on answers shaped as reference/providers.md records them:
 * fal.ai's queue (§17: submit, 202 status polls, the result step, cancel,
 * 422 detail errors, content_policy_violation), Replicate's predictions
 * (§18: model and version forms, output as a URL or a list, failed
 * predictions, problem details) and Veo on Google Vertex AI (§4 "Vertex AI
 * variant": predictLongRunning, fetchPredictOperation, videos[] as gcsUri
 * or inline bytes), and which descriptor a job's route selects.
 * No network: tests/integration/adapters_fake.c covers the transport.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "common/arena.h"
#include "providers/provider.h"
#include "providers/task_api.h"
#include "task_fixture.h"

#define FAL_T2V "fal-ai/minimax/hailuo-02/standard/text-to-video"

/* ---------------------------------------------------------------- fal.ai */

static void fal_builders(void **state)
{
	(void)state;
	const struct task_api *api = &task_api_fal;
	struct job job;
	struct task_call call;
	job_from("{\"id\":\"gen_f\",\"adapter\":\"minimax\",\"route\":\"fal\",\"falModel\":\"" FAL_T2V "\","
		 "\"input\":{\"text\":\"a fox\",\"image\":\"https://e.x/f.png\"},"
		 "\"effectiveOptions\":{\"duration\":\"6\",\"promptOptimizer\":false}}", &job);
	assert_ptr_equal(task_route_api(&task_api_minimax, &job), api);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	assert_string_equal(call.method, "POST");
	/* with an image, the model's image-to-video sibling */
	assert_string_equal(call.path, "/fal-ai/minimax/hailuo-02/standard/image-to-video");
	assert_string_equal(call.headers[0], "Authorization: Key k");
	json_t *b = body_of(&call);
	assert_string_equal(sget(b, "prompt"), "a fox");
	assert_string_equal(sget(b, "image_url"), "https://e.x/f.png");
	assert_string_equal(sget(b, "duration"), "6");
	assert_true(json_is_false(json_object_get(b, "prompt_optimizer")));
	assert_null(json_object_get(b, "aspect_ratio"));  /* MiniMax's row: none */
	/* status, result and cancel use owner/app only */
	build(api, TASK_PHASE_POLL, &job, "764cabcf-b745-4b3e-ae38-1200304cf45b", &call);
	assert_string_equal(call.method, "GET");
	assert_string_equal(call.path, "/fal-ai/minimax/requests/764cabcf-b745-4b3e-ae38-1200304cf45b/status");
	build(api, TASK_PHASE_RESULT, &job, "764cabcf-b745-4b3e-ae38-1200304cf45b", &call);
	assert_string_equal(call.path, "/fal-ai/minimax/requests/764cabcf-b745-4b3e-ae38-1200304cf45b");
	build(api, TASK_PHASE_CANCEL, &job, "764cabcf-b745-4b3e-ae38-1200304cf45b", &call);
	assert_string_equal(call.method, "PUT");
	assert_string_equal(call.path, "/fal-ai/minimax/requests/764cabcf-b745-4b3e-ae38-1200304cf45b/cancel");

	/* Luma's row: "5s" durations, aspect and resolution; text only keeps t2v */
	job_from("{\"id\":\"gen_f\",\"adapter\":\"luma\",\"route\":\"fal\",\"falModel\":"
		 "\"fal-ai/luma-dream-machine/ray-2\",\"input\":{\"text\":\"a fox\"},\"effectiveOptions\":"
		 "{\"duration\":\"5\",\"aspectRatio\":\"16:9\",\"resolution\":\"720p\"}}", &job);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	assert_string_equal(call.path, "/fal-ai/luma-dream-machine/ray-2");
	b = body_of(&call);
	assert_string_equal(sget(b, "duration"), "5s");
	assert_string_equal(sget(b, "aspect_ratio"), "16:9");
	assert_string_equal(sget(b, "resolution"), "720p");

	/* a routed job without the model id, or an unusable one: the operator's */
	enum provider_fault fault;
	const char *why = NULL;
	job_from("{\"id\":\"gen_f\",\"adapter\":\"luma\",\"route\":\"fal\",\"input\":{\"text\":\"a\"}}", &job);
	assert_false(task_build(api, TASK_PHASE_SUBMIT, &job, NULL, 1, "k", 0, A, &call, &fault, &why));
	assert_int_equal(fault, FAULT_CONFIG);
	assert_non_null(strstr(why, "model id"));
	job_from("{\"id\":\"gen_f\",\"adapter\":\"luma\",\"route\":\"fal\",\"falModel\":\"fal-ai/../x\","
		 "\"input\":{\"text\":\"a\"}}", &job);
	assert_false(task_build(api, TASK_PHASE_SUBMIT, &job, NULL, 1, "k", 0, A, &call, &fault, &why));
	assert_int_equal(fault, FAULT_CONFIG);
	/* a direct job on fal's descriptor: not this route */
	job_from("{\"id\":\"gen_f\",\"adapter\":\"luma\",\"falModel\":\"fal-ai/x/y\",\"input\":{\"text\":\"a\"}}", &job);
	assert_false(task_build(api, TASK_PHASE_SUBMIT, &job, NULL, 1, "k", 0, A, &call, &fault, &why));
	assert_int_equal(fault, FAULT_CONFIG);
}

static void fal_answers(void **state)
{
	(void)state;
	const struct task_api *api = &task_api_fal;
	struct job job;
	struct provider_outcome o;
	struct task_view v;
	job_from("{\"id\":\"gen_f\",\"adapter\":\"minimax\",\"route\":\"fal\",\"falModel\":\"" FAL_T2V "\","
		 "\"pollInterval\":10}", &job);
	const char *id = "764cabcf-b745-4b3e-ae38-1200304cf45b";
	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1,
	       arena_printf(A, "{\"status\":\"IN_QUEUE\",\"request_id\":\"%s\",\"response_url\":"
			       "\"https://queue.fal.run/fal-ai/minimax/requests/%s\",\"status_url\":"
			       "\"https://queue.fal.run/fal-ai/minimax/requests/%s/status\",\"cancel_url\":"
			       "\"https://queue.fal.run/fal-ai/minimax/requests/%s/cancel\",\"queue_position\":0}",
			    id, id, id, id), &o);
	assert_int_equal(o.kind, PROVIDER_SUBMITTED);
	assert_string_equal(o.task_id, id);
	answer(api, TASK_PHASE_POLL, &job, 202, -1, "{\"status\":\"IN_QUEUE\",\"queue_position\":2}", &o);
	assert_int_equal(o.kind, PROVIDER_RUNNING);
	assert_string_equal(o.upstream_status, "IN_QUEUE");
	answer(api, TASK_PHASE_POLL, &job, 202, -1, "{\"status\":\"IN_PROGRESS\",\"logs\":[]}", &o);
	assert_int_equal(o.kind, PROVIDER_RUNNING);
	/* COMPLETED names no URL: the request id is the reference the result
	 * step (the transport's) resolves */
	const char *done = arena_printf(A, "{\"status\":\"COMPLETED\",\"request_id\":\"%s\",\"logs\":[],"
					   "\"metrics\":{\"inference_time\":80.1}}", id);
	task_parse(api, 200, done, A, &v);
	assert_int_equal(v.state, TASK_SUCCEEDED);
	assert_null(v.url);
	assert_string_equal(v.result_ref, id);
	answer(api, TASK_PHASE_RESULT, &job, 200, -1,
	       "{\"video\":{\"url\":\"https://v3.fal.media/files/penguin/abc_output.mp4\",\"content_type\":"
	       "\"video/mp4\",\"file_name\":\"output.mp4\",\"file_size\":1234567}}", &o);
	assert_int_equal(o.kind, PROVIDER_COMPLETED);
	assert_string_equal(o.url, "https://v3.fal.media/files/penguin/abc_output.mp4");
	/* a failed request: COMPLETED with error and error_type */
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"status\":\"COMPLETED\",\"error\":\"Request timed out\",\"error_type\":\"request_timeout\"}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "request_timeout", "Request timed out");
	/* the result refused: moderation, validation */
	answer(api, TASK_PHASE_RESULT, &job, 422, -1,
	       "{\"detail\":[{\"loc\":[\"body\",\"prompt\"],\"msg\":\"The content could not be processed "
	       "because it contained material flagged by a content checker.\",\"type\":\"content_policy_violation\"}]}", &o);
	assert_failed(&o, FAULT_REQUEST, "422 content_policy_violation", "flagged by a content checker");
	answer(api, TASK_PHASE_SUBMIT, &job, 422, -1,
	       "{\"detail\":[{\"loc\":[\"body\",\"duration\"],\"msg\":\"unexpected value; permitted: '6', '10'\","
	       "\"type\":\"value_error\"}]}", &o);
	assert_failed(&o, FAULT_REQUEST, "422 value_error", "permitted");
	answer(api, TASK_PHASE_SUBMIT, &job, 401, -1,
	       "{\"detail\":\"Authentication is required to access this application.\"}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "401", NULL);
	answer(api, TASK_PHASE_SUBMIT, &job, 429, 3, "{\"detail\":\"Too many requests\"}", &o);
	assert_int_equal(o.kind, PROVIDER_RETRY_LATER);
	assert_int_equal(o.retry_seconds, 3);
	answer(api, TASK_PHASE_POLL, &job, 500, -1, "{\"detail\":\"Internal Server Error\"}", &o);
	assert_int_equal(o.kind, PROVIDER_RETRY_LATER);
	answer(api, TASK_PHASE_POLL, &job, 200, -1, "{\"status\":\"SOMETHING\"}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "SOMETHING", "unknown status");
}

/* ---------------------------------------------------------------- Replicate */

static void replicate_builders(void **state)
{
	(void)state;
	const struct task_api *api = &task_api_replicate;
	struct job job;
	struct task_call call;
	job_from("{\"id\":\"gen_r\",\"adapter\":\"luma\",\"route\":\"replicate\",\"replicateModel\":\"luma/ray\","
		 "\"input\":{\"text\":\"a fox\",\"image\":\"https://e.x/f.png\"},\"effectiveOptions\":"
		 "{\"duration\":\"5\",\"aspectRatio\":\"16:9\",\"loop\":true}}", &job);
	assert_ptr_equal(task_route_api(&task_api_luma, &job), api);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	assert_string_equal(call.method, "POST");
	assert_string_equal(call.path, "/models/luma/ray/predictions");
	assert_string_equal(call.headers[0], "Authorization: Bearer k");
	json_t *b = body_of(&call);
	assert_string_equal(sget(b, "input.prompt"), "a fox");
	assert_string_equal(sget(b, "input.start_image_url"), "https://e.x/f.png");
	assert_int_equal(iget(b, "input.duration"), 5);
	assert_string_equal(sget(b, "input.aspect_ratio"), "16:9");
	assert_true(json_is_true(task_json_path(b, "input.loop")));
	assert_null(json_object_get(b, "version"));
	/* a pinned version goes to /predictions with "version" */
	job_from("{\"id\":\"gen_r\",\"adapter\":\"minimax\",\"route\":\"replicate\",\"replicateModel\":"
		 "\"minimax/hailuo-02:5f0c2d1e\",\"input\":{\"text\":\"a fox\"},\"effectiveOptions\":{\"duration\":\"6\"}}",
		 &job);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	assert_string_equal(call.path, "/predictions");
	b = body_of(&call);
	assert_string_equal(sget(b, "version"), "minimax/hailuo-02:5f0c2d1e");
	assert_int_equal(iget(b, "input.duration"), 6);
	build(api, TASK_PHASE_POLL, &job, "gm3qorzdhgbfurvjtvhg6dckhu", &call);
	assert_string_equal(call.method, "GET");
	assert_string_equal(call.path, "/predictions/gm3qorzdhgbfurvjtvhg6dckhu");
	build(api, TASK_PHASE_CANCEL, &job, "gm3qorzdhgbfurvjtvhg6dckhu", &call);
	assert_string_equal(call.method, "POST");
	assert_string_equal(call.path, "/predictions/gm3qorzdhgbfurvjtvhg6dckhu/cancel");
}

static void replicate_answers(void **state)
{
	(void)state;
	const struct task_api *api = &task_api_replicate;
	struct job job;
	struct provider_outcome o;
	job_from("{\"id\":\"gen_r\",\"adapter\":\"luma\",\"route\":\"replicate\",\"replicateModel\":\"luma/ray\","
		 "\"pollInterval\":10}", &job);
	const char *fmt = "{\"id\":\"gm3qorzdhgbfurvjtvhg6dckhu\",\"model\":\"luma/ray\",\"version\":\"dp-1\","
			  "\"input\":{\"prompt\":\"a fox\"},\"logs\":\"\",\"output\":%s,\"data_removed\":false,"
			  "\"error\":%s,\"status\":\"%s\",\"created_at\":\"2025-08-01T12:00:00.000Z\",\"urls\":"
			  "{\"get\":\"https://api.replicate.com/v1/predictions/gm3qorzdhgbfurvjtvhg6dckhu\","
			  "\"cancel\":\"https://api.replicate.com/v1/predictions/gm3qorzdhgbfurvjtvhg6dckhu/cancel\"}}";
	answer(api, TASK_PHASE_SUBMIT, &job, 201, -1, arena_printf(A, fmt, "null", "null", "starting"), &o);
	assert_int_equal(o.kind, PROVIDER_SUBMITTED);
	assert_string_equal(o.task_id, "gm3qorzdhgbfurvjtvhg6dckhu");
	answer(api, TASK_PHASE_POLL, &job, 200, -1, arena_printf(A, fmt, "null", "null", "processing"), &o);
	assert_int_equal(o.kind, PROVIDER_RUNNING);
	assert_string_equal(o.upstream_status, "processing");
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       arena_printf(A, fmt, "\"https://replicate.delivery/xezq/abc/output.mp4\"", "null", "succeeded"), &o);
	assert_int_equal(o.kind, PROVIDER_COMPLETED);
	assert_string_equal(o.url, "https://replicate.delivery/xezq/abc/output.mp4");
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       arena_printf(A, fmt, "[\"https://replicate.delivery/xezq/a/0.mp4\",\"https://replicate.delivery/xezq/a/1.mp4\"]",
			    "null", "succeeded"), &o);
	assert_int_equal(o.kind, PROVIDER_COMPLETED);
	assert_string_equal(o.url, "https://replicate.delivery/xezq/a/0.mp4");
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       arena_printf(A, fmt, "null", "\"Prediction failed: CUDA out of memory\"", "failed"), &o);
	assert_failed(&o, FAULT_UPSTREAM, "failed", "CUDA out of memory");
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       arena_printf(A, fmt, "null", "\"NSFW content detected. Try running it again, or try a different prompt.\"",
			    "failed"), &o);
	assert_failed(&o, FAULT_REQUEST, "failed", "NSFW");
	answer(api, TASK_PHASE_POLL, &job, 200, -1, arena_printf(A, fmt, "null", "null", "canceled"), &o);
	assert_failed(&o, FAULT_UPSTREAM, "canceled", "cancelled");
	answer(api, TASK_PHASE_POLL, &job, 200, -1, arena_printf(A, fmt, "[]", "null", "succeeded"), &o);
	assert_failed(&o, FAULT_UPSTREAM, "succeeded", "without a result URL");
	/* problem details */
	answer(api, TASK_PHASE_SUBMIT, &job, 422, -1,
	       "{\"title\":\"Input validation failed\",\"detail\":\"- input.duration: Must be 5 or 9\",\"status\":422}", &o);
	assert_failed(&o, FAULT_REQUEST, "422", "Must be 5 or 9");
	answer(api, TASK_PHASE_SUBMIT, &job, 422, -1,
	       "{\"title\":\"Input flagged\",\"detail\":\"The input or output was flagged as sensitive. (E005)\",\"status\":422}", &o);
	assert_failed(&o, FAULT_REQUEST, "422", "flagged as sensitive");
	answer(api, TASK_PHASE_SUBMIT, &job, 429, -1,
	       "{\"detail\":\"Request was throttled. Your rate limit resets in ~30s.\",\"status\":429}", &o);
	assert_int_equal(o.kind, PROVIDER_RETRY_LATER);
	answer(api, TASK_PHASE_SUBMIT, &job, 402, -1,
	       "{\"title\":\"Insufficient credit\",\"detail\":\"You have insufficient credit to run this model.\",\"status\":402}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "402", NULL);
	answer(api, TASK_PHASE_SUBMIT, &job, 401, -1,
	       "{\"title\":\"Unauthenticated\",\"detail\":\"You did not pass a valid authentication token\",\"status\":401}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "401", NULL);
	answer(api, TASK_PHASE_POLL, &job, 200, -1, "not json", &o);
	assert_failed(&o, FAULT_UPSTREAM, "200", NULL);
}

/* ---------------------------------------------------------------- Vertex AI */

#define VERTEX_OP "projects/p-1/locations/us-central1/publishers/google/models/veo-3.0-generate-001/" \
		  "operations/0f1e2d3c-4b5a-6978-8899-aabbccddeeff"

static void vertex_builders(void **state)
{
	(void)state;
	const struct task_api *api = &task_api_veo_vertex;
	struct job job;
	struct task_call call;
	job_from("{\"id\":\"gen_x\",\"adapter\":\"veo\",\"route\":\"vertex\",\"upstreamModel\":\"veo-3.0-generate-001\","
		 "\"input\":{\"text\":\"a fox\",\"image\":\"gs://my-bucket/in/cat.png\"},\"effectiveOptions\":"
		 "{\"duration\":\"6\",\"aspectRatio\":\"16:9\",\"resolution\":\"1080p\",\"enhancePrompt\":true}}", &job);
	assert_ptr_equal(task_route_api(&task_api_veo, &job), api);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	assert_string_equal(call.method, "POST");
	assert_string_equal(call.path, "/veo-3.0-generate-001:predictLongRunning");
	assert_string_equal(call.headers[0], "Authorization: Bearer k");
	assert_false(has_header(&call, "x-goog-api-key: k"));
	json_t *b = body_of(&call);
	assert_string_equal(sget(b, "instances.0.prompt"), "a fox");
	assert_string_equal(sget(b, "instances.0.image.gcsUri"), "gs://my-bucket/in/cat.png");
	assert_string_equal(sget(b, "instances.0.image.mimeType"), "image/png");
	assert_int_equal(iget(b, "parameters.durationSeconds"), 6);
	assert_int_equal(iget(b, "parameters.sampleCount"), 1);
	assert_string_equal(sget(b, "parameters.resolution"), "1080p");
	assert_true(json_is_true(task_json_path(b, "parameters.enhancePrompt")));
	/* inline images as on the Gemini API; an https URL on neither */
	job_from("{\"id\":\"gen_x\",\"route\":\"vertex\",\"input\":{\"text\":\"a\",\"image\":"
		 "\"data:image/jpeg;base64,/9j/4AAQ\"}}", &job);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	b = body_of(&call);
	assert_string_equal(sget(b, "instances.0.image.bytesBase64Encoded"), "/9j/4AAQ");
	assert_string_equal(call.path, "/veo-3.0-generate-001:predictLongRunning");  /* the default model */
	enum provider_fault fault;
	const char *why = NULL;
	job_from("{\"id\":\"gen_x\",\"route\":\"vertex\",\"input\":{\"text\":\"a\",\"image\":\"https://e.x/a.png\"}}",
		 &job);
	assert_false(task_build(api, TASK_PHASE_SUBMIT, &job, NULL, 1, "k", 0, A, &call, &fault, &why));
	assert_int_equal(fault, FAULT_REQUEST);
	assert_non_null(strstr(why, "gs:// URI"));
	/* the poll is a POST naming the operation */
	job_from("{\"id\":\"gen_x\",\"route\":\"vertex\",\"upstreamModel\":\"veo-3.0-generate-001\"}", &job);
	build(api, TASK_PHASE_POLL, &job, VERTEX_OP, &call);
	assert_string_equal(call.method, "POST");
	assert_string_equal(call.path, "/veo-3.0-generate-001:fetchPredictOperation");
	assert_string_equal(sget(body_of(&call), "operationName"), VERTEX_OP);
	assert_true(task_id_ok(api, VERTEX_OP));
	assert_false(task_id_ok(api, "projects/p/../../x"));
	assert_non_null(api->creds);
	assert_true(api->download_auth);
	/* a Gemini (direct) job is not Vertex's, nor a Vertex job Gemini's */
	job_from("{\"id\":\"gen_x\",\"input\":{\"text\":\"a\"}}", &job);
	assert_false(task_build(api, TASK_PHASE_SUBMIT, &job, NULL, 1, "k", 0, A, &call, &fault, &why));
	assert_int_equal(fault, FAULT_CONFIG);
	job_from("{\"id\":\"gen_x\",\"route\":\"vertex\",\"input\":{\"text\":\"a\"}}", &job);
	assert_false(task_build(&task_api_veo, TASK_PHASE_SUBMIT, &job, NULL, 1, "k", 0, A, &call, &fault, &why));
	assert_int_equal(fault, FAULT_CONFIG);
	/* Luma has no Vertex AI twin: its own descriptor, which refuses */
	job_from("{\"id\":\"gen_x\",\"adapter\":\"luma\",\"route\":\"vertex\",\"input\":{\"text\":\"a\"}}", &job);
	assert_ptr_equal(task_route_api(&task_api_luma, &job), &task_api_luma);
	assert_false(task_build(&task_api_luma, TASK_PHASE_SUBMIT, &job, NULL, 1, "k", 0, A, &call, &fault,
				&why));
	assert_int_equal(fault, FAULT_CONFIG);
	assert_non_null(strstr(why, "'vertex'"));
	assert_int_equal(task_route_of(&job), TASK_ROUTE_VERTEX);
}

static void vertex_answers(void **state)
{
	(void)state;
	const struct task_api *api = &task_api_veo_vertex;
	struct job job;
	struct provider_outcome o;
	job_from("{\"id\":\"gen_x\",\"route\":\"vertex\",\"pollInterval\":10}", &job);
	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1, "{\"name\":\"" VERTEX_OP "\"}", &o);
	assert_int_equal(o.kind, PROVIDER_SUBMITTED);
	assert_string_equal(o.task_id, VERTEX_OP);
	answer(api, TASK_PHASE_POLL, &job, 200, -1, "{\"name\":\"" VERTEX_OP "\"}", &o);
	assert_int_equal(o.kind, PROVIDER_RUNNING);
	answer(api, TASK_PHASE_POLL, &job, 200, -1, "{\"name\":\"" VERTEX_OP "\",\"done\":false}", &o);
	assert_int_equal(o.kind, PROVIDER_RUNNING);
	/* done: the video in a bucket... */
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"name\":\"" VERTEX_OP "\",\"done\":true,\"response\":{\"@type\":\"type.googleapis.com/"
	       "cloud.ai.large_models.vision.GenerateVideoResponse\",\"raiMediaFilteredCount\":0,\"videos\":"
	       "[{\"gcsUri\":\"gs://out-bucket/run/123/sample_0.mp4\",\"mimeType\":\"video/mp4\"}]}}", &o);
	assert_int_equal(o.kind, PROVIDER_COMPLETED);
	assert_string_equal(o.url, "gs://out-bucket/run/123/sample_0.mp4");
	/* ...or inline: a data: URL the download decodes, with its declared type */
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"name\":\"n\",\"done\":true,\"response\":{\"videos\":[{\"bytesBase64Encoded\":\"AAAAIGZ0eXBpc29t\","
	       "\"mimeType\":\"video/mp4\"}]}}", &o);
	assert_int_equal(o.kind, PROVIDER_COMPLETED);
	assert_string_equal(o.url, "data:video/mp4;base64,AAAAIGZ0eXBpc29t");
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"name\":\"n\",\"done\":true,\"response\":{\"videos\":[{\"bytesBase64Encoded\":\"PGh0bWw+\","
	       "\"mimeType\":\"text/html\"}]}}", &o);
	assert_string_equal(o.url, "data:text/html;base64,PGh0bWw+");
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"name\":\"n\",\"done\":true,\"response\":{\"videos\":[{\"bytesBase64Encoded\":\"AAAA\"}]}}", &o);
	assert_string_equal(o.url, "data:video/mp4;base64,AAAA");
	/* filtered, failed, refused */
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"name\":\"n\",\"done\":true,\"response\":{\"raiMediaFilteredCount\":1,\"raiMediaFilteredReasons\":"
	       "[\"Veo could not generate videos because the input image violates Vertex AI's usage guidelines.\"]}}", &o);
	assert_failed(&o, FAULT_REQUEST, "RAI_FILTERED", "usage guidelines");
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"name\":\"n\",\"done\":true,\"error\":{\"code\":13,\"message\":\"Video generation failed.\","
	       "\"status\":\"INTERNAL\"}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "INTERNAL", "Video generation failed.");
	answer(api, TASK_PHASE_POLL, &job, 200, -1, "{\"name\":\"n\",\"done\":true,\"response\":{\"videos\":[]}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "done", "without a result URL");
	answer(api, TASK_PHASE_SUBMIT, &job, 401, -1,
	       "{\"error\":{\"code\":401,\"message\":\"Request had invalid authentication credentials.\","
	       "\"status\":\"UNAUTHENTICATED\"}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "401 UNAUTHENTICATED", NULL);
	answer(api, TASK_PHASE_SUBMIT, &job, 429, -1,
	       "{\"error\":{\"code\":429,\"message\":\"Quota exceeded for aiplatform.googleapis.com/"
	       "online_prediction_requests_per_base_model\",\"status\":\"RESOURCE_EXHAUSTED\"}}", &o);
	assert_int_equal(o.kind, PROVIDER_RETRY_LATER);
	assert_string_equal(o.upstream_status, "429 RESOURCE_EXHAUSTED");
	answer(api, TASK_PHASE_SUBMIT, &job, 400, -1,
	       "{\"error\":{\"code\":400,\"message\":\"Unsupported resolution 4k.\",\"status\":\"INVALID_ARGUMENT\"}}", &o);
	assert_failed(&o, FAULT_REQUEST, "400 INVALID_ARGUMENT", "Unsupported resolution");
	answer(api, TASK_PHASE_POLL, &job, 404, -1,
	       "{\"error\":{\"code\":404,\"message\":\"Operation not found\",\"status\":\"NOT_FOUND\"}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "404 NOT_FOUND", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fal_builders),
		cmocka_unit_test(fal_answers),
		cmocka_unit_test(replicate_builders),
		cmocka_unit_test(replicate_answers),
		cmocka_unit_test(vertex_builders),
		cmocka_unit_test(vertex_answers),
	};
	return cmocka_run_group_tests_name("providers/task_routes", tests, task_setup, task_teardown);
}
