/*
 * imagen.c - Google Imagen on the Gemini API, a synchronous upstream
 * (providers.md §10, family D): the answer is the image, base64 in JSON.
 *
 *   submit  POST {base}/models/{model}:predict   x-goog-api-key: <key>
 *           {"instances": [{"prompt"}], "parameters": {"sampleCount": 1,
 *            "aspectRatio", "personGeneration", "sampleImageSize" (1K|2K,
 *            not on the fast model), "outputOptions": {"mimeType"}}}
 *           -> {"predictions": [{"bytesBase64Encoded", "mimeType"}]}
 * One image is asked for: a generation stores one file. An image withheld
 * by the safety filter comes back with raiFilteredReason instead of bytes,
 * or no prediction at all: moderation, as is a 400 naming Responsible AI.
 * Other errors are Google RPC errors (task_google_error). Base .../v1beta.
 *
 * Vertex AI (route vertex, task_api_imagen_vertex): POST
 * {models URL}/{model}:predict with the service account's Bearer token
 * (task_vertex_creds), the same body and answer; Vertex also takes seed,
 * negativePrompt and enhancePrompt, which the Gemini API refuses.
 */
#include <string.h>

#include "providers/task_api.h"

static bool imagen_build(const struct job *job, bool vertex, struct arena *a,
			 struct task_call *call, const char **why)
{
	const char *model = job->upstream_model && *job->upstream_model ? job->upstream_model
									  : "imagen-4.0-generate-001";
	if (strspn(model, "abcdefghijklmnopqrstuvwxyz0123456789.-") != strlen(model) ||
	    strlen(model) > 100) {
		*why = "Imagen's model name is not usable.";
		return false;
	}
	const char *prompt = task_prompt(job, a);
	if (!prompt) {
		*why = "Imagen needs input.text.";
		return false;
	}
	json_t *inst = json_object(), *par = json_object(), *instances = json_array();
	json_object_set_new(inst, "prompt", json_string(prompt));
	json_array_append_new(instances, inst);
	json_object_set_new(par, "sampleCount", json_integer(1));
	const char *v = task_option_text(job, "aspectRatio", a);
	if (v)
		json_object_set_new(par, "aspectRatio", json_string(v));
	if ((v = task_option_text(job, "personGeneration", a)))
		json_object_set_new(par, "personGeneration", json_string(v));
	if ((v = task_option_text(job, "imageSize", a)) && !strstr(model, "fast"))
		json_object_set_new(par, "sampleImageSize", json_string(v));
	if ((v = task_option_text(job, "outputFormat", a))) {
		json_t *oo = json_object();
		json_object_set_new(oo, "mimeType", json_string(!strcmp(v, "jpeg") ? "image/jpeg"
										: "image/png"));
		json_object_set_new(par, "outputOptions", oo);
	}
	if (vertex) {
		json_t *o = json_object_get(job->options, "seed");
		if (json_is_integer(o))
			json_object_set(par, "seed", o);
		if ((v = task_option_text(job, "negativePrompt", a)) && *v)
			json_object_set_new(par, "negativePrompt", json_string(v));
		o = json_object_get(job->options, "enhancePrompt");
		if (json_is_boolean(o))
			json_object_set(par, "enhancePrompt", o);
	}
	json_t *b = json_object();
	json_object_set_new(b, "instances", instances);
	json_object_set_new(b, "parameters", par);
	call->method = "POST";
	/* Gemini: {base}/models/{m}; Vertex's base already ends in .../models. */
	call->path = arena_printf(a, vertex ? "/%s:predict" : "/models/%s:predict", model);
	call->body = task_json_body(a, b);
	return true;
}

static bool imagen_submit(const struct job *job, struct arena *a, struct task_call *call,
			  const char **why)
{
	return imagen_build(job, false, a, call, why);
}

static bool imagen_vertex_submit(const struct job *job, struct arena *a, struct task_call *call,
				 const char **why)
{
	return imagen_build(job, true, a, call, why);
}

static void imagen_refine(json_t *root, long http_status, struct arena *a, struct task_view *v)
{
	if (http_status < 200 || http_status >= 300) {
		task_google_error(root, http_status, a, v);
		if (v->message && strcasestr(v->message, "Responsible AI"))
			v->err = TASK_ERR_MODERATION;
		return;
	}
	if (v->data)
		return;
	json_t *why = task_json_path(root, "predictions.0.raiFilteredReason");
	json_t *preds = json_object_get(root, "predictions");
	if (json_is_string(why) || json_array_size(preds) == 0) {
		v->state = TASK_FAILED;
		v->err = TASK_ERR_MODERATION;
		v->error_code = "RAI_FILTERED";
		v->message = json_is_string(why) ? arena_strdup(a, json_string_value(why)) : NULL;
	}
}

const struct task_api task_api_imagen = {
	.name = "imagen",
	.label = "Imagen",
	.default_base = "https://generativelanguage.googleapis.com/v1beta",
	.error_message_path = "error.message",
	.progress_scale = 1,
	.key_header = "x-goog-api-key",
	.build_submit = imagen_submit,
	.refine = imagen_refine,
	.sync = TASK_SYNC_JSON,
	.data_path = "predictions.0.bytesBase64Encoded",
	.vertex = &task_api_imagen_vertex,
};

const struct task_api task_api_imagen_vertex = {
	.name = "imagen",
	.label = "Imagen (Vertex AI)",
	.route = TASK_ROUTE_VERTEX,
	.error_message_path = "error.message",
	.progress_scale = 1,
	.auth = task_auth_bearer,
	.build_submit = imagen_vertex_submit,
	.refine = imagen_refine,
	.sync = TASK_SYNC_JSON,
	.data_path = "predictions.0.bytesBase64Encoded",
	.creds = task_vertex_creds,
};
