/*
 * test_task_special.c - the async-task family's special paths on answers
 * shaped as reference/providers.md records them: MiniMax (§3, the
 * files/retrieve result step and HTTP-200 base_resp errors), Wan on
 * DashScope (§8, the async header, UNKNOWN = expired) and Veo on the Gemini
 * API (§4, long-running operations named with '/'). The request each
 * builder makes, each status, success with the URL, failures, moderation,
 * 429, 5xx, malformed JSON, and the classification (task_api.c's table).
 * No network: tests/integration/adapters_fake.c covers the transport.
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
#include "providers/provider.h"
#include "providers/task_api.h"
#include "task_fixture.h"

static void refused(const struct task_api *api, const struct job *job, const char *in_why)
{
	assert_refused(api, job, FAULT_REQUEST, in_why);
}

static void assert_retry(const struct provider_outcome *o, int seconds, const char *us)
{
	if (o->kind != PROVIDER_RETRY_LATER)
		fail_msg("expected retry later, got %s", provider_outcome_name(o->kind));
	if (seconds > 0)
		assert_int_equal(o->retry_seconds, seconds);
	assert_true(o->retry_seconds > 0);
	assert_string_equal(o->upstream_status, us);
}

/* ---------------------------------------------------------------- ids */

static void task_ids(void **state)
{
	(void)state;
	const struct task_api plain = { .name = "p" }, named = { .name = "n", .slash_ids = true };
	assert_true(task_id_ok(&plain, "106916112212032"));
	assert_true(task_id_ok(&plain, "0a1b-2c_3.d:e"));
	assert_false(task_id_ok(&plain, NULL));
	assert_false(task_id_ok(&plain, ""));
	assert_false(task_id_ok(&plain, "."));
	assert_false(task_id_ok(&plain, ".."));
	assert_false(task_id_ok(&plain, "a/b"));
	assert_false(task_id_ok(&plain, "a?b"));
	assert_false(task_id_ok(&plain, "a b"));
	assert_true(task_id_ok(&named, "models/veo-3.0-generate-001/operations/abc123"));
	assert_false(task_id_ok(&named, "/models/x"));
	assert_false(task_id_ok(&named, "models/x/"));
	assert_false(task_id_ok(&named, "models//x"));
	assert_false(task_id_ok(&named, "models/../x"));
	assert_false(task_id_ok(&named, "models/./x"));
	assert_false(task_id_ok(&named, "models/x?alt=media"));
	assert_false(task_id_ok(&named, "models/x%2F"));
	char lng[300];
	memset(lng, 'a', sizeof lng - 1);
	lng[sizeof lng - 1] = '\0';
	assert_false(task_id_ok(&named, lng));
	lng[200] = '\0';
	assert_true(task_id_ok(&named, lng));
	assert_false(task_id_ok(&plain, lng));
}

/* ---------------------------------------------------------------- MiniMax */

static void minimax_builders(void **state)
{
	(void)state;
	const struct task_api *api = &task_api_minimax;
	struct job job;
	struct task_call call;
	job_from("{\"id\":\"gen_m\",\"upstreamModel\":\"MiniMax-Hailuo-02\",\"input\":{\"text\":\"a fox\"},"
		 "\"effectiveOptions\":{\"duration\":\"10\",\"resolution\":\"768p\",\"style\":\"anime\","
		 "\"promptOptimizer\":true}}", &job);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	assert_string_equal(call.method, "POST");
	assert_string_equal(call.path, "/v1/video_generation");
	assert_true(has_header(&call, "Authorization: Bearer k"));
	assert_true(has_header(&call, "Content-Type: application/json"));
	assert_true(has_header(&call, "Accept: application/json"));
	assert_int_equal(header_count(&call), 3);
	json_t *b = body_of(&call);
	assert_string_equal(sget(b, "model"), "MiniMax-Hailuo-02");
	assert_string_equal(sget(b, "prompt"), "a fox, anime style");
	assert_int_equal(iget(b, "duration"), 10);
	assert_string_equal(sget(b, "resolution"), "768P");
	assert_true(json_is_true(json_object_get(b, "prompt_optimizer")));
	assert_null(json_object_get(b, "first_frame_image"));
	assert_int_equal(json_object_size(b), 5);

	/* 1080P renders 6 s only: 10 s at 1080p is served at 768P. */
	job_from("{\"id\":\"gen_m\",\"upstreamModel\":\"MiniMax-Hailuo-02\",\"input\":{\"text\":\"a\"},"
		 "\"effectiveOptions\":{\"duration\":\"10\",\"resolution\":\"1080p\"}}", &job);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	assert_string_equal(sget(body_of(&call), "resolution"), "768P");
	job_from("{\"id\":\"gen_m\",\"upstreamModel\":\"MiniMax-Hailuo-02\",\"input\":{\"text\":\"a\"},"
		 "\"effectiveOptions\":{\"duration\":\"6\",\"resolution\":\"1080p\"}}", &job);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	assert_string_equal(sget(body_of(&call), "resolution"), "1080P");
	assert_int_equal(iget(body_of(&call), "duration"), 6);

	/* Image-to-video on the 01 series: first_frame_image, no duration or
	 * resolution (fixed 720P, 6 s). */
	job_from("{\"id\":\"gen_m\",\"upstreamModel\":\"I2V-01\",\"input\":{\"image\":\"https://e.x/a.png\"},"
		 "\"effectiveOptions\":{\"duration\":\"6\",\"resolution\":\"768p\"}}", &job);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	b = body_of(&call);
	assert_string_equal(sget(b, "model"), "I2V-01");
	assert_string_equal(sget(b, "first_frame_image"), "https://e.x/a.png");
	assert_null(json_object_get(b, "duration"));
	assert_null(json_object_get(b, "resolution"));
	assert_null(json_object_get(b, "prompt"));

	job_from("{\"id\":\"gen_m\",\"upstreamModel\":\"I2V-01\",\"input\":{\"text\":\"a\"}}", &job);
	refused(api, &job, "input.image is required");
	job_from("{\"id\":\"gen_m\",\"input\":{}}", &job);
	refused(api, &job, "input.text");

	build(api, TASK_PHASE_POLL, &job, "106916112212032", &call);
	assert_string_equal(call.method, "GET");
	assert_string_equal(call.path, "/v1/query/video_generation?task_id=106916112212032");
	assert_null(call.body);
	assert_true(has_header(&call, "Authorization: Bearer k"));
	build(api, TASK_PHASE_RESULT, &job, "300000000001", &call);
	assert_string_equal(call.method, "GET");
	assert_string_equal(call.path, "/v1/files/retrieve?file_id=300000000001");
	assert_null(call.body);

	enum provider_fault fault;
	const char *why;
	assert_false(task_build(api, TASK_PHASE_RESULT, &job, "1&x=2", 1, "k", 0, A, &call, &fault, &why));
	assert_false(task_build(api, TASK_PHASE_CANCEL, &job, "1", 1, "k", 0, A, &call, &fault, &why));
	assert_false(task_build(&task_api_luma, TASK_PHASE_RESULT, &job, "1", 1, "k", 0, A, &call,
				&fault, &why));
	assert_non_null(strstr(why, "no result step"));
	assert_string_equal(task_base_url(api, &job, A), "https://api.minimax.io");
}

static void minimax_answers(void **state)
{
	(void)state;
	const struct task_api *api = &task_api_minimax;
	struct job job;
	struct provider_outcome o;
	struct task_view v;
	job_from("{\"id\":\"gen_m\",\"pollInterval\":20}", &job);

	/* Submit. */
	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1,
	       "{\"task_id\":\"106916112212032\",\"base_resp\":{\"status_code\":0,\"status_msg\":\"success\"}}", &o);
	assert_int_equal(o.kind, PROVIDER_SUBMITTED);
	assert_string_equal(o.task_id, "106916112212032");
	/* Errors are HTTP 200 with base_resp.status_code != 0. */
	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1,
	       "{\"task_id\":\"\",\"base_resp\":{\"status_code\":1002,\"status_msg\":\"rate limit exceeded(RPM)\"}}", &o);
	assert_retry(&o, TASK_RETRY_DEFAULT, "1002");
	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1,
	       "{\"task_id\":\"\",\"base_resp\":{\"status_code\":1026,\"status_msg\":\"input new_sensitive\"}}", &o);
	assert_failed(&o, FAULT_REQUEST, "1026", "moderation policy: input new_sensitive");
	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1,
	       "{\"task_id\":\"\",\"base_resp\":{\"status_code\":2013,\"status_msg\":\"invalid params, duration\"}}", &o);
	assert_failed(&o, FAULT_REQUEST, "2013", "invalid params, duration");
	static const int account[] = { 1004, 1008, 2038 };
	for (size_t i = 0; i < 3; i++) {
		answer(api, TASK_PHASE_SUBMIT, &job, 200, -1,
		       arena_printf(A, "{\"base_resp\":{\"status_code\":%d,\"status_msg\":\"login fail sk-1\"}}",
				    account[i]), &o);
		assert_failed(&o, FAULT_UPSTREAM, arena_printf(A, "%d", account[i]), "API key or account");
		assert_null(strstr(o.message, "sk-1"));
	}
	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1,
	       "{\"base_resp\":{\"status_code\":1013,\"status_msg\":\"internal error\"}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "1013", "internal error");
	answer(api, TASK_PHASE_SUBMIT, &job, 503, -1, "<html>503</html>", &o);
	assert_failed(&o, FAULT_UPSTREAM, "503", "HTTP 503");
	answer(api, TASK_PHASE_SUBMIT, &job, 503, -1,
	       "{\"base_resp\":{\"status_code\":1013,\"status_msg\":\"service unavailable\"}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "503 1013", NULL);
	answer(api, TASK_PHASE_SUBMIT, &job, 429, 4, "", &o);
	assert_retry(&o, 4, "429");
	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1, "{\"task_id\":", &o);
	assert_failed(&o, FAULT_UPSTREAM, "200", "could not read");
	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1,
	       "{\"task_id\":\"\",\"base_resp\":{\"status_code\":0,\"status_msg\":\"success\"}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "200", "task id");

	/* Each status. */
	static const struct {
		const char *status;
		enum provider_outcome_kind kind;
	} rows[] = {
		{ "Preparing", PROVIDER_RUNNING },
		{ "Queueing", PROVIDER_RUNNING },
		{ "Processing", PROVIDER_RUNNING },
	};
	for (size_t i = 0; i < 3; i++) {
		answer(api, TASK_PHASE_POLL, &job, 200, -1,
		       arena_printf(A, "{\"task_id\":\"1\",\"status\":\"%s\",\"file_id\":\"\","
				       "\"base_resp\":{\"status_code\":0,\"status_msg\":\"success\"}}",
				    rows[i].status), &o);
		assert_int_equal(o.kind, rows[i].kind);
		assert_int_equal(o.next_poll_seconds, 20);
		assert_string_equal(o.upstream_status, rows[i].status);
	}
	/* Success names a file, not a URL: the result step follows. */
	const char *success = "{\"task_id\":\"1\",\"status\":\"Success\",\"file_id\":\"300000000001\","
			      "\"video_width\":1366,\"video_height\":768,"
			      "\"base_resp\":{\"status_code\":0,\"status_msg\":\"success\"}}";
	task_parse(api, 200, success, A, &v);
	assert_int_equal(v.state, TASK_SUCCEEDED);
	assert_null(v.url);
	assert_string_equal(v.result_ref, "300000000001");
	/* file_id as a JSON number works too */
	task_parse(api, 200, "{\"task_id\":\"1\",\"status\":\"Success\",\"file_id\":300000000001}", A, &v);
	assert_string_equal(v.result_ref, "300000000001");
	/* Without the step (or without a file id) it is a success without a URL. */
	answer(api, TASK_PHASE_POLL, &job, 200, -1, "{\"task_id\":\"1\",\"status\":\"Success\"}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "Success", "without a result URL");

	/* The result step. */
	answer(api, TASK_PHASE_RESULT, &job, 200, -1,
	       "{\"file\":{\"file_id\":300000000001,\"bytes\":5896337,\"created_at\":1700469398,"
	       "\"filename\":\"output.mp4\",\"purpose\":\"video_generation\","
	       "\"download_url\":\"https://public-cdn-video-data-algeng.oss-cn-wulanchabu.aliyuncs.com/x.mp4?Expires=1&Signature=s\"},"
	       "\"base_resp\":{\"status_code\":0,\"status_msg\":\"success\"}}", &o);
	assert_int_equal(o.kind, PROVIDER_COMPLETED);
	assert_string_equal(o.url, "https://public-cdn-video-data-algeng.oss-cn-wulanchabu.aliyuncs.com/x.mp4?Expires=1&Signature=s");
	answer(api, TASK_PHASE_RESULT, &job, 200, -1,
	       "{\"file\":{\"file_id\":1},\"base_resp\":{\"status_code\":0,\"status_msg\":\"success\"}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "200", "without a result URL");
	answer(api, TASK_PHASE_RESULT, &job, 200, -1,
	       "{\"base_resp\":{\"status_code\":2013,\"status_msg\":\"invalid params, file not found\"}}", &o);
	assert_failed(&o, FAULT_REQUEST, "2013", "file not found");
	/* A result step meeting a broken or busy upstream polls again later. */
	answer(api, TASK_PHASE_RESULT, &job, 502, -1, "", &o);
	assert_retry(&o, 0, "502");
	answer(api, TASK_PHASE_RESULT, &job, 200, -1,
	       "{\"base_resp\":{\"status_code\":1002,\"status_msg\":\"rate limit\"}}", &o);
	assert_retry(&o, 0, "1002");
	answer(api, TASK_PHASE_RESULT, &job, 200, -1, "not json", &o);
	assert_failed(&o, FAULT_UPSTREAM, "200", "could not read");
	task_transport_outcome(api, TASK_PHASE_RESULT, &job, true, "timeout", A, &o);
	assert_retry(&o, 0, "timeout");

	/* Fail: moderation stays moderation; any other code is final. */
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"task_id\":\"1\",\"status\":\"Fail\",\"file_id\":\"\","
	       "\"base_resp\":{\"status_code\":1027,\"status_msg\":\"output video sensitive\"}}", &o);
	assert_failed(&o, FAULT_REQUEST, "1027", "moderation policy");
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"task_id\":\"1\",\"status\":\"Fail\",\"file_id\":\"\","
	       "\"base_resp\":{\"status_code\":1000,\"status_msg\":\"unknown error\"}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "1000", "could not generate the result: unknown error");
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"task_id\":\"1\",\"status\":\"Fail\",\"base_resp\":{\"status_code\":0,\"status_msg\":\"success\"}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "Fail", "could not generate the result.");
	/* A poll's 200-encoded rate limit learnt nothing; a server code in a
	 * 200 is a failure, as Kling's are. */
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"task_id\":\"\",\"base_resp\":{\"status_code\":1002,\"status_msg\":\"rate limit\"}}", &o);
	assert_retry(&o, 0, "1002");
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"task_id\":\"\",\"base_resp\":{\"status_code\":1001,\"status_msg\":\"timeout\"}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "1001", "timeout");
	answer(api, TASK_PHASE_POLL, &job, 503, -1, "", &o);
	assert_retry(&o, 0, "503");
	answer(api, TASK_PHASE_POLL, &job, 200, -1, "{\"status\":\"Rendering\"}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "Rendering", "unknown status");
	answer(api, TASK_PHASE_POLL, &job, 200, -1, "[]", &o);
	assert_failed(&o, FAULT_UPSTREAM, "200", "could not read");
}

/* ---------------------------------------------------------------- Wan */

static void wan_builders(void **state)
{
	(void)state;
	const struct task_api *api = &task_api_wan;
	struct job job;
	struct task_call call;
	job_from("{\"id\":\"gen_w\",\"upstreamModel\":\"wan2.2-t2v-plus\",\"input\":{\"text\":\"a fox\"},"
		 "\"effectiveOptions\":{\"duration\":\"5\",\"resolution\":\"1080p\",\"negativePrompt\":\"blur\","
		 "\"promptExtend\":true,\"seed\":7,\"watermark\":false}}", &job);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	assert_string_equal(call.method, "POST");
	assert_string_equal(call.path, "/services/aigc/video-generation/video-synthesis");
	assert_true(has_header(&call, "Authorization: Bearer k"));
	assert_true(has_header(&call, "X-DashScope-Async: enable"));
	assert_true(has_header(&call, "Content-Type: application/json"));
	assert_string_equal(call.headers[0], "Authorization: Bearer k");
	assert_int_equal(header_count(&call), 4);
	json_t *b = body_of(&call);
	assert_string_equal(sget(b, "model"), "wan2.2-t2v-plus");
	assert_string_equal(sget(b, "input.prompt"), "a fox");
	assert_string_equal(sget(b, "input.negative_prompt"), "blur");
	assert_null(task_json_path(b, "input.img_url"));
	assert_string_equal(sget(b, "parameters.size"), "1920*1080");
	assert_null(task_json_path(b, "parameters.resolution"));
	assert_int_equal(iget(b, "parameters.duration"), 5);
	assert_int_equal(iget(b, "parameters.seed"), 7);
	assert_true(json_is_true(task_json_path(b, "parameters.prompt_extend")));
	assert_true(json_is_false(task_json_path(b, "parameters.watermark")));
	assert_int_equal(json_object_size(b), 3);

	/* An image: the i2v model of the same tier, resolution not size. */
	job_from("{\"id\":\"gen_w\",\"upstreamModel\":\"wan2.2-t2v-flash\",\"input\":{\"text\":\"go\","
		 "\"image\":\"https://e.x/a.png\"},\"effectiveOptions\":{\"resolution\":\"480p\"}}", &job);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	b = body_of(&call);
	assert_string_equal(sget(b, "model"), "wan2.2-i2v-flash");
	assert_string_equal(sget(b, "input.img_url"), "https://e.x/a.png");
	assert_string_equal(sget(b, "parameters.resolution"), "480P");
	assert_null(task_json_path(b, "parameters.size"));
	job_from("{\"id\":\"gen_w\",\"input\":{\"text\":\"go\"},\"effectiveOptions\":{\"resolution\":\"480p\"}}", &job);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	assert_string_equal(sget(body_of(&call), "model"), "wan2.2-t2v-plus");
	assert_string_equal(sget(body_of(&call), "parameters.size"), "832*480");

	job_from("{\"id\":\"gen_w\",\"upstreamModel\":\"wan2.2-i2v-plus\",\"input\":{\"text\":\"a\"}}", &job);
	refused(api, &job, "input.image is required");
	job_from("{\"id\":\"gen_w\",\"input\":{}}", &job);
	refused(api, &job, "input.text");

	/* The poll carries no async switch. */
	build(api, TASK_PHASE_POLL, &job, "0385dc79-5ff8-4d82-bcb6-388969a0bd42", &call);
	assert_string_equal(call.method, "GET");
	assert_string_equal(call.path, "/tasks/0385dc79-5ff8-4d82-bcb6-388969a0bd42");
	assert_null(call.body);
	assert_false(has_header(&call, "X-DashScope-Async: enable"));
	assert_string_equal(task_base_url(api, &job, A), "https://dashscope-intl.aliyuncs.com/api/v1");
}

static void wan_answers(void **state)
{
	(void)state;
	const struct task_api *api = &task_api_wan;
	struct job job;
	struct provider_outcome o;
	job_from("{\"id\":\"gen_w\",\"pollInterval\":15}", &job);

	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1,
	       "{\"request_id\":\"r1\",\"output\":{\"task_id\":\"0385dc79-5ff8\",\"task_status\":\"PENDING\"}}", &o);
	assert_int_equal(o.kind, PROVIDER_SUBMITTED);
	assert_string_equal(o.task_id, "0385dc79-5ff8");
	assert_string_equal(o.upstream_status, "PENDING");

	static const char *const running[] = { "PENDING", "RUNNING" };
	for (size_t i = 0; i < 2; i++) {
		answer(api, TASK_PHASE_POLL, &job, 200, -1,
		       arena_printf(A, "{\"request_id\":\"r\",\"output\":{\"task_id\":\"t\",\"task_status\":\"%s\","
				       "\"submit_time\":\"2025-08-01 10:00:00.000\"}}", running[i]), &o);
		assert_int_equal(o.kind, PROVIDER_RUNNING);
		assert_int_equal(o.next_poll_seconds, 15);
		assert_string_equal(o.upstream_status, running[i]);
	}
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"request_id\":\"r\",\"output\":{\"task_id\":\"t\",\"task_status\":\"SUCCEEDED\","
	       "\"video_url\":\"https://dashscope-result.oss-cn-beijing.aliyuncs.com/v.mp4?Expires=1&Signature=x\","
	       "\"orig_prompt\":\"a fox\"},\"usage\":{\"video_duration\":5,\"video_ratio\":\"832*480\",\"video_count\":1}}", &o);
	assert_int_equal(o.kind, PROVIDER_COMPLETED);
	assert_string_equal(o.url, "https://dashscope-result.oss-cn-beijing.aliyuncs.com/v.mp4?Expires=1&Signature=x");
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"output\":{\"task_id\":\"t\",\"task_status\":\"SUCCEEDED\"}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "SUCCEEDED", "without a result URL");
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"output\":{\"task_id\":\"t\",\"task_status\":\"FAILED\",\"code\":\"InternalError\","
	       "\"message\":\"An internal error has occured during execution.\"}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "InternalError", "could not generate the result: An internal error");
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"output\":{\"task_id\":\"t\",\"task_status\":\"FAILED\",\"code\":\"DataInspectionFailed\","
	       "\"message\":\"Output data may contain inappropriate content.\"}}", &o);
	assert_failed(&o, FAULT_REQUEST, "DataInspectionFailed", "moderation policy");
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"output\":{\"task_id\":\"t\",\"task_status\":\"FAILED\",\"code\":\"InvalidParameter.DataInspection\","
	       "\"message\":\"image too small\"}}", &o);
	assert_failed(&o, FAULT_REQUEST, "InvalidParameter.DataInspection", "image too small");
	/* UNKNOWN: expired (24 h) or never there. */
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"request_id\":\"r\",\"output\":{\"task_id\":\"t\",\"task_status\":\"UNKNOWN\"}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "UNKNOWN", "expired or is unknown upstream");
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"output\":{\"task_id\":\"t\",\"task_status\":\"CANCELED\"}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "CANCELED", "cancelled");

	/* Error answers: {"request_id","code","message"} beside the status. */
	answer(api, TASK_PHASE_SUBMIT, &job, 429, -1,
	       "{\"request_id\":\"r\",\"code\":\"Throttling.RateQuota\",\"message\":\"Requests rate limit exceeded\"}", &o);
	assert_retry(&o, TASK_RETRY_DEFAULT, "429 Throttling.RateQuota");
	answer(api, TASK_PHASE_SUBMIT, &job, 400, -1,
	       "{\"request_id\":\"r\",\"code\":\"Throttling.AllocationQuota\",\"message\":\"quota\"}", &o);
	assert_retry(&o, TASK_RETRY_DEFAULT, "400 Throttling.AllocationQuota");
	answer(api, TASK_PHASE_SUBMIT, &job, 400, -1,
	       "{\"request_id\":\"r\",\"code\":\"DataInspectionFailed\",\"message\":\"Input data may contain inappropriate content.\"}", &o);
	assert_failed(&o, FAULT_REQUEST, "400 DataInspectionFailed", "moderation policy");
	answer(api, TASK_PHASE_SUBMIT, &job, 400, -1,
	       "{\"request_id\":\"r\",\"code\":\"InvalidParameter\",\"message\":\"size is invalid\"}", &o);
	assert_failed(&o, FAULT_REQUEST, "400 InvalidParameter", "size is invalid");
	answer(api, TASK_PHASE_SUBMIT, &job, 401, -1,
	       "{\"request_id\":\"r\",\"code\":\"InvalidApiKey\",\"message\":\"Invalid API-key provided.\"}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "401 InvalidApiKey", "API key or account");
	answer(api, TASK_PHASE_SUBMIT, &job, 400, -1,
	       "{\"request_id\":\"r\",\"code\":\"Arrearage\",\"message\":\"overdue\"}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "400 Arrearage", "API key or account");
	answer(api, TASK_PHASE_SUBMIT, &job, 403, -1,
	       "{\"request_id\":\"r\",\"code\":\"AccessDenied\",\"message\":\"current user api does not support synchronous calls\"}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "403 AccessDenied", NULL);
	answer(api, TASK_PHASE_SUBMIT, &job, 500, -1,
	       "{\"request_id\":\"r\",\"code\":\"InternalError\",\"message\":\"internal\"}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "500 InternalError", "internal");
	answer(api, TASK_PHASE_POLL, &job, 500, -1,
	       "{\"request_id\":\"r\",\"code\":\"InternalError\",\"message\":\"internal\"}", &o);
	assert_retry(&o, 0, "500 InternalError");
	answer(api, TASK_PHASE_POLL, &job, 429, 3, "{\"code\":\"Throttling\"}", &o);
	assert_retry(&o, 3, "429 Throttling");
	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1, "{\"output\":", &o);
	assert_failed(&o, FAULT_UPSTREAM, "200", "could not read");
	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1, "{\"request_id\":\"r\"}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "200", "could not read");
	answer(api, TASK_PHASE_POLL, &job, 200, -1, "{\"output\":{\"task_status\":\"DONE\"}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "DONE", "unknown status");
}

/* ---------------------------------------------------------------- Veo */

static void veo_builders_and_answers(void **state)
{
	(void)state;
	const struct task_api *api = &task_api_veo;
	struct job job;
	struct task_call call;
	struct provider_outcome o;
	job_from("{\"id\":\"gen_v\",\"upstreamModel\":\"veo-3.0-fast-generate-001\",\"pollInterval\":10,"
		 "\"input\":{\"text\":\"a fox\",\"image\":\"data:image/jpeg;base64,/9j/4AAQ\"},"
		 "\"effectiveOptions\":{\"duration\":\"8\",\"aspectRatio\":\"9:16\",\"resolution\":\"1080p\","
		 "\"negativePrompt\":\"rain\",\"personGeneration\":\"allow_adult\",\"enhancePrompt\":false}}", &job);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	assert_string_equal(call.method, "POST");
	assert_string_equal(call.path, "/models/veo-3.0-fast-generate-001:predictLongRunning");
	assert_string_equal(call.headers[0], "x-goog-api-key: k");
	assert_false(has_header(&call, "Authorization: Bearer k"));
	assert_true(has_header(&call, "Content-Type: application/json"));
	json_t *b = body_of(&call);
	assert_string_equal(sget(b, "instances.0.prompt"), "a fox");
	assert_string_equal(sget(b, "instances.0.image.bytesBase64Encoded"), "/9j/4AAQ");
	assert_string_equal(sget(b, "instances.0.image.mimeType"), "image/jpeg");
	assert_string_equal(sget(b, "parameters.aspectRatio"), "9:16");
	assert_int_equal(iget(b, "parameters.durationSeconds"), 8);
	assert_string_equal(sget(b, "parameters.resolution"), "1080p");
	assert_string_equal(sget(b, "parameters.negativePrompt"), "rain");
	assert_string_equal(sget(b, "parameters.personGeneration"), "allow_adult");
	assert_true(json_is_false(task_json_path(b, "parameters.enhancePrompt")));
	job_from("{\"id\":\"gen_v\",\"input\":{\"text\":\"a\",\"image\":\"https://e.x/a.png\"}}", &job);
	refused(api, &job, "data: URI");
	job_from("{\"id\":\"gen_v\",\"input\":{\"image\":\"data:image/png;base64,AA\"}}", &job);
	refused(api, &job, "input.text");
	job_from("{\"id\":\"gen_v\",\"upstreamModel\":\"../x\",\"input\":{\"text\":\"a\"}}", &job);
	refused(api, &job, "model");
	const char *name = "models/veo-3.0-generate-001/operations/abc123xyz";
	build(api, TASK_PHASE_POLL, &job, name, &call);
	assert_string_equal(call.method, "GET");
	assert_string_equal(call.path, "/models/veo-3.0-generate-001/operations/abc123xyz");
	assert_string_equal(task_base_url(api, &job, A), "https://generativelanguage.googleapis.com/v1beta");
	assert_true(api->download_auth);

	job_from("{\"id\":\"gen_v\",\"pollInterval\":10}", &job);
	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1, arena_printf(A, "{\"name\":\"%s\"}", name), &o);
	assert_int_equal(o.kind, PROVIDER_SUBMITTED);
	assert_string_equal(o.task_id, name);
	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1, "{\"name\":\"models/x/../../y\"}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "running", "task id");
	/* done absent or false: running */
	answer(api, TASK_PHASE_POLL, &job, 200, -1, arena_printf(A, "{\"name\":\"%s\",\"metadata\":{}}", name), &o);
	assert_int_equal(o.kind, PROVIDER_RUNNING);
	assert_string_equal(o.upstream_status, "running");
	answer(api, TASK_PHASE_POLL, &job, 200, -1, "{\"name\":\"n\",\"done\":false}", &o);
	assert_int_equal(o.kind, PROVIDER_RUNNING);
	/* done + response */
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"name\":\"n\",\"done\":true,\"response\":{\"@type\":\"t\",\"generateVideoResponse\":"
	       "{\"generatedSamples\":[{\"video\":{\"uri\":\"https://generativelanguage.googleapis.com/v1beta/files/abc:download?alt=media\"}}]}}}", &o);
	assert_int_equal(o.kind, PROVIDER_COMPLETED);
	assert_string_equal(o.url, "https://generativelanguage.googleapis.com/v1beta/files/abc:download?alt=media");
	/* done, no sample, filtered: moderation */
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"name\":\"n\",\"done\":true,\"response\":{\"generateVideoResponse\":{\"raiMediaFilteredCount\":1,"
	       "\"raiMediaFilteredReasons\":[\"may violate our policies\"]}}}", &o);
	assert_failed(&o, FAULT_REQUEST, "RAI_FILTERED", "may violate our policies");
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"name\":\"n\",\"done\":true,\"response\":{\"generateVideoResponse\":{}}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "done", "without a result URL");
	/* done + error: final */
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"name\":\"n\",\"done\":true,\"error\":{\"code\":13,\"message\":\"internal\",\"status\":\"INTERNAL\"}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "INTERNAL", "could not generate the result: internal");
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"name\":\"n\",\"done\":true,\"error\":{\"code\":8,\"message\":\"quota\",\"status\":\"RESOURCE_EXHAUSTED\"}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "RESOURCE_EXHAUSTED", NULL);
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"name\":\"n\",\"done\":true,\"error\":{\"code\":3,\"message\":\"bad duration\",\"status\":\"INVALID_ARGUMENT\"}}", &o);
	assert_failed(&o, FAULT_REQUEST, "INVALID_ARGUMENT", "bad duration");
	/* error answers */
	answer(api, TASK_PHASE_SUBMIT, &job, 429, -1,
	       "{\"error\":{\"code\":429,\"message\":\"quota\",\"status\":\"RESOURCE_EXHAUSTED\"}}", &o);
	assert_retry(&o, TASK_RETRY_DEFAULT, "429 RESOURCE_EXHAUSTED");
	answer(api, TASK_PHASE_SUBMIT, &job, 400, -1,
	       "{\"error\":{\"code\":400,\"message\":\"aspectRatio 1:1 unsupported\",\"status\":\"INVALID_ARGUMENT\"}}", &o);
	assert_failed(&o, FAULT_REQUEST, "400 INVALID_ARGUMENT", "aspectRatio 1:1 unsupported");
	answer(api, TASK_PHASE_SUBMIT, &job, 400, -1,
	       "{\"error\":{\"code\":400,\"message\":\"API key not valid.\",\"status\":\"INVALID_ARGUMENT\","
	       "\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"API_KEY_INVALID\"}]}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "400 API_KEY_INVALID", "API key or account");
	answer(api, TASK_PHASE_SUBMIT, &job, 400, -1,
	       "{\"error\":{\"code\":400,\"message\":\"User location is not supported\",\"status\":\"FAILED_PRECONDITION\"}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "400 FAILED_PRECONDITION", "API key or account");
	answer(api, TASK_PHASE_SUBMIT, &job, 403, -1,
	       "{\"error\":{\"code\":403,\"message\":\"denied\",\"status\":\"PERMISSION_DENIED\"}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "403 PERMISSION_DENIED", NULL);
	answer(api, TASK_PHASE_SUBMIT, &job, 503, -1,
	       "{\"error\":{\"code\":503,\"message\":\"overloaded\",\"status\":\"UNAVAILABLE\"}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "503 UNAVAILABLE", "overloaded");
	answer(api, TASK_PHASE_POLL, &job, 503, -1, "{\"error\":{\"code\":503,\"status\":\"UNAVAILABLE\"}}", &o);
	assert_retry(&o, 0, "503 UNAVAILABLE");
	answer(api, TASK_PHASE_POLL, &job, 404, -1,
	       "{\"error\":{\"code\":404,\"message\":\"Operation not found\",\"status\":\"NOT_FOUND\"}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "404 NOT_FOUND", "not found");
	answer(api, TASK_PHASE_POLL, &job, 200, -1, "{\"name\":", &o);
	assert_failed(&o, FAULT_UPSTREAM, "200", "could not read");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(task_ids),
		cmocka_unit_test(minimax_builders),
		cmocka_unit_test(minimax_answers),
		cmocka_unit_test(wan_builders),
		cmocka_unit_test(wan_answers),
		cmocka_unit_test(veo_builders_and_answers),
	};
	return cmocka_run_group_tests_name("providers/task_special", tests, task_setup, task_teardown);
}
