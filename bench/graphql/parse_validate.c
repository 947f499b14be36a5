/*
 * parse_validate.c - nanoseconds per parse + validate of a GraphQL document
 * with our engine, the figure bench/graphql/run sets beside graphql-js's.
 *
 * usage: parse_validate FILE [ITERATIONS]
 * Prints "ns_per_op N". The request arena is reset after every operation,
 * as the server does after every request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/arena.h"
#include "graphql/internal.h"
#include "graphql/parser.h"

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* One parse + validate; returns 0 when the document is valid. */
static int parse_validate(struct arena *a, const struct gql_schema *schema, const char *doc, size_t len)
{
	struct exec_ctx c = { 0 };
	c.a = a;
	c.schema = schema;
	c.src = doc;
	c.len = len;
	c.errors = json_array();
	struct gql_limits limits = { GQL_MAX_TOKENS, 4 * GQL_MAX_DEPTH };
	struct gql_parse_error err;
	int rc = gql_parse(a, doc, len, &limits, &c.doc, &err) ? -1 : (gql_validate(&c) ? 0 : -2);
	if (rc == -1)
		fprintf(stderr, "parse error: %s\n", err.message);
	if (rc == -2) {
		char *text = json_dumps(c.errors, 0);
		fprintf(stderr, "invalid: %s\n", text);
		free(text);
	}
	json_decref(c.errors);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE [ITERATIONS]\n", argv[0]);
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	static char doc[1 << 16];
	size_t len = fread(doc, 1, sizeof doc, f);
	fclose(f);
	long iterations = argc > 2 ? strtol(argv[2], NULL, 10) : 200000;
	const struct gql_schema *schema = gql_schema_get();
	struct arena *a = arena_new(64 * 1024);
	if (parse_validate(a, schema, doc, len))
		return 1;
	arena_reset(a);
	for (long i = 0; i < iterations / 10; i++) { /* warm-up */
		parse_validate(a, schema, doc, len);
		arena_reset(a);
	}
	double start = now_ns();
	for (long i = 0; i < iterations; i++) {
		parse_validate(a, schema, doc, len);
		arena_reset(a);
	}
	double ns = (now_ns() - start) / (double)iterations;
	printf("ns_per_op %.0f\n", ns);
	arena_free(a);
	gql_schema_free();
	return 0;
}
