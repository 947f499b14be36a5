/*
 * utf8.h - UTF-8 checking shared by the HTTP edge (request bodies and query
 * strings) and the GraphQL lexer: one decoder, by the table of Unicode 15,
 * section 3.9, D92.
 */
#ifndef DOITONG_UTF8_H
#define DOITONG_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Decodes the well-formed UTF-8 sequence at s[i] (s[i] >= 0x80, i < n) into
 * *cp and returns its length, or returns 0 for overlongs, encoded
 * surrogates, code points past U+10FFFF, stray continuation bytes and
 * truncated sequences.
 */
size_t utf8_decode(const unsigned char *s, size_t n, size_t i, uint32_t *cp);

/* True when s[0..len) is entirely well-formed UTF-8. */
bool utf8_valid(const char *s, size_t len);

#endif
