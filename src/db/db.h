/*
 * db.h - the one seam between C and PostgreSQL.
 *
 * C never builds SQL from data: it calls a stored function by its fixed,
 * schema-qualified name with text parameters, and the function returns one
 * jsonb value. Each process holds one connection, opened lazily and
 * re-established after the database restarts; statements are prepared once
 * per connection. Errors raised by the functions (SQLSTATE class QA) become
 * API errors with the function's message and a JSON detail; anything else is
 * logged in full and reported to the client only as a code.
 */
#ifndef DOITONG_DB_H
#define DOITONG_DB_H

#include <stdbool.h>
#include <jansson.h>

#include "common/arena.h"
#include "common/err.h"

struct db;

struct db_error {
	enum api_err code;
	char sqlstate[6];
	char message[512]; /* client-safe for QA states; generic otherwise */
	json_t *detail;    /* JSON object from the error's DETAIL, or NULL; owned by the arena */
};

/* Creates a handle; connects on first use. dsn is copied. Never NULL. */
struct db *db_open(const char *dsn, const char *application_name);

/* Closes the connection and frees the handle. NULL is allowed. */
void db_close(struct db *db);

/* Connects now if needed; returns false (and logs) when the database is unreachable. */
bool db_ready(struct db *db);

/*
 * Calls `SELECT <function>($1..$n)` where function is a trusted constant such
 * as "api.generate", with NULL-able text parameters. On success stores the
 * decoded result in *out (a new reference owned by the arena: do not decref;
 * JSON null when the function returned SQL NULL) and returns API_OK.
 * On failure returns the error's code and fills *err (err may be NULL).
 * A serialization failure or deadlock is retried once.
 */
enum api_err db_call(struct db *db, struct arena *a, const char *function,
		     int nparams, const char *const *params, json_t **out,
		     struct db_error *err);

/* Ends the request: rolls back a transaction left open, drops results. */
void db_end_request(struct db *db);

/* The raw connection, for the scheduler's LISTEN and the migration runner;
 * NULL when not connected. */
struct pg_conn *db_conn(struct db *db);

#endif
