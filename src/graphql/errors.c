/*
 * errors.c - builds GraphQL error objects (see errors.h).
 */
#include "graphql/errors.h"

#include "graphql/parser.h"

json_t *gql_path_json(const struct gql_path *path)
{
	size_t depth = 0;
	for (const struct gql_path *p = path; p; p = p->parent)
		depth++;
	json_t *arr = json_array();
	for (size_t i = 0; i < depth; i++)
		json_array_append_new(arr, json_null());
	size_t i = depth;
	for (const struct gql_path *p = path; p; p = p->parent) {
		i--;
		json_t *seg = p->key ? json_stringn(p->key, p->key_len) : json_integer((json_int_t)p->index);
		json_array_set_new(arr, i, seg);
	}
	return arr;
}

json_t *gql_error_new(const char *message, enum api_err code, const char *src, size_t len,
		      uint32_t offset, const struct gql_path *path, json_t *extra)
{
	return gql_error_new_code(message, api_err_code(code), src, len, offset, path, extra);
}

json_t *gql_error_new_code(const char *message, const char *code, const char *src, size_t len,
			   uint32_t offset, const struct gql_path *path, json_t *extra)
{
	json_t *e = json_object();
	json_t *m = json_string(message);
	json_object_set_new(e, "message", m ? m : json_string("(message not valid UTF-8)"));
	if (offset != GQL_NO_LOCATION && src) {
		unsigned line, column;
		gql_location(src, len, offset, &line, &column);
		json_t *loc = json_object();
		json_object_set_new(loc, "line", json_integer(line));
		json_object_set_new(loc, "column", json_integer(column));
		json_t *locs = json_array();
		json_array_append_new(locs, loc);
		json_object_set_new(e, "locations", locs);
	}
	if (path)
		json_object_set_new(e, "path", gql_path_json(path));
	json_t *ext = json_object();
	json_object_set_new(ext, "code", json_string(code));
	if (extra)
		json_object_update_missing(ext, extra);
	json_object_set_new(e, "extensions", ext);
	return e;
}
