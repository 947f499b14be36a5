/*
 * fuzz_parser.c - libFuzzer target for the GraphQL lexer and parser.
 *
 * Each input is parsed as a whole document with small limits (so deep or
 * long inputs hit the limit paths quickly); on success or failure the error
 * location is computed too. One arena lives for the whole run and is reset
 * after every input, as the server does per request.
 * Build: clang -fsanitize=fuzzer,address,undefined -Isrc tests/fuzz/fuzz_parser.c
 *        src/graphql/parser.c src/graphql/lexer.c src/common/arena.c src/common/util.c
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/arena.h"
#include "graphql/parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena *a;
	const struct gql_limits limits = { .max_tokens = 2000, .max_depth = 32 };
	struct gql_document *doc;
	struct gql_parse_error err;
	unsigned line, col;
	if (!a)
		a = arena_new(64 * 1024);
	if (gql_parse(a, (const char *)data, size, &limits, &doc, &err) == 0) {
		/* Walk the definitions so a bad pointer would be touched. */
		size_t n = 0;
		for (struct gql_definition *d = doc->first; d; d = d->next)
			n += d->name.len;
		(void)n;
	} else {
		/* The message must be NUL-terminated and the offset in range. */
		if (strlen(err.message) >= sizeof err.message || err.offset > size)
			__builtin_trap();
		gql_location((const char *)data, size, err.offset, &line, &col);
	}
	arena_reset(a);
	return 0;
}
