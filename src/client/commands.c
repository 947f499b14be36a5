/*
 * commands.c - status, cancel, list, providers and account (see commands.h;
 * generate, which waits and draws progress, is in generate.c).
 */
#include "client/commands.h"

#include <stdio.h>
#include <string.h>

#include "admin/table.h"

int client_report(const struct api_error *err, int rc)
{
	fprintf(stderr, "doitong: %s: %s\n", err->code[0] ? err->code : "ERROR",
		err->message[0] ? err->message : "(no message)");
	return rc;
}

void client_print_json(json_t *v)
{
	json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	fflush(stdout);
}

/* Runs a query and hands back data[field] (a new reference) in *out. */
static int fetch(struct api *api, const char *query, json_t *vars, const char *idem,
		 const char *field, json_t **out)
{
	struct api_error err;
	json_t *data;
	*out = NULL;
	int rc = api_call(api, query, vars, idem, &data, &err);
	json_decref(vars);
	if (rc != CLIENT_EXIT_OK)
		return client_report(&err, rc);
	*out = json_incref(json_object_get(data, field));
	json_decref(data);
	return CLIENT_EXIT_OK;
}

int cmd_status(struct api *api, const struct client_args *a)
{
	json_t *g;
	int rc = fetch(api, "query Generation($id: ID!) { generation(id: $id) { " CLIENT_GENERATION_FIELDS " } }",
		       json_pack("{s:s}", "id", a->id), NULL, "generation", &g);
	if (rc)
		return rc;
	if (!json_is_object(g)) {
		json_decref(g);
		struct api_error err = { "NOT_FOUND", "" };
		snprintf(err.message, sizeof err.message, "no generation %s", a->id);
		return client_report(&err, CLIENT_EXIT_API);
	}
	if (a->json)
		client_print_json(g);
	else
		table_print_object(stdout, g);
	json_decref(g);
	return CLIENT_EXIT_OK;
}

int cmd_cancel(struct api *api, const struct client_args *a)
{
	char idem[33];
	json_t *done;
	api_random_key(idem);
	int rc = fetch(api, "mutation Cancel($id: ID!) { cancelGeneration(id: $id) }",
		       json_pack("{s:s}", "id", a->id), idem, "cancelGeneration", &done);
	if (rc)
		return rc;
	if (a->json) {
		json_t *o = json_pack("{s:s,s:O}", "id", a->id, "cancelled", done ? done : json_null());
		client_print_json(o);
		json_decref(o);
	} else if (json_is_true(done)) {
		printf("cancelled %s\n", a->id);
	} else {
		printf("%s had already ended\n", a->id);
	}
	json_decref(done);
	return CLIENT_EXIT_OK;
}

int cmd_list(struct api *api, const struct client_args *a)
{
	json_t *vars = json_pack("{s:I}", "first", (json_int_t)a->limit);
	if (a->status)
		json_object_set_new(vars, "status", json_string(a->status));
	if (a->filter_type)
		json_object_set_new(vars, "type", json_string(a->filter_type));
	json_t *conn;
	int rc = fetch(api,
		       "query List($first: Int, $status: GenerationStatus, $type: GenerationType) { "
		       "generations(first: $first, status: $status, type: $type) { totalCount "
		       "nodes { id type status progress provider creditCost createdAt } } }",
		       vars, NULL, "generations", &conn);
	if (rc)
		return rc;
	if (a->json) {
		client_print_json(conn);
	} else {
		static const struct table_column cols[] = {
			{ "id", "ID" }, { "type", "TYPE" }, { "status", "STATUS" },
			{ "progress", "PROGRESS" }, { "provider", "PROVIDER" },
			{ "creditCost", "CREDITS" }, { "createdAt", "CREATED" },
		};
		table_print(stdout, json_object_get(conn, "nodes"), cols, ARRAY_LEN(cols));
	}
	json_decref(conn);
	return CLIENT_EXIT_OK;
}

int cmd_providers(struct api *api, const struct client_args *a)
{
	json_t *vars = json_object();
	if (a->filter_type)
		json_object_set_new(vars, "type", json_string(a->filter_type));
	json_t *list;
	int rc = fetch(api,
		       "query Providers($type: GenerationType) { providers(type: $type) { "
		       "id type models pricing { creditCost estimatedTime } available } }",
		       vars, NULL, "providers", &list);
	if (rc)
		return rc;
	if (a->json) {
		client_print_json(list);
		json_decref(list);
		return CLIENT_EXIT_OK;
	}
	/* Flatten pricing into columns of their own. */
	json_t *rows = json_array(), *p;
	size_t i;
	json_array_foreach(list, i, p) {
		json_t *pricing = json_object_get(p, "pricing");
		json_array_append_new(rows, json_pack("{s:O?,s:O?,s:O?,s:O?,s:O?,s:O?}",
			"id", json_object_get(p, "id"), "type", json_object_get(p, "type"),
			"models", json_object_get(p, "models"),
			"price", json_object_get(pricing, "creditCost"),
			"time", json_object_get(pricing, "estimatedTime"),
			"available", json_object_get(p, "available")));
	}
	static const struct table_column cols[] = {
		{ "id", "ID" }, { "type", "TYPE" }, { "models", "MODELS" },
		{ "price", "PRICE" }, { "time", "TIME_S" }, { "available", "AVAILABLE" },
	};
	table_print(stdout, rows, cols, ARRAY_LEN(cols));
	json_decref(rows);
	json_decref(list);
	return CLIENT_EXIT_OK;
}

int cmd_account(struct api *api, const struct client_args *a)
{
	json_t *acc;
	int rc = fetch(api,
		       "query Account { account { id name plan credits reservedCredits rateLimit { "
		       "requestsPerMinute remainingThisMinute resetIn concurrentGenerations "
		       "activeGenerations dailyLimit remainingToday } } }",
		       NULL, NULL, "account", &acc);
	if (rc)
		return rc;
	if (a->json)
		client_print_json(acc);
	else
		table_print_object(stdout, acc);
	json_decref(acc);
	return CLIENT_EXIT_OK;
}
