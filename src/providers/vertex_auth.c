/*
 * vertex_auth.c - see vertex_auth.h. The JSON parts are built with
 * jansson, the signature is OpenSSL's EVP (RSA PKCS#1 v1.5 with SHA-256).
 * The cache keeps the token, its expiry and a SHA-256 of the key file's
 * text (not the key), so a replaced key file takes effect at once.
 */
#include "providers/vertex_auth.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "common/digest.h"
#include "outbound/http.h"
#include "providers/kling_jwt.h"

#define VERTEX_TOKEN_MAX 4096
#define VERTEX_CALL_TIMEOUT_MS 30000L

static const char *str_field(json_t *o, const char *name, struct arena *a)
{
	json_t *v = json_object_get(o, name);
	return json_is_string(v) && json_string_length(v) ? arena_strdup(a, json_string_value(v))
							   : NULL;
}

static bool http_url(const char *u)
{
	return u && (!strncmp(u, "https://", 8) || !strncmp(u, "http://", 7));
}

bool vertex_sa_parse(const char *text, struct arena *a, struct vertex_sa *sa, const char **why)
{
	memset(sa, 0, sizeof *sa);
	json_t *root = text ? json_loads(text, JSON_REJECT_DUPLICATES, NULL) : NULL;
	const char *type = str_field(root, "type", a);
	if (!json_is_object(root)) {
		*why = "The Vertex AI key file is not JSON.";
	} else if (!type || strcmp(type, "service_account")) {
		*why = "The Vertex AI key file is not a service-account key (\"type\": \"service_account\").";
	} else {
		sa->client_email = str_field(root, "client_email", a);
		sa->private_key = str_field(root, "private_key", a);
		sa->private_key_id = str_field(root, "private_key_id", a);
		sa->token_uri = str_field(root, "token_uri", a);
		sa->project_id = str_field(root, "project_id", a);
		if (!sa->client_email || !sa->private_key || !sa->token_uri)
			*why = "The Vertex AI key file lacks client_email, private_key or token_uri.";
		else if (!http_url(sa->token_uri))
			*why = "The Vertex AI key file's token_uri is not an http(s) URL.";
		else
			*why = NULL;
	}
	json_decref(root);
	return *why == NULL;
}

/* The base64url of json's compact text (json consumed). */
static const char *b64_json(json_t *json, struct arena *a)
{
	char *s = json_dumps(json, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(json);
	if (!s)
		return NULL;
	size_t n = strlen(s);
	char *out = arena_alloc(a, (n + 2) / 3 * 4 + 1);
	kling_b64url((const unsigned char *)s, n, out);
	free(s);
	return out;
}

/* RS256 signature of data with the PEM key, base64url, or NULL. */
static const char *rs256(const char *pem, const char *data, struct arena *a)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *key = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	if (!key)
		return NULL;
	const char *out = NULL;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	size_t len = 0;
	if (EVP_PKEY_base_id(key) == EVP_PKEY_RSA && md &&
	    EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
	    EVP_DigestSign(md, NULL, &len, (const unsigned char *)data, strlen(data)) == 1) {
		unsigned char *sig = arena_alloc(a, len);
		if (EVP_DigestSign(md, sig, &len, (const unsigned char *)data, strlen(data)) == 1) {
			char *b = arena_alloc(a, (len + 2) / 3 * 4 + 1);
			kling_b64url(sig, len, b);
			out = b;
		}
	}
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(key);
	return out;
}

const char *vertex_jwt_build(const struct vertex_sa *sa, long long now, struct arena *a,
			     const char **why)
{
	json_t *head = json_object();
	json_object_set_new(head, "alg", json_string("RS256"));
	json_object_set_new(head, "typ", json_string("JWT"));
	if (sa->private_key_id)
		json_object_set_new(head, "kid", json_string(sa->private_key_id));
	json_t *claims = json_object();
	json_object_set_new(claims, "iss", json_string(sa->client_email));
	json_object_set_new(claims, "scope", json_string(VERTEX_SCOPE));
	json_object_set_new(claims, "aud", json_string(sa->token_uri));
	json_object_set_new(claims, "iat", json_integer(now));
	json_object_set_new(claims, "exp", json_integer(now + VERTEX_JWT_TTL));
	const char *h = b64_json(head, a);
	const char *c = b64_json(claims, a);
	const char *sig = NULL;
	const char *signing = h && c ? arena_printf(a, "%s.%s", h, c) : NULL;
	if (signing)
		sig = rs256(sa->private_key, signing, a);
	if (!sig) {
		*why = "The Vertex AI key file's private_key is not a usable RSA key.";
		return NULL;
	}
	return arena_printf(a, "%s.%s", signing, sig);
}

const char *vertex_token_body(const char *jwt, struct arena *a)
{
	/* A JWT is base64url and dots: nothing to percent-encode. */
	return arena_printf(a, "grant_type=urn%%3Aietf%%3Aparams%%3Aoauth%%3Agrant-type%%3Ajwt-bearer"
			       "&assertion=%s", jwt);
}

/* Copy of an endpoint text without control characters, at most 200 bytes. */
static const char *safe_text(const char *s, struct arena *a)
{
	size_t n = strnlen(s, 200);
	char *o = arena_strndup(a, s, n);
	for (char *p = o; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return o;
}

enum vertex_token_err vertex_token_parse(long http_status, const char *body, struct arena *a,
					 struct vertex_token *tok, const char **why)
{
	memset(tok, 0, sizeof *tok);
	json_t *root = body ? json_loads(body, 0, NULL) : NULL;
	enum vertex_token_err kind;
	if (http_status >= 200 && http_status < 300) {
		json_t *at = json_object_get(root, "access_token");
		json_t *ttl = json_object_get(root, "expires_in");
		json_t *type = json_object_get(root, "token_type");
		if (json_is_string(at) && json_string_length(at) &&
		    json_string_length(at) < VERTEX_TOKEN_MAX &&
		    (!type || (json_is_string(type) && !strcasecmp(json_string_value(type), "Bearer")))) {
			tok->access_token = arena_strdup(a, json_string_value(at));
			tok->expires_in = json_is_integer(ttl) && json_integer_value(ttl) > 0
					  ? json_integer_value(ttl) : VERTEX_TOKEN_DEFAULT_TTL;
			*why = NULL;
			json_decref(root);
			return VERTEX_TOKEN_OK;
		}
		kind = VERTEX_TOKEN_SERVER;
		*why = "Vertex AI's token endpoint answered without an access token.";
		json_decref(root);
		return kind;
	}
	kind = http_status >= 400 && http_status < 500 && http_status != 429 ? VERTEX_TOKEN_REFUSED
									     : VERTEX_TOKEN_SERVER;
	json_t *err = json_object_get(root, "error");
	json_t *desc = json_object_get(root, "error_description");
	const char *text = !json_is_string(err) ? NULL
			   : arena_printf(a, "%s%s%s", safe_text(json_string_value(err), a),
					  json_is_string(desc) ? ": " : "",
					  json_is_string(desc) ? safe_text(json_string_value(desc), a) : "");
	if (kind == VERTEX_TOKEN_REFUSED && text)
		*why = arena_printf(a, "Vertex AI's token endpoint refused the service account (%s).", text);
	else
		*why = arena_printf(a, "Vertex AI's token endpoint answered HTTP %ld%s%s%s.", http_status,
				    text ? " (" : "", text ? text : "", text ? ")" : "");
	json_decref(root);
	return kind;
}

const char *vertex_credentials_path(const struct config *cfg)
{
	if (cfg && cfg->vertex_credentials && *cfg->vertex_credentials)
		return cfg->vertex_credentials;
	const char *env = getenv("GOOGLE_APPLICATION_CREDENTIALS");
	return env && *env ? env : NULL;
}

const char *vertex_models_url(const struct config *cfg, const char *project, struct arena *a)
{
	const char *loc = cfg->vertex_location && *cfg->vertex_location ? cfg->vertex_location
									 : VERTEX_DEFAULT_LOCATION;
	const char *base = cfg->vertex_url && *cfg->vertex_url
			   ? arena_strdup(a, cfg->vertex_url)
			   : arena_printf(a, "https://%s-aiplatform.googleapis.com/v1", loc);
	size_t n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		n--;
	return arena_printf(a, "%.*s/projects/%s/locations/%s/publishers/google/models", (int)n, base,
			    project, loc);
}

const char *vertex_storage_url(const struct config *cfg, const char *uri, struct arena *a)
{
	if (!uri || strncmp(uri, "gs://", 5))
		return NULL;
	const char *bucket = uri + 5;
	const char *slash = strchr(bucket, '/');
	size_t blen = slash ? (size_t)(slash - bucket) : 0;
	if (!blen || blen > 222 || strspn(bucket, "abcdefghijklmnopqrstuvwxyz0123456789._-") != blen ||
	    !slash[1] || strlen(slash) > 1024)
		return NULL;
	const char *base = cfg->vertex_storage_url && *cfg->vertex_storage_url
			   ? cfg->vertex_storage_url : "https://storage.googleapis.com";
	size_t n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		n--;
	const char *obj = slash + 1;
	char *enc = arena_alloc(a, strlen(obj) * 3 + 1);
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)obj; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~/", *p)) {
			enc[o++] = (char)*p;
		} else {
			static const char hex[] = "0123456789ABCDEF";
			enc[o++] = '%';
			enc[o++] = hex[*p >> 4];
			enc[o++] = hex[*p & 15];
		}
	}
	enc[o] = '\0';
	return arena_printf(a, "%.*s/%.*s/%s", (int)n, base, (int)blen, bucket, enc);
}

/* The key file's text (arena), or NULL. */
static const char *read_key_file(const char *path, struct arena *a)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	char *buf = arena_alloc(a, VERTEX_KEY_FILE_MAX + 1);
	size_t used = 0;
	for (;;) {
		ssize_t n = read(fd, buf + used, VERTEX_KEY_FILE_MAX + 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return NULL;
		}
		if (n == 0)
			break;
		used += (size_t)n;
		if (used > VERTEX_KEY_FILE_MAX) {
			close(fd);
			return NULL;
		}
	}
	close(fd);
	buf[used] = '\0';
	return buf;
}

static struct {
	char token[VERTEX_TOKEN_MAX];
	long long exp;
	char file_hash[DIGEST_HEX_LEN + 1];
} cache;

void vertex_token_forget(void)
{
	memset(&cache, 0, sizeof cache);
}

static bool fail_with(enum provider_fault *fault, const char **why, enum provider_fault f,
		      const char *msg)
{
	*fault = f;
	*why = msg;
	return false;
}

bool vertex_access_token(const struct provider_ctx *ctx, const char **token, const char **project,
			 enum provider_fault *fault, const char **why)
{
	struct arena *a = ctx->arena;
	const char *path = vertex_credentials_path(ctx->cfg);
	if (!path)
		return fail_with(fault, why, FAULT_CONFIG,
				 "Vertex AI has no service-account key file (setting vertex_credentials "
				 "or GOOGLE_APPLICATION_CREDENTIALS).");
	const char *text = read_key_file(path, a);
	if (!text)
		return fail_with(fault, why, FAULT_CONFIG,
				 "Vertex AI's service-account key file can't be read.");
	struct vertex_sa sa;
	if (!vertex_sa_parse(text, a, &sa, why)) {
		*fault = FAULT_CONFIG;
		return false;
	}
	const char *proj = ctx->cfg->vertex_project && *ctx->cfg->vertex_project
			   ? ctx->cfg->vertex_project : sa.project_id;
	if (!proj || strspn(proj, "abcdefghijklmnopqrstuvwxyz0123456789-:.") != strlen(proj))
		return fail_with(fault, why, FAULT_CONFIG,
				 "Vertex AI has no usable project (setting vertex_project or the key "
				 "file's project_id).");
	if (project)
		*project = proj;
	char hash[DIGEST_HEX_LEN + 1];
	digest_hex(text, strlen(text), hash);
	long long now = (long long)time(NULL);
	if (cache.token[0] && !strcmp(hash, cache.file_hash) && now < cache.exp - VERTEX_TOKEN_RENEW) {
		*token = arena_strdup(a, cache.token);
		return true;
	}
	const char *jwt = vertex_jwt_build(&sa, now, a, why);
	if (!jwt) {
		*fault = FAULT_CONFIG;
		return false;
	}
	if (!ctx->http)
		return fail_with(fault, why, FAULT_UPSTREAM, "The scheduler has no outbound HTTP client.");
	static const char *const headers[] = {
		"Content-Type: application/x-www-form-urlencoded", "Accept: application/json", NULL
	};
	const char *body = vertex_token_body(jwt, a);
	struct http_request req = {
		.method = "POST",
		.url = sa.token_uri,
		.headers = headers,
		.body = body,
		.body_len = strlen(body),
		.timeout_ms = VERTEX_CALL_TIMEOUT_MS,
		.save_fd = -1,
		.policy = outbound_policy_of(ctx->cfg->webhook_allow_private,
					     ctx->cfg->outbound_allow_loopback),
	};
	struct http_response resp;
	memset(&resp, 0, sizeof resp);
	if (http_request(ctx->http, a, &req, &resp) != 0)
		return fail_with(fault, why, FAULT_UPSTREAM,
				 arena_printf(a, "Vertex AI's token endpoint could not be reached (%s).",
					      http_fail_name(resp.fail)));
	struct vertex_token tok;
	if (vertex_token_parse(resp.status, resp.body, a, &tok, why) != VERTEX_TOKEN_OK) {
		*fault = FAULT_UPSTREAM;
		return false;
	}
	cache.token[0] = '\0';
	if (strlen(tok.access_token) < sizeof cache.token) {
		memcpy(cache.token, tok.access_token, strlen(tok.access_token) + 1);
		cache.exp = now + tok.expires_in;
		memcpy(cache.file_hash, hash, sizeof hash);
	}
	*token = tok.access_token;
	return true;
}
