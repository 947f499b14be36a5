/*
 * adapters_media.c - the image, speech and avatar adapters end to end
 * against tests/fakes/upstream.mjs through the real outbound client
 * (fake_fixture.c): BFL FLUX (submit, Pending polls, the expiring
 * result.sample downloaded in the same poll), Imagen and Seedream
 * (synchronous: base64 decoded, or the URL downloaded), ElevenLabs (the
 * answer body is the MP3, streamed into media_dir), HeyGen (avatar video
 * polled), Hedra (portrait and audio fetched, uploaded as assets, then the
 * generation polled), Imagen on Vertex AI, and images and speech through fal and Replicate. Each stored
 * file's metadata is read from the file; the request shapes the fake
 * recorded are checked (auth header, path, the seed page's options mapped);
 * every failure kind: moderation, 4xx, 429, 5xx, hang, malformed, expired
 * URL, wrong type, wrong or missing key - and nothing is left in media_dir.
 * Run by tests/integration/adapters_media.sh (needs node 20).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "providers/task_api.h"
#include "fake_fixture.h"

/* One way of running a job, and what its stored file must be. */
struct media_case {
	const char *name;        /* test label */
	const char *fake;        /* the fake's provider (stats, scripts) */
	const char *adapter, *type, *model;
	const char *base;        /* path of the base URL on the fake ("" = root) */
	const char *input, *options;
	const char *route;       /* "fal", "replicate" or NULL */
	const char *route_model;
	const char *format;      /* of the stored file */
	const char *sample;      /* the file the fake served */
	int width, height;
	double duration;
	const char *auth;        /* header name the fake saw, lower case */
	const char *path;        /* of the submit, NULL: not checked */
	const char *seen;        /* the fake's request log names it so (NULL: fake) */
};

#define SEED_IMAGE "{\"text\":\"Photorealistic portrait in Rembrandt style\"}"
#define SAMPLE_PNG SRCDIR "/share/samples/sample-image.png"
#define SAMPLE_JPG SRCDIR "/tests/fakes/media/sample-image.jpg"
#define SAMPLE_MP3 SRCDIR "/tests/fakes/media/sample-speech.mp3"
#define SAMPLE_MP4 SRCDIR "/share/samples/sample-video.mp4"

static const struct media_case cases[] = {
	{ "flux-ultra (seed)", "bfl", "flux-ultra", "IMAGE", "flux-pro-1.1-ultra", "", SEED_IMAGE,
	  "{\"aspectRatio\":\"16:9\",\"quality\":\"ultra\",\"seed\":42}", NULL, NULL,
	  "jpeg", SAMPLE_JPG, 320, 240, 0, "x-key", "/v1/flux-pro-1.1-ultra", NULL },
	{ "flux-kontext edit", "bfl", "flux-kontext", "IMAGE", "flux-kontext-max", "",
	  "{\"text\":\"make it snow\",\"image\":\"https://img.example/a.jpg\"}", "{\"outputFormat\":\"png\"}",
	  NULL, NULL, "png", SAMPLE_PNG, 256, 144, 0, "x-key", "/v1/flux-kontext-max", NULL },
	{ "flux-dev", "bfl", "flux-dev", "IMAGE", "flux-dev", "", "{\"text\":\"a fox\"}",
	  "{\"aspectRatio\":\"4:3\",\"steps\":28,\"safetyTolerance\":2,\"outputFormat\":\"jpeg\"}", NULL, NULL,
	  "jpeg", SAMPLE_JPG, 320, 240, 0, "x-key", "/v1/flux-dev", NULL },
	{ "imagen", "imagen", "imagen", "IMAGE", "imagen-4.0-generate-001", "/v1beta",
	  "{\"text\":\"a lighthouse\"}", "{\"aspectRatio\":\"16:9\",\"imageSize\":\"2K\"}", NULL, NULL,
	  "png", SAMPLE_PNG, 256, 144, 0, "x-goog-api-key", "/v1beta/models/imagen-4.0-generate-001:predict", NULL },
	{ "seedream url", "seedream", "seedream", "IMAGE", "seedream-4-0-250828", "/api/v3",
	  "{\"text\":\"a temple\"}", "{\"size\":\"2K\",\"aspectRatio\":\"16:9\",\"style\":\"ink_wash\"}", NULL, NULL,
	  "jpeg", SAMPLE_JPG, 320, 240, 0, "authorization", "/api/v3/images/generations", NULL },
	{ "elevenlabs (seed)", "elevenlabs", "elevenlabs", "AUDIO", "eleven_multilingual_v2", "",
	  "{\"text\":\"Welcome to the future of artificial intelligence\"}",
	  "{\"voice\":\"rachel\",\"emotion\":\"excited\",\"speed\":1.0}", NULL, NULL,
	  "mp3", SAMPLE_MP3, 0, 0, 1.071, "xi-api-key",
	  "/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM?output_format=mp3_44100_128", NULL },
	{ "heygen (seed)", "heygen", "heygen", "AVATAR", "v2", "",
	  "{\"text\":\"Hello, I'm your AI assistant\",\"voice\":\"professional_female\"}",
	  "{\"avatarId\":\"kate\",\"background\":\"modern_office\",\"gesture\":\"friendly\"}", NULL, NULL,
	  "mp4", SAMPLE_MP4, 320, 180, 2.0, "x-api-key", "/v2/video/generate", NULL },
	{ "flux-krea on fal", "fal", "flux-krea", "IMAGE", "flux-krea-dev", "", "{\"text\":\"a cat\"}",
	  "{\"quality\":\"fast\",\"aspectRatio\":\"1:1\"}", "fal", "fal-ai/flux/krea",
	  "png", SAMPLE_PNG, 256, 144, 0, "authorization", "/fal-ai/flux/krea", NULL },
	{ "elevenlabs on fal", "fal", "elevenlabs", "AUDIO", "eleven_multilingual_v2", "", "{\"text\":\"hello\"}",
	  "{\"voice\":\"rachel\"}", "fal", "fal-ai/elevenlabs/tts/multilingual-v2",
	  "mp3", SAMPLE_MP3, 0, 0, 1.071, "authorization", "/fal-ai/elevenlabs/tts/multilingual-v2", NULL },
	{ "flux-ultra on Replicate", "replicate", "flux-ultra", "IMAGE", "flux-pro-1.1-ultra", "", SEED_IMAGE,
	  "{\"aspectRatio\":\"16:9\"}", "replicate", "black-forest-labs/flux-1.1-pro-ultra",
	  "png", SAMPLE_PNG, 256, 144, 0, "authorization", "/v1/models/black-forest-labs/flux-1.1-pro-ultra/predictions", NULL },
	{ "hedra", "hedra", "hedra", "AVATAR", "d1dd37a3-e39a-4854-a298-6510289f9cf2", "/web-app/public",
	  "{\"text\":\"a calm portrait\",\"image\":\"FAKE/files/sample-image.png\","
	  "\"audio\":\"FAKE/files/sample-speech.mp3\"}", "{\"resolution\":\"720p\",\"aspectRatio\":\"1:1\",\"seed\":3}",
	  NULL, NULL, "mp4", SAMPLE_MP4, 320, 180, 2.0, "x-api-key", "/web-app/public/assets", NULL },
	{ "imagen on Vertex AI", "imagen", "imagen", "IMAGE", "imagen-4.0-generate-001", "",
	  "{\"text\":\"a lighthouse\"}", "{\"aspectRatio\":\"16:9\",\"seed\":42}", "vertex", NULL,
	  "png", SAMPLE_PNG, 256, 144, 0, "authorization",
	  "/vertex/v1/projects/fake-project/locations/us-central1/publishers/google/models/imagen-4.0-generate-001:predict",
	  "vertex" },
};

static const char *key_env_of(const char *fake)
{
	return !strcmp(fake, "bfl") ? "DOITONG_FAKE_BFL" : !strcmp(fake, "imagen") ? "DOITONG_FAKE_IMAGEN"
	       : !strcmp(fake, "seedream") ? "DOITONG_FAKE_SEEDREAM"
	       : !strcmp(fake, "elevenlabs") ? "DOITONG_FAKE_ELEVENLABS"
	       : !strcmp(fake, "hedra") ? "DOITONG_FAKE_HEDRA" : "DOITONG_FAKE_HEYGEN";
}

/* The claimed job of case c, id `id`, key variable key_env (a routed job's
 * is never read). */
/* s with every "FAKE/" replaced by the fake's base URL and a slash. */
static const char *on_fake(const char *s)
{
	const char *base = arena_printf(A, "http://127.0.0.1:%d/", fake_port), *hit;
	const char *out = "";
	while ((hit = strstr(s, "FAKE/"))) {
		out = arena_printf(A, "%s%.*s%s", out, (int)(hit - s), s, base);
		s = hit + 5;
	}
	return arena_printf(A, "%s%s", out, s);
}

static void job_of(const struct media_case *c, const char *id, const char *key_env, struct job *job)
{
	const char *route = !c->route ? ""
			    : !c->route_model ? arena_printf(A, ",\"route\":\"%s\"", c->route)
			    : arena_printf(A, ",\"route\":\"%s\",\"%s\":\"%s\"", c->route,
					   !strcmp(c->route, "fal") ? "falModel" : "replicateModel", c->route_model);
	const char *text = arena_printf(
		A, "{\"id\":\"%s\",\"type\":\"%s\",\"provider\":\"%s\",\"adapter\":\"%s\",\"upstreamModel\":\"%s\","
		   "\"baseUrl\":\"http://127.0.0.1:%d%s\",\"keyEnv\":\"%s\",\"status\":\"PENDING\",\"pollInterval\":1,"
		   "\"input\":%s,\"effectiveOptions\":%s%s}",
		id, c->type, c->adapter, c->adapter, c->model, fake_port, c->base, key_env, on_fake(c->input), c->options,
		route);
	json_t *j = json_loads(text, 0, NULL);
	assert_non_null(j);
	arena_defer(A, (void (*)(void *))json_decref, j);
	assert_true(provider_job_decode(j, job));
}

/* Submit, then polls until done (at most 4): the final outcome. */
static void run(const struct job *job, struct provider_outcome *o)
{
	const struct provider_adapter *ad = provider_find(job->adapter);
	assert_non_null(ad);
	ad->submit(job, &ctx, o);
	struct job j = *job;
	for (int i = 0; i < 4 && o->kind == PROVIDER_SUBMITTED; i++) {
		j.upstream_task_id = o->task_id;
		j.status = JOB_PROCESSING;
		do
			ad->poll(&j, &ctx, o);
		while (o->kind == PROVIDER_RUNNING && ++i < 4);
	}
}

static long long size_of(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return (long long)st.st_size;
}

/* The first request the fake logged for provider (Vertex's token calls aside). */
static json_t *first_request(const char *fake)
{
	json_t *r, *reqs = json_object_get(stats(), "requests");
	size_t i;
	json_array_foreach(reqs, i, r)
		if (!strcmp(json_string_value(json_object_get(r, "provider")), fake) &&
		    strncmp(json_string_value(json_object_get(r, "path")), "/token", 6))
			return r;
	fail_msg("the fake saw no %s request", fake);
	return NULL;
}

static void stored_results(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct media_case *c = &cases[i];
		script(arena_printf(A, "{\"provider\":\"%s\",\"pollsUntilDone\":2}", c->fake));
		struct job job;
		const char *id = arena_printf(A, "gen_media_%zu", i);
		job_of(c, id, c->route ? "DOITONG_FAKE_WRONG" : key_env_of(c->fake), &job);
		struct provider_outcome o;
		run(&job, &o);
		if (o.kind != PROVIDER_COMPLETED)
			fail_msg("%s: %s %s (%s)", c->name, provider_outcome_name(o.kind),
				 o.message ? o.message : "", o.upstream_status ? o.upstream_status : "-");
		const char *ext = !strcmp(c->format, "jpeg") ? "jpg" : c->format;
		assert_string_equal(o.path, arena_printf(A, "%s/%s.%s", media, id, ext));
		assert_string_equal(o.url, arena_printf(A, "http://127.0.0.1:8480/media/%s.%s", id, ext));
		assert_int_equal(size_of(o.path), size_of(c->sample));
		json_t *m = o.metadata;
		assert_string_equal(json_string_value(json_object_get(m, "format")), c->format);
		assert_int_equal(json_integer_value(json_object_get(m, "sizeBytes")), size_of(c->sample));
		assert_int_equal(json_integer_value(json_object_get(m, "width")), c->width);
		assert_int_equal(json_integer_value(json_object_get(m, "height")), c->height);
		if (c->duration > 0)
			assert_true(json_real_value(json_object_get(m, "duration")) == c->duration);
		else
			assert_null(json_object_get(m, "duration"));
		json_t *r = first_request(c->seen ? c->seen : c->fake);
		assert_string_equal(json_string_value(json_object_get(r, "method")), "POST");
		if (c->path)
			assert_string_equal(json_string_value(json_object_get(r, "path")), c->path);
		json_t *h = json_object_get(r, "headers");
		const char *auth = json_string_value(json_object_get(h, c->auth));
		if (!auth || !strstr(auth, "<redacted>"))
			fail_msg("%s: no %s header", c->name, c->auth);
		assert_int_equal(stat_of("unauthorized", c->fake), 0);
		unlink(o.path);
	}
	assert_true(media_empty());
}

/* The seed page's options as the upstreams received them. */
static void request_shapes(void **state)
{
	(void)state;
	struct job job;
	struct provider_outcome o;
	script("{\"provider\":\"all\"}");
	job_of(&cases[0], "gen_shape_bfl", "DOITONG_FAKE_BFL", &job);
	run(&job, &o);
	json_t *b = json_object_get(first_request("bfl"), "body");
	assert_string_equal(json_string_value(json_object_get(b, "prompt")),
			    "Photorealistic portrait in Rembrandt style");
	assert_string_equal(json_string_value(json_object_get(b, "aspect_ratio")), "16:9");
	assert_true(json_is_false(json_object_get(b, "raw")));
	assert_int_equal(json_integer_value(json_object_get(b, "seed")), 42);
	/* the poll went to get_result with the id, the file right after */
	json_t *reqs = json_object_get(stats(), "requests");
	assert_int_equal(strncmp(json_string_value(json_object_get(json_array_get(reqs, 1), "path")),
				 "/v1/get_result?id=", 18), 0);
	assert_int_equal(strncmp(json_string_value(json_object_get(json_array_get(reqs, 1), "headers") ? 
				 json_object_get(json_object_get(json_array_get(reqs, 1), "headers"), "x-key") : NULL),
				 "<redacted>", 10), 0);
	unlink(o.path);

	script("{\"provider\":\"all\"}");
	job_of(&cases[5], "gen_shape_el", "DOITONG_FAKE_ELEVENLABS", &job);
	run(&job, &o);
	json_t *r = first_request("elevenlabs");
	b = json_object_get(r, "body");
	assert_string_equal(json_string_value(json_object_get(json_object_get(r, "headers"), "accept")), "audio/mpeg");
	assert_string_equal(json_string_value(json_object_get(b, "model_id")), "eleven_multilingual_v2");
	assert_true(json_number_value(task_json_path(b, "voice_settings.style")) == 0.8);
	assert_true(json_number_value(task_json_path(b, "voice_settings.speed")) == 1.0);
	unlink(o.path);

	script("{\"provider\":\"all\"}");
	job_of(&cases[6], "gen_shape_hg", "DOITONG_FAKE_HEYGEN", &job);
	run(&job, &o);
	r = first_request("heygen");
	b = json_object_get(r, "body");
	assert_string_equal(json_string_value(task_json_path(b, "video_inputs.0.character.avatar_id")), "kate");
	assert_string_equal(json_string_value(task_json_path(b, "video_inputs.0.voice.voice_id")), "professional_female");
	assert_string_equal(json_string_value(task_json_path(b, "video_inputs.0.voice.emotion")), "Friendly");
	assert_string_equal(json_string_value(task_json_path(b, "video_inputs.0.background.type")), "color");
	assert_string_equal(json_string_value(json_object_get(b, "callback_id")), "gen_shape_hg");
	reqs = json_object_get(stats(), "requests");
	assert_int_equal(strncmp(json_string_value(json_object_get(json_array_get(reqs, 1), "path")),
				 "/v1/video_status.get?video_id=", 30), 0);
	unlink(o.path);

	/* Seedream answering with b64_json: decoded and stored */
	script("{\"provider\":\"seedream\",\"result\":\"b64\"}");
	job_of(&cases[4], "gen_shape_b64", "DOITONG_FAKE_SEEDREAM", &job);
	run(&job, &o);
	assert_int_equal(o.kind, PROVIDER_COMPLETED);
	assert_int_equal(size_of(o.path), size_of(SAMPLE_JPG));
	assert_int_equal(json_array_size(json_object_get(stats(), "requests")), 1);  /* no download */
	unlink(o.path);

	/* Hedra: two assets created and uploaded (multipart), then the generation naming them */
	script("{\"provider\":\"all\"}");
	job_of(&cases[10], "gen_shape_hd", "DOITONG_FAKE_HEDRA", &job);
	run(&job, &o);
	assert_int_equal(o.kind, PROVIDER_COMPLETED);
	json_t *st = stats();
	assert_int_equal(json_integer_value(json_object_get(st, "uploads")), 2);
	json_t *hr;
	size_t hi, gens = 0;
	json_array_foreach(json_object_get(st, "requests"), hi, hr) {
		const char *path = json_string_value(json_object_get(hr, "path"));
		if (strstr(path, "/upload"))
			assert_int_equal(strncmp(json_string_value(json_object_get(json_object_get(hr, "headers"),
								      "content-type")), "multipart/form-data; boundary=", 30), 0);
		if (!strcmp(path, "/web-app/public/generations")) {
			gens++;
			b = json_object_get(hr, "body");
			assert_string_equal(json_string_value(json_object_get(b, "ai_model_id")),
					    "d1dd37a3-e39a-4854-a298-6510289f9cf2");
			assert_non_null(json_string_value(json_object_get(b, "start_keyframe_id")));
			assert_non_null(json_string_value(json_object_get(b, "audio_id")));
			assert_string_equal(json_string_value(task_json_path(b, "generated_video_inputs.text_prompt")),
					    "a calm portrait");
			assert_int_equal(json_integer_value(task_json_path(b, "generated_video_inputs.seed")), 3);
		}
	}
	assert_int_equal(gens, 1);
	unlink(o.path);
	/* no audio: refused before anything is sent; an input that can't be fetched */
	script("{\"provider\":\"hedra\"}");
	job_of(&cases[10], "gen_hd_noaudio", "DOITONG_FAKE_HEDRA", &job);
	json_object_del(job.input, "audio");
	run(&job, &o);
	expect_failed(&o, FAULT_REQUEST, "refused");
	assert_non_null(strstr(o.message, "input.audio"));
	assert_int_equal(json_array_size(json_object_get(stats(), "requests")), 0);
	job_of(&cases[10], "gen_hd_404", "DOITONG_FAKE_HEDRA", &job);
	json_object_set_new(job.input, "image", json_string(on_fake("FAKE/files/missing.png")));
	run(&job, &o);
	expect_failed(&o, FAULT_REQUEST, "refused");
	assert_non_null(strstr(o.message, "input.image could not be fetched"));
	/* a data: URI portrait is uploaded as is */
	job_of(&cases[10], "gen_hd_data", "DOITONG_FAKE_HEDRA", &job);
	json_object_set_new(job.input, "image", json_string("data:image/png;base64,iVBORw0KGgoAAAANSUhEUg=="));
	run(&job, &o);
	assert_int_equal(o.kind, PROVIDER_COMPLETED);
	unlink(o.path);

	/* Imagen on Vertex AI: the service account's token, the seed Vertex takes */
	script("{\"provider\":\"all\"}");
	const struct media_case *vx = &cases[ARRAY_LEN(cases) - 1];
	job_of(vx, "gen_shape_vx", "DOITONG_FAKE_NONE", &job);
	run(&job, &o);
	assert_int_equal(o.kind, PROVIDER_COMPLETED);
	r = first_request("vertex");
	assert_int_equal(strncmp(json_string_value(json_object_get(json_object_get(r, "headers"), "authorization")),
				 "Bearer", 6), 0);
	b = json_object_get(r, "body");
	assert_string_equal(json_string_value(task_json_path(b, "instances.0.prompt")), "a lighthouse");
	assert_int_equal(json_integer_value(task_json_path(b, "parameters.seed")), 42);
	unlink(o.path);
	assert_true(media_empty());
}

/* The direct upstreams (the case that runs each). */
static const size_t direct[] = { 0, 3, 4, 5, 6, 10 };

static void submit_failures(void **state)
{
	(void)state;
	for (size_t k = 0; k < ARRAY_LEN(direct); k++) {
		const struct media_case *c = &cases[direct[k]];
		const char *p = c->fake, *key = key_env_of(p);
		struct job job;
		struct provider_outcome o;
		job_of(c, "gen_mfail", key, &job);
		const struct provider_adapter *ad = provider_find(c->adapter);

		script(arena_printf(A, "{\"provider\":\"%s\",\"submit\":\"503\"}", p));
		ad->submit(&job, &ctx, &o);
		expect_failed(&o, FAULT_UPSTREAM, NULL);
		assert_int_equal(strncmp(o.upstream_status, "503", 3), 0);

		script(arena_printf(A, "{\"provider\":\"%s\",\"submit\":\"429\",\"retryAfter\":7}", p));
		ad->submit(&job, &ctx, &o);
		assert_int_equal(o.kind, PROVIDER_RETRY_LATER);
		assert_int_equal(o.retry_seconds, 7);

		script(arena_printf(A, "{\"provider\":\"%s\",\"submit\":\"moderation\"}", p));
		ad->submit(&job, &ctx, &o);
		expect_failed(&o, FAULT_REQUEST, NULL);
		if (!strstr(o.message, "moderation"))
			fail_msg("%s: %s", p, o.message);

		script(arena_printf(A, "{\"provider\":\"%s\",\"submit\":\"400\"}", p));
		ad->submit(&job, &ctx, &o);
		expect_failed(&o, FAULT_REQUEST, NULL);
		assert_non_null(strstr(o.message, "scripted refusal"));

		script(arena_printf(A, "{\"provider\":\"%s\",\"submit\":\"hang\"}", p));
		ad->submit(&job, &ctx, &o);
		assert_int_equal(o.kind, PROVIDER_SUBMIT_UNKNOWN);
		assert_string_equal(o.upstream_status, "timeout");
		assert_null(ad->reconcile);

		script(arena_printf(A, "{\"provider\":\"%s\",\"submit\":\"reset\"}", p));
		ad->submit(&job, &ctx, &o);
		assert_int_equal(o.kind, PROVIDER_SUBMIT_UNKNOWN);

		script(arena_printf(A, "{\"provider\":\"%s\"}", p));
		job_of(c, "gen_mfail", "DOITONG_FAKE_WRONG", &job);
		ad->submit(&job, &ctx, &o);
		expect_failed(&o, FAULT_UPSTREAM, NULL);
		assert_non_null(strstr(o.message, "API key or account"));
		assert_int_equal(stat_of("unauthorized", p), 1);

		job_of(c, "gen_mfail", "DOITONG_FAKE_NONE", &job);
		ad->submit(&job, &ctx, &o);
		expect_failed(&o, FAULT_CONFIG, "no key");
		assert_int_equal(stat_of("submissions", p), 0);
	}
	/* a request ElevenLabs can't take is refused before anything is sent */
	struct job job;
	struct provider_outcome o;
	script("{\"provider\":\"elevenlabs\"}");
	job_of(&cases[5], "gen_mvoice", "DOITONG_FAKE_ELEVENLABS", &job);
	json_object_set_new(job.options, "voice", json_string("nobody"));
	provider_find("elevenlabs")->submit(&job, &ctx, &o);
	expect_failed(&o, FAULT_REQUEST, "refused");
	assert_int_equal(json_array_size(json_object_get(stats(), "requests")), 0);
	assert_true(media_empty());
}

/* Results that end badly: failed or moderated upstream, malformed answers,
 * expired URLs, files of the wrong type. */
static void result_failures(void **state)
{
	(void)state;
	static const struct {
		size_t c;
		const char *script;
		enum provider_fault fault;
		const char *us;          /* NULL: not checked */
		const char *in_message;
	} rows[] = {
		{ 0, "\"final\":\"moderation\"", FAULT_REQUEST, "Content Moderated", "Derivative Works" },
		{ 0, "\"final\":\"failed\"", FAULT_UPSTREAM, "Error", "could not generate" },
		{ 0, "\"result\":\"expired\"", FAULT_UPSTREAM, "download 403", "expired" },
		{ 0, "\"result\":\"html\"", FAULT_UPSTREAM, "download type", "not an image" },
		{ 3, "\"final\":\"moderation\"", FAULT_REQUEST, "RAI_FILTERED", "safety filter" },
		{ 3, "\"final\":\"failed\"", FAULT_UPSTREAM, "500 UNAVAILABLE", NULL },
		{ 3, "\"final\":\"malformed\"", FAULT_UPSTREAM, "download format", "base64" },
		{ 4, "\"final\":\"moderation\"", FAULT_REQUEST, "400 OutputImageSensitiveContentDetected", "moderation" },
		{ 4, "\"final\":\"malformed\"", FAULT_UPSTREAM, "200", "without a result URL" },
		{ 4, "\"result\":\"expired\"", FAULT_UPSTREAM, "download 403", NULL },
		{ 5, "\"final\":\"moderation\"", FAULT_REQUEST, "400 content_against_policy", "moderation" },
		{ 5, "\"final\":\"failed\"", FAULT_UPSTREAM, "500 service_unavailable", NULL },
		{ 5, "\"final\":\"malformed\"", FAULT_UPSTREAM, "download format", "not a readable file" },
		{ 5, "\"result\":\"html\"", FAULT_UPSTREAM, "download type", "not an audio" },
		{ 6, "\"final\":\"moderation\"", FAULT_REQUEST, "MOVIO_CONTENT_MODERATION", "moderation" },
		{ 6, "\"final\":\"failed\"", FAULT_UPSTREAM, "MOVIO_RENDER_FAILED", "rendering failed" },
		{ 6, "\"result\":\"expired\"", FAULT_UPSTREAM, "download 403", NULL },
		{ 7, "\"final\":\"moderation\"", FAULT_REQUEST, NULL, "moderation" },
		{ 10, "\"final\":\"moderation\"", FAULT_REQUEST, "error", "moderation" },
		{ 10, "\"final\":\"failed\"", FAULT_UPSTREAM, "error", "Generation failed" },
		{ 10, "\"result\":\"expired\"", FAULT_UPSTREAM, "download 403", NULL },
		{ 8, "\"result\":\"html\"", FAULT_UPSTREAM, "download type", "not an audio" },
	};
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		const struct media_case *c = &cases[rows[i].c];
		script(arena_printf(A, "{\"provider\":\"%s\",%s}", c->fake, rows[i].script));
		struct job job;
		struct provider_outcome o;
		job_of(c, "gen_mres", c->route ? "DOITONG_FAKE_WRONG" : key_env_of(c->fake), &job);
		run(&job, &o);
		if (o.kind != PROVIDER_FAILED || o.fault != rows[i].fault ||
		    (rows[i].us && strcmp(o.upstream_status, rows[i].us)) ||
		    (rows[i].in_message && !strstr(o.message, rows[i].in_message)))
			fail_msg("row %zu (%s %s): %s fault %d '%s' (%s)", i, c->name, rows[i].script,
				 provider_outcome_name(o.kind), o.fault, o.message ? o.message : "",
				 o.upstream_status ? o.upstream_status : "-");
		expect_failed(&o, rows[i].fault, rows[i].us);
		assert_true(media_empty());
	}
	/* a poll meeting a broken upstream tries again later (BFL, HeyGen) */
	for (size_t k = 0; k < 2; k++) {
		const struct media_case *c = &cases[k ? 6 : 0];
		script(arena_printf(A, "{\"provider\":\"%s\"}", c->fake));
		struct job job;
		struct provider_outcome o;
		job_of(c, "gen_mpoll", key_env_of(c->fake), &job);
		const struct provider_adapter *ad = provider_find(c->adapter);
		ad->submit(&job, &ctx, &o);
		assert_int_equal(o.kind, PROVIDER_SUBMITTED);
		job.upstream_task_id = o.task_id;
		control("POST", "/_fake/script", arena_printf(A, "{\"provider\":\"%s\",\"poll\":\"503\"}", c->fake));
		ad->poll(&job, &ctx, &o);
		assert_int_equal(o.kind, PROVIDER_RETRY_LATER);
		control("POST", "/_fake/script", arena_printf(A, "{\"provider\":\"%s\",\"poll\":\"ok\"}", c->fake));
		ad->poll(&job, &ctx, &o);
		assert_int_equal(o.kind, PROVIDER_COMPLETED);
		unlink(o.path);
	}
	/* BFL answers an unknown id with "Task not found" */
	struct job job;
	struct provider_outcome o;
	job_of(&cases[0], "gen_mlost", "DOITONG_FAKE_BFL", &job);
	job.upstream_task_id = "0a1b2c3d-0000-4000-8000-000000000000";
	provider_find("flux-ultra")->poll(&job, &ctx, &o);
	expect_failed(&o, FAULT_UPSTREAM, "Task not found");
	assert_true(media_empty());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(stored_results, fresh),
		cmocka_unit_test_setup(request_shapes, fresh),
		cmocka_unit_test_setup(submit_failures, fresh),
		cmocka_unit_test_setup(result_failures, fresh),
	};
	return cmocka_run_group_tests_name("integration/adapters_media", tests, start_fake, stop_fake);
}
