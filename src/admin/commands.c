/*
 * commands.c - each doitong-admin command as one admin.* call through
 * db_call, and the output it prints. The table below maps a command to its
 * function; the printers turn the JSON result into aligned text.
 */
#include "admin/commands.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "admin/table.h"
#include "common/arena.h"
#include "db/db.h"
#include "http/auth.h"
#include "webhooks/secret.h"

#define MAX_PARAMS 5

struct ctx {
	struct db *db;
	struct arena *arena;
	struct secret_key webhook_key; /* webhook_secret_key, parsed */
};

static const char *bool_text(bool b)
{
	return b ? "true" : "false";
}

static const char *limit_text(struct arena *a, long v)
{
	return v < 0 ? NULL : arena_printf(a, "%ld", v);
}

/* Calls function; on failure prints the reason and returns false. */
static bool call(struct ctx *c, const char *function, int nparams, const char *const *params,
		 json_t **out)
{
	struct db_error err;
	enum api_err rc = db_call(c->db, c->arena, function, nparams, params, out, &err);
	if (rc == API_OK)
		return true;
	if (rc == API_ERR_UNAVAILABLE)
		fprintf(stderr, "doitong-admin: cannot reach the database (DOITONG_DSN or dsn in the configuration)\n");
	else if (!strncmp(err.sqlstate, "QA", 2))
		fprintf(stderr, "doitong-admin: %s\n", err.message);
	else
		fprintf(stderr, "doitong-admin: %s failed (%s%s%s)\n", function, err.message,
			err.sqlstate[0] ? ", SQLSTATE " : "", err.sqlstate);
	return false;
}

static const struct table_column account_columns[] = {
	{ "id", "ID" },
	{ "name", "NAME" },
	{ "plan", "PLAN" },
	{ "credits", "CREDITS" },
	{ "reservedCredits", "RESERVED" },
	{ "testCredits", "TEST_CREDITS" },
	{ "createdAt", "CREATED_AT" },
};

static const struct table_column provider_columns[] = {
	{ "id", "ID" },
	{ "types", "TYPES" },
	{ "adapter", "ADAPTER" },
	{ "enabled", "ENABLED" },
	{ "route", "ROUTE" },
	{ "keyEnv", "KEY VARIABLE" },
	{ "breaker", "BREAKER" },
	{ "failureStreak", "FAILURES" },
};

/* Prints a string result alone, or the id field of an object result. */
static int print_scalar(json_t *out, const char *field)
{
	json_t *v = field && json_is_object(out) ? json_object_get(out, field) : out;
	if (json_is_string(v)) {
		printf("%s\n", json_string_value(v));
		return 0;
	}
	if (json_is_integer(v)) {
		printf("%" JSON_INTEGER_FORMAT "\n", json_integer_value(v));
		return 0;
	}
	fprintf(stderr, "doitong-admin: unexpected result from the database\n");
	return 1;
}

static int print_rows(json_t *out, const struct table_column *cols, size_t ncols)
{
	if (json_is_null(out))
		out = json_array();
	else
		json_incref(out);
	if (!json_is_array(out)) {
		json_decref(out);
		fprintf(stderr, "doitong-admin: unexpected result from the database\n");
		return 1;
	}
	table_print(stdout, out, cols, ncols);
	json_decref(out);
	return 0;
}

/* Objects as key/value lines; true/null/empty results print nothing. */
static int print_object(json_t *out)
{
	if (json_is_object(out) && json_object_size(out) > 0)
		table_print_object(stdout, out);
	else if (json_is_string(out) || json_is_number(out))
		table_print_object(stdout, out);
	return 0;
}

static const struct table_column stats_provider_columns[] = {
	{ "provider", "PROVIDER" },
	{ "total", "TOTAL" },
	{ "completed", "COMPLETED" },
	{ "failed", "FAILED" },
	{ "cancelled", "CANCELLED" },
	{ "active", "ACTIVE" },
	{ "failureRate", "FAILURE RATE" },
};

/* A copy of obj's members named in keys (NULL-terminated), in that order:
 * jsonb keeps its own key order, readers want the documented one. */
static json_t *members_in_order(json_t *obj, const char *const *keys)
{
	json_t *copy = json_object();
	for (; *keys; keys++) {
		json_t *v = json_object_get(obj, *keys);
		if (v)
			json_object_set(copy, *keys, v);
	}
	return copy;
}

/* admin.stats: the period, the totals as key/value lines, then the table of
 * generations by provider. */
static int print_stats(json_t *out)
{
	static const char *const sections[] = { "accounts", "generations", "credits", "webhooks", NULL };
	static const char *const states[] = { "PENDING", "PROCESSING", "COMPLETED", "FAILED", "CANCELLED",
					      "total", NULL };
	static const char *const credits[] = { "spent", "refunded", "toppedUp", "spentTestMode", NULL };
	static const char *const webhooks[] = { "delivered", "failed", "pending", "failedAttempts", NULL };
	json_t *providers = json_object_get(out, "providers");
	if (!json_is_object(out) || !json_is_array(providers)) {
		fprintf(stderr, "doitong-admin: unexpected result from the database\n");
		return 1;
	}
	printf("From %s to %s\n\n", json_string_value(json_object_get(out, "from")),
	       json_string_value(json_object_get(out, "to")));
	json_t *totals = members_in_order(out, sections);
	json_object_set_new(totals, "generations", members_in_order(json_object_get(out, "generations"), states));
	json_object_set_new(totals, "credits", members_in_order(json_object_get(out, "credits"), credits));
	json_object_set_new(totals, "webhooks", members_in_order(json_object_get(out, "webhooks"), webhooks));
	table_print_object(stdout, totals);
	json_decref(totals);
	printf("\n");
	return print_rows(providers, stats_provider_columns, ARRAY_LEN(stats_provider_columns));
}

static int key_create(struct ctx *c, const struct admin_args *args)
{
	char key[AUTH_KEY_MAX_LEN], hash[AUTH_HASH_HEX_LEN + 1], prefix[13];
	if (!auth_generate_key(args->test, key, sizeof key)) {
		fprintf(stderr, "doitong-admin: the random generator failed\n");
		return 1;
	}
	auth_hash_key(key, strlen(key), hash);
	snprintf(prefix, sizeof prefix, "%.12s", key);
	const char *params[] = { args->arg[0], hash, prefix, bool_text(args->test) };
	json_t *out;
	if (!call(c, "admin.key_create", 4, params, &out))
		return 1;
	printf("%s\n", key);
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "Store this key now: only its hash is kept, it cannot be shown again.\n");
	return 0;
}

static int key_revoke(struct ctx *c, const struct admin_args *args)
{
	char hash[AUTH_HASH_HEX_LEN + 1];
	auth_hash_key(args->arg[0], strlen(args->arg[0]), hash);
	const char *params[] = { hash };
	json_t *out;
	if (!call(c, "admin.key_revoke", 1, params, &out))
		return 1;
	if (!json_is_true(out)) {
		fprintf(stderr, "doitong-admin: no such key (or already revoked)\n");
		return 1;
	}
	return 0;
}

/* The account's webhook secret is made and sealed here (webhook_secret_key;
 * none = plaintext), so PostgreSQL never sees the key. */
static int account_create(struct ctx *c, const struct admin_args *args)
{
	char *plain = secret_new(c->arena);
	char *stored = plain ? secret_seal(c->arena, &c->webhook_key, plain) : NULL;
	if (plain)
		OPENSSL_cleanse(plain, strlen(plain));
	if (!stored) {
		fprintf(stderr, "doitong-admin: could not make a webhook secret\n");
		return 1;
	}
	const char *params[] = { args->arg[0], args->plan, arena_printf(c->arena, "%lld", args->credits),
				 stored };
	json_t *out;
	return call(c, "admin.account_create", 4, params, &out) ? print_scalar(out, "id") : 1;
}

/* admin.webhook_secret answers the stored form: print it opened. */
static int print_secret(struct ctx *c, json_t *out)
{
	char why[160];
	const char *stored = json_string_value(out);
	char *plain = stored ? secret_open(c->arena, &c->webhook_key, stored, why, sizeof why) : NULL;
	if (!plain) {
		fprintf(stderr, "doitong-admin: %s\n", stored ? why : "unexpected result from the database");
		return 1;
	}
	printf("%s\n", plain);
	OPENSSL_cleanse(plain, strlen(plain));
	return 0;
}

static int dispatch(struct ctx *c, const struct admin_args *args)
{
	struct arena *a = c->arena;
	json_t *out;
	switch (args->command) {
	case ADMIN_ACCOUNT_CREATE:
		return account_create(c, args);
	case ADMIN_ACCOUNT_LIST:
		return call(c, "admin.accounts_list", 0, NULL, &out)
		       ? print_rows(out, account_columns, ARRAY_LEN(account_columns)) : 1;
	case ADMIN_ACCOUNT_SET_PLAN: {
		const char *params[] = { args->arg[0], args->plan, limit_text(a, args->rpm),
					 limit_text(a, args->concurrent), limit_text(a, args->daily) };
		return call(c, "admin.account_set_plan", 5, params, &out) ? print_object(out) : 1;
	}
	case ADMIN_ACCOUNT_WEBHOOK_SECRET: {
		const char *params[] = { args->arg[0] };
		return call(c, "admin.webhook_secret", 1, params, &out) ? print_secret(c, out) : 1;
	}
	case ADMIN_KEY_CREATE:
		return key_create(c, args);
	case ADMIN_KEY_REVOKE:
		return key_revoke(c, args);
	case ADMIN_CREDITS_ADD: {
		const char *params[] = { args->arg[0], arena_printf(a, "%lld", args->amount), args->reason,
					 bool_text(args->test) };
		return call(c, "admin.credits_add", 4, params, &out) ? print_object(out) : 1;
	}
	case ADMIN_CREDITS_LEDGER: {
		const char *params[] = { args->arg[0] };
		return call(c, "admin.credits_ledger", 1, params, &out) ? print_rows(out, NULL, 0) : 1;
	}
	case ADMIN_PROVIDERS_LIST:
		return call(c, "admin.providers_list", 0, NULL, &out)
		       ? print_rows(out, provider_columns, ARRAY_LEN(provider_columns)) : 1;
	case ADMIN_PROVIDERS_ENABLE:
	case ADMIN_PROVIDERS_DISABLE: {
		const char *params[] = { args->arg[0], bool_text(args->command == ADMIN_PROVIDERS_ENABLE) };
		return call(c, "admin.provider_set_enabled", 2, params, &out) ? print_object(out) : 1;
	}
	case ADMIN_PROVIDERS_KEY: {
		const char *params[] = { args->arg[0], args->arg[1] };
		return call(c, "admin.provider_set_key_env", 2, params, &out) ? print_object(out) : 1;
	}
	case ADMIN_PROVIDERS_ROUTE: {
		const char *params[] = { args->arg[0], args->arg[1] };
		return call(c, "admin.provider_set_route", 2, params, &out) ? print_object(out) : 1;
	}
	case ADMIN_STATS: {
		const char *params[] = { args->since ? args->since : "24h" };
		return call(c, "admin.stats", 1, params, &out) ? print_stats(out) : 1;
	}
	case ADMIN_HELP:
	case ADMIN_MIGRATE:
	case ADMIN_DOCTOR:
		break;
	}
	fprintf(stderr, "doitong-admin: internal error: command not dispatched\n");
	return 1;
}

int admin_run(const struct admin_args *args, const struct config *cfg)
{
	struct ctx c = { db_open(cfg->dsn, "doitong-admin"), arena_new(16 * 1024), { 0 } };
	(void)secret_key_parse(cfg->webhook_secret_key, &c.webhook_key); /* checked by config_load */
	int rc;
	if (!db_ready(c.db)) {
		fprintf(stderr, "doitong-admin: cannot reach the database (DOITONG_DSN or dsn in the configuration)\n");
		rc = 1;
	} else {
		rc = dispatch(&c, args);
	}
	fflush(stdout);
	if (ferror(stdout)) {
		fprintf(stderr, "doitong-admin: cannot write the output\n");
		rc = 1;
	}
	OPENSSL_cleanse(&c.webhook_key, sizeof c.webhook_key);
	arena_free(c.arena);
	db_close(c.db);
	return rc;
}
