/*
 * task_api.c - the pure half of the async-task family: status tables, JSON
 * paths, option and prompt helpers, answer parsing and the one place where
 * an upstream answer becomes a provider_outcome. No I/O, no clock.
 *
 * Classification (what the scheduler's breakers and fallback act on):
 *   not sent: no key, bad key form, route mismatch  FAILED   FAULT_CONFIG (no breaker)
 *   not sent: the job doesn't fit this upstream      FAILED   FAULT_REQUEST
 *   no answer, nothing sent (DNS, connect, guard)    FAILED   FAULT_UPSTREAM
 *   no answer after sending: submit                  SUBMIT_UNKNOWN, retry 5 s
 *                            lookup, cancel          FAILED   FAULT_UPSTREAM
 *   poll or result: no answer, 5xx or 429, or a 2xx  RETRY_LATER (the task may well
 *     whose error code means rate limit (MiniMax       finish: the provider's time
 *     1002)                                            limit bounds the waiting)
 *   429, Kling 1302/1303, MiniMax 1002,              RETRY_LATER, Retry-After or 10 s
 *     DashScope Throttling*
 *   401, 403, Kling 1000-1004/1100-1104/1304,        FAILED   FAULT_UPSTREAM (key, quota)
 *     MiniMax 1004/1008/2038, DashScope InvalidApiKey/Arrearage/AccessDenied*,
 *     Google API_KEY_INVALID/PERMISSION_DENIED/FAILED_PRECONDITION
 *   400, 422, Kling 1200/1201, MiniMax 2013,         FAILED   FAULT_REQUEST  (upstream's text)
 *     DashScope InvalidParameter*, Google INVALID_ARGUMENT (also as a
 *     finished Veo operation's error)
 *   moderation: Kling 1300/1301, Runway SAFETY.*,    FAILED   FAULT_REQUEST
 *     Luma/Kling failure text naming moderation, MiniMax 1026/1027,
 *     DashScope DataInspectionFailed/IPInfringementSuspect, Veo done with
 *     no sample and raiMediaFilteredCount > 0
 *   3xx, 404, other 4xx, 5xx, Kling 5000-5002,       FAILED   FAULT_UPSTREAM
 *     MiniMax 1000/1001/1013 and other codes (also in a 200, also on a poll)
 *   a finished Veo operation's other error (also     FAILED   FAULT_UPSTREAM
 *     RESOURCE_EXHAUSTED: final, nothing to retry)
 *   2xx with malformed JSON, no task id, an unknown
 *     status, or success without a URL               FAILED   FAULT_UPSTREAM
 *   task failed upstream (not moderation)            FAILED   FAULT_UPSTREAM
 *   DashScope UNKNOWN (task expired or not found)    FAILED   FAULT_UPSTREAM
 *   task cancelled upstream                          FAILED   FAULT_UPSTREAM
 *   queued / running (Runway THROTTLED is queued)    RUNNING  (progress never goes back)
 *   succeeded with a URL                             COMPLETED (url = upstream's; stored later)
 *   succeeded with a reference (MiniMax file_id)     the RESULT call, classified as above
 * Every FAILED is GENERATION_FAILED (err.h has no content-policy code) and
 * every outcome carries upstream_status.
 */
#include "providers/task_api.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

enum task_state task_state_of(const struct task_status_map *table, const char *status)
{
	if (!status)
		return TASK_UNKNOWN;
	for (; table && table->upstream; table++)
		if (!strcmp(table->upstream, status))
			return table->state;
	return TASK_UNKNOWN;
}

const char *task_state_name(enum task_state s)
{
	switch (s) {
	case TASK_UNKNOWN: return "unknown";
	case TASK_QUEUED: return "queued";
	case TASK_RUNNING: return "running";
	case TASK_SUCCEEDED: return "succeeded";
	case TASK_FAILED: return "failed";
	case TASK_CANCELED: return "canceled";
	}
	return "?";
}

json_t *task_json_path(json_t *root, const char *path)
{
	if (!path)
		return NULL;
	json_t *cur = root;
	const char *p = path;
	while (cur && *p) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		if (json_is_array(cur)) {
			char *end;
			unsigned long i = strtoul(p, &end, 10);
			if (end != p + len || len == 0)
				return NULL;
			cur = json_array_get(cur, i);
		} else if (json_is_object(cur)) {
			cur = json_object_getn(cur, p, len);
		} else {
			return NULL;
		}
		p += len + (dot ? 1 : 0);
	}
	return cur;
}

static const char *path_string(json_t *root, const char *path, struct arena *a)
{
	json_t *v = task_json_path(root, path);
	if (json_is_string(v))
		return json_string_length(v) ? arena_strdup(a, json_string_value(v)) : NULL;
	if (json_is_integer(v))
		return arena_printf(a, "%lld", (long long)json_integer_value(v));
	return NULL;
}

const char *task_option_text(const struct job *job, const char *name, struct arena *a)
{
	json_t *v = json_object_get(job->options, name);
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v))
		return arena_printf(a, "%lld", (long long)json_integer_value(v));
	return NULL;
}

const char *task_input_image(const struct job *job)
{
	json_t *v = json_object_get(job->input, "image");
	return json_is_string(v) && json_string_length(v) ? json_string_value(v) : NULL;
}

const char *task_image_url_or_base64(const struct job *job)
{
	const char *img = task_input_image(job);
	if (img && !strncmp(img, "data:", 5)) {
		const char *b64 = strstr(img, ";base64,");
		return b64 && b64[8] ? b64 + 8 : NULL;
	}
	return img;
}

const char *task_prompt(const struct job *job, struct arena *a)
{
	json_t *t = json_object_get(job->input, "text");
	const char *text = json_is_string(t) && json_string_length(t) ? json_string_value(t) : NULL;
	json_t *s = json_object_get(job->options, "style");
	const char *style = json_is_string(s) ? json_string_value(s) : NULL;
	if (!text || !style || !*style || !strcmp(style, "natural") || !strcmp(style, "none"))
		return text;
	return arena_printf(a, "%s, %s style", text, style);
}

void task_add_header(struct task_call *call, const char *header)
{
	for (size_t i = 0; i < TASK_MAX_HEADERS; i++)
		if (!call->headers[i]) {
			call->headers[i] = header;
			call->headers[i + 1] = NULL;
			return;
		}
}

void task_base_headers(const struct task_api *api, struct task_call *call, const char *auth)
{
	memset(call->headers, 0, sizeof call->headers);
	task_add_header(call, auth);
	bool accept = false;
	for (const char *const *h = api->extra_headers; h && *h; h++) {
		task_add_header(call, *h);
		accept |= !strncasecmp(*h, "Accept:", 7);
	}
	if (!accept)  /* an upstream answering with a file says what it sends */
		task_add_header(call, "Accept: application/json");
	if (call->body)
		task_add_header(call, "Content-Type: application/json");
}

const char *task_json_body(struct arena *a, json_t *body)
{
	char *s = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
	json_decref(body);
	if (!s)
		oom_abort();
	const char *copy = arena_strdup(a, s);
	free(s);
	return copy;
}

const char *task_clean_message(struct arena *a, const char *msg)
{
	if (!msg || !*msg)
		return NULL;
	size_t n = strlen(msg), o = 0;
	char *out = arena_alloc(a, n + 1);
	for (size_t i = 0; i < n && o < TASK_MESSAGE_MAX;) {
		unsigned char c = (unsigned char)msg[i];
		/* A URL's query may hold a signature or token: keep up to '?'. */
		if ((!strncmp(msg + i, "http://", 7) || !strncmp(msg + i, "https://", 8))) {
			while (i < n && !isspace((unsigned char)msg[i]) && msg[i] != '?' &&
			       o < TASK_MESSAGE_MAX)
				out[o++] = msg[i++];
			while (i < n && !isspace((unsigned char)msg[i]))
				i++;
			continue;
		}
		out[o++] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
		i++;
	}
	/* Never end inside a UTF-8 sequence. */
	if (o == TASK_MESSAGE_MAX) {
		size_t k = o;
		while (k > 0 && ((unsigned char)out[k - 1] & 0xC0) == 0x80)
			k--;
		if (k > 0 && ((unsigned char)out[k - 1] & 0xC0) == 0xC0)
			o = k - 1;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	return o ? out : NULL;
}

static enum task_err err_of_http(long status)
{
	if (status >= 200 && status < 300)
		return TASK_ERR_NONE;
	switch (status) {
	case 429: return TASK_ERR_THROTTLE;
	case 401:
	case 403: return TASK_ERR_ACCOUNT;
	case 400:
	case 422: return TASK_ERR_REQUEST;
	default: return TASK_ERR_SERVER;
	}
}

void task_parse_object(const struct task_api *api, json_t *task, long http_status,
		       struct arena *a, struct task_view *v)
{
	memset(v, 0, sizeof *v);
	v->progress = -1;
	v->err = err_of_http(http_status);
	if (!json_is_object(task)) {
		v->malformed = true;
		return;
	}
	v->task_id = path_string(task, api->id_path, a);
	v->status = path_string(task, api->status_path, a);
	v->state = task_state_of(api->statuses, v->status);
	v->url = path_string(task, api->url_path, a);
	v->result_ref = path_string(task, api->result_ref_path, a);
	v->message = path_string(task, api->message_path, a);
	json_t *p = task_json_path(task, api->progress_path);
	if (json_is_number(p)) {
		double d = json_number_value(p) * api->progress_scale;
		v->progress = d < 0 ? 0 : d > 100 ? 100 : (int)d;
	}
}

void task_parse(const struct task_api *api, long http_status, const char *body,
		struct arena *a, struct task_view *v)
{
	json_t *root = body && *body ? json_loads(body, JSON_REJECT_DUPLICATES, NULL) : NULL;
	json_t *task = api->envelope ? json_object_get(root, api->envelope) : root;
	task_parse_object(api, task, http_status, a, v);
	if (json_is_object(root)) {
		/* An error answer has no task object but may have a message. */
		if (v->malformed && v->err != TASK_ERR_NONE)
			v->malformed = false;
		if (!v->message && v->err != TASK_ERR_NONE)
			v->message = path_string(root, api->error_message_path, a);
		if (api->refine)
			api->refine(root, http_status, a, v);
	}
	if (v->malformed && v->err == TASK_ERR_NONE)
		v->err = TASK_ERR_SERVER;
	json_decref(root);
}

/* The final answer of a RESULT call or of a synchronous submit. */
static void parse_final(const struct task_api *api, long http_status, const char *body,
			const char *url_path, const char *data_path, struct arena *a,
			struct task_view *v)
{
	json_t *root = body && *body ? json_loads(body, JSON_REJECT_DUPLICATES, NULL) : NULL;
	memset(v, 0, sizeof *v);
	v->progress = -1;
	v->err = err_of_http(http_status);
	if (!json_is_object(root)) {
		v->malformed = v->err == TASK_ERR_NONE;
		if (v->malformed)
			v->err = TASK_ERR_SERVER;
		json_decref(root);
		return;
	}
	if (v->err == TASK_ERR_NONE) {
		v->state = TASK_SUCCEEDED;
		v->url = path_string(root, url_path, a);
		v->data = path_string(root, data_path, a);
	} else {
		v->message = path_string(root, api->error_message_path, a);
	}
	if (api->refine)
		api->refine(root, http_status, a, v);
	json_decref(root);
}

void task_parse_result(const struct task_api *api, long http_status, const char *body,
		       struct arena *a, struct task_view *v)
{
	parse_final(api, http_status, body, api->result_url_path, NULL, a, v);
}

void task_parse_sync(const struct task_api *api, long http_status, const char *body,
		     struct arena *a, struct task_view *v)
{
	parse_final(api, http_status, body, api->url_path, api->data_path, a, v);
}

/* upstream_status: the error code, else the status string, else the HTTP code. */
static const char *status_text(long http_status, const struct task_view *v, struct arena *a)
{
	bool ok = http_status >= 200 && http_status < 300;
	if (!ok)
		return v->error_code ? arena_printf(a, "%ld %s", http_status, v->error_code)
				     : arena_printf(a, "%ld", http_status);
	if (v->error_code)
		return v->error_code;
	return v->status ? v->status : arena_printf(a, "%ld", http_status);
}

static void fail(struct provider_outcome *out, struct arena *a, enum provider_fault fault,
		 const char *upstream_status, const char *prefix, const char *detail)
{
	const char *msg = task_clean_message(a, detail);
	memset(out, 0, sizeof *out);
	out->kind = PROVIDER_FAILED;
	out->code = API_ERR_GENERATION_FAILED;
	out->fault = fault;
	out->upstream_status = upstream_status;
	out->message = msg ? arena_printf(a, "%s: %s", prefix, msg) : arena_printf(a, "%s.", prefix);
}

/* Task ids go into URL paths: a conservative alphabet, no segment that a
 * client would resolve ("." and ".."), '/' only where the upstream's ids
 * are resource names (Veo's "models/m/operations/x"). */
bool task_id_ok(const struct task_api *api, const char *id)
{
	bool slash = api && api->slash_ids;
	if (!id)
		return false;
	size_t n = 0, seg = 0, dots = 0;
	for (; id[n]; n++) {
		char c = id[n];
		if (c == '/' && slash) {
			if (seg == 0 || dots == seg)
				return false;  /* empty, "." or ".." segment */
			seg = dots = 0;
			continue;
		}
		if (!isalnum((unsigned char)c) && !strchr("-_.:", c))
			return false;
		seg++;
		dots += c == '.';
	}
	return seg > 0 && dots < seg && n <= (slash ? 256u : 128u);
}

static void error_outcome(const struct task_api *api, long http, int retry_after,
			  const struct task_view *v, const char *us, struct arena *a,
			  struct provider_outcome *out)
{
	const char *label = api->label;
	switch (v->err) {
	case TASK_ERR_THROTTLE:
		memset(out, 0, sizeof *out);
		out->kind = PROVIDER_RETRY_LATER;
		out->retry_seconds = retry_after > 0 ? retry_after : TASK_RETRY_DEFAULT;
		out->upstream_status = us;
		return;
	case TASK_ERR_MODERATION:
		fail(out, a, FAULT_REQUEST, us,
		     arena_printf(a, "Provider %s refused the content under its moderation policy", label),
		     v->message);
		return;
	case TASK_ERR_REQUEST:
		fail(out, a, FAULT_REQUEST, us,
		     arena_printf(a, "Provider %s refused the request (HTTP %ld)", label, http),
		     v->message);
		return;
	case TASK_ERR_ACCOUNT:
		/* Upstream account texts (balance, key) are the operator's business. */
		fail(out, a, FAULT_UPSTREAM, us,
		     arena_printf(a, "Provider %s refused the server's API key or account (HTTP %ld)",
				  label, http), NULL);
		return;
	case TASK_ERR_SERVER:
	case TASK_ERR_NONE:
		break;
	}
	if (v->malformed)
		fail(out, a, FAULT_UPSTREAM, us,
		     arena_printf(a, "Provider %s sent an answer the server could not read (HTTP %ld)",
				  label, http), NULL);
	else
		fail(out, a, FAULT_UPSTREAM, us,
		     arena_printf(a, "Provider %s failed (HTTP %ld)", label, http), v->message);
}

static void running(const struct job *job, const struct task_view *v,
		    struct provider_outcome *out)
{
	out->kind = PROVIDER_RUNNING;
	int p = job->progress;
	if (v->progress > p)
		p = v->progress;
	out->progress = p > 99 ? 99 : p < 0 ? 0 : p;
	out->next_poll_seconds = provider_poll_backoff(job, (long long)time(NULL));
}

/* A poll that met a failing or overloaded upstream learnt nothing about the
 * task: poll again after Retry-After, else twice the usual backoff. */
static void poll_later(const struct job *job, int retry_after, const char *us,
		       struct provider_outcome *out)
{
	memset(out, 0, sizeof *out);
	out->kind = PROVIDER_RETRY_LATER;
	out->upstream_status = us;
	out->retry_seconds = retry_after > 0 ? retry_after
			     : 2 * provider_poll_backoff(job, (long long)time(NULL));
}

void task_outcome(const struct task_api *api, enum task_phase phase, const struct job *job,
		  long http, int retry_after, const struct task_view *v, struct arena *a,
		  struct provider_outcome *out)
{
	const char *us = status_text(http, v, a);
	const char *label = api->label;
	bool poll_like = phase == TASK_PHASE_POLL || phase == TASK_PHASE_RESULT;
	bool ok = http >= 200 && http < 300;
	if (poll_like && (http >= 500 || http == 429 ||
			  (ok && !v->malformed && v->err == TASK_ERR_THROTTLE))) {
		poll_later(job, retry_after, us, out);
		return;
	}
	if (v->err != TASK_ERR_NONE || v->malformed) {
		error_outcome(api, http, retry_after, v, us, a, out);
		return;
	}
	if (phase == TASK_PHASE_CANCEL) {
		memset(out, 0, sizeof *out);
		out->kind = PROVIDER_RUNNING;  /* ignored by the scheduler */
		out->upstream_status = us;
		return;
	}
	if (phase == TASK_PHASE_SUBMIT && api->sync == TASK_ASYNC) {
		if (!task_id_ok(api, v->task_id)) {
			fail(out, a, FAULT_UPSTREAM, us,
			     arena_printf(a, "Provider %s accepted the request without a usable task id",
					  label), NULL);
			return;
		}
		memset(out, 0, sizeof *out);
		out->kind = PROVIDER_SUBMITTED;
		out->task_id = v->task_id;
		out->upstream_status = us;
		return;
	}
	memset(out, 0, sizeof *out);
	out->upstream_status = us;
	/* A task found by reconcile is reported with its id, so the scheduler
	 * records it: still running -> SUBMITTED. */
	if (phase == TASK_PHASE_LOOKUP && !task_id_ok(api, v->task_id)) {
		fail(out, a, FAULT_UPSTREAM, us,
		     arena_printf(a, "Provider %s listed the task without a usable id", label), NULL);
		return;
	}
	switch (v->state) {
	case TASK_QUEUED:
	case TASK_RUNNING:
		if (phase == TASK_PHASE_LOOKUP) {
			out->kind = PROVIDER_SUBMITTED;
			out->task_id = v->task_id;
			return;
		}
		running(job, v, out);
		return;
	case TASK_SUCCEEDED:
		if (!v->url && !v->data) {
			fail(out, a, FAULT_UPSTREAM, us,
			     arena_printf(a, "Provider %s reported success without a result URL", label),
			     NULL);
			return;
		}
		out->kind = PROVIDER_COMPLETED;
		out->url = v->url;
		out->progress = 100;
		if (phase == TASK_PHASE_LOOKUP)
			out->task_id = v->task_id;
		return;
	case TASK_FAILED:
		fail(out, a, FAULT_UPSTREAM, us,
		     arena_printf(a, "Provider %s could not generate the result", label), v->message);
		return;
	case TASK_CANCELED:
		fail(out, a, FAULT_UPSTREAM, us,
		     arena_printf(a, "Provider %s cancelled the task", label), v->message);
		return;
	case TASK_UNKNOWN:
		fail(out, a, FAULT_UPSTREAM, us,
		     v->status ? arena_printf(a, "Provider %s reported an unknown status '%s'", label,
					      task_clean_message(a, v->status))
			       : arena_printf(a, "Provider %s sent an answer without a status", label),
		     NULL);
		return;
	}
}

void task_transport_outcome(const struct task_api *api, enum task_phase phase,
			    const struct job *job, bool request_sent, const char *fail_name, struct arena *a,
			    struct provider_outcome *out)
{
	memset(out, 0, sizeof *out);
	const char *us = arena_strdup(a, fail_name ? fail_name : "no answer");
	if (phase == TASK_PHASE_POLL || phase == TASK_PHASE_RESULT) {
		poll_later(job, -1, us, out);
		return;
	}
	out->upstream_status = us;
	if (phase == TASK_PHASE_SUBMIT && request_sent) {
		out->kind = PROVIDER_SUBMIT_UNKNOWN;
		out->retry_seconds = TASK_UNKNOWN_RETRY;
		return;
	}
	out->kind = PROVIDER_FAILED;
	out->code = API_ERR_GENERATION_FAILED;
	out->fault = FAULT_UPSTREAM;
	out->message = arena_printf(a, "Provider %s could not be reached (%s).", api->label,
				    out->upstream_status);
}

bool task_build(const struct task_api *api, enum task_phase phase, const struct job *job,
		const char *task_id, int page, const char *key, long long now, struct arena *a,
		struct task_call *call, enum provider_fault *fault, const char **why)
{
	memset(call, 0, sizeof *call);
	*fault = FAULT_CONFIG;  /* until the request itself is judged below */
	bool ok = false;
	/* An aggregator route speaks another protocol with another key. */
	if (task_route_of(job) != (int)api->route) {
		*why = arena_printf(a, "Provider %s is routed through '%s', which %s does not speak.",
				    job->provider ? job->provider : api->label,
				    job->route ? job->route : "direct", api->label);
		return false;
	}
	if ((api->route == TASK_ROUTE_FAL || api->route == TASK_ROUTE_REPLICATE) &&
	    !task_route_model(api, job)) {
		*why = arena_printf(a, "Provider %s has no usable %s model id in the catalog.",
				    job->provider ? job->provider : "?", api->label);
		return false;
	}
	switch (phase) {
	case TASK_PHASE_SUBMIT:
		ok = api->build_submit(job, a, call, why);
		if (!ok)
			*fault = FAULT_REQUEST;
		break;
	case TASK_PHASE_POLL:
	case TASK_PHASE_CANCEL:
	case TASK_PHASE_RESULT: {
		task_path_fn *fn = phase == TASK_PHASE_POLL ? api->build_poll
				   : phase == TASK_PHASE_CANCEL ? api->build_cancel : api->build_result;
		*fault = FAULT_UPSTREAM;
		if (!fn) {
			*why = arena_printf(a, "Provider %s has no %s.", api->label,
					    phase == TASK_PHASE_CANCEL ? "cancel"
					    : phase == TASK_PHASE_POLL ? "task to poll (it answers synchronously)"
					    : "result step");
			return false;
		}
		if (!task_id_ok(api, task_id)) {
			*why = arena_printf(a, "The upstream task id for provider %s is missing or invalid.",
					    api->label);
			return false;
		}
		ok = fn(job, task_id, a, call);
		break;
	}
	case TASK_PHASE_LOOKUP:
		*fault = FAULT_UPSTREAM;
		if (!api->build_lookup) {
			*why = arena_printf(a, "Provider %s has no task lookup.", api->label);
			return false;
		}
		ok = api->build_lookup(job, page, a, call);
		break;
	}
	if (!ok) {
		if (!*why)
			*why = arena_printf(a, "Provider %s can't build this call for the job.", api->label);
		return false;
	}
	const char *auth = NULL;
	if (!task_auth(api, key, now, a, &auth, why)) {
		*fault = FAULT_CONFIG;  /* a key of the wrong form */
		return false;
	}
	/* The builder's own headers (DashScope's async switch) follow the
	 * common ones. */
	const char *own[TASK_MAX_HEADERS + 1];
	memcpy(own, call->headers, sizeof own);
	task_base_headers(api, call, auth);
	for (size_t i = 0; i < TASK_MAX_HEADERS && own[i]; i++)
		task_add_header(call, own[i]);
	return true;
}

const char *task_key(const struct task_api *api, const struct job *job, struct arena *a,
		     const char **why)
{
	const char *env = api->key_env ? api->key_env : job->key_env;
	const char *key = env && *env ? getenv(env) : NULL;
	if (!key || !*key) {
		*why = arena_printf(a, "Provider %s has no API key configured.", api->label);
		return NULL;
	}
	return key;
}

const char *task_base_url(const struct task_api *api, const struct job *job, struct arena *a)
{
	const char *over = api->base_env ? getenv(api->base_env) : job->base_url;
	const char *base = over && *over ? over : api->default_base;
	size_t n = strlen(base);
	while (n && base[n - 1] == '/')
		n--;
	return arena_strndup(a, base, n);
}

bool task_auth(const struct task_api *api, const char *key, long long now, struct arena *a,
	       const char **header, const char **why)
{
	if (api->key_header) {
		*header = arena_printf(a, "%s: %s", api->key_header, key);
		return true;
	}
	return api->auth(key, now, a, header, why);
}

bool task_auth_bearer(const char *key, long long now, struct arena *a, const char **header,
		      const char **why)
{
	(void)now;
	(void)why;
	*header = arena_printf(a, "Authorization: Bearer %s", key);
	return true;
}
