/*
 * test_http.c - the HTTP edge: Accept negotiation, URL decoding, UTF-8
 * checking, Bearer parsing, key hashing, the request path and endpoint
 * (/healthz, /metrics) and which X-Request-Id values are adopted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common/utf8.h"
#include "http/auth.h"
#include "http/request.h"
#include "http/response.h"

static void negotiation(void **state)
{
	(void)state;
	assert_int_equal(http_negotiate(NULL), MEDIA_JSON);
	assert_int_equal(http_negotiate("*/*"), MEDIA_JSON);
	assert_int_equal(http_negotiate("application/json"), MEDIA_JSON);
	assert_int_equal(http_negotiate("application/graphql-response+json"), MEDIA_GRAPHQL_RESPONSE);
	assert_int_equal(http_negotiate("application/graphql-response+json, application/json;q=0.9"),
			 MEDIA_GRAPHQL_RESPONSE);
	assert_int_equal(http_negotiate("application/json, application/graphql-response+json;q=0.5"), MEDIA_JSON);
	assert_int_equal(http_negotiate("text/html"), MEDIA_NONE);
	assert_int_equal(http_negotiate("application/json;q=0"), MEDIA_NONE);
}

static void url_decoding(void **state)
{
	(void)state;
	char s[] = "%7B+a%20b%zz%4";
	size_t n = url_decode(s, strlen(s));
	assert_string_equal(s, "{ a b%zz%4");
	assert_int_equal(n, strlen("{ a b%zz%4"));
}

static void utf8_checking(void **state)
{
	(void)state;
	assert_true(utf8_valid("plain", 5));
	assert_true(utf8_valid("\xed\x95\x9c\xea\xb8\x80", 6)); /* 한글 */
	assert_true(utf8_valid("\xf0\x9f\x98\x80", 4));
	assert_false(utf8_valid("\xc0\xaf", 2));            /* overlong */
	assert_false(utf8_valid("\xed\xa0\x80", 3));        /* surrogate */
	assert_false(utf8_valid("\xe2\x82", 2));            /* truncated */
	assert_false(utf8_valid("\xff", 1));
}

static void bearer_parsing(void **state)
{
	(void)state;
	const char *key;
	size_t len;
	assert_true(auth_bearer_key("Bearer dt_live_0123456789abcdef0123456789abcdef", &key, &len));
	assert_int_equal(len, 40);
	assert_true(auth_bearer_key("bearer   dt_test_0123456789abcdef0123456789abcdefXYZ", &key, &len));
	assert_memory_equal(key, "dt_test_", 8);
	assert_false(auth_bearer_key(NULL, &key, &len));
	assert_false(auth_bearer_key("Basic dXNlcjpwYXNz", &key, &len));
	assert_false(auth_bearer_key("Bearer YOUR_API_KEY", &key, &len));
	assert_false(auth_bearer_key("Bearer dt_live_short", &key, &len));
	assert_false(auth_bearer_key("Bearer dt_live_0123456789abcdef0123456789abcdef\"", &key, &len));
}

/* CGI parameters for http_request_read, from a NULL-terminated name/value list. */
static const char *const *fake_params;
static const char *fake_param(void *ctx, const char *name)
{
	(void)ctx;
	for (const char *const *p = fake_params; *p; p += 2)
		if (!strcmp(p[0], name))
			return p[1];
	return NULL;
}

static const char *path_of(struct arena *a, const char *const *params)
{
	fake_params = params;
	struct http_source src = { NULL, fake_param, NULL };
	struct http_request req;
	const char *message = NULL;
	assert_int_equal(http_request_read(a, &src, 1024, &req, &message), API_OK);
	return req.path;
}

static void endpoints_and_request_ids(void **state)
{
	(void)state;
	struct arena *a = arena_new(4096);
	/* REQUEST_URI wins (the URL before any rewrite), without its query */
	const char *const p1[] = { "REQUEST_URI", "/healthz?x=1", "SCRIPT_NAME", "/graphql", "PATH_INFO", "/healthz", NULL };
	assert_string_equal(path_of(a, p1), "/healthz");
	const char *const p2[] = { "SCRIPT_NAME", "/graphql", "PATH_INFO", "/metrics", NULL };
	assert_string_equal(path_of(a, p2), "/graphql/metrics");
	const char *const p3[] = { "SCRIPT_NAME", "/graphql", NULL };
	assert_string_equal(path_of(a, p3), "/graphql");
	assert_int_equal(http_endpoint_of("/healthz"), ENDPOINT_HEALTHZ);
	assert_int_equal(http_endpoint_of("/site/metrics"), ENDPOINT_METRICS);
	assert_int_equal(http_endpoint_of("/graphql"), ENDPOINT_GRAPHQL);
	assert_int_equal(http_endpoint_of("/healthz/x"), ENDPOINT_GRAPHQL);
	assert_int_equal(http_endpoint_of("/metricsx"), ENDPOINT_GRAPHQL);
	assert_int_equal(http_endpoint_of(NULL), ENDPOINT_GRAPHQL);

	assert_true(http_request_id_ok("abc.DEF_0-9"));
	assert_true(http_request_id_ok("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")); /* 64 */
	assert_false(http_request_id_ok("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")); /* 65 */
	assert_false(http_request_id_ok(""));
	assert_false(http_request_id_ok(NULL));
	assert_false(http_request_id_ok("a b"));
	assert_false(http_request_id_ok("a\"b"));
	assert_false(http_request_id_ok("a=b"));
	const char *const p4[] = { "HTTP_X_REQUEST_ID", "trace-1", NULL };
	fake_params = p4;
	struct http_source src = { NULL, fake_param, NULL };
	struct http_request req;
	const char *message = NULL;
	http_request_read(a, &src, 1024, &req, &message);
	assert_string_equal(req.request_id, "trace-1");
	const char *const p5[] = { "HTTP_X_REQUEST_ID", "bad id", NULL };
	fake_params = p5;
	http_request_read(a, &src, 1024, &req, &message);
	assert_null(req.request_id);
	arena_free(a);
}

static void key_generation_and_hash(void **state)
{
	(void)state;
	char a[80], b[80], hash[AUTH_HASH_HEX_LEN + 1];
	assert_true(auth_generate_key(false, a, sizeof a));
	assert_true(auth_generate_key(true, b, sizeof b));
	assert_memory_equal(a, "dt_live_", 8);
	assert_memory_equal(b, "dt_test_", 8);
	assert_int_equal(strlen(a), 8 + AUTH_KEY_RANDOM_CHARS);
	assert_string_not_equal(a + 8, b + 8);
	const char *key;
	size_t len;
	char header[100];
	snprintf(header, sizeof header, "Bearer %s", a);
	assert_true(auth_bearer_key(header, &key, &len)); /* a generated key is accepted */
	assert_int_equal(len, strlen(a));
	auth_hash_key("abc", 3, hash);
	assert_string_equal(hash, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(negotiation),
		cmocka_unit_test(url_decoding),
		cmocka_unit_test(utf8_checking),
		cmocka_unit_test(bearer_parsing),
		cmocka_unit_test(key_generation_and_hash),
		cmocka_unit_test(endpoints_and_request_ids),
	};
	return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}
