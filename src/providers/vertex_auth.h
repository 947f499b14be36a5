/*
 * vertex_auth.h - Google Vertex AI's credential (providers.md §4 "Vertex AI
 * variant"): an OAuth2 access token for a service account (RFC 7523 JWT
 * bearer grant).
 *
 *   key file  the service-account JSON Google hands out: "type":
 *             "service_account", "client_email", "private_key" (PEM),
 *             "private_key_id", "token_uri", "project_id". Its path is the
 *             setting vertex_credentials, else $GOOGLE_APPLICATION_CREDENTIALS.
 *   assertion RS256 JWT {"alg":"RS256","typ":"JWT","kid"} . {"iss":
 *             client_email, "scope": cloud-platform, "aud": token_uri,
 *             "iat": now, "exp": now + 3600}, signed with the private key.
 *   exchange  POST token_uri, application/x-www-form-urlencoded
 *             grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<jwt>
 *             -> {"access_token", "expires_in", "token_type": "Bearer"} or
 *             {"error": "invalid_grant", "error_description"}.
 *   use       Authorization: Bearer <access_token> on
 *             {vertex_url}/projects/{project}/locations/{location}/publishers/google/models/{m}:...
 *
 * The builders and the parser are pure (unit tests sign with a key they
 * generate and verify with its public half); vertex_access_token() is the
 * transport: it reads the key file, exchanges an assertion through the
 * outbound client and caches the token per process until VERTEX_TOKEN_RENEW
 * seconds before it expires. Nothing here logs the key, the assertion or
 * the token.
 */
#ifndef DOITONG_VERTEX_AUTH_H
#define DOITONG_VERTEX_AUTH_H

#include <stdbool.h>

#include "common/arena.h"
#include "providers/provider.h"

#define VERTEX_SCOPE "https://www.googleapis.com/auth/cloud-platform"
#define VERTEX_GRANT_TYPE "urn:ietf:params:oauth:grant-type:jwt-bearer"
#define VERTEX_JWT_TTL 3600        /* seconds an assertion is valid (Google's maximum) */
#define VERTEX_TOKEN_RENEW 300     /* a cached token is renewed 5 min before it expires */
#define VERTEX_TOKEN_DEFAULT_TTL 3600 /* an answer without expires_in */
#define VERTEX_KEY_FILE_MAX 65536  /* longest key file read */
#define VERTEX_DEFAULT_LOCATION "us-central1"
#define VERTEX_ANSWER_MAX (128u * 1024 * 1024) /* an operation answer with inline video */

/* The fields of a service-account key file used here (arena strings). */
struct vertex_sa {
	const char *client_email;
	const char *private_key;     /* PEM "-----BEGIN PRIVATE KEY-----..." */
	const char *private_key_id;  /* or NULL */
	const char *token_uri;       /* "https://oauth2.googleapis.com/token" */
	const char *project_id;      /* or NULL */
};

/* A token endpoint's answer. */
struct vertex_token {
	const char *access_token;
	long long expires_in;        /* seconds */
};

/* Why a token could not be had: decides the provider fault. */
enum vertex_token_err {
	VERTEX_TOKEN_OK = 0,
	VERTEX_TOKEN_REFUSED,        /* 4xx, e.g. invalid_grant: the account's (key revoked,
	                                clock skew, deleted service account) */
	VERTEX_TOKEN_SERVER,         /* 5xx, 429, or an answer that is not a token */
};

/*
 * Parses a key file's text. false with a client-safe *why (never quoting
 * the key) when it is not JSON, not "type": "service_account", or lacks
 * client_email, private_key or token_uri, or token_uri is not http(s).
 */
bool vertex_sa_parse(const char *json, struct arena *a, struct vertex_sa *sa, const char **why);

/* The signed assertion for sa at time now (epoch seconds), or NULL with
 * *why when the private key is not a usable RSA PEM key. */
const char *vertex_jwt_build(const struct vertex_sa *sa, long long now, struct arena *a,
			     const char **why);

/* The form body of the token exchange for assertion jwt. */
const char *vertex_token_body(const char *jwt, struct arena *a);

/*
 * Reads the token endpoint's answer (HTTP status, body text). OK with *tok
 * filled, else the kind and a client-safe *why carrying the endpoint's
 * error and error_description.
 */
enum vertex_token_err vertex_token_parse(long http_status, const char *body, struct arena *a,
					 struct vertex_token *tok, const char **why);

/* The key file's path: the vertex_credentials setting, else
 * $GOOGLE_APPLICATION_CREDENTIALS, else NULL. */
const char *vertex_credentials_path(const struct config *cfg);

/*
 * An access token (arena copy) for the configured service account, from the
 * per-process cache while it has more than VERTEX_TOKEN_RENEW seconds left
 * and the key file is unchanged, else from a new exchange through ctx->http
 * under the operator's outbound policy. *project (may be NULL) receives the
 * project: the vertex_project setting, else the key file's project_id.
 * false with *fault and a client-safe *why: FAULT_CONFIG when no key file
 * is configured or it is unreadable or invalid, or no project is known
 * (nothing was sent); FAULT_UPSTREAM when the token endpoint refused or
 * failed.
 */
bool vertex_access_token(const struct provider_ctx *ctx, const char **token, const char **project,
			 enum provider_fault *fault, const char **why);

/* "{vertex_url}/projects/{project}/locations/{location}/publishers/google/models"
 * where vertex_url defaults to https://{location}-aiplatform.googleapis.com/v1
 * and location to the vertex_location setting. */
const char *vertex_models_url(const struct config *cfg, const char *project, struct arena *a);

/* The Cloud Storage download URL of "gs://bucket/object":
 * "{vertex_storage_url}/bucket/object" (the object percent-encoded, '/'
 * kept; default https://storage.googleapis.com), or NULL when uri is not a
 * gs:// object. The download needs the same Bearer token. */
const char *vertex_storage_url(const struct config *cfg, const char *uri, struct arena *a);

/* Forgets the cached token (tests). */
void vertex_token_forget(void);

#endif
