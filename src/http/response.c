/*
 * response.c - status, headers and the JSON envelope (see response.h).
 *
 * Status rules (GraphQL over HTTP, 2025-05-08 text, plus SPEC §4): with
 * application/json every GraphQL response is 200; with
 * application/graphql-response+json a request error (parse, validation,
 * variables) is 400. Errors that are not GraphQL results keep their own
 * status in both: 400 bad body, 401, 405, 406, 413, 415, 429, 500, 503.
 */
#include "http/response.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "http/ide.h"

/* q-value of a media range entry; 1 when absent. */
static double entry_q(const char *params, size_t len)
{
	const char *q = NULL;
	for (size_t i = 0; i + 1 < len; i++)
		if ((params[i] == 'q' || params[i] == 'Q') && params[i + 1] == '=' &&
		    (i == 0 || params[i - 1] == ';' || params[i - 1] == ' '))
			q = params + i + 2;
	if (!q)
		return 1.0;
	double v = 0;
	if (*q == '1')
		return 1.0;
	if (*q != '0')
		return 0;
	q++;
	if (*q == '.') {
		double scale = 0.1;
		for (q++; *q >= '0' && *q <= '9'; q++, scale /= 10)
			v += (*q - '0') * scale;
	}
	return v;
}

enum media http_negotiate(const char *accept)
{
	if (!accept || !*accept)
		return MEDIA_JSON;
	double q_gr = -1, q_json = -1;
	const char *p = accept;
	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		const char *start = p;
		while (*p && *p != ',')
			p++;
		size_t len = (size_t)(p - start);
		size_t type_len = 0;
		while (type_len < len && start[type_len] != ';' && start[type_len] != ' ')
			type_len++;
		double q = entry_q(start + type_len, len - type_len);
#define IS(t) (type_len == strlen(t) && !strncasecmp(start, t, type_len))
		if (IS("application/graphql-response+json")) {
			if (q > q_gr)
				q_gr = q;
		} else if (IS("application/json") || IS("application/*") || IS("*/*")) {
			if (q > q_json)
				q_json = q;
		}
#undef IS
	}
	if (q_gr > 0 && q_gr >= q_json)
		return MEDIA_GRAPHQL_RESPONSE;
	if (q_json > 0)
		return MEDIA_JSON;
	if (q_gr > 0)
		return MEDIA_GRAPHQL_RESPONSE;
	return MEDIA_NONE;
}

void response_header(struct http_response *r, const char *name, const char *value)
{
	if (r->nheaders == RESPONSE_MAX_HEADERS)
		return;
	r->names[r->nheaders] = name;
	r->values[r->nheaders] = value;
	r->nheaders++;
}

void response_header_set(struct http_response *r, const char *name, const char *value)
{
	for (int i = 0; i < r->nheaders; i++)
		if (!strcmp(r->names[i], name)) {
			r->values[i] = value;
			return;
		}
	response_header(r, name, value);
}

static void set_body(struct arena *a, struct http_response *r, json_t *envelope)
{
	char *text = json_dumps(envelope, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!text)
		oom_abort();
	r->body_len = strlen(text);
	r->body = arena_strndup(a, text, r->body_len);
	free(text);
}

static bool is_request_error(enum api_err code)
{
	return code == API_ERR_PARSE || code == API_ERR_VALIDATION;
}

static int status_for(enum api_err code, enum media media)
{
	if (is_request_error(code))
		return media == MEDIA_GRAPHQL_RESPONSE ? 400 : 200;
	return api_err_http(code);
}

static void status_headers(struct http_response *r, enum api_err code)
{
	if (code == API_ERR_METHOD_NOT_ALLOWED)
		response_header(r, "Allow", "GET, POST");
	if (code == API_ERR_UNAUTHENTICATED)
		response_header(r, "WWW-Authenticate", "Bearer");
	if (code == API_ERR_UNAVAILABLE || code == API_ERR_IDEMPOTENCY_IN_FLIGHT)
		response_header(r, "Retry-After", "1");
}

/* An integer member of obj, or -1 when absent or null. */
static long long member(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

/*
 * Rate-limit headers (SPEC §5): X-RateLimit-* for the minute window as the
 * documented clients read them (Reset in seconds), and the IETF
 * RateLimit-Policy / RateLimit fields for the minute and day windows. On a
 * 429 the refused window's figures and Retry-After. Unlimited windows
 * (ENTERPRISE) are left out.
 */
void response_rate_headers(struct arena *a, struct http_response *r, const struct gql_result *res)
{
	json_t *rate = res->rate;
	if (res->fatal == API_ERR_RATE_LIMIT && res->fatal_detail) {
		long long limit = member(res->fatal_detail, "limit");
		long long reset = member(res->fatal_detail, "resetIn");
		const char *scope = json_string_value(json_object_get(res->fatal_detail, "scope"));
		if (reset < 1)
			reset = 1;
		response_header(r, "Retry-After", arena_printf(a, "%lld", reset));
		if (limit >= 0) {
			response_header(r, "X-RateLimit-Limit", arena_printf(a, "%lld", limit));
			response_header(r, "X-RateLimit-Remaining", "0");
			response_header(r, "X-RateLimit-Reset", arena_printf(a, "%lld", reset));
			response_header(r, "RateLimit", arena_printf(a, "\"%s\";r=0;t=%lld", scope ? scope : "minute", reset));
		}
		return;
	}
	if (!json_is_object(rate))
		return;
	long long limit = member(rate, "limit"), remaining = member(rate, "remaining"), reset = member(rate, "reset");
	long long dlimit = member(rate, "dailyLimit"), dremaining = member(rate, "dailyRemaining"),
		  dreset = member(rate, "dailyReset");
	if (limit >= 0) {
		response_header(r, "X-RateLimit-Limit", arena_printf(a, "%lld", limit));
		response_header(r, "X-RateLimit-Remaining", arena_printf(a, "%lld", remaining < 0 ? 0 : remaining));
		response_header(r, "X-RateLimit-Reset", arena_printf(a, "%lld", reset < 0 ? 0 : reset));
	}
	const char *policy = NULL, *state = NULL;
	if (limit >= 0) {
		policy = arena_printf(a, "\"minute\";q=%lld;w=60", limit);
		state = arena_printf(a, "\"minute\";r=%lld;t=%lld", remaining < 0 ? 0 : remaining, reset < 0 ? 0 : reset);
	}
	if (dlimit >= 0) {
		const char *p = arena_printf(a, "\"day\";q=%lld;w=86400", dlimit);
		const char *s = arena_printf(a, "\"day\";r=%lld;t=%lld", dremaining < 0 ? 0 : dremaining, dreset < 0 ? 0 : dreset);
		policy = policy ? arena_printf(a, "%s, %s", policy, p) : p;
		state = state ? arena_printf(a, "%s, %s", state, s) : s;
	}
	if (policy) {
		response_header(r, "RateLimit-Policy", policy);
		response_header(r, "RateLimit", state);
	}
}

void response_error(struct arena *a, struct http_response *r, enum api_err code, const char *message,
		    json_t *extra)
{
	json_t *err = json_object();
	json_object_set_new(err, "message", json_string(message ? message : api_err_message(code)));
	json_t *ext = json_pack("{s:s}", "code", api_err_code(code));
	if (extra)
		json_object_update(ext, extra);
	json_object_set_new(err, "extensions", ext);
	json_t *envelope = json_pack("{s:[o]}", "errors", err);
	set_body(a, r, envelope);
	json_decref(envelope);
	r->status = status_for(code, r->media);
	status_headers(r, code);
}

void response_from_result(struct arena *a, struct http_response *r, const struct gql_result *res,
			  const char *request_id)
{
	json_t *envelope = json_object();
	if (json_array_size(res->errors))
		json_object_set(envelope, "errors", res->errors);
	if (res->data)
		json_object_set(envelope, "data", res->data);
	if (!res->data && !json_array_size(res->errors)) {
		json_t *fallback = json_pack("[{s:s,s:{s:s,s:s}}]", "message", api_err_message(API_ERR_INTERNAL),
					     "extensions", "code", "INTERNAL_ERROR", "requestId", request_id ? request_id : "");
		json_object_set_new(envelope, "errors", fallback);
	}
	set_body(a, r, envelope);
	json_decref(envelope);
	r->status = status_for(res->fatal, r->media);
	status_headers(r, res->fatal);
	response_rate_headers(a, r, res);
	if (res->replayed)
		response_header(r, "Idempotent-Replayed", "true");
}

static const char *reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}

char *response_serialize(struct arena *a, const struct http_response *r, size_t *len)
{
	const char *type = r->media == MEDIA_GRAPHQL_RESPONSE ? "application/graphql-response+json; charset=utf-8"
			   : r->media == MEDIA_HTML		 ? "text/html; charset=utf-8"
			   : r->media == MEDIA_PROMETHEUS ? "text/plain; version=0.0.4; charset=utf-8"
							     : "application/json; charset=utf-8";
	size_t cap = 256 + r->body_len;
	for (int i = 0; i < r->nheaders; i++)
		cap += strlen(r->names[i]) + strlen(r->values[i]) + 4;
	/* Security headers on every answer (issue 10 item 4): no MIME sniffing,
	 * no caching of API answers, no referrer, no framing; the IDE page gets
	 * its own policy, everything else may load nothing at all. */
	const char *csp = r->media == MEDIA_HTML ? ide_csp() : "default-src 'none'; frame-ancestors 'none'";
	cap += strlen(csp) + 256;
	char *out = arena_alloc(a, cap);
	int n = snprintf(out, cap,
			 "Status: %d %s\r\nContent-Type: %s\r\nCache-Control: no-store\r\n"
			 "X-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n"
			 "X-Frame-Options: DENY\r\nContent-Security-Policy: %s\r\n",
			 r->status, reason(r->status), type, csp);
	for (int i = 0; i < r->nheaders; i++)
		n += snprintf(out + n, cap - (size_t)n, "%s: %s\r\n", r->names[i], r->values[i]);
	n += snprintf(out + n, cap - (size_t)n, "Content-Length: %zu\r\n\r\n", r->body_len);
	memcpy(out + n, r->body, r->body_len);
	*len = (size_t)n + r->body_len;
	return out;
}
