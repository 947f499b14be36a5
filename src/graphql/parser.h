/*
 * parser.h - recursive-descent parser for GraphQL documents (October 2021
 * specification): executable definitions and the type-system language.
 *
 * The parser takes its tokens from the lexer (lexer.h), allocates every node
 * from the arena, stops at the first error and reports it with a byte
 * offset. Limits are enforced while parsing, so a hostile document costs at
 * most max_tokens tokens and max_depth recursion levels.
 */
#ifndef DOITONG_GQL_PARSER_H
#define DOITONG_GQL_PARSER_H

#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "graphql/ast.h"

struct gql_limits {
	size_t max_tokens;  /* 0 = no limit */
	unsigned max_depth; /* nesting of selection sets, lists and objects; 0 = the hard cap of 1000 */
};

#define GQL_DEFAULT_MAX_TOKENS 100000
#define GQL_DEFAULT_MAX_DEPTH 64

struct gql_parse_error {
	uint32_t offset;   /* byte offset where the error was detected */
	char message[256]; /* e.g. "Syntax Error: Expected Name, found \"}\"." */
};

/*
 * Parses src[0..len). On success returns 0 and stores the document in *out.
 * On failure returns -1, leaves *out NULL and fills *err (first error only).
 * limits may be NULL for the defaults. src need not be NUL-terminated and
 * must outlive the document (names are slices of it). Invalid UTF-8 in the
 * source is a syntax error.
 */
int gql_parse(struct arena *a, const char *src, size_t len,
	      const struct gql_limits *limits, struct gql_document **out,
	      struct gql_parse_error *err);

/*
 * Converts a byte offset into a 1-based line and column. Lines end at \n,
 * \r\n or \r; columns count Unicode code points. Offsets past the end give the
 * position just after the last character.
 */
void gql_location(const char *src, size_t len, uint32_t offset,
		  unsigned *line, unsigned *column);

#endif
