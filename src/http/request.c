/*
 * request.c - reads a request's parameters and body, and extracts the
 * GraphQL-over-HTTP parameters (see request.h).
 */
#include "http/request.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/digest.h"
#include "common/utf8.h"
#include "common/util.h"

static const char *param_or_null(const struct http_source *src, const char *name)
{
	const char *v = src->param(src->ctx, name);
	return v && *v ? v : NULL;
}

/* REQUEST_URI is the URL the client asked for, before any rewrite, in both
 * lighttpd and Apache; plain CGI callers may only set SCRIPT_NAME/PATH_INFO. */
static const char *request_path(struct arena *a, const struct http_source *src)
{
	const char *uri = param_or_null(src, "REQUEST_URI");
	if (uri)
		return arena_strndup(a, uri, strcspn(uri, "?#"));
	const char *script = param_or_null(src, "SCRIPT_NAME"), *info = param_or_null(src, "PATH_INFO");
	if (!info)
		return script;
	return arena_printf(a, "%s%s", script ? script : "", info);
}

enum http_endpoint http_endpoint_of(const char *path)
{
	if (!path)
		return ENDPOINT_GRAPHQL;
	const char *slash = strrchr(path, '/');
	const char *last = slash ? slash + 1 : path;
	if (!strcmp(last, "healthz"))
		return ENDPOINT_HEALTHZ;
	if (!strcmp(last, "metrics"))
		return ENDPOINT_METRICS;
	return ENDPOINT_GRAPHQL;
}

bool http_request_id_ok(const char *id)
{
	if (!id)
		return false;
	size_t n = 0;
	for (; id[n]; n++)
		if (n == 64 || !(isalnum((unsigned char)id[n]) || id[n] == '.' || id[n] == '_' || id[n] == '-'))
			return false;
	return n > 0;
}

enum api_err http_request_read(struct arena *a, const struct http_source *src, long max_body,
			       struct http_request *req, const char **message)
{
	memset(req, 0, sizeof *req);
	req->method = param_or_null(src, "REQUEST_METHOD");
	if (!req->method)
		req->method = "GET";
	req->path = request_path(a, src);
	const char *rid = param_or_null(src, "HTTP_X_REQUEST_ID");
	req->request_id = http_request_id_ok(rid) ? rid : NULL;
	req->content_type = param_or_null(src, "CONTENT_TYPE");
	req->accept = param_or_null(src, "HTTP_ACCEPT");
	req->authorization = param_or_null(src, "HTTP_AUTHORIZATION");
	if (!req->authorization) /* Apache's rewrite fallback for shared hosting */
		req->authorization = param_or_null(src, "REDIRECT_HTTP_AUTHORIZATION");
	req->idempotency_key = param_or_null(src, "HTTP_IDEMPOTENCY_KEY");
	req->query_string = param_or_null(src, "QUERY_STRING");

	if (strcmp(req->method, "POST") != 0)
		return API_OK;
	const char *cl = param_or_null(src, "CONTENT_LENGTH");
	long declared = -1;
	if (cl) {
		char *end;
		declared = strtol(cl, &end, 10);
		if (*end || declared < 0) {
			*message = "Invalid Content-Length.";
			return API_ERR_BAD_REQUEST;
		}
		if (declared > max_body) {
			*message = "The request body exceeds the 1 MiB limit.";
			return API_ERR_BODY_TOO_LARGE;
		}
	}
	size_t cap = declared >= 0 ? (size_t)declared : (size_t)max_body + 1;
	char *body = arena_alloc(a, cap + 1);
	size_t got = 0;
	while (got < cap) {
		long n = src->read(src->ctx, body + got, cap - got);
		if (n < 0) {
			*message = "Could not read the request body.";
			return API_ERR_BAD_REQUEST;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got > (size_t)max_body) {
		*message = "The request body exceeds the 1 MiB limit.";
		return API_ERR_BODY_TOO_LARGE;
	}
	body[got] = '\0';
	req->body = body;
	req->body_len = got;
	return API_OK;
}

size_t url_decode(char *s, size_t len)
{
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];
		if (ch == '+') {
			s[o++] = ' ';
		} else if (ch == '%' && i + 2 < len && isxdigit((unsigned char)s[i + 1]) &&
			   isxdigit((unsigned char)s[i + 2])) {
			s[o++] = (char)(hex_digit_value(s[i + 1]) << 4 | hex_digit_value(s[i + 2]));
			i += 2;
		} else {
			s[o++] = ch;
		}
	}
	s[o] = '\0';
	return o;
}

/* The media type of a Content-Type value without parameters, compared
 * case-insensitively. */
static bool media_type_is(const char *value, const char *type)
{
	size_t n = strlen(type);
	if (!value || strncasecmp(value, type, n) != 0)
		return false;
	char next = value[n];
	return next == '\0' || next == ';' || next == ' ' || next == '\t';
}

/* A JSON null for an optional parameter means absent (GraphQL over HTTP). */
static enum api_err take_params(struct arena *a, struct http_request *req, json_t *query, json_t *variables,
				json_t *operation_name, json_t *extensions, const char **message)
{
	/* A persisted query (APQ) may come as its hash alone. */
	bool by_hash = json_is_object(extensions) && json_object_get(extensions, "persistedQuery");
	if ((query && !json_is_null(query) && !json_is_string(query)) || (!json_is_string(query) && !by_hash)) {
		*message = query && !json_is_null(query) ? "The \"query\" parameter must be a string."
							: "The \"query\" parameter is required.";
		return API_ERR_BAD_REQUEST;
	}
	if (variables && !json_is_null(variables) && !json_is_object(variables)) {
		*message = "The \"variables\" parameter must be an object.";
		return API_ERR_BAD_REQUEST;
	}
	if (operation_name && !json_is_null(operation_name) && !json_is_string(operation_name)) {
		*message = "The \"operationName\" parameter must be a string.";
		return API_ERR_BAD_REQUEST;
	}
	if (extensions && !json_is_null(extensions) && !json_is_object(extensions)) {
		*message = "The \"extensions\" parameter must be an object.";
		return API_ERR_BAD_REQUEST;
	}
	req->query = json_string_value(query); /* NULL when only a hash was sent */
	req->query_len = req->query ? json_string_length(query) : 0;
	req->variables = json_is_object(variables) ? variables : NULL;
	req->operation_name = json_is_string(operation_name) ? json_string_value(operation_name) : NULL;
	req->extensions = json_is_object(extensions) ? extensions : NULL;
	(void)a;
	return API_OK;
}

static enum api_err params_from_body(struct arena *a, struct http_request *req, const char **message)
{
	if (!req->content_type) {
		*message = "Missing Content-Type: send application/json.";
		return API_ERR_UNSUPPORTED_MEDIA_TYPE;
	}
	if (!media_type_is(req->content_type, "application/json") &&
	    !media_type_is(req->content_type, "application/graphql-response+json")) {
		*message = "Unsupported Content-Type: send application/json.";
		return API_ERR_UNSUPPORTED_MEDIA_TYPE;
	}
	if (!utf8_valid(req->body, req->body_len)) {
		*message = "The request body is not valid UTF-8.";
		return API_ERR_BAD_REQUEST;
	}
	json_error_t jerr;
	json_t *root = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		*message = arena_printf(a, "The request body is not valid JSON: %s (line %d, column %d).",
					jerr.text, jerr.line, jerr.column);
		return API_ERR_BAD_REQUEST;
	}
	arena_defer(a, (void (*)(void *))json_decref, root);
	if (!json_is_object(root)) {
		*message = json_is_array(root) ? "Batched requests (JSON arrays) are not supported; send one request object."
					       : "The request body must be a JSON object.";
		return API_ERR_BAD_REQUEST;
	}
	return take_params(a, req, json_object_get(root, "query"), json_object_get(root, "variables"),
			   json_object_get(root, "operationName"), json_object_get(root, "extensions"), message);
}

static enum api_err params_from_query_string(struct arena *a, struct http_request *req, const char **message)
{
	json_t *query = NULL, *variables = NULL, *operation_name = NULL, *extensions = NULL;
	char *qs = arena_strdup(a, req->query_string ? req->query_string : "");
	for (char *save = NULL, *pair = strtok_r(qs, "&", &save); pair; pair = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(pair, '=');
		char *value = eq ? eq + 1 : pair + strlen(pair);
		if (eq)
			*eq = '\0';
		url_decode(pair, strlen(pair));
		size_t vlen = url_decode(value, strlen(value));
		if (!*value)
			continue; /* an empty parameter is absent */
		if (!utf8_valid(value, vlen)) {
			*message = "The query string is not valid UTF-8.";
			return API_ERR_BAD_REQUEST;
		}
		json_t *parsed = NULL;
		if (!strcmp(pair, "variables") || !strcmp(pair, "extensions")) {
			parsed = json_loadb(value, vlen, 0, NULL);
			if (!parsed) {
				*message = arena_printf(a, "The \"%s\" parameter is not valid JSON.", pair);
				return API_ERR_BAD_REQUEST;
			}
		} else if (!strcmp(pair, "query") || !strcmp(pair, "operationName")) {
			parsed = json_stringn(value, vlen);
		} else {
			continue;
		}
		arena_defer(a, (void (*)(void *))json_decref, parsed);
		if (!strcmp(pair, "query"))
			query = parsed;
		else if (!strcmp(pair, "variables"))
			variables = parsed;
		else if (!strcmp(pair, "extensions"))
			extensions = parsed;
		else
			operation_name = parsed;
	}
	return take_params(a, req, query, variables, operation_name, extensions, message);
}

enum api_err gql_params_read(struct arena *a, struct http_request *req, const char **message)
{
	if (!strcmp(req->method, "POST"))
		return params_from_body(a, req, message);
	if (!strcmp(req->method, "GET"))
		return params_from_query_string(a, req, message);
	*message = "Only GET and POST are supported.";
	return API_ERR_METHOD_NOT_ALLOWED;
}

void gql_params_fingerprint(const struct http_request *req, char out[65])
{
	struct digest d;
	digest_begin(&d);
	digest_add(&d, req->query ? req->query : "", req->query ? req->query_len : 0);
	digest_add(&d, "", 1);
	char *vars = req->variables ? json_dumps(req->variables, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	if (vars)
		digest_add(&d, vars, strlen(vars));
	free(vars);
	digest_add(&d, "", 1);
	if (req->operation_name)
		digest_add(&d, req->operation_name, strlen(req->operation_name));
	digest_add(&d, "", 1);
	digest_end(&d, out);
}
