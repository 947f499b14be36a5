/*
 * doc_cache.c - parsed and validated documents by text (see doc_cache.h).
 */
#include "graphql/doc_cache.h"

#include <stdint.h>
#include <string.h>

#include "common/arena.h"

struct doc_entry {
	struct arena *arena; /* the text and the AST; reset when the slot is reused */
	const char *src;
	size_t len;
	struct gql_document *doc; /* NULL: the slot is empty */
};

static struct doc_entry cache[DOC_CACHE_SIZE];

size_t doc_cache_slot(const char *src, size_t len)
{
	uint64_t h = 14695981039346656037ULL; /* FNV-1a, 64 bits */
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)src[i];
		h *= 1099511628211ULL;
	}
	return (size_t)(h % DOC_CACHE_SIZE);
}

struct gql_document *doc_cache_get(const char *src, size_t len)
{
	struct doc_entry *e = &cache[doc_cache_slot(src, len)];
	if (!e->doc || e->len != len || memcmp(e->src, src, len) != 0)
		return NULL;
	return e->doc;
}

void doc_cache_put(const char *src, size_t len, const struct gql_limits *limits)
{
	struct doc_entry *e = &cache[doc_cache_slot(src, len)];
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
