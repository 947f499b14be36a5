/*
 * api.c - the client's GraphQL transport (see api.h). One libcurl easy
 * handle is reused for every call; each try starts with empty buffers.
 */
#include "client/api.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "client/cli.h"
#include "client/retry.h"

#ifndef DOITONG_VERSION
#define DOITONG_VERSION "dev"
#endif

struct exchange {
	char *body;
	size_t len;
	bool too_big;
	char retry_after[32];
	bool has_retry_after;
};

static size_t on_body(char *ptr, size_t size, size_t n, void *userdata)
{
	struct exchange *x = userdata;
	size_t add = size * n;
	if (x->len + add > (size_t)API_MAX_RESPONSE) {
		x->too_big = true;
		return 0;
	}
	x->body = xrealloc(x->body, x->len + add + 1);
	memcpy(x->body + x->len, ptr, add);
	x->len += add;
	x->body[x->len] = '\0';
	return add;
}

static size_t on_header(char *ptr, size_t size, size_t n, void *userdata)
{
	struct exchange *x = userdata;
	size_t len = size * n;
	static const char name[] = "retry-after:";
	if (len > sizeof name - 1 && !strncasecmp(ptr, name, sizeof name - 1)) {
		size_t vlen = len - (sizeof name - 1);
		if (vlen >= sizeof x->retry_after)
			vlen = sizeof x->retry_after - 1;
		memcpy(x->retry_after, ptr + sizeof name - 1, vlen);
		x->retry_after[vlen] = '\0';
		x->has_retry_after = true;
	}
	return len;
}

void api_init(struct api *api, const char *url, const char *key, bool quiet)
{
	api->url = url;
	api->key = key;
	api->quiet = quiet;
	api->curl = NULL;
}

void api_cleanup(struct api *api)
{
	if (api->curl)
		curl_easy_cleanup(api->curl);
	api->curl = NULL;
}

void api_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

void api_random_key(char out[33])
{
	unsigned char raw[16];
	bool ok = false;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ok = read(fd, raw, sizeof raw) == (ssize_t)sizeof raw;
		close(fd);
	}
	if (!ok && RAND_bytes(raw, sizeof raw) != 1)
		oom_abort(); /* no randomness at all: nothing sensible to do */
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < sizeof raw; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[32] = '\0';
}

/* Sets err from a response body: the first GraphQL error, or BAD_RESPONSE /
 * HTTP_<status> when the body is not a GraphQL response. */
static void error_from(json_t *resp, long status, struct api_error *err)
{
	json_t *first = json_array_get(json_object_get(resp, "errors"), 0);
	const char *code = json_string_value(json_object_get(json_object_get(first, "extensions"), "code"));
	const char *msg = json_string_value(json_object_get(first, "message"));
	if (first) {
		snprintf(err->code, sizeof err->code, "%s", code ? code : "ERROR");
		snprintf(err->message, sizeof err->message, "%s", msg ? msg : "(no message)");
	} else if (status != 200) {
		snprintf(err->code, sizeof err->code, "HTTP_%ld", status);
		snprintf(err->message, sizeof err->message, "the server answered HTTP %ld", status);
	} else {
		snprintf(err->code, sizeof err->code, "BAD_RESPONSE");
		snprintf(err->message, sizeof err->message, "the server's answer is not a GraphQL response");
	}
}

int api_call(struct api *api, const char *query, json_t *variables, const char *idem_key,
	     json_t **data, struct api_error *err)
{
	*data = NULL;
	memset(err, 0, sizeof *err);
	if (!api->curl && !(api->curl = curl_easy_init()))
		oom_abort();
	CURL *c = api->curl;

	json_t *req = json_pack("{s:s}", "query", query);
	if (variables)
		json_object_set(req, "variables", variables);
	char *body = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (!body)
		oom_abort();

	struct curl_slist *hdrs = NULL;
	char line[512];
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	hdrs = curl_slist_append(hdrs, "Expect:");
	snprintf(line, sizeof line, "Authorization: Bearer %s", api->key);
	hdrs = curl_slist_append(hdrs, line);
	if (idem_key) {
		snprintf(line, sizeof line, "Idempotency-Key: %s", idem_key);
		hdrs = curl_slist_append(hdrs, line);
	}

	int rc = CLIENT_EXIT_NETWORK;
	int tries = 0, waits = 0;
	for (;;) {
		struct exchange x = { 0 };
		curl_easy_reset(c);
		curl_easy_setopt(c, CURLOPT_URL, api->url);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &x);
		curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(c, CURLOPT_HEADERDATA, &x);
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 60000L);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_USERAGENT, "doitong/" DOITONG_VERSION);
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");

		CURLcode cc = curl_easy_perform(c);
		long status = 0;
		if (cc == CURLE_OK)
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		enum retry_kind kind = retry_classify((int)cc, status, x.has_retry_after);
		long wait_ms = 0;
		if (kind == RETRY_BACKOFF && ++tries < RETRY_MAX_TRIES)
			wait_ms = retry_backoff_ms(tries - 1);
		else if (kind == RETRY_AFTER && ++waits <= RETRY_MAX_WAITS)
			wait_ms = retry_after_seconds(x.has_retry_after ? x.retry_after : NULL) * 1000;
		if (wait_ms > 0) {
			if (!api->quiet) {
				if (cc != CURLE_OK)
					fprintf(stderr, "doitong: %s; retrying in %.1f s\n",
						curl_easy_strerror(cc), (double)wait_ms / 1000);
				else
					fprintf(stderr, "doitong: HTTP %ld; retrying in %.1f s\n",
						status, (double)wait_ms / 1000);
			}
			free(x.body);
			api_sleep_ms(wait_ms);
			continue;
		}

		if (cc != CURLE_OK && !x.too_big) {
			rc = CLIENT_EXIT_NETWORK;
			snprintf(err->code, sizeof err->code, "NETWORK_ERROR");
			snprintf(err->message, sizeof err->message, "%s (%s) after %d tries",
				 curl_easy_strerror(cc), api->url, tries ? tries : 1);
		} else if (x.too_big) {
			rc = CLIENT_EXIT_API;
			snprintf(err->code, sizeof err->code, "BAD_RESPONSE");
			snprintf(err->message, sizeof err->message, "the response is larger than %ld bytes",
				 API_MAX_RESPONSE);
		} else {
			json_t *resp = x.body ? json_loadb(x.body, x.len, 0, NULL) : NULL;
			json_t *d = json_object_get(resp, "data");
			json_t *errors = json_object_get(resp, "errors");
			if (json_is_object(d) && !(json_is_array(errors) && json_array_size(errors) > 0)) {
				*data = json_incref(d);
				rc = CLIENT_EXIT_OK;
			} else {
				error_from(resp, status, err);
				rc = (status == 502 || status == 503 || status == 504) && !json_is_array(errors)
				     ? CLIENT_EXIT_NETWORK : CLIENT_EXIT_API;
			}
			json_decref(resp);
		}
		free(x.body);
		break;
	}
	curl_slist_free_all(hdrs);
	free(body);
	return rc;
}
