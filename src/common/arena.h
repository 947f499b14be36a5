/*
 * arena.h - the request arena: a bump allocator over a list of chunks.
 *
 * Everything that lives for one request (tokens, AST, error list, response
 * pieces) comes from one arena, and arena_reset() frees it all at once at the
 * end of the request. Objects that need a destructor (PGresult, json_t) are
 * registered with arena_defer() and released by the reset, last first.
 * An arena is owned by one thread; it is never shared.
 */
#ifndef DOITONG_ARENA_H
#define DOITONG_ARENA_H

#include <stddef.h>

#include "common/util.h"

struct arena;

/* Creates an arena whose first chunk holds first_chunk bytes; the first chunk
 * is kept across resets. Never returns NULL. */
struct arena *arena_new(size_t first_chunk);

/* Returns n bytes aligned for any type, valid until the next reset.
 * arena_calloc zeroes them. Never returns NULL. */
void *arena_alloc(struct arena *a, size_t n) NONNULL(1);
void *arena_calloc(struct arena *a, size_t n) NONNULL(1);

/* Copies n bytes of s and appends a NUL. */
char *arena_strndup(struct arena *a, const char *s, size_t n) NONNULL(1);
char *arena_strdup(struct arena *a, const char *s) NONNULL(1, 2);

/* printf into the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...) NONNULL(1, 2) PRINTF_LIKE(2, 3);

/* Registers fn(ptr) to run at the next reset (LIFO). ptr may be NULL, in
 * which case nothing is registered. */
void arena_defer(struct arena *a, void (*fn)(void *), void *ptr) NONNULL(1, 2);

/* Runs the deferred destructors, frees every chunk but the first. */
void arena_reset(struct arena *a) NONNULL(1);

/* Number of destructors registered and not yet run (for leak checks in tests). */
size_t arena_pending_defers(const struct arena *a) NONNULL(1);

/* Resets and frees the arena itself. NULL is allowed. */
void arena_free(struct arena *a);

#endif
