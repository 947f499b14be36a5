/*
 * errors.h - GraphQL error objects: {message, locations, path, extensions}.
 * Built with jansson only. Locations are computed from byte offsets here,
 * when an error is reported, never per token.
 */
#ifndef DOITONG_GQL_ERRORS_H
#define DOITONG_GQL_ERRORS_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "common/err.h"

/* A response path, built on the stack as execution descends:
 * each segment is a response key or a list index. */
struct gql_path {
	const struct gql_path *parent;
	const char *key; /* NULL for an index */
	size_t key_len;
	size_t index;
};

#define GQL_NO_LOCATION UINT32_MAX

/*
 * Returns a new error object: message, then locations (when offset is not
 * GQL_NO_LOCATION; src/len is the document), path (when path is not NULL),
 * and extensions {code, ...extra} where extra (may be NULL) is merged in.
 */
json_t *gql_error_new(const char *message, enum api_err code, const char *src, size_t len,
		      uint32_t offset, const struct gql_path *path, json_t *extra);

/* The same with the machine code given as its ErrorCode name (as the
 * database reports it), e.g. "INSUFFICIENT_CREDITS". */
json_t *gql_error_new_code(const char *message, const char *code, const char *src, size_t len,
			   uint32_t offset, const struct gql_path *path, json_t *extra);

/* The path as a JSON array (new reference). */
json_t *gql_path_json(const struct gql_path *path);

#endif
