/*
 * task_api.h - the "async task" adapter family (providers.md §19.1, family
 * A): submit -> task id -> poll -> status string -> result URL. One upstream
 * is one `struct task_api` descriptor (luma.c, runway.c, kling.c, minimax.c,
 * wan.c, veo.c, seedance.c, vidu.c): its base URL, auth, request builders, the JSON paths of its
 * task object and its status-normalisation table (§19.2). Two optional
 * extensions: a "resolve result" step for upstreams whose finished task
 * holds a reference rather than a URL (MiniMax's file_id -> files/retrieve,
 * family C), and task ids that are resource names with '/' (Veo's
 * operations, family B). A vendor's descriptor may have a Vertex AI twin
 * (task_api.vertex: Veo) whose credentials come from the transport's creds
 * hook (an OAuth2 token, vertex_auth.c) rather than a key variable.
 *
 * Everything declared here is pure: builders turn a job into a `struct
 * task_call` (method, path, headers, JSON body) and parsers turn an HTTP
 * status and body into a `struct task_view` and then a provider_outcome, so
 * unit tests drive them with recorded upstream JSON. The transport that runs
 * the calls through src/outbound/http.h lives in task_run.c; the adapters
 * registered in provider.c are defined there.
 * Strings in calls, views and outcomes are allocated in the caller's arena.
 */
#ifndef DOITONG_TASK_API_H
#define DOITONG_TASK_API_H

#include <stdbool.h>
#include <jansson.h>

#include "common/arena.h"
#include "providers/provider.h"

struct http_response;

/* The normalised task state (providers.md §19.2). */
enum task_state {
	TASK_UNKNOWN = 0,    /* absent, or a status string not in the table */
	TASK_QUEUED,
	TASK_RUNNING,
	TASK_SUCCEEDED,
	TASK_FAILED,
	TASK_CANCELED,
};

/* One row of an upstream's status table; a table ends with { NULL, 0 }. */
struct task_status_map {
	const char *upstream;
	enum task_state state;
};

/* What kind of error an answer carries: decides the outcome (see
 * task_outcome). Set from the HTTP status, refined by the upstream's hook. */
enum task_err {
	TASK_ERR_NONE = 0,
	TASK_ERR_REQUEST,     /* validation: this request can't succeed (FAULT_REQUEST) */
	TASK_ERR_MODERATION,  /* content policy (FAULT_REQUEST) */
	TASK_ERR_THROTTLE,    /* rate or concurrency limit: retry later */
	TASK_ERR_ACCOUNT,     /* key, quota, balance: the operator's (FAULT_UPSTREAM) */
	TASK_ERR_SERVER,      /* 5xx, unexpected status or shape (FAULT_UPSTREAM) */
};

/* RESULT: the follow-up call of a succeeded task whose answer held a
 * reference (task_api.result_ref_path) instead of the URL. */
enum task_phase {
	TASK_PHASE_SUBMIT,
	TASK_PHASE_POLL,
	TASK_PHASE_CANCEL,
	TASK_PHASE_LOOKUP,
	TASK_PHASE_RESULT,
};

/* Which API a descriptor speaks: the vendor's, or an aggregator's for the
 * providers the catalog routes through it (routes.c). */
enum task_route {
	TASK_ROUTE_DIRECT = 0,
	TASK_ROUTE_FAL,
	TASK_ROUTE_REPLICATE,
	TASK_ROUTE_VERTEX,     /* Google Vertex AI (OAuth2 service account): the
	                          vendor's other API, descriptor task_api.vertex */
};

/* How an upstream hands over its result (providers.md §19.1). */
enum task_sync {
	TASK_ASYNC = 0,   /* submit -> task id -> poll -> result URL */
	TASK_SYNC_BODY,   /* the submit's answer body is the file (ElevenLabs) */
	TASK_SYNC_JSON,   /* the submit's answer holds the result: base64 at
	                     data_path, else a URL at url_path (Imagen, Seedream) */
};

#define TASK_MAX_HEADERS 6

/* One upstream request, before the base URL is prepended. */
struct task_call {
	const char *method;                         /* "GET", "POST", "DELETE" */
	const char *path;                           /* "/v1/tasks/abc", with any query */
	const char *headers[TASK_MAX_HEADERS + 1];  /* "Name: value", NULL-terminated */
	const char *body;                           /* compact JSON, or NULL */
};

/* What one upstream answer says, whatever the upstream. */
struct task_view {
	bool malformed;          /* the body is not the JSON object expected */
	enum task_err err;
	enum task_state state;
	const char *status;      /* the upstream's status string, or NULL */
	const char *task_id;
	const char *url;         /* result URL */
	const char *result_ref;  /* what resolves to the URL (result_ref_path), or NULL */
	int progress;            /* 0..100, or -1 when the upstream reports none */
	const char *message;     /* the upstream's error or failure text, or NULL */
	const char *error_code;  /* the upstream's error code ("1301", "SAFETY.INPUT.TEXT") */
	const char *data;        /* a synchronous answer's base64 result (data_path), or NULL */
};

/* A builder's answer: true with *call filled, or false with a client-facing
 * reason in *why (a request this upstream can't take: FAULT_REQUEST). */
typedef bool task_build_fn(const struct job *job, struct arena *a, struct task_call *call,
			   const char **why);
typedef bool task_path_fn(const struct job *job, const char *task_id, struct arena *a,
			  struct task_call *call);
/* The Authorization (or other) header for key, at time now (epoch seconds).
 * false with *why when the key is unusable (the operator's problem). */
typedef bool task_auth_fn(const char *key, long long now, struct arena *a, const char **header,
			  const char **why);
/* Upstream-specific reading of an answer: error codes, moderation. */
typedef void task_refine_fn(json_t *root, long http_status, struct arena *a,
			    struct task_view *v);
/* Reconcile: the request for page `page` (1..) of recent tasks, and the task
 * object of job in that page's answer (NULL) and whether more pages exist. */
typedef bool task_lookup_fn(const struct job *job, int page, struct arena *a,
			    struct task_call *call);
typedef json_t *task_pick_fn(json_t *root, const struct job *job, bool *more);
/* Transport side (task_run.c): credentials that are not an environment
 * variable (Vertex AI's OAuth2 token). Fills *key (what auth turns into the
 * header) and *base (the base URL), or false with *fault and *why. */
typedef bool task_creds_fn(const struct provider_ctx *ctx, const char **key, const char **base,
			   enum provider_fault *fault, const char **why);
/* Transport side: the downloadable URL of a result reference (Vertex's
 * gs:// URIs), or NULL with *why. */
typedef const char *task_result_url_fn(const struct provider_ctx *ctx, const char *ref,
				       struct arena *a, const char **why);

struct task_api {
	const char *name;            /* adapter name: "luma" */
	const char *label;           /* for messages: "Luma" */
	const char *default_base;    /* the vendor's base URL, no trailing slash */
	enum task_route route;       /* DIRECT: a vendor; else an aggregator whose key
	                                and base URL override come from key_env and
	                                base_env, not from the job */
	const char *key_env;
	const char *base_env;
	const char *const *extra_headers; /* constant headers (NULL-terminated) or NULL */
	const struct task_status_map *statuses;
	/* Dot paths into the task object (a numeric segment indexes an array);
	 * `envelope` is where the task object sits in a response (NULL: root). */
	const char *envelope;
	const char *id_path;
	const char *status_path;
	const char *url_path;
	const char *progress_path;   /* NULL: no progress reported */
	double progress_scale;       /* 100 for a 0..1 fraction, 1 for a percentage */
	const char *message_path;    /* failure text in the task object */
	const char *error_message_path; /* error text in an error answer (from the root) */
	task_auth_fn *auth;          /* NULL: key_header carries the key as is */
	const char *key_header;      /* "x-key": the key in a header of its own */
	task_build_fn *build_submit;
	task_path_fn *build_poll;
	task_path_fn *build_cancel;  /* NULL: no cancel upstream */
	task_lookup_fn *build_lookup;/* NULL: no reconcile */
	task_pick_fn *pick;
	task_refine_fn *refine;      /* NULL: the HTTP status alone decides */
	int lookup_pages;            /* how many pages reconcile reads at most */
	/* Resolve result (NULL build_result: the task answer holds the URL). A
	 * succeeded task without a URL but with a reference at result_ref_path
	 * is followed by build_result(reference); its answer holds the URL at
	 * result_url_path (from the root) and is refined like any other. */
	const char *result_ref_path;
	const char *result_url_path;
	task_path_fn *build_result;
	bool slash_ids;              /* task ids are resource names: '/' allowed
	                                between non-empty, non-dot segments */
	bool download_auth;          /* the result URL needs the auth header too */
	/* Synchronous upstreams: the submit is the whole exchange, its answer
	 * the result (download.c stores it); no poll, no task id. */
	enum task_sync sync;
	const char *data_path;       /* TASK_SYNC_JSON: base64 of the file (from the root) */
	/* Vertex AI route (TASK_ROUTE_VERTEX). On a vendor's descriptor: its
	 * Vertex AI twin, or NULL. On the twin: creds replaces key_env and the
	 * base URL; result_url maps references before the download. */
	const struct task_api *vertex;
	task_creds_fn *creds;
	task_result_url_fn *result_url;
	size_t max_answer_bytes;     /* API answers larger than 1 MiB (inline results); 0: 1 MiB */
};

/* Seconds to wait after a 429 without Retry-After, and after an unknown submit. */
#define TASK_RETRY_DEFAULT 10
#define TASK_UNKNOWN_RETRY 5
/* Longest upstream message passed on to the client. */
#define TASK_MESSAGE_MAX 300

/* The normalised state of status in table, TASK_UNKNOWN when absent. */
enum task_state task_state_of(const struct task_status_map *table, const char *status);
const char *task_state_name(enum task_state s);

/* The value at a dot path ("data.task_result.videos.0.url") or NULL. */
json_t *task_json_path(json_t *root, const char *path);

/* The prompt: input.text plus the catalog's `style` option ("…, cinematic
 * style"; "natural" adds nothing). NULL when the job has no text. */
const char *task_prompt(const struct job *job, struct arena *a);

/* Option `name` of the job as text: strings as they are, integers in
 * decimal, NULL when absent or of another type. */
const char *task_option_text(const struct job *job, const char *name, struct arena *a);

/* input.image when it is a non-empty string, else NULL. */
const char *task_input_image(const struct job *job);

/* Appends "Name: value" to call's headers (silently ignored when full). */
void task_add_header(struct task_call *call, const char *header);

/* Common headers: auth, the descriptor's constant ones, and JSON content
 * type/accept. */
void task_base_headers(const struct task_api *api, struct task_call *call, const char *auth);

/* Serialises body (consumed) as compact JSON in a. */
const char *task_json_body(struct arena *a, json_t *body);

/* Fills *v from an answer: http_status, the body text (need not be JSON).
 * The task object is looked up under api->envelope. */
void task_parse(const struct task_api *api, long http_status, const char *body,
		struct arena *a, struct task_view *v);

/* Fills *v from the answer to a RESULT call: url at api->result_url_path,
 * state SUCCEEDED unless the answer is an error (refined as usual). */
void task_parse_result(const struct task_api *api, long http_status, const char *body,
		       struct arena *a, struct task_view *v);

/* Fills *v from a synchronous upstream's answer: on a 2xx JSON object
 * state SUCCEEDED, url at api->url_path and data at api->data_path (from
 * the root); an error answer as usual; refined by the upstream's hook. */
void task_parse_sync(const struct task_api *api, long http_status, const char *body,
		     struct arena *a, struct task_view *v);

/* Google RPC errors {"error": {code, message, status, details}} (Gemini
 * API: Veo, Imagen): RESOURCE_EXHAUSTED throttles, INVALID_ARGUMENT is the
 * request's (API_KEY_INVALID in the details the operator's),
 * PERMISSION_DENIED, UNAUTHENTICATED, FAILED_PRECONDITION the operator's.
 * For an answer whose HTTP status is not 2xx; does nothing otherwise. */
void task_google_error(json_t *root, long http_status, struct arena *a, struct task_view *v);

/* The auth header of api for key at time now: "<key_header>: <key>" (BFL
 * x-key, ElevenLabs xi-api-key, HeyGen X-Api-Key, Gemini x-goog-api-key),
 * else api->auth's. False with *why when the key is unusable. */
bool task_auth(const struct task_api *api, const char *key, long long now, struct arena *a,
	       const char **header, const char **why);

/* input.image as an upstream that takes "a URL or raw base64" wants it: a
 * data: URI loses its "data:<mime>;base64," prefix. NULL without an image. */
const char *task_image_url_or_base64(const struct job *job);

/* Fills *v from a task object already parsed (reconcile's list items). */
void task_parse_object(const struct task_api *api, json_t *task, long http_status,
		       struct arena *a, struct task_view *v);

/* A client-facing copy of an upstream message: control characters become
 * spaces, URL query strings are dropped, at most TASK_MESSAGE_MAX bytes. */
const char *task_clean_message(struct arena *a, const char *msg);

/*
 * The outcome of one answer that arrived (any HTTP status): see the
 * classification table in task_api.c. retry_after is the answer's
 * Retry-After in seconds or -1. A succeeded poll gives PROVIDER_COMPLETED
 * with url = the upstream's result URL and path NULL: the transport stores
 * the file and replaces both.
 */
void task_outcome(const struct task_api *api, enum task_phase phase, const struct job *job,
		  long http_status, int retry_after, const struct task_view *v, struct arena *a,
		  struct provider_outcome *out);

/*
 * The outcome of an exchange that got no answer. request_sent: some bytes
 * of the request went out; for a submit that makes the outcome unknown.
 * fail_name is the transport's short reason ("timeout"). A poll without an
 * answer is retried after twice job's poll interval.
 */
void task_transport_outcome(const struct task_api *api, enum task_phase phase,
			    const struct job *job, bool request_sent, const char *fail_name, struct arena *a,
			    struct provider_outcome *out);

/* "Authorization: Bearer <key>" (task_auth_fn). */
bool task_auth_bearer(const char *key, long long now, struct arena *a, const char **header,
		      const char **why);

/*
 * The complete call for phase: SUBMIT (task_id unused), POLL and CANCEL
 * (task_id: the upstream's), RESULT (task_id: the reference), LOOKUP (page
 * 1..). Headers the builder added come after the auth header. Adds the auth header made
 * from key at time now, the constant headers and the JSON ones. Returns
 * false with a client-facing *why and *fault: FAULT_REQUEST when this job
 * can't be sent to this upstream, FAULT_UPSTREAM for an unusable key or
 * task id, a job whose route is not api's (a vendor descriptor gets only
 * direct jobs, fal's only fal-routed ones), a routed job without the
 * aggregator's model id, or a phase the upstream lacks (no cancel, no lookup).
 */
bool task_build(const struct task_api *api, enum task_phase phase, const struct job *job,
		const char *task_id, int page, const char *key, long long now, struct arena *a,
		struct task_call *call, enum provider_fault *fault, const char **why);

/* The key from the job's key_env (an aggregator's: api->key_env): NULL
 * (with *why) when unset or empty. */
const char *task_key(const struct task_api *api, const struct job *job, struct arena *a,
		     const char **why);

/* job->base_url (an aggregator's: the api->base_env variable), trailing
 * slashes dropped, or the default. */
const char *task_base_url(const struct task_api *api, const struct job *job, struct arena *a);

/* True when id may go into this upstream's URL paths: [A-Za-z0-9-_.:], at
 * most 128 bytes, no "." or ".." segment; with api->slash_ids also '/'
 * between segments, at most 256 bytes. */
bool task_id_ok(const struct task_api *api, const char *id);

/* "Authorization: Token <key>" (task_auth_fn; Vidu). */
bool task_auth_token(const char *key, long long now, struct arena *a, const char **header,
		     const char **why);

/* "Authorization: Key <key>" (task_auth_fn; fal). */
bool task_auth_key(const char *key, long long now, struct arena *a, const char **header,
		   const char **why);

/* The job's route as an enum task_route, or -1 for an unknown one. */
int task_route_of(const struct job *job);

/* The descriptor a job runs on: the aggregator's for a routed job (fal,
 * replicate), direct->vertex for route vertex when there is one, else
 * direct (also for an unknown route: task_build refuses). */
const struct task_api *task_route_api(const struct task_api *direct, const struct job *job);

/* The aggregator's model id for job (job->fal_model or replicate_model)
 * when api is an aggregator's (fal, Replicate) and the id is usable in a
 * path, else NULL. */
const char *task_route_model(const struct task_api *api, const struct job *job);

/* Vertex AI credentials (task_creds_fn): the service account's OAuth2
 * token and the project's publishers/google/models base URL (Veo, Imagen). */
bool task_vertex_creds(const struct provider_ctx *ctx, const char **key, const char **base,
		       enum provider_fault *fault, const char **why);

/* BytePlus Ark errors {"error": {"code", "message"}} (Seedance, Seedream):
 * codes naming sensitive content are moderation, RateLimit* throttles. */
void task_ark_refine(json_t *root, long http_status, struct arena *a, struct task_view *v);

/* BFL's width and height (multiples of 32) for an aspectRatio, false for
 * an unknown one. */
bool bfl_size(const char *aspect, int *w, int *h);

/* ElevenLabs: the voice id of a premade voice name ("rachel"), or the
 * argument itself when it has the form of a voice id; NULL otherwise. */
const char *elevenlabs_voice_id(const char *voice);

/* Runway's pixel ratio for the catalog's aspectRatio on model, or NULL. */
const char *runway_ratio(const char *model, const char *aspect);

extern const struct task_api task_api_luma;
extern const struct task_api task_api_runway;
extern const struct task_api task_api_kling;
extern const struct task_api task_api_minimax;
extern const struct task_api task_api_wan;
extern const struct task_api task_api_veo;
extern const struct task_api task_api_veo_vertex;
extern const struct task_api task_api_seedance;
extern const struct task_api task_api_vidu;
extern const struct task_api task_api_bfl;
extern const struct task_api task_api_imagen;
extern const struct task_api task_api_imagen_vertex;
extern const struct task_api task_api_seedream;
extern const struct task_api task_api_elevenlabs;
extern const struct task_api task_api_heygen;
extern const struct task_api task_api_hedra;
extern const struct task_api task_api_fal;
extern const struct task_api task_api_replicate;

#endif
