/*
 * seal.c - seals webhook secrets still stored in plaintext (see seal.h).
 * `doitong-admin migrate` runs it after the migrations when a key is set, so
 * an upgrade (or a key configured later) leaves no plaintext secret behind;
 * doctor counts what is left.
 */
#include "admin/seal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/arena.h"

#define PLAIN_WHERE "a.webhook_secret LIKE 'whsec\\_%' OR a.webhook_secret_prev LIKE 'whsec\\_%'"

static void result_error(PGconn *conn, PGresult *res, const char *what, char *err, size_t errlen)
{
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn);
	snprintf(err, errlen, "%s: %.*s", what, (int)strcspn(msg && *msg ? msg : "failed", "\n"),
		 msg && *msg ? msg : "failed");
}

/* The stored form of one column's value: sealed when it is plaintext. */
static const char *sealed_of(struct arena *a, const struct secret_key *key, PGresult *res, int row,
			     int col)
{
	if (PQgetisnull(res, row, col))
		return NULL;
	const char *v = PQgetvalue(res, row, col);
	return secret_is_sealed(v) ? v : secret_seal(a, key, v);
}

int seal_plain_secrets(PGconn *conn, const struct secret_key *key, char *err, size_t errlen)
{
	if (!key->set)
		return 0;
	PGresult *res = PQexec(conn, "BEGIN");
	bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	PQclear(res);
	if (!ok) {
		result_error(conn, NULL, "sealing webhook secrets", err, errlen);
		return -1;
	}
	res = PQexec(conn, "SELECT a.id, a.webhook_secret, a.webhook_secret_prev FROM internal.accounts a "
			   "WHERE " PLAIN_WHERE " ORDER BY a.id FOR UPDATE");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		result_error(conn, res, "listing plaintext webhook secrets", err, errlen);
		PQclear(res);
		PQclear(PQexec(conn, "ROLLBACK"));
		return -1;
	}
	struct arena *a = arena_new(4096);
	int n = PQntuples(res), sealed = 0;
	for (int i = 0; i < n && ok; i++) {
		const char *params[3] = { PQgetvalue(res, i, 0), sealed_of(a, key, res, i, 1),
					  sealed_of(a, key, res, i, 2) };
		if (!params[1] || (!PQgetisnull(res, i, 2) && !params[2])) {
			snprintf(err, errlen, "account %s: its webhook secret is malformed", params[0]);
			ok = false;
			break;
		}
		PGresult *up = PQexecParams(conn, "UPDATE internal.accounts SET webhook_secret = $2, "
						  "webhook_secret_prev = $3 WHERE id = $1",
					    3, NULL, params, NULL, NULL, 0);
		ok = PQresultStatus(up) == PGRES_COMMAND_OK;
		if (!ok)
			result_error(conn, up, "sealing a webhook secret", err, errlen);
		PQclear(up);
		sealed++;
	}
	for (int i = 0; i < n; i++)
		for (int col = 1; col <= 2; col++)
			OPENSSL_cleanse(PQgetvalue(res, i, col), strlen(PQgetvalue(res, i, col)));
	PQclear(res);
	arena_free(a);
	if (!ok) {
		PQclear(PQexec(conn, "ROLLBACK"));
		return -1;
	}
	res = PQexec(conn, "COMMIT");
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		result_error(conn, res, "sealing webhook secrets", err, errlen);
		ok = false;
	}
	PQclear(res);
	return ok ? sealed : -1;
}

int seal_count_plain(PGconn *conn)
{
	PGresult *res = PQexec(conn, "SELECT count(*) FROM internal.accounts a WHERE " PLAIN_WHERE);
	int n = PQresultStatus(res) == PGRES_TUPLES_OK ? (int)strtol(PQgetvalue(res, 0, 0), NULL, 10) : -1;
	PQclear(res);
	return n;
}
