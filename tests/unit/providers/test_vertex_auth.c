/*
 * test_vertex_auth.c - Vertex AI's service-account credential: the key
 * file parser, the RS256 assertion (signed with an RSA key generated here
 * and verified with its public half; header and claims decoded and
 * checked), the token exchange body, token answers including Google's
 * errors, and the transport's refusals that need no network (no key file,
 * unreadable, invalid, no project).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "common/config.h"
#include "providers/vertex_auth.h"

static EVP_PKEY *test_key;
static char *test_pem;

static int setup(void **state)
{
	(void)state;
	test_key = EVP_RSA_gen(2048);
	if (!test_key)
		return -1;
	BIO *bio = BIO_new(BIO_s_mem());
	PEM_write_bio_PrivateKey(bio, test_key, NULL, NULL, 0, NULL, NULL);
	char *p;
	long n = BIO_get_mem_data(bio, &p);
	test_pem = strndup(p, (size_t)n);
	BIO_free(bio);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(test_key);
	free(test_pem);
	return 0;
}

/* A key file's text with the test key (fields may be left out by NULL). */
static char *key_file(const char *type, const char *email, const char *token_uri,
		      const char *project)
{
	json_t *o = json_object();
	if (type)
		json_object_set_new(o, "type", json_string(type));
	if (project)
		json_object_set_new(o, "project_id", json_string(project));
	json_object_set_new(o, "private_key_id", json_string("kid-123"));
	json_object_set_new(o, "private_key", json_string(test_pem));
	if (email)
		json_object_set_new(o, "client_email", json_string(email));
	if (token_uri)
		json_object_set_new(o, "token_uri", json_string(token_uri));
	char *s = json_dumps(o, 0);
	json_decref(o);
	return s;
}

/* base64url (no padding) -> bytes; *len set. */
static unsigned char *b64url_decode(const char *s, size_t n, size_t *len)
{
	size_t padded = (n + 3) / 4 * 4;
	char *t = calloc(padded + 1, 1);
	for (size_t i = 0; i < padded; i++)
		t[i] = i < n ? (s[i] == '-' ? '+' : s[i] == '_' ? '/' : s[i]) : '=';
	unsigned char *out = calloc(padded, 1);
	int r = EVP_DecodeBlock(out, (unsigned char *)t, (int)padded);
	assert_true(r >= 0);
	*len = (size_t)r - (padded - n);
	free(t);
	return out;
}

static json_t *decode_part(const char *s, size_t n)
{
	size_t len;
	unsigned char *raw = b64url_decode(s, n, &len);
	json_t *j = json_loadb((const char *)raw, len, 0, NULL);
	free(raw);
	assert_non_null(j);
	return j;
}

static void parses_key_file(void **state)
{
	(void)state;
	struct arena *a = arena_new(0);
	struct vertex_sa sa;
	const char *why = NULL;
	char *text = key_file("service_account", "svc@p.iam.gserviceaccount.com",
			      "https://oauth2.googleapis.com/token", "proj-1");
	assert_true(vertex_sa_parse(text, a, &sa, &why));
	assert_null(why);
	assert_string_equal(sa.client_email, "svc@p.iam.gserviceaccount.com");
	assert_string_equal(sa.token_uri, "https://oauth2.googleapis.com/token");
	assert_string_equal(sa.project_id, "proj-1");
	assert_string_equal(sa.private_key_id, "kid-123");
	assert_string_equal(sa.private_key, test_pem);
	free(text);

	/* Refusals name the problem, never the key. */
	text = key_file("authorized_user", "a@b", "https://t", "p");
	assert_false(vertex_sa_parse(text, a, &sa, &why));
	assert_non_null(strstr(why, "service_account"));
	free(text);
	text = key_file("service_account", NULL, "https://t", "p");
	assert_false(vertex_sa_parse(text, a, &sa, &why));
	assert_non_null(strstr(why, "client_email"));
	free(text);
	text = key_file("service_account", "a@b", "file:///etc/passwd", "p");
	assert_false(vertex_sa_parse(text, a, &sa, &why));
	assert_non_null(strstr(why, "token_uri"));
	assert_null(strstr(why, "PRIVATE"));
	free(text);
	assert_false(vertex_sa_parse("{not json", a, &sa, &why));
	assert_non_null(strstr(why, "not JSON"));
	assert_false(vertex_sa_parse(NULL, a, &sa, &why));
	arena_free(a);
}

static void signs_verifiable_assertion(void **state)
{
	(void)state;
	struct arena *a = arena_new(0);
	struct vertex_sa sa = {
		.client_email = "svc@p.iam.gserviceaccount.com",
		.private_key = test_pem,
		.private_key_id = "kid-123",
		.token_uri = "https://oauth2.googleapis.com/token",
	};
	const char *why = NULL;
	const char *jwt = vertex_jwt_build(&sa, 1700000000LL, a, &why);
	assert_non_null(jwt);
	assert_null(strchr(jwt, '='));
	const char *d1 = strchr(jwt, '.');
	const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	assert_non_null(d2);
	assert_null(strchr(d2 + 1, '.'));

	json_t *head = decode_part(jwt, (size_t)(d1 - jwt));
	assert_string_equal(json_string_value(json_object_get(head, "alg")), "RS256");
	assert_string_equal(json_string_value(json_object_get(head, "typ")), "JWT");
	assert_string_equal(json_string_value(json_object_get(head, "kid")), "kid-123");
	json_decref(head);
	json_t *claims = decode_part(d1 + 1, (size_t)(d2 - d1 - 1));
	assert_string_equal(json_string_value(json_object_get(claims, "iss")),
			    "svc@p.iam.gserviceaccount.com");
	assert_string_equal(json_string_value(json_object_get(claims, "scope")),
			    "https://www.googleapis.com/auth/cloud-platform");
	assert_string_equal(json_string_value(json_object_get(claims, "aud")),
			    "https://oauth2.googleapis.com/token");
	assert_int_equal(json_integer_value(json_object_get(claims, "iat")), 1700000000);
	assert_int_equal(json_integer_value(json_object_get(claims, "exp")), 1700003600);
	json_decref(claims);

	/* The signature verifies with the public key over "header.claims"... */
	size_t siglen;
	unsigned char *sig = b64url_decode(d2 + 1, strlen(d2 + 1), &siglen);
	assert_int_equal(siglen, 256);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	assert_int_equal(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, test_key), 1);
	assert_int_equal(EVP_DigestVerify(md, sig, siglen, (const unsigned char *)jwt,
					  (size_t)(d2 - jwt)), 1);
	EVP_MD_CTX_free(md);
	/* ...and not over anything else. */
	md = EVP_MD_CTX_new();
	assert_int_equal(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, test_key), 1);
	assert_int_not_equal(EVP_DigestVerify(md, sig, siglen, (const unsigned char *)jwt,
					      (size_t)(d2 - jwt) - 1), 1);
	EVP_MD_CTX_free(md);
	free(sig);

	/* Without a kid the header has none. */
	sa.private_key_id = NULL;
	jwt = vertex_jwt_build(&sa, 1700000000LL, a, &why);
	head = decode_part(jwt, (size_t)(strchr(jwt, '.') - jwt));
	assert_null(json_object_get(head, "kid"));
	json_decref(head);

	/* A key that is not PEM, or not RSA, is refused. */
	sa.private_key = "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n";
	assert_null(vertex_jwt_build(&sa, 1700000000LL, a, &why));
	assert_non_null(strstr(why, "RSA"));
	EVP_PKEY *ec = EVP_EC_gen("P-256");
	BIO *bio = BIO_new(BIO_s_mem());
	PEM_write_bio_PrivateKey(bio, ec, NULL, NULL, 0, NULL, NULL);
	char *p;
	long n = BIO_get_mem_data(bio, &p);
	sa.private_key = arena_strndup(a, p, (size_t)n);
	BIO_free(bio);
	EVP_PKEY_free(ec);
	assert_null(vertex_jwt_build(&sa, 1700000000LL, a, &why));
	arena_free(a);
}

static void token_body(void **state)
{
	(void)state;
	struct arena *a = arena_new(0);
	assert_string_equal(vertex_token_body("aa.bb.cc", a),
			    "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer"
			    "&assertion=aa.bb.cc");
	arena_free(a);
}

static void parses_token_answers(void **state)
{
	(void)state;
	struct arena *a = arena_new(0);
	struct vertex_token tok;
	const char *why = NULL;
	/* Google's answer (recorded shape). */
	assert_int_equal(vertex_token_parse(200, "{\"access_token\":\"ya29.c.abc\",\"expires_in\":3599,"
						 "\"token_type\":\"Bearer\"}", a, &tok, &why),
			 VERTEX_TOKEN_OK);
	assert_string_equal(tok.access_token, "ya29.c.abc");
	assert_int_equal(tok.expires_in, 3599);
	/* No expires_in: an hour. */
	assert_int_equal(vertex_token_parse(200, "{\"access_token\":\"t\"}", a, &tok, &why),
			 VERTEX_TOKEN_OK);
	assert_int_equal(tok.expires_in, VERTEX_TOKEN_DEFAULT_TTL);
	/* Refusals: invalid_grant with its description. */
	assert_int_equal(vertex_token_parse(400, "{\"error\":\"invalid_grant\",\"error_description\":"
						 "\"Invalid JWT Signature.\"}", a, &tok, &why),
			 VERTEX_TOKEN_REFUSED);
	assert_non_null(strstr(why, "invalid_grant: Invalid JWT Signature."));
	assert_null(tok.access_token);
	assert_int_equal(vertex_token_parse(401, "{\"error\":\"unauthorized_client\"}", a, &tok, &why),
			 VERTEX_TOKEN_REFUSED);
	assert_non_null(strstr(why, "(unauthorized_client)"));
	/* The server's: 5xx, 429, HTML, a 200 without a token or of another type. */
	assert_int_equal(vertex_token_parse(503, "<html>", a, &tok, &why), VERTEX_TOKEN_SERVER);
	assert_non_null(strstr(why, "HTTP 503"));
	assert_int_equal(vertex_token_parse(429, "{\"error\":\"rate_limit_exceeded\"}", a, &tok, &why),
			 VERTEX_TOKEN_SERVER);
	assert_int_equal(vertex_token_parse(200, "not json", a, &tok, &why), VERTEX_TOKEN_SERVER);
	assert_int_equal(vertex_token_parse(200, "{\"access_token\":\"\"}", a, &tok, &why),
			 VERTEX_TOKEN_SERVER);
	assert_int_equal(vertex_token_parse(200, "{\"access_token\":\"t\",\"token_type\":\"MAC\"}", a,
					    &tok, &why), VERTEX_TOKEN_SERVER);
	assert_int_equal(vertex_token_parse(200, NULL, a, &tok, &why), VERTEX_TOKEN_SERVER);
	/* Control characters in the endpoint's text don't reach messages. */
	vertex_token_parse(400, "{\"error\":\"bad\\nline\"}", a, &tok, &why);
	assert_null(strchr(why, '\n'));
	arena_free(a);
}

static void urls_and_paths(void **state)
{
	(void)state;
	struct arena *a = arena_new(0);
	struct config cfg = { 0 };
	cfg.vertex_location = "europe-west4";
	assert_string_equal(vertex_models_url(&cfg, "p1", a),
			    "https://europe-west4-aiplatform.googleapis.com/v1/projects/p1/locations/"
			    "europe-west4/publishers/google/models");
	cfg.vertex_url = "http://127.0.0.1:9/v1//";
	cfg.vertex_location = "";
	assert_string_equal(vertex_models_url(&cfg, "p1", a),
			    "http://127.0.0.1:9/v1/projects/p1/locations/us-central1/publishers/google/models");
	/* gs:// results: the object percent-encoded, '/' kept */
	assert_string_equal(vertex_storage_url(&cfg, "gs://out-bucket/run 1/sample_0.mp4", a),
			    "https://storage.googleapis.com/out-bucket/run%201/sample_0.mp4");
	cfg.vertex_storage_url = "http://127.0.0.1:9/storage/";
	assert_string_equal(vertex_storage_url(&cfg, "gs://b/o?x#y", a),
			    "http://127.0.0.1:9/storage/b/o%3Fx%23y");
	assert_null(vertex_storage_url(&cfg, "https://e.x/b/o", a));
	assert_null(vertex_storage_url(&cfg, "gs://bucket-only", a));
	assert_null(vertex_storage_url(&cfg, "gs://bucket/", a));
	assert_null(vertex_storage_url(&cfg, "gs://Bad_Bucket!/o", a));
	assert_null(vertex_storage_url(&cfg, "gs:///o", a));
	/* The setting wins over the conventional variable. */
	setenv("GOOGLE_APPLICATION_CREDENTIALS", "/env/key.json", 1);
	assert_string_equal(vertex_credentials_path(&cfg), "/env/key.json");
	cfg.vertex_credentials = "/etc/doitong/vertex.json";
	assert_string_equal(vertex_credentials_path(&cfg), "/etc/doitong/vertex.json");
	unsetenv("GOOGLE_APPLICATION_CREDENTIALS");
	cfg.vertex_credentials = "";
	assert_null(vertex_credentials_path(&cfg));
	arena_free(a);
}

/* The transport refuses before sending anything when the setup is wrong. */
static void refuses_bad_setup(void **state)
{
	(void)state;
	struct arena *a = arena_new(0);
	struct config cfg = { 0 };
	struct provider_ctx ctx = { .cfg = &cfg, .arena = a, .http = NULL };
	const char *token = NULL, *project = NULL, *why = NULL;
	enum provider_fault fault = FAULT_REQUEST;
	unsetenv("GOOGLE_APPLICATION_CREDENTIALS");
	assert_false(vertex_access_token(&ctx, &token, &project, &fault, &why));
	assert_int_equal(fault, FAULT_CONFIG);
	assert_non_null(strstr(why, "GOOGLE_APPLICATION_CREDENTIALS"));

	cfg.vertex_credentials = "/nonexistent/doitong-vertex.json";
	fault = FAULT_REQUEST;
	assert_false(vertex_access_token(&ctx, &token, &project, &fault, &why));
	assert_int_equal(fault, FAULT_CONFIG);
	assert_non_null(strstr(why, "can't be read"));

	char path[] = "/tmp/doitong-vertex-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	char *text = key_file("service_account", "a@b", "http://127.0.0.1:9/token", NULL);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	free(text);
	cfg.vertex_credentials = path;
	fault = FAULT_REQUEST;
	assert_false(vertex_access_token(&ctx, &token, &project, &fault, &why));
	assert_int_equal(fault, FAULT_CONFIG);
	assert_non_null(strstr(why, "project"));
	/* A project set, but no HTTP client: the assertion was made, nothing sent. */
	cfg.vertex_project = "proj-9";
	fault = FAULT_REQUEST;
	assert_false(vertex_access_token(&ctx, &token, &project, &fault, &why));
	assert_int_equal(fault, FAULT_UPSTREAM);
	assert_string_equal(project, "proj-9");
	unlink(path);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_key_file),
		cmocka_unit_test(signs_verifiable_assertion),
		cmocka_unit_test(token_body),
		cmocka_unit_test(parses_token_answers),
		cmocka_unit_test(urls_and_paths),
		cmocka_unit_test(refuses_bad_setup),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
