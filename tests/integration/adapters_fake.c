/*
 * adapters_fake.c - every video adapter and route end to end against
 * tests/fakes/upstream.mjs (started here on 127.0.0.1, port 0) through the
 * real outbound client: submit -> poll -> complete with the file stored in a
 * temporary media directory and its metadata read back; the request shapes
 * the fake recorded; and each failure kind: 503 -> FAULT_UPSTREAM, 429 ->
 * RETRY_LATER, moderation -> FAULT_REQUEST, timeout-after-accept ->
 * SUBMIT_UNKNOWN then Kling's reconcile finds the task, hang/reset, a
 * refused connection, a missing or wrong key, an expired or non-video
 * result; MiniMax's files/retrieve step and its 200-with-base_resp errors;
 * DashScope's async header and its UNKNOWN (expired) tasks; Veo's operation
 * names, its done/error/response shapes and the keyed file download that
 * redirects to storage (the key stays behind); Veo on Vertex AI (route
 * vertex: the OAuth2 token from the fake's service-account key, cached,
 * fetchPredictOperation, the inline video and a gs:// one, a refused or
 * failing token endpoint, no key file);
 * Seedance (BytePlus Ark) and Vidu on their own APIs, and the aggregator
 * routes: MiniMax through fal's queue (202 status polls, the result step)
 * and Luma through Replicate's predictions, with the aggregators' keys.
 * The fake, its keys and its control API are fake_fixture.c's (shared with
 * adapters_media.c). Bounded: calls time out after 1.5 s.
 * Run by tests/integration/adapters_fake.sh (needs node 20).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/arena.h"
#include "common/config.h"
#include "outbound/http.h"
#include "providers/provider.h"
#include "providers/task_api.h"
#include "providers/task_run.h"
#include "providers/vertex_auth.h"
#include "fake_fixture.h"

/* ---------------------------------------------------------------- the fake: fake_fixture.c */

/* ---------------------------------------------------------------- jobs */

static const char *base_for(const char *provider)
{
	if (!strcmp(provider, "luma"))
		return arena_printf(A, "http://127.0.0.1:%d/dream-machine/v1", fake_port);
	if (!strcmp(provider, "wan"))
		return arena_printf(A, "http://127.0.0.1:%d/api/v1", fake_port);
	if (!strcmp(provider, "veo"))
		return arena_printf(A, "http://127.0.0.1:%d/v1beta", fake_port);
	if (!strcmp(provider, "seedance"))
		return arena_printf(A, "http://127.0.0.1:%d/api/v3", fake_port);
	if (!strcmp(provider, "vidu"))
		return arena_printf(A, "http://127.0.0.1:%d/ent/v2", fake_port);
	return arena_printf(A, "http://127.0.0.1:%d", fake_port);
}

/* A claimed job for provider with id, extra JSON members (may be ""). */
static void job_for(const char *provider, const char *id, const char *key_env, const char *extra,
		    struct job *job)
{
	const char *model = !strcmp(provider, "luma") ? "ray-2"
			    : !strcmp(provider, "runway") ? "gen4_turbo"
			    : !strcmp(provider, "minimax") ? "MiniMax-Hailuo-02"
			    : !strcmp(provider, "wan") ? "wan2.2-t2v-plus"
			    : !strcmp(provider, "veo") ? "veo-3.0-generate-001"
			    : !strcmp(provider, "seedance") ? "seedance-1-0-pro-250528"
			    : !strcmp(provider, "vidu") ? "vidu2.0"
			    : "kling-v1-6";
	const char *opts = !strcmp(provider, "minimax")
			   ? "{\"duration\":\"6\",\"resolution\":\"768p\",\"promptOptimizer\":false}"
			   : !strcmp(provider, "wan")
			   ? "{\"duration\":\"5\",\"resolution\":\"480p\",\"promptExtend\":false,\"seed\":42}"
			   : !strcmp(provider, "veo")
			   ? "{\"duration\":\"8\",\"aspectRatio\":\"16:9\",\"resolution\":\"720p\",\"enhancePrompt\":true}"
			   : !strcmp(provider, "seedance")
			   ? "{\"duration\":5,\"resolution\":\"720p\",\"aspectRatio\":\"16:9\",\"seed\":42,\"cameraFixed\":false}"
			   : !strcmp(provider, "vidu")
			   ? "{\"duration\":\"4\",\"resolution\":\"720p\",\"aspectRatio\":\"16:9\",\"movementAmplitude\":\"auto\"}"
			   : "{\"duration\":\"5\",\"aspectRatio\":\"16:9\"}";
	const char *text = arena_printf(
		A, "{\"id\":\"%s\",\"type\":\"VIDEO\",\"provider\":\"%s\",\"adapter\":\"%s\","
		   "\"upstreamModel\":\"%s\",\"baseUrl\":\"%s\",\"keyEnv\":\"%s\",\"status\":\"PENDING\","
		   "\"pollInterval\":5,\"input\":{\"text\":\"a red fox\",\"image\":\"%s\"},"
		   "\"effectiveOptions\":%s%s%s}",
		id, provider, provider, model, base_for(provider), key_env,
		/* the Gemini API takes images inline only */
		!strcmp(provider, "veo") ? "data:image/png;base64,iVBORw0KGgo=" : "https://img.example/fox.png",
		opts, *extra ? "," : "", extra);
	json_t *j = json_loads(text, 0, NULL);
	assert_non_null(j);
	arena_defer(A, (void (*)(void *))json_decref, j);
	assert_true(provider_job_decode(j, job));
}

static const char *key_env(const char *provider)
{
	return !strcmp(provider, "luma") ? "DOITONG_FAKE_LUMA"
	       : !strcmp(provider, "runway") ? "DOITONG_FAKE_RUNWAY"
	       : !strcmp(provider, "minimax") ? "DOITONG_FAKE_MINIMAX"
	       : !strcmp(provider, "wan") ? "DOITONG_FAKE_WAN"
	       : !strcmp(provider, "veo") ? "DOITONG_FAKE_VEO"
	       : !strcmp(provider, "seedance") ? "DOITONG_FAKE_SEEDANCE"
	       : !strcmp(provider, "vidu") ? "DOITONG_FAKE_VIDU" : "DOITONG_FAKE_KLING";
}

/* The provider each aggregator runs in these tests, and its model id. */
#define FAL_PROVIDER "minimax"
#define FAL_MODEL "fal-ai/minimax/hailuo-02/standard/text-to-video"
#define REPLICATE_PROVIDER "luma"
#define REPLICATE_MODEL "luma/ray"

/* A job of `name`: a provider, or "fal"/"replicate" for the provider routed
 * through that aggregator (its vendor key env is never read). */
static void job_named(const char *name, const char *id, const char *key, const char *extra,
		      struct job *job)
{
	if (!strcmp(name, "fal"))
		job_for(FAL_PROVIDER, id, key, arena_printf(A, "\"route\":\"fal\",\"falModel\":\"%s\"%s%s",
							     FAL_MODEL, *extra ? "," : "", extra), job);
	else if (!strcmp(name, "replicate"))
		job_for(REPLICATE_PROVIDER, id, key,
			arena_printf(A, "\"route\":\"replicate\",\"replicateModel\":\"%s\"%s%s",
				     REPLICATE_MODEL, *extra ? "," : "", extra), job);
	else if (!strcmp(name, "vertex"))
		job_for("veo", id, key, arena_printf(A, "\"route\":\"vertex\"%s%s", *extra ? "," : "", extra),
			job);
	else
		job_for(name, id, key, extra, job);
}

static const char *adapter_of(const char *name)
{
	return !strcmp(name, "fal") ? FAL_PROVIDER : !strcmp(name, "replicate") ? REPLICATE_PROVIDER
		: !strcmp(name, "vertex") ? "veo" : name;
}

/* The aggregator's own key variable, or NULL for a vendor. */
static const char *route_key_env(const char *name)
{
	return !strcmp(name, "fal") ? "DOITONG_FAL_KEY"
	       : !strcmp(name, "replicate") ? "DOITONG_REPLICATE_KEY" : NULL;
}

/* ---------------------------------------------------------------- tests */

/* submit -> running -> completed, with the stored file and metadata. */
/* Submits job and moves it on as the scheduler does after a submit: the
 * upstream's task id recorded, status PROCESSING; the next call is a poll. */
static void submitted(const struct provider_adapter *ad, struct job *job, struct provider_outcome *o)
{
	ad->submit(job, &ctx, o);
	if (o->kind != PROVIDER_SUBMITTED)
		fail_msg("%s submit: %s %s", job->id, provider_outcome_name(o->kind), o->message ? o->message : "");
	assert_non_null(o->task_id);
	job->upstream_task_id = o->task_id;
	job->status = JOB_PROCESSING;
}

static void happy_path(const char *provider)
{
	const struct provider_adapter *ad = provider_find(adapter_of(provider));
	assert_non_null(ad);
	script(arena_printf(A, "{\"provider\":\"%s\",\"pollsUntilDone\":2}", provider));
	struct job job;
	const char *id = arena_printf(A, "gen_%s_ok", provider);
	/* a routed job's vendor key is wrong on purpose: never read */
	job_named(provider, id, route_key_env(provider) ? "DOITONG_FAKE_WRONG" : key_env(provider), "",
		  &job);
	struct provider_outcome o;
	if (!strcmp(provider, "vertex"))
		vertex_token_forget();  /* the first request is the token exchange */
	submitted(ad, &job, &o);

	ad->poll(&job, &ctx, &o);
	assert_int_equal(o.kind, PROVIDER_RUNNING);
	assert_int_equal(o.next_poll_seconds, 5);
	ad->poll(&job, &ctx, &o);
	if (o.kind != PROVIDER_COMPLETED)
		fail_msg("%s poll: %s %s", provider, provider_outcome_name(o.kind),
			 o.message ? o.message : "");
	assert_string_equal(o.url, arena_printf(A, "http://127.0.0.1:8480/media/%s.mp4", id));
	assert_string_equal(o.path, arena_printf(A, "%s/%s.mp4", media, id));
	struct stat st, sample;
	assert_int_equal(stat(o.path, &st), 0);
	assert_int_equal(stat(SRCDIR "/share/samples/sample-video.mp4", &sample), 0);
	assert_int_equal(st.st_size, sample.st_size);
	json_t *m = o.metadata;
	assert_int_equal(json_integer_value(json_object_get(m, "width")), 320);
	assert_int_equal(json_integer_value(json_object_get(m, "height")), 180);
	assert_true(json_real_value(json_object_get(m, "duration")) == 2.0);
	assert_true(json_real_value(json_object_get(m, "fps")) == 24.0);
	assert_string_equal(json_string_value(json_object_get(m, "format")), "mp4");
	assert_string_equal(json_string_value(json_object_get(m, "resolution")), "180p");
	assert_int_equal(json_integer_value(json_object_get(m, "sizeBytes")), st.st_size);
	unlink(o.path);

	json_t *s = stats();
	assert_int_equal(json_integer_value(json_object_get(json_object_get(s, "submissions"), provider)), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(s, "polls"), provider)), 2);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(s, "unauthorized"), provider)), 0);
	/* The submit as the upstream saw it. */
	json_t *r = json_array_get(json_object_get(s, "requests"), !strcmp(provider, "vertex") ? 1 : 0);
	json_t *h = json_object_get(r, "headers"), *b = json_object_get(r, "body");
	assert_string_equal(json_string_value(json_object_get(r, "method")), "POST");
	if (!strcmp(provider, "veo")) {
		assert_null(json_object_get(h, "authorization"));
		assert_string_equal(json_string_value(json_object_get(h, "x-goog-api-key")), "<redacted>");
	} else if (!strcmp(provider, "vidu")) {
		assert_string_equal(json_string_value(json_object_get(h, "authorization")), "Token <redacted>");
	} else if (!strcmp(provider, "fal")) {
		assert_string_equal(json_string_value(json_object_get(h, "authorization")), "Key <redacted>");
	} else {
		assert_string_equal(json_string_value(json_object_get(h, "authorization")), "Bearer <redacted>");
	}
	assert_string_equal(json_string_value(json_object_get(h, "content-type")), "application/json");
	if (!strcmp(provider, "luma")) {
		assert_string_equal(json_string_value(json_object_get(r, "path")),
				    "/dream-machine/v1/generations/video");
		assert_string_equal(json_string_value(json_object_get(b, "model")), "ray-2");
		assert_string_equal(json_string_value(json_object_get(b, "duration")), "5s");
		assert_string_equal(json_string_value(json_object_get(b, "aspect_ratio")), "16:9");
	} else if (!strcmp(provider, "runway")) {
		assert_string_equal(json_string_value(json_object_get(r, "path")), "/v1/image_to_video");
		assert_string_equal(json_string_value(json_object_get(h, "x-runway-version")), "2024-11-06");
		assert_string_equal(json_string_value(json_object_get(b, "ratio")), "1280:720");
		assert_int_equal(json_integer_value(json_object_get(b, "duration")), 5);
	} else if (!strcmp(provider, "minimax")) {
		assert_string_equal(json_string_value(json_object_get(r, "path")), "/v1/video_generation");
		assert_string_equal(json_string_value(json_object_get(b, "model")), "MiniMax-Hailuo-02");
		assert_string_equal(json_string_value(json_object_get(b, "prompt")), "a red fox");
		assert_string_equal(json_string_value(json_object_get(b, "first_frame_image")),
				    "https://img.example/fox.png");
		assert_int_equal(json_integer_value(json_object_get(b, "duration")), 6);
		assert_string_equal(json_string_value(json_object_get(b, "resolution")), "768P");
		assert_true(json_is_false(json_object_get(b, "prompt_optimizer")));
		/* poll, poll, then the result step with the file id */
		json_t *reqs = json_object_get(s, "requests");
		assert_int_equal(json_array_size(reqs), 4);
		assert_string_equal(json_string_value(json_object_get(json_array_get(reqs, 1), "path")),
				    arena_printf(A, "/v1/query/video_generation?task_id=%s",
						 job.upstream_task_id));
		const char *rp = json_string_value(json_object_get(json_array_get(reqs, 3), "path"));
		assert_int_equal(strncmp(rp, "/v1/files/retrieve?file_id=", 27), 0);
		assert_int_equal(json_integer_value(json_object_get(json_object_get(s, "results"),
								    "minimax")), 1);
	} else if (!strcmp(provider, "veo")) {
		assert_string_equal(json_string_value(json_object_get(r, "path")),
				    "/v1beta/models/veo-3.0-generate-001:predictLongRunning");
		assert_string_equal(json_string_value(task_json_path(b, "instances.0.prompt")), "a red fox");
		assert_string_equal(json_string_value(task_json_path(b, "instances.0.image.mimeType")),
				    "image/png");
		assert_string_equal(json_string_value(task_json_path(b, "instances.0.image.bytesBase64Encoded")),
				    "iVBORw0KGgo=");
		assert_string_equal(json_string_value(task_json_path(b, "parameters.aspectRatio")), "16:9");
		assert_int_equal(json_integer_value(task_json_path(b, "parameters.durationSeconds")), 8);
		assert_string_equal(json_string_value(task_json_path(b, "parameters.resolution")), "720p");
		/* the operation name is the task id, polled as GET /v1beta/{name} */
		assert_int_equal(strncmp(job.upstream_task_id, "models/veo-3.0-generate-001/operations/", 39), 0);
		json_t *reqs = json_object_get(s, "requests");
		assert_int_equal(json_array_size(reqs), 5);
		assert_string_equal(json_string_value(json_object_get(json_array_get(reqs, 1), "path")),
				    arena_printf(A, "/v1beta/%s", job.upstream_task_id));
		/* the file download carried the key... */
		json_t *dl = json_array_get(reqs, 3);
		assert_int_equal(strncmp(json_string_value(json_object_get(dl, "path")), "/v1beta/files/", 14), 0);
		assert_string_equal(json_string_value(json_object_get(json_object_get(dl, "headers"),
								      "x-goog-api-key")), "<redacted>");
		/* ...and its redirect to storage on another host did not */
		json_t *blob = json_array_get(reqs, 4);
		assert_int_equal(strncmp(json_string_value(json_object_get(blob, "path")), "/blob/ok-", 9), 0);
		json_t *bh = json_object_get(blob, "headers");
		assert_null(json_object_get(bh, "x-goog-api-key"));
		assert_string_equal(json_string_value(json_object_get(bh, "host")),
				    arena_printf(A, "localhost:%d", fake_port));
	} else if (!strcmp(provider, "vertex")) {
		/* token, submit, poll, poll: one token serves all three calls */
		json_t *reqs = json_object_get(s, "requests");
		assert_int_equal(json_array_size(reqs), 4);
		json_t *tok = json_array_get(reqs, 0);
		assert_string_equal(json_string_value(json_object_get(tok, "path")), "/token");
		assert_string_equal(json_string_value(json_object_get(json_object_get(tok, "headers"),
								      "content-type")),
				    "application/x-www-form-urlencoded");
		assert_int_equal(json_integer_value(json_object_get(s, "tokens")), 1);
		const char *model = "/vertex/v1/projects/fake-project/locations/us-central1/publishers/"
				    "google/models/veo-3.0-generate-001";
		assert_string_equal(json_string_value(json_object_get(r, "path")),
				    arena_printf(A, "%s:predictLongRunning", model));
		assert_string_equal(json_string_value(task_json_path(b, "instances.0.prompt")), "a red fox");
		assert_string_equal(json_string_value(task_json_path(b, "instances.0.image.bytesBase64Encoded")),
				    "iVBORw0KGgo=");
		assert_int_equal(json_integer_value(task_json_path(b, "parameters.sampleCount")), 1);
		assert_int_equal(json_integer_value(task_json_path(b, "parameters.durationSeconds")), 8);
		assert_int_equal(strncmp(job.upstream_task_id,
					 "projects/fake-project/locations/us-central1/publishers/google/models/"
					 "veo-3.0-generate-001/operations/", 101), 0);
		json_t *poll = json_array_get(reqs, 2);
		assert_string_equal(json_string_value(json_object_get(poll, "method")), "POST");
		assert_string_equal(json_string_value(json_object_get(poll, "path")),
				    arena_printf(A, "%s:fetchPredictOperation", model));
		assert_string_equal(json_string_value(task_json_path(poll, "body.operationName")),
				    job.upstream_task_id);
		assert_string_equal(json_string_value(task_json_path(poll, "headers.authorization")),
				    "Bearer <redacted>");
		assert_int_equal(stat_of("submissions", "veo"), 0);
	} else if (!strcmp(provider, "seedance")) {
		assert_string_equal(json_string_value(json_object_get(r, "path")),
				    "/api/v3/contents/generations/tasks");
		assert_string_equal(json_string_value(json_object_get(b, "model")), "seedance-1-0-pro-250528");
		assert_string_equal(json_string_value(task_json_path(b, "content.0.type")), "text");
		assert_string_equal(json_string_value(task_json_path(b, "content.0.text")),
				    "a red fox --rs 720p --rt 16:9 --dur 5 --seed 42 --cf false");
		assert_string_equal(json_string_value(task_json_path(b, "content.1.image_url.url")),
				    "https://img.example/fox.png");
		assert_string_equal(json_string_value(task_json_path(b, "content.1.role")), "first_frame");
		json_t *poll = json_array_get(json_object_get(s, "requests"), 1);
		assert_string_equal(json_string_value(json_object_get(poll, "path")),
				    arena_printf(A, "/api/v3/contents/generations/tasks/%s", job.upstream_task_id));
	} else if (!strcmp(provider, "vidu")) {
		assert_string_equal(json_string_value(json_object_get(r, "path")), "/ent/v2/img2video");
		assert_string_equal(json_string_value(json_object_get(b, "model")), "vidu2.0");
		assert_string_equal(json_string_value(task_json_path(b, "images.0")), "https://img.example/fox.png");
		assert_int_equal(json_integer_value(json_object_get(b, "duration")), 4);
		assert_string_equal(json_string_value(json_object_get(b, "resolution")), "720p");
		assert_string_equal(json_string_value(json_object_get(b, "movement_amplitude")), "auto");
		assert_null(json_object_get(b, "aspect_ratio"));  /* text2video only */
		json_t *poll = json_array_get(json_object_get(s, "requests"), 1);
		assert_string_equal(json_string_value(json_object_get(poll, "path")),
				    arena_printf(A, "/ent/v2/tasks/%s/creations", job.upstream_task_id));
	} else if (!strcmp(provider, "fal")) {
		/* with an image, the model's image-to-video sibling */
		assert_string_equal(json_string_value(json_object_get(r, "path")),
				    "/fal-ai/minimax/hailuo-02/standard/image-to-video");
		assert_string_equal(json_string_value(json_object_get(b, "prompt")), "a red fox");
		assert_string_equal(json_string_value(json_object_get(b, "image_url")),
				    "https://img.example/fox.png");
		assert_string_equal(json_string_value(json_object_get(b, "duration")), "6");
		assert_true(json_is_false(json_object_get(b, "prompt_optimizer")));
		/* status polls on owner/app only, then the result step */
		json_t *reqs = json_object_get(s, "requests");
		assert_int_equal(json_array_size(reqs), 4);
		const char *sp = arena_printf(A, "/fal-ai/minimax/requests/%s", job.upstream_task_id);
		assert_string_equal(json_string_value(json_object_get(json_array_get(reqs, 1), "path")),
				    arena_printf(A, "%s/status", sp));
		assert_string_equal(json_string_value(json_object_get(json_array_get(reqs, 3), "path")), sp);
		assert_int_equal(json_integer_value(json_object_get(json_object_get(s, "results"), "fal")), 1);
		assert_int_equal(stat_of("submissions", "minimax"), 0);
	} else if (!strcmp(provider, "replicate")) {
		assert_string_equal(json_string_value(json_object_get(r, "path")), "/v1/models/luma/ray/predictions");
		assert_string_equal(json_string_value(task_json_path(b, "input.prompt")), "a red fox");
		assert_string_equal(json_string_value(task_json_path(b, "input.start_image_url")),
				    "https://img.example/fox.png");
		assert_int_equal(json_integer_value(task_json_path(b, "input.duration")), 5);
		assert_string_equal(json_string_value(task_json_path(b, "input.aspect_ratio")), "16:9");
		json_t *poll = json_array_get(json_object_get(s, "requests"), 1);
		assert_string_equal(json_string_value(json_object_get(poll, "path")),
				    arena_printf(A, "/v1/predictions/%s", job.upstream_task_id));
		assert_int_equal(stat_of("submissions", "luma"), 0);
	} else if (!strcmp(provider, "wan")) {
		assert_string_equal(json_string_value(json_object_get(r, "path")),
				    "/api/v1/services/aigc/video-generation/video-synthesis");
		assert_string_equal(json_string_value(json_object_get(h, "x-dashscope-async")), "enable");
		/* with an image the t2v model's i2v sibling runs */
		assert_string_equal(json_string_value(json_object_get(b, "model")), "wan2.2-i2v-plus");
		assert_string_equal(json_string_value(task_json_path(b, "input.prompt")), "a red fox");
		assert_string_equal(json_string_value(task_json_path(b, "input.img_url")),
				    "https://img.example/fox.png");
		assert_string_equal(json_string_value(task_json_path(b, "parameters.resolution")), "480P");
		assert_int_equal(json_integer_value(task_json_path(b, "parameters.duration")), 5);
		assert_int_equal(json_integer_value(task_json_path(b, "parameters.seed")), 42);
		assert_true(json_is_false(task_json_path(b, "parameters.prompt_extend")));
		json_t *poll = json_array_get(json_object_get(s, "requests"), 1);
		assert_string_equal(json_string_value(json_object_get(poll, "path")),
				    arena_printf(A, "/api/v1/tasks/%s", job.upstream_task_id));
		assert_null(json_object_get(json_object_get(poll, "headers"), "x-dashscope-async"));
	} else {
		assert_string_equal(json_string_value(json_object_get(r, "path")), "/v1/videos/image2video");
		assert_string_equal(json_string_value(json_object_get(b, "external_task_id")), id);
		assert_string_equal(json_string_value(json_object_get(b, "duration")), "5");
		assert_int_equal(json_integer_value(json_object_get(json_object_get(s, "byExternalId"), id)), 1);
	}
}

static void luma_ok(void **state) { (void)state; happy_path("luma"); }
static void runway_ok(void **state) { (void)state; happy_path("runway"); }
static void kling_ok(void **state) { (void)state; happy_path("kling"); }
static void minimax_ok(void **state) { (void)state; happy_path("minimax"); }
static void wan_ok(void **state) { (void)state; happy_path("wan"); }
static void veo_ok(void **state) { (void)state; happy_path("veo"); }
static void vertex_ok(void **state) { (void)state; happy_path("vertex"); }

/* Vertex AI's other result form: a gs:// object (when an output bucket was
 * asked for), downloaded from Cloud Storage with the same Bearer token. */
static void vertex_gcs_result(void **state)
{
	(void)state;
	const struct provider_adapter *ad = provider_find("veo");
	struct job job;
	struct provider_outcome o;
	script("{\"provider\":\"vertex\",\"result\":\"gcs\"}");
	job_named("vertex", "gen_vgcs", "DOITONG_FAKE_NONE", "", &job);
	submitted(ad, &job, &o);
	ad->poll(&job, &ctx, &o);
	if (o.kind != PROVIDER_COMPLETED)
		fail_msg("vertex gcs: %s %s", provider_outcome_name(o.kind), o.message ? o.message : "");
	assert_string_equal(o.path, arena_printf(A, "%s/gen_vgcs.mp4", media));
	assert_int_equal(json_integer_value(json_object_get(o.metadata, "width")), 320);
	unlink(o.path);
	json_t *reqs = json_object_get(stats(), "requests");
	json_t *dl = json_array_get(reqs, json_array_size(reqs) - 1);
	const char *op = strrchr(job.upstream_task_id, '/') + 1;
	assert_string_equal(json_string_value(json_object_get(dl, "path")),
			    arena_printf(A, "/storage/fake-bucket/%s/sample_0.mp4", op));
	assert_string_equal(json_string_value(task_json_path(dl, "headers.authorization")),
			    "Bearer <redacted>");
}
/* media_pass_through: the upstream's own URL is the result, nothing is
 * downloaded or stored; a result behind the API key (Gemini's files) is
 * stored all the same. */
static void pass_through(void **state)
{
	(void)state;
	const struct provider_adapter *ad = provider_find("luma");
	struct job job;
	struct provider_outcome o;
	cfg.media_pass_through = true;
	script("{\"provider\":\"luma\",\"pollsUntilDone\":1}");
	job_named("luma", "gen_pass", key_env("luma"), "", &job);
	submitted(ad, &job, &o);
	ad->poll(&job, &ctx, &o);
	assert_int_equal(o.kind, PROVIDER_COMPLETED);
	assert_null(o.path);
	assert_string_equal(o.url, arena_printf(A, "http://127.0.0.1:%d/files/sample-video.mp4?token=t0k3n", fake_port));
	struct stat st;
	assert_int_not_equal(stat(arena_printf(A, "%s/gen_pass.mp4", media), &st), 0);

	const struct provider_adapter *veo = provider_find("veo");
	script("{\"provider\":\"veo\",\"pollsUntilDone\":1}");
	job_named("veo", "gen_pass_veo", key_env("veo"), "", &job);
	submitted(veo, &job, &o);
	veo->poll(&job, &ctx, &o);
	cfg.media_pass_through = false;
	if (o.kind != PROVIDER_COMPLETED)
		fail_msg("veo pass-through: %s %s", provider_outcome_name(o.kind), o.message ? o.message : "");
	assert_string_equal(o.path, arena_printf(A, "%s/gen_pass_veo.mp4", media));
	unlink(o.path);
}
static void seedance_ok(void **state) { (void)state; happy_path("seedance"); }
static void vidu_ok(void **state) { (void)state; happy_path("vidu"); }
static void fal_ok(void **state) { (void)state; happy_path("fal"); }
static void replicate_ok(void **state) { (void)state; happy_path("replicate"); }

/* Veo refuses an image URL before any request (the Gemini API takes images
 * inline only), and its file download is refused without the key. */
static void veo_inline_image_and_keyed_file(void **state)
{
	(void)state;
	const struct provider_adapter *ad = provider_find("veo");
	struct job job;
	struct provider_outcome o;
	script("{\"provider\":\"veo\"}");
	job_for("veo", "gen_v_url", "DOITONG_FAKE_VEO", "", &job);
	json_object_set_new(job.input, "image", json_string("https://img.example/fox.png"));
	ad->submit(&job, &ctx, &o);
	expect_failed(&o, FAULT_REQUEST, "refused");
	assert_non_null(strstr(o.message, "data: URI"));
	assert_int_equal(json_array_size(json_object_get(stats(), "requests")), 0);

	/* the result URI without the key: what download.c would meet without
	 * the auth header */
	job_for("veo", "gen_v_file", "DOITONG_FAKE_VEO", "", &job);
	ad->submit(&job, &ctx, &o);
	job.upstream_task_id = o.task_id;
	const char *keyed[] = { "x-goog-api-key: veo-test-key", NULL };
	struct http_request req = {
		.method = "GET",
		.url = arena_printf(A, "http://127.0.0.1:%d/v1beta/%s", fake_port, job.upstream_task_id),
		.headers = keyed,
		.save_fd = -1,
		.policy = { .allow_http = true, .allow_loopback = true },
	};
	struct http_response resp;
	assert_int_equal(http_request(H, A, &req, &resp), 0);
	assert_int_equal(resp.status, 200);
	json_t *opj = json_loads(resp.body, 0, NULL);
	assert_non_null(opj);
	arena_defer(A, (void (*)(void *))json_decref, opj);
	assert_true(json_is_true(json_object_get(opj, "done")));
	const char *uri = json_string_value(
		task_json_path(opj, "response.generateVideoResponse.generatedSamples.0.video.uri"));
	assert_non_null(uri);
	req.url = uri;
	req.headers = NULL;
	req.max_response_bytes = 8u << 20;
	assert_int_equal(http_request(H, A, &req, &resp), 0);
	assert_int_equal(resp.status, 403);
	/* with the key: a redirect to storage on another host */
	req.headers = keyed;
	assert_int_equal(http_request(H, A, &req, &resp), 0);
	assert_int_equal(resp.status, 302);
	assert_non_null(strstr(resp.location, arena_printf(A, "http://localhost:%d/blob/", fake_port)));
	/* followed, without the key (the blob refuses one with 400) */
	req.max_redirects = 3;
	assert_int_equal(http_request(H, A, &req, &resp), 0);
	assert_int_equal(resp.status, 200);
	assert_int_equal(resp.redirects, 1);
	assert_string_equal(resp.content_type, "video/mp4");
}

/* Wan text-to-video (a size, not a resolution), and a task DashScope no
 * longer knows (UNKNOWN: expired after 24 h) or cancelled. */
static void wan_t2v_and_unknown(void **state)
{
	(void)state;
	const struct provider_adapter *ad = provider_find("wan");
	struct job job;
	struct provider_outcome o;
	script("{\"provider\":\"wan\"}");
	job_for("wan", "gen_w_t2v", "DOITONG_FAKE_WAN", "", &job);
	json_object_del(job.input, "image");
	ad->submit(&job, &ctx, &o);
	assert_int_equal(o.kind, PROVIDER_SUBMITTED);
	job.upstream_task_id = o.task_id;
	ad->poll(&job, &ctx, &o);
	assert_int_equal(o.kind, PROVIDER_COMPLETED);
	unlink(o.path);
	json_t *b = json_object_get(json_array_get(json_object_get(stats(), "requests"), 0), "body");
	assert_string_equal(json_string_value(json_object_get(b, "model")), "wan2.2-t2v-plus");
	assert_string_equal(json_string_value(task_json_path(b, "parameters.size")), "832*480");
	assert_null(task_json_path(b, "input.img_url"));

	script("{\"provider\":\"wan\",\"final\":\"expired\"}");
	job_for("wan", "gen_w_exp", "DOITONG_FAKE_WAN", "", &job);
	ad->submit(&job, &ctx, &o);
	job.upstream_task_id = o.task_id;
	ad->poll(&job, &ctx, &o);
	expect_failed(&o, FAULT_UPSTREAM, "UNKNOWN");
	assert_non_null(strstr(o.message, "expired"));
	/* a task id the upstream never issued reads the same */
	job.upstream_task_id = "0385dc79-5ff8-4d82-bcb6-000000000000";
	ad->poll(&job, &ctx, &o);
	expect_failed(&o, FAULT_UPSTREAM, "UNKNOWN");
	assert_true(media_empty());
}

/* The special paths' submit failures, with each upstream's own error
 * shape: what upstream_status becomes, and how a wrong key answers. */
struct special {
	const char *provider;
	const char *us_503;     /* upstream_status of a 503 */
	int retry_429;          /* retry_seconds of a 429 (-1: any) */
	const char *us_wrong;   /* upstream_status of a wrong key */
	bool cancel;            /* the adapter has a cancel */
	bool oauth;             /* Vertex AI: a service account, not a key variable */
};

static const struct special specials[] = {
	{ "minimax", "503 1013", 10, "1004", false, false },
	{ "wan", "503 ServiceUnavailable", 7, "401 InvalidApiKey", false, false },
	{ "veo", "503 UNAVAILABLE", 7, "400 API_KEY_INVALID", false, false },
	{ "vertex", "503 UNAVAILABLE", 7, NULL, false, true },  /* Veo on Vertex AI */
	{ "seedance", "503 ServiceUnavailable", 7, "401 AuthenticationError", true, false },
	{ "vidu", "503 ServiceUnavailable", 7, "401 Unauthorized", true, false },
	{ "fal", "503", 7, "401", false, false },          /* MiniMax through fal */
	{ "replicate", "503", 7, "401", true, false },     /* Luma through Replicate */
};

/* Vertex AI's credential failures: a refused or failing token endpoint
 * (FAULT_UPSTREAM, nothing submitted), no or an unreadable key file
 * (FAULT_CONFIG, nothing sent); the token renewed before it expires; a
 * provider without a Vertex AI twin routed there. */
static void vertex_auth_failures(const struct provider_adapter *ad)
{
	struct job job;
	struct provider_outcome o;
	job_named("vertex", "gen_vauth", "DOITONG_FAKE_NONE", "", &job);
	vertex_token_forget();
	script("{\"provider\":\"vertex\",\"token\":\"invalid\"}");
	ad->submit(&job, &ctx, &o);
	expect_failed(&o, FAULT_UPSTREAM, "auth");
	assert_non_null(strstr(o.message, "invalid_grant: Invalid JWT Signature."));
	control("POST", "/_fake/script", "{\"provider\":\"vertex\",\"token\":\"503\"}");
	ad->submit(&job, &ctx, &o);
	expect_failed(&o, FAULT_UPSTREAM, "auth");
	assert_non_null(strstr(o.message, "HTTP 503"));
	assert_int_equal(json_integer_value(json_object_get(stats(), "tokens")), 2);
	assert_int_equal(stat_of("submissions", "vertex"), 0);

	/* A token endpoint failing while a task runs: the poll looks again later */
	script("{\"provider\":\"vertex\",\"pollsUntilDone\":1}");
	ad->submit(&job, &ctx, &o);
	assert_int_equal(o.kind, PROVIDER_SUBMITTED);
	job.upstream_task_id = o.task_id;
	vertex_token_forget();
	control("POST", "/_fake/script", "{\"provider\":\"vertex\",\"token\":\"503\"}");
	ad->poll(&job, &ctx, &o);
	assert_int_equal(o.kind, PROVIDER_RETRY_LATER);
	assert_string_equal(o.upstream_status, "auth");
	assert_int_equal(stat_of("polls", "vertex"), 0);
	control("POST", "/_fake/script", "{\"provider\":\"vertex\",\"token\":\"ok\"}");
	ad->poll(&job, &ctx, &o);
	assert_int_equal(o.kind, PROVIDER_COMPLETED);
	unlink(o.path);
	job.upstream_task_id = NULL;

	char *saved = cfg.vertex_credentials;
	script("{\"provider\":\"vertex\"}");
	cfg.vertex_credentials = "/nonexistent/doitong-vertex.json";
	ad->submit(&job, &ctx, &o);
	expect_failed(&o, FAULT_CONFIG, "no key");
	assert_non_null(strstr(o.message, "can't be read"));
	cfg.vertex_credentials = "";
	unsetenv("GOOGLE_APPLICATION_CREDENTIALS");
	ad->submit(&job, &ctx, &o);
	expect_failed(&o, FAULT_CONFIG, "no key");
	assert_non_null(strstr(o.message, "GOOGLE_APPLICATION_CREDENTIALS"));
	/* the conventional variable is read when the setting is empty */
	setenv("GOOGLE_APPLICATION_CREDENTIALS", saved, 1);
	ad->submit(&job, &ctx, &o);
	assert_int_equal(o.kind, PROVIDER_SUBMITTED);
	unsetenv("GOOGLE_APPLICATION_CREDENTIALS");
	cfg.vertex_credentials = saved;

	/* A token with less than the renewal margin left is not reused... */
	vertex_token_forget();
	script("{\"provider\":\"vertex\",\"tokenTtl\":200,\"pollsUntilDone\":3}");
	ad->submit(&job, &ctx, &o);
	job.upstream_task_id = o.task_id;
	ad->poll(&job, &ctx, &o);
	assert_int_equal(o.kind, PROVIDER_RUNNING);
	assert_int_equal(json_integer_value(json_object_get(stats(), "tokens")), 2);
	/* ...one valid for an hour is, across jobs */
	vertex_token_forget();
	script("{\"provider\":\"vertex\",\"pollsUntilDone\":3}");
	ad->submit(&job, &ctx, &o);
	job.upstream_task_id = o.task_id;
	ad->poll(&job, &ctx, &o);
	job_named("vertex", "gen_vauth2", "DOITONG_FAKE_NONE", "", &job);
	ad->submit(&job, &ctx, &o);
	assert_int_equal(o.kind, PROVIDER_SUBMITTED);
	assert_int_equal(json_integer_value(json_object_get(stats(), "tokens")), 1);

	/* Luma has no Vertex AI twin: refused before anything is sent */
	job_for("luma", "gen_vluma", "DOITONG_FAKE_LUMA", "\"route\":\"vertex\"", &job);
	provider_find("luma")->submit(&job, &ctx, &o);
	expect_failed(&o, FAULT_CONFIG, NULL);
	assert_non_null(strstr(o.message, "'vertex'"));
	assert_int_equal(stat_of("submissions", "luma"), 0);
}

static void special_submit_failures(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(specials); i++) {
		const struct special *sp = &specials[i];
		const char *p = sp->provider;
		const struct provider_adapter *ad = provider_find(adapter_of(p));
		assert_non_null(ad);
		struct job job;
		struct provider_outcome o;
		job_named(p, "gen_sfail", key_env(p), "", &job);

		script(arena_printf(A, "{\"provider\":\"%s\",\"submit\":\"503\"}", p));
		ad->submit(&job, &ctx, &o);
		expect_failed(&o, FAULT_UPSTREAM, sp->us_503);

		script(arena_printf(A, "{\"provider\":\"%s\",\"submit\":\"429\",\"retryAfter\":7}", p));
		ad->submit(&job, &ctx, &o);
		assert_int_equal(o.kind, PROVIDER_RETRY_LATER);
		if (sp->retry_429 > 0)
			assert_int_equal(o.retry_seconds, sp->retry_429);

		script(arena_printf(A, "{\"provider\":\"%s\",\"submit\":\"moderation\"}", p));
		ad->submit(&job, &ctx, &o);
		expect_failed(&o, FAULT_REQUEST, NULL);
		assert_non_null(strstr(o.message, "moderation"));

		script(arena_printf(A, "{\"provider\":\"%s\",\"submit\":\"400\"}", p));
		ad->submit(&job, &ctx, &o);
		expect_failed(&o, FAULT_REQUEST, NULL);
		assert_non_null(strstr(o.message, "scripted refusal"));

		script(arena_printf(A, "{\"provider\":\"%s\",\"submit\":\"reset\"}", p));
		ad->submit(&job, &ctx, &o);
		assert_int_equal(o.kind, PROVIDER_SUBMIT_UNKNOWN);

		script(arena_printf(A, "{\"provider\":\"%s\",\"submit\":\"hang\"}", p));
		ad->submit(&job, &ctx, &o);
		assert_int_equal(o.kind, PROVIDER_SUBMIT_UNKNOWN);
		assert_string_equal(o.upstream_status, "timeout");
		assert_null(ad->reconcile);  /* no client id upstream: nothing to look up */
		if (sp->oauth) {
			vertex_auth_failures(ad);
			continue;
		}

		script(arena_printf(A, "{\"provider\":\"%s\"}", p));
		const char *rk = route_key_env(p);
		const char *saved = rk ? arena_strdup(A, getenv(rk)) : NULL;
		if (rk)
			setenv(rk, "wrong-key", 1);
		job_named(p, "gen_sfail", "DOITONG_FAKE_WRONG", "", &job);
		ad->submit(&job, &ctx, &o);
		expect_failed(&o, FAULT_UPSTREAM, sp->us_wrong);
		assert_int_equal(stat_of("unauthorized", p), 1);

		if (rk)
			unsetenv(rk);
		job_named(p, "gen_sfail", "DOITONG_FAKE_NONE", "", &job);
		ad->submit(&job, &ctx, &o);
		expect_failed(&o, FAULT_CONFIG, "no key");
		assert_int_equal(stat_of("submissions", p), 0);
		if (rk)
			setenv(rk, saved, 1);
	}
	assert_true(media_empty());
}

/* Tasks of the special paths that end badly, results that can't be stored,
 * and polls (and result steps) meeting a broken upstream. */
static void special_poll_failures(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(specials); i++) {
		const char *p = specials[i].provider;
		const struct provider_adapter *ad = provider_find(adapter_of(p));
		struct job job;
		struct provider_outcome o;
		static const char *const finals[] = { "failed", "moderation" };
		for (size_t f = 0; f < 2; f++) {
			script(arena_printf(A, "{\"provider\":\"%s\",\"final\":\"%s\"}", p, finals[f]));
			job_named(p, "gen_spf", key_env(p), "", &job);
			ad->submit(&job, &ctx, &o);
			assert_int_equal(o.kind, PROVIDER_SUBMITTED);
			job.upstream_task_id = o.task_id;
			ad->poll(&job, &ctx, &o);
			expect_failed(&o, f ? FAULT_REQUEST : FAULT_UPSTREAM, NULL);
		}
		static const char *const results[] = { "expired", "html" };
		for (size_t r = 0; r < 2; r++) {
			script(arena_printf(A, "{\"provider\":\"%s\",\"result\":\"%s\"}", p, results[r]));
			job_named(p, "gen_sdl", key_env(p), "", &job);
			ad->submit(&job, &ctx, &o);
			job.upstream_task_id = o.task_id;
			ad->poll(&job, &ctx, &o);
			expect_failed(&o, FAULT_UPSTREAM, r ? "download type" : "download 403");
			assert_true(media_empty());
		}
		script(arena_printf(A, "{\"provider\":\"%s\"}", p));
		job_named(p, "gen_spr", key_env(p), "", &job);
		ad->submit(&job, &ctx, &o);
		assert_int_equal(o.kind, PROVIDER_SUBMITTED);
		job.upstream_task_id = o.task_id;
		static const char *const modes[] = { "503", "reset" };
		for (size_t m = 0; m < 2; m++) {
			control("POST", "/_fake/script",
				arena_printf(A, "{\"provider\":\"%s\",\"poll\":\"%s\"}", p, modes[m]));
			ad->poll(&job, &ctx, &o);
			assert_int_equal(o.kind, PROVIDER_RETRY_LATER);
			assert_true(o.retry_seconds > 0);
		}
		control("POST", "/_fake/script", arena_printf(A, "{\"provider\":\"%s\",\"poll\":\"ok\"}", p));
		ad->poll(&job, &ctx, &o);
		assert_int_equal(o.kind, PROVIDER_COMPLETED);
		unlink(o.path);
		if (!specials[i].cancel) {
			assert_null(ad->cancel);
			continue;
		}
		/* cancel reaches the upstream (the aggregator for a routed job) */
		script(arena_printf(A, "{\"provider\":\"%s\",\"pollsUntilDone\":5}", p));
		job_named(p, "gen_scancel", key_env(p), "", &job);
		ad->submit(&job, &ctx, &o);
		assert_int_equal(o.kind, PROVIDER_SUBMITTED);
		job.upstream_task_id = o.task_id;
		ad->cancel(&job, &ctx, &o);
		assert_int_equal(stat_of("cancels", p), 1);
		ad->poll(&job, &ctx, &o);
		expect_failed(&o, FAULT_UPSTREAM, NULL);
		/* Vidu documents no cancelled state: its cancelled task reads failed */
		if (strcmp(p, "vidu") && !strstr(o.message, "cancelled"))
			fail_msg("%s: %s (%s)", p, o.message, o.upstream_status);
	}
}

static void kling_text2video(void **state)
{
	(void)state;
	script("{\"provider\":\"kling\"}");
	struct job job;
	job_for("kling", "gen_k_t2v", "DOITONG_FAKE_KLING", "", &job);
	json_object_del(job.input, "image");
	struct provider_outcome o;
	provider_find("kling")->submit(&job, &ctx, &o);
	assert_int_equal(o.kind, PROVIDER_SUBMITTED);
	job.upstream_task_id = o.task_id;
	provider_find("kling")->poll(&job, &ctx, &o);
	assert_int_equal(o.kind, PROVIDER_COMPLETED);
	unlink(o.path);
	json_t *r = json_array_get(json_object_get(stats(), "requests"), 1);
	assert_string_equal(json_string_value(json_object_get(r, "path")),
			    arena_printf(A, "/v1/videos/text2video/%s", job.upstream_task_id));
}

/* The scripted submit failures, per provider. */
static void submit_failures(void **state)
{
	(void)state;
	static const char *const providers[] = { "luma", "runway", "kling" };
	for (size_t i = 0; i < 3; i++) {
		const char *p = providers[i];
		const struct provider_adapter *ad = provider_find(p);
		struct job job;
		struct provider_outcome o;
		job_for(p, "gen_fail", key_env(p), "", &job);

		script(arena_printf(A, "{\"provider\":\"%s\",\"submit\":\"503\"}", p));
		ad->submit(&job, &ctx, &o);
		expect_failed(&o, FAULT_UPSTREAM, !strcmp(p, "kling") ? "503 5001" : "503");

		script(arena_printf(A, "{\"provider\":\"%s\",\"submit\":\"429\",\"retryAfter\":7}", p));
		ad->submit(&job, &ctx, &o);
		assert_int_equal(o.kind, PROVIDER_RETRY_LATER);
		assert_int_equal(o.retry_seconds, 7);

		script(arena_printf(A, "{\"provider\":\"%s\",\"submit\":\"moderation\"}", p));
		ad->submit(&job, &ctx, &o);
		expect_failed(&o, FAULT_REQUEST, NULL);

		script(arena_printf(A, "{\"provider\":\"%s\",\"submit\":\"400\"}", p));
		ad->submit(&job, &ctx, &o);
		expect_failed(&o, FAULT_REQUEST, NULL);
		assert_non_null(strstr(o.message, "scripted refusal"));

		script(arena_printf(A, "{\"provider\":\"%s\",\"submit\":\"reset\"}", p));
		ad->submit(&job, &ctx, &o);
		assert_int_equal(o.kind, PROVIDER_SUBMIT_UNKNOWN);
		assert_int_equal(o.retry_seconds, 5);

		/* Wrong key: the upstream's 401, the operator's problem. */
		script(arena_printf(A, "{\"provider\":\"%s\"}", p));
		job_for(p, "gen_fail", !strcmp(p, "kling") ? "DOITONG_FAKE_WRONG_K" : "DOITONG_FAKE_WRONG",
			"", &job);
		setenv("DOITONG_FAKE_WRONG_K", "AK_fake:not-the-secret", 1);
		ad->submit(&job, &ctx, &o);
		expect_failed(&o, FAULT_UPSTREAM, NULL);
		assert_int_equal(strncmp(o.upstream_status, "401", 3), 0);
		assert_int_equal(stat_of("unauthorized", p), 1);

		/* No key: nothing is sent. */
		job_for(p, "gen_fail", "DOITONG_FAKE_NONE", "", &job);
		ad->submit(&job, &ctx, &o);
		expect_failed(&o, FAULT_CONFIG, "no key");
		assert_non_null(strstr(o.message, "has no API key configured"));
		/* Only the 401 request reached the fake; it submitted nothing. */
		assert_int_equal(json_array_size(json_object_get(stats(), "requests")), 1);
		assert_int_equal(stat_of("submissions", p), 0);
	}
	assert_true(media_empty());
}

/* Tasks that end badly upstream. */
static void poll_failures(void **state)
{
	(void)state;
	static const char *const providers[] = { "luma", "runway", "kling" };
	for (size_t i = 0; i < 3; i++) {
		const char *p = providers[i];
		const struct provider_adapter *ad = provider_find(p);
		struct job job;
		struct provider_outcome o;
		static const char *const finals[] = { "failed", "moderation" };
		for (size_t f = 0; f < 2; f++) {
			script(arena_printf(A, "{\"provider\":\"%s\",\"final\":\"%s\"}", p, finals[f]));
			job_for(p, "gen_pf", key_env(p), "", &job);
			ad->submit(&job, &ctx, &o);
			assert_int_equal(o.kind, PROVIDER_SUBMITTED);
			job.upstream_task_id = o.task_id;
			ad->poll(&job, &ctx, &o);
			expect_failed(&o, f ? FAULT_REQUEST : FAULT_UPSTREAM, NULL);
		}
		/* Results that can't be stored: an expired link, a non-video type. */
		static const char *const results[] = { "expired", "html" };
		for (size_t r = 0; r < 2; r++) {
			script(arena_printf(A, "{\"provider\":\"%s\",\"result\":\"%s\"}", p, results[r]));
			job_for(p, "gen_dl", key_env(p), "", &job);
			ad->submit(&job, &ctx, &o);
			job.upstream_task_id = o.task_id;
			ad->poll(&job, &ctx, &o);
			expect_failed(&o, FAULT_UPSTREAM, r ? "download type" : "download 403");
			assert_true(media_empty());
		}
	}
	/* A poll meeting a 503 or a reset learnt nothing about the task: it
	 * polls again later, and the task completes once the upstream is back. */
	for (size_t i = 0; i < 3; i++) {
		const struct provider_adapter *ad = provider_find(providers[i]);
		struct job job;
		struct provider_outcome o;
		script(arena_printf(A, "{\"provider\":\"%s\",\"final\":\"succeed\",\"result\":\"ok\"}",
				    providers[i]));
		job_for(providers[i], "gen_pr", key_env(providers[i]), "", &job);
		ad->submit(&job, &ctx, &o);
		assert_int_equal(o.kind, PROVIDER_SUBMITTED);
		job.upstream_task_id = o.task_id;
		static const char *const modes[] = { "503", "reset" };
		for (size_t m = 0; m < 2; m++) {
			/* not script(): a reset would forget the task */
			control("POST", "/_fake/script",
				arena_printf(A, "{\"provider\":\"%s\",\"poll\":\"%s\"}", providers[i],
					     modes[m]));
			ad->poll(&job, &ctx, &o);
			assert_int_equal(o.kind, PROVIDER_RETRY_LATER);
			assert_true(o.retry_seconds > 0);
		}
		control("POST", "/_fake/script",
			arena_printf(A, "{\"provider\":\"%s\",\"poll\":\"ok\"}", providers[i]));
		ad->poll(&job, &ctx, &o);
		assert_int_equal(o.kind, PROVIDER_COMPLETED);
		unlink(o.path);
	}
	/* Runway's THROTTLED is a queued task. */
	script("{\"provider\":\"runway\",\"pollStatus\":\"THROTTLED\",\"pollsUntilDone\":3}");
	struct job job;
	struct provider_outcome o;
	job_for("runway", "gen_thr", "DOITONG_FAKE_RUNWAY", "", &job);
	provider_find("runway")->submit(&job, &ctx, &o);
	job.upstream_task_id = o.task_id;
	provider_find("runway")->poll(&job, &ctx, &o);
	assert_int_equal(o.kind, PROVIDER_RUNNING);
	assert_string_equal(o.upstream_status, "THROTTLED");
	/* A task the upstream no longer knows. */
	job.upstream_task_id = "00000000-0000-0000-0000-000000000000";
	provider_find("runway")->poll(&job, &ctx, &o);
	expect_failed(&o, FAULT_UPSTREAM, "404");
}

/* An unanswered submit: unknown, then Kling's reconcile finds the task. */
static void unknown_submit_and_reconcile(void **state)
{
	(void)state;
	const struct provider_adapter *kling = provider_find("kling");
	assert_non_null(kling->reconcile);
	assert_null(provider_find("luma")->reconcile);
	assert_null(provider_find("runway")->reconcile);
	struct job job;
	struct provider_outcome o;

	script("{\"provider\":\"kling\",\"submit\":\"timeout-after-accept\",\"pollsUntilDone\":2}");
	job_for("kling", "gen_lost", "DOITONG_FAKE_KLING", "", &job);
	kling->submit(&job, &ctx, &o);
	assert_int_equal(o.kind, PROVIDER_SUBMIT_UNKNOWN);
	assert_int_equal(o.retry_seconds, 5);
	assert_string_equal(o.upstream_status, "timeout");
	/* Other generations' tasks in the list don't confuse the lookup. */
	control("POST", "/_fake/script", "{\"provider\":\"kling\",\"submit\":\"ok\"}");
	struct job other;
	job_for("kling", "gen_other", "DOITONG_FAKE_KLING", "", &other);
	kling->submit(&other, &ctx, &o);
	assert_int_equal(o.kind, PROVIDER_SUBMITTED);

	job.submit_in_flight = true;
	kling->reconcile(&job, &ctx, &o);
	if (o.kind != PROVIDER_SUBMITTED)
		fail_msg("reconcile: %s %s", provider_outcome_name(o.kind), o.message ? o.message : "");
	assert_non_null(o.task_id);
	assert_int_equal(stat_of("submissions", "kling"), 2); /* never resubmitted */
	assert_int_equal(json_integer_value(json_object_get(json_object_get(stats(), "byExternalId"),
							    "gen_lost")), 1);
	job.upstream_task_id = o.task_id;
	kling->poll(&job, &ctx, &o);
	assert_int_equal(o.kind, PROVIDER_RUNNING);
	kling->poll(&job, &ctx, &o);
	assert_int_equal(o.kind, PROVIDER_COMPLETED);
	assert_int_equal(access(o.path, F_OK), 0);
	unlink(o.path);

	/* hang: the task was never made, so reconcile finds nothing. */
	script("{\"provider\":\"kling\",\"submit\":\"hang\"}");
	job_for("kling", "gen_hang", "DOITONG_FAKE_KLING", "", &job);
	kling->submit(&job, &ctx, &o);
	assert_int_equal(o.kind, PROVIDER_SUBMIT_UNKNOWN);
	kling->reconcile(&job, &ctx, &o);
	expect_failed(&o, FAULT_UPSTREAM, "not found");

	/* Luma and Runway: unknown too (the scheduler then fails the job). */
	script("{\"provider\":\"all\",\"submit\":\"timeout-after-accept\"}");
	job_for("luma", "gen_lost_l", "DOITONG_FAKE_LUMA", "", &job);
	provider_find("luma")->submit(&job, &ctx, &o);
	assert_int_equal(o.kind, PROVIDER_SUBMIT_UNKNOWN);
	job_for("runway", "gen_lost_r", "DOITONG_FAKE_RUNWAY", "", &job);
	provider_find("runway")->submit(&job, &ctx, &o);
	assert_int_equal(o.kind, PROVIDER_SUBMIT_UNKNOWN);
	assert_true(media_empty());
}

static void unreachable_and_cancel(void **state)
{
	(void)state;
	struct job job;
	struct provider_outcome o;
	/* A port nobody listens on: nothing was sent, so not unknown. */
	job_for("luma", "gen_refused", "DOITONG_FAKE_LUMA",
		"\"baseUrl\":\"http://127.0.0.1:1/dream-machine/v1\"", &job);
	job.base_url = "http://127.0.0.1:1/dream-machine/v1";
	provider_find("luma")->submit(&job, &ctx, &o);
	expect_failed(&o, FAULT_UPSTREAM, "connect");

	/* Cancel reaches Luma and Runway with DELETE. */
	script("{\"provider\":\"all\",\"pollsUntilDone\":5}");
	static const char *const providers[] = { "luma", "runway" };
	for (size_t i = 0; i < 2; i++) {
		const struct provider_adapter *ad = provider_find(providers[i]);
		job_for(providers[i], "gen_cancel", key_env(providers[i]), "", &job);
		ad->submit(&job, &ctx, &o);
		job.upstream_task_id = o.task_id;
		ad->cancel(&job, &ctx, &o);
		assert_int_equal(stat_of("cancels", providers[i]), 1);
	}
	assert_null(provider_find("kling")->cancel);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(luma_ok, fresh),
		cmocka_unit_test_setup(runway_ok, fresh),
		cmocka_unit_test_setup(kling_ok, fresh),
		cmocka_unit_test_setup(minimax_ok, fresh),
		cmocka_unit_test_setup(wan_ok, fresh),
		cmocka_unit_test_setup(wan_t2v_and_unknown, fresh),
		cmocka_unit_test_setup(veo_ok, fresh),
		cmocka_unit_test_setup(veo_inline_image_and_keyed_file, fresh),
		cmocka_unit_test_setup(vertex_ok, fresh),
		cmocka_unit_test_setup(vertex_gcs_result, fresh),
		cmocka_unit_test_setup(pass_through, fresh),
		cmocka_unit_test_setup(seedance_ok, fresh),
		cmocka_unit_test_setup(vidu_ok, fresh),
		cmocka_unit_test_setup(fal_ok, fresh),
		cmocka_unit_test_setup(replicate_ok, fresh),
		cmocka_unit_test_setup(special_submit_failures, fresh),
		cmocka_unit_test_setup(special_poll_failures, fresh),
		cmocka_unit_test_setup(kling_text2video, fresh),
		cmocka_unit_test_setup(submit_failures, fresh),
		cmocka_unit_test_setup(poll_failures, fresh),
		cmocka_unit_test_setup(unknown_submit_and_reconcile, fresh),
		cmocka_unit_test_setup(unreachable_and_cancel, fresh),
	};
	return cmocka_run_group_tests_name("integration/adapters_fake", tests, start_fake, stop_fake);
}
