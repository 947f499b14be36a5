/*
 * lexer.c - GraphQL tokenizer (see lexer.h for the contract).
 *
 * One forward pass over the bytes: whitespace, commas, BOMs and comments are
 * skipped, then one token is cut. Messages follow graphql-js 16 (lexer.ts)
 * word for word where the situation exists there, so clients see familiar
 * text. Invariants: lx->pos only moves forward; a decoded string never needs
 * more bytes than its source text, which is what bounds its one allocation.
 */
#include "graphql/lexer.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/utf8.h"

void gql_lexer_init(struct gql_lexer *lx, struct arena *arena,
		    const char *src, size_t len)
{
	lx->src = src;
	lx->len = len;
	lx->pos = 0;
	lx->arena = arena;
	lx->error_offset = 0;
	lx->error[0] = '\0';
}

const char *gql_token_kind_desc(enum gql_token_kind kind)
{
	/* A switch without default, so -Wswitch-enum flags a new kind. */
	switch (kind) {
	case GQL_TOK_EOF: return "<EOF>";
	case GQL_TOK_BANG: return "\"!\"";
	case GQL_TOK_DOLLAR: return "\"$\"";
	case GQL_TOK_AMP: return "\"&\"";
	case GQL_TOK_PAREN_L: return "\"(\"";
	case GQL_TOK_PAREN_R: return "\")\"";
	case GQL_TOK_SPREAD: return "\"...\"";
	case GQL_TOK_COLON: return "\":\"";
	case GQL_TOK_EQUALS: return "\"=\"";
	case GQL_TOK_AT: return "\"@\"";
	case GQL_TOK_BRACKET_L: return "\"[\"";
	case GQL_TOK_BRACKET_R: return "\"]\"";
	case GQL_TOK_BRACE_L: return "\"{\"";
	case GQL_TOK_PIPE: return "\"|\"";
	case GQL_TOK_BRACE_R: return "\"}\"";
	case GQL_TOK_NAME: return "Name";
	case GQL_TOK_INT: return "Int";
	case GQL_TOK_FLOAT: return "Float";
	case GQL_TOK_STRING: return "String";
	case GQL_TOK_BLOCK_STRING: return "BlockString";
	}
	return "<unknown>";
}

static int lex_error(struct gql_lexer *lx, size_t off, const char *fmt, ...) PRINTF_LIKE(3, 4);

static int lex_error(struct gql_lexer *lx, size_t off, const char *fmt, ...)
{
	static const char prefix[] = "Syntax Error: ";
	va_list ap;
	memcpy(lx->error, prefix, sizeof prefix);
	va_start(ap, fmt);
	vsnprintf(lx->error + sizeof prefix - 1, sizeof lx->error - (sizeof prefix - 1), fmt, ap);
	va_end(ap);
	lx->error_offset = (uint32_t)off;
	return -1;
}

static inline bool is_digit(unsigned c)
{
	return c - '0' < 10u;
}

static inline bool is_name_start(unsigned c)
{
	return (c | 0x20u) - 'a' < 26u || c == '_';
}

static inline bool is_name_cont(unsigned c)
{
	return is_name_start(c) || is_digit(c);
}

static inline bool is_scalar_value(int32_t cp)
{
	return (cp >= 0 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0x10FFFF);
}

static int hex_val(unsigned c)
{
	if (is_digit(c))
		return (int)(c - '0');
	if ((c | 0x20u) - 'a' < 6u)
		return (int)((c | 0x20u) - 'a' + 10);
	return -1;
}

/* Four hex digits at s[i], or -1 when any is missing or not hex. */
static int32_t hex4(const unsigned char *s, size_t n, size_t i)
{
	if (n < 4 || i > n - 4)
		return -1;
	int a = hex_val(s[i]), b = hex_val(s[i + 1]);
	int c = hex_val(s[i + 2]), d = hex_val(s[i + 3]);
	if ((a | b | c | d) < 0)
		return -1;
	return (int32_t)(a << 12 | b << 8 | c << 4 | d);
}

static size_t utf8_encode(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

static int utf8_error(struct gql_lexer *lx, size_t i)
{
	return lex_error(lx, i, "Invalid UTF-8 byte 0x%02X.",
			 (unsigned)(unsigned char)lx->src[i]);
}

/*
 * Formats the character at offset i like graphql-js printCodePointAt:
 * <EOF>, "c" for printable ASCII, '"' for a quote, U+XXXX otherwise.
 * Returns -1 (with the error set) when the bytes there are not UTF-8.
 */
static int char_desc(struct gql_lexer *lx, size_t i, char *buf, size_t cap)
{
	const unsigned char *s = (const unsigned char *)lx->src;
	uint32_t cp;
	if (i >= lx->len) {
		snprintf(buf, cap, "<EOF>");
		return 0;
	}
	cp = s[i];
	if (cp >= 0x80 && !utf8_decode(s, lx->len, i, &cp))
		return utf8_error(lx, i);
	if (cp == '"')
		snprintf(buf, cap, "'\"'");
	else if (cp >= 0x20 && cp <= 0x7E)
		snprintf(buf, cap, "\"%c\"", (char)cp);
	else
		snprintf(buf, cap, "U+%04X", (unsigned)cp);
	return 0;
}

/*
 * Error for a bad escape, quoting `units` characters from src[i] the way
 * graphql-js slices its UTF-16 string (a character past U+FFFF counts two),
 * cut at the end of input and before any byte that is not UTF-8, because the
 * message must itself be valid UTF-8.
 */
static int escape_error(struct gql_lexer *lx, size_t i, size_t units, const char *what)
{
	const unsigned char *s = (const unsigned char *)lx->src;
	size_t k = i;
	uint32_t cp = 0;
	while (units > 0 && k < lx->len) {
		size_t l = s[k] < 0x80 ? 1 : utf8_decode(s, lx->len, k, &cp);
		size_t u = l == 4 ? 2 : 1;
		if (l == 0 || u > units)
			break;
		k += l;
		units -= u;
	}
	return lex_error(lx, i, "Invalid %s escape sequence: \"%.*s\".", what,
			 (int)(k - i), lx->src + i);
}

/* Reads digits at *i; graphql-js requires at least one. */
static int read_digits(struct gql_lexer *lx, size_t *i)
{
	const unsigned char *s = (const unsigned char *)lx->src;
	size_t j = *i;
	char desc[16];
	if (j >= lx->len || !is_digit(s[j])) {
		if (char_desc(lx, j, desc, sizeof desc))
			return -1;
		return lex_error(lx, j, "Invalid number, expected digit but got: %s.", desc);
	}
	while (j < lx->len && is_digit(s[j]))
		j++;
	*i = j;
	return 0;
}

/* IntValue / FloatValue, with the spec's lookahead restrictions: no leading
 * zeros, and no '.' or NameStart right after the number. */
static int lex_number(struct gql_lexer *lx, size_t start, struct gql_token *t)
{
	const unsigned char *s = (const unsigned char *)lx->src;
	size_t n = lx->len, i = start;
	bool is_float = false;
	char desc[16];
	if (s[i] == '-')
		i++;
	if (i < n && s[i] == '0') {
		i++;
		if (i < n && is_digit(s[i])) {
			char_desc(lx, i, desc, sizeof desc);
			return lex_error(lx, i, "Invalid number, unexpected digit after 0: %s.", desc);
		}
	} else if (read_digits(lx, &i)) {
		return -1;
	}
	if (i < n && s[i] == '.') {
		is_float = true;
		i++;
		if (read_digits(lx, &i))
			return -1;
	}
	if (i < n && (s[i] | 0x20u) == 'e') {
		is_float = true;
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (read_digits(lx, &i))
			return -1;
	}
	if (i < n && (s[i] == '.' || is_name_start(s[i]))) {
		char_desc(lx, i, desc, sizeof desc);
		return lex_error(lx, i, "Invalid number, expected digit but got: %s.", desc);
	}
	t->kind = is_float ? GQL_TOK_FLOAT : GQL_TOK_INT;
	t->length = (uint32_t)(i - start);
	t->value.ptr = lx->src + start;
	t->value.len = i - start;
	lx->pos = i;
	return 0;
}

/*
 * Decodes the escape at s[i] ('\\') into out (when out is not NULL) and
 * advances *i and *o past it. \uXXXX surrogate pairs combine into one code
 * point; \u{...} is the variable-width form. Follows graphql-js for which
 * bytes the error message quotes.
 */
static int lex_escape(struct gql_lexer *lx, size_t *ip, char *out, size_t *op)
{
	const unsigned char *s = (const unsigned char *)lx->src;
	size_t n = lx->len, i = *ip;
	uint32_t cp;
	size_t size = 2;
	unsigned e = i + 1 < n ? s[i + 1] : 0x100;
	switch (e) {
	case '"': cp = '"'; break;
	case '\\': cp = '\\'; break;
	case '/': cp = '/'; break;
	case 'b': cp = '\b'; break;
	case 'f': cp = '\f'; break;
	case 'n': cp = '\n'; break;
	case 'r': cp = '\r'; break;
	case 't': cp = '\t'; break;
	case 'u': {
		if (i + 2 < n && s[i + 2] == '{') {
			/* Emulates graphql-js's int32 accumulator so the same bytes
			 * are quoted on error: at most \u{ + 8 digits + }. */
			int32_t point = 0;
			size = 3;
			for (;;) {
				if (size >= 12)
					return escape_error(lx, i, size, "Unicode");
				size_t k = i + size++;
				unsigned c = k < n ? s[k] : 0x100;
				if (c == '}') {
					if (size < 5 || !is_scalar_value(point))
						return escape_error(lx, i, size, "Unicode");
					break;
				}
				int h = hex_val(c);
				point = h < 0 ? -1 : (int32_t)((uint32_t)point << 4 | (uint32_t)h);
				if (point < 0)
					return escape_error(lx, i, size, "Unicode");
			}
			cp = (uint32_t)point;
			break;
		}
		int32_t hi = hex4(s, n, i + 2);
		size = 6;
		if (is_scalar_value(hi)) {
			cp = (uint32_t)hi;
			break;
		}
		/* JSON-style surrogate pairs are allowed only when they pair up. */
		if (hi >= 0xD800 && hi <= 0xDBFF && i + 7 < n && s[i + 6] == '\\' &&
		    s[i + 7] == 'u') {
			int32_t lo = hex4(s, n, i + 8);
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				cp = 0x10000 + ((uint32_t)(hi - 0xD800) << 10) + (uint32_t)(lo - 0xDC00);
				size = 12;
				break;
			}
		}
		return escape_error(lx, i, 6, "Unicode");
	}
	default:
		if (e >= 0x80 && e < 0x100) {
			if (utf8_decode(s, n, i + 1, &cp) == 0)
				return utf8_error(lx, i + 1);
			return escape_error(lx, i, 2, "character");
		}
		return escape_error(lx, i, 2, "character");
	}
	if (out)
		*op += utf8_encode(out + *op, cp);
	*ip = i + size;
	return 0;
}

/* A "..." string. Without escapes the value is a slice of the source. */
static int lex_string(struct gql_lexer *lx, size_t start, struct gql_token *t)
{
	const unsigned char *s = (const unsigned char *)lx->src;
	size_t n = lx->len, i = start + 1, o = 0;
	bool escapes = false;
	char *out = NULL;
	/* Cheap pre-scan for the farthest the string can reach and whether it
	 * has escapes; that bounds the decoded size, so one allocation does. */
	size_t j = i;
	while (j < n) {
		unsigned c = s[j];
		if (c == '"' || c == '\n' || c == '\r')
			break;
		if (c == '\\') {
			escapes = true;
			j++;
		}
		j++;
	}
	if (escapes)
		out = arena_alloc(lx->arena, (j < n ? j : n) - start);
	for (;;) {
		if (i >= n)
			return lex_error(lx, n, "Unterminated string.");
		unsigned c = s[i];
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			if (out)
				out[o] = (char)c;
			o++;
			i++;
		} else if (c == '"') {
			break;
		} else if (c == '\\') {
			if (lex_escape(lx, &i, out, &o))
				return -1;
		} else if (c == '\n' || c == '\r') {
			return lex_error(lx, i, "Unterminated string.");
		} else if (c < 0x20 && c != '\t') {
			return lex_error(lx, i, "Invalid character within String: U+%04X.", c);
		} else {
			uint32_t cp;
			size_t l = c == '\t' ? 1 : utf8_decode(s, n, i, &cp);
			if (l == 0)
				return utf8_error(lx, i);
			if (out)
				memcpy(out + o, s + i, l);
			o += l;
			i += l;
		}
	}
	t->kind = GQL_TOK_STRING;
	t->length = (uint32_t)(i + 1 - start);
	t->value.ptr = out ? out : lx->src + start + 1;
	t->value.len = o;
	lx->pos = i + 1;
	return 0;
}

/* Copies raw[0..len) to out, turning each \""" into """; returns bytes written. */
static size_t copy_unescaped(char *out, const char *raw, size_t len)
{
	size_t o = 0;
	for (size_t k = 0; k < len; k++) {
		if (raw[k] == '\\' && len - k >= 4 && raw[k + 1] == '"' &&
		    raw[k + 2] == '"' && raw[k + 3] == '"') {
			memcpy(out + o, "\"\"\"", 3);
			o += 3;
			k += 3;
		} else {
			out[o++] = raw[k];
		}
	}
	return o;
}

/* Returns the end of the line starting at p and sets *indent to its leading
 * spaces and tabs. */
static size_t line_end(const char *raw, size_t len, size_t p, size_t *indent)
{
	size_t q = p;
	while (q < len && (raw[q] == ' ' || raw[q] == '\t'))
		q++;
	*indent = q - p;
	while (q < len && raw[q] != '\n' && raw[q] != '\r')
		q++;
	return q;
}

static size_t next_line(const char *raw, size_t len, size_t q)
{
	return q + (raw[q] == '\r' && q + 1 < len && raw[q + 1] == '\n' ? 2 : 1);
}

/*
 * The spec's BlockStringValue(): split into lines at \n, \r\n or \r; remove
 * the common indentation of every line but the first; drop leading and
 * trailing blank lines; join with \n. Two passes over the raw text and no
 * line array: the first finds the indentation and the kept range.
 */
static struct gql_str block_value(struct arena *a, const char *raw, size_t len)
{
	size_t common = SIZE_MAX, first = SIZE_MAX, last = 0, line = 0, p = 0, ind, q;
	struct gql_str v = { raw, 0 };
	for (;; line++) {
		q = line_end(raw, len, p, &ind);
		if (ind < q - p) {
			if (first == SIZE_MAX)
				first = line;
			last = line;
			if (line != 0 && ind < common)
				common = ind;
		}
		if (q >= len)
			break;
		p = next_line(raw, len, q);
	}
	if (first == SIZE_MAX)
		return v;
	char *out = arena_alloc(a, len);
	size_t o = 0;
	p = 0;
	for (line = 0; line <= last; line++) {
		q = line_end(raw, len, p, &ind);
		if (line >= first) {
			size_t skip = line == 0 ? 0 : (common < q - p ? common : q - p);
			if (line > first)
				out[o++] = '\n';
			o += copy_unescaped(out + o, raw + p + skip, q - p - skip);
		}
		if (q >= len)
			break;
		p = next_line(raw, len, q);
	}
	v.ptr = out;
	v.len = o;
	return v;
}

/* A """...""" block string; s[start..start+3) is the opening quote. */
static int lex_block_string(struct gql_lexer *lx, size_t start, struct gql_token *t)
{
	const unsigned char *s = (const unsigned char *)lx->src;
	size_t n = lx->len, body = start + 3, i = body;
	bool simple = true; /* one line and no \""" : the raw text is the value */
	for (;;) {
		if (i >= n)
			return lex_error(lx, n, "Unterminated string.");
		unsigned c = s[i];
		if (c == '"') {
			if (n - i >= 3 && s[i + 1] == '"' && s[i + 2] == '"')
				break;
			i++;
		} else if (c == '\\') {
			if (n - i >= 4 && s[i + 1] == '"' && s[i + 2] == '"' && s[i + 3] == '"') {
				simple = false;
				i += 4;
			} else {
				i++;
			}
		} else if (c >= 0x20 && c < 0x80) {
			i++;
		} else if (c == '\n' || c == '\r') {
			simple = false;
			i++;
		} else if (c < 0x20 && c != '\t') {
			return lex_error(lx, i, "Invalid character within String: U+%04X.", c);
		} else {
			uint32_t cp;
			size_t l = c == '\t' ? 1 : utf8_decode(s, n, i, &cp);
			if (l == 0)
				return utf8_error(lx, i);
			i += l;
		}
	}
	t->kind = GQL_TOK_BLOCK_STRING;
	t->length = (uint32_t)(i + 3 - start);
	lx->pos = i + 3;
	if (simple) {
		/* A single line keeps its indentation (it is the first line)
		 * unless it is blank, in which case the value is empty. */
		size_t k = body;
		while (k < i && (s[k] == ' ' || s[k] == '\t'))
			k++;
		t->value.ptr = lx->src + body;
		t->value.len = k == i ? 0 : i - body;
	} else {
		t->value = block_value(lx->arena, lx->src + body, i - body);
	}
	return 0;
}

int gql_lex_next(struct gql_lexer *lx, struct gql_token *t)
{
	const unsigned char *s = (const unsigned char *)lx->src;
	size_t n = lx->len, i = lx->pos;
	unsigned c = 0;
	char desc[16];
	/* Ignored tokens: whitespace, line terminators, commas, BOM, comments. */
	while (i < n) {
		c = s[i];
		if (c == ' ' || c == '\n' || c == ',' || c == '\t' || c == '\r') {
			i++;
		} else if (c == '#') {
			for (i++; i < n && s[i] != '\n' && s[i] != '\r';) {
				uint32_t cp;
				size_t l = s[i] < 0x80 ? 1 : utf8_decode(s, n, i, &cp);
				if (l == 0)
					return utf8_error(lx, i);
				i += l;
			}
		} else if (c == 0xEF && n - i >= 3 && s[i + 1] == 0xBB && s[i + 2] == 0xBF) {
			i += 3;
		} else {
			break;
		}
	}
	t->offset = (uint32_t)i;
	t->value.ptr = lx->src + i;
	t->value.len = 0;
	if (i >= n) {
		t->kind = GQL_TOK_EOF;
		t->length = 0;
		lx->pos = n;
		return 0;
	}
	enum gql_token_kind kind;
	switch (c) {
	case '!': kind = GQL_TOK_BANG; break;
	case '$': kind = GQL_TOK_DOLLAR; break;
	case '&': kind = GQL_TOK_AMP; break;
	case '(': kind = GQL_TOK_PAREN_L; break;
	case ')': kind = GQL_TOK_PAREN_R; break;
	case ':': kind = GQL_TOK_COLON; break;
	case '=': kind = GQL_TOK_EQUALS; break;
	case '@': kind = GQL_TOK_AT; break;
	case '[': kind = GQL_TOK_BRACKET_L; break;
	case ']': kind = GQL_TOK_BRACKET_R; break;
	case '{': kind = GQL_TOK_BRACE_L; break;
	case '|': kind = GQL_TOK_PIPE; break;
	case '}': kind = GQL_TOK_BRACE_R; break;
	case '.':
		if (n - i >= 3 && s[i + 1] == '.' && s[i + 2] == '.') {
			t->kind = GQL_TOK_SPREAD;
			t->length = 3;
			lx->pos = i + 3;
			return 0;
		}
		return lex_error(lx, i, "Unexpected character: \".\".");
	case '"':
		if (n - i >= 3 && s[i + 1] == '"' && s[i + 2] == '"')
			return lex_block_string(lx, i, t);
		return lex_string(lx, i, t);
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		return lex_number(lx, i, t);
	case '\'':
		return lex_error(lx, i, "Unexpected single quote character ('), "
				 "did you mean to use a double quote (\")?");
	default:
		if (is_name_start(c)) {
			size_t j = i + 1;
			while (j < n && is_name_cont(s[j]))
				j++;
			t->kind = GQL_TOK_NAME;
			t->length = (uint32_t)(j - i);
			t->value.len = j - i;
			lx->pos = j;
			return 0;
		}
		if (char_desc(lx, i, desc, sizeof desc))
			return -1;
		return lex_error(lx, i, "Unexpected character: %s.", desc);
	}
	t->kind = kind;
	t->length = 1;
	lx->pos = i + 1;
	return 0;
}
