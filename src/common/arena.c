/*
 * arena.c - bump allocator over chunks, with deferred destructors.
 *
 * Invariant: a->chunk is the chunk being filled; older chunks hang off its
 * `prev` chain and the first chunk (a->first) is never freed by reset.
 * Requests larger than a quarter of the default chunk get a chunk of their own.
 */
#include "common/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_ALIGN 16u

struct chunk {
	struct chunk *prev;
	size_t size;
	size_t used;
	_Alignas(16) unsigned char data[];
};

struct deferred {
	void (*fn)(void *);
	void *ptr;
	struct deferred *next;
};

struct arena {
	struct chunk *first;
	struct chunk *chunk;
	size_t chunk_size;
	struct deferred *defers;
	size_t pending;
};

static struct chunk *chunk_new(size_t size, struct chunk *prev)
{
	struct chunk *c = xmalloc(sizeof *c + size);
	c->prev = prev;
	c->size = size;
	c->used = 0;
	return c;
}

struct arena *arena_new(size_t first_chunk)
{
	struct arena *a = xcalloc(1, sizeof *a);
	if (first_chunk < 1024)
		first_chunk = 1024;
	a->chunk_size = first_chunk;
	a->first = a->chunk = chunk_new(first_chunk, NULL);
	return a;
}

void *arena_alloc(struct arena *a, size_t n)
{
	size_t need = (n + (ARENA_ALIGN - 1)) & ~(size_t)(ARENA_ALIGN - 1);
	if (need < n)
		oom_abort();
	struct chunk *c = a->chunk;
	if (c->size - c->used < need) {
		size_t size = need > a->chunk_size / 4 ? need : a->chunk_size;
		c = a->chunk = chunk_new(size, a->chunk);
	}
	void *p = c->data + c->used;
	c->used += need;
	return p;
}

void *arena_calloc(struct arena *a, size_t n)
{
	void *p = arena_alloc(a, n);
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return arena_strdup(a, "");
	char *p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void arena_defer(struct arena *a, void (*fn)(void *), void *ptr)
{
	if (!ptr)
		return;
	struct deferred *d = arena_alloc(a, sizeof *d);
	d->fn = fn;
	d->ptr = ptr;
	d->next = a->defers;
	a->defers = d;
	a->pending++;
}

size_t arena_pending_defers(const struct arena *a)
{
	return a->pending;
}

void arena_reset(struct arena *a)
{
	/* Destructors first: their records live in the chunks freed below. */
	while (a->defers) {
		struct deferred *d = a->defers;
		a->defers = d->next;
		d->fn(d->ptr);
	}
	a->pending = 0;
	while (a->chunk != a->first) {
		struct chunk *prev = a->chunk->prev;
		free(a->chunk);
		a->chunk = prev;
	}
	a->first->used = 0;
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	arena_reset(a);
	free(a->first);
	free(a);
}
