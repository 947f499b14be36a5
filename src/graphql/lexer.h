/*
 * lexer.h - the GraphQL tokenizer (October 2021 specification, plus the
 * braced \u{...} escape of the September 2025 draft).
 *
 * A pure function of the source: no lookahead buffer, no per-token
 * allocation. Names and numbers are slices of the source; string values are
 * slices too unless they contain escapes or are multi-line block strings, in
 * which case the decoded text is written once into the arena. The lexer also
 * validates the UTF-8 of every byte it steps over, so a document that lexes
 * to <EOF> is valid UTF-8. Errors carry graphql-js wording and a byte offset.
 */
#ifndef DOITONG_GQL_LEXER_H
#define DOITONG_GQL_LEXER_H

#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "graphql/ast.h"

enum gql_token_kind {
	GQL_TOK_EOF = 0,
	GQL_TOK_BANG,      /* ! */
	GQL_TOK_DOLLAR,    /* $ */
	GQL_TOK_AMP,       /* & */
	GQL_TOK_PAREN_L,   /* ( */
	GQL_TOK_PAREN_R,   /* ) */
	GQL_TOK_SPREAD,    /* ... */
	GQL_TOK_COLON,     /* : */
	GQL_TOK_EQUALS,    /* = */
	GQL_TOK_AT,        /* @ */
	GQL_TOK_BRACKET_L, /* [ */
	GQL_TOK_BRACKET_R, /* ] */
	GQL_TOK_BRACE_L,   /* { */
	GQL_TOK_PIPE,      /* | */
	GQL_TOK_BRACE_R,   /* } */
	GQL_TOK_NAME,
	GQL_TOK_INT,
	GQL_TOK_FLOAT,
	GQL_TOK_STRING,
	GQL_TOK_BLOCK_STRING,
};

struct gql_token {
	enum gql_token_kind kind;
	uint32_t offset; /* first byte of the token in the source */
	uint32_t length; /* bytes of source the token spans */
	/* Name, Int, Float: the source text. String, BlockString: the decoded
	 * value (may be a slice of the source, may contain NUL). Punctuators and
	 * EOF: empty. */
	struct gql_str value;
};

struct gql_lexer {
	const char *src;
	size_t len;
	size_t pos;          /* next byte to look at */
	struct arena *arena; /* for decoded string values only */
	uint32_t error_offset;
	char error[256];     /* "Syntax Error: ..." after gql_lex_next fails */
};

/*
 * Prepares lx to tokenize src[0..len). src need not be NUL-terminated and
 * must outlive every token; len must fit in uint32_t (gql_parse checks).
 * arena receives decoded string values.
 */
void gql_lexer_init(struct gql_lexer *lx, struct arena *arena,
		    const char *src, size_t len);

/*
 * Reads the next token into *tok. Returns 0, or -1 on a syntax error with
 * lx->error and lx->error_offset set; after an error the lexer must not be
 * called again. At the end of input it keeps returning GQL_TOK_EOF with
 * offset == len.
 */
int gql_lex_next(struct gql_lexer *lx, struct gql_token *tok);

/*
 * The graphql-js description of a token kind, as used in error messages:
 * "<EOF>", "\"{\"" (punctuators quoted), "Name", "Int", "BlockString"...
 * Never NULL.
 */
const char *gql_token_kind_desc(enum gql_token_kind kind);

#endif
