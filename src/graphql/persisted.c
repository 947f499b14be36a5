/*
 * persisted.c - automatic persisted queries (see persisted.h). The cache is
 * a small direct-mapped table keyed by the hash: a collision just evicts.
 */
#include "graphql/persisted.h"

#include <stdlib.h>
#include <string.h>

#include "common/digest.h"
#include "common/util.h"

struct apq_entry {
	char sha[65];
	char *query;
	size_t len;
};

static struct apq_entry cache[APQ_CACHE_SIZE];

static void cache_put(const char *sha, const char *query, size_t len)
{
	struct apq_entry *e = &cache[digest_hex_slot(sha, APQ_CACHE_SIZE)];
	free(e->query);
	memcpy(e->sha, sha, 65);
	e->query = xmalloc(len + 1);
	memcpy(e->query, query, len);
	e->query[len] = '\0';
	e->len = len;
}

void apq_cache_free(void)
{
	for (size_t i = 0; i < APQ_CACHE_SIZE; i++) {
		free(cache[i].query);
		cache[i].query = NULL;
	}
}

static bool is_sha256_hex(const char *s)
{
	if (!s || strlen(s) != 64)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

enum api_err apq_apply(struct arena *a, struct db *db, const char *key_hash, json_t *extensions,
		       const char *query, size_t query_len, struct apq_outcome *out)
{
	memset(out, 0, sizeof *out);
	out->query = query;
	out->query_len = query_len;
	json_t *pq = json_object_get(extensions, "persistedQuery");
	if (!pq || json_is_null(pq))
		return API_OK;
	json_t *version = json_object_get(pq, "version");
	const char *sha = json_string_value(json_object_get(pq, "sha256Hash"));
	if (!json_is_object(pq) || !json_is_integer(version) || json_integer_value(version) != 1) {
		out->message = "Unsupported persisted query version: only version 1 is supported.";
		return API_ERR_BAD_REQUEST;
	}
	if (!is_sha256_hex(sha)) {
		out->message = "persistedQuery.sha256Hash must be 64 lowercase hexadecimal characters.";
		return API_ERR_BAD_REQUEST;
	}
	if (query) {
		char actual[65];
		digest_hex(query, query_len, actual);
		if (strcmp(actual, sha) != 0) {
			out->message = "provided sha does not match query";
			return API_ERR_BAD_REQUEST;
		}
		cache_put(sha, query, query_len);
		out->persist_sha = arena_strdup(a, sha);
		return API_OK;
	}
	struct apq_entry *e = &cache[digest_hex_slot(sha, APQ_CACHE_SIZE)];
	if (e->query && !strcmp(e->sha, sha)) {
		out->query = arena_strndup(a, e->query, e->len);
		out->query_len = e->len;
		return API_OK;
	}
	const char *params[2] = { key_hash, sha };
	json_t *found;
	struct db_error err;
	enum api_err rc = db_call(db, a, "api.persisted_query", 2, params, &found, &err);
	if (rc != API_OK) {
		out->message = arena_strdup(a, err.message);
		return rc;
	}
	if (!json_is_string(found)) {
		out->not_found = true;
		return API_OK;
	}
	cache_put(sha, json_string_value(found), json_string_length(found));
	out->query = json_string_value(found);
	out->query_len = json_string_length(found);
	return API_OK;
}
