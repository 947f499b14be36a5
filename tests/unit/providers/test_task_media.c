/*
 * test_task_media.c - the image, speech and avatar upstreams on answers
 * shaped as reference/providers.md records them: BFL FLUX (§11: the model
 * as the path, x-key, Pending/Ready/Moderated statuses, the expiring
 * result.sample), Imagen (§10: synchronous :predict, base64, filtered
 * images), Seedream (§13: synchronous URL or b64_json, sizes), ElevenLabs
 * (§16: voice names, emotion -> voice settings, the audio body), HeyGen
 * (§14: avatar, voice, background, gesture; status polling), Hedra (§15:
 * the generation naming the uploaded assets, its status), and the
 * aggregator routes carrying images and speech (§17, §18). The request
 * each builder makes, success, failures, moderation, 4xx, 429, 5xx and
 * malformed answers. No network: tests/integration/adapters_fake.c covers
 * the transport and the stored files.
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
	struct task_call call;
	enum provider_fault fault;
	const char *why = NULL;
	assert_false(task_build(api, TASK_PHASE_SUBMIT, job, NULL, 1, "k", 0, A, &call, &fault, &why));
	assert_int_equal(fault, FAULT_REQUEST);
	if (!why || !strstr(why, in_why))
		fail_msg("why '%s' lacks '%s'", why ? why : "(null)", in_why);
}

static void media_job(const char *type, const char *adapter, const char *model, const char *input,
		      const char *options, struct job *job)
{
	job_from(arena_printf(A, "{\"id\":\"gen_m1\",\"type\":\"%s\",\"provider\":\"%s\","
				 "\"adapter\":\"%s\",\"upstreamModel\":\"%s\",\"status\":\"PENDING\","
				 "\"pollInterval\":1,\"input\":%s,\"effectiveOptions\":%s}",
			      type, adapter, adapter, model, input, options), job);
}

/* ---------------------------------------------------------------- BFL */

static void bfl_requests(void **state)
{
	(void)state;
	const struct task_api *api = &task_api_bfl;
	struct job job;
	struct task_call call;
	/* the seed page's flux-ultra example */
	media_job("IMAGE", "flux-ultra", "flux-pro-1.1-ultra", "{\"text\":\"Photorealistic portrait\"}",
		  "{\"aspectRatio\":\"16:9\",\"quality\":\"ultra\",\"seed\":42,\"safetyTolerance\":2,"
		  "\"outputFormat\":\"jpeg\",\"promptUpsampling\":false}", &job);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	assert_string_equal(call.method, "POST");
	assert_string_equal(call.path, "/v1/flux-pro-1.1-ultra");
	assert_true(has_header(&call, "x-key: k"));
	assert_true(has_header(&call, "Content-Type: application/json"));
	json_t *b = body_of(&call);
	assert_string_equal(sget(b, "prompt"), "Photorealistic portrait");
	assert_string_equal(sget(b, "aspect_ratio"), "16:9");
	assert_true(json_is_false(json_object_get(b, "raw")));
	assert_int_equal(iget(b, "seed"), 42);
	assert_int_equal(iget(b, "safety_tolerance"), 2);
	assert_string_equal(sget(b, "output_format"), "jpeg");
	assert_null(json_object_get(b, "width"));
	/* raw mode */
	media_job("IMAGE", "flux-ultra", "flux-pro-1.1-ultra", "{\"text\":\"x\"}", "{\"quality\":\"raw\"}", &job);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	assert_true(json_is_true(json_object_get(body_of(&call), "raw")));
	/* dev: width and height from the aspect ratio, steps and guidance */
	media_job("IMAGE", "flux-dev", "flux-dev", "{\"text\":\"a fox\",\"image\":\"https://x/y.png\"}",
		  "{\"aspectRatio\":\"9:16\",\"steps\":28,\"guidance\":3}", &job);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	assert_string_equal(call.path, "/v1/flux-dev");
	b = body_of(&call);
	assert_int_equal(iget(b, "width"), 768);
	assert_int_equal(iget(b, "height"), 1344);
	assert_int_equal(iget(b, "steps"), 28);
	assert_null(json_object_get(b, "aspect_ratio"));
	assert_null(json_object_get(b, "input_image"));
	/* explicit width and height win */
	media_job("IMAGE", "flux-pro", "flux-pro", "{\"text\":\"a fox\"}",
		  "{\"aspectRatio\":\"1:1\",\"width\":512,\"height\":768,\"interval\":2}", &job);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	b = body_of(&call);
	assert_int_equal(iget(b, "width"), 512);
	assert_int_equal(iget(b, "height"), 768);
	assert_int_equal(iget(b, "interval"), 2);
	/* kontext: input.image is the image to edit; a data: URI goes as base64 */
	media_job("IMAGE", "flux-kontext", "flux-kontext-max",
		  "{\"text\":\"make it snow\",\"image\":\"data:image/png;base64,iVBORw0KGgo=\"}", "{}", &job);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	assert_string_equal(call.path, "/v1/flux-kontext-max");
	assert_string_equal(sget(body_of(&call), "input_image"), "iVBORw0KGgo=");
	media_job("IMAGE", "flux-kontext", "flux-kontext-pro",
		  "{\"text\":\"make it snow\",\"image\":\"https://img.example/a.jpg\"}", "{}", &job);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	assert_string_equal(sget(body_of(&call), "input_image"), "https://img.example/a.jpg");
	/* poll */
	build(api, TASK_PHASE_POLL, &job, "a080692c-327b-46e7-97dd-163206fb4c92", &call);
	assert_string_equal(call.method, "GET");
	assert_string_equal(call.path, "/v1/get_result?id=a080692c-327b-46e7-97dd-163206fb4c92");
	/* refusals */
	media_job("IMAGE", "flux-dev", "flux-dev", "{\"image\":\"https://x/y.png\"}", "{}", &job);
	refused(api, &job, "needs input.text");
	media_job("IMAGE", "flux-dev", "../etc", "{\"text\":\"x\"}", "{}", &job);
	refused(api, &job, "not usable");
	media_job("IMAGE", "flux-dev", "flux-dev", "{\"text\":\"x\"}", "{\"aspectRatio\":\"5:1\"}", &job);
	refused(api, &job, "no size");
	int w, h;
	assert_true(bfl_size("21:9", &w, &h));
	assert_true(w % 32 == 0 && h % 32 == 0 && w <= 1440 && h >= 256);
}

static void bfl_answers(void **state)
{
	(void)state;
	const struct task_api *api = &task_api_bfl;
	struct job job;
	struct provider_outcome o;
	media_job("IMAGE", "flux-pro-1.1", "flux-pro-1.1", "{\"text\":\"x\"}", "{}", &job);
	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1,
	       "{\"id\":\"a080692c-327b-46e7-97dd-163206fb4c92\",\"polling_url\":"
	       "\"https://api.bfl.ai/v1/get_result?id=a080692c-327b-46e7-97dd-163206fb4c92\",\"cost\":4}", &o);
	assert_int_equal(o.kind, PROVIDER_SUBMITTED);
	assert_string_equal(o.task_id, "a080692c-327b-46e7-97dd-163206fb4c92");
	answer(api, TASK_PHASE_POLL, &job, 200, -1, "{\"id\":\"a\",\"status\":\"Pending\",\"result\":null}", &o);
	assert_int_equal(o.kind, PROVIDER_RUNNING);
	assert_string_equal(o.upstream_status, "Pending");
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"id\":\"a\",\"status\":\"Ready\",\"result\":{\"sample\":"
	       "\"https://delivery-eu1.bfl.ai/results/x/sample.jpeg?se=2026&sig=s\",\"seed\":42}}", &o);
	assert_int_equal(o.kind, PROVIDER_COMPLETED);
	assert_string_equal(o.url, "https://delivery-eu1.bfl.ai/results/x/sample.jpeg?se=2026&sig=s");
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"id\":\"a\",\"status\":\"Content Moderated\",\"details\":{\"Moderation Reasons\":"
	       "[\"Derivative Works Filter\"]}}", &o);
	assert_failed(&o, FAULT_REQUEST, "Content Moderated", "Derivative Works Filter");
	answer(api, TASK_PHASE_POLL, &job, 200, -1, "{\"id\":\"a\",\"status\":\"Request Moderated\"}", &o);
	assert_failed(&o, FAULT_REQUEST, "Request Moderated", "moderation");
	answer(api, TASK_PHASE_POLL, &job, 200, -1, "{\"id\":\"a\",\"status\":\"Error\"}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "Error", "could not generate");
	answer(api, TASK_PHASE_POLL, &job, 200, -1, "{\"id\":\"a\",\"status\":\"Task not found\"}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "Task not found", NULL);
	answer(api, TASK_PHASE_POLL, &job, 200, -1, "{\"id\":\"a\",\"status\":\"Ready\",\"result\":{}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "Ready", "without a result URL");
	/* errors */
	answer(api, TASK_PHASE_SUBMIT, &job, 422, -1,
	       "{\"detail\":[{\"loc\":[\"body\",\"width\"],\"msg\":\"width must be a multiple of 32\",\"type\":\"value_error\"}]}", &o);
	assert_failed(&o, FAULT_REQUEST, "422", "multiple of 32");
	answer(api, TASK_PHASE_SUBMIT, &job, 402, -1, "{\"detail\":\"Insufficient credits\"}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "402", "API key or account");
	assert_null(strstr(o.message, "Insufficient"));
	answer(api, TASK_PHASE_SUBMIT, &job, 429, 3, "{\"detail\":\"too many active tasks\"}", &o);
	assert_int_equal(o.kind, PROVIDER_RETRY_LATER);
	assert_int_equal(o.retry_seconds, 3);
	answer(api, TASK_PHASE_SUBMIT, &job, 503, -1, "{\"detail\":\"Service Unavailable\"}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "503", NULL);
	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1, "<html>", &o);
	assert_failed(&o, FAULT_UPSTREAM, "200", "could not read");
	answer(api, TASK_PHASE_SUBMIT, &job, 400, -1, "{\"detail\":\"Request Moderated: flagged by moderation\"}", &o);
	assert_failed(&o, FAULT_REQUEST, "400", NULL);
}

/* ---------------------------------------------------------------- Imagen */

static void imagen_sync(void **state)
{
	(void)state;
	const struct task_api *api = &task_api_imagen;
	struct job job;
	struct task_call call;
	struct provider_outcome o;
	media_job("IMAGE", "imagen", "imagen-4.0-generate-001", "{\"text\":\"a lighthouse\"}",
		  "{\"aspectRatio\":\"16:9\",\"numImages\":1,\"imageSize\":\"2K\",\"personGeneration\":\"allow_adult\","
		  "\"outputFormat\":\"jpeg\"}", &job);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	assert_string_equal(call.path, "/models/imagen-4.0-generate-001:predict");
	assert_true(has_header(&call, "x-goog-api-key: k"));
	json_t *b = body_of(&call);
	assert_string_equal(sget(b, "instances.0.prompt"), "a lighthouse");
	assert_int_equal(iget(b, "parameters.sampleCount"), 1);
	assert_string_equal(sget(b, "parameters.aspectRatio"), "16:9");
	assert_string_equal(sget(b, "parameters.sampleImageSize"), "2K");
	assert_string_equal(sget(b, "parameters.outputOptions.mimeType"), "image/jpeg");
	assert_null(task_json_path(b, "parameters.seed"));
	/* the fast model takes no size */
	media_job("IMAGE", "imagen", "imagen-4.0-fast-generate-001", "{\"text\":\"x\"}", "{\"imageSize\":\"2K\"}", &job);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	assert_null(task_json_path(body_of(&call), "parameters.sampleImageSize"));
	/* Vertex AI: the twin descriptor, Bearer token, seed and negativePrompt allowed */
	job_from("{\"id\":\"gen_vx\",\"type\":\"IMAGE\",\"provider\":\"imagen\",\"adapter\":\"imagen\","
		 "\"upstreamModel\":\"imagen-4.0-ultra-generate-001\",\"route\":\"vertex\",\"input\":{\"text\":\"x\"},"
		 "\"effectiveOptions\":{\"seed\":42,\"negativePrompt\":\"fog\"}}", &job);
	assert_ptr_equal(task_route_api(api, &job), &task_api_imagen_vertex);
	build(&task_api_imagen_vertex, TASK_PHASE_SUBMIT, &job, NULL, &call);
	assert_string_equal(call.path, "/imagen-4.0-ultra-generate-001:predict");
	assert_true(has_header(&call, "Authorization: Bearer k"));
	b = body_of(&call);
	assert_int_equal(iget(b, "parameters.seed"), 42);
	assert_string_equal(sget(b, "parameters.negativePrompt"), "fog");
	/* the Gemini descriptor refuses a vertex-routed job (and vice versa) */
	enum provider_fault fault;
	const char *why = NULL;
	assert_false(task_build(api, TASK_PHASE_SUBMIT, &job, NULL, 1, "k", 0, A, &call, &fault, &why));
	assert_int_equal(fault, FAULT_CONFIG);
	/* no poll: it answers synchronously */
	media_job("IMAGE", "imagen", "imagen-4.0-generate-001", "{\"text\":\"x\"}", "{}", &job);
	assert_false(task_build(api, TASK_PHASE_POLL, &job, "x", 1, "k", 0, A, &call, &fault, &why));
	assert_non_null(strstr(why, "synchronously"));

	struct task_view v;
	task_parse_sync(api, 200, "{\"predictions\":[{\"bytesBase64Encoded\":\"iVBORw0KGgo=\",\"mimeType\":\"image/png\"}]}", A, &v);
	assert_int_equal(v.state, TASK_SUCCEEDED);
	assert_string_equal(v.data, "iVBORw0KGgo=");
	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1,
	       "{\"predictions\":[{\"bytesBase64Encoded\":\"iVBORw0KGgo=\",\"mimeType\":\"image/png\"}]}", &o);
	assert_int_equal(o.kind, PROVIDER_COMPLETED);
	assert_null(o.url);  /* the transport decodes the bytes */
	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1,
	       "{\"predictions\":[{\"raiFilteredReason\":\"Your current safety filter threshold filtered out the image.\"}]}", &o);
	assert_failed(&o, FAULT_REQUEST, "RAI_FILTERED", "safety filter");
	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1, "{}", &o);
	assert_failed(&o, FAULT_REQUEST, "RAI_FILTERED", "moderation");
	answer(api, TASK_PHASE_SUBMIT, &job, 400, -1,
	       "{\"error\":{\"code\":400,\"message\":\"This prompt contains words that violate Google's Responsible AI practices.\",\"status\":\"INVALID_ARGUMENT\"}}", &o);
	assert_failed(&o, FAULT_REQUEST, "400 INVALID_ARGUMENT", "moderation");
	answer(api, TASK_PHASE_SUBMIT, &job, 400, -1,
	       "{\"error\":{\"code\":400,\"message\":\"aspectRatio is invalid\",\"status\":\"INVALID_ARGUMENT\"}}", &o);
	assert_failed(&o, FAULT_REQUEST, "400 INVALID_ARGUMENT", "aspectRatio");
	answer(api, TASK_PHASE_SUBMIT, &job, 400, -1,
	       "{\"error\":{\"code\":400,\"message\":\"API key not valid.\",\"status\":\"INVALID_ARGUMENT\","
	       "\"details\":[{\"reason\":\"API_KEY_INVALID\"}]}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "400 API_KEY_INVALID", "API key");
	answer(api, TASK_PHASE_SUBMIT, &job, 429, -1,
	       "{\"error\":{\"code\":429,\"message\":\"quota\",\"status\":\"RESOURCE_EXHAUSTED\"}}", &o);
	assert_int_equal(o.kind, PROVIDER_RETRY_LATER);
	answer(api, TASK_PHASE_SUBMIT, &job, 500, -1,
	       "{\"error\":{\"code\":500,\"message\":\"internal\",\"status\":\"INTERNAL\"}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "500 INTERNAL", NULL);
	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1, "not json", &o);
	assert_failed(&o, FAULT_UPSTREAM, "200", "could not read");
	/* an answer lost after sending: unknown, never blindly resent */
	task_transport_outcome(api, TASK_PHASE_SUBMIT, &job, true, "timeout", A, &o);
	assert_int_equal(o.kind, PROVIDER_SUBMIT_UNKNOWN);
}

/* ---------------------------------------------------------------- Seedream */

static void seedream_sync(void **state)
{
	(void)state;
	const struct task_api *api = &task_api_seedream;
	struct job job;
	struct task_call call;
	struct provider_outcome o;
	media_job("IMAGE", "seedream", "seedream-4-0-250828", "{\"text\":\"a temple\"}",
		  "{\"style\":\"watercolor\",\"size\":\"2K\",\"aspectRatio\":\"16:9\",\"seed\":7,\"watermark\":false}", &job);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	assert_string_equal(call.path, "/images/generations");
	assert_true(has_header(&call, "Authorization: Bearer k"));
	json_t *b = body_of(&call);
	assert_string_equal(sget(b, "model"), "seedream-4-0-250828");
	assert_string_equal(sget(b, "prompt"), "a temple, watercolor style");
	assert_string_equal(sget(b, "size"), "2048x1152");
	assert_int_equal(iget(b, "seed"), 7);
	assert_string_equal(sget(b, "response_format"), "url");
	assert_string_equal(sget(b, "sequential_image_generation"), "disabled");
	assert_true(json_is_false(json_object_get(b, "watermark")));
	/* square on 4.0: the tier itself; style none adds nothing */
	media_job("IMAGE", "seedream", "seedream-4-0-250828", "{\"text\":\"a temple\",\"image\":\"https://x/a.png\"}",
		  "{\"style\":\"none\",\"size\":\"4K\",\"aspectRatio\":\"1:1\"}", &job);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	b = body_of(&call);
	assert_string_equal(sget(b, "size"), "4K");
	assert_string_equal(sget(b, "prompt"), "a temple");
	assert_string_equal(sget(b, "image"), "https://x/a.png");
	/* 3.0: pixel sizes up to 2048, guidance_scale */
	media_job("IMAGE", "seedream", "seedream-3-0-t2i-250415", "{\"text\":\"x\"}",
		  "{\"size\":\"4K\",\"aspectRatio\":\"9:16\",\"guidanceScale\":2.5}", &job);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	b = body_of(&call);
	assert_string_equal(sget(b, "size"), "1152x2048");
	assert_true(json_real_value(json_object_get(b, "guidance_scale")) == 2.5);
	assert_null(json_object_get(b, "sequential_image_generation"));
	media_job("IMAGE", "seedream", "seedream-3-0-t2i-250415", "{\"text\":\"x\",\"image\":\"https://x/a.png\"}", "{}", &job);
	refused(api, &job, "Seedream 3.0 takes no input.image");

	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1,
	       "{\"model\":\"seedream-4-0-250828\",\"created\":1757321139,\"data\":[{\"url\":"
	       "\"https://ark-content-generation-v2-ap-southeast-1.tos.example/x.jpeg?X-Tos-Signature=s\",\"size\":\"2048x2048\"}],"
	       "\"usage\":{\"generated_images\":1}}", &o);
	assert_int_equal(o.kind, PROVIDER_COMPLETED);
	assert_non_null(strstr(o.url, "x.jpeg"));
	struct task_view v;
	task_parse_sync(api, 200, "{\"data\":[{\"b64_json\":\"/9j/4AAQ\"}]}", A, &v);
	assert_int_equal(v.state, TASK_SUCCEEDED);
	assert_null(v.url);
	assert_string_equal(v.data, "/9j/4AAQ");
	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1,
	       "{\"data\":[{\"error\":{\"code\":\"OutputImageSensitiveContentDetected\",\"message\":\"withheld\"}}]}", &o);
	assert_failed(&o, FAULT_REQUEST, "OutputImageSensitiveContentDetected", "withheld");
	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1,
	       "{\"data\":[{\"error\":{\"code\":\"InternalServiceError\",\"message\":\"retry\"}}]}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "InternalServiceError", "could not generate");
	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1, "{\"model\":\"m\",\"data\":[]}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "200", "without a result URL");
	answer(api, TASK_PHASE_SUBMIT, &job, 400, -1,
	       "{\"error\":{\"code\":\"OutputImageSensitiveContentDetected\",\"message\":\"The generated image may contain sensitive information.\"}}", &o);
	assert_failed(&o, FAULT_REQUEST, "400 OutputImageSensitiveContentDetected", "moderation");
	answer(api, TASK_PHASE_SUBMIT, &job, 429, -1,
	       "{\"error\":{\"code\":\"RateLimitExceeded.EndpointIPMExceeded\",\"message\":\"slow down\"}}", &o);
	assert_int_equal(o.kind, PROVIDER_RETRY_LATER);
	answer(api, TASK_PHASE_SUBMIT, &job, 401, -1,
	       "{\"error\":{\"code\":\"AuthenticationError\",\"message\":\"The API key is invalid.\"}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "401 AuthenticationError", "API key or account");
}

/* ---------------------------------------------------------------- ElevenLabs */

static void elevenlabs_sync(void **state)
{
	(void)state;
	const struct task_api *api = &task_api_elevenlabs;
	struct job job;
	struct task_call call;
	struct provider_outcome o;
	/* the seed page's example */
	media_job("AUDIO", "elevenlabs", "eleven_multilingual_v2", "{\"text\":\"Welcome to the future\"}",
		  "{\"voice\":\"rachel\",\"emotion\":\"excited\",\"speed\":1.0,\"stability\":0.5,"
		  "\"similarityBoost\":0.75,\"outputFormat\":\"mp3_44100_128\",\"seed\":7}", &job);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	assert_string_equal(call.path, "/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM?output_format=mp3_44100_128");
	assert_true(has_header(&call, "xi-api-key: k"));
	assert_true(has_header(&call, "Accept: audio/mpeg"));
	assert_false(has_header(&call, "Accept: application/json"));
	json_t *b = body_of(&call);
	assert_string_equal(sget(b, "text"), "Welcome to the future");
	assert_string_equal(sget(b, "model_id"), "eleven_multilingual_v2");
	assert_int_equal(iget(b, "seed"), 7);
	/* excited: expressive style, lower stability */
	assert_true(json_real_value(task_json_path(b, "voice_settings.style")) == 0.8);
	double st = json_real_value(task_json_path(b, "voice_settings.stability"));
	assert_true(st > 0.29 && st < 0.31);
	assert_true(json_real_value(task_json_path(b, "voice_settings.speed")) == 1.0);
	assert_true(json_real_value(task_json_path(b, "voice_settings.similarity_boost")) == 0.75);
	/* input.voice wins; a voice id passes as is; calm steadies */
	media_job("AUDIO", "elevenlabs", "eleven_flash_v2_5", "{\"text\":\"hi\",\"voice\":\"pNInz6obpgDQGcFmaJgB\"}",
		  "{\"voice\":\"rachel\",\"emotion\":\"calm\",\"speed\":0.8}", &job);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	assert_string_equal(call.path, "/v1/text-to-speech/pNInz6obpgDQGcFmaJgB?output_format=mp3_44100_128");
	b = body_of(&call);
	st = json_real_value(task_json_path(b, "voice_settings.stability"));
	assert_true(st > 0.74 && st < 0.76);
	assert_string_equal(sget(b, "model_id"), "eleven_flash_v2_5");
	assert_string_equal(elevenlabs_voice_id("Adam"), "pNInz6obpgDQGcFmaJgB");
	assert_null(elevenlabs_voice_id("professional_female"));
	assert_null(elevenlabs_voice_id("../../v1/voices"));
	media_job("AUDIO", "elevenlabs", "eleven_v3", "{\"text\":\"hi\"}", "{\"voice\":\"nobody\"}", &job);
	refused(api, &job, "no voice 'nobody'");
	media_job("AUDIO", "elevenlabs", "eleven_v3", "{\"text\":\"hi\"}", "{\"outputFormat\":\"pcm_16000\"}", &job);
	refused(api, &job, "MP3");
	media_job("AUDIO", "elevenlabs", "eleven_v3", "{}", "{}", &job);
	refused(api, &job, "needs input.text");

	/* answers (the 2xx body is the audio: the transport stores it; errors are JSON) */
	answer(api, TASK_PHASE_SUBMIT, &job, 422, -1,
	       "{\"detail\":[{\"loc\":[\"body\",\"text\"],\"msg\":\"field required\",\"type\":\"value_error.missing\"}]}", &o);
	assert_failed(&o, FAULT_REQUEST, "422", "field required");
	answer(api, TASK_PHASE_SUBMIT, &job, 401, -1,
	       "{\"detail\":{\"status\":\"invalid_api_key\",\"message\":\"Invalid API key\"}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "401 invalid_api_key", "API key or account");
	answer(api, TASK_PHASE_SUBMIT, &job, 401, -1,
	       "{\"detail\":{\"status\":\"quota_exceeded\",\"message\":\"This request exceeds your quota.\"}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "401 quota_exceeded", NULL);
	answer(api, TASK_PHASE_SUBMIT, &job, 429, 2,
	       "{\"detail\":{\"status\":\"too_many_concurrent_requests\",\"message\":\"busy\"}}", &o);
	assert_int_equal(o.kind, PROVIDER_RETRY_LATER);
	assert_int_equal(o.retry_seconds, 2);
	answer(api, TASK_PHASE_SUBMIT, &job, 400, -1,
	       "{\"detail\":{\"status\":\"content_against_policy\",\"message\":\"The text violates the terms of use policy.\"}}", &o);
	assert_failed(&o, FAULT_REQUEST, "400 content_against_policy", "moderation");
	answer(api, TASK_PHASE_SUBMIT, &job, 500, -1, "<html>oops</html>", &o);
	assert_failed(&o, FAULT_UPSTREAM, "500", NULL);
}

/* ---------------------------------------------------------------- HeyGen */

static void heygen_task(void **state)
{
	(void)state;
	const struct task_api *api = &task_api_heygen;
	struct job job;
	struct task_call call;
	struct provider_outcome o;
	/* the seed page's example */
	media_job("AVATAR", "heygen", "v2", "{\"text\":\"Hello, I'm your AI assistant\",\"voice\":\"professional_female\"}",
		  "{\"avatarId\":\"kate\",\"background\":\"modern_office\",\"gesture\":\"friendly\","
		  "\"avatarStyle\":\"normal\",\"voiceSpeed\":1.1,\"aspectRatio\":\"9:16\",\"resolution\":\"720p\",\"caption\":false}", &job);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	assert_string_equal(call.path, "/v2/video/generate");
	assert_true(has_header(&call, "X-Api-Key: k"));
	json_t *b = body_of(&call);
	assert_string_equal(sget(b, "video_inputs.0.character.type"), "avatar");
	assert_string_equal(sget(b, "video_inputs.0.character.avatar_id"), "kate");
	assert_string_equal(sget(b, "video_inputs.0.voice.type"), "text");
	assert_string_equal(sget(b, "video_inputs.0.voice.input_text"), "Hello, I'm your AI assistant");
	assert_string_equal(sget(b, "video_inputs.0.voice.voice_id"), "professional_female");
	assert_string_equal(sget(b, "video_inputs.0.voice.emotion"), "Friendly");
	assert_true(json_real_value(task_json_path(b, "video_inputs.0.voice.speed")) == 1.1);
	assert_string_equal(sget(b, "video_inputs.0.background.type"), "color");
	assert_non_null(sget(b, "video_inputs.0.background.value"));
	assert_int_equal(iget(b, "dimension.width"), 720);
	assert_int_equal(iget(b, "dimension.height"), 1280);
	assert_string_equal(sget(b, "callback_id"), "gen_m1");
	/* driving audio, an image background */
	media_job("AVATAR", "heygen", "v2", "{\"audio\":\"https://a.example/s.mp3\"}",
		  "{\"background\":\"https://img.example/bg.jpg\",\"resolution\":\"1080p\"}", &job);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	b = body_of(&call);
	assert_string_equal(sget(b, "video_inputs.0.voice.type"), "audio");
	assert_string_equal(sget(b, "video_inputs.0.voice.audio_url"), "https://a.example/s.mp3");
	assert_string_equal(sget(b, "video_inputs.0.background.type"), "image");
	assert_int_equal(iget(b, "dimension.width"), 1920);
	media_job("AVATAR", "heygen", "v2", "{\"text\":\"hi\"}", "{\"background\":\"nowhere\"}", &job);
	refused(api, &job, "background 'nowhere'");
	media_job("AVATAR", "heygen", "v2", "{}", "{}", &job);
	refused(api, &job, "needs input.text");
	build(api, TASK_PHASE_POLL, &job, "4a53ff9a169948", &call);
	assert_string_equal(call.path, "/v1/video_status.get?video_id=4a53ff9a169948");

	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1, "{\"error\":null,\"data\":{\"video_id\":\"4a53ff9a169948\"}}", &o);
	assert_int_equal(o.kind, PROVIDER_SUBMITTED);
	assert_string_equal(o.task_id, "4a53ff9a169948");
	answer(api, TASK_PHASE_POLL, &job, 200, -1, "{\"code\":100,\"data\":{\"id\":\"x\",\"status\":\"waiting\"}}", &o);
	assert_int_equal(o.kind, PROVIDER_RUNNING);
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"code\":100,\"message\":\"Success\",\"data\":{\"id\":\"x\",\"status\":\"completed\","
	       "\"video_url\":\"https://files.heygen.ai/x.mp4?Expires=1\",\"duration\":2}}", &o);
	assert_int_equal(o.kind, PROVIDER_COMPLETED);
	assert_string_equal(o.url, "https://files.heygen.ai/x.mp4?Expires=1");
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"code\":100,\"data\":{\"status\":\"failed\",\"error\":{\"code\":\"MOVIO_RENDER_FAILED\",\"message\":\"Video rendering failed\"}}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "MOVIO_RENDER_FAILED", "rendering failed");
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"code\":100,\"data\":{\"status\":\"failed\",\"error\":{\"code\":\"MOVIO_X\",\"message\":\"The content was rejected by moderation.\"}}}", &o);
	assert_failed(&o, FAULT_REQUEST, "MOVIO_X", "moderation");
	answer(api, TASK_PHASE_SUBMIT, &job, 400, -1,
	       "{\"error\":{\"code\":\"invalid_parameter\",\"message\":\"avatar not found\"},\"data\":null}", &o);
	assert_failed(&o, FAULT_REQUEST, "400 invalid_parameter", "avatar not found");
	answer(api, TASK_PHASE_SUBMIT, &job, 401, -1, "{\"error\":{\"code\":\"invalid_api_key\",\"message\":\"x\"}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "401 invalid_api_key", NULL);
	answer(api, TASK_PHASE_POLL, &job, 503, -1, "{\"error\":{\"code\":\"internal_error\"}}", &o);
	assert_int_equal(o.kind, PROVIDER_RETRY_LATER);
	answer(api, TASK_PHASE_POLL, &job, 200, -1, "{\"code\":100,\"data\":{\"status\":\"exploded\"}}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "exploded", "unknown status");
}

/* ---------------------------------------------------------------- Hedra */

static void hedra_task(void **state)
{
	(void)state;
	const struct task_api *api = &task_api_hedra;
	struct job job;
	struct task_call call;
	struct provider_outcome o;
	media_job("AVATAR", "hedra", "d1dd37a3-e39a-4854-a298-6510289f9cf2",
		  "{\"text\":\"smiling\",\"image\":\"https://x/p.png\",\"audio\":\"https://x/a.mp3\","
		  "\"hedraImageAsset\":\"img-1\",\"hedraAudioAsset\":\"aud-2\"}",
		  "{\"resolution\":\"540p\",\"aspectRatio\":\"9:16\",\"duration\":12,\"seed\":9}", &job);
	build(api, TASK_PHASE_SUBMIT, &job, NULL, &call);
	assert_string_equal(call.path, "/generations");
	assert_true(has_header(&call, "x-api-key: k"));
	json_t *b = body_of(&call);
	assert_string_equal(sget(b, "type"), "video");
	assert_string_equal(sget(b, "ai_model_id"), "d1dd37a3-e39a-4854-a298-6510289f9cf2");
	assert_string_equal(sget(b, "start_keyframe_id"), "img-1");
	assert_string_equal(sget(b, "audio_id"), "aud-2");
	assert_string_equal(sget(b, "generated_video_inputs.text_prompt"), "smiling");
	assert_string_equal(sget(b, "generated_video_inputs.resolution"), "540p");
	assert_string_equal(sget(b, "generated_video_inputs.aspect_ratio"), "9:16");
	assert_int_equal(iget(b, "generated_video_inputs.duration_ms"), 12000);
	assert_int_equal(iget(b, "generated_video_inputs.seed"), 9);
	media_job("AVATAR", "hedra", "x", "{\"image\":\"https://x/p.png\"}", "{}", &job);
	refused(api, &job, "uploaded first");
	build(api, TASK_PHASE_POLL, &job, "gen-77", &call);
	assert_string_equal(call.path, "/generations/gen-77/status");

	answer(api, TASK_PHASE_SUBMIT, &job, 200, -1, "{\"id\":\"gen-77\",\"status\":\"queued\"}", &o);
	assert_int_equal(o.kind, PROVIDER_SUBMITTED);
	answer(api, TASK_PHASE_POLL, &job, 200, -1, "{\"id\":\"gen-77\",\"status\":\"processing\"}", &o);
	assert_int_equal(o.kind, PROVIDER_RUNNING);
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"id\":\"gen-77\",\"status\":\"complete\",\"url\":null,"
	       "\"download_url\":\"https://cdn.hedra.com/x.mp4?sig=s\",\"asset_id\":\"a\"}", &o);
	assert_int_equal(o.kind, PROVIDER_COMPLETED);
	assert_string_equal(o.url, "https://cdn.hedra.com/x.mp4?sig=s");
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"id\":\"gen-77\",\"status\":\"error\",\"error_message\":\"Face not detected in the image\"}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "error", "Face not detected");
	answer(api, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"status\":\"error\",\"error_message\":\"Blocked by the moderation policy\"}", &o);
	assert_failed(&o, FAULT_REQUEST, "error", "moderation");
	answer(api, TASK_PHASE_SUBMIT, &job, 422, -1, "{\"detail\":\"audio_id must name an uploaded audio asset\"}", &o);
	assert_failed(&o, FAULT_REQUEST, "422", "audio_id");
	answer(api, TASK_PHASE_SUBMIT, &job, 401, -1, "{\"detail\":\"Invalid API key\"}", &o);
	assert_failed(&o, FAULT_UPSTREAM, "401", "API key or account");
}

/* ---------------------------------------------------------------- routes */

static void routed_media(void **state)
{
	(void)state;
	struct job job;
	struct task_call call;
	struct provider_outcome o;
	/* an image model keeps its id even with an image (no video sibling) */
	job_from("{\"id\":\"gen_r1\",\"type\":\"IMAGE\",\"provider\":\"flux-kontext\",\"adapter\":\"flux-kontext\","
		 "\"route\":\"fal\",\"falModel\":\"fal-ai/flux-pro/kontext\",\"input\":{\"text\":\"snow\","
		 "\"image\":\"https://img.example/a.jpg\"},\"effectiveOptions\":{\"aspectRatio\":\"1:1\","
		 "\"outputFormat\":\"png\",\"safetyTolerance\":2}}", &job);
	const struct task_api *fal = task_route_api(&task_api_bfl, &job);
	assert_ptr_equal(fal, &task_api_fal);
	build(fal, TASK_PHASE_SUBMIT, &job, NULL, &call);
	assert_string_equal(call.path, "/fal-ai/flux-pro/kontext");
	json_t *b = body_of(&call);
	assert_string_equal(sget(b, "image_url"), "https://img.example/a.jpg");
	assert_string_equal(sget(b, "output_format"), "png");
	assert_int_equal(iget(b, "safety_tolerance"), 2);
	build(fal, TASK_PHASE_RESULT, &job, "req1", &call);
	assert_string_equal(call.path, "/fal-ai/flux-pro/requests/req1");
	answer(fal, TASK_PHASE_RESULT, &job, 200, -1,
	       "{\"images\":[{\"url\":\"https://v3.fal.media/files/x.png\",\"width\":1024,\"height\":1024,"
	       "\"content_type\":\"image/png\"}],\"seed\":42}", &o);
	assert_int_equal(o.kind, PROVIDER_COMPLETED);
	assert_string_equal(o.url, "https://v3.fal.media/files/x.png");
	/* speech: the text goes as "text", the voice along; audio.url */
	job_from("{\"id\":\"gen_r2\",\"type\":\"AUDIO\",\"provider\":\"elevenlabs\",\"adapter\":\"elevenlabs\","
		 "\"route\":\"fal\",\"falModel\":\"fal-ai/elevenlabs/tts/multilingual-v2\",\"input\":{\"text\":\"hello\"},"
		 "\"effectiveOptions\":{\"voice\":\"rachel\",\"speed\":1.0}}", &job);
	fal = task_route_api(&task_api_elevenlabs, &job);
	build(fal, TASK_PHASE_SUBMIT, &job, NULL, &call);
	b = body_of(&call);
	assert_string_equal(sget(b, "text"), "hello");
	assert_null(json_object_get(b, "prompt"));
	assert_string_equal(sget(b, "voice"), "rachel");
	answer(fal, TASK_PHASE_RESULT, &job, 200, -1, "{\"audio\":{\"url\":\"https://v3.fal.media/files/a.mp3\"}}", &o);
	assert_string_equal(o.url, "https://v3.fal.media/files/a.mp3");
	/* FLUX Krea's quality tier as steps */
	job_from("{\"id\":\"gen_r3\",\"type\":\"IMAGE\",\"provider\":\"flux-krea\",\"adapter\":\"flux-krea\","
		 "\"route\":\"fal\",\"falModel\":\"fal-ai/flux/krea\",\"input\":{\"text\":\"a cat\"},"
		 "\"effectiveOptions\":{\"quality\":\"high\",\"aspectRatio\":\"16:9\",\"seed\":5}}", &job);
	build(task_route_api(&task_api_bfl, &job), TASK_PHASE_SUBMIT, &job, NULL, &call);
	b = body_of(&call);
	assert_string_equal(call.path, "/fal-ai/flux/krea");
	assert_int_equal(iget(b, "num_inference_steps"), 50);
	assert_int_equal(iget(b, "seed"), 5);
	/* Replicate: an image prediction's output */
	job_from("{\"id\":\"gen_r4\",\"type\":\"IMAGE\",\"provider\":\"flux-ultra\",\"adapter\":\"flux-ultra\","
		 "\"route\":\"replicate\",\"replicateModel\":\"black-forest-labs/flux-1.1-pro-ultra\","
		 "\"input\":{\"text\":\"x\",\"image\":\"https://img.example/p.png\"},\"effectiveOptions\":{}}", &job);
	const struct task_api *rep = task_route_api(&task_api_bfl, &job);
	build(rep, TASK_PHASE_SUBMIT, &job, NULL, &call);
	assert_string_equal(call.path, "/models/black-forest-labs/flux-1.1-pro-ultra/predictions");
	assert_string_equal(sget(body_of(&call), "input.image_prompt"), "https://img.example/p.png");
	answer(rep, TASK_PHASE_POLL, &job, 200, -1,
	       "{\"id\":\"p1\",\"status\":\"succeeded\",\"output\":\"https://replicate.delivery/x/out.jpg\"}", &o);
	assert_string_equal(o.url, "https://replicate.delivery/x/out.jpg");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bfl_requests),
		cmocka_unit_test(bfl_answers),
		cmocka_unit_test(imagen_sync),
		cmocka_unit_test(seedream_sync),
		cmocka_unit_test(elevenlabs_sync),
		cmocka_unit_test(heygen_task),
		cmocka_unit_test(hedra_task),
		cmocka_unit_test(routed_media),
	};
	return cmocka_run_group_tests(tests, task_setup, task_teardown);
}
