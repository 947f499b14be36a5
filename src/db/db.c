/*
 * db.c - one libpq connection per process, prepared function calls, and
 * recovery after the database restarts.
 *
 * Before each call the connection is probed without a round trip
 * (PQconsumeInput + PQisBusy read and parse the FATAL a restarting server
 * sends to idle clients),
 * so a dead connection is replaced before anything is sent rather than
 * failing the request. A call that loses its connection midway is reported
 * as API_ERR_UNAVAILABLE: whether it committed is unknown, and the client's
 * Idempotency-Key makes its retry safe.
 */
#include "db/db.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "db/sqlstate.h"

#define DB_MAX_PREPARED 64
#define DB_MAX_PARAMS 8

struct db {
	char *dsn;
	char *application_name;
	PGconn *conn;
	bool server_said_fatal; /* set by the notice processor: the server is closing us */
	/* Functions prepared on this connection; statement name = "f<index>". */
	const char *prepared[DB_MAX_PREPARED];
	int nprepared;
};

struct db *db_open(const char *dsn, const char *application_name)
{
	struct db *db = xcalloc(1, sizeof *db);
	db->dsn = xstrdup(dsn);
	db->application_name = xstrdup(application_name);
	return db;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	if (db->conn)
		PQfinish(db->conn);
	free(db->dsn);
	free(db->application_name);
	free(db);
}

static void disconnect(struct db *db)
{
	if (db->conn)
		PQfinish(db->conn);
	db->conn = NULL;
	db->nprepared = 0;
}

/* libpq reports what the server says outside a query (a restarting server's
 * "FATAL: terminating connection") through the notice processor: log it in
 * our format, and remember a FATAL so the connection is replaced before the
 * next call is sent on it. */
static void on_notice(void *arg, const char *message)
{
	struct db *db = arg;
	if (!strncmp(message, "FATAL", 5)) {
		db->server_said_fatal = true;
		log_msg(LOG_WARN, "database: %s", message);
	} else {
		log_msg(LOG_DEBUG, "database: %s", message);
	}
}

static bool connect_now(struct db *db)
{
	/* gssencmode=disable unless the DSN (expanded after it, so it wins) or
	 * PGGSSENCMODE asks otherwise: libpq's default, prefer, looks for a
	 * Kerberos credential cache before every TCP connection, which loads
	 * and initialises krb5 in every process (~0.6 MiB resident per
	 * responder) for a database that is local in almost every install. */
	const char *keys[] = { "gssencmode", "dbname", "application_name", "connect_timeout", NULL };
	const char *values[] = { "disable", db->dsn, db->application_name, "5", NULL };
	int skip = getenv("PGGSSENCMODE") ? 1 : 0; /* then libpq reads it itself */
	/* expand_dbname lets dsn be a URI or a conninfo string. */
	db->conn = PQconnectdbParams(keys + skip, values + skip, 1);
	db->server_said_fatal = false;
	PQsetNoticeProcessor(db->conn, on_notice, db);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		log_msg(LOG_ERROR, "database connection failed: %s", PQerrorMessage(db->conn));
		disconnect(db);
		return false;
	}
	/* Every name we use is schema-qualified; an empty search_path makes
	 * sure nothing else is picked up by accident. */
	PGresult *res = PQexec(db->conn, "SELECT pg_catalog.set_config('search_path', '', false)");
	bool ok = PQresultStatus(res) == PGRES_TUPLES_OK;
	PQclear(res);
	if (!ok) {
		log_msg(LOG_ERROR, "database set-up failed: %s", PQerrorMessage(db->conn));
		disconnect(db);
	}
	return ok;
}

/* True when the connection is usable, reconnecting if the server dropped it. */
bool db_ready(struct db *db)
{
	if (db->conn) {
		/* PQconsumeInput reads what arrived; PQisBusy parses it, so a
		 * FATAL sent while we were idle reaches on_notice now. */
		bool alive = PQstatus(db->conn) == CONNECTION_OK && PQconsumeInput(db->conn);
		if (alive)
			(void)PQisBusy(db->conn);
		if (alive && PQstatus(db->conn) == CONNECTION_OK && !db->server_said_fatal)
			return true;
		log_msg(LOG_WARN, "database connection lost; reconnecting");
		disconnect(db);
	}
	return connect_now(db);
}

struct pg_conn *db_conn(struct db *db)
{
	return db->conn;
}

/* Returns the prepared statement name for function, preparing it if new. */
static const char *statement_for(struct db *db, const char *function, int nparams,
				 char *name, size_t namelen, bool *failed_conn, char state[6])
{
	*failed_conn = false;
	state[0] = '\0';
	for (int i = 0; i < db->nprepared; i++)
		if (db->prepared[i] == function || !strcmp(db->prepared[i], function)) {
			snprintf(name, namelen, "f%d", i);
			return name;
		}
	if (db->nprepared == DB_MAX_PREPARED)
		return NULL;
	char sql[256];
	int n = snprintf(sql, sizeof sql, "SELECT %s(", function);
	for (int i = 1; i <= nparams && n < (int)sizeof sql; i++)
		n += snprintf(sql + n, sizeof sql - (size_t)n, "%s$%d", i > 1 ? "," : "", i);
	if (n >= (int)sizeof sql - 2)
		return NULL;
	snprintf(sql + n, sizeof sql - (size_t)n, ")::text");
	snprintf(name, namelen, "f%d", db->nprepared);
	PGresult *res = PQprepare(db->conn, name, sql, nparams, NULL);
	bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	if (!ok) {
		const char *st = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		snprintf(state, 6, "%s", st ? st : "");
		*failed_conn = PQstatus(db->conn) != CONNECTION_OK;
		/* A missing function (42883, an unmigrated database) is the
		 * caller's to report, once. */
		log_msg(!strcmp(state, "42883") ? LOG_DEBUG : LOG_ERROR, "prepare %s failed: %s", function,
			PQerrorMessage(db->conn));
	}
	PQclear(res);
	if (!ok)
		return NULL;
	db->prepared[db->nprepared++] = function;
	return name;
}

static void fill_error(struct db_error *err, struct arena *a, enum api_err code,
		       const char *state, const char *message, const char *detail)
{
	if (!err)
		return;
	err->code = code;
	snprintf(err->sqlstate, sizeof err->sqlstate, "%s", state ? state : "");
	snprintf(err->message, sizeof err->message, "%s", message ? message : api_err_message(code));
	err->detail = NULL;
	if (detail && *detail) {
		json_t *d = json_loads(detail, 0, NULL);
		if (json_is_object(d)) {
			arena_defer(a, (void (*)(void *))json_decref, d);
			err->detail = d;
		} else {
			json_decref(d);
		}
	}
}

static enum api_err call_once(struct db *db, struct arena *a, const char *function,
			      int nparams, const char *const *params, json_t **out,
			      struct db_error *err, bool *retry)
{
	*retry = false;
	char name[16], prep_state[6];
	bool conn_lost;
	const char *stmt = statement_for(db, function, nparams, name, sizeof name, &conn_lost, prep_state);
	if (!stmt) {
		enum api_err code = conn_lost ? API_ERR_UNAVAILABLE : API_ERR_INTERNAL;
		if (conn_lost)
			disconnect(db);
		fill_error(err, a, code, prep_state, NULL, NULL);
		return code;
	}
	PGresult *res = PQexecPrepared(db->conn, stmt, nparams, params, NULL, NULL, 0);
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
		json_t *value;
		if (PQgetisnull(res, 0, 0)) {
			value = json_null();
		} else {
			json_error_t jerr;
			value = json_loadb(PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0),
					   JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
		}
		PQclear(res);
		if (!value) {
			log_msg(LOG_ERROR, "%s returned invalid JSON", function);
			fill_error(err, a, API_ERR_INTERNAL, NULL, NULL, NULL);
			return API_ERR_INTERNAL;
		}
		arena_defer(a, (void (*)(void *))json_decref, value);
		*out = value;
		return API_OK;
	}

	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	enum api_err code;
	if (PQstatus(db->conn) != CONNECTION_OK || sqlstate_is_connection_loss(state)) {
		log_msg(LOG_ERROR, "%s: connection lost: %s", function, PQerrorMessage(db->conn));
		code = API_ERR_UNAVAILABLE;
		fill_error(err, a, code, state, NULL, NULL);
		disconnect(db);
	} else if (sqlstate_is_ours(state)) {
		code = sqlstate_to_api_err(state);
		fill_error(err, a, code, state, PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY),
			   PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL));
	} else {
		*retry = sqlstate_is_retryable(state);
		log_msg(*retry ? LOG_WARN : LOG_ERROR, "%s failed [%s]: %s", function,
			state ? state : "?", PQresultErrorMessage(res));
		code = sqlstate_to_api_err(state);
		fill_error(err, a, code, state, NULL, NULL);
	}
	PQclear(res);
	return code;
}

enum api_err db_call(struct db *db, struct arena *a, const char *function,
		     int nparams, const char *const *params, json_t **out,
		     struct db_error *err)
{
	*out = NULL;
	if (nparams > DB_MAX_PARAMS || !db_ready(db)) {
		enum api_err code = nparams > DB_MAX_PARAMS ? API_ERR_INTERNAL : API_ERR_UNAVAILABLE;
		fill_error(err, a, code, NULL, NULL, NULL);
		return code;
	}
	bool retry;
	enum api_err code = call_once(db, a, function, nparams, params, out, err, &retry);
	if (retry)
		code = call_once(db, a, function, nparams, params, out, err, &retry);
	return code;
}

void db_end_request(struct db *db)
{
	if (!db->conn)
		return;
	PGresult *res;
	while ((res = PQgetResult(db->conn)))
		PQclear(res);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		disconnect(db);
		return;
	}
	if (PQtransactionStatus(db->conn) != PQTRANS_IDLE) {
		log_msg(LOG_WARN, "transaction left open at end of request; rolling back");
		res = PQexec(db->conn, "ROLLBACK");
		PQclear(res);
	}
}
