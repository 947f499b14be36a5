/*
 * persisted.h - automatic persisted queries (Apollo's APQ protocol,
 * extensions.persistedQuery {version: 1, sha256Hash}).
 *
 * A request with only the hash gets its query from this process's cache or
 * from the database (api.persisted_query); an unknown hash answers
 * "PersistedQueryNotFound" so the client resends the hash with the query,
 * which is checked against the hash and stored by the request's api.execute
 * call. The cache lives for the process and holds at most APQ_CACHE_SIZE
 * queries.
 */
#ifndef DOITONG_GQL_PERSISTED_H
#define DOITONG_GQL_PERSISTED_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "common/arena.h"
#include "common/err.h"
#include "db/db.h"

#define APQ_CACHE_SIZE 1024

struct apq_outcome {
	const char *query;       /* the query to run (the request's, or the stored one) */
	size_t query_len;
	const char *persist_sha; /* set when the request's query is to be stored */
	bool not_found;          /* answer PersistedQueryNotFound */
	const char *message;     /* for API_ERR_BAD_REQUEST */
};

/*
 * Applies extensions.persistedQuery (extensions may be NULL: nothing to do).
 * query/query_len are the request's query (NULL when absent). Returns API_OK
 * (see *out), API_ERR_BAD_REQUEST for a bad extension or a hash that does not
 * match the query, or the database's error for the lookup.
 */
enum api_err apq_apply(struct arena *a, struct db *db, const char *key_hash, json_t *extensions,
		       const char *query, size_t query_len, struct apq_outcome *out);

/* Frees the cache (for leak checkers at shutdown). */
void apq_cache_free(void);

#endif
