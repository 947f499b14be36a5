/*
 * test_task_ark_vidu.c - Seedance on BytePlus ModelArk (providers.md §7)
 * and Vidu (§9) on answers shaped as the reference records them: the
 * request each builder makes (text commands riding on the prompt, the lite
 * t2v/i2v siblings, img2video vs text2video, `Token` auth), each status,
 * success with the URL, failures, moderation (Ark's *SensitiveContent*
 * codes, Vidu's audit err_code), 429, 5xx, malformed JSON, cancel.
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

/* ---------------------------------------------------------------- Seedance */

static void seedance_builders(void **state)
{
	(void)state;
	const struct task_api *api = &task_api_seedance;
	struct job job;
	struct task_call call;
	job_from("{\"id\":\"gen_s\",\"upstreamModel\":\"seedance-1-0-pro-250528\",\"input\":{\"text\":\"a fox\","
		 "\"image\":\"https://e.x/f.png\"},\"effectiveOptions\":{\"resolution\":\"1080p\",\"aspectRatio\":"
		 "\"9:16\",\"duration\":10,\"seed\":42,\"cameraFixed\":true,\"watermark\":false}}", &job);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	assert_string_equal(call.method, "POST");
	assert_string_equal(call.path, "/contents/generations/tasks");
	assert_string_equal(call.headers[0], "Authorization: Bearer k");
	assert_true(has_header(&call, "Content-Type: application/json"));
	json_t *b = body_of(&call);
	assert_string_equal(sget(b, "model"), "seedance-1-0-pro-250528");
	assert_string_equal(sget(b, "content.0.type"), "text");
	assert_string_equal(sget(b, "content.0.text"),
			    "a fox --rs 1080p --rt 9:16 --dur 10 --seed 42 --cf true --wm false");
	assert_string_equal(sget(b, "content.1.type"), "image_url");
	assert_string_equal(sget(b, "content.1.image_url.url"), "https://e.x/f.png");
	assert_string_equal(sget(b, "content.1.role"), "first_frame");
	assert_string_equal(task_base_url(api, &job, A), "https://ark.ap-southeast.bytepluses.com/api/v3");

	/* lite: the t2v model with an image runs its i2v sibling, and back */
	job_from("{\"id\":\"gen_s\",\"upstreamModel\":\"seedance-1-0-lite-t2v-250428\",\"input\":{"
		 "\"image\":\"https://e.x/f.png\"}}", &job);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	b = body_of(&call);
	assert_string_equal(sget(b, "model"), "seedance-1-0-lite-i2v-250428");
	assert_string_equal(sget(b, "content.0.text"), "");  /* image only: no prompt, no commands */
	job_from("{\"id\":\"gen_s\",\"upstreamModel\":\"seedance-1-0-lite-i2v-250428\",\"input\":{\"text\":\"x\"}}",
		 &job);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	b = body_of(&call);
	assert_string_equal(sget(b, "model"), "seedance-1-0-lite-t2v-250428");
	assert_int_equal(json_array_size(json_object_get(b, "content")), 1);

	/* neither text nor image: refused before any request */
	job_from("{\"id\":\"gen_s\",\"input\":{}}", &job);
	enum provider_fault fault;
	const char *why = NULL;
	assert_false(task_build(api, TASK_PHASE_SUBMIT, &job, NULL, 1, "k", 0, A, &call, &fault, &why));
	assert_int_equal(fault, FAULT_REQUEST);
	assert_non_null(strstr(why, "input.text or input.image"));

	build(api, TASK_PHASE_POLL, &job, "cgt-20250801123456-abcde", &call);
	assert_string_equal(call.method, "GET");
	assert_string_equal(call.path, "/contents/generations/tasks/cgt-20250801123456-abcde");
	assert_null(call.body);
	build(api, TASK_PHASE_CANCEL, &job, "cgt-20250801123456-abcde", &call);
	assert_string_equal(call.method, "DELETE");
	assert_string_equal(call.path, "/contents/generations/tasks/cgt-20250801123456-abcde");
}

static void seedance_answers(void **state)
{
	(void)state;
	const struct task_api *api = &task_api_seedance;
	struct job job;
	struct provider_outcome o;
	job_from("{\"id\":\"gen_s\",\"pollInterval\":10}", &job);
	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1, "{\"id\":\"cgt-20250801123456-abcde\"}", &o);
	assert_int_equal(o.kind, PROVIDER_SUBMITTED);
	assert_string_equal(o.task_id, "cgt-20250801123456-abcde");
	/* the recorded query answer, each state */
	const char *fmt = "{\"id\":\"cgt-1\",\"model\":\"seedance-1-0-pro-250528\",\"status\":\"%s\","
			  "\"content\":%s,\"usage\":{\"completion_tokens\":108900,\"total_tokens\":108900},"
			  "\"created_at\":1754000000,\"updated_at\":1754000060,\"error\":%s}";
	answer(api, TASK_PHASE_POLL, &job, 200, -1, arena_printf(A, fmt, "queued", "null", "null"), &o);
	assert_int_equal(o.kind, PROVIDER_RUNNING);
	assert_string_equal(o.upstream_status, "queued");
	answer(api, TASK_PHASE_POLL, &job, 200, -1, arena_printf(A, fmt, "running", "null", "null"), &o);
	assert_int_equal(o.kind, PROVIDER_RUNNING);
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       arena_printf(A, fmt, "succeeded",
			    "{\"video_url\":\"https://ark-content.bytepluses.com/x.mp4?X-Tos-Signature=s\"}", "null"), &o);
	assert_int_equal(o.kind, PROVIDER_COMPLETED);
	assert_string_equal(o.url, "https://ark-content.bytepluses.com/x.mp4?X-Tos-Signature=s");
	assert_string_equal(o.upstream_status, "succeeded");
	/* a failed task: its Ark code; sensitive output is moderation */
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       arena_printf(A, fmt, "failed", "null",
			    "{\"code\":\"InternalServiceError\",\"message\":\"The service encountered an error.\"}"), &o);
	assert_failed(&o, FAULT_UPSTREAM, "InternalServiceError", "The service encountered an error.");
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       arena_printf(A, fmt, "failed", "null",
			    "{\"code\":\"OutputVideoSensitiveContentDetected\",\"message\":\"The generated video "
			    "may contain sensitive information.\"}"), &o);
	assert_failed(&o, FAULT_REQUEST, "OutputVideoSensitiveContentDetected", "sensitive information");
	answer(api, TASK_PHASE_POLL, &job, 200, -1, arena_printf(A, fmt, "cancelled", "null", "null"), &o);
	assert_failed(&o, FAULT_UPSTREAM, "cancelled", "cancelled");
	answer(api, TASK_PHASE_POLL, &job, 200, -1, arena_printf(A, fmt, "succeeded", "{}", "null"), &o);
	assert_failed(&o, FAULT_UPSTREAM, "succeeded", "without a result URL");
	/* error answers */
	answer(api, TASK_PHASE_SUBMIT, &job, 400, -1,
	       "{\"error\":{\"code\":\"InputTextSensitiveContentDetected\",\"message\":\"The request failed "
	       "because the input text may contain sensitive information.\",\"param\":\"\",\"type\":\"BadRequest\"}}", &o);
	assert_failed(&o, FAULT_REQUEST, "400 InputTextSensitiveContentDetected", "sensitive information");
	answer(api, TASK_PHASE_SUBMIT, &job, 400, -1,
	       "{\"error\":{\"code\":\"InvalidParameter\",\"message\":\"The parameter `duration` is invalid.\"}}", &o);
	assert_failed(&o, FAULT_REQUEST, "400 InvalidParameter", "duration");
	answer(api, TASK_PHASE_SUBMIT, &job, 401, -1,
	       "{\"error\":{\"code\":\"AuthenticationError\",\"message\":\"The API key is missing or invalid.\"}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "401 AuthenticationError", NULL);
	answer(api, TASK_PHASE_SUBMIT, &job, 429, 7,
	       "{\"error\":{\"code\":\"RateLimitExceeded.EndpointRPMExceeded\",\"message\":\"rate\"}}", &o);
	assert_int_equal(o.kind, PROVIDER_RETRY_LATER);
	assert_int_equal(o.retry_seconds, 7);
	answer(api, TASK_PHASE_SUBMIT, &job, 503, -1,
	       "{\"error\":{\"code\":\"ServiceUnavailable\",\"message\":\"busy\"}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "503 ServiceUnavailable", "busy");
	answer(api, TASK_PHASE_POLL, &job, 503, -1, "{\"error\":{\"code\":\"ServiceUnavailable\"}}", &o);
	assert_int_equal(o.kind, PROVIDER_RETRY_LATER);
	answer(api, TASK_PHASE_POLL, &job, 404, -1,
	       "{\"error\":{\"code\":\"ResourceNotFound\",\"message\":\"The specified task is not found.\"}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "404 ResourceNotFound", "not found");
	answer(api, TASK_PHASE_POLL, &job, 200, -1, "{\"id\":", &o);
	assert_failed(&o, FAULT_UPSTREAM, "200", NULL);
	/* cancel of a queued task: 200 {} */
	answer(api, TASK_PHASE_CANCEL, &job, 200, -1, "{}", &o);
	assert_int_not_equal(o.kind, PROVIDER_FAILED);
}

/* ---------------------------------------------------------------- Vidu */

static void vidu_builders(void **state)
{
	(void)state;
	const struct task_api *api = &task_api_vidu;
	struct job job;
	struct task_call call;
	job_from("{\"id\":\"gen_v\",\"upstreamModel\":\"vidu2.0\",\"input\":{\"text\":\"a fox\",\"image\":"
		 "\"https://e.x/f.png\"},\"effectiveOptions\":{\"duration\":\"8\",\"resolution\":\"720p\","
		 "\"aspectRatio\":\"16:9\",\"movementAmplitude\":\"large\",\"seed\":7}}", &job);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	assert_string_equal(call.method, "POST");
	assert_string_equal(call.path, "/img2video");
	assert_string_equal(call.headers[0], "Authorization: Token k");
	assert_false(has_header(&call, "Authorization: Bearer k"));
	json_t *b = body_of(&call);
	assert_string_equal(sget(b, "model"), "vidu2.0");
	assert_string_equal(sget(b, "images.0"), "https://e.x/f.png");
	assert_int_equal(json_array_size(json_object_get(b, "images")), 1);
	assert_string_equal(sget(b, "prompt"), "a fox");
	assert_int_equal(iget(b, "duration"), 8);
	assert_int_equal(iget(b, "seed"), 7);
	assert_string_equal(sget(b, "resolution"), "720p");
	assert_string_equal(sget(b, "movement_amplitude"), "large");
	assert_null(json_object_get(b, "aspect_ratio"));  /* T2V only */
	assert_string_equal(task_base_url(api, &job, A), "https://api.vidu.com/ent/v2");

	job_from("{\"id\":\"gen_v\",\"input\":{\"text\":\"a fox\"},\"effectiveOptions\":{\"duration\":4,"
		 "\"aspectRatio\":\"9:16\"}}", &job);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	assert_string_equal(call.path, "/text2video");
	b = body_of(&call);
	assert_string_equal(sget(b, "model"), "vidu2.0");  /* the default */
	assert_int_equal(iget(b, "duration"), 4);
	assert_string_equal(sget(b, "aspect_ratio"), "9:16");
	assert_null(json_object_get(b, "images"));

	build(api, TASK_PHASE_POLL, &job, "880000000001", &call);
	assert_string_equal(call.method, "GET");
	assert_string_equal(call.path, "/tasks/880000000001/creations");
	build(api, TASK_PHASE_CANCEL, &job, "880000000001", &call);
	assert_string_equal(call.method, "POST");
	assert_string_equal(call.path, "/tasks/880000000001/cancel");
}

static void vidu_answers(void **state)
{
	(void)state;
	const struct task_api *api = &task_api_vidu;
	struct job job;
	struct provider_outcome o;
	job_from("{\"id\":\"gen_v\",\"pollInterval\":10}", &job);
	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1,
	       "{\"task_id\":\"880000000001\",\"state\":\"created\",\"model\":\"vidu2.0\",\"prompt\":\"a fox\","
	       "\"images\":[\"https://e.x/f.png\"],\"duration\":4,\"seed\":0,\"resolution\":\"720p\","
	       "\"movement_amplitude\":\"auto\",\"credits\":4,\"created_at\":\"2025-08-01T12:00:00Z\"}", &o);
	assert_int_equal(o.kind, PROVIDER_SUBMITTED);
	assert_string_equal(o.task_id, "880000000001");
	const char *fmt = "{\"id\":\"880000000001\",\"state\":\"%s\",\"err_code\":\"%s\",\"credits\":4,"
			  "\"creations\":%s}";
	static const char *const waiting[] = { "created", "queueing", "processing" };
	for (size_t i = 0; i < 3; i++) {
		answer(api, TASK_PHASE_POLL, &job, 200, -1, arena_printf(A, fmt, waiting[i], "", "[]"), &o);
		assert_int_equal(o.kind, PROVIDER_RUNNING);
		assert_string_equal(o.upstream_status, waiting[i]);
	}
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       arena_printf(A, fmt, "success", "",
			    "[{\"id\":\"c1\",\"url\":\"https://prod-ss-vidu.s3.amazonaws.com/x.mp4?X-Amz-Signature=s\","
			    "\"cover_url\":\"https://prod-ss-vidu.s3.amazonaws.com/x.jpg\"}]"), &o);
	assert_int_equal(o.kind, PROVIDER_COMPLETED);
	assert_string_equal(o.url, "https://prod-ss-vidu.s3.amazonaws.com/x.mp4?X-Amz-Signature=s");
	answer(api, TASK_PHASE_POLL, &job, 200, -1, arena_printf(A, fmt, "failed", "CreditInsufficient", "[]"), &o);
	assert_failed(&o, FAULT_UPSTREAM, "CreditInsufficient", "CreditInsufficient");
	answer(api, TASK_PHASE_POLL, &job, 200, -1, arena_printf(A, fmt, "failed", "AuditFailed", "[]"), &o);
	assert_failed(&o, FAULT_REQUEST, "AuditFailed", NULL);
	answer(api, TASK_PHASE_POLL, &job, 200, -1, arena_printf(A, fmt, "success", "", "[]"), &o);
	assert_failed(&o, FAULT_UPSTREAM, "success", "without a result URL");
	answer(api, TASK_PHASE_POLL, &job, 200, -1, arena_printf(A, fmt, "paused", "", "[]"), &o);
	assert_failed(&o, FAULT_UPSTREAM, "paused", "unknown status");
	/* error answers {"code","reason","message"} */
	answer(api, TASK_PHASE_SUBMIT, &job, 400, -1,
	       "{\"code\":400,\"reason\":\"AuditSubmitIllegal\",\"message\":\"the prompt did not pass the content audit\","
	       "\"metadata\":{}}", &o);
	assert_failed(&o, FAULT_REQUEST, "400 AuditSubmitIllegal", "content audit");
	answer(api, TASK_PHASE_SUBMIT, &job, 400, -1,
	       "{\"code\":400,\"reason\":\"BadRequest\",\"message\":\"model is not supported\"}", &o);
	assert_failed(&o, FAULT_REQUEST, "400 BadRequest", "model is not supported");
	answer(api, TASK_PHASE_SUBMIT, &job, 401, -1,
	       "{\"code\":401,\"reason\":\"Unauthorized\",\"message\":\"invalid api key\"}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "401 Unauthorized", NULL);
	answer(api, TASK_PHASE_SUBMIT, &job, 429, -1, "{\"code\":429,\"reason\":\"TooManyRequests\"}", &o);
	assert_int_equal(o.kind, PROVIDER_RETRY_LATER);
	assert_int_equal(o.retry_seconds, TASK_RETRY_DEFAULT);
	answer(api, TASK_PHASE_POLL, &job, 502, -1, "<html>bad gateway</html>", &o);
	assert_int_equal(o.kind, PROVIDER_RETRY_LATER);
	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1, "[]", &o);
	assert_failed(&o, FAULT_UPSTREAM, "200", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seedance_builders),
		cmocka_unit_test(seedance_answers),
		cmocka_unit_test(vidu_builders),
		cmocka_unit_test(vidu_answers),
	};
	return cmocka_run_group_tests_name("providers/task_ark_vidu", tests, task_setup, task_teardown);
}
