/*
 * test_doc_cache.c - the per-process document cache: a document put is found
 * by its text, with its own copy of the text (the request's buffer may go);
 * other text (even one character longer) misses; a second document in the
 * same slot evicts the first; text that does not parse is not kept; the
 * cached AST is the document's (operation, selections).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "graphql/doc_cache.h"

static const struct gql_limits limits = { 1000, 64 };

static void put(const char *src)
{
	doc_cache_put(src, strlen(src), &limits);
}

static struct gql_document *get(const char *src)
{
	return doc_cache_get(src, strlen(src));
}

static void hit_after_put(void **state)
{
	(void)state;
	char *text = strdup("query Q($id: ID!) { generation(id: $id) { id status } }");
	assert_null(get(text));
	put(text);
	char copy[128];
	strcpy(copy, text);
	memset(text, 'x', strlen(text)); /* the cache must not point into the caller's buffer */
	free(text);
	struct gql_document *doc = get(copy);
	assert_non_null(doc);
	assert_non_null(doc->first);
	assert_int_equal(doc->first->kind, GQL_DEF_OPERATION);
	assert_true(gql_str_eq(doc->first->name, "Q"));
	assert_true(gql_str_eq(doc->first->selection_set->first->name, "generation"));
	assert_ptr_equal(get(copy), doc);
	doc_cache_free();
	assert_null(get(copy));
}

static void other_text_misses(void **state)
{
	(void)state;
	const char *a = "{ a }";
	put(a);
	assert_non_null(doc_cache_get(a, strlen(a)));
	assert_null(doc_cache_get("{ b }", 5));
	assert_null(doc_cache_get("{ a } ", 6));
	assert_null(doc_cache_get(a, strlen(a) - 1)); /* a prefix of the text */
	doc_cache_free();
}

/* The cache's slot of a text. */
static size_t slot(const char *src)
{
	return doc_cache_slot(src, strlen(src));
}

static void collision_evicts(void **state)
{
	(void)state;
	const char *first = "{ f0 }";
	char other[32];
	int i;
	for (i = 1; i < 100000; i++) {
		snprintf(other, sizeof other, "{ f%d }", i);
		if (slot(other) == slot(first))
			break;
	}
	assert_true(i < 100000);
	put(first);
	assert_non_null(get(first));
	put(other);
	assert_null(get(first));
	assert_non_null(get(other));
	doc_cache_free();
}

static void unparsable_not_kept(void **state)
{
	(void)state;
	put("{ a ");
	assert_null(get("{ a "));
	doc_cache_free();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hit_after_put),
		cmocka_unit_test(other_text_misses),
		cmocka_unit_test(collision_evicts),
		cmocka_unit_test(unparsable_not_kept),
	};
	return cmocka_run_group_tests_name("doc_cache", tests, NULL, NULL);
}
