/*
 * doc_cache.c - parsed and validated documents by hash (see doc_cache.h).
 */
#include "graphql/doc_cache.h"

#include <string.h>

#include "common/arena.h"
#include "common/digest.h"

struct doc_entry {
	char sha[65];
	struct arena *arena; /* the text and the AST; reset when the slot is reused */
	const char *src;
	size_t len;
	struct gql_document *doc; /* NULL: the slot is empty */
};

static struct doc_entry cache[DOC_CACHE_SIZE];

struct gql_document *doc_cache_get(const char *sha, const char *src, size_t len)
{
	struct doc_entry *e = &cache[digest_hex_slot(sha, DOC_CACHE_SIZE)];
	/* The text is compared too: the slot is chosen by 32 bits of the hash. */
	if (!e->doc || e->len != len || strcmp(e->sha, sha) != 0 || memcmp(e->src, src, len) != 0)
		return NULL;
	return e->doc;
}

void doc_cache_put(const char *sha, const char *src, size_t len, const struct gql_limits *limits)
{
	struct doc_entry *e = &cache[digest_hex_slot(sha, DOC_CACHE_SIZE)];
	e->doc = NULL;
	if (e->arena)
		arena_reset(e->arena);
	else
		e->arena = arena_new(len * 8 + 1024);
	char *copy = arena_strndup(e->arena, src, len);
	struct gql_parse_error perr;
	struct gql_document *doc;
	if (gql_parse(e->arena, copy, len, limits, &doc, &perr))
		return;
	memcpy(e->sha, sha, 64);
	e->sha[64] = '\0';
	e->src = copy;
	e->len = len;
	e->doc = doc;
}

void doc_cache_free(void)
{
	for (size_t i = 0; i < DOC_CACHE_SIZE; i++) {
		arena_free(cache[i].arena);
		cache[i] = (struct doc_entry){ 0 };
	}
}
