/*
 * elevenlabs.c - ElevenLabs text-to-speech, a synchronous upstream whose
 * answer body is the audio (providers.md §16, family D): task_run.c streams
 * it straight into media_dir (store_exchange).
 *
 *   submit  POST {base}/v1/text-to-speech/{voice_id}?output_format={fmt}
 *           xi-api-key: <key>, Accept: audio/mpeg (the answer is not JSON)
 *           {"text", "model_id", "voice_settings": {"stability",
 *            "similarity_boost", "style", "use_speaker_boost", "speed"},
 *            "language_code", "seed"}
 *           -> 200 with the audio bytes
 * voice: input.voice, else the voice option: a premade voice's name
 * (rachel...) or a voice id (20 alphanumerics: cloned voices too).
 * emotion has no field upstream: it is mapped onto the voice settings:
 * style (exaggeration) and an offset to the stability option (lower is more
 * expressive), from the table below. output_format: mp3_* only here (pcm,
 * ulaw and opus are raw or Ogg streams with no header the server reads).
 * Errors: 422 {"detail": [{"msg"}]}, others {"detail": {"status",
 * "message"}} (invalid_api_key, quota_exceeded: the operator's; 429
 * too_many_concurrent_requests); a status naming a policy is moderation [U].
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "providers/task_api.h"

/* Premade voices (ElevenLabs' default library). */
static const struct { const char *name, *id; } premade[] = {
	{ "rachel", "21m00Tcm4TlvDq8ikWAM" }, { "drew", "29vD33N1CtxCmqQRPOHJ" },
	{ "clyde", "2EiwWnXFnvU5JabPnv8n" },  { "paul", "5Q0t7uMcjvnagumLfvZi" },
	{ "domi", "AZnzlk1XvdvUeBnXmlld" },   { "dave", "CYw3kZ02Hs0563khs1Fj" },
	{ "fin", "D38z5RcWu1voky8WS1ja" },    { "sarah", "EXAVITQu4vr4xnSDxMaL" },
	{ "antoni", "ErXwobaYiN019PkySvjV" }, { "thomas", "GBv7mTt0atIp3Br8iCZE" },
	{ "charlie", "IKne3meq5aSn9XLyUdCD" }, { "george", "JBFqnCBsd6RMkjVDRZzb" },
	{ "emily", "LcfcDJNUP1GQjkzn1xUU" },  { "elli", "MF3mGyEYCl7XYWbV9V6O" },
	{ "callum", "N2lVS1w4EtoT3dr4eOWO" }, { "harry", "SOYHLrjzK2X1ezoPC6cr" },
	{ "liam", "TX3LPaxmHKxFdv7VOQHJ" },   { "josh", "TxGEqnHWrfWFTfGW9XjX" },
	{ "arnold", "VR6AewLTigWG4xSOukaG" }, { "charlotte", "XB0fDUnXU5powFXDhCwa" },
	{ "alice", "Xb7hH8MSUJpSbSDYk0k2" },  { "matilda", "XrExE9yKIg1WjnnlVkGX" },
	{ "james", "ZQe5CZNOzWyzPSCn5a3c" },  { "jessica", "cgSgspJ2msm6clMCkdW9" },
	{ "brian", "nPczCjzI2devNBz1zQrb" },  { "daniel", "onwK4e9ZLuTAKqWW03F9" },
	{ "lily", "pFZP5JQG7iQjIQuC4Bku" },   { "adam", "pNInz6obpgDQGcFmaJgB" },
	{ "bill", "pqHfZKP75CvOlQylNhV4" },
};

/* emotion -> style and the offset to stability. */
static const struct { const char *emotion; double style, stability; } emotions[] = {
	{ "neutral", 0.0, 0.0 },  { "happy", 0.5, -0.1 },     { "excited", 0.8, -0.2 },
	{ "sad", 0.4, 0.1 },      { "angry", 0.7, -0.2 },     { "calm", 0.1, 0.25 },
	{ "whispering", 0.3, 0.1 }, { "serious", 0.2, 0.2 },
};

const char *elevenlabs_voice_id(const char *voice)
{
	if (!voice)
		return NULL;
	for (size_t i = 0; i < ARRAY_LEN(premade); i++)
		if (!strcasecmp(voice, premade[i].name))
			return premade[i].id;
	size_t n = strlen(voice);
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)voice[i]))
			return NULL;
	return n == 20 ? voice : NULL;
}

static double option_number(const struct job *job, const char *name, double dflt)
{
	json_t *o = json_object_get(job->options, name);
	return json_is_number(o) ? json_number_value(o) : dflt;
}

static double clamp01(double d)
{
	return d < 0 ? 0 : d > 1 ? 1 : d;
}

static bool elevenlabs_submit(const struct job *job, struct arena *a, struct task_call *call,
			      const char **why)
{
	json_t *t = json_object_get(job->input, "text");
	if (!json_is_string(t) || !json_string_length(t)) {
		*why = "ElevenLabs needs input.text.";
		return false;
	}
	json_t *iv = json_object_get(job->input, "voice");
	const char *voice = json_is_string(iv) && json_string_length(iv) ? json_string_value(iv)
									 : task_option_text(job, "voice", a);
	const char *voice_id = elevenlabs_voice_id(voice ? voice : "rachel");
	if (!voice_id) {
		*why = arena_printf(a, "ElevenLabs has no voice '%.60s': use a premade voice name "
				       "(rachel, adam, ...) or a voice id.", voice);
		return false;
	}
	const char *fmt = task_option_text(job, "outputFormat", a);
	if (!fmt)
		fmt = "mp3_44100_128";
	if (strncmp(fmt, "mp3_", 4) || strspn(fmt, "mp3_0123456789") != strlen(fmt)) {
		*why = "ElevenLabs results are stored as MP3: outputFormat must be one of the mp3_* values.";
		return false;
	}
	double style = 0, offset = 0;
	const char *emotion = task_option_text(job, "emotion", a);
	for (size_t i = 0; emotion && i < ARRAY_LEN(emotions); i++)
		if (!strcmp(emotion, emotions[i].emotion)) {
			style = emotions[i].style;
			offset = emotions[i].stability;
		}
	json_t *vs = json_object();
	json_object_set_new(vs, "stability", json_real(clamp01(option_number(job, "stability", 0.5) + offset)));
	json_object_set_new(vs, "similarity_boost", json_real(clamp01(option_number(job, "similarityBoost", 0.75))));
	json_object_set_new(vs, "style", json_real(style));
	json_object_set_new(vs, "use_speaker_boost", json_true());
	json_object_set_new(vs, "speed", json_real(option_number(job, "speed", 1)));
	json_t *b = json_object();
	json_object_set(b, "text", t);
	json_object_set_new(b, "model_id", json_string(job->upstream_model && *job->upstream_model
						       ? job->upstream_model : "eleven_multilingual_v2"));
	json_object_set_new(b, "voice_settings", vs);
	const char *lang = task_option_text(job, "languageCode", a);
	if (lang && *lang)
		json_object_set_new(b, "language_code", json_string(lang));
	json_t *seed = json_object_get(job->options, "seed");
	if (json_is_integer(seed))
		json_object_set(b, "seed", seed);
	call->method = "POST";
	call->path = arena_printf(a, "/v1/text-to-speech/%s?output_format=%s", voice_id, fmt);
	call->body = task_json_body(a, b);
	return true;
}

static void elevenlabs_refine(json_t *root, long http_status, struct arena *a, struct task_view *v)
{
	(void)http_status;
	json_t *st = task_json_path(root, "detail.status");
	json_t *msg = task_json_path(root, "detail.0.msg");
	if (!v->message && json_is_string(msg))
		v->message = arena_strdup(a, json_string_value(msg));
	if (!json_is_string(st))
		return;
	const char *s = json_string_value(st);
	v->error_code = arena_strdup(a, s);
	if (strstr(s, "api_key") || strstr(s, "quota") || strstr(s, "payment"))
		v->err = TASK_ERR_ACCOUNT;
	else if (strstr(s, "too_many") || strstr(s, "rate_limit"))
		v->err = TASK_ERR_THROTTLE;
	else if (strstr(s, "policy") || strstr(s, "moderation"))
		v->err = TASK_ERR_MODERATION;
}

const struct task_api task_api_elevenlabs = {
	.name = "elevenlabs",
	.label = "ElevenLabs",
	.default_base = "https://api.elevenlabs.io",
	.extra_headers = (const char *const[]){ "Accept: audio/mpeg", NULL },
	.error_message_path = "detail.message",
	.progress_scale = 1,
	.key_header = "xi-api-key",
	.build_submit = elevenlabs_submit,
	.refine = elevenlabs_refine,
	.sync = TASK_SYNC_BODY,
};
