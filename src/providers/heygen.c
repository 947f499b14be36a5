/*
 * heygen.c - HeyGen avatar videos (v2 generate, v1 status) on the
 * async-task family (providers.md §14).
 *
 *   submit  POST {base}/v2/video/generate   X-Api-Key: <key>
 *           {"video_inputs": [{"character": {"type": "avatar", "avatar_id",
 *             "avatar_style"}, "voice": {"type": "text", "input_text",
 *             "voice_id", "speed", "emotion"} | {"type": "audio",
 *             "audio_url"}, "background": {"type": "color", "value"} |
 *             {"type": "image", "url"}}], "dimension": {"width", "height"},
 *            "caption", "callback_id": <generation id>}
 *           -> {"error": null, "data": {"video_id"}}
 *   poll    GET {base}/v1/video_status.get?video_id={id} -> {"code": 100,
 *           "data": {"status": pending|waiting|processing|completed|failed,
 *           "video_url", "error": {"code", "message", "detail"}}}
 * The seed's options: avatarId (avatar_id), voice (input.voice: a HeyGen
 * voice_id, passed on as given), background (#RRGGBB, an image URL, or a
 * preset name mapped to a colour below: v2 has no named backgrounds),
 * gesture (v2 has no gesture control: mapped to the voice's emotion,
 * which drives the delivery: friendly -> Friendly, enthusiastic -> Excited,
 * professional -> Serious, calm -> Soothing, natural -> none).
 * Errors: {"error": {"code", "message"}} with the HTTP status; a failure
 * text naming moderation or policy is moderation. No cancel, no reconcile.
 */
#include <string.h>

#include "providers/task_api.h"

static const struct task_status_map heygen_statuses[] = {
	{ "pending", TASK_QUEUED },
	{ "waiting", TASK_QUEUED },
	{ "processing", TASK_RUNNING },
	{ "completed", TASK_SUCCEEDED },
	{ "failed", TASK_FAILED },
	{ NULL, TASK_UNKNOWN },
};

static const struct { const char *name, *color; } backgrounds[] = {
	{ "modern_office", "#D8D3CB" }, { "office", "#D8D3CB" }, { "studio", "#2B2F36" },
	{ "white", "#FFFFFF" },         { "black", "#000000" },  { "green_screen", "#00B140" },
	{ "living_room", "#CDB9A0" },   { "classroom", "#C9D6C3" },
};

static const struct { const char *gesture, *emotion; } gestures[] = {
	{ "friendly", "Friendly" }, { "enthusiastic", "Excited" }, { "professional", "Serious" },
	{ "calm", "Soothing" },
};

/* The background object for the option, or NULL when it is unusable. */
static json_t *heygen_background(const char *bg)
{
	json_t *o = json_object();
	if (bg[0] == '#' && strlen(bg) == 7 && strspn(bg + 1, "0123456789abcdefABCDEF") == 6) {
		json_object_set_new(o, "type", json_string("color"));
		json_object_set_new(o, "value", json_string(bg));
		return o;
	}
	if (!strncmp(bg, "https://", 8) || !strncmp(bg, "http://", 7)) {
		json_object_set_new(o, "type", json_string("image"));
		json_object_set_new(o, "url", json_string(bg));
		return o;
	}
	for (size_t i = 0; i < ARRAY_LEN(backgrounds); i++)
		if (!strcmp(bg, backgrounds[i].name)) {
			json_object_set_new(o, "type", json_string("color"));
			json_object_set_new(o, "value", json_string(backgrounds[i].color));
			return o;
		}
	json_decref(o);
	return NULL;
}

static bool heygen_submit(const struct job *job, struct arena *a, struct task_call *call,
			  const char **why)
{
	const char *text = json_string_value(json_object_get(job->input, "text"));
	const char *audio = json_string_value(json_object_get(job->input, "audio"));
	if ((!text || !*text) && (!audio || !*audio)) {
		*why = "HeyGen needs input.text (the script) or input.audio.";
		return false;
	}
	if (text && strlen(text) > 5000) {
		*why = "HeyGen takes scripts of up to 5,000 characters.";
		return false;
	}
	const char *avatar = task_option_text(job, "avatarId", a);
	json_t *ch = json_object();
	json_object_set_new(ch, "type", json_string("avatar"));
	json_object_set_new(ch, "avatar_id", json_string(avatar ? avatar : "Daisy-inskirt-20220818"));
	const char *v = task_option_text(job, "avatarStyle", a);
	json_object_set_new(ch, "avatar_style", json_string(v ? v : "normal"));
	json_t *voice = json_object();
	if (audio && *audio) {
		json_object_set_new(voice, "type", json_string("audio"));
		json_object_set_new(voice, "audio_url", json_string(audio));
	} else {
		json_object_set_new(voice, "type", json_string("text"));
		json_object_set_new(voice, "input_text", json_string(text));
		const char *vid = json_string_value(json_object_get(job->input, "voice"));
		if (!vid || !*vid)
			vid = task_option_text(job, "voice", a);
		if (vid && *vid)
			json_object_set_new(voice, "voice_id", json_string(vid));
		json_t *speed = json_object_get(job->options, "voiceSpeed");
		if (json_is_number(speed))
			json_object_set(voice, "speed", speed);
		const char *g = task_option_text(job, "gesture", a);
		for (size_t i = 0; g && i < ARRAY_LEN(gestures); i++)
			if (!strcmp(g, gestures[i].gesture))
				json_object_set_new(voice, "emotion", json_string(gestures[i].emotion));
	}
	json_t *scene = json_object();
	json_object_set_new(scene, "character", ch);
	json_object_set_new(scene, "voice", voice);
	const char *bg = task_option_text(job, "background", a);
	if (bg && *bg) {
		json_t *b = heygen_background(bg);
		if (!b) {
			json_decref(scene);
			*why = arena_printf(a, "HeyGen background '%.60s' is not a colour (#RRGGBB), an image "
					       "URL or a known preset.", bg);
			return false;
		}
		json_object_set_new(scene, "background", b);
	}
	bool hd = (v = task_option_text(job, "resolution", a)) && !strcmp(v, "1080p");
	const char *aspect = task_option_text(job, "aspectRatio", a);
	int l = hd ? 1920 : 1280, s = hd ? 1080 : 720;
	int w = l, h = s;
	if (aspect && !strcmp(aspect, "9:16"))
		w = s, h = l;
	else if (aspect && !strcmp(aspect, "1:1"))
		w = h = s;
	json_t *dim = json_object();
	json_object_set_new(dim, "width", json_integer(w));
	json_object_set_new(dim, "height", json_integer(h));
	json_t *inputs = json_array();
	json_array_append_new(inputs, scene);
	json_t *body = json_object();
	json_object_set_new(body, "video_inputs", inputs);
	json_object_set_new(body, "dimension", dim);
	json_object_set_new(body, "caption", json_boolean(json_is_true(json_object_get(job->options, "caption"))));
	json_object_set_new(body, "callback_id", json_string(job->id));
	call->method = "POST";
	call->path = "/v2/video/generate";
	call->body = task_json_body(a, body);
	return true;
}

static bool heygen_poll(const struct job *job, const char *task_id, struct arena *a,
			struct task_call *call)
{
	(void)job;
	call->method = "GET";
	call->path = arena_printf(a, "/v1/video_status.get?video_id=%s", task_id);
	call->body = NULL;
	return true;
}

static void heygen_refine(json_t *root, long http_status, struct arena *a, struct task_view *v)
{
	(void)http_status;
	json_t *code = task_json_path(root, "error.code");
	if (!json_is_string(code))
		code = task_json_path(root, "data.error.code");
	if (json_is_string(code) && json_string_length(code))
		v->error_code = arena_strdup(a, json_string_value(code));
	json_t *msg = task_json_path(root, "data.error.message");
	if (!v->message && json_is_string(msg))
		v->message = arena_strdup(a, json_string_value(msg));
	if ((v->err != TASK_ERR_NONE || v->state == TASK_FAILED) && v->message &&
	    (strcasestr(v->message, "moderation") || strcasestr(v->message, "policy")))
		v->err = TASK_ERR_MODERATION;
}

const struct task_api task_api_heygen = {
	.name = "heygen",
	.label = "HeyGen",
	.default_base = "https://api.heygen.com",
	.statuses = heygen_statuses,
	.envelope = "data",
	.id_path = "video_id",
	.status_path = "status",
	.url_path = "video_url",
	.message_path = "error.message",
	.error_message_path = "error.message",
	.progress_scale = 1,
	.key_header = "X-Api-Key",
	.build_submit = heygen_submit,
	.build_poll = heygen_poll,
	.refine = heygen_refine,
};
