/*
 * api.h - GraphQL over HTTP for the `doitong` client: one POST per call with
 * the query and its variables (user input only ever travels as variables),
 * the API key as a Bearer token, and the retries of retry.h. A mutation
 * carries an Idempotency-Key, the same on every retry, so a request whose
 * answer was lost is replayed by the server rather than executed twice.
 */
#ifndef DOITONG_CLIENT_API_H
#define DOITONG_CLIENT_API_H

#include <stdbool.h>
#include <jansson.h>

#include "common/util.h"

#define API_MAX_RESPONSE (16L * 1024 * 1024)

struct api {
	const char *url;     /* borrowed */
	const char *key;     /* borrowed */
	bool quiet;          /* no retry notes on stderr */
	void *curl;          /* CURL *, reused across calls */
};

/* A failure to show the user: a machine code (the API's extensions.code,
 * or the client's own: NETWORK_ERROR, HTTP_502, BAD_RESPONSE ...) and a
 * message. */
struct api_error {
	char code[64];
	char message[512];
};

/* Prepares api (no network yet). url and key are borrowed for its lifetime. */
void api_init(struct api *api, const char *url, const char *key, bool quiet) NONNULL(1, 2, 3);
void api_cleanup(struct api *api) NONNULL(1);

/*
 * Runs one GraphQL operation. variables (borrowed, may be NULL) are sent as
 * they are; idem_key, when not NULL, goes in the Idempotency-Key header of
 * every try. Returns CLIENT_EXIT_OK with *data set to a new reference to the
 * response's "data"; CLIENT_EXIT_API when the response has errors (the first
 * one's code and message in *err) or is not a GraphQL response; or
 * CLIENT_EXIT_NETWORK when no answer came after every retry.
 */
int api_call(struct api *api, const char *query, json_t *variables, const char *idem_key,
	     json_t **data, struct api_error *err) NONNULL(1, 2, 5, 6);

/* Fills out with 32 random lowercase hex characters and a NUL (an
 * Idempotency-Key), from /dev/urandom or, failing that, OpenSSL. */
void api_random_key(char out[33]) NONNULL(1);

/* Sleeps ms milliseconds (restarting after signals). */
void api_sleep_ms(long ms);

#endif
