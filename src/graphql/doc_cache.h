/*
 * doc_cache.h - this process's parsed and validated documents, keyed by
 * their text.
 *
 * A client sends the same few documents over and over; a hit skips the
 * parse and the validation. Only documents that validated are kept (the
 * schema is built in, so validity depends on the text alone); each entry
 * holds its own copy of the text and its AST in an arena of its own, which a
 * later document landing in the same slot reuses. At most DOC_CACHE_SIZE
 * documents, direct-mapped by a 64-bit FNV-1a hash of the text and
 * confirmed by comparing the text: a collision just evicts. (Not SHA-256:
 * hashing every request's text that way cost about what the parse saves.)
 */
#ifndef DOITONG_GQL_DOC_CACHE_H
#define DOITONG_GQL_DOC_CACHE_H

#include <stddef.h>

#include "graphql/ast.h"
#include "graphql/parser.h"

#define DOC_CACHE_SIZE 64

/* The cached document for this text, or NULL. The document lives until the
 * slot is reused: use it within the request, and do not put into the cache
 * while holding it. */
struct gql_document *doc_cache_get(const char *src, size_t len);

/* Keeps a validated document: parses src again into the slot's arena (the
 * request's AST lives in the request arena). Does nothing if that fails. */
void doc_cache_put(const char *src, size_t len, const struct gql_limits *limits);

/* The slot a text goes to (for tests of eviction). */
size_t doc_cache_slot(const char *src, size_t len);

/* Frees every entry (for leak checkers at shutdown). */
void doc_cache_free(void);

#endif
