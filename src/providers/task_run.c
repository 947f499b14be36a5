/*
 * task_run.c - executes the async-task family's calls (see task_run.h).
 * Each entry point makes at most a few HTTP requests and never sleeps: a
 * throttled or unknown answer goes back to the scheduler with the seconds
 * to wait. Nothing here logs keys, bodies or URLs.
 */
#include "providers/task_run.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/log.h"
#include "providers/download.h"

long task_call_timeout_ms = TASK_CALL_TIMEOUT_MS;
long task_sync_timeout_ms = TASK_SYNC_TIMEOUT_MS;

/* The operator's outbound rule, the same for every upstream as for webhooks. */
static struct outbound_policy task_policy(const struct provider_ctx *ctx)
{
	return outbound_policy_of(ctx->cfg->webhook_allow_private, ctx->cfg->outbound_allow_loopback);
}

static void failed(struct provider_outcome *out, const struct provider_ctx *ctx,
		   enum provider_fault fault, const char *upstream_status, const char *msg)
{
	provider_fail(out, ctx, API_ERR_GENERATION_FAILED, "%s", msg);
	out->fault = fault;
	out->upstream_status = upstream_status;
}

/* The key and the base URL of api's calls: its creds hook (Vertex AI's
 * token), else the key from key_env and the configured base. */
static bool credentials(const struct task_api *api, const struct job *job,
			const struct provider_ctx *ctx, const char **key, const char **base,
			enum provider_fault *fault, const char **why)
{
	if (api->creds)
		return api->creds(ctx, key, base, fault, why);
	*fault = FAULT_CONFIG;
	*key = task_key(api, job, ctx->arena, why);
	*base = task_base_url(api, job, ctx->arena);
	return *key != NULL;
}

/* *out for credentials that could not be had. A token endpoint that
 * failed (FAULT_UPSTREAM) while a task runs upstream is no reason to give
 * the task up: a poll, result step or download looks again later, like
 * one that got no answer (the provider's time limit bounds the waiting). */
static void no_credentials(const struct task_api *api, enum task_phase phase, const struct job *job,
			   const struct provider_ctx *ctx, enum provider_fault fault, const char *why,
			   struct provider_outcome *out)
{
	if (fault == FAULT_UPSTREAM && (phase == TASK_PHASE_POLL || phase == TASK_PHASE_RESULT)) {
		log_msg(LOG_INFO, "job %s: %s credentials: %s", job->id, api->name, why);
		task_transport_outcome(api, phase, job, false, "auth", ctx->arena, out);
		return;
	}
	failed(out, ctx, fault, fault == FAULT_CONFIG ? "no key" : "auth", why);
}

/* Builds one call into *req. False when it can't be: *out FAILED, or the
 * transport outcome of a poll whose token could not be had. */
static bool prepare(const struct task_api *api, enum task_phase phase, const struct job *job,
		    const struct provider_ctx *ctx, const char *task_id, int page,
		    struct http_request *req, struct provider_outcome *out)
{
	struct arena *a = ctx->arena;
	const char *why = NULL, *key = NULL, *base = NULL;
	enum provider_fault fault;
	if (!credentials(api, job, ctx, &key, &base, &fault, &why)) {
		no_credentials(api, phase, job, ctx, fault, why, out);
		return false;
	}
	struct task_call *call = arena_calloc(a, sizeof *call);
	if (!task_build(api, phase, job, task_id, page, key, (long long)time(NULL), a, call, &fault,
			&why)) {
		failed(out, ctx, fault, fault == FAULT_REQUEST ? "refused" : "not sent", why);
		return false;
	}
	if (!ctx->http) {
		failed(out, ctx, FAULT_UPSTREAM, "not sent",
		       "The scheduler has no outbound HTTP client.");
		return false;
	}
	*req = (struct http_request){
		.method = call->method,
		.url = arena_printf(a, "%s%s", base, call->path),
		.headers = call->headers,
		.body = call->body,
		.body_len = call->body ? strlen(call->body) : 0,
		.timeout_ms = api->sync != TASK_ASYNC ? task_sync_timeout_ms : task_call_timeout_ms,
		.connect_timeout_ms = TASK_CONNECT_TIMEOUT_MS,
		.max_response_bytes = api->max_answer_bytes ? api->max_answer_bytes
				      : api->sync == TASK_SYNC_JSON ? TASK_SYNC_JSON_MAX : 0,
		.save_fd = -1,
		.policy = task_policy(ctx),
	};
	return true;
}

/* A call that got no answer: logged, and the transport outcome. */
static void no_answer(const struct task_api *api, enum task_phase phase, const struct job *job,
		      const struct provider_ctx *ctx, const struct http_request *req,
		      const struct http_response *resp, struct provider_outcome *out)
{
	log_msg(LOG_INFO, "job %s: %s %s: %s (%s)", job->id, api->name, req->method,
		http_fail_name(resp->fail), resp->error);
	task_transport_outcome(api, phase, job, resp->request_sent, http_fail_name(resp->fail),
			       ctx->arena, out);
}

/*
 * Builds and performs one call. Returns 1 when an answer arrived (*resp), 0
 * when none did (*out already holds the transport outcome, also a poll
 * whose token could not be had) and -1 when the call could not be built
 * (*out FAILED).
 */
static int exchange(const struct task_api *api, enum task_phase phase, const struct job *job,
		    const struct provider_ctx *ctx, const char *task_id, int page,
		    struct http_response *resp, struct provider_outcome *out)
{
	struct http_request req;
	if (!prepare(api, phase, job, ctx, task_id, page, &req, out))
		return out->kind == PROVIDER_FAILED ? -1 : 0;
	memset(resp, 0, sizeof *resp);
	if (http_request(ctx->http, ctx->arena, &req, resp) == 0)
		return 1;
	no_answer(api, phase, job, ctx, &req, resp, out);
	return 0;
}

/* The headers of a result download: none, or the auth header when the
 * upstream's result URL needs the key (api->download_auth). NULL with *out
 * FAILED (or the transport outcome of a poll) when the key is gone. */
static bool download_headers(const struct task_api *api, enum task_phase phase,
			     const struct job *job, const struct provider_ctx *ctx,
			     const char *const **headers, struct provider_outcome *out)
{
	*headers = NULL;
	if (!api->download_auth)
		return true;
	struct arena *a = ctx->arena;
	const char *why = NULL, *auth = NULL, *key = NULL, *base = NULL;
	enum provider_fault fault;
	if (!credentials(api, job, ctx, &key, &base, &fault, &why)) {
		no_credentials(api, phase, job, ctx, fault, why, out);
		return false;
	}
	if (!task_auth(api, key, (long long)time(NULL), a, &auth, &why)) {
		failed(out, ctx, FAULT_CONFIG, "no key", why);
		return false;
	}
	const char **h = arena_alloc(a, 2 * sizeof *h);
	h[0] = auth;
	h[1] = NULL;
	*headers = h;
	return true;
}

/* media_pass_through: the client gets the upstream's own result URL, and
 * nothing is stored. Only for a plain http(s) URL anyone can fetch: a result
 * behind the API key (Gemini's files), a gs:// reference (Vertex) or one
 * handed over inline is stored as usual. metadata stays the upstream's
 * (usually none): there is no file to read it from. */
static bool passes_through(const struct task_api *api, const struct provider_ctx *ctx, const char *url)
{
	return ctx->cfg && ctx->cfg->media_pass_through && !api->download_auth && !api->result_url &&
	       url && (!strncasecmp(url, "https://", 8) || !strncasecmp(url, "http://", 7));
}

/* The answer's outcome; a succeeded task's file is stored: decoded from
 * the answer's base64 (v->data), else downloaded from its URL. */
static void settle(const struct task_api *api, enum task_phase phase, const struct job *job,
		   const struct provider_ctx *ctx, const struct http_response *resp,
		   const struct task_view *v, struct provider_outcome *out)
{
	task_outcome(api, phase, job, resp->status, resp->retry_after_seconds, v, ctx->arena, out);
	if (out->kind != PROVIDER_COMPLETED || out->path)
		return;
	if (v->data) {
		store_base64(job, ctx, v->data, NULL, api->label, out);
		return;
	}
	if (passes_through(api, ctx, out->url))
		return;
	struct outbound_policy p = task_policy(ctx);
	const char *const *headers = NULL;
	const char *why = NULL;
	/* Vertex's gs:// references become a downloadable URL first. */
	const char *url = api->result_url ? api->result_url(ctx, out->url, ctx->arena, &why) : out->url;
	if (!url)
		failed(out, ctx, FAULT_UPSTREAM, "result", why);
	else if (!strncmp(url, "data:", 5) || download_headers(api, phase, job, ctx, &headers, out))
		download_result(job, ctx, url, headers, &p, api->label, out);
}

/* A succeeded task that names its result by reference (MiniMax's file_id):
 * the RESULT call turns the reference into the URL. The poll's status
 * stays the outcome's upstream_status. */
static bool needs_result_step(const struct task_api *api, const struct http_response *resp,
			      const struct task_view *v)
{
	return api->build_result && resp->status >= 200 && resp->status < 300 &&
	       v->err == TASK_ERR_NONE && !v->malformed && v->state == TASK_SUCCEEDED && !v->url &&
	       v->result_ref;
}

static void resolve_result(const struct task_api *api, const struct job *job,
			   const struct provider_ctx *ctx, const struct task_view *pv,
			   struct provider_outcome *out)
{
	struct http_response resp;
	if (exchange(api, TASK_PHASE_RESULT, job, ctx, pv->result_ref, 0, &resp, out) != 1)
		return;
	struct task_view v;
	task_parse_result(api, resp.status, resp.body, ctx->arena, &v);
	if (!v.status)
		v.status = pv->status;
	settle(api, TASK_PHASE_RESULT, job, ctx, &resp, &v, out);
}

/* A synchronous upstream whose answer body is the file: streamed into
 * media_dir; an error answer is read back and classified as usual. */
static void submit_body(const struct task_api *api, const struct job *job,
			const struct provider_ctx *ctx, struct provider_outcome *out)
{
	struct http_request req;
	struct http_response resp;
	if (!prepare(api, TASK_PHASE_SUBMIT, job, ctx, NULL, 0, &req, out))
		return;
	memset(out, 0, sizeof *out);
	switch (store_exchange(job, ctx, &req, api->label, &resp, out)) {
	case 0:
		no_answer(api, TASK_PHASE_SUBMIT, job, ctx, &req, &resp, out);
		return;
	case 2: {
		struct task_view v;
		task_parse_sync(api, resp.status, resp.body, ctx->arena, &v);
		task_outcome(api, TASK_PHASE_SUBMIT, job, resp.status, resp.retry_after_seconds, &v,
			     ctx->arena, out);
		return;
	}
	default:
		return;  /* stored, or FAILED */
	}
}

void task_submit(const struct task_api *api, const struct job *job,
		 const struct provider_ctx *ctx, struct provider_outcome *out)
{
	struct http_response resp;
	api = task_route_api(api, job);
	if (!provider_valid_id(job->id)) {
		failed(out, ctx, FAULT_REQUEST, "not sent", "Invalid generation id.");
		return;
	}
	if (api->sync == TASK_SYNC_BODY) {
		submit_body(api, job, ctx, out);
		return;
	}
	if (exchange(api, TASK_PHASE_SUBMIT, job, ctx, NULL, 0, &resp, out) != 1)
		return;
	struct task_view v;
	if (api->sync == TASK_SYNC_JSON)
		task_parse_sync(api, resp.status, resp.body, ctx->arena, &v);
	else
		task_parse(api, resp.status, resp.body, ctx->arena, &v);
	settle(api, TASK_PHASE_SUBMIT, job, ctx, &resp, &v, out);
}

void task_poll(const struct task_api *api, const struct job *job,
	       const struct provider_ctx *ctx, struct provider_outcome *out)
{
	struct http_response resp;
	api = task_route_api(api, job);
	if (exchange(api, TASK_PHASE_POLL, job, ctx, job->upstream_task_id, 0, &resp, out) != 1)
		return;
	struct task_view v;
	task_parse(api, resp.status, resp.body, ctx->arena, &v);
	if (needs_result_step(api, &resp, &v)) {
		resolve_result(api, job, ctx, &v, out);
		return;
	}
	settle(api, TASK_PHASE_POLL, job, ctx, &resp, &v, out);
}

void task_cancel(const struct task_api *api, const struct job *job,
		 const struct provider_ctx *ctx, struct provider_outcome *out)
{
	struct http_response resp;
	api = task_route_api(api, job);
	if (exchange(api, TASK_PHASE_CANCEL, job, ctx, job->upstream_task_id, 0, &resp, out) != 1)
		return;
	struct task_view v;
	task_parse(api, resp.status, resp.body, ctx->arena, &v);
	task_outcome(api, TASK_PHASE_CANCEL, job, resp.status, resp.retry_after_seconds, &v,
		     ctx->arena, out);
}

void task_reconcile(const struct task_api *api, const struct job *job,
		    const struct provider_ctx *ctx, struct provider_outcome *out)
{
	struct arena *a = ctx->arena;
	api = task_route_api(api, job);
	int pages = api->lookup_pages > 0 ? api->lookup_pages : 1;
	for (int page = 1; page <= pages; page++) {
		struct http_response resp;
		if (exchange(api, TASK_PHASE_LOOKUP, job, ctx, NULL, page, &resp, out) != 1)
			return;
		struct task_view v;
		json_t *root = NULL;
		if (resp.status >= 200 && resp.status < 300)
			root = json_loads(resp.body, JSON_REJECT_DUPLICATES, NULL);
		json_t *code = json_object_get(root, "code");
		if (!json_is_object(root) || (json_is_integer(code) && json_integer_value(code))) {
			/* An error answer, or a page that isn't JSON: the usual table. */
			json_decref(root);
			task_parse(api, resp.status, resp.body, a, &v);
			if (v.err == TASK_ERR_NONE)
				v.malformed = true;
			task_outcome(api, TASK_PHASE_LOOKUP, job, resp.status,
				     resp.retry_after_seconds, &v, a, out);
			return;
		}
		bool more = false;
		json_t *item = api->pick(root, job, &more);
		if (item) {
			task_parse_object(api, item, resp.status, a, &v);
			if (api->refine)
				api->refine(item, resp.status, a, &v);
			json_decref(root);
			settle(api, TASK_PHASE_LOOKUP, job, ctx, &resp, &v, out);
			return;
		}
		json_decref(root);
		if (!more)
			break;
	}
	failed(out, ctx, FAULT_UPSTREAM, "not found",
	       arena_printf(a, "Provider %s has no task for this generation: the submit did not "
			       "reach it.", api->label));
}

/* adapter fn id_verb -> task_verb(&task_api_id, ...) */
#define TASK_FN(id, verb)                                                       \
	static void id##_##verb(const struct job *j, const struct provider_ctx *c, \
				struct provider_outcome *o)                        \
	{                                                                          \
		task_##verb(&task_api_##id, j, c, o);                              \
	}

TASK_FN(luma, submit)
TASK_FN(luma, poll)
TASK_FN(luma, cancel)
TASK_FN(runway, submit)
TASK_FN(runway, poll)
TASK_FN(runway, cancel)
TASK_FN(kling, submit)
TASK_FN(kling, poll)
TASK_FN(kling, reconcile)
TASK_FN(minimax, submit)
TASK_FN(minimax, poll)
TASK_FN(wan, submit)
TASK_FN(wan, poll)
TASK_FN(veo, submit)
TASK_FN(veo, poll)
TASK_FN(seedance, submit)
TASK_FN(seedance, poll)
TASK_FN(seedance, cancel)
TASK_FN(vidu, submit)
TASK_FN(vidu, poll)
TASK_FN(vidu, cancel)
TASK_FN(bfl, submit)
TASK_FN(bfl, poll)
TASK_FN(imagen, submit)
TASK_FN(imagen, poll)
TASK_FN(seedream, submit)
TASK_FN(seedream, poll)
TASK_FN(elevenlabs, submit)
TASK_FN(elevenlabs, poll)
TASK_FN(heygen, submit)
TASK_FN(heygen, poll)

const struct provider_adapter provider_luma = {
	.name = "luma",
	.submit = luma_submit,
	.poll = luma_poll,
	.cancel = luma_cancel,
	.reconcile = NULL,         /* Luma takes no client id: nothing to look up */
};

const struct provider_adapter provider_runway = {
	.name = "runway",
	.submit = runway_submit,
	.poll = runway_poll,
	.cancel = runway_cancel,
	.reconcile = NULL,         /* Runway takes no client id: nothing to look up */
};

const struct provider_adapter provider_kling = {
	.name = "kling",
	.submit = kling_submit,
	.poll = kling_poll,
	.cancel = NULL,            /* Kling documents no cancel */
	.reconcile = kling_reconcile,
};

const struct provider_adapter provider_minimax = {
	.name = "minimax",
	.submit = minimax_submit,
	.poll = minimax_poll,
	.cancel = NULL,            /* MiniMax documents no cancel */
	.reconcile = NULL,         /* MiniMax takes no client id: nothing to look up */
};

const struct provider_adapter provider_wan = {
	.name = "wan",
	.submit = wan_submit,
	.poll = wan_poll,
	.cancel = NULL,            /* DashScope's cancel path is unverified (providers.md §8) */
	.reconcile = NULL,         /* DashScope takes no client id: nothing to look up */
};

const struct provider_adapter provider_veo = {
	.name = "veo",
	.submit = veo_submit,
	.poll = veo_poll,
	.cancel = NULL,            /* not meaningful for Veo (providers.md §4) */
	.reconcile = NULL,         /* the Gemini API takes no client id: nothing to look up */
};

const struct provider_adapter provider_seedance = {
	.name = "seedance",
	.submit = seedance_submit,
	.poll = seedance_poll,
	.cancel = seedance_cancel, /* queued tasks only; a running one finishes */
	.reconcile = NULL,         /* Ark takes no client id: nothing to look up */
};

const struct provider_adapter provider_vidu = {
	.name = "vidu",
	.submit = vidu_submit,
	.poll = vidu_poll,
	.cancel = vidu_cancel,
	.reconcile = NULL,         /* Vidu takes no client id: nothing to look up */
};

/* BFL's FLUX models, one adapter per catalog family (the model is the path).
 * No cancel and no reconcile: BFL documents neither and takes no client id. */
#define FLUX_ADAPTER(var, id)                                                  \
	const struct provider_adapter provider_##var = {                       \
		.name = id, .submit = bfl_submit, .poll = bfl_poll,             \
	};
FLUX_ADAPTER(flux_dev, "flux-dev")
FLUX_ADAPTER(flux_pro, "flux-pro")
FLUX_ADAPTER(flux_pro_1_1, "flux-pro-1.1")
FLUX_ADAPTER(flux_ultra, "flux-ultra")
FLUX_ADAPTER(flux_kontext, "flux-kontext")
FLUX_ADAPTER(flux_krea, "flux-krea")  /* the catalog routes it through fal */

/* Synchronous upstreams: the submit brings the file. A lost answer can't be
 * looked up (no task id): such a job fails and may fall back. Their poll
 * only meets jobs moved here by an aggregator route, which are polled on
 * the aggregator (task_route_api). */
const struct provider_adapter provider_imagen = {
	.name = "imagen",
	.synchronous = true,
	.submit = imagen_submit,
	.poll = imagen_poll,
};

const struct provider_adapter provider_seedream = {
	.name = "seedream",
	.synchronous = true,
	.submit = seedream_submit,
	.poll = seedream_poll,
};

const struct provider_adapter provider_elevenlabs = {
	.name = "elevenlabs",
	.synchronous = true,
	.submit = elevenlabs_submit,
	.poll = elevenlabs_poll,
};

const struct provider_adapter provider_heygen = {
	.name = "heygen",
	.submit = heygen_submit,
	.poll = heygen_poll,
	.cancel = NULL,            /* HeyGen documents no cancel */
	.reconcile = NULL,         /* callback_id can't be searched: nothing to look up */
};
