/*
 * test_lexer.c - unit tests for src/graphql/lexer.c.
 *
 * Covers every token kind, the number grammar (valid and invalid), string
 * escapes (surrogate pairs, braced \u{...}, bad escapes, unterminated),
 * block-string dedent, ignored tokens (comments, commas, BOM) and UTF-8
 * validation. Error cases assert the exact message and byte offset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/arena.h"
#include "graphql/lexer.h"

static struct arena *arena;

static int setup(void **state)
{
	(void)state;
	arena = arena_new(4096);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(arena_pending_defers(arena), 0);
	arena_free(arena);
	return 0;
}

#define MAX_TOKS 64

/* Lexes all of src[0..len); returns the token count (EOF included) or -1. */
static int lex_all(struct gql_lexer *lx, const char *src, size_t len,
		   struct gql_token *toks)
{
	gql_lexer_init(lx, arena, src, len);
	for (int n = 0; n < MAX_TOKS; n++) {
		if (gql_lex_next(lx, &toks[n]))
			return -1;
		if (toks[n].kind == GQL_TOK_EOF)
			return n + 1;
	}
	fail_msg("too many tokens");
	return -1;
}

static void assert_value(const struct gql_token *t, const char *want, size_t want_len)
{
	assert_int_equal(t->value.len, want_len);
	assert_memory_equal(t->value.ptr, want, want_len);
}

/* One token of the given kind and decoded value, then EOF. */
static void expect_one(const char *src, enum gql_token_kind kind, const char *value,
		       size_t value_len)
{
	struct gql_lexer lx;
	struct gql_token toks[MAX_TOKS];
	int n = lex_all(&lx, src, strlen(src), toks);
	if (n < 0)
		fail_msg("%s: unexpected error %s", src, lx.error);
	assert_int_equal(n, 2);
	assert_int_equal(toks[0].kind, kind);
	assert_value(&toks[0], value, value_len);
	assert_int_equal(toks[1].kind, GQL_TOK_EOF);
}

#define EXPECT_ONE(src, kind, lit) expect_one(src, kind, lit, sizeof lit - 1)

/* Lexing src (len bytes) fails with exactly msg at byte offset off. */
static void expect_error_n(const char *src, size_t len, const char *msg, uint32_t off)
{
	struct gql_lexer lx;
	struct gql_token toks[MAX_TOKS];
	int n = lex_all(&lx, src, len, toks);
	if (n >= 0)
		fail_msg("expected error %s for <%.*s>", msg, (int)len, src);
	assert_string_equal(lx.error, msg);
	assert_int_equal(lx.error_offset, off);
}

static void expect_error(const char *src, const char *msg, uint32_t off)
{
	expect_error_n(src, strlen(src), msg, off);
}

static void test_punctuators(void **state)
{
	(void)state;
	static const char src[] = "! $ & ( ) ... : = @ [ ] { | }";
	static const enum gql_token_kind want[] = {
		GQL_TOK_BANG, GQL_TOK_DOLLAR, GQL_TOK_AMP, GQL_TOK_PAREN_L,
		GQL_TOK_PAREN_R, GQL_TOK_SPREAD, GQL_TOK_COLON, GQL_TOK_EQUALS,
		GQL_TOK_AT, GQL_TOK_BRACKET_L, GQL_TOK_BRACKET_R, GQL_TOK_BRACE_L,
		GQL_TOK_PIPE, GQL_TOK_BRACE_R, GQL_TOK_EOF,
	};
	struct gql_lexer lx;
	struct gql_token toks[MAX_TOKS];
	int n = lex_all(&lx, src, sizeof src - 1, toks);
	assert_int_equal(n, (int)(sizeof want / sizeof want[0]));
	uint32_t off = 0;
	for (int i = 0; i < n; i++) {
		assert_int_equal(toks[i].kind, want[i]);
		if (i < n - 1)
			assert_int_equal(toks[i].offset, off);
		off += toks[i].length + 1;
	}
	assert_int_equal(toks[5].length, 3);
	assert_int_equal(toks[n - 1].offset, sizeof src - 1);
	/* Tightly packed, no whitespace. */
	n = lex_all(&lx, "{a:[...]}", 9, toks);
	assert_int_equal(n, 8);
	assert_int_equal(toks[4].kind, GQL_TOK_SPREAD);
	assert_int_equal(toks[4].offset, 4);
}

static void test_kind_desc(void **state)
{
	(void)state;
	assert_string_equal(gql_token_kind_desc(GQL_TOK_EOF), "<EOF>");
	assert_string_equal(gql_token_kind_desc(GQL_TOK_BRACE_R), "\"}\"");
	assert_string_equal(gql_token_kind_desc(GQL_TOK_SPREAD), "\"...\"");
	assert_string_equal(gql_token_kind_desc(GQL_TOK_NAME), "Name");
	assert_string_equal(gql_token_kind_desc(GQL_TOK_INT), "Int");
	assert_string_equal(gql_token_kind_desc(GQL_TOK_FLOAT), "Float");
	assert_string_equal(gql_token_kind_desc(GQL_TOK_STRING), "String");
	assert_string_equal(gql_token_kind_desc(GQL_TOK_BLOCK_STRING), "BlockString");
}

static void test_names(void **state)
{
	(void)state;
	static const char src[] = "_ a _a1 Foo_Bar9 query";
	static const char *const want[] = { "_", "a", "_a1", "Foo_Bar9", "query" };
	struct gql_lexer lx;
	struct gql_token toks[MAX_TOKS];
	int n = lex_all(&lx, src, sizeof src - 1, toks);
	assert_int_equal(n, 6);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(toks[i].kind, GQL_TOK_NAME);
		assert_value(&toks[i], want[i], strlen(want[i]));
		/* Names are slices of the source, never copies. */
		assert_ptr_equal(toks[i].value.ptr, src + toks[i].offset);
	}
}

static void test_numbers_valid(void **state)
{
	(void)state;
	static const struct {
		const char *src;
		enum gql_token_kind kind;
	} cases[] = {
		{ "0", GQL_TOK_INT }, { "-0", GQL_TOK_INT }, { "7", GQL_TOK_INT },
		{ "123", GQL_TOK_INT }, { "-45", GQL_TOK_INT },
		{ "9007199254740993", GQL_TOK_INT },
		{ "0.0", GQL_TOK_FLOAT }, { "1.5", GQL_TOK_FLOAT }, { "-0.25", GQL_TOK_FLOAT },
		{ "1e10", GQL_TOK_FLOAT }, { "1E10", GQL_TOK_FLOAT }, { "1e-3", GQL_TOK_FLOAT },
		{ "1.2e+3", GQL_TOK_FLOAT }, { "0e0", GQL_TOK_FLOAT }, { "-1.5E-10", GQL_TOK_FLOAT },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		expect_one(cases[i].src, cases[i].kind, cases[i].src, strlen(cases[i].src));

	/* Numbers end at punctuators and whitespace. */
	struct gql_lexer lx;
	struct gql_token toks[MAX_TOKS];
	int n = lex_all(&lx, "[1,-2.5]3)", 10, toks);
	assert_int_equal(n, 7);
	assert_int_equal(toks[1].kind, GQL_TOK_INT);
	assert_value(&toks[1], "1", 1);
	assert_int_equal(toks[2].kind, GQL_TOK_FLOAT);
	assert_value(&toks[2], "-2.5", 4);
	assert_int_equal(toks[4].kind, GQL_TOK_INT);
	assert_int_equal(toks[4].offset, 8);
}

static void test_numbers_invalid(void **state)
{
	(void)state;
	expect_error("01", "Syntax Error: Invalid number, unexpected digit after 0: \"1\".", 1);
	expect_error("-00", "Syntax Error: Invalid number, unexpected digit after 0: \"0\".", 2);
	expect_error("1.", "Syntax Error: Invalid number, expected digit but got: <EOF>.", 2);
	expect_error("1. ", "Syntax Error: Invalid number, expected digit but got: \" \".", 2);
	expect_error(".5", "Syntax Error: Unexpected character: \".\".", 0);
	expect_error("1e", "Syntax Error: Invalid number, expected digit but got: <EOF>.", 2);
	expect_error("1e+", "Syntax Error: Invalid number, expected digit but got: <EOF>.", 3);
	expect_error("1.e5", "Syntax Error: Invalid number, expected digit but got: \"e\".", 2);
	expect_error("123abc", "Syntax Error: Invalid number, expected digit but got: \"a\".", 3);
	expect_error("1.2.3", "Syntax Error: Invalid number, expected digit but got: \".\".", 3);
	expect_error("0x1F", "Syntax Error: Invalid number, expected digit but got: \"x\".", 1);
	expect_error("1_000", "Syntax Error: Invalid number, expected digit but got: \"_\".", 1);
	expect_error("1.5e3.0", "Syntax Error: Invalid number, expected digit but got: \".\".", 5);
	expect_error("-", "Syntax Error: Invalid number, expected digit but got: <EOF>.", 1);
	expect_error("-a", "Syntax Error: Invalid number, expected digit but got: \"a\".", 1);
	expect_error("+1", "Syntax Error: Unexpected character: \"+\".", 0);
	expect_error("1.\xC3\xA9", "Syntax Error: Invalid number, expected digit but got: U+00E9.", 2);
	/* A non-name character after a number just ends it. */
	expect_error("1\xC3\xA9", "Syntax Error: Unexpected character: U+00E9.", 1);
}

static void test_strings(void **state)
{
	(void)state;
	EXPECT_ONE("\"\"", GQL_TOK_STRING, "");
	EXPECT_ONE("\"simple\"", GQL_TOK_STRING, "simple");
	EXPECT_ONE("\" white space \"", GQL_TOK_STRING, " white space ");
	EXPECT_ONE("\"tab\there\"", GQL_TOK_STRING, "tab\there");
	EXPECT_ONE("\"quote \\\"\"", GQL_TOK_STRING, "quote \"");
	EXPECT_ONE("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"", GQL_TOK_STRING,
		   "\" \\ / \b \f \n \r \t");
	EXPECT_ONE("\"\\u0041\\u00e9\\u20AC\"", GQL_TOK_STRING, "A\xC3\xA9\xE2\x82\xAC");
	EXPECT_ONE("\"\\u0000\"", GQL_TOK_STRING, "\0");
	EXPECT_ONE("\"\\uFFFF\"", GQL_TOK_STRING, "\xEF\xBF\xBF");
	/* A surrogate pair combines into one code point (U+1F600). */
	EXPECT_ONE("\"\\uD83D\\uDE00\"", GQL_TOK_STRING, "\xF0\x9F\x98\x80");
	EXPECT_ONE("\"a\\uD83D\\uDE00b\"", GQL_TOK_STRING, "a\xF0\x9F\x98\x80" "b");
	EXPECT_ONE("\"\\uDBFF\\uDFFF\"", GQL_TOK_STRING, "\xF4\x8F\xBF\xBF");
	/* The braced form of the September 2025 draft. */
	EXPECT_ONE("\"\\u{1F600}\"", GQL_TOK_STRING, "\xF0\x9F\x98\x80");
	EXPECT_ONE("\"\\u{41}\\u{0}\"", GQL_TOK_STRING, "A\0");
	EXPECT_ONE("\"\\u{00000041}\"", GQL_TOK_STRING, "A"); /* at most 8 digits */
}

static void test_strings_raw_utf8(void **state)
{
	(void)state;
	/* Valid UTF-8 passes through, and without escapes the value is a
	 * slice of the source. */
	static const char src[] = "\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80 \xEF\xBB\xBF\"";
	struct gql_lexer lx;
	struct gql_token toks[MAX_TOKS];
	int n = lex_all(&lx, src, sizeof src - 1, toks);
	assert_int_equal(n, 2);
	assert_int_equal(toks[0].kind, GQL_TOK_STRING);
	assert_ptr_equal(toks[0].value.ptr, src + 1);
	assert_int_equal(toks[0].value.len, sizeof src - 3);
	assert_int_equal(toks[0].length, sizeof src - 1);
	/* With an escape the value is decoded into the arena. */
	n = lex_all(&lx, "\"a\\nb\"", 6, toks);
	assert_int_equal(n, 2);
	assert_value(&toks[0], "a\nb", 3);
	assert_int_equal(toks[0].length, 6);
}

static void test_strings_invalid(void **state)
{
	(void)state;
	expect_error("\"abc", "Syntax Error: Unterminated string.", 4);
	expect_error("\"", "Syntax Error: Unterminated string.", 1);
	expect_error("\"abc\ndef\"", "Syntax Error: Unterminated string.", 4);
	expect_error("\"abc\r\"", "Syntax Error: Unterminated string.", 4);
	expect_error("\"ab\\", "Syntax Error: Invalid character escape sequence: \"\\\".", 3);
	expect_error("\"\\x\"", "Syntax Error: Invalid character escape sequence: \"\\x\".", 1);
	expect_error("\"a\\z\"", "Syntax Error: Invalid character escape sequence: \"\\z\".", 2);
	expect_error("\"\\\xC3\xA9\"",
		     "Syntax Error: Invalid character escape sequence: \"\\\xC3\xA9\".", 1);
	expect_error("\"\\u12\"", "Syntax Error: Invalid Unicode escape sequence: \"\\u12\"\".", 1);
	expect_error("\"\\uXYZW\"", "Syntax Error: Invalid Unicode escape sequence: \"\\uXYZW\".", 1);
	/* Lone surrogates. */
	expect_error("\"\\uD83D\"", "Syntax Error: Invalid Unicode escape sequence: \"\\uD83D\".", 1);
	expect_error("\"\\uDE00\"", "Syntax Error: Invalid Unicode escape sequence: \"\\uDE00\".", 1);
	expect_error("\"\\uD83D\\u0041\"",
		     "Syntax Error: Invalid Unicode escape sequence: \"\\uD83D\".", 1);
	expect_error("\"\\uD83Dx\"", "Syntax Error: Invalid Unicode escape sequence: \"\\uD83D\".", 1);
	expect_error("\"\\uDE00\\uD83D\"",
		     "Syntax Error: Invalid Unicode escape sequence: \"\\uDE00\".", 1);
	/* Braced form. */
	expect_error("\"\\u{}\"", "Syntax Error: Invalid Unicode escape sequence: \"\\u{}\".", 1);
	expect_error("\"\\u{110000}\"",
		     "Syntax Error: Invalid Unicode escape sequence: \"\\u{110000}\".", 1);
	expect_error("\"\\u{D800}\"",
		     "Syntax Error: Invalid Unicode escape sequence: \"\\u{D800}\".", 1);
	expect_error("\"\\u{000000041}\"",
		     "Syntax Error: Invalid Unicode escape sequence: \"\\u{000000041\".", 1);
	expect_error("\"\\u{12G}\"", "Syntax Error: Invalid Unicode escape sequence: \"\\u{12G\".", 1);
	expect_error("\"\\u{1F600\"",
		     "Syntax Error: Invalid Unicode escape sequence: \"\\u{1F600\"\".", 1);
	/* Unescaped control characters (tab is allowed). */
	expect_error_n("\"a\x01" "b\"", 5, "Syntax Error: Invalid character within String: U+0001.", 2);
	expect_error_n("\"\0\"", 3, "Syntax Error: Invalid character within String: U+0000.", 1);
	expect_error("\"\x1F\"", "Syntax Error: Invalid character within String: U+001F.", 1);
}

static void test_block_strings(void **state)
{
	(void)state;
	EXPECT_ONE("\"\"\"\"\"\"", GQL_TOK_BLOCK_STRING, "");
	EXPECT_ONE("\"\"\"simple\"\"\"", GQL_TOK_BLOCK_STRING, "simple");
	/* One line: it is the first line, so it keeps its indentation. */
	EXPECT_ONE("\"\"\"  white space  \"\"\"", GQL_TOK_BLOCK_STRING, "  white space  ");
	EXPECT_ONE("\"\"\"   \"\"\"", GQL_TOK_BLOCK_STRING, "");
	/* Escapes are not processed, except \""" */
	EXPECT_ONE("\"\"\"a\\nb \\u0041\"\"\"", GQL_TOK_BLOCK_STRING, "a\\nb \\u0041");
	EXPECT_ONE("\"\"\"contains \\\"\"\" triple\"\"\"", GQL_TOK_BLOCK_STRING,
		   "contains \"\"\" triple");
	EXPECT_ONE("\"\"\"a \"quoted\" \"\" b\"\"\"", GQL_TOK_BLOCK_STRING, "a \"quoted\" \"\" b");
	/* The spec's example: common indentation and blank edges removed. */
	EXPECT_ONE("\"\"\"\n"
		   "    Hello,\n"
		   "      World!\n"
		   "\n"
		   "    Yours,\n"
		   "      GraphQL.\n"
		   "  \"\"\"",
		   GQL_TOK_BLOCK_STRING, "Hello,\n  World!\n\nYours,\n  GraphQL.");
	/* The first line is not part of the common indentation. */
	EXPECT_ONE("\"\"\"  first\n    second\n      third\n\"\"\"", GQL_TOK_BLOCK_STRING,
		   "  first\nsecond\n  third");
	/* \r\n and \r are line terminators too; output lines join with \n. */
	EXPECT_ONE("\"\"\"\r\n  a\r\n\r\n  b\r  c\r\n\"\"\"", GQL_TOK_BLOCK_STRING, "a\n\nb\nc");
	/* Tabs count as indentation; blank middle lines shorter than the
	 * indentation become empty. */
	EXPECT_ONE("\"\"\"\n\t\tx\n \n\t\ty\n\"\"\"", GQL_TOK_BLOCK_STRING, "x\n\ny");
	/* Only blank lines. */
	EXPECT_ONE("\"\"\"\n   \n\t\n\"\"\"", GQL_TOK_BLOCK_STRING, "");
	/* Escaped triple quote on an indented line. */
	EXPECT_ONE("\"\"\"\n  say \\\"\"\"hi\\\"\"\"\n  end\n\"\"\"", GQL_TOK_BLOCK_STRING,
		   "say \"\"\"hi\"\"\"\nend");
	/* Non-ASCII and tabs inside. */
	EXPECT_ONE("\"\"\"\n  caf\xC3\xA9\t\xF0\x9F\x98\x80\n\"\"\"", GQL_TOK_BLOCK_STRING,
		   "caf\xC3\xA9\t\xF0\x9F\x98\x80");

	/* Token length covers the quotes. */
	struct gql_lexer lx;
	struct gql_token toks[MAX_TOKS];
	int n = lex_all(&lx, " \"\"\"a\nb\"\"\" x", 12, toks);
	assert_int_equal(n, 3);
	assert_int_equal(toks[0].offset, 1);
	assert_int_equal(toks[0].length, 9);
	assert_int_equal(toks[1].offset, 11);
}

static void test_block_strings_invalid(void **state)
{
	(void)state;
	expect_error("\"\"\"abc", "Syntax Error: Unterminated string.", 6);
	expect_error("\"\"\"abc\"\"", "Syntax Error: Unterminated string.", 8);
	expect_error("\"\"\"abc\\\"\"\"", "Syntax Error: Unterminated string.", 10);
	expect_error("\"\"\"a\x02\"\"\"", "Syntax Error: Invalid character within String: U+0002.", 4);
	expect_error("\"\"\"a\xFF\"\"\"", "Syntax Error: Invalid UTF-8 byte 0xFF.", 4);
}

static void test_ignored(void **state)
{
	(void)state;
	static const char src[] =
		"\xEF\xBB\xBF# leading comment\n"
		"a,,b # trailing \xC3\xA9 comment\r\n"
		"\t, c\r#x\rd \xEF\xBB\xBF e#eof comment";
	static const char *const want[] = { "a", "b", "c", "d", "e" };
	struct gql_lexer lx;
	struct gql_token toks[MAX_TOKS];
	int n = lex_all(&lx, src, sizeof src - 1, toks);
	assert_int_equal(n, 6);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(toks[i].kind, GQL_TOK_NAME);
		assert_value(&toks[i], want[i], 1);
	}
	assert_int_equal(toks[0].offset, 21);
	assert_int_equal(toks[5].kind, GQL_TOK_EOF);
	assert_int_equal(toks[5].offset, sizeof src - 1);

	/* Only ignored tokens. */
	n = lex_all(&lx, " ,\n# nothing", 12, toks);
	assert_int_equal(n, 1);
	assert_int_equal(toks[0].kind, GQL_TOK_EOF);
	n = lex_all(&lx, "", 0, toks);
	assert_int_equal(n, 1);
	assert_int_equal(toks[0].offset, 0);

	/* After EOF the lexer keeps returning EOF. */
	gql_lexer_init(&lx, arena, "x", 1);
	assert_int_equal(gql_lex_next(&lx, &toks[0]), 0);
	assert_int_equal(gql_lex_next(&lx, &toks[0]), 0);
	assert_int_equal(toks[0].kind, GQL_TOK_EOF);
	assert_int_equal(gql_lex_next(&lx, &toks[0]), 0);
	assert_int_equal(toks[0].kind, GQL_TOK_EOF);
	assert_int_equal(toks[0].offset, 1);
}

static void test_unexpected_characters(void **state)
{
	(void)state;
	expect_error("?", "Syntax Error: Unexpected character: \"?\".", 0);
	expect_error("a ~", "Syntax Error: Unexpected character: \"~\".", 2);
	expect_error("..", "Syntax Error: Unexpected character: \".\".", 0);
	expect_error("a.b", "Syntax Error: Unexpected character: \".\".", 1);
	expect_error("\x01", "Syntax Error: Unexpected character: U+0001.", 0);
	expect_error("\x7F", "Syntax Error: Unexpected character: U+007F.", 0);
	expect_error_n("a\0", 2, "Syntax Error: Unexpected character: U+0000.", 1);
	expect_error("\xC3\xA9", "Syntax Error: Unexpected character: U+00E9.", 0);
	expect_error("\xF0\x9F\x98\x80", "Syntax Error: Unexpected character: U+1F600.", 0);
	expect_error("'a'", "Syntax Error: Unexpected single quote character ('), "
		     "did you mean to use a double quote (\")?", 0);
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	/* Outside strings, in strings, in comments. */
	expect_error("\xFF", "Syntax Error: Invalid UTF-8 byte 0xFF.", 0);
	expect_error("ab \x80", "Syntax Error: Invalid UTF-8 byte 0x80.", 3);
	expect_error("# \xFE\n", "Syntax Error: Invalid UTF-8 byte 0xFE.", 2);
	/* Overlong encodings. */
	expect_error("\"a\xC0\x80\"", "Syntax Error: Invalid UTF-8 byte 0xC0.", 2);
	expect_error("\"\xC1\xBF\"", "Syntax Error: Invalid UTF-8 byte 0xC1.", 1);
	expect_error("\"\xE0\x80\xAF\"", "Syntax Error: Invalid UTF-8 byte 0xE0.", 1);
	expect_error("\"\xF0\x80\x80\xAF\"", "Syntax Error: Invalid UTF-8 byte 0xF0.", 1);
	/* UTF-16 surrogates encoded in UTF-8. */
	expect_error("\"\xED\xA0\x80\"", "Syntax Error: Invalid UTF-8 byte 0xED.", 1);
	expect_error("# \xED\xBF\xBF", "Syntax Error: Invalid UTF-8 byte 0xED.", 2);
	/* Past U+10FFFF. */
	expect_error("\"\xF4\x90\x80\x80\"", "Syntax Error: Invalid UTF-8 byte 0xF4.", 1);
	expect_error("\"\xF5\x80\x80\x80\"", "Syntax Error: Invalid UTF-8 byte 0xF5.", 1);
	/* Truncated sequences, at the end and before ASCII. */
	expect_error("\"\xE2\x82", "Syntax Error: Invalid UTF-8 byte 0xE2.", 1);
	expect_error("\"\xE2\x82\"", "Syntax Error: Invalid UTF-8 byte 0xE2.", 1);
	expect_error("\xC3", "Syntax Error: Invalid UTF-8 byte 0xC3.", 0);
	/* A lone continuation byte after a valid character. */
	expect_error("\"\xC3\xA9\xA9\"", "Syntax Error: Invalid UTF-8 byte 0xA9.", 3);
	/* Boundaries that are valid: U+0080, U+07FF, U+0800, U+D7FF, U+E000,
	 * U+FFFF, U+10000, U+10FFFF. */
	static const char ok[] = "\"\xC2\x80\xDF\xBF\xE0\xA0\x80\xED\x9F\xBF\xEE\x80\x80"
				 "\xEF\xBF\xBF\xF0\x90\x80\x80\xF4\x8F\xBF\xBF\"";
	expect_one(ok, GQL_TOK_STRING, ok + 1, sizeof ok - 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_punctuators),
		cmocka_unit_test(test_kind_desc),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_numbers_valid),
		cmocka_unit_test(test_numbers_invalid),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_strings_raw_utf8),
		cmocka_unit_test(test_strings_invalid),
		cmocka_unit_test(test_block_strings),
		cmocka_unit_test(test_block_strings_invalid),
		cmocka_unit_test(test_ignored),
		cmocka_unit_test(test_unexpected_characters),
		cmocka_unit_test(test_invalid_utf8),
	};
	return cmocka_run_group_tests_name("graphql/lexer", tests, setup, teardown);
}
